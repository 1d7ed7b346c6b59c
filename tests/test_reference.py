"""The catalogue transcribed from the recueil: whole, coherent and clean of extraction artefacts."""

import csv
import re

import pytest

from contacts_lib.autodiagnostic.reference import (
    CatalogueError,
    _check,
    data_dir,
    load_catalogue,
)


def test_levers_hold_10_11_8_7_questions_in_sheet_order():
    catalogue = load_catalogue()
    assert [lever.short_name for lever in catalogue.levers] == [
        "Orientation", "Excellence", "Pilotage", "Innovation",
    ]
    counts = {lever.short_name: [q.number for q in catalogue.questions_of(lever)] for lever in catalogue.levers}
    assert counts["Orientation"] == list(range(1, 11))
    assert counts["Excellence"] == list(range(11, 22))
    assert counts["Pilotage"] == list(range(22, 30))
    assert counts["Innovation"] == list(range(30, 37))


def test_question_order_differs_from_practice_order_as_in_the_original_sheet():
    by_question = {q.number: q.practice.number for q in load_catalogue().questions}
    assert [by_question[n] for n in range(1, 11)] == list(range(1, 11))
    assert [by_question[n] for n in range(11, 25)] == list(range(12, 26))
    assert by_question[25] == 11
    assert "libre service" in load_catalogue().questions[24].text
    assert [by_question[n] for n in range(26, 37)] == list(range(26, 37))


def test_practices_carry_title_organisations_and_page_from_the_table():
    practices = {p.number: p for p in load_catalogue().practices}
    assert practices[1].title.startswith("Informer les usagers des canaux")
    assert practices[1].retours_experience == ("CNAMTS", "Préfecture de l'Isère")
    assert practices[3].retours_experience == (
        "L'Assurance maladie (Ameli)", "ACOSS", "Cnav", "DGFiP", "La Poste",
    )
    assert practices[11].page == 56 and practices[36].page == 162
    pages = [practices[n].page for n in range(1, 37)]
    assert pages == sorted(pages) and len(set(pages)) == 36
    assert practices[1].retour_experience_statut == "validé"


def test_gauges_are_left_empty_where_the_extract_gives_no_value():
    for practice in load_catalogue().practices:
        assert set(practice.gauges.values()) == {None}


@pytest.mark.parametrize("name", ["levers.csv", "questions.csv", "practices.csv"])
def test_reference_text_is_clean_of_pdf_extraction_artefacts(name):
    text = (data_dir() / name).read_text(encoding="utf-8")
    # ô/ó stood for apostrophes, ® for é, ¨ for à, ¯ for è, ° for ê, © for â, ¾ for û, ¹ for ô,
    # ï Å Ç ü were bullets, « îuvre » was « œuvre », a list's trailing é was « … ».
    assert not re.search(r"[ó®¨¯°©¾¹ÅÇü]|\b(?:l|d|n|qu|s|j)ô[aeiouhéèê]|îuvre|\bé\)", text), name
    assert "  " not in text
    for row in csv.reader(text.splitlines()):
        assert all(cell == cell.strip() for cell in row)


def _with_levers(catalogue, changes):
    """The catalogue with some questions moved to another lever (by lever number)."""
    from dataclasses import replace

    levers = {lever.number: lever for lever in catalogue.levers}
    questions = tuple(
        replace(q, lever=levers[changes[q.number]]) if q.number in changes else q for q in catalogue.questions
    )
    return type(catalogue)(catalogue.levers, questions, catalogue.practices)


def test_catalogue_check_rejects_a_wrong_lever_split():
    catalogue = load_catalogue()
    with pytest.raises(CatalogueError, match="10/11/8/7"):
        _check(_with_levers(catalogue, {11: 1}))  # 11/10/8/7


def test_catalogue_check_rejects_levers_out_of_sheet_order():
    catalogue = load_catalogue()
    with pytest.raises(CatalogueError, match="consecutive"):
        _check(_with_levers(catalogue, {10: 2, 11: 1}))  # same counts, positions swapped


def test_catalogue_check_rejects_a_missing_question():
    catalogue = load_catalogue()
    with pytest.raises(CatalogueError, match="numbered"):
        _check(type(catalogue)(catalogue.levers, catalogue.questions[:-1], catalogue.practices))
