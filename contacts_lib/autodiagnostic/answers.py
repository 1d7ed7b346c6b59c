"""A structure's autodiagnostic: its header fields and its 36 answers, checked as a person means them.

Every file format builds an :class:`Autodiagnostic` through :func:`build_autodiagnostic`, so a
value is accepted or rejected the same way whether it came from JSON, CSV or a workbook, and
the French message always names the file, the place (row, column or cell) and the value.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from contacts_lib.autodiagnostic.followup import Action
from contacts_lib.autodiagnostic.reference import QUESTION_COUNT
from contacts_lib.messages import CONTROL_CHARACTERS, InputError, character_name, show_value


@dataclass(frozen=True)
class HeaderField:
    key: str  # column name in CSV, key in JSON
    label: str  # French label, as in the original sheet
    kind: str  # "text", "date" or "count"
    #: Whether every file written holds it, even blank; else only files where it is filled.
    always_written: bool = True


HEADER_FIELDS = (
    HeaderField("structure", "Nom de la structure", "text"),
    HeaderField("date", "Date de réalisation", "date"),
    HeaderField("campagne", "Campagne", "text"),  # blank: the year of the date (Autodiagnostic.campaign)
    HeaderField("reseau", "Réseau", "text"),
    HeaderField("region", "Région", "text"),
    # Who filled it, in a workshop where each participant answers for the same structure.
    HeaderField("participant", "Participant (atelier)", "text", always_written=False),
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


def structure_key(name: str) -> str:
    """How names are compared to say « the same structure »: Unicode compatibility form, case
    folded, runs of spaces made one (« CAF  de l'Isère » = « caf de l'isère »).

    >>> from contacts_lib.network import structure_key
    >>> structure_key("  CAF  de l'Isère ") == structure_key("caf de l'isère")
    True
    """
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", name)).strip().casefold()
QUESTION_KEYS = tuple(f"q{n:02d}" for n in range(1, QUESTION_COUNT + 1))

MAX_TEXT_LENGTH = 200

YES = "OUI"
NO = "NON"

# One answer vocabulary and one clean-up, followed by the library (:func:`answer_word`) and by the
# workbook's generated formulas (``xlsx_format``), so both count exactly the same cells:
# 1. each character of ``ANSWER_SPACES`` becomes a plain space;
# 2. spaces are trimmed at both ends (and runs of spaces inside made one, as the spreadsheets'
#    TRIM does; a word with a space inside is never an answer anyway);
# 3. ASCII letters are compared without case; a text with any other character (« ＯＵＩ »,
#    « ouı », a zero-width space…) is never an answer word.
#: Characters taken for spaces around an answer: space, line feed, carriage return, tab,
#: no-break space, narrow no-break space (French typography) and ideographic space; and U+0001,
#: which LibreOffice puts in place of a tab in a cell of several lines (its formulas see that, not
#: the tab), so that a tab counts alike in every spreadsheet.
ANSWER_SPACES = (" ", "\n", "\r", "\t", "\x01", "\u00a0", "\u202f", "\u3000")
#: The words read as OUI or NON, in upper case.
YES_WORDS = ("OUI", "O", "YES", "Y", "1", "VRAI", "TRUE")
NO_WORDS = ("NON", "N", "NO", "0", "FAUX", "FALSE")
_ANSWER_OF_WORD = {**{word: True for word in YES_WORDS}, **{word: False for word in NO_WORDS}}
_TO_SPACE = str.maketrans({space: " " for space in ANSWER_SPACES})


def answer_word(text: str) -> str:
    """A text as it is compared with the answer words (see ``ANSWER_SPACES``): ``" oui\t"`` →
    ``"OUI"``; a text with a character outside ASCII is returned as it is, and matches no word."""
    word = " ".join(part for part in text.translate(_TO_SPACE).split(" ") if part)
    return word.upper() if word.isascii() else word


_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y")


@dataclass(frozen=True)
class Autodiagnostic:
    """One structure's filled autodiagnostic. ``answers[i]`` is question i+1: True, False or None.

    >>> from contacts_lib import Autodiagnostic, format_percent, score
    >>> diagnostic = Autodiagnostic("CAF de Ville-Exemple", (True,) * 10 + (None,) * 26, reseau="CAF")
    >>> diagnostic.answered, diagnostic.campaign, format_percent(score(diagnostic).moyenne)
    (10, None, '25 %')
    """

    structure: str
    answers: tuple[bool | None, ...]
    date: dt.date | None = None
    campagne: str | None = None
    reseau: str | None = None
    region: str | None = None
    participant: str | None = None
    usagers: int | None = None
    visites_guichet: int | None = None
    appels: int | None = None
    courriers: int | None = None
    courriels: int | None = None
    visiteurs_web_mensuels: int | None = None
    #: Columns or keys of the source file that the tool does not use, kept as they were.
    extra: dict[str, str] = field(default_factory=dict)
    #: Question number → the structure's comment on it, and its evidence (``followup``).
    comments: dict[int, str] = field(default_factory=dict)
    evidence: dict[int, str] = field(default_factory=dict)
    #: The plan d'actions, one action per practice, in practice order (``followup``).
    plan: tuple[Action, ...] = ()

    def __post_init__(self) -> None:
        if len(self.answers) != QUESTION_COUNT:
            raise ValueError(f"an autodiagnostic has {QUESTION_COUNT} answers, not {len(self.answers)}")

    def header(self) -> dict[str, object]:
        return {key: getattr(self, key) for key in HEADER_KEYS}

    @property
    def campaign(self) -> str | None:
        """The campaign this autodiagnostic belongs to: its « campagne » field, else the year of its date."""
        if self.campagne is not None:
            return self.campagne
        return str(self.date.year) if self.date is not None else None

    @property
    def answered(self) -> int:
        return sum(answer is not None for answer in self.answers)


#: Characters refused in a name or any text field: control characters (tab and line breaks
#: included), lone surrogates (not text), and the bidirectional overrides that reorder what is shown.
_FORBIDDEN_IN_TEXT = re.compile(f"[{CONTROL_CHARACTERS}]")


def has_forbidden_character(text: str) -> bool:
    """Whether a text holds a character refused in a name (see ``_FORBIDDEN_IN_TEXT``)."""
    return _FORBIDDEN_IN_TEXT.search(text) is not None


def answer_text(answer: bool | None) -> str:
    """``OUI``, ``NON`` or an empty string for an unanswered question."""
    return "" if answer is None else (YES if answer else NO)


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


#: Texts already read as answers (a network's files use a handful of spellings), and None.
_ANSWER_CACHE: dict[str | None, bool | None] = {None: None}


def parse_answer(value: object, where: str) -> bool | None:
    """Read an answer as a person means it (see :func:`answer_word`); blank is unanswered.
    ``where`` locates it for errors.

    >>> from contacts_lib import parse_answer
    >>> parse_answer(" oui ", "q01"), parse_answer("N", "q02"), parse_answer("", "q03")
    (True, False, None)
    >>> parse_answer("peut-être", "f.csv, ligne 2, colonne q04")
    Traceback (most recent call last):
    ...
    contacts_lib.messages.InputError: f.csv, ligne 2, colonne q04 : réponse « peut-être » non reconnue ; attendu OUI ou NON (ou vide si la question n'a pas encore de réponse).
    """
    if value is None:
        return None
    if isinstance(value, str):
        if value in _ANSWER_CACHE:
            return _ANSWER_CACHE[value]
        word = answer_word(value)
        if word == "" or word in _ANSWER_OF_WORD:
            answer = _ANSWER_OF_WORD.get(word)
            if len(_ANSWER_CACHE) < 10_000:
                _ANSWER_CACHE[value] = answer
            return answer
    elif isinstance(value, bool):
        return value
    elif isinstance(value, (int, float)) and value in (0, 1):
        return value == 1
    raise InputError(
        f"{where} : réponse {show_value(value)} non reconnue ; "
        "attendu OUI ou NON (ou vide si la question n'a pas encore de réponse)."
    )


def _parse_text(value: object, where: str, label: str) -> str | None:
    if _is_blank(value):
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise InputError(f"{where} : « {label} » doit être un texte, pas {show_value(value)}.")
    if isinstance(value, float) and not value.is_integer():
        raise InputError(f"{where} : « {label} » doit être un texte, pas le nombre {value!r}.")
    text = str(int(value)) if isinstance(value, (int, float)) else value.strip()
    forbidden = _FORBIDDEN_IN_TEXT.search(text)
    if forbidden:
        raise InputError(
            f"{where} : « {label} » contient un caractère interdit ({character_name(forbidden.group())}, "
            f"position {forbidden.start() + 1}) : {show_value(text)}."
        )
    if len(text) > MAX_TEXT_LENGTH:
        raise InputError(
            f"{where} : « {label} » est trop long ({len(text)} caractères, "
            f"{MAX_TEXT_LENGTH} au plus) : {show_value(text)}."
        )
    return text


def date_of(value: object, formats: tuple[str, ...] = _DATE_FORMATS) -> dt.date | None:
    """The date a value holds: a spreadsheet's date, or a text in one of ``formats``
    (``strptime`` forms); None when it holds none (the caller says why, in its words)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        for fmt in formats:
            try:
                return dt.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
    return None


def _parse_date(value: object, where: str, label: str) -> dt.date | None:
    if _is_blank(value):
        return None
    if isinstance(value, str):
        text = value.strip()
        if len(text) == 10 and text[4] == "-" and text[7] == "-" and text.isascii():
            try:  # the ISO form our own files write, without strptime's cost
                return dt.date.fromisoformat(text)
            except ValueError:
                pass
    date = date_of(value)
    if date is not None:
        return date
    raise InputError(
        f"{where} : « {label} » {show_value(value)} n'est pas une date ; "
        "écrire par exemple 15/06/2015 ou 2015-06-15."
    )


MAX_COUNT = 10**12  # far above any volume of contacts; beyond it, a typing error


_COUNT_SPACES = re.compile(r"[\s\u00a0\u202f']")
_THOUSANDS = re.compile(r"\d{1,3}([.,]\d{3})+")
_WHOLE = re.compile(r"\d{1,16}([.,]0*)?")


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
    elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 16:
        number = int(value)  # the common case, without a regular expression
    elif isinstance(value, str):
        digits = _COUNT_SPACES.sub("", value)
        if _THOUSANDS.fullmatch(digits):  # 12.000 or 12,000: thousands
            number = int(re.sub(r"[.,]", "", digits))
        elif _WHOLE.fullmatch(digits):  # 1200, or 1200.0 from a spreadsheet
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
    answers: Mapping[int, object] | list[object],
    locate: Callable[[str], str],
    extra: Mapping[str, str] | None = None,
    followup: Mapping[str, object] | None = None,
) -> Autodiagnostic:
    """Check raw values and build an :class:`Autodiagnostic`.

    ``header`` maps header keys to raw values, ``answers`` maps question numbers (1–36) to raw
    values (a missing question is unanswered), or is the list of the 36 raw values, ``locate(key)`` returns where the value of a
    header key or question key (``q07``) sits, e.g. ``"exemple.csv, ligne 3, colonne q07"``.
    ``followup``: the comments, evidence and plan, already checked (``followup.read_followup``).
    """
    values = {spec.key: _header_value(spec, header.get(spec.key), locate) for spec in HEADER_FIELDS}
    if values["structure"] is None:
        raise InputError(f"{locate('structure')} : le nom de la structure est vide ; il est obligatoire.")
    raw = list(answers) if isinstance(answers, list) else [answers.get(number) for number in range(1, QUESTION_COUNT + 1)]
    try:  # the common case: every answer is a text already seen (« OUI », « non », blank…)
        parsed = tuple([_ANSWER_CACHE[value] for value in raw])
    except (KeyError, TypeError):
        parsed = tuple(
            parse_answer(value, _Place(locate, QUESTION_KEYS[number - 1])) for number, value in enumerate(raw, start=1)
        )
    for key, value in (extra or {}).items():
        if _NOT_TEXT.search(key) or _NOT_TEXT.search(value):
            raise InputError(
                f"{locate(key)} : {show_value(value if _NOT_TEXT.search(value) else key)} n'est pas du texte "
                "(caractère nul ou demi-caractère isolé)."
            )
    return Autodiagnostic(answers=parsed, extra=dict(extra or {}), **values, **(followup or {}))


#: Header texts and dates already read (a network's réseaux, régions, campaigns and dates repeat).
_HEADER_CACHE: dict[tuple[str, str], object] = {}


def _header_value(spec: HeaderField, value: object, locate: Callable[[str], str]) -> object:
    if value is None:
        return None
    if spec.kind != "count" and spec.key != "structure" and isinstance(value, str):  # names are all different
        cached = _HEADER_CACHE.get((spec.key, value), _HEADER_CACHE)
        if cached is not _HEADER_CACHE:
            return cached
        parsed = None if _is_blank(value) else parse_header_value(spec, value, _Place(locate, spec.key))
        if len(_HEADER_CACHE) < 50_000:
            _HEADER_CACHE[(spec.key, value)] = parsed
        return parsed
    return None if _is_blank(value) else parse_header_value(spec, value, _Place(locate, spec.key))


class _Place:
    """Where a value sits, worked out only if a message needs it (reading stays fast)."""

    __slots__ = ("key", "locate")

    def __init__(self, locate: Callable[[str], str], key: str) -> None:
        self.locate, self.key = locate, key

    def __format__(self, spec: str) -> str:
        return format(self.locate(self.key), spec)

    def __str__(self) -> str:
        return self.locate(self.key)


#: What no kept column may hold either: it could not be written back to any file.
_NOT_TEXT = re.compile("[\x00\ud800-\udfff]")
