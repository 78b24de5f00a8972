"""Reading group files: YAML front matter with the line and column of every value.

PyYAML composes the node tree (with the C parser when it is there); we construct
plain JSON-like values ourselves so that we can

- remember where every key and list item stands (``Document.where``),
- refuse duplicate keys, unknown tags, alias bombs and recursive aliases,
- notice YAML 1.1 surprises (``18:00`` read as 1080, ``no`` read as false, ``0755``
  read as octal) and keep what was written, so the checker can explain them,
- keep dates as the text that was written (``2026-02-30`` stays a string and the
  schema's date format rejects it, instead of a crash in the constructor).

Every problem that stops a file from being read is an ``InputError`` naming file,
line and column.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any, NamedTuple

import yaml

from mastermind_kit.errors import InputError

try:  # the C parser is much faster; fall back quietly where libyaml is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


class _Resolving(_Loader):
    """The safe loader, with YAML's tag resolution remembered per plain value.

    libyaml calls back into Python to resolve the tag of every plain scalar, trying a
    handful of regular expressions each time; group files repeat the same keys, ids,
    dates and statuses thousands of times. The answer depends only on the value (the
    safe loader has no path resolvers), so it is looked up once per distinct value."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is yaml.ScalarNode:
            if not implicit[0]:
                return _STR  # quoted: text (the safe loader has no path resolvers)
            tag = _RESOLVED.get(value)
            if tag is None:
                tag = super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
                if len(value) <= _REMEMBER_UP_TO and len(_RESOLVED) < _RESOLVED_MAX:
                    _RESOLVED[value] = tag
            return tag
        return super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]


def _usable_number(value: float | int) -> bool:
    """True for a number that arithmetic can use: a float can hold it, and it is finite."""
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


_RESOLVED: dict[str, str] = {}
_REMEMBER_UP_TO = 64  # characters: ids, dates, numbers and short words repeat; prose does not
_RESOLVED_MAX = 50_000

MAX_BYTES = 1024 * 1024
MAX_NODES = 50_000
MAX_DEPTH = 64

JSONPath = tuple[str | int, ...]

_CONFLICT = re.compile(r"^(<{7}|>{7})( |$)", re.M)
_CLOSER = re.compile(r"^---[^\S\n]*$", re.M)  # a line '---', trailing blanks allowed
_TAG = "tag:yaml.org,2002:"
_STR, _SEQ, _MAP, _MERGE = _TAG + "str", _TAG + "seq", _TAG + "map", _TAG + "merge"


class Pos(NamedTuple):
    """Where a value (or a key) starts: 1-based line and column, plus offsets.

    A tuple, not a dataclass: a ten-year repo has hundreds of thousands of them."""

    line: int
    col: int
    start: int = 0  # character offset of the value in the whole file text
    end: int = 0


class Surprise(NamedTuple):
    """A plain scalar that YAML 1.1 read as something other than the text written."""

    raw: str
    value: Any
    kind: str  # "bool", "sexagesimal", "octal", "number", "null", "date"


class Positions(dict):  # type: ignore[type-arg]
    """Positions by path, kept as plain tuples and made into ``Pos`` only when one is
    asked for: a ten-year repo holds hundreds of thousands of values, and a command
    looks at the position of very few of them."""

    def __getitem__(self, path: JSONPath) -> Pos:
        return Pos(*dict.__getitem__(self, path))

    def get(self, path: JSONPath, default: Any = None) -> Any:
        where = dict.get(self, path)
        return default if where is None else Pos(*where)


@dataclass
class Document:
    """One parsed file: the data, where each part stands, and the Markdown body."""

    path: Path
    text: str
    data: Any
    body: str = ""
    body_line: int = 1
    where: dict[JSONPath, Pos] = field(default_factory=dict)  # value positions
    keys: dict[JSONPath, Pos] = field(default_factory=dict)  # key positions (mappings)
    surprises: dict[JSONPath, Surprise] = field(default_factory=dict)
    flow: set[JSONPath] = field(default_factory=set)  # mappings/sequences in flow style
    had_bom: bool = False
    had_crlf: bool = False
    blob: str = ""  # git's id for the bytes read (blob_id), when read from a file

    def pos(self, path: JSONPath) -> Pos:
        """The nearest known position of ``path`` (walking up to its parents)."""
        probe = tuple(path)
        while probe:
            if probe in self.keys:
                return self.keys[probe]
            if probe in self.where:
                return self.where[probe]
            probe = probe[:-1]
        return self.where.get((), Pos(1, 1))

    def line(self, path: JSONPath) -> int:
        return self.pos(path).line


def blob_id(data: bytes) -> str:
    """The id git gives a file with this content."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def blob_text(data: bytes) -> str:
    """An old version of a group file (a blob from history) as the text the parsers
    take: LF line ends, no byte order mark. Bytes that are not UTF-8 are replaced, not
    refused: history is read as it was committed."""
    return data.decode("utf-8", "replace").removeprefix("\ufeff").replace("\r\n", "\n")


def read_text(path: Path, *, display: Path | None = None) -> tuple[str, bool, bool, str]:
    """Read a file as UTF-8 text; return (text with LF line ends, had BOM, had CRLF, the
    blob id of the bytes read: what was parsed, for a cache to check its key against)."""
    shown = display or path
    try:
        info = os.stat(path)
    except OSError as error:
        raise InputError(f"cannot read file: {error.strerror}", path=shown) from None
    size = info.st_size
    if size > MAX_BYTES:
        raise InputError(
            f"file is {size / 1024 / 1024:.1f} MiB; group files are expected to be small "
            f"(limit {MAX_BYTES // 1024 // 1024} MiB)",
            path=shown,
            rule="too-large",
        )
    if not stat.S_ISREG(info.st_mode):  # never opened: a FIFO would block
        raise InputError("not a file (a folder of that name?)", path=shown, rule="read")
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as error:
        raise InputError(f"cannot read file: {error.strerror}", path=shown, rule="read") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        col = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise InputError(
            f"not UTF-8 text (byte 0x{raw[error.start]:02x})",
            path=shown,
            line=line,
            col=col,
            rule="encoding",
            hint="save the file as UTF-8",
        ) from None
    had_bom = text.startswith("\ufeff")
    if had_bom:
        text = text[1:]
    had_crlf = "\r\n" in text
    if had_crlf:
        text = text.replace("\r\n", "\n")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise InputError("file contains a NUL byte", path=shown, line=line, rule="encoding")
    return text, had_bom, had_crlf, blob_id(raw)


def _check_conflicts(text: str, shown: Path) -> None:
    found = _CONFLICT.search(text)
    if found:
        raise InputError(
            "merge-conflict marker: resolve the conflict before committing",
            path=shown,
            line=text.count("\n", 0, found.start()) + 1,
            rule="conflict",
        )


def load_yaml_file(path: Path, *, display: Path | None = None) -> Document:
    """Load a plain YAML file (``mastermind.yaml``)."""
    shown = display or path
    text, had_bom, had_crlf, blob = read_text(path, display=shown)
    doc = parse_yaml(text, shown, had_bom=had_bom, had_crlf=had_crlf)
    doc.blob = blob
    return doc


def parse_yaml(
    text: str, shown: Path, *, had_bom: bool = False, had_crlf: bool = False
) -> Document:
    """Parse plain YAML text already read (LF line ends, no BOM)."""
    _check_conflicts(text, shown)
    if not text.strip():
        raise InputError("file is empty", path=shown, rule="empty")
    doc = Document(path=shown, text=text, data=None, had_bom=had_bom, had_crlf=had_crlf)
    doc.data = _parse(text, doc, line_offset=0, char_offset=0)
    return doc


def load_front_matter(path: Path, *, display: Path | None = None) -> Document:
    """Load a Markdown file that starts with YAML front matter between ``---`` lines."""
    shown = display or path
    text, had_bom, had_crlf, blob = read_text(path, display=shown)
    doc = parse_front_matter(text, shown, had_bom=had_bom, had_crlf=had_crlf)
    doc.blob = blob
    return doc


def parse_front_matter(
    text: str, shown: Path, *, had_bom: bool = False, had_crlf: bool = False
) -> Document:
    """Parse front-matter text already read (LF line ends, no BOM)."""
    _check_conflicts(text, shown)
    if not text.strip():
        raise InputError("file is empty", path=shown, rule="empty")
    first_end = text.find("\n")
    if (text if first_end < 0 else text[:first_end]).rstrip() != "---":
        raise InputError(
            "no front matter: the file must start with a line '---'",
            path=shown,
            rule="front-matter",
            hint="put the YAML keys between two '---' lines at the top",
        )
    closing = _CLOSER.search(text, first_end + 1) if first_end >= 0 else None
    if closing is None:
        raise InputError(
            "front matter opened here is never closed with a '---' line",
            path=shown,
            rule="front-matter",
        )
    close = text.count("\n", 0, closing.start())  # the closing line's index
    front = text[first_end + 1 : closing.start()]
    char_offset = first_end + 1
    body = text[closing.end() + 1 :]
    doc = Document(
        path=shown,
        text=text,
        data=None,
        body=body,
        body_line=close + 2,
        had_bom=had_bom,
        had_crlf=had_crlf,
    )
    if not front.strip():
        doc.data = {}
        doc.where[()] = Pos(1, 1)
        return doc
    doc.data = _parse(front, doc, line_offset=1, char_offset=char_offset)
    return doc


def _parse(source: str, doc: Document, *, line_offset: int, char_offset: int) -> Any:
    def fail(message: str, mark: Any, rule: str = "yaml") -> InputError:
        line = mark.line + 1 + line_offset if mark else 1 + line_offset
        col = mark.column + 1 if mark else 1
        return InputError(message, path=doc.path, line=line, col=col, rule=rule)

    try:
        python_composer = issubclass(_Resolving, yaml.composer.Composer)
        scan_above = _NESTING_SCAN_PY if python_composer else _NESTING_SCAN
        if sum(map(source.count, "[{-:?")) > scan_above:
            _check_depth(source, fail)
        node = yaml.compose(source, Loader=_Resolving)
    except yaml.MarkedYAMLError as error:
        message, mark = _describe_yaml_error(error, source, line_offset)
        raise fail(f"invalid YAML: {message}", mark) from None
    except yaml.reader.ReaderError as error:
        bad = _NOT_YAML.search(source)
        index = bad.start() if bad else 0
        line = source.count("\n", 0, index)
        col = index - (source.rfind("\n", 0, index) + 1)
        char = f"U+{ord(bad.group()):04X}" if bad else repr(error.character)
        raise fail(
            f"control character {char} is not allowed in YAML",
            SimpleNamespace(line=line, column=col),
            "encoding",
        ) from None
    except yaml.YAMLError as error:
        raise fail(f"invalid YAML: {error}", None) from None
    if node is None:
        doc.where[()] = Pos(1 + line_offset, 1)
        return None
    builder = _Builder(doc, line_offset, char_offset)
    return builder.build(node, ())


# Every level of nesting takes one of the characters ``[{-:?``. Composing is recursive
# (deep enough nesting crashes the libyaml composer and overflows the Python one), the
# event parser is not: a text with more of those characters than this gets a cheap
# event scan that refuses nesting deeper than MAX_DEPTH first; all others (nearly every
# group file) are composed at once.
_NESTING_SCAN = 2000
_NESTING_SCAN_PY = 200  # the pure-Python composer uses two stack frames per level

# Characters YAML does not allow in a stream (printable set of YAML 1.1, 5.1).
_NOT_YAML = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

_OPENERS = {
    "quoted scalar": "a quote opened here is never closed",
    "flow sequence": "'[' opened here is never closed with ']'",
    "flow mapping": "'{' opened here is never closed with '}'",
}
_INDENTATION = ("expected key", "expected <block end>", "expected '-' indicator")


def _check_depth(source: str, fail: Any, loader: Any = _Loader) -> None:
    """Refuse nesting deeper than MAX_DEPTH before composing (the parser is iterative)."""
    depth = 0
    try:
        for event in yaml.parse(source, Loader=loader):
            depth = _depth_step(event, depth, fail)
    except yaml.MarkedYAMLError as error:
        # Newer libyaml refuses a thousand levels itself, scanning ahead of the events;
        # the pure-Python parser has no such limit and finds the level we refuse at.
        if "maximum nesting depth" in str(error.problem) and loader is not yaml.SafeLoader:
            _check_depth(source, fail, yaml.SafeLoader)
        raise


def _depth_step(event: Any, depth: int, fail: Any) -> int:
    if isinstance(event, yaml.CollectionStartEvent):
        depth += 1
        if depth > MAX_DEPTH:
            raise fail(
                f"values are nested too deep (more than {MAX_DEPTH} levels)",
                event.start_mark,
                "size",
            )
    elif isinstance(event, yaml.CollectionEndEvent):
        depth -= 1
    return depth


def _describe_yaml_error(
    error: yaml.MarkedYAMLError, source: str, line_offset: int
) -> tuple[str, Any]:
    """A plain sentence for a parser error, and the mark where the user should look."""
    problem = error.problem or error.context or "cannot parse this"
    context = error.context or ""
    mark, start = error.problem_mark, error.context_mark
    if mark is None:
        return problem, start
    for what, sentence in _OPENERS.items():
        if what in context and start is not None and start.line != mark.line:
            gave_up = mark.line + 1 + line_offset
            return f"{sentence} (YAML gave up on line {gave_up}: {problem})", start
    if source[mark.index : mark.index + 1] == "\t":
        return "a tab cannot indent YAML; indent with spaces", mark
    if problem.startswith("mapping values are not allowed"):
        return (
            f"{problem}: a value that contains ': ' must be quoted, e.g. key: \"a: b\"",
            mark,
        )
    if problem.startswith("found undefined alias"):
        alias = re.match(r"\*([^\s,\[\]{}]+)", source[mark.index :])
        name = alias.group(1) if alias else "?"
        return f"alias *{name} refers to no anchor &{name} above it", mark
    if any(words in problem for words in _INDENTATION):
        return f"{problem} (check the indentation of this line)", mark
    return problem, mark


# Only its scalar constructors are used (YAML 1.1 ints, floats, bools), on one instance.
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


class _Builder:
    """Turns a composed node tree into plain values, recording positions."""

    def __init__(self, doc: Document, line_offset: int, char_offset: int) -> None:
        self.doc = doc
        self.line_offset = line_offset
        self.char_offset = char_offset
        self.count = 0
        self.active: set[int] = set()
        self.constructor = _CONSTRUCTOR
        doc.where = self.where = Positions()
        doc.keys = self.keys = Positions()

    def pos(self, node: yaml.Node) -> Pos:
        return Pos(*self.mark(node))

    def mark(self, node: yaml.Node) -> tuple[int, int, int, int]:
        start = node.start_mark
        return (
            start.line + 1 + self.line_offset,
            start.column + 1,
            start.index + self.char_offset,
            node.end_mark.index + self.char_offset,
        )

    def fail(self, node: yaml.Node, message: str, rule: str = "parse") -> InputError:
        where = self.pos(node)
        return InputError(message, path=self.doc.path, line=where.line, col=where.col, rule=rule)

    def build(self, node: Any, path: JSONPath) -> Any:
        # The hot loop of every read: kept to plain dict and type checks.
        self.count += 1
        if self.count > MAX_NODES:
            raise self.fail(node, "too many values (an alias bomb?); refusing to expand", "size")
        if len(path) > MAX_DEPTH:
            raise self.fail(
                node, f"values are nested too deep (more than {MAX_DEPTH} levels)", "size"
            )
        self.where[path] = self.mark(node)
        kind = type(node)
        if kind is yaml.ScalarNode:
            return self.scalar(node, path)
        if id(node) in self.active:
            raise self.fail(node, "recursive alias; refusing to expand", "size")
        self.active.add(id(node))
        try:
            if getattr(node, "flow_style", False):
                self.doc.flow.add(path)
            if kind is yaml.SequenceNode:
                if node.tag != _SEQ:
                    raise self.fail(node, _tag_not_allowed(node.tag), "tag")
                build = self.build
                return [build(item, (*path, i)) for i, item in enumerate(node.value)]
            if kind is yaml.MappingNode:
                if node.tag != _MAP:
                    raise self.fail(node, _tag_not_allowed(node.tag), "tag")
                return self.mapping(node, path)
        finally:
            self.active.discard(id(node))
        raise self.fail(node, "unsupported YAML node")  # pragma: no cover

    def mapping(self, node: yaml.MappingNode, path: JSONPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        keys, build, scalar = self.keys, self.build, yaml.ScalarNode
        for key_node, value_node in node.value:
            if type(key_node) is not scalar:
                raise self.fail(key_node, "a key must be plain text", "key")
            if key_node.tag == _MERGE:
                raise self.fail(
                    key_node, "merge keys (<<) are not supported: write the keys out", "key"
                )
            key = str(key_node.value)
            key_path = (*path, key)
            if key in result:
                first = keys[key_path]
                raise self.fail(
                    key_node,
                    f"duplicate key '{key}' (first on line {first.line}); "
                    "YAML would silently keep only the last one",
                    "duplicate-key",
                )
            keys[key_path] = self.mark(key_node)
            result[key] = build(value_node, key_path)
        return result

    def scalar(self, node: yaml.ScalarNode, path: JSONPath) -> Any:
        tag = node.tag
        raw = node.value
        if tag == _STR or node.style in ("'", '"', "|", ">"):
            if tag != _STR and node.style:
                raise self.fail(node, _tag_not_allowed(tag), "tag")
            return raw
        kind = tag[len(_TAG) :] if tag.startswith(_TAG) else None
        if kind == "timestamp":
            # Keep dates as written; the schema's date format judges them.
            self.doc.surprises[path] = Surprise(raw, raw, "date")
            return raw
        if kind == "null":
            if raw not in ("", "~"):
                self.doc.surprises[path] = Surprise(raw, None, "null")
            return None
        if kind in ("bool", "int", "float"):
            try:
                value = getattr(self.constructor, f"construct_yaml_{kind}")(node)
            except (ValueError, yaml.YAMLError):
                raise self.fail(node, f"cannot read {raw!r} as a {kind}") from None
            if kind != "bool" and not _usable_number(value):
                raise self.fail(
                    node,
                    f"{raw[:40]!r} is not a number this tool can use "
                    "(infinite, not a number, or beyond 1e308)",
                )
            if kind == "bool":
                if raw.lower() not in ("true", "false"):
                    self.doc.surprises[path] = Surprise(raw, value, "bool")
                else:
                    self.doc.surprises[path] = Surprise(raw, value, "bool-word")
            elif ":" in raw:
                self.doc.surprises[path] = Surprise(raw, value, "sexagesimal")
            elif kind == "int" and re.match(r"^[-+]?0[0-7_]+$", raw):
                self.doc.surprises[path] = Surprise(raw, value, "octal")
            else:
                self.doc.surprises[path] = Surprise(raw, value, "number")
            return value
        raise self.fail(node, _tag_not_allowed(tag), "tag")


def _tag_not_allowed(tag: str) -> str:
    shown = "!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else tag
    return f"the tag {shown} is not allowed: group files hold plain values only"


def explain(surprise: Surprise) -> str:
    """Say how YAML read a plain value, for a finding where text was expected."""
    quoted = '"' + surprise.raw.replace('"', '\\"') + '"'
    if surprise.kind == "sexagesimal":
        return (
            f"{surprise.raw} was read as the number {surprise.value} (YAML 1.1 base 60); "
            f"quote it: {quoted}"
        )
    if surprise.kind in ("bool", "bool-word"):
        return f"{surprise.raw} was read as {str(surprise.value).lower()}; quote it: {quoted}"
    if surprise.kind == "octal":
        return f"{surprise.raw} was read as the octal number {surprise.value}; quote it: {quoted}"
    if surprise.kind == "null":
        return f"{surprise.raw} was read as null (empty); quote it: {quoted}"
    return f"{surprise.raw} was read as the number {surprise.value}; quote it: {quoted}"
