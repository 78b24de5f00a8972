"""Members' signing keys: what makes a signed commit a member's.

A profile lists ``signing_keys``: SSH public keys (``ssh-ed25519 AAAA... comment``, as
in ``~/.ssh/id_ed25519.pub``) and GPG fingerprints or long key ids. This module owns

- reading a listed key (``parse``) and naming it as git does: for SSH git's %GK is the
  key's fingerprint, ``SHA256:`` and the unpadded base64 of the SHA-256 of the key;
  for GPG %GK is the long id of the (sub)key that signed and %GP the fingerprint of
  its primary key;
- git's allowed-signers file made from the profiles (``allowed_signers``), which
  ``mastermind allowed-signers`` prints and the audit gives git, so that git and the
  audit trust the same SSH keys;
- whose signature a commit carries (``Keyring.judge``). Git says whether a signature
  is good; it does not say whose. With ``require_signed``, a good signature counts
  for the author only when the key is listed in the profile of the member with the
  author's email. A facilitator signs with a key of their own profile when they have
  one listed (as a member), else with any key git finds good. An author who is
  neither a member nor a facilitator only needs a good signature (no profile to
  compare with; the other rules judge what they change).

Keys are the profiles' as they are now, not as they were at each commit: after
rotating a key, keep the old one listed, or the commits signed with it no longer count.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import struct
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from mastermind_kit.errors import UsageError
from mastermind_kit.model import Group, MemberEntry, Profile

if TYPE_CHECKING:
    from mastermind_kit.repo import GroupRepo

__all__ = ["Keyring", "SigningKey", "allowed_signers", "keyring", "parse", "write"]

_SSH = re.compile(r"\A((?:ssh|ecdsa|sk)-[A-Za-z0-9@.+-]+) ([A-Za-z0-9+/]+={0,3})(?: .*)?\Z", re.S)
_HEX = re.compile(r"\A(?:0x)?([0-9A-Fa-f]{16}|(?:[0-9A-Fa-f]{4} {0,2}){9}[0-9A-Fa-f]{4})\Z")
# Principals git can be given safely: an email without the characters that the
# allowed-signers format reads as a separator, an option or a pattern (',', '"', ' ',
# '*', '?', '!').
_PRINCIPAL = re.compile(r"\A[A-Za-z0-9._%+@-]+\Z")


@dataclass(frozen=True)
class SigningKey:
    """One key of a profile. ``ident`` is how git names it: ``SHA256:...`` for SSH,
    the hex fingerprint or long key id (upper case, no spaces) for GPG."""

    kind: str  # "ssh" or "gpg"
    ident: str
    public: str = ""  # SSH: "<type> <base64>", the key as the allowed-signers file holds it

    def signed(self, key: str | None, primary: str | None) -> bool:
        """Whether a signature git reports as made by ``key`` (%GK), of a key whose
        primary is ``primary`` (%GP, GPG only), is this key's."""
        if self.kind == "ssh":
            return key == self.ident
        # A listed fingerprint or long id names either the key that signed (its long
        # id, %GK, ends its fingerprint) or the primary key the signing subkey belongs to.
        signer = (key or "").upper()
        return (len(signer) == 16 and self.ident.endswith(signer)) or bool(
            primary and primary.upper().endswith(self.ident)
        )


def parse(text: str) -> SigningKey | None:
    """The key a profile lists; None when it is neither a well-formed SSH public key
    nor a GPG fingerprint or long key id."""
    text = text.strip()
    ssh = _SSH.match(text)
    if ssh is not None:
        kind, encoded = ssh.groups()
        try:
            blob = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            return None
        # The key blob starts with its own type: a pasted key cut short or with the
        # wrong type in front is caught here, not by a signature that never matches.
        if len(blob) < 4:
            return None
        (size,) = struct.unpack(">I", blob[:4])
        if blob[4 : 4 + size] != kind.encode("ascii"):
            return None
        digest = base64.b64encode(hashlib.sha256(blob).digest()).decode("ascii").rstrip("=")
        return SigningKey("ssh", f"SHA256:{digest}", f"{kind} {encoded}")
    gpg = _HEX.match(text)
    if gpg is not None:
        return SigningKey("gpg", gpg.group(1).replace(" ", "").upper())
    return None


@dataclass
class Keyring:
    """The keys listed in the members' profiles, by member id."""

    keys: dict[str, list[SigningKey]] = field(default_factory=dict)

    @classmethod
    def from_profiles(cls, profiles: Mapping[str, Profile | None]) -> Keyring:
        keys: dict[str, list[SigningKey]] = {}
        for member_id, profile in profiles.items():
            if profile is None:
                continue
            found = [k for k in (parse(t) for t in profile.signing_keys) if k is not None]
            if found:
                keys[member_id] = found
        return cls(keys)

    def judge(self, group: Group, email: str, key: str | None, primary: str | None) -> str | None:
        """Why a commit authored as ``email`` with a signature git found good, made by
        ``key`` (%GK) of primary key ``primary`` (%GP), does not count as signed under
        ``group`` (the rules in force before it); None when it counts."""
        wanted = email.strip().lower()
        members = [m for m in group.members if wanted in (e.lower() for e in m.emails)]
        listed = [k for m in members for k in self.keys.get(m.id, [])]
        if any(k.signed(key, primary) for k in listed):
            return None
        shown = f" ({key})" if key else ""
        owners = [
            m.id
            for m in group.members
            if m not in members and any(k.signed(key, primary) for k in self.keys.get(m.id, []))
        ]
        if owners:  # a member's own key, used for a commit made in someone else's name
            return f"signed with {'/'.join(owners)}'s key{shown}, not the author's ({email})"
        if not members or (not listed and group.is_facilitator(wanted)):
            return None  # nobody's key to compare with: a good signature is all there is
        whose = "/".join(m.id for m in members)
        if not listed:
            return (
                f"signed with a key{shown} that is not {whose}'s: {whose}'s profile lists "
                "no signing_keys"
            )
        return f"signed with a key{shown} that is not {whose}'s (not in their signing_keys)"


def allowed_signers(members: Iterable[MemberEntry], keyring: Keyring) -> str:
    """git's ``gpg.ssh.allowedSignersFile`` for the members' SSH keys: a line
    ``<email>[,<email>] namespaces="git" <type> <key>`` per key, with every email of the
    member. Members without emails are left out (no principal to name them by)."""
    lines = [
        "# Allowed signers for git, from the members' profiles (signing_keys) and their",
        "# emails in mastermind.yaml; written by 'mastermind allowed-signers'.",
    ]
    for member in members:
        emails = [e for e in dict.fromkeys(member.emails) if _PRINCIPAL.match(e)]
        if not emails:
            continue
        for key in keyring.keys.get(member.id, []):
            if key.kind == "ssh":
                lines.append(f'{",".join(emails)} namespaces="git" {key.public}')
    return "\n".join(lines) + "\n"


def keyring(repo: GroupRepo) -> Keyring:
    """The keys in the profiles of the members of ``repo``'s config, as the files are
    now (a profile with errors lists none)."""
    return Keyring.from_profiles({m.id: repo.profile(m.id)[0] for m in repo.group.members})


def write(path: Path, text: str, *, shown: str, root: Path | None = None) -> None:
    """Save an allowed-signers file at ``path`` atomically, never through a symlink (a
    link could lead the write anywhere; inside the group repo ``root``, not through a
    folder that is one either) and never over anything but a file."""
    from mastermind_kit.fsutil import atomic_write, os_errors, refuse_links_in

    with os_errors(shown):  # a name too long, no permission, a full disk: one line
        if root is not None:
            refuse_links_in(root, path, shown)
        if path.is_symlink():
            raise UsageError(f"{shown} is a symlink; nothing was written")
        if path.exists() and not path.is_file():
            raise UsageError(f"{shown} is not a regular file; nothing was written")
        atomic_write(path, text)
