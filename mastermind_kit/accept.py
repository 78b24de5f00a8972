"""Accepted audit findings: ``audit-accepted.yaml`` at the group root.

History is never rewritten to make a finding go away. When the group has talked a
finding through and accepts it (a due date fixed late by agreement, a note the
facilitator moved back), a facilitator records that, and why, with ``mastermind audit
--accept ID --reason TEXT``: one entry appended to the file. The audit then shows the
finding apart, as accepted with its reason, and it no longer fails the audit.

The file is audited like mastermind.yaml: an entry counts only when the commit that
added it was authored by a facilitator under the rules in force before that commit
(``additions`` says which commit added which entry; ``audit`` judges them).

Appending keeps the file's existing text byte for byte: the entry is added at the end,
in the file's own line ends, and the result must read back as the old entries plus
the new one before it is written (atomically).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

from mastermind_kit import schema
from mastermind_kit.errors import InputError, UsageError
from mastermind_kit.fsutil import atomic_write, os_errors, refuse_links
from mastermind_kit.history import BlobReader, Change, History
from mastermind_kit.load import blob_text, parse_yaml
from mastermind_kit.model import Acceptance, Group
from mastermind_kit.repo import ACCEPTED, GroupRepo

if TYPE_CHECKING:
    from mastermind_kit.audit import AuditResult

__all__ = ["HEADER", "accept", "additions", "append", "entry_text", "may_accept"]

HEADER = """\
# Findings of 'mastermind audit' that the group's facilitators accepted, and why.
# Added by 'mastermind audit --accept ID --reason TEXT' (facilitators only). The audit
# checks this file like mastermind.yaml: an entry added by someone who was not a
# facilitator then does not count, and is itself a finding. Format: docs/format.md.
schema: 1
accepted:
"""


def entry_text(entry: Acceptance, indent: str = "  ") -> str:
    """One entry as YAML lines under ``accepted:``; every value quoted, so that an id of
    digits stays text and a reason reads back as written."""
    pad = indent + "  "
    on = entry.accepted_on.isoformat() if entry.accepted_on else ""
    return (
        f"{indent}- id: {json.dumps(entry.id)}\n"
        f"{pad}rule: {json.dumps(entry.rule)}\n"
        f"{pad}commit: {json.dumps(entry.commit)}\n"
        f"{pad}path: {json.dumps(entry.path, ensure_ascii=False)}\n"
        f"{pad}reason: {json.dumps(entry.reason, ensure_ascii=False)}\n"
        f"{pad}accepted_by: {json.dumps(entry.accepted_by, ensure_ascii=False)}\n"
        f"{pad}accepted_on: {on}\n"
    )


def may_accept(group: Group, email: str | None) -> str:
    """``email`` when it is a facilitator's (``group``: the rules in force now, with the
    facilitators the group made, not one who made themselves one); else UsageError."""
    if email is None:
        raise UsageError(
            "git has no user.email here: only a facilitator may accept a finding",
            hint="set it with 'git config user.email ...'",
        )
    if not group.is_facilitator(email):
        who = (
            "nobody: the group has no facilitators"
            if not group.facilitators
            else ("a facilitator (facilitators in mastermind.yaml)")
        )
        raise UsageError(f"{email} may not accept findings: only {who} may")
    return email


def accept(
    repo: GroupRepo,
    result: AuditResult,
    finding_id: str,
    reason: str,
    *,
    email: str | None,
    today: dt.date,
) -> Acceptance:
    """Append the acceptance of the open finding ``finding_id`` of ``result`` (an
    audit of ``repo``'s whole history) by ``email``, a facilitator, and return it."""
    accepted_by = may_accept(result.rules or repo.group, email)
    reason = " ".join(reason.split())
    if not reason:
        raise UsageError("--reason must say why the group accepts the finding")
    for done, acceptance in result.accepted:
        if done.id == finding_id:
            raise UsageError(
                f"finding {finding_id} is accepted already (by {acceptance.accepted_by} on "
                f"{acceptance.accepted_on}, {ACCEPTED} line {acceptance.line})"
            )
    finding = next((f for f in result.findings if f.id == finding_id), None)
    if finding is None:
        raise UsageError(
            f"no open finding {finding_id} in this repository's history",
            hint="'mastermind audit' shows each finding's id",
        )
    listed = next((a for a in repo.acceptances()[0] if a.id == finding_id), None)
    if listed is not None:
        # Listed, yet open: the entry was added by someone who was not a facilitator.
        raise UsageError(
            f"finding {finding_id} is in {ACCEPTED} (line {listed.line}), added by someone who "
            "was not a facilitator, so it does not count",
            hint="remove that entry and commit, then accept it again",
        )
    entry = Acceptance(
        id=finding.id,
        rule=finding.rule,
        commit=finding.commit,
        path=finding.path,
        reason=reason,
        accepted_by=accepted_by,
        accepted_on=today,
    )
    append(repo, entry)
    return entry


def append(repo: GroupRepo, entry: Acceptance) -> Path:
    """Add ``entry`` at the end of audit-accepted.yaml (made with a header when missing),
    keeping the existing text byte for byte; refused when the result would not read
    back as the old entries and the new one."""
    path = repo.root / ACCEPTED
    refuse_links(repo.root, path, ACCEPTED)
    if not path.exists():
        with os_errors(ACCEPTED):
            atomic_write(path, _checked(HEADER + entry_text(entry), [], entry))
        return path
    if not path.is_file():
        raise UsageError(f"{ACCEPTED} is not a regular file; nothing was written")
    entries, loaded = repo.acceptances()
    if not loaded.ok:
        raise UsageError(
            f"{ACCEPTED} has errors; nothing was written",
            hint=f"run 'mastermind check {ACCEPTED}'",
        )
    old = path.read_bytes()
    eol = b"\r\n" if b"\r\n" in old else b"\n"
    joint = eol if old and not old.endswith(b"\n") else b""
    earlier = [a.id for a in entries]
    for indent in ("  ", ""):  # the entries' indent: ours, or a list at the key's column
        added = entry_text(entry, indent).encode("utf-8").replace(b"\n", eol)
        new = old + joint + added
        try:
            text = new.decode("utf-8").removeprefix("\ufeff").replace("\r\n", "\n")
            _checked(text, earlier, entry)
        except UsageError:
            continue
        with os_errors(ACCEPTED):
            atomic_write(path, new)
        return path
    raise UsageError(
        f"cannot append to {ACCEPTED}: its entries are not a list at the end of the file; "
        "nothing was written",
        hint=f"add this entry under 'accepted:' by hand:\n{entry_text(entry)}",
    )


def _checked(text: str, earlier: list[str], entry: Acceptance) -> str:
    """``text`` when it reads back, valid, as the ``earlier`` entries then ``entry``."""
    try:
        doc = parse_yaml(text, Path(ACCEPTED))
    except InputError as error:
        raise UsageError(f"{ACCEPTED} would not read back: {error.message}") from None
    problems = [f for f in schema.validate(doc, "accepted") if f.severity == "error"]
    ids = _ids_of(doc.data)
    if problems or ids != [*earlier, entry.id]:
        said = problems[0].message if problems else "its entries would not be the old ones and this"
        raise UsageError(f"{ACCEPTED} would not read back: {said}")
    return text


def _ids_of(data: object) -> list[str] | None:
    """The ids of the entries of one version of the file; None when it is not one."""
    if not isinstance(data, dict):
        return None
    entries = data.get("accepted")
    if entries is None:
        return []
    if not isinstance(entries, list):
        return None
    return [str(e["id"]) for e in entries if isinstance(e, dict) and "id" in e]


def additions(found: History, reader: BlobReader) -> tuple[list[tuple[Change, str]], set[str]]:
    """Which commit added which entry (by id) of audit-accepted.yaml, oldest first, and
    the ids in its last committed version. An entry is added by the commit whose
    version lists it where the version before did not (a version that does not parse
    names its entries all the same: they are added by its author, not by whoever mends
    it)."""
    lineage = found.file(ACCEPTED)
    if lineage is None:
        return [], set()
    changes = [c for c in lineage.changes if c.path == ACCEPTED]
    texts = reader.read(c.new_blob for c in changes if c.new_blob)
    known: set[str] = set()
    added: list[tuple[Change, str]] = []
    for change in changes:
        if change.new_blob is None:
            known = set()  # deleted: adding it again adds its entries again
            continue
        ids = _version_ids(texts.get(change.new_blob))
        if ids is None:
            continue
        added.extend((change, ident) for ident in dict.fromkeys(ids) if ident not in known)
        known = set(ids)
    return added, known


def _version_ids(data: bytes | None) -> list[str] | None:
    if data is None:
        return None
    text = blob_text(data)
    try:
        doc = parse_yaml(text, Path(ACCEPTED))
    except InputError:
        # A version that does not parse still adds what it names: its author, not the
        # one who mends it, added those entries.
        return _ID_LIKE.findall(text)
    return _ids_of(doc.data)


_ID_LIKE = re.compile(r"\bid:\s*[\"']?([0-9a-f]{12})\b")
