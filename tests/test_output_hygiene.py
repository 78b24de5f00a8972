"""What a member writes reaches every other member's screen, page and spreadsheet safely.

A hostile member puts terminal escape sequences (retitle the window, clear the screen,
a hyperlink that says one thing and opens another), bidi overrides and C1 controls in
their name and texts; "|" and newlines in a name to forge Markdown table rows and
headings; a formula in a name for the CSV summary. Every command that shows those
texts is run on such a group: on the terminal they are escaped, one line stays one
line, Markdown and CSV get no structure from them, and JSON keeps the raw values.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from mastermind_kit.render import csv_cell, json_safe, markdown_inline, visible

from conftest import build_tree, commit, git

pytestmark = pytest.mark.catalogue

TITLE = "\x1b]0;pwned\x07"  # retitles the terminal
CLEAR = "\x1b[2J"  # clears the screen
LINK = "\x1b]8;;https://evil.example/\x1b\\click me\x1b]8;;\x1b\\"  # OSC 8 hyperlink
BIDI = "\u202e"  # right-to-left override: "evil" reads "live"
C1 = "\x9b31m"  # the one-byte CSI of C1
BOB = f"Bob{TITLE}{CLEAR}{LINK}{BIDI}{C1}"
CAROL = "Carol | forged | row |\n## Forged heading\n| a | b | c |"
DAVE = '=HYPERLINK("https://evil.example/","click")'
FORMULA = '=HYPERLINK("https://evil.example/","x")'

# What must never reach a terminal raw: C0 (but tab and newline), DEL, C1, bidi.
RAW = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
TODAY = "2026-12-10"  # after the meeting of 2026-12-01, before the one of 2026-12-15


def _q(text: str) -> str:
    """A YAML double-quoted scalar for ``text`` (JSON's escapes are YAML's)."""
    return json.dumps(text)


CONFIG = f"""\
schema: 1
name: {_q("Circle" + TITLE)}
cadence: biweekly
first_meeting: 2026-12-01
time: "18:00"
timezone: Europe/Berlin
members:
  - id: alice
    name: Alice Example
    emails: [runner@example.org]
    joined: 2026-12-01
  - id: bob
    name: {_q(BOB)}
    emails: [bob@example.org]
    joined: 2026-12-01
  - id: carol
    name: {_q(CAROL)}
    emails: [carol@example.org]
    joined: 2026-12-01
  - id: dave
    name: {_q(DAVE)}
    emails: [dave@example.org]
    joined: 2026-12-01
"""


def _profile(name: str, goal: str = "") -> str:
    goals = f"goals:\n  - id: arr\n    title: {_q(goal)}\n    baseline: 1\n    target: 10\n"
    return f"---\nname: {_q(name)}\n{goals if goal else ''}---\n"


def _note(member: str, day: str, *, walk_away: str, question: str, commitment: str = "") -> str:
    made = (
        f"commitments:\n  - id: {day}/{member}/1\n    text: {_q(commitment)}\n"
        if commitment
        else ""
    )
    return (
        f"---\nmember: {member}\nmeeting: {day}\n"
        f"walk_away: {_q(walk_away)}\nquestions: [{_q(question)}]\n{made}---\n"
    )


FILES = {
    "mastermind.yaml": CONFIG,
    "members/alice.md": _profile("Alice Example"),
    "members/bob.md": _profile(BOB, goal=f"Revenue{CLEAR}"),
    "members/carol.md": _profile(CAROL),
    "members/dave.md": _profile(DAVE),
    "meetings/2026-12-01/bob.md": _note(
        "bob",
        "2026-12-01",
        walk_away=f"clarity{TITLE}",
        question=f"how{CLEAR}?",
        commitment=f"{FORMULA} {LINK}",
    ),
    "meetings/2026-12-01/carol.md": _note(
        "carol",
        "2026-12-01",
        walk_away="a | b\n## Forged walk-away",
        question="q |\n| x | y |",
        commitment=FORMULA,
    ),
    "meetings/2026-12-15/bob.md": _note(
        "bob", "2026-12-15", walk_away=f"more{BIDI}", question=f"why{TITLE}?"
    ),
    "meetings/2026-12-15/carol.md": _note(
        "carol", "2026-12-15", walk_away="x\n# Forged", question="| forged | row |"
    ),
}


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    root = build_tree(tmp_path / "group", FILES)
    git(root, "init", "-q", "-b", "main")
    commit(root, "start", when="2026-11-20T10:00:00+01:00")
    return root


def _safe(text: str) -> None:
    found = RAW.search(text)
    assert found is None, f"raw {found.group()!r} in {text!r}"


def _run(run_main, root: Path, *args: str) -> tuple[int, str, str]:
    """Run in the group's folder (findings name files from there), check the output."""
    code, out, err = run_main(*args, cwd=root)
    assert "Traceback" not in err
    _safe(out)
    _safe(err)
    return code, out, err


# -- the terminal: escaped, one line per line -------------------------------------------


def test_status_escapes_the_name_and_the_commitment_text(hostile: Path, run_main) -> None:
    code, out, _ = _run(run_main, hostile, "status", "--member", "bob", "--today", TODAY)
    assert code == 0
    assert out.splitlines()[0] == f"{visible(BOB, line=True)} (bob)"
    assert "\\x1b]0;pwned\\x07" in out and "\\u202e" in out and "\\x9b" in out
    assert "\\x1b]8;;https://evil.example/" in out  # the hyperlink is text, not a link


def test_status_json_keeps_the_raw_text(hostile: Path, run_main) -> None:
    code, out, _ = _run(
        run_main, hostile, "status", "--member", "bob", "--today", TODAY, "--format", "json"
    )
    assert code == 0
    [entry] = json.loads(out)["commitments"]
    assert entry["text"] == f"{FORMULA} {LINK}"


def test_member_list_escapes_names_one_line_each(hostile: Path, run_main) -> None:
    code, out, _ = _run(run_main, hostile, "member", "list")
    assert code == 0
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == ["alice", "bob", "carol", "dave"]
    assert "Carol | forged | row |\\x0a## Forged heading" in lines[2]
    code, out, _ = _run(run_main, hostile, "member", "list", "--format", "json")
    assert [m["name"] for m in json.loads(out)] == ["Alice Example", BOB, CAROL, DAVE]


def test_schedule_shows_nothing_raw(hostile: Path, run_main) -> None:
    for fmt in ("text", "json"):
        code, out, _ = _run(run_main, hostile, "schedule", "--today", TODAY, "--format", fmt)
        assert code == 0 and "bob" in out


def test_summary_text_escapes_every_text(hostile: Path, run_main) -> None:
    code, out, _ = _run(run_main, hostile, "summary", "--today", TODAY)
    assert code == 0
    assert out.startswith("Circle\\x1b]0;pwned\\x07: accountability")
    assert "Revenue\\x1b[2J" in out  # a goal title


def test_summary_json_keeps_the_raw_values(hostile: Path, run_main) -> None:
    code, out, _ = _run(run_main, hostile, "summary", "--today", TODAY, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["members"]["bob"]["name"] == BOB
    assert data["members"]["bob"]["commitments"][0]["text"] == f"{FORMULA} {LINK}"
    assert "\\u202e" in out and "\\u009b" in out  # written as JSON escapes


def _headings(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if line.startswith("#")]


def _cells(row: str) -> int:
    """The cells of a Markdown table row: its unescaped pipes, less one."""
    return len(re.findall(r"(?<!\\)\|", row)) - 1


def test_summary_markdown_forges_no_row_and_no_heading(hostile: Path, run_main) -> None:
    code, out, _ = _run(run_main, hostile, "summary", "--today", TODAY, "--format", "markdown")
    assert code == 0
    headings = _headings(out)
    assert headings[0].startswith("# Accountability: Circle") and headings[-1] == "## Definitions"
    assert [h.rsplit(" ", 1)[-1] for h in headings[1:-1]] == [
        "(alice)",
        "(bob)",
        "(carol)",
        "(dave)",
    ]
    assert "## Carol \\| forged \\| row \\| ## Forged heading \\| a \\| b \\| c \\| (carol)" in (
        headings
    )
    rows = [line for line in out.splitlines() if line.startswith("|")]
    assert {_cells(row) for row in rows} == {16}


def test_summary_csv_neutralises_formulas(hostile: Path, run_main) -> None:
    code, out, _ = _run(run_main, hostile, "summary", "--today", TODAY, "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    names = {row["member"]: row["name"] for row in rows}
    assert names["dave"] == "'" + DAVE
    assert names["bob"] == visible(BOB)
    for row in rows:
        for cell in row.values():
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell


def test_agenda_markdown_forges_no_row_and_no_heading(hostile: Path, run_main) -> None:
    code, out, _ = _run(run_main, hostile, "agenda", "--today", TODAY)
    assert code == 0
    assert [h.split(":")[0] for h in _headings(out)[:5]] == [
        "# Agenda",
        "## Who is prepared",
        "## Time boxes",
        "## Hot-seat order",
        "## Members",
    ]
    members = _headings(out)[5:]
    assert len(members) == 4 and all(h.startswith("### ") for h in members)
    assert all(h.endswith(("(alice)", "(bob)", "(carol)", "(dave)")) for h in members)
    table = [line for line in out.splitlines() if line.startswith("|")]
    assert table and {_cells(row) for row in table} == {3}
    assert "\\x1b\\]0;pwned\\x07" not in out  # the escape's backslash is Markdown-escaped
    assert "\\\\x1b\\]0;pwned\\\\x07" in out


def test_agenda_json_keeps_the_raw_values(hostile: Path, run_main) -> None:
    code, out, _ = _run(run_main, hostile, "agenda", "--today", TODAY, "--format", "json")
    assert code == 0
    members = {m["id"]: m for m in json.loads(out)["members"]}
    assert members["carol"]["name"] == CAROL
    assert members["bob"]["questions"] == [f"why{TITLE}?"]


def test_agenda_written_to_a_file_is_escaped_too(hostile: Path, run_main) -> None:
    code, _, _ = _run(run_main, hostile, "agenda", "--today", TODAY, "--write")
    assert code == 0
    text = (hostile / "meetings" / "2026-12-15" / "agenda.md").read_text(encoding="utf-8")
    _safe(text)
    assert len(_headings(text)) == 9 and not [h for h in _headings(text) if "\n" in h]
    assert {_cells(row) for row in text.splitlines() if row.startswith("|")} == {3}


def test_recap_text_and_markdown(hostile: Path, run_main) -> None:
    code, out, _ = _run(run_main, hostile, "recap", "--today", TODAY, "--format", "text")
    assert code == 0
    assert "clarity\\x1b]0;pwned\\x07" in out
    code, out, _ = _run(run_main, hostile, "recap", "--today", TODAY)
    assert code == 0
    assert [h.split(":")[0] for h in _headings(out)] == [
        "# Recap",
        "## Hot seats",
        "## Walk-aways",
        "## Commitments made",
        "## Report-backs",
        "## Results",
    ]
    code, out, _ = _run(run_main, hostile, "recap", "--today", TODAY, "--format", "json")
    assert json.loads(out)["walk_aways"][0]["walk_away"] == f"clarity{TITLE}"


def test_a_groups_own_templates_reach_the_terminal_escaped(hostile: Path, run_main) -> None:
    """A group's templates are files a member commits, like the notes."""
    build_tree(
        hostile,
        {
            "templates/agenda.md.j2": f"# {{{{ group }}}}{TITLE}\n",
            "templates/recap.md.j2": f"# {{{{ group }}}}{CLEAR}\n",
            "templates/note.md.j2": (
                f"---\nmember: {{{{ member }}}}\nmeeting: {{{{ meeting }}}}\n---\n{LINK}\n"
            ),
        },
    )
    code, out, _ = _run(run_main, hostile, "agenda", "--today", TODAY)
    assert code == 0 and out.endswith("\\x07\\x1b]0;pwned\\x07\n")  # the group's name, then ours
    code, out, _ = _run(run_main, hostile, "recap", "--today", TODAY)
    assert code == 0 and out.endswith("\\x1b[2J\n")
    code, out, _ = _run(
        run_main, hostile, "prep", "--member", "alice", "--stdout", "--today", TODAY
    )
    assert code == 0 and "\\x1b]8;;https://evil.example/" in out


def test_an_error_message_shows_the_path_escaped(tmp_path: Path, run_main) -> None:
    where = tmp_path / f"no{TITLE}group"
    where.mkdir()
    code, out, err = run_main("-C", str(where), "status")
    _safe(err)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "no\\x1b]0;pwned\\x07group" in err


def test_our_own_colours_still_work(hostile: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The user's text is escaped before the line is coloured: the only escape sequences
    left are ours (red for an error)."""
    from mastermind_kit.cli import cli

    monkeypatch.delenv("NO_COLOR")
    (hostile / "meetings" / "2026-12-01" / f"bob{CLEAR}.md").write_text("hi\n")
    result = CliRunner().invoke(cli, ["-C", str(hostile), "check"], color=True)
    [line] = [line for line in result.output.splitlines() if "[bad-id]" in line]
    assert line.startswith("\x1b[31m") and line.endswith("\x1b[0m")  # red, as before
    _safe(re.sub(r"\x1b\[[0-9;]*m", "", result.output))
    assert "bob\\x1b[2J.md" in line


# -- check: a finding stays on one line, in every format ---------------------------------


def test_check_warns_about_control_characters_with_file_and_line(hostile: Path, run_main) -> None:
    code, out, _ = _run(run_main, hostile, "check")
    assert code == 0  # warnings
    found = [line for line in out.splitlines() if "[control-character]" in line]
    assert (
        "mastermind.yaml:2:7: warning: name: a control character (\\x1b) in the text; "
        "commands show it escaped: remove it [control-character]"
    ) in found
    assert any(line.startswith("mastermind.yaml:13:11: warning: members[1].name") for line in found)
    assert any("members[2].name: a line break (\\x0a)" in line for line in found)
    assert any(line.startswith("members/bob.md:2:7: warning: name:") for line in found)
    assert any("goals[0].title: a control character (\\x1b)" in line for line in found)
    assert any(
        line.startswith("meetings/2026-12-01/bob.md:4:12: warning: walk_away") for line in found
    )
    assert not any(line.startswith("meetings/2026-12-01/carol.md") for line in found)
    code, _, _ = _run(run_main, hostile, "check", "--strict")
    assert code == 1


def test_control_characters_in_a_body_and_tabs_and_newlines_that_belong(
    hostile: Path, run_main
) -> None:
    note = hostile / "meetings" / "2026-12-15" / "alice.md"
    note.write_text(
        "---\nmember: alice\nmeeting: 2026-12-15\nwalk_away: |\n  two\n  lines\tand a tab\n"
        "---\nMy update.\nA bell\x07 here.\n",
        encoding="utf-8",
    )
    code, out, _ = _run(run_main, hostile, "check", str(note))
    assert code == 0
    assert out.splitlines()[0] == (
        "meetings/2026-12-15/alice.md:9:7: warning: body: a control character (\\x07) in the "
        "text; commands show it escaped: remove it [control-character]"
    )
    assert out.count("[control-character]") == 1


@pytest.fixture
def badly_named(hostile: Path) -> Path:
    """A file whose name holds a newline and an escape sequence, in a meeting folder."""
    (hostile / "meetings" / "2026-12-01" / f"x{CLEAR}\nfake.md").write_text("hi\n")
    return hostile


def test_a_newline_in_a_file_name_does_not_split_a_finding(badly_named: Path, run_main) -> None:
    code, out, _ = _run(run_main, badly_named, "check")
    assert code == 1
    [line] = [line for line in out.splitlines() if "fake.md" in line]
    assert line.startswith("meetings/2026-12-01/x\\x1b[2J\\x0afake.md:1:1: error: ")
    for line in out.splitlines()[:-1]:
        assert re.match(r"\S.*:\d+:\d+: (error|warning): .* \[[a-z-]+\]$", line), line


def test_github_annotations_stay_one_line_each(badly_named: Path, run_main) -> None:
    code, out, _ = _run(run_main, badly_named, "check", "--format", "github")
    assert code == 1
    lines = out.splitlines()
    assert lines and all(line.startswith(("::error ", "::warning ")) for line in lines)
    assert any("file=meetings/2026-12-01/x\\x1b[2J\\x0afake.md," in line for line in lines)


def test_gitlab_and_json_keep_the_raw_file_name(badly_named: Path, run_main) -> None:
    raw = f"meetings/2026-12-01/x{CLEAR}\nfake.md"
    code, out, _ = _run(run_main, badly_named, "check", "--format", "gitlab")
    assert code == 1
    assert raw in [entry["location"]["path"] for entry in json.loads(out)]
    code, out, _ = _run(run_main, badly_named, "check", "--format", "json")
    assert raw in [entry["path"] for entry in json.loads(out)]


def test_a_skipped_file_is_named_escaped_on_one_line(badly_named: Path, run_main) -> None:
    code, _, err = _run(run_main, badly_named, "schedule", "--today", TODAY)
    assert code == 0
    [line] = [line for line in err.splitlines() if "fake.md" in line]
    assert "x\\x1b[2J\\x0afake.md" in line and "skipped" in line


def test_sync_names_files_escaped(hostile: Path, tmp_path: Path, run_main) -> None:
    remote = tmp_path / "remote.git"
    git(tmp_path, "clone", "-q", "--bare", str(hostile), str(remote))
    git(hostile, "remote", "add", "origin", str(remote))
    git(hostile, "fetch", "-q", "origin")
    git(hostile, "branch", "-q", "--set-upstream-to=origin/main")
    build_tree(hostile, {f"meetings/2026-12-15/{TITLE}.md": "x\n"})
    code, out, _ = _run(run_main, hostile, "sync", "--dry-run")
    assert code == 0
    assert "would leave alone (not yours to commit): meetings/2026-12-15/\\x1b]0;pwned\\x07.md" in (
        out.splitlines()
    )


# -- the escaping functions themselves ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "shown", "line"),
    [
        ("plain", "plain", "plain"),
        ("tab\tand\nnewline", "tab\tand\nnewline", "tab\tand\\x0anewline"),
        (TITLE, "\\x1b]0;pwned\\x07", "\\x1b]0;pwned\\x07"),
        ("cr\r\x7f\x85\x9b", "cr\\x0d\\x7f\\x85\\x9b", "cr\\x0d\\x7f\\x85\\x9b"),
        ("\u202eevil\u2066\u200f\u061c", "\\u202eevil\\u2066\\u200f\\u061c", None),
        ("a\u2028b", "a\\u2028b", "a\\u2028b"),
    ],
)
def test_visible(text: str, shown: str, line: str | None) -> None:
    assert visible(text) == shown
    assert visible(text, line=True) == (shown if line is None else line)
    assert visible(visible(text)) == visible(text)  # once is enough


def test_markdown_inline() -> None:
    assert markdown_inline("a | b\n## c") == "a \\| b ## c"
    assert markdown_inline("# heading") == "\\# heading"
    assert markdown_inline("> quote *em* _em_ `code` [l](u) <b> &amp;") == (
        "\\> quote \\*em\\* \\_em\\_ \\`code\\` \\[l\\](u) \\<b> \\&amp;"
    )
    assert markdown_inline(None) == ""


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "\\x0dx"),  # escaped, so no longer a formula
        ("Alice", "Alice"),
        (-1, -1),  # a number is a number
        (0.5, 0.5),
    ],
)
def test_csv_cell(value: object, cell: object) -> None:
    assert csv_cell(value) == cell


def test_json_safe_is_lossless() -> None:
    data = {"name": BOB, "list": [CAROL, "\x7f\u2028"]}
    text = json_safe(json.dumps(data, ensure_ascii=False))
    _safe(text)
    assert json.loads(text) == data
