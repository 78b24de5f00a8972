"""``mastermind prep``: a member's note for a meeting, with everything carried over.

The note is rendered from ``note.md.j2`` (a group may override it in its own
``templates/``) and pre-filled from the model:

- a ``report`` entry for every commitment the member still has to report on
  (``to_report`` in ``ledger.DEFINITIONS``), its text and due date as a YAML comment,
  the status left empty;
- a ``results`` entry for each active goal (no due date, or due on or after the
  meeting), the last measured value and the target as a comment, the value null;
- the body of the member's last readable note to refresh: the action plan and their
  own sections are kept, the update and the hot-seat write-up (last time's news)
  start empty; when their latest note cannot be read, the note says so;
- empty questions and walk-away, and the hot-seat request (``--hot-seat`` asks for it
  and adds the issue write-up forums use to make a hot seat productive).

The rendered text is validated against the note schema before anything is written,
so a broken template override never leaves a broken note behind.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mastermind_kit import schedule
from mastermind_kit.errors import InputError, UsageError
from mastermind_kit.ledger import Owed
from mastermind_kit.read import MemberView
from mastermind_kit.repo import GroupRepo

TEMPLATE = "note.md.j2"
HOT_SEAT_HEADING = "## Hot seat"
UPDATE_HEADING = "## Update"
UPDATE_PROMPT = "What happened since last time."
# Sections that were news at the last meeting: their text is not carried over.
NEWS_SECTIONS = frozenset({HOT_SEAT_HEADING[3:].lower(), UPDATE_HEADING[3:].lower()})

# Plain YAML keys that a YAML 1.1 reader would turn into something else.
_PLAIN_KEY = re.compile(r"^[a-z][a-z0-9-]*$")
_YAML11_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})


@dataclass
class PreparedNote:
    member: str
    meeting: dt.date
    path: Path  # absolute
    shown: Path  # relative to the group root, for messages
    text: str
    owed: list[Owed]


def prepare(view: MemberView, *, hot_seat: bool = False) -> PreparedNote:
    """Render ``view.member``'s note for ``view.meeting`` (nothing is written)."""
    repo, group, member, meeting = view.repo, view.group, view.member, view.meeting
    entry = group.member(member)
    if entry is None:
        raise UsageError(f"no member {member!r} in mastermind.yaml")
    if not entry.active_on(meeting):
        raise UsageError(
            f"{member} is not in the group on {meeting} "
            f"(joined {entry.joined or '-'}, left {entry.left or '-'}); no note to prepare"
        )
    if not schedule.is_meeting(group, meeting):
        raise UsageError(f"{meeting} is not a meeting date of the group's schedule")
    owed = view.carry.owed
    previous, profile = view.previous, view.profile
    results = []
    for goal in profile.goals if profile else []:
        if goal.due is not None and goal.due < meeting:
            continue
        last = view.carry.last_results.get(goal.id)
        results.append(
            {
                "id": goal.id,
                "key": yaml_key(goal.id),
                "title": _one_line(goal.title),
                "metric": _one_line(goal.metric),
                "unit": _one_line(goal.unit or ""),
                "last": _number(last[0]) if last else None,
                "last_meeting": last[1].isoformat() if last else None,
                "baseline": _number(goal.baseline),
                "target": _number(goal.target),
                "due": goal.due.isoformat() if goal.due else None,
            }
        )
    reports = [
        {
            "id": o.id,
            "text": _one_line(o.commitment.text),
            "meeting": o.commitment.meeting.isoformat(),
            "due": o.due.isoformat() if o.due else None,
            "overdue": bool(o.due and o.due < meeting),
        }
        for o in owed
    ]
    lost = view.not_carried
    context: dict[str, Any] = {
        "group": group.name,
        "member": member,
        "name": entry.name,
        "meeting": meeting.isoformat(),
        "start": schedule.start(group, meeting).strftime("%Y-%m-%d %H:%M %Z"),
        "vision": _one_line(profile.vision or "") if profile else "",
        "results": results,
        "report": reports,
        "hot_seat": hot_seat,
        "hot_seat_minutes": group.hot_seat_minutes,
        "action_plan": carried_body(previous.body) if previous else "",
        "last_meeting": previous.meeting.isoformat() if previous else None,
        # Said in the note (a YAML comment) when the latest earlier note is broken.
        "not_carried": _one_line(f"{lost.path.as_posix()}:{lost.line}: {lost.message}")
        if lost
        else "",
    }
    from mastermind_kit.render import render

    text = render(TEMPLATE, context, group_root=repo.root)
    path = repo.note_path(meeting, member)
    _validate(repo, path, text, member, meeting)
    return PreparedNote(
        member=member, meeting=meeting, path=path, shown=repo.rel(path), text=text, owed=owed
    )


def write(prepared: PreparedNote, *, root: Path, force: bool = False) -> Path | None:
    """Write the note; never over an existing one unless ``force`` (which keeps a .bak,
    returned); never through a symlinked note or meeting folder (``root``: the group's)."""
    from mastermind_kit.errors import ExistsError
    from mastermind_kit.fsutil import os_errors, refuse_links, write_new

    with os_errors(prepared.shown):  # no permission, a full disk: one line, nothing written
        refuse_links(root, prepared.path, prepared.shown)
        if not force and (prepared.path.exists() or prepared.path.is_symlink()):
            raise ExistsError(
                f"{prepared.shown} already exists; nothing was written",
                hint="prep never overwrites a note; --force replaces it and keeps a .bak copy",
            )
        return write_new(prepared.path, prepared.text, force=force)


def carried_body(body: str) -> str:
    """The last note's body to refresh: what is still current (the action plan, any
    section of the member's own) is kept; what was news last time starts afresh: the
    update keeps its heading and prompt, the hot-seat write-up (about the last
    meeting's issue) is left out. Trimmed of blank lines at both ends."""
    kept: list[str] = []
    skipping = False
    for line in body.split("\n"):
        if line.startswith("## "):
            title = line[3:].strip().lower()
            skipping = title in NEWS_SECTIONS
            if title == UPDATE_HEADING[3:].lower():
                kept.extend([line, "", UPDATE_PROMPT, ""])
        if not skipping:
            kept.append(line)
    return "\n".join(kept).strip("\n")


def yaml_key(key: str) -> str:
    """A goal id as a mapping key that reads back as that text in YAML 1.1 and 1.2."""
    if _PLAIN_KEY.match(key) and key not in _YAML11_WORDS:
        return key
    from mastermind_kit.render import yaml_scalar

    return yaml_scalar(key)


def _one_line(text: str) -> str:
    """Text for a YAML comment or a heading: one line, no control characters."""
    return " ".join(str(text).split())


def _number(value: float | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _validate(repo: GroupRepo, path: Path, text: str, member: str, meeting: dt.date) -> None:
    """The rendered note must read back as a valid note of this member and meeting."""
    from mastermind_kit.read import note_text_problem

    problem = note_text_problem(repo, repo.rel(path), text, member, meeting)
    if problem is not None:
        raise InputError(
            f"the note template produced an invalid note ({problem}); nothing was written",
            path=Path("templates") / TEMPLATE,
        )
