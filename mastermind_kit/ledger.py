"""The commitment ledger: every commitment and its fate, and the metrics, defined once.

Data flows one way: the read layer's ``Workspace`` (files, and git history where
asked) -> ``build()`` -> ``Ledger``; the renderers only format what is here. For one
member and one meeting, ``carry_over`` is what ``prep`` and ``status`` need. Every number a
summary shows is computed in this module, and ``DEFINITIONS`` says in words what each
one means; every output prints those sentences, so the words and the numbers cannot
drift apart. "Today" is always a parameter.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mastermind_kit import schedule
from mastermind_kit.errors import UsageError
from mastermind_kit.model import (
    STATUSES,
    Commitment,
    Goal,
    Group,
    MemberEntry,
    Note,
    Profile,
    Report,
    Skipped,
    date_of,
)

__all__ = [
    "COUNTED",
    "DEFINITIONS",
    "FATES",
    "CarryOver",
    "Counts",
    "Entry",
    "Ledger",
    "MemberLedger",
    "Owed",
    "build",
    "by_quarter",
    "carry_over",
    "fates",
    "forecast",
    "forecast_line",
    "progress_percent",
]


if TYPE_CHECKING:  # types only: the ledger reads nothing itself
    from mastermind_kit.history import History
    from mastermind_kit.read import Workspace

FATES = ("done", "partial", "missed", "dropped", "unreported", "open")
# The statuses that count in the follow-through denominator.
COUNTED = ("done", "partial", "missed", "unreported")
CARRY_LIMIT = 2  # carried over more than this many times: flagged
FORECAST_POINTS = 4  # the pace is the straight line through the last few results
TREND_DAYS = 91  # a quarter: thirteen weeks

DEFINITIONS: dict[str, str] = {
    "made": "Commitments made at meetings in the period (made = done + partial + missed "
    "+ dropped + unreported + open).",
    "done": "The member's latest report-back on the commitment says done.",
    "partial": "The latest report-back says partial (shown on its own, counted in "
    "follow-through as not done).",
    "missed": "The latest report-back says missed.",
    "dropped": "The latest report-back says dropped: renegotiated on purpose; left out of "
    "follow-through.",
    "unreported": "No note of the member reports on it, though the member has a note for a "
    "meeting on or after its due date (they had the chance and said nothing).",
    "open": "No note of the member reports on it, and the member has no note for a meeting "
    "on or after its due date yet; left out of follow-through.",
    "due": "The commitment's due date, or by default the group's next scheduled meeting "
    "after the meeting where it was made.",
    "follow_through": "done / (done + partial + missed + unreported), from 0 to 1; null when "
    "that sum is 0. A commitment's fate is its latest report; only the member's own notes "
    "up to today count.",
    "meetings_attended": "Meetings the member was in the group for (joined to left), up to "
    "today, with a note of theirs; meetings they are excused from are not counted.",
    "meetings_excused": "Meetings the member is excused from in mastermind.yaml; they count "
    "neither as attended nor as missed.",
    "meetings_missed": "Meetings the member was in the group for, not excused, with no note "
    "(a note that is there but was skipped for errors of its own counts as neither attended "
    "nor missed).",
    "prepared_on_time": "Attended meetings whose note was first committed (committer date of "
    "the commit that added the file, following renames) strictly before the meeting's "
    "start: its date and the group's time in the group's time zone.",
    "prepared_late": "Attended meetings whose note was first committed at or after the "
    "meeting's start.",
    "prepared_unknown": "Attended meetings whose note has no known first commit: not "
    "committed yet, no git repository, or older than a shallow clone.",
    "streak": "Consecutive meetings, latest first, at which everything the member reported "
    "was done. A meeting with no report-back neither extends nor breaks it; a missed "
    "meeting, or any report that is not done, ends it. current: the run up to the latest "
    "meeting; longest: the longest run.",
    "carried_over": "Commitments re-made (carried_from) more than twice: close them, "
    "re-make them differently or drop them.",
    "goal_progress": "Latest measurable result against the goal's baseline and target; "
    "percent = (latest - baseline) / (target - baseline) x 100.",
    "forecast": "When the target is reached at the pace of the straight line through the "
    "last 4 results (least squares), or 'not at this pace' when that line does not reach it.",
    "by_quarter": "Follow-through of the commitments made in each calendar quarter, with "
    "their fates as of today.",
    "trend": "Follow-through of commitments made in the last 13 weeks up to today (or "
    "--until) against the 13 weeks before.",
    "period": "--since/--until select meetings by date: commitments made at them and the "
    "meetings counted; fates use every report up to today.",
    "to_report": "What a member owes at a meeting: every commitment made at their earlier "
    "meetings whose fate is still open or unreported (no report-back with a status in an "
    "earlier note). Re-making a commitment with carried_from does not settle the old one: "
    "it stays owed, and counts as unreported, until a note reports on it (dropped, if it "
    "was re-made).",
    "skipped": "Files with errors of their own (run 'mastermind check') are left out: their "
    "commitments, reports and results are not counted, so the numbers may be incomplete.",
}


# -- the ledger's parts --------------------------------------------------------------------


@dataclass
class Entry:
    """One commitment and what became of it."""

    commitment: Commitment
    due: dt.date | None
    fate: str
    report: Report | None = None  # the latest report with a status
    reported_at: dt.date | None = None  # the meeting of that report
    reports: list[tuple[dt.date, Report]] = field(default_factory=list)  # every one, in order
    chain: list[str] = field(default_factory=list)  # carried_from ancestors, oldest first

    @property
    def carried(self) -> int:
        return len(self.chain)


@dataclass
class Counts:
    made: int = 0
    done: int = 0
    partial: int = 0
    missed: int = 0
    dropped: int = 0
    unreported: int = 0
    open: int = 0

    @classmethod
    def of(cls, entries: Iterable[Entry]) -> Counts:
        counts = cls()
        for entry in entries:
            counts.made += 1
            setattr(counts, entry.fate, getattr(counts, entry.fate) + 1)
        return counts

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(getattr(self, f) + getattr(other, f) for f in ("made", *FATES)))

    @property
    def follow_through(self) -> float | None:
        counted = sum(getattr(self, fate) for fate in COUNTED)
        return self.done / counted if counted else None


@dataclass
class Attendance:
    scheduled: int = 0  # meetings the member was in the group for, in the period
    attended: int = 0
    excused: int = 0
    missed: int = 0
    prepared_on_time: int = 0
    prepared_late: int = 0
    prepared_unknown: int = 0

    def __add__(self, other: Attendance) -> Attendance:
        names = self.__dataclass_fields__
        return Attendance(*(getattr(self, n) + getattr(other, n) for n in names))


@dataclass
class Window:
    since: dt.date
    until: dt.date
    counts: Counts


@dataclass
class Trend:
    last: Window
    before: Window

    @property
    def change(self) -> float | None:
        now, then = self.last.counts.follow_through, self.before.counts.follow_through
        if now is None or then is None:
            return None
        return now - then


@dataclass
class GoalProgress:
    goal: Goal
    latest: float | None
    latest_at: dt.date | None
    percent: float | None
    forecast: str | None  # ISO date, "reached", "not at this pace", or None (too few results)
    results: list[tuple[dt.date, float]]


@dataclass
class MemberLedger:
    member: MemberEntry
    commitments: list[Entry]
    counts: Counts
    attendance: Attendance
    streak_current: int
    streak_longest: int
    carried_over: list[Entry]
    goals: list[GoalProgress]
    trend: Trend
    late_notes: list[tuple[dt.date, dt.datetime]]  # (meeting, first commit) prepared late
    all_commitments: list[Entry] = field(default_factory=list)  # any period: for trends


@dataclass
class Ledger:
    group: Group
    today: dt.date
    since: dt.date | None
    until: dt.date | None
    meetings: list[dt.date]  # meetings held in the period, up to today
    members: dict[str, MemberLedger]
    counts: Counts
    attendance: Attendance
    trend: Trend
    warnings: list[str]
    skipped: list[Skipped] = field(default_factory=list)


# -- building it ----------------------------------------------------------------------------


def build(
    workspace: Workspace,
    *,
    today: dt.date,
    since: dt.date | None = None,
    until: dt.date | None = None,
    members: Sequence[str] | None = None,
    now: dt.datetime | None = None,
) -> Ledger:
    """The ledger of the group as of ``today``. ``members`` limits the per-member part
    (the group totals always cover everyone); a workspace read without history gives
    no preparation times. With ``now``, a meeting of today counts as held only once it
    has started (the pages say so of the next meeting)."""
    if since and until and since > until:
        raise UsageError(f"--since {since} is after --until {until}")
    group = workspace.group
    wanted = list(members) if members else [m.id for m in group.members]
    for member_id in wanted:
        if group.member(member_id) is None:
            known = ", ".join(m.id for m in group.members)
            raise UsageError(f"'{member_id}' is not a member of the group (members: {known})")
    last = min(today, until) if until else today
    held = schedule.meetings(group, since=since, until=last)
    if now is not None:
        held = [day for day in held if schedule.start(group, day) <= now]
    # A note that is there but has errors of its own: its meeting is neither attended
    # nor missed (DEFINITIONS["meetings_missed"]).
    unreadable: dict[str, set[dt.date]] = {}
    for note_of in filter(None, (entry.note_of() for entry in workspace.skipped)):
        unreadable.setdefault(note_of[1], set()).add(note_of[0])
    history = workspace.history
    warnings = list(history.warnings) if history else []
    if history is None:
        warnings.append("no git history read: no preparation times")
    by_member: dict[str, list[Note]] = {}
    for note in workspace.notes:
        if note.meeting <= today:
            by_member.setdefault(note.member, []).append(note)
    ledgers: dict[str, MemberLedger] = {}
    for member in group.members:
        ledgers[member.id] = _member_ledger(
            group,
            member,
            by_member.get(member.id, []),
            workspace.profiles.get(member.id),
            history,
            today=today,
            since=since,
            until=last,
            held=held,
            unreadable=unreadable.get(member.id, set()),
        )
    counts, attendance = Counts(), Attendance()
    for ledger in ledgers.values():
        counts, attendance = counts + ledger.counts, attendance + ledger.attendance
    everyone = [e for ledger in ledgers.values() for e in ledger.all_commitments]
    return Ledger(
        group=group,
        today=today,
        since=since,
        until=until,
        meetings=held,
        members={m: ledgers[m] for m in wanted},
        counts=counts,
        attendance=attendance,
        trend=_trend(everyone, last),
        warnings=warnings,
        skipped=list(workspace.skipped),
    )


def _member_ledger(
    group: Group,
    member: MemberEntry,
    notes: list[Note],
    profile: Profile | None,
    history: History | None,
    *,
    today: dt.date,
    since: dt.date | None,
    until: dt.date,
    held: list[dt.date],
    unreadable: set[dt.date],
) -> MemberLedger:
    notes = sorted(notes, key=lambda n: n.meeting)
    entries = fates(group, member.id, notes)
    in_period = [e for e in entries if _within(e.commitment.meeting, since, until)]
    attendance, late = _attendance(group, member, notes, history, held, unreadable)
    current, longest = _streaks(group, member, notes, held, unreadable)
    carried_on = {e.commitment.carried_from for e in entries if e.commitment.carried_from}
    # Only the newest link of a chain is flagged: one carried on again is not.
    carried = [
        e for e in in_period if e.carried > CARRY_LIMIT and e.commitment.id not in carried_on
    ]
    return MemberLedger(
        member=member,
        commitments=in_period,
        counts=Counts.of(in_period),
        attendance=attendance,
        streak_current=current,
        streak_longest=longest,
        carried_over=carried,
        goals=_goals(profile, notes),
        trend=_trend(entries, until),
        late_notes=late,
        all_commitments=entries,
    )


def _within(day: dt.date, since: dt.date | None, until: dt.date | None) -> bool:
    return (since is None or day >= since) and (until is None or day <= until)


def fates(group: Group, member: str, notes: Sequence[Note]) -> list[Entry]:
    """Every commitment ``member`` made in ``notes`` (their own notes, up to today) with
    its fate. Reports are read only from the member's own notes at later meetings:
    ``check`` rejects a report on someone else's commitment, and it never counts here."""
    own = sorted((n for n in notes if n.member == member), key=lambda n: n.meeting)
    made: dict[str, Commitment] = {}
    for note in own:
        for commitment in note.commitments:
            made.setdefault(commitment.id, commitment)
    reports: dict[str, list[tuple[dt.date, Report]]] = {}
    for note in own:
        for report in note.report:
            target = made.get(report.id)
            if target is None or note.meeting <= target.meeting:
                continue  # a dangling id or a report before the commitment existed
            if report.status in STATUSES:
                reports.setdefault(report.id, []).append((note.meeting, report))
    following = _next_meetings(group, made.values())
    last_note = own[-1].meeting if own else None
    entries: list[Entry] = []
    for commitment in made.values():
        due = commitment.due or following(commitment.meeting)
        found = reports.get(commitment.id, [])
        latest: Report | None = None
        reported_at: dt.date | None = None
        if found:
            reported_at, latest = found[-1]
            fate = latest.status or "open"
        else:
            had_chance = due is not None and last_note is not None and last_note >= due
            fate = "unreported" if had_chance else "open"
        entries.append(
            Entry(commitment, due, fate, latest, reported_at, found, _chain(commitment, made))
        )
    return entries


def _next_meetings(
    group: Group, commitments: Iterable[Commitment]
) -> Callable[[dt.date], dt.date | None]:
    """``next_after`` for many dates at once: the schedule is listed once, then bisected."""
    days = [c.meeting for c in commitments]
    if not days:
        return lambda day: schedule.next_after(group, day)
    listed = schedule.meetings(group, until=max(days) + dt.timedelta(days=400))

    def after(day: dt.date) -> dt.date | None:
        index = bisect.bisect_right(listed, day)
        return listed[index] if index < len(listed) else schedule.next_after(group, day)

    return after


def _chain(commitment: Commitment, made: dict[str, Commitment]) -> list[str]:
    chain: list[str] = []
    seen = {commitment.id}
    ref = commitment.carried_from
    while ref and ref not in seen:
        chain.append(ref)
        seen.add(ref)
        earlier = made.get(ref)
        ref = earlier.carried_from if earlier else None
    chain.reverse()
    return chain


def _counted_meetings(
    group: Group, member: MemberEntry, held: list[dt.date]
) -> tuple[list[dt.date], list[dt.date]]:
    """(meetings that count for the member, meetings they are excused from)."""
    active = [d for d in held if member.active_on(d)]
    # A set: a group that meets for years collects many excused dates.
    planned = {e.meeting for e in group.excused if e.member == member.id}
    return [d for d in active if d not in planned], [d for d in active if d in planned]


def _attendance(
    group: Group,
    member: MemberEntry,
    notes: list[Note],
    history: History | None,
    held: list[dt.date],
    unreadable: set[dt.date],
) -> tuple[Attendance, list[tuple[dt.date, dt.datetime]]]:
    counted, excused = _counted_meetings(group, member, held)
    by_day = {n.meeting: n for n in notes}
    attendance = Attendance(scheduled=len(counted) + len(excused), excused=len(excused))
    late: list[tuple[dt.date, dt.datetime]] = []
    for day in counted:
        note = by_day.get(day)
        if note is None:
            if day not in unreadable:
                attendance.missed += 1
            continue
        attendance.attended += 1
        first = history.first_committed(note.source.path) if history else None
        if first is None:
            attendance.prepared_unknown += 1
        elif first < schedule.start(group, day):
            attendance.prepared_on_time += 1
        else:
            attendance.prepared_late += 1
            late.append((day, first))
    return attendance, late


def _streaks(
    group: Group,
    member: MemberEntry,
    notes: list[Note],
    held: list[dt.date],
    unreadable: set[dt.date],
) -> tuple[int, int]:
    counted, _ = _counted_meetings(group, member, held)
    by_day = {n.meeting: n for n in notes}
    run = longest = 0
    for day in counted:
        note = by_day.get(day)
        if note is None:
            if day not in unreadable:  # an unreadable note neither extends nor breaks it
                run = 0
            continue
        statuses = [r.status for r in note.report if r.status is not None]
        if not statuses:
            continue
        if all(s == "done" for s in statuses):
            run += 1
            longest = max(longest, run)
        else:
            run = 0
    return run, longest


def _goals(profile: Profile | None, notes: list[Note]) -> list[GoalProgress]:
    if profile is None:
        return []
    progress: list[GoalProgress] = []
    for goal in profile.goals:
        results = [
            (n.meeting, float(value))
            for n in notes
            if (value := n.results.get(goal.id)) is not None and not isinstance(value, bool)
        ]
        latest_at, latest = results[-1] if results else (None, None)
        percent = progress_percent(goal, latest)
        progress.append(
            GoalProgress(goal, latest, latest_at, percent, forecast(goal, results), results)
        )
    return progress


def progress_percent(goal: Goal, value: float | None) -> float | None:
    """DEFINITIONS["goal_progress"]: how far ``value`` is from the baseline to the
    target, in percent (one decimal); None without a value, baseline or target."""
    if value is None or goal.baseline is None or goal.target is None:
        return None
    span = goal.target - goal.baseline
    if not span:
        return None
    try:
        percent = round((value - goal.baseline) / span * 100, 1)
    except (OverflowError, ArithmeticError):
        return None
    return percent if math.isfinite(percent) else None


def forecast(goal: Goal, results: Sequence[tuple[dt.date, float]]) -> str | None:
    """When the straight line through the last few results reaches the target."""
    found = forecast_line(goal, results)
    return found if found is None or isinstance(found, str) else found[1][0].isoformat()


Segment = tuple[tuple[dt.date, float], tuple[dt.date, float]]


def forecast_line(goal: Goal, results: Sequence[tuple[dt.date, float]]) -> str | Segment | None:
    """DEFINITIONS["forecast"]: "reached", "not at this pace", None (too few results or
    no target), or the stretch of the pace line from the latest result's date to the
    day it reaches the target (what a chart draws dashed)."""
    if goal.target is None or not results:
        return None
    target = goal.target
    latest = results[-1][1]
    upward = goal.baseline is None or target >= goal.baseline
    if (latest >= target) if upward else (latest <= target):
        return "reached"
    points = list(results[-FORECAST_POINTS:])
    if len(points) < 2:
        return None
    origin = points[0][0]
    xs = [(day - origin).days for day, _ in points]
    ys = [value for _, value in points]
    try:
        mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
        spread = sum((x - mean_x) ** 2 for x in xs)
        if spread == 0:
            return "not at this pace"
        slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread
        if not math.isfinite(slope) or slope == 0 or (slope > 0) != (target > latest):
            return "not at this pace"
        intercept = mean_y - slope * mean_x
        days = max((target - intercept) / slope, xs[-1])
        reached = origin + dt.timedelta(days=days)
        now = intercept + slope * xs[-1]
    except (OverflowError, ArithmeticError, ValueError):
        return "not at this pace"
    if not math.isfinite(now):
        return "not at this pace"
    return (points[-1][0], now), (reached, target)


def by_quarter(entries: Iterable[Entry]) -> list[tuple[str, Counts]]:
    """DEFINITIONS["by_quarter"]: the commitments made in each calendar quarter, oldest
    first, from the first quarter with one to the last (empty quarters included)."""
    groups: dict[tuple[int, int], list[Entry]] = {}
    for entry in entries:
        day = entry.commitment.meeting
        groups.setdefault((day.year, (day.month - 1) // 3), []).append(entry)
    if not groups:
        return []
    first, last = min(groups), max(groups)
    out: list[tuple[str, Counts]] = []
    year, quarter = first
    while (year, quarter) <= last:
        out.append((f"{year} Q{quarter + 1}", Counts.of(groups.get((year, quarter), []))))
        year, quarter = (year + 1, 0) if quarter == 3 else (year, quarter + 1)
    return out


def _trend(entries: Iterable[Entry], until: dt.date) -> Trend:
    entries = list(entries)
    span = dt.timedelta(days=TREND_DAYS)
    last_since = until - span + dt.timedelta(days=1)
    before_since = last_since - span

    def window(start: dt.date, end: dt.date) -> Window:
        return Window(
            start, end, Counts.of(e for e in entries if start <= e.commitment.meeting <= end)
        )

    return Trend(window(last_since, until), window(before_since, last_since - dt.timedelta(days=1)))


# -- what a member carries to a meeting ------------------------------------------------------


@dataclass
class Owed:
    """A commitment the member still has to report on at a meeting."""

    commitment: Commitment
    due: dt.date | None  # the commitment's due date, or the next meeting after it was made

    @property
    def id(self) -> str:
        return self.commitment.id


@dataclass
class CarryOver:
    """What a member brings to a meeting from their earlier (readable) notes."""

    owed: list[Owed]  # DEFINITIONS["to_report"], oldest first
    last_results: dict[str, tuple[float, dt.date]]  # goal id -> latest value and its meeting
    previous: dt.date | None  # the meeting of their last readable note before this one

    def to_json(self) -> dict[str, Any]:
        return {
            "owed": [
                [
                    o.commitment.id,
                    o.commitment.text,
                    o.commitment.meeting.isoformat(),
                    _iso(o.commitment.due),
                    o.commitment.goal,
                    o.commitment.carried_from,
                    o.commitment.line,
                    _iso(o.due),
                ]
                for o in self.owed
            ],
            "last_results": {g: [v, d.isoformat()] for g, (v, d) in self.last_results.items()},
            "previous": _iso(self.previous),
        }

    @classmethod
    def from_json(cls, member: str, data: dict[str, Any]) -> CarryOver:
        owed = [
            Owed(
                Commitment(
                    id=c[0],
                    text=c[1],
                    member=member,
                    meeting=date_of(c[2]),
                    due=_opt_date(c[3]),
                    goal=c[4],
                    carried_from=c[5],
                    line=c[6],
                ),
                _opt_date(c[7]),
            )
            for c in data["owed"]
        ]
        results = {g: (float(v), date_of(d)) for g, (v, d) in data["last_results"].items()}
        return cls(owed, results, _opt_date(data["previous"]))


def carry_over(group: Group, member: str, notes: Sequence[Note], meeting: dt.date) -> CarryOver:
    """What ``member`` carries to ``meeting`` from ``notes`` (their readable notes)."""
    earlier = sorted(
        (n for n in notes if n.member == member and n.meeting < meeting), key=lambda n: n.meeting
    )
    owed = [
        Owed(e.commitment, e.due)
        for e in fates(group, member, earlier)
        if e.fate in ("open", "unreported")
    ]
    owed.sort(key=lambda o: (o.commitment.meeting, o.commitment.id))
    results: dict[str, tuple[float, dt.date]] = {}
    for note in earlier:
        for goal, value in note.results.items():
            if value is not None and not isinstance(value, bool):
                results[goal] = (float(value), note.meeting)
    return CarryOver(owed, results, earlier[-1].meeting if earlier else None)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _opt_date(text: str | None) -> dt.date | None:
    return date_of(text) if text else None
