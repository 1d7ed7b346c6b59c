"""contacts_lib — the autodiagnostic « 100 % Contacts efficaces » and its analyses.

Typical use in a notebook::

    from contacts_lib import read_autodiagnostics, score, format_percent
    for diagnostic in read_autodiagnostics("data/exemples/exemple-recueil.json"):
        print(diagnostic.structure, format_percent(score(diagnostic).moyenne))
"""

from contacts_lib.autodiagnostic.answers import (
    HEADER_FIELDS,
    Autodiagnostic,
    parse_answer,
)
from contacts_lib.autodiagnostic.reference import load_catalogue
from contacts_lib.autodiagnostic.scoring import (
    Scores,
    format_percent,
    rounded_percent,
    score,
    score_answers,
)
from contacts_lib.formats import (
    dumps_csv,
    dumps_json,
    parse_file,
    read_autodiagnostics,
    write_csv,
    write_json,
    write_workbook,
)
from contacts_lib.messages import InputError

__all__ = [
    "HEADER_FIELDS",
    "Autodiagnostic",
    "InputError",
    "Scores",
    "dumps_csv",
    "dumps_json",
    "format_percent",
    "load_catalogue",
    "parse_answer",
    "parse_file",
    "read_autodiagnostics",
    "rounded_percent",
    "score",
    "score_answers",
    "write_csv",
    "write_json",
    "write_workbook",
]
