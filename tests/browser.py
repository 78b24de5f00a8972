"""Drive headless Chromium over the DevTools protocol, for tests that look at rendered pages.

Standard library only. Chromium is started with ``--remote-debugging-pipe``: it reads CDP
messages (JSON, each terminated by a NUL byte) from its fd 3 and writes replies and events to
its fd 4. A tiny Python "reaper" process sits between the test and Chromium: it moves the pipe
ends from its stdin/stdout to fds 3/4 (so no ``preexec_fn``, which is unsafe once threads
exist), starts Chromium in a process group of its own, becomes the Linux "child subreaper" so
Chromium's orphaned helpers (zygotes, renderers) are reparented to it rather than to init, and
exits only when all of them are gone, killing them if Chromium exits or the reaper is sent
SIGTERM. So when ``Browser.close()`` returns, no Chromium process is left, not even a zombie.
If the test process itself dies, Chromium sees EOF on its pipe and exits.

Every wait is bounded by the browser's ``timeout``: a test can fail, but never hang.

    with Browser() as browser:
        page = browser.load(url, width=390, expressions={"links": "document.links.length"})
        assert page.console == [] and page.errors == []
        assert page.values["links"] == 3 and not is_blank(page.png)
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time
import weakref
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import IO, Any

__all__ = [
    "Browser",
    "BrowserError",
    "BrowserTimeoutError",
    "PageLoad",
    "chromium_path",
    "distinct_colours",
    "is_blank",
    "png_pixels",
    "require_chromium",
]

CANDIDATES = ("chromium", "chromium-browser", "google-chrome")

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--mute-audio",
    "--hide-scrollbars",
)

# Run as `python -I -S -c _REAPER PROFILE chromium ARGS...` with the CDP pipe ends as
# stdin/stdout. It removes the PROFILE directory at the end, so that is done even when the
# test process is killed (Chromium then exits on the EOF of its pipe).
_REAPER = """
import ctypes, os, shutil, signal, subprocess, sys
try:  # PR_SET_CHILD_SUBREAPER (Linux): orphaned descendants become our children
    ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)
except (OSError, AttributeError):
    pass
os.dup2(0, 3)  # where --remote-debugging-pipe reads commands
os.dup2(1, 4)  # ... and writes replies and events
null = os.open(os.devnull, os.O_RDONLY)
os.dup2(null, 0)
os.dup2(2, 1)
browser = subprocess.Popen(sys.argv[2:], pass_fds=(3, 4), start_new_session=True)
for fd in (3, 4, null):
    os.close(fd)

def kill(*_):
    # Chromium's process group, and every child of ours: crashpad handlers run in sessions
    # of their own, other helpers are orphans that we adopted.
    targets = [-browser.pid]
    try:
        with open(f"/proc/self/task/{os.getpid()}/children") as children:
            targets += [int(pid) for pid in children.read().split()]
    except OSError:
        pass
    for target in targets:
        try:
            os.kill(target, signal.SIGKILL)
        except OSError:
            pass

signal.signal(signal.SIGTERM, kill)
code = 1
while True:
    try:
        pid, status = os.wait()
    except ChildProcessError:
        break
    if pid == browser.pid:
        code = os.waitstatus_to_exitcode(status)
        kill()  # its helpers are of no use without it
shutil.rmtree(sys.argv[1], ignore_errors=True)
if code < 0:  # die the way Chromium died, so the test sees its signal
    if -code != signal.SIGKILL:
        signal.signal(-code, signal.SIG_DFL)
    os.kill(os.getpid(), -code)
    code = 128 - code
sys.exit(code)
"""

QUIET_SECONDS = 0.2  # after the load event, wait until the page has been silent this long
MAX_QUIET_SECONDS = 2.0  # ... but no longer than this (a busy page must not stall a test)
STDERR_TAIL_LINES = 30
STDERR_TAIL_BYTES = 1 << 16

JSON = dict[str, Any]


class BrowserError(RuntimeError):
    """Chromium failed: it died, refused a command, or a page could not be loaded."""


class BrowserTimeoutError(BrowserError, TimeoutError):
    """A wait on Chromium exceeded the browser's timeout."""


def chromium_path() -> str | None:
    """The Chromium to use: ``$CHROMIUM`` if set, else the first browser found on ``PATH``.

    Returns None when there is none (or ``$CHROMIUM`` names no executable).
    """
    override = os.environ.get("CHROMIUM", "").strip()
    if override:
        return shutil.which(override)
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _truthy_env(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() not in ("", "0", "false", "no")


def require_chromium() -> str:
    """Chromium's path, for tests: skip when absent, but fail on CI (where it must run)."""
    import pytest  # test-only dependency; keep the rest of this module importable without it

    path = chromium_path()
    if path is not None:
        return path
    override = os.environ.get("CHROMIUM", "").strip()
    if override:
        pytest.fail(f"$CHROMIUM is set to {override!r}, which is not an executable")
    if _truthy_env("CI"):
        pytest.fail(
            "Chromium not found, but $CI is set and CI must run the browser tests: install "
            "Debian's chromium package (apt-get install chromium) or set $CHROMIUM to a "
            f"Chromium/Chrome binary (looked for {', '.join(CANDIDATES)} on PATH)"
        )
    pytest.skip(
        "Chromium not found (install Debian's chromium package); or set $CHROMIUM to a "
        f"Chromium/Chrome binary (looked for {', '.join(CANDIDATES)} on PATH)"
    )


# --------------------------------------------------------------------------------------------
# PNG decoding (pure Python, enough for Chromium's screenshots)


def _png_size(png: bytes) -> tuple[int, int]:
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    width, height = struct.unpack(">II", png[16:24])
    return int(width), int(height)


def _add_bytes(a: bytes, b: bytes) -> bytes:
    """Bytewise (a + b) mod 256, as SIMD-within-a-register on two big integers."""
    n = len(a)
    x = int.from_bytes(a, "big")
    y = int.from_bytes(b, "big")
    low = int.from_bytes(b"\x7f" * n, "big")
    high = int.from_bytes(b"\x80" * n, "big")
    return (((x & low) + (y & low)) ^ ((x ^ y) & high)).to_bytes(n, "big")


def _unfilter_row(kind: int, line: bytes, prior: bytes, bpp: int) -> bytes:
    if kind == 0:  # None
        return line
    if kind == 1:  # Sub: a running sum per channel
        row = bytearray(len(line))
        for channel in range(bpp):
            row[channel::bpp] = bytes(map((255).__and__, itertools.accumulate(line[channel::bpp])))
        return bytes(row)
    if kind == 2:  # Up
        return _add_bytes(line, prior)
    row = bytearray(line)
    if kind == 3:  # Average
        for i in range(bpp):
            row[i] = (row[i] + (prior[i] >> 1)) & 255
        for i in range(bpp, len(row)):
            row[i] = (row[i] + ((row[i - bpp] + prior[i]) >> 1)) & 255
        return bytes(row)
    if kind == 4:  # Paeth
        for i in range(bpp):
            row[i] = (row[i] + prior[i]) & 255
        for i in range(bpp, len(row)):
            a = row[i - bpp]
            b = prior[i]
            c = prior[i - bpp]
            pa = abs(b - c)
            pb = abs(a - c)
            pc = abs(a + b - c - c)
            if pa <= pb and pa <= pc:
                predictor = a
            elif pb <= pc:
                predictor = b
            else:
                predictor = c
            row[i] = (row[i] + predictor) & 255
        return bytes(row)
    raise ValueError(f"bad PNG filter type {kind}")


_CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}  # colour type -> samples per pixel (no palettes)


def _png_rows(png: bytes) -> tuple[int, int, int, list[bytes]]:
    """(width, height, channels, unfiltered rows) of an 8-bit, non-interlaced PNG."""
    width, height = _png_size(png)
    pos = 8
    header = b""
    data = bytearray()
    while pos + 8 <= len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind = png[pos + 4 : pos + 8]
        body = png[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            data += body
        elif kind == b"IEND":
            break
        pos += 12 + length
    bit_depth, colour_type, _compression, _filter, interlace = header[8:13]
    if bit_depth != 8 or colour_type not in _CHANNELS or interlace != 0:
        raise ValueError(
            f"unsupported PNG: bit depth {bit_depth}, colour type {colour_type}, "
            f"interlace {interlace} (only 8-bit, non-interlaced grey/RGB/RGBA)"
        )
    channels = _CHANNELS[colour_type]
    stride = width * channels
    raw = zlib.decompress(bytes(data))
    if len(raw) < (stride + 1) * height:
        raise ValueError("truncated PNG image data")
    rows: list[bytes] = []
    prior = bytes(stride)
    for y in range(height):
        start = y * (stride + 1)
        prior = _unfilter_row(raw[start], raw[start + 1 : start + 1 + stride], prior, channels)
        rows.append(prior)
    return width, height, channels, rows


def png_pixels(png: bytes) -> tuple[int, int, list[tuple[int, ...]]]:
    """Decode an 8-bit, non-interlaced RGB/RGBA (or grey) PNG into (width, height, pixels).

    Pixels are row-major tuples with one value per channel (3 for RGB, 4 for RGBA).
    """
    width, height, channels, rows = _png_rows(png)
    pixels: list[tuple[int, ...]] = []
    for row in rows:
        pixels.extend(zip(*(row[c::channels] for c in range(channels)), strict=True))
    return width, height, pixels


def distinct_colours(png: bytes, *, sample: int = 4) -> int:
    """How many different pixel colours there are, looking at every ``sample``-th pixel
    in each direction."""
    if sample < 1:
        raise ValueError("sample must be >= 1")
    _width, _height, channels, rows = _png_rows(png)
    step = channels * sample
    colours: set[tuple[int, ...]] = set()
    for row in rows[::sample]:
        colours.update(zip(*(row[c::step] for c in range(channels)), strict=True))
    return len(colours)


def is_blank(png: bytes) -> bool:
    """True when the image is (nearly) a single colour."""
    return distinct_colours(png) <= 2


# --------------------------------------------------------------------------------------------
# The browser


@dataclass
class PageLoad:
    """What one page load produced."""

    url: str
    png: bytes  # screenshot of the viewport
    width: int  # of the screenshot, from the PNG header
    height: int
    console: list[str]  # console messages at level warning/error: "level: text (url:line)"
    errors: list[str]  # uncaught exceptions, error log entries (CSP!), failed requests
    html: str  # document.documentElement.outerHTML after load
    values: dict[str, Any] = field(default_factory=dict)  # results of load()'s expressions


_NOISE = (
    "dbus/",  # no D-Bus in containers: Chromium complains at length, harmlessly
    "unexpected operator",  # Debian's /usr/bin/chromium wrapper script on some machines
    "/cpufreq/",  # crashpad, in VMs without CPU frequency information
)


def _is_noise(line: str) -> bool:
    return any(marker in line for marker in _NOISE)


def _location(url: str | None, line: int | None) -> str:
    if not url:
        return ""
    return f" ({url}:{line})" if line is not None else f" ({url})"


def _remote_text(arg: JSON) -> str:
    """A console.* argument (a CDP RemoteObject) as text."""
    if "value" in arg:
        value = arg["value"]
        return value if isinstance(value, str) else json.dumps(value)
    if "unserializableValue" in arg:
        return str(arg["unserializableValue"])
    return str(arg.get("description", arg.get("type", "?")))


class _Connection:
    """The CDP pipe: a reader thread files replies by id and events by session."""

    def __init__(self, to_browser: int, from_browser: int, describe_death: Callable[[], str]):
        self._out = to_browser
        self._in = from_browser
        self._describe_death = describe_death
        self._cond = threading.Condition()
        self._replies: dict[int, JSON] = {}
        self._events: dict[str, list[JSON]] = {}  # by session, for the sessions we watch
        self._last_event: dict[str, float] = {}
        self._next_id = 0
        self._closed = False
        self._reader = threading.Thread(target=self._read, name="cdp-reader", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        pending: list[bytes] = []  # the start of a message (screenshots take many reads)
        try:
            while True:
                chunk = os.read(self._in, 1 << 16)
                if not chunk:
                    break
                if b"\0" not in chunk:
                    pending.append(chunk)
                    continue
                *messages, rest = b"".join([*pending, chunk]).split(b"\0")
                pending = [rest]
                with self._cond:
                    for raw in messages:
                        self._file(raw)
                    self._cond.notify_all()
        except OSError:
            pass
        finally:
            with self._cond:
                self._closed = True
                self._cond.notify_all()

    def _file(self, raw: bytes) -> None:
        try:
            message = json.loads(raw)
        except ValueError:
            return
        if "id" in message:
            self._replies[message["id"]] = message
        elif message.get("sessionId") in self._events:
            session = message["sessionId"]
            self._events[session].append(message)
            self._last_event[session] = time.monotonic()

    def _check_alive(self) -> None:
        if self._closed:
            raise BrowserError(f"Chromium closed the DevTools pipe. {self._describe_death()}")

    def call(
        self, method: str, params: JSON | None = None, *, session: str = "", deadline: float
    ) -> JSON:
        """Send one command and wait (until ``deadline``, a monotonic time) for its result."""
        with self._cond:
            self._check_alive()
            self._next_id += 1
            ident = self._next_id
        message: JSON = {"id": ident, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        data = json.dumps(message).encode() + b"\0"
        try:
            while data:  # the pipe is ours alone: only the test's thread writes
                data = data[os.write(self._out, data) :]
        except OSError as error:
            raise BrowserError(
                f"cannot send {method} to Chromium ({error}). {self._describe_death()}"
            ) from None
        with self._cond:
            while ident not in self._replies:
                self._check_alive()
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise BrowserTimeoutError(f"timed out waiting for Chromium to answer {method}")
                self._cond.wait(remaining)
            reply = self._replies.pop(ident)
        if "error" in reply:
            problem = reply["error"]
            detail = f"{problem.get('message')} {problem.get('data', '')}".strip()
            raise BrowserError(f"{method} failed: {detail}")
        result: JSON = reply.get("result", {})
        return result

    def wait_event(
        self, session: str, matches: Callable[[JSON], bool], *, deadline: float, what: str
    ) -> JSON:
        """Wait for an event of ``session`` (already received or still to come)."""
        with self._cond:
            while True:
                for event in self._events.get(session, []):
                    if matches(event):
                        return event
                    if event["method"] == "Inspector.targetCrashed":
                        raise BrowserError(f"the page crashed while waiting for {what}")
                self._check_alive()
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise BrowserTimeoutError(f"timed out waiting for {what}")
                self._cond.wait(remaining)

    def wait_quiet(self, session: str, quiet: float, *, deadline: float) -> None:
        """Wait until ``session`` has sent no event for ``quiet`` seconds (or the deadline)."""
        with self._cond:
            while True:
                self._check_alive()
                now = time.monotonic()
                silent_until = self._last_event.get(session, 0.0) + quiet
                if now >= silent_until or now >= deadline:
                    return
                self._cond.wait(min(silent_until, deadline) - now)

    def watch(self, session: str) -> None:
        """Start collecting the events of ``session``."""
        with self._cond:
            self._events.setdefault(session, [])

    def take_events(self, session: str) -> list[JSON]:
        """The events of ``session`` so far; and stop collecting them."""
        with self._cond:
            self._last_event.pop(session, None)
            return self._events.pop(session, [])

    def close(self, timeout: float) -> None:
        """Close our pipe ends (after Chromium has gone)."""
        self._reader.join(timeout)
        for fd in (self._out, self._in):
            with contextlib.suppress(OSError):
                os.close(fd)


def _exited(process: subprocess.Popen[bytes], timeout: float) -> bool:
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        return False
    return True


def _shutdown(process: subprocess.Popen[bytes], profile: str, grace: float) -> None:
    """Leave no process and no profile behind (also run at garbage collection or exit).

    The reaper exits once Chromium and all its helpers have gone; SIGTERM makes it SIGKILL
    them. Should the reaper itself be stuck, it is killed, and Chromium exits on the EOF of
    its pipe once the caller closes its ends.
    """
    if not _exited(process, grace):
        process.terminate()
        if not _exited(process, 5):
            process.kill()
            _exited(process, 5)
    shutil.rmtree(profile, ignore_errors=True)  # the reaper's job, unless it was killed


class Browser:
    """One headless Chromium, for loading pages one after the other.

    Use as a context manager; Chromium starts on entering and is closed on exit (killed,
    with all its helper processes, if it does not close promptly).
    """

    def __init__(self, *, width: int = 1200, height: int = 900, timeout: float = 30.0) -> None:
        self.width = width
        self.height = height
        self.timeout = timeout
        self._process: subprocess.Popen[bytes] | None = None
        self._connection: _Connection | None = None
        self._stderr: IO[bytes] | None = None  # an anonymous temporary file
        self._finalizer: weakref.finalize[Any, Any] | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def __enter__(self) -> Browser:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def start(self) -> None:
        """Start Chromium (once) and check that it answers on the pipe."""
        if self._process is not None:
            return
        executable = chromium_path()
        if executable is None:
            raise BrowserError("Chromium not found: install Debian's chromium or set $CHROMIUM")
        profile = tempfile.mkdtemp(prefix="browser-test-")
        command = [
            executable,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--window-size={self.width},{self.height}",
            "--remote-debugging-pipe",
            "about:blank",
        ]
        to_child, to_browser = os.pipe()  # we write CDP to to_browser, Chromium reads fd 3
        from_browser, to_parent = os.pipe()  # Chromium writes fd 4, we read from_browser
        stderr = tempfile.TemporaryFile()  # noqa: SIM115 (open while Chromium runs)
        try:
            process = subprocess.Popen(
                [sys.executable, "-I", "-S", "-c", _REAPER, profile, *command],
                stdin=to_child,
                stdout=to_parent,
                stderr=stderr,
                start_new_session=True,  # Ctrl-C in a terminal is for pytest, not for it
                env={**os.environ, "LANG": "C.UTF-8"},
            )
        except BaseException:
            for fd in (to_child, to_browser, from_browser, to_parent):
                os.close(fd)
            stderr.close()
            shutil.rmtree(profile, ignore_errors=True)
            raise
        os.close(to_child)  # only Chromium may hold these, or we never see EOF when it dies
        os.close(to_parent)
        self._process = process
        self._stderr = stderr
        self._finalizer = weakref.finalize(self, _shutdown, process, profile, 0.0)
        self._connection = _Connection(to_browser, from_browser, self._death_notice)
        try:
            self._connection.call("Browser.getVersion", deadline=self._deadline())
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Close Chromium: politely, then by force; remove its profile. Idempotent."""
        process, connection, finalizer = self._process, self._connection, self._finalizer
        if process is None or connection is None or finalizer is None:
            return
        self._connection = None
        try:
            if process.poll() is None:
                with contextlib.suppress(BrowserError):
                    connection.call("Browser.close", deadline=time.monotonic() + 5)
                _exited(process, 5)
        finally:
            finalizer()  # makes sure every process is gone; removes the profile
            connection.close(timeout=5)
            if self._stderr is not None:
                self._stderr.close()

    @property
    def pid(self) -> int | None:
        """Process id of the reaper, the parent of Chromium and (eventually) all its helpers.

        None before start(); kept after close().
        """
        return self._process.pid if self._process is not None else None

    def cdp(self, method: str, params: JSON | None = None) -> JSON:
        """Send a raw DevTools command to the browser target; return its result."""
        return self._conn().call(method, params, deadline=self._deadline())

    def _deadline(self) -> float:
        return time.monotonic() + self.timeout

    def stderr_tail(self, lines: int = STDERR_TAIL_LINES) -> str:
        """The last lines Chromium wrote to stderr (without known noise)."""
        if self._stderr is None or self._stderr.closed:
            return ""
        try:  # pread: Chromium shares the file offset, so it must not move
            fd = self._stderr.fileno()
            size = os.fstat(fd).st_size
            start = max(0, size - STDERR_TAIL_BYTES)
            text = os.pread(fd, size - start, start).decode(errors="replace")
        except OSError:
            return ""
        kept = [line for line in text.splitlines() if not _is_noise(line)]
        return "\n".join(kept[-lines:])

    def _death_notice(self) -> str:
        process = self._process
        status = "is still running"
        if process is not None and _exited(process, 2):
            code = process.returncode  # the reaper passes on how Chromium ended
            status = f"was killed by signal {-code}" if code < 0 else f"exited with status {code}"
        return f"Chromium {status}; its stderr ends with:\n{self.stderr_tail()}"

    def _conn(self) -> _Connection:
        if self._connection is None:
            if self._process is not None:
                raise BrowserError("this Browser has been closed")
            self.start()
        assert self._connection is not None
        return self._connection

    # -- loading pages -----------------------------------------------------------------------

    def load(
        self,
        url: str,
        *,
        expressions: dict[str, str] | None = None,
        width: int | None = None,
        height: int | None = None,
    ) -> PageLoad:
        """Load ``url`` in a fresh tab of ``width`` x ``height`` and report what happened.

        ``expressions`` (name -> JavaScript) are evaluated in the page after it has loaded
        and gone quiet; their JSON-able results (awaited if promises) end up in ``values``.

        Raises BrowserTimeoutError when the page does not load within the browser's timeout
        (closing the tab may take up to 5 s more), BrowserError when Chromium dies, the URL
        cannot be loaded, or an expression throws.
        """
        connection = self._conn()
        try:
            return self._load(connection, url, expressions or {}, width, height)
        except BrowserTimeoutError as error:
            raise BrowserTimeoutError(
                f"{error}, loading {url} (timeout: {self.timeout:g} s)"
            ) from None

    def _load(
        self,
        connection: _Connection,
        url: str,
        expressions: dict[str, str],
        width: int | None,
        height: int | None,
    ) -> PageLoad:
        deadline = self._deadline()
        target = connection.call("Target.createTarget", {"url": "about:blank"}, deadline=deadline)
        target_id = target["targetId"]
        session = ""
        try:
            attached = connection.call(
                "Target.attachToTarget",
                {"targetId": target_id, "flatten": True},
                deadline=deadline,
            )
            session = attached["sessionId"]
            connection.watch(session)
            return self._load_in(connection, session, url, expressions, width, height, deadline)
        finally:
            # even after a timeout: a hung page must not live on in this browser
            with contextlib.suppress(BrowserError):
                connection.call(
                    "Target.closeTarget",
                    {"targetId": target_id},
                    deadline=time.monotonic() + min(self.timeout, 5),
                )
            if session:
                connection.take_events(session)

    def _load_in(
        self,
        connection: _Connection,
        session: str,
        url: str,
        expressions: dict[str, str],
        width: int | None,
        height: int | None,
        deadline: float,
    ) -> PageLoad:
        def call(method: str, params: JSON | None = None) -> JSON:
            return connection.call(method, params, session=session, deadline=deadline)

        # Everything is switched on before navigating, so nothing early is missed.
        for domain in ("Page", "Runtime", "Log", "Network"):
            call(f"{domain}.enable")
        call("Page.setLifecycleEventsEnabled", {"enabled": True})
        call(
            "Emulation.setDeviceMetricsOverride",
            {
                "width": width or self.width,
                "height": height or self.height,
                "deviceScaleFactor": 1,
                "mobile": False,
            },
        )
        navigation = call("Page.navigate", {"url": url})
        if navigation.get("errorText"):
            raise BrowserError(f"cannot load {url}: {navigation['errorText']}")
        loader = navigation.get("loaderId")
        frame = navigation.get("frameId")

        def loaded(event: JSON) -> bool:
            if event["method"] != "Page.lifecycleEvent":
                return False
            params = event["params"]
            return bool(
                params.get("name") == "load"
                and params.get("frameId") == frame
                and params.get("loaderId") == loader
            )

        connection.wait_event(session, loaded, deadline=deadline, what="the load event")
        connection.wait_quiet(
            session, QUIET_SECONDS, deadline=min(deadline, time.monotonic() + MAX_QUIET_SECONDS)
        )

        values: dict[str, Any] = {}
        for name, expression in expressions.items():
            values[name] = self._evaluate(call, expression)
        html = self._evaluate(call, "document.documentElement.outerHTML")
        png = base64.b64decode(call("Page.captureScreenshot", {"format": "png"})["data"])
        png_width, png_height = _png_size(png)
        console, errors = _problems(connection.take_events(session))
        return PageLoad(
            url=url,
            png=png,
            width=png_width,
            height=png_height,
            console=console,
            errors=errors,
            html=str(html),
            values=values,
        )

    @staticmethod
    def _evaluate(call: Callable[[str, JSON], JSON], expression: str) -> Any:
        result = call(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
        )
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            exception = details.get("exception", {})
            message = exception.get("description") or details.get("text")
            raise BrowserError(f"evaluating {expression!r} threw: {message}")
        return result["result"].get("value")


def _problems(events: list[JSON]) -> tuple[list[str], list[str]]:
    """(console, errors) from a page session's events, in the order they happened."""
    console: list[str] = []
    errors: list[str] = []
    requests: dict[str, str] = {}
    for event in events:
        method, params = event["method"], event.get("params", {})
        if method == "Runtime.consoleAPICalled":
            level = {"warning": "warning", "error": "error", "assert": "error"}.get(params["type"])
            if level:
                text = " ".join(_remote_text(arg) for arg in params.get("args", []))
                frames = params.get("stackTrace", {}).get("callFrames", [])
                where = (
                    _location(frames[0].get("url"), frames[0].get("lineNumber", 0) + 1)
                    if frames
                    else ""
                )
                console.append(f"{level}: {text}{where}")
        elif method == "Log.entryAdded":
            entry = params["entry"]
            level = entry.get("level")
            if level in ("warning", "error"):
                line = entry.get("lineNumber")  # 0-based, like all CDP line numbers
                message = f"{level}: {entry.get('text', '')}" + _location(
                    entry.get("url"), None if line is None else line + 1
                )
                console.append(message)
                if level == "error":
                    errors.append(message)
        elif method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            exception = details.get("exception", {})
            description = (
                exception.get("description")  # an Error, with its stack trace
                or (json.dumps(exception["value"]) if "value" in exception else None)  # throw 1
                or details.get("text", "")
            )
            description = str(description).splitlines()[0]
            line = details.get("lineNumber")
            errors.append(
                f"exception: {description}"
                + _location(details.get("url"), None if line is None else line + 1)
            )
        elif method == "Network.requestWillBeSent":
            requests[params["requestId"]] = params["request"]["url"]
        elif method == "Network.loadingFailed":
            url = requests.get(params["requestId"], "?")
            error, reason = params.get("errorText"), params.get("blockedReason")
            errors.append(
                f"network: {url} failed"
                + (f": {error}" if error else "")
                + (f" (blocked: {reason})" if reason else "")
                + (" (canceled)" if params.get("canceled") else "")
            )
    return console, errors
