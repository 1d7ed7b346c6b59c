"""``contacts-efficaces app`` serves the landing page and the app with Voilà, and nothing else."""

import urllib.error
import urllib.request

import pytest

from contacts_lib.server import page_path
from tests.app_server import running_app

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with running_app(tmp_path_factory.mktemp("voila") / "voila.log") as base:
        yield base


def _get(url):
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.status, response.read().decode("utf-8", "replace")


def test_landing_page_links_to_the_app(app):
    status, html = _get(app + page_path("index.ipynb"))
    assert status == 200
    assert 'href="autodiagnostic.ipynb"' in html and "Remplir l&#39;autodiagnostic" in html.replace("'", "&#39;")


def test_app_page_renders_without_an_error_output(app):
    status, html = _get(app + page_path("autodiagnostic.ipynb"))
    assert status == 200
    assert "There was an error when executing cell" not in html and "Traceback" not in html
    assert "application/vnd.jupyter.widget-view+json" in html and "ce-plotly-preload" in html
    assert "import AutodiagnosticApp" not in html  # sources stripped


def test_app_page_is_written_by_the_server(app):
    """The "contacts" Voilà template puts the questionnaire in the page itself (quick first paint)."""
    _, html = _get(app + page_path("autodiagnostic.ipynb"))
    assert html.count('class="ce-app"') == 1 and html.count('class="ce-question"') == 36
    assert html.count("application/vnd.voila.cell-output+json") == 1  # only the widget is left to the browser


@pytest.mark.parametrize(
    "path",
    ["notebooks/autodiagnostic.ipynb", "contacts_lib/app.py", "pyproject.toml", "data/exemples/exemple-recueil.json"],
)
def test_sources_and_data_are_not_downloadable(app, path):
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(f"{app}/voila/files/{path}", timeout=30)
    caught.value.close()
    assert caught.value.code in (403, 404)


def test_radar_code_is_served_for_the_preload(app):
    status, code = _get(f"{app}/voila/files/contacts_lib/static/plotly-radar.min.js")
    assert status == 200 and code.startswith("/* plotly.js 4.1.1 (core + scatterpolar)")
