"""`mastermind seal`: a tag that records a meeting, and what audit and --verify make of it.

Meetings at 18:00 Europe/Berlin (CET, +01:00), every two weeks from 2026-12-01.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from test_history import git_calls  # noqa: F401 - a fixture
from test_ledger import ALICE, BOB, c, note_text, r

from mastermind_kit import history, seal

from conftest import build_tree, commit, git

TAG = "mastermind/meeting/2026-12-15"
ALICE_15 = "meetings/2026-12-15/alice.md"
BOB_15 = "meetings/2026-12-15/bob.md"


def alice_15(text: str = "Send two proposals") -> str:
    return note_text(
        "alice",
        "2026-12-15",
        report=[r("2026-12-01/alice/1", "done", "called all three")],
        commitments=[c("2026-12-15/alice/1", text)],
    )


def bob_15(status: str = "partial", due: str = "2026-12-29") -> str:
    return note_text(
        "bob",
        "2026-12-15",
        report=[r("2026-12-01/bob/1", status)],
        commitments=[c("2026-12-15/bob/1", "Write the job ad", due=due)],
    )


@pytest.fixture
def held(git_group: Path) -> Path:
    """Two meetings held (12-01 and 12-15), each member's notes committed by them."""
    for member, who, when, text in (
        ("alice", ALICE, "21:00", c("2026-12-01/alice/1", "Call three customers")),
        ("bob", BOB, "21:05", c("2026-12-01/bob/1", "Hire a designer", due="2027-01-12")),
    ):
        day = "2026-12-01"
        build_tree(
            git_group, {f"meetings/{day}/{member}.md": note_text(member, day, commitments=[text])}
        )
        commit(git_group, f"{member} {day}", when=f"{day}T{when}:00+01:00", author=who)
    build_tree(git_group, {BOB_15: bob_15()})
    commit(git_group, "bob 12-15", when="2026-12-15T21:00:00+01:00", author=BOB)
    build_tree(git_group, {ALICE_15: alice_15()})
    commit(git_group, "alice 12-15", when="2026-12-15T21:05:00+01:00", author=ALICE)
    return git_group


def run(run_main, group: Path, *args: str) -> tuple[int, str, str]:
    result: tuple[int, str, str] = run_main("-C", str(group), *args)
    return result


def sealed(run_main, group: Path, *args: str) -> tuple[int, str, str]:
    return run(run_main, group, "seal", "--today", "2026-12-16", *args)


def audit_json(run_main, group: Path) -> tuple[int, list[dict[str, str]]]:
    code, out, _ = run(run_main, group, "audit", "--format", "json")
    return code, json.loads(out)["findings"]


def test_a_seal_records_the_last_meeting_held(held: Path, run_main) -> None:
    code, out, err = sealed(run_main, held)
    head = git(held, "rev-parse", "HEAD").strip()
    assert (code, err) == (0, "")
    assert out == (
        f"sealed the meeting of 2026-12-15: tag {TAG} on {head[:10]}, 2 commitment(s) and "
        f"2 report(s) from 2 note(s), sha256:{out.split('sha256:')[1][:16]}\n"
    )
    assert git(held, "rev-parse", f"{TAG}^{{commit}}").strip() == head
    assert git(held, "cat-file", "-t", TAG).strip() == "tag"  # annotated
    message = git(held, "cat-file", "tag", TAG).split("\n\n", 1)[1]
    record = [
        "meeting 2026-12-15",
        'commitment {"due": "2026-12-29", "id": "2026-12-15/bob/1", "member": "bob", '
        '"text": "Write the job ad"}',
        'commitment {"due": null, "id": "2026-12-15/alice/1", "member": "alice", '
        '"text": "Send two proposals"}',
        'report {"id": "2026-12-01/alice/1", "member": "alice", "note": "called all three", '
        '"status": "done"}',
        'report {"id": "2026-12-01/bob/1", "member": "bob", "note": null, "status": "partial"}',
    ]
    digest = hashlib.sha256("".join(f"{line}\n" for line in record).encode()).hexdigest()
    assert message == (
        "mastermind seal: meeting of 2026-12-15 (2 notes, 2 commitments, 2 reports)\n\n"
        + "\n".join(record)
        + f"\n\ndigest: sha256:{digest}\n"
    )
    assert digest.startswith(out.split("sha256:")[1].strip())
    assert seal.local_seal_tags(held) == [TAG]
    # The audit checks the seal and finds it intact; so does --verify.
    code, out, _ = run(run_main, held, "audit")
    assert code == 0 and "no findings" in out
    code, out, _ = run(run_main, held, "seal", "--verify")
    assert (code, out) == (0, f"ok       {TAG}: 4 item(s) at {head[:10]}\n")


def test_a_seal_of_a_chosen_meeting_and_a_second_seal(held: Path, run_main) -> None:
    assert sealed(run_main, held, "--meeting", "2026-12-01")[0] == 0
    assert sealed(run_main, held)[0] == 0
    code, out, _ = run(run_main, held, "seal", "--verify")
    assert code == 0
    assert [line.split(":")[0] for line in out.splitlines()] == [
        "ok       mastermind/meeting/2026-12-01",
        f"ok       {TAG}",
    ]


def test_rewritten_history_breaks_the_seal(held: Path, run_main) -> None:
    assert sealed(run_main, held)[0] == 0
    # Alice softens her commitment and rewrites the commit that held it (as a force
    # push would bring it): the sealed commit is no longer in HEAD's history.
    build_tree(held, {ALICE_15: alice_15("Send a proposal, maybe")})
    git(held, "add", "-A")
    when = "2026-12-20T10:00:00+01:00"
    as_alice = {"GIT_COMMITTER_NAME": ALICE[0], "GIT_COMMITTER_EMAIL": ALICE[1]}
    git(held, "commit", "-q", "--amend", "--no-edit", env={"GIT_COMMITTER_DATE": when, **as_alice})
    head = git(held, "rev-parse", "HEAD").strip()
    code, findings = audit_json(run_main, held)
    assert code == 1
    assert sorted(f["rule"] for f in findings) == ["seal-broken", "sealed-changed"]
    broken = next(f for f in findings if f["rule"] == "seal-broken")
    assert "is no longer in HEAD's history: history was rewritten" in broken["message"]
    assert broken["commit"] == git(held, "rev-parse", f"{TAG}^{{commit}}").strip()
    changed = next(f for f in findings if f["rule"] == "sealed-changed")
    assert (changed["commit"], changed["path"], changed["email"]) == (head, ALICE_15, ALICE[1])
    assert changed["message"] == (
        'commitment 2026-12-15/alice/1: text changed from "Send two proposals" to '
        f'"Send a proposal, maybe" after the meeting was sealed ({TAG})'
    )
    code, out, _ = run(run_main, held, "seal", "--verify")
    assert code == 1
    assert out.startswith(f"broken   {TAG}: the sealed commit ")
    assert out.endswith("(and 1 sealed item(s) changed)\n")


def test_a_later_change_to_a_sealed_report_even_within_the_grace_period(
    held: Path, run_main
) -> None:
    assert sealed(run_main, held)[0] == 0
    # An hour later, well within the grace period and before the next meeting: the
    # audit's own rules let it pass, the seal does not.
    build_tree(held, {BOB_15: bob_15(status="done", due="2027-01-12")})
    commit(held, "bob: better", when="2026-12-15T22:05:00+01:00", author=BOB)
    head = git(held, "rev-parse", "HEAD").strip()
    code, findings = audit_json(run_main, held)
    assert code == 1
    assert [(f["rule"], f["commit"], f["path"]) for f in findings] == [
        ("sealed-changed", head, BOB_15)
    ] * 2
    assert [f["message"] for f in findings] == [
        'bob\'s report on 2026-12-01/bob/1: status changed from "partial" to "done" after '
        f"the meeting was sealed ({TAG})",
        'commitment 2026-12-15/bob/1: due changed from "2026-12-29" to "2027-01-12" after '
        f"the meeting was sealed ({TAG})",
    ]
    code, out, _ = run(run_main, held, "seal", "--verify")
    assert code == 1
    assert out == (
        f"changed  {TAG}: sealed, then changed in HEAD: 2026-12-15/bob/1 (bob) due changed, "
        "2026-12-01/bob/1 (bob) status changed\n"
    )
    # Changed back: nothing to say any more.
    build_tree(held, {BOB_15: bob_15()})
    commit(held, "bob: as it was", when="2026-12-15T22:10:00+01:00", author=BOB)
    assert run(run_main, held, "seal", "--verify")[0] == 0


def test_a_removed_report_names_the_commit_that_removed_it(held: Path, run_main) -> None:
    assert sealed(run_main, held)[0] == 0
    build_tree(held, {BOB_15: note_text("bob", "2026-12-15", commitments=[])})
    commit(held, "bob: nothing", when="2026-12-16T10:00:00+01:00", author=BOB)
    build_tree(held, {"members/bob.md": "---\nname: Bob Example\ngoals: []\n---\nHi.\n"})
    commit(held, "bob: profile", when="2026-12-16T11:00:00+01:00", author=BOB)
    removal = git(held, "rev-parse", "HEAD~1").strip()
    code, findings = audit_json(run_main, held)
    assert code == 1
    assert {(f["commit"], f["message"].split(" after")[0]) for f in findings} == {
        (removal, "commitment 2026-12-15/bob/1 removed"),
        (removal, "bob's report on 2026-12-01/bob/1 removed"),
    }


def _retag(group: Path, message: str) -> None:
    """Replace the seal's tag with one on HEAD that has ``message``."""
    subprocess.run(
        ["git", "tag", "-f", "-a", "-F", "-", "--cleanup=verbatim", TAG, "HEAD"],
        cwd=group,
        input=message,
        text=True,
        check=True,
        capture_output=True,
    )


def test_a_moved_tag_or_an_edited_record_breaks_the_seal(held: Path, run_main) -> None:
    assert sealed(run_main, held)[0] == 0
    message = git(held, "cat-file", "tag", TAG).split("\n\n", 1)[1]
    # The softened commitment committed, and the old seal moved onto it.
    build_tree(held, {ALICE_15: alice_15("Send a proposal, maybe")})
    commit(held, "alice: softer", when="2026-12-20T10:00:00+01:00", author=ALICE)
    _retag(held, message)
    code, out, _ = run(run_main, held, "seal", "--verify")
    assert code == 1
    assert "do not give the sealed digest: the tag was moved or its record edited" in out
    # The record edited to say what HEAD says, the digest left: the message was edited.
    _retag(held, message.replace("Send two proposals", "Send a proposal, maybe"))
    out = run(run_main, held, "seal", "--verify")[1]
    assert "its record does not give its digest: the message was edited" in out
    # Not a seal's message at all, and a lightweight tag.
    _retag(held, "just a tag\n")
    assert "its message is not a seal record" in run(run_main, held, "seal", "--verify")[1]
    git(held, "tag", "-f", TAG, "HEAD")
    code, findings = audit_json(run_main, held)
    assert code == 1
    assert [f["rule"] for f in findings if f["rule"] == "seal-broken"] == ["seal-broken"]
    assert "a lightweight tag, not a seal" in run(run_main, held, "seal", "--verify")[1]


def test_seal_refuses_what_it_cannot_record(held: Path, run_main) -> None:
    def refused(*args: str) -> str:
        code, out, err = sealed(run_main, held, *args)
        assert (code, out) == (2, ""), err
        assert err.count("\n") == 1 and err.startswith("mastermind: error: ")
        return err

    assert "the meeting of 2026-12-29 has not taken place yet" in refused("--meeting", "2026-12-29")
    assert "2026-12-16 is not a meeting date" in refused("--meeting", "2026-12-16")
    code, _, err = run(run_main, held, "seal", "--today", "2026-11-30")
    assert code == 2 and "no meeting has taken place yet" in err
    # Notes that differ from HEAD: changed, staged, or new and untracked.
    build_tree(held, {BOB_15: bob_15(status="done")})
    assert "notes of 2026-12-15 differ from the last commit (bob.md)" in refused()
    git(held, "add", BOB_15)
    assert "(bob.md)" in refused()
    git(held, "checkout", "HEAD", "--", BOB_15)
    build_tree(held, {"meetings/2026-12-15/carol.md": "---\nmember: carol\n---\n"})
    assert "(carol.md)" in refused()
    (held / "meetings/2026-12-15/carol.md").unlink()
    # Other files in the folder do not count (an agenda, a backup).
    build_tree(held, {"meetings/2026-12-15/agenda.md": "x", "meetings/2026-12-15/bob.md.bak": ""})
    assert sealed(run_main, held)[0] == 0
    assert "is sealed already (tag mastermind/meeting/2026-12-15)" in refused()
    first = git(held, "rev-parse", TAG).strip()
    commit(held, "more", when="2026-12-16T10:00:00+01:00", paths=("meetings/2026-12-15/agenda.md",))
    code, out, _ = sealed(run_main, held, "--force")
    assert code == 0 and out.startswith("sealed again the meeting of 2026-12-15")
    assert git(held, "rev-parse", TAG).strip() != first
    assert git(held, "rev-parse", f"{TAG}^{{commit}}") == git(held, "rev-parse", "HEAD")
    # No notes of the meeting in HEAD.
    assert (
        "no notes of the meeting of 2026-12-29"
        in run(run_main, held, "seal", "--today", "2027-01-01")[2]
    )
    code, _, err = run(run_main, held, "seal", "--verify", "--force")
    assert code == 2 and "--verify checks every seal" in err


def test_a_note_that_does_not_parse_in_head_is_refused(held: Path, run_main) -> None:
    build_tree(held, {BOB_15: "---\nmember: [bob\n---\n"})
    commit(held, "broken", when="2026-12-15T22:00:00+01:00", author=BOB)
    code, _, err = sealed(run_main, held)
    assert code == 2
    assert err.startswith("mastermind: error: cannot seal the meeting of 2026-12-15: ")
    assert "meetings/2026-12-15/bob.md:" in err and err.count("\n") == 1


def test_a_repo_without_commits_or_seals(group: Path, run_main) -> None:
    git(group, "init", "-q", "-b", "main")
    code, _, err = run(run_main, group, "seal", "--today", "2026-12-16")
    assert code == 2 and "no commits yet" in err
    assert run(run_main, group, "seal", "--verify")[:2] == (
        0,
        "no seals yet ('mastermind seal' after a meeting makes one)\n",
    )


@pytest.mark.catalogue
def test_no_user_string_becomes_a_git_option(held: Path, run_main, tmp_path: Path) -> None:
    code, _, err = sealed(run_main, held, "--meeting", "--delete")
    assert code == 2 and "is not a date" in err
    head = git(held, "rev-parse", "HEAD").strip()
    assert sealed(run_main, held)[0] == 0
    # The library's git helpers put names after "--": a name like an option is a name.
    done = history.write_tag(held, "--delete", head, "x\n")
    assert not done.ok and "not a valid tag name" in done.err
    assert history.write_tag(held, "-d", head, "x\n").ok is False
    assert seal.local_seal_tags(held) == [TAG]
    marker = tmp_path / "pwned"
    pushed = history.push_tags(held, f"--upload-pack=touch {marker}", [TAG])
    assert not pushed.ok and not marker.exists()


def test_seal_tags_are_pushed_by_name(held: Path, run_main, tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(held, "remote", "add", "origin", str(remote))
    assert history.push_tags(held, "origin", []).ok
    assert sealed(run_main, held)[0] == 0
    assert sealed(run_main, held, "--meeting", "2026-12-01")[0] == 0
    names = seal.local_seal_tags(held)
    assert names == ["mastermind/meeting/2026-12-01", TAG]
    assert history.push_tags(held, "origin", names).ok
    listed = git(remote, "for-each-ref", "--format=%(refname) %(objecttype)", "refs/tags")
    assert listed.splitlines() == [f"refs/tags/{name} tag" for name in names]
    assert history.push_tags(held, "origin", names).ok  # up to date


def test_sign_without_a_key_is_one_line(held: Path, run_main) -> None:
    git(held, "config", "gpg.program", str(held / "no-such-gpg"))
    code, out, err = sealed(run_main, held, "--sign")
    assert (code, out) == (2, "")
    assert err.startswith(f"mastermind: error: git could not sign the seal {TAG}: ")
    assert err.count("\n") == 1 and "seal without --sign" in err
    assert seal.local_seal_tags(held) == []


@pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="needs ssh-keygen")
def test_a_signed_seal_is_verified(held: Path, run_main, tmp_path: Path) -> None:
    keys = {}
    for name in ("runner", "other"):
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", tmp_path / name],
            check=True,
        )
        keys[name] = (tmp_path / f"{name}.pub").read_text().strip()
    signers = tmp_path / "allowed_signers"
    signers.write_text(f'runner@example.org namespaces="git" {keys["runner"]}\n')
    for key, value in (
        ("gpg.format", "ssh"),
        ("user.signingkey", str(tmp_path / "runner.pub")),
        ("gpg.ssh.allowedSignersFile", str(signers)),
    ):
        git(held, "config", key, value)
    code, out, _ = sealed(run_main, held, "--sign")
    assert code == 0 and " (signed), " in out
    assert "-----BEGIN SSH SIGNATURE-----" in git(held, "cat-file", "tag", TAG)
    code, out, _ = run(run_main, held, "seal", "--verify")
    assert (code, out.endswith(", signed\n")) == (0, True)
    assert run(run_main, held, "audit")[0] == 0
    # The key is no longer trusted: the signature does not verify.
    signers.write_text(f'runner@example.org namespaces="git" {keys["other"]}\n')
    code, out, _ = run(run_main, held, "seal", "--verify")
    assert code == 1 and "its signature does not verify" in out
    code, findings = audit_json(run_main, held)
    assert code == 1 and [f["rule"] for f in findings] == ["seal-broken"]


def test_git_processes_do_not_grow_with_seals(
    held: Path,
    run_main,
    git_calls: Path,  # noqa: F811 - the fixture
) -> None:
    def calls(*args: str) -> int:
        git_calls.unlink(missing_ok=True)
        run(run_main, held, *args)
        count = len(git_calls.read_text().splitlines())
        git_calls.unlink()
        return count

    calls("audit")  # the history read once: from now on it comes from the cache
    no_seal = calls("audit")
    assert sealed(run_main, held, "--meeting", "2026-12-01")[0] == 0
    one = (calls("audit"), calls("seal", "--verify"))
    assert sealed(run_main, held)[0] == 0
    two = (calls("audit"), calls("seal", "--verify"))
    # for-each-ref lists the seals; with seals, for-each-ref --merged HEAD; the tag
    # objects and notes come through the audit's one cat-file --batch.
    assert one == two == (no_seal + 1, 4)  # verify: rev-parse, 2 for-each-ref, cat-file


def test_the_demo_seal_broken_by_an_amend(tmp_path: Path, run_main) -> None:
    target = tmp_path / "demo"
    assert run_main("demo", str(target), "--today", "2026-11-20")[0] == 0
    code, out, _ = run(run_main, target, "seal", "--today", "2026-11-20")
    assert code == 0 and out.startswith("sealed the meeting of 2026-11-17: ")
    note = target / "meetings/2026-11-17/kofi.md"
    note.write_text(note.read_text().replace("Keep interviewing", "Perhaps interview"))
    git(target, "commit", "-q", "-a", "--amend", "--no-edit")
    code, findings = audit_json(run_main, target)
    assert code == 1
    rules = [f["rule"] for f in findings]
    assert "seal-broken" in rules and "sealed-changed" in rules


def test_seals_that_are_not_what_they_claim(held: Path, run_main) -> None:
    assert sealed(run_main, held, "--meeting", "2026-12-01")[0] == 0
    first = git(held, "cat-file", "tag", "mastermind/meeting/2026-12-01").split("\n\n", 1)[1]
    _retag(held, first)  # the seal of 12-01, copied to the tag of 12-15
    git(held, "tag", "-a", "-m", "x", "mastermind/meeting/someday", "HEAD")
    git(held, "tag", "-a", "-m", "x", "mastermind/meeting/2026-12-29", "HEAD^{tree}")
    code, out, _ = run(run_main, held, "seal", "--verify")
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("ok       mastermind/meeting/2026-12-01: 2 item(s)")
    assert lines[1] == (
        f"broken   {TAG}: it records 'meeting 2026-12-01', not the meeting of 2026-12-15"
    )
    assert lines[2] == "broken   mastermind/meeting/2026-12-29: it does not name a commit"
    assert lines[3] == (
        "broken   mastermind/meeting/someday: its name is not mastermind/meeting/<date>; its "
        "message is not a seal record (edited, or not made by mastermind seal)"
    )


def test_a_group_in_a_folder_of_a_larger_repo(group: Path, run_main) -> None:
    top = group.parent
    git(top, "init", "-q", "-b", "main")
    commit(top, "start", when="2026-11-20T10:00:00+01:00")
    build_tree(group, {BOB_15: bob_15()})
    commit(top, "bob 12-15", when="2026-12-15T21:00:00+01:00", author=BOB)
    assert sealed(run_main, group)[0] == 0
    assert run(run_main, group, "seal", "--verify")[0] == 0
    build_tree(group, {BOB_15: bob_15(status="done")})
    assert "differ from the last commit (bob.md)" in sealed(run_main, group, "--force")[2]
    commit(top, "bob: done", when="2026-12-15T22:00:00+01:00", author=BOB)
    code, findings = audit_json(run_main, group)
    assert code == 1
    assert [(f["rule"], f["path"]) for f in findings] == [("sealed-changed", BOB_15)]
