"""The package's shape, read from its imports (ast), so a forbidden edge fails a test.

Data flows one way: files and git -> the read layer -> the model -> the ledger ->
renderers; the CLI on top. The rules are listed here, one line each, the way
test_docs.py keeps the docs honest. Imports inside functions count (a lazy import is
still a dependency); imports under ``if TYPE_CHECKING:`` do not (they never run).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "mastermind_kit"

READ_LAYER = {"load", "schema", "repo", "read", "cache", "history"}
RENDERERS = {"prep", "status", "agenda", "summary", "recap", "site", "ical"}
COMMANDS = {
    "cli",
    "__main__",
    "demo",
    "create",
    "members",
    "fix",
    "check",
    "audit",
    "accept",
    "ci",
    "sync",
    "report",
    "seal",
}

# (module or group, what it must not import, why)
RULES: list[tuple[set[str], set[str], str]] = [
    ({"model"}, {"*"}, "the model is plain dataclasses: it imports nothing else of ours"),
    (
        RENDERERS,
        {"history", "load", "check", "cache", "schema"},
        "renderers never run git or read group files: the read layer gives them the model",
    ),
    (
        READ_LAYER,
        {"check", "cli", *RENDERERS},
        "the read layer knows nothing of the checker, the commands or the renderers",
    ),
    (
        {"ledger"},
        {"history", "load", "repo", "read", "cache", "check", *RENDERERS},
        "the ledger computes from the model it is given",
    ),
    ({"check"}, {"cli", "history", *RENDERERS}, "the checker reads files only"),
]


def _runtime_imports(tree: ast.Module) -> set[str]:
    """Our modules imported by ``tree``, wherever in it, except under TYPE_CHECKING."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "mastermind_kit":
                found.update(alias.name for alias in node.names)
            elif node.module.startswith("mastermind_kit."):
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("mastermind_kit."):
                    found.add(alias.name.split(".")[1])
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    modules = {path.stem: path for path in package.glob("*.py")}
    edges = {}
    for name, path in modules.items():
        imported = _runtime_imports(ast.parse(path.read_text(encoding="utf-8")))
        # "from mastermind_kit import __version__" names the package, not a module
        edges[name] = {m for m in imported if m in modules and m != name}
    return edges


def violations(edges: dict[str, set[str]]) -> list[str]:
    found = []
    for sources, forbidden, why in RULES:
        for source in sorted(sources & edges.keys()):
            bad = edges[source] if "*" in forbidden else edges[source] & forbidden
            bad -= {"__init__"}
            if bad:
                found.append(f"{source} imports {', '.join(sorted(bad))}: {why}")
    return found


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    found: list[list[str]] = []
    state: dict[str, int] = {}

    def walk(node: str, stack: list[str]) -> None:
        state[node] = 1
        for target in sorted(edges.get(node, ())):
            if state.get(target) == 1:
                found.append([*stack[stack.index(target) :], target])
            elif target not in state:
                walk(target, [*stack, target])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            walk(node, [node])
    return found


def test_the_import_rules_hold() -> None:
    assert violations(graph()) == []


def test_there_are_no_import_cycles() -> None:
    assert cycles(graph()) == []


def test_every_module_has_a_place() -> None:
    known = {
        "model",
        "ledger",
        "errors",
        "findings",
        "fsutil",
        "generated",
        "charts",
        "render",
        "sandbox",
        "resources",
        "__init__",
        *READ_LAYER,
        *RENDERERS,
        *COMMANDS,
        "schedule",
        "signing",
    }
    assert set(graph()) <= known, "a new module: give it a place in the rules above"


@pytest.mark.parametrize(
    ("module", "line", "rule"),
    [
        ("summary", "from mastermind_kit import history", "renderers never run git"),
        ("status", "from mastermind_kit.load import parse_front_matter", "renderers never"),
        ("repo", "from mastermind_kit.check import check_repo", "the read layer knows nothing"),
        ("read", "    from mastermind_kit import check", "the read layer knows nothing"),
        ("model", "from mastermind_kit.load import Document", "plain dataclasses"),
    ],
)
def test_a_forbidden_edge_fails(tmp_path: Path, module: str, line: str, rule: str) -> None:
    copy = tmp_path / "mastermind_kit"
    copy.mkdir()
    for path in PACKAGE.glob("*.py"):
        (copy / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    target = copy / f"{module}.py"
    if line.startswith(" "):  # an import inside a function counts too
        line = f"def _sneaky() -> None:\n{line}\n"
    target.write_text(target.read_text(encoding="utf-8") + "\n" + line + "\n", encoding="utf-8")
    assert any(rule in v for v in violations(graph(copy)))


def test_a_cycle_is_found() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c", "a"]]
