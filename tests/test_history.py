"""history.read: one streaming git log, renames, deletions, odd repo states, process count."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import stat
from pathlib import Path

import pytest
from test_ledger import ALICE, BOB, note_text

from mastermind_kit import history
from mastermind_kit.history import Person

from conftest import build_tree, commit, git


def when(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def test_first_commit_last_change_authors_and_renames(git_group: Path) -> None:
    build_tree(git_group, {"drafts/alice.md": note_text("alice", "2026-12-15", "Plan.\n")})
    commit(git_group, "draft", when="2026-12-14T09:00:00+01:00", author=ALICE)
    (git_group / "meetings/2026-12-15").mkdir(parents=True)
    git(git_group, "mv", "drafts/alice.md", "meetings/2026-12-15/alice.md")
    commit(git_group, "move", when="2026-12-16T09:00:00-05:00", author=BOB)
    found = history.read(git_group)
    assert found.available and not found.warnings
    note = found.file("meetings/2026-12-15/alice.md")
    assert note is not None
    assert note.first_committed == when("2026-12-14T09:00:00+01:00")
    assert note.first_committed.utcoffset() == dt.timedelta(hours=1)  # aware, its own offset
    assert note.last_changed == when("2026-12-16T09:00:00-05:00")
    assert note.authors == [Person(*ALICE), Person(*BOB)]
    assert [ch.status for ch in note.changes] == ["A", "R"]
    assert note.changes[1].old_path == "drafts/alice.md"
    assert found.file("drafts/alice.md") is None
    assert found.file(Path("mastermind.yaml")) is not None
    assert len(found.commits) == 3


def test_deleted_and_uncommitted_files(git_group: Path) -> None:
    build_tree(git_group, {"meetings/2026-12-01/bob.md": note_text("bob", "2026-12-01")})
    commit(git_group, "bob", when="2026-12-01T10:00:00+01:00", author=BOB)
    git(git_group, "rm", "-q", "meetings/2026-12-01/bob.md")
    commit(git_group, "remove", when="2026-12-02T10:00:00+01:00", author=ALICE)
    build_tree(git_group, {"meetings/2026-12-01/alice.md": note_text("alice", "2026-12-01")})
    found = history.read(git_group)
    assert found.file("meetings/2026-12-01/bob.md") is None
    [gone] = found.removed
    assert gone.deleted and gone.path == "meetings/2026-12-01/bob.md"
    assert [ch.status for ch in gone.changes] == ["A", "D"]
    assert gone.changes[-1].commit.author == Person(*ALICE)
    assert found.first_committed("meetings/2026-12-01/alice.md") is None  # not committed


def test_a_note_deleted_and_added_again_was_first_committed_when_first_added(
    git_group: Path,
) -> None:
    path = "meetings/2026-12-01/bob.md"
    build_tree(git_group, {path: note_text("bob", "2026-12-01")})
    commit(git_group, "bob", when="2026-11-30T10:00:00+01:00", author=BOB)
    git(git_group, "rm", "-q", path)
    commit(git_group, "remove", when="2026-12-01T09:00:00+01:00", author=BOB)
    build_tree(git_group, {path: note_text("bob", "2026-12-01", "again\n")})
    commit(git_group, "again", when="2026-12-02T10:00:00+01:00", author=BOB)
    found = history.read(git_group)
    assert found.first_committed(path) == when("2026-11-30T10:00:00+01:00")
    assert not found.removed
    assert [ch.status for ch in found.files[path].changes] == ["A", "D", "A"]


@pytest.mark.catalogue
def test_not_a_repo_and_no_commits(group: Path) -> None:
    found = history.read(group)
    assert not found.available and found.files == {}
    assert "not a git repository" in found.warnings[0]
    git(group, "init", "-q", "-b", "main")
    found = history.read(group)
    assert found.available and found.commits == []
    assert "no commits yet" in found.warnings[0]


@pytest.mark.catalogue
def test_shallow_clone(git_group: Path, tmp_path: Path) -> None:
    build_tree(git_group, {"meetings/2026-12-01/alice.md": note_text("alice", "2026-12-01")})
    commit(git_group, "alice", when="2026-11-30T10:00:00+01:00", author=ALICE)
    build_tree(git_group, {"meetings/2026-12-15/alice.md": note_text("alice", "2026-12-15")})
    commit(git_group, "alice again", when="2026-12-14T10:00:00+01:00", author=ALICE)
    clone = tmp_path / "clone"
    git(
        tmp_path,
        "-c",
        "protocol.file.allow=always",
        "clone",
        "-q",
        "--depth",
        "1",
        f"file://{git_group}",
        str(clone),
    )
    found = history.read(clone)
    assert found.shallow and any("shallow clone" in w for w in found.warnings)
    # Every file seems added by the cut-off commit: its real first commit is unknown.
    assert found.first_committed("meetings/2026-12-15/alice.md") is None
    assert found.first_committed("meetings/2026-12-01/alice.md") is None
    assert found.file("meetings/2026-12-15/alice.md") is not None


@pytest.mark.catalogue
def test_detached_head(git_group: Path) -> None:
    build_tree(git_group, {"meetings/2026-12-01/alice.md": note_text("alice", "2026-12-01")})
    commit(git_group, "alice", when="2026-11-30T10:00:00+01:00", author=ALICE)
    build_tree(git_group, {"meetings/2026-12-15/alice.md": note_text("alice", "2026-12-15")})
    commit(git_group, "later", when="2026-12-14T10:00:00+01:00", author=ALICE)
    git(git_group, "checkout", "-q", "--detach", "HEAD~1")
    found = history.read(git_group)
    assert found.detached and any("detached" in w for w in found.warnings)
    assert found.first_committed("meetings/2026-12-01/alice.md") == when(
        "2026-11-30T10:00:00+01:00"
    )
    assert found.file("meetings/2026-12-15/alice.md") is None


def test_group_in_a_subfolder_of_a_repo(tmp_path: Path, group: Path) -> None:
    outer = tmp_path
    git(outer, "init", "-q", "-b", "main")
    build_tree(outer, {"elsewhere.txt": "x\n"})
    commit(outer, "all", when="2026-11-20T10:00:00+01:00")
    found = history.read(group)
    assert sorted(found.files) == ["mastermind.yaml", "members/alice.md", "members/bob.md"]


def test_odd_paths_survive(git_group: Path) -> None:
    weird = "members/notes\x1e with\ttab and ünïcode.md"
    build_tree(git_group, {weird: "x\n"})
    commit(git_group, "weird", when="2026-11-21T10:00:00+01:00")
    assert history.read(git_group).file(weird) is not None


def test_read_blobs_in_one_process(git_group: Path) -> None:
    found = history.read(git_group)
    blobs = [ch.new_blob for f in found.lineages() for ch in f.changes if ch.new_blob]
    contents = history.read_blobs(git_group, [*blobs, "0" * 39 + "1"])
    assert contents[blobs[0]].startswith(b"---") or contents[blobs[0]].startswith(b"schema")
    assert set(contents) == set(blobs)
    assert history.read_blobs(git_group, []) == {}


# -- the number of git processes does not grow with notes or commits -------------------------


@pytest.fixture
def git_calls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A ``git`` first on PATH that logs each call, then runs the real git."""
    real = shutil.which("git")
    assert real is not None
    shim_dir = tmp_path / "shim"
    shim_dir.mkdir()
    log = tmp_path / "git-calls.log"
    shim = shim_dir / "git"
    shim.write_text(f'#!/bin/sh\necho "$1 $2 $3" >> "{log}"\nexec "{real}" "$@"\n')
    shim.chmod(shim.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    monkeypatch.setenv("PATH", f"{shim_dir}{os.pathsep}{os.environ['PATH']}")
    return log


def _grow(repo: Path, start: int, count: int) -> None:
    for i in range(start, start + count):
        day = dt.date(2026, 12, 1) + dt.timedelta(days=14 * i)
        for member, who in (("alice", ALICE), ("bob", BOB)):
            build_tree(repo, {f"meetings/{day}/{member}.md": note_text(member, str(day))})
            commit(repo, f"{member} {day}", when=f"{day}T10:00:00+01:00", author=who)
            build_tree(
                repo,
                {
                    f"meetings/{day}/{member}.md": note_text(
                        member, str(day), "edited after the meeting\n"
                    )
                },
            )
            commit(repo, f"{member} {day} edit", when=f"{day}T21:00:00+01:00", author=who)


def _count(log: Path) -> int:
    if not log.exists():
        return 0
    calls = len(log.read_text().splitlines())
    log.unlink()
    return calls


def test_git_processes_do_not_grow_with_history(git_group: Path, git_calls: Path, run_main) -> None:
    from mastermind_kit.audit import audit_repo
    from mastermind_kit.repo import GroupRepo

    _grow(git_group, 0, 2)
    _count(git_calls)  # the calls that built the repo
    history.read(git_group)
    small_read = _count(git_calls)
    audit_repo(GroupRepo(git_group))
    small_audit = _count(git_calls)
    code, _, _ = run_main(
        "-C", str(git_group), "summary", "--today", "2027-06-01", "--format", "json"
    )
    assert code == 0
    small_summary = _count(git_calls)
    one_member = [
        ("status", "--member", "alice"),
        ("prep", "--member", "alice", "--stdout"),
        ("agenda",),
    ]
    small_one = []
    for args in one_member:
        assert run_main("-C", str(git_group), *args, "--today", "2027-06-01")[0] == 0
        small_one.append(_count(git_calls))

    _grow(git_group, 2, 10)  # five times the notes and commits
    _count(git_calls)
    found = history.read(git_group)
    assert len(found.commits) == 1 + 4 * 12
    assert _count(git_calls) == small_read == 2  # rev-parse + log
    # The same commit again: its log comes from the cache, not from git.
    audit_repo(GroupRepo(git_group))
    # rev-parse + cat-file --batch + for-each-ref (the meetings' seals: none here)
    assert _count(git_calls) == small_audit == 3
    run_main("-C", str(git_group), "summary", "--today", "2027-06-01", "--format", "json")
    # rev-parse; and what vouches for the cached notes: ls-files, diff-files, check-attr
    assert _count(git_calls) == small_summary == 4
    # ls-files, diff-files, check-attr: the key; prep --member also asks git config for
    # user.email, to say when the note it writes is another member's.
    for args, small, expected in zip(one_member, small_one, (3, 4, 3), strict=True):
        run_main("-C", str(git_group), *args, "--today", "2027-06-01")
        assert _count(git_calls) == small == expected, args


def test_fast_import_writes_a_whole_history(tmp_path: Path, group: Path) -> None:
    target = tmp_path / "imported"
    target.mkdir()
    history.init(target)
    assert history.commit_count(target) == 0
    data = b"---\nmember: alice\nmeeting: 2026-12-01\n---\n"
    stream = (
        b"commit refs/heads/main\nauthor Alice <alice@example.org> 1764608400 +0100\n"
        b"committer Alice <alice@example.org> 1764608400 +0100\ndata 4\nprep\n"
        b"M 100644 inline meetings/2026-12-01/alice.md\ndata %d\n%s\n" % (len(data), data)
    )
    history.fast_import(target, stream)
    assert history.commit_count(target) == 1
    assert (target / "meetings/2026-12-01/alice.md").read_bytes() == data
    found = history.read(target)
    assert found.first_committed("meetings/2026-12-01/alice.md") == when(
        "2025-12-01T18:00:00+01:00"
    )
    with pytest.raises(history.GitError, match="fast-import failed"):
        history.fast_import(target, b"nonsense\n")
    assert history.commit_count(group) == 0  # not a repo at all


def test_a_side_branch_discarded_by_its_merge_is_not_what_happened(git_group: Path) -> None:
    path = "meetings/2026-12-01/alice.md"
    build_tree(git_group, {path: note_text("alice", "2026-12-01")})
    commit(git_group, "alice", when="2026-11-30T10:00:00+01:00", author=ALICE)
    git(git_group, "checkout", "-q", "-b", "side")
    git(git_group, "rm", "-q", path)
    commit(git_group, "delete", when="2026-12-02T10:00:00+01:00", author=BOB)
    git(git_group, "checkout", "-q", "main")
    git(git_group, "merge", "-q", "-s", "ours", "--no-edit", "side")
    found = history.read(git_group)
    assert found.file(path) is not None and not found.removed
    assert found.first_committed(path) == when("2026-11-30T10:00:00+01:00")


# -- the log of a commit read before comes from the cache ------------------------------------


def _log_of(found: history.History) -> tuple[list[str], dict[str, list[str]]]:
    return (
        [c.id for c in found.commits],
        {path: [ch.commit.id for ch in f.changes] for path, f in found.files.items()},
    )


def test_the_cached_log_is_the_log_and_follows_head(
    git_group: Path, git_calls: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _grow(git_group, 0, 2)
    first = history.read(git_group)
    _count(git_calls)
    again = history.read(git_group)
    assert _count(git_calls) == 1  # rev-parse only
    assert _log_of(again) == _log_of(first)
    assert again.first_committed("meetings/2026-12-01/alice.md") == first.first_committed(
        "meetings/2026-12-01/alice.md"
    )
    monkeypatch.setenv("MASTERMIND_NO_CACHE", "1")
    assert _log_of(history.read(git_group)) == _log_of(first)
    monkeypatch.delenv("MASTERMIND_NO_CACHE")
    _grow(git_group, 2, 1)  # a new commit: HEAD moved, the log is read again
    _count(git_calls)
    grown = history.read(git_group)
    assert _count(git_calls) == 2
    assert len(grown.commits) > len(first.commits)
    git(git_group, "reset", "-q", "--hard", "HEAD~1")  # back: that commit's log again
    assert _log_of(history.read(git_group))[0] == _log_of(grown)[0][:-1]


def test_a_rewritten_past_is_never_cached(git_group: Path, git_calls: Path) -> None:
    _grow(git_group, 0, 2)
    head = git(git_group, "rev-parse", "HEAD").strip()
    parent = git(git_group, "rev-parse", "HEAD~1").strip()
    git(git_group, "replace", "--graft", head, parent + "~1")  # replace refs change the past
    cache = git_group / ".git/mastermind-cache/history.pickle"
    history.read(git_group)
    assert not cache.exists()
    _count(git_calls)
    history.read(git_group)
    assert _count(git_calls) == 2  # read from git each time


def test_a_shallow_clone_is_never_cached(git_group: Path, tmp_path: Path) -> None:
    _grow(git_group, 0, 2)
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{git_group}", str(clone))
    found = history.read(clone)
    assert found.shallow
    assert not (clone / ".git/mastermind-cache/history.pickle").exists()


def test_a_planted_history_cache_runs_nothing(git_group: Path, tmp_path: Path) -> None:
    import pickle

    _grow(git_group, 0, 2)
    first = history.read(git_group)

    class Boom:
        def __reduce__(self):  # what a planted pickle would do on loading
            return (os.system, (f"touch {tmp_path / 'ran'}",))

    (git_group / ".git/mastermind-cache/history.pickle").write_bytes(pickle.dumps(Boom()))
    assert _log_of(history.read(git_group)) == _log_of(first)
    assert not (tmp_path / "ran").exists()


def test_signatures_are_never_read_from_the_cache(git_group: Path, git_calls: Path) -> None:
    _grow(git_group, 0, 2)
    history.read(git_group, signatures=True)
    _count(git_calls)
    history.read(git_group, signatures=True)  # keyrings and revocations change by themselves
    assert _count(git_calls) == 2


def test_replace_refs_packed_away_still_keep_the_log_uncached(
    git_group: Path, git_calls: Path
) -> None:
    _grow(git_group, 0, 2)
    head = git(git_group, "rev-parse", "HEAD").strip()
    git(git_group, "replace", "--graft", head, git(git_group, "rev-parse", "HEAD~2").strip())
    git(git_group, "pack-refs", "--all")
    assert not list((git_group / ".git/refs/replace").glob("*"))
    history.read(git_group)
    assert not (git_group / ".git/mastermind-cache/history.pickle").exists()


def test_a_commit_date_python_cannot_hold_is_a_warning(git_group: Path) -> None:
    _grow(git_group, 0, 1)
    (git_group / "members/alice.md").write_text(
        (git_group / "members/alice.md").read_text() + "x\n"
    )
    git(git_group, "commit", "-qam", "far", env={"GIT_COMMITTER_DATE": "@999999999999 +0000"})
    found = history.read(git_group)
    assert any("has a date that cannot be read" in w for w in found.warnings)
    assert found.commits[-1].committed.year == 9999


def test_files_behind_a_filter_are_never_taken_on_the_index_word(git_group: Path) -> None:
    build_tree(
        git_group,
        {"meetings/2026-12-01/alice.md": "---\nmember: alice\nmeeting: 2026-12-01\n---\n"},
    )
    git(git_group, "config", "filter.same.clean", "cat")
    git(git_group, "config", "filter.same.smudge", "cat")
    (git_group / ".gitattributes").write_text("meetings/2026-12-01/* filter=same\n")
    git(git_group, "add", "-A")
    git(git_group, "commit", "-qm", "filtered")
    known = history.known_blobs(git_group, ["meetings/"])
    assert known is not None
    assert "meetings/2026-12-01/alice.md" not in known  # git-crypt, LFS: the disk differs
