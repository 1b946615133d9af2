"""The site's page view models: plain dataclasses the templates render, built in ``pages``.

The views carry what a reader sees, already worked out (percentages, flags as words, links as
paths from the site's root), so templates only lay them out. ``history`` and ``last_changed``
are filled by the git history work when it is there; templates show them when present.
An objective's key results are built only when something reads them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

from markupsafe import Markup

from ..diagnostics import Diagnostic
from .render import Markdown


@dataclass(frozen=True)
class Change:
    """One commit that touched an objective or key result."""

    author: str
    date: str
    commit: str
    summary: str
    url: str | None = None


@dataclass(frozen=True)
class Link:
    """Another page, by its path from the site's root (None when it has no page)."""

    title: str
    url: str | None
    detail: str = ""  # team and period, or the key result it names


@dataclass
class CheckInView:
    date: str
    value: str
    confidence: str | None
    note: str | None


@dataclass
class KeyResultView:
    ref: str
    id: str
    title: str
    kind: str
    owners: list[str]
    baseline: str
    goal: str
    current: str
    progress: float  # clamped to [0, 1]
    percent: str
    flags: list[str]
    confidence: str | None
    last_check_in: str | None
    description: Markdown
    chart: Markup
    check_in_items: Markup  # its check-ins as list items, newest first
    make_check_ins: Callable[[], list[CheckInView]] = field(repr=False, compare=False)
    aligned: list[Link] = field(default_factory=list)  # objectives aligned to this key result
    last_changed: Change | None = None

    @functools.cached_property
    def check_ins(self) -> list[CheckInView]:
        """Its check-ins, oldest first, for a template that lays them out itself."""
        return self.make_check_ins()


@dataclass
class Links:
    """An objective's links to other objectives."""

    breadcrumb: list[Link] = field(default_factory=list)  # from the root objective down
    children: list[Link] = field(default_factory=list)
    supports: list[Link] = field(default_factory=list)
    supported_by: list[Link] = field(default_factory=list)


@dataclass
class ObjectiveView:
    ref: str
    id: str
    title: str
    team: str
    team_name: str
    team_url: str | None
    period: str
    period_url: str | None
    url: str | None
    status: str
    owners: list[str]
    own: float
    own_percent: str
    cascade: float
    cascade_percent: str
    has_children: bool
    flags: list[str]
    path: str
    edit_url: str | None
    description: Markdown
    values: list[str]
    reason: str | None
    score: str | None
    retrospective: Markdown
    history: list[Change] = field(default_factory=list)
    last_changed: Change | None = None
    kr_changes: dict[str, Change] = field(default_factory=dict)  # key result id: last change
    # Key results are built on first use, by whichever process renders the objective's page:
    # their charts and check-ins are most of a view's cost, and only that page shows them.
    make_key_results: Callable[[ObjectiveView], list[KeyResultView]] | None = field(
        default=None, repr=False, compare=False
    )
    _key_results: list[KeyResultView] | None = field(default=None, repr=False, compare=False)
    # Its links to other objectives likewise: only its page, and a cascade's top, show them.
    make_links: Callable[[], Links] | None = field(default=None, repr=False, compare=False)
    _links: Links | None = field(default=None, repr=False, compare=False)

    @property
    def key_results(self) -> list[KeyResultView]:
        if self._key_results is None:
            made = self.make_key_results
            self._key_results = made(self) if made is not None else []
        return self._key_results

    @property
    def links(self) -> Links:
        if self._links is None:
            self._links = self.make_links() if self.make_links is not None else Links()
        return self._links

    @property
    def breadcrumb(self) -> list[Link]:
        """The chain of objectives it aligns to, from the root objective down."""
        return self.links.breadcrumb

    @property
    def children(self) -> list[Link]:
        return self.links.children

    @property
    def supports(self) -> list[Link]:
        return self.links.supports

    @property
    def supported_by(self) -> list[Link]:
        return self.links.supported_by

    @property
    def shown(self) -> float:
        """The figure a cascade shows: cascade progress when objectives align beneath it."""
        return self.cascade if self.has_children else self.own

    @property
    def shown_percent(self) -> str:
        return self.cascade_percent if self.has_children else self.own_percent


@dataclass
class CascadeNode:
    objective: ObjectiveView
    children: list[CascadeNode]
    other_period: bool = False  # of another period than the cascade's: shown with its period


@dataclass
class CascadeGroup:
    context: list[Link]  # objectives of enclosing periods above the tops, outermost first
    nodes: list[CascadeNode]


@dataclass
class Evaluation:
    """What an ended period came to."""

    scored: list[ObjectiveView]
    achieved: list[ObjectiveView]
    dropped: list[ObjectiveView]
    retrospectives: list[ObjectiveView]


@dataclass
class PeriodView:
    id: str
    url: str | None
    start: str
    end: str
    current: bool
    ended: bool
    elapsed: str
    groups: list[CascadeGroup]
    evaluation: Evaluation | None


@dataclass
class TeamView:
    id: str
    name: str
    url: str | None
    description: Markdown
    owners: list[str]
    parent: Link | None
    children: list[Link]
    periods: list[tuple[Link, list[ObjectiveView]]]  # newest period first


@dataclass
class KeyResultItem:
    """A key result listed on the health page, with its objective's page."""

    title: str
    url: str | None
    team: str
    period: str
    detail: str


@dataclass
class HealthView:
    orphans: list[ObjectiveView]
    unsupported: list[ObjectiveView]
    stale: list[KeyResultItem]
    behind: list[KeyResultItem]
    teams_without: list[Link]
    left_out: list[str]  # files that could not be read, so are not on the site
    diagnostics: list[Diagnostic]
    errors: int
    warnings: int


@dataclass
class SiteView:
    title: str
    organization: str
    as_of: str
    current: PeriodView | None
    periods: list[PeriodView]
    teams: list[TeamView]
    objectives: list[ObjectiveView]
    health: HealthView
