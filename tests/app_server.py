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

from contacts_lib.server import project_root, voila_command



def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_app(log_path: Path, voila_options: tuple[str, ...] = (), timeout: float = 90) -> Iterator[str]:
    """Serve the app as a user does (``contacts-efficaces app``), yield its base URL, then stop it.

    With ``voila_options``, Voilà is started with the same command line as the app's plus them.
    """
    port = free_port()
    script = Path(sys.executable).with_name("contacts-efficaces")
    command = [str(script), "app", "--port", str(port), "--no-browser"]
    if voila_options:
        command = voila_command(port, *voila_options)
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command, cwd=project_root(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
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
