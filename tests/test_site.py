"""`mastermind site`: private static pages that are safe whatever the members wrote.

Golden pages: tests/golden/site/; update them with python tests/test_site.py --update
(and read the diff before committing it). The real-browser tests are in
test_site_browser.py.
"""

from __future__ import annotations

import html.parser
import json
import os
import re
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from mastermind_kit.demo import build_demo

from conftest import build_tree, commit, git
from small_group import TODAY, commit_a_broken_note, make_small_group

GOLDEN = Path(__file__).parent / "golden" / "site"
DEMO_TODAY = "2026-11-20"


class Page(html.parser.HTMLParser):
    """What a page holds: its ids, links, tags and attributes, and its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str]] = []
        self.text: list[str] = []
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        values = {name: value or "" for name, value in attrs}
        for name, value in values.items():
            self.attributes.append((tag, name, value))
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "a" and "href" in values:
            self.links.append(values["href"])
        if tag == "meta":
            key = values.get("name") or values.get("http-equiv") or ""
            self.meta[key.lower()] = values.get("content", "")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def site(run_main, root: Path, *args: str) -> tuple[int, str, str]:
    return run_main("-C", str(root), "site", *args)


@pytest.fixture
def small(tmp_path: Path) -> Path:
    return make_small_group(tmp_path / "harbour")


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from mastermind_kit.cli import main

    root = build_demo(tmp_path_factory.mktemp("demo") / "group")
    assert main(["-C", str(root), "site", "--today", DEMO_TODAY]) == 0
    return root / "_site"


# -- what is written --------------------------------------------------------------------------


def test_the_small_group_matches_its_golden_pages(run_main, small: Path) -> None:
    code, out, err = site(run_main, small, "--today", TODAY)
    assert code == 0, err
    assert (
        out == f"wrote 7 pages and calendar.ics: {small / '_site' / 'index.html'}\n"
        or out.startswith("wrote 7 pages and calendar.ics: ")
    )
    written = _tree(small / "_site")
    assert sorted(written) == sorted(_tree(GOLDEN))
    for name, text in written.items():
        assert text == (GOLDEN / name).read_text(encoding="utf-8"), f"{name} differs"


def test_the_demo_has_an_index_and_a_page_per_member_and_meeting(demo_site: Path) -> None:
    members = sorted(p.stem for p in (demo_site / "members").glob("*.html"))
    assert members == ["amelie", "jonas", "kofi", "maren", "priya", "tobias"]
    meetings = sorted(p.stem for p in (demo_site / "meetings").glob("*.html"))
    assert meetings[0] == "2026-04-07" and meetings[-1] == "2026-12-01"  # the next one too
    assert "2026-07-28" not in meetings  # skipped: the summer break
    assert (demo_site / "index.html").is_file()
    assert (demo_site / ".mastermind-site").is_file()


def test_every_member_page_has_a_chart_per_goal_with_a_text_table(demo_site: Path) -> None:
    from mastermind_kit.repo import GroupRepo

    repo = GroupRepo(demo_site.parent)
    for member in repo.group.members:
        profile = repo.profile(member.id)[0]
        assert profile is not None
        text = (demo_site / "members" / f"{member.id}.html").read_text()
        for number, goal in enumerate(profile.goals, start=1):
            chart = re.search(
                rf'<svg[^>]*aria-labelledby="chart-{number}-title chart-{number}-desc"', text
            )
            assert chart, f"{member.id}: no chart for {goal.id}"
            assert f'<h3 id="goal-{goal.id}">' in text
            assert re.search(rf'<title id="chart-{number}-title">{re.escape(goal.title)}', text)
        assert text.count("<svg") >= len(profile.goals)
        assert "<table>" in text


def test_every_relative_link_and_anchor_resolves(demo_site: Path) -> None:
    pages = {p: parse(p) for p in demo_site.rglob("*.html")}
    checked = 0
    for path, page in pages.items():
        for link in page.links:
            parts = urlsplit(link)
            if parts.scheme in ("http", "https", "mailto"):
                continue  # a member's own link in their Markdown
            assert not parts.scheme and not parts.netloc, f"{path}: {link} is not relative"
            assert not link.startswith("/"), f"{path}: {link} is absolute"
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if target.suffix != ".html":  # the calendar: a file to download
                assert target.is_file(), f"{path.relative_to(demo_site)}: {link} leads nowhere"
                checked += 1
                continue
            assert target in pages, f"{path.relative_to(demo_site)}: {link} leads nowhere"
            if parts.fragment:
                assert parts.fragment in pages[target].ids, f"{path}: no #{parts.fragment}"
            checked += 1
    assert checked > 500


def test_every_page_is_private_and_self_contained(demo_site: Path) -> None:
    agreement = "What is said in the circle stays in the circle."
    for path in demo_site.rglob("*.html"):
        text = path.read_text()
        page = parse(path)
        policy = page.meta["content-security-policy"]
        assert policy.startswith("default-src 'none'; style-src 'sha256-")
        assert "img-src 'none'" in policy and "base-uri 'none'" in policy
        assert "noindex" in page.meta["robots"]
        assert page.meta["viewport"].startswith("width=device-width")
        assert agreement in text, f"{path}: no confidentiality banner"
        assert "script" not in page.tags
        for tag, name, value in page.attributes:
            assert not name.startswith("on"), f"{path}: {tag} {name}"
            assert name not in ("style", "src", "srcset", "action"), f"{path}: {tag} {name}"
            if name == "href":
                assert not value.lower().startswith(("javascript:", "data:", "file:", "//"))
        assert str(demo_site.parent) not in text  # nothing of this machine
        assert "<link" not in text  # no stylesheet, font or icon from anywhere


def test_the_style_sheet_is_the_one_the_policy_allows(demo_site: Path) -> None:
    import base64
    import hashlib

    text = (demo_site / "index.html").read_text()
    style = re.search(r"<style>(.*?)</style>", text, re.S)
    assert style is not None
    digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
    policy = parse(demo_site / "index.html").meta["content-security-policy"]
    assert f"style-src 'sha256-{digest}'" in policy


def test_the_same_input_gives_the_same_bytes(run_main, small: Path, tmp_path: Path) -> None:
    assert site(run_main, small, "--today", TODAY, "--out", str(tmp_path / "a"))[0] == 0
    assert site(run_main, small, "--today", TODAY, "--out", str(tmp_path / "b"))[0] == 0
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")


def test_source_date_epoch_sets_today(
    run_main, small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert site(run_main, small, "--today", TODAY, "--out", str(tmp_path / "a"))[0] == 0
    # 2026-12-20 12:00 UTC
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1797768000")
    assert site(run_main, small, "--out", str(tmp_path / "b"))[0] == 0
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "soon")
    code, _, err = site(run_main, small, "--out", str(tmp_path / "c"))
    assert code == 2 and "SOURCE_DATE_EPOCH='soon' is not a time" in err


def test_a_broken_note_is_skipped_and_named_on_the_index(run_main, small: Path) -> None:
    commit_a_broken_note(small)
    code, _, err = site(run_main, small, "--today", TODAY)
    assert code == 0
    assert "meetings/2026-12-15/bob.md:4: skipped:" in err
    index = (small / "_site/index.html").read_text()
    assert '<h2 id="skipped" class="warning">Skipped files</h2>' in index
    assert "<code>meetings/2026-12-15/bob.md:4</code>: hot_seat: expected a boolean" in index
    assert "1 note skipped, numbers may be incomplete" in index
    meeting = (small / "_site/meetings/2026-12-15.html").read_text()
    assert "Note unreadable (skipped; run <code>mastermind check</code>): <a" in meeting
    assert "Absent" not in meeting
    assert site(run_main, small, "--today", TODAY, "--strict")[0] == 1


def test_a_folder_of_someone_else_is_never_replaced(run_main, small: Path, tmp_path: Path) -> None:
    mine = build_tree(tmp_path / "mine", {"thesis.md": "my own words\n"})
    code, _, err = site(run_main, small, "--today", TODAY, "--out", str(mine))
    assert code == 2
    assert "holds files this command did not write; nothing was written" in err
    assert sorted(p.name for p in mine.iterdir()) == ["thesis.md"]
    # a folder the site wrote is replaced whole: a page that is gone goes
    out = tmp_path / "pages"
    assert site(run_main, small, "--today", TODAY, "--out", str(out))[0] == 0
    (out / "members" / "stale.html").write_text("old")
    assert site(run_main, small, "--today", TODAY, "--out", str(out))[0] == 0
    assert not (out / "members" / "stale.html").exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    code, _, _ = site(run_main, small, "--today", TODAY, "--out", str(mine), "--force")
    assert code == 0 and not (mine / "thesis.md").exists()


def test_an_unignored_site_folder_gets_a_hint(run_main, small: Path) -> None:
    git(small, "init", "-q")
    code, _, err = site(run_main, small, "--today", TODAY)
    assert code == 0
    assert "add '_site/' to .gitignore" in err
    (small / ".gitignore").write_text("_site/\n")
    assert site(run_main, small, "--today", TODAY)[2] == ""


def test_open_opens_the_index(run_main, small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import webbrowser

    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: opened.append(url) or True)
    assert site(run_main, small, "--today", TODAY, "--open")[0] == 0
    assert opened == [(small / "_site" / "index.html").as_uri()]


def test_init_ignores_the_site_folder(run_main, tmp_path: Path) -> None:
    code, _, err = run_main(
        "init", str(tmp_path / "g"), "--name", "G", "--first-meeting", "2026-12-01",
        "--timezone", "UTC", "--member", "ann:Ann:ann@example.org", "--today", "2026-11-20",
    )  # fmt: skip
    assert code == 0, err
    assert "_site/" in (tmp_path / "g" / ".gitignore").read_text().splitlines()


# -- hostile content --------------------------------------------------------------------------

HOSTILE_LINKS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;avascript&colon;alert(1)",
    "javascript&#58;alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "data:image/png;base64,iVBORw0KGgo=",
    "file:///etc/passwd",
    "\x01javascript:alert(1)",
    "//evil.example/share",  # file://evil.example/share from a page opened from the disk
    "/etc/passwd",
    "\\\\evil.example\\share",
]


def hostile_group(root: Path) -> Path:
    make_small_group(root)
    links = "\n".join(f"- [link {i}]({url})" for i, url in enumerate(HOSTILE_LINKS))
    autolinks = "\n".join(f"<{url.strip()}>" for url in HOSTILE_LINKS if " " not in url.strip())
    profile = (root / "members/alice.md").read_text()
    profile = profile.replace(
        "title: Reach 50k monthly recurring revenue",
        "title: '<img src=x onerror=alert(1)>'",
    ).replace("vision: A calm, profitable company", "vision: '{{ 7*7 }} and {% raw %}'")
    profile += (
        "\n<script>alert('body')</script>\n\n<img src=x onerror=alert(2)>\n\n"
        f"{links}\n\n{autolinks}\n\n![tracker](https://example.org/pixel.png)\n"
    )
    (root / "members/alice.md").write_text(profile)
    config = (
        (root / "mastermind.yaml")
        .read_text()
        .replace("name: Bob Example", "name: 'Bob \"</title><script>alert(3)</script>'")
    )
    (root / "mastermind.yaml").write_text(config)
    note = root / "meetings/2026-12-15/bob.md"
    note.write_text(
        note.read_text().replace(
            "walk_away: A script for the announcement", 'walk_away: "{{ 7*7 }} <b>bold</b>"'
        )
        + "<script>alert('note')</script>\n\n<iframe src=https://example.org></iframe>\n"
        "[x](javascript:alert(4))\n"
    )
    return root


@pytest.mark.catalogue
def test_hostile_content_renders_as_inert_text(run_main, tmp_path: Path) -> None:
    root = hostile_group(tmp_path / "hostile")
    code, _, err = site(run_main, root, "--today", TODAY)
    assert code == 0, err
    for path in (root / "_site").rglob("*.html"):
        page = parse(path)
        text = path.read_text()
        assert not {"script", "iframe", "img", "object", "embed"} & set(page.tags), path
        for tag, name, value in page.attributes:
            assert not name.startswith("on"), f"{path}: <{tag} {name}>"
            if name == "href":
                plain = re.sub(r"[\x00-\x20]", "", value).lower()
                assert not plain.startswith(("javascript:", "vbscript:", "data:", "file:"))
        # (what is not a link in Markdown, e.g. a tab inside the target, stays plain text)
        assert not re.search(r"=\s*[\"']?\s*(java\s*script|vbscript|data|file):", text, re.I)
        assert "49" not in "".join(page.text)  # {{ 7*7 }} was never evaluated
    alice = (root / "_site/members/alice.html").read_text()
    assert "&lt;img src=x onerror=alert(1)&gt;" in alice  # the goal title, as text
    assert "<p>{{ 7*7 }} and {% raw %}</p>" in alice
    assert "&lt;script&gt;alert('body')&lt;/script&gt;" in alice
    assert '<a class="unsafe-link">link 0</a>' in alice
    assert "1 note skipped" not in alice
    assert 'href="https://example.org"' in alice  # a safe link is kept
    assert 'rel="noopener noreferrer nofollow"' in alice
    index = (root / "_site/index.html").read_text()
    assert "Bob &#34;&lt;/title&gt;&lt;script&gt;alert(3)&lt;/script&gt;" in index
    meeting = (root / "_site/meetings/2026-12-15.html").read_text()
    assert "{{ 7*7 }} &lt;b&gt;bold&lt;/b&gt;" in meeting
    assert "&lt;iframe" in meeting


@pytest.mark.catalogue
@pytest.mark.parametrize("url", HOSTILE_LINKS)
def test_unsafe_link_schemes_are_refused(url: str) -> None:
    import html as html_module

    from mastermind_kit.site import safe_link

    assert not safe_link(html_module.unescape(url).replace("&colon;", ":"))


@pytest.mark.parametrize(
    "url", ["https://example.org/a?b=c", "http://x", "mailto:a@example.org", "#top", "notes/a.md"]
)
def test_safe_links_are_kept(url: str) -> None:
    from mastermind_kit.site import safe_link

    assert safe_link(url)


# -- helpers ------------------------------------------------------------------------------------


def _tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".mastermind-site"
    }


def _update() -> None:
    import shutil
    import tempfile

    from mastermind_kit.cli import main

    os.environ.update({"NO_COLOR": "1", "TZ": "UTC"})
    with tempfile.TemporaryDirectory() as folder:
        root = make_small_group(Path(folder) / "harbour")
        assert main(["-C", str(root), "site", "--today", TODAY]) == 0
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(root / "_site", GOLDEN, ignore=shutil.ignore_patterns(".mastermind-site"))


if __name__ == "__main__":
    if sys.argv[1:] == ["--update"]:
        _update()
        print("tests/golden/site updated")


# -- where pages may be written ---------------------------------------------------------------


@pytest.mark.parametrize("out", [".", "..", "members", "meetings/x", ".git/pages", "recaps"])
def test_the_repo_and_its_own_folders_are_never_replaced(
    run_main, small: Path, out: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    git(small, "init", "-q")
    (small / "mine.txt").write_text("my own words\n")
    before = sorted(p.relative_to(small.parent).as_posix() for p in small.parent.rglob("*"))
    monkeypatch.chdir(small)
    code, _, err = run_main("site", "--today", TODAY, "--out", out, "--force")
    assert code == 2, err
    assert "nothing was written" in err and "Traceback" not in err
    after = sorted(p.relative_to(small.parent).as_posix() for p in small.parent.rglob("*"))
    assert after == before


def test_disk_trouble_is_one_line(run_main, small: Path, tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    code, _, err = site(run_main, small, "--today", TODAY, "--out", str(tmp_path / "afile/sub"))
    assert code == 2
    assert err.startswith("mastermind: error: cannot write to ")
    assert "Traceback" not in err


def test_an_interrupted_run_leaves_nothing_git_would_pick_up(run_main, small: Path) -> None:
    git(small, "init", "-q")
    (small / ".gitignore").write_text("_site/\n")
    commit(small, "start", when="2026-12-16T10:00:00+01:00")
    # what a run killed while writing leaves: its half-written folder, in .git
    leftover = small / ".git/mastermind-cache/._site.abc123.new"
    (leftover / "members").mkdir(parents=True)
    assert site(run_main, small, "--today", TODAY)[0] == 0
    assert not leftover.exists()
    assert git(small, "status", "--porcelain") == ""


def test_source_date_epoch_out_of_range_is_a_usage_error(
    run_main, small: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "253402214399")  # 9999-12-31
    code, _, err = site(run_main, small)
    assert code == 2 and "SOURCE_DATE_EPOCH" in err and "Traceback" not in err


def test_goal_ids_never_clash_and_a_goal_may_lack_a_metric(run_main, small: Path) -> None:
    profile = small / "members/bob.md"
    profile.write_text(
        "---\nname: Bob Example\ngoals:\n"
        "  - {id: a, title: First, baseline: 1, target: 2}\n"
        "  - {id: a-title, title: Second, metric: m, baseline: 5, target: 1}\n---\n"
    )
    assert site(run_main, small, "--today", TODAY)[0] == 0
    page = parse(small / "_site/members/bob.html")
    text = (small / "_site/members/bob.html").read_text()
    ids = [value for _, name, value in page.attributes if name == "id"]
    assert len(ids) == len(set(ids))
    assert "<p>baseline 1, target 2." in text


def test_names_cannot_reverse_or_hide_text(run_main, small: Path) -> None:
    config = small / "mastermind.yaml"
    config.write_text(
        config.read_text().replace("name: Bob Example", 'name: "Bob \\u202eevil\\e[8m"')
    )
    assert site(run_main, small, "--today", TODAY)[0] == 0
    text = (small / "_site/index.html").read_text()
    assert "\u202e" not in text and "\x1b" not in text
    assert "Bob \\u202eevil\\x1b[8m" in text


def test_a_meeting_of_today_counts_once_it_has_started(run_main, small: Path) -> None:
    (small / "meetings/2026-12-15/bob.md").unlink()
    assert site(run_main, small, "--today", "2026-12-15")[0] == 0  # before 18:00
    assert "missed 0" in (small / "_site/members/bob.html").read_text()
    assert site(run_main, small, "--today", "2026-12-16")[0] == 0
    assert "missed 1" in (small / "_site/members/bob.html").read_text()


def test_an_unreadable_note_is_not_a_missed_meeting(run_main, small: Path) -> None:
    commit_a_broken_note(small)
    assert site(run_main, small, "--today", TODAY)[0] == 0
    assert "missed 0" in (small / "_site/members/bob.html").read_text()
    out = run_main("-C", str(small), "summary", "--today", TODAY, "--format", "json")[1]
    assert json.loads(out)["members"]["bob"]["meetings_missed"] == 0
