"""Files the tool generates into the group repo (``agenda.md``, ``recaps/<date>.md``).

A generated file carries a content hash in its front matter (``generated:
"sha256:..."``). Writing it again replaces a file that still matches its hash (a stale
generated file) and refuses one a person edited after it was written, unless
``force``; then the edited file is kept beside it as ``.bak``. The same rule for every
generated file, defined here once.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from mastermind_kit.errors import ExistsError

__all__ = ["document", "is_generated", "write"]

_GENERATED = re.compile(r'^generated: "sha256:([0-9a-f]{64})"')


def document(head: str, body: str, *, command: str) -> str:
    """``head`` (front matter lines, each ending in a newline, without the opening
    ``---``), the hash marker, the closing ``---``, then ``body``."""
    head = "---\n" + head
    rest = "---\n" + body
    marker = (
        f'generated: "sha256:{_digest(head + rest)}"  # by {command}; after any edit, '
        "--write no longer replaces this file without --force\n"
    )
    return head + marker + rest


def is_generated(text: str) -> bool:
    """True when ``text`` is exactly as ``document`` wrote it (line ends aside: a
    checkout with CRLF line ends is not a hand edit)."""
    lines = text.replace("\r\n", "\n").split("\n")
    for i, line in enumerate(lines[1:], start=1):
        if line.rstrip() == "---":
            return False  # end of the front matter: no marker
        match = _GENERATED.match(line)
        if match:
            rest = "\n".join(lines[:i] + lines[i + 1 :])
            return _digest(rest) == match.group(1)
    return False


def write(path: Path, text: str, *, root: Path, shown: Path, force: bool = False) -> str:
    """Save a generated file; returns "written", "unchanged", "replaced" or "replaced
    (backup kept)". A stale generated file is replaced; a hand-edited one only with
    ``force``. Nothing is written through a symlink (the file, or a folder on the way
    from ``root``, the repo, which a member could point anywhere), and a failure of the
    disk is one line naming the file."""
    from mastermind_kit.fsutil import os_errors, refuse_links

    with os_errors(shown):  # a folder in the way, no permission, a full disk
        refuse_links(root, path, shown)
        return _write(path, text, shown=shown, force=force)


def _write(path: Path, text: str, *, shown: Path, force: bool) -> str:
    from mastermind_kit.fsutil import atomic_write, write_new

    if not path.exists() and not path.is_symlink():
        write_new(path, text, shown=shown)
        return "written"
    if path.is_file() and not path.is_symlink():
        current = path.read_bytes()
        if current == text.encode("utf-8"):
            return "unchanged"
        if is_generated(current.decode("utf-8", errors="replace")):
            atomic_write(path, text)
            return "replaced"
    if not force:
        raise ExistsError(
            f"{shown} was edited by hand; nothing was written",
            hint="use --force to replace it (a .bak copy is kept)",
        )
    write_new(path, text, force=True, shown=shown)
    return "replaced (backup kept)"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
