"""How fast the commands are, as ratios to what any tool must at least spend.

    python benchmarks/run.py [--years 10] [--members 12] [--quick] [--runs N]
        [--json PATH]

This module owns the benchmark: it times the commands members run often against a
synthetic group (``generate.py``), each as a whole process, next to the floors that
bound it from below:

- ``python -c pass`` (start-up) and ``python -c "import click, yaml"`` (the import
  floor: what any command-line tool built on these libraries pays before its first
  line of work);
- the parse floor: one process that reads every group file and loads its YAML with
  PyYAML's C loader, the least a checker of every file must do;
- one ``git log --name-status`` over the whole history, the least a summary of who
  committed what and when must do.

Each command is paired with its floor: per round the floor and the command run back
to back (the order alternating between rounds), and the ratio of each pair is kept;
the table shows the median ratio. A busy or slow machine slows both halves of a pair
alike, so the ratios move much less than the times. Before a command is timed it runs
once untimed (so an on-disk cache, if the tool keeps one, is warm as on a member's
second run); that first run's time is shown too. Peak RSS is each child's own
``ru_maxrss`` from ``os.wait4``.

The group is generated at the given size (1x) and at twice and four times its history
(2x, 4x), cached under ``benchmarks/.data/``. From those: how the whole-repo commands
grow (the least-squares slope of log time against log history size; 1.0 is linear)
and how flat the one-member commands stay (time at 4x over time at 1x), each also
from the ratios, which a machine that got busier between the sizes moves less.

The budgets are printed as pass or fail and never fail the run: the exit status is
non-zero only when a command itself fails (an unexpected exit code or a traceback).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import generate

HERE = Path(__file__).resolve().parent
FACTORS = (1, 2, 4)
RSS_BUDGET_MB = 200
FLAT_BUDGET = 1.2
GROWTH_BUDGET = 1.1

# The parse floor, run with the group as the working directory. Front matter is cut
# out by the plainest rule that works on these files; mastermind.yaml is all YAML.
PARSE_FLOOR = """\
import os, yaml
loader = yaml.CSafeLoader
def load(path, front):
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    if front and text.startswith("---"):
        end = text.find("\\n---", 3)
        text = text[3:end] if end != -1 else text[3:]
    yaml.load(text, Loader=loader)
load("mastermind.yaml", False)
for name in sorted(os.listdir("members")):
    if name.endswith(".md"):
        load(os.path.join("members", name), True)
for day in sorted(os.listdir("meetings")):
    folder = os.path.join("meetings", day)
    for name in sorted(os.listdir(folder)):
        if name.endswith(".md"):
            load(os.path.join(folder, name), True)
"""

FLOORS: dict[str, list[str]] = {
    "python": [sys.executable, "-c", "pass"],
    "import": [sys.executable, "-c", "import click, yaml"],
    "parse": [sys.executable, "-c", PARSE_FLOOR],
    "git-log": [
        "git",
        "-c",
        "log.showSignature=false",
        "log",
        "--name-status",
        "--no-color",
        "--format=%H %P%n%an <%ae> %aI%n%cn <%ce> %cI",
        "HEAD",
    ],
}
FLOOR_LABELS = {
    "python": "python -c pass",
    "import": 'python -c "import click, yaml"',
    "parse": "read + YAML-load every group file (C loader)",
    "git-log": "git log --name-status (whole history)",
}


@dataclass(frozen=True)
class Spec:
    """One command and its budget."""

    key: str
    floors: tuple[str, ...]  # summed: the floor the command is paired with
    ratio: float  # budget: median ratio to the floor
    scaling: str  # "flat" (one member or meeting) or "growth" (the whole repo)


SPECS = (
    Spec("check-note", ("import",), 2.0, "flat"),
    Spec("status", ("import",), 3.0, "flat"),
    Spec("prep", ("import",), 3.0, "flat"),
    Spec("agenda", ("import",), 3.0, "flat"),
    Spec("check", ("parse",), 2.0, "growth"),
    Spec("summary", ("parse", "git-log"), 2.0, "growth"),
    # every page of the site: reads what summary reads (git log on the other core), then
    # renders a page per meeting and member
    Spec("site", ("parse",), 3.0, "growth"),
)


@dataclass
class Run:
    seconds: float
    rss_kib: int
    code: int
    stdout: str = ""  # the start of it, for messages
    stderr: str = ""

    @property
    def crashed(self) -> bool:
        return "Traceback (most recent call last)" in self.stderr


@dataclass
class Group:
    """One generated group at one size, and what the commands are run with."""

    factor: int
    years: int
    root: Path
    facts: dict[str, Any]
    member: str = ""
    note: str = ""  # the member's latest note, relative to the root
    today: str = ""  # the last meeting: "next meeting" is then that one

    @property
    def label(self) -> str:
        return f"{self.factor}x"


@dataclass
class Result:
    """One command at one size."""

    argv: list[str]
    first: Run | None = None
    runs: list[Run] = field(default_factory=list)
    floor_seconds: list[float] = field(default_factory=list)  # paired, summed per round
    failure: str | None = None
    findings: str | None = None  # check's exit 1: the group should have none

    @property
    def seconds(self) -> list[float]:
        return [r.seconds for r in self.runs]

    @property
    def ratios(self) -> list[float]:
        return [c / f for c, f in zip(self.seconds, self.floor_seconds, strict=True) if f > 0]

    @property
    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.runs else None

    @property
    def median_floor(self) -> float | None:
        return statistics.median(self.floor_seconds) if self.floor_seconds else None

    @property
    def median_ratio(self) -> float | None:
        return statistics.median(self.ratios) if self.ratios else None

    @property
    def peak_rss_kib(self) -> int | None:
        every = [r.rss_kib for r in [*([self.first] if self.first else []), *self.runs]]
        return max(every) if every else None

    def to_json(self) -> dict[str, Any]:
        return {
            "argv": self.argv,
            "first_run": asdict(self.first) if self.first else None,
            "seconds": self.seconds,
            "floor_seconds": self.floor_seconds,
            "ratios": self.ratios,
            "median_seconds": self.median,
            "median_floor_seconds": self.median_floor,
            "median_ratio": self.median_ratio,
            "peak_rss_kib": self.peak_rss_kib,
            "exit_codes": [r.code for r in self.runs],
            "failure": self.failure,
            "findings": self.findings,
        }


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- running one process ----------------------------------------------------------------


# Linux carries a process's peak RSS across exec, so a command started by this runner
# (which has held whole histories in memory) would report at least the runner's own
# peak. Every process is therefore started by a small launcher, itself started once:
# a bare interpreter whose own peak (about 10 MB) is all a child can inherit.
LAUNCHER = """\
import json, os, subprocess, sys, time
for line in sys.stdin:
    job = json.loads(line)
    with open(job["out"], "wb") as out, open(job["err"], "wb") as err:
        began = time.perf_counter()
        child = subprocess.Popen(job["argv"], cwd=job["cwd"], stdin=subprocess.DEVNULL,
                                 stdout=out, stderr=err)
        # wait4 rather than wait: the rusage of exactly this child.
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - began
        child.returncode = os.waitstatus_to_exitcode(status)  # reaped: tell Popen
    print(json.dumps([seconds, usage.ru_maxrss, child.returncode]), flush=True)
"""


class Launcher:
    """Runs one process at a time through the launcher: wall time, the child's own peak
    RSS (KiB on Linux), its exit code, and the start of its output."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="mastermind-bench-"))
        self.process = subprocess.Popen(
            [sys.executable, "-S", "-c", LAUNCHER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def measure(self, argv: Sequence[str], cwd: Path) -> Run:
        out, err = self.folder / "stdout", self.folder / "stderr"
        assert self.process.stdin is not None and self.process.stdout is not None
        job = {"argv": list(argv), "cwd": str(cwd), "out": str(out), "err": str(err)}
        self.process.stdin.write(json.dumps(job) + "\n")
        self.process.stdin.flush()
        reply = self.process.stdout.readline()
        if not reply:
            raise RuntimeError("the launcher process died")
        seconds, rss_kib, code = json.loads(reply)
        with out.open("rb") as handle:
            head = handle.read(2000)
        with err.open("rb") as handle:
            handle.seek(max(0, err.stat().st_size - 4000))
            tail = handle.read()
        return Run(
            seconds,
            int(rss_kib),
            int(code),
            head.decode("utf-8", "replace"),
            tail.decode("utf-8", "replace"),
        )

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


def trouble(key: str, run: Run) -> tuple[str | None, str | None]:
    """(failure, findings) of one run: a crash or an unexpected exit code fails;
    ``check`` exiting 1 has findings, which a generated group should not have."""
    if run.crashed or run.code < 0 or run.code >= 2:
        return f"exit {run.code}: {run.stderr.strip()[-1500:]}", None
    if run.code == 1:
        if key.startswith("check"):
            return None, (run.stdout or run.stderr).strip()[:1500]
        return f"exit 1: {run.stderr.strip()[-1500:]}", None
    return None, None


# -- the groups ---------------------------------------------------------------------------


def _source_key() -> str:
    # A change to the generator makes a new group rather than reusing a stale one.
    return hashlib.sha256((HERE / "generate.py").read_bytes()).hexdigest()[:10]


def prepare(data: Path, factor: int, years: int, members: int, cadence: str, end: dt.date) -> Group:
    """The group at ``years`` (cached under ``data``), as generated: anything a command
    left in it since (a tool's cache in .git, say) is removed, so that a first run is
    a first run."""
    key = f"{cadence}-{years}y-{members}m-{end}-{_source_key()}"
    root = data / key
    facts_path = data / f"{key}.json"
    if root.is_dir() and facts_path.is_file():
        facts = json.loads(facts_path.read_text(encoding="utf-8"))
        for name in sorted(os.listdir(root / ".git")):
            if name not in facts["git_entries"]:
                target = root / ".git" / name
                shutil.rmtree(target) if target.is_dir() else target.unlink()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=all"],
            cwd=root,
            capture_output=True,
            text=True,
        ).stdout
        if not dirty.strip():
            return Group(factor, years, root, facts)
        progress(f"  {root} has changed since it was generated: generating it again")
    shutil.rmtree(root, ignore_errors=True)
    facts_path.unlink(missing_ok=True)
    progress(f"generating {factor}x: {years} years, {members} members, {cadence}")
    building = data / f"{key}.tmp{os.getpid()}"
    shutil.rmtree(building, ignore_errors=True)
    data.mkdir(parents=True, exist_ok=True)
    made = generate.generate(building, years=years, members=members, cadence=cadence, end=end)
    building.rename(root)
    progress(f"  {made.line(root)}")
    facts = {
        "years": years,
        "members": members,
        "cadence": cadence,
        "end": str(end),
        "first_meeting": str(made.first_meeting),
        "last_meeting": str(made.last_meeting),
        "meetings": made.meetings,
        "notes": made.notes,
        "commits": made.commits,
        "member_ids": made.member_ids,
        "generated_seconds": round(made.seconds, 2),
        "git_entries": sorted(os.listdir(root / ".git")),
    }
    facts_path.write_text(json.dumps(facts, indent=2) + "\n", encoding="utf-8")
    return Group(factor, years, root, facts)


def choose(groups: list[Group]) -> None:
    """Who and what the one-member commands are about: the first member with a note
    for the last meeting of the 1x group (the same member at every size), that
    member's latest note, and "today" on the day of the last meeting."""
    first = groups[0]
    last = first.facts["last_meeting"]
    member = next(
        (
            m
            for m in first.facts["member_ids"]
            if (first.root / "meetings" / last / f"{m}.md").is_file()
        ),
        first.facts["member_ids"][0],
    )
    for group in groups:
        group.member = member
        group.today = group.facts["last_meeting"]
        days = sorted(os.listdir(group.root / "meetings"), reverse=True)
        latest = next(d for d in days if (group.root / "meetings" / d / f"{member}.md").is_file())
        group.note = f"meetings/{latest}/{member}.md"


def commands(group: Group) -> dict[str, list[str]]:
    """The command lines, relative to the group root (the argv after ``mastermind``)."""
    today = group.today
    return {
        "check-note": ["check", group.note],
        "status": ["status", "--member", group.member, "--today", today],
        "prep": ["prep", "--member", group.member, "--stdout", "--today", today],
        "agenda": ["agenda", "--today", today],
        "check": ["check"],
        "summary": ["summary", "--format", "json", "--today", today],
        "site": [
            "site",
            "--today",
            today,
            "--out",
            str(group.root.parent / f"{group.root.name}-site"),
        ],
    }


def label(key: str, args: list[str]) -> str:
    if key == "check":
        return "check (whole repo)"
    if "--out" in args:  # a folder beside the group: not worth a column of the table
        args = args[: args.index("--out")]
    return " ".join(args)


# -- timing -------------------------------------------------------------------------------


def bench_group(
    launcher: Launcher, group: Group, runs: int, failures: list[str]
) -> tuple[dict[str, list[Run]], dict[str, Result]]:
    """Floors and commands at one size."""
    root = group.root
    floor_runs: dict[str, list[Run]] = {name: [] for name in FLOORS}
    for name, argv in FLOORS.items():  # once untimed: files in the page cache, git warm
        run = launcher.measure(argv, root)
        if run.code != 0:
            failures.append(f"{group.label} floor {name}: exit {run.code}: {run.stderr[-500:]}")
    for _ in range(runs):
        floor_runs["python"].append(launcher.measure(FLOORS["python"], root))
    results: dict[str, Result] = {}
    mastermind = [sys.executable, "-m", "mastermind_kit"]
    for spec in SPECS:
        args = commands(group)[spec.key]
        result = results[spec.key] = Result(args)
        progress(f"  {group.label} {label(spec.key, args)}")
        result.first = launcher.measure([*mastermind, *args], root)
        result.failure, result.findings = trouble(spec.key, result.first)
        if result.failure:
            failures.append(f"{group.label} {label(spec.key, args)}: {result.failure}")
            continue
        for round_ in range(runs):
            # Alternate who goes first, so neither half of a pair always gets the
            # warmer (or the more disturbed) moment.
            order = ["", *spec.floors] if round_ % 2 else [*spec.floors, ""]
            paired: list[Run] = []
            command: Run | None = None
            for name in order:
                if name:
                    floor = launcher.measure(FLOORS[name], root)
                    floor_runs[name].append(floor)
                    paired.append(floor)
                else:
                    command = launcher.measure([*mastermind, *args], root)
            assert command is not None
            failure, findings = trouble(spec.key, command)
            if failure:
                result.failure = failure
                failures.append(f"{group.label} {label(spec.key, args)}: {failure}")
                break
            result.findings = result.findings or findings
            result.runs.append(command)
            result.floor_seconds.append(sum(f.seconds for f in paired))
    return floor_runs, results


def paired_flatness(
    launcher: Launcher, small: Group, large: Group, runs: int
) -> dict[str, float | None]:
    """Each one-member or one-meeting command at 1x and at 4x back to back, the order
    alternating, and the median of time(4x) / time(1x) over the pairs. Measured in the
    same minute, the two halves of a pair see the same machine: the sizes are otherwise
    timed minutes apart, and a shared machine's speed drifts more than that in between."""
    mastermind = [sys.executable, "-m", "mastermind_kit"]
    found: dict[str, float | None] = {}
    for spec in SPECS:
        if spec.scaling != "flat":
            continue
        progress(f"  1x against 4x: {spec.key}")
        quotients = []
        for round_ in range(runs):
            sides = (small, large) if round_ % 2 else (large, small)
            seconds = {
                group.label: launcher.measure([*mastermind, *commands(group)[spec.key]], group.root)
                for group in sides
            }
            first, last = seconds[small.label], seconds[large.label]
            if first.code > 1 or last.code > 1 or not first.seconds:
                break
            quotients.append(last.seconds / first.seconds)
        found[spec.key] = statistics.median(quotients) if quotients else None
    return found


def slope(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Least-squares slope of log(y) against log(x)."""
    points = [(math.log(x), math.log(y)) for x, y in zip(xs, ys, strict=True) if x > 0 and y > 0]
    if len(points) < 2:
        return None
    mx = statistics.fmean(p[0] for p in points)
    my = statistics.fmean(p[1] for p in points)
    spread = sum((p[0] - mx) ** 2 for p in points)
    if spread == 0:
        return None
    return sum((p[0] - mx) * (p[1] - my) for p in points) / spread


# -- reporting ----------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith(("model name", "Hardware")):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    system = f"{platform.system()} {platform.release()}"
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                system = f"{line.split('=', 1)[1].strip(chr(34))}, {system}"
    except OSError:
        pass
    git = subprocess.run(["git", "--version"], capture_output=True, text=True).stdout.strip()
    import yaml

    import mastermind_kit

    # Which code was measured: the version, and the commit when it is a git checkout.
    package = Path(mastermind_kit.__file__).resolve().parent
    code = mastermind_kit.__version__
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=package.parent, capture_output=True, text=True
    )
    if commit.returncode == 0:
        code += f", commit {commit.stdout.strip()}"
        changed = subprocess.run(
            ["git", "status", "--porcelain", "--", package.name],
            cwd=package.parent,
            capture_output=True,
            text=True,
        ).stdout
        code += " with uncommitted changes" if changed.strip() else ""
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "git": git.removeprefix("git version ").strip(),
        "os": system,
        "pyyaml": f"{yaml.__version__}{' with libyaml' if yaml.__with_libyaml__ else ''}",
        "mastermind_kit": code,
    }


def ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1000:,.0f}"


def table(rows: list[list[str]], header: list[str], right: set[int]) -> list[str]:
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---:" if i in right else "---" for i in range(len(header))) + "|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def scaling(spec: Spec, verdict: dict[str, Any]) -> tuple[str, str]:
    """("flat 1.05" or "exponent 0.98", the same from the ratios)."""
    flat = spec.scaling == "flat"
    value = verdict.get("flatness" if flat else "growth_exponent")
    by_ratio = verdict.get("flatness_by_ratio" if flat else "growth_exponent_by_ratio")
    word = "flat" if flat else "exponent"
    return (
        f"{word} {'-' if value is None else f'{value:.2f}'}",
        "-" if by_ratio is None else f"{by_ratio:.2f}",
    )


def in_years(count: int) -> str:
    return f"{count} year{'' if count == 1 else 's'}"


def report(
    groups: list[Group],
    floors: dict[str, dict[str, list[Run]]],
    results: dict[str, dict[str, Result]],
    summary: dict[str, Any],
    info: dict[str, Any],
) -> str:
    base = groups[0]
    out = [
        f"## Commands ({base.facts['notes']:,} notes, {base.facts['commits']:,} commits, "
        f"{in_years(base.years)}, {base.facts['members']} members, "
        f"{base.facts['cadence']}; today = {base.today})",
        "",
    ]
    rows = []
    for spec in SPECS:
        result = results[base.label][spec.key]
        verdict = summary[spec.key]
        limit = FLAT_BUDGET if spec.scaling == "flat" else GROWTH_BUDGET
        scale, by_ratio = scaling(spec, verdict)
        rss = result.peak_rss_kib
        rows.append(
            [
                label(spec.key, result.argv),
                ms(result.median),
                ms(result.first.seconds if result.first else None),
                f"{' + '.join(spec.floors)} {ms(result.median_floor)}",
                "-" if result.median_ratio is None else f"{result.median_ratio:.2f}x",
                f"≤ {spec.ratio:g}x",
                "-" if rss is None else f"{rss / 1024:.0f}",
                f"{scale} (≤ {limit:g})" if spec.scaling == "flat" else scale,
                by_ratio if spec.scaling == "flat" else f"{by_ratio} (≤ {limit:g})",
                verdict["verdict"],
            ]
        )
    out += table(
        rows,
        [
            "command",
            "median ms",
            "first run ms",
            "floor ms",
            "ratio",
            "budget",
            "peak RSS MB",
            "scaling",
            "by ratio",
            "result",
        ],
        {1, 2, 3, 4, 6, 8},
    )
    out += ["", "## Floors", ""]
    rows = []
    for name in FLOORS:
        line = [FLOOR_LABELS[name]]
        for group in groups:
            times = [r.seconds for r in floors[group.label][name]]
            line.append(ms(statistics.median(times)) if times else "-")
        rows.append(line)
    out += table(
        rows, ["floor", *(f"{g.label} median ms" for g in groups)], set(range(1, len(groups) + 1))
    )
    out += ["", "## Growth", ""]
    sizes = [
        f"{g.label}: {in_years(g.years)}, {g.facts['notes']:,} notes, "
        f"{g.facts['commits']:,} commits"
        for g in groups
    ]
    out += ["; ".join(sizes) + ".", ""]
    rows = []
    for spec in SPECS:
        line = [label(spec.key, results[base.label][spec.key].argv)]
        line += [ms(results[g.label][spec.key].median) for g in groups]
        for group in groups:
            ratio = results[group.label][spec.key].median_ratio
            line.append("-" if ratio is None else f"{ratio:.2f}x")
        peak = results[groups[-1].label][spec.key].peak_rss_kib
        line.append("-" if peak is None else f"{peak / 1024:.0f}")
        line += scaling(spec, summary[spec.key])
        rows.append(line)
    count = len(groups)
    out += table(
        rows,
        [
            "command",
            *(f"{g.label} ms" for g in groups),
            *(f"{g.label} ratio" for g in groups),
            f"{groups[-1].label} peak RSS MB",
            "scaling",
            "by ratio",
        ],
        set(range(1, 2 * count + 2)) | {2 * count + 3},
    )
    out += ["", "## Machine", ""]
    out += [f"- {key}: {value}" for key, value in info.items()]
    return "\n".join(out) + "\n"


def judge(
    spec: Spec, per_size: dict[str, Result], groups: list[Group], paired: float | None = None
) -> dict[str, Any]:
    base = per_size[groups[0].label]
    verdict: dict[str, Any] = {
        "budget": {
            "ratio": spec.ratio,
            "floor": list(spec.floors),
            "rss_mb": RSS_BUDGET_MB,
            spec.scaling: FLAT_BUDGET if spec.scaling == "flat" else GROWTH_BUDGET,
        }
    }
    failed: list[str] = []
    if any(r.failure for r in per_size.values()):
        verdict["verdict"] = "FAILED (command)"
        verdict["passed"] = False
        return verdict
    if base.median_ratio is None or base.median_ratio > spec.ratio:
        failed.append("ratio")
    rss = base.peak_rss_kib
    if rss is None or rss / 1024 > RSS_BUDGET_MB:
        failed.append("RSS")
    medians = [per_size[g.label].median for g in groups]
    ratios = [per_size[g.label].median_ratio for g in groups]
    # The same measures from the ratios to the floors: a machine that got busier or
    # quieter between the sizes moves them much less. A command's exponent "by ratio"
    # is its ratio's exponent plus one: how it grows against the work its floors must do.
    # The whole-repo commands are judged by that: their floors are not linear (one
    # git log over the history grows with an exponent of about 1.6 here, git diffing a
    # meetings/ tree of thousands of folders at every commit), so an exponent by time
    # would measure git as much as this tool. Flatness is judged by time, from 1x and 4x
    # timed in pairs: its floor, the import floor, does not depend on the history.
    if spec.scaling == "flat":
        first, last = medians[0], medians[-1]
        # Judged from 1x and 4x timed in pairs (paired_flatness) where there are pairs.
        flat = paired if paired is not None else last / first if first and last else None
        verdict["flatness"] = flat
        verdict["flatness_by_medians"] = last / first if first and last else None
        verdict["flatness_by_ratio"] = ratios[-1] / ratios[0] if ratios[0] and ratios[-1] else None
        if flat is None or flat > FLAT_BUDGET:
            failed.append("flat")
    else:
        sizes = [float(g.facts["notes"]) for g in groups]
        exponent = slope(sizes, [m or 0.0 for m in medians])
        verdict["growth_exponent"] = exponent
        by_ratio = slope(sizes, [r or 0.0 for r in ratios])
        judged = None if by_ratio is None else by_ratio + 1
        verdict["growth_exponent_by_ratio"] = judged
        if judged is None or judged > GROWTH_BUDGET:
            failed.append("growth")
    if any(r.findings for r in per_size.values()):
        failed.append("findings")
    verdict["failed"] = failed
    verdict["passed"] = not failed
    verdict["verdict"] = "pass" if not failed else "FAIL: " + ", ".join(failed)
    return verdict


def compile_package() -> None:
    """Byte-compile the package as pip does on install: a member's commands load cached
    bytecode. A checkout run with PYTHONDONTWRITEBYTECODE set would otherwise compile
    every module on every run and time the compiler."""
    import compileall

    import mastermind_kit

    compileall.compile_dir(str(Path(mastermind_kit.__file__).parent), quiet=1)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").strip().splitlines()[0])
    parser.add_argument("--years", type=int, help="history of the 1x group [10; quick: 1]")
    parser.add_argument("--members", type=int, help="[12; quick: 4]")
    parser.add_argument("--cadence", choices=sorted(generate.PERIOD), default="weekly")
    parser.add_argument("--end", type=dt.date.fromisoformat, default=generate.DEFAULT_END)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small groups and few runs: a smoke test in well under a minute",
    )
    parser.add_argument("--runs", type=int, help="timed rounds per command at 1x [5; quick: 2]")
    parser.add_argument(
        "--growth-runs", type=int, help="timed rounds per command at 2x and 4x [3; quick: 1]"
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=HERE / ".data",
        help="where the generated groups are cached [benchmarks/.data]",
    )
    parser.add_argument("--json", type=Path, help="raw numbers [DATA/results.json]")
    options = parser.parse_args(argv)
    quick = options.quick
    years = options.years or (1 if quick else 10)
    members = options.members or (4 if quick else 12)
    runs = max(1, options.runs or (2 if quick else 5))
    growth_runs = max(1, options.growth_runs or (1 if quick else min(runs, 3)))
    json_path = options.json or options.data / "results.json"

    began = time.perf_counter()
    compile_package()
    groups = [
        prepare(options.data, factor, years * factor, members, options.cadence, options.end)
        for factor in FACTORS
    ]
    choose(groups)
    failures: list[str] = []
    floors: dict[str, dict[str, list[Run]]] = {}
    results: dict[str, dict[str, Result]] = {}
    launcher = Launcher()
    try:
        for group in groups:
            progress(f"timing {group.label}: {group.facts['notes']:,} notes in {group.root}")
            floors[group.label], results[group.label] = bench_group(
                launcher, group, runs if group.factor == 1 else growth_runs, failures
            )
        flatness = paired_flatness(launcher, groups[0], groups[-1], runs)
    finally:
        launcher.close()
    summary = {
        spec.key: judge(
            spec,
            {g.label: results[g.label][spec.key] for g in groups},
            groups,
            flatness.get(spec.key),
        )
        for spec in SPECS
    }
    info = machine()
    print(report(groups, floors, results, summary, info))
    for spec in SPECS:
        for group in groups:
            findings = results[group.label][spec.key].findings
            if findings:
                print(
                    f"warning: {group.label} {spec.key} reported findings on the generated "
                    f"group:\n{findings}\n"
                )
    for failure in failures:
        print(f"FAILED: {failure}\n", file=sys.stderr)

    raw = {
        "parameters": {
            "years": years,
            "members": members,
            "cadence": options.cadence,
            "end": str(options.end),
            "quick": quick,
            "runs": runs,
            "growth_runs": growth_runs,
            "factors": list(FACTORS),
            "rss_budget_mb": RSS_BUDGET_MB,
        },
        "machine": info,
        "groups": {
            g.label: {
                **{k: v for k, v in g.facts.items() if k != "git_entries"},
                "path": str(g.root),
                "member": g.member,
                "note": g.note,
                "today": g.today,
            }
            for g in groups
        },
        "floors": {
            label_: {
                name: {
                    "argv": FLOORS[name],
                    "seconds": [r.seconds for r in found],
                    "median_seconds": statistics.median([r.seconds for r in found])
                    if found
                    else None,
                    "peak_rss_kib": max((r.rss_kib for r in found), default=None),
                }
                for name, found in per_floor.items()
            }
            for label_, per_floor in floors.items()
        },
        "commands": {
            spec.key: {
                "label": label(spec.key, results[groups[0].label][spec.key].argv),
                **summary[spec.key],
                "sizes": {g.label: results[g.label][spec.key].to_json() for g in groups},
            }
            for spec in SPECS
        },
        "failures": failures,
        "seconds": round(time.perf_counter() - began, 1),
    }
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(raw, indent=2) + "\n", encoding="utf-8")
    progress(f"raw numbers: {json_path} ({raw['seconds']} s in all)")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
