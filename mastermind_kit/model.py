"""Plain dataclasses for a group: config, members, profiles, notes, commitments.

This module imports nothing else from the package: the read layer (``repo.py``,
``read.py``) builds these from files that passed their schema, and every command
consumes them. Every object remembers the file and line it came from, for findings.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "STATUSES",
    "Acceptance",
    "AgendaRecord",
    "Commitment",
    "Excuse",
    "Goal",
    "Group",
    "MemberEntry",
    "Note",
    "Profile",
    "Report",
    "Skipped",
    "Source",
    "date_of",
    "is_slug",
    "parse_date",
    "skipped_line",
    "split_commitment_id",
]


# \Z, not $: "$" also matches before a final newline, and these guard paths.
SLUG = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
# [0-9], not \d (which takes any Unicode digit); at most six digits for the number, which
# Python could otherwise be asked to read from thousands of digits.
COMMITMENT_ID = re.compile(
    r"([0-9]{4}-[0-9]{2}-[0-9]{2})/([a-z0-9][a-z0-9-]{0,39})/([1-9][0-9]{0,5})\Z"
)
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
STATUSES = ("done", "partial", "missed", "dropped")


def is_slug(text: str) -> bool:
    return bool(SLUG.match(text)) and len(text) <= 40


def parse_date(text: Any) -> dt.date | None:
    """A YYYY-MM-DD date, or None. Only that form: Python 3.11 would also read
    ``20260203`` and week dates, which would give one meeting two folder names."""
    if text is None:
        return None
    return _parse_date(text if isinstance(text, str) else str(text))


@functools.lru_cache(maxsize=8192)  # a group's files name the same few hundred dates
def _parse_date(text: str) -> dt.date | None:
    if not ISO_DATE.match(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def date_of(text: str) -> dt.date:
    """``parse_date`` for text that must be a date (our own files): ValueError if not."""
    day = parse_date(text)
    if day is None:
        raise ValueError(f"not a date (YYYY-MM-DD): {text!r}")
    return day


@functools.lru_cache(maxsize=16384)  # each id is named by its note and by reports on it
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
    owners_only: bool = False
    trusted_committers: list[str] = field(default_factory=list)

    def is_facilitator(self, email: str) -> bool:
        wanted = email.strip().lower()
        return any(wanted == f.strip().lower() for f in self.facilitators)

    def member(self, member_id: str) -> MemberEntry | None:
        return next((m for m in self.members if m.id == member_id), None)

    def member_by_email(self, email: str) -> MemberEntry | None:
        wanted = email.strip().lower()
        return next((m for m in self.members if wanted in (e.lower() for e in m.emails)), None)

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
    # SSH public keys ("ssh-ed25519 AAAA... comment") and GPG fingerprints or long key
    # ids the member signs commits with (``signing.py`` reads them).
    signing_keys: list[str] = field(default_factory=list)

    def goal(self, goal_id: str) -> Goal | None:
        return next((g for g in self.goals if g.id == goal_id), None)


@dataclass(frozen=True)
class Acceptance:
    """An audit finding a facilitator accepted, with why (an entry of
    audit-accepted.yaml)."""

    id: str
    rule: str
    commit: str
    path: str
    reason: str
    accepted_by: str
    accepted_on: dt.date | None
    line: int = 1


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


@dataclass
class AgendaRecord:
    """What a meeting's ``agenda.md`` records: who had the hot seat (the rotation reads it)."""

    meeting: dt.date
    hot_seats: list[str] | None  # None: an agenda with no rotation record
    hot_seat_order: list[str]
    source: Source


@dataclass(frozen=True)
class Skipped:
    """A group file a command could not use: where, and why (its first error)."""

    path: Path  # relative to the group root
    line: int
    message: str
    kind: str = "note"  # note | profile | agenda

    def note_of(self) -> tuple[dt.date, str] | None:
        """(meeting, member) when this is a note (``meetings/<date>/<member>.md``)."""
        parts = self.path.parts
        if self.kind != "note" or len(parts) != 3 or parts[0] != "meetings":
            return None
        day = parse_date(parts[1])
        return (day, parts[2].removesuffix(".md")) if day is not None else None

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path.as_posix(),
            "line": self.line,
            "message": self.message,
            "kind": self.kind,
        }


def skipped_line(skipped: list[Skipped]) -> str:
    """Say "1 note skipped, numbers may be incomplete" (or profiles, agendas) in text and
    Markdown outputs; the files themselves are named on stderr, one line each."""
    counts: dict[str, int] = {}
    for entry in skipped:
        counts[entry.kind] = counts.get(entry.kind, 0) + 1
    parts = [f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in sorted(counts.items())]
    said = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"{said} skipped, numbers may be incomplete"
