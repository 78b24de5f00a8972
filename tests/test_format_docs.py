"""docs/format.md cannot drift: its examples form a valid group, and every key of the
published schemas is documented there."""

from __future__ import annotations

import json
import re
from pathlib import Path

from mastermind_kit import schema

from conftest import build_tree

DOC = Path(__file__).resolve().parent.parent / "docs" / "format.md"
BLOCK = re.compile(r"^```\w+ file=(\S+)\n(.*?)^```", re.S | re.M)


def _keys(node: dict, found: set[str]) -> set[str]:
    for name, sub in node.get("properties", {}).items():
        found.add(name)
        _keys(sub, found)
    if isinstance(node.get("items"), dict):
        _keys(node["items"], found)
    return found


def test_examples_are_a_valid_group(tmp_path: Path, run_main) -> None:
    files = dict(BLOCK.findall(DOC.read_text(encoding="utf-8")))
    assert {"mastermind.yaml", "members/alice.md", "meetings/2026-12-15/alice.md"} <= set(files)
    root = build_tree(tmp_path / "g", files)
    code, out, err = run_main("-C", str(root), "check", "--strict")
    assert (code, out, err) == (0, "", "")


def test_every_schema_key_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    for kind in schema.KINDS:
        for key in _keys(schema.schema(kind), set()):
            assert f"`{key}`" in text, f"{kind} key {key} is not in docs/format.md"


def test_schema_command_prints_the_published_schema(run_main) -> None:
    for kind in schema.KINDS:
        code, out, _ = run_main("schema", kind)
        assert code == 0
        assert json.loads(out)["$id"] == f"urn:mastermind-kit:schema:1:{kind}"
