"""Plotly figures of the autodiagnostic, built from scores; the same ones serve the notebooks,
the app and the exported reports."""

from __future__ import annotations

import plotly.graph_objects as go

from contacts_lib.reference import load_catalogue
from contacts_lib.scoring import Scores, format_percent

RADAR_COLOR = "#1f4e79"
RADIAL_TICKS = [0, 20, 40, 60, 80, 100]


def _radar_polygon(scores: Scores) -> tuple[list[float], list[str], list[str]]:
    """Closed polygon for the radar: radii (0–100), axis names, and the labels shown on hover."""
    levers = load_catalogue().levers
    radii = [scores.percent(lever.key) for lever in levers]
    names = [lever.short_name for lever in levers]
    labels = [format_percent(scores.coverage[lever.key]) for lever in levers]
    return radii + radii[:1], names + names[:1], labels + labels[:1]


def radar_figure(scores: Scores, title: str | None = None) -> go.Figure:
    """Radar of the four lever coverages on a fixed 0–100 % scale."""
    radii, names, labels = _radar_polygon(scores)
    figure = go.Figure(
        go.Scatterpolar(
            r=radii,
            theta=names,
            text=labels,
            fill="toself",
            mode="lines+markers",
            line={"color": RADAR_COLOR, "width": 2},
            fillcolor="rgba(31, 78, 121, 0.25)",
            hovertemplate="%{theta} : %{text}<extra></extra>",
            name="Couverture",
        )
    )
    figure.update_layout(
        title={"text": title} if title else None,
        polar={
            "radialaxis": {"range": [0, 100], "tickmode": "array", "tickvals": RADIAL_TICKS,
                           "ticktext": [f"{tick} %" for tick in RADIAL_TICKS], "angle": 45,
                           "tickangle": 45, "tickfont": {"size": 10}},
            "angularaxis": {"direction": "clockwise", "rotation": 90},
        },
        showlegend=False,
        margin={"l": 72, "r": 72, "t": 60 if title else 30, "b": 30},
        height=380,
        separators=", ",
    )
    return figure


def radar_summary(scores: Scores) -> str:
    """The radar in words, for screen readers and printed reports."""
    return ", ".join(
        f"{lever.short_name} {format_percent(scores.coverage[lever.key])}" for lever in load_catalogue().levers
    ) + f" ; moyenne {format_percent(scores.moyenne)}"
