"""``mastermind sync``: commit my own files, pull, check, push; stop cleanly on a conflict.

What is committed is decided by who runs it (git's committer email, matched against
the config): a member commits their own notes and profile; a facilitator, who may edit
anyone's files, commits every changed group file. Every other change is left alone,
and said so. Then a fetch and ``git rebase --autostash --no-fork-point`` onto the
branch's upstream (a pull, but one that never drops a commit of the member's after a
force push), the checker on everything about to be pushed, and the push, tried again a
few times when someone else pushed first. Uncommitted changes that would clash with
what comes in stop it before anything changes.

Nothing is lost on the way: a file that fails the check is not committed; a conflict
aborts the rebase (the member's commit stays on their branch, their files as they left
them) and says what to do; a push refused for any other reason keeps the commit for
the next sync. Every git call is in ``history``; no string of the member's reaches git
as an option.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from mastermind_kit import history
from mastermind_kit.errors import EXIT_FINDINGS, EXIT_OK, GitError, UsageError
from mastermind_kit.findings import ERROR, Finding
from mastermind_kit.repo import GroupRepo, is_leftover

__all__ = ["Plan", "plan", "sync"]

ATTEMPTS = 5  # pushes tried when someone else keeps pushing first


@dataclass
class Plan:
    """What a sync would commit, and what it leaves alone."""

    email: str
    member: str | None  # the member committing, if the email is a member's
    facilitator: bool
    commit: list[str] = field(default_factory=list)  # paths relative to the group folder
    left_alone: list[str] = field(default_factory=list)

    @property
    def who(self) -> str:
        return self.member or self.email


def plan(repo: GroupRepo, branch: history.Branch) -> Plan:
    """Sort the work tree's changes into mine (to commit) and the rest."""
    ident = history.identity(repo.root)
    if ident is None:
        raise UsageError(
            "cannot tell who you are: git user.email is not set",
            hint='git config user.email "you@example.org" (an email listed in mastermind.yaml)',
        )
    email = ident[1]
    group = repo.group
    member = group.member_by_email(email)
    facilitator = group.is_facilitator(email)
    if member is None and not facilitator:
        raise UsageError(
            f"your git email {email} is neither a member's nor a facilitator's",
            hint="git config user.email <the email mastermind.yaml lists for you>",
        )
    result = Plan(email, member.id if member else None, facilitator)
    seen: set[str] = set()
    for change in history.changed(repo.root, branch.prefix):
        if change.path in seen:
            continue
        seen.add(change.path)
        mine = _is_mine(repo, change.path, result)
        (result.commit if mine else result.left_alone).append(change.path)
    return result


# Files of the group besides notes, profiles, agendas and recaps: what a facilitator
# keeps up (the group's own templates, its README, hook, ignore list and CI workflow).
GROUP_EXTRAS = frozenset(
    {
        "README.md",
        ".gitignore",
        ".pre-commit-config.yaml",
        "audit-accepted.yaml",
        ".gitlab-ci.yml",
        ".github/workflows/mastermind.yml",
    }
)


def _is_mine(repo: GroupRepo, path: str, plan: Plan) -> bool:
    if is_leftover(PurePosixPath(path).name):
        return False  # backups and temp files are never committed by sync
    kind, _, owner = repo.classify(repo.root / path)
    if plan.facilitator:
        return kind != "other" or path in GROUP_EXTRAS or path.startswith("templates/")
    return kind in ("note", "member") and owner == plan.member


def message_for(plan: Plan) -> str:
    """A commit message that says whose files and which meetings."""
    days, profile, other = [], False, []
    for path in plan.commit:
        parts = PurePosixPath(path).parts
        if (
            plan.member
            and len(parts) == 3
            and parts[0] == "meetings"
            and (parts[2] == f"{plan.member}.md")
        ):
            days.append(parts[1])
            continue
        if plan.member and parts == ("members", f"{plan.member}.md"):
            profile = True
            continue
        other.append(path)
    said = []
    if days:
        said.append(f"note{'s' if len(days) > 1 else ''} for {', '.join(sorted(days))}")
    if profile:
        said.append("profile")
    if other:
        shown = ", ".join(other[:3]) + (f" and {len(other) - 3} more" if len(other) > 3 else "")
        said.append(shown)
    return f"{plan.who}: {'; '.join(said)}"


Say = Callable[[str], None]


def sync(
    repo: GroupRepo,
    *,
    say: Say,
    message: str | None = None,
    dry_run: bool = False,
    attempts: int = ATTEMPTS,
) -> int:
    """Run the sync; returns the exit code (0 synced, 1 stopped). Usage errors raise."""
    branch = history.branch(repo.root)
    busy = branch.in_progress()
    if busy:
        raise GitError(
            f"{busy} is in progress; finish or abort it first, then run mastermind sync",
            hint="git status says how",
        )
    if branch.name is None:
        raise GitError("HEAD is detached: sync works on a branch", hint="git switch main")
    if branch.upstream is None or branch.remote is None or branch.remote_ref is None:
        raise GitError(
            f"branch {branch.name} has no upstream to sync with",
            hint=f"git push -u origin {branch.name}, or "
            f"git branch --set-upstream-to=origin/{branch.name}",
        )
    stuck = history.unmerged(repo.root)
    if stuck:
        raise GitError(
            f"unresolved conflicts in {', '.join(stuck[:3])}; resolve them first "
            "(edit, then git add), then run mastermind sync",
            hint="git status lists them",
        )
    if message is not None and not message.strip():
        raise UsageError("--message is empty")
    todo = plan(repo, branch)
    if dry_run:
        return _dry_run(repo, branch, todo, say, message)
    for path in todo.left_alone:
        say(f"left alone (not yours to commit): {path}")
    if todo.commit:
        problems = _check(repo, todo.commit)
        if problems:
            _say_findings(say, problems)
            say("sync stopped before committing: fix the errors above, then run it again")
            return EXIT_FINDINGS
        done = history.commit_paths(repo.root, todo.commit, message or message_for(todo))
        if not done.ok:
            say(f"sync stopped: git commit failed: {done.last_line()}")
            say("nothing was committed; your files are as they were")
            return EXIT_FINDINGS
        say(f"committed {history.describe_head(repo.root)} ({len(todo.commit)} file(s))")
    elif not todo.left_alone:
        say("nothing of yours to commit")
    return _pull_check_push(repo, branch, say, attempts)


def _pull_check_push(repo: GroupRepo, branch: history.Branch, say: Say, attempts: int) -> int:
    assert branch.upstream and branch.remote and branch.remote_ref
    upstream, shown = branch.upstream, _short(branch)
    for attempt in range(1, attempts + 1):
        before = history.revision(repo.root, upstream)
        fetched = history.fetch(repo.root, branch.remote)
        if not fetched.ok:
            say(f"sync stopped: git fetch failed: {fetched.last_line()}")
            say("nothing was pushed; your commits and files are as they were")
            return EXIT_FINDINGS
        after = history.revision(repo.root, upstream)
        if after is None:
            say(f"sync stopped: {shown} is gone from the remote; nothing was pushed")
            return EXIT_FINDINGS
        if before and before != after and not history.is_ancestor(repo.root, before, after):
            say(
                f"note: {shown} was rewritten (a force push): your own commits are replayed "
                "on it, none is dropped"
            )
        clash = _clashes(repo, branch, upstream)
        if clash:
            say(
                "sync stopped before pulling: your uncommitted changes to "
                f"{', '.join(clash)} would clash with changes that came in; nothing was "
                "changed. Commit them (if they are yours), or put them aside with git "
                "stash, then run mastermind sync"
            )
            return EXIT_FINDINGS
        rebased = history.rebase(repo.root, upstream)
        if not rebased.ok:
            return _stopped_pulling(repo, branch, rebased, say)
        ahead = history.counts(repo.root, upstream)[0]
        if ahead == 0:
            say(f"up to date with {shown}")
            return _push_seals(repo, branch, say)
        fresh = GroupRepo(repo.root)  # the pull may have changed any file, the config too
        problems = _check(fresh, history.outgoing(repo.root, upstream))
        if problems:
            _say_findings(say, problems)
            say(
                f"sync stopped before pushing: {ahead} commit(s) of yours are kept here, "
                "unpushed; fix the errors above (commit the fix), then run mastermind sync"
            )
            return EXIT_FINDINGS
        pushed = history.push(repo.root, branch.remote, branch.remote_ref)
        if pushed.ok:
            say(f"pushed {ahead} commit(s) to {shown}")
            return _push_seals(repo, branch, say)
        if not history.push_was_stale(pushed):
            say(f"sync stopped: the push was refused: {history.push_refusal(pushed)}")
            say(f"your {ahead} commit(s) are kept here, unpushed; run mastermind sync again later")
            return EXIT_FINDINGS
        if attempt < attempts:
            say("someone pushed first; pulling again")
            # Back off a little, at random, so that members syncing at once take turns.
            time.sleep(random.uniform(0.1, 0.4) * 2 ** (attempt - 1))
    say(
        f"sync stopped: the push was overtaken {attempts} times in a row; your commit(s) "
        "are kept here, run mastermind sync again in a moment"
    )
    return EXIT_FINDINGS


def _push_seals(repo: GroupRepo, branch: history.Branch, say: Say) -> int:
    """Share the meeting seals (``mastermind seal``) the remote does not have yet: a
    seal kept in one clone only protects nothing. Never forced; a seal the remote holds
    otherwise is said, not fought over (the sync itself went through)."""
    from mastermind_kit.seal import local_seal_tags

    names = local_seal_tags(repo.root)
    if not names or branch.remote is None:
        return EXIT_OK
    pushed = history.push_tags(repo.root, branch.remote, names)
    if pushed.ok:
        new = sum(1 for line in pushed.out.splitlines() if line.startswith("*"))
        if new:
            say(f"pushed {new} meeting seal(s)")
        return EXIT_OK
    # Not a reason to stop: the notes are synced, and a seal that differs from the
    # remote's (sealed twice, or replaced there) is the audit's to judge.
    say(
        f"note: the remote kept its own seal where yours differs: {history.push_refusal(pushed)} "
        "(mastermind seal --verify and mastermind audit say which holds)"
    )
    return EXIT_OK


def _short(branch: history.Branch) -> str:
    """The upstream as people write it: origin/main."""
    return f"{branch.remote}/{(branch.remote_ref or '').removeprefix('refs/heads/')}"


def _clashes(repo: GroupRepo, branch: history.Branch, upstream: str) -> list[str]:
    """Uncommitted changes (left alone) to files that the incoming commits change: git
    would stash them, and putting them back would leave conflict markers."""
    dirty = {c.path for c in history.changed(repo.root, branch.prefix)}
    if not dirty:
        return []
    return sorted(dirty & set(history.incoming(repo.root, upstream)))


def _stopped_pulling(repo: GroupRepo, branch: history.Branch, pulled: history.Run, say: Say) -> int:
    """The rebase failed: undo it (the member's commits and files as they were) and say
    what happened and what to do."""
    conflicts = history.unmerged(repo.root)
    aborted = False
    if branch.in_progress():  # the same git folder: is the rebase still there?
        aborted = history.abort_rebase(repo.root).ok
    head = history.describe_head(repo.root)
    shown = _short(branch)
    if conflicts:
        say(
            "sync stopped: a conflict. These files were changed both by you and upstream: "
            + ", ".join(conflicts)
        )
        for path in conflicts:
            theirs = history.last_change(repo.root, branch.upstream or "", path)
            if theirs:
                say(f"  upstream, {path}: {theirs}")
    else:
        say(f"sync stopped: the pull (git rebase) failed: {pulled.last_line()}")
    if aborted or not conflicts:
        say(
            f"nothing is lost: your commit ({head}) is still on {branch.name}, and your files "
            "are as you left them"
        )
    if conflicts:
        say(
            f"to go on: git rebase {shown}, edit each file above to keep what both sides "
            "wrote, git add it, git rebase --continue, then mastermind sync (or ask whoever "
            "changed it upstream)"
        )
    return EXIT_FINDINGS


def _dry_run(
    repo: GroupRepo, branch: history.Branch, todo: Plan, say: Say, message: str | None
) -> int:
    for path in todo.commit:
        say(f"would commit: {path}")
    for path in todo.left_alone:
        say(f"would leave alone (not yours to commit): {path}")
    if todo.commit:
        say(f"with the message: {message or message_for(todo)}")
    else:
        say("nothing of yours to commit")
    assert branch.upstream
    ahead, behind = history.counts(repo.root, branch.upstream)
    say(
        f"{ahead} commit(s) to push, {behind} to pull, as of the last fetch from "
        f"{_short(branch)}; nothing was changed (dry run)"
    )
    return EXIT_OK


def _check(repo: GroupRepo, paths: Sequence[str]) -> list[Finding]:
    """The checker's errors in the group files among ``paths`` (relative to the group
    folder) that are there to check: a deletion is not."""
    from mastermind_kit.check import check_repo

    targets = []
    for path in paths:
        absolute = repo.root / path
        if repo.classify(absolute)[0] != "other" and (absolute.exists() or absolute.is_symlink()):
            targets.append(absolute)
    if not targets:
        return []
    return [f for f in check_repo(repo, targets) if f.severity == ERROR]


def _say_findings(say: Say, findings: list[Finding]) -> None:
    for finding in findings:
        say(finding.text())
