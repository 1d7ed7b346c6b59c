"""Start the app as a user does (``contacts-efficaces app``) on a free port, for the slow tests."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from contacts_lib.store import BASE_VARIABLE
from contacts_lib.web.server import project_root, voila_command


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class RunningApp:
    """The app's server as the tests see it: its address and its process."""

    url: str
    pid: int
    log: Path

    def kernels(self) -> list[int]:
        """Process ids of the server's kernels (its ipykernel children)."""
        listing = subprocess.run(
            ["ps", "--ppid", str(self._voila_pid()), "-o", "pid=,args="], capture_output=True, text=True, check=False
        ).stdout
        return [int(line.split()[0]) for line in listing.splitlines() if "ipykernel_launcher" in line]

    def kernel_running(self, kernel_id: str) -> bool:
        """Whether the kernel of this id runs (its process holds ``kernel-<id>.json``): the server
        tells no visitor, not even at ``/api/kernels/<id>``."""
        listing = subprocess.run(
            ["ps", "-ww", "--ppid", str(self._voila_pid()), "-o", "args="], capture_output=True, text=True, check=False
        ).stdout
        return f"kernel-{kernel_id}.json" in listing

    def _voila_pid(self) -> int:
        """The Voilà process: the server itself, or the child of ``contacts-efficaces app``."""
        listing = subprocess.run(
            ["ps", "--ppid", str(self.pid), "-o", "pid=,args="], capture_output=True, text=True, check=False
        ).stdout
        for line in listing.splitlines():
            if "contacts_lib.web.hosting" in line:
                return int(line.split()[0])
        return self.pid

    def wait_for_kernels(self, count: int, timeout: float) -> float:
        """Seconds until the server has ``count`` kernels; TimeoutError after ``timeout``."""
        start = time.monotonic()
        while len(self.kernels()) != count:
            if time.monotonic() - start > timeout:
                raise TimeoutError(f"{len(self.kernels())} kernels after {timeout} s, not {count}")
            time.sleep(0.5)
        return time.monotonic() - start


def pooled_kernels() -> int:
    """Kernels kept ready by the pools of voila.json."""
    from tests.samples import kernel_pools

    return sum(pool["pool_size"] for name, pool in kernel_pools().items() if name != "default")


@contextlib.contextmanager
def running_app(
    log_path: Path, voila_options: tuple[str, ...] = (), timeout: float = 90, ip: str | None = None,
    environment: dict[str, str] | None = None, port: int | None = None, app_options: tuple[str, ...] = (),
) -> Iterator[RunningApp]:
    """Serve the app as a user does (``contacts-efficaces app``), yield it, then stop it.

    With ``voila_options``, the server is started with the same command line as the app's plus
    them; ``environment`` adds variables to the server's environment (and its kernels');
    ``app_options`` are more options of the command (``--acces …``).
    """
    port = port or free_port()
    script = Path(sys.executable).with_name("contacts-efficaces")
    command = [str(script), "app", "--port", str(port), "--no-browser", *(("--ip", ip) if ip else ()), *app_options]
    if voila_options:
        command = voila_command(port, *voila_options)
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command, cwd=project_root(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            # A store of its own beside the log: never the user's (the app saves into one by default).
            env={**os.environ, BASE_VARIABLE: str(log_path.parent / "base.sqlite"), **(environment or {})},
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the app stopped: {log_path.read_text(errors='replace')[-2000:]}")
            try:
                with urllib.request.urlopen(base + "/voila/static/voila.js", timeout=5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"no answer from {base}: {log_path.read_text(errors='replace')[-2000:]}") from None
                time.sleep(0.3)
        app = RunningApp(base, process.pid, log_path)
        server_pid = app._voila_pid()  # the command's Voilà server runs in a group of its own
        yield app
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        if "server_pid" in locals() and server_pid != process.pid:  # never left running by a test
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(server_pid, signal.SIGKILL)
