"""Tidy tables of many autodiagnostics: the foundation of every network analysis.

- :func:`structures_frame`: one row per autodiagnostic (its header fields);
- :func:`answers_frame`: one row per autodiagnostic × question, the long form that every
  adoption count starts from;
- :func:`scores_frame`: one row per autodiagnostic × lever (and the moyenne), with the counts
  behind each percentage so that rounding for display stays exact.

Column names are those of the file formats (``structure``, ``reseau``, ``campagne``…) and of the
domain in French (``question``, ``pratique``, ``levier``, ``reponse``), since they are what the
CSV outputs and the pages show. An autodiagnostic is identified by its position in the input
(column ``autodiagnostic``): the same structure may appear several times (campaigns, versions).
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

#: What identifies an autodiagnostic and situates it in the network, in every table.
IDENTITY = ("autodiagnostic", "structure", "date", "campagne", "reseau", "region")
MOYENNE = "moyenne"
#: Codes of the answer matrix.
_YES, _NO, _NONE = 1, 0, -1


def structures_frame(diagnostics: Sequence[Autodiagnostic], sources: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per autodiagnostic: its identity, header fields and (if given) the file it came from.
    ``campagne`` is the campaign (the field, else the year of the date)."""
    rows = []
    for number, diagnostic in enumerate(diagnostics):
        row = {"autodiagnostic": number, **diagnostic.header(), "campagne": diagnostic.campaign}
        row["reponses"] = diagnostic.answered
        row.update({key: value for key, value in diagnostic.extra.items() if key not in row})
        rows.append(row)
    columns = ["autodiagnostic", *(spec.key for spec in HEADER_FIELDS), "reponses"]
    frame = pd.DataFrame(rows, columns=list(dict.fromkeys(columns + [k for row in rows for k in row])))
    frame["date"] = pd.to_datetime(frame["date"])
    for spec in HEADER_FIELDS:
        if spec.kind == "count":
            frame[spec.key] = frame[spec.key].astype("Int64")
    if sources is not None:
        frame["fichier"] = list(sources)
    frame["cle_structure"] = frame["structure"].map(structure_key)
    return frame


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
    """One row per autodiagnostic × question: identity, ``question``, ``pratique``, ``levier`` and
    ``reponse`` (``OUI``, ``NON`` or missing)."""
    structures = structures_frame(diagnostics) if structures is None else structures
    matrix = answer_matrix(diagnostics)
    count = len(diagnostics)
    questions = questions_frame()
    frame = structures.loc[np.repeat(np.arange(count), QUESTION_COUNT), list(IDENTITY)].reset_index(drop=True)
    for column in ("question", "pratique", "levier"):
        frame[column] = np.tile(questions[column].to_numpy(), count)
    words = np.array([NO, YES, None], dtype=object)  # indexed by code: 0, 1, -1
    frame["reponse"] = pd.Categorical(words[matrix.ravel()], categories=[YES, NO])
    return frame


def scores_frame(diagnostics: Sequence[Autodiagnostic], structures: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per autodiagnostic × lever, then its moyenne: identity, ``levier``, ``questions``,
    ``appliquees`` (OUI), ``repondues``, ``pourcentage`` (0–100, unrounded) and ``arrondi`` (the
    whole percentage the tool shows, rounded half up from the exact fraction).

    The moyenne is the plain mean of the four lever coverages (not the share of OUI out of 36);
    its ``questions``, ``appliquees`` and ``repondues`` are the totals over the 36 questions."""
    structures = structures_frame(diagnostics) if structures is None else structures
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
    frame = structures.loc[np.repeat(np.arange(count), width), list(IDENTITY)].reset_index(drop=True)
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
