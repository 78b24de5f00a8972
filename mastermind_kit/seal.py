"""Seals: a record of each meeting that the group's history must keep agreeing with.

``seal`` writes the annotated tag ``mastermind/meeting/<date>`` on HEAD after a meeting.
Its message records every commitment made at the meeting and every report-back given
there, as the meeting's notes are in HEAD (committed content, never the work tree)::

    mastermind seal: meeting of 2026-11-17 (5 notes, 9 commitments, 10 reports)

    meeting 2026-11-17
    commitment {"due": null, "id": "2026-11-17/amelie/1", "member": "amelie", "text": "..."}
    report {"id": "2026-11-03/amelie/1", "member": "amelie", "note": "...", "status": "done"}

    digest: sha256:<hex>

The record (from the ``meeting`` line to the blank line) is canonical: one JSON object
per item, keys sorted, lines sorted. The digest is the SHA-256 of those lines, each
ending with a newline, so a seal can be checked with git and ``sha256sum`` alone.

``verify`` checks every seal: the tagged commit is still in HEAD's history (nobody
rewrote it after the meeting), the notes in that commit still give the recorded digest
(nobody moved the tag or edited its record), a signed seal's signature verifies. It also
compares the sealed items with the notes in HEAD: a sealed commitment's text or due
date, or a sealed report's status, changed later is news whatever the grace period.
``audit_findings`` says the same as audit findings (``seal-broken``, ``sealed-changed``).

Every git call is in ``history.py``; their number does not grow with the seals.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from mastermind_kit import history, schedule
from mastermind_kit.errors import ExistsError, GitError, InputError, UsageError
from mastermind_kit.findings import AuditFinding
from mastermind_kit.history import BlobReader, Change, Commit, FileHistory, History, TagRef
from mastermind_kit.load import blob_text, parse_front_matter
from mastermind_kit.model import is_slug, parse_date
from mastermind_kit.repo import MEETINGS, RESERVED_IDS, GroupRepo

__all__ = [
    "PREFIX",
    "Seal",
    "SealChange",
    "SealCheck",
    "Sealed",
    "SealedItem",
    "audit_findings",
    "digest",
    "local_seal_tags",
    "message",
    "record",
    "seal",
    "tag_name",
    "verify",
]

PREFIX = "mastermind/meeting/"  # tag names: PREFIX + the meeting's date
TITLE = "mastermind seal: meeting of "
# What a later change to a sealed item is about (the rest is recorded, not watched).
WATCHED = {"commitment": ("text", "due"), "report": ("status",)}
_SIGNATURE_STARTS = (
    "-----BEGIN PGP SIGNATURE-----",
    "-----BEGIN PGP MESSAGE-----",
    "-----BEGIN SSH SIGNATURE-----",
    "-----BEGIN SIGNED MESSAGE-----",
)
_TAGGER = re.compile(r"tagger (.*) <(.*)> ([0-9]+) ([+-][0-9]{4})\Z")


def tag_name(meeting: dt.date) -> str:
    """The seal's tag name: built from a date, so never an option nor a path trick."""
    return f"{PREFIX}{meeting.isoformat()}"


def local_seal_tags(root: Path) -> list[str]:
    """The names of the seals in the repo at ``root`` (e.g. "mastermind/meeting/2026-11-17"),
    sorted: what ``history.push_tags`` takes to share them with the group's remote."""
    return [tag.name for tag in history.seal_tags(root)]


# -- the record --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SealedItem:
    """A commitment made at the meeting, or a report-back given there, as sealed."""

    kind: str  # "commitment" | "report"
    member: str  # whose note (its file name)
    id: str
    values: Mapping[str, str | None]  # commitment: text, due; report: status, note

    @property
    def key(self) -> tuple[str, str, str]:
        return self.kind, self.member, self.id

    def line(self) -> str:
        fields = {"id": self.id, "member": self.member, **self.values}
        return f"{self.kind} {json.dumps(fields, sort_keys=True, ensure_ascii=False)}"

    def describe(self) -> str:
        if self.kind == "commitment":
            return f"commitment {self.id}"
        return f"{self.member}'s report on {self.id}"


def record(meeting: dt.date, items: Iterable[SealedItem]) -> list[str]:
    """The canonical record lines: the meeting, then one line per item, sorted."""
    return [f"meeting {meeting.isoformat()}", *sorted(item.line() for item in items)]


def digest(lines: list[str]) -> str:
    """SHA-256 of the record lines, each ending with a newline."""
    return hashlib.sha256("".join(f"{line}\n" for line in lines).encode("utf-8")).hexdigest()


def message(meeting: dt.date, items: list[SealedItem], notes: int) -> str:
    """The seal tag's message: a title, the record, the digest."""
    lines = record(meeting, items)
    commitments = sum(1 for item in items if item.kind == "commitment")
    title = (
        f"{TITLE}{meeting.isoformat()} ({notes} notes, {commitments} commitments, "
        f"{len(items) - commitments} reports)"
    )
    return "\n".join([title, "", *lines, "", f"digest: sha256:{digest(lines)}"]) + "\n"


def _text(value: object) -> str | None:
    # Through UTF-8 and back: a lone surrogate (a YAML "\ud800") cannot go into a tag.
    return None if value is None else str(value).encode("utf-8", "replace").decode("utf-8")


def _items(member: str, data: bytes, path: str) -> list[SealedItem]:
    """The commitments and reports of one note (InputError when it does not parse)."""
    text = blob_text(data)
    front = parse_front_matter(text, Path(path)).data
    if not isinstance(front, dict):
        return []
    found = []
    for kind, key, names in (
        ("commitment", "commitments", ("text", "due")),
        ("report", "report", ("status", "note")),
    ):
        entries = front.get(key)
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict) and entry.get("id") is not None:
                values = {name: _text(entry.get(name)) for name in names}
                found.append(SealedItem(kind, member, str(entry["id"]), values))
    return found


def _parse_line(line: str) -> SealedItem | None:
    kind, _, rest = line.partition(" ")
    if kind not in WATCHED:
        return None
    try:
        fields = json.loads(rest)
    except ValueError:
        return None
    if not isinstance(fields, dict):
        return None
    item_id, member = fields.pop("id", None), fields.pop("member", None)
    if not isinstance(item_id, str) or not isinstance(member, str):
        return None
    return SealedItem(kind, member, item_id, {k: _text(v) for k, v in fields.items()})


def _is_note(name: str) -> bool:
    stem = name.removesuffix(".md")
    return name.endswith(".md") and is_slug(stem) and stem not in RESERVED_IDS


def _note_path(meeting: dt.date, member: str) -> str:
    return f"{MEETINGS}/{meeting.isoformat()}/{member}.md"


def _tree(data: bytes, id_bytes: int) -> list[tuple[str, str, str]]:
    """(mode, name, id) of each entry of a raw tree object; [] when it is not one."""
    entries, at = [], 0
    while at < len(data):
        space = data.find(b" ", at)
        end = data.find(b"\0", space + 1) if space >= 0 else -1
        if end < 0 or end + 1 + id_bytes > len(data) or not data[at:space].isdigit():
            return []
        name = data[space + 1 : end].decode("utf-8", "surrogateescape")
        mode = data[at:space].decode("ascii")
        entries.append((mode, name, data[end + 1 : end + 1 + id_bytes].hex()))
        at = end + 1 + id_bytes
    return entries


def _notes_at(
    reader: BlobReader, revision: str, meeting: dt.date, id_bytes: int
) -> dict[str, bytes]:
    """Member id -> the bytes of their note for ``meeting`` at ``revision``."""
    folder = f"{revision}:./{MEETINGS}/{meeting.isoformat()}"
    tree = reader.read([folder]).get(folder)
    if tree is None:
        return {}
    blobs = {
        name.removesuffix(".md"): blob
        for mode, name, blob in _tree(tree, id_bytes)
        if mode in ("100644", "100755") and _is_note(name)
    }
    contents = reader.read(blobs.values())
    return {member: contents[blob] for member, blob in blobs.items() if blob in contents}


def _items_at(
    reader: BlobReader, revision: str, meeting: dt.date, id_bytes: int
) -> list[SealedItem]:
    """Every item of the meeting's notes at ``revision`` (a note that does not parse
    gives none)."""
    items = []
    for member, data in sorted(_notes_at(reader, revision, meeting, id_bytes).items()):
        try:
            items.extend(_items(member, data, _note_path(meeting, member)))
        except InputError:
            continue
    return items


# -- sealing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sealed:
    """What ``seal`` wrote."""

    name: str
    meeting: dt.date
    commit: str
    notes: int
    commitments: int
    reports: int
    digest: str
    signed: bool
    replaced: bool  # --force replaced an earlier seal of the meeting


def _held(repo: GroupRepo, meeting: dt.date | None, now: schedule.Moment) -> dt.date:
    group = repo.group
    if meeting is None:
        from mastermind_kit.recap import last_held

        day = last_held(group, now)
        if day is None:
            raise UsageError("no meeting has taken place yet: nothing to seal")
        return day
    day = schedule.resolve(group, meeting, now)
    if schedule.start(group, day) > schedule.moment(group, now):
        raise UsageError(
            f"the meeting of {day} has not taken place yet: a seal records a meeting after it"
        )
    return day


def seal(
    repo: GroupRepo,
    *,
    now: schedule.Moment,
    meeting: dt.date | None = None,
    sign: bool = False,
    force: bool = False,
) -> Sealed:
    """Seal ``meeting`` (default: the last one that has started by ``now``): write its
    tag on HEAD, recording the commitments and reports of its notes as they are in HEAD.

    Refuses (UsageError, ExistsError, GitError: exit 2) a repo without commits, a meeting
    not held yet, one with no notes in HEAD or a note that does not parse there, notes
    of the meeting that differ from HEAD in the work tree or the index (the seal must
    describe what is committed), and a meeting sealed already unless ``force``.
    """
    root = repo.root
    head = history.head_commit(root)
    if head is None:
        raise GitError("the repository has no commits yet: nothing to seal")
    day = _held(repo, meeting, now)
    name = tag_name(day)
    replaced = any(tag.name == name for tag in history.seal_tags(root))
    if replaced and not force:
        raise ExistsError(
            f"the meeting of {day} is sealed already (tag {name})",
            hint="'mastermind seal --verify' checks it; --force seals it again",
        )
    folder = f"{MEETINGS}/{day.isoformat()}"
    changed = [
        path
        for path in history.dirty(root, folder)
        if PurePosixPath(path).parent.as_posix().endswith(folder)
        and _is_note(PurePosixPath(path).name)
    ]
    if changed:
        shown = ", ".join(PurePosixPath(path).name for path in changed[:5])
        raise UsageError(
            f"notes of {day} differ from the last commit ({shown}): a seal records only "
            "committed notes",
            hint="commit them (or 'git restore' them), then seal",
        )
    with BlobReader(root) as reader:
        notes = _notes_at(reader, head, day, len(head) // 2)
    if not notes:
        raise UsageError(
            f"no notes of the meeting of {day} in the last commit: nothing to seal",
            hint="commit the meeting's notes first",
        )
    items: list[SealedItem] = []
    for member, data in sorted(notes.items()):
        try:
            items.extend(_items(member, data, _note_path(day, member)))
        except InputError as error:
            raise UsageError(
                f"cannot seal the meeting of {day}: {error}",
                hint="fix the note, commit it, and seal again",
            ) from None
    text = message(day, items, len(notes))
    run = history.write_tag(root, name, head, text, sign=sign, force=force)
    if not run.ok:
        said = [
            line.strip().removeprefix("error: ").removeprefix("fatal: ")
            for line in run.err.splitlines()
            if line.strip()
        ]
        why = "; ".join(said[-2:]) or run.last_line()
        if sign:
            raise GitError(
                f"git could not sign the seal {name}: {why}",
                hint="set up signing (user.signingkey, gpg.format) or seal without --sign",
            )
        raise GitError(f"git could not write the seal {name}: {why}")
    commitments = sum(1 for item in items if item.kind == "commitment")
    return Sealed(
        name=name,
        meeting=day,
        commit=head,
        notes=len(notes),
        commitments=commitments,
        reports=len(items) - commitments,
        digest=digest(record(day, items)),
        signed=sign,
        replaced=replaced,
    )


# -- verifying ---------------------------------------------------------------------------------


class Tagger(NamedTuple):
    name: str
    email: str
    date: dt.datetime


@dataclass
class Seal:
    """A seal tag as read: what it names and what its message records."""

    ref: TagRef
    meeting: dt.date | None  # from the tag's name
    tagger: Tagger | None = None
    record: list[str] | None = None  # None: the message is not a seal record
    digest: str | None = None
    signed: bool = False

    def items(self) -> list[SealedItem] | None:
        """The sealed items, read back from the record; None when one cannot be."""
        if self.record is None:
            return None
        parsed = [_parse_line(line) for line in self.record[1:]]
        return None if any(item is None for item in parsed) else [i for i in parsed if i]


class SealChange(NamedTuple):
    """A sealed item that is different in HEAD."""

    item: SealedItem
    name: str | None  # "text", "due", "status"; None: the item is gone
    before: str | None
    after: str | None


@dataclass
class SealCheck:
    """One seal, checked: ``problems`` break it, ``changes`` are sealed items changed since."""

    seal: Seal
    problems: list[str] = field(default_factory=list)
    changes: list[SealChange] = field(default_factory=list)
    items: int = 0

    @property
    def state(self) -> str:
        return "broken" if self.problems else "changed" if self.changes else "ok"

    def line(self) -> str:
        """One line for ``mastermind seal --verify``."""
        name = self.seal.ref.name
        if self.problems:
            also = f" (and {len(self.changes)} sealed item(s) changed)" if self.changes else ""
            return f"broken   {name}: {'; '.join(self.problems)}{also}"
        if self.changes:
            shown = ", ".join(_short(change) for change in self.changes[:4])
            more = f" and {len(self.changes) - 4} more" if len(self.changes) > 4 else ""
            return f"changed  {name}: sealed, then changed in HEAD: {shown}{more}"
        commit = (self.seal.ref.commit or "")[:10]
        signed = ", signed" if self.seal.signed else ""
        return f"ok       {name}: {self.items} item(s) at {commit}{signed}"


def _short(change: SealChange) -> str:
    what = "removed" if change.name is None else f"{change.name} changed"
    return f"{change.item.id} ({change.item.member}) {what}"


def _read_seal(ref: TagRef, raw: bytes | None) -> Seal:
    name = ref.name.removeprefix(PREFIX)
    found = Seal(ref, parse_date(name) if ref.name.startswith(PREFIX) else None)
    if raw is None or ref.kind != "tag":
        return found
    text = raw.decode("utf-8", "replace")
    header, _, body = text.partition("\n\n")
    for line in header.split("\n"):
        match = _TAGGER.match(line)
        if match:
            stamp, offset = int(match.group(3)), match.group(4)
            sign = 1 if offset[0] == "+" else -1
            zone = dt.timezone(sign * dt.timedelta(hours=int(offset[1:3]), minutes=int(offset[3:])))
            found.tagger = Tagger(
                match.group(1), match.group(2), dt.datetime.fromtimestamp(stamp, zone)
            )
    starts = [body.find(f"\n{marker}") for marker in _SIGNATURE_STARTS]
    cut = min((at for at in starts if at >= 0), default=-1)
    if cut >= 0:
        found.signed = True
        body = body[: cut + 1]
    lines = body.split("\n")
    if len(lines) < 5 or not lines[0].startswith(TITLE) or lines[1] != "":
        return found
    try:
        blank = lines.index("", 2)
    except ValueError:
        return found
    recorded = lines[2:blank]
    tail = [line for line in lines[blank + 1 :] if line]
    if not recorded or len(tail) != 1 or not tail[0].startswith("digest: sha256:"):
        return found
    found.record, found.digest = recorded, tail[0].removeprefix("digest: sha256:")
    return found


def _check(
    seal: Seal,
    reader: BlobReader,
    merged: set[str],
    verified: set[str],
    head_items: dict[dt.date, list[SealedItem]],
) -> SealCheck:
    check = SealCheck(seal)
    ref, problems = seal.ref, check.problems
    if seal.meeting is None:
        problems.append("its name is not mastermind/meeting/<date>")
    if ref.kind != "tag":
        problems.append("a lightweight tag, not a seal: it records nothing")
        return check
    if ref.commit is None:
        problems.append("it does not name a commit")
        return check
    items = seal.items()
    if seal.record is None or seal.digest is None or items is None:
        problems.append("its message is not a seal record (edited, or not made by mastermind seal)")
        return check
    check.items = len(items)
    if digest(seal.record) != seal.digest:
        problems.append("its record does not give its digest: the message was edited")
    day = seal.meeting
    if day is not None and seal.record[0] != f"meeting {day.isoformat()}":
        problems.append(f"it records {seal.record[0]!r}, not the meeting of {day}")
        day = None  # which meeting's notes it describes is unclear: nothing to compare
    if ref.name not in merged:
        problems.append(
            f"the sealed commit {ref.commit[:10]} is no longer in HEAD's history: history "
            "was rewritten after the seal (amend, rebase, force push)"
        )
    if day is not None:
        size = len(ref.commit) // 2
        sealed_now = _items_at(reader, ref.commit, day, size)
        if digest(record(day, sealed_now)) != seal.digest:
            problems.append(
                f"the notes in the sealed commit {ref.commit[:10]} do not give the sealed "
                "digest: the tag was moved or its record edited"
            )
        if day not in head_items:
            head_items[day] = _items_at(reader, "HEAD", day, size)
        check.changes = _changes(items, head_items[day])
    if seal.signed and ref.object not in verified:
        problems.append("its signature does not verify (git verify-tag says why)")
    return check


def _changes(sealed: list[SealedItem], now: list[SealedItem]) -> list[SealChange]:
    current = {item.key: item for item in now}
    found = []
    for item in sealed:
        later = current.get(item.key)
        if later is None:
            found.append(SealChange(item, None, None, None))
            continue
        for name in WATCHED[item.kind]:
            before, after = item.values.get(name), later.values.get(name)
            if before != after:
                found.append(SealChange(item, name, before, after))
    return found


def _checks(root: Path, reader: BlobReader, facilitators: Collection[str]) -> list[SealCheck]:
    tags = history.seal_tags(root)
    if not tags:
        return []
    merged = {tag.name for tag in history.seal_tags(root, merged_into="HEAD")}
    raw = reader.read(tag.object for tag in tags if tag.kind == "tag")
    seals = [_read_seal(tag, raw.get(tag.object)) for tag in tags]
    verified = history.verified_tags(root, [s.ref.object for s in seals if s.signed])
    head_items: dict[dt.date, list[SealedItem]] = {}
    checks = [_check(seal, reader, merged, verified, head_items) for seal in seals]
    allowed = {f.lower() for f in facilitators}
    for check in checks:
        tagger = check.seal.tagger
        if allowed and (tagger is None or tagger.email.lower() not in allowed):
            # A member could seal again after softening their own commitment (and push
            # the tag with --force): only a facilitator's seal records the meeting.
            who = f"{tagger.name} <{tagger.email}>" if tagger else "someone unknown"
            check.problems.append(f"sealed by {who}, who is not a facilitator")
    return checks


def verify(root: Path, *, facilitators: Collection[str] = ()) -> list[SealCheck]:
    """Every seal in the repo at ``root``, checked (none in a repo without commits). With
    ``facilitators`` (the group's), a seal tagged by anyone else is broken."""
    if history.head_commit(root) is None:
        return []
    with BlobReader(root) as reader:
        return _checks(root, reader, facilitators)


# -- for the audit -----------------------------------------------------------------------------


def audit_findings(
    found: History, reader: BlobReader, *, facilitators: Collection[str] = ()
) -> list[AuditFinding]:
    """What the seals say for the audit of ``found`` (history read at HEAD):

    - ``seal-broken``: a seal whose commit left HEAD's history, whose record no longer
      matches the sealed commit's notes or its own digest, or whose signature does not
      verify; named by the tag (its tagger and date), at the sealed commit.
    - ``sealed-changed``: a sealed commitment's text or due date, or a sealed report's
      status, different in HEAD (or the item gone), whatever the grace period; named by
      the commit that made it so (the last one to change the item away from its sealed
      value), else by the note's last commit.

    Processes: one ``for-each-ref`` when there are no seals; with seals, one more, the
    ``reader``'s, and one ``verify-tag`` when some are signed.
    """
    if not found.available or not found.commits:
        return []
    findings: list[AuditFinding] = []
    lineages: dict[str, FileHistory] = {}
    for lineage in found.lineages():
        # by every path the file had (a note moved away keeps its lineage), a current
        # file before a deleted one
        for step in lineage.changes:
            lineages.setdefault(step.path, lineage)
            if step.old_path:
                lineages.setdefault(step.old_path, lineage)
    for check in _checks(found.root, reader, facilitators):
        seal, name = check.seal, check.seal.ref.name
        if check.problems:
            tagger = seal.tagger or Tagger("(unknown)", "", found.commits[0].committed)
            findings.append(
                AuditFinding(
                    "seal-broken",
                    seal.ref.commit or seal.ref.object,
                    tagger.name,
                    tagger.email,
                    tagger.date,
                    "",
                    f"seal {name} broken: {'; '.join(check.problems)}",
                    name,
                )
            )
        if seal.meeting is None:
            continue
        for change in check.changes:
            path = _note_path(seal.meeting, change.item.member)
            commit = _culprit(lineages.get(path), change, reader)
            subject = f"{name} {change.item.kind} {change.item.id} {change.name or 'removed'}"
            if commit is None:
                # No history of that note to blame: named by the seal, nobody accused.
                findings.append(
                    AuditFinding(
                        "sealed-changed",
                        seal.ref.commit or seal.ref.object,
                        "(unknown)",
                        "",
                        found.commits[-1].committed,
                        path,
                        _said(change, name) + "; the commit that did it is not in sight",
                        subject,
                    )
                )
                continue
            findings.append(
                AuditFinding(
                    "sealed-changed",
                    commit.id,
                    commit.author.name,
                    commit.author.email,
                    commit.committed,
                    path,
                    _said(change, name),
                    subject,
                )
            )
    return findings


def _said(change: SealChange, name: str) -> str:
    what = change.item.describe()
    after = f"after the meeting was sealed ({name})"
    if change.name is None:
        return f"{what} removed {after}"
    before, now = _show(change.before), _show(change.after)
    return f"{what}: {change.name} changed from {before} to {now} {after}"


def _show(value: str | None) -> str:
    return "(none)" if value is None else json.dumps(value, ensure_ascii=False)


def _culprit(lineage: FileHistory | None, change: SealChange, reader: BlobReader) -> Commit | None:
    """The commit that made the item what it is in HEAD: walking the note's changes back
    from the newest, the oldest of those after which the item no longer had its sealed
    value. None when the note has no history here."""
    if lineage is None or not lineage.changes:
        return None
    wanted = change.item
    culprit: Change | None = None
    for step in reversed(lineage.changes):
        if _value(step, wanted, change.name, reader) == _sealed_value(wanted, change.name):
            break
        culprit = step
    return (culprit or lineage.changes[-1]).commit


_MISSING = object()


def _sealed_value(item: SealedItem, name: str | None) -> object:
    return item.values.get(name) if name is not None else True


def _value(step: Change, item: SealedItem, name: str | None, reader: BlobReader) -> object:
    """The item's ``name`` value in the note as ``step`` left it (for a removal: whether
    the item is there); _MISSING when the item is not there."""
    if step.new_blob is None:
        return _MISSING
    data = reader.read([step.new_blob]).get(step.new_blob)
    if data is None:
        return _MISSING
    try:
        items = _items(item.member, data, step.path)
    except InputError:
        return _MISSING
    for other in items:
        if other.key == item.key:
            return other.values.get(name) if name is not None else True
    return _MISSING
