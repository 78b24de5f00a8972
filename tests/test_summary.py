"""`mastermind summary`: the same numbers as JSON, text, Markdown and CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from test_ledger import c, note_text, scenario

from mastermind_kit.ledger import DEFINITIONS, FATES

from conftest import build_tree

KEYS = (
    "made",
    *FATES,
    "follow_through",
    "meetings_attended",
    "meetings_excused",
    "prepared_on_time",
)


def summary(run_main, group: Path, *args: str) -> tuple[int, str, str]:
    result: tuple[int, str, str] = run_main(
        "-C", str(group), "summary", "--today", "2027-01-27", *args
    )
    return result


def test_json_has_definitions_group_and_members(group: Path, run_main) -> None:
    code, out, err = summary(run_main, scenario(group), "--format", "json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["definitions"] == DEFINITIONS
    assert set(data["members"]) == {"alice", "bob"}
    for numbers in [data["group"], *data["members"].values()]:
        assert all(key in numbers for key in KEYS)
        assert numbers["made"] == sum(numbers[fate] for fate in FATES)
    alice, bob, group_ = data["members"]["alice"], data["members"]["bob"], data["group"]
    assert {k: alice[k] for k in KEYS} == {
        "made": 7,
        "done": 1,
        "partial": 0,
        "missed": 3,
        "dropped": 0,
        "unreported": 1,
        "open": 2,
        "follow_through": 0.2,
        "meetings_attended": 4,
        "meetings_excused": 0,
        "prepared_on_time": 2,
    }
    assert (bob["follow_through"], bob["meetings_excused"], bob["streak"]) == (
        1.0,
        1,
        {"current": 3, "longest": 3},
    )
    assert (group_["made"], group_["follow_through"], group_["meetings"]) == (10, 0.5, 5)
    assert alice["carried_over"] == [
        {"id": "2027-01-26/alice/1", "text": "Hire a developer", "times": 3}
    ]
    assert alice["prepared_late_notes"] == [
        {"meeting": "2026-12-15", "first_committed": "2026-12-15T18:01:00+01:00"}
    ]
    done = next(x for x in alice["commitments"] if x["id"] == "2026-12-01/alice/1")
    assert (done["fate"], done["reported_at"], done["due"]) == ("done", "2026-12-29", "2026-12-15")
    assert alice["goals"][0]["id"] == "arr" and alice["goals"][0]["latest"] is None


def test_text_shows_the_same_numbers_and_the_definitions(group: Path, run_main) -> None:
    scenario(group)
    _, out, _ = summary(run_main, group, "--format", "json")
    data = json.loads(out)
    code, text, _ = summary(run_main, group)
    assert code == 0
    rows: dict[str, list[str]] = {}
    for line in text.splitlines():  # the table comes first
        if line.split() and line.split()[0] in ("alice", "bob", "group"):
            rows.setdefault(line.split()[0], line.split())
    for member_id in ("alice", "bob", "group"):
        numbers = data["group"] if member_id == "group" else data["members"][member_id]
        cells = rows[member_id][1:]
        expected = [str(numbers[k]) for k in ("made", *FATES)]
        assert cells[:7] == expected
        assert cells[7] == f"{numbers['follow_through'] * 100:.0f}%"
        assert cells[8:12] == [
            str(numbers[k])
            for k in (
                "meetings_attended",
                "meetings_excused",
                "meetings_missed",
                "prepared_on_time",
            )
        ]
    assert "Definitions:" in text
    assert "follow_through: done / (done + partial + missed + unreported)" in text
    assert "carried over 3 times: 2027-01-26/alice/1" in text


def test_markdown_and_csv(group: Path, run_main) -> None:
    scenario(group)
    code, md, _ = summary(run_main, group, "--format", "markdown")
    assert code == 0
    assert md.startswith("# Accountability: Test Group\n")
    assert "| alice | 7 | 1 | 0 | 3 | 0 | 1 | 2 | 20% |" in md
    assert "## Definitions" in md and "- **unreported**:" in md
    code, text, _ = summary(run_main, group, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["member"] for row in rows] == ["alice", "bob", "group"]
    assert rows[0]["follow_through"] == "0.2" and rows[0]["unreported"] == "1"
    assert rows[2]["made"] == "10" and rows[2]["carried_over"] == "1"


def test_member_and_period_options(group: Path, run_main) -> None:
    scenario(group)
    _, out, _ = summary(
        run_main,
        group,
        "--format",
        "json",
        "--member",
        "alice",
        "--since",
        "2026-12-15",
        "--until",
        "2026-12-29",
    )
    data = json.loads(out)
    assert list(data["members"]) == ["alice"]
    assert (data["since"], data["until"]) == ("2026-12-15", "2026-12-29")
    assert data["members"]["alice"]["made"] == 2
    code, out, err = summary(run_main, group, "--member", "zoe")
    assert code == 2 and "'zoe' is not a member" in err and "Traceback" not in err
    code, _, err = summary(run_main, group, "--since", "2026-13-01")
    assert code == 2 and "is not a date" in err


def test_not_a_repo_warns_and_still_counts(group: Path, run_main) -> None:
    build_tree(
        group,
        {
            "meetings/2026-12-01/alice.md": note_text(
                "alice", "2026-12-01", commitments=[c("2026-12-01/alice/1", "Call")]
            )
        },
    )
    code, out, err = summary(run_main, group, "--format", "json")
    assert code == 0 and "not a git repository" in err
    alice = json.loads(out)["members"]["alice"]
    assert (alice["made"], alice["meetings_attended"], alice["prepared_unknown"]) == (1, 1, 1)
    code, text, _ = summary(run_main, group)
    assert code == 0 and "warning: " in text and "not a git repository" in text


def test_a_broken_note_is_skipped_with_one_warning(group: Path, run_main) -> None:
    build_tree(
        group,
        {
            "meetings/2026-12-01/alice.md": note_text(
                "alice", "2026-12-01", commitments=[c("2026-12-01/alice/1", "Call")]
            ),
            "meetings/2026-12-15/bob.md": note_text(
                "bob", "2026-12-15", report=[{"id": "2026-12-01/alice/1", "status": "done"}]
            ),
        },
    )
    code, out, err = summary(run_main, group, "--format", "json")
    assert code == 0
    skipped = [line for line in err.splitlines() if "skipped:" in line]
    assert len(skipped) == 1 and "Traceback" not in err
    assert skipped[0].startswith("meetings/2026-12-15/bob.md:5: skipped: ")
    assert skipped[0].endswith(f"(run 'mastermind -C {group} check meetings/2026-12-15/bob.md')")
    assert "members report only on their own" in skipped[0]
    data = json.loads(out)
    assert data["skipped"] == [
        {
            "path": "meetings/2026-12-15/bob.md",
            "line": 5,
            "kind": "note",
            "message": "reports on '2026-12-01/alice/1', a commitment of alice; members report "
            "only on their own",
        }
    ]
    assert data["members"]["alice"]["made"] == 1  # the rest is counted
    code, text, _ = summary(run_main, group)
    assert code == 0 and "1 note skipped, numbers may be incomplete" in text
    code, text, _ = summary(run_main, group, "--format", "markdown")
    assert code == 0 and "1 note skipped, numbers may be incomplete" in text
    assert summary(run_main, group, "--strict")[0] == 1


def test_a_broken_config_stops_with_one_line_and_the_check_to_run(group: Path, run_main) -> None:
    config = group / "mastermind.yaml"
    config.write_text(config.read_text().replace('time: "18:00"', "time: 18:00"))
    code, out, err = summary(run_main, group)
    assert code == 2 and out == ""
    assert err.startswith("mastermind: error: mastermind.yaml:")
    assert "run 'mastermind check mastermind.yaml'" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_no_meetings_yet(group: Path, run_main) -> None:
    code, out, _ = run_main(
        "-C", str(group), "summary", "--today", "2026-11-01", "--format", "json"
    )
    data = json.loads(out)
    assert code == 0 and data["group"]["made"] == 0 and data["group"]["follow_through"] is None
    code, text, _ = run_main("-C", str(group), "summary", "--today", "2026-11-01")
    assert "no meetings held yet" in text
