"""JSON Schema validation of each file, its violations turned into OKR002 findings with places.

Two implementations of the same draft: jsonschema-rs answers "valid?" for every file, fast;
the Python jsonschema package, the reference for what the schema means and for readable
messages, explains only the files that are not. A test holds the two to the same verdicts.
"""

from __future__ import annotations

import difflib
import json
import re
from functools import cache
from typing import TYPE_CHECKING, Any, cast

import jsonschema_rs

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

from .diagnostics import Finding, Where
from .resources import shipped_dir

SCHEMA_FILES = {"org": "org.schema.json", "okrs": "okrs.schema.json"}
_MAX_SHOWN = 60
_EMPTY_HINT = {
    "org": "org.yaml starts with organization: and teams:",
    "okrs": "a team file starts with team: and period:",
}


def schema_text(kind: str) -> str:
    return (shipped_dir("schema") / SCHEMA_FILES[kind]).read_text(encoding="utf-8")


@cache
def _schema(kind: str) -> Any:
    return json.loads(schema_text(kind))


@cache
def _fast(kind: str) -> Any:
    return jsonschema_rs.validator_for(_schema(kind), validate_formats=True)


@cache
def _reference(kind: str) -> Draft202012Validator:
    from jsonschema import Draft202012Validator, validators

    # JSON Schema patterns are ECMA-262 regular expressions, where `$` ends the text; Python's
    # `$` also matches before a final newline, which would let "goal\n" pass as an id.
    checked = validators.extend(Draft202012Validator, {"pattern": _ecma_pattern})
    return cast(
        "Draft202012Validator",
        checked(_schema(kind), format_checker=Draft202012Validator.FORMAT_CHECKER),
    )


def _ecma_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Any:
    from jsonschema.exceptions import ValidationError

    if validator.is_type(instance, "string") and not re.search(_end_of_text(pattern), instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@cache
def _end_of_text(pattern: str) -> str:
    return re.sub(r"(?<!\\)\$", r"\\Z", pattern)


def is_valid(kind: str, data: Any) -> bool:
    """The fast verdict alone."""
    return bool(_fast(kind).is_valid(data))


def check(kind: str, path: str, data: Any) -> list[Finding]:
    """Every schema violation in one document, pointing at the offending key or value."""
    if data is None:
        return [Finding("OKR002", Where(path), f"the file is empty; {_EMPTY_HINT[kind]}")]
    try:
        if is_valid(kind, data):
            return []
        errors = list(_reference(kind).iter_errors(data))
    except RecursionError:
        return [Finding("OKR002", Where(path), "document nested too deeply to validate")]
    findings: list[Finding] = []
    for error in errors:
        findings.extend(_findings(path, _most_specific(error)))
    # The fast verdict said invalid: never let a difference between the two engines pass.
    return findings or [Finding("OKR002", Where(path), "the file does not match the schema")]


def _most_specific(error: ValidationError) -> ValidationError:
    while error.validator in ("oneOf", "anyOf") and error.context:
        deepest = max(len(e.absolute_path) for e in error.context)
        if deepest <= len(error.absolute_path):
            break
        error = next(e for e in error.context if len(e.absolute_path) == deepest)
    return error


def _findings(path: str, error: ValidationError) -> list[Finding]:
    where = Where(path, tuple(error.absolute_path))
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        properties = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
        allowed = sorted(properties)
        return [
            Finding(
                "OKR002",
                where.key(str(name)),
                f"unknown property '{name}'",
                _suggest(name, allowed),
            )
            for name in error.instance
            if name not in allowed
        ]
    return [Finding("OKR002", where, _message(error))]


def _suggest(name: object, allowed: list[str]) -> str:
    close = difflib.get_close_matches(str(name), allowed, n=1)
    if close:
        return f"did you mean '{close[0]}'?"
    return "allowed here: " + ", ".join(allowed)


def _message(error: ValidationError) -> str:
    field = next((p for p in reversed(error.absolute_path) if isinstance(p, str)), None)
    shown = _shown(error.instance)
    validator, expected = error.validator, cast(Any, error.validator_value)
    if validator == "type":
        kinds = " or ".join(expected) if isinstance(expected, list) else expected
        text = f"{shown} is not of type {kinds}"
    elif validator == "enum":
        text = f"{shown} is not one of " + ", ".join(_shown(v) for v in expected)
    elif validator == "pattern" and expected == "\\S":
        text = "must not be empty"
    elif validator == "pattern":
        text = f"{shown} does not match the pattern {expected}"
    elif validator == "format":
        text = f"{shown} is not a valid {expected}"
    elif validator == "required":
        return error.message
    elif len(error.message) <= _MAX_SHOWN * 2:
        text = error.message
    else:
        text = f"{shown} is not valid" + _explained(error)
    return f"{field}: {text}" if field else text


def _shown(value: object) -> str:
    text = json.dumps(value, default=str, ensure_ascii=False)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…"


def _explained(error: ValidationError) -> str:
    description = error.schema.get("description") if isinstance(error.schema, dict) else None
    return f": {description.strip('. ')}" if isinstance(description, str) else ""
