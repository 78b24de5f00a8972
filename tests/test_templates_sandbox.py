"""A group's own templates are data: read only from plain files in its templates/
folder, rendered in a sandbox within bounds of size, work and time.

Any member can commit templates/note.md.j2, and every other member's ``prep`` renders
it. Each hostile template here makes the command stop with one line naming the
template (exit 2), writes nothing, and shows nothing it should not; ``check`` flags
what it can see without rendering (symlinks, syntax, includes of nothing).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from test_read_cache import note

from mastermind_kit import agenda, prep, recap, sandbox
from mastermind_kit.resources import templates_dir

from conftest import build_tree, commit

Run = Callable[..., tuple[int, str, str]]

TODAY = "2026-12-20"  # the next meeting: 2026-12-29
SECRET = "SECRET-KEY-9c1e"
NOTE = "templates/note.md.j2"
PREP = ("prep", "--member", "alice", "--today", TODAY)

# A note template that works: what an honest group might write.
HONEST = (
    "---\nmember: {{ member | yaml }}\nmeeting: {{ meeting }}\n"
    "{%- if report %}\nreport:\n{%- for entry in report %}\n"
    "  - {id: {{ entry.id | yaml }}, status: null}{%- endfor %}{%- endif %}\n---\n"
)


@pytest.fixture
def repo(git_group: Path) -> Path:
    build_tree(
        git_group,
        {
            "meetings/2026-12-15/alice.md": note(
                "alice", "2026-12-15", "commitments:\n  - {id: 2026-12-15/alice/1, text: Ship}\n"
            ),
            "meetings/2026-12-15/bob.md": note("bob", "2026-12-15"),
        },
    )
    commit(git_group, "notes", when="2026-12-15T20:00:00+01:00")
    return git_group


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file of the member who runs prep, outside the repo (their SSH key, say)."""
    path = tmp_path / "home" / ".ssh" / "id_ed25519"
    path.parent.mkdir(parents=True)
    path.write_text(f"-----BEGIN OPENSSH PRIVATE KEY-----\n{SECRET}\n")
    return path


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.is_symlink() and ".git" not in p.relative_to(root).parts
    }


def stopped(run_main: Run, repo: Path, *args: str) -> str:
    """The command must stop: exit 2, one line, no traceback, nothing written, and no
    secret shown. Returns the line."""
    before = snapshot(repo)
    code, out, err = run_main("-C", str(repo), *args)
    assert code == 2, out + err
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in out + err and SECRET not in out + err
    assert snapshot(repo) == before
    return err


def check(run_main: Run, repo: Path, *paths: str) -> tuple[int, str]:
    code, out, err = run_main("check", *paths, cwd=repo)
    assert "Traceback" not in out + err and SECRET not in out + err
    return code, out


# -- the acceptance rows ---------------------------------------------------------------


@pytest.mark.catalogue
def test_an_include_of_a_symlink_to_a_file_outside_the_repo(
    repo: Path, secret: Path, run_main: Run
) -> None:
    build_tree(repo, {NOTE: HONEST + '{% include "key.j2" %}\n'})
    (repo / "templates/key.j2").symlink_to(secret)
    commit(repo, "templates", when="2026-12-16T10:00:00+01:00")
    err = stopped(run_main, repo, *PREP)
    assert err.startswith("mastermind: error: templates/key.j2:1:1: this template is a symlink")
    stopped(run_main, repo, *PREP, "--stdout")
    code, out = check(run_main, repo)
    assert code == 1
    assert "templates/key.j2:1:1: error: symlink points outside the group repo" in out


@pytest.mark.catalogue
def test_the_template_itself_a_symlink_to_a_file_outside(
    repo: Path, secret: Path, run_main: Run
) -> None:
    build_tree(repo, {"templates/.keep": ""})
    (repo / NOTE).symlink_to(secret)
    err = stopped(run_main, repo, *PREP)
    assert "templates/note.md.j2:1:1: this template is a symlink" in err
    code, out = check(run_main, repo)
    assert code == 1 and f"{NOTE}:1:1: error: symlink points outside" in out


@pytest.mark.catalogue
def test_a_symlinked_templates_folder(repo: Path, secret: Path, run_main: Run) -> None:
    folder = secret.parent.parent / "templates"
    build_tree(folder, {"note.md.j2": HONEST + SECRET + "\n"})
    (repo / "templates").symlink_to(folder, target_is_directory=True)
    err = stopped(run_main, repo, *PREP)
    assert "templates:1:1: this folder is a symlink" in err
    code, out = check(run_main, repo)
    assert code == 1 and "templates:1:1: error: 'templates' is a symlink" in out


@pytest.mark.catalogue
def test_a_symlinked_subfolder_of_templates(repo: Path, secret: Path, run_main: Run) -> None:
    build_tree(repo, {NOTE: HONEST + '{% include "parts/key.j2" %}\n'})
    (repo / "templates/parts").symlink_to(secret.parent, target_is_directory=True)
    os.symlink(secret, secret.parent / "key.j2")
    err = stopped(run_main, repo, *PREP)
    assert "templates/parts:1:1: this folder is a symlink" in err
    code, out = check(run_main, repo)
    assert code == 1 and "templates/parts:1:1: error: symlink" in out


@pytest.mark.catalogue
@pytest.mark.parametrize(
    "name", ["../../home/.ssh/id_ed25519", "/etc/passwd", "parts/../../x.j2", "a\\b.j2", ""]
)
def test_an_include_that_would_leave_the_folder(
    repo: Path, secret: Path, run_main: Run, name: str
) -> None:
    build_tree(repo, {NOTE: HONEST + "{% include " + repr(name) + " %}\n"})
    err = stopped(run_main, repo, *PREP)
    assert err.startswith(f"mastermind: error: {NOTE}:1:1: template name")
    assert "is not a file in templates/" in err


@pytest.mark.catalogue
@pytest.mark.parametrize(
    "template",
    [
        # Nested loops: 10**10 steps.
        "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
        # Loops over text: no call inside to notice them.
        "{% set x = 'ab' * 400000 %}{% for a in x %}{% for b in x %}{% endfor %}{% endfor %}",
        # A recursive loop that branches: 2**60 steps, never deep.
        "{% for x in [0] recursive %}{% if x < 60 %}{{ loop([x + 1, x + 1]) }}{% endif %}"
        "{% endfor %}",
        # A macro that calls itself twice: 2**60 calls, without ever getting deep.
        "{% macro f(n) %}{% if n < 60 %}{{ f(n + 1) }}{{ f(n + 1) }}{% endif %}{% endmacro %}"
        "{{ f(0) }}",
    ],
    ids=["nested-loops", "loops-over-text", "recursive-loop", "macro-fan-out"],
)
def test_a_template_that_loops_forever_is_stopped(repo: Path, run_main: Run, template: str) -> None:
    build_tree(repo, {NOTE: HONEST + template})
    err = stopped(run_main, repo, *PREP)
    assert err.startswith(f"mastermind: error: {NOTE}:1:1: template stopped: it ")
    code, out = check(run_main, repo)  # found by rendering it without data, in bounds
    assert code == 1
    assert f"{NOTE}:1:1: error: template stopped: it " in out
    assert "every command that renders it would stop" in out


@pytest.mark.catalogue
@pytest.mark.parametrize(
    "template",
    [
        "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
        "{% for x in [1] recursive %}{{ loop([1]) }}{% endfor %}",
        '{% include "note.md.j2" %}',
        "{{ " + "(" * 5000 + "1" + ")" * 5000 + " }}",
    ],
    ids=["macro", "recursive-loop", "include-itself", "deep-nesting"],
)
def test_a_template_that_calls_itself_is_one_line(repo: Path, run_main: Run, template: str) -> None:
    build_tree(repo, {NOTE: template})
    err = stopped(run_main, repo, *PREP)
    assert f"{NOTE}:1:1: template" in err
    code, out = check(run_main, repo)
    assert code == 1 and f"{NOTE}:1:1: error: template" in out


@pytest.mark.catalogue
@pytest.mark.parametrize(
    ("template", "words"),
    [
        ("{{ 'a' * 10**9 }}", "a value of more than 1,000,000 characters"),
        ("{{ 2 ** 100000000 }}", "too large a number"),
        (
            "{% set ns = namespace(x=3) %}{% for i in range(40) %}{% set ns.x = ns.x * ns.x %}"
            "{% endfor %}",
            "too large to compute",
        ),
        (
            "{% set ns = namespace(x='ab') %}{% for i in range(40) %}"
            "{% set ns.x = ns.x ~ ns.x %}{% endfor %}",
            "a value of more than",
        ),
        ("{{ 'x'|center(10**9) }}", "too large for a template"),
        ("{{ 'x'.ljust(10**9) }}", "too large for a template"),
        ("{{ '%0999999999d' % 1 }}", "a value of more than"),
        ("{{ '%0999999999d'|format(1) }}", "a value of more than"),
        ("{{ '{:>999999999}'.format(1) }}", "a value of more than"),
        ("{{ '{0}{0}{0}'.format_map({'0': 'x' * 600000}) }}", "a value of more than"),
        ("{% set x = 'a' * 900000 %}{{ x.replace('', x) }}", "a value of more than"),
        ("{% set x = 'a' * 900000 %}{{ x|replace('a', x) }}", "a value of more than"),
        ("{% set x = 'a' * 900000 %}{{ [x, x, x] }}", "a value of more than"),
        ("{% set x = 'a' * 900000 %}{{ [x, x]|join }}", "a value of more than"),
        ("{% set x = 'a' * 900 %}{{ x.join(range(5000)|map('string')) }}", "a value of more"),
        ("{{ ('\\n' * 900000)|indent(900000) }}", "a value of more than"),
        ("{{ ('\\t' * 900000).expandtabs(900000) }}", "a value of more than"),
        # stopped by whichever bound comes first: what it builds, or what it writes
        ("{% for i in range(100) %}{{ 'a' * 900000 }}{% endfor %}", "more than"),
        (
            "{% set b %}{% for i in range(100) %}{{ 'a' * 900000 }}{% endfor %}{% endset %}",
            "more than",
        ),
        ("{{ [[1]] * 1000 | sum(start=[]) }}", "sum() of lists"),
        ("{{ ('9' * 100000)|int }}", "more than 4,300 digits"),
        ("{{ 'x'.translate({120: 'y' * 900000}) }}", "translate() is not allowed"),
    ],
)
def test_a_template_that_would_exhaust_memory_is_stopped(
    repo: Path, run_main: Run, template: str, words: str
) -> None:
    build_tree(repo, {NOTE: HONEST + template})
    err = stopped(run_main, repo, *PREP)
    assert f"{NOTE}:1:1: template stopped: " in err and words in err, err


@pytest.mark.catalogue
@pytest.mark.parametrize(
    ("template", "words"),
    [
        ("{{ ''.__class__.__mro__ }}", "unsafe"),
        ("{{ cycler.__init__.__globals__ }}", "unsafe"),
        ("{% set l = [1] %}{{ l.append(2) }}", "unsafe"),
        ("{% set d = {} %}{{ d.update(a=1) }}", "unsafe"),
        ("{{ lipsum(100000) }}", "'lipsum' is undefined"),
        ("{{ range(10**9) }}", "Range too big"),
        ("{{ nosuch }}", "'nosuch' is undefined"),
        ("{{ 1 / 0 }}", "ZeroDivisionError"),
    ],
)
def test_the_sandbox_refuses_python_internals_and_mutation(
    repo: Path, run_main: Run, template: str, words: str
) -> None:
    build_tree(repo, {NOTE: HONEST + template})
    err = stopped(run_main, repo, *PREP)
    assert f"{NOTE}:1:1: template error: " in err and words in err, err


@pytest.mark.catalogue
def test_a_huge_template_file_is_refused(repo: Path, run_main: Run) -> None:
    build_tree(repo, {NOTE: HONEST + "x" * (sandbox.MAX_TEMPLATE_BYTES + 1)})
    err = stopped(run_main, repo, *PREP)
    assert "template too large" in err
    code, out = check(run_main, repo)
    assert code == 1 and f"{NOTE}:1:1: error: template too large" in out


# -- the other commands that render a group's template -----------------------------------


@pytest.mark.catalogue
def test_agenda_recap_and_member_add_stop_the_same_way(repo: Path, run_main: Run) -> None:
    loop = "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}"
    build_tree(
        repo,
        {
            "templates/agenda.md.j2": loop,
            "templates/recap.md.j2": loop,
            "templates/member.md.j2": loop,
        },
    )
    for args, name in (
        (("agenda", "--today", TODAY), "agenda.md.j2"),
        (("agenda", "--today", TODAY, "--write"), "agenda.md.j2"),
        (("recap", "--meeting", "2026-12-15", "--today", TODAY, "--write"), "recap.md.j2"),
        (("member", "add", "carol", "--name", "Carol", "--joined", "2026-12-29"), "member.md.j2"),
    ):
        err = stopped(run_main, repo, *args)
        assert f"templates/{name}:1:1: template stopped" in err


# -- check -------------------------------------------------------------------------------


@pytest.mark.catalogue
def test_check_reports_a_syntax_error_with_file_and_line(repo: Path, run_main: Run) -> None:
    build_tree(repo, {NOTE: HONEST + "line\n{% for x in %}\n"})
    code, out = check(run_main, repo)
    assert code == 1
    assert f"{NOTE}:10:1: error: template error: Expected an expression" in out
    code, out = check(run_main, repo, NOTE)  # a check of the one file (pre-commit, an editor)
    assert code == 1 and f"{NOTE}:10:1:" in out


@pytest.mark.catalogue
def test_check_reports_an_include_of_nothing(repo: Path, run_main: Run) -> None:
    build_tree(
        repo,
        {
            NOTE: HONEST + '{% include "parts/header.j2" %}\n{% include "nowhere.j2" %}\n'
            '{% include "maybe.j2" ignore missing %}\n',
            "templates/parts/header.j2": "Hello\n",
        },
    )
    code, out = check(run_main, repo)
    assert code == 1
    assert f"{NOTE}:10:1: error: 'nowhere.j2' is neither a template in templates/" in out
    assert "parts/header.j2" not in out and "maybe.j2" not in out


def test_check_warns_about_what_nothing_reads(repo: Path, run_main: Run) -> None:
    build_tree(
        repo,
        {
            NOTE: HONEST,
            "templates/old-note.md.j2": HONEST,
            "templates/README.txt": "Our templates.\n",
            "templates/note.md.j2~": "an editor's backup",
        },
    )
    code, out = check(run_main, repo)
    assert code == 0
    assert "templates/old-note.md.j2:1:1: warning: nothing renders 'old-note.md.j2'" in out
    assert "templates/README.txt:1:1: warning: 'README.txt' is not a template" in out
    assert "note.md.j2~" not in out


def test_check_without_templates_does_not_import_jinja2(repo: Path, run_main: Run) -> None:
    """check runs on every commit: a group without templates pays nothing for them."""
    import subprocess
    import sys

    probe = (
        "import sys; from mastermind_kit.cli import main; code = main(['check']); "
        "print(code, 'jinja2' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=repo, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["0", "False"]


# -- what still works ------------------------------------------------------------------------


def test_an_honest_override_with_includes_and_macros_still_works(repo: Path, run_main: Run) -> None:
    build_tree(
        repo,
        {
            NOTE: (
                '{% from "parts/macros.j2" import greet %}{% include "head.j2" %}'
                "{{ greet(name) }}\n"
                "{% for n in range(3) %}{{ loop.index }}{{ '-' if not loop.last }}{% endfor %}\n"
                "{{ '%s has %d owed'|format(name, report|length) }} {{ '{}!'.format(member) }}\n"
                "{{ ['a', 'b']|join(', ') }} {{ name ~ ' / ' ~ meeting }}"
                " {% set ns = namespace(n=0) %}{% for e in report %}{% set ns.n = ns.n + 1 %}"
                "{% endfor %}{{ ns.n }}\n"
            ),
            "templates/head.j2": HONEST,
            "templates/parts/macros.j2": "{% macro greet(who) %}Hello {{ who }}{% endmacro %}",
        },
    )
    code, out, err = run_main("-C", str(repo), *PREP, "--stdout")
    assert code == 0, err
    assert out.endswith(
        "Hello Alice Example\n1-2-3\nAlice Example has 1 owed alice!\n"
        "a, b Alice Example / 2026-12-29 1\n"
    )
    assert check(run_main, repo) == (0, "")


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("note.md.j2", ("prep", "--member", "alice", "--today", TODAY, "--stdout")),
        ("agenda.md.j2", ("agenda", "--meeting", "2026-12-15", "--today", TODAY)),
        ("recap.md.j2", ("recap", "--meeting", "2026-12-15", "--today", TODAY)),
    ],
)
def test_the_built_in_templates_render_the_same_in_the_sandbox(
    repo: Path, run_main: Run, name: str, args: tuple[str, ...]
) -> None:
    """The guards change no result: a built-in template copied into templates/ gives
    the same text as the built-in one."""
    code, plain, err = run_main("-C", str(repo), *args)
    assert code == 0, err
    build_tree(repo, {f"templates/{name}": (templates_dir() / name).read_text()})
    code, sandboxed, err = run_main("-C", str(repo), *args)
    assert code == 0, err
    assert sandboxed == plain


def test_the_overridable_templates_are_the_ones_the_commands_render() -> None:
    assert {prep.TEMPLATE, agenda.TEMPLATE, recap.TEMPLATE, "member.md.j2"} == sandbox.OVERRIDABLE
    assert all((templates_dir() / name).is_file() for name in sandbox.OVERRIDABLE)


@pytest.mark.catalogue
def test_many_large_values_kept_side_by_side_stop_on_memory(repo: Path, run_main: Run) -> None:
    """Each value within its own bound, thousands of them in one list: the total built
    is bounded too, so the memory stays small."""
    items = ",".join(['"\\U0001F600" * 999999'] * 3000)
    build_tree(repo, {"templates/note.md.j2": "{% set l = [" + items + "] %}x"})
    line = stopped(run_main, repo, "prep", "--member", "alice", "--today", "2026-11-25")
    assert "characters of values in all" in line
    code, out = check(run_main, repo)
    assert code == 1 and "characters of values in all" in out
