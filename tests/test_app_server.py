"""``contacts-efficaces app`` serves the notebooks with Voilà; the page renders with no error."""

from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.app_server import running_app
from tests.browser import launch
from tests.samples import ROOT

ARTIFACTS = ROOT / "tests" / "artifacts"
ERROR_MARKERS = ("Traceback", "Error", "Erreur", "Exception")


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with running_app(tmp_path_factory.mktemp("voila") / "voila.log") as base:
        yield base


@pytest.mark.browser
def test_app_page_renders_scores_and_radar_without_error(app):
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        page.goto(app + "/voila/render/autodiagnostic.ipynb", timeout=90_000)
        page.wait_for_selector(".js-plotly-plot .scatterlayer path", timeout=90_000)
        page.wait_for_function("document.body.innerText.includes('64 %')", timeout=30_000)
        text = page.inner_text("body")
        page.screenshot(path=str(ARTIFACTS / "app-issue2.png"), full_page=True)
        browser.close()
    for marker in ERROR_MARKERS:
        assert marker not in text, text
    for shown in ("Exemple du recueil (SGMAP, 2015)", "40 %", "27 %", "88 %", "100 %", "64 %", "36 / 36 réponses"):
        assert shown in text
    assert "Orientation" in text and "Innovation" in text


@pytest.mark.slow
def test_notebook_source_is_not_served(app):
    import urllib.error
    import urllib.request

    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(app + "/voila/files/autodiagnostic.ipynb", timeout=10)
    caught.value.close()
    assert caught.value.code in (403, 404)
