"""``mastermind check --fix``: safe, mechanical fixes only.

- quote a plain value that YAML 1.1 misread where text is expected (``18:00``, ``no``),
- fill a missing commitment id with the next ``<meeting>/<member>/<n>``,
- normalise line ends to LF and drop a UTF-8 byte order mark.

A fix is written only when the fixed file still parses; writes are atomic.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mastermind_kit import schema
from mastermind_kit.errors import InputError
from mastermind_kit.fsutil import atomic_write, os_errors
from mastermind_kit.load import Document, load_front_matter, load_yaml_file, parse_front_matter
from mastermind_kit.load import parse_yaml as parse_yaml_text
from mastermind_kit.model import is_slug, split_commitment_id
from mastermind_kit.render import yaml_scalar
from mastermind_kit.repo import GroupRepo


@dataclass(frozen=True)
class Fixed:
    path: Path
    what: str


@dataclass(frozen=True)
class _Edit:
    start: int
    end: int
    text: str
    what: str


def fix(repo: GroupRepo, paths: list[Path] | None = None) -> list[Fixed]:
    """Apply the safe fixes to ``paths`` (or every group file); say what changed."""
    if paths is None:
        paths = [repo.config_path(), *repo.profile_paths(), *repo.note_paths()]
    done: list[Fixed] = []
    for path in paths:
        kind = repo.classify(path)[0]
        # Never write through a link: the file, or a folder above it, may lead out of
        # the repo (the checker reports those).
        if repo.link_problem(path) is not None or not path.is_file():
            continue
        if kind in ("config", "member", "note"):
            done.extend(_fix_file(repo, path, kind))
    return done


def _fix_file(repo: GroupRepo, path: Path, kind: str) -> list[Fixed]:
    shown = repo.rel(path)
    _, day, member = repo.classify(path)
    try:
        doc = (
            load_yaml_file(path, display=shown)
            if kind == "config"
            else load_front_matter(path, display=shown)
        )
    except InputError:
        return []  # not mechanical: the checker explains it
    edits = _quote_edits(doc, kind)
    if kind == "note" and isinstance(doc.data, dict) and day and member and is_slug(member):
        # the id names the note's path, so it is filled only where that path is right
        edits.extend(_id_edits(doc, f"{day.isoformat()}/{member}"))
    text = doc.text
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        text = text[: edit.start] + edit.text + text[edit.end :]
    notes = [e.what for e in sorted(edits, key=lambda e: e.start)]
    if doc.had_crlf:
        notes.append("line ends CRLF -> LF")
    if doc.had_bom:
        notes.append("removed the UTF-8 byte order mark")
    if not notes:
        return []
    try:
        (parse_yaml_text if kind == "config" else parse_front_matter)(text, shown)
    except InputError:  # pragma: no cover - a fix that breaks the file is a bug
        return []
    with os_errors(shown):  # no permission, a full disk: the file stays as it was
        atomic_write(path, text)
    return [Fixed(shown, what) for what in notes]


def _quote_edits(doc: Document, kind: str) -> list[_Edit]:
    edits = []
    for path in schema.misread_text(doc, kind):
        surprise = doc.surprises[path]
        where = doc.where[path]
        edits.append(
            _Edit(where.start, where.end, yaml_scalar(surprise.raw), f"quoted {surprise.raw}")
        )
    return edits


def _id_edits(doc: Document, prefix: str) -> list[_Edit]:
    """Ids ``<prefix>/<n>`` for commitments without one, after the highest n used."""
    data = doc.data
    commitments = data.get("commitments")
    if not isinstance(commitments, list):
        return []
    numbers = [
        parts[2]
        for c in commitments
        if isinstance(c, dict) and isinstance(c.get("id"), str)
        if c["id"].startswith(prefix + "/") and (parts := split_commitment_id(c["id"]))
    ]
    next_n = max(numbers, default=0) + 1
    edits = []
    for i, commitment in enumerate(commitments):
        if not isinstance(commitment, dict) or "id" in commitment or not commitment:
            continue
        first_key = next(iter(commitment))
        key_pos = doc.keys[("commitments", i, first_key)]
        new_id = f"{prefix}/{next_n}"
        next_n += 1
        if ("commitments", i) in doc.flow:
            insert = f"id: {new_id}, "
        else:
            insert = f"id: {new_id}\n" + " " * (key_pos.col - 1)
        edits.append(_Edit(key_pos.start, key_pos.start, insert, f"added commitment id {new_id}"))
    return edits
