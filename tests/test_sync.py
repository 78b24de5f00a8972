"""``mastermind sync``: real clones of one bare remote, members syncing at once.

Every test here works the way members do: a bare repo as the shared remote, one clone
per person with their own ``user.email``, the real ``git`` underneath.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import build_tree, commit, git

FACILITATOR = "fiona@example.org"
MEETINGS = [f"2026-12-{d:02d}" for d in (1, 15, 29)] + [
    "2027-01-12",
    "2027-01-26",
    "2027-02-09",
    "2027-02-23",
    "2027-03-09",
    "2027-03-23",
    "2027-04-06",
]
MORE_MEMBERS = """\
  - id: carol
    name: Carol Example
    emails: [carol@example.org]
    joined: 2026-12-01
  - id: dave
    name: Dave Example
    emails: [dave@example.org]
    joined: 2026-12-01
"""


def _note(member: str, meeting: str, walk_away: str = "clarity") -> str:
    return (
        f"---\nmember: {member}\nmeeting: {meeting}\nquestions: [What next?]\n"
        f"walk_away: {walk_away}\n---\n## Action plan\n\nStep one.\n"
    )


@pytest.fixture
def remote(git_group: Path, tmp_path: Path) -> Path:
    """A bare remote holding the small group with four members and a facilitator."""
    config = git_group / "mastermind.yaml"
    text = config.read_text().replace("agreement:", MORE_MEMBERS + "agreement:")
    config.write_text(text.replace("members:\n", f"facilitators: [{FACILITATOR}]\nmembers:\n", 1))
    for member in ("carol", "dave"):
        build_tree(git_group, {f"members/{member}.md": f"---\nname: {member.title()}\n---\n"})
    commit(git_group, "four members", when="2026-11-21T10:00:00+01:00")
    bare = tmp_path / "remote.git"
    git(tmp_path, "clone", "-q", "--bare", str(git_group), str(bare))
    return bare


Clone = Callable[[str], Path]


@pytest.fixture
def clone(remote: Path, tmp_path: Path) -> Clone:
    """``clone(member)``: a clone of the remote committing as that member (or as the
    facilitator, for "fiona")."""

    def make(who: str) -> Path:
        path = tmp_path / "clones" / who
        git(tmp_path, "clone", "-q", str(remote), str(path))
        email = FACILITATOR if who == "fiona" else f"{who}@example.org"
        git(path, "config", "user.email", email)
        git(path, "config", "user.name", who.title())
        return path

    return make


def _sync(run_main: object, where: Path, *args: str) -> tuple[int, str, str]:
    return run_main("sync", *args, cwd=where)  # type: ignore[operator, no-any-return]


def _log(repo: Path, ref: str = "HEAD") -> list[str]:
    return git(repo, "log", "--format=%s", ref).splitlines()


def _remote_file(remote: Path, path: str) -> str:
    return git(remote, "show", f"main:{path}")


def test_sync_commits_only_my_files_and_pushes(
    clone: Clone, remote: Path, run_main: object
) -> None:
    alice = clone("alice")
    build_tree(alice, {f"meetings/{MEETINGS[0]}/alice.md": _note("alice", MEETINGS[0])})
    (alice / "members" / "bob.md").write_text("---\nname: Bob (edited by Alice)\n---\n")
    (alice / "scratch.txt").write_text("my own jottings\n")

    code, out, _ = _sync(run_main, alice)

    assert code == 0, out
    assert "left alone (not yours to commit): members/bob.md" in out
    assert "left alone (not yours to commit): scratch.txt" in out
    assert f"alice: note for {MEETINGS[0]}" in _log(remote, "main")[0]
    assert _remote_file(remote, f"meetings/{MEETINGS[0]}/alice.md").startswith("---\nmember: alice")
    shown = git(remote, "show", "--name-only", "--format=", "main").split()
    assert shown == [f"meetings/{MEETINGS[0]}/alice.md"]
    # what was left alone is still there, uncommitted
    status = git(alice, "status", "--porcelain")
    assert " M members/bob.md" in status and "?? scratch.txt" in status


def test_two_members_who_commit_before_either_pulls_both_land(
    clone: Clone, remote: Path, run_main: object
) -> None:
    alice, bob = clone("alice"), clone("bob")
    build_tree(alice, {f"meetings/{MEETINGS[0]}/alice.md": _note("alice", MEETINGS[0])})
    build_tree(bob, {f"meetings/{MEETINGS[0]}/bob.md": _note("bob", MEETINGS[0])})
    assert _sync(run_main, alice)[0] == 0

    code, out, _ = _sync(run_main, bob)  # the plain git pull of the old README failed here

    assert code == 0, out
    assert "pushed 1 commit(s)" in out
    names = git(remote, "ls-tree", "-r", "--name-only", "main", "meetings").split()
    assert names == [f"meetings/{MEETINGS[0]}/alice.md", f"meetings/{MEETINGS[0]}/bob.md"]
    merges = git(remote, "rev-list", "--merges", "main").split()
    assert merges == []  # linear
    assert (bob / "meetings" / MEETINGS[0] / "alice.md").exists()  # bob got alice's note


def test_a_conflict_stops_cleanly_and_loses_nothing(
    clone: Clone, remote: Path, run_main: object
) -> None:
    alice, fiona = clone("alice"), clone("fiona")
    path = f"meetings/{MEETINGS[0]}/alice.md"
    build_tree(alice, {path: _note("alice", MEETINGS[0])})
    assert _sync(run_main, alice)[0] == 0
    git(fiona, "pull", "-q", "--rebase")
    # The facilitator tidies alice's walk-away while alice rewrites the same line.
    (fiona / path).write_text(_note("alice", MEETINGS[0], walk_away="a clear pricing decision"))
    assert _sync(run_main, fiona)[0] == 0
    mine = _note("alice", MEETINGS[0], walk_away="a decision on hiring")
    (alice / path).write_text(mine)
    (alice / "draft.txt").write_text("unrelated, uncommitted\n")

    code, out, _ = _sync(run_main, alice)

    assert code == 1
    assert "conflict" in out and path in out
    assert "by Fiona" in out  # who changed it upstream
    assert "git rebase origin/main" in out and "mastermind sync" in out
    assert "nothing is lost" in out
    # Her commit is still there, the rebase is undone, her files are as she left them.
    assert _log(alice)[0] == f"alice: note for {MEETINGS[0]}"
    assert not (alice / ".git" / "rebase-merge").exists()
    assert not (alice / ".git" / "rebase-apply").exists()
    assert (alice / path).read_text() == mine
    assert (alice / "draft.txt").read_text() == "unrelated, uncommitted\n"
    # ... and the remote still has the facilitator's version, untouched.
    assert "a clear pricing decision" in _remote_file(remote, path)


def test_a_note_that_fails_the_check_is_not_committed(clone: Clone, run_main: object) -> None:
    alice = clone("alice")
    path = f"meetings/{MEETINGS[0]}/alice.md"
    build_tree(alice, {path: "---\nmember: alice\nmeeting: 2026-12-01\nreport: [oops\n---\n"})
    before = git(alice, "rev-parse", "HEAD")

    code, out, _ = _sync(run_main, alice)

    assert code == 1
    assert f"{path}:" in out and "sync stopped before committing" in out
    assert git(alice, "rev-parse", "HEAD") == before
    assert "?? meetings/" in git(alice, "status", "--porcelain")


def test_a_push_the_remote_refuses_keeps_the_commit(
    clone: Clone, remote: Path, run_main: object
) -> None:
    alice = clone("alice")
    hook = remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'protected branch' >&2\nexit 1\n")
    hook.chmod(0o755)
    build_tree(alice, {f"meetings/{MEETINGS[0]}/alice.md": _note("alice", MEETINGS[0])})

    code, out, _ = _sync(run_main, alice)

    assert code == 1
    assert "the push was refused" in out and "kept here, unpushed" in out
    assert _log(alice)[0] == f"alice: note for {MEETINGS[0]}"
    assert _log(remote, "main")[0] == "four members"


@pytest.mark.catalogue
def test_the_message_is_never_read_as_an_option(
    clone: Clone, remote: Path, run_main: object
) -> None:
    alice = clone("alice")
    build_tree(alice, {f"meetings/{MEETINGS[0]}/alice.md": _note("alice", MEETINGS[0])})

    code, out, _ = _sync(run_main, alice, "--message", "--amend")

    assert code == 0, out
    assert _log(remote, "main")[:2] == ["--amend", "four members"]


def test_dry_run_changes_nothing(clone: Clone, remote: Path, run_main: object) -> None:
    alice = clone("alice")
    build_tree(alice, {f"meetings/{MEETINGS[0]}/alice.md": _note("alice", MEETINGS[0])})
    (alice / "members" / "bob.md").write_text("---\nname: B\n---\n")
    before = git(alice, "rev-parse", "HEAD")

    code, out, _ = _sync(run_main, alice, "--dry-run")

    assert code == 0
    assert f"would commit: meetings/{MEETINGS[0]}/alice.md" in out
    assert "would leave alone (not yours to commit): members/bob.md" in out
    assert "nothing was changed" in out
    assert git(alice, "rev-parse", "HEAD") == before
    assert _log(remote, "main")[0] == "four members"


def test_a_facilitator_commits_every_group_file_but_no_leftovers(
    clone: Clone, remote: Path, run_main: object
) -> None:
    fiona = clone("fiona")
    config = fiona / "mastermind.yaml"
    config.write_text(config.read_text().replace("skip", "skip") + "skip: [2026-12-29]\n")
    build_tree(fiona, {"members/bob.md.bak": "old\n", "members/bob.md": "---\nname: Bob E.\n---\n"})

    code, out, _ = _sync(run_main, fiona)

    assert code == 0, out
    shown = sorted(git(remote, "show", "--name-only", "--format=", "main").split())
    assert shown == ["mastermind.yaml", "members/bob.md"]
    assert "left alone (not yours to commit): members/bob.md.bak" in out


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ("no-upstream", "has no upstream to sync with (git push -u origin main"),
        ("detached", "HEAD is detached"),
        ("merge", "a merge is in progress"),
        ("stranger", "is neither a member's nor a facilitator's"),
    ],
)
def test_sync_refuses_to_start(clone: Clone, run_main: object, setup: str, expected: str) -> None:
    alice = clone("alice")
    if setup == "no-upstream":
        git(alice, "branch", "--unset-upstream")
    elif setup == "detached":
        git(alice, "checkout", "-q", "--detach")
    elif setup == "merge":
        git(alice, "checkout", "-q", "-b", "side")
        (alice / "members" / "alice.md").write_text("---\nname: A side\n---\n")
        commit(alice, "side", when="2026-11-22T10:00:00+01:00", author=("A", "alice@example.org"))
        git(alice, "checkout", "-q", "main")
        (alice / "members" / "alice.md").write_text("---\nname: A main\n---\n")
        commit(alice, "main", when="2026-11-22T11:00:00+01:00", author=("A", "alice@example.org"))
        subprocess.run(["git", "merge", "-q", "side"], cwd=alice, capture_output=True)
    elif setup == "stranger":
        git(alice, "config", "user.email", "mallory@example.org")
    head = git(alice, "rev-parse", "HEAD")

    code, _, err = _sync(run_main, alice)

    assert code == 2
    assert expected in err
    assert "Traceback" not in err
    assert git(alice, "rev-parse", "HEAD") == head


def test_members_preparing_and_syncing_at_once_lose_nothing(
    clone: Clone, remote: Path, tmp_path: Path
) -> None:
    """Four clones, ten rounds: each round every member prepares a note for the next
    meeting and syncs, all at the same time. Every note lands exactly once, in a linear
    history."""
    members = ["alice", "bob", "carol", "dave"]
    clones = {m: clone(m) for m in members}
    env = dict(os.environ)
    rounds = 10
    for meeting in MEETINGS[:rounds]:
        running = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    "import subprocess, sys\n"
                    "prep = [sys.executable, '-m', 'mastermind_kit', 'prep', '--meeting', "
                    f"'{meeting}', '--today', '2026-11-25']\n"
                    "subprocess.run(prep, check=True, capture_output=True)\n"
                    "sync = subprocess.run([sys.executable, '-m', 'mastermind_kit', 'sync'], "
                    "capture_output=True, text=True)\n"
                    "sys.stdout.write(sync.stdout + sync.stderr)\n"
                    "sys.exit(sync.returncode)\n",
                ],
                cwd=clones[m],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for m in members
        ]
        for process in running:
            out, _ = process.communicate(timeout=120)
            assert process.returncode == 0, out
    names = git(remote, "ls-tree", "-r", "--name-only", "main", "meetings").split()
    expected = sorted(f"meetings/{d}/{m}.md" for d in MEETINGS[:rounds] for m in members)
    assert names == expected
    added = git(
        remote, "log", "--diff-filter=A", "--name-only", "--format=", "main", "--", "meetings"
    ).split()
    assert sorted(added) == expected  # each note added exactly once
    assert git(remote, "rev-list", "--merges", "main").split() == []
    assert int(git(remote, "rev-list", "--count", "main")) == 2 + rounds * len(members)


def test_a_force_push_never_drops_a_members_own_commit(
    clone: Clone, remote: Path, run_main: object
) -> None:
    alice, bob = clone("alice"), clone("bob")
    path = f"meetings/{MEETINGS[0]}/alice.md"
    build_tree(alice, {path: _note("alice", MEETINGS[0])})
    assert _sync(run_main, alice)[0] == 0
    # bob takes alice's pushed commit out of the remote's history
    git(bob, "pull", "-q", "--rebase")
    git(bob, "reset", "-q", "--hard", "HEAD~1")
    git(bob, "push", "-q", "--force")
    (alice / "members" / "alice.md").write_text("---\nname: Alice E.\n---\n")

    code, out, _ = _sync(run_main, alice)

    assert code == 0, out
    assert "was rewritten (a force push)" in out
    assert _remote_file(remote, path) == _note("alice", MEETINGS[0])  # back in the remote
    assert (alice / path).read_text() == _note("alice", MEETINGS[0])


def test_file_names_are_never_pathspec_magic(clone: Clone, remote: Path, run_main: object) -> None:
    """A committed file named like a pathspec (":(exclude)x") must not make a sync commit
    what it says it leaves alone."""
    bob = clone("bob")
    build_tree(bob, {"meetings/:(exclude)nothing": "x\n"})
    commit(bob, "odd name", when="2026-11-22T10:00:00+01:00", author=("Bob", "bob@example.org"))
    git(bob, "push", "-q")
    fiona = clone("fiona")
    (fiona / "meetings" / ":(exclude)nothing").unlink()
    (fiona / ".env").write_text("SECRET=1\n")
    (fiona / "my-todo.txt").write_text("private\n")

    code, out, _ = _sync(run_main, fiona)

    assert code == 0, out
    assert "left alone (not yours to commit): .env" in out
    assert "left alone (not yours to commit): my-todo.txt" in out
    files = git(remote, "ls-tree", "-r", "--name-only", "main").split()
    assert ".env" not in files and "my-todo.txt" not in files
    assert (fiona / ".env").exists()


def test_uncommitted_changes_that_would_clash_stop_before_the_pull(
    clone: Clone, remote: Path, run_main: object
) -> None:
    alice, bob = clone("alice"), clone("bob")
    path = f"meetings/{MEETINGS[0]}/bob.md"
    build_tree(bob, {path: _note("bob", MEETINGS[0])})
    assert _sync(run_main, bob)[0] == 0
    git(alice, "pull", "-q", "--rebase")
    (bob / path).write_text(_note("bob", MEETINGS[0], walk_away="bob's own words"))
    assert _sync(run_main, bob)[0] == 0
    # alice has an uncommitted edit of bob's note (say, a report written for him)
    mine = _note("bob", MEETINGS[0], walk_away="alice's words")
    (alice / path).write_text(mine)
    build_tree(alice, {f"meetings/{MEETINGS[0]}/alice.md": _note("alice", MEETINGS[0])})
    head = git(alice, "rev-parse", "HEAD")

    code, out, _ = _sync(run_main, alice)

    assert code == 1
    assert f"your uncommitted changes to {path} would clash" in out
    assert (alice / path).read_text() == mine  # as she left it, no conflict markers
    assert git(alice, "diff", "--name-only", "--diff-filter=U") == ""
    # her own note was committed, nothing was pulled or pushed
    assert git(alice, "rev-parse", "HEAD~1") == head
    assert git(alice, "stash", "list") == ""


def test_sync_shares_the_meeting_seals(clone: Clone, remote: Path, run_main: object) -> None:
    fiona = clone("fiona")
    build_tree(fiona, {f"meetings/{MEETINGS[0]}/alice.md": _note("alice", MEETINGS[0])})
    assert _sync(run_main, fiona)[0] == 0
    code, out, err = run_main(  # type: ignore[operator]
        "-C", str(fiona), "seal", "--meeting", MEETINGS[0], "--today", "2026-12-02"
    )
    assert code == 0, out + err

    code, out, _ = _sync(run_main, fiona)

    assert code == 0, out
    assert "pushed 1 meeting seal(s)" in out
    tag = f"mastermind/meeting/{MEETINGS[0]}"
    assert git(remote, "tag", "--list", tag).strip() == tag
    # the next sync has nothing new to say about it
    assert "seal" not in _sync(run_main, fiona)[1]


def test_sync_runs_no_hook_a_member_committed(clone: Clone, remote: Path, run_main: object) -> None:
    """The hook configuration is a file any member can commit: sync checks in-process
    and never runs git hooks, so a planted hook cannot run on the next member's sync."""
    alice = clone("alice")
    ran = alice.parent / "hook-ran"
    hook = alice / ".git" / "hooks" / "pre-commit"
    hook.write_text(f"#!/bin/sh\ntouch {ran}\n")
    hook.chmod(0o755)
    build_tree(alice, {f"meetings/{MEETINGS[0]}/alice.md": _note("alice", MEETINGS[0])})

    code, out, _ = _sync(run_main, alice)

    assert code == 0, out
    assert not ran.exists()
