"""Server-side SVG charts: proportional bars, ordered lines, escaped text, accessible SVG."""
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from datasud.datastore import charts
from datasud.datastore.charts import Chart, render_svg

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(str(svg))  # well-formed XML, or this raises


def bars(root: ET.Element) -> list[ET.Element]:
    return [e for e in root.iter(f"{SVG}rect") if e.get("class") == "chart-bar"]


def test_bar_heights_are_proportional_to_values():
    chart = Chart(kind="bar", labels=["04", "05", "06"], values=[100, 50, 25],
                  title="Habitants par département", description="Trois barres")
    found = bars(parse(render_svg(chart)))
    heights = [float(b.get("height")) for b in found]
    assert len(heights) == 3
    assert heights[0] == pytest.approx(2 * heights[1], rel=0.01)
    assert heights[1] == pytest.approx(2 * heights[2], rel=0.01)
    # All bars stand on the same baseline (zero).
    bottoms = {round(float(b.get("y")) + float(b.get("height")), 1) for b in found}
    assert len(bottoms) == 1


def test_bars_keep_their_order_and_name_their_value():
    chart = Chart(kind="bar", labels=["Marseille", "Nice"], values=[873100, 348100],
                  title="t")
    found = bars(parse(render_svg(chart)))
    xs = [float(b.get("x")) for b in found]
    assert xs == sorted(xs)
    with translation.override("fr"):
        titles = [b.find(f"{SVG}title").text for b in bars(parse(render_svg(chart)))]
    assert titles[0].startswith("Marseille : 873")
    assert "\u202f" in titles[0] or "\xa0" in titles[0] or " " in titles[0]


def test_negative_values_go_below_the_zero_line():
    chart = Chart(kind="bar", labels=["a", "b"], values=[10, -10], title="t")
    first, second = bars(parse(render_svg(chart)))
    assert float(first.get("height")) == pytest.approx(float(second.get("height")))
    zero = float(first.get("y")) + float(first.get("height"))
    assert float(second.get("y")) == pytest.approx(zero)


def test_null_values_draw_no_bar():
    chart = Chart(kind="bar", labels=["a", "b"], values=[3, None], title="t")
    assert len(bars(parse(render_svg(chart)))) == 1


def test_text_from_the_data_is_escaped():
    evil = '<script>alert("x")</script>'
    chart = Chart(kind="bar", labels=[evil, "b&c"], values=[1, 2],
                  title=f"Titre {evil}", description=evil, x_label=evil, y_label=evil)
    svg = str(render_svg(chart))
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "b&amp;c" in svg
    root = parse(svg)  # still well-formed
    assert root.find(f"{SVG}title").text == f"Titre {evil}"
    line = str(render_svg(Chart(kind="line", labels=[evil, "x"], values=[1, 2], title=evil)))
    assert "<script>" not in line and "&lt;script&gt;" in line


def test_svg_is_an_accessible_image():
    svg = render_svg(Chart(kind="bar", labels=["a"], values=[1], title="Nombre par type",
                           description="Un type : a (1).", id="graphique"))
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-label") == "Nombre par type"
    assert root.get("aria-describedby") == "graphique-desc"
    assert root.find(f"{SVG}title").text == "Nombre par type"
    assert root.find(f"{SVG}desc").text == "Un type : a (1)."


def test_line_chart_joins_points_in_the_given_order():
    chart = Chart(kind="line", labels=["2021", "2022", "2023"], values=[10, 30, 20],
                  title="Évolution")
    root = parse(render_svg(chart))
    points = [(float(c.get("cx")), float(c.get("cy"))) for c in root.iter(f"{SVG}circle")]
    assert len(points) == 3
    assert [x for x, _ in points] == sorted(x for x, _ in points)
    # Higher values are drawn higher (smaller y).
    assert points[1][1] < points[2][1] < points[0][1]
    polyline = root.find(f".//{SVG}polyline")
    assert len(polyline.get("points").split()) == 3


def test_axis_ticks_are_round_numbers():
    assert charts.nice_ticks(0, 873100) == [0, 200000, 400000, 600000, 800000, 1000000]
    assert charts.nice_ticks(0, 1) == [0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert charts.nice_ticks(0, 1.2) == [0, 0.25, 0.5, 0.75, 1.0, 1.25]
    with translation.override("fr"):
        svg = str(render_svg(Chart(kind="bar", labels=["a", "b"], values=[0.1, 1.2],
                                   title="t")))
    assert ">0,25<" in svg and ">0,75<" in svg  # as many decimals as the step needs
    ticks = charts.nice_ticks(-5, 12)
    assert ticks[0] <= -5 and ticks[-1] >= 12 and 0 in ticks


def test_empty_chart_says_so():
    svg = str(render_svg(Chart(kind="bar", labels=[], values=[], title="Vide")))
    assert "Aucune donnée" in svg
    parse(svg)


def test_numbers_use_the_page_language():
    with translation.override("fr"):
        assert re.sub(r"\s", " ", charts.format_number(1234567.5)) == "1 234 567,5"
        assert charts.format_number(0.1 + 0.2) == "0,3"
        assert charts.format_number(3.0) == "3"
    with translation.override("en"):
        assert charts.format_number(1234567.5) == "1,234,567.5"


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        render_svg(Chart(kind="pie", labels=["a"], values=[1]))
