"""`mastermind recap`: one meeting's record, printed or saved as recaps/<date>.md.

Golden files: tests/golden/recap-*.md; update them with python tests/test_recap.py --update
(and read the diff before committing it).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from conftest import build_tree
from small_group import TODAY, commit_a_broken_note, make_small_group

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture
def small(tmp_path: Path) -> Path:
    return make_small_group(tmp_path / "harbour")


def recap(run_main, root: Path, *args: str) -> tuple[int, str, str]:
    return run_main("-C", str(root), "recap", "--today", TODAY, *args)


def test_the_recap_of_the_last_meeting_matches_its_golden_file(run_main, small: Path) -> None:
    code, out, err = recap(run_main, small)
    assert (code, err) == (0, "")
    assert out == (GOLDEN / "recap-2026-12-15.md").read_text(encoding="utf-8")


def test_an_earlier_meeting_in_plain_text(run_main, small: Path) -> None:
    code, out, _ = recap(run_main, small, "--meeting", "2026-12-01", "--format", "text")
    assert code == 0
    assert out == (GOLDEN / "recap-2026-12-01.txt").read_text(encoding="utf-8")


def test_json_names_everything_with_its_legend(run_main, small: Path) -> None:
    code, out, _ = recap(run_main, small, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["meeting"] == "2026-12-15"
    assert [m["id"] for m in data["attended"]] == ["alice", "bob"]
    assert [m["id"] for m in data["excused"]] == ["carol"]
    assert data["absent"] == []
    # bob asked for the hot seat, alice had it last time
    assert [s["id"] for s in data["hot_seats"]] == ["bob", "alice"]
    assert data["hot_seats_recorded"] is False
    assert data["commitments"] == [
        {
            "id": "alice",
            "name": "Alice Example",
            "commitment": "2026-12-15/alice/1",
            "text": "Move two customers to annual billing",
            "due": "2026-12-29",
            "goal": "arr",
            "carried_from": None,
        }
    ]
    [report] = data["reports"]
    assert (report["commitment"], report["text"], report["status"]) == (
        "2026-12-01/alice/1",
        "Run the new pricing with 3 prospects",
        "done",
    )
    churn = next(r for r in data["results"] if r["goal"] == "churn")
    assert (churn["value"], churn["percent"]) == (2.5, 33.3)  # a goal to reduce
    assert set(data["legend"]) >= {"attended", "absent", "hot_seats", "due", "percent"}


def test_absent_is_neither_attended_nor_excused(run_main, small: Path) -> None:
    (small / "meetings/2026-12-01/carol.md").unlink()
    code, out, _ = recap(run_main, small, "--meeting", "2026-12-01", "--format", "json")
    assert code == 0
    assert [m["id"] for m in json.loads(out)["absent"]] == ["carol"]


def test_the_hot_seats_come_from_the_agenda_when_it_records_them(run_main, small: Path) -> None:
    build_tree(
        small,
        {
            "meetings/2026-12-15/agenda.md": "---\nmeeting: 2026-12-15\n"
            "hot_seat_order: [alice, bob]\nhot_seats: [alice]\n---\n"
        },
    )
    code, out, _ = recap(run_main, small, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert [s["id"] for s in data["hot_seats"]] == ["alice"]
    assert data["hot_seats_recorded"] is True
    out = recap(run_main, small)[1]
    assert "As the agenda ordered them" not in out
    assert "1. Alice Example (alice): Annual or monthly billing?" in out


def test_write_twice_gives_the_same_file_and_check_accepts_it(run_main, small: Path) -> None:
    code, out, err = recap(run_main, small, "--write")
    assert code == 0
    assert err == "written: recaps/2026-12-15.md\n"
    path = small / "recaps/2026-12-15.md"
    first = path.read_bytes()
    assert first.startswith(b'---\nmeeting: 2026-12-15\ngenerated: "sha256:')
    assert first.endswith(out.encode("utf-8"))  # the printed recap is the file's body
    code, _, err = recap(run_main, small, "--write")
    assert (code, err) == (0, "unchanged: recaps/2026-12-15.md\n")
    assert path.read_bytes() == first
    assert run_main("-C", str(small), "check")[0] == 0
    assert run_main("-C", str(small), "check", str(path))[0] == 0


def test_a_stale_generated_recap_is_replaced(run_main, small: Path) -> None:
    recap(run_main, small, "--write")
    note = small / "meetings/2026-12-15/bob.md"
    note.write_text(note.read_text().replace("A script", "A short script"))
    code, _, err = recap(run_main, small, "--write")
    assert (code, err) == (0, "replaced: recaps/2026-12-15.md\n")
    assert "A short script" in (small / "recaps/2026-12-15.md").read_text()
    assert not (small / "recaps/2026-12-15.md.bak").exists()


def test_a_hand_edited_recap_is_kept_unless_forced(run_main, small: Path) -> None:
    recap(run_main, small, "--write")
    path = small / "recaps/2026-12-15.md"
    edited = path.read_text() + "\nBob brought cake.\n"
    path.write_text(edited)
    code, _, err = recap(run_main, small, "--write")
    assert code == 2
    assert "recaps/2026-12-15.md was edited by hand; nothing was written" in err
    assert "--force" in err and "Traceback" not in err
    assert path.read_text() == edited
    code, _, err = recap(run_main, small, "--write", "--force")
    assert (code, err) == (0, "replaced (backup kept): recaps/2026-12-15.md\n")
    assert (small / "recaps/2026-12-15.md.bak").read_text() == edited
    assert "Bob brought cake" not in path.read_text()


def test_check_keeps_the_recaps_folder_tidy(run_main, small: Path) -> None:
    build_tree(
        small,
        {
            "recaps/2026-12-16.md": "---\nmeeting: 2026-12-15\n---\n",
            "recaps/notes.md": "just notes\n",
            "recaps/2026-12-08.md": "---\nmeeting: 2026-12-08\nextra: 1\n---\n",
        },
    )
    code, out, _ = run_main("-C", str(small), "check")
    assert code == 1
    assert "recaps/2026-12-16.md:2:1: error: meeting 2026-12-15 does not match the file name" in out
    assert "recaps/notes.md:1:1: error: 'notes.md' is not named by a meeting date" in out
    assert "recaps/2026-12-08.md:2:1: warning: 2026-12-08 is not a meeting date" in out
    assert "recaps/2026-12-08.md:3:1: warning: unknown key 'extra'" in out
    code, out, _ = run_main("schema", "recap")
    assert code == 0 and json.loads(out)["required"] == ["meeting"]


def test_the_pre_commit_hook_checks_recaps(small: Path) -> None:
    hooks = (Path(__file__).parents[1] / ".pre-commit-hooks.yaml").read_text()
    assert r"recaps/[^/]+\.md" in hooks


def test_a_broken_note_is_skipped_and_named(run_main, small: Path) -> None:
    commit_a_broken_note(small)
    code, out, err = recap(run_main, small)
    assert code == 0
    assert "meetings/2026-12-15/bob.md:4: skipped: hot_seat: expected a boolean" in err
    assert "> warning: 1 note skipped, numbers may be incomplete" in out
    assert "- Note unreadable (skipped, run `mastermind check`): Bob Example (bob)" in out
    assert "Absent" not in out  # he wrote a note, it has an error
    assert recap(run_main, small, "--strict")[0] == 1
    code, out, _ = recap(run_main, small, "--format", "json")
    assert json.loads(out)["skipped"][0]["path"] == "meetings/2026-12-15/bob.md"


def test_usage_errors_are_one_line(run_main, small: Path) -> None:
    code, _, err = recap(run_main, small, "--meeting", "2026-12-02")
    assert code == 2
    assert "2026-12-02 is not a meeting date" in err and "Traceback" not in err
    code, _, err = run_main("-C", str(small), "recap", "--today", "2026-11-30")
    assert code == 2
    assert "no meeting has taken place yet" in err
    # on the day of a meeting, before it starts, the default is the one before
    code, out, _ = run_main("-C", str(small), "recap", "--today", "2026-12-15")
    assert code == 0 and "2026-12-01" in out.splitlines()[0]


def _update() -> None:
    import tempfile

    from mastermind_kit.cli import main

    with tempfile.TemporaryDirectory() as folder:
        root = make_small_group(Path(folder) / "harbour")
        for name, args in (
            ("recap-2026-12-15.md", []),
            ("recap-2026-12-01.txt", ["--meeting", "2026-12-01", "--format", "text"]),
        ):
            import contextlib
            import io

            buffer = io.StringIO()
            with contextlib.redirect_stdout(buffer):
                main(["-C", str(root), "recap", "--today", TODAY, *args])
            (GOLDEN / name).write_text(buffer.getvalue(), encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:] == ["--update"]:
        GOLDEN.mkdir(exist_ok=True)
        _update()
        print("tests/golden/recap-* updated")


# -- what a hostile or careless member can commit -------------------------------------------


def test_a_meeting_not_yet_held_has_no_recap(run_main, small: Path) -> None:
    code, _, err = recap(run_main, small, "--meeting", "2026-12-29", "--write")
    assert code == 2
    assert "the meeting of 2026-12-29 has not taken place yet" in err
    assert not (small / "recaps").exists()


def test_member_text_cannot_drive_the_terminal_or_the_markdown(run_main, small: Path) -> None:
    note = small / "meetings/2026-12-15/bob.md"
    note.write_text(
        note.read_text().replace(
            "walk_away: A script for the announcement",
            'walk_away: "ok\\e]0;pwned\\a\\e[8mhidden <!-- [x](javascript:y) *b* \\u202eevil"',
        )
    )
    code, out, _ = recap(run_main, small, "--format", "text")
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "ok\\x1b]0;pwned\\x07\\x1b[8mhidden" in out
    code, out, _ = recap(run_main, small)
    assert "\x1b" not in out
    # Markdown that renders as the text was written: the escapes' own backslashes doubled
    assert r"ok\\x1b\]0;pwned\\x07" in out
    assert r"hidden \<!-- \[x\](javascript:y) \*b\* \\u202eevil" in out


def test_the_group_template_runs_only_for_markdown(run_main, small: Path) -> None:
    build_tree(small, {"templates/recap.md.j2": "{{ nosuch }}\n"})
    assert recap(run_main, small, "--format", "json")[0] == 0
    assert recap(run_main, small, "--format", "text")[0] == 0
    code, _, err = recap(run_main, small)
    assert code == 2 and "templates/recap.md.j2" in err and "Traceback" not in err


def test_recaps_never_written_through_a_symlink(run_main, small: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (small / "recaps").symlink_to(outside)
    code, _, err = recap(run_main, small, "--write")
    assert code == 2
    assert "recaps is reached through a symlink; nothing was written" in err
    assert list(outside.iterdir()) == []
    code, out, _ = run_main("-C", str(small), "check")
    assert code == 1
    assert (
        "recaps:1:1: error: 'recaps' must be a folder inside the group repo, not a symlink" in out
    )


def test_a_file_in_the_way_is_one_line(run_main, small: Path) -> None:
    (small / "recaps").write_text("not a folder\n")
    code, _, err = recap(run_main, small, "--write")
    assert code == 2
    assert err.startswith("mastermind: error: cannot write recaps/2026-12-15.md: ")
    assert "nothing was written" in err and "Traceback" not in err


def test_an_agenda_listing_a_member_twice_is_an_error(run_main, small: Path) -> None:
    build_tree(
        small,
        {
            "meetings/2026-12-15/agenda.md": "---\nmeeting: 2026-12-15\n"
            "hot_seat_order: [alice, bob]\nhot_seats: [alice, alice]\n---\n"
        },
    )
    code, out, _ = run_main("-C", str(small), "check")
    assert code == 1
    assert "agenda.md:4:1: error: hot_seats: 'alice' is listed twice [duplicate-id]" in out
