"""Inline SVG charts for the static pages: a goal's results, and follow-through rates.

This module owns the drawing and the number format the charts use (``format_number``,
which the pages' text tables share so both show the same numbers). It takes plain
values (dates, floats, strings) and imports nothing else of the package.

The pages are served under a strict Content-Security-Policy, so the SVG carries
presentation attributes and class names only: no ``style`` attribute or element, no
script, no event attribute, no link, nothing external. The output is a pure function of
the arguments: the same input gives the same bytes (coordinates rounded to one decimal,
labels formatted without locale or clock). Untrusted text (titles, metrics, units,
labels) is escaped, stripped of characters XML cannot carry, and its braces are written
as character references so that no template engine can read it as an expression.
Whatever the numbers (huge, tiny, negative, all equal, overflowing when subtracted),
no "nan" or "inf" is written and every coordinate stays inside the viewBox.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from html import escape

__all__ = ["format_number", "goal_chart", "rate_chart"]

Point = tuple[dt.date, float]

# Beyond this many results only the first and the last get a dot (the page's table lists
# every one).
MAX_DOTS = 60
_CHART_ID = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_BIG = 1.7976931348623157e308  # sys.float_info.max
_TINY = 1e-290  # below this every value is drawn as zero
_LAST_DAY = dt.date.max.toordinal()

# Colours: each at least 4.5:1 on white; the lines also differ by pattern and label.
_INK = "#222222"
_MUTED = "#555555"
_GRID = "#e3e3e3"
_AXIS = "#767676"
_RESULT = "#1f4e8c"  # dark blue: results (solid, dots) and the forecast (dashed)
_BASELINE = "#666666"  # grey, dotted
_TARGET = "#1a7f37"  # dark green, solid
_DUE = "#9a4400"  # dark orange, vertical
_FONT = 11.0
_SUFFIXES = {6: "M", 9: "B", 12: "T"}


# -- numbers -----------------------------------------------------------------------------


def format_number(value: float) -> str:
    """``value`` compact and locale-free: 1200 -> "1,200", 1.5 -> "1.5", 3.14159 ->
    "3.14", 0.00123 -> "0.00123", 2500000 -> "2.5M" (then "B", "T"), 1e300 -> "1e+300",
    never "-0". Not a number gives "–", an infinity "∞" or "-∞"."""
    return _format(value, None)


def _format(value: float, step_exp: int | None) -> str:
    """``format_number``; with ``step_exp`` (a tick step of 1, 2 or 5 x 10**step_exp),
    as many decimals as tell the ticks apart, and no more."""
    try:
        value = float(value)
    except OverflowError:  # an int too large for a float
        value = math.inf if value > 0 else -math.inf
    if math.isnan(value):
        return "–"
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    if value == 0:
        return "0"
    size = abs(value)
    if 1e-4 <= size < 1e6:
        if step_exp is not None:
            places = min(max(0, -step_exp), 20)
        elif size >= 1:
            places = 2
        else:
            places = 2 - math.floor(math.log10(size))
        if round(size, places) < 1e6:
            return _unsigned_zero(_strip(f"{value:,.{places}f}"))
    if 1e-4 <= size < 1e15:  # millions and up (or a value that rounds up to a million)
        power = 6 if size < 1e9 else 9 if size < 1e12 else 12
        while power <= 12:
            mantissa = value / 10.0**power
            places = 2 if step_exp is None else min(max(0, power - step_exp), 20)
            if round(abs(mantissa), places) < 1000:
                return _unsigned_zero(_strip(f"{mantissa:,.{places}f}")) + _SUFFIXES[power]
            power += 3
    # scientific: very large or very small
    exponent = int(f"{value:e}".split("e")[1])
    places = 2 if step_exp is None else min(max(0, exponent - step_exp), 15)
    digits, _, power_text = f"{value:.{places}e}".partition("e")
    return _unsigned_zero(_strip(digits)) + "e" + power_text


def _strip(text: str) -> str:
    """Trailing zeros of the decimals off: "2.50" -> "2.5", "3.00" -> "3"."""
    return text.rstrip("0").rstrip(".") if "." in text else text


def _unsigned_zero(text: str) -> str:
    if text.startswith("-") and not any(c in "123456789" for c in text):
        return text[1:]
    return text


def _percent(rate: float) -> str:
    percent = rate * 100
    if math.isfinite(percent) and abs(percent) < 1e6:
        return f"{round(percent)}%"
    return f"{format_number(percent)}%"


def _as_float(value: float | None) -> float | None:
    """``value`` if it is a finite number (ints too large for a float are not)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (OverflowError, TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


# -- SVG text ------------------------------------------------------------------------------


def _text(value: object) -> str:
    """Untrusted text for an XML text node or attribute value."""
    cleaned = _NOT_XML.sub("", str(value))
    return escape(cleaned, quote=True).replace("{", "&#123;").replace("}", "&#125;")


def _n(value: float) -> str:
    """A coordinate: one decimal, no trailing ".0", never "-0", "nan" or "inf"."""
    if not math.isfinite(value):
        value = 0.0
    text = _strip(f"{value:.1f}")
    return "0" if text == "-0" else text


def _tag(name: str, attrs: Sequence[tuple[str, str]], content: str | None = None) -> str:
    attributes = "".join(f' {key}="{_text(val)}"' for key, val in attrs)
    if content is None:
        return f"<{name}{attributes}/>"
    return f"<{name}{attributes}>{content}</{name}>"


def _line(cls: str, x1: float, y1: float, x2: float, y2: float, *extra: tuple[str, str]) -> str:
    return _tag(
        "line",
        [("class", cls), ("x1", _n(x1)), ("y1", _n(y1)), ("x2", _n(x2)), ("y2", _n(y2)), *extra],
    )


def _label(
    cls: str, x: float, y: float, text: str, *, anchor: str = "start", fill: str = _MUTED
) -> str:
    return _tag(
        "text",
        [
            ("class", cls),
            ("x", _n(x)),
            ("y", _n(y)),
            ("font-size", _n(_FONT)),
            ("text-anchor", anchor),
            ("fill", fill),
        ],
        _text(text),
    )


def _text_width(text: str, size: float = _FONT) -> float:
    """A generous estimate of how wide ``text`` is drawn in a sans-serif font."""
    return len(text) * size * 0.62


def _open(
    chart_id: str, title: str, fallback: str, desc: str, width: int, height: int
) -> list[str]:
    """The root element, its title (``fallback`` when ``title`` is blank) and desc."""
    if not _CHART_ID.match(chart_id):
        raise ValueError(f"chart_id must be a slug of a-z, 0-9 and '-': {chart_id!r}")
    if width < 160 or height < 100:
        raise ValueError(f"a chart needs at least 160 x 100 units, not {width} x {height}")
    root = _tag(
        "svg",
        [
            ("xmlns", "http://www.w3.org/2000/svg"),
            ("viewBox", f"0 0 {int(width)} {int(height)}"),
            ("preserveAspectRatio", "xMidYMid meet"),
            ("role", "img"),
            ("aria-labelledby", f"{chart_id}-title {chart_id}-desc"),
            ("class", "chart"),
            ("font-family", "sans-serif"),
        ],
    )
    # The first of these with something to show once characters XML cannot carry are
    # gone: a member's title, the fallback (their metric, say), a word of our own.
    title = next(t for t in (title, fallback, "Chart") if _NOT_XML.sub("", t).strip())
    return [
        root.removesuffix("/>") + ">",
        _tag("title", [("id", f"{chart_id}-title")], _text(title)),
        _tag("desc", [("id", f"{chart_id}-desc")], _text(desc)),
    ]


def _fit(label: str, room: float) -> str:
    """``label`` cut short (with "…") to fit in ``room`` units of width."""
    if _text_width(label) <= room:
        return label
    while label and _text_width(label + "…") > room:
        label = label[:-1]
    return label + "…"


def _notice(text: str, left: float, right: float, y: float) -> list[str]:
    """A message centred between ``left`` and ``right`` on a white patch, readable over
    any line behind it."""
    x = (left + right) / 2
    w = min(_text_width(text, 13) + 12, right - left)
    return [
        _tag(
            "rect",
            [
                ("class", "notice"),
                ("x", _n(x - w / 2)),
                ("y", _n(y - 14)),
                ("width", _n(w)),
                ("height", "20"),
                ("fill", "#ffffff"),
            ],
        ),
        _tag(
            "text",
            [
                ("class", "notice"),
                ("x", _n(x)),
                ("y", _n(y)),
                ("font-size", "13"),
                ("text-anchor", "middle"),
                ("fill", _MUTED),
            ],
            _text(text),
        ),
    ]


# -- scales --------------------------------------------------------------------------------


def _value_range(values: Sequence[float]) -> tuple[float, float]:
    """The y range: every value with 8% padding; widened around equal values.

    Works on halves where a difference could overflow (1e308 - -1e308 is inf)."""
    low, high = min(values), max(values)
    size = max(abs(low), abs(high))
    if size < _TINY:
        return -1.0, 1.0
    half = high / 2 - low / 2
    if half < size * 1e-6:  # equal, or too close to tell apart at this size
        middle = low / 2 + high / 2
        return max(middle - size * 0.1, -_BIG), min(middle + size * 0.1, _BIG)
    pad = half * 0.16
    return max(low - pad, -_BIG), min(high + pad, _BIG)


def _value_ticks(low: float, high: float) -> tuple[list[float], int]:
    """3 to 6 ticks at a step of 1, 2 or 5 x 10**n inside [low, high], and n."""
    raw = (high / 2 - low / 2) / 2.5  # a fifth of the range
    order = math.floor(math.log10(raw))
    best: tuple[tuple[int, float], list[float], int] | None = None
    for exp in (order - 1, order, order + 1):
        for mult in (1, 2, 5):
            step = mult * 10.0**exp
            if not math.isfinite(step) or step <= 0:
                continue
            first, last = math.ceil(low / step), math.floor(high / step)
            count = last - first + 1
            if not 3 <= count <= 6:
                continue
            ticks = [k * step for k in range(first, last + 1)]
            if not all(math.isfinite(t) for t in ticks):
                continue
            key = (abs(count - 5), step)
            if best is None or key < best[0]:
                best = (key, ticks, exp)
    if best is None:  # not seen in practice: the two ends
        return [low, high], math.floor(math.log10(max(abs(low), abs(high), _TINY))) - 3
    return best[1], best[2]


def _tick_labels(ticks: Sequence[float], step_exp: int) -> list[str]:
    labels = [_format(t, step_exp) for t in ticks]
    if len(set(labels)) < len(labels):  # a rounding clash: show more digits
        labels = [_format(t, step_exp - 3) for t in ticks]
    return labels


def _date_ticks(first: int, last: int, plot_width: float) -> list[tuple[int, str]]:
    """At most six month (or year) ticks between two day ordinals, far enough apart for
    their labels: ``(ordinal, "Jan 2027")`` or ``(ordinal, "2027")``."""
    start = dt.date.fromordinal(first)
    end = dt.date.fromordinal(last)
    month_from = start.year * 12 + start.month - 1 + (0 if start.day == 1 else 1)
    month_to = end.year * 12 + end.month - 1
    days = max(last - first, 1)
    chosen = (1, 0, -1)
    for months in (1, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1200, 2400, 6000, 12000, 24000):
        k_from, k_to = -(-month_from // months), month_to // months
        gap = months * 28 / days * plot_width
        chosen = (months, k_from, k_to)
        if k_to - k_from + 1 <= 6 and gap >= (70 if months < 12 else 44):
            break
    months, k_from, k_to = chosen
    least = 70 if months < 12 else 44
    ticks: list[tuple[int, str]] = []
    for k in range(k_from, k_to + 1):
        year, month = divmod(k * months, 12)
        ordinal = dt.date(year, month + 1, 1).toordinal()
        if ticks and (ordinal - ticks[-1][0]) / days * plot_width < least:
            continue  # only in a very narrow chart: drop what would overlap
        ticks.append((ordinal, f"{_MONTHS[month]} {year}" if months < 12 else str(year)))
    return ticks


def _lerp(a: float, b: float, t: float) -> float:
    """The value a fraction ``t`` of the way from ``a`` to ``b``, without overflow."""
    return a * (1 - t) + b * t


# -- the goal chart --------------------------------------------------------------------------


def goal_chart(
    *,
    chart_id: str,
    title: str,
    metric: str,
    unit: str | None,
    results: Sequence[tuple[dt.date, float]],
    baseline: float | None,
    target: float | None,
    due: dt.date | None,
    forecast: tuple[tuple[dt.date, float], tuple[dt.date, float]] | None,
    width: int = 640,
    height: int = 280,
) -> str:
    """One goal as an SVG line chart: the results (a line with a dot per result), the
    baseline (grey, dotted), the target (green, solid), the due date (a vertical line)
    and the forecast (dashed, from the latest result to the day the pace line reaches
    the target; clipped at the right edge when it reaches far beyond the chart)."""
    points = sorted(
        ((day, v) for day, value in results if (v := _as_float(value)) is not None),
        key=lambda point: point[0],
    )
    base = _as_float(baseline)
    goal = _as_float(target)
    segment = _forecast(forecast)

    # x: days as ordinals
    anchors = [day.toordinal() for day, _ in points]
    if segment is not None:
        anchors.append(segment[0][0])
    x_range: tuple[int, int] | None = None
    if anchors:
        x_range = (min(anchors), max(anchors))
    if due is not None:
        due_day = due.toordinal()
        x_range = (
            (min(x_range[0], due_day), max(x_range[1], due_day))
            if x_range
            else (due_day - 365, due_day)
        )
    if x_range is not None:
        x_range = _widen_days(*x_range)
        if segment is not None and segment[1][0] > x_range[1]:
            first, last = x_range
            if segment[1][0] - first <= 1.25 * (last - first):
                x_range = (first, segment[1][0])
    clipped = _clip(segment, x_range) if segment is not None and x_range else None

    # y
    values = [v for _, v in points]
    values += [v for v in (base, goal) if v is not None]
    if clipped is not None:
        values += [clipped[0][1], clipped[1][1]]
    y_range = _value_range(values) if values else None
    ticks, step_exp = _value_ticks(*y_range) if y_range else ([], 0)
    tick_labels = _tick_labels(ticks, step_exp)

    # layout
    widest = max((_text_width(label) for label in tick_labels), default=0.0)
    left = max(40.0, min(widest + 14, width / 3))
    right = width - 62.0
    top, bottom = 26.0, height - 28.0
    inset = 10.0  # keeps the first and last dots off the axes

    def x_of(day: int) -> float:
        assert x_range is not None
        first, last = x_range
        t = min(max((day - first) / (last - first), 0.0), 1.0)
        return left + inset + t * (right - left - 2 * inset)

    def y_of(value: float) -> float:
        assert y_range is not None
        low, high = y_range
        t = (high / 2 - value / 2) / (high / 2 - low / 2)
        return top + min(max(t, 0.0), 1.0) * (bottom - top)

    desc = _goal_desc(metric, unit, points, base, goal, due, segment)
    out = _open(chart_id, title, metric.strip() or "Goal", desc, width, height)

    # ticks and grid
    for value, label in zip(ticks, tick_labels, strict=True):
        y = y_of(value)
        out.append(_line("tick y", left, y, right, y, ("stroke", _GRID), ("stroke-width", "1")))
        out.append(_label("tick y", left - 6, y + 4, label, anchor="end"))
    if x_range is not None:
        for ordinal, label in _date_ticks(*x_range, right - left - 2 * inset):
            x = x_of(ordinal)
            out.append(_line("tick x", x, bottom, x, bottom + 4, ("stroke", _AXIS)))
            out.append(_label("tick x", x, bottom + 16, label, anchor="middle"))

    # baseline, target: horizontal lines, labelled in the right margin
    levels: list[tuple[str, float, str, list[tuple[str, str]], str]] = []
    if base is not None:
        levels.append(("baseline", base, _BASELINE, [("stroke-dasharray", "2 3")], "1"))
    if goal is not None:
        levels.append(("target", goal, _TARGET, [], "1.5"))
    places = _spread([y_of(v) for _, v, *_ in levels], top, bottom)
    for (cls, value, colour, dash, stroke_width), label_y in zip(levels, places, strict=True):
        y = y_of(value)
        out.append(
            _line(
                cls,
                left,
                y,
                right,
                y,
                ("stroke", colour),
                ("stroke-width", stroke_width),
                *dash,
            )
        )
        out.append(_label(cls, right + 6, label_y + 4, cls, fill=colour))

    # due date: a vertical line, labelled above the plot
    if due is not None and x_range is not None:
        x = x_of(due.toordinal())
        out.append(_line("due", x, top, x, bottom, ("stroke", _DUE), ("stroke-width", "1.5")))
        text = f"due {due.isoformat()}"
        half = _text_width(text) / 2
        anchor = "middle"
        if x + half > width - 2:
            anchor, x = "end", min(x + 4, width - 2.0)
        elif x - half < 2:
            anchor, x = "start", max(x - 4, 2.0)
        out.append(_label("due", x, top - 8, text, anchor=anchor, fill=_DUE))

    # forecast: dashed
    if clipped is not None and y_range is not None:
        (from_day, from_value), (to_day, to_value) = clipped
        out.append(
            _line(
                "forecast",
                x_of(from_day),
                y_of(from_value),
                x_of(to_day),
                y_of(to_value),
                ("stroke", _RESULT),
                ("stroke-width", "2"),
                ("stroke-dasharray", "6 4"),
            )
        )

    # results: a line (two or more), a dot each with its value as a tooltip
    if points and x_range is not None and y_range is not None:
        xy = [(x_of(day.toordinal()), y_of(v)) for day, v in points]
        if len(points) > 1:
            out.append(
                _tag(
                    "polyline",
                    [
                        ("class", "result"),
                        ("points", " ".join(f"{_n(x)},{_n(y)}" for x, y in xy)),
                        ("fill", "none"),
                        ("stroke", _RESULT),
                        ("stroke-width", "2"),
                        ("stroke-linejoin", "round"),
                    ],
                )
            )
        suffix = f" {unit}" if unit else ""
        dotted = list(zip(points, xy, strict=True))
        if len(dotted) > MAX_DOTS:  # years of weekly results: a dot each would be a smear
            dotted = [dotted[0], dotted[-1]]
        for (day, value), (x, y) in dotted:
            tip = _tag("title", [], _text(f"{day.isoformat()}: {format_number(value)}{suffix}"))
            out.append(
                _tag(
                    "circle",
                    [
                        ("class", "result"),
                        ("cx", _n(x)),
                        ("cy", _n(y)),
                        ("r", "3.5"),
                        ("fill", _RESULT),
                        ("stroke", "#ffffff"),
                        ("stroke-width", "1"),
                    ],
                    tip,
                )
            )

    # axes over everything else
    out.append(_line("axis", left, top, left, bottom, ("stroke", _AXIS)))
    out.append(_line("axis", left, bottom, right, bottom, ("stroke", _AXIS)))
    if not points:
        out.extend(_notice("no results yet", left, right, (top + bottom) / 2 + 5))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _forecast(
    forecast: tuple[tuple[dt.date, float], tuple[dt.date, float]] | None,
) -> tuple[tuple[int, float], tuple[int, float]] | None:
    """The forecast as ordinals and finite values, or None when there is nothing to draw."""
    if forecast is None:
        return None
    (day_a, value_a), (day_b, value_b) = forecast
    a, b = _as_float(value_a), _as_float(value_b)
    if a is None or b is None or day_b <= day_a:
        return None
    return (day_a.toordinal(), a), (day_b.toordinal(), b)


def _clip(
    segment: tuple[tuple[int, float], tuple[int, float]], x_range: tuple[int, int]
) -> tuple[tuple[int, float], tuple[int, float]] | None:
    """The part of the segment inside the x range, its ends moved along it to the edges."""
    (a, value_a), (b, value_b) = segment
    start, end = max(a, x_range[0]), min(b, x_range[1])
    if end <= start:
        return None
    return (
        (start, _lerp(value_a, value_b, (start - a) / (b - a))),
        (end, _lerp(value_a, value_b, (end - a) / (b - a))),
    )


def _widen_days(first: int, last: int, least: int = 60) -> tuple[int, int]:
    """At least ``least`` days, around the middle, inside the calendar."""
    first, last = max(first, 1), min(last, _LAST_DAY)
    if last - first >= least:
        return first, last
    need = least - (last - first)
    first, last = first - need // 2, last + (need - need // 2)
    if first < 1:
        first, last = 1, last + (1 - first)
    if last > _LAST_DAY:
        first, last = first - (last - _LAST_DAY), _LAST_DAY
    return first, last


def _spread(ys: Sequence[float], top: float, bottom: float, gap: float = 13.0) -> list[float]:
    """Label heights near ``ys`` at least ``gap`` apart (for two labels), inside the plot."""
    if len(ys) != 2 or abs(ys[0] - ys[1]) >= gap:
        return [min(max(y, top + 4), bottom) for y in ys]
    middle = (ys[0] + ys[1]) / 2
    middle = min(max(middle, top + 4 + gap / 2), bottom - gap / 2)
    first_up = ys[0] <= ys[1]  # the first label is the higher one on the page
    up, down = middle - gap / 2, middle + gap / 2
    return [up, down] if first_up else [down, up]


def _goal_desc(
    metric: str,
    unit: str | None,
    points: Sequence[Point],
    base: float | None,
    goal: float | None,
    due: dt.date | None,
    segment: tuple[tuple[int, float], tuple[int, float]] | None,
) -> str:
    lead = metric.strip() or "Result"
    if unit:
        lead += f" in {unit}"
    if not points:
        sentence = f"{lead}: no results yet"
    elif len(points) == 1:
        day, value = points[0]
        sentence = f"{lead}: 1 result on {day.isoformat()}, {format_number(value)}"
    else:
        sentence = (
            f"{lead}: {len(points)} results from {points[0][0].isoformat()} to "
            f"{points[-1][0].isoformat()}, latest {format_number(points[-1][1])}"
        )
    facts = []
    if base is not None:
        facts.append(f"baseline {format_number(base)}")
    if goal is not None:
        facts.append(f"target {format_number(goal)}")
    if due is not None:
        facts.append(f"due {due.isoformat()}")
    if facts:
        sentence += "; " + ", ".join(facts)
    if segment is not None:
        day_b, value_b = segment[1]
        when = dt.date.fromordinal(day_b).isoformat()
        if goal is not None:
            sentence += f"; forecast: target reached {when}"
        else:
            sentence += f"; forecast: {format_number(value_b)} by {when}"
        if due is not None and day_b > due.toordinal():
            sentence += ", after the due date"
    return sentence + "."


# -- the rate chart ----------------------------------------------------------------------------


def rate_chart(
    *,
    chart_id: str,
    title: str,
    bars: Sequence[tuple[str, float | None, str]],
    width: int = 640,
    height: int = 220,
) -> str:
    """Rates between 0 and 1 as bars on a 0%..100% axis, one per ``(label, rate or None,
    detail)``; None (nothing counted) is a small "–" instead of a bar. With many bars
    the x labels are thinned out, counted from the latest, so none overlap."""
    rows = [(str(label), _as_float(rate), str(detail)) for label, rate, detail in bars]
    out = _open(chart_id, title, "Rates", _rate_desc(rows), width, height)
    left, right = 44.0, width - 12.0
    top, bottom = 14.0, height - 28.0

    def y_of(rate: float) -> float:
        return bottom - min(max(rate, 0.0), 1.0) * (bottom - top)

    for tick in (0, 25, 50, 75, 100):
        y = y_of(tick / 100)
        out.append(_line("tick y", left, y, right, y, ("stroke", _GRID), ("stroke-width", "1")))
        out.append(_label("tick y", left - 6, y + 4, f"{tick}%", anchor="end"))

    if rows:
        slot = (right - left) / len(rows)
        bar_width = slot * 0.64
        widest = max(_text_width(label) for label, _, _ in rows)
        every = max(1, math.ceil((widest + 10) / slot))
        show_values = slot >= _text_width("100%", 10) + 8
        for i, (label, rate, detail) in enumerate(rows):
            middle = left + slot * (i + 0.5)
            about = f" ({detail})" if detail else ""
            if rate is None:
                tip = _tag("title", [], _text(f"{label}: nothing counted{about}"))
                out.append(
                    _tag(
                        "text",
                        [
                            ("class", "none"),
                            ("x", _n(middle)),
                            ("y", _n(bottom - 4)),
                            ("font-size", "12"),
                            ("text-anchor", "middle"),
                            ("fill", _MUTED),
                        ],
                        "–" + tip,
                    )
                )
            else:
                y = min(y_of(rate), bottom - 1.5)  # 0% still shows as a sliver
                tip = _tag("title", [], _text(f"{label}: {_percent(rate)}{about}"))
                out.append(
                    _tag(
                        "rect",
                        [
                            ("class", "bar"),
                            ("x", _n(middle - bar_width / 2)),
                            ("y", _n(y)),
                            ("width", _n(bar_width)),
                            ("height", _n(bottom - y)),
                            ("fill", _RESULT),
                        ],
                        tip,
                    )
                )
                if show_values:
                    out.append(
                        _tag(
                            "text",
                            [
                                ("class", "value"),
                                ("x", _n(middle)),
                                ("y", _n(max(y - 4, top + 8))),
                                ("font-size", "10"),
                                ("text-anchor", "middle"),
                                ("fill", _INK),
                            ],
                            _text(_percent(rate)),
                        )
                    )
            if (len(rows) - 1 - i) % every == 0:
                label = _fit(label, width - 4)
                half = _text_width(label) / 2
                x = min(max(middle, half + 2), width - half - 2)
                out.append(_line("tick x", middle, bottom, middle, bottom + 4, ("stroke", _AXIS)))
                out.append(_label("tick x", x, bottom + 16, label, anchor="middle"))

    out.append(_line("axis", left, top, left, bottom, ("stroke", _AXIS)))
    out.append(_line("axis", left, bottom, right, bottom, ("stroke", _AXIS)))
    if not rows:
        out.extend(_notice("nothing to show yet", left, right, (top + bottom) / 2 + 5))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _rate_desc(rows: Sequence[tuple[str, float | None, str]]) -> str:
    if not rows:
        return "Nothing to show yet."
    latest_label, latest, detail = rows[-1]
    about = f" ({detail})" if detail else ""
    shown = _percent(latest) if latest is not None else "nothing counted"
    if len(rows) == 1:
        sentence = f"1 period, {latest_label}: {shown}{about}"
    else:
        sentence = (
            f"{len(rows)} periods from {rows[0][0]} to {latest_label}; "
            f"latest {latest_label}: {shown}{about}"
        )
    empty = sum(1 for _, rate, _ in rows if rate is None)
    if empty:
        sentence += f"; nothing counted in {empty} of them"
    return sentence + "."
