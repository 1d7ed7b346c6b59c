"""CSV: one row per structure.

Columns ``structure, date, reseau, region, usagers, visites_guichet, appels, courriers,
courriels, visiteurs_web_mensuels, q01 … q36``; only ``structure`` and the ``qNN`` columns are
required, other columns are kept as they are. Read as UTF-8 (with or without BOM) or cp1252,
separated by ``,`` or ``;``. Written as UTF-8 with ``,``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from pathlib import Path

from contacts_lib.answers import (
    HEADER_KEYS,
    QUESTION_KEYS,
    Autodiagnostic,
    InputError,
    answer_text,
    build_autodiagnostic,
)
from contacts_lib.formats.files import write_atomically

CSV_COLUMNS = HEADER_KEYS + QUESTION_KEYS
_SEPARATORS = (";", ",", "\t")


def _decode(content: bytes, source: str) -> str:
    if content.startswith(b"PK\x03\x04"):
        raise InputError(
            f"{source} : ce fichier est un classeur Excel (XLSX), pas un CSV ; "
            "donnez-lui l'extension .xlsx."
        )
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's « Texte Unicode »
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError as error:
            raise InputError(f"{source} : fichier UTF-16 illisible (octet {error.start}).") from error
    if b"\x00" in content[:65536]:
        raise InputError(f"{source} : ce n'est pas un fichier texte CSV (contenu binaire).")
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    for encoding in ("utf-8", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(
        f"{source} : encodage non reconnu ; enregistrez le fichier en CSV UTF-8 ou Windows (cp1252)."
    )


def _column_key(name: str) -> str:
    """Normalise a header cell: ``Q7``, `` q07 `` → ``q07``; ``Structure`` → ``structure``."""
    key = name.strip().lstrip("\ufeff").casefold()
    match = re.fullmatch(r"q\s*0*(\d{1,2})", key)
    if match and 1 <= int(match.group(1)) <= len(QUESTION_KEYS):
        return f"q{int(match.group(1)):02d}"
    return key


def parse_csv(content: bytes, source: str) -> list[Autodiagnostic]:
    text = _decode(content, source)
    if not text.strip():
        raise InputError(f"{source} : le fichier est vide.")
    first_line = text.lstrip().splitlines()[0]
    separator = max(_SEPARATORS, key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    try:
        header = next(reader)
        while not any(cell.strip() for cell in header):
            header = next(reader)
        keys = [_column_key(cell) for cell in header]
        duplicates = sorted({k for k in keys if k and keys.count(k) > 1})
        if duplicates:
            raise InputError(f"{source}, ligne {reader.line_num} : colonne en double : {', '.join(duplicates)}.")
        missing = [k for k in ("structure", *QUESTION_KEYS) if k not in keys]
        if missing:
            shown = ", ".join(missing[:8]) + (" …" if len(missing) > 8 else "")
            raise InputError(
                f"{source} : colonne(s) obligatoire(s) manquante(s) : {shown} "
                f"(séparateur lu : « {separator} »)."
            )
        known = set(CSV_COLUMNS)
        diagnostics = []
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            line = reader.line_num
            while len(row) > len(keys) and not row[-1].strip():
                row = row[:-1]  # trailing separators, as some spreadsheets write them
            if len(row) != len(keys):
                raise InputError(
                    f"{source}, ligne {line} : {len(row)} valeur{'s' if len(row) > 1 else ''} "
                    f"pour {len(keys)} colonnes d'en-tête{_quote_hint(row)}."
                )
            values = dict(zip(keys, row, strict=True))
            extra = {
                header[i].strip() or f"colonne {i + 1}": row[i]
                for i, k in enumerate(keys)
                if k not in known and (k or row[i].strip())
            }

            def locate(key: str, line: int = line) -> str:
                return f"{source}, ligne {line}, colonne {key}"

            answers = {n: values[k] for n, k in enumerate(QUESTION_KEYS, start=1)}
            diagnostics.append(build_autodiagnostic(values, answers, locate, extra))
    except StopIteration:
        raise InputError(f"{source} : le fichier est vide.") from None
    except csv.Error as error:
        raise InputError(
            f"{source}, ligne {reader.line_num} : CSV illisible ({_csv_reason(error)})."
        ) from error
    if not diagnostics:
        raise InputError(f"{source} : aucune structure (l'en-tête est là, mais aucune ligne de réponses).")
    return diagnostics


def _quote_hint(row: list[str]) -> str:
    return " (un guillemet « \" » n'est peut-être pas refermé)" if any("\n" in cell for cell in row) else ""


def _csv_reason(error: csv.Error) -> str:
    message = str(error)
    if "field larger than field limit" in message:
        return f"une cellule dépasse {csv.field_size_limit()} caractères"
    if "end of data" in message or "EOF" in message:
        return "un guillemet « \" » n'est pas refermé"
    if "NUL" in message:
        return "caractère nul dans le texte"
    return "format non reconnu"



def dumps_csv(diagnostics: Iterable[Autodiagnostic]) -> str:
    """Autodiagnostics as CSV text, one row per structure (header fields, q01 … q36, extra columns)."""
    diagnostics = list(diagnostics)
    extra_columns: list[str] = []
    for diagnostic in diagnostics:
        extra_columns += [k for k in diagnostic.extra if k not in extra_columns]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*CSV_COLUMNS, *extra_columns])
    for diagnostic in diagnostics:
        header = [
            "" if value is None else value.isoformat() if hasattr(value, "isoformat") else value
            for value in diagnostic.header().values()
        ]
        writer.writerow(
            [
                *header,
                *(answer_text(a) for a in diagnostic.answers),
                *(diagnostic.extra.get(k, "") for k in extra_columns),
            ]
        )
    return buffer.getvalue()


def write_csv(diagnostics: Iterable[Autodiagnostic], path: Path) -> None:
    """Write autodiagnostics as a CSV file, in one step (nothing half-written)."""
    text = dumps_csv(diagnostics)
    write_atomically(Path(path), lambda tmp: tmp.write_text(text, encoding="utf-8", newline=""))
