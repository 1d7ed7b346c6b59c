"""A real OpenID Connect provider for the sign-in tests, and helpers that sign in through its pages.

``running_provider`` starts ``node tests/oidc/provider.mjs`` (panva's certified ``oidc-provider``,
pinned in tests/oidc/package.json) on 127.0.0.1 with the given clients; any e-mail address signs
in there with any password, and gets the claims ``sub``, ``email`` (lowercased) and
``email_verified``. ``sign_in_browser`` (Playwright) and ``sign_in_http`` (requests) start from
any URL that sends the user to the provider, fill its login form (and its consent form, when the
provider shows one) and follow the redirects back to that URL's origin.

The provider's pages, should a test need them: login ``form#op-login`` with
``input[name=login]``, ``input[name=password]`` and ``button#op-sign-in``; consent
``form#op-consent`` with ``button#op-allow``; logout ``button#op-sign-out``; errors ``#op-error``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from tests.app_server import free_port

__all__ = [
    "OIDC_DIR", "ProviderError", "RunningProvider", "free_port", "running_provider", "sign_in_browser", "sign_in_http",
]

OIDC_DIR = Path(__file__).resolve().parent / "oidc"
PROVIDER_SCRIPT = OIDC_DIR / "provider.mjs"
INSTALL_HINT = "run `make test-slow` (or `npm ci --prefix tests/oidc`)"

LOGIN_FORM = "form#op-login"
CONSENT_FORM = "form#op-consent"
ERROR = "#op-error"


class ProviderError(RuntimeError):
    """The test provider could not be started, or its pages did not lead back to the app."""


@dataclass
class RunningProvider:
    """The provider as the tests see it: its issuer, port and process, and what it logged."""

    issuer: str
    port: int
    process: subprocess.Popen
    #: The provider's discovery document (``/.well-known/openid-configuration``).
    metadata: dict[str, Any] = field(repr=False)
    stderr_path: Path = field(repr=False)
    _final_stderr: str | None = field(default=None, repr=False)

    def stderr_text(self) -> str:
        """What the provider wrote on its standard error: its warnings, one line per request, errors.

        Still there once the provider has stopped (the last words it wrote)."""
        if self._final_stderr is not None:
            return self._final_stderr
        try:
            return self.stderr_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""


def _check_installed() -> str:
    node = shutil.which("node")
    if node is None:
        raise ProviderError(
            "Node.js is missing for the OpenID Connect provider of the sign-in tests: "
            "sudo apt-get install -y nodejs npm (make system-deps), then " + INSTALL_HINT
        )
    installed = OIDC_DIR / "node_modules" / "oidc-provider" / "package.json"
    if not installed.is_file():
        raise ProviderError(
            f"The OpenID Connect provider's npm packages are not installed in {OIDC_DIR / 'node_modules'}: "
            + INSTALL_HINT
        )
    wanted = json.loads((OIDC_DIR / "package.json").read_text(encoding="utf-8"))["dependencies"]["oidc-provider"]
    found = json.loads(installed.read_text(encoding="utf-8"))["version"]
    if found != wanted:
        raise ProviderError(f"oidc-provider {found} is installed in tests/oidc, not {wanted}: " + INSTALL_HINT)
    return node


def _discovery(issuer: str) -> dict[str, Any] | None:
    try:
        with urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration", timeout=2) as response:
            return json.load(response)
    except (OSError, urllib.error.URLError, ValueError):
        return None


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the provider's process group, SIGKILL if it lingers; nothing is left running."""
    try:
        group = os.getpgid(process.pid)
    except ProcessLookupError:
        group = process.pid  # already gone: its group id was its pid (start_new_session)
    for sig, grace in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, sig)
        try:
            process.wait(timeout=grace)
            break
        except subprocess.TimeoutExpired:
            continue
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signal.SIGKILL)  # anything the provider might have started
    if process.stdin is not None:
        with contextlib.suppress(OSError):
            process.stdin.close()


@contextlib.contextmanager
def running_provider(
    clients: list[dict], port: int | None = None, *, ttl: dict[str, int] | None = None,
    consent: bool = False, timeout: float = 20,
) -> Iterator[RunningProvider]:
    """Run the test OpenID Connect provider on 127.0.0.1, yield it, then stop it.

    ``clients`` are registered as they are given: ``client_id``, ``client_secret``,
    ``redirect_uris``, ``post_logout_redirect_uris`` (any other client metadata of oidc-provider
    too; ``token_endpoint_auth_method`` is ``client_secret_basic`` unless given). With no ``port``
    the provider listens on a port it picks. ``ttl`` is oidc-provider's setting of the same name
    (e.g. ``{"IdToken": 60}``); with ``consent`` the provider shows a consent page instead of
    granting ``openid email`` at once. Raises ``ProviderError`` (with the provider's log) when it
    does not answer within ``timeout`` seconds.
    """
    node = _check_installed()
    config = {"port": port or 0, "clients": clients, "ttl": ttl or {}, "consent": consent, "exit_with_stdin": True}
    with tempfile.TemporaryDirectory(prefix="oidc-provider-") as folder:
        config_path = Path(folder) / "config.json"
        config_path.write_text(json.dumps(config), encoding="utf-8")
        stdout_path, stderr_path = Path(folder) / "stdout.log", Path(folder) / "stderr.log"
        with stdout_path.open("wb") as stdout, stderr_path.open("wb") as stderr:
            # Its standard input is a pipe that only this process holds: should the tests die
            # without stopping it, the pipe closes and the provider exits.
            process = subprocess.Popen(
                [node, str(PROVIDER_SCRIPT), str(config_path)], cwd=OIDC_DIR, stdin=subprocess.PIPE,
                stdout=stdout, stderr=stderr, start_new_session=True,
            )
        provider = None
        try:
            provider = _wait_until_ready(process, stdout_path, stderr_path, timeout)
            yield provider
        finally:
            _stop(process)
            if provider is not None:
                provider._final_stderr = provider.stderr_text()


def _wait_until_ready(
    process: subprocess.Popen, stdout_path: Path, stderr_path: Path, timeout: float
) -> RunningProvider:
    def failure(what: str) -> ProviderError:
        log = stderr_path.read_text(encoding="utf-8", errors="replace").strip()
        return ProviderError(f"The test OpenID Connect provider {what}. Its log:\n{log or '(empty)'}")

    deadline = time.monotonic() + timeout
    issuer = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise failure(f"exited with status {process.returncode} before it was ready")
        if issuer is None:
            for line in stdout_path.read_text(encoding="utf-8", errors="replace").splitlines():
                if line.startswith("READY "):
                    issuer = line.split(maxsplit=1)[1].strip()
        if issuer is not None:
            metadata = _discovery(issuer)
            if metadata is not None and metadata.get("issuer") == issuer:
                return RunningProvider(issuer, urlsplit(issuer).port, process, metadata, stderr_path)
        time.sleep(0.05)
    raise failure(f"did not answer within {timeout} s (READY seen: {issuer or 'no'})")


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc


# -- Signing in with Playwright -------------------------------------------------------------------


def sign_in_browser(page, start_url: str, email: str, password: str = "x") -> None:
    """In Playwright's ``page``, go to ``start_url`` and sign in at the provider as ``email``.

    ``start_url`` is any URL that sends the browser to the provider (the app's sign-in URL). The
    e-mail and password are typed in the provider's login form, its consent form is submitted if
    it shows one, and the call returns once the browser is back on ``start_url``'s origin and that
    page has loaded. If the provider already has a session in this browser context, it asks
    nothing and the browser just comes back (signed in as whoever signed in before): use a new
    context for each person. Raises ``ProviderError`` with the provider's message on its error page.
    """
    origin = _origin(start_url)
    page.goto(start_url)
    for _ in range(5):
        if _origin(page.url) == origin:
            page.wait_for_load_state("load")
            return
        shown = page.locator(f"{LOGIN_FORM}, {CONSENT_FORM}, {ERROR}").first
        shown.wait_for(state="visible")
        if page.locator(ERROR).count():
            raise ProviderError(f"The provider refused the sign-in at {page.url}: {page.locator(ERROR).inner_text()}")
        with page.expect_navigation():
            if page.locator(LOGIN_FORM).count():
                page.fill(f"{LOGIN_FORM} input[name=login]", email)
                page.fill(f"{LOGIN_FORM} input[name=password]", password)
                page.click(f"{LOGIN_FORM} button[type=submit]")
            else:
                page.click(f"{CONSENT_FORM} button[type=submit]")
        page.wait_for_load_state("load")
    raise ProviderError(f"Still not back on {origin[1]} after the provider's pages: at {page.url}")


# -- Signing in with requests ---------------------------------------------------------------------


@dataclass
class _Form:
    attributes: dict[str, str]
    fields: list[tuple[str, str]] = field(default_factory=list)
    inputs: list[dict[str, str]] = field(default_factory=list)
    submits: list[dict[str, str]] = field(default_factory=list)


_VOID = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
})


class _FormParser(HTMLParser):
    """The forms of a page: their attributes, inputs and submit buttons."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[_Form] = []
        self.by_id: dict[str, _Form] = {}
        self._current: _Form | None = None
        self.error_text: list[str] = []
        self._in_error = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag in _VOID:
            pass
        elif self._in_error:
            self._in_error += 1
        elif attributes.get("id") == "op-error":
            self._in_error = 1
        if tag == "form":
            self._current = _Form(attributes)
            self.forms.append(self._current)
            if "id" in attributes:
                self.by_id[attributes["id"]] = self._current
            return
        owner = self.by_id.get(attributes.get("form", "")) or self._current
        if owner is None:
            return
        kind = attributes.get("type", "submit" if tag == "button" else "text").lower()
        if tag == "input" and kind not in ("submit", "image", "button"):
            owner.inputs.append(attributes)
        elif (tag == "button" and kind == "submit") or (tag == "input" and kind == "submit"):
            owner.submits.append(attributes)

    def handle_endtag(self, tag: str) -> None:
        if self._in_error and tag not in _VOID:
            self._in_error -= 1
        if tag == "form":
            self._current = None

    def handle_data(self, data: str) -> None:
        if self._in_error:
            self.error_text.append(data)


def sign_in_http(session, start_url: str, email: str, password: str = "x"):
    """With the ``requests.Session`` ``session``, sign in as ``email`` starting from ``start_url``.

    The same as ``sign_in_browser`` without a browser: redirects are followed, the provider's
    login form (and its consent form, if shown) is read with the standard library's HTML parser
    and submitted as a browser would, and the final response on ``start_url``'s origin (whatever
    the app answers at the end of its redirects) is returned. The session keeps the cookies of
    both the app and the provider.
    """
    origin = _origin(start_url)
    response = session.get(start_url, allow_redirects=True, timeout=30)
    for _ in range(5):
        if _origin(response.url) == origin:
            return response
        parser = _FormParser()
        parser.feed(response.text)
        if parser.error_text:
            raise ProviderError(
                f"The provider refused the sign-in at {response.url} ({response.status_code}): "
                + " ".join("".join(parser.error_text).split())
            )
        form = next((f for f in parser.forms if f.attributes.get("id") == "op-login"), None) or next(
            (f for f in parser.forms if any(i.get("name") in ("login", "email") for i in f.inputs)), None
        )
        if form is None:
            form = next((f for f in parser.forms if f.attributes.get("method", "get").lower() == "post"), None)
        if form is None:
            raise ProviderError(
                f"No login or consent form at {response.url} ({response.status_code}): {response.text[:500]}"
            )
        data = []
        for attributes in form.inputs:
            name = attributes.get("name")
            if not name:
                continue
            if name in ("login", "email") and attributes.get("type", "text") in ("text", "email"):
                data.append((name, email))
            elif attributes.get("type") == "password":
                data.append((name, password))
            elif attributes.get("type") in ("checkbox", "radio"):
                if "checked" in attributes:
                    data.append((name, attributes.get("value", "on")))
            else:
                data.append((name, attributes.get("value", "")))
        if form.submits and form.submits[0].get("name"):
            data.append((form.submits[0]["name"], form.submits[0].get("value", "")))
        action = urljoin(response.url, form.attributes.get("action") or response.url)
        if form.attributes.get("method", "get").lower() == "post":
            response = session.post(action, data=data, allow_redirects=True, timeout=30)
        else:
            response = session.get(action, params=data, allow_redirects=True, timeout=30)
    if _origin(response.url) == origin:
        return response
    raise ProviderError(f"Still not back on {origin[1]} after the provider's pages: at {response.url}")
