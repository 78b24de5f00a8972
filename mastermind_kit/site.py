"""``mastermind site``: the group as private static HTML pages.

``pages(workspace, ledger, ...)`` returns every page as text, by relative path:

- ``index.html``: the group, the next meeting, the group's follow-through by quarter,
  open commitments by member, the members and meetings, skipped files;
- ``members/<id>.html``: vision and story, each goal as a chart with a text table,
  follow-through by quarter, every commitment and its fate;
- ``meetings/<date>.html``: every meeting held (its recap, as ``recap.py`` builds it,
  and the members' notes) and the next one (its agenda, as ``agenda.py`` builds it).

Safe to open whatever the members wrote: every template is autoescaped (set here,
not guessed from file names), Markdown is rendered with raw HTML off and only
``http``, ``https`` and ``mailto`` links and relative ones kept, images are not
loaded, and a Content-Security-Policy allows nothing but the page's own stylesheet
(by its hash). No JavaScript, nothing from outside, relative links only, so the pages
work straight from ``file://``. The same input gives the same bytes: "today" is a
parameter (the CLI honours ``SOURCE_DATE_EPOCH``) and nothing else varies.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol

from mastermind_kit import charts, schedule
from mastermind_kit import recap as meeting_recap
from mastermind_kit.ledger import (
    DEFINITIONS,
    Counts,
    Entry,
    Ledger,
    MemberLedger,
    by_quarter,
    forecast_line,
)
from mastermind_kit.model import MemberEntry, Note, Skipped, skipped_line
from mastermind_kit.read import Workspace, recap_view
from mastermind_kit.render import visible
from mastermind_kit.repo import GroupRepo

__all__ = ["CALENDAR", "FOLDER", "INDEX", "MARKER", "Built", "build", "pages"]

INDEX = "index.html"
CALENDAR = "calendar.ics"  # every meeting, as ``mastermind calendar`` writes it
FOLDER = "_site"  # the default, in the group repo; init puts it in .gitignore
MARKER = ".mastermind-site"  # in a folder the site wrote: it may be replaced whole
# Schemes a link in a member's Markdown may use; anything else with a scheme is dropped.
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
LEGEND = (
    "follow_through",
    "by_quarter",
    "open",
    "unreported",
    "goal_progress",
    "forecast",
    "meetings_attended",
    "prepared_on_time",
    "skipped",
)


def safe_link(url: str) -> bool:
    """True for a link a page may carry: relative, or http(s) or mailto. Browsers
    ignore whitespace and control characters inside a scheme (``java\\tscript:``), so
    they are taken out before the scheme is read."""
    plain = _INVISIBLE.sub("", url).lower()
    if plain.startswith(("/", "\\")):
        # "//host/x" and "/etc/passwd" are relative to the page's scheme, which is
        # file: when the pages are opened from the disk: a network share, a local file.
        return False
    match = _SCHEME.match(plain)
    if match is None:
        return ":" not in plain.split("/", 1)[0]  # "a:b" with an odd scheme: refuse
    return match.group(1) in SAFE_SCHEMES


class _Markdown:
    """Member-written Markdown to HTML: CommonMark with raw HTML off, no images (a page
    loads nothing), and links that lead only where ``safe_link`` allows: any other
    link keeps its text and loses its target (an autolink, whose text is the target,
    says so instead)."""

    def __init__(self) -> None:
        from markdown_it import MarkdownIt

        self.md = MarkdownIt("commonmark", {"html": False, "linkify": False})
        self.md.disable("image")
        # Every link is parsed, so that an unsafe one can be disarmed below rather than
        # left in the page as its source text.
        self.md.validateLink = lambda url: True  # type: ignore[method-assign]
        self.md.core.ruler.push("disarm_links", _disarm_links)

        def link_open(renderer: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
            if tokens[idx].attrGet("href") is not None:
                tokens[idx].attrSet("rel", "noopener noreferrer nofollow")
            return str(renderer.renderToken(tokens, idx, options, env))

        self.md.add_render_rule("link_open", link_open)
        self.memo: dict[str, str] = {}

    def __call__(self, text: str | None) -> Any:
        from markupsafe import Markup

        if not text or not text.strip():
            return Markup("")
        found = self.memo.get(text)
        if found is None:
            env: dict[str, Any] = {}
            tokens = self.md.parse(visible(text), env)
            for token in tokens:  # the page has its h1 and h2: a member's "# x" is an h3
                if token.type in ("heading_open", "heading_close"):
                    token.tag = f"h{min(6, int(token.tag[1]) + 2)}"
            found = self.memo[text] = self.md.renderer.render(tokens, self.md.options, env)
        return Markup(found)


def _disarm_links(state: Any) -> None:
    from urllib.parse import unquote

    for block in state.tokens:
        children = block.children or []
        for i, token in enumerate(children):
            if token.type != "link_open":
                continue
            href = str(token.attrGet("href") or "")
            if safe_link(href) and safe_link(unquote(href)):
                continue
            token.attrs.pop("href", None)
            token.attrSet("class", "unsafe-link")
            if token.info == "auto" and i + 1 < len(children):
                children[i + 1].content = "(link removed: not http, https or mailto)"


def output_folder(root: Path, out: Path) -> Path:
    """Where ``--out`` may write: never the group repo, a folder that holds it, its git
    folder or one of its group folders, whatever ``--force`` says (the folder is
    replaced whole)."""
    from mastermind_kit.errors import UsageError
    from mastermind_kit.repo import CONFIG, MEETINGS, MEMBERS, RECAPS

    target = Path(os.path.normpath(out.absolute()))
    real = target.resolve()
    if real == root or root.is_relative_to(real):
        raise UsageError(f"--out {out} is the group repo or holds it; nothing was written")
    if real.is_relative_to(root):
        parts = real.relative_to(root).parts
        if ".git" in parts or parts[0] in (MEMBERS, MEETINGS, RECAPS, "templates", CONFIG):
            raise UsageError(
                f"--out {out} is inside the group's own files; nothing was written",
                hint=f"the default is {FOLDER}/ in the group repo",
            )
    from mastermind_kit.fsutil import refuse_links_in

    refuse_links_in(root, target, out)  # a folder of the repo that is a committed link
    return target


# -- the pages --------------------------------------------------------------------------------


class PageStore(Protocol):
    """Where finished pages are kept by a key of everything they are made from
    (``cache.Shelf``), so that a page whose meeting has not changed is not rendered
    again."""

    def get(self, key: str) -> str | None: ...

    def put(self, key: str, text: str) -> None: ...

    def keep(self, keys: Iterable[str]) -> None: ...


# The modules whose code shapes a page beyond its context: part of every page's key.
_RENDERING_CODE = ("site.py", "charts.py", "render.py")

# Part of every page's key: bump it when the same context would now give another page.
PAGES_VERSION = "1"


@dataclass
class Built:
    files: dict[str, str]  # relative path -> page
    skipped: list[Skipped]


def build(
    repo: GroupRepo,
    *,
    now: dt.datetime,
    progress: Callable[[int, int], None] | None = None,
    store: PageStore | None = None,
) -> Built:
    """Read the group (files and history) and make every page, as of ``now``."""
    from mastermind_kit import ledger as accountability
    from mastermind_kit.read import read_group
    from mastermind_kit.repo import bulk_reading

    with bulk_reading():
        workspace = read_group(repo, history=True)
        ledger = accountability.build(
            workspace, today=schedule.local_date(repo.group, now), now=now
        )
        files = pages(workspace, ledger, now=now, progress=progress, store=store)
    return Built(files, list(workspace.skipped))


def pages(
    workspace: Workspace,
    ledger: Ledger,
    *,
    now: dt.datetime,
    progress: Callable[[int, int], None] | None = None,
    store: PageStore | None = None,
) -> dict[str, str]:
    """Every page of the site by its path relative to the site's folder."""
    return _Site(workspace, ledger, now, progress, store).build()


class _Site:
    def __init__(
        self,
        workspace: Workspace,
        ledger: Ledger,
        now: dt.datetime,
        progress: Callable[[int, int], None] | None,
        store: PageStore | None = None,
    ) -> None:
        self.workspace = workspace
        self.store = store
        self.used: list[str] = []
        self.ledger = ledger
        self.group = workspace.group
        self.now = now
        self.today = ledger.today
        self.progress = progress
        self.markdown = _Markdown()
        self._who: dict[tuple[str, int], dict[str, Any]] = {}
        self.members = {m.id: m for m in self.group.members}
        # The ledger's meetings (the same when it was built with ``now``, as build does).
        self.held = [d for d in ledger.meetings if schedule.start(self.group, d) <= now]
        self.next = schedule.upcoming(self.group, schedule.moment(self.group, now))
        self.entries: dict[str, Entry] = {
            e.commitment.id: e for m in ledger.members.values() for e in m.all_commitments
        }

    @cached_property
    def env(self) -> Any:
        import jinja2

        from mastermind_kit.resources import templates_dir

        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(templates_dir() / "site")),
            autoescape=True,  # every template, whatever its name: pages are HTML
            undefined=jinja2.StrictUndefined,
            finalize=_finalize,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.filters["markdown"] = self.markdown
        env.filters["number"] = meeting_recap.number
        env.filters["percent"] = _percent
        env.filters["fate"] = _fate
        env.globals["anchor"] = anchor
        return env

    def build(self) -> dict[str, str]:
        out: dict[str, str] = {}
        days = [*self.held, *([self.next] if self.next else [])]
        total = len(days) + len(self.group.members) + 1
        done = 0
        for member in self.group.members:
            out[f"members/{member.id}.html"] = self.member_page(member)
            done += 1
            self._progress(done, total)
        for i, day in enumerate(days):
            before = days[i - 1] if i else None
            after = days[i + 1] if i + 1 < len(days) else None
            out[f"meetings/{day.isoformat()}.html"] = self.meeting_page(day, before, after)
            done += 1
            self._progress(done, total)
        out[INDEX] = self.index_page()
        from mastermind_kit import ical

        # Stamped with the day, as every page is: the same date gives the same bytes.
        day = schedule.moment(self.group, self.today)
        out[CALENDAR] = ical.build(group=self.group, now=day).decode("utf-8")
        self._progress(total, total)
        if self.store is not None:
            self.store.keep(self.used)
        return out

    def _progress(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done, total)

    # -- shared parts ---------------------------------------------------------------------

    def render(self, template: str, depth: int, *, dated: bool = True, **context: Any) -> str:
        """A page from ``template``; ``dated`` pages say "as of" today (a held meeting's
        page does not: it stays the same from day to day)."""
        context.update(
            self.shared,
            root="../" * depth,
            today=self.today.isoformat() if dated else None,
        )
        key = None
        if self.store is not None:
            # repr, not JSON: the context holds plain values (dicts built in one order,
            # lists, text, numbers), whose repr is as exact and takes a third of the time.
            values = repr(context)
            key = hashlib.sha256(
                f"{PAGES_VERSION}\0{self.template_key}\0{template}\0{values}".encode(
                    "utf-8", "surrogatepass"
                )
            ).hexdigest()
            self.used.append(key)
            found = self.store.get(key)
            if found is not None:
                return found
        text: str = self.env.get_template(template).render(**context)
        if self.store is not None and key is not None:
            self.store.put(key, text)
        return text

    @cached_property
    def shared(self) -> dict[str, Any]:
        """What every page shows alike, worked out once."""
        return {
            "group": self.group.name,
            "agreement": _paragraphs(self.group.agreement),
            "style": _STYLE,
            "csp": csp(_STYLE),
            "definitions": [(key, DEFINITIONS[key]) for key in LEGEND],
            "skipped_line": skipped_line(self.ledger.skipped) if self.ledger.skipped else "",
        }

    @cached_property
    def template_key(self) -> str:
        """The templates' sources, as one digest: an edited template is a new page."""
        import jinja2
        import markdown_it

        from mastermind_kit import __version__
        from mastermind_kit.resources import templates_dir

        folder = templates_dir() / "site"
        versions = f"{__version__} {jinja2.__version__} {markdown_it.__version__}"
        hasher = hashlib.sha256(versions.encode())
        # The code that turns the context into a page (filters, Markdown, charts) too: a
        # fix to it, or to a library it uses, must reach pages that were kept before it.
        here = Path(__file__).resolve().parent
        sources = [*sorted(folder.glob("*.j2")), *(here / name for name in _RENDERING_CODE)]
        for path in sources:
            hasher.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
        return hasher.hexdigest()

    def who(self, member_id: str, depth: int = 1) -> dict[str, Any]:
        """A member as pages name them: id, name, and a link to their page from a page
        ``depth`` folders down (made once: pages name members thousands of times)."""
        key = (member_id, depth)
        found = self._who.get(key)
        if found is None:
            from markupsafe import Markup

            member = self.members.get(member_id)
            name = visible(member.name if member else member_id)
            link = Markup('<a href="{}members/{}.html">{}</a>').format(
                "../" * depth, member_id, name
            )
            found = self._who[key] = {"id": member_id, "name": name, "link": link}
        return found

    def people(self, member_ids: list[str], depth: int = 1) -> Any:
        from markupsafe import Markup

        if not member_ids:
            return Markup("nobody")
        return Markup(", ").join(self.who(m, depth)["link"] for m in member_ids)

    def entry_row(self, entry: Entry) -> dict[str, Any]:
        commitment = entry.commitment
        return {
            "id": commitment.id,
            "anchor": anchor(commitment.id),
            "member": self.who(commitment.member),
            "meeting": commitment.meeting.isoformat(),
            "text": commitment.text,
            "due": _iso(entry.due),
            "fate": entry.fate,
            "note": entry.report.note if entry.report else None,
            "reported_at": _iso(entry.reported_at),
            "carried_from": commitment.carried_from,
            "carried_anchor": (
                anchor(commitment.carried_from) if commitment.carried_from in self.entries else None
            ),
            "goal": commitment.goal,
        }

    def quarters(self, entries: list[Entry], chart_id: str, title: str) -> dict[str, Any]:
        rows = [_quarter_row(label, counts) for label, counts in by_quarter(entries)]
        chart = charts.rate_chart(
            chart_id=chart_id,
            title=title,
            bars=[(r["label"], r["rate"], r["detail"]) for r in rows],
        )
        return {"rows": rows, "chart": _markup(chart)}

    # -- index ----------------------------------------------------------------------------

    def index_page(self) -> str:
        ledger = self.ledger
        everyone = list(self.entries.values())
        owed: list[dict[str, Any]] = []
        for member in self.group.members:
            mine = ledger.members[member.id]
            rows = [
                self.entry_row(e)
                for e in sorted(mine.all_commitments, key=lambda e: e.commitment.id)
                if e.fate in ("open", "unreported")
            ]
            if rows:
                owed.append({"member": self.who(member.id, 0), "rows": rows})
        members = [self.member_row(ledger.members[m.id]) for m in self.group.members]
        meetings = [
            {
                "date": day.isoformat(),
                "notes": len(self.workspace.notes_on(day)),
                "next": day == self.next,
            }
            for day in reversed([*self.held, *([self.next] if self.next else [])])
        ]
        next_meeting = None
        if self.next is not None:
            start = schedule.start(self.group, self.next)
            next_meeting = {
                "date": self.next.isoformat(),
                "start": start.strftime("%a %Y-%m-%d %H:%M %Z"),
                "prepared": sorted(self.workspace.notes_on(self.next)),
            }
        return self.render(
            "index.html.j2",
            0,
            title="Overview",
            counts=_counts(ledger.counts),
            next_meeting=next_meeting,
            quarters=self.quarters(
                everyone, "group-quarters", "The group's follow-through by quarter"
            ),
            owed=owed,
            members=members,
            meetings=meetings,
            skipped=[s.to_json() for s in ledger.skipped],
        )

    def member_row(self, mine: MemberLedger) -> dict[str, Any]:
        member = mine.member
        everything = Counts.of(mine.all_commitments)
        return {
            "id": member.id,
            "name": member.name,
            "left": _iso(member.left),
            "follow_through": everything.follow_through,
            "made": everything.made,
            "attended": mine.attendance.attended,
            "scheduled": mine.attendance.scheduled - mine.attendance.excused,
            "streak": mine.streak_current,
        }

    # -- a member -------------------------------------------------------------------------

    def member_page(self, member: MemberEntry) -> str:
        mine = self.ledger.members[member.id]
        profile = self.workspace.profiles.get(member.id)
        goals = []
        for position, progress in enumerate(mine.goals, start=1):
            goal = progress.goal
            line = forecast_line(goal, progress.results)
            segment = line if isinstance(line, tuple) else None
            chart = charts.goal_chart(
                chart_id=f"chart-{position}",  # not the goal's id: "a" and "a-title" would clash
                title=visible(goal.title),
                metric=visible(goal.metric),
                unit=visible(goal.unit) if goal.unit else None,
                results=progress.results,
                baseline=goal.baseline,
                target=goal.target,
                due=goal.due,
                forecast=segment,
            )
            goals.append(
                {
                    "id": goal.id,
                    "anchor": f"goal-{goal.id}",
                    "title": goal.title,
                    "metric": goal.metric,
                    "unit": goal.unit,
                    "baseline": goal.baseline,
                    "target": goal.target,
                    "due": _iso(goal.due),
                    "latest": progress.latest,
                    "percent": progress.percent,
                    "forecast": progress.forecast,
                    "results": [
                        {"meeting": day.isoformat(), "value": value}
                        for day, value in progress.results
                    ],
                    "chart": _markup(chart),
                }
            )
        entries = sorted(
            mine.all_commitments, key=lambda e: (e.commitment.meeting, e.commitment.id)
        )
        attendance = mine.attendance
        return self.render(
            "member.html.j2",
            1,
            title=f"{member.name} ({member.id})",
            member={
                "id": member.id,
                "name": member.name,
                "joined": _iso(member.joined),
                "left": _iso(member.left),
            },
            profile=(
                {"vision": profile.vision, "body": profile.body} if profile is not None else None
            ),
            goals=goals,
            quarters=self.quarters(
                mine.all_commitments,
                "member-quarters",
                f"Follow-through of {member.name} by quarter",
            ),
            counts=_counts(Counts.of(mine.all_commitments)),
            attendance={
                "attended": attendance.attended,
                "excused": attendance.excused,
                "missed": attendance.missed,
                "on_time": attendance.prepared_on_time,
                "late": attendance.prepared_late,
                "unknown": attendance.prepared_unknown,
            },
            streak={"current": mine.streak_current, "longest": mine.streak_longest},
            commitments=[self.entry_row(e) for e in reversed(entries)],
        )

    # -- a meeting ------------------------------------------------------------------------

    def meeting_page(self, day: dt.date, before: dt.date | None, after: dt.date | None) -> str:
        from mastermind_kit import agenda as meeting_agenda

        start = schedule.start(self.group, day)
        held = start <= self.now
        notes = self.workspace.notes_on(day)
        context: dict[str, Any] = {
            "title": f"Meeting of {day.isoformat()}",
            "date": day.isoformat(),
            "start": start.strftime("%a %Y-%m-%d %H:%M %Z"),
            "held": held,
            "before": _iso(before),
            "after": _iso(after),
            "notes": [self.note_block(notes[m.id]) for m in self.group.members if m.id in notes],
            "recap": None,
            "agenda": None,
        }
        if held:
            recap = meeting_recap.build(recap_view(self.workspace, day))
            context["recap"] = self.recap_context(recap)
        else:
            plan = meeting_agenda.build(self.workspace.meeting_view(day))
            context["agenda"] = {
                "prepared": self.people(plan.prepared),
                "not_prepared": self.people(plan.not_prepared),
                "excused": self.people([m.id for m in plan.excused]) if plan.excused else None,
                "boxes": [
                    {"start": b.start.strftime("%H:%M"), "minutes": b.minutes, "title": b.title}
                    for b in plan.boxes
                ],
                "order": [
                    {
                        **self.who(s.id),
                        "requested": s.requested,
                        "seated": i < plan.slots,
                        "last": _iso(s.last_hot_seat),
                        "walk_away": s.note.walk_away if s.note else None,
                        "questions": s.note.questions if s.note else [],
                    }
                    for i, s in enumerate(plan.order)
                ],
            }
        return self.render("meeting.html.j2", 1, dated=not held, **context)

    def recap_context(self, recap: Any) -> dict[str, Any]:
        """The recap as ``recap.py`` gives it (its JSON), with links to the members'
        pages and each commitment's fate as of today."""
        data = recap.to_json()

        def people(key: str) -> Any:
            return self.people([m["id"] for m in data[key]]) if data[key] else None

        def fate(commitment_id: str) -> str | None:
            entry = self.entries.get(commitment_id)
            return entry.fate if entry else None

        def linked(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
            return [{**row, **self.who(row["id"])} for row in rows]

        return {
            "attended": self.people([m["id"] for m in data["attended"]]),
            "excused": people("excused"),
            "absent": people("absent"),
            "unreadable": people("unreadable"),
            "hot_seats": linked(data["hot_seats"]),
            "hot_seats_recorded": data["hot_seats_recorded"],
            "walk_aways": linked(data["walk_aways"]),
            "commitments": [
                {**row, "member": self.who(row["id"]), "fate": fate(row["commitment"])}
                for row in data["commitments"]
            ],
            "reports": [{**row, "member": self.who(row["id"])} for row in data["reports"]],
            "results": linked(data["results"]),
        }

    def note_block(self, note: Note) -> dict[str, Any]:
        return {
            **self.who(note.member),
            "walk_away": note.walk_away,
            "questions": note.questions,
            "body": note.body,
        }


# -- small helpers -----------------------------------------------------------------------------


def _finalize(value: Any) -> Any:
    """Every value a template prints: a member's text with its controls made visible;
    our own markup (already safe) as it is."""
    if isinstance(value, str) and not hasattr(value, "__html__"):
        return visible(value)
    return value


def _fate(name: str | None) -> Any:
    from markupsafe import Markup

    if not name:
        return Markup('<span class="muted">–</span>')
    return Markup('<span class="fate fate-{0}">{0}</span>').format(name)


def anchor(commitment_id: str) -> str:
    """An HTML id for a commitment id (``2026-12-01/alice/1`` -> ``c-2026-12-01-alice-1``)."""
    return "c-" + re.sub(r"[^a-z0-9-]", "-", commitment_id.lower())


def csp(style: str) -> str:
    """The pages' Content-Security-Policy: nothing at all, but their own stylesheet."""
    digest = base64.b64encode(hashlib.sha256(style.encode("utf-8")).digest()).decode("ascii")
    return (
        f"default-src 'none'; style-src 'sha256-{digest}'; img-src 'none'; "
        "base-uri 'none'; form-action 'none'"
    )


def _markup(svg: str) -> Any:
    from markupsafe import Markup

    return Markup(svg)  # drawn by charts.py, which escapes every text it is given


def _paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text or "") if p.strip()]


def _counts(counts: Counts) -> dict[str, Any]:
    return {
        "made": counts.made,
        "done": counts.done,
        "partial": counts.partial,
        "missed": counts.missed,
        "dropped": counts.dropped,
        "unreported": counts.unreported,
        "open": counts.open,
        "follow_through": counts.follow_through,
    }


def _quarter_row(label: str, counts: Counts) -> dict[str, Any]:
    counted = counts.done + counts.partial + counts.missed + counts.unreported
    return {
        "label": label,
        "rate": counts.follow_through,
        "detail": f"{counts.done} of {counted} done" if counted else "nothing counted",
        "made": counts.made,
        "done": counts.done,
        "partial": counts.partial,
        "missed": counts.missed,
        "unreported": counts.unreported,
        "dropped": counts.dropped,
        "open": counts.open,
    }


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)}%"


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


_STYLE = """
:root { color-scheme: light; --ink: #1d232b; --muted: #5a6472; --line: #d5dae1;
  --accent: #1f5fa8; --warn: #8a4b00; --bg-note: #f4f6f9; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 62rem; padding: 0 1rem 3rem; color: var(--ink);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header { border-bottom: 1px solid var(--line); padding: 0.75rem 0; }
header .group { font-weight: 600; }
nav a { margin-right: 1rem; }
a { color: var(--accent); }
h1 { font-size: 1.6rem; margin: 1.2rem 0 0.4rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 0.5rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.05rem; margin: 1.4rem 0 0.4rem; }
.agreement { background: var(--bg-note); border-left: 4px solid var(--accent);
  padding: 0.5rem 0.9rem; margin: 1rem 0; font-size: 0.9rem; }
.agreement p { margin: 0.3rem 0; }
.muted, .asof { color: var(--muted); font-size: 0.9rem; }
.warning { color: var(--warn); }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.92rem; }
th, td { border-bottom: 1px solid var(--line); padding: 0.3rem 0.6rem; text-align: left;
  vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.date { white-space: nowrap; }
.fate { font-weight: 600; }
.fate-done { color: #1b6e2d; } .fate-missed, .fate-unreported { color: #a1261c; }
.fate-partial { color: #8a4b00; } .fate-open, .fate-dropped { color: var(--muted); }
svg.chart { width: 100%; height: auto; max-width: 46rem; display: block; }
figure { margin: 0.5rem 0 1rem; }
details { margin: 0.4rem 0; }
details > summary { cursor: pointer; }
.note-body { background: var(--bg-note); padding: 0.2rem 0.9rem; }
.pager { display: flex; justify-content: space-between; margin-top: 2rem; }
.unsafe-link { text-decoration: line-through; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; }
@media (max-width: 40rem) { body { font-size: 15px; padding: 0 0.6rem 2rem; }
  nav a { display: inline-block; margin: 0.2rem 0.8rem 0.2rem 0; } }
@media print { nav, .pager { display: none; } body { max-width: none; }
  a { color: inherit; text-decoration: none; } details { display: block; }
  h2 { break-after: avoid; } figure, table { break-inside: avoid; } }
"""
