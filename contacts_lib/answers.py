"""A structure's autodiagnostic: its header fields and its 36 answers, checked as a person means them.

Every file format builds an :class:`Autodiagnostic` through :func:`build_autodiagnostic`, so a
value is accepted or rejected the same way whether it came from JSON, CSV or a workbook, and
the French message always names the file, the place (row, column or cell) and the value.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from contacts_lib.reference import QUESTION_COUNT


class InputError(ValueError):
    """A user's file or value cannot be used; ``str(error)`` is the French message to show."""


@dataclass(frozen=True)
class HeaderField:
    key: str  # column name in CSV, key in JSON
    label: str  # French label, as in the original sheet
    kind: str  # "text", "date" or "count"


HEADER_FIELDS = (
    HeaderField("structure", "Nom de la structure", "text"),
    HeaderField("date", "Date de réalisation", "date"),
    HeaderField("reseau", "Réseau", "text"),
    HeaderField("region", "Région", "text"),
    HeaderField("usagers", "Nombre d'usagers (si connu)", "count"),
    HeaderField("visites_guichet", "Volume de visites au guichet par an (si connu)", "count"),
    HeaderField("appels", "Volume d'appels téléphoniques par an (si connu)", "count"),
    HeaderField("courriers", "Volume de courriers traités par an (si connu)", "count"),
    HeaderField("courriels", "Volume de courriels reçus par an (si connu)", "count"),
    HeaderField(
        "visiteurs_web_mensuels",
        "Nombre de visiteurs uniques mensuels sur le site internet (si connu)",
        "count",
    ),
)
HEADER_KEYS = tuple(f.key for f in HEADER_FIELDS)
QUESTION_KEYS = tuple(f"q{n:02d}" for n in range(1, QUESTION_COUNT + 1))

MAX_TEXT_LENGTH = 200

YES = "OUI"
NO = "NON"
#: The words read as OUI or NON (case and surrounding spaces ignored); the workbook's formulas
#: count the same words.
YES_WORDS = frozenset({"oui", "o", "yes", "y", "1", "vrai", "true"})
NO_WORDS = frozenset({"non", "n", "no", "0", "faux", "false"})
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y")


@dataclass(frozen=True)
class Autodiagnostic:
    """One structure's filled autodiagnostic. ``answers[i]`` is question i+1: True, False or None."""

    structure: str
    answers: tuple[bool | None, ...]
    date: dt.date | None = None
    reseau: str | None = None
    region: str | None = None
    usagers: int | None = None
    visites_guichet: int | None = None
    appels: int | None = None
    courriers: int | None = None
    courriels: int | None = None
    visiteurs_web_mensuels: int | None = None
    #: Columns or keys of the source file that the tool does not use, kept as they were.
    extra: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if len(self.answers) != QUESTION_COUNT:
            raise ValueError(f"an autodiagnostic has {QUESTION_COUNT} answers, not {len(self.answers)}")

    def header(self) -> dict[str, object]:
        return {key: getattr(self, key) for key in HEADER_KEYS}

    @property
    def answered(self) -> int:
        return sum(answer is not None for answer in self.answers)


def show_value(value: object, limit: int = 60) -> str:
    """A value as it may be quoted in a message: one line, control characters visible, short."""
    text = value if isinstance(value, str) else repr(value)
    text = re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\x{ord(m.group()):02x}", text)
    if len(text) > limit:
        text = text[:limit] + f"… ({len(text)} caractères)"
    return f"« {text} »"


def answer_text(answer: bool | None) -> str:
    """``OUI``, ``NON`` or an empty string for an unanswered question."""
    return "" if answer is None else (YES if answer else NO)


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_answer(value: object, where: str) -> bool | None:
    """Read an answer as a person means it; blank is unanswered. ``where`` locates it for errors."""
    if _is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return value == 1
    if isinstance(value, str):
        word = value.strip().casefold()
        if word in YES_WORDS:
            return True
        if word in NO_WORDS:
            return False
    raise InputError(
        f"{where} : réponse {show_value(value)} non reconnue ; "
        "attendu OUI ou NON (ou vide si la question n'a pas encore de réponse)."
    )


def _parse_text(value: object, where: str, label: str) -> str | None:
    if _is_blank(value):
        return None
    text = str(value).strip()
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    if len(text) > MAX_TEXT_LENGTH:
        raise InputError(
            f"{where} : « {label} » est trop long ({len(text)} caractères, "
            f"{MAX_TEXT_LENGTH} au plus) : {show_value(text)}."
        )
    return text


def _parse_date(value: object, where: str, label: str) -> dt.date | None:
    if _is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        for fmt in _DATE_FORMATS:
            try:
                return dt.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
    raise InputError(
        f"{where} : « {label} » {show_value(value)} n'est pas une date ; "
        "écrire par exemple 15/06/2015 ou 2015-06-15."
    )


MAX_COUNT = 10**12  # far above any volume of contacts; beyond it, a typing error


def _parse_count(value: object, where: str, label: str) -> int | None:
    if _is_blank(value):
        return None
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float):
        number = int(value) if value.is_integer() else None
    elif isinstance(value, str):
        digits = re.sub(r"[\s\u00a0\u202f']", "", value)
        if re.fullmatch(r"\d{1,3}([.,]\d{3})+", digits):  # 12.000 or 12,000: thousands
            number = int(re.sub(r"[.,]", "", digits))
        elif re.fullmatch(r"\d{1,16}([.,]0*)?", digits):  # 1200, or 1200.0 from a spreadsheet
            number = int(re.split(r"[.,]", digits)[0])
    if number is None or number < 0 or number > MAX_COUNT:
        raise InputError(
            f"{where} : « {label} » {show_value(value)} n'est pas un nombre entier positif ou nul"
            f"{' plausible' if number is not None and number > MAX_COUNT else ''}."
        )
    return number


_PARSERS: dict[str, Callable[[object, str, str], object]] = {
    "text": _parse_text,
    "date": _parse_date,
    "count": _parse_count,
}


def parse_header_value(spec: HeaderField, value: object, where: str) -> object:
    """Check one header value as typed (text, date or count); blank is ``None``."""
    return _PARSERS[spec.kind](value, where, spec.label)


def build_autodiagnostic(
    header: Mapping[str, object],
    answers: Mapping[int, object],
    locate: Callable[[str], str],
    extra: Mapping[str, str] | None = None,
) -> Autodiagnostic:
    """Check raw values and build an :class:`Autodiagnostic`.

    ``header`` maps header keys to raw values, ``answers`` maps question numbers (1–36) to raw
    values (a missing question is unanswered), ``locate(key)`` returns where the value of a
    header key or question key (``q07``) sits, e.g. ``"exemple.csv, ligne 3, colonne q07"``.
    """
    values = {spec.key: parse_header_value(spec, header.get(spec.key), locate(spec.key)) for spec in HEADER_FIELDS}
    if values["structure"] is None:
        raise InputError(f"{locate('structure')} : le nom de la structure est vide ; il est obligatoire.")
    parsed = tuple(
        parse_answer(answers.get(number), locate(QUESTION_KEYS[number - 1]))
        for number in range(1, QUESTION_COUNT + 1)
    )
    return Autodiagnostic(answers=parsed, extra=dict(extra or {}), **values)  # type: ignore[arg-type]
