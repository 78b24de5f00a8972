"""The one module that talks to git.

Reading: one streaming pass over ``git log`` (see ``read``). Writing: the few things
other commands need (``init``, ``commit``). Every call goes through ``_git``, which
puts ``--`` before paths so that no user string is ever read as an option.
GitPython is imported on first use: ``mastermind check`` never needs git.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from mastermind_kit.errors import GitError

# Options that keep our own commits independent of the user's global setup: no
# signing prompts, no hooks of theirs running inside a generated repo.
QUIET_COMMIT = ("-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null")


def _git(
    cwd: Path,
    *args: str,
    env: Mapping[str, str] | None = None,
    check: bool = True,
) -> str:
    from git import Git
    from git.exc import GitCommandError, GitCommandNotFound

    full_env = dict(os.environ)
    full_env.update({"GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"})
    if env:
        full_env.update(env)
    try:
        output: Any = Git(str(cwd)).execute(
            ["git", *args],
            env=full_env,
            with_extended_output=not check,
            with_exceptions=check,
            strip_newline_in_stdout=False,
        )
    except GitCommandNotFound:
        raise GitError("git is not installed or not on PATH") from None
    except GitCommandError as error:
        stderr = (error.stderr or "").strip().removeprefix("stderr: ").strip("'\n ")
        raise GitError(f"git {args[0]} failed: {stderr or error}") from None
    if not check:
        return str(output[1])
    return str(output)


def identity(cwd: Path) -> tuple[str, str] | None:
    """The (name, email) git would commit with in ``cwd``, or None when unset."""
    try:
        ident = _git(cwd, "var", "GIT_AUTHOR_IDENT").strip()
        _git(cwd, "var", "GIT_COMMITTER_IDENT")
    except GitError:
        return None
    name, _, rest = ident.partition(" <")
    email = rest.split(">", 1)[0]
    if not name or not email:
        return None
    return name, email


def config_get(cwd: Path, key: str) -> str | None:
    value = _git(cwd, "config", "--get", key, check=False).strip()
    return value or None


def init(path: Path) -> None:
    _git(path, "init", "-q", "-b", "main")


def commit(
    repo: Path,
    message: str,
    *,
    paths: Sequence[str] = (),
    author: tuple[str, str] | None = None,
    date: str | None = None,
    quiet_hooks: bool = True,
) -> None:
    """Stage ``paths`` (all changes when empty) and commit them.

    ``author`` and ``date`` (ISO 8601 with offset) set both author and committer, as a
    replayed history needs; without them git's own identity and clock are used.
    """
    env: dict[str, str] = {}
    if author:
        env.update(
            GIT_AUTHOR_NAME=author[0],
            GIT_AUTHOR_EMAIL=author[1],
            GIT_COMMITTER_NAME=author[0],
            GIT_COMMITTER_EMAIL=author[1],
        )
    if date:
        env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    if paths:
        _git(repo, "add", "--", *paths)
    else:
        _git(repo, "add", "-A")
    options = QUIET_COMMIT if quiet_hooks else ()
    _git(repo, *options, "commit", "-q", "--allow-empty-message", "-m", message, env=env)
