"""The measures of the field on the hand-checked log, worked out by hand: repeats on the same
channel only, windows in calendar days, contacts without an identifier, requests and the share
settled at the first contact; and the readings that must be certain: time zones, typed Parquet
columns, two-digit years, values that are not dates, rows of the wrong length — never showing an
identifier."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from contacts_lib.logs import load_log, reiteration_by, requests_by
from contacts_lib.logs.reiteration import reiteration_rows_of_files, requests_rows_of_files
from contacts_lib.messages import InputError
from tests.samples import run_cli
from tests.test_reiteration import HAND_LOG, _rows, _write_csv

#: A contact without an identifier, at a moment that would make CAF 38's « dossier » contacts repeat.
UNIDENTIFIED = ("CAF 38", "", "2026-01-12 08:00", "courriel", "dossier", "u1")


@pytest.fixture(autouse=True)
def _key(monkeypatch):
    monkeypatch.setenv("CONTACTS_EFFICACES_CLE", "clé de test")


@pytest.fixture
def hand_log(tmp_path):
    return _write_csv(tmp_path / "journal.csv", [*HAND_LOG, UNIDENTIFIED])


def test_same_channel_calendar_days_and_contacts_without_an_identifier(hand_log):
    log = load_log(hand_log)
    assert (log.rows, log.unidentified) == (13, 1)
    # On any channel at 7 days: a2, a3 and two of C (the contact without an identifier counts, never repeats).
    assert _rows(reiteration_by(log, "canal", 7), "canal")["TOTAL"] == (13, 4)
    assert _rows(reiteration_by(log, "canal", 7), "canal")["courriel"] == (3, 1)
    # Same channel: a2 (courriel after telephone) and a3 (guichet after courriel) no longer count; C's
    # two web contacts make one; at 15 days B's second call (telephone after telephone) too; at 30, D's fax.
    assert _rows(reiteration_by(log, "canal", 7, same_channel=True), "canal")["TOTAL"] == (13, 1)
    assert _rows(reiteration_by(log, "canal", 15, same_channel=True), "canal")["TOTAL"] == (13, 2)
    assert _rows(reiteration_by(log, "canal", 30, same_channel=True), "canal")["TOTAL"] == (13, 3)
    # 7 calendar days: B's 7 days and one minute now counts (10 → 17 January), with a2, a3 and two of C.
    calendar = _rows(reiteration_by(log, "canal", 7, calendar_days=True), "canal")
    assert calendar["TOTAL"] == (13, 5) and calendar["telephone"] == (3, 1)
    # One calendar day: only the contacts of the same day (C's); 6 calendar days: a3 (19 after 12? 7 days: no).
    assert _rows(reiteration_by(log, "canal", 1, calendar_days=True), "canal")["TOTAL"] == (13, 2)
    assert _rows(reiteration_by(log, "canal", 6, calendar_days=True), "canal")["TOTAL"] == (13, 2)


def test_requests_and_the_share_settled_at_the_first_contact(hand_log):
    # At 7 days: a1→a2→a3 one request (telephone); a4 alone (guichet); b1 and b2 two (telephone);
    # C one request of three, first the courrier; a5 alone (courriel); d1 and d2 two (Fax); and the
    # contact without an identifier a request of its own (courriel). 9 requests, 7 settled at once.
    table = requests_by(load_log(hand_log), 7)
    rows = {row["canal"]: (row["demandes"], row["contacts"], row["reglees_au_premier_contact"]) for row in table.to_dict("records")}
    assert rows == {"Fax": (2, 2, 2), "courriel": (2, 2, 2), "courrier": (1, 3, 0), "guichet": (1, 1, 1),
                    "telephone": (3, 5, 2), "TOTAL": (9, 13, 7)}
    total = table.iloc[-1]
    assert total["contacts_par_demande"] == pytest.approx(13 / 9) and total["taux_premier_contact"] == pytest.approx(700 / 9)
    # At 15 days B's two calls are one request: 8 requests, 5 settled (a4, a5, d1, d2, the unidentified).
    at_15 = requests_by(load_log(hand_log), 15).iloc[-1]
    assert (at_15["demandes"], at_15["reglees_au_premier_contact"]) == (8, 5)
    rows_read_once, scan = requests_rows_of_files(hand_log, 7)
    assert [tuple(r) for r in rows_read_once] == [tuple(r) for r in table.itertuples(index=False)]
    assert scan.unidentified == 1


def test_the_command_says_the_measures(hand_log):
    result = run_cli("reiteration", str(hand_log), "--fenetre", "7", "--demandes", "--csv")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "canal,demandes,contacts,contacts_par_demande,reglees_au_premier_contact,taux_premier_contact"
    assert result.stdout.splitlines()[-1].startswith("TOTAL,9,13,1.4444")
    assert "dont 1 contact sans identifiant usager : compté parmi les contacts, jamais comme réitérations." in result.stderr
    readable = run_cli("reiteration", str(hand_log), "--fenetre", "7", "--demandes")
    assert "SQM Group" in readable.stdout and "pas des services publics" in readable.stdout
    same = run_cli("reiteration", str(hand_log), "--fenetre", "7", "--par", "canal", "--meme-canal", "--csv")
    assert same.stdout.splitlines()[-1].startswith("TOTAL,13,1,")
    calendar = run_cli("reiteration", str(hand_log), "--fenetre", "7", "--par", "motif", "--jours-calendaires")
    assert calendar.stdout.splitlines()[0] == "Réitération à 7 jours calendaires"
    refused = run_cli("reiteration", str(hand_log), "--fenetre", "7", "--demandes", "--par", "motif")
    assert refused.returncode == 2 and "--demandes se lit par canal" in refused.stderr


def _log(tmp_path, stamps, name="journal.csv", usager="SECRET-Z"):
    rows = [("S", usager, stamp, "web", "m", f"r{i}") for i, stamp in enumerate(stamps)]
    return _write_csv(tmp_path / name, rows)


@pytest.mark.parametrize(("stamps", "days", "repeats"), [
    # Across the end of summer time: 24 October 10:00 (+02:00) and 26 October 10:00 (+01:00) are both
    # 10:00 in Paris, 2 days apart on the clock: a repeat at 2 days.
    (["2026-10-24T10:00+02:00", "2026-10-26T10:00+01:00"], 2, 1),
    # « Z » then « -05:00 »: 8 January 10:00 UTC (11:00 in Paris) and 10 January 07:00 -05:00
    # (13:00 in Paris): 2 days and 2 hours apart, not within 2 days.
    (["2026-01-08T10:00Z", "2026-01-10T07:00-05:00"], 2, 0),
    (["2026-01-08T10:00Z", "2026-01-10T05:00-05:00"], 2, 1),   # 11:00 in Paris: exactly 2 days
    # French forms, single digits, seconds.
    (["8/1/2026 9:05", "2026-01-15 09:05:00"], 7, 1),
    (["8/1/2026 9:05", "2026-01-15 09:05:01"], 7, 0),
])
def test_time_zones_are_converted_not_dropped(tmp_path, stamps, days, repeats):
    path = _log(tmp_path, stamps)
    rows, _ = reiteration_rows_of_files(path, "canal", days)
    assert rows[-1][:3] == ("TOTAL", len(stamps), repeats)


def test_another_time_zone_moves_the_legal_time(tmp_path):
    # 8 January 23:30 UTC is 9 January in Paris and 8 January in Cayenne: months and calendar days follow.
    path = _log(tmp_path, ["2026-01-31T23:30Z", "2026-02-01T02:00Z"])
    assert [r[0] for r in reiteration_rows_of_files(path, "mois", 1)[0]] == ["2026-02", "TOTAL"]
    assert [r[0] for r in reiteration_rows_of_files(path, "mois", 1, zone="America/Cayenne")[0]] == ["2026-01", "TOTAL"]
    with pytest.raises(InputError, match="fuseau horaire « Mars/Olympus » inconnu"):
        reiteration_rows_of_files(path, "mois", 1, zone="Mars/Olympus")


@pytest.mark.parametrize("value", ["08/01/26", "26-01-08", "infinity", "-infinity", "epoch", "2026-02-30", "0008-01-26",
                                   "2026-01-08 10:00 Europe/Paris", "2026-01-08 24:00", "2026", "2026-01-08 14:30:00.1234567"])
def test_what_is_not_certainly_a_date_is_refused_with_its_line(tmp_path, value):
    path = _log(tmp_path, ["2026-01-08 10:00", value])
    with pytest.raises(InputError) as refused:
        reiteration_rows_of_files(path, "canal", 7)
    # The value is shown when it looks like a date someone tried to write (an identifier in the wrong
    # column never does: « 2026 » alone, a word without a month's name are said without it).
    shown = f"« {value} » n'est pas une date" if any(c in value for c in "/:-") or "infinity" in value or value == "epoch" else \
        "la valeur n'est pas une date"
    assert f"journal.csv, ligne 3 : colonne horodatage : {shown}" in str(refused.value)


def test_typed_parquet_columns_read_as_their_text(tmp_path):
    import duckdb

    text = _write_csv(tmp_path / "texte.csv", HAND_LOG)
    base = f"SELECT * REPLACE (CAST(horodatage AS TIMESTAMP) AS horodatage) FROM read_csv('{tmp_path}/iso.csv', all_varchar = true)"
    iso = load_log(text).frame("SELECT structure, 'P' || usager AS usager, strftime(horodatage, '%Y-%m-%d %H:%M:%S') AS horodatage, "
                               "canal, motif FROM contacts")
    iso.to_csv(tmp_path / "iso.csv", index=False)
    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'Europe/Paris'")
    for name, select in [("ts.parquet", base),
                         ("tstz.parquet", base.replace("CAST(horodatage AS TIMESTAMP)", "CAST(horodatage AS TIMESTAMPTZ)")),
                         ("ns.parquet", base.replace("CAST(horodatage AS TIMESTAMP)", "CAST(horodatage AS TIMESTAMP_NS)"))]:
        connection.execute(f"COPY ({select}) TO '{tmp_path / name}' (FORMAT parquet)")
    expected = reiteration_rows_of_files(tmp_path / "iso.csv", "canal", 7)[0]
    for name in ("ts.parquet", "tstz.parquet", "ns.parquet"):
        assert reiteration_rows_of_files(tmp_path / name, "canal", 7)[0] == expected, name
    # A TIMESTAMPTZ is an instant: read in another zone, its legal time moves (here by 5 or 6 hours).
    assert reiteration_rows_of_files(tmp_path / "tstz.parquet", "mois", 7, zone="America/New_York")[0][-1][1] == 12
    # Nanoseconds: 30 days and 1 ns is not 30 days — refused rather than rounded.
    connection.execute(f"COPY (SELECT 'S' AS structure, 'u' AS usager, CAST(t AS TIMESTAMP_NS) AS horodatage, 'web' AS canal, "
                       f"'m' AS motif FROM (VALUES ('2026-01-01 00:00:00'), ('2026-01-31 00:00:00.000000001')) AS v(t)) "
                       f"TO '{tmp_path / 'nano.parquet'}' (FORMAT parquet)")
    with pytest.raises(InputError, match="nano.parquet, ligne 2 : colonne horodatage : .* est plus précis que la microseconde"):
        reiteration_rows_of_files(tmp_path / "nano.parquet", "canal", 30)
    # A DATE column: midnight.
    connection.execute(f"COPY (SELECT 'S' AS structure, 'u' AS usager, CAST(d AS DATE) AS horodatage, 'web' AS canal, 'm' AS motif "
                       f"FROM (VALUES ('2026-01-01'), ('2026-01-08'), ('2026-01-16')) AS v(d)) TO '{tmp_path / 'date.parquet'}' (FORMAT parquet)")
    assert reiteration_rows_of_files(tmp_path / "date.parquet", "canal", 7)[0][-1][:3] == ("TOTAL", 3, 1)


SECRET = "jean.dupont@exemple.fr"


@pytest.mark.parametrize(("content", "message"), [
    # An unquoted comma in the identifier shifts the row: named by its length, never by its values.
    (f"structure,usager,horodatage,canal,motif\nA,{SECRET},2026-01-08 10:00,web,m\nA,dupont, {SECRET},2026-01-08 10:00,web,m\n",
     "journal.csv, ligne 3 : 6 champs au lieu de 5 (un séparateur dans une valeur sans guillemets ?)."),
    (f"structure,usager,horodatage,canal,motif\nA,{SECRET},web,m\n", "journal.csv, ligne 2 : 4 champs au lieu de 5."),
    # The identifier in the timestamp's column of a row of the right length (columns swapped): not shown.
    (f"structure,usager,horodatage,canal,motif\nA,2026-01-08 10:00,{SECRET},web,m\n",
     "journal.csv, ligne 2 : colonne horodatage : la valeur n'est pas une date"),
    ("structure,usager,USAGER,horodatage,canal,motif\nA,u,v,2026-01-08,web,m\n",
     "journal.csv : plusieurs colonnes se lisent usager (« usager », « USAGER ») ; gardez-en une seule."),
])
def test_bad_rows_never_show_an_identifier(tmp_path, content, message):
    path = tmp_path / "journal.csv"
    path.write_text(content, encoding="utf-8")
    for arguments in ([], ["--ignorer-erreurs"]):
        result = run_cli("reiteration", str(path), "--fenetre", "7", "--par", "canal", *arguments)
        assert SECRET not in result.stdout + result.stderr and "dupont" not in result.stdout + result.stderr
        assert "Traceback" not in result.stderr
        if not arguments:
            assert result.returncode == 2 and message in result.stderr, result.stderr


def test_a_quoted_line_break_is_a_value(tmp_path):
    path = tmp_path / "journal.csv"
    path.write_text('structure,usager,horodatage,canal,motif\nA,u,2026-01-08 10:00,web,"demande\nde carte"\n'
                    'A,u,2026-01-09 10:00,web,"demande\nde carte"\n', encoding="utf-8")
    assert reiteration_rows_of_files(path, "motif", 7)[0] == [("demande\nde carte", 2, 1, 50.0), ("TOTAL", 2, 1, 50.0)]


def test_nothing_personal_outlives_a_command_killed_with_sigkill(tmp_path):
    """A Windows-1252 log (read through a UTF-8 copy) and a command killed mid-read with SIGKILL:
    no file left anywhere under its temporary folder holds an identifier; its private folder is
    removed by the next command."""
    import os
    import signal
    import sys
    import time

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    log = tmp_path / "journal.csv"
    with open(log, "w", encoding="cp1252", newline="") as file:
        file.write("structure;usager;horodatage;canal;motif\n")
        for i in range(400_000):
            file.write(f"Préfecture {i % 50};SECRET-PERSONNE-{i % 90_000};2026-01-{1 + i % 28:02d} 10:{i % 60:02d};Téléphone;Carte grise\n")
    environment = {**os.environ, "TMPDIR": str(scratch), "CONTACTS_EFFICACES_CLE": "k"}
    script = Path(sys.executable).with_name("contacts-efficaces")
    command = [str(script), "reiteration", str(log), "--fenetre", "7", "--par", "canal"]
    process = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not list(scratch.glob("contacts-efficaces-*")):
        time.sleep(0.01)
    time.sleep(0.3)  # the copy is being written or read
    process.send_signal(signal.SIGKILL)
    process.wait()
    left = list(scratch.glob("contacts-efficaces-*"))
    assert left, "the private folder was never made"
    for path in scratch.rglob("*"):
        if path.is_file():
            assert b"SECRET-PERSONNE" not in path.read_bytes(), path
    done = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert list(scratch.glob("contacts-efficaces-*")) == []


def test_output_cells_are_clean_and_the_total_cannot_be_a_value(tmp_path):
    path = tmp_path / "journal.csv"
    path.write_text("structure,usager,horodatage,canal,motif\nA,u,2026-01-08 10:00,web,carte\x00grise\nA,u,2026-01-09 10:00,web,"
                    "=HYPERLINK(1)\n", encoding="utf-8")
    result = run_cli("reiteration", str(path), "--fenetre", "7", "--par", "motif", "--csv")
    assert result.returncode == 0 and "\x00" not in result.stdout
    assert "carte\\x00grise,1,0" in result.stdout and "'=HYPERLINK(1),1,0" in result.stdout
    total = tmp_path / "total.csv"
    total.write_text("structure,usager,horodatage,canal,motif\nA,u,2026-01-08 10:00,web,m\nTotal ,u,2026-01-09 10:00,web,m\n",
                     encoding="utf-8")
    refused = run_cli("reiteration", str(total), "--fenetre", "7", "--par", "structure", "--csv")
    assert refused.returncode == 2 and "une valeur du journal s'écrit « Total », comme la ligne du total" in refused.stderr
    assert run_cli("reiteration", str(total), "--fenetre", "7", "--par", "canal", "--csv").returncode == 0


def test_lines_are_named_as_an_editor_numbers_them(tmp_path):
    """A quoted line break and blank lines are lines; a header alone is no contact, said in French;
    a value that is not a date attempt (an identifier shifted into the column) is never shown."""
    path = tmp_path / "journal.csv"
    path.write_text('structure,usager,horodatage,canal,motif\nS,a,2026-01-08 10:00,tel,"multi\nline"\nS,b,2026-01-08 10:00,tel,M\n'
                    "S,c,bad,tel,M\nS,d,x,tel\n\n\nS,e,2026-01-08 10:00,tel,M,extra\nS,f,le 3 janvier,tel,M\nS,,jean.dupont,tel,M\n",
                    encoding="utf-8")
    result = run_cli("reiteration", str(path), "--fenetre", "7", "--par", "canal")
    lines = [line.split(" : ")[1] for line in result.stderr.splitlines()]
    assert [line.split(", ligne ")[1] for line in lines[:5]] == ["5", "6", "9", "10", "11"], result.stderr
    assert "« le 3 janvier »" in result.stderr and "jean.dupont" not in result.stderr and "« bad »" not in result.stderr
    header = tmp_path / "entete.csv"
    header.write_text("structure,usager,horodatage,canal,motif\n", encoding="utf-8")
    alone = run_cli("reiteration", str(header), "--fenetre", "7", "--par", "canal")
    assert alone.returncode == 2 and alone.stderr == "contacts-efficaces : aucun contact à analyser.\n"
