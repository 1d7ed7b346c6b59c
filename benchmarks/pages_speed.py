"""Benchmark of every page of the app, in headless Chromium, against a one-cell print notebook.

All the pages and the print notebook are served by one server with the project's settings
(voila.json: every page preheated), in one run, so the machine's noise touches them alike; the
figure that counts is each page's ratio to the print notebook's time to show its text.

- time to usable, from navigation start (the page's own clock) until what the visitor came for
  answers: the landing page's way in shown; the app's widget connected (a click updates the
  scores); the Réseau, Réitération, Coûts and Atelier pages' widgets drawn (they are drawn once
  connected to their kernel) — medians over --rounds loads, a fresh browser context each time;
- the app's first action: from navigation start until a file chosen at once (the recueil's
  example) shows its scores (« 64 % »), measured from the outside as a visitor does it;
- the memory of each page's kernel once the page is open (RSS and PSS from /proc, the kernel
  found by the id in the page), for the memory budget of the pools (voila.json).

Run: ``.venv/bin/python benchmarks/pages_speed.py [--rounds 5]`` (needs Debian's chromium).
Prints a table and exits non-zero if a target is missed: every page ≤ 1.5 × print, the app's
upload ≤ 1.3 × print.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.load import memory_kib
from benchmarks.timing import with_baseline
from contacts_lib.autodiagnostic.reference import example_path
from contacts_lib.web.server import APP_NOTEBOOK, page_path
from tests.app_server import running_app
from tests.browser import PAGE_READY, launch

BASELINE = "baseline_print.ipynb"
PAGE_TARGET = 1.5
UPLOAD_TARGET = 1.3
BASELINE_TEXT = "Bonjour"

# Milestones in the page's own clock (ms since navigation start), recorded as the DOM changes.
WATCH = """
window.__seen = {};
new MutationObserver(() => {
  const now = performance.now(), seen = window.__seen;
  const cells = document.getElementById("rendered_cells");
  if (!seen.text && cells && cells.style.display !== "none" && cells.innerText.includes(%(text)s)) seen.text = now;
  if (!seen.usable && %(selector)s && document.querySelector(%(selector)s)) seen.usable = now;
  const moyenne = document.querySelector('.ce-results [data-result="moyenne"]');
  if (!seen.scores && moyenne && moyenne.textContent.replace(/\\s/g, ' ') === '64 %%') seen.scores = now;
}).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
"""


def _seconds(browser, url: str, milestone: str, selector: str | None = None, upload: Path | None = None) -> float:
    """Seconds from navigation start to ``milestone``, in a fresh browser context."""
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.add_init_script(WATCH % {"text": json.dumps(BASELINE_TEXT), "selector": json.dumps(selector) if selector else "null"})
    page.goto(url, wait_until="commit")
    if upload is not None:  # as soon as the file chooser is on the page, as a hurried visitor does
        page.wait_for_selector(".ce-file", state="attached", timeout=120_000)
        page.set_input_files(".ce-file", str(upload))
    page.wait_for_function(f"() => window.__seen && window.__seen.{milestone}", timeout=180_000, polling=50)
    seen = page.evaluate(f"window.__seen.{milestone}")
    context.close()
    return seen / 1000


def _kernel_memory(server, notebook: str) -> tuple[int, int]:
    """(RSS, PSS) in KiB of the kernel a visitor of ``notebook`` gets, once the page is sent."""
    with urllib.request.urlopen(server.url + page_path(notebook), timeout=120) as response:
        html = response.read().decode("utf-8", "replace")
    kernel_id = re.search(r'"kernelId": "([0-9a-f-]+)"', html).group(1)
    time.sleep(2)  # the page's last cell done (a preheated page has run already)
    for pid in server.kernels():
        if kernel_id in Path(f"/proc/{pid}/cmdline").read_text(errors="replace"):
            return memory_kib(pid)
    raise LookupError(f"no kernel process for {kernel_id}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--pause", type=float, default=10.0,
                        help="seconds for the kernel pools to refill between rounds (voila.json: fill_delay, then the notebook runs)")
    arguments = parser.parse_args()

    options = with_baseline(BASELINE)
    times: dict[str, list[float]] = {name: [] for name in ["print", *PAGE_READY, "upload"]}
    with tempfile.TemporaryDirectory() as folder, running_app(Path(folder) / "voila.log", options) as server, \
            sync_playwright() as playwright:
        browser = launch(playwright)
        time.sleep(arguments.pause * 3)  # every pool filled, every preheated page rendered
        for _ in range(arguments.rounds):
            # One load at a time, each once the previous page's pool has refilled: a kernel
            # starting beside a page would slow the page that happens to come next.
            times["print"].append(_seconds(browser, f"{server.url}/voila/render/benchmarks/{BASELINE}", "text"))
            for notebook, selector in PAGE_READY.items():
                time.sleep(arguments.pause)
                times[notebook].append(_seconds(browser, server.url + page_path(notebook), "usable", selector))
            time.sleep(arguments.pause)
            times["upload"].append(_seconds(browser, server.url + page_path(APP_NOTEBOOK), "scores", upload=example_path()))
            time.sleep(arguments.pause)
        browser.close()
        memory = {notebook: _kernel_memory(server, notebook) for notebook in PAGE_READY}

    baseline = statistics.median(times["print"])
    print(f"one-cell print notebook, text shown : {baseline:.2f} s (median of {arguments.rounds}; "
          f"{', '.join(f'{t:.2f}' for t in times['print'])})")
    missed = []
    for name in [*PAGE_READY, "upload"]:
        median = statistics.median(times[name])
        target = UPLOAD_TARGET if name == "upload" else PAGE_TARGET
        label = "app: open, upload → scores" if name == "upload" else f"{name.removesuffix('.ipynb')}: usable"
        print(f"{label:<36}: {median:.2f} s, {median / baseline:.2f} × print (target ≤ {target}; "
              f"{', '.join(f'{t:.2f}' for t in times[name])})")
        if median / baseline > target:
            missed.append(name)
    print("kernel memory once the page is open (RSS / PSS):")
    for notebook, (rss, pss) in memory.items():
        print(f"  {notebook:<22}: {rss / 1024:.0f} Mo / {pss / 1024:.0f} Mo")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
