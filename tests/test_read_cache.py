"""The read layer's cache can never give a stale answer.

What prep and status carry over from a member's earlier notes (and the hot-seat record
agenda replays) is kept in .git/mastermind-cache/ under a key made of the content of
every file it came from. Each test below changes the files in a way a member would
(an edit, committed or not, of the same size in the same second; a rename; a
deletion; a branch switch) and checks the answer follows.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import build_tree, commit, git

TODAY = "2026-12-20"  # next meeting: 2026-12-29


def note(member: str, meeting: str, front: str = "") -> str:
    return f"---\nmember: {member}\nmeeting: {meeting}\n{front}---\n"


@pytest.fixture
def repo(git_group: Path) -> Path:
    build_tree(
        git_group,
        {
            "meetings/2026-12-01/alice.md": note(
                "alice",
                "2026-12-01",
                "commitments:\n  - {id: 2026-12-01/alice/1, text: Call}\n"
                "  - {id: 2026-12-01/alice/2, text: Write}\n",
            ),
            "meetings/2026-12-15/alice.md": note(
                "alice", "2026-12-15", "report:\n  - {id: 2026-12-01/alice/1, status: partial}\n"
            ),
        },
    )
    commit(git_group, "alice", when="2026-12-15T10:00:00+01:00")
    return git_group


def owed(run_main, root: Path, member: str = "alice") -> list[str]:
    code, out, err = run_main(
        "-C", str(root), "status", "--member", member, "--today", TODAY, "--format", "json"
    )
    assert code == 0, err
    result: list[str] = json.loads(out)["to_report"]
    return result


CACHE = ".git/mastermind-cache/carry-alice.json"


def test_the_cache_is_used_and_lives_inside_git(repo: Path, run_main) -> None:
    assert owed(run_main, repo) == ["2026-12-01/alice/2"]
    assert (repo / CACHE).is_file()
    assert git(repo, "status", "--porcelain") == ""  # nothing to commit, nothing ignored
    assert owed(run_main, repo) == ["2026-12-01/alice/2"]


def test_an_edit_of_the_same_size_in_the_same_second_is_seen(repo: Path, run_main) -> None:
    assert owed(run_main, repo) == ["2026-12-01/alice/2"]
    path = repo / "meetings/2026-12-15/alice.md"
    before = path.read_bytes()
    path.write_bytes(before.replace(b"2026-12-01/alice/1", b"2026-12-01/alice/2"))
    assert len(path.read_bytes()) == len(before)
    assert owed(run_main, repo) == ["2026-12-01/alice/1"]  # uncommitted
    commit(repo, "fix", when="2026-12-16T10:00:00+01:00")
    assert owed(run_main, repo) == ["2026-12-01/alice/1"]


def test_a_new_untracked_note_is_seen(repo: Path, run_main) -> None:
    assert owed(run_main, repo) == ["2026-12-01/alice/2"]
    build_tree(
        repo,
        {
            "meetings/2026-12-15/alice.md": note(
                "alice",
                "2026-12-15",
                "report:\n  - {id: 2026-12-01/alice/1, status: done}\n"
                "  - {id: 2026-12-01/alice/2, status: done}\n",
            )
        },
    )
    assert owed(run_main, repo) == []


def test_a_deletion_and_a_rename_are_seen(repo: Path, run_main) -> None:
    assert owed(run_main, repo) == ["2026-12-01/alice/2"]
    git(repo, "rm", "-q", "meetings/2026-12-15/alice.md")
    assert owed(run_main, repo) == ["2026-12-01/alice/1", "2026-12-01/alice/2"]
    git(repo, "reset", "-q", "--hard")
    assert owed(run_main, repo) == ["2026-12-01/alice/2"]
    # renamed out of the group's layout: no longer a note of hers
    git(repo, "mv", "meetings/2026-12-15/alice.md", "meetings/2026-12-15/alice.md.old")
    assert owed(run_main, repo) == ["2026-12-01/alice/1", "2026-12-01/alice/2"]


def test_a_branch_switch_is_seen(repo: Path, run_main) -> None:
    git(repo, "checkout", "-q", "-b", "other")
    build_tree(
        repo,
        {
            "meetings/2026-12-15/alice.md": note(
                "alice", "2026-12-15", "report:\n  - {id: 2026-12-01/alice/2, status: done}\n"
            )
        },
    )
    commit(repo, "other", when="2026-12-16T10:00:00+01:00")
    assert owed(run_main, repo) == ["2026-12-01/alice/1"]
    git(repo, "checkout", "-q", "main")
    assert owed(run_main, repo) == ["2026-12-01/alice/2"]
    git(repo, "checkout", "-q", "other")
    assert owed(run_main, repo) == ["2026-12-01/alice/1"]


def test_a_config_change_is_seen(repo: Path, run_main) -> None:
    assert owed(run_main, repo) == ["2026-12-01/alice/2"]
    config = repo / "mastermind.yaml"
    # 12-15 no longer takes place: that note is off the schedule, so it is skipped
    config.write_text(config.read_text().replace("members:", "skip: [2026-12-15]\nmembers:"))
    code, out, err = run_main(
        "-C", str(repo), "status", "--member", "alice", "--today", TODAY, "--format", "json"
    )
    assert code == 0 and "2026-12-15 is not a meeting date" in err
    assert json.loads(out)["to_report"] == ["2026-12-01/alice/1", "2026-12-01/alice/2"]


def test_a_damaged_cache_is_ignored_and_the_switch_turns_it_off(
    repo: Path, run_main, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert owed(run_main, repo) == ["2026-12-01/alice/2"]
    (repo / CACHE).write_text("{not json")
    assert owed(run_main, repo) == ["2026-12-01/alice/2"]
    stored = json.loads((repo / CACHE).read_text())
    stored["value"]["carry"]["owed"] = [["forged"]]  # right key, unreadable value
    (repo / CACHE).write_text(json.dumps(stored))
    assert owed(run_main, repo) == ["2026-12-01/alice/2"]
    (repo / CACHE).unlink()
    monkeypatch.setenv("MASTERMIND_NO_CACHE", "1")
    assert owed(run_main, repo) == ["2026-12-01/alice/2"]
    assert not (repo / CACHE).exists()


def test_a_note_reached_through_a_symlink_is_never_read(repo: Path, run_main) -> None:
    """Not even one inside the repo (it could reach a file git does not track): the
    linked note counts for nothing, whatever its target says, and nothing stale stays."""
    target = repo / "elsewhere.md"
    target.write_text(
        note("alice", "2026-12-15", "report:\n  - {id: 2026-12-01/alice/2, status: done}\n")
    )
    link = repo / "meetings/2026-12-15/alice.md"
    link.unlink()
    link.symlink_to(target)
    assert owed(run_main, repo) == ["2026-12-01/alice/1", "2026-12-01/alice/2"]
    target.write_text(
        note("alice", "2026-12-15", "report:\n  - {id: 2026-12-01/alice/1, status: done}\n")
    )
    assert owed(run_main, repo) == ["2026-12-01/alice/1", "2026-12-01/alice/2"]
    link.unlink()
    target.rename(link)
    assert owed(run_main, repo) == ["2026-12-01/alice/2"]


def test_the_agenda_rotation_follows_a_new_record(git_group: Path, run_main) -> None:
    members = ("alice", "bob")
    build_tree(git_group, {f"meetings/2026-12-01/{m}.md": note(m, "2026-12-01") for m in members})
    commit(git_group, "notes", when="2026-12-01T10:00:00+01:00")

    def order() -> list[str]:
        code, out, err = run_main(
            "-C", str(git_group), "agenda", "--meeting", "2026-12-15", "--format", "json"
        )
        assert code == 0, err
        result: list[str] = json.loads(out)["hot_seat_order"]
        return result

    assert order() == ["alice", "bob"]  # both had it on 12-01 (as planned): a tie
    build_tree(
        git_group,
        {
            "meetings/2026-12-01/agenda.md": (
                "---\nmeeting: 2026-12-01\nhot_seat_order: [alice, bob]\nhot_seats: [alice]\n---\n"
            )
        },
    )
    assert order() == ["bob", "alice"]  # the record says only alice had it


def test_a_remembered_render_needs_no_jinja2_and_follows_its_input(
    git_group: Path, run_main, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    def agenda() -> str:
        code, out, err = run_main("-C", str(git_group), "agenda", "--meeting", "2026-12-15")
        assert code == 0, err
        return out

    first = agenda()
    monkeypatch.setitem(sys.modules, "jinja2", None)  # importing it now fails
    assert agenda() == first
    build_tree(
        git_group,
        {"meetings/2026-12-15/bob.md": note("bob", "2026-12-15", "walk_away: A clear plan\n")},
    )
    with pytest.raises(ImportError):  # a new input is rendered afresh
        agenda()
    monkeypatch.delitem(sys.modules, "jinja2")
    assert "A clear plan" in agenda()


def test_a_file_git_takes_on_trust_is_read_not_trusted(repo: Path, run_main) -> None:
    assert owed(run_main, repo) == ["2026-12-01/alice/2"]
    path = "meetings/2026-12-15/alice.md"
    for flag in ("--assume-unchanged", "--skip-worktree"):
        git(repo, "update-index", flag, path)
        build_tree(
            repo,
            {
                path: note(
                    "alice", "2026-12-15", "report:\n  - {id: 2026-12-01/alice/2, status: done}\n"
                )
            },
        )
        assert owed(run_main, repo) == ["2026-12-01/alice/1"]
        git(repo, "update-index", flag.replace("--", "--no-"), path)
        git(repo, "checkout", "--", path)
        assert owed(run_main, repo) == ["2026-12-01/alice/2"]


def test_a_value_is_never_stored_under_a_key_for_other_content(
    repo: Path, run_main, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key is made before the notes are read; if a note changes in between (here:
    git names an older blob than the one read), the answer is given but not kept."""
    from mastermind_kit import history, read

    real = history.known_blobs

    def racing(root: Path, pathspecs: list[str]) -> dict[str, str] | None:
        found = real(root, pathspecs) or {}
        return {path: "0" * 40 for path in found}

    monkeypatch.setattr(read, "known_blobs", racing)
    assert owed(run_main, repo) == ["2026-12-01/alice/2"]
    assert not (repo / CACHE).exists()


def test_an_oversized_untracked_note_is_skipped_not_read_into_memory(repo: Path, run_main) -> None:
    big = repo / "meetings/2026-12-15/alice.md"
    with open(big, "r+b") as handle:
        handle.truncate(3 * 1024 * 1024)  # sparse: three MiB that were never written
    code, out, err = run_main(
        "-C", str(repo), "status", "--member", "alice", "--today", TODAY, "--format", "json"
    )
    assert code == 0 and "skipped: file is 3.0 MiB" in err
    assert json.loads(out)["to_report"] == ["2026-12-01/alice/1", "2026-12-01/alice/2"]


# -- the whole group's notes (summary, site) -------------------------------------------------


def fates(run_main, root: Path) -> dict[str, int]:
    code, out, err = run_main(
        "-C", str(root), "summary", "--member", "alice", "--today", TODAY, "--format", "json"
    )
    assert code == 0, err
    alice = json.loads(out)["members"]["alice"]
    return {fate: alice[fate] for fate in ("done", "partial", "missed", "open", "unreported")}


NOTES = ".git/mastermind-cache/notes.pickle"


def test_the_whole_groups_notes_follow_every_change(repo: Path, run_main) -> None:
    first = fates(run_main, repo)
    assert (first["partial"], first["unreported"]) == (1, 1)
    assert (repo / NOTES).is_file()
    assert fates(run_main, repo) == first  # from the cache
    path = repo / "meetings/2026-12-15/alice.md"
    # the same size, uncommitted: git no longer vouches for it, so it is read
    path.write_bytes(path.read_bytes().replace(b"partial", b"missed "))
    assert fates(run_main, repo)["missed"] == 1
    commit(repo, "missed", when="2026-12-16T10:00:00+01:00")
    assert fates(run_main, repo)["missed"] == 1
    git(repo, "checkout", "-q", "HEAD~1")  # another commit: other blob ids
    assert fates(run_main, repo)["partial"] == 1
    git(repo, "checkout", "-q", "-")
    path.unlink()  # a deletion
    assert fates(run_main, repo)["partial"] == 0


def test_a_config_change_reads_every_note_again(repo: Path, run_main) -> None:
    fates(run_main, repo)
    config = repo / "mastermind.yaml"
    # alice leaves before her second note: that note is now off her membership
    config.write_text(
        config.read_text().replace(
            "joined: 2026-12-01\n", "joined: 2026-12-01\n    left: 2026-12-05\n", 1
        )
    )
    code, _, err = run_main("-C", str(repo), "summary", "--today", TODAY, "--format", "json")
    assert code == 0
    assert "meetings/2026-12-15/alice.md" in err  # skipped: dated after alice left


def test_a_damaged_or_foreign_notes_cache_is_ignored_never_run(
    repo: Path, run_main, tmp_path: Path
) -> None:
    import os
    import pickle

    first = fates(run_main, repo)
    (repo / NOTES).write_bytes(b"\x80\x05garbage")
    assert fates(run_main, repo) == first

    class Boom:
        def __reduce__(self):  # what a planted pickle would do on loading
            return (os.system, (f"touch {tmp_path / 'ran'}",))

    (repo / NOTES).write_bytes(pickle.dumps({"key": "x", "entries": Boom()}))
    assert fates(run_main, repo) == first
    assert not (tmp_path / "ran").exists()


def test_site_pages_come_from_the_store_only_while_their_input_is_the_same(
    repo: Path, run_main, tmp_path: Path
) -> None:
    def build(out: str) -> dict[str, str]:
        code, _, err = run_main(
            "-C", str(repo), "site", "--today", TODAY, "--out", str(tmp_path / out)
        )
        assert code == 0, err
        return {
            p.relative_to(tmp_path / out).as_posix(): p.read_text()
            for p in (tmp_path / out).rglob("*.html")
        }

    first = build("a")
    store = repo / ".git/mastermind-cache/site-pages"
    assert len(list(store.iterdir())) == len(first)
    assert build("b") == first  # every page from the store
    path = repo / "meetings/2026-12-15/alice.md"
    path.write_text(path.read_text().replace("status: partial", "status: done"))
    changed = build("c")
    assert "fate-done" in changed["meetings/2026-12-15.html"]
    assert changed != first
    assert len(list(store.iterdir())) == len(changed)  # the old pages are gone
    import os

    os.environ["MASTERMIND_NO_CACHE"] = "1"
    try:
        assert build("d") == changed  # the same pages without any cache
    finally:
        del os.environ["MASTERMIND_NO_CACHE"]
