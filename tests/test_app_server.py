"""``contacts-efficaces app`` serves the app's pages with Voilà, and nothing else, ready to host:
French refusals, a bound on visitors, kernels freed by the page's shutdown request and culled
when a page never connects."""

import asyncio
import contextlib
import http.cookiejar
import json
import os
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from html import escape
from pathlib import Path

import pytest

from contacts_lib.web.server import page_path
from tests.app_server import pooled_kernels, running_app

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with running_app(tmp_path_factory.mktemp("voila") / "voila.log") as server:
        yield server


def _get(url, opener=None):
    with (opener or urllib.request.build_opener()).open(url, timeout=60) as response:
        return response.status, response.read().decode("utf-8", "replace")


def _error(url):
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(url, timeout=60)
    error = caught.value
    body = error.read().decode("utf-8", "replace")
    error.close()
    return error.code, body, error.headers


def test_landing_page_links_to_the_app_and_the_example(app):
    status, html = _get(app.url + page_path("index.ipynb"))
    assert status == 200 and '<html lang="fr">' in html
    assert "<title>100 % Contacts efficaces — accueil</title>" in html
    assert 'href="autodiagnostic.ipynb"' in html and 'href="autodiagnostic.ipynb?exemple=recueil"' in html
    assert 'download="modele-autodiagnostic-100-contacts-efficaces.xlsx"' in html


def test_app_page_renders_without_an_error_output(app):
    status, html = _get(app.url + page_path("autodiagnostic.ipynb"))
    assert status == 200
    assert "There was an error when executing cell" not in html and "Traceback" not in html
    assert "application/vnd.jupyter.widget-view+json" in html
    assert re.search(r'<div class="ce-radar" role="img" aria-label="[^"]+" data-revision="\d+"><svg ', html)  # drawn at once
    assert "import AutodiagnosticApp" not in html  # sources stripped
    assert "<title>Autodiagnostic — 100 % Contacts efficaces</title>" in html and '<html lang="fr">' in html
    assert 'href="index.ipynb"' in html  # the way back to the landing page


@pytest.mark.parametrize("notebook", ["index.ipynb", "autodiagnostic.ipynb"])
def test_pages_name_no_third_party_server(app, notebook):
    """No CDN: a public service's pages do not disclose their visitors (MathJax and FontAwesome,
    which Voilà would fetch from CDNs, are not)."""
    _, html = _get(app.url + page_path(notebook))
    assert "cdn.jsdelivr.net" not in html
    assert '"fullMathjaxUrl": "/voila/files/contacts_lib/web/static/no-mathjax.js"' in html
    # nbconvert's mermaid loader names a CDN but fetches nothing without a diagram (the browser
    # test checks the page's requests); no other third-party address is left.
    without_mermaid = re.sub(r"https://cdnjs\.cloudflare\.com/ajax/libs/mermaid[\w./-]*", "", html)
    assert "cdnjs.cloudflare.com" not in without_mermaid
    status, _ = _get(app.url + "/voila/files/contacts_lib/web/static/no-mathjax.js")
    assert status == 200


def test_app_page_is_written_by_the_server(app):
    """The "contacts" Voilà template puts the questionnaire in the page itself (quick first paint)."""
    _, html = _get(app.url + page_path("autodiagnostic.ipynb"))
    assert html.count('class="ce-app"') == 1 and html.count('class="ce-question"') == 36
    assert html.count("application/vnd.voila.cell-output+json") == 1  # only the widget is left to the browser


@pytest.mark.parametrize("path", ["/", "/voila", "/voila/tree", "/voila/tree/benchmarks"])
def test_the_root_and_the_file_tree_lead_to_the_landing_page(app, path):
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.build_opener(NoRedirect).open(app.url + path, timeout=30)
    caught.value.close()
    assert caught.value.code in (301, 302)
    assert caught.value.headers["Location"].endswith(page_path("index.ipynb"))


@pytest.mark.parametrize(
    "path",
    [
        "/voila/render/benchmarks/baseline_print.ipynb",  # a notebook of the repository, not a page
        "/voila/render/notebooks/inexistant.ipynb",
        "/voila/render/notebooks/../benchmarks/baseline_print.ipynb",
        "/voila/render/tests/../notebooks/index.ipynb",
        "/voila/api/contents/",
        "/nimporte/quoi",
    ],
)
def test_anything_else_is_a_french_404(app, path):
    code, body, _ = _error(app.url + path)
    assert code == 404
    assert '<html lang="fr">' in body and "Page introuvable" in body and "Traceback" not in body
    assert f'href="{page_path("index.ipynb")}"' in body


@pytest.mark.parametrize(
    "path",
    ["notebooks/autodiagnostic.ipynb", "contacts_lib/autodiagnostic/page.py", "pyproject.toml", "data/exemples/exemple-recueil.json"],
)
def test_sources_and_data_are_not_downloadable(app, path):
    code, _, _ = _error(f"{app.url}/voila/files/{path}")
    assert code in (403, 404)


def test_radar_code_is_served_for_the_preload(app):
    status, code = _get(f"{app.url}/voila/files/contacts_lib/autodiagnostic/static/plotly-radar.min.js")
    assert status == 200 and code.startswith("/* plotly.js 4.1.1 (core + scatterpolar)")


def _kernel_id(html):
    return re.search(r'"kernelId": "([0-9a-f-]+)"', html).group(1)


def _kernel_exists(server, kernel_id):
    return server.kernel_running(kernel_id)


def _wait_until_gone(server, kernel_ids, timeout):
    start = time.monotonic()
    while any(_kernel_exists(server, kernel_id) for kernel_id in kernel_ids):
        assert time.monotonic() - start < timeout, f"kernels still running after {timeout} s"
        time.sleep(0.5)
    return time.monotonic() - start


def test_the_page_shutdown_request_frees_its_kernel(app):
    """The page sends Voilà's shutdown request with the xsrf cookie it received: accepted."""
    app.wait_for_kernels(pooled_kernels(), timeout=90)
    cookies = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies))
    _, html = _get(app.url + page_path("autodiagnostic.ipynb"), opener)
    kernel_id = _kernel_id(html)
    assert _kernel_exists(app, kernel_id)
    # Knowing a kernel's id tells nothing about it: its model is no one's to read.
    assert _error(f"{app.url}/api/kernels/{kernel_id}")[0] == 404
    xsrf = {cookie.name: cookie.value for cookie in cookies}["_xsrf"]
    without_token = urllib.request.Request(f"{app.url}/voila/api/shutdown/{kernel_id}", data=b"", method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        opener.open(without_token, timeout=30)
    refused.value.close()
    assert refused.value.code == 403  # the xsrf check stays on
    form = urllib.parse.urlencode({"_xsrf": xsrf}).encode()
    with opener.open(urllib.request.Request(f"{app.url}/voila/api/shutdown/{kernel_id}", data=form), timeout=30) as done:
        assert done.status == 204
    assert not _kernel_exists(app, kernel_id)
    # The pool refills what the page took, and nothing more stays.
    assert app.wait_for_kernels(pooled_kernels(), timeout=60) < 60


def test_over_the_bound_a_french_page_asks_to_retry(tmp_path):
    with running_app(tmp_path / "voila.log", ("--AppServer.max_visitors=1",)) as server:
        server.wait_for_kernels(pooled_kernels(), timeout=90)
        status, _ = _get(server.url + page_path("autodiagnostic.ipynb"))
        assert status == 200
        code, body, headers = _error(server.url + page_path("index.ipynb"))
        assert code == 503 and headers["Retry-After"] == "15"
        assert "Trop d'utilisateurs en ce moment, réessayez dans un instant." in body.replace("&#x27;", "'")
        assert '<meta http-equiv="refresh" content="15">' in body and '<html lang="fr">' in body


def test_a_burst_of_visitors_is_held_to_the_bound(tmp_path):
    """Many requests at once: pages still being rendered count, so the bound holds."""
    from concurrent.futures import ThreadPoolExecutor

    with running_app(tmp_path / "voila.log", ("--AppServer.max_visitors=3",)) as server:
        server.wait_for_kernels(pooled_kernels(), timeout=90)

        def visit(_):
            try:
                return _get(server.url + page_path("autodiagnostic.ipynb"))[0]
            except urllib.error.HTTPError as error:
                error.close()
                return error.code

        with ThreadPoolExecutor(8) as pool:
            codes = list(pool.map(visit, range(8)))
        assert codes.count(200) <= 3 and codes.count(503) >= 5, codes


def test_visitors_cannot_switch_the_template_or_the_theme(app):
    """voila.json forbids ?template= and ?theme=: the page is the app's, with its first paint."""
    for query in ("?template=lab", "?theme=dark"):
        status, html = _get(app.url + page_path("autodiagnostic.ipynb") + query)
        assert status == 200 and html.count('class="ce-question"') == 36, query
        assert "theme-dark" not in html


@contextlib.contextmanager
def connected(server, kernel_id):
    """Hold a websocket connection to a kernel, as an open page does, until the block ends."""
    from tornado.websocket import websocket_connect

    loop = asyncio.new_event_loop()
    opened = threading.Event()
    closing = None  # an asyncio.Event of the thread's loop

    async def hold():
        nonlocal closing
        closing = asyncio.Event()
        socket = await websocket_connect(f"{server.url.replace('http', 'ws', 1)}/api/kernels/{kernel_id}/channels?session_id=test")
        opened.set()
        await closing.wait()
        socket.close()

    thread = threading.Thread(target=loop.run_until_complete, args=(hold(),), daemon=True)
    thread.start()
    assert opened.wait(60)
    try:
        yield
    finally:
        loop.call_soon_threadsafe(closing.set)
        thread.join(30)
        loop.close()


def test_idle_kernels_without_a_page_are_culled_and_connected_ones_kept(tmp_path):
    """A plain GET (a link preview, a tab closed at once) takes a kernel: culled once idle. A
    kernel with its page connected is kept, however idle."""
    options = ("--MappingKernelManager.cull_idle_timeout=4", "--MappingKernelManager.cull_interval=1")
    with running_app(tmp_path / "voila.log", options) as server:
        server.wait_for_kernels(pooled_kernels(), timeout=90)
        taken = [_kernel_id(_get(server.url + page_path(name))[1]) for name in ("autodiagnostic.ipynb", "index.ipynb")]
        kept = _kernel_id(_get(server.url + page_path("autodiagnostic.ipynb"))[1])
        with connected(server, kept):
            assert all(_kernel_exists(server, kernel_id) for kernel_id in taken)
            assert _wait_until_gone(server, taken, timeout=60) >= 3  # not before its idle time
            assert server.log.read_text(errors="replace").count("Culling 'idle' kernel") >= 2
            time.sleep(6)  # longer than the idle time
            assert _kernel_exists(server, kept)


def test_a_room_is_served_from_one_machine_with_a_warning(tmp_path):
    """``app --ip 0.0.0.0`` listens on every interface and says there is no authentication."""
    with running_app(tmp_path / "voila.log", ip="0.0.0.0") as server:
        status, html = _get(server.url + page_path("index.ipynb"))
        assert status == 200 and "Remplir l&#x27;autodiagnostic" in html.replace("'", "&#x27;")
        printed = server.log.read_text(errors="replace")
        assert "Attention : l'application n'a pas d'authentification" in printed
        assert "Depuis les autres postes : http://" in printed


def test_a_client_of_the_older_websocket_protocol_cannot_bring_the_server_down(app):
    """A binary reply (here the page's markup, asked through the widget) to a client speaking the
    older kernel protocol: Voilà's filter misread it and looped, eating memory; now it arrives."""
    from tornado.websocket import websocket_connect

    from benchmarks.load import _message, memory_kib

    async def ask_markup():
        _, html = _get(app.url + page_path("autodiagnostic.ipynb"))
        session = "ancien-protocole"
        socket = await websocket_connect(
            f"{app.url.replace('http', 'ws', 1)}/api/kernels/{_kernel_id(html)}/channels?session_id={session}"
        )
        control = "controle"
        socket.write_message(_message("comm_open", {"comm_id": control, "target_name": "jupyter.widget.control", "data": {}},
                                      session, metadata={"version": "1.0.0"}))
        socket.write_message(_message("comm_msg", {"comm_id": control, "data": {"method": "request_states"}}, session))
        model = None
        while model is None:
            message = json.loads(await asyncio.wait_for(socket.read_message(), 60))
            data = message["content"].get("data", {})
            if data.get("method") == "update_states":
                model = next(mid for mid, state in data["states"].items() if state["model_name"] == "AnyModel")
        socket.write_message(_message(
            "comm_msg", {"comm_id": model, "data": {"method": "custom", "content": {"type": "markup"}}}, session,
        ))
        while True:
            frame = await asyncio.wait_for(socket.read_message(), 30)
            if isinstance(frame, bytes):
                socket.close()
                return frame

    frame = asyncio.run(ask_markup())
    assert b'"type": "markup"' in frame and b'class="ce-app"' in frame
    assert memory_kib(app._voila_pid())[0] < 400 * 1024  # KiB: the server did not run away


def _kernel_spec_that_dies(folder, seconds: int):
    """A ``python3`` kernel spec (first on JUPYTER_PATH) whose process dies after ``seconds``."""
    spec = folder / "kernels" / "python3"
    spec.mkdir(parents=True)
    spec.joinpath("kernel.json").write_text(json.dumps({
        "argv": ["/bin/sh", "-c", f"sleep {seconds}; exit 1", "{connection_file}"],
        "display_name": "Python 3", "language": "python",
    }))
    return {"JUPYTER_PATH": str(folder)}


def test_a_kernel_that_cannot_start_gives_the_french_retry_page_and_no_traceback(tmp_path):
    """A kernel that dies before its page is ready, whether preheated (the page already streaming)
    or started for the visitor once the pools gave up: the visitor reads the French « réessayez »
    page, which reloads itself; the server's log has one line for each, never a traceback."""
    from playwright.sync_api import sync_playwright

    from tests.browser import launch

    environment = _kernel_spec_that_dies(tmp_path / "jupyter", seconds=6)
    with running_app(tmp_path / "voila.log", environment=environment) as server, sync_playwright() as playwright:
        browser = launch(playwright)

        def visit(name):
            page = browser.new_page(locale="fr-FR")
            page.goto(server.url + page_path(name), wait_until="commit")
            page.wait_for_selector("h1:has-text(\"La page n'a pas pu démarrer\")", timeout=90_000)
            text = page.inner_text("body")
            assert "réessayez dans un instant" in text and "se rechargera d'elle-même dans 15 secondes" in text
            assert page.title() == "La page n'a pas pu démarrer — 100 % Contacts efficaces"
            page.close()

        _wait_for_log(server, "Kernel pool of notebooks/atelier.ipynb is filled")
        visit("atelier.ipynb")  # a preheated kernel, handed out before it died
        _wait_for_log(server, "Preheated kernel .* for notebooks/reseau.ipynb failed")
        visit("reseau.ipynb")  # the pool gave up: a kernel started for the visitor
        browser.close()
        log = server.log.read_text(errors="replace")
    assert re.search(r"No kernel for notebooks/atelier\.ipynb: RuntimeError: Kernel died", log)
    assert re.search(r"No kernel for notebooks/reseau\.ipynb: RuntimeError: Kernel died", log)
    assert "Traceback" not in log and "never retrieved" not in log


def _wait_for_log(server, pattern: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not re.search(pattern, server.log.read_text(errors="replace")):
        assert time.monotonic() < deadline, f"« {pattern} » not in the log after {timeout} s"
        time.sleep(0.2)


@pytest.mark.parametrize(("path", "code", "title"), [
    ("/api/kernels/00000000-0000-0000-0000-000000000000/channels", 404, "Page introuvable"),  # no such kernel
    ("/voila/static/absent.js", 403, "Accès refusé"),  # Voilà's static files
    ("/voila/templates/lab/static/absent.css", 404, "Page introuvable"),  # the template's
    ("/voila/files/notebooks/absent.txt", 403, "Accès refusé"),  # not in voila.json's allowlist
    ("/logout", 404, "Page introuvable"),  # no sign-in, no sign-out
    ("/voila/templates/lab/static/..%2F..%2F..%2Fetc%2Fpasswd", 404, "Page introuvable"),  # out of the template
    ("/voila/templates/lab/static/..%2Findex.html.j2", 404, "Page introuvable"),
    ("/voila/static/..%2F..%2Fapp.py", 403, "Accès refusé"),
])
def test_errors_of_every_handler_are_french_pages_without_traceback(app, path, code, title):
    """Every handler Voilà and Jupyter register answers its errors with a French page: Jupyter's
    error template is not installed with Voilà, and its pages ended in a traceback chain."""
    got, body, _ = _error(app.url + path)
    assert (got, '<html lang="fr">' in body, f"<h1>{escape(title)}</h1>" in body) == (code, True, True)
    assert "Traceback" not in app.log.read_text(errors="replace")


def test_kernels_are_reached_through_unix_sockets_not_ports(app):
    """voila.json: ``KernelManager.transport`` is ``ipc``: no kernel listens on a TCP port of the
    machine, and kernels starting together never race for ports."""
    app.wait_for_kernels(pooled_kernels(), timeout=90)
    for pid in app.kernels():
        arguments = Path(f"/proc/{pid}/cmdline").read_text().split("\0")
        connection = json.loads(Path(arguments[arguments.index("-f") + 1]).read_text())
        assert connection["transport"] == "ipc" and connection["ip"].endswith("-ipc")
    assert "running over TCP" not in app.log.read_text(errors="replace")


def _running(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting for its parent does not)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGINT"])
def test_stopping_the_app_stops_its_server_and_every_kernel(tmp_path, signal_name):
    """A service manager stops the app with SIGTERM, a person with Ctrl-C (SIGINT): the Voilà
    server and all its kernels stop with it, nothing is left running."""
    import signal

    with running_app(tmp_path / "voila.log") as server:
        server.wait_for_kernels(pooled_kernels(), timeout=120)
        left = [server._voila_pid(), *server.kernels()]
        assert server.pid not in left and len(left) == 1 + pooled_kernels()
        os.kill(server.pid, getattr(signal, signal_name))  # the command alone, as systemd or Ctrl-C does
        deadline = time.monotonic() + 60
        while any(_running(pid) for pid in [server.pid, *left]):
            assert time.monotonic() < deadline, [pid for pid in [server.pid, *left] if _running(pid)]
            time.sleep(0.2)
    assert "Kernel shutdown" in server.log.read_text(errors="replace")


def test_no_response_says_which_server_or_version_answers(app):
    """No ``Server`` header, and the pages do not carry Voilà's version (item 5 of issue 17)."""
    import voila

    for path in (page_path("index.ipynb"), page_path("autodiagnostic.ipynb"), "/voila/static/voila.js", "/introuvable",
                 "/api/kernels", "/voila/templates/contacts/static/rien.css"):
        request = urllib.request.Request(app.url + path)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                headers, body = response.headers, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            headers, body = error.headers, error.read().decode("utf-8", "replace")
            error.close()
        assert "Server" not in headers, (path, headers["Server"])
        if path.endswith(".ipynb"):
            assert f'"appVersion": "{voila.__version__}"' not in body and "Traceback" not in body, path
