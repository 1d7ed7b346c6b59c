"""The self-contained HTML report of an autodiagnostic: structure, scores, radar, action plan and
answers, laid out to print on A4. Every text from the user is escaped: it is shown as text."""

from __future__ import annotations

import datetime as dt
from html import escape

from contacts_lib.action_plan import action_plan
from contacts_lib.answers import HEADER_FIELDS, Autodiagnostic, answer_text
from contacts_lib.figures import radar_figure, radar_summary
from contacts_lib.page import PLAN_INTRO, PLOTLY_BUNDLE, inline_json, plan_markup
from contacts_lib.reference import QUESTION_COUNT, load_catalogue
from contacts_lib.scoring import UNANSWERED_RULE, format_percent, score


_STYLE = """
@page { size: A4; margin: 14mm 14mm 16mm 14mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", Arial, sans-serif; color: #1b1b1b; font-size: 10.5pt;
       line-height: 1.4; max-width: 182mm; margin: 0 auto; padding: 8mm 0; }
h1 { color: #1f4e79; font-size: 17pt; margin: 0 0 2mm; }
h2 { color: #1f4e79; font-size: 13pt; border-bottom: 1.5pt solid #1f4e79; padding-bottom: 1mm;
     margin: 7mm 0 3mm; break-after: avoid; }
h3 { font-size: 11pt; margin: 4mm 0 1mm; break-after: avoid; }
.structure { font-size: 14pt; font-weight: bold; margin: 0 0 2mm; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.5mm 4mm; margin: 0; }
dt { color: #444; } dd { margin: 0; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 0.5pt solid #999; padding: 1mm 2mm; text-align: left; vertical-align: top; }
th { background: #1f4e79; color: #fff; }
td.num { text-align: right; white-space: nowrap; }
tr.total td { font-weight: bold; }
.results { display: flex; gap: 6mm; align-items: flex-start; break-inside: avoid; }
.results table { width: 80mm; flex: none; }
#radar { flex: none; }
.ce-plan-lever ul { padding-left: 5mm; margin: 0; }
.ce-practice { margin: 0 0 2mm; break-inside: avoid; }
.ce-practice > span { display: block; }
.ce-meta { color: #444; font-size: 9.5pt; }
.ce-plan-lever > .ce-meta { margin: 0 0 1mm; }
details.ce-fiche summary { color: #1f4e79; }
.answers td:nth-child(1), .answers td:nth-child(4) { white-space: nowrap; }
footer { margin-top: 8mm; color: #444; font-size: 9pt; }
@media print { body { padding: 0; } a { color: inherit; } details.ce-fiche { display: none; } }
"""


def _header_rows(autodiagnostic: Autodiagnostic) -> str:
    rows = []
    for spec in HEADER_FIELDS[1:]:
        value = getattr(autodiagnostic, spec.key)
        if value is None:
            continue
        if isinstance(value, dt.date):
            text = value.strftime("%d/%m/%Y")
        elif isinstance(value, int):
            text = f"{value:,}".replace(",", "\u202f")
        else:
            text = str(value)
        rows.append(f"<dt>{escape(spec.label)}</dt><dd>{escape(text)}</dd>")
    return "".join(rows)


def report_html(autodiagnostic: Autodiagnostic, generated: dt.date | None = None) -> str:
    """The report as one HTML document with its styles, data and radar code inline."""
    catalogue = load_catalogue()
    scores = score(autodiagnostic)
    generated = generated or dt.date.today()
    lever_rows = "".join(
        f"<tr><td>{lever.number}. {escape(lever.short_name)}</td>"
        f"<td class=num>{format_percent(scores.coverage[lever.key])}</td></tr>"
        for lever in catalogue.levers
    )
    plan_html = plan_markup(action_plan(autodiagnostic.answers))
    answer_rows = "".join(
        f"<tr><td>{q.number}</td><td>{escape(q.lever.short_name)}</td><td>{escape(q.text)}</td>"
        f"<td>{answer_text(autodiagnostic.answers[q.number - 1]) or 'sans réponse'}</td></tr>"
        for q in catalogue.questions
    )
    figure = radar_figure(scores).update_layout(width=360, height=300, margin={"l": 75, "r": 75, "t": 25, "b": 25})
    figure_json = inline_json(figure.to_plotly_json())
    plotly_js = PLOTLY_BUNDLE.read_text(encoding="utf-8").replace("</script", "<\\/script")
    title = f"Autodiagnostic 100 % Contacts efficaces — {autodiagnostic.structure}"
    return f"""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>{_STYLE}</style>
</head>
<body>
<header>
<h1>Autodiagnostic « 100 % Contacts efficaces »</h1>
<p class="structure">{escape(autodiagnostic.structure)}</p>
<dl>{_header_rows(autodiagnostic)}</dl>
</header>
<main>
<h2>Résultats</h2>
<div class="results">
<table>
<thead><tr><th scope="col">Levier</th><th scope="col">Couverture</th></tr></thead>
<tbody>{lever_rows}<tr class="total"><td>Moyenne</td><td class="num">{format_percent(scores.moyenne)}</td></tr></tbody>
</table>
<div id="radar" role="img" aria-label="{escape(radar_summary(scores))}"></div>
</div>
<p>{scores.answered} / {QUESTION_COUNT} réponses ; {UNANSWERED_RULE}.</p>
<h2>Axes d'amélioration</h2>
<p class="ce-meta">{PLAN_INTRO}</p>
{plan_html}
<h2>Réponses</h2>
<table class="answers">
<thead><tr><th scope="col">N°</th><th scope="col">Levier</th><th scope="col">Question</th><th scope="col">Réponse</th></tr></thead>
<tbody>{answer_rows}</tbody>
</table>
</main>
<footer>Rapport généré le {generated.strftime("%d/%m/%Y")} avec l'outil d'autodiagnostic « 100 % Contacts efficaces ».
Source : recueil des bonnes pratiques, SGMAP, version 2, 2015.</footer>
<script>{plotly_js}</script>
<script>
Plotly.newPlot("radar", ...(f => [f.data, f.layout])({figure_json}), {{staticPlot: true, displayModeBar: false}});
</script>
</body>
</html>
"""
