"""Every operating-system error is one line: what, where, what to do; exit 2; nothing
half-written. And numbers and dates the tool cannot compute with are refused where they
are written (a finding with file and line), never met as a traceback later.

Real conditions where this machine has them: a name of 300 characters
(ENAMETOOLONG), a file where a folder should be (ENOTDIR, or EEXIST from ``mkdir``),
``/dev/full`` as standard output (ENOSPC), a file-size limit (EFBIG, in a child
process). The tests run as root, so a read-only folder or a denied permission cannot be
made real here: those two, EROFS and EACCES, are simulated in-process by making
``os.replace`` (the last step of every atomic write) or ``open`` raise them.
"""

from __future__ import annotations

import builtins
import datetime as dt
import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mastermind_kit import schedule
from mastermind_kit.errors import UsageError

from conftest import build_tree, commit, git
from small_group import FILES, TODAY

pytestmark = pytest.mark.catalogue

LONG = "x" * 300  # longer than any file system's 255 bytes for one name
T = ("--today", TODAY)


@pytest.fixture
def small(tmp_path: Path) -> Path:
    root = build_tree(tmp_path / "group", FILES)
    git(root, "init", "-q", "-b", "main")
    commit(root, "start", when="2026-12-16T10:00:00+01:00")
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of the work tree (not .git, where only caches go)."""
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(root).parts
    }


def one_line(code: int, out: str, err: str) -> str:
    """The error: exit 2, one line on stderr, no traceback."""
    assert code == 2, err
    assert "Traceback" not in err
    assert err.startswith("mastermind: error: ") and err.count("\n") == 1, err
    return err


# -- ENAMETOOLONG, ENOTDIR: real ---------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("calendar", "--out", LONG + ".ics", *T),
        ("allowed-signers", "--out", LONG),
        ("site", "--out", LONG, *T),
        ("check", LONG),
    ],
    ids=["calendar", "allowed-signers", "site", "check"],
)
def test_a_name_too_long_is_one_line(small: Path, run_main, args: tuple[str, ...]) -> None:
    before = snapshot(small)
    err = one_line(*run_main(*args, cwd=small))
    assert "file name too long" in err and "(use a shorter file or folder name)" in err
    assert snapshot(small) == before


@pytest.mark.parametrize("command", ["init", "demo"])
def test_a_new_repo_with_a_name_too_long(tmp_path: Path, run_main, command: str) -> None:
    args = (command, LONG, "--name", "G", "--member", "a:A:a@example.org")
    err = one_line(*run_main(*(args if command == "init" else args[:2]), cwd=tmp_path))
    assert f"cannot create {LONG}: file name too long; nothing was written" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("calendar", "--out", "mastermind.yaml/x.ics", *T), "a file stands where a folder"),
        (("allowed-signers", "--out", "mastermind.yaml/signers"), "a file stands where a folder"),
    ],
    ids=["calendar", "allowed-signers"],
)
def test_a_file_where_a_folder_should_be(
    small: Path, run_main, args: tuple[str, ...], said: str
) -> None:
    before = snapshot(small)
    err = one_line(*run_main(*args, cwd=small))
    assert "nothing was written" in err and said in err
    assert snapshot(small) == before


def test_a_meeting_folder_that_is_a_file(small: Path, run_main) -> None:
    (small / "meetings" / "2026-12-29").write_text("not a folder\n")
    before = snapshot(small)
    err = one_line(*run_main("prep", "--member", "alice", *T, cwd=small))
    assert "cannot write meetings/2026-12-29/alice.md: " in err
    assert "nothing was written (a file stands where a folder should be)" in err
    assert snapshot(small) == before


@pytest.mark.parametrize("command", ["demo", "site"])
def test_a_path_through_a_file_is_one_line(
    small: Path, tmp_path: Path, run_main, command: str
) -> None:
    (tmp_path / "afile").write_text("x")
    target = str(tmp_path / "afile" / "sub")
    args = ("demo", target) if command == "demo" else ("site", "--out", target, *T)
    err = one_line(*run_main(*args, cwd=small))
    assert "nothing was written" in err
    assert (tmp_path / "afile").read_text() == "x"


def test_the_calendar_never_replaces_a_device(small: Path, run_main) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    err = one_line(*run_main("calendar", "--out", "/dev/full", *T, cwd=small))
    assert "is not a regular file; nothing was written" in err
    assert Path("/dev/full").is_char_device()


# -- ENOSPC, EFBIG: real, in a child process ---------------------------------------------


def _mastermind(root: Path, *args: str, **options: object) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mastermind_kit", *args],
        cwd=root,
        env=env,
        text=True,
        stderr=subprocess.PIPE,
        check=False,
        **options,  # type: ignore[call-overload]
    )


@pytest.mark.parametrize(
    "args",
    [
        ("schedule", *T),
        ("summary", *T),
        ("summary", "--format", "json", *T),
        ("status", "--member", "alice", *T),
        ("schema", "config"),
        ("recap", *T),
    ],
    ids=lambda args: " ".join(args[:3]),
)
def test_a_full_disk_under_standard_output(small: Path, args: tuple[str, ...]) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    with open("/dev/full", "w") as full:
        done = _mastermind(small, *args, stdout=full)
    assert done.returncode == 2, done.stderr
    assert done.stderr == (
        "mastermind: error: cannot write to standard output: no space left on device "
        "(free some disk space, then run it again)\n"
    )


def test_a_file_too_large_leaves_no_half_written_note(small: Path) -> None:
    resource = pytest.importorskip("resource")
    import signal

    def limit() -> None:  # in the child: writes past 300 bytes fail (EFBIG)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (300, 300))

    before = snapshot(small)
    done = _mastermind(
        small, "prep", "--member", "alice", *T, stdout=subprocess.PIPE, preexec_fn=limit
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(
        "mastermind: error: cannot write meetings/2026-12-29/alice.md: file too large; "
        "nothing was written"
    )
    assert done.stderr.count("\n") == 1
    assert snapshot(small) == before  # no note, no temp file beside it


# -- EROFS, EACCES: simulated in-process (root ignores permissions) -----------------------


@pytest.fixture(params=[errno.EROFS, errno.EACCES], ids=["EROFS", "EACCES"])
def refusing_disk(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    """Every atomic write fails at its rename, as on a read-only file system or in a
    folder the user may not write to (a cache write fails too, and is ignored)."""
    code = request.param

    def replace(src: object, dst: object, *args: object, **kwargs: object) -> None:
        raise OSError(code, os.strerror(code), str(dst))

    monkeypatch.setattr(os, "replace", replace)
    return code


ADVICE = {
    errno.EROFS: "read-only file system; nothing was written (the file system is read-only: "
    "work in a copy you can write to)",
    errno.EACCES: "permission denied; nothing was written (check the permissions of the file "
    "and of its folder)",
}


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (("prep", "--member", "alice", *T), "meetings/2026-12-29/alice.md"),
        (("report", "2026-12-15/alice/1", "done", "--member", "alice", *T), "meetings/2026-12-29"),
        (("agenda", "--write", "--meeting", "2026-12-29", *T), "meetings/2026-12-29/agenda.md"),
        (("recap", "--write", *T), "recaps/2026-12-15.md"),
        (("member", "add", "dave", "--name", "Dave"), "members/dave.md"),
        (("member", "leave", "bob", *T), "mastermind.yaml"),
        (("calendar", "--out", "meetings.ics", *T), "meetings.ics"),
        (("allowed-signers", "--out", "signers"), "signers"),
        (("site", *T), "_site"),
        (("ci", "github"), ".github/workflows/mastermind.yml"),
    ],
    ids=lambda value: value[0] if isinstance(value, tuple) else None,
)
def test_a_refused_write_is_one_line_and_writes_nothing(
    small: Path, run_main, refusing_disk: int, args: tuple[str, ...], shown: str
) -> None:
    before = snapshot(small)
    err = one_line(*run_main(*args, cwd=small))
    assert f"cannot write {shown}" in err or f"cannot write to {small / shown}" in err, err
    assert ADVICE[refusing_disk] in err
    assert snapshot(small) == before  # atomic: no half-written file, no temp file


def test_check_fix_on_a_refusing_disk(small: Path, run_main, refusing_disk: int) -> None:
    note = small / "meetings/2026-12-15/bob.md"
    note.write_text(note.read_text().replace("walk_away: A script", "walk_away: no\n# A script"))
    before = snapshot(small)
    err = one_line(*run_main("check", "--fix", cwd=small))
    assert "cannot write meetings/2026-12-15/bob.md: " in err and ADVICE[refusing_disk] in err
    assert snapshot(small) == before


def test_init_on_a_refusing_disk(tmp_path: Path, run_main, refusing_disk: int) -> None:
    err = one_line(
        *run_main("init", "g", "--name", "G", "--member", "a:A:a@example.org", cwd=tmp_path)
    )
    assert "cannot create g: " in err and "nothing was written" in err
    assert list(tmp_path.iterdir()) == []  # the staging folder is gone too


def test_a_note_that_cannot_be_read_is_skipped_with_its_name(
    small: Path, run_main, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_open = builtins.open
    denied = str(small / "meetings/2026-12-15/alice.md")

    def guarded(file: object, *args: object, **kwargs: object) -> object:
        if str(file) == denied:
            raise PermissionError(errno.EACCES, "Permission denied", denied)
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(builtins, "open", guarded)
    code, _, err = run_main("status", "--member", "alice", *T, cwd=small)
    assert code == 0 and "Traceback" not in err
    assert "meetings/2026-12-15/alice.md:1: skipped: cannot read file: Permission denied" in err


def test_an_os_error_caught_nowhere_else_is_still_one_line(
    small: Path, run_main, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last resort in ``main``: what no I/O site turned into a message."""

    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", "/some/file")

    monkeypatch.setattr(schedule, "overview", denied)
    err = one_line(*run_main("schedule", *T, cwd=small))
    assert err == (
        "mastermind: error: cannot read or write /some/file: permission denied (check the "
        "permissions of the file and of its folder)\n"
    )


# -- numbers and dates the tool can compute with ------------------------------------------


def _config(root: Path, old: str, new: str) -> None:
    config = root / "mastermind.yaml"
    text = config.read_text()
    assert old in text
    config.write_text(text.replace(old, new))


@pytest.mark.parametrize(
    ("old", "new", "finding"),
    [
        (
            "hot_seat_minutes: 20\n",
            "hot_seat_minutes: 20\ncommitment_grace_hours: 100000000000000000000\n",
            "mastermind.yaml:9:25: error: commitment_grace_hours: 100000000000000000000 is "
            "greater than the maximum of 8760 [schema]",
        ),
        (
            "hot_seat_minutes: 20\n",
            "hot_seat_minutes: 20\ncommitment_grace_hours: 8761\n",
            "mastermind.yaml:9:25: error: commitment_grace_hours: 8761 is greater than the "
            "maximum of 8760 [schema]",
        ),
        (
            "duration_minutes: 120",
            "duration_minutes: 1000000",
            "mastermind.yaml:7:19: error: duration_minutes: 1000000 is greater than the "
            "maximum of 720 [schema]",
        ),
        (
            "first_meeting: 2026-12-01",
            "first_meeting: 9999-12-01",
            "mastermind.yaml:4:16: error: first_meeting: 9999-12-01 is out of range: expected "
            "a date YYYY-MM-DD from 1970-01-01 to 2200-12-31 (what the schedule can compute "
            "with) [schema]",
        ),
        (
            "first_meeting: 2026-12-01",
            "first_meeting: 0001-01-02",
            "mastermind.yaml:4:16: error: first_meeting: 0001-01-02 is out of range",
        ),
        (
            "hot_seat_minutes: 20\n",
            "hot_seat_minutes: 20\nskip: [1969-12-31]\nextra: [2201-01-05]\n",
            "mastermind.yaml:9:8: error: skip[0]: 1969-12-31 is out of range",
        ),
        (
            "hot_seat_minutes: 20\n",
            "hot_seat_minutes: 20\nskip: [1969-12-31]\nextra: [2201-01-05]\n",
            "mastermind.yaml:10:9: error: extra[0]: 2201-01-05 is out of range",
        ),
        (
            "emails: [alice@example.org], joined: 2026-12-01}",
            "emails: [alice@example.org], joined: 2026-12-01, left: 9999-12-31}",
            "error: members[0].left: 9999-12-31 is out of range",
        ),
    ],
    ids=[
        "grace-huge",
        "grace-over-a-year",
        "duration",
        "first-9999",
        "first-year-1",
        "skip-1969",
        "extra-2201",
        "left-9999",
    ],
)
def test_config_numbers_and_dates_are_bounded(
    small: Path, run_main, old: str, new: str, finding: str
) -> None:
    _config(small, old, new)
    code, out, err = run_main("check", cwd=small)
    assert code == 1 and "Traceback" not in err
    assert any(line.startswith(finding) or finding in line for line in out.splitlines()), out
    for args in (
        ("schedule", *T),
        ("status", "--member", "alice", *T),
        ("summary", *T),
        ("audit",),
        ("calendar", *T),
    ):
        err = one_line(*run_main(*args, cwd=small))
        assert "mastermind.yaml:" in err and "(run 'mastermind check mastermind.yaml')" in err


def test_the_largest_grace_period_is_fine(small: Path, run_main) -> None:
    _config(small, "hot_seat_minutes: 20\n", "hot_seat_minutes: 20\ncommitment_grace_hours: 8760\n")
    assert run_main("check", cwd=small)[0] == 0
    commit(small, "a year of grace", when="2026-12-16T11:00:00+01:00")
    code, out, err = run_main("audit", "--since", "2026-12-16", cwd=small)
    assert code == 1 and "Traceback" not in err
    assert "commitment_grace_hours 48 -> 8760" in out


@pytest.mark.parametrize(
    ("path", "old", "new", "finding"),
    [
        (
            "meetings/2026-12-01/bob.md",
            "due: 2026-12-29",
            "due: 9999-12-31",
            "meetings/2026-12-01/bob.md:9:10: error: commitments[0].due: 9999-12-31 is out of "
            "range",
        ),
        (
            "members/alice.md",
            "due: 2027-06-30",
            "due: 9999-12-31",
            "members/alice.md:11:10: error: goals[0].due: 9999-12-31 is out of range",
        ),
    ],
    ids=["commitment-due", "goal-due"],
)
def test_dates_in_notes_and_profiles_are_bounded(
    small: Path, run_main, path: str, old: str, new: str, finding: str
) -> None:
    file = small / path
    file.write_text(file.read_text().replace(old, new))
    code, out, err = run_main("check", cwd=small)
    assert code == 1 and any(line.startswith(finding) for line in out.splitlines()), out
    # Every other command skips the file with a warning; the calendar of the member's
    # commitments (due + 1 day would overflow in year 9999) is one of them.
    code, out, err = run_main("calendar", "--member", "bob", *T, cwd=small)
    assert code == 0 and "Traceback" not in err and "BEGIN:VCALENDAR" in out


@pytest.mark.parametrize(
    "args", [("--next", "1000000"), ("--past", "1001"), ("--next", "-1")], ids=str
)
def test_schedule_counts_are_bounded(small: Path, run_main, args: tuple[str, ...]) -> None:
    code, out, err = run_main("schedule", *args, *T, cwd=small)
    assert code == 2 and out == "" and "Traceback" not in err
    assert "is not in the range 0<=x<=1000" in err


def test_the_largest_schedule_is_fine(small: Path, run_main) -> None:
    code, out, _ = run_main("schedule", "--next", "1000", "--past", "1000", *T, cwd=small)
    assert code == 0 and len(out.splitlines()) == 1000 + 2  # two meetings held so far


def test_the_library_bounds_the_counts_too(small: Path) -> None:
    from mastermind_kit.repo import GroupRepo

    group = GroupRepo(small).group
    with pytest.raises(UsageError, match="from 0 to 1000"):
        schedule.overview(group, [], dt.date.fromisoformat(TODAY), ahead=10**6)
