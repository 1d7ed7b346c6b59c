"""The printable HTML documents of an autodiagnostic, each one self-contained and without script
(the radar is an SVG image):

- the full report (:func:`report_html`): structure, scores, radar, the axes d'amélioration, the
  plan d'actions, and the 36 answers with their comments and evidence, laid out to print on A4;
- the one-page summary (:func:`summary_html`): structure, scores, radar and the plan d'actions
  (or, without a plan, the first axes d'amélioration), on one A4 page.

Every text from the user is escaped: it is shown as text (an http(s) address as a link).
"""

from __future__ import annotations

import datetime as dt

from contacts_lib.autodiagnostic.action_plan import action_plan
from contacts_lib.autodiagnostic.answers import (
    HEADER_FIELDS,
    Autodiagnostic,
    answer_text,
)
from contacts_lib.autodiagnostic.figures import radar_summary, radar_svg
from contacts_lib.autodiagnostic.followup import LATE_RULE
from contacts_lib.autodiagnostic.markup import PLAN_INTRO, action_plan_table, plan_markup
from contacts_lib.autodiagnostic.reference import QUESTION_COUNT, load_catalogue
from contacts_lib.autodiagnostic.scoring import (
    UNANSWERED_RULE,
    Scores,
    format_percent,
    score,
)
from contacts_lib.messages import thousands
from contacts_lib.web.html import linked_text, text

#: Actions listed in the one-page summary: with the longest titles and names, still one page.
SUMMARY_ACTIONS = 6

DOCUMENT_STYLE = """
@page { size: A4; margin: 14mm 14mm 16mm 14mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", Arial, sans-serif; color: #1b1b1b; font-size: 10.5pt;
       line-height: 1.4; max-width: 182mm; margin: 0 auto; padding: 8mm 0; }
h1 { color: #1f4e79; font-size: 17pt; margin: 0 0 2mm; }
h2 { color: #1f4e79; font-size: 13pt; border-bottom: 1.5pt solid #1f4e79; padding-bottom: 1mm;
     margin: 7mm 0 3mm; break-after: avoid; }
h3 { font-size: 11pt; margin: 4mm 0 1mm; break-after: avoid; }
.structure { font-size: 14pt; font-weight: bold; margin: 0 0 2mm; overflow-wrap: anywhere; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.5mm 4mm; margin: 0; }
dt { color: #444; } dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 0.5pt solid #999; padding: 1mm 2mm; text-align: left; vertical-align: top; }
th { background: #1f4e79; color: #fff; }
td.num { text-align: right; white-space: nowrap; }
tr.total td { font-weight: bold; }
.results { display: flex; gap: 6mm; align-items: flex-start; break-inside: avoid; }
.results table { width: 80mm; flex: none; }
#radar { flex: none; width: 90mm; height: 80mm; }
.summary #radar { width: 80mm; height: 66mm; }
.ce-plan-lever ul { padding-left: 5mm; margin: 0; }
.ce-practice { margin: 0 0 2mm; break-inside: avoid; }
.ce-practice > span { display: block; }
.ce-meta { color: #444; font-size: 9.5pt; }
.ce-plan-lever > .ce-meta { margin: 0 0 1mm; }
details.ce-fiche summary { color: #1f4e79; }
.answers td:nth-child(1), .answers td:nth-child(4) { white-space: nowrap; }
.answers td:nth-child(5) { overflow-wrap: anywhere; font-size: 9.5pt; }
.ce-plan-table { break-inside: auto; } .ce-plan-table tr { break-inside: avoid; }
.ce-plan-table ul { margin: 1mm 0 0; padding-left: 5mm; font-size: 9.5pt; }
.ce-plan-table td { overflow-wrap: anywhere; } tr.ce-late td:nth-child(4) { font-weight: bold; color: #a4000f; }
footer { margin-top: 8mm; color: #444; font-size: 9pt; }
.summary { font-size: 10pt; }
.summary h1 { font-size: 15pt; }
.summary .structure { font-size: 12.5pt; margin-bottom: 1mm; }
.summary header .ce-meta { margin: 0; overflow-wrap: anywhere; }
.summary h2 { font-size: 12pt; margin: 4mm 0 2mm; }
.summary h3 { margin: 2mm 0 1mm; }
.summary .ce-plan-lever > .ce-meta { display: none; }
.summary .ce-practice { margin-bottom: 1.2mm; }
.summary .ce-meta { font-size: 9pt; }
.summary footer { margin-top: 3mm; }
.summary main > p { margin: 1mm 0; }
.summary .ce-plan-table { font-size: 9pt; line-height: 1.25; }
.summary .ce-plan-table th, .summary .ce-plan-table td { padding: 0.6mm 1.5mm; }
.summary .ce-plan-table td:first-child { width: 48%; }
@media print { body { padding: 0; } a { color: inherit; } details.ce-fiche { display: none; } }
"""


def _header_values(autodiagnostic: Autodiagnostic) -> list[tuple[str, str, str]]:
    """(key, label, value as shown) of the header fields given, the name aside."""
    values = []
    for spec in HEADER_FIELDS[1:]:
        value = getattr(autodiagnostic, spec.key)
        if value is None:
            continue
        if isinstance(value, dt.date):
            shown = value.strftime("%d/%m/%Y")
        elif isinstance(value, int):
            shown = thousands(value)
        else:
            shown = str(value)
        values.append((spec.key, spec.label, shown))
    return values


def _identity(autodiagnostic: Autodiagnostic, compact: bool) -> str:
    """The header fields: all of them in a list, or (``compact``) date, réseau and région on one line."""
    values = _header_values(autodiagnostic)
    if compact:
        shown = [f"{label} : {value}" for key, label, value in values if key in ("date", "reseau", "region")]
        return f'<p class="ce-meta">{text(" · ".join(shown))}</p>' if shown else ""
    return "<dl>" + "".join(f"<dt>{text(label)}</dt><dd>{text(value)}</dd>" for _, label, value in values) + "</dl>"


def _results(scores: Scores) -> str:
    """Scores table and radar side by side."""
    lever_rows = "".join(
        f"<tr><td>{lever.number}. {text(lever.short_name)}</td>"
        f"<td class=num>{text(format_percent(scores.coverage[lever.key]))}</td></tr>"
        for lever in load_catalogue().levers
    )
    return f"""<div class="results">
<table>
<thead><tr><th scope="col">Levier</th><th scope="col">Couverture</th></tr></thead>
<tbody>{lever_rows}<tr class="total"><td>Moyenne</td><td class="num">{text(format_percent(scores.moyenne))}</td></tr></tbody>
</table>
<div id="radar" role="img" aria-label="{text(radar_summary(scores))}">{radar_svg(scores)}</div>
</div>
<p>{scores.answered} / {QUESTION_COUNT} réponses ; {text(UNANSWERED_RULE)}.</p>"""


def _document(
    autodiagnostic: Autodiagnostic, title: str, body: str, generated: dt.date, made: str, summary: bool = False
) -> str:
    """A whole HTML document: the structure's identity, ``body`` and a footer."""
    return f"""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{text(f"{title} — {autodiagnostic.structure}")}</title>
<style>{DOCUMENT_STYLE}</style>
</head>
<body class="{"summary" if summary else "report"}">
<header>
<h1>{text(title)}</h1>
<p class="structure">{text(autodiagnostic.structure)}</p>
{_identity(autodiagnostic, compact=summary)}
</header>
<main>
{body}
</main>
<footer>{made} le {generated.strftime("%d/%m/%Y")} avec l'outil d'autodiagnostic « 100 % Contacts efficaces ».
Source : recueil des bonnes pratiques, SGMAP, version 2, 2015.</footer>
</body>
</html>
"""


def report_html(autodiagnostic: Autodiagnostic, generated: dt.date | None = None) -> str:
    """The full report as one HTML document with its styles, data and radar code inline."""
    catalogue = load_catalogue()
    generated = generated or dt.date.today()
    noted = bool(autodiagnostic.comments or autodiagnostic.evidence)
    answer_rows = "".join(
        f"<tr><td>{q.number}</td><td>{text(q.lever.short_name)}</td><td>{text(q.text)}</td>"
        f"<td>{answer_text(autodiagnostic.answers[q.number - 1]) or 'sans réponse'}</td>"
        + (f"<td>{_notes(autodiagnostic, q.number)}</td>" if noted else "")
        + "</tr>"
        for q in catalogue.questions
    )
    scores = score(autodiagnostic)
    plan = ""
    if autodiagnostic.plan:
        plan = f"""<h2>Plan d'actions</h2>
<p class="ce-meta">{text(PLAN_ORDER)}</p>
{action_plan_table(autodiagnostic, generated)}"""
    notes_head = '<th scope="col">Commentaire et preuve</th>' if noted else ""
    body = f"""<h2>Résultats</h2>
{_results(scores)}
<h2>Axes d'amélioration</h2>
<p class="ce-meta">{text(PLAN_INTRO)}</p>
{plan_markup(action_plan(autodiagnostic.answers))}
{plan}
<h2>Réponses</h2>
<table class="answers">
<thead><tr><th scope="col">N°</th><th scope="col">Levier</th><th scope="col">Question</th><th scope="col">Réponse</th>{notes_head}</tr></thead>
<tbody>{answer_rows}</tbody>
</table>"""
    return _document(
        autodiagnostic, "Autodiagnostic « 100 % Contacts efficaces »", body, generated, "Rapport généré",
    )


#: How the plan d'actions is ordered wherever it is shown.
PLAN_ORDER = f"Par gain attendu ÷ effort, le plus favorable d'abord ; « en retard » : {LATE_RULE}."


def _notes(autodiagnostic: Autodiagnostic, number: int) -> str:
    """A question's comment and evidence (an http(s) address as a link)."""
    parts = []
    if number in autodiagnostic.comments:
        parts.append(linked_text(autodiagnostic.comments[number]))
    if number in autodiagnostic.evidence:
        parts.append(f'<span class="ce-meta">Preuve : {linked_text(autodiagnostic.evidence[number])}</span>')
    return "<br>".join(parts)


def summary_html(autodiagnostic: Autodiagnostic, generated: dt.date | None = None) -> str:
    """The one-page summary: scores, radar and the first actions, weakest lever first."""
    plans = action_plan(autodiagnostic.answers)
    missing = sum(len(plan.questions) for plan in plans)
    shown = min(missing, SUMMARY_ACTIONS)
    others = missing - shown
    practices = "autre bonne pratique" if others == 1 else "autres bonnes pratiques"
    more = f'<p class="ce-meta">{text(f"Et {others} {practices} à mettre en place : voir le rapport complet.")}</p>' if others else ""
    scores = score(autodiagnostic)
    generated = generated or dt.date.today()
    if autodiagnostic.plan:
        others = len(autodiagnostic.plan) - SUMMARY_ACTIONS
        actions = "autre action" if others == 1 else "autres actions"
        more = f'<p class="ce-meta">{text(f"Et {others} {actions} au plan : voir le rapport complet.")}</p>' if others > 0 else ""
        actions_html = f"""<h2>Plan d'actions</h2>
<p class="ce-meta">{text(PLAN_ORDER)}</p>
{action_plan_table(autodiagnostic, generated, limit=SUMMARY_ACTIONS, steps=False)}"""
    else:
        actions_html = f"""<h2>Premières actions</h2>
<p class="ce-meta">{text(PLAN_INTRO)}</p>
{plan_markup(plans, limit=SUMMARY_ACTIONS)}"""
    body = f"""<h2>Résultats</h2>
{_results(scores)}
{actions_html}
{more}"""
    return _document(
        autodiagnostic, "Synthèse de l'autodiagnostic « 100 % Contacts efficaces »", body,
        generated, "Synthèse générée", summary=True,
    )
