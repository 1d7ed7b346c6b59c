"""The self-contained HTML report."""

import datetime as dt
import re

from contacts_lib.autodiagnostic.report import (
    SUMMARY_ACTIONS,
    report_html,
    summary_html,
)
from tests.samples import plain


def test_report_has_structure_scores_radar_plan_and_answers(worked_example):
    html = plain(report_html(worked_example, generated=dt.date(2026, 11, 26)))
    assert "<title>Autodiagnostic « 100 % Contacts efficaces » — Exemple du recueil (SGMAP, 2015)</title>" in html
    table = re.search(r"<tbody><tr><td>1\. Orientation.*?</tbody>", html).group(0)
    assert re.findall(r"(\d+ %)</td>", table) == ["40 %", "27 %", "88 %", "100 %", "64 %"]
    assert "36 / 36 réponses" in html
    assert html.index("2. Excellence — 27 %") < html.index("1. Orientation — 40 %") < html.index("3. Pilotage — 88 %")
    assert 'aria-label="Orientation 40 %, Excellence 27 %, Pilotage 88 %, Innovation 100 % ; moyenne 64 %"' in html
    assert html.count("<polygon ") == 1 and "@page { size: A4" in html  # the radar, an SVG image
    assert "Rapport généré le 26/11/2026" in html


def test_report_is_self_contained(worked_example):
    for html in (report_html(worked_example), summary_html(worked_example)):
        assert not re.search(r"\b(src|href)=", html)  # nothing fetched: no image, stylesheet or script file
        assert "<script" not in html  # and nothing to run: it prints as it is
        assert len(html) < 100_000


def test_summary_has_scores_radar_and_the_first_actions_only(worked_example):
    html = plain(summary_html(worked_example, generated=dt.date(2026, 11, 26)))
    table = re.search(r"<tbody><tr><td>1\. Orientation.*?</tbody>", html).group(0)
    assert re.findall(r"(\d+ %)</td>", table) == ["40 %", "27 %", "88 %", "100 %", "64 %"]
    # The example lacks 6 + 8 + 1 practices: the weakest lever's first, then a pointer to the report.
    assert html.count('class="ce-practice"') == SUMMARY_ACTIONS == 6
    assert html.index("2. Excellence — 27 %") < html.index("Question 11 · bonne pratique n° 12")
    assert "1. Orientation" not in html.split("Premières actions")[1].split("</ul>")[0]
    assert "Et 9 autres bonnes pratiques à mettre en place : voir le rapport complet." in html
    assert "Synthèse générée le 26/11/2026" in html and "@page { size: A4" in html
    everything = worked_example.__class__(structure="Complet", answers=(True,) * 36)
    assert "Toutes les bonnes pratiques sont en place." in summary_html(everything)


def test_report_escapes_text_from_files(worked_example):
    hostile = worked_example.__class__(
        structure="<script>alert(1)</script>", answers=worked_example.answers, reseau='"><b>x</b>'
    )
    html = report_html(hostile)
    assert "<script>alert(1)</script>" not in html and "<b>x</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
