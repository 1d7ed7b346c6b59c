"""The network page as a network head uses it: Voilà serving it, headless Chromium choosing
filters, searching, opening a structure and downloading, on the synthetic sample and on 15,000
generated structures. Screenshots in tests/artifacts/."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from contacts_lib.network import load_network, write_sample_network
from contacts_lib.network.page import NETWORK_VARIABLE
from contacts_lib.web.server import page_path
from tests.app_server import pooled_kernels, running_app
from tests.samples import ROOT, plain

pytestmark = pytest.mark.browser
expect.set_options(timeout=60_000)

ARTIFACTS = ROOT / "tests" / "artifacts"
PAGE = page_path("reseau.ipynb")


def _open(browser, url):
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="fr-FR", accept_downloads=True)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(url, timeout=180_000)
    expect(page.locator(".ce-figures")).to_be_visible(timeout=180_000)
    return page


def _shot(page, heading: str, name: str) -> None:
    page.evaluate("text => [...document.querySelectorAll('h2, h3')].find(h => h.textContent.startsWith(text)).scrollIntoView()", heading)
    page.wait_for_timeout(300)
    page.screenshot(path=str(ARTIFACTS / name))


def test_the_network_page_on_the_synthetic_sample(browser, tmp_path_factory):
    ARTIFACTS.mkdir(exist_ok=True)
    sample = load_network(ROOT / "data" / "reseau-synthetique").latest()  # the same network the page generates
    with running_app(tmp_path_factory.mktemp("voila") / "voila.log") as server:
        landing = _open_landing(browser, server)
        landing.get_by_role("link", name="Analyser un réseau").click()
        expect(landing.locator(".ce-figures")).to_be_visible(timeout=180_000)
        assert landing.url.endswith(PAGE)
        landing.context.close()

        page = _open(browser, server.url + PAGE)
        assert page.title() == "Réseau — 100 % Contacts efficaces"
        assert page.evaluate("document.documentElement.lang") == "fr"
        expect(page.locator(".ce-synthetic")).to_contain_text("structures fictives")
        expect(page.locator(".ce-figures")).to_contain_text(f"{len(sample)} structures")
        heatmap = page.locator(".ce-svg svg").nth(1)
        assert heatmap.locator("title").filter(has_text="36. ").count() == 1  # every practice, its whole title on hover
        page.screenshot(path=str(ARTIFACTS / "reseau-haut.png"))
        _shot(page, "Adoption", "reseau-carte.png")
        plans = page.locator(".ce-plan-figures")
        expect(plans).to_contain_text("des pratiques planifiées appliquées à la campagne suivante")
        with_plans = sum(bool(d.plan) for d in sample.diagnostics)
        expect(plans.locator(".ce-figure strong").first).to_have_text(re.compile(rf"{with_plans}\s+structures"))
        _shot(page, "Plans d'actions", "reseau-plans.png")

        caf = int((sample.structures["reseau"] == "CAF").sum())
        page.get_by_label("Réseau", exact=True).select_option(label="CAF")
        expect(page.locator(".ce-figure strong").first).to_have_text(f"{caf}\u202fstructures")
        # The figures are separate widgets: the heatmap may arrive just after the headline.
        page.wait_for_function("() => document.querySelectorAll('.ce-svg svg')[1].querySelectorAll('text[font-weight=bold]').length === 1")
        columns = page.locator(".ce-svg svg").nth(1).evaluate("svg => [...svg.querySelectorAll('text[font-weight=bold]')].map(t => t.textContent)")
        assert columns == ["CAFCAF"]  # one column: its name (and the name again, in its tooltip)

        page.get_by_label("Rechercher").fill("n° 0001")
        page.get_by_label("Rechercher").press("Enter")
        expected = sample.structures[(sample.structures["reseau"] == "CAF") & sample.structures["structure"].str.contains("n° 0001")]
        expect(page.locator("table.ce-structures caption")).to_contain_text(f"{len(expected)} structure")
        _shot(page, "Structures", "reseau-tableau.png")

        name = page.locator("table.ce-structures tbody tr td").first.inner_text()
        page.get_by_label("Structure", exact=True).select_option(label=name)
        detail = page.locator(".ce-structure")
        expect(detail).to_contain_text(name)
        expect(detail).to_contain_text("rang centile")
        expect(detail.locator("svg path[fill-rule=evenodd]")).to_have_count(1)
        _shot(page, name, "reseau-structure.png")

        page.get_by_label("Rechercher").fill("")
        page.get_by_label("Rechercher").press("Enter")
        page.get_by_role("button", name="Préparer le CSV").click()
        with page.expect_download() as caught:
            page.get_by_role("link", name="Enregistrer reseau-structures.csv").click()
        rows = list(csv.DictReader(io.StringIO(Path(caught.value.path()).read_text(encoding="utf-8"))))
        assert len(rows) == caf and {row["reseau"] for row in rows} == {"CAF"}
        page.get_by_label("Tableau", exact=True).select_option(label="Plans d'actions : une ligne par action")
        page.get_by_role("button", name="Préparer le CSV").click()
        with page.expect_download() as caught:
            page.get_by_role("link", name="Enregistrer reseau-actions.csv").click()
        rows = list(csv.DictReader(io.StringIO(Path(caught.value.path()).read_text(encoding="utf-8"))))
        assert len(rows) == sum(len(d.plan) for d in sample.diagnostics if d.reseau == "CAF") > 0
        assert page.errors == []
        # The tab goes: its kernel is given back at once (pagehide), not a minute later by culling.
        with page.expect_event("close"):
            page.close(run_before_unload=True)
        page.context.close()
        assert server.wait_for_kernels(pooled_kernels(), timeout=60) < 30


def _open_landing(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="fr-FR")
    page = context.new_page()
    page.goto(server.url + page_path("index.ipynb"), timeout=180_000)
    return page


def test_the_network_page_with_15000_structures(browser, tmp_path_factory):
    folder = tmp_path_factory.mktemp("reseau-15000")
    write_sample_network(folder, structures=15_000, seed=11)
    with running_app(tmp_path_factory.mktemp("voila") / "voila.log", environment={NETWORK_VARIABLE: str(folder)}) as server:
        page = _open(browser, server.url + PAGE)
        expect(page.locator(".ce-figures")).to_contain_text("15\u202f000\u202fstructures")
        source = plain(page.locator(".ce-source").inner_text())
        assert "dossier du réseau, 2 fichiers (15 000 structures)" in source and str(folder) not in source
        assert page.locator(".ce-synthetic").count() == 0  # files given by the user: not called a sample
        page.get_by_label("Région", exact=True).select_option(label="Bretagne")
        expect(page.locator(".ce-figure strong").first).not_to_have_text("15\u202f000\u202fstructures")
        assert "Bretagne" in page.locator("table.ce-structures tbody").inner_text()
        page.screenshot(path=str(ARTIFACTS / "reseau-15000.png"))
        assert page.errors == []
        page.context.close()

        # The autodiagnostic app, on the same server, places the structure among these 15,000.
        context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="fr-FR")
        app = context.new_page()
        app.goto(server.url + page_path("autodiagnostic.ipynb") + "?exemple=recueil", timeout=180_000)
        expect(app.locator(".ce-app[data-live]")).to_be_attached(timeout=180_000)
        app.get_by_label("Réseau", exact=True).fill("CAF")
        app.get_by_label("Réseau", exact=True).press("Tab")
        standing = app.locator(".ce-standing")
        expect(standing).to_contain_text("Comparée au réseau CAF (")
        expect(standing).to_contain_text("Orientation :")
        expect(app.locator(".ce-radar .main-svg").first).to_be_attached()
        assert app.locator(".ce-radar path.js-fill").count() >= 3  # the band's two fills and the structure's
        app.locator(".ce-results").scroll_into_view_if_needed()
        app.wait_for_timeout(500)
        app.screenshot(path=str(ARTIFACTS / "app-reseau.png"))
        context.close()
