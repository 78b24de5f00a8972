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
from collections.abc import Iterator
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mastermind_kit.errors import UsageError
from mastermind_kit.model import Group

_LAST = 5  # nth weekday 5 means "the last one of the month"


def zone(group: Group) -> ZoneInfo:
    try:
        return ZoneInfo(group.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(
            f"unknown time zone {group.timezone!r} in mastermind.yaml",
            hint="use an IANA name such as Europe/Berlin",
        ) from None


def valid_timezone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def start(group: Group, day: dt.date) -> dt.datetime:
    """The meeting's start on ``day`` as an aware datetime in the group's time zone."""
    return dt.datetime.combine(day, group.time, tzinfo=zone(group))


def end(group: Group, day: dt.date) -> dt.datetime:
    return start(group, day) + dt.timedelta(minutes=group.duration_minutes)


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


def _regular(group: Group) -> Iterator[dt.date]:
    first = group.first_meeting
    if group.cadence in ("weekly", "biweekly"):
        step = dt.timedelta(days=7 if group.cadence == "weekly" else 14)
        day = first
        while True:
            yield day
            day += step
    weekday, nth = first.weekday(), _nth_weekday(first)
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
    for day in _regular(group):
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
