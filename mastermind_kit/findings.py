"""A finding: one problem in one place, and the ways we print a list of them; and an
audit finding: one thing history shows, in one commit (``audit`` and ``seal`` make them)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

__all__ = [
    "ERROR",
    "WARNING",
    "AuditFinding",
    "Finding",
    "counts",
    "to_gitlab",
    "to_json",
]


ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    col: int
    severity: str
    rule: str
    message: str

    def text(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.severity}: {self.message} [{self.rule}]"

    def github(self) -> str:
        """A GitHub Actions workflow command; GitLab shows the plain text form."""
        level = "error" if self.severity == ERROR else "warning"
        message = _escape_data(f"{self.message} [{self.rule}]")
        props = ",".join(
            [
                f"file={_escape_prop(self.path)}",
                f"line={self.line}",
                f"col={self.col}",
                f"title={_escape_prop('mastermind ' + self.rule)}",
            ]
        )
        return f"::{level} {props}::{message}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_prop(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def counts(findings: Iterable[Finding]) -> tuple[int, int]:
    errors = warnings = 0
    for finding in findings:
        if finding.severity == ERROR:
            errors += 1
        else:
            warnings += 1
    return errors, warnings


def to_json(findings: Iterable[Finding]) -> str:
    return json.dumps([asdict(f) for f in findings], indent=2, ensure_ascii=False)


def to_gitlab(findings: Iterable[Finding]) -> str:
    """A GitLab Code Quality report (``artifacts: reports: codequality``)."""
    import hashlib

    report = []
    for finding in findings:
        key = f"{finding.path}:{finding.rule}:{finding.message}"
        report.append(
            {
                "description": finding.message,
                "check_name": finding.rule,
                "fingerprint": hashlib.sha256(key.encode("utf-8")).hexdigest(),
                "severity": "major" if finding.severity == ERROR else "minor",
                "location": {"path": finding.path, "lines": {"begin": finding.line}},
            }
        )
    return json.dumps(report, indent=2, ensure_ascii=False)


@dataclass(frozen=True)
class AuditFinding:
    rule: str
    commit: str
    author: str
    email: str
    date: dt.datetime
    path: str
    message: str
    # What the finding is about within its commit and file, where a rule can find more
    # than one thing there (a commitment id and what changed, a report, a member): with
    # the rule, commit and path it makes the id, so that rewording a message keeps it.
    subject: str = ""

    @property
    def id(self) -> str:
        """Stable from run to run: the first 12 hex digits of the SHA-256 of the rule,
        the full commit id, the path and the subject (``--accept`` names a finding by it)."""
        key = "\0".join((self.rule, self.commit, self.path, self.subject))
        return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:12]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "rule": self.rule,
            "commit": self.commit,
            "author": self.author,
            "email": self.email,
            "date": self.date.isoformat(),
            "path": self.path,
            "message": self.message,
        }
