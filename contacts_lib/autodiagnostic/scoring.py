"""Scores of an autodiagnostic, exactly as the original SGMAP spreadsheet computes them.

- lever coverage = OUI answers in the lever ÷ questions in the lever (the lever of a question is
  given by its position in the sheet, see ``data/questions.csv``);
- moyenne = plain mean of the four lever coverages;
- an unanswered question counts as not applied; the number answered is reported beside;
- percentages are shown as whole numbers rounded half away from zero, as the spreadsheet does.

Arithmetic is exact (fractions), so a coverage of 87.5 % is exactly 87.5 and shows as 88 %.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import TYPE_CHECKING

from contacts_lib.autodiagnostic.answers import Autodiagnostic
from contacts_lib.autodiagnostic.reference import (
    QUESTION_COUNT,
    Catalogue,
    load_catalogue,
)

if TYPE_CHECKING:
    import numpy as np


#: The rule for unanswered questions, as the tool states it to its users.
UNANSWERED_RULE = "une question sans réponse compte comme une pratique non mise en œuvre"


@dataclass(frozen=True)
class Scores:
    """Coverage of each lever (keyed by lever key), the moyenne, and how many questions are answered.

    >>> from contacts_lib import read_autodiagnostics, score
    >>> scores = score(read_autodiagnostics("data/exemples/exemple-recueil.json")[0])
    >>> scores.coverage["pilotage"], scores.percent("pilotage"), scores.answered
    (Fraction(7, 8), 87.5, 36)
    """

    coverage: dict[str, Fraction]
    moyenne: Fraction
    answered: int

    def share(self, lever_key: str) -> Fraction:
        """Exact coverage of a lever, or the moyenne with ``"moyenne"``."""
        return self.moyenne if lever_key == "moyenne" else self.coverage[lever_key]

    def percent(self, lever_key: str) -> float:
        """Unrounded percentage (0–100) of a lever, or of the moyenne with ``"moyenne"``."""
        return float(self.share(lever_key) * 100)

    @property
    def unanswered(self) -> int:
        return QUESTION_COUNT - self.answered


def score_answers(answers: Sequence[bool | None], catalogue: Catalogue | None = None) -> Scores:
    """Score 36 answers (True = OUI, False = NON, None = unanswered).

    >>> from contacts_lib import format_percent, score_answers
    >>> scores = score_answers([True] * 18 + [False] * 18)
    >>> {lever: format_percent(share) for lever, share in scores.coverage.items()}
    {'orientation': '100 %', 'excellence': '73 %', 'pilotage': '0 %', 'innovation': '0 %'}
    >>> format_percent(scores.moyenne)
    '43 %'
    """
    catalogue = catalogue or load_catalogue()
    if len(answers) != QUESTION_COUNT:
        raise ValueError(f"expected {QUESTION_COUNT} answers, got {len(answers)}")
    coverage = {}
    for lever in catalogue.levers:
        questions = catalogue.questions_of(lever)
        applied = [answers[q.number - 1] for q in questions].count(True)
        coverage[lever.key] = Fraction(applied, len(questions))
    moyenne = sum(coverage.values(), Fraction(0)) / len(coverage)
    answered = QUESTION_COUNT - list(answers).count(None)
    return Scores(coverage=coverage, moyenne=moyenne, answered=answered)


def score(autodiagnostic: Autodiagnostic) -> Scores:
    """The four lever coverages, the moyenne and the number of answers of an autodiagnostic,
    exactly as the original tool computes them.

    >>> from contacts_lib import format_percent, read_autodiagnostics, score
    >>> scores = score(read_autodiagnostics("data/exemples/exemple-recueil.json")[0])
    >>> [format_percent(share) for share in scores.coverage.values()], format_percent(scores.moyenne)
    (['40 %', '27 %', '88 %', '100 %'], '64 %')
    """
    return score_answers(autodiagnostic.answers)


def lever_percentages(answers: Sequence[bool | None]) -> tuple[list[float], int]:
    """The unrounded percentages (0–100) of the four levers then the moyenne, and the number of
    answers: ``Scores.percent`` of :func:`score_answers` for each, computed in integers and one
    final division (so the floats are the same), without building fractions — for the CLI's
    many rows."""
    applied = [[answers[i] for i in positions].count(True) for positions in _lever_positions()]
    sizes = [len(positions) for positions in _lever_positions()]
    common = math.lcm(*sizes)
    numerator = sum(a * (common // s) for a, s in zip(applied, sizes, strict=True))
    percents = [100 * a / s for a, s in zip(applied, sizes, strict=True)]
    percents.append(100 * numerator / (len(sizes) * common))
    return percents, QUESTION_COUNT - list(answers).count(None)


@dataclass(frozen=True)
class LeverCounts:
    """The counts behind the scores of many autodiagnostics at once (numpy arrays, one row per
    autodiagnostic): a lever's coverage is ``applied / sizes``, the moyenne is
    ``moyenne_numerator / moyenne_denominator`` — exact integers, divided only for display."""

    sizes: tuple[int, ...]  # questions of each lever
    applied: np.ndarray  # N × levers: OUI answers
    answered: np.ndarray  # N × levers: OUI or NON answers
    moyenne_numerator: np.ndarray  # N
    moyenne_denominator: int


def lever_counts(codes: np.ndarray, yes: int, unanswered: int) -> LeverCounts:
    """:class:`LeverCounts` of an N × 36 matrix of answer codes (``yes`` for OUI, ``unanswered``
    for no answer): the vectorised twin of :func:`lever_percentages`."""
    import numpy as np

    positions = [list(lever) for lever in _lever_positions()]
    applied = np.stack([(codes[:, lever] == yes).sum(axis=1) for lever in positions], axis=1)
    answered = np.stack([(codes[:, lever] != unanswered).sum(axis=1) for lever in positions], axis=1)
    sizes = tuple(len(lever) for lever in positions)
    common = math.lcm(*sizes)
    numerator = (applied * np.array([common // size for size in sizes])).sum(axis=1)
    return LeverCounts(sizes, applied, answered, numerator, len(sizes) * common)


def scoring_table() -> dict[str, object]:
    """The scoring rule as data, for a page that shows scores before its kernel answers (answers
    kept in the browser, the recueil's example): each lever's question numbers and the percentage
    shown for each count of OUI (rounded here, by :func:`format_percent`); and the moyenne as
    integers: ``sum(count × weight) / denominator`` is its share, which the page rounds half up in
    integers, ``(200 × n + d) // (2 × d)`` (as :func:`network.tables.scores_frame` does)."""
    catalogue = load_catalogue()
    positions = _lever_positions()
    sizes = [len(lever) for lever in positions]
    common = math.lcm(*sizes)
    return {
        "levers": [
            {
                "key": lever.key,
                "questions": [position + 1 for position in lever_positions],
                "percents": [format_percent(Fraction(count, size)) for count in range(size + 1)],
                "weight": common // size,
            }
            for lever, lever_positions, size in zip(catalogue.levers, positions, sizes, strict=True)
        ],
        "denominator": len(sizes) * common,
    }


def lever_names() -> dict[str, str]:
    """Lever key → short name, in the catalogue's order, then ``moyenne`` → « Moyenne »."""
    return {lever.key: lever.short_name for lever in load_catalogue().levers} | {"moyenne": "Moyenne"}


@lru_cache(maxsize=1)
def _lever_positions() -> tuple[tuple[int, ...], ...]:
    """Positions (0–35) of each lever's questions, levers in the catalogue's order."""
    catalogue = load_catalogue()
    return tuple(tuple(q.number - 1 for q in catalogue.questions_of(lever)) for lever in catalogue.levers)


def rounded_percent(share: Fraction) -> int:
    """A share (0–1) as a whole percentage, rounded half away from zero like the spreadsheet
    (Python's ``round`` would give 62 for 62.5).

    >>> from fractions import Fraction
    >>> from contacts_lib import rounded_percent
    >>> rounded_percent(Fraction(5, 8)), rounded_percent(Fraction(7, 8))
    (63, 88)
    """
    hundredths = share * 100
    magnitude = math.floor(abs(hundredths) + Fraction(1, 2))
    return magnitude if hundredths >= 0 else -magnitude


def format_percent(share: Fraction) -> str:
    """A share as the original tool shows it: ``64 %`` (French spacing).

    >>> from fractions import Fraction
    >>> from contacts_lib import format_percent
    >>> format_percent(Fraction(3, 11))
    '27 %'
    """
    return f"{rounded_percent(share)} %"


def format_percentage(percent: float) -> str:
    """An unrounded percentage (0–100, a float from the tables) as :func:`format_percent` shows
    it, rounded half up from the float's exact value: ``64 %``."""
    return format_percent(Fraction(percent) / 100)
