"""The repo's own paths never lead outside it.

A member can commit a symlink anywhere among the group's files and folders: to a file
outside the repo (another member's SSH key), onto a file in the repo that git does not
track (a private draft), nowhere, or round in a loop. Every command reads around it
(a finding or a skipped file, never a traceback), never shows what is behind it, and
never writes through it; ``check`` names each one.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import GROUP_YAML, PROFILE_ALICE, PROFILE_BOB, build_tree, commit, git

pytestmark = pytest.mark.skipif(os.name == "nt", reason="symlinks")

Run = Callable[..., tuple[int, str, str]]

TODAY = "2026-12-20"  # biweekly from 2026-12-01: the next meeting is 2026-12-29
SECRET = "SECRET-7f3a"  # what lies behind a link: it must never show


def note(member: str, meeting: str, front: str = "", body: str = "") -> str:
    return f"---\nmember: {member}\nmeeting: {meeting}\n{front}---\n{body}"


NOTES = {
    "meetings/2026-12-01/alice.md": note(
        "alice", "2026-12-01", "commitments:\n  - {id: 2026-12-01/alice/1, text: Call}\n"
    ),
    "meetings/2026-12-01/bob.md": note("bob", "2026-12-01"),
    "meetings/2026-12-15/alice.md": note(
        "alice",
        "2026-12-15",
        "report:\n  - {id: 2026-12-01/alice/1, status: done}\n"
        "commitments:\n  - {id: 2026-12-15/alice/1, text: Ship}\n",
    ),
}


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder outside the repo, as a member's home would hold it: what a link could
    reach. Every file in it is a valid group file with a secret inside."""
    return build_tree(
        tmp_path / "home",
        {
            "secret.md": note("alice", "2026-12-15", "walk_away: " + SECRET + "\n", SECRET),
            "notes/alice.md": note("alice", "2026-12-15", "walk_away: " + SECRET + "\n"),
            "members/alice.md": PROFILE_ALICE.replace("Alice's story.", SECRET),
            "members/bob.md": PROFILE_BOB + SECRET + "\n",
            "config.yaml": GROUP_YAML.replace("Test Group", SECRET),
            "note.md.j2": SECRET + "\n",
            "templates/note.md.j2": SECRET + "\n",
        },
    )


@pytest.fixture
def repo(git_group: Path) -> Path:
    build_tree(git_group, NOTES)
    commit(git_group, "notes", when="2026-12-15T20:00:00+01:00")
    return git_group


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def replace_with_link(root: Path, relative: str, target: Path | str) -> None:
    """``root/relative`` becomes a symlink to ``target`` (what was there goes)."""
    path = root / relative
    if path.is_dir() and not path.is_symlink():
        import shutil

        shutil.rmtree(path)
    elif os.path.lexists(path):
        path.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)


# Each committed link: (its path in the repo, where it points: "out:<path>" in the
# outside folder, "in:<path>" in the repo, "nowhere", "loop").
LINKS = {
    "note-out": ("meetings/2026-12-15/alice.md", "out:secret.md"),
    "note-in": ("meetings/2026-12-15/alice.md", "in:drafts/alice.md"),
    "note-git": ("meetings/2026-12-15/alice.md", "in:.git/config"),
    "note-nowhere": ("meetings/2026-12-15/alice.md", "nowhere"),
    "note-loop": ("meetings/2026-12-15/alice.md", "loop"),
    "meeting-out": ("meetings/2026-12-15", "out:notes"),
    "meeting-nowhere": ("meetings/2026-12-29", "nowhere"),
    "meeting-loop": ("meetings/2026-12-29", "loop"),
    "meetings-out": ("meetings", "out:notes"),
    "members-out": ("members", "out:members"),
    "members-loop": ("members", "loop"),
    "profile-out": ("members/alice.md", "out:members/alice.md"),
    "profile-nowhere": ("members/bob.md", "nowhere"),
    "config-in": ("mastermind.yaml", "in:drafts/config.yaml"),
    "config-loop": ("mastermind.yaml", "loop"),
    "agenda-out": ("meetings/2026-12-15/agenda.md", "out:secret.md"),
    "recaps-out": ("recaps", "out:notes"),
    "recap-loop": ("recaps/2026-12-15.md", "loop"),
    "accepted-out": ("audit-accepted.yaml", "out:config.yaml"),
    "templates-out": ("templates", "out:templates"),
    "template-out": ("templates/note.md.j2", "out:note.md.j2"),
    "template-nowhere": ("templates/agenda.md.j2", "nowhere"),
}


def make_link(repo: Path, outside: Path, shape: str) -> str:
    """Commit the link ``shape`` (LINKS) into ``repo``; returns its path."""
    relative, where = LINKS[shape]
    if where.startswith("out:"):
        target: Path | str = outside / where[4:]
    elif where.startswith("in:"):
        inner = where[3:]
        if inner.startswith("drafts/"):
            # A file git does not track: a member's own draft, next to the group's files.
            build_tree(repo, {inner: (outside / "secret.md").read_text()})
            if inner.endswith("config.yaml"):
                (repo / inner).write_text((outside / "config.yaml").read_text())
        target = Path(os.path.relpath(repo / inner, (repo / relative).parent))
    elif where == "nowhere":
        target = "gone/nothing-here"
    else:
        target = Path(relative).name  # itself: a loop
    replace_with_link(repo, relative, target)
    git(repo, "add", "-A", "--", ".", ":!drafts")
    commit(repo, f"link {shape}", when="2026-12-16T10:00:00+01:00")
    return relative


COMMANDS: dict[str, tuple[str, ...]] = {
    "check": ("check",),
    "status": ("status", "--member", "alice", "--today", TODAY),
    "status-json": ("status", "--member", "bob", "--today", TODAY, "--format", "json"),
    "prep": ("prep", "--member", "alice", "--today", TODAY),
    "prep-stdout": ("prep", "--member", "bob", "--today", TODAY, "--stdout"),
    "agenda": ("agenda", "--meeting", "2026-12-15", "--today", TODAY),
    "agenda-write": ("agenda", "--meeting", "2026-12-29", "--today", TODAY, "--write"),
    "summary": ("summary", "--today", TODAY),
    "summary-csv": ("summary", "--today", TODAY, "--format", "csv"),
    "recap": ("recap", "--meeting", "2026-12-15", "--today", TODAY),
    "recap-write": ("recap", "--meeting", "2026-12-15", "--today", TODAY, "--write"),
    "calendar": ("calendar", "--member", "alice", "--today", TODAY),
    "schedule": ("schedule", "--today", TODAY),
    "member-list": ("member", "list"),
    "site": ("site", "--today", TODAY),
    "fix": ("check", "--fix"),
    "audit": ("audit",),
    "allowed-signers": ("allowed-signers",),
    "seal-verify": ("seal", "--verify", "--today", TODAY),
}


@pytest.mark.catalogue
@pytest.mark.parametrize("shape", sorted(LINKS))
def test_every_command_reads_around_a_committed_symlink(
    repo: Path, outside: Path, run_main: Run, shape: str
) -> None:
    """Exit 0, 1 or 2, never a traceback; an error is one line; nothing behind the link
    shows; nothing outside the repo changes."""
    make_link(repo, outside, shape)
    before = snapshot(outside)
    for args in COMMANDS.values():
        code, out, err = run_main("-C", str(repo), *args)
        where = f"{shape}: mastermind {' '.join(args)}"
        assert code in (0, 1, 2), where
        assert "Traceback" not in out + err, where
        assert SECRET not in out + err, where
        if code == 2:
            assert len(err.strip().splitlines()) == 1, f"{where}: {err}"
        assert snapshot(outside) == before, where
    written = [p for p in repo.rglob("*") if p.is_file() and not p.is_symlink()]
    for path in written:
        if ".git" not in path.relative_to(repo).parts and "drafts" not in path.parts:
            assert SECRET.encode() not in path.read_bytes(), f"{shape}: {path}"


@pytest.mark.catalogue
@pytest.mark.parametrize("shape", sorted(LINKS))
def test_check_names_every_committed_symlink(
    repo: Path, outside: Path, run_main: Run, shape: str
) -> None:
    relative = make_link(repo, outside, shape)
    code, out, err = run_main("check", cwd=repo)
    assert code == 1, out + err
    lines = [line for line in out.splitlines() if line.startswith(f"{relative}:1:")]
    assert lines, f"no finding for {relative} in:\n{out}"
    assert "error" in lines[0] and "symlink" in lines[0]
    assert SECRET not in out + err


@pytest.mark.catalogue
@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("nowhere", "symlink leads nowhere"),
        ("loop", "symlink loops back on itself"),
        ("out:secret.md", "symlink points outside the group repo"),
        ("in:drafts/alice.md", "symlink points to drafts/alice.md inside the repo"),
        ("in:.git/config", "symlink points into .git"),
    ],
)
def test_the_finding_says_where_the_link_leads(
    repo: Path, outside: Path, run_main: Run, target: str, words: str
) -> None:
    LINKS["under-test"] = ("meetings/2026-12-15/alice.md", target)
    try:
        make_link(repo, outside, "under-test")
    finally:
        del LINKS["under-test"]
    code, out, _ = run_main("check", "meetings/2026-12-15/alice.md", cwd=repo)
    assert code == 1
    assert f"meetings/2026-12-15/alice.md:1:1: error: {words}; not reading it" in out


@pytest.mark.catalogue
def test_a_symlinked_meeting_folder_is_named_once_and_its_notes_each(
    repo: Path, outside: Path, run_main: Run
) -> None:
    make_link(repo, outside, "meeting-out")
    code, out, _ = run_main("check", cwd=repo)
    assert code == 1
    assert (
        "meetings/2026-12-15:1:1: error: 'meetings/2026-12-15' is a symlink that points "
        "outside the group repo: the files below it are neither read nor written"
    ) in out
    assert (
        "meetings/2026-12-15/alice.md:1:1: error: folder meetings/2026-12-15 is a symlink "
        "that points outside the group repo; not reading it"
    ) in out


@pytest.mark.catalogue
def test_other_commands_skip_a_linked_note_with_a_warning(
    repo: Path, outside: Path, run_main: Run
) -> None:
    make_link(repo, outside, "note-out")
    code, out, err = run_main("-C", str(repo), "status", "--member", "alice", "--today", TODAY)
    assert code == 0
    assert "meetings/2026-12-15/alice.md" in err and "symlink points outside" in err
    assert SECRET not in out + err
    # The report in the linked note does not count: the commitment is still owed.
    assert "2026-12-01/alice/1" in out


@pytest.mark.catalogue
def test_a_symlinked_config_stops_every_command_but_check_with_one_line(
    repo: Path, outside: Path, run_main: Run
) -> None:
    make_link(repo, outside, "config-in")
    code, out, err = run_main("-C", str(repo), "member", "list")
    assert code == 2 and out == ""
    assert err.startswith("mastermind: error: mastermind.yaml:1:1: symlink points to drafts/")
    assert len(err.splitlines()) == 1
    code, out, _ = run_main("check", cwd=repo)
    assert code == 1 and "mastermind.yaml:1:1: error: symlink" in out


@pytest.mark.catalogue
@pytest.mark.parametrize("target", ["nowhere", "loop"])
def test_a_config_that_leads_nowhere_still_marks_the_repo(
    repo: Path, outside: Path, run_main: Run, target: str
) -> None:
    """Found from a folder inside the repo, not mistaken for no group (or for a group
    in a folder further up)."""
    replace_with_link(
        repo, "mastermind.yaml", "gone.yaml" if target == "nowhere" else "mastermind.yaml"
    )
    code, out, err = run_main("check", cwd=repo / "members")
    assert code == 1 and "mastermind.yaml:1:1: error: symlink" in out, out + err
    code, _, err = run_main("status", "--member", "alice", cwd=repo / "members")
    assert code == 2 and "mastermind.yaml" in err and len(err.splitlines()) == 1


# -- writes: never through a committed link --------------------------------------------------


def refused(run_main: Run, repo: Path, outside: Path, *args: str) -> str:
    """Run a command that must refuse: exit 2, one line, nothing changed outside the
    repo, and the config as it was. Returns the message."""
    before = snapshot(outside)
    config = (
        (repo / "mastermind.yaml").read_bytes() if (repo / "mastermind.yaml").is_file() else b""
    )
    code, _, err = run_main("-C", str(repo), *args)
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert snapshot(outside) == before
    if config:
        assert (repo / "mastermind.yaml").read_bytes() == config
    return err


@pytest.mark.catalogue
def test_member_add_never_writes_through_a_symlinked_members_folder(
    repo: Path, outside: Path, run_main: Run
) -> None:
    make_link(repo, outside, "members-out")
    err = refused(
        run_main,
        repo,
        outside,
        "member",
        "add",
        "carol",
        "--name",
        "Carol",
        "--joined",
        "2026-12-29",
    )
    assert "members is reached through a symlink; nothing was written" in err
    assert not (outside / "members/carol.md").exists()


@pytest.mark.catalogue
@pytest.mark.parametrize("shape", ["meetings-out", "meeting-nowhere", "meeting-loop"])
def test_prep_never_writes_through_a_symlinked_meeting_folder(
    repo: Path, outside: Path, run_main: Run, shape: str
) -> None:
    """Also when the meeting's own folder does not exist yet, below a linked meetings/."""
    make_link(repo, outside, shape)
    err = refused(run_main, repo, outside, "prep", "--member", "alice", "--today", TODAY)
    assert "reached through a symlink" in err and "nothing was written" in err
    assert not (outside / "notes/2026-12-29").exists()


@pytest.mark.catalogue
def test_agenda_and_report_never_write_through_a_symlinked_meeting_folder(
    repo: Path, outside: Path, run_main: Run
) -> None:
    (outside / "empty").mkdir()
    replace_with_link(repo, "meetings/2026-12-29", outside / "empty")
    err = refused(
        run_main,
        repo,
        outside,
        "report",
        "2026-12-15/alice/1",
        "done",
        "--member",
        "alice",
        "--today",
        TODAY,
    )
    assert "meetings/2026-12-29 is reached through a symlink" in err
    assert not any((outside / "empty").iterdir())
    make_link(repo, outside, "meeting-out")
    err = refused(
        run_main, repo, outside, "agenda", "--meeting", "2026-12-15", "--today", TODAY, "--write"
    )
    assert "meetings/2026-12-15 is reached through a symlink" in err


@pytest.mark.catalogue
def test_recap_never_writes_through_a_symlinked_recaps_folder(
    repo: Path, outside: Path, run_main: Run
) -> None:
    make_link(repo, outside, "recaps-out")
    err = refused(
        run_main, repo, outside, "recap", "--meeting", "2026-12-15", "--today", TODAY, "--write"
    )
    assert "recaps is reached through a symlink; nothing was written" in err


@pytest.mark.catalogue
def test_check_fix_never_writes_through_a_link_inside_the_repo(
    repo: Path, outside: Path, run_main: Run
) -> None:
    draft = note("alice", "2026-12-15", "walk_away: no\n")
    build_tree(repo, {"drafts/alice.md": draft})
    replace_with_link(repo, "meetings/2026-12-15/alice.md", "../../drafts/alice.md")
    code, out, _ = run_main("-C", str(repo), "check", "--fix")
    assert code == 1 and "never read through a symlink" in out
    assert (repo / "drafts/alice.md").read_text() == draft


@pytest.mark.catalogue
def test_out_options_inside_the_repo_never_go_through_a_committed_link(
    repo: Path, outside: Path, run_main: Run
) -> None:
    """--out is the user's choice, but a folder of the repo on its way is a member's: a
    link there (even to a folder that does not exist yet below it) is refused."""
    replace_with_link(repo, "docs", outside)
    commit(repo, "docs", when="2026-12-16T10:00:00+01:00")
    for args in (
        ("calendar", "--today", TODAY, "--out", "docs/new/group.ics"),
        ("calendar", "--today", TODAY, "--out", "docs/group.ics"),
        ("site", "--today", TODAY, "--out", "docs/pages"),
        ("allowed-signers", "--out", "docs/allowed_signers"),
    ):
        err = refused(run_main, repo, outside, *args)
        assert "docs" in err and "symlink" in err, err
    assert not (outside / "new").exists() and not (outside / "pages").exists()


@pytest.mark.catalogue
def test_a_link_to_the_repo_itself_is_followed_only_above_the_repo(
    repo: Path, tmp_path: Path, outside: Path, run_main: Run
) -> None:
    """The user's own links above the repo (like /tmp -> /private/tmp) are fine."""
    alias = tmp_path / "alias"
    alias.symlink_to(repo, target_is_directory=True)
    code, _, err = run_main(
        "-C", str(alias), "calendar", "--today", TODAY, "--out", str(alias / "cal" / "group.ics")
    )
    assert code == 0, err
    assert (repo / "cal/group.ics").is_file()


def test_writes_inside_plain_folders_still_work(repo: Path, run_main: Run) -> None:
    """The guard is no obstacle where there is no link."""
    code, _, err = run_main("-C", str(repo), "prep", "--member", "alice", "--today", TODAY)
    assert code == 0, err
    assert (repo / "meetings/2026-12-29/alice.md").is_file()
    code, _, err = run_main(
        "-C", str(repo), "member", "add", "carol", "--name", "Carol", "--joined", "2026-12-29"
    )
    assert code == 0, err
    assert (repo / "members/carol.md").is_file()


@pytest.mark.catalogue
def test_check_lists_nothing_behind_a_symlinked_meeting_folder(
    repo: Path, tmp_path: Path, run_main: Run
) -> None:
    """A meeting folder linked to a folder outside: one finding, and not a line about
    what lies there (in CI, that list would land in a log every member reads)."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for name in ("id_ed25519", "tax-2026.pdf", "diary.txt"):
        (elsewhere / name).write_text("private\n")
    (repo / "meetings" / "2026-12-29").symlink_to(elsewhere, target_is_directory=True)
    code, out, _ = run_main("check", cwd=repo)
    assert code == 1
    assert "meetings/2026-12-29:1:1: error:" in out
    for name in ("id_ed25519", "tax-2026.pdf", "diary.txt"):
        assert name not in out
