"""The workbook in a real spreadsheet application (LibreOffice, headless).

A blank template is filled as a person would, then LibreOffice opens it, recomputes the
formulas and saves it: the numbers its own formulas show must be the library's, and the file
the spreadsheet saved must read back to the same scores.
"""

import csv
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from contacts_lib import read_autodiagnostics, rounded_percent, score, write_workbook
from contacts_lib.autodiagnostic.reference import load_catalogue
from contacts_lib.formats.xlsx_format import (
    ANSWER_SHEET,
    INPUT_COLUMN,
    RESULTS_SHEET,
    question_row,
)
from tests.hostile import REFUSED_SPELLINGS
from tests.samples import random_autodiagnostic, with_followup

pytestmark = pytest.mark.slow

RESULTS_SHEET_NUMBER = 2  # LibreOffice's CSV filter exports one sheet, by position
# CSV filter options: separator, quote, UTF-8, … , token 9 « save cell contents as shown », token 12 the sheet.
CSV_AS_SHOWN = f"csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,{RESULTS_SHEET_NUMBER}"


@pytest.fixture(scope="module")
def soffice(tmp_path_factory):
    program = shutil.which("soffice")
    if program is None:
        pytest.fail("LibreOffice manque : sudo apt-get install -y libreoffice-calc-nogui (make system-deps)")
    profile = tmp_path_factory.mktemp("lo-profile")

    def convert(source, target_format, outdir):
        subprocess.run(
            [program, f"-env:UserInstallation=file://{profile}", "--headless",
             "--convert-to", target_format, "--outdir", str(outdir), str(source)],
            check=True, capture_output=True, timeout=180,
        )

    return convert


def _fill_by_hand(template, target, diagnostic):
    """What a person does: open the blank workbook, type the name, pick OUI/NON, save."""
    workbook = load_workbook(template)
    sheet = workbook[ANSWER_SHEET]
    sheet["D4"] = diagnostic.structure
    for number, answer in enumerate(diagnostic.answers, start=1):
        if answer is not None:
            sheet[f"{INPUT_COLUMN}{question_row(number)}"] = "OUI" if answer else "NON"
    workbook.save(target)


def _shown_results(csv_path):
    rows = list(csv.reader(csv_path.read_text(encoding="utf-8").splitlines()))
    names = {lever.short_name for lever in load_catalogue().levers} | {"Moyenne"}
    return {row[0]: row for row in rows if row and row[0] in names}


def _cases():
    from contacts_lib.autodiagnostic.reference import example_path

    example = read_autodiagnostics(example_path())[0]
    half = list(random_autodiagnostic(0).answers)
    half[:] = [False] * 36
    half[21:25] = [True] * 4  # Pilotage 4/8 only: moyenne exactly 12.5 %
    return [example, example.__class__(structure="Demi", answers=tuple(half))] + [
        random_autodiagnostic(seed) for seed in (3, 7)
    ]


@pytest.mark.parametrize("diagnostic", _cases(), ids=["exemple", "demi", "alea3", "alea7"])
def test_formulas_show_the_library_numbers_and_the_saved_file_reads_back(diagnostic, soffice, tmp_path):
    write_workbook(None, tmp_path / "modele.xlsx")
    _fill_by_hand(tmp_path / "modele.xlsx", tmp_path / "rempli.xlsx", diagnostic)
    expected = score(diagnostic)
    levers = load_catalogue().levers

    soffice(tmp_path / "rempli.xlsx", CSV_AS_SHOWN, tmp_path / "shown")
    shown = _shown_results(next((tmp_path / "shown").glob("*.csv")))
    for lever in levers:
        row = shown[lever.short_name]
        assert row[5] == f"{rounded_percent(expected.coverage[lever.key])}%", lever.short_name
        assert int(row[4]) == sum(diagnostic.answers[q.number - 1] is not None for q in load_catalogue().questions_of(lever))
    assert shown["Moyenne"][5] == f"{rounded_percent(expected.moyenne)}%"
    assert int(shown["Moyenne"][4]) == expected.answered

    soffice(tmp_path / "rempli.xlsx", "xlsx", tmp_path / "saved")
    saved = tmp_path / "saved" / "rempli.xlsx"
    values = load_workbook(saved, data_only=True)[RESULTS_SHEET]
    computed = {row[0]: row[5] for row in values.iter_rows(values_only=True) if row and row[0]}
    for lever in levers:
        assert computed[lever.short_name] == pytest.approx(expected.percent(lever.key) / 100, abs=1e-12)
    assert computed["Moyenne"] == pytest.approx(expected.percent("moyenne") / 100, abs=1e-12)
    [read_back] = read_autodiagnostics(saved)
    assert read_back.structure == diagnostic.structure
    assert score(read_back) == expected


def test_filled_workbook_from_the_library_computes_in_the_spreadsheet(worked_example, soffice, tmp_path):
    write_workbook(worked_example, tmp_path / "resultats.xlsx")
    soffice(tmp_path / "resultats.xlsx", CSV_AS_SHOWN, tmp_path / "shown")
    shown = _shown_results(next((tmp_path / "shown").glob("*.csv")))
    assert [shown[name][5] for name in ("Orientation", "Excellence", "Pilotage", "Innovation", "Moyenne")] == [
        "40%", "27%", "88%", "100%", "64%",
    ]


def test_a_workbook_holding_a_plan_computes_the_same_scores_and_keeps_the_plan_once_saved_by_the_spreadsheet(
        worked_example, soffice, tmp_path):
    followed = with_followup(worked_example, 4)
    write_workbook(followed, tmp_path / "plan.xlsx")
    soffice(tmp_path / "plan.xlsx", CSV_AS_SHOWN, tmp_path / "shown")
    shown = _shown_results(next((tmp_path / "shown").glob("*.csv")))
    assert [shown[name][5] for name in ("Orientation", "Excellence", "Pilotage", "Innovation", "Moyenne")] == [
        "40%", "27%", "88%", "100%", "64%",
    ]
    soffice(tmp_path / "plan.xlsx", "xlsx", tmp_path / "saved")
    [read_back] = read_autodiagnostics(tmp_path / "saved" / "plan.xlsx")
    assert score(read_back) == score(worked_example)
    assert (read_back.comments, read_back.evidence, read_back.plan) == (followed.comments, followed.evidence, followed.plan)


def test_formulas_count_typed_answers_as_the_library_reads_them(soffice, tmp_path, worked_example):
    """Someone typed instead of using the drop-down: « oui », « O », 1, « VRAI »… count alike."""
    write_workbook(worked_example, tmp_path / "tape.xlsx")
    workbook = load_workbook(tmp_path / "tape.xlsx")
    sheet = workbook[ANSWER_SHEET]
    typed = ["oui", " Non ", "O", "1", 1, 0, "n", "VRAI", "Oui ", "no", "yes", "FAUX"]
    for number, value in enumerate(typed, start=1):
        sheet[f"{INPUT_COLUMN}{question_row(number)}"] = value
    workbook.save(tmp_path / "tape.xlsx")
    [read] = read_autodiagnostics(tmp_path / "tape.xlsx")
    expected = score(read)
    soffice(tmp_path / "tape.xlsx", CSV_AS_SHOWN, tmp_path / "shown")
    shown = _shown_results(next((tmp_path / "shown").glob("*.csv")))
    for lever in load_catalogue().levers:
        assert shown[lever.short_name][5] == f"{rounded_percent(expected.coverage[lever.key])}%"
    assert shown["Moyenne"][5] == f"{rounded_percent(expected.moyenne)}%"
    assert int(shown["Moyenne"][4]) == expected.answered == 36


def test_the_workbook_prints_on_a4(soffice, tmp_path, worked_example):
    """Both sheets print on A4, all columns across the page, in a few pages."""
    import re

    write_workbook(worked_example, tmp_path / "resultats.xlsx")
    soffice(tmp_path / "resultats.xlsx", "pdf", tmp_path / "pdf")
    pdf = (tmp_path / "pdf" / "resultats.pdf").read_bytes()
    boxes = [tuple(round(float(v)) for v in box.split()) for box in re.findall(rb"/MediaBox\s*\[\s*([\d.\s]+?)\s*\]", pdf)]
    pages = [box for box in boxes if box[2:] in ((595, 842), (842, 595))]
    assert len(pages) == len(re.findall(rb"/Type\s*/Page[^s]", pdf)), boxes
    assert 2 <= len(pages) <= 4, boxes


# --------------------------------------------------------------------------- every spelling, both ways


def _accepted_spellings() -> list[object]:
    """Every way the library reads an answer: each word in three cases, each space of the
    vocabulary around it, numbers and booleans."""
    from contacts_lib.autodiagnostic.answers import ANSWER_SPACES, NO_WORDS, YES_WORDS

    spellings: list[object] = []
    for word in YES_WORDS + NO_WORDS:
        for variant in (word, word.lower(), word.capitalize()):
            if variant not in spellings:
                spellings.append(variant)
    for space in ANSWER_SPACES:
        if space != "\x01":  # LibreOffice's own stand-in for a tab: no file holds it
            spellings += [f"{space}oui", f"Non{space}", f"{space}{space}O{space}"]
    spellings += ["\u00a0 Oui \u3000", "\t\r\nNON\u202f", "\tOUI\n", "\n\tn\t", 1, 0, 1.0, 0.0, True, False]
    return spellings


def _fill_answers(template, target, values):
    workbook = load_workbook(template)
    sheet = workbook[ANSWER_SHEET]
    sheet["D4"] = "Orthographes"
    for number in range(1, 37):
        sheet[f"{INPUT_COLUMN}{question_row(number)}"] = values[number - 1] if number <= len(values) else None
    workbook.save(target)


def _plan_states(csv_path) -> dict[int, str]:
    """Question number → « En place » / « À mettre en œuvre », as the results sheet shows it."""
    rows = list(csv.reader(csv_path.read_text(encoding="utf-8").splitlines()))
    start = next(i for i, row in enumerate(rows) if row and row[0] == "Question")
    return {int(row[0]): row[5] for row in rows[start + 1:] if row and row[0].isdigit()}


@pytest.mark.parametrize("batch", [0, 1, 2])
def test_every_accepted_spelling_counts_in_the_workbook_as_in_the_library(batch, soffice, tmp_path):
    from contacts_lib.autodiagnostic.answers import parse_answer

    spellings = _accepted_spellings()
    assert len(spellings) <= 3 * 36
    values = spellings[batch * 36:(batch + 1) * 36]
    expected = [parse_answer(value, "ici") for value in values]
    assert None not in expected
    write_workbook(None, tmp_path / "modele.xlsx")
    _fill_answers(tmp_path / "modele.xlsx", tmp_path / "orthographes.xlsx", values)
    [read] = read_autodiagnostics(tmp_path / "orthographes.xlsx")
    assert list(read.answers[: len(values)]) == expected
    soffice(tmp_path / "orthographes.xlsx", CSV_AS_SHOWN, tmp_path / "shown")
    shown_csv = next((tmp_path / "shown").glob("*.csv"))
    states = _plan_states(shown_csv)
    for number, value in enumerate(values, start=1):
        assert states[number] == ("En place" if expected[number - 1] else "À mettre en œuvre"), (number, repr(value))
    shown = _shown_results(shown_csv)
    scores = score(read)
    for lever in load_catalogue().levers:
        assert shown[lever.short_name][5] == f"{rounded_percent(scores.coverage[lever.key])}%", lever.short_name
    assert int(shown["Moyenne"][4]) == scores.answered == len(values)


def test_no_refused_spelling_counts_in_the_workbook(soffice, tmp_path):
    from contacts_lib.autodiagnostic.answers import parse_answer
    from contacts_lib.messages import InputError

    for value in REFUSED_SPELLINGS:
        with pytest.raises(InputError):
            parse_answer(value, "ici")
    write_workbook(None, tmp_path / "modele.xlsx")
    _fill_answers(tmp_path / "modele.xlsx", tmp_path / "refus.xlsx", REFUSED_SPELLINGS)
    soffice(tmp_path / "refus.xlsx", CSV_AS_SHOWN, tmp_path / "shown")
    shown_csv = next((tmp_path / "shown").glob("*.csv"))
    states = _plan_states(shown_csv)
    counted = {number: repr(REFUSED_SPELLINGS[number - 1]) for number in range(1, len(REFUSED_SPELLINGS) + 1)
               if states[number] != "À mettre en œuvre"}
    assert counted == {}
    shown = _shown_results(shown_csv)
    assert [int(shown[name][3]) for name in shown] == [0] * 5  # OUI counted
    assert [int(shown[name][4]) for name in shown] == [0] * 5  # answers counted
