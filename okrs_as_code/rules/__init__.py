"""The rule registry: every rule code, its default severity, its check and its documentation.

Each rule is a small function over the resolved model that yields findings; its docstring is its
user documentation, with a failing and a passing example.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..diagnostics import Finding, Severity
from ..graph import Graph
from ..loader import SourceFile
from ..model import Model, Objective, Organization, TeamFile
from ..periods import Period

if TYPE_CHECKING:
    from ..timeline import Timeline


@dataclass
class Context:
    """What a rule can look at."""

    model: Model
    graph: Graph
    as_of: dt.date
    sources: list[SourceFile]
    schema_findings: list[Finding]
    focus: frozenset[str] | None = None  # the files reported on; None: all of them
    history: Timeline | None = None  # committed versions, for the history rules (OKR4xx) alone

    def files(self) -> list[TeamFile]:
        """The team files whose problems are reported: every finding lies in the file of the
        thing it is about, so rules need look closely only at these."""
        every = self.model.files
        return every if self.focus is None else [f for f in every if f.path in self.focus]

    def objectives(self) -> list[Objective]:
        return [objective for file in self.files() for objective in file.objectives]

    @property
    def org(self) -> Organization:
        assert self.model.org is not None, "rules that need the organisation run only with one"
        return self.model.org

    def period(self, period_id: str) -> Period | None:
        return self.graph.period(period_id)

    def is_active(self, period_id: str) -> bool:
        period = self.period(period_id)
        return period is not None and period.contains(self.as_of)


Check = Callable[[Context], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    check: Check
    needs_org: bool

    @property
    def doc(self) -> str:
        return inspect.getdoc(self.check) or ""

    @property
    def summary(self) -> str:
        return self.doc.split("\n\n", 1)[0].replace("\n", " ")


RULES: dict[str, Rule] = {}


def rule(
    code: str, name: str, severity: Severity = Severity.ERROR, *, needs_org: bool = True
) -> Callable[[Check], Check]:
    """Register a check; ``needs_org`` rules are skipped when org.yaml is unreadable."""

    def register(check: Check) -> Check:
        if code in RULES:
            raise ValueError(f"rule {code} registered twice")
        RULES[code] = Rule(code, name, severity, check, needs_org)
        return check

    return register


# The families register their rules on import; the order here is the order of the codes.
from . import files, alignment, measurability, cadence, commitments  # noqa: E402, F401, I001
