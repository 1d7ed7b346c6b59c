"""The README's one-server deployment, as written in deploy/: the systemd unit's command and
environment file start the app, Debian's nginx with deploy/nginx-contacts-efficaces.conf puts TLS in
front of it, and people sign in through the real OpenID Connect provider and use the app through
the proxy (pages, the kernel's websocket, saving). Only the unit's and the proxy's site-specific
values are replaced: paths, ports, the provider's address and the certificate."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shlex
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.parse
from pathlib import Path

import pytest
import requests

from contacts_lib.store import Store
from contacts_lib.web.server import APP_NOTEBOOK, LANDING_NOTEBOOK, page_path
from tests.app_server import free_port
from tests.oidc_provider import running_provider, sign_in_http
from tests.samples import ROOT
from tests.test_signin import MANAGER, RIGHTS, WidgetClient, _form

pytestmark = pytest.mark.slow
DEPLOY = ROOT / "deploy"


def unit_settings(unit: Path) -> dict[str, list[str]]:
    """The ``Key=value`` lines of a systemd unit (a key may repeat)."""
    settings: dict[str, list[str]] = {}
    for line in unit.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            settings.setdefault(key.strip(), []).append(value.strip())
    return settings


def environment_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


@contextlib.contextmanager
def nginx(site: str, folder: Path):
    """Debian's nginx running ``site`` (the repository's server blocks) in ``folder``."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        pytest.fail("nginx manque pour le test du déploiement : sudo apt-get install -y nginx (make system-deps)")
    (folder / "logs").mkdir(parents=True)
    conf = folder / "nginx.conf"
    conf.write_text(
        f"worker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/logs/error.log;\n"
        "events { worker_connections 64; }\n"
        f"http {{\n access_log {folder}/logs/access.log;\n client_body_temp_path {folder}/body;\n"
        f" proxy_temp_path {folder}/proxy;\n{site}\n}}\n", encoding="utf-8")
    subprocess.run([binary, "-t", "-p", str(folder), "-c", str(conf)], check=True, capture_output=True)
    process = subprocess.Popen([binary, "-p", str(folder), "-c", str(conf), "-g", "daemon off;"],
                               stderr=subprocess.PIPE, start_new_session=True)
    try:
        yield process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(20)
        process.stderr.close()


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    certificate, key = folder / "fullchain.pem", folder / "privkey.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(certificate)],
                   check=True, capture_output=True)
    return certificate, key


def test_the_one_server_deployment_of_the_readme_works_behind_tls(tmp_path):
    etc, state = tmp_path / "etc", tmp_path / "var"
    etc.mkdir()
    state.mkdir()
    (etc / "acces.csv").write_text(RIGHTS, encoding="utf-8")
    app_port, https_port, http_port = free_port(), free_port(), free_port()
    public = f"https://127.0.0.1:{https_port}"
    certificate, key = self_signed_certificate(tmp_path)

    unit = unit_settings(DEPLOY / "contacts-efficaces.service")
    assert unit["EnvironmentFile"] == ["/etc/contacts-efficaces/contacts-efficaces.env"]
    assert unit["KillSignal"] == ["SIGTERM"] and unit["User"] == ["contacts"]
    environment = environment_file(DEPLOY / "contacts-efficaces.env")
    assert set(environment) == {"CONTACTS_EFFICACES_OIDC_SECRET", "CONTACTS_EFFICACES_BASE", "CONTACTS_EFFICACES_CLE"}
    environment["CONTACTS_EFFICACES_BASE"] = environment["CONTACTS_EFFICACES_BASE"].replace("/var/lib/contacts-efficaces", str(state))

    client = {"client_id": "CLIENT_ID", "client_secret": environment["CONTACTS_EFFICACES_OIDC_SECRET"],
              "redirect_uris": [f"{public}/login/retour"], "post_logout_redirect_uris": [f"{public}/login?deconnecte=1"]}
    with running_provider([client]) as provider:
        (command,) = unit["ExecStart"]
        command = (command.replace("/opt/contacts-efficaces/.venv/bin/", str(Path(os.sys.executable).parent) + "/")
                   .replace("/etc/contacts-efficaces", str(etc))
                   .replace("https://auth.agentconnect.gouv.fr/api/v2", provider.issuer)
                   .replace("https://contacts.example.fr", public)
                   .replace("--port 8866", f"--port {app_port}"))
        site = ((DEPLOY / "nginx-contacts-efficaces.conf").read_text(encoding="utf-8")
                .replace("127.0.0.1:8866", f"127.0.0.1:{app_port}")
                .replace("listen 443 ssl", f"listen 127.0.0.1:{https_port} ssl")
                .replace("listen 80;", f"listen 127.0.0.1:{http_port};")
                .replace("/etc/letsencrypt/live/contacts.example.fr/fullchain.pem", str(certificate))
                .replace("/etc/letsencrypt/live/contacts.example.fr/privkey.pem", str(key)))
        identities_before = set(Path(tempfile.gettempdir()).glob("contacts-visiteurs-*"))
        log = (tmp_path / "service.log").open("wb")
        service = subprocess.Popen(shlex.split(command), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                   env={**os.environ, **environment, "HOME": str(state)}, start_new_session=True)
        try:
            with nginx(site, tmp_path / "nginx"), requests.Session() as browser:
                browser.verify, browser.trust_env = str(certificate), False  # not the CA bundle of the environment
                deadline, last = time.monotonic() + 90, None
                while True:
                    try:
                        last = browser.get(public + "/voila/static/voila.js", timeout=5).status_code
                        if last == 200:
                            break
                    except requests.ConnectionError as error:
                        last = error
                    assert time.monotonic() < deadline and service.poll() is None, (str(last)[-400:], (tmp_path / "nginx" / "logs" / "error.log").read_text()[-800:])
                    time.sleep(0.5)
                # plain http is sent to https
                redirect = requests.get(f"http://127.0.0.1:{http_port}/", allow_redirects=False)
                assert redirect.status_code == 301 and redirect.headers["Location"].startswith("https://")
                landing = sign_in_http(browser, public + "/login/aller?next=" + urllib.parse.quote(page_path(LANDING_NOTEBOOK)),
                                       MANAGER)
                assert landing.status_code == 200 and landing.url == public + page_path(LANDING_NOTEBOOK)
                cookie = next(c for c in browser.cookies if c.name == "contacts-session")
                assert cookie.secure and cookie.has_nonstandard_attr("HttpOnly")
                assert landing.headers["Strict-Transport-Security"] == "max-age=31536000"

                class Behind:
                    url, ca_certs = public, str(certificate)

                async def save():
                    async with WidgetClient(Behind, browser, APP_NOTEBOOK) as page:
                        answer = await page.act({"type": "save", "form": _form("CAF de l'Isère", "CAF")}, until="notice")
                        return answer["notice"]["text"]

                assert "version 1" in asyncio.run(save())
        finally:
            service.send_signal(signal.SIGTERM)  # as systemd stops it, its pools refilling what the pages took
            assert service.wait(40) == 0
            log.close()
        # the kernels' identities are gone with them
        assert set(Path(tempfile.gettempdir()).glob("contacts-visiteurs-*")) <= identities_before
    with Store(Path(environment["CONTACTS_EFFICACES_BASE"]), read_only=True) as store:
        assert [v.saved_by for v in store.history("CAF de l'Isère")] == [MANAGER]
    printed = (tmp_path / "service.log").read_text(errors="replace")
    assert "Traceback" not in printed and f"Connexion obligatoire par {provider.issuer}" in printed


def test_the_unit_file_is_valid_for_systemd(tmp_path):
    """``systemd-analyze verify`` reads the unit as systemd would (its programs made to exist)."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.fail("systemd-analyze manque : sudo apt-get install -y systemd (make system-deps)")
    unit = tmp_path / "contacts-efficaces.service"
    program = tmp_path / "contacts-efficaces"
    program.write_text("#!/bin/sh\n", encoding="utf-8")
    program.chmod(0o755)
    unit.write_text((DEPLOY / "contacts-efficaces.service").read_text(encoding="utf-8")
                    .replace("/opt/contacts-efficaces/.venv/bin/contacts-efficaces", str(program)), encoding="utf-8")
    result = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True, check=False)
    # systemd says each unknown key or value it would ignore (and still answers 0)
    problems = [line for line in (result.stdout + result.stderr).splitlines() if unit.name in line]
    assert result.returncode == 0 and problems == [], result.stdout + result.stderr


def test_the_several_servers_site_sends_each_visitor_to_one_of_the_servers(tmp_path):
    """deploy/nginx-plusieurs-serveurs.conf in front of two app servers (two stand-ins answering
    their name, on this machine): nginx accepts it, and a visitor stays on one server (ip_hash)."""
    import http.server
    import threading

    certificate, key = self_signed_certificate(tmp_path)
    ports, https_port = [free_port(), free_port()], free_port()
    servers = []
    for number, port in enumerate(ports, start=1):
        class Name(http.server.BaseHTTPRequestHandler):
            name = f"serveur {number}".encode()

            def do_GET(self):  # noqa: N802 - the standard library's name
                self.send_response(200)
                self.end_headers()
                self.wfile.write(self.name)

            def log_message(self, *_):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Name)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    site = ((DEPLOY / "nginx-plusieurs-serveurs.conf").read_text(encoding="utf-8")
            .replace("10.0.0.11:8866", f"127.0.0.1:{ports[0]}").replace("10.0.0.12:8866", f"127.0.0.1:{ports[1]}")
            .replace("listen 443 ssl", f"listen 127.0.0.1:{https_port} ssl").replace("listen 80;", f"listen 127.0.0.1:{free_port()};")
            .replace("/etc/letsencrypt/live/contacts.example.fr/fullchain.pem", str(certificate))
            .replace("/etc/letsencrypt/live/contacts.example.fr/privkey.pem", str(key)))
    try:
        with nginx(site, tmp_path / "nginx"), requests.Session() as browser:
            browser.verify, browser.trust_env = str(certificate), False
            deadline, answers = time.monotonic() + 20, []
            while not answers:
                try:
                    answers.append(browser.get(f"https://127.0.0.1:{https_port}/", timeout=5).text)
                except requests.ConnectionError:
                    assert time.monotonic() < deadline
                    time.sleep(0.2)
            answers += [browser.get(f"https://127.0.0.1:{https_port}/", timeout=5).text for _ in range(5)]
            assert len(set(answers)) == 1 and answers[0] in ("serveur 1", "serveur 2")
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
