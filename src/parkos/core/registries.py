"""The kernel's registries: what apps offer each other without importing each other.

An app fills them in its `AppConfig.ready()`; the kernel, the registry and the readers (cockpit, appraisal)
read them. Each registry is keyed, refuses a key registered twice, and lists its entries in `order`.

- `rule_fields`: facts that policy (and later finance) rules can test, with the column that reads them;
- `enterprise_tabs`: the parts of the enterprise page (一企一档) each app provides;
- `tiles`: cockpit figures with their drill-down;
- `search_providers`: records the header search can find;
- `rating_targets`: services that can be rated (好差评);
- `alert_kinds`: the kinds of inbox notices, with their labels;
- `daily_jobs`: what `parkos daily` (and the scheduler) runs each day;
- `attachment_targets`: records that take attachments, with who may see and add their files;
- `deadline_sources`: open time limits (publication, decision) the zone calendar lists with their lights;
- `appraisal_figures`: zone-level yearly figures the readers (appraisal, the national evaluation) read;
- `slots`: places on one app's page where another app adds a panel (e.g. the chain node's "make leads");
- `evaluation_events`: veto and downgrade events other apps know of (严重失信 from credit) for the 亩均 evaluation;
- `capabilities`: the offices' powers (service centre, supervision office, …) that grants give;
- `list_pages`: every list page (`core.lists.ListPage`), so a test can walk them;
- `workflows`: every state machine (`core.workflow.Workflow`), so pages and tests can walk them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    """Entries of one kind by key; registration happens once per process, in `ready()`."""

    def __init__(self, name: str):
        self.name = name
        self._items: dict[str, T] = {}

    def register(self, item: T) -> T:
        key = item.key  # type: ignore[attr-defined]
        if key in self._items and self._items[key] is not item:
            raise ValueError(f"{self.name}: {key!r} is registered twice")
        self._items[key] = item
        return item

    def get(self, key: str) -> T | None:
        return self._items.get(key)

    def __getitem__(self, key: str) -> T:
        return self._items[key]

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __iter__(self) -> Iterator[T]:
        return iter(sorted(self._items.values(), key=lambda i: (getattr(i, "order", 100), i.key)))  # type: ignore[attr-defined]

    def __len__(self) -> int:
        return len(self._items)

    def keys(self) -> list[str]:
        return [i.key for i in self]  # type: ignore[attr-defined]


def _always(user) -> bool:
    return True


@dataclass(frozen=True)
class RuleField:
    """A fact a rule can test. `column(year, ids)` returns (values, missing) aligned with `ids` for the given
    year; `kind` is bool / number / choice / text; `yearly` fields take a year offset in rules."""

    key: str
    label: Any
    kind: str
    column: Callable[[int, list[int]], tuple[Any, Any]]
    yearly: bool = False
    choices: dict[str, Any] = field(default_factory=dict)
    unit: Any = ""
    order: int = 100


@dataclass(frozen=True)
class EnterpriseTab:
    """A tab of the enterprise page (一企一档): `render(request, enterprise)` returns the partial's HTML, with only
    what the user may see of that enterprise; `visible(user)` says whether the tab is offered at all. The page
    loads each tab by htmx when it is opened (`/enterprises/<pk>/tabs/<key>/`)."""

    key: str
    label: Any
    render: Callable[[Any, Any], Any]
    visible: Callable[[Any], bool] = _always
    order: int = 100


@dataclass(frozen=True)
class Tile:
    """A cockpit figure, counted over what the user may see: `figure(user, period, today)` returns a dict — `value`, `unit`,
    `previous` (the same cut a year earlier) and a `detail` line — equal to the owning app's own figure;
    `url(period)` opens the filtered list behind it; `visible(user)` whether the user's cockpit shows it."""

    key: str
    label: Any
    figure: Callable[..., dict]  # (user, period, today)
    url: Callable[[Any], str] | None = None
    visible: Callable[[Any], bool] = _always
    order: int = 100
    target: bool = False  # the year's target (目标任务) can be set for the whole zone, in the figure's unit
    # … and for each park, when the figure splits by park: `by_park(user, period, today)` → {park id: value}
    by_park: Callable[..., dict] | None = None

    @property
    def park_target(self) -> bool:
        return self.by_park is not None


def tile_memo(user, key: Any, compute: Callable[[], Any]) -> Any:
    """A figure several tiles read (the economy of a period, the projects' rates), computed once per cockpit: kept
    on the user object of the request, which the cockpit empties before it asks the tiles."""
    store = user.__dict__.setdefault("_tile_memo", {})
    if key not in store:
        store[key] = compute()
    return store[key]


def tile_memo_clear(user) -> None:
    user.__dict__.pop("_tile_memo", None)


@dataclass(frozen=True)
class SearchHit:
    kind: str
    label: str
    url: str
    rank: float = 0.0
    detail: str = ""


@dataclass(frozen=True)
class SearchProvider:
    """Records the header search finds: `search(user, term, limit)` returns the user's scoped hits, best first
    (`core.search.matching` ranks them); `more(term)` opens the app's own list searched for the term (its
    pagination and export); `visible(user)` whether the user's search looks here at all."""

    key: str
    label: Any
    search: Callable[[Any, str, int], list[SearchHit]]
    more: Callable[[str], str] | None = None
    visible: Callable[[Any], bool] = _always
    order: int = 100


@dataclass(frozen=True)
class RatingTarget:
    """A service that can be rated (好差评). `describe(user, target_id)` gives (label, url) for the case page — the
    url only when this user may open the record;
    `context(user, target_id, on, window_days)` checks that this user may rate it now (raising the service's own
    `Forbidden`/`Invalid`/`Http404`) and returns whom the rating counts for: enterprise_id, department_id,
    officer_id, category; `already_rated` is the message when it was; `closed_in(year, user or None)`, when the
    service counts in 主动评价率, lists the services finished in the year (id, closed_on, department, officer,
    category), scoped to the user (None: all, for the public figures)."""

    key: str
    label: Any
    describe: Callable[[Any, int], tuple[str, str]]
    context: Callable[[Any, int, dt.date, int], dict]
    already_rated: Any
    closed_in: Callable[[int, Any], list[dict]] | None = None
    # the user's services finished since a date that they may still rate (shown with a rating form), and how one of
    # them reads there: `summary(record)` → (its line, the day it was finished)
    pending: Callable[[Any, dt.date], Any] | None = None
    summary: Callable[[Any], tuple[str, dt.date]] | None = None
    order: int = 100


@dataclass(frozen=True)
class AlertKind:
    """A kind of inbox notice: its label and the app it belongs to."""

    key: str
    label: Any
    app: str
    order: int = 100


@dataclass(frozen=True)
class Deadline:
    """One open time limit as the zone calendar lists it: the day it falls due, what must be done by then, the record's
    page, its light (`core.models.Light`) and a detail line."""

    due: dt.date
    label: str
    url: str
    light: str
    detail: str = ""


@dataclass(frozen=True)
class DeadlineSource:
    """Time limits an app keeps (publication limits, decision limits): `due(user, today, until, limit)` returns the
    user's deadlines not yet met that fall on or before `until` — overdue ones included — as `Deadline`s, soonest
    first, at most `limit`; the zone calendar page lists them together with their lights."""

    key: str
    label: Any
    due: Callable[[Any, dt.date, dt.date, int], list[Deadline]]
    visible: Callable[[Any], bool] = _always
    order: int = 100


@dataclass(frozen=True)
class AttachmentTarget:
    """Records that take attachments: `may_view(user, pk)` whether the user may see the record (and so its
    files), `may_attach(user, pk)` whether they may add files now; `url(pk)` the record's page."""

    key: str
    label: Any
    may_view: Callable[[Any, int], bool]
    may_attach: Callable[[Any, int], bool]
    url: Callable[[int], str]
    order: int = 100


@dataclass(frozen=True)
class DailyJob:
    """`run(today)` does one day's work and returns a line for the log."""

    key: str
    label: Any
    run: Callable[[dt.date], str]
    order: int = 100


@dataclass(frozen=True)
class EvaluationEvents:
    """Events an app knows of that the 亩均 evaluation applies (spec efficiency §veto): `events(year, ids)` returns
    {enterprise id: [event name, …]} for the evaluation of `year` — names from the evaluation's own list
    (严重失信, 数据造假 …); the evaluation keeps those its scheme names as vetoes or downgrades."""

    key: str
    label: Any
    events: Callable[[int, list[int]], dict[int, list[str]]]
    order: int = 100


@dataclass(frozen=True)
class AppraisalFigure:
    """A zone-level yearly figure an app computes over the whole zone (no user scope: a total, never records),
    read by the readers — the internal appraisal and the national evaluation self-assessment. `compute(year)`
    returns the figure in `unit` (a Decimal), or None when the zone has no data for that year; `basis` says how
    it is counted."""

    key: str
    label: Any
    compute: Callable[[int], Any]
    unit: Any = ""
    basis: Any = ""
    order: int = 100
    # figures an app computes together (one pass over its table for a year): `batch(year)` returns them all by key
    batch: Callable[[int], dict[str, Any]] | None = None


class ZoneFigures:
    """Reads `appraisal_figures` for a reader: each (figure, year) computed once, and figures that share a `batch`
    computed together — one pass per app and year however many of its figures a page shows."""

    def __init__(self) -> None:
        self._values: dict[tuple[str, int], Any] = {}
        self._batches: dict[tuple[Any, int], dict[str, Any]] = {}

    def value(self, key: str, year: int) -> Any:
        if (key, year) not in self._values:
            f = appraisal_figures.get(key)
            if f is None:
                v = None
            elif f.batch is not None:
                if (f.batch, year) not in self._batches:
                    self._batches[f.batch, year] = f.batch(year)
                v = self._batches[f.batch, year].get(key)
            else:
                v = f.compute(year)
            self._values[key, year] = v
        return self._values[key, year]


@dataclass(frozen=True)
class SlotPanel:
    """A panel one app adds to a page of another: `render(request, obj)` returns HTML (or '')."""

    key: str
    slot: str
    render: Callable[[Any, Any], str]
    order: int = 100


@dataclass(frozen=True)
class Capability:
    """A power an office holds, granted to a department or a user by a system administrator. `role`, when set,
    limits it to users of that role in the holding department (e.g. the joint-meeting office's administrators)."""

    key: str
    label: Any
    app: str
    description: Any = ""
    role: str | None = None
    order: int = 100


@dataclass(frozen=True)
class EnterpriseDirectory:
    """How the kernel's user management reaches the registry's enterprises (filled by `enterprises`):
    `find(actor, uscc)` an enterprise the actor may see, `may_manage(actor, enterprise)` whether the actor
    looks after it, `link(user, enterprise, invited_by)` / `unlink(user)` an enterprise user's account."""

    key: str
    find: Callable[[Any, str], Any]
    may_manage: Callable[[Any, Any], bool]
    link: Callable[[Any, Any, Any], None]
    unlink: Callable[[Any], None]


rule_fields: Registry[RuleField] = Registry("rule fields")
enterprise_tabs: Registry[EnterpriseTab] = Registry("enterprise tabs")
tiles: Registry[Tile] = Registry("tiles")
search_providers: Registry[SearchProvider] = Registry("search providers")
rating_targets: Registry[RatingTarget] = Registry("rating targets")
alert_kinds: Registry[AlertKind] = Registry("alert kinds")
daily_jobs: Registry[DailyJob] = Registry("daily jobs")
attachment_targets: Registry[AttachmentTarget] = Registry("attachment targets")
deadline_sources: Registry[DeadlineSource] = Registry("deadline sources")
appraisal_figures: Registry[AppraisalFigure] = Registry("appraisal figures")
evaluation_events: Registry[EvaluationEvents] = Registry("evaluation events")
slot_panels: Registry[SlotPanel] = Registry("slot panels")
enterprise_directory: Registry[EnterpriseDirectory] = Registry("enterprise directory")
capabilities: Registry[Capability] = Registry("capabilities")
list_pages: Registry[Any] = Registry("list pages")  # core.lists.ListPage
workflows: Registry[Any] = Registry("workflows")  # core.workflow.Workflow (kept there: it needs the ORM)


def directory() -> EnterpriseDirectory:
    """The one enterprise directory (the registry app registers it)."""
    return enterprise_directory["enterprises"]


@dataclass
class TabSection:
    """One block of an enterprise tab: a table of rows (each a list of `Cell`) with its heading, the message when
    it is empty, a link to the full list and an optional ECharts option."""

    title: Any
    columns: list[Any]
    rows: list[list[Cell]]
    empty: Any = ""
    more: str = ""
    chart: dict | None = None
    note: Any = ""
    chart_id: str = ""


@dataclass
class Cell:
    """A table cell: its text, a link when the user may open the record, a badge colour, right-aligned figures."""

    text: Any
    url: str = ""
    badge: str = ""
    number: bool = False


def render_tab(request, key: str, sections: list[TabSection]) -> str:
    """The HTML of an enterprise tab made of sections (the kernel's one layout for every app's tab)."""
    from django.template.loader import render_to_string

    for i, s in enumerate(sections, start=1):
        s.chart_id = f"tab-{key}-chart-{i}"
    return render_to_string("core/_enterprise_tab.html", {"key": key, "sections": sections}, request=request)


def render_slot(slot: str, request, obj) -> str:
    """The HTML of every panel registered for `slot`, in order (rendered by their templates, which escape)."""
    from django.utils.safestring import mark_safe

    return mark_safe("".join(str(p.render(request, obj)) for p in slot_panels if p.slot == slot))  # noqa: S308
