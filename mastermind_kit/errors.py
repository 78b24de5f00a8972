"""The one exception tree. Each error knows its exit code and how to say itself.

A user error is expected: the CLI prints ``str(error)`` on one line and exits with
``error.exit_code``. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "EXIT_FINDINGS",
    "EXIT_OK",
    "EXIT_USAGE",
    "ExistsError",
    "GitError",
    "InputError",
    "MastermindError",
    "NotAGroupError",
    "UsageError",
]


EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2


class MastermindError(Exception):
    """Base of every error the user can cause and fix."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message} ({self.hint})"
        return self.message


class UsageError(MastermindError):
    """The command line asks for something that cannot be done."""


class NotAGroupError(MastermindError):
    """No mastermind.yaml where one was expected."""


class InputError(MastermindError):
    """A file of the group cannot be read: it names the file and the line."""

    def __init__(
        self,
        message: str,
        *,
        path: Path | str,
        line: int = 1,
        col: int = 1,
        rule: str = "parse",
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.path = Path(path)
        self.line = line
        self.col = col
        self.rule = rule

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {super().__str__()}"


class GitError(MastermindError):
    """git failed or is missing, or the repo is not in the state a command needs."""


class ExistsError(MastermindError):
    """Refusing to overwrite a file a person may have written (use --force)."""
