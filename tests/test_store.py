"""The shared store as its users meet it: versions kept, the latest read back, twenty commands
saving at once, everything exported again, and the faults of real life (a writer killed in the
middle, a read-only or full disk, a locked or damaged file) said in French with nothing lost."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from contacts_lib import score, write_csv, write_json
from contacts_lib.autodiagnostic.answers import Autodiagnostic
from contacts_lib.autodiagnostic.scoring import lever_percentages
from contacts_lib.formats import read_autodiagnostics
from contacts_lib.messages import InputError
from contacts_lib.network import load_network, sample_network, write_sample_network
from contacts_lib.store import (
    SAVED_AT_COLUMN,
    SAVED_BY_COLUMN,
    VERSION_COLUMN,
    Store,
    configured_base,
    configured_path,
    is_url,
    shown_base,
)
from tests.samples import random_autodiagnostic, run_cli

CLI = str(Path(sys.executable).with_name("contacts-efficaces"))


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def _versions_in(base: Path) -> int:
    """Counted by SQLite itself, not by the code under test."""
    with sqlite3.connect(base) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return connection.execute("SELECT count(*) FROM versions").fetchone()[0]


def test_every_save_is_a_new_version_and_the_latest_is_by_date_then_save_time(tmp_path):
    diagnostics = sample_network(30, seed=2)
    with Store(tmp_path / "base.sqlite") as store:
        first = store.save(diagnostics[:20], "a.csv")
        second = store.save(diagnostics[20:], "b.csv")
        assert len(first) == 20 and len(second) == len(diagnostics) - 20
        assert store.count() == len(diagnostics)
        name = diagnostics[0].structure
        history = store.versions(f"  {name.upper()} ")  # names compared without case or outer spaces
        assert [v.autodiagnostic for v in history] == [d for d in diagnostics if d.structure == name]
        latest = store.latest()
        assert len(latest) == len({d.structure for d in diagnostics})
        for diagnostic in latest:
            own = [d for d in diagnostics if d.structure == diagnostic.structure]
            assert diagnostic == max(own, key=lambda d: d.date)

        # An older autodiagnostic saved later does not become the latest; the same date saved
        # again does (save time breaks the tie); nothing is overwritten.
        newest = max((d for d in diagnostics if d.structure == name), key=lambda d: d.date)
        older = dataclasses.replace(newest, date=newest.date - dt.timedelta(days=400), answers=(True,) * 36)
        again = dataclasses.replace(newest, answers=(False,) * 36)
        store.save([older], "older.json")
        assert next(d for d in store.latest() if d.structure == name) == newest
        saved = store.save([again], "again.json")
        assert next(d for d in store.latest() if d.structure == name) == again
        assert saved[0].number == len(store.history(name)) == len(history) + 2
        assert store.count() == len(diagnostics) + 2
        # The network views read the store with the same rule.
        network = store.network().latest()
        assert sorted(network.diagnostics, key=lambda d: d.structure) == sorted(store.latest(), key=lambda d: d.structure)
        # Each autodiagnostic is named by its version id, in every view and every session.
        versions = {v.id: v.autodiagnostic for v in store.versions()}
        assert set(store.network().structures["autodiagnostic"]) == set(versions)
        for identifier in network.structures["autodiagnostic"]:
            assert network.diagnostic(identifier) == versions[identifier]
        assert saved[0].id in set(network.structures["autodiagnostic"])
    with Store(tmp_path / "base.sqlite", read_only=True) as store:
        assert list(store.network().latest().structures["autodiagnostic"]) == list(network.structures["autodiagnostic"])


def _participant_files(folder: Path, count: int) -> dict[str, object]:
    """``count`` files, each with its own structures and one structure shared by all of them
    (at a different date in each): what each structure's latest version must be."""
    expected = {}
    shared = []
    for n in range(count):
        own = [dataclasses.replace(random_autodiagnostic(1000 * n + k), structure=f"Structure {n}-{k}") for k in range(3)]
        common = dataclasses.replace(random_autodiagnostic(50_000 + n), structure=" Maison  France services " if n % 2 else "maison france services",
                                     date=dt.date(2020, 1, 1) + dt.timedelta(days=(n * 7) % count * 3))
        shared.append(common)
        write_csv([*own, common], folder / f"equipe-{n:02d}.csv")
        expected.update({d.structure: d for d in own})
    expected["maison france services"] = max(shared, key=lambda d: d.date)
    return expected


def test_twenty_enregistrer_commands_at_once_are_all_there(tmp_path):
    base = tmp_path / "base.sqlite"
    expected = _participant_files(tmp_path, 20)
    processes = [
        subprocess.Popen([CLI, "enregistrer", str(tmp_path / f"equipe-{n:02d}.csv"), "--base", str(base)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for n in range(20)
    ]
    outputs = [p.communicate(timeout=180) for p in processes]
    assert [p.returncode for p in processes] == [0] * 20, [err for _, err in outputs]
    assert all("4 versions enregistrées (4 structures)" in out for out, _ in outputs)
    assert _versions_in(base) == 80

    result = run_cli("score", "--base", str(base), "--csv")
    assert result.returncode == 0, result.stderr
    rows = _rows(result.stdout)
    assert rows[0] == ["structure", "orientation", "excellence", "pilotage", "innovation", "moyenne", "reponses"]
    by_key = {" ".join(row[0].split()).casefold(): row for row in rows[1:]}
    assert len(rows) - 1 == len(by_key) == len(expected) == 61  # each structure once
    for name, diagnostic in expected.items():
        percents, answered = lever_percentages(diagnostic.answers)
        assert by_key[name.casefold()][1:] == [*map(repr, percents), str(answered)]


def test_enregistrer_is_all_or_nothing_and_says_which_row(tmp_path):
    base = tmp_path / "base.sqlite"
    good = tmp_path / "bonne.json"
    write_json(random_autodiagnostic(1), good)
    assert run_cli("enregistrer", str(good), "--base", str(base)).returncode == 0
    bad = tmp_path / "reseau.csv"
    write_csv([random_autodiagnostic(k) for k in range(5)], bad)
    lines = bad.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace("OUI", "PEUT-ÊTRE", 1)
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli("enregistrer", str(good), str(bad), "--base", str(base))
    assert result.returncode == 2 and result.stdout == ""
    assert "reseau.csv, ligne 4" in result.stderr and "PEUT-ÊTRE" in result.stderr
    assert _versions_in(base) == 1  # the good file of that command was not saved either
    assert run_cli("enregistrer", str(bad), "--base", str(tmp_path / "neuve.sqlite")).returncode == 2
    assert not (tmp_path / "neuve.sqlite").exists()  # a refused command does not even create a base


def test_score_pratiques_reseau_read_the_base_as_they_read_files(tmp_path):
    folder = tmp_path / "reseau"
    write_sample_network(folder, 40, seed=5)
    base = tmp_path / "base.sqlite"
    assert run_cli("enregistrer", str(folder), "--base", str(base)).returncode == 0
    for command in (["pratiques", "--csv"], ["reseau", "--csv", "--par", "campagne"], ["pratiques", "--par", "region"], ["reseau"]):
        from_files = run_cli(*command, str(folder))
        from_base = run_cli(*command, "--base", str(base))
        assert from_base.returncode == 0, from_base.stderr
        assert from_base.stdout == from_files.stdout
    # score on files lists every autodiagnostic; on the base, each structure's latest one.
    latest = load_network(folder).latest().diagnostics
    rows = _rows(run_cli("score", "--csv", "--base", str(base)).stdout)[1:]
    assert sorted(row[0] for row in rows) == sorted(d.structure for d in latest)
    assert run_cli("score", "--base", str(base), str(folder)).stderr.strip().endswith("donnez des fichiers ou --base, pas les deux.")
    missing = run_cli("score", "--base", str(tmp_path / "absente.sqlite"))
    assert missing.returncode == 2 and "base introuvable" in missing.stderr
    assert not (tmp_path / "absente.sqlite").exists()  # reading never creates a base


def test_exporter_gives_every_version_back_in_the_project_formats(tmp_path):
    base = tmp_path / "base.sqlite"
    diagnostics = sample_network(25, seed=9)
    with Store(base) as store:
        store.save(diagnostics, "premier.csv")
        store.save(diagnostics[:5], "second.csv")
    total = len(diagnostics) + 5
    result = run_cli("exporter", "--base", str(base), str(tmp_path / "tout.csv"))
    assert result.returncode == 0, result.stderr
    assert f"{total} versions exportées" in result.stdout
    exported = read_autodiagnostics(tmp_path / "tout.csv")
    assert len(exported) == total
    assert sorted(map(repr, (d.answers for d in exported))) == sorted(repr(d.answers) for d in [*diagnostics, *diagnostics[:5]])
    assert len({d.extra[VERSION_COLUMN] for d in exported}) == total and all(d.extra[SAVED_AT_COLUMN] for d in exported)

    folder = tmp_path / "export"
    assert run_cli("exporter", "--base", str(base), str(folder)).returncode == 0
    assert len(list(folder.glob("*.json"))) == total
    again = run_cli("exporter", "--base", str(base), str(folder))
    assert again.returncode == 2 and "existe déjà ; ajoutez --force" in again.stderr

    # A base rebuilt from the export holds the same autodiagnostics, saved when they were (the
    # bookkeeping columns are not kept among their extra fields: the new base keeps its own).
    rebuilt = tmp_path / "rebuilt.sqlite"
    assert run_cli("enregistrer", str(folder), "--base", str(rebuilt)).returncode == 0
    with Store(rebuilt) as store, Store(base) as original:
        assert sorted(map(score, store.latest()), key=repr) == sorted(map(score, original.latest()), key=repr)
        assert all(not {VERSION_COLUMN, SAVED_AT_COLUMN, SAVED_BY_COLUMN} & v.autodiagnostic.extra.keys() for v in store.versions())
        assert [v.saved_at for v in store.versions()] == [v.saved_at for v in original.versions()]


def test_a_writer_killed_in_the_middle_of_a_large_import_leaves_all_or_none(tmp_path):
    folder = tmp_path / "grand"
    write_sample_network(folder, 6000, seed=3)
    imported = len(load_network(folder).diagnostics)
    base = tmp_path / "base.sqlite"
    with Store(base) as store:
        store.save(sample_network(10, seed=1), "avant.csv")
    before = _versions_in(base)
    outcomes = []
    for attempt in range(3):
        process = subprocess.Popen([CLI, "enregistrer", str(folder), "--base", str(base)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wal = Path(f"{base}-wal")
        deadline = time.monotonic() + 120
        while process.poll() is None and time.monotonic() < deadline:
            if wal.exists() and wal.stat().st_size > (attempt + 1) * 1_000_000:  # the import is being written
                os.kill(process.pid, signal.SIGKILL)
                break
            time.sleep(0.002)
        process.wait(timeout=60)
        outcomes.append(process.returncode)
        count = _versions_in(base)  # integrity checked; a hot journal is rolled back
        assert count in (before, before + imported)
        before = count
        with Store(base) as store:  # and the tool reads it as before
            assert store.count() == count
    assert -signal.SIGKILL in outcomes  # killed for real, in the middle: nothing of it kept
    assert _versions_in(base) < 10 + 3 * imported


def test_a_locked_base_makes_a_save_wait_then_say_so_losing_nothing(tmp_path):
    base = tmp_path / "base.sqlite"
    with Store(base) as store:
        store.save(sample_network(5, seed=1), "avant.csv")
    before = _versions_in(base)
    holder = sqlite3.connect(base, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer that does not let go
    try:
        with Store(base, wait_seconds=0.3) as store:
            start = time.monotonic()
            with pytest.raises(InputError, match="base occupée par un autre enregistrement depuis trop longtemps ; réessayez"):
                store.save(sample_network(5, seed=2), "pendant.csv")
            assert time.monotonic() - start >= 0.3
            assert store.count() == before  # readers are not blocked by a writer
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert _versions_in(base) == before


def test_a_damaged_or_foreign_file_is_said_and_left_as_it_is(tmp_path):
    base = tmp_path / "base.sqlite"
    with Store(base) as store:
        store.save(sample_network(40, seed=1), "avant.csv")
    content = bytearray(base.read_bytes())
    content[4096:] = b"\x55" * (len(content) - 4096)  # every page after the first overwritten
    base.write_bytes(bytes(content))
    folder = tmp_path / "net"
    write_sample_network(folder, 5, seed=2)
    for command in (["enregistrer", str(folder)], ["score"], ["exporter", str(tmp_path / "x.csv")]):
        result = run_cli(*command, "--base", str(base))
        assert result.returncode == 2 and result.stdout == ""
        assert "fichier endommagé ou qui n'est pas une base ; restaurez la dernière sauvegarde" in result.stderr
        assert "Traceback" not in result.stderr
        assert base.read_bytes() == bytes(content)

    foreign = tmp_path / "autre.sqlite"
    with sqlite3.connect(foreign) as connection:
        connection.execute("CREATE TABLE clients (nom TEXT)")
    result = run_cli("enregistrer", str(folder), "--base", str(foreign))
    assert result.returncode == 2 and "base SQLite d'un autre outil" in result.stderr
    with sqlite3.connect(foreign) as connection:
        assert [r[0] for r in connection.execute("SELECT name FROM sqlite_master")] == ["clients"]
    text_file = tmp_path / "notes.sqlite"
    text_file.write_text("pas une base\n" * 200, encoding="utf-8")
    result = run_cli("score", "--base", str(text_file))
    assert result.returncode == 2 and "n'est pas une base" in result.stderr


def _in_own_mount(script: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run a shell script as root of a private mount namespace (a user namespace: no root
    needed), where it can mount a small or read-only disk that only it sees."""
    assert shutil.which("unshare"), "util-linux's unshare is needed for the disk tests"
    return subprocess.run(["unshare", "-rm", "sh", "-ec", script], capture_output=True, text=True, cwd=tmp_path, timeout=300,
                          check=False)


def test_a_full_disk_refuses_the_import_and_keeps_what_was_stored(tmp_path):
    small, large = tmp_path / "petit", tmp_path / "grand"
    write_sample_network(small, 5, seed=1)
    write_sample_network(large, 400, seed=2)
    disk = tmp_path / "disque"
    disk.mkdir()
    result = _in_own_mount(
        f"mount -t tmpfs -o size=256k tmpfs {disk}\n"
        f"{CLI} enregistrer {small} --base {disk}/base.sqlite\n"
        f"{CLI} enregistrer {large} --base {disk}/base.sqlite || echo status=$?\n"
        f"{CLI} score --base {disk}/base.sqlite --csv > {tmp_path}/apres.csv\n",
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "status=2" in result.stdout
    assert "enregistrement impossible (disque plein) ; rien n'a été enregistré." in result.stderr
    assert "Traceback" not in result.stderr
    kept = _rows((tmp_path / "apres.csv").read_text(encoding="utf-8"))[1:]
    assert sorted(row[0] for row in kept) == sorted(d.structure for d in load_network(small).latest().diagnostics)


def test_a_read_only_disk_refuses_saving_but_is_read(tmp_path):
    folder = tmp_path / "net"
    write_sample_network(folder, 8, seed=4)
    disk = tmp_path / "disque"
    disk.mkdir()
    with Store(disk / "base.sqlite") as store:
        store.save(load_network(folder).diagnostics, "net")
    before = (disk / "base.sqlite").read_bytes()
    result = _in_own_mount(
        f"mount --bind {disk} {disk}\nmount -o remount,ro,bind {disk}\n"
        f"{CLI} enregistrer {folder} --base {disk}/base.sqlite || echo status=$?\n"
        f"{CLI} enregistrer {folder} --base {disk}/nouvelle.sqlite || echo status=$?\n"
        f"{CLI} score --base {disk}/base.sqlite --csv > {tmp_path}/lu.csv\n",
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("status=2") == 2
    assert result.stderr.count("base en lecture seule (disque, dossier ou fichier sans droit d'écriture) ; rien n'a été enregistré.") == 2
    assert len(_rows((tmp_path / "lu.csv").read_text(encoding="utf-8"))) - 1 == len(load_network(folder).latest())
    assert (disk / "base.sqlite").read_bytes() == before


@pytest.mark.parametrize("name", [":memory:", "file:x.sqlite?mode=memory", "file::memory:", "FILE:base.sqlite"])
def test_a_base_that_would_keep_nothing_is_refused(tmp_path, name):
    """SQLite's in-memory names and URIs would say « saved » and keep nothing."""
    folder = tmp_path / "net"
    write_sample_network(folder, 3, seed=4)
    result = run_cli("enregistrer", str(folder), "--base", name, cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert "une base en mémoire ou une adresse SQLite ne garde rien" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net"]  # nothing written beside


def _sqlite_file(path: Path, *statements: str) -> bytes:
    with sqlite3.connect(path) as connection:
        for statement in statements:
            connection.execute(statement)
    connection.close()
    return path.read_bytes()


def test_files_that_are_not_ours_are_refused_byte_for_byte_untouched(tmp_path):
    folder = tmp_path / "net"
    write_sample_network(folder, 3, seed=5)
    cases = {
        "vue.sqlite": (_sqlite_file(tmp_path / "vue.sqlite", "CREATE VIEW rien AS SELECT 1 AS un"), "base SQLite d'un autre outil"),
        "futur.sqlite": (_sqlite_file(tmp_path / "futur.sqlite", "PRAGMA user_version = 99", "CREATE TABLE versions (id INTEGER)"),
                         "base d'une version plus récente de l'outil (schéma 99)"),
        "texte.sqlite": (b"SQLite? non, du texte\n" * 50, "n'est pas une base de l'outil"),
    }
    (tmp_path / "texte.sqlite").write_bytes(cases["texte.sqlite"][0])
    for name, (content, message) in cases.items():
        base = tmp_path / name
        for command in (["enregistrer", str(folder)], ["score"]):
            result = run_cli(*command, "--base", str(base))
            assert (result.returncode, message in result.stderr, "Traceback" in result.stderr) == (2, True, False), result.stderr
            assert base.read_bytes() == content
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(name)) == [name]  # no -wal, -shm, -journal


def test_a_pipe_a_device_and_impossible_names_are_refused_at_once(tmp_path):
    fifo = tmp_path / "tube.sqlite"
    os.mkfifo(fifo)
    folder = tmp_path / "net"
    write_sample_network(folder, 3, seed=6)
    for base, message in [
        (fifo, "ce n'est pas un fichier ordinaire (tube nommé, périphérique…)"),
        (Path("/dev/null"), "ce n'est pas un fichier ordinaire"),
        (tmp_path / ("b" * 307 + ".sqlite"), "nom de fichier trop long"),
        (tmp_path / "/".join(["dossier"] * 600) / "base.sqlite", "nom de fichier trop long"),
    ]:
        for command in (["score"], ["enregistrer", str(folder)]):
            result = subprocess.run([CLI, *command, "--base", str(base)], capture_output=True, text=True, timeout=20, check=False)
            assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net", "tube.sqlite"]
    assert not Path("/dev/null-journal").exists()


#: The schema of the first versions of the tool (version 1): what existing users' files hold.
_SCHEMA_1 = """
CREATE TABLE IF NOT EXISTS structures (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS versions (
    id INTEGER PRIMARY KEY,
    structure_id INTEGER NOT NULL REFERENCES structures(id),
    saved_at TEXT NOT NULL,
    date TEXT,
    campagne TEXT,
    header TEXT NOT NULL,
    answers TEXT NOT NULL,
    extra TEXT NOT NULL,
    source TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS versions_by_structure ON versions (structure_id, date, saved_at);
PRAGMA user_version = 1;
"""


def _base_of_schema_1(path: Path, diagnostics) -> list:
    """A base as version 1 of the tool wrote it, holding ``diagnostics`` (rows copied from a base
    of today, less the column it did not have); what the store of today reads in it."""
    today = path.with_name("aujourdhui.sqlite")
    with Store(today) as store:
        store.save(diagnostics, "ancienne.csv")
        expected = [(v.id, v.number, v.saved_at, v.autodiagnostic, v.source) for v in store.versions()]
    connection = sqlite3.connect(path, isolation_level=None)
    connection.executescript(_SCHEMA_1)
    connection.execute("ATTACH DATABASE ? AS today", (str(today),))
    connection.execute("INSERT INTO structures SELECT id, key, name FROM today.structures")
    connection.execute("INSERT INTO versions SELECT id, structure_id, saved_at, date, campagne, header, answers, extra, source "
                       "FROM today.versions")
    connection.close()
    today.unlink()
    return expected


def _schema_of(path: Path) -> tuple[int, list[str]]:
    with sqlite3.connect(path) as connection:
        columns = [row[1] for row in connection.execute("PRAGMA table_info(versions)")]
        version = connection.execute("PRAGMA user_version").fetchone()[0]
    connection.close()
    return version, columns


def test_a_base_of_schema_1_is_read_as_it_is_and_migrated_in_place_when_written(tmp_path, monkeypatch):
    base = tmp_path / "base.sqlite"
    # Version 1 of the tool had no follow-up: the network without its plans.
    expected = _base_of_schema_1(base, [dataclasses.replace(d, plan=()) for d in sample_network(10, seed=7)])
    content = base.read_bytes()
    with Store(base, read_only=True) as store:  # read only: read, never migrated
        assert [(v.id, v.number, v.saved_at, v.autodiagnostic, v.source) for v in store.versions()] == expected
        assert {v.saved_by for v in store.versions()} == {None}
    assert run_cli("score", "--base", str(base)).returncode == 0
    exported = run_cli("exporter", "--base", str(base), str(tmp_path / "v1.csv"))
    assert exported.returncode == 0, exported.stderr
    assert {d.extra[SAVED_BY_COLUMN] for d in read_autodiagnostics(tmp_path / "v1.csv")} == {""}
    assert base.read_bytes() == content and _schema_of(base)[0] == 1

    # A migration that fails half-way leaves the base as it was: it is one transaction.
    import contacts_lib.store as store_module

    monkeypatch.setitem(store_module._MIGRATIONS, 2, ("ALTER TABLE versions ADD COLUMN saved_by TEXT", "SELECT * FROM absente"))
    with pytest.raises(InputError, match="base illisible"):
        Store(base)
    assert _schema_of(base) == (1, ["id", "structure_id", "saved_at", "date", "campagne", "header", "answers", "extra", "source"])
    monkeypatch.undo()

    with Store(base) as store:  # the first writable open migrates it, keeping everything
        assert _schema_of(base) == (3, ["id", "structure_id", "saved_at", "date", "campagne", "header", "answers", "extra",
                                        "source", "saved_by", "followup"])
        assert [(v.id, v.number, v.saved_at, v.autodiagnostic, v.source) for v in store.versions()] == expected
        name = expected[0][3].structure
        saved = store.save([dataclasses.replace(expected[0][3], answers=(True,) * 36)], "application", saved_by="a.morel")[0]
        assert (saved.number, saved.saved_by) == (len(store.history(name)), "a.morel")
        assert store.history(name)[-1].saved_by == "a.morel"
    assert _versions_in(base) == len(expected) + 1


def test_an_export_saved_again_keeps_its_save_times_authors_and_numbers(tmp_path):
    base = tmp_path / "base.sqlite"
    diagnostics = sample_network(8, seed=3)
    with Store(base) as store:
        store.save(diagnostics, "a.csv", saved_by="Élise Dupont-Lefèvre")
        store.save(diagnostics[:3], "b.csv")
        original = [(v.number, v.autodiagnostic, v.saved_at, v.saved_by) for v in store.versions()]
        authors = {str(v.id): v.saved_by or "" for v in store.versions()}
    assert run_cli("exporter", "--base", str(base), str(tmp_path / "tout.csv")).returncode == 0
    rows = _rows((tmp_path / "tout.csv").read_text(encoding="utf-8"))
    assert rows[0][-3:] == [VERSION_COLUMN, SAVED_AT_COLUMN, SAVED_BY_COLUMN]
    assert {row[-3]: row[-1] for row in rows[1:]} == authors
    folder = tmp_path / "json"
    assert run_cli("exporter", "--base", str(base), str(folder)).returncode == 0
    files = sorted(folder.glob("*.json"))
    assert {read_autodiagnostics(f)[0].extra[SAVED_BY_COLUMN] for f in files} == {"Élise Dupont-Lefèvre", ""}
    for n, path in enumerate(files):  # read in another order than the versions were saved in
        path.rename(folder / f"{len(files) - n:03d}-{path.name}")

    for source in (tmp_path / "tout.csv", folder):
        moved = tmp_path / f"depuis-{source.name}.sqlite"
        result = run_cli("enregistrer", str(source), "--base", str(moved))
        assert result.returncode == 0, result.stderr
        assert "avec leurs dates d'enregistrement d'origine) dans" in result.stdout
        with Store(moved, read_only=True) as store:
            assert [(v.number, v.autodiagnostic, v.saved_at, v.saved_by) for v in store.versions()] == original

    # A file that is not an export is saved now, by nobody known.
    plain = tmp_path / "simple.json"
    write_json(diagnostics[0], plain)
    result = run_cli("enregistrer", str(plain), "--base", str(base))
    assert result.returncode == 0 and "origine" not in result.stdout
    with Store(base, read_only=True) as store:
        last = max(store.versions(), key=lambda v: v.id)
        assert last.saved_by is None and last.saved_at > max(v[2] for v in original)

    # A save time that is not one: said, and nothing saved (the base is not even created).
    lines = (tmp_path / "tout.csv").read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace(rows[2][-2], "hier soir")
    (tmp_path / "abime.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli("enregistrer", str(tmp_path / "abime.csv"), "--base", str(tmp_path / "neuve.sqlite"))
    assert result.returncode == 2 and result.stdout == ""
    assert f"abime.csv, structure « {rows[2][0]} » : enregistre_le « hier soir » n'est pas une heure d'enregistrement" in result.stderr
    assert not (tmp_path / "neuve.sqlite").exists()


@pytest.mark.parametrize("url, shown", [
    ("postgresql://contacts:secret@db.example:5432/base", "postgresql://contacts:***@db.example:5432/base"),
    ("postgres://contacts:p%40ss@db/base?sslmode=require&password=x", "postgres://contacts:***@db/base?sslmode=require&password=***"),
    ("postgresql://contacts:a@b/c@db/base", "postgresql://contacts:***@db/base"),  # a password that was not encoded
    ("postgresql:///base?host=/run/postgresql&sslpassword=s", "postgresql:///base?host=/run/postgresql&sslpassword=***"),
    ("POSTGRESQL://contacts@db/base", "POSTGRESQL://contacts@db/base"),
])
def test_a_postgresql_base_is_shown_without_its_password(url, shown):
    assert is_url(url) and shown_base(url) == shown


def test_addresses_that_are_not_a_base_are_refused_and_the_variable_names_either(tmp_path, monkeypatch):
    folder = tmp_path / "net"
    write_sample_network(folder, 3, seed=4)
    for base, message in [
        ("postgresql:/contacts:secret@db/base", ("postgresql://contacts:***@db/base : une adresse PostgreSQL s'écrit "
                                                  "postgresql://utilisateur@serveur:port/base.")),
        ("mysql://contacts@db/base", "« mysql://… » : adresse non prise en charge"),
        ("sqlite:///base.sqlite", "« sqlite://… » : adresse non prise en charge"),
    ]:
        result = run_cli("enregistrer", str(folder), "--base", base, cwd=tmp_path)
        assert result.returncode == 2 and message in result.stderr and "secret" not in result.stderr, result.stderr
    with pytest.raises(InputError, match="une adresse PostgreSQL s'écrit"):
        Store(Path("postgresql://contacts@db/base"))  # a URL made a path has lost a slash
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net"]
    assert not is_url(Path("postgresql://contacts@db/base")) and not is_url("base.sqlite")

    monkeypatch.setenv("CONTACTS_EFFICACES_BASE", "~/bases/base.sqlite")
    assert configured_base() == configured_path() == Path("~/bases/base.sqlite").expanduser()
    monkeypatch.setenv("CONTACTS_EFFICACES_BASE", " postgresql://contacts@db/base ")
    assert (configured_base(), configured_path()) == ("postgresql://contacts@db/base", None)
    monkeypatch.delenv("CONTACTS_EFFICACES_BASE")
    assert configured_base() is configured_path() is None


def test_a_save_asks_whether_it_is_allowed_inside_its_transaction(tmp_path):
    """``allowed`` sees the structure's versions as they are once the writer has its turn; a no
    saves nothing of the batch."""
    from contacts_lib.store import SaveRefused

    seen = []
    with Store(tmp_path / "base.sqlite") as store:
        store.save([Autodiagnostic("CAF de l'Isère", (None,) * 36, reseau="CAF")], source="test")

        def allowed(diagnostic, history):
            seen.append((diagnostic.structure, [d.reseau for d in history]))
            return diagnostic.structure != "CPAM du Rhône"

        batch = [Autodiagnostic("CAF de l'Isère", (True,) * 36), Autodiagnostic("CPAM du Rhône", (None,) * 36)]
        with pytest.raises(SaveRefused) as refused:
            store.save(batch, source="test", allowed=allowed)
        assert str(refused.value) == "CPAM du Rhône"
        assert seen == [("CAF de l'Isère", ["CAF"]), ("CPAM du Rhône", [])]
        assert store.count() == 1
