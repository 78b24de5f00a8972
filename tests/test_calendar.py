"""``mastermind calendar``: the meetings (and a member's open commitments) as iCalendar,
read back with icalendar itself."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest

from mastermind_kit import ical, schedule
from mastermind_kit.repo import GroupRepo

from conftest import GROUP_YAML, build_tree
from small_group import TODAY, commit_a_broken_note, make_small_group

UTC = dt.timezone.utc
BERLIN = ZoneInfo("Europe/Berlin")


def _calendar(run_main, root: Path, *args: str) -> icalendar.Calendar:
    code, out, err = run_main("-C", str(root), "calendar", *args)
    assert (code, err) == (0, ""), err
    return icalendar.Calendar.from_ical(out)


def _by_uid(calendar: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(event["uid"]): event for event in calendar.events}


def _meetings(calendar: icalendar.Calendar) -> dict[dt.date, icalendar.Event]:
    return {
        event.start.date(): event
        for event in calendar.events
        if str(event["uid"]).startswith("meeting-")
    }


def _config(root: Path, text: str) -> None:
    (root / "mastermind.yaml").write_text(text)


# -- the meetings -------------------------------------------------------------------------


def test_every_meeting_is_an_event_in_the_group_time_zone(group: Path, run_main) -> None:
    calendar = _calendar(run_main, group, "--today", "2026-12-20")
    meetings = _meetings(calendar)
    # Biweekly from 2026-12-01 up to a year after today (2027-12-20).
    expected = [dt.date(2026, 12, 1) + dt.timedelta(days=14 * n) for n in range(28)]
    assert sorted(meetings) == expected
    assert expected[-1] == dt.date(2027, 12, 14)
    assert len(calendar.events) == 28  # no commitments without --member
    for day, event in meetings.items():
        assert event["dtstart"].params["TZID"] == "Europe/Berlin"
        assert event.start == dt.datetime.combine(day, dt.time(18, 0), tzinfo=BERLIN)
        assert event.start.tzinfo.key == "Europe/Berlin"
        assert event.end - event.start == dt.timedelta(minutes=120)
        assert str(event["summary"]) == "Test Group"
        assert str(event["status"]) == "CONFIRMED"
        assert str(event["class"]) == "PRIVATE"
        assert str(event["uid"]) == f"meeting-{day}@{ical.group_key('Test Group')}"
        description = str(event["description"])
        assert "Confidential" in description
        assert "What is said in the group stays in the group." in description
    # The time zone is defined in the file, before the events that use it.
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Berlin"]
    names = [component.name for component in calendar.subcomponents]
    assert names.index("VTIMEZONE") < names.index("VEVENT")
    assert str(calendar["x-wr-calname"]) == "Test Group"


def test_the_start_is_right_on_both_sides_of_a_daylight_saving_change(
    group: Path, run_main
) -> None:
    calendar = _calendar(run_main, group, "--today", "2026-12-20")
    meetings = _meetings(calendar)
    # The clocks change on 2027-03-28 and 2027-10-31 (the last Sundays of March and
    # October): 18:00 stays 18:00 in Berlin, and is an hour earlier in UTC in summer.
    winter_spring, summer_spring = dt.date(2027, 3, 23), dt.date(2027, 4, 6)
    summer_autumn, winter_autumn = dt.date(2027, 10, 19), dt.date(2027, 11, 2)
    for day in (winter_spring, summer_spring, summer_autumn, winter_autumn):
        start = meetings[day].start
        assert (start.date(), start.time()) == (day, dt.time(18, 0))
        assert start == schedule.start(GroupRepo(group).group, day)
    utc_hour = {day: meetings[day].start.astimezone(UTC).hour for day in meetings}
    assert utc_hour[winter_spring] == 17 and utc_hour[summer_spring] == 16
    assert utc_hour[summer_autumn] == 16 and utc_hour[winter_autumn] == 17
    # The VTIMEZONE in the file says the same on its own (a client without the
    # time zone database reads it), not only the TZID's name.
    own = calendar.timezones[0].to_tz(lookup_tzid=False)
    for day, hour in utc_hour.items():
        local = dt.datetime.combine(day, dt.time(18, 0), tzinfo=own)
        assert local.astimezone(UTC).hour == hour, day


def test_a_meeting_across_the_change_lasts_its_duration(group: Path, run_main) -> None:
    _config(
        group,
        GROUP_YAML.replace("cadence: biweekly", "cadence: weekly")
        .replace("first_meeting: 2026-12-01", "first_meeting: 2027-03-21")
        .replace('time: "18:00"', 'time: "01:30"')
        .replace("joined: 2026-12-01", "joined: 2027-03-21"),
    )
    meetings = _meetings(_calendar(run_main, group, "--today", "2027-03-01"))
    event = meetings[dt.date(2027, 3, 28)]  # 01:30 CET, the clocks jump at 02:00
    assert event.start.astimezone(UTC) == dt.datetime(2027, 3, 28, 0, 30, tzinfo=UTC)
    assert event.end.astimezone(UTC) == dt.datetime(2027, 3, 28, 2, 30, tzinfo=UTC)
    assert event.end.replace(tzinfo=None) == dt.datetime(2027, 3, 28, 4, 30)  # CEST


def test_a_group_in_utc_has_utc_times_and_no_vtimezone(group: Path, run_main) -> None:
    _config(group, GROUP_YAML.replace("timezone: Europe/Berlin", "timezone: UTC"))
    calendar = _calendar(run_main, group, "--today", "2026-12-20")
    assert calendar.timezones == []
    start = _meetings(calendar)[dt.date(2027, 4, 6)].start
    assert start == dt.datetime(2027, 4, 6, 18, 0, tzinfo=UTC)


def test_skipped_meetings_are_cancelled_and_extra_ones_are_ordinary(group: Path, run_main) -> None:
    _config(
        group,
        GROUP_YAML.replace(
            "hot_seat_minutes: 20\n",
            "hot_seat_minutes: 20\nskip: [2026-12-29, 2026-12-30]\nextra: [2027-01-05]\n",
        ),
    )
    meetings = _meetings(_calendar(run_main, group, "--today", "2026-12-20"))
    skipped = meetings[dt.date(2026, 12, 29)]
    assert str(skipped["status"]) == "CANCELLED"
    assert str(skipped["summary"]) == "Cancelled: Test Group"
    assert skipped.start == dt.datetime(2026, 12, 29, 18, 0, tzinfo=BERLIN)
    assert dt.date(2026, 12, 30) not in meetings  # not on the cadence: nothing to cancel
    extra = meetings[dt.date(2027, 1, 5)]
    assert str(extra["status"]) == "CONFIRMED"
    assert extra.start == dt.datetime(2027, 1, 5, 18, 0, tzinfo=BERLIN)
    assert str(extra["uid"]).startswith("meeting-2027-01-05@")


def test_the_horizon_is_a_year_after_today(group: Path, run_main) -> None:
    later = _meetings(_calendar(run_main, group, "--today", "2027-06-01"))
    assert min(later) == dt.date(2026, 12, 1)  # from the first meeting on
    assert max(later) <= dt.date(2028, 6, 1) < max(later) + dt.timedelta(days=14)
    early = _calendar(run_main, group, "--today", "2025-01-01")
    assert early.events == [] and early.timezones == []  # the first meeting is too far off


def test_two_runs_give_the_same_bytes(git_group: Path, run_main, monkeypatch) -> None:
    args = ("-C", str(git_group), "calendar", "--member", "alice")
    assert run_main(*args, "--today", "2026-12-20", "--out", "one.ics")[0] == 0
    assert run_main(*args, "--today", "2026-12-20", "--out", "two.ics")[0] == 0
    one, two = (git_group / "one.ics").read_bytes(), (git_group / "two.ics").read_bytes()
    assert one == two
    assert one.startswith(b"BEGIN:VCALENDAR\r\n") and one.endswith(b"END:VCALENDAR\r\n")
    stamps = set(re.findall(rb"DTSTAMP:(\S+)", one))
    assert stamps == {b"20261219T230000Z"}  # --today is midnight in Berlin
    # Without --today, SOURCE_DATE_EPOCH is the build time, as for `mastermind site`.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1798761600")  # 2027-01-01T00:00:00Z
    assert run_main(*args, "--out", "three.ics")[0] == 0
    assert run_main(*args, "--out", "four.ics")[0] == 0
    three = (git_group / "three.ics").read_bytes()
    assert three == (git_group / "four.ics").read_bytes()
    assert set(re.findall(rb"DTSTAMP:(\S+)", three)) == {b"20270101T000000Z"}
    # Another day: the same UIDs for the same meetings, so a re-import updates them.
    earlier = _by_uid(icalendar.Calendar.from_ical(one))
    later = _by_uid(icalendar.Calendar.from_ical(three))
    assert set(earlier) <= set(later)
    assert all(later[uid].start == event.start for uid, event in earlier.items())


def test_stdout_and_out_are_the_same_calendar(group: Path, run_main) -> None:
    code, out, _ = run_main("-C", str(group), "calendar", "--today", "2026-12-20")
    assert code == 0
    code, said, err = run_main(
        "-C", str(group), "calendar", "--today", "2026-12-20", "--out", "cal.ics"
    )
    assert (code, said, err) == (0, "", "written: cal.ics\n")
    assert (group / "cal.ics").read_bytes() == out.encode("utf-8")


def test_uids_are_stable_and_differ_between_groups() -> None:
    assert ical.group_key("North Star Founders").startswith("north-star-founders-")
    assert ical.group_key("North Star Founders") == ical.group_key("North Star Founders")
    assert ical.group_key("North-Star Founders") != ical.group_key("North Star Founders")
    assert re.fullmatch(r"group-[0-9a-f]{8}", ical.group_key("東京の会"))
    assert ical.group_key("Zürich Circle").startswith("zurich-circle-")
    assert ical.commitment_uid("2026-12-15/alice/1", "k") == "commitment-2026-12-15-alice-1@k"
    for odd in ("2026-12-15/../x\r\nUID:y", "2026-12-15/alice/1\n"):
        assert re.fullmatch(r"commitment-[0-9a-f]{16}@k", ical.commitment_uid(odd, "k"))


# -- a member's open commitments ----------------------------------------------------------


def test_member_adds_their_open_commitments_on_due_dates(tmp_path: Path, run_main) -> None:
    root = make_small_group(tmp_path / "g")
    calendar = _calendar(run_main, root, "--member", "alice", "--today", TODAY)
    due = {uid: event for uid, event in _by_uid(calendar).items() if uid.startswith("commitment-")}
    key = ical.group_key("Harbour Circle")
    # 2026-12-01/alice/1 was reported done at 2026-12-15: not owed any more.
    assert list(due) == [f"commitment-2026-12-15-alice-1@{key}"]
    event = due[f"commitment-2026-12-15-alice-1@{key}"]
    assert event["dtstart"].params.get("VALUE") == "DATE"
    assert event.start == dt.date(2026, 12, 29)  # the next meeting after it was made
    assert event.end == dt.date(2026, 12, 30)
    assert str(event["summary"]) == (
        "Due: Move two customers to annual billing (2026-12-15/alice/1)"
    )
    assert "2026-12-15/alice/1" in str(event["description"])
    assert str(event["transp"]) == "TRANSPARENT"
    assert str(calendar["x-wr-calname"]) == "Harbour Circle (alice)"
    # The one rule: what the calendar lists is what `status` says is owed.
    code, out, _ = run_main(
        "-C", str(root), "status", "--member", "alice", "--format", "json", "--today", TODAY
    )
    assert code == 0 and json.loads(out)["to_report"] == ["2026-12-15/alice/1"]
    # bob left his open: an explicit due date.
    bob = _by_uid(_calendar(run_main, root, "--member", "bob", "--today", TODAY))
    assert bob[f"commitment-2026-12-01-bob-1@{key}"].start == dt.date(2026, 12, 29)
    # Without --member, no commitments at all.
    plain = _by_uid(_calendar(run_main, root, "--today", TODAY))
    assert not [uid for uid in plain if uid.startswith("commitment-")]


def test_a_reported_commitment_leaves_the_calendar(tmp_path: Path, run_main) -> None:
    root = make_small_group(tmp_path / "g")
    build_tree(
        root,
        {
            "meetings/2026-12-29/alice.md": (
                "---\nmember: alice\nmeeting: 2026-12-29\nreport:\n"
                "  - {id: 2026-12-15/alice/1, status: partial}\n---\n"
            )
        },
    )
    before = _by_uid(_calendar(run_main, root, "--member", "alice", "--today", "2026-12-28"))
    after = _by_uid(_calendar(run_main, root, "--member", "alice", "--today", "2026-12-30"))
    uid = f"commitment-2026-12-15-alice-1@{ical.group_key('Harbour Circle')}"
    assert uid in before and uid not in after


@pytest.mark.parametrize("member", ["zed", "../alice", "alice\r\nX:1", ""])
def test_a_member_who_is_not_in_the_group_is_a_usage_error(
    tmp_path: Path, run_main, member: str
) -> None:
    root = make_small_group(tmp_path / "g")
    code, out, err = run_main(
        "-C", str(root), "calendar", "--member", member, "--today", TODAY, "--out", "x.ics"
    )
    assert code == 2 and out == ""
    assert "mastermind: error: no member" in err and "members: alice, bob, carol" in err
    assert not (root / "x.ics").exists()


def test_a_broken_note_is_skipped_with_a_warning(tmp_path: Path, run_main) -> None:
    root = make_small_group(tmp_path / "g")
    broken = commit_a_broken_note(root)
    code, out, err = run_main("-C", str(root), "calendar", "--member", "bob", "--today", TODAY)
    assert code == 0
    assert f"{broken}:4: skipped:" in err and "check" in err
    calendar = icalendar.Calendar.from_ical(out)
    key = ical.group_key("Harbour Circle")
    # bob's commitment of 2026-12-01 is still read from his readable note.
    assert f"commitment-2026-12-01-bob-1@{key}" in _by_uid(calendar)
    strict = run_main("-C", str(root), "calendar", "--member", "bob", "--today", TODAY, "--strict")
    assert strict[0] == 1
    # Without --member no note is read, so nothing is skipped.
    assert run_main("-C", str(root), "calendar", "--today", TODAY, "--strict")[0] == 0


# -- untrusted text -----------------------------------------------------------------------

HOSTILE = r"Evil\r\nBEGIN:VEVENT\r\nUID:evil\rX-INJECT:1\nSTATUS:CANCELLED\u2028X-LS:1\x85X-NEL:1\x1b[31m\0\u202e;,\\"


def test_hostile_text_cannot_add_lines_or_properties(tmp_path: Path, run_main) -> None:
    root = make_small_group(tmp_path / "g")
    config = (root / "mastermind.yaml").read_text()
    config = config.replace("name: Harbour Circle", f'name: "{HOSTILE}"')
    config = config[: config.index("agreement:")] + f'agreement: "{HOSTILE}{"x" * 5000}"\n'
    (root / "mastermind.yaml").write_text(config)
    note = root / "meetings/2026-12-15/alice.md"
    note.write_text(
        note.read_text().replace("text: Move two customers to annual billing", f'text: "{HOSTILE}"')
    )
    code, _, err = run_main(
        "-C", str(root), "calendar", "--member", "alice", "--today", TODAY, "--out", "c.ics"
    )
    assert code == 0, err
    data = (root / "c.ics").read_bytes()
    # Every line ends in CRLF; no other control character anywhere.
    assert not re.search(rb"[\x00-\x08\x0a-\x1f\x7f]", data.replace(b"\r\n", b""))
    assert "\u2028".encode() not in data and "\x85".encode() not in data
    assert "\u202e".encode() not in data
    # Each physical line is a property of ours or a folded continuation.
    allowed = {
        "BEGIN", "END", "VERSION", "PRODID", "CALSCALE", "NAME", "X-WR-CALNAME", "TZID",
        "COMMENT", "DTSTART", "RDATE", "TZNAME", "TZOFFSETFROM", "TZOFFSETTO", "SUMMARY",
        "DTEND", "DTSTAMP", "UID", "CLASS", "DESCRIPTION", "STATUS", "TRANSP",
    }  # fmt: skip
    for line in data.split(b"\r\n")[:-1]:
        if line.startswith(b" "):
            continue
        assert re.split(rb"[;:]", line, maxsplit=1)[0].decode() in allowed, line
    calendar = icalendar.Calendar.from_ical(data)
    assert len(calendar.walk("VCALENDAR")) == 1
    events = calendar.events
    assert len(events) == 28 + 1  # the meetings and alice's one commitment
    common = {"UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "DESCRIPTION", "CLASS"}
    for event in events[:-1]:
        assert set(event) == {*common, "STATUS"}
        assert str(event["status"]) == "CONFIRMED"
        assert re.fullmatch(r"meeting-[0-9-]+@evil-begin-vevent-[0-9a-z-]+", str(event["uid"]))
    assert set(events[-1]) == {*common, "TRANSP"}
    assert str(events[-1]["uid"]).startswith("commitment-2026-12-15-alice-1@evil-")
    summary = str(events[0]["summary"])
    assert summary.startswith("Evil BEGIN:VEVENT UID:evil X-INJECT:1 STATUS:CANCELLED")
    assert "\\x1b[31m\\x00\\u202e;,\\" in summary  # shown, not obeyed
    description = str(events[0]["description"])
    assert "\nBEGIN:VEVENT\nUID:evil\nX-INJECT:1\n" in description  # text, in one value
    assert len(description) < 2300  # the agreement is bounded
    assert len(summary) <= ical.SUMMARY_LIMIT


# -- --out --------------------------------------------------------------------------------


def test_out_writes_and_replaces_only_its_own_file(group: Path, run_main) -> None:
    args = ("-C", str(group), "calendar", "--out", "cal/group.ics")
    assert run_main(*args, "--today", "2026-12-20")[2] == "written: cal/group.ics\n"
    first = (group / "cal/group.ics").read_bytes()
    assert run_main(*args, "--today", "2026-12-20")[2] == "unchanged: cal/group.ics\n"
    assert run_main(*args, "--today", "2027-01-20")[2] == "replaced: cal/group.ics\n"
    assert (group / "cal/group.ics").read_bytes() != first
    assert not [p for p in (group / "cal").iterdir() if p.name != "group.ics"]  # no temp files
    # A file a person wrote is never replaced.
    code, _, err = run_main("-C", str(group), "calendar", "--out", "mastermind.yaml")
    assert code == 2 and "is not a calendar written by mastermind calendar" in err
    assert (group / "mastermind.yaml").read_text() == GROUP_YAML


def test_out_refuses_a_symlink_and_the_git_folder(
    git_group: Path, tmp_path: Path, run_main
) -> None:
    elsewhere = tmp_path / "elsewhere.ics"
    elsewhere.write_text("mine\n")
    (git_group / "link.ics").symlink_to(elsewhere)
    base = ("-C", str(git_group), "calendar", "--today", "2026-12-20", "--out")
    code, _, err = run_main(*base, "link.ics")
    assert code == 2 and "link.ics is a symlink; nothing was written" in err
    assert elsewhere.read_text() == "mine\n"
    (git_group / "out").symlink_to(tmp_path, target_is_directory=True)
    code, _, err = run_main(*base, "out/new.ics")
    assert code == 2 and "reached through a symlink" in err
    assert not (tmp_path / "new.ics").exists()
    code, _, err = run_main(*base, ".git/hooks/pre-commit")
    assert code == 2 and "inside the repo's .git folder" in err
    assert not (git_group / ".git/hooks/pre-commit").exists()
    code, _, err = run_main(*base, "members")
    assert code == 2 and "not a regular file" in err


def test_an_absurd_first_meeting_still_gives_a_bounded_file(git_group: Path, run_main) -> None:
    """first_meeting in 1970, the earliest the schema allows (year 1 is refused); the
    calendar keeps to the last five years (and the next), so it stays small and fast."""
    config = git_group / "mastermind.yaml"
    config.write_text(
        config.read_text()
        .replace("first_meeting: 2026-12-01", "first_meeting: 1970-01-06")
        .replace("cadence: biweekly", "cadence: weekly")
        .replace("joined: 2026-12-01", "joined: 1970-01-06")
    )
    code, out, err = run_main("-C", str(git_group), "calendar", "--today", "2026-11-20")
    assert code == 0, err
    assert 300 < out.count("BEGIN:VEVENT") < 6 * 53
