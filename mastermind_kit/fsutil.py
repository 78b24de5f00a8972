"""Writing files safely: atomic replace, never overwrite what a person wrote."""

from __future__ import annotations

import os
from pathlib import Path

from mastermind_kit.errors import ExistsError, UsageError


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
        raise UsageError(
            f"cannot write to {staging}: {os_reason(error)}; nothing was written"
        ) from None
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
        if isinstance(error, OSError):
            message = f"cannot write to {out}: {os_reason(error)}; nothing was written"
            raise UsageError(message) from None
        raise
    shutil.rmtree(old, ignore_errors=True)


def os_reason(error: OSError) -> str:
    """An operating-system error as a few words: "permission denied", "no space left
    on device"."""
    return (error.strerror or str(error)).lower()


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
    """Refuse (UsageError) to write ``path`` when it, or a folder between ``root`` and
    it, is a symlink: a committed link would lead the write out of the repo (or onto
    another member's file)."""
    if path.is_symlink():
        raise UsageError(f"{shown} is a symlink; nothing was written")
    folder = path.parent
    if folder.exists() and folder.resolve() != root.resolve() / folder.relative_to(root):
        raise UsageError(f"{Path(shown).parent} is reached through a symlink; nothing was written")
