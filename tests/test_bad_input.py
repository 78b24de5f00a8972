"""The bad-input catalogue: every file a user can get wrong gets a clear finding.

Each case runs the real CLI (``main``) on a real group folder and asserts the exit
code, that the message names the file and the line, a helpful wording, that no
traceback is printed, and that the failed check left every file byte-identical.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import GROUP_YAML, PROFILE_ALICE, build_tree

pytestmark = pytest.mark.catalogue

Run = Callable[..., tuple[int, str, str]]

N1 = "meetings/2026-12-01/alice.md"
N2 = "meetings/2026-12-15/alice.md"
CONFIG = "mastermind.yaml"
PROFILE = "members/alice.md"


def note(front: str, body: str = "") -> str:
    """A note file: ``front`` between the two ``---`` lines, line 2 is its first line."""
    return "---\n" + front + "---\n" + body


def alice(meeting: str, rest: str = "") -> str:
    return note(f"member: alice\nmeeting: {meeting}\n" + rest)


# A first note of alice with one commitment (2026-12-01/alice/1), for report-backs.
FIRST = alice(
    "2026-12-01",
    "commitments:\n  - id: 2026-12-01/alice/1\n    text: Call three customers\n",
)
BOB_FIRST = note(
    "member: bob\nmeeting: 2026-12-01\ncommitments:\n"
    "  - id: 2026-12-01/bob/1\n    text: Hire a designer\n"
)


def alias_bomb(name: str, leaf: str) -> str:
    """Billion laughs: nine levels of nine aliases each, 9**9 leaves when expanded."""
    lines = []
    for level in range(9):
        item = f"*{name}{level - 1}" if level else leaf
        lines.append(f"{name}{level}: &{name}{level} [{', '.join([item] * 9)}]\n")
    return "".join(lines)


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def check(run_main: Run, group: Path, *args: str) -> tuple[int, str, str]:
    """``mastermind check`` from inside the group, so paths print relative to it."""
    before = snapshot(group)
    code, out, err = run_main("check", *args, cwd=group)
    assert "Traceback" not in out + err
    assert snapshot(group) == before, "check must never change a file"
    return code, out, err


def finding(out: str, where: str) -> str:
    """The output line that starts at ``where`` (``path:line:``)."""
    lines = [line for line in out.splitlines() if line.startswith(where)]
    assert lines, f"no finding at {where!r} in:\n{out}"
    return lines[0]


def config_with(old: str, new: str) -> str:
    assert old in GROUP_YAML
    return GROUP_YAML.replace(old, new, 1)


def profile_with(old: str, new: str) -> str:
    assert old in PROFILE_ALICE
    return PROFILE_ALICE.replace(old, new, 1)


# -- one file, one finding --------------------------------------------------------------
#
# (files to write, where the finding is, words it must say). Exit code 1.

CASES: dict[str, tuple[dict[str, str | bytes], str, list[str]]] = {
    # malformed YAML
    "note-bad-indentation": (
        {N1: alice("2026-12-01", "questions:\n  - How do I price?\n - What next?\n")},
        f"{N1}:6:",
        ["invalid YAML", "check the indentation of this line"],
    ),
    "note-unclosed-quote": (
        {N1: alice("2026-12-01", 'walk_away: "A pricing decision\nhot_seat: true\n')},
        f"{N1}:4:",
        ["invalid YAML", "a quote opened here is never closed"],
    ),
    "note-unclosed-bracket": (
        {N1: alice("2026-12-01", "questions: [How?, Why?\nhot_seat: true\n")},
        f"{N1}:4:12:",
        ["invalid YAML", "'[' opened here is never closed with ']'", "gave up on line 5"],
    ),
    "note-unclosed-brace": (
        {N1: alice("2026-12-01", "results: {arr: 3\nhot_seat: true\n")},
        f"{N1}:4:",
        ["invalid YAML", "'{'", "never closed"],
    ),
    "note-tab-indentation": (
        {N1: alice("2026-12-01", "questions:\n\t- How do I price?\n")},
        f"{N1}:5:1:",
        ["invalid YAML", "tab", "spaces"],
    ),
    "note-key-value-on-one-line": (
        {N1: alice("2026-12-01", "walk_away: price: decided\n")},
        f"{N1}:4:",
        ["invalid YAML", "quote"],
    ),
    "note-undefined-alias": (
        {N1: alice("2026-12-01", "walk_away: *nothing\n")},
        f"{N1}:4:",
        ["invalid YAML", "alias *nothing refers to no anchor &nothing"],
    ),
    "profile-unclosed-quote": (
        {PROFILE: profile_with("vision: A calm", 'vision: "A calm')},
        f"{PROFILE}:3:",
        ["invalid YAML", "never closed"],
    ),
    "profile-tab-indentation": (
        {PROFILE: profile_with("    title: Reach", "\ttitle: Reach")},
        f"{PROFILE}:6:1:",
        ["invalid YAML", "tab"],
    ),
    "config-unclosed-bracket": (
        {CONFIG: config_with("name: Test Group", "name: [Test Group")},
        f"{CONFIG}:2:",
        ["invalid YAML", "never closed"],
    ),
    "config-bad-indentation": (
        {CONFIG: config_with("    name: Bob Example", "   name: Bob Example")},
        f"{CONFIG}:15:",
        ["invalid YAML"],
    ),
    "config-tab-indentation": (
        {CONFIG: config_with("    name: Bob Example", "\tname: Bob Example")},
        f"{CONFIG}:15:1:",
        ["invalid YAML", "tab"],
    ),
    # front matter framing
    "missing-closing-fence": (
        {N1: "---\nmember: alice\nmeeting: 2026-12-01\n\nMy action plan.\n"},
        f"{N1}:1:",
        ["never closed", "'---'"],
    ),
    "no-front-matter": ({N1: "My action plan.\n"}, f"{N1}:1:", ["no front matter", "'---'"]),
    "empty-note": ({N1: ""}, f"{N1}:1:", ["empty"]),
    "whitespace-only-note": ({N1: "  \n\n\t\n"}, f"{N1}:1:", ["empty"]),
    "empty-profile": ({PROFILE: ""}, f"{PROFILE}:1:", ["empty"]),
    "empty-config": ({CONFIG: "\n"}, f"{CONFIG}:1:", ["empty"]),
    "front-matter-is-a-list": (
        {N1: note("- member: alice\n- meeting: 2026-12-01\n")},
        f"{N1}:2:",
        ["mapping", "key: value"],
    ),
    "front-matter-is-a-scalar": (
        {N1: note("just some words\n")},
        f"{N1}:2:",
        ["mapping", "key: value"],
    ),
    "config-is-a-list": ({CONFIG: "- schema: 1\n- name: x\n"}, f"{CONFIG}:1:", ["mapping"]),
    "empty-front-matter": ({N1: "---\n---\nBody.\n"}, f"{N1}:1:", ["missing required key"]),
    # duplicate keys: PyYAML silently keeps the last one
    "note-duplicate-key": (
        {N1: alice("2026-12-01", "walk_away: A decision\nwalk_away: Another\n")},
        f"{N1}:5:",
        ["duplicate key 'walk_away'", "first on line 4"],
    ),
    "note-duplicate-nested-key": (
        {
            N1: alice(
                "2026-12-01",
                "commitments:\n  - id: 2026-12-01/alice/1\n    text: One\n    text: Two\n",
            )
        },
        f"{N1}:7:",
        ["duplicate key 'text'", "first on line 6"],
    ),
    "config-duplicate-key": (
        {CONFIG: config_with("cadence: biweekly\n", "cadence: biweekly\ncadence: weekly\n")},
        f"{CONFIG}:4:",
        ["duplicate key 'cadence'", "first on line 3"],
    ),
    # merge-conflict markers
    "note-conflict-markers": (
        {
            N1: alice(
                "2026-12-01", "<<<<<<< HEAD\nwalk_away: A\n=======\nwalk_away: B\n>>>>>>> feature\n"
            )
        },
        f"{N1}:4:",
        ["merge-conflict marker", "resolve"],
    ),
    "note-conflict-in-body": (
        {N1: alice("2026-12-01") + "Plan\n<<<<<<< HEAD\nmine\n=======\ntheirs\n>>>>>>> x\n"},
        f"{N1}:6:",
        ["merge-conflict marker"],
    ),
    "config-conflict-markers": (
        {
            CONFIG: config_with(
                "cadence: biweekly\n",
                "<<<<<<< HEAD\ncadence: biweekly\n=======\ncadence: weekly\n>>>>>>> other-branch\n",
            )
        },
        f"{CONFIG}:3:",
        ["merge-conflict marker"],
    ),
    # encodings and bytes
    "latin-1-byte": (
        {N1: b"---\nmember: alice\nmeeting: 2026-12-01\nwalk_away: Caf\xe9 talk\n---\n"},
        f"{N1}:4:15:",
        ["not UTF-8", "0xe9", "UTF-8"],
    ),
    "nul-byte": (
        {N1: b"---\nmember: alice\nmeeting: 2026-12-01\nwalk_away: a\x00b\n---\n"},
        f"{N1}:4:",
        ["NUL"],
    ),
    "control-character": (
        {N1: b"---\nmember: alice\nmeeting: 2026-12-01\nwalk_away: a\x07b\n---\n"},
        f"{N1}:4:13:",
        ["control character"],
    ),
    "huge-file": (
        {N1: alice("2026-12-01") + ("x" * 99 + "\n") * 12_000},
        f"{N1}:1:",
        ["MiB", "limit"],
    ),
    # expansion and nesting: an error, never a hang or a crash
    "alias-bomb": (
        {N1: alice("2026-12-01", alias_bomb("l", '"lol"'))},
        f"{N1}:",
        ["alias bomb", "refusing"],
    ),
    "recursive-alias": (
        {N1: alice("2026-12-01", "questions: &q [How?, *q]\n")},
        f"{N1}:4:",
        ["recursive alias"],
    ),
    "deep-flow-nesting": (
        {N1: alice("2026-12-01", "questions: " + "[" * 200_000 + "]" * 200_000 + "\n")},
        f"{N1}:4:",
        ["nested too deep"],
    ),
    "deep-block-nesting": (
        {N1: alice("2026-12-01", "questions:\n  " + "- " * 100_000 + "x\n")},
        f"{N1}:5:",
        ["nested too deep"],
    ),
    "config-alias-bomb": (
        {CONFIG: GROUP_YAML + alias_bomb("x", "1")},
        f"{CONFIG}:",
        ["alias bomb"],
    ),
    # tags: safe loading only, nothing is ever constructed
    "python-object-tag": (
        {N1: alice("2026-12-01", 'walk_away: !!python/object/apply:os.system ["touch pwned"]\n')},
        f"{N1}:4:",
        ["the tag !!python/object/apply:os.system is not allowed"],
    ),
    "python-name-tag": (
        {N1: alice("2026-12-01", "walk_away: !!python/name:os.system ''\n")},
        f"{N1}:4:",
        ["tag", "not allowed"],
    ),
    "custom-tag-on-mapping": (
        {N1: alice("2026-12-01", "results: !thing {arr: 3}\n")},
        f"{N1}:4:",
        ["tag", "not allowed"],
    ),
    # YAML 1.1 surprises where text is expected
    "config-time-sexagesimal": (
        {CONFIG: config_with('time: "18:00"', "time: 18:00")},
        f"{CONFIG}:5:",
        ["time:", "18:00 was read as the number 1080", 'quote it: "18:00"'],
    ),
    "walk-away-no": (
        {N1: alice("2026-12-01", "walk_away: no\n")},
        f"{N1}:4:",
        ["walk_away:", "no was read as false", 'quote it: "no"'],
    ),
    "question-yes": (
        {N1: alice("2026-12-01", "questions: [yes]\n")},
        f"{N1}:4:",
        ["questions[0]:", "yes was read as true", 'quote it: "yes"'],
    ),
    "commitment-text-on": (
        {N1: alice("2026-12-01", "commitments:\n  - id: 2026-12-01/alice/1\n    text: on\n")},
        f"{N1}:6:",
        ["commitments[0].text:", "on was read as true", 'quote it: "on"'],
    ),
    "leading-zero-octal": (
        {N1: alice("2026-12-01", "walk_away: 0755\n")},
        f"{N1}:4:",
        ["0755 was read as the octal number 493", 'quote it: "0755"'],
    ),
    "plain-number-as-text": (
        {N1: alice("2026-12-01", "walk_away: 42\n")},
        f"{N1}:4:",
        ["42 was read as the number 42", 'quote it: "42"'],
    ),
    "profile-name-1-30": (
        {PROFILE: profile_with("name: Alice Example", "name: 1:30")},
        f"{PROFILE}:2:",
        ["1:30 was read as the number 90", 'quote it: "1:30"'],
    ),
    "report-status-no": (
        {
            N1: FIRST,
            N2: alice("2026-12-15", "report:\n  - id: 2026-12-01/alice/1\n    status: no\n"),
        },
        f"{N2}:6:",
        ["report[0].status:", "no was read as false", "done, partial, missed, dropped"],
    ),
    # wrong types
    "questions-a-string": (
        {N1: alice("2026-12-01", "questions: How do I price?\n")},
        f"{N1}:4:",
        ["questions: expected a list", "How do I price?"],
    ),
    "results-not-a-mapping": (
        {N1: alice("2026-12-01", "results: 24500\n")},
        f"{N1}:4:",
        ["results: expected a mapping", "24500"],
    ),
    "results-value-text": (
        {N1: alice("2026-12-01", "results: {arr: lots}\n")},
        f"{N1}:4:",
        ["results.arr: expected a number", "'lots'"],
    ),
    "hot-seat-maybe": (
        {N1: alice("2026-12-01", 'hot_seat: "maybe"\n')},
        f"{N1}:4:",
        ["hot_seat: expected a boolean", "'maybe'"],
    ),
    "commitments-a-mapping": (
        {N1: alice("2026-12-01", "commitments:\n  id: 2026-12-01/alice/1\n  text: Call\n")},
        f"{N1}:5:",
        ["commitments: expected a list", "a mapping"],
    ),
    "commitment-missing-text": (
        {N1: alice("2026-12-01", "commitments:\n  - id: 2026-12-01/alice/1\n")},
        f"{N1}:5:",
        ["commitments[0]: missing required key 'text'"],
    ),
    "goal-baseline-text": (
        {PROFILE: profile_with("baseline: 20000", "baseline: twenty thousand")},
        f"{PROFILE}:9:",
        ["goals[0].baseline: expected a number", "'twenty thousand'"],
    ),
    "config-members-not-a-list": (
        {CONFIG: GROUP_YAML.split("members:")[0] + "members: alice\n"},
        f"{CONFIG}:9:",
        ["members: expected a list"],
    ),
    # impossible dates
    "due-february-30": (
        {
            N1: alice(
                "2026-12-01",
                "commitments:\n  - id: 2026-12-01/alice/1\n"
                "    text: Call three customers\n    due: 2026-02-30\n",
            )
        },
        f"{N1}:7:",
        ["commitments[0].due", "'2026-02-30' is not a valid date", "YYYY-MM-DD"],
    ),
    "meeting-month-13": (
        {N1: note("member: alice\nmeeting: 2026-13-01\n")},
        f"{N1}:3:",
        ["meeting:", "'2026-13-01' is not a valid date"],
    ),
    "config-first-meeting-feb-29": (
        {CONFIG: config_with("first_meeting: 2026-12-01", "first_meeting: 2026-02-29")},
        f"{CONFIG}:4:",
        ["first_meeting:", "'2026-02-29' is not a valid date"],
    ),
    "meeting-with-time": (
        {N1: note("member: alice\nmeeting: 2026-12-01 18:00\n")},
        f"{N1}:3:",
        ["'2026-12-01 18:00' is not a valid date"],
    ),
    # ids that would become paths
    "config-member-id-traversal": (
        {CONFIG: config_with("  - id: bob", '  - id: "../../etc/passwd"')},
        f"{CONFIG}:14:",
        ["members[1].id", "'../../etc/passwd' is not a valid id"],
    ),
    "note-member-traversal": (
        {N1: note("member: ../x\nmeeting: 2026-12-01\n")},
        f"{N1}:2:",
        ["member:", "'../x' is not a valid id"],
    ),
    "report-id-traversal": (
        {N2: alice("2026-12-15", "report:\n  - id: 2026-12-01/../../x/1\n    status: done\n")},
        f"{N2}:5:",
        ["report[0].id", "'2026-12-01/../../x/1' does not have the form", "<meeting>/<member>/<n>"],
    ),
    "carried-from-traversal": (
        {
            N2: alice(
                "2026-12-15",
                "commitments:\n  - id: 2026-12-15/alice/1\n"
                "    text: Call\n    carried_from: ../../etc\n",
            )
        },
        f"{N2}:7:",
        ["carried_from", "'../../etc' does not have the form"],
    ),
    "goal-id-traversal": (
        {PROFILE: profile_with("  - id: arr", "  - id: ../arr")},
        f"{PROFILE}:5:",
        ["goals[0].id", "'../arr' is not a valid id"],
    ),
    # file names
    "note-file-name-not-a-slug": (
        {"meetings/2026-12-01/Alice.md": alice("2026-12-01")},
        "meetings/2026-12-01/Alice.md:1:",
        ["'Alice' is not a valid member id"],
    ),
    "note-folder-not-a-date": (
        {"meetings/not-a-date/alice.md": alice("2026-12-01")},
        "meetings/not-a-date/alice.md:1:",
        ["'not-a-date' is not a meeting date", "meetings/<YYYY-MM-DD>/<member>.md"],
    ),
    "note-folder-impossible-date": (
        {"meetings/2026-02-30/alice.md": alice("2026-02-30")},
        "meetings/2026-02-30/alice.md:1:",
        ["not a meeting date"],
    ),
    "note-member-mismatch": (
        {N1: note("member: bob\nmeeting: 2026-12-01\n")},
        f"{N1}:2:",
        ["member 'bob' does not match the file name 'alice.md'"],
    ),
    "note-meeting-mismatch": (
        {N1: alice("2026-12-15")},
        f"{N1}:3:",
        ["meeting 2026-12-15 does not match the folder 2026-12-01"],
    ),
    "profile-file-name-not-a-slug": (
        {"members/Alice.md": PROFILE_ALICE},
        "members/Alice.md:1:",
        ["'Alice' is not a valid member id"],
    ),
    "profile-of-unknown-member": (
        {"members/carol.md": "---\nname: Carol\n---\n"},
        "members/carol.md:1:",
        ["'carol' is not a member", "mastermind member add"],
    ),
    # cross-file rules
    "unknown-member": (
        {"meetings/2026-12-01/carol.md": note("member: carol\nmeeting: 2026-12-01\n")},
        "meetings/2026-12-01/carol.md:2:",
        ["'carol' is not a member in mastermind.yaml"],
    ),
    "before-joining": (
        {
            CONFIG: config_with(
                "    joined: 2026-12-01\nagreement", "    joined: 2026-12-15\nagreement"
            ),
            "meetings/2026-12-01/bob.md": note("member: bob\nmeeting: 2026-12-01\n"),
        },
        "meetings/2026-12-01/bob.md:3:",
        ["'bob' was not in the group on 2026-12-01", "joined 2026-12-15"],
    ),
    "after-leaving": (
        {
            CONFIG: config_with(
                "    joined: 2026-12-01\nagreement",
                "    joined: 2026-12-01\n    left: 2026-12-01\nagreement",
            ),
            "meetings/2026-12-15/bob.md": note("member: bob\nmeeting: 2026-12-15\n"),
        },
        "meetings/2026-12-15/bob.md:3:",
        ["'bob' was not in the group on 2026-12-15", "left 2026-12-01"],
    ),
    "off-schedule": (
        {"meetings/2026-12-08/alice.md": alice("2026-12-08")},
        "meetings/2026-12-08/alice.md:3:",
        ["2026-12-08 is not a meeting date", "biweekly", "extra"],
    ),
    "commitment-id-of-other-note": (
        {N1: alice("2026-12-01", "commitments:\n  - id: 2026-12-01/bob/1\n    text: Call\n")},
        f"{N1}:5:",
        ["'2026-12-01/bob/1' does not match this note", "expected 2026-12-01/alice/<n>"],
    ),
    "duplicate-commitment-id": (
        {
            N1: alice(
                "2026-12-01",
                "commitments:\n  - id: 2026-12-01/alice/1\n    text: A\n"
                "  - id: 2026-12-01/alice/1\n    text: B\n",
            )
        },
        f"{N1}:7:",
        ["'2026-12-01/alice/1' is used twice"],
    ),
    "report-on-other-member": (
        {
            "meetings/2026-12-01/bob.md": BOB_FIRST,
            N2: alice("2026-12-15", "report:\n  - id: 2026-12-01/bob/1\n    status: done\n"),
        },
        f"{N2}:5:",
        ["reports on '2026-12-01/bob/1', a commitment of bob", "only on their own"],
    ),
    "report-on-same-meeting": (
        {
            N1: alice(
                "2026-12-01",
                "report:\n  - id: 2026-12-01/alice/1\n    status: done\n"
                "commitments:\n  - id: 2026-12-01/alice/1\n    text: Call\n",
            )
        },
        f"{N1}:5:",
        ["'2026-12-01/alice/1' is not from an earlier meeting than 2026-12-01"],
    ),
    "report-on-later-meeting": (
        {N1: alice("2026-12-01", "report:\n  - id: 2026-12-15/alice/1\n    status: done\n")},
        f"{N1}:5:",
        ["not from an earlier meeting"],
    ),
    "report-dangling-commitment": (
        {
            N1: FIRST,
            N2: alice("2026-12-15", "report:\n  - id: 2026-12-01/alice/2\n    status: done\n"),
        },
        f"{N2}:5:",
        ["'2026-12-01/alice/2' names no commitment in meetings/2026-12-01/alice.md"],
    ),
    "report-dangling-note": (
        {N2: alice("2026-12-15", "report:\n  - id: 2026-12-01/alice/1\n    status: done\n")},
        f"{N2}:5:",
        ["'2026-12-01/alice/1' names no commitment", "no note meetings/2026-12-01/alice.md"],
    ),
    "reported-twice": (
        {
            N1: FIRST,
            N2: alice(
                "2026-12-15",
                "report:\n  - id: 2026-12-01/alice/1\n"
                "    status: done\n  - id: 2026-12-01/alice/1\n"
                "    status: missed\n",
            ),
        },
        f"{N2}:7:",
        ["reported twice", "first on line 5"],
    ),
    "carried-from-dangling": (
        {
            N1: FIRST,
            N2: alice(
                "2026-12-15",
                "commitments:\n  - id: 2026-12-15/alice/1\n"
                "    text: Call\n    carried_from: 2026-12-01/alice/7\n",
            ),
        },
        f"{N2}:7:",
        ["'2026-12-01/alice/7' names no commitment"],
    ),
    "commitment-goal-unknown": (
        {
            N1: alice(
                "2026-12-01",
                "commitments:\n  - id: 2026-12-01/alice/1\n    text: Call\n    goal: profit\n",
            )
        },
        f"{N1}:7:",
        ["'profit' is not a goal of alice"],
    ),
    "results-goal-unknown": (
        {N1: alice("2026-12-01", "results:\n  arr: 21000\n  profit: 3\n")},
        f"{N1}:6:",
        ["'profit' is not a goal of alice", "goals: arr"],
    ),
    "due-before-meeting": (
        {
            N1: alice(
                "2026-12-01",
                "commitments:\n  - id: 2026-12-01/alice/1\n    text: Call\n    due: 2026-11-30\n",
            )
        },
        f"{N1}:7:",
        ["due 2026-11-30 is not after the meeting 2026-12-01"],
    ),
    # Due on the meeting's own day it would be unreported at once, and no note could
    # report on it: a due date must come after the meeting.
    "due-on-the-meeting-day": (
        {
            N1: alice(
                "2026-12-01",
                "commitments:\n  - id: 2026-12-01/alice/1\n    text: Call\n    due: 2026-12-01\n",
            )
        },
        f"{N1}:7:",
        ["due 2026-12-01 is not after the meeting 2026-12-01", "due-not-after-meeting"],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input(case: str, group: Path, run_main: Run) -> None:
    files, where, words = CASES[case]
    build_tree(group, files)
    code, out, err = check(run_main, group)
    assert code == 1, out + err
    line = finding(out, where)
    for word in words:
        assert word in line, f"{word!r} not in {line!r}"
    assert re.search(r"\d+ error\(s\)", out)
    # the same finding in JSON, with the same line
    code, out, _ = check(run_main, group, "--format", "json")
    assert code == 1
    path, line_number = where.split(":")[:2]
    assert any(
        f["path"] == path and str(f["line"]) == (line_number or str(f["line"]))
        for f in json.loads(out)
    )


def test_tagged_value_constructs_nothing(group: Path, run_main: Run) -> None:
    build_tree(group, {N1: CASES["python-object-tag"][0][N1]})
    check(run_main, group)
    assert not (group / "pwned").exists()


def test_only_the_given_file_is_checked(group: Path, run_main: Run) -> None:
    """A bad note elsewhere does not fail a check of one good note (pre-commit)."""
    build_tree(group, {N1: alice("2026-12-01"), N2: "oops"})
    assert check(run_main, group, N1)[0] == 0
    code, out, _ = check(run_main, group, N2)
    assert code == 1 and out.startswith(f"{N2}:1:")


# -- accepted as they are -----------------------------------------------------------------


@pytest.mark.parametrize(
    "files",
    [
        pytest.param({N1: b"\xef\xbb\xbf" + alice("2026-12-01").encode()}, id="bom-note"),
        pytest.param({N1: alice("2026-12-01").replace("\n", "\r\n").encode()}, id="crlf-note"),
        pytest.param(
            {CONFIG: b"\xef\xbb\xbf" + GROUP_YAML.replace("\n", "\r\n").encode()},
            id="bom-crlf-config",
        ),
        pytest.param(
            {
                N1: alice(
                    "2026-12-01", "commitments:\n  - id: 2026-12-01/alice/1\n    text: 2026-12-01\n"
                )
            },
            id="date-looking-text-is-kept-as-written",
        ),
        pytest.param(
            {N1: alice("2026-12-01", "hot_seat: yes\nwalk_away: 'no'\nquestions: ['18:00']\n")},
            id="yes-where-a-boolean-is-wanted",
        ),
        pytest.param(
            {
                N1: alice(
                    "2026-12-01",
                    "# a comment\nwalk_away: >\n  A decision,\n  folded\n"
                    'questions: ["Où?", "Warum? 🤔"]\n',
                )
            },
            id="comments-block-scalars-unicode",
        ),
        pytest.param(
            {N1: alice("2026-12-01", "walk_away: &w A decision\nquestions: [*w]\n")},
            id="a-plain-alias",
        ),
        pytest.param(
            {
                N1: alice("2026-12-01"),
                "notes/README.md": "no front matter here\n",
                "meetings/2026-12-01/agenda.md": "# Agenda\n",
            },
            id="other-files-are-not-notes",
        ),
    ],
)
def test_accepted(files: dict[str, str | bytes], group: Path, run_main: Run) -> None:
    build_tree(group, files)
    code, out, err = check(run_main, group)
    assert (code, out, err) == (0, "", "")


def test_crlf_and_bom_keep_line_numbers(group: Path, run_main: Run) -> None:
    text = alice(
        "2026-12-01",
        "commitments:\n  - id: 2026-12-01/alice/1\n"
        "    text: Call three customers\n    due: 2026-02-30\n",
    )
    build_tree(group, {N1: b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode()})
    code, out, _ = check(run_main, group)
    assert code == 1
    assert "not a valid date" in finding(out, f"{N1}:7:")


def test_date_looking_text_is_kept_as_text(group: Path, run_main: Run) -> None:
    from mastermind_kit.repo import GroupRepo

    build_tree(
        group,
        {
            N1: alice(
                "2026-12-01", "commitments:\n  - id: 2026-12-01/alice/1\n    text: 2026-12-01\n"
            )
        },
    )
    note, loaded = GroupRepo(group).note_at(group / N1)
    assert loaded.findings == [] and note is not None
    assert note.commitments[0].text == "2026-12-01"


# -- unknown keys -------------------------------------------------------------------------


def test_unknown_key_is_a_warning_with_a_hint(group: Path, run_main: Run) -> None:
    build_tree(group, {N1: alice("2026-12-01", "walkaway: A pricing decision\n")})
    code, out, _ = check(run_main, group)
    assert code == 0
    line = finding(out, f"{N1}:4:1: warning:")
    assert "unknown key 'walkaway' (did you mean 'walk_away'?)" in line
    assert "0 error(s), 1 warning(s)" in out
    assert check(run_main, group, "--strict")[0] == 1


def test_unknown_key_in_config_and_profile(group: Path, run_main: Run) -> None:
    build_tree(
        group,
        {
            CONFIG: config_with("cadence: biweekly", "cadense: biweekly"),
        },
    )
    code, out, _ = check(run_main, group)
    assert code == 1  # the misspelt key is unknown, and the required one is missing
    assert "did you mean 'cadence'" in finding(out, f"{CONFIG}:3:")
    build_tree(
        group, {CONFIG: GROUP_YAML, PROFILE: profile_with("    unit: EUR", "    units: EUR")}
    )
    code, out, _ = check(run_main, group)
    assert code == 0
    assert "did you mean 'unit'" in finding(out, f"{PROFILE}:8:")


# -- symlinks -----------------------------------------------------------------------------


def test_symlink_leaving_the_repo_is_not_read(group: Path, tmp_path: Path, run_main: Run) -> None:
    outside = tmp_path / "secret.md"
    outside.write_text("---\nsecret: [unclosed\n---\n")
    (group / "meetings/2026-12-01").mkdir(parents=True)
    (group / N1).symlink_to(outside)
    for args in ((), (N1,)):
        code, out, _ = check(run_main, group, *args)
        assert code == 1
        assert "symlink points outside the group repo" in finding(out, f"{N1}:1:")
        assert "secret" not in out and "invalid YAML" not in out


def test_symlinked_folder_leaving_the_repo_is_not_read(
    group: Path, tmp_path: Path, run_main: Run
) -> None:
    outside = build_tree(tmp_path / "elsewhere", {"alice.md": "---\nsecret: [unclosed\n---\n"})
    (group / "meetings").mkdir()
    (group / "meetings/2026-12-01").symlink_to(outside, target_is_directory=True)
    code, out, _ = check(run_main, group)
    assert code == 1
    assert "outside the group repo" in finding(out, f"{N1}:1:")
    assert "invalid YAML" not in out


def test_symlinked_profile_leaving_the_repo(group: Path, tmp_path: Path, run_main: Run) -> None:
    outside = tmp_path / "alice.md"
    outside.write_text(PROFILE_ALICE)
    (group / PROFILE).unlink()
    (group / PROFILE).symlink_to(outside)
    code, out, _ = check(run_main, group)
    assert code == 1
    assert "outside the group repo" in finding(out, f"{PROFILE}:1:")


def test_symlink_inside_the_repo_is_not_read_either(group: Path, run_main: Run) -> None:
    """A link inside the repo can reach a file git does not track (a member's private
    draft, .git/config): a group file is never read through any symlink."""
    build_tree(group, {"drafts/alice-2026-12-01.md": alice("2026-12-01")})
    (group / "meetings/2026-12-01").mkdir(parents=True)
    (group / N1).symlink_to(Path("../../drafts/alice-2026-12-01.md"))
    for args in ((), (N1,)):
        code, out, _ = check(run_main, group, *args)
        assert code == 1
        line = finding(out, f"{N1}:1:")
        assert "symlink points to drafts/alice-2026-12-01.md inside the repo" in line
        assert "never read through a symlink" in line


def test_note_that_is_a_folder(group: Path, run_main: Run) -> None:
    (group / N1).mkdir(parents=True)
    code, out, _ = check(run_main, group)
    assert code == 1
    assert "not a file" in finding(out, f"{N1}:1:")


# -- where to look: usage errors exit 2 ---------------------------------------------------


def test_check_a_path_that_does_not_exist(group: Path, run_main: Run) -> None:
    code, out, err = check(run_main, group, "meetings/2026-12-01/nobody.md")
    assert code == 2 and out == ""
    assert "no such file or folder: meetings/2026-12-01/nobody.md" in err


def test_check_outside_any_group(tmp_path: Path, run_main: Run) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    code, out, err = run_main("check", cwd=empty)
    assert code == 2 and out == ""
    assert "not inside a group repo" in err and "-C PATH" in err and "mastermind init" in err
    assert "Traceback" not in err


def test_repo_option_without_config(tmp_path: Path, run_main: Run) -> None:
    code, out, err = run_main("-C", str(tmp_path), "check")
    assert code == 2 and out == ""
    assert f"{tmp_path} is not a group repo: it has no mastermind.yaml" in err


def test_repo_option_that_does_not_exist(tmp_path: Path, run_main: Run) -> None:
    code, _, err = run_main("-C", str(tmp_path / "nope"), "check")
    assert code == 2
    assert "nope" in err and "Traceback" not in err


def test_check_a_file_outside_the_group(group: Path, tmp_path: Path, run_main: Run) -> None:
    stray = build_tree(tmp_path / "stray", {"alice.md": alice("2026-12-01")}) / "alice.md"
    code, out, err = run_main("-C", str(group), "check", str(stray))
    assert code == 2 and out == ""
    assert "is not inside the group repo" in err and str(group.resolve()) in err


def test_other_commands_stop_on_a_broken_config(group: Path, run_main: Run) -> None:
    """Commands other than check need a valid repo: one line naming file:line, exit 2."""
    build_tree(group, {CONFIG: config_with('time: "18:00"', "time: 18:00")})
    code, out, err = run_main("member", "list", cwd=group)
    assert code == 2
    assert err.startswith("mastermind: error: mastermind.yaml:5:")
    assert "1080" in err and "Traceback" not in out + err
    assert len(err.strip().splitlines()) == 1


def test_many_findings_each_on_its_line(group: Path, run_main: Run) -> None:
    build_tree(
        group,
        {
            N1: alice("2026-12-01", "walk_away: no\nhot_seat: maybe\nquestions: [yes, 'ok']\n"),
        },
    )
    code, out, _ = check(run_main, group)
    assert code == 1
    assert "read as false" in finding(out, f"{N1}:4:")
    assert "expected a boolean" in finding(out, f"{N1}:5:")
    assert "yes was read as true" in finding(out, f"{N1}:6:")
    assert "3 error(s), 0 warning(s)" in out


def test_github_format_names_file_and_line(group: Path, run_main: Run) -> None:
    build_tree(group, {N1: alice("2026-12-01", "walk_away: no\n")})
    code, out, _ = check(run_main, group, "--format", "github")
    assert code == 1
    assert out.startswith(f"::error file={N1},line=4,col=12,")


@pytest.mark.skipif(os.name != "posix", reason="file modes")
def test_unreadable_file(group: Path, run_main: Run) -> None:
    build_tree(group, {N1: alice("2026-12-01")})
    (group / N1).chmod(0)
    try:
        if os.access(group / N1, os.R_OK):
            pytest.skip("running as root")
        code, out, _ = check(run_main, group)
        assert code == 1
        assert "cannot read" in finding(out, f"{N1}:1:")
    finally:
        (group / N1).chmod(0o644)
