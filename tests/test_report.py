"""``mastermind report ID STATUS``: a report-back written from the command line.

The note for the next meeting gets the one entry; every other byte stays as it was.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import build_tree

TODAY = "2026-12-05"  # the next meeting is 2026-12-15
NEXT = "meetings/2026-12-15/alice.md"
MADE = {
    "meetings/2026-12-01/alice.md": (
        "---\nmember: alice\nmeeting: 2026-12-01\ncommitments:\n"
        "  - {id: 2026-12-01/alice/1, text: Call three customers}\n"
        "  - {id: 2026-12-01/alice/2, text: Draft pricing, due: 2027-02-09}\n---\n"
    ),
    "meetings/2026-12-01/bob.md": (
        "---\nmember: bob\nmeeting: 2026-12-01\ncommitments:\n"
        "  - {id: 2026-12-01/bob/1, text: Hire}\n---\n"
    ),
}


@pytest.fixture
def made(group: Path) -> Path:
    return build_tree(group, MADE)


def _report(run_main: object, root: Path, *args: str) -> tuple[int, str, str]:
    return run_main(  # type: ignore[operator, no-any-return]
        "-C", str(root), "report", *args, "--member", "alice", "--today", TODAY
    )


def test_report_creates_the_next_note_as_prep_would(made: Path, run_main: object) -> None:
    code, prepared, _ = run_main(  # type: ignore[operator]
        "-C", str(made), "prep", "--member", "alice", "--stdout", "--today", TODAY
    )
    assert code == 0

    code, out, err = _report(run_main, made, "2026-12-01/alice/1", "done", "--note", "all three")

    assert (code, err) == (0, "")
    assert f"recorded 2026-12-01/alice/1: done in {NEXT}" in out
    assert "mastermind sync" in out
    written = (made / NEXT).read_text()
    # prep's note, with only the status and note of that one entry filled in
    expected = prepared.replace(
        '  - id: "2026-12-01/alice/1"  # Call three customers (due 2026-12-15)\n    status:\n'
        "    note:\n",
        '  - id: "2026-12-01/alice/1"  # Call three customers (due 2026-12-15)\n    status: done\n'
        '    note: "all three"\n',
    )
    assert expected != prepared
    assert written == expected
    code, out, _ = run_main("-C", str(made), "check")  # type: ignore[operator]
    assert code == 0, out


def test_report_changes_only_its_entry_in_an_existing_note(made: Path, run_main: object) -> None:
    assert (
        run_main(  # type: ignore[operator]
            "-C", str(made), "prep", "--member", "alice", "--today", TODAY
        )[0]
        == 0
    )
    note = made / NEXT
    # the member has been writing: comments, quotes, their own text
    text = note.read_text().replace('walk_away: ""', "walk_away: 'a plan'  # mine")
    text = text.replace("questions: []", "questions:\n  - How do I hire?   # keep this comment")
    note.write_text(text)

    assert _report(run_main, made, "2026-12-01/alice/2", "partial")[0] == 0

    after = note.read_text()
    changed = [(a, b) for a, b in zip(text.split("\n"), after.split("\n"), strict=True) if a != b]
    assert changed == [("    status:", "    status: partial")]
    assert len(after.split("\n")) == len(text.split("\n"))


@pytest.mark.parametrize(
    ("front", "shape"),
    [
        ("report: []  # nothing yet\nwalk_away: x\n", "an empty flow list"),
        ("walk_away: x\n", "no report key"),
        (
            "report:\n  - id: 2026-12-01/alice/2\n    status: done  # early\nwalk_away: x\n",
            "a block list with another entry",
        ),
        (
            "report:\n  - id: 2026-12-01/alice/1\n    status: null  # later\nwalk_away: x\n",
            "the entry with a null status",
        ),
    ],
)
def test_report_fits_hand_written_notes(
    made: Path, run_main: object, front: str, shape: str
) -> None:
    original = f"---\nmember: alice\nmeeting: 2026-12-15\n{front}---\nMy own words.\n"
    build_tree(made, {NEXT: original})

    code, out, err = _report(run_main, made, "2026-12-01/alice/1", "missed", "--note", "ran out")

    assert (code, err) == (0, ""), shape
    after = (made / NEXT).read_text()
    assert after.endswith("---\nMy own words.\n")
    code, out, _ = run_main("-C", str(made), "check", NEXT)  # type: ignore[operator]
    assert code == 0, out
    code, out, _ = run_main(  # type: ignore[operator]
        "-C", str(made), "status", "--member", "alice", "--format", "json", "--today", TODAY
    )
    entries = {c["id"]: c for c in json.loads(out)["commitments"]}
    assert entries["2026-12-01/alice/1"]["status_in_note"] == "missed"


def test_a_reported_commitment_counts_in_the_summary(made: Path, run_main: object) -> None:
    assert _report(run_main, made, "2026-12-01/alice/1", "done", "--note", "yes")[0] == 0

    code, out, _ = run_main(  # type: ignore[operator]
        "-C", str(made), "summary", "--format", "json", "--today", "2026-12-20"
    )

    assert code == 0
    commitments = json.loads(out)["members"]["alice"]["commitments"]
    done = next(c for c in commitments if c["id"] == "2026-12-01/alice/1")
    assert (done["fate"], done["reported_at"]) == ("done", "2026-12-15")


@pytest.mark.parametrize(
    ("commitment", "expected"),
    [
        ("2026-12-01/alice/9", "you have no commitment 2026-12-01/alice/9"),
        ("2026-12-01/bob/1", "is bob's commitment, not yours (alice)"),
        ("2026-12-15/alice/1", "was made at 2026-12-15"),
        ("../../etc/passwd", "is not a commitment id"),
        ("--force", "is not a commitment id"),
    ],
)
def test_report_refuses_what_is_not_mine_to_report(
    made: Path, run_main: object, commitment: str, expected: str
) -> None:
    code, _, err = run_main(  # type: ignore[operator]
        "-C", str(made), "report", "--member", "alice", "--today", TODAY, "--", commitment, "done"
    )

    assert code == 2
    assert expected in err
    assert not (made / NEXT).exists()


def test_report_refuses_a_commitment_already_reported(made: Path, run_main: object) -> None:
    assert _report(run_main, made, "2026-12-01/alice/1", "done")[0] == 0
    before = (made / NEXT).read_text()

    code, _, err = _report(run_main, made, "2026-12-01/alice/1", "missed")

    assert code == 2
    assert f"already reported in {NEXT} (status: done)" in err
    assert (made / NEXT).read_text() == before
    # reported at an earlier meeting: named with the note that did it
    code, _, err = run_main(  # type: ignore[operator]
        "-C",
        str(made),
        "report",
        "--member",
        "alice",
        "--today",
        "2026-12-20",
        "2026-12-01/alice/1",
        "done",
    )
    assert code == 2
    assert f"already reported: done in {NEXT}" in err


def test_report_refuses_a_broken_note_and_leaves_it(made: Path, run_main: object) -> None:
    broken = "---\nmember: alice\nmeeting: 2026-12-15\nreport: [oops\n---\n"
    build_tree(made, {NEXT: broken})

    code, _, err = _report(run_main, made, "2026-12-01/alice/1", "done")

    assert code == 2
    assert "Traceback" not in err and NEXT in err
    assert (made / NEXT).read_text() == broken


def test_status_lists_the_ids_to_report_on(made: Path, run_main: object) -> None:
    code, out, _ = run_main(  # type: ignore[operator]
        "-C", str(made), "status", "--member", "alice", "--today", TODAY
    )
    assert code == 0
    assert "2026-12-01/alice/1" in out and "2026-12-01/alice/2" in out
    assert "mastermind report" in out


def test_report_never_writes_through_a_symlinked_meeting_folder(
    made: Path, run_main: object, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (made / "meetings" / "2026-12-15").symlink_to(outside, target_is_directory=True)

    code, _, err = _report(run_main, made, "2026-12-01/alice/1", "done")

    assert code == 2 and "symlink" in err and "Traceback" not in err
    assert list(outside.iterdir()) == []


def test_report_refuses_a_note_that_is_not_text(made: Path, run_main: object) -> None:
    code, _, err = _report(run_main, made, "2026-12-01/alice/1", "done", "--note", "\udcff")
    assert code == 2 and "not valid text" in err
    assert not (made / NEXT).exists()


def test_report_into_an_empty_flow_list_adds_no_blank_line(made: Path, run_main: object) -> None:
    build_tree(
        made,
        {NEXT: "---\nmember: alice\nmeeting: 2026-12-15\nreport: []  # none\nwalk_away: x\n---\n"},
    )
    assert _report(run_main, made, "2026-12-01/alice/1", "done")[0] == 0
    assert (made / NEXT).read_text() == (
        '---\nmember: alice\nmeeting: 2026-12-15\nreport:\n  - id: "2026-12-01/alice/1"\n'
        "    status: done\nwalk_away: x\n---\n"
    )


def test_report_for_another_member_says_whose_note_it_is(made: Path, run_main: object) -> None:
    from conftest import git

    git(made, "init", "-q")
    git(made, "config", "user.email", "bob@example.org")
    code, out, err = _report(run_main, made, "2026-12-01/alice/1", "done")
    assert code == 0
    assert "this is alice's note, and you commit as bob@example.org (bob)" in err
    assert "next: mastermind sync" not in out
