"""Load test of the app's server: many visitors opening the autodiagnostic at once.

Each visitor is either a websocket client, which does what the page does over the kernel's
websocket (Jupyter protocol), or a real page in headless Chromium:

- websocket visitor: GET the page (its kernel id is in it), open the kernel's websocket, ask
  the widget states (the ipywidgets control comm, as Voilà's front end does), answer 36 questions
  by updating the widget's ``answers``, and wait for the scores the kernel sends back; its time to
  interactive runs from the GET to those scores;
- browser visitor: from navigation to the widget connected (``.ce-app[data-live]``), then one
  click and the scores updated.

All start together against one server with the project's settings (voila.json). The script prints
the p50 and p95 time to interactive of each kind, the visitors that never became interactive
(and why), the memory of the kernels (RSS and PSS from /proc, per kernel) and of the server.

Run: ``.venv/bin/python benchmarks/load.py [--sockets 20] [--pages 4]`` (needs Debian's chromium).
Exits non-zero if a visitor never became interactive.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tornado.httpclient import AsyncHTTPClient  # noqa: E402
from tornado.websocket import websocket_connect  # noqa: E402

from contacts_lib.web.server import page_path
from tests.app_server import RunningApp, pooled_kernels, running_app  # noqa: E402
from tests.browser import CHROMIUM_FLAGS, chromium_path  # noqa: E402

APP = "autodiagnostic.ipynb"
TIMEOUT = 180.0


@dataclass
class Visit:
    kind: str
    seconds: float | None = None
    problem: str = ""
    steps: dict[str, float] = field(default_factory=dict)
    socket: object = None  # the visitor's kernel websocket, open as its page would be


def _message(msg_type: str, content: dict, session: str, channel: str = "shell", metadata: dict | None = None) -> str:
    return json.dumps({
        "header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "session": session, "username": "charge",
                   "date": "", "version": "5.3"},
        "parent_header": {}, "metadata": metadata or {}, "content": content, "channel": channel, "buffers": [],
    })


async def websocket_visit(base: str, answers: list[str]) -> Visit:
    """One visitor as the page's front end talks to the kernel, without a browser."""
    visit = Visit("websocket")
    start = time.monotonic()
    try:
        response = await AsyncHTTPClient().fetch(base + page_path(APP), request_timeout=TIMEOUT)
        html = response.body.decode("utf-8", "replace")
        visit.steps["page"] = time.monotonic() - start
        found = re.search(r'"kernelId": "([0-9a-f-]+)"', html)
        if not found:
            visit.problem = f"page without kernel (HTTP {response.code})"
            return visit
        session = uuid.uuid4().hex
        socket = visit.socket = await websocket_connect(
            f"{base.replace('http', 'ws', 1)}/api/kernels/{found.group(1)}/channels?session_id={session}",
            connect_timeout=TIMEOUT,
        )
        visit.steps["websocket"] = time.monotonic() - start
        control = uuid.uuid4().hex
        socket.write_message(_message("comm_open", {"comm_id": control, "target_name": "jupyter.widget.control", "data": {}},
                                      session, metadata={"version": "1.0.0"}))
        socket.write_message(_message("comm_msg", {"comm_id": control, "data": {"method": "request_states"}}, session))
        model_id = None
        deadline = start + TIMEOUT
        while time.monotonic() < deadline:
            raw = await asyncio.wait_for(socket.read_message(), timeout=max(1.0, deadline - time.monotonic()))
            if raw is None:
                visit.problem = "websocket closed"
                return visit
            if isinstance(raw, bytes):
                continue
            message = json.loads(raw)
            data = message.get("content", {}).get("data", {})
            if message.get("msg_type") == "comm_msg" and data.get("method") == "update_states":
                models = [mid for mid, state in data["states"].items() if state.get("model_name") == "AnyModel"]
                if not models:
                    visit.problem = "model not found"
                    return visit
                model_id = models[0]
                visit.steps["states"] = time.monotonic() - start
                socket.write_message(_message(
                    "comm_msg", {"comm_id": model_id, "data": {"method": "update", "state": {"answers": answers}, "buffer_paths": []}},
                    session,
                ))
            elif model_id and message.get("msg_type") == "comm_msg" and data.get("method") == "update" \
                    and "results" in data.get("state", {}):
                visit.seconds = time.monotonic() - start
                return visit  # the socket stays open, as a visitor's page does, until the end
        visit.problem = "no scores in time"
    except Exception as error:  # a failure of one visitor is a result, not a crash of the test
        visit.problem = f"{type(error).__name__}: {error}"
    return visit


async def browser_visit(browser, base: str, pages: list) -> Visit:
    """One visitor in a real page: connected, then a click updates the scores. The page stays
    open (in ``pages``) until every visitor is done, as the websocket visitors' kernels do."""
    visit = Visit("navigateur")
    context = await browser.new_context()
    pages.append(context)
    page = await context.new_page()
    start = time.monotonic()
    try:
        await page.goto(base + page_path(APP), timeout=TIMEOUT * 1000)
        await page.wait_for_selector(".ce-app[data-live]", timeout=TIMEOUT * 1000)
        visit.steps["live"] = time.monotonic() - start
        await page.locator(".ce-question").nth(0).get_by_text("Oui", exact=True).click()
        await page.wait_for_function(
            "() => document.querySelector('.ce-results [data-result=progress]').textContent.startsWith('1 /')",
            timeout=TIMEOUT * 1000,
        )
        visit.seconds = time.monotonic() - start
        if await page.get_by_text("model not found").count():
            visit.problem = "model not found"
    except Exception as error:
        visit.problem = f"{type(error).__name__}: {str(error).splitlines()[0]}"
    return visit


def memory_kib(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of a process in KiB."""
    values = {}
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:  # the process ended meanwhile
        return 0, 0
    for line in text.splitlines():
        parts = line.split()
        if parts and parts[0] in ("Rss:", "Pss:"):
            values[parts[0]] = int(parts[1])
    return values.get("Rss:", 0), values.get("Pss:", 0)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


async def load(server: RunningApp, sockets: int, pages: int) -> tuple[list[Visit], list[tuple[int, int]]]:
    """All visitors at once; returns the visits and the memory of every kernel once they are in."""
    from playwright.async_api import async_playwright

    AsyncHTTPClient.configure(None, max_clients=sockets + 10)
    answers = ["OUI" if n % 3 else "NON" for n in range(1, 37)]
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        contexts: list = []
        visits = await asyncio.gather(
            *(websocket_visit(server.url, answers) for _ in range(sockets)),
            *(browser_visit(browser, server.url, contexts) for _ in range(pages)),
        )
        kernels = [memory for memory in (memory_kib(pid) for pid in server.kernels()) if memory[0]]
        await browser.close()
    # Close every visitor's websocket and wait until it is closed: a socket left to the garbage
    # collector would be reported later, in whatever test runs then.
    open_sockets = [visit.socket for visit in visits if visit.socket is not None]
    for socket in open_sockets:
        socket.close()
    await asyncio.gather(*(_closed(socket) for socket in open_sockets))
    return list(visits), kernels


async def _closed(socket) -> None:
    """Read what is left until the server has closed the websocket too (5 s at most)."""
    try:
        while await asyncio.wait_for(socket.read_message(), timeout=5) is not None:
            pass
    except (asyncio.TimeoutError, OSError):
        pass
    stream = getattr(getattr(socket, "protocol", None), "stream", None)
    if stream is not None and not stream.closed():
        stream.close()


def report(visits: list[Visit], kernels: list[tuple[int, int]], server_memory: tuple[int, int], elapsed: float) -> bool:
    print(f"{len(visits)} visiteurs simultanés, terminés en {elapsed:.1f} s")
    for kind in ("websocket", "navigateur"):
        done = [v.seconds for v in visits if v.kind == kind and v.seconds is not None and not v.problem]
        total = sum(v.kind == kind for v in visits)
        if not total:
            continue
        line = f"  {kind:<10} : {len(done)}/{total} interactifs"
        if done:
            line += (f" ; temps jusqu'à interactif p50 {statistics.median(done):.1f} s, "
                     f"p95 {percentile(done, 0.95):.1f} s, max {max(done):.1f} s")
        print(line)
    for name in ("page", "websocket", "states", "live"):
        times = sorted(v.steps[name] for v in visits if name in v.steps)
        if times:
            print(f"  étape {name:<9} : min {times[0]:.1f} s, p50 {statistics.median(times):.1f} s, max {times[-1]:.1f} s")
    for visit in visits:
        if visit.problem:
            print(f"  échec ({visit.kind}) : {visit.problem}")
    if kernels:
        rss = [k[0] / 1024 for k in kernels]
        pss = [k[1] / 1024 for k in kernels]
        print(f"  noyaux : {len(kernels)} ; mémoire par noyau médiane RSS {statistics.median(rss):.0f} Mo, "
              f"PSS {statistics.median(pss):.0f} Mo (max RSS {max(rss):.0f} Mo) ; total RSS {sum(rss):.0f} Mo")
    print(f"  serveur (Voilà) : RSS {server_memory[0] / 1024:.0f} Mo")
    return all(not v.problem and v.seconds is not None for v in visits)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sockets", type=int, default=20, help="visiteurs par websocket (20 par défaut)")
    parser.add_argument("--pages", type=int, default=4, help="visiteurs dans Chromium (4 par défaut)")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, running_app(Path(folder) / "voila.log") as server:
        server.wait_for_kernels(pooled_kernels(), timeout=120)
        time.sleep(2)
        start = time.monotonic()
        visits, kernels = asyncio.run(load(server, arguments.sockets, arguments.pages))
        elapsed = time.monotonic() - start
        server_memory = memory_kib(server._voila_pid())
    return 0 if report(visits, kernels, server_memory, elapsed) else 1


if __name__ == "__main__":
    sys.exit(main())
