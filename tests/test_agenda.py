from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import pytest

from mastermind_kit import agenda, generated, schedule
from mastermind_kit.read import read_meeting
from mastermind_kit.repo import GroupRepo

from conftest import build_tree

FIRST = dt.date(2026, 12, 1)  # weekly, Tuesdays


def make_group(
    root: Path,
    members: list[str],
    *,
    extra_members: str = "",
    duration: int = 120,
    hot_seat: int = 20,
    settings: str = "",
) -> Path:
    rows = "".join(
        f"  - {{id: {m}, name: {m.capitalize()} Example, joined: 2026-12-01}}\n" for m in members
    )
    config = (
        "schema: 1\nname: Rotation Group\ncadence: weekly\nfirst_meeting: 2026-12-01\n"
        f'time: "18:00"\ntimezone: Europe/Berlin\nduration_minutes: {duration}\n'
        f"hot_seat_minutes: {hot_seat}\n{settings}members:\n{rows}{extra_members}"
    )
    files = {"mastermind.yaml": config}
    ids = [
        *members,
        *[
            line.split("id: ")[1].split(",")[0]
            for line in extra_members.splitlines()
            if "id: " in line
        ],
    ]
    for member in ids:
        files[f"members/{member}.md"] = f"---\nname: {member}\n---\n"
    return build_tree(root, files)


def note(member: str, meeting: str, front: str = "") -> tuple[str, str]:
    return (
        f"meetings/{meeting}/{member}.md",
        f"---\nmember: {member}\nmeeting: {meeting}\n{front}---\n",
    )


def agenda_json(run_main, root: Path, *args: str) -> dict:
    code, out, err = run_main("-C", str(root), "agenda", "--format", "json", *args)
    assert code == 0, err
    return json.loads(out)


def test_every_active_member_once_and_boxes_add_up(tmp_path: Path, run_main) -> None:
    root = make_group(
        tmp_path / "g",
        ["alice", "bob", "carol", "dave", "erin"],
        extra_members=(
            "  - {id: fred, name: Fred, joined: 2026-12-01, left: 2026-12-10}\n"
            "  - {id: gina, name: Gina, joined: 2027-01-05}\n"
            "  - {id: hugo, name: Hugo, joined: 2026-12-01}\n"
        ),
        settings="excused:\n  - {member: hugo, meeting: 2026-12-15}\n",
    )
    build_tree(
        root,
        dict(
            [
                # everyone but erin came to 12-01 and 12-08 (fred left on 12-10)
                *(
                    note(m, day)
                    for m in ("alice", "bob", "carol", "dave", "fred", "hugo")
                    for day in ("2026-12-01", "2026-12-08")
                ),
                note(
                    "bob",
                    "2026-12-15",
                    "walk_away: A hiring plan\nquestions: [Who first?, How?]\nhot_seat: true\n",
                ),
                note("dave", "2026-12-15", "hot_seat: false\n"),
            ]
        ),
    )
    data = agenda_json(run_main, root, "--today", "2026-12-10")
    assert data["meeting"] == "2026-12-15"
    order = data["hot_seat_order"]
    assert sorted(order) == ["alice", "bob", "carol", "dave", "erin"]  # each once
    assert order[0] == "bob"  # asked for it
    assert data["excused"] == ["hugo"]
    assert data["prepared"] == ["bob", "dave"]
    assert sum(box["minutes"] for box in data["time_boxes"]) == 120
    assert all({"title", "minutes"} <= set(box) for box in data["time_boxes"])
    assert next(b["kind"] for b in data["time_boxes"]) == "opening"
    assert data["time_boxes"][-1]["kind"] == "close"
    assert data["time_boxes"][-1]["start"] == "19:55"
    seats = [b["member"] for b in data["time_boxes"] if b["kind"] == "hot_seat"]
    assert seats == data["hot_seats"] == order[:4]  # 10+10+5 framing, 4 x 20 fit
    bob = next(m for m in data["members"] if m["id"] == "bob")
    assert bob["walk_away"] == "A hiring plan" and bob["questions"] == ["Who first?", "How?"]

    code, out, _ = run_main("-C", str(root), "agenda", "--today", "2026-12-10")
    assert code == 0
    assert out.startswith("# Agenda: Rotation Group, Tue 2026-12-15 18:00 CET\n")
    for member in ("Alice", "Bob", "Carol", "Dave", "Erin"):
        assert out.count(f"### {member} Example (") == 1
    assert "Fred" not in out and "Gina" not in out
    assert "- Excused: Hugo (hugo)" in out
    # no agendas written: the rotation assumes 12-01 and 12-08 ran as planned for those
    # who came; erin never came, so she never had it
    assert "1. Bob Example (bob), asked for it; last hot seat: 2026-12-08" in out
    assert "2. Erin Example (erin); last hot seat: never" in out
    assert "- Not prepared yet: Alice Example (alice), Carol Example (carol), Erin" in out
    assert "(time permitting)" in out  # the fifth does not fit
    assert "  - Who first?" in out
    assert "| 18:00 | 10 | Opening round" in out


def test_requests_beyond_the_time_move_to_next_time(tmp_path: Path, run_main) -> None:
    members = ["alice", "bob", "carol", "dave", "erin", "fay"]
    root = make_group(tmp_path / "g", members, duration=90, hot_seat=25)
    build_tree(root, dict(note(m, "2026-12-01", "hot_seat: true\n") for m in members))
    data = agenda_json(run_main, root, "--meeting", "2026-12-01")
    # framing 12 + 12 + 5 = 29, two hot seats of 25, 11 open floor
    assert data["hot_seats"] == ["alice", "bob"]
    assert data["moves_to_next_time"] == ["carol", "dave", "erin", "fay"]
    assert sum(b["minutes"] for b in data["time_boxes"]) == 90
    _code, out, _ = run_main("-C", str(root), "agenda", "--meeting", "2026-12-01")
    assert "Moves to next time (asked, but the time is full): Carol Example (carol)" in out


@pytest.mark.parametrize(
    ("duration", "hot_seat", "members", "seats"),
    [
        (120, 20, 2, 2),
        (30, 20, 4, 1),
        (15, 20, 3, 0),
        (20, 20, 12, 0),
        (240, 20, 12, 9),
        (60, 90, 3, 0),
        (45, 1, 1, 1),
    ],
)
def test_time_boxes_always_add_up(
    tmp_path: Path, duration: int, hot_seat: int, members: int, seats: int
) -> None:
    ids = [f"m{i}" for i in range(members)]
    root = make_group(tmp_path / "g", ids, duration=duration, hot_seat=hot_seat)
    plan = agenda.build(read_meeting(GroupRepo(root), FIRST))
    assert sum(b.minutes for b in plan.boxes) == duration
    assert plan.slots == seats
    assert all(b.minutes > 0 for b in plan.boxes)
    starts = [b.start for b in plan.boxes]
    assert starts == sorted(starts)


@pytest.mark.parametrize("write", [True, False])
def test_rotation_is_fair_over_many_meetings(tmp_path: Path, run_main, write: bool) -> None:
    members = ["alice", "bob", "carol", "dave", "erin", "fay", "gus"]
    root = make_group(tmp_path / "g", members)
    group = GroupRepo(root).group
    days = schedule.meetings(group, until=dt.date(2027, 3, 31))
    if not write:  # the rotation is replayed for those who came: everyone did
        build_tree(root, dict(note(m, str(day)) for m in members for day in days))
    had: list[list[str]] = []
    for day in days:
        args = ["--meeting", day.isoformat()] + (["--write"] if write else [])
        data = agenda_json(run_main, root, *args)
        assert sorted(data["hot_seat_order"]) == sorted(members)
        had.append(data["hot_seats"])
    slots = len(had[0])
    assert slots == 4  # 14 + 14 + 5 framing, 4 x 20
    window = math.ceil(len(members) / slots)
    for i in range(len(had) - window + 1):
        seen = {m for seats in had[i : i + window] for m in seats}
        assert seen == set(members), (i, had[i : i + window])
    assert (root / f"meetings/{days[0]}/agenda.md").is_file() == write


def test_rotation_reads_earlier_agendas_and_joiners_go_first(tmp_path: Path, run_main) -> None:
    root = make_group(
        tmp_path / "g",
        ["alice", "bob", "carol"],
        duration=60,
        hot_seat=20,
        extra_members="  - {id: dan, name: Dan, joined: 2026-12-15}\n",
    )
    # 60 minutes: framing 6 + 6 + 5, two hot seats
    first = agenda_json(run_main, root, "--meeting", "2026-12-01", "--write")
    assert first["hot_seats"] == ["alice", "bob"]
    # after the meeting the group records that carol had it instead of bob
    path = root / "meetings/2026-12-01/agenda.md"
    path.write_text(
        path.read_text().replace('hot_seats: ["alice", "bob"]', 'hot_seats: ["alice", "carol"]')
    )
    second = agenda_json(run_main, root, "--meeting", "2026-12-08")
    assert second["hot_seat_order"] == ["bob", "alice", "carol"]
    build_tree(root, dict(note(m, "2026-12-08") for m in ("alice", "bob", "carol")))
    third = agenda_json(run_main, root, "--meeting", "2026-12-15")
    # dan never had it; carol had it at 12-01 (as recorded), bob and alice at 12-08
    # (no agenda written: the planned one is assumed)
    assert third["hot_seat_order"] == ["dan", "carol", "alice", "bob"]
    last = {m["id"]: m["last_hot_seat"] for m in third["members"]}
    assert last == {"dan": None, "carol": "2026-12-01", "alice": "2026-12-08", "bob": "2026-12-08"}


def test_write_never_replaces_a_hand_edited_agenda(tmp_path: Path, run_main) -> None:
    root = make_group(tmp_path / "g", ["alice", "bob"])
    args = ("-C", str(root), "agenda", "--meeting", "2026-12-01", "--write")
    code, out, err = run_main(*args)
    assert code == 0 and "written: meetings/2026-12-01/agenda.md" in err
    path = root / "meetings/2026-12-01/agenda.md"
    text = path.read_text()
    assert text.startswith('---\nmeeting: 2026-12-01\nhot_seat_order: ["alice", "bob"]\n')
    assert generated.is_generated(text)
    assert text.split("---\n", 2)[2] == out  # the file's body is what was printed
    assert run_main(*args)[2].startswith("unchanged")
    # a generated agenda is replaced when the input changed
    build_tree(root, dict([note("bob", "2026-12-01", "hot_seat: true\n")]))
    code, _, err = run_main(*args)
    assert code == 0 and err.startswith("replaced:")
    assert 'hot_seat_order: ["bob", "alice"]' in path.read_text()
    # a hand edit is kept
    edited = path.read_text() + "\nWe also celebrate Bob's launch.\n"
    path.write_text(edited)
    assert not generated.is_generated(edited)
    code, out, err = run_main(*args)
    assert code == 2 and "edited by hand" in err and out == ""
    assert path.read_text() == edited
    code, _, err = run_main(*args, "--force")
    assert code == 0 and "backup kept" in err
    assert path.with_name("agenda.md.bak").read_text() == edited
    assert generated.is_generated(path.read_text())
    # check skips agendas
    assert run_main("-C", str(root), "check")[0] == 0


def test_agenda_without_a_rotation_record_is_simulated(tmp_path: Path, run_main) -> None:
    root = make_group(tmp_path / "g", ["alice", "bob", "carol"], duration=60)
    build_tree(
        root,
        {
            "meetings/2026-12-01/agenda.md": "# Our own agenda\n\nNo front matter.\n",
            **dict(note(m, "2026-12-01") for m in ("alice", "bob", "carol")),
        },
    )
    data = agenda_json(run_main, root, "--meeting", "2026-12-08")
    assert data["hot_seat_order"] == ["carol", "alice", "bob"]
    # a broken record is skipped with a warning (the meeting is replayed instead), and
    # check fails on it
    build_tree(
        root, {"meetings/2026-12-01/agenda.md": "---\nmeeting: 2026-12-01\nhot_seats: 5\n---\n"}
    )
    code, out, err = run_main(
        "-C", str(root), "agenda", "--meeting", "2026-12-08", "--format", "json"
    )
    assert code == 0 and json.loads(out)["hot_seat_order"] == ["carol", "alice", "bob"]
    assert err.count("meetings/2026-12-01/agenda.md:3: skipped: hot_seats:") == 1
    assert json.loads(out)["skipped"][0]["path"] == "meetings/2026-12-01/agenda.md"
    code, out, _ = run_main("-C", str(root), "check")
    assert code == 1 and "meetings/2026-12-01/agenda.md:3:" in out


def test_agenda_template_override_and_bad_meeting(tmp_path: Path, run_main) -> None:
    root = make_group(tmp_path / "g", ["alice", "bob"])
    build_tree(
        root,
        {"templates/agenda.md.j2": "{% for s in order %}{{ s.id }} {% endfor %}{{ meeting }}\n"},
    )
    code, out, _ = run_main("-C", str(root), "agenda", "--today", "2026-11-01")
    assert (code, out) == (0, "alice bob 2026-12-01\n")
    code, _, err = run_main("-C", str(root), "agenda", "--meeting", "2026-12-02")
    assert code == 2 and "not a meeting date" in err
