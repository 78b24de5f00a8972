"""``mastermind member add|list``: the member list in mastermind.yaml and profiles.

The config is edited with ruamel.yaml's round-trip mode so that the group's comments,
key order and quoting survive; the result is re-read and validated before it replaces
the file, so a failed add leaves everything as it was.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from mastermind_kit import schema
from mastermind_kit.errors import InputError, UsageError
from mastermind_kit.fsutil import atomic_write, write_new
from mastermind_kit.load import parse_yaml
from mastermind_kit.model import MemberEntry, is_slug
from mastermind_kit.render import render
from mastermind_kit.repo import RESERVED_IDS, GroupRepo


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
    group = repo.group
    if group.member(member_id) is not None:
        raise UsageError(f"member {member_id!r} already exists")
    for email in emails:
        owner = group.member_by_email(email)
        if owner is not None:
            raise UsageError(f"email {email} already belongs to member {owner.id!r}")
    profile = repo.profile_path(member_id)
    if profile.exists():
        raise UsageError(f"{repo.rel(profile)} already exists; nothing was written")

    yaml = round_trip()
    config_path = repo.config_path()
    original = config_path.read_text(encoding="utf-8-sig")
    data = yaml.load(original)
    entry = CommentedMap()
    entry["id"] = member_id
    entry["name"] = name
    email_list = CommentedSeq(emails)
    email_list.fa.set_flow_style()
    entry["emails"] = email_list
    entry["joined"] = joined
    entry["left"] = None
    data["members"].append(entry)
    out = io.StringIO()
    yaml.dump(data, out)
    updated = out.getvalue()

    reread = parse_yaml(updated, repo.rel(config_path))
    problems = [f for f in schema.validate(reread, "config") if f.severity == "error"]
    if problems:  # pragma: no cover - would be a bug in the edit above
        raise InputError(problems[0].message, path=repo.rel(config_path), line=problems[0].line)
    written = [profile]
    write_new(profile, render("member.md.j2", {"name": name}, group_root=repo.root))
    try:
        atomic_write(config_path, updated)
    except BaseException:
        profile.unlink(missing_ok=True)
        raise
    written.append(config_path)
    return written


def round_trip() -> Any:
    """A ruamel.yaml round-trip handle that writes the way our templates do."""
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.add_representer(
        type(None),
        lambda representer, _: representer.represent_scalar("tag:yaml.org,2002:null", "null"),
    )
    return yaml


def list_members(repo: GroupRepo) -> list[MemberEntry]:
    return list(repo.group.members)
