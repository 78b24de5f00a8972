"""The accountability summary: the ledger rendered as text, JSON, Markdown or CSV.

Render functions take a ``Ledger`` and return a string; they never read files or git.
Every number comes from ``ledger.py`` and every rendering shows (or, for CSV, names)
the same ``DEFINITIONS``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import textwrap
from collections.abc import Callable
from typing import Any

from mastermind_kit.ledger import (
    DEFINITIONS,
    FATES,
    Attendance,
    Counts,
    GoalProgress,
    Ledger,
    MemberLedger,
    Trend,
)
from mastermind_kit.model import skipped_line
from mastermind_kit.render import csv_cell, json_safe, markdown_inline, visible

FORMATS = ("text", "json", "markdown", "csv")


def render(ledger: Ledger, fmt: str) -> str:
    renderers: dict[str, Callable[[Ledger], str]] = {
        "text": render_text,
        "json": render_json,
        "markdown": render_markdown,
        "csv": render_csv,
    }
    return renderers[fmt](ledger)


# -- one dict for JSON and CSV ---------------------------------------------------------------


def _rate(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _numbers(counts: Counts, attendance: Attendance) -> dict[str, Any]:
    numbers: dict[str, Any] = {"made": counts.made}
    numbers.update({fate: getattr(counts, fate) for fate in FATES})
    numbers["follow_through"] = _rate(counts.follow_through)
    numbers.update(
        meetings_attended=attendance.attended,
        meetings_excused=attendance.excused,
        meetings_missed=attendance.missed,
        prepared_on_time=attendance.prepared_on_time,
        prepared_late=attendance.prepared_late,
        prepared_unknown=attendance.prepared_unknown,
    )
    return numbers


def _trend(trend: Trend) -> dict[str, Any]:
    def window(since: dt.date, until: dt.date, counts: Counts) -> dict[str, Any]:
        return {
            "since": since.isoformat(),
            "until": until.isoformat(),
            "made": counts.made,
            "follow_through": _rate(counts.follow_through),
        }

    return {
        "last_quarter": window(trend.last.since, trend.last.until, trend.last.counts),
        "quarter_before": window(trend.before.since, trend.before.until, trend.before.counts),
        "change": _rate(trend.change),
    }


def _goal(progress: GoalProgress) -> dict[str, Any]:
    goal = progress.goal
    return {
        "id": goal.id,
        "title": goal.title,
        "metric": goal.metric,
        "unit": goal.unit,
        "baseline": goal.baseline,
        "target": goal.target,
        "due": goal.due.isoformat() if goal.due else None,
        "latest": progress.latest,
        "latest_at": progress.latest_at.isoformat() if progress.latest_at else None,
        "percent": progress.percent,
        "forecast": progress.forecast,
    }


def _member(ledger: MemberLedger) -> dict[str, Any]:
    member = ledger.member
    data: dict[str, Any] = {
        "name": member.name,
        "joined": member.joined.isoformat() if member.joined else None,
        "left": member.left.isoformat() if member.left else None,
    }
    data.update(_numbers(ledger.counts, ledger.attendance))
    data["streak"] = {"current": ledger.streak_current, "longest": ledger.streak_longest}
    data["carried_over"] = [
        {"id": e.commitment.id, "text": e.commitment.text, "times": e.carried}
        for e in ledger.carried_over
    ]
    data["prepared_late_notes"] = [
        {"meeting": day.isoformat(), "first_committed": when.isoformat()}
        for day, when in ledger.late_notes
    ]
    data["goals"] = [_goal(g) for g in ledger.goals]
    data["trend"] = _trend(ledger.trend)
    data["commitments"] = [
        {
            "id": e.commitment.id,
            "text": e.commitment.text,
            "meeting": e.commitment.meeting.isoformat(),
            "due": e.due.isoformat() if e.due else None,
            "goal": e.commitment.goal,
            "fate": e.fate,
            "reported_at": e.reported_at.isoformat() if e.reported_at else None,
            "report_note": e.report.note if e.report else None,
            "carried_from": e.chain,
        }
        for e in ledger.commitments
    ]
    return data


def to_dict(ledger: Ledger) -> dict[str, Any]:
    group: dict[str, Any] = {
        "name": ledger.group.name,
        "cadence": ledger.group.cadence,
        "timezone": ledger.group.timezone,
        "meetings": len(ledger.meetings),
    }
    group.update(_numbers(ledger.counts, ledger.attendance))
    group["trend"] = _trend(ledger.trend)
    return {
        "today": ledger.today.isoformat(),
        "since": ledger.since.isoformat() if ledger.since else None,
        "until": ledger.until.isoformat() if ledger.until else None,
        "definitions": DEFINITIONS,
        "group": group,
        "members": {member_id: _member(m) for member_id, m in ledger.members.items()},
        "warnings": ledger.warnings,
        "skipped": [s.to_json() for s in ledger.skipped],
    }


def render_json(ledger: Ledger) -> str:
    """One line of JSON: a summary of years of history runs to megabytes, and only the
    compact form is written by the C encoder (pipe it through ``jq`` to read it)."""
    return json_safe(json.dumps(to_dict(ledger), ensure_ascii=False)) + "\n"


# -- tables ------------------------------------------------------------------------------------

_COLUMNS = (
    ("made", "made"),
    ("done", "done"),
    ("partial", "partial"),
    ("missed", "missed"),
    ("dropped", "dropped"),
    ("unreported", "unrep."),
    ("open", "open"),
    ("follow_through", "follow-through"),
    ("meetings_attended", "attended"),
    ("meetings_excused", "excused"),
    ("meetings_missed", "absent"),
    ("prepared_on_time", "on time"),
    ("prepared_late", "late"),
    ("prepared_unknown", "unknown"),
    ("streak", "streak"),
)


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.0f}%"


def _cells(numbers: dict[str, Any], streak: str) -> list[str]:
    cells = []
    for key, _ in _COLUMNS:
        if key == "follow_through":
            cells.append(_percent(numbers[key]))
        elif key == "streak":
            cells.append(streak)
        else:
            cells.append(str(numbers[key]))
    return cells


def _rows(ledger: Ledger) -> list[list[str]]:
    rows = []
    for member_id, member in ledger.members.items():
        label = member_id + (f" (left {member.member.left})" if member.member.left else "")
        streak = f"{member.streak_current} (best {member.streak_longest})"
        rows.append([label, *_cells(_numbers(member.counts, member.attendance), streak)])
    rows.append(["group", *_cells(_numbers(ledger.counts, ledger.attendance), "")])
    return rows


def _period(ledger: Ledger) -> str:
    if not ledger.meetings:
        return "no meetings held yet in this period"
    first, last = ledger.meetings[0], ledger.meetings[-1]
    return f"{len(ledger.meetings)} meeting(s), {first} to {last}"


def _trend_line(trend: Trend) -> str:
    change = trend.change
    shift = "" if change is None else f" ({change * 100:+.0f} points)"
    return (
        f"follow-through {_percent(trend.last.counts.follow_through)} "
        f"({trend.last.counts.made} made) in the 13 weeks to {trend.last.until}, against "
        f"{_percent(trend.before.counts.follow_through)} ({trend.before.counts.made} made) "
        f"in the 13 weeks before{shift}"
    )


def _goal_line(progress: GoalProgress) -> str:
    goal = progress.goal
    unit = f" {goal.unit}" if goal.unit else ""
    latest = "no result yet" if progress.latest is None else f"{progress.latest:g}{unit}"
    percent = "" if progress.percent is None else f", {progress.percent:g}% of the way"
    target = "" if goal.target is None else f" -> target {goal.target:g}{unit}"
    baseline = "" if goal.baseline is None else f"baseline {goal.baseline:g}{unit}, "
    when = {
        None: "",
        "reached": "; target reached",
        "not at this pace": "; not at this pace",
    }.get(progress.forecast, f"; at this pace reached {progress.forecast}")
    return f"{goal.id} ({goal.title}): {baseline}latest {latest}{target}{percent}{when}"


def _details(ledger: Ledger) -> list[str]:
    lines: list[str] = []
    for member_id, member in ledger.members.items():
        notes: list[str] = [f"goal {_goal_line(g)}" for g in member.goals]
        for entry in member.carried_over:
            notes.append(
                f"carried over {entry.carried} times: {entry.commitment.id} "
                f'"{entry.commitment.text}" (close it, re-make it differently or drop it)'
            )
        for day, when in member.late_notes:
            notes.append(f"note for {day} first committed {when.isoformat()} (late)")
        notes.append(f"trend: {_trend_line(member.trend)}")
        lines.append(f"{member_id}:")
        lines.extend(f"  {visible(note, line=True)}" for note in notes)
    return lines


def _wrapped_definitions(width: int = 88) -> list[str]:
    lines = []
    for key, sentence in DEFINITIONS.items():
        lines.extend(textwrap.wrap(f"{key}: {sentence}", width=width, subsequent_indent="    "))
    return lines


def render_text(ledger: Ledger) -> str:
    header = ["member", *(label for _, label in _COLUMNS)]
    rows = _rows(ledger)
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(row: list[str]) -> str:
        first = row[0].ljust(widths[0])
        rest = (cell.rjust(widths[i + 1]) for i, cell in enumerate(row[1:]))
        return "  ".join([first, *rest]).rstrip()

    out = [
        f"{visible(ledger.group.name, line=True)}: accountability as of {ledger.today} "
        f"({_period(ledger)})",
        "",
        line(header),
        line(["-" * w for w in widths]),
        *(line(row) for row in rows[:-1]),
        line(["-" * w for w in widths]),
        line(rows[-1]),
        "",
        f"group trend: {_trend_line(ledger.trend)}",
        "",
        *_details(ledger),
    ]
    if ledger.warnings:
        out += ["", *(f"warning: {visible(w, line=True)}" for w in ledger.warnings)]
    if ledger.skipped:
        out += ["", f"warning: {skipped_line(ledger.skipped)}"]
    out += ["", "Definitions:", *(f"  {d}" for d in _wrapped_definitions())]
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    """Our own sentences in a table or a list (a member's text: ``markdown_inline``)."""
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(ledger: Ledger) -> str:
    header = ["member", *(label for _, label in _COLUMNS)]
    rows = _rows(ledger)
    out = [
        f"# Accountability: {markdown_inline(ledger.group.name)}",
        "",
        f"As of {ledger.today}; {_period(ledger)}.",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "|".join([":---", *("---:" for _ in header[1:])]) + "|",
    ]
    for row in rows:
        cells = [_md(c) for c in row]
        if row is rows[-1]:
            cells = [f"**{c}**" if c else c for c in cells]
        out.append("| " + " | ".join(cells) + " |")
    out += ["", f"Group trend: {_trend_line(ledger.trend)}.", ""]
    for member_id, member in ledger.members.items():
        out.append(f"## {markdown_inline(member.member.name)} ({member_id})")
        out.append("")
        details = [f"Goal {markdown_inline(_goal_line(g))}" for g in member.goals]
        details += [
            f"Carried over {e.carried} times: `{e.commitment.id}` "
            f"{markdown_inline(e.commitment.text)}"
            for e in member.carried_over
        ]
        details += [
            f"Note for {day} first committed {when.isoformat()} (late)"
            for day, when in member.late_notes
        ]
        details.append(f"Trend: {_trend_line(member.trend)}")
        out += [f"- {d}" for d in details]
        out.append("")
    if ledger.warnings:
        out += [*(f"> warning: {_md(w)}" for w in ledger.warnings), ""]
    if ledger.skipped:
        out += [f"> warning: {skipped_line(ledger.skipped)}", ""]
    out += ["## Definitions", ""]
    out += [f"- **{key}**: {_md(sentence)}" for key, sentence in DEFINITIONS.items()]
    return "\n".join(out) + "\n"


CSV_COLUMNS = (
    "member",
    "name",
    "made",
    *FATES,
    "follow_through",
    "meetings_attended",
    "meetings_excused",
    "meetings_missed",
    "prepared_on_time",
    "prepared_late",
    "prepared_unknown",
    "streak_current",
    "streak_longest",
    "carried_over",
)


def render_csv(ledger: Ledger) -> str:
    """One row per member and a last row "group"; the column names are the JSON keys,
    defined in ``DEFINITIONS`` (``mastermind summary --format json`` prints them). A
    name a spreadsheet would read as a formula is written as text (``csv_cell``)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    data = to_dict(ledger)
    for member_id, member in data["members"].items():
        row = {key: member.get(key) for key in CSV_COLUMNS}
        row.update(
            member=member_id,
            streak_current=member["streak"]["current"],
            streak_longest=member["streak"]["longest"],
            carried_over=len(member["carried_over"]),
        )
        writer.writerow({k: "" if v is None else csv_cell(v) for k, v in row.items()})
    group = data["group"]
    row = {key: group.get(key) for key in CSV_COLUMNS}
    row.update(
        member="group",
        name=ledger.group.name,
        streak_current="",
        streak_longest="",
        carried_over=sum(len(m["carried_over"]) for m in data["members"].values()),
    )
    writer.writerow({k: "" if v is None else csv_cell(v) for k, v in row.items()})
    return buffer.getvalue()
