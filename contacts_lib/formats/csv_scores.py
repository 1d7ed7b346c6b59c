"""The scores of a CSV of many structures, computed by columns: ``score --csv`` on a whole
network's file (a million rows in seconds) without building one autodiagnostic per row.

The file is read with the very same steps as :func:`csv_format.parse_csv` (encoding, limits,
header, row lengths: the same messages), then checked and scored by blocks of rows: each
column's distinct values are read once (a network's files hold a handful of answer spellings,
réseaux, régions and dates), answers become a matrix of codes, and the lever counts are sums
over it. A row the checks refuse is read again by ``build_row``, the per-row reader, so the
message is exactly the one :func:`parse_csv` gives (the first faulty row, in file order).
"""

from __future__ import annotations

import numpy as np

from contacts_lib.autodiagnostic.answers import (
    HEADER_FIELDS,
    MAX_TEXT_LENGTH,
    has_forbidden_character,
    parse_answer,
    parse_header_value,
)
from contacts_lib.autodiagnostic.scoring import lever_counts
from contacts_lib.formats.csv_format import (
    _followup,
    _unneutralised,
    build_row,
    csv_rows,
    neutralised,
    open_csv,
)
from contacts_lib.messages import InputError

#: Rows scored from one file (the per-row reader, which keeps every autodiagnostic, stops at
#: csv_format.MAX_STRUCTURES).
MAX_ROWS = 1_000_000
BLOCK = 50_000
_YES, _NO, _NONE = 1, 0, 2


def score_lines(content: bytes, source: str) -> list[str]:
    """The lines ``score --csv`` writes for the structures of a CSV file, in file order:
    ``structure,orientation,excellence,pilotage,innovation,moyenne,reponses`` (no header)."""
    reader, layout = open_csv(content, source)
    lines: list[str] = []
    block: list[tuple[int, list[str]]] = []
    for item in csv_rows(reader, layout, source, MAX_ROWS):
        block.append(item)
        if len(block) == BLOCK:
            lines += _score_block(block, layout, source)
            block = []
    if block:
        lines += _score_block(block, layout, source)
    if not lines:
        raise InputError(f"{source} : aucune structure (l'en-tête est là, mais aucune ligne de réponses).")
    return lines


_ANSWER_CODES: dict[str, int] = {}
_HEADER_OK: set[tuple[str, str]] = set()


def _answer_code(value: str) -> int | None:
    """1, 0 or 2 (no answer) for a cell, None if the per-row reader would refuse it."""
    code = _ANSWER_CODES.get(value)
    if code is None:
        try:
            answer = parse_answer(value, "")
        except InputError:
            return None
        code = _NONE if answer is None else (_YES if answer else _NO)
        if len(_ANSWER_CODES) < 10_000:
            _ANSWER_CODES[value] = code
    return code


_SPECS = {spec.key: spec for spec in HEADER_FIELDS}


def _header_ok(key: str, value: str) -> bool:
    """Whether the per-row reader accepts this header cell (the name: present too)."""
    spec = _SPECS[key]
    if spec.kind == "count" and (not value or (len(value) <= 12 and value.isascii() and value.isdigit())):
        return True  # blank, or a whole number below MAX_COUNT: the common case, decided at once
    if (key, value) in _HEADER_OK:
        return True
    text = _unneutralised(value)
    try:
        parsed = None if not text.strip() else parse_header_value(spec, text, "")
    except InputError:
        return False
    if key == "structure":
        return parsed is not None  # names are all different: not remembered
    if len(_HEADER_OK) < 50_000:
        _HEADER_OK.add((key, value))
    return True


def _plain_names(names: tuple[str, ...]) -> bool:
    """True if every name is surely accepted: none blank, none too long, no forbidden character
    (checked over the whole column at once; otherwise each name is read as the per-row reader does)."""
    return (
        0 not in map(len, map(str.strip, names))
        and max(map(len, names)) <= MAX_TEXT_LENGTH
        and not has_forbidden_character("".join(names))
    )


def _first_refused(column: tuple[str, ...], accept) -> int | None:
    """Index of the first cell of ``column`` that ``accept`` refuses (distinct values read once)."""
    refused = {value for value in set(column) if not accept(value)}
    if not refused:
        return None
    return next(index for index, value in enumerate(column) if value in refused)


def _score_block(block: list[tuple[int, list[str]]], layout, source: str) -> list[str]:
    rows = [row for _, row in block]
    columns = list(zip(*rows, strict=False))
    faulty = []
    for key, index in layout.fields.items():
        if key == "structure" and _plain_names(columns[index]):
            continue
        first = _first_refused(columns[index], lambda value, key=key: _header_ok(key, value))
        if first is not None:
            faulty.append(first)
    codes = []
    for index in layout.questions:
        column = columns[index]
        first = _first_refused(column, lambda value: _answer_code(value) is not None)
        if first is not None:
            faulty.append(first)
            continue
        codes.append(np.frombuffer(bytes(map(_ANSWER_CODES.__getitem__, column)), dtype=np.int8))
    if layout.followup:  # comments, evidence and plans do not score, but a bad one is refused as by parse_csv
        first = _first_refused_followup(block, layout, source)
        if first is not None:
            faulty.append(first)
    if faulty:
        line, row = block[min(faulty)]
        build_row(layout, row, line, source)  # raises the per-row reader's exact message
        raise AssertionError(f"{source}, line {line}: refused by blocks but not by the per-row reader")
    return _lines(np.stack(codes), columns[layout.fields["structure"]])


def _first_refused_followup(block: list[tuple[int, list[str]]], layout, source: str) -> int | None:
    """Index of the first row of the block whose follow-up the per-row reader refuses."""
    columns = [column for column, *_ in layout.followup]
    for index, (line, row) in enumerate(block):
        if any(row[column] for column in columns):
            try:
                _followup(layout, row, lambda key, line=line: f"{source}, ligne {line}, colonne {key}")
            except InputError:
                return index
    return None


def _lines(codes: np.ndarray, names: tuple[str, ...]) -> list[str]:
    """The output lines of a block: ``codes`` is 36 × rows (1 OUI, 0 NON, 2 no answer)."""
    counts = lever_counts(codes.T, _YES, _NONE)
    sizes, numerators, denominator = counts.sizes, counts.moyenne_numerator, counts.moyenne_denominator
    applied = counts.applied.T
    answered = counts.answered.sum(axis=1)
    # Each percentage takes few values: its text (repr, as score --csv writes it) is made once.
    lever_texts = [[repr(100 * a / s) for a in range(s + 1)] for s in sizes]
    moyenne_texts = {int(n): repr(100 * int(n) / denominator) for n in np.unique(numerators)}
    columns = [
        [texts[a] for a in counts.tolist()] for texts, counts in zip(lever_texts, applied, strict=True)
    ]
    moyennes = [moyenne_texts[n] for n in numerators.tolist()]
    return [
        ",".join((_cell(neutralised(_unneutralised(name).strip())), o, e, p, i, m, str(n)))
        for name, o, e, p, i, m, n in zip(names, *columns, moyennes, answered.tolist(), strict=True)
    ]


def _cell(text: str) -> str:
    """A cell as the csv module writes it (quoted if it holds the separator or a quote)."""
    return '"' + text.replace('"', '""') + '"' if "," in text or '"' in text else text
