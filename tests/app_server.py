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
from pathlib import Path

from contacts_lib.server import voila_command


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_app(log_path: Path, root: Path | None = None, timeout: float = 90) -> Iterator[str]:
    """Serve the app, wait until it answers, yield its base URL, then stop it.

    By default the app is started as a user does, with ``contacts-efficaces app``; with ``root``,
    Voilà serves ``root/notebooks`` with ``root/voila.json`` instead (the same command line).
    """
    port = free_port()
    if root is None:
        script = Path(sys.executable).with_name("contacts-efficaces")
        command, cwd = [str(script), "app", "--port", str(port), "--no-browser"], None
    else:
        command, cwd = voila_command(port), root
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the app stopped: {log_path.read_text(errors='replace')[-2000:]}")
            try:
                with urllib.request.urlopen(base + "/", timeout=5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"no answer from {base}: {log_path.read_text(errors='replace')[-2000:]}") from None
                time.sleep(0.3)
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
