"""`mastermind audit` on hand-made histories (meetings at 18:00 Europe/Berlin, CET +01:00)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_ledger import ALICE, BOB, c, note_text, r

from conftest import build_tree, commit, git

NOTE = "meetings/2026-12-01/alice.md"
FIONA = ("Fiona Facilitator", "fiona@example.org")


def alice_note(text: str = "Call three customers", due: str | None = None) -> str:
    extra = {"due": due} if due else {}
    return note_text("alice", "2026-12-01", commitments=[c("2026-12-01/alice/1", text, **extra)])


def audit(run_main, group: Path, *args: str) -> tuple[int, str, str]:
    result: tuple[int, str, str] = run_main("-C", str(group), "audit", *args)
    return result


def test_clean_history_exits_0(git_group: Path, run_main) -> None:
    build_tree(git_group, {NOTE: note_text("alice", "2026-12-01")})
    commit(git_group, "prep", when="2026-11-30T10:00:00+01:00", author=ALICE)
    build_tree(git_group, {NOTE: alice_note()})  # commitments written right after
    commit(git_group, "commitments", when="2026-12-01T21:00:00+01:00", author=ALICE)
    build_tree(git_group, {NOTE: alice_note("Call two customers")})  # within 48 h
    commit(git_group, "typo", when="2026-12-03T17:59:00+01:00", author=ALICE)
    code, out, err = audit(run_main, git_group)
    assert (code, err) == (0, "")
    assert out == "no findings in 4 commit(s)\n"


def test_commitment_edited_after_the_grace_period(git_group: Path, run_main) -> None:
    build_tree(git_group, {NOTE: alice_note()})
    commit(git_group, "commitments", when="2026-12-01T21:00:00+01:00", author=ALICE)
    build_tree(git_group, {NOTE: alice_note("Call one customer", due="2026-12-29")})
    commit(git_group, "softer", when="2026-12-06T18:00:00+01:00", author=ALICE)
    code, out, _ = audit(run_main, git_group)
    assert code == 1
    sha = git(git_group, "rev-parse", "HEAD").strip()
    assert (
        f"2026-12-06T18:00:00+01:00  {sha[:10]}  Alice Example <alice@example.org>  {NOTE}" in out
    )
    assert (
        'commitment 2026-12-01/alice/1: text changed from "Call three customers" to '
        '"Call one customer" 5.0 days after the meeting started (grace 48 h) '
        "[commitment-changed]"
    ) in out
    assert 'due changed from (none) to "2026-12-29"' in out
    code, out, _ = audit(run_main, git_group, "--format", "json")
    data = json.loads(out)
    assert code == 1 and len(data["findings"]) == 2
    finding = data["findings"][0]
    assert finding["commit"] == sha and finding["path"] == NOTE
    assert (finding["author"], finding["email"]) == ALICE
    assert finding["date"] == "2026-12-06T18:00:00+01:00"
    assert finding["rule"] == "commitment-changed"
    assert "commitment-changed" in data["rules"]
    # --since after the edit: nothing left to report.
    code, out, _ = audit(run_main, git_group, "--since", "2026-12-07")
    assert code == 0


def _amend_start(group: Path, old: str, new: str) -> None:
    """Change the config of the group's first commit (the rules it started with); call
    it while that commit is still HEAD."""
    config = group / "mastermind.yaml"
    config.write_text(config.read_text().replace(old, new))
    when = "2026-11-20T10:00:00+01:00"
    git(group, "add", "-A")
    git(group, "commit", "-q", "--amend", "--no-edit", env={"GIT_COMMITTER_DATE": when})


def test_grace_hours_come_from_the_config(git_group: Path, run_main) -> None:
    _amend_start(git_group, "agreement:", "commitment_grace_hours: 200\nagreement:")
    build_tree(git_group, {NOTE: alice_note()})
    commit(git_group, "commitments", when="2026-12-01T21:00:00+01:00", author=ALICE)
    build_tree(git_group, {NOTE: note_text("alice", "2026-12-01")})  # removed, day 5
    commit(git_group, "gone", when="2026-12-06T18:00:00+01:00", author=ALICE)
    assert audit(run_main, git_group)[0] == 0
    build_tree(git_group, {NOTE: alice_note()})
    commit(git_group, "back", when="2026-12-09T18:00:00+01:00", author=ALICE)
    build_tree(git_group, {NOTE: note_text("alice", "2026-12-01")})
    commit(git_group, "gone again", when="2026-12-10T18:00:00+01:00", author=ALICE)  # 9 days
    code, out, _ = audit(run_main, git_group)
    assert code == 1 and "commitment 2026-12-01/alice/1 removed 9.0 days after" in out


def test_report_status_changed_after_the_next_meeting(git_group: Path, run_main) -> None:
    path = "meetings/2026-12-15/alice.md"
    build_tree(git_group, {NOTE: alice_note()})
    commit(git_group, "alice", when="2026-12-01T19:00:00+01:00", author=ALICE)

    def report(status: str, when: str) -> None:
        build_tree(
            git_group,
            {path: note_text("alice", "2026-12-15", report=[r("2026-12-01/alice/1", status)])},
        )
        commit(git_group, status, when=when, author=ALICE)

    report("missed", "2026-12-14T10:00:00+01:00")
    report("partial", "2026-12-16T10:00:00+01:00")  # before the next meeting: fine
    assert audit(run_main, git_group)[0] == 0
    report("done", "2026-12-29T18:30:00+01:00")  # the 12-29 meeting started at 18:00
    code, out, _ = audit(run_main, git_group)
    assert code == 1
    assert (
        'report on 2026-12-01/alice/1: status changed from "partial" to "done" after '
        "the next meeting (2026-12-29) started [report-changed]"
    ) in out
    assert out.count("[report-changed]") == 1


def test_files_changed_by_someone_else(git_group: Path, run_main) -> None:
    _amend_start(git_group, "agreement:", "facilitators: [FIONA@example.org]\nagreement:")
    build_tree(git_group, {NOTE: note_text("alice", "2026-12-01")})
    commit(git_group, "alice", when="2026-11-30T10:00:00+01:00", author=ALICE)
    build_tree(git_group, {NOTE: note_text("alice", "2026-12-01", walk_away="fixed by fiona")})
    commit(git_group, "facilitator fix", when="2026-11-30T11:00:00+01:00", author=FIONA)
    build_tree(git_group, {NOTE: note_text("alice", "2026-12-01", walk_away="bob was here")})
    commit(git_group, "bob edits alice", when="2026-11-30T12:00:00+01:00", author=BOB)
    build_tree(git_group, {"members/alice.md": "---\nname: Alice B. Example\n---\n"})
    commit(git_group, "bob edits alice's profile", when="2026-11-30T13:00:00+01:00", author=BOB)
    code, out, _ = audit(run_main, git_group)
    assert code == 1
    # The profiles were created by the group's first commit (Test Runner): not a finding.
    assert out.count("[other-author]") == 2
    assert (
        f"{NOTE}\n  alice's note changed by Bob Example <bob@example.org>, who is not "
        "alice (nor a facilitator) [other-author]"
    ) in out
    assert "alice's profile changed by Bob Example" in out


def test_deleted_note(git_group: Path, run_main) -> None:
    build_tree(git_group, {NOTE: alice_note()})
    commit(git_group, "alice", when="2026-11-30T10:00:00+01:00", author=ALICE)
    git(git_group, "rm", "-q", NOTE)
    commit(git_group, "oops", when="2026-12-20T10:00:00+01:00", author=ALICE)
    code, out, _ = audit(run_main, git_group)
    assert code == 1
    assert "note of alice for 2026-12-01 deleted [note-deleted]" in out
    assert "[other-author]" not in out


def test_unsigned_commits_when_signing_is_required(git_group: Path, run_main) -> None:
    code, out, _ = audit(run_main, git_group)
    assert code == 0  # signing not required: unsigned commits are fine
    config = git_group / "mastermind.yaml"
    config.write_text(config.read_text().replace("agreement:", "require_signed: true\nagreement:"))
    commit(git_group, "require signing", when="2026-11-21T10:00:00+01:00", author=ALICE)
    # The rule holds from the next commit on: the one that set it was made before it.
    assert audit(run_main, git_group)[0] == 0
    build_tree(git_group, {NOTE: note_text("alice", "2026-12-01")})
    commit(git_group, "prep", when="2026-11-30T10:00:00+01:00", author=ALICE)
    code, out, _ = audit(run_main, git_group, "--format", "json")
    data = json.loads(out)
    assert code == 1
    assert [f["rule"] for f in data["findings"]] == ["unsigned"]
    assert data["findings"][0]["message"] == (
        "commit not signed; the group required signed commits then"
    )
    assert data["findings"][0]["email"] == "alice@example.org"


def test_not_a_repo_warns_and_finds_nothing(group: Path, run_main) -> None:
    code, out, err = audit(run_main, group)
    assert code == 0
    assert "warning: " in out and "not a git repository" in out
    code, out, err = audit(run_main, group, "--format", "json")
    assert code == 0 and json.loads(out)["findings"] == [] and "not a git repository" in err


def test_member_without_emails_is_not_checked(git_group: Path, run_main) -> None:
    _amend_start(git_group, "    emails: [bob@example.org]\n", "")
    build_tree(git_group, {"meetings/2026-12-01/bob.md": note_text("bob", "2026-12-01")})
    commit(git_group, "bob", when="2026-11-30T10:00:00+01:00", author=ALICE)
    code, out, _ = audit(run_main, git_group)
    assert code == 0
    assert "member 'bob' has no emails in mastermind.yaml" in out


ALICE_NOTE = "---\nmember: alice\nmeeting: {day}\n{extra}---\n"


def test_audit_sees_an_edit_made_inside_a_merge_commit(git_group: Path, run_main) -> None:
    build_tree(
        git_group,
        {
            "meetings/2026-12-01/alice.md": ALICE_NOTE.format(
                day="2026-12-01",
                extra="commitments:\n  - {id: 2026-12-01/alice/1, text: Call five}\n",
            )
        },
    )
    commit(git_group, "alice", when="2026-12-01T21:00:00+01:00", author=ALICE)
    git(git_group, "checkout", "-q", "-b", "side")
    build_tree(
        git_group, {"meetings/2026-12-01/bob.md": "---\nmember: bob\nmeeting: 2026-12-01\n---\n"}
    )
    commit(git_group, "bob", when="2026-12-01T22:00:00+01:00", author=BOB)
    git(git_group, "checkout", "-q", "main")
    build_tree(git_group, {"members/bob.md": "---\nname: Bob Example\ngoals: []\n---\nHi.\n"})
    commit(git_group, "profile", when="2026-12-02T10:00:00+01:00", author=BOB)
    git(git_group, "merge", "-q", "--no-ff", "--no-commit", "side")
    note = git_group / "meetings/2026-12-01/alice.md"
    note.write_text(note.read_text().replace("Call five", "Call two"))
    commit(git_group, "merge", when="2026-12-10T10:00:00+01:00", author=BOB)
    code, out = run_main("-C", str(git_group), "audit")[:2]
    assert code == 1
    assert "[commitment-changed]" in out and '"Call five" to "Call two"' in out
    assert "[other-author]" in out


def test_audit_sees_a_report_added_long_after_the_next_meeting(git_group: Path, run_main) -> None:
    build_tree(
        git_group,
        {
            "meetings/2026-12-01/alice.md": ALICE_NOTE.format(
                day="2026-12-01", extra="commitments:\n  - {id: 2026-12-01/alice/1, text: Call}\n"
            ),
            "meetings/2026-12-15/alice.md": ALICE_NOTE.format(day="2026-12-15", extra=""),
        },
    )
    commit(git_group, "notes", when="2026-12-14T10:00:00+01:00", author=ALICE)
    assert run_main("-C", str(git_group), "audit")[:2][0] == 0
    build_tree(
        git_group,
        {
            "meetings/2026-12-15/alice.md": ALICE_NOTE.format(
                day="2026-12-15", extra="report:\n  - {id: 2026-12-01/alice/1, status: done}\n"
            )
        },
    )
    commit(git_group, "late report", when="2027-02-01T10:00:00+01:00", author=ALICE)
    code, out = run_main("-C", str(git_group), "audit")[:2]
    assert code == 1
    assert 'report on 2026-12-01/alice/1 added (status "done")' in out


@pytest.mark.catalogue
def test_a_shallow_clone_is_refused_rather_than_accusing(
    git_group: Path, run_main, tmp_path: Path
) -> None:
    """In a depth-1 clone every note looks added by the newest committer: the audit
    cannot prove anything, so it says what is missing and how to fetch it."""
    build_tree(git_group, {NOTE: alice_note()})
    commit(git_group, "commitments", when="2026-12-01T21:00:00+01:00", author=ALICE)
    build_tree(git_group, {"meetings/2026-12-01/bob.md": note_text("bob", "2026-12-01")})
    commit(git_group, "bob", when="2026-12-01T22:00:00+01:00", author=BOB)
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{git_group}", str(clone))
    code, out, err = audit(run_main, clone)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert "shallow clone" in err and "git fetch --unshallow" in err
    git(clone, "fetch", "-q", "--unshallow")
    assert audit(run_main, clone)[0] == 0


def test_replaced_history_is_refused(git_group: Path, run_main) -> None:
    build_tree(git_group, {NOTE: alice_note()})
    commit(git_group, "commitments", when="2026-12-01T21:00:00+01:00", author=ALICE)
    head = git(git_group, "rev-parse", "HEAD").strip()
    git(git_group, "replace", "--graft", head)  # HEAD now "has no parents"
    code, _, err = audit(run_main, git_group)
    assert code == 2
    assert "replace" in err and "git replace -d" in err


def test_a_note_or_profile_moved_away_is_a_finding(git_group: Path, run_main) -> None:
    build_tree(git_group, {NOTE: alice_note()})
    commit(git_group, "commitments", when="2026-12-01T21:00:00+01:00", author=ALICE)
    git(git_group, "mv", NOTE, NOTE + ".old")  # the commitment leaves the summary
    commit(git_group, "hide", when="2026-12-02T10:00:00+01:00", author=ALICE)
    git(git_group, "mv", "members/bob.md", "members/old-bob.md")
    commit(git_group, "bob", when="2026-12-02T11:00:00+01:00", author=BOB)
    git(git_group, "rm", "-q", "members/alice.md")
    commit(git_group, "gone", when="2026-12-02T12:00:00+01:00", author=ALICE)
    code, out, _ = audit(run_main, git_group, "--format", "json")
    assert code == 1
    found = {(f["rule"], f["path"]): f["message"] for f in json.loads(out)["findings"]}
    assert found[("moved-away", NOTE)] == (
        f"note of alice for 2026-12-01 moved from {NOTE} to {NOTE}.old: it no longer counts there"
    )
    assert ("moved-away", "members/bob.md") in found
    assert found[("profile-deleted", "members/alice.md")] == "profile of alice deleted"
    assert {"moved-away", "profile-deleted"} <= set(json.loads(out)["rules"])


def test_a_note_moved_to_its_right_place_is_not_a_finding(git_group: Path, run_main) -> None:
    build_tree(git_group, {"meetings/2026-12-01/alice.md.draft": alice_note()})
    commit(git_group, "draft", when="2026-11-30T10:00:00+01:00", author=ALICE)
    git(git_group, "mv", "meetings/2026-12-01/alice.md.draft", NOTE)
    commit(git_group, "ready", when="2026-11-30T11:00:00+01:00", author=ALICE)
    assert audit(run_main, git_group)[0] == 0


# -- the rules in force before each commit, and changes to them (issue 11, part 1) ----------

MALLORY = ("Bob Example", "bob@example.org")


def _config_commit(group: Path, old: str, new: str, when: str, author: tuple[str, str]) -> None:
    config = group / "mastermind.yaml"
    text = config.read_text()
    assert old in text
    config.write_text(text.replace(old, new))
    commit(group, "config", when=when, author=author)


def _with_facilitator(group: Path) -> None:
    _amend_start(group, "members:", "facilitators: [fiona@example.org]\nmembers:")


def _softened_by_bob(group: Path) -> None:
    """Alice's commitment, then bob rewriting it ten days after the meeting."""
    build_tree(group, {NOTE: alice_note()})
    commit(group, "commitments", when="2026-12-01T21:00:00+01:00", author=ALICE)
    build_tree(group, {NOTE: alice_note("Think about calling customers")})
    commit(group, "softer", when="2026-12-11T10:00:00+01:00", author=MALLORY)


def _rules(run_main, group: Path) -> list[tuple[str, str]]:
    code, out, err = audit(run_main, group, "--format", "json")
    assert code in (0, 1), err
    return [(f["rule"], f["message"]) for f in json.loads(out)["findings"]]


def test_a_member_who_makes_themselves_facilitator_is_found_and_gains_nothing(
    git_group: Path, run_main
) -> None:
    _with_facilitator(git_group)
    _config_commit(
        git_group,
        "facilitators: [fiona@example.org]",
        "facilitators: [fiona@example.org, bob@example.org]",
        "2026-12-10T10:00:00+01:00",
        MALLORY,
    )
    _softened_by_bob(git_group)

    found = _rules(run_main, git_group)

    rules = [rule for rule, _ in found]
    assert "self-facilitator" in rules
    assert "config-changed" in rules  # bob was no facilitator before his change
    # Under the config he wrote he may edit alice's note, but softening her commitment
    # late is a finding whoever does it.
    assert "commitment-changed" in rules


def test_a_borrowed_email_widened_grace_and_signing_switched_off_are_found(
    git_group: Path, run_main
) -> None:
    _amend_start(git_group, "agreement:", "require_signed: true\nagreement:")
    _config_commit(
        git_group,
        "    emails: [alice@example.org]",
        "    emails: [alice@example.org, bob.alt@example.org]",
        "2026-12-02T10:00:00+01:00",
        MALLORY,
    )
    _config_commit(
        git_group,
        "agreement:",
        "commitment_grace_hours: 5000\nagreement:",
        "2026-12-03T10:00:00+01:00",
        MALLORY,
    )
    _config_commit(
        git_group,
        "require_signed: true",
        "require_signed: false",
        "2026-12-04T10:00:00+01:00",
        MALLORY,
    )

    messages = [m for rule, m in _rules(run_main, git_group) if rule == "config-changed"]

    assert any("alice's emails" in m and "bob.alt@example.org" in m for m in messages)
    assert any("commitment_grace_hours 48 -> 5000" in m for m in messages)
    assert any("require_signed true -> false" in m for m in messages)
    # The commits made while signing was required are still checked, though it is off now.
    assert any(rule == "unsigned" for rule, _ in _rules(run_main, git_group))


def test_findings_made_before_a_config_change_survive_it(git_group: Path, run_main) -> None:
    _softened_by_bob(git_group)
    before = [rule for rule, _ in _rules(run_main, git_group)]
    assert "other-author" in before and "commitment-changed" in before
    # bob then widens the grace period and lists himself as one of alice's emails
    _config_commit(
        git_group,
        "agreement:",
        "commitment_grace_hours: 5000\nagreement:",
        "2026-12-12T10:00:00+01:00",
        MALLORY,
    )
    _config_commit(
        git_group,
        "    emails: [alice@example.org]",
        "    emails: [alice@example.org, bob.alt@example.org]",
        "2026-12-12T11:00:00+01:00",
        MALLORY,
    )

    after = [rule for rule, _ in _rules(run_main, git_group)]

    for rule in before:
        assert rule in after
    assert after.count("config-changed") == 2


def test_a_facilitator_changing_the_rules_is_not_a_finding(git_group: Path, run_main) -> None:
    _with_facilitator(git_group)
    _config_commit(
        git_group,
        "agreement:",
        "commitment_grace_hours: 72\nagreement:",
        "2026-12-02T10:00:00+01:00",
        FIONA,
    )
    assert _rules(run_main, git_group) == []


def test_a_late_excuse_and_a_backdated_leave_are_found_whoever_makes_them(
    git_group: Path, run_main
) -> None:
    _with_facilitator(git_group)
    _config_commit(
        git_group,
        "members:",
        "excused:\n  - {member: bob, meeting: 2026-12-01}\nmembers:",
        "2026-12-02T10:00:00+01:00",
        FIONA,
    )
    _config_commit(
        git_group,
        "    joined: 2026-12-01\nagreement:",
        "    joined: 2026-12-01\n    left: 2026-12-01\nagreement:",
        "2026-12-30T10:00:00+01:00",
        FIONA,
    )

    found = _rules(run_main, git_group)

    assert (
        "excused-late",
        "bob excused from the meeting of 2026-12-01 after it had started",
    ) in found
    backdated = [m for rule, m in found if rule == "membership-backdated"]
    assert len(backdated) == 1 and "2026-12-15" in backdated[0] and "2026-12-29" in backdated[0]


def test_authored_as_one_committed_by_another(git_group: Path, run_main) -> None:
    build_tree(git_group, {NOTE: note_text("alice", "2026-12-01")})
    commit(git_group, "prep", when="2026-11-30T10:00:00+01:00", author=ALICE, committer=MALLORY)

    found = _rules(run_main, git_group)

    assert [rule for rule, _ in found] == ["committed-by-other"]
    assert "authored as Alice Example <alice@example.org>, committed by Bob Example" in found[0][1]


def test_a_trusted_committer_is_not_reported(git_group: Path, run_main) -> None:
    _amend_start(git_group, "members:", "trusted_committers: [noreply@github.com]\nmembers:")
    build_tree(git_group, {NOTE: note_text("alice", "2026-12-01")})
    github = ("GitHub", "noreply@github.com")
    commit(git_group, "merged", when="2026-11-30T10:00:00+01:00", author=ALICE, committer=github)
    assert _rules(run_main, git_group) == []


def test_a_commit_dated_before_its_parent_is_found(git_group: Path, run_main) -> None:
    build_tree(git_group, {NOTE: note_text("alice", "2026-12-01")})
    commit(git_group, "prep", when="2026-11-30T10:00:00+01:00", author=ALICE)
    build_tree(git_group, {NOTE: alice_note()})
    commit(git_group, "backdated", when="2026-11-29T10:00:00+01:00", author=ALICE)

    found = _rules(run_main, git_group)

    assert [rule for rule, _ in found] == ["backdated-commit"]
    assert "before its parent" in found[0][1]


# -- the second review: ways around the rules in force, each now a finding ------------------

TOBIAS = ("Bob Example", "bob@example.org")


def test_a_config_renamed_into_place_brings_no_history_of_its_own(
    git_group: Path, run_main
) -> None:
    _with_facilitator(git_group)
    _softened_by_bob(git_group)
    before = {rule for rule, _ in _rules(run_main, git_group)}
    config = git_group / "mastermind.yaml"
    original = config.read_text()
    # bob writes a config of his own under another name, then swaps it into place
    (git_group / ".cfg.yaml").write_text(
        original.replace("facilitators: [fiona@example.org]", "facilitators: [bob@example.org]")
    )
    commit(git_group, "notes", when="2026-12-12T10:00:00+01:00", author=TOBIAS)
    git(git_group, "rm", "-q", "mastermind.yaml")
    commit(git_group, "rm", when="2026-12-12T10:01:00+01:00", author=TOBIAS)
    git(git_group, "mv", ".cfg.yaml", "mastermind.yaml")
    commit(git_group, "mv", when="2026-12-12T10:02:00+01:00", author=TOBIAS)
    config.write_text(original)
    commit(git_group, "back", when="2026-12-12T10:03:00+01:00", author=TOBIAS)

    found = _rules(run_main, git_group)

    rules = {rule for rule, _ in found}
    assert before <= rules  # his earlier findings stand
    assert {"self-facilitator", "config-changed"} <= rules


def test_a_self_made_facilitator_cannot_accept_findings(git_group: Path, run_main) -> None:
    _with_facilitator(git_group)
    _softened_by_bob(git_group)
    _config_commit(
        git_group,
        "facilitators: [fiona@example.org]",
        "facilitators: [fiona@example.org, bob@example.org]",
        "2026-12-12T10:00:00+01:00",
        TOBIAS,
    )
    git(git_group, "config", "user.email", "bob@example.org")
    code, out, _ = audit(run_main, git_group, "--format", "json")
    finding = next(f for f in json.loads(out)["findings"] if f["rule"] == "commitment-changed")

    code, _, err = audit(run_main, git_group, "--accept", finding["id"], "--reason", "mine")

    assert code == 2 and "may not accept findings" in err


def test_moving_the_meetings_already_held_is_a_rule_change(git_group: Path, run_main) -> None:
    build_tree(git_group, {NOTE: alice_note()})
    commit(git_group, "commitments", when="2026-12-01T21:00:00+01:00", author=ALICE)
    _config_commit(
        git_group,
        'time: "18:00"',
        'time: "23:59"\nskip: [2026-12-01]',
        "2026-12-10T10:00:00+01:00",
        TOBIAS,
    )

    messages = [m for rule, m in _rules(run_main, git_group) if rule == "config-changed"]

    assert messages and "the schedule of meetings already held" in messages[0]


def test_a_change_carried_by_a_broken_version_is_charged_to_its_author(
    git_group: Path, run_main
) -> None:
    _with_facilitator(git_group)
    _config_commit(
        git_group,
        "agreement:",
        "commitment_grace_hours: 5000\ncadence: bi-weekly\nagreement:",
        "2026-12-10T10:00:00+01:00",
        TOBIAS,
    )
    _config_commit(git_group, "cadence: bi-weekly\n", "", "2026-12-10T11:00:00+01:00", FIONA)

    found = [(rule, m) for rule, m in _rules(run_main, git_group) if rule == "config-changed"]

    assert len(found) == 1
    assert "commitment_grace_hours 48 -> 5000" in found[0][1]
    assert "Bob Example" in found[0][1] and "checker rejects" in found[0][1]


def test_the_rules_committed_for_a_facilitator_by_someone_else(git_group: Path, run_main) -> None:
    _with_facilitator(git_group)
    config = git_group / "mastermind.yaml"
    config.write_text(
        config.read_text().replace("agreement:", "commitment_grace_hours: 72\nagreement:")
    )
    commit(git_group, "grace", when="2026-12-10T10:00:00+01:00", author=FIONA, committer=TOBIAS)

    rules = {rule for rule, _ in _rules(run_main, git_group)}

    assert {"committed-by-other", "config-changed"} <= rules


def test_an_old_config_nothing_can_compute_with_neither_crashes_nor_blocks(
    git_group: Path, run_main
) -> None:
    _config_commit(
        git_group,
        "timezone: Europe/Berlin",
        "timezone: Mars/Olympus",
        "2026-12-10T10:00:00+01:00",
        TOBIAS,
    )
    _config_commit(
        git_group,
        "timezone: Mars/Olympus",
        "timezone: Europe/Berlin",
        "2026-12-10T11:00:00+01:00",
        TOBIAS,
    )
    code, out, err = audit(run_main, git_group)
    assert code in (0, 1), err
    assert "Traceback" not in out + err


def test_removing_a_member_is_a_rule_change(git_group: Path, run_main) -> None:
    _with_facilitator(git_group)
    config = git_group / "mastermind.yaml"
    text = config.read_text()
    start = text.index("  - id: bob")
    config.write_text(text[:start] + text[text.index("agreement:") :])
    (git_group / "members" / "bob.md").unlink()
    commit(git_group, "bye bob", when="2026-12-20T10:00:00+01:00", author=ALICE)

    messages = [m for rule, m in _rules(run_main, git_group)]

    assert any("member bob removed" in m for m in messages)
    assert any("bob removed from the members" in m for m in messages)


def test_a_group_moved_into_a_folder_is_refused_not_cleared(git_group: Path, run_main) -> None:
    build_tree(git_group, {NOTE: alice_note()})
    commit(git_group, "commitments", when="2026-12-01T21:00:00+01:00", author=ALICE)
    (git_group / "grp").mkdir()
    for name in ("mastermind.yaml", "members", "meetings"):
        git(git_group, "mv", name, f"grp/{name}")
    commit(git_group, "move", when="2026-12-20T10:00:00+01:00", author=FIONA)

    code, _, err = audit(run_main, git_group / "grp")

    assert code == 2
    assert "history before it" in err and "--since 2026-12-20" in err
    # from the move on, the audit runs (and says who moved the notes in)
    assert audit(run_main, git_group / "grp", "--since", "2026-12-20")[0] in (0, 1)


def test_an_empty_replace_folder_left_by_git_replace_d_is_no_reason_to_refuse(
    git_group: Path, run_main
) -> None:
    (git_group / ".git" / "refs" / "replace").mkdir(parents=True, exist_ok=True)
    assert audit(run_main, git_group)[0] == 0
