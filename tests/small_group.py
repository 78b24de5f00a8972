"""A small group with two held meetings, for the recap and site tests (golden files).

Three members: alice and bob come to both meetings, carol is excused from the second;
alice reports on her first commitment and makes a new one, bob leaves his open.
"""

from __future__ import annotations

from pathlib import Path

from conftest import build_tree, commit, git

CONFIG = """\
schema: 1
name: Harbour Circle
cadence: biweekly
first_meeting: 2026-12-01
time: "18:00"
timezone: Europe/Berlin
duration_minutes: 120
hot_seat_minutes: 20
excused:
  - {member: carol, meeting: 2026-12-15}
members:
  - {id: alice, name: Alice Example, emails: [alice@example.org], joined: 2026-12-01}
  - {id: bob, name: Bob Example, emails: [bob@example.org], joined: 2026-12-01}
  - {id: carol, name: Carol Example, emails: [carol@example.org], joined: 2026-12-01}
agreement: |
  What is said in the circle stays in the circle.

  We report back honestly.
"""

ALICE = """\
---
name: Alice Example
vision: A calm, profitable company
goals:
  - id: arr
    title: Reach 50k monthly recurring revenue
    metric: MRR
    unit: EUR
    baseline: 20000
    target: 50000
    due: 2027-06-30
  - id: churn
    title: Cut churn
    metric: churn
    unit: percent
    baseline: 3
    target: 1.5
    due: 2027-03-31
---
# Alice

Founder of a *small* company. [Our site](https://example.org).
"""

BOB = """\
---
name: Bob Example
goals: []
---
"""

CAROL = """\
---
name: Carol Example
goals: []
---
"""

FILES = {
    "mastermind.yaml": CONFIG,
    "members/alice.md": ALICE,
    "members/bob.md": BOB,
    "members/carol.md": CAROL,
    "meetings/2026-12-01/alice.md": """\
---
member: alice
meeting: 2026-12-01
results: {arr: 24000, churn: 2.8}
questions: [How do I price the enterprise tier?]
walk_away: A pricing decision
hot_seat: true
commitments:
  - id: 2026-12-01/alice/1
    text: Run the new pricing with 3 prospects
    goal: arr
---
## Action plan

- Talk to prospects.
""",
    "meetings/2026-12-01/bob.md": """\
---
member: bob
meeting: 2026-12-01
questions: [Should I hire a COO?]
walk_away: A hiring decision
commitments:
  - id: 2026-12-01/bob/1
    text: Write the COO job description
    due: 2026-12-29
---
""",
    "meetings/2026-12-01/carol.md": """\
---
member: carol
meeting: 2026-12-01
walk_away: Clarity
---
""",
    "meetings/2026-12-15/alice.md": """\
---
member: alice
meeting: 2026-12-15
results: {arr: 26500, churn: 2.5}
report:
  - id: 2026-12-01/alice/1
    status: done
    note: Two of three said yes
questions: [Annual or monthly billing?]
walk_away: A billing decision
commitments:
  - id: 2026-12-15/alice/1
    text: Move two customers to annual billing
    goal: arr
---
""",
    "meetings/2026-12-15/bob.md": """\
---
member: bob
meeting: 2026-12-15
hot_seat: true
questions: [How do I tell the team?]
walk_away: A script for the announcement
---
""",
}

TODAY = "2026-12-20"  # after the second meeting, before the third (2026-12-29)


def make_small_group(root: Path) -> Path:
    return build_tree(root, FILES)


def commit_a_broken_note(root: Path) -> str:
    """Make the group a git repo, then commit bob's note of 2026-12-15 broken (line 4:
    ``hot_seat: maybe``), as a member would past the hook with --no-verify."""
    git(root, "init", "-q")
    commit(root, "start", when="2026-12-16T10:00:00+01:00")
    note = root / "meetings/2026-12-15/bob.md"
    note.write_text(note.read_text().replace("hot_seat: true", "hot_seat: maybe"))
    commit(root, "bob: maybe", when="2026-12-16T11:00:00+01:00")
    return "meetings/2026-12-15/bob.md"
