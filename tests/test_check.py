from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import build_tree


def test_valid_group_passes(group: Path, run_main) -> None:
    code, out, err = run_main("-C", str(group), "check")
    assert (code, out, err) == (0, "", "")


def test_impossible_due_date_names_file_and_line(group: Path, run_main) -> None:
    build_tree(
        group,
        {
            "meetings/2026-12-01/alice.md": (
                "---\nmember: alice\nmeeting: 2026-12-01\ncommitments:\n"
                "  - id: 2026-12-01/alice/1\n    text: Call three customers\n"
                "    due: 2026-02-30\n---\n"
            )
        },
    )
    code, out, err = run_main("-C", str(group), "check")
    assert code == 1
    assert "meetings/2026-12-01/alice.md:7:" in out
    assert "2026-02-30" in out and "Traceback" not in out + err
    code, out, _ = run_main("-C", str(group), "check", "--format", "json")
    assert code == 1
    [finding] = json.loads(out)
    assert finding["line"] == 7
    assert finding["path"].endswith("meetings/2026-12-01/alice.md")
    assert finding["severity"] == "error"


BAD_DUE = (
    "---\nmember: alice\nmeeting: 2026-12-01\ncommitments:\n"
    "  - id: 2026-12-01/alice/1\n    text: Call three customers\n"
    "    due: 2026-02-30\n---\n"
)


def test_github_and_gitlab_formats(group: Path, run_main) -> None:
    build_tree(group, {"meetings/2026-12-01/alice.md": BAD_DUE})
    code, out, _ = run_main("-C", str(group), "check", "--format", "github")
    assert code == 1
    assert out.startswith("::error file=")
    assert ",line=7," in out
    code, out, _ = run_main("-C", str(group), "check", "--format", "gitlab")
    assert code == 1
    [issue] = json.loads(out)
    assert issue["location"]["lines"]["begin"] == 7
    assert issue["severity"] == "major" and issue["check_name"] == "schema"
    assert len(issue["fingerprint"]) == 64


def test_one_note_reads_only_what_it_refers_to(group: Path, run_main) -> None:
    build_tree(
        group,
        {
            # Unrelated and broken: checking another note must not even read it.
            "meetings/2026-12-15/bob.md": "---\nmember: bob\nmeeting: [unclosed\n---\n",
            "meetings/2026-12-01/alice.md": (
                "---\nmember: alice\nmeeting: 2026-12-01\ncommitments:\n"
                "  - {id: 2026-12-01/alice/1, text: Call three customers}\n---\n"
            ),
            "meetings/2026-12-15/alice.md": (
                "---\nmember: alice\nmeeting: 2026-12-15\nreport:\n"
                "  - {id: 2026-12-01/alice/1, status: done}\n"
                "  - {id: 2026-12-01/alice/2, status: done}\n---\n"
            ),
        },
    )
    code, out, _ = run_main("check", "meetings/2026-12-15/alice.md", cwd=group)
    assert code == 1
    assert "bob.md" not in out
    # the note it refers to was read: /1 exists there, /2 does not
    assert "'2026-12-01/alice/2' names no commitment" in out
    assert "2026-12-01/alice/1'" not in out
    code, out, _ = run_main("check", cwd=group)
    assert "meetings/2026-12-15/bob.md:3:" in out


def test_an_excused_date_after_the_member_left_is_a_warning(group: Path, run_main) -> None:
    config = group / "mastermind.yaml"
    text = config.read_text().replace(
        "    emails: [bob@example.org]\n    joined: 2026-12-01\n",
        "    emails: [bob@example.org]\n    joined: 2026-12-01\n    left: 2026-12-10\n",
    )
    config.write_text(
        text.replace("members:", "excused:\n  - {member: bob, meeting: 2026-12-15}\nmembers:")
    )
    code, out, _ = run_main("-C", str(group), "check")
    assert code == 0
    assert (
        "mastermind.yaml:10:1: warning: excused date 2026-12-15 is outside bob's membership" in out
    )
    assert "[not-member-then]" in out
    assert run_main("-C", str(group), "check", "--strict")[0] == 1


ALICE_NOTE = "---\nmember: alice\nmeeting: {day}\n{extra}---\n"


def test_a_config_change_that_strands_a_note_fails_the_partial_check(group: Path, run_main) -> None:
    build_tree(
        group, {"meetings/2026-12-15/alice.md": ALICE_NOTE.format(day="2026-12-15", extra="")}
    )
    config = group / "mastermind.yaml"
    config.write_text(config.read_text().replace("members:", "skip: [2026-12-15]\nmembers:"))
    code, out, _ = run_main("check", "mastermind.yaml", cwd=group)
    assert code == 1
    assert "meetings/2026-12-15/alice.md:1:1: error: 2026-12-15 is not a meeting date" in out


def test_a_profile_change_that_orphans_results_fails_the_partial_check(
    group: Path, run_main
) -> None:
    build_tree(
        group,
        {
            "meetings/2026-12-15/alice.md": ALICE_NOTE.format(
                day="2026-12-15", extra="results: {arr: 21000}\n"
            )
        },
    )
    profile = group / "members" / "alice.md"
    profile.write_text(profile.read_text().replace("id: arr", "id: mrr"))
    code, out, _ = run_main("check", "members/alice.md", cwd=group)
    assert code == 1
    assert "meetings/2026-12-15/alice.md" in out and "'arr' is not a goal of alice" in out


@pytest.mark.parametrize("folder", ["20261215", "2026-W51-2"])
def test_meeting_folders_are_named_yyyy_mm_dd_only(group: Path, run_main, folder: str) -> None:
    build_tree(
        group, {f"meetings/{folder}/alice.md": ALICE_NOTE.format(day="2026-12-15", extra="")}
    )
    code, out, _ = run_main("-C", str(group), "check")
    assert code == 1
    assert f"'{folder}' is not a meeting date" in out


def test_a_leading_zero_where_a_number_is_wanted_is_a_warning(group: Path, run_main) -> None:
    config = group / "mastermind.yaml"
    config.write_text(
        config.read_text().replace("members:", "commitment_grace_hours: 010\nmembers:")
    )
    code, out, _ = run_main("-C", str(group), "check")
    assert code == 0
    assert "mastermind.yaml:9:25:" in out and "octal number 8" in out and "[octal]" in out
    assert run_main("-C", str(group), "check", "--strict")[0] == 1


def test_with_repo_option_relative_paths_are_taken_from_the_repo_like_git(
    group: Path, run_main
) -> None:
    build_tree(
        group, {"meetings/2026-12-01/alice.md": ALICE_NOTE.format(day="2026-12-01", extra="")}
    )
    code, out, err = run_main(
        "-C", "group", "check", "meetings/2026-12-01/alice.md", cwd=group.parent
    )
    assert (code, out, err) == (0, "", "")


def test_a_stray_file_among_the_notes_is_an_error(group: Path, run_main) -> None:
    note = "---\nmember: alice\nmeeting: 2026-12-01\n---\n"
    build_tree(
        group,
        {
            "meetings/2026-12-01/alice.md.old": note,  # a note renamed away no longer counts
            "meetings/2026-12-01/alice.md.bak": note,  # what prep --force leaves: ignored
            "meetings/2026-12-01/.alice.md.swp": "x",  # an editor's
        },
    )
    code, out, _ = run_main("check", cwd=group)
    assert code == 1
    assert out.splitlines()[0] == (
        "meetings/2026-12-01/alice.md.old:1:1: error: 'alice.md.old' is not a note "
        "(<member>.md) or agenda.md: nothing reads it; if it was a note, move it back "
        "[stray-file]"
    )
    assert ".bak" not in out and ".swp" not in out


def test_a_note_after_its_member_left_is_an_error(group: Path, run_main) -> None:
    config = group / "mastermind.yaml"
    config.write_text(
        config.read_text().replace(
            "    emails: [bob@example.org]\n    joined: 2026-12-01\n",
            "    emails: [bob@example.org]\n    joined: 2026-12-01\n    left: 2026-12-15\n",
        )
    )
    note = "---\nmember: bob\nmeeting: {day}\n---\n"
    build_tree(
        group,
        {
            "meetings/2026-12-15/bob.md": note.format(day="2026-12-15"),  # the last meeting: fine
            "meetings/2026-12-29/bob.md": note.format(day="2026-12-29"),
        },
    )
    expected = (
        "meetings/2026-12-29/bob.md:3:1: error: 'bob' was not in the group on 2026-12-29 "
        "(joined 2026-12-01, left 2026-12-15) [after-left]"
    )
    code, out, _ = run_main("check", cwd=group)
    assert code == 1
    assert out.splitlines() == [expected, "1 error(s), 0 warning(s)"]
    # a commit of the config alone finds the note it strands, from its path (line 1)
    code, out, _ = run_main("check", "mastermind.yaml", cwd=group)
    assert code == 1 and out.splitlines()[0] == expected.replace(":3:1:", ":1:1:")


def test_a_hook_config_that_runs_anything_else_is_an_error(tmp_path: Path, run_main) -> None:
    from test_init import ARGS

    assert run_main("init", str(tmp_path / "g"), *ARGS)[0] == 0
    config = tmp_path / "g" / ".pre-commit-config.yaml"
    assert run_main("-C", str(tmp_path / "g"), "check")[0] == 0  # the one init writes
    config.write_text(
        config.read_text()
        + "      - id: helpful\n        name: helpful\n        entry: sh -c 'cat ~/.ssh/id_ed25519'\n"
        "        language: system\n"
    )
    code, out, _ = run_main("-C", str(tmp_path / "g"), "check")
    assert code == 1
    assert ".pre-commit-config.yaml:1:1: error: it runs 'helpful'" in out and "[hook-config]" in out


@pytest.mark.parametrize("zone", ["Europe", "a" * 5000])
def test_a_time_zone_that_names_a_folder_or_is_too_long_is_a_finding(
    group: Path, run_main, zone: str
) -> None:
    config = group / "mastermind.yaml"
    config.write_text(config.read_text().replace("timezone: Europe/Berlin", f"timezone: {zone}"))
    code, out, err = run_main("-C", str(group), "check")
    assert code in (1, 2), err
    assert "site-packages" not in out + err and "Traceback" not in out + err
    assert "time zone" in out + err
