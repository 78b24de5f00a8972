"""The audit: what a group that relies on honest accounting needs to know, from history.

Rules (each finding names the commit, its author and date, the file, what changed):

- ``commitment-changed``: a commitment's text or due date changed, or the commitment
  was removed, more than ``commitment_grace_hours`` (default 48) after its meeting
  started.
- ``report-changed``: the status of a report-back in the note for meeting D changed, or
  the report was removed, after the group's next meeting after D had started (by then
  the group has moved on; edits during and right after meeting D are corrections).
- ``other-author``: a member's note, or their profile after it was created, changed by
  a commit whose author email is not one of that member's emails in mastermind.yaml
  and not one of ``facilitators``.
- ``note-deleted``, ``profile-deleted``: a member's note or profile was deleted.
- ``moved-away``: a note or profile renamed or moved out of its place (to a path where
  it is not that member's file for that meeting): it no longer counts, as if deleted.
  The finding names the old path.
- ``unsigned``: with ``require_signed: true``, a commit that is not signed with a good
  signature of a known key (git's %G? is not "G").

The audit refuses (exit 2) where it could only guess: in a shallow clone, every note
would look added by whoever made its oldest commit; grafts and replace refs make
commits look other than they are.

Times are committer dates: when the change entered history. Old file contents come
from the same single ``git log`` pass (blob ids) and one ``git cat-file --batch``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mastermind_kit import history as git_history
from mastermind_kit import schedule
from mastermind_kit.errors import GitError, InputError
from mastermind_kit.history import Change, Commit, History
from mastermind_kit.load import parse_front_matter
from mastermind_kit.model import Group, parse_date
from mastermind_kit.repo import AGENDA, MEETINGS, MEMBERS, GroupRepo

RULES = {
    "commitment-changed": "a commitment added, removed, or its text or due date changed, "
    "later than the grace period after its meeting started",
    "report-changed": "a report-back added, removed, or its status changed, after the next "
    "meeting had started",
    "other-author": "a member's note or profile changed by someone who is not that member "
    "(nor a facilitator)",
    "note-deleted": "a member's note was deleted",
    "profile-deleted": "a member's profile was deleted",
    "moved-away": "a note or profile renamed or moved out of its place: it no longer counts",
    "unsigned": "a commit without a good signature from a known key (require_signed)",
}

_SIGNATURES = {
    "N": "not signed",
    "B": "bad signature",
    "U": "good signature of unknown validity",
    "X": "good signature that has expired",
    "Y": "good signature made by an expired key",
    "R": "good signature made by a revoked key",
    "E": "signature cannot be checked (unknown key)",
}


@dataclass(frozen=True)
class AuditFinding:
    rule: str
    commit: str
    author: str
    email: str
    date: dt.datetime
    path: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "commit": self.commit,
            "author": self.author,
            "email": self.email,
            "date": self.date.isoformat(),
            "path": self.path,
            "message": self.message,
        }


@dataclass
class AuditResult:
    findings: list[AuditFinding]
    warnings: list[str]
    commits: int  # commits examined


def audit_repo(repo: GroupRepo, *, since: dt.date | None = None) -> AuditResult:
    """Read the history once (with signatures when the group requires them) and audit it."""
    group = repo.group
    found = git_history.read(repo.root, signatures=group.require_signed)
    # Findings it cannot prove are accusations: with part of the past missing or
    # rewritten, every note looks added by whoever made the oldest commit in sight.
    if found.shallow:
        raise GitError(
            "this is a shallow clone: the history before its oldest commit is missing, so "
            "the audit cannot tell who wrote what",
            hint="run 'git fetch --unshallow' and audit again",
        )
    if found.rewritten:
        raise GitError(
            "grafts or replace refs rewrite this repository's history, so the audit cannot "
            "tell what was committed",
            hint="list them with 'git replace -l', remove them with 'git replace -d REF' "
            "(or .git/info/grafts), or audit a fresh clone",
        )
    return audit(group, found, since=since)


def _note_path(path: str) -> tuple[dt.date, str] | None:
    parts = path.split("/")
    if len(parts) == 3 and parts[0] == MEETINGS and parts[2].endswith(".md"):
        day = parse_date(parts[1])
        if day is not None and parts[2] != AGENDA:
            return day, parts[2][:-3]
    return None


def _profile_path(path: str) -> str | None:
    parts = path.split("/")
    if len(parts) == 2 and parts[0] == MEMBERS and parts[1].endswith(".md"):
        return parts[1][:-3]
    return None


def audit(group: Group, found: History, *, since: dt.date | None = None) -> AuditResult:
    """Findings in ``found`` (a history read with ``signatures`` when required)."""
    warnings = list(found.warnings)
    tz = schedule.zone(group)

    def recent(commit: Commit) -> bool:
        return since is None or commit.committed.astimezone(tz).date() >= since

    findings: list[AuditFinding] = []
    allowed = {e.lower() for e in group.facilitators}
    unchecked: set[str] = set()
    compare: list[tuple[Change, dt.date]] = []  # modified notes, with their meeting
    for lineage in found.lineages():
        for change in lineage.changes:
            commit = change.commit
            note = _note_path(change.path)
            owner = note[1] if note else _profile_path(change.path)
            if owner is not None and recent(commit):
                member = group.member(owner)
                created_profile = note is None and change.status in ("A", "C")
                if member is not None and not member.emails:
                    unchecked.add(owner)
                elif member is not None and not created_profile:
                    email = commit.author.email.lower()
                    if email not in {e.lower() for e in member.emails} and email not in allowed:
                        what = {"D": "deleted", "A": "created"}.get(change.status, "changed")
                        findings.append(
                            _finding(
                                "other-author",
                                change,
                                f"{owner}'s {'note' if note else 'profile'} {what} by "
                                f"{commit.author}, who is not {owner} (nor a facilitator)",
                            )
                        )
            if note is not None and change.status == "D" and recent(commit):
                findings.append(
                    _finding("note-deleted", change, f"note of {note[1]} for {note[0]} deleted")
                )
            if note is None and owner is not None and change.status == "D" and recent(commit):
                findings.append(_finding("profile-deleted", change, f"profile of {owner} deleted"))
            moved = _moved_away(change)
            if moved is not None and recent(commit):
                findings.append(_finding("moved-away", change, moved, path=change.old_path))
            if (
                note is not None
                and change.status in ("M", "R", "T")
                and change.old_blob
                and change.new_blob
                and change.old_blob != change.new_blob
                and recent(commit)
                and commit.committed > schedule.start(group, note[0])
            ):
                compare.append((change, note[0]))
    if compare:
        blobs = git_history.read_blobs(
            found.root, [b for c, _ in compare for b in (c.old_blob, c.new_blob) if b]
        )
        for change, meeting in compare:
            findings.extend(_content_findings(group, change, meeting, blobs))
    if group.require_signed:
        for commit in found.commits:
            if recent(commit) and commit.signature != "G":
                status = commit.signature or "N"
                why = _SIGNATURES.get(status, f"signature status {status}")
                key = f" (key {commit.signing_key})" if commit.signing_key else ""
                findings.append(
                    AuditFinding(
                        "unsigned",
                        commit.id,
                        commit.author.name,
                        commit.author.email,
                        commit.committed,
                        "",
                        f"commit {why}{key}; the group requires signed commits",
                    )
                )
    for member_id in sorted(unchecked):
        warnings.append(
            f"member '{member_id}' has no emails in mastermind.yaml: who edits their files "
            "is not checked"
        )
    findings.sort(key=lambda f: (f.date, f.commit, f.path, f.rule, f.message))
    return AuditResult(findings, warnings, len(found.commits))


def _moved_away(change: Change) -> str | None:
    """What a rename did to a note or profile, when it took it out of its place (to a
    path where it is not the same member's same file): a move hides a commitment as
    surely as a deletion."""
    if change.status != "R" or not change.old_path:
        return None
    before = _note_path(change.old_path)
    if before is not None:
        if _note_path(change.path) == before:
            return None
        what = f"note of {before[1]} for {before[0]}"
    else:
        owner = _profile_path(change.old_path)
        if owner is None or _profile_path(change.path) == owner:
            return None
        what = f"profile of {owner}"
    return f"{what} moved from {change.old_path} to {change.path}: it no longer counts there"


def _finding(rule: str, change: Change, message: str, *, path: str | None = None) -> AuditFinding:
    commit = change.commit
    return AuditFinding(
        rule,
        commit.id,
        commit.author.name,
        commit.author.email,
        commit.committed,
        path or change.path,
        message,
    )


def _front(blob: bytes | None, path: str) -> dict[str, Any] | None:
    if blob is None:
        return None
    text = blob.decode("utf-8", "replace").removeprefix("\ufeff").replace("\r\n", "\n")
    try:
        doc = parse_front_matter(text, Path(path))
    except InputError:
        return None  # that version did not parse; check reported it when it was committed
    return doc.data if isinstance(doc.data, dict) else None


def _by_id(data: dict[str, Any], key: str) -> dict[str, dict[str, Any]]:
    items = data.get(key)
    if not isinstance(items, list):
        return {}
    return {str(item["id"]): item for item in items if isinstance(item, dict) and "id" in item}


def _ago(delta: dt.timedelta) -> str:
    hours = delta.total_seconds() / 3600
    if hours < 48:
        return f"{hours:.0f} h"
    return f"{hours / 24:.1f} days"


def _content_findings(
    group: Group, change: Change, meeting: dt.date, blobs: dict[str, bytes]
) -> Iterator[AuditFinding]:
    before = _front(blobs.get(change.old_blob or ""), change.path)
    after = _front(blobs.get(change.new_blob or ""), change.path)
    if before is None or after is None:
        return
    when = change.commit.committed
    # In UTC, so that "48 hours later" is 48 real hours across a daylight-saving change.
    started = schedule.start(group, meeting).astimezone(dt.timezone.utc)
    grace = dt.timedelta(hours=group.commitment_grace_hours)
    if when > started + grace:
        hours = group.commitment_grace_hours
        late = f"{_ago(when - started)} after the meeting started (grace {hours} h)"
        new = _by_id(after, "commitments")
        earlier = _by_id(before, "commitments")
        for cid in sorted(new.keys() - earlier.keys()):
            yield _finding("commitment-changed", change, f"commitment {cid} added {late}")
        for cid, old in earlier.items():
            now = new.get(cid)
            if now is None:
                yield _finding("commitment-changed", change, f"commitment {cid} removed {late}")
                continue
            for key in ("text", "due"):
                if str(old.get(key)) != str(now.get(key)):
                    yield _finding(
                        "commitment-changed",
                        change,
                        f"commitment {cid}: {key} changed from {_show(old.get(key))} to "
                        f"{_show(now.get(key))} {late}",
                    )
    following = schedule.next_after(group, meeting)
    if following is None or when <= schedule.start(group, following):
        return
    new_reports = _by_id(after, "report")
    earlier_reports = _by_id(before, "report")
    for rid in sorted(new_reports.keys() - earlier_reports.keys()):
        yield _finding(
            "report-changed",
            change,
            f"report on {rid} added (status {_show(new_reports[rid].get('status'))}) "
            f"after the next meeting ({following}) started",
        )
    for rid, old in earlier_reports.items():
        now = new_reports.get(rid)
        if now is None:
            yield _finding(
                "report-changed",
                change,
                f"report on {rid} removed after the next meeting ({following}) started",
            )
        elif str(old.get("status")) != str(now.get("status")):
            yield _finding(
                "report-changed",
                change,
                f"report on {rid}: status changed from {_show(old.get('status'))} to "
                f"{_show(now.get('status'))} after the next meeting ({following}) started",
            )


def _show(value: Any) -> str:
    return "(none)" if value is None else json.dumps(str(value), ensure_ascii=False)


# -- rendering -------------------------------------------------------------------------------


def render_text(result: AuditResult) -> str:
    lines: list[str] = []
    for finding in result.findings:
        lines.append(
            f"{finding.date.isoformat()}  {finding.commit[:10]}  {finding.author} "
            f"<{finding.email}>  {finding.path or '-'}"
        )
        lines.append(f"  {finding.message} [{finding.rule}]")
    lines.extend(f"warning: {w}" for w in result.warnings)
    count = len(result.findings)
    lines.append(
        f"{count} finding(s) in {result.commits} commit(s)"
        if count
        else f"no findings in {result.commits} commit(s)"
    )
    return "\n".join(lines) + "\n"


def render_json(result: AuditResult) -> str:
    data = {
        "rules": RULES,
        "commits": result.commits,
        "findings": [f.to_dict() for f in result.findings],
        "warnings": result.warnings,
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
