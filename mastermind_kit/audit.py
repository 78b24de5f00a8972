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
import dataclasses
import datetime as dt
import json
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from mastermind_kit import accept, schedule, schema, signing
from mastermind_kit import history as git_history
from mastermind_kit.errors import GitError, InputError
from mastermind_kit.findings import AuditFinding
from mastermind_kit.history import Change, Commit, History
from mastermind_kit.load import blob_text, parse_front_matter, parse_yaml
from mastermind_kit.model import Acceptance, Group, parse_date
from mastermind_kit.repo import (
    ACCEPTED,
    AGENDA,
    CONFIG,
    MEETINGS,
    MEMBERS,
    GroupRepo,
    group_from,
)
from mastermind_kit.signing import Keyring

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
    "unsigned": "a commit without a good signature, or signed with a key that is not in the "
    "author's profile (signing_keys), where the group required signed commits (require_signed)",
    "committed-by-other": "a member's file authored as that member but committed by someone "
    "else (neither a facilitator nor a trusted committer)",
    "backdated-commit": "a commit dated before its parent (a wrong clock, or backdating)",
    "config-changed": "mastermind.yaml's rules (facilitators, members' emails and dates, grace "
    "hours, signing, excused) changed by someone who was not a facilitator before",
    "self-facilitator": "someone made themselves a facilitator",
    "excused-late": "an excused absence added after its meeting had started",
    "membership-backdated": "a member's joined or left date moved so that meetings already "
    "held no longer count for them",
    "seal-broken": "a meeting's seal (mastermind seal) no longer holds: its commit left HEAD's "
    "history (history rewritten after the meeting), its record no longer matches that commit's "
    "notes, or its signature does not verify",
    "sealed-changed": "a commitment's text or due date, or a report-back's status, recorded by "
    "its meeting's seal, is different in HEAD (whatever the grace period)",
    "accepted-by-non-facilitator": "an entry of audit-accepted.yaml added by someone who was not "
    "a facilitator: the finding it names still counts",
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
    "A commit on a side branch is judged at the date it claims, however late it is "
    "merged; a facilitator's seal still catches any change to what it sealed. "
    "Only signed commits (require_signed: true, with the members' keys) tie a change "
    "to a person.",
    "A member with push rights can rewrite history: amend, rebase and force-push. The "
    "audit sees only the history it is given; branch protection on the host (no force "
    "pushes to main) is the stronger guard.",
    "It refuses (exit 2) to judge an incomplete history, a shallow clone or one with "
    "grafts or replace refs, rather than accuse whoever made the oldest commit in sight.",
    "Accepting a finding (audit --accept, facilitators only) changes no history: the "
    "finding is still shown, apart, with who accepted it, when and why, and the entry in "
    "audit-accepted.yaml is audited like the rules themselves.",
    "A signature counts for the member whose profile lists the key, as the profiles are "
    "now: after rotating a key, keep the old one listed, or the commits signed with it no "
    "longer count.",
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


@dataclass
class AuditResult:
    findings: list[AuditFinding]  # open: not accepted
    warnings: list[str]
    commits: int  # commits examined
    # Accepted in audit-accepted.yaml by a facilitator, with the entry that accepts each.
    accepted: list[tuple[AuditFinding, Acceptance]] = field(default_factory=list)
    uncommitted: set[str] = field(default_factory=set)  # ids whose entry is not committed yet
    # The rules in force after the last commit, with the facilitators the group made
    # (not one who made themselves one): who may accept a finding now.
    rules: Group | None = None


def audit_repo(repo: GroupRepo, *, since: dt.date | None = None) -> AuditResult:
    """Read the history once (with signatures when the group requires them) and audit it."""
    group = repo.group
    # git checks SSH signatures against the keys in the profiles, and nothing else.
    keyring = signing.keyring(repo)
    signers = signing.allowed_signers(group.members, keyring)
    found = git_history.read(repo.root, signatures=group.require_signed, allowed_signers=signers)
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
    start = _imported_start(group, found)
    if start is not None and (since is None or since < schedule.local_date(group, start[0])):
        when, notes = start
        raise GitError(
            f"the group's history here starts on {when.date()} with a commit that adds "
            f"{CONFIG} together with {notes} note(s) of meetings held before it: the history "
            "before it (the group moved into this folder, or was copied from elsewhere) is "
            "missing, so the audit cannot tell who wrote those",
            hint=f"audit a clone that has it, or audit from there on with --since {when.date()}",
        )
    return audit(
        group,
        found,
        since=since,
        accepted=repo.acceptances()[0],
        keyring=keyring,
        allowed_signers=signers,
    )


def _imported_start(group: Group, found: History) -> tuple[dt.datetime, int] | None:
    """When the commit that first adds mastermind.yaml also adds notes of meetings that
    had started before it: (its date, how many). A group's history starts with its
    config (``mastermind init``); notes of earlier meetings arriving with it mean the
    commits that wrote them are somewhere else."""
    order = {c.id: i for i, c in enumerate(found.commits)}
    adds = [
        change.commit
        for lineage in found.lineages()
        for change in lineage.changes[:1]
        if change.path == CONFIG and change.commit.id in order
    ]
    if not adds:
        return None
    first = min(adds, key=lambda commit: order[commit.id])
    old = 0
    for lineage in found.lineages():
        change = lineage.changes[0]
        note = _note_path(change.path)
        if change.commit.id == first.id and note is not None:
            try:
                if schedule.start(group, note[0]) < first.committed:
                    old += 1
            except (OverflowError, ValueError):
                continue
    return (first.committed, old) if old else None


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


def audit(
    group: Group,
    found: History,
    *,
    since: dt.date | None = None,
    accepted: Sequence[Acceptance] = (),
    keyring: Keyring | None = None,
    allowed_signers: str | None = None,
) -> AuditResult:
    """Findings in ``found`` (a history read with ``signatures`` when required, git
    given ``allowed_signers``), with those ``accepted`` in audit-accepted.yaml apart.
    With ``keyring`` (the profiles' keys) a good signature must be the author's own;
    without, any good signature counts."""
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
        from mastermind_kit.seal import audit_findings as seal_findings  # the meetings' seals

        facilitators = rules.now().facilitators  # those the group made
        findings.extend(seal_findings(found, reader, facilitators=facilitators))
        findings.extend(
            f for f in rules.findings() if since is None or f.date.astimezone(tz).date() >= since
        )
        added, committed = accept.additions(found, reader)
    # An acceptance counts when a facilitator (under the rules before the commit) added
    # its entry; the last commit that added an id decides.
    refused: set[str] = set()
    for change, ident in added:
        if _by_facilitator(rules.before(change.commit), change.commit):
            refused.discard(ident)
            continue
        refused.add(ident)
        if recent(change.commit):
            findings.append(
                _finding(
                    "accepted-by-non-facilitator",
                    change,
                    f"finding {ident} accepted by {change.commit.author}, who was not a "
                    "facilitator: the acceptance does not count",
                    subject=ident,
                )
            )
    findings.extend(_backdated(found, recent))
    signed = [c for c in found.commits if recent(c) and rules.before(c).require_signed]
    if signed and not found.signatures:
        # Signing was required then, not now: the log was read without signatures, so
        # those commits' are read now (one more git process, only in this case).
        checked = git_history.signatures(
            found.root, [c.id for c in signed], allowed_signers=allowed_signers
        )
        signed = [
            c._replace(
                signature=checked.get(c.id, ("N", "", ""))[0] or "N",
                signing_key=checked.get(c.id, ("N", "", ""))[1] or None,
                signing_primary=checked.get(c.id, ("N", "", ""))[2] or None,
            )
            for c in signed
        ]
    for commit in signed:
        problem = None
        if commit.signature != "G":
            status = commit.signature or "N"
            why = _SIGNATURES.get(status, f"signature status {status}")
            key = f" (key {commit.signing_key})" if commit.signing_key else ""
            problem = f"commit {why}{key}"
        elif keyring is not None:
            # Git vouches for the signature, not for whose it is: that is the profiles'.
            wrong = keyring.judge(
                rules.before(commit),
                commit.author.email,
                commit.signing_key,
                commit.signing_primary,
            )
            problem = f"commit {wrong}" if wrong else None
        if problem:
            findings.append(
                AuditFinding(
                    "unsigned",
                    commit.id,
                    commit.author.name,
                    commit.author.email,
                    commit.committed,
                    "",
                    f"{problem}; the group required signed commits then",
                )
            )
    for member_id in sorted(unchecked):
        warnings.append(
            f"member '{member_id}' has no emails in mastermind.yaml: who edits their files "
            "is not checked"
        )
    findings = _distinct(findings)
    findings.sort(key=lambda f: (f.date, f.commit, f.path, f.rule, f.message))
    # Not committed yet: counts for whoever runs the audit, if a facilitator wrote it.
    pending = {ident for ident in {a.id for a in accepted} if ident not in committed}
    now = rules.now()
    counted = {
        a.id: a
        for a in accepted
        if a.id not in refused and (a.id not in pending or now.is_facilitator(a.accepted_by))
    }
    if since is None:
        seen = {f.id for f in findings}
        warnings.extend(
            f"{ACCEPTED} line {a.line}: accepted finding {a.id} ({a.rule}) is no longer found"
            for a in accepted
            if a.id not in seen
        )
    return AuditResult(
        [f for f in findings if f.id not in counted],
        warnings,
        len(found.commits),
        [(f, counted[f.id]) for f in findings if f.id in counted],
        {ident for ident in counted if ident not in committed},
        now,
    )


def _distinct(findings: list[AuditFinding]) -> list[AuditFinding]:
    """Findings with an id each: where a rule found several things in one commit and
    file without naming a subject, their messages tell them apart."""
    ids = Counter(f.id for f in findings)
    return [
        replace(f, subject=f.message) if ids[f.id] > 1 and not f.subject else f for f in findings
    ]


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
    if change.path in (CONFIG, ACCEPTED):
        # The rules and the acceptances: whoever commits them answers for them too.
        commit = change.commit
        author, committer = commit.author.email.lower(), commit.committer.email.lower()
        trusted = {t.lower() for t in group.trusted_committers}
        if (
            committer != author
            and not group.is_facilitator(committer)
            and committer not in trusted
            and group.is_facilitator(author)
        ):
            yield _finding(
                "committed-by-other",
                change,
                f"{change.path} changed: authored as {commit.author}, a facilitator, "
                f"committed by {commit.committer}, who is neither a facilitator nor a "
                "trusted committer",
            )


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
    before each commit.

    Only commits that write the file at its own path count: a file renamed into place
    brings its content as a change made by that commit, never its own earlier history.
    A version that is not valid (the checker rejects it) sets no rules: the last valid
    one stays in force, and the changes it carried are charged to its author when the
    next valid version comes. Facilitators are those of the first version and those
    added by a facilitator: a member who makes themselves one (a finding) gains no
    facilitator's rights, whatever the file says."""

    def __init__(self, current: Group, found: History, reader: git_history.BlobReader) -> None:
        self.current = current
        self.order = {c.id: i for i, c in enumerate(found.commits)}
        changes = sorted(
            (
                change
                for lineage in found.lineages()
                for change in lineage.changes
                if change.path == CONFIG and change.commit.id in self.order
            ),
            key=lambda change: self.order[change.commit.id],
        )
        texts = reader.read(c.new_blob for c in changes if c.new_blob)
        # Every step, valid or not (None), and the valid versions with the facilitators
        # the group itself made (the rules in force: ``before``).
        self.steps: list[tuple[Change, Group | None]] = [
            (change, _config(texts.get(change.new_blob or "")) if change.new_blob else None)
            for change in changes
        ]
        self.versions: list[tuple[int, Group, Change]] = []
        self.raw: list[Group] = []
        self._findings: list[AuditFinding] = []
        self._walk()
        self.starts = [v[0] for v in self.versions]

    def _walk(self) -> None:
        legit: set[str] | None = None
        last: Group | None = None  # the last valid version, as written
        gap: list[Change] = []  # commits since it: invalid versions, deletions
        for change, parsed in self.steps:
            gap.append(change)
            if parsed is None:
                continue
            if last is None or legit is None:
                legit = {f.lower() for f in parsed.facilitators}
            else:
                in_force = dataclasses.replace(last, facilitators=sorted(legit))
                by_facilitators = all(_by_facilitator(in_force, c.commit) for c in gap)
                self._findings.extend(_config_findings(in_force, last, parsed, gap))
                listed = {f.lower() for f in parsed.facilitators}
                if by_facilitators:
                    legit = listed
                elif not legit:
                    # A group without facilitators has nobody to ask: whom its members
                    # name counts, except someone naming themselves.
                    legit = listed - {c.commit.author.email.lower() for c in gap}
                else:
                    legit &= listed
            last = parsed
            gap = []
            self.raw.append(parsed)
            self.versions.append(
                (
                    self.order[change.commit.id],
                    dataclasses.replace(parsed, facilitators=sorted(legit)),
                    change,
                )
            )

    def before(self, commit: Commit) -> Group:
        """The config in force before ``commit``: its last valid version made by an
        earlier commit (the first version, for commits before there was one), with the
        facilitators the group made."""
        if not self.versions:
            return self.current
        at = bisect.bisect_left(self.starts, self.order.get(commit.id, len(self.order)))
        return self.versions[max(at - 1, 0)][1]

    def now(self) -> Group:
        """The rules in force after the last commit (for what is not committed yet)."""
        return self.versions[-1][1] if self.versions else self.current

    def findings(self) -> list[AuditFinding]:
        return self._findings


def _by_facilitator(in_force: Group, commit: Commit) -> bool:
    """Whether ``commit`` was authored and committed by facilitators (or committed by a
    trusted committer for a facilitator author)."""
    author, committer = commit.author.email.lower(), commit.committer.email.lower()
    if not in_force.is_facilitator(author):
        return False
    trusted = {t.lower() for t in in_force.trusted_committers}
    return committer == author or in_force.is_facilitator(committer) or committer in trusted


# Numbers beyond these are no rules the tool can compute with: such a version is invalid.
_MAX_GRACE_HOURS = 1_000_000  # 114 years: beyond it, dates overflow


def _config(data: bytes | None) -> Group | None:
    """A version of mastermind.yaml as the model, or None when it was not valid."""
    if data is None:
        return None
    text = blob_text(data)
    try:
        doc = parse_yaml(text, Path(CONFIG))
        if any(f.severity == "error" for f in schema.validate(doc, "config")):
            return None
        group = group_from(doc)
    except (InputError, KeyError, TypeError, ValueError, OverflowError):
        return None
    if not schedule.valid_timezone(group.timezone):
        return None
    if not 0 <= group.commitment_grace_hours <= _MAX_GRACE_HOURS:
        return None
    return group


def _config_findings(
    in_force: Group, before: Group, after: Group, gap: list[Change]
) -> Iterator[AuditFinding]:
    """What a change to mastermind.yaml did to the rules (``before``, as written, to
    ``after``), made by the commits in ``gap`` (the last one wrote ``after``; earlier
    ones wrote versions that were not valid, or deleted the file), judged by the rules
    ``in_force`` before them:

    - ``self-facilitator``: an author's email added to ``facilitators``, whoever they
      are;
    - ``excused-late``: an ``excused`` entry added after its meeting started, whoever
      added it (an absence is excused beforehand);
    - ``membership-backdated``: ``left`` set or moved earlier, or ``joined`` moved
      later (or the member removed), so that meetings held before the change no longer
      count, whoever did it;
    - ``config-changed``: any change to the rules (facilitators, members and their
      emails, joined and left, the schedule, ``commitment_grace_hours``,
      ``require_signed``, ``excused``, ``trusted_committers``) by someone who was not a
      facilitator (author or committer); in a group without facilitators, only the
      changes that give someone more leeway: grace hours raised, signing switched off,
      emails added to a member, trusted committers added, a member removed, the
      schedule of meetings already held changed.

    A finding is charged to the first commit in ``gap`` that was not a facilitator's
    (or the last one).
    """
    blamed = next((c for c in gap if not _by_facilitator(in_force, c.commit)), gap[-1])
    commit = blamed.commit
    when = gap[-1].commit.committed
    authors = {c.commit.author.email.lower() for c in gap}
    added = {f.lower() for f in after.facilitators} - {f.lower() for f in before.facilitators}
    for email in sorted(authors & added):
        self_made = next(c for c in gap if c.commit.author.email.lower() == email)
        yield _finding(
            "self-facilitator",
            self_made,
            f"{self_made.commit.author} made themselves a facilitator (a facilitator may "
            "edit anyone's files and accept findings): it gives them no such right",
            subject=email,
        )
    earlier = set(before.excused)
    for excuse in after.excused:
        if excuse not in earlier and schedule.start(after, excuse.meeting) < when:
            yield _finding(
                "excused-late",
                blamed,
                f"{excuse.member} excused from the meeting of {excuse.meeting} after it had "
                "started",
                subject=f"{excuse.member} {excuse.meeting}",
            )
    held = _held(before, when)
    for old in before.members:
        member = after.member(old.id)
        lost = [d for d in held if old.active_on(d) and (member is None or not member.active_on(d))]
        if lost:
            shown = ", ".join(str(d) for d in lost[:3]) + (" ..." if len(lost) > 3 else "")
            how = (
                "removed from the members"
                if member is None
                else f"joined/left changed (joined {old.joined} -> {member.joined}, "
                f"left {old.left} -> {member.left})"
            )
            yield _finding(
                "membership-backdated",
                blamed,
                f"{old.id} {how}: {len(lost)} meeting(s) already held no longer count for "
                f"them ({shown})",
                subject=old.id,
            )
    if all(_by_facilitator(in_force, c.commit) for c in gap):
        return
    changed = _rule_changes(before, after, when, loose=not in_force.facilitators)
    if any(c.new_blob is None for c in gap):
        changed.insert(0, f"{CONFIG} deleted and written again")
    if len(gap) > 1:
        changed.append(f"through {len(gap) - 1} version(s) the checker rejects")
    if changed:
        yield _finding(
            "config-changed",
            blamed,
            f"the group's rules changed by {commit.author} (committed by {commit.committer}), "
            "who was not a facilitator: " + "; ".join(changed),
        )


def _held(group: Group, when: dt.datetime) -> list[dt.date]:
    """The meetings of ``group``'s schedule that had started at ``when``."""
    try:
        days = schedule.meetings(group, until=schedule.local_date(group, when))
    except (OverflowError, ValueError):
        return []
    return [d for d in days if schedule.start(group, d) < when]


def _rule_changes(before: Group, after: Group, when: dt.datetime, *, loose: bool) -> list[str]:
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
    for old_member in before.members:
        if after.member(old_member.id) is None:
            said.append(f"member {old_member.id} removed")
    if not loose and set(after.excused) != set(before.excused):
        said.append("excused changed")
    keys = ("cadence", "first_meeting", "time", "timezone", "skip", "extra")
    moved = [k for k in keys if getattr(before, k) != getattr(after, k)]
    if moved:
        # Deadlines and "after the meeting" are measured from the schedule: changing the
        # meetings already held moves them for the past.
        past = [(d, schedule.start(before, d)) for d in _held(before, when)]
        now = [(d, schedule.start(after, d)) for d in _held(after, when)]
        if not loose:
            said.append("the schedule (" + ", ".join(moved) + ")")
        elif past != now:
            said.append("the schedule of meetings already held (" + ", ".join(moved) + ")")
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


def _finding(
    rule: str, change: Change, message: str, *, path: str | None = None, subject: str = ""
) -> AuditFinding:
    commit = change.commit
    return AuditFinding(
        rule,
        commit.id,
        commit.author.name,
        commit.author.email,
        commit.committed,
        path or change.path,
        message,
        subject,
    )


def _front(blob: bytes | None, path: str) -> dict[str, Any] | None:
    if blob is None:
        return None
    text = blob_text(blob)
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
            yield _finding(
                "commitment-changed", change, f"commitment {cid} added {late}", subject=cid
            )
        for cid, old in earlier.items():
            now = new.get(cid)
            if now is None:
                yield _finding(
                    "commitment-changed", change, f"commitment {cid} removed {late}", subject=cid
                )
                continue
            for key in ("text", "due"):
                if str(old.get(key)) != str(now.get(key)):
                    yield _finding(
                        "commitment-changed",
                        change,
                        f"commitment {cid}: {key} changed from {_show(old.get(key))} to "
                        f"{_show(now.get(key))} {late}",
                        subject=f"{cid} {key}",
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
            subject=rid,
        )
    for rid, old in earlier_reports.items():
        now = new_reports.get(rid)
        if now is None:
            yield _finding(
                "report-changed",
                change,
                f"report on {rid} removed after the next meeting ({following}) started",
                subject=rid,
            )
        elif str(old.get("status")) != str(now.get("status")):
            yield _finding(
                "report-changed",
                change,
                f"report on {rid}: status changed from {_show(old.get('status'))} to "
                f"{_show(now.get('status'))} after the next meeting ({following}) started",
                subject=rid,
            )


def _show(value: Any) -> str:
    return "(none)" if value is None else json.dumps(str(value), ensure_ascii=False)


# -- rendering -------------------------------------------------------------------------------


def render_text(result: AuditResult) -> str:
    from mastermind_kit.render import visible

    lines: list[str] = []
    for finding in result.findings:
        lines.extend(_finding_lines(finding))
    if result.accepted:
        lines.append(f"accepted ({len(result.accepted)}):")
        for finding, entry in result.accepted:
            lines.extend(_finding_lines(finding))
            later = " (not committed yet)" if entry.id in result.uncommitted else ""
            lines.append(
                f"  accepted by {entry.accepted_by} on {entry.accepted_on}: {entry.reason}{later}"
            )
    lines.extend(f"warning: {w}" for w in result.warnings)
    count, accepted = len(result.findings), len(result.accepted)
    also = f"; {accepted} accepted" if accepted else ""
    if count:
        lines.append(f"{count} finding(s) in {result.commits} commit(s){also}")
    elif accepted:
        lines.append(f"no open findings in {result.commits} commit(s){also}")
    else:
        lines.append(f"no findings in {result.commits} commit(s)")
    # What members committed (names, paths, reasons) never reaches the terminal raw.
    return "\n".join(visible(line) for line in lines) + "\n"


def _finding_lines(finding: AuditFinding) -> list[str]:
    return [
        f"{finding.date.isoformat()}  {finding.commit[:10]}  {finding.author} "
        f"<{finding.email}>  {finding.path or '-'}",
        f"  {finding.message} [{finding.rule}] {finding.id}",
    ]


def render_json(result: AuditResult) -> str:
    data = {
        "rules": RULES,
        "commits": result.commits,
        "findings": [f.to_dict() for f in result.findings],
        "accepted": [
            {
                **finding.to_dict(),
                "accepted": {
                    "reason": entry.reason,
                    "accepted_by": entry.accepted_by,
                    "accepted_on": entry.accepted_on.isoformat() if entry.accepted_on else None,
                    "committed": entry.id not in result.uncommitted,
                },
            }
            for finding, entry in result.accepted
        ],
        "warnings": result.warnings,
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
