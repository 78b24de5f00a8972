"""The ``mastermind`` command line: thin commands over the library.

Each command parses its options, calls one library function, prints, and returns an
exit code: 0 ok, 1 findings, 2 usage or input error. ``main`` turns every expected
error into one line on stderr; a traceback means a bug.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from mastermind_kit import __version__
from mastermind_kit.errors import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, MastermindError
from mastermind_kit.schedule import MAX_LISTED

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@dataclass
class Settings:
    repo: Path | None
    color: bool | None


def _today(value: dt.date | None) -> dt.date:
    # The one place the real date is read; every library function takes it as a parameter.
    return value or dt.date.today()


def _repo(ctx: click.Context, hint: list[Path] | None = None) -> Any:
    repo = _find_repo(ctx, hint)
    if sys.stderr.isatty():
        repo.progress = _Progress()
    repo.remember_shapes()
    ctx.call_on_close(repo.save)
    return repo


def _find_repo(ctx: click.Context, hint: list[Path] | None) -> Any:
    from mastermind_kit.repo import GroupRepo, find_root

    settings: Settings = ctx.obj
    if settings.repo is not None:
        return GroupRepo.find(settings.repo, explicit=True)
    if hint:
        for path in hint:
            root = find_root(path if path.exists() else path.parent)
            if root is not None:
                return GroupRepo(root)
    return GroupRepo.find(Path.cwd())


class _Progress:
    """A one-line "reading group files n/total" counter on a terminal's stderr, for
    groups large enough to make the wait noticeable; erased when done. Never shown when
    piped."""

    def __init__(self, what: str = "reading group files", show_from: int = 300) -> None:
        self.what = what
        self.show_from = show_from  # items: fewer go by too fast to be worth a counter
        self.shown_at = 0.0

    def __call__(self, done: int, total: int) -> None:
        import time

        if total < self.show_from:
            return
        if done >= total:
            if self.shown_at:
                click.echo("\r\033[K", nl=False, err=True)
            return
        now = time.monotonic()
        if now - self.shown_at >= 0.1:
            self.shown_at = now
            click.echo(f"\r{self.what} {done}/{total}", nl=False, err=True)


def _echo(
    ctx: click.Context, text: str | bytes = "", *, err: bool = False, nl: bool = True
) -> None:
    """Print ``text``: our own lines, with any member's text in them escaped already
    (``render.visible``), so that our colours still work. A full disk or a closed
    terminal is one line (a closed pipe is ``main``'s)."""
    try:
        click.echo(text, err=err, nl=nl, color=ctx.obj.color if ctx.obj else None)
    except BrokenPipeError:
        raise
    except OSError as error:
        from mastermind_kit.errors import FileSystemError

        where = "standard error" if err else "standard output"
        raise FileSystemError(error, doing="write to", path=where) from None


def _echo_json(ctx: click.Context, data: Any) -> None:
    """``data`` as indented JSON: the raw values, with nothing that a terminal would act
    on left raw (``render.json_safe``)."""
    from mastermind_kit.render import json_safe

    _echo(ctx, json_safe(json.dumps(data, indent=2, ensure_ascii=False)))


# The days a command may be asked about: dates near the ends of the calendar would
# overflow the schedule's arithmetic.
_FIRST_DAY, _LAST_DAY = dt.date(1900, 1, 1), dt.date(2999, 12, 31)


def _from_repo_option(ctx: click.Context, path: Path) -> Path:
    """Like git -C: with --repo, a relative path is taken from there, not from here."""
    base = ctx.obj.repo
    return path if base is None or path.is_absolute() else base / path


class _Date(click.ParamType):  # type: ignore[type-arg]
    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from mastermind_kit.model import parse_date

        day = value if isinstance(value, dt.date) else parse_date(value)
        if day is None:
            self.fail(f"{value!r} is not a date (YYYY-MM-DD)", param, ctx)
        if not _FIRST_DAY <= day <= _LAST_DAY:
            self.fail(f"{value} is out of range ({_FIRST_DAY} to {_LAST_DAY})", param, ctx)
        return day


DATE = _Date()


class _Meeting(_Date):
    """A meeting: ``next`` or a DATE, read by the one date parser."""

    name = "DATE|next"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if value == "next":
            return value
        return super().convert(value, param, ctx)


MEETING = _Meeting()


def _strict_option(function: Any) -> Any:
    return click.option(
        "--strict",
        is_flag=True,
        help="Exit 1 when a group file had to be skipped (for CI).",
    )(function)


def _report_skipped(ctx: click.Context, repo: Any, skipped: list[Any], strict: bool) -> int:
    """One warning line per skipped file on stderr, naming it and the check to run; the
    exit code: 1 with ``--strict`` when anything was skipped, else 0."""
    import shlex

    from mastermind_kit.render import visible

    given = ctx.obj.repo
    for entry in skipped:
        if given is not None:  # like git -C: paths as seen from the repo
            shown = entry.path.as_posix()
            command = f"mastermind -C {shlex.quote(str(given))} check {shlex.quote(shown)}"
        else:
            shown = _from_cwd(repo.root / entry.path)
            command = f"mastermind check {shlex.quote(shown)}"
        line = f"{shown}:{entry.line}: skipped: {entry.message} (run '{command}')"
        _echo(ctx, visible(line, line=True), err=True)
    return EXIT_FINDINGS if strict and skipped else EXIT_OK


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "--version", prog_name="mastermind")
@click.option(
    "-C",
    "--repo",
    "repo",
    type=click.Path(file_okay=False, path_type=Path),
    help="Run in this group repo (default: the nearest folder with mastermind.yaml, like git).",
)
@click.pass_context
def cli(ctx: click.Context, repo: Path | None) -> None:
    """Peer-advisory mastermind groups in plain text and git.

    A group is a git repo of Markdown notes with YAML front matter. This tool
    prepares notes, checks them, and sums up who followed through.
    """
    color = False if os.environ.get("NO_COLOR") else None
    ctx.obj = Settings(repo=repo, color=color)


# -- init -------------------------------------------------------------------------------


@cli.command(context_settings=CONTEXT)
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--name", required=True, help="The group's name.")
@click.option(
    "--cadence",
    type=click.Choice(["weekly", "biweekly", "monthly"]),
    default="biweekly",
    show_default=True,
    help="How often the group meets.",
)
@click.option("--first-meeting", type=DATE, help="Date of the first meeting [default: in a week].")
@click.option("--time", "time_", default="18:00", show_default=True, help="Start time, HH:MM.")
@click.option("--timezone", help="IANA time zone [default: this machine's, else UTC].")
@click.option(
    "--member",
    "members",
    multiple=True,
    metavar="ID[:NAME[:EMAIL]]",
    help="A member (repeat). Default: you, from your git identity.",
)
@click.option(
    "--ci",
    "ci_provider",
    type=click.Choice(["github", "gitlab"]),
    help="Also write a CI workflow for this host into the first commit (see mastermind ci).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Create it even inside another git work tree or group repo (a nested repo).",
)
@click.option("--today", type=DATE, help="Pretend today is DATE (for reproducible runs).")
@click.pass_context
def init(
    ctx: click.Context,
    directory: Path,
    name: str,
    cadence: str,
    first_meeting: dt.date | None,
    time_: str,
    timezone: str | None,
    members: tuple[str, ...],
    ci_provider: str | None,
    force: bool,
    today: dt.date | None,
) -> int:
    """Create a new group repo in DIRECTORY, with a first commit.

    A group is a git repo of its own: DIRECTORY must not be inside another group or
    any other git work tree (--force to nest it anyway).
    """
    from mastermind_kit.ci import PROVIDERS, default_install
    from mastermind_kit.create import NewMember, create_group, local_timezone

    install = default_install() if ci_provider else None
    created = create_group(
        directory,
        name=name,
        cadence=cadence,
        first_meeting=first_meeting or _today(today) + dt.timedelta(days=7),
        time=time_,
        timezone=timezone or local_timezone(),
        members=[NewMember.parse(spec) for spec in members],
        ci=ci_provider,
        install=install,
        nested=force,
    )
    _echo(ctx, f"Created {name} in {created}")
    if ci_provider and install:
        _echo(ctx, f"with a CI workflow in {PROVIDERS[ci_provider]}")
        _warn_placeholder(ctx, install, ci_provider)
    _echo(ctx, "Next: push it to a private remote, and each member runs `pre-commit install`.")
    return EXIT_OK


@cli.command("ci", context_settings=CONTEXT)
@click.argument("provider", type=click.Choice(["github", "gitlab"]))
@click.option(
    "--install",
    "install_spec",
    metavar="SPEC",
    help="The pip requirement CI installs mastermind-kit with [default: where this "
    "mastermind was installed from, if pip recorded a URL].",
)
@click.option(
    "--force", is_flag=True, help="Replace an existing workflow file (a .bak copy is kept)."
)
@click.pass_context
def ci_command(ctx: click.Context, provider: str, install_spec: str | None, force: bool) -> int:
    """Write a CI workflow for the group repo: github or gitlab.

    On every push and pull (merge) request it runs mastermind check (as annotations,
    or a Code Quality report), mastermind audit on the full history, and builds the
    site as a private artifact that expires after 7 days; it never publishes it.
    Writes .github/workflows/mastermind.yml or .gitlab-ci.yml; never replaces one
    without --force.
    """
    import shlex

    from mastermind_kit import ci

    repo = _find_repo(ctx, None)
    install = ci.checked_install(install_spec) if install_spec is not None else ci.default_install()
    written = ci.write_workflow(repo.root, provider, install=install, force=force)
    given = ctx.obj.repo
    if given is not None:  # like git -C: paths as seen from the repo
        shown = written.path.as_posix()
        git = f"git -C {shlex.quote(str(given))}"
    else:
        shown = _from_cwd(repo.root / written.path)
        git = "git"
    _echo(ctx, f"wrote {shown}")
    if written.backup is not None:
        _echo(ctx, f"kept the old file as {shown}{written.backup.name[len(written.path.name) :]}")
    _warn_placeholder(ctx, install, provider)
    _echo(
        ctx,
        f"Next: commit it: {git} add {shlex.quote(shown)} && "
        f"{git} commit -m 'CI: mastermind check, audit and site'",
    )
    return EXIT_OK


def _warn_placeholder(ctx: click.Context, install: Any, provider: str) -> None:
    if not install.known:
        _echo(
            ctx,
            f"mastermind: warning: CI installs {install.spec}, which is not on PyPI: replace "
            f"MASTERMIND_INSTALL, or run 'mastermind ci {provider} --force --install SPEC'",
            err=True,
        )


# -- member -----------------------------------------------------------------------------


@cli.group(context_settings=CONTEXT)
def member() -> None:
    """Add, edit, retire or list the group's members."""


@member.command("add", context_settings=CONTEXT)
@click.argument("member_id", metavar="ID")
@click.option("--name", required=True, help="The member's full name.")
@click.option("--email", "emails", multiple=True, help="A git email of the member (repeat).")
@click.option("--joined", type=DATE, help="Date the member joins [default: today].")
@click.option("--today", type=DATE, help="Pretend today is DATE.")
@click.pass_context
def member_add(
    ctx: click.Context,
    member_id: str,
    name: str,
    emails: tuple[str, ...],
    joined: dt.date | None,
    today: dt.date | None,
) -> int:
    """Add member ID to mastermind.yaml and write members/ID.md."""
    from mastermind_kit.members import add_member

    repo = _repo(ctx)
    written = add_member(
        repo, member_id, name=name, emails=list(emails), joined=joined or _today(today)
    )
    for path in written:
        _echo(ctx, f"wrote {repo.rel(path)}")
    return EXIT_OK


@member.command("list", context_settings=CONTEXT)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.pass_context
def member_list(ctx: click.Context, fmt: str) -> int:
    """List the members, with when they joined and left."""
    from mastermind_kit.members import list_members
    from mastermind_kit.render import visible

    members = list_members(_repo(ctx))
    if fmt == "json":
        rows = [
            {
                "id": m.id,
                "name": m.name,
                "emails": m.emails,
                "joined": m.joined.isoformat() if m.joined else None,
                "left": m.left.isoformat() if m.left else None,
            }
            for m in members
        ]
        _echo_json(ctx, rows)
        return EXIT_OK
    for m in members:
        span = f"joined {m.joined or '-'}" + (f", left {m.left}" if m.left else "")
        _echo(ctx, f"{m.id:<16} {visible(m.name, line=True):<28} {span}")
    return EXIT_OK


@member.command("leave", context_settings=CONTEXT)
@click.argument("member_id", metavar="ID")
@click.option(
    "--date",
    type=DATE,
    help="The member's last meeting day [default: the last meeting that has started].",
)
@click.option("--today", type=DATE, help="Pretend today is DATE (for reproducible runs).")
@click.pass_context
def member_leave(
    ctx: click.Context, member_id: str, date: dt.date | None, today: dt.date | None
) -> int:
    """Record that member ID left the group: sets 'left' in mastermind.yaml.

    'left' is the member's last meeting day: they are in the group up to and
    including it, and owe no notes or report-backs after it. Without --date it is
    the last meeting that has started (with --today DATE: the last one before DATE),
    or today when none has. Refused when ID already left (give --date to change the
    date), when the date is before they joined, or while they have a note for a
    later meeting. The rest of mastermind.yaml (comments, order, quoting) is kept.
    """
    from mastermind_kit.members import leave_member

    repo = _repo(ctx)
    done = leave_member(repo, member_id, date=date, now=_now(today))
    if not done.changed:
        _echo(ctx, f"{member_id} already left on {done.left}; nothing changed")
        return EXIT_OK
    was = f" (was {done.previous})" if done.previous else ""
    _echo(ctx, f"wrote {repo.rel(repo.config_path())}: {member_id} left on {done.left}{was}")
    if not done.remaining:
        _echo(ctx, f"mastermind: warning: nobody is in the group after {done.left}", err=True)
    return EXIT_OK


@member.command("edit", context_settings=CONTEXT)
@click.argument("member_id", metavar="ID")
@click.option("--name", help="The member's new full name.")
@click.option(
    "--add-email",
    "add_emails",
    multiple=True,
    metavar="EMAIL",
    help="Add a git email of the member (repeat).",
)
@click.option(
    "--remove-email",
    "remove_emails",
    multiple=True,
    metavar="EMAIL",
    help="Remove one of the member's git emails (repeat).",
)
@click.pass_context
def member_edit(
    ctx: click.Context,
    member_id: str,
    name: str | None,
    add_emails: tuple[str, ...],
    remove_emails: tuple[str, ...],
) -> int:
    """Change member ID's name or git emails in mastermind.yaml.

    An email of another member is refused, and so is removing one that ID does not
    have. Removing the last email is allowed: commands then know ID only by
    --member ID. The profile members/ID.md is the member's own file and is never
    edited (you are told when its name differs). The rest of mastermind.yaml
    (comments, order, quoting) is kept.
    """
    from mastermind_kit.members import edit_member

    repo = _repo(ctx)
    done = edit_member(
        repo, member_id, name=name, add_emails=add_emails, remove_emails=remove_emails
    )
    if not done.changes:
        _echo(ctx, f"{member_id}: nothing changed")
        return EXIT_OK
    _echo(ctx, f"wrote {repo.rel(repo.config_path())}: {member_id}: {'; '.join(done.changes)}")
    if done.profile_name is not None:
        profile = repo.rel(repo.profile_path(member_id))
        _echo(ctx, f"note: {profile} says name: {done.profile_name!r}; that is theirs to change")
    if remove_emails and not done.emails:
        _echo(
            ctx,
            f"mastermind: warning: {member_id} has no git email now: commands know them "
            f"only by --member {member_id}",
            err=True,
        )
    return EXIT_OK


# -- check ------------------------------------------------------------------------------


@cli.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github", "gitlab"]),
    default="text",
    show_default=True,
    help="text: path:line:col lines; json: a list of findings; github: workflow "
    "annotations; gitlab: a Code Quality report.",
)
@click.option("--strict", is_flag=True, help="Warnings count as findings too (exit 1).")
@click.option("--fix", "apply_fix", is_flag=True, help="Apply safe mechanical fixes first.")
@click.pass_context
def check(
    ctx: click.Context, paths: tuple[Path, ...], fmt: str, strict: bool, apply_fix: bool
) -> int:
    """Validate group files: the given PATHS, or the whole repo.

    Checks each file's shape against the format's JSON Schemas and the rules that
    span files (ids, members, schedule, report-backs). Exit 0 when there are no
    errors, 1 when there are findings, 2 on a usage or input error.
    """
    from mastermind_kit.check import check_repo
    from mastermind_kit.findings import ERROR, counts, to_gitlab, to_json
    from mastermind_kit.fsutil import os_errors
    from mastermind_kit.render import json_safe, visible

    given = [_from_repo_option(ctx, p) for p in paths]
    for path in given:
        with os_errors(path, doing="read"):  # a name too long, a file on the way
            if not path.exists() and not path.is_symlink():
                raise click.BadParameter(
                    f"no such file or folder: {visible(str(path), line=True)}",
                    param_hint="PATHS",
                )
    repo = _repo(ctx, given)
    targets = _targets(repo, given)
    if apply_fix:
        from mastermind_kit.fix import fix

        for fixed in fix(repo, None if targets is None else _files(targets)):
            _echo(ctx, visible(f"fixed {fixed.path}: {fixed.what}", line=True), err=True)
    findings = check_repo(repo, targets)
    if targets is not None and os.environ.get("PRE_COMMIT"):
        # Run by the pre-commit hook: whose files is this commit changing?
        # (pre-commit passes no deleted files: git's list of staged changes has them)
        from mastermind_kit.check import owned_files, ownership
        from mastermind_kit.history import staged

        commit = staged(repo.root)
        deleted = [repo.root / p for p, status in commit.changes.items() if status == "D"]
        owned = owned_files(repo, [*_files(targets), *deleted])
        findings = [
            *findings,
            *ownership(
                repo,
                owned,
                author=commit.author,
                committer=commit.committer,
                staged=commit.changes,
            ),
        ]
    shown = [_relative_to_cwd(repo, f) for f in findings]
    if fmt == "json":  # the raw file names and messages: JSON escapes them
        _echo(ctx, json_safe(to_json(shown)))
    elif fmt == "gitlab":
        _echo(ctx, json_safe(to_gitlab(shown)))
    elif fmt == "github":
        for finding in shown:
            _echo(ctx, _one_line(finding).github())
    else:
        for finding in shown:
            line = _one_line(finding).text()  # escaped before it is coloured
            if finding.severity == ERROR:
                line = click.style(line, fg="red")
            _echo(ctx, line)
        errors, warnings = counts(findings)
        if errors or warnings:
            _echo(ctx, f"{errors} error(s), {warnings} warning(s)")
    errors, warnings = counts(findings)
    return EXIT_FINDINGS if errors or (strict and warnings) else EXIT_OK


def _targets(repo: Any, given: list[Path]) -> list[Path] | None:
    if not given:
        return None
    if any(os.path.realpath(p) == str(repo.root) for p in given):  # a loop too
        return None
    return given


def _files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.rglob("*")) if path.is_dir() else [path])
    return [p.absolute() for p in files]


def _one_line(finding: Any) -> Any:
    """The finding with its file name and message (a member's file name, a value from a
    file) escaped for a terminal or a CI log: one line, nothing that drives the terminal."""
    from dataclasses import replace

    from mastermind_kit.render import visible

    return replace(
        finding,
        path=visible(finding.path, line=True),
        message=visible(finding.message, line=True),
    )


def _relative_to_cwd(repo: Any, finding: Any) -> Any:
    from dataclasses import replace

    return replace(finding, path=_from_cwd(repo.root / finding.path))


def _from_cwd(absolute: Path) -> str:
    try:
        return os.path.relpath(absolute, Path.cwd())
    except ValueError:  # pragma: no cover - another drive on Windows
        return str(absolute)


# -- schema -----------------------------------------------------------------------------


@cli.command("schema", context_settings=CONTEXT)
@click.argument(
    "kind", type=click.Choice(["config", "member", "note", "agenda", "recap", "accepted"])
)
@click.pass_context
def schema_command(ctx: click.Context, kind: str) -> int:
    """Print the JSON Schema of a file kind (for editors and other tools)."""
    from mastermind_kit.schema import dump

    _echo(ctx, dump(kind).rstrip("\n"))
    return EXIT_OK


# -- preparation: schedule, prep, status, agenda -----------------------------------------


def _now(today: dt.date | None) -> dt.datetime | dt.date:
    # With --today, "now" is that date's midnight in the group's time zone (the library
    # reads a plain date that way); without it, the real clock, read only here.
    return today if today is not None else dt.datetime.now(dt.timezone.utc)


_MEETING_HELP = "The meeting: a date on the schedule, or 'next' (the next one not started)."


@cli.command("schedule", context_settings=CONTEXT)
@click.option(
    "--past",
    default=3,
    show_default=True,
    type=click.IntRange(min=0, max=MAX_LISTED),
    help="How many meetings that have started to list.",
)
@click.option(
    "--next",
    "ahead",
    default=3,
    show_default=True,
    type=click.IntRange(min=0, max=MAX_LISTED),
    help="How many upcoming meetings to list.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--today", type=DATE, help="Pretend today is DATE (for reproducible runs).")
@_strict_option
@click.pass_context
def schedule_command(
    ctx: click.Context, past: int, ahead: int, fmt: str, today: dt.date | None, strict: bool
) -> int:
    """List recent and upcoming meetings, with who has a note for each."""
    from mastermind_kit import schedule
    from mastermind_kit.read import read_group

    repo = _repo(ctx)
    workspace = read_group(repo)
    rows = schedule.overview(workspace.group, workspace.notes, _now(today), past=past, ahead=ahead)
    if fmt == "json":
        _echo_json(ctx, [r.to_json() for r in rows])
    else:
        for row in rows:
            _echo(ctx, row.text())
    return _report_skipped(ctx, repo, workspace.skipped, strict)


@cli.command(context_settings=CONTEXT)
@click.option(
    "--member",
    "member_id",
    metavar="ID",
    help="Whose note [default: you, from git config user.email].",
)
@click.option(
    "--meeting", "meeting", type=MEETING, default="next", show_default=True, help=_MEETING_HELP
)
@click.option(
    "--hot-seat",
    is_flag=True,
    help="Ask for hot-seat time: hot_seat: true and an issue write-up in the body.",
)
@click.option("--stdout", "to_stdout", is_flag=True, help="Print the note instead of writing it.")
@click.option("--edit", is_flag=True, help="Open the note in $VISUAL or $EDITOR afterwards.")
@click.option("--force", is_flag=True, help="Replace an existing note (a .bak copy is kept).")
@click.option("--today", type=DATE, help="Pretend today is DATE (for reproducible runs).")
@_strict_option
@click.pass_context
def prep(
    ctx: click.Context,
    member_id: str | None,
    meeting: str | dt.date,
    hot_seat: bool,
    to_stdout: bool,
    edit: bool,
    force: bool,
    today: dt.date | None,
    strict: bool,
) -> int:
    """Write your note for a meeting, with everything carried over.

    Pre-fills meetings/<date>/<you>.md: a report entry for every commitment you still
    have to report on, your goals with the last results, your last action plan.
    Never overwrites an existing note without --force. A note of yours that cannot be
    read is skipped with a warning; the new note says what it could not carry over.
    """
    from mastermind_kit import prep as preparation
    from mastermind_kit import schedule
    from mastermind_kit.errors import UsageError
    from mastermind_kit.read import on_behalf, read_member, whoami

    if to_stdout and (edit or force):
        raise UsageError("--stdout writes nothing; it cannot be combined with --edit or --force")
    repo = _repo(ctx)
    me = whoami(repo, repo.group, member_id)
    day = schedule.resolve(repo.group, meeting, _now(today))
    view = read_member(repo, me, day)
    prepared = preparation.prepare(view, hot_seat=hot_seat)
    you = on_behalf(repo, repo.group, me) if member_id is not None else None
    if you is not None:
        _echo(
            ctx,
            f"note: this is {me}'s note, and you commit as {you}: the commit check will "
            f"say so; commit it only if {me} asked you to",
            err=True,
        )
    code = _report_skipped(ctx, repo, view.skipped, strict)
    if to_stdout:
        from mastermind_kit.render import visible

        _echo(ctx, visible(prepared.text), nl=False)  # the group's template, the notes
        return code
    backup = preparation.write(prepared, root=repo.root, force=force)
    _echo(ctx, f"wrote {repo.rel(prepared.path)} ({len(prepared.owed)} commitment(s) to report on)")
    if backup is not None:
        _echo(ctx, f"kept the old note as {repo.rel(backup)}")
    if edit:
        click.edit(filename=str(prepared.path))
    return code


@cli.command(context_settings=CONTEXT)
@click.option(
    "--member",
    "member_id",
    metavar="ID",
    help="Whose status [default: you, from git config user.email].",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--today", type=DATE, help="Pretend today is DATE (for reproducible runs).")
@_strict_option
@click.pass_context
def status(
    ctx: click.Context, member_id: str | None, fmt: str, today: dt.date | None, strict: bool
) -> int:
    """What do I owe? The next meeting, my note, the commitments to report on.

    Reads only your own files: the config, your profile and your notes.
    """
    from mastermind_kit import schedule
    from mastermind_kit import status as member_status
    from mastermind_kit.read import read_member, whoami

    repo = _repo(ctx)
    me = whoami(repo, repo.group, member_id)
    now = _now(today)
    view = read_member(repo, me, schedule.resolve(repo.group, None, now))
    result = member_status.status(view, now)
    if fmt == "json":
        _echo_json(ctx, result.to_json())
    else:
        _echo(ctx, result.text())
    return _report_skipped(ctx, repo, view.skipped, strict)


@cli.command(context_settings=CONTEXT)
@click.option(
    "-m", "--message", help="The commit message [default: says whose files, which meetings]."
)
@click.option(
    "--dry-run", is_flag=True, help="Say what would be committed and pushed; change nothing."
)
@click.pass_context
def sync(ctx: click.Context, message: str | None, dry_run: bool) -> int:
    """Commit your own files, pull (rebase), check, push.

    Commits only your notes and your profile (a facilitator: every changed group file)
    and says which other changes it left alone; then git pull --rebase --autostash from
    the branch's upstream, the check on everything about to be pushed, and the push,
    tried again when someone else pushed first. On a conflict or a failed check it
    stops and says what to do: your commit and your files are kept. Exit 0 synced,
    1 stopped, 2 usage error.
    """
    from mastermind_kit.render import visible
    from mastermind_kit.sync import sync as run_sync

    repo = _repo(ctx)

    def say(line: str) -> None:
        # File names, commit subjects and git's own words are the group's: one line each.
        _echo(ctx, visible(line, line=True))

    return run_sync(repo, say=say, message=message, dry_run=dry_run)


@cli.command(context_settings=CONTEXT)
@click.argument("commitment_id", metavar="ID")
@click.argument("status", type=click.Choice(["done", "partial", "missed", "dropped"]))
@click.option("--note", help="What happened, in a sentence.")
@click.option(
    "--member",
    "member_id",
    metavar="ID",
    help="Whose commitment [default: you, from git config user.email].",
)
@click.option("--today", type=DATE, help="Pretend today is DATE (for reproducible runs).")
@click.pass_context
def report(
    ctx: click.Context,
    commitment_id: str,
    status: str,
    note: str | None,
    member_id: str | None,
    today: dt.date | None,
) -> int:
    """Report back on one of your commitments: done, partial, missed or dropped.

    Records it in your note for the next meeting (prepared as prep would when it does
    not exist yet), changing only that report entry. mastermind status lists the
    commitments you have to report on, with their ids.
    """
    from mastermind_kit import report as reporting
    from mastermind_kit import schedule
    from mastermind_kit.read import on_behalf, read_member, whoami

    repo = _repo(ctx)
    me = whoami(repo, repo.group, member_id)
    view = read_member(repo, me, schedule.resolve(repo.group, None, _now(today)))
    recorded = reporting.record(view, commitment_id, status, note)
    reporting.write(recorded, root=repo.root)
    made = " (a new note, prepared as prep would)" if recorded.created else ""
    _echo(ctx, f"recorded {commitment_id}: {status} in {recorded.shown}{made}")
    you = on_behalf(repo, repo.group, me) if member_id is not None else None
    if you is None:
        _echo(ctx, "next: mastermind sync (commits your note and pushes it)")
    else:
        _echo(
            ctx,
            f"note: this is {me}'s note, and you commit as {you}: mastermind sync leaves it "
            f"alone (unless you are a facilitator); {me} commits it, or you do if they asked",
            err=True,
        )
    return EXIT_OK


@cli.command(context_settings=CONTEXT)
@click.option(
    "--meeting", "meeting", type=MEETING, default="next", show_default=True, help=_MEETING_HELP
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "json"]),
    default="markdown",
    show_default=True,
)
@click.option(
    "--write",
    "save",
    is_flag=True,
    help="Save meetings/<date>/agenda.md (the next agenda's rotation reads it).",
)
@click.option(
    "--force",
    is_flag=True,
    help="With --write: replace a hand-edited agenda (a .bak copy is kept).",
)
@click.option("--today", type=DATE, help="Pretend today is DATE (for reproducible runs).")
@_strict_option
@click.pass_context
def agenda(
    ctx: click.Context,
    meeting: str | dt.date,
    fmt: str,
    save: bool,
    force: bool,
    today: dt.date | None,
    strict: bool,
) -> int:
    """The meeting's agenda: who prepared, a fair hot-seat order, time boxes.

    Hot seats go to requests first, then to whoever had it least recently (read
    from earlier agendas); the time boxes add up to the meeting's duration.
    """
    from mastermind_kit import agenda as meeting_agenda
    from mastermind_kit import schedule
    from mastermind_kit.read import read_meeting

    repo = _repo(ctx)
    day = schedule.resolve(repo.group, meeting, _now(today))
    view = read_meeting(repo, day)
    plan = meeting_agenda.build(view)
    body = meeting_agenda.markdown_body(plan, group_root=repo.root)
    if save:
        done = meeting_agenda.write(repo, plan, meeting_agenda.document(plan, body), force=force)
        _echo(ctx, f"{done}: {repo.rel(repo.agenda_path(day))}", err=True)
    if fmt == "json":
        data = plan.to_json()
        data["skipped"] = [s.to_json() for s in view.skipped]
        _echo_json(ctx, data)
    else:
        _echo(ctx, body, nl=False)
        if view.skipped:
            from mastermind_kit.model import skipped_line

            _echo(ctx, f"\n> warning: {skipped_line(view.skipped)}")
    return _report_skipped(ctx, repo, view.skipped, strict)


# -- after the meeting: recap, site -------------------------------------------------------


@cli.command(context_settings=CONTEXT)
@click.option(
    "--meeting",
    "meeting",
    type=DATE,
    help="The meeting, a date on the schedule [default: the last one that has started].",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "text", "json"]),
    default="markdown",
    show_default=True,
)
@click.option("--write", "save", is_flag=True, help="Save recaps/<date>.md.")
@click.option(
    "--force", is_flag=True, help="With --write: replace a hand-edited recap (a .bak copy is kept)."
)
@click.option("--today", type=DATE, help="Pretend today is DATE (for reproducible runs).")
@_strict_option
@click.pass_context
def recap(
    ctx: click.Context,
    meeting: dt.date | None,
    fmt: str,
    save: bool,
    force: bool,
    today: dt.date | None,
    strict: bool,
) -> int:
    """What happened at a meeting, ready to paste into an email.

    Who attended, was excused or absent; the hot seats and each one's issue; the
    walk-aways; the commitments made (id, text, due); the report-backs and the
    results against their targets. With --write it is saved as recaps/<date>.md,
    which --write replaces again only while nobody has edited it.
    """
    from mastermind_kit import recap as meeting_recap
    from mastermind_kit import schedule
    from mastermind_kit.errors import UsageError
    from mastermind_kit.read import read_recap

    repo = _repo(ctx)
    group = repo.group
    if meeting is None:
        day = meeting_recap.last_held(group, _now(today))
        if day is None:
            raise UsageError("no meeting has taken place yet", hint="use --meeting DATE")
    else:
        day = schedule.resolve(group, meeting, _now(today))
        if schedule.start(group, day) > schedule.moment(group, _now(today)):
            raise UsageError(
                f"the meeting of {day} has not taken place yet",
                hint="'mastermind agenda --meeting DATE' plans it",
            )
    result = meeting_recap.build(read_recap(repo, day))
    # A group's own recap template is run only when its Markdown is asked for.
    body = (
        meeting_recap.markdown_body(result, group_root=repo.root)
        if save or fmt == "markdown"
        else ""
    )
    if save:
        text = meeting_recap.document(result, body)
        done = meeting_recap.write(repo, result, text, force=force)
        _echo(ctx, f"{done}: {repo.rel(repo.recap_path(day))}", err=True)
    if fmt == "json":
        _echo_json(ctx, result.to_json())
    elif fmt == "text":
        _echo(ctx, meeting_recap.text(result), nl=False)
    else:
        _echo(ctx, body, nl=False)
    return _report_skipped(ctx, repo, result.skipped, strict)


def _build_time(today: dt.date | None) -> dt.datetime | dt.date:
    """--today, else SOURCE_DATE_EPOCH (reproducible builds), else the real clock."""
    if today is not None:
        return today
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            when = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
            if not _FIRST_DAY <= when.date() <= _LAST_DAY:  # as for --today
                raise ValueError(epoch)
            return when
        except (ValueError, OverflowError, OSError):
            from mastermind_kit.errors import UsageError

            raise UsageError(
                f"SOURCE_DATE_EPOCH={epoch!r} is not a time (seconds since 1970)"
            ) from None
    return _now(None)


@cli.command(context_settings=CONTEXT)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the pages to [default: _site/ in the group repo].",
)
@click.option("--open", "open_", is_flag=True, help="Open the index page in a web browser.")
@click.option(
    "--force", is_flag=True, help="Replace an --out folder that holds files the site did not write."
)
@click.option(
    "--today",
    type=DATE,
    help="Pretend today is DATE [default: SOURCE_DATE_EPOCH when set, else today].",
)
@_strict_option
@click.pass_context
def site(
    ctx: click.Context,
    out: Path | None,
    open_: bool,
    force: bool,
    today: dt.date | None,
    strict: bool,
) -> int:
    """Private static pages: the group, each member, each meeting.

    The index (next meeting, follow-through by quarter, open commitments), a page
    per member (vision, a chart per goal, commitments and their fates) and per
    meeting (recap or agenda, and the notes). Plain HTML and SVG, no JavaScript,
    nothing loaded from outside: open it straight from the folder. The same repo
    and date give the same bytes (SOURCE_DATE_EPOCH is honoured).
    """
    from mastermind_kit import schedule
    from mastermind_kit import site as pages
    from mastermind_kit.cache import Cache, Shelf
    from mastermind_kit.fsutil import replace_tree
    from mastermind_kit.history import is_ignored

    repo = _repo(ctx)
    default = repo.root / pages.FOLDER
    target = pages.output_folder(repo.root, default if out is None else _from_repo_option(ctx, out))
    now = schedule.moment(repo.group, _build_time(today))
    progress = _Progress("writing pages", show_from=100) if sys.stderr.isatty() else None
    cache = Cache.for_repo(repo.root)
    built = pages.build(repo, now=now, progress=progress, store=Shelf(cache, "site-pages"))
    # Half-written pages wait inside .git when the folder is in the repo: an interrupted
    # run leaves nothing that `git add -A` would pick up.
    staging = (
        cache.folder if cache.folder is not None and target.is_relative_to(repo.root) else None
    )
    replace_tree(target, built.files, marker=pages.MARKER, force=force, staging=staging)
    index = target / pages.INDEX
    count = sum(1 for name in built.files if name.endswith(".html"))
    _echo(ctx, f"wrote {count} pages and {pages.CALENDAR}: {_from_cwd(index)}")
    if out is None and is_ignored(repo.root, pages.FOLDER) is False:
        _echo(
            ctx,
            f"mastermind: hint: add '{pages.FOLDER}/' to .gitignore, so that the pages are "
            "never committed",
            err=True,
        )
    if open_:
        import webbrowser

        webbrowser.open(index.as_uri())
    return _report_skipped(ctx, repo, built.skipped, strict)


# -- accountability: summary, audit -----------------------------------------------------


@cli.command("calendar", context_settings=CONTEXT)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the calendar to FILE (atomically; only a calendar this command wrote is "
    "replaced) [default: print it].",
)
@click.option(
    "--member",
    "member_id",
    metavar="ID",
    help="Add this member's open commitments, as all-day events on their due dates.",
)
@click.option(
    "--today",
    type=DATE,
    help="Pretend today is DATE [default: SOURCE_DATE_EPOCH when set, else today].",
)
@_strict_option
@click.pass_context
def calendar_command(
    ctx: click.Context, out: Path | None, member_id: str | None, today: dt.date | None, strict: bool
) -> int:
    """An iCalendar (.ics) file of the group's meetings, to import or subscribe to.

    Every meeting of the last five years (from the first one) to a year after today, in
    the group's time zone, with the confidentiality agreement in its description; a
    skipped meeting is in it as cancelled. With --member, that member's open
    commitments (not reported on yet) are all-day events on their due dates: their
    texts are then in the file, so mind where you import it. Each event keeps its id
    from run to run, so importing the file again updates it; the same repo and date
    give the same bytes.
    """
    from mastermind_kit import ical, schedule
    from mastermind_kit.read import read_member, whoami

    repo = _repo(ctx)
    group = repo.group
    me = whoami(repo, group, member_id) if member_id is not None else None
    now = schedule.moment(group, _build_time(today))
    owed, skipped = [], []
    if me is not None:
        view = read_member(repo, me, ical.as_of(group, now))
        owed, skipped = view.carry.owed, view.skipped
    data = ical.build(group=group, now=now, owed=owed, member=me)
    if out is None:
        _echo(ctx, data, nl=False)
    else:
        target = _from_repo_option(ctx, out)
        shown = str(out) if ctx.obj.repo is not None else _from_cwd(target.absolute())
        done = ical.write(target, data, root=repo.root, shown=shown)
        _echo(ctx, f"{done}: {shown}", err=True)
    return _report_skipped(ctx, repo, skipped, strict)


@cli.command(context_settings=CONTEXT)
@click.option(
    "--member",
    "members",
    multiple=True,
    metavar="ID",
    help="Show only this member (repeat); the group totals still cover everyone.",
)
@click.option("--since", type=DATE, help="Only meetings on or after DATE.")
@click.option("--until", type=DATE, help="Only meetings on or before DATE.")
@click.option("--today", type=DATE, help="Pretend today is DATE (for reproducible runs).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown", "csv"]),
    default="text",
    show_default=True,
)
@_strict_option
@click.pass_context
def summary(
    ctx: click.Context,
    members: tuple[str, ...],
    since: dt.date | None,
    until: dt.date | None,
    today: dt.date | None,
    fmt: str,
    strict: bool,
) -> int:
    """Accountability per member and for the group.

    From the notes and their git history: commitments made and their fate (done,
    partial, missed, dropped, unreported, open), follow-through, attendance,
    preparation on time, streaks, goals and the trend; the definitions of every
    number are printed with them.
    """
    from mastermind_kit import schedule
    from mastermind_kit import summary as accountability
    from mastermind_kit.ledger import build
    from mastermind_kit.read import read_group
    from mastermind_kit.render import visible
    from mastermind_kit.repo import bulk_reading

    repo = _repo(ctx)
    # "Today" is the group's today (its time zone), as for prep and status.
    day = today or schedule.local_date(repo.group, _now(None))
    with bulk_reading():
        workspace = read_group(repo, history=True)
        ledger = build(workspace, today=day, since=since, until=until, members=list(members))
    if fmt not in ("text", "markdown"):
        for warning in ledger.warnings:
            _echo(ctx, f"mastermind: warning: {visible(warning, line=True)}", err=True)
    _echo(ctx, accountability.render(ledger, fmt), nl=False)
    return _report_skipped(ctx, repo, workspace.skipped, strict)


@cli.command(context_settings=CONTEXT)
@click.option("--since", type=DATE, help="Only commits made on or after DATE.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--accept",
    "accept_id",
    metavar="ID",
    help="Accept the finding ID (facilitators only; with --reason): appended to "
    "audit-accepted.yaml, which you then commit.",
)
@click.option("--reason", metavar="TEXT", help="Why the group accepts the finding.")
@click.pass_context
def audit(
    ctx: click.Context,
    since: dt.date | None,
    fmt: str,
    accept_id: str | None,
    reason: str | None,
) -> int:
    """Audit the git history of the group's notes.

    For honest accounting it finds commitments changed after the grace period
    (commitment_grace_hours), report statuses changed after the next meeting
    started, a member's files changed or committed by someone else (facilitators
    may), notes and profiles deleted or moved out of their place, commits dated before
    their parent, unsigned commits where the group required signing, and changes to
    the rules themselves (a self-made facilitator, a borrowed email, a wider grace
    period, signing switched off, a late excuse, a backdated leave). Each commit is
    judged by mastermind.yaml as it was before it. Exit 1 when there are findings, 0
    when it is clean, 2 when it cannot prove anything: a shallow clone (run git fetch
    --unshallow), grafts or replace refs.

    Each finding has an id. A facilitator accepts one the group has talked through
    with --accept ID --reason TEXT, which adds an entry to audit-accepted.yaml: the
    finding is then shown apart, as accepted with the reason, and no longer makes the
    audit fail. Commit the file: the audit checks it too, and an entry committed by
    someone who was not a facilitator does not count.
    """
    from mastermind_kit import audit as history_audit
    from mastermind_kit.render import json_safe, visible

    if accept_id is not None or reason is not None:
        if accept_id is None or reason is None:
            raise click.UsageError("--accept and --reason go together")
        if since is not None:
            raise click.UsageError("--accept looks at the whole history: leave out --since")
        return _accept(ctx, accept_id, reason)
    result = history_audit.audit_repo(_repo(ctx), since=since)
    if fmt == "json":
        for warning in result.warnings:
            _echo(ctx, f"mastermind: warning: {visible(warning, line=True)}", err=True)
        _echo(ctx, json_safe(history_audit.render_json(result)), nl=False)
    else:
        _echo(ctx, history_audit.render_text(result), nl=False)
    return EXIT_FINDINGS if result.findings else EXIT_OK


def _accept(ctx: click.Context, finding_id: str, reason: str) -> int:
    from mastermind_kit import accept, schedule
    from mastermind_kit import audit as history_audit
    from mastermind_kit.history import identity
    from mastermind_kit.repo import ACCEPTED

    repo = _repo(ctx)
    who = identity(repo.root)
    email = accept.may_accept(repo.group, who[1] if who else None)  # before a long audit
    result = history_audit.audit_repo(repo)
    today = schedule.local_date(repo.group, _now(None))
    entry = accept.accept(repo, result, finding_id, reason, email=email, today=today)
    _echo(ctx, f"accepted {entry.id} ({entry.rule}) in {ACCEPTED}")
    _echo(
        ctx,
        f"next: commit {ACCEPTED} as {email} (mastermind sync): until then the acceptance "
        "is yours alone, and audit marks it not committed yet",
    )
    return EXIT_OK


@cli.command("allowed-signers", context_settings=CONTEXT)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to FILE (atomically; never through a symlink) [default: print it].",
)
@click.pass_context
def allowed_signers_command(ctx: click.Context, out: Path | None) -> int:
    """git's allowed-signers file, from the members' SSH keys (signing_keys).

    One line per key, with every email of its member in mastermind.yaml. Point git at
    it (git config gpg.ssh.allowedSignersFile FILE) and git log --show-signature
    trusts the same keys as mastermind audit; the audit also checks that a commit is
    signed with a key of its author's own profile.
    """
    from mastermind_kit import signing

    repo = _repo(ctx)
    text = signing.allowed_signers(repo.group.members, signing.keyring(repo))
    if out is None:
        _echo(ctx, text, nl=False)
        return EXIT_OK
    target = _from_repo_option(ctx, out)
    shown = str(out) if ctx.obj.repo is not None else _from_cwd(target.absolute())
    signing.write(target, text, shown=shown, root=repo.root)
    _echo(ctx, f"wrote {shown}", err=True)
    return EXIT_OK


@cli.command("seal", context_settings=CONTEXT)
@click.option(
    "--meeting", type=DATE, help="The meeting to seal [default: the last one that has started]."
)
@click.option("--sign", is_flag=True, help="Sign the seal (git tag -s, with your signing key).")
@click.option("--force", is_flag=True, help="Seal the meeting again, replacing its seal.")
@click.option(
    "--verify", "check", is_flag=True, help="Check every seal instead; write none (exit 1: not ok)."
)
@click.option("--today", type=DATE, help="Pretend today is DATE (for reproducible runs).")
@click.pass_context
def seal_command(
    ctx: click.Context,
    meeting: dt.date | None,
    sign: bool,
    force: bool,
    check: bool,
    today: dt.date | None,
) -> int:
    """Seal a meeting: a tag that records its commitments and report-backs.

    After a meeting, writes the annotated tag mastermind/meeting/<date> on HEAD. Its
    message records every commitment made at the meeting (id, text, due) and every
    report-back given there (status, note), as the committed notes have them, and
    their SHA-256 digest. It refuses a meeting not held yet, one sealed already (unless
    --force) and notes with uncommitted changes. From then on audit (and --verify)
    report the seal broken when the sealed commit leaves HEAD's history (amend, rebase,
    force push) or no longer matches the record, and any later change to a sealed
    commitment's text or due date or a sealed report's status. Push the tag to share it.
    --verify prints one line per seal: ok, changed or broken (and why); exit 1 unless all
    are ok.
    """
    from mastermind_kit import seal as meeting_seal
    from mastermind_kit.errors import UsageError

    repo = _repo(ctx)
    if check:
        if meeting is not None or sign or force:
            raise UsageError("--verify checks every seal: it takes no --meeting, --sign, --force")
        checks = meeting_seal.verify(repo.root, facilitators=repo.group.facilitators)
        for one in checks:
            _echo(ctx, one.line())
        if not checks:
            _echo(ctx, "no seals yet ('mastermind seal' after a meeting makes one)")
        return EXIT_OK if all(one.state == "ok" for one in checks) else EXIT_FINDINGS
    done = meeting_seal.seal(repo, now=_now(today), meeting=meeting, sign=sign, force=force)
    _echo(
        ctx,
        f"{'sealed again' if done.replaced else 'sealed'} the meeting of {done.meeting}: "
        f"tag {done.name} on {done.commit[:10]}{' (signed)' if done.signed else ''}, "
        f"{done.commitments} commitment(s) and {done.reports} report(s) from {done.notes} "
        f"note(s), sha256:{done.digest[:16]}",
    )
    return EXIT_OK


# -- demo -------------------------------------------------------------------------------


@cli.command(context_settings=CONTEXT)
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@click.option("--today", type=DATE, help="Pretend today is DATE (for reproducible runs).")
@click.pass_context
def demo(ctx: click.Context, directory: Path | None, today: dt.date | None) -> int:
    """Replay the bundled sample group as a real git repo in DIRECTORY, and tour it.

    DIRECTORY must not exist or be empty (default: a new folder in the temp dir). The
    tour checks the group, shows the last meeting's recap and writes the group's
    pages (mastermind site) into DIRECTORY/_site.
    """
    from mastermind_kit import schedule
    from mastermind_kit.demo import build_demo, tour
    from mastermind_kit.repo import GroupRepo

    target = build_demo(directory)
    group = GroupRepo(target).group
    _echo(ctx, tour(target, schedule.moment(group, _build_time(today))))
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; turn expected errors into one line and an exit code."""
    try:
        result = cli.main(args=argv, prog_name="mastermind", standalone_mode=False)
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except click.Abort:
        click.echo("Aborted.", err=True)
        return EXIT_FINDINGS
    except MastermindError as error:
        _fail(str(error))
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return EXIT_USAGE
    except OSError as error:
        # The last resort: a read or write not caught where it happens (those name the
        # file as the user knows it). Still one line with what to do, never a traceback.
        from mastermind_kit.errors import FileSystemError

        _fail(str(FileSystemError(error, doing="read or write")))
        return EXIT_USAGE
    return result if isinstance(result, int) else EXIT_OK


def _fail(message: str) -> None:
    """The one line of an error, on stderr; what the user's files hold (a file name, a
    value) is in it escaped. Output that could not be written (a full disk) is dropped,
    so that Python does not fail again, with a traceback, when it exits."""
    import contextlib

    from mastermind_kit.render import visible

    try:
        sys.stdout.flush()
    except OSError:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
    with contextlib.suppress(OSError):  # stderr is gone too: the exit code says it
        click.echo(f"mastermind: error: {visible(message, line=True)}", err=True)
