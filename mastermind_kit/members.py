"""``mastermind member add|leave|edit|list``: the member list in mastermind.yaml.

Every change goes through ``edit_config``: the config is edited with ruamel.yaml's
round-trip mode, only the lines the change touches replace the old ones (so the
group's comments, key order, quoting and layout survive byte for byte), and the result
is re-read and held to the schema and the config's own rules before it atomically
replaces the file. A refused or failed change leaves everything as it was.

A member's profile (``members/<id>.md``) is their own file: ``add`` writes the first
one, and nothing here edits it later.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import io
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mastermind_kit import schema
from mastermind_kit.errors import InputError, UsageError
from mastermind_kit.findings import ERROR
from mastermind_kit.fsutil import atomic_write, os_errors, refuse_links, write_new
from mastermind_kit.load import parse_yaml, read_text
from mastermind_kit.model import Group, MemberEntry, is_slug, parse_date
from mastermind_kit.render import render
from mastermind_kit.repo import CONFIG, RESERVED_IDS, GroupRepo, Loaded

__all__ = [
    "Leaving",
    "MemberEdit",
    "add_member",
    "edit_config",
    "edit_member",
    "leave_member",
    "list_members",
]


def add_member(
    repo: GroupRepo,
    member_id: str,
    *,
    name: str,
    emails: list[str],
    joined: dt.date,
) -> list[Path]:
    """Add a member to the config and write their profile; returns the files written."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if not is_slug(member_id) or member_id in RESERVED_IDS:
        raise UsageError(
            f"{member_id!r} is not a valid member id",
            hint="lowercase letters, digits and '-', starting with a letter or digit",
        )
    _check_name(name)
    group = repo.group
    if group.member(member_id) is not None:
        raise UsageError(f"member {member_id!r} already exists")
    for email in emails:
        _check_free(group, email, member_id)
    profile = repo.profile_path(member_id)
    if os.path.lexists(profile):
        raise UsageError(f"{repo.rel(profile)} already exists; nothing was written")

    def add(config: Any) -> None:
        entry = CommentedMap()
        entry["id"] = member_id
        entry["name"] = name
        email_list = CommentedSeq(emails)
        email_list.fa.set_flow_style()
        entry["emails"] = email_list
        entry["joined"] = joined
        entry["left"] = None
        config["members"].append(entry)

    text = render("member.md.j2", {"name": name}, group_root=repo.root)
    with os_errors(repo.rel(profile)):
        # members/ may be a committed symlink: never write the profile through it.
        refuse_links(repo.root, profile, repo.rel(profile))
        write_new(profile, text)
    try:
        config_path = edit_config(repo, add)
    except BaseException:
        profile.unlink(missing_ok=True)
        raise
    return [profile, config_path]


# -- leaving -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Leaving:
    """What ``leave_member`` did: ``left`` is the member's last meeting day."""

    member: str
    left: dt.date
    previous: dt.date | None = None  # the date it replaced, when it changed one
    changed: bool = True  # False: the member had left on that very date already
    remaining: int = 0  # members still in the group after ``left``


def leave_member(
    repo: GroupRepo,
    member_id: str,
    *,
    date: dt.date | None,
    now: dt.datetime | dt.date,
) -> Leaving:
    """Set ``left`` of a member: ``date``, else the last meeting that has started by
    ``now`` (else ``now``'s date in the group's time zone, when none has).

    Refused for a member who already left unless ``date`` is given (then it is
    changed), for a date before the member joined, and while the member has a note for
    a meeting after it (that note would become an error of ``check``)."""
    from mastermind_kit import schedule
    from mastermind_kit.recap import last_held

    group = repo.group
    entry = _known(group, member_id)
    if entry.left is not None and date is None:
        raise UsageError(
            f"{member_id} already left on {entry.left}",
            hint="pass --date DATE to change that date",
        )
    held = last_held(group, now) if date is None else None
    day = date or held or schedule.local_date(group, now)
    if day == entry.left:
        return Leaving(member_id, day, changed=False, remaining=_remaining(group, member_id, day))
    if entry.joined is not None and day < entry.joined:
        how = "" if date is not None else "the last meeting, " if held else "today, "
        raise UsageError(
            f"cannot leave on {how}{day}: {member_id} joined on {entry.joined}",
            hint=None if date is not None else "pass --date DATE, on or after that day",
        )
    later = [rel for rel in repo.member_notes(member_id) if _note_day(rel) > day]
    if later:
        notes = f"a note for a meeting after {day}: {later[0]}"
        if len(later) > 1:
            notes = f"notes for meetings after {day}: {later[0]} and {len(later) - 1} more"
        raise UsageError(
            f"{member_id} has {notes}",
            hint=f"delete {'them' if len(later) > 1 else 'it'} first, or pass --date "
            f"{_note_day(later[-1])} if that was their last meeting",
        )

    def leave(config: Any) -> None:
        _set(_entry_map(config, member_id), "left", day, after=("joined", "emails", "name"))

    edit_config(repo, leave)
    return Leaving(member_id, day, previous=entry.left, remaining=_remaining(group, member_id, day))


def _note_day(rel: str) -> dt.date:
    day = parse_date(rel.split("/")[1])  # meetings/<date>/<id>.md, as member_notes names it
    assert day is not None
    return day


def _remaining(group: Group, member_id: str, day: dt.date) -> int:
    """How many other members are in the group after ``day`` (or will join)."""
    return sum(1 for m in group.members if m.id != member_id and (m.left is None or m.left > day))


# -- editing -------------------------------------------------------------------------------


@dataclass
class MemberEdit:
    """What ``edit_member`` changed, said in words (empty: nothing to change)."""

    member: str
    changes: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)  # the member's emails afterwards
    profile_name: str | None = None  # the profile's name, when it differs from the new one


def edit_member(
    repo: GroupRepo,
    member_id: str,
    *,
    name: str | None = None,
    add_emails: Sequence[str] = (),
    remove_emails: Sequence[str] = (),
) -> MemberEdit:
    """Change a member's name or git emails in the config (never their profile).

    An email of another member, one to remove that the member does not have, and one
    to add that they have already are refused. Removing the last email is allowed: the
    member is then known only by ``--member ID``."""
    if name is None and not add_emails and not remove_emails:
        raise UsageError("nothing to change", hint="give --name, --add-email or --remove-email")
    group = repo.group
    entry = _known(group, member_id)
    if name is not None:
        _check_name(name)
    emails = list(entry.emails)
    changes: list[str] = []
    for email in dict.fromkeys(remove_emails):  # each once, in the order given
        index = _find_email(emails, email)
        if index is None:
            raise UsageError(
                f"{member_id} has no email {email}",
                hint=f"their emails: {', '.join(entry.emails) or 'none'}",
            )
        changes.append(f"removed email {emails.pop(index)}")
    for email in dict.fromkeys(add_emails):
        if _find_email(emails, email) is not None:
            raise UsageError(f"{member_id} already has email {email}")
        if _find_email(remove_emails, email) is not None:
            raise UsageError(f"{email} is given to both --add-email and --remove-email")
        _check_free(group, email, member_id)
        emails.append(email)
        changes.append(f"added email {email}")
    if name is not None and name != entry.name:
        changes.insert(0, f"name {entry.name!r} -> {name!r}")
    result = MemberEdit(member_id, changes, emails)
    if not changes:
        return result

    def edit(config: Any) -> None:
        from ruamel.yaml.comments import CommentedSeq

        member = _entry_map(config, member_id)
        if name is not None and name != entry.name:
            _set(member, "name", _same_style(member.get("name"), name), after=("id",))
        if emails != entry.emails:
            listed = member.get("emails")
            if isinstance(listed, CommentedSeq):
                # In place, so that the list keeps its style (flow or block) and comments.
                for email in remove_emails:
                    index = _find_email([str(e) for e in listed], email)
                    if index is not None:
                        del listed[index]
                listed.extend(e for e in emails if _find_email(entry.emails, e) is None)
            else:
                fresh = CommentedSeq(emails)
                fresh.fa.set_flow_style()
                _set(member, "emails", fresh, after=("name", "id"))

    edit_config(repo, edit)
    if name is not None:
        profile = repo.profile(member_id)[0]
        if profile is not None and profile.name != name:
            result.profile_name = profile.name
    return result


def _find_email(emails: Sequence[str], email: str) -> int | None:
    wanted = email.strip().lower()
    return next((i for i, e in enumerate(emails) if e.strip().lower() == wanted), None)


def _same_style(old: Any, new: str) -> Any:
    """``new`` quoted the way ``old`` was (a group that quotes names keeps doing so)."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString

    for style in (DoubleQuotedScalarString, SingleQuotedScalarString):
        if isinstance(old, style):
            return style(new)
    return new if _reads_back(new) else DoubleQuotedScalarString(new)


def _reads_back(text: str) -> bool:
    """Whether ``text`` written plain reads back as that text, in YAML 1.1 too
    (``no``, ``1:30``, ``null`` and ``&a`` do not)."""
    import yaml

    try:
        return bool(yaml.safe_load(text) == text)
    except yaml.YAMLError:
        return False


# -- shared checks ---------------------------------------------------------------------------


def _known(group: Group, member_id: str) -> MemberEntry:
    entry = group.member(member_id)
    if entry is None:
        ids = ", ".join(m.id for m in group.members) or "none"
        raise UsageError(f"no member {member_id!r} in {CONFIG} (members: {ids})")
    return entry


def _check_name(name: str) -> None:
    if not name.strip():
        raise UsageError("the name must not be blank")


def _check_free(group: Group, email: str, member_id: str) -> None:
    owner = group.member_by_email(email)
    if owner is not None and owner.id != member_id:
        raise UsageError(f"email {email} already belongs to member {owner.id!r}")


# -- the one way the config is changed -----------------------------------------------------------


def edit_config(repo: GroupRepo, change: Callable[[Any], None]) -> Path:
    """Apply ``change`` to the ruamel round-trip data of mastermind.yaml and replace the
    file with the result; returns its path.

    Only the lines the change touches are replaced, the rest stay byte for byte (also a
    BOM and CRLF line ends). The result must pass the schema and the config's own rules
    (those ``check`` applies), else a UsageError says why and nothing is written."""
    from mastermind_kit.repo import _config_rules, group_from

    config_path = repo.config_path()
    shown = repo.rel(config_path)
    original, had_bom, had_crlf, _ = read_text(config_path, display=shown)
    yaml = round_trip(original)
    data = yaml.load(original)
    baseline = _dump(yaml, data)
    change(data)
    updated = _keep_untouched(original, baseline, _dump(yaml, data), shown)

    try:
        reread = parse_yaml(updated, shown)
        problems = [f for f in schema.validate(reread, "config") if f.severity == ERROR]
        if not problems:
            loaded = Loaded(shown, reread)
            problems = [f for f in _config_rules(group_from(reread), loaded) if f.severity == ERROR]
    except InputError as error:  # pragma: no cover - ruamel wrote what it cannot read back
        raise UsageError(f"the change would make {shown} unreadable: {error}") from None
    if problems:
        raise UsageError(
            f"the change would make {shown} invalid: {problems[0].message}; nothing was written"
        )
    if had_crlf:
        updated = updated.replace("\n", "\r\n")
    with os_errors(shown):  # no permission, a full disk: the old file stays as it was
        refuse_links(repo.root, config_path, shown)
        atomic_write(config_path, ("\ufeff" if had_bom else "") + updated)
    return config_path


def round_trip(text: str = "") -> Any:
    """A ruamel.yaml round-trip handle that writes the way ``text`` is indented (else the
    way our templates are)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.util import load_yaml_guess_indent

    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    sequence, offset = load_yaml_guess_indent(text)[1:] if text else (None, None)
    if sequence is None or offset is None or sequence < offset + 2:
        sequence, offset = 4, 2
    yaml.indent(mapping=2, sequence=sequence, offset=offset)
    yaml.representer.add_representer(
        type(None),
        lambda representer, _: representer.represent_scalar("tag:yaml.org,2002:null", "null"),
    )
    return yaml


def _dump(yaml: Any, data: Any) -> str:
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _entry_map(config: Any, member_id: str) -> Any:
    return next(m for m in config["members"] if m.get("id") == member_id)


def _set(mapping: Any, key: str, value: Any, *, after: tuple[str, ...]) -> None:
    """Set ``key``; a new key goes after the first of ``after`` the mapping has (so a
    new ``left`` follows ``joined``), else last."""
    if key in mapping:
        mapping[key] = value
        return
    keys = list(mapping)
    anchor = next((k for k in after if k in mapping), keys[-1])
    mapping.insert(keys.index(anchor) + 1, key, value)
    # ruamel keeps the comment lines below a key with that key: they belong below the
    # new one now (a comment about the next member stays above the next member).
    comments = mapping.ca.items.get(anchor)
    token = comments[2] if comments and len(comments) > 2 else None
    if token is None or "\n" not in token.value:
        return
    own, _, below = token.value.partition("\n")
    if not below:
        return
    moved = copy.copy(token)
    moved.value = "\n" + below
    mapping.ca.items[key] = [None, None, moved, None]
    if own:
        token.value = own + "\n"
    else:
        comments[2] = None


def _keep_untouched(original: str, baseline: str, updated: str, shown: Path) -> str:
    """``updated`` (ruamel's dump after the change), with every line the change did not
    touch as it was in ``original``.

    ruamel writes back most files exactly (``baseline``, the dump before the change, is
    then ``original``), but it normalizes some spellings: ``~`` or ``Null``, spacing
    after a colon or inside ``[ ]``, a ``---`` line. The change is the difference
    between ``baseline`` and ``updated``; it is applied to ``original`` where the lines
    around it are ones ruamel wrote back as they were, and checked by reading both."""
    if baseline == original:
        return updated
    old, base, new = (text.splitlines(keepends=True) for text in (original, baseline, updated))
    # Where each line of the baseline stands in the original: the lines ruamel kept, and
    # those it respelled one for one.
    at: dict[int, int] = {}
    matcher = difflib.SequenceMatcher(None, old, base, autojunk=False)
    for tag, o1, o2, b1, b2 in matcher.get_opcodes():
        if tag == "equal" or (tag == "replace" and o2 - o1 == b2 - b1):
            at.update((b1 + k, o1 + k) for k in range(b2 - b1))
    spliced = list(old)
    done_until = len(old) + 1
    opcodes = difflib.SequenceMatcher(None, base, new, autojunk=False).get_opcodes()
    for tag, b1, b2, n1, n2 in reversed(opcodes):
        if tag == "equal":
            continue
        # Widen the hunk to lines ruamel kept, so that it has an anchor on both sides.
        lo, hi = b1, b2
        while lo > 0 and lo - 1 not in at:
            lo -= 1
        while hi < len(base) and hi not in at:
            hi += 1
        start = at[lo - 1] + 1 if lo > 0 else 0
        end = at[hi] if hi < len(base) else len(old)
        if end > done_until:
            return updated  # two changes in one stretch ruamel rewrote: take its dump
        spliced[start:end] = new[n1 - (b1 - lo) : n2 + (hi - b2)]
        done_until = start
    result = "".join(spliced)
    try:
        same = parse_yaml(result, shown).data == parse_yaml(updated, shown).data
    except InputError:  # pragma: no cover - a splice that breaks the YAML: use the dump
        same = False
    return result if same else updated


def list_members(repo: GroupRepo) -> list[MemberEntry]:
    return list(repo.group.members)
