"""Progress on long work is shown when a terminal is attached, and nothing when piped."""

from __future__ import annotations

import datetime as dt
import os
import pty
import subprocess
import sys
from pathlib import Path

from conftest import build_tree


def _big_group(group: Path) -> Path:
    files = {}
    day = dt.date(2026, 12, 1)
    for _ in range(160):  # 320 notes, biweekly
        for member in ("alice", "bob"):
            files[f"meetings/{day}/{member}.md"] = f"---\nmember: {member}\nmeeting: {day}\n---\n"
        day += dt.timedelta(days=14)
    return build_tree(group, files)


def _run_in_terminal(cwd: Path, *args: str) -> tuple[int, str]:
    primary, secondary = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "mastermind_kit", *args],
        cwd=cwd,
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        close_fds=True,
    )
    os.close(secondary)
    output = b""
    while True:
        try:
            chunk = os.read(primary, 4096)
        except OSError:  # the terminal closed: the process is done
            break
        if not chunk:
            break
        output += chunk
    os.close(primary)
    return process.wait(), output.decode("utf-8", "replace")


def test_progress_on_a_terminal(group: Path) -> None:
    code, output = _run_in_terminal(_big_group(group), "check")
    assert code == 0, output
    assert "reading group files" in output
    assert output.endswith("\x1b[K")  # the counter line is erased at the end


def test_silent_when_piped(group: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mastermind_kit", "check"],
        cwd=_big_group(group),
        capture_output=True,
        text=True,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_site_shows_its_pages_on_a_terminal_and_nothing_when_piped(group: Path) -> None:
    root = _big_group(group)
    code, output = _run_in_terminal(root, "site", "--today", "2033-01-01")
    assert code == 0, output
    assert "writing pages" in output and "reading group files" in output
    done = subprocess.run(
        [sys.executable, "-m", "mastermind_kit", "site", "--today", "2033-01-01"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0
    assert done.stderr == ""
    assert (
        done.stdout == "wrote 163 pages and calendar.ics: _site/index.html\n"
    )  # 160 meetings, 2 members
