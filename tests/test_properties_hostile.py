"""Properties of hostile input, with hypothesis: whatever a member commits, the tool
answers with an exit code and a message, never a traceback, and never lets a control
character or raw HTML through to the reader.

Part of the catalogue (``pytest -m catalogue``). The number of examples is bounded and
the examples are derived from the test itself (``derandomize``), so a CI run is quick
and tries the same inputs every time; a failure prints the example to turn into a row
of ``test_catalogue.py``.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mastermind_kit import load, schema
from mastermind_kit.errors import InputError

from conftest import build_tree
from small_group import FILES, TODAY

pytestmark = pytest.mark.catalogue

Run = Callable[..., tuple[int, str, str]]

N1 = "meetings/2026-12-01/alice.md"
SHOWN = Path(N1)

BOUNDED = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# -- strategies -----------------------------------------------------------------------------

# Plain scalars YAML 1.1 reads as something else, and text that trips parsers.
TRICKY = [
    "no", "yes", "on", "off", "Off", "y", "n", "~", "null", "true", "18:00", "1:30", "0755",
    "0x1f", "0b101", "1e400", ".inf", "-.nan", "42", "1_000", "2026-02-30", "2026-12-01",
    "2026-12-01 18:00", "9999-12-31", "0001-01-01", "'quoted'", '"double"', "''", '""',
    "!!python/object/apply:os.system [echo]", "!!binary aGk=", "!custom x", "&a x", "*a",
    "*nothing", "[", "]", "{", "}", "[a, b", "{a: 1", "- x", "? x", "|", ">", "|-\n  text",
    "<<: *a", "---", "...", "#", "%YAML 1.1", "@x", "`x`", "\t", "a: b: c",
    "<<<<<<< HEAD", "=======", ">>>>>>> x", "../../etc/passwd", "2026-12-01/alice/1",
    "2026-12-01/../x/1", "-x", "--exec=evil", "\\e[31m", '"\\e]0;title\\a"', '"\\x9b"',
    '"\\u202e"', "<script>alert(1)</script>", "=1+1", "|a|b|",
]  # fmt: skip
KEYS = [
    "member", "meeting", "results", "report", "questions", "walk_away", "hot_seat",
    "commitments", "id", "text", "due", "status", "goal", "carried_from", "note", "arr",
    "name", "schema", "<<", "? k", "- k", "x y", "",
]  # fmt: skip

scalar = st.one_of(
    st.sampled_from(TRICKY),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12),
)


@st.composite
def value(draw: st.DrawFn, indent: int = 0, depth: int = 0) -> str:
    """A YAML value written the way people write it: plain, flow or block."""
    kind = draw(st.integers(0, 5 if depth < 3 else 1))
    pad = " " * (indent + 2)
    if kind <= 1:
        return draw(scalar)
    if kind == 2:
        return "[" + ", ".join(draw(st.lists(scalar, max_size=4))) + "]"
    if kind == 3:
        pairs = draw(st.lists(st.tuples(st.sampled_from(KEYS), scalar), max_size=3))
        return "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"
    if kind == 4:
        items = draw(st.lists(value(indent + 2, depth + 1), min_size=1, max_size=3))
        return "".join(f"\n{pad}- {item}" for item in items)
    pairs = draw(
        st.lists(st.tuples(st.sampled_from(KEYS), value(indent + 2, depth + 1)), max_size=3)
    )
    return "".join(f"\n{pad}{k}: {v}" for k, v in pairs)


@st.composite
def front_matter(draw: st.DrawFn) -> str:
    """A note: often with the right member and meeting so the deeper rules run, then
    random keys and values, sometimes a noise line, sometimes no closing fence."""
    lines = []
    if draw(st.booleans()):
        lines += ["member: alice", "meeting: 2026-12-01"]
    for _ in range(draw(st.integers(0, 6))):
        if draw(st.integers(0, 9)) == 0:
            lines.append(draw(scalar))  # a stray line
        else:
            lines.append(f"{draw(st.sampled_from(KEYS))}: {draw(value())}")
    closing = draw(st.sampled_from(["---\n", "---\n", "---\nBody *text* <b>x</b>\n", ""]))
    return "---\n" + "\n".join(lines) + "\n" + closing


note_bytes = st.one_of(
    st.binary(max_size=300),
    st.builds(lambda head, tail: b"---\n" + head + b"\n---\n" + tail, st.binary(max_size=200),
              st.binary(max_size=50)),
    front_matter().map(lambda text: text.encode("utf-8", "surrogatepass")),
    st.builds(lambda text, junk: text.encode() + junk, front_matter(), st.binary(max_size=8)),
    front_matter().map(lambda text: b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode()),
)  # fmt: skip


def loads_or_refuses(path: Path) -> load.Document | None:
    """The loader's only answers: a document, or an InputError naming file and line."""
    try:
        return load.load_front_matter(path, display=SHOWN)
    except InputError as error:
        assert str(error).startswith(f"{SHOWN}:")
        assert "\n" not in str(error)
        return None


def checked(run_main: Run, group: Path, *args: str) -> tuple[int, str, str]:
    code, out, err = run_main("check", *args, cwd=group)
    assert "Traceback" not in out + err
    assert code in (0, 1, 2), (code, out, err)
    return code, out, err


# -- never a traceback -------------------------------------------------------------------------


@BOUNDED
@given(raw=note_bytes)
def test_any_bytes_through_the_loader_and_check(group: Path, run_main: Run, raw: bytes) -> None:
    build_tree(group, {N1: raw})
    loads_or_refuses(group / N1)
    code, out, _ = checked(run_main, group)
    if code == 1:
        assert re.search(r"^meetings/2026-12-01/alice\.md:\d+:\d+: ", out, re.M), out
    assert checked(run_main, group, N1)[0] == code


@BOUNDED
@given(text=front_matter())
def test_any_front_matter_through_the_loader_and_check(
    group: Path, run_main: Run, text: str
) -> None:
    build_tree(group, {N1: text.encode("utf-8", "surrogatepass")})
    loads_or_refuses(group / N1)
    checked(run_main, group, "--format", "json")
    checked(run_main, group, N1)


@BOUNDED
@given(text=front_matter())
def test_any_mastermind_yaml_is_an_answer(group: Path, run_main: Run, text: str) -> None:
    """The config is plain YAML: the same random mappings, without the fences."""
    build_tree(group, {"mastermind.yaml": text.removeprefix("---\n").split("\n---")[0] + "\n"})
    checked(run_main, group)
    code, out, err = run_main("-C", str(group), "summary", "--today", TODAY)
    assert "Traceback" not in out + err and code in (0, 2)


# -- check --fix is stable ---------------------------------------------------------------------

fixable_scalar = st.sampled_from(
    ["no", "yes", "on", "Off", "18:00", "1:30", "0755", "42", "1.5", "null", "Call", "'no'"]
)


@st.composite
def fixable_note(draw: st.DrawFn) -> bytes:
    """A note with what --fix mends: misread plain values where text belongs,
    commitments without ids (block or flow), CRLF and a byte order mark."""
    lines = ["member: alice", "meeting: 2026-12-01", f"walk_away: {draw(fixable_scalar)}"]
    questions = draw(st.lists(fixable_scalar, max_size=3))
    if questions:
        lines.append("questions: [" + ", ".join(questions) + "]")
    commitments = []
    for n in range(draw(st.integers(0, 3))):
        text = draw(fixable_scalar)
        numbered = draw(st.booleans())
        if draw(st.booleans()):
            commitments.append(
                "  - {"
                + (f"id: 2026-12-01/alice/{n + 5}, " if numbered else "")
                + f"text: {text}}}"
            )
        else:
            head = f"  - id: 2026-12-01/alice/{n + 5}\n    text: " if numbered else "  - text: "
            commitments.append(head + text)
    if commitments:
        lines.append("commitments:\n" + "\n".join(commitments))
    text = "---\n" + "\n".join(lines) + "\n---\nMy plan.\n"
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    return (b"\xef\xbb\xbf" if draw(st.booleans()) else b"") + text.encode()


@BOUNDED
@given(raw=fixable_note())
def test_fix_then_load_is_stable(group: Path, run_main: Run, raw: bytes) -> None:
    build_tree(group, {N1: raw})
    checked(run_main, group, "--fix")
    once = (group / N1).read_bytes()
    first = loads_or_refuses(group / N1)
    assert first is not None
    assert not first.had_bom and not first.had_crlf
    assert schema.misread_text(first, "note") == []  # every misread text was quoted
    commitments = first.data.get("commitments") or []
    assert all("id" in commitment for commitment in commitments)
    assert len({commitment["id"] for commitment in commitments}) == len(commitments)

    _, _, err = checked(run_main, group, "--fix")
    assert "fixed" not in err
    assert (group / N1).read_bytes() == once, "a second --fix must change nothing"
    again = loads_or_refuses(group / N1)
    assert again is not None and again.data == first.data


# -- rendering never lets control characters or raw HTML through ----------------------------

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # C0 but tab and newline, DEL, C1
# An HTML tag or comment that Markdown would pass through: a '<' not escaped by a backslash.
TAG = re.compile(r"(?<!\\)(?:\\\\)*(<(?:!--|/?[A-Za-z][A-Za-z0-9-]*))")

HOSTILE_TEXT = [
    "\x1b]0;pwned\x07", "\x1b[2J\x1b[H", "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\",
    "\x9b31m", "\x85", "\x00", "\x7f", "\r", "a\nb", "\t", "\u202eevil", "\u2028",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<!-- x -->", "a<b",
    "[x](javascript:alert(1))", "| forged | row |", "# heading", "=1+1", "@SUM(A1)", "+1", "-1",
    "`code`", "**bold**", "\\", '"', "'", "{{ 7*7 }}",
]  # fmt: skip
hostile_text = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.lists(
        st.one_of(
            st.sampled_from(HOSTILE_TEXT),
            st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=6),
        ),
        min_size=1,
        max_size=4,
    ).map("".join),
)


def dq(text: str) -> str:
    """``text`` as a YAML double-quoted scalar: what the YAML reader would refuse raw
    (control characters, line separators) is written as an escape."""
    out = []
    for ch in text:
        o = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif 0x20 <= o <= 0x7E or (0xA0 <= o <= 0xFFFD and ch not in "\u2028\u2029\ufeff"):
            out.append(ch)
        elif o > 0xFFFF:
            out.append(f"\\U{o:08x}")
        else:
            out.append(f"\\u{o:04x}")
    return '"' + "".join(out) + '"'


def replaced(path: str, old: str, new: str) -> str:
    assert old in FILES[path], (path, old)
    return FILES[path].replace(old, new, 1)


COMMANDS = [
    ("status", "--member", "alice"),
    ("status", "--member", "bob"),
    ("status", "--member", "alice", "--format", "json"),
    ("summary",),
    ("summary", "--format", "markdown"),
    ("summary", "--format", "csv"),
    ("summary", "--format", "json"),
    ("recap",),
    ("recap", "--format", "text"),
    ("recap", "--format", "json"),
    ("agenda", "--meeting", "2026-12-15"),
    ("agenda", "--meeting", "2026-12-15", "--format", "json"),
    ("member", "list"),
    ("check",),
]


MARKDOWN = {("summary", "--format", "markdown"), ("recap",), ("agenda", "--meeting", "2026-12-15")}


def rendered(run_main: Run, root: Path) -> dict[tuple[str, ...], tuple[int, str, str]]:
    outputs = {}
    for command in COMMANDS:
        today = ("--today", TODAY) if command[0] not in ("member", "check") else ()
        code, out, err = run_main("-C", str(root), *command, *today)
        assert "Traceback" not in out + err
        assert code in (0, 1, 2), (command, code, err)
        outputs[command] = (code, out, err)
    return outputs


def _group(root: Path, texts: list[str]) -> Path:
    name, walk_away, question, commitment, report, title, unit, group_name = texts
    return build_tree(
        root,
        {
            **FILES,
            "mastermind.yaml": replaced(
                "mastermind.yaml", "name: Bob Example,", f"name: {dq(name)},"
            ).replace("name: Harbour Circle", f"name: {dq(group_name)}", 1),
            "meetings/2026-12-15/bob.md": replaced(
                "meetings/2026-12-15/bob.md",
                "walk_away: A script for the announcement",
                f"walk_away: {dq(walk_away)}",
            ).replace("questions: [How do I tell the team?]", f"questions: [{dq(question)}]"),
            "meetings/2026-12-15/alice.md": replaced(
                "meetings/2026-12-15/alice.md",
                "text: Move two customers to annual billing",
                f"text: {dq(commitment)}",
            ).replace("note: Two of three said yes", f"note: {dq(report)}"),
            "members/alice.md": replaced(
                "members/alice.md",
                "title: Reach 50k monthly recurring revenue",
                f"title: {dq(title)}",
            ).replace("unit: EUR", f"unit: {dq(unit)}"),
        },
    )


_CLEAN: dict[tuple[str, ...], tuple[int, str, str]] = {}


def _tags(text: str) -> set[str]:
    return set(TAG.findall(text))


@settings(BOUNDED, max_examples=12, report_multiple_bugs=False)
@given(texts=st.lists(hostile_text, min_size=8, max_size=8))
def test_rendering_never_lets_control_characters_or_html_through(
    run_main: Run, texts: list[str]
) -> None:
    if not _CLEAN:  # the small group as it is: the tags its outputs have of their own
        with tempfile.TemporaryDirectory() as clean_dir:
            _CLEAN.update(rendered(run_main, build_tree(Path(clean_dir), FILES)))
    with tempfile.TemporaryDirectory() as dirty_dir:
        dirty = rendered(run_main, _group(Path(dirty_dir), texts))
    for command, (code, out, err) in dirty.items():
        for stream in (out, err):
            bad = CONTROL.search(stream)
            assert bad is None, f"{' '.join(command)}: raw {bad.group()!r} in {stream!r}"
        if code == 0 and "json" in command:
            json.loads(out)
        if command in MARKDOWN:
            extra = _tags(out) - _tags(_CLEAN[command][1])
            assert not extra, f"{' '.join(command)}: raw HTML {extra} from member text"
