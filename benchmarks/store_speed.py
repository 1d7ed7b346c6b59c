"""Benchmark of the store with a network's worth of versions (15,000 structures, two campaigns).

Measures, in one run: saving every version in one transaction; reading them all as the network
page and ``score --base`` do (``Store.network()`` then ``latest()``); one structure's history,
as the app reads it when a name is typed; and, for scale, reading the same autodiagnostics from
the CSV files they came from (``load_network``), the other way the network page gets its data.

Run: ``.venv/bin/python benchmarks/store_speed.py`` (prints a table; exits non-zero if reading
the store takes more than 2 × reading the CSV files, or a history more than 50 ms).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.timing import median_seconds  # noqa: E402
from contacts_lib.network import load_network, sample_network, write_sample_network  # noqa: E402
from contacts_lib.store import Store  # noqa: E402

STRUCTURES = 15_000
READ_TARGET = 2.0  # × reading the CSV files
HISTORY_TARGET_MS = 50


def main() -> int:
    diagnostics = sample_network(STRUCTURES)
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        write_sample_network(folder / "csv", STRUCTURES)
        base = folder / "base.sqlite"
        start = time.perf_counter()
        with Store(base) as store:
            store.save(diagnostics, "benchmark")
        saved = time.perf_counter() - start

        def from_store():
            with Store(base, read_only=True) as store:
                store.network().latest()

        store_read = median_seconds(from_store)
        files_read = median_seconds(lambda: load_network(folder / "csv").latest())
        name = diagnostics[len(diagnostics) // 2].structure

        def history():
            with Store(base, read_only=True) as store:
                store.history(name)

        history_ms = median_seconds(history, runs=21) * 1000
        size = base.stat().st_size / 1024 / 1024
    ratio = store_read / files_read
    print(f"versions enregistrées            {len(diagnostics):>8} ({STRUCTURES} structures), base {size:.1f} Mo")
    print(f"enregistrement (une transaction)  {saved:8.2f} s")
    print(f"lecture de la base + dernières    {store_read:8.2f} s")
    print(f"lecture des CSV + dernières       {files_read:8.2f} s")
    print(f"rapport base / CSV                {ratio:8.2f} (cible ≤ {READ_TARGET})")
    print(f"versions d'une structure          {history_ms:8.1f} ms (cible ≤ {HISTORY_TARGET_MS} ms)")
    return 0 if ratio <= READ_TARGET and history_ms <= HISTORY_TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
