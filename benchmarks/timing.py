"""What the benchmark scripts share: the median time of an action run several times."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_seconds(action: Callable[[], object], runs: int = 5) -> float:
    """The median of ``runs`` timings of ``action`` (seconds): one slow run on this shared
    machine does not move it."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)
