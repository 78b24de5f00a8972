"""`mastermind demo`: the sample group as a real repo with a believable history."""

from __future__ import annotations

from pathlib import Path

from conftest import git


def test_sample_group_checks_clean(run_main) -> None:
    sample = Path(__file__).resolve().parent.parent / "sample_group"
    code, out, err = run_main("check", str(sample))
    assert (code, out, err) == (0, "", "")


def test_demo_builds_a_real_history(tmp_path: Path, run_main) -> None:
    target = tmp_path / "demo"
    code, out, err = run_main("demo", str(target), "--today", "2026-11-20")
    assert code == 0, err
    assert "mastermind check: 0 error(s), 0 warning(s)" in out
    assert f"mastermind -C {target} check" in out
    # the tour wrote the pages and ends with the index's path; it shows the last recap
    index = target / "_site" / "index.html"
    assert out.rstrip().endswith(str(index))
    assert index.is_file() and (target / "_site" / "members" / "maren.html").is_file()
    assert "# Recap: Speicherstadt Circle, Tue 2026-11-17 18:30 CET" in out
    assert f"mastermind -C {target} recap --meeting 2026-11-17" in out
    assert "As of 2026-11-20" in index.read_text()
    commits = int(git(target, "rev-list", "--count", "HEAD"))
    authors = set(git(target, "log", "--format=%ae").split())
    assert commits >= 20
    assert len(authors) >= 5
    assert git(target, "status", "--porcelain") == ""
    assert run_main("-C", str(target), "check")[0] == 0

    # Preparation comes before the meeting (18:30 Berlin), commitments after it.
    log = git(target, "log", "--reverse", "--format=%aI", "--", "meetings/2026-04-21/maren.md")
    first, last = log.split()[0], log.split()[-1]
    assert first < "2026-04-21T18:30:00+02:00" < last
    prep = git(
        target,
        "show",
        f"{git(target, 'rev-list', '--reverse', 'HEAD', '--', 'meetings/2026-04-21/maren.md').split()[0]}:meetings/2026-04-21/maren.md",
    )
    assert "commitments: []" in prep


def test_demo_is_reproducible_and_refuses_a_non_empty_dir(tmp_path: Path, run_main) -> None:
    assert run_main("demo", str(tmp_path / "a"))[0] == 0
    assert run_main("demo", str(tmp_path / "b"))[0] == 0
    assert git(tmp_path / "a", "rev-parse", "HEAD") == git(tmp_path / "b", "rev-parse", "HEAD")
    code, _, err = run_main("demo", str(tmp_path / "a"))
    assert code == 2 and "not empty" in err


def test_demo_without_a_directory_uses_a_new_temp_dir(
    tmp_path: Path, run_main, monkeypatch
) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    code, out, _ = run_main("demo")
    assert code == 0
    made, remote = sorted(p for p in tmp_path.iterdir() if p.name.startswith("mastermind-demo-"))
    assert remote.name == f"{made.name}-remote.git"  # the bare remote of the tour's sync
    assert str(made) in out


def test_the_tour_plays_a_members_loop_against_a_remote(tmp_path: Path, run_main) -> None:
    target = tmp_path / "demo"
    code, out, err = run_main("demo", str(target), "--today", "2026-11-20")
    assert code == 0, err
    remote = tmp_path / "demo-remote.git"
    assert "$ mastermind status --member maren" in out
    assert "$ mastermind report 2026-05-05/maren/3 done --member maren" in out
    assert "recorded 2026-05-05/maren/3: done in meetings/2026-12-01/maren.md" in out
    assert "pushed 1 commit(s) to origin/main" in out
    # the note is in the remote, committed as Maren, and the demo repo is clean
    assert git(remote, "rev-parse", "main") == git(target, "rev-parse", "HEAD")
    assert git(remote, "log", "-1", "--format=%ae %s", "main").strip() == (
        "maren@example.com maren: note for 2026-12-01"
    )
    assert git(target, "status", "--porcelain") == ""
    assert str(target / "_site" / "calendar.ics") in out
    # nothing of Maren's identity is left behind for whoever commits next
    assert "maren" not in git(target, "var", "GIT_COMMITTER_IDENT")
