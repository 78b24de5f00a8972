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
- ``committed-by-other``: a member's file authored as that member but committed by
  someone who is neither them, nor a facilitator, nor in ``trusted_committers`` (a
  hosting service's merge identity, say).
- ``backdated-commit``: a commit whose committer date is before its parent's.
- ``config-changed``, ``self-facilitator``, ``excused-late``, ``membership-backdated``:
  changes to mastermind.yaml's rules themselves (see ``_config_findings``).

Each commit is judged under the rules in force before it: the config as it stood in
the commit's parent (the last version of mastermind.yaml earlier in history). A change
to the config takes effect for later commits only and never rewrites the past: findings
made before it are still reported after it. (In a history with merges, "before" is git's
date order with parents first, which is the parent's config on a straight line.)

The audit refuses (exit 2) where it could only guess: in a shallow clone, every note
would look added by whoever made its oldest commit; grafts and replace refs make
commits look other than they are.

Times are committer dates: when the change entered history. Old file contents come
from the same single ``git log`` pass (blob ids) and one ``git cat-file --batch``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mastermind_kit import history as git_history
from mastermind_kit import schedule, schema
from mastermind_kit.errors import GitError, InputError
from mastermind_kit.history import Change, Commit, History
from mastermind_kit.load import parse_front_matter, parse_yaml
from mastermind_kit.model import Group, parse_date
from mastermind_kit.repo import AGENDA, CONFIG, MEETINGS, MEMBERS, GroupRepo, group_from

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
    "committed-by-other": "a member's file authored as that member but committed by someone "
    "else (neither a facilitator nor a trusted committer)",
    "backdated-commit": "a commit dated before its parent (a wrong clock, or backdating)",
    "config-changed": "mastermind.yaml's rules (facilitators, members' emails and dates, grace "
    "hours, signing, excused) changed by someone who was not a facilitator before",
    "self-facilitator": "someone made themselves a facilitator",
    "excused-late": "an excused absence added after its meeting had started",
    "membership-backdated": "a member's joined or left date moved so that meetings already "
    "held no longer count for them",
}

# What the audit can prove and what it cannot, said once (docs/accountability.md).
LIMITS = (
    "Each commit is judged by the rules in force before it: mastermind.yaml as it stood "
    "in the commit's parent. A change to the rules counts for later commits only, never "
    "for the past, and is itself audited: findings made before it are still reported "
    "after it.",
    "Git's dates and identities are claims: anyone can commit as anyone, at any date. "
    "The audit reports what history claims and where the claims contradict each other "
    "(a commit dated before its parent; authored as one member, committed by another). "
    "Only signed commits (require_signed: true, with the members' keys) tie a change "
    "to a person.",
    "A member with push rights can rewrite history: amend, rebase and force-push. The "
    "audit sees only the history it is given; branch protection on the host (no force "
    "pushes to main) is the stronger guard.",
    "It refuses (exit 2) to judge an incomplete history, a shallow clone or one with "
    "grafts or replace refs, rather than accuse whoever made the oldest commit in sight.",
)

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
    unchecked: set[str] = set()
    compare: list[tuple[Change, dt.date]] = []  # modified notes, with their meeting
    with git_history.BlobReader(found.root) as reader:
        rules = _Configs(group, found, reader)
        for lineage in found.lineages():
            for change in lineage.changes:
                if not recent(change.commit):
                    continue
                in_force = rules.before(change.commit)
                findings.extend(_file_findings(in_force, change, unchecked))
                note = _note_path(change.path)
                if (
                    note is not None
                    and change.status in ("M", "R", "T")
                    and change.old_blob
                    and change.new_blob
                    and change.old_blob != change.new_blob
                    and change.commit.committed > schedule.start(in_force, note[0])
                ):
                    compare.append((change, note[0]))
        if compare:
            blobs = reader.read(b for c, _ in compare for b in (c.old_blob, c.new_blob) if b)
            for change, meeting in compare:
                findings.extend(
                    _content_findings(rules.before(change.commit), change, meeting, blobs)
                )
        findings.extend(
            f for f in rules.findings() if since is None or f.date.astimezone(tz).date() >= since
        )
    findings.extend(_backdated(found, recent))
    signed = [c for c in found.commits if recent(c) and rules.before(c).require_signed]
    if signed and not found.signatures:
        # Signing was required then, not now: the log was read without signatures, so
        # those commits' are read now (one more git process, only in this case).
        checked = git_history.signatures(found.root, [c.id for c in signed])
        signed = [
            c._replace(
                signature=checked.get(c.id, ("N", ""))[0] or "N",
                signing_key=checked.get(c.id, ("N", ""))[1] or None,
            )
            for c in signed
        ]
    for commit in signed:
        if commit.signature != "G":
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
                    f"commit {why}{key}; the group required signed commits then",
                )
            )
    for member_id in sorted(unchecked):
        warnings.append(
            f"member '{member_id}' has no emails in mastermind.yaml: who edits their files "
            "is not checked"
        )
    findings.sort(key=lambda f: (f.date, f.commit, f.path, f.rule, f.message))
    return AuditResult(findings, warnings, len(found.commits))


def _file_findings(group: Group, change: Change, unchecked: set[str]) -> Iterator[AuditFinding]:
    """Who changed a member's file, and whether it left its place: judged by ``group``,
    the rules in force before the commit."""
    note = _note_path(change.path)
    owner = note[1] if note else _profile_path(change.path)
    if owner is not None:
        member = group.member(owner)
        created_profile = note is None and change.status in ("A", "C")
        if member is not None and not member.emails:
            unchecked.add(owner)
        elif member is not None and not created_profile:
            yield from _identity(group, member.emails, owner, note is not None, change)
    if note is not None and change.status == "D":
        yield _finding("note-deleted", change, f"note of {note[1]} for {note[0]} deleted")
    if note is None and owner is not None and change.status == "D":
        yield _finding("profile-deleted", change, f"profile of {owner} deleted")
    moved = _moved_away(change)
    if moved is not None:
        yield _finding("moved-away", change, moved, path=change.old_path)


def _identity(
    group: Group, emails: list[str], owner: str, is_note: bool, change: Change
) -> Iterator[AuditFinding]:
    """A member's file changed by someone else (other-author), or authored as them and
    committed by someone else (committed-by-other)."""
    commit = change.commit
    own = {e.lower() for e in emails}
    author, committer = commit.author.email.lower(), commit.committer.email.lower()
    what = {"D": "deleted", "A": "created"}.get(change.status, "changed")
    kind = "note" if is_note else "profile"
    if author not in own and not group.is_facilitator(author):
        yield _finding(
            "other-author",
            change,
            f"{owner}'s {kind} {what} by {commit.author}, who is not {owner} (nor a facilitator)",
        )
    elif (
        committer != author
        and committer not in own
        and not group.is_facilitator(committer)
        and committer not in {t.lower() for t in group.trusted_committers}
    ):
        yield _finding(
            "committed-by-other",
            change,
            f"{owner}'s {kind} {what}: authored as {commit.author}, committed by "
            f"{commit.committer}, who is neither {owner}, a facilitator nor a trusted "
            "committer",
        )


def _backdated(found: History, recent: Any) -> Iterator[AuditFinding]:
    """Commits dated before a parent of theirs."""
    when = {c.id: c.committed for c in found.commits}
    for commit in found.commits:
        if not recent(commit):
            continue
        for parent in commit.parents:
            before = when.get(parent)
            if before is not None and commit.committed < before:
                yield AuditFinding(
                    "backdated-commit",
                    commit.id,
                    commit.author.name,
                    commit.author.email,
                    commit.committed,
                    "",
                    f"committed {commit.committed.isoformat()}, before its parent "
                    f"{parent[:10]} ({before.isoformat()}): a wrong clock or a backdated "
                    "commit; its times prove nothing",
                )
                break


# -- the rules in force, and changes to them -------------------------------------------------


class _Configs:
    """Every version of mastermind.yaml in history, parsed, and which was in force
    before each commit."""

    def __init__(self, current: Group, found: History, reader: git_history.BlobReader) -> None:
        self.current = current
        self.order = {c.id: i for i, c in enumerate(found.commits)}
        lineage = found.file(CONFIG)
        changes = lineage.changes if lineage is not None else []
        texts = reader.read(c.new_blob for c in changes if c.new_blob)
        self.versions: list[tuple[int, Group, Change]] = []
        for change in changes:
            parsed = _config(texts.get(change.new_blob or ""))
            if parsed is not None and change.commit.id in self.order:
                self.versions.append((self.order[change.commit.id], parsed, change))
        self.versions.sort(key=lambda v: v[0])
        self.starts = [v[0] for v in self.versions]

    def before(self, commit: Commit) -> Group:
        """The config in force before ``commit``: its last version made by an earlier
        commit (the first version, for commits before there was one)."""
        if not self.versions:
            return self.current
        at = bisect.bisect_left(self.starts, self.order.get(commit.id, len(self.order)))
        return self.versions[max(at - 1, 0)][1]

    def findings(self) -> Iterator[AuditFinding]:
        for i in range(1, len(self.versions)):
            _, after, change = self.versions[i]
            before = self.versions[i - 1][1]
            yield from _config_findings(before, after, change)


def _config(data: bytes | None) -> Group | None:
    """A version of mastermind.yaml as the model, or None when it was not valid."""
    if data is None:
        return None
    text = data.decode("utf-8", "replace").removeprefix("\ufeff").replace("\r\n", "\n")
    try:
        doc = parse_yaml(text, Path(CONFIG))
        if any(f.severity == "error" for f in schema.validate(doc, "config")):
            return None
        return group_from(doc)
    except (InputError, KeyError, TypeError, ValueError):
        return None


def _config_findings(before: Group, after: Group, change: Change) -> Iterator[AuditFinding]:
    """What a change to mastermind.yaml did to the rules, judged by the rules before it:

    - ``self-facilitator``: the committing author's email added to ``facilitators``,
      whoever they are;
    - ``excused-late``: an ``excused`` entry added after its meeting started, whoever
      added it (an absence is excused beforehand);
    - ``membership-backdated``: ``left`` set or moved earlier, or ``joined`` moved
      later, so that meetings held before the change no longer count, whoever did it;
    - ``config-changed``: any change to the rules (facilitators, members' emails,
      joined and left, ``commitment_grace_hours``, ``require_signed``, ``excused``,
      ``trusted_committers``) by someone who was not a facilitator; in a group without
      facilitators, only the changes that give someone more leeway: grace hours raised,
      signing switched off, emails added to another member, trusted committers added.
    """
    commit = change.commit
    email = commit.author.email.lower()
    when = commit.committed
    was_facilitator = before.is_facilitator(email)
    if email in {f.lower() for f in after.facilitators} - {f.lower() for f in before.facilitators}:
        yield _finding(
            "self-facilitator",
            change,
            f"{commit.author} made themselves a facilitator (a facilitator may edit "
            "anyone's files)",
        )
    earlier = set(before.excused)
    for excuse in after.excused:
        if excuse not in earlier and schedule.start(after, excuse.meeting) < when:
            yield _finding(
                "excused-late",
                change,
                f"{excuse.member} excused from the meeting of {excuse.meeting} after it had "
                "started",
            )
    held = schedule.meetings(before, until=schedule.local_date(before, when))
    held = [d for d in held if schedule.start(before, d) < when]
    for member in after.members:
        old = before.member(member.id)
        if old is None:
            continue
        lost = [d for d in held if old.active_on(d) and not member.active_on(d)]
        if lost:
            shown = ", ".join(str(d) for d in lost[:3]) + (" ..." if len(lost) > 3 else "")
            yield _finding(
                "membership-backdated",
                change,
                f"{member.id}'s joined/left changed (joined {old.joined} -> {member.joined}, "
                f"left {old.left} -> {member.left}): {len(lost)} meeting(s) already held no "
                f"longer count for them ({shown})",
            )
    if was_facilitator:
        return
    changed = _rule_changes(before, after, loose=not before.facilitators)
    if changed:
        yield _finding(
            "config-changed",
            change,
            f"the group's rules changed by {commit.author}, who was not a facilitator: "
            + "; ".join(changed),
        )


def _rule_changes(before: Group, after: Group, *, loose: bool) -> list[str]:
    """The rule changes between two configs; with ``loose`` (no facilitators), only
    those that give someone more leeway."""
    said = []
    if after.commitment_grace_hours != before.commitment_grace_hours and (
        not loose or after.commitment_grace_hours > before.commitment_grace_hours
    ):
        said.append(
            f"commitment_grace_hours {before.commitment_grace_hours} -> "
            f"{after.commitment_grace_hours}"
        )
    if after.require_signed != before.require_signed and (not loose or before.require_signed):
        said.append(
            f"require_signed {_yaml(before.require_signed)} -> {_yaml(after.require_signed)}"
        )
    for key in ("facilitators", "trusted_committers"):
        old = sorted(e.lower() for e in getattr(before, key))
        new = sorted(e.lower() for e in getattr(after, key))
        if old != new and (not loose or set(new) - set(old)):
            said.append(f"{key} {old} -> {new}")
    for member in after.members:
        old_member = before.member(member.id)
        if old_member is None:
            if not loose:
                said.append(f"member {member.id} added")
            continue
        added = {e.lower() for e in member.emails} - {e.lower() for e in old_member.emails}
        if added or (not loose and member.emails != old_member.emails):
            said.append(f"{member.id}'s emails {old_member.emails} -> {member.emails}")
        if not loose and (member.joined, member.left) != (old_member.joined, old_member.left):
            said.append(f"{member.id}'s joined/left changed")
    if not loose and set(after.excused) != set(before.excused):
        said.append("excused changed")
    return said


def _yaml(value: bool) -> str:
    return "true" if value else "false"


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
