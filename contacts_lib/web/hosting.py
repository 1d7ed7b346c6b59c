"""The app's Voilà server, ready to host for a whole network (``python -m contacts_lib.web.hosting``).

:class:`AppServer` is Voilà's own standalone server with what hosting the app for many visitors
needs and Voilà does not do by itself:

- only the pages of ``notebooks/`` are served; ``/`` and Voilà's file tree lead to the landing
  page, and every refusal is a short page in French;
- a bound on the kernels given to visitors: past it, a French page asks to retry in a moment
  (HTTP 503) instead of a long wait for a kernel on a machine already full;
- the page receives the xsrf cookie that its « shutdown » request sends back when the visitor
  leaves, so that request is accepted and the kernel freed at once;
- a preheated kernel is taken only when it is ready; otherwise a kernel starts at once and the
  page shows its progress, instead of a blank wait for a kernel still warming up;
- a kernel handed to a page is culled if the page never connects to it (a plain GET, a closed
  tab): its idle clock starts when it leaves the pool, not when it was preheated;
- the kernel's websocket sends its messages at once (no 40 ms wait on the larger ones);
- the pages make no request to a third party (Voilà would fetch MathJax and FontAwesome from CDNs);
- every error a visitor can meet is a French page and one line in the server's log, never a
  traceback: a kernel that cannot start gives the « réessayez » page (even once the page has
  begun to stream), a kernel's websocket that cannot connect is refused with a 503, and every
  handler Voilà and Jupyter register answers its errors in French (Jupyter's own error template
  is not installed with Voilà: its errors would end in a « 500.html not found » traceback).

The settings (pools, culling, bound) are in ``voila.json``, read by Voilà from the project folder:
the same for ``make app``, ``contacts-efficaces app`` and, through ``binder/postBuild``, Binder.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import json
import os
import re
import tempfile
import urllib.parse
from html import escape
from pathlib import Path

import tornado.log
import tornado.web
import voila.handler
from jupyter_core.utils import ensure_async
from jupyter_server._tz import utcnow
from jupyter_server.base.handlers import APIHandler, JupyterHandler
from jupyter_server.services.kernels.handlers import KernelHandler
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from jupyter_server.utils import url_path_join
from traitlets import Integer, List, Unicode
from voila.app import Voila
from voila.notebook_renderer import NotebookRenderer
from voila.request_info_handler import RequestInfoSocketHandler
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.tornado.contentshandler import VoilaContentsHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler
from voila.tornado.treehandler import TornadoVoilaTreeHandler
from voila.utils import ENV_VARIABLE

from contacts_lib.access import ACCESS_VARIABLE, NETWORK_PAGES, VISITORS_VARIABLE
from contacts_lib.web.server import (
    LANDING_NOTEBOOK,
    PAGES_FOLDER,
    local_assets_only,
    page_path,
)

#: The signed-in person a page is being rendered for (its kernel is handed to them), and when
#: their session ends (seconds since the epoch; None: no end).
VISITOR: contextvars.ContextVar[str | None] = contextvars.ContextVar("visitor", default=None)
SESSION_ENDS: contextvars.ContextVar[float | None] = contextvars.ContextVar("session_ends", default=None)


def french_page(title: str, message: str, *, retry_seconds: int | None = None, base_url: str = "/",
                body_html: str = "", landing: bool = True) -> str:
    """A short page in French for what the server refuses, with a way back to the landing page
    (``body_html``: more of the page, built by the server with every value escaped)."""
    from contacts_lib.web.html import french_text

    title, message = french_text(title), french_text(message)
    refresh = f'<meta http-equiv="refresh" content="{retry_seconds}">' if retry_seconds else ""
    home = escape(base_url.rstrip("/") + page_path(LANDING_NOTEBOOK), quote=True)
    back = f'<p><a href="{home}">Aller à l\'accueil de l\'outil « 100 % Contacts efficaces »</a></p>' if landing else ""
    text = f"<p>{escape(message)}</p>" if message else ""
    retry = (
        f"<p>La page se rechargera d'elle-même dans {retry_seconds} secondes. Les réponses déjà saisies "
        "dans ce navigateur sont gardées.</p>"
        if retry_seconds
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="fr">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">{refresh}
<title>{escape(title)} — 100 % Contacts efficaces</title>
<style>body {{ font-family: system-ui, "DejaVu Sans", Arial, sans-serif; color: #1b1b1b; max-width: 40em;
margin: 3em auto; padding: 0 1em; line-height: 1.5; }} h1 {{ color: #1f4e79; font-size: 1.5em; }}
a {{ color: #1f4e79; }}</style></head>
<body><main><h1>{escape(title)}</h1>{text}{retry}{body_html}{back}</main></body>
</html>
"""


#: Seconds after which a page refused for the moment reloads itself.
RETRY_SECONDS = 15
#: What a visitor reads when the page's kernel could not start.
KERNEL_FAILED = ("La page n'a pas pu démarrer", "Le serveur n'a pas pu préparer cette page ; réessayez dans un instant.")


class KernelUnavailable(tornado.web.HTTPError):
    """The page's kernel could not start (or its websocket could not reach it): retry later."""

    def __init__(self, reason: str) -> None:
        super().__init__(503, log_message=log_line(reason).replace("%", "%%"))  # tornado %-formats it


def log_line(text: object) -> str:
    """``text`` on one line of the server's log, at most 300 characters."""
    line = " ".join(str(text).split())
    return line[:297] + "…" if len(line) > 300 else line


class FrenchErrors:
    """Errors of the app's handlers as French pages (Voilà's and Jupyter's own are in English,
    and Jupyter's template for them is not installed with Voilà)."""

    def write_error(self, status_code: int, **kwargs) -> None:  # type: ignore[override]
        error = (kwargs.get("exc_info") or (None, None))[1]
        titles = {
            403: ("Accès refusé", "Cette adresse n'est pas ouverte aux visiteurs de l'outil."),
            **({} if not isinstance(error, PageRefused) else {403: ("Page réservée", str(error.message))}),
            404: ("Page introuvable", "Cette adresse ne correspond à aucune page de l'outil."),
            503: ("Trop d'utilisateurs en ce moment", "Trop d'utilisateurs en ce moment, réessayez dans un instant."),
        }
        if isinstance(error, KernelUnavailable):
            title, message = KERNEL_FAILED
        else:
            title, message = titles.get(
                status_code, ("Erreur du serveur", "Le serveur n'a pas pu afficher cette page ; réessayez dans un instant.")
            )
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        retry = RETRY_SECONDS if status_code == 503 else None
        if retry:
            self.set_header("Retry-After", str(retry))
        # Tornado's static file handlers have no ``base_url`` of their own.
        base_url = getattr(self, "base_url", None) or self.settings.get("base_url", "/")
        self.finish(french_page(title, message, retry_seconds=retry, base_url=base_url))

    def log_exception(self, typ, value, tb) -> None:  # type: ignore[override]
        """One line in the log for any error, never a traceback (the visitor gets a French page)."""
        if isinstance(value, tornado.web.HTTPError):
            return super().log_exception(typ, value, tb)
        log = getattr(self, "log", None) or tornado.log.app_log  # tornado's static handlers have none
        log.error("%s %s: %s: %s", self.request.method, self.request.uri, typ.__name__, log_line(value))


class PageRefused(tornado.web.HTTPError):
    """A page this signed-in person may not open (``message``: what they read)."""

    def __init__(self, message: str, log_message: str) -> None:
        super().__init__(403, log_message=log_line(log_message).replace("%", "%%"))
        self.message = message


class StaticPathsNotFound:
    """A static file handler for which a path that names no static file (``..%2F…``, a path
    Voilà's template handler cannot split) is not found (404), not a server error (500)."""

    async def get(self, path: str, include_body: bool = True) -> None:
        try:
            await super().get(path, include_body)
        except (AssertionError, ValueError):
            raise tornado.web.HTTPError(404) from None


def french_errors(handler_class: type) -> type:
    """``handler_class`` answering its errors with :class:`FrenchErrors` (JSON APIs keep theirs)."""
    if issubclass(handler_class, (FrenchErrors, APIHandler)) or not issubclass(handler_class, tornado.web.RequestHandler):
        return handler_class
    mixins = (FrenchErrors, StaticPathsNotFound) if issubclass(handler_class, tornado.web.StaticFileHandler) else (FrenchErrors,)
    return type(handler_class.__name__, (*mixins, handler_class), {"__module__": __name__})


def failed_page_script(base_url: str) -> str:
    """What a page already streaming gets when its kernel dies before it is ready: the page is
    replaced by the French « réessayez » page, which reloads itself (headers are already sent,
    so the status can no longer say it)."""
    document = french_page(*KERNEL_FAILED, retry_seconds=RETRY_SECONDS, base_url=base_url)
    literal = json.dumps(document).replace("</", "<\\/")  # no « </script> » inside the script
    return (
        "</div><script>(function () {"
        f"var page = new DOMParser().parseFromString({literal}, 'text/html');"
        "document.title = page.title; document.body.replaceWith(page.body);"
        f"setTimeout(function () {{ location.reload(); }}, {RETRY_SECONDS * 1000});"
        "})();</script>"
    )


#: Seconds between stopping a dead kernel's restarter and shutting it down: a restart under
#: way ends first (jupyter_client fails on a shutdown in the middle of a restart).
DEAD_KERNEL_GRACE = 5


def stop_dead_kernel(manager, kernel_id: str | None) -> None:
    """Shut down a kernel that died before its page was ready, without racing its restarter."""
    if kernel_id is None or kernel_id not in manager:
        return
    manager.get_kernel(kernel_id).stop_restarter()

    def shut_down() -> None:
        if kernel_id in manager:
            asyncio.ensure_future(manager.shutdown_kernel(kernel_id, now=True))

    asyncio.get_event_loop().call_later(DEAD_KERNEL_GRACE, shut_down)


class PageRenderer(NotebookRenderer):
    """Voilà's renderer for a page whose kernel starts on request: if the kernel dies before the
    page is ready, the page ends with the French « réessayez » page (Voilà would leave the visitor
    before a page that never ends, and the error unretrieved in the log)."""

    def generate_content_generator(self, kernel_id=None, kernel_future=None):
        return self._ended_in_french(super().generate_content_generator(kernel_id, kernel_future), kernel_id)

    async def _ended_in_french(self, generator, kernel_id):
        try:
            async for item in generator:
                yield item
        except Exception as error:  # noqa: BLE001 - whatever killed the kernel, the visitor reads French
            handler = self.request_handler
            handler.log.error("No kernel for %s: %s: %s", self.notebook_path, type(error).__name__, log_line(error))
            stop_dead_kernel(handler.kernel_manager, kernel_id)
            yield failed_page_script(self.base_url), None


class NotFoundHandler(FrenchErrors, JupyterHandler):
    """Anything that is not one of the app's pages (the repository's files, unknown paths)."""

    def initialize(self, **kwargs) -> None:
        """Takes the options of the handler it replaces, and ignores them."""

    def prepare(self) -> None:
        raise tornado.web.HTTPError(404)


class LandingRedirectHandler(tornado.web.RequestHandler):
    """``/`` and Voilà's file tree lead to the landing page."""

    def initialize(self, landing: str) -> None:
        self.landing = landing

    def get(self, *args, **kwargs) -> None:
        self.redirect(self.landing)


class PageHandler(FrenchErrors, TornadoVoilaHandler):
    """Voilà's page handler, for the app's pages only, with a bound on the visitors' kernels."""

    #: Pages being rendered right now, in this server.
    rendering = 0

    #: Voilà's "lab" template links FontAwesome from a CDN; the pages use no icon, and a public
    #: service's pages make no request to third parties (MathJax: see server.local_assets_only).
    THIRD_PARTY_CSS = re.compile(r'\s*<link rel="stylesheet" href="https://cdn\.jsdelivr\.net/[^"]*" type="text/css" />')

    def write(self, chunk) -> None:
        if isinstance(chunk, str):
            chunk = self.THIRD_PARTY_CSS.sub("", chunk)
        super().write(chunk)

    def initialize(self, **kwargs) -> None:
        self.root_dir = Path(kwargs.pop("root_dir"))
        self.page_folders = kwargs.pop("page_folders")
        self.max_visitors = kwargs.pop("max_visitors")
        super().initialize(**kwargs)

    def _is_page(self, path: str | None) -> bool:
        if not path or path.count("/") != 1 or "\\" in path or not path.endswith(".ipynb"):
            return False
        folder, name = path.split("/")
        if folder not in self.page_folders or name.startswith("."):
            return False
        return (self.root_dir / path).is_file()

    def _ready_kernel_first(self, path: str) -> bool:
        """Put a ready preheated kernel first in the pool; False if none is ready yet.

        Voilà would otherwise wait for the pool's first kernel, which may still be starting,
        before sending a single byte of the page.
        """
        pool = getattr(self.kernel_manager, "_pools", {}).get(path, [])
        for index, task in enumerate(pool):
            if task.done() and not task.cancelled() and task.exception() is None:
                pool.insert(0, pool.pop(index))
                return True
        return False

    def should_use_rendered_notebook(self, notebook_data, pool_size, template, theme, request_args) -> bool:
        # voila.json forbids ?template= and ?theme=: they must not turn a visit into a cold start.
        return super().should_use_rendered_notebook(notebook_data, pool_size, None, None, request_args) and self._kernel_ready

    @tornado.web.authenticated
    async def get(self, path: str | None = None) -> None:
        if not self._is_page(path):
            raise tornado.web.HTTPError(404)
        # Pages being rendered count too: their kernels may not be registered yet (a burst).
        visitors = self.kernel_manager.visitor_kernels() + PageHandler.rendering
        if visitors >= self.max_visitors:
            self.log.warning("Refusing %s: %d visitors for %d at most", path, visitors, self.max_visitors)
            raise tornado.web.HTTPError(503)
        provider = self.identity_provider
        if hasattr(provider, "person"):  # a server with sign-in: the page's kernel is this person's
            person = provider.person(self.current_user.username)
            notebook = path.split("/")[-1]
            if person is None or not person.may_open(notebook):
                raise PageRefused(
                    "Cette page montre de nombreuses structures : elle est réservée aux têtes de réseau et aux analystes.",
                    f"Refused page {path} to {self.current_user.username} ({person.role if person else 'no rights'})",
                )
        VISITOR.set(self.current_user.username)  # whose the page's kernel is (anonymous: their cookie's)
        SESSION_ENDS.set(provider.session_ends(self) if hasattr(provider, "session_ends") else None)
        # Reading the token sets the "_xsrf" cookie, which the page's shutdown request sends back.
        self.xsrf_token  # noqa: B018
        self._kernel_ready = self._ready_kernel_first(path)
        PageHandler.rendering += 1
        try:
            await super().get(path)
        except Exception as error:  # the kernel did not start: Voilà has no answer for it
            if isinstance(error, tornado.web.HTTPError):
                raise
            self.log.error("No kernel for %s: %s: %s", path, type(error).__name__, log_line(error))
            if not self._headers_written:
                raise KernelUnavailable(str(error)) from None
            self.write(failed_page_script(self.base_url))
            self.finish()
        finally:
            PageHandler.rendering -= 1


class KernelWebsocketHandler(FrenchErrors, VoilaKernelWebsocketHandler):
    """The kernel's websocket, with two fixes:

    - it sends at once: by default tornado lets the system hold back the tail of a message of
      several network packets (Nagle's algorithm) until the browser acknowledges the first ones,
      about 40 ms later; the widget's state (some 40 KB, once per page) and its scores after a
      click are such messages;
    - Voilà's filter of outgoing messages (it drops ``execute_input``) reads every binary frame as
      the browser's protocol (v1) frames it; a client of the older protocol receives other binary
      frames, whose length Voilà then misreads as billions of parts, and the server loops and
      eats memory until it dies. Such frames carry buffers, which ``execute_input`` never has:
      they are sent as they are.
    """

    V1_PROTOCOL = "v1.kernel.websocket.jupyter.org"

    async def pre_get(self) -> None:
        """A kernel that dies or does not reach its « alive » state in time (a machine overloaded)
        refuses the websocket with a 503 and one line in the log; the page sees its kernel lost
        and reloads with its answers kept."""
        try:
            await super().pre_get()
        except tornado.web.HTTPError:
            raise
        except (TimeoutError, RuntimeError, KeyError) as error:
            self.log.warning("Kernel %s not reachable: %s: %s", self.kernel_id, type(error).__name__, log_line(error))
            raise KernelUnavailable(str(error)) from None

    async def open(self, *args, **kwargs) -> None:
        self.set_nodelay(True)
        await super().open(*args, **kwargs)

    def write_message(self, message, binary: bool = False):
        if isinstance(message, bytes) and self.selected_subprotocol != self.V1_PROTOCOL:
            return super(VoilaKernelWebsocketHandler, self).write_message(message, binary)
        return super().write_message(message, binary)


class AppKernelManager(AsyncMappingKernelManager):
    """The kernel manager under Voilà's pools (Voilà builds its pooled manager on this class): it
    knows which kernels wait in a pool and which ones pages hold."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._preheated: set[str] = set()  # started for a pool and not handed to a page yet
        self._owners: dict[str, str] = {}  # kernel id → the signed-in person its page was handed to

    async def start_kernel(self, *args, **kwargs) -> str:
        kernel_id = await super().start_kernel(*args, **kwargs)
        if (kwargs.get("env") or {}).get(ENV_VARIABLE.VOILA_PREHEAT) == "True":
            self._preheated.add(kernel_id)
        elif VISITOR.get() is not None:  # started for a visitor's page
            self.hand_to(kernel_id, VISITOR.get())
        return kernel_id

    async def shutdown_kernel(self, kernel_id: str, *args, **kwargs) -> None:
        self._preheated.discard(kernel_id)
        self._forget_owner(kernel_id)
        return await super().shutdown_kernel(kernel_id, *args, **kwargs)

    def remove_kernel(self, kernel_id: str):
        """A kernel that died for good (its restarter gave up) is forgotten too."""
        self._preheated.discard(kernel_id)
        self._forget_owner(kernel_id)
        return super().remove_kernel(kernel_id)

    def hand_to(self, kernel_id: str, identifiant: str) -> None:
        """The kernel is this person's: only they reach it, and its page's code reads who they
        are from a file of the server's private folder named by the kernel's id."""
        self._owners[kernel_id] = identifiant
        folder = os.environ.get(VISITORS_VARIABLE)
        if folder:  # the identifiant, and when the session ends (the kernel stops acting for it then)
            path = os.path.join(folder, kernel_id)
            descriptor = os.open(path + ".tmp", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            ends = SESSION_ENDS.get()
            with os.fdopen(descriptor, "w", encoding="utf-8") as file:
                file.write(identifiant + ("" if ends is None else f"\n{ends:.0f}"))
            os.replace(path + ".tmp", path)

    def _forget_owner(self, kernel_id: str) -> None:
        self._owners.pop(kernel_id, None)
        folder = os.environ.get(VISITORS_VARIABLE)
        if folder and "/" not in kernel_id:
            try:
                os.remove(os.path.join(folder, kernel_id))
            except FileNotFoundError:
                pass

    def owner_of(self, kernel_id: str) -> str | None:
        return self._owners.get(kernel_id)

    def kernels_of(self, identifiant: str) -> list[str]:
        return [kernel_id for kernel_id, owner in self._owners.items() if owner == identifiant]

    def visitor_kernels(self) -> int:
        """Kernels held by pages (or given to one that never connected)."""
        return len(set(self.list_kernel_ids()) - self._preheated)

    def kernel_handed_out(self, kernel_id: str) -> None:
        """A preheated kernel goes to a page: its idle clock starts now, not when it was preheated.

        Without this, a kernel preheated long ago could be culled in the second between the page
        being sent and the page connecting to it.
        """
        kernel = self._kernels.get(kernel_id)
        if kernel is not None:
            kernel.last_activity = utcnow()
        self._preheated.discard(kernel_id)
        if VISITOR.get() is not None:
            self.hand_to(kernel_id, VISITOR.get())


class OwnKernelModel(KernelHandler):
    """``/api/kernels/<id>``, which a page reads before connecting to its kernel: for the visitor
    the kernel was handed to only (the browser's identity: the sign-in, or the anonymous visitor's
    cookie on a server without it); anyone else knowing the id learns nothing, not even that
    it exists."""

    async def get(self, kernel_id: str) -> None:
        owner = getattr(self.kernel_manager, "owner_of", lambda _k: None)(kernel_id)
        if owner is None or self.current_user is None or owner != self.current_user.username:
            raise tornado.web.HTTPError(404)
        await super().get(kernel_id)


class OwnKernelShutdown(VoilaShutdownKernelHandler):
    """Voilà's « the visitor left » request, for the visitor's own kernel only on a server with
    sign-in (Voilà checks only that someone is signed in)."""

    async def post(self, kernel_id: str) -> None:
        if not await ensure_async(self.authorizer.is_authorized(self, self.current_user, "write", "kernels")):
            raise tornado.web.HTTPError(403)
        await super().post(kernel_id)


#: Headers of every response: the pages load and connect to nothing but their own server (the
#: scripts Voilà and the widgets write inline, and the modules anywidget loads from blob URLs,
#: are allowed; no other origin), and no other site can frame them.
SECURITY_HEADERS = {
    "Content-Security-Policy": "; ".join([
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' blob:",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]),
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


class NoServerHeader(tornado.web.OutputTransform):
    """No response says which server software answers, nor its version (tornado would send
    ``Server: TornadoServer/6.x`` with every response)."""

    def transform_first_chunk(self, status_code, headers, chunk, finishing):
        headers.pop("Server", None)
        return status_code, headers, chunk


class AppServer(Voila):
    """Voilà's standalone server with the app's pages, bound and error pages (see the module)."""

    max_visitors = Integer(
        40, config=True,
        help="Kernels given to pages at most (the pools' kernels aside); past it, a page says to retry.",
    )
    page_folders = List(
        Unicode(), [PAGES_FOLDER], config=True, help="Folders of the project whose notebooks are served as pages."
    )
    access_file = Unicode(
        "", config=True,
        help="The rights file (identifiant, role, perimetre): people sign in with OpenID Connect "
        "(OidcIdentityProvider's settings) and each reaches only their perimeter. Empty: no sign-in.",
    )

    def initialize(self, argv=None) -> None:
        super().initialize(argv)
        if self.access_file:
            self._sign_in_mode()
        # Voilà builds its pooled kernel manager on top of this class.
        self.voila_configuration.multi_kernel_manager_class = AppKernelManager
        self.voila_configuration.page_config_hook = local_assets_only
        voila.handler.NotebookRenderer = PageRenderer  # the renderer of pages whose kernel starts on request

    def _sign_in_mode(self) -> None:
        """People sign in; each page's kernel knows whose it is; the pages that show many
        structures start their kernel for the person who opens them (a preheated one would have
        drawn them for no one)."""
        from contacts_lib.access import current_access_list
        from contacts_lib.web.signin import (
            SECRET_VARIABLE,
            KernelOwnerAuthorizer,
            OidcIdentityProvider,
        )

        path = os.path.abspath(self.access_file)
        current_access_list(path)  # checked before the server starts: InputError in French
        os.environ[ACCESS_VARIABLE] = path
        os.environ[VISITORS_VARIABLE] = tempfile.mkdtemp(prefix="contacts-visiteurs-")  # mode 0700
        # the server holds the client secret; the kernels, which inherit its environment, do not
        secret = os.environ.pop(SECRET_VARIABLE, "")
        if secret and not self.config.OidcIdentityProvider.get("client_secret"):
            self.config.OidcIdentityProvider.client_secret = secret
        self.identity_provider_class = OidcIdentityProvider
        self.authorizer_class = KernelOwnerAuthorizer
        self.config.OidcIdentityProvider.access_file = path
        pools = dict(self.config.VoilaKernelManager.get("kernel_pools_config", {}))
        for notebook in NETWORK_PAGES:
            pools[f"{PAGES_FOLDER}/{notebook}"] = {"pool_size": 0}
        self.config.VoilaKernelManager.kernel_pools_config = pools

    def init_settings(self) -> dict:
        settings = super().init_settings()
        settings["default_handler_class"] = NotFoundHandler
        settings["headers"] = {**settings.get("headers", {}), **SECURITY_HEADERS}
        settings["transforms"] = [NoServerHeader, *([tornado.web.GZipContentEncoding] if settings.get("compress_response") else [])]
        provider = self.identity_provider
        if self.access_file:
            provider.validate_security(self)  # InputError in French: the sign-in settings are incomplete
            # the sign-out form ends at the provider (browsers hold form-action to the redirects too)
            issuer = urllib.parse.urlsplit(provider.issuer)
            policy = settings["headers"]["Content-Security-Policy"].replace(
                "form-action 'self'", f"form-action 'self' {issuer.scheme}://{issuer.netloc}")
            settings["headers"] = {**settings["headers"], "Content-Security-Policy": policy}
        secure = getattr(provider, "public_url", "").startswith("https://")
        settings["xsrf_cookie_kwargs"] = {"samesite": "Lax", **({"secure": True} if secure else {})}
        manager = self.kernel_manager
        hand_out = getattr(manager, "get_rendered_notebook", None)
        if hand_out is not None:  # preheated kernels

            async def get_rendered_notebook(*args, **kwargs):
                render_task, rendered, kernel_id = await hand_out(*args, **kwargs)
                manager.kernel_handed_out(kernel_id)
                return render_task, rendered, kernel_id

            manager.get_rendered_notebook = get_rendered_notebook
            manager._initialize = self._watched_preheat(manager, manager._initialize)
        return settings

    #: Seconds before a pool tries again to preheat a kernel after one failed to start.
    PREHEAT_RETRY = 30

    def _watched_preheat(self, manager, initialize):
        """Voilà's preheating, watched: a kernel whose notebook fails in its pool (the kernel died,
        never started) leaves the pool with one line in the log, is shut down, and the pool
        tries again later; Voilà would keep it, hand it to a visitor, and leave its error
        unretrieved (a traceback in the log when the server stops)."""

        def failed(notebook_name: str, content: dict, task: asyncio.Task) -> None:
            if task.cancelled() or task.exception() is None:
                return
            kernel_id = content["kernel_id"]
            error = task.exception()
            stop_dead_kernel(manager, kernel_id)
            pool = manager._pools.get(notebook_name, [])
            waiting = [item for item in pool if item.done() and not item.cancelled() and item.exception() is None
                       and item.result() is content]
            if not waiting:
                return  # handed to a page already: the page's handler says it to the visitor
            self.log.error("Preheated kernel %s for %s failed: %s: %s", kernel_id, notebook_name,
                           type(error).__name__, log_line(error))
            pool.remove(waiting[0])
            manager.fill_if_needed(delay=self.PREHEAT_RETRY, notebook_name=notebook_name)

        def watch(notebook_name: str, item: asyncio.Future) -> None:
            if not item.cancelled() and item.exception() is None:
                content = item.result()
                content["task"].add_done_callback(functools.partial(failed, notebook_name, content))

        async def watched(notebook_name, *args, **kwargs):
            content = await initialize(notebook_name, *args, **kwargs)
            content["task"].add_done_callback(functools.partial(failed, notebook_name, content))
            return content

        for notebook_name, pool in manager._pools.items():  # filled when the manager was made
            for item in pool:
                item.add_done_callback(functools.partial(watch, notebook_name))
        return watched

    #: Seconds a stopping server gives the kernels its pools are starting to be ready.
    STOP_PREHEAT_SECONDS = 12

    def stop(self) -> None:
        """Stop as Voilà does, once the kernels being preheated have started: a kernel shut down
        in the middle of its start fills the log with its tracebacks (the service manager stops
        the server at any moment, a pool may be refilling)."""
        from jupyter_core.utils import run_sync

        pending = [task for pool in getattr(self.kernel_manager, "_pools", {}).values() for task in pool if not task.done()]
        if pending:
            self.log.info("Waiting for preheated kernels to start before stopping: %d", len(pending))

            async def started() -> None:
                await asyncio.wait(pending, timeout=self.STOP_PREHEAT_SECONDS)

            try:
                run_sync(started)()
            except Exception as error:  # noqa: BLE001 - stopping goes on whatever happened
                self.log.warning("Stopping without waiting for the pools: %s", log_line(error))
        super().stop()
        if self.access_file:  # the kernels' identities go with them
            import shutil

            shutil.rmtree(os.environ.get(VISITORS_VARIABLE, ""), ignore_errors=True)

    def init_handlers(self) -> list:
        landing = url_path_join(self.base_url, page_path(LANDING_NOTEBOOK))
        page_options = {
            "root_dir": self.root_dir,
            "page_folders": list(self.page_folders),
            "max_visitors": self.max_visitors,
        }
        handlers = [(url_path_join(self.base_url, r"/voila/?"), LandingRedirectHandler, {"landing": landing})]
        for handler in super().init_handlers():
            pattern, handler_class, *options = handler
            if handler_class is TornadoVoilaTreeHandler:
                handlers.append((pattern, LandingRedirectHandler, {"landing": landing}))
            elif handler_class is TornadoVoilaHandler:
                handlers.append((pattern, PageHandler, {**(options[0] if options else {}), **page_options}))
            elif handler_class is VoilaContentsHandler or (
                not self.access_file and handler_class in (self.identity_provider.logout_handler_class,
                                                           self.identity_provider.login_handler_class)
            ):
                # no contents to browse; without sign-in, no sign-in or sign-out page
                handlers.append((pattern, NotFoundHandler, *options))
            elif handler_class is VoilaKernelWebsocketHandler:
                handlers.append((pattern, KernelWebsocketHandler, *options))
            elif handler_class is KernelHandler:
                handlers.append((pattern, OwnKernelModel, *options))
            elif handler_class is VoilaShutdownKernelHandler:
                handlers.append((pattern, OwnKernelShutdown, *options))
            elif handler_class is RequestInfoSocketHandler:
                # the request of a preheated kernel's page, for notebooks that wait for it: ours do
                # not, and anyone could read it
                handlers.append((pattern, NotFoundHandler, *options))
            else:
                handlers.append((pattern, french_errors(handler_class), *options))
        return handlers


def main(argv: list[str] | None = None) -> None:
    """The app's server, with Voilà's command-line options."""
    import sys

    from contacts_lib.messages import InputError, visible

    try:
        AppServer.launch_instance(argv)
    except InputError as error:
        print(f"contacts-efficaces : {visible(str(error))}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
