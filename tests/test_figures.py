"""The radar: the plotly figure and its SVG image show the same thing."""

import math
import re

import pytest

from contacts_lib import score
from contacts_lib.autodiagnostic.figures import radar_figure, radar_svg
from contacts_lib.autodiagnostic.reference import load_catalogue
from contacts_lib.style import RADAR_COLOR


def _polygon(svg):
    points = re.search(r'<polygon [^>]*points="([^"]+)"', svg).group(1)
    return [tuple(float(v) for v in point.split(",")) for point in points.split()]


def test_the_svg_radar_shows_the_figure_s_values_at_the_figure_s_angles(worked_example):
    scores = score(worked_example)
    svg = radar_svg(scores, width=360, height=320)
    cx, cy = 180, 160
    radius = float(re.search(r'<circle cx="[\d.]+" cy="[\d.]+" r="([\d.]+)" fill="#e5ecf6"', svg).group(1))
    figure = radar_figure(scores)
    values = list(figure.data[0].r[:-1])  # the plotly polygon, closed on itself
    shown = []
    for (x, y), index in zip(_polygon(svg), range(4), strict=True):
        angle = math.degrees(math.atan2(cy - y, x - cx)) % 360
        # First lever at the top, then clockwise, as the figure's angular axis (rotation 90, clockwise).
        assert angle == pytest.approx((90 - 90 * index) % 360, abs=0.5) or values[index] == 0
        shown.append(math.hypot(x - cx, y - cy) / radius * 100)
    assert shown == pytest.approx(values, abs=0.05)
    assert values == pytest.approx([40, 300 / 11, 87.5, 100])
    names = re.findall(r'font-size="12">([^<]+)</text>', svg)
    assert names == [lever.short_name for lever in load_catalogue().levers] == list(figure.data[0].theta[:-1])
    assert f'stroke="{RADAR_COLOR}"' in svg and figure.data[0].line.color == RADAR_COLOR
    assert [t for t in re.findall(r'font-size="10"[^>]*>(\d+) %</text>', svg)] == ["20", "40", "60", "80", "100"]


def test_the_radar_scale_is_never_under_the_data_or_the_band(worked_example):
    """The scale's labels are drawn over the structure's radar and the peers' band (SVG: after
    them, with a halo; plotly: the axis above the traces), along the 45° line where no point is."""
    band = ([20.0] * 4, [50.0] * 4, [90.0] * 4)
    svg = radar_svg(score(worked_example), band=band)
    first_label = svg.index('font-size="10"')
    assert first_label > svg.rindex("<path") and first_label > svg.rindex("<circle")
    assert 'stroke="#fff" stroke-width="3" paint-order="stroke">20 %' in svg
    axis = radar_figure(score(worked_example)).layout.polar.radialaxis
    assert axis.layer == "above traces" and axis.angle == 45 and 0 not in axis.tickvals


def test_the_svg_radar_is_an_image_for_screen_readers_to_skip(worked_example):
    svg = radar_svg(score(worked_example))
    assert svg.startswith("<svg ") and 'aria-hidden="true"' in svg and "<script" not in svg
