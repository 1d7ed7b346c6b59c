"""The self-contained HTML report."""

import datetime as dt
import re

from contacts_lib.autodiagnostic.report import (
    SUMMARY_ACTIONS,
    report_html,
    summary_html,
)
from contacts_lib.autodiagnostic.followup import Action
from tests.samples import plain, with_followup


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
    followed = with_followup(worked_example, 1)
    for html in (report_html(worked_example), summary_html(worked_example), report_html(followed), summary_html(followed)):
        # Nothing fetched: no image, stylesheet or script file; the only links are the evidence's
        # http(s) addresses, opened by the reader in a new tab.
        assert not re.search(r"\bsrc=", html)
        assert all(re.fullmatch(r'<a href="https?://[^"]+" target="_blank" rel="noopener noreferrer">', link)
                   for link in re.findall(r"<a [^>]*>", html))
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


def test_the_report_shows_the_plan_by_priority_with_late_and_applied_actions_and_the_notes(worked_example):
    import dataclasses

    # Practice 12 is question 11 (NON in the example), practice 1 question 1 (OUI).
    diagnostic = dataclasses.replace(
        worked_example,
        comments={2: "Charte <b>signée</b>\nen 2025"}, evidence={2: "https://intranet.example.fr/charte.pdf ; javascript:alert(1)"},
        plan=(
            Action(1, ("Recenser",), "Accueil", dt.date(2026, 1, 31), "en_cours", 2, 2),
            Action(12, ("Former", "<i>Déployer</i>"), "Pôle « usagers »", dt.date(2026, 3, 31), "a_faire", 3, 1),
            Action(30, (), None, dt.date(2026, 1, 1), "fait", None, None),
        ),
    )
    html = plain(report_html(diagnostic, generated=dt.date(2026, 6, 1)))
    plan = html.split("<h2>Plan d'actions</h2>")[1].split("</table>")[0]
    rows = re.findall(r"<tr( class=\"ce-late\")?><td>(.*?)</tr>", plan)
    assert [re.search(r"bonne pratique n° (\d+)", row).group(1) for _, row in rows] == ["12", "1", "30"]  # 3÷1, 2÷2, none
    assert "À faire — en retard" in rows[0][1] and rows[0][0]  # due 31/03/2026, not done
    assert "En cours — appliquée (réponse OUI)" in rows[1][1] and not rows[1][0]  # question 1 is OUI: achieved, not late
    assert "Fait" in rows[2][1] and "en retard" not in rows[2][1]
    assert "<li>&lt;i&gt;Déployer&lt;/i&gt;</li>" in rows[0][1] and "31/03/2026" in rows[0][1] and "3 / 1" in rows[0][1]
    answers = html.split("<h2>Réponses</h2>")[1]
    assert "Charte &lt;b&gt;signée&lt;/b&gt;<br>en 2025" in answers
    assert ('Preuve : <a href="https://intranet.example.fr/charte.pdf" target="_blank" rel="noopener noreferrer">'
            "https://intranet.example.fr/charte.pdf</a> ; javascript:alert(1)") in answers
    summary = plain(summary_html(diagnostic, generated=dt.date(2026, 6, 1)))
    assert "<h2>Plan d'actions</h2>" in summary and "Premières actions" not in summary
    assert "<li>Former</li>" not in summary and "À faire — en retard" in summary  # steps left to the report
