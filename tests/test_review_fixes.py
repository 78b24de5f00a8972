"""Defects found in review, each pinned by a test that failed before its fix."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from mastermind_kit import ledger
from mastermind_kit.read import read_group, read_member
from mastermind_kit.repo import GroupRepo

from conftest import build_tree

NOTE = "---\nmember: alice\nmeeting: {day}\n{extra}---\n"


def test_a_config_change_that_strands_a_note_fails_the_partial_check(group: Path, run_main) -> None:
    build_tree(group, {"meetings/2026-12-15/alice.md": NOTE.format(day="2026-12-15", extra="")})
    config = group / "mastermind.yaml"
    config.write_text(config.read_text().replace("members:", "skip: [2026-12-15]\nmembers:"))
    code, out, _ = run_main("check", "mastermind.yaml", cwd=group)
    assert code == 1
    assert "meetings/2026-12-15/alice.md:1:1: error: 2026-12-15 is not a meeting date" in out


def test_a_profile_change_that_orphans_results_fails_the_partial_check(group: Path, run_main) -> None:
    build_tree(group, {"meetings/2026-12-15/alice.md": NOTE.format(
        day="2026-12-15", extra="results: {arr: 21000}\n")})
    profile = group / "members" / "alice.md"
    profile.write_text(profile.read_text().replace("id: arr", "id: mrr"))
    code, out, _ = run_main("check", "members/alice.md", cwd=group)
    assert code == 1
    assert "meetings/2026-12-15/alice.md" in out and "'arr' is not a goal of alice" in out


def test_force_never_overwrites_an_earlier_backup(group: Path, run_main) -> None:
    note = group / "meetings" / "2026-12-15" / "alice.md"
    build_tree(group, {"meetings/2026-12-15/alice.md": NOTE.format(day="2026-12-15", extra="")})
    note.write_text(note.read_text() + "My own words.\n")
    for _ in range(2):
        code, _, err = run_main("-C", str(group), "prep", "--member", "alice",
                                "--meeting", "2026-12-15", "--force", "--today", "2026-12-10")
        assert code == 0, err
    backups = sorted(p.name for p in note.parent.iterdir() if ".bak" in p.name)
    assert backups == ["alice.md.bak", "alice.md.bak.1"]
    assert "My own words." in (note.parent / "alice.md.bak").read_text()


@pytest.mark.parametrize("folder", ["20261215", "2026-W51-2"])
def test_meeting_folders_are_named_yyyy_mm_dd_only(group: Path, run_main, folder: str) -> None:
    build_tree(group, {f"meetings/{folder}/alice.md": NOTE.format(day="2026-12-15", extra="")})
    code, out, _ = run_main("-C", str(group), "check")
    assert code == 1
    assert f"'{folder}' is not a meeting date" in out


def test_init_refuses_options_that_make_an_invalid_group(tmp_path: Path, run_main) -> None:
    code, _, err = run_main("init", str(tmp_path / "g"), "--name", "G",
                            "--member", "alice:Alice:not an email")
    assert code == 2 and "not an email address" in err and "nothing was written" in err
    assert list(tmp_path.iterdir()) == []


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


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-02"])
def test_dates_at_the_ends_of_the_calendar_are_usage_errors(group: Path, run_main, day: str) -> None:
    code, _, err = run_main("-C", str(group), "summary", "--today", day)
    assert code == 2 and "out of range" in err


def test_a_remade_commitment_is_still_owed_a_report_as_the_summary_counts_it(group: Path) -> None:
    build_tree(group, {
        "meetings/2026-12-01/alice.md": NOTE.format(
            day="2026-12-01", extra="commitments:\n  - {id: 2026-12-01/alice/1, text: Call}\n"),
        "meetings/2026-12-15/alice.md": NOTE.format(
            day="2026-12-15",
            extra="commitments:\n  - {id: 2026-12-15/alice/1, text: Call again,"
                  " carried_from: 2026-12-01/alice/1}\n"),
    })
    workspace = read_group(GroupRepo(group))
    owed = [o.id for o in read_member(GroupRepo(group), "alice", dt.date(2026, 12, 29)).carry.owed]
    fates = {e.commitment.id: e.fate for e in ledger.fates(workspace.group, "alice", workspace.notes)}
    assert fates["2026-12-01/alice/1"] == "unreported"
    assert owed == ["2026-12-01/alice/1", "2026-12-15/alice/1"]


ALICE = ("Alice Example", "alice@example.org")
BOB = ("Bob Example", "bob@example.org")


def _audit(group: Path, run_main) -> tuple[int, str]:
    code, out, _ = run_main("-C", str(group), "audit")
    return code, out


def test_audit_sees_an_edit_made_inside_a_merge_commit(git_group: Path, run_main) -> None:
    from conftest import commit, git

    build_tree(git_group, {"meetings/2026-12-01/alice.md": NOTE.format(
        day="2026-12-01", extra="commitments:\n  - {id: 2026-12-01/alice/1, text: Call five}\n")})
    commit(git_group, "alice", when="2026-12-01T21:00:00+01:00", author=ALICE)
    git(git_group, "checkout", "-q", "-b", "side")
    build_tree(git_group, {"meetings/2026-12-01/bob.md": "---\nmember: bob\nmeeting: 2026-12-01\n---\n"})
    commit(git_group, "bob", when="2026-12-01T22:00:00+01:00", author=BOB)
    git(git_group, "checkout", "-q", "main")
    build_tree(git_group, {"members/bob.md": "---\nname: Bob Example\ngoals: []\n---\nHi.\n"})
    commit(git_group, "profile", when="2026-12-02T10:00:00+01:00", author=BOB)
    git(git_group, "merge", "-q", "--no-ff", "--no-commit", "side")
    note = git_group / "meetings/2026-12-01/alice.md"
    note.write_text(note.read_text().replace("Call five", "Call two"))
    commit(git_group, "merge", when="2026-12-10T10:00:00+01:00", author=BOB)
    code, out = _audit(git_group, run_main)
    assert code == 1
    assert "[commitment-changed]" in out and '"Call five" to "Call two"' in out
    assert "[other-author]" in out


def test_audit_sees_a_report_added_long_after_the_next_meeting(git_group: Path, run_main) -> None:
    from conftest import commit

    build_tree(git_group, {
        "meetings/2026-12-01/alice.md": NOTE.format(
            day="2026-12-01", extra="commitments:\n  - {id: 2026-12-01/alice/1, text: Call}\n"),
        "meetings/2026-12-15/alice.md": NOTE.format(day="2026-12-15", extra=""),
    })
    commit(git_group, "notes", when="2026-12-14T10:00:00+01:00", author=ALICE)
    assert _audit(git_group, run_main)[0] == 0
    build_tree(git_group, {"meetings/2026-12-15/alice.md": NOTE.format(
        day="2026-12-15", extra="report:\n  - {id: 2026-12-01/alice/1, status: done}\n")})
    commit(git_group, "late report", when="2027-02-01T10:00:00+01:00", author=ALICE)
    code, out = _audit(git_group, run_main)
    assert code == 1
    assert 'report on 2026-12-01/alice/1 added (status "done")' in out


def test_a_leading_zero_where_a_number_is_wanted_is_a_warning(group: Path, run_main) -> None:
    config = group / "mastermind.yaml"
    config.write_text(config.read_text().replace("members:", "commitment_grace_hours: 010\nmembers:"))
    code, out, _ = run_main("-C", str(group), "check")
    assert code == 0
    assert "mastermind.yaml:9:25:" in out and "octal number 8" in out and "[octal]" in out
    assert run_main("-C", str(group), "check", "--strict")[0] == 1


def test_with_repo_option_relative_paths_are_taken_from_the_repo_like_git(group: Path, run_main) -> None:
    build_tree(group, {"meetings/2026-12-01/alice.md": NOTE.format(day="2026-12-01", extra="")})
    code, out, err = run_main("-C", "group", "check", "meetings/2026-12-01/alice.md", cwd=group.parent)
    assert (code, out, err) == (0, "", "")
