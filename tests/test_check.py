from __future__ import annotations

import json
from pathlib import Path

from conftest import build_tree


def test_valid_group_passes(group: Path, run_main) -> None:
    code, out, err = run_main("-C", str(group), "check")
    assert (code, out, err) == (0, "", "")


def test_impossible_due_date_names_file_and_line(group: Path, run_main) -> None:
    build_tree(
        group,
        {
            "meetings/2026-12-01/alice.md": (
                "---\nmember: alice\nmeeting: 2026-12-01\ncommitments:\n"
                "  - id: 2026-12-01/alice/1\n    text: Call three customers\n"
                "    due: 2026-02-30\n---\n"
            )
        },
    )
    code, out, err = run_main("-C", str(group), "check")
    assert code == 1
    assert "meetings/2026-12-01/alice.md:7:" in out
    assert "2026-02-30" in out and "Traceback" not in out + err
    code, out, _ = run_main("-C", str(group), "check", "--format", "json")
    assert code == 1
    [finding] = json.loads(out)
    assert finding["line"] == 7
    assert finding["path"].endswith("meetings/2026-12-01/alice.md")
    assert finding["severity"] == "error"
