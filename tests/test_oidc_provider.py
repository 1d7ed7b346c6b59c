"""The sign-in tests' OpenID Connect provider really is one, with no app: a tiny relying party
(stdlib HTTP server) signs people in through it with the authorization code flow and PKCE, and
the ID token is checked as the app will check it (authlib's claims, joserfc's signature check
against the provider's JWKS)."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import InvalidClaimError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from tests import oidc_provider
from tests.oidc_provider import (
    ProviderError,
    _FormParser,
    running_provider,
    sign_in_browser,
    sign_in_http,
)

pytestmark = pytest.mark.slow

CLIENT_ID = "contacts-efficaces-test"
CLIENT_SECRET = "a-test-secret-only"
TYPED = "Camille.Martin@Example.Gouv.FR"


class RelyingParty:
    """A minimal OpenID Connect client: ``/login`` sends to the provider, ``/callback`` receives the code."""

    @contextlib.contextmanager
    def using(self, provider):
        """Send ``/login`` to ``provider`` for a while (then back to the module's)."""
        before, self.authorization_endpoint = self.authorization_endpoint, provider.metadata["authorization_endpoint"]
        try:
            yield provider
        finally:
            self.authorization_endpoint = before

    def __init__(self) -> None:
        self.authorization_endpoint = ""
        self.pending: dict[str, dict[str, str]] = {}
        relying_party = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path, query = urlsplit(self.path).path, parse_qs(urlsplit(self.path).query)
                if path == "/login":  # its query, if any, overrides the authorization request's parameters
                    self.send_response(302)
                    overrides = {key: values[0] for key, values in query.items()}
                    self.send_header("Location", relying_party.authorization_url(**overrides))
                    self.end_headers()
                elif path in ("/callback", "/"):
                    body = b'<!DOCTYPE html><title>RP</title><p id="rp-page">relying party</p>'
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                else:
                    self.send_error(404)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.callback = f"{self.url}/callback"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def authorization_url(self, **overrides: str) -> str:
        state, nonce, verifier = secrets.token_urlsafe(16), secrets.token_urlsafe(16), secrets.token_urlsafe(48)
        self.pending[state] = {"nonce": nonce, "verifier": verifier}
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        params = {
            "response_type": "code", "client_id": CLIENT_ID, "redirect_uri": self.callback, "scope": "openid email",
            "state": state, "nonce": nonce, "code_challenge": challenge, "code_challenge_method": "S256",
        }
        params.update(overrides)
        return f"{self.authorization_endpoint}?{urlencode({k: v for k, v in params.items() if v is not None})}"

    def received(self, url: str) -> tuple[str, dict[str, str]]:
        """The code of a callback URL, and what the login that asked for it keeps (nonce, verifier)."""
        assert url.startswith(self.callback + "?"), url
        query = {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}
        assert "error" not in query, query
        return query["code"], self.pending.pop(query["state"])


def client(rp: RelyingParty) -> dict:
    return {
        "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uris": [rp.callback],
        "post_logout_redirect_uris": [f"{rp.url}/"],
    }


@pytest.fixture(scope="module")
def rp():
    relying_party = RelyingParty()
    relying_party.thread.start()
    yield relying_party
    relying_party.server.shutdown()
    relying_party.server.server_close()


@pytest.fixture(scope="module")
def provider(rp):
    with running_provider([client(rp)]) as running:
        rp.authorization_endpoint = running.metadata["authorization_endpoint"]
        yield running


def exchange(provider, rp, code: str, verifier: str | None, secret: str = CLIENT_SECRET) -> requests.Response:
    """The code at the token endpoint, the client authenticated with HTTP Basic (client_secret_basic)."""
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": rp.callback}
    if verifier is not None:
        data["code_verifier"] = verifier
    return requests.post(provider.metadata["token_endpoint"], data=data, auth=(CLIENT_ID, secret), timeout=10)


def id_token_claims(provider, tokens: dict, nonce: str) -> CodeIDToken:
    """The ID token checked as authlib's OpenID client does: signature (JWKS), iss, aud, exp, nonce, at_hash."""
    keys = KeySet.import_key_set(requests.get(provider.metadata["jwks_uri"], timeout=10).json())
    token = jwt.decode(tokens["id_token"], keys, registry=JWSRegistry(algorithms=["RS256"]))
    assert token.header["alg"] == "RS256"
    claims = CodeIDToken(
        token.claims, token.header,
        {"iss": {"essential": True, "value": provider.issuer}, "aud": {"essential": True, "value": CLIENT_ID}},
        {"nonce": nonce, "client_id": CLIENT_ID, "access_token": tokens["access_token"]},
    )
    claims.validate()
    assert claims["exp"] > time.time()
    return claims


def signed_in(provider, rp, url: str) -> tuple[dict, CodeIDToken]:
    """Tokens and checked ID token claims for the callback ``url``."""
    code, kept = rp.received(url)
    response = exchange(provider, rp, code, kept["verifier"])
    assert response.status_code == 200, response.text
    tokens = response.json()
    assert tokens["token_type"].lower() == "bearer"
    return tokens, id_token_claims(provider, tokens, kept["nonce"])


def test_discovery(provider):
    metadata = provider.metadata
    assert provider.issuer == f"http://127.0.0.1:{provider.port}" == metadata["issuer"]
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert metadata["response_types_supported"] == ["code"]
    assert {"openid", "email"} <= set(metadata["scopes_supported"])
    assert {"sub", "email", "email_verified"} <= set(metadata["claims_supported"])
    assert "RS256" in metadata["id_token_signing_alg_values_supported"]
    assert "client_secret_basic" in metadata["token_endpoint_auth_methods_supported"]
    assert metadata["end_session_endpoint"] == f"{provider.issuer}/session/end"
    assert provider.process.poll() is None


def test_sign_in_http(provider, rp):
    session = requests.Session()
    response = sign_in_http(session, f"{rp.url}/login", TYPED, password="anything")
    assert response.status_code == 200 and 'id="rp-page"' in response.text
    assert parse_qs(urlsplit(response.url).query)["iss"] == [provider.issuer]
    tokens, claims = signed_in(provider, rp, response.url)
    assert claims["email"] == "camille.martin@example.gouv.fr"
    assert claims["email_verified"] is True
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    userinfo = requests.get(provider.metadata["userinfo_endpoint"], headers=bearer, timeout=10).json()
    assert userinfo == {"sub": claims["sub"], "email": "camille.martin@example.gouv.fr", "email_verified": True}
    assert "login camille.martin@example.gouv.fr" in provider.stderr_text()
    assert "POST /token 200" in provider.stderr_text()

    # The same person again (another case, a new session): the same sub; someone else: another.
    again = sign_in_http(requests.Session(), f"{rp.url}/login", "camille.martin@example.gouv.fr")
    assert signed_in(provider, rp, again.url)[1]["sub"] == claims["sub"]
    other = sign_in_http(requests.Session(), f"{rp.url}/login", "dominique@example.org")
    other_claims = signed_in(provider, rp, other.url)[1]
    assert other_claims["email"] == "dominique@example.org" and other_claims["sub"] != claims["sub"]

    # Signed in at the provider, the session comes straight back with a new code: no form.
    code, kept = rp.received(sign_in_http(session, f"{rp.url}/login", TYPED).url)
    assert exchange(provider, rp, code, kept["verifier"]).status_code == 200
    reused = exchange(provider, rp, code, kept["verifier"])
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"


def test_id_token_checks_catch_a_wrong_nonce(provider, rp):
    code, kept = rp.received(sign_in_http(requests.Session(), f"{rp.url}/login", TYPED).url)
    tokens = exchange(provider, rp, code, kept["verifier"]).json()
    with pytest.raises(InvalidClaimError, match="nonce"):
        id_token_claims(provider, tokens, "another-nonce")


def test_pkce_is_enforced(provider, rp):
    session = requests.Session()
    sign_in_http(session, f"{rp.url}/login", TYPED)  # signed in at the provider: codes come at once

    def new_code() -> tuple[str, str]:
        code, kept = rp.received(session.get(f"{rp.url}/login", timeout=10).url)
        return code, kept["verifier"]

    code, _ = new_code()
    response = exchange(provider, rp, code, None)
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant", response.text
    code, verifier = new_code()
    response = exchange(provider, rp, code, verifier[::-1])
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant", response.text

    # An authorization request without a challenge, or with the plain method, is refused.
    for overrides in ({"code_challenge": None, "code_challenge_method": None}, {"code_challenge_method": "plain"}):
        refused = session.get(rp.authorization_url(**overrides), allow_redirects=False, timeout=10)
        assert refused.status_code == 303 and refused.headers["Location"].startswith(rp.callback)
        error = parse_qs(urlsplit(refused.headers["Location"]).query)
        assert error["error"] == ["invalid_request"], error
        assert any(word in error["error_description"][0] for word in ("PKCE", "code_challenge_method")), error


def test_a_wrong_client_secret_is_refused(provider, rp):
    code, kept = rp.received(sign_in_http(requests.Session(), f"{rp.url}/login", TYPED).url)
    response = exchange(provider, rp, code, kept["verifier"], secret="not-the-secret")
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"
    assert exchange(provider, rp, code, kept["verifier"]).status_code == 200  # the same code, the right secret


def test_an_unregistered_redirect_uri_is_refused(provider, rp):
    response = requests.get(
        rp.authorization_url(redirect_uri=f"{rp.url}/elsewhere"), allow_redirects=False, timeout=10
    )
    assert response.status_code == 400 and "Location" not in response.headers
    assert "invalid_redirect_uri" in response.text
    unknown = requests.get(rp.authorization_url(client_id="not-a-client"), allow_redirects=False, timeout=10)
    assert unknown.status_code == 400 and "invalid_client" in unknown.text


def test_sign_in_http_tells_the_providers_error(provider, rp):
    start = f"{rp.url}/login?" + urlencode({"redirect_uri": "http://127.0.0.1:9/unregistered"})
    with pytest.raises(ProviderError, match="invalid_redirect_uri"):
        sign_in_http(requests.Session(), start, TYPED)


def test_end_session(provider, rp):
    session = requests.Session()
    tokens, _ = signed_in(provider, rp, sign_in_http(session, f"{rp.url}/login", TYPED).url)
    page = session.get(provider.metadata["end_session_endpoint"], params={
        "id_token_hint": tokens["id_token"], "post_logout_redirect_uri": f"{rp.url}/", "state": "bye",
    }, timeout=10)
    parser = _FormParser()
    parser.feed(page.text)
    (form,) = parser.forms
    data = [(i["name"], i.get("value", "")) for i in form.inputs] + [("logout", "yes")]
    landed = session.post(form.attributes["action"], data=data, timeout=10)
    assert landed.url == f"{rp.url}/?state=bye"
    # Signed out at the provider: the next sign-in shows the login form again.
    assert 'id="op-login"' in session.get(f"{rp.url}/login", timeout=10).text


@pytest.mark.browser
def test_sign_in_browser(provider, rp, browser):
    context = browser.new_context()
    try:
        page = context.new_page()
        sign_in_browser(page, f"{rp.url}/login", TYPED)
        assert page.locator("#rp-page").is_visible()
        claims = signed_in(provider, rp, page.url)[1]
        assert claims["email"] == "camille.martin@example.gouv.fr" and claims["email_verified"] is True
        cookies = {cookie["name"] for cookie in context.cookies(provider.issuer)}
        assert "op_test_session" in cookies
    finally:
        context.close()


def _gone(pid: int, port: int) -> None:
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    with pytest.raises(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)  # its process group is empty too
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        pass


def test_consent_page_ttl_and_stop(rp):
    """A provider that asks for consent: the helper clicks through; the ID token lives ``ttl``."""
    with running_provider([client(rp)], ttl={"IdToken": 120}, consent=True) as consenting, rp.using(consenting):
        response = sign_in_http(requests.Session(), f"{rp.url}/login", TYPED)
        claims = signed_in(consenting, rp, response.url)[1]
        assert claims["exp"] - claims["iat"] == 120
        assert "/consent 303" in consenting.stderr_text()
        pid, port = consenting.process.pid, consenting.port
    assert consenting.process.poll() is not None
    _gone(pid, port)
    assert "stopping (SIGTERM)" in consenting.stderr_text()


@pytest.mark.browser
def test_consent_page_in_the_browser(rp, browser):
    with running_provider([client(rp)], consent=True) as consenting, rp.using(consenting):
        context = browser.new_context()
        try:
            page = context.new_page()
            sign_in_browser(page, f"{rp.url}/login", "Someone@Example.org")
            assert signed_in(consenting, rp, page.url)[1]["email"] == "someone@example.org"
            assert "/consent 303" in consenting.stderr_text()
        finally:
            context.close()
    _gone(consenting.process.pid, consenting.port)


def test_a_fixed_port(rp):
    port = oidc_provider.free_port()
    with running_provider([client(rp)], port=port) as fixed:
        assert fixed.port == port and fixed.issuer == f"http://127.0.0.1:{port}"
    _gone(fixed.process.pid, port)


def test_missing_packages_are_named(tmp_path, monkeypatch):
    monkeypatch.setattr(oidc_provider, "OIDC_DIR", tmp_path)
    with pytest.raises(ProviderError, match=r"npm ci --prefix tests/oidc"), running_provider([]):
        pass


def _exited(pid: int) -> bool:
    """The process is gone, or only a zombie left for whoever adopted it to reap."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


def test_the_provider_stops_when_the_tests_are_killed(tmp_path):
    """Should the test process die (SIGKILL: no clean-up), the provider does not outlive it."""
    script = tmp_path / "holder.py"
    script.write_text(
        "import sys, time\n"
        "from tests.oidc_provider import running_provider\n"
        "with running_provider([]) as provider:\n"
        "    print(provider.process.pid, flush=True)\n"
        "    time.sleep(60)\n",
        encoding="utf-8",
    )
    holder = subprocess.Popen(
        [sys.executable, str(script)], cwd=oidc_provider.OIDC_DIR.parent.parent, stdout=subprocess.PIPE, text=True
    )
    try:
        pid = int(holder.stdout.readline())
        assert not _exited(pid)
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    deadline = time.monotonic() + 5
    while not _exited(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _exited(pid)
