"""The action plan (« axes d'amélioration »): practices not yet in place, weakest lever first."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

from contacts_lib.autodiagnostic.reference import (
    Lever,
    Question,
    data_dir,
    load_catalogue,
)
from contacts_lib.autodiagnostic.scoring import score_answers


@dataclass(frozen=True)
class FicheSection:
    title: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class LeverPlan:
    lever: Lever
    coverage: Fraction
    #: Questions whose practice is not in place (answered NON or not answered), in form order.
    questions: tuple[Question, ...]


@lru_cache(maxsize=None)
def fiche(practice_number: int) -> tuple[FicheSection, ...]:
    """The full fiche of a practice where the source extract has it (only practice 1), else ()."""
    path = data_dir() / "fiches" / f"pratique-{practice_number:02d}.json"
    if not path.is_file():
        return ()
    document = json.loads(path.read_text(encoding="utf-8"))
    return tuple(FicheSection(s["title"], tuple(s["items"])) for s in document["sections"])


def action_plan(answers: Sequence[bool | None]) -> list[LeverPlan]:
    """Levers with practices still to put in place, weakest coverage first (ties: lever order).

    ``answers`` are the 36 answers (True = OUI); a practice answered NON or not answered is to do.
    """
    catalogue = load_catalogue()
    scores = score_answers(answers)
    plans = []
    for lever in catalogue.levers:
        missing = tuple(q for q in catalogue.questions_of(lever) if answers[q.number - 1] is not True)
        if missing:
            plans.append(LeverPlan(lever, scores.coverage[lever.key], missing))
    return sorted(plans, key=lambda plan: (plan.coverage, plan.lever.number))
