"""CSV: one row per structure.

Columns ``structure, date, reseau, region, usagers, visites_guichet, appels, courriers,
courriels, visiteurs_web_mensuels, q01 … q36``; only ``structure`` and the ``qNN`` columns are
required. The follow-up, when there is one: ``q07_commentaire``, ``q07_preuve`` and, for each
planned practice, ``plan12_etapes`` (a step per line), ``plan12_qui``, ``plan12_quand``,
``plan12_statut``, ``plan12_gain``, ``plan12_effort`` (written only when some row fills them).
Other columns are kept as they are. Read in the encoding a byte order mark declares,
else UTF-8 if the whole file is, else cp1252 (a file of both is refused); separated by ``,``,
``;`` or tab, or as Excel's ``sep=;`` first line declares. Read line by line within the limits
below, so any file takes bounded time and memory. Written as UTF-8 with ``,``, cells that a
spreadsheet would take for a formula neutralised (:func:`neutralised`).
"""

from __future__ import annotations

import codecs
import collections
import contextlib
import csv
import io
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from contacts_lib.autodiagnostic.answers import (
    HEADER_FIELDS,
    HEADER_KEYS,
    QUESTION_KEYS,
    Autodiagnostic,
    answer_text,
    build_autodiagnostic,
)
from contacts_lib.autodiagnostic.followup import (
    NOTE_SUFFIXES,
    PLAN_COLUMN_KEYS,
    action_document,
    followup_column,
    note_column,
    parse_notes,
    parse_plan,
    plan_column,
)
from contacts_lib.formats.files import write_atomically
from contacts_lib.messages import InputError, agreed, plural, thousands, visible

CSV_COLUMNS = HEADER_KEYS + QUESTION_KEYS
_SEPARATORS = (";", ",", "\t")

#: Limits checked while reading, so that any file is read in bounded time and memory.
MAX_STRUCTURES = 100_000  # Services Publics+ lists about 15,000 structures
MAX_LINES = 3_000_000  # lines of the file, blank ones included
MAX_COLUMNS = 1_000
MAX_LINE_CHARACTERS = 1_000_000

_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_SEP_LINE = re.compile(r"sep=(.)\s*")


def _line_of(content: bytes, offset: int) -> int:
    return content.count(b"\n", 0, offset) + 1


def _encoding(content: bytes, source: str) -> tuple[str, int]:
    """The encoding of a CSV file's bytes and where its text starts (after a byte order mark).

    A byte order mark decides. Otherwise UTF-8 if every byte is UTF-8; else Windows-1252, unless
    the file also holds UTF-8 sequences: a file of two encodings is refused, not guessed."""
    if content.startswith(b"PK\x03\x04"):
        raise InputError(
            f"{source} : ce fichier est un classeur Excel (XLSX), pas un CSV ; "
            "donnez-lui l'extension .xlsx."
        )
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's « Texte Unicode »
        return "utf-16", 0
    nul = content.find(b"\x00")
    if nul >= 0:
        raise InputError(
            f"{source}, ligne {_line_of(content, nul)} : ce n'est pas un fichier texte CSV "
            "(octet nul : contenu binaire)."
        )
    start = 3 if content.startswith(b"\xef\xbb\xbf") else 0
    decoder = codecs.getincrementaldecoder("utf-8")()
    step = 1 << 20
    try:
        for offset in range(start, len(content), step):
            decoder.decode(content[offset : offset + step])
        decoder.decode(b"", final=True)
        return "utf-8", start
    except UnicodeDecodeError as error:
        bad = offset + error.start
    if start:
        raise InputError(
            f"{source}, ligne {_line_of(content, bad)} : octet 0x{content[bad]:02X} invalide dans un "
            "fichier marqué UTF-8 ; enregistrez-le à nouveau en CSV UTF-8."
        )
    utf8 = _UTF8_SEQUENCE.search(content)
    if utf8 is not None:
        raise InputError(
            f"{source} : encodages mélangés : la ligne {_line_of(content, utf8.start())} est en UTF-8 "
            f"(« {utf8.group().decode('utf-8')} ») mais la ligne {_line_of(content, bad)} contient "
            f"l'octet 0x{content[bad]:02X}, qui n'est pas de l'UTF-8 ; enregistrez le fichier "
            "à nouveau en CSV UTF-8."
        )
    for offset in range(0, len(content), step):  # one byte, one character: chunks are safe
        try:
            codecs.decode(content[offset : offset + step], "cp1252")
        except UnicodeDecodeError as error:
            bad = offset + error.start
            raise InputError(
                f"{source}, ligne {_line_of(content, bad)} : encodage non reconnu (octet "
                f"0x{content[bad]:02X}) ; enregistrez le fichier en CSV UTF-8 ou Windows (cp1252)."
            ) from None
    return "cp1252", 0


def _lines(content: bytes, source: str):
    """The file's text lines (line ends kept, as the csv module wants them), each checked
    against the limits before it is parsed."""
    encoding, start = _encoding(content, source)
    stream = io.TextIOWrapper(io.BytesIO(content[start:] if start else content), encoding=encoding, newline="")
    number = 0
    try:
        while True:
            line = stream.readline(MAX_LINE_CHARACTERS + 1)
            if not line:
                return
            number += 1
            if len(line) > MAX_LINE_CHARACTERS:
                raise InputError(
                    f"{source}, ligne {number} : ligne trop longue (plus de "
                    f"{thousands(MAX_LINE_CHARACTERS)} caractères)."
                )
            if number > MAX_LINES:
                raise InputError(f"{source} : trop de lignes (plus de {thousands(MAX_LINES)}).")
            yield line
    except UnicodeDecodeError:  # UTF-16 only: the other encodings were checked whole
        raise InputError(f"{source} : fichier UTF-16 illisible (tronqué ou endommagé).") from None


def _column_key(name: str) -> str:
    """Normalise a header cell: ``Q7``, `` q07 `` → ``q07``; ``Structure`` → ``structure``."""
    key = name.strip().lstrip("\ufeff").casefold()
    match = re.fullmatch(r"q\s*0*(\d{1,2})", key)
    if match and 1 <= int(match.group(1)) <= len(QUESTION_KEYS):
        return f"q{int(match.group(1)):02d}"
    return key


def _first_line(lines) -> tuple[str | None, list[str]]:
    """The separator declared by Excel's ``sep=;`` first line, if any, and the lines read to find
    it (the ``sep=`` line itself made blank, so that line numbers stay the file's)."""
    seen = []
    for line in lines:
        if line.strip():
            declared = _SEP_LINE.fullmatch(line.strip("\r\n"))
            if declared:
                return declared.group(1), [*seen, "\n"]
            return None, [*seen, line]
        seen.append(line)
    return None, seen


def _length_without_trailing_blanks(row: list[str], keep: int) -> int:
    """The row's length once blank cells at its end are dropped, looking cell by cell only
    within the first ``keep`` cells (the rest is checked in one go: linear in any case)."""
    end = len(row)
    if end > keep:
        if "".join(row[keep:]).strip():
            while not row[end - 1].strip():
                end -= 1
            return end
        end = keep
    while end and not row[end - 1].strip():
        end -= 1
    return end


@dataclass(frozen=True)
class CsvLayout:
    """Where things are in a CSV file, from its header line."""

    width: int  # columns of the header
    fields: dict[str, int]  # header field key → column
    questions: tuple[int, ...]  # column of q01 … q36
    extra: tuple[tuple[int, bool, str], ...]  # other columns: (column, named?, name)
    #: The follow-up's columns: (column, "comments" / "evidence" / "plan", number, action key).
    followup: tuple[tuple[int, str, int, str], ...] = ()


@contextlib.contextmanager
def _csv_errors(source: str, reader_holder: list):
    """The csv module's errors, and an end of file where a header was due, as French messages."""
    try:
        yield
    except StopIteration:
        raise InputError(f"{source} : le fichier est vide.") from None
    except csv.Error as error:
        line = reader_holder[0].line_num if reader_holder else 1
        raise InputError(f"{source}, ligne {line} : CSV illisible ({_csv_reason(error)}).") from None


def _header_line(content: bytes, source: str):
    """A csv reader past the file's first non-blank line, that line's cells and the separator."""
    lines = _lines(content, source)
    declared, first = _first_line(lines)
    if declared is None and not any(line.strip() for line in first):
        raise InputError(f"{source} : le fichier est vide.")
    separator = declared or max(_SEPARATORS, key=first[-1].count)
    reader = csv.reader(itertools.chain(first, lines), delimiter=separator)
    with _csv_errors(source, [reader]):
        header = next(reader)
        while not any(cell.strip() for cell in header):
            header = next(reader)
    return reader, header, separator


def table_rows(content: bytes, source: str):
    """A csv reader of any small table file (separator, encoding and limits as for
    autodiagnostics) and its header's cells, stripped and case folded; errors in French."""
    reader, header, _ = _header_line(content, source)
    return reader, [cell.strip().lstrip("\ufeff").casefold() for cell in header]


def open_csv(content: bytes, source: str):
    """A csv reader past the header line, and the file's layout; errors in French."""
    reader, header, separator = _header_line(content, source)
    if len(header) > MAX_COLUMNS:
        raise InputError(
            f"{source}, ligne {reader.line_num} : trop de colonnes ({thousands(len(header))} ; "
            f"{thousands(MAX_COLUMNS)} au plus)."
        )
    keys = [_column_key(cell) for cell in header]
    counts = collections.Counter(k for k in keys if k)
    duplicates = sorted(k for k, n in counts.items() if n > 1)
    if duplicates:
        raise InputError(f"{source}, ligne {reader.line_num} : colonne en double : {visible(', '.join(duplicates))}.")
    missing = [k for k in ("structure", *QUESTION_KEYS) if k not in counts]
    if missing:
        shown = ", ".join(missing[:8]) + (" …" if len(missing) > 8 else "")
        raise InputError(
            f"{source} : {agreed(len(missing), 'colonne obligatoire manquante', 'colonnes obligatoires manquantes')} : {shown} (séparateur lu : « {visible(separator)} »)."
        )
    known = set(CSV_COLUMNS)
    positions = {k: i for i, k in enumerate(keys) if k in known}
    followup = {}
    for i, k in enumerate(keys):
        try:
            followup[i] = followup_column(k) if k not in known else None
        except ValueError as error:
            raise InputError(f"{source}, ligne {reader.line_num}, colonne {visible(header[i].strip())} : {error}.") from None
    places = collections.Counter(place for place in followup.values() if place is not None)
    twice = [keys[i] for i, place in followup.items() if place is not None and places[place] > 1]
    if twice:
        raise InputError(f"{source}, ligne {reader.line_num} : colonne en double : {visible(', '.join(twice))}.")
    layout = CsvLayout(
        width=len(keys),
        questions=tuple(positions.pop(k) for k in QUESTION_KEYS),
        fields=positions,
        extra=tuple(
            (i, bool(k), _unneutralised(header[i].strip()) or f"colonne {i + 1}")
            for i, k in enumerate(keys) if k not in known and followup[i] is None
        ),
        followup=tuple((i, *place) for i, place in followup.items() if place is not None),
    )
    return reader, layout


def csv_rows(reader, layout: CsvLayout, source: str, limit: int):
    """The structure rows: (line where the row starts, its cells), blank rows left out, each of
    the header's length (trailing blank cells dropped), at most ``limit`` of them."""
    count = 0
    with _csv_errors(source, [reader]):
        line_read = reader.line_num
        for row in reader:
            # A quoted cell may span lines: a row is reported at the line where it starts.
            line, line_read = line_read + 1, reader.line_num
            length = _length_without_trailing_blanks(row, layout.width)
            if not length:
                continue
            if length > layout.width or len(row) < layout.width:
                length = length if length > layout.width else len(row)
                raise InputError(
                    f"{source}, ligne {line} : {plural(length, 'valeur')} "
                    f"pour {layout.width} colonnes d'en-tête{_quote_hint(row)}."
                )
            if count == limit:
                raise InputError(
                    f"{source}, ligne {line} : trop de structures (plus de {thousands(limit)}) ; découpez le fichier."
                )
            count += 1
            yield line, row


def build_row(layout: CsvLayout, row: list[str], line: int, source: str) -> Autodiagnostic:
    """The autodiagnostic of one row, checked (the messages name file, line, column and value)."""
    values = {k: _unneutralised(row[i]) for k, i in layout.fields.items()}
    extra = {name: _unneutralised(row[i]) for i, named, name in layout.extra if named or row[i].strip()}

    def locate(key: str) -> str:
        return f"{source}, ligne {line}, colonne {key}"

    followup = _followup(layout, row, locate) if layout.followup else None
    return build_autodiagnostic(values, [row[i] for i in layout.questions], locate, extra, followup)


def _followup(layout: CsvLayout, row: list[str], locate) -> dict[str, object]:
    """The comments, evidence and plan of a row (an action where any of its cells is filled)."""
    notes: dict[str, dict[int, str]] = {"comments": {}, "evidence": {}}
    actions: dict[int, dict[str, object]] = {}
    for column, kind, number, key in layout.followup:
        cell = _unneutralised(row[column])
        if kind == "plan":
            if cell.strip():
                actions.setdefault(number, {"pratique": number})[key] = cell
        else:
            notes[kind][number] = cell
    found: dict[str, object] = {
        kind: parse_notes(raw, lambda n, kind=kind: locate(note_column(n, kind)), NOTE_SUFFIXES[kind])
        for kind, raw in notes.items()
    }
    practices = sorted(actions)
    found["plan"] = parse_plan(
        [actions[p] for p in practices],
        lambda index, key: locate(plan_column(practices[index], key) if key != "pratique" else plan_column(practices[index], "statut")),
    )
    return found


def parse_csv(content: bytes, source: str) -> list[Autodiagnostic]:
    reader, layout = open_csv(content, source)
    diagnostics = [build_row(layout, row, line, source) for line, row in csv_rows(reader, layout, source, MAX_STRUCTURES)]
    if not diagnostics:
        raise InputError(f"{source} : aucune structure (l'en-tête est là, mais aucune ligne de réponses).")
    return diagnostics


def _quote_hint(row: list[str]) -> str:
    return " (un guillemet « \" » n'est peut-être pas refermé)" if any("\n" in cell for cell in row) else ""


def _csv_reason(error: csv.Error) -> str:
    message = str(error)
    if "field larger than field limit" in message:
        return f"une cellule dépasse {thousands(csv.field_size_limit())} caractères"
    if "end of data" in message or "EOF" in message:
        return "un guillemet « \" » n'est pas refermé"
    if "NUL" in message:
        return "caractère nul dans le texte"
    return "format non reconnu"


#: First characters that make a spreadsheet read a cell as a formula (OWASP, « CSV injection »);
#: tab and carriage return too, which some spreadsheets skip before looking.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(cell: str) -> str:
    """A cell as written to a CSV a spreadsheet may open: one that would start a formula gets a
    leading apostrophe (``=1+1`` → ``'=1+1``), shown as text by Excel and LibreOffice."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def frame_csv_bytes(frame) -> bytes:
    """A pandas frame as the CSV file a page offers (UTF-8, text cells :func:`neutralised`)."""
    return frame.map(lambda v: neutralised(v) if isinstance(v, str) else v).to_csv(index=False).encode("utf-8")


def _unneutralised(cell: str) -> str:
    """The cell before :func:`neutralised`, so that our own exports read back as they were."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) else cell


def dumps_csv(diagnostics: Iterable[Autodiagnostic]) -> str:
    """Autodiagnostics as CSV text, one row per structure (header fields, q01 … q36, extra columns);
    a field not always written (``participant``) is a column only when some row fills it.

    >>> from contacts_lib import dumps_csv, read_autodiagnostics
    >>> lines = dumps_csv(read_autodiagnostics("data/exemples/reseau-exemple.csv")).splitlines()
    >>> len(lines), lines[0].split(",")[:4]
    (4, ['structure', 'date', 'campagne', 'reseau'])
    """
    diagnostics = list(diagnostics)
    extra_columns: list[str] = []
    for diagnostic in diagnostics:
        extra_columns += [k for k in diagnostic.extra if k not in extra_columns]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    # The csv module quotes a lone carriage return only when told to quote everything.
    quoting_all = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)

    def write(row: list[str]) -> None:
        (quoting_all if any("\r" in cell for cell in row) else writer).writerow(row)

    fields = [
        spec.key for spec in HEADER_FIELDS
        if spec.always_written or any(getattr(diagnostic, spec.key) is not None for diagnostic in diagnostics)
    ]
    followup = _followup_columns(diagnostics)
    write([*fields, *QUESTION_KEYS, *followup, *(neutralised(k) for k in extra_columns)])
    for diagnostic in diagnostics:
        header = [
            "" if value is None else value.isoformat() if hasattr(value, "isoformat") else str(value)
            for value in (getattr(diagnostic, key) for key in fields)
        ]
        write(
            [
                *(neutralised(cell) for cell in header),
                *(answer_text(a) for a in diagnostic.answers),
                *(neutralised(cell) for cell in _followup_cells(diagnostic, followup.values())),
                *(neutralised(diagnostic.extra.get(k, "")) for k in extra_columns),
            ]
        )
    return buffer.getvalue()


def _followup_columns(diagnostics: list[Autodiagnostic]) -> dict[str, tuple[str, int, str]]:
    """The follow-up's columns that some row fills, in question order: a question's comment and
    evidence, then the actions' columns, practice by practice."""
    filled: set[tuple[str, int, str]] = set()
    for diagnostic in diagnostics:
        filled |= {("comments", n, "") for n in diagnostic.comments} | {("evidence", n, "") for n in diagnostic.evidence}
        for action in diagnostic.plan:
            document = action_document(action)
            filled.add(("plan", action.pratique, "statut"))  # an action's row always says its status
            filled |= {("plan", action.pratique, key) for key in PLAN_COLUMN_KEYS if document[key] not in (None, [])}
    notes = [(kind, n, "") for n in range(1, len(QUESTION_KEYS) + 1) for kind in NOTE_SUFFIXES if (kind, n, "") in filled]
    plan = [("plan", n, key) for n in range(1, len(QUESTION_KEYS) + 1) for key in PLAN_COLUMN_KEYS if ("plan", n, key) in filled]
    return {
        (note_column(n, kind) if kind != "plan" else plan_column(n, key)): (kind, n, key) for kind, n, key in [*notes, *plan]
    }


def _followup_cells(diagnostic: Autodiagnostic, columns) -> list[str]:
    actions = {action.pratique: action_document(action) for action in diagnostic.plan}
    cells = []
    for kind, number, key in columns:
        if kind != "plan":
            cells.append(getattr(diagnostic, kind).get(number, ""))
            continue
        value = actions.get(number, {}).get(key)
        cells.append("" if value is None else "\n".join(value) if isinstance(value, list) else str(value))
    return cells


def write_csv(diagnostics: Iterable[Autodiagnostic], path: Path) -> None:
    """Write autodiagnostics as a CSV file, in one step (nothing half-written).

    >>> import pathlib, tempfile
    >>> from contacts_lib import read_autodiagnostics, write_csv
    >>> network = read_autodiagnostics("data/exemples/reseau-exemple.csv")
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     write_csv(network, pathlib.Path(folder) / "copie.csv")
    ...     [d.structure for d in read_autodiagnostics(pathlib.Path(folder) / "copie.csv")] == [d.structure for d in network]
    True
    """
    text = dumps_csv(diagnostics)
    write_atomically(Path(path), text.encode("utf-8"))
