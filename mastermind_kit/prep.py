"""``mastermind prep``: a member's note for a meeting, with everything carried over.

The note is rendered from ``note.md.j2`` (a group may override it in its own
``templates/``) and pre-filled from the model:

- a ``report`` entry for every commitment the member still has to report on
  (``to_report``), its text and due date as a YAML comment, the status left empty;
- a ``results`` entry for each active goal (no due date, or due on or after the
  meeting), the last measured value and the target as a comment, the value null;
- the body of the member's last note (the action plan), to refresh; an old hot-seat
  write-up is left out;
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
from mastermind_kit.model import Commitment, Group, Note
from mastermind_kit.repo import GroupRepo, Workspace

TEMPLATE = "note.md.j2"
HOT_SEAT_HEADING = "## Hot seat"

# Plain YAML keys that a YAML 1.1 reader would turn into something else.
_PLAIN_KEY = re.compile(r"^[a-z][a-z0-9-]*$")
_YAML11_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})


@dataclass
class Owed:
    """A commitment the member still has to report on at a meeting."""

    commitment: Commitment
    due: dt.date | None  # the commitment's due date, or the next meeting after it was made

    @property
    def id(self) -> str:
        return self.commitment.id


def to_report(workspace: Workspace, member: str, meeting: dt.date) -> list[Owed]:
    """The commitments ``member`` has to report on at ``meeting``, oldest first.

    The one answer to "what do I owe?" for prep, status and agenda, read off the
    ledger's fates (``ledger.fates``, the definitions in PRODUCT.md) as they stand
    before ``meeting``: a commitment is owed while its fate is ``open`` (not due yet)
    or ``unreported`` (due, and no report yet). A report with any status (done,
    partial, missed, dropped) settles it. Re-making a commitment (``carried_from``)
    does not: the summary counts the old one unreported until it is reported on, so
    prep asks for that report too.
    """
    from mastermind_kit.ledger import fates

    notes = [n for n in workspace.notes_of(member) if n.meeting < meeting]
    entries = fates(workspace.group, member, notes)
    owed = [
        Owed(commitment=e.commitment, due=e.due)
        for e in entries
        if e.fate in ("open", "unreported")
    ]
    return sorted(owed, key=lambda o: (o.commitment.meeting, o.commitment.id))


def whoami(repo: GroupRepo, group: Group, member: str | None) -> str:
    """The member a command is about: ``--member``, else the git ``user.email`` of the
    repo matched against the members' emails, else a UsageError listing the members."""
    ids = ", ".join(m.id for m in group.members) or "none"
    if member is not None:
        if group.member(member) is None:
            raise UsageError(f"no member {member!r} in mastermind.yaml (members: {ids})")
        return member
    from mastermind_kit import history

    email = history.config_get(repo.root, "user.email")
    if email:
        found = group.member_by_email(email)
        if found is not None:
            return found.id
        raise UsageError(
            f"your git user.email {email} is not in any member's emails",
            hint=f"use --member ID (members: {ids}), or add the email to mastermind.yaml",
        )
    raise UsageError(
        "cannot tell who you are: git user.email is not set",
        hint=f"use --member ID (members: {ids})",
    )


def last_note(workspace: Workspace, member: str, meeting: dt.date) -> Note | None:
    """The member's latest note for a meeting before ``meeting``."""
    earlier = [n for n in workspace.notes_of(member) if n.meeting < meeting]
    return earlier[-1] if earlier else None


def last_result(
    workspace: Workspace, member: str, goal: str, meeting: dt.date
) -> tuple[float, dt.date] | None:
    """The latest measured value of a goal before ``meeting``, with its meeting."""
    for note in reversed(workspace.notes_of(member)):
        if note.meeting < meeting and note.results.get(goal) is not None:
            value = note.results[goal]
            assert value is not None
            return value, note.meeting
    return None


@dataclass
class PreparedNote:
    member: str
    meeting: dt.date
    path: Path  # absolute
    shown: Path  # relative to the group root, for messages
    text: str
    owed: list[Owed]


def prepare(
    workspace: Workspace, member: str, meeting: dt.date, *, hot_seat: bool = False
) -> PreparedNote:
    """Render ``member``'s note for ``meeting`` (nothing is written)."""
    repo, group = workspace.repo, workspace.group
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
    owed = to_report(workspace, member, meeting)
    previous = last_note(workspace, member, meeting)
    profile = workspace.profiles.get(member)
    results = []
    for goal in profile.goals if profile else []:
        if goal.due is not None and goal.due < meeting:
            continue
        last = last_result(workspace, member, goal.id, meeting)
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
    }
    from mastermind_kit.render import render

    text = render(TEMPLATE, context, group_root=repo.root)
    path = repo.note_path(meeting, member)
    _validate(repo, path, text, member, meeting)
    return PreparedNote(
        member=member, meeting=meeting, path=path, shown=repo.rel(path), text=text, owed=owed
    )


def write(prepared: PreparedNote, *, force: bool = False) -> Path | None:
    """Write the note; never over an existing one unless ``force`` (which keeps a .bak,
    returned)."""
    from mastermind_kit.errors import ExistsError
    from mastermind_kit.fsutil import write_new

    if not force and (prepared.path.exists() or prepared.path.is_symlink()):
        raise ExistsError(
            f"{prepared.shown} already exists; nothing was written",
            hint="prep never overwrites a note; --force replaces it and keeps a .bak copy",
        )
    return write_new(prepared.path, prepared.text, force=force)


def carried_body(body: str) -> str:
    """The last note's body to refresh: without its hot-seat write-up (that was about
    the last meeting's issue), trimmed of blank lines at both ends."""
    kept: list[str] = []
    skipping = False
    for line in body.split("\n"):
        if line.startswith("## "):
            skipping = line.strip().lower().startswith(HOT_SEAT_HEADING.lower())
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
    from mastermind_kit import schema
    from mastermind_kit.load import parse_front_matter

    shown = repo.rel(path)
    try:
        doc = parse_front_matter(text, shown)
    except InputError as error:
        raise InputError(
            f"the note template produced text that is not a valid note: {error.message}",
            path=Path("templates") / TEMPLATE,
        ) from None
    errors = [f for f in schema.validate(doc, "note") if f.severity == "error"]
    data = doc.data if isinstance(doc.data, dict) else {}
    if not errors and (data.get("member"), data.get("meeting")) == (member, meeting.isoformat()):
        return
    detail = errors[0].message if errors else "member or meeting do not match"
    raise InputError(
        f"the note template produced an invalid note ({detail}); nothing was written",
        path=Path("templates") / TEMPLATE,
    )
