"""One pipeline, two engines: Spark (pyspark in local mode, Java from Debian — run for real) gives
the very bytes DuckDB gives, on the hand-checked log and on random logs full of awkward cases,
and both agree with an independent Python loop; the README's Trino text is SQLGlot's translation
of the same statements, and its spark-submit line runs."""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import subprocess
import sys
import zoneinfo
from pathlib import Path

import pytest

from contacts_lib.logs import pipeline
from contacts_lib.logs.reiteration import reiteration_rows_of_files, requests_rows_of_files
from tests.samples import run_cli
from tests.test_log_measures import UNIDENTIFIED
from tests.test_reiteration import HAND_LOG, _write_csv

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


@pytest.fixture(autouse=True)
def _key(monkeypatch):
    monkeypatch.setenv("CONTACTS_EFFICACES_CLE", "clé de test")


@pytest.fixture
def hand_log(tmp_path):
    extra = [("CPAM 69", "SECRET-E", "2026-03-28T23:30:00Z", "Téléphone", "carte vitale", "e1"),   # 29 March 00:30 in Paris
             ("CPAM 69", "SECRET-E", "2026-03-29 08:00", "tél.", "carte vitale", "e2")]
    return _write_csv(tmp_path / "journal.csv", [*HAND_LOG, UNIDENTIFIED, *extra])


@pytest.mark.parametrize("arguments", [
    ("--par", "canal"), ("--par", "mois", "--jours-calendaires"), ("--par", "structure", "--meme-canal"),
    ("--par", "motif", "--fenetre", "30"), ("--demandes",),
], ids=["canal", "mois-calendaires", "structure-meme-canal", "motif-30", "demandes"])
def test_both_engines_write_the_same_bytes_for_the_hand_checked_log(hand_log, arguments):
    window = () if "--fenetre" in arguments else ("--fenetre", "7")
    duck = run_cli("reiteration", str(hand_log), *window, *arguments, "--csv")
    spark = run_cli("reiteration", str(hand_log), *window, *arguments, "--csv", "--moteur", "spark")
    assert duck.returncode == 0 and spark.returncode == 0, spark.stderr
    assert spark.stdout.encode() == duck.stdout.encode() and spark.stderr == duck.stderr
    assert duck.stdout.count("\n") >= 3 and "SECRET" not in duck.stdout + spark.stderr


def _random_log(path: Path, seed: int) -> list[tuple]:
    """A random log (CSV) with the awkward cases: same moments, exact window bounds, offsets and
    French forms, spellings and spaces, contacts without an identifier; and its contacts as
    (structure, usager, legal time in Paris, canal, motif) for the independent loop."""
    rng = random.Random(seed)
    spellings = {"telephone": ["Téléphone", " tél. ", "TEL"], "courriel": ["e-mail", "Mél"], "guichet": ["Accueil physique"],
                 "web": ["site internet", "web"], "Fax": ["Fax"]}
    start = dt.datetime(2026, 3, 20, 8, 0)
    rows, truth = [], []
    for i in range(400):
        structure, motif = rng.choice(["CAF 38", "CPAM 69", " MSA "]), rng.choice(["dossier", "paiement", "carte"])
        usager = "" if rng.random() < 0.05 else f"SECRET-{rng.randrange(30)}"
        moment = start + dt.timedelta(days=rng.choice([0, 1, 2, 7, 15, 30]) * rng.randrange(3),
                                      minutes=rng.choice([0, 0, 1, 60 * 23 + 59, rng.randrange(20000)]))
        canal = rng.choice(list(spellings))
        form = rng.randrange(5)
        if form == 0:
            text = moment.strftime("%Y-%m-%d %H:%M")
        elif form == 1:
            text = moment.strftime("%d/%m/%Y %H:%M:%S")
        elif form == 2:  # an instant: its UTC writing
            text = moment.replace(tzinfo=PARIS).astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        elif form == 3:
            offset = moment.replace(tzinfo=PARIS).astimezone(dt.timezone(dt.timedelta(hours=-5)))
            text = offset.isoformat(timespec="minutes")
        else:
            text = moment.strftime("%Y-%m-%dT%H:%M:%S")
        if form >= 2 and moment.replace(tzinfo=PARIS).astimezone(dt.timezone.utc).astimezone(PARIS).replace(tzinfo=None) != moment:
            text = moment.strftime("%Y-%m-%d %H:%M")  # a legal time that does not exist (spring forward): written plainly
        rows.append((structure, usager, text, rng.choice(spellings[canal]), motif, str(i)))
        truth.append((structure.strip(), usager or None, moment, canal, motif))
    _write_csv(path, rows)
    return truth


def _loop(contacts, days, same_channel=False, calendar=False):
    """The rule, as a plain loop: réitérations by canal and requests by first channel."""
    previous, by_canal, chains = {}, {}, {}
    for structure, usager, moment, canal, motif in sorted(contacts, key=lambda c: (c[2], c[3])):
        key = (structure, usager, motif, canal if same_channel else None)
        earlier = previous.get(key) if usager else None
        if calendar:
            repeat = earlier is not None and (moment.date() - earlier.date()).days <= days
        else:
            repeat = earlier is not None and moment - earlier <= dt.timedelta(days=days)
        if usager:
            previous[key] = moment
        counts = by_canal.setdefault(canal, [0, 0])
        counts[0] += 1
        counts[1] += repeat
        if repeat:
            chains[key][-1][1] += 1
        else:
            chains.setdefault(key if usager else object(), []).append([canal, 1])
    requests = {}
    for chain in chains.values():
        for first, length in chain:
            row = requests.setdefault(first, [0, 0, 0])
            row[0] += 1
            row[1] += length
            row[2] += length == 1
    return ({canal: tuple(v) for canal, v in by_canal.items()}, {canal: tuple(v) for canal, v in requests.items()})


@pytest.mark.parametrize("seed", [1, 2])
def test_random_logs_give_the_same_rows_on_both_engines_and_in_a_plain_loop(tmp_path, seed):
    path = tmp_path / "aleatoire.csv"
    truth = _random_log(path, seed)
    for days, same_channel, calendar in [(1, False, False), (7, True, False), (15, False, True), (30, True, True)]:
        options = {"same_channel": same_channel, "calendar_days": calendar}
        by_canal, requests = _loop(truth, days, same_channel, calendar)
        duck = reiteration_rows_of_files(path, "canal", days, **options)[0]
        assert {row[0]: row[1:3] for row in duck[:-1]} == by_canal, (days, same_channel, calendar)
        assert reiteration_rows_of_files(path, "canal", days, engine="spark", **options)[0] == duck
        duck_requests = requests_rows_of_files(path, days, **options)[0]
        assert {row[0]: (row[1], row[2], row[4]) for row in duck_requests[:-1]} == requests
        assert requests_rows_of_files(path, days, engine="spark", **options)[0] == duck_requests
        for by in ("motif", "structure", "mois"):
            assert (reiteration_rows_of_files(path, by, days, engine="spark", **options)[0]
                    == reiteration_rows_of_files(path, by, days, **options)[0])


def test_typed_parquet_and_bad_rows_read_the_same_on_spark(tmp_path, hand_log):
    import duckdb

    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'Europe/Paris'")
    csv_log = _write_csv(tmp_path / "iso.csv", [(s, u, h.replace("12/01/2026", "2026-01-12"), c, m, a) for s, u, h, c, m, a in HAND_LOG])
    for kind in ("TIMESTAMP", "TIMESTAMPTZ", "DATE"):
        path = tmp_path / f"{kind}.parquet"
        connection.execute(f"COPY (SELECT * REPLACE (CAST(CAST(horodatage AS TIMESTAMP) AS {kind}) AS horodatage) "
                           f"FROM read_csv('{csv_log}', all_varchar = true)) TO '{path}' (FORMAT parquet)")
        for zone in ("Europe/Paris", "America/New_York"):
            duck = reiteration_rows_of_files(path, "mois", 7, zone=zone)
            spark = reiteration_rows_of_files(path, "mois", 7, zone=zone, engine="spark")
            assert spark[0] == duck[0] and spark[1].contacts == len(HAND_LOG), (kind, zone)
    bad = tmp_path / "decale.csv"
    bad.write_text("structure,usager,horodatage,canal,motif\nA,SECRET-1,2026-01-08 10:00,web,m\nA,SECRET, 2,2026-01-08,web,m\n"
                   "A,SECRET-3,le 8 janvier,web,m\n", encoding="utf-8")
    duck = run_cli("reiteration", str(bad), "--fenetre", "7", "--par", "canal")
    spark = run_cli("reiteration", str(bad), "--fenetre", "7", "--par", "canal", "--moteur", "spark")
    assert duck.returncode == spark.returncode == 2 and spark.stderr == duck.stderr
    assert "ligne 3 : 6 champs au lieu de 5" in duck.stderr and "SECRET" not in duck.stderr
    skipped = [run_cli("reiteration", str(bad), "--fenetre", "7", "--par", "canal", "--csv", "--ignorer-erreurs", *engine)
               for engine in ((), ("--moteur", "spark"))]
    assert skipped[0].stdout == skipped[1].stdout and skipped[0].stderr == skipped[1].stderr
    assert "2 lignes illisibles écartées" in skipped[0].stderr


def _readme_block(title: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index(title):]
    return re.search(r"```(?:sql|sh)\n(.*?)```", section, re.S).group(1)


def test_the_readme_gives_trino_the_translation_of_the_same_statement():
    import sqlglot

    rule = pipeline.Rule(15)
    statement = pipeline.breakdown_sql("canal", f"({pipeline.flags_sql(rule)}) AS reperes")
    trino = pipeline.for_engine(statement, "trino")
    assert sqlglot.transpile(trino, read="trino", write="trino")[0] == trino  # Trino's own grammar reads it back
    assert "LAG(horodatage) OVER par_cle >= horodatage - INTERVAL '15' DAY" in trino
    assert _readme_block("Le texte Trino").strip() == trino


def test_the_readme_spark_submit_line_runs(tmp_path, hand_log):
    import pyspark

    line = _readme_block("Sur un cluster Spark").strip()
    assert line.startswith("spark-submit ")
    home = Path(pyspark.__file__).parent
    command = line.replace("spark-submit", str(home / "bin" / "spark-submit"), 1).replace("journal.parquet", str(hand_log))
    command = command.replace("spark://hote:7077", "local[2]")
    environment = {**os.environ, "SPARK_HOME": str(home), "PYSPARK_PYTHON": sys.executable,
                   "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, env=environment, cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    written = (tmp_path / "reiteration.csv").read_text(encoding="utf-8")
    assert written == run_cli("reiteration", str(hand_log), "--fenetre", "15", "--par", "canal", "--csv").stdout
    assert "résultat écrit : reiteration.csv" in result.stdout + result.stderr
