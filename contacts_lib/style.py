"""How every figure of the tool looks, in one place: the brand colour, the plotly defaults both
radars share, the font, and the frame of an SVG figure made in Python.

SVG made in Python needs no script and no network connection: a page shows it at once, and the
same markup is the file a user downloads or the figure a report prints.
"""

from __future__ import annotations

from html import escape

RADAR_COLOR = "#1f4e79"
POLAR_BACKGROUND = "#e5ecf6"  # plotly's default polar background, named so that both radars share it
AXIS_TEXT = "#2a3f5f"  # plotly's default axis text colour
FONT = "Open Sans, DejaVu Sans, Arial, sans-serif"


class SVG(str):
    """An SVG figure: its markup (a ``str``, to write in a page or a file), shown as a picture in
    Jupyter."""

    def _repr_svg_(self) -> str:
        return str(self)


def svg_figure(width: float, height: float, parts: list[str], label: str) -> SVG:
    """An SVG figure of ``width`` × ``height`` made of ``parts`` (markup already escaped), with
    its accessible ``label``, in the tool's font and text colour."""
    return SVG(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(label)}" font-family="{FONT}" fill="{AXIS_TEXT}">'
        + "".join(parts) + "</svg>"
    )
