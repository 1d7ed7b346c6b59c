"""The file formats of an autodiagnostic: JSON, CSV and XLSX, chosen by the file's extension.

The workbook format needs openpyxl (and, through it, numpy): a third of a kernel's start and of
its memory. It is imported when a workbook is first read or written, not with the package, so a
kernel of the app that never sees a workbook stays light.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from contacts_lib.answers import Autodiagnostic, InputError
from contacts_lib.formats.csv_format import dumps_csv, parse_csv, write_csv
from contacts_lib.formats.files import read_user_file
from contacts_lib.formats.json_format import dumps_json, parse_json, write_json
from contacts_lib.reference import example_path

def parse_workbook(content: bytes, source: str) -> Autodiagnostic:
    """The autodiagnostic of a workbook's bytes (see :mod:`contacts_lib.formats.xlsx_format`)."""
    from contacts_lib.formats import xlsx_format

    return xlsx_format.parse_workbook(content, source)


def build_workbook(autodiagnostic: Autodiagnostic | None = None):
    """The autodiagnostic workbook (openpyxl ``Workbook``): blank when ``autodiagnostic`` is None."""
    from contacts_lib.formats import xlsx_format

    return xlsx_format.build_workbook(autodiagnostic)


def write_workbook(autodiagnostic: Autodiagnostic | None, path: Path) -> None:
    """Write the filled workbook of ``autodiagnostic``, or the blank template if it is None."""
    from contacts_lib.formats import xlsx_format

    xlsx_format.write_workbook(autodiagnostic, path)


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


@lru_cache(maxsize=1)
def worked_example() -> Autodiagnostic:
    """The source's worked example (its answers are printed in the recueil): 40, 27, 88, 100 %."""
    return read_autodiagnostics(example_path())[0]


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
    "worked_example",
    "write_csv",
    "write_json",
    "write_workbook",
]
