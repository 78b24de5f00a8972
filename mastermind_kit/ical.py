"""``mastermind calendar``: the group's meetings, and a member's open commitments, as
an iCalendar file (RFC 5545) to import into or subscribe to from any calendar app.

- Every meeting from the first one (at most ``HISTORY_DAYS`` back) to ``HORIZON_DAYS``
  after today, in the group's
  time zone (``DTSTART;TZID=...`` and a ``VTIMEZONE`` built from the time zone
  database), ``duration_minutes`` long, marked private, the confidentiality agreement
  in its description. A date in ``skip`` that is on the cadence is there too, as
  ``STATUS:CANCELLED``: a calendar that imported it before then shows it cancelled
  instead of keeping a meeting that will not happen. ``extra`` dates are ordinary
  meetings.
- With a member, what they still owe (``ledger.DEFINITIONS["to_report"]``, the list
  ``status`` and ``prep`` show) as all-day events on the due dates: an all-day
  ``VEVENT`` imports alike into Google, Apple and Outlook calendars, where a
  ``VTODO`` is dropped by some of them.
- Every ``UID`` is derived from the group's name and the meeting date or commitment
  id, so importing the file again updates the events instead of adding copies;
  ``DTSTAMP`` is the build time the caller gives, so the same input gives the same
  bytes.

Every text comes from group files and is untrusted: line breaks are normalized,
other control characters and bidi overrides are shown as escapes (``render.visible``),
lengths are bounded, and icalendar escapes the rest, so no text can end its line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from mastermind_kit import schedule
from mastermind_kit.errors import ExistsError, UsageError
from mastermind_kit.model import Group
from mastermind_kit.render import visible

if TYPE_CHECKING:
    from icalendar import Event

    from mastermind_kit.ledger import Owed

__all__ = [
    "HISTORY_DAYS",
    "HORIZON_DAYS",
    "PRODID",
    "as_of",
    "build",
    "commitment_uid",
    "group_key",
    "write",
]

HORIZON_DAYS = 365  # meetings are listed up to this many days after today
HISTORY_DAYS = 5 * 365  # ... and from this many days before it (or the first meeting)
PRODID = "-//mastermind-kit//mastermind calendar//EN"
SUMMARY_LIMIT = 200  # characters of a summary line
AGREEMENT_LIMIT = 2000  # characters of the agreement in each meeting's description

_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_COMMITMENT_ID = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}/[a-z0-9][a-z0-9-]*/[0-9]+")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def as_of(group: Group, now: dt.datetime) -> dt.date:
    """The meeting whose carry-over is what a member owes at ``now``: the next one that
    has not started (their notes before it are the meetings held), or the day after
    today when no meeting is coming."""
    return schedule.upcoming(group, now) or schedule.local_date(group, now) + dt.timedelta(days=1)


def build(
    *,
    group: Group,
    now: dt.datetime,
    owed: Sequence[Owed] = (),
    member: str | None = None,
) -> bytes:
    """The calendar file: the group's meetings up to ``HORIZON_DAYS`` after ``now``'s
    date in the group's time zone, and ``owed`` (``member``'s open commitments) on
    their due dates. ``now`` (aware) is also every event's ``DTSTAMP``."""
    from icalendar import Calendar

    today = schedule.local_date(group, now)
    until = today + dt.timedelta(days=HORIZON_DAYS)
    stamp = now.astimezone(dt.timezone.utc).replace(microsecond=0)
    key = group_key(group.name)
    name = _line(group.name)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    title = f"{name} ({member})" if member else name
    calendar.add("name", title)
    calendar.add("x-wr-calname", title)
    since = today - dt.timedelta(days=HISTORY_DAYS)  # a bounded file, whatever the config
    held = schedule.meetings(group, until=until, since=since)
    extra = set(group.extra)
    cancelled = {
        day
        for day in group.skip
        if since <= day <= until and schedule.on_cadence(group, day) and day not in extra
    }
    about = _about(group, name)
    for day in sorted({*held, *cancelled}):
        calendar.add_component(_meeting(group, day, day in cancelled, name, about, key, stamp))
    for entry in owed:
        if entry.due is not None:
            calendar.add_component(_due(entry, entry.due, name, key, stamp))
    if held or cancelled:
        # The VTIMEZONE covers what the file holds (and is short): from the first
        # meeting to the last, with a day to spare on either side.
        first = min(held[:1] + sorted(cancelled)[:1])
        calendar.add_missing_timezones(
            first_date=first - dt.timedelta(days=1), last_date=until + dt.timedelta(days=2)
        )
    return bytes(calendar.to_ical())


def group_key(name: str) -> str:
    """The right-hand side of every UID of the group: its name as a slug (at most 40
    characters) and a short hash of the name, so that names that slug alike, or that
    have no Latin letters at all, still differ."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_SLUG.sub("-", ascii_name.lower()).strip("-")[:40].strip("-")
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    return f"{slug}-{digest}" if slug else f"group-{digest}"


def commitment_uid(commitment_id: str, key: str) -> str:
    """``commitment-2026-12-15-alice-1@<group key>``: the id with its slashes as dashes
    (a slash trips tools that name a file after the UID); an id not of the form
    ``<meeting>/<member>/<n>`` (``check`` rejects those) is hashed instead."""
    if _COMMITMENT_ID.fullmatch(commitment_id):
        local = commitment_id.replace("/", "-")
    else:
        local = hashlib.sha256(commitment_id.encode("utf-8")).hexdigest()[:16]
    return f"commitment-{local}@{key}"


def _about(group: Group, name: str) -> str:
    text = f"A meeting of {name}. Confidential: what is shared in the group stays in the group."
    agreement = _text(group.agreement, AGREEMENT_LIMIT).strip()
    return f"{text}\n\nThe group's agreement:\n{agreement}" if agreement else text


def _meeting(
    group: Group,
    day: dt.date,
    cancelled: bool,
    name: str,
    about: str,
    key: str,
    stamp: dt.datetime,
) -> Event:
    from icalendar import Event

    start = schedule.start(group, day)
    # In UTC: aware datetimes sharing a tzinfo add as wall-clock times, which would be
    # an hour off for a meeting that spans a daylight-saving change.
    end = start.astimezone(dt.timezone.utc) + dt.timedelta(minutes=group.duration_minutes)
    event = Event()
    event.add("uid", f"meeting-{day.isoformat()}@{key}")
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", end.astimezone(start.tzinfo))
    event.add("summary", f"Cancelled: {name}" if cancelled else name)
    if cancelled:
        event.add("description", f"No meeting of {name} on this date (skip in mastermind.yaml).")
    else:
        event.add("description", about)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("class", "PRIVATE")
    return event


def _due(owed: Owed, due: dt.date, name: str, key: str, stamp: dt.datetime) -> Event:
    from icalendar import Event

    commitment = owed.commitment
    shown_id = _line(commitment.id)
    event = Event()
    event.add("uid", commitment_uid(commitment.id, key))
    event.add("dtstamp", stamp)
    event.add("dtstart", due)
    event.add("dtend", due + dt.timedelta(days=1))
    event.add("summary", _line(f"Due: {commitment.text} ({shown_id})", SUMMARY_LIMIT))
    event.add(
        "description",
        f"Commitment {shown_id}, made at the {name} meeting of "
        f"{commitment.meeting.isoformat()}:\n{_text(commitment.text, AGREEMENT_LIMIT)}\n\n"
        "Report back on it in your note for the next meeting.",
    )
    event.add("transp", "TRANSPARENT")
    event.add("class", "PRIVATE")
    return event


def _line(text: str, limit: int = SUMMARY_LIMIT) -> str:
    """A group file's text on one line: whitespace runs are one space, other control
    characters shown as escapes, at most ``limit`` characters."""
    return _bounded(visible(" ".join(str(text).split())), limit)


def _text(text: str, limit: int) -> str:
    """A group file's text keeping its line breaks (every kind of one becomes a newline,
    which icalendar writes as ``\\n``), other control characters shown as escapes."""
    return _bounded(visible(_BREAKS.sub("\n", str(text))), limit)


def _bounded(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# -- writing ----------------------------------------------------------------------------


def write(path: Path, data: bytes, *, root: Path, shown: str) -> str:
    """Save the calendar at ``path`` atomically; "written", "replaced" or "unchanged".

    A file that is there is replaced only when it is a calendar this command wrote
    (its ``PRODID``), never through a symlink, never inside the repo's ``.git`` or
    through a folder of the repo that is a symlink (a member could point it anywhere).
    ``shown`` is the path as the user should read it."""
    from mastermind_kit.fsutil import os_errors

    with os_errors(shown):  # a name too long, no permission, a full disk: one line
        return _write(path, data, root=root, shown=shown)


def _write(path: Path, data: bytes, *, root: Path, shown: str) -> str:
    from mastermind_kit.fsutil import atomic_write, inside, refuse_links_in

    absolute = Path(os.path.abspath(path))
    if absolute.is_symlink():
        raise UsageError(f"{shown} is a symlink; nothing was written")
    if inside(root / ".git", absolute):
        raise UsageError(f"{shown} is inside the repo's .git folder; nothing was written")
    refuse_links_in(root, absolute, shown)  # a folder of the repo that is a committed link
    if absolute.exists():
        if not absolute.is_file():
            raise UsageError(f"{shown} is not a regular file; nothing was written")
        with absolute.open("rb") as handle:
            head = handle.read(4096)
        if head == data[:4096] and absolute.read_bytes() == data:
            return "unchanged"
        if not _ours(head):
            raise ExistsError(
                f"{shown} is not a calendar written by mastermind calendar; nothing was written",
                hint="choose another --out, or remove the file first",
            )
        atomic_write(absolute, data)
        return "replaced"
    atomic_write(absolute, data)
    return "written"


def _ours(head: bytes) -> bool:
    lines = head.split(b"\r\n")
    return lines[0] == b"BEGIN:VCALENDAR" and f"PRODID:{PRODID}".encode() in lines[1:8]
