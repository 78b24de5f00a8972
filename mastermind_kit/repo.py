"""A group repo on disk: its layout, and reading one file into the model.

``GroupRepo`` knows the layout (``mastermind.yaml``, ``members/<id>.md``,
``meetings/<date>/<id>.md``, ``meetings/<date>/agenda.md``, ``recaps/<date>.md``) and
validates ids before
they become paths. Reading a file gives its model object and its findings: the file's
shape (the JSON Schemas) and the rules a file can be judged by on its own, given the
config (its place on the schedule, its ids, its dates). Those findings are the one
definition of a usable file: ``check`` reports them, and every other command skips a
file with an error among them (``read.py``). Rules that need other files (a report
naming a commitment in another note, a result for a goal of the profile) belong to
``check.py``; the ledger ignores references it cannot resolve.
"""

from __future__ import annotations

import datetime as dt
import errno
import gc
import os
import re
from collections import Counter
from collections.abc import Callable, Container, Iterator
from contextlib import contextmanager
from dataclasses import astuple, dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TypeVar

from mastermind_kit import schedule, schema
from mastermind_kit.cache import Cache, Memo, digest
from mastermind_kit.errors import InputError, NotAGroupError, UsageError
from mastermind_kit.findings import ERROR, WARNING, Finding
from mastermind_kit.fsutil import inside
from mastermind_kit.load import Document, load_front_matter, load_yaml_file
from mastermind_kit.model import (
    Acceptance,
    AgendaRecord,
    Commitment,
    Excuse,
    Goal,
    Group,
    MemberEntry,
    Note,
    Profile,
    Report,
    Source,
    is_slug,
    parse_date,
    split_commitment_id,
)

__all__ = [
    "ACCEPTED",
    "AGENDA",
    "CONFIG",
    "MEETINGS",
    "MEMBERS",
    "RECAPS",
    "GroupRepo",
    "Loaded",
    "find_root",
    "link_target",
]


CONFIG = "mastermind.yaml"
MEMBERS = "members"
MEETINGS = "meetings"
AGENDA = "agenda.md"
RECAPS = "recaps"
ACCEPTED = "audit-accepted.yaml"  # audit findings the facilitators accepted
RESERVED_IDS = frozenset({"agenda"})
# What the tool and editors leave beside a group file, never committed (the group's
# .gitignore): backups of a replaced file, temporary files, hidden files.
_LEFTOVER = re.compile(r"(\.bak(\.[0-9]+)?|\.tmp|~)\Z|\A\.")


def is_leftover(name: str) -> bool:
    """Whether a file name is a backup, temporary or hidden file (never a group file)."""
    return _LEFTOVER.search(name) is not None


def find_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` holding ``mastermind.yaml`` (like git)."""
    here = start.resolve()
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        # A config that is a symlink (dangling too) still marks the root: reading it
        # says what is wrong, rather than a group further up being used.
        if os.path.lexists(folder / CONFIG):
            return folder
    return None


@dataclass
class Loaded:
    """One file read: its document (None when unreadable) and its findings."""

    path: Path
    doc: Document | None
    findings: list[Finding] = field(default_factory=list)
    shape_ok: bool = False  # parsed and valid against its schema (its own rules aside)

    @property
    def ok(self) -> bool:
        return self.doc is not None and not any(f.severity == ERROR for f in self.findings)

    def first_error(self) -> Finding | None:
        return next((f for f in self.findings if f.severity == ERROR), None)

    def compact(self) -> None:
        """Drop what only reporting on this file needs (its text and the position of
        every value): a whole-group read keeps the model of thousands of files, and
        their positions would be most of its memory."""
        if self.doc is not None:
            self.doc.text = ""
            self.doc.where = {}
            self.doc.keys = {}
            self.doc.surprises = {}


def _input_finding(error: InputError) -> Finding:
    return Finding(
        str(error.path),
        error.line,
        error.col,
        ERROR,
        error.rule,
        str(error.message) + (f" ({error.hint})" if error.hint else ""),
    )


@contextmanager
def bulk_reading() -> Iterator[None]:
    """Reading thousands of notes makes hundreds of thousands of small objects that all
    live to the end; the cyclic collector would rescan them again and again and free
    nothing (a fifth of a whole-repo read). Collect rarely while reading."""
    before = gc.get_threshold()
    gc.set_threshold(200_000, 50, 1_000)
    try:
        yield
    finally:
        gc.set_threshold(*before)


class GroupRepo:
    """The files of one group, rooted at the folder that holds ``mastermind.yaml``."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._prefix = str(self.root) + os.sep
        # Told (files done, files in all) while a whole group is read; the CLI shows it
        # when a terminal is attached.
        self.progress: Callable[[int, int], None] | None = None
        self._notes: dict[str, tuple[Note | None, Loaded]] = {}
        self._agendas: dict[str, tuple[AgendaRecord | None, Loaded]] = {}
        self._link_dirs: dict[str, str | None] = {}
        self._profiles: dict[str, tuple[Profile | None, Loaded]] = {}
        self._shapes: Memo | None = None
        self._rel: dict[Path, Path] = {}
        self._commitments: dict[tuple[dt.date, str], frozenset[str] | bool] = {}

    def remember_shapes(self) -> None:
        """Remember each file's shape findings by content (in the cache), so that an
        unchanged config or profile is not validated again by the next command; call
        ``save`` when done."""
        cache = Cache.for_repo(self.root)
        if cache.folder is not None:
            self._shapes = Memo(cache, "shapes")

    def save(self) -> None:
        if self._shapes is not None:
            self._shapes.save()

    def forget_shapes(self) -> None:
        """For a read of the whole group: the memo pays for a handful of files read again
        and again, not for thousands read once (hashing them would cost, not save)."""
        self._shapes = None

    def shape_findings(self, doc: Document, kind: str) -> list[Finding]:
        """``schema.validate(doc, kind)``, remembered by content when asked to."""
        if self._shapes is None:
            return schema.validate(doc, kind)
        # The schema is in the key: findings remembered under an older schema are stale.
        key = digest([kind, schema.text(kind), str(doc.path), doc.text])
        known = self._shapes.get(key)
        if isinstance(known, list):
            try:
                return [Finding(*entry) for entry in known]
            except TypeError:
                pass  # another version's entry: validated afresh
        findings = schema.validate(doc, kind)
        self._shapes.put(key, [list(astuple(f)) for f in findings])
        return findings

    @classmethod
    def find(cls, start: Path | None = None, *, explicit: bool = False) -> GroupRepo:
        start = start or Path.cwd()
        if explicit:
            if not os.path.lexists(start / CONFIG):
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
        known = self._rel.get(path)
        if known is not None:  # asked again and again for the same notes in a whole read
            return known
        if not path.is_absolute():
            return path
        text = os.path.normpath(path)
        if text.startswith(self._prefix):  # the common case, without touching the disk
            found = self._rel[path] = Path(text[len(self._prefix) :])
            return found
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
        # One Path from one string: joining part by part costs more than reading the note.
        return Path(f"{self._prefix}{MEETINGS}{os.sep}{meeting.isoformat()}{os.sep}{member}.md")

    def meeting_dir(self, meeting: dt.date) -> Path:
        return self.root / MEETINGS / meeting.isoformat()

    def agenda_path(self, meeting: dt.date) -> Path:
        return self.meeting_dir(meeting) / AGENDA

    def recap_path(self, meeting: dt.date) -> Path:
        return self.root / RECAPS / f"{meeting.isoformat()}.md"

    def classify(self, path: Path) -> tuple[str, dt.date | None, str | None]:
        """What a path inside the repo is: ("config"|"member"|"note"|"agenda"|"recap"|
        "accepted"|"other", date, id)."""
        parts = self.rel(path).parts
        if parts == (CONFIG,):
            return "config", None, None
        if parts == (ACCEPTED,):
            return "accepted", None, None
        if len(parts) == 2 and parts[0] == RECAPS and parts[1].endswith(".md"):
            return "recap", parse_date(parts[1][:-3]), None
        if len(parts) == 2 and parts[0] == MEMBERS and parts[1].endswith(".md"):
            return "member", None, parts[1][:-3]
        if len(parts) == 3 and parts[0] == MEETINGS and parts[2].endswith(".md"):
            day = parse_date(parts[1])
            if parts[2] == AGENDA:
                return "agenda", day, None
            return "note", day, parts[2][:-3]
        return "other", None, None

    # The listings below name what is there, links included (each is then refused by
    # ``link_problem`` when read, and check reports it); a folder that cannot be listed
    # (a link to one without permission, or gone meanwhile) lists nothing.

    def profile_paths(self) -> list[Path]:
        folder = self.root / MEMBERS
        try:
            return sorted(p for p in folder.iterdir() if p.name.endswith(".md"))
        except OSError:
            return []

    def meeting_dirs(self) -> list[Path]:
        folder = self.root / MEETINGS
        try:
            return sorted(p for p in folder.iterdir() if p.is_dir())
        except OSError:
            return []

    def note_paths(self) -> Iterator[Path]:
        for folder in self.meeting_dirs():
            try:
                with os.scandir(folder) as entries:
                    names = sorted(e.name for e in entries if e.name.endswith(".md"))
            except OSError:
                continue
            for name in names:
                if name != AGENDA:
                    yield folder / name

    def agenda_paths(self) -> list[Path]:
        return [p for folder in self.meeting_dirs() if os.path.lexists(p := folder / AGENDA)]

    def recap_paths(self) -> list[Path]:
        folder = self.root / RECAPS
        if os.path.islink(folder):
            return []  # a link is never followed (check reports it)
        try:
            return sorted(p for p in folder.iterdir() if p.name.endswith(".md"))
        except OSError:
            return []

    def member_notes(
        self, member: str, *, before: dt.date | None = None, present: Container[str] = ()
    ) -> list[str]:
        """The notes of one member, oldest first, as paths relative to the root
        (``meetings/<date>/<member>.md``), found without reading any: one look in each
        meeting folder, except for the paths in ``present`` (known to be there, e.g. by
        git). Plain strings: a member of forty years has two thousand notes."""
        if not is_slug(member):
            raise UsageError(f"{member!r} is not a valid member id")
        last = before.isoformat() if before is not None else None
        try:
            with os.scandir(self.root / MEETINGS) as entries:
                names = sorted(e.name for e in entries)
        except OSError:
            return []
        found = []
        lexists, prefix = os.path.lexists, self._prefix
        for name in names:  # YYYY-MM-DD names sort by date
            if last is not None and name >= last:
                break
            rel = f"{MEETINGS}/{name}/{member}.md"
            if (rel in present or lexists(prefix + rel)) and parse_date(name) is not None:
                found.append(rel)
        return found

    # -- reading ------------------------------------------------------------------------

    def _read(self, path: Path, kind: str) -> Loaded:
        shown = self.rel(path)
        problem = self.link_problem(path)
        if problem is not None:
            return Loaded(shown, None, [Finding(str(shown), 1, 1, ERROR, "symlink", problem)])
        try:
            if kind in ("config", "accepted"):
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
        findings = self.shape_findings(doc, kind)
        return Loaded(shown, doc, findings, not any(f.severity == ERROR for f in findings))

    @cached_property
    def config(self) -> Loaded:
        """mastermind.yaml with its findings: shape, then the rules of the config itself."""
        loaded = self._read(self.config_path(), "config")
        if loaded.ok and loaded.doc is not None:
            loaded.findings.extend(_config_rules(group_from(loaded.doc), loaded))
        return loaded

    def acceptances(self) -> tuple[list[Acceptance], Loaded]:
        """audit-accepted.yaml: the accepted audit findings, and the file's findings
        (no entries when it is missing or has an error)."""
        path = self.root / ACCEPTED
        if not os.path.lexists(path):
            return [], Loaded(Path(ACCEPTED), None)
        loaded = self._read(path, "accepted")
        if loaded.ok and loaded.doc is not None:
            loaded.findings.extend(_accepted_rules(loaded))
        if not loaded.ok or loaded.doc is None:
            return [], loaded
        return acceptances_from(loaded.doc), loaded

    @cached_property
    def group(self) -> Group:
        """The group config; an InputError when it cannot be used at all (every command
        stops then: there is no schedule and no member list to go by)."""
        loaded = self.config
        first = loaded.first_error()
        if first is not None or loaded.doc is None:
            assert first is not None
            raise InputError(
                first.message,
                path=first.path,
                line=first.line,
                col=first.col,
                rule=first.rule,
                hint=f"run 'mastermind check {CONFIG}'",
            )
        return group_from(loaded.doc)

    def profile(self, member: str) -> tuple[Profile | None, Loaded]:
        """A member's profile; the model is None when missing or unusable."""
        if member not in self._profiles:
            path = self.profile_path(member)
            if not os.path.lexists(path):
                self._profiles[member] = (None, Loaded(self.rel(path), None))
                return self._profiles[member]
            loaded = self._read(path, "member")
            if loaded.ok and loaded.doc is not None:
                loaded.findings.extend(_profile_rules(self.group, member, loaded))
            model = profile_from(loaded.doc, member) if loaded.ok and loaded.doc else None
            self._profiles[member] = (model, loaded)
        return self._profiles[member]

    def note_at(self, path: Path) -> tuple[Note | None, Loaded]:
        """A note and its findings; the model is None when the note has an error."""
        return _once(self._notes, path, self._note)

    def _note(self, path: Path) -> tuple[Note | None, Loaded]:
        shown = self.rel(path)
        _, day, ident = self.classify(path)
        if day is None:
            return None, _misplaced(
                shown,
                "path",
                f"'{path.parent.name}' is not a meeting date: notes live in "
                "meetings/<YYYY-MM-DD>/<member>.md",
            )
        if not ident or not is_slug(ident):
            return None, _misplaced(
                shown, "bad-id", f"'{ident}' is not a valid member id (notes are named <member>.md)"
            )
        loaded = self._read(path, "note")
        if not loaded.ok or loaded.doc is None:
            return None, loaded
        note = note_from(loaded.doc)
        loaded.findings.extend(_note_rules(self.group, note, day, ident, loaded.doc))
        return (note if loaded.ok else None), loaded

    def agenda_at(self, path: Path) -> tuple[AgendaRecord | None, Loaded]:
        """A meeting's agenda.md: its hot-seat record and findings. An agenda written by
        hand without front matter is a plain page: a record with no hot seats."""
        return _once(self._agendas, path, self._agenda)

    def _agenda(self, path: Path) -> tuple[AgendaRecord | None, Loaded]:
        shown = self.rel(path)
        _, day, _ = self.classify(path)
        if day is None:
            return None, Loaded(shown, None)  # the stray folder is reported by check
        if (
            self.link_problem(path) is None
            and path.is_file()
            and not _starts_with_front_matter(path)
        ):
            return AgendaRecord(day, None, [], Source(shown)), Loaded(shown, None)
        loaded = self._read(path, "agenda")
        if not loaded.ok or loaded.doc is None:
            return None, loaded
        doc = loaded.doc
        data = doc.data
        loaded.findings.extend(_meeting_matches(shown, doc, day, "folder"))
        for key in ("hot_seat_order", "hot_seats"):
            seen: set[str] = set()
            for i, member in enumerate(data.get(key) or []):
                if member in seen:
                    loaded.findings.append(
                        Finding(
                            str(shown),
                            doc.line((key, i)),
                            1,
                            ERROR,
                            "duplicate-id",
                            f"{key}: '{member}' is listed twice",
                        )
                    )
                seen.add(member)
                if self.group.member(member) is None:
                    loaded.findings.append(
                        Finding(
                            str(shown),
                            doc.line((key, i)),
                            1,
                            ERROR,
                            "unknown-member",
                            f"{key}: '{member}' is not a member in {CONFIG}",
                        )
                    )
        if loaded.first_error() is not None:
            return None, loaded
        seats = data.get("hot_seats")
        record = AgendaRecord(
            meeting=day,
            hot_seats=list(seats) if "hot_seats" in data else None,
            hot_seat_order=list(data.get("hot_seat_order") or []),
            source=Source(shown, 1),
        )
        return record, loaded

    def recap_at(self, path: Path) -> Loaded:
        """A recap's findings (nothing reads a recap back: the tool writes them from the
        notes, and ``check`` keeps them tidy: named by a date, the meeting in the front
        matter matching it)."""
        shown = self.rel(path)
        _, day, _ = self.classify(path)
        if day is None:
            return _misplaced(
                shown,
                "path",
                f"'{path.name}' is not named by a meeting date: recaps/<YYYY-MM-DD>.md",
            )
        loaded = self._read(path, "recap")
        if loaded.ok and loaded.doc is not None:
            doc = loaded.doc
            mismatch = _meeting_matches(shown, doc, day, "file name")
            loaded.findings.extend(mismatch)
            if not mismatch and not schedule.is_meeting(self.group, day):
                loaded.findings.append(
                    Finding(
                        str(shown),
                        doc.line(("meeting",)),
                        1,
                        WARNING,
                        "schedule",
                        f"{day} is not a meeting date of the group's schedule",
                    )
                )
        return loaded

    def link_problem(self, path: Path) -> str | None:
        """Why ``path`` is not read, when it or a folder between the root and it is a
        symlink; None for a plain path. A group file is never read through a link,
        wherever it leads: out of the repo (another member's SSH key), onto a file in
        the repo that git does not track (a member's private draft), into ``.git``,
        nowhere, or round in a loop. Each folder is looked at once."""
        if os.path.islink(path):
            return f"symlink {link_target(path, self.root)}; not reading it ({_NEVER_FOLLOWED})"
        folder = os.path.dirname(os.path.normpath(path.absolute()))
        if folder not in self._link_dirs:
            self._link_dirs[folder] = self._folder_link(folder)
        return self._link_dirs[folder]

    def _folder_link(self, folder: str) -> str | None:
        if folder == str(self.root):
            return None
        if not folder.startswith(self._prefix):
            return "outside the group repo; not reading it"
        here = self.root
        for part in folder[len(self._prefix) :].split(os.sep):
            here = here / part
            if os.path.islink(here):
                return (
                    f"folder {self.rel(here).as_posix()} is a symlink that "
                    f"{link_target(here, self.root)}; not reading it ({_NEVER_FOLLOWED})"
                )
        return None

    def commitment_ids(self, meeting: dt.date, member: str) -> frozenset[str] | bool:
        """The commitment ids that ``member``'s note for ``meeting`` holds; False when
        there is no such note, True when it cannot be read (its own findings say why)."""
        key = (meeting, member)
        if key not in self._commitments:
            path = self.note_path(meeting, member)
            if not (os.fspath(path) in self._notes or path.is_file()):
                self._commitments[key] = False
            else:
                note = self.note_at(path)[0]
                self._commitments[key] = frozenset(c.id for c in note.commitments) if note else True
        return self._commitments[key]


_T = TypeVar("_T")


def _once(read: dict[str, _T], path: Path, make: Callable[[Path], _T]) -> _T:
    """Each file is read once per command, whatever path it is asked for by."""
    key = os.path.normpath(path.absolute())
    if key not in read:
        read[key] = make(path)
    return read[key]


def _meeting_matches(shown: Path, doc: Document, day: dt.date, named_by: str) -> list[Finding]:
    """A generated file's ``meeting`` must be the date its path names."""
    if parse_date(doc.data["meeting"]) == day:
        return []
    message = f"meeting {doc.data['meeting']} does not match the {named_by} {day}"
    return [Finding(str(shown), doc.line(("meeting",)), 1, ERROR, "path", message)]


def link_target(link: Path, root: Path) -> str:
    """Where the symlink ``link`` leads, in a few words for a finding: "leads nowhere",
    "loops back on itself", "points outside the group repo", "points to notes/x.md
    inside the repo"..."""
    try:
        target = link.resolve(strict=True)
    except (FileNotFoundError, NotADirectoryError):
        return "leads nowhere"
    except (OSError, RuntimeError) as error:  # RuntimeError: a loop, before Python 3.13
        if isinstance(error, RuntimeError) or error.errno == errno.ELOOP:
            return "loops back on itself"
        return "cannot be followed"
    if not inside(root, target):
        return "points outside the group repo"
    if inside(root / ".git", target):
        return "points into .git"
    return f"points to {target.relative_to(root.resolve()).as_posix()} inside the repo"


_NEVER_FOLLOWED = "group files are never read through a symlink: commit the file itself"


def _misplaced(shown: Path, rule: str, message: str) -> Loaded:
    """A file whose name or folder already says it cannot be a note: not read at all."""
    return Loaded(shown, None, [Finding(str(shown), 1, 1, ERROR, rule, message)])


def _starts_with_front_matter(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(6).lstrip(b"\xef\xbb\xbf").startswith(b"---")
    except OSError:
        return True  # let the reader say what is wrong with it


# -- the rules a file is judged by on its own ------------------------------------------------


def _accepted_rules(loaded: Loaded) -> list[Finding]:
    """audit-accepted.yaml: each finding accepted once (a second entry would be a
    second answer to one question)."""
    doc = loaded.doc
    assert doc is not None
    found: list[Finding] = []
    first: dict[str, int] = {}
    for i, entry in enumerate(doc.data.get("accepted") or []):
        line = doc.line(("accepted", i, "id"))
        if entry["id"] in first:
            found.append(
                Finding(
                    str(loaded.path),
                    line,
                    1,
                    ERROR,
                    "duplicate-id",
                    f"finding {entry['id']} is accepted twice (first on line {first[entry['id']]})",
                )
            )
        first.setdefault(entry["id"], line)
    return found


def _config_rules(group: Group, loaded: Loaded) -> list[Finding]:
    doc = loaded.doc
    assert doc is not None
    found: list[Finding] = []

    def at(keys: tuple[str | int, ...], severity: str, rule: str, message: str) -> None:
        found.append(Finding(str(loaded.path), doc.line(keys), 1, severity, rule, message))

    if not schedule.valid_timezone(group.timezone):
        at(
            ("timezone",),
            ERROR,
            "timezone",
            f"unknown time zone {group.timezone!r} (use an IANA name like Europe/Berlin)",
        )
    seen: dict[str, int] = {}
    emails: dict[str, str] = {}
    for i, member in enumerate(group.members):
        if member.id in seen:
            at(
                ("members", i, "id"),
                ERROR,
                "duplicate-id",
                f"member id '{member.id}' is used twice (first on line {seen[member.id]})",
            )
        seen.setdefault(member.id, doc.line(("members", i, "id")))
        if member.id in RESERVED_IDS:
            at(
                ("members", i, "id"),
                ERROR,
                "reserved-id",
                f"'{member.id}' is reserved (meetings/<date>/{member.id}.md is generated)",
            )
        for email in member.emails:
            other = emails.setdefault(email.lower(), member.id)
            if other != member.id:
                at(
                    ("members", i, "emails"),
                    ERROR,
                    "duplicate-email",
                    f"email {email} belongs to both '{other}' and '{member.id}'",
                )
        if member.joined and member.left and member.left < member.joined:
            at(("members", i, "left"), ERROR, "dates", f"member '{member.id}' left before joining")
    for i, day in enumerate(group.skip):
        if not schedule.on_cadence(group, day):
            at(
                ("skip", i),
                WARNING,
                "off-schedule",
                f"skip date {day} is not a regular meeting date",
            )
    for i, day in enumerate(group.extra):
        if schedule.on_cadence(group, day) and day not in group.skip:
            at(
                ("extra", i),
                WARNING,
                "off-schedule",
                f"extra date {day} is already a regular meeting date",
            )
    for i, excuse in enumerate(group.excused):
        excused = group.member(excuse.member)
        if excused is None:
            at(
                ("excused", i, "member"),
                ERROR,
                "unknown-member",
                f"excused member '{excuse.member}' is not in members",
            )
        elif not excused.active_on(excuse.meeting):
            at(
                ("excused", i, "meeting"),
                WARNING,
                "not-member-then",
                f"excused date {excuse.meeting} is outside {excused.id}'s membership "
                f"(joined {excused.joined or '-'}, left {excused.left or '-'})",
            )
        if not schedule.is_meeting(group, excuse.meeting):
            at(
                ("excused", i, "meeting"),
                WARNING,
                "off-schedule",
                f"excused date {excuse.meeting} is not a meeting date",
            )
    return found


def _profile_rules(group: Group, member: str, loaded: Loaded) -> list[Finding]:
    doc = loaded.doc
    assert doc is not None
    shown = str(loaded.path)
    found = []
    if group.member(member) is None:
        found.append(
            Finding(
                shown,
                1,
                1,
                ERROR,
                "unknown-member",
                f"'{member}' is not a member in {CONFIG} (add it with 'mastermind member add')",
            )
        )
    ids: dict[str, int] = {}
    for i, goal in enumerate(doc.data.get("goals") or []):
        line = doc.line(("goals", i, "id"))
        if goal["id"] in ids:
            found.append(
                Finding(
                    shown,
                    line,
                    1,
                    ERROR,
                    "duplicate-id",
                    f"goal id '{goal['id']}' is used twice (first on line {ids[goal['id']]})",
                )
            )
        ids.setdefault(goal["id"], line)
    keys = doc.data.get("signing_keys") or []
    if keys:
        from mastermind_kit.signing import parse

        for i, key in enumerate(keys):
            if parse(key) is None:
                found.append(
                    Finding(
                        shown,
                        doc.line(("signing_keys", i)),
                        1,
                        ERROR,
                        "signing-key",
                        "signing_keys: not a valid SSH public key (its base64 does not decode "
                        "to a key of the type in front of it); copy the whole line of the .pub "
                        "file",
                    )
                )
    return found


def _note_rules(group: Group, note: Note, day: dt.date, ident: str, doc: Document) -> list[Finding]:
    shown = str(note.source.path)
    found: list[Finding] = []

    def at(keys: tuple[str | int, ...], severity: str, rule: str, message: str) -> None:
        found.append(Finding(shown, doc.line(keys), 1, severity, rule, message))

    if note.member != ident:
        at(
            ("member",),
            ERROR,
            "path",
            f"member '{note.member}' does not match the file name '{ident}.md'",
        )
    if note.meeting != day:
        at(("meeting",), ERROR, "path", f"meeting {note.meeting} does not match the folder {day}")
    found.extend(
        place_findings(
            group, note.source.path, note.member, note.meeting, lambda key: doc.line((key,))
        )
    )
    seen: Counter[str] = Counter()
    for i, commitment in enumerate(note.commitments):
        parts = split_commitment_id(commitment.id)
        if parts is not None and parts[:2] != (note.meeting, note.member):
            at(
                ("commitments", i, "id"),
                ERROR,
                "commitment-id",
                f"commitment id '{commitment.id}' does not match this note: "
                f"expected {note.meeting}/{note.member}/<n>",
            )
        seen[commitment.id] += 1
        if seen[commitment.id] == 2:
            at(
                ("commitments", i, "id"),
                ERROR,
                "duplicate-id",
                f"commitment id '{commitment.id}' is used twice in this note",
            )
        if commitment.due is not None and commitment.due <= note.meeting:
            at(
                ("commitments", i, "due"),
                ERROR,
                "due-not-after-meeting",
                f"due {commitment.due} is not after the meeting {note.meeting}: a commitment "
                "is due at a later date (leave 'due' out for the next meeting)",
            )
        if commitment.carried_from:
            problem = own_earlier(note, commitment.carried_from, "carries over")
            if problem:
                at(("commitments", i, "carried_from"), ERROR, problem[0], problem[1])
    reported: dict[str, int] = {}
    for i, entry in enumerate(note.report):
        where = doc.line(("report", i, "id"))
        if entry.id in reported:
            at(
                ("report", i, "id"),
                ERROR,
                "duplicate-report",
                f"'{entry.id}' is reported twice in this note (first on line {reported[entry.id]})",
            )
        reported.setdefault(entry.id, where)
        problem = own_earlier(note, entry.id, "reports on")
        if problem:
            at(("report", i, "id"), ERROR, problem[0], problem[1])
        if entry.status is None:
            at(
                ("report", i, "status"),
                WARNING,
                "report-pending",
                f"report pending: set the status of '{entry.id}' "
                "(done, partial, missed or dropped)",
            )
    return found


def place_findings(
    group: Group,
    shown: Path,
    member_id: str,
    meeting: dt.date,
    line: Callable[[str], int] = lambda key: 1,
) -> list[Finding]:
    """The rules a note's place depends on (its member and meeting, against the config);
    ``line(key)`` says where ``member`` or ``meeting`` stands, asked only for a finding."""
    found = []
    member = group.member(member_id)
    if member is None:
        found.append(
            Finding(
                str(shown),
                line("member"),
                1,
                ERROR,
                "unknown-member",
                f"'{member_id}' is not a member in {CONFIG}",
            )
        )
    elif not member.active_on(meeting):
        found.append(
            Finding(
                str(shown),
                line("meeting"),
                1,
                ERROR,
                # After leaving is its own rule: 'member leave' refuses to cause it.
                "after-left" if member.left and meeting > member.left else "not-member-then",
                f"'{member_id}' was not in the group on {meeting} "
                f"(joined {member.joined or '-'}, left {member.left or '-'})",
            )
        )
    if not schedule.is_meeting(group, meeting):
        found.append(
            Finding(
                str(shown),
                line("meeting"),
                1,
                ERROR,
                "off-schedule",
                f"{meeting} is not a meeting date of the group's {group.cadence} schedule "
                "(add it to 'extra' in mastermind.yaml if the group met then)",
            )
        )
    return found


def own_earlier(note: Note, ref: str, verb: str) -> tuple[str, str] | None:
    """(rule, message) when ``ref`` is not a commitment of the note's member from an
    earlier meeting, as far as the id itself tells; None when it may be."""
    parts = split_commitment_id(ref)
    if parts is None:
        return None  # the schema already said the id is malformed
    meeting, member, _ = parts
    if member != note.member:
        return (
            "other-member",
            f"{verb} '{ref}', a commitment of {member}; members report only on their own",
        )
    if meeting >= note.meeting:
        return "not-earlier", f"'{ref}' is not from an earlier meeting than {note.meeting}"
    return None


# -- documents that passed their schema -> the model ------------------------------------------


def group_from(doc: Document) -> Group:
    data = doc.data
    members = [
        MemberEntry(
            id=m["id"],
            name=m["name"],
            emails=list(m.get("emails") or []),
            joined=parse_date(m.get("joined")),
            left=parse_date(m.get("left")),
            source=Source(doc.path, doc.line(("members", i))),
        )
        for i, m in enumerate(data["members"])
    ]
    hours, minutes = (int(part) for part in data["time"].split(":"))
    first = parse_date(data["first_meeting"])
    assert first is not None  # the schema's date format guarantees it
    return Group(
        name=data["name"],
        cadence=data["cadence"],
        first_meeting=first,
        time=dt.time(hours, minutes),
        timezone=data["timezone"],
        members=members,
        duration_minutes=data.get("duration_minutes", 120),
        hot_seat_minutes=data.get("hot_seat_minutes", 20),
        skip=_dates(data.get("skip")),
        extra=_dates(data.get("extra")),
        require_signed=bool(data.get("require_signed", False)),
        commitment_grace_hours=data.get("commitment_grace_hours", 48),
        facilitators=list(data.get("facilitators") or []),
        owners_only=bool(data.get("owners_only", False)),
        trusted_committers=list(data.get("trusted_committers") or []),
        excused=[
            Excuse(e["member"], d)
            for e in data.get("excused") or []
            if (d := parse_date(e["meeting"])) is not None
        ],
        agreement=data.get("agreement") or "",
        schema=data["schema"],
    )


def _dates(values: list[str] | None) -> list[dt.date]:
    return [d for v in values or [] if (d := parse_date(v)) is not None]


def acceptances_from(doc: Document) -> list[Acceptance]:
    return [
        Acceptance(
            id=a["id"],
            rule=a["rule"],
            commit=a["commit"],
            path=a.get("path") or "",
            reason=a["reason"],
            accepted_by=a["accepted_by"],
            accepted_on=parse_date(a["accepted_on"]),
            line=doc.line(("accepted", i)),
        )
        for i, a in enumerate(doc.data.get("accepted") or [])
    ]


def profile_from(doc: Document, member_id: str) -> Profile:
    data = doc.data
    goals = [
        Goal(
            id=g["id"],
            title=g["title"],
            metric=g.get("metric") or "",
            unit=g.get("unit"),
            baseline=g.get("baseline"),
            target=g.get("target"),
            due=parse_date(g.get("due")),
            line=doc.line(("goals", i)),
        )
        for i, g in enumerate(data.get("goals") or [])
    ]
    return Profile(
        member=member_id,
        name=data["name"],
        vision=data.get("vision"),
        goals=goals,
        body=doc.body,
        source=Source(doc.path, 1),
        signing_keys=list(data.get("signing_keys") or []),
    )


def note_from(doc: Document) -> Note:
    data = doc.data
    meeting = parse_date(data["meeting"])
    assert meeting is not None
    member = data["member"]
    commitments = [
        Commitment(
            id=c["id"],
            text=c["text"],
            member=member,
            meeting=meeting,
            due=parse_date(c.get("due")),
            goal=c.get("goal"),
            carried_from=c.get("carried_from"),
            line=doc.line(("commitments", i)),
        )
        for i, c in enumerate(data.get("commitments") or [])
    ]
    reports = [
        Report(
            id=r["id"],
            status=r.get("status"),
            note=r.get("note"),
            line=doc.line(("report", i)),
        )
        for i, r in enumerate(data.get("report") or [])
    ]
    return Note(
        member=member,
        meeting=meeting,
        results=dict(data.get("results") or {}),
        report=reports,
        questions=[q for q in data.get("questions") or [] if q],
        walk_away=data.get("walk_away") or None,
        hot_seat=bool(data.get("hot_seat")),
        commitments=commitments,
        body=doc.body,
        source=Source(doc.path, 1),
    )
