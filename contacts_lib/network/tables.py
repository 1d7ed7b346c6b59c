"""Tidy tables of many autodiagnostics: the foundation of every network analysis.

- :func:`structures_frame`: one row per autodiagnostic (its header fields);
- :func:`answers_frame`: one row per autodiagnostic × question, the long form that every
  adoption count starts from;
- :func:`scores_frame`: one row per autodiagnostic × lever (and the moyenne), with the counts
  behind each percentage so that rounding for display stays exact.

Column names are those of the file formats (``structure``, ``reseau``, ``campagne``…) and of the
domain in French (``question``, ``pratique``, ``levier``, ``reponse``), since they are what the
CSV outputs and the pages show. An autodiagnostic is identified by the column ``autodiagnostic``:
its position in the input (0 … N-1) unless identifiers are given (a store's version ids), and
kept by every view of a :class:`network.Network`; the same structure may appear several times
(campaigns, versions). Each table is declared once below (:data:`STRUCTURES`, :data:`ANSWERS`,
:data:`SCORES`), for the analyses to check what they are given (:func:`frames.expect`).
Scoring is vectorised (numpy over an N × 36 matrix) and agrees with :func:`scoring.score`.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import pandas as pd

from contacts_lib.autodiagnostic.answers import (
    HEADER_FIELDS,
    NO,
    YES,
    Autodiagnostic,
    structure_key,
)
from contacts_lib.autodiagnostic.reference import QUESTION_COUNT, load_catalogue
from contacts_lib.autodiagnostic.scoring import lever_counts
from contacts_lib.frames import table

#: What identifies an autodiagnostic and situates it in the network, in every table.
IDENTITY = ("autodiagnostic", "structure", "date", "campagne", "reseau", "region")
MOYENNE = "moyenne"
#: Codes of the answer matrix.
_YES, _NO, _NONE = 1, 0, -1

#: The tables, as the analyses expect them (their columns are those built below).
STRUCTURES = table("la table des structures (Network.structures)",
                   ["autodiagnostic", *(spec.key for spec in HEADER_FIELDS), "reponses", "cle_structure"])
ANSWERS = table("la table des réponses (Network.answers)", [*IDENTITY, "question", "pratique", "levier", "reponse"])
SCORES = table("la table des scores (Network.scores)",
               [*IDENTITY, "levier", "questions", "appliquees", "repondues", "pourcentage", "arrondi"])


def structures_frame(
    diagnostics: Sequence[Autodiagnostic], sources: Sequence[str] | None = None, identifiers: Sequence[int] | None = None,
) -> pd.DataFrame:
    """One row per autodiagnostic: its identifier (``autodiagnostic``: ``identifiers``, else its
    position 0 … N-1), header fields, ``reponses`` (how many answered), the columns a CSV kept,
    ``fichier`` (the file it came from, if ``sources`` are given) and ``cle_structure``
    (:func:`structure_key` of its name). ``campagne`` is the campaign (the field, else the year
    of the date).

    >>> from contacts_lib import read_autodiagnostics
    >>> from contacts_lib.network import structures_frame
    >>> frame = structures_frame(read_autodiagnostics("data/exemples/reseau-exemple.csv"))
    >>> frame[["autodiagnostic", "structure", "reponses"]]
       autodiagnostic                                    structure  reponses
    0               0             Exemple du recueil (SGMAP, 2015)        36
    1               1               CAF de Ville-Exemple (fictive)        36
    2               2  Préfecture de Département-Exemple (fictive)        33
    """
    numbers = range(len(diagnostics)) if identifiers is None else list(identifiers)
    if len(numbers) != len(diagnostics):
        raise ValueError("one identifier per autodiagnostic")
    rows = []
    for number, diagnostic in zip(numbers, diagnostics, strict=True):
        row = {"autodiagnostic": number, **diagnostic.header(), "campagne": diagnostic.campaign}
        row["reponses"] = diagnostic.answered
        row.update({key: value for key, value in diagnostic.extra.items() if key not in row})
        rows.append(row)
    columns = ["autodiagnostic", *(spec.key for spec in HEADER_FIELDS), "reponses"]
    frame = pd.DataFrame(rows, columns=list(dict.fromkeys(columns + [k for row in rows for k in row])))
    frame["autodiagnostic"] = frame["autodiagnostic"].astype(np.int64)
    frame["date"] = pd.to_datetime(frame["date"])
    for spec in HEADER_FIELDS:
        if spec.kind == "count":
            frame[spec.key] = frame[spec.key].astype("Int64")
    if sources is not None:
        frame["fichier"] = list(sources)
    frame["cle_structure"] = frame["structure"].map(structure_key)
    return frame


def _identity(diagnostics: Sequence[Autodiagnostic], structures: pd.DataFrame | None, repeat: int) -> pd.DataFrame:
    """The identity columns of each autodiagnostic, each row ``repeat`` times (``structures``:
    :func:`structures_frame` of the same autodiagnostics, in the same order)."""
    structures = structures_frame(diagnostics) if structures is None else structures
    if len(structures) != len(diagnostics):
        raise ValueError("structures must be structures_frame(diagnostics): one row per autodiagnostic, in order")
    return structures[list(IDENTITY)].iloc[np.repeat(np.arange(len(diagnostics)), repeat)].reset_index(drop=True)


def answer_matrix(diagnostics: Sequence[Autodiagnostic]) -> np.ndarray:
    """The N × 36 matrix of answers: 1 for OUI, 0 for NON, -1 for no answer."""
    code = {True: _YES, False: _NO, None: _NONE}
    matrix = np.array([[code[a] for a in d.answers] for d in diagnostics], dtype=np.int8)
    return matrix.reshape(len(diagnostics), QUESTION_COUNT)


@lru_cache(maxsize=1)
def questions_frame() -> pd.DataFrame:
    """The 36 questions with their practice and lever (from the catalogue)."""
    catalogue = load_catalogue()
    return pd.DataFrame(
        {
            "question": [q.number for q in catalogue.questions],
            "pratique": [q.practice.number for q in catalogue.questions],
            "levier": [q.lever.key for q in catalogue.questions],
        }
    )


def answers_frame(diagnostics: Sequence[Autodiagnostic], structures: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per autodiagnostic × question: identity (``autodiagnostic``, ``structure``,
    ``date``, ``campagne``, ``reseau``, ``region``), ``question``, ``pratique``, ``levier`` and
    ``reponse`` (``OUI``, ``NON`` or missing). ``structures``: :func:`structures_frame` of the same
    autodiagnostics (its identifiers are used), built here if not given.

    >>> from contacts_lib import read_autodiagnostics
    >>> from contacts_lib.network import answers_frame
    >>> answers = answers_frame(read_autodiagnostics("data/exemples/exemple-recueil.json"))
    >>> answers[answers["question"].isin([10, 25])][["question", "pratique", "levier", "reponse"]]
        question  pratique     levier reponse
    9         10        10  orientation     NON
    24        25        11   pilotage     OUI
    """
    matrix = answer_matrix(diagnostics)
    count = len(diagnostics)
    questions = questions_frame()
    frame = _identity(diagnostics, structures, QUESTION_COUNT)
    for column in ("question", "pratique", "levier"):
        frame[column] = np.tile(questions[column].to_numpy(), count)
    words = np.array([NO, YES, None], dtype=object)  # indexed by code: 0, 1, -1
    frame["reponse"] = pd.Categorical(words[matrix.ravel()], categories=[YES, NO])
    return frame


def scores_frame(diagnostics: Sequence[Autodiagnostic], structures: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per autodiagnostic × lever, then its moyenne: identity, ``levier``, ``questions``,
    ``appliquees`` (OUI), ``repondues``, ``pourcentage`` (0–100, unrounded) and ``arrondi`` (the
    whole percentage the tool shows, rounded half up from the exact fraction). ``structures``: as
    for :func:`answers_frame`.

    The moyenne is the plain mean of the four lever coverages (not the share of OUI out of 36);
    its ``questions``, ``appliquees`` and ``repondues`` are the totals over the 36 questions.

    >>> from contacts_lib import read_autodiagnostics
    >>> from contacts_lib.network import scores_frame
    >>> scores_frame(read_autodiagnostics("data/exemples/exemple-recueil.json"))[["levier", "appliquees", "pourcentage", "arrondi"]]
            levier  appliquees  pourcentage  arrondi
    0  orientation           4    40.000000       40
    1   excellence           3    27.272727       27
    2     pilotage           7    87.500000       88
    3   innovation           7   100.000000      100
    4      moyenne          21    63.693182       64
    """
    counts = lever_counts(answer_matrix(diagnostics), _YES, _NONE)
    count = len(diagnostics)
    sizes, applied, answered = np.array(counts.sizes), counts.applied, counts.answered
    numerator, denominator = counts.moyenne_numerator, counts.moyenne_denominator
    percent = np.column_stack([100 * applied / sizes, 100 * numerator / denominator])
    rounded = np.column_stack([
        (200 * applied + sizes) // (2 * sizes),  # half up, in integers: exact
        (200 * numerator + denominator) // (2 * denominator),
    ])
    lever_keys = lever_order()
    width = len(lever_keys)
    frame = _identity(diagnostics, structures, width)
    frame["levier"] = np.tile(np.array(lever_keys, dtype=object), count)
    frame["questions"] = np.tile(np.append(sizes, sizes.sum()), count)
    frame["appliquees"] = np.column_stack([applied, applied.sum(axis=1)]).ravel()
    frame["repondues"] = np.column_stack([answered, answered.sum(axis=1)]).ravel()
    frame["pourcentage"] = percent.ravel()
    frame["arrondi"] = rounded.ravel().astype(np.int64)
    return frame


def lever_order() -> list[str]:
    """The lever keys in the catalogue's order, then ``moyenne``."""
    return [lever.key for lever in load_catalogue().levers] + [MOYENNE]
