"""JSON, CSV and XLSX: read and written, identical results for the same answers."""

import csv
import io
import json
import zipfile

import pytest
from openpyxl import load_workbook

from contacts_lib import (
    InputError,
    dumps_csv,
    parse_file,
    read_autodiagnostics,
    score,
    write_csv,
    write_json,
    write_workbook,
)
from contacts_lib.autodiagnostic.answers import QUESTION_KEYS
from contacts_lib.formats.xlsx_format import ANSWER_SHEET, INPUT_COLUMN, question_row
from tests.samples import random_autodiagnostic, with_followup

SAMPLES = [random_autodiagnostic(seed) for seed in range(6)]
#: The same structures with comments, evidence and a plan d'actions.
FOLLOWED = [with_followup(diagnostic, seed) for seed, diagnostic in enumerate(SAMPLES)]


@pytest.mark.parametrize("diagnostic", SAMPLES + FOLLOWED, ids=lambda d: f"{d.structure[:14]}-{len(d.plan)}")
def test_each_format_round_trips_to_the_same_autodiagnostic(diagnostic, tmp_path):
    write_json(diagnostic, tmp_path / "a.json")
    write_csv([diagnostic], tmp_path / "a.csv")
    write_workbook(diagnostic, tmp_path / "a.xlsx")
    for name in ("a.json", "a.csv", "a.xlsx"):
        [read_back] = read_autodiagnostics(tmp_path / name)
        assert read_back == diagnostic, name
        assert score(read_back) == score(diagnostic)


def test_csv_holds_several_structures_in_order(tmp_path):
    write_csv(SAMPLES, tmp_path / "all.csv")
    assert read_autodiagnostics(tmp_path / "all.csv") == SAMPLES


def test_json_document_has_answers_and_results(worked_example, tmp_path):
    write_json(worked_example, tmp_path / "e.json")
    document = json.loads((tmp_path / "e.json").read_text(encoding="utf-8"))
    assert document["reponses"]["q01"] == "OUI" and document["reponses"]["q02"] == "NON"
    assert document["resultats"] == {
        "orientation": 40, "excellence": 27, "pilotage": 88, "innovation": 100, "moyenne": 64, "reponses": 36,
    }


def test_json_results_are_recomputed_not_trusted(worked_example, tmp_path):
    write_json(worked_example, tmp_path / "e.json")
    document = json.loads((tmp_path / "e.json").read_text(encoding="utf-8"))
    document["resultats"]["moyenne"] = 99
    document["reponses"]["q02"] = "oui"
    del document["reponses"]["q36"]  # a missing key is an unanswered question
    [read_back] = parse_file(json.dumps(document).encode(), "e.json")
    assert read_back.answers[1] is True and read_back.answers[35] is None
    assert read_back.answered == 35


def _csv_text(separator=",", header_case=str, rows=(("CAF Lyon", "OUI"),)):
    columns = ["structure", "date", "usagers", *QUESTION_KEYS, "commentaire"]
    lines = [separator.join(header_case(c) for c in columns)]
    for name, answer in rows:
        lines.append(separator.join([name, "15/06/2015", "1200", *([answer] * 36), "à revoir"]))
    return "\r\n".join(lines) + "\r\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("separator", [",", ";"])
def test_csv_encodings_and_separators(encoding, separator):
    content = _csv_text(separator, rows=[("Préfecture de l'Isère", " oui ")]).encode(encoding)
    [diagnostic] = parse_file(content, "f.csv")
    assert diagnostic.structure == "Préfecture de l'Isère"
    assert diagnostic.answers == (True,) * 36
    assert diagnostic.extra == {"commentaire": "à revoir"}


def test_csv_header_written_as_people_do():
    text = _csv_text(header_case=lambda c: c.upper().replace("Q0", "Q"))
    [diagnostic] = parse_file(text.encode(), "f.csv")
    assert diagnostic.usagers == 1200 and diagnostic.answered == 36


def test_csv_extra_columns_are_kept_when_written_back(tmp_path):
    [diagnostic] = parse_file(_csv_text().encode(), "f.csv")
    assert "commentaire" in dumps_csv([diagnostic]).splitlines()[0].split(",")
    write_csv([diagnostic], tmp_path / "back.csv")
    assert read_autodiagnostics(tmp_path / "back.csv")[0].extra == {"commentaire": "à revoir"}


def test_blank_template_reads_as_unanswered_and_names_the_missing_structure(tmp_path):
    write_workbook(None, tmp_path / "modele.xlsx")
    with pytest.raises(InputError, match=r"modele\.xlsx, feuille Autodiagnostic, cellule D4 : le nom de la structure est vide"):
        read_autodiagnostics(tmp_path / "modele.xlsx")


def test_workbook_filled_by_hand_with_moved_rows_is_read(tmp_path, worked_example):
    write_workbook(None, tmp_path / "modele.xlsx")
    workbook = load_workbook(tmp_path / "modele.xlsx")
    sheet = workbook[ANSWER_SHEET]
    sheet["D4"] = "CAF de la Drôme"
    for number, answer in enumerate(worked_example.answers, start=1):
        sheet[f"{INPUT_COLUMN}{question_row(number)}"] = {True: "Oui", False: " non "}[answer]
    sheet.insert_rows(3, amount=2)  # someone added a note at the top
    sheet["A3"] = "Rempli lors de l'atelier du 12 mars"
    workbook.save(tmp_path / "rempli.xlsx")
    [diagnostic] = read_autodiagnostics(tmp_path / "rempli.xlsx")
    assert diagnostic.structure == "CAF de la Drôme"
    assert score(diagnostic) == score(worked_example)


def test_workbook_bad_answer_names_the_cell(tmp_path):
    write_workbook(None, tmp_path / "modele.xlsx")
    workbook = load_workbook(tmp_path / "modele.xlsx")
    sheet = workbook[ANSWER_SHEET]
    sheet["D4"] = "CAF"
    sheet[f"D{question_row(7)}"] = "peut-être"
    workbook.save(tmp_path / "rempli.xlsx")
    with pytest.raises(InputError) as caught:
        read_autodiagnostics(tmp_path / "rempli.xlsx")
    assert str(caught.value) == (
        f"{tmp_path / 'rempli.xlsx'}, feuille Autodiagnostic, cellule D{question_row(7)} : réponse « peut-être » "
        "non reconnue ; attendu OUI ou NON (ou vide si la question n'a pas encore de réponse)."
    )


def test_template_has_drop_downs_formulas_and_a_radar(tmp_path):
    write_workbook(None, tmp_path / "modele.xlsx")
    workbook = load_workbook(tmp_path / "modele.xlsx")
    sheet = workbook[ANSWER_SHEET]
    rules = [rule for rule in sheet.data_validations.dataValidation if rule.type == "list"]
    assert len(rules) == 1 and rules[0].formula1 == '"OUI,NON"'
    covered = str(rules[0].sqref)
    assert f"D{question_row(1)}" in covered and f"D{question_row(36)}" in covered
    results = workbook["Résultats"]
    formulas = [cell.value for row in results.iter_rows() for cell in row if isinstance(cell.value, str) and cell.value.startswith("=")]
    assert any("SUMPRODUCT" in f and '"OUI"' in f for f in formulas) and any(f.startswith("=AVERAGE(") for f in formulas)
    with zipfile.ZipFile(tmp_path / "modele.xlsx") as archive:
        charts = [name for name in archive.namelist() if name.startswith("xl/charts/")]
        assert charts and b"<radarChart>" in archive.read(charts[0])


def test_awkward_values_round_trip(tmp_path):
    """A name that looks like a formula, grouped thousands, columns clashing with the format's keys."""
    [diagnostic] = parse_file(
        (
            "structure;usagers;appels;reponses;commentaire;" + ";".join(QUESTION_KEYS) + "\n"
            '"=HYPERLINK(""http://x"")";1.500.000;12,000;à garder;« voir »;' + ";".join(["OUI"] * 36) + "\n"
        ).encode("utf-8"),
        "f.csv",
    )
    assert (diagnostic.usagers, diagnostic.appels) == (1_500_000, 12_000)
    assert diagnostic.extra == {"reponses": "à garder", "commentaire": "« voir »"}
    write_json(diagnostic, tmp_path / "a.json")
    write_csv([diagnostic], tmp_path / "a.csv")
    write_workbook(diagnostic, tmp_path / "a.xlsx")
    [from_csv] = read_autodiagnostics(tmp_path / "a.csv")
    assert from_csv == diagnostic
    [from_json] = read_autodiagnostics(tmp_path / "a.json")
    assert from_json.extra == {"reponses (colonne d'origine)": "à garder", "commentaire": "« voir »"}
    [from_xlsx] = read_autodiagnostics(tmp_path / "a.xlsx")
    assert from_xlsx.structure == '=HYPERLINK("http://x")'  # text, not a formula
    assert load_workbook(tmp_path / "a.xlsx")[ANSWER_SHEET]["D4"].data_type == "s"
    for read_back in (from_json, from_xlsx):
        assert (read_back.structure, read_back.usagers, read_back.answers) == (
            diagnostic.structure, diagnostic.usagers, diagnostic.answers,
        )


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x")', "+33 1 23", "-CAF", "@SOMME(A1)", "\tCAF", "\rCAF"])
def test_csv_outputs_neutralise_cells_a_spreadsheet_would_run(name, tmp_path):
    """OWASP's advice on CSV injection: a cell starting with = + - @ (or tab, carriage return)
    gets a leading apostrophe in every CSV we write; our reader takes it off again."""
    from contacts_lib.autodiagnostic.answers import Autodiagnostic
    from tests.samples import run_cli

    diagnostic = Autodiagnostic(structure="CAF", answers=(True,) * 36, extra={"note": name, name.strip(): "x"})
    text = dumps_csv([diagnostic])
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert "'" + name in cells and not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert parse_file(text.encode(), "f.csv") == [diagnostic]
    if name[0] in "=+-@":
        (tmp_path / "f.json").write_text(json.dumps({"structure": name, "reponses": {}}), encoding="utf-8")
        printed = run_cli("score", "--csv", "f.json", cwd=tmp_path).stdout.splitlines()[1]
        assert next(csv.reader([printed]))[0] == "'" + name
