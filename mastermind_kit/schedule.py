"""The meeting schedule: cadence -> meeting dates, with skips, extras and time zones.

Rules (also in docs/format.md):

- ``weekly``: every 7 days from ``first_meeting``; ``biweekly``: every 14 days.
- ``monthly``: the same nth weekday as ``first_meeting`` (the first meeting on the
  second Tuesday of a month means every second Tuesday). When the first meeting is
  on a fifth weekday, which most months lack, the group meets on the *last* such
  weekday of every month.
- Dates in ``skip`` are removed; dates in ``extra`` are added.
- A meeting starts at ``time`` in ``timezone`` on its date; ``start()`` gives an
  aware datetime, so daylight-saving changes are handled by the time zone database.

"Today" and "now" are always parameters: nothing here reads the clock.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mastermind_kit.errors import UsageError
from mastermind_kit.model import Group, Note, parse_date

_LAST = 5  # nth weekday 5 means "the last one of the month"
# How many meetings ``overview`` lists at most each way (``mastermind schedule --next``):
# a weekly group meets about 5,000 times in a century.
MAX_LISTED = 1000


def zone(group: Group) -> ZoneInfo:
    try:
        return ZoneInfo(group.timezone)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a tzdata folder, a long name
        raise UsageError(
            f"unknown time zone {group.timezone!r} in mastermind.yaml",
            hint="use an IANA name such as Europe/Berlin",
        ) from None


def valid_timezone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # "Europe" is a folder of tzdata
        return False
    return True


def start(group: Group, day: dt.date) -> dt.datetime:
    """The meeting's start on ``day`` as an aware datetime in the group's time zone."""
    return dt.datetime.combine(day, group.time, tzinfo=zone(group))


def _nth_weekday(day: dt.date) -> int:
    return (day.day - 1) // 7 + 1


def _monthly_date(year: int, month: int, weekday: int, nth: int) -> dt.date:
    days = calendar.monthrange(year, month)[1]
    if nth >= _LAST:
        last = dt.date(year, month, days)
        return last - dt.timedelta(days=(last.weekday() - weekday) % 7)
    first = dt.date(year, month, 1)
    offset = (weekday - first.weekday()) % 7
    return first + dt.timedelta(days=offset + 7 * (nth - 1))


def on_cadence(group: Group, day: dt.date) -> bool:
    """True when ``day`` is a regular meeting date (before skips and extras)."""
    first = group.first_meeting
    if day < first:
        return False
    if group.cadence in ("weekly", "biweekly"):
        step = 7 if group.cadence == "weekly" else 14
        return (day - first).days % step == 0
    return day == _monthly_date(day.year, day.month, first.weekday(), _nth_weekday(first))


def is_meeting(group: Group, day: dt.date) -> bool:
    """True when the group meets on ``day``."""
    if day in group.extra:
        return True
    return on_cadence(group, day) and day not in group.skip


def _regular(group: Group, since: dt.date | None = None) -> Iterator[dt.date]:
    """The dates of the cadence, in order, from the first meeting (or from about
    ``since``: no date on or after ``since`` is left out), computed directly rather than
    walked to, so that asking about year forty costs what asking about year one does."""
    first = group.first_meeting
    ahead = since is not None and since > first
    if group.cadence in ("weekly", "biweekly"):
        step = dt.timedelta(days=7 if group.cadence == "weekly" else 14)
        day = first
        if ahead:
            assert since is not None
            day = first + step * ((since - first).days // step.days)
        while True:
            yield day
            day += step
    weekday, nth = first.weekday(), _nth_weekday(first)
    year, month = first.year, first.month
    if ahead:
        assert since is not None
        year, month = (since.year, since.month - 1) if since.month > 1 else (since.year - 1, 12)
        if (year, month) < (first.year, first.month):
            year, month = first.year, first.month
    while True:
        yield _monthly_date(year, month, weekday, nth)
        month += 1
        if month > 12:
            year, month = year + 1, 1


def meetings(group: Group, *, until: dt.date, since: dt.date | None = None) -> list[dt.date]:
    """Every meeting date in [since, until], in order."""
    skip = set(group.skip)
    dates: set[dt.date] = set()
    for day in _regular(group, since):
        if day > until:
            break
        if day not in skip and (since is None or day >= since):
            dates.add(day)
    dates.update(d for d in group.extra if d <= until and (since is None or d >= since))
    return sorted(dates)


def following(group: Group, day: dt.date, count: int = 1) -> list[dt.date]:
    """The next ``count`` meetings strictly after ``day``."""
    found: list[dt.date] = []
    horizon = day + dt.timedelta(days=40 * count + 40)
    while len(found) < count:
        found = meetings(group, since=day + dt.timedelta(days=1), until=horizon)[:count]
        if len(found) < count:
            if horizon > day + dt.timedelta(days=3660 + 40 * count):
                break  # every regular date is skipped for ten years: give up
            horizon += dt.timedelta(days=400)
    return found


def next_after(group: Group, day: dt.date) -> dt.date | None:
    """The first meeting strictly after ``day`` (the default due date of a commitment)."""
    found = following(group, day, 1)
    return found[0] if found else None


def previous(group: Group, day: dt.date) -> dt.date | None:
    """The last meeting strictly before ``day``."""
    earlier = meetings(group, until=day - dt.timedelta(days=1))
    return earlier[-1] if earlier else None


def upcoming(group: Group, now: dt.datetime) -> dt.date | None:
    """The next meeting that has not started at ``now`` (an aware datetime)."""
    local = now.astimezone(zone(group)).date()
    candidates = [local - dt.timedelta(days=1), *following(group, local - dt.timedelta(days=1), 3)]
    for day in candidates:
        if is_meeting(group, day) and start(group, day) > now:
            return day
    return next_after(group, local)


# -- "now", choosing a meeting, and the schedule overview ------------------------------

Moment = dt.datetime | dt.date


def moment(group: Group, when: Moment) -> dt.datetime:
    """``when`` as an aware datetime. A plain date (``--today``) means its midnight in
    the group's time zone; a naive datetime is read as the group's local time."""
    if isinstance(when, dt.datetime):
        return when if when.tzinfo is not None else when.replace(tzinfo=zone(group))
    return dt.datetime.combine(when, dt.time(0, 0), tzinfo=zone(group))


def local_date(group: Group, when: Moment) -> dt.date:
    """The calendar date of ``when`` in the group's time zone."""
    return moment(group, when).astimezone(zone(group)).date()


def resolve(group: Group, meeting: str | dt.date | None, now: Moment) -> dt.date:
    """The meeting a command is about: ``None`` or ``"next"`` is the next meeting that has
    not started at ``now``; a date (or ``YYYY-MM-DD`` text) must be on the schedule."""
    if meeting is None or meeting == "next":
        found = upcoming(group, moment(group, now))
        if found is None:
            raise UsageError("the group has no upcoming meeting (every date is skipped?)")
        return found
    if isinstance(meeting, str):
        parsed = parse_date(meeting)
        if parsed is None:
            raise UsageError(f"--meeting {meeting!r} is not a date (YYYY-MM-DD) or 'next'")
        day = parsed
    else:
        day = meeting
    if not is_meeting(group, day):
        near = following(group, day - dt.timedelta(days=1), 1)
        hint = f"the next meeting on or after it is {near[0]}" if near else None
        raise UsageError(
            f"{day} is not a meeting date of the group's {group.cadence} schedule", hint=hint
        )
    return day


@dataclass
class MeetingRow:
    """One meeting in ``mastermind schedule``: when, and whose notes are there."""

    date: dt.date
    start: dt.datetime
    past: bool  # started before "now"
    extra: bool  # added by ``extra``, not on the cadence
    notes: list[str] = field(default_factory=list)  # members with a note
    missing: list[str] = field(default_factory=list)  # active members without one
    excused: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "date": self.date.isoformat(),
            "start": self.start.isoformat(),
            "past": self.past,
            "extra": self.extra,
            "notes": self.notes,
            "missing": self.missing,
            "excused": self.excused,
        }

    def text(self) -> str:
        when = self.start.strftime("%a %Y-%m-%d %H:%M %Z")
        parts = [f"notes: {', '.join(self.notes) or '-'}"]
        if self.missing:
            parts.append(f"{'missing' if self.past else 'to prepare'}: {', '.join(self.missing)}")
        if self.excused:
            parts.append(f"excused: {', '.join(self.excused)}")
        mark = "  (extra)" if self.extra else ""
        return f"{'  ' if self.past else '> '}{when}{mark}  {'; '.join(parts)}"


def overview(
    group: Group, notes: Iterable[Note], now: Moment, *, past: int = 3, ahead: int = 3
) -> list[MeetingRow]:
    """The last ``past`` meetings that have started and the next ``ahead`` ones."""
    if not (0 <= past <= MAX_LISTED and 0 <= ahead <= MAX_LISTED):
        raise UsageError(f"--past and --next take a number of meetings, from 0 to {MAX_LISTED}")
    at = moment(group, now)
    nxt = upcoming(group, at)
    before: list[dt.date] = []
    if past:
        until = nxt - dt.timedelta(days=1) if nxt else local_date(group, at)
        before = [d for d in meetings(group, until=until) if start(group, d) <= at][-past:]
    after: list[dt.date] = []
    if ahead and nxt is not None:
        after = [nxt, *following(group, nxt, ahead - 1)] if ahead > 1 else [nxt]
    by_meeting: dict[dt.date, list[str]] = {}
    for note in notes:
        by_meeting.setdefault(note.meeting, []).append(note.member)
    rows = []
    for day in [*before, *after]:
        have = sorted(by_meeting.get(day, []))
        active = [m.id for m in group.members if m.active_on(day)]
        excused = [m for m in active if group.is_excused(m, day) and m not in have]
        rows.append(
            MeetingRow(
                date=day,
                start=start(group, day),
                past=start(group, day) <= at,
                extra=day in group.extra and not on_cadence(group, day),
                notes=have,
                missing=[m for m in active if m not in have and m not in excused],
                excused=excused,
            )
        )
    return rows
