"""The hook, run by the real pre-commit framework on a real group repo."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_init import ARGS

from conftest import build_tree

PROJECT = Path(__file__).resolve().parent.parent

BAD_NOTE = """\
---
member: alice
meeting: 2026-12-01
commitments:
  - id: 2026-12-01/alice/1
    text: Call three customers
    due: 2026-02-30
---
"""

GOOD_NOTE = """\
---
member: alice
meeting: 2026-12-01
questions:
  - How do I price the enterprise tier?
walk_away: "A pricing decision"
hot_seat: true
commitments:
  - id: 2026-12-01/alice/1
    text: Call three customers
---
Action plan.
"""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    # The hook is `language: system`: it runs the mastermind installed beside this Python.
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return env


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=_env(), capture_output=True, text=True)


@pytest.fixture
def new_group(tmp_path: Path, run_main) -> Path:
    code, _, err = run_main("init", str(tmp_path / "g"), *ARGS)
    assert code == 0, err
    return tmp_path / "g"


def test_pre_commit_run_all_files_passes_on_a_new_group(new_group: Path) -> None:
    result = _run(new_group, sys.executable, "-m", "pre_commit", "run", "--all-files")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "mastermind check" in result.stdout
    assert "Passed" in result.stdout


def test_commit_with_a_bad_note_is_rejected_and_a_good_one_goes_through(new_group: Path) -> None:
    installed = _run(new_group, sys.executable, "-m", "pre_commit", "install")
    assert installed.returncode == 0, installed.stderr

    build_tree(new_group, {"meetings/2026-12-01/alice.md": BAD_NOTE})
    _run(new_group, "git", "add", "-A")
    rejected = _run(new_group, "git", "commit", "-m", "prep")
    assert rejected.returncode != 0
    output = rejected.stdout + rejected.stderr
    assert "meetings/2026-12-01/alice.md:7:" in output
    assert "2026-02-30" in output
    assert "Traceback" not in output
    head = _run(new_group, "git", "rev-list", "--count", "HEAD").stdout.strip()
    assert head == "1"

    build_tree(new_group, {"meetings/2026-12-01/alice.md": GOOD_NOTE})
    _run(new_group, "git", "add", "-A")
    accepted = _run(new_group, "git", "commit", "-m", "prep")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert _run(new_group, "git", "rev-list", "--count", "HEAD").stdout.strip() == "2"


def test_project_ships_a_valid_pre_commit_hooks_manifest() -> None:
    from pre_commit.clientlib import load_manifest

    hooks = load_manifest(PROJECT / ".pre-commit-hooks.yaml")
    [hook] = hooks
    assert hook["id"] == "mastermind-check"
    assert hook["entry"] == "mastermind check"
    assert hook["language"] == "python"


def _commit_as(group: Path, email: str, env: dict[str, str] | None = None) -> str:
    """Stage everything and commit as ``email``; the hook's output (and git's)."""
    _run(group, "git", "config", "user.email", email)
    _run(group, "git", "add", "-A")
    done = subprocess.run(
        ["git", "commit", "-m", "prep"],
        cwd=group,
        env=env or _env(),
        capture_output=True,
        text=True,
    )
    return f"exit {done.returncode}\n{done.stdout}{done.stderr}"


def test_committing_someone_elses_note_gets_the_ownership_warning(new_group: Path) -> None:
    assert _run(new_group, sys.executable, "-m", "pre_commit", "install").returncode == 0
    bobs = GOOD_NOTE.replace("alice", "bob")
    build_tree(new_group, {"meetings/2026-12-01/bob.md": bobs})

    output = _commit_as(new_group, "alice@example.org")

    assert output.startswith("exit 0"), output  # a warning: the commit goes through
    assert (
        "meetings/2026-12-01/bob.md:1:1: warning: this commit changes bob's note and is "
        "authored as alice@example.org (alice), who is neither bob nor a facilitator"
    ) in output
    # bob committing his own note: no warning
    (new_group / "meetings/2026-12-01/bob.md").write_text(bobs + "More.\n")
    assert "[owner]" not in _commit_as(new_group, "bob@example.org")


def test_owners_only_makes_it_an_error(new_group: Path) -> None:
    config = new_group / "mastermind.yaml"
    config.write_text(config.read_text().replace("owners_only: false", "owners_only: true"))
    _run(new_group, "git", "commit", "-qam", "owners only")
    assert _run(new_group, sys.executable, "-m", "pre_commit", "install").returncode == 0
    build_tree(new_group, {"meetings/2026-12-01/bob.md": GOOD_NOTE.replace("alice", "bob")})

    output = _commit_as(new_group, "alice@example.org")

    assert output.startswith("exit 1"), output
    assert "error: this commit changes bob's note" in output and "[owner]" in output
    # a facilitator may
    config.write_text(
        config.read_text().replace("facilitators: []", "facilitators: [fiona@example.org]")
    )
    _run(
        new_group,
        "git",
        "-c",
        "core.hooksPath=/dev/null",
        "commit",
        "-qm",
        "x",
        "--",
        "mastermind.yaml",
    )
    assert _commit_as(new_group, "fiona@example.org").startswith("exit 0")


def test_the_hook_finds_mastermind_however_it_was_installed(
    new_group: Path, tmp_path: Path
) -> None:
    """On PATH (pipx, an active venv), or only importable by python3, or neither: then
    the commit stops with a one-line reason."""
    assert _run(new_group, sys.executable, "-m", "pre_commit", "install").returncode == 0
    git_dir = Path(
        subprocess.run(["which", "git"], capture_output=True, text=True).stdout.strip()
    ).parent
    only_python = tmp_path / "only-python"
    only_python.mkdir()
    wrapper = only_python / "python3"  # a venv's python is found by its path: no symlink
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    wrapper.chmod(0o755)
    # pre-commit itself runs from the installed hook script; git and sh from /usr/bin
    base = dict(os.environ)
    for name, path in (
        ("importable", f"{only_python}{os.pathsep}{git_dir}{os.pathsep}/usr/bin:/bin"),
        ("missing", f"{git_dir}{os.pathsep}/usr/bin:/bin"),
    ):
        env = {**base, "PATH": path}
        build_tree(new_group, {"meetings/2026-12-01/alice.md": GOOD_NOTE + f"{name}\n"})
        output = _commit_as(new_group, "alice@example.org", env)
        if name == "importable":
            assert output.startswith("exit 0"), output
        else:
            assert output.startswith("exit 1"), output
            assert "mastermind is not installed where this hook can find it" in output


def test_the_commit_check_judges_author_and_committer_as_audit_does(new_group: Path) -> None:
    assert _run(new_group, sys.executable, "-m", "pre_commit", "install").returncode == 0
    build_tree(new_group, {"meetings/2026-12-01/bob.md": GOOD_NOTE.replace("alice", "bob")})
    _commit_as(new_group, "bob@example.org")
    # alice edits her own note and deletes bob's in one commit: pre-commit passes only
    # her note, the deletion is found in git's staged changes
    (new_group / "meetings/2026-12-01/bob.md").unlink()
    build_tree(new_group, {"meetings/2026-12-01/alice.md": GOOD_NOTE})
    output = _commit_as(new_group, "alice@example.org")
    assert "this commit deletes bob's note and is authored as alice@example.org" in output
    # authored as bob, committed by alice: reported as audit's committed-by-other will
    build_tree(
        new_group,
        {
            "meetings/2026-12-15/bob.md": GOOD_NOTE.replace("alice", "bob").replace(
                "2026-12-01", "2026-12-15"
            )
        },
    )
    env = {**_env(), "GIT_AUTHOR_NAME": "Bob", "GIT_AUTHOR_EMAIL": "bob@example.org"}
    output = _commit_as(new_group, "alice@example.org", env)
    assert "this commit changes bob's note and is committed by alice@example.org (alice)" in output
