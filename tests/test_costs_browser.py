"""The channel-costs page as an analyst uses it: Voilà serving it, headless Chromium following
the landing page's link, choosing a preset, changing a cost, typing a bad one, moving the
what-if slider with the keyboard, filtering a réseau and downloading the CSV, on the synthetic
sample. Every expected figure is worked out here from the sample's autodiagnostics.
Screenshots in tests/artifacts/couts-*.png."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from contacts_lib.network import load_network
from contacts_lib.web.server import page_path
from tests.app_server import pooled_kernels, running_app
from tests.samples import ROOT, plain

pytestmark = pytest.mark.browser
expect.set_options(timeout=60_000)

ARTIFACTS = ROOT / "tests" / "artifacts"
PAGE = page_path("couts.ipynb")
COLUMNS = {"guichet": ("visites_guichet", 1), "telephone": ("appels", 1), "web": ("visiteurs_web_mensuels", 12)}


def _yearly(structures, canal: str) -> float:
    column, factor = COLUMNS[canal]
    return float(structures[column].astype("Float64").sum()) * factor


def _amount(value: float, decimals: int = 0) -> str:
    """A figure as the page writes it, its spaces made plain."""
    return f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",")


def _shot(page, heading: str, name: str) -> None:
    page.evaluate("text => [...document.querySelectorAll('h2')].find(h => h.textContent.startsWith(text)).scrollIntoView()", heading)
    page.wait_for_timeout(300)
    page.screenshot(path=str(ARTIFACTS / name))


def _saving(page) -> str:
    return plain(page.locator(".ce-saving").inner_text())


def test_the_costs_page_on_the_synthetic_sample(browser, tmp_path_factory):
    ARTIFACTS.mkdir(exist_ok=True)
    sample = load_network(ROOT / "data" / "reseau-synthetique").latest().structures  # the network the page generates
    with running_app(tmp_path_factory.mktemp("voila") / "voila.log") as server:
        context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="fr-FR", accept_downloads=True)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.goto(server.url + page_path("index.ipynb"), timeout=180_000)
        page.get_by_role("link", name="Coûts des canaux").click()
        expect(page.locator(".ce-costs-used")).to_be_visible(timeout=180_000)
        assert page.url.endswith(PAGE)
        assert page.title() == "Coûts des canaux — 100 % Contacts efficaces"
        assert page.evaluate("document.documentElement.lang") == "fr"
        expect(page.locator(".ce-synthetic")).to_contain_text("structures fictives")
        expect(page.get_by_text("pas des coûts français")).to_be_visible()

        # A preset fills the fields; its source, year and currency are written beside them.
        page.get_by_label("Préréglage").select_option(label="Socitm Insight (Royaume-Uni), 2010 — GBP")
        expect(page.get_by_label("Guichet", exact=True)).to_have_value("7,4")
        expect(page.get_by_label("Web", exact=True)).to_have_value("0,32")
        expect(page.get_by_label("Courrier", exact=True)).to_have_value("")
        expect(page.locator(".ce-costs-used")).to_contain_text("GBP — Socitm Insight (Royaume-Uni), 2010")
        total = _yearly(sample, "guichet") * 7.4 + _yearly(sample, "telephone") * 2.9 + _yearly(sample, "web") * 0.32
        expect(page.locator(".ce-figure strong").first).to_have_text(f"{_amount(total)} GBP".replace(" ", "\u202f").replace("\u202fGBP", "\u00a0GBP"))
        page.screenshot(path=str(ARTIFACTS / "couts-haut.png"))

        # A cost changed by the user: the totals follow, and the label says the values were changed.
        guichet = page.get_by_label("Guichet", exact=True)
        guichet.fill("10")
        guichet.press("Enter")
        total = _yearly(sample, "guichet") * 10 + _yearly(sample, "telephone") * 2.9 + _yearly(sample, "web") * 0.32
        expect(page.locator(".ce-figure strong").first).to_contain_text(_amount(total).replace(" ", "\u202f"))
        expect(page.locator(".ce-costs-used")).to_contain_text("valeurs modifiées par l'utilisateur")

        # A bad cost: said beside its field, the previous one kept.
        phone = page.get_by_label("Téléphone", exact=True)
        phone.fill("-2")
        phone.press("Enter")
        expect(page.locator(".ce-field-note.ce-problem")).to_contain_text("un coût est un nombre positif ou nul")
        expect(page.locator(".ce-figure strong").first).to_contain_text(_amount(total).replace(" ", "\u202f"))
        _shot(page, "Coûts unitaires", "couts-erreur.png")
        phone.fill("2,9")
        phone.press("Enter")
        expect(page.locator(".ce-field-note.ce-problem")).to_have_count(0)
        _shot(page, "Coût des contacts", "couts-canaux.png")

        # What if: 20 % of the guichet to the web, then 30 % with the slider's keyboard.
        moved = _yearly(sample, "guichet")
        expect(page.locator(".ce-saving")).to_contain_text(f"{_amount(moved * 0.2 * (10 - 0.32))}".replace(" ", "\u202f"))
        handle = page.get_by_role("slider")
        handle.focus()
        for _ in range(10):
            handle.press("ArrowRight")
        expect(handle).to_have_attribute("aria-valuenow", "30.0")
        expect(page.locator(".ce-saving")).to_contain_text("en déplaçant 30\u202f% des contacts du guichet")
        assert f"Économie pour l'ensemble du réseau : {_amount(moved * 0.3 * (10 - 0.32))} GBP par an" in _saving(page)
        expect(page.locator(".ce-saving + table tbody tr")).to_have_count(10)
        _shot(page, "Et si", "couts-economie.png")

        # Towards a dearer channel: a plain extra cost.
        page.get_by_label("Depuis", exact=True).select_option(label="Web")
        page.get_by_label("Vers", exact=True).select_option(label="Téléphone")
        expect(page.locator(".ce-saving")).to_contain_text("Pas d'économie")
        extra = _yearly(sample, "web") * 0.3 * (2.9 - 0.32)
        assert f"un surcoût de {_amount(extra)} GBP par an" in _saving(page)
        assert "le téléphone coûte plus cher par contact que le web" in _saving(page)
        _shot(page, "Et si", "couts-surcout.png")

        # One réseau, its table and its CSV.
        caf = sample[sample["reseau"] == "CAF"]
        page.get_by_label("Réseau", exact=True).select_option(label="CAF")
        expect(page.locator(".ce-figures")).to_contain_text(f"{len(caf)}\u202fstructures")
        expect(page.locator("table.ce-structures caption").last).to_contain_text(f"{len(caf)}\u202fstructures")
        _shot(page, "Structures", "couts-tableau.png")
        practices = page.locator(".widget-html", has_text="Les pratiques et le coût par usager").locator("xpath=following-sibling::*[1]")
        expect(practices).to_contain_text("Question 14")
        expect(practices).to_contain_text("GBP en moyenne")
        _shot(page, "Les pratiques et le coût", "couts-pratiques.png")
        page.get_by_role("button", name="Préparer le CSV").click()
        with page.expect_download() as caught:
            page.get_by_role("link", name="Enregistrer couts-structures-reseau.csv").click()
        rows = list(csv.DictReader(io.StringIO(Path(caught.value.path()).read_text(encoding="utf-8"))))
        assert len(rows) == len(caf) + 1 and {row["reseau"] for row in rows[:-1]} == {"CAF"}
        assert float(rows[-1]["cout_guichet"]) == pytest.approx(_yearly(caf, "guichet") * 10)

        # A reload loses none of the costs typed: the browser kept them.
        page.reload()
        expect(page.get_by_label("Guichet", exact=True)).to_have_value("10", timeout=180_000)
        expect(page.get_by_label("Téléphone", exact=True)).to_have_value("2,9")
        expect(page.locator(".ce-costs-used")).to_contain_text("Socitm Insight")
        expect(page.get_by_text("Coûts unitaires retrouvés dans ce navigateur")).to_be_visible()
        assert page.errors == []
        with page.expect_event("close"):
            page.close(run_before_unload=True)
        context.close()
        assert server.wait_for_kernels(pooled_kernels(), timeout=60) < 30


def test_the_costs_page_from_the_contact_log(browser, tmp_path_factory, monkeypatch):
    """Volumes from the log: the synthetic log the page reads (the same as :func:`log_source`
    here), the réitération cost of a window, moved by the slider's keyboard and by a click."""
    from contacts_lib.costs.analyses import presets, reiteration_costs
    from contacts_lib.logs.page import log_source

    ARTIFACTS.mkdir(exist_ok=True)
    for variable in ("CONTACTS_EFFICACES_JOURNAL", "CONTACTS_EFFICACES_RESEAU", "CONTACTS_EFFICACES_BASE"):
        monkeypatch.delenv(variable, raising=False)
    log = log_source().log  # the same synthetic log the page makes (same seed, same network)
    costs = presets()["socitm-2010"]
    expected = {days: float(reiteration_costs(log, days, costs).iloc[-1]["cout"]) for days in (15, 16, 30)}
    with running_app(tmp_path_factory.mktemp("voila") / "voila.log") as server:
        context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="fr-FR")
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.goto(server.url + PAGE, timeout=180_000)
        expect(page.locator(".ce-costs-used")).to_be_visible(timeout=180_000)
        page.get_by_label("Préréglage").select_option(label="Socitm Insight (Royaume-Uni), 2010 — GBP")
        expect(page.get_by_label("Guichet", exact=True)).to_have_value("7,4")

        page.get_by_role("radio", name="Journal de contacts").check()
        expect(page.locator(".ce-log-source")).to_contain_text("journal synthétique de 200", timeout=60_000)
        expect(page.locator(".ce-log-source")).to_have_class("ce-source ce-log-source ce-synthetic")
        figures = page.locator(".ce-reiteration-figures")
        expect(figures).to_contain_text(f"{_amount(expected[15])}".replace(" ", "\u202f") + "\u00a0GBP")
        expect(figures).to_contain_text("fenêtre de 15 jours")
        expect(page.locator(".ce-figures").first).to_contain_text("coût total des contacts du journal")
        page.screenshot(path=str(ARTIFACTS / "couts-journal-haut.png"))

        slider = page.get_by_role("slider").first  # the window's, above the what-if's
        slider.focus()
        slider.press("ArrowRight")
        expect(figures).to_contain_text("fenêtre de 16 jours")
        expect(figures).to_contain_text(f"{_amount(expected[16])}".replace(" ", "\u202f") + "\u00a0GBP")
        page.get_by_role("button", name="30 jours").click()
        expect(figures).to_contain_text(f"{_amount(expected[30])}".replace(" ", "\u202f") + "\u00a0GBP")
        expect(page.locator("table.ce-reiteration tr", has_text="Courrier")).to_contain_text("sans coût unitaire")
        _shot(page, "Coût des contacts", "couts-journal-canaux.png")
        _shot(page, "Coût de la réitération", "couts-journal-reiteration.png")
        _shot(page, "Et si", "couts-journal-economie.png")
        assert "usager-fictif" not in page.content()  # pseudonymised: never shown
        assert page.errors == []
        with page.expect_event("close"):
            page.close(run_before_unload=True)
        context.close()
        assert server.wait_for_kernels(pooled_kernels(), timeout=60) < 30
