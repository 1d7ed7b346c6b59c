"""Twenty visitors at once, as in benchmarks/load.py: every one becomes interactive and the
server's log holds no traceback nor error (the timings are the benchmark's business, not a
test's: this machine is shared)."""

import asyncio
import gc

import pytest

from benchmarks.load import load
from tests.app_server import pooled_kernels, running_app

pytestmark = [pytest.mark.slow, pytest.mark.browser]


# The simulated visitors' client sockets (tornado's, in this test process) may be left to the
# collector when their event loop ends: what this test checks is the server, so their
# ResourceWarning is ignored here, and collected before the test ends.
@pytest.mark.filterwarnings("ignore::ResourceWarning")
def test_twenty_visitors_at_once_all_become_interactive(tmp_path):
    with running_app(tmp_path / "voila.log") as server:
        server.wait_for_kernels(pooled_kernels(), timeout=120)
        visits, kernels = asyncio.run(load(server, sockets=20, pages=2))
    problems = [f"{visit.kind}: {visit.problem}" for visit in visits if visit.problem or visit.seconds is None]
    assert problems == []
    log = server.log.read_text(errors="replace").splitlines()
    assert [line for line in log if any(word in line for word in ("Traceback", " 500 ", "ERROR", "never retrieved"))] == []
    assert len(visits) == 22 and len(kernels) >= 22
    del visits
    gc.collect()
