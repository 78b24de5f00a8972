"""`mastermind member add|list`: edits keep the group's comments; ids are validated."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import build_tree

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


# -- member leave ----------------------------------------------------------------------------

SAMPLE = Path(__file__).resolve().parent.parent / "sample_group" / "mastermind.yaml"


def _changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    """The lines that differ, as (before, after) pairs; the files must have as many."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    assert len(old) == len(new)
    return [(a, b) for a, b in zip(old, new, strict=True) if a != b]


def test_member_leave_changes_one_value_and_keeps_every_other_byte(group: Path, run_main) -> None:
    config = group / "mastermind.yaml"
    before = SAMPLE.read_text(encoding="utf-8")
    config.write_text(before, encoding="utf-8")
    code, out, err = run_main("-C", str(group), "member", "leave", "maren", "--date", "2026-10-06")
    assert (code, err) == (0, "")
    assert out == "wrote mastermind.yaml: maren left on 2026-10-06\n"
    after = config.read_text(encoding="utf-8")
    assert _changed_lines(before, after) == [("    left: null\n", "    left: 2026-10-06\n")]
    # changing a date that is there keeps the comment beside it
    code, out, _ = run_main("-C", str(group), "member", "leave", "jonas", "--date", "2026-10-06")
    assert code == 0 and "jonas left on 2026-10-06 (was 2026-09-22)" in out
    assert _changed_lines(after, config.read_text(encoding="utf-8")) == [
        (
            "    left: 2026-09-22             # Warmwerk was acquired; 22 September was his "
            "last meeting\n",
            "    left: 2026-10-06             # Warmwerk was acquired; 22 September was his "
            "last meeting\n",
        )
    ]
    code, out, _ = run_main("-C", str(group), "member", "list")
    assert "joined 2026-04-07, left 2026-10-06" in out.splitlines()[0]
    code, out, _ = run_main("-C", str(group), "member", "list", "--format", "json")
    assert json.loads(out)[0]["left"] == "2026-10-06"


def test_member_leave_defaults_to_the_last_meeting_held(group: Path, run_main) -> None:
    config = group / "mastermind.yaml"
    config.write_text(
        config.read_text().replace(
            "    joined: 2026-12-01\n  - id: bob",
            "    joined: 2026-12-01\n  # bob came with alice\n  - id: bob",
        )
    )
    # 2026-12-29 has not started at the start of that day: the last meeting is 12-15
    code, out, _ = run_main("-C", str(group), "member", "leave", "alice", "--today", "2026-12-29")
    assert code == 0 and "alice left on 2026-12-15" in out
    text = config.read_text()
    # a new 'left' follows 'joined', and the comment about bob stays above bob
    assert (
        "    joined: 2026-12-01\n    left: 2026-12-15\n  # bob came with alice\n  - id: bob\n"
        in text
    )
    assert run_main("-C", str(group), "check")[0] == 0


def test_member_leave_before_any_meeting_takes_today(group: Path, run_main) -> None:
    code, _, err = run_main("-C", str(group), "member", "leave", "bob", "--today", "2026-11-20")
    assert code == 2
    assert "cannot leave on today, 2026-11-20: bob joined on 2026-12-01" in err
    code, _, err = run_main("-C", str(group), "member", "leave", "bob", "--today", "2026-12-02")
    assert code == 0


def test_member_leave_again_with_the_same_date_changes_nothing(group: Path, run_main) -> None:
    args = ("-C", str(group), "member", "leave", "bob", "--date", "2026-12-15")
    assert run_main(*args)[0] == 0
    before = (group / "mastermind.yaml").read_bytes()
    code, out, _ = run_main(*args)
    assert (code, out) == (0, "bob already left on 2026-12-15; nothing changed\n")
    assert (group / "mastermind.yaml").read_bytes() == before


JONAS = "  - id: jonas\n    name: Jonas\n    joined: 2026-12-01\n    left: 2026-12-01\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("carol",), "no member 'carol' in mastermind.yaml (members: alice, bob, jonas)"),
        (("bob", "--date", "2026-11-30"), "cannot leave on 2026-11-30: bob joined on 2026-12-01"),
        (("jonas",), "jonas already left on 2026-12-01 (pass --date DATE to change that date)"),
        (
            ("alice", "--date", "2026-12-01"),
            "alice has a note for a meeting after 2026-12-01: meetings/2026-12-15/alice.md "
            "(delete it first, or pass --date 2026-12-15 if that was their last meeting)",
        ),
    ],
)
def test_member_leave_refuses(group: Path, run_main, args: tuple[str, ...], message: str) -> None:
    config = group / "mastermind.yaml"
    config.write_text(config.read_text().replace("agreement:", JONAS + "agreement:"))
    build_tree(group, {"meetings/2026-12-15/alice.md": ALICE_NOTE.format(day="2026-12-15")})
    before = config.read_bytes()
    code, out, err = run_main("-C", str(group), "member", "leave", *args, "--today", "2027-01-01")
    assert (code, out) == (2, "")
    assert err == f"mastermind: error: {message}\n"
    assert config.read_bytes() == before


ALICE_NOTE = "---\nmember: alice\nmeeting: {day}\n---\n"


def test_the_last_member_may_leave(group: Path, run_main) -> None:
    args = ("-C", str(group), "member", "leave")
    assert run_main(*args, "alice", "--date", "2026-12-15") == (
        0,
        "wrote mastermind.yaml: alice left on 2026-12-15\n",
        "",
    )
    code, _, err = run_main(*args, "bob", "--date", "2026-12-15")
    assert code == 0
    assert err == "mastermind: warning: nobody is in the group after 2026-12-15\n"
    assert run_main("-C", str(group), "check")[0] == 0
    code, out, _ = run_main("-C", str(group), "agenda", "--today", "2026-12-20")
    assert code == 0 and "2026-12-29" in out
    code, out, _ = run_main("-C", str(group), "schedule", "--today", "2026-12-20")
    assert code == 0


MESSY = """\
---
# written by hand
schema: 1
name:   Messy Group
cadence: weekly
first_meeting: 2026-12-01
time: '18:00'
timezone: Europe/Berlin
skip: [ 2026-12-29 ]
members:
- id: alice
  name: "Alice Example"
  emails:
  - alice@example.org   # work
  - a@home.example
  joined: 2026-12-01
- id: bob
  name: Bob Example
  emails: [ bob@example.org ]
  joined: 2026-12-01
  left: ~
- {id: carol, name: Carol, joined: 2026-12-01}
agreement: >
  Confidential.
...
"""


@pytest.mark.parametrize(
    ("args", "changed"),
    [
        (("leave", "bob", "--date", "2026-12-08"), [("  left: ~\n", "  left: 2026-12-08\n")]),
        (
            ("leave", "carol", "--date", "2026-12-08"),
            [
                (
                    "- {id: carol, name: Carol, joined: 2026-12-01}\n",
                    "- {id: carol, name: Carol, joined: 2026-12-01, left: 2026-12-08}\n",
                )
            ],
        ),
        (
            ("edit", "alice", "--name", "Alice Doe", "--remove-email", "a@home.example"),
            [],  # a line fewer: compared below
        ),
        (
            ("edit", "bob", "--add-email", "bob@home.example"),
            [
                (
                    "  emails: [ bob@example.org ]\n",
                    "  emails: [bob@example.org, bob@home.example]\n",
                )
            ],
        ),
    ],
)
def test_edits_keep_a_hand_written_layout(
    group: Path, run_main, args: tuple[str, ...], changed: list[tuple[str, str]]
) -> None:
    """ruamel would respell '~', '---', '[ x ]', 'name:   X' and a sequence at column 0:
    only the lines the change needs are its own."""
    config = group / "mastermind.yaml"
    config.write_text(MESSY)
    build_tree(group, {"members/carol.md": "---\nname: Carol\n---\n"})
    code, _, err = run_main("-C", str(group), "member", *args)
    assert code == 0, err
    after = config.read_text()
    if changed:
        assert _changed_lines(MESSY, after) == changed
    else:
        assert after == MESSY.replace('"Alice Example"', '"Alice Doe"').replace(
            "  - a@home.example\n", ""
        )
    assert run_main("-C", str(group), "check")[0] == 0


def test_edits_keep_crlf_and_a_bom(group: Path, run_main) -> None:
    config = group / "mastermind.yaml"
    before = "\ufeff" + config.read_text().replace("\n", "\r\n")
    config.write_bytes(before.encode("utf-8"))
    assert run_main("-C", str(group), "member", "leave", "bob", "--date", "2026-12-15")[0] == 0
    after = config.read_bytes().decode("utf-8")
    assert after == before.replace(
        "    joined: 2026-12-01\r\nagreement",
        "    joined: 2026-12-01\r\n    left: 2026-12-15\r\nagreement",
    )


# -- member edit -----------------------------------------------------------------------------


def test_member_edit_changes_name_and_emails_only(group: Path, run_main) -> None:
    config = group / "mastermind.yaml"
    before = SAMPLE.read_text(encoding="utf-8")
    config.write_text(before, encoding="utf-8")
    build_tree(group, {"members/tobias.md": "---\nname: Tobias Brandt\n---\nMine.\n"})
    profile = (group / "members" / "tobias.md").read_bytes()
    code, out, err = run_main(
        "-C",
        str(group),
        "member",
        "edit",
        "tobias",
        "--name",
        "Tobias B. Brandt",
        "--remove-email",
        "TOBIAS@example.org",  # emails are compared without case, as git users type them
        "--add-email",
        "tb@example.net",
    )
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "wrote mastermind.yaml: tobias: name 'Tobias Brandt' -> 'Tobias B. Brandt'; "
        "removed email tobias@example.org; added email tb@example.net",
        "note: members/tobias.md says name: 'Tobias Brandt'; that is theirs to change",
    ]
    assert _changed_lines(before, config.read_text(encoding="utf-8")) == [
        ("    name: Tobias Brandt\n", "    name: Tobias B. Brandt\n"),
        (
            "    emails: [tobias.brandt@example.com, tobias@example.org]\n",
            "    emails: [tobias.brandt@example.com, tb@example.net]\n",
        ),
    ]
    assert (group / "members" / "tobias.md").read_bytes() == profile
    code, out, _ = run_main("-C", str(group), "member", "list", "--format", "json")
    assert json.loads(out)[1]["emails"] == ["tobias.brandt@example.com", "tb@example.net"]


def test_member_edit_may_remove_the_last_email(group: Path, run_main) -> None:
    code, out, err = run_main(
        "-C", str(group), "member", "edit", "bob", "--remove-email", "bob@example.org"
    )
    assert code == 0
    assert out == "wrote mastermind.yaml: bob: removed email bob@example.org\n"
    assert err == (
        "mastermind: warning: bob has no git email now: commands know them only by --member bob\n"
    )
    assert "    emails: []\n" in (group / "mastermind.yaml").read_text()
    assert run_main("-C", str(group), "check")[0] == 0


def test_member_edit_to_the_same_name_changes_nothing(group: Path, run_main) -> None:
    before = (group / "mastermind.yaml").read_bytes()
    code, out, _ = run_main("-C", str(group), "member", "edit", "bob", "--name", "Bob Example")
    assert (code, out) == (0, "bob: nothing changed\n")
    assert (group / "mastermind.yaml").read_bytes() == before


@pytest.mark.parametrize("name", ["no", "1:30", "null", "&a", "Bob: the builder"])
def test_member_edit_quotes_a_name_that_yaml_would_misread(
    group: Path, run_main, name: str
) -> None:
    code, _, err = run_main("-C", str(group), "member", "edit", "bob", "--name", name)
    assert code == 0, err
    assert run_main("-C", str(group), "check", "mastermind.yaml")[0] == 0
    code, out, _ = run_main("-C", str(group), "member", "list", "--format", "json")
    assert any(m["name"] == name for m in json.loads(out) if m["id"] == "bob")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("bob",), "nothing to change (give --name, --add-email or --remove-email)"),
        (("carol", "--name", "C"), "no member 'carol' in mastermind.yaml (members: alice, bob)"),
        (("bob", "--name", " "), "the name must not be blank"),
        (
            ("bob", "--add-email", "Alice@example.org"),
            "email Alice@example.org already belongs to member 'alice'",
        ),
        (("bob", "--add-email", "bob@example.org"), "bob already has email bob@example.org"),
        (
            ("bob", "--remove-email", "alice@example.org"),
            "bob has no email alice@example.org (their emails: bob@example.org)",
        ),
        (
            ("bob", "--remove-email", "b@example.org", "--add-email", "b@example.org"),
            "bob has no email b@example.org (their emails: bob@example.org)",
        ),
        (
            (
                "bob",
                "--add-email",
                "b@x",
                "--remove-email",
                "bob@example.org",
                "--add-email",
                "bob@example.org",
            ),
            "bob@example.org is given to both --add-email and --remove-email",
        ),
        (
            ("bob", "--add-email", "not an email"),
            "the change would make mastermind.yaml invalid: members[1].emails[1]: 'not an "
            "email' is not an email address; nothing was written",
        ),
    ],
)
def test_member_edit_refuses(group: Path, run_main, args: tuple[str, ...], message: str) -> None:
    before = (group / "mastermind.yaml").read_bytes()
    code, out, err = run_main("-C", str(group), "member", "edit", *args)
    assert (code, out) == (2, "")
    assert err == f"mastermind: error: {message}\n"
    assert (group / "mastermind.yaml").read_bytes() == before


def test_member_add_refuses_a_bad_email_and_writes_nothing(group: Path, run_main) -> None:
    before = (group / "mastermind.yaml").read_bytes()
    code, _, err = run_main(
        "-C", str(group), "member", "add", "carol", "--name", "Carol", "--email", "carol"
    )
    assert code == 2 and "'carol' is not an email address; nothing was written" in err
    assert (group / "mastermind.yaml").read_bytes() == before
    assert not (group / "members" / "carol.md").exists()
