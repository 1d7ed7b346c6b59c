"""Benchmark of the Voilà app, in headless Chromium, against a one-cell print notebook.

Both pages are served by one Voilà server (the project's voila.json, preheated kernels), in one
run, so the machine's noise touches both alike; the figure that counts is the ratio.

- first paint: from navigation start to the questionnaire and the radar drawn (the SVG image of
  the radar, which plotly.js replaces once the widget is connected), against the time
  until the print notebook shows its text, both read in the page's own clock (medians over
  --rounds loads, fresh browser context each time, kernels preheated);
- widget live: from navigation start until a click updates the scores (the widget connected to
  its kernel; clicks made before are kept), against the same print notebook;
- click latency: from a click on an answer to the percentages and the radar updated in place
  (the radar's ``data-revision`` attribute, set once Plotly has redrawn), over 36 clicks.

Run: ``.venv/bin/python benchmarks/app_speed.py`` (needs Debian's chromium). Prints a table and
exits non-zero if a target is missed: first paint ≤ 1.3 × print, widget live ≤ 1.2 × print,
click p95 ≤ 100 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from contacts_lib.web.server import page_path
from tests.app_server import running_app  # noqa: E402
from benchmarks.timing import with_baseline  # noqa: E402
from tests.browser import launch  # noqa: E402

APP = "autodiagnostic.ipynb"
BASELINE = "baseline_print.ipynb"
FIRST_PAINT_TARGET = 1.3
LIVE_TARGET = 1.2
CLICK_TARGET_MS = 100

LIVE = ".ce-app[data-live]"  # the widget has connected: a click now updates the scores
CLICK_AND_WAIT = """async ([questionKey, value]) => {
  const radar = document.querySelector('.ce-radar');
  const before = radar.dataset.revision;
  const input = document.querySelector(`input[name$='-${questionKey}'][value='${value}']`);
  const start = performance.now();
  input.click();
  await new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      if (radar.dataset.revision !== before) { observer.disconnect(); resolve(); }
    });
    observer.observe(radar, { attributes: true, attributeFilter: ['data-revision'] });
  });
  return performance.now() - start;
}"""


# Milestones in the page's own clock (ms since navigation start), recorded as the DOM changes.
MILESTONES = """
window.__milestones = {};
new MutationObserver(() => {
  const now = performance.now(), seen = window.__milestones;
  const cells = document.getElementById("rendered_cells");
  if (!seen.shown && cells && cells.style.display !== "none") seen.shown = now;
  if (!seen.text && cells && cells.style.display !== "none" && cells.innerText.includes("Bonjour")) seen.text = now;
  if (!seen.drawn && document.querySelector(".ce-question") && document.querySelector(".ce-radar[data-revision] svg")) seen.drawn = now;
  if (!seen.live && document.querySelector(".ce-app[data-live]")) seen.live = now;
}).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
"""


def milestones(browser, url: str, *names: str) -> list[float]:
    """Seconds from navigation start until each named milestone, in a fresh browser context."""
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script(MILESTONES)
    page.goto(url)
    for name in names:
        page.wait_for_function(f"() => window.__milestones && window.__milestones.{name}", timeout=120_000)
    seen = page.evaluate("window.__milestones")
    context.close()
    return [seen[name] / 1000 for name in names]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--pause", type=float, default=8.0,
                        help="seconds for the kernel pool to refill (voila.json: fill_delay 4 s, then the notebook runs)")
    arguments = parser.parse_args()

    options = with_baseline(BASELINE)
    with tempfile.TemporaryDirectory() as folder, running_app(Path(folder) / "voila.log", options) as server, \
            sync_playwright() as playwright:
        base = server.url
        browser = launch(playwright)
        time.sleep(arguments.pause * 2)  # every pool filled
        app_times, live_times, baseline_times = [], [], []
        for _ in range(arguments.rounds):
            baseline_times += milestones(browser, f"{base}/voila/render/benchmarks/{BASELINE}", "text")
            drawn, live = milestones(browser, f"{base}{page_path(APP)}", "drawn", "live")
            app_times.append(drawn)
            live_times.append(live)
            time.sleep(arguments.pause)

        page = browser.new_page()
        page.goto(f"{base}{page_path(APP)}")
        page.wait_for_selector(LIVE, timeout=120_000)
        page.wait_for_selector(".ce-radar .main-svg", timeout=60_000)  # plotly.js has taken over the radar
        clicks = [
            page.evaluate(CLICK_AND_WAIT, [f"q{n:02d}", "OUI" if n % 3 else "NON"]) for n in range(1, 37)
        ]
        browser.close()

    app, baseline = statistics.median(app_times), statistics.median(baseline_times)
    live = statistics.median(live_times)
    ratio = app / baseline
    p95 = percentile(clicks, 0.95)
    live_ratio = live / baseline
    print(f"time to text, one-cell print    : {baseline:.2f} s (median of {arguments.rounds}; {', '.join(f'{t:.2f}' for t in baseline_times)})")
    print(f"questionnaire and radar drawn   : {app:.2f} s (median; {', '.join(f'{t:.2f}' for t in app_times)})")
    print(f"  ratio to print                : {ratio:.2f} (target ≤ {FIRST_PAINT_TARGET})")
    print(f"widget live (a click updates)   : {live:.2f} s (median; {', '.join(f'{t:.2f}' for t in live_times)})")
    print(f"  ratio to print                : {live_ratio:.2f} (target ≤ {LIVE_TARGET})")
    print(f"click → scores and radar updated: median {statistics.median(clicks):.0f} ms, p95 {p95:.0f} ms, "
          f"max {max(clicks):.0f} ms over {len(clicks)} clicks (target p95 ≤ {CLICK_TARGET_MS} ms)")
    return 0 if ratio <= FIRST_PAINT_TARGET and live_ratio <= LIVE_TARGET and p95 <= CLICK_TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
