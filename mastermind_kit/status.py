"""``mastermind status``: "what do I owe?" for one member, at a glance.

The next meeting and how far off it is, whether the member's note for it exists and
what in it is still empty, the commitments to report on there (``prep.to_report``)
and which of those are overdue (due before today, in the group's time zone). A member
who left before the next meeting owes nothing more: status says when they left.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mastermind_kit import schedule
from mastermind_kit.ledger import DEFINITIONS, Owed
from mastermind_kit.model import Skipped, skipped_line
from mastermind_kit.read import MemberView
from mastermind_kit.render import visible

LEGEND = {
    "to_report": DEFINITIONS["to_report"],
    "overdue": "to_report entries whose due date (default: the next meeting after they "
    "were made) is before today",
    "skipped": DEFINITIONS["skipped"],
}


@dataclass
class Status:
    member: str
    name: str
    today: dt.date
    next_meeting: dt.date
    start: dt.datetime
    now: dt.datetime
    active: bool  # in the group on the next meeting
    left: dt.date | None  # the member's last meeting day, when they leave or left
    note_path: Path  # relative to the group root
    note_exists: bool
    empty: list[str] = field(default_factory=list)  # what in the note is still empty
    to_report: list[Owed] = field(default_factory=list)
    answered: dict[str, str] = field(default_factory=dict)  # id -> status already in the note
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def gone(self) -> bool:
        """Left the group before the next meeting: nothing is owed any more."""
        return self.left is not None and self.next_meeting > self.left

    @property
    def overdue(self) -> list[Owed]:
        return [o for o in self.to_report if o.due is not None and o.due < self.today]

    @property
    def days_until(self) -> int:
        return (self.next_meeting - self.today).days

    def when(self) -> str:
        """How far off the next meeting is, in words."""
        # In UTC: aware datetimes sharing a tzinfo subtract as wall-clock times.
        left = self.start.astimezone(dt.timezone.utc) - self.now.astimezone(dt.timezone.utc)
        if left < dt.timedelta(hours=24):
            hours = max(0, int(left.total_seconds() // 3600))
            return f"in {hours} hour{'s' if hours != 1 else ''}" if hours else "within the hour"
        days = self.days_until
        return "tomorrow" if days == 1 else f"in {days} days"

    def to_json(self) -> dict[str, Any]:
        return {
            "member": self.member,
            "today": self.today.isoformat(),
            "next_meeting": self.next_meeting.isoformat(),
            "next_meeting_start": self.start.isoformat(),
            "days_until": self.days_until,
            "active": self.active,
            "left": self.left.isoformat() if self.left else None,
            "note": {
                "path": self.note_path.as_posix(),
                "exists": self.note_exists,
                "empty": self.empty,
            },
            "to_report": [o.id for o in self.to_report],
            "overdue": [o.id for o in self.overdue],
            "commitments": [
                {
                    "id": o.id,
                    "text": o.commitment.text,
                    "made": o.commitment.meeting.isoformat(),
                    "due": o.due.isoformat() if o.due else None,
                    "overdue": o in self.overdue,
                    "status_in_note": self.answered.get(o.id),
                }
                for o in self.to_report
            ],
            "skipped": [s.to_json() for s in self.skipped],
            "legend": LEGEND,
        }

    def text(self) -> str:
        when = self.start.strftime("%a %Y-%m-%d %H:%M %Z")
        # A member's text is shown with its controls escaped: it never drives the terminal.
        lines = [f"{visible(self.name, line=True)} ({self.member})"]
        if self.gone:
            lines.append(f"Left the group on {self.left} (their last meeting).")
            lines.append("Nothing to report on.")
            if self.skipped:
                lines.append(skipped_line(self.skipped))
            return "\n".join(lines)
        lines.append(f"Next meeting: {when}, {self.when()}")
        if self.left is not None:
            lines.append(f"  your last meeting before leaving the group: {self.left}")
        if not self.active:
            lines.append("  you are not in the group on that date")
        if self.note_exists:
            if self.empty:
                lines.append(f"Your note {self.note_path}: still empty: {', '.join(self.empty)}")
            else:
                lines.append(f"Your note {self.note_path}: filled in")
        elif self.active:
            lines.append(f"Your note {self.note_path}: not written yet (run 'mastermind prep')")
        if self.to_report:
            lines.append(f"To report on ({len(self.to_report)}):")
            overdue = self.overdue
            for owed in self.to_report:
                marks = []
                if owed in overdue:
                    marks.append("OVERDUE")
                if owed.id in self.answered:
                    marks.append(f"in your note: {self.answered[owed.id]}")
                extra = f" [{'; '.join(marks)}]" if marks else ""
                lines.append(
                    f"  {owed.id}  {visible(' '.join(owed.commitment.text.split()))}"
                    f" (due {owed.due or '-'}){extra}"
                )
            if any(o.id not in self.answered for o in self.to_report):
                lines.append(
                    '  report back: mastermind report ID done|partial|missed|dropped [--note "..."]'
                )
        else:
            lines.append("Nothing to report on.")
        if self.skipped:
            lines.append(skipped_line(self.skipped))
        return "\n".join(lines)


def status(view: MemberView, now: schedule.Moment) -> Status:
    """The member's status for ``view.meeting`` (the next one at ``now``: a datetime,
    or a date meaning its midnight)."""
    group, repo, member, meeting = view.group, view.repo, view.member, view.meeting
    at = schedule.moment(group, now)
    entry = group.member(member)
    assert entry is not None  # read.whoami checked it
    gone = entry.left is not None and meeting > entry.left
    # A member who left owes nothing more: their open commitments stay open in the ledger.
    owed = [] if gone else view.carry.owed
    note = None if gone else view.note
    empty: list[str] = []
    answered: dict[str, str] = {}
    if note is not None:
        empty.extend(f"results.{goal}" for goal, value in note.results.items() if value is None)
        empty.extend(f"report {r.id}" for r in note.report if r.status is None)
        answered = {r.id: r.status for r in note.report if r.status is not None}
        listed = {r.id for r in note.report}
        empty.extend(f"report {o.id} (missing)" for o in owed if o.id not in listed)
        if not note.questions:
            empty.append("questions")
        if not note.walk_away:
            empty.append("walk_away")
    return Status(
        member=member,
        name=entry.name,
        today=schedule.local_date(group, at),
        next_meeting=meeting,
        start=schedule.start(group, meeting),
        now=at,
        active=entry.active_on(meeting),
        left=entry.left,
        note_path=repo.rel(repo.note_path(meeting, member)),
        note_exists=view.note_exists,
        empty=empty,
        to_report=owed,
        answered=answered,
        skipped=view.skipped,
    )
