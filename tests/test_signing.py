"""Signatures that mean something: with require_signed, a commit counts as its author's
only when git finds the signature good and the key is in the author's profile; and
`mastermind allowed-signers` gives git the same keys. Real ssh-keygen keys, real signed
commits."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from test_ledger import ALICE, BOB, note_text

from mastermind_kit.signing import SigningKey, parse

from conftest import GROUP_YAML, PROFILE_ALICE, PROFILE_BOB, build_tree, dated, git

pytestmark = pytest.mark.skipif(
    shutil.which("ssh-keygen") is None, reason="ssh-keygen is not installed (SSH signing)"
)

NOTE = "meetings/2026-12-01/alice.md"
FIONA = ("Fiona Facilitator", "fiona@example.org")


@pytest.fixture
def keys(tmp_path: Path) -> dict[str, Path]:
    """An ed25519 key pair each for alice, bob and carol (whom no profile lists)."""
    folder = tmp_path / "keys"
    folder.mkdir()
    found = {}
    for who in ("alice", "bob", "carol"):
        key = folder / who
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", f"{who}@laptop", "-f", str(key)],
            check=True,
        )
        found[who] = key
    return found


def public(key: Path) -> str:
    return key.with_suffix(".pub").read_text().strip()


def with_keys(profile: str, *keys: str) -> str:
    listed = "".join(f"  - {json.dumps(k)}\n" for k in keys)
    return profile.replace("---\n", f"---\nsigning_keys:\n{listed}", 1)


def signed_commit(
    repo: Path, message: str, *, when: str, author: tuple[str, str], key: Path | None
) -> str:
    git(repo, "add", "-A")
    sign = ["-c", "gpg.format=ssh", "-c", f"user.signingkey={key}"] if key else []
    git(
        repo,
        *sign,
        "commit",
        "-q",
        *(["-S"] if key else []),
        "-m",
        message,
        env=dated(author, when),
    )
    return git(repo, "rev-parse", "HEAD").strip()


@pytest.fixture
def signed_group(tmp_path: Path, keys: dict[str, Path]) -> Path:
    """alice and bob list their keys; fiona facilitates (no profile); signing is
    required from the second commit on."""
    config = GROUP_YAML.replace("members:", "facilitators: [fiona@example.org]\nmembers:")
    root = build_tree(
        tmp_path / "group",
        {
            "mastermind.yaml": config,
            "members/alice.md": with_keys(PROFILE_ALICE, public(keys["alice"])),
            "members/bob.md": with_keys(PROFILE_BOB, public(keys["bob"])),
        },
    )
    git(root, "init", "-q", "-b", "main")
    signed_commit(root, "start", when="2026-11-20T10:00:00+01:00", author=FIONA, key=None)
    (root / "mastermind.yaml").write_text(
        config.replace("agreement:", "require_signed: true\nagreement:")
    )
    signed_commit(root, "signing", when="2026-11-21T10:00:00+01:00", author=FIONA, key=None)
    return root


def audit_json(run_main, group: Path) -> tuple[int, list[dict[str, str]]]:
    code, out, err = run_main("-C", str(group), "audit", "--format", "json")
    assert code in (0, 1), err
    return code, json.loads(out)["findings"]


def test_a_commit_counts_only_with_a_key_of_the_authors_own_profile(
    signed_group: Path, keys: dict[str, Path], run_main
) -> None:
    build_tree(signed_group, {NOTE: note_text("alice", "2026-12-01")})
    signed_commit(
        signed_group, "alice", when="2026-11-30T10:00:00+01:00", author=ALICE, key=keys["alice"]
    )
    assert audit_json(run_main, signed_group) == (0, [])
    # Bob's key is good for git (it is in a profile), but it is not alice's.
    build_tree(signed_group, {NOTE: note_text("alice", "2026-12-01", "more\n")})
    sha = signed_commit(
        signed_group, "as alice", when="2026-11-30T11:00:00+01:00", author=ALICE, key=keys["bob"]
    )
    code, findings = audit_json(run_main, signed_group)
    bob_key = parse(public(keys["bob"]))
    assert bob_key is not None
    assert code == 1
    assert [(f["rule"], f["commit"]) for f in findings] == [("unsigned", sha)]
    assert findings[0]["message"] == (
        f"commit signed with bob's key ({bob_key.ident}), not the author's "
        "(alice@example.org); the group required signed commits then"
    )
    # Git itself finds the same signature good: it says nothing about whose it is.
    signers = signed_group.parent / "allowed_signers"
    assert run_main("-C", str(signed_group), "allowed-signers", "--out", str(signers))[0] == 0
    shown = git(
        signed_group, "-c", f"gpg.ssh.allowedSignersFile={signers}", "log", "-1", "--format=%G?"
    )
    assert shown.strip() == "G"


def test_a_key_in_no_profile_and_a_member_without_keys(
    signed_group: Path, keys: dict[str, Path], run_main
) -> None:
    # carol's key is in no profile: git cannot vouch for it, whatever the user's own setup.
    build_tree(signed_group, {NOTE: note_text("alice", "2026-12-01")})
    signed_commit(
        signed_group, "alice", when="2026-11-30T10:00:00+01:00", author=ALICE, key=keys["carol"]
    )
    code, findings = audit_json(run_main, signed_group)
    assert code == 1
    assert findings[0]["message"].startswith(
        "commit good signature of unknown validity (key SHA256:"
    )
    # bob lists no key any more: a good signature (alice's key) proves nothing about bob.
    build_tree(signed_group, {"members/bob.md": PROFILE_BOB})
    signed_commit(
        signed_group, "bob", when="2026-11-30T11:00:00+01:00", author=BOB, key=keys["bob"]
    )
    (signed_group / "meetings/2026-12-01/bob.md").parent.mkdir(parents=True, exist_ok=True)
    build_tree(signed_group, {"meetings/2026-12-01/bob.md": note_text("bob", "2026-12-01")})
    signed_commit(
        signed_group, "bob", when="2026-11-30T12:00:00+01:00", author=BOB, key=keys["alice"]
    )
    code, findings = audit_json(run_main, signed_group)
    messages = [f["message"] for f in findings]
    assert any("signed with alice's key" in m and "(bob@example.org)" in m for m in messages)


def test_a_members_key_in_a_facilitators_name_does_not_count(
    signed_group: Path, keys: dict[str, Path], run_main
) -> None:
    """fiona has no profile, so no key of her own to compare with; a key that is bob's
    proves only that bob signed, not fiona."""
    build_tree(signed_group, {NOTE: note_text("alice", "2026-12-01")})
    signed_commit(
        signed_group, "for alice", when="2026-11-30T10:00:00+01:00", author=FIONA, key=keys["bob"]
    )
    code, findings = audit_json(run_main, signed_group)
    assert code == 1
    assert "signed with bob's key" in findings[0]["message"]
    assert "not the author's (fiona@example.org)" in findings[0]["message"]


def test_allowed_signers_lists_every_email_of_each_members_ssh_keys(
    signed_group: Path, keys: dict[str, Path], run_main
) -> None:
    config = signed_group / "mastermind.yaml"
    config.write_text(
        config.read_text().replace(
            "emails: [alice@example.org]", "emails: [alice@example.org, alice@home.example]"
        )
    )
    alice = public(keys["alice"]).split()
    code, out, err = run_main("-C", str(signed_group), "allowed-signers")
    assert (code, err) == (0, "")
    lines = [line for line in out.splitlines() if not line.startswith("#")]
    bob = public(keys["bob"]).split()
    assert lines == [
        f'alice@example.org,alice@home.example namespaces="git" {alice[0]} {alice[1]}',
        f'bob@example.org namespaces="git" {bob[0]} {bob[1]}',
    ]
    # --out: written atomically; never through a symlink.
    target = signed_group.parent / "signers"
    assert run_main("-C", str(signed_group), "allowed-signers", "--out", str(target))[0] == 0
    assert target.read_text() == out
    link = signed_group.parent / "link"
    link.symlink_to(signed_group.parent / "elsewhere")
    code, _, err = run_main("-C", str(signed_group), "allowed-signers", "--out", str(link))
    assert code == 2 and "is a symlink; nothing was written" in err
    assert not (signed_group.parent / "elsewhere").exists()


def test_a_fingerprint_is_the_one_ssh_keygen_and_git_print(
    keys: dict[str, Path], tmp_path: Path
) -> None:
    printed = subprocess.run(
        ["ssh-keygen", "-l", "-f", str(keys["alice"].with_suffix(".pub"))],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()[1]
    key = parse(public(keys["alice"]))
    assert key is not None and key.kind == "ssh" and key.ident == printed


def test_a_broken_key_is_a_check_error(git_group: Path, keys: dict[str, Path], run_main) -> None:
    blob = public(keys["alice"]).split()[1]
    profile = git_group / "members/alice.md"
    for broken in (f"ssh-rsa {blob}", f"ssh-ed25519 {blob[:-3]}"):  # wrong type; cut short
        profile.write_text(with_keys(PROFILE_ALICE, broken))
        code, out, _ = run_main("-C", str(git_group), "check", "members/alice.md")
        assert code == 1 and "signing-key" in out and "not a valid SSH public key" in out
    profile.write_text(with_keys(PROFILE_ALICE, "my laptop key"))
    code, out, _ = run_main("-C", str(git_group), "check", "members/alice.md")
    assert code == 1 and "signing_keys[0]: 'my laptop key' does not have the form" in out
    fingerprint = "3F8E 649F BB6E BFB1 02E3  A3E3 8CA1 546D FC1B 2C36"
    profile.write_text(with_keys(PROFILE_ALICE, fingerprint, "0x77CE7CCDABBE7A49"))
    assert run_main("-C", str(git_group), "check", "members/alice.md")[0] == 0


def test_gpg_keys_match_the_signing_subkey_or_its_primary() -> None:
    # As git prints a GPG signature by a subkey: %GK the subkey's long id, %GP the
    # primary key's fingerprint.
    key_id, primary = "77CE7CCDABBE7A49", "3F8E649FBB6EBFB102E3A3E38CA1546DFC1B2C36"
    for listed in (
        "3F8E 649F BB6E BFB1 02E3  A3E3 8CA1 546D FC1B 2C36",  # the primary's fingerprint
        "8CA1546DFC1B2C36",  # the primary's long id
        "4049EDD07B8C48803DF513D277CE7CCDABBE7A49",  # the subkey's fingerprint
        "0x77ce7ccdabbe7a49",  # the subkey's long id
    ):
        key = parse(listed)
        assert key is not None and key.kind == "gpg"
        assert key.signed(key_id, primary), listed
    other = parse("0123456789ABCDEF")
    assert other is not None and not other.signed(key_id, primary)
    assert not SigningKey("ssh", "SHA256:x").signed(key_id, primary)


def test_commits_made_while_signing_was_required_are_judged_after_it_is_off(
    signed_group: Path, keys: dict[str, Path], run_main
) -> None:
    build_tree(signed_group, {NOTE: note_text("alice", "2026-12-01")})
    sha = signed_commit(
        signed_group, "as alice", when="2026-11-30T10:00:00+01:00", author=ALICE, key=keys["bob"]
    )
    config = signed_group / "mastermind.yaml"
    config.write_text(config.read_text().replace("require_signed: true\n", ""))
    # (made while signing is still required: fiona signs it, with a key git trusts)
    signed_commit(
        signed_group, "off", when="2026-11-30T11:00:00+01:00", author=FIONA, key=keys["alice"]
    )
    code, findings = audit_json(run_main, signed_group)
    assert code == 1
    # both were made while signing was required; fiona's was signed with alice's key
    assert (findings[0]["rule"], findings[0]["commit"]) == ("unsigned", sha)
    assert "signed with bob's key" in findings[0]["message"]
    assert "signed with alice's key" in findings[1]["message"]
