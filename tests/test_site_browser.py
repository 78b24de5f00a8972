"""The site in a real browser: headless Chromium opens the pages from file://.

Skipped with a reason when Chromium is not installed; on CI (the CI variable set) a
missing Chromium fails instead (``.ci/run`` installs Debian's chromium package).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from mastermind_kit.demo import build_demo
from mastermind_kit.repo import GroupRepo

from browser import Browser, distinct_colours, is_blank, require_chromium

TODAY = "2026-11-20"
EXPRESSIONS = {
    "svgs": "document.querySelectorAll('svg.chart').length",
    "title": "document.title",
    "h1": "document.querySelector('h1').textContent",
    "overflow": "document.documentElement.scrollWidth - window.innerWidth",
    "banner": "!!document.querySelector('aside.agreement')",
    # a stylesheet the CSP blocked would leave the banner without its background
    "styled": "getComputedStyle(document.querySelector('aside.agreement')).borderLeftStyle",
}


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from mastermind_kit.cli import main

    root = build_demo(tmp_path_factory.mktemp("demo") / "group")
    assert main(["-C", str(root), "site", "--today", TODAY]) == 0
    return root / "_site"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    require_chromium()
    with Browser(width=1200, height=900) as chromium:
        yield chromium


def test_the_index_renders_from_file_with_no_errors(
    browser: Browser, demo_site: Path, tmp_path: Path
) -> None:
    page = browser.load((demo_site / "index.html").as_uri(), expressions=EXPRESSIONS)
    (tmp_path / "index.png").write_bytes(page.png)
    assert page.errors == [] and page.console == []  # CSP violations would be here
    assert (page.width, page.height) == (1200, 900)
    assert not is_blank(page.png) and distinct_colours(page.png) > 20
    values = page.values
    assert values["title"] == "Overview · Speicherstadt Circle"
    assert values["h1"] == "Speicherstadt Circle"
    assert values["svgs"] == 1  # the group's follow-through by quarter
    assert values["banner"] is True and values["styled"] == "solid"
    assert values["overflow"] <= 0


def test_every_member_page_shows_a_chart_per_goal(
    browser: Browser, demo_site: Path, tmp_path: Path
) -> None:
    repo = GroupRepo(demo_site.parent)
    for member in repo.group.members:
        profile = repo.profile(member.id)[0]
        assert profile is not None
        page = browser.load(
            (demo_site / "members" / f"{member.id}.html").as_uri(), expressions=EXPRESSIONS
        )
        (tmp_path / f"{member.id}.png").write_bytes(page.png)
        assert page.errors == [] and page.console == [], member.id
        assert not is_blank(page.png)
        # one chart per goal, and the follow-through by quarter
        assert page.values["svgs"] == len(profile.goals) + 1, member.id
        assert page.values["h1"] == member.name
        assert 'role="img"' in page.html


def test_a_member_page_prints(demo_site: Path, tmp_path: Path) -> None:
    """Chromium's own print to PDF: the page lays out for paper (the print styles hide
    the navigation) and gives pages with the charts on them."""
    import subprocess

    chromium = require_chromium()
    pdf = tmp_path / "maren.pdf"
    done = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            (demo_site / "members" / "maren.html").as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    pages = re.findall(rb"/Type\s*/Page[^s]", data)
    assert len(pages) >= 2  # years of commitments do not fit on one sheet


def test_pages_fit_a_phone(browser: Browser, demo_site: Path, tmp_path: Path) -> None:
    for name in ("index.html", "members/maren.html", "meetings/2026-11-17.html"):
        page = browser.load(
            (demo_site / name).as_uri(), expressions=EXPRESSIONS, width=390, height=844
        )
        (tmp_path / (name.replace("/", "-") + ".phone.png")).write_bytes(page.png)
        assert (page.width, page.height) == (390, 844)
        assert page.errors == [] and page.console == []
        assert not is_blank(page.png)
        assert page.values["overflow"] <= 0, f"{name} scrolls sideways on a phone"


def test_a_meeting_page_and_the_next_agenda_render(browser: Browser, demo_site: Path) -> None:
    for name in ("meetings/2026-11-17.html", "meetings/2026-12-01.html"):
        page = browser.load((demo_site / name).as_uri(), expressions=EXPRESSIONS)
        assert page.errors == [] and page.console == []
        assert not is_blank(page.png)
        assert page.values["h1"].startswith("Meeting of ")
