"""The checker: shape findings from the schemas plus the rules that span files.

``check_repo(repo)`` checks everything; ``check_repo(repo, paths)`` checks only the
given files (what pre-commit passes) and reads just what they refer to: the config,
the member's profile, and the notes named by report and ``carried_from`` ids. A
commitment id names its note's path, so a one-note check stays fast in a ten-year
repo.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from mastermind_kit import schedule
from mastermind_kit.errors import UsageError
from mastermind_kit.findings import ERROR, WARNING, Finding
from mastermind_kit.model import Group, Note, is_slug, parse_date, split_commitment_id
from mastermind_kit.repo import CONFIG, MEETINGS, MEMBERS, RESERVED_IDS, GroupRepo, Loaded


class _Report:
    """Collects findings, each once."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self._seen: set[Finding] = set()

    def add(self, finding: Finding) -> None:
        if finding not in self._seen:
            self._seen.add(finding)
            self.findings.append(finding)

    def extend(self, findings: Sequence[Finding]) -> None:
        for finding in findings:
            self.add(finding)

    def at(self, path: Path | str, line: int, severity: str, rule: str, message: str) -> None:
        self.add(Finding(str(path), line, 1, severity, rule, message))


@contextmanager
def _bulk_reading() -> Iterator[None]:
    """Reading thousands of notes makes hundreds of thousands of small objects that all
    live to the end; the cyclic collector would rescan them again and again and free
    nothing (a fifth of a whole-repo check). Collect rarely while reading."""
    before = gc.get_threshold()
    gc.set_threshold(200_000, 50, 1_000)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def check_repo(repo: GroupRepo, paths: Sequence[Path] | None = None) -> list[Finding]:
    """All findings for the repo, or for ``paths`` (files or folders inside it)."""
    with _bulk_reading():
        return _check_repo(repo, paths)


def _check_repo(repo: GroupRepo, paths: Sequence[Path] | None) -> list[Finding]:
    report = _Report()
    config = repo.config
    whole = paths is None
    targets: list[Path] = []
    if not whole:
        assert paths is not None
        for path in paths:
            if not path.exists() and not path.is_symlink():
                raise UsageError(f"no such file or folder: {path}")
            # Named as given (not resolved): a symlink is checked where it stands.
            resolved = Path(os.path.normpath(path.absolute()))
            if resolved.is_dir() and resolved.resolve() == repo.root:
                whole = True
                break
            if repo.rel(resolved).is_absolute():
                raise UsageError(f"{path} is not inside the group repo {repo.root}")
            if resolved.is_dir():
                targets.extend(sorted(p for p in resolved.rglob("*.md") if p.is_file()))
                if (resolved / CONFIG).is_file():
                    targets.append(resolved / CONFIG)
            else:
                targets.append(resolved)
    config_given = whole or any(repo.classify(t)[0] == "config" for t in targets)
    if config_given:
        report.extend(config.findings)
    elif not config.ok:
        report.extend([f for f in config.findings if f.severity == ERROR])
    if not config.ok:
        return _sorted(report)
    group = repo.group
    if config_given:
        _check_config(group, config, report)
    if whole:
        targets = [*repo.profile_paths(), *repo.note_paths()]
        _check_layout(repo, group, report)
    else:
        targets += _also_affected(repo, group, targets, report)
    for done, target in enumerate(targets):
        if repo.progress is not None and whole:
            repo.progress(done, len(targets))
        kind, day, ident = repo.classify(target)
        if kind == "member":
            _check_profile(repo, group, target, ident or "", report)
        elif kind == "note":
            _check_note(repo, group, target, day, ident or "", report)
    if repo.progress is not None and whole:
        repo.progress(len(targets), len(targets))
    return _sorted(report)


def _sorted(report: _Report) -> list[Finding]:
    return sorted(report.findings, key=lambda f: (f.path, f.line, f.col, f.rule))


# -- config -------------------------------------------------------------------------------


def _check_config(group: Group, loaded: Loaded, report: _Report) -> None:
    path = loaded.path
    doc = loaded.doc
    assert doc is not None

    def line(*keys: str | int) -> int:
        return doc.line(tuple(keys))

    if not schedule.valid_timezone(group.timezone):
        report.at(path, line("timezone"), ERROR, "timezone",
                  f"unknown time zone {group.timezone!r} (use an IANA name like Europe/Berlin)")
    seen: dict[str, int] = {}
    emails: dict[str, str] = {}
    for i, member in enumerate(group.members):
        if member.id in seen:
            report.at(path, line("members", i, "id"), ERROR, "duplicate-id",
                      f"member id '{member.id}' is used twice (first on line {seen[member.id]})")
        seen.setdefault(member.id, line("members", i, "id"))
        if member.id in RESERVED_IDS:
            report.at(path, line("members", i, "id"), ERROR, "reserved-id",
                      f"'{member.id}' is reserved (meetings/<date>/{member.id}.md is generated)")
        for email in member.emails:
            other = emails.setdefault(email.lower(), member.id)
            if other != member.id:
                report.at(path, line("members", i, "emails"), ERROR, "duplicate-email",
                          f"email {email} belongs to both '{other}' and '{member.id}'")
        if member.joined and member.left and member.left < member.joined:
            report.at(path, line("members", i, "left"), ERROR, "dates",
                      f"member '{member.id}' left before joining")
    for i, day in enumerate(group.skip):
        if not schedule.on_cadence(group, day):
            report.at(path, line("skip", i), WARNING, "off-schedule",
                      f"skip date {day} is not a regular meeting date")
    for i, day in enumerate(group.extra):
        if schedule.on_cadence(group, day) and day not in group.skip:
            report.at(path, line("extra", i), WARNING, "off-schedule",
                      f"extra date {day} is already a regular meeting date")
    for i, excuse in enumerate(group.excused):
        if group.member(excuse.member) is None:
            report.at(path, line("excused", i, "member"), ERROR, "unknown-member",
                      f"excused member '{excuse.member}' is not in members")
        if not schedule.is_meeting(group, excuse.meeting):
            report.at(path, line("excused", i, "meeting"), WARNING, "off-schedule",
                      f"excused date {excuse.meeting} is not a meeting date")


def _check_layout(repo: GroupRepo, group: Group, report: _Report) -> None:
    """Whole-repo rules: stray folders, members without a profile."""
    for folder in repo.meeting_dirs():
        if parse_date(folder.name) is None:
            report.at(Path(MEETINGS) / folder.name, 1, WARNING, "layout",
                      f"folder '{folder.name}' is not a meeting date (YYYY-MM-DD); ignored")
    for member in group.members:
        if is_slug(member.id) and not repo.profile_path(member.id).exists():
            report.at(CONFIG, member.source.line, WARNING, "missing-profile",
                      f"member '{member.id}' has no profile {MEMBERS}/{member.id}.md")


# -- profiles -----------------------------------------------------------------------------


def _check_profile(
    repo: GroupRepo, group: Group, path: Path, ident: str, report: _Report
) -> None:
    shown = repo.rel(path)
    if not is_slug(ident):
        report.at(shown, 1, ERROR, "bad-id",
                  f"'{ident}' is not a valid member id (file names are <id>.md)")
        return
    _, loaded = repo.profile(ident)
    report.extend(loaded.findings)
    if group.member(ident) is None:
        report.at(shown, 1, ERROR, "unknown-member",
                  f"'{ident}' is not a member in {CONFIG} (add it with 'mastermind member add')")
    doc = loaded.doc
    if not loaded.ok or doc is None:
        return
    ids: dict[str, int] = {}
    for i, goal in enumerate(doc.data.get("goals") or []):
        gid = goal["id"]
        line = doc.line(("goals", i, "id"))
        if gid in ids:
            report.at(shown, line, ERROR, "duplicate-id",
                      f"goal id '{gid}' is used twice (first on line {ids[gid]})")
        ids.setdefault(gid, line)


# -- notes --------------------------------------------------------------------------------


def _check_note(
    repo: GroupRepo,
    group: Group,
    path: Path,
    day: dt.date | None,
    ident: str,
    report: _Report,
) -> None:
    shown = repo.rel(path)
    if day is None:
        report.at(shown, 1, ERROR, "path",
                  f"'{path.parent.name}' is not a meeting date: notes live in "
                  "meetings/<YYYY-MM-DD>/<member>.md")
        return
    if not is_slug(ident):
        report.at(shown, 1, ERROR, "bad-id",
                  f"'{ident}' is not a valid member id (notes are named <member>.md)")
        return
    note, loaded = repo.note_at(path)
    report.extend(loaded.findings)
    doc = loaded.doc
    if note is None or doc is None:
        return

    def line(*keys: str | int) -> int:
        return doc.line(tuple(keys))

    if note.member != ident:
        report.at(shown, line("member"), ERROR, "path",
                  f"member '{note.member}' does not match the file name '{ident}.md'")
    if note.meeting != day:
        report.at(shown, line("meeting"), ERROR, "path",
                  f"meeting {note.meeting} does not match the folder {day}")
    _check_place(group, shown, note.member, note.meeting, line("member"), line("meeting"),
                 report)
    profile = repo.profile(note.member)[0] if is_slug(note.member) else None
    goal_ids = {g.id for g in profile.goals} if profile else None
    if goal_ids is not None:
        for goal_id in note.results:
            if goal_id not in goal_ids:
                report.at(shown, line("results", goal_id), ERROR, "unknown-goal",
                          f"'{goal_id}' is not a goal of {note.member} "
                          f"(goals: {', '.join(sorted(goal_ids)) or 'none'})")
    _check_commitments(repo, note, goal_ids, shown, line, report)
    _check_reports(repo, note, shown, line, report)


def _check_place(
    group: Group,
    shown: Path,
    member_id: str,
    meeting: dt.date,
    member_line: int,
    meeting_line: int,
    report: _Report,
) -> None:
    """The rules a note's place depends on (its member and meeting, against the config)."""
    member = group.member(member_id)
    if member is None:
        report.at(shown, member_line, ERROR, "unknown-member",
                  f"'{member_id}' is not a member in {CONFIG}")
    elif not member.active_on(meeting):
        report.at(shown, meeting_line, ERROR, "not-member-then",
                  f"'{member_id}' was not in the group on {meeting} "
                  f"(joined {member.joined or '-'}, left {member.left or '-'})")
    if not schedule.is_meeting(group, meeting):
        report.at(shown, meeting_line, ERROR, "off-schedule",
                  f"{meeting} is not a meeting date of the group's {group.cadence} schedule "
                  "(add it to 'extra' in mastermind.yaml if the group met then)")


def _also_affected(
    repo: GroupRepo, group: Group, targets: list[Path], report: _Report
) -> list[Path]:
    """Files a partial check must look at beyond the given ones, and their place rules.

    A changed config can unsettle any note (a new skip date, a member who left): every
    other note's place is checked from its path alone, which reads no file. A changed
    profile can orphan its member's results and goals: their notes are checked in full.
    """
    given = {os.path.normpath(t) for t in targets}
    kinds = [repo.classify(t) for t in targets]
    members = {ident for kind, _, ident in kinds if kind == "member" and ident}
    config_changed = any(kind == "config" for kind, _, _ in kinds)
    extra: list[Path] = []
    if not (members or config_changed):
        return extra
    for path in repo.note_paths():
        if os.path.normpath(path) in given:
            continue
        _, day, ident = repo.classify(path)
        if ident in members:
            extra.append(path)
        elif config_changed and day is not None and ident and is_slug(ident):
            _check_place(group, repo.rel(path), ident, day, 1, 1, report)
    return extra


def _check_commitments(
    repo: GroupRepo,
    note: Note,
    goal_ids: set[str] | None,
    shown: Path,
    line: Callable[..., int],
    report: _Report,
) -> None:
    seen: Counter[str] = Counter()
    for i, commitment in enumerate(note.commitments):
        where = line("commitments", i, "id")
        parts = split_commitment_id(commitment.id)
        if parts is None:
            report.at(shown, where, ERROR, "commitment-id",
                      f"'{commitment.id}' is not a commitment id (<meeting>/<member>/<n>)")
        elif parts[:2] != (note.meeting, note.member):
            expected = f"{note.meeting}/{note.member}/<n>"
            report.at(shown, where, ERROR, "commitment-id",
                      f"commitment id '{commitment.id}' does not match this note: "
                      f"expected {expected}")
        seen[commitment.id] += 1
        if seen[commitment.id] == 2:
            report.at(shown, where, ERROR, "duplicate-id",
                      f"commitment id '{commitment.id}' is used twice in this note")
        if commitment.due is not None and commitment.due < note.meeting:
            report.at(shown, line("commitments", i, "due"), ERROR, "due-before-meeting",
                      f"due {commitment.due} is before the meeting {note.meeting}")
        if commitment.goal and goal_ids is not None and commitment.goal not in goal_ids:
            report.at(shown, line("commitments", i, "goal"), ERROR, "unknown-goal",
                      f"'{commitment.goal}' is not a goal of {note.member}")
        if commitment.carried_from:
            _check_reference(repo, note, commitment.carried_from,
                             shown, line("commitments", i, "carried_from"), "carried_from", report)


def _check_reports(
    repo: GroupRepo, note: Note, shown: Path, line: Callable[..., int], report: _Report
) -> None:
    seen: dict[str, int] = {}
    for i, entry in enumerate(note.report):
        where = line("report", i, "id")
        if entry.id in seen:
            report.at(shown, where, ERROR, "duplicate-report",
                      f"'{entry.id}' is reported twice in this note (first on line "
                      f"{seen[entry.id]})")
        seen.setdefault(entry.id, where)
        _check_reference(repo, note, entry.id, shown, where, "report", report)
        if entry.status is None:
            report.at(shown, line("report", i, "status"), WARNING, "report-pending",
                      f"report pending: set the status of '{entry.id}' "
                      "(done, partial, missed or dropped)")


def _check_reference(
    repo: GroupRepo, note: Note, ref: str, shown: Path, where: int, field: str, report: _Report
) -> None:
    """A report or carried_from must name an earlier commitment of the same member."""
    parts = split_commitment_id(ref)
    if parts is None:
        return  # the schema already said the id is malformed
    meeting, member, _ = parts
    if member != note.member:
        verb = "reports on" if field == "report" else "carries over"
        report.at(shown, where, ERROR, "other-member",
                  f"{verb} '{ref}', a commitment of {member}; members report only on their own")
        return
    if meeting >= note.meeting:
        report.at(shown, where, ERROR, "not-earlier",
                  f"'{ref}' is not from an earlier meeting than {note.meeting}")
        return
    path = repo.note_path(meeting, member)
    if not repo.known_note(path):
        report.at(shown, where, ERROR, "dangling-id",
                  f"'{ref}' names no commitment: there is no note {repo.rel(path)}")
        return
    earlier = repo.note_at(path)[0]
    if earlier is None:
        return  # that note has errors of its own; they are reported for it
    if all(c.id != ref for c in earlier.commitments):
        report.at(shown, where, ERROR, "dangling-id",
                  f"'{ref}' names no commitment in {repo.rel(path)}")
