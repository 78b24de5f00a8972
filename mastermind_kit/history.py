"""The one module that talks to git.

Reading: one streaming pass over ``git log`` (see ``read``). Writing: the few things
other commands need (``init``, ``commit``). Every call goes through ``_git``, which
puts ``--`` before paths so that no user string is ever read as an option.
GitPython is imported on first use: ``mastermind check`` never needs git.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NamedTuple

from mastermind_kit.errors import GitError

if TYPE_CHECKING:
    from mastermind_kit.cache import Models

# Options that keep our own commits independent of the user's global setup: no
# signing prompts, no hooks of theirs running inside a generated repo.
QUIET_COMMIT = ("-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null")


def _git(
    cwd: Path,
    *args: str,
    env: Mapping[str, str] | None = None,
    check: bool = True,
) -> str:
    from git import Git
    from git.exc import GitCommandError, GitCommandNotFound

    full_env = _env()
    if env:
        full_env.update(env)
    try:
        output: Any = Git(str(cwd)).execute(
            ["git", *args],
            env=full_env,
            with_extended_output=not check,
            with_exceptions=check,
            strip_newline_in_stdout=False,
        )
    except GitCommandNotFound:
        raise GitError("git is not installed or not on PATH") from None
    except GitCommandError as error:
        stderr = (error.stderr or "").strip().removeprefix("stderr: ").strip("'\n ")
        raise GitError(f"git {args[0]} failed: {stderr or error}") from None
    if not check:
        return str(output[1])
    return str(output)


def identity(cwd: Path) -> tuple[str, str] | None:
    """The (name, email) git would commit with in ``cwd``, or None when unset."""
    try:
        ident = _git(cwd, "var", "GIT_AUTHOR_IDENT").strip()
        _git(cwd, "var", "GIT_COMMITTER_IDENT")
    except GitError:
        return None
    name, _, rest = ident.partition(" <")
    email = rest.split(">", 1)[0]
    if not name or not email:
        return None
    return name, email


def config_get(cwd: Path, key: str) -> str | None:
    """A git config value as git sees it in ``cwd``; None when unset or no git.
    (A plain subprocess: importing GitPython would cost more than the answer.)"""
    done = _quick(cwd, "config", "--get", key)
    value = done.strip() if done is not None else ""
    return value or None


def toplevel(path: Path) -> Path | None:
    """The top of the git work tree ``path`` is in; None when it is in none."""
    found = _quick(path, "rev-parse", "--show-toplevel")
    return Path(found.strip()) if found and found.strip() else None


def inside_git_dir(path: Path) -> bool:
    """Whether ``path`` is inside a repository's .git folder."""
    found = _quick(path, "rev-parse", "--is-inside-git-dir")
    return bool(found and found.strip() == "true")


def is_ignored(root: Path, relative: str) -> bool | None:
    """Whether git ignores ``relative`` (a path inside ``root``); None when not known
    (no git, or not a git work tree)."""
    try:
        done = subprocess.run(
            ["git", "check-ignore", "-q", "--no-index", "--", relative],
            cwd=root,
            env=_env(),
            capture_output=True,
            check=False,
        )
    except OSError:
        return None
    return {0: True, 1: False}.get(done.returncode)


def _quick(cwd: Path, *args: str) -> str | None:
    """Run a read-only git command; its stdout, or None when it fails or git is missing."""
    try:
        done = subprocess.run(["git", *args], cwd=cwd, env=_env(), capture_output=True, check=False)
    except OSError:
        return None
    if done.returncode != 0:
        return None
    return done.stdout.decode("utf-8", "surrogateescape")


# -- content ids of work-tree files, from git's index -------------------------------------------

_REGULAR = frozenset({"100644", "100755"})


def known_blobs(root: Path, pathspecs: Sequence[str]) -> dict[str, str] | None:
    """The blob id of every file under ``pathspecs`` whose content git knows exactly:
    a regular file in the index that git finds unchanged in the work tree (git's own
    check: stat data, and the content where the stat data cannot be trusted). Paths are
    relative to ``root``. A file missing here (untracked, changed, a symlink, in a
    conflict) must be read to know its content. None outside a git work tree.

    Two git processes, run side by side, whatever the number of files: ``ls-files``
    for the blob ids and ``diff-files`` for what changed. (``ls-files --modified``
    would do both in one, but it looks at every file of the index, not only those
    under the pathspecs: four times the work in a forty-year group.)
    """
    if not pathspecs:
        return {}
    listed, changed = _quick_pair(
        root,
        ["ls-files", "--stage", "-v", "-z", "--", *pathspecs],
        ["diff-files", "--name-only", "--relative", "-z", "--", *pathspecs],
    )
    if listed is None or changed is None:
        return None
    dirty = set(changed.split("\0"))
    blobs: dict[str, str] = {}
    for entry in listed.split("\0"):
        meta, _, path = entry.partition("\t")
        fields = meta.split(" ")
        # "H <mode> <blob> <stage>": only tag H is a file git really compares with the
        # work tree (lowercase: assume-unchanged; S: skip-worktree; git takes those
        # on trust, so their index blob may not be what is on disk).
        if (
            len(fields) == 4
            and fields[0] == "H"
            and fields[1] in _REGULAR
            and fields[3] == "0"
            and path not in dirty
        ):
            blobs[path] = fields[2]
    return _without_filters(root, blobs)


# Attributes that make the bytes in the work tree differ from the blob (a clean/smudge
# filter such as git-crypt or LFS, $Id$ expansion, a re-encoding): for such a file the
# index's blob id says nothing about what a reader of the file gets. (Line ends, which
# "text" and "eol" change, the loader reads alike.)
_TRANSFORMING = ("filter", "ident", "working-tree-encoding")


def _without_filters(root: Path, blobs: dict[str, str]) -> dict[str, str]:
    """``blobs`` without the files a transforming attribute applies to (one
    ``git check-attr`` for all of them); {} when git cannot tell."""
    if not blobs:
        return blobs
    try:
        done = subprocess.run(
            ["git", "check-attr", "--stdin", "-z", *_TRANSFORMING],
            cwd=root,
            env=_env(),
            input="\0".join(blobs).encode("utf-8", "surrogateescape"),
            capture_output=True,
            check=False,
        )
    except OSError:
        return {}
    if done.returncode != 0:
        return {}
    fields = done.stdout.decode("utf-8", "surrogateescape").split("\0")
    for path, _attribute, value in zip(fields[0::3], fields[1::3], fields[2::3], strict=False):
        if value not in ("unspecified", "unset"):
            blobs.pop(path, None)
    return blobs


def _quick_pair(cwd: Path, first: list[str], second: list[str]) -> tuple[str | None, str | None]:
    """Two read-only git commands at once; their stdouts (None where one failed)."""
    try:
        processes = [
            subprocess.Popen(
                ["git", *args],
                cwd=cwd,
                env=_env(),
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
            for args in (first, second)
        ]
    except OSError:
        return None, None
    outputs: list[str | None] = []
    for process in processes:
        out, _ = process.communicate()
        ok = process.returncode == 0
        outputs.append(out.decode("utf-8", "surrogateescape") if ok else None)
    return outputs[0], outputs[1]


class Staged(NamedTuple):
    """The commit being made: who git will record as its author and committer (the
    config and the GIT_AUTHOR_*/GIT_COMMITTER_* variables, as git itself will use
    them), and every staged change (path relative to the group folder -> A, M, D, T)."""

    author: str | None
    committer: str | None
    changes: dict[str, str]


def staged(root: Path) -> Staged:
    """What is staged for the next commit at ``root``: two processes, side by side."""
    idents, diff = _quick_pair(
        root,
        ["var", "-l"],
        ["diff", "--cached", "--name-status", "--relative", "--no-renames", "-z"],
    )
    emails: dict[str, str | None] = {"GIT_AUTHOR_IDENT": None, "GIT_COMMITTER_IDENT": None}
    for line in (idents or "").splitlines():
        name, _, value = line.partition("=")
        if name in emails and "<" in value:
            emails[name] = value.split("<", 1)[1].split(">", 1)[0].strip() or None
    fields = (diff or "").split("\0")
    pairs = zip(fields[0::2], fields[1::2], strict=False)  # a trailing "" has no pair
    changes = {path: status[:1] for status, path in pairs if path}
    return Staged(emails["GIT_AUTHOR_IDENT"], emails["GIT_COMMITTER_IDENT"], changes)


def init(path: Path) -> None:
    _git(path, "init", "-q", "-b", "main")


def commit(
    repo: Path,
    message: str,
    *,
    paths: Sequence[str] = (),
    author: tuple[str, str] | None = None,
    date: str | None = None,
    quiet_hooks: bool = True,
) -> None:
    """Stage ``paths`` (all changes when empty) and commit them.

    ``author`` and ``date`` (ISO 8601 with offset) set both author and committer, as a
    replayed history needs; without them git's own identity and clock are used.
    """
    env: dict[str, str] = {}
    if author:
        env.update(
            GIT_AUTHOR_NAME=author[0],
            GIT_AUTHOR_EMAIL=author[1],
            GIT_COMMITTER_NAME=author[0],
            GIT_COMMITTER_EMAIL=author[1],
        )
    if date:
        env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    if paths:
        _git(repo, "add", "--", *paths)
    else:
        _git(repo, "add", "-A")
    options = QUIET_COMMIT if quiet_hooks else ()
    _git(repo, *options, "commit", "-q", "--allow-empty-message", "-m", message, env=env)


# -- reading the log ------------------------------------------------------------------------
#
# ``read`` starts ONE ``git log`` process over the whole group and parses its output as
# it streams in; ``read_blobs`` starts ONE ``git cat-file --batch`` for old file
# contents (only ``audit`` needs them). Before the log, one ``git rev-parse`` says what
# kind of repo this is. The number of git processes never depends on the number of
# notes or commits. (With ``signatures=True`` git itself runs gpg for each signed
# commit; that is git's doing and only happens where the group requires signing.)

_RECORD = "\x1e"
_FIELD = "\x1f"
_FIELDS = ("%H", "%P", "%an", "%ae", "%aI", "%cn", "%ce", "%cI")
_SIGNATURE_FIELDS = ("%G?", "%GK", "%GP")
_CHUNK = 1 << 16
# Options fixed on the command line so that a user's git config cannot change the output.
_LOG_CONFIG = ("-c", "log.showSignature=false", "-c", "diff.noprefix=false")


# Tuples, not frozen dataclasses: a ten-year history has tens of thousands of each, and
# a frozen dataclass costs several times as much to build.
class Person(NamedTuple):
    name: str
    email: str

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class Commit(NamedTuple):
    id: str
    parents: tuple[str, ...]
    author: Person
    authored: dt.datetime  # aware, with the offset the author's clock had
    committer: Person
    committed: dt.datetime  # aware: when the commit entered history
    signature: str | None = None  # git's %G? letter (G good, N none, E unknown key, ...)
    signing_key: str | None = None
    boundary: bool = False  # the cut-off commit of a shallow clone: its "additions" are not real
    signing_primary: str | None = None  # GPG: the fingerprint of the signing key's primary key


class Change(NamedTuple):
    """One file changed by one commit. Paths are relative to the group root (POSIX)."""

    commit: Commit
    status: str  # A added, M modified, D deleted, R renamed, C copied, T type changed
    path: str
    old_path: str | None = None  # for renames and copies
    old_blob: str | None = None  # None where the file did not exist before
    new_blob: str | None = None  # None where the file was deleted


@dataclass
class FileHistory:
    """Every change to one file, oldest first, following renames (a renamed note keeps
    its first commit). ``path`` is where the file is now (or was when deleted)."""

    path: str
    changes: list[Change] = field(default_factory=list)
    deleted: bool = False

    @property
    def first(self) -> Change:
        return self.changes[0]

    @property
    def first_committed(self) -> dt.datetime | None:
        """Committer date of the commit that added the file; None when that commit is the
        cut-off of a shallow clone (the real first commit is not in the clone)."""
        first = self.changes[0].commit
        return None if first.boundary else first.committed

    @property
    def last_changed(self) -> dt.datetime:
        return self.changes[-1].commit.committed

    @property
    def authors(self) -> list[Person]:
        seen: dict[Person, None] = {}
        for change in self.changes:
            seen.setdefault(change.commit.author, None)
        return list(seen)


@dataclass
class History:
    """What git knows about the group's files. ``available`` is False outside a git repo
    (or when git is missing); ``warnings`` say what could not be known and why."""

    root: Path
    available: bool = False
    commits: list[Commit] = field(default_factory=list)
    files: dict[str, FileHistory] = field(default_factory=dict)  # by current path
    removed: list[FileHistory] = field(default_factory=list)  # deleted files
    warnings: list[str] = field(default_factory=list)
    shallow: bool = False
    rewritten: bool = False  # grafts or replace refs make commits look other than they are
    detached: bool = False
    signatures: bool = False

    def file(self, path: str | Path) -> FileHistory | None:
        key = path.as_posix() if isinstance(path, Path) else path
        return self.files.get(key)

    def first_committed(self, path: str | Path) -> dt.datetime | None:
        found = self.file(path)
        return found.first_committed if found else None

    def lineages(self) -> list[FileHistory]:
        """Every file that ever existed: the current ones, then the deleted ones."""
        return [*self.files.values(), *self.removed]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update({"GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "GIT_PAGER": "cat"})
    return env


def _probe(root: Path) -> tuple[str, list[str]] | None:
    """One ``git rev-parse``: (state, lines) where state is "ok", "empty", "not-repo".
    The lines: inside a work tree, the prefix, shallow, the paths of the shallow file,
    of grafts and of replace refs, then (when there are commits) HEAD's commit id and
    its symbolic name ("HEAD" when detached)."""
    args = [
        "git",
        "rev-parse",
        "--is-inside-work-tree",
        "--show-prefix",
        "--is-shallow-repository",
        "--git-path",
        "shallow",
        "--git-path",
        "info/grafts",
        "--git-path",
        "refs/replace",
        "HEAD",
        "--symbolic-full-name",
        "HEAD",
        "--",  # revisions, not paths, whatever files the work tree holds
    ]
    try:
        done = subprocess.run(args, cwd=root, env=_env(), capture_output=True, check=False)
    except FileNotFoundError:
        return None
    lines = done.stdout.decode("utf-8", "replace").split("\n")
    if done.returncode == 0 and len(lines) >= 8:
        return "ok", lines
    if lines and lines[0] == "true" and len(lines) >= 6:
        return "empty", lines  # HEAD does not resolve: no commits yet
    return "not-repo", lines


def read(root: Path, *, signatures: bool = False, allowed_signers: str | None = None) -> History:
    """Read the whole history of the group at ``root`` in one ``git log``.

    Never raises for the states a group repo can be in (not a repo, no commits, shallow,
    detached HEAD): it returns what can be known and says the rest in ``warnings``.
    With ``allowed_signers`` (the text of git's allowed-signers file), git checks SSH
    signatures against those keys only, not against the user's own setting.
    """
    return start(root, signatures=signatures, allowed_signers=allowed_signers).result()


_FAR_FUTURE = dt.datetime(9999, 1, 1, tzinfo=dt.timezone.utc)

_CACHED_CLASSES = frozenset(
    {
        *((__name__, name) for name in ("Commit", "Person", "Change", "FileHistory")),
        ("datetime", "datetime"),
        ("datetime", "timezone"),
        ("datetime", "timedelta"),
    }
)


class PendingLog:
    """A ``git log`` started in the background, writing to a temporary file: the caller
    reads the group's files on one core while git walks the history on another, and
    ``result()`` then parses what git wrote."""

    def __init__(self, history: History) -> None:
        self.history = history
        self.process: subprocess.Popen[bytes] | None = None
        self.output: IO[bytes] | None = None
        self.errors: IO[bytes] | None = None
        self.prefix = ""
        self.boundary: set[str] = set()
        self.store: tuple[Models, str] | None = None  # where to keep what git says
        self.signers: Path | None = None  # the allowed-signers file git reads, removed after

    def result(self) -> History:
        history = self.history
        if self.process is None or self.output is None or self.errors is None:
            return history
        try:
            code = self.process.wait()
            if code != 0:
                self.errors.seek(0)
                message = self.errors.read().decode("utf-8", "replace").strip().splitlines()
                raise GitError(f"git log failed: {message[-1] if message else f'exit {code}'}")
            self.output.seek(0)
            builder = _Builder(history, self.prefix, self.boundary, history.signatures)
            for token in _tokens(self.output):
                builder.feed(token)
        finally:
            self.output.close()
            self.errors.close()
            self.process = None
            if self.signers is not None:
                self.signers.unlink(missing_ok=True)
                self.signers = None
        if self.store is not None:
            store, key = self.store
            store.save(key, {"log": (key, (history.commits, history.files, history.removed))})
        return history


def start(
    root: Path, *, signatures: bool = False, allowed_signers: str | None = None
) -> PendingLog:
    """Start reading the history of the group at ``root`` (see ``read``)."""
    history = History(root=root, signatures=signatures)
    pending = PendingLog(history)
    probed = _probe(root)
    if probed is None:
        history.warnings.append("git is not installed: no history, so no preparation times")
        return pending
    state, lines = probed
    if state == "not-repo":
        history.warnings.append(
            f"{root} is not a git repository: no history, so no preparation times "
            "and nothing to audit"
        )
        return pending
    if lines[0] != "true":
        history.warnings.append(f"{root} is not inside a git work tree: no history read")
        return pending
    history.available = True
    if state == "empty":
        history.warnings.append("the repository has no commits yet: no preparation times")
        return pending
    prefix = lines[1]
    history.shallow = lines[2] == "true"
    head, history.detached = lines[6], lines[7] == "HEAD"
    boundary: set[str] = set()
    if history.shallow:
        shallow_file = root / lines[3]
        if shallow_file.is_file():
            boundary = set(shallow_file.read_text(encoding="ascii", errors="replace").split())
        history.warnings.append(
            "this is a shallow clone: files first seen in its oldest commit have no known "
            "first commit time (run 'git fetch --unshallow' for the full history)"
        )
    if history.detached:
        history.warnings.append("HEAD is detached: reading the history of the checked-out commit")
    # The same commit read before: its history cannot have changed (a shallow clone's
    # boundary, grafts and replace refs, which rewrite what a commit's past looks like,
    # are never cached).
    replaced = _loose_replace_refs(root / lines[5]) or _packed_replace_refs(root / lines[5])
    history.rewritten = (root / lines[4]).exists() or (
        replaced and not os.environ.get("GIT_NO_REPLACE_OBJECTS")
    )
    # What git shows of the past depends on these too; and signatures are never kept:
    # whether git trusts one depends on keyrings, allowed signers and revocations, which
    # change without a new commit.
    varies = replaced or any(
        os.environ.get(name) for name in ("GIT_REPLACE_REF_BASE", "GIT_NO_REPLACE_OBJECTS")
    )
    if not history.shallow and not history.rewritten and not varies and not signatures:
        from mastermind_kit.cache import Cache, Models, digest

        store = Models(Cache.for_repo(root), "history", allowed=_CACHED_CLASSES)
        key = digest(["history", head, prefix, str(signatures)])
        found = store.load(key).get("log")
        if found is not None:
            history.commits, history.files, history.removed = found[1]
            return pending
        pending.store = (store, key)
    import tempfile

    fields = _FIELDS + (_SIGNATURE_FIELDS if signatures else ())
    fmt = "%x1e" + "%x1f".join(fields)
    if signatures and allowed_signers is not None:
        pending.signers = _signers_file(allowed_signers)
    args = [
        "git",
        *_LOG_CONFIG,
        *_signers_option(pending.signers),
        "log",
        "--reverse",
        "--date-order",
        "--root",
        "-M",
        # A merge commit lists the files it changed beyond what its parents bring
        # (a conflict resolution, an "evil" edit), so audit sees edits made there.
        "--diff-merges=dense-combined",
        "--raw",
        "--no-abbrev",
        "-z",
        "--no-color",
        f"--format={fmt}",
        "HEAD",
        # The group's folder (the repo's top or a folder in it), with git's default
        # history simplification, the same wherever the group stands: a side branch
        # that a merge discarded whole is not what happened.
        "--",
        ".",
    ]
    output, errors = tempfile.TemporaryFile(), tempfile.TemporaryFile()  # noqa: SIM115 - closed by PendingLog.result
    try:
        pending.process = subprocess.Popen(args, cwd=root, env=_env(), stdout=output, stderr=errors)
    except FileNotFoundError:
        output.close()
        errors.close()
        if pending.signers is not None:
            pending.signers.unlink(missing_ok=True)
        history.available = False
        history.warnings.append("git is not installed: no history")
        return pending
    pending.output, pending.errors = output, errors
    pending.prefix, pending.boundary = prefix, boundary
    return pending


def _loose_replace_refs(replace_folder: Path) -> bool:
    """True when refs/replace holds a ref (a file), not just empty folders that
    ``git replace -d`` leaves behind."""
    if not replace_folder.is_dir():
        return replace_folder.exists()
    return any(path.is_file() for path in replace_folder.rglob("*"))


def _packed_replace_refs(replace_folder: Path) -> bool:
    """True when packed-refs (beside ``refs/``) holds a replace ref."""
    packed = replace_folder.parent.parent / "packed-refs"
    try:
        return " refs/replace/" in packed.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def _tokens(stream: IO[bytes]) -> Iterator[str]:
    """NUL-terminated tokens of ``git log -z``, read as they arrive."""
    rest = b""
    while chunk := stream.read(_CHUNK):
        parts = (rest + chunk).split(b"\0")
        rest = parts.pop()
        for part in parts:
            yield part.decode("utf-8", "surrogateescape")
    if rest:
        yield rest.decode("utf-8", "surrogateescape")


class _Builder:
    """Turns the token stream into commits and per-file lineages (oldest first)."""

    def __init__(self, history: History, prefix: str, boundary: set[str], signatures: bool) -> None:
        self.history = history
        self.prefix = prefix
        self.boundary = boundary
        self.signatures = signatures
        self.commit: Commit | None = None
        self.pending: list[str] | None = None  # a raw entry waiting for its paths
        self.deleted: dict[str, FileHistory] = {}  # by the path they were deleted at

    def feed(self, token: str) -> None:
        if self.pending is not None:
            self.pending.append(token)
            status = self.pending[0].split(" ")[-1]
            wanted = 3 if status[:1] in ("R", "C") else 2
            if len(self.pending) == wanted:
                entry, self.pending = self.pending, None
                self._change(entry)
            return
        stripped = token.lstrip("\n")
        if stripped.startswith(_RECORD):
            self._header(stripped[1:])
        elif stripped.startswith(":"):
            self.pending = [stripped]

    def _header(self, text: str) -> None:
        parts = text.split(_FIELD)
        sha, parents, an, ae, ad, cn, ce, cd = parts[:8]
        signature = parts[8] if self.signatures and len(parts) > 8 else None
        key = parts[9] if self.signatures and len(parts) > 9 else None
        primary = parts[10] if self.signatures and len(parts) > 10 else None
        self.commit = Commit(
            id=sha,
            parents=tuple(parents.split()),
            author=Person(an, ae),
            authored=self._date(ad, sha),
            committer=Person(cn, ce),
            committed=self._date(cd, sha),
            signature=signature or None,
            signing_key=key or None,
            boundary=sha in self.boundary,
            signing_primary=primary or None,
        )
        self.history.commits.append(self.commit)

    def _path(self, path: str) -> str:
        return path[len(self.prefix) :] if path.startswith(self.prefix) else path

    def _date(self, text: str, sha: str) -> dt.datetime:
        """A commit's date; one Python cannot hold (git takes years past 9999 and odd
        offsets) is taken as the far future, with a warning: one odd commit never stops
        the reading of the others."""
        try:
            return dt.datetime.fromisoformat(text)
        except ValueError:
            warning = f"commit {sha[:12]} has a date that cannot be read ({text}): taken as 9999"
            if warning not in self.history.warnings:
                self.history.warnings.append(warning)
            return _FAR_FUTURE

    def _change(self, entry: list[str]) -> None:
        assert self.commit is not None
        parents = len(entry[0]) - len(entry[0].lstrip(":"))
        meta = entry[0][parents:].split(" ")
        zero = set("0")
        if parents > 1:
            # A merge: "::<modes> <blob per parent> <result blob> <status per parent>".
            # Its change is against the first parent, the line the merge was made on.
            old_blob, new_blob = meta[parents + 1], meta[2 * parents + 1]
            status = "D" if set(new_blob) <= zero else "A" if set(old_blob) <= zero else "M"
        else:
            old_blob, new_blob, status = meta[2], meta[3], meta[4][:1]
        old = None if set(old_blob) <= zero else old_blob
        new = None if set(new_blob) <= zero else new_blob
        files = self.history.files
        if status in ("R", "C"):
            source, target = self._path(entry[1]), self._path(entry[2])
            change = Change(self.commit, status, target, source, old, new)
            if status == "R" and source in files:
                lineage = files.pop(source)
            else:
                lineage = FileHistory(target)
            self._replace(target)
            lineage.path = target
            lineage.changes.append(change)
            files[target] = lineage
            return
        path = self._path(entry[1])
        change = Change(self.commit, status, path, None, old, new)
        if status == "A" or path not in files:
            self._replace(path)
            # Deleted and added again: one lineage, so that its first commit is the
            # earliest that added the file (a note is not "prepared" by re-adding it).
            earlier = self.deleted.pop(path, None)
            if earlier is not None:
                self.history.removed.remove(earlier)
                earlier.deleted = False
                earlier.changes.append(change)
                files[path] = earlier
            else:
                files[path] = FileHistory(path, [change])
        elif status == "D":
            lineage = files.pop(path)
            lineage.changes.append(change)
            lineage.deleted = True
            self.history.removed.append(lineage)
            self.deleted[path] = lineage
        else:
            files[path].changes.append(change)

    def _replace(self, path: str) -> None:
        # A path added again while git still thinks it exists (a merge of two branches
        # that both added it): keep the older lineage as the one that counts.
        if path in self.history.files:
            self.history.removed.append(self.history.files.pop(path))


def signatures(
    root: Path, commit_ids: Sequence[str], *, allowed_signers: str | None = None
) -> dict[str, tuple[str, str, str]]:
    """git's signature check (%G?, %GK, %GP) of the given commits, in one ``git log``
    (``allowed_signers`` as for ``read``)."""
    if not commit_ids:
        return {}
    signers = _signers_file(allowed_signers) if allowed_signers is not None else None
    try:
        done = subprocess.run(
            [
                "git",
                *_LOG_CONFIG,
                *_signers_option(signers),
                "log",
                "--no-walk=unsorted",
                "--stdin",
                "--format=%H%x1f" + "%x1f".join(_SIGNATURE_FIELDS),
                "--",
            ],
            cwd=root,
            env=_env(),
            input="".join(f"{c}\n" for c in commit_ids).encode("ascii"),
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH") from None
    finally:
        if signers is not None:
            signers.unlink(missing_ok=True)
    found = {}
    for line in done.stdout.decode("utf-8", "replace").splitlines():
        parts = line.split("\x1f")
        if len(parts) == 4:
            found[parts[0]] = (parts[1], parts[2], parts[3])
    return found


def _signers_file(text: str) -> Path:
    """``text`` in a temporary file, for git's ``gpg.ssh.allowedSignersFile`` (git reads
    it from a file only); the caller removes it."""
    import tempfile

    fd, name = tempfile.mkstemp(prefix="mastermind-signers-", suffix=".txt")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    return Path(name)


def _signers_option(signers: Path | None) -> tuple[str, ...]:
    # Given, it replaces the user's own setting: the audit trusts the profiles' keys,
    # the same for every member and in CI. (Without any such file, git 2.39 cannot
    # check SSH signatures at all, and says so on stderr.)
    return ("-c", f"gpg.ssh.allowedSignersFile={signers}") if signers is not None else ()


class BlobReader:
    """Old file contents through ONE ``git cat-file --batch`` process, started on the
    first request and kept for every later one (``close`` ends it). Each id is written
    and its answer read before the next, so neither side can block on a full pipe."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.process: subprocess.Popen[bytes] | None = None
        self.seen: dict[str, bytes | None] = {}

    def read(self, blob_ids: Iterable[str]) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        for blob in dict.fromkeys(blob_ids):
            if blob not in self.seen:
                self.seen[blob] = self._one(blob)
            data = self.seen[blob]
            if data is not None:
                found[blob] = data
        return found

    def _one(self, blob: str) -> bytes | None:
        process = self._process()
        assert process.stdin is not None and process.stdout is not None
        try:
            process.stdin.write(f"{blob}\n".encode("ascii", "replace"))
            process.stdin.flush()
        except BrokenPipeError:
            return None
        header = process.stdout.readline().decode("ascii", "replace").split()
        if len(header) != 3:
            return None  # "<id> missing", or git is gone
        data = process.stdout.read(int(header[2]))
        process.stdout.read(1)  # the newline after each object
        return data

    def _process(self) -> subprocess.Popen[bytes]:
        if self.process is None:
            try:
                self.process = subprocess.Popen(
                    ["git", "cat-file", "--batch"],
                    cwd=self.root,
                    env=_env(),
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                )
            except FileNotFoundError:
                raise GitError("git is not installed or not on PATH") from None
        return self.process

    def close(self) -> None:
        if self.process is not None:
            assert self.process.stdin is not None and self.process.stdout is not None
            self.process.stdin.close()
            self.process.stdout.close()
            self.process.wait()
            self.process = None

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_blobs(root: Path, blob_ids: Iterable[str]) -> dict[str, bytes]:
    """The contents of many blobs through one ``git cat-file --batch`` process."""
    with BlobReader(root) as reader:
        return reader.read(blob_ids)


# -- writing a whole history at once (the demo) ---------------------------------------------


@dataclass
class NewCommit:
    """One commit of a history written at once: when, by whom, and the files it sets."""

    when: dt.datetime  # aware; author and committer date
    author: tuple[str, str]  # (name, email); also the committer
    message: str
    files: dict[str, str] = field(default_factory=dict)  # path -> new text


def fast_import_stream(commits: Sequence[NewCommit], *, branch: str = "main") -> bytes:
    """The ``git fast-import`` input for ``commits``, in order, on ``branch``."""
    out = io.BytesIO()
    for number, commit in enumerate(commits, start=1):
        name, email = commit.author
        stamp = f"{int(commit.when.timestamp())} {commit.when.strftime('%z')}"
        message = commit.message.encode()
        out.write(f"commit refs/heads/{branch}\nmark :{number}\n".encode())
        out.write(f"author {name} <{email}> {stamp}\n".encode())
        out.write(f"committer {name} <{email}> {stamp}\n".encode())
        out.write(b"data %d\n%s\n" % (len(message), message))
        if number > 1:
            out.write(f"from :{number - 1}\n".encode())
        for relative, text in sorted(commit.files.items()):
            data = text.encode("utf-8")
            out.write(f"M 100644 inline {relative}\n".encode())
            out.write(b"data %d\n%s\n" % (len(data), data))
        out.write(b"\n")
    return out.getvalue()


def fast_import(repo: Path, stream: bytes, *, branch: str = "main") -> None:
    """Write a whole prepared history with ONE ``git fast-import``, then check it out."""
    try:
        done = subprocess.run(
            ["git", "fast-import", "--quiet"],
            cwd=repo,
            env=_env(),
            input=stream,
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git fast-import failed: {message[-1] if message else 'no message'}")
    _git(repo, "reset", "-q", "--hard", branch)


def publish(repo: Path, remote: Path, *, branch: str = "main") -> None:
    """Make ``remote`` a new bare repo, add it as ``origin`` and push ``branch`` to it
    with the upstream set (the demo's stand-in for a group's private remote)."""
    where = str(remote.absolute())  # absolute: never read as an option
    _git(repo, "init", "-q", "--bare", "-b", branch, where)
    _git(repo, "remote", "add", "origin", where)
    _git(repo, "push", "-q", "-u", "origin", f"refs/heads/{branch}:refs/heads/{branch}")


def head_time(repo: Path) -> dt.datetime | None:
    """When HEAD was committed; None without commits."""
    output = _git(repo, "log", "-1", "--format=%cI", "HEAD", "--", check=False).strip()
    try:
        return dt.datetime.fromisoformat(output) if output else None
    except ValueError:
        return None


def commit_count(repo: Path) -> int:
    """How many commits HEAD has (0 in a repo without commits)."""
    output = _git(repo, "rev-list", "--count", "HEAD", check=False).strip()
    return int(output) if output.isdigit() else 0


# -- the member's loop: ``sync`` ------------------------------------------------------------
#
# Unlike the reading above, these talk to the member's remote and run the member's own
# hooks and signing set-up: git is run as the member would run it, with their config,
# and only the editor is kept shut (nothing here may wait for one).


class Run(NamedTuple):
    """A git command's exit code and output, for commands whose failure is news."""

    code: int
    out: str
    err: str

    @property
    def ok(self) -> bool:
        return self.code == 0

    def last_line(self) -> str:
        """What went wrong, in git's words: its first "fatal:" or "error:" line (with
        the lines that continue it), else the last line it printed."""
        lines = [line.strip() for line in (self.err or self.out).splitlines() if line.strip()]
        for i, line in enumerate(lines):
            if line.startswith(("fatal:", "error:")):
                said = [line]
                for more in lines[i + 1 : i + 4]:  # "error: ... would be overwritten:\n\tpath"
                    if more.startswith(("fatal:", "error:", "hint:", "Please", "Aborting")):
                        break
                    said.append(more)
                return " ".join(said)
        return lines[-1] if lines else f"git exited with {self.code}"


def _run(cwd: Path, *args: str, prompts: bool = False) -> Run:
    env = _env()
    # Paths are file names, never pathspec magic (":(exclude)x" would commit everything).
    env.update(
        GIT_EDITOR="true",
        GIT_SEQUENCE_EDITOR="true",
        GIT_MERGE_AUTOEDIT="no",
        GIT_LITERAL_PATHSPECS="1",
    )
    if prompts:  # fetch and push may need the member's password or passphrase
        env.pop("GIT_TERMINAL_PROMPT", None)
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, env=env, capture_output=True, stdin=subprocess.DEVNULL
        )
    except OSError:
        raise GitError("git is not installed or not on PATH") from None
    decode = "utf-8", "surrogateescape"
    return Run(done.returncode, done.stdout.decode(*decode), done.stderr.decode(*decode))


@dataclass
class Branch:
    """Where a sync starts from: the checked-out branch and the one it pulls from."""

    prefix: str  # the group folder inside the work tree ("" at the top), with "/"
    git_dir: Path
    name: str | None  # None when HEAD is detached
    upstream: str | None  # e.g. "refs/remotes/origin/main"
    remote: str | None
    remote_ref: str | None  # e.g. "refs/heads/main"
    has_commits: bool

    def in_progress(self) -> str | None:
        """The operation a member left half-done, which a sync must not run into."""
        for marker, what in (
            ("MERGE_HEAD", "a merge"),
            ("rebase-merge", "a rebase"),
            ("rebase-apply", "a rebase (or git am)"),
            ("CHERRY_PICK_HEAD", "a cherry-pick"),
            ("REVERT_HEAD", "a revert"),
            ("BISECT_LOG", "a bisect"),
        ):
            if (self.git_dir / marker).exists():
                return what
        return None


def branch(root: Path) -> Branch:
    """The branch checked out at ``root`` and its upstream (GitError outside a repo)."""
    where = _run(root, "rev-parse", "--show-prefix", "--absolute-git-dir")
    if not where.ok:
        raise GitError(f"{root} is not in a git work tree", hint="mastermind init makes one")
    prefix, git_dir = [*where.out.split("\n"), "", ""][:2]
    has_commits = _run(root, "rev-parse", "--verify", "-q", "HEAD^{commit}", "--").ok
    head = _run(root, "symbolic-ref", "-q", "HEAD")
    name = head.out.strip() if head.ok else None
    upstream = remote = remote_ref = None
    if name:
        fields = _run(
            root,
            "for-each-ref",
            "--format=%(upstream)%00%(upstream:remotename)%00%(upstream:remoteref)",
            "--",
            name,
        ).out.rstrip("\n")
        parts = fields.split("\0")
        if len(parts) == 3 and all(parts):
            upstream, remote, remote_ref = parts
    short = name.removeprefix("refs/heads/") if name else None
    return Branch(prefix, Path(git_dir), short, upstream, remote, remote_ref, has_commits)


class Changed(NamedTuple):
    path: str  # relative to the group folder
    staged: bool  # something of it is in the index already
    untracked: bool


def changed(root: Path, prefix: str) -> list[Changed]:
    """Every path under ``root`` that differs from HEAD: staged, unstaged or untracked
    (ignored files left out). Renames come as the deletion and the addition."""
    found = []
    for entry in _status(root, "."):
        index, tree, path = entry[0], entry[1], entry[3:]
        if path.startswith(prefix):
            path = path[len(prefix) :]
        found.append(Changed(path, index not in " ?", index == "?" and tree == "?"))
    return found


def _status(root: Path, pathspec: str) -> list[str]:
    """``git status --porcelain`` entries ("XY path", paths from the top of the work
    tree) under ``pathspec`` (taken literally): staged, unstaged, untracked."""
    run = _run(
        root,
        "-c",
        "core.quotePath=false",
        "status",
        "--porcelain=v1",
        "-z",
        "--untracked-files=all",
        "--no-renames",
        "--",
        pathspec,
    )
    if not run.ok:
        raise GitError(f"git status failed: {run.last_line()}")
    return [entry for entry in run.out.split("\0") if len(entry) >= 4]


def commit_paths(root: Path, paths: Sequence[str], message: str) -> Run:
    """Commit exactly ``paths`` (relative to ``root``; new, changed or deleted), leaving
    every other change, staged or not, as it was. The member's signing settings apply;
    git hooks do not run: the hook configuration is a file any member can commit (sync
    runs the check itself, in-process, before it commits)."""
    added = _run(root, "add", "-A", "--", *paths)
    if not added.ok:
        return added
    return _run(
        root,
        "-c",
        "core.hooksPath=/dev/null",
        "commit",
        "-q",
        "-m",
        message,
        "--only",
        "--",
        *paths,
    )


def revision(root: Path, ref: str) -> str | None:
    """The commit ``ref`` (a full ref name) points at; None when it does not exist."""
    run = _run(root, "rev-parse", "--verify", "-q", f"{ref}^{{commit}}", "--")
    return run.out.strip() if run.ok else None


def is_ancestor(root: Path, older: str, newer: str) -> bool:
    return _run(root, "merge-base", "--is-ancestor", older, newer).ok


def fetch(root: Path, remote: str) -> Run:
    """Fetch ``remote`` (a name from the branch's config), updating its branches."""
    return _run(root, "fetch", "-q", "--", remote, prompts=True)


def incoming(root: Path, upstream: str) -> list[str]:
    """Paths (relative to ``root``) that the upstream's commits not on HEAD change."""
    run = _run(
        root, "diff", "--name-only", "--relative", "-z", "--no-renames", f"HEAD...{upstream}", "--"
    )
    return [p for p in run.out.split("\0") if p]


def rebase(root: Path, upstream: str) -> Run:
    """Replay HEAD's own commits on ``upstream`` (a full ref), the work tree's other
    changes stashed and put back. ``--no-fork-point``: a commit of the member's that
    was once upstream and is gone after a force push is replayed, not dropped."""
    return _run(root, "rebase", "-q", "--autostash", "--no-fork-point", upstream)


def abort_rebase(root: Path) -> Run:
    return _run(root, "rebase", "--abort")


def unmerged(root: Path) -> list[str]:
    """Paths (relative to ``root``) left in a conflict."""
    run = _run(root, "diff", "--name-only", "--relative", "-z", "--diff-filter=U")
    return [p for p in run.out.split("\0") if p]


def counts(root: Path, upstream: str) -> tuple[int, int]:
    """(ahead, behind): commits on HEAD not upstream, and upstream commits not on HEAD."""
    run = _run(root, "rev-list", "--left-right", "--count", f"HEAD...{upstream}", "--")
    parts = run.out.split()
    if not run.ok or len(parts) != 2:
        return 0, 0
    return int(parts[0]), int(parts[1])


def outgoing(root: Path, upstream: str) -> list[str]:
    """Paths (relative to ``root``) that the commits not yet pushed change."""
    run = _run(
        root, "diff", "--name-only", "--relative", "-z", "--no-renames", f"{upstream}...HEAD", "--"
    )
    return [p for p in run.out.split("\0") if p]


def last_change(root: Path, revision: str, path: str) -> str:
    """The "<short id> by <author>: <subject>" of the last commit at ``revision`` that changed
    ``path``, for messages; "" when none."""
    run = _run(root, "log", "-1", "--format=%h by %an: %s", revision, "--", path)
    return run.out.strip() if run.ok else ""


def describe_head(root: Path) -> str:
    run = _run(root, "log", "-1", "--format=%h %s", "HEAD", "--")
    return run.out.strip()


def push(root: Path, remote: str, remote_ref: str) -> Run:
    """Push HEAD to ``remote_ref`` of ``remote`` (names read from the branch's git
    config, never from the command line). ``Run.code`` is 0 when it went through."""
    return _run(root, "push", "--porcelain", "--", remote, f"HEAD:{remote_ref}", prompts=True)


def push_was_stale(run: Run) -> bool:
    """Whether a failed push was refused only because the remote moved on while we
    looked (someone pushed first, or at the same moment): then a pull and another push
    go through."""
    text = run.out + run.err
    if any(word in text for word in ("(fetch first)", "(non-fast-forward)", "(stale info)")):
        return True
    # Two pushes at the same moment: the remote's ref moved under the second one.
    return "(failed to update ref)" in text and "cannot lock ref" in text


def push_refusal(run: Run) -> str:
    """Why a push was refused, in git's words: the ref's status, and what the remote
    said (its hooks' messages)."""
    status = next(
        (line.split("\t")[-1] for line in run.out.splitlines() if line.startswith("!")), ""
    )
    remote = [
        line.removeprefix("remote:").strip()
        for line in run.err.splitlines()
        if line.startswith("remote:") and line.removeprefix("remote:").strip()
    ]
    said = "; ".join(remote[-3:])
    if status and said:
        return f"{status}: {said}"
    return status or said or run.last_line()


# -- seals: annotated tags that record a meeting (``seal.py``) --------------------------------
#
# A seal is the annotated tag refs/tags/mastermind/meeting/<date> on the commit that held a
# meeting's notes. Checking every seal costs the same few processes whatever their number:
# one ``for-each-ref`` lists them, one more (``--merged``) says which are still in HEAD's
# history, the tag objects and the notes they describe come through a ``BlobReader``
# (``<commit>:./<path>`` requests), and one ``verify-tag`` checks all the signed ones.
# Writing, verifying and pushing run git as the member would: their identity, their
# signing set-up, their remote.

SEAL_REFS = "refs/tags/mastermind/meeting"


class TagRef(NamedTuple):
    """A tag under ``SEAL_REFS``, as ``for-each-ref`` lists it."""

    name: str  # without "refs/tags/", e.g. "mastermind/meeting/2026-11-17"
    kind: str  # the type of the object the ref names: "tag" for an annotated tag
    object: str  # that object's id (the tag object; the commit of a lightweight tag)
    commit: str | None  # the commit it names; None when it names something else


def head_commit(root: Path) -> str | None:
    """HEAD's commit id; None in a repo without commits (GitError outside a work tree)."""
    run = _run(root, "rev-parse", "--is-inside-work-tree", "HEAD^{commit}", "--")
    lines = run.out.split("\n")
    if lines[0] != "true":
        raise GitError(f"{root} is not in a git work tree", hint="mastermind init makes one")
    head = lines[1].strip() if run.ok and len(lines) > 1 else ""
    return head or None


def seal_tags(root: Path, *, merged_into: str | None = None) -> list[TagRef]:
    """Every tag under ``SEAL_REFS`` (one ``git for-each-ref``), by name; with
    ``merged_into`` (a revision, e.g. "HEAD") only those whose commit is in its history."""
    fmt = "%(refname)%00%(objecttype)%00%(objectname)%00%(*objecttype)%00%(*objectname)"
    merged = [f"--merged={merged_into}"] if merged_into is not None else []
    run = _run(root, "for-each-ref", f"--format={fmt}", "--sort=refname", *merged, "--", SEAL_REFS)
    if not run.ok:
        raise GitError(f"git for-each-ref failed: {run.last_line()}")
    found = []
    for line in run.out.splitlines():
        parts = line.split("\0")
        if len(parts) != 5:
            continue
        refname, kind, object_id, peeled_kind, peeled = parts
        commit = object_id if kind == "commit" else peeled if peeled_kind == "commit" else None
        found.append(TagRef(refname.removeprefix("refs/tags/"), kind, object_id, commit))
    return found


def dirty(root: Path, pathspec: str) -> list[str]:
    """Paths under ``pathspec`` (a path relative to ``root``, taken literally) that differ
    from HEAD: staged, unstaged or untracked (ignored files left out), as ``git status``
    names them (from the top of the work tree)."""
    return [entry[3:] for entry in _status(root, pathspec)]


def write_tag(
    root: Path, name: str, commit: str, message: str, *, sign: bool = False, force: bool = False
) -> Run:
    """Write the annotated tag ``name`` on ``commit``, its message kept byte for byte (fed
    on stdin: never an option); signed (``git tag -s``: the member's gpg.format and
    user.signingkey) when ``sign``; replacing a tag of that name when ``force``."""
    args = ["tag", "-s" if sign else "-a", "--cleanup=verbatim", "-F", "-"]
    if force:
        args.append("-f")
    env = _env()
    env.update(GIT_EDITOR="true")
    try:
        done = subprocess.run(
            ["git", *args, "--", name, commit],
            cwd=root,
            env=env,
            input=message.encode("utf-8"),
            capture_output=True,
            check=False,
        )
    except OSError:
        raise GitError("git is not installed or not on PATH") from None
    decode = "utf-8", "surrogateescape"
    return Run(done.returncode, done.stdout.decode(*decode), done.stderr.decode(*decode))


def verified_tags(root: Path, tag_ids: Sequence[str]) -> set[str]:
    """Which of the tag objects ``tag_ids`` carry a signature that git verifies with the
    member's own set-up (gpg keyring, gpg.ssh.allowedSignersFile): one ``git verify-tag``
    for all of them, which prints the id of each good one and goes on past the others."""
    if not tag_ids:
        return set()
    run = _run(root, "verify-tag", "--format=%(objectname)", "--", *tag_ids)
    return {line.strip() for line in run.out.splitlines() if line.strip()}


def push_tags(root: Path, remote: str, names: Sequence[str]) -> Run:
    """Push the tags ``names`` (short names, e.g. "mastermind/meeting/2026-11-17", as
    ``seal.local_seal_tags`` gives them) to ``remote``, as ``refs/tags/<name>`` on both
    sides, in one ``git push``. Never forced: the remote refuses to replace a tag it holds
    with other content (a re-sealed meeting; see ``push_refusal``). A tag it holds already
    is "up to date". ``Run.code`` is 0 when all went through."""
    if not names:
        return Run(0, "", "")
    refspecs = [f"refs/tags/{name}:refs/tags/{name}" for name in names]
    return _run(root, "push", "--porcelain", "--", remote, *refspecs, prompts=True)
