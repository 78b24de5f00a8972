"""A small on-disk memo for the read layer, keyed by content so it is never stale.

A value is stored with the key it was computed for, and given back only for that
exact key. Keys are built by the caller from everything the value depends on (the
config's text, git blob ids or hashes of the files read, the parameters), never from
modification times, so an edit, a rename, a deletion or a branch switch changes the
key and the value is computed afresh. One file per slot (``carry-<member>.json``,
``rotation.json``) keeps the latest value only, so the cache cannot grow.

It lives in the repository's ``.git/mastermind-cache/``, which git never commits or
pushes. Outside a git repository, or with ``MASTERMIND_NO_CACHE`` set, nothing is
stored. A damaged or unwritable cache is ignored: it only ever costs time.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from mastermind_kit import __version__

# Part of every key: a new release may compute a value differently.
VERSION = f"{__version__}/1"
FOLDER = "mastermind-cache"


def digest(parts: Iterable[str]) -> str:
    """One key from many parts (each part may hold any text but a NUL)."""
    hasher = hashlib.sha256(VERSION.encode())
    for part in parts:
        hasher.update(b"\0" + part.encode("utf-8", "surrogateescape"))
    return hasher.hexdigest()


class Cache:
    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    @classmethod
    def for_repo(cls, root: Path) -> Cache:
        if os.environ.get("MASTERMIND_NO_CACHE"):
            return cls(None)
        found = git_dir(root)
        return cls(found / FOLDER if found is not None else None)

    def get(self, slot: str, key: str) -> Any | None:
        if self.folder is None:
            return None
        try:
            with open(self.folder / f"{slot}.json", encoding="utf-8") as handle:
                stored = json.load(handle)
        except (OSError, ValueError):
            return None
        if not isinstance(stored, dict) or stored.get("key") != key:
            return None
        return stored.get("value")

    def put(self, slot: str, key: str, value: Any) -> None:
        if self.folder is None:
            return
        from mastermind_kit.fsutil import atomic_write

        text = json.dumps({"key": key, "value": value}, ensure_ascii=False)
        # A read-only or full disk: the answer is still right, only slower next time.
        with contextlib.suppress(OSError):
            atomic_write(self.folder / f"{slot}.json", text)


class Memo:
    """A bounded map from content keys to small JSON values, kept in one slot: for
    results that are cheap to store and dear to compute (a file's shape findings need
    the JSON Schema validator, which costs more to import than to run). The least
    recently used entries go first once there are ``limit``."""

    def __init__(self, cache: Cache, slot: str, limit: int = 256) -> None:
        self.cache = cache
        self.slot = slot
        self.limit = limit
        self._entries: dict[str, Any] | None = None
        self._changed = False

    def _all(self) -> dict[str, Any]:
        if self._entries is None:
            stored = self.cache.get(self.slot, VERSION)
            self._entries = stored if isinstance(stored, dict) else {}
        return self._entries

    def get(self, key: str) -> Any | None:
        entries = self._all()
        value = entries.pop(key, None)
        if value is not None:
            # Most recently used last; saved with the next change, not for this alone.
            entries[key] = value
        return value

    def put(self, key: str, value: Any) -> None:
        entries = self._all()
        entries.pop(key, None)
        entries[key] = value
        while len(entries) > self.limit:
            del entries[next(iter(entries))]
        self._changed = True

    def save(self) -> None:
        if self._changed and self._entries is not None:
            self.cache.put(self.slot, VERSION, self._entries)
            self._changed = False


def git_dir(root: Path) -> Path | None:
    """The ``.git`` folder of the repository holding ``root``, found on disk without
    running git (a worktree's ``.git`` file is followed); None outside a repository."""
    for folder in (root, *root.parents):
        dot = folder / ".git"
        if dot.is_dir():
            return dot
        if dot.is_file():
            try:
                text = dot.read_text(encoding="utf-8", errors="replace").strip()
            except OSError:
                return None
            if not text.startswith("gitdir:"):
                return None
            target = Path(text[len("gitdir:") :].strip())
            target = target if target.is_absolute() else folder / target
            return target if target.is_dir() else None
    return None


class Shelf:
    """Texts kept by content key, one file each, in a folder of the cache: for many
    values that are each read only when asked for (the site's pages). ``keep`` removes
    every file but those named, so the shelf holds what the last run used and cannot
    grow beyond it."""

    def __init__(self, cache: Cache, name: str) -> None:
        self.folder = cache.folder / name if cache.folder is not None else None

    def get(self, key: str) -> str | None:
        if self.folder is None:
            return None
        try:
            with open(self.folder / key, encoding="utf-8", newline="") as handle:
                return handle.read()
        except (OSError, ValueError):
            return None

    def put(self, key: str, text: str) -> None:
        if self.folder is None:
            return
        from mastermind_kit.fsutil import atomic_write

        with contextlib.suppress(OSError):
            atomic_write(self.folder / key, text, durable=False)

    def keep(self, keys: Iterable[str]) -> None:
        if self.folder is None:
            return
        wanted = set(keys)
        with contextlib.suppress(OSError):
            for entry in os.scandir(self.folder):
                if entry.name not in wanted:
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)


class Models:
    """The parsed models of many files (the notes of a whole group), each stored with
    the content id it was parsed from, in one slot: a file whose id is unchanged is not
    parsed again (and what git says of one commit's history, in the same way). Stored
    with ``pickle`` (fast for tens of thousands of small records) and read back by an
    unpickler that builds nothing but the classes it is allowed (the model's own, dates
    and paths by default): the cache folder is local to this clone, never pulled, but a
    damaged or foreign file must not be able to run anything."""

    ALLOWED = frozenset(
        {
            *(
                ("mastermind_kit.model", name)
                for name in ("Note", "Commitment", "Report", "Source", "Skipped")
            ),
            ("datetime", "date"),
            ("pathlib", "PosixPath"),
            ("pathlib", "WindowsPath"),
            ("pathlib", "PurePosixPath"),
            ("pathlib", "PureWindowsPath"),
        }
    )

    def __init__(
        self, cache: Cache, slot: str, *, allowed: frozenset[tuple[str, str]] | None = None
    ) -> None:
        self.path = cache.folder / f"{slot}.pickle" if cache.folder is not None else None
        if allowed is not None:
            self.ALLOWED = allowed

    def load(self, key: str) -> dict[str, tuple[str, Any]]:
        """Relative path -> (content id, model) as saved under ``key``; {} otherwise."""
        import pickle

        if self.path is None:
            return {}
        allowed = self.ALLOWED

        class Restricted(pickle.Unpickler):
            def find_class(self, module: str, name: str) -> Any:
                if (module, name) not in allowed:
                    raise pickle.UnpicklingError(f"not a model class: {module}.{name}")
                return super().find_class(module, name)

        try:
            with open(self.path, "rb") as handle:
                stored = Restricted(handle).load()
        except (  # a damaged file, or one another version wrote: it only costs time
            OSError,
            EOFError,
            ValueError,
            TypeError,
            AttributeError,
            IndexError,
            KeyError,
            ImportError,
            pickle.UnpicklingError,
        ):
            return {}
        if not isinstance(stored, dict) or stored.get("key") != key:
            return {}
        entries = stored.get("entries")
        return entries if isinstance(entries, dict) else {}

    def save(self, key: str, entries: dict[str, tuple[str, Any]]) -> None:
        import pickle

        if self.path is None:
            return
        from mastermind_kit.fsutil import atomic_write

        data = pickle.dumps({"key": key, "entries": entries}, protocol=pickle.HIGHEST_PROTOCOL)
        with contextlib.suppress(OSError):
            atomic_write(self.path, data, durable=False)
