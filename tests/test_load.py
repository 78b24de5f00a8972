"""Unit tests of the loader: where every key and value stands, and what it refuses.

Every test runs with the C parser (libyaml) and with the pure-Python one, since the
loader uses whichever is installed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from mastermind_kit import load
from mastermind_kit.errors import InputError
from mastermind_kit.load import Document, Pos, parse_front_matter, parse_yaml

SHOWN = Path("meetings/2026-12-01/alice.md")


@pytest.fixture(autouse=True, params=["libyaml", "python"])
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    if request.param == "libyaml":
        if not getattr(yaml, "__with_libyaml__", False):
            pytest.skip("PyYAML built without libyaml")
        monkeypatch.setattr(load, "_Loader", yaml.CSafeLoader)
    else:
        monkeypatch.setattr(load, "_Loader", yaml.SafeLoader)
    yield request.param


def front(text: str) -> Document:
    return parse_front_matter(text, SHOWN)


def at(doc: Document, pos: Pos) -> str:
    """The text a position spans."""
    return doc.text[pos.start : pos.end]


COMMENTED = """\
---
# who and when
member: alice   # that is me
meeting: 2026-12-01

questions:
  # the hard one first
  - How do I price?
  - Who do I hire?
commitments:
  - id: 2026-12-01/alice/1
    text: Call three customers
    due: 2026-12-15
---
Body line one.
"""


def test_positions_with_comments_and_blank_lines() -> None:
    doc = front(COMMENTED)
    assert doc.keys[("member",)] == Pos(
        3, 1, doc.keys[("member",)].start, doc.keys[("member",)].end
    )
    assert (doc.where[("member",)].line, doc.where[("member",)].col) == (3, 9)
    assert at(doc, doc.where[("member",)]) == "alice"
    assert (doc.keys[("questions",)].line, doc.keys[("questions",)].col) == (6, 1)
    assert (doc.where[("questions", 0)].line, doc.where[("questions", 0)].col) == (8, 5)
    assert at(doc, doc.where[("questions", 0)]) == "How do I price?"
    assert doc.line(("questions", 1)) == 9
    assert (doc.where[("commitments", 0)].line, doc.where[("commitments", 0)].col) == (11, 5)
    assert (
        doc.keys[("commitments", 0, "text")].line,
        doc.keys[("commitments", 0, "text")].col,
    ) == (12, 5)
    assert at(doc, doc.where[("commitments", 0, "due")]) == "2026-12-15"
    assert doc.body_line == 15
    assert doc.body == "Body line one.\n"
    assert doc.text.split("\n")[doc.body_line - 1] == "Body line one."


def test_pos_walks_up_to_the_nearest_known_parent() -> None:
    doc = front(COMMENTED)
    # no 'goal' key in the commitment: the finding goes to the commitment's line
    assert doc.line(("commitments", 0, "goal")) == 11
    assert doc.line(("results", "arr")) == 3  # nothing known: where the front matter starts
    assert doc.line(("commitments", 5)) == 10


def test_flow_mappings_and_sequences() -> None:
    doc = front(
        "---\n"
        "member: alice\n"
        "meeting: 2026-12-01\n"
        "results: {arr: 24500, churn: 3}\n"
        "commitments: [{id: 2026-12-01/alice/1, text: Call}, {text: Write}]\n"
        "---\n"
    )
    assert doc.data["results"] == {"arr": 24500, "churn": 3}
    assert (doc.keys[("results", "churn")].line, doc.keys[("results", "churn")].col) == (4, 23)
    assert at(doc, doc.where[("results", "churn")]) == "3"
    assert ("results",) in doc.flow and ("commitments",) in doc.flow
    assert ("commitments", 1) in doc.flow
    assert (
        doc.keys[("commitments", 1, "text")].line,
        doc.keys[("commitments", 1, "text")].col,
    ) == (5, 54)
    assert at(doc, doc.keys[("commitments", 1, "text")]) == "text"


def test_block_scalars_keep_the_lines_after_them_right() -> None:
    doc = front(
        "---\n"
        "member: alice\n"
        "meeting: 2026-12-01\n"
        "walk_away: |\n"
        "  line one\n"
        "\n"
        "  line two\n"
        "questions:\n"
        "  - >-\n"
        "    folded\n"
        "    text\n"
        "  - plain\n"
        "hot_seat: true\n"
        "---\n"
        "\n"
        "Body.\n"
    )
    assert doc.data["walk_away"] == "line one\n\nline two\n"
    assert doc.data["questions"] == ["folded text", "plain"]
    assert doc.line(("walk_away",)) == 4
    assert doc.line(("questions", 0)) == 9
    assert doc.where[("questions", 1)].line == 12
    assert doc.line(("hot_seat",)) == 13
    assert doc.data["hot_seat"] is True
    assert doc.body_line == 15


def test_plain_yaml_positions_have_no_offset() -> None:
    doc = parse_yaml(
        "# config\nschema: 1\nmembers:\n  - id: alice\n    name: A\n", Path("mastermind.yaml")
    )
    assert doc.line(("schema",)) == 2
    assert (doc.keys[("members", 0, "name")].line, doc.keys[("members", 0, "name")].col) == (5, 5)
    assert doc.body == ""


def test_empty_front_matter_and_body_line() -> None:
    doc = front("---\n---\nBody.\n")
    assert doc.data == {}
    assert doc.body_line == 3 and doc.body == "Body.\n"


@pytest.mark.catalogue
def test_bom_and_crlf_are_accepted_and_remembered(tmp_path: Path) -> None:
    path = tmp_path / "alice.md"
    path.write_bytes(b"\xef\xbb\xbf" + COMMENTED.replace("\n", "\r\n").encode())
    doc = load.load_front_matter(path)
    assert doc.had_bom and doc.had_crlf
    assert doc.line(("questions", 1)) == 9
    assert doc.data["member"] == "alice"
    assert "\r" not in doc.text and not doc.text.startswith("\ufeff")


@pytest.mark.catalogue
@pytest.mark.parametrize(
    ("raw", "value", "kind"),
    [
        ("18:00", 1080, "sexagesimal"),
        ("1:30", 90, "sexagesimal"),
        ("no", False, "bool"),
        ("On", True, "bool"),
        ("true", True, "bool-word"),
        ("0755", 493, "octal"),
        ("42", 42, "number"),
        ("1.5", 1.5, "number"),
        ("2026-02-30", "2026-02-30", "date"),
        ("2026-12-01", "2026-12-01", "date"),
        ("null", None, "null"),
    ],
)
def test_yaml_1_1_surprises_are_remembered(raw: str, value: object, kind: str) -> None:
    doc = front(f"---\nwalk_away: {raw}\n---\n")
    surprise = doc.surprises[("walk_away",)]
    assert (surprise.raw, surprise.value, surprise.kind) == (raw, value, kind)
    assert doc.data["walk_away"] == value
    assert at(doc, doc.where[("walk_away",)]) == raw


@pytest.mark.parametrize("raw", ['"18:00"', "'no'", "plain text", "~", "", "|\n  block\n"])
def test_quoted_and_plain_text_are_no_surprise(raw: str) -> None:
    doc = front(f"---\nwalk_away: {raw}\n---\n")
    assert ("walk_away",) not in doc.surprises


def test_aliases_are_expanded_with_positions_of_the_anchor() -> None:
    doc = front("---\nwalk_away: &w A decision\nquestions: [*w, Other]\n---\n")
    assert doc.data["questions"] == ["A decision", "Other"]


@pytest.mark.catalogue
@pytest.mark.parametrize(
    ("text", "line", "col", "words"),
    [
        ("---\na: [x, y\nb: 1\n---\n", 2, 4, "'[' opened here is never closed"),
        ("---\na: {x: 1\nb: 1\n---\n", 2, 4, "'{' opened here is never closed"),
        ("---\nb: 1\na: 'x\nb: 1\n---\n", 3, 4, "a quote opened here is never closed"),
        ("---\na:\n\t- x\n---\n", 3, 1, "a tab cannot indent YAML"),
        ("---\na: b: c\n---\n", 2, 5, "must be quoted"),
        ("---\na: 1\na: 2\n---\n", 3, 1, "duplicate key 'a' (first on line 2)"),
        ("---\na: *x\n---\n", 2, 4, "alias *x refers to no anchor &x"),
        ("---\na: &a [x, *a]\n---\n", 2, 4, "recursive alias"),
        ("---\na: &a {b: *a}\n---\n", 2, 4, "recursive alias"),
        pytest.param(
            "---\na: " + "[" * 5000 + "]" * 5000 + "\n---\n",
            2,
            67,
            "nested too deep",
            id="deep-flow",
        ),
        pytest.param(
            "---\na:\n  " + "- " * 5000 + "x\n---\n", 3, 129, "nested too deep", id="deep-block"
        ),
        pytest.param(
            "---\na: " + "[" * 100 + "]" * 100 + "\n---\n",
            2,
            68,
            "nested too deep",
            id="nested-100",
        ),
        ("---\n? [a]\n: 1\n---\n", 2, 3, "a key must be plain text"),
        ("---\nb: &b {x: 1}\nc:\n  <<: *b\n---\n", 4, 3, "merge keys (<<) are not supported"),
        ("---\na: !!binary aGk=\n---\n", 2, 4, "the tag !!binary is not allowed"),
        ("---\na: !!set {x}\n---\n", 2, 4, "the tag !!set is not allowed"),
        ("---\na: !custom x\n---\n", 2, 4, "the tag !custom is not allowed"),
        ("---\na: !!int '5'\n---\n", 2, 4, "the tag !!int is not allowed"),
        ("---\na: x\x01y\n---\n", 2, 5, "control character U+0001"),
        ("---\na: 0b12\n---\n", 2, 4, None),
    ],
)
def test_what_the_loader_refuses(text: str, line: int, col: int, words: str | None) -> None:
    if words is None:  # 0b12 is no number at all: plain text, fine
        assert front(text).data == {"a": "0b12"}
        return
    with pytest.raises(InputError) as caught:
        front(text)
    error = caught.value
    assert words in error.message
    assert (error.path, error.line, error.col) == (SHOWN, line, col)
    assert str(error).startswith(f"{SHOWN}:{line}:{col}: ")


@pytest.mark.catalogue
def test_alias_bomb_is_refused() -> None:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for level in range(1, 9):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 9) + "]")
    with pytest.raises(InputError, match="alias bomb"):
        front("---\n" + "\n".join(lines) + "\n---\n")


def test_many_plain_values_are_fine() -> None:
    """The nesting scan kicks in for big files; a big flat file is still read."""
    items = "".join(f"  - id: 2026-12-01/alice/{n}\n    text: Step {n}\n" for n in range(1, 400))
    doc = front("---\nmember: alice\ncommitments:\n" + items + "---\n")
    assert len(doc.data["commitments"]) == 399
    assert doc.line(("commitments", 398, "text")) == 2 + 2 * 399 + 1


@pytest.mark.catalogue
@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "file is empty"),
        (" \n\t\n", "file is empty"),
        ("member: alice\n", "no front matter"),
        ("---\nmember: alice\n", "never closed"),
        ("---\na: 1\n<<<<<<< HEAD\n---\n", "merge-conflict marker"),
    ],
)
def test_framing_errors(text: str, words: str) -> None:
    with pytest.raises(InputError, match=words):
        front(text)


@pytest.mark.catalogue
@pytest.mark.parametrize(
    ("raw", "line", "col", "words"),
    [
        (b"---\na: 1\nb: caf\xe9\n---\n", 3, 7, "not UTF-8 text (byte 0xe9)"),
        (b"---\na: \x00\n---\n", 2, 1, "NUL byte"),
        (b"\xff\xfe---\n", 1, 1, "not UTF-8"),
    ],
)
def test_byte_errors(tmp_path: Path, raw: bytes, line: int, col: int, words: str) -> None:
    path = tmp_path / "alice.md"
    path.write_bytes(raw)
    with pytest.raises(InputError) as caught:
        load.load_front_matter(path, display=SHOWN)
    assert words in caught.value.message
    assert (caught.value.line, caught.value.col) == (line, col)


@pytest.mark.catalogue
def test_too_large(tmp_path: Path) -> None:
    path = tmp_path / "alice.md"
    path.write_bytes(b"---\na: 1\n---\n" + b"x" * (load.MAX_BYTES + 1))
    with pytest.raises(InputError, match="limit 1 MiB"):
        load.load_front_matter(path)


@pytest.mark.catalogue
def test_folder_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a file"):
        load.load_front_matter(tmp_path)
    with pytest.raises(InputError, match="cannot read file"):
        load.load_front_matter(tmp_path / "missing.md")
