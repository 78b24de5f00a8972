"""Writing files safely: atomic replace, never overwrite what a person wrote."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mastermind_kit.errors import ExistsError, FileSystemError, UsageError
from mastermind_kit.errors import os_reason as os_reason  # its old home: kept importable


def atomic_write(path: Path, text: str | bytes, *, durable: bool = True) -> None:
    """Write ``text`` (str as UTF-8, or bytes as they are) to ``path`` atomically:
    through a temp file in the same folder and a rename.

    Readers see the old file or the new one, never half of it; a crash leaves no
    partial file behind. ``durable=False`` skips the fsync, for caches: a value lost in
    a crash is only computed again.
    """
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        data = text.encode("utf-8") if isinstance(text, str) else text
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_new(
    path: Path, text: str, *, force: bool = False, shown: Path | str | None = None
) -> Path | None:
    """Write a generated file, refusing to replace an existing one unless ``force``.

    With ``force`` the old file is kept beside it as ``<name>.bak`` (or ``.bak.1``, ...
    when that exists already; returned).
    ``shown`` is the path as the user should read it (relative to the repo).
    """
    backup: Path | None = None
    if path.exists() or path.is_symlink():
        if not force:
            raise ExistsError(
                f"{shown or path} already exists; nothing was written",
                hint="use --force to replace it; a .bak copy is kept",
            )
        if path.is_symlink() or not path.is_file():
            raise UsageError(f"{shown or path} is not a regular file; not replacing it")
        backup = _free_backup(path)
        atomic_write(backup, path.read_bytes())
    atomic_write(path, text)
    return backup


def replace_tree(
    out: Path,
    files: dict[str, str],
    *,
    marker: str,
    force: bool = False,
    staging: Path | None = None,
) -> None:
    """Make folder ``out`` hold exactly ``files`` (relative path -> text), all at once:
    they are written to a new folder in ``staging`` (default: beside ``out``), which
    then takes its place, so a reader sees the old tree or the new one. ``out`` is
    replaced only when it is empty or was made by this function (it holds the file
    ``marker``), or with ``force``. What an interrupted run left in ``staging`` is
    removed first. A failure of the disk is one line, and leaves ``out`` as it was."""
    import shutil
    import tempfile

    with os_errors(out, doing="write to"):  # a name too long, a folder not to be read
        if out.is_symlink() or (out.exists() and not out.is_dir()):
            raise UsageError(f"{out} is not a folder; nothing was written")
        if out.is_dir() and any(out.iterdir()) and not (out / marker).is_file() and not force:
            raise ExistsError(
                f"{out} holds files this command did not write; nothing was written",
                hint="choose another --out, or use --force to replace the folder",
            )
    staging = staging if staging is not None else out.parent
    prefix = f".{out.name}."
    try:
        staging.mkdir(parents=True, exist_ok=True)
        for entry in staging.iterdir():
            if entry.name.startswith(prefix) and entry.name.endswith((".new", ".old")):
                shutil.rmtree(entry, ignore_errors=True)
        fresh = Path(tempfile.mkdtemp(prefix=prefix, suffix=".new", dir=staging))
    except OSError as error:
        raise FileSystemError(error, doing="write to", path=staging, nothing_written=True) from None
    old = fresh.with_suffix(".old")
    try:
        for relative, text in sorted(files.items()):
            target = fresh / relative
            if not inside(fresh, target):
                raise ValueError(f"a page outside the site: {relative}")  # our bug
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8", newline="\n")
        (fresh / marker).write_text(
            "Written by mastermind site; the whole folder is replaced on the next run.\n",
            encoding="utf-8",
        )
        os.chmod(fresh, 0o755)
        out.parent.mkdir(parents=True, exist_ok=True)
        if out.exists():
            os.replace(out, old)
        os.replace(fresh, out)
    except BaseException as error:
        shutil.rmtree(fresh, ignore_errors=True)
        if old.exists() and not out.exists():
            os.replace(old, out)  # the folder as it was
        if isinstance(error, OSError) and not isinstance(error, BrokenPipeError):
            raise FileSystemError(error, doing="write to", path=out, nothing_written=True) from None
        raise
    shutil.rmtree(old, ignore_errors=True)


@contextmanager
def os_errors(shown: Path | str, *, doing: str = "write") -> Iterator[None]:
    """Turn an operating-system error inside into one line naming ``shown`` and saying
    what to do (``FileSystemError``, exit 2). For a write: the writes in here are atomic,
    so nothing was written."""
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as error:
        written = doing in ("write", "write to", "create")
        raise FileSystemError(error, doing=doing, path=shown, nothing_written=written) from None


def _free_backup(path: Path) -> Path:
    """``<name>.bak``, or ``<name>.bak.1``, ``.bak.2``...: never an earlier backup."""
    backup = path.with_name(path.name + ".bak")
    number = 0
    while backup.exists() or backup.is_symlink():
        number += 1
        backup = path.with_name(f"{path.name}.bak.{number}")
    return backup


def inside(root: Path, path: Path) -> bool:
    """True when ``path`` (symlinks resolved) stays inside ``root``."""
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def refuse_links(root: Path, path: Path, shown: Path | str) -> None:
    """Refuse (UsageError) to write ``path`` unless it lies inside ``root`` and neither
    it nor any folder between ``root`` and it is a symlink: a committed link (dangling,
    a loop, or to a folder that exists) would lead the write out of the repo, or onto
    another member's file. Folders that do not exist yet are fine: the write makes
    them, as real folders, below the last one that was checked."""
    import stat

    try:
        parts = Path(os.path.normpath(path)).relative_to(root).parts
    except ValueError:
        raise UsageError(f"{shown} is outside the group repo; nothing was written") from None
    here = root
    for depth, part in enumerate(parts, start=1):
        here = here / part
        try:
            mode = os.lstat(here).st_mode
        except (FileNotFoundError, NotADirectoryError):
            return
        except OSError as error:
            raise FileSystemError(error, doing="write", path=shown, nothing_written=True) from None
        if stat.S_ISLNK(mode):
            if depth == len(parts):
                raise UsageError(f"{shown} is a symlink; nothing was written")
            link = Path(*parts[:depth]).as_posix()
            folder = Path(shown).parent
            named = "" if folder.as_posix() == link else f" ({link})"
            raise UsageError(f"{folder} is reached through a symlink{named}; nothing was written")
        if not stat.S_ISDIR(mode):
            return  # a file where a folder should be: the write itself fails, saying so


def refuse_links_in(root: Path, path: Path, shown: Path | str) -> None:
    """For a path the user named (``--out``): when it lies inside the group repo
    ``root``, refuse it as ``refuse_links`` does (a committed link must not lead the
    write out of the repo); a path outside the repo is the user's own choice. The part
    of the path above the repo is resolved (the user's own links, like /tmp ->
    /private/tmp), the part inside it never."""
    real = root.resolve()
    parts = Path(os.path.abspath(path)).parts
    for depth in range(1, len(parts) + 1):
        prefix = Path(*parts[:depth])
        try:
            here = prefix if prefix == real else prefix.resolve()
        except (OSError, RuntimeError):  # a loop: not the repo
            continue
        if here == real:
            refuse_links(real, real.joinpath(*parts[depth:]), shown)
            return
