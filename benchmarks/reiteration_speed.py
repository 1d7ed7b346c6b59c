"""Benchmark of réitération on large contact logs, DuckDB against a plain pandas implementation,
as ratios measured in one run (this machine is shared: compare ratios, not seconds).

1. A synthetic log of 10,000,000 contacts (``contacts-efficaces exemple --contacts``), loaded
   once (``load_log``); then réitération by canal at 15 days: the library (median of 3) against
   a straightforward vectorised pandas implementation on the same contacts already in a frame
   (sort by key and time, compare each row with the previous one, group by canal).
   Targets: ≤ 3 s, and ≥ 10 × faster than pandas.
2. The command end to end on a 5,000,000-contact Parquet file (``contacts-efficaces reiteration
   … --par canal --csv`` in a fresh process, which reads the file once in one DuckDB statement:
   ``reiteration_of_files``), against the same pandas implementation end to end (a fresh process
   that reads the Parquet file with pandas, parses the timestamps, computes and writes the CSV);
   best of 3 each, alternated, and their figures compared. Target: ≥ 5 × faster. The pandas side
   neither trims values, reads the channels' spellings nor checks rows: it has less to do.
3. The window slider of the réitération page on a 1,000,000-contact log: from a new value to
   everything the page shows redrawn (headline, breakdown, paths, practices; median of 5).
   Target: ≤ 1 s.

Run: ``.venv/bin/pip install -e '.[benchmarks]'`` (pyarrow, for pandas' Parquet reader), then
``.venv/bin/python benchmarks/reiteration_speed.py [--contacts 10000000]``. Prints a table and
exits non-zero if a target is missed. The generated logs are written in a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.timing import median_seconds  # noqa: E402
from contacts_lib.logs import load_log, reiteration_by  # noqa: E402
from contacts_lib.logs.reiteration import forget_flags  # noqa: E402
from contacts_lib.logs.sample import write_sample_log  # noqa: E402
from contacts_lib.network import Network, sample_network  # noqa: E402

WINDOW = 15
LOADED_TARGET_S, LOADED_RATIO = 3.0, 10.0
COMMAND_RATIO = 5.0
SLIDER_TARGET_S = 1.0

#: The pandas implementation, as a data scientist would write it (also run as a script).
PANDAS_CODE = """
import sys
import pandas as pd


def reiteration_by_canal(contacts, days):
    ordered = contacts.sort_values(["structure", "usager", "motif", "horodatage", "canal"], kind="stable")
    same_key = (
        ordered["structure"].eq(ordered["structure"].shift())
        & ordered["usager"].eq(ordered["usager"].shift())
        & ordered["motif"].eq(ordered["motif"].shift())
    )
    repeat = same_key & (ordered["horodatage"] - ordered["horodatage"].shift() <= pd.Timedelta(days=days))
    table = repeat.groupby(ordered["canal"]).agg(["size", "sum"]).rename(columns={"size": "contacts", "sum": "reiterations"})
    table.loc["TOTAL"] = table.sum()
    table["taux"] = 100 * table["reiterations"] / table["contacts"]
    return table


if __name__ == "__main__":
    contacts = pd.read_parquet(sys.argv[1])
    contacts["horodatage"] = pd.to_datetime(contacts["horodatage"], format="%Y-%m-%d %H:%M")
    reiteration_by_canal(contacts, int(sys.argv[2])).to_csv(sys.stdout)
"""


def _pandas_module():
    namespace: dict = {}
    exec(compile(PANDAS_CODE, "pandas_reiteration", "exec"), namespace)  # noqa: S102 - our own text
    return namespace["reiteration_by_canal"]


def _n(number: int) -> str:
    return f"{number:,}".replace(",", " ")


def _latest_sample():
    diagnostics = sample_network()
    return list(Network(tuple(diagnostics), ("",) * len(diagnostics)).latest().diagnostics)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=10_000_000)
    arguments = parser.parse_args()
    os.environ.setdefault("CONTACTS_EFFICACES_CLE", "benchmark")
    structures = _latest_sample()
    failures = []
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        big = write_sample_log(folder / "grand.parquet", structures, arguments.contacts)
        half = write_sample_log(folder / "moyen.parquet", structures, arguments.contacts // 2)
        small = write_sample_log(folder / "petit.parquet", structures, 1_000_000)

        # 1. Loaded once, then réitération by canal.
        start = time.perf_counter()
        log = load_log(big)
        load_s = time.perf_counter() - start
        ours = reiteration_by(log, "canal", WINDOW)

        def fresh() -> None:  # the flags computed again each time, not read from the page's cache
            forget_flags(log)
            reiteration_by(log, "canal", WINDOW)

        ours_s = median_seconds(fresh, 3)
        import pandas as pd

        frame = pd.read_parquet(big)
        frame["horodatage"] = pd.to_datetime(frame["horodatage"], format="%Y-%m-%d %H:%M")
        by_canal = _pandas_module()
        start = time.perf_counter()
        theirs = by_canal(frame, WINDOW)
        pandas_s = time.perf_counter() - start
        assert list(theirs["reiterations"]) == list(ours["reiterations"]), "pandas and DuckDB disagree"
        del frame

        # 2. The command end to end, on half as many contacts.
        script = folder / "pandas_reiteration.py"
        script.write_text(PANDAS_CODE, encoding="utf-8")
        command = [str(Path(sys.executable).with_name("contacts-efficaces")), "reiteration", str(half),
                   "--fenetre", str(WINDOW), "--par", "canal", "--csv"]
        reference = [sys.executable, str(script), str(half), str(WINDOW)]
        command_times, reference_times, outputs = [], [], {}
        for _ in range(3):  # alternated
            for argv, times in ((command, command_times), (reference, reference_times)):
                start = time.perf_counter()
                outputs[id(times)] = subprocess.run(argv, check=True, capture_output=True, text=True).stdout
                times.append(time.perf_counter() - start)
        command_s, reference_s = min(command_times), min(reference_times)
        counts = [[line.split(",")[:3] for line in outputs[id(times)].splitlines()[1:]] for times in (command_times, reference_times)]
        assert counts[0] == counts[1], "the command and pandas disagree"

        # 3. The page's window slider on a million contacts: everything the page redraws.
        from contacts_lib.logs.page import LogSource, ReiterationPage

        page = ReiterationPage(LogSource(load_log(small), "benchmark", True, tuple(structures)))
        windows = iter([7, 30, 14, 21, 45, 10])

        def move() -> None:
            page.window.value = next(windows)

        slider_s = median_seconds(move, 5)

    loaded_ratio, command_ratio = pandas_s / ours_s, reference_s / command_s
    print(f"journal de {_n(arguments.contacts)} contacts chargé en {load_s:.1f} s (Parquet, pseudonymisé)")
    print(f"réitération par canal, journal chargé   : {ours_s:6.2f} s  (cible ≤ {LOADED_TARGET_S} s)")
    print(f"même calcul en pandas                   : {pandas_s:6.2f} s  → {loaded_ratio:.1f} × (cible ≥ {LOADED_RATIO})")
    print(f"commande, {_n(arguments.contacts // 2)} contacts Parquet : {command_s:6.2f} s")
    print(f"pandas de bout en bout                  : {reference_s:6.2f} s  → {command_ratio:.1f} × (cible ≥ {COMMAND_RATIO})")
    print(f"curseur de fenêtre, 1 000 000 contacts  : {slider_s:6.2f} s  (cible ≤ {SLIDER_TARGET_S} s)")
    if ours_s > LOADED_TARGET_S or loaded_ratio < LOADED_RATIO:
        failures.append("réitération sur journal chargé")
    if command_ratio < COMMAND_RATIO:
        failures.append("commande de bout en bout")
    if slider_s > SLIDER_TARGET_S:
        failures.append("curseur de fenêtre")
    for failure in failures:
        print(f"cible manquée : {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
