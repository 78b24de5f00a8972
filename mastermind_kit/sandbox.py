"""A group's own templates (``templates/`` in the repo): read and rendered as data.

Any member can commit a template that every other member renders (``prep`` renders
``note.md.j2``, ``agenda --write`` and ``recap`` theirs), so a group template is
untrusted input. This module owns what it may do:

- **What it can read**: only regular files directly in the group's ``templates/``
  folder (or in plain subfolders of it), never through a symlink, never a name with
  ``..``, an absolute name or a backslash; a name the group does not have falls back
  to the built-in template of that name. The loader and ``check`` use the same reader.
- **What it can run**: Jinja2's immutable sandbox (no attribute of Python's internals,
  no changing a list or dict), with ``StrictUndefined``.
- **How much it can do**: every loop step and call is counted (``MAX_STEPS``) and the
  clock is read with each (``MAX_SECONDS``); every value the template makes, every
  operator that can multiply text (``*``, ``**``, ``+``, ``%``, ``str.format``,
  ``replace``, ``join``, ``indent``...) is weighed before it runs (``MAX_VALUE``); all
  it writes, captured blocks and macros included, is counted (``MAX_WORK``) and the
  page itself is bounded (``MAX_OUTPUT``). A macro that calls itself ends in a
  RecursionError. Each limit is one line naming the template: ``InputError`` with the
  path ``templates/<name>``, never a hang or a traceback.

The guards are put in at compile time: a code generator rewrites the template's tree
so that loops, output, concatenation and literal lists go through the environment's
own checks. Group templates are never kept in the bytecode cache (their compiled code
depends on these guards, which a cache keyed by the source alone would not know).
"""

from __future__ import annotations

import functools
import os
import re
import stat
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from mastermind_kit.errors import InputError
from mastermind_kit.findings import ERROR, WARNING, Finding

__all__ = [
    "FOLDER",
    "MAX_OUTPUT",
    "MAX_SECONDS",
    "MAX_STEPS",
    "OVERRIDABLE",
    "overrides",
    "render",
    "template_findings",
]

FOLDER = "templates"
# The templates the tool renders with a group's override (prep.TEMPLATE,
# agenda.TEMPLATE, recap.TEMPLATE and the first profile of 'member add'; a test keeps
# them in step).
OVERRIDABLE = frozenset({"note.md.j2", "agenda.md.j2", "recap.md.j2", "member.md.j2"})

MAX_TEMPLATE_BYTES = 256 * 1024  # one template file
MAX_OUTPUT = 1_000_000  # characters of the rendered text
MAX_VALUE = MAX_OUTPUT  # characters (or items) of any one value the template makes
MAX_WORK = 16 * MAX_OUTPUT  # characters written in all, captured blocks and macros included
MAX_STEPS = 1_000_000  # loop steps and calls
MAX_MADE = 8 * MAX_OUTPUT  # characters of all the values it builds, kept or not (memory)
MAX_SECONDS = 2.0
MAX_INT_BITS = 65_536  # a number the template computes (10**19728 and so on)
MAX_DIGITS = 4_300  # text turned into a number (Python's own limit from 3.11 on)
_DEPTH = 8  # subfolders of templates/ that check looks into


class _Stopped(Exception):
    """A limit was reached: the template is stopped (said as one line by ``render``)."""


# -- reading -----------------------------------------------------------------------------


def overrides(root: Path, name: str) -> bool:
    """Whether the group at ``root`` has its own ``name``: then ``render`` is used, and
    refuses it when it cannot be read safely (a symlinked ``templates`` folder counts:
    the group meant to override something, and it is not followed to find out what)."""
    folder = root / FOLDER
    if os.path.islink(folder):
        return True
    return os.path.isdir(folder) and os.path.lexists(folder / name)


def read(root: Path, name: str) -> str | None:
    """The text of the group's template ``name`` (a ``/``-separated name inside
    ``templates/``); None when the group has none of that name. An InputError naming
    the file when it may not be read: a symlink on the way, not a regular file, too
    large, not UTF-8, or a name that would leave the folder."""
    parts = name.split("/")
    if (
        not name
        or name.startswith("/")
        or "\\" in name
        or "\0" in name
        or any(part in ("", ".", "..") for part in parts)
    ):
        raise InputError(
            f"template name {name!r} is not a file in {FOLDER}/: group templates are read "
            f"only from the group's {FOLDER}/ folder",
            path=FOLDER,
            rule="template",
        )
    here = root / FOLDER
    shown = Path(FOLDER)
    for i, part in enumerate(["", *parts]):
        if part:
            here, shown = here / part, shown / part
        info = _lstat(here, shown)
        if info is None:
            return None
        last = i == len(parts)
        if stat.S_ISLNK(info.st_mode):
            raise InputError(
                f"this {'template' if last else 'folder'} is a symlink; group templates "
                "are never read through one",
                path=shown,
                rule="symlink",
                hint="commit the template itself in the group's templates/ folder",
            )
        if not last and not stat.S_ISDIR(info.st_mode):
            return None
        if last and not stat.S_ISREG(info.st_mode):
            raise InputError(
                f"{shown.as_posix()} is not a regular file", path=shown, rule="template"
            )
    assert info is not None  # the loop returned on a missing file
    if info.st_size > MAX_TEMPLATE_BYTES:
        raise InputError(
            f"template too large ({info.st_size:,} bytes; at most {MAX_TEMPLATE_BYTES:,})",
            path=shown,
            rule="template",
        )
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(here, flags)
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise InputError(f"{shown.as_posix()} is not a regular file", path=shown)
            data = handle.read(MAX_TEMPLATE_BYTES + 1)
    except OSError as error:
        raise InputError(
            f"cannot read the template: {(error.strerror or str(error)).lower()}",
            path=shown,
            rule="template",
        ) from None
    if len(data) > MAX_TEMPLATE_BYTES:
        raise InputError("template too large", path=shown, rule="template")
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        raise InputError(
            f"template cannot be read as UTF-8 text (UnicodeDecodeError at byte {error.start + 1})",
            path=shown,
            rule="template",
        ) from None


def _lstat(path: Path, shown: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as error:
        raise InputError(
            f"cannot read: {(error.strerror or str(error)).lower()}", path=shown, rule="template"
        ) from None


# -- rendering -----------------------------------------------------------------------------


def render(root: Path, name: str, context: dict[str, Any], *, filters: Mapping[str, Any]) -> str:
    """``name`` rendered from the group's templates at ``root`` (with ``filters`` beside
    Jinja2's own), within the limits; an InputError naming the template otherwise."""
    import jinja2

    shown = Path(FOLDER) / name
    env = _environment(root, filters)
    env.budget.start()
    parts: list[str] = []
    size = 0
    try:
        for chunk in env.get_template(name).generate(**context):
            size += len(chunk)
            if size > MAX_OUTPUT:
                raise _Stopped(f"it writes more than {MAX_OUTPUT:,} characters")
            env.budget.check_time()
            parts.append(chunk)
    except _Stopped as error:
        raise InputError(f"template stopped: {error}", path=shown, rule="template") from None
    except InputError as error:  # an include the loader refused
        if error.path != Path(FOLDER) or error.rule == "symlink":
            raise  # it names the file or folder at fault
        raise InputError(error.message, path=shown, rule=error.rule, hint=error.hint) from None
    except jinja2.TemplateSyntaxError as error:
        where = Path(FOLDER) / error.name if error.name else shown
        raise InputError(
            f"template error: {error.message}", path=where, line=error.lineno or 1, rule="template"
        ) from None
    except jinja2.TemplateError as error:  # undefined names, the sandbox, a missing include
        raise InputError(f"template error: {error}", path=shown, rule="template") from None
    except (RecursionError, SyntaxError):  # nesting too deep to compile, or to run
        raise InputError(
            "template stopped: it nests too deeply (a macro or include that calls itself?)",
            path=shown,
            rule="template",
        ) from None
    except MemoryError:
        raise InputError("template stopped: out of memory", path=shown, rule="template") from None
    except (TypeError, ValueError, ArithmeticError, LookupError, AttributeError) as error:
        # {{ 1 + "x" }}, {{ 1 / 0 }}, {{ "%d" % "x" }}: the template's mistake, said
        # in a line (the traceback would point into Jinja2, not the template).
        raise InputError(
            f"template error: {type(error).__name__}: {error}", path=shown, rule="template"
        ) from None
    return "".join(parts)


def compile_check(root: Path, name: str, source: str, filters: Mapping[str, Any]) -> Any:
    """Parse and compile ``source`` as the group's template ``name`` (the tree, for the
    names it includes); a TemplateSyntaxError when it is not a valid template."""
    env = _environment(root, filters)
    tree = env.parse(source, name, name)
    env.compile(source, name, name)
    return tree


def dry_run(root: Path, name: str, filters: Mapping[str, Any]) -> str | None:
    """Render the group's ``name`` with no data at all (every name it uses is empty),
    within the limits: what stops it, or None. It finds a template that runs away
    whatever the notes hold (loops over ranges, a macro that calls itself); one that
    fails for want of data says nothing here."""
    import jinja2

    env = _environment(root, filters, undefined=jinja2.ChainableUndefined)
    env.budget.start()
    size = 0
    try:
        for chunk in env.get_template(name).generate():
            size += len(chunk)
            if size > MAX_OUTPUT:
                raise _Stopped(f"it writes more than {MAX_OUTPUT:,} characters")
    except _Stopped as error:
        return str(error)
    except (RecursionError, SyntaxError):
        return "it nests too deeply (a macro or include that calls itself?)"
    except MemoryError:
        return "out of memory"
    except (
        jinja2.TemplateError,
        InputError,
        TypeError,
        ValueError,
        ArithmeticError,
        LookupError,
        AttributeError,
    ):
        return None  # for want of data, or said elsewhere (a bad include, its syntax)
    return None


@functools.cache
def _classes() -> tuple[type[Any], type[Any]]:
    """The environment and loader classes (made once: Jinja2 is imported only by the
    commands that render)."""
    import jinja2
    from jinja2 import nodes
    from jinja2.compiler import CodeGenerator
    from jinja2.runtime import markup_join, str_join
    from jinja2.sandbox import ImmutableSandboxedEnvironment
    from jinja2.visitor import NodeTransformer

    def guard(name: str, *args: Any) -> nodes.Expr:
        return nodes.Call(nodes.EnvironmentAttribute(name), list(args), [], None, None)

    class Guard(NodeTransformer):
        """Route loops, output, ``~`` and literal lists through the environment."""

        def visit_For(self, node: nodes.For) -> nodes.Node:
            self.generic_visit(node)
            node.iter = guard("mm_loop", node.iter)
            return node

        def visit_Output(self, node: nodes.Output) -> nodes.Node:
            self.generic_visit(node)
            node.nodes = [guard("mm_out", child) for child in node.nodes]
            return node

        def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
            self.generic_visit(node)
            return guard("mm_concat", nodes.ContextReference(), *node.nodes)

        def visit_List(self, node: nodes.List) -> nodes.Node:
            self.generic_visit(node)
            return guard("mm_made", node)

        def visit_Dict(self, node: nodes.Dict) -> nodes.Node:
            self.generic_visit(node)
            return guard("mm_made", node)

        def visit_Tuple(self, node: nodes.Tuple) -> nodes.Node:
            self.generic_visit(node)
            return node if node.ctx != "load" else guard("mm_made", node)

    class Generator(CodeGenerator):
        def visit_Template(self, node: nodes.Template, frame: Any = None) -> None:
            Guard().visit(node)
            super().visit_Template(node, frame)

    class Loader(jinja2.BaseLoader):
        """The group's templates (``read``), else the built-in ones."""

        def __init__(self, root: Path) -> None:
            from mastermind_kit.resources import templates_dir

            self.root = root
            self.builtin = jinja2.FileSystemLoader(str(templates_dir()))

        def get_source(
            self, environment: jinja2.Environment, template: str
        ) -> tuple[str, str | None, Callable[[], bool] | None]:
            source = read(self.root, template)
            if source is None:
                return self.builtin.get_source(environment, template)
            return source, f"{FOLDER}/{template}", lambda: True

    def internal(function: Callable[..., Any]) -> Callable[..., Any]:
        function.mm_internal = True  # type: ignore[attr-defined]
        return function

    class Environment(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**", "+", "%"})
        code_generator_class = Generator

        def __init__(
            self, root: Path, filters: Mapping[str, Any], undefined: type[Any] | None = None
        ) -> None:
            super().__init__(
                loader=Loader(root),
                undefined=undefined or jinja2.StrictUndefined,
                keep_trailing_newline=True,
                autoescape=False,  # Markdown and YAML out, never HTML
                optimized=False,  # no folding: a constant is computed where it is guarded
                auto_reload=False,
            )
            self.budget = Budget()
            self.globals.pop("lipsum", None)  # lipsum(10**6): a page of text per step
            self.filters.update(filters)  # the same as the built-in templates have
            self.filters = {key: self.guard_filter(key, f) for key, f in self.filters.items()}

        # -- what the template calls ------------------------------------------------

        def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
            if getattr(__obj, "mm_internal", False):
                kwargs.pop("_loop_vars", None)  # what Jinja2 hands to every call in a
                kwargs.pop("_block_vars", None)  # loop or block, for context functions
                return __obj(*args, **kwargs)
            budget = __self.budget
            budget.tick()
            owner = getattr(__obj, "__self__", None)
            if isinstance(owner, (str, bytes)):
                args = _method_guard(budget, owner, getattr(__obj, "__name__", ""), args, kwargs)
            result = super().call(__context, __obj, *args, **kwargs)
            budget.weigh(result)
            return result

        def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
            """``text.format`` and ``text.format_map``, weighed before they run (the
            sandbox hands out its own wrapper when the method is looked up)."""
            wrapped = super().wrap_str_format(value)
            if wrapped is None:
                return None
            fmt, budget = value.__self__, self.budget
            mapping = value.__name__ == "format_map"

            def guarded(*args: Any, **kwargs: Any) -> str:
                if mapping and args and isinstance(args[0], Mapping):
                    _format_guard(budget, fmt, tuple(args[0].values()), {})
                else:
                    _format_guard(budget, fmt, args, kwargs)
                return wrapped(*args, **kwargs)

            return guarded

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            budget = self.budget
            budget.tick()
            if operator == "**":
                _power_guard(left, right)
            elif operator == "*":
                _times_guard(budget, left, right)
            elif operator == "+" and not (_number(left) and _number(right)):
                budget.limit(budget.weigh(left) + budget.weigh(right))
            elif operator == "%" and isinstance(left, str):
                budget.limit(_printf_bound(budget, left, right))
            result = super().call_binop(context, operator, left, right)
            if isinstance(result, (str, list, tuple)):
                budget.made(len(result))
            return result

        def guard_filter(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
            budget = self.budget
            special = getattr(function, "jinja_pass_arg", None) is not None
            rule = _FILTER_GUARDS.get(name)
            sizes = name in _SIZE_FILTERS

            @functools.wraps(function)
            def guarded(*args: Any, **kwargs: Any) -> Any:
                budget.tick()
                head, rest = (args[:1], args[1:]) if special else ((), args)
                if rest:
                    value, extra = rest[0], rest[1:]
                    if sizes:
                        for number in (*extra, *kwargs.values()):
                            _int_guard(number)
                    if rule is not None:
                        value = rule(budget, value, extra, kwargs)
                    args = (*head, value, *extra)
                result = function(*args, **kwargs)
                budget.made(budget.weigh(result))
                return result

            return guarded

        # -- what the rewritten tree calls ----------------------------------------------

        @internal
        def mm_loop(self, iterable: Iterable[Any]) -> Iterator[Any]:
            budget = self.budget
            for item in iterable:
                budget.tick()
                yield item

        @internal
        def mm_out(self, value: Any) -> Any:
            self.budget.tick()
            self.budget.wrote(self.budget.weigh(value))
            return value

        @internal
        def mm_concat(self, context: Any, *values: Any) -> Any:
            budget = self.budget
            budget.tick()
            budget.limit(sum(budget.weigh(v) for v in values))
            return (markup_join if context.eval_ctx.autoescape else str_join)(values)

        @internal
        def mm_made(self, value: Any) -> Any:
            self.budget.weigh(value)
            return value

    return Environment, Loader


class Budget:
    """What one rendering may still spend."""

    def __init__(self) -> None:
        from jinja2.utils import Namespace

        self.namespace = Namespace
        self.steps = 0
        self.work = 0
        self.built = 0
        self.deadline = float("inf")

    def start(self) -> None:
        self.steps = self.work = self.built = 0
        self.deadline = time.monotonic() + MAX_SECONDS

    def tick(self, steps: int = 1) -> None:
        self.steps += steps
        if self.steps > MAX_STEPS:
            raise _Stopped(f"it takes more than {MAX_STEPS:,} loop steps and calls")
        self.check_time()

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise _Stopped(f"it runs longer than {MAX_SECONDS:g} seconds")

    def made(self, size: int) -> None:
        """Count a value built: each stays within ``MAX_VALUE``, and all of them
        together within ``MAX_MADE``, so that many large values kept side by side
        (a list of them) cannot take the memory."""
        self.built += size
        if self.built > MAX_MADE:
            raise _Stopped(f"it builds more than {MAX_MADE:,} characters of values in all")

    def wrote(self, size: int) -> None:
        self.work += size
        if self.work > MAX_WORK:
            raise _Stopped(
                f"it writes more than {MAX_WORK:,} characters (macros and captured blocks included)"
            )

    @staticmethod
    def limit(size: int) -> None:
        if size > MAX_VALUE:
            raise _Stopped(f"it makes a value of more than {MAX_VALUE:,} characters")

    def weigh(self, value: Any) -> int:
        """About how many characters ``value`` is as text (a container: its items,
        each as often as it holds them); stopped early past ``MAX_VALUE``, which
        is refused. What it looks at is counted as steps."""
        total = visited = 0
        stack = [value]
        while stack and total <= MAX_VALUE:
            item = stack.pop()
            visited += 1
            if isinstance(item, (str, bytes)):
                total += len(item)
            elif isinstance(item, bool) or item is None:
                total += 1
            elif isinstance(item, int):
                total += item.bit_length() // 3 + 1
            elif isinstance(item, dict):
                total += len(item) + 1
                stack.extend(item.keys())
                stack.extend(item.values())
            elif isinstance(item, (list, tuple, set, frozenset)):
                total += len(item) + 1
                stack.extend(item)
            elif isinstance(item, range):
                total += len(item) + 1
            elif isinstance(item, self.namespace):
                stack.append(object.__getattribute__(item, "_Namespace__attrs"))
            else:
                total += 1
        self.tick(visited // 64)
        self.limit(total)
        return total


def _environment(root: Path, filters: Mapping[str, Any], undefined: Any = None) -> Any:
    return _classes()[0](root, filters, undefined)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _int_guard(value: Any) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_VALUE:
        raise _Stopped(f"the number {_short(value)} is too large for a template")


def _short(number: int) -> str:
    text = str(number) if number.bit_length() < 200 else f"2**{number.bit_length() - 1}"
    return text if len(text) < 40 else f"{text[:20]}..."


def _power_guard(left: Any, right: Any) -> None:
    numbers = isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1
    if numbers and (right > MAX_INT_BITS or right * left.bit_length() > MAX_INT_BITS):
        raise _Stopped(f"{_short(left)} ** {_short(right)} is too large a number")


def _times_guard(budget: Budget, left: Any, right: Any) -> None:
    if isinstance(left, int) and isinstance(right, int):
        if left.bit_length() + right.bit_length() > MAX_INT_BITS:
            raise _Stopped("a product too large to compute")
        return
    for sequence, count in ((left, right), (right, left)):
        if isinstance(count, int) and isinstance(sequence, (str, bytes, list, tuple)):
            budget.limit(budget.weigh(sequence) * max(count, 0))


_PRINTF = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?[a-zA-Z%]")
_FIELD_NUMBER = re.compile(r"\d+")


def _widest(numbers: Iterable[str], args: Any) -> int:
    """The largest width or precision: written in the format, or a number passed for
    ``*`` or a nested field."""
    widest = 0
    for number in numbers:
        if number == "*" or not number:
            continue
        widest = max(widest, int(number) if len(number) < 10 else MAX_VALUE + 1)
    values = args.values() if isinstance(args, Mapping) else args
    if isinstance(values, (tuple, list)) or isinstance(args, Mapping):
        widest = max([widest, *(abs(v) for v in values if _number(v))])
    elif _number(args):
        widest = max(widest, abs(args))
    return int(min(widest, MAX_VALUE + 1))


def _printf_bound(budget: Budget, fmt: str, args: Any) -> int:
    """At most how long ``fmt % args`` is."""
    specs = _PRINTF.findall(fmt)
    if not specs:
        return len(fmt) + 1
    widest = _widest([n for spec in specs for n in spec], args)
    values = budget.weigh(args)
    if isinstance(args, Mapping):  # "%(a)s%(a)s...": a value may be written many times
        return len(fmt) + len(specs) * (widest + 24 + values)
    return len(fmt) + len(specs) * (widest + 24) + values


def _format_guard(budget: Budget, fmt: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """``fmt.format(...)``: each field may write the widest width and any argument."""
    fields = fmt.count("{")
    if not fields:
        return
    passed = (*args, *kwargs.values())
    widest = _widest(_FIELD_NUMBER.findall(fmt), passed)
    budget.limit(len(fmt) + fields * (widest + 24 + budget.weigh(passed)))


def _method_guard(
    budget: Budget, text: str | bytes, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[Any, ...]:
    """The methods of text that can make far more text than they are given; returns
    the arguments to call with (an iterator to join is made a list, to be weighed)."""
    for value in (*args, *kwargs.values()):
        _int_guard(value)
    if name in ("translate", "maketrans"):
        raise _Stopped(f"{name}() is not allowed in a group template")
    if name == "expandtabs":
        size = args[0] if args else kwargs.get("tabsize", 8)
        if isinstance(size, int):
            tabs = text.count("\t") if isinstance(text, str) else text.count(b"\t")
            budget.limit(len(text) + tabs * size)
    elif name == "replace" and len(args) >= 2:
        count = args[2] if len(args) > 2 else -1
        budget.limit(_replace_bound(budget, text, args[0], args[1], count))
    elif name == "join" and args:
        items = _listed(budget, args[0])
        budget.limit(_join_bound(budget, text, items))
        return (items, *args[1:])
    return args


def _listed(budget: Budget, values: Any) -> Any:
    """``values`` as a list when it is an iterator (map, select, dict views...): each
    item counted as a loop step."""
    if isinstance(values, (str, bytes, list, tuple, dict)):
        return values
    items = []
    for item in values:
        budget.tick()
        items.append(item)
    return items


def _replace_bound(budget: Budget, text: Any, old: Any, new: Any, count: Any) -> int:
    if not isinstance(text, (str, bytes)) or not isinstance(old, (str, bytes)):
        return 0
    most = len(text) + 1 if not old else len(text) // len(old)
    if isinstance(count, int) and count >= 0:
        most = min(most, count)
    return len(text) + most * budget.weigh(new)


def _join_bound(budget: Budget, separator: Any, items: Any) -> int:
    return budget.weigh(items) + budget.weigh(separator) * len(items)


# Filters that can make far more than they are given, each with a rule that weighs
# what it would make (and may hand on a list made from an iterator).
def _join_filter(budget: Budget, value: Any, extra: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    value = _listed(budget, value)
    separator = extra[0] if extra else kwargs.get("d", "")
    budget.limit(_join_bound(budget, separator, value))
    return value


def _replace_filter(
    budget: Budget, value: Any, extra: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    old = extra[0] if extra else kwargs.get("old")
    new = extra[1] if len(extra) > 1 else kwargs.get("new")
    count = extra[2] if len(extra) > 2 else kwargs.get("count")
    budget.limit(_replace_bound(budget, str(value), old, new, count))
    return value


def _indent_filter(
    budget: Budget, value: Any, extra: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    width = extra[0] if extra else kwargs.get("width", 4)
    each = len(width) if isinstance(width, str) else width if isinstance(width, int) else 0
    text = str(value)
    budget.limit(len(text) + (text.count("\n") + 1) * max(each, 0))
    return value


def _wordwrap_filter(
    budget: Budget, value: Any, extra: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    width = extra[0] if extra else kwargs.get("width", 79)
    wrap = extra[2] if len(extra) > 2 else kwargs.get("wrapstring") or "\n"
    text = str(value)
    if isinstance(width, int) and width > 0:
        budget.limit(len(text) + (len(text) // width + 1) * budget.weigh(wrap))
    return value


def _urlize_filter(
    budget: Budget, value: Any, extra: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    text = str(value)
    added = sum(budget.weigh(v) for v in (*extra, *kwargs.values()))
    budget.limit(4 * len(text) + (len(text) // 4 + 1) * added)
    return value


def _format_filter(
    budget: Budget, value: Any, extra: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    budget.limit(_printf_bound(budget, str(value), kwargs or extra))
    return value


def _number_filter(
    budget: Budget, value: Any, extra: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    if isinstance(value, (str, bytes)) and len(value) > MAX_DIGITS:
        raise _Stopped(f"a number of more than {MAX_DIGITS:,} digits")
    return value


def _sum_filter(budget: Budget, value: Any, extra: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    start = extra[1] if len(extra) > 1 else kwargs.get("start", 0)
    if not _number(start):
        raise _Stopped("sum() of lists or text is not allowed in a group template")
    return value


# Filters whose numbers are sizes of what they make: at most MAX_VALUE.
_SIZE_FILTERS = frozenset({"center", "indent", "wordwrap", "truncate", "batch", "slice"})
_FILTER_GUARDS: dict[str, Callable[[Any, Any, tuple[Any, ...], dict[str, Any]], Any]] = {
    "join": _join_filter,
    "replace": _replace_filter,
    "indent": _indent_filter,
    "wordwrap": _wordwrap_filter,
    "urlize": _urlize_filter,
    "format": _format_filter,
    "int": _number_filter,
    "float": _number_filter,
    "sum": _sum_filter,
}


# -- check ---------------------------------------------------------------------------------


def template_findings(root: Path, filters: Mapping[str, Any]) -> list[Finding]:
    """What ``check`` says about the group's ``templates/``: a symlinked folder or
    file (an error: never read), a file that is not a template (a warning: nothing
    reads it), a template that cannot be read or compiled (an error naming the line),
    an include of a template that does not exist, a template that runs away whatever
    the data (``dry_run``), and a template nothing renders (a warning). ``filters``:
    those the templates are rendered with."""
    folder = root / FOLDER
    if os.path.islink(folder):
        return [
            Finding(
                FOLDER,
                1,
                1,
                ERROR,
                "symlink",
                f"'{FOLDER}' is a symlink: group templates are never read through one; "
                "prep, agenda and recap refuse to render until it is a plain folder",
            )
        ]
    if not os.path.lexists(folder):
        return []
    if not os.path.isdir(folder):
        return [
            Finding(
                FOLDER,
                1,
                1,
                WARNING,
                "layout",
                f"'{FOLDER}' is not a folder; the built-in templates are used",
            )
        ]
    files: list[str] = []
    found: list[Finding] = []
    _walk(root, folder, "", 0, files, found)
    trees: dict[str, Any] = {}
    for name in files:
        if not name.endswith(".j2"):
            found.append(
                Finding(
                    f"{FOLDER}/{name}",
                    1,
                    1,
                    WARNING,
                    "template",
                    f"'{name}' is not a template (<name>.j2): nothing reads it",
                )
            )
            continue
        try:
            source = read(root, name)
            if source is not None:
                trees[name] = compile_check(root, name, source, filters)
        except InputError as error:
            found.append(Finding(str(error.path), error.line, 1, ERROR, error.rule, error.message))
        except _syntax_errors() as error:
            line, message = getattr(error, "lineno", 1), getattr(error, "message", str(error))
            shown = f"{FOLDER}/{name}"
            found.append(
                Finding(shown, line or 1, 1, ERROR, "template", f"template error: {message}")
            )
        except (RecursionError, SyntaxError):
            found.append(
                Finding(f"{FOLDER}/{name}", 1, 1, ERROR, "template", "template nested too deeply")
            )
    if trees:
        found.extend(_references(files, trees))
    for name in sorted(OVERRIDABLE & trees.keys()):
        stopped = dry_run(root, name, filters)
        if stopped is not None:
            found.append(
                Finding(
                    f"{FOLDER}/{name}",
                    1,
                    1,
                    ERROR,
                    "template",
                    f"template stopped: {stopped} (rendered without data); every command "
                    "that renders it would stop",
                )
            )
    return found


def _syntax_errors() -> type[Exception]:
    import jinja2

    return jinja2.TemplateSyntaxError


def _walk(
    root: Path, folder: Path, prefix: str, depth: int, files: list[str], found: list[Finding]
) -> None:
    from mastermind_kit.repo import is_leftover, link_target

    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda e: e.name)
    except OSError as error:
        shown = f"{FOLDER}/{prefix}".rstrip("/")
        reason = (error.strerror or str(error)).lower()
        found.append(Finding(shown, 1, 1, ERROR, "template", f"cannot read the folder: {reason}"))
        return
    for entry in entries:
        name = f"{prefix}{entry.name}"
        shown = f"{FOLDER}/{name}"
        if entry.is_symlink():
            found.append(
                Finding(
                    shown,
                    1,
                    1,
                    ERROR,
                    "symlink",
                    f"symlink {link_target(Path(entry.path), root)}: group templates are "
                    "never read through a symlink (commit the template itself)",
                )
            )
        elif is_leftover(entry.name):
            continue
        elif entry.is_dir(follow_symlinks=False):
            if depth < _DEPTH:
                _walk(root, Path(entry.path), f"{name}/", depth + 1, files, found)
        else:
            files.append(name)


def _references(files: list[str], trees: dict[str, Any]) -> list[Finding]:
    """Includes of templates that exist nowhere; templates that nothing renders."""
    from jinja2 import nodes

    from mastermind_kit.resources import templates_dir

    found: list[Finding] = []
    used: set[str] = set()
    for name, tree in sorted(trees.items()):
        for node in tree.find_all((nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
            target = node.template
            if not isinstance(target, nodes.Const) or not isinstance(target.value, str):
                continue
            used.add(target.value)
            ignored = isinstance(node, nodes.Include) and node.ignore_missing
            exists = target.value in files or (
                "/" not in target.value and (templates_dir() / target.value).is_file()
            )
            if not exists and not ignored:
                found.append(
                    Finding(
                        f"{FOLDER}/{name}",
                        node.lineno,
                        1,
                        ERROR,
                        "template",
                        f"'{target.value}' is neither a template in {FOLDER}/ nor a built-in one",
                    )
                )
    for name in files:
        if name.endswith(".j2") and name not in OVERRIDABLE and name not in used:
            found.append(
                Finding(
                    f"{FOLDER}/{name}",
                    1,
                    1,
                    WARNING,
                    "template",
                    f"nothing renders '{name}': a group may override "
                    f"{', '.join(sorted(OVERRIDABLE))}, and include others from them",
                )
            )
    return found
