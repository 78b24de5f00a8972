"""Properties of the ledger on generated groups (no files, no git: the model directly)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mastermind_kit import schedule
from mastermind_kit.ledger import FATES, Ledger, MemberLedger, build
from mastermind_kit.model import Commitment, Excuse, Group, MemberEntry, Note, Report, Source
from mastermind_kit.read import Workspace
from mastermind_kit.repo import GroupRepo

MEMBERS = ("ana", "ben", "cy")
FIRST = dt.date(2026, 10, 6)  # weekly, across the end of summer time
GROUP = Group(
    name="Generated",
    cadence="weekly",
    first_meeting=FIRST,
    time=dt.time(18, 0),
    timezone="Europe/Berlin",
    members=[MemberEntry(m, m.title(), [f"{m}@example.org"], FIRST) for m in MEMBERS],
    excused=[Excuse("ben", FIRST + dt.timedelta(days=14))],
)
MEETINGS = schedule.meetings(GROUP, until=FIRST + dt.timedelta(days=7 * 9))
STATUS = st.sampled_from(["done", "partial", "missed", "dropped", None])


@st.composite
def workspaces(draw: st.DrawFn) -> Workspace:
    notes: list[Note] = []
    for member in MEMBERS:
        made: list[Commitment] = []
        days = draw(st.lists(st.sampled_from(MEETINGS), unique=True, max_size=len(MEETINGS)))
        for day in sorted(days):
            earlier = [m for m in made if m.meeting < day]
            reports = []
            if earlier:
                chosen = draw(
                    st.lists(st.sampled_from(earlier), unique_by=lambda m: m.id, max_size=3)
                )
                reports = [Report(m.id, draw(STATUS)) for m in chosen]
            commitments = []
            for n in range(1, draw(st.integers(0, 3)) + 1):
                due = draw(
                    st.one_of(st.none(), st.sampled_from([d for d in MEETINGS if d > day] or [day]))
                )
                carried = draw(st.one_of(st.none(), st.sampled_from(earlier))) if earlier else None
                commitments.append(
                    Commitment(
                        f"{day}/{member}/{n}",
                        f"step {n}",
                        member,
                        day,
                        due=due,
                        carried_from=carried.id if carried else None,
                    )
                )
            made.extend(commitments)
            notes.append(
                Note(
                    member,
                    day,
                    {},
                    reports,
                    [],
                    None,
                    False,
                    commitments,
                    "",
                    Source(Path(f"meetings/{day}/{member}.md")),
                )
            )
    notes.sort(key=lambda n: (n.meeting, n.member))
    return Workspace(repo=GroupRepo(Path(".")), group=GROUP, profiles={}, notes=notes)


TODAY = st.sampled_from([*MEETINGS, MEETINGS[-1] + dt.timedelta(days=30)])


def _numbers(member: MemberLedger) -> dict[str, Any]:
    data = asdict(member)
    data.pop("member")
    return data


@settings(max_examples=150, deadline=None)
@given(workspaces(), TODAY)
def test_every_commitment_has_exactly_one_fate(workspace: Workspace, today: dt.date) -> None:
    ledger = build(workspace, today=today)
    for member_id, member in ledger.members.items():
        made = {
            c.id for n in workspace.notes_of(member_id) if n.meeting <= today for c in n.commitments
        }
        ids = [e.commitment.id for e in member.commitments]
        assert sorted(ids) == sorted(made)  # each once
        assert all(e.fate in FATES for e in member.commitments)
        counts = member.counts
        assert counts.made == len(ids) == sum(getattr(counts, f) for f in FATES)
        for entry in member.commitments:
            if entry.report is not None:
                assert entry.fate == entry.report.status
                assert (
                    entry.reported_at is not None and entry.reported_at > entry.commitment.meeting
                )
    assert ledger.counts.made == sum(m.counts.made for m in ledger.members.values())


@settings(max_examples=150, deadline=None)
@given(workspaces(), TODAY)
def test_rates_stay_between_0_and_1(workspace: Workspace, today: dt.date) -> None:
    ledger = build(workspace, today=today)
    windows = [ledger.trend.last, ledger.trend.before]
    rates = [ledger.counts.follow_through, *(w.counts.follow_through for w in windows)]
    for member in ledger.members.values():
        rates.append(member.counts.follow_through)
        rates += [
            member.trend.last.counts.follow_through,
            member.trend.before.counts.follow_through,
        ]
        att = member.attendance
        assert att.attended + att.missed + att.excused == att.scheduled
        assert att.prepared_on_time + att.prepared_late + att.prepared_unknown == att.attended
        assert 0 <= member.streak_current <= member.streak_longest <= att.attended
    assert all(rate is None or 0 <= rate <= 1 for rate in rates)


@settings(max_examples=100, deadline=None)
@given(workspaces(), TODAY, st.sampled_from(MEMBERS))
def test_removing_a_members_notes_changes_no_one_else(
    workspace: Workspace, today: dt.date, removed: str
) -> None:
    before: Ledger = build(workspace, today=today)
    without = Workspace(
        workspace.repo,
        workspace.group,
        workspace.profiles,
        [n for n in workspace.notes if n.member != removed],
    )
    after = build(without, today=today)
    for member_id in MEMBERS:
        if member_id != removed:
            assert _numbers(after.members[member_id]) == _numbers(before.members[member_id])
    assert after.members[removed].counts.made == 0
