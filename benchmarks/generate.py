"""A synthetic, realistic group of any size, written as a git repo in seconds.

    python benchmarks/generate.py DEST [--years 10] [--members 12]
        [--cadence weekly|biweekly] [--end 2026-11-24]

This module owns the benchmark's test data: a format-v1 group that looks like one a
real group would keep for years, so that the commands are timed on the shapes they
meet in use, not on a best case. What it holds:

- ``mastermind.yaml`` with the members, a facilitator, the meeting nearest Christmas in
  ``skip`` every year, and planned absences in ``excused``; profiles with one to three
  goals each (baseline, target, due) and a story of a few paragraphs. The facilitator
  commits all of it at the start.
- One note per member and meeting, with a few missing (absences, excused or not). Each
  note is committed twice by its member: the preparation before the meeting (results
  drifting toward the goals' targets, report-backs, questions, a walk-away, now and
  then a hot-seat request, ``commitments: []``), a few of them only after the meeting
  had started; then, within hours after the meeting, the commitments made there.
- Report-backs on the commitments that fell due: mostly done, some partial, missed or
  dropped, a few left unreported for a while (or for good); some partial or missed
  ones re-made with ``carried_from``; some commitments with an explicit ``due`` weeks
  ahead, reported when that date has come (or early, when done early).

The history ends at the last meeting on or before ``--end`` and starts ``--years``
before it. Everything is derived from a ``random.Random`` seeded with the parameters,
and all times from the schedule, never from the clock: the same parameters give the
same files and the same commit ids. The whole history is written by ONE
``git fast-import`` (``mastermind_kit.history``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from mastermind_kit import history
from mastermind_kit.history import NewCommit

DEFAULT_END = dt.date(2026, 11, 24)
TIMEZONE = "Europe/Berlin"
START_TIME = dt.time(18, 0)
DURATION = dt.timedelta(minutes=120)
WEEKDAY = 1  # meetings are on Tuesdays
FACILITATOR = ("Fiona Facilitator", "fiona@example.org")
PERIOD = {"weekly": 7, "biweekly": 14}

# How often things happen, per member and meeting (or per commitment).
ABSENT = 0.012  # no note, not excused
EXCUSED = 0.008  # a planned absence, listed in mastermind.yaml
LATE = 0.03  # the note is first committed after the meeting has started
HOT_SEAT = 0.15
EXPLICIT_DUE = 0.12  # a commitment due weeks ahead rather than at the next meeting
EARLY_REPORT = 0.1  # per note: a commitment not due yet is reported done early
REPORTED_LATE = 0.03  # not reported when due, but at a later note
FORGOTTEN = 0.003  # never reported at all
CARRY = 0.5  # a partial or missed commitment is re-made with carried_from
STATUS_WEIGHTS = {"done": 0.66, "partial": 0.15, "missed": 0.13, "dropped": 0.06}

PEOPLE = [
    ("alice", "Alice Martin"),
    ("bruno", "Bruno Costa"),
    ("chen", "Chen Wei"),
    ("dana", "Dana Levi"),
    ("emeka", "Emeka Obi"),
    ("farah", "Farah Haddad"),
    ("goran", "Goran Petrovic"),
    ("hana", "Hana Sato"),
    ("ivan", "Ivan Novak"),
    ("jules", "Jules Bernard"),
    ("kemal", "Kemal Aydin"),
    ("lena", "Lena Vogel"),
    ("mo", "Mo Rahman"),
    ("nadia", "Nadia Kowalski"),
    ("oskar", "Oskar Lund"),
    ("pia", "Pia Moretti"),
    ("quinn", "Quinn Walsh"),
    ("rosa", "Rosa Jimenez"),
    ("sami", "Sami Virtanen"),
    ("tomas", "Tomas Horak"),
    ("uma", "Uma Iyer"),
    ("viktor", "Viktor Berg"),
    ("wen", "Wen Li"),
    ("yara", "Yara Nasser"),
]


@dataclass(frozen=True)
class GoalKind:
    id: str
    title: str  # {target} is filled in
    metric: str
    unit: str
    baseline: tuple[float, float]
    factor: tuple[float, float]  # target = baseline * factor (or + offset below)
    offset: tuple[float, float] = (0.0, 0.0)
    decimals: int = 0
    actions: tuple[str, ...] = ()


GOALS = [
    GoalKind(
        "mrr",
        "Reach {target} EUR monthly recurring revenue",
        "MRR",
        "EUR",
        (4000, 40000),
        (1.8, 3.5),
        actions=(
            "Call five former customers about the new plan",
            "Send the renewal offer to the ten largest accounts",
            "Rewrite the pricing page and test it with three prospects",
            "Book two demos with agencies from the partner list",
            "Draft the annual-plan discount and get Deniz's view on it",
        ),
    ),
    GoalKind(
        "clients",
        "Sign {target} paying clients",
        "paying clients",
        "clients",
        (3, 25),
        (2.0, 4.0),
        actions=(
            "Follow up on every open proposal",
            "Ask three happy clients for an introduction",
            "Write the case study for the logistics project",
            "Speak at the regional meetup and collect contacts",
        ),
    ),
    GoalKind(
        "newsletter",
        "Grow the newsletter to {target} subscribers",
        "subscribers",
        "subscribers",
        (300, 4000),
        (3.0, 8.0),
        actions=(
            "Publish two issues of the newsletter",
            "Pitch a guest post to two larger newsletters",
            "Add the sign-up box to the most read articles",
        ),
    ),
    GoalKind(
        "weight",
        "Get down to {target} kg",
        "body weight",
        "kg",
        (82, 104),
        (1.0, 1.0),
        offset=(-18, -8),
        decimals=1,
        actions=(
            "Run three times this week, at least 5 km each",
            "Cook at home five evenings",
            "Go to bed before eleven on weeknights",
        ),
    ),
    GoalKind(
        "book",
        "Finish the manuscript ({target} words)",
        "words written",
        "words",
        (0, 15000),
        (1.0, 1.0),
        offset=(50000, 80000),
        actions=(
            "Write 3,000 words of the next chapter",
            "Send chapter four to two test readers",
            "Block two mornings for writing and keep them",
        ),
    ),
    GoalKind(
        "runway",
        "Build a runway of {target} months",
        "months of runway",
        "months",
        (2, 6),
        (1.0, 1.0),
        offset=(6, 12),
        decimals=1,
        actions=(
            "Cancel the tools nobody used last month",
            "Move the reserve to the separate account",
            "Send the overdue invoices and call the two late payers",
        ),
    ),
    GoalKind(
        "team",
        "Grow the team to {target} people",
        "people",
        "people",
        (2, 9),
        (1.0, 1.0),
        offset=(3, 10),
        actions=(
            "Publish the job ad for the second engineer",
            "Hold the final interviews for the sales role",
            "Write the onboarding plan for the new hire",
        ),
    ),
    GoalKind(
        "margin",
        "Raise gross margin to {target} percent",
        "gross margin",
        "percent",
        (18, 40),
        (1.0, 1.0),
        offset=(8, 20),
        decimals=1,
        actions=(
            "Renegotiate the hosting contract",
            "Raise the price for new orders by eight percent",
            "Stop offering the unprofitable rush service",
        ),
    ),
]

GENERAL_ACTIONS = (
    "Take one full day off without the laptop",
    "Write down the three decisions I keep postponing",
    "Talk to my co-founder about roles",
    "Clear the inbox down to ten messages",
    "Ask the group's accountant contact for a recommendation",
    "Review last quarter's numbers with the bookkeeper",
    "Delegate the weekly report to the team",
    "Prepare the board update a week early",
)

QUESTIONS = (
    "Should I hire a salesperson or a second engineer first?",
    "How do I raise prices for existing customers without losing them?",
    "When is the right moment to say no to a large client?",
    "How do you protect a writing morning from meetings?",
    "Is it time to stop doing the bookkeeping myself?",
    "How do I give feedback to a co-founder who is also a friend?",
    "What would you cut if you had half the time?",
    "How do I find a mentor in a field this small?",
    "Should I take the consulting project to extend the runway?",
    "How much should I tell the team about the cash position?",
    "What is a fair equity offer for a first senior hire?",
    "How do I stop checking the dashboard every hour?",
    "Which of my three projects would you stop?",
    "How do I make the weekly planning stick?",
)

WALK_AWAYS = (
    "A hiring decision",
    "One clear next step",
    "A pricing decision I can test within two weeks",
    "Permission to drop something",
    "A plan for the next month",
    "Two names to call this week",
    "A yes or a no on the consulting project",
    "Honest feedback on the new offer",
)

REPORT_NOTES = {
    "done": (
        "Done on Thursday.",
        "Finished, and it went better than I feared.",
        "Done. Two of them answered the same day.",
        "Done, a day late but done.",
    ),
    "partial": (
        "Got halfway; the rest slipped to next week.",
        "Started, then client work took over.",
        "Three out of five.",
    ),
    "missed": (
        "Did not start. I avoided it, honestly.",
        "Missed: I was ill most of the week.",
        "Not done; the week went to a production incident.",
    ),
    "dropped": (
        "No longer relevant after the pricing change.",
        "Dropped on purpose: the group talked me out of it.",
        "Dropped; it was the wrong goal.",
    ),
}

SENTENCES = (
    "The week was quieter than the last one, which helped.",
    "Two customers renewed without a discussion about price.",
    "I spent too much time on support again and not enough on sales.",
    "The new hire is settling in faster than expected.",
    "Cash is fine for now, but the next quarter looks thinner.",
    "I kept my mornings free three days out of five.",
    "A large prospect went silent after the second call.",
    "We shipped the reporting feature that three clients asked for.",
    "I finally wrote down what I want the company to look like in five years.",
    "Energy was low; I slept badly most of the week.",
    "The partner channel brought its first real lead.",
    "I said no to a project that did not fit, and it felt right.",
    "The accountant found an error that cost us a month of margin.",
    "My co-founder and I had the conversation about roles we kept postponing.",
    "Numbers are flat, and I am not sure yet why.",
    "A former client referred a friend's company to us.",
)

MEETING_NOTES = (
    "The group pushed back on my plan to do everything myself.",
    "Good hot seat: the question behind my question was about fear, not pricing.",
    "Two people offered introductions; I will follow up this week.",
    "I left with fewer commitments than I came with, on purpose.",
    "The advice was unanimous, which is rare, so I will take it.",
)

VISIONS = (
    "A calm, profitable company of twenty people",
    "A studio known for careful work that does not depend on me for every decision",
    "Financial independence and a business that runs four days a week",
    "A book published and a practice that lives from it",
    "The tool every small agency in the region uses for its invoicing",
)

STORY = (
    "{first} started the company after eight years in a larger firm, where the same "
    "problem came up every quarter and nobody owned it. The first customers came from "
    "that old network; the next ones have to come from somewhere else.",
    "Most weeks are a trade between client work that pays now and the product work that "
    "should pay later. {first} wants the group to notice when that trade is made by "
    "default rather than by decision.",
    "Outside work: two children, a long commute twice a week, and a running habit that "
    "comes and goes with the workload.",
)

_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9 ,.;'()/&%?!-]*$")
_YAML11_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}


def scalar(text: str) -> str:
    """``text`` as a YAML scalar: plain where a YAML 1.1 reader keeps it as this very
    string, double-quoted (JSON is valid YAML) where it would not."""
    if (
        _PLAIN.match(text)
        and ": " not in text
        and " #" not in text
        and not text.endswith(":")
        and text.lower() not in _YAML11_WORDS
    ):
        return text
    return json.dumps(text, ensure_ascii=False)


def number(value: float) -> str:
    """A number as YAML: whole numbers without a point, never in exponent notation."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.6f}".rstrip("0")


@dataclass
class Goal:
    kind: GoalKind
    baseline: float
    target: float
    due: dt.date
    progress: float = 0.0  # 0 at the baseline, 1 at the target
    pace: float = 0.0  # progress per meeting, on average

    def value(self) -> float | int:
        raw = self.baseline + (self.target - self.baseline) * self.progress
        return round(raw, self.kind.decimals) if self.kind.decimals else round(raw)


@dataclass
class Pending:
    """A commitment made and not reported on yet."""

    id: str
    text: str
    goal: str | None
    due: dt.date  # explicit, or the next meeting after the one it was made at
    carried: int  # how many times it has been re-made already
    carried_from: str | None = None
    deferred: bool = False  # left unreported once already


@dataclass
class Member:
    id: str
    name: str
    email: str
    goals: list[Goal]
    vision: str
    pending: list[Pending] = field(default_factory=list)


@dataclass
class Facts:
    """What a generated group holds, for the summary line and the benchmark runner."""

    years: int
    members: int
    cadence: str
    first_meeting: dt.date
    last_meeting: dt.date
    meetings: int  # held (not skipped)
    notes: int
    commits: int
    member_ids: list[str]
    seconds: float = 0.0

    def line(self, dest: Path) -> str:
        return (
            f"{self.notes} notes, {self.commits} commits, {self.meetings} meetings "
            f"({self.first_meeting} to {self.last_meeting}), {self.members} members "
            f"{self.cadence}, in {self.seconds:.1f} s: {dest}"
        )


def people(count: int) -> list[tuple[str, str]]:
    """``count`` (id, name) pairs; past the list, the names repeat with a number."""
    out = []
    for i in range(count):
        ident, name = PEOPLE[i % len(PEOPLE)]
        lap = i // len(PEOPLE)
        out.append((f"{ident}-{lap + 1}", f"{name} {lap + 1}") if lap else (ident, name))
    return out


def schedule(years: int, cadence: str, end: dt.date) -> tuple[list[dt.date], list[dt.date]]:
    """(every regular meeting date, the skipped ones): Tuesdays, the last one on or
    before ``end``, the first one no earlier than ``years`` before ``end``."""
    period = PERIOD[cadence]
    last = end - dt.timedelta(days=(end.weekday() - WEEKDAY) % 7)
    try:
        earliest = end.replace(year=end.year - years)
    except ValueError:  # 29 February
        earliest = end.replace(year=end.year - years, day=28)
    count = (last - earliest).days // period
    regular = [last - dt.timedelta(days=period * k) for k in range(count, -1, -1)]
    # The meeting nearest Christmas does not take place, one a year (never the first
    # or the last meeting, which frame the history).
    nearest: dict[int, dt.date] = {}
    for day in regular[1:-1]:
        christmas = dt.date(day.year if day.month > 6 else day.year - 1, 12, 25)
        best = nearest.get(christmas.year)
        if abs((day - christmas).days) <= period // 2 + 1 and (
            best is None or abs((day - christmas).days) < abs((best - christmas).days)
        ):
            nearest[christmas.year] = day
    skip = sorted(nearest.values())
    return regular, skip


def _profile(member: Member, rng: random.Random) -> str:
    lines = ["---", f"name: {scalar(member.name)}", f"vision: {scalar(member.vision)}", "goals:"]
    for goal in member.goals:
        kind = goal.kind
        shown = number(goal.target) if kind.decimals else f"{round(goal.target):,}"
        lines += [
            f"  - id: {kind.id}",
            f"    title: {scalar(kind.title.format(target=shown))}",
            f"    metric: {scalar(kind.metric)}",
            f"    unit: {scalar(kind.unit)}",
            f"    baseline: {number(goal.baseline)}",
            f"    target: {number(goal.target)}",
            f"    due: {goal.due}",
        ]
    first = member.name.split()[0]
    story = [paragraph.format(first=first) for paragraph in STORY]
    rng.shuffle(story)
    wants = [
        "- Honest pushback when I drift from my goals.",
        "- A second opinion before the large decisions, not after them.",
    ]
    body = [
        f"# {member.name}",
        "",
        "\n\n".join(story),
        "",
        "## What I want from the group",
        "",
        *rng.sample(wants, len(wants)),
        "",
    ]
    return "\n".join([*lines, "---", "", *body])


def _config(
    name: str,
    cadence: str,
    first: dt.date,
    skip: Sequence[dt.date],
    excused: Sequence[tuple[str, dt.date, str]],
    members: Sequence[Member],
) -> str:
    lines = [
        "schema: 1",
        f"name: {name}",
        f"cadence: {cadence}",
        f"first_meeting: {first}",
        f'time: "{START_TIME:%H:%M}"',
        f"timezone: {TIMEZONE}",
        f"duration_minutes: {int(DURATION.total_seconds() // 60)}",
        "hot_seat_minutes: 20",
        "skip:",
        *(f"  - {day}" for day in skip),
        "extra: []",
        "require_signed: false",
        "commitment_grace_hours: 48",
        f"facilitators: [{FACILITATOR[1]}]",
        "excused:",
        *(
            f"  - {{member: {who}, meeting: {day}, reason: {reason}}}"
            for who, day, reason in excused
        ),
        "members:",
    ]
    for member in members:
        lines += [
            f"  - id: {member.id}",
            f"    name: {scalar(member.name)}",
            f"    emails: [{member.email}]",
            f"    joined: {first}",
            "    left: null",
        ]
    lines += [
        "agreement: |",
        "  What is said in the group stays in the group.",
        "  We come prepared, we report honestly, and we say so when we cannot.",
        "",
    ]
    return "\n".join(lines)


def _make_member(
    ident: str, name: str, first: dt.date, years: int, meetings: int, rng: random.Random
) -> Member:
    goals = []
    for kind in rng.sample(GOALS, rng.choice((1, 2, 2, 3))):
        baseline = rng.uniform(*kind.baseline)
        target = baseline * rng.uniform(*kind.factor) + rng.uniform(*kind.offset)
        if not kind.decimals:
            baseline, target = round(baseline), round(target)
        else:
            baseline, target = round(baseline, 1), round(target, 1)
        due = first + dt.timedelta(days=rng.randint(180, 365 * max(years, 1) + 365))
        # Some members get there early, some never do: the pace spreads around
        # "reaches the target near the end of the history".
        pace = rng.uniform(0.6, 1.4) / max(meetings, 1)
        goals.append(Goal(kind, baseline, target, due, pace=pace))
    return Member(ident, name, f"{ident}@example.org", goals, rng.choice(VISIONS))


def _report_entry(lines: list[str], pending: Pending, status: str, rng: random.Random) -> None:
    lines += [f"  - id: {pending.id}", f"    status: {status}"]
    if rng.random() < 0.8:
        lines.append(f"    note: {scalar(rng.choice(REPORT_NOTES[status]))}")


def _body(actions: Sequence[str], hot_seat: bool, rng: random.Random) -> str:
    # Two paragraphs of two to four sentences, or one, never the same sentence twice.
    sizes = [rng.randint(2, 4) for _ in range(rng.randint(1, 2))]
    picked = rng.sample(SENTENCES, sum(sizes))
    paragraphs = []
    for size in sizes:
        paragraphs.append(" ".join(picked[:size]))
        picked = picked[size:]
    parts = ["## Update", "", "\n\n".join(paragraphs), "", "## Action plan", ""]
    parts += [f"- {action}." for action in actions] or ["- Keep going."]
    if hot_seat:
        parts += [
            "",
            "## Hot seat",
            "",
            f"{rng.choice(QUESTIONS)} {rng.choice(SENTENCES)} "
            f"What I need from the group: {rng.choice(WALK_AWAYS).lower()}.",
        ]
    return "\n".join(parts) + "\n"


def _pick_status(rng: random.Random) -> str:
    return rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]


def _note(
    member: Member,
    day: dt.date,
    next_day: dt.date,
    later: Sequence[dt.date],
    rng: random.Random,
) -> tuple[str, str]:
    """(the preparation, the note after the meeting) of ``member`` for ``day``.

    Updates the member's state: reported commitments leave ``pending``, the new ones
    join it, results move toward the targets.
    """
    head = ["---", f"member: {member.id}", f"meeting: {day}"]
    results = []
    for goal in member.goals:
        goal.progress += goal.pace * rng.uniform(-1.0, 3.0)  # noisy, but drifting up
        goal.progress = max(-0.1, goal.progress)
        if rng.random() < 0.85:
            results.append(f"{goal.kind.id}: {number(goal.value())}")
    if results:
        head.append(f"results: {{{', '.join(results)}}}")
    report: list[str] = []
    carry: list[Pending] = []
    still: list[Pending] = []
    for pending in member.pending:
        if pending.due <= day:
            chance = rng.random()
            if chance < FORGOTTEN:
                continue  # the summary counts it unreported from now on
            if chance < FORGOTTEN + REPORTED_LATE and not pending.deferred:
                pending.deferred = True  # unreported until a later note catches up
                still.append(pending)
                continue
            status = _pick_status(rng)
            _report_entry(report, pending, status, rng)
            if status in ("partial", "missed") and rng.random() < CARRY / (1 + pending.carried):
                carry.append(pending)
        elif rng.random() < EARLY_REPORT:
            _report_entry(report, pending, "done", rng)
        else:
            still.append(pending)
    if report:
        head += ["report:", *report]
    asked = rng.choices((0, 1, 2), weights=(0.15, 0.6, 0.25))[0]
    if asked:
        head += ["questions:", *(f"  - {scalar(q)}" for q in rng.sample(QUESTIONS, asked))]
    if rng.random() < 0.9:
        head.append(f"walk_away: {scalar(rng.choice(WALK_AWAYS))}")
    hot_seat = rng.random() < HOT_SEAT
    if hot_seat:
        head.append("hot_seat: true")
    elif rng.random() < 0.5:
        head.append("hot_seat: false")

    # What will be committed at the meeting (the body's action plan already names it).
    made: list[Pending] = []
    counter = 0
    for old in carry:
        counter += 1
        made.append(
            Pending(
                f"{day}/{member.id}/{counter}",
                old.text,
                old.goal,
                next_day,
                old.carried + 1,
                carried_from=old.id,
            )
        )
    for _ in range(rng.choices((1, 2, 3), weights=(0.3, 0.5, 0.2))[0]):
        counter += 1
        aim = rng.choice(member.goals) if rng.random() < 0.75 else None
        text = rng.choice(aim.kind.actions if aim else GENERAL_ACTIONS)
        due = next_day
        if later and rng.random() < EXPLICIT_DUE:
            due = rng.choice(later)
        made.append(
            Pending(f"{day}/{member.id}/{counter}", text, aim.kind.id if aim else None, due, 0)
        )
    body = _body([m.text for m in made], hot_seat, rng)

    prep = "\n".join([*head, "commitments: []", "---", "", body])
    final = [*head, "commitments:"]
    for commitment in made:
        final += [f"  - id: {commitment.id}", f"    text: {scalar(commitment.text)}"]
        if commitment.due != next_day:
            final.append(f"    due: {commitment.due}")
        if commitment.goal:
            final.append(f"    goal: {commitment.goal}")
        if commitment.carried_from:
            final.append(f"    carried_from: {commitment.carried_from}")
    after = body
    if rng.random() < 0.6:
        after += "\n## From the meeting\n\n" + rng.choice(MEETING_NOTES) + "\n"
    member.pending = still + made
    return prep, "\n".join([*final, "---", "", after])


def build(
    years: int = 10, members: int = 12, cadence: str = "weekly", end: dt.date = DEFAULT_END
) -> tuple[list[NewCommit], Facts]:
    """The commits of the synthetic group, oldest first, and facts about it."""
    if cadence not in PERIOD:
        raise ValueError(f"cadence must be one of {', '.join(PERIOD)}")
    if years < 1 or members < 1:
        raise ValueError("--years and --members must be at least 1")
    rng = random.Random(f"mastermind-benchmark/{years}/{members}/{cadence}/{end}")
    zone = ZoneInfo(TIMEZONE)
    regular, skip = schedule(years, cadence, end)
    skipped = set(skip)
    held = [day for day in regular if day not in skipped]
    first = regular[0]
    crew = [
        _make_member(ident, name, first, years, len(held), rng) for ident, name in people(members)
    ]

    # Planned absences: a few per member and year, never at the first meeting. Drawn
    # here, so they can be written into the config committed at the start.
    slots = [(m.id, day) for day in held[1:] for m in crew]
    wanted = max(1, round(EXCUSED * len(slots)))
    reasons = ("travel", "parental leave", "conference", "family", "surgery")
    excused = sorted(
        (
            (who, day, rng.choice(reasons))
            for who, day in rng.sample(slots, min(wanted, len(slots)))
        ),
        key=lambda e: (e[1], e[0]),
    )
    excused_set = {(who, day) for who, day, _ in excused}

    started = dt.datetime.combine(first - dt.timedelta(days=10), dt.time(10), tzinfo=zone)
    files = {
        "mastermind.yaml": _config("Synthetic Founders Circle", cadence, first, skip, excused, crew)
    }
    files.update({f"members/{m.id}.md": _profile(m, rng) for m in crew})
    commits = [NewCommit(started, FACILITATOR, "Start the group: config and profiles", files)]
    notes = 0
    for index, day in enumerate(held):
        next_day = (
            held[index + 1] if index + 1 < len(held) else day + dt.timedelta(days=PERIOD[cadence])
        )
        # Explicit due dates fall after the next meeting: two to five periods ahead.
        later = [day + dt.timedelta(days=PERIOD[cadence] * k) for k in (2, 3, 4, 5)]
        begins = dt.datetime.combine(day, START_TIME, tzinfo=zone)
        for member in crew:
            if (member.id, day) in excused_set or (index and rng.random() < ABSENT):
                continue
            prep, final = _note(member, day, next_day, later, rng)
            if rng.random() < LATE:
                # Written during the meeting: prepared late.
                prepared = begins + dt.timedelta(minutes=rng.randint(5, 100))
            else:
                prepared = begins - dt.timedelta(minutes=rng.randint(60, 96 * 60))
            # Commitments go in after the meeting, well within the grace period.
            committed = begins + DURATION + dt.timedelta(minutes=rng.randint(15, 30 * 60))
            author = (member.name, member.email)
            path = f"meetings/{day}/{member.id}.md"
            commits.append(NewCommit(prepared, author, f"{member.id}: prepare {day}", {path: prep}))
            commits.append(
                NewCommit(committed, author, f"{member.id}: commitments from {day}", {path: final})
            )
            notes += 1
    # One timeline: a member's preparation for the next meeting can come before another
    # member's commitments from the last one. Sorting is stable, so ties keep their order.
    commits.sort(key=lambda c: c.when)
    facts = Facts(
        years,
        members,
        cadence,
        first,
        held[-1],
        len(held),
        notes,
        len(commits),
        [m.id for m in crew],
    )
    return commits, facts


def generate(
    dest: Path,
    *,
    years: int = 10,
    members: int = 12,
    cadence: str = "weekly",
    end: dt.date = DEFAULT_END,
) -> Facts:
    """Write the synthetic group as a git repo in ``dest`` (missing or empty)."""
    began = time.perf_counter()
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise FileExistsError(f"{dest} exists and is not an empty folder")
    commits, facts = build(years, members, cadence, end)
    dest.mkdir(parents=True, exist_ok=True)
    history.init(dest)
    history.fast_import(dest, history.fast_import_stream(commits))
    facts.seconds = time.perf_counter() - began
    return facts


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").strip().splitlines()[0])
    parser.add_argument("dest", type=Path, help="a new or empty folder")
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--members", type=int, default=12)
    parser.add_argument("--cadence", choices=sorted(PERIOD), default="weekly")
    parser.add_argument(
        "--end",
        type=dt.date.fromisoformat,
        default=DEFAULT_END,
        help="the history ends at the last meeting on or before this date",
    )
    options = parser.parse_args(argv)
    try:
        summary = generate(
            options.dest,
            years=options.years,
            members=options.members,
            cadence=options.cadence,
            end=options.end,
        )
    except (FileExistsError, ValueError) as error:
        print(f"generate.py: {error}", file=sys.stderr)
        return 2
    print(summary.line(options.dest))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
