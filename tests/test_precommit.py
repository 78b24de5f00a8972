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
