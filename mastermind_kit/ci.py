"""``mastermind ci``: a CI workflow for a group repo, for GitHub Actions or GitLab CI.

On every push and pull (merge) request the workflow checks the files, audits the full
history and builds the group's pages as a private artifact that expires. The pages are
never published: the notes are confidential.

mastermind-kit is not on PyPI, so the workflow installs it from one pip requirement at
its top. By default that is where the running mastermind came from, as pip recorded it
(PEP 610 ``direct_url.json``); when that cannot be told, a placeholder the group must
replace, which the command warns about.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import SplitResult, urlsplit, urlunsplit

from mastermind_kit import __version__
from mastermind_kit.errors import FileSystemError, UsageError
from mastermind_kit.fsutil import write_new
from mastermind_kit.render import render

__all__ = [
    "PROVIDERS",
    "Install",
    "Written",
    "checked_install",
    "default_install",
    "install_from",
    "workflow",
    "write_workflow",
]

DISTRIBUTION = "mastermind-kit"
PROVIDERS = {
    "github": PurePosixPath(".github/workflows/mastermind.yml"),
    "gitlab": PurePosixPath(".gitlab-ci.yml"),
}
_TEMPLATES = {"github": "ci-github.yml.j2", "gitlab": "ci-gitlab.yml.j2"}
# What CI can fetch from; a file: URL names a folder on the machine that ran `ci`.
_REMOTE = {"https", "http", "ssh", "git"}


@dataclass(frozen=True)
class Install:
    """The pip requirement CI installs mastermind-kit with."""

    spec: str
    known: bool  # False: a placeholder (mastermind-kit==VERSION) the group must replace


@dataclass(frozen=True)
class Written:
    path: PurePosixPath  # relative to the repo root
    backup: Path | None  # the replaced file's copy, with --force


def install_from(direct_url: str | None, *, version: str = __version__) -> Install:
    """The requirement for the distribution pip described in ``direct_url`` (the text of
    its PEP 610 ``direct_url.json``): a VCS checkout pinned to its commit, or an archive
    URL. Anything CI could not fetch (a local folder or file, nothing recorded) gives the
    placeholder ``mastermind-kit==VERSION``."""
    placeholder = Install(f"{DISTRIBUTION}=={version}", known=False)
    try:
        data = json.loads(direct_url) if direct_url else None
    except ValueError:
        return placeholder
    if not isinstance(data, dict) or not isinstance(data.get("url"), str):
        return placeholder
    try:
        parts = urlsplit(data["url"])
        if parts.scheme not in _REMOTE or not parts.hostname:
            return placeholder
        url = _without_secrets(parts)
    except ValueError:  # a port that is no number, a broken IPv6 address
        return placeholder
    vcs, archive = data.get("vcs_info"), data.get("archive_info")
    if isinstance(vcs, dict) and isinstance(vcs.get("vcs"), str):
        commit = vcs.get("commit_id")
        if not isinstance(commit, str) or not commit:
            return placeholder
        url = f"{vcs['vcs']}+{url}@{commit}"
        subdirectory = data.get("subdirectory")
        if isinstance(subdirectory, str) and subdirectory:
            url += f"#subdirectory={subdirectory}"
    elif isinstance(archive, dict):
        hashes = archive.get("hashes")
        sha256 = hashes.get("sha256") if isinstance(hashes, dict) else None
        if isinstance(sha256, str) and not parts.fragment:
            url += f"#sha256={sha256}"  # pip checks the download against it
    else:
        return placeholder
    try:
        return checked_install(f"{DISTRIBUTION} @ {url}")
    except UsageError:  # a control character in what pip recorded
        return placeholder


def _without_secrets(parts: SplitResult) -> str:
    """The URL without a password or token in it: the workflow file is committed. A
    ``git@`` user (ssh) is no secret and is kept."""
    host = parts.hostname or ""
    if ":" in host:  # IPv6
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    if parts.username == "git" and parts.password is None:
        netloc = "git@" + netloc
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def default_install() -> Install:
    """Where the running mastermind-kit was installed from, as an :class:`Install`."""
    from importlib import metadata

    try:
        found = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:  # run from a checkout that is not installed
        return install_from(None)
    return install_from(found.read_text("direct_url.json"), version=found.version)


def checked_install(spec: str) -> Install:
    """``--install SPEC``: one pip requirement, on one line of visible text."""
    spec = spec.strip()
    if not spec:
        raise UsageError("--install must not be empty")
    if any(unicodedata.category(c).startswith(("C", "Zl", "Zp")) for c in spec):
        raise UsageError(
            f"--install {json.dumps(spec)} holds a line break or a control character",
            hint="give one pip requirement, e.g. 'mastermind-kit @ git+https://host/you/"
            "mastermind-kit@v1.0'",
        )
    if spec.startswith("-"):
        raise UsageError(
            f"--install {spec!r} is a pip option, not a requirement",
            hint="give one pip requirement; for other pip options, edit the workflow file",
        )
    return Install(spec, known=True)


def workflow(provider: str, *, install: Install) -> str:
    """The workflow file's text for ``provider`` ("github" or "gitlab")."""
    if provider not in _TEMPLATES:
        raise UsageError(f"unknown CI {provider!r}", hint="use github or gitlab")
    context = {"install": install.spec, "install_known": install.known}
    return render(_TEMPLATES[provider], context)


def write_workflow(root: Path, provider: str, *, install: Install, force: bool = False) -> Written:
    """Write the workflow into the group repo at ``root``; never over an existing file
    unless ``force`` (which keeps a .bak), never through a symlink in the repo."""
    text = workflow(provider, install=install)
    relative = PROVIDERS[provider]
    on_the_way = root
    for part in relative.parts:
        on_the_way = on_the_way / part
        if on_the_way.is_symlink():
            shown = on_the_way.relative_to(root).as_posix()
            raise UsageError(f"{shown} is a symlink; nothing was written")
    try:
        backup = write_new(root / relative, text, force=force, shown=relative.as_posix())
    except OSError as error:  # a file where a folder should be, no permission, a full disk
        raise FileSystemError(
            error, doing="write", path=relative.as_posix(), nothing_written=True
        ) from None
    return Written(relative, backup)
