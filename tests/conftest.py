"""Test fixtures: hermetic git, group repos built from a dict of files, dated commits.

Nothing here reads $HOME, the global git config, the network or the real date.
"""

from __future__ import annotations

import os
import subprocess
import textwrap
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from mastermind_kit.cli import main

GROUP_YAML = """\
schema: 1
name: Test Group
cadence: biweekly
first_meeting: 2026-12-01
time: "18:00"
timezone: Europe/Berlin
duration_minutes: 120
hot_seat_minutes: 20
members:
  - id: alice
    name: Alice Example
    emails: [alice@example.org]
    joined: 2026-12-01
  - id: bob
    name: Bob Example
    emails: [bob@example.org]
    joined: 2026-12-01
agreement: |
  What is said in the group stays in the group.
"""

PROFILE_ALICE = """\
---
name: Alice Example
vision: A calm, profitable company
goals:
  - id: arr
    title: Reach 50k monthly recurring revenue
    metric: MRR
    unit: EUR
    baseline: 20000
    target: 50000
    due: 2027-06-30
---
Alice's story.
"""

PROFILE_BOB = """\
---
name: Bob Example
goals: []
---
"""


@pytest.fixture(autouse=True)
def hermetic_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """A private HOME and git config for every test; no colour, no pager."""
    home = tmp_path_factory.mktemp("home")
    gitconfig = home / ".gitconfig"
    gitconfig.write_text(
        "[user]\n\tname = Test Runner\n\temail = runner@example.org\n"
        "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n"
        "[protocol]\n\tallow = never\n"  # no network from a test, only local repos:
        '[protocol "file"]\n\tallow = always\n'
    )
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setenv("PRE_COMMIT_HOME", str(home / ".cache" / "pre-commit"))
    for name in (
        "GIT_AUTHOR_NAME",
        "GIT_AUTHOR_EMAIL",
        "GIT_AUTHOR_DATE",
        "GIT_COMMITTER_NAME",
        "GIT_COMMITTER_EMAIL",
        "GIT_COMMITTER_DATE",
        "GIT_DIR",
        "GIT_WORK_TREE",
        "VISUAL",
        "EDITOR",
    ):
        monkeypatch.delenv(name, raising=False)


def build_tree(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Write ``files`` ({relative path: text or bytes}) under ``root``."""
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content) if content.startswith("\n") else content)
    return root


def git(repo: Path, *args: str, env: Mapping[str, str] | None = None) -> str:
    full = dict(os.environ)
    full.update(env or {})
    return subprocess.run(
        ["git", *args], cwd=repo, env=full, check=True, capture_output=True, text=True
    ).stdout


def dated(
    author: tuple[str, str], when: str, committer: tuple[str, str] | None = None
) -> dict[str, str]:
    """The environment git takes a commit's author, committer (default: the author) and
    their date ``when`` (ISO 8601 with offset) from."""
    committer = committer or author
    return {
        "GIT_AUTHOR_NAME": author[0],
        "GIT_AUTHOR_EMAIL": author[1],
        "GIT_COMMITTER_NAME": committer[0],
        "GIT_COMMITTER_EMAIL": committer[1],
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
    }


def commit(
    repo: Path,
    message: str,
    *,
    when: str,
    author: tuple[str, str] = ("Test Runner", "runner@example.org"),
    committer: tuple[str, str] | None = None,
    paths: tuple[str, ...] = (),
) -> None:
    """Commit as ``author`` (committed by ``committer``, default the author) at ``when``."""
    git(repo, "add", "-A", "--", *paths) if paths else git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message, env=dated(author, when, committer))


@pytest.fixture
def group(tmp_path: Path) -> Path:
    """A small valid group (not a git repo): alice with a goal, bob without."""
    return build_tree(
        tmp_path / "group",
        {
            "mastermind.yaml": GROUP_YAML,
            "members/alice.md": PROFILE_ALICE,
            "members/bob.md": PROFILE_BOB,
        },
    )


@pytest.fixture
def git_group(group: Path) -> Path:
    """The small group as a git repo with one commit."""
    git(group, "init", "-q", "-b", "main")
    commit(group, "start", when="2026-11-20T10:00:00+01:00")
    return group


@pytest.fixture
def run_main(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[object]:
    """``run_main(*args, cwd=...) -> (exit code, stdout, stderr)`` through ``main``,
    so expected errors are turned into messages exactly as for a user."""

    def _run(*args: str, cwd: Path | None = None) -> tuple[int, str, str]:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    yield _run
