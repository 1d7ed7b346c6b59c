"""The file formats of an autodiagnostic: JSON, CSV and XLSX, chosen by the file's extension."""

from __future__ import annotations

from pathlib import Path

from contacts_lib.answers import Autodiagnostic, InputError
from contacts_lib.formats.csv_format import dumps_csv, parse_csv, write_csv
from contacts_lib.formats.files import read_user_file
from contacts_lib.formats.json_format import dumps_json, parse_json, write_json
from contacts_lib.formats.xlsx_format import build_workbook, parse_workbook, write_workbook

_PARSERS = {
    ".json": lambda content, name: [parse_json(content, name)],
    ".csv": parse_csv,
    ".xlsx": lambda content, name: [parse_workbook(content, name)],
}
EXTENSIONS = tuple(_PARSERS)


def _parser_for(name: str):
    extension = Path(name).suffix.casefold()
    if extension in _PARSERS:
        return _PARSERS[extension]
    if extension in (".xls", ".ods"):
        raise InputError(
            f"{name} : format {extension} non pris en charge ; enregistrez le classeur au format .xlsx."
        )
    raise InputError(
        f"{name} : extension « {extension or '(aucune)'} » non reconnue ; "
        f"formats acceptés : {', '.join(EXTENSIONS)}."
    )


def parse_file(content: bytes, name: str) -> list[Autodiagnostic]:
    """Autodiagnostics in the bytes of a file called ``name`` (an upload, say)."""
    parser = _parser_for(name)
    if not content.strip():
        raise InputError(f"{name} : le fichier est vide.")
    return parser(content, name)


def read_autodiagnostics(path: Path | str) -> list[Autodiagnostic]:
    """Every autodiagnostic in a JSON, CSV or XLSX file (a CSV may hold several structures)."""
    path = Path(path)
    _parser_for(str(path))  # an unknown extension is said before the file is even opened
    return parse_file(read_user_file(path), str(path))


__all__ = [
    "EXTENSIONS",
    "build_workbook",
    "dumps_csv",
    "dumps_json",
    "parse_file",
    "read_autodiagnostics",
    "write_csv",
    "write_json",
    "write_workbook",
]
