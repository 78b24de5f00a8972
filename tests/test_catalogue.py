"""The catalogue: one row per bad input or fault, each run as a user would meet it.

Every row starts from a real git repo of a small group (three members, two held
meetings, each note committed by its member before the meeting: a clean audit), spoils
it the way the row says, runs one real command through ``main`` and asserts the exit
code, a fragment of the one-line message, that no traceback is printed, and that a
failed command left every file of the work tree as it was.

``pytest -m catalogue`` runs these rows together with the other catalogue tests (the
loader's and the checker's hostile inputs, the property tests). A new bug that a user
can meet becomes a new row here.
"""

from __future__ import annotations

import html.parser
import re
import shutil
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from test_bad_input import alias_bomb

from conftest import build_tree, commit, git
from small_group import CONFIG, FILES, TODAY

pytestmark = pytest.mark.catalogue

Run = Callable[..., tuple[int, str, str]]

ALICE = ("Alice Example", "alice@example.org")
BOB = ("Bob Example", "bob@example.org")
CAROL = ("Carol Example", "carol@example.org")
AUTHORS = {"alice": ALICE, "bob": BOB, "carol": CAROL}

A1 = "meetings/2026-12-01/alice.md"
A15 = "meetings/2026-12-15/alice.md"
B15 = "meetings/2026-12-15/bob.md"
PROFILE = "members/alice.md"
YAML = "mastermind.yaml"


def base(root: Path) -> Path:
    """The small group as a repo with an honest history: the config and profiles set up
    by the facilitator's first commit, each note committed by its member before the
    meeting (18:00 Europe/Berlin). Every commit is fully dated, so the repo is the same
    byte for byte whenever it is made."""
    build_tree(root, FILES)
    git(root, "init", "-q", "-b", "main")
    commit(root, "start", when="2026-11-20T10:00:00+01:00", paths=(YAML, "members"))
    for day in ("2026-12-01", "2026-12-15"):
        for member in ("alice", "bob", "carol"):
            path = f"meetings/{day}/{member}.md"
            if path in FILES:
                commit(
                    root, f"{member}: prep", when=f"{day}T10:00:00+01:00",
                    author=AUTHORS[member], paths=(path,),
                )  # fmt: skip
    return root


@pytest.fixture(scope="module")
def made_once(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Where the base repo is made, by the first row that needs it (inside that test's
    hermetic git set-up); every row gets a copy of it, .git and all."""
    return {"at": tmp_path_factory.mktemp("catalogue") / "base"}


def fresh_base(made_once: dict[str, Path], root: Path) -> Path:
    if not (made_once["at"] / ".git").is_dir():
        base(made_once["at"])
    shutil.copytree(made_once["at"], root, symlinks=True)
    return root


def edited(path: str, old: str, new: str) -> str:
    """The base file ``path`` with ``old`` replaced (which must be there)."""
    text = FILES[path]
    assert old in text, (path, old)
    return text.replace(old, new, 1)


def note(front: str, body: str = "") -> str:
    return "---\n" + front + "---\n" + body


# -- setups that go beyond writing files ---------------------------------------------------


def no_commits(root: Path) -> Path:
    """The group's files in a fresh `git init`: a repo without a single commit."""
    fresh = build_tree(root.parent / "fresh", FILES)
    git(fresh, "init", "-q", "-b", "main")
    return fresh


def not_a_repo(root: Path) -> Path:
    return build_tree(root.parent / "plain", FILES)


def shallow(root: Path) -> Path:
    clone = root.parent / "shallow"
    git(root.parent, "clone", "-q", "--depth", "1", f"file://{root}", str(clone))
    return clone


def detached(root: Path) -> Path:
    git(root, "checkout", "-q", "--detach", "HEAD~1")
    return root


def empty_folder(root: Path) -> Path:
    empty = root.parent / "empty"
    empty.mkdir()
    return empty


def symlinked_recaps(root: Path) -> Path:
    (root.parent / "outside").mkdir()
    (root / "recaps").symlink_to(root.parent / "outside", target_is_directory=True)
    return root


def commitment_softened_late(root: Path) -> Path:
    build_tree(root, {A15: edited(A15, "Move two customers", "Move one customer")})
    commit(root, "softer", when="2026-12-22T10:00:00+01:00", author=ALICE, paths=(A15,))
    return root


def bob_edits_alices_note(root: Path) -> Path:
    build_tree(root, {A15: edited(A15, "A billing decision", "Whatever bob wants")})
    commit(root, "bob was here", when="2026-12-15T12:00:00+01:00", author=BOB, paths=(A15,))
    return root


def bob_makes_himself_facilitator(root: Path) -> Path:
    build_tree(root, {YAML: edited(YAML, "excused:", "facilitators: [bob@example.org]\nexcused:")})
    commit(root, "me too", when="2026-12-16T10:00:00+01:00", author=BOB, paths=(YAML,))
    build_tree(root, {A15: edited(A15, "A billing decision", "Whatever bob wants")})
    commit(root, "now allowed?", when="2026-12-16T11:00:00+01:00", author=BOB, paths=(A15,))
    return root


def unresolved_merge(root: Path) -> Path:
    """Two edits of the same line on two branches, merged: git stops with the conflict
    markers left in the note."""
    git(root, "checkout", "-q", "-b", "side")
    build_tree(root, {A15: edited(A15, "A billing decision", "A pricing decision")})
    commit(root, "side", when="2026-12-15T11:00:00+01:00", author=ALICE, paths=(A15,))
    git(root, "checkout", "-q", "main")
    build_tree(root, {A15: edited(A15, "A billing decision", "A hiring decision")})
    commit(root, "main", when="2026-12-15T12:00:00+01:00", author=ALICE, paths=(A15,))
    merge = subprocess.run(["git", "merge", "-q", "side"], cwd=root, capture_output=True)
    assert merge.returncode == 1 and "<<<<<<<" in (root / A15).read_text()
    return root


# -- extra assertions ------------------------------------------------------------------------


class _Page(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend((name, value or "") for name, value in attrs)


def pages_are_inert(root: Path, out: str) -> None:
    pages = sorted((root / "_site").rglob("*.html"))
    assert pages
    for path in pages:
        page = _Page()
        page.feed(path.read_text(encoding="utf-8"))
        assert not {"script", "iframe", "object", "embed", "img"} & set(page.tags), path
        for name, value in page.attributes:
            assert not name.startswith("on"), (path, name)
            if name in ("href", "src", "action", "formaction"):
                plain = re.sub(r"[\x00-\x20]", "", value).lower()
                assert not plain.startswith(("javascript:", "vbscript:", "data:", "file:")), (
                    path,
                    value,
                )


def nothing_constructed(root: Path, out: str) -> None:
    assert not (root / "pwned").exists()


def nothing_outside(root: Path, out: str) -> None:
    assert list((root.parent / "outside").iterdir()) == []


# -- the rows --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    id: str
    what: str
    args: tuple[str, ...]
    code: int
    says: str | tuple[str, ...] | None  # all of these on one line of the output (None: silent)
    files: Mapping[str, str | bytes] = field(default_factory=dict)
    setup: Callable[[Path], Path] | None = None  # returns the folder to run in
    also: Callable[[Path, str], None] | None = None

    def __str__(self) -> str:
        return self.id


BROKEN_BOB = {B15: edited(B15, "hot_seat: true", "hot_seat: maybe")}
BROKEN_BOB_SAYS = ("meetings/2026-12-15/bob.md:4:", "skipped", "mastermind check")
BAD_CONFIG = {YAML: edited(YAML, 'time: "18:00"', "time: [18:00")}
T = ("--today", TODAY)

# fmt: off
ROWS = [
    # -- malformed YAML: check names file and line; the other commands skip the note
    Row(
        "yaml-unclosed-bracket", "a list never closed in a note",
        ("check",), 1, (f"{B15}:5:", "invalid YAML", "never closed"),
        {B15: edited(B15, "questions: [How do I tell the team?]", "questions: [How do I tell")},
    ),
    Row(
        "yaml-bad-indentation", "an item indented less than its list",
        ("check",), 1, (f"{A1}:6:", "invalid YAML"),
        {A1: edited(A1, "walk_away: A pricing decision", " walk_away: A pricing decision")},
    ),
    Row(
        "yaml-broken-profile", "a quote never closed in a profile",
        ("check",), 1, (f"{PROFILE}:3:", "never closed"),
        {PROFILE: edited(PROFILE, "vision: A calm", 'vision: "A calm')},
    ),
    Row(
        "yaml-duplicate-key", "the same key twice (YAML keeps the last one silently)",
        ("check",), 1, (f"{B15}:7:", "duplicate key 'walk_away'", "first on line 6"),
        {B15: edited(B15, "walk_away: A script", "walk_away: A script\nwalk_away: Other")},
    ),
    # -- one member's mistake never blocks the others
    Row("broken-note-summary", "summary skips a broken note, naming it",
        ("summary", *T), 0, BROKEN_BOB_SAYS, BROKEN_BOB),
    Row("broken-note-agenda", "agenda skips a broken note, naming it",
        ("agenda", "--meeting", "2026-12-15", *T), 0, BROKEN_BOB_SAYS, BROKEN_BOB),
    Row("broken-note-recap", "recap skips a broken note and says so",
        ("recap", *T), 0, "1 note skipped, numbers may be incomplete", BROKEN_BOB),
    Row("broken-note-status", "status of another member is unaffected",
        ("status", "--member", "alice", *T), 0, "To report on (1)", BROKEN_BOB),
    Row("broken-note-site", "the pages are built from the valid files",
        ("site", *T), 0, BROKEN_BOB_SAYS, BROKEN_BOB),
    Row("broken-note-calendar", "a member's calendar skips their own broken note",
        ("calendar", "--member", "bob", *T), 0, BROKEN_BOB_SAYS, BROKEN_BOB),
    Row("broken-note-strict", "--strict turns a skipped note into exit 1 for CI",
        ("summary", "--strict", *T), 1, BROKEN_BOB_SAYS, BROKEN_BOB),
    Row("broken-config-summary", "a broken mastermind.yaml stops summary with one line",
        ("summary", *T), 2, ("mastermind: error: mastermind.yaml:5:", "never closed"), BAD_CONFIG),
    Row("broken-config-prep", "... and prep, which writes nothing",
        ("prep", "--member", "alice", *T), 2, "mastermind.yaml:5:", BAD_CONFIG),
    Row("broken-config-check", "check reports the config like any file",
        ("check",), 1, (f"{YAML}:5:", "invalid YAML"), BAD_CONFIG),
    # -- YAML 1.1 surprises
    Row("yaml11-time", "time: 18:00 is the number 1080 in YAML 1.1",
        ("check",), 1, (f"{YAML}:5:", "read as the number 1080", 'quote it: "18:00"'),
        {YAML: edited(YAML, 'time: "18:00"', "time: 18:00")}),
    Row("yaml11-time-stops-summary", "... which the other commands refuse too",
        ("summary", *T), 2, ("mastermind.yaml:5:", "1080"),
        {YAML: edited(YAML, 'time: "18:00"', "time: 18:00")}),
    Row("yaml11-no", "walk_away: no is false",
        ("check",), 1, (f"{B15}:6:", "no was read as false"),
        {B15: edited(B15, "walk_away: A script for the announcement", "walk_away: no")}),
    Row("yaml11-octal", "0755 is the octal number 493",
        ("check",), 1, (f"{B15}:6:", "octal number 493"),
        {B15: edited(B15, "walk_away: A script for the announcement", "walk_away: 0755")}),
    Row("yaml11-sexagesimal-name", "a name 1:30 is the number 90",
        ("check",), 1, (f"{PROFILE}:2:", "1:30 was read as the number 90"),
        {PROFILE: edited(PROFILE, "name: Alice Example", "name: 1:30")}),
    Row("yaml11-fixed", "check --fix quotes what YAML 1.1 misread, then passes",
        ("check", "--fix"), 0, "quoted no",
        {B15: edited(B15, "walk_away: A script for the announcement", "walk_away: no")}),
    # -- wrong types
    Row("type-boolean", "hot_seat: maybe",
        ("check",), 1, (f"{B15}:4:", "expected a boolean", "'maybe'"), BROKEN_BOB),
    Row("type-number", "a result that is not a number",
        ("check",), 1, (f"{A15}:4:", "results.arr: expected a number"),
        {A15: edited(A15, "results: {arr: 26500", "results: {arr: lots")}),
    Row("type-list", "questions written as a single string",
        ("check",), 1, (f"{B15}:5:", "questions: expected a list"),
        {B15: edited(B15, "questions: [How do I tell the team?]", "questions: How?")}),
    Row("type-config-members", "members: not a list",
        ("summary", *T), 2, ("mastermind.yaml:", "members: expected a list"),
        {YAML: CONFIG.split("members:")[0] + "members: alice\n"}),
    # -- impossible dates
    Row("date-feb-30", "a due date that does not exist",
        ("check",), 1, (f"{A15}:", "'2027-02-30' is not a valid date"),
        {A15: edited(A15, "    goal: arr\n---", "    goal: arr\n    due: 2027-02-30\n---")}),
    Row("date-month-13", "a meeting in month 13",
        ("check",), 1, (f"{B15}:3:", "'2026-13-15' is not a valid date"),
        {B15: edited(B15, "meeting: 2026-12-15", "meeting: 2026-13-15")}),
    Row("date-folder", "a meetings folder named after an impossible date",
        ("check",), 1, ("meetings/2026-02-30/bob.md:1:", "not a meeting date"),
        {"meetings/2026-02-30/bob.md": note("member: bob\nmeeting: 2026-02-30\n")}),
    Row("date-cli-today", "--today 2026-02-30 is a usage error",
        ("summary", "--today", "2026-02-30"), 2, "'2026-02-30' is not a date"),
    Row("date-off-schedule", "an agenda for a day the group does not meet",
        ("agenda", "--meeting", "2026-12-08", *T), 2, "2026-12-08 is not a meeting date"),
    # -- encodings and framing
    Row("bom-crlf", "a note saved with a byte order mark and CRLF line ends is fine",
        ("check",), 0, None, {A15: b"\xef\xbb\xbf" + FILES[A15].replace("\n", "\r\n").encode()}),
    Row("bom-crlf-summary", "... and counted",
        ("summary", "--format", "csv", *T), 0, "alice,Alice Example,2,1,",
        {A15: b"\xef\xbb\xbf" + FILES[A15].replace("\n", "\r\n").encode()}),
    Row("latin-1", "a Latin-1 byte in a note",
        ("check",), 1, (f"{B15}:6:", "not UTF-8", "0xe9"),
        {B15: FILES[B15].replace("A script", "Caf\xe9 script").encode("latin-1")}),
    Row("utf-16", "a note saved as UTF-16",
        ("check",), 1, (f"{B15}:1:", "not UTF-8"), {B15: FILES[B15].encode("utf-16")}),
    Row("nul-byte", "a NUL byte in a note",
        ("check",), 1, (f"{B15}:", "NUL"), {B15: FILES[B15].replace("A script", "A\x00")}),
    Row("empty-note", "an empty note",
        ("check",), 1, (f"{B15}:1:", "empty"), {B15: ""}),
    Row("empty-config", "an empty mastermind.yaml",
        ("summary", *T), 2, ("mastermind.yaml:1:", "empty"), {YAML: "\n"}),
    Row("no-closing-fence", "front matter whose closing --- is missing",
        ("check",), 1, (f"{B15}:1:", "never closed"), {B15: FILES[B15].rsplit("---", 1)[0]}),
    Row("no-front-matter", "a note without front matter",
        ("check",), 1, (f"{B15}:1:", "no front matter"), {B15: "Just my thoughts.\n"}),
    Row("note-is-a-folder", "a folder where a note should be",
        ("check",), 1, ("meetings/2026-12-15/dave.md:1:", "not a file"),
        {"meetings/2026-12-15/dave.md/x": "x"}),
    # -- size and expansion: an error, never a hang
    Row("huge-file", "a note over the size limit",
        ("check",), 1, (f"{B15}:1:", "limit"), {B15: FILES[B15] + ("x" * 99 + "\n") * 12_000}),
    Row("huge-file-summary", "... skipped by the summary",
        ("summary", *T), 0, (f"{B15}:1:", "skipped"),
        {B15: FILES[B15] + ("x" * 99 + "\n") * 12_000}),
    Row("alias-bomb", "billion laughs in a note",
        ("check",), 1, (f"{B15}:", "alias bomb"),
        {B15: edited(B15, "hot_seat: true\n", "hot_seat: true\n" + alias_bomb("l", '"lol"'))}),
    Row("alias-bomb-config", "billion laughs in mastermind.yaml",
        ("summary", *T), 2, ("mastermind.yaml:", "alias bomb"), {YAML: CONFIG + alias_bomb("x", "1")}),
    Row("deep-nesting", "200,000 nested lists",
        ("check",), 1, (f"{B15}:5:", "nested too deep"),
        {B15: edited(B15, "questions: [How do I tell the team?]",
                     "questions: " + "[" * 200_000 + "]" * 200_000)}),
    Row("python-tag", "a tag that would run code under an unsafe loader",
        ("check",), 1, (f"{B15}:6:", "not allowed"),
        {B15: edited(B15, "walk_away: A script for the announcement",
                     'walk_away: !!python/object/apply:os.system ["touch pwned"]')},
        also=nothing_constructed),
    # -- ids and arguments that would become paths or git options
    Row("traversal-config-id", "a member id that climbs out of members/",
        ("check",), 1, (f"{YAML}:", "'../../etc/passwd' is not a valid id"),
        {YAML: edited(YAML, "{id: carol,", '{id: "../../etc/passwd",')}),
    Row("traversal-note-member", "member: ../x in a note",
        ("check",), 1, (f"{B15}:2:", "'../x' is not a valid id"),
        {B15: edited(B15, "member: bob", "member: ../x")}),
    Row("traversal-report-id", "a report-back on ../../x/1",
        ("check",), 1, (f"{A15}:", "'2026-12-01/../../x/1' does not have the form"),
        {A15: edited(A15, "  - id: 2026-12-01/alice/1", "  - id: 2026-12-01/../../x/1")}),
    Row("traversal-prep", "prep --member ../x",
        ("prep", "--member", "../x", *T), 2, "no member '../x'"),
    Row("traversal-member-add", "member add ../x",
        ("member", "add", "../x", "--name", "X"), 2, "'../x' is not a valid member id"),
    Row("traversal-report", "report ../../x/1 done",
        ("report", "../../x/1", "done", "--member", "alice", *T), 2, "is not a commitment id"),
    Row("traversal-recap", "recap --meeting ../x",
        ("recap", "--meeting", "../x"), 2, "'../x' is not a date"),
    Row("option-as-value", "a value that git would read as an option",
        ("seal", "--meeting", "--delete"), 2, "'--delete' is not a date"),
    Row("option-as-file-name", "a note named like a git option",
        ("check",), 1, ("meetings/2026-12-15/--output=x.md:1:", "not a valid member id"),
        {"meetings/2026-12-15/--output=x.md": FILES[B15]}),
    # -- merge conflicts
    Row("conflict-markers", "a merge stopped on a conflict: markers in the note",
        ("check",), 1, (f"{A15}:", "merge-conflict marker"), setup=unresolved_merge),
    Row("conflict-markers-summary", "... skipped by the summary, naming the file",
        ("summary", *T), 0, (f"{A15}:", "merge-conflict marker"), setup=unresolved_merge),
    Row("conflict-markers-config", "a conflict in mastermind.yaml stops the other commands",
        ("summary", *T), 2, ("mastermind.yaml:3:", "merge-conflict marker"),
        {YAML: edited(YAML, "cadence: biweekly\n",
                      "<<<<<<< HEAD\ncadence: biweekly\n=======\ncadence: weekly\n>>>>>>> x\n")}),
    # -- the repo itself
    Row("not-a-group", "a command outside any group",
        ("check",), 2, "not inside a group repo", setup=empty_folder),
    Row("not-a-repo", "a group folder that is no git repo: the summary says what it lacks",
        ("summary", *T), 0, "not a git repository", setup=not_a_repo),
    Row("no-commits-audit", "audit of a repo without commits",
        ("audit",), 0, "no commits yet", setup=no_commits),
    Row("no-commits-seal", "seal in a repo without commits",
        ("seal", *T), 2, "no commits yet", setup=no_commits),
    Row("no-commits-summary", "summary in a repo without commits",
        ("summary", *T), 0, "no commits yet", setup=no_commits),
    Row("shallow-audit", "audit refuses a shallow clone rather than accusing",
        ("audit",), 2, ("shallow clone", "git fetch --unshallow"), setup=shallow),
    Row("shallow-summary", "summary in a shallow clone says what it cannot know",
        ("summary", *T), 0, ("shallow clone", "git fetch --unshallow"), setup=shallow),
    Row("detached-summary", "summary on a detached HEAD reads that commit's history",
        ("summary", *T), 0, "HEAD is detached", setup=detached),
    Row("detached-sync", "sync refuses a detached HEAD",
        ("sync",), 2, "HEAD is detached", setup=detached),
    Row("no-upstream-sync", "sync without a remote to sync with",
        ("sync",), 2, "has no upstream"),
    # -- writes go nowhere they should not
    Row("symlinked-recaps", "recaps/ is a symlink out of the repo",
        ("recap", "--write", *T), 2, "recaps is reached through a symlink; nothing was written",
        setup=symlinked_recaps, also=nothing_outside),
    Row("symlinked-recaps-check", "... and check says so",
        ("check",), 1, ("recaps:1:1:", "not a symlink"), setup=symlinked_recaps),
    Row("prep-never-overwrites", "prep over a note that exists",
        ("prep", "--member", "alice", "--meeting", "2026-12-15", *T), 2,
        "already exists; nothing was written"),
    Row("recap-hand-edited", "recap --write over a recap someone edited",
        ("recap", "--write", *T), 2, "was edited by hand; nothing was written",
        {"recaps/2026-12-15.md": "# My own words\n"}),
    Row("agenda-hand-edited", "agenda --write over an agenda someone wrote",
        ("agenda", "--write", *T), 2, "nothing was written",
        {"meetings/2026-12-29/agenda.md": "# My own agenda\n"}),
    # -- the pages: whatever members write, the pages stay inert
    Row("site-script-tags", "HTML and script in a profile body, a title and a name",
        ("site", *T), 0, "wrote",
        {
            PROFILE: edited(PROFILE, "title: Reach 50k", "title: '<img src=x onerror=alert(1)>'")
            + "\n<script>alert('body')</script>\n<iframe src=https://example.org></iframe>\n",
            YAML: edited(YAML, "name: Bob Example", "name: 'Bob </title><script>alert(3)</script>'"),
            B15: FILES[B15] + "<SCRIPT>alert(2)</SCRIPT>\n<svg onload=alert(5)>\n",
        },
        also=pages_are_inert),
    Row("site-unsafe-links", "javascript:, data:, vbscript: and file: links",
        ("site", *T), 0, "wrote",
        {PROFILE: FILES[PROFILE] + "".join(
            f"\n[link {n}]({url})\n" for n, url in enumerate((
                "javascript:alert(1)", "JaVaScRiPt:alert(1)", "&#106;avascript:alert(1)",
                "vbscript:msgbox(1)", "data:text/html;base64,PHNjcmlwdD4=", "file:///etc/passwd",
            ))
        ) + "\n<javascript:alert(1)>\n"},
        also=pages_are_inert),
    # -- what the audit and the seals catch
    Row("audit-late-change", "a commitment softened after the grace period",
        ("audit",), 1, "[commitment-changed]", setup=commitment_softened_late),
    Row("audit-other-author", "one member edits another's note",
        ("audit",), 1, ("alice's note", "Bob Example <bob@example.org>"),
        setup=bob_edits_alices_note),
    Row("audit-self-made-facilitator", "a member who makes themselves facilitator",
        ("audit",), 1, "facilitators", setup=bob_makes_himself_facilitator),
    Row("audit-clean", "the base history is clean (the rows above are not noise)",
        ("audit",), 0, "no findings"),
]
# fmt: on


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_row(row: Row, tmp_path: Path, run_main: Run, made_once: dict[str, Path]) -> None:
    root = fresh_base(made_once, tmp_path / "group")
    where = row.setup(root) if row.setup else root
    build_tree(where, row.files)
    before = _tree(where)

    code, out, err = run_main(*row.args, cwd=where)

    said = out + err
    assert "Traceback" not in said
    assert code == row.code, said
    if row.says is None:
        assert said == ""
    else:
        fragments = (row.says,) if isinstance(row.says, str) else row.says
        lines = [line for line in said.splitlines() if all(f in line for f in fragments)]
        assert lines, f"no line with {fragments!r} in:\n{said}"
    if code == 2:  # one line says what went wrong (Click's usage errors add a usage line)
        errors = [line for line in err.splitlines() if re.match(r"(mastermind: )?[Ee]rror:", line)]
        assert len(errors) == 1, err
    if code != 0:
        assert _tree(where) == before, "a failed command must leave the files as they were"
    if row.also:
        row.also(where, said)


def test_every_row_has_its_own_id() -> None:
    ids = [row.id for row in ROWS]
    assert len(ids) == len(set(ids))


def test_a_seal_catches_a_commitment_changed_after_it(tmp_path: Path, run_main: Run) -> None:
    """Seal, then soften a commitment: `seal --verify` exits 1 and names it."""
    root = base(tmp_path / "group")
    code, _, err = run_main("seal", "--meeting", "2026-12-15", "--today", "2026-12-16", cwd=root)
    assert code == 0, err
    commitment_softened_late(root)
    code, out, err = run_main("seal", "--verify", cwd=root)
    assert code == 1 and "Traceback" not in out + err
    assert "2026-12-15/alice/1 (alice) text changed" in out


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if ".git" not in p.relative_to(root).parts and p.is_file() and not p.is_symlink()
    }
