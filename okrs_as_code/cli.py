"""The `okrs` command line: parses options, calls the core, prints, exits. Nothing else."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import OkrsError
from .repository import find_root

FORMATS = ("text", "json", "github", "sarif")


class UserError(click.ClickException):
    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"okrs: error: {self.format_message()}", err=True)


class _Group(click.Group):
    """Turns core errors into one line and exit 2; a traceback only with OKRS_DEBUG=1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except OkrsError as error:
            raise UserError(str(error)) from error
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as error:
            if os.environ.get("OKRS_DEBUG"):
                raise
            raise UserError(
                f"internal error: {error!r} (rerun with OKRS_DEBUG=1 for the traceback)"
            ) from error


def _root(root: Path | None) -> Path:
    return root.resolve() if root else find_root(Path.cwd())


def _as_of(value: dt.datetime | None) -> dt.date:
    from .dates import today_utc

    return value.date() if value else today_utc()


root_option = click.option(
    "--root",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Repository root (default: the nearest folder above holding okrs/org.yaml).",
)
as_of_option = click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    envvar="OKRS_AS_OF",
    help="Judge staleness and progress as of this date (YYYY-MM-DD; env OKRS_AS_OF; "
    "default: today, UTC).",
)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="okrs")
def main() -> None:
    """OKRs as code: validate, check in and publish OKRs kept as YAML in git."""


def _rule_list() -> str:
    from .rules import RULES

    return "\n".join(f"  {code}  {rule.summary}" for code, rule in RULES.items())


@main.command(
    epilog="\b\nExamples:\n  okrs validate --as-of 2026-11-20\n"
    "  okrs validate --format github okrs/2026-Q4/product.yaml\n\n\b\nRules:\n" + _rule_list()
)
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@as_of_option
@root_option
@click.pass_context
def validate(
    ctx: click.Context,
    files: tuple[Path, ...],
    output_format: str,
    strict: bool,
    as_of: dt.datetime | None,
    root: Path | None,
) -> None:
    """Check every OKR file against the schema and the alignment rules.

    With FILES (as pre-commit passes them), only diagnostics located in those files are
    reported, but the whole repository is still checked; when okrs/org.yaml is among them,
    everything is reported. Exit 0 when clean (warnings allowed), 1 on errors, 2 on a
    configuration or usage error.
    """
    from .reporters import REPORTERS
    from .validate import validate as run

    repo = _root(root)
    only = [_relative(repo, path) for path in files] if files else None
    outcome = run(repo, _as_of(as_of), only)
    click.echo(REPORTERS[output_format]().render(outcome), nl=False)
    ctx.exit(outcome.exit_code(strict))


def _relative(root: Path, path: Path) -> str:
    full = path.resolve()
    try:
        return full.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


@main.command(epilog="\b\nExamples:\n  okrs schema okrs\n  okrs schema --write schema/")
@click.argument("name", required=False, type=click.Choice(["org", "okrs"]))
@click.option(
    "--write",
    "write_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write both schema files into this folder instead of printing.",
)
def schema(name: str | None, write_dir: Path | None) -> None:
    """Print the JSON Schemas that editors and the validator use.

    NAME picks one (org for okrs/org.yaml, okrs for team files); without it, both are printed
    as one JSON object keyed by file name.
    """
    from .schema import SCHEMA_FILES, schema_text

    if write_dir is not None:
        write_dir.mkdir(parents=True, exist_ok=True)
        for kind, file_name in SCHEMA_FILES.items():
            (write_dir / file_name).write_text(schema_text(kind), encoding="utf-8")
            click.echo(f"wrote {write_dir / file_name}")
        return
    if name is not None:
        click.echo(schema_text(name), nl=False)
        return
    both = {file_name: json.loads(schema_text(kind)) for kind, file_name in SCHEMA_FILES.items()}
    click.echo(json.dumps(both, indent=2, ensure_ascii=False))


@main.command(epilog="\b\nExamples:\n  okrs rules\n  okrs rules OKR113")
@click.argument("code", required=False)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "markdown"]),
    default="text",
    show_default=True,
    help="Output format (markdown is docs/rules.md).",
)
def rules(code: str | None, output_format: str) -> None:
    """List the rule codes, or explain one, with a failing and a passing example."""
    from .rules import RULES, catalog

    if code is not None and code.upper() not in RULES:
        raise UserError(f"unknown rule code '{code}'; run `okrs rules` for the list")
    if output_format == "markdown":
        click.echo(catalog.markdown(), nl=False)
    else:
        click.echo(catalog.text(code.upper() if code else None), nl=False)


@main.command(
    "check-in",
    epilog="\b\nExamples:\n"
    "  okrs check-in product/creatives-love#setup-time 37 --confidence 0.8\n"
    '  okrs check-in product/creatives-love#integrations 1 --note "Xero is live" --commit',
)
@click.argument("ref")
@click.argument("value")
@click.option("--confidence", type=float, help="How sure you are of reaching the target, 0 to 1.")
@click.option("--note", help="What changed, in a sentence.")
@click.option(
    "--date",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The check-in's date (default: the as-of date).",
)
@click.option("--commit", is_flag=True, help="Commit the changed file with git.")
@as_of_option
@root_option
@click.pass_context
def check_in(
    ctx: click.Context,
    ref: str,
    value: str,
    confidence: float | None,
    note: str | None,
    day: dt.datetime | None,
    commit: bool,
    as_of: dt.datetime | None,
    root: Path | None,
) -> None:
    """Append a check-in to a key result, leaving the rest of its file exactly as it was.

    REF is team/objective#key-result (the period may be left out: the current period's
    match wins) or period/team/objective#key-result. VALUE is a number; for a milestone,
    true, false or the fraction done from 0 to 1. The check-in is refused (exit 1, file
    untouched) when it would add an error to the file.
    """
    from . import checkin
    from .splice import render_value

    repo = _root(root)
    request = checkin.Request(
        ref, value, _as_of(as_of), day.date() if day else None, confidence, note
    )
    try:
        recorded = checkin.check_in(repo, request)
    except checkin.Refused as refusal:
        click.echo(f"okrs: check-in refused: {refusal}", err=True)
        ctx.exit(1)
    shown = render_value(recorded.fields["value"])
    click.echo(
        f"{recorded.path}: {recorded.ref} = {shown} on {recorded.fields['date']} "
        f"(progress {recorded.progress:.0%})"
    )
    if commit:
        from .gitutil import git

        message = f"Check in {recorded.ref}: {shown}"
        git(repo, "commit", "--quiet", "-m", message, "--", recorded.path)
        click.echo(f"committed: {message}")
