"""charts.py: well-formed, CSP-safe, deterministic SVG for every input, the edge cases included.

Every chart a test draws goes through ``check``: it parses as XML, has no style, script,
event attribute or link, says neither "nan" nor "inf", labels itself for assistive
technology, and keeps every coordinate finite and inside its viewBox.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mastermind_kit.charts import format_number, goal_chart, rate_chart

SVG = "{http://www.w3.org/2000/svg}"
D = dt.date
HOSTILE = ["</title><script>alert(1)</script>", '"onload="x', "{{ 7*7 }}"]
COORDINATES_X = {"x", "x1", "x2", "cx", "width"}
COORDINATES_Y = {"y", "y1", "y2", "cy", "height"}
NOT_A_NUMBER = re.compile(r"\b(nan|inf|infinity)\b", re.IGNORECASE)

MRR: dict[str, Any] = {
    "chart_id": "alice-mrr",
    "title": "Reach 60k monthly recurring revenue",
    "metric": "MRR",
    "unit": "EUR",
    "results": [
        (D(2026, 4, 7), 40100.0),
        (D(2026, 5, 5), 42000.0),
        (D(2026, 6, 2), 44500.0),
        (D(2026, 6, 30), 45200.0),
        (D(2026, 8, 25), 48900.0),
        (D(2026, 10, 6), 51000.0),
        (D(2026, 11, 3), 53100.0),
    ],
    "baseline": 38000.0,
    "target": 60000.0,
    "due": D(2027, 3, 31),
    "forecast": ((D(2026, 11, 3), 53000.0), (D(2027, 2, 10), 60000.0)),
}


def goal(**changes: Any) -> str:
    return goal_chart(**{**MRR, **changes})


def local(element: ET.Element) -> str:
    return element.tag.removeprefix(SVG)


def classes(element: ET.Element) -> set[str]:
    return set(element.get("class", "").split())


def find(root: ET.Element, tag: str, cls: str) -> list[ET.Element]:
    return [e for e in root.iter(SVG + tag) if cls in classes(e)]


def number(element: ET.Element, name: str) -> float:
    return float(element.attrib[name])


def check(svg: str, width: int = 640, height: int = 280, *, own_text: bool = True) -> ET.Element:
    """The rules every chart keeps; the parsed root. ``own_text``: all the text is the
    test's, so any "nan", "inf" or "http" in it came from the chart."""
    root = ET.fromstring(svg)
    assert local(root) == "svg"
    assert root.get("viewBox") == f"0 0 {width} {height}"
    assert "width" not in root.attrib and "height" not in root.attrib  # the page's CSS sizes it
    assert root.get("preserveAspectRatio") and root.get("role") == "img"
    assert "chart" in classes(root)
    title_id, desc_id = root.attrib["aria-labelledby"].split()
    first, second = list(root)[:2]
    assert (local(first), first.get("id")) == ("title", title_id)
    assert (local(second), second.get("id")) == ("desc", desc_id)
    assert (first.text or "").strip() and (second.text or "").strip()
    assert title_id.endswith("-title") and desc_id.endswith("-desc")
    for element in root.iter():
        assert local(element) not in {"script", "style", "foreignObject", "a", "image", "use"}
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), name
            assert name.lower() != "style" and "href" not in name.lower(), name
            assert "url(" not in value and "javascript:" not in value.lower()
    if own_text:
        assert svg.count("http") == 1  # the xmlns, and nothing external
        assert not NOT_A_NUMBER.search(svg), NOT_A_NUMBER.search(svg)
    for x, y in coordinates(root):
        assert math.isfinite(x) and -1 <= x <= width + 1, x
        assert math.isfinite(y) and -1 <= y <= height + 1, y
    return root


def coordinates(root: ET.Element) -> list[tuple[float, float]]:
    """Every coordinate in the drawing as (x, y); 0 for the other axis of a lone one."""
    found: list[tuple[float, float]] = []
    for element in root.iter():
        for name, value in element.attrib.items():
            if name in COORDINATES_X:
                found.append((float(value), 0.0))
            elif name in COORDINATES_Y:
                found.append((0.0, float(value)))
            elif name == "points":
                for pair in value.split():
                    x, y = pair.split(",")
                    found.append((float(x), float(y)))
    return found


def parse_label(text: str) -> float:
    text = text.replace(",", "")
    scale = {"M": 1e6, "B": 1e9, "T": 1e12}.get(text[-1], 1.0)
    return float(text[:-1] if scale != 1.0 else text) * scale


def y_ticks(root: ET.Element) -> list[tuple[float, str]]:
    """(y, label) of the value ticks, top to bottom."""
    return sorted(
        (number(t, "y"), t.text or "") for t in find(root, "text", "tick") if "y" in classes(t)
    )


def x_ticks(root: ET.Element) -> list[tuple[float, str]]:
    return sorted(
        (number(t, "x"), t.text or "") for t in find(root, "text", "tick") if "x" in classes(t)
    )


def assert_ticks_readable(root: ET.Element) -> None:
    """Value ticks distinct and rising up the page; date ticks distinct, in order, apart."""
    ys = y_ticks(root)
    labels = [label for _, label in ys]
    assert len(set(labels)) == len(labels), labels
    values = [parse_label(label) for label in labels]
    assert values == sorted(values, reverse=True) and len(set(values)) == len(values), labels
    assert not any(label in ("-0", "-0.0") or label.startswith("-0e") for label in labels)
    xs = x_ticks(root)
    assert len(xs) <= 6
    x_labels = [label for _, label in xs]
    assert len(set(x_labels)) == len(x_labels)
    for (x_a, label_a), (x_b, _) in itertools.pairwise(xs):
        assert x_b - x_a >= len(label_a) * 11 * 0.55, xs  # no overlap
    years = [int(label.split()[-1]) for label in x_labels]
    assert years == sorted(years)


# -- the common case ---------------------------------------------------------------------


def test_a_goal_chart_draws_every_part() -> None:
    root = check(goal())
    assert root[0].text == "Reach 60k monthly recurring revenue"
    assert root[1].text == (
        "MRR in EUR: 7 results from 2026-04-07 to 2026-11-03, latest 53,100; baseline 38,000, "
        "target 60,000, due 2027-03-31; forecast: target reached 2027-02-10."
    )
    (line,) = find(root, "polyline", "result")
    assert len(line.attrib["points"].split()) == 7
    assert len(find(root, "circle", "result")) == 7
    for cls in ("baseline", "target", "due", "forecast", "axis", "tick"):
        assert find(root, "line", cls), cls
    assert [t.text for t in find(root, "text", "baseline")] == ["baseline"]
    assert [t.text for t in find(root, "text", "target")] == ["target"]
    assert [t.text for t in find(root, "text", "due")] == ["due 2027-03-31"]
    assert [label for _, label in y_ticks(root)] == [
        "60,000",
        "55,000",
        "50,000",
        "45,000",
        "40,000",
    ]
    assert [label for _, label in x_ticks(root)] == [
        "May 2026",
        "Jul 2026",
        "Sep 2026",
        "Nov 2026",
        "Jan 2027",
        "Mar 2027",
    ]
    assert_ticks_readable(root)
    # the lines tell apart without colour: baseline dotted, target solid, forecast dashed
    (baseline,) = find(root, "line", "baseline")
    (target,) = find(root, "line", "target")
    (forecast,) = find(root, "line", "forecast")
    assert baseline.get("stroke-dasharray") and not target.get("stroke-dasharray")
    assert forecast.get("stroke-dasharray") not in (None, baseline.get("stroke-dasharray"))
    # the dot tooltips carry the unit
    assert root.find(f"{SVG}circle/{SVG}title") is not None
    assert root.find(f"{SVG}circle/{SVG}title").text == "2026-04-07: 40,100 EUR"  # type: ignore[union-attr]


def test_the_same_input_gives_the_same_bytes() -> None:
    assert goal() == goal()
    shuffled = list(reversed(MRR["results"]))
    assert goal(results=shuffled) == goal()  # drawn in date order whatever the order given
    bars = [("2026 Q1", 0.5, "1 of 2 done"), ("2026 Q2", None, "")]
    assert rate_chart(chart_id="r", title="t", bars=bars) == rate_chart(
        chart_id="r", title="t", bars=bars
    )


def test_higher_values_are_higher_on_the_page() -> None:
    root = check(goal())
    (target,) = find(root, "line", "target")
    (baseline,) = find(root, "line", "baseline")
    assert number(target, "y1") < number(baseline, "y1")
    dots = find(root, "circle", "result")
    assert number(dots[0], "cy") > number(dots[-1], "cy")  # 40,100 below 53,100


# -- the forecast ------------------------------------------------------------------------


def axis_ends(root: ET.Element) -> tuple[float, float]:
    """Left and right x of the plot, from the horizontal axis line."""
    (bottom,) = [a for a in find(root, "line", "axis") if a.get("y1") == a.get("y2")]
    return number(bottom, "x1"), number(bottom, "x2")


def test_the_forecast_is_dashed_and_ends_on_the_target_line() -> None:
    root = check(goal())
    (forecast,) = find(root, "line", "forecast")
    (target,) = find(root, "line", "target")
    (due,) = find(root, "line", "due")
    assert forecast.get("stroke-dasharray")
    assert number(forecast, "y2") == number(target, "y1")
    assert number(forecast, "x2") < number(due, "x1")  # reached before the due date
    dots = find(root, "circle", "result")
    assert number(forecast, "x1") == number(dots[-1], "cx")


def test_a_forecast_far_beyond_the_chart_is_clipped_at_the_right_edge() -> None:
    far = ((D(2026, 11, 3), 53000.0), (D(2030, 1, 1), 60000.0))
    root = check(goal(forecast=far))
    (forecast,) = find(root, "line", "forecast")
    (target,) = find(root, "line", "target")
    (due,) = find(root, "line", "due")
    left, right = axis_ends(root)
    assert number(forecast, "x2") == number(due, "x1") <= right  # the edge of the dates
    # still on the segment: part of the way from the start to the target, not at it
    x1, y1, x2, y2 = (number(forecast, n) for n in ("x1", "y1", "x2", "y2"))
    assert number(target, "y1") < y2 < y1
    days_total = (D(2030, 1, 1) - D(2026, 11, 3)).days
    days_shown = (D(2027, 3, 31) - D(2026, 11, 3)).days
    y_start, y_target = y1, number(target, "y1")
    expected = y_start + (y_target - y_start) * days_shown / days_total
    assert y2 == pytest.approx(expected, abs=0.2)
    assert "2030-01-01" in root[1].text  # type: ignore[operator]
    assert "after the due date" in root[1].text  # type: ignore[operator]
    assert left < x1 < x2


def test_a_forecast_a_little_beyond_the_due_date_widens_the_chart() -> None:
    near = ((D(2026, 11, 3), 53000.0), (D(2027, 5, 20), 60000.0))  # < 25% more of the span
    root = check(goal(forecast=near))
    (forecast,) = find(root, "line", "forecast")
    (target,) = find(root, "line", "target")
    (due,) = find(root, "line", "due")
    assert number(forecast, "y2") == number(target, "y1")  # not clipped: reaches the target
    assert number(due, "x1") < number(forecast, "x2") <= axis_ends(root)[1]


def test_a_reducing_goal_keeps_its_direction() -> None:
    svg = goal(
        chart_id="bob-churn",
        title="Cut churn to 1.5%",
        metric="Churn",
        unit="%",
        results=[(D(2026, 1, 10), 3.1), (D(2026, 3, 10), 2.8), (D(2026, 5, 10), 2.5)],
        baseline=3.1,
        target=1.5,
        due=D(2026, 12, 31),
        forecast=((D(2026, 5, 10), 2.5), (D(2026, 11, 20), 1.5)),
    )
    root = check(svg)
    (target,) = find(root, "line", "target")
    (baseline,) = find(root, "line", "baseline")
    assert number(target, "y1") > number(baseline, "y1")  # the target below the baseline
    (forecast,) = find(root, "line", "forecast")
    assert number(forecast, "y2") > number(forecast, "y1")  # and the forecast goes down to it
    assert number(forecast, "y2") == number(target, "y1")
    dots = find(root, "circle", "result")
    assert number(dots[0], "cy") < number(dots[-1], "cy")
    labels = {
        t.text: number(t, "y")
        for t in find(root, "text", "target") + find(root, "text", "baseline")
    }
    assert labels["target"] > labels["baseline"]
    assert root[1].text == (
        "Churn in %: 3 results from 2026-01-10 to 2026-05-10, latest 2.5; baseline 3.1, "
        "target 1.5, due 2026-12-31; forecast: target reached 2026-11-20."
    )
    assert_ticks_readable(root)


# -- edge cases ----------------------------------------------------------------------------


def test_no_results_draws_the_frame_the_lines_and_says_so() -> None:
    root = check(goal(results=[], forecast=None))
    assert [t.text for t in find(root, "text", "notice")] == ["no results yet"]
    assert not find(root, "polyline", "result") and not find(root, "circle", "result")
    assert find(root, "line", "baseline") and find(root, "line", "target")
    assert len(find(root, "line", "axis")) == 2
    assert x_ticks(root)  # a year up to the due date
    assert [label for _, label in x_ticks(root)][-1] == "Mar 2027"
    assert root[1].text == (
        "MRR in EUR: no results yet; baseline 38,000, target 60,000, due 2027-03-31."
    )


def test_nothing_at_all_draws_an_empty_frame() -> None:
    root = check(goal(results=[], baseline=None, target=None, due=None, forecast=None, unit=None))
    assert [t.text for t in find(root, "text", "notice")] == ["no results yet"]
    assert len(find(root, "line", "axis")) == 2
    assert not x_ticks(root) and not y_ticks(root)
    assert root[1].text == "MRR: no results yet."


def test_one_result_is_a_dot_without_a_line() -> None:
    root = check(goal(results=[(D(2026, 6, 1), 45000.0)], forecast=None, due=None))
    assert len(find(root, "circle", "result")) == 1
    assert not find(root, "polyline", "result")
    (dot,) = find(root, "circle", "result")
    left, right = axis_ends(root)
    assert left < number(dot, "cx") < right
    assert root[1].text.startswith("MRR in EUR: 1 result on 2026-06-01, 45,000;")  # type: ignore[union-attr]
    assert_ticks_readable(root)


def test_a_due_date_before_the_first_result_is_still_drawn() -> None:
    root = check(goal(due=D(2026, 1, 15), forecast=None))
    (due,) = find(root, "line", "due")
    dots = find(root, "circle", "result")
    left, _ = axis_ends(root)
    assert left < number(due, "x1") < number(dots[0], "cx")
    assert_ticks_readable(root)


def test_without_baseline_or_target() -> None:
    root = check(goal(baseline=None, target=None, forecast=None))
    assert not find(root, "line", "baseline") and not find(root, "line", "target")
    assert not find(root, "text", "baseline") and not find(root, "text", "target")
    assert "baseline" not in root[1].text and "target" not in root[1].text  # type: ignore[operator]
    assert_ticks_readable(root)


def test_a_forecast_without_a_target_names_its_end_value() -> None:
    root = check(goal(target=None, due=None))
    assert root[1].text.endswith("; forecast: 60,000 by 2027-02-10.")  # type: ignore[union-attr]


def test_identical_results_get_a_widened_range() -> None:
    same = [(D(2026, m, 1), 42.0) for m in range(1, 7)]
    root = check(goal(results=same, baseline=None, target=None, due=None, forecast=None))
    ys = {number(dot, "cy") for dot in find(root, "circle", "result")}
    assert len(ys) == 1
    (y,) = ys
    (left_axis,) = [a for a in find(root, "line", "axis") if a.get("x1") == a.get("x2")]
    assert number(left_axis, "y1") + 20 < y < number(left_axis, "y2") - 20  # mid-plot
    assert 3 <= len(y_ticks(root)) <= 6
    assert_ticks_readable(root)


def test_all_zero_results() -> None:
    zeros = [(D(2026, m, 1), 0.0) for m in range(1, 4)]
    root = check(goal(results=zeros, baseline=0.0, target=0.0, forecast=None))
    assert "0" in [label for _, label in y_ticks(root)]
    assert_ticks_readable(root)


def test_negative_values() -> None:
    values = [(D(2026, 1, 5), -120.0), (D(2026, 2, 5), -80.5), (D(2026, 3, 5), -95.0)]
    root = check(goal(results=values, baseline=-150.0, target=-20.0, forecast=None))
    labels = [label for _, label in y_ticks(root)]
    assert any(label.startswith("-") for label in labels)
    assert_ticks_readable(root)
    assert "latest -95" in root[1].text  # type: ignore[operator]


EXTREMES = [
    pytest.param([1e300, 2e300, 3e300], 1e300, 5e300, id="1e300"),
    pytest.param([-1e308, 1e308], -1e308, 1e308, id="max-min-overflows"),
    pytest.param([1.7976931348623157e308] * 3, None, None, id="largest-float-equal"),
    pytest.param([-1.7976931348623157e308, 1.7976931348623157e308], None, 0.0, id="both-ends"),
    pytest.param([1e-300, 2e-300], None, None, id="tiny"),
    pytest.param([5e-324, 0.0], None, None, id="subnormal"),
    pytest.param([1e6, 1e6 + 1e-6, 1e6], None, None, id="too-close-to-tell"),
    pytest.param([123456789.0, 123456790.0], None, None, id="close-millions"),
    pytest.param([0.001, 0.002, 0.0015], 0.0, 0.0025, id="small"),
]


@pytest.mark.parametrize(("values", "baseline", "target"), EXTREMES)
def test_extreme_values_stay_finite_and_readable(
    values: list[float], baseline: float | None, target: float | None
) -> None:
    results = [(D(2026, 1, 1) + dt.timedelta(days=30 * i), v) for i, v in enumerate(values)]
    forecast = (
        ((results[-1][0], values[-1]), (D(2027, 6, 1), target)) if target is not None else None
    )
    svg = goal(results=results, baseline=baseline, target=target, forecast=forecast)
    root = check(svg)
    assert 3 <= len(y_ticks(root)) <= 6
    assert_ticks_readable(root)
    assert svg == goal(results=results, baseline=baseline, target=target, forecast=forecast)


def test_huge_tick_labels_are_scientific() -> None:
    results = [(D(2026, 1, 1), 1e300), (D(2026, 3, 1), 3e300)]
    root = check(goal(results=results, baseline=None, target=None, forecast=None))
    assert all("e+" in label for _, label in y_ticks(root))
    assert "latest 3e+300" in root[1].text  # type: ignore[operator]


@pytest.mark.parametrize(
    ("first", "last", "kind"),
    [
        (D(2026, 3, 1), D(2026, 5, 1), "month"),
        (D(2026, 1, 1), D(2026, 12, 31), "month"),
        (D(2024, 1, 1), D(2027, 3, 1), "year"),
        (D(2025, 1, 1), D(2027, 3, 1), "month"),
        (D(2000, 1, 1), D(2030, 1, 1), "year"),
        (D(1, 1, 1), D(9999, 12, 31), "year"),
    ],
)
def test_date_ticks_never_crowd(first: dt.date, last: dt.date, kind: str) -> None:
    results = [(first, 1.0), (last, 2.0)]
    root = check(goal(results=results, due=None, forecast=None))
    labels = [label for _, label in x_ticks(root)]
    assert 1 <= len(labels) <= 6
    assert all((" " in label) == (kind == "month") for label in labels), labels
    assert_ticks_readable(root)


def test_dates_at_the_ends_of_the_calendar() -> None:
    for day in (D.min, D.max):
        root = check(goal(results=[(day, 1.0)], due=day, forecast=None))
        assert find(root, "line", "due")
    root = check(goal(results=[], due=D.min, forecast=None))  # a year before it is no date
    assert find(root, "line", "due")


def test_non_finite_values_are_left_out() -> None:
    results = [(D(2026, 1, 1), 1.0), (D(2026, 2, 1), math.nan), (D(2026, 3, 1), math.inf)]
    root = check(goal(results=results, baseline=math.nan, target=-math.inf, forecast=None))
    assert len(find(root, "circle", "result")) == 1
    assert not find(root, "line", "baseline") and not find(root, "line", "target")


def test_a_bad_chart_id_is_refused() -> None:
    with pytest.raises(ValueError, match="chart_id"):
        goal(chart_id="Not a slug")
    with pytest.raises(ValueError, match="chart_id"):
        rate_chart(chart_id="x y", title="t", bars=[])


def test_the_size_is_the_viewbox() -> None:
    check(goal(width=900, height=360), 900, 360)
    check(
        rate_chart(chart_id="r", title="t", bars=[("a", 0.5, "")], width=400, height=200), 400, 200
    )


# -- hostile text ----------------------------------------------------------------------------


@pytest.mark.catalogue
@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_escaped_and_inert(text: str) -> None:
    svg = goal(title=text, metric=text, unit=text)
    root = check(svg)
    assert root[0].text == text  # the reader sees exactly what was written
    assert text in (root[1].text or "")
    assert "<script" not in svg and "{{" not in svg and "7*7 }}" not in svg
    bars = [(text, 0.5, text), (text, None, text)]
    svg = rate_chart(chart_id="rates", title=text, bars=bars)
    root = check(svg, 640, 220)
    assert root[0].text == text
    assert "<script" not in svg and "{{" not in svg


def test_characters_xml_cannot_carry_are_dropped() -> None:
    root = check(goal(title="a\x00b\x1bc\ud800d", metric="M\x0b"))
    assert root[0].text == "abcd"


# -- format_number ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (-0.0, "0"),
        (1200, "1,200"),
        (-1200, "-1,200"),
        (53100, "53,100"),
        (1.5, "1.5"),
        (3.14159, "3.14"),
        (2.0, "2"),
        (0.5, "0.5"),
        (0.00123, "0.00123"),
        (-0.001, "-0.001"),
        (999_999.999, "1M"),
        (2_500_000, "2.5M"),
        (1_234_567, "1.23M"),
        (-7_000_000, "-7M"),
        (999_999_999, "1B"),
        (2.5e9, "2.5B"),
        (7e12, "7T"),
        (999_999_999_999_999, "1e+15"),
        (1e15, "1e+15"),
        (1e300, "1e+300"),
        (1.5e300, "1.5e+300"),
        (-1e308, "-1e+308"),
        (1.7976931348623157e308, "1.8e+308"),
        (1e-7, "1e-07"),
        (-1.5e-300, "-1.5e-300"),
        (5e-324, "4.94e-324"),
        (math.nan, "–"),
        (math.inf, "∞"),
        (-math.inf, "-∞"),
    ],
)
def test_format_number(value: float, text: str) -> None:
    assert format_number(value) == text


def test_format_number_never_says_minus_zero() -> None:
    for value in (-1e-9, -0.0000001, -0.004, -1e-320):
        assert format_number(value) not in ("-0", "0") or value == 0
        assert not format_number(value).startswith("-0e")


def test_format_number_takes_ints_too_large_for_a_float() -> None:
    assert format_number(10**400) == "∞"
    assert format_number(-(10**400)) == "-∞"


# -- the rate chart ----------------------------------------------------------------------------


def test_a_rate_chart() -> None:
    bars = [
        ("2026 Q1", 0.5, "3 of 6 done"),
        ("2026 Q2", None, ""),
        ("2026 Q3", 0.8333, "5 of 6 done"),
        ("2026 Q4", 0.0, "0 of 2 done"),
    ]
    svg = rate_chart(chart_id="alice-rates", title="Follow-through per quarter", bars=bars)
    root = check(svg, 640, 220)
    assert root[1].text == (
        "4 periods from 2026 Q1 to 2026 Q4; latest 2026 Q4: 0% (0 of 2 done); "
        "nothing counted in 1 of them."
    )
    assert [label for _, label in y_ticks(root)] == ["100%", "75%", "50%", "25%", "0%"]
    rects = find(root, "rect", "bar")
    assert len(rects) == 3  # none for the quarter with nothing counted
    assert [t.text for t in find(root, "text", "none")] == ["–"]
    assert [label for _, label in x_ticks(root)] == ["2026 Q1", "2026 Q2", "2026 Q3", "2026 Q4"]
    assert [t.text for t in find(root, "text", "value")] == ["50%", "83%", "0%"]
    half, most = number(rects[0], "height"), number(rects[1], "height")
    assert most == pytest.approx(half / 0.5 * 0.8333, abs=0.2)
    assert 0 < number(rects[2], "height") < 3  # 0% is a sliver, not nothing
    tips = [r.find(f"{SVG}title").text for r in rects]  # type: ignore[union-attr]
    assert tips[1] == "2026 Q3: 83% (5 of 6 done)"


def test_many_bars_thin_out_their_labels() -> None:
    bars = [
        (f"{2017 + i // 4} Q{i % 4 + 1}", (i % 5) / 4 if i % 7 else None, "") for i in range(40)
    ]
    root = check(rate_chart(chart_id="r", title="t", bars=bars), 640, 220)
    labels = [label for _, label in x_ticks(root)]
    assert 3 <= len(labels) < 40
    assert labels[-1] == "2026 Q4"  # the latest is always labelled
    xs = [x for x, _ in x_ticks(root)]
    assert all(b - a >= len("2026 Q4") * 11 * 0.55 for a, b in itertools.pairwise(xs))
    assert not find(root, "text", "value")  # no room for the percentages


def test_an_empty_rate_chart_says_so() -> None:
    root = check(rate_chart(chart_id="r", title="t", bars=[]), 640, 220)
    assert [t.text for t in find(root, "text", "notice")] == ["nothing to show yet"]
    assert not find(root, "rect", "bar")
    assert root[1].text == "Nothing to show yet."


def test_rates_out_of_range_stay_in_the_frame() -> None:
    bars = [("a", 1.7, ""), ("b", -0.2, ""), ("c", math.nan, ""), ("d", 1e308, "")]
    root = check(rate_chart(chart_id="r", title="t", bars=bars), 640, 220)
    assert [t.text for t in find(root, "text", "none")] == ["–"]  # nan: nothing counted
    assert len(find(root, "rect", "bar")) == 3


# -- properties ----------------------------------------------------------------------------

finite = st.floats(allow_nan=False, allow_infinity=False)
point = st.tuples(st.dates(), finite)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    results=st.lists(point, max_size=8),
    baseline=st.none() | finite,
    target=st.none() | finite,
    due=st.none() | st.dates(),
    forecast=st.none() | st.tuples(point, point),
)
def test_any_numbers_and_dates_make_a_sound_chart(
    results: list[tuple[dt.date, float]],
    baseline: float | None,
    target: float | None,
    due: dt.date | None,
    forecast: tuple[tuple[dt.date, float], tuple[dt.date, float]] | None,
) -> None:
    svg = goal_chart(
        chart_id="prop",
        title="Goal",
        metric="Metric",
        unit="EUR",
        results=results,
        baseline=baseline,
        target=target,
        due=due,
        forecast=forecast,
    )
    root = check(svg)
    assert_ticks_readable(root)


@settings(max_examples=100, deadline=None)
@given(
    title=st.text(),
    metric=st.text(),
    unit=st.none() | st.text(),
    bars=st.lists(st.tuples(st.text(), st.none() | st.floats(), st.text()), max_size=50),
)
def test_any_text_makes_a_sound_chart(
    title: str, metric: str, unit: str | None, bars: list[tuple[str, float | None, str]]
) -> None:
    root = check(goal(title=title, metric=metric, unit=unit), own_text=False)
    written = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "", title)
    if written.strip():  # (a blank title falls back to the metric or "Goal")
        assert root[0].text == written.replace("\r\n", "\n").replace("\r", "\n")
    rates = check(rate_chart(chart_id="r", title=title, bars=bars), 640, 220, own_text=False)
    assert len(find(rates, "rect", "bar")) + len(find(rates, "text", "none")) == len(bars)
