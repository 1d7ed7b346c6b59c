"""Sign-in with OpenID Connect for the app's server (``contacts-efficaces app --acces ACCES.csv``).

jupyter_server, which Voilà runs on, lets a server plug in how people are identified
(:class:`IdentityProvider`) and what they may do (:class:`Authorizer`); the app plugs in both:

- :class:`OidcIdentityProvider` signs people in with OpenID Connect's authorization code flow
  and PKCE (S256) against any standard provider — France's ProConnect, Keycloak, an Azure AD, … —
  given its issuer URL, a client id and a client secret: the provider's metadata, keys, tokens and
  user info are read from it at sign-in; the ID token's signature, issuer, audience, expiry and
  nonce are checked with ``joserfc``. The person is their e-mail address, and must be in the
  rights file; the session is a signed cookie (HttpOnly, SameSite=Lax, Secure behind https)
  that expires after :attr:`OidcIdentityProvider.session_hours`.
- :class:`KernelOwnerAuthorizer` lets a page's kernel be reached (websocket, shutdown) only by
  the person it was handed to.

No password is ever seen or stored by the app.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import time
import urllib.parse
from html import escape

from jupyter_server.auth import Authorizer, IdentityProvider, User
from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.base.handlers import JupyterHandler
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from traitlets import Float, Unicode

from contacts_lib.access import current_access_list, identifiant_key
from contacts_lib.messages import InputError

#: The environment variable that holds the client secret (never on a command line: ``ps`` shows it).
SECRET_VARIABLE = "CONTACTS_EFFICACES_OIDC_SECRET"
SESSION_COOKIE = "contacts-session"
ID_TOKEN_COOKIE = "contacts-jeton"
FLOW_COOKIE = "contacts-connexion"
#: Seconds a sign-in may take at the provider (between leaving and coming back).
FLOW_SECONDS = 600
#: Seconds to wait for the provider's answers.
PROVIDER_TIMEOUT = 10
#: Algorithms accepted for the ID token's signature (the provider's keys say which one it uses).
ID_TOKEN_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"]


class SignInRefused(Exception):
    """A sign-in that cannot go on: ``title``, ``message`` for the visitor, ``reason`` for the log."""

    def __init__(self, status: int, title: str, message: str, reason: str) -> None:
        super().__init__(reason)
        self.status, self.title, self.message, self.reason = status, title, message, reason


def pkce_pair() -> tuple[str, str]:
    """(verifier, S256 challenge) of RFC 7636."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _local_path(target: str | None, base_url: str, default: str) -> str:
    """``target`` if it is a path of this server (never another site: an open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urllib.parse.urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith(base_url.rstrip("/") + "/"):
        return default
    return target


class OidcIdentityProvider(IdentityProvider):
    """People are signed in by an OpenID Connect provider and identified by their e-mail address."""

    issuer = Unicode("", config=True, help="The provider's issuer URL (its metadata is at /.well-known/openid-configuration).")
    client_id = Unicode("", config=True, help="The app's client id at the provider.")
    client_secret = Unicode("", config=True, help=f"The app's client secret (default: ${SECRET_VARIABLE}).")
    public_url = Unicode(
        "", config=True,
        help="The address people type (https://contacts.example.fr behind a reverse proxy): the provider sends them back "
        "there, and cookies are Secure when it is https. Empty: the address of each request.",
    )
    access_file = Unicode("", config=True, help="The rights file (identifiant, role, perimetre).")
    session_hours = Float(8.0, config=True, help="Hours after which a session ends and its person signs in again.")
    scopes = Unicode("openid email", config=True, help="Scopes asked for at sign-in.")

    _metadata: dict | None = None
    _keys: dict | None = None

    @property
    def auth_enabled(self) -> bool:
        return True

    @property
    def login_available(self) -> bool:
        return True

    def validate_security(self, app, ssl_options=None) -> None:
        if not (self.issuer and self.client_id and self.secret):
            raise InputError("connexion OpenID Connect incomplète : émetteur, identifiant de client et secret sont nécessaires.")

    @property
    def secret(self) -> str:
        return self.client_secret or os.environ.get(SECRET_VARIABLE, "")

    def get_handlers(self) -> list:
        return [(r"/login", SignInPageHandler), (r"/login/aller", SignInStartHandler),
                (r"/login/retour", SignInReturnHandler), (r"/logout", SignOutHandler)]

    # ------------------------------------------------------------------ the session

    def secure(self, handler) -> bool:
        return self.public_url.startswith("https://") or handler.request.protocol == "https"

    def session_cookie_options(self, handler) -> dict:
        options = {"httponly": True, "samesite": "Lax", "path": handler.base_url}
        if self.secure(handler):
            options["secure"] = True
        return options

    def _session(self, handler) -> tuple[str, float] | None:
        """(identifiant, start) of the request's session, None if none or expired."""
        value = handler.get_signed_cookie(SESSION_COOKIE, max_age_days=max(self.session_hours / 24, 0.001))
        if not value:
            return None
        try:
            session = json.loads(value)
            identifiant, started = str(session["id"]), float(session["t"])
        except (ValueError, KeyError, TypeError):
            return None
        if time.time() - started > self.session_hours * 3600:
            return None  # expired: the person signs in again
        return identifiant, started

    def session_ends(self, handler) -> float | None:
        """When the request's session ends (seconds since the epoch): a page's kernel stops acting
        for its person then, even with the page still open."""
        session = self._session(handler)
        return session[1] + self.session_hours * 3600 if session else None

    def get_user(self, handler) -> User | None:
        session = self._session(handler)
        if session is None:
            return None
        identifiant = session[0]
        person = self.person(identifiant)
        if person is None:  # taken out of the rights file since: signed out at once
            return None
        return User(username=identifiant, name=identifiant, display_name=identifiant)

    def person(self, identifiant: str):
        try:
            access = current_access_list(self.access_file or None)
        except InputError as error:
            self.log.error("Rights file unreadable, nobody signed in: %s", error)
            return None
        return access.person(identifiant) if access is not None else None

    def start_session(self, handler, identifiant: str, id_token: str) -> None:
        options = self.session_cookie_options(handler)
        expires_days = self.session_hours / 24
        handler.set_signed_cookie(SESSION_COOKIE, json.dumps({"id": identifiant, "t": time.time()}),
                                  expires_days=expires_days, **options)
        handler.set_signed_cookie(ID_TOKEN_COOKIE, id_token, expires_days=expires_days, **options)

    def end_session(self, handler) -> None:
        for name in (SESSION_COOKIE, ID_TOKEN_COOKIE, FLOW_COOKIE):
            handler.clear_cookie(name, path=handler.base_url)

    # ------------------------------------------------------------------ the provider

    async def _get_json(self, url: str) -> dict:
        response = await AsyncHTTPClient().fetch(url, connect_timeout=PROVIDER_TIMEOUT, request_timeout=PROVIDER_TIMEOUT,
                                                 headers={"Accept": "application/json"})
        return json.loads(response.body)

    async def metadata(self) -> dict:
        if self._metadata is None:
            url = self.issuer.rstrip("/") + "/.well-known/openid-configuration"
            try:
                metadata = await self._get_json(url)
            except Exception as error:  # noqa: BLE001 - unreachable, not JSON, …: one message
                raise SignInRefused(502, "Connexion impossible pour le moment",
                                    "Le service de connexion ne répond pas ; réessayez dans un instant.",
                                    f"provider metadata {url}: {type(error).__name__}: {error}") from None
            if metadata.get("issuer", "").rstrip("/") != self.issuer.rstrip("/"):
                raise SignInRefused(502, "Connexion impossible", "Le service de connexion est mal configuré.",
                                    f"issuer mismatch: {metadata.get('issuer')!r} != {self.issuer!r}")
            self._metadata = metadata
        return self._metadata

    def redirect_uri(self, handler) -> str:
        base = self.public_url.rstrip("/") if self.public_url else f"{handler.request.protocol}://{handler.request.host}"
        return base + handler.base_url.rstrip("/") + "/login/retour"

    async def authorization_url(self, handler, next_url: str) -> str:
        metadata = await self.metadata()
        verifier, challenge = pkce_pair()
        state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        flow = json.dumps({"state": state, "nonce": nonce, "verifier": verifier, "next": next_url, "t": time.time()})
        handler.set_signed_cookie(FLOW_COOKIE, flow, expires_days=FLOW_SECONDS / 86400, **self.session_cookie_options(handler))
        query = urllib.parse.urlencode({
            "response_type": "code", "client_id": self.client_id, "redirect_uri": self.redirect_uri(handler),
            "scope": self.scopes, "state": state, "nonce": nonce,
            "code_challenge": challenge, "code_challenge_method": "S256",
        })
        endpoint = metadata["authorization_endpoint"]
        return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"

    async def finish_sign_in(self, handler) -> tuple[str, str]:
        """Check the provider's answer and return (identifiant, next address)."""
        expired = SignInRefused(400, "Connexion expirée", "La connexion a expiré ou a été ouverte dans un autre onglet ; "
                                "recommencez.", "sign-in flow cookie missing, expired or not matching")
        flow_text = handler.get_signed_cookie(FLOW_COOKIE, max_age_days=FLOW_SECONDS / 86400)
        handler.clear_cookie(FLOW_COOKIE, path=handler.base_url)
        if not flow_text:
            raise expired
        flow = json.loads(flow_text)
        if time.time() - float(flow.get("t", 0)) > FLOW_SECONDS:
            raise expired
        if handler.get_argument("error", None):
            raise SignInRefused(403, "Connexion refusée", "Le service de connexion n'a pas confirmé votre identité ; recommencez.",
                                f"provider error {handler.get_argument('error')!r}")
        if not secrets.compare_digest(handler.get_argument("state", ""), flow["state"]):
            raise expired
        code = handler.get_argument("code", "")
        metadata = await self.metadata()
        tokens = await self._tokens(handler, metadata, code, flow["verifier"])
        claims = await self._claims(metadata, tokens, flow["nonce"])
        email = claims.get("email")
        if not isinstance(email, str) or "@" not in email:
            raise SignInRefused(403, "Connexion refusée", "Le service de connexion n'a pas donné d'adresse électronique.",
                                "no email claim")
        if claims.get("email_verified") in (False, "false", "False"):
            raise SignInRefused(403, "Connexion refusée", "Votre adresse électronique n'est pas vérifiée par le service de connexion.",
                                f"email not verified: {email}")
        identifiant = identifiant_key(email)
        if self.person(identifiant) is None:
            raise SignInRefused(403, "Accès non ouvert", f"Le compte {identifiant} n'a pas accès à cet outil ; demandez à votre "
                                "tête de réseau de vous l'ouvrir.", f"sign-in refused: {identifiant} not in the rights file")
        self.start_session(handler, identifiant, tokens["id_token"])
        return identifiant, flow.get("next") or ""

    async def _tokens(self, handler, metadata: dict, code: str, verifier: str) -> dict:
        body = {"grant_type": "authorization_code", "code": code, "redirect_uri": self.redirect_uri(handler),
                "code_verifier": verifier}
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
        methods = metadata.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
        if "client_secret_basic" in methods:
            pair = f"{urllib.parse.quote(self.client_id, safe='')}:{urllib.parse.quote(self.secret, safe='')}"
            headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
        else:
            body |= {"client_id": self.client_id, "client_secret": self.secret}
        request = HTTPRequest(metadata["token_endpoint"], method="POST", headers=headers, body=urllib.parse.urlencode(body),
                              connect_timeout=PROVIDER_TIMEOUT, request_timeout=PROVIDER_TIMEOUT)
        try:
            response = await AsyncHTTPClient().fetch(request)
            tokens = json.loads(response.body)
        except HTTPClientError as error:
            detail = error.response.body[:300].decode("utf-8", "replace") if error.response is not None else ""
            raise SignInRefused(403, "Connexion refusée", "Le service de connexion a refusé la connexion ; recommencez.",
                                f"token endpoint: {error.code} {detail}") from None
        except Exception as error:  # noqa: BLE001
            raise SignInRefused(502, "Connexion impossible pour le moment", "Le service de connexion ne répond pas ; réessayez.",
                                f"token endpoint: {type(error).__name__}: {error}") from None
        if not isinstance(tokens.get("id_token"), str):
            raise SignInRefused(502, "Connexion impossible", "Le service de connexion n'a pas donné de jeton d'identité.",
                                "no id_token in the token response")
        return tokens

    async def _claims(self, metadata: dict, tokens: dict, nonce: str) -> dict:
        from joserfc import jwt
        from joserfc.errors import JoseError
        from joserfc.jwk import KeySet

        refused = SignInRefused(403, "Connexion refusée", "Le jeton d'identité reçu n'est pas valide ; recommencez.", "")
        try:
            if self._keys is None:
                self._keys = await self._get_json(metadata["jwks_uri"])
            keys = KeySet.import_key_set(self._keys)
            try:
                token = jwt.decode(tokens["id_token"], keys, algorithms=ID_TOKEN_ALGORITHMS)
            except JoseError:  # the provider may have rotated its keys: read them once more
                self._keys = await self._get_json(metadata["jwks_uri"])
                token = jwt.decode(tokens["id_token"], KeySet.import_key_set(self._keys), algorithms=ID_TOKEN_ALGORITHMS)
            jwt.JWTClaimsRegistry(
                leeway=60,
                iss={"essential": True, "value": metadata["issuer"]},
                aud={"essential": True, "value": self.client_id},
                exp={"essential": True},
                nonce={"essential": True, "value": nonce},
            ).validate(token.claims)
        except (JoseError, ValueError, KeyError) as error:
            refused.reason = f"id_token refused: {type(error).__name__}: {error}"
            raise refused from None
        claims = dict(token.claims)
        if "email" not in claims and metadata.get("userinfo_endpoint") and tokens.get("access_token"):
            claims |= await self._user_info(metadata, tokens["access_token"], keys, claims["sub"])
        return claims

    async def _user_info(self, metadata: dict, access_token: str, keys, subject: str) -> dict:
        """The user info, as JSON or as a signed JWT (ProConnect signs it)."""
        from joserfc import jwt

        request = HTTPRequest(metadata["userinfo_endpoint"], headers={"Authorization": f"Bearer {access_token}"},
                              connect_timeout=PROVIDER_TIMEOUT, request_timeout=PROVIDER_TIMEOUT)
        try:
            response = await AsyncHTTPClient().fetch(request)
            if response.headers.get("Content-Type", "").startswith("application/jwt"):
                info = dict(jwt.decode(response.body.decode("ascii").strip(), keys, algorithms=ID_TOKEN_ALGORITHMS).claims)
            else:
                info = json.loads(response.body)
        except Exception as error:  # noqa: BLE001
            raise SignInRefused(502, "Connexion impossible", "Le service de connexion n'a pas donné votre adresse électronique.",
                                f"userinfo: {type(error).__name__}: {error}") from None
        if info.get("sub") != subject:
            raise SignInRefused(403, "Connexion refusée", "Les informations reçues ne sont pas les vôtres ; recommencez.",
                                "userinfo sub differs from the id_token's")
        return {key: info[key] for key in ("email", "email_verified") if key in info}


def sign_in_page(base_url: str, next_url: str, notice: str = "") -> str:
    """The page with the « Se connecter » button (the only page open before signing in)."""
    from contacts_lib.web.hosting import french_page

    start = escape(base_url.rstrip("/") + "/login/aller?" + urllib.parse.urlencode({"next": next_url}), quote=True)
    body = (
        (f"<p>{escape(notice)}</p>" if notice else "")
        + "<p>L'outil est réservé aux personnes du réseau : chacune y voit les structures de son périmètre.</p>"
        f'<p><a class="signin" href="{start}" style="display:inline-block;padding:.6em 1.2em;background:#1f4e79;'
        'color:#fff;border-radius:4px;text-decoration:none;font-weight:600">Se connecter</a></p>'
    )
    return french_page("Connexion à l'outil « 100 % Contacts efficaces »", "", base_url=base_url, body_html=body, landing=False)


class _SignInHandler(JupyterHandler):
    """A sign-in page's handler: errors as French pages, never a traceback."""

    def check_xsrf_cookie(self) -> None:  # only GETs here
        return None

    def refuse(self, refused: SignInRefused) -> None:
        from contacts_lib.web.hosting import french_page

        self.log.warning("Sign-in: %s", refused.reason)
        self.set_status(refused.status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        again = escape(self.base_url.rstrip("/") + "/login", quote=True)
        self.finish(french_page(refused.title, refused.message, base_url=self.base_url, landing=False,
                                body_html=f'<p><a href="{again}">Revenir à la page de connexion</a></p>'))

    def landing(self) -> str:
        from contacts_lib.web.server import LANDING_NOTEBOOK, page_path

        return self.base_url.rstrip("/") + page_path(LANDING_NOTEBOOK)


class SignInPageHandler(_SignInHandler):
    @allow_unauthenticated
    async def get(self) -> None:
        next_url = _local_path(self.get_argument("next", None), self.base_url, self.landing())
        if self.current_user is not None:
            self.redirect(next_url)
            return
        notice = "Vous êtes déconnecté." if self.get_argument("deconnecte", None) else ""
        self.set_header("Cache-Control", "no-store")
        self.finish(sign_in_page(self.base_url, next_url, notice))


class SignInStartHandler(_SignInHandler):
    @allow_unauthenticated
    async def get(self) -> None:
        next_url = _local_path(self.get_argument("next", None), self.base_url, self.landing())
        try:
            self.redirect(await self.identity_provider.authorization_url(self, next_url))
        except SignInRefused as refused:
            self.refuse(refused)


class SignInReturnHandler(_SignInHandler):
    @allow_unauthenticated
    async def get(self) -> None:
        try:
            identifiant, next_url = await self.identity_provider.finish_sign_in(self)
        except SignInRefused as refused:
            self.refuse(refused)
            return
        person = self.identity_provider.person(identifiant)
        self.log.info("Signed in: %s (%s)", identifiant, person.role if person else "?")
        self.redirect(_local_path(next_url, self.base_url, self.landing()))


class SignOutHandler(_SignInHandler):
    """Sign-out: a page asks to confirm (another site cannot sign anyone out by a link), then the
    session ends here, the person's kernels are shut down, and the provider is asked to end its
    own session when it can (it then sends the person back to the sign-in page)."""

    @allow_unauthenticated
    async def get(self) -> None:
        from contacts_lib.web.hosting import french_page

        if self.current_user is None:
            self.redirect(self.base_url.rstrip("/") + "/login")
            return
        action = escape(self.base_url.rstrip("/") + "/logout", quote=True)
        form = (f'<form method="post" action="{action}"><input type="hidden" name="_xsrf" value="{escape(self.xsrf_token.decode(), quote=True)}">'
                '<button type="submit" style="padding:.6em 1.2em;background:#1f4e79;color:#fff;border:0;border-radius:4px;'
                'font-weight:600">Se déconnecter</button></form>')
        self.set_header("Cache-Control", "no-store")
        self.finish(french_page("Se déconnecter", f"Vous êtes connecté : {self.current_user.username}. Les réponses en cours "
                                "restent dans ce navigateur.", base_url=self.base_url, body_html=form))

    def check_xsrf_cookie(self) -> None:
        JupyterHandler.check_xsrf_cookie(self)

    @allow_unauthenticated
    async def post(self) -> None:
        provider = self.identity_provider
        user = self.current_user
        id_token = self.get_signed_cookie(ID_TOKEN_COOKIE)
        provider.end_session(self)
        back = (provider.public_url.rstrip("/") if provider.public_url else f"{self.request.protocol}://{self.request.host}") \
            + self.base_url.rstrip("/") + "/login?deconnecte=1"
        if user is not None:
            self.log.info("Signed out: %s", user.username)
            manager = self.kernel_manager
            for kernel_id in getattr(manager, "kernels_of", lambda _u: [])(user.username):
                try:
                    await manager.shutdown_kernel(kernel_id, now=True)
                except Exception as error:  # noqa: BLE001 - a kernel already gone: the others still go
                    self.log.warning("Sign-out of %s: kernel %s: %s", user.username, kernel_id, type(error).__name__)
        try:
            end = (await provider.metadata()).get("end_session_endpoint")
        except SignInRefused:
            end = None
        if end and id_token:
            query = urllib.parse.urlencode({"id_token_hint": id_token.decode("ascii"), "client_id": provider.client_id,
                                            "post_logout_redirect_uri": back})
            self.redirect(f"{end}{'&' if '?' in end else '?'}{query}")
        else:
            self.redirect(back)


class KernelOwnerAuthorizer(Authorizer):
    """A kernel is reached only by the person its page was handed to; everything else needs a
    signed-in person (the identity provider lets no one else through)."""

    def is_authorized(self, handler, user, action, resource) -> bool:
        if user is None:
            return False
        if resource != "kernels":
            return True
        kernel_id = (handler.path_kwargs or {}).get("kernel_id") or (handler.path_args[0] if handler.path_args else None)
        if kernel_id is None:
            return False  # listing kernels: not for visitors
        owner = getattr(handler.kernel_manager, "owner_of", lambda _k: None)(kernel_id)
        if owner != user.username:
            handler.log.warning("Refused: %s asked for kernel %s of %s", user.username, kernel_id, owner or "nobody")
            return False
        return True
