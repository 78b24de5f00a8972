"""`mastermind member add|list`: edits keep the group's comments; ids are validated."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

COMMENTED = """\
# Our group. Keep this comment.
schema: 1
name: Test Group
cadence: weekly   # we meet every Tuesday
first_meeting: 2026-12-01
time: "18:00"
timezone: Europe/Berlin
members:
  - id: alice
    name: Alice Example   # founder
    emails: [alice@example.org]
agreement: |
  Confidential.
"""


def test_member_add_keeps_comments_and_order(group: Path, run_main) -> None:
    (group / "mastermind.yaml").write_text(COMMENTED)
    (group / "members" / "bob.md").unlink()
    code, out, err = run_main(
        "-C",
        str(group),
        "member",
        "add",
        "carol",
        "--name",
        "Carol Example",
        "--email",
        "carol@example.org",
        "--joined",
        "2026-12-08",
    )
    assert code == 0, err
    text = (group / "mastermind.yaml").read_text()
    assert text.startswith("# Our group. Keep this comment.\n")
    assert "cadence: weekly   # we meet every Tuesday" in text
    assert "name: Alice Example   # founder" in text
    assert text.index("members:") < text.index("id: carol") < text.index("agreement:")
    assert "joined: 2026-12-08" in text and "left: null" in text
    assert (group / "members" / "carol.md").is_file()
    code, out, _ = run_main("-C", str(group), "member", "list", "--format", "json")
    assert [m["id"] for m in json.loads(out)] == ["alice", "carol"]
    assert run_main("-C", str(group), "check")[0] == 0


@pytest.mark.parametrize(
    ("member_id", "extra", "message"),
    [
        ("alice", (), "already exists"),
        ("../etc", (), "not a valid member id"),
        ("Carol", (), "not a valid member id"),
        ("agenda", (), "not a valid member id"),
        ("carol", ("--email", "alice@example.org"), "already belongs to member 'alice'"),
    ],
)
def test_member_add_refuses(
    group: Path, run_main, member_id: str, extra: tuple[str, ...], message: str
) -> None:
    before = (group / "mastermind.yaml").read_bytes()
    code, _, err = run_main("-C", str(group), "member", "add", member_id, "--name", "X", *extra)
    assert code == 2
    assert message in err
    assert (group / "mastermind.yaml").read_bytes() == before
    assert not (group / "members" / "carol.md").exists()


def test_member_add_refuses_an_existing_profile(group: Path, run_main) -> None:
    (group / "members" / "carol.md").write_text("---\nname: Mine\n---\n")
    before = (group / "mastermind.yaml").read_bytes()
    code, _, err = run_main("-C", str(group), "member", "add", "carol", "--name", "Carol")
    assert code == 2 and "already exists" in err
    assert (group / "mastermind.yaml").read_bytes() == before
    assert (group / "members" / "carol.md").read_text() == "---\nname: Mine\n---\n"


def test_member_list_text(group: Path, run_main) -> None:
    code, out, _ = run_main("-C", str(group), "member", "list")
    assert code == 0
    assert out.splitlines()[0].split()[0] == "alice"
