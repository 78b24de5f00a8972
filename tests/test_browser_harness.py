"""Self-tests of tests/browser.py, the headless-Chromium harness for page tests."""

from __future__ import annotations

import base64
import hashlib
import os
import struct
import sys
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from browser import (
    Browser,
    BrowserError,
    BrowserTimeoutError,
    distinct_colours,
    is_blank,
    png_pixels,
    require_chromium,
)

LINUX_PROC = Path("/proc/self/stat").exists()


def descendants(pid: int) -> set[int]:
    """All processes below ``pid`` (from Linux's /proc; empty elsewhere)."""
    if not LINUX_PROC:
        return set()
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        found |= frontier
    return found


def alive(pid: int) -> bool:
    """Whether ``pid`` exists, zombies included."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    require_chromium()
    with Browser(timeout=20) as started:
        yield started
        assert started.pid is not None
        processes = descendants(started.pid) | {started.pid}
    # Closing leaves nothing behind, not even zombies for init to reap.
    assert [pid for pid in processes if alive(pid)] == []


def page(tmp_path: Path, body: str, *, head: str = "", name: str = "page.html") -> str:
    """Write a small HTML page; ``body`` starts on line 9."""
    path = tmp_path / name
    path.write_text(
        f'<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>t</title>\n'
        f"{head}\n</head>\n<body>\n{body}\n</body>\n</html>\n",
        encoding="utf-8",
    )
    return path.as_uri()


def csp(policy: str) -> str:
    return f'<meta http-equiv="Content-Security-Policy" content="{policy}">'


def sha256_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def csp_errors(errors: list[str]) -> list[str]:
    return [error for error in errors if "Content Security Policy" in error]


# --- loading pages ---------------------------------------------------------------------------

STYLE = "body { background: #fdf6e3; color: #073642; font: 20px sans-serif }"
SVG = (
    '<svg width="120" height="120" viewBox="0 0 10 10" aria-hidden="true">'
    '<circle cx="5" cy="5" r="4" fill="#268bd2"/></svg>'
)


def test_strict_csp_page_renders_cleanly(browser: Browser, tmp_path: Path) -> None:
    head = csp(f"default-src 'none'; style-src {sha256_source(STYLE)}") + f"<style>{STYLE}</style>"
    body = f"<h1>Next session</h1>\n{SVG}\n<p>Alice is on the hot seat.</p>"

    load = browser.load(
        page(tmp_path, body, head=head),
        width=800,
        height=600,
        expressions={
            "svgs": "document.querySelectorAll('svg').length",
            "background": "getComputedStyle(document.body).backgroundColor",
        },
    )

    assert load.console == []
    assert load.errors == []
    assert (load.width, load.height) == (800, 600)
    assert not is_blank(load.png)
    assert load.values == {"svgs": 1, "background": "rgb(253, 246, 227)"}  # hashed style applied
    assert "<h1>Next session</h1>" in load.html
    width, height, pixels = png_pixels(load.png)
    assert (width, height) == (800, 600)
    assert pixels[0][:3] == (0xFD, 0xF6, 0xE3)  # the page background, top left
    assert (0x26, 0x8B, 0xD2) in {pixel[:3] for pixel in pixels}  # the svg circle


@pytest.mark.parametrize(
    ("policy", "body", "blocked"),
    [
        ("default-src 'none'", "<style>h1 { color: red }</style><h1>x</h1>", "inline style"),
        (
            "default-src 'none'; img-src 'self'",
            '<img src="https://example.org/x.png" alt="x">',
            "https://example.org/x.png",
        ),
    ],
    ids=["inline-style", "external-image"],
)
def test_csp_violations_are_errors(
    browser: Browser, tmp_path: Path, policy: str, body: str, blocked: str
) -> None:
    load = browser.load(page(tmp_path, body, head=csp(policy)))

    violations = csp_errors(load.errors)
    assert len(violations) == 1, load.errors
    assert violations[0].startswith("error: ")
    assert blocked in violations[0]
    assert f"({load.url}" in violations[0]
    assert violations == csp_errors(load.console)  # also shown as a console error
    if blocked.startswith("https:"):  # and the request shows up as blocked
        assert f"network: {blocked} failed (blocked: csp)" in load.errors


def test_console_errors_warnings_and_exceptions(browser: Browser, tmp_path: Path) -> None:
    body = (
        "<script>\n"
        'console.log("chatter");\n'
        'console.error("boom", 42, {a: 1});\n'
        'console.warn("careful");\n'
        'setTimeout(() => console.error("late"), 50);\n'
        'throw new Error("bang");\n'
        "</script>"
    )
    load = browser.load(page(tmp_path, body, name="noisy.html"))

    assert load.console == [
        f"error: boom 42 Object ({load.url}:11)",
        f"warning: careful ({load.url}:12)",
        f"error: late ({load.url}:13)",  # after the load event
    ]
    assert load.errors == [f"exception: Error: bang ({load.url}:14)"]

    quiet = browser.load(page(tmp_path, "<p>quiet</p>", name="quiet.html"))
    assert (quiet.console, quiet.errors) == ([], [])  # nothing carried over


def test_phone_width(browser: Browser, tmp_path: Path) -> None:
    head = "<style>@media (max-width: 400px) { body { background: #000 } }</style>"
    load = browser.load(
        page(tmp_path, "<h1>Agenda</h1>", head=head),
        width=390,
        height=844,
        expressions={
            "inner": "innerWidth",
            "phone": "matchMedia('(max-width: 400px)').matches",
            "later": "new Promise(resolve => setTimeout(() => resolve('awaited'), 10))",
        },
    )
    assert (load.width, load.height) == (390, 844)
    assert load.values == {"inner": 390, "phone": True, "later": "awaited"}
    assert png_pixels(load.png)[2][0][:3] == (0, 0, 0)


def test_default_viewport_and_solid_page(browser: Browser, tmp_path: Path) -> None:
    head = "<style>html, body { margin: 0; background: rgb(10, 200, 30) }</style>"
    load = browser.load(page(tmp_path, "", head=head))

    assert (load.width, load.height) == (1200, 900)
    started = time.perf_counter()
    width, height, pixels = png_pixels(load.png)
    decode_seconds = time.perf_counter() - started
    assert (width, height, len(pixels)) == (1200, 900, 1200 * 900)
    assert {pixel[:3] for pixel in pixels} == {(10, 200, 30)}
    assert distinct_colours(load.png) == 1
    assert is_blank(load.png)
    assert decode_seconds < 3


def test_failing_expression_is_an_error(browser: Browser, tmp_path: Path) -> None:
    with pytest.raises(BrowserError, match="threw: Error: nope"):
        browser.load(
            page(tmp_path, "<p>x</p>"), expressions={"bad": "(() => { throw new Error('nope') })()"}
        )


def test_missing_file_is_an_error(browser: Browser, tmp_path: Path) -> None:
    with pytest.raises(BrowserError, match=r"cannot load .*absent\.html: net::ERR_FILE_NOT_FOUND"):
        browser.load((tmp_path / "absent.html").as_uri())


@pytest.mark.skipif(not LINUX_PROC, reason="counts processes in Linux's /proc")
def test_timeouts_and_crashes_raise_and_leave_nothing_behind(tmp_path: Path) -> None:
    require_chromium()
    with Browser() as browser:
        assert browser.pid is not None
        browser.timeout = 1
        hang = page(tmp_path, "<script>while (true) {}</script>")
        started = time.monotonic()
        # usually "timed out waiting for the load event"; on a busy machine an earlier step
        with pytest.raises(BrowserTimeoutError, match=r"timed out .* \(timeout: 1 s\)"):
            browser.load(hang)
        assert time.monotonic() - started < 5  # 1 s, and at most 1 s more to close the tab
        browser.timeout = 20
        # the browser is still usable: the hung tab was closed (and its renderer killed)
        assert browser.load(page(tmp_path, "<p>fine</p>", name="fine.html")).errors == []
        processes = descendants(browser.pid)
        assert len(processes) >= 3  # browser, zygotes, renderers, crashpad handlers, ...

        with pytest.raises(BrowserError, match="Chromium was killed by signal"):
            browser.cdp("Browser.crash")
        with pytest.raises(BrowserError, match="stderr ends with"):
            browser.load(page(tmp_path, "<p>x</p>", name="after.html"))
    assert not alive(browser.pid)
    assert [pid for pid in processes if alive(pid)] == []  # not even zombies


def test_require_chromium_skips_or_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    monkeypatch.delenv("CHROMIUM", raising=False)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="install Debian's chromium package"):
        require_chromium()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run the browser tests"):
        require_chromium()
    monkeypatch.setenv("CHROMIUM", sys.executable)
    assert require_chromium() == sys.executable


# --- PNG decoding ----------------------------------------------------------------------------


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def _filter(kind: int, row: bytes, prior: bytes, bpp: int) -> bytes:
    """The encoder's side of a PNG filter, written plainly as in the PNG specification."""
    out = bytearray()
    for i, x in enumerate(row):
        a = row[i - bpp] if i >= bpp else 0
        b = prior[i]
        c = prior[i - bpp] if i >= bpp else 0
        predictor = [0, a, b, (a + b) // 2, _paeth(a, b, c)][kind]
        out.append((x - predictor) % 256)
    return bytes(out)


def make_png(width: int, rows: list[list[tuple[int, ...]]], filters: list[int]) -> bytes:
    channels = len(rows[0][0])
    colour_type = {3: 2, 4: 6}[channels]

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    raw = bytearray()
    prior = bytes(width * channels)
    for pixels, kind in zip(rows, filters, strict=True):
        row = bytes(value for pixel in pixels for value in pixel)
        raw += bytes([kind]) + _filter(kind, row, prior, channels)
        prior = row
    header = struct.pack(">IIBBBBB", width, len(rows), 8, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(raw)))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("channels", [3, 4])
def test_png_pixels_undoes_every_filter(channels: int) -> None:
    width = 7
    filters = [0, 1, 2, 3, 4, 4, 3, 2, 1, 0]
    rows = [
        [
            tuple((x * 37 + y * 91 + c * 53 + x * y * c * 13) % 256 for c in range(channels))
            for x in range(width)
        ]
        for y in range(len(filters))
    ]
    png = make_png(width, rows, filters)

    decoded_width, height, pixels = png_pixels(png)

    assert (decoded_width, height) == (width, len(filters))
    assert pixels == [pixel for row in rows for pixel in row]
    assert distinct_colours(png, sample=1) == len(set(pixels))
    assert not is_blank(png)


def test_distinct_colours_samples_and_is_blank() -> None:
    white: tuple[int, ...] = (255, 255, 255)
    black: tuple[int, ...] = (0, 0, 0)
    rows = [[black if (x, y) == (1, 1) else white for x in range(8)] for y in range(8)]
    png = make_png(8, rows, [1] * 8)
    assert distinct_colours(png, sample=1) == 2
    assert distinct_colours(png, sample=4) == 1  # looks at (0, 0), (4, 0), (0, 4), (4, 4) only
    assert is_blank(png)
    assert is_blank(make_png(2, [[white, white]], [0]))


def test_png_pixels_rejects_what_it_cannot_decode() -> None:
    with pytest.raises(ValueError, match="not a PNG"):
        png_pixels(b"GIF89a" + bytes(30))
    png = make_png(2, [[(1, 2, 3), (4, 5, 6)]], [0])
    interlaced = bytearray(png)
    interlaced[28] = 1  # IHDR interlace method (the CRC is not checked)
    with pytest.raises(ValueError, match="interlace 1"):
        png_pixels(bytes(interlaced))
