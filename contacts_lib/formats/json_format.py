"""JSON: one structure per file.

    {"format": "100-contacts-efficaces/autodiagnostic", "version": 1,
     "structure": "CAF de l'Isère", "date": "2015-06-15", "usagers": 120000, …,
     "reponses": {"q01": "OUI", "q02": "NON", …, "q36": null},
     "commentaires": {"q07": "…"}, "preuves": {"q07": "https://…"},
     "plan": [{"pratique": 12, "etapes": ["…"], "qui": "…", "quand": "2026-03-31",
               "statut": "en_cours", "gain": 3, "effort": 1}],
     "resultats": {…}}

``commentaires``, ``preuves`` and ``plan`` are written only when they hold something
(:mod:`contacts_lib.autodiagnostic.followup`).

``resultats`` is written for the reader's convenience and ignored on reading: scores are
always recomputed. Missing ``qNN`` keys are unanswered questions.
"""

from __future__ import annotations

import json
from pathlib import Path

from contacts_lib.autodiagnostic.answers import (
    HEADER_FIELDS,
    HEADER_KEYS,
    QUESTION_KEYS,
    Autodiagnostic,
    answer_text,
    build_autodiagnostic,
)
from contacts_lib.autodiagnostic.followup import (
    FOLLOWUP_KEYS,
    followup_column,
    followup_document,
    read_followup,
)
from contacts_lib.autodiagnostic.reference import load_catalogue
from contacts_lib.autodiagnostic.scoring import rounded_percent, score
from contacts_lib.formats.csv_format import _column_key
from contacts_lib.formats.files import write_atomically
from contacts_lib.messages import InputError, show_value

FORMAT_NAME = "100-contacts-efficaces/autodiagnostic"
FORMAT_VERSION = 1
_ANSWERS_KEY = "reponses"
_RESULTS_KEY = "resultats"
_RESERVED = {"format", "version", _ANSWERS_KEY, _RESULTS_KEY, *FOLLOWUP_KEYS, *HEADER_KEYS}


def parse_json(content: bytes, source: str) -> Autodiagnostic:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(
            f"{source} : le fichier JSON n'est pas encodé en UTF-8 (octet {error.start})."
        ) from error
    try:
        document = json.loads(text, object_pairs_hook=_object_without_duplicates, parse_constant=_no_constant)
    except InputError as error:
        raise InputError(f"{source} : {error}") from None
    except json.JSONDecodeError as error:
        raise InputError(f"{source} : JSON invalide ligne {error.lineno}, colonne {error.colno}.") from None
    except (ValueError, RecursionError):  # a number of thousands of digits, [[[[…
        raise InputError(f"{source} : JSON illisible (nombre trop long ou imbrication trop profonde).") from None
    _refuse_non_finite(document, source)
    if not isinstance(document, dict):
        raise InputError(
            f"{source} : un fichier JSON d'autodiagnostic contient un seul objet "
            "{…} décrivant une structure."
        )
    raw_answers = document.get(_ANSWERS_KEY)
    if not isinstance(raw_answers, dict):
        raise InputError(
            f"{source} : la clé « {_ANSWERS_KEY} » manque ou n'est pas un objet "
            '{"q01": "OUI", …}.'
        )
    unknown = [key for key in raw_answers if key not in QUESTION_KEYS]
    if unknown:
        raise InputError(
            f"{source} : dans « {_ANSWERS_KEY} », clé {show_value(unknown[0])} inconnue ; "
            "les questions sont q01 … q36."
        )
    answers = {QUESTION_KEYS.index(key) + 1: value for key, value in raw_answers.items()}
    for spec in HEADER_FIELDS:
        value = document.get(spec.key)
        if isinstance(value, (dict, list)):
            raise InputError(f"{source}, clé « {spec.key} » : valeur {show_value(value)} invalide.")
        if spec.kind != "count" and value is not None and not isinstance(value, str):
            raise InputError(
                f"{source}, clé « {spec.key} » : « {spec.label} » doit être un texte entre guillemets, "
                f"pas {show_value(json.dumps(value))}."
            )
    extra = {
        key: value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        for key, value in document.items()
        if key not in _RESERVED
    }
    for key in extra:  # kept as they are, they would become the CSV's columns of answers or follow-up
        try:
            claimed = followup_column(key) is not None or _column_key(key) in QUESTION_KEYS
        except ValueError:
            claimed = True
        if claimed:
            raise InputError(
                f"{source}, clé {show_value(key)} : les réponses s'écrivent dans « {_ANSWERS_KEY} », le suivi dans "
                "« commentaires », « preuves » et « plan »."
            )

    def locate(key: str) -> str:
        return f"{source}, clé « {_ANSWERS_KEY}.{key} »" if key in QUESTION_KEYS else f"{source}, clé « {key} »"

    followup = read_followup(document, lambda key: f"{source}, clé « {key} »")
    return build_autodiagnostic(document, answers, locate, extra, followup)


def _object_without_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """A JSON object, refused if a key appears twice (which value was meant is not certain)."""
    document = dict(pairs)
    if len(document) != len(pairs):
        seen: set[str] = set()
        twice = next(key for key, _ in pairs if key in seen or seen.add(key))
        raise InputError(f"clé {show_value(twice)} en double ; on ne peut pas savoir laquelle des deux valeurs retenir.")
    return document


class _NonFinite(str):
    """Where ``NaN``, ``Infinity`` or ``-Infinity`` stood in the document (they are no JSON
    numbers): kept while reading, so that the message can name the key they stand under."""


def _no_constant(name: str) -> object:
    return _NonFinite(name)


def _refuse_non_finite(document: object, source: str) -> None:
    """Refuse the first ``NaN`` / ``Infinity`` of the document (in its order), naming its key:
    « reponses.q07 », « note[2] » (a list's position)."""
    pending: list[tuple[str, object]] = [("", document)]
    while pending:
        key, value = pending.pop()
        if isinstance(value, _NonFinite):
            where = f"{source}, clé {show_value(key)}" if key else source
            raise InputError(f"{where} : nombre non fini « {value} » refusé (ce n'est pas un nombre JSON).")
        if isinstance(value, dict):
            items = [(f"{key}.{name}" if key else name, item) for name, item in value.items()]
        elif isinstance(value, list):
            items = [(f"{key}[{index}]", item) for index, item in enumerate(value)]
        else:
            continue
        pending += reversed(items)  # the first in the document is looked at first


def to_json_document(autodiagnostic: Autodiagnostic) -> dict[str, object]:
    """The JSON document of an autodiagnostic, with its results."""
    scores = score(autodiagnostic)
    document: dict[str, object] = {"format": FORMAT_NAME, "version": FORMAT_VERSION}
    for spec in HEADER_FIELDS:
        value = getattr(autodiagnostic, spec.key)
        if value is not None or spec.always_written:
            document[spec.key] = value.isoformat() if hasattr(value, "isoformat") else value
    document[_ANSWERS_KEY] = {
        key: answer_text(answer) or None
        for key, answer in zip(QUESTION_KEYS, autodiagnostic.answers, strict=True)
    }
    document |= followup_document(autodiagnostic.comments, autodiagnostic.evidence, autodiagnostic.plan)
    document[_RESULTS_KEY] = {
        **{
            lever.key: rounded_percent(scores.coverage[lever.key])
            for lever in load_catalogue().levers
        },
        "moyenne": rounded_percent(scores.moyenne),
        "reponses": scores.answered,
    }
    # Columns kept from a CSV go last, renamed if they clash with the format's own keys.
    for key, value in autodiagnostic.extra.items():
        document[f"{key} (colonne d'origine)" if key in _RESERVED else key] = value
    return document


def dumps_json(autodiagnostic: Autodiagnostic) -> str:
    """An autodiagnostic as the JSON text of the format, its scores written for information.

    >>> import json
    >>> from contacts_lib import dumps_json, read_autodiagnostics
    >>> document = json.loads(dumps_json(read_autodiagnostics("data/exemples/exemple-recueil.json")[0]))
    >>> document["resultats"]
    {'orientation': 40, 'excellence': 27, 'pilotage': 88, 'innovation': 100, 'moyenne': 64, 'reponses': 36}
    """
    return json.dumps(to_json_document(autodiagnostic), ensure_ascii=False, indent=2) + "\n"


def write_json(autodiagnostic: Autodiagnostic, path: Path) -> None:
    """Write an autodiagnostic as a JSON file, in one step (nothing half-written).

    >>> import pathlib, tempfile
    >>> from contacts_lib import read_autodiagnostics, write_json
    >>> example = read_autodiagnostics("data/exemples/exemple-recueil.json")[0]
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     write_json(example, pathlib.Path(folder) / "exemple.json")
    ...     read_autodiagnostics(pathlib.Path(folder) / "exemple.json")[0].answers == example.answers
    True
    """
    text = dumps_json(autodiagnostic)
    write_atomically(Path(path), text.encode("utf-8"))
