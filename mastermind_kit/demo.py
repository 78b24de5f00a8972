"""``mastermind demo``: the bundled sample group replayed as a real git repo, and a tour.

The history is what a real group's would be: the facilitator starts the repo, each
member commits their own profile and notes under their own identity, preparation a
day or three before the meeting (a few of them late), commitments in the hours after
it; a member joins late, one leaves. Two things are left in for ``mastermind audit``
to find: a commitment softened days after its meeting, and one member correcting
another member's note. Dates and choices are derived from the sample itself, so two
demos are identical.

The whole history is written by one ``git fast-import`` process.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mastermind_kit import history, schedule
from mastermind_kit.errors import UsageError
from mastermind_kit.fsutil import os_errors
from mastermind_kit.history import NewCommit
from mastermind_kit.model import Group, MemberEntry, parse_date
from mastermind_kit.repo import GroupRepo
from mastermind_kit.resources import sample_dir

# (meeting, member): a commitment that was written more firmly right after the
# meeting and softened six days later, past the grace period.
SOFTENED = ("2026-09-08", "tobias")
SOFTENED_SUFFIX = " by Friday"
# (meeting, member, editor): a note corrected by another member two days later.
CORRECTED = ("2026-10-20", "priya", "maren")


def _ident(member: MemberEntry) -> tuple[str, str]:
    return member.name, (member.emails or [f"{member.id}@example.invalid"])[0]


def _fraction(*parts: str) -> float:
    """A stable pseudo-random number in [0, 1) from the given words."""
    digest = hashlib.sha256("/".join(parts).encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32


def _prep_version(text: str) -> str:
    """The note as it stood before the meeting: everything up to ``commitments:``."""
    lines = text.split("\n")
    close = next(i for i in range(1, len(lines)) if lines[i].rstrip() == "---")
    cut = next((i for i in range(1, close) if lines[i].startswith("commitments:")), close)
    return "\n".join([*lines[:cut], "commitments: []", *lines[close:]])


def _config_versions(sample: Path, group: Group) -> list[tuple[dt.date, str]]:
    """mastermind.yaml as it changed: late joiners added, leavers marked, over time."""
    from mastermind_kit.members import round_trip

    final = (sample / "mastermind.yaml").read_text(encoding="utf-8")
    yaml = round_trip()
    events: list[dt.date] = sorted(
        {
            m.joined - dt.timedelta(days=7)
            for m in group.members
            if m.joined and m.joined > group.first_meeting
        }
        | {m.left + dt.timedelta(days=1) for m in group.members if m.left}
    )
    versions: list[tuple[dt.date, str]] = []
    start = group.first_meeting - dt.timedelta(days=12)
    for day in [start, *events]:
        data = yaml.load(final)
        members = data["members"]
        for entry in list(members):
            joined = entry.get("joined")
            if joined and joined > group.first_meeting and joined - dt.timedelta(days=7) > day:
                members.remove(entry)
            elif entry.get("left") and entry["left"] + dt.timedelta(days=1) > day:
                entry["left"] = None
        out = io.StringIO()
        yaml.dump(data, out)
        versions.append((day, out.getvalue()))
    # The last version is the file itself, byte for byte (ruamel may differ in spacing).
    versions[-1] = (versions[-1][0], final)
    return versions


def _plan(sample: Path, group: Group) -> list[NewCommit]:
    from mastermind_kit.create import scaffold

    zone = schedule.zone(group)
    if group.facilitators:
        email = group.facilitators[0]
        facilitator = (email.split("@")[0].replace(".", " ").title(), email)
    else:
        facilitator = (group.members[0].name, group.members[0].emails[0])
    commits: list[NewCommit] = []
    versions = _config_versions(sample, group)
    first_config = versions[0][1]
    at_noon = dt.time(12, 0)
    commits.append(
        NewCommit(
            dt.datetime.combine(versions[0][0], at_noon, tzinfo=zone),
            facilitator,
            f"Start {group.name}",
            {"mastermind.yaml": first_config, **scaffold(first_config)},
        )
    )
    for day, text in versions[1:]:
        commits.append(
            NewCommit(
                dt.datetime.combine(day, at_noon, tzinfo=zone),
                facilitator,
                "Update the member list",
                {"mastermind.yaml": text},
            )
        )
    for member in group.members:
        profile = sample / "members" / f"{member.id}.md"
        if not profile.is_file():
            continue
        joined = member.joined or group.first_meeting
        when = dt.datetime.combine(joined - dt.timedelta(days=5), dt.time(20, 15), tzinfo=zone)
        commits.append(
            NewCommit(
                when,
                _ident(member),
                f"Profile of {member.id}",
                {f"members/{member.id}.md": profile.read_text(encoding="utf-8")},
            )
        )
    for note in sorted((sample / "meetings").glob("*/*.md")):
        commits.extend(_note_commits(group, note))
    commits.sort(key=lambda c: c.when)
    return commits


def _note_commits(group: Group, path: Path) -> list[NewCommit]:
    meeting, member_id = path.parent.name, path.stem
    member = group.member(member_id)
    day = parse_date(meeting)
    if member is None or day is None:  # pragma: no cover - the sample is checked
        return []
    relative = f"meetings/{meeting}/{member_id}.md"
    final = path.read_text(encoding="utf-8")
    begins = schedule.start(group, day)
    roll = _fraction(meeting, member_id)
    if roll < 0.08:  # a few prepare late, during or after the meeting's start
        prepared = begins + dt.timedelta(minutes=5 + int(roll * 500))
    else:
        prepared = begins - dt.timedelta(hours=6 + int(roll * 66))
    after = begins + dt.timedelta(hours=3 + int(_fraction(member_id, meeting) * 30))
    prep_text = _prep_version(final)
    who = _ident(member)
    commits = [NewCommit(prepared, who, f"Prep {member_id} for {meeting}", {relative: prep_text})]
    committed = final
    if (meeting, member_id) == SOFTENED:
        marker = "    text: "
        index = final.index(marker, final.index("\ncommitments:")) + len(marker)
        end = final.index("\n", index)
        committed = final[:end] + SOFTENED_SUFFIX + final[end:]
    if (meeting, member_id) == CORRECTED[:2]:
        committed = final.replace(" the ", " teh ", 1)
    if committed != prep_text:
        commits.append(
            NewCommit(
                after, who, f"Commitments of {member_id} from {meeting}", {relative: committed}
            )
        )
    if (meeting, member_id) == SOFTENED:
        commits.append(
            NewCommit(
                begins + dt.timedelta(days=6, hours=2),
                who,
                f"Reword a commitment of {meeting}",
                {relative: final},
            )
        )
    if (meeting, member_id) == CORRECTED[:2]:
        editor = group.member(CORRECTED[2])
        if editor is not None:
            commits.append(
                NewCommit(
                    begins + dt.timedelta(days=2),
                    _ident(editor),
                    f"Fix a typo in {member_id}'s note",
                    {relative: final},
                )
            )
    return commits


def build_demo(directory: Path | None = None) -> Path:
    """Replay the sample group into ``directory`` (new or empty); return its path."""
    sample = sample_dir()
    group = GroupRepo(sample).group
    if directory is None:
        target = Path(tempfile.mkdtemp(prefix="mastermind-demo-"))
    else:
        target = directory.absolute()
        with os_errors(directory, doing="create"):  # a name too long, a file on the way
            _check_free(directory, target)
            target.mkdir(parents=True, exist_ok=True)
    remote = remote_of(target)
    try:
        history.init(target)
        history.fast_import(target, history.fast_import_stream(_plan(sample, group)))
        history.publish(target, remote)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        shutil.rmtree(remote, ignore_errors=True)
        raise
    return target


def _check_free(directory: Path, target: Path) -> None:
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(f"{directory} already exists and is not empty; nothing was written")
    if remote_of(target).exists():
        raise UsageError(
            f"{remote_of(target)} already exists (the demo makes its remote there); "
            "nothing was written"
        )


def remote_of(target: Path) -> Path:
    """The bare repo beside the demo that plays the group's private remote."""
    return target.parent / f"{target.name}-remote.git"


# The member whose loop the tour plays: status, report, sync.
LOOP_MEMBER = "maren"


@contextmanager
def _acting_as(member: MemberEntry, when: dt.datetime) -> Iterator[None]:
    """Commit as ``member`` at ``when`` (git reads these before any config), then put
    the environment back as it was."""
    name, email = _ident(member)
    stamp = when.isoformat()
    values = {
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email,
        "GIT_AUTHOR_DATE": stamp,
        "GIT_COMMITTER_DATE": stamp,
    }
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def member_loop(target: Path, now: dt.datetime) -> list[str]:
    """Play one member's loop in the demo, as they would type it: ``status`` (what do
    I owe?), ``report`` (the first commitment, done), ``sync`` (commit, pull, check,
    push to the remote beside the demo). Returns the lines to show."""
    from mastermind_kit import report, status, sync
    from mastermind_kit.read import read_member

    repo = GroupRepo(target)
    group = repo.group
    member = group.member(LOOP_MEMBER)
    upcoming = schedule.upcoming(group, now)
    if member is None or upcoming is None or not member.active_on(upcoming):
        return []
    view = read_member(repo, member.id, upcoming)
    shown = status.status(view, now).text().splitlines()
    lines = [
        f"{member.name}'s loop before the next meeting (a bare repo beside the demo plays "
        f"the group's remote: {remote_of(target)}):",
        "",
        f"  $ mastermind status --member {member.id}",
        *(f"    {line}" for line in shown[:8]),
    ]
    if not view.carry.owed:
        return lines
    owed = view.carry.owed[0]
    said = "Called all three; two want a second meeting"
    recorded = report.record(view, owed.id, "done", said)
    report.write(recorded, root=target)
    lines += [
        "",
        f'  $ mastermind report {owed.id} done --member {member.id} --note "{said}"',
        f"    recorded {owed.id}: done in {recorded.shown}",
        "",
        f"  $ mastermind sync        (in {member.name}'s clone: git commits as her)",
    ]
    said_by_sync: list[str] = []
    # Committed at the start of the tour's day, or just after the sample's last commit
    # if that is later: a commit is never dated before its parent.
    day = schedule.moment(group, schedule.local_date(group, now))  # two demos, one history
    last = history.head_time(target)
    when = max(day, last + dt.timedelta(minutes=1)) if last else day
    with _acting_as(member, when):
        sync.sync(GroupRepo(target), say=said_by_sync.append)
    lines += [f"    {line}" for line in said_by_sync]
    return lines


def tour(target: Path, now: dt.datetime) -> str:
    """What the demo built (its pages, as of ``now``), and what to try next."""
    from mastermind_kit import recap, site
    from mastermind_kit.cache import Cache, Shelf
    from mastermind_kit.check import check_repo
    from mastermind_kit.findings import counts
    from mastermind_kit.fsutil import replace_tree
    from mastermind_kit.read import read_recap

    repo = GroupRepo(target)
    findings = check_repo(repo)
    errors, warnings = counts(findings)
    notes = sum(1 for _ in repo.note_paths())
    commits = history.commit_count(target)
    where = str(target)
    loop = member_loop(target, now)
    repo = GroupRepo(target)  # the loop wrote a note
    cache = Cache.for_repo(target)
    pages = site.build(repo, now=now, store=Shelf(cache, "site-pages"))
    replace_tree(target / site.FOLDER, pages.files, marker=site.MARKER, staging=cache.folder)
    lines = [
        f"The sample group '{repo.group.name}' is now a git repo in {where}",
        f"  {len(repo.group.members)} members, {notes} notes, "
        f"{commits} commits by the members themselves.",
        f"  mastermind check: {errors} error(s), {warnings} warning(s).",
    ]
    if loop:
        lines += ["", *loop]
    # The last meeting with notes: the sample's history ends, the schedule goes on.
    held = recap.last_held(repo.group, now)
    last = max((d for d in _note_days(repo) if held and d <= held), default=None)
    if last is not None:
        body = recap.markdown_body(recap.build(read_recap(repo, last)), group_root=target)
        head = body.split("\n## Walk-aways")[0].rstrip("\n")
        lines += ["", "The last meeting, from 'mastermind recap' (the start of it):", ""]
        lines += [f"  {line}" if line else "" for line in head.splitlines()]
    lines += ["", "Try:"]
    for command, what in TOUR:
        lines.append(f"  mastermind -C {where} {command}")
        lines.append(f"      {what}")
    lines.append("")
    lines.append(f"Or look around: cd {where} && git log --stat | less")
    lines.append("")
    count = sum(1 for name in pages.files if name.endswith(".html"))
    lines.append(
        f"The group's pages ({count}, written by 'mastermind site'; private, no "
        "JavaScript, open them from the folder) and its calendar:"
    )
    lines.append(f"  {target / site.FOLDER / site.CALENDAR}  (every meeting, for your calendar)")
    lines.append(f"  {target / site.FOLDER / site.INDEX}")
    return "\n".join(lines)


def _note_days(repo: GroupRepo) -> list[dt.date]:
    return [d for folder in repo.meeting_dirs() if (d := parse_date(folder.name)) is not None]


TOUR: list[tuple[str, str]] = [
    ("check", "validate every note (the same check runs on every commit)"),
    ("member list", "who is in the group, who joined late and who left"),
    ("schedule", "recent and upcoming meetings, and whose notes are there"),
    ("status --member maren", "what Maren owes: the next meeting, her note, what to report on"),
    (
        "prep --member kofi --stdout",
        "Kofi's next note, pre-filled: his open commitments, goals with last results, last plan",
    ),
    (
        "prep --member kofi",
        "writes it to meetings/<date>/kofi.md; run it again: it never overwrites",
    ),
    ("agenda", "the next agenda: who prepared, a fair hot-seat order, time boxes"),
    ("recap --meeting 2026-11-17", "what happened at a meeting, ready to paste into an email"),
    (
        "recap --meeting 2026-11-17 --write",
        "saves it as recaps/2026-11-17.md; after a hand edit it is never replaced",
    ),
    ("site --open", "the pages again (after a change), opened in your browser"),
    (
        "calendar --member maren --out maren.ics",
        "the meetings and Maren's open commitments, for her calendar app",
    ),
    ("summary", "who followed through: fates, attendance, preparation on time, streaks, goals"),
    ("summary --format json", "the same numbers for scripts, with their definitions"),
    (
        "audit",
        "from git history: a commitment softened days after its meeting, and one member "
        "editing another's note (exit 1)",
    ),
]
