"""Jinja2 templates: the built-in ones, and a group's own overrides.

A group may override any built-in template by putting a file of the same name in its
``templates/`` folder. Those are written by group members, so they are rendered in a
sandbox. ``StrictUndefined`` makes a typo in a template fail loudly.
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
# C1 controls (but tab and newline: they retitle a terminal, clear it, hide text) and the
# bidirectional overrides that make "evil" read "live".
_UNSEEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """``text`` with every control and bidi override shown as an escape (``\\x1b``)."""
    if not _UNSEEN.search(text):
        return text
    return _UNSEEN.sub(
        lambda m: (
            f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}"
        ),
        text,
    )


def yaml_scalar(value: Any) -> str:
    """A value as a YAML flow scalar that reads back as exactly that value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False)


def render(name: str, context: dict[str, Any], *, group_root: Path | None = None) -> str:
    own = group_root / "templates" if group_root else None
    use_own = own is not None and (own / name).is_file()
    if use_own or group_root is None:
        return _render(name, context, group_root=group_root, use_own=use_own)
    # A built-in template (they include nothing) and a context of plain values: the same
    # pair always gives the same text, remembered by content so that printing the same
    # agenda or note again does not import Jinja2 (it costs as much as starting Python).
    from mastermind_kit.cache import Cache, Memo, digest

    try:
        source = (templates_dir() / name).read_text(encoding="utf-8")
        values = json.dumps(context, sort_keys=True, ensure_ascii=False)
    except (OSError, TypeError, ValueError):
        return _render(name, context, group_root=group_root, use_own=False)
    cache = Cache.for_repo(group_root)
    memo = Memo(cache, "renders", limit=16) if cache.folder is not None else None
    key = digest(["render", name, source, values])
    known = memo.get(key) if memo is not None else None
    if isinstance(known, str):
        return known
    text = _render(name, context, group_root=group_root, use_own=False)
    if memo is not None:
        memo.put(key, text)
        memo.save()
    return text


def _render(name: str, context: dict[str, Any], *, group_root: Path | None, use_own: bool) -> str:
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    own = group_root / "templates" if group_root else None
    loader = jinja2.FileSystemLoader(
        [str(own), str(templates_dir())] if use_own and own else [str(templates_dir())]
    )
    options: dict[str, Any] = {
        "loader": loader,
        "undefined": jinja2.StrictUndefined,
        "keep_trailing_newline": True,
        "autoescape": False,  # Markdown and YAML out, never HTML
        "bytecode_cache": _bytecode_cache(group_root),
    }
    env = SandboxedEnvironment(**options) if use_own else jinja2.Environment(**options)
    env.filters["yaml"] = yaml_scalar
    where = Path("templates") / name if use_own else Path(name)
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as error:
        shown = Path("templates") / error.name if use_own and error.name else where
        raise InputError(
            f"template error: {error.message}", path=shown, line=error.lineno or 1
        ) from None
    except jinja2.TemplateError as error:  # undefined names, the sandbox, a missing include
        raise InputError(f"template error: {error}", path=where) from None
    except (TypeError, ValueError, ArithmeticError, LookupError, OSError) as error:
        if not use_own:
            raise  # in a built-in template this is our bug: keep the traceback
        # A group's own template can fail in any of these ways ({{ 1 + "x" }}, bytes
        # that are not UTF-8, ...): say so, naming the file.
        raise InputError(f"template error: {type(error).__name__}: {error}", path=where) from None


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
