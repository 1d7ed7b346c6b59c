"""Benchmark of the Coûts page's « Et si » slider: from a new share of contacts moved to the
saving redrawn for the network and each structure, in the page's kernel (the page object driven
in this process, as its widgets drive it).

Networks of 300 and 15,000 synthetic structures, the Socitm 2010 preset; each of the 11 values
0 %, 10 %, … 100 % in turn, 3 passes; the median and the maximum of the 33 updates.

Run: ``.venv/bin/python benchmarks/costs_speed.py``. Prints a table and exits non-zero if the
target is missed: the slowest update ≤ 200 ms on 15,000 structures.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from contacts_lib.costs.page import CostsPage  # noqa: E402
from contacts_lib.network.loading import Network  # noqa: E402
from contacts_lib.network.page import Source  # noqa: E402
from contacts_lib.network.sample import sample_network  # noqa: E402

TARGET = 0.2


def updates(size: int) -> list[float]:
    diagnostics = sample_network(size)
    page = CostsPage(Source(Network(tuple(diagnostics), ("x",) * len(diagnostics)), "réseau synthétique", True))
    page.preset.value = "socitm-2010"
    seconds = []
    for _ in range(3):
        for part in range(0, 101, 10):
            start = time.perf_counter()
            page.part.value = part if part != page.part.value else (part + 1) % 101
            seconds.append(time.perf_counter() - start)
    return seconds


def main() -> int:
    worst = 0.0
    for size in (300, 15_000):
        seconds = updates(size)
        worst = max(seconds) if size == 15_000 else worst
        print(f"{size:>6} structures: median {statistics.median(seconds) * 1000:.0f} ms, "
              f"max {max(seconds) * 1000:.0f} ms (target: max ≤ {TARGET * 1000:.0f} ms on 15 000)")
    return 0 if worst <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
