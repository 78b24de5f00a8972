"""The README's "Five minutes with a real group", run as written: init, a private remote,
a member's clone, prep, check, commit, push. The `mastermind init` line is taken from
the README itself, so the example cannot drift."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from conftest import git

README = Path(__file__).resolve().parent.parent / "README.md"


def _init_command() -> list[str]:
    section = README.read_text(encoding="utf-8").split("## Five minutes with a real group", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "the walk-through lost its first code block"
    joined = block.group(1).replace("\\\n", " ")
    line = next(line for line in joined.splitlines() if line.startswith("mastermind init"))
    return shlex.split(line)


def _mastermind(
    cwd: Path, *args: str, email: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return subprocess.run(
        [sys.executable, "-m", "mastermind_kit", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
    )


def test_walkthrough(tmp_path: Path) -> None:
    command = _init_command()
    assert command[:3] == ["mastermind", "init", "north-star"]
    made = _mastermind(tmp_path, *command[1:], "--today", "2026-11-25")
    assert made.returncode == 0, made.stderr
    group = tmp_path / "north-star"

    # The private remote, and Alice's clone of it.
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(group, "remote", "add", "origin", str(remote))
    git(group, "push", "-q", "-u", "origin", "main")
    alice = tmp_path / "alice"
    git(tmp_path, "clone", "-q", str(remote), str(alice))
    git(alice, "config", "user.email", "alice@example.org")
    git(alice, "config", "user.name", "Alice Example")

    # Before the meeting: prep knows who she is from her clone's git config.
    prepared = _mastermind(alice, "prep", "--today", "2026-11-25")
    assert prepared.returncode == 0, prepared.stderr
    note = alice / "meetings" / "2026-12-01" / "alice.md"
    assert note.is_file()
    text = note.read_text(encoding="utf-8")
    note.write_text(text.replace('walk_away: ""', 'walk_away: "A hiring decision"'))
    checked = _mastermind(alice, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    git(alice, "add", "meetings")
    git(alice, "commit", "-q", "-m", "Prep for the next meeting")
    git(alice, "push", "-q")
    assert "meetings/2026-12-01/alice.md" in git(remote, "log", "--name-only", "--format=")
