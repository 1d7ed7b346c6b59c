"""The file formats of an autodiagnostic: JSON, CSV and XLSX, chosen by the file's extension.

Writing a workbook needs openpyxl (and, through it, numpy): a third of a kernel's start and of
its memory. It is imported when a workbook is first written, not with the package; workbooks are
read without it (``xlsx_reader``), so a kernel of the app that never exports one stays light.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from contacts_lib.autodiagnostic.answers import Autodiagnostic
from contacts_lib.autodiagnostic.reference import example_path
from contacts_lib.formats.csv_format import dumps_csv, parse_csv, write_csv
from contacts_lib.formats.files import (
    MAX_FILE_BYTES,
    read_user_file,
    shown_path,
    too_big,
)
from contacts_lib.formats.json_format import dumps_json, parse_json, write_json
from contacts_lib.formats.xlsx_format import (
    build_workbook,
    parse_workbook,
    workbook_bytes,
    write_workbook,
)
from contacts_lib.messages import InputError, visible

_PARSERS = {
    ".json": lambda content, name: [parse_json(content, name)],
    ".csv": parse_csv,
    ".xlsx": lambda content, name: [parse_workbook(content, name)],
}
EXTENSIONS = tuple(_PARSERS)
#: Largest file of each format: a JSON holds one structure (a few KB); a workbook a few tens of
#: KB (more with pictures); a CSV of the 15,000 structures of Services Publics+ about 3 MB.
SIZE_LIMITS = {".json": 1024 * 1024, ".xlsx": 20 * 1024 * 1024, ".csv": MAX_FILE_BYTES}


def _parser_for(name: str):
    """The parser of a file's name (``name`` as messages show it: see :func:`parse_file`)."""
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
    """Autodiagnostics in the bytes of a file called ``name`` (an upload, say); its extension
    chooses the format, and messages name the file.

    >>> from pathlib import Path
    >>> from contacts_lib import parse_file
    >>> content = Path("data/exemples/exemple-recueil.json").read_bytes()
    >>> [d.structure for d in parse_file(content, "envoi.json")]
    ['Exemple du recueil (SGMAP, 2015)']
    >>> parse_file(b"structure,q01\\nCAF,OUI\\n", "envoi.csv")   # a CSV needs q01 … q36
    Traceback (most recent call last):
    ...
    contacts_lib.messages.InputError: envoi.csv : colonnes obligatoires manquantes : q02, q03, q04, q05, q06, q07, q08, q09 … (séparateur lu : « , »).
    """
    name = visible(name)  # every message names the file on one line, whatever its name holds
    parser = _parser_for(name)
    limit = SIZE_LIMITS[Path(name).suffix.casefold()]
    if len(content) > limit:
        raise InputError(f"{name} : {too_big(len(content), limit)}.")
    if not content or content.isspace():
        raise InputError(f"{name} : le fichier est vide.")
    return parser(content, name)


@lru_cache(maxsize=1)
def worked_example() -> Autodiagnostic:
    """The source's worked example (its answers are printed in the recueil): 40, 27, 88, 100 %."""
    return read_autodiagnostics(example_path())[0]


def read_autodiagnostics(path: Path | str) -> list[Autodiagnostic]:
    """Every autodiagnostic in a JSON, CSV or XLSX file (a CSV may hold several structures).

    >>> from contacts_lib import read_autodiagnostics
    >>> [d.structure for d in read_autodiagnostics("data/exemples/reseau-exemple.csv")]
    ['Exemple du recueil (SGMAP, 2015)', 'CAF de Ville-Exemple (fictive)', 'Préfecture de Département-Exemple (fictive)']
    """
    path = Path(path)
    _parser_for(shown_path(path))  # an unknown extension is said before the file is even opened
    return parse_file(read_user_file(path, SIZE_LIMITS[path.suffix.casefold()]), str(path))


__all__ = [
    "EXTENSIONS",
    "build_workbook",
    "dumps_csv",
    "dumps_json",
    "parse_file",
    "read_autodiagnostics",
    "workbook_bytes",
    "worked_example",
    "write_csv",
    "write_json",
    "write_workbook",
]
