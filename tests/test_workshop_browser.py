"""The workshop page as a facilitator uses it: Voilà serving it, headless Chromium following the
landing page's link, uploading five participants' files at once (JSON, XLSX, CSV), settling a
question, adding files later, and downloading the consensus and the A4 summary. Screenshots in
tests/artifacts/ (atelier-*.png)."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from contacts_lib import (
    Autodiagnostic,
    read_autodiagnostics,
    score,
    write_csv,
    write_json,
    write_workbook,
)
from contacts_lib.autodiagnostic.reference import load_catalogue
from contacts_lib.autodiagnostic.scoring import format_percent
from contacts_lib.web.server import page_path
from tests.app_server import pooled_kernels, running_app
from tests.samples import ROOT, plain

pytestmark = pytest.mark.browser
expect.set_options(timeout=60_000)

ARTIFACTS = ROOT / "tests" / "artifacts"
PAGE = page_path("atelier.ipynb")
STRUCTURE = "Caisse d'allocations familiales de l'Isère"

Y, N, B = True, False, None
# Five participants; question 1 unanimous OUI, question 2 a tie (2 OUI, 2 NON, 1 blank),
# question 3 a majority NON with Anne against; the other questions follow a shared base with a
# few differences, as in a real workshop.
BASE = [n % 3 != 0 for n in range(1, 37)]
SPECIFIC = {
    "Anne": {1: Y, 2: Y, 3: Y},
    "Bruno": {1: Y, 2: Y, 3: N, 20: not BASE[19]},
    "Chloé": {1: Y, 2: N, 3: N},
    "David": {1: Y, 2: N, 3: N, 30: B},
    "Émilie": {1: Y, 2: B, 3: N, 20: not BASE[19]},
}


def _answers(name: str) -> tuple[bool | None, ...]:
    return tuple(SPECIFIC[name].get(n, BASE[n - 1]) for n in range(1, 37))


def _files(folder: Path) -> list[Path]:
    """Five files: two JSON, two workbooks, one CSV; three of them name their participant in the
    app's « Participant » field (a workbook's row, a JSON key, a CSV column), the others are
    named after their file."""
    diagnostics = {name: Autodiagnostic(structure=STRUCTURE, answers=_answers(name), reseau="CAF") for name in SPECIFIC}
    write_json(diagnostics["Anne"], folder / "anne.json")
    write_workbook(diagnostics["Bruno"], folder / "bruno.xlsx")
    write_workbook(dataclasses.replace(diagnostics["Chloé"], participant="Chloé B."), folder / "chloe.xlsx")
    write_json(dataclasses.replace(diagnostics["David"], participant="David K."), folder / "david.json")
    emilie = Autodiagnostic(structure=STRUCTURE, answers=_answers("Émilie"), participant="Émilie R.")
    write_csv([emilie], folder / "emilie.csv")
    return [folder / name for name in ("anne.json", "bruno.xlsx", "chloe.xlsx", "david.json", "emilie.csv")]


def _shot(page, name: str, selector: str | None = None) -> None:
    if selector:
        page.locator(selector).first.scroll_into_view_if_needed()
    page.wait_for_timeout(400)
    page.screenshot(path=str(ARTIFACTS / name))


def test_a_workshop_from_five_files_to_the_consensus(browser, tmp_path_factory):
    ARTIFACTS.mkdir(exist_ok=True)
    folder = tmp_path_factory.mktemp("atelier")
    files = _files(folder)
    with running_app(tmp_path_factory.mktemp("voila") / "voila.log") as server:
        context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="fr-FR", accept_downloads=True)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(server.url + page_path("index.ipynb"), timeout=180_000)
        page.get_by_role("link", name="Animer un atelier : consensus du groupe").click()
        upload = page.get_by_role("button", name="Ajouter des fichiers")
        expect(upload).to_be_visible(timeout=180_000)
        assert page.url.endswith(PAGE)
        assert page.title() == "Atelier — 100 % Contacts efficaces"
        assert page.evaluate("document.documentElement.lang") == "fr"
        expect(page.get_by_role("link", name="← Accueil")).to_be_visible()
        _shot(page, "atelier-vide.png")

        _upload(page, files)
        expect(page.locator(".ce-workshop h2", has_text="Participants : 5")).to_be_visible()
        expect(page.locator(".ce-file-status")).to_have_text("5 fichiers ajoutés (5 participants)")  # the counter counts
        table = page.locator("table.ce-structures tbody")
        assert [plain(t) for t in table.locator("tr td:first-child").all_inner_texts()] == ["anne", "bruno", "Chloé B.", "David K.", "Émilie R."]

        row_2 = page.locator(".ce-q-2")
        expect(row_2).to_contain_text("OUI 2 · NON 2 · sans réponse 1")
        expect(row_2).to_contain_text("Égalité, à trancher par le groupe")
        assert plain(row_2.locator("select").evaluate("s => s.options[s.selectedIndex].text")) == "Sans réponse"
        row_3 = page.locator(".ce-q-3")
        expect(row_3).to_contain_text("OUI 1 · NON 4 · sans réponse 0")
        assert "En désaccord avec le consensus : anne (OUI)" in plain(row_3.inner_text())
        assert row_3.locator("select").evaluate("s => s.options[s.selectedIndex].text") == "NON"
        expect(page.locator(".ce-q-1")).to_contain_text("unanimité")
        _shot(page, "atelier-consensus.png", ".ce-results-row")

        # The group settles question 2: OUI.
        page.get_by_label("Consensus 2", exact=True).select_option(label="OUI")
        expect(row_2).to_contain_text("choix de l'animateur (proposition : sans réponse)")
        expect(row_2.get_by_role("button", name="Revenir à la proposition")).to_be_visible()
        _shot(page, "atelier-questions.png", ".ce-q-1")
        page.get_by_label("Seulement les questions sans unanimité").check()
        expect(page.locator(".ce-q-1")).to_be_hidden()
        expect(row_2).to_be_visible()
        _shot(page, "atelier-sans-unanimite.png", ".ce-q-2")
        page.get_by_label("Seulement les questions sans unanimité").uncheck()

        # What the page shows is what the consensus file scores.
        answers = [_majority([_answers(name)[n - 1] for name in SPECIFIC]) for n in range(1, 37)]
        answers[1] = True
        expected = score(Autodiagnostic(structure=STRUCTURE, answers=tuple(answers)))
        shown = {key: plain(page.locator(f"td[data-lever={key}]").inner_text()) for key in
                 [lever.key for lever in load_catalogue().levers] + ["moyenne"]}
        assert shown["moyenne"] == plain(format_percent(expected.moyenne))
        page.get_by_role("button", name="Préparer : JSON").click()
        with page.expect_download() as caught:
            page.get_by_role("link", name="Enregistrer consensus-caisse-d-allocations-familiales-de-l-isere.json").click()
        downloaded = folder / "consensus.json"
        caught.value.save_as(downloaded)
        (consensus,) = read_autodiagnostics(downloaded)
        scores = score(consensus)
        for lever in load_catalogue().levers:
            assert shown[lever.key] == plain(format_percent(scores.coverage[lever.key])), lever.key
        assert shown["moyenne"] == plain(format_percent(scores.moyenne))
        assert consensus.answers == tuple(answers) and consensus.structure == STRUCTURE and consensus.reseau == "CAF"
        assert json.loads(downloaded.read_text())["reponses"]["q02"] == "OUI"

        # More files later, one of them bad: it is named, the others join, the choice stays.
        late = Autodiagnostic(structure=STRUCTURE, answers=_answers("Chloé"))
        write_json(late, folder / "fabrice.json")
        (folder / "casse.json").write_text('{"structure": "x", "reponses": {"q01": "peut-être"}}', encoding="utf-8")
        _upload(page, [folder / "casse.json", folder / "fabrice.json"])
        expect(page.locator(".ce-workshop h2", has_text="Participants : 6")).to_be_visible()
        messages = page.locator(".ce-problem")
        expect(messages).to_contain_text("casse.json")
        expect(messages).to_contain_text("peut-être")
        assert row_2.locator("select").evaluate("s => s.options[s.selectedIndex].text") == "OUI"
        expect(row_2).to_contain_text("OUI 2 · NON 3 · sans réponse 1")
        _shot(page, "atelier-ajout.png")

        # The one-page summary.
        page.get_by_role("button", name="Préparer : Synthèse de l'atelier (HTML, A4)").click()
        with page.expect_download() as caught:
            page.get_by_role("link", name="Enregistrer consensus-caisse-d-allocations-familiales-de-l-isere-atelier.html").click()
        summary = ARTIFACTS / "atelier-synthese.html"
        caught.value.save_as(summary)
        document = context.new_page()
        document.goto(summary.as_uri())
        assert "6 participants" in plain(document.locator("header").inner_text())
        assert "Questions sans unanimité" in document.locator("h2").all_inner_texts()[-1]
        document.screenshot(path=str(ARTIFACTS / "atelier-synthese.png"), full_page=True)
        document.emulate_media(media="print")
        pdf = document.pdf(format="A4")
        (ARTIFACTS / "atelier-synthese.pdf").write_bytes(pdf)
        assert _pages(pdf) == 1  # one A4 page
        document.close()

        # A reload (or a lost kernel) loses nothing: the browser kept the files and the choice.
        page.reload()
        expect(page.locator(".ce-workshop h2", has_text="Participants : 6")).to_be_visible(timeout=180_000)
        expect(page.locator(".ce-workshop")).to_contain_text("Atelier retrouvé dans ce navigateur : 6 participants, 1 choix de l'animateur.")
        assert row_2.locator("select").evaluate("s => s.options[s.selectedIndex].text") == "OUI"
        expect(row_2).to_contain_text("OUI 2 · NON 3 · sans réponse 1")
        _shot(page, "atelier-retrouve.png")
        page.get_by_role("button", name="Recommencer l'atelier (tout effacer)").click()
        page.get_by_role("button", name="Confirmer : effacer les fichiers et les choix de cet atelier").click()
        expect(page.locator(".ce-workshop")).to_contain_text("Atelier effacé")
        page.wait_for_function("() => localStorage.getItem('contacts-efficaces/atelier/v1') === null")

        assert errors == []
        with page.expect_event("close"):
            page.close(run_before_unload=True)
        context.close()
        assert server.wait_for_kernels(pooled_kernels(), timeout=60) < 30


def _upload(page, paths: list[Path]) -> None:
    """Choose files with the upload button, as a person does (the browser's file chooser)."""
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Ajouter des fichiers").click()
    assert chooser.value.is_multiple()
    chooser.value.set_files([str(path) for path in paths])


def _majority(answers: list[bool | None]) -> bool | None:
    """Worked out here as the facilitator would: more OUI than NON, or the reverse; else blank."""
    yes, no = answers.count(True), answers.count(False)
    return None if yes == no else yes > no


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-z])", pdf))


@pytest.mark.parametrize(
    ("people", "divided", "name_length"),
    [(5, 36, 8), (20, 36, 40), (5, 12, 8), (12, 24, 20)],
    ids=["5-participants-all-divided", "20-long-names-all-divided", "5-participants-12-divided", "12-participants-24-divided"],
)
def test_the_summary_is_one_a4_page_or_splits_on_purpose_as_it_says(browser, tmp_path, people, divided, name_length):
    """Printed in Chromium, the summary has exactly the pages it announces: one when the questions
    without unanimity fit, else split on purpose, each page holding what was put on it."""
    from contacts_lib.workshop.consensus import answer_counts, label_participants, summary_html

    def answers(index):  # questions 1…divided split the group, the others unanimous
        return tuple((index + number) % 2 == 0 if number <= divided else True for number in range(1, 37))

    group = label_participants(
        (f"{'Participante-' * 4}{index:02d}"[-name_length:], Autodiagnostic(structure=STRUCTURE, answers=answers(index)), "f.json")
        for index in range(people)
    )
    counts = answer_counts(group)
    assert int((~counts["unanime"]).sum()) == divided
    path = tmp_path / "synthese.html"
    path.write_text(summary_html(group), encoding="utf-8")
    document = browser.new_page()
    document.goto(path.as_uri())
    text = plain(document.inner_text("body"))
    pdf = document.pdf(format="A4")
    (ARTIFACTS / f"atelier-synthese-{people}-{divided}.pdf").write_bytes(pdf)
    document.close()
    said = re.search(r"La liste continue en page 2 \((\d+) pages en tout\)\.", text)
    announced = int(said.group(1)) if said else 1
    assert _pages(pdf) == announced  # no page overflows onto one it did not announce
    for number in range(2, announced + 1):
        assert f"Questions sans unanimité (suite, page {number} sur {announced})" in text
    assert text.count("Bonne pratique") == announced  # the table's head on every page
    if people == 5:
        assert announced == (1 if divided == 12 else 2)
