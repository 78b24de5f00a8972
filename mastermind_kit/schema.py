"""The published JSON Schemas, and shape validation of documents against them.

The schemas in ``schemas/*.schema.json`` are the single source of the shape rules:
editors use them, and the checker turns their errors into findings with lines.

Validation uses ``jsonschema-rs`` (draft 2020-12, with the ``date`` format checked):
it imports in a few milliseconds where the pure-Python ``jsonschema`` takes about a
hundred, and ``mastermind check`` runs on every commit. Its errors are turned into
``SchemaError`` records shaped like ``jsonschema``'s (keyword, expected value, the
subschema, the instance, alternatives of an ``anyOf``) for the messages below.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from mastermind_kit.findings import ERROR, WARNING, Finding
from mastermind_kit.load import Document, JSONPath, explain

KINDS = ("config", "member", "note", "agenda", "recap", "accepted")
_SCHEMAS = Path(__file__).resolve().parent / "schemas"


@cache
def text(kind: str) -> str:
    # Beside this module in a checkout and in the wheel alike (importlib.resources would
    # say the same, at the cost of importing it on every commit's check).
    return (_SCHEMAS / f"{kind}.schema.json").read_text(encoding="utf-8")


@cache
def schema(kind: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(text(kind))
    return loaded


@cache
def _validator(kind: str) -> Any:
    import jsonschema_rs

    return jsonschema_rs.Draft202012Validator(schema(kind), validate_formats=True)


@dataclass
class SchemaError:
    """One schema violation, named the way JSON Schema names it."""

    validator: str  # the keyword that failed: "type", "required", "anyOf", ...
    validator_value: Any  # that keyword's value in the schema
    schema: dict[str, Any]  # the subschema holding the keyword
    instance: Any  # the value that failed
    absolute_path: JSONPath  # where the value is in the document
    message: str
    context: list[SchemaError] = field(default_factory=list)  # anyOf alternatives


def _errors(kind: str, data: Any) -> list[SchemaError]:
    return [_convert(kind, error) for error in _validator(kind).iter_errors(data)]


def _convert(kind: str, error: Any) -> SchemaError:
    location = list(error.schema_path)
    keyword = str(location[-1]) if location else ""
    node: Any = schema(kind)
    for part in location[:-1]:
        node = node[part] if isinstance(node, dict) else node[int(part)]
    node = node if isinstance(node, dict) else {}
    details = error.kind.as_dict() if hasattr(error.kind, "as_dict") else {}
    message = str(error.message)
    if keyword == "required" and "property" in details:
        message = f"'{details['property']}' is a required property"
    context = [
        _convert(kind, alternative)
        for branch in getattr(error.kind, "context", None) or []
        for alternative in branch
    ]
    return SchemaError(
        validator=keyword,
        validator_value=node.get(keyword),
        schema=node,
        instance=error.instance,
        absolute_path=tuple(error.instance_path),
        message=message,
        context=context,
    )


def known_keys(kind: str, path: JSONPath) -> list[str]:
    """The property names the schema allows at ``path`` (for "did you mean")."""
    node = schema(kind)
    for part in path:
        if isinstance(part, int):
            node = node.get("items", {})
        else:
            node = node.get("properties", {}).get(part, {})
    return list(node.get("properties", {}))


def validate(doc: Document, kind: str) -> list[Finding]:
    """Shape findings of ``doc`` against the ``kind`` schema."""
    findings: list[Finding] = []
    errors = _errors(kind, doc.data)
    for error in errors:
        findings.extend(_findings(doc, kind, error))
    # A leading zero where a number is wanted passes the schema but is rarely what was
    # meant (commitment_grace_hours: 010 is 8 hours): say so where nothing else did.
    reported = {tuple(error.absolute_path) for error in errors}
    for path, surprise in doc.surprises.items():
        if surprise.kind == "octal" and path not in reported:
            where = doc.where.get(path) or doc.pos(path)
            findings.append(
                Finding(
                    str(doc.path),
                    where.line,
                    where.col,
                    WARNING,
                    "octal",
                    f"{field_name(path)}: {surprise.raw} has a leading zero, so YAML read it as "
                    f"the octal number {surprise.value}; write the number without the zero, "
                    "or quote it",
                )
            )
    return findings


def misread_text(doc: Document, kind: str) -> list[JSONPath]:
    """Paths where text is expected but YAML 1.1 read a plain value as something else."""
    paths = []
    for error in _errors(kind, doc.data):
        for leaf in [error, *error.context]:
            path: JSONPath = tuple(leaf.absolute_path)
            wants_text = leaf.validator == "type" and _wants_text(leaf.validator_value)
            if wants_text and path in doc.surprises and doc.surprises[path].kind != "date":
                paths.append(path)
    return sorted(set(paths))


def _wants_text(expected: Any) -> bool:
    return expected == "string" or (isinstance(expected, list) and "string" in expected)


def _findings(doc: Document, kind: str, error: SchemaError) -> list[Finding]:
    path: JSONPath = tuple(error.absolute_path)
    shown = str(doc.path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = known_keys(kind, path)
        result = []
        for key in error.instance:
            if key in allowed:
                continue
            where = doc.keys.get((*path, key)) or doc.pos(path)
            import difflib

            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            result.append(
                Finding(
                    shown,
                    where.line,
                    where.col,
                    WARNING,
                    "unknown-key",
                    f"unknown key '{key}'{hint}",
                )
            )
        return result
    where = doc.where.get(path) or doc.pos(path)
    return [Finding(shown, where.line, where.col, ERROR, "schema", _describe(doc, error, path))]


def field_name(path: JSONPath) -> str:
    """Where a value is, as a person writes it: ``members[0].name``."""
    parts = [str(p) if isinstance(p, str) else f"[{p}]" for p in path]
    return ".".join(parts).replace(".[", "[") or "front matter"


def _describe(doc: Document, error: SchemaError, path: JSONPath) -> str:
    """One plain sentence for a schema error, with the YAML 1.1 story where there is one."""
    name = field_name(path)
    surprise = doc.surprises.get(path)
    if error.validator == "anyOf" and error.context:
        # "x is not valid under any of the given schemas" helps nobody: say the
        # reason of the alternative that is not merely "or empty".
        useful = [e for e in error.context if e.schema.get("type") != "null"]
        if useful:
            return _describe(doc, useful[0], path)
    if error.validator == "required":
        missing = str(error.message).split("'")[1] if "'" in error.message else "?"
        return f"{name}: missing required key '{missing}'"
    if error.validator == "type" and surprise is not None and _wants_text(error.validator_value):
        return f"{name}: {explain(surprise)}"
    value = error.instance
    if error.validator in ("format", "pattern") and _is_date_schema(error.schema):
        from mastermind_kit.model import parse_date

        if error.validator == "pattern" and parse_date(value) is not None:
            # A real date the schedule cannot compute with (year 9999 would overflow).
            return f"{name}: {value} is out of range: expected {error.schema.get('description')}"
        return f"{name}: {value!r} is not a valid date (write YYYY-MM-DD)"
    if error.validator == "pattern" and "@" in str(error.schema.get("pattern")):
        return f"{name}: {value!r} is not an email address"
    if error.validator == "pattern":
        description = error.schema.get("description")
        if "[a-z0-9]" in str(error.schema.get("pattern")) and "/" not in str(
            error.schema.get("pattern")
        ):
            return (
                f"{name}: {value!r} is not a valid id "
                "(lowercase letters, digits and '-', starting with a letter or digit)"
            )
        if description:
            return f"{name}: {value!r} does not have the form {description}"
        return f"{name}: {value!r} does not have the expected form"
    if error.validator == "enum":
        options = ", ".join(str(o) for o in error.validator_value)
        if surprise is not None and surprise.kind != "date":
            return f"{name}: {surprise.raw} was read as {_kind(value)}, not one of: {options}"
        return f"{name}: {value!r} is not one of: {options}"
    if error.validator == "const":
        return f"{name}: must be {error.validator_value!r}"
    if error.validator == "type":
        expected = error.validator_value
        if isinstance(expected, list):
            expected = " or ".join(t for t in expected if t != "null")
        return f"{name}: expected {_a(str(expected))}, found {_kind(value)}"
    if error.validator == "minLength":
        return f"{name}: must not be empty"
    return f"{name}: {error.message}"


def _is_date_schema(node: dict[str, Any]) -> bool:
    return node.get("format") == "date"


def _a(word: str) -> str:
    names = {"string": "text", "object": "mapping", "array": "list", "integer": "whole number"}
    word = names.get(word, word)
    return ("an " if word[:1] in "aeiou" else "a ") + word


def _kind(value: Any) -> str:
    if value is None:
        return "nothing (empty)"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    return f"{value!r}"


def dump(kind: str) -> str:
    return text(kind)
