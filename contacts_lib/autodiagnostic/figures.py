"""Figures of the autodiagnostic, built from scores, with their style in one place:

- :func:`radar_figure`, the plotly radar, live in the app and in notebooks;
- :func:`radar_svg`, the same radar drawn as SVG without any script: the app shows it with the
  page, before plotly.js is loaded, and the printed reports carry it.
"""

from __future__ import annotations

import math
from html import escape

import plotly.graph_objects as go

from contacts_lib.autodiagnostic.reference import load_catalogue
from contacts_lib.autodiagnostic.scoring import Scores, format_percent
from contacts_lib.style import AXIS_TEXT, POLAR_BACKGROUND, RADAR_COLOR

RADAR_FILL = "rgba(31, 78, 121, 0.25)"
RADIAL_TICKS = [0, 20, 40, 60, 80, 100]
BAND_FILL = "rgba(120, 120, 120, 0.28)"  # the peers' quartile band under a structure's radar
BAND_LINE = "#555555"  # the peers' median
PREVIOUS_LINE = "#b35900"  # the structure's previous saved version


def _radar_polygon(scores: Scores) -> tuple[list[float], list[str], list[str]]:
    """Closed polygon for the radar: radii (0–100), axis names, and the labels shown on hover."""
    levers = load_catalogue().levers
    radii = [scores.percent(lever.key) for lever in levers]
    names = [lever.short_name for lever in levers]
    labels = [format_percent(scores.coverage[lever.key]) for lever in levers]
    return radii + radii[:1], names + names[:1], labels + labels[:1]


def radar_figure(
    scores: Scores, title: str | None = None,
    band: tuple[list[float], list[float], list[float]] | None = None, band_name: str = "",
    previous: tuple[Scores, str] | None = None,
) -> go.Figure:
    """Radar of the four lever coverages on a fixed 0–100 % scale; ``band``: the peers' first
    quartile, median and third quartile of each lever, drawn under it (see :func:`radar_svg`);
    ``previous``: the scores of an earlier version and its name, drawn as a dotted line."""
    radii, names, labels = _radar_polygon(scores)
    figure = go.Figure()
    if band is not None:
        low, middle, high = ([*values, values[0]] for values in band)
        figure.add_trace(go.Scatterpolar(r=high, theta=names, fill="toself", mode="none", fillcolor=BAND_FILL,
                                         hoverinfo="skip", name="3e quartile"))
        figure.add_trace(go.Scatterpolar(r=low, theta=names, fill="toself", mode="none", fillcolor=POLAR_BACKGROUND,
                                         hoverinfo="skip", name="1er quartile"))
        figure.add_trace(go.Scatterpolar(
            r=middle, theta=names, mode="lines", line={"color": BAND_LINE, "width": 1.5, "dash": "dash"},
            hovertemplate=f"Médiane {band_name} : %{{r:.0f}} %<extra></extra>", name="Médiane",
        ))
    if previous is not None:
        before, before_labels = _radar_polygon(previous[0])[::2]
        figure.add_trace(go.Scatterpolar(
            r=before, theta=names, text=before_labels, mode="lines+markers",
            line={"color": PREVIOUS_LINE, "width": 2, "dash": "dot"}, marker={"size": 5},
            hovertemplate=f"{escape(previous[1])} : %{{text}}<extra></extra>", name=previous[1],
        ))
    figure.add_trace(
        go.Scatterpolar(
            r=radii,
            theta=names,
            text=labels,
            fill="toself",
            mode="lines+markers",
            line={"color": RADAR_COLOR, "width": 2},
            fillcolor=RADAR_FILL,
            hovertemplate="%{theta} : %{text}<extra></extra>",
            name="Couverture",
        )
    )
    figure.update_layout(
        title={"text": title} if title else None,
        polar={
            # The scale over the data (as on the SVG radar), without « 0 % » on the centre.
            "radialaxis": {"range": [0, 100], "tickmode": "array", "tickvals": RADIAL_TICKS[1:],
                           "ticktext": [f"{tick} %" for tick in RADIAL_TICKS[1:]], "angle": 45,
                           "tickangle": 45, "tickfont": {"size": 10}, "layer": "above traces"},
            "angularaxis": {"direction": "clockwise", "rotation": 90},
            "bgcolor": POLAR_BACKGROUND,
        },
        showlegend=False,
        margin={"l": 72, "r": 72, "t": 60 if title else 30, "b": 30},
        height=380,
        separators=", ",
    )
    return figure


#: Classes of the SVG radar's shape and points (the app's page moves them to answers it puts
#: back itself, before its kernel answers: see :func:`radar_geometry`).
RADAR_SHAPE = "ce-radar-shape"
RADAR_POINT = "ce-radar-point"


def radar_geometry(width: int = 360, height: int = 320) -> dict[str, object]:
    """Where the SVG radar's axes are: centre, radius of 100 %, and each lever's angle in degrees
    (the first lever at the top, clockwise, as on the plotly radar). A score ``p`` of lever ``i``
    is at ``(cx + radius × p/100 × cos a_i, cy − radius × p/100 × sin a_i)``."""
    count = len(load_catalogue().levers)
    return {
        "cx": width / 2, "cy": height / 2,
        "radius": min(width - 180, height - 60) / 2,  # room for the axis names at the sides
        "angles": [90 - 360 * index / count for index in range(count)],
    }


def radar_svg(
    scores: Scores, width: int = 360, height: int = 320,
    band: tuple[list[float], list[float], list[float]] | None = None,
) -> str:
    """The radar of :func:`radar_figure` as SVG markup: the same axes (first lever at the top,
    clockwise), scale, ticks and colours, drawn without plotly.js. It is an image: its words are
    given by the element that holds it (see :func:`radar_summary`).

    ``band``: the peers' first quartile, median and third quartile of each lever (0–100), drawn
    under the structure as a grey band with the median dashed."""
    radii, names, _ = _radar_polygon(scores)
    radii, names = radii[:-1], names[:-1]
    geometry = radar_geometry(width, height)
    radius, cx, cy = geometry["radius"], geometry["cx"], geometry["cy"]

    def at(value: float, index: int, extra: float = 0) -> tuple[float, float]:
        angle = math.radians(geometry["angles"][index])
        distance = radius * value / 100 + extra
        return round(cx + distance * math.cos(angle), 2), round(cy - distance * math.sin(angle), 2)

    parts = [f'<circle cx="{cx}" cy="{cy}" r="{radius}" fill="{POLAR_BACKGROUND}"/>']
    parts += [
        f'<circle cx="{cx}" cy="{cy}" r="{round(radius * tick / 100, 2)}" fill="none" stroke="#fff"/>'
        for tick in RADIAL_TICKS[1:]
    ]
    for index in range(len(names)):
        x, y = at(100, index)
        parts.append(f'<line x1="{cx}" y1="{cy}" x2="{x}" y2="{y}" stroke="#fff"/>')
    for index, name in enumerate(names):
        x, y = at(100, index, extra=14)
        anchor = "middle" if abs(x - cx) < 1 else ("start" if x > cx else "end")
        baseline = y + (4 if abs(y - cy) < 1 else (0 if y < cy else 8))
        parts.append(f'<text x="{x}" y="{round(baseline, 2)}" text-anchor="{anchor}" font-size="12">{escape(name)}</text>')
    if band is not None:
        low, middle, high = band

        def ring(values: list[float]) -> str:
            return "M" + " L".join(f"{x},{y}" for x, y in (at(v, i) for i, v in enumerate(values))) + " Z"

        parts.append(f'<path d="{ring(high)} {ring(low)}" fill="{BAND_FILL}" fill-rule="evenodd"/>')
        parts.append(f'<path d="{ring(middle)}" fill="none" stroke="{BAND_LINE}" stroke-width="1.5" stroke-dasharray="5 3"/>')
    points = " ".join(f"{x},{y}" for x, y in (at(value, index) for index, value in enumerate(radii)))
    parts.append(f'<polygon class="{RADAR_SHAPE}" points="{points}" fill="{RADAR_FILL}" stroke="{RADAR_COLOR}" stroke-width="2"/>')
    parts += [f'<circle class="{RADAR_POINT}" cx="{x}" cy="{y}" r="3.5" fill="{RADAR_COLOR}"/>'
              for x, y in (at(v, i) for i, v in enumerate(radii))]
    # The scale is drawn last, over the data and the band, with a halo: never hidden under them.
    # Its labels run along the 45° line, between two axes, where no point of the data ever is;
    # « 0 % » would sit on the centre, where the points of empty levers are: the centre says it.
    diagonal = math.sqrt(0.5)
    for tick in RADIAL_TICKS[1:]:
        distance = radius * tick / 100
        parts.append(
            f'<text x="{round(cx + distance * diagonal + 4, 2)}" y="{round(cy - distance * diagonal + 4, 2)}" '
            f'font-size="10" stroke="#fff" stroke-width="3" paint-order="stroke">{tick} %</text>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" height="100%" '
        f'aria-hidden="true" font-family="Open Sans, DejaVu Sans, Arial, sans-serif" fill="{AXIS_TEXT}">'
        + "".join(parts) + "</svg>"
    )


def radar_summary(scores: Scores) -> str:
    """The radar in words, for screen readers and printed reports."""
    return ", ".join(
        f"{lever.short_name} {format_percent(scores.coverage[lever.key])}" for lever in load_catalogue().levers
    ) + f" ; moyenne {format_percent(scores.moyenne)}"
