"""The resolved organisation: plain dataclasses that rules, reports and the site consume."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import overload

from .diagnostics import Where
from .periods import Period


class Kind(str, Enum):
    METRIC = "metric"
    MILESTONE = "milestone"
    KEEP = "keep"
    UNMEASURABLE = "unmeasurable"


class Status(str, Enum):
    ACTIVE = "active"
    ACHIEVED = "achieved"
    DROPPED = "dropped"


@dataclass(slots=True)
class Cadence:
    """Check-in cadence at one level (policy, team or key result); None where it says nothing."""

    every_days: int | None = None
    grace_days: int | None = None


@dataclass(slots=True)
class Team:
    id: str
    name: str
    parent: str | None
    owners: list[str]
    cadence: Cadence
    where: Where
    description: str | None = None


@dataclass(slots=True)
class Metric:
    id: str
    name: str
    unit: str | None
    owner: str | None
    definition: str | None
    where: Where


@dataclass(slots=True)
class Limits:
    root_objectives: int = 5
    objectives_per_team: int = 5
    key_results_min: int = 1
    key_results_max: int = 5
    max_file_bytes: int = 4 * 1024 * 1024


@dataclass(slots=True)
class Policy:
    cadence: Cadence = field(default_factory=lambda: Cadence(7, 0))
    limits: Limits = field(default_factory=Limits)


@dataclass
class Organization:
    name: str
    teams: dict[str, Team]
    people: dict[str, str] | None  # handle -> display name; None when not declared
    values: dict[str, str] | None
    metrics: dict[str, Metric]
    periods: dict[str, Period]  # custom periods declared in org.yaml
    policy: Policy
    site: dict[str, str]
    path: str = "okrs/org.yaml"

    @functools.cached_property
    def root(self) -> str | None:
        # Cached: rules ask for it once per objective, and teams do not change after loading.
        roots = [team.id for team in self.teams.values() if team.parent is None]
        return roots[0] if len(roots) == 1 else None

    def ancestors(self, team_id: str) -> list[str]:
        """The team's chain of parents, nearest first (cycles cut)."""
        chain: list[str] = []
        current = self.teams.get(team_id)
        while current is not None and current.parent and current.parent not in chain:
            chain.append(current.parent)
            current = self.teams.get(current.parent)
        return chain


@dataclass(slots=True)
class CheckIn:
    date: dt.date
    value: float
    confidence: float | None
    note: str | None
    index: int  # in its key result's list of check-ins: where it is, with the key result's place


class LaterCheckIns(Sequence[CheckIn]):
    """A key result's check-ins, assembled from its file when something first asks for them.

    A rebuild of the site takes every figure of an unchanged file from the cache, so it reads
    check-ins only for the pages it renders; to everything else they are the list they would be.
    """

    __slots__ = ("_items", "_load")

    def __init__(self, load: Callable[[], list[CheckIn]]) -> None:
        self._load: Callable[[], list[CheckIn]] | None = load
        self._items: list[CheckIn] | None = None

    def _list(self) -> list[CheckIn]:
        if self._items is None:
            assert self._load is not None
            self._items, self._load = self._load(), None
        return self._items

    @overload
    def __getitem__(self, index: int) -> CheckIn: ...

    @overload
    def __getitem__(self, index: slice) -> list[CheckIn]: ...

    def __getitem__(self, index: int | slice) -> CheckIn | list[CheckIn]:
        return self._list()[index]

    def __len__(self) -> int:
        return len(self._list())

    def __iter__(self) -> Iterator[CheckIn]:
        return iter(self._list())

    def __eq__(self, other: object) -> bool:
        return self._list() == (list(other) if isinstance(other, Sequence) else other)

    __hash__ = None  # type: ignore[assignment]  # a list's equality, and so unhashable

    def __repr__(self) -> str:
        return repr(self._list())


@dataclass(slots=True)
class KeyResult:
    id: str
    title: str
    kind: Kind
    where: Where
    baseline: float | None = None
    target: float | None = None
    keep_at_least: float | None = None
    keep_at_most: float | None = None
    unit: str | None = None
    metric: str | None = None
    owner: str | None = None
    weight: float = 1.0
    cadence: Cadence = field(default_factory=Cadence)
    check_ins: Sequence[CheckIn] = field(default_factory=list)  # a list, or LaterCheckIns
    description: str | None = None


@dataclass(slots=True)
class Objective:
    id: str
    title: str
    team: str
    period: str
    where: Where
    owner: str | None = None
    aligns_to: str | None = None
    contributes_to: list[str] = field(default_factory=list)
    values: list[str] = field(default_factory=list)
    status: Status = Status.ACTIVE
    reason: str | None = None
    weight: float = 1.0
    description: str | None = None
    score: float | None = None
    retrospective: str | None = None
    key_results: list[KeyResult] = field(default_factory=list)
    # period/team/id, worked out once: the graph, the statuses and the views look it up
    # hundreds of thousands of times on a large organisation.
    ref: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.ref = f"{self.period}/{self.team}/{self.id}"


@dataclass(slots=True)
class TeamFile:
    path: str
    team: str | None
    period: str | None
    objectives: list[Objective]


@dataclass(slots=True)
class Model:
    """Everything that could be read, however broken, for rules and views to work on."""

    org: Organization | None
    files: list[TeamFile]
    periods: dict[str, Period]  # every period used or declared, by id

    def objectives(self) -> list[Objective]:
        return [objective for file in self.files for objective in file.objectives]
