"""The one exception tree. Each error knows its exit code and how to say itself.

A user error is expected: the CLI prints ``str(error)`` on one line and exits with
``error.exit_code``. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import errno
from pathlib import Path

__all__ = [
    "EXIT_FINDINGS",
    "EXIT_OK",
    "EXIT_USAGE",
    "ExistsError",
    "FileSystemError",
    "GitError",
    "InputError",
    "MastermindError",
    "NotAGroupError",
    "UsageError",
    "os_reason",
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


class FileSystemError(MastermindError):
    """The operating system refused a read or a write (no permission, a full disk, a
    name too long, a read-only file system): what failed, where, and what to do, on one
    line."""

    def __init__(
        self,
        error: OSError,
        *,
        doing: str,
        path: Path | str | None = None,
        nothing_written: bool = False,
    ) -> None:
        where = path if path is not None else error.filename
        message = f"cannot {doing}" + (f" {where}" if where not in (None, "") else "")
        message += f": {os_reason(error)}" + ("; nothing was written" if nothing_written else "")
        super().__init__(message, hint=_ADVICE.get(error.errno or 0))
        self.errno = error.errno


def os_reason(error: OSError) -> str:
    """An operating-system error as a few words: "permission denied", "no space left
    on device"."""
    return (error.strerror or str(error)).lower()


# What to do about it, by errno: the "what to do" of a FileSystemError.
_ADVICE = {
    errno.EACCES: "check the permissions of the file and of its folder",
    errno.EPERM: "check the permissions of the file and of its folder",
    errno.EROFS: "the file system is read-only: work in a copy you can write to",
    errno.ENOSPC: "free some disk space, then run it again",
    errno.EDQUOT: "your disk quota is used up: free some space, then run it again",
    errno.EFBIG: "the file is larger than the file system (or your limits) allow",
    errno.ENAMETOOLONG: "use a shorter file or folder name",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EISDIR: "it is a folder, not a file",
    errno.ENOENT: "a folder on the way does not exist",
    errno.EEXIST: "a file stands where a folder should be",
    errno.ELOOP: "a symlink on the way points back to itself",
    errno.EIO: "the disk could not be read or written: check it",
    errno.EMFILE: "too many files are open: close some programs, then run it again",
    errno.ENFILE: "too many files are open: close some programs, then run it again",
}
