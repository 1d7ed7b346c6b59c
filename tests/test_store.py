"""The shared store (work in progress for issue 9): versions kept, latest read back, parallel writers."""

from __future__ import annotations

import subprocess
import sys

from contacts_lib import score
from contacts_lib.network import sample_network
from contacts_lib.store import Store


def test_every_save_is_a_new_version_and_the_latest_reads_back(tmp_path):
    diagnostics = sample_network(30, seed=2)
    with Store(tmp_path / "base.sqlite") as store:
        first = store.save(diagnostics[:20], "a.csv")
        second = store.save(diagnostics[20:], "b.csv")
        assert len(first) == 20 and len(second) == len(diagnostics) - 20
        assert len(store.versions()) == len(diagnostics)
        name = diagnostics[0].structure
        history = store.versions(name.upper())  # names compared without case
        assert [v.autodiagnostic for v in history] == [d for d in diagnostics if d.structure == name]
        latest = store.latest()
        assert len(latest) == len({d.structure for d in diagnostics})
        for diagnostic in latest:
            own = [d for d in diagnostics if d.structure == diagnostic.structure]
            assert score(diagnostic) == score(own[-1])


def test_twenty_processes_saving_at_once_lose_nothing(tmp_path):
    base = tmp_path / "base.sqlite"
    Store(base).close()
    code = (
        "import sys; from contacts_lib.store import Store; from contacts_lib.network import sample_network; "
        "n = int(sys.argv[2]); d = sample_network(10, seed=n); s = Store(sys.argv[1]); s.save(d, f'p{n}'); s.close()"
    )
    processes = [subprocess.Popen([sys.executable, "-c", code, str(base), str(n)]) for n in range(20)]
    assert [p.wait(timeout=120) for p in processes] == [0] * 20
    with Store(base) as store:
        expected = sum(len(sample_network(10, seed=n)) for n in range(20))
        assert len(store.versions()) == expected
