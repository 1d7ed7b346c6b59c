"""XLSX: the autodiagnostic workbook, blank (the template) or filled, as the original tool was.

Sheet « Autodiagnostic »: the header fields and the 36 questions, input cells in grey in
column D, answers chosen from an OUI/NON drop-down, a comment and evidence per question in
columns E and F. Sheet « Résultats »: formulas computing the four lever coverages and the
moyenne, a native radar chart, and the status of each practice. Sheet « Plan d'actions »: the
recueil's « Modalités pratiques · Qui · Quand », one row per planned practice, with its status,
gain and effort (read by its column titles; the sheet may be absent: no plan).
The workbook works on its own in Excel or LibreOffice; the reader finds the header fields by
their label and the answers by question number, so rows moved by hand are still read.
"""

from __future__ import annotations

import io
import math
import re
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace

from contacts_lib.autodiagnostic.answers import (
    ANSWER_SPACES,
    HEADER_FIELDS,
    NO,
    NO_WORDS,
    QUESTION_KEYS,
    YES,
    YES_WORDS,
    Autodiagnostic,
    answer_text,
    build_autodiagnostic,
    parse_answer,
)
from contacts_lib.autodiagnostic.followup import NOTE_SUFFIXES, parse_notes, parse_plan
from contacts_lib.autodiagnostic.reference import QUESTION_COUNT, load_catalogue
from contacts_lib.autodiagnostic.scoring import UNANSWERED_RULE
from contacts_lib.formats.files import os_reason, shown_path, write_atomically
from contacts_lib.messages import InputError, agreed, show_value, visible

ANSWER_SHEET = "Autodiagnostic"
RESULTS_SHEET = "Résultats"
PLAN_SHEET = "Plan d'actions"
INPUT_COLUMN = "D"  # header values and answers
LABEL_COLUMN = "C"  # header labels and question texts
#: A question's comment and evidence, beside its answer.
NOTE_COLUMNS = {"comments": "E", "evidence": "F"}
NOTE_TITLES = {"comments": "Commentaire", "evidence": "Preuve (document, lien)"}
NOTE_WIDTH = 40
#: The plan sheet's columns: action key → title (the reader finds them by title, in row
#: PLAN_HEADER_ROW); « Bonne pratique » is written for the reader of the sheet, not read back.
PLAN_TITLES = {
    "pratique": "N° de la bonne pratique", "titre": "Bonne pratique", "etapes": "Modalités pratiques (une étape par ligne)",
    "qui": "Qui", "quand": "Quand", "statut": "Statut", "gain": "Gain attendu (1 à 3)", "effort": "Effort (1 à 3)",
}
PLAN_HEADER_ROW = 3
PLAN_WIDTHS = (12, 45, 60, 22, 13, 14, 12, 12)
FIRST_HEADER_ROW = 4
FIRST_QUESTION_ROW = FIRST_HEADER_ROW + len(HEADER_FIELDS) + 3
QUESTION_WIDTH = 90
TITLE_WIDTH = 70



@lru_cache(maxsize=1)
def _look() -> SimpleNamespace:
    """The workbook's fills, borders and fonts (openpyxl is imported only to write a workbook)."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="808080")
    return SimpleNamespace(
        grey=PatternFill("solid", fgColor="D9D9D9"),
        blue=PatternFill("solid", fgColor="1F4E79"),
        box=Border(left=thin, right=thin, top=thin, bottom=thin),
        wrap=Alignment(wrap_text=True, vertical="center"),
        title=Font(bold=True, size=14, color="1F4E79"),
        head=Font(bold=True, color="FFFFFF"),
    )


def _wrap(sheet, coordinate: str, text: str, width: int) -> None:
    """Write wrapped text and give its row the height it needs (spreadsheets don't on load)."""
    cell = sheet[coordinate]
    cell.value, cell.alignment = text, _look().wrap
    lines = max(1, math.ceil(len(text) / (width * 1.05)))
    sheet.row_dimensions[cell.row].height = max(sheet.row_dimensions[cell.row].height or 15, 15 * lines)


def _print_on_a4(sheet, orientation: str, title_rows: str | None = None) -> None:
    """Print setup: A4, all columns on the page width, as many pages as needed down, page numbers."""
    from openpyxl.worksheet.page import PageMargins

    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = orientation
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.7)  # inches
    sheet.oddFooter.center.text = "Page &P / &N"
    if title_rows:
        sheet.print_title_rows = title_rows


def question_row(number: int) -> int:
    return FIRST_QUESTION_ROW + number - 1


def header_row(key: str) -> int:
    """The row of a header field (``structure``, ``date``…) in the template."""
    return FIRST_HEADER_ROW + [spec.key for spec in HEADER_FIELDS].index(key)


def _label_key(text: object) -> str:
    if not isinstance(text, str):
        return ""
    text = re.sub(r"\([^)]*\)", "", text.casefold())  # « (si connu) », « (par défaut : …) »
    return re.sub(r"[\s:]+", " ", text).strip()


_HEADER_BY_LABEL = {_label_key(spec.label): spec.key for spec in HEADER_FIELDS}


# --------------------------------------------------------------------------- writing


def build_workbook(autodiagnostic: Autodiagnostic | None = None):
    """The autodiagnostic workbook (openpyxl ``Workbook``): blank when ``autodiagnostic`` is None, else filled."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment
    from openpyxl.worksheet.datavalidation import DataValidation

    catalogue = load_catalogue()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = ANSWER_SHEET
    for column, width in zip("ABCDEF", (6, 14, QUESTION_WIDTH, 22, NOTE_WIDTH, NOTE_WIDTH), strict=True):
        sheet.column_dimensions[column].width = width
    sheet["A1"] = "Autodiagnostic — Initiative 100 % Contacts efficaces"
    sheet["A1"].font = _look().title
    sheet["A2"] = "Renseigner les champs grisés."

    header = autodiagnostic.header() if autodiagnostic else {}
    for offset, spec in enumerate(HEADER_FIELDS):
        row = FIRST_HEADER_ROW + offset
        sheet[f"{LABEL_COLUMN}{row}"] = spec.label
        cell = sheet[f"{INPUT_COLUMN}{row}"]
        cell.value = header.get(spec.key)
        if isinstance(cell.value, str):
            cell.data_type = "s"  # a name starting with « = » is text, never a formula
        cell.fill, cell.border = _look().grey, _look().box
        if spec.kind == "date":
            cell.number_format = "DD/MM/YYYY"
        elif spec.kind == "count":
            cell.number_format = "#,##0"
            count_rule = DataValidation(
                type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                showErrorMessage=True, errorTitle="Valeur invalide",
                error="Saisir un nombre entier positif ou nul, ou laisser vide.",
            )
            sheet.add_data_validation(count_rule)
            count_rule.add(cell)

    intro_row = FIRST_QUESTION_ROW - 2
    sheet[f"A{intro_row}"] = (
        "Renseigner les champs grisés en sélectionnant OUI ou NON dans le menu déroulant ; "
        f"{UNANSWERED_RULE}."
    )
    titles = ("N°", "Levier", "Question", "Réponse (OUI ou NON)", *NOTE_TITLES.values())
    for column, title in zip("ABCDEF", titles, strict=True):
        cell = sheet[f"{column}{FIRST_QUESTION_ROW - 1}"]
        cell.value, cell.font, cell.fill = title, _look().head, _look().blue

    answer_rule = DataValidation(
        type="list", formula1=f'"{YES},{NO}"', allow_blank=True,
        showErrorMessage=True, errorTitle="Réponse invalide", error="Choisir OUI ou NON.",
        showInputMessage=True, promptTitle="Réponse", prompt="OUI ou NON",
    )
    sheet.add_data_validation(answer_rule)
    answers = autodiagnostic.answers if autodiagnostic else (None,) * QUESTION_COUNT
    for question, answer in zip(catalogue.questions, answers, strict=True):
        row = question_row(question.number)
        sheet[f"A{row}"] = question.number
        sheet[f"B{row}"] = question.lever.short_name
        _wrap(sheet, f"C{row}", question.text, QUESTION_WIDTH)
        cell = sheet[f"{INPUT_COLUMN}{row}"]
        cell.value = answer_text(answer) or None
        cell.fill, cell.border = _look().grey, _look().box
        cell.alignment = Alignment(horizontal="center", vertical="center")
        answer_rule.add(cell)
        for kind, column in NOTE_COLUMNS.items():
            note = getattr(autodiagnostic, kind).get(question.number) if autodiagnostic else None
            cell = sheet[f"{column}{row}"]
            if note:
                _wrap(sheet, cell.coordinate, note, NOTE_WIDTH)
                cell.data_type = "s"  # text, never a formula
            cell.alignment = _look().wrap
    header_row = FIRST_QUESTION_ROW - 1
    _print_on_a4(sheet, "portrait", title_rows=f"{header_row}:{header_row}")

    _build_results_sheet(workbook.create_sheet(RESULTS_SHEET))
    _build_plan_sheet(workbook.create_sheet(PLAN_SHEET), autodiagnostic.plan if autodiagnostic else ())
    return workbook


def _build_plan_sheet(sheet, plan) -> None:
    """One row per action, and blank rows with the same drop-downs to add more by hand."""
    from openpyxl.styles import Alignment
    from openpyxl.worksheet.datavalidation import DataValidation

    from contacts_lib.autodiagnostic.followup import MAX_STEPS, STATUSES

    catalogue = load_catalogue()
    sheet["A1"] = "Plan d'actions — Initiative 100 % Contacts efficaces"
    sheet["A1"].font = _look().title
    sheet["A2"] = (
        "Une ligne par bonne pratique à mettre en œuvre : son numéro (1 à 36), ses modalités pratiques, qui, "
        "quand (date), le statut ; gain attendu et effort de 1 (faible) à 3 (fort)."
    )
    letters = "ABCDEFGH"
    for letter, title, width in zip(letters, PLAN_TITLES.values(), PLAN_WIDTHS, strict=True):
        sheet.column_dimensions[letter].width = width
        cell = sheet[f"{letter}{PLAN_HEADER_ROW}"]
        cell.value, cell.font, cell.fill, cell.alignment = title, _look().head, _look().blue, _look().wrap
    column = dict(zip(PLAN_TITLES, letters, strict=True))
    first, last = PLAN_HEADER_ROW + 1, PLAN_HEADER_ROW + QUESTION_COUNT
    rules = {
        "pratique": DataValidation(type="whole", operator="between", formula1="1", formula2=str(QUESTION_COUNT), allow_blank=True,
                                   showErrorMessage=True, error=f"Numéro de bonne pratique, de 1 à {QUESTION_COUNT}."),
        "quand": DataValidation(type="date", operator="between", formula1="36526", formula2="73051", allow_blank=True,
                                showErrorMessage=True, error="Une date, par exemple 31/03/2026."),
        "statut": DataValidation(type="list", formula1='"' + ",".join(STATUSES.values()) + '"', allow_blank=True,
                                 showErrorMessage=True, error="Choisir un statut de la liste."),
        **{key: DataValidation(type="whole", operator="between", formula1="1", formula2="3", allow_blank=True,
                               showErrorMessage=True, error="1 (faible), 2 ou 3 (fort).") for key in ("gain", "effort")},
    }
    for key, rule in rules.items():
        sheet.add_data_validation(rule)
        rule.add(f"{column[key]}{first}:{column[key]}{last}")
    for row in range(first, last + 1):
        for key in ("pratique", "etapes", "qui", "quand", "statut", "gain", "effort"):
            sheet[f"{column[key]}{row}"].fill, sheet[f"{column[key]}{row}"].border = _look().grey, _look().box
        sheet[f"{column['quand']}{row}"].number_format = "DD/MM/YYYY"
    for row, action in enumerate(plan, start=first):
        values = {
            "pratique": action.pratique, "titre": catalogue.question_of_practice(action.pratique).practice.title,
            "etapes": "\n".join(action.etapes[:MAX_STEPS]) or None, "qui": action.qui, "quand": action.quand,
            "statut": STATUSES[action.statut], "gain": action.gain, "effort": action.effort,
        }
        for key, value in values.items():
            cell = sheet[f"{column[key]}{row}"]
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"
        for key in ("titre", "etapes", "qui"):
            sheet[f"{column[key]}{row}"].alignment = _look().wrap
        lines = max(1, len(action.etapes), math.ceil(len(values["titre"]) / 45))
        sheet.row_dimensions[row].height = 15 * lines
        sheet[f"{column['pratique']}{row}"].alignment = Alignment(horizontal="center", vertical="center")
    _print_on_a4(sheet, "landscape", title_rows=f"{PLAN_HEADER_ROW}:{PLAN_HEADER_ROW}")


def _answer_words(cells: str) -> str:
    """Formula giving the text of ``cells`` cleaned as :func:`contacts_lib.autodiagnostic.answers.answer_word`
    cleans it: each of ``ANSWER_SPACES`` made a space, then TRIM (the case is handled by
    :func:`_count_words`)."""
    text = cells
    for space in ANSWER_SPACES:
        if space != " ":
            character = f"CHAR({ord(space)})" if space.isascii() else f'"{space}"'
            text = f'SUBSTITUTE({text},{character}," ")'
    return f"TRIM({text})"


def _count_words(cells: str, words: tuple[str, ...]) -> str:
    """Formula counting the cells whose cleaned text is one of ``words`` (upper case), without
    regard to the case of ASCII letters only, as the library reads them: EXACT, not MATCH or
    « = », which ignore width or invisible characters in some spreadsheets; and a text whose
    UPPER is a word but that has another character (« ouı ») fails the LOWER(UPPER(t)) = LOWER(t)
    test. Counts what the tool counts even where someone typed instead of using the drop-down."""
    text = _answer_words(cells)
    constants = ",".join(f'"{word}"' for word in words)
    return f"SUMPRODUCT(EXACT(UPPER({text}),{{{constants}}})*EXACT(LOWER(UPPER({text})),LOWER({text})))"


def _answer_range(first: int, last: int) -> str:
    return f"{ANSWER_SHEET}!${INPUT_COLUMN}${question_row(first)}:${INPUT_COLUMN}${question_row(last)}"


def _build_results_sheet(sheet) -> None:
    from openpyxl.chart import RadarChart, Reference
    from openpyxl.styles import Alignment, Font

    catalogue = load_catalogue()
    for column, width in zip("ABCDEF", (14, TITLE_WIDTH, 11, 12, 10, 18), strict=True):
        sheet.column_dimensions[column].width = width
    sheet["A1"] = "Résultats et plan d'actions — Initiative 100 % Contacts efficaces"
    sheet["A1"].font = _look().title
    source = f"{ANSWER_SHEET}!${INPUT_COLUMN}$"
    sheet["A3"], sheet["B3"] = "Structure", f'=IF({source}{FIRST_HEADER_ROW}="","",{source}{FIRST_HEADER_ROW})'
    sheet["A4"], sheet["B4"] = "Date", f'=IF({source}{FIRST_HEADER_ROW + 1}="","",{source}{FIRST_HEADER_ROW + 1})'
    sheet["B4"].number_format = "DD/MM/YYYY"
    sheet["B3"].alignment = sheet["B4"].alignment = Alignment(horizontal="left")

    table_row = 6
    titles = ("Levier", "Intitulé", "Questions", "OUI", "Réponses", "Couverture")
    for column, title in zip("ABCDEF", titles, strict=True):
        cell = sheet[f"{column}{table_row}"]
        cell.value, cell.font, cell.fill = title, _look().head, _look().blue
    row = table_row
    for lever in catalogue.levers:
        row += 1
        numbers = [q.number for q in catalogue.questions_of(lever)]
        answers = _answer_range(numbers[0], numbers[-1])
        sheet[f"A{row}"] = lever.short_name
        _wrap(sheet, f"B{row}", f"{lever.number}. {lever.title}", TITLE_WIDTH)
        sheet[f"C{row}"] = len(numbers)
        sheet[f"D{row}"] = f"={_count_words(answers, YES_WORDS)}"
        sheet[f"E{row}"] = f"={_count_words(answers, YES_WORDS + NO_WORDS)}"
        sheet[f"F{row}"] = f"=D{row}/C{row}"
        sheet[f"F{row}"].number_format = "0%"
    first, last = table_row + 1, row
    total = row + 1
    sheet[f"A{total}"] = "Moyenne"
    sheet[f"B{total}"] = "Moyenne des quatre leviers"
    sheet[f"C{total}"] = f"=SUM(C{first}:C{last})"
    sheet[f"D{total}"] = f"=SUM(D{first}:D{last})"
    sheet[f"E{total}"] = f"=SUM(E{first}:E{last})"
    sheet[f"F{total}"] = f"=AVERAGE(F{first}:F{last})"
    sheet[f"F{total}"].number_format = "0%"
    for column in "ABCDEF":
        sheet[f"{column}{total}"].font = Font(bold=True)
    sheet[f"A{total + 1}"] = f"Réponses : colonne E, sur {QUESTION_COUNT} questions ; {UNANSWERED_RULE}."

    chart = RadarChart()
    chart.type = "marker"
    chart.title = "Couverture par levier"
    chart.style = 26
    chart.add_data(Reference(sheet, min_col=6, min_row=table_row, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=first, max_row=last))
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 1
    chart.y_axis.majorUnit = 0.2
    chart.y_axis.number_format = "0%"
    chart.y_axis.delete = False
    chart.legend = None
    chart.height, chart.width = 9, 12
    sheet.add_chart(chart, "H3")

    plan_row = total + 3
    sheet[f"A{plan_row}"] = "Axes d'amélioration : bonnes pratiques et état de mise en œuvre"
    sheet[f"A{plan_row}"].font = Font(bold=True, size=12, color="1F4E79")
    for column, title in zip("ABCDEF", ("Question", "Bonne pratique", "Page", "Levier", "", "État"), strict=True):
        cell = sheet[f"{column}{plan_row + 1}"]
        cell.value, cell.font, cell.fill = title, _look().head, _look().blue
    for question in catalogue.questions:
        row = plan_row + 1 + question.number
        practice = question.practice
        sheet[f"A{row}"] = question.number
        sheet[f"A{row}"].alignment = Alignment(horizontal="center", vertical="center")
        _wrap(sheet, f"B{row}", f"{practice.number}. {practice.title}", TITLE_WIDTH)
        sheet[f"C{row}"] = practice.page
        sheet[f"D{row}"] = question.lever.short_name
        answer = f"{source}{question_row(question.number)}"
        sheet[f"F{row}"] = f'=IF({_count_words(answer, YES_WORDS)}>0,"En place","À mettre en œuvre")'
    _print_on_a4(sheet, "landscape")


def write_workbook(autodiagnostic: Autodiagnostic | None, path: Path) -> None:
    """Write the filled workbook of ``autodiagnostic``, or the blank template if it is None.

    >>> import pathlib, tempfile
    >>> from contacts_lib import format_percent, read_autodiagnostics, score, write_workbook
    >>> example = read_autodiagnostics("data/exemples/exemple-recueil.json")[0]
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     write_workbook(example, pathlib.Path(folder) / "exemple.xlsx")
    ...     format_percent(score(read_autodiagnostics(pathlib.Path(folder) / "exemple.xlsx")[0]).moyenne)
    '64 %'
    """
    try:
        content = workbook_bytes(autodiagnostic)
    except OSError as error:  # openpyxl writes each sheet through a temporary file first
        raise InputError(f"{shown_path(path)} : écriture impossible ({os_reason(error)}) ; rien n'a été modifié.") from None
    write_atomically(Path(path), content)


def workbook_bytes(autodiagnostic: Autodiagnostic | None) -> bytes:
    """The bytes of the workbook's file (built in memory: a file is never left half-written)."""
    buffer = io.BytesIO()
    try:
        build_workbook(autodiagnostic).save(buffer)
    except OSError as error:
        _let_go_of_half_written_sheets(error)
        raise
    return buffer.getvalue()


def _let_go_of_half_written_sheets(error: OSError) -> None:
    """openpyxl writes each sheet through a generator and a temporary file: when the disk is full,
    the generators left half-way fail again as they are collected, and Python prints that on
    stderr. Collect them now (their frames are held by the error's traceback), silently."""
    import gc
    import sys

    hook = sys.unraisablehook
    sys.unraisablehook = lambda _unraisable: None
    try:
        error.__traceback__ = None
        gc.collect()
    finally:
        sys.unraisablehook = hook


# --------------------------------------------------------------------------- reading


def parse_workbook(content: bytes, source: str) -> Autodiagnostic:
    """The autodiagnostic of a workbook's bytes, read with bounded work (see ``xlsx_reader``).

    Header values are found by their label (column C) and answers by question number (column A),
    both read in column D. A value that cannot be read with certainty is an error: a formula
    whose value was never computed, a spreadsheet error, or an answer typed beside column D."""
    from contacts_lib.formats.xlsx_reader import MAX_ROWS, Workbook

    workbook = Workbook(content, source)
    try:
        if ANSWER_SHEET not in workbook.sheet_names:
            raise InputError(
                f"{source} : feuille « {ANSWER_SHEET} » introuvable (feuilles présentes : "
                f"{visible(', '.join(workbook.sheet_names))[:200]}) ; partez du modèle "
                "« contacts-efficaces template »."
            )
        cells = workbook.cells(ANSWER_SHEET)
        plan_cells = workbook.cells(PLAN_SHEET) if PLAN_SHEET in workbook.sheet_names else {}
    finally:
        workbook.close()
    by_row: dict[int, dict[int, object]] = {}
    for (row, column), value in cells.items():
        by_row.setdefault(row, {})[column] = value
    label_column, input_column = _column_number(LABEL_COLUMN), _column_number(INPUT_COLUMN)
    header: dict[str, object] = {}
    answers: dict[int, object] = {}
    notes: dict[str, dict[int, object]] = {kind: {} for kind in NOTE_COLUMNS}
    note_places: dict[tuple[str, int], str] = {}
    places: dict[str, str] = {}
    for row_number in sorted(by_row):
        row = by_row[row_number]
        label = row.get(label_column)
        key = _HEADER_BY_LABEL.get(_label_key(label))
        question = _question_number(row.get(1))
        if key is None and (question is None or not label):
            continue
        place = _place(source, INPUT_COLUMN, row_number)
        value = _certain(row.get(input_column), place)
        if _is_blank_cell(value):
            _refuse_value_beside(row, row_number, source, is_question=key is None)
        if key is not None and key not in header:
            header[key], places[key] = value, place
        elif key is None:
            if question in answers:
                raise InputError(
                    f"{_place(source, 'A', row_number)} : la question {question} apparaît deux fois."
                )
            answers[question], places[QUESTION_KEYS[question - 1]] = value, place
            for kind, letter in NOTE_COLUMNS.items():
                note_places[kind, question] = _place(source, letter, row_number)
                notes[kind][question] = _certain(row.get(_column_number(letter)), note_places[kind, question])
    missing = [n for n in range(1, QUESTION_COUNT + 1) if n not in answers]
    if missing:
        raise InputError(
            f"{source}, feuille {ANSWER_SHEET} : {agreed(len(missing), 'question')} {', '.join(map(str, missing[:8]))}"
            f"{' …' if len(missing) > 8 else ''} {agreed(len(missing), 'introuvable')} dans les {MAX_ROWS} premières lignes "
            f"(numéro en colonne A, réponse en colonne {INPUT_COLUMN})."
        )
    if "structure" not in header:
        raise InputError(
            f"{source}, feuille {ANSWER_SHEET} : la ligne « Nom de la structure » est introuvable."
        )
    followup: dict[str, object] = {
        kind: parse_notes(raw, lambda n, kind=kind: note_places[kind, n], NOTE_SUFFIXES[kind])
        for kind, raw in notes.items()
    }
    followup["plan"] = _read_plan(plan_cells, source)
    return build_autodiagnostic(
        header,
        answers,
        lambda key: places.get(key, f"{source}, feuille {ANSWER_SHEET}"),
        followup=followup,
    )


def _read_plan(cells: dict[tuple[int, int], object], source: str):
    """The actions of the « Plan d'actions » sheet: its columns found by their titles in row
    PLAN_HEADER_ROW, one action per row with a practice number (blank rows skipped)."""
    from contacts_lib.formats.xlsx_reader import column_name

    if not cells:
        return ()
    titles = {_label_key(title): key for key, title in PLAN_TITLES.items()}
    columns: dict[str, int] = {}
    for (row, column), value in cells.items():
        if row == PLAN_HEADER_ROW and _label_key(value) in titles:
            columns.setdefault(titles[_label_key(value)], column)
    columns.pop("titre", None)
    if "pratique" not in columns:
        raise InputError(
            f"{source}, feuille {PLAN_SHEET} : colonne « {PLAN_TITLES['pratique']} » introuvable en ligne "
            f"{PLAN_HEADER_ROW} (le numéro de la bonne pratique de chaque action)."
        )
    rows: dict[int, dict[str, object]] = {}
    for (row, column), value in cells.items():
        if row <= PLAN_HEADER_ROW:
            continue
        for key, found in columns.items():
            if found == column:
                where = f"{source}, feuille {PLAN_SHEET}, cellule {column_name(column)}{row}"
                rows.setdefault(row, {})[key] = _certain(value, where)
    raw, lines = [], []
    for row in sorted(rows):
        if not all(_is_blank_cell(v) for v in rows[row].values()):
            raw.append(rows[row])
            lines.append(row)

    def locate(index: int, key: str) -> str:
        return f"{source}, feuille {PLAN_SHEET}, cellule {column_name(columns.get(key, columns['pratique']))}{lines[index]}"

    return parse_plan(raw, locate)


def _place(source: str, column: str, row: int) -> str:
    return f"{source}, feuille {ANSWER_SHEET}, cellule {column}{row}"


def _column_number(letter: str) -> int:
    return ord(letter) - ord("A") + 1


def _is_blank_cell(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _certain(value: object, place: str) -> object:
    """A cell's value, or an error if the file does not say it with certainty."""
    from contacts_lib.formats.xlsx_reader import CellError, Formula

    if isinstance(value, Formula):
        raise InputError(
            f"{place} : formule sans valeur calculée ({show_value('=' + value.text)}) ; ouvrez le classeur "
            "dans Excel ou LibreOffice et enregistrez-le, pour que sa valeur soit calculée, ou tapez la valeur."
        )
    if isinstance(value, CellError):
        raise InputError(f"{place} : la cellule affiche l'erreur {show_value(value.code)} ; corrigez-la.")
    return value


def _refuse_value_beside(row: dict[int, object], row_number: int, source: str, is_question: bool) -> None:
    """Column D is blank: an answer (or, on a header line, any value) typed in another column of
    the line is an error, not an unanswered question — a bare OUI or NON in the comment or
    evidence column too (a comment such as « non, pas encore » is a comment)."""
    from contacts_lib.formats.xlsx_reader import column_name

    for column in sorted(row):
        if column in (1, _column_number(INPUT_COLUMN)) or (column == _column_number(LABEL_COLUMN) and not is_question):
            continue
        value = row[column]
        if _is_blank_cell(value) or not isinstance(value, (str, int, float, bool)):
            continue
        if is_question:
            try:
                if parse_answer(value, "") is None:
                    continue
            except InputError:
                continue
        elif column < _column_number(INPUT_COLUMN):
            continue
        where = _place(source, column_name(column), row_number)
        raise InputError(
            f"{where} : {'réponse' if is_question else 'valeur'} {show_value(value)} hors de la colonne "
            f"{INPUT_COLUMN} ; déplacez-la en {INPUT_COLUMN}{row_number} (la cellule {INPUT_COLUMN}{row_number} est vide)."
        )


def _question_number(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and 1 <= value <= QUESTION_COUNT:
        return value
    return None
