"""Scoring identical to the original SGMAP spreadsheet."""

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest

from contacts_lib.autodiagnostic.reference import load_catalogue
from contacts_lib.autodiagnostic.scoring import (
    format_percent,
    rounded_percent,
    score,
    score_answers,
)
from tests.samples import random_autodiagnostic


def test_worked_example_of_the_recueil(worked_example):
    scores = score(worked_example)
    shown = {key: format_percent(value) for key, value in scores.coverage.items()}
    assert shown == {"orientation": "40 %", "excellence": "27 %", "pilotage": "88 %", "innovation": "100 %"}
    assert format_percent(scores.moyenne) == "64 %"
    assert scores.answered == 36


def test_moyenne_is_the_mean_of_levers_not_the_share_of_oui(worked_example):
    scores = score(worked_example)
    share_of_oui = sum(a is True for a in worked_example.answers) / 36
    assert rounded_percent(Fraction(share_of_oui)) == 58
    assert rounded_percent(scores.moyenne) == 64


@pytest.mark.parametrize(
    ("share", "shown"),
    [(Fraction(875, 1000), 88), (Fraction(625, 1000), 63), (Fraction(125, 1000), 13),
     (Fraction(3, 11), 27), (Fraction(-625, 1000), -63), (Fraction(0), 0), (Fraction(1), 100)],
)
def test_rounding_is_half_away_from_zero(share, shown):
    assert rounded_percent(share) == shown


def test_exact_half_moyenne_rounds_up():
    # Pilotage 4/8 and nothing else: moyenne = 12.5 % exactly, shown 13 % by the spreadsheet.
    answers = [False] * 36
    for number in range(22, 26):
        answers[number - 1] = True
    scores = score_answers(answers)
    assert scores.moyenne == Fraction(1, 8)
    assert format_percent(scores.moyenne) == "13 %"


def test_unanswered_counts_as_not_applied_and_is_reported():
    answers = [True] * 36
    answers[0] = None  # Orientation question 1 unanswered
    answers[35] = False
    scores = score_answers(answers)
    assert scores.coverage["orientation"] == Fraction(9, 10)
    assert scores.coverage["innovation"] == Fraction(6, 7)
    assert scores.answered == 35 and scores.unanswered == 1
    empty = score_answers([None] * 36)
    assert empty.answered == 0 and empty.moyenne == 0


@pytest.mark.parametrize("seed", range(40))
def test_scores_match_an_independent_decimal_computation(seed):
    diagnostic = random_autodiagnostic(seed)
    levers = load_catalogue().levers
    bounds = {"orientation": (1, 10), "excellence": (11, 21), "pilotage": (22, 29), "innovation": (30, 36)}
    expected = {}
    for lever in levers:
        first, last = bounds[lever.key]
        oui = sum(diagnostic.answers[n - 1] is True for n in range(first, last + 1))
        expected[lever.key] = Decimal(oui) / Decimal(last - first + 1) * 100
    mean = sum(expected.values()) / 4
    scores = score(diagnostic)
    for key, value in expected.items():
        assert scores.percent(key) == pytest.approx(float(value), abs=1e-9)
        assert rounded_percent(scores.coverage[key]) == int(value.quantize(Decimal(1), ROUND_HALF_UP))
    assert scores.percent("moyenne") == pytest.approx(float(mean), abs=1e-9)


def test_the_cli_percentages_are_the_scores_percentages():
    """``lever_percentages`` (integers, one division: the CLI's many rows) gives the very floats
    of ``Scores.percent``."""
    from contacts_lib.autodiagnostic.scoring import lever_percentages, score
    from tests.samples import random_autodiagnostic

    for seed in range(200):
        for unanswered in (0, 0.3, 1):
            diagnostic = random_autodiagnostic(seed, unanswered)
            percents, answered = lever_percentages(diagnostic.answers)
            scores = score(diagnostic)
            assert percents == [scores.percent(k) for k in ("orientation", "excellence", "pilotage", "innovation", "moyenne")]
            assert answered == scores.answered
