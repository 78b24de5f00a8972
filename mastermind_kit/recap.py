"""``mastermind recap``: what happened at one meeting, for the group's record.

Who attended (a member with a note for the meeting), who was excused (in
``mastermind.yaml``) and who was absent; the hot seats in order, each with the issue
the member brought (their first question); each member's walk-away; the commitments
made there (id, text, due: by default the next meeting); the report-backs on earlier
commitments with the status each was given; and the measurable results against their
goals' baselines and targets (``ledger.progress_percent``).

The hot seats are the meeting's agenda's ``hot_seats`` where an agenda was written,
else the order the agenda would have given the members who came (``agenda.held_seats``).

Rendered as Markdown (``recap.md.j2``; a group may override it), plain text or JSON;
``document`` and ``write`` save ``recaps/<date>.md`` as a generated file
(``generated.py``): a recap edited by hand is never replaced without ``force``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mastermind_kit import schedule
from mastermind_kit.charts import format_number
from mastermind_kit.ledger import progress_percent
from mastermind_kit.model import Commitment, Group, MemberEntry, Report, Skipped, skipped_line
from mastermind_kit.read import RecapView
from mastermind_kit.render import markdown_inline, visible
from mastermind_kit.repo import GroupRepo

__all__ = ["Recap", "build", "document", "markdown_body", "text", "write"]

TEMPLATE = "recap.md.j2"


@dataclass
class HotSeat:
    member: MemberEntry
    issue: str | None  # the first question they brought
    requested: bool


@dataclass
class Made:
    """A commitment made at the meeting."""

    member: MemberEntry
    commitment: Commitment
    due: dt.date | None  # its due date, or by default the next meeting


@dataclass
class ReportBack:
    member: MemberEntry
    report: Report
    commitment: Commitment | None  # the earlier commitment, when it could be read


@dataclass
class Result:
    member: MemberEntry
    goal: str
    title: str
    unit: str | None
    value: float
    baseline: float | None
    target: float | None
    percent: float | None


@dataclass
class Recap:
    group: Group
    meeting: dt.date
    start: dt.datetime
    attended: list[MemberEntry]
    excused: list[MemberEntry]
    absent: list[MemberEntry]
    unreadable: list[MemberEntry]  # a note is there but has errors (skipped): not absent
    hot_seats: list[HotSeat]
    hot_seats_recorded: bool  # from the meeting's agenda.md, not replayed
    walk_aways: list[tuple[MemberEntry, str | None]]
    commitments: list[Made]
    reports: list[ReportBack]
    results: list[Result]
    skipped: list[Skipped] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        def who(member: MemberEntry) -> dict[str, str]:
            return {"id": member.id, "name": member.name}

        return {
            "meeting": self.meeting.isoformat(),
            "group": self.group.name,
            "start": self.start.isoformat(),
            "attended": [who(m) for m in self.attended],
            "excused": [who(m) for m in self.excused],
            "absent": [who(m) for m in self.absent],
            "unreadable": [who(m) for m in self.unreadable],
            "hot_seats": [
                {**who(s.member), "issue": s.issue, "requested": s.requested}
                for s in self.hot_seats
            ],
            "hot_seats_recorded": self.hot_seats_recorded,
            "walk_aways": [{**who(m), "walk_away": w} for m, w in self.walk_aways],
            "commitments": [
                {
                    **who(m.member),
                    "commitment": m.commitment.id,
                    "text": m.commitment.text,
                    "due": _iso(m.due),
                    "goal": m.commitment.goal,
                    "carried_from": m.commitment.carried_from,
                }
                for m in self.commitments
            ],
            "reports": [
                {
                    **who(r.member),
                    "commitment": r.report.id,
                    "text": r.commitment.text if r.commitment else None,
                    "status": r.report.status,
                    "note": r.report.note,
                }
                for r in self.reports
            ],
            "results": [
                {
                    **who(r.member),
                    "goal": r.goal,
                    "title": r.title,
                    "unit": r.unit,
                    "value": r.value,
                    "baseline": r.baseline,
                    "target": r.target,
                    "percent": r.percent,
                }
                for r in self.results
            ],
            "skipped": [s.to_json() for s in self.skipped],
            "legend": {
                "attended": "members with a note for the meeting",
                "excused": "excused in mastermind.yaml",
                "absent": "in the group on that day, not excused, no note",
                "unreadable": "a note is there but has errors of its own (run 'mastermind "
                "check'): left out, so neither attended nor absent",
                "hot_seats": "from the meeting's agenda.md where it records them, else the "
                "order the agenda gives the members who came (hot_seats_recorded: false)",
                "issue": "the first question the member brought",
                "due": "the commitment's due date, or by default the next meeting",
                "percent": "(value - baseline) / (target - baseline) x 100",
            },
        }


def last_held(group: Group, now: dt.datetime | dt.date) -> dt.date | None:
    """The last meeting that has started by ``now`` (a recap's default)."""
    moment = schedule.moment(group, now)
    day = schedule.local_date(group, now)
    for candidate in reversed(schedule.meetings(group, until=day)):
        if schedule.start(group, candidate) <= moment:
            return candidate
    return None


def build(view: RecapView) -> Recap:
    from mastermind_kit.agenda import held_seats

    meeting_view = view.meeting
    group, meeting, notes = meeting_view.group, meeting_view.meeting, meeting_view.notes
    active = [m for m in group.members if m.active_on(meeting)]
    broken = {s.note_of() for s in view.skipped}
    attended = [m for m in active if m.id in notes]
    unreadable = [m for m in active if m.id not in notes and (meeting, m.id) in broken]
    excused = [m for m in active if m.id not in notes and group.is_excused(m.id, meeting)]
    absent = [m for m in active if m.id not in notes and m not in excused + unreadable]
    members = {m.id: m for m in group.members}
    seat_ids, recorded = held_seats(meeting_view)
    hot_seats = []
    for member_id in dict.fromkeys(seat_ids):  # once each, in order
        member = members.get(member_id)
        if member is None:
            continue
        note = notes.get(member_id)
        issue = note.questions[0] if note and note.questions else None
        hot_seats.append(HotSeat(member, _text(issue), bool(note and note.hot_seat)))
    due_default = schedule.next_after(group, meeting)
    walk_aways: list[tuple[MemberEntry, str | None]] = []
    made: list[Made] = []
    reports: list[ReportBack] = []
    results: list[Result] = []
    for member in attended:
        note = notes[member.id]
        walk_aways.append((member, _text(note.walk_away)))
        for commitment in note.commitments:
            made.append(Made(member, commitment, commitment.due or due_default))
        for report in note.report:
            reports.append(ReportBack(member, report, view.commitments.get(report.id)))
        profile = view.profiles.get(member.id)
        for goal_id, value in note.results.items():
            if value is None or isinstance(value, bool):
                continue
            goal = profile.goal(goal_id) if profile else None
            if goal is None:
                results.append(Result(member, goal_id, goal_id, None, value, None, None, None))
                continue
            results.append(
                Result(
                    member,
                    goal_id,
                    goal.title,
                    goal.unit,
                    value,
                    goal.baseline,
                    goal.target,
                    progress_percent(goal, value),
                )
            )
    return Recap(
        group=group,
        meeting=meeting,
        start=schedule.start(group, meeting),
        attended=attended,
        excused=excused,
        absent=absent,
        unreadable=unreadable,
        hot_seats=hot_seats,
        hot_seats_recorded=recorded,
        walk_aways=walk_aways,
        commitments=made,
        reports=reports,
        results=results,
        skipped=list(view.skipped),
    )


def _text(text: str | None) -> str | None:
    """A member's text as they wrote it (JSON keeps it raw; the renderings escape it), or
    None when there is nothing in it."""
    return text if text and text.strip() else None


def one_line(text: str | None) -> str:
    """A member's text on one line, its control characters made visible."""
    return visible(" ".join((text or "").split()))


def number(value: float | None) -> str:
    """A measured value as the pages show it (``charts.format_number``)."""
    return "" if value is None else format_number(value)


def _context(recap: Recap, *, markdown: bool = False) -> dict[str, Any]:
    """Plain values for the templates: every text on one line, and for Markdown with
    its markup characters escaped."""
    plain = markdown_inline if markdown else (lambda text: text)

    def line(text: str | None) -> str:
        return plain(one_line(text))

    def who(member: MemberEntry) -> str:
        return f"{line(member.name)} ({member.id})"

    return {
        "group": line(recap.group.name),
        "meeting": recap.meeting.isoformat(),
        "start": recap.start.strftime("%a %Y-%m-%d %H:%M %Z"),
        "attended": [who(m) for m in recap.attended],
        "excused": [who(m) for m in recap.excused],
        "absent": [who(m) for m in recap.absent],
        "unreadable": [who(m) for m in recap.unreadable],
        "hot_seats": [
            {"who": who(s.member), "issue": line(s.issue), "requested": s.requested}
            for s in recap.hot_seats
        ],
        "hot_seats_recorded": recap.hot_seats_recorded,
        "walk_aways": [{"who": who(m), "walk_away": line(w)} for m, w in recap.walk_aways],
        "commitments": [
            {
                "who": who(m.member),
                "id": m.commitment.id,
                "text": line(m.commitment.text),
                "due": _iso(m.due) or "",
                "goal": m.commitment.goal or "",
                "carried_from": m.commitment.carried_from or "",
            }
            for m in recap.commitments
        ],
        "reports": [
            {
                "who": who(r.member),
                "id": r.report.id,
                "text": line(r.commitment.text) if r.commitment else "",
                "status": r.report.status or "no status",
                "note": line(r.report.note),
            }
            for r in recap.reports
        ],
        "results": [
            {
                "who": who(r.member),
                "goal": r.goal,
                "title": line(r.title),
                "value": number(r.value) + (f" {line(r.unit)}" if r.unit else ""),
                "baseline": number(r.baseline),
                "target": number(r.target),
                "percent": "" if r.percent is None else f"{r.percent:g}%",
            }
            for r in recap.results
        ],
        "skipped": skipped_line(recap.skipped) if recap.skipped else "",
    }


def markdown_body(recap: Recap, *, group_root: Path | None = None) -> str:
    """The recap in Markdown, ready to paste into an email (``recap.md.j2``)."""
    from mastermind_kit.render import render

    # A group's own template is the group's text too: nothing in it drives a terminal.
    return visible(render(TEMPLATE, _context(recap, markdown=True), group_root=group_root))


def text(recap: Recap) -> str:
    """The recap as plain text, for a terminal."""
    c = _context(recap)
    lines = [f"Recap: {c['group']}, {c['start']}", ""]
    lines.append(f"Attended: {', '.join(c['attended']) or 'nobody'}")
    if c["excused"]:
        lines.append(f"Excused: {', '.join(c['excused'])}")
    if c["absent"]:
        lines.append(f"Absent: {', '.join(c['absent'])}")
    if c["unreadable"]:
        lines.append(f"Note unreadable (skipped): {', '.join(c['unreadable'])}")
    lines += ["", "Hot seats" + ("" if c["hot_seats_recorded"] else " (as the agenda ordered)")]
    for i, seat in enumerate(c["hot_seats"], start=1):
        lines.append(f"  {i}. {seat['who']}" + (f": {seat['issue']}" if seat["issue"] else ""))
    if not c["hot_seats"]:
        lines.append("  none")
    lines += ["", "Walk-aways"]
    for entry in c["walk_aways"]:
        lines.append(f"  {entry['who']}: {entry['walk_away'] or '(not written)'}")
    if not c["walk_aways"]:
        lines.append("  none")
    lines += ["", "Commitments made"]
    for made in c["commitments"]:
        lines.append(f"  {made['id']}  {made['text']} (due {made['due'] or '-'})")
    if not c["commitments"]:
        lines.append("  none yet")
    lines += ["", "Report-backs"]
    for report in c["reports"]:
        what = f" {report['text']}" if report["text"] else ""
        note = f": {report['note']}" if report["note"] else ""
        lines.append(f"  {report['id']}{what} -> {report['status']}{note}")
    if not c["reports"]:
        lines.append("  none")
    lines += ["", "Results"]
    for result in c["results"]:
        parts = [f"{result['value']}"]
        if result["target"]:
            parts.append(f"baseline {result['baseline'] or '-'}, target {result['target']}")
        if result["percent"]:
            parts.append(f"{result['percent']} of the way")
        lines.append(f"  {result['who']}, {result['title']}: {'; '.join(parts)}")
    if not c["results"]:
        lines.append("  none")
    if c["skipped"]:
        lines += ["", f"warning: {c['skipped']}"]
    return "\n".join(lines) + "\n"


def document(recap: Recap, body: str) -> str:
    """recaps/<date>.md: the meeting and a content hash in front matter, then ``body``."""
    from mastermind_kit import generated

    return generated.document(
        f"meeting: {recap.meeting.isoformat()}\n", body, command="mastermind recap"
    )


def write(repo: GroupRepo, recap: Recap, text: str, *, force: bool = False) -> str:
    """Save recaps/<date>.md (``generated.write``)."""
    from mastermind_kit import generated

    path = repo.recap_path(recap.meeting)
    return generated.write(path, text, root=repo.root, shown=repo.rel(path), force=force)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None
