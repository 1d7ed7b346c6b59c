"""What the benchmark scripts share: the median time of an action run several times, and the
server options that serve a baseline notebook beside the app's pages."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def with_baseline(baseline: str) -> tuple[str, ...]:
    """Voilà options for the app's own settings (voila.json) plus ``benchmarks/<baseline>``
    served and preheated like a page, so that pages and baseline are measured alike."""
    pools = json.loads((ROOT / "voila.json").read_text())["VoilaKernelManager"]["kernel_pools_config"]
    pools = {**pools, f"benchmarks/{baseline}": {"pool_size": 1}}
    return (
        f"--VoilaKernelManager.kernel_pools_config={json.dumps(pools)}",
        '--AppServer.page_folders=["notebooks", "benchmarks"]',
    )


def median_seconds(action: Callable[[], object], runs: int = 5) -> float:
    """The median of ``runs`` timings of ``action`` (seconds): one slow run on this shared
    machine does not move it."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)
