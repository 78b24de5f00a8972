"""``mastermind agenda``: who prepared, a fair hot-seat order, and time boxes.

Attendees are the members in the group on the meeting date who are not excused.

Hot-seat order: members who ask for it (``hot_seat: true`` in their note) first, then
everyone else; within each part, whoever had the hot seat least recently goes first
(never before anyone who had it), ties broken by the order of ``members`` in
``mastermind.yaml``. Who had the hot seat when is read from the agendas of the last
``read.ROTATION_WINDOW`` meetings (``meetings/<date>/agenda.md``, front matter
``hot_seats``; edit it after a meeting that ran differently and the rotation
follows); someone not seated in that window counts as never seated. For an earlier
meeting without an agenda the rotation assumes the agenda this module would have made
for the members who came (those with a note): a group that never writes agendas still
rotates, and an absent member never "had" the hot seat.

Time boxes add up to ``duration_minutes``: an opening round of short updates and a
commitments round (2 minutes per attendee each, at least 5), a close of 5 minutes,
as many hot seats of ``hot_seat_minutes`` as fit in the rest, and what is left as an
open floor. When the framing leaves no room for a single hot seat, it is shrunk so
that one fits. Requests that do not fit move to next time, and the agenda says so.

``write`` saves ``agenda.md`` with the order in its front matter and a content hash
(``generated``), so an agenda a person edited is told apart from a generated one and
is never replaced without ``force``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mastermind_kit import schedule
from mastermind_kit.model import Group, MemberEntry, Note
from mastermind_kit.read import MeetingView
from mastermind_kit.repo import GroupRepo

TEMPLATE = "agenda.md.j2"
ROUND_MINUTES_PER_MEMBER = 2
ROUND_MIN_MINUTES = 5
CLOSE_MINUTES = 5


@dataclass
class TimeBox:
    title: str
    minutes: int
    kind: str  # opening | hot_seat | commitments | open_floor | close
    start: dt.datetime
    member: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "minutes": self.minutes,
            "kind": self.kind,
            "start": self.start.strftime("%H:%M"),
            "member": self.member,
        }


@dataclass
class Seat:
    """One attendee in the hot-seat order."""

    member: MemberEntry
    requested: bool
    last_hot_seat: dt.date | None
    note: Note | None

    @property
    def id(self) -> str:
        return self.member.id


@dataclass
class Agenda:
    group: Group
    meeting: dt.date
    start: dt.datetime
    order: list[Seat]  # every attendee, in hot-seat order
    slots: int  # how many of them get a hot seat
    boxes: list[TimeBox]
    excused: list[MemberEntry] = field(default_factory=list)

    @property
    def hot_seats(self) -> list[str]:
        return [s.id for s in self.order[: self.slots]]

    @property
    def moves_to_next_time(self) -> list[str]:
        return [s.id for s in self.order[self.slots :] if s.requested]

    @property
    def prepared(self) -> list[str]:
        """Attendees with a note, in the order of members."""
        return [s.id for s in self._by_member() if s.note is not None]

    @property
    def not_prepared(self) -> list[str]:
        return [s.id for s in self._by_member() if s.note is None]

    def _by_member(self) -> list[Seat]:
        position = {m.id: i for i, m in enumerate(self.group.members)}
        return sorted(self.order, key=lambda s: position[s.id])

    def to_json(self) -> dict[str, Any]:
        return {
            "meeting": self.meeting.isoformat(),
            "group": self.group.name,
            "start": self.start.isoformat(),
            "duration_minutes": self.group.duration_minutes,
            "hot_seat_minutes": self.group.hot_seat_minutes,
            "hot_seat_order": [s.id for s in self.order],
            "hot_seats": self.hot_seats,
            "moves_to_next_time": self.moves_to_next_time,
            "prepared": self.prepared,
            "not_prepared": self.not_prepared,
            "excused": [m.id for m in self.excused],
            "time_boxes": [b.to_json() for b in self.boxes],
            "members": [
                {
                    "id": s.id,
                    "name": s.member.name,
                    "prepared": s.note is not None,
                    "hot_seat_requested": s.requested,
                    "last_hot_seat": s.last_hot_seat.isoformat() if s.last_hot_seat else None,
                    "walk_away": s.note.walk_away if s.note else None,
                    "questions": s.note.questions if s.note else [],
                }
                for s in self.order
            ],
            "legend": {
                "hot_seat_order": "requests first, then whoever had the hot seat least "
                "recently (read from earlier agendas); ties in the order of members",
                "hot_seats": "the first of hot_seat_order that fit in the time",
            },
        }


# -- planning -----------------------------------------------------------------------------


def build(view: MeetingView) -> Agenda:
    """The agenda of ``view.meeting`` (a date on the schedule)."""
    group, meeting = view.group, view.meeting
    active = [m for m in group.members if m.active_on(meeting)]
    excused = [m for m in active if group.is_excused(m.id, meeting)]
    attendees = [
        (m, bool(note and note.hot_seat), note)
        for m in active
        if m not in excused
        for note in [view.notes.get(m.id)]
    ]
    return _plan(group, meeting, hot_seat_history(view), attendees, excused)


def hot_seat_history(view: MeetingView) -> dict[str, dt.date]:
    """Member id -> the last meeting before ``view.meeting`` (within the read layer's
    window) at which they had the hot seat: from that meeting's agenda where one was
    written, else the agenda this module would have made for those who came."""
    group = view.group
    position = {m.id: i for i, m in enumerate(group.members)}
    last: dict[str, dt.date] = {}
    for day in sorted({*view.records, *view.attended}):
        seats = view.records.get(day)
        if seats is None:
            came = [(a.member, a.requested) for a in view.attended.get(day, [])]
            came = [c for c in came if c[0] in position]
            order = _order(came, last, position)
            seats = order[: _framing(group, len(order))[0]]
        for member in seats:
            last[member] = day
    return last


def held_seats(view: MeetingView) -> tuple[list[str], bool]:
    """Who had the hot seat at ``view.meeting`` (a meeting that took place), in order,
    and whether that is recorded: the meeting's own agenda's ``hot_seats`` where it has
    them (True), else the agenda this module would have made for the members who came
    (False), the same replay the rotation uses."""
    record = view.record
    if record is not None and record.hot_seats is not None:
        return list(record.hot_seats), True
    members = {m.id: m for m in view.group.members}
    came = [
        (members[member], note.hot_seat, note)
        for member, note in view.notes.items()
        if member in members
    ]
    plan = _plan(view.group, view.meeting, hot_seat_history(view), came, [])
    return plan.hot_seats, False


def _plan(
    group: Group,
    meeting: dt.date,
    last: dict[str, dt.date],
    attendees: Sequence[tuple[MemberEntry, bool, Note | None]],
    excused: list[MemberEntry],
) -> Agenda:
    position = {m.id: i for i, m in enumerate(group.members)}
    by_id = {m.id: (m, requested, note) for m, requested, note in attendees}
    order = _order([(m.id, requested) for m, requested, _ in attendees], last, position)
    seats = [
        Seat(member=m, requested=requested, last_hot_seat=last.get(m.id), note=note)
        for m, requested, note in (by_id[member] for member in order)
    ]
    start = schedule.start(group, meeting)
    slots, boxes = time_boxes(group, seats, start)
    return Agenda(group, meeting, start, seats, slots, boxes, excused)


def _order(
    attendees: Sequence[tuple[str, bool]], last: dict[str, dt.date], position: dict[str, int]
) -> list[str]:
    """The hot-seat order of (member id, asked for it): the one rule of the rotation."""
    ranked = sorted(
        attendees,
        key=lambda a: (not a[1], last.get(a[0]) or dt.date.min, position[a[0]]),
    )
    return [member for member, _ in ranked]


def _framing(group: Group, count: int) -> tuple[int, list[int]]:
    """(how many of ``count`` attendees get a hot seat, the minutes of the opening
    round, the commitments round and the close)."""
    duration = group.duration_minutes
    hot = max(1, group.hot_seat_minutes)
    rounds = max(ROUND_MIN_MINUTES, ROUND_MINUTES_PER_MEMBER * count)
    framing = [rounds, rounds, CLOSE_MINUTES]
    if sum(framing) > duration:
        framing = _scale(framing, duration)
    slots = min(count, (duration - sum(framing)) // hot)
    if slots == 0 and count and duration > hot:
        framing = _scale(framing, duration - hot)
        slots = 1
    return slots, framing


def time_boxes(group: Group, order: list[Seat], start: dt.datetime) -> tuple[int, list[TimeBox]]:
    """(number of hot seats, the boxes); the minutes add up to ``duration_minutes``."""
    duration = group.duration_minutes
    hot = max(1, group.hot_seat_minutes)
    slots, framing = _framing(group, len(order))
    opening, commitments, close = framing
    open_floor = duration - sum(framing) - slots * hot
    plan: list[tuple[str, int, str, str | None]] = [
        ("Opening round: short updates and results", opening, "opening", None)
    ]
    for number, seat in enumerate(order[:slots], start=1):
        plan.append(
            (f"Hot seat {number}: {seat.member.name} ({seat.id})", hot, "hot_seat", seat.id)
        )
    plan.append(("Commitments round: each member's action steps", commitments, "commitments", None))
    plan.append(("Open floor and buffer", open_floor, "open_floor", None))
    plan.append(("Close: walk-aways and feedback", close, "close", None))
    boxes: list[TimeBox] = []
    at = start
    for title, minutes, kind, member in plan:
        if minutes <= 0:
            continue
        boxes.append(TimeBox(title, minutes, kind, at, member))
        at = at + dt.timedelta(minutes=minutes)
    return slots, boxes


def _scale(parts: list[int], total: int) -> list[int]:
    """``parts`` scaled to add up to ``total`` exactly (largest remainder first)."""
    whole = sum(parts)
    if whole == 0 or total <= 0:
        return [0 for _ in parts]
    exact = [p * total / whole for p in parts]
    scaled = [int(x) for x in exact]
    by_remainder = sorted(range(len(parts)), key=lambda i: (-(exact[i] - scaled[i]), i))
    for i in by_remainder[: total - sum(scaled)]:
        scaled[i] += 1
    return scaled


# -- rendering and writing ----------------------------------------------------------------


def markdown_body(agenda: Agenda, *, group_root: Path | None = None) -> str:
    """The agenda's Markdown (no front matter), from ``agenda.md.j2``."""
    from mastermind_kit.render import markdown_inline as md
    from mastermind_kit.render import render, visible

    # Every text a member wrote (names too) on one line with its markup escaped: a name
    # holding "|" or a newline forges no table row and no heading.
    names = {m.id: md(m.name) for m in agenda.group.members}
    context: dict[str, Any] = {
        "group": md(agenda.group.name),
        "meeting": agenda.meeting.isoformat(),
        "start": agenda.start.strftime("%a %Y-%m-%d %H:%M %Z"),
        "duration_minutes": agenda.group.duration_minutes,
        "hot_seat_minutes": agenda.group.hot_seat_minutes,
        "prepared": [names[m] + f" ({m})" for m in agenda.prepared],
        "not_prepared": [names[m] + f" ({m})" for m in agenda.not_prepared],
        "excused": [f"{md(m.name)} ({m.id})" for m in agenda.excused],
        "boxes": [
            {"start": b.start.strftime("%H:%M"), "minutes": b.minutes, "title": md(b.title)}
            for b in agenda.boxes
        ],
        "order": [
            {
                "id": s.id,
                "name": md(s.member.name),
                "requested": s.requested,
                "seated": i < agenda.slots,
                "last": s.last_hot_seat.isoformat() if s.last_hot_seat else None,
            }
            for i, s in enumerate(agenda.order)
        ],
        "moves_to_next_time": [f"{names[m]} ({m})" for m in agenda.moves_to_next_time],
        "members": [
            {
                "id": s.id,
                "name": md(s.member.name),
                "prepared": s.note is not None,
                "requested": s.requested,
                "walk_away": md(s.note.walk_away) if s.note else "",
                "questions": [md(q) for q in s.note.questions] if s.note else [],
            }
            for s in agenda.order
        ],
    }
    # A group's own template is the group's text too: nothing in it drives a terminal.
    return visible(render(TEMPLATE, context, group_root=group_root))


def document(agenda: Agenda, body: str) -> str:
    """agenda.md: the rotation record in front matter, a content hash, then ``body``."""
    from mastermind_kit import generated

    ids = ", ".join(_quote(s.id) for s in agenda.order)
    seats = ", ".join(_quote(m) for m in agenda.hot_seats)
    head = (
        f"meeting: {agenda.meeting.isoformat()}\n"
        f"hot_seat_order: [{ids}]\n"
        f"hot_seats: [{seats}]  # who has the hot seat; if the meeting ran differently, "
        "edit this: the next agenda's rotation reads it\n"
    )
    return generated.document(head, body, command="mastermind agenda")


def write(repo: GroupRepo, agenda: Agenda, text: str, *, force: bool = False) -> str:
    """Save agenda.md (see ``generated.write``): a generated agenda is replaced, a
    hand-edited one only with ``force``."""
    from mastermind_kit import generated

    path = repo.agenda_path(agenda.meeting)
    return generated.write(path, text, root=repo.root, shown=repo.rel(path), force=force)


def _quote(member_id: str) -> str:
    from mastermind_kit.render import yaml_scalar

    return yaml_scalar(member_id)
