"""Accepting an audit finding: `mastermind audit --accept ID --reason TEXT` (facilitators
only), audit-accepted.yaml, and the audit of that file itself."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import re
from pathlib import Path

import pytest
from test_ledger import ALICE, c, note_text

from mastermind_kit.audit import AuditFinding

from conftest import build_tree, commit, git

NOTE = "meetings/2026-12-01/alice.md"
FIONA = ("Fiona Facilitator", "fiona@example.org")
ACCEPTED = "audit-accepted.yaml"


def alice_note(text: str) -> str:
    return note_text("alice", "2026-12-01", commitments=[c("2026-12-01/alice/1", text)])


@pytest.fixture
def softened(git_group: Path) -> Path:
    """fiona facilitates; alice rewrites her commitment five days after the meeting
    (one finding, commitment-changed)."""
    config = git_group / "mastermind.yaml"
    config.write_text(
        config.read_text().replace("members:", "facilitators: [fiona@example.org]\nmembers:")
    )
    git(git_group, "add", "-A")
    git(
        git_group,
        "commit",
        "-q",
        "--amend",
        "--no-edit",
        env={"GIT_COMMITTER_DATE": "2026-11-20T10:00:00+01:00"},
    )
    build_tree(git_group, {NOTE: alice_note("Call three customers")})
    commit(git_group, "commitments", when="2026-12-01T21:00:00+01:00", author=ALICE)
    build_tree(git_group, {NOTE: alice_note("Call one customer")})
    commit(git_group, "softer", when="2026-12-06T18:00:00+01:00", author=ALICE)
    return git_group


def as_user(group: Path, who: tuple[str, str]) -> None:
    git(group, "config", "user.name", who[0])
    git(group, "config", "user.email", who[1])


def audit(run_main, group: Path, *args: str) -> tuple[int, str, str]:
    result: tuple[int, str, str] = run_main("-C", str(group), "audit", *args)
    return result


def only_finding(run_main, group: Path) -> dict[str, str]:
    code, out, _ = audit(run_main, group, "--format", "json")
    findings = json.loads(out)["findings"]
    assert code == 1 and len(findings) == 1
    finding: dict[str, str] = findings[0]
    return finding


def test_a_facilitator_accepts_a_finding_and_the_audit_passes(softened: Path, run_main) -> None:
    finding = only_finding(run_main, softened)
    ident = finding["id"]
    assert re.fullmatch(r"[0-9a-f]{12}", ident)
    code, out, _ = audit(run_main, softened)
    assert code == 1 and f"[commitment-changed] {ident}\n" in out
    assert only_finding(run_main, softened)["id"] == ident  # the same from run to run

    as_user(softened, FIONA)
    reason = 'Agreed at the meeting of 2026-12-15: "three" was a typo'
    code, out, err = audit(run_main, softened, "--accept", ident, "--reason", reason)
    assert (code, err) == (0, "")
    assert f"accepted {ident} (commitment-changed) in {ACCEPTED}" in out
    text = (softened / ACCEPTED).read_text()
    assert text.startswith("# Findings of 'mastermind audit'")
    sha = git(softened, "rev-parse", "HEAD").strip()
    assert f'  - id: "{ident}"\n    rule: "commitment-changed"\n    commit: "{sha}"\n' in text
    assert run_main("-C", str(softened), "check", "--strict")[0] == 0

    # Not committed yet: it counts here, and says so.
    code, out, _ = audit(run_main, softened)
    assert code == 0
    assert "accepted (1):" in out and f"[commitment-changed] {ident}" in out
    assert "accepted by fiona@example.org on " in out and "(not committed yet)" in out
    assert out.endswith("no open findings in 3 commit(s); 1 accepted\n")

    commit(softened, "accept", when="2026-12-16T10:00:00+01:00", author=FIONA)
    code, out, _ = audit(run_main, softened, "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["findings"] == []
    [accepted] = data["accepted"]
    assert accepted["id"] == ident and accepted["rule"] == "commitment-changed"
    assert accepted["accepted"]["reason"] == reason
    assert accepted["accepted"]["accepted_by"] == "fiona@example.org"
    assert accepted["accepted"]["committed"] is True
    # Accepting it again is refused, and so is a finding nobody has.
    code, _, err = audit(run_main, softened, "--accept", ident, "--reason", "again")
    assert code == 2 and "is accepted already" in err
    code, _, err = audit(run_main, softened, "--accept", "0123456789ab", "--reason", "x")
    assert code == 2 and err.count("\n") == 1 and "no open finding 0123456789ab" in err


def test_only_a_facilitator_may_accept(softened: Path, run_main) -> None:
    ident = only_finding(run_main, softened)["id"]
    as_user(softened, ALICE)
    code, out, err = audit(run_main, softened, "--accept", ident, "--reason", "fine by me")
    assert code == 2 and out == ""
    assert err == (
        "mastermind: error: alice@example.org may not accept findings: only a facilitator "
        "(facilitators in mastermind.yaml) may\n"
    )
    assert not (softened / ACCEPTED).exists()
    code, _, err = audit(run_main, softened, "--reason", "no id")
    assert code == 2 and "--accept and --reason go together" in err


def test_an_entry_committed_by_a_non_facilitator_is_a_finding_and_does_not_count(
    softened: Path, run_main
) -> None:
    ident = only_finding(run_main, softened)["id"]
    as_user(softened, FIONA)
    assert audit(run_main, softened, "--accept", ident, "--reason", "ok")[0] == 0
    # ... but alice commits it: a facilitator wrote it, a member put it in history.
    commit(softened, "accept my own", when="2026-12-07T10:00:00+01:00", author=ALICE)
    accept_commit = git(softened, "rev-parse", "HEAD").strip()
    code, out, _ = audit(run_main, softened, "--format", "json")
    data = json.loads(out)
    assert code == 1 and data["accepted"] == []
    rules = [(f["rule"], f["commit"]) for f in data["findings"]]
    assert ("commitment-changed", rules[0][1]) == rules[0]
    assert ("accepted-by-non-facilitator", accept_commit) in rules
    finding = next(f for f in data["findings"] if f["rule"] == "accepted-by-non-facilitator")
    assert finding["path"] == ACCEPTED
    assert finding["message"] == (
        f"finding {ident} accepted by Alice Example <alice@example.org>, who was not a "
        "facilitator: the acceptance does not count"
    )
    # A facilitator cannot simply accept it again: the entry is there already.
    code, _, err = audit(run_main, softened, "--accept", ident, "--reason", "ok")
    assert code == 2 and "added by someone who was not a facilitator" in err


def test_appending_keeps_the_file_as_it_was(softened: Path, run_main) -> None:
    build_tree(softened, {NOTE: alice_note("Call no customer")})
    commit(softened, "softer still", when="2026-12-08T18:00:00+01:00", author=ALICE)
    out = audit(run_main, softened, "--format", "json")[1]
    first, second = (f["id"] for f in json.loads(out)["findings"])
    as_user(softened, FIONA)
    assert audit(run_main, softened, "--accept", first, "--reason", "one")[0] == 0
    path = softened / ACCEPTED
    # Someone's own comment, list style and Windows line ends stay exactly as they are.
    edited = path.read_bytes().replace(b"accepted:\n  - id", b"accepted: # ours\n- id")
    edited = edited.replace(b"\n    ", b"\n  ").replace(b"\n", b"\r\n")
    path.write_bytes(edited)
    assert audit(run_main, softened, "--accept", second, "--reason", "two")[0] == 0
    after = path.read_bytes()
    assert after.startswith(edited) and after.count(b"\r\n") == after.count(b"\n")
    assert b'\r\n- id: "' + second.encode() + b'"\r\n  rule:' in after
    assert audit(run_main, softened)[0] == 0


def test_check_validates_the_file(softened: Path, run_main) -> None:
    def entries(*ids: str) -> str:
        return "schema: 1\naccepted:\n" + "".join(
            f"  - id: {ident}\n    rule: x\n    commit: '{'a' * 40}'\n    reason: r\n"
            "    accepted_by: fiona@example.org\n    accepted_on: 2026-12-16\n"
            for ident in ids
        )

    build_tree(softened, {ACCEPTED: entries("'0123456789ab'", "ABC")})
    code, out, _ = run_main("-C", str(softened), "check")
    assert code == 1
    assert "audit-accepted.yaml:9:9: error: accepted[1].id: 'ABC' does not have the form" in out
    # A broken file is never appended to.
    as_user(softened, FIONA)
    ident = only_finding(run_main, softened)["id"]
    code, _, err = audit(run_main, softened, "--accept", ident, "--reason", "x")
    assert code == 2 and f"{ACCEPTED} has errors; nothing was written" in err
    build_tree(softened, {ACCEPTED: entries("'0123456789ab'", "'0123456789ab'")})
    code, out, _ = run_main("-C", str(softened), "check", ACCEPTED)
    assert code == 1 and "finding 0123456789ab is accepted twice (first on line 3)" in out


def test_an_id_stays_when_the_message_is_reworded(softened: Path, run_main) -> None:
    finding = only_finding(run_main, softened)
    model = AuditFinding(
        finding["rule"],
        finding["commit"],
        finding["author"],
        finding["email"],
        dt.datetime.fromisoformat(finding["date"]),
        finding["path"],
        finding["message"],
        "2026-12-01/alice/1 text",
    )
    assert model.id == finding["id"]
    assert dataclasses.replace(model, message="reworded").id == finding["id"]
    key = "\0".join(
        [finding["rule"], finding["commit"], finding["path"], "2026-12-01/alice/1 text"]
    )
    assert finding["id"] == hashlib.sha256(key.encode()).hexdigest()[:12]
