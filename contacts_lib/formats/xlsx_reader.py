"""The cells of one sheet of a workbook (.xlsx), read with bounded work whatever the file holds.

A workbook is a zip of XML parts. Before anything is decompressed, the archive's directory is
checked (number of parts, declared sizes: a part cannot yield more than it declares, the zip
module stops there and checks its CRC). Then only the parts needed are streamed through expat,
with limits counted while reading: cells of the sheet (and rows past :data:`MAX_ROWS` are not
read at all), shared strings, cell styles, length of a text. A DOCTYPE is refused, so no entity
is ever expanded. Nothing here depends on openpyxl, which the app's kernels need not load.

Values come back as the spreadsheet stored them (text, number, boolean, date, or a formula
whose value was never computed); what they mean is the caller's business.
"""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from xml.parsers import expat

from contacts_lib.messages import InputError, thousands, visible

#: Limits, far above a real autodiagnostic workbook (about 40 parts, 30 KB uncompressed).
MAX_PARTS = 10_000
MAX_PART_BYTES = 20 * 1024 * 1024  # uncompressed, for each part read
MAX_TOTAL_BYTES = 500 * 1024 * 1024  # uncompressed, all parts as declared (none read beyond the above)
MAX_ROWS = 2_000  # rows of the sheet read; the autodiagnostic uses 50
MAX_CELLS = 100_000  # cells in those rows
MAX_SHARED_STRINGS = 200_000
MAX_STYLES = 65_000  # Excel's own limit is 64,000 cell formats
MAX_TEXT = 32_767  # characters in a cell: Excel's own limit
MAX_ELEMENTS = 3_000_000  # XML elements read, all parts together (the template has about 2,000)
_CHUNK = 64 * 1024

_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_DATE_FORMAT_IDS = frozenset({14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 30, 36, 45, 46, 47, 50, 57})


@dataclass(frozen=True)
class Formula:
    """A cell holding a formula whose value was never computed (no cached value in the file)."""

    text: str


@dataclass(frozen=True)
class CellError:
    """A cell showing a spreadsheet error such as ``#N/A`` or ``#DIV/0!``."""

    code: str


@dataclass
class _Cell:
    kind: str  # the ``t`` attribute: s, inlineStr, str, b, e, n, d
    style: int
    value: str = ""
    formula: str | None = None
    has_value: bool = False


class _Stop(Exception):
    """Raised by a handler to stop reading a part early (everything needed was read)."""


def column_name(index: int) -> str:
    """1 → ``A``, 27 → ``AA``."""
    name = ""
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index


_REFERENCE = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")


class Workbook:
    """An open workbook: ``sheet_names`` and :meth:`cells` of one sheet."""

    def __init__(self, content: bytes, source: str) -> None:
        self.source = source
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(content))
            parts = self._zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError):
            raise self._unreadable("fichier tronqué ou qui n'est pas au format XLSX") from None
        if len(parts) > MAX_PARTS:
            raise InputError(f"{source} : classeur trop complexe ({len(parts)} parties ; {MAX_PARTS} au plus).")
        declared = sum(part.file_size for part in parts)
        if declared > MAX_TOTAL_BYTES:
            raise InputError(
                f"{source} : classeur trop volumineux une fois décompressé ({_megabytes(declared)} ; "
                f"{_megabytes(MAX_TOTAL_BYTES)} au plus)."
            )
        self._names = {part.filename: part for part in parts}
        self._elements = 0
        workbook_path = self._office_document()
        self._sheets, self._date1904 = self._read_workbook(workbook_path)
        self._targets = self._relationships(workbook_path)
        self._workbook_path = workbook_path

    @property
    def sheet_names(self) -> list[str]:
        return [name for name, _ in self._sheets]

    def cells(self, sheet_name: str) -> dict[tuple[int, int], object]:
        """The values of the sheet's cells in its first :data:`MAX_ROWS` rows, by (row, column):
        ``str``, ``int``, ``float``, ``bool``, :class:`datetime.date` (a number formatted as a
        date), :class:`Formula` or :class:`CellError`."""
        relation = dict(self._sheets)[sheet_name]
        target = self._targets.get(relation)
        if target is None or target[1] != "worksheet":
            raise self._unreadable(f"la feuille « {visible(sheet_name)} » n'est pas une feuille de calcul")
        raw = self._read_sheet(target[0], sheet_name)
        strings = self._shared_strings({int(c.value) for c in raw.values() if c.kind == "s" and c.has_value and c.value.isdigit()})
        dated = {c.style for c in raw.values() if c.kind in ("n", "") and c.has_value}
        date_styles = self._date_styles(dated) if dated else set()
        values: dict[tuple[int, int], object] = {}
        for (row, column), cell in raw.items():
            place = f"{self.source}, feuille {visible(sheet_name)}, cellule {column_name(column)}{row}"
            values[(row, column)] = self._value(cell, strings, date_styles, place)
        return values

    def close(self) -> None:
        self._zip.close()

    # ------------------------------------------------------------------ the parts

    def _unreadable(self, why: str) -> InputError:
        return InputError(f"{self.source} : classeur illisible ({why}) ; enregistrez-le à nouveau au format Excel .xlsx.")

    def _parse(self, path: str, start: Callable, end: Callable | None = None, text: Callable | None = None) -> None:
        """Stream one part through expat with the given handlers (names without namespace)."""
        part = self._names.get(path)
        if part is None:
            raise self._unreadable(f"partie « {visible(path)} » absente")
        if part.file_size > MAX_PART_BYTES:
            raise InputError(
                f"{self.source} : classeur trop volumineux une fois décompressé (partie « {visible(path)} » : "
                f"{_megabytes(part.file_size)} ; {_megabytes(MAX_PART_BYTES)} au plus)."
            )
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.buffer_text = True
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

        def refuse(*_):
            raise self._unreadable(f"partie « {visible(path)} » avec une déclaration DOCTYPE, refusée")

        parser.StartDoctypeDeclHandler = refuse
        parser.EntityDeclHandler = refuse
        def counted_start(name, attributes):
            self._elements += 1
            if self._elements > MAX_ELEMENTS:
                raise InputError(f"{self.source} : classeur trop complexe (plus de {thousands(MAX_ELEMENTS)} éléments XML lus).")
            start(name.rpartition(" ")[2], attributes)

        parser.StartElementHandler = counted_start
        if end is not None:
            parser.EndElementHandler = lambda name: end(name.rpartition(" ")[2])
        if text is not None:
            parser.CharacterDataHandler = text
        try:
            with self._zip.open(part) as stream:
                while chunk := stream.read(_CHUNK):
                    parser.Parse(chunk, False)
                parser.Parse(b"", True)
        except _Stop:
            return
        except InputError:
            raise
        except expat.ExpatError as error:
            raise self._unreadable(f"XML invalide dans « {visible(path)} », ligne {error.lineno}") from None
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, RuntimeError, NotImplementedError):
            raise self._unreadable(f"partie « {visible(path)} » endommagée") from None

    def _office_document(self) -> str:
        found = []

        def start(name, attributes):
            if name == "Relationship" and attributes.get("Type", "").endswith("/officeDocument"):
                found.append(_resolve("", attributes.get("Target", "")))

        if "_rels/.rels" in self._names:
            self._parse("_rels/.rels", start)
        return found[0] if found else "xl/workbook.xml"

    def _read_workbook(self, path: str) -> tuple[list[tuple[str, str]], bool]:
        sheets: list[tuple[str, str]] = []
        date1904 = []

        def start(name, attributes):
            if name == "sheet":
                relation = next((v for k, v in attributes.items() if k.endswith(" id") and _RELATIONSHIPS in k), "")
                if len(sheets) < MAX_PARTS:
                    sheets.append((attributes.get("name", ""), relation))
            elif name == "workbookPr":
                date1904.append(attributes.get("date1904", "") in ("1", "true"))

        self._parse(path, start)
        return sheets, bool(date1904 and date1904[0])

    def _relationships(self, workbook_path: str) -> dict[str, tuple[str, str]]:
        """Relationship id → (part path, kind: worksheet, sharedStrings, styles…) of the workbook."""
        folder, name = posixpath.split(workbook_path)
        path = posixpath.join(folder, "_rels", name + ".rels")
        targets: dict[str, tuple[str, str]] = {}

        def start(element, attributes):
            if element == "Relationship" and len(targets) < MAX_PARTS:
                kind = attributes.get("Type", "").rpartition("/")[2]
                targets[attributes.get("Id", "")] = (_resolve(folder, attributes.get("Target", "")), kind)

        if path in self._names:
            self._parse(path, start)
        return targets

    def _part_of_kind(self, kind: str) -> str | None:
        return next((path for path, k in self._targets.values() if k == kind and path in self._names), None)

    def _read_sheet(self, path: str, sheet_name: str) -> dict[tuple[int, int], _Cell]:
        cells: dict[tuple[int, int], _Cell] = {}
        state = {"row": 0, "column": 0, "cell": None, "in": None, "text": []}
        size = [0]

        def start(name, attributes):
            if name == "row":
                row = attributes.get("r")
                state["row"] = int(row) if row and row.isdigit() else state["row"] + 1
                state["column"] = 0
                if state["row"] > MAX_ROWS:
                    raise _Stop
            elif name == "c":
                reference = _REFERENCE.fullmatch(attributes.get("r", ""))
                if reference:
                    state["column"] = _column_index(reference.group(1))
                    state["row"] = int(reference.group(2))
                    if state["row"] > MAX_ROWS:
                        raise _Stop
                else:
                    state["column"] += 1
                if len(cells) >= MAX_CELLS:
                    raise InputError(
                        f"{self.source} : classeur trop complexe (plus de {thousands(MAX_CELLS)} cellules dans les "
                        f"{thousands(MAX_ROWS)} premières lignes de la feuille « {visible(sheet_name)} »)."
                    )
                style = attributes.get("s", "0")
                cell = _Cell(kind=attributes.get("t", "n"), style=int(style) if style.isdigit() else 0)
                cells[(state["row"], state["column"])] = state["cell"] = cell
            elif name in ("v", "f", "t") and state["cell"] is not None:
                state["in"], state["text"], size[0] = name, [], 0

        def text(data):
            if state["in"] is not None:
                size[0] += len(data)
                if size[0] > MAX_TEXT:
                    raise InputError(
                        f"{self.source}, feuille {visible(sheet_name)}, cellule "
                        f"{column_name(state['column'])}{state['row']} : texte trop long (plus de "
                        f"{thousands(MAX_TEXT)} caractères, la limite d'Excel)."
                    )
                state["text"].append(data)

        def end(name):
            cell = state["cell"]
            if name == "c":
                state["cell"] = None
            elif cell is not None and name == state["in"]:
                content = "".join(state["text"])
                if name == "f":
                    cell.formula = content
                else:  # a value, or a piece of an inline string
                    cell.value += content
                    cell.has_value = True
                state["in"] = None

        self._parse(path, start, end, text)
        return cells

    def _shared_strings(self, needed: set[int]) -> dict[int, str]:
        if not needed:
            return {}
        path = self._part_of_kind("sharedStrings")
        if path is None:
            raise self._unreadable("textes partagés absents")
        strings: dict[int, str] = {}
        state = {"index": -1, "in_t": False, "phonetic": False, "pieces": [], "size": 0}
        last = max(needed)

        def start(name, attributes):
            if name == "si":
                state["index"] += 1
                if state["index"] >= MAX_SHARED_STRINGS:
                    raise InputError(
                        f"{self.source} : classeur trop complexe (plus de {thousands(MAX_SHARED_STRINGS)} textes partagés)."
                    )
                if state["index"] > last:
                    raise _Stop
                state["pieces"], state["size"] = [], 0
            elif name == "rPh":
                state["phonetic"] = True  # East Asian reading aids: not part of the text
            elif name == "t" and not state["phonetic"]:
                state["in_t"] = True

        def text(data):
            if state["in_t"] and state["index"] in needed:
                state["size"] += len(data)
                if state["size"] > MAX_TEXT:
                    raise InputError(
                        f"{self.source} : classeur : un texte dépasse {thousands(MAX_TEXT)} caractères, la limite d'Excel."
                    )
                state["pieces"].append(data)

        def end(name):
            if name == "t":
                state["in_t"] = False
            elif name == "rPh":
                state["phonetic"] = False
            elif name == "si" and state["index"] in needed:
                strings[state["index"]] = "".join(state["pieces"])

        self._parse(path, start, end, text)
        return strings

    def _date_styles(self, styles: set[int]) -> set[int]:
        """Which of the cell styles ``styles`` show a number as a date."""
        path = self._part_of_kind("styles")
        if path is None:
            return set()
        formats: dict[int, str] = {}
        state = {"in_xfs": False, "index": -1}
        format_of_style: dict[int, int] = {}

        def start(name, attributes):
            if name == "numFmt" and len(formats) < MAX_STYLES:
                identifier = attributes.get("numFmtId", "")
                if identifier.isdigit():
                    formats[int(identifier)] = attributes.get("formatCode", "")[:1000]
            elif name == "cellXfs":
                state["in_xfs"] = True
            elif name == "xf" and state["in_xfs"]:
                state["index"] += 1
                if state["index"] >= MAX_STYLES:
                    raise InputError(
                        f"{self.source} : classeur trop complexe (plus de {thousands(MAX_STYLES)} styles de cellule)."
                    )
                if state["index"] in styles:
                    identifier = attributes.get("numFmtId", "0")
                    format_of_style[state["index"]] = int(identifier) if identifier.isdigit() else 0

        def end(name):
            if name == "cellXfs":
                raise _Stop

        self._parse(path, start, end)
        return {
            style for style, identifier in format_of_style.items()
            if identifier in _DATE_FORMAT_IDS or (identifier in formats and _is_date_format(formats[identifier]))
        }

    # ------------------------------------------------------------------ values

    def _value(self, cell: _Cell, strings: dict[int, str], date_styles: set[int], place: str) -> object:
        kind, value = cell.kind, cell.value
        if not cell.has_value or (kind == "n" and not value.strip()):  # <v/>: no value computed
            return Formula(cell.formula) if cell.formula else None
        if kind == "s":
            if not value.isdigit() or int(value) not in strings:
                raise InputError(f"{place} : texte partagé n° {visible(value[:20])} introuvable (classeur endommagé).")
            return _unescaped(strings[int(value)])
        if kind in ("inlineStr", "str"):
            return _unescaped(value)
        if kind == "b":
            return value.strip() in ("1", "true")
        if kind == "e":
            return CellError(value.strip())
        if kind == "d":
            try:
                return dt.datetime.fromisoformat(value.strip()).date()
            except ValueError:
                raise InputError(f"{place} : date « {visible(value[:40])} » illisible.") from None
        try:
            number = float(value)
        except ValueError:
            raise InputError(f"{place} : nombre « {visible(value[:40])} » illisible (classeur endommagé).") from None
        if cell.style in date_styles:
            return _serial_date(number, self._date1904, place)
        return int(number) if number.is_integer() and abs(number) < 2**53 else number


_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _unescaped(text: str) -> str:
    """A text with the workbook format's escapes of characters XML cannot hold (``_x0009_``)
    turned back into those characters, as spreadsheets do."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def _resolve(folder: str, target: str) -> str:
    """A relationship's target as a path inside the archive."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(folder, target))


def _is_date_format(code: str) -> bool:
    """A number format shows dates if it has day, month or year codes outside quotes and brackets."""
    code = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", code)
    return bool(re.search(r"[dDyY]|m{1,5}(?![^;]*[sS])", code)) and not re.fullmatch(r"[#0,.%\s]*", code)


def _serial_date(number: float, date1904: bool, place: str) -> dt.date:
    if not 0 < number < 2_958_466:  # 31/12/9999
        raise InputError(f"{place} : date « {number!r} » hors des dates possibles.")
    days = int(number)
    if date1904:
        return dt.date(1904, 1, 1) + dt.timedelta(days=days)
    # Excel counts a 29 February 1900 that never was: serials from 61 on are one day ahead.
    return dt.date(1899, 12, 30 if days >= 61 else 31) + dt.timedelta(days=days)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} Mo" if size >= 1024 * 1024 else f"{max(1, size // 1024)} Ko"
