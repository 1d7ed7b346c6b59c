"""The shared store on a real PostgreSQL server (tests/postgres.py starts one for the session):
what the SQLite store does, PostgreSQL does alike; twenty processes saving one structure at once
get versions 1 to 20; a writer killed in the middle of an import leaves nothing of it; the
server's faults are said in French, naming the base without its password; a base moves from
SQLite to PostgreSQL and back with its whole history."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from pandas.testing import assert_frame_equal

from contacts_lib import write_csv, write_json
from contacts_lib.messages import InputError
from contacts_lib.network import load_network, sample_network, write_sample_network
from contacts_lib.store import (
    _PG_LOCK,
    BASE_VARIABLE,
    SCHEMA_VERSION,
    Store,
    configured_base,
    configured_path,
    shown_base,
)
from tests import postgres
from tests.postgres import PASSWORD, READER, WRITER
from tests.samples import ROOT, random_autodiagnostic
from tests.test_store import _participant_files, _rows

pytestmark = pytest.mark.slow
#: The session's server and a new database for each test (tests/postgres.py).
postgres_server, postgres_database = postgres.postgres_server, postgres.postgres_database

CLI = str(Path(sys.executable).with_name("contacts-efficaces"))


def _environment(**changes: str | None) -> dict[str, str]:
    """The commands' environment: no password nor base from the developer's own."""
    environment = {k: v for k, v in os.environ.items() if k not in ("PGPASSWORD", BASE_VARIABLE, "PGCONNECT_TIMEOUT")}
    environment["PGPASSFILE"] = "/nonexistent/pgpass"
    environment |= {k: v for k, v in changes.items() if v is not None}
    return environment


def _cli(*arguments: str, **environment: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, *arguments], capture_output=True, text=True, timeout=120, env=_environment(**environment),
                          check=False)


def _tables(database) -> list[str]:
    return [row[0] for row in database.sql(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name")]


def _catalog(database) -> list[tuple]:
    """Every table, column and row count of the database's public schema: what « untouched » means."""
    columns = database.sql(
        "SELECT table_name, column_name, data_type, ordinal_position FROM information_schema.columns "
        "WHERE table_schema = 'public' ORDER BY table_name, ordinal_position"
    )
    counts = [(table, database.sql(f'SELECT count(*) FROM "{table}"')[0][0]) for table in _tables(database)]
    return [*columns, *counts]


def _what_the_store_answers(base) -> dict[str, object]:
    """The saves of the first SQLite test (and a few more), and what the store answers."""
    diagnostics = sample_network(30, seed=2)
    with Store(base) as store:
        store.save(diagnostics[:20], "a.csv", saved_by="a.morel")
        store.save(diagnostics[20:], "b.csv")
        name = diagnostics[0].structure
        newest = max((d for d in diagnostics if d.structure == name), key=lambda d: d.date)
        store.save([dataclasses.replace(newest, date=newest.date - dt.timedelta(days=400), answers=(True,) * 36)], "older.json")
        again = dataclasses.replace(newest, answers=(False,) * 36)
        undated = dataclasses.replace(newest, date=None, answers=(None,) * 36, structure=name.upper())
        saved = store.save([again, undated], "again.json", saved_by="b.durand")
        assert [v.number for v in saved] == [len(store.history(name)) - 1, len(store.history(name))]
        assert next(d for d in store.latest() if d.structure == name) == again  # same date, saved later
        assert store.versions(f"  {name.upper()} ")[0].autodiagnostic == undated  # undated: the oldest
        network = store.network()
        answers = {
            "versions": [(v.id, v.number, v.autodiagnostic, v.source, v.saved_by) for v in store.versions()],
            "history": [(v.id, v.number, v.saved_by) for v in store.history(f" {name.casefold()}  ")],
            "latest": store.latest(),
            "latest 2017": store.latest("2017"),
            "count": store.count(),
            "stamp": store.stamp(),
            "network": network.structures,
            "network latest": network.latest().structures,
        }
    with Store(base, read_only=True) as store:
        assert [(v.id, v.number, v.autodiagnostic, v.saved_by) for v in store.versions()] == [
            (v[0], v[1], v[2], v[4]) for v in answers["versions"]]
    return answers


def test_postgresql_answers_as_sqlite_does(postgres_database, tmp_path):
    on_sqlite = _what_the_store_answers(tmp_path / "base.sqlite")
    on_postgresql = _what_the_store_answers(postgres_database.url)
    for key in ("network", "network latest"):
        assert_frame_equal(on_postgresql.pop(key), on_sqlite.pop(key))
    assert on_postgresql == on_sqlite
    total = len(sample_network(30, seed=2)) + 3
    assert on_sqlite["count"] == total and on_sqlite["stamp"] == (total, total)
    assert sorted(_tables(postgres_database)) == ["contacts_efficaces_schema", "structures", "versions"]
    assert postgres_database.sql("SELECT version FROM contacts_efficaces_schema") == [(SCHEMA_VERSION,)] == [(3,)]


def test_a_bad_batch_saves_nothing(postgres_database, tmp_path):
    url = postgres_database.url
    bad = tmp_path / "reseau.csv"
    write_csv([random_autodiagnostic(k) for k in range(5)], bad)
    lines = bad.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace("OUI", "PEUT-ÊTRE", 1)
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    refused = _cli("enregistrer", str(bad), "--base", url)
    assert refused.returncode == 2 and "reseau.csv, ligne 4" in refused.stderr
    assert _tables(postgres_database) == []  # a refused command does not even create the tables

    good = tmp_path / "bonne.json"
    write_json(random_autodiagnostic(1), good)
    assert _cli("enregistrer", str(good), "--base", url).returncode == 0
    result = _cli("enregistrer", str(good), str(bad), "--base", url)
    assert result.returncode == 2 and result.stdout == ""

    # The server refuses a row in the middle of a batch: none of the batch is kept.
    batch = [dataclasses.replace(random_autodiagnostic(k), structure=f"Nouvelle {k}") for k in range(10)]
    batch[6] = dataclasses.replace(batch[6], campagne="2026\x00")
    with Store(url) as store, pytest.raises(InputError, match="caractère nul.*rien n'a été enregistré"):
        store.save(batch, "lot.csv")
    assert postgres_database.sql("SELECT count(*) FROM versions") == [(1,)]
    assert postgres_database.sql("SELECT count(*) FROM structures") == [(1,)]


_SAVER = """
import dataclasses, sys
from contacts_lib.store import Store
from tests.samples import random_autodiagnostic
n = int(sys.argv[2])
diagnostic = dataclasses.replace(random_autodiagnostic(n), structure=("Maison France services", " maison  FRANCE services ")[n % 2])
with Store(sys.argv[1]) as store:
    print("prêt", flush=True)
    saved = store.save([diagnostic], f"processus {n}", saved_by=f"agent {n}")[0]
print(saved.id, saved.number, flush=True)
"""


def test_twenty_processes_saving_one_structure_at_once_get_versions_1_to_20(postgres_database):
    import psycopg

    url = postgres_database.url
    Store(url).close()  # the tables made: the processes wait in their saves, not in the schema's creation
    with psycopg.connect(url) as holder:  # holds the writers' turn until all twenty are waiting
        holder.execute("SELECT pg_advisory_xact_lock(%s)", (_PG_LOCK,))
        processes = [subprocess.Popen([sys.executable, "-c", _SAVER, url, str(n)], cwd=ROOT, text=True,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE) for n in range(20)]
        assert [p.stdout.readline().strip() for p in processes] == ["prêt"] * 20
        deadline = time.monotonic() + 30
        while postgres_database.sql("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")[0][0] < 20:
            assert time.monotonic() < deadline, "the twenty saves did not all wait for their turn"
            time.sleep(0.02)
        holder.rollback()  # and all twenty go at once
    outputs = [p.communicate(timeout=60) for p in processes]
    assert [p.returncode for p in processes] == [0] * 20, [err for _, err in outputs]
    reported = sorted(tuple(map(int, out.split())) for out, _ in outputs)  # (id, number) each saver was told
    assert sorted(number for _, number in reported) == list(range(1, 21))
    with Store(url, read_only=True) as store:
        history = store.history("MAISON FRANCE SERVICES")
        assert [(v.id, v.number) for v in history] == reported  # what each was told is what the base says
        assert [v.number for v in history] == list(range(1, 21)) and store.count() == 20
        assert sorted(v.saved_by for v in history) == sorted(f"agent {n}" for n in range(20))
    assert postgres_database.sql("SELECT count(*) FROM structures") == [(1,)]


_OPENER = """
import sys
from contacts_lib.messages import InputError
from contacts_lib.store import Store
print("prêt", flush=True)
sys.stdin.readline()
try:
    Store(sys.argv[1]).close()
except InputError as error:
    sys.exit(str(error))
"""


def test_twenty_processes_opening_one_empty_base_at_once_all_open_it(postgres_server):
    """One makes the tables while the others look at the base: each of them must see the
    tables either not yet or whole, never half made (which would read as another tool's).
    Several rounds, on new databases: the moment of overlap differs each time."""
    from contacts_lib.store import _PG_SCHEMA_TABLE, SCHEMA_VERSION

    for _round in range(6):
        database = postgres_server.database()
        processes = [subprocess.Popen([sys.executable, "-c", _OPENER, database.url], cwd=ROOT, text=True,
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                     for _ in range(20)]
        assert [p.stdout.readline().strip() for p in processes] == ["prêt"] * 20
        for process in processes:  # all at once
            process.stdin.write("\n")
            process.stdin.flush()
        outputs = [p.communicate(timeout=60) for p in processes]
        assert [p.returncode for p in processes] == [0] * 20, {err for _, err in outputs}
        assert database.sql(f"SELECT version FROM {_PG_SCHEMA_TABLE}") == [(SCHEMA_VERSION,)]
        assert sorted(_tables(database)) == sorted(["contacts_efficaces_schema", "structures", "versions"])


def test_twenty_enregistrer_commands_at_once_through_the_variable(postgres_database, tmp_path):
    expected = _participant_files(tmp_path, 20)
    environment = _environment(**{BASE_VARIABLE: postgres_database.url})
    processes = [subprocess.Popen([CLI, "enregistrer", str(tmp_path / f"equipe-{n:02d}.csv")], env=environment,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for n in range(20)]
    outputs = [p.communicate(timeout=120) for p in processes]
    assert [p.returncode for p in processes] == [0] * 20, [err for _, err in outputs]
    assert all("4 versions enregistrées (4 structures) dans postgresql://postgres@127.0.0.1:" in out for out, _ in outputs)
    assert postgres_database.sql("SELECT count(*) FROM versions") == [(80,)]
    result = _cli("score", "--csv", "--base", postgres_database.url)
    assert result.returncode == 0, result.stderr
    rows = _rows(result.stdout)[1:]
    assert len(rows) == len(expected) == 61
    latest = {" ".join(row[0].split()).casefold(): row for row in rows}
    assert latest.keys() == {name.casefold() for name in expected}


def test_a_writer_killed_in_the_middle_of_a_large_import_leaves_nothing_of_it(postgres_database, tmp_path):
    import psycopg

    folder = tmp_path / "grand"
    write_sample_network(folder, 5000, seed=3)
    imported = len(load_network(folder).diagnostics)
    url = postgres_database.url
    with Store(url) as store:
        before = len(store.save(sample_network(10, seed=1), "avant.csv"))
    outcomes = []
    with psycopg.connect(url, autocommit=True) as watcher:
        for attempt in range(3):
            size = watcher.execute("SELECT pg_relation_size('versions')").fetchone()[0]
            process = subprocess.Popen([CLI, "enregistrer", str(folder), "--base", url], env=_environment(),
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 120
            while process.poll() is None and time.monotonic() < deadline:
                grown = watcher.execute("SELECT pg_relation_size('versions')").fetchone()[0] - size
                if grown > (attempt + 1) * 400_000:  # the import is being written, not committed
                    os.kill(process.pid, signal.SIGKILL)
                    break
                time.sleep(0.002)
            process.wait(timeout=60)
            outcomes.append(process.returncode)
            start = time.monotonic()
            with Store(url) as store:  # the base goes on: the next save gets its turn at once
                store.save([random_autodiagnostic(attempt)], "après.json")
                count = store.count()
            assert time.monotonic() - start < 10
            assert count - 1 in (before, before + imported)
            before = count
            if outcomes[-1] == -signal.SIGKILL:
                break
    assert -signal.SIGKILL in outcomes  # killed for real, in the middle: nothing of it kept
    assert before < len(sample_network(10, seed=1)) + len(outcomes) * (imported + 1)


def test_a_busy_base_makes_a_save_wait_then_say_so_and_a_lost_connection_saves_nothing(postgres_database):
    import psycopg

    url = postgres_database.url
    with Store(url) as store:
        before = len(store.save(sample_network(5, seed=1), "avant.csv"))
    with psycopg.connect(url) as holder:  # another writer that does not let go
        holder.execute("SELECT pg_advisory_xact_lock(%s)", (_PG_LOCK,))
        with Store(url, wait_seconds=0.3) as store:
            start = time.monotonic()
            with pytest.raises(InputError, match="base occupée par un autre enregistrement depuis trop longtemps ; réessayez"):
                store.save(sample_network(5, seed=2), "pendant.csv")
            assert time.monotonic() - start >= 0.3
            assert store.count() == before  # readers are not blocked by a writer

        outcome: list[BaseException | None] = []

        def save():
            try:
                with Store(url) as waiting:
                    waiting.save(sample_network(20, seed=3), "coupé.csv")
                outcome.append(None)
            except BaseException as error:  # noqa: BLE001 - handed to the test
                outcome.append(error)

        thread = threading.Thread(target=save)
        thread.start()
        deadline = time.monotonic() + 20
        while not (waiting := postgres_database.sql("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")):
            assert time.monotonic() < deadline
            time.sleep(0.02)
        postgres_database.sql("SELECT pg_terminate_backend(%s)", (waiting[0][0],))  # the connection lost mid-save
        thread.join(timeout=20)
        holder.rollback()
    assert isinstance(outcome[0], InputError), outcome
    assert str(outcome[0]).endswith("enregistrement impossible (connexion au serveur PostgreSQL perdue) ; rien n'a été enregistré.")
    with Store(url) as store:
        assert store.count() == before
        store.save(sample_network(3, seed=4), "ensuite.csv")
        assert store.count() == before + len(sample_network(3, seed=4))


def _silent_server() -> socket.socket:
    """A port that takes connections and never answers (a server that hangs, a firewall that drops)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    return listener


def test_an_unreachable_server_is_said_in_french_within_seconds(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]  # nothing listens there once the probe is closed
    good = tmp_path / "bonne.json"
    write_json(random_autodiagnostic(1), good)
    with _silent_server() as silent:
        start = time.monotonic()
        commands = {
            "refusé": subprocess.Popen([CLI, "score", "--base", f"postgresql://contacts:{PASSWORD}@127.0.0.1:{closed}/base"],
                                       env=_environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True),
            "muet": subprocess.Popen([CLI, "enregistrer", str(good), "--base", f"postgres://contacts@127.0.0.1:{silent.getsockname()[1]}/base"],
                                     env=_environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True),
        }
        results = {name: (*process.communicate(timeout=30), process.returncode, time.monotonic() - start)
                   for name, process in commands.items()}
    out, err, status, seconds = results["refusé"]
    assert (status, out) == (2, "") and seconds < 5, err
    assert err.strip() == (f"contacts-efficaces : postgresql://contacts:***@127.0.0.1:{closed}/base : serveur PostgreSQL "
                           "injoignable : connexion refusée (est-il démarré, à cette adresse et ce port ?).")
    out, err, status, seconds = results["muet"]
    assert (status, out) == (2, "") and 4 < seconds < 15, (seconds, err)
    assert "serveur PostgreSQL sans réponse après 5 s" in err and "Traceback" not in err


def test_passwords_rights_and_missing_databases_are_said_in_french_without_the_password(postgres_server, tmp_path):
    database = postgres_server.database(owner=WRITER)
    good = tmp_path / "bonne.json"
    write_json(random_autodiagnostic(1), good)
    with_password = database.url_as(WRITER, PASSWORD)
    saved = _cli("enregistrer", str(good), "--base", with_password)
    assert saved.returncode == 0, saved.stderr
    assert f"dans postgresql://{WRITER}:***@127.0.0.1:{postgres_server.port}/{database.name} ; la base en compte 1." in saved.stdout
    by_variable = _cli("score", "--csv", "--base", database.url_as(WRITER), PGPASSWORD=PASSWORD)
    assert by_variable.returncode == 0 and len(_rows(by_variable.stdout)) == 2, by_variable.stderr

    wrong = _cli("enregistrer", str(good), "--base", database.url_as(WRITER, "pas-le-bon-" + PASSWORD))
    assert wrong.returncode == 2
    assert "authentification refusée par le serveur PostgreSQL (utilisateur ou mot de passe)" in wrong.stderr
    assert f"{WRITER}:***@" in wrong.stderr
    missing = _cli("score", "--base", database.url_as(WRITER))
    assert "le serveur PostgreSQL demande un mot de passe (variable PGPASSWORD" in missing.stderr
    absent = _cli("score", "--base", postgres_server.url("absente", WRITER, PASSWORD))
    assert "base absente du serveur PostgreSQL" in absent.stderr
    for result in (saved, by_variable, wrong, missing, absent):
        assert PASSWORD not in result.stdout + result.stderr and "Traceback" not in result.stderr
    with pytest.raises(InputError) as error:
        Store(postgres_server.url("absente", WRITER, PASSWORD))
    assert PASSWORD not in str(error.value)
    assert shown_base(with_password) == with_password.replace(PASSWORD, "***")

    fresh = postgres_server.database()  # PostgreSQL 15: only its owner creates tables in it
    refused = _cli("enregistrer", str(good), "--base", fresh.url_as(READER))
    assert refused.returncode == 2 and "droits insuffisants sur la base PostgreSQL" in refused.stderr, refused.stderr
    assert _tables(fresh) == []
    unreadable = _cli("score", "--base", database.url_as(READER))  # the tables are the writer's, not granted
    assert unreadable.returncode == 2 and "droits insuffisants sur la base PostgreSQL" in unreadable.stderr


def test_a_newer_schema_or_another_tools_tables_are_refused_untouched(postgres_server, tmp_path):
    folder = tmp_path / "net"
    write_sample_network(folder, 3, seed=5)
    newer = postgres_server.database()
    Store(newer.url).close()
    newer.sql("UPDATE contacts_efficaces_schema SET version = 99")
    newer.sql("ALTER TABLE versions ADD COLUMN futur TEXT")
    foreign = postgres_server.database()
    foreign.sql("CREATE TABLE versions (numero INTEGER, texte TEXT)")
    foreign.sql("INSERT INTO versions VALUES (1, 'à garder')")
    cases = {newer: "base d'une version plus récente de l'outil (schéma 99) ; mettez l'outil à jour.",
             foreign: "a déjà une table structures ou versions qui n'est pas celle de l'outil"}
    for database, message in cases.items():
        before = _catalog(database)
        for command in (["enregistrer", str(folder)], ["score"], ["exporter", str(tmp_path / "x.csv")]):
            result = _cli(*command, "--base", database.url)
            assert (result.returncode, message in result.stderr, "Traceback" in result.stderr) == (2, True, False), result.stderr
            assert _catalog(database) == before
    assert not (tmp_path / "x.csv").exists()

    shared = postgres_server.database()  # a database that other tables live in: the tool's go beside them
    shared.sql("CREATE TABLE clients (nom TEXT)")
    shared.sql("INSERT INTO clients VALUES ('Anne')")
    empty = _cli("score", "--base", shared.url)
    assert empty.returncode == 2 and empty.stderr.strip().endswith("la base ne contient encore aucun autodiagnostic.")
    assert _tables(shared) == ["clients"]  # reading never creates
    assert _cli("enregistrer", str(folder), "--base", shared.url).returncode == 0
    assert _tables(shared) == ["clients", "contacts_efficaces_schema", "structures", "versions"]
    assert shared.sql("SELECT nom FROM clients") == [("Anne",)]


def _everything(base) -> dict[str, object]:
    """A base's whole history as its users see it (the store's own ids aside)."""
    with Store(base, read_only=True) as store:
        versions = store.versions()
        structures = {v.autodiagnostic.structure.casefold() for v in versions}
        return {
            "versions": [(v.number, v.autodiagnostic, v.saved_at, v.saved_by) for v in versions],
            "histories": {name: [(v.number, v.autodiagnostic, v.saved_at, v.saved_by) for v in store.history(name)]
                          for name in sorted(structures)},
            "latest": store.latest(),
            "latest by campaign": {c: store.latest(c) for c in ("2016", "2017")},
            "count": store.count(),
        }


def test_a_base_moves_from_sqlite_to_postgresql_and_back_with_its_history(postgres_database, tmp_path):
    first = tmp_path / "premiere.sqlite"
    diagnostics = sample_network(12, seed=4)
    name = diagnostics[0].structure
    with Store(first) as store:
        store.save(diagnostics[:6], "a.csv", saved_by="a.morel")
        store.save(diagnostics[6:], "b.csv")
        newest = max((d for d in diagnostics if d.structure == name), key=lambda d: d.date)
        same_day = dataclasses.replace(newest, answers=(False,) * 36, structure=name.upper())
        store.save([same_day], "app", saved_by="Élise Dupont-Lefèvre")  # same date, saved later: the latest
        older = dataclasses.replace(diagnostics[1], date=dt.date(2001, 1, 1), answers=(True,) * 36)
        undated = dataclasses.replace(diagnostics[2], date=None, answers=(None,) * 36)
        store.save([older, undated, diagnostics[1]], "c.csv", saved_by="b.durand")
        assert [v.number for v in store.history(name)] == [1, 2, 3] and store.latest()[0] == same_day
    original = _everything(first)
    assert {v[3] for v in original["versions"]} == {"a.morel", None, "Élise Dupont-Lefèvre", "b.durand"}

    url = postgres_database.url
    assert _cli("exporter", "--base", str(first), str(tmp_path / "tout.csv")).returncode == 0
    moved = _cli("enregistrer", str(tmp_path / "tout.csv"), "--base", url)
    assert moved.returncode == 0, moved.stderr
    assert f"{original['count']} versions enregistrées" in moved.stdout
    assert "avec leurs dates d'enregistrement d'origine" in moved.stdout
    assert _everything(url) == original

    assert _cli("exporter", "--base", url, str(tmp_path / "dossier")).returncode == 0  # JSON files this time
    back = tmp_path / "retour.sqlite"
    assert _cli("enregistrer", str(tmp_path / "dossier"), "--base", str(back)).returncode == 0
    assert _everything(back) == original


def test_the_variable_names_a_postgresql_base_for_the_pages(monkeypatch, postgres_database):
    monkeypatch.setenv(BASE_VARIABLE, f" {postgres_database.url} ")
    assert configured_base() == postgres_database.url and configured_path() is None
    with Store() as store:
        assert (store.path, store.url, store.location) == (None, postgres_database.url, postgres_database.url)
        store.save([random_autodiagnostic(3)], "application", saved_by="a.morel")
    with Store(configured_base(), read_only=True) as store:
        assert [(v.number, v.saved_by) for v in store.versions()] == [(1, "a.morel")]
