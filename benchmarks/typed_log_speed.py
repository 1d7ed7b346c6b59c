"""Benchmark of the command on a typed log not made by the project's generator: a field-shaped
Parquet log (:mod:`benchmarks.field_log`: TIMESTAMP column, channels as systems spell them, about
1.2 million people in 5 million contacts), ``contacts-efficaces reiteration … --par canal --csv``
end to end in a fresh process, against the straightforward pandas implementation end to end
(read the Parquet file, sort by key and time, compare each row with the previous one, group by
channel, write the CSV); best of 3 each, alternated, compared in one run. Target: ≥ 10 ×.

Run: ``.venv/bin/pip install -e '.[benchmarks]'``, then
``.venv/bin/python benchmarks/typed_log_speed.py [--contacts 5000000]``.
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

from benchmarks.field_log import write_field_log  # noqa: E402

TARGET = 10.0
PANDAS = """
import sys
import pandas as pd
contacts = pd.read_parquet(sys.argv[1], columns=["structure", "usager", "horodatage", "canal", "motif"])
ordered = contacts.sort_values(["structure", "usager", "motif", "horodatage", "canal"], kind="stable")
same_key = (ordered["structure"].eq(ordered["structure"].shift()) & ordered["usager"].eq(ordered["usager"].shift())
            & ordered["motif"].eq(ordered["motif"].shift()))
repeat = same_key & (ordered["horodatage"] - ordered["horodatage"].shift() <= pd.Timedelta(days=int(sys.argv[2])))
table = repeat.groupby(ordered["canal"], observed=True).agg(["size", "sum"])
table.loc["TOTAL"] = table.sum()
table["taux"] = 100 * table["sum"] / table["size"]
table.to_csv(sys.stdout)
"""


def _seconds(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=5_000_000)
    arguments = parser.parse_args()
    os.environ.setdefault("CONTACTS_EFFICACES_CLE", "benchmark")
    with tempfile.TemporaryDirectory() as folder:
        log = write_field_log(Path(folder) / "terrain.parquet", arguments.contacts)
        ours = [ROOT / ".venv" / "bin" / "contacts-efficaces", "reiteration", str(log), "--fenetre", "15", "--par", "canal", "--csv"]
        theirs = [sys.executable, "-c", PANDAS, str(log), "15"]
        timings = {"ours": [], "pandas": []}
        for _ in range(3):
            timings["ours"].append(_seconds([str(part) for part in ours]))
            timings["pandas"].append(_seconds(theirs))
    best_ours, best_pandas = min(timings["ours"]), min(timings["pandas"])
    ratio = best_pandas / best_ours
    print(f"journal de terrain typé, {arguments.contacts:,} contacts : commande {best_ours:.2f} s, pandas {best_pandas:.2f} s, "
          f"{ratio:.1f} × (cible ≥ {TARGET:.0f} ×)".replace(",", " "))
    return 0 if ratio >= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
