"""The reference catalogue: the 4 levers, the 36 questions and the 36 practices.

The catalogue is transcribed from the recueil « 100 % Contacts efficaces » (SGMAP, v2, 2015)
into ``data/levers.csv``, ``data/questions.csv`` and ``data/practices.csv``. This module is
the one place that loads it and checks that it is whole and coherent.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

QUESTION_COUNT = 36

#: Gauges of a practice's « tableau de bord » in the recueil. Their values are pictures in the
#: PDF and are not in the extract: they stay ``None`` until someone transcribes them.
GAUGES = (
    "cout_mise_en_oeuvre",
    "complexite_technique",
    "conduite_changement_collaborateurs",
    "conduite_changement_usagers",
    "complexite_mise_en_oeuvre",
    "gain_confiance",
    "gain_reiteration",
    "gain_orientation",
    "gain_couts",
)


def data_dir() -> Path:
    """Folder holding the reference data (inside an installed wheel, or the source tree)."""
    package = Path(__file__).resolve().parents[1]
    packaged = package / "data"
    return packaged if packaged.is_dir() else package.parent / "data"


@dataclass(frozen=True)
class Lever:
    number: int
    key: str
    short_name: str
    title: str


@dataclass(frozen=True)
class Practice:
    number: int
    title: str
    retours_experience: tuple[str, ...]
    page: int
    retour_experience_statut: str | None
    gauges: dict[str, int | None]


@dataclass(frozen=True)
class Question:
    number: int
    lever: Lever
    practice: Practice
    text: str

    @property
    def key(self) -> str:
        """Column name of this question in the file formats: ``q01`` … ``q36``."""
        return f"q{self.number:02d}"


@dataclass(frozen=True)
class Catalogue:
    levers: tuple[Lever, ...]
    questions: tuple[Question, ...]
    practices: tuple[Practice, ...]

    def questions_of(self, lever: Lever) -> tuple[Question, ...]:
        return self._by_lever[lever.key]

    def question_of_practice(self, practice_number: int) -> Question:
        """The question that asks whether practice ``practice_number`` is in place (each practice
        has one question; their numbers differ: practice 11 is question 25)."""
        return self._by_practice[practice_number]

    @cached_property
    def _by_practice(self) -> dict[int, Question]:
        return {q.practice.number: q for q in self.questions}

    @cached_property
    def _by_lever(self) -> dict[str, tuple[Question, ...]]:
        return {lever.key: tuple(q for q in self.questions if q.lever.key == lever.key) for lever in self.levers}


class CatalogueError(RuntimeError):
    """The reference data shipped with the tool is inconsistent (a bug, not a user error)."""


def _read(name: str) -> list[dict[str, str]]:
    with open(data_dir() / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _optional_int(text: str) -> int | None:
    return int(text) if text.strip() else None


@lru_cache(maxsize=1)
def load_catalogue() -> Catalogue:
    """Load and check the catalogue: 36 questions, 10/11/8/7 per lever, every practice once.

    >>> from contacts_lib import load_catalogue
    >>> catalogue = load_catalogue()
    >>> [lever.short_name for lever in catalogue.levers], len(catalogue.questions)
    (['Orientation', 'Excellence', 'Pilotage', 'Innovation'], 36)
    >>> catalogue.questions[24].practice.number, catalogue.questions[24].lever.key   # question 25
    (11, 'pilotage')
    """
    levers = tuple(
        Lever(int(row["lever"]), row["key"], row["short_name"], row["title"])
        for row in _read("levers.csv")
    )
    practices = tuple(
        Practice(
            number=int(row["practice"]),
            title=row["title"],
            retours_experience=tuple(
                name.strip() for name in row["retours_experience"].split(";") if name.strip()
            ),
            page=int(row["page"]),
            retour_experience_statut=row["retour_experience_statut"] or None,
            gauges={gauge: _optional_int(row[gauge]) for gauge in GAUGES},
        )
        for row in _read("practices.csv")
    )
    lever_by_number = {lever.number: lever for lever in levers}
    practice_by_number = {practice.number: practice for practice in practices}
    questions = tuple(
        Question(
            number=int(row["question"]),
            lever=lever_by_number[int(row["lever"])],
            practice=practice_by_number[int(row["practice"])],
            text=row["text"],
        )
        for row in _read("questions.csv")
    )
    catalogue = Catalogue(levers, questions, practices)
    _check(catalogue)
    return catalogue


def _check(catalogue: Catalogue) -> None:
    numbers = [q.number for q in catalogue.questions]
    if numbers != list(range(1, QUESTION_COUNT + 1)):
        raise CatalogueError(f"questions must be numbered 1..{QUESTION_COUNT} in order: {numbers}")
    if sorted(p.number for p in catalogue.practices) != list(range(1, QUESTION_COUNT + 1)):
        raise CatalogueError("practices must be numbered 1..36, each once")
    asked = sorted(q.practice.number for q in catalogue.questions)
    if asked != list(range(1, QUESTION_COUNT + 1)):
        raise CatalogueError(f"every practice must be asked by exactly one question: {asked}")
    counts = [len(catalogue.questions_of(lever)) for lever in catalogue.levers]
    if counts != [10, 11, 8, 7]:
        raise CatalogueError(f"levers must hold 10/11/8/7 questions, found {counts}")
    # A lever is a block of consecutive positions in the sheet (the original scores by position).
    order = [q.lever.number for q in catalogue.questions]
    if order != sorted(order):
        raise CatalogueError("questions of a lever must be consecutive")
    for question in catalogue.questions:
        if not question.text.strip() or not question.practice.title.strip():
            raise CatalogueError(f"question {question.number} has an empty text or title")


def example_path() -> Path:
    """The source's worked example (answers printed in the recueil), as a JSON file."""
    return data_dir() / "exemples" / "exemple-recueil.json"
