"""The validation pipeline: files -> loader -> schema -> model -> rules -> diagnostics."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from . import assemble, schema
from .diagnostics import Diagnostic, Finding, Severity, Where
from .errors import OkrsError
from .graph import Graph, build_graph
from .loader import DEFAULT_MAX_FILE_BYTES, SourceFile, load, parse_bytes
from .model import Model
from .positions import PositionIndex
from .repository import ORG_FILE, team_file_paths
from .rules import RULES, Context


@dataclass
class Outcome:
    """The result of a run: sorted diagnostics and what was checked."""

    diagnostics: list[Diagnostic]
    files: int
    as_of: dt.date

    @property
    def errors(self) -> int:
        return sum(d.severity is Severity.ERROR for d in self.diagnostics)

    @property
    def warnings(self) -> int:
        return sum(d.severity is Severity.WARNING for d in self.diagnostics)

    def exit_code(self, strict: bool = False) -> int:
        return 1 if self.errors or (strict and self.warnings) else 0


@dataclass
class Loaded:
    """Everything read from a repository, for validation and for the commands built on it."""

    root: Path
    sources: list[SourceFile]
    model: Model
    graph: Graph
    schema_findings: list[Finding]


def load_repository(root: Path, overrides: dict[str, str] | None = None) -> Loaded:
    """Read, schema-check and assemble every file; unreadable files become findings.

    ``overrides`` gives the text of some files as they would be after an edit, so an edit can
    be validated before anything is written.
    """
    overrides = overrides or {}

    def read(path: str, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> SourceFile:
        if path in overrides:
            return parse_bytes(path, overrides[path].encode("utf-8"))
        return load(root, path, max_bytes)

    org_source = read(ORG_FILE)
    org = assemble.organization(org_source) if org_source.ok else None
    max_bytes = org.policy.limits.max_file_bytes if org else DEFAULT_MAX_FILE_BYTES
    sources = [org_source, *(read(path, max_bytes) for path in team_file_paths(root))]
    findings: list[Finding] = []
    files = []
    for source in sources:
        if not source.ok:
            continue
        is_org = source is org_source
        findings.extend(schema.check("org" if is_org else "okrs", source.path, source.data))
        if not is_org:
            files.append(assemble.team_file(source))
    model = Model(org, files, dict(org.periods) if org else {})
    return Loaded(root, sources, model, build_graph(model), findings)


def validate(
    root: Path,
    as_of: dt.date,
    only: Iterable[str] | None = None,
    overrides: dict[str, str] | None = None,
) -> Outcome:
    """Run every rule over the repository at ``root``.

    ``only`` (repository-relative paths) limits the report to diagnostics in those files, except
    when org.yaml is among them: an organisation change can break every team's file.
    """
    loaded = load_repository(root, overrides)
    severities = _severities(loaded)
    context = Context(loaded.model, loaded.graph, as_of, loaded.sources, loaded.schema_findings)
    findings = [
        finding
        for code, rule in RULES.items()
        if severities[code] is not Severity.OFF and (loaded.model.org or not rule.needs_org)
        for finding in rule.check(context)
    ]
    wanted = None if only is None or ORG_FILE in set(only) else set(only)
    if wanted is not None:
        findings = [f for f in findings if f.where.file in wanted]
    positions = PositionIndex({s.path: s.text for s in loaded.sources if s.text is not None})
    diagnostics = sorted(
        {_diagnostic(f, severities[f.code], positions) for f in findings},
        key=Diagnostic.sort_key,
    )
    return Outcome(diagnostics, len(loaded.sources), as_of)


def _diagnostic(finding: Finding, severity: Severity, positions: PositionIndex) -> Diagnostic:
    if finding.line is not None:
        line, column = finding.line, finding.column or 1
    else:
        line, column = positions.locate(finding.where)
    return Diagnostic(
        finding.where.file, line, column, finding.code, severity, finding.message, finding.hint
    )


def _severities(loaded: Loaded) -> dict[str, Severity]:
    """Default severities with ``policy.rules`` applied; an unknown code stops the run."""
    chosen = {code: rule.severity for code, rule in RULES.items()}
    org_source = loaded.sources[0]
    data = org_source.data if isinstance(org_source.data, dict) else {}
    policy = data.get("policy")
    rules = policy.get("rules") if isinstance(policy, dict) else None
    if not isinstance(rules, dict):
        return chosen
    positions = PositionIndex({org_source.path: org_source.text or ""})
    for code, level in rules.items():
        where = Where(org_source.path, ("policy", "rules", code), "key")
        if code not in RULES:
            raise _config_error(positions, where, f"unknown rule code '{code}' in policy.rules")
        if level not in {s.value for s in Severity}:
            raise _config_error(
                positions,
                Where(where.file, where.pointer),
                f"policy.rules.{code}: severity must be error, warning or off, not {level!r}",
            )
        chosen[code] = Severity(level)
    return chosen


def _config_error(positions: PositionIndex, where: Where, message: str) -> OkrsError:
    line, column = positions.locate(where)
    return OkrsError(f"{where.file}:{line}:{column}: {message}")
