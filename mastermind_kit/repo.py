"""A group repo on disk: where its files are, and reading each into the model.

``GroupRepo`` knows the layout (``mastermind.yaml``, ``members/<id>.md``,
``meetings/<date>/<id>.md``) and validates ids before they become paths. Reading a
file gives the model object plus the shape findings of that file; ``load()`` reads
the whole group once into a ``Workspace`` that every command shares.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from mastermind_kit import schema
from mastermind_kit.errors import InputError, NotAGroupError, UsageError
from mastermind_kit.findings import ERROR, Finding
from mastermind_kit.fsutil import inside
from mastermind_kit.load import Document, load_front_matter, load_yaml_file
from mastermind_kit.model import (
    Group,
    Note,
    Profile,
    group_from,
    is_slug,
    note_from,
    parse_date,
    profile_from,
)

CONFIG = "mastermind.yaml"
MEMBERS = "members"
MEETINGS = "meetings"
AGENDA = "agenda.md"
RESERVED_IDS = frozenset({"agenda"})


def find_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` holding ``mastermind.yaml`` (like git)."""
    here = start.resolve()
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        if (folder / CONFIG).is_file():
            return folder
    return None


@dataclass
class Loaded:
    """One file read: its document (None when unreadable) and its findings."""

    path: Path
    doc: Document | None
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.doc is not None and not any(f.severity == ERROR for f in self.findings)


def _input_finding(error: InputError) -> Finding:
    return Finding(str(error.path), error.line, error.col, ERROR, error.rule, str(error.message)
                   + (f" ({error.hint})" if error.hint else ""))


class GroupRepo:
    """The files of one group, rooted at the folder that holds ``mastermind.yaml``."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._prefix = str(self.root) + os.sep
        # Told (files done, files in all) while a whole group is read; the CLI shows it
        # when a terminal is attached.
        self.progress: Callable[[int, int], None] | None = None
        self._notes: dict[str, tuple[Note | None, Loaded]] = {}
        self._real_dirs: dict[str, bool] = {}
        self._profiles: dict[str, tuple[Profile | None, Loaded]] = {}

    @classmethod
    def find(cls, start: Path | None = None, *, explicit: bool = False) -> GroupRepo:
        start = start or Path.cwd()
        if explicit:
            if not (start / CONFIG).is_file():
                raise NotAGroupError(
                    f"{start} is not a group repo: it has no {CONFIG}",
                    hint="create one with 'mastermind init DIR'",
                )
            return cls(start)
        root = find_root(start)
        if root is None:
            raise NotAGroupError(
                f"not inside a group repo (no {CONFIG} in {start} or any parent folder)",
                hint="use -C PATH, or create one with 'mastermind init DIR'",
            )
        return cls(root)

    # -- layout -------------------------------------------------------------------------

    def rel(self, path: Path) -> Path:
        """``path`` relative to the root, as it is named: a symlink is not followed (so a
        link leaving the repo keeps its name inside it); unchanged when outside."""
        if not path.is_absolute():
            return path
        text = os.path.normpath(path)
        if text.startswith(self._prefix):  # the common case, without touching the disk
            return Path(text[len(self._prefix) :])
        plain = Path(text)
        for candidate in (plain, plain.parent.resolve() / plain.name):
            try:
                return candidate.relative_to(self.root)
            except ValueError:
                continue
        return path

    def config_path(self) -> Path:
        return self.root / CONFIG

    def profile_path(self, member: str) -> Path:
        if not is_slug(member):
            raise UsageError(f"{member!r} is not a valid member id")
        return self.root / MEMBERS / f"{member}.md"

    def note_path(self, meeting: dt.date, member: str) -> Path:
        if not is_slug(member):
            raise UsageError(f"{member!r} is not a valid member id")
        return self.root / MEETINGS / meeting.isoformat() / f"{member}.md"

    def meeting_dir(self, meeting: dt.date) -> Path:
        return self.root / MEETINGS / meeting.isoformat()

    def classify(self, path: Path) -> tuple[str, dt.date | None, str | None]:
        """What a path inside the repo is: ("config"|"member"|"note"|"agenda"|"other", date, id)."""
        rel = self.rel(path)
        parts = rel.parts
        if parts == (CONFIG,):
            return "config", None, None
        if len(parts) == 2 and parts[0] == MEMBERS and parts[1].endswith(".md"):
            return "member", None, parts[1][:-3]
        if len(parts) == 3 and parts[0] == MEETINGS and parts[2].endswith(".md"):
            day = parse_date(parts[1])
            if parts[2] == AGENDA:
                return "agenda", day, None
            return "note", day, parts[2][:-3]
        return "other", None, None

    def profile_paths(self) -> list[Path]:
        folder = self.root / MEMBERS
        if not folder.is_dir():
            return []
        return sorted(p for p in folder.iterdir() if p.name.endswith(".md"))

    def meeting_dirs(self) -> list[Path]:
        folder = self.root / MEETINGS
        if not folder.is_dir():
            return []
        return sorted(p for p in folder.iterdir() if p.is_dir())

    def note_paths(self) -> Iterator[Path]:
        for folder in self.meeting_dirs():
            with os.scandir(folder) as entries:
                names = sorted(e.name for e in entries if e.name.endswith(".md"))
            for name in names:
                if name != AGENDA:
                    yield folder / name

    # -- reading ------------------------------------------------------------------------

    def _read(self, path: Path, kind: str) -> Loaded:
        shown = self.rel(path)
        if not self._inside(path):
            link = "symlink points" if path.is_symlink() else "folder links"
            return Loaded(
                shown,
                None,
                [Finding(str(shown), 1, 1, ERROR, "symlink",
                         f"{link} outside the group repo; not reading it")],
            )
        try:
            if kind == "config":
                doc = load_yaml_file(path, display=shown)
            else:
                doc = load_front_matter(path, display=shown)
        except InputError as error:
            return Loaded(shown, None, [_input_finding(error)])
        if not isinstance(doc.data, dict):
            where = doc.where.get((), None)
            line = where.line if where else 1
            what = "a YAML mapping (key: value lines)"
            return Loaded(
                shown,
                None,
                [Finding(str(shown), line, 1, ERROR, "schema", f"expected {what} at the top")],
            )
        return Loaded(shown, doc, schema.validate(doc, kind))

    @cached_property
    def config(self) -> Loaded:
        return self._read(self.config_path(), "config")

    @cached_property
    def group(self) -> Group:
        """The group config; an InputError when it cannot be used at all."""
        loaded = self.config
        if not loaded.ok or loaded.doc is None:
            first = next(f for f in loaded.findings if f.severity == ERROR)
            raise InputError(
                first.message, path=first.path, line=first.line, col=first.col, rule=first.rule
            )
        return group_from(loaded.doc)

    def profile(self, member: str) -> tuple[Profile | None, Loaded]:
        if member not in self._profiles:
            path = self.profile_path(member)
            loaded = self._read(path, "member") if path.exists() else Loaded(self.rel(path), None)
            model = profile_from(loaded.doc, member) if loaded.ok and loaded.doc else None
            self._profiles[member] = (model, loaded)
        return self._profiles[member]

    def note_at(self, path: Path) -> tuple[Note | None, Loaded]:
        key = os.path.normpath(path.absolute())
        if key not in self._notes:
            loaded = self._read(path, "note")
            model = note_from(loaded.doc) if loaded.ok and loaded.doc else None
            self._notes[key] = (model, loaded)
        return self._notes[key]

    def _inside(self, path: Path) -> bool:
        """True when ``path``, links followed, stays inside the repo. A file that is not
        a link is as inside as its folder, and each folder is resolved once."""
        if path.is_symlink():
            return inside(self.root, path)
        folder = os.path.dirname(os.path.normpath(path.absolute()))
        known = self._real_dirs.get(folder)
        if known is None:
            known = self._real_dirs[folder] = inside(self.root, Path(folder))
        return known

    def known_note(self, path: Path) -> bool:
        """True when ``path`` is a note file (asks the disk only the first time)."""
        return os.path.normpath(path.absolute()) in self._notes or path.is_file()

    def note(self, meeting: dt.date, member: str) -> Note | None:
        path = self.note_path(meeting, member)
        if not path.is_file():
            return None
        return self.note_at(path)[0]


@dataclass
class Workspace:
    """The whole group, read once: config, profiles and notes, in date order."""

    repo: GroupRepo
    group: Group
    profiles: dict[str, Profile]
    notes: list[Note]

    def notes_of(self, member: str) -> list[Note]:
        return [n for n in self.notes if n.member == member]


def load(repo: GroupRepo, *, strict: bool = True) -> Workspace:
    """Read the whole group. With ``strict``, a file with errors stops with an InputError
    naming it (commands other than ``check`` need a valid repo to say anything true)."""
    from mastermind_kit.check import check_repo

    findings = check_repo(repo)
    errors = [f for f in findings if f.severity == ERROR]
    if strict and errors:
        first = errors[0]
        more = f"; {len(errors) - 1} more: run 'mastermind check'" if len(errors) > 1 else ""
        raise InputError(
            first.message + more, path=first.path, line=first.line, col=first.col, rule=first.rule
        )
    group = repo.group
    profiles = {}
    for member in group.members:
        profile = repo.profile(member.id)[0]
        if profile is not None:
            profiles[member.id] = profile
    notes = [n for p in repo.note_paths() if (n := repo.note_at(p)[0]) is not None]
    notes.sort(key=lambda n: (n.meeting, n.member))
    return Workspace(repo=repo, group=group, profiles=profiles, notes=notes)
