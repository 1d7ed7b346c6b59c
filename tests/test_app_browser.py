"""The app as a person uses it: Voilà serving it, headless Chromium clicking, typing, uploading,
downloading, reloading and leaving, an axe-core audit, and screenshots saved in tests/artifacts/
to look at."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess

import pytest
from axe_playwright_python.sync_playwright import Axe
from openpyxl import load_workbook
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from contacts_lib import format_percent, read_autodiagnostics, score, write_workbook
from contacts_lib.autodiagnostic.contract import STORAGE_PREFIX, UPLOAD_LIMIT_BYTES
from contacts_lib.autodiagnostic.figures import radar_svg
from contacts_lib.autodiagnostic.reference import data_dir, example_path
from contacts_lib.formats.xlsx_format import ANSWER_SHEET, INPUT_COLUMN, question_row
from contacts_lib.web.server import page_path
from tests.app_server import pooled_kernels, running_app
from tests.samples import ROOT, plain

pytestmark = pytest.mark.browser

# Answers from the kernel take longer when the machine is busy: these tests check what happens,
# not how fast (benchmarks/ measure that).
expect.set_options(timeout=30_000)

ARTIFACTS = ROOT / "tests" / "artifacts"
EXAMPLE_SHOWN = ["40 %", "27 %", "88 %", "100 %", "64 %"]
LEVERS = ("orientation", "excellence", "pilotage", "innovation")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    ARTIFACTS.mkdir(exist_ok=True)
    with running_app(tmp_path_factory.mktemp("voila") / "voila.log") as running:
        yield running


def new_page(browser, **options):
    context = browser.new_context(
        **{"viewport": {"width": 1280, "height": 1000}, "locale": "fr-FR", "accept_downloads": True, **options}
    )
    page = context.new_page()
    page.errors = []
    page.dialogs = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))

    def answer(dialog):
        page.dialogs.append(dialog.type)
        with contextlib.suppress(PlaywrightError):  # a page being closed may settle it first
            dialog.accept()

    page.on("dialog", answer)
    return page


def leave(visitor) -> None:
    """Close a tab as a person closes it: « beforeunload » (its warning is accepted), then
    « pagehide », which sends the kernel's shutdown request. (Closing the whole browser context at
    once may tear the page down before « pagehide » on a busy machine: its kernel then waits for
    the culler.)"""
    if not visitor.is_closed():
        with visitor.expect_event("close", timeout=30_000):
            visitor.close(run_before_unload=True)
    visitor.context.close()


@pytest.fixture
def page(browser):
    page = new_page(browser)
    yield page
    page.context.close()


def open_app(page, server, query=""):
    page.goto(server.url + page_path("autodiagnostic.ipynb") + query, timeout=120_000)
    page.wait_for_selector(".ce-app[data-live]", timeout=120_000)
    page.wait_for_selector(".ce-radar[data-revision] .scatterlayer path", state="attached", timeout=60_000)
    return page


def shown_scores(page):
    cells = [f'.ce-results [data-lever="{key}"]' for key in LEVERS]
    return [plain(page.inner_text(selector)) for selector in cells + ['.ce-results [data-result="moyenne"]']]


def wait_for_scores(page, expected):
    page.wait_for_function(
        """expected => [...document.querySelectorAll('.ce-results .ce-num')]
             .map(cell => cell.textContent.replace(/[\\u00a0\\u202f]/g, ' ')).join('|') === expected.join('|')""",
        arg=expected, timeout=60_000,
    )
    assert page.get_attribute(".ce-app", "data-state") is None  # not waiting for the kernel any more


def progress(page):
    return page.inner_text('.ce-results [data-result="progress"]')


def radar_revision(page):
    return int(page.get_attribute(".ce-radar", "data-revision"))


def wait_for_redraw(page, before):
    page.wait_for_function(
        "before => Number(document.querySelector('.ce-radar').dataset.revision) > before", arg=before
    )


def upload(page, path):
    page.set_input_files(".ce-file", str(path))


def stored(page):
    return page.evaluate(f"Object.keys(localStorage).filter(key => key.startsWith({json.dumps(STORAGE_PREFIX)}))")


# --------------------------------------------------------------------------- the questionnaire


def test_questionnaire_by_clicks_and_keyboard(page, server):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    open_app(page, server)
    assert progress(page) == "0 / 36 réponses"
    assert len(page.query_selector_all(".ce-question")) == 36
    page.screenshot(path=str(ARTIFACTS / "app-empty.png"))

    before = radar_revision(page)
    page.locator(".ce-question").nth(0).get_by_text("Oui", exact=True).click()
    wait_for_redraw(page, before)
    assert progress(page) == "1 / 36 réponses"
    assert shown_scores(page)[0] == "10 %"

    # Keyboard only: Tab reaches question 1's « Commentaire et preuve », then question 2's group;
    # arrows choose within it.
    before = radar_revision(page)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Commentaire et preuve"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.question") == "2"
    page.keyboard.press("ArrowLeft")  # « Sans réponse » → « Non »
    page.keyboard.press("ArrowLeft")  # « Non » → « Oui »
    wait_for_redraw(page, before)
    wait_for_scores(page, ["20 %", "0 %", "0 %", "0 %", "5 %"])
    assert progress(page) == "2 / 36 réponses"
    assert page.evaluate("document.activeElement.value") == "OUI"

    field = page.get_by_label("Nombre d'usagers (si connu)")
    field.focus()
    page.keyboard.type("beaucoup")
    page.keyboard.press("Tab")
    expect(page.locator("#" + field.get_attribute("aria-describedby"))).to_contain_text("n'est pas un nombre entier")
    assert field.get_attribute("aria-invalid") == "true"
    assert field.input_value() == "beaucoup"  # kept as typed
    assert page.errors == []
    # A public service's page asks nothing of third parties (no CDN, no font or script from elsewhere).
    assert any(url.endswith("voila.js") for url in requested)  # the page's requests were seen
    assert [url for url in requested if not url.startswith((server.url, "ws://127.0.0.1", "data:", "blob:"))] == []


def test_worked_example_upload_shows_the_source_numbers(page, server):
    open_app(page, server)
    before = radar_revision(page)
    upload(page, example_path())
    wait_for_redraw(page, before)
    wait_for_scores(page, EXAMPLE_SHOWN)
    assert page.input_value("input[data-field=structure]") == "Exemple du recueil (SGMAP, 2015)"
    assert progress(page) == "36 / 36 réponses"
    label = plain(page.get_attribute(".ce-radar", "aria-label"))
    assert "Orientation 40 %, Excellence 27 %, Pilotage 88 %, Innovation 100 %" in label
    plan_titles = [plain(t) for t in page.locator(".ce-plan-lever h3").all_text_contents()]
    assert plan_titles == ["2. Excellence — 27 %", "1. Orientation — 40 %", "3. Pilotage — 88 %"]
    first = plain(page.locator(".ce-practice-title").first.text_content())
    assert first.startswith("Question 11 · bonne pratique n° 12 : ")
    page.screenshot(path=str(ARTIFACTS / "app-example.png"))
    page.locator(".ce-plan").scroll_into_view_if_needed()
    page.wait_for_timeout(300)  # off-screen parts are painted on the frame after they scroll in
    page.screenshot(path=str(ARTIFACTS / "app-example-plan.png"))
    assert page.errors == []


def test_bad_file_gives_a_message_beside_the_import_and_keeps_the_form(page, server, tmp_path):
    open_app(page, server)
    page.fill("input[data-field=structure]", "Ma structure")
    page.press("input[data-field=structure]", "Tab")
    page.locator(".ce-question").nth(4).get_by_text("Non", exact=True).click()
    page.wait_for_function("() => document.querySelector('.ce-results [data-result=progress]').textContent === '1 / 36 réponses'")
    bad = tmp_path / "reseau.csv"
    bad.write_text("structure;" + ";".join(f"q{n:02d}" for n in range(1, 37)) + "\nCAF;" + ";".join(["bof"] * 36), encoding="utf-8")
    upload(page, bad)
    error = page.locator(".ce-import-error")
    expect(error).to_have_attribute("role", "alert")
    page.wait_for_function("() => document.querySelector('.ce-import-error').textContent.length > 0")
    assert plain(error.inner_text()) == (
        "Import impossible : reseau.csv, ligne 2, colonne q01 : réponse « bof » non reconnue ; "
        "attendu OUI ou NON (ou vide si la question n'a pas encore de réponse)."
    )
    assert page.input_value("input[data-field=structure]") == "Ma structure"
    assert progress(page) == "1 / 36 réponses"
    assert page.locator(".ce-question").nth(4).get_by_label("Non", exact=True).is_checked()
    _assert_beside(page, ".ce-import-error", ".ce-file")
    error.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "app-bad-file.png"))

    (tmp_path / "binaire.xlsx").write_bytes(b"PK\x03\x04 truncated")
    upload(page, tmp_path / "binaire.xlsx")
    expect(error).to_contain_text("binaire.xlsx : classeur illisible")
    assert page.input_value("input[data-field=structure]") == "Ma structure"


def _assert_beside(page, message, control, distance=250):
    """The message is right by the control that caused it, not somewhere else on the page."""
    box, near = page.locator(message).bounding_box(), page.locator(control).first.bounding_box()
    assert box and near
    assert abs(box["y"] - (near["y"] + near["height"])) < distance, (box, near)


def test_an_over_size_upload_is_refused_in_the_browser(page, server, tmp_path):
    sent = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda frame: sent.append(len(frame))))
    open_app(page, server)
    page.fill("input[data-field=structure]", "Structure gardée")
    page.press("input[data-field=structure]", "Tab")
    big = tmp_path / "trop-gros.csv"
    big.write_bytes(b"structure," + b"x" * (UPLOAD_LIMIT_BYTES + 1024))
    upload(page, big)
    error = page.locator(".ce-import-error")
    expect(error).to_contain_text("Import impossible : trop-gros.csv fait 5 Mo ; un fichier importé fait 5 Mo au plus.")
    assert page.input_value("input[data-field=structure]") == "Structure gardée"
    assert page.input_value(".ce-file") == ""  # nothing left to send
    page.wait_for_timeout(4500)  # a heartbeat at least: frames are being watched
    assert sent and all(size < 100_000 for size in sent)  # the file never went to the kernel


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
    page.wait_for_function(
        "expected => document.querySelector('.ce-results [data-result=moyenne]').textContent.replace(/\\u202f/g, ' ') === expected",
        arg=format_percent(score(expected).moyenne),
    )
    assert page.input_value("input[data-field=usagers]") == "185000"
    assert page.input_value("input[data-field=date]") == "12/03/2026"  # typed and shown the French way


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
    wait_for_scores(page, EXAMPLE_SHOWN)


# --------------------------------------------------------------------------- exports


def test_exports_download_and_read_back(page, server, tmp_path, browser, worked_example):
    open_app(page, server)
    upload(page, example_path())
    wait_for_scores(page, EXAMPLE_SHOWN)
    files = {}
    for kind, ending in (("xlsx", ".xlsx"), ("json", ".json"), ("html", ".html"), ("synthese", "-synthese.html")):
        with page.expect_download() as caught:
            page.locator(f"[data-export={kind}]").click()
        download = caught.value
        assert download.suggested_filename == f"autodiagnostic-exemple-du-recueil-sgmap-2015{ending}"
        files[kind] = tmp_path / download.suggested_filename
        download.save_as(files[kind])
    expect(page.locator(".ce-export-info")).to_contain_text("autodiagnostic-exemple-du-recueil-sgmap-2015-synthese.html prêt")

    for kind in ("xlsx", "json"):
        [read_back] = read_autodiagnostics(files[kind])
        assert read_back == worked_example
    assert json.loads(files["json"].read_text(encoding="utf-8"))["resultats"]["moyenne"] == 64
    assert load_workbook(files["xlsx"])["Résultats"]["F11"].value == "=AVERAGE(F7:F10)"

    for kind, pages_allowed, name in (("html", range(2, 6), "report"), ("synthese", range(1, 2), "summary")):
        report = browser.new_page(viewport={"width": 900, "height": 1200})
        report.goto(files[kind].as_uri())
        assert report.locator("#radar svg polygon").count() == 1
        text = plain(report.inner_text("body"))
        assert all(shown in text for shown in EXAMPLE_SHOWN) and "Exemple du recueil (SGMAP, 2015)" in text
        report.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        pdf = report.pdf(format="A4", print_background=True)
        (ARTIFACTS / f"{name}.pdf").write_bytes(pdf)
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        assert pages in pages_allowed, (kind, pages)
        report.close()


def test_the_summary_fits_one_page_with_the_longest_names(browser, tmp_path):
    """All 36 practices to do, and the longest structure name and header values the tool accepts."""
    from contacts_lib.autodiagnostic.answers import MAX_TEXT_LENGTH, Autodiagnostic
    from contacts_lib.autodiagnostic.report import summary_html

    worst = Autodiagnostic(
        structure=("Caisse d'allocations familiales " * 7)[:MAX_TEXT_LENGTH],
        answers=(False,) * 36, reseau="R" * MAX_TEXT_LENGTH, region="Provence-Alpes-Côte d'Azur", usagers=10**9,
        visites_guichet=10**9, appels=10**9, courriers=10**9, courriels=10**9, visiteurs_web_mensuels=10**9,
    )
    import dataclasses
    import datetime as dt

    from contacts_lib.autodiagnostic.followup import MAX_WHO_LENGTH, Action

    # The same with a plan of 36 actions, each with the longest « qui » the tool accepts.
    planned = dataclasses.replace(worst, plan=tuple(
        Action(n, ("Étape",) * 20, "Q" * MAX_WHO_LENGTH, dt.date(2030, 1, 1), "en_cours", 3, 1) for n in range(1, 37)))
    for name, diagnostic in (("summary-worst", worst), ("summary-worst-plan", planned)):
        path = tmp_path / f"{name}.html"
        path.write_text(summary_html(diagnostic), encoding="utf-8")
        report = browser.new_page()
        report.goto(path.as_uri())
        assert report.locator("#radar svg polygon").count() == 1
        pdf = report.pdf(format="A4", print_background=True)
        (ARTIFACTS / f"{name}.pdf").write_bytes(pdf)
        assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, name
        report.close()


def test_an_export_error_shows_beside_its_button_and_points_at_the_field(page, server):
    open_app(page, server)
    page.locator(".ce-question").nth(0).get_by_text("Oui", exact=True).click()
    page.locator("[data-export=xlsx]").click()
    error = page.locator(".ce-export-error")
    expect(error).to_contain_text("Export impossible : le nom de la structure est obligatoire pour exporter")
    expect(error).to_have_attribute("role", "alert")
    _assert_beside(page, ".ce-export-error", "[data-export=synthese]", distance=120)
    field = page.locator("input[data-field=structure]")
    expect(field).to_be_focused()
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#" + field.get_attribute("aria-describedby"))).to_have_text("obligatoire pour exporter")
    assert page.evaluate("document.activeElement.getBoundingClientRect().top") >= 0  # scrolled into view
    page.screenshot(path=str(ARTIFACTS / "app-export-error.png"))


# --------------------------------------------------------------------------- nothing lost


def test_a_reload_keeps_an_uploaded_files_answers_until_reset(page, server):
    open_app(page, server)
    upload(page, example_path())
    wait_for_scores(page, EXAMPLE_SHOWN)
    page.wait_for_timeout(400)  # the page keeps what it shows a moment after
    assert len(stored(page)) == 1
    page.reload()  # answers never exported: the browser asks first
    assert page.dialogs == ["beforeunload"]
    restored = page.locator(".ce-restored")
    expect(restored).to_be_visible()
    expect(restored).to_contain_text("Vos réponses en cours ont été retrouvées dans ce navigateur")
    assert page.input_value("input[data-field=structure]") == "Exemple du recueil (SGMAP, 2015)"
    page.wait_for_selector(".ce-app[data-live]", timeout=120_000)
    wait_for_scores(page, EXAMPLE_SHOWN)
    assert progress(page) == "36 / 36 réponses"
    page.screenshot(path=str(ARTIFACTS / "app-restored.png"))

    page.get_by_role("button", name="Recommencer à zéro").click()  # confirmed in the dialog
    assert page.dialogs[-1] == "confirm"
    wait_for_scores(page, ["0 %"] * 5)
    assert page.input_value("input[data-field=structure]") == ""
    expect(restored).to_contain_text("Le formulaire a été remis à zéro.")
    assert stored(page) == []
    page.reload()
    page.wait_for_selector(".ce-app[data-live]", timeout=120_000)
    expect(restored).to_be_hidden()
    assert progress(page) == "0 / 36 réponses"


def _without_kernel(page):
    """The page's kernel websocket answers nothing (a kernel slow to connect): what the page shows
    then is what it shows by itself."""
    page.route_web_socket(re.compile(r".*/api/kernels/.*/channels.*"), lambda socket: None)


def _radar_points(page):
    points = page.get_attribute(".ce-radar .ce-radar-shape", "points")
    return [tuple(float(v) for v in point.split(",")) for point in points.split()]


def _python_radar_points(scores):
    svg = radar_svg(scores)
    points = re.search(r'class="ce-radar-shape" points="([^"]+)"', svg).group(1)
    return [tuple(float(v) for v in point.split(",")) for point in points.split()]


def test_answers_put_back_show_their_scores_at_once(page, server, worked_example):
    """Restored from the browser or opened as the recueil's example, the answers come with their
    scores and radar before the kernel answers: never 0 % beside ticked answers."""
    open_app(page, server)
    upload(page, example_path())
    wait_for_scores(page, EXAMPLE_SHOWN)
    page.wait_for_timeout(400)  # the page keeps what it shows a moment after
    _without_kernel(page)
    page.reload()
    expect(page.locator(".ce-restored")).to_be_visible()
    assert page.get_attribute(".ce-app", "data-live") is None  # the kernel never answered
    assert shown_scores(page) == EXAMPLE_SHOWN
    assert plain(page.inner_text(".ce-scorebar")).count("%") == 5
    assert progress(page) == "36 / 36 réponses"
    assert plain(page.inner_text('.ce-results [data-result="unanswered"]')) == "Toutes les questions ont une réponse."
    expected = _python_radar_points(score(worked_example))
    assert all(abs(a - b) < 0.02 for shown, python in zip(_radar_points(page), expected, strict=True)
               for a, b in zip(shown, python, strict=True))
    page.screenshot(path=str(ARTIFACTS / "app-restored-before-kernel.png"))
    # A click before the kernel answers is scored at once too.
    page.locator(".ce-question").nth(10).get_by_text("Oui", exact=True).click()  # question 11: Excellence
    assert shown_scores(page)[1] == "36 %"
    # The recueil's example, opened from the landing page, before its kernel answers.
    example = new_page(page.context.browser)
    _without_kernel(example)
    example.goto(server.url + page_path("autodiagnostic.ipynb") + "?exemple=recueil", timeout=120_000)
    expect(example.locator(".ce-restored")).to_contain_text("Exemple du recueil")
    assert shown_scores(example) == EXAMPLE_SHOWN
    example.context.close()


def test_the_pages_own_scores_are_pythons(page, server):
    """The scores a page shows before its kernel answers are Python's, for every count of OUI in
    each lever (all 9 504 combinations): the page only adds up the rule Python gives it."""
    from itertools import product

    from contacts_lib.autodiagnostic.markup import contract_for_page
    from contacts_lib.autodiagnostic.scoring import rounded_percent, score_answers

    open_app(page, server)
    rule = contract_for_page()["firstScores"]
    combinations = list(product(*(range(len(lever["questions"]) + 1) for lever in rule["levers"])))

    def answers_of(counts):
        answers = [""] * 36
        for lever, count in zip(rule["levers"], counts, strict=True):
            for number in lever["questions"][:count]:
                answers[number - 1] = "OUI"
        return answers

    shown = page.evaluate(
        """([rule, all]) => all.map(answers => {
             const scores = window.ceAutodiagnostic.scoresOf(rule, answers);
             return [...scores.levers.map(lever => lever.percent), scores.moyenne, scores.answered];
           })""",
        [rule, [answers_of(counts) for counts in combinations]],
    )
    assert len(shown) == len(combinations) == 9504
    for counts, page_scores in zip(combinations, shown, strict=True):
        scores = score_answers([answer == "OUI" or None for answer in answers_of(counts)])
        python = [plain(format_percent(scores.coverage[key])) for key in LEVERS]
        assert [plain(p) for p in page_scores[:4]] == python, counts
        assert page_scores[4] == rounded_percent(scores.moyenne), counts
        assert page_scores[5] == sum(counts)


def test_a_fast_export_with_an_invalid_field_writes_nothing(page, server, tmp_path):
    """Answers clicked quickly, a wrong value typed and the export clicked at once: the export is
    refused (nothing downloaded) and says why beside the field; corrected, it holds what the form shows."""
    downloads = []
    open_app(page, server)
    page.on("download", lambda download: downloads.append(download))
    page.fill("input[data-field=structure]", "CAF pressée")
    for index in range(12):  # changes of the form in flight while the export is asked for
        page.locator(".ce-question").nth(index).get_by_text("Oui", exact=True).click()
    page.fill("input[data-field=usagers]", "douze")
    page.locator("[data-export=json]").click()
    error = page.locator(".ce-export-error")
    expect(error).to_contain_text("Export impossible : le champ « Nombre d'usagers (si connu) » est à corriger")
    field = page.locator("input[data-field=usagers]")
    expect(field).to_be_focused()
    expect(page.locator("#" + field.get_attribute("aria-describedby"))).to_contain_text("n'est pas un nombre entier")
    page.wait_for_timeout(1000)
    assert downloads == []
    page.fill("input[data-field=usagers]", "12 000")
    with page.expect_download() as caught:
        page.locator("[data-export=json]").click()
    caught.value.save_as(tmp_path / "export.json")
    [written] = read_autodiagnostics(tmp_path / "export.json")
    assert (written.structure, written.usagers, written.answered) == ("CAF pressée", 12000, 12)


def test_reset_right_after_a_reload_and_after_an_import_clears_everything(page, server):
    open_app(page, server)
    for index in range(6):
        page.locator(".ce-question").nth(index).get_by_text("Oui", exact=True).click()
    page.fill("input[data-field=structure]", "CAF à effacer")
    page.wait_for_timeout(400)
    reset = page.get_by_role("button", name="Recommencer à zéro")
    # Right after a reload: the answers put back are on their way to the kernel when reset is clicked.
    page.reload()
    page.wait_for_selector(".ce-app[data-live]", timeout=120_000)
    reset.click()
    assert page.dialogs[-1] == "confirm"
    wait_for_scores(page, ["0 %"] * 5)
    page.wait_for_timeout(1500)  # whatever was on its way has arrived: nothing came back
    assert progress(page) == "0 / 36 réponses"
    assert page.input_value("input[data-field=structure]") == ""
    assert stored(page) == []
    expect(reset).to_be_hidden()  # nothing left to clear
    page.reload()
    page.wait_for_selector(".ce-app[data-live]", timeout=120_000)
    assert progress(page) == "0 / 36 réponses" and stored(page) == []
    # After an import: reset is offered, and clears the imported answers and what was kept.
    upload(page, example_path())
    wait_for_scores(page, EXAMPLE_SHOWN)
    expect(page.locator(".ce-file-name")).to_have_text(example_path().name)
    expect(reset).to_be_visible()
    reset.click()
    wait_for_scores(page, ["0 %"] * 5)
    page.wait_for_timeout(1000)
    assert stored(page) == [] and page.input_value("input[data-field=structure]") == ""
    page.reload()
    page.wait_for_selector(".ce-app[data-live]", timeout=120_000)
    assert progress(page) == "0 / 36 réponses" and page.input_value("input[data-field=structure]") == ""


def test_the_file_chooser_and_the_date_speak_french_in_an_english_browser(browser, server):
    page = new_page(browser, locale="en-US")
    open_app(page, server)
    picker = page.locator(".ce-file-picker")
    assert " ".join(plain(picker.inner_text()).split()) == "Choisir un fichier… Aucun fichier choisi"
    box = page.locator(".ce-file").bounding_box()
    assert box is None or box["width"] <= 1  # the browser's own « Choose File » is not shown
    page.locator(".ce-file").focus()  # still reached by the keyboard
    date = page.locator("input[data-field=date]")
    assert date.get_attribute("type") == "text" and date.get_attribute("placeholder") == "jj/mm/aaaa"
    expect(page.get_by_label("Date de réalisation (jj/mm/aaaa)")).to_be_visible()
    date.fill("15/06/2015")
    date.press("Tab")
    page.wait_for_timeout(500)
    expect(page.locator("#" + date.get_attribute("aria-describedby"))).to_have_text("")
    page.screenshot(path=str(ARTIFACTS / "app-english-browser.png"))
    page.context.close()


def test_leaving_warns_only_while_answers_are_not_exported(page, server):
    open_app(page, server)
    page.goto("about:blank")
    assert page.dialogs == []  # nothing typed: nothing to lose
    open_app(page, server)
    page.fill("input[data-field=structure]", "CAF qui part")
    page.press("input[data-field=structure]", "Tab")
    page.goto("about:blank")
    assert page.dialogs == ["beforeunload"]
    open_app(page, server)  # the answers are back
    assert page.input_value("input[data-field=structure]") == "CAF qui part"
    with page.expect_download():
        page.locator("[data-export=json]").click()
    page.goto("about:blank")
    assert page.dialogs == ["beforeunload"]  # exported: no second warning


def test_the_example_link_fills_the_app_without_touching_the_persons_answers(page, server):
    open_app(page, server)
    page.fill("input[data-field=structure]", "Mon autodiagnostic")
    page.press("input[data-field=structure]", "Tab")
    page.wait_for_timeout(400)
    open_app(page, server, "?exemple=recueil")
    wait_for_scores(page, EXAMPLE_SHOWN)
    expect(page.locator(".ce-restored")).to_contain_text("Exemple du recueil (SGMAP, 2015)")
    page.get_by_role("link", name="Revenir à mon autodiagnostic").click()
    page.wait_for_selector(".ce-app[data-live]", timeout=120_000)
    assert page.input_value("input[data-field=structure]") == "Mon autodiagnostic"


def _kernel_pid(kernel_id):
    listing = subprocess.run(["ps", "-ewwo", "pid=,args="], capture_output=True, text=True, check=True).stdout
    [pid] = [int(line.split()[0]) for line in listing.splitlines() if f"kernel-{kernel_id}.json" in line]
    return pid


def test_a_killed_kernel_is_detected_and_the_page_recovers_with_its_answers(page, server):
    open_app(page, server)
    page.fill("input[data-field=structure]", "CAF résistante")
    page.press("input[data-field=structure]", "Tab")
    for question in (0, 1, 2):
        page.locator(".ce-question").nth(question).get_by_text("Oui", exact=True).click()
    wait_for_scores(page, ["30 %", "0 %", "0 %", "0 %", "8 %"])
    config = json.loads(page.inner_text("#jupyter-config-data"))
    os.kill(_kernel_pid(config["kernelId"]), signal.SIGKILL)
    connection = page.locator(".ce-connection")
    expect(connection).to_contain_text("La connexion avec le serveur a été perdue", timeout=30_000)
    expect(connection).to_have_attribute("role", "alert")
    page.screenshot(path=str(ARTIFACTS / "app-kernel-lost.png"))
    # The page reloads by itself, with a new kernel and the answers kept in the browser.
    page.wait_for_function(
        "old => { const c = document.getElementById('jupyter-config-data');"
        " return c && JSON.parse(c.textContent).kernelId !== old && document.querySelector('.ce-app[data-live]'); }",
        arg=config["kernelId"], timeout=120_000,
    )
    wait_for_scores(page, ["30 %", "0 %", "0 %", "0 %", "8 %"])
    assert page.input_value("input[data-field=structure]") == "CAF résistante"
    expect(page.locator(".ce-restored")).to_contain_text("Vos réponses en cours ont été retrouvées")


def test_outside_voila_the_page_leaves_answers_and_leaving_to_jupyterlab(page, server):
    """In JupyterLab (no « data-voila » on the page), the page script only draws: nothing is
    restored from the browser, nothing is kept, no warning on leaving, no connection state."""
    from contacts_lib.autodiagnostic.page import AutodiagnosticApp

    # A page of the same origin (and storage), at an address whose entry the script would read.
    page.goto(server.url + page_path("inexistant.ipynb"))
    key = STORAGE_PREFIX + "notebooks/inexistant.ipynb"
    old = {"header": {"structure": "Ancienne"}, "answers": ["OUI"] * 36, "savedAt": "2026-01-01T00:00:00Z"}
    page.evaluate("([key, value]) => localStorage.setItem(key, JSON.stringify(value))", [key, old])
    page.set_content(f"<html><body>{AutodiagnosticApp().page_html()}</body></html>")
    page.wait_for_timeout(3000)
    assert page.input_value("input[data-field=structure]") == ""
    expect(page.locator(".ce-restored")).to_be_hidden()
    expect(page.locator(".ce-connection")).to_be_hidden()
    page.fill("input[data-field=structure]", "Dans JupyterLab")
    page.wait_for_timeout(500)
    assert json.loads(page.evaluate("key => localStorage.getItem(key)", key))["header"]["structure"] == "Ancienne"
    page.goto("about:blank")
    assert page.dialogs == []


def test_while_a_kernel_starts_the_page_says_so_in_french(page, server):
    """No kernel ready in the pool: one starts at once and the page shows its progress."""
    server.wait_for_kernels(pooled_kernels(), timeout=120)
    taken = [new_page(page.context.browser) for _ in range(2)]
    try:
        for visitor in taken:  # the two preheated kernels of the app
            visitor.goto(server.url + page_path("autodiagnostic.ipynb"), wait_until="commit")
        seen = []
        page.goto(server.url + page_path("autodiagnostic.ipynb"), wait_until="commit", timeout=120_000)
        for _ in range(200):
            text = page.evaluate("(document.getElementById('loading_text') || {}).textContent || ''")
            if text and text not in seen:
                seen.append(text)
            if page.query_selector(".ce-app"):
                break
            page.wait_for_timeout(50)
        # From the first byte on: Voilà's own spinner says « Running ... » until a script runs.
        assert seen and all(re.fullmatch(r"Chargement de la page…|Préparation de la page : étape \d sur \d…", t) for t in seen), seen
        page.wait_for_selector(".ce-app[data-live]", timeout=120_000)
    finally:  # the visitors' kernels go back, whatever happened: the next tests count kernels and culls
        for visitor in [*taken, page]:
            leave(visitor)


def test_visitors_leaving_give_their_kernels_back(browser, server):
    """Ten visitors open the app, then close their pages: each page's shutdown request frees its
    kernel at once (culling, a minute later, is for pages that vanish without a word)."""
    server.wait_for_kernels(pooled_kernels(), timeout=120)
    pages = []
    for _ in range(10):
        visitor = new_page(browser)
        open_app(visitor, server)
        visitor.locator(".ce-question").nth(0).get_by_text("Oui", exact=True).click()
        pages.append(visitor)
    assert len(server.kernels()) >= 10
    for visitor in pages:
        leave(visitor)
    # Each page's own request freed its kernel, not the culler (a kernel is culled after 60 s of
    # idleness, checked every 15 s, and the log says so): no fixed time to wait for, whatever the
    # machine's load.
    server.wait_for_kernels(pooled_kernels(), timeout=180)
    log = server.log.read_text(errors="replace")
    assert "Culling 'idle' kernel" not in log and log.count("Kernel shutdown") >= 10


# --------------------------------------------------------------------------- the other pages


def test_landing_page_leads_to_the_app_and_gives_the_blank_workbook(page, server, tmp_path):
    page.goto(server.url + "/", timeout=120_000)  # the root leads to the landing page
    assert page.url.endswith(page_path("index.ipynb"))
    assert page.title() == "100 % Contacts efficaces — accueil"
    assert page.evaluate("document.documentElement.lang") == "fr"
    link = page.get_by_role("link", name="Remplir l'autodiagnostic")
    expect(link).to_be_visible(timeout=60_000)
    for heading in ("Comment sont calculés les scores", "L'exemple du recueil", "Pour les animateurs d'atelier", "Pour les analystes"):
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.locator(".ce-landing")).to_contain_text("Orientation 40 %, Excellence 27 %, Pilotage 88 %, Innovation 100 %, moyenne 64 %")
    page.screenshot(path=str(ARTIFACTS / "landing.png"), full_page=True)
    with page.expect_download() as caught:
        page.get_by_role("link", name="Télécharger le classeur Excel vierge").click()
    caught.value.save_as(tmp_path / caught.value.suggested_filename)
    blank = load_workbook(tmp_path / "modele-autodiagnostic-100-contacts-efficaces.xlsx")
    assert blank.sheetnames == ["Autodiagnostic", "Résultats", "Plan d'actions"]
    link.click()
    page.wait_for_selector(".ce-app[data-live]", timeout=120_000)
    assert page.url.endswith(page_path("autodiagnostic.ipynb"))
    assert page.title() == "Autodiagnostic — 100 % Contacts efficaces"
    page.get_by_role("link", name="← Accueil").click()
    page.get_by_role("heading", name="Remplir l'autodiagnostic").wait_for(timeout=60_000)


def test_the_landing_page_gives_its_kernel_back_once_shown(page, server):
    server.wait_for_kernels(pooled_kernels(), timeout=120)
    page.goto(server.url + page_path("index.ipynb"), timeout=120_000)
    page.get_by_role("link", name="Remplir l'autodiagnostic").wait_for(timeout=60_000)
    page.wait_for_timeout(1000)
    # The page is still open; its kernel is gone, the pool refilled.
    assert server.wait_for_kernels(pooled_kernels(), timeout=60) < 60
    assert page.errors == []


def test_on_a_phone_the_scores_stay_in_view(browser, server):
    phone = new_page(browser, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=2)
    open_app(phone, server)
    upload(phone, example_path())
    wait_for_scores(phone, EXAMPLE_SHOWN)
    bar = phone.locator(".ce-scorebar")
    phone.locator(".ce-question").nth(20).scroll_into_view_if_needed()
    phone.wait_for_timeout(300)
    expect(bar).to_be_visible()
    box = bar.bounding_box()
    assert box["y"] < 15 and box["height"] < 45  # stuck at the top (of Voilà's scrolling area), one line
    assert plain(bar.inner_text()).split() == ["O", "40", "%", "E", "27", "%", "P", "88", "%", "I", "100", "%", "Moy.", "64", "%"]
    # « 100 % » and the like never break across lines.
    broken = phone.evaluate(
        """() => [...document.querySelectorAll('.ce-scorebar b, .ce-num, .ce-choice span')]
                 .filter(element => element.getClientRects().length > 1 || element.offsetHeight > 40)
                 .map(element => element.textContent)"""
    )
    assert broken == []
    phone.screenshot(path=str(ARTIFACTS / "phone-answering.png"))
    phone.locator(".ce-results").scroll_into_view_if_needed()
    phone.wait_for_timeout(300)
    phone.screenshot(path=str(ARTIFACTS / "phone-results.png"))
    phone.context.close()


# --------------------------------------------------------------------------- safety and access


def test_text_from_files_is_never_html(page, server, tmp_path):
    hostile = '<img src=x onerror="window.__pwned = 1">« CAF »'
    document = json.loads(example_path().read_text(encoding="utf-8"))
    document["structure"] = hostile
    (tmp_path / "hostile.json").write_text(json.dumps(document), encoding="utf-8")
    open_app(page, server)
    upload(page, tmp_path / "hostile.json")
    expect(page.locator(".ce-import-info")).to_contain_text("CAF")
    assert hostile.replace("« ", "«\u00a0").replace(" »", "\u00a0»") in page.inner_text(".ce-import-info")
    assert page.input_value("input[data-field=structure]") == hostile
    assert page.evaluate("window.__pwned") is None
    assert page.query_selector(".ce-app img") is None


def test_accessibility_audit_has_no_critical_or_serious_violation(page, server):
    open_app(page, server)
    upload(page, example_path())
    wait_for_scores(page, EXAMPLE_SHOWN)
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
    landing.goto(server.url + page_path("index.ipynb"), timeout=120_000)
    landing.get_by_role("link", name="Remplir l'autodiagnostic").wait_for(timeout=60_000)
    landing_results = Axe().run(landing, context={"include": [["#rendered_cells"]]})
    assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in landing_results.response["violations"] if v["impact"] in ("critical", "serious")] == []


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
