"""References between objectives: `team/objective`, `period/team/objective`, an optional `#kr`."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from .model import KeyResult, Objective

_ID = r"[a-z0-9][a-z0-9-]{0,62}"
_REF = re.compile(rf"^(?:([A-Za-z0-9][A-Za-z0-9-]*)/)?({_ID})/({_ID})(?:#({_ID}))?$")


@dataclass(frozen=True)
class Ref:
    period: str | None
    team: str
    objective: str
    key_result: str | None = None


@dataclass(frozen=True)
class Target:
    objective: Objective
    key_result: KeyResult | None = None

    @property
    def ref(self) -> str:
        suffix = f"#{self.key_result.id}" if self.key_result else ""
        return self.objective.ref + suffix


def parse_ref(text: str) -> Ref | None:
    match = _REF.match(text)
    if not match:
        return None
    period, team, objective, key_result = match.groups()
    return Ref(period, team, objective, key_result)


class RefIndex:
    """Every objective by (period, team, id); the first of duplicates wins (OKR103 reports them)."""

    def __init__(self, objectives: list[Objective]) -> None:
        self.by_key: dict[tuple[str, str, str], Objective] = {}
        self._teams: set[str] | None = None  # every team with objectives, once asked for
        for objective in objectives:
            self.by_key.setdefault((objective.period, objective.team, objective.id), objective)

    def resolve(self, text: str, from_period: str) -> Target | None:
        ref = parse_ref(text)
        if ref is None:
            return None
        objective = self.by_key.get((ref.period or from_period, ref.team, ref.objective))
        if objective is None:
            return None
        if ref.key_result is None:
            return Target(objective)
        key_result = next((k for k in objective.key_results if k.id == ref.key_result), None)
        return Target(objective, key_result) if key_result else None

    def suggest(self, text: str, from_period: str) -> str | None:
        """A did-you-mean for an unresolved reference, written as the user would write it."""
        ref = parse_ref(text)
        close = difflib.get_close_matches(text, self.spellings(from_period, ref), n=1, cutoff=0.6)
        if close:
            return f"did you mean '{close[0]}'?"
        if ref is None:
            return None
        period = ref.period or from_period
        ids = sorted(o for p, t, o in self.by_key if p == period and t == ref.team)
        return f"team '{ref.team}' has in {period}: {', '.join(ids)}" if ids else None

    def spellings(self, from_period: str, near: Ref | None = None) -> list[str]:
        """Every objective and key result, short where it is in ``from_period``; with ``near``,
        only those of its team, or when no objective has that team, those of the teams spelt
        like it and those with its objective id.

        A large organisation has tens of thousands of them, and comparing a reference with
        each takes seconds; a misspelt reference nearly always keeps its team or its id.
        """
        names = []
        for (period, team, objective_id), objective in self._near(near):
            base = f"{team}/{objective_id}" if period == from_period else objective.ref
            names.append(base)
            names.extend(f"{base}#{kr.id}" for kr in objective.key_results)
        return names

    def _near(self, ref: Ref | None) -> list[tuple[tuple[str, str, str], Objective]]:
        if ref is None:
            return list(self.by_key.items())
        if self._teams is None:
            self._teams = {team for _, team, _ in self.by_key}
        if ref.team in self._teams:
            return [(key, o) for key, o in self.by_key.items() if key[1] == ref.team]
        teams = set(difflib.get_close_matches(ref.team, sorted(self._teams), n=3, cutoff=0.6))
        return [
            (key, objective)
            for key, objective in self.by_key.items()
            if key[1] in teams or key[2] == ref.objective
        ]


def lookup(index: RefIndex, text: str, current: str | None) -> list[Target]:
    """Targets a command-line reference names; the period may be left out.

    Without a period the reference resolves to its one match across periods, the current
    period's when several match; more than one result means it is ambiguous.
    """
    ref = parse_ref(text)
    if ref is None:
        return []
    periods = [ref.period] if ref.period else sorted({key[0] for key in index.by_key})
    found = [
        target
        for period in periods
        if (target := index.resolve(text if ref.period else f"{period}/{text}", period))
    ]
    in_current = [t for t in found if t.objective.period == current]
    return in_current if len(found) > 1 and in_current else found
