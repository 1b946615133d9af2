"""`okrs tree`: one period's cascade as indented lines with progress bars, teams and flags.

The period's top objectives are those with no parent in the period; an objective of an
enclosing period that they align to is shown above them as context. Beneath each objective
comes everything aligned to it, to any depth (with ``key_results``, its key results too, and
objectives aligned to a key result beneath that key result). The module returns text; colour
is applied through a ``paint`` function the caller passes, so the core never touches a terminal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .cache import Cache
from .graph import Graph
from .model import KeyResult, Kind, Objective, Status
from .periods import Period
from .progress import BEHIND_MARGIN, Memo, clamp
from .refs import Target
from .selection import check_team, choose_period
from .status import KeyResultStatus, key_result_status, objective_status
from .status import unaligned as is_unaligned
from .textfit import fit, one_line, pad, percent, width
from .validate import Loaded, load_repository

Paint = Callable[[str, str], str]  # (text, style) -> text; styles: good, warn, bad, dim
BAR_CELLS = 10
CASCADE_MARK = "Σ"
KEY_RESULT_MARK = "◦"
MIN_TITLE = 12  # a title keeps this many columns; on a narrow terminal the flags are cut first
LEGEND = f"{CASCADE_MARK} cascade progress: the objective and everything aligned beneath it"


@dataclass(frozen=True)
class TreeOptions:
    period: str | None = None
    team: str | None = None
    key_results: bool = False
    width: int = 80


@dataclass(frozen=True)
class _Row:
    lead: str  # the tree drawing
    gauge: str  # bar and percentage; empty for context rows
    title: str
    anchor: str = ""  # team (and period when not the tree's), or a key result's value
    flags: tuple[str, ...] = ()
    tone: str | None = None  # style of the gauge
    dim: bool = False

    @property
    def meta(self) -> str:
        return f"{self.anchor}  {', '.join(self.flags)}" if self.flags else self.anchor


def _plain(text: str, style: str) -> str:
    return text


def tree(
    root: Path,
    as_of: dt.date,
    options: TreeOptions,
    paint: Paint = _plain,
    cache: Cache | None = None,
) -> str:
    """The tree of the repository at ``root``, read as far as its files can be read."""
    return render(load_repository(root, cache=cache), as_of, options, paint)


def render(loaded: Loaded, as_of: dt.date, options: TreeOptions, paint: Paint = _plain) -> str:
    """The tree as text, every line fitted to ``options.width`` columns."""
    model = loaded.model
    period = choose_period(model, options.period, as_of)
    team = check_team(model, options.team) if options.team else None
    rows = list(_View(loaded, as_of, period, options).rows())
    lines = [fit(line, options.width) for line in _header(loaded, period, as_of, team)]
    if rows:
        lines.extend(_layout(rows, options.width, paint))
    else:
        whose = f" for team {team}" if team else ""
        lines.append(f"No objectives{whose} in {period.id}.")
    return "\n".join(lines) + "\n"


def _header(loaded: Loaded, period: Period, as_of: dt.date, team: str | None) -> list[str]:
    org = loaded.model.org
    name = one_line(org.name) if org and org.name else "OKRs"
    elapsed = percent(period.elapsed(as_of))
    lines = [
        f"{name} · {period.id} · {period.start} to {period.end} · {elapsed} elapsed on {as_of}",
        LEGEND,
    ]
    if team:
        lines.append(f"Team {team}: its objectives, what is aligned beneath and the chain above")
    return [*lines, ""]


def _bar(progress: float) -> str:
    filled = int(percent(clamp(progress))[:-1]) * BAR_CELLS // 100
    return "█" * filled + "░" * (BAR_CELLS - filled)


def _gauge(progress: float) -> str:
    return f"{_bar(progress)} {percent(clamp(progress)):>4}"


def _tone(progress: float, expected: float | None) -> str | None:
    """Green on or ahead of the period's pace, yellow a little behind, red when behind."""
    if expected is None:
        return None
    if progress >= expected:
        return "good"
    return "warn" if progress >= expected - BEHIND_MARGIN else "bad"


def _number(value: float) -> str:
    """A value as written in YAML: 3420, 4.69, 99.95 (never 3.42e+03)."""
    text = f"{round(value, 4):f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _with_unit(text: str, unit: str | None) -> str:
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


def _value(kr: KeyResult, current: float | None) -> str:
    """What a key result stands at, as its owner would say it."""
    shown = "—" if current is None else _number(current)
    if kr.kind is Kind.METRIC and kr.target is not None:
        return _with_unit(f"{shown}/{_number(kr.target)}", kr.unit)
    if kr.kind is Kind.KEEP:
        low, high = kr.keep_at_least, kr.keep_at_most
        limit = f"≥ {_number(low)}" if low is not None else f"≤ {_number(high or 0)}"
        return f"{_with_unit(shown, kr.unit)} (keep {limit})"
    if kr.kind is Kind.MILESTONE:
        return "milestone"
    return "not measurable"


class _View:
    """Walks one period's cascade into rows, each objective once."""

    def __init__(self, loaded: Loaded, as_of: dt.date, period: Period, options: TreeOptions):
        self.org = loaded.model.org
        self.graph: Graph = loaded.graph
        self.as_of = as_of
        self.period = period
        self.key_results = options.key_results
        self.objectives = loaded.model.objectives()
        self.keep = self._keep(options.team) if options.team else None
        self.seen: set[str] = set()
        self.memo = Memo()  # each objective's own progress and subtree, for every cascade

    def rows(self) -> Iterator[_Row]:
        groups: dict[tuple[str, ...], tuple[list[Target], list[Objective]]] = {}
        for top in self._tops():
            chain = self._chain(top)
            groups.setdefault(tuple(t.ref for t in chain), (chain, []))[1].append(top)
        for chain, tops in groups.values():
            yield from self._group(chain, tops)
        # Objectives in an alignment cycle have parents but no top; show them all the same.
        for left in self._in_period():
            if left.ref not in self.seen:
                yield from self._group([], [left])

    def _in_period(self) -> list[Objective]:
        return [
            o
            for o in self.objectives
            if o.period == self.period.id and (self.keep is None or o.ref in self.keep)
        ]

    def _tops(self) -> list[Objective]:
        def parent_period(objective: Objective) -> str | None:
            target = self.graph.parent.get(objective.ref)
            return target.objective.period if target else None

        tops = [o for o in self._in_period() if parent_period(o) != self.period.id]
        root = self.org.root if self.org else None
        return sorted(tops, key=lambda o: o.team != root)  # stable: file order otherwise

    def _chain(self, objective: Objective) -> list[Target]:
        """The parents above a top objective, outermost first (cycles cut)."""
        chain: list[Target] = []
        seen = {objective.ref}
        target = self.graph.parent.get(objective.ref)
        while target is not None and target.objective.ref not in seen:
            chain.append(target)
            seen.add(target.objective.ref)
            target = self.graph.parent.get(target.objective.ref)
        return chain[::-1]

    def _keep(self, team: str) -> set[str]:
        """The team's objectives, everything beneath them and the chain above them."""
        keep: set[str] = set()
        mine = [o for o in self.objectives if o.team == team]
        stack = list(mine)
        while stack:
            node = stack.pop()
            if node.ref not in keep:
                keep.add(node.ref)
                stack.extend(self.graph.children.get(node.ref, []))
        for objective in mine:
            keep.update(t.objective.ref for t in self._chain(objective))
        return keep

    def _group(self, chain: list[Target], tops: list[Objective]) -> Iterator[_Row]:
        lead = ""
        for depth, target in enumerate(chain):
            yield _Row(lead, "", self._context(target), dim=True)
            lead = "   " * depth + "└─ "
        indent = "   " * (len(chain) - 1) if chain else None
        if indent is None:
            for top in tops:  # unaligned top objectives: one tree each
                yield from self._objective(top, "", "")
                yield _Row("", "", "")
        else:
            yield from self._branches([*tops], indent, None)
            yield _Row("", "", "")

    def _context(self, target: Target) -> str:
        objective = target.objective
        text = f"{objective.period} {objective.team}: {objective.title}"
        return one_line(f"{text} → {target.key_result.title}" if target.key_result else text)

    def _shown(self, objective: Objective) -> bool:
        return objective.ref not in self.seen and (self.keep is None or objective.ref in self.keep)

    def _children(self, objective: Objective, kr: KeyResult | None) -> list[Objective]:
        """Objectives aligned to the objective itself (kr None) or to one of its key results."""
        found = [c for c in self.graph.children.get(objective.ref, []) if self._shown(c)]
        if not self.key_results:
            return found
        return [c for c in found if self.graph.parent[c.ref].key_result is kr]

    def _branches(
        self, kids: list[Objective | KeyResult], lead: str, owner: Objective | None
    ) -> Iterator[_Row]:
        for index, kid in enumerate(kids):
            last = index == len(kids) - 1
            branch, below = (lead + "└─ ", lead + "   ") if last else (lead + "├─ ", lead + "│  ")
            if isinstance(kid, KeyResult):
                assert owner is not None
                yield from self._key_result(owner, kid, branch, below)
            else:
                yield from self._objective(kid, branch, below)

    def _objective(self, objective: Objective, branch: str, below: str) -> Iterator[_Row]:
        self.seen.add(objective.ref)
        yield self._objective_row(objective, branch)
        kids: list[Objective | KeyResult] = []
        if self.key_results:
            kids.extend(objective.key_results)
        kids.extend(self._children(objective, None))
        yield from self._branches(kids, below, objective)

    def _key_result(
        self, objective: Objective, kr: KeyResult, branch: str, below: str
    ) -> Iterator[_Row]:
        status = key_result_status(self.org, self.graph, objective, kr, self.as_of)
        yield self._key_result_row(status, branch)
        kids: list[Objective | KeyResult] = [*self._children(objective, kr)]
        yield from self._branches(kids, below, objective)

    def _objective_row(self, objective: Objective, lead: str) -> _Row:
        status = objective_status(self.org, self.graph, objective, self.as_of, self.memo)
        shown = status.cascade if status.has_children else status.own
        mark = CASCADE_MARK if status.has_children else " "
        where = objective.team
        if objective.period != self.period.id:
            where += f" {objective.period}"
        flags = status.flags + (["unaligned"] if self._unaligned(objective) else [])
        achieved = objective.status is Status.ACHIEVED
        return _Row(
            lead,
            f"{_gauge(shown)} {mark} ",
            one_line(objective.title),
            one_line(where),
            tuple(flags),
            "good" if achieved else _tone(shown, status.expected),
            dim=objective.status is Status.DROPPED,
        )

    def _key_result_row(self, status: KeyResultStatus, lead: str) -> _Row:
        kr = status.key_result
        return _Row(
            lead,
            f"{KEY_RESULT_MARK} {_gauge(status.progress)} ",
            one_line(kr.title),
            one_line(_value(kr, status.current)),
            tuple(status.flags),
            _tone(status.progress, status.expected),
            dim=status.objective.status is Status.DROPPED,
        )

    def _unaligned(self, objective: Objective) -> bool:
        return is_unaligned(self.org, self.graph, objective)


def _layout(rows: list[_Row], columns: int, paint: Paint) -> list[str]:
    """Rows as lines: titles cut to fit, and the team column aligned where there is room."""
    # The anchors (teams, values) line up in one column; a row whose flags would not fit
    # there moves its anchor left, cutting only its own title shorter.
    with_meta = [r for r in rows if r.meta]
    widest = max((width(r.anchor) for r in with_meta), default=0)
    natural = max((width(r.lead + r.gauge + r.title) + 2 for r in with_meta), default=0)
    column = min(natural, max(columns - widest, columns * 3 // 5))
    lines = [_line(row, column, columns, paint) for row in rows]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _line(row: _Row, column: int, columns: int, paint: Paint) -> str:
    left = width(row.lead + row.gauge)
    if row.meta:
        start = max(min(column, columns - width(row.meta)), left + MIN_TITLE + 2)
        rest = pad(fit(row.title, start - 2 - left), start - left) + row.meta
    else:
        rest = row.title
    # On a narrow terminal the flags give way too, so that no line wraps.
    rest = fit(rest, max(columns - left, 1))
    if row.dim:
        return row.lead + paint(row.gauge + rest, "dim") if row.gauge or rest else row.lead
    gauge = paint(row.gauge, row.tone) if row.tone else row.gauge
    return row.lead + gauge + rest
