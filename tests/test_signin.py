"""The app hosted for a network: people sign in through a real OpenID Connect provider (npm's
oidc-provider, run by Node), and each reaches only their perimeter — decided by the server from
the identity it signed in, whatever the page sends."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
import urllib.parse
from html import unescape

import pytest
import requests

from contacts_lib.autodiagnostic.answers import HEADER_KEYS, Autodiagnostic
from contacts_lib.logs.page import LOG_VARIABLE
from contacts_lib.store import BASE_VARIABLE, Store
from contacts_lib.web.server import (
    APP_NOTEBOOK,
    LANDING_NOTEBOOK,
    NETWORK_NOTEBOOK,
    page_path,
)
from contacts_lib.web.signin import SECRET_VARIABLE
from tests import postgres
from tests.app_server import free_port, running_app
from tests.oidc_provider import running_provider, sign_in_http
from tests.samples import plain

pytestmark = pytest.mark.slow

MANAGER, HEAD, ANALYST = "marie.martin@caf-isere.fr", "paul.durand@cnaf.fr", "ana.lopez@dinum.gouv.fr"
LEAVING = "jean.depart@caf-isere.fr"  # taken out of the rights file by a test
RIGHTS = f"""identifiant;role;perimetre
{MANAGER};gestionnaire;CAF de l'Isère
{HEAD};tete_de_reseau;CAF
{ANALYST};analyste;
{LEAVING};gestionnaire;CAF de l'Isère
"""
STRUCTURES = (("CAF de l'Isère", "CAF"), ("CAF du Rhône", "CAF"), ("CPAM du Rhône", "Assurance Maladie"))
CONTACTS = (5, 3, 4)  # in the contact log
SECRET = "secret-de-test"


class Hosted:
    def __init__(self, app, provider, base):
        self.app, self.provider, self.base = app, provider, base
        self.sessions: list[requests.Session] = []

    def session(self) -> requests.Session:
        """A browser's cookies, closed with the module's server."""
        self.sessions.append(requests.Session())
        return self.sessions[-1]

    @property
    def url(self) -> str:
        return self.app.url

    def signed_in(self, email: str) -> requests.Session:
        session = self.session()
        response = sign_in_http(session, self.url + "/login/aller?next=" + urllib.parse.quote(page_path(LANDING_NOTEBOOK)), email)
        assert response.status_code == 200 and response.url.endswith(page_path(LANDING_NOTEBOOK)), response.text[:500]
        return session

    def log(self) -> str:
        return self.app.log.read_text(errors="replace")


@pytest.fixture(scope="module")
def hosted(tmp_path_factory):
    folder = tmp_path_factory.mktemp("signin")
    base = folder / "base.sqlite"
    with Store(base) as store:
        for name, reseau in STRUCTURES:
            store.save([Autodiagnostic(name, (True,) * 10 + (None,) * 26, reseau=reseau)], source="test")
    rights = folder / "acces.csv"
    rights.write_text(RIGHTS, encoding="utf-8")
    log = folder / "journal.csv"  # 5 + 3 contacts with the CAF, 4 with the CPAM
    rows = [(name, f"usager-{name[:4]}-{n}", f"2026-01-{n + 1:02d} 09:00", "telephone", "droits")
            for name, count in zip((s[0] for s in STRUCTURES), CONTACTS) for n in range(count)]
    log.write_text("structure;usager;horodatage;canal;motif\n" + "".join(";".join(r) + "\n" for r in rows), encoding="utf-8")
    port = free_port()
    client = {"client_id": "contacts-efficaces", "client_secret": SECRET,
              "redirect_uris": [f"http://127.0.0.1:{port}/login/retour"],
              "post_logout_redirect_uris": [f"http://127.0.0.1:{port}/login?deconnecte=1"]}
    with running_provider([client]) as provider:
        options = ("--acces", str(rights), "--oidc-emetteur", provider.issuer, "--oidc-client", "contacts-efficaces")
        environment = {SECRET_VARIABLE: SECRET, BASE_VARIABLE: str(base), LOG_VARIABLE: str(log)}
        with running_app(folder / "voila.log", port=port, app_options=options, environment=environment) as app:
            hosted = Hosted(app, provider, base)
            hosted.rights = rights
            yield hosted
            for session in hosted.sessions:
                session.close()


def _kernel_id(html: str) -> str:
    return re.search(r'"kernelId": "([0-9a-f-]+)"', html).group(1)


# ---------------------------------------------------------------------- before signing in


def test_nothing_but_the_sign_in_page_and_static_files_is_reachable_before_signing_in(hosted):
    anonymous = hosted.session()
    for notebook in (LANDING_NOTEBOOK, APP_NOTEBOOK, NETWORK_NOTEBOOK, "atelier.ipynb", "couts.ipynb", "reiteration.ipynb"):
        response = anonymous.get(hosted.url + page_path(notebook), allow_redirects=False)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login?next="), notebook
    # a page's kernel, its websocket, Voilà's shutdown and request sockets, the kernels' list
    someone = hosted.signed_in(MANAGER)
    kernel = _kernel_id(someone.get(hosted.url + page_path(APP_NOTEBOOK)).text)
    for method, path in (
        ("GET", f"/api/kernels/{kernel}/channels"), ("GET", f"/api/kernels/{kernel}"), ("GET", "/api/kernels"),
        ("POST", f"/voila/api/shutdown/{kernel}"), ("GET", f"/voila/query/{kernel}"), ("GET", "/api/sessions"),
        ("GET", "/voila/tree"), ("GET", "/voila/files/notebooks/autodiagnostic.ipynb"),
    ):
        response = anonymous.request(method, hosted.url + path, allow_redirects=False)
        assert response.status_code in (302, 403, 404), (method, path, response.status_code)
        if response.status_code == 302:  # to the sign-in page, or to the landing page (which asks to sign in)
            assert response.headers["Location"].startswith(("/login", page_path(LANDING_NOTEBOOK))), path
        assert kernel not in response.text and "Traceback" not in response.text
    assert hosted.app.kernel_running(kernel)  # refused, not shut down
    # the sign-in page itself, in French, and the static files it needs
    page = anonymous.get(hosted.url + "/login")
    assert page.status_code == 200 and "Se connecter" in page.text and '<html lang="fr">' in page.text
    assert anonymous.get(hosted.url + "/voila/static/voila.js").status_code == 200


def test_a_person_not_in_the_rights_file_is_told_so_and_not_signed_in(hosted):
    session = hosted.session()
    response = sign_in_http(session, hosted.url + "/login/aller", "Inconnu@Example.fr")
    assert response.status_code == 403
    assert "inconnu@example.fr n&#x27;a pas accès à cet outil" in response.text
    assert session.get(hosted.url + page_path(LANDING_NOTEBOOK), allow_redirects=False).status_code == 302
    assert "sign-in refused: inconnu@example.fr not in the rights file" in hosted.log()


def test_the_session_cookie_is_httponly_and_samesite_and_the_xsrf_check_stays(hosted):
    session = hosted.session()
    start = session.get(hosted.url + "/login/aller", allow_redirects=False)
    assert "HttpOnly" in start.headers["Set-Cookie"] and "SameSite=Lax" in start.headers["Set-Cookie"]
    session = hosted.signed_in(ANALYST)
    cookie = next(c for c in session.cookies if c.name == "contacts-session")
    assert cookie.has_nonstandard_attr("HttpOnly") and cookie.get_nonstandard_attr("SameSite") == "Lax"
    html = session.get(hosted.url + page_path(APP_NOTEBOOK)).text
    refused = session.post(hosted.url + f"/voila/api/shutdown/{_kernel_id(html)}")
    assert refused.status_code == 403  # no xsrf token


def test_the_return_from_the_provider_is_checked(hosted):
    """A forged return (no sign-in under way, a wrong state) signs no one in."""
    session = hosted.session()
    response = session.get(hosted.url + "/login/retour?code=abc&state=xyz")
    assert response.status_code == 400 and "Connexion expirée" in response.text
    session.get(hosted.url + "/login/aller", allow_redirects=False)  # a sign-in under way
    response = session.get(hosted.url + "/login/retour?code=abc&state=not-the-one")
    assert response.status_code == 400
    assert session.get(hosted.url + page_path(LANDING_NOTEBOOK), allow_redirects=False).status_code == 302
    # nor does a next address that is another site
    response = requests.get(hosted.url + "/login?next=https://example.org/", allow_redirects=False)
    assert "example.org" not in response.text


# ---------------------------------------------------------------------- what each role reaches


def test_a_manager_cannot_open_the_network_pages(hosted):
    session = hosted.signed_in(MANAGER)
    for notebook in (NETWORK_NOTEBOOK, "reiteration.ipynb", "couts.ipynb"):
        response = session.get(hosted.url + page_path(notebook))
        assert response.status_code == 403 and "réservée aux têtes de réseau et aux analystes" in response.text, notebook
    assert session.get(hosted.url + page_path(APP_NOTEBOOK)).status_code == 200
    assert "Refused page notebooks/reseau.ipynb to marie.martin@caf-isere.fr (gestionnaire)" in hosted.log()


class WidgetClient:
    """The app's page as its front end talks to its kernel (the widget protocol over the
    kernel's websocket), with the signed-in person's cookies: what a forged page could send."""

    def __init__(self, hosted, session: requests.Session, notebook: str = APP_NOTEBOOK) -> None:
        self.hosted, self.session, self.notebook = hosted, session, notebook

    async def __aenter__(self):
        from tornado.httpclient import HTTPRequest
        from tornado.websocket import websocket_connect

        html = self.session.get(self.hosted.url + page_path(self.notebook)).text
        self.kernel = _kernel_id(html)
        cookies = "; ".join(f"{c.name}={c.value}" for c in self.session.cookies)
        url = f"{self.hosted.url.replace('http', 'ws', 1)}/api/kernels/{self.kernel}/channels?session_id=test"
        request = HTTPRequest(url, headers={"Cookie": cookies, "Origin": self.hosted.url},
                              ca_certs=getattr(self.hosted, "ca_certs", None))
        self.socket = await websocket_connect(request)
        self._send("comm_open", {"comm_id": "controle", "target_name": "jupyter.widget.control", "data": {}},
                   metadata={"version": "1.0.0"})
        self._send("comm_msg", {"comm_id": "controle", "data": {"method": "request_states"}})
        self.states = None
        while self.states is None:
            data = await self._data()
            if data.get("method") == "update_states":
                self.states = data["states"]
        self.model = next((mid for mid, state in self.states.items() if state["model_name"] == "AnyModel"), None)
        return self

    async def __aexit__(self, *_):
        self.socket.close()
        with contextlib.suppress(asyncio.TimeoutError):
            while await asyncio.wait_for(self.socket.read_message(), 5) is not None:
                pass  # until the server has closed its side too

    def _send(self, kind: str, content: dict, metadata: dict | None = None) -> None:
        from benchmarks.load import _message

        self.socket.write_message(_message(kind, content, "test", metadata=metadata))

    async def _data(self) -> dict:
        message = json.loads(await asyncio.wait_for(self.socket.read_message(), 60))
        return message.get("content", {}).get("data", {}) or {}

    async def text_once(self, fragment: str, seconds: float = 60) -> str:
        """Everything the page's widgets hold once ``fragment`` is among it (a page that reads
        its data after connecting updates its widgets then)."""
        seen = json.dumps(self.states, ensure_ascii=False)
        deadline = asyncio.get_running_loop().time() + seconds
        while fragment not in plain(unescape(seen)):
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                return plain(unescape(seen))
            message = json.loads(await asyncio.wait_for(self.socket.read_message(), remaining))
            seen += json.dumps(message.get("content", {}), ensure_ascii=False)
        return plain(unescape(seen))

    async def act(self, content: dict, until: str) -> dict:
        """Send a custom message to the app's widget; the first state update holding ``until``."""
        self._send("comm_msg", {"comm_id": self.model, "data": {"method": "custom", "content": content}})
        while True:
            data = await self._data()
            if data.get("method") == "update" and until in data.get("state", {}):
                return data["state"]

    async def set_state(self, state: dict, until: str) -> dict:
        self._send("comm_msg", {"comm_id": self.model, "data": {"method": "update", "state": state, "buffer_paths": []}})
        while True:
            data = await self._data()
            if data.get("method") == "update" and until in data.get("state", {}):
                return data["state"]


def _form(name: str, reseau: str = "") -> dict:
    header = dict.fromkeys(HEADER_KEYS, "") | {"structure": name, "reseau": reseau}
    return {"header": header, "answers": ["OUI"] * 12 + [""] * 24}


def test_forged_widget_messages_for_another_structure_are_refused_said_and_logged(hosted):
    session = hosted.signed_in(MANAGER)

    async def visit():
        async with WidgetClient(hosted, session) as page:
            who = await page.act({"type": "visitor"}, until="visitor")
            assert MANAGER in who["visitor"]["text"] and "gestionnaire de structure" in who["visitor"]["text"]
            assert who["visitor"]["offered"] == ["CAF de l'Isère"]
            # typing another structure's name lists none of its versions
            state = await page.set_state({"header": _form("CPAM du Rhône")["header"]}, until="results")
            assert state.get("versions", []) == []
            # saving under another structure's name, the form carried by the message itself
            refused = await page.act({"type": "save", "form": _form("CAF du Rhône", "CAF")}, until="notice")
            # loading a version of another structure by its id
            with Store(hosted.base, read_only=True) as store:
                other = store.history("CPAM du Rhône")[0].id
            not_listed = await page.act({"type": "version", "id": other}, until="notice")
            # their own structure: saved, and the version says who saved it
            saved = await page.act({"type": "save", "form": _form("CAF de l'Isère", "CAF")}, until="notice")
            return refused["notice"]["text"], not_listed["notice"]["text"], saved["notice"]["text"]

    refused, not_listed, saved = (plain(text) for text in asyncio.run(visit()))
    assert "« CAF du Rhône » n'est pas dans votre périmètre : enregistrement refusé" in refused
    assert "Version introuvable" in not_listed
    assert "« CAF de l'Isère » : version 2" in saved
    with Store(hosted.base, read_only=True) as store:
        assert len(store.history("CAF du Rhône")) == 1 and len(store.history("CPAM du Rhône")) == 1
        assert store.history("CAF de l'Isère")[-1].saved_by == MANAGER
    log = hosted.log()
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[+-]\d{4} refus : marie\.martin@caf-isere\.fr \(gestionnaire\) : "
                     r"enregistrement « CAF du Rhône » hors de son périmètre", log)
    assert f"refus : {MANAGER} : version {other_id(hosted)} demandée hors des versions" in log


def other_id(hosted) -> int:
    with Store(hosted.base, read_only=True) as store:
        return store.history("CPAM du Rhône")[0].id


def test_another_persons_kernel_cannot_be_reached(hosted):
    """A kernel is its person's: another signed-in person who learns its id is refused."""
    marie, paul = hosted.signed_in(MANAGER), hosted.signed_in(HEAD)
    kernel = _kernel_id(marie.get(hosted.url + page_path(APP_NOTEBOOK)).text)
    cookies = "; ".join(f"{c.name}={c.value}" for c in paul.cookies)
    headers = {"Cookie": cookies, "Origin": hosted.url, "Connection": "Upgrade", "Upgrade": "websocket",
               "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}
    response = requests.get(f"{hosted.url}/api/kernels/{kernel}/channels?session_id=x", headers=headers)
    assert response.status_code == 403
    xsrf = paul.cookies.get("_xsrf")
    response = paul.post(f"{hosted.url}/voila/api/shutdown/{kernel}", data={"_xsrf": xsrf})
    assert response.status_code == 403 and hosted.app.kernel_running(kernel)
    assert f"Refused: {HEAD} asked for kernel {kernel} of {MANAGER}" in hosted.log()


def test_the_network_page_shows_a_head_their_reseaux_and_an_analyst_everything(hosted):
    """What the page's widgets hold (tables, lists, texts), as its front end receives them."""

    def shown(email: str) -> str:
        async def visit():
            async with WidgetClient(hosted, hosted.signed_in(email), NETWORK_NOTEBOOK) as page:
                return json.dumps(page.states, ensure_ascii=False)

        return unescape(asyncio.run(visit())).replace("\u202f", " ").replace("\u00a0", " ")

    head = shown(HEAD)
    assert "votre périmètre : CAF (2 structures, " in head and "CAF du Rhône" in head
    assert "3 structures" not in head  # nor what the whole base holds
    assert "CPAM du Rhône" not in head and "Assurance Maladie" not in head
    analyst = shown(ANALYST)
    assert "3 structures" in analyst and "CPAM du Rhône" in analyst and "votre périmètre" not in analyst


def test_the_contact_log_pages_count_only_the_contacts_of_a_heads_reseaux(hosted):
    """Réitération and Coûts read the server's contact log: a head's page holds the contacts of
    their réseaux' structures only."""

    def shown(email: str, notebook: str) -> str:
        async def visit():
            async with WidgetClient(hosted, hosted.signed_in(email), notebook) as page:
                return await page.text_once("journal de contacts du serveur (")

        return asyncio.run(visit())

    head, analyst = shown(HEAD, "reiteration.ipynb"), shown(ANALYST, "reiteration.ipynb")
    assert "journal de contacts du serveur (8 contacts)" in head and "CPAM du Rhône" not in head
    assert "journal de contacts du serveur (12 contacts)" in analyst

    async def costs_reseaux(email: str) -> list[str]:
        """The réseaux the costs page offers (its structures' réseaux)."""
        async with WidgetClient(hosted, hosted.signed_in(email), "couts.ipynb") as page:
            return next(state["state"]["_options_labels"] for state in page.states.values()
                        if state["state"].get("description") == "Réseau")

    assert asyncio.run(costs_reseaux(HEAD)) == ["Tous les réseaux", "CAF"]
    assert asyncio.run(costs_reseaux(ANALYST)) == ["Tous les réseaux", "Assurance Maladie", "CAF"]


def test_a_person_taken_out_of_the_rights_file_is_signed_out_at_their_next_request(hosted):
    session = hosted.signed_in(LEAVING)
    landing = hosted.url + page_path(LANDING_NOTEBOOK)
    assert session.get(landing, allow_redirects=False).status_code == 200
    hosted.rights.write_text(RIGHTS.replace(f"{LEAVING};gestionnaire;CAF de l'Isère\n", ""), encoding="utf-8")
    try:
        response = session.get(landing, allow_redirects=False)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    finally:
        hosted.rights.write_text(RIGHTS, encoding="utf-8")


def test_sign_out_ends_the_session_and_the_persons_kernels(hosted):
    session = hosted.signed_in(ANALYST)
    kernel = _kernel_id(session.get(hosted.url + page_path(APP_NOTEBOOK)).text)
    # a link from elsewhere signs no one out: the page asks, and its form carries the xsrf token
    page = session.get(hosted.url + "/logout")
    assert page.status_code == 200 and ANALYST in page.text and 'method="post"' in page.text
    assert session.post(hosted.url + "/logout", allow_redirects=False).status_code == 403  # no token
    assert session.get(hosted.url + page_path(LANDING_NOTEBOOK), allow_redirects=False).status_code == 200
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page.text).group(1)
    response = session.post(hosted.url + "/logout", data={"_xsrf": xsrf}, allow_redirects=False)
    assert response.status_code == 302 and response.headers["Location"].startswith(hosted.provider.issuer)
    assert session.get(hosted.url + page_path(LANDING_NOTEBOOK), allow_redirects=False).status_code == 302
    deadline = asyncio.run(_until(lambda: not hosted.app.kernel_running(kernel), 20))
    assert deadline, "the signed-out person's kernel still runs"


async def _until(condition, seconds: float) -> bool:
    for _ in range(int(seconds * 4)):
        if condition():
            return True
        await asyncio.sleep(0.25)
    return condition()


def test_sessions_expire_and_behind_https_every_cookie_is_secure(tmp_path):
    """``--session-heures``: past it, the person signs in again. ``--adresse-publique https://…``
    (a reverse proxy with TLS in front): the provider sends people back there, and the cookies are
    sent over https only."""
    rights = tmp_path / "acces.csv"
    rights.write_text(RIGHTS, encoding="utf-8")
    port = free_port()
    public = "https://contacts.example.fr"
    client = {"client_id": "court", "client_secret": SECRET,
              "redirect_uris": [f"http://127.0.0.1:{port}/login/retour", f"{public}/login/retour"]}
    with running_provider([client]) as provider:
        options = ("--acces", str(rights), "--oidc-emetteur", provider.issuer, "--oidc-client", "court",
                   "--session-heures", "0.002")  # 7.2 seconds
        with running_app(tmp_path / "voila.log", port=port, app_options=options, environment={SECRET_VARIABLE: SECRET}) as app, \
                requests.Session() as session:
            landing = app.url + page_path(LANDING_NOTEBOOK)
            sign_in_http(session, app.url + "/login/aller", ANALYST)
            assert session.get(landing, allow_redirects=False).status_code == 200
            time.sleep(8)
            response = session.get(landing, allow_redirects=False)
            assert response.status_code == 302 and response.headers["Location"].startswith("/login")
        options = ("--acces", str(rights), "--oidc-emetteur", provider.issuer, "--oidc-client", "court",
                   "--adresse-publique", public)
        with running_app(tmp_path / "voila2.log", port=port, app_options=options, environment={SECRET_VARIABLE: SECRET}) as app, \
                requests.Session() as session:
            start = session.get(app.url + "/login/aller", allow_redirects=False)
            assert "redirect_uri=" + urllib.parse.quote(f"{public}/login/retour", safe="") in start.headers["Location"]
            cookie = start.headers["Set-Cookie"]
            assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


postgres_server = postgres.postgres_server


def test_two_servers_share_one_postgresql_base(tmp_path, postgres_server):
    """The README's several servers: each signs its people in and both read and write one
    PostgreSQL base — a version saved through one is listed, with who saved it, by the other."""
    database = postgres_server.database()
    base = database.url
    rights = tmp_path / "acces.csv"
    rights.write_text(RIGHTS, encoding="utf-8")
    ports = free_port(), free_port()
    client = {"client_id": "deux", "client_secret": SECRET,
              "redirect_uris": [f"http://127.0.0.1:{port}/login/retour" for port in ports]}
    with running_provider([client]) as provider, contextlib.ExitStack() as servers:
        options = ("--acces", str(rights), "--oidc-emetteur", provider.issuer, "--oidc-client", "deux", "--base", base)
        first, second = (
            Hosted(servers.enter_context(running_app(tmp_path / f"serveur-{n}.log", port=port, app_options=options,
                                                     environment={SECRET_VARIABLE: SECRET})), provider, base)
            for n, port in enumerate(ports)
        )

        async def save_on_first():
            async with WidgetClient(first, first.signed_in(MANAGER)) as page:
                return (await page.act({"type": "save", "form": _form("CAF de l'Isère", "CAF")}, until="notice"))["notice"]

        async def list_on_second():
            async with WidgetClient(second, second.signed_in(HEAD)) as page:
                state = await page.set_state({"header": _form("CAF de l'Isère", "CAF")["header"]}, until="versions")
                return state["versions"]

        assert "version 1" in plain(asyncio.run(save_on_first())["text"])
        versions = asyncio.run(list_on_second())
        for hosted in (first, second):
            for session in hosted.sessions:
                session.close()
    assert len(versions) == 1 and versions[0]["label"].endswith(f"par {MANAGER}")
    with Store(base, read_only=True) as store:
        assert [v.saved_by for v in store.versions()] == [MANAGER]


def test_a_provider_that_does_not_answer_is_said_in_french(tmp_path):
    """The sign-in service down (or its address wrong): a French page, one line in the log."""
    rights = tmp_path / "acces.csv"
    rights.write_text(RIGHTS, encoding="utf-8")
    silent = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    options = ("--acces", str(rights), "--oidc-emetteur", silent, "--oidc-client", "c")
    with running_app(tmp_path / "voila.log", app_options=options, environment={SECRET_VARIABLE: SECRET}) as app, \
            requests.Session() as session:
        response = session.get(app.url + "/login/aller")
        assert response.status_code == 502 and "Le service de connexion ne répond pas" in unescape(response.text)
        assert '<html lang="fr">' in response.text and "Traceback" not in response.text
        assert "Sign-in: provider metadata" in app.log.read_text(errors="replace")
