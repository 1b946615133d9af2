"""Output formats for diagnostics: one small class per format, registered by name."""

from __future__ import annotations

import hashlib
import json
import re
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, ClassVar

from . import __version__
from .diagnostics import Diagnostic, Severity
from .rules import RULES
from .validate import Outcome

if TYPE_CHECKING:
    from .baseline import Compared


def _text_of(diagnostic: Diagnostic) -> str:
    return f"{diagnostic.message}; {diagnostic.hint}" if diagnostic.hint else diagnostic.message


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


class Reporter(ABC):
    name: ClassVar[str]

    @abstractmethod
    def render(self, outcome: Outcome) -> str:
        """The whole report, ending with a newline."""


class TextReporter(Reporter):
    name = "text"

    def render(self, outcome: Outcome) -> str:
        lines = [
            f"{d.path}:{d.line}:{d.column}: {d.severity.value} {d.code} {_text_of(d)}"
            for d in outcome.diagnostics
        ]
        checked = f"{_plural(outcome.files, 'file')} checked as of {outcome.as_of}"
        if outcome.diagnostics:
            counts = f"{_plural(outcome.errors, 'error')}, {_plural(outcome.warnings, 'warning')}"
            lines.append(f"{counts} ({checked})")
        else:
            lines.append(f"no problems ({checked})")
        return "\n".join(lines) + "\n"


class JsonReporter(Reporter):
    name = "json"

    def render(self, outcome: Outcome) -> str:
        document = {
            "diagnostics": [
                {
                    "path": d.path,
                    "line": d.line,
                    "column": d.column,
                    "code": d.code,
                    "severity": d.severity.value,
                    "message": d.message,
                    "hint": d.hint,
                }
                for d in outcome.diagnostics
            ],
            "summary": {
                "errors": outcome.errors,
                "warnings": outcome.warnings,
                "files": outcome.files,
            },
        }
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _escape_data(text: str) -> str:
    # As GitHub's actions/toolkit escapes workflow command data.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


class GithubReporter(Reporter):
    """Workflow commands that GitHub Actions turns into annotations on the pull request."""

    name = "github"

    def render(self, outcome: Outcome) -> str:
        lines = []
        for d in outcome.diagnostics:
            properties = ",".join(
                f"{key}={_escape_property(str(value))}"
                for key, value in (
                    ("file", d.path),
                    ("line", d.line),
                    ("col", d.column),
                    ("title", d.code),
                )
            )
            lines.append(f"::{d.severity.value} {properties}::{_escape_data(_text_of(d))}")
        return "".join(line + "\n" for line in lines)


_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.OFF: "none"}


class SarifReporter(Reporter):
    """SARIF 2.1.0, one run, every rule listed, for code-scanning dashboards."""

    name = "sarif"

    def render(self, outcome: Outcome) -> str:
        codes = list(RULES)
        run: dict[str, Any] = {
            "tool": {
                "driver": {
                    "name": "okrs",
                    "version": __version__,
                    "rules": [_sarif_rule(code) for code in codes],
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": [_sarif_result(d, codes.index(d.code)) for d in outcome.diagnostics],
        }
        log = {
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [run],
        }
        return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _sarif_rule(code: str) -> dict[str, Any]:
    rule = RULES[code]
    return {
        "id": code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.doc},
        "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
    }


def _sarif_result(d: Diagnostic, rule_index: int) -> dict[str, Any]:
    return {
        "ruleId": d.code,
        "ruleIndex": rule_index,
        "level": _SARIF_LEVEL[d.severity],
        "message": {"text": _text_of(d)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": d.path, "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": d.line, "startColumn": d.column},
                }
            }
        ],
    }


_GITLAB_SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.OFF: "info"}


class GitlabReporter(Reporter):
    """GitLab's code-quality report (``artifacts:reports:codequality``): one JSON array.

    A fingerprint is what GitLab's merge-request widget compares between the target branch
    and the merge request, so it leaves the line out (editing above a finding must not make
    it "new") and counts repeats of the same message in a file, keeping every finding unique.
    """

    name = "gitlab"

    def render(self, outcome: Outcome) -> str:
        seen: dict[tuple[str, str, str], int] = {}
        issues = []
        for d in outcome.diagnostics:
            key = (d.path, d.code, _MOVING.sub("#", d.message))
            occurrence = seen.get(key, 0)
            seen[key] = occurrence + 1
            issues.append(
                {
                    "type": "issue",
                    "check_name": d.code,
                    "description": f"{d.code} {_text_of(d)}",
                    "severity": _GITLAB_SEVERITY[d.severity],
                    "fingerprint": _fingerprint(*key, occurrence),
                    "location": {"path": d.path, "lines": {"begin": d.line}},
                }
            )
        return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"


# Dates and day counts in a message move with the as-of date ("51 days before 2026-12-20");
# the finding is the same, so they are left out of its fingerprint.
_MOVING = re.compile(r"\d{4}-\d{2}-\d{2}|\b\d+ days?\b")


def _fingerprint(path: str, code: str, message: str, occurrence: int) -> str:
    text = "\0".join((path, code, message, str(occurrence)))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


REPORTERS: dict[str, type[Reporter]] = {
    cls.name: cls
    for cls in (TextReporter, JsonReporter, GithubReporter, SarifReporter, GitlabReporter)
}


def render_against_base(output_format: str, compared: Compared) -> str:
    """A report of a ``--base`` run: inherited diagnostics marked, new ones counted apart.

    JSON gives every diagnostic ``"new": true|false``; GitLab's report is left as it is
    (its merge-request widget finds what is new itself, by fingerprint, and a marked message
    would change the fingerprints); the other formats append " (also at REV)" to the text of
    inherited ones.
    """
    if output_format == "gitlab":
        return GitlabReporter().render(compared.outcome)
    if output_format == "json":
        document = json.loads(JsonReporter().render(compared.outcome))
        for item, is_new in zip(document["diagnostics"], compared.new, strict=True):
            item["new"] = is_new
        only_new = compared.only_new
        document["summary"]["new_errors"] = only_new.errors
        document["summary"]["new_warnings"] = only_new.warnings
        document["summary"]["base"] = compared.base
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    rendered = REPORTERS[output_format]().render(compared.marked())
    if output_format == "text":
        only_new = compared.only_new
        counts = f"{_plural(only_new.errors, 'error')}, {_plural(only_new.warnings, 'warning')}"
        rendered += f"new since {compared.base}: {counts}\n"
    return rendered
