"""Seeded generator of large, valid OKR organisations for the performance benchmark.

    python -m benchmarks.generate --teams 2000 --seed 1 --out /tmp/okrs-2000 [--git-history]

writes ``okrs/org.yaml`` and one ``okrs/2026-Q4/<team>.yaml`` per team: a team tree about eight
wide under the root team ``company``, four objectives of four key results per team, every
objective aligned to one of its parent team's, and ten weekly check-ins per key result from
1 October to 3 December 2026, so that ``okrs validate --as-of 2026-12-10`` has nothing to report.
The same arguments always give byte-identical files.

With ``--git-history`` the output directory is also a git repository whose history adds
``org.yaml`` first and then, week by week, one commit per team with that week's check-ins,
written by a single ``git fast-import``; its work tree ends up byte-identical to the files
written without it. With ``--json`` the same data is also written as JSON under ``json/okrs/``,
the floor that parsing the YAML is measured against.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import textwrap
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from random import Random
from typing import TypeAlias

Data: TypeAlias = str | int | float | bool | list["Data"] | dict[str, "Data"]
Scalar: TypeAlias = str | int | float | bool
# A run of output text and the week whose check-in it holds (0: present from the first week).
Piece: TypeAlias = tuple[int, str]


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _phrases(text: str) -> tuple[str, ...]:
    return tuple(text.split(", "))


PERIOD = "2026-Q4"
PERIOD_START = date(2026, 10, 1)
WEEKS = 10
FAN_OUT = (6, 10)
OBJECTIVES_PER_TEAM = 4
KEY_RESULTS_PER_OBJECTIVE = 4
CATALOGUE_SIZE = 50
ROOT_TEAM = "company"
ORGANISATION = "Northwind Labs"
DOMAIN = "northwind.example"
AUTHOR = "Bench <bench@example.com>"

VALUES = {
    "customer-obsession": "Customer Obsession",
    "craft": "Craft",
    "transparency": "Transparency",
    "ownership": "Ownership",
    "curiosity": "Curiosity",
    "simplicity": "Simplicity",
    "inclusion": "Inclusion",
    "bias-for-action": "Bias for Action",
}

AREAS = _words(
    "payments billing search onboarding identity mobile checkout growth analytics messaging "
    "notifications reporting pricing partners marketplace support security infrastructure "
    "storage data machine-learning design-system docs localisation accessibility compliance "
    "finance people brand content events sales success ads video editor collaboration "
    "integrations developer performance"
)
FUNCTIONS = _words(
    "platform api web apps insights operations experience foundations automation quality "
    "tooling services core labs enablement reliability"
)
FIRST_NAMES = _words(
    "ada alan amara ana arjun beatriz ben carla chen dara david elena emeka farah felix fiona "
    "gabriel grace hana hugo ines isaac jamal jana kai kemi lars leila liam maya mateo mei "
    "nadia niamh noah olga omar priya rafael rosa sam sana sofia tariq tom uma victor wen "
    "yara yusuf zoe"
)
LAST_NAMES = _words(
    "adams ahmed alvarez baker banerjee brown campbell chen costa davies diallo evans "
    "fernandes fischer garcia gonzalez hansen hughes ibrahim ivanova jensen johnson kaur kim "
    "kowalski larsen lopez martin mendes moreau murphy nakamura nguyen novak obi okafor "
    "olsen patel petrov quinn reid rossi santos schmidt silva singh tanaka walsh wang"
)

# (id, name, unit, +1 when higher is better else -1, lowest and highest baseline, decimals)
MetricShape: TypeAlias = tuple[str, str, str, int, float, float, int]
METRIC_SHAPES: tuple[MetricShape, ...] = (
    ("weekly-active-users", "Weekly active users", "users", 1, 2000, 90000, 0),
    ("activation-rate", "Activation rate of new sign-ups", "%", 1, 20, 60, 1),
    ("trial-conversion", "Trial to paid conversion", "%", 1, 5, 25, 1),
    ("net-revenue-retention", "Net revenue retention", "%", 1, 90, 98, 1),
    ("monthly-churn", "Monthly logo churn", "%", -1, 1, 6, 2),
    ("arr", "Annual recurring revenue", "kGBP", 1, 500, 20000, 0),
    ("qualified-pipeline", "Qualified sales pipeline", "kGBP", 1, 200, 8000, 0),
    ("api-latency", "95th percentile API latency", "ms", -1, 150, 900, 0),
    ("error-rate", "Server error rate", "%", -1, 0.2, 3, 2),
    ("page-load", "Median page load time", "s", -1, 1.2, 6, 2),
    ("first-response", "First response time to support tickets", "h", -1, 2, 24, 1),
    ("csat", "Customer satisfaction score", "%", 1, 70, 92, 1),
    ("nps", "Net promoter score", "points", 1, 10, 55, 0),
    ("deploys", "Production deployments per week", "deploys", 1, 5, 60, 0),
    ("lead-time", "Lead time from merge to production", "h", -1, 4, 72, 1),
    ("incidents", "Customer-facing incidents per month", "incidents", -1, 4, 15, 0),
    ("time-to-restore", "Mean time to restore service", "min", -1, 20, 240, 0),
    ("test-coverage", "Automated test coverage", "%", 1, 45, 85, 1),
    ("mqls", "Marketing-qualified leads", "leads", 1, 200, 5000, 0),
    ("cost-per-lead", "Cost per qualified lead", "GBP", -1, 40, 300, 0),
    ("cloud-spend", "Monthly cloud spend", "kGBP", -1, 40, 900, 0),
    ("onboarding-days", "Median onboarding time", "days", -1, 3, 30, 1),
    ("feature-adoption", "Weekly users of new features", "users", 1, 300, 20000, 0),
    ("open-bugs", "Open customer-reported bugs", "bugs", -1, 30, 400, 0),
    ("helpful-docs", "Documentation pages rated helpful", "%", 1, 50, 85, 1),
)
SEGMENTS = (
    ("emea", "EMEA"),
    ("americas", "the Americas"),
    ("apac", "APAC"),
    ("enterprise", "enterprise accounts"),
    ("smb", "small businesses"),
    ("mobile", "the mobile app"),
    ("web", "the web app"),
)
# (id, what is kept, unit, at_least or at_most, threshold, typical distance from it, decimals)
KeepShape: TypeAlias = tuple[str, str, str, str, float, float, int]
KEEP_SHAPES: tuple[KeepShape, ...] = (
    ("api-uptime", "availability of the public API", "%", "at_least", 99.9, 0.06, 2),
    ("support-csat", "support satisfaction", "%", "at_least", 85, 5, 1),
    ("checkout-latency", "99th percentile checkout latency", "ms", "at_most", 800, 150, 0),
    ("error-budget", "the server error rate", "%", "at_most", 1, 0.4, 2),
    ("ticket-backlog", "open support tickets", "tickets", "at_most", 120, 30, 0),
    ("out-of-hours-pages", "out-of-hours pages per week", "pages", "at_most", 5, 2, 0),
    ("coverage-floor", "automated test coverage", "%", "at_least", 80, 4, 1),
    ("gross-margin", "gross margin", "%", "at_least", 70, 5, 1),
)

THINGS = _phrases(
    "onboarding, self-serve billing, the mobile experience, search, reporting, team "
    "collaboration, our public API, data exports, workspace setup, account security, customer "
    "support, release quality, the partner ecosystem, pricing and packaging, product analytics, "
    "the checkout flow, notifications, integrations, page performance, accessibility"
)
AUDIENCES = _phrases(
    "new customers, enterprise admins, small agencies, developers, finance teams, our "
    "customers, our partners, power users, first-time visitors, support agents"
)
MARKETS = ("EMEA", "North America", "APAC", "the mid-market", "the enterprise segment")
QUALITIES = ("fastest", "most trusted", "simplest", "most reliable", "obvious", "most loved")
OBJECTIVE_TITLES = (
    "Make {thing} effortless for {who}",
    "Deliver {thing} that {who} cannot do without",
    "Grow adoption of {thing} across {market}",
    "Rebuild {thing} around what {who} need",
    "Earn the trust of {who} through {thing}",
    "Turn {thing} into a competitive advantage in {market}",
    "Become the {quality} choice for {who}",
    "Cut the cost of {thing} without slowing down {who}",
    "Give {who} {thing} they can rely on every day",
    "Win {market} on the strength of {thing}",
)
MILESTONE_VERBS = ("Ship", "Launch", "Roll out", "Finish", "Complete", "Publish", "Pilot")
MILESTONE_OBJECTS = _phrases(
    "the redesigned billing settings page, single sign-on for enterprise workspaces, "
    "the new onboarding checklist, usage-based pricing, the public status page, "
    "audit logs for admins, the partner referral programme, offline mode for the mobile app, "
    "the self-serve data export, the accessibility fixes from the external audit, "
    "the new search index, two-factor authentication by default, the quarterly security review, "
    "the customer advisory board, the developer portal, the new help centre"
)
ROLLOUTS = ("", "", " to all customers", " in EMEA", " for enterprise accounts", " on Android")
METRIC_TITLES_UP = (
    "Increase {name} from {b} to {t}",
    "Grow {name} from {b} to {t}",
    "Raise {name} to {t}, up from {b}",
)
METRIC_TITLES_DOWN = (
    "Reduce {name} from {b} to {t}",
    "Cut {name} from {b} to {t}",
    "Bring {name} down to {t} from {b}",
)
SOURCES = (
    "the product analytics dashboard",
    "the billing system",
    "the CRM",
    "the support desk",
    "the monitoring service",
    "the data warehouse",
    "the weekly customer survey",
)

NOTE_SUBJECTS = _phrases(
    "The team, Our pilot customers, The new release, Support, The migration, This week's number, "
    "The experiment, Sales, The design review, Traffic from the partner channel, The beta group, "
    "Finance, The on-call rotation, Early adopters, The data pipeline, Our largest customer, "
    "The onboarding flow, Marketing, The vendor, The platform work"
)
NOTE_VERBS = _phrases(
    "moved faster than planned, slipped by a few days, improved steadily, held steady, "
    "picked up again, dipped slightly, recovered well, needed more work than expected, "
    "came in ahead of the forecast, stayed flat"
)
NOTE_REASONS = _phrases(
    "after the pricing change went live, ahead of the holiday code freeze, "
    "because two enterprise deals closed early, while we fixed the flaky integration tests, "
    "once the new dashboard shipped, after a quiet week for incidents, "
    "because half the team was at the offsite, now that the backlog is under control, "
    "thanks to the new help centre articles, while the vendor sorted out their rate limits, "
    "after we simplified the sign-up form, because the campaign launched a week late"
)
NOTE_FOLLOW_UPS = _phrases(
    "we expect the trend to continue next week, confidence is unchanged, "
    "we will review the plan on Monday, the next milestone is still on track, "
    "we asked the platform team for help, one more push is planned before the freeze, "
    "the numbers need a second look, we are watching churn closely"
)

_STOP_WORDS = frozenset(
    _words(
        "a an and the of for to in on with that they can every our into across through "
        "without just up down from around what cannot do"
    )
)
# Text that YAML reads back as the same string without quotes; dates and durations included.
_PLAIN_BLOCK = re.compile(r"[A-Za-z][\w .,'()/&+%@-]*|[0-9]+(?:-[0-9A-Za-z-]*|[dw])", re.ASCII)
_PLAIN_FLOW = re.compile(r"[A-Za-z][\w .'()/&+%@-]*|[0-9]+(?:-[0-9A-Za-z-]*|[dw])", re.ASCII)
_RESERVED = frozenset(("null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE"))
_ALWAYS_QUOTED = frozenset(("note", "definition"))


@dataclass(frozen=True)
class Team:
    """One team of the generated organisation."""

    index: int
    id: str
    name: str
    parent: int | None
    owner: str


@dataclass(frozen=True)
class Organisation:
    """Every generated document: org.yaml's and one per team, in team order."""

    seed: int
    teams: list[Team]
    org: dict[str, Data]
    team_docs: list[dict[str, Data]]


@dataclass(frozen=True)
class Summary:
    """What a run wrote."""

    teams: int
    files: int
    bytes: int
    check_ins: int
    commits: int

    def line(self, out: Path) -> str:
        history = f", {self.commits:,} commits" if self.commits else ""
        return (
            f"{self.teams:,} teams: {self.files:,} files, {self.bytes:,} bytes, "
            f"{self.check_ins:,} check-ins{history} in {out}"
        )


# Organisation: teams, people, the metric catalogue


def build_organisation(teams: int, seed: int) -> Organisation:
    """Generate every document of an organisation of ``teams`` teams from ``seed``."""
    if teams < 2:
        raise ValueError("--teams must be at least 2, so that the root objectives are supported")
    rng = Random(seed)
    team_list = _teams(rng, teams)
    catalogue = _catalogue(rng)
    docs: list[dict[str, Data]] = []
    for team in team_list:
        docs.append(_team_doc(rng, team, team_list, docs, catalogue))
    org = _org_doc(rng, team_list, catalogue)
    return Organisation(seed, team_list, org, docs)


def _teams(rng: Random, count: int) -> list[Team]:
    parents = _tree(rng, count)
    ids = {ROOT_TEAM}
    handles: set[str] = set()
    teams = [Team(0, ROOT_TEAM, ORGANISATION, None, _handle(rng, handles))]
    for index in range(1, count):
        base = f"{rng.choice(AREAS)}-{rng.choice(FUNCTIONS)}"
        team_id = _unique(base, ids)
        name = team_id.replace("-", " ").title()
        teams.append(Team(index, team_id, name, parents[index], _handle(rng, handles)))
    return teams


def _tree(rng: Random, count: int) -> list[int | None]:
    """Parent index of every team, filled breadth-first with a few children each."""
    parents: list[int | None] = [None]
    waiting = deque([0])
    while len(parents) < count:
        parent = waiting.popleft()
        for _ in range(rng.randint(*FAN_OUT)):
            if len(parents) == count:
                break
            waiting.append(len(parents))
            parents.append(parent)
    return parents


def _handle(rng: Random, taken: set[str]) -> str:
    return _unique(f"@{rng.choice(FIRST_NAMES)}.{rng.choice(LAST_NAMES)}", taken, "")


def _unique(base: str, taken: set[str], separator: str = "-") -> str:
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}{separator}{number}"
    taken.add(candidate)
    return candidate


@dataclass(frozen=True)
class Metric:
    """A metric of the catalogue, with the shape of the figures it produces."""

    id: str
    name: str
    shape: MetricShape


def _catalogue(rng: Random) -> list[Metric]:
    pairs = [(shape, segment) for shape in METRIC_SHAPES for segment in SEGMENTS]
    return [
        Metric(f"{shape[0]}-{segment}", f"{shape[1]} ({label})", shape)
        for shape, (segment, label) in rng.sample(pairs, CATALOGUE_SIZE)
    ]


def _org_doc(rng: Random, teams: list[Team], catalogue: list[Metric]) -> dict[str, Data]:
    return {
        "organization": ORGANISATION,
        "teams": {team.id: _team_entry(rng, team, teams) for team in teams},
        "people": {team.owner: _person(team.owner) for team in teams},
        "values": dict(VALUES),
        "metrics": {metric.id: _metric_entry(rng, metric, teams) for metric in catalogue},
        "policy": {
            "cadence": {"check_in_every": "7d", "grace": "2d"},
            "limits": {
                "root_objectives": OBJECTIVES_PER_TEAM,
                "objectives_per_team": OBJECTIVES_PER_TEAM,
                "key_results_per_objective": [KEY_RESULTS_PER_OBJECTIVE, KEY_RESULTS_PER_OBJECTIVE],
            },
            "rules": {},
        },
        "site": {"title": f"{ORGANISATION} OKRs", "base_url": "/"},
    }


def _team_entry(rng: Random, team: Team, teams: list[Team]) -> dict[str, Data]:
    entry: dict[str, Data] = {"name": team.name}
    if team.parent is not None:
        entry["parent"] = teams[team.parent].id
    entry["owners"] = [team.owner]
    entry["description"] = f"Owns {rng.choice(THINGS)} for {rng.choice(AUDIENCES)}."
    return entry


def _person(handle: str) -> dict[str, Data]:
    login = handle[1:]
    first, _, last = login.partition(".")
    last = last.rstrip("0123456789")
    return {"name": f"{first.title()} {last.title()}", "email": f"{login}@{DOMAIN}"}


def _metric_entry(rng: Random, metric: Metric, teams: list[Team]) -> dict[str, Data]:
    return {
        "name": metric.name,
        "unit": metric.shape[2],
        "owner": rng.choice(teams).id,
        "definition": f"{metric.name}, measured weekly from {rng.choice(SOURCES)}.",
    }


# Team files: objectives, key results, check-ins


def _team_doc(
    rng: Random,
    team: Team,
    teams: list[Team],
    docs: list[dict[str, Data]],
    catalogue: list[Metric],
) -> dict[str, Data]:
    parent_objectives = _objectives_of(docs[team.parent]) if team.parent is not None else []
    # Each objective takes a different parent objective, so every parent objective is supported.
    parent_order = rng.sample(range(OBJECTIVES_PER_TEAM), OBJECTIVES_PER_TEAM)
    taken: set[str] = set()
    objectives: list[Data] = []
    for number in range(OBJECTIVES_PER_TEAM):
        aligns_to = None
        if team.parent is not None:
            parent = parent_objectives[parent_order[number]]
            aligns_to = _reference(rng, teams[team.parent].id, parent, 0.2)
        contributes = _contributions(rng, team, teams, docs)
        objectives.append(_objective(rng, team, taken, aligns_to, contributes, catalogue))
    return {"team": team.id, "period": PERIOD, "objectives": objectives}


def _objectives_of(doc: dict[str, Data]) -> list[dict[str, Data]]:
    objectives = doc["objectives"]
    assert isinstance(objectives, list)
    return [objective for objective in objectives if isinstance(objective, dict)]


def _reference(rng: Random, team_id: str, objective: dict[str, Data], to_kr: float) -> str:
    reference = f"{team_id}/{objective['id']}"
    if rng.random() < to_kr:
        key_results = objective["key_results"]
        assert isinstance(key_results, list)
        key_result = rng.choice(key_results)
        assert isinstance(key_result, dict)
        reference += f"#{key_result['id']}"
    return reference


def _contributions(
    rng: Random, team: Team, teams: list[Team], docs: list[dict[str, Data]]
) -> list[Data]:
    """Cross-team support, to objectives of teams generated earlier other than the parent."""
    candidates = team.index - (0 if team.parent is None else 1)
    if candidates < 1 or rng.random() >= 0.12:
        return []
    references: list[Data] = []
    for _ in range(rng.randint(1, 2)):
        other = rng.randrange(team.index)
        if other == team.parent:
            continue
        objective = rng.choice(_objectives_of(docs[other]))
        reference = _reference(rng, teams[other].id, objective, 0.25)
        if reference not in references:
            references.append(reference)
    return references


def _objective(
    rng: Random,
    team: Team,
    taken: set[str],
    aligns_to: str | None,
    contributes_to: list[Data],
    catalogue: list[Metric],
) -> dict[str, Data]:
    thing, who = rng.choice(THINGS), rng.choice(AUDIENCES)
    title = rng.choice(OBJECTIVE_TITLES).format(
        thing=thing, who=who, market=rng.choice(MARKETS), quality=rng.choice(QUALITIES)
    )
    objective: dict[str, Data] = {
        "id": _unique(_slug(title, 4), taken),
        "title": title,
        "owner": team.owner,
    }
    if aligns_to is not None:
        objective["aligns_to"] = aligns_to
    if contributes_to:
        objective["contributes_to"] = contributes_to
    values: list[Data] = list(rng.sample(sorted(VALUES), rng.randint(1, 2)))
    objective["values"] = values
    if rng.random() < 0.1:
        objective["weight"] = 2
    objective["description"] = _description(rng, thing, who)
    kr_ids: set[str] = set()
    objective["key_results"] = [
        _key_result(rng, kr_ids, catalogue) for _ in range(KEY_RESULTS_PER_OBJECTIVE)
    ]
    return objective


def _slug(text: str, words: int) -> str:
    kept = [w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _STOP_WORDS]
    return "-".join(kept[:words])


def _description(rng: Random, thing: str, who: str) -> str:
    opening = f"This quarter we focus on {thing} for {who}."
    sentences = [opening] + [_sentence(rng) for _ in range(rng.randint(1, 2))]
    if rng.random() < 0.7:
        return " ".join(sentences)
    # Some descriptions are Markdown block scalars: paragraphs and a short list.
    paragraph = textwrap.fill(" ".join(sentences), width=72)
    steps = [f"- {rng.choice(MILESTONE_VERBS)} {what}" for what in rng.sample(MILESTONE_OBJECTS, 3)]
    closing = textwrap.fill(_sentence(rng), width=72)
    return f"{paragraph}\n\nHow we get there:\n\n" + "\n".join(steps) + f"\n\n{closing}\n"


def _sentence(rng: Random) -> str:
    """A sentence of 8 to 20 words, for check-in notes and descriptions."""
    words = f"{rng.choice(NOTE_SUBJECTS)} {rng.choice(NOTE_VERBS)}"
    if rng.random() < 0.8 or len(words.split()) < 5:
        words += f" {rng.choice(NOTE_REASONS)}"
    follow_up = f"and {rng.choice(NOTE_FOLLOW_UPS)}"
    count = len(words.split()) + len(follow_up.split())
    if len(words.split()) < 8 or (rng.random() < 0.05 and count <= 20):
        words += f", {follow_up}"
    return words + "."


def _key_result(rng: Random, taken: set[str], catalogue: list[Metric]) -> dict[str, Data]:
    kind = rng.random()
    if kind < 0.65:
        return _metric_key_result(rng, taken, catalogue)
    if kind < 0.8:
        return _milestone_key_result(rng, taken)
    return _keep_key_result(rng, taken)


def _metric_key_result(rng: Random, taken: set[str], catalogue: list[Metric]) -> dict[str, Data]:
    metric = rng.choice(catalogue) if rng.random() < 0.4 else None
    shape = metric.shape if metric else rng.choice(METRIC_SHAPES)
    kr_id, name, unit, direction, low, high, decimals = shape
    if metric:
        kr_id, name = metric.id, metric.name
    baseline = _round(rng.uniform(low, high), decimals)
    target = _round(_target(rng, baseline, unit, direction), decimals)
    if target == baseline:
        target = _round(baseline + direction * 10**-decimals, decimals)
    titles = METRIC_TITLES_UP if direction > 0 else METRIC_TITLES_DOWN
    label = name[0].lower() + name[1:]
    title = rng.choice(titles).format(
        name=label, b=_quantity(baseline, unit), t=_quantity(target, unit)
    )
    key_result: dict[str, Data] = {"id": _unique(kr_id, taken), "title": title}
    if metric:
        key_result["metric"] = metric.id
    key_result["unit"] = unit
    key_result["baseline"] = baseline
    key_result["target"] = target
    if rng.random() < 0.1:
        key_result["description"] = f"Measured weekly from {rng.choice(SOURCES)}."
    pace = rng.uniform(0.5, 1.3)
    values: list[float] = []
    for week in range(WEEKS):
        progress = pace * (week + 1) / 13 + rng.gauss(0, 0.03)
        value = baseline + (target - baseline) * progress
        values.append(_round(min(value, 100.0) if unit == "%" else value, decimals))
    key_result["check_ins"] = _check_ins(rng, values)
    return key_result


def _target(rng: Random, baseline: float, unit: str, direction: int) -> float:
    if direction < 0:
        return baseline * rng.uniform(0.4, 0.9)
    if unit == "%":
        return baseline + (100 - baseline) * rng.uniform(0.05, 0.25)
    return baseline * rng.uniform(1.1, 1.6)


def _milestone_key_result(rng: Random, taken: set[str]) -> dict[str, Data]:
    what = rng.choice(MILESTONE_OBJECTS)
    title = f"{rng.choice(MILESTONE_VERBS)} {what}{rng.choice(ROLLOUTS)}"
    key_result: dict[str, Data] = {
        "id": _unique(_slug(what, 3), taken),
        "title": title,
        "milestone": True,
    }
    done = 0.0
    values: list[float | bool] = []
    for _ in range(WEEKS):
        done = min(1.0, done + rng.choice((0.0, 0.05, 0.1, 0.1, 0.15, 0.2)))
        values.append(True if done >= 1.0 else round(done, 2))
    key_result["check_ins"] = _check_ins(rng, values)
    return key_result


def _keep_key_result(rng: Random, taken: set[str]) -> dict[str, Data]:
    kr_id, label, unit, bound, threshold, spread, decimals = rng.choice(KEEP_SHAPES)
    sign = 1 if bound == "at_least" else -1
    words = "at or above" if sign > 0 else "at or below"
    key_result: dict[str, Data] = {
        "id": _unique(kr_id, taken),
        "title": f"Keep {label} {words} {_quantity(threshold, unit)}",
        "unit": unit,
        "keep": {bound: _round(threshold, decimals)},
    }
    # Mostly on the right side of the threshold, now and then just over it.
    values = [
        _round(threshold + sign * spread * rng.uniform(-0.15, 1.0), decimals) for _ in range(WEEKS)
    ]
    key_result["check_ins"] = _check_ins(rng, [min(v, 100.0) if unit == "%" else v for v in values])
    return key_result


def _check_ins(rng: Random, values: Sequence[float | bool]) -> list[Data]:
    confidence = rng.uniform(0.5, 0.85)
    check_ins: list[Data] = []
    for week, value in enumerate(values):
        confidence = min(0.95, max(0.1, confidence + rng.gauss(0, 0.05)))
        check_in: dict[str, Data] = {
            "date": (PERIOD_START + timedelta(weeks=week)).isoformat(),
            "value": value,
            "confidence": round(confidence, 2),
        }
        if rng.random() < 0.52:
            check_in["note"] = _sentence(rng)
        check_ins.append(check_in)
    return check_ins


def _round(value: float, decimals: int) -> float:
    """Rounded to ``decimals``; a whole number when ``decimals`` is 0, so it prints as one."""
    return round(value, decimals) if decimals else round(value)


def _quantity(value: float, unit: str) -> str:
    return f"{value}%" if unit == "%" else f"{value} {unit}"


# YAML: written by hand in the layout people write, so that the output is stable byte for byte


def render(doc: dict[str, Data], header: str) -> list[Piece]:
    """The YAML text of ``doc`` as pieces, each check-in line tagged with its week."""
    pieces: list[Piece] = [(0, header)]
    _block_mapping(doc, 0, "", pieces)
    merged: list[Piece] = []
    for week, text in pieces:
        if merged and week == 0 and merged[-1][0] == 0:
            merged[-1] = (0, merged[-1][1] + text)
        else:
            merged.append((week, text))
    return merged


def text_until(pieces: list[Piece], weeks: int) -> str:
    """The file as it stood once the check-ins of the first ``weeks`` weeks were added."""
    return "".join(text for week, text in pieces if week <= weeks)


def _block_mapping(mapping: dict[str, Data], indent: int, lead: str, out: list[Piece]) -> None:
    pad = " " * indent
    for number, (key, value) in enumerate(mapping.items()):
        prefix = (lead if number == 0 else pad) + _scalar(key, flow=False)
        if indent == 0 and isinstance(value, dict | list) and len(out) > 1:
            out.append((0, "\n"))
        _entry(key, value, indent, prefix, out)


def _entry(key: str, value: Data, indent: int, prefix: str, out: list[Piece]) -> None:
    inner = " " * (indent + 2)
    if isinstance(value, str) and "\n" in value:
        lines = "".join(f"{inner}{line}\n" if line else "\n" for line in value.splitlines())
        out.append((0, f"{prefix}: |\n{lines}"))
    elif isinstance(value, list) and value and isinstance(value[0], dict):
        out.append((0, f"{prefix}:\n"))
        for number, item in enumerate(value):
            assert isinstance(item, dict)
            if key == "check_ins":
                out.append((number + 1, f"{inner}- {_flow(item)}\n"))
            else:
                _block_mapping(item, indent + 4, f"{inner}- ", out)
    elif isinstance(value, dict) and indent == 0:
        out.append((0, f"{prefix}:\n"))
        for child_key, child in value.items():
            _entry(child_key, child, indent + 2, inner + _scalar(child_key, flow=False), out)
    elif isinstance(value, dict | list):
        out.append((0, f"{prefix}: {_flow(value)}\n"))
    else:
        out.append((0, f"{prefix}: {_scalar(value, flow=False, quote=key in _ALWAYS_QUOTED)}\n"))


def _flow(value: Data, key: str = "") -> str:
    if isinstance(value, dict):
        items = ", ".join(f"{_scalar(k, flow=True)}: {_flow(v, k)}" for k, v in value.items())
        return "{" + items + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(item) for item in value) + "]"
    return _scalar(value, flow=True, quote=key in _ALWAYS_QUOTED)


def _scalar(value: Scalar, flow: bool, quote: bool = False) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    plain = _PLAIN_FLOW if flow else _PLAIN_BLOCK
    if quote or value in _RESERVED or value.endswith(" ") or not plain.fullmatch(value):
        return json.dumps(value)  # a JSON string is also a YAML double-quoted scalar
    return value


# Output: files, git history, JSON


def generate(
    teams: int, seed: int, out: Path, git_history: bool = False, with_json: bool = False
) -> Summary:
    """Write an organisation of ``teams`` teams from ``seed`` into the empty directory ``out``."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ValueError(f"{out} exists and is not an empty directory")
    organisation = build_organisation(teams, seed)
    files = _render_all(organisation)
    finals = {path: text_until(pieces, WEEKS).encode() for path, pieces in files.items()}
    commits = 0
    if git_history:
        commits = _write_history(files, organisation.teams, out)
    else:
        for path, data in finals.items():
            target = out / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    if with_json:
        write_json(organisation, out / "json")
    size = sum(len(data) for data in finals.values())
    check_ins = teams * OBJECTIVES_PER_TEAM * KEY_RESULTS_PER_OBJECTIVE * WEEKS
    return Summary(teams, len(files), size, check_ins, commits)


def _render_all(organisation: Organisation) -> dict[str, list[Piece]]:
    seed = organisation.seed
    org_header = f"# {ORGANISATION}: a generated benchmark organisation (seed {seed}).\n\n"
    files = {"okrs/org.yaml": render(organisation.org, org_header)}
    for team, doc in zip(organisation.teams, organisation.team_docs, strict=True):
        header = f"# {team.name}: objectives for {PERIOD} (seed {seed}).\n\n"
        files[f"okrs/{PERIOD}/{team.id}.yaml"] = render(doc, header)
    return files


def write_json(organisation: Organisation, out: Path) -> None:
    """The same documents as JSON under ``out/okrs/``: what loading the YAML gives."""
    documents = {"org": organisation.org}
    for team, doc in zip(organisation.teams, organisation.team_docs, strict=True):
        documents[f"{PERIOD}/{team.id}"] = doc
    for name, doc in documents.items():
        target = out / "okrs" / f"{name}.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(json.dumps(doc, ensure_ascii=False).encode() + b"\n")


def _write_history(files: dict[str, list[Piece]], teams: list[Team], out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    env = _git_env()
    _git(["init", "--quiet"], out, env)
    _git(["symbolic-ref", "HEAD", "refs/heads/main"], out, env)
    importer = subprocess.Popen(
        ["git", "fast-import", "--quiet", "--done"], cwd=out, env=env, stdin=subprocess.PIPE
    )
    assert importer.stdin is not None
    try:
        with importer.stdin as stream:
            for chunk in _fast_import_stream(files, teams):
                stream.write(chunk)
    except BrokenPipeError:
        pass  # fast-import stopped early; its exit status and message say why
    if importer.wait() != 0:
        raise RuntimeError(f"git fast-import failed with exit status {importer.returncode}")
    _git(["reset", "--hard", "--quiet"], out, env)
    return 1 + len(teams) * WEEKS


def _fast_import_stream(files: dict[str, list[Piece]], teams: list[Team]) -> Iterator[bytes]:
    """Blobs first, each team's versions in a row so that each is stored as a delta of the one
    before, then the commits: org.yaml, then week by week one commit per team."""
    org_path = "okrs/org.yaml"
    yield _blob(1, text_until(files[org_path], WEEKS))
    for team in teams:
        pieces = files[f"okrs/{PERIOD}/{team.id}.yaml"]
        for week in range(WEEKS):
            yield _blob(_mark(team, week), text_until(pieces, week + 1))
    yield _commit(PERIOD_START - timedelta(days=1), 0, "Add the organisation", 1, org_path)
    for week in range(WEEKS):
        day = PERIOD_START + timedelta(weeks=week)
        for team in teams:
            message = (
                f"Add {team.id} OKRs for {PERIOD} with the check-ins of {day.isoformat()}"
                if week == 0
                else f"Check in {team.id} for {day.isoformat()}"
            )
            path = f"okrs/{PERIOD}/{team.id}.yaml"
            yield _commit(day, team.index, message, _mark(team, week), path)
    yield b"done\n"


def _mark(team: Team, week: int) -> int:
    return 2 + team.index * WEEKS + week


def _blob(mark: int, text: str) -> bytes:
    data = text.encode()
    return b"blob\nmark :%d\ndata %d\n%s\n" % (mark, len(data), data)


def _commit(day: date, offset: int, message: str, mark: int, path: str) -> bytes:
    when = (day - date(1970, 1, 1)).days * 86400 + 9 * 3600 + offset
    text = message.encode()
    return (
        b"commit refs/heads/main\n"
        b"author %s %d +0000\ncommitter %s %d +0000\n"
        b"data %d\n%s\nM 100644 :%d %s\n\n"
        % (AUTHOR.encode(), when, AUTHOR.encode(), when, len(text), text, mark, path.encode())
    )


def _git_env() -> dict[str, str]:
    """The environment without inherited GIT_* settings, and with no user or system config,
    which could change line endings or the default branch."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("GIT_")}
    name, _, email = AUTHOR.partition(" <")
    env.update(
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_AUTHOR_NAME=name,
        GIT_AUTHOR_EMAIL=email.rstrip(">"),
        GIT_COMMITTER_NAME=name,
        GIT_COMMITTER_EMAIL=email.rstrip(">"),
    )
    return env


def _git(args: list[str], cwd: Path, env: dict[str, str]) -> None:
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m benchmarks.generate --teams N --seed S --out DIR``."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.generate", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--teams", type=int, required=True, help="number of teams, at least 2")
    parser.add_argument("--seed", type=int, required=True, help="seed of the random generator")
    parser.add_argument("--out", type=Path, required=True, help="empty or new output directory")
    parser.add_argument(
        "--git-history", action="store_true", help="also make DIR a git repository with history"
    )
    parser.add_argument("--json", action="store_true", help="also write DIR/json/okrs/*.json")
    args = parser.parse_args(argv)
    try:
        summary = generate(args.teams, args.seed, args.out, args.git_history, args.json)
    except ValueError as error:
        parser.error(str(error))
    except (OSError, RuntimeError, subprocess.CalledProcessError) as error:
        sys.stderr.write(f"{parser.prog}: {error}\n")
        return 1
    sys.stderr.write(summary.line(args.out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
