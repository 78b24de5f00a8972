from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from mastermind_kit.load import parse_front_matter
from mastermind_kit.read import read_member
from mastermind_kit.repo import GroupRepo

from conftest import build_tree, git

# Biweekly from 2026-12-01: 12-01, 12-15, 12-29, 2027-01-12, ...
TODAY = "2026-12-20"  # next meeting: 2026-12-29


def note(member: str, meeting: str, front: str = "", body: str = "") -> str:
    return f"---\nmember: {member}\nmeeting: {meeting}\n{front}---\n{body}"


HISTORY = {
    "meetings/2026-12-01/alice.md": note(
        "alice",
        "2026-12-01",
        "results: {arr: 24500}\n"
        "commitments:\n"
        "  - {id: 2026-12-01/alice/1, text: Call three customers}\n"
        "  - {id: 2026-12-01/alice/2, text: Draft the pricing page}\n"
        "  - {id: 2026-12-01/alice/3, text: Hire a designer, due: 2027-01-26}\n"
        "  - {id: 2026-12-01/alice/4, text: Fix onboarding}\n"
        "  - {id: 2026-12-01/alice/5, text: Read a book}\n",
        "## Action plan\n\n1. Interview customers\n\n## Hot seat\n\nOld issue.\n",
    ),
    "meetings/2026-12-15/alice.md": note(
        "alice",
        "2026-12-15",
        "results: {arr: 26000}\n"
        "report:\n"
        "  - {id: 2026-12-01/alice/1, status: done}\n"
        "  - {id: 2026-12-01/alice/2, status: partial, note: half of it}\n"
        "  - {id: 2026-12-01/alice/4, status: missed}\n"
        "  - {id: 2026-12-01/alice/5, status: null}\n"
        "commitments:\n"
        "  - {id: 2026-12-15/alice/1, text: Fix onboarding for real,"
        " carried_from: 2026-12-01/alice/4}\n"
        "  - {id: 2026-12-15/alice/2, text: 'Ship it: v2 # now'}\n",
        "## Action plan\n\n1. Ship pricing\n2. Onboarding\n",
    ),
    "meetings/2026-12-15/bob.md": note(
        "bob",
        "2026-12-15",
        "commitments:\n  - {id: 2026-12-15/bob/1, text: Bob's own step}\n",
    ),
}


@pytest.fixture
def history_group(group: Path) -> Path:
    return build_tree(group, HISTORY)


def test_to_report_semantics(history_group: Path) -> None:
    repo = GroupRepo(history_group)

    def to_report(member: str, day: dt.date) -> list:
        return read_member(repo, member, day).carry.owed

    owed = to_report("alice", dt.date(2026, 12, 29))
    assert [o.id for o in owed] == [
        # 12-01/alice/1 done, /2 partial, /4 missed: reported, so settled
        "2026-12-01/alice/3",  # not due yet: open
        "2026-12-01/alice/5",  # an empty status is no report: unreported
        "2026-12-15/alice/1",  # the re-made one (12-01/alice/4 was carried over)
        "2026-12-15/alice/2",
    ]
    assert owed[0].due == dt.date(2027, 1, 26)
    assert owed[2].due == dt.date(2026, 12, 29)  # default: the next meeting
    # At the meeting of 12-15 itself, only the 12-01 commitments were owed.
    earlier = to_report("alice", dt.date(2026, 12, 15))
    assert [o.id for o in earlier] == [f"2026-12-01/alice/{n}" for n in range(1, 6)]
    assert to_report("bob", dt.date(2026, 12, 29))[0].id == "2026-12-15/bob/1"


def test_prep_writes_a_note_that_check_accepts(history_group: Path, run_main) -> None:
    code, out, err = run_main(
        "-C", str(history_group), "prep", "--member", "alice", "--today", TODAY
    )
    assert (code, err) == (0, "")
    path = history_group / "meetings/2026-12-29/alice.md"
    assert "meetings/2026-12-29/alice.md" in out and "4 commitment(s)" in out
    text = path.read_text()
    for ident in (
        "2026-12-01/alice/3",
        "2026-12-15/alice/1",
        "2026-12-15/alice/2",
        "2026-12-01/alice/5",
    ):
        assert f'id: "{ident}"' in text
    for settled in ("2026-12-01/alice/1", "2026-12-01/alice/2", "2026-12-01/alice/4"):
        assert settled not in text
    assert "bob" not in text
    # hints as YAML comments: the commitment's text and due date, the last result
    assert '"2026-12-15/alice/2"  # Ship it: v2 # now (due 2026-12-29)' in text
    assert "(due 2027-01-26; partial" not in text
    assert "Draft the pricing page" not in text
    assert (
        "arr: null  # Reach 50k monthly recurring revenue (MRR, EUR): last 26000 on "
        "2026-12-15; target 50000 by 2027-06-30" in text
    )
    doc = parse_front_matter(text, Path("x.md"))
    assert list(doc.data) == [
        "member",
        "meeting",
        "results",
        "report",
        "questions",
        "walk_away",
        "hot_seat",
        "commitments",
    ]
    assert doc.data["member"] == "alice" and doc.data["meeting"] == "2026-12-29"
    assert doc.data["results"] == {"arr": None}
    assert all(r["status"] is None for r in doc.data["report"])
    assert doc.data["questions"] == [] and doc.data["walk_away"] == ""
    assert doc.data["hot_seat"] is False and doc.data["commitments"] == []
    # the last action plan, carried over to refresh
    assert doc.body.strip() == "## Action plan\n\n1. Ship pricing\n2. Onboarding"

    code, out, _ = run_main("-C", str(history_group), "check")
    assert code == 0
    pending = [line for line in out.splitlines() if "2026-12-29/alice.md" in line]
    assert len(pending) == 4 and all("[report-pending]" in line for line in pending)
    assert "0 error(s)" in out


def test_last_times_update_is_news_and_is_not_carried_over(history_group: Path, run_main) -> None:
    last = history_group / "meetings/2026-12-15/alice.md"
    last.write_text(
        last.read_text() + "\n## Update\n\nSigned two customers.\n\n## Team\n\nStill hiring.\n"
    )
    code, out, _ = run_main(
        "-C", str(history_group), "prep", "--member", "alice", "--today", TODAY, "--stdout"
    )
    assert code == 0
    body = parse_front_matter(out, Path("x.md")).body
    assert "Signed two customers" not in body  # news last time, not this time
    assert "## Update\n\nWhat happened since last time.\n\n## Team\n\nStill hiring." in body
    assert "1. Ship pricing" in body  # the plan is still current


def test_second_run_refuses_and_leaves_the_file(history_group: Path, run_main) -> None:
    args = ("-C", str(history_group), "prep", "--member", "alice", "--today", TODAY)
    assert run_main(*args)[0] == 0
    path = history_group / "meetings/2026-12-29/alice.md"
    path.write_text(path.read_text().replace('walk_away: ""', 'walk_away: "A decision"'))
    before = path.read_bytes()
    code, out, err = run_main(*args)
    assert code == 2 and out == ""
    assert "meetings/2026-12-29/alice.md already exists" in err
    assert "Traceback" not in err and err.count("\n") == 1
    assert path.read_bytes() == before
    assert not path.with_name("alice.md.bak").exists()
    # --force replaces it and keeps the old one
    code, out, _ = run_main(*args, "--force")
    assert code == 0 and "alice.md.bak" in out
    assert path.with_name("alice.md.bak").read_bytes() == before
    assert b"A decision" not in path.read_bytes()


def test_stdout_writes_nothing(history_group: Path, run_main) -> None:
    code, out, _ = run_main(
        "-C", str(history_group), "prep", "--member", "bob", "--today", TODAY, "--stdout"
    )
    assert code == 0
    assert out.startswith('---\nmember: "bob"\nmeeting: 2026-12-29\n')
    assert 'id: "2026-12-15/bob/1"' in out and "results: {}" in out
    assert "## Action plan" in out  # no earlier body: a fresh skeleton
    assert not (history_group / "meetings/2026-12-29").exists()
    code, _, err = run_main(
        "-C", str(history_group), "prep", "--member", "bob", "--stdout", "--force"
    )
    assert code == 2 and "--stdout" in err


def test_hot_seat_write_up_and_old_one_dropped(history_group: Path, run_main) -> None:
    code, out, _ = run_main(
        "-C",
        str(history_group),
        "prep",
        "--member",
        "alice",
        "--meeting",
        "2026-12-15",
        "--stdout",
        "--hot-seat",
    )
    # 2026-12-15 already has a note, but --stdout only prints
    assert code == 0
    doc = parse_front_matter(out, Path("x.md"))
    assert doc.data["hot_seat"] is True
    assert "Old issue" not in doc.body  # last time's hot seat is not carried over
    assert "1. Interview customers" in doc.body
    for part in (
        "The issue in one sentence",
        "Why it matters",
        "What I have done so far",
        "The help I want from the group",
    ):
        assert part in doc.body


def test_meeting_must_be_on_the_schedule(history_group: Path, run_main) -> None:
    code, _, err = run_main(
        "-C", str(history_group), "prep", "--member", "alice", "--meeting", "2026-12-20"
    )
    assert code == 2 and "2026-12-20 is not a meeting date" in err and "2026-12-29" in err
    code, _, err = run_main(
        "-C", str(history_group), "prep", "--member", "alice", "--meeting", "soon"
    )
    assert code == 2 and "'soon'" in err


def test_next_meeting_not_started_in_group_timezone(history_group: Path, run_main) -> None:
    # --today 2026-12-29 is midnight in Berlin: the 18:00 meeting has not started yet.
    code, out, _ = run_main(
        "-C", str(history_group), "prep", "--member", "bob", "--today", "2026-12-29"
    )
    assert code == 0 and "meetings/2026-12-29/bob.md" in out
    code, out, _ = run_main(
        "-C", str(history_group), "prep", "--member", "bob", "--today", "2026-12-30"
    )
    assert code == 0 and "meetings/2027-01-12/bob.md" in out


def test_identity_from_repo_git_config(git_group: Path, run_main) -> None:
    build_tree(git_group, HISTORY)
    git(git_group, "config", "user.email", "Bob@Example.org")
    code, _out, err = run_main("-C", str(git_group), "prep", "--today", TODAY)
    assert (code, err) == (0, "")
    assert (git_group / "meetings/2026-12-29/bob.md").is_file()
    git(git_group, "config", "user.email", "stranger@example.org")
    code, _out, err = run_main("-C", str(git_group), "prep", "--today", TODAY)
    assert code == 2
    assert "stranger@example.org" in err and "members: alice, bob" in err
    code, _, err = run_main("-C", str(git_group), "prep", "--member", "carol")
    assert code == 2 and "no member 'carol'" in err and "alice, bob" in err


def test_member_who_left_or_joined_later_gets_no_note(group: Path, run_main) -> None:
    config = group / "mastermind.yaml"
    config.write_text(
        config.read_text().replace(
            "agreement:",
            "  - {id: carol, name: Carol, joined: 2026-12-01, left: 2026-12-10}\n"
            "  - {id: dave, name: Dave, joined: 2027-01-12}\n"
            "agreement:",
        )
    )
    build_tree(
        group,
        {
            "members/carol.md": "---\nname: Carol\n---\n",
            "members/dave.md": "---\nname: Dave\n---\n",
        },
    )
    code, _, err = run_main("-C", str(group), "prep", "--member", "carol", "--today", TODAY)
    assert code == 2 and "carol is not in the group on 2026-12-29" in err
    code, _, err = run_main("-C", str(group), "prep", "--member", "dave", "--today", TODAY)
    assert code == 2 and "joined 2027-01-12" in err
    assert not (group / "meetings").exists()
    code, _out, _ = run_main(
        "-C", str(group), "prep", "--member", "dave", "--meeting", "2027-01-12"
    )
    assert code == 0 and (group / "meetings/2027-01-12/dave.md").is_file()


def test_goal_ids_that_yaml_would_misread_are_quoted(group: Path, run_main) -> None:
    build_tree(
        group,
        {
            "members/bob.md": (
                "---\nname: Bob\ngoals:\n"
                "  - {id: 'no', title: A goal named no, target: 3}\n"
                "  - {id: '2030', title: A year, baseline: 1.5}\n"
                "  - {id: old, title: Past due, due: 2026-12-01}\n---\n"
            )
        },
    )
    code, out, _ = run_main(
        "-C", str(group), "prep", "--member", "bob", "--today", TODAY, "--stdout"
    )
    assert code == 0
    assert '  "no": null  # A goal named no: last -; target 3' in out
    assert '  "2030": null  # A year: last baseline 1.5; target -' in out
    assert "old" not in out  # a goal past its due date is not active
    assert parse_front_matter(out, Path("x.md")).data["results"] == {"no": None, "2030": None}


def test_group_template_override(history_group: Path, run_main) -> None:
    build_tree(
        history_group,
        {
            "templates/note.md.j2": (
                "---\nmember: {{ member | yaml }}\nmeeting: {{ meeting }}\nreport:\n"
                "{%- for entry in report %}\n  - {id: {{ entry.id | yaml }}, status: null}"
                "{%- endfor %}\n---\nOur own template, {{ name }}.\n"
            )
        },
    )
    code, _, _ = run_main("-C", str(history_group), "prep", "--member", "alice", "--today", TODAY)
    assert code == 0
    text = (history_group / "meetings/2026-12-29/alice.md").read_text()
    assert text.endswith("---\nOur own template, Alice Example.\n")
    assert '{id: "2026-12-15/alice/2", status: null}' in text
    assert run_main("-C", str(history_group), "check")[0] == 0


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("---\nmember: {{ member }}\nmeeting: {{ meting }}\n---\n", "template error"),
        ("---\nmember: {{ ''.__class__.__mro__ }}\n---\n", "template error"),
        (
            "---\nmember: {{ member }}\nmeeting: {{ meeting }}\nhot_seat: maybe\n---\n",
            "invalid note",
        ),
        ("member: {{ member }}\n", "not a valid note"),
        ("{% for %}", "template error"),
    ],
)
def test_broken_override_writes_nothing(
    history_group: Path, run_main, template: str, message: str
) -> None:
    build_tree(history_group, {"templates/note.md.j2": template})
    code, _out, err = run_main(
        "-C", str(history_group), "prep", "--member", "alice", "--today", TODAY
    )
    assert code == 2, err
    assert message in err and "Traceback" not in err
    assert not (history_group / "meetings/2026-12-29").exists()


def test_edit_opens_the_editor(history_group: Path, run_main, monkeypatch, tmp_path: Path) -> None:
    log = tmp_path / "edited"
    editor = tmp_path / "editor.sh"
    editor.write_text(f'#!/bin/sh\necho "$1" > {log}\n')
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    code, _, _ = run_main(
        "-C", str(history_group), "prep", "--member", "bob", "--today", TODAY, "--edit"
    )
    assert code == 0
    assert log.read_text().strip().endswith("meetings/2026-12-29/bob.md")


def test_a_broken_note_of_another_member_does_not_stop_prep(history_group: Path, run_main) -> None:
    build_tree(history_group, {"meetings/2026-12-15/bob.md": "---\nmember: [\n---\n"})
    code, out, err = run_main(
        "-C", str(history_group), "prep", "--member", "alice", "--today", TODAY, "--stdout"
    )
    assert (code, err) == (0, "")  # prep for alice reads only alice's files
    assert 'member: "alice"' in out


def test_prep_carries_over_from_the_last_readable_note_and_says_what_it_could_not(
    history_group: Path, run_main
) -> None:
    broken = history_group / "meetings/2026-12-15/alice.md"
    broken.write_text(broken.read_text().replace("member: alice", "member: alice\nhot_seat: maybe"))
    code, out, err = run_main(
        "-C", str(history_group), "prep", "--member", "alice", "--today", TODAY, "--stdout"
    )
    assert code == 0
    assert err.count("\n") == 1 and err.startswith("meetings/2026-12-15/alice.md:")
    assert "skipped: hot_seat:" in err
    assert f"(run 'mastermind -C {history_group} check meetings/2026-12-15/alice.md')" in err
    assert (
        "# Not carried over: your last note could not be read (meetings/2026-12-15/alice.md:" in out
    )
    # the 12-01 commitments are still owed: the report on them was in the broken note
    assert '  - id: "2026-12-01/alice/1"' in out
    code, _, _ = run_main(
        "-C",
        str(history_group),
        "prep",
        "--member",
        "alice",
        "--today",
        TODAY,
        "--stdout",
        "--strict",
    )
    assert code == 1


ALICE_NOTE = "---\nmember: alice\nmeeting: {day}\n{extra}---\n"


def test_force_never_overwrites_an_earlier_backup(group: Path, run_main) -> None:
    note = group / "meetings" / "2026-12-15" / "alice.md"
    build_tree(
        group, {"meetings/2026-12-15/alice.md": ALICE_NOTE.format(day="2026-12-15", extra="")}
    )
    note.write_text(note.read_text() + "My own words.\n")
    for _ in range(2):
        code, _, err = run_main(
            "-C",
            str(group),
            "prep",
            "--member",
            "alice",
            "--meeting",
            "2026-12-15",
            "--force",
            "--today",
            "2026-12-10",
        )
        assert code == 0, err
    backups = sorted(p.name for p in note.parent.iterdir() if ".bak" in p.name)
    assert backups == ["alice.md.bak", "alice.md.bak.1"]
    assert "My own words." in (note.parent / "alice.md.bak").read_text()


@pytest.mark.parametrize(
    ("template", "words"),
    [
        ('{{ 1 + "x" }}', "TypeError"),
        ('{% include "missing.j2" %}', "missing.j2"),
        (b"\xff\xfe{{ x }}", "UnicodeDecodeError"),
    ],
)
def test_errors_in_a_groups_own_template_are_one_line(
    group: Path, run_main, template: str | bytes, words: str
) -> None:
    build_tree(group, {"templates/note.md.j2": template})
    code, _, err = run_main("-C", str(group), "prep", "--member", "alice", "--today", "2026-11-25")
    assert code == 2
    assert "templates/note.md.j2" in err and words in err and "Traceback" not in err
    assert not (group / "meetings").exists()


def test_prep_for_another_member_says_whose_note_it_writes(git_group: Path, run_main) -> None:
    git(git_group, "config", "user.email", "alice@example.org")

    code, _, err = run_main(
        "-C", str(git_group), "prep", "--member", "bob", "--today", "2026-11-25"
    )

    assert code == 0
    assert "this is bob's note, and you commit as alice@example.org (alice)" in err
    # for one's own note, nothing is said
    code, _, err = run_main(
        "-C", str(git_group), "prep", "--member", "alice", "--today", "2026-11-25"
    )
    assert code == 0 and "you commit as" not in err
