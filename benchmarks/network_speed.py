"""Benchmark of the network features on 15,000 structures, as ratios measured in one run.

1. ``contacts-efficaces score --csv`` on one CSV of 15,000 structures, against reading the same
   file with ``pandas.read_csv`` in a fresh Python process (medians, runs alternated);
2. the network page (``notebooks/reseau.ipynb``) with those 15,000 structures
   (``CONTACTS_EFFICACES_RESEAU``), on one Voilà server with the project's settings: time from
   navigation start until its headline and its first figure are shown, against the time a
   one-cell print notebook shows its text on the same server (both preheated, fresh browser
   context each time); then the time from choosing a région to the page redrawn.

Run: ``.venv/bin/python benchmarks/network_speed.py`` (needs Debian's chromium). Prints a table
and exits non-zero if a target is missed: score ≤ 2 × read_csv, page ≤ 2 × print, filter ≤ 500 ms.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from contacts_lib.formats import write_csv  # noqa: E402
from contacts_lib.network import Network, sample_network, write_sample_network  # noqa: E402
from contacts_lib.network.page import NETWORK_VARIABLE  # noqa: E402
from contacts_lib.web.server import page_path
from tests.app_server import running_app  # noqa: E402
from tests.browser import launch  # noqa: E402

STRUCTURES = 15_000
SCORE_TARGET = 2.0
PAGE_TARGET = 2.0
FILTER_TARGET_MS = 500
BASELINE = "baseline_print.ipynb"

MILESTONES = """
window.__milestones = {};
new MutationObserver(() => {
  const now = performance.now(), seen = window.__milestones;
  const cells = document.getElementById("rendered_cells");
  if (!seen.text && cells && cells.style.display !== "none" && cells.innerText.includes("Bonjour")) seen.text = now;
  if (!seen.page && document.querySelector(".ce-figures") && document.querySelector(".ce-svg svg")) seen.page = now;
}).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
"""
CHOOSE_AND_WAIT = """async (region) => {
  const label = (o) => o.textContent.replace(/\u00a0/g, ' ');
  const select = [...document.querySelectorAll('select')].find(s => [...s.options].some(o => label(o) === region));
  const headline = document.querySelector('.ce-figure strong');
  const before = headline.textContent;
  const start = performance.now();
  select.value = [...select.options].find(o => label(o) === region).value;
  select.dispatchEvent(new Event('change', { bubbles: true }));
  await new Promise((resolve) => {
    const check = () => { if (document.querySelector('.ce-figure strong').textContent !== before) resolve(); else requestAnimationFrame(check); };
    check();
  });
  return performance.now() - start;
}"""


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def milestone(browser, url: str, name: str) -> float:
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script(MILESTONES)
    page.goto(url)
    page.wait_for_function(f"() => window.__milestones && window.__milestones.{name}", timeout=180_000)
    seconds = page.evaluate(f"window.__milestones.{name}") / 1000
    context.close()
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--pause", type=float, default=12.0, help="seconds for the kernel pools to refill")
    arguments = parser.parse_args()
    python = sys.executable
    cli = str(Path(python).with_name("contacts-efficaces"))

    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        diagnostics = sample_network(STRUCTURES)
        latest = Network(tuple(diagnostics), ("x",) * len(diagnostics)).latest()
        write_csv(latest.diagnostics, folder / "reseau-15000.csv")
        score_times, pandas_times = [], []
        for _ in range(arguments.rounds):
            score_times.append(timed([cli, "score", "--csv", str(folder / "reseau-15000.csv")]))
            pandas_times.append(timed([python, "-c", f"import pandas; pandas.read_csv({str(folder / 'reseau-15000.csv')!r})"]))

        network_folder = folder / "reseau"
        write_sample_network(network_folder, STRUCTURES)
        pools = json.loads((ROOT / "voila.json").read_text())["VoilaKernelManager"]["kernel_pools_config"]
        pools = {**pools, f"benchmarks/{BASELINE}": {"pool_size": 1}}
        options = (
            f"--VoilaKernelManager.kernel_pools_config={json.dumps(pools)}",
            '--AppServer.page_folders=["notebooks", "benchmarks"]',
        )
        with running_app(folder / "voila.log", options, environment={NETWORK_VARIABLE: str(network_folder)}) as server, \
                sync_playwright() as playwright:
            browser = launch(playwright)
            time.sleep(arguments.pause * 2)
            page_times, baseline_times = [], []
            for _ in range(arguments.rounds):
                baseline_times.append(milestone(browser, f"{server.url}/voila/render/benchmarks/{BASELINE}", "text"))
                page_times.append(milestone(browser, server.url + page_path("reseau.ipynb"), "page"))
                time.sleep(arguments.pause)
            page = browser.new_page()
            page.goto(server.url + page_path("reseau.ipynb"))
            page.wait_for_selector(".ce-figures", timeout=180_000)
            page.wait_for_function(
                "() => [...document.querySelectorAll('select option')].some(o => o.textContent === 'Bretagne')", timeout=60_000
            )
            filters = [page.evaluate(CHOOSE_AND_WAIT, region) for region in ("Bretagne", "Corse", "Normandie", "Occitanie", "Grand Est")]
            browser.close()

    score_ratio = statistics.median(score_times) / statistics.median(pandas_times)
    page_ratio = statistics.median(page_times) / statistics.median(baseline_times)
    print(f"score --csv, {STRUCTURES} structures : {statistics.median(score_times):.2f} s (median of {arguments.rounds})")
    print(f"pandas.read_csv, fresh process   : {statistics.median(pandas_times):.2f} s")
    print(f"  ratio                          : {score_ratio:.2f} (target ≤ {SCORE_TARGET})")
    print(f"one-cell print, text shown       : {statistics.median(baseline_times):.2f} s ({', '.join(f'{t:.2f}' for t in baseline_times)})")
    print(f"network page, headline + figure  : {statistics.median(page_times):.2f} s ({', '.join(f'{t:.2f}' for t in page_times)})")
    print(f"  ratio                          : {page_ratio:.2f} (target ≤ {PAGE_TARGET})")
    print(f"région chosen → page redrawn     : median {statistics.median(filters):.0f} ms, max {max(filters):.0f} ms "
          f"(target ≤ {FILTER_TARGET_MS} ms)")
    ok = score_ratio <= SCORE_TARGET and page_ratio <= PAGE_TARGET and max(filters) <= FILTER_TARGET_MS
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
