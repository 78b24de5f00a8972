"""`mastermind ci` and `init --ci`: a CI workflow that checks, audits and builds the site
as a private artifact, written once, installing mastermind-kit from one place."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from mastermind_kit import __version__
from mastermind_kit.ci import PROVIDERS, checked_install, install_from, workflow
from mastermind_kit.errors import UsageError

from conftest import git

INIT = (
    "--name",
    "Test Group",
    "--first-meeting",
    "2026-12-01",
    "--timezone",
    "Europe/Berlin",
    "--member",
    "alice:Alice:alice@example.org",
    "--today",
    "2026-11-20",
)
GITHUB = PROVIDERS["github"]
GITLAB = PROVIDERS["gitlab"]


@pytest.fixture
def made(tmp_path: Path, run_main) -> Path:
    """A group repo as `mastermind init` makes it."""
    target = tmp_path / "g"
    code, _, err = run_main("init", str(target), *INIT)
    assert code == 0, err
    return target


def load(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def github_steps(data: dict[Any, Any], job: str) -> list[dict[str, Any]]:
    steps = data["jobs"][job]["steps"]
    assert isinstance(steps, list)
    return steps


def runs(data: dict[Any, Any], job: str) -> list[str]:
    return [step["run"] for step in github_steps(data, job) if "run" in step]


def uses(data: dict[Any, Any], job: str, action: str) -> dict[str, Any]:
    found = [s for s in github_steps(data, job) if s.get("uses", "").startswith(action + "@")]
    assert len(found) == 1, (job, action)
    return found[0]


# -- the GitHub workflow -----------------------------------------------------------------


def test_github_workflow_checks_audits_and_keeps_the_site_private(made: Path, run_main) -> None:
    code, out, err = run_main("ci", "github", cwd=made)
    assert code == 0, err
    assert "wrote .github/workflows/mastermind.yml" in out
    assert "Next: commit it: git add .github/workflows/mastermind.yml && git commit" in out
    data = load(made / GITHUB)
    # PyYAML reads YAML 1.1, where a bare `on` is true; GitHub reads it as the key "on".
    triggers = data.get("on", data.get(True))
    assert set(triggers) == {"push", "pull_request"}
    assert data["permissions"] == {"contents": "read"}
    assert set(data["jobs"]) == {"check", "audit", "site"}
    for job in data["jobs"]:
        assert uses(data, job, "actions/checkout")["uses"] == "actions/checkout@v4"
        assert uses(data, job, "actions/setup-python")["uses"] == "actions/setup-python@v5"
        assert 'python -m pip install "$MASTERMIND_INSTALL"' in runs(data, job)
    assert "mastermind check --format github" in runs(data, "check")
    assert uses(data, "audit", "actions/checkout")["with"]["fetch-depth"] == 0
    assert "mastermind audit" in runs(data, "audit")
    assert uses(data, "site", "actions/checkout")["with"]["fetch-depth"] == 0
    assert "mastermind site --strict --out _site" in runs(data, "site")
    upload = uses(data, "site", "actions/upload-artifact")
    assert upload["uses"] == "actions/upload-artifact@v4"
    assert upload["with"]["path"] == "_site/"
    assert 1 <= upload["with"]["retention-days"] <= 14
    text = (made / GITHUB).read_text(encoding="utf-8")
    assert "pages" not in {
        s.get("uses", "").split("/")[0] for j in data["jobs"] for s in github_steps(data, j)
    }
    assert "deploy-pages" not in text and "pages: write" not in text
    assert "confidential" in text and "Do not add" in text


def test_gitlab_ci_has_a_code_quality_report_and_a_private_site(made: Path, run_main) -> None:
    code, out, err = run_main("ci", "gitlab", cwd=made)
    assert code == 0, err
    assert "wrote .gitlab-ci.yml" in out
    data = load(made / GITLAB)
    assert "pages" not in data
    assert data["variables"]["MASTERMIND_INSTALL"] == f"mastermind-kit=={__version__}"
    assert data["default"]["before_script"] == ['python -m pip install "$MASTERMIND_INSTALL"']
    rules = data["workflow"]["rules"]
    assert {"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'} in rules
    assert {"if": "$CI_COMMIT_BRANCH"} in rules
    check = data["check"]
    assert check["script"][0].startswith(
        "mastermind check --format gitlab > gl-code-quality-report.json ||"
    )
    assert check["artifacts"] == {
        "when": "always",
        "reports": {"codequality": "gl-code-quality-report.json"},
    }
    for job in ("audit", "site"):
        assert data[job]["variables"] == {"GIT_STRATEGY": "clone", "GIT_DEPTH": "0"}
    assert data["audit"]["script"] == ["mastermind audit"]
    assert data["site"]["script"] == ["mastermind site --strict --out _site"]
    artifacts = data["site"]["artifacts"]
    assert artifacts["paths"] == ["_site/"] and artifacts["expire_in"] == "7 days"
    assert artifacts["access"] == "developer"
    assert "pages" not in json.dumps(data)


def test_the_workflow_names_no_group_string(made: Path, run_main) -> None:
    """Only the install spec is interpolated: the group's name and members stay out."""
    assert run_main("ci", "github", cwd=made)[0] == 0
    assert run_main("ci", "gitlab", cwd=made)[0] == 0
    for relative in (GITHUB, GITLAB):
        text = (made / relative).read_text(encoding="utf-8")
        assert "Test Group" not in text and "alice" not in text


# -- writing: never over a file, never through a symlink -------------------------------------


@pytest.mark.parametrize("provider", ["github", "gitlab"])
def test_running_again_refuses_without_force_and_keeps_a_backup_with_it(
    made: Path, run_main, provider: str
) -> None:
    target = made / PROVIDERS[provider]
    assert run_main("ci", provider, cwd=made)[0] == 0
    target.write_text("# ours\n", encoding="utf-8")
    code, _, err = run_main("ci", provider, cwd=made)
    assert code == 2
    assert "already exists; nothing was written" in err and "--force" in err
    assert target.read_text(encoding="utf-8") == "# ours\n"
    code, out, err = run_main("ci", provider, "--force", cwd=made)
    assert code == 0, err
    assert "kept the old file as" in out
    assert target.with_name(target.name + ".bak").read_text(encoding="utf-8") == "# ours\n"
    assert "mastermind check" in target.read_text(encoding="utf-8")
    assert run_main("check", cwd=made)[0] == 0  # the .bak is no group file


@pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt", reason="symlinks")
@pytest.mark.parametrize("link", [".github", ".github/workflows"])
def test_refuses_to_write_through_a_symlinked_folder(
    made: Path, tmp_path: Path, run_main, link: str
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (made / link).parent.mkdir(parents=True, exist_ok=True)
    (made / link).symlink_to(elsewhere, target_is_directory=True)
    code, _, err = run_main("ci", "github", "--force", cwd=made)
    assert code == 2
    assert f"{link} is a symlink; nothing was written" in err
    assert list(elsewhere.iterdir()) == []


@pytest.mark.skipif(os.name == "nt", reason="symlinks")
def test_refuses_to_replace_a_symlinked_file(made: Path, tmp_path: Path, run_main) -> None:
    outside = tmp_path / "outside.yml"
    outside.write_text("mine\n")
    (made / GITLAB).symlink_to(outside)
    code, _, err = run_main("ci", "gitlab", "--force", cwd=made)
    assert code == 2 and ".gitlab-ci.yml is a symlink" in err
    assert outside.read_text() == "mine\n"


def test_a_file_where_a_folder_should_be_is_one_line(made: Path, run_main) -> None:
    (made / ".github").write_text("not a folder\n")
    code, _, err = run_main("ci", "github", cwd=made)
    assert code == 2
    assert "cannot write .github/workflows/mastermind.yml" in err and "Traceback" not in err


def test_ci_with_repo_option_names_paths_from_the_repo(
    made: Path, tmp_path: Path, run_main
) -> None:
    code, out, _ = run_main("-C", str(made), "ci", "gitlab", cwd=tmp_path)
    assert code == 0
    quoted = shlex.quote(str(made))
    assert f"git -C {quoted} add .gitlab-ci.yml && git -C {quoted} commit" in out


def test_ci_outside_a_group_repo_says_so(tmp_path: Path, run_main) -> None:
    code, _, err = run_main("ci", "github", cwd=tmp_path)
    assert code == 2 and "not inside a group repo" in err
    assert not (tmp_path / ".github").exists()


# -- init --ci ----------------------------------------------------------------------------


@pytest.mark.parametrize("provider", ["github", "gitlab"])
def test_init_ci_puts_the_workflow_in_the_first_commit(
    tmp_path: Path, run_main, provider: str
) -> None:
    target = tmp_path / "g"
    code, out, err = run_main("init", str(target), *INIT, "--ci", provider)
    assert code == 0, err
    assert f"with a CI workflow in {PROVIDERS[provider]}" in out
    assert "not on PyPI" in err  # this checkout was installed from a folder: a placeholder
    committed = git(target, "show", "--name-only", "--format=", "HEAD").split()
    assert str(PROVIDERS[provider]) in committed
    assert git(target, "rev-list", "--count", "HEAD").strip() == "1"
    assert git(target, "status", "--porcelain") == ""
    assert load(target / PROVIDERS[provider])
    assert run_main("check", cwd=target)[0] == 0


def test_init_without_ci_writes_no_workflow(made: Path) -> None:
    assert not (made / ".github").exists() and not (made / GITLAB).exists()


# -- how CI installs mastermind-kit ---------------------------------------------------------

HOSTILE = [
    "x\" 'y' : # ${{ secrets.TOKEN }} [a, b] {c: d} & * ! | > % @ `e` \\ \\n",
    "mastermind-kit @ git+https://example.invalid/a b@v1#egg=x\u00e9\u4e2d\u00a0<&>",
    "'single' \"double\"",
]


@pytest.mark.parametrize("provider", ["github", "gitlab"])
@pytest.mark.parametrize("spec", HOSTILE)
def test_a_hostile_install_spec_stays_one_value(provider: str, spec: str) -> None:
    data = yaml.safe_load(workflow(provider, install=checked_install(spec)))
    top = data["env"] if provider == "github" else data["variables"]
    assert top["MASTERMIND_INSTALL"] == spec
    assert set(top) == {"MASTERMIND_INSTALL", "PIP_DISABLE_PIP_VERSION_CHECK"}


def test_the_install_option_lands_in_the_file(made: Path, run_main) -> None:
    spec = "mastermind-kit @ git+https://git.example.org/tools/mastermind-kit@v1.2"
    code, _, err = run_main("ci", "github", "--install", spec, cwd=made)
    assert code == 0 and "not on PyPI" not in err
    text = (made / GITHUB).read_text(encoding="utf-8")
    assert f'MASTERMIND_INSTALL: "{spec}"' in text
    assert "REPLACE THIS" not in text


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "must not be empty"),
        ("   ", "must not be empty"),
        ("mastermind-kit\nevil: 1", "line break"),
        ("mastermind-kit\x1b[2J", "control character"),
        ("mastermind-kit\u2028evil: 1", "line break"),  # a line break to YAML 1.1
        ("mastermind-kit\u202eevil", "control character"),
        ("--index-url https://evil.example/simple", "pip option"),
    ],
)
def test_a_bad_install_spec_is_refused(made: Path, run_main, spec: str, message: str) -> None:
    code, _, err = run_main("ci", "gitlab", "--install", spec, cwd=made)
    assert code == 2 and message in err and "Traceback" not in err
    assert not (made / GITLAB).exists()


def test_the_default_is_a_placeholder_that_says_replace_me(made: Path, run_main) -> None:
    code, _, err = run_main("ci", "github", cwd=made)
    assert code == 0
    assert "mastermind: warning: CI installs mastermind-kit==" in err
    text = (made / GITHUB).read_text(encoding="utf-8")
    assert "REPLACE THIS" in text and "not on PyPI" in text


@pytest.mark.parametrize(
    ("direct_url", "expected"),
    [
        (
            {
                "url": "https://github.com/you/mastermind-kit",
                "vcs_info": {"vcs": "git", "commit_id": "abc123", "requested_revision": "v1"},
            },
            "mastermind-kit @ git+https://github.com/you/mastermind-kit@abc123",
        ),
        (
            {
                "url": "ssh://git@gitlab.example.org:2222/tools/kit.git",
                "vcs_info": {"vcs": "git", "commit_id": "def456"},
                "subdirectory": "python",
            },
            "mastermind-kit @ git+ssh://git@gitlab.example.org:2222/tools/kit.git@def456"
            "#subdirectory=python",
        ),
        (  # a token in the URL is never written into a committed file
            {
                "url": "https://user:s3cret@git.example.org/kit",
                "vcs_info": {"vcs": "git", "commit_id": "0a1b"},
            },
            "mastermind-kit @ git+https://git.example.org/kit@0a1b",
        ),
        (
            {
                "url": "https://files.example.org/mastermind_kit-1.0-py3-none-any.whl",
                "archive_info": {"hashes": {"sha256": "ff00"}},
            },
            "mastermind-kit @ https://files.example.org/mastermind_kit-1.0-py3-none-any.whl"
            "#sha256=ff00",
        ),
    ],
)
def test_install_from_pep_610(direct_url: dict[str, Any], expected: str) -> None:
    found = install_from(json.dumps(direct_url), version="1.0")
    assert found.known and found.spec == expected


@pytest.mark.parametrize(
    "direct_url",
    [
        None,
        "",
        "not json",
        "[]",
        json.dumps({"url": "file:///home/me/mastermind-kit", "dir_info": {"editable": True}}),
        json.dumps({"url": "file:///tmp/kit.whl", "archive_info": {}}),
        json.dumps({"url": "https://example.org/kit", "vcs_info": {"vcs": "git"}}),
        json.dumps({"url": "https://example.org/kit"}),
        json.dumps({"url": "https://example.org:port/kit", "archive_info": {}}),
        json.dumps(
            {"url": "https://example.org/kit", "vcs_info": {"vcs": "git\n", "commit_id": "1"}}
        ),
    ],
)
def test_install_from_anything_ci_cannot_fetch_is_a_placeholder(direct_url: str | None) -> None:
    found = install_from(direct_url, version="1.0")
    assert not found.known and found.spec == "mastermind-kit==1.0"


def test_library_refuses_an_unknown_provider() -> None:
    with pytest.raises(UsageError, match="unknown CI"):
        workflow("jenkins", install=checked_install("x"))


# -- the commands in the workflow run, and fail as they should -----------------------------


@pytest.fixture
def shim(tmp_path: Path) -> dict[str, str]:
    """An environment whose `mastermind` is this checkout's, as CI's shell would find it."""
    folder = tmp_path / "bin"
    folder.mkdir()
    script = folder / "mastermind"
    script.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m mastermind_kit "$@"\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return {**os.environ, "PATH": f"{folder}{os.pathsep}{os.environ['PATH']}"}


def sh(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # GitLab's runner and GitHub's `run:` both stop at the first failing command.
    return subprocess.run(
        ["sh", "-e", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


needs_sh = pytest.mark.skipif(shutil.which("sh") is None or os.name == "nt", reason="needs sh")


@needs_sh
@pytest.mark.parametrize("provider", ["github", "gitlab"])
def test_the_workflow_commands_pass_on_a_new_group(
    tmp_path: Path, run_main, shim: dict[str, str], provider: str
) -> None:
    target = tmp_path / "g"
    assert run_main("init", str(target), *INIT, "--ci", provider)[0] == 0
    data = load(target / PROVIDERS[provider])
    if provider == "github":
        scripts = [run for job in data["jobs"] for run in runs(data, job)]
    else:
        scripts = [line for job in ("check", "audit", "site") for line in data[job]["script"]]
    scripts = [s for s in scripts if "pip install" not in s]
    assert len(scripts) == 3
    for script in scripts:
        done = sh(script, target, shim)
        assert done.returncode == 0, (script, done.stdout, done.stderr)
    assert (target / "_site" / "index.html").is_file()
    if provider == "gitlab":
        assert json.loads((target / "gl-code-quality-report.json").read_text()) == []


@needs_sh
def test_the_gitlab_check_fails_on_errors_and_still_writes_the_report(
    made: Path, run_main, shim: dict[str, str]
) -> None:
    assert run_main("ci", "gitlab", cwd=made)[0] == 0
    (script,) = load(made / GITLAB)["check"]["script"]
    (made / "members" / "alice.md").write_text("---\ngoals: nope\n---\n")
    done = sh(script, made, shim)
    assert done.returncode == 1, (done.stdout, done.stderr)
    report = json.loads((made / "gl-code-quality-report.json").read_text())
    assert report and all(entry["location"]["path"] for entry in report)
    assert "error(s)" in done.stdout  # the text form, for the job's log


@needs_sh
def test_the_github_check_fails_on_errors_with_annotations(
    made: Path, run_main, shim: dict[str, str]
) -> None:
    assert run_main("ci", "github", cwd=made)[0] == 0
    (script,) = runs(load(made / GITHUB), "check")[1:]
    (made / "members" / "alice.md").write_text("---\ngoals: nope\n---\n")
    done = sh(script, made, shim)
    assert done.returncode == 1
    assert done.stdout.startswith("::error file=members/alice.md")
