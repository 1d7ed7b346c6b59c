"""Serving the notebooks as an app with Voilà (the ``contacts-efficaces app`` command)."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import webbrowser
from pathlib import Path

from contacts_lib.answers import InputError

LANDING_NOTEBOOK = "index.ipynb"


def project_root() -> Path:
    """The folder holding ``notebooks/`` and ``voila.json`` (Voilà reads its settings there)."""
    root = Path(__file__).resolve().parents[1]
    if not (root / "notebooks" / LANDING_NOTEBOOK).is_file():
        raise InputError(
            f"notebooks introuvables dans {root} : installez le projet depuis son dépôt "
            "(make app, ou pip install -e .)."
        )
    return root


def voila_command(port: int, *options: str) -> list[str]:
    """Voilà serving the project's folder, so that pages have the same addresses as on Binder."""
    return [sys.executable, "-m", "voila", ".", f"--port={port}", "--no-browser", "--Voila.ip=127.0.0.1", *options]


def check_port_free(port: int) -> None:
    """Voilà would quietly move to another port; say it instead, before starting."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            raise InputError(
                f"le port {port} est déjà utilisé (l'application tourne peut-être déjà : "
                f"{app_url(port)}) ; choisissez-en un autre avec --port."
            ) from None


def page_path(notebook: str) -> str:
    """Path of a notebook's page, here and on Binder: ``/voila/render/notebooks/NAME``."""
    return f"/voila/render/notebooks/{notebook}"


def app_url(port: int) -> str:
    return f"http://127.0.0.1:{port}{page_path(LANDING_NOTEBOOK)}"


def serve(port: int = 8866, open_browser: bool = True) -> int:
    """Run Voilà until interrupted; return its exit status."""
    if not 1 <= port <= 65535:
        raise InputError(f"port {port} invalide : choisir un nombre entre 1 et 65535.")
    root = project_root()
    check_port_free(port)
    print(f"Application d'autodiagnostic : {app_url(port)}  (Ctrl+C pour arrêter)", flush=True)
    if open_browser:
        threading.Timer(3.0, webbrowser.open, args=(app_url(port),)).start()
    process = subprocess.Popen(voila_command(port), cwd=root)
    try:
        return process.wait()
    except KeyboardInterrupt:
        process.terminate()
        process.wait()
        return 0
