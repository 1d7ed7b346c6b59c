"""Réitération in contact logs: a small log checked by hand (boundaries included), the same rates
from an independent loop on random logs, every input format, the vocabulary of channels, bad
rows, the command, and the usager never shown."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import subprocess
from pathlib import Path

import pytest

from contacts_lib.logs import canal_of, load_log, reiteration_by, reiteration_paths
from contacts_lib.logs.reiteration import reiteration_of_files
from contacts_lib.messages import InputError
from tests.samples import run_cli

HEADER = ["structure", "usager", "horodatage", "canal", "motif", "agent"]
# The hand-checked log. « SECRET-… » are the personal identifiers: they must never come out.
HAND_LOG = [
    # A: the same person and motif: 7 days exactly counts, then 6 days 23 h counts again.
    ("CAF 38", "SECRET-A", "2026-01-05 09:00", "Téléphone", "dossier", "a1"),
    ("CAF 38", "SECRET-A", "12/01/2026 09:00", "e-mail", "dossier", "a2"),          # +7 days exactly: R
    ("CAF 38", "SECRET-A", "2026-01-19T08:00:00", "Accueil", "dossier", "a3"),      # +6 d 23 h: R
    ("CAF 38", "SECRET-A", "2026-01-19 08:30", "guichet", "paiement", "a4"),        # another motif: new
    # B: 7 days and one minute: not at 7 days, yes at 15.
    ("CAF 38", "SECRET-B", "2026-01-10 10:00", "tél.", "dossier", "b1"),
    ("CAF 38", "SECRET-B", "2026-01-17 10:01", "TÉLÉPHONE", "dossier", "b2"),       # +7 d 1 min: R at 15 only
    # C: three contacts at the same moment: all but one count.
    ("CPAM 69", "SECRET-C", "2026-02-02 14:00", "web", "carte vitale", "c1"),
    ("CPAM 69", "SECRET-C", "2026-02-02 14:00", "site internet", "carte vitale", "c2"),  # R (two of the three)
    ("CPAM 69", "SECRET-C", "2026-02-02 14:00", "Courrier", "carte vitale", "c3"),
    # The same person and motif in another structure: not a repeat of CAF 38's.
    ("CPAM 69", "SECRET-A", "2026-01-12 09:30", "courriel", "dossier", "a5"),
    # D: 20 days apart: a repeat at 30 days only; a channel outside the vocabulary, kept.
    ("CPAM 69", "SECRET-D", "2026-02-01 08:00", "Fax", "carte vitale", "d1"),
    ("CPAM 69", "SECRET-D", "2026-02-21", "Fax", "carte vitale", "d2"),                # +19 d 16 h: R at 30
]
SECRETS = sorted({row[1] for row in HAND_LOG})
#: The spaces that are not part of a value around it: Unicode's space separators (no tabs).
SPACES = " \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"


def _write_csv(path: Path, rows, separator=";", encoding="utf-8") -> Path:
    with open(path, "w", encoding=encoding, newline="") as file:
        writer = csv.writer(file, delimiter=separator)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


@pytest.fixture(autouse=True)
def _key(monkeypatch):
    monkeypatch.setenv("CONTACTS_EFFICACES_CLE", "clé de test")


@pytest.fixture
def hand_log(tmp_path):
    return _write_csv(tmp_path / "journal.csv", HAND_LOG)


def _rows(frame, by):
    return {row[by]: (row["contacts"], row["reiterations"]) for row in frame.to_dict("records")}


def test_the_hand_checked_log_at_7_15_and_30_days(hand_log):
    log = load_log(hand_log)
    assert log.rows == len(HAND_LOG) and log.skipped == 0
    # Worked out by hand from the comments above: 7 days → a2, a3 and two of C. Contacts at the
    # same moment are taken in the order of their channel: C's courrier first, then its two web.
    at_7 = _rows(reiteration_by(log, "canal", 7), "canal")
    assert at_7 == {"Fax": (2, 0), "courrier": (1, 0), "courriel": (2, 1), "guichet": (2, 1), "telephone": (3, 0),
                    "web": (2, 2), "TOTAL": (12, 4)}
    assert _rows(reiteration_by(log, "structure", 15), "structure") == {"CAF 38": (6, 3), "CPAM 69": (6, 2), "TOTAL": (12, 5)}
    assert _rows(reiteration_by(log, "motif", 30), "motif") == {
        "carte vitale": (5, 3), "dossier": (6, 3), "paiement": (1, 0), "TOTAL": (12, 6)}
    by_month = reiteration_by(log, "mois", 7)
    assert _rows(by_month, "mois") == {"2026-01": (7, 2), "2026-02": (5, 2), "TOTAL": (12, 4)}
    assert list(by_month["mois"]) == ["2026-01", "2026-02", "TOTAL"]
    assert by_month["taux"].iloc[-1] == pytest.approx(100 * 4 / 12)
    paths = {(r["depuis"], r["vers"]): r["reiterations"] for r in reiteration_paths(log, 30).to_dict("records")}
    # a2 after telephone, a3 after courriel, b2 after telephone, d2 after Fax, and the two of C
    # (same moment: ordered by channel, courrier < web < web) after courrier and web.
    assert paths == {("telephone", "courriel"): 1, ("courriel", "guichet"): 1, ("telephone", "telephone"): 1,
                     ("Fax", "Fax"): 1, ("courrier", "web"): 1, ("web", "web"): 1}


def test_reading_once_gives_the_figures_of_the_log_loaded(hand_log, tmp_path):
    """What the command does (the files read by one statement, no table, no pseudonym) gives
    exactly the library's figures, for every breakdown and window, and from several files."""
    log = load_log(hand_log)
    for by in ("canal", "motif", "structure", "mois"):
        for days in (7, 15, 30):
            frame, scan = reiteration_of_files(hand_log, by, days)
            assert frame.equals(reiteration_by(log, by, days))
            assert (scan.contacts, scan.skipped) == (len(HAND_LOG), 0)
    first = _write_csv(tmp_path / "janvier.csv", [row for row in HAND_LOG if "-01-" in row[2] or "/01/" in row[2]])
    second = _write_csv(tmp_path / "fevrier.csv", [row for row in HAND_LOG if not ("-01-" in row[2] or "/01/" in row[2])], ",", "cp1252")
    assert reiteration_of_files([first, second], "canal", 7)[0].equals(reiteration_by(log, "canal", 7))


def test_long_reads_report_their_progress(tmp_path, monkeypatch):
    import duckdb

    from contacts_lib.logs import log_format

    path = tmp_path / "journal.csv"
    duckdb.sql(
        "COPY (SELECT 'S' || (i % 50) AS structure, 'u' || (i % 30000) AS usager, "
        "strftime(TIMESTAMP '2026-01-01' + INTERVAL (i) MINUTE, '%d/%m/%Y %H:%M') AS horodatage, "
        f"'Téléphone' AS canal, 'm' || (i % 3) AS motif FROM range(600000) t(i)) TO '{path}' (HEADER, DELIMITER ';')"
    )
    monkeypatch.setattr(log_format, "PROGRESS_EVERY", 0.02)
    for read in (lambda report: load_log(path, progress=report),
                 lambda report: reiteration_of_files(path, "canal", 7, progress=report)):
        shares: list[float] = []
        read(shares.append)
        assert shares[-1] == 1.0 and all(0 <= share <= 1 for share in shares)
        assert shares == sorted(shares) and any(0 < share < 1 for share in shares), shares


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("separator", [";", ","])
def test_every_encoding_and_separator_reads_the_same(tmp_path, encoding, separator):
    rows = [(s, u, h, c, m + " é’", a) for s, u, h, c, m, a in HAND_LOG]  # ’ is cp1252's, not latin-1's
    log = load_log(_write_csv(tmp_path / "journal.csv", rows, separator, encoding))
    frame = reiteration_by(log, "motif", 7)
    assert set(frame["motif"]) == {"dossier é’", "paiement é’", "carte vitale é’", "TOTAL"}
    assert _rows(frame, "motif")["TOTAL"] == (12, 4)


def test_parquet_reads_the_same_as_csv(hand_log, tmp_path):
    import duckdb

    parquet = tmp_path / "journal.parquet"
    duckdb.sql(f"COPY (SELECT * FROM read_csv('{hand_log}', all_varchar = true)) TO '{parquet}' (FORMAT parquet)")
    from_csv, from_parquet = load_log(hand_log), load_log(parquet)
    for by in ("canal", "motif", "structure", "mois"):
        assert reiteration_by(from_parquet, by, 15).equals(reiteration_by(from_csv, by, 15))


def test_channels_are_read_in_the_vocabulary_and_others_kept():
    assert [canal_of(s) for s in ("Téléphone", "TEL.", "e-mail", "Mél", "Accueil physique", "Site internet", "courrier postal")] == [
        "telephone", "telephone", "courriel", "courriel", "guichet", "web", "courrier"]
    assert canal_of("  Visio ") == "Visio"


def _loop_rates(rows, days):
    """The rule as a person would apply it, one contact after another (no SQL, no pandas)."""
    def when(text):
        for form in ("%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"):
            try:
                return dt.datetime.strptime(text, form)
            except ValueError:
                pass
        raise AssertionError(text)

    last: dict[tuple, dt.datetime] = {}
    by_canal: dict[str, list[int]] = {}
    rows = [tuple(value.strip(SPACES) for value in row) for row in rows]  # spaces around a value are not part of it
    for structure, usager, moment, canal, motif in sorted(rows, key=lambda r: (r[0], r[1], r[4], when(r[2]), canal_of(r[3]))):
        key = (structure, usager, motif)
        repeat = key in last and when(moment) - last[key] <= dt.timedelta(days=days)
        last[key] = when(moment)
        counts = by_canal.setdefault(canal_of(canal), [0, 0])
        counts[0] += 1
        counts[1] += repeat
    return by_canal


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_logs_agree_with_a_plain_loop(tmp_path, seed):
    rng = random.Random(seed)
    start = dt.datetime(2026, 1, 1)
    rows = []
    for _ in range(3000):
        moment = start + dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 90, 30))
        text = moment.strftime("%Y-%m-%d %H:%M") if rng.random() < 0.5 else moment.strftime("%d/%m/%Y %H:%M")
        spaced = rng.choice(["", "", " ", "  ", "\u00a0", " \u202f"])  # around a value now and then, as exports have
        rows.append((rng.choice(["A", "B", " A", "\u00a0B"]), f"SECRET-{rng.randrange(300)}{spaced}", f"{spaced}{text}",
                     rng.choice(["guichet", "Téléphone", "mail", "web", "Courrier"]) + spaced, rng.choice(["m1", "m2", "m3"])))
    path = tmp_path / "journal.csv"
    with open(path, "w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(HEADER[:5])
        writer.writerows(rows)
    log = load_log(path)
    for days in (7, 15, 30, 1):
        expected = _loop_rates(rows, days)
        # The library on the log loaded, and the command's way: the files read once, kept nowhere.
        for got in (_rows(reiteration_by(log, "canal", days), "canal"), _rows(reiteration_of_files(path, "canal", days)[0], "canal")):
            assert {k: tuple(v) for k, v in expected.items()} == {k: v for k, v in got.items() if k != "TOTAL"}
            assert got["TOTAL"] == (len(rows), sum(v[1] for v in expected.values()))


def test_bad_rows_stop_or_are_skipped_and_counted(tmp_path):
    rows = list(HAND_LOG)
    rows.insert(2, ("CAF 38", "SECRET-X", "le 3 janvier", "guichet", "dossier", "x"))
    rows.insert(5, ("CAF 38", "SECRET-Y", "2026-01-03 10:00", "guichet", " ", "y"))
    path = _write_csv(tmp_path / "journal.csv", rows)
    with pytest.raises(InputError) as caught:
        load_log(path)
    message = str(caught.value)
    assert "journal.csv, ligne 4 : colonne horodatage : « le 3 janvier » n'est pas une date" in message
    assert "journal.csv, ligne 7 : colonne motif vide." in message
    with pytest.raises(InputError) as read_once:
        reiteration_of_files(path, "canal", 7)
    assert str(read_once.value) == message
    log = load_log(path, skip_bad_rows=True)
    assert (log.rows, log.skipped) == (len(HAND_LOG), 2)
    assert _rows(reiteration_by(log, "canal", 7), "canal")["TOTAL"] == (12, 4)
    frame, scan = reiteration_of_files(path, "canal", 7, skip_bad_rows=True)
    assert (scan.contacts, scan.skipped, scan.problems) == (len(HAND_LOG), 2, log.problems)
    assert frame.equals(reiteration_by(log, "canal", 7))
    missing = tmp_path / "sans-motif.csv"
    missing.write_text("structure;usager;horodatage;canal\nA;u;2026-01-01;web\n", encoding="utf-8")
    with pytest.raises(InputError, match="sans-motif.csv : colonne manquante : motif"):
        load_log(missing)


def test_the_command_gives_the_library_figures_and_never_a_usager(hand_log, tmp_path):
    result = run_cli("reiteration", str(hand_log), "--fenetre", "7", "--par", "canal", "--csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["canal", "contacts", "reiterations", "taux"]
    assert rows[-1] == ["TOTAL", "12", "4", repr(100 * 4 / 12)]
    assert [r[0] for r in rows[1:-1]] == sorted(r[0] for r in rows[1:-1])
    assert ["courriel", "2", "1", "50.0"] in rows
    table = run_cli("reiteration", str(hand_log), "--fenetre", "30", "--par", "motif")
    assert table.returncode == 0 and table.stdout.splitlines()[0] == "Réitération à 30 jours"
    lines = {line.split()[0]: line.split()[-2:] for line in table.stdout.splitlines()[2:]}
    assert lines["carte"] == ["60,0", "%"] and lines["dossier"] == ["50,0", "%"] and lines["TOTAL"] == ["50,0", "%"]
    # The vocabulary's keys in the CSV (« telephone »), their French names in the readable table.
    by_canal = run_cli("reiteration", str(hand_log), "--fenetre", "1", "--par", "canal").stdout
    assert by_canal.splitlines()[0] == "Réitération à 1 jour"
    canals = [line.split()[0] for line in by_canal.splitlines()[2:]]
    assert "téléphone" in canals and "telephone" not in canals and "telephone" in result.stdout
    for arguments, expected in [
        (["--fenetre", "sept", "--par", "canal"], "fenêtre « sept » : un nombre entier de jours est attendu"),
        (["--fenetre", "0", "--par", "canal"], "fenêtre de 0 jour : entre 1 et 3\u202f650 jours"),
        (["--fenetre", "7", "--par", "jour"], "valeur 'jour' inconnue"),
    ]:
        refused = run_cli("reiteration", str(hand_log), *arguments)
        assert refused.returncode == 2 and expected in refused.stderr and refused.stdout == ""
    bad = _write_csv(tmp_path / "bad.csv", [*HAND_LOG, ("CAF 38", "SECRET-Z", "demain", "web", "dossier", "z")])
    stopped = run_cli("reiteration", str(bad), "--fenetre", "7", "--par", "canal", "--csv")
    assert stopped.returncode == 2 and "bad.csv, ligne 14 : colonne horodatage : « demain »" in stopped.stderr
    skipped = run_cli("reiteration", str(bad), "--fenetre", "7", "--par", "canal", "--csv", "--ignorer-erreurs")
    assert skipped.returncode == 0 and "1 ligne illisible écartée" in skipped.stderr
    assert skipped.stdout == result.stdout
    for output in (result, table, stopped, skipped):
        assert not any(secret in output.stdout + output.stderr for secret in [*SECRETS, "SECRET-Z"])


def test_the_usager_never_reaches_the_table(hand_log):
    log = load_log(hand_log)
    everything = log.frame("SELECT * FROM contacts").to_csv()
    assert not any(secret in everything for secret in SECRETS)
    pseudonyms = log.frame("SELECT DISTINCT structure, usager FROM contacts")
    assert len(pseudonyms) == 5 and pseudonyms["usager"].dtype.kind == "u"  # 64-bit pseudonyms
    # The same key gives the same pseudonyms (logs read on different days join); another does not.
    again = load_log(hand_log).frame("SELECT DISTINCT usager FROM contacts ORDER BY 1")
    assert list(again["usager"]) == sorted(set(pseudonyms["usager"]))
    assert not any(secret in log.frame("SELECT * FROM contacts").to_string() for secret in SECRETS)


def test_another_key_gives_other_pseudonyms(hand_log, monkeypatch):
    first = set(load_log(hand_log).frame("SELECT usager FROM contacts")["usager"])
    monkeypatch.setenv("CONTACTS_EFFICACES_CLE", "une autre clé")
    assert first.isdisjoint(set(load_log(hand_log).frame("SELECT usager FROM contacts")["usager"]))


def test_the_query_is_standard_sql_kept_in_one_place():
    from contacts_lib.logs import Rule, flags_sql
    from contacts_lib.logs import pipeline

    text = flags_sql(15)
    assert "INTERVAL '15' DAY" in text and "LAG(horodatage) OVER par_cle" in text
    assert text == pipeline.flags_sql(Rule(15))
    assert "PARTITION BY structure, usager, motif, canal " in flags_sql(15, same_channel=True)
    assert "CAST(LAG(horodatage) OVER par_cle AS DATE) >= CAST(horodatage AS DATE) - INTERVAL '15' DAY" in flags_sql(15, calendar_days=True)
    code = subprocess.run(["grep", "-rl", "--include=*.py", "OVER par_cle\\|PARTITION BY structure", "contacts_lib"], capture_output=True,
                          text=True, cwd=Path(__file__).resolve().parents[1]).stdout.split()
    assert sorted(code) == ["contacts_lib/logs/pipeline.py", "contacts_lib/logs/reiteration.py"]  # the rule, and its doctest


def test_the_sample_log_is_synthetic_deterministic_and_has_something_to_find(tmp_path):
    from contacts_lib.logs.sample import (
        REPEAT_PRACTICES,
        repeat_probability,
        sample_log,
    )
    from contacts_lib.network import Network, sample_network

    diagnostics = sample_network(120, seed=3)
    latest = list(Network(tuple(diagnostics), ("",) * len(diagnostics)).latest().diagnostics)
    frame = sample_log(latest, 60_000, seed=5)
    assert frame.equals(sample_log(latest, 60_000, seed=5)) and not frame.equals(sample_log(latest, 60_000, seed=6))
    assert 55_000 <= len(frame) <= 65_000
    assert frame["usager"].str.startswith("usager-fictif-").all() and frame["structure"].str.contains("fictive").all()
    assert set(frame["canal"]) <= {"guichet", "telephone", "courrier", "courriel", "web"}

    result = run_cli("exemple", str(tmp_path / "ex"), "--structures", "120", "--graine", "3", "--contacts", "60000")
    assert result.returncode == 0, result.stderr
    assert "Journal de contacts synthétique (usagers fictifs) écrit" in result.stdout
    log = load_log(tmp_path / "ex" / "journal-contacts-synthetique.parquet")
    assert run_cli("reseau", str(tmp_path / "ex")).returncode == 0  # the log is not taken for an autodiagnostic
    rates = reiteration_by(log, "structure", 15).iloc[:-1].set_index("structure")["taux"]
    careful = [d.structure for d in latest if all(d.answers[q - 1] for q in REPEAT_PRACTICES)]
    careless = [d.structure for d in latest if not any(d.answers[q - 1] for q in REPEAT_PRACTICES)]
    assert careful and careless
    assert rates[rates.index.isin(careful)].mean() + 10 < rates[rates.index.isin(careless)].mean()
    assert min(map(repeat_probability, latest)) > 0


#: The command's own entry point, reporting its peak memory (VmHWM of its own address space: the
#: rusage of a child also counts the parent it was forked from, here the whole test run).
_MEASURED = (
    "import atexit, sys\n"
    "def report():\n"
    "    with open(sys.argv[1], 'w') as out:\n"
    "        out.write(next(line for line in open('/proc/self/status') if line.startswith('VmHWM')))\n"
    "atexit.register(report)\n"
    "from contacts_lib.cli import main\n"
    "sys.exit(main(sys.argv[2:]))\n"
)


def _command_with_peak_memory(arguments: list[str], cwd: Path) -> tuple[int, str, str, int]:
    """The command run as a user does: its exit status, outputs and peak memory (bytes)."""
    import sys

    result = subprocess.run([sys.executable, "-c", _MEASURED, str(cwd / "memoire.txt"), *arguments],
                            cwd=cwd, capture_output=True, text=True, timeout=120, check=False)
    peak_kb = int((cwd / "memoire.txt").read_text().split()[1])
    return result.returncode, result.stdout, result.stderr, peak_kb * 1024


HOSTILE_LOGS = [
    # (file name, content maker, the French message)
    ("tronque.parquet", "truncated-parquet", "tronque.parquet : fichier Parquet tronqué ou endommagé."),
    ("binaire.csv", lambda: bytes(range(256)) * 4000, "binaire.csv : encodage non reconnu (ni UTF-8 ni Windows-1252)."),
    ("vide.csv", lambda: b"", "vide.csv : le fichier est vide."),
    ("utf16.csv", lambda: "structure;usager;horodatage;canal;motif\nA;u;2026-01-01;web;m\n".encode("utf-16"),
     "utf16.csv : encodage UTF-16 non pris en charge ; enregistrez le fichier en UTF-8."),
    ("ligne-geante.csv", lambda: b"structure;usager;horodatage;canal;motif\nA;" + b"u" * 30_000_000 + b";2026-01-01;web;m\n",
     "ligne-geante.csv : CSV illisible : lignes de longueurs différentes, guillemet non fermé ou ligne trop longue."),
    ("ligne-geante-au-milieu.csv",
     lambda: b"structure;usager;horodatage;canal;motif\n" + b"A;u;2026-01-01 10:00;web;m\n" * 50_000
     + b"A;" + b"u" * 3_000_000 + b";2026-01-01;web;m\n" + b"A;u;2026-01-01 10:00;web;m\n" * 100,
     "ligne-geante-au-milieu.csv, ligne 50002 : ligne trop longue."),
    ("guillemet.csv", lambda: b'structure;usager;horodatage;canal;motif\nA;"u;2026-01-01;web;m\n' * 3,
     "guillemet.csv : CSV illisible : lignes de longueurs différentes, guillemet non fermé ou ligne trop longue."),
    ("sans-colonnes.csv", lambda: b"nom;date\nA;2026-01-01\n",
     "sans-colonnes.csv : colonnes manquantes : structure, usager, horodatage, canal, motif"),
    ("journal.json", lambda: b"{}", "journal.json : format non reconnu ; un journal de contacts est un fichier .csv ou .parquet."),
    # Rows that would be misread: refused with their line and column, an identifier never shown.
    ("annee-a-deux-chiffres.csv", lambda: b"structure;usager;horodatage;canal;motif\nA;SECRET-1;08/01/26 10:00;web;m\n",
     "annee-a-deux-chiffres.csv, ligne 2 : colonne horodatage : « 08/01/26 10:00 » n'est pas une date"),
    ("infini.csv", lambda: b"structure;usager;horodatage;canal;motif\nA;SECRET-1;infinity;web;m\n",
     "infini.csv, ligne 2 : colonne horodatage : « infinity » n'est pas une date"),
    ("fuseau-nomme.csv", lambda: b"structure;usager;horodatage;canal;motif\nA;SECRET-1;2026-01-08 10:00 Europe/Paris;web;m\n",
     "fuseau-nomme.csv, ligne 2 : colonne horodatage : « 2026-01-08 10:00 Europe/Paris » n'est pas une date"),
    ("virgule.csv", lambda: b"structure,usager,horodatage,canal,motif\nA,dupont, SECRET-1@x.fr,2026-01-08 10:00,web,m\n",
     "virgule.csv, ligne 2 : 6 champs au lieu de 5 (un séparateur dans une valeur sans guillemets ?)."),
    ("decale.csv", lambda: b"structure,usager,horodatage,canal,motif\nA,2026-01-08 10:00,SECRET-1.dupont,web,m\n",
     "decale.csv, ligne 2 : colonne horodatage : la valeur n'est pas une date"),
    ("deux-usagers.csv", lambda: b"structure,usager,USAGER,horodatage,canal,motif\nA,SECRET-1,SECRET-2,2026-01-08,web,m\n",
     "deux-usagers.csv : plusieurs colonnes se lisent usager (« usager », « USAGER ») ; gardez-en une seule."),
    ("total.csv", lambda: b"structure;usager;horodatage;canal;motif\nA;SECRET-1;2026-01-08;TOTAL;m\n",
     "une valeur du journal s'écrit « TOTAL », comme la ligne du total"),
    ("dossier.csv", "folder", "dossier.csv : c'est un dossier ; donnez les fichiers du journal (.csv ou .parquet)."),
]


@pytest.mark.parametrize(("name", "make", "message"), HOSTILE_LOGS, ids=[case[0] for case in HOSTILE_LOGS])
def test_hostile_logs_get_a_french_message_exit_2_and_bounded_memory(tmp_path, hand_log, name, make, message):
    import duckdb

    path = tmp_path / name
    if make == "folder":
        path.mkdir()
    elif make == "truncated-parquet":
        whole = tmp_path / "entier.parquet"
        duckdb.sql(f"COPY (SELECT * FROM read_csv('{hand_log}', all_varchar = true)) TO '{whole}' (FORMAT parquet)")
        path.write_bytes(whole.read_bytes()[:200])
    else:
        path.write_bytes(make())
    status, out, err, peak = _command_with_peak_memory(["reiteration", name, "--fenetre", "7", "--par", "canal"], tmp_path)
    assert status == 2 and out == ""
    assert err.startswith(f"contacts-efficaces : {message}"), err
    assert "Traceback" not in err and "Error" not in err  # no English from the engine
    assert "SECRET" not in err  # an identifier, whatever column it landed in
    assert 10 * 1024 * 1024 < peak < 600 * 1024 * 1024  # measured; a 30 MB line or a binary file stays bounded


def test_ctrl_c_during_a_long_read_stops_the_command_quietly(tmp_path, monkeypatch):
    """Ctrl-C while DuckDB reads (a statement in another thread): exit 130, no traceback, no
    engine message — and a failing progress callback is the caller's own error, not the engine's.
    The command runs on a terminal, so that it says its progress: Ctrl-C comes once it does."""
    import os
    import pty
    import re
    import select
    import signal
    import sys
    import time

    import duckdb

    from contacts_lib.logs import log_format

    path = tmp_path / "grand.csv"  # a CSV: DuckDB parses it for seconds
    duckdb.sql(
        "COPY (SELECT 'S' || (i % 300) AS structure, 'SECRET-' || (i % 2000000) AS usager, "
        "strftime(TIMESTAMP '2026-01-01' + INTERVAL (i % 500000) MINUTE, '%Y-%m-%d %H:%M') AS horodatage, "
        f"'web' AS canal, 'm' || (i % 7) AS motif FROM range(8000000) t(i)) TO '{path}' (HEADER, DELIMITER ';')"
    )
    command = [str(Path(sys.executable).with_name("contacts-efficaces")), "reiteration", str(path), "--fenetre", "7",
               "--par", "motif", "--csv"]
    terminal, its_end = pty.openpty()
    started = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=its_end, env={**os.environ, "CONTACTS_EFFICACES_CLE": "clé"},
                               # Ctrl-C as on a user's terminal (a test run in the background ignores it, and so would the command)
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    os.close(its_end)
    said = b""
    deadline = time.monotonic() + 120

    def reading() -> bool:  # « Lecture du journal : 42 % », not yet 100 %: the statement runs
        return any(int(share) < 100 for share in re.findall(rb"Lecture du journal : (\d+)", said))

    while not reading() and started.poll() is None and time.monotonic() < deadline:
        if select.select([terminal], [], [], 0.1)[0]:
            said += os.read(terminal, 4096)
    assert reading(), f"the command ended before saying its progress: {said!r}"
    started.send_signal(signal.SIGINT)
    out, _ = started.communicate(timeout=60)
    while select.select([terminal], [], [], 0.2)[0]:
        try:
            said += os.read(terminal, 4096)
        except OSError:  # the command has gone: its terminal is closed
            break
    os.close(terminal)
    err = said.decode("utf-8", errors="replace")
    assert started.returncode == 130 and out == b"" and "Traceback" not in err and "Error" not in err, err

    def failing(share: float) -> None:
        raise RuntimeError("arrêt demandé")

    monkeypatch.setattr(log_format, "PROGRESS_EVERY", 0.05)
    with pytest.raises(RuntimeError, match="arrêt demandé"):
        reiteration_of_files(path, "canal", 7, progress=failing)
    with pytest.raises(RuntimeError, match="arrêt demandé"):
        load_log(path, progress=failing)
