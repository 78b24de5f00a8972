"""The ledger on hand-made histories whose right answers are worked out below by hand.

The group (conftest): biweekly from Tue 2026-12-01, 18:00 Europe/Berlin (CET, +01:00),
so meetings are 12-01, 12-15, 12-29, 2027-01-12, 01-26, 02-09, ...
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from mastermind_kit import ledger
from mastermind_kit.errors import UsageError
from mastermind_kit.read import read_group, read_member
from mastermind_kit.repo import GroupRepo

from conftest import build_tree, commit, git

ALICE = ("Alice Example", "alice@example.org")
BOB = ("Bob Example", "bob@example.org")
TODAY = dt.date(2027, 1, 27)


def note_text(member: str, meeting: str, body: str = "", **fields: Any) -> str:
    """A note's text: front matter from ``fields`` (plain YAML values), then ``body``."""
    data = {"member": member, "meeting": meeting, **fields}
    return "---\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True) + "---\n" + body


def c(cid: str, text: str, **more: Any) -> dict[str, Any]:
    return {"id": cid, "text": text, **more}


def r(cid: str, status: str | None, note: str | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": cid, "status": status}
    if note:
        entry["note"] = note
    return entry


def add_excuse(group: Path, member: str, meeting: str) -> None:
    config = group / "mastermind.yaml"
    text = config.read_text()
    config.write_text(
        text.replace(
            "agreement:", f"excused:\n  - {{member: {member}, meeting: {meeting}}}\nagreement:"
        )
    )


def scenario(group: Path) -> Path:
    """Alice: reports twice, carries a commitment three times, a due date later than the
    next meeting, misses 2027-01-12, commits one note a minute late and one not at all.
    Bob: excused on 12-29, everything done."""
    add_excuse(group, "bob", "2026-12-29")
    git(group, "init", "-q", "-b", "main")
    commit(group, "group", when="2026-11-20T10:00:00+01:00")
    notes = {
        ("alice", "2026-12-01", "2026-12-01T17:00:00+01:00"): note_text(
            "alice",
            "2026-12-01",
            commitments=[
                c("2026-12-01/alice/1", "Call three customers"),
                c("2026-12-01/alice/2", "Ship the pricing page", due="2027-01-12"),
                c("2026-12-01/alice/3", "Hire a developer"),
            ],
        ),
        ("bob", "2026-12-01", "2026-11-30T09:00:00+01:00"): note_text(
            "bob", "2026-12-01", commitments=[c("2026-12-01/bob/1", "Fix onboarding")]
        ),
        # One minute after the meeting started: late.
        ("alice", "2026-12-15", "2026-12-15T18:01:00+01:00"): note_text(
            "alice",
            "2026-12-15",
            report=[r("2026-12-01/alice/1", "partial"), r("2026-12-01/alice/3", "missed")],
            commitments=[
                c("2026-12-15/alice/1", "Hire a developer", carried_from="2026-12-01/alice/3")
            ],
        ),
        ("bob", "2026-12-15", "2026-12-15T17:59:00+01:00"): note_text(
            "bob",
            "2026-12-15",
            report=[r("2026-12-01/bob/1", "done")],
            commitments=[c("2026-12-15/bob/1", "Write the handbook")],
        ),
        ("alice", "2026-12-29", "2026-12-28T20:00:00+01:00"): note_text(
            "alice",
            "2026-12-29",
            report=[
                r("2026-12-01/alice/1", "done", "all three called"),
                r("2026-12-15/alice/1", "missed"),
            ],
            commitments=[
                c("2026-12-29/alice/1", "Hire a developer", carried_from="2026-12-15/alice/1")
            ],
        ),
        ("bob", "2027-01-12", "2027-01-12T08:00:00+01:00"): note_text(
            "bob",
            "2027-01-12",
            report=[r("2026-12-15/bob/1", "done")],
            commitments=[c("2027-01-12/bob/1", "Close the round")],
        ),
        ("bob", "2027-01-26", "2027-01-26T12:00:00+01:00"): note_text(
            "bob", "2027-01-26", report=[r("2027-01-12/bob/1", "done")]
        ),
    }
    for (member, day, when), text in notes.items():
        build_tree(group, {f"meetings/{day}/{member}.md": text})
        commit(group, f"{member} {day}", when=when, author=ALICE if member == "alice" else BOB)
    # Alice's last note is written but never committed: counted, no commit time.
    build_tree(
        group,
        {
            "meetings/2027-01-26/alice.md": note_text(
                "alice",
                "2027-01-26",
                report=[r("2026-12-29/alice/1", "missed")],
                commitments=[
                    c("2027-01-26/alice/1", "Hire a developer", carried_from="2026-12-29/alice/1"),
                    c("2027-01-26/alice/2", "Write a blog post", due="2027-02-09"),
                ],
            )
        },
    )
    return group


def build(group: Path, today: dt.date = TODAY, **options: Any) -> ledger.Ledger:
    repo = GroupRepo(group)
    return ledger.build(read_group(repo, history=True), today=today, **options)


def fates(result: ledger.Ledger, member: str) -> dict[str, str]:
    return {e.commitment.id: e.fate for e in result.members[member].commitments}


def test_hand_made_history(group: Path) -> None:
    result = build(scenario(group))
    alice = result.members["alice"]
    assert fates(result, "alice") == {
        "2026-12-01/alice/1": "done",  # partial at 12-15, then done at 12-29: the latest wins
        "2026-12-01/alice/2": "unreported",  # due 01-12; alice has a note on 01-26, no report
        "2026-12-01/alice/3": "missed",
        "2026-12-15/alice/1": "missed",
        "2026-12-29/alice/1": "missed",
        "2027-01-26/alice/1": "open",  # due 02-09 (the next meeting): not yet
        "2027-01-26/alice/2": "open",
    }
    counts = alice.counts
    assert (
        counts.made,
        counts.done,
        counts.partial,
        counts.missed,
        counts.dropped,
        counts.unreported,
        counts.open,
    ) == (7, 1, 0, 3, 0, 1, 2)
    assert counts.follow_through == pytest.approx(1 / 5)  # 1 / (1 + 0 + 3 + 1)
    # Held up to 01-27: 12-01, 12-15, 12-29, 01-12, 01-26. Alice missed 01-12.
    att = alice.attendance
    assert (att.scheduled, att.attended, att.excused, att.missed) == (5, 4, 0, 1)
    # 12-01 at 17:00 and 12-29 the day before: on time; 12-15 at 18:01: late; 01-26 uncommitted.
    assert (att.prepared_on_time, att.prepared_late, att.prepared_unknown) == (2, 1, 1)
    assert alice.late_notes == [
        (dt.date(2026, 12, 15), dt.datetime.fromisoformat("2026-12-15T18:01:00+01:00"))
    ]
    assert (alice.streak_current, alice.streak_longest) == (0, 0)
    # 12-01/3 -> 12-15/1 -> 12-29/1 -> 01-26/1: the last one has been carried three times.
    [flagged] = alice.carried_over
    assert flagged.commitment.id == "2027-01-26/alice/1"
    assert flagged.chain == ["2026-12-01/alice/3", "2026-12-15/alice/1", "2026-12-29/alice/1"]
    due = {e.commitment.id: e.due for e in alice.commitments}
    assert due["2026-12-01/alice/1"] == dt.date(2026, 12, 15)  # default: the next meeting
    assert due["2026-12-01/alice/2"] == dt.date(2027, 1, 12)
    done = next(e for e in alice.commitments if e.commitment.id == "2026-12-01/alice/1")
    assert done.reported_at == dt.date(2026, 12, 29)
    assert done.report is not None and done.report.note == "all three called"
    assert [s for _, s in ((d, rep.status) for d, rep in done.reports)] == ["partial", "done"]

    bob = result.members["bob"]
    assert set(fates(result, "bob").values()) == {"done"}
    assert (bob.counts.made, bob.counts.done, bob.counts.follow_through) == (3, 3, 1.0)
    # Excused on 12-29: neither attended nor missed; it does not break his streak.
    assert (bob.attendance.attended, bob.attendance.excused, bob.attendance.missed) == (4, 1, 0)
    assert (bob.attendance.prepared_on_time, bob.attendance.prepared_late) == (4, 0)
    assert (bob.streak_current, bob.streak_longest) == (3, 3)

    assert result.counts.made == 10 and result.counts.done == 4
    assert result.counts.follow_through == pytest.approx(4 / 8)
    assert result.attendance.attended == 8


def test_since_until_select_meetings(group: Path) -> None:
    result = build(scenario(group), since=dt.date(2026, 12, 15), until=dt.date(2026, 12, 29))
    assert sorted(fates(result, "alice")) == ["2026-12-15/alice/1", "2026-12-29/alice/1"]
    assert result.meetings == [dt.date(2026, 12, 15), dt.date(2026, 12, 29)]
    assert result.members["alice"].attendance.attended == 2
    assert result.members["bob"].attendance.excused == 1


def test_today_decides_what_has_happened(group: Path) -> None:
    # On 2026-12-20 only 12-01 and 12-15 were held; 12-01/alice/2 (due 01-12) is still open.
    result = build(scenario(group), today=dt.date(2026, 12, 20))
    assert fates(result, "alice") == {
        "2026-12-01/alice/1": "partial",
        "2026-12-01/alice/2": "open",
        "2026-12-01/alice/3": "missed",
        "2026-12-15/alice/1": "open",
    }


def test_member_filter_and_unknown_member(group: Path) -> None:
    result = build(scenario(group), members=["bob"])
    assert list(result.members) == ["bob"]
    assert result.counts.made == 10  # the group still counts everyone
    with pytest.raises(UsageError, match="'zoe' is not a member"):
        build(group, members=["zoe"])
    with pytest.raises(UsageError, match="after --until"):
        build(group, since=dt.date(2027, 1, 1), until=dt.date(2026, 1, 1))


def test_report_by_another_member_is_refused_like_check(group: Path) -> None:
    build_tree(
        group,
        {
            "meetings/2026-12-01/alice.md": note_text(
                "alice", "2026-12-01", commitments=[c("2026-12-01/alice/1", "Call")]
            ),
            "meetings/2026-12-15/bob.md": note_text(
                "bob", "2026-12-15", report=[r("2026-12-01/alice/1", "done")]
            ),
        },
    )
    # The read layer skips bob's note, naming the error `mastermind check` reports...
    workspace = read_group(GroupRepo(group))
    assert [(s.path.as_posix(), s.message) for s in workspace.skipped] == [
        (
            "meetings/2026-12-15/bob.md",
            "reports on '2026-12-01/alice/1', a commitment of alice; members report only on "
            "their own",
        )
    ]
    # ...so the ledger never counts bob's word for alice's commitment.
    result = ledger.build(workspace, today=TODAY)
    assert fates(result, "alice") == {"2026-12-01/alice/1": "open"}  # alice has no later note
    assert "no git history" in " ".join(result.warnings)


def test_member_who_left_is_counted_up_to_leaving(group: Path) -> None:
    config = group / "mastermind.yaml"
    config.write_text(
        config.read_text().replace(
            "    emails: [bob@example.org]\n    joined: 2026-12-01\n",
            "    emails: [bob@example.org]\n    joined: 2026-12-01\n    left: 2026-12-20\n",
        )
    )
    build_tree(group, {"meetings/2026-12-01/bob.md": note_text("bob", "2026-12-01")})
    result = ledger.build(read_group(GroupRepo(group)), today=TODAY)
    bob = result.members["bob"].attendance
    assert (bob.scheduled, bob.attended, bob.missed) == (2, 1, 1)  # 12-01 and 12-15 only
    assert result.members["alice"].attendance.scheduled == 5


def test_daylight_saving_week(tmp_path: Path) -> None:
    """Europe/Berlin leaves summer time on 2026-10-25: the 18:00 start is 16:00 UTC on
    10-20 and 17:00 UTC on 10-27."""
    group = build_tree(
        tmp_path / "dst",
        {
            "mastermind.yaml": (
                "schema: 1\nname: DST\ncadence: weekly\nfirst_meeting: 2026-10-13\n"
                'time: "18:00"\ntimezone: Europe/Berlin\nmembers:\n'
                "  - {id: alice, name: Alice, emails: [alice@example.org]}\n"
            ),
            "members/alice.md": "---\nname: Alice\n---\n",
        },
    )
    git(group, "init", "-q", "-b", "main")
    commit(group, "start", when="2026-10-01T10:00:00+02:00")
    build_tree(group, {"meetings/2026-10-20/alice.md": note_text("alice", "2026-10-20")})
    commit(group, "late in summer time", when="2026-10-20T16:30:00+00:00", author=ALICE)
    build_tree(group, {"meetings/2026-10-27/alice.md": note_text("alice", "2026-10-27")})
    commit(group, "on time in winter time", when="2026-10-27T16:30:00+00:00", author=ALICE)
    result = build(group, today=dt.date(2026, 10, 28))
    att = result.members["alice"].attendance
    assert (att.attended, att.prepared_on_time, att.prepared_late) == (2, 1, 1)
    assert [d for d, _ in result.members["alice"].late_notes] == [dt.date(2026, 10, 20)]


def test_renamed_note_keeps_its_first_commit(git_group: Path) -> None:
    build_tree(git_group, {"drafts/alice.md": note_text("alice", "2026-12-15", "My plan.\n")})
    commit(git_group, "draft", when="2026-12-14T09:00:00+01:00", author=ALICE)
    (git_group / "meetings/2026-12-15").mkdir(parents=True)
    git(git_group, "mv", "drafts/alice.md", "meetings/2026-12-15/alice.md")
    commit(git_group, "move", when="2026-12-16T09:00:00+01:00", author=ALICE)
    result = build(git_group, today=dt.date(2026, 12, 16))
    att = result.members["alice"].attendance
    assert (att.attended, att.prepared_on_time, att.prepared_late) == (1, 1, 0)


def test_no_git_repo_still_counts(group: Path) -> None:
    build_tree(
        group,
        {
            "meetings/2026-12-01/alice.md": note_text(
                "alice", "2026-12-01", commitments=[c("2026-12-01/alice/1", "Call")]
            )
        },
    )
    result = build(group, today=dt.date(2026, 12, 2))
    att = result.members["alice"].attendance
    assert (att.attended, att.prepared_unknown) == (1, 1)
    assert result.members["alice"].counts.open == 1
    assert any("not a git repository" in w for w in result.warnings)


def test_goal_progress_and_forecast(group: Path) -> None:
    # Alice's goal arr: baseline 20000, target 50000. Results +3000 every two weeks.
    results = {"2026-12-01": 21000, "2026-12-15": 24000, "2026-12-29": 27000, "2027-01-12": 30000}
    for day, value in results.items():
        build_tree(
            group, {f"meetings/{day}/alice.md": note_text("alice", day, results={"arr": value})}
        )
    result = ledger.build(read_group(GroupRepo(group)), today=TODAY)
    [goal] = result.members["alice"].goals
    assert (goal.latest, goal.latest_at) == (30000.0, dt.date(2027, 1, 12))
    assert goal.percent == pytest.approx(33.3)  # (30000 - 20000) / 30000
    # 20000 to go at 3000 per 14 days: 93.33 days after 01-12 -> 2027-04-15.
    assert goal.forecast == "2027-04-15"
    assert result.members["bob"].goals == []


def test_forecast_edge_cases() -> None:
    from mastermind_kit.model import Goal

    goal = Goal(id="g", title="G", baseline=10, target=5)  # a goal that goes down
    day = dt.date(2027, 1, 1)
    assert ledger.forecast(goal, [(day, 9.0)]) is None  # one result: no pace yet
    assert ledger.forecast(goal, [(day, 9.0), (day + dt.timedelta(days=10), 9.5)]) == (
        "not at this pace"
    )
    assert ledger.forecast(goal, [(day, 9.0), (day + dt.timedelta(days=10), 7.0)]) == ("2027-01-21")
    assert ledger.forecast(goal, [(day, 4.0)]) == "reached"
    flat = Goal(id="g", title="G", baseline=0, target=10)
    assert ledger.forecast(flat, [(day, 1.0), (day + dt.timedelta(days=7), 1.0)]) == (
        "not at this pace"
    )


def test_trend_compares_quarters(group: Path) -> None:
    # Made 2026-12-01 and missed; made 2027-03-23 and done. Today 2027-04-07:
    # last 13 weeks = 2027-01-07..04-07, before = 2026-10-08..2027-01-06.
    group_text = (group / "mastermind.yaml").read_text()
    (group / "mastermind.yaml").write_text(
        group_text.replace("cadence: biweekly", "cadence: weekly")
    )
    build_tree(
        group,
        {
            "meetings/2026-12-01/alice.md": note_text(
                "alice", "2026-12-01", commitments=[c("2026-12-01/alice/1", "A")]
            ),
            "meetings/2026-12-08/alice.md": note_text(
                "alice", "2026-12-08", report=[r("2026-12-01/alice/1", "missed")]
            ),
            "meetings/2027-03-23/alice.md": note_text(
                "alice", "2027-03-23", commitments=[c("2027-03-23/alice/1", "B")]
            ),
            "meetings/2027-03-30/alice.md": note_text(
                "alice", "2027-03-30", report=[r("2027-03-23/alice/1", "done")]
            ),
        },
    )
    result = ledger.build(read_group(GroupRepo(group)), today=dt.date(2027, 4, 7))
    trend = result.members["alice"].trend
    assert (trend.last.since, trend.last.until) == (dt.date(2027, 1, 7), dt.date(2027, 4, 7))
    assert (trend.before.since, trend.before.until) == (dt.date(2026, 10, 8), dt.date(2027, 1, 6))
    assert (trend.last.counts.follow_through, trend.before.counts.follow_through) == (1.0, 0.0)
    assert trend.change == 1.0
    assert result.trend.change == 1.0


ALICE_NOTE = "---\nmember: alice\nmeeting: {day}\n{extra}---\n"


def test_a_remade_commitment_is_still_owed_a_report_as_the_summary_counts_it(group: Path) -> None:
    build_tree(
        group,
        {
            "meetings/2026-12-01/alice.md": ALICE_NOTE.format(
                day="2026-12-01", extra="commitments:\n  - {id: 2026-12-01/alice/1, text: Call}\n"
            ),
            "meetings/2026-12-15/alice.md": ALICE_NOTE.format(
                day="2026-12-15",
                extra="commitments:\n  - {id: 2026-12-15/alice/1, text: Call again,"
                " carried_from: 2026-12-01/alice/1}\n",
            ),
        },
    )
    workspace = read_group(GroupRepo(group))
    owed = [o.id for o in read_member(GroupRepo(group), "alice", dt.date(2026, 12, 29)).carry.owed]
    fates = {
        e.commitment.id: e.fate for e in ledger.fates(workspace.group, "alice", workspace.notes)
    }
    assert fates["2026-12-01/alice/1"] == "unreported"
    assert owed == ["2026-12-01/alice/1", "2026-12-15/alice/1"]
