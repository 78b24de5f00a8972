"""Plain dataclasses for a group: config, members, profiles, notes, commitments.

They are built from documents that already passed their schema (``schema.py``), so
the constructors here only convert (dates, times), they do not validate shapes.
Every object remembers the file and line it came from, for findings.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mastermind_kit.load import Document

# \Z, not $: "$" also matches before a final newline, and these guard paths.
SLUG = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
COMMITMENT_ID = re.compile(r"(\d{4}-\d{2}-\d{2})/([a-z0-9][a-z0-9-]*)/([1-9]\d*)\Z")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
STATUSES = ("done", "partial", "missed", "dropped")


def is_slug(text: str) -> bool:
    return bool(SLUG.match(text)) and len(text) <= 40


def parse_date(text: Any) -> dt.date | None:
    """A YYYY-MM-DD date, or None. Only that form: Python 3.11 would also read
    ``20260203`` and week dates, which would give one meeting two folder names."""
    if text is None or not ISO_DATE.match(str(text)):
        return None
    try:
        return dt.date.fromisoformat(str(text))
    except ValueError:
        return None


def split_commitment_id(text: str) -> tuple[dt.date, str, int] | None:
    """``2026-12-01/alice/1`` -> (date, "alice", 1); None when it is not such an id."""
    match = COMMITMENT_ID.match(text)
    if not match:
        return None
    day = parse_date(match.group(1))
    if day is None:
        return None
    return day, match.group(2), int(match.group(3))


@dataclass(frozen=True)
class Source:
    """Where a thing was written: a path relative to the group root, and a line."""

    path: Path
    line: int = 1


@dataclass
class MemberEntry:
    id: str
    name: str
    emails: list[str] = field(default_factory=list)
    joined: dt.date | None = None
    left: dt.date | None = None
    source: Source = field(default_factory=lambda: Source(Path("mastermind.yaml")))

    def active_on(self, day: dt.date) -> bool:
        if self.joined and day < self.joined:
            return False
        return not (self.left and day > self.left)


@dataclass(frozen=True)
class Excuse:
    member: str
    meeting: dt.date


@dataclass
class Group:
    name: str
    cadence: str
    first_meeting: dt.date
    time: dt.time
    timezone: str
    members: list[MemberEntry]
    duration_minutes: int = 120
    hot_seat_minutes: int = 20
    skip: list[dt.date] = field(default_factory=list)
    extra: list[dt.date] = field(default_factory=list)
    require_signed: bool = False
    commitment_grace_hours: int = 48
    facilitators: list[str] = field(default_factory=list)
    excused: list[Excuse] = field(default_factory=list)
    agreement: str = ""
    schema: int = 1

    def member(self, member_id: str) -> MemberEntry | None:
        return next((m for m in self.members if m.id == member_id), None)

    def member_by_email(self, email: str) -> MemberEntry | None:
        wanted = email.strip().lower()
        return next(
            (m for m in self.members if wanted in (e.lower() for e in m.emails)), None
        )

    def is_excused(self, member_id: str, meeting: dt.date) -> bool:
        return Excuse(member_id, meeting) in self.excused


@dataclass
class Goal:
    id: str
    title: str
    metric: str = ""
    unit: str | None = None
    baseline: float | None = None
    target: float | None = None
    due: dt.date | None = None
    line: int = 1


@dataclass
class Profile:
    member: str
    name: str
    vision: str | None
    goals: list[Goal]
    body: str
    source: Source

    def goal(self, goal_id: str) -> Goal | None:
        return next((g for g in self.goals if g.id == goal_id), None)


@dataclass
class Commitment:
    id: str
    text: str
    member: str
    meeting: dt.date
    due: dt.date | None = None
    goal: str | None = None
    carried_from: str | None = None
    line: int = 1


@dataclass
class Report:
    id: str
    status: str | None
    note: str | None = None
    line: int = 1


@dataclass
class Note:
    member: str
    meeting: dt.date
    results: dict[str, float | None]
    report: list[Report]
    questions: list[str]
    walk_away: str | None
    hot_seat: bool
    commitments: list[Commitment]
    body: str
    source: Source


def group_from(doc: Document) -> Group:
    data = doc.data
    members = [
        MemberEntry(
            id=m["id"],
            name=m["name"],
            emails=list(m.get("emails") or []),
            joined=parse_date(m.get("joined")),
            left=parse_date(m.get("left")),
            source=Source(doc.path, doc.line(("members", i))),
        )
        for i, m in enumerate(data["members"])
    ]
    hours, minutes = (int(part) for part in data["time"].split(":"))
    first = parse_date(data["first_meeting"])
    assert first is not None  # the schema's date format guarantees it
    return Group(
        name=data["name"],
        cadence=data["cadence"],
        first_meeting=first,
        time=dt.time(hours, minutes),
        timezone=data["timezone"],
        members=members,
        duration_minutes=data.get("duration_minutes", 120),
        hot_seat_minutes=data.get("hot_seat_minutes", 20),
        skip=_dates(data.get("skip")),
        extra=_dates(data.get("extra")),
        require_signed=bool(data.get("require_signed", False)),
        commitment_grace_hours=data.get("commitment_grace_hours", 48),
        facilitators=list(data.get("facilitators") or []),
        excused=[
            Excuse(e["member"], d)
            for e in data.get("excused") or []
            if (d := parse_date(e["meeting"])) is not None
        ],
        agreement=data.get("agreement") or "",
        schema=data["schema"],
    )


def _dates(values: list[str] | None) -> list[dt.date]:
    return [d for v in values or [] if (d := parse_date(v)) is not None]


def profile_from(doc: Document, member_id: str) -> Profile:
    data = doc.data
    goals = [
        Goal(
            id=g["id"],
            title=g["title"],
            metric=g.get("metric") or "",
            unit=g.get("unit"),
            baseline=g.get("baseline"),
            target=g.get("target"),
            due=parse_date(g.get("due")),
            line=doc.line(("goals", i)),
        )
        for i, g in enumerate(data.get("goals") or [])
    ]
    return Profile(
        member=member_id,
        name=data["name"],
        vision=data.get("vision"),
        goals=goals,
        body=doc.body,
        source=Source(doc.path, 1),
    )


def note_from(doc: Document) -> Note:
    data = doc.data
    meeting = parse_date(data["meeting"])
    assert meeting is not None
    member = data["member"]
    commitments = [
        Commitment(
            id=c["id"],
            text=c["text"],
            member=member,
            meeting=meeting,
            due=parse_date(c.get("due")),
            goal=c.get("goal"),
            carried_from=c.get("carried_from"),
            line=doc.line(("commitments", i)),
        )
        for i, c in enumerate(data.get("commitments") or [])
    ]
    reports = [
        Report(
            id=r["id"],
            status=r.get("status"),
            note=r.get("note"),
            line=doc.line(("report", i)),
        )
        for i, r in enumerate(data.get("report") or [])
    ]
    return Note(
        member=member,
        meeting=meeting,
        results=dict(data.get("results") or {}),
        report=reports,
        questions=[q for q in data.get("questions") or [] if q],
        walk_away=data.get("walk_away") or None,
        hot_seat=bool(data.get("hot_seat")),
        commitments=commitments,
        body=doc.body,
        source=Source(doc.path, 1),
    )
