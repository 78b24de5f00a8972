"""``mastermind report ID STATUS``: a report-back from the command line.

The report goes into the member's note for the next meeting, where a report-back
belongs (a later note of a member reports on their earlier commitments). When that note does
not exist yet, it is prepared first, exactly as ``prep`` would write it. Only the one
report entry changes: its ``status`` (and ``note``) is filled in where ``prep`` left
it empty, or a new entry is added to ``report``. Every other byte of the file stays as
it was: the edit is made in the text at the positions the loader recorded, then the
result is parsed again and must equal the old data with just that entry changed, or
nothing is written.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mastermind_kit.errors import InputError, UsageError
from mastermind_kit.load import Document, parse_front_matter
from mastermind_kit.model import split_commitment_id
from mastermind_kit.read import MemberView
from mastermind_kit.render import yaml_scalar

__all__ = ["STATUSES", "Recorded", "record"]

STATUSES = ("done", "partial", "missed", "dropped")


@dataclass
class Recorded:
    path: Path  # absolute
    shown: Path  # relative to the group root
    text: str  # the note as it is to be written
    created: bool  # the note did not exist: it was prepared as prep would


def record(view: MemberView, commitment_id: str, status: str, note: str | None) -> Recorded:
    """The member's note for ``view.meeting`` with the report on ``commitment_id``
    (nothing is written: ``write`` does that)."""
    if status not in STATUSES:
        raise UsageError(f"{status!r} is not a report status", hint=" | ".join(STATUSES))
    if note is not None and not note.strip():
        raise UsageError("--note is empty")
    if note is not None and not _encodable(note):
        raise UsageError("--note is not valid text (UTF-8)")
    repo, member, meeting = view.repo, view.member, view.meeting
    _owed(view, commitment_id)
    path = repo.note_path(meeting, member)
    shown = repo.rel(path)
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise UsageError(f"{shown} is not a regular file; nothing was written")
    created = not path.exists()
    if created:
        from mastermind_kit.prep import prepare

        text = prepare(view).text
    else:
        if view.note is None:
            raise UsageError(
                f"{shown} cannot be read; fix it first (mastermind check {shown})",
            )
        text = path.read_text(encoding="utf-8")
        if text.startswith("\ufeff") or "\r" in text:
            raise UsageError(
                f"{shown} has a byte order mark or CRLF line ends; "
                f"run mastermind check --fix {shown} first"
            )
    doc = parse_front_matter(text, shown)
    edited = _edit(doc, commitment_id, status, note)
    _verify(doc, edited, shown, commitment_id, status, note)
    return Recorded(path, shown, edited, created)


def write(recorded: Recorded, *, root: Path) -> None:
    from mastermind_kit.fsutil import atomic_write, os_errors, refuse_links, write_new

    with os_errors(recorded.shown):  # no permission, a full disk: one line, nothing written
        refuse_links(root, recorded.path, recorded.shown)
        if recorded.created:
            write_new(recorded.path, recorded.text)
        else:
            atomic_write(recorded.path, recorded.text)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes from the command line
        return False
    return True


def _owed(view: MemberView, commitment_id: str) -> None:
    """Refuse an id the member does not owe a report on at this meeting, saying why."""
    if any(o.id == commitment_id for o in view.carry.owed):
        answered = _answered(view, commitment_id)
        if answered:
            shown = view.repo.rel(view.repo.note_path(view.meeting, view.member))
            raise UsageError(
                f"{commitment_id} is already reported in {shown} (status: {answered}); "
                "edit that entry by hand to change it"
            )
        return
    parts = split_commitment_id(commitment_id)
    if parts is None:
        raise UsageError(
            f"{commitment_id!r} is not a commitment id (<meeting>/<member>/<n>)",
            hint="mastermind status lists yours",
        )
    made, owner, _ = parts
    if owner != view.member:
        raise UsageError(
            f"{commitment_id} is {owner}'s commitment, not yours ({view.member}): "
            "members report only on their own"
        )
    if made >= view.meeting:
        raise UsageError(
            f"{commitment_id} was made at {made}: it is reported on at a meeting after "
            f"that, not at {view.meeting}"
        )
    earlier = _reported_earlier(view, commitment_id)
    if earlier:
        raise UsageError(f"{commitment_id} is already reported: {earlier}")
    raise UsageError(
        f"you have no commitment {commitment_id}", hint="mastermind status lists yours"
    )


def _answered(view: MemberView, commitment_id: str) -> str | None:
    if view.note is None:
        return None
    return next((r.status for r in view.note.report if r.id == commitment_id and r.status), None)


def _reported_earlier(view: MemberView, commitment_id: str) -> str | None:
    """ "<status> in <note>" when an earlier note of the member reports on it."""
    repo = view.repo
    for rel in reversed(repo.member_notes(view.member, before=view.meeting)):
        found, _ = repo.note_at(repo.root / rel)
        if found is None:
            continue
        for entry in found.report:
            if entry.id == commitment_id and entry.status:
                return f"{entry.status} in {rel}"
    return None


# -- the edit ------------------------------------------------------------------------------


def _edit(doc: Document, commitment_id: str, status: str, note: str | None) -> str:
    text, data = doc.text, doc.data if isinstance(doc.data, dict) else {}
    entries = data.get("report")
    if entries is None and "report" not in data:
        return _add_report_key(doc, commitment_id, status, note)
    if not isinstance(entries, list):
        raise UsageError(f"{doc.path}: 'report' is not a list; fix it first")
    index = next(
        (i for i, e in enumerate(entries) if isinstance(e, dict) and e.get("id") == commitment_id),
        None,
    )
    if index is None:
        if ("report",) in doc.flow:
            if entries:
                raise UsageError(
                    f"{doc.path}: 'report' is written in flow style [...]; add the entry by hand"
                )
            where = doc.where[("report",)]
            end = _line_end(text, where.end)  # the empty [] and its comment
            return (
                text[: where.start].rstrip(" ")
                + "\n"
                + _entry(2, commitment_id, status, note).rstrip("\n")
                + text[end:]
            )
        last = doc.where[("report", len(entries) - 1)]
        indent = doc.where[("report", len(entries) - 1)].col - 1
        at = _line_end(text, _content_end(text, last.end))
        return (
            text[:at]
            + "\n"
            + _entry(indent - 2, commitment_id, status, note).rstrip("\n")
            + text[at:]
        )
    if ("report", index) in doc.flow:
        raise UsageError(
            f"{doc.path}:{doc.line(('report', index))}: the entry for {commitment_id} is "
            "written in flow style {...}; edit it by hand"
        )
    entry = entries[index]
    edits: list[tuple[int, int, str]] = []
    pad = " " * (doc.keys[("report", index, "id")].col - 1)
    if entry.get("status") not in (None, ""):  # pragma: no cover - refused by _owed
        raise UsageError(f"{commitment_id} is already reported")
    if "status" in entry:
        edits.append(_value_edit(doc, ("report", index, "status"), status))
        after_status = _line_end(text, doc.where[("report", index, "status")].end)
    else:
        after_status = _line_end(text, doc.where[("report", index, "id")].end)
        edits.append((after_status, after_status, f"\n{pad}status: {status}"))
    if note is not None:
        if entry.get("note") not in (None, ""):
            raise UsageError(
                f"{doc.path}:{doc.line(('report', index, 'note'))}: the entry for "
                f"{commitment_id} already has a note; leave out --note or edit it by hand"
            )
        if "note" in entry:
            edits.append(_value_edit(doc, ("report", index, "note"), note))
        else:
            edits.append((after_status, after_status, f"\n{pad}note: {yaml_scalar(note)}"))
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def _value_edit(doc: Document, path: tuple[str | int, ...], value: str) -> tuple[int, int, str]:
    """Replace an empty value (nothing, ``null``, ``~`` or ``""``) with ``value``."""
    where = doc.where[path]
    written = doc.text[where.start : where.end]
    new = yaml_scalar(value) if path[-1] == "note" else value
    if not written:  # "status:" with nothing after the colon
        return where.start, where.end, " " + new
    return where.start, where.end, new


def _entry(indent: int, commitment_id: str, status: str, note: str | None) -> str:
    pad = " " * indent
    lines = [f"{pad}- id: {yaml_scalar(commitment_id)}", f"{pad}  status: {status}"]
    if note is not None:
        lines.append(f"{pad}  note: {yaml_scalar(note)}")
    return "\n".join(lines) + "\n"


def _add_report_key(doc: Document, commitment_id: str, status: str, note: str | None) -> str:
    """A note without ``report``: the key goes last in the front matter."""
    lines = doc.text.split("\n")
    closing = doc.body_line - 2  # index of the closing '---' line
    at = sum(len(line) + 1 for line in lines[:closing])
    return doc.text[:at] + "report:\n" + _entry(2, commitment_id, status, note) + doc.text[at:]


def _line_end(text: str, offset: int) -> int:
    end = text.find("\n", offset)
    return len(text) if end < 0 else end


def _content_end(text: str, offset: int) -> int:
    """Back from a node's end mark over the blank space YAML counts into a block."""
    while offset > 0 and text[offset - 1] in " \n":
        offset -= 1
    return offset


def _verify(
    before: Document,
    text: str,
    shown: Path,
    commitment_id: str,
    status: str,
    note: str | None,
) -> None:
    """The edited text must read back as the old data with just the one entry changed."""
    try:
        after = parse_front_matter(text, shown)
    except InputError:  # pragma: no cover - a bug in _edit: refuse rather than corrupt
        raise UsageError(f"could not add the report to {shown} safely; add it by hand") from None
    expected: dict[str, Any] = copy.deepcopy(before.data) if isinstance(before.data, dict) else {}
    entries = expected.setdefault("report", [])
    if entries is None:
        entries = expected["report"] = []
    entry = next((e for e in entries if isinstance(e, dict) and e.get("id") == commitment_id), None)
    if entry is None:
        entry = {"id": commitment_id}
        entries.append(entry)
    entry["status"] = status
    if note is not None:
        entry["note"] = note
    if after.data != expected or after.body != before.body:
        raise UsageError(  # pragma: no cover - a layout _edit does not know: refuse
            f"could not add the report to {shown} safely; add it by hand"
        )
