"""The whole site's views: cascades per period, teams, the health page and the search index."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..diagnostics import Diagnostic, Severity
from ..export import team_children
from ..graph import active_periods, current_period
from ..model import Objective, Status
from ..periods import Period
from ..selection import periods_with_files
from ..status import ObjectiveStatus, objective_status
from ..tracker import SILENT, Tracker
from ..validate import Loaded
from .changelog import Record, Words
from .pages import Context, objective_url, objective_view, period_url, team_url, unaligned
from .render import markdown, percent
from .views import (
    CascadeGroup,
    CascadeNode,
    Evaluation,
    HealthView,
    KeyResultItem,
    Link,
    ObjectiveView,
    PeriodView,
    SiteView,
    TeamView,
)
from .views import Change as ChangeView


class Collector:
    """Builds every view once; an objective's view is shared by every page that shows it."""

    def __init__(
        self,
        loaded: Loaded,
        as_of: dt.date,
        words: Words | None = None,
        statuses: list[ObjectiveStatus] | None = None,
        tracker: Tracker = SILENT,
    ) -> None:
        self.context = Context(loaded, as_of)
        self.model = loaded.model
        self.periods = periods_with_files(self.model)
        order = {p.id: i for i, p in enumerate(self.periods)}
        unique: dict[str, Objective] = {}
        for objective in self.model.objectives():
            unique.setdefault(objective.ref, objective)  # the first of duplicates (OKR103)
        self.objectives = sorted(unique.values(), key=lambda o: order.get(o.period, len(order)))
        # Keyed by identity: duplicated refs (OKR103) are different objectives.
        known = {id(s.objective): s for s in statuses or []}
        self.statuses = {
            o.ref: known.get(id(o))
            or objective_status(self.context.org, self.context.graph, o, as_of)
            for o in self.objectives
        }
        tracker.start("Collecting objectives", len(self.objectives))
        self.views = {}
        for objective in self.objectives:
            self.views[objective.ref] = objective_view(self.context, self.statuses[objective.ref])
            tracker.advance()
        tracker.finish()
        self.team_children = team_children(self.model.org)
        self.by_team: dict[tuple[str, str], list[ObjectiveView]] = {}
        for o in self.objectives:
            self.by_team.setdefault((o.team, o.period), []).append(self.views[o.ref])
        if words is not None:
            for objective in self.objectives:
                key = (objective.period, objective.team, objective.id)
                _fill_history(self.views[objective.ref], words.get(key, ([], {})))

    def site(self, diagnostics: list[Diagnostic]) -> SiteView:
        org = self.model.org
        current = current_period(self.model, self.context.as_of)
        periods = [self.period(p, current) for p in self.periods]
        name = org.name if org and org.name else "OKRs"
        title = (org.site.get("title") if org else None) or f"{name} OKRs"
        return SiteView(
            title=title,
            organization=name,
            as_of=self.context.as_of.isoformat(),
            current=next((p for p in periods if current and p.id == current.id), None),
            periods=periods,
            teams=[self.team(t) for t in self._team_ids()],
            objectives=[self.views[o.ref] for o in self.objectives],
            health=self.health(diagnostics, current),
        )

    # Periods and their cascades

    def period(self, period: Period, current: Period | None) -> PeriodView:
        ended = period.end < self.context.as_of
        return PeriodView(
            id=period.id,
            url=period_url(period.id),
            start=period.start.isoformat(),
            end=period.end.isoformat(),
            current=current is not None and period.id == current.id,
            ended=ended,
            elapsed=percent(period.elapsed(self.context.as_of)),
            groups=self.cascade(period),
            evaluation=self.evaluation(period) if ended else None,
        )

    def cascade(self, period: Period) -> list[CascadeGroup]:
        """Top objectives of the period grouped under their context, everything aligned beneath."""
        in_period = [o for o in self.objectives if o.period == period.id]
        root = self.model.org.root if self.model.org else None
        tops = [o for o in in_period if self._parent_period(o) != period.id]
        tops.sort(key=lambda o: o.team != root)  # stable: file order otherwise
        seen: set[str] = set()
        groups: dict[tuple[str, ...], CascadeGroup] = {}
        for top in tops:
            chain = self.views[top.ref].breadcrumb
            key = tuple(link.title + (link.url or "") for link in chain)
            group = groups.setdefault(key, CascadeGroup(chain, []))
            group.nodes.append(self._node(top, period, seen))
        # Objectives in an alignment cycle have parents but no top; show them all the same.
        left = [self._node(o, period, seen) for o in in_period if o.ref not in seen]
        if left:
            groups[("",)] = CascadeGroup([], left)
        return list(groups.values())

    def _parent_period(self, objective: Objective) -> str | None:
        target = self.context.graph.parent.get(objective.ref)
        return target.objective.period if target else None

    def _node(self, objective: Objective, period: Period, seen: set[str]) -> CascadeNode:
        seen.add(objective.ref)
        kids = [
            child
            for child in self.context.graph.children.get(objective.ref, [])
            if child.ref not in seen and child.ref in self.views
        ]
        return CascadeNode(
            self.views[objective.ref],
            [self._node(child, period, seen) for child in kids if child.ref not in seen],
            objective.period != period.id,
        )

    def evaluation(self, period: Period) -> Evaluation:
        views = [self.views[o.ref] for o in self.objectives if o.period == period.id]
        return Evaluation(
            scored=[v for v in views if v.score is not None],
            achieved=[v for v in views if v.status == Status.ACHIEVED.value],
            dropped=[v for v in views if v.status == Status.DROPPED.value],
            retrospectives=[v for v in views if v.retrospective],
        )

    # Teams

    def _team_ids(self) -> list[str]:
        if self.model.org is not None:
            return list(self.model.org.teams)
        return sorted({f.team for f in self.model.files if f.team})

    def _team_link(self, team: str) -> Link:
        return Link(self.context.team_name(team), team_url(team), team)

    def team(self, team_id: str) -> TeamView:
        org = self.model.org
        team = org.teams.get(team_id) if org else None
        periods = []
        for period in reversed(self.periods):
            mine = self.by_team.get((team_id, period.id), [])
            if mine:
                periods.append((Link(period.id, period_url(period.id)), mine))
        return TeamView(
            id=team_id,
            name=self.context.team_name(team_id),
            url=team_url(team_id),
            description=markdown(team.description if team else None),
            owners=[self.context.person(h) for h in (team.owners if team else [])],
            parent=self._team_link(team.parent) if team and team.parent else None,
            children=[self._team_link(t) for t in self.team_children.get(team_id, [])],
            periods=periods,
        )

    # Health

    def health(self, diagnostics: list[Diagnostic], current: Period | None) -> HealthView:
        active = {p.id for p in active_periods(self.model, self.context.as_of)}
        live = [o for o in self.objectives if o.period in active]
        root = self.model.org.root if self.model.org else None
        stale, behind = self._late(live)
        return HealthView(
            orphans=[self.views[o.ref] for o in live if unaligned(self.context, o)],
            unsupported=[
                self.views[o.ref]
                for o in live
                if o.team == root
                and o.status is not Status.DROPPED
                and not self.context.graph.supporters.get(o.ref)
            ],
            stale=stale,
            behind=behind,
            teams_without=self._teams_without(current),
            left_out=sorted(s.path for s in self.context.loaded.sources if not s.ok),
            diagnostics=diagnostics,
            errors=sum(d.severity is Severity.ERROR for d in diagnostics),
            warnings=sum(d.severity is Severity.WARNING for d in diagnostics),
        )

    def _late(self, live: list[Objective]) -> tuple[list[KeyResultItem], list[KeyResultItem]]:
        stale: list[KeyResultItem] = []
        behind: list[KeyResultItem] = []
        for objective in live:
            status = self.statuses[objective.ref]
            view = self.views[objective.ref]
            for kr in status.key_results:
                item = KeyResultItem(kr.key_result.title, view.url, view.team_name, view.period, "")
                if kr.stale is not None:
                    last = "no check-in" if not kr.stale.checked_in else f"last {kr.stale.last}"
                    stale.append(_with(item, f"{last}; due {kr.stale.due}"))
                if kr.behind:
                    expected = percent(kr.expected or 0.0)
                    behind.append(_with(item, f"{percent(kr.progress)} of an expected {expected}"))
        return stale, behind

    def _teams_without(self, current: Period | None) -> list[Link]:
        if current is None:
            return []
        busy = {
            o.team
            for o in self.objectives
            if o.period == current.id and o.status is not Status.DROPPED
        }
        return [self._team_link(t) for t in self._team_ids() if t not in busy]


def search_entries(
    loaded: Loaded, as_of: dt.date, statuses: list[ObjectiveStatus]
) -> list[dict[str, Any]]:
    """What the search page finds: each objective that has a page and its key results, in the
    order of ``statuses`` (:func:`export.statuses`, the site's order too), the first of
    duplicated references (OKR103) alone. It needs no view, so that it can be written on the
    other core while the views are built."""
    context = Context(loaded, as_of)
    entries: list[dict[str, Any]] = []
    seen: set[str] = set()
    for status in statuses:
        objective = status.objective
        if objective.ref in seen:
            continue
        seen.add(objective.ref)
        url = objective_url(objective)
        if url is None:
            continue
        where = f"{context.team_name(objective.team)} · {objective.period}"
        entries.append({"kind": "objective", "title": objective.title, "where": where, "url": url})
        entries.extend(
            {
                "kind": "key result",
                "title": kr.key_result.title,
                "where": f"{where} · {objective.title}",
                "url": f"{url}#kr-{kr.key_result.id}",
            }
            for kr in status.key_results
        )
    return entries


def _with(item: KeyResultItem, detail: str) -> KeyResultItem:
    return KeyResultItem(item.title, item.url, item.team, item.period, detail)


def _fill_history(view: ObjectiveView, record: Record) -> None:
    """The objective's commits, newest first, and each key result's last change."""
    history, last = record
    view.history = [ChangeView(*line) for line in history]
    view.last_changed = view.history[0] if view.history else None
    view.kr_changes = {kr_id: ChangeView(*line) for kr_id, line in last.items()}
