"""What a structure adds to its answers to act on them: a comment and evidence per question, and
its plan d'actions (« Modalités pratiques · Qui · Quand » of the recueil's fiches, plus a status
and the user's own gain and effort). None of it changes the scores.

Every format reads these through :func:`parse_note` and :func:`parse_plan`, so a value is
accepted or refused the same way from JSON, CSV, a workbook or the store, and the French message
names the file, the place and the value. :func:`followup_document` / :func:`read_followup` are
their one JSON form (the JSON file's keys ``commentaires``, ``preuves`` and ``plan``; the store).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from contacts_lib.autodiagnostic.reference import QUESTION_COUNT
from contacts_lib.messages import CONTROL_CHARACTERS, InputError, character_name, show_value

#: The statuses of an action (the key written in files → the label shown).
STATUSES = {"a_faire": "À faire", "en_cours": "En cours", "fait": "Fait", "abandonne": "Abandonné"}
#: An action that is not done yet: late once its « quand » has passed.
OPEN_STATUSES = ("a_faire", "en_cours")
#: « Gain attendu » and « effort » are the user's own marks, from 1 (faible) to 3 (fort).
MARKS = (1, 2, 3)

MAX_NOTE_LENGTH = 2000  # a comment or an evidence: a few paragraphs, a list of links
MAX_STEP_LENGTH = 500
MAX_STEPS = 20
MAX_WHO_LENGTH = 200
#: How « quand » is written in a text: AAAA-MM-JJ or jj/mm/aaaa (between 2000 and 2100).
DATE_FORMS = ("%Y-%m-%d", "%d/%m/%Y")

#: In a comment, evidence or step, line breaks are text; other control characters are not.
_FORBIDDEN_IN_NOTE = re.compile(f"[\x00-\x09\x0b-\x1f{CONTROL_CHARACTERS.removeprefix(chr(0) + '-' + chr(31))}]")
_FORBIDDEN_IN_LINE = re.compile(f"[{CONTROL_CHARACTERS}]")


@dataclass(frozen=True)
class Action:
    """One practice of the plan d'actions: its steps, who, by when, its status, and the user's
    gain and effort (1–3).

    >>> import datetime as dt
    >>> from contacts_lib.autodiagnostic.followup import Action
    >>> action = Action(12, ("Recenser", "Déployer"), "Accueil", dt.date(2026, 3, 31), "en_cours", 3, 1)
    >>> action.late(dt.date(2026, 4, 1)), action.priority
    (True, Fraction(3, 1))
    """

    pratique: int
    etapes: tuple[str, ...] = ()
    qui: str | None = None
    quand: dt.date | None = None
    statut: str = "a_faire"
    gain: int | None = None
    effort: int | None = None

    def late(self, today: dt.date) -> bool:
        """Whether its « quand » has passed and it is neither done nor abandoned (see
        :func:`is_late`, which also leaves out a practice already applied)."""
        return self.quand is not None and self.quand < today and self.statut in OPEN_STATUSES

    @property
    def priority(self) -> Fraction | None:
        """Gain ÷ effort, when the user gave both (the plan sorts by it, highest first)."""
        return Fraction(self.gain, self.effort) if self.gain and self.effort else None


def by_priority(plan: Sequence[Action]) -> list[Action]:
    """The actions by gain ÷ effort, highest first; those without both marks last; ties in
    practice order."""
    return sorted(plan, key=lambda a: (a.priority is None, -(a.priority or 0), a.pratique))


def is_applied(practice: int, answers: Sequence[bool | None]) -> bool:
    """Whether the autodiagnostic's answers say the practice is in place (its question is OUI)."""
    from contacts_lib.autodiagnostic.reference import load_catalogue

    return answers[load_catalogue().question_of_practice(practice).number - 1] is True


#: What « en retard » means, as every view says it.
LATE_RULE = "date passée, ni faite ni abandonnée, pratique pas encore OUI"


def is_late(action: Action, answers: Sequence[bool | None], today: dt.date) -> bool:
    """Late, as every view says it: its « quand » has passed, it is neither done nor abandoned,
    and its practice is not applied yet (an action whose practice is now OUI is « appliquée »,
    its status not updated yet)."""
    return action.late(today) and not is_applied(action.pratique, answers)


def default_steps(practice: int) -> tuple[str, ...]:
    """The « modalités pratiques » of a practice's fiche where the recueil gives them (only
    practice 1 in the extract), else (): the user writes their own.

    >>> from contacts_lib.autodiagnostic.followup import default_steps
    >>> len(default_steps(1)), default_steps(2)
    (3, ())
    """
    from contacts_lib.autodiagnostic.action_plan import fiche

    return next((s.items for s in fiche(practice) if s.title.startswith("Quel plan d'action")), ())


def _text(value: object, where: str, label: str, limit: int, lines: bool) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        # What a spreadsheet makes of a typed number or date is written back as text.
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        elif isinstance(value, float) and value == value and abs(value) != float("inf"):
            value = str(int(value)) if value.is_integer() else repr(value)
        elif isinstance(value, dt.date):
            value = value.strftime("%d/%m/%Y") if not isinstance(value, dt.datetime) else value.strftime("%d/%m/%Y %H:%M")
        else:
            raise InputError(f"{where} : « {label} » doit être un texte, pas {show_value(value)}.")
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip() if lines else value.strip()
    forbidden = (_FORBIDDEN_IN_NOTE if lines else _FORBIDDEN_IN_LINE).search(text)
    if forbidden:
        raise InputError(
            f"{where} : « {label} » contient un caractère interdit ({character_name(forbidden.group())}, "
            f"position {forbidden.start() + 1}) : {show_value(text)}."
        )
    if len(text) > limit:
        raise InputError(f"{where} : « {label} » est trop long ({len(text)} caractères, {limit} au plus) : {show_value(text)}.")
    return text


def parse_note(value: object, where: str, label: str = "commentaire") -> str | None:
    """A comment or an evidence: free text of a few paragraphs (line breaks kept); blank is None.

    >>> from contacts_lib.autodiagnostic.followup import parse_note
    >>> parse_note("  Voir la charte\\r\\nsignée en 2025 ", "q07")
    'Voir la charte\\nsignée en 2025'
    """
    return _text(value, where, label, MAX_NOTE_LENGTH, lines=True)


def parse_notes(raw: Mapping[int, object], locate: Callable[[int], str], label: str) -> dict[int, str]:
    """Question number → note, the blank ones left out; ``locate(number)`` says where each sits."""
    notes = {}
    for number, value in raw.items():
        note = parse_note(value, locate(number), label)
        if note is not None:
            notes[number] = note
    return dict(sorted(notes.items()))


def _practice(value: object, where: str) -> int:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise InputError(f"{where} : numéro de la bonne pratique manquant ; attendu un numéro de 1 à {QUESTION_COUNT}.")
    number = _whole_number(value)
    if number is None or not 1 <= number <= QUESTION_COUNT:
        raise InputError(f"{where} : pratique {show_value(value)} inconnue ; attendu un numéro de 1 à {QUESTION_COUNT}.")
    return number


def _whole_number(value: object) -> int | None:
    """A small whole number as written: ``12``, ``"12"``, ``12.0`` (not ``True``, not ``"①"``)."""
    if isinstance(value, str) and re.fullmatch(r"\s*[0-9]{1,3}\s*", value):
        return int(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1000:
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return None


def _status(value: object, where: str) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        return "a_faire"
    if isinstance(value, str):
        word = re.sub(r"[\s_-]+", "_", value.strip().casefold()).replace("à", "a").replace("é", "e")
        if word in STATUSES:
            return word
    raise InputError(
        f"{where} : statut {show_value(value)} inconnu ; attendu {', '.join(STATUSES)} "
        f"({', '.join(STATUSES.values())})."
    )


def _date(value: object, where: str) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    from contacts_lib.autodiagnostic.answers import date_of  # answers imports this module

    date = date_of(value, DATE_FORMS)
    if date is not None and (not isinstance(value, str) or 2000 <= date.year <= 2100):
        return date
    raise InputError(
        f"{where} : « quand » {show_value(value)} n'est pas une date plausible ; écrire par exemple 2026-03-31 ou 31/03/2026."
    )


def _mark(value: object, where: str, label: str) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number = _whole_number(value)
    if number not in MARKS:
        raise InputError(f"{where} : « {label} » {show_value(value)} invalide ; attendu 1, 2 ou 3 (vide si non évalué).")
    return number


def _steps(value: object, where: str) -> tuple[str, ...]:
    """Steps as a list of texts (JSON, the store) or as one text, a step per line (CSV, workbook)."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not isinstance(value, (list, tuple)):
        raise InputError(f"{where} : les étapes s'écrivent comme une liste de textes, pas {show_value(value)}.")
    steps = [_text(step, f"{where}, étape {index + 1}", "étape", MAX_STEP_LENGTH, lines=False) for index, step in enumerate(value)]
    steps = [step for step in steps if step is not None]
    if len(steps) > MAX_STEPS:
        raise InputError(f"{where} : {len(steps)} étapes ; {MAX_STEPS} au plus par action.")
    return tuple(steps)


#: The keys of an action, as JSON writes them and as the other formats name their columns.
ACTION_KEYS = ("pratique", "etapes", "qui", "quand", "statut", "gain", "effort")


def parse_action(raw: Mapping[str, object], locate: Callable[[str], str]) -> Action:
    """One action from its raw values (``ACTION_KEYS``); ``locate(key)`` says where each sits."""
    return Action(
        pratique=_practice(raw.get("pratique"), locate("pratique")),
        etapes=_steps(raw.get("etapes"), locate("etapes")),
        qui=_text(raw.get("qui"), locate("qui"), "qui", MAX_WHO_LENGTH, lines=False),
        quand=_date(raw.get("quand"), locate("quand")),
        statut=_status(raw.get("statut"), locate("statut")),
        gain=_mark(raw.get("gain"), locate("gain"), "gain attendu"),
        effort=_mark(raw.get("effort"), locate("effort"), "effort"),
    )


def parse_plan(raw: Sequence[Mapping[str, object]], locate: Callable[[int, str], str]) -> tuple[Action, ...]:
    """A plan from its raw actions, in practice order; a practice planned twice is refused (its
    steps are one action's lines). ``locate(index, key)`` says where the index-th action's key sits."""
    actions: dict[int, Action] = {}
    for index, item in enumerate(raw):
        action = parse_action(item, lambda key, index=index: locate(index, key))
        if action.pratique in actions:
            raise InputError(
                f"{locate(index, 'pratique')} : la pratique {action.pratique} est déjà dans le plan ; "
                "écrivez ses étapes dans une seule action."
            )
        actions[action.pratique] = action
    return tuple(actions[number] for number in sorted(actions))


def action_document(action: Action) -> dict[str, object]:
    """An action as JSON writes it (``ACTION_KEYS``, « quand » as AAAA-MM-JJ)."""
    return {
        "pratique": action.pratique, "etapes": list(action.etapes), "qui": action.qui,
        "quand": action.quand.isoformat() if action.quand else None, "statut": action.statut,
        "gain": action.gain, "effort": action.effort,
    }


#: Columns of the follow-up in a CSV of autodiagnostics (and names of places in messages):
#: ``q07_commentaire``, ``q07_preuve``, and ``plan12_statut`` … for each key of an action but
#: « pratique » (the number is in the name); steps are one cell, a step per line.
NOTE_SUFFIXES = {"comments": "commentaire", "evidence": "preuve"}
PLAN_COLUMN_KEYS = ACTION_KEYS[1:]


def note_column(number: int, kind: str) -> str:
    return f"q{number:02d}_{NOTE_SUFFIXES[kind]}"


def plan_column(practice: int, key: str) -> str:
    return f"plan{practice:02d}_{key}"


_FOLLOWUP_COLUMN = re.compile(rf"(q|plan)\s*0*(\d{{1,2}})_({'|'.join([*NOTE_SUFFIXES.values(), *PLAN_COLUMN_KEYS])})")


def followup_column(name: str) -> tuple[str, int, str] | None:
    """What a CSV column of the follow-up holds: (``"comments"``/``"evidence"``/``"plan"``, question
    or practice number, action key or ""); None for any other column. ``Q7_Commentaire`` is
    ``q07_commentaire``. :class:`ValueError` (in French) for a number out of 1–36.

    >>> from contacts_lib.autodiagnostic.followup import followup_column
    >>> followup_column("Q7_Commentaire"), followup_column("plan12_quand"), followup_column("usagers")
    (('comments', 7, ''), ('plan', 12, 'quand'), None)
    """
    match = _FOLLOWUP_COLUMN.fullmatch(name.strip().casefold())
    if not match:
        return None
    prefix, number, suffix = match.group(1), int(match.group(2)), match.group(3)
    if prefix == "q" and suffix in NOTE_SUFFIXES.values():
        place = next(k for k, v in NOTE_SUFFIXES.items() if v == suffix), number, ""
    elif prefix == "plan" and suffix in PLAN_COLUMN_KEYS:
        place = "plan", number, suffix
    else:
        return None
    if not 1 <= number <= QUESTION_COUNT:
        what = "question" if prefix == "q" else "pratique"
        raise ValueError(f"{what} {number} inconnue ; attendu un numéro de 1 à {QUESTION_COUNT}")
    return place


def form_notes(comments: Mapping[int, str], evidence: Mapping[int, str]) -> dict[str, dict[str, str]]:
    """The comments and evidence as the app's form holds them: ``{"comments": {"7": "…"}, "evidence": {…}}``."""
    return {"comments": {str(n): t for n, t in sorted(comments.items())}, "evidence": {str(n): t for n, t in sorted(evidence.items())}}


def form_action(action: Action) -> dict[str, str]:
    """An action as the app's form holds it: every value a text (steps one per line, « quand »
    as jj/mm/aaaa, marks as "1"…"3" or "")."""
    return {
        "pratique": str(action.pratique), "etapes": "\n".join(action.etapes), "qui": action.qui or "",
        "quand": action.quand.strftime("%d/%m/%Y") if action.quand else "", "statut": action.statut,
        "gain": str(action.gain or ""), "effort": str(action.effort or ""),
    }


def is_form_plan(value: object) -> bool:
    """Whether a value has the shape of the app form's plan (a list of actions of texts)."""
    return isinstance(value, list) and len(value) <= QUESTION_COUNT and all(
        isinstance(item, dict) and set(item) <= set(ACTION_KEYS) and all(isinstance(v, str) for v in item.values())
        for item in value
    )


def is_form_notes(value: object) -> bool:
    """Whether a value has the shape of the app form's notes."""
    return isinstance(value, dict) and set(value) <= set(NOTE_SUFFIXES) and all(
        isinstance(notes, dict) and all(isinstance(k, str) and re.fullmatch(r"[0-9]{1,2}", k) and 1 <= int(k) <= QUESTION_COUNT
                                        and isinstance(v, str) for k, v in notes.items())
        for notes in value.values()
    )


#: The keys of the follow-up in a JSON document.
COMMENTS_KEY, EVIDENCE_KEY, PLAN_KEY = "commentaires", "preuves", "plan"
FOLLOWUP_KEYS = (COMMENTS_KEY, EVIDENCE_KEY, PLAN_KEY)


def followup_document(comments: Mapping[int, str], evidence: Mapping[int, str], plan: Sequence[Action]) -> dict[str, object]:
    """The follow-up's JSON keys, each only when it holds something."""
    document: dict[str, object] = {}
    if comments:
        document[COMMENTS_KEY] = {f"q{n:02d}": text for n, text in sorted(comments.items())}
    if evidence:
        document[EVIDENCE_KEY] = {f"q{n:02d}": text for n, text in sorted(evidence.items())}
    if plan:
        document[PLAN_KEY] = [action_document(action) for action in plan]
    return document


def read_followup(document: Mapping[str, object], where: Callable[[str], str]) -> dict[str, object]:
    """``commentaires``, ``preuves`` and ``plan`` of a JSON document, checked: the keyword
    arguments of :class:`Autodiagnostic` (``comments``, ``evidence``, ``plan``). ``where(key)``
    names a key's place (« f.json, clé « plan[2].quand » »)."""
    found: dict[str, object] = {}
    for key, field in ((COMMENTS_KEY, "comments"), (EVIDENCE_KEY, "evidence")):
        raw = document.get(key)
        if raw is None:
            continue
        if not isinstance(raw, Mapping):
            raise InputError(f"{where(key)} : attendu un objet {{\"q01\": \"…\", …}}, pas {show_value(raw)}.")
        numbers = {}
        for question, value in raw.items():
            match = re.fullmatch(r"q(\d\d)", question)
            if not match or not 1 <= int(match.group(1)) <= QUESTION_COUNT:
                raise InputError(f"{where(key)} : clé {show_value(question)} inconnue ; les questions sont q01 … q36.")
            numbers[int(match.group(1))] = value
        label = "commentaire" if key == COMMENTS_KEY else "preuve"
        found[field] = parse_notes(numbers, lambda n, key=key: where(f"{key}.q{n:02d}"), label)
    raw = document.get(PLAN_KEY)
    if raw is not None:
        if not isinstance(raw, list) or not all(isinstance(item, Mapping) for item in raw):
            raise InputError(f"{where(PLAN_KEY)} : attendu une liste d'actions [{{\"pratique\": 12, …}}, …].")
        if len(raw) > QUESTION_COUNT:
            raise InputError(f"{where(PLAN_KEY)} : {len(raw)} actions ; une par pratique, {QUESTION_COUNT} au plus.")
        for index, item in enumerate(raw):
            unknown = [k for k in item if k not in ACTION_KEYS]
            if unknown:
                raise InputError(
                    f"{where(f'{PLAN_KEY}[{index}]')} : clé {show_value(unknown[0])} inconnue ; "
                    f"une action a les clés {', '.join(ACTION_KEYS)}."
                )
        found["plan"] = parse_plan(raw, lambda index, key: where(f"{PLAN_KEY}[{index}].{key}"))
    return found
