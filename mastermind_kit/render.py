"""Jinja2 templates: the built-in ones, and a group's own overrides.

A group may override a built-in template by putting a file of the same name in its
``templates/`` folder. Those are written by group members, so they are read and
rendered as untrusted data (``sandbox.py``). ``StrictUndefined`` makes a typo in a
template fail loudly.
"""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path
from typing import Any

from mastermind_kit.errors import InputError
from mastermind_kit.resources import templates_dir

# Characters that have no business in what people read, on a page or a terminal: C0 and
# C1 controls (but tab and newline: they retitle a terminal, clear it, hide text), the
# bidirectional overrides and marks that make "evil" read "live", and the Unicode line
# and paragraph separators that split a line where a reader sees none.
_UNSEEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
_UNSEEN_IN_LINE = re.compile(f"[\n{_UNSEEN.pattern[1:-1]}]")


def visible(text: str, *, line: bool = False) -> str:
    """``text`` with every control character and bidi override shown as an escape
    (``\\x1b``, ``\\u202e``), so that what a member wrote can neither drive a terminal
    nor reorder what others read. Tab and newline stay, but with ``line=True`` (one
    line of output: a name, an id, a file name, a finding) a newline is escaped too.
    Applying it twice changes nothing more: escape user text once, before our own
    styling (colours) is added."""
    unseen = _UNSEEN_IN_LINE if line else _UNSEEN
    if not unseen.search(text):
        return text
    return unseen.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def yaml_scalar(value: Any) -> str:
    """A value as a YAML flow scalar that reads back as exactly that value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False)


# The filters our templates have beside Jinja2's own (a group's templates too).
FILTERS = {"yaml": yaml_scalar}


def render(name: str, context: dict[str, Any], *, group_root: Path | None = None) -> str:
    """The template ``name`` rendered with ``context``: the group's own (at
    ``group_root``) when it has one, in the sandbox (``sandbox.py``), else the built-in."""
    if group_root is None:
        return _render(name, context, group_root=None)
    from mastermind_kit import sandbox

    if sandbox.overrides(group_root, name):
        return sandbox.render(group_root, name, context, filters=FILTERS)
    # A built-in template (they include nothing) and a context of plain values: the same
    # pair always gives the same text, remembered by content so that printing the same
    # agenda or note again does not import Jinja2 (it costs as much as starting Python).
    from mastermind_kit.cache import Cache, Memo, digest

    try:
        source = (templates_dir() / name).read_text(encoding="utf-8")
        values = json.dumps(context, sort_keys=True, ensure_ascii=False)
    except (OSError, TypeError, ValueError):
        return _render(name, context, group_root=group_root)
    cache = Cache.for_repo(group_root)
    memo = Memo(cache, "renders", limit=16) if cache.folder is not None else None
    key = digest(["render", name, source, values])
    known = memo.get(key) if memo is not None else None
    if isinstance(known, str):
        return known
    text = _render(name, context, group_root=group_root)
    if memo is not None:
        memo.put(key, text)
        memo.save()
    return text


def _render(name: str, context: dict[str, Any], *, group_root: Path | None) -> str:
    """A built-in template (ours, trusted: a failure in it is our bug, with a traceback,
    but for the messages of Jinja2 itself)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,  # Markdown and YAML out, never HTML
        bytecode_cache=_bytecode_cache(group_root),
    )
    env.filters.update(FILTERS)
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as error:
        raise InputError(
            f"template error: {error.message}", path=Path(name), line=error.lineno or 1
        ) from None
    except jinja2.TemplateError as error:  # undefined names
        raise InputError(f"template error: {error}", path=Path(name)) from None


def _bytecode_cache(group_root: Path | None) -> Any:
    """Compiled templates kept in the repo's cache folder: Jinja2 keys them by the
    template's source, so an edited template is compiled afresh."""
    if group_root is None:
        return None
    from mastermind_kit.cache import Cache

    folder = Cache.for_repo(group_root).folder
    if folder is None:
        return None
    import pickle

    import jinja2

    class QuietCache(jinja2.FileSystemBytecodeCache):
        """A cache only ever costs time: a damaged entry or a read-only disk is ignored."""

        def load_bytecode(self, bucket: Any) -> None:
            try:
                super().load_bytecode(bucket)
            except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError):
                bucket.reset()

        def dump_bytecode(self, bucket: Any) -> None:
            with contextlib.suppress(OSError):
                super().dump_bytecode(bucket)

    try:
        (folder / "templates").mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return QuietCache(str(folder / "templates"))


# -- where a member's text goes: Markdown, CSV, JSON ---------------------------------------
# (the terminal and plain text: ``visible`` above)

# Markdown would read these in a member's text as markup: emphasis, code, links and
# images, raw HTML and comments, table cells, entities; and, at the start of a line, a
# heading or a quote.
_MARKDOWN = re.compile(r"([\\`*_\[\]<|]|&(?=#?\w+;)|^[#>])")


def markdown_inline(text: str | None) -> str:
    """A member's text as one line of Markdown that reads as written: its whitespace
    (newlines too) folded, its controls made visible, its markup characters escaped.
    Safe in a table cell and after a heading's ``#``: it forges no row, heading or
    link."""
    return _MARKDOWN.sub(r"\\\1", visible(" ".join((text or "").split())))


# A spreadsheet reads a cell that starts with one of these as a formula
# (=HYPERLINK(...), +cmd|...); a leading quote makes it text (OWASP's advice).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A value for a CSV cell: text with its controls made visible and a would-be formula
    neutralised by a leading ``'``; numbers and anything else as they are."""
    if not isinstance(value, str):
        return value
    shown = visible(value)
    return "'" + shown if shown.startswith(_FORMULA_START) else shown


# What ``json.dumps(..., ensure_ascii=False)`` leaves raw (it escapes only C0): DEL, C1,
# bidi overrides, line separators. They can only stand inside a JSON string.
_JSON_UNSEEN = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def json_safe(text: str) -> str:
    """JSON text with the characters above written as ``\\uXXXX`` escapes: the same
    values when parsed (lossless), nothing raw on a terminal."""
    if not _JSON_UNSEEN.search(text):
        return text
    return _JSON_UNSEEN.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def first_unseen(text: str, *, line: bool = False) -> str | None:
    """The first character of ``text`` that ``visible`` would escape, or None (for the
    checker's ``control-character`` rule)."""
    found = (_UNSEEN_IN_LINE if line else _UNSEEN).search(text)
    return found.group() if found else None
