"""``mastermind check --fix``: safe mechanical fixes, said on stderr, then the check."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import GROUP_YAML, PROFILE_ALICE, build_tree

Run = Callable[..., tuple[int, str, str]]

N1 = "meetings/2026-12-01/alice.md"


def alice(rest: str = "", meeting: str = "2026-12-01") -> str:
    return f"---\nmember: alice\nmeeting: {meeting}\n{rest}---\nMy plan.\n"


def fix(run_main: Run, group: Path, *paths: str) -> tuple[int, str, str]:
    code, out, err = run_main("check", "--fix", *paths, cwd=group)
    assert "Traceback" not in out + err
    return code, out, err


def assert_checks_clean(run_main: Run, group: Path) -> None:
    assert run_main("check", cwd=group) == (0, "", "")


def test_quotes_time_in_config(group: Path, run_main: Run) -> None:
    build_tree(group, {"mastermind.yaml": GROUP_YAML.replace('time: "18:00"', "time: 18:00")})
    code, out, err = fix(run_main, group)
    assert (code, out) == (0, "")
    assert err == "fixed mastermind.yaml: quoted 18:00\n"
    assert (group / "mastermind.yaml").read_text() == GROUP_YAML
    assert_checks_clean(run_main, group)


@pytest.mark.parametrize(
    ("before", "after", "said"),
    [
        ("walk_away: no\n", 'walk_away: "no"\n', "quoted no"),
        ("walk_away: off   # really\n", 'walk_away: "off"   # really\n', "quoted off"),
        ("questions: [yes, Why?]\n", 'questions: ["yes", Why?]\n', "quoted yes"),
        ("questions:\n  - 0755\n", 'questions:\n  - "0755"\n', "quoted 0755"),
        (
            "commitments:\n  - id: 2026-12-01/alice/1\n    text: on\n",
            'commitments:\n  - id: 2026-12-01/alice/1\n    text: "on"\n',
            "quoted on",
        ),
        (
            "questions: [Café à 18:00?]\nwalk_away: 1:30\n",
            'questions: [Café à 18:00?]\nwalk_away: "1:30"\n',
            "quoted 1:30",
        ),
    ],
)
def test_quotes_misread_text_in_a_note(
    group: Path, run_main: Run, before: str, after: str, said: str
) -> None:
    build_tree(group, {N1: alice(before)})
    code, out, err = fix(run_main, group)
    assert (code, out) == (0, "")
    assert err == f"fixed {N1}: {said}\n"
    assert (group / N1).read_text() == alice(after)
    assert_checks_clean(run_main, group)


def test_quotes_a_profile_name(group: Path, run_main: Run) -> None:
    build_tree(group, {"members/alice.md": PROFILE_ALICE.replace("Alice Example", "1:30")})
    code, _, err = fix(run_main, group)
    assert code == 0
    assert err == "fixed members/alice.md: quoted 1:30\n"
    assert (group / "members/alice.md").read_text() == PROFILE_ALICE.replace(
        "Alice Example", '"1:30"'
    )


def test_leaves_booleans_and_numbers_where_they_belong(group: Path, run_main: Run) -> None:
    text = alice("hot_seat: yes\nresults: {arr: 21000}\n")
    build_tree(group, {N1: text})
    assert fix(run_main, group) == (0, "", "")
    assert (group / N1).read_text() == text


def test_fills_missing_commitment_ids_block_style(group: Path, run_main: Run) -> None:
    build_tree(
        group,
        {
            N1: alice(
                "commitments:\n"
                "  - id: 2026-12-01/alice/2\n"
                "    text: Call three customers\n"
                "  - text: Draft the pricing page\n"
                "    due: 2026-12-15\n"
                "  -   text: Hire\n"
            )
        },
    )
    code, out, err = fix(run_main, group)
    assert (code, out) == (0, "")
    assert err == (
        f"fixed {N1}: added commitment id 2026-12-01/alice/3\n"
        f"fixed {N1}: added commitment id 2026-12-01/alice/4\n"
    )
    assert (group / N1).read_text() == alice(
        "commitments:\n"
        "  - id: 2026-12-01/alice/2\n"
        "    text: Call three customers\n"
        "  - id: 2026-12-01/alice/3\n"
        "    text: Draft the pricing page\n"
        "    due: 2026-12-15\n"
        "  -   id: 2026-12-01/alice/4\n"
        "      text: Hire\n"
    )
    assert_checks_clean(run_main, group)


def test_fills_missing_commitment_ids_flow_style(group: Path, run_main: Run) -> None:
    build_tree(
        group,
        {
            N1: alice(
                "commitments: [{text: Call}, {id: 2026-12-01/alice/1, text: Write}, {text: Hire}]\n"
            )
        },
    )
    code, _, err = fix(run_main, group)
    assert code == 0
    assert "added commitment id 2026-12-01/alice/2" in err
    assert (group / N1).read_text() == alice(
        "commitments: [{id: 2026-12-01/alice/2, text: Call}, {id: 2026-12-01/alice/1, "
        "text: Write}, {id: 2026-12-01/alice/3, text: Hire}]\n"
    )
    assert_checks_clean(run_main, group)


def test_no_id_for_a_note_outside_a_meeting_folder(group: Path, run_main: Run) -> None:
    """The id names the note's path: where the path is wrong, there is nothing to fill."""
    text = alice("commitments:\n  - text: Call\n")
    build_tree(group, {"meetings/not-a-date/alice.md": text})
    code, _, err = fix(run_main, group)
    assert code == 1 and "fixed" not in err
    assert (group / "meetings/not-a-date/alice.md").read_text() == text


def test_normalises_crlf_and_bom(group: Path, run_main: Run) -> None:
    text = alice("walk_away: A decision\n")
    build_tree(
        group,
        {
            N1: b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode(),
            "mastermind.yaml": GROUP_YAML.replace("\n", "\r\n").encode(),
        },
    )
    code, out, err = fix(run_main, group)
    assert (code, out) == (0, "")
    assert err.splitlines() == [
        "fixed mastermind.yaml: line ends CRLF -> LF",
        f"fixed {N1}: line ends CRLF -> LF",
        f"fixed {N1}: removed the UTF-8 byte order mark",
    ]
    assert (group / N1).read_bytes() == text.encode()
    assert (group / "mastermind.yaml").read_bytes() == GROUP_YAML.encode()
    assert_checks_clean(run_main, group)


def test_crlf_file_with_a_misread_value(group: Path, run_main: Run) -> None:
    build_tree(group, {N1: alice("walk_away: no\n").replace("\n", "\r\n").encode()})
    code, _, err = fix(run_main, group)
    assert code == 0
    assert "quoted no" in err and "CRLF -> LF" in err
    assert (group / N1).read_text() == alice('walk_away: "no"\n')


def test_valid_files_are_left_untouched(group: Path, run_main: Run) -> None:
    build_tree(group, {N1: alice("# comment\nwalk_away: 'no'\nquestions: [\"18:00\"]\n")})
    files = [group / "mastermind.yaml", group / "members/alice.md", group / N1]
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files}
    assert fix(run_main, group) == (0, "", "")
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files} == before
    assert sorted(p.name for p in (group / N1).parent.iterdir()) == ["alice.md"]


def test_fixes_only_the_given_paths(group: Path, run_main: Run) -> None:
    other = "meetings/2026-12-15/alice.md"
    build_tree(
        group, {N1: alice("walk_away: no\n"), other: alice("walk_away: no\n", meeting="2026-12-15")}
    )
    code, _, err = fix(run_main, group, N1)
    assert code == 0 and err == f"fixed {N1}: quoted no\n"
    assert "walk_away: no\n" in (group / other).read_text()


def test_keeps_findings_it_cannot_fix(group: Path, run_main: Run) -> None:
    build_tree(group, {N1: alice("walk_away: no\nhot_seat: maybe\n")})
    code, out, err = fix(run_main, group)
    assert code == 1
    assert err == f"fixed {N1}: quoted no\n"
    assert f"{N1}:5:" in out and "expected a boolean" in out
    assert 'walk_away: "no"' in (group / N1).read_text()


@pytest.mark.parametrize(
    "text",
    [
        "---\nmember: alice\nwalk_away: no\n",  # no closing ---
        "---\nmember: alice\nwalk_away: no\nquestions: [open\n---\n",  # invalid YAML
        "<<<<<<< HEAD\n---\nmember: alice\nwalk_away: no\n---\n",  # conflict
    ],
)
def test_does_not_touch_a_file_it_cannot_read(group: Path, run_main: Run, text: str) -> None:
    build_tree(group, {N1: text.replace("\n", "\r\n").encode()})
    before = (group / N1).read_bytes()
    code, out, err = fix(run_main, group)
    assert code == 1 and err == ""
    assert f"{N1}:" in out
    assert (group / N1).read_bytes() == before


def test_does_not_write_through_symlinks_leaving_the_repo(
    group: Path, tmp_path: Path, run_main: Run
) -> None:
    outside = build_tree(
        tmp_path / "elsewhere",
        {
            "alice.md": alice("walk_away: no\n").replace("\n", "\r\n"),
            "2026-12-15/alice.md": alice("walk_away: no\n", meeting="2026-12-15"),
        },
    )
    before = {p: p.read_bytes() for p in outside.rglob("*.md")}
    (group / "meetings/2026-12-01").mkdir(parents=True)
    (group / N1).symlink_to(outside / "alice.md")
    (group / "meetings/2026-12-15").symlink_to(outside / "2026-12-15", target_is_directory=True)
    code, out, err = fix(run_main, group)
    assert code == 1 and err == ""
    assert "outside the group repo" in out
    assert {p: p.read_bytes() for p in outside.rglob("*.md")} == before
