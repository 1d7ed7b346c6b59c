"""The app as a person uses it: Voilà serving it, headless Chromium clicking, typing, uploading
and downloading, an axe-core audit, and screenshots saved in tests/artifacts/ to look at."""

from __future__ import annotations

import json
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from openpyxl import load_workbook
from playwright.sync_api import expect, sync_playwright

from contacts_lib import format_percent, read_autodiagnostics, score, write_workbook
from contacts_lib.formats.xlsx_format import ANSWER_SHEET, INPUT_COLUMN, question_row
from contacts_lib.reference import data_dir, example_path
from contacts_lib.server import page_path
from tests.app_server import running_app
from tests.browser import launch
from tests.samples import ROOT

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "tests" / "artifacts"
EXAMPLE_SHOWN = ["40 %", "27 %", "88 %", "100 %", "64 %"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    ARTIFACTS.mkdir(exist_ok=True)
    with running_app(tmp_path_factory.mktemp("voila") / "voila.log") as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="fr-FR", accept_downloads=True)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


def open_app(page, server):
    page.goto(server + page_path("autodiagnostic.ipynb"), timeout=120_000)
    page.wait_for_selector(".ce-app[data-live]", timeout=120_000)
    page.wait_for_selector(".ce-radar[data-revision] .scatterlayer path", state="attached", timeout=60_000)
    return page


def shown_scores(page):
    cells = [f'[data-lever="{key}"]' for key in ("orientation", "excellence", "pilotage", "innovation")]
    return [page.inner_text(selector) for selector in cells + ['[data-result="moyenne"]']]


def radar_revision(page):
    return int(page.get_attribute(".ce-radar", "data-revision"))


def wait_for_redraw(page, before):
    page.wait_for_function(
        "before => Number(document.querySelector('.ce-radar').dataset.revision) > before", arg=before
    )


def upload(page, path):
    page.set_input_files(".ce-file", str(path))


def test_landing_page_leads_to_the_app(page, server):
    page.goto(server + page_path("index.ipynb"), timeout=120_000)
    link = page.get_by_role("link", name="Remplir l'autodiagnostic")
    expect(link).to_be_visible(timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / "landing.png"))
    link.click()
    page.wait_for_selector(".ce-app[data-live]", timeout=120_000)
    assert page.url.endswith(page_path("autodiagnostic.ipynb"))


def test_questionnaire_by_clicks_and_keyboard(page, server):
    open_app(page, server)
    assert page.inner_text('.ce-results [data-result="progress"]') == "0 / 36 réponses"
    assert len(page.query_selector_all(".ce-question")) == 36
    page.screenshot(path=str(ARTIFACTS / "app-empty.png"))

    before = radar_revision(page)
    page.locator(".ce-question").nth(0).get_by_text("Oui", exact=True).click()
    wait_for_redraw(page, before)
    assert page.inner_text('.ce-results [data-result="progress"]') == "1 / 36 réponses"
    assert shown_scores(page)[0] == "10 %"

    # Keyboard only: Tab reaches question 2's group, arrows choose within it.
    before = radar_revision(page)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.question") == "2"
    page.keyboard.press("ArrowLeft")  # « Sans réponse » → « Non »
    page.keyboard.press("ArrowLeft")  # « Non » → « Oui »
    wait_for_redraw(page, before)
    expect(page.locator('[data-lever="orientation"]')).to_have_text("20 %")
    assert page.inner_text('.ce-results [data-result="progress"]') == "2 / 36 réponses"
    assert page.evaluate("document.activeElement.value") == "OUI"

    field = page.get_by_label("Nombre d'usagers (si connu)")
    field.focus()
    page.keyboard.type("beaucoup")
    page.keyboard.press("Tab")
    expect(page.locator("#" + field.get_attribute("aria-describedby"))).to_contain_text("n'est pas un nombre entier")
    assert field.get_attribute("aria-invalid") == "true"
    assert field.input_value() == "beaucoup"  # kept as typed
    assert page.errors == []


def test_worked_example_upload_shows_the_source_numbers(page, server):
    open_app(page, server)
    before = radar_revision(page)
    upload(page, example_path())
    wait_for_redraw(page, before)
    expect(page.locator('[data-result="moyenne"]')).to_have_text("64 %")
    assert shown_scores(page) == EXAMPLE_SHOWN
    assert page.input_value("input[data-field=structure]") == "Exemple du recueil (SGMAP, 2015)"
    assert page.inner_text('.ce-results [data-result="progress"]') == "36 / 36 réponses"
    assert "Orientation 40 %, Excellence 27 %, Pilotage 88 %, Innovation 100 %" in page.get_attribute(".ce-radar", "aria-label")
    plan_titles = page.locator(".ce-plan-lever h3").all_text_contents()
    assert plan_titles == ["2. Excellence — 27 %", "1. Orientation — 40 %", "3. Pilotage — 88 %"]
    page.screenshot(path=str(ARTIFACTS / "app-example.png"))
    page.locator(".ce-plan").scroll_into_view_if_needed()
    page.wait_for_timeout(300)  # off-screen parts are painted on the frame after they scroll in
    page.screenshot(path=str(ARTIFACTS / "app-example-plan.png"))
    assert page.errors == []


def test_bad_file_gives_a_message_and_keeps_the_form(page, server, tmp_path):
    open_app(page, server)
    page.fill("input[data-field=structure]", "Ma structure")
    page.press("input[data-field=structure]", "Tab")
    page.locator(".ce-question").nth(4).get_by_text("Non", exact=True).click()
    page.wait_for_function("document.querySelector('.ce-results [data-result=progress]').textContent === '1 / 36 réponses'")
    bad = tmp_path / "reseau.csv"
    bad.write_text("structure;" + ";".join(f"q{n:02d}" for n in range(1, 37)) + "\nCAF;" + ";".join(["bof"] * 36), encoding="utf-8")
    upload(page, bad)
    alert = page.get_by_role("alert")
    expect(alert).to_have_text(
        "Import impossible : reseau.csv, ligne 2, colonne q01 : réponse « bof » non reconnue ; "
        "attendu OUI ou NON (ou vide si la question n'a pas encore de réponse)."
    )
    assert page.input_value("input[data-field=structure]") == "Ma structure"
    assert page.inner_text('.ce-results [data-result="progress"]') == "1 / 36 réponses"
    assert page.locator(".ce-question").nth(4).get_by_label("Non", exact=True).is_checked()
    alert.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "app-bad-file.png"))

    (tmp_path / "binaire.xlsx").write_bytes(b"PK\x03\x04 truncated")
    upload(page, tmp_path / "binaire.xlsx")
    expect(alert).to_contain_text("binaire.xlsx : classeur illisible")
    assert page.input_value("input[data-field=structure]") == "Ma structure"


def test_csv_with_several_structures_then_pick_one(page, server):
    open_app(page, server)
    upload(page, data_dir() / "exemples" / "reseau-exemple.csv")
    select = page.get_by_label("Structure à charger")
    expect(select).to_be_visible()
    assert select.locator("option").all_inner_texts() == [
        "Exemple du recueil (SGMAP, 2015)", "CAF de Ville-Exemple (fictive)", "Préfecture de Département-Exemple (fictive)",
    ]
    select.select_option(label="CAF de Ville-Exemple (fictive)")
    page.get_by_role("button", name="Remplir le formulaire avec cette structure").click()
    expect(page.locator("input[data-field=structure]")).to_have_value("CAF de Ville-Exemple (fictive)")
    [expected] = [d for d in read_autodiagnostics(data_dir() / "exemples" / "reseau-exemple.csv") if d.structure.startswith("CAF")]
    expect(page.locator('[data-result="moyenne"]')).to_have_text(format_percent(score(expected).moyenne))
    assert page.input_value("input[data-field=usagers]") == "185000"
    assert page.input_value("input[data-field=date]") == "2026-03-12"


def test_hand_filled_template_upload(page, server, tmp_path, worked_example):
    write_workbook(None, tmp_path / "modele.xlsx")
    workbook = load_workbook(tmp_path / "modele.xlsx")
    sheet = workbook[ANSWER_SHEET]
    sheet["D4"] = "CAF de l'atelier"
    for number, answer in enumerate(worked_example.answers, start=1):
        sheet[f"{INPUT_COLUMN}{question_row(number)}"] = "OUI" if answer else "NON"
    workbook.save(tmp_path / "rempli-a-la-main.xlsx")
    open_app(page, server)
    upload(page, tmp_path / "rempli-a-la-main.xlsx")
    expect(page.locator("input[data-field=structure]")).to_have_value("CAF de l'atelier")
    assert shown_scores(page) == EXAMPLE_SHOWN


def test_exports_download_and_read_back(page, server, tmp_path, browser, worked_example):
    open_app(page, server)
    upload(page, example_path())
    expect(page.locator('[data-result="moyenne"]')).to_have_text("64 %")
    files = {}
    for kind in ("xlsx", "json", "html"):
        with page.expect_download() as caught:
            page.locator(f"[data-export={kind}]").click()
        download = caught.value
        assert download.suggested_filename == f"autodiagnostic-exemple-du-recueil-sgmap-2015.{kind}"
        files[kind] = tmp_path / download.suggested_filename
        download.save_as(files[kind])

    for kind in ("xlsx", "json"):
        [read_back] = read_autodiagnostics(files[kind])
        assert read_back == worked_example
    assert json.loads(files["json"].read_text(encoding="utf-8"))["resultats"]["moyenne"] == 64
    assert load_workbook(files["xlsx"])["Résultats"]["F11"].value == "=AVERAGE(F7:F10)"

    report = browser.new_page(viewport={"width": 900, "height": 1200})
    report.goto(files["html"].as_uri())
    report.wait_for_selector("#radar .scatterlayer path", timeout=30_000)
    text = report.inner_text("body")
    assert all(shown in text for shown in EXAMPLE_SHOWN) and "Exemple du recueil (SGMAP, 2015)" in text
    report.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
    pdf = report.pdf(format="A4", print_background=True)
    (ARTIFACTS / "report.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 2 <= pages <= 5, pages
    report.close()


def test_text_from_files_is_never_html(page, server, tmp_path):
    hostile = '<img src=x onerror="window.__pwned = 1">« CAF »'
    document = json.loads(example_path().read_text(encoding="utf-8"))
    document["structure"] = hostile
    (tmp_path / "hostile.json").write_text(json.dumps(document), encoding="utf-8")
    open_app(page, server)
    upload(page, tmp_path / "hostile.json")
    expect(page.get_by_role("status")).to_contain_text(hostile)
    assert page.input_value("input[data-field=structure]") == hostile
    assert page.evaluate("window.__pwned") is None
    assert page.query_selector(".ce-app img") is None


def test_accessibility_audit_has_no_critical_or_serious_violation(page, server):
    open_app(page, server)
    upload(page, example_path())
    expect(page.locator('[data-result="moyenne"]')).to_have_text("64 %")
    results = Axe().run(page, context={"include": [[".ce-app"]]}, options={"resultTypes": ["violations", "passes"]})
    passes = {rule["id"]: len(rule["nodes"]) for rule in results.response["passes"]}
    assert passes.get("label", 0) >= 10 + 36 * 3 + 1  # the audit did look at every control
    assert "color-contrast" in passes
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("critical", "serious")
    ]
    assert violations == []
    landing = page.context.new_page()
    landing.goto(server + page_path("index.ipynb"), timeout=120_000)
    landing.get_by_role("link", name="Remplir l'autodiagnostic").wait_for(timeout=60_000)
    landing_results = Axe().run(landing, context={"include": [["#rendered_cells"]]})
    assert [v["id"] for v in landing_results.response["violations"] if v["impact"] in ("critical", "serious")] == []


CLICK_BEFORE_LIVE = """
new MutationObserver((_, observer) => {
  const radio = document.querySelector("input[type=radio][data-question='1'][value='OUI']");
  if (!radio || window.__clickedBeforeLive !== undefined) return;
  window.__clickedBeforeLive = !document.querySelector(".ce-app[data-live]");
  radio.click();
  observer.disconnect();
}).observe(document, { subtree: true, childList: true });
"""


def test_answer_given_before_the_widget_connects_is_kept(page, server):
    page.add_init_script(CLICK_BEFORE_LIVE)
    open_app(page, server)
    assert page.evaluate("window.__clickedBeforeLive") is True
    expect(page.locator('.ce-results [data-result="progress"]')).to_have_text("1 / 36 réponses")
    assert shown_scores(page)[0] == "10 %"
