"""The lower bounds in pyproject.toml never drop below a dependency's last security fix.

Raise a floor here when a dependency publishes a security fix (and in pyproject.toml);
never lower one to make an install work.
"""

from __future__ import annotations

import importlib.metadata
import sys
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"

# name -> the oldest version we accept, and why
SECURITY_FLOORS = {
    "pyyaml": ("6.0.1", "unsafe construction through full_load"),
    "jinja2": ("3.1.6", "sandbox escapes (group templates render in the sandbox)"),
    "gitpython": ("3.1.60", "option injection and untrusted search paths"),
    "markdown-it-py": ("4.1.0", "denial of service on crafted Markdown (the site)"),
}


def _pyproject() -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        tomllib = pytest.importorskip("tomli", reason="reading TOML on Python 3.10 needs tomli")
    with PYPROJECT.open("rb") as file:
        data: dict[str, Any] = tomllib.load(file)
    return data


def _floors() -> dict[str, Version | None]:
    """Each runtime dependency's lower bound (None: no lower bound at all)."""
    floors: dict[str, Version | None] = {}
    for line in _pyproject()["project"]["dependencies"]:
        requirement = Requirement(line)
        lower = [
            Version(spec.version)
            for spec in requirement.specifier
            if spec.operator in (">=", "==", "~=", "===")
        ]
        floors[requirement.name.lower()] = max(lower, default=None)
    return floors


@pytest.mark.parametrize("name", list(SECURITY_FLOORS))
def test_the_floor_carries_the_last_security_fix(name: str) -> None:
    required, why = SECURITY_FLOORS[name]
    floors = _floors()
    assert name in floors, f"{name} is no longer a dependency: drop it from SECURITY_FLOORS"
    floor = floors[name]
    assert floor is not None, f"{name} has no lower bound; it needs >={required} ({why})"
    assert floor >= Version(required), f"{name}>={floor} is below {required} ({why})"


@pytest.mark.parametrize("name", list(SECURITY_FLOORS))
def test_the_installed_version_is_above_the_floor(name: str) -> None:
    """The environment the tests run in has what pyproject.toml asks for (reinstall
    with pip install -e '.[dev]' after raising a floor)."""
    required, _ = SECURITY_FLOORS[name]
    installed = Version(importlib.metadata.version(name))
    assert installed >= Version(required), f"{name} {installed} is installed, {required} needed"


def test_every_dependency_has_a_lower_bound() -> None:
    """A bare name would accept any old release, whatever it lets through."""
    floors = _floors()
    assert [name for name, floor in floors.items() if floor is None] == []
