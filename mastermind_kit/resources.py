"""Where the built-in templates and the sample group are, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    # A wheel carries them inside the package; a checkout (editable install) has them
    # at the project root beside the package.
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"mastermind-kit is missing its {name}/ folder")  # pragma: no cover


def templates_dir() -> Path:
    return _find("templates")


def sample_dir() -> Path:
    return _find("sample_group")
