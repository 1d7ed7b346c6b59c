"""The réitération page as an analyst uses it, in headless Chromium: the synthetic log, the
window changed, the breakdown changed, the figures equal to the library's. Screenshots in
tests/artifacts/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from contacts_lib.logs.figures import rate_text
from contacts_lib.logs.page import log_source
from contacts_lib.logs.reiteration import reiteration_by
from contacts_lib.web.server import page_path
from tests.app_server import pooled_kernels, running_app
from tests.samples import ROOT, plain

pytestmark = pytest.mark.browser
expect.set_options(timeout=60_000)

ARTIFACTS = ROOT / "tests" / "artifacts"
PAGE = page_path("reiteration.ipynb")


def test_the_reiteration_page_on_the_synthetic_log(browser, tmp_path_factory, monkeypatch):
    ARTIFACTS.mkdir(exist_ok=True)
    monkeypatch.delenv("CONTACTS_EFFICACES_JOURNAL", raising=False)
    monkeypatch.delenv("CONTACTS_EFFICACES_RESEAU", raising=False)
    source = log_source()  # the same synthetic log the page makes (same seed, same network)
    at_15 = reiteration_by(source.log, "mois", 15).iloc[-1]
    at_30 = reiteration_by(source.log, "motif", 30)
    with running_app(tmp_path_factory.mktemp("voila") / "voila.log") as server:
        context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="fr-FR")
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(server.url + page_path("index.ipynb"), timeout=180_000)
        page.get_by_role("link", name="Réitération des contacts").click()
        figures = page.locator(".ce-figures")
        expect(figures).to_be_visible(timeout=180_000)
        assert page.url.endswith(PAGE) and page.title() == "Réitération — 100 % Contacts efficaces"
        expect(page.locator(".ce-synthetic")).to_contain_text("usagers fictifs")
        # While the kernel prepares the page, Voilà's loading line names the step running.
        assert page.evaluate("window.ceSteps") == ["", "Lecture des autodiagnostics du réseau", "Préparation de la page"]
        expect(figures).to_contain_text(plain(rate_text(at_15["taux"])))
        expect(figures).to_contain_text("fenêtre de 15 jours")
        page.screenshot(path=str(ARTIFACTS / "reiteration-haut.png"))

        page.get_by_role("button", name="30 jours").click()
        expect(figures).to_contain_text("fenêtre de 30 jours")
        page.get_by_label("Répartir par").select_option(label="Motif")
        table = page.locator("table.ce-structures")
        for row in at_30.to_dict("records"):
            label = "Ensemble" if row["motif"] == "TOTAL" else row["motif"]
            expect(table.locator("tr", has_text=label).first).to_contain_text(plain(rate_text(row["taux"])))
        # The total row is in the table's head: in view without scrolling inside the table.
        total = table.locator("thead tr.ce-total")
        expect(total).to_contain_text("Ensemble")
        assert page.evaluate("""() => { let el = document.querySelector('table.ce-breakdown');
            for (; el && el.id !== 'rendered_cells'; el = el.parentElement) {
              const style = getComputedStyle(el);
              if (['auto', 'scroll'].includes(style.overflowY) && el.scrollHeight > el.clientHeight + 1) return false; }
            return true; }""")
        svg = page.locator(".ce-svg svg").first
        assert "40 % : le maximum cité par le recueil" in svg.text_content()
        page.locator("h2", has_text="Répartition").scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "reiteration-repartition.png"))
        page.locator("h2", has_text="Par quel canal").scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "reiteration-chemins.png"))
        practices = page.locator(".widget-html", has_text="une association observée, pas la preuve d'un effet").last
        expect(practices).to_be_visible()
        practices.screenshot(path=str(ARTIFACTS / "reiteration-pratiques.png"))
        assert not [e for e in errors if "usager-fictif" in e]
        assert "usager-fictif" not in page.content()  # pseudonymised: never shown
        assert errors == []
        with page.expect_event("close"):
            page.close(run_before_unload=True)
        context.close()
        assert server.wait_for_kernels(pooled_kernels(), timeout=60) < 30


def test_a_large_log_shows_its_reading_progress_then_the_page(browser, tmp_path_factory):
    """A log of 4 million contacts: the page shows at once with the reading's progress in
    percent and a bar, then the page of the log in its place."""
    from tests.test_reiteration_page import _large_log

    folder = tmp_path_factory.mktemp("journal-large")
    log = _large_log(folder / "journal.csv", 4_000_000)
    environment = {"CONTACTS_EFFICACES_JOURNAL": str(log), "CONTACTS_EFFICACES_CLE": "clé"}
    with running_app(folder / "voila.log", environment=environment) as server:
        context = browser.new_context(viewport={"width": 1280, "height": 700}, locale="fr-FR")
        page = context.new_page()
        page.goto(server.url + PAGE, timeout=180_000)
        status = page.locator(".ce-loading")
        expect(status).to_contain_text(re.compile(r"Lecture et pseudonymisation du journal de contacts\s:\s\d{1,3}\s%"), timeout=120_000)
        expect(page.locator(".widget-hprogress, .widget-progress").first).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "reiteration-lecture.png"))
        figures = page.locator(".ce-figures")
        expect(figures).to_be_visible(timeout=180_000)
        expect(page.locator(".ce-source")).to_contain_text("4 000 000 contacts")
        expect(status).to_have_count(0)
        assert "SECRET-" not in page.content()
        context.close()
