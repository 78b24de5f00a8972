from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mastermind_kit import schedule
from mastermind_kit.errors import UsageError
from mastermind_kit.model import Group, MemberEntry

from conftest import build_tree

D = dt.date


def make_group(cadence: str, first: dt.date, **settings: object) -> Group:
    members = [
        MemberEntry("alice", "Alice", joined=first),
        MemberEntry("bob", "Bob", joined=first, left=D(2027, 1, 20)),
        MemberEntry("carol", "Carol", joined=D(2027, 1, 1)),
    ]
    return Group(
        name="G",
        cadence=cadence,
        first_meeting=first,
        time=dt.time(18, 0),
        timezone="Europe/Berlin",
        members=members,
        **settings,  # type: ignore[arg-type]
    )


def test_weekly_across_daylight_saving_change() -> None:
    # Berlin moves to summer time on Sunday 2027-03-28.
    group = make_group("weekly", D(2027, 3, 16))
    days = schedule.meetings(group, until=D(2027, 4, 6))
    assert days == [D(2027, 3, 16), D(2027, 3, 23), D(2027, 3, 30), D(2027, 4, 6)]
    before, after = schedule.start(group, D(2027, 3, 23)), schedule.start(group, D(2027, 3, 30))
    assert before.isoformat() == "2027-03-23T18:00:00+01:00"
    assert after.isoformat() == "2027-03-30T18:00:00+02:00"
    utc = dt.timezone.utc
    # local 18:00 both times: an hour less than a week apart in real time
    assert after.astimezone(utc) - before.astimezone(utc) == dt.timedelta(days=7, hours=-1)
    assert before.astimezone(dt.timezone.utc).hour == 17
    assert after.astimezone(dt.timezone.utc).hour == 16
    # and back to winter time on 2027-10-31
    autumn = schedule.start(group, D(2027, 11, 2))
    assert autumn.isoformat() == "2027-11-02T18:00:00+01:00"


def test_biweekly_across_year_end_with_skip_and_extra() -> None:
    group = make_group("biweekly", D(2026, 12, 1), skip=[D(2026, 12, 29)], extra=[D(2027, 1, 5)])
    assert schedule.meetings(group, until=D(2027, 2, 1)) == [
        D(2026, 12, 1),
        D(2026, 12, 15),
        D(2027, 1, 5),
        D(2027, 1, 12),
        D(2027, 1, 26),
    ]
    assert schedule.is_meeting(group, D(2027, 1, 5))
    assert not schedule.is_meeting(group, D(2026, 12, 29))
    assert not schedule.is_meeting(group, D(2026, 12, 22))
    assert schedule.next_after(group, D(2026, 12, 15)) == D(2027, 1, 5)
    assert schedule.previous(group, D(2027, 1, 12)) == D(2027, 1, 5)
    assert schedule.following(group, D(2026, 12, 20), 3) == [
        D(2027, 1, 5),
        D(2027, 1, 12),
        D(2027, 1, 26),
    ]


def test_monthly_same_nth_weekday() -> None:
    group = make_group("monthly", D(2026, 12, 1))  # the first Tuesday
    assert schedule.meetings(group, until=D(2027, 4, 30)) == [
        D(2026, 12, 1),
        D(2027, 1, 5),
        D(2027, 2, 2),
        D(2027, 3, 2),
        D(2027, 4, 6),
    ]
    third = make_group("monthly", D(2026, 11, 19))  # the third Thursday
    assert schedule.meetings(third, until=D(2027, 2, 28)) == [
        D(2026, 11, 19),
        D(2026, 12, 17),
        D(2027, 1, 21),
        D(2027, 2, 18),
    ]


def test_monthly_fifth_weekday_means_the_last_one() -> None:
    group = make_group("monthly", D(2026, 12, 29))  # a fifth Tuesday
    assert schedule.meetings(group, until=D(2027, 4, 30)) == [
        D(2026, 12, 29),
        D(2027, 1, 26),
        D(2027, 2, 23),
        D(2027, 3, 30),
        D(2027, 4, 27),
    ]


def test_upcoming_is_the_next_meeting_not_started() -> None:
    group = make_group("weekly", D(2027, 3, 16))
    berlin = schedule.zone(group)
    assert schedule.upcoming(group, dt.datetime(2027, 3, 23, 17, 59, tzinfo=berlin)) == D(
        2027, 3, 23
    )
    assert schedule.upcoming(group, dt.datetime(2027, 3, 23, 18, 0, tzinfo=berlin)) == D(
        2027, 3, 30
    )
    # 23:30 in New York is already the next day in Berlin
    new_york = dt.datetime(2027, 3, 29, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-4)))
    assert schedule.local_date(group, new_york) == D(2027, 3, 30)
    assert schedule.upcoming(group, new_york) == D(2027, 3, 30)


def test_moment_reads_a_date_as_midnight_in_the_group_zone() -> None:
    group = make_group("weekly", D(2027, 3, 16))
    assert schedule.moment(group, D(2027, 3, 30)).isoformat() == "2027-03-30T00:00:00+02:00"
    naive = schedule.moment(group, dt.datetime(2027, 1, 5, 12, 0))
    assert naive.isoformat() == "2027-01-05T12:00:00+01:00"
    assert schedule.resolve(group, None, D(2027, 3, 30)) == D(2027, 3, 30)
    assert schedule.resolve(group, "next", D(2027, 3, 31)) == D(2027, 4, 6)


def test_resolve_refuses_dates_off_the_schedule() -> None:
    group = make_group("biweekly", D(2026, 12, 1), skip=[D(2026, 12, 29)])
    assert schedule.resolve(group, "2026-12-15", D(2027, 6, 1)) == D(2026, 12, 15)
    assert schedule.resolve(group, D(2026, 12, 15), D(2027, 6, 1)) == D(2026, 12, 15)
    with pytest.raises(UsageError, match="2026-12-29 is not a meeting date") as caught:
        schedule.resolve(group, "2026-12-29", D(2026, 12, 1))
    assert "2027-01-12" in str(caught.value)
    with pytest.raises(UsageError, match="not a date"):
        schedule.resolve(group, "tomorrow", D(2026, 12, 1))


def test_overview_rows() -> None:
    group = make_group("biweekly", D(2026, 12, 1), excused=[])
    rows = schedule.overview(group, [], D(2027, 1, 20), past=2, ahead=2)
    assert [r.date for r in rows] == [
        D(2026, 12, 29),
        D(2027, 1, 12),
        D(2027, 1, 26),
        D(2027, 2, 9),
    ]
    assert [r.past for r in rows] == [True, True, False, False]
    assert rows[0].missing == ["alice", "bob"]  # carol joined later
    assert rows[2].missing == ["alice", "carol"]  # bob left
    assert schedule.overview(group, [], D(2027, 1, 20), past=0, ahead=0) == []
    with pytest.raises(UsageError):
        schedule.overview(group, [], D(2027, 1, 20), past=-1)


def test_schedule_command_lists_who_has_a_note(group: Path, run_main) -> None:
    config = group / "mastermind.yaml"
    config.write_text(
        config.read_text().replace(
            "hot_seat_minutes: 20\n",
            "hot_seat_minutes: 20\nskip: [2026-12-29]\nextra: [2027-01-05]\n"
            "excused:\n  - {member: bob, meeting: 2027-01-12}\n",
        )
    )
    build_tree(
        group,
        {
            "meetings/2026-12-01/alice.md": "---\nmember: alice\nmeeting: 2026-12-01\n---\n",
            "meetings/2026-12-01/bob.md": "---\nmember: bob\nmeeting: 2026-12-01\n---\n",
            "meetings/2026-12-15/bob.md": "---\nmember: bob\nmeeting: 2026-12-15\n---\n",
        },
    )
    code, out, _ = run_main(
        "-C",
        str(group),
        "schedule",
        "--today",
        "2027-01-01",
        "--format",
        "json",
        "--past",
        "2",
        "--next",
        "2",
    )
    assert code == 0
    rows = json.loads(out)
    assert [r["date"] for r in rows] == ["2026-12-01", "2026-12-15", "2027-01-05", "2027-01-12"]
    assert rows[0]["notes"] == ["alice", "bob"] and rows[0]["missing"] == []
    assert rows[1]["notes"] == ["bob"] and rows[1]["missing"] == ["alice"]
    assert rows[2]["extra"] is True and rows[2]["start"] == "2027-01-05T18:00:00+01:00"
    assert rows[3]["excused"] == ["bob"] and rows[3]["missing"] == ["alice"]
    code, out, _ = run_main("-C", str(group), "schedule", "--today", "2027-01-01")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 5  # up to 3 past (only 2 so far), 3 upcoming by default
    assert "Tue 2026-12-15 18:00 CET" in lines[1] and "missing: alice" in lines[1]
    assert "(extra)" in lines[2] and "to prepare: alice, bob" in lines[2]
    assert "excused: bob" in lines[3]
    code, _, err = run_main("-C", str(group), "schedule", "--next", "-1")
    assert code == 2 and "Traceback" not in err


@pytest.mark.parametrize(
    "args",
    [
        ["--meeting", "20261201"],
        ["--meeting", "2026-W49-2"],
        ["--meeting", "2026-12-1"],
        ["--today", "20261120"],
        ["--today", "2026-W47-5"],
    ],
)
@pytest.mark.parametrize("command", ["prep", "agenda"])
def test_one_date_parser_for_every_option(
    group: Path, run_main, command: str, args: list[str]
) -> None:
    code, out, err = (
        run_main("-C", str(group), command, "--member", "alice", *args)
        if command == "prep"
        else run_main("-C", str(group), command, *args)
    )
    assert code == 2 and out == ""
    assert "is not a date (YYYY-MM-DD)" in err and "Traceback" not in err


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-02"])
def test_dates_at_the_ends_of_the_calendar_are_usage_errors(
    group: Path, run_main, day: str
) -> None:
    code, _, err = run_main("-C", str(group), "summary", "--today", day)
    assert code == 2 and "out of range" in err


@settings(max_examples=200, deadline=None)
@given(
    cadence=st.sampled_from(["weekly", "biweekly", "monthly"]),
    first=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31)),
    start=st.integers(min_value=-400, max_value=4000),
    length=st.integers(min_value=0, max_value=400),
)
def test_meetings_from_a_later_date_are_the_same_as_walking_there(
    cadence: str, first: dt.date, start: int, length: int
) -> None:
    """``meetings(since=...)`` starts at ``since`` instead of walking from the first
    meeting (year forty costs what year one does), and finds exactly the same dates."""
    group = Group(
        name="g",
        cadence=cadence,
        first_meeting=first,
        time=dt.time(18),
        timezone="UTC",
        members=[],
        skip=[first + dt.timedelta(days=28)],
        extra=[first + dt.timedelta(days=500)],
    )
    since = first + dt.timedelta(days=start)
    until = since + dt.timedelta(days=length)
    walked = [d for d in schedule.meetings(group, until=until) if d >= since]
    assert schedule.meetings(group, since=since, until=until) == walked
