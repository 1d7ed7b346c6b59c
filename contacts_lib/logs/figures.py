"""Figures of réitération, each a small function of an analysis frame, drawn as SVG (no script, no
connection; the same markup is the file downloaded). Texts from files are escaped."""

from __future__ import annotations

import math
from html import escape

from contacts_lib.logs.log_format import shown_canal
from contacts_lib.messages import thousands
from contacts_lib.style import RADAR_COLOR, SVG, svg_figure

#: The recueil's figure: réitération reaches up to 40 % of contacts in some services.
RECUEIL_REFERENCE = 40.0
REPEAT_COLOR = "#b35900"


def rate_text(percent: float | None) -> str:
    """« 23,4 % » (one decimal), « – » when there is no contact."""
    return value_text(percent)


def _short(text: str, size: int = 38) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def rate_bars_svg(frame, by: str, reference: float = RECUEIL_REFERENCE, width: int = 720) -> SVG:
    """Horizontal bars of the réitération rate of each row of :func:`reiteration_by` (the
    ``TOTAL`` row drawn last, bold), with the recueil's 40 % as a dashed line."""
    rows = frame.to_dict("records")
    left, right, top, step = 270, 70, 28, 24
    height = top + step * len(rows) + 30
    top_value = max([reference + 10] + [min(100.0, (r["taux"] or 0) + 5) for r in rows if r["taux"] == r["taux"]])
    scale = (width - left - right) / top_value

    def x(value: float) -> float:
        return round(left + value * scale, 2)

    parts = []
    for tick in range(0, int(top_value) + 1, 10):
        parts.append(f'<line x1="{x(tick)}" y1="{top - 6}" x2="{x(tick)}" y2="{height - 26}" stroke="#e1e6ee"/>')
        parts.append(f'<text x="{x(tick)}" y="{height - 10}" text-anchor="middle" font-size="11">{tick} %</text>')
    for index, row in enumerate(rows):
        y = top + step * index
        total = row[by] == "TOTAL"
        label = "Ensemble" if total else _short(shown_canal(str(row[by])) if by == "canal" else str(row[by]))
        weight = ' font-weight="700"' if total else ""
        rate = row["taux"] if row["taux"] == row["taux"] else 0
        parts.append(f'<text x="{left - 8}" y="{y + 15}" text-anchor="end" font-size="12"{weight}>'
                     f'<title>{escape(str(row[by]))}</title>{escape(label)}</text>')
        parts.append(f'<rect x="{left}" y="{y + 3}" width="{round(rate * scale, 2)}" height="{step - 8}" '
                     f'fill="{RADAR_COLOR if total else REPEAT_COLOR}" opacity="{1 if total else 0.8}">'
                     f'<title>{escape(str(row[by]))} : {rate_text(row["taux"])} ({row["reiterations"]} sur {row["contacts"]})</title></rect>')
        parts.append(f'<text x="{x(rate) + 5}" y="{y + 15}" font-size="12"{weight}>{rate_text(row["taux"])}</text>')
    parts.append(f'<line x1="{x(reference)}" y1="{top - 12}" x2="{x(reference)}" y2="{height - 26}" stroke="#a4161a" '
                 'stroke-width="1.5" stroke-dasharray="5 4"/>')
    parts.append(f'<text x="{x(reference) - 4}" y="{top - 14}" font-size="11" fill="#a4161a" text-anchor="end">'
                 f'{int(reference)} % : le maximum cité par le recueil</text>')
    return svg_figure(width, height, parts, f"Taux de réitération par {by}, avec la référence de {int(reference)} % du recueil")


def paths_svg(paths, width: int = 720, height: int = 320) -> SVG:
    """Where people come back: a flow diagram from the channel of the contact repeated (left) to
    the channel of the repeat (right), each band as wide as its number of réitérations."""
    rows = [r for r in paths.to_dict("records") if r["reiterations"] > 0]
    if not rows:
        return svg_figure(width, 60, ['<text x="10" y="30" font-size="13">Aucune réitération dans cette fenêtre.</text>'],
                    "Aucune réitération")
    total = sum(r["reiterations"] for r in rows)
    sources = sorted({r["depuis"] for r in rows}, key=lambda c: -sum(r["reiterations"] for r in rows if r["depuis"] == c))
    targets = sorted({r["vers"] for r in rows}, key=lambda c: -sum(r["reiterations"] for r in rows if r["vers"] == c))
    top, bottom, gap, node_width = 20, 20, 10, 14
    left_x, right_x = 170, width - 170
    usable = height - top - bottom - gap * (max(len(sources), len(targets)) - 1)
    scale = usable / total

    def stack(names, side):
        position, placed = top, {}
        for name in names:
            size = sum(r["reiterations"] for r in rows if r[side] == name) * scale
            placed[name] = [position, size, position]  # top, size, next free offset for bands
            position += size + gap
        return placed

    left, right = stack(sources, "depuis"), stack(targets, "vers")
    parts = []
    colours = ["#1f4e79", "#b35900", "#2e7d32", "#6a1b9a", "#00838f", "#8d6e63", "#c62828"]
    colour = {name: colours[i % len(colours)] for i, name in enumerate(sources)}
    for row in sorted(rows, key=lambda r: (sources.index(r["depuis"]), targets.index(r["vers"]))):
        size = row["reiterations"] * scale
        y0, y1 = left[row["depuis"]][2], right[row["vers"]][2]
        left[row["depuis"]][2] += size
        right[row["vers"]][2] += size
        a, b = left_x + node_width, right_x
        middle = (a + b) / 2
        path = (f"M{a},{y0:.2f} C{middle},{y0:.2f} {middle},{y1:.2f} {b},{y1:.2f} L{b},{y1 + size:.2f} "
                f"C{middle},{y1 + size:.2f} {middle},{y0 + size:.2f} {a},{y0 + size:.2f} Z")
        parts.append(f'<path d="{path}" fill="{colour[row["depuis"]]}" opacity="0.35"><title>'
                     f'{escape(str(row["depuis"]))} → {escape(str(row["vers"]))} : {row["reiterations"]} réitérations</title></path>')
    for placed, x, anchor, text_x in ((left, left_x, "end", left_x - 6), (right, right_x, "start", right_x + node_width + 6)):
        for name, (y, size, _) in placed.items():
            count = thousands(round(size / scale))
            fill = colour.get(name, "#555555") if placed is left else "#555555"
            parts.append(f'<rect x="{x}" y="{y:.2f}" width="{node_width}" height="{max(size, 1):.2f}" fill="{fill}"/>')
            parts.append(f'<text x="{text_x}" y="{y + size / 2 + 4:.2f}" text-anchor="{anchor}" font-size="12">'
                         f'{escape(_short(shown_canal(str(name)), 20))} ({count})</text>')
    parts.append(f'<text x="{left_x + node_width}" y="12" text-anchor="end" font-size="11">contact précédent</text>')
    parts.append(f'<text x="{right_x}" y="12" font-size="11">réitération</text>')
    return svg_figure(width, height, parts, "Canal du contact précédent vers canal de la réitération")


def value_text(value: float | None, unit: str = "%", decimals: int = 1) -> str:
    """« 23,4 % », « 12,35 GBP » (French decimal comma, a thin space before the unit), « – »
    when there is no value."""
    if value is None or value != value:
        return "–"
    return f"{value:.{decimals}f}".replace(".", ",").replace("-", "−") + "\u202f" + unit


def _tick_step(high: float) -> float:
    """A round step (1, 2 or 5 × a power of ten) giving about eight ticks up to ``high``."""
    raw = high / 8
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    return next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)


def association_svg(frame, width: int = 720, unit: str = "%", decimals: int = 1,
                    title: str = "Réitération moyenne des structures qui appliquent chaque pratique et des autres") -> SVG:
    """Each practice's two groups (:func:`practices.practice_association`) as a point (mean) and
    a line (95 % interval) on a scale from 0, in ``unit``."""
    rows = frame.to_dict("records")
    values = [v for r in rows for v in (r["ic_bas"], r["ic_haut"], r["moyenne"]) if v is not None and v == v]
    high = max(values + [10.0 if unit == "%" else 0.0] + [1e-9]) * 1.1
    left, right, top, step = 230, 40, 20, 22
    height = top + step * len(rows) + 34
    scale = (width - left - right) / high

    def x(value: float) -> float:
        return round(left + max(0.0, value) * scale, 2)

    parts = []
    tick_step = _tick_step(high)
    for index in range(int(high / tick_step) + 1):
        tick = index * tick_step
        parts.append(f'<line x1="{x(tick)}" y1="{top - 4}" x2="{x(tick)}" y2="{height - 28}" stroke="#e1e6ee"/>')
        label = f"{tick:g}".replace(".", ",") + "\u202f" + escape(unit)
        parts.append(f'<text x="{x(tick)}" y="{height - 12}" text-anchor="middle" font-size="11">{label}</text>')
    for index, row in enumerate(rows):
        y = top + step * index + step / 2
        applies = row["groupe"] == "applique"
        label = f"Question {row['question']} · {'applique' if applies else 'n’applique pas'} ({thousands(row['structures'])})"
        parts.append(f'<text x="{left - 8}" y="{y + 4}" text-anchor="end" font-size="11"><title>{escape(row["intitule"])}</title>'
                     f'{escape(label)}</text>')
        if row["moyenne"] is None or row["moyenne"] != row["moyenne"]:
            continue
        colour = "#2e7d32" if applies else REPEAT_COLOR
        if row["ic_bas"] is not None and row["ic_bas"] == row["ic_bas"]:
            parts.append(f'<line x1="{x(row["ic_bas"])}" y1="{y}" x2="{x(row["ic_haut"])}" y2="{y}" stroke="{colour}" stroke-width="2"/>')
        parts.append(f'<circle cx="{x(row["moyenne"])}" cy="{y}" r="4" fill="{colour}"><title>'
                     f'{escape(value_text(row["moyenne"], unit, decimals))}</title></circle>')
    return svg_figure(width, height, parts, title)
