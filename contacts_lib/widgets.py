"""ipywidgets components of the app, kept in the library so that pytest can drive them."""

from __future__ import annotations

import ipywidgets as widgets
import plotly.graph_objects as go

from contacts_lib.answers import Autodiagnostic
from contacts_lib.figures import radar_figure
from contacts_lib.reference import QUESTION_COUNT, load_catalogue
from contacts_lib.scoring import format_percent, score


def scores_grid(autodiagnostic: Autodiagnostic) -> widgets.GridBox:
    """The four lever coverages and the moyenne, as the original tool shows them (``64 %``)."""
    scores = score(autodiagnostic)
    cells: list[widgets.Widget] = []
    for lever in load_catalogue().levers:
        cells += [widgets.Label(f"{lever.number}. {lever.short_name}"),
                  widgets.Label(format_percent(scores.coverage[lever.key]))]
    cells += [widgets.HTML("<b>Moyenne</b>"), widgets.HTML(f"<b>{format_percent(scores.moyenne)}</b>")]
    return widgets.GridBox(cells, layout=widgets.Layout(grid_template_columns="12em 5em"))


def results_view(autodiagnostic: Autodiagnostic) -> widgets.VBox:
    """A structure's name (as text), its answered count, its scores and its radar."""
    scores = score(autodiagnostic)
    radar = go.FigureWidget(radar_figure(scores))
    return widgets.VBox(
        [
            widgets.Label(autodiagnostic.structure, style={"font_weight": "bold", "font_size": "1.2em"}),
            widgets.Label(f"{scores.answered} / {QUESTION_COUNT} réponses"),
            scores_grid(autodiagnostic),
            radar,
        ]
    )
