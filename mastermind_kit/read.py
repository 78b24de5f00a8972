"""The read layer: group files (and git history, where asked) in, the model out.

Every command but ``check`` reads the group through here, and reads it tolerantly:
a file with an error of its own (the rules in ``repo.py``) is left out and recorded
as ``Skipped`` (path, line, message), and the command goes on with the rest. Only a
broken ``mastermind.yaml`` stops a command (an ``InputError`` from ``repo.group``):
without it there is no schedule and no member list. A broken profile loses that
member's goals, nothing else.

Three ways in, each reading only what its command needs:

- ``read_group``: the whole group, and its history if asked (``summary`` and the
  pages built from it).
- ``read_member``: one member at one meeting: the config, their profile, their note
  for that meeting and what they carry to it from their earlier notes (``prep``,
  ``status``).
- ``read_meeting``: one meeting: its notes, and the hot-seat record of the meetings
  before it (``agenda``).
- ``read_recap``: one meeting as ``read_meeting`` reads it, plus the profiles of its
  members and the earlier commitments its report-backs name (``recap``).

Pages built from the whole group (``site``) take the same views from a ``Workspace``
(``Workspace.meeting_view``), so a recap reads the same however it was reached.

What ``read_member`` and ``read_meeting`` take from earlier meetings is memoized in
``cache.py`` under a key built from the content of every file it came from (git blob
ids where git vouches for the file, a hash of the bytes where not), so that a member's
ten years of notes are parsed once, not on every ``status``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mastermind_kit import schedule
from mastermind_kit.cache import Cache, Models, digest
from mastermind_kit.errors import UsageError
from mastermind_kit.history import known_blobs
from mastermind_kit.load import MAX_BYTES, blob_id
from mastermind_kit.model import (
    AgendaRecord,
    Commitment,
    Group,
    Note,
    Profile,
    Skipped,
    date_of,
    split_commitment_id,
)
from mastermind_kit.repo import AGENDA, MEETINGS, GroupRepo, Loaded, bulk_reading

__all__ = [
    "ROTATION_WINDOW",
    "Attended",
    "MeetingView",
    "MemberView",
    "RecapView",
    "Workspace",
    "note_text_problem",
    "read_group",
    "read_meeting",
    "read_member",
    "read_recap",
    "recap_view",
    "whoami",
]


if TYPE_CHECKING:
    from mastermind_kit.history import History
    from mastermind_kit.ledger import CarryOver

# How many meetings before an agenda's meeting the hot-seat rotation looks back at.
ROTATION_WINDOW = 26


@dataclass
class Workspace:
    """The group as read: config, the usable profiles and notes (date order), agenda
    records, what was skipped, and the git history when it was asked for."""

    repo: GroupRepo
    group: Group
    profiles: dict[str, Profile]
    notes: list[Note]
    agendas: dict[dt.date, AgendaRecord] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)
    history: History | None = None
    _by_day: dict[dt.date, dict[str, Note]] | None = field(default=None, repr=False)
    _schedule: list[dt.date] = field(default_factory=list, repr=False)

    def notes_of(self, member: str) -> list[Note]:
        return [n for n in self.notes if n.member == member]

    def notes_on(self, meeting: dt.date) -> dict[str, Note]:
        """Member id -> their usable note for ``meeting``."""
        if self._by_day is None:
            self._by_day = {}
            for note in self.notes:
                self._by_day.setdefault(note.meeting, {})[note.member] = note
        return self._by_day.get(meeting, {})

    def meeting_view(self, meeting: dt.date) -> MeetingView:
        """``meeting`` as ``read_meeting`` would read it, from what is read already."""
        if not self._schedule or self._schedule[-1] < meeting:
            self._schedule = schedule.meetings(self.group, until=meeting + dt.timedelta(days=366))
        before = bisect.bisect_left(self._schedule, meeting)
        records: dict[dt.date, list[str]] = {}
        attended: dict[dt.date, list[Attended]] = {}
        for day in self._schedule[max(0, before - ROTATION_WINDOW) : before]:
            record = self.agendas.get(day)
            if record is not None and record.hot_seats is not None:
                records[day] = list(record.hot_seats)
                continue
            came = self.notes_on(day)
            attended[day] = [
                Attended(m.id, came[m.id].hot_seat) for m in self.group.members if m.id in came
            ]
        return MeetingView(
            self.repo,
            self.group,
            meeting,
            dict(self.notes_on(meeting)),
            records,
            attended,
            record=self.agendas.get(meeting),
        )

    def commitment(self, ref: str) -> Commitment | None:
        """The commitment with id ``ref``, from the note its id names."""
        parts = split_commitment_id(ref)
        if parts is None:
            return None
        note = self.notes_on(parts[0]).get(parts[1])
        return next((c for c in note.commitments if c.id == ref), None) if note else None


def skipped_from(loaded: Loaded, kind: str) -> Skipped:
    first = loaded.first_error()
    if first is None:  # pragma: no cover - only files with an error are skipped
        return Skipped(loaded.path, 1, "cannot be read", kind)
    return Skipped(loaded.path, first.line, first.message, kind)


def whoami(repo: GroupRepo, group: Group, member: str | None) -> str:
    """The member a command is about: ``--member``, else the git ``user.email`` of the
    repo matched against the members' emails, else a UsageError listing the members."""
    ids = ", ".join(m.id for m in group.members) or "none"
    if member is not None:
        if group.member(member) is None:
            raise UsageError(f"no member {member!r} in mastermind.yaml (members: {ids})")
        return member
    from mastermind_kit.history import config_get

    email = config_get(repo.root, "user.email")
    if email:
        found = group.member_by_email(email)
        if found is not None:
            return found.id
        raise UsageError(
            f"your git user.email {email} is not in any member's emails",
            hint=f"use --member ID (members: {ids}), or add the email to mastermind.yaml",
        )
    raise UsageError(
        "cannot tell who you are: git user.email is not set",
        hint=f"use --member ID (members: {ids})",
    )


def on_behalf(repo: GroupRepo, group: Group, member: str) -> str | None:
    """When git commits as another member here (not ``member``, and no facilitator):
    who that is, to say that a command writes someone else's file. An email no member
    has says nothing: that is how a member whose email is not listed uses --member."""
    from mastermind_kit.history import config_get

    email = config_get(repo.root, "user.email")
    entry = group.member(member)
    if not email or entry is None or group.is_facilitator(email):
        return None
    if email.strip().lower() in (e.lower() for e in entry.emails):
        return None
    other = group.member_by_email(email)
    return f"{email} ({other.id})" if other else None


# -- the whole group ----------------------------------------------------------------------------


def read_group(repo: GroupRepo, *, history: bool = False) -> Workspace:
    """Every usable file of the group; with ``history``, one pass over its git log (run
    while the files are read: git on one core, the reading on the other)."""
    group = repo.group
    repo.forget_shapes()
    from mastermind_kit import history as git_history

    pending = git_history.start(repo.root) if history else None
    skipped: list[Skipped] = []
    profiles: dict[str, Profile] = {}
    for member in group.members:
        profile = _profile(repo, member.id, skipped)
        if profile is not None:
            profiles[member.id] = profile
    notes: list[Note] = []
    # The notes git vouches for (unchanged since the index) are taken from the cache
    # where they were parsed before with the same content and config; any other note is
    # read and parsed.
    cache = Cache.for_repo(repo.root)
    known = (known_blobs(repo.root, [f"{MEETINGS}/"]) or {}) if cache.folder is not None else {}
    store = Models(cache, "notes")
    key = digest(["notes", _config_key(repo)])
    stored = store.load(key) if known else {}
    kept: dict[str, tuple[str, Note | Skipped]] = {}
    changed = False
    with bulk_reading():
        paths = list(repo.note_paths())
        for done, path in enumerate(paths):
            if repo.progress is not None:
                repo.progress(done, len(paths))
            if repo.classify(path)[1] is None:
                continue  # a stray folder: check warns about it
            rel = repo.rel(path).as_posix()
            blob = known.get(rel)
            hit = stored.get(rel) if blob is not None else None
            if hit is not None and hit[0] == blob:
                model: Note | Skipped = hit[1]
                kept[rel] = hit
            else:
                changed = True
                note, loaded = repo.note_at(path)
                model = note if note is not None else skipped_from(loaded, "note")
                if blob is not None and _parsed_blob(loaded) == blob:
                    kept[rel] = (blob, model)
                loaded.compact()
            if isinstance(model, Note):
                notes.append(model)
            else:
                skipped.append(model)
        if repo.progress is not None:
            repo.progress(len(paths), len(paths))
    if known and (changed or len(kept) != len(stored)):
        store.save(key, kept)
    agendas: dict[dt.date, AgendaRecord] = {}
    for path in repo.agenda_paths():
        record = _agenda(repo, path, skipped)
        if record is not None:
            agendas[record.meeting] = record
    notes.sort(key=lambda n: (n.meeting, n.member))
    log = None
    if pending is not None:
        with bulk_reading():
            log = pending.result()
    return Workspace(repo, group, profiles, notes, agendas, _sorted(skipped), log)


def _profile(repo: GroupRepo, member: str, skipped: list[Skipped]) -> Profile | None:
    profile, loaded = repo.profile(member)
    if profile is None and loaded.first_error() is not None:
        skipped.append(skipped_from(loaded, "profile"))
    return profile


def _agenda(repo: GroupRepo, path: Path, skipped: list[Skipped]) -> AgendaRecord | None:
    record, loaded = repo.agenda_at(path)
    if record is None and loaded.first_error() is not None:
        skipped.append(skipped_from(loaded, "agenda"))
    return record


def _sorted(skipped: list[Skipped]) -> list[Skipped]:
    return sorted(set(skipped), key=lambda s: (s.path.as_posix(), s.line))


# -- one member at one meeting ------------------------------------------------------------------


@dataclass
class MemberView:
    """What ``prep`` and ``status`` need of one member for one meeting."""

    repo: GroupRepo
    group: Group
    member: str
    meeting: dt.date
    profile: Profile | None
    note: Note | None  # their note for the meeting, when it exists and is usable
    note_exists: bool
    carry: CarryOver
    not_carried: Skipped | None  # their latest earlier note, when it could not be read
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def previous(self) -> Note | None:
        """Their last readable note before the meeting (its action plan is carried
        over); read only when asked for."""
        if self.carry.previous is None:
            return None
        return self.repo.note_at(self.repo.note_path(self.carry.previous, self.member))[0]


def read_member(repo: GroupRepo, member: str, meeting: dt.date) -> MemberView:
    """The config, ``member``'s profile, their note for ``meeting``, and what they carry
    to it from their earlier notes (memoized by content: see the module's docstring)."""
    group = repo.group
    skipped: list[Skipped] = []
    profile = _profile(repo, member, skipped)
    path = repo.note_path(meeting, member)
    exists = os.path.lexists(path)
    note = None
    if exists:
        note, loaded = repo.note_at(path)
        if note is None:
            skipped.append(skipped_from(loaded, "note"))
    cache = Cache.for_repo(repo.root)
    # What git vouches for (two processes at once): which notes are there unchanged,
    # and their content ids, so neither needs a look at the disk.
    known = (
        (known_blobs(repo.root, [f"{MEETINGS}/*/{member}.md"]) or {})
        if cache.folder is not None
        else {}
    )
    earlier = repo.member_notes(member, before=meeting, present=known)
    carry, earlier_skipped = _carry(repo, group, member, meeting, earlier, cache, known)
    skipped.extend(earlier_skipped)
    latest = Path(earlier[-1]) if earlier else None
    not_carried = next((s for s in earlier_skipped if s.path == latest), None)
    return MemberView(
        repo, group, member, meeting, profile, note, exists, carry, not_carried, _sorted(skipped)
    )


def _carry(
    repo: GroupRepo,
    group: Group,
    member: str,
    meeting: dt.date,
    paths: list[str],
    cache: Cache,
    known: dict[str, str],
) -> tuple[CarryOver, list[Skipped]]:
    from mastermind_kit import ledger

    key = None
    ids = _content_ids(repo, paths, known) if cache.folder is not None else None
    if ids is not None:
        key = digest(["carry", _config_key(repo), member, meeting.isoformat(), *_parts(ids)])
        stored = cache.get(f"carry-{member}", key)
        if stored is not None:
            try:
                return (
                    ledger.CarryOver.from_json(member, stored["carry"]),
                    [_skipped_from_json(s) for s in stored["skipped"]],
                )
            except (KeyError, TypeError, ValueError, IndexError):
                pass  # written by another version: computed afresh below
    notes: list[Note] = []
    skipped: list[Skipped] = []
    parsed: dict[str, str | None] = {}
    with bulk_reading():
        for rel in paths:
            note, loaded = repo.note_at(repo.root / rel)
            if note is not None:
                notes.append(note)
            else:
                skipped.append(skipped_from(loaded, "note"))
            parsed[rel] = _parsed_blob(loaded)
            loaded.compact()
    carry = ledger.carry_over(group, member, notes, meeting)
    if key is not None and ids is not None and _same(ids, parsed):
        cache.put(
            f"carry-{member}",
            key,
            {"carry": carry.to_json(), "skipped": [s.to_json() for s in skipped]},
        )
    return carry, skipped


def note_text_problem(
    repo: GroupRepo, shown: Path, text: str, member: str, meeting: dt.date
) -> str | None:
    """Why ``text`` (a note about to be written) would not read back as a valid note of
    ``member`` for ``meeting``; None when it would."""
    from mastermind_kit.errors import InputError
    from mastermind_kit.load import parse_front_matter

    try:
        doc = parse_front_matter(text, shown)
    except InputError as error:
        return f"not a valid note: {error.message}"
    errors = [f for f in repo.shape_findings(doc, "note") if f.severity == "error"]
    if errors:
        return errors[0].message
    data = doc.data if isinstance(doc.data, dict) else {}
    if (data.get("member"), data.get("meeting")) != (member, meeting.isoformat()):
        return "member or meeting do not match"
    return None


# -- one meeting --------------------------------------------------------------------------------


@dataclass
class Attended:
    """Who came to an earlier meeting (had a readable note) and asked for the hot seat."""

    member: str
    requested: bool


@dataclass
class MeetingView:
    """What ``agenda`` needs of one meeting: its notes, and for each of the
    ``ROTATION_WINDOW`` meetings before it either its agenda's record of who had the
    hot seat or who attended (to replay the rotation where no agenda was written)."""

    repo: GroupRepo
    group: Group
    meeting: dt.date
    notes: dict[str, Note]  # member -> their usable note for the meeting
    records: dict[dt.date, list[str]]  # earlier meeting -> hot seats, from its agenda.md
    attended: dict[dt.date, list[Attended]]  # earlier meetings without such a record
    skipped: list[Skipped] = field(default_factory=list)
    record: AgendaRecord | None = None  # this meeting's own agenda.md, when usable


def read_meeting(repo: GroupRepo, meeting: dt.date) -> MeetingView:
    group = repo.group
    skipped: list[Skipped] = []
    own = repo.agenda_path(meeting)
    record = _agenda(repo, own, skipped) if os.path.lexists(own) else None
    notes: dict[str, Note] = {}
    for member in group.members:
        path = repo.note_path(meeting, member.id)
        if os.path.lexists(path):
            note, loaded = repo.note_at(path)
            if note is not None:
                notes[member.id] = note
            else:
                skipped.append(skipped_from(loaded, "note"))
    window = schedule.meetings(group, until=meeting - dt.timedelta(days=1))[-ROTATION_WINDOW:]
    records, attended, earlier = _rotation(repo, group, window)
    return MeetingView(
        repo, group, meeting, notes, records, attended, _sorted([*skipped, *earlier]), record
    )


@dataclass
class RecapView:
    """What ``recap`` needs of one meeting: the meeting (as for its agenda), the
    profiles of the members who came, and the earlier commitments their notes report
    on (id -> commitment; a report naming one that cannot be read is not in it)."""

    meeting: MeetingView
    profiles: dict[str, Profile]
    commitments: dict[str, Commitment]
    skipped: list[Skipped] = field(default_factory=list)


def read_recap(repo: GroupRepo, meeting: dt.date) -> RecapView:
    view = read_meeting(repo, meeting)
    skipped = list(view.skipped)
    profiles: dict[str, Profile] = {}
    commitments: dict[str, Commitment] = {}
    for member, note in view.notes.items():
        profile = _profile(repo, member, skipped)
        if profile is not None:
            profiles[member] = profile
        for report in note.report:
            parts = split_commitment_id(report.id)
            if parts is None or parts[1] != member or parts[0] >= meeting:
                continue  # not the member's own earlier commitment: check says so
            path = repo.note_path(parts[0], member)
            if not os.path.lexists(path):
                continue
            earlier, loaded = repo.note_at(path)
            if earlier is None:
                skipped.append(skipped_from(loaded, "note"))
                continue
            for commitment in earlier.commitments:
                commitments.setdefault(commitment.id, commitment)
    return RecapView(view, profiles, commitments, _sorted(skipped))


def recap_view(workspace: Workspace, meeting: dt.date) -> RecapView:
    """``read_recap`` from a workspace read already (the site's meeting pages)."""
    view = workspace.meeting_view(meeting)
    commitments: dict[str, Commitment] = {}
    for note in view.notes.values():
        for report in note.report:
            found = workspace.commitment(report.id)
            if found is not None and found.member == note.member and found.meeting < meeting:
                commitments[report.id] = found
    profiles = {m: p for m, p in workspace.profiles.items() if m in view.notes}
    own = [
        s for s in workspace.skipped if (skipped_note := s.note_of()) and skipped_note[0] == meeting
    ]
    return RecapView(view, profiles, commitments, own)


def _rotation(
    repo: GroupRepo, group: Group, window: list[dt.date]
) -> tuple[dict[dt.date, list[str]], dict[dt.date, list[Attended]], list[Skipped]]:
    cache = Cache.for_repo(repo.root)
    key = None
    ids = None
    if cache.folder is not None:
        names = [AGENDA, *(f"{m.id}.md" for m in group.members)]
        files = [  # what the rotation may read: agendas, and the notes of the members
            f"{MEETINGS}/{day}/{name}"
            for day in window
            for name in names
            if os.path.lexists(os.path.join(repo.root, MEETINGS, str(day), name))
        ]
        known = known_blobs(repo.root, [f"{MEETINGS}/{day}/" for day in window]) or {}
        ids = _content_ids(repo, files, known)
    if ids is not None:
        key = digest(["rotation", _config_key(repo), *map(str, window), *_parts(ids)])
        stored = cache.get("rotation", key)
        if stored is not None:
            try:
                return _rotation_from_json(stored)
            except (KeyError, TypeError, ValueError):
                pass
    records: dict[dt.date, list[str]] = {}
    attended: dict[dt.date, list[Attended]] = {}
    skipped: list[Skipped] = []
    parsed: dict[str, str | None] = {}
    for day in window:
        path = repo.agenda_path(day)
        record = _agenda(repo, path, skipped) if os.path.lexists(path) else None
        if os.path.lexists(path):
            parsed[f"{MEETINGS}/{day}/{AGENDA}"] = _parsed_blob(repo.agenda_at(path)[1])
        if record is not None and record.hot_seats is not None:
            records[day] = list(record.hot_seats)
            continue
        came = []
        for member in group.members:
            note_path = repo.note_path(day, member.id)
            if not os.path.lexists(note_path):
                continue
            note, loaded = repo.note_at(note_path)
            parsed[f"{MEETINGS}/{day}/{member.id}.md"] = _parsed_blob(loaded)
            if note is None:
                skipped.append(skipped_from(loaded, "note"))
                continue
            came.append(Attended(member.id, note.hot_seat))
        attended[day] = came
    result = (records, attended, skipped)
    if key is not None and ids is not None and _same(ids, parsed):
        cache.put("rotation", key, _rotation_to_json(*result))
    return result


def _rotation_to_json(
    records: dict[dt.date, list[str]],
    attended: dict[dt.date, list[Attended]],
    skipped: list[Skipped],
) -> dict[str, Any]:
    return {
        "records": {d.isoformat(): seats for d, seats in records.items()},
        "attended": {
            d.isoformat(): [[a.member, a.requested] for a in came] for d, came in attended.items()
        },
        "skipped": [s.to_json() for s in skipped],
    }


def _rotation_from_json(
    data: dict[str, Any],
) -> tuple[dict[dt.date, list[str]], dict[dt.date, list[Attended]], list[Skipped]]:
    records = {date_of(d): list(seats) for d, seats in data["records"].items()}
    attended = {
        date_of(d): [Attended(m, bool(r)) for m, r in came] for d, came in data["attended"].items()
    }
    return records, attended, [_skipped_from_json(s) for s in data["skipped"]]


# -- content keys -------------------------------------------------------------------------------


def _config_key(repo: GroupRepo) -> str:
    doc = repo.config.doc
    assert doc is not None  # repo.group succeeded
    return blob_id(doc.text.encode("utf-8"))


def _content_ids(repo: GroupRepo, paths: list[str], known: dict[str, str]) -> dict[str, str] | None:
    """Each file's (relative to the root) content id: the blob id git vouches for
    (``known``), else the blob id of its bytes. None when some file cannot be named by
    its content (a symlink, outside the repo, not a regular file, too large to be a
    group file, unreadable): then nothing is cached."""
    ids: dict[str, str] = {}
    for rel in paths:
        blob = known.get(rel)
        if blob is None:
            path = repo.root / rel
            try:
                info = os.lstat(path)
                if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES:
                    return None
                if repo.link_problem(path) is not None:
                    return None
                blob = blob_id(path.read_bytes())
            except OSError:
                return None
        ids[rel] = blob
    return ids


def _parts(ids: dict[str, str]) -> list[str]:
    return [f"{rel}:{blob}" for rel, blob in ids.items()]


def _parsed_blob(loaded: Loaded) -> str | None:
    return loaded.doc.blob or None if loaded.doc is not None else None


def _same(ids: dict[str, str], parsed: dict[str, str | None]) -> bool:
    """True when every file the value was computed from is the one its key names: a file
    changed between the key and the reading (or a file that could not be parsed, whose
    bytes are unknown) keeps the value out of the cache, so a key never names a value
    computed from other content."""
    return all(blob is not None and ids.get(rel) == blob for rel, blob in parsed.items())


def _skipped_from_json(data: dict[str, Any]) -> Skipped:
    return Skipped(
        Path(data["path"]), int(data["line"]), str(data["message"]), str(data.get("kind", "note"))
    )
