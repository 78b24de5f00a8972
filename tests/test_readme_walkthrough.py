"""The README's "Five minutes with a real group", run as written: init, a private remote,
the members' clones, status, prep, report, sync (two members syncing before either
pulled). The `mastermind init` line and the loop's commands are taken from the README
itself, so the example cannot drift."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from conftest import git

README = Path(__file__).resolve().parent.parent / "README.md"


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    return text.split("## Five minutes with a real group", 1)[1].split("\n## ", 1)[0]


def _commands() -> list[list[str]]:
    """Every command line of the walk-through's code blocks, comments dropped."""
    blocks = re.findall(r"```sh\n(.*?)```", _section(), re.S)
    assert blocks, "the walk-through lost its code blocks"
    lines = "\n".join(blocks).replace("\\\n", " ").splitlines()
    return [shlex.split(line, comments=True) for line in lines if line.strip()]


def _init_command() -> list[str]:
    return next(c for c in _commands() if c[:2] == ["mastermind", "init"])


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

    # The private remote, and the members' clones of it.
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(group, "remote", "add", "origin", str(remote))
    git(group, "push", "-q", "-u", "origin", "main")
    clones = {}
    for member in ("alice", "bob"):
        clone = tmp_path / member
        git(tmp_path, "clone", "-q", str(remote), str(clone))
        git(clone, "config", "user.email", f"{member}@example.org")
        git(clone, "config", "user.name", f"{member.title()} Example")
        clones[member] = clone
    alice, bob = clones["alice"], clones["bob"]

    # The loop as the README gives it, the commands taken from it in order.
    loop = [
        c
        for c in _commands()
        if c[:2]
        in (
            ["mastermind", "status"],
            ["mastermind", "prep"],
            ["mastermind", "report"],
            ["mastermind", "sync"],
        )
    ]
    assert [c[1] for c in loop] == ["status", "prep", "report", "sync"]
    status, prep, report, sync = loop

    # Before the first meeting both prepare, and both commit before either pulls.
    for member, clone in clones.items():
        assert _mastermind(clone, *status[1:], "--today", "2026-11-25").returncode == 0
        prepared = _mastermind(clone, *prep[1:], "--today", "2026-11-25")
        assert prepared.returncode == 0, prepared.stderr
        note = clone / "meetings" / "2026-12-01" / f"{member}.md"
        text = note.read_text(encoding="utf-8")
        note.write_text(text.replace('walk_away: ""', 'walk_away: "A hiring decision"'))
    for clone in (alice, bob):
        synced = _mastermind(clone, *sync[1:])
        assert synced.returncode == 0, synced.stdout + synced.stderr
    names = git(remote, "ls-tree", "-r", "--name-only", "main", "meetings").split()
    assert names[-2:] == ["meetings/2026-12-01/alice.md", "meetings/2026-12-01/bob.md"]

    # After the meeting Alice adds her commitment and syncs again.
    note = alice / "meetings" / "2026-12-01" / "alice.md"
    note.write_text(
        note.read_text(encoding="utf-8").replace(
            "commitments: []",
            "commitments:\n  - id: 2026-12-01/alice/1\n    text: Interview five customers",
        )
    )
    assert _mastermind(alice, *sync[1:]).returncode == 0

    # Before the next one: status names the id, report records it, sync pushes it.
    shown = _mastermind(alice, *status[1:], "--today", "2026-12-05")
    assert "2026-12-01/alice/1" in shown.stdout
    reported = _mastermind(alice, *report[1:], "--today", "2026-12-05")
    assert reported.returncode == 0, reported.stderr
    assert _mastermind(alice, "check").returncode == 0
    synced = _mastermind(alice, *sync[1:])
    assert synced.returncode == 0, synced.stdout + synced.stderr
    assert "status: done" in git(remote, "show", "main:meetings/2026-12-15/alice.md")
    assert git(remote, "rev-list", "--merges", "main").split() == []


def test_the_install_lines_use_no_package_index() -> None:
    """mastermind-kit is on no index the members can reach: the README installs it from
    a wheel or a clone, never by its name alone."""
    installs = [c for c in _commands() if c[:2] in (["pipx", "install"], ["pip", "install"])]
    assert installs
    for command in installs:
        assert "mastermind-kit" not in command, command
