"""Serving the app's pages (the ``contacts-efficaces app`` command): addresses, settings, start.

The server itself is :mod:`contacts_lib.web.hosting` (Voilà with what hosting needs); its settings
are in ``voila.json``, read from the project folder: the same for ``make app``, this command and,
through ``binder/postBuild``, Binder.
"""

from __future__ import annotations

import errno
import json
import os
import posixpath
import signal
import socket
import subprocess
import sys
import threading
import webbrowser
from dataclasses import dataclass
from pathlib import Path

from contacts_lib.messages import InputError

#: Names a file or folder of autodiagnostics that the server gives its pages: the network page
#: shows it, and the app compares each structure with it. Unset: the network page shows the
#: synthetic sample, the app no band. (Here, not in ``network``: the app reads it without
#: importing the network's analyses, and pandas with them, into every kernel.)
NETWORK_VARIABLE = "CONTACTS_EFFICACES_RESEAU"

LANDING_NOTEBOOK = "index.ipynb"
APP_NOTEBOOK = "autodiagnostic.ipynb"
NETWORK_NOTEBOOK = "reseau.ipynb"
WORKSHOP_NOTEBOOK = "atelier.ipynb"
REITERATION_NOTEBOOK = "reiteration.ipynb"
COSTS_NOTEBOOK = "couts.ipynb"
PAGES_FOLDER = "notebooks"
SETTINGS_FILE = "voila.json"
LOCAL_IP = "127.0.0.1"


#: The package's folder: Voilà serves its static files from the project's folder, under this name.
PACKAGE = Path(__file__).resolve().parents[1]


def project_root() -> Path:
    """The folder holding ``notebooks/`` and ``voila.json`` (Voilà reads its settings there)."""
    root = PACKAGE.parent
    if not (root / PAGES_FOLDER / LANDING_NOTEBOOK).is_file():
        raise InputError(
            f"notebooks introuvables dans {root} : installez le projet depuis son dépôt "
            "(make app, ou pip install -e .)."
        )
    return root


def page_path(notebook: str) -> str:
    """Path of a notebook's page, here and on Binder: ``/voila/render/notebooks/NAME``."""
    return f"/voila/render/{PAGES_FOLDER}/{notebook}"


#: Where Voilà serves the package's files (voila.json's ``file_allowlist`` lets only the static
#: scripts through).
PACKAGE_FILES = f"/voila/files/{PACKAGE.name}"


def static_file_path(path: Path) -> str:
    """The server's address of one of the package's static files (a path inside the package)."""
    return f"{PACKAGE_FILES}/{path.resolve().relative_to(PACKAGE).as_posix()}"


def static_url(path: Path) -> str:
    """Address of one of the package's static files relative to a page, so that it works under
    Binder's prefix too."""
    return posixpath.relpath(static_file_path(path), posixpath.dirname(page_path(APP_NOTEBOOK)))


def local_assets_only(page_config: dict, **_) -> dict:
    """Voilà's ``page_config_hook``: no request to a third party from the pages (set by
    contacts_lib.web.hosting, and on Binder by the configuration that binder/postBuild writes).

    Voilà's front end would load MathJax from cdnjs.cloudflare.com on every page; the tool's pages
    have no mathematics, and a public service's pages should not disclose their visitors to
    a CDN: a local stand-in (``static/no-mathjax.js``) takes its place. Nor do the pages say
    which version of Voilà serves them.
    """
    from contacts_lib.web.html import STATIC

    page_config["appVersion"] = ""  # the pages do not say which Voilà serves them
    page_config["fullMathjaxUrl"] = (page_config.get("baseUrl") or "/").rstrip("/") + static_file_path(STATIC / "no-mathjax.js")
    page_config["mathjaxConfig"] = "none"
    return page_config


def sign_out_url() -> str:
    """The sign-out address relative to a page (so that it works under a prefix too)."""
    return posixpath.relpath("/logout", posixpath.dirname(page_path(APP_NOTEBOOK)))


def app_url(port: int, host: str = LOCAL_IP) -> str:
    return f"http://{host}:{port}{page_path(LANDING_NOTEBOOK)}"


def voila_command(port: int, *options: str, ip: str = LOCAL_IP) -> list[str]:
    """The app's server on the project's folder, so that pages have the same addresses as on Binder."""
    return [sys.executable, "-m", "contacts_lib.web.hosting", ".", f"--port={port}", "--no-browser", f"--Voila.ip={ip}", *options]


def jupyter_server_settings(root: Path | None = None) -> dict[str, object]:
    """The sections of ``voila.json`` that a Jupyter server applies (Binder runs Voilà inside one).

    Voilà's server extension reads only its own section of ``voila.json``; the kernel culling and
    the page language belong to the Jupyter server, so ``binder/postBuild`` writes them into its
    configuration with this function: one source for both ways of serving.
    """
    settings = json.loads(((root or project_root()) / SETTINGS_FILE).read_text(encoding="utf-8"))
    return {section: settings[section] for section in ("MappingKernelManager", "VoilaExporter") if section in settings}


def check_port_free(port: int, ip: str = LOCAL_IP) -> None:
    """Voilà would quietly move to another port; say it instead, before starting."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((ip, port))
        except socket.gaierror:
            raise InputError(f"adresse {ip} invalide : donnez une adresse IP de cette machine (par exemple 0.0.0.0).") from None
        except OSError as error:
            if error.errno == errno.EADDRNOTAVAIL:  # not an address of this machine
                raise InputError(f"l'adresse {ip} n'est pas une adresse de cette machine.") from None
            raise InputError(
                f"le port {port} est déjà utilisé (l'application tourne peut-être déjà : "
                f"{app_url(port)}) ; choisissez-en un autre avec --port."
            ) from None


def _addresses_to_share(ip: str) -> list[str]:
    """Addresses that other machines of the room can type, for a server listening on ``ip``."""
    if ip not in ("0.0.0.0", "::", ""):
        return [ip]
    found = set()
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.add(info[4][0])
    except OSError:
        pass
    return sorted(address for address in found if not address.startswith("127.")) or [socket.gethostname()]


@dataclass(frozen=True)
class SignIn:
    """How people sign in (``app --acces``): the rights file and the OpenID Connect provider
    (the client secret is read from ``CONTACTS_EFFICACES_OIDC_SECRET``, never from a command line)."""

    access: Path
    issuer: str
    client_id: str
    public_url: str = ""
    session_hours: float = 8.0

    def check(self) -> int:
        """Check everything before the server starts; the number of people in the rights file."""
        from contacts_lib.access import AccessList
        from contacts_lib.web.signin import SECRET_VARIABLE

        people = len(AccessList.read(self.access).people)
        import math
        from urllib.parse import urlsplit

        address = urlsplit(self.issuer)
        local = address.scheme == "http" and address.hostname in ("127.0.0.1", "localhost", "::1")
        if not (address.scheme == "https" and address.hostname) and not local:
            raise InputError(f"--oidc-emetteur « {self.issuer} » : l'adresse du service de connexion doit commencer par https:// "
                             "(http:// seulement sur cette machine, pour des essais).")
        if not self.client_id.strip():
            raise InputError("--oidc-client : l'identifiant de client donné par le service de connexion est obligatoire.")
        if not os.environ.get(SECRET_VARIABLE, "").strip():
            raise InputError(f"secret de client absent : mettez-le dans la variable d'environnement {SECRET_VARIABLE}.")
        if self.public_url and not self.public_url.startswith(("https://", "http://")):
            raise InputError(f"--adresse-publique « {self.public_url} » : donnez une adresse complète (https://…).")
        if not (math.isfinite(self.session_hours) and 0 < self.session_hours <= 24 * 31):
            raise InputError(f"--session-heures {self.session_hours:g} : donnez un nombre d'heures entre 0 et 744 (31 jours).")
        return people

    def options(self) -> list[str]:
        return [
            f"--AppServer.access_file={self.access.resolve()}",
            f"--OidcIdentityProvider.issuer={self.issuer}",
            f"--OidcIdentityProvider.client_id={self.client_id}",
            f"--OidcIdentityProvider.public_url={self.public_url}",
            f"--OidcIdentityProvider.session_hours={self.session_hours}",
        ]


def serve(port: int = 8866, open_browser: bool = True, ip: str = LOCAL_IP, base: Path | None = None,
          sign_in: SignIn | None = None) -> int:
    """Run the app's server until interrupted; return its exit status. Its pages save into the
    store ``base`` (else the default one: ``CONTACTS_EFFICACES_BASE`` or the user's data folder);
    with ``sign_in``, people sign in and each reaches only their perimeter."""
    from contacts_lib.store import BASE_VARIABLE, Store

    if not 1 <= port <= 65535:
        raise InputError(f"port {port} invalide : choisir un nombre entre 1 et 65535.")
    root = project_root()
    people = sign_in.check() if sign_in is not None else 0
    check_port_free(port, ip)
    with Store(base) as store:  # created, or checked, before the server starts
        base = store.path.resolve() if store.path is not None else store.url
        print(f"Base des autodiagnostics : {store.location}", flush=True)
    everywhere = ip in ("0.0.0.0", "::", "")
    here = app_url(port, LOCAL_IP if everywhere else ip)
    print(f"Application d'autodiagnostic : {here}  (Ctrl+C pour arrêter)", flush=True)
    if sign_in is not None:
        print(f"Connexion obligatoire par {sign_in.issuer} ; droits : {sign_in.access} "
              f"({people} {'personne' if people == 1 else 'personnes'}).", flush=True)
    if ip != LOCAL_IP:
        shared = ", ".join(app_url(port, address) for address in _addresses_to_share(ip))
        print(f"Depuis les autres postes : {shared}", flush=True)
        if sign_in is None:
            print(
                "Attention : l'application n'a pas d'authentification ; quiconque atteint cette adresse "
                "peut l'utiliser. À réserver à un réseau de confiance (salle d'atelier, réseau interne), "
                "ou lancez-la avec --acces pour que chacun se connecte.",
                flush=True,
            )
    if open_browser:
        threading.Timer(3.0, webbrowser.open, args=(here,)).start()
    # The server and its kernels in a group of their own, so that stopping the app stops them all.
    process = subprocess.Popen(
        voila_command(port, *(sign_in.options() if sign_in else ()), ip=ip), cwd=root, env={**os.environ, BASE_VARIABLE: str(base)}, start_new_session=True,
    )
    # Ctrl-C (SIGINT) too, even when the app was started with it ignored (a shell's background job).
    stopping = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)
    previous = {number: signal.signal(number, _stop_requested) for number in stopping}
    try:
        return process.wait()
    except (KeyboardInterrupt, StopRequested):
        stop_server(process)
        return 0
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


class StopRequested(Exception):
    """The app was asked to stop (SIGTERM from a service manager, SIGHUP from a closed terminal,
    SIGINT from Ctrl-C)."""


def _stop_requested(_number, _frame) -> None:
    raise StopRequested


#: Seconds the server has to shut its kernels down before they are killed.
STOP_SECONDS = 20


def stop_server(process: subprocess.Popen) -> None:
    """Stop the Voilà server (it shuts its kernels down), then whatever of its group is left."""
    process.terminate()
    try:
        process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    try:
        os.killpg(process.pid, signal.SIGKILL)  # a kernel left behind by a server that did not end well
    except (ProcessLookupError, PermissionError):
        pass
