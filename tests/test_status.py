from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from mastermind_kit import schedule, status
from mastermind_kit.read import read_member
from mastermind_kit.repo import GroupRepo

from conftest import build_tree, git

HISTORY = {
    "meetings/2026-12-01/alice.md": (
        "---\nmember: alice\nmeeting: 2026-12-01\ncommitments:\n"
        "  - {id: 2026-12-01/alice/1, text: Call three customers}\n"
        "  - {id: 2026-12-01/alice/2, text: Draft pricing, due: 2027-02-09}\n"
        "  - {id: 2026-12-01/alice/3, text: Done soon}\n---\n"
    ),
    "meetings/2026-12-15/alice.md": (
        "---\nmember: alice\nmeeting: 2026-12-15\nreport:\n"
        "  - {id: 2026-12-01/alice/3, status: done}\n---\n"
    ),
}


@pytest.fixture
def history_group(group: Path) -> Path:
    return build_tree(group, HISTORY)


def _status(root: Path, now: dt.datetime) -> status.Status:
    repo = GroupRepo(root)
    return status.status(read_member(repo, "alice", schedule.resolve(repo.group, None, now)), now)


def test_status_json_names_next_meeting_and_to_report(history_group: Path, run_main) -> None:
    code, out, err = run_main(
        "-C",
        str(history_group),
        "status",
        "--member",
        "alice",
        "--format",
        "json",
        "--today",
        "2026-12-20",
    )
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["next_meeting"] == "2026-12-29"
    assert data["next_meeting_start"] == "2026-12-29T18:00:00+01:00"
    assert data["days_until"] == 9
    assert data["to_report"] == ["2026-12-01/alice/1", "2026-12-01/alice/2"]
    # alice/1 was due at 12-15 (the next meeting after it was made)
    assert data["overdue"] == ["2026-12-01/alice/1"]
    assert data["note"] == {
        "path": "meetings/2026-12-29/alice.md",
        "exists": False,
        "empty": [],
    }
    assert "to_report" in data["legend"]
    # one rule, stated once: what status lists is what prep asks for and the summary counts
    from mastermind_kit.ledger import DEFINITIONS

    assert data["legend"]["to_report"] == DEFINITIONS["to_report"]
    assert "does not settle the old one" in DEFINITIONS["to_report"]
    assert data["commitments"][1]["due"] == "2027-02-09"


def test_status_after_prep_says_what_is_still_empty(history_group: Path, run_main) -> None:
    args = ("-C", str(history_group))
    assert run_main(*args, "prep", "--member", "alice", "--today", "2026-12-20")[0] == 0
    path = history_group / "meetings/2026-12-29/alice.md"
    path.write_text(
        path.read_text()
        .replace('walk_away: ""', 'walk_away: "A plan"')
        .replace("status:\n", "status: done\n", 1)
    )
    code, out, _ = run_main(
        *args, "status", "--member", "alice", "--today", "2026-12-20", "--format", "json"
    )
    data = json.loads(out)
    assert data["note"]["exists"] is True
    assert data["note"]["empty"] == ["results.arr", "report 2026-12-01/alice/2", "questions"]
    assert data["commitments"][0]["status_in_note"] == "done"
    code, out, _ = run_main(*args, "status", "--member", "alice", "--today", "2026-12-20")
    assert code == 0
    assert "Next meeting: Tue 2026-12-29 18:00 CET, in 9 days" in out
    assert "still empty: results.arr, report 2026-12-01/alice/2, questions" in out
    assert (
        "2026-12-01/alice/1  Call three customers (due 2026-12-15) [OVERDUE; in your note: "
        "done]" in out
    )


def test_status_text_without_a_note(history_group: Path, run_main) -> None:
    code, out, _ = run_main(
        "-C", str(history_group), "status", "--member", "bob", "--today", "2026-12-29"
    )
    assert code == 0
    assert "Next meeting: Tue 2026-12-29 18:00 CET, in 18 hours" in out
    assert "not written yet (run 'mastermind prep')" in out
    assert "Nothing to report on." in out


def test_status_identity_from_git_config(git_group: Path, run_main) -> None:
    build_tree(git_group, HISTORY)
    git(git_group, "config", "user.email", "alice@example.org")
    code, out, _ = run_main(
        "-C", str(git_group), "status", "--today", "2026-12-20", "--format", "json"
    )
    assert code == 0 and json.loads(out)["member"] == "alice"


def test_missing_report_entry_is_named(history_group: Path) -> None:
    build_tree(
        history_group,
        {
            "meetings/2026-12-29/alice.md": (
                "---\nmember: alice\nmeeting: 2026-12-29\nwalk_away: x\nquestions: [y]\nreport:\n"
                "  - {id: 2026-12-01/alice/1, status: missed}\n---\n"
            )
        },
    )
    now = dt.datetime(2026, 12, 29, 17, 30, tzinfo=dt.timezone.utc)  # 18:30 in Berlin
    result = _status(history_group, now)
    assert result.next_meeting == dt.date(2027, 1, 12)  # 12-29 has started
    now = dt.datetime(2026, 12, 29, 16, 30, tzinfo=dt.timezone.utc)
    result = _status(history_group, now)
    assert result.next_meeting == dt.date(2026, 12, 29)
    assert result.when() == "within the hour"
    assert result.empty == ["report 2026-12-01/alice/2 (missing)"]


def _leaves(root: Path, member: str, left: str) -> None:
    config = root / "mastermind.yaml"
    entry = f"  - id: {member}\n"
    text = config.read_text()
    start = text.index(entry)
    joined = text.index("    joined: 2026-12-01\n", start) + len("    joined: 2026-12-01\n")
    config.write_text(text[:joined] + f"    left: {left}\n" + text[joined:])


def test_a_member_who_left_has_nothing_left_to_report(history_group: Path, run_main) -> None:
    _leaves(history_group, "alice", "2026-12-15")
    args = ("-C", str(history_group), "status", "--member", "alice", "--today", "2026-12-20")
    code, out, err = run_main(*args)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "Alice Example (alice)",
        "Left the group on 2026-12-15 (their last meeting).",
        "Nothing to report on.",
    ]
    code, out, _ = run_main(*args, "--format", "json")
    data = json.loads(out)
    assert (data["left"], data["active"]) == ("2026-12-15", False)
    assert data["to_report"] == data["overdue"] == data["commitments"] == []


def test_a_member_about_to_leave_still_reports(history_group: Path, run_main) -> None:
    _leaves(history_group, "alice", "2026-12-29")
    code, out, _ = run_main(
        "-C", str(history_group), "status", "--member", "alice", "--today", "2026-12-20"
    )
    assert code == 0
    assert "  your last meeting before leaving the group: 2026-12-29" in out
    assert "To report on (2):" in out
