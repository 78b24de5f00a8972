"""The checker: every file's own findings (``repo.py``) plus the rules that span files.

A file's shape and the rules it can be judged by alone are defined once, in the read
layer (``repo.py``): the checker reports them as they are. What only the checker
knows are the rules across files: a report or ``carried_from`` naming a commitment
that no earlier note holds, results and commitments for goals the profile does not
have, stray folders, members without a profile.

``check_repo(repo)`` checks everything; ``check_repo(repo, paths)`` checks only the
given files (what pre-commit passes) and reads just what they refer to: the config,
the member's profile, and the notes named by report and ``carried_from`` ids. A
commitment id names its note's path, so a one-note check stays fast in a ten-year
repo.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path

from mastermind_kit.errors import UsageError
from mastermind_kit.findings import ERROR, WARNING, Finding
from mastermind_kit.load import Document, JSONPath
from mastermind_kit.model import Group, is_slug, parse_date, split_commitment_id
from mastermind_kit.render import first_unseen, visible
from mastermind_kit.repo import (
    ACCEPTED,
    CONFIG,
    MEETINGS,
    MEMBERS,
    RECAPS,
    GroupRepo,
    bulk_reading,
    is_leftover,
    link_target,
    place_findings,
)

__all__ = [
    "check_repo",
    "owned_files",
    "ownership",
]


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


def check_repo(repo: GroupRepo, paths: Sequence[Path] | None = None) -> list[Finding]:
    """All findings for the repo, or for ``paths`` (files or folders inside it)."""
    with bulk_reading():
        return _check_repo(repo, paths)


def _check_repo(repo: GroupRepo, paths: Sequence[Path] | None) -> list[Finding]:
    report = _Report()
    config = repo.config
    whole = paths is None
    targets: list[Path] = []
    templates: list[str] = []  # given paths in templates/
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
            rel = repo.rel(resolved)
            if rel.is_absolute():
                raise UsageError(f"{path} is not inside the group repo {repo.root}")
            if rel.parts[:1] == ("templates",):
                templates.append(rel.as_posix())
            elif resolved.is_dir():
                found = resolved.rglob("*.md")  # links among them are refused when read
                targets.extend(sorted(p for p in found if p.is_file() or p.is_symlink()))
                if (resolved / CONFIG).is_file():
                    targets.append(resolved / CONFIG)
            else:
                targets.append(resolved)
    config_given = whole or any(repo.classify(t)[0] == "config" for t in targets)
    # A broken config is reported whatever was asked: nothing else can be judged without it.
    report.extend(config.findings if config_given or not config.ok else [])
    if config_given and config.doc is not None:
        _control_characters(config.doc, config.path, report)
    if not config.ok:
        return _sorted(report)
    group = repo.group
    if whole:
        repo.forget_shapes()
        targets = [
            *repo.profile_paths(),
            *repo.note_paths(),
            *repo.agenda_paths(),
            *repo.recap_paths(),
            *[p for p in [repo.root / ACCEPTED] if os.path.lexists(p)],
        ]
        _check_layout(repo, group, report)
    else:
        targets += _also_affected(repo, group, targets, report)
    if templates:
        from mastermind_kit import sandbox
        from mastermind_kit.render import FILTERS

        for finding in sandbox.template_findings(repo.root, FILTERS):
            if any(finding.path == t or finding.path.startswith(t + "/") for t in templates):
                report.add(finding)
    for done, target in enumerate(targets):
        if repo.progress is not None and whole:
            repo.progress(done, len(targets))
        kind, _, ident = repo.classify(target)
        if kind == "member":
            _check_profile(repo, target, ident or "", report)
        elif kind == "note":
            _check_note(repo, target, report)
            if whole:
                repo.note_at(target)[1].compact()  # reported; only its model is asked for again
        elif kind == "agenda":
            report.extend(repo.agenda_at(target)[1].findings)
        elif kind == "recap":
            report.extend(repo.recap_at(target).findings)
        elif kind == "accepted":
            report.extend(repo.acceptances()[1].findings)
    if repo.progress is not None and whole:
        repo.progress(len(targets), len(targets))
    return _sorted(report)


def _sorted(report: _Report) -> list[Finding]:
    return sorted(report.findings, key=lambda f: (f.path, f.line, f.col, f.rule))


def _check_layout(repo: GroupRepo, group: Group, report: _Report) -> None:
    """Whole-repo rules: stray folders and files, members without a profile."""
    for folder in repo.meeting_dirs():
        if folder.is_symlink():
            continue  # never listed: what it leads to is no business of the group's
        if parse_date(folder.name) is None:
            report.at(
                Path(MEETINGS) / folder.name,
                1,
                WARNING,
                "layout",
                f"folder '{folder.name}' is not a meeting date (YYYY-MM-DD); ignored",
            )
            continue
        try:
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError:
            entries = []  # a linked folder that cannot be listed: reported below
        for entry in entries:
            if entry.name.endswith(".md") or is_leftover(entry.name):
                continue
            # A note renamed away (bob.md.old) no longer counts: its commitments leave
            # the record as surely as if it were deleted.
            report.at(
                Path(MEETINGS) / folder.name / entry.name,
                1,
                ERROR,
                "stray-file",
                f"'{entry.name}' is not a note (<member>.md) or agenda.md: nothing reads it; "
                "if it was a note, move it back",
            )
    _check_links(repo, report)
    _check_hook_config(repo, report)
    from mastermind_kit import sandbox
    from mastermind_kit.render import FILTERS

    report.extend(sandbox.template_findings(repo.root, FILTERS))
    recaps = repo.root / RECAPS
    if recaps.is_symlink() or (recaps.exists() and not recaps.is_dir()):
        report.at(
            RECAPS,
            1,
            ERROR,
            "symlink" if recaps.is_symlink() else "layout",
            f"'{RECAPS}' must be a folder inside the group repo, not a "
            f"{'symlink' if recaps.is_symlink() else 'file'}; recaps are neither read nor "
            "written there",
        )
    for member in group.members:
        if is_slug(member.id) and not repo.profile_path(member.id).exists():
            report.at(
                CONFIG,
                member.source.line,
                WARNING,
                "missing-profile",
                f"member '{member.id}' has no profile {MEMBERS}/{member.id}.md",
            )


HOOK_CONFIG = ".pre-commit-config.yaml"


def _check_hook_config(repo: GroupRepo, report: _Report) -> None:
    """The group's .pre-commit-config.yaml runs on the commits of every member who ran
    ``pre-commit install``: a hook other than mastermind's own (added by anyone who can
    commit) would run their code on everyone's machine. It is an error here, so CI and
    every whole check see it; sync never runs git hooks."""
    path = repo.root / HOOK_CONFIG
    if not os.path.lexists(path):
        return
    problem = _hook_problem(path)
    if problem:
        report.at(
            HOOK_CONFIG,
            1,
            ERROR,
            "hook-config",
            f"{problem}: pre-commit runs it on every commit of every member who installed "
            "the hook; review it (git log -p .pre-commit-config.yaml) and put back the one "
            "mastermind init writes",
        )


def _hook_problem(path: Path) -> str | None:
    import yaml

    if path.is_symlink() or not path.is_file():
        return "it is not a plain file"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return "it cannot be read as YAML"
    repos = data.get("repos") if isinstance(data, dict) else None
    if not isinstance(repos, list):
        return "it lists no repos"
    # What mastermind init has written: the command alone (before the wrapper), and the
    # wrapper that finds mastermind however it was installed.
    entries = ("mastermind check", _our_wrapper())
    for entry in repos:
        if not isinstance(entry, dict) or entry.get("repo") != "local":
            return "it runs hooks from another repository"
        for hook in entry.get("hooks") or []:
            if not isinstance(hook, dict):
                return "a hook in it is not a mapping"
            ours = hook.get("id") == "mastermind-check" and hook.get("entry") in entries
            if not ours or hook.get("language") not in ("system", None):
                return f"it runs {hook.get('id')!r}, which is not mastermind's own check"
    return None


def _our_wrapper() -> str:
    """The hook entry the current template writes."""
    import yaml

    from mastermind_kit.resources import templates_dir

    text = (templates_dir() / "pre-commit-config.yaml.j2").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    return str(data["repos"][0]["hooks"][0]["entry"])


def _check_links(repo: GroupRepo, report: _Report) -> None:
    """The group's folders that are symlinks: members/, meetings/ and each meeting's
    folder (a link is never followed: the files below one are refused where they are
    read, and nothing is written through one). Links to files are the reader's own
    finding; recaps/ and templates/ have theirs."""
    folders = [repo.root / MEMBERS, repo.root / MEETINGS]
    if not os.path.islink(repo.root / MEETINGS):
        try:
            with os.scandir(repo.root / MEETINGS) as scan:
                folders += [Path(e.path) for e in scan if e.is_symlink()]
        except OSError:
            pass  # no meetings yet
    for folder in sorted(folders):
        if os.path.islink(folder):
            shown = repo.rel(folder).as_posix()
            report.at(
                shown,
                1,
                ERROR,
                "symlink",
                f"'{shown}' is a symlink that {link_target(folder, repo.root)}: the files "
                "below it are neither read nor written (make it a plain folder)",
            )


def _check_profile(repo: GroupRepo, path: Path, ident: str, report: _Report) -> None:
    if not is_slug(ident):
        report.at(
            repo.rel(path),
            1,
            ERROR,
            "bad-id",
            f"'{ident}' is not a valid member id (file names are <id>.md)",
        )
        return
    loaded = repo.profile(ident)[1]
    report.extend(loaded.findings)
    if loaded.doc is not None:
        _control_characters(loaded.doc, loaded.path, report)


def _check_note(repo: GroupRepo, path: Path, report: _Report) -> None:
    loaded = repo.note_at(path)[1]
    report.extend(loaded.findings)
    doc = loaded.doc
    # Only a YAML escape ("\e") or the character itself puts one in: most notes hold neither.
    if doc is not None and ("\\" in doc.text or first_unseen(doc.text)):
        _control_characters(doc, loaded.path, report)
    if doc is None or not loaded.shape_ok:
        return  # what it holds cannot be judged against other files
    data = doc.data
    member = data.get("member")
    if not isinstance(member, str) or not is_slug(member):
        return
    shown = loaded.path
    profile = repo.profile(member)[0]
    goal_ids = {g.id for g in profile.goals} if profile else None
    if goal_ids is not None:
        for goal_id in data.get("results") or {}:
            if goal_id not in goal_ids:
                report.at(
                    shown,
                    doc.line(("results", goal_id)),
                    ERROR,
                    "unknown-goal",
                    f"'{goal_id}' is not a goal of {member} "
                    f"(goals: {', '.join(sorted(goal_ids)) or 'none'})",
                )
        for i, commitment in enumerate(data.get("commitments") or []):
            goal = commitment.get("goal")
            if goal and goal not in goal_ids:
                report.at(
                    shown,
                    doc.line(("commitments", i, "goal")),
                    ERROR,
                    "unknown-goal",
                    f"'{goal}' is not a goal of {member}",
                )
    meeting = parse_date(data.get("meeting"))
    if meeting is None:
        return
    for i, commitment in enumerate(data.get("commitments") or []):
        if commitment.get("carried_from"):
            _check_reference(
                repo,
                member,
                meeting,
                commitment["carried_from"],
                shown,
                doc.line(("commitments", i, "carried_from")),
                report,
            )
    for i, entry in enumerate(data.get("report") or []):
        _check_reference(
            repo, member, meeting, entry["id"], shown, doc.line(("report", i, "id")), report
        )


# Texts a person reads as one line (in every listing): a line break in one is out of
# place too.
_ONE_LINE = frozenset({"name", "title", "metric", "unit"})


def _control_characters(doc: Document, shown: Path, report: _Report) -> None:
    """A warning for each text of a file (a value or a key of its front matter, a line
    of its body) that holds a control character or a bidi override. Every output shows
    them escaped, so they cannot drive a terminal; but they are there by accident, or to
    mislead a reader (a reordered line, a hidden word)."""
    from mastermind_kit.schema import field_name

    def warn(path: JSONPath, line: int, col: int, found: str) -> None:
        what = "a line break" if found == "\n" else "a control character"
        report.add(
            Finding(
                str(shown),
                line,
                col,
                WARNING,
                "control-character",
                f"{field_name(path) if path else 'body'}: {what} ({visible(found, line=True)}) "
                "in the text; commands show it escaped: remove it",
            )
        )

    def walk(value: object, path: JSONPath) -> None:
        if isinstance(value, str):
            found = first_unseen(value, line=bool(path) and path[-1] in _ONE_LINE)
            if found:
                where = doc.where.get(path) or doc.pos(path)
                warn(path, where.line, where.col, found)
        elif isinstance(value, dict):
            for key, item in value.items():
                found = first_unseen(key, line=True) if isinstance(key, str) else None
                if found:
                    where = doc.keys.get((*path, key)) or doc.pos(path)
                    warn((*path, key), where.line, where.col, found)
                walk(item, (*path, key))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, (*path, i))

    walk(doc.data, ())
    for number, line in enumerate(doc.body.split("\n"), start=doc.body_line):
        found = first_unseen(line)
        if found:
            warn((), number, line.index(found) + 1, found)


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
            report.extend(place_findings(group, repo.rel(path), ident, day))
    return extra


def _check_reference(
    repo: GroupRepo,
    member: str,
    meeting: dt.date,
    ref: str,
    shown: Path,
    where: int,
    report: _Report,
) -> None:
    """A report or carried_from must name a commitment that an earlier note of the same
    member holds (that it is the member's own and earlier is the note's own rule)."""
    parts = split_commitment_id(ref)
    if parts is None or parts[1] != member or parts[0] >= meeting:
        return
    held = repo.commitment_ids(parts[0], member)
    if held is True or (held is not False and ref in held):
        return  # there, or that note has errors of its own (reported for it)
    path = repo.rel(repo.note_path(parts[0], member))
    if held is False:
        report.at(
            shown,
            where,
            ERROR,
            "dangling-id",
            f"'{ref}' names no commitment: there is no note {path}",
        )
    else:
        report.at(shown, where, ERROR, "dangling-id", f"'{ref}' names no commitment in {path}")


def owned_files(repo: GroupRepo, paths: Sequence[Path]) -> dict[str, tuple[str, str]]:
    """The notes and profiles among ``paths``: relative path -> (member, "note" or
    "profile")."""
    owned: dict[str, tuple[str, str]] = {}  # relative path -> (owner, "note"|"profile")
    for path in paths:
        kind, _, owner = repo.classify(path)
        if kind in ("note", "member") and owner and is_slug(owner):
            owned[repo.rel(path).as_posix()] = (owner, "note" if kind == "note" else "profile")
    return owned


def ownership(
    repo: GroupRepo,
    owned: dict[str, tuple[str, str]],
    *,
    author: str | None,
    committer: str | None,
    staged: dict[str, str],
) -> list[Finding]:
    """At commit time, the notes and profiles among ``owned`` (``owned_files``) staged
    for a commit that is not their member's, judged the way ``audit`` will judge the
    commit: authored by someone who is neither the member nor a facilitator, or
    authored as the member and committed by someone who is neither them, a facilitator
    nor a trusted committer. A warning, or an error where the group sets ``owners_only:
    true``. Only staged files are judged, so ``pre-commit run --all-files`` in CI
    accuses nobody."""
    group = repo.group
    severity = ERROR if group.owners_only else WARNING
    trusted = {t.lower() for t in group.trusted_committers}
    findings = []
    for rel, (owner, what) in sorted(owned.items()):
        entry = group.member(owner)
        if rel not in staged or entry is None:
            continue  # an unknown member is the checker's own finding
        own = {e.lower() for e in entry.emails}
        verb = "deletes" if staged[rel] == "D" else "changes"
        if author and author.lower() not in own and not group.is_facilitator(author):
            said = f"is authored as {_whom(group, author)}"
        elif (
            committer
            and author
            and committer.lower() != author.lower()
            and committer.lower() not in own
            and not group.is_facilitator(committer)
            and committer.lower() not in trusted
        ):
            said = f"is committed by {_whom(group, committer)} (a trusted committer?)"
        else:
            continue
        findings.append(
            Finding(
                rel,
                1,
                1,
                severity,
                "owner",
                f"this commit {verb} {owner}'s {what} and {said}, who is neither {owner} "
                "nor a facilitator: commit only your own files",
            )
        )
    return findings


def _whom(group: Group, email: str) -> str:
    member = group.member_by_email(email)
    return f"{email} ({member.id})" if member else email
