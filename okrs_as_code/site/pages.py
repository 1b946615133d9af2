"""From the model and its statuses to the site's view models (``views``).

Figures come from ``status``, as in ``okrs tree``, ``okrs report`` and ``okrs export``, so the
site shows the same numbers. Pages exist only for ids that match the id patterns, so every
output path stays inside the output folder.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from markupsafe import Markup, escape

from ..graph import Graph
from ..model import CheckIn, KeyResult, Kind, Objective, Organization
from ..progress import clamp
from ..refs import Target
from ..status import KeyResultStatus, ObjectiveStatus, owners_of
from ..status import unaligned as is_unaligned
from ..validate import Loaded
from . import svg
from .render import goal, has_special, markdown, number, percent, safe_ids, with_unit
from .views import Change, CheckInView, KeyResultView, Link, Links, ObjectiveView


def objective_url(objective: Objective) -> str | None:
    parts = (objective.period, objective.team, objective.id)
    return "objectives/{}/{}/{}.html".format(*parts) if safe_ids(*parts) else None


def team_url(team: str) -> str | None:
    return f"teams/{team}.html" if safe_ids("x", team) else None


def period_url(period: str) -> str | None:
    return f"periods/{period}.html" if safe_ids(period) else None


@dataclass
class Context:
    """What every view builder needs: the loaded repository and the as-of date."""

    loaded: Loaded
    as_of: dt.date

    @property
    def org(self) -> Organization | None:
        return self.loaded.model.org

    @property
    def graph(self) -> Graph:
        return self.loaded.graph

    def team_name(self, team: str) -> str:
        known = self.org.teams.get(team) if self.org else None
        return known.name if known and known.name else team

    def person(self, handle: str) -> str:
        name = (self.org.people or {}).get(handle) if self.org else None
        return f"{name} ({handle})" if name and name != handle else handle

    def edit_url(self, path: str) -> str | None:
        site = self.org.site if self.org else {}
        repo = site.get("repo_url", "").rstrip("/")
        if not repo.lower().startswith(("https://", "http://")):
            return None
        return f"{repo}/edit/{site.get('branch') or 'main'}/{path}"


def link_to(context: Context, target: Target) -> Link:
    objective = target.objective
    detail = f"{context.team_name(objective.team)} · {objective.period}"
    if target.key_result is not None:
        detail += f" · key result: {target.key_result.title}"
    return Link(objective.title, objective_url(objective), detail)


def objective_view(context: Context, status: ObjectiveStatus) -> ObjectiveView:
    """An objective, given its status, with everything its page shows."""
    objective = status.objective
    view = _summary(context, status)
    view.make_links = lambda: Links(
        _breadcrumb(context, objective),
        [link_to(context, Target(c)) for c in context.graph.children.get(objective.ref, [])],
        _supports(context, objective),
        _supported_by(context, objective),
    )
    view.make_key_results = lambda made: [
        _key_result(context, kr, made.kr_changes.get(kr.key_result.id)) for kr in status.key_results
    ]
    return view


def _summary(context: Context, status: ObjectiveStatus) -> ObjectiveView:
    o = status.objective
    return ObjectiveView(
        ref=o.ref,
        id=o.id,
        title=o.title,
        team=o.team,
        team_name=context.team_name(o.team),
        team_url=team_url(o.team),
        period=o.period,
        period_url=period_url(o.period) if context.graph.period(o.period) else None,
        url=objective_url(o),
        status=o.status.value,
        owners=[context.person(h) for h in owners_of(context.org, o)],
        own=clamp(status.own),
        own_percent=percent(status.own),
        cascade=clamp(status.cascade),
        cascade_percent=percent(status.cascade),
        has_children=status.has_children,
        flags=status.flags + (["unaligned"] if unaligned(context, o) else []),
        path=o.where.file,
        edit_url=context.edit_url(o.where.file),
        description=markdown(o.description),
        values=[(context.org.values or {}).get(v, v) if context.org else v for v in o.values],
        reason=o.reason,
        score=number(o.score) if o.score is not None else None,
        retrospective=markdown(o.retrospective),
    )


def unaligned(context: Context, objective: Objective) -> bool:
    return is_unaligned(context.org, context.graph, objective)


def _breadcrumb(context: Context, objective: Objective) -> list[Link]:
    """The chain of parents up to the root objective, outermost first (cycles cut)."""
    chain: list[Link] = []
    seen = {objective.ref}
    target = context.graph.parent.get(objective.ref)
    while target is not None and target.objective.ref not in seen:
        chain.append(link_to(context, target))
        seen.add(target.objective.ref)
        target = context.graph.parent.get(target.objective.ref)
    return chain[::-1]


def _supports(context: Context, objective: Objective) -> list[Link]:
    """The objectives and key results this one names in ``contributes_to``."""
    found = []
    for text in objective.contributes_to:
        target = context.graph.index.resolve(text, objective.period)
        if target is not None and target.objective is not objective:
            found.append(link_to(context, target))
    return found


def _supported_by(context: Context, objective: Objective) -> list[Link]:
    """Objectives (not dropped) that name this one, or one of its key results, in contributes_to."""
    found = []
    for other in context.graph.supporters.get(objective.ref, []):
        for text in other.contributes_to:
            target = context.graph.index.resolve(text, other.period)
            if target is not None and target.objective is objective:
                found.append(_named_by(context, other, target))
    return found


def _named_by(context: Context, other: Objective, target: Target) -> Link:
    link = link_to(context, Target(other))
    if target.key_result is None:
        return link
    return Link(link.title, link.url, f"{link.detail} · for: {target.key_result.title}")


def _key_result(
    context: Context, status: KeyResultStatus, last_changed: Change | None
) -> KeyResultView:
    kr = status.key_result
    # Each check-in's date and value are written once, for its line and its chart point alike.
    shown = [
        (c, c.date.isoformat(), with_unit(number(c.value), kr.unit))
        for c in sorted(kr.check_ins, key=_by_date)
    ]
    return KeyResultView(
        ref=status.ref,
        id=kr.id,
        title=kr.title,
        kind=kr.kind.value,
        owners=[context.person(h) for h in owners_of(context.org, status.objective, kr)],
        baseline=with_unit(number(kr.baseline), kr.unit) if kr.kind is Kind.METRIC else "—",
        goal=goal(kr),
        current=with_unit(number(status.current), kr.unit),
        progress=clamp(status.progress),
        percent=percent(status.progress),
        flags=status.flags,
        confidence=number(status.confidence) if status.confidence is not None else None,
        last_check_in=status.last.date.isoformat() if status.last else None,
        description=markdown(kr.description),
        chart=_chart(context, status, shown),
        check_in_items=_check_in_items(shown),
        make_check_ins=lambda: [
            CheckInView(day, text, None if c.confidence is None else number(c.confidence), c.note)
            for c, day, text in shown
        ],
        aligned=[
            link_to(context, Target(c))
            for c in context.graph.children.get(status.objective.ref, [])
            if context.graph.parent[c.ref].key_result is kr
        ],
        last_changed=last_changed,
    )


def _by_date(check_in: CheckIn) -> dt.date:
    return check_in.date


def _chart(
    context: Context, status: KeyResultStatus, shown: list[tuple[CheckIn, str, str]]
) -> Markup:
    kr, as_of = status.key_result, context.as_of
    points = [
        svg.Point(c.date, c.value, f"{day}: {text}") for c, day, text in shown if c.date <= as_of
    ]
    period = context.graph.period(status.objective.period)
    days = [p.date for p in points] or [as_of]
    start, end = (period.start, period.end) if period else (min(days), max(days))
    target, baseline = _levels(kr)
    return Markup(svg.chart(points, start, end, target, baseline, kr.title))


def _levels(kr: KeyResult) -> tuple[float | None, float | None]:
    """The target line and baseline line a key result's chart draws."""
    if kr.kind is Kind.METRIC:
        return kr.target, kr.baseline
    if kr.kind is Kind.MILESTONE:
        return 1.0, None
    if kr.kind is Kind.KEEP:
        return (kr.keep_at_least if kr.keep_at_least is not None else kr.keep_at_most), None
    return None, None


def _check_in_items(shown: list[tuple[CheckIn, str, str]]) -> Markup:
    """The check-in list's items, newest first, each value and note escaped as the templates
    escape them: written in Python, since a template's loop over them was a third of the
    objective page's rendering (every attribute read and escape in it is a Python call)."""
    values = [text for _, _, text in shown]
    notes = [c.note or "" for c, _, _ in shown]
    if has_special(values):
        values = [str(escape(v)) for v in values]
    if has_special(notes):
        notes = [str(escape(n)) for n in notes]
    items = [
        f'<li><span class="date">{day}</span>: {value}'
        + ("" if c.confidence is None else f" · confidence {number(c.confidence)}")
        + (f' · <span class="note">{note}</span></li>\n' if note else "</li>\n")
        for (c, day, _), value, note in zip(shown, values, notes, strict=True)
    ]
    items.reverse()
    return Markup("".join(items))
