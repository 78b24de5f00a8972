"""One member's mistake never blocks the others, and each command reads only what it needs.

`check` is strict; every other command skips a broken file with one warning line naming
it (and the check to run), says the numbers may be incomplete, and exits 0 (1 with
--strict). Only a broken mastermind.yaml stops them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mastermind_kit.demo import build_demo
from mastermind_kit.repo import GroupRepo

from conftest import build_tree, commit, git

TODAY = "2026-11-20"  # in the demo: the next meeting is 2026-12-01, the last was 2026-11-17
BROKEN = "meetings/2026-11-17/kofi.md"


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo(tmp_path_factory.mktemp("demo") / "group")


@pytest.fixture
def demo(demo_template: Path, tmp_path: Path) -> Path:
    """The demo group, with kofi's latest note broken and committed past the hook."""
    root = tmp_path / "group"
    git(tmp_path, "clone", "-q", str(demo_template), str(root))
    note = root / BROKEN
    note.write_text(note.read_text().replace("hot_seat: true", "hot_seat: maybe"))
    git(root, "commit", "-q", "--no-verify", "-am", "kofi: maybe")
    return root


def _skipped_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if "skipped:" in line]


def test_check_names_the_broken_note(demo: Path, run_main) -> None:
    code, out, _ = run_main("check", cwd=demo)
    assert code == 1
    assert f"{BROKEN}:" in out and "hot_seat" in out


@pytest.mark.parametrize(
    "args",
    [
        ["status", "--member", "maren"],
        ["status", "--member", "maren", "--format", "json"],
        ["prep", "--member", "maren", "--stdout"],
    ],
)
def test_another_members_commands_do_not_even_read_it(demo: Path, run_main, args) -> None:
    code, out, err = run_main(*args, "--today", TODAY, cwd=demo)
    assert (code, err) == (0, "")
    assert out


@pytest.mark.parametrize(
    "args",
    [
        ["agenda"],
        ["agenda", "--format", "json"],
        ["summary"],
        ["summary", "--format", "json"],
        ["summary", "--format", "markdown"],
        ["summary", "--format", "csv"],
        ["schedule"],
    ],
)
def test_commands_that_read_it_skip_it_with_one_warning(demo: Path, run_main, args) -> None:
    code, out, err = run_main(*args, "--today", TODAY, cwd=demo)
    assert code == 0, err
    [line] = _skipped_lines(err)
    assert line.startswith(f"{BROKEN}:") and "hot_seat" in line
    assert line.endswith(f"(run 'mastermind check {BROKEN}')")
    assert "Traceback" not in err
    if "json" in args:
        skipped = json.loads(out)["skipped"]
        assert [(s["path"], s["kind"]) for s in skipped] == [(BROKEN, "note")]
        assert skipped[0]["line"] > 1 and "hot_seat" in skipped[0]["message"]
    elif args[0] != "schedule" and "csv" not in args:
        assert "1 note skipped, numbers may be incomplete" in out
    code, _, _ = run_main(*args, "--today", TODAY, "--strict", cwd=demo)
    assert code == 1


def test_the_broken_member_sees_their_own_note_skipped(demo: Path, run_main) -> None:
    code, out, err = run_main("status", "--member", "kofi", "--today", TODAY, cwd=demo)
    assert code == 0 and len(_skipped_lines(err)) == 1
    assert "1 note skipped, numbers may be incomplete" in out
    code, out, err = run_main("prep", "--member", "kofi", "--today", TODAY, "--stdout", cwd=demo)
    assert code == 0 and len(_skipped_lines(err)) == 1
    assert f"# Not carried over: your last note could not be read ({BROKEN}:" in out
    # carried over from his last readable note (2026-11-03) instead: what it owed
    assert 'id: "2026-11-03/kofi/1"' in out


def test_summary_counts_everyone_else(demo: Path, run_main) -> None:
    code, out, _ = run_main("summary", "--format", "json", "--today", TODAY, cwd=demo)
    data = json.loads(out)
    assert code == 0
    assert data["members"]["maren"]["made"] > 0
    git(demo, "checkout", "-q", "HEAD~1", "--", BROKEN)  # the note as it was
    _, fixed, _ = run_main("summary", "--format", "json", "--today", TODAY, cwd=demo)
    before = json.loads(fixed)
    assert before["skipped"] == []
    assert before["members"]["maren"] == data["members"]["maren"]
    assert before["members"]["kofi"]["made"] > data["members"]["kofi"]["made"]


def test_a_broken_profile_loses_that_members_goals_only(demo: Path, run_main) -> None:
    profile = demo / "members/maren.md"
    profile.write_text(profile.read_text().replace("goals:", "goals: 3\nold_goals:", 1))
    code, out, err = run_main("summary", "--format", "json", "--today", TODAY, cwd=demo)
    assert code == 0
    assert [line.split(":")[0] for line in _skipped_lines(err)] == [BROKEN, "members/maren.md"]
    maren = json.loads(out)["members"]["maren"]
    assert maren["goals"] == [] and maren["made"] > 0
    code, out, err = run_main("prep", "--member", "maren", "--today", TODAY, "--stdout", cwd=demo)
    assert code == 0 and "members/maren.md" in err and "results: {}" in out


def test_a_broken_agenda_record_fails_check(demo: Path, run_main) -> None:
    build_tree(
        demo, {"meetings/2026-11-17/agenda.md": "---\nmeeting: 2026-11-17\nhot_seats: 5\n---\n"}
    )
    code, out, _ = run_main("check", cwd=demo)
    assert code == 1 and "meetings/2026-11-17/agenda.md:3:" in out
    build_tree(demo, {"meetings/2026-11-17/agenda.md": "---\nmeeting: [\n---\n"})
    code, out, _ = run_main("check", cwd=demo)
    assert code == 1 and "meetings/2026-11-17/agenda.md:" in out


def test_a_member_marked_as_left_before_their_notes(demo: Path, run_main) -> None:
    config = demo / "mastermind.yaml"
    text = config.read_text()
    start = text.index("- id: jonas")
    end = text.index("left:", start)
    line_end = text.index("\n", end)
    config.write_text(text[:end] + "left: 2026-09-01" + text[line_end:])
    code, out, _ = run_main("check", cwd=demo)
    assert code == 1 and "was not in the group on" in out
    code, out, err = run_main("summary", "--format", "json", "--today", TODAY, cwd=demo)
    assert code == 0
    assert all(
        "'jonas' was not in the group" in line or BROKEN in line for line in _skipped_lines(err)
    )
    assert json.loads(out)["members"]["jonas"]["left"] == "2026-09-01"


# -- reading only what is needed -----------------------------------------------------------


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every group file a command reads, as a path relative to its repo."""
    seen: list[str] = []
    real = GroupRepo._read

    def spy(self: GroupRepo, path: Path, kind: str):  # type: ignore[no-untyped-def]
        seen.append(self.rel(path).as_posix())
        return real(self, path, kind)

    monkeypatch.setattr(GroupRepo, "_read", spy)
    return seen


def test_status_and_prep_read_only_the_members_files(
    demo: Path, run_main, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MASTERMIND_NO_CACHE", "1")
    for args in (["status"], ["prep", "--stdout"]):
        reads.clear()
        code, _, _ = run_main(*args, "--member", "maren", "--today", TODAY, cwd=demo)
        assert code == 0
        assert reads[0] == "mastermind.yaml"
        others = [p for p in reads[1:] if not p.endswith("/maren.md")]
        assert others == []
        assert "members/maren.md" in reads and len(reads) > 10  # all of her notes


def test_with_the_cache_status_reads_no_earlier_note(
    demo: Path, run_main, reads: list[str]
) -> None:
    run_main("status", "--member", "maren", "--today", TODAY, cwd=demo)
    assert (demo / ".git/mastermind-cache/carry-maren.json").is_file()
    reads.clear()
    code, _, _ = run_main("status", "--member", "maren", "--today", TODAY, cwd=demo)
    assert code == 0
    assert reads == ["mastermind.yaml", "members/maren.md"]
    reads.clear()
    run_main("prep", "--member", "maren", "--today", TODAY, "--stdout", cwd=demo)
    # only the last note, whose action plan is carried over
    assert reads == ["mastermind.yaml", "members/maren.md", "meetings/2026-11-17/maren.md"]


def test_agenda_reads_the_meeting_and_the_rotation_window(
    demo: Path, run_main, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from mastermind_kit import schedule
    from mastermind_kit.read import ROTATION_WINDOW

    monkeypatch.setenv("MASTERMIND_NO_CACHE", "1")
    code, _, _ = run_main("agenda", "--meeting", "2026-11-17", cwd=demo)
    assert code == 0
    group = GroupRepo(demo).group
    days = schedule.meetings(group, until=schedule.previous(group, _date("2026-11-17")))
    allowed = {str(d) for d in days[-ROTATION_WINDOW:]} | {"2026-11-17"}
    folders = {p.split("/")[1] for p in reads if p.startswith("meetings/")}
    assert folders <= allowed
    assert not any(p.startswith("members/") for p in reads)


def test_only_a_broken_config_stops_every_command(demo: Path, run_main) -> None:
    config = demo / "mastermind.yaml"
    config.write_text(config.read_text().replace("cadence: biweekly", "cadence: fortnightly"))
    for args in (
        ["status", "--member", "maren"],
        ["prep", "--member", "maren", "--stdout"],
        ["agenda"],
        ["summary"],
        ["schedule"],
    ):
        code, out, err = run_main(*args, "--today", TODAY, cwd=demo)
        assert code == 2 and out == ""
        assert err.startswith("mastermind: error: mastermind.yaml:")
        assert "(run 'mastermind check mastermind.yaml')" in err and "Traceback" not in err


def _date(text: str):  # type: ignore[no-untyped-def]
    import datetime as dt

    return dt.date.fromisoformat(text)


def test_commits_made_by_hand_are_read_the_same_way(git_group: Path, run_main) -> None:
    """A small hand-made history: a broken note of bob's never hides alice's owed work."""
    build_tree(
        git_group,
        {
            "meetings/2026-12-01/alice.md": "---\nmember: alice\nmeeting: 2026-12-01\n"
            "commitments:\n  - {id: 2026-12-01/alice/1, text: Call}\n---\n",
            "meetings/2026-12-01/bob.md": "---\nmember: bob\nmeeting: 2026-12-01\nhot_seat: maybe\n---\n",
        },
    )
    commit(git_group, "notes", when="2026-12-01T10:00:00+01:00")
    code, out, err = run_main(
        "-C",
        str(git_group),
        "status",
        "--member",
        "alice",
        "--today",
        "2026-12-10",
        "--format",
        "json",
    )
    assert (code, err) == (0, "")
    assert json.loads(out)["to_report"] == ["2026-12-01/alice/1"]
    code, out, err = run_main("-C", str(git_group), "agenda", "--today", "2026-12-10")
    assert code == 0 and len(_skipped_lines(err)) == 1


@pytest.mark.parametrize(
    "front",
    [
        "commitments:\n  - {id: 2026-12-01/alice/" + "9" * 5000 + ", text: x}\n",
        "results: {arr: " + "9" * 400 + "}\n",
        "results: {arr: .inf}\n",
        "report:\n  - {id: 2026-11-17/alice/" + "9" * 5000 + ", status: done}\n",
    ],
)
def test_numbers_python_cannot_hold_are_findings_not_tracebacks(
    group: Path, run_main, front: str
) -> None:
    build_tree(
        group,
        {"meetings/2026-12-01/alice.md": f"---\nmember: alice\nmeeting: 2026-12-01\n{front}---\n"},
    )
    code, out, err = run_main("-C", str(group), "check")
    assert code == 1 and "meetings/2026-12-01/alice.md:" in out and "Traceback" not in err
    for args in (
        ["summary"],
        ["agenda"],
        ["schedule"],
        ["status", "--member", "alice"],
        ["prep", "--member", "alice", "--stdout"],
    ):
        code, _, err = run_main("-C", str(group), *args, "--today", "2026-12-10")
        assert code == 0, (args, err)
        assert "Traceback" not in err
