"""Figures of a network, each a small function of an analysis frame, drawn as SVG.

SVG made in Python needs no script and no network connection: the page shows it at once, and
the same markup is the file a user downloads. Texts from files are escaped. The colours and
fonts are the tool's (:mod:`contacts_lib.style`).
"""

from __future__ import annotations

from html import escape

import pandas as pd

from contacts_lib.autodiagnostic.reference import load_catalogue
from contacts_lib.autodiagnostic.scoring import format_percentage, lever_names
from contacts_lib.frames import expect
from contacts_lib.network.analyses import ADOPTION, DISTRIBUTION
from contacts_lib.network.tables import lever_order
from contacts_lib.style import AXIS_TEXT, POLAR_BACKGROUND, RADAR_COLOR, SVG, svg_figure


def percent_text(value: float) -> str:
    """A percentage as the tool shows it (:func:`format_percentage`), its space unbreakable.

    >>> from contacts_lib.network.figures import percent_text
    >>> percent_text(87.5)
    '88\\u202f%'
    """
    return format_percentage(value).replace(" ", "\u202f")


def lever_boxes_svg(distribution: pd.DataFrame, width: int = 640) -> SVG:
    """Box plots of each lever and the moyenne (minimum, quartiles, median, maximum) from
    :func:`lever_distribution` without grouping, on a 0–100 % scale: an :class:`style.SVG`, the
    markup as a ``str`` that Jupyter shows as a picture.

    >>> from contacts_lib.network import lever_boxes_svg, lever_distribution, load_network
    >>> network = load_network("data/reseau-synthetique/").latest()
    >>> figure = lever_boxes_svg(lever_distribution(network.scores))   # shown by Jupyter
    >>> figure[:40], "Orientation : médiane 60\u202f%" in figure
    ('<svg xmlns="http://www.w3.org/2000/svg" ', True)
    """
    expect(distribution, DISTRIBUTION, "lever_boxes_svg", "distribution")
    rows = distribution.set_index("levier").reindex(lever_order()).dropna(subset=["structures"])
    left, right, top, step = 110, 30, 24, 44
    height = top + step * len(rows) + 30
    scale = (width - left - right) / 100

    def x(value: float) -> float:
        return round(left + value * scale, 2)

    parts = []
    for tick in range(0, 101, 20):
        parts.append(f'<line x1="{x(tick)}" y1="{top - 8}" x2="{x(tick)}" y2="{height - 24}" stroke="#d0d7e2"/>')
        parts.append(f'<text x="{x(tick)}" y="{height - 8}" text-anchor="middle" font-size="11">{tick} %</text>')
    names = lever_names()
    for index, (lever, row) in enumerate(rows.iterrows()):
        middle = top + step * index + step / 2 - 8
        parts.append(f'<text x="{left - 10}" y="{middle + 4}" text-anchor="end" font-size="13">{escape(names[lever])}</text>')
        parts.append(f'<line x1="{x(row.minimum)}" y1="{middle}" x2="{x(row.maximum)}" y2="{middle}" stroke="{RADAR_COLOR}"/>')
        for end in (row.minimum, row.maximum):
            parts.append(f'<line x1="{x(end)}" y1="{middle - 7}" x2="{x(end)}" y2="{middle + 7}" stroke="{RADAR_COLOR}"/>')
        parts.append(
            f'<rect x="{x(row.q1)}" y="{middle - 12}" width="{max(1, x(row.q3) - x(row.q1))}" height="24" '
            f'fill="{POLAR_BACKGROUND}" stroke="{RADAR_COLOR}"><title>{escape(names[lever])} : 1er quartile '
            f'{percent_text(row.q1)}, médiane {percent_text(row.mediane)}, 3e quartile {percent_text(row.q3)}</title></rect>'
        )
        parts.append(f'<line x1="{x(row.mediane)}" y1="{middle - 12}" x2="{x(row.mediane)}" y2="{middle + 12}" stroke="{RADAR_COLOR}" stroke-width="3"/>')
    summary = " ; ".join(f"{names[lever]} : médiane {percent_text(row.mediane)}" for lever, row in rows.iterrows())
    return svg_figure(width, height, parts, f"Distribution des scores par levier. {summary}")


def _blend(rate: float) -> str:
    """White (0 %) to the tool's blue (100 %)."""
    share = max(0.0, min(1.0, rate / 100))
    red, green, blue = (round(255 + (target - 255) * share) for target in (0x1F, 0x4E, 0x79))
    return f"#{red:02x}{green:02x}{blue:02x}"


def _two_lines(name: str, width: int) -> list[str]:
    """A column name on at most two lines of about ``width`` characters (cut with « … » beyond)."""
    words, lines = name.split(), [""]
    for word in words:
        if lines[-1] and len(lines[-1]) + 1 + len(word) > width:
            lines.append(word)
        else:
            lines[-1] = f"{lines[-1]} {word}".strip()
    lines = [line if len(line) <= width + 1 else line[:width] + "…" for line in lines]
    return lines[:1] + ([lines[1] + ("…" if len(lines) > 2 else "")] if len(lines) > 1 else [])


def adoption_heatmap_svg(table: pd.DataFrame, by: str = "reseau", title_width: int = 58) -> SVG:
    """The practices × groups adoption heatmap from :func:`adoption` grouped ``by``: one row per
    practice (number and title, the whole title on hover), one column per group, the rate in
    each cell.

    >>> from contacts_lib.network import adoption, adoption_heatmap_svg, load_network
    >>> network = load_network("data/reseau-synthetique/").latest()
    >>> figure = adoption_heatmap_svg(adoption(network.answers, by="reseau"))   # shown by Jupyter
    >>> figure.count("<title>CAF, pratique "), ">France Travail<" in figure
    (36, True)
    """
    expect(table, ADOPTION, "adoption_heatmap_svg", "table", [by])
    titles = {p.number: p.title for p in load_catalogue().practices}
    rates = table.pivot(index="pratique", columns=by, values="taux").sort_index()
    counts = table.groupby(by)["structures"].max()
    columns = list(rates.columns)
    left, cell_width, cell_height, top = 440, 78, 22, 72
    width = left + cell_width * max(1, len(columns)) + 10
    height = top + cell_height * len(rates) + 10
    parts = []
    for index, column in enumerate(columns):
        cx = left + cell_width * index + cell_width / 2
        lines = _two_lines(str(column), 11)
        for number, line in enumerate(lines):
            y = top - 22 - 14 * (len(lines) - 1 - number)
            parts.append(f'<text x="{cx}" y="{y}" text-anchor="middle" font-size="11" font-weight="bold">{escape(line)}<title>{escape(str(column))}</title></text>')
        parts.append(f'<text x="{cx}" y="{top - 8}" text-anchor="middle" font-size="10">{counts[column]} struct.</text>')
    for row_index, (practice, row) in enumerate(rates.iterrows()):
        y = top + cell_height * row_index
        title = titles[int(practice)]
        shown = title if len(title) <= title_width else title[: title_width - 1] + "…"
        parts.append(f'<text x="{left - 8}" y="{y + 15}" text-anchor="end" font-size="11">{int(practice)}. {escape(shown)}<title>{int(practice)}. {escape(title)}</title></text>')
        for index, column in enumerate(columns):
            rate = row[column]
            x = left + cell_width * index
            if pd.isna(rate):
                parts.append(f'<rect x="{x}" y="{y}" width="{cell_width - 2}" height="{cell_height - 2}" fill="#f3f3f3"/>')
                continue
            colour = "#ffffff" if rate > 55 else AXIS_TEXT
            parts.append(
                f'<rect x="{x}" y="{y}" width="{cell_width - 2}" height="{cell_height - 2}" fill="{_blend(rate)}">'
                f"<title>{escape(str(column))}, pratique {int(practice)} : {percent_text(rate)}</title></rect>"
                f'<text x="{x + cell_width / 2 - 1}" y="{y + 15}" text-anchor="middle" font-size="11" fill="{colour}">{percent_text(rate)}</text>'
            )
    return svg_figure(width, height, parts, "Adoption des 36 bonnes pratiques par " + {"reseau": "réseau", "region": "région", "campagne": "campagne"}.get(by, by))
