"""``mastermind init``: a new group repo, complete and committed, or nothing at all."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from mastermind_kit import history, schedule
from mastermind_kit.ci import PROVIDERS, Install, default_install, workflow
from mastermind_kit.errors import GitError, UsageError
from mastermind_kit.fsutil import atomic_write, os_errors
from mastermind_kit.model import is_slug
from mastermind_kit.render import render

CADENCE_WORDS = {"weekly": "every week", "biweekly": "every two weeks", "monthly": "every month"}


@dataclass
class NewMember:
    id: str
    name: str
    emails: list[str] = field(default_factory=list)

    @classmethod
    def parse(cls, spec: str) -> NewMember:
        """``ID[:NAME[:EMAIL]]`` as given to ``init --member``."""
        ident, _, rest = spec.partition(":")
        name, _, email = rest.partition(":")
        if not is_slug(ident):
            raise UsageError(
                f"--member {spec!r}: {ident!r} is not a valid member id",
                hint="lowercase letters, digits and '-', e.g. alice or bob-k",
            )
        return cls(ident, name or ident.capitalize(), [email] if email else [])


def slug_from(text: str) -> str:
    slug = re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")
    return slug[:40] or "me"


def local_timezone() -> str:
    """The machine's IANA zone name when it can be told, else UTC."""
    name = os.environ.get("TZ", "").lstrip(":")
    if name and schedule.valid_timezone(name):
        return name
    try:
        target = os.readlink("/etc/localtime")
    except OSError:
        return "UTC"
    _, _, name = target.partition("zoneinfo/")
    return name if name and schedule.valid_timezone(name) else "UTC"


def _refuse_nesting(target: Path) -> None:
    """A group inside another group, or inside any git work tree (or a .git folder),
    would be a repo in a repo: its files invisible to the outer one, or committed into
    it by accident."""
    from mastermind_kit.repo import find_root

    parent = target.absolute().parent
    group = find_root(parent)
    if group is not None:
        raise UsageError(
            f"{target} would be inside the group repo {group}; nothing was written",
            hint="create the new group outside it, or use --force to nest it anyway",
        )
    top = history.toplevel(parent)
    if top is not None:
        raise UsageError(
            f"{target} would be inside the git work tree {top}; a group is a repo of its "
            "own, nothing was written",
            hint="create it outside that repo, or use --force to nest it anyway",
        )
    if history.inside_git_dir(parent):
        raise UsageError(f"{target} would be inside a .git folder; nothing was written")


def create_group(
    target: Path,
    *,
    name: str,
    cadence: str,
    first_meeting: dt.date,
    time: str,
    timezone: str,
    members: list[NewMember],
    ci: str | None = None,
    install: Install | None = None,
    nested: bool = False,
) -> Path:
    """Make ``target`` a new group repo with one commit. Returns its path. With ``ci``
    ("github" or "gitlab") the commit holds a CI workflow too, installing mastermind-kit
    with ``install`` (default: as the running one was installed)."""
    with os_errors(target, doing="create"):  # a name too long, a file on the way
        if target.exists() and (not target.is_dir() or any(target.iterdir())):
            raise UsageError(f"{target} already exists and is not empty; nothing was written")
    if not schedule.valid_timezone(timezone):
        raise UsageError(
            f"unknown time zone {timezone!r}", hint="use an IANA name like Europe/Berlin"
        )
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", time):
        raise UsageError(f"--time {time!r} is not a time HH:MM (24-hour)")
    if not name.strip():
        raise UsageError("--name must not be empty")
    parent = target.absolute().parent
    if not parent.is_dir():
        raise UsageError(f"{parent} does not exist")
    if not nested:
        _refuse_nesting(target)
    ident = history.identity(parent)
    if ident is None:
        raise GitError(
            "git does not know who you are, so the first commit cannot be made; nothing was "
            "written",
            hint='set it with: git config --global user.name "Your Name" && '
            "git config --global user.email you@example.org",
        )
    if not members:
        members = [NewMember(slug_from(ident[1].split("@")[0]), ident[0], [ident[1]])]
    seen: set[str] = set()
    for member in members:
        if member.id in seen:
            raise UsageError(f"member id {member.id!r} is given twice")
        seen.add(member.id)

    config = render(
        "mastermind.yaml.j2",
        _context(
            name=name,
            cadence=cadence,
            first_meeting=first_meeting,
            time=time,
            timezone=timezone,
            members=members,
        ),
    )
    files = {"mastermind.yaml": config, **scaffold(config)}
    for member in members:
        files[f"members/{member.id}.md"] = render("member.md.j2", {"name": member.name})
    if ci is not None:
        files[str(PROVIDERS[ci])] = workflow(ci, install=install or default_install())
    with os_errors(target, doing="create"):  # no permission, a full disk: nothing is left
        _stage(target, parent, files, name)
    return target


def _stage(target: Path, parent: Path, files: dict[str, str], name: str) -> None:
    """Write ``files`` into a new folder beside ``target``, commit them, and move the
    folder into place: ``target`` is the whole new repo or nothing."""
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=parent))
    staging.chmod(0o755 & ~_umask())
    try:
        for relative, text in files.items():
            atomic_write(staging / relative, text)
        _refuse_invalid(staging)
        (staging / "meetings").mkdir()
        (staging / "meetings" / ".gitkeep").touch()
        history.init(staging)
        history.commit(staging, f"Start {name}")
        if target.exists():
            target.rmdir()  # empty, checked above
        os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _refuse_invalid(staging: Path) -> None:
    """The options make the files; a bad one (an email that is none, an email given to
    two members) must stop here, not in the first commit of the group."""
    from mastermind_kit.check import check_repo
    from mastermind_kit.findings import ERROR
    from mastermind_kit.repo import GroupRepo

    errors = [f for f in check_repo(GroupRepo(staging)) if f.severity == ERROR]
    if errors:
        raise UsageError(
            f"these options would make an invalid group: {errors[0].path}: {errors[0].message}; "
            "nothing was written"
        )


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _context(**values: object) -> dict[str, object]:
    first = values["first_meeting"]
    values["first_meeting"] = first.isoformat() if isinstance(first, dt.date) else first
    values["cadence_words"] = CADENCE_WORDS[str(values["cadence"])]
    return values


def scaffold(config: str) -> dict[str, str]:
    """The files a group repo has beside its config: README, .gitignore, pre-commit."""
    import yaml

    data = yaml.safe_load(config)
    context = _context(
        name=data["name"],
        cadence=data["cadence"],
        first_meeting=data["first_meeting"],
        time=data["time"],
        timezone=data["timezone"],
        agreement=str(data.get("agreement", "")).strip(),
    )
    return {
        "README.md": render("group-README.md.j2", context),
        ".gitignore": render("gitignore.j2", context),
        ".pre-commit-config.yaml": render("pre-commit-config.yaml.j2", context),
    }
