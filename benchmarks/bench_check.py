"""Speed of the commands that run often, against a synthetic ten-year group.

    python benchmarks/bench_check.py [--years 10] [--members 12] [--runs 5]

Builds (once, cached under benchmarks/.data/) a weekly group of twelve members over ten
years: 6,000+ notes, each committed twice (preparation, then commitments), so 12,000+
commits, written by one `git fast-import`. Then it times, as the best of several runs:

- floors: starting Python; reading every group file; reading and YAML-loading every
  file with PyYAML's C loader; one `git log --name-status` pass;
- `mastermind check <one note>` (the pre-commit case) against the Python start-up floor;
- `mastermind check` of the whole repo against start-up + loading every file;
- `mastermind summary` against start-up + loading every file + one `git log`.

It prints each as seconds and as a ratio to its floor, so results compare across
machines. It never asserts: the numbers are for people (and the issue notes).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from mastermind_kit import history

HERE = Path(__file__).resolve().parent
NAMES = [
    "alice", "bruno", "chen", "dana", "emeka", "farah",
    "goran", "hana", "ivan", "jules", "kemal", "lena",
    "mo", "nadia", "oskar", "pia",
]


def _config(members: list[str], first: dt.date) -> str:
    lines = [
        "schema: 1",
        "name: Synthetic Weekly Group",
        "cadence: weekly",
        f"first_meeting: {first}",
        'time: "08:00"',
        "timezone: Europe/Berlin",
        "members:",
    ]
    for member in members:
        lines += [
            f"  - id: {member}",
            f"    name: {member.title()} Example",
            f"    emails: [{member}@example.org]",
            f"    joined: {first}",
        ]
    return "\n".join(lines) + "\n"


def _profile(member: str) -> str:
    return (
        f"---\nname: {member.title()} Example\nvision: Grow steadily\ngoals:\n"
        "  - id: revenue\n    title: Grow revenue\n    metric: MRR\n    unit: EUR\n"
        "    baseline: 1000\n    target: 100000\n    due: 2040-01-01\n---\nStory.\n"
    )


def _note(member: str, day: dt.date, previous: dt.date | None, week: int, final: bool) -> str:
    lines = ["---", f"member: {member}", f"meeting: {day}", f"results: {{revenue: {1000 + week * 37}}}"]
    if previous is not None:
        lines += ["report:"]
        for n, status in ((1, "done"), (2, ("partial", "missed", "done", "dropped")[week % 4])):
            lines += [f"  - id: {previous}/{member}/{n}", f"    status: {status}", "    note: ok"]
    lines += [
        "questions:", "  - What should I focus on next week?",
        "walk_away: One clear next step", f"hot_seat: {'true' if week % 5 == 0 else 'false'}",
    ]
    if final:
        lines += ["commitments:"]
        for n in (1, 2):
            lines += [f"  - id: {day}/{member}/{n}", f"    text: Step {n} of week {week}", "    goal: revenue"]
    else:
        lines += ["commitments: []"]
    lines += ["---", "## Action plan", "", f"- Week {week}: keep going.", ""]
    return "\n".join(lines)


def build(target: Path, *, years: int, members: int) -> Path:
    """The synthetic group, as a git repo (cached by its parameters)."""
    if (target / ".git").is_dir():
        return target
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    ids = NAMES[:members]
    first = dt.date(2016, 1, 5)
    zone = dt.timezone(dt.timedelta(hours=1))
    start = dt.datetime.combine(first - dt.timedelta(days=7), dt.time(9), tzinfo=zone)
    files = {"mastermind.yaml": _config(ids, first)}
    files.update({f"members/{m}.md": _profile(m) for m in ids})
    commits = [history.NewCommit(start, ("Facilitator", "f@example.org"), "Start", files)]
    weeks = years * 52
    for week in range(weeks):
        day = first + dt.timedelta(days=7 * week)
        previous = day - dt.timedelta(days=7) if week else None
        begins = dt.datetime.combine(day, dt.time(8), tzinfo=zone)
        for index, member in enumerate(ids):
            author = (f"{member.title()} Example", f"{member}@example.org")
            path = f"meetings/{day}/{member}.md"
            commits.append(history.NewCommit(
                begins - dt.timedelta(hours=20 - index), author, f"Prep {member} {day}",
                {path: _note(member, day, previous, week, final=False)},
            ))
            commits.append(history.NewCommit(
                begins + dt.timedelta(hours=4 + index), author, f"Commitments {member} {day}",
                {path: _note(member, day, previous, week, final=True)},
            ))
    commits.sort(key=lambda c: c.when)
    history.init(target)
    history.fast_import(target, history.fast_import_stream(commits))
    return target


def best(command: list[str], cwd: Path, runs: int) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - began)
    return min(times)


def read_all(root: Path) -> float:
    began = time.perf_counter()
    for folder, _, names in os.walk(root):
        if ".git" in folder:
            continue
        for name in names:
            with open(os.path.join(folder, name), "rb") as handle:
                handle.read()
    return time.perf_counter() - began


def parse_all(root: Path) -> float:
    """Read every group file and load its YAML with PyYAML's C loader: what any checker
    of these files must at least do."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    began = time.perf_counter()
    for path in [root / "mastermind.yaml", *root.glob("members/*.md"), *root.glob("meetings/*/*.md")]:
        text = path.read_text(encoding="utf-8")
        front = text.split("---\n", 2)[1] if text.startswith("---") else text
        yaml.load(front, Loader=loader)
    return time.perf_counter() - began


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--members", type=int, default=12)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    data = HERE / ".data" / f"weekly-{options.years}y-{options.members}m"
    began = time.perf_counter()
    root = build(data, years=options.years, members=options.members)
    notes = sum(1 for _ in root.glob("meetings/*/*.md"))
    commits = int(subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=root,
                                 capture_output=True, text=True).stdout)
    print(f"group: {notes} notes, {commits} commits ({time.perf_counter() - began:.1f}s to build)")

    mastermind = [sys.executable, "-m", "mastermind_kit"]
    one_note = sorted(root.glob("meetings/*/alice.md"))[-1].relative_to(root)
    python_floor = best([sys.executable, "-c", "pass"], root, options.runs)
    read_floor = min(read_all(root) for _ in range(options.runs))
    parse_floor = min(parse_all(root) for _ in range(max(1, options.runs // 2)))
    log_floor = best(["git", "log", "--name-status", "--format=%H %ct %ae"], root, options.runs)
    rows = [
        ("floor: python start-up", python_floor, None),
        ("floor: read every file", read_floor, None),
        ("floor: read + YAML-load every file (C loader)", parse_floor, None),
        ("floor: one git log pass", log_floor, None),
        (f"check {one_note}", best([*mastermind, "check", str(one_note)], root, options.runs),
         python_floor),
        ("check (whole repo)", best([*mastermind, "check"], root, options.runs),
         parse_floor + python_floor),
    ]
    if "summary" in subprocess.run([*mastermind, "--help"], capture_output=True, text=True).stdout:
        rows.append(("summary (full history)",
                     best([*mastermind, "summary", "--format", "json", "--today", "2026-01-01"],
                          root, options.runs),
                     parse_floor + log_floor + python_floor))
    for label, seconds, floor in rows:
        ratio = f"{seconds / floor:6.1f}x floor" if floor else ""
        print(f"{label:<48} {seconds * 1000:9.1f} ms  {ratio}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
