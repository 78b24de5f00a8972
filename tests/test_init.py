"""`mastermind init`: a complete, committed group repo, or nothing at all."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from conftest import git

ARGS = (
    "--name",
    "Test Group",
    "--cadence",
    "biweekly",
    "--first-meeting",
    "2026-12-01",
    "--time",
    "18:00",
    "--timezone",
    "Europe/Berlin",
    "--member",
    "alice:Alice:alice@example.org",
    "--member",
    "bob:Bob:bob@example.org",
)


def test_init_makes_a_committed_group_that_checks_clean(tmp_path: Path, run_main) -> None:
    target = tmp_path / "g"
    code, out, err = run_main("init", str(target), *ARGS)
    assert code == 0, err
    assert "Created Test Group" in out
    for name in (
        "mastermind.yaml",
        "members/alice.md",
        "members/bob.md",
        "README.md",
        ".gitignore",
        ".pre-commit-config.yaml",
    ):
        assert (target / name).is_file(), name
    assert git(target, "rev-list", "--count", "HEAD").strip() == "1"
    assert git(target, "status", "--porcelain") == ""
    readme = (target / "README.md").read_text()
    assert "stays in the group" in readme and "mastermind prep" in readme
    assert "repo: local" in (target / ".pre-commit-config.yaml").read_text()
    assert run_main("-C", str(target), "check")[0] == 0


def test_init_defaults_to_the_git_identity_as_first_member(tmp_path: Path, run_main) -> None:
    target = tmp_path / "g"
    code, _, err = run_main("init", str(target), "--name", "Solo", "--today", "2026-11-25")
    assert code == 0, err
    text = (target / "mastermind.yaml").read_text()
    assert "id: runner" in text and "runner@example.org" in text
    assert "first_meeting: 2026-12-02" in text
    assert run_main("-C", str(target), "check")[0] == 0


def test_init_refuses_a_non_empty_directory(tmp_path: Path, run_main) -> None:
    target = tmp_path / "g"
    target.mkdir()
    (target / "keep.txt").write_text("mine")
    code, _, err = run_main("init", str(target), *ARGS)
    assert code == 2
    assert "not empty" in err and "Traceback" not in err
    assert sorted(p.name for p in target.iterdir()) == ["keep.txt"]


def test_init_accepts_an_empty_directory(tmp_path: Path, run_main) -> None:
    target = tmp_path / "g"
    target.mkdir()
    assert run_main("init", str(target), *ARGS)[0] == 0
    assert (target / ".git").is_dir()


def test_init_without_git_identity_says_how_and_leaves_nothing(
    tmp_path: Path, run_main, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty.gitconfig"
    empty.write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))
    monkeypatch.setenv("EMAIL", "")
    # git falls back to user@hostname; make that fail the way a fresh machine does.
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "")
    code, _, err = run_main("init", str(tmp_path / "g"), *ARGS)
    assert code == 2
    assert "git config --global user.email" in err
    assert "Traceback" not in err
    assert sorted(os.listdir(tmp_path)) == ["empty.gitconfig"]


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--timezone", "Mars/Olympus", "unknown time zone"),
        ("--time", "6pm", "not a time"),
        ("--member", "Alice:Alice", "not a valid member id"),
        ("--first-meeting", "2026-02-30", "not a date"),
        ("--cadence", "daily", "daily"),
        ("--ci", "jenkins", "jenkins"),
    ],
)
def test_init_rejects_bad_options(
    tmp_path: Path, run_main, option: str, value: str, message: str
) -> None:
    code, _, err = run_main("init", str(tmp_path / "g"), "--name", "G", option, value)
    assert code == 2
    assert message in err
    assert not (tmp_path / "g").exists()


def test_init_refuses_options_that_make_an_invalid_group(tmp_path: Path, run_main) -> None:
    code, _, err = run_main(
        "init", str(tmp_path / "g"), "--name", "G", "--member", "alice:Alice:not an email"
    )
    assert code == 2 and "not an email address" in err and "nothing was written" in err
    assert list(tmp_path.iterdir()) == []


def test_init_refuses_to_nest_a_group_in_another_repo(tmp_path: Path, run_main) -> None:
    outer = tmp_path / "outer"
    code, _, err = run_main("init", str(outer), *ARGS)
    assert code == 0, err
    plain = tmp_path / "plain"
    plain.mkdir()
    subprocess.run(["git", "init", "-q", str(plain)], check=True)

    for parent, said in (
        (outer, "would be inside the group repo"),
        (plain, "would be inside the git work tree"),
    ):
        code, _, err = run_main("init", str(parent / "inner"), *ARGS)
        assert code == 2
        assert said in err and "--force" in err and "Traceback" not in err
        assert not (parent / "inner").exists()
        assert not [p for p in parent.iterdir() if p.name.startswith(".inner")]

    code, _, err = run_main("init", str(plain / "inner"), *ARGS, "--force")
    assert code == 0, err
    assert (plain / "inner" / ".git").is_dir()


def test_init_refuses_a_group_inside_a_git_folder(tmp_path: Path, run_main) -> None:
    plain = tmp_path / "plain"
    subprocess.run(["git", "init", "-q", str(plain)], check=True)
    code, _, err = run_main("init", str(plain / ".git" / "grp"), *ARGS)
    assert code == 2 and "inside" in err and "Traceback" not in err
    assert not (plain / ".git" / "grp").exists()
