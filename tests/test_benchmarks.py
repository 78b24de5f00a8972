"""The benchmark tools: the synthetic group is valid and realistic, the runner runs.

``benchmarks/generate.py`` must write a group that the real ``check`` passes and that
has the shapes a real group has (report-backs, carried commitments, absences, two
commits per note); ``benchmarks/run.py --quick`` must run every command and write
its raw numbers. No timing is asserted here: numbers belong to docs/performance.md.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from conftest import git

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
END = "2026-11-24"
TINY = ["--years", "1", "--members", "3", "--cadence", "biweekly", "--end", END]


def _run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    # The hermetic environment of conftest (HOME, git config) is inherited.
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, timeout=timeout, check=False
    )


def _front(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), path
    return yaml.safe_load(text.split("---\n", 2)[1])


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A one-year biweekly group of three members, and generate.py's summary line."""
    dest = tmp_path_factory.mktemp("bench") / "group"
    done = _run(str(BENCHMARKS / "generate.py"), str(dest), *TINY)
    assert done.returncode == 0, done.stderr
    return dest, done.stdout


def test_generated_group_passes_check(tiny: tuple[Path, str], run_main) -> None:
    dest, _ = tiny
    code, out, err = run_main("-C", str(dest), "check")
    assert (code, out, err) == (0, "", "")
    assert git(dest, "status", "--porcelain") == ""


def test_generated_group_has_two_commits_per_note(tiny: tuple[Path, str]) -> None:
    dest, line = tiny
    found = re.match(r"(\d+) notes, (\d+) commits, (\d+) meetings", line)
    assert found, line
    notes, commits, meetings = map(int, found.groups())
    paths = sorted(dest.glob("meetings/*/*.md"))
    config = yaml.safe_load((dest / "mastermind.yaml").read_text(encoding="utf-8"))
    assert len(paths) == notes
    assert len(list(dest.glob("meetings/*"))) == meetings
    # Every member at every meeting, less the excused and a few absences.
    slots = meetings * len(config["members"])
    assert slots - len(config["excused"]) - notes in range(0, slots // 10 + 1)
    assert int(git(dest, "rev-list", "--count", "HEAD")) == commits == 2 * notes + 1

    # Per note: a preparation and then the commitments, both by the member; the
    # config and profiles in one commit by the facilitator.
    log = git(dest, "log", "--reverse", "--format=%x00%ae %cI", "--name-only")
    changes: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for record in log.split("\0")[1:]:
        head, *names = record.strip().split("\n")
        email, when = head.split()
        for name in filter(None, names):
            changes[name].append((email, when))
    assert changes["mastermind.yaml"] == [changes["members/alice.md"][0]]
    assert changes["mastermind.yaml"][0][0] == "fiona@example.org"
    zone = ZoneInfo(config["timezone"])
    late = 0
    for path in paths:
        relative = path.relative_to(dest).as_posix()
        member, day = path.stem, dt.date.fromisoformat(path.parent.name)
        assert [email for email, _ in changes[relative]] == [f"{member}@example.org"] * 2
        prepared, committed = (dt.datetime.fromisoformat(w) for _, w in changes[relative])
        start = dt.datetime.combine(day, dt.time(18), tzinfo=zone)
        assert prepared < committed
        assert committed > start
        late += prepared >= start
    assert late < notes // 10

    first = git(dest, "rev-list", "--reverse", "HEAD", "--", relative).split()[0]
    assert "commitments: []" in git(dest, "show", f"{first}:{relative}")


def test_generated_group_is_realistic(tiny: tuple[Path, str]) -> None:
    dest, _ = tiny
    config = yaml.safe_load((dest / "mastermind.yaml").read_text(encoding="utf-8"))
    assert config["excused"] and config["skip"]
    notes = [_front(p) for p in sorted(dest.glob("meetings/*/*.md"))]
    reports = [r for n in notes for r in n.get("report") or []]
    commitments = [c for n in notes for c in n.get("commitments") or []]
    statuses = Counter(r["status"] for r in reports)
    assert statuses["done"] > len(reports) / 2
    assert statuses["partial"] + statuses["missed"] + statuses["dropped"] > 0
    assert any(c.get("carried_from") for c in commitments)
    explicit = [(n["meeting"], c["due"]) for n in notes for c in n["commitments"] if "due" in c]
    assert explicit and all(due > meeting for meeting, due in explicit)
    assert any(n.get("hot_seat") is True for n in notes)
    assert all(n["results"] for n in notes if "results" in n)
    for profile in dest.glob("members/*.md"):
        goals = _front(profile)["goals"]
        assert 1 <= len(goals) <= 3
        assert all({"baseline", "target", "due"} <= set(g) for g in goals)
    body = (dest / "meetings" / END / "alice.md").read_text(encoding="utf-8")
    assert "## Action plan" in body and "## Update" in body


def test_generate_is_deterministic_and_refuses_a_non_empty_dest(
    tiny: tuple[Path, str], tmp_path: Path
) -> None:
    dest, _ = tiny
    again = tmp_path / "again"
    assert _run(str(BENCHMARKS / "generate.py"), str(again), *TINY).returncode == 0
    assert git(again, "rev-parse", "HEAD") == git(dest, "rev-parse", "HEAD")
    refused = _run(str(BENCHMARKS / "generate.py"), str(dest), *TINY)
    assert refused.returncode == 2
    assert "not an empty folder" in refused.stderr


def test_runner_quick(tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    done = _run(
        str(BENCHMARKS / "run.py"),
        "--quick",
        "--end",
        END,
        "--data",
        str(tmp_path / "data"),
        "--json",
        str(results),
        timeout=240,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    rows = [line for line in done.stdout.splitlines() if line.startswith("| ")]
    for command in (
        f"| check meetings/{END}/",
        "| status --member ",
        "| prep --member ",
        f"| agenda --today {END} ",
        "| check (whole repo) ",
        f"| summary --format json --today {END} ",
        f"| site --today {END} ",
    ):
        assert any(row.startswith(command) for row in rows), command
    assert "## Machine" in done.stdout

    raw = json.loads(results.read_text(encoding="utf-8"))
    assert {"parameters", "machine", "groups", "floors", "commands", "failures"} <= set(raw)
    assert raw["failures"] == []
    assert set(raw["groups"]) == {"1x", "2x", "4x"}
    assert raw["groups"]["4x"]["notes"] > raw["groups"]["1x"]["notes"]
    for floors in raw["floors"].values():
        assert set(floors) == {"python", "import", "parse", "git-log"}
    assert set(raw["commands"]) == {
        "check-note",
        "status",
        "prep",
        "agenda",
        "check",
        "summary",
        "site",
    }
    for key, command in raw["commands"].items():
        assert {"label", "budget", "verdict", "passed", "sizes"} <= set(command)
        assert ("growth_exponent" if key in ("check", "summary", "site") else "flatness") in command
        for size in command["sizes"].values():
            assert size["first_run"]["code"] == 0
            assert size["seconds"] and size["median_ratio"] > 0
            assert size["peak_rss_kib"] > 0
