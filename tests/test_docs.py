"""Docs generated from the code cannot drift: the CLI reference in README.md (from
--help) and docs/accountability.md (from the metric definitions and audit rules).

Update both with: python tests/test_docs.py --update
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click
from click.testing import CliRunner

from mastermind_kit.cli import cli

README = Path(__file__).resolve().parent.parent / "README.md"
ACCOUNTABILITY = README.parent / "docs" / "accountability.md"
START, END = "<!-- cli-reference:start -->", "<!-- cli-reference:end -->"


def _commands(group: click.Group, prefix: list[str]) -> list[list[str]]:
    found = []
    for name in group.list_commands(click.Context(group)):
        command = group.get_command(click.Context(group), name)
        path = [*prefix, name]
        found.append(path)
        if isinstance(command, click.Group):
            found.extend(_commands(command, path))
    return found


def reference() -> str:
    runner = CliRunner()
    parts = []
    for path in [[], *_commands(cli, [])]:
        result = runner.invoke(cli, [*path, "--help"], terminal_width=100, prog_name="mastermind")
        assert result.exit_code == 0, result.output
        title = " ".join(["mastermind", *path])
        parts.append(f"### `{title}`\n\n```\n{result.output.rstrip()}\n```\n")
    return "\n" + "\n".join(parts)


def accountability() -> str:
    from mastermind_kit.audit import LIMITS, RULES
    from mastermind_kit.ledger import DEFINITIONS

    lines = [
        "# Accountability: the numbers and the audit",
        "",
        "Generated from `mastermind_kit/ledger.py` and `mastermind_kit/audit.py` by",
        "`python tests/test_docs.py --update`; a test fails when this page drifts. The same",
        "sentences are printed with every summary (`definitions` in JSON, a legend in text).",
        "",
        "## `mastermind summary`: definitions",
        "",
    ]
    lines += [f"- **{key}**: {text}" for key, text in DEFINITIONS.items()]
    lines += ["", "## `mastermind audit`: what it finds in the git history", ""]
    lines += [f"- **{rule}**: {text}" for rule, text in RULES.items()]
    lines += [
        "",
        "`audit` exits 1 when it finds something and 0 on a clean history. The grace period",
        "is `commitment_grace_hours` in mastermind.yaml (default 48); `facilitators` may",
        "edit anyone's files; `require_signed: true` turns on the signature rule.",
        "",
        "## What the audit can prove, and what it cannot",
        "",
    ]
    for paragraph in LIMITS:
        lines += [paragraph, ""]
    return "\n".join(lines)


def test_accountability_page_matches_the_code() -> None:
    current = ACCOUNTABILITY.read_text(encoding="utf-8")
    assert current == accountability(), "stale: run python tests/test_docs.py --update"


def _current() -> str:
    text = README.read_text(encoding="utf-8")
    match = re.search(re.escape(START) + "(.*)" + re.escape(END), text, re.S)
    assert match, "README.md lost its cli-reference markers"
    return match.group(1)


def test_readme_cli_reference_matches_help() -> None:
    assert _current() == reference(), "README is stale: run python tests/test_docs.py --update"


def test_readme_names_the_two_setup_commands() -> None:
    text = README.read_text(encoding="utf-8")
    assert "pip install . && mastermind demo" in text
    assert "pip install '.[test]' && python -m pytest -q" in text
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "python -m pytest -q" in ci


def test_shell_completion_shown_in_the_readme_works() -> None:
    import os
    import subprocess

    assert "_MASTERMIND_COMPLETE=bash_source mastermind" in README.read_text(encoding="utf-8")
    env = dict(
        os.environ, COMP_WORDS="mastermind ch", COMP_CWORD="1", _MASTERMIND_COMPLETE="bash_complete"
    )
    done = subprocess.run(
        [sys.executable, "-m", "mastermind_kit"], env=env, capture_output=True, text=True
    )
    assert "plain,check" in done.stdout.splitlines()


if __name__ == "__main__":
    if sys.argv[1:] == ["--update"]:
        text = README.read_text(encoding="utf-8")
        text = text.replace(START + _current() + END, START + reference() + END)
        README.write_text(text, encoding="utf-8")
        ACCOUNTABILITY.write_text(accountability(), encoding="utf-8")
        print("README.md and docs/accountability.md updated")
    else:
        print(__doc__)
