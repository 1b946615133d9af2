"""The `okrs` command line: parses options, calls the core, prints, exits. Nothing else."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import __version__
from .errors import OkrsError
from .repository import find_root

if TYPE_CHECKING:
    from .cache import Cache

FORMATS = ("text", "json", "github", "sarif", "gitlab")


# What a command made, left to the operating system at exit when run as `okrs` (see ``run``);
# None when the commands are called otherwise (tests), so that everything is freed as usual.
_LEFT_AT_EXIT: list[object] | None = None


def run() -> None:
    """The `okrs` command: :func:`main`, then an exit that does not free what the command left
    in ``_LEFT_AT_EXIT``. On a large organisation that is millions of objects, which Python
    frees one by one (a tenth of a second and more) and the operating system all at once."""
    global _LEFT_AT_EXIT
    _LEFT_AT_EXIT = []
    try:
        main()
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else 0 if done.code is None else 1
        if isinstance(done.code, str):
            sys.stderr.write(f"{done.code}\n")
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing more to say
            stream.flush()
    os._exit(code)


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
        except BrokenPipeError:
            # The reader went away (`okrs validate | head -1`): stop quietly, as `cat` does,
            # and say nothing more on a pipe no one reads.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise click.exceptions.Exit(1) from None
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


no_cache_option = click.option(
    "--no-cache", is_flag=True, help="Do not read or write the cache (env OKRS_NO_CACHE=1)."
)


def format_option(choices: Sequence[str], help: str = "Output format.") -> Any:
    """``--format``, one of ``choices``, the first by default."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(list(choices)),
        default=choices[0],
        show_default=True,
        help=help,
    )


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
@format_option(FORMATS)
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@no_cache_option
@click.option(
    "--base",
    metavar="REV",
    help="Fail only on diagnostics that are new compared with this git revision.",
)
@as_of_option
@root_option
@click.pass_context
def validate(
    ctx: click.Context,
    files: tuple[Path, ...],
    output_format: str,
    strict: bool,
    no_cache: bool,
    base: str | None,
    as_of: dt.datetime | None,
    root: Path | None,
) -> None:
    """Check every OKR file against the schema and the alignment rules.

    With FILES (as pre-commit passes them), only diagnostics located in those files are
    reported, but the whole repository is still checked; when okrs/org.yaml is among them,
    everything is reported. Exit 0 when clean (warnings allowed), 1 on errors, 2 on a
    configuration or usage error. On a terminal, a first reading of the git history (for the
    history rules) that lasts more than a second shows a progress bar on standard error.
    """
    from .reporters import REPORTERS
    from .terminal import TerminalTracker
    from .validate import validate as run

    repo = _root(root)
    only = [_relative(repo, path) for path in files] if files else None
    cache = None if no_cache else _cache(repo)
    if base is not None:
        from .baseline import compare
        from .reporters import render_against_base

        with TerminalTracker() as tracker:
            compared = compare(repo, _as_of(as_of), only, base, cache, tracker)
        _notices(compared.outcome.notices)
        click.echo(render_against_base(output_format, compared), nl=False)
        ctx.exit(compared.only_new.exit_code(strict))
    with TerminalTracker() as tracker:  # a first reading of the git history can take a while
        outcome = run(repo, _as_of(as_of), only, cache=cache, tracker=tracker, keep=_LEFT_AT_EXIT)
    _notices(outcome.notices)
    click.echo(REPORTERS[output_format]().render(outcome), nl=False)
    ctx.exit(outcome.exit_code(strict))


def _notices(notices: list[str]) -> None:
    """Notes that are not diagnostics (history rules skipped), one line each on stderr."""
    for notice in notices:
        click.echo(notice, err=True)


def _cache(repo: Path) -> Cache | None:
    """The user's cache, unless OKRS_NO_CACHE is set; OKRS_CACHE_DIR moves it."""
    from .cache import Cache, toolkit_digest
    from .schema import SCHEMA_FILES, schema_text

    if os.environ.get("OKRS_NO_CACHE"):
        return None
    directory = os.environ.get("OKRS_CACHE_DIR")
    if not directory:
        import platformdirs

        directory = platformdirs.user_cache_dir("okrs-as-code")
    toolkit = toolkit_digest([schema_text(kind) for kind in sorted(SCHEMA_FILES)])
    return Cache(Path(directory), repo, toolkit)


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
@format_option(["text", "markdown"], "Output format (markdown is docs/rules.md).")
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
        recorded = checkin.check_in(repo, request, _cache(repo))
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


_STYLES: dict[str, dict[str, Any]] = {
    "good": {"fg": "green"},
    "warn": {"fg": "yellow"},
    "bad": {"fg": "red"},
    "dim": {"dim": True},
}


def _paint(text: str, style: str) -> str:
    return click.style(text, **_STYLES[style])


def _no_paint(text: str, style: str) -> str:
    return text


@main.command(
    epilog="\b\nExamples:\n  okrs tree\n  okrs tree --team product --key-results\n"
    "  okrs tree --period 2026 --as-of 2026-11-20"
)
@click.option("--period", help="The period to show (default: the current period).")
@click.option("--team", help="Only the subtrees holding this team's objectives.")
@click.option("--key-results", is_flag=True, help="List key results under each objective.")
@as_of_option
@root_option
def tree(
    period: str | None,
    team: str | None,
    key_results: bool,
    as_of: dt.datetime | None,
    root: Path | None,
) -> None:
    """Show the cascade of a period with progress bars and flags.

    The current period is the shortest one that contains the as-of date and has files.
    Each objective shows its own progress, or its cascade progress (marked Σ) when
    objectives are aligned beneath it, its team and its flags: stale, behind, at risk,
    dropped, achieved, unaligned. Colours compare progress with the time elapsed in the
    period; NO_COLOR turns them off.
    """
    import shutil

    from .tree import TreeOptions
    from .tree import tree as show

    options = TreeOptions(period, team, key_results, shutil.get_terminal_size().columns)
    # https://no-color.org: any non-empty NO_COLOR turns colour off; click.echo already leaves
    # it out when the output is not a terminal.
    paint = _no_paint if os.environ.get("NO_COLOR") else _paint
    folder = _root(root)
    click.echo(show(folder, _as_of(as_of), options, paint, _cache(folder)), nl=False)


@main.command(
    epilog="\b\nExamples:\n  okrs report --as-of 2026-11-20\n"
    '  okrs report >> "$GITHUB_STEP_SUMMARY"\n  okrs report --format json'
)
@format_option(["markdown", "json"])
@as_of_option
@root_option
def report(output_format: str, as_of: dt.datetime | None, root: Path | None) -> None:
    """Print the weekly digest: progress by team, behind, stale, lowest confidence.

    For every period that contains the as-of date and has files, the current one first:
    each team's progress (the mean of its objectives' own progress), and the key results
    that are behind, stale or held with the lowest confidence. The Markdown suits a CI job
    summary or a chat post and stays under 1 MiB; the JSON has the same content.
    """
    from .report import report as digest

    folder = _root(root)
    click.echo(digest(folder, _as_of(as_of), output_format, _cache(folder)), nl=False)


@main.command(
    epilog="\b\nExamples:\n  okrs export --as-of 2026-11-20 > okrs.json\n"
    "  okrs export --format csv > key-results.csv"
)
@format_option(
    ["json", "csv"], "json: the whole model (schema_version 1); csv: one row per key result."
)
@as_of_option
@root_option
def export(output_format: str, as_of: dt.datetime | None, root: Path | None) -> None:
    """Print the whole model, resolved, for other tools.

    JSON holds the organisation, periods, teams and objectives with their parent, children,
    supporters, own and cascade progress and flags, and their key results with progress,
    current value, last check-in and check-ins. CSV has one row per key result.
    """
    from .export import export as dump

    folder = _root(root)
    click.echo(dump(folder, _as_of(as_of), output_format, _cache(folder)), nl=False)


@main.command(epilog="\b\nExamples:\n  okrs codeowners\n  okrs codeowners --check")
@click.option(
    "--check", is_flag=True, help="Write nothing; exit 1 when the file is missing or out of date."
)
@root_option
@click.pass_context
def codeowners(ctx: click.Context, check: bool, root: Path | None) -> None:
    """Write a CODEOWNERS file from the team owners in okrs/org.yaml.

    Each team's files (/okrs/*/<team>.yaml) then need its owners' review, and okrs/org.yaml
    (with anything else under okrs/) the root team's. The file is .github/CODEOWNERS when
    the repository has a .github folder, else CODEOWNERS at its root. A person's `github`
    name in `people` is used when given; other owners are written as they are.
    """
    from .codeowners import codeowners as sync

    result = sync(_root(root), check)
    click.echo(result.message, nl=not result.message.endswith("\n"))
    ctx.exit(result.exit_code)


@main.command(
    epilog="\b\nExamples:\n  okrs init\n  okrs init our-okrs --name Brightwork --owner @maya\n"
    "  okrs init --ci gitlab"
)
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", help="The organisation's name (default: the folder's name).")
@click.option("--owner", default="@owner", show_default=True, help="Owner handle of the teams.")
@click.option(
    "--ci",
    type=click.Choice(["github", "gitlab"]),
    default="github",
    show_default=True,
    help="The CI system to write pipelines for.",
)
@as_of_option
def init(
    directory: Path | None, name: str | None, owner: str, ci: str, as_of: dt.datetime | None
) -> None:
    """Start an OKR repository in DIRECTORY (default: here).

    Writes okrs/org.yaml, the current quarter's files for an example root team and one team,
    the JSON Schemas the files' editor modelines point at, a pre-commit configuration that
    validates on every commit, a .gitignore for the built site, and CI pipelines: with
    --ci github, workflows that validate pull requests, publish the site with GitHub Pages and
    post a weekly report; with --ci gitlab, a .gitlab-ci.yml that validates merge requests
    (with a code-quality report) and publishes with GitLab Pages. Nothing that exists is
    overwritten: if any of these files is there, nothing is written.
    """
    from .init import init as write

    target = (directory or Path.cwd()).resolve()
    written = write(target, name or target.name, owner, _as_of(as_of), ci)
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(f"next: cd {target} && okrs validate")


@main.command(
    "new-period",
    epilog="\b\nExamples:\n  okrs new-period 2027-Q1\n  okrs new-period 2027-Q1 --from 2026-Q4",
)
@click.argument("period")
@click.option(
    "--from",
    "source",
    metavar="PERIOD",
    help="Carry over this period's active objectives, key results reset to start again.",
)
@as_of_option
@root_option
def new_period(
    period: str, source: str | None, as_of: dt.datetime | None, root: Path | None
) -> None:
    """Write a file per team for PERIOD; never overwrites an existing file.

    With --from, objectives still active in that period (neither achieved nor dropped) are
    carried over: each metric key result starts from its last value, check-ins start afresh,
    finished key results stay behind, and alignments follow their parents when those were
    carried over too.
    """
    from .newperiod import new_period as write

    result = write(_root(root), period, source, _as_of(as_of))
    for path in result.written:
        click.echo(f"wrote {path}")
    for path in result.skipped:
        click.echo(f"kept {path} (it exists)")


@main.command(
    epilog="\b\nExamples:\n  okrs build --as-of 2026-11-20\n  okrs build --out public --strict"
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the site into (default: site/ in the repository).",
)
@click.option(
    "--strict", is_flag=True, help="Write nothing and fail (exit 1) when there are errors."
)
@no_cache_option
@as_of_option
@root_option
@click.pass_context
def build(
    ctx: click.Context,
    out: Path | None,
    strict: bool,
    no_cache: bool,
    as_of: dt.datetime | None,
    root: Path | None,
) -> None:
    """Write the static site: the cascade, periods, teams, objectives, health and search.

    The site is written even when the model has errors, which its health page lists (files
    that cannot be read are left out and named there); with --strict it is not, and the
    command exits 1. Templates in the repository's site_templates/ folder replace the
    packaged ones file by file. The pages link to each other relatively, so the site works
    from a web server, under a sub-path, or opened from disk.

    On a terminal, a build that lasts more than a second shows a progress bar on standard
    error (OKRS_PROGRESS_DELAY sets the seconds; pipes and CI logs never get one).
    """
    from .reporters import REPORTERS
    from .site.build import build as write_site
    from .terminal import TerminalTracker

    repo = _root(root)
    cache = None if no_cache else _cache(repo)
    with TerminalTracker() as tracker:
        summary = write_site(
            repo, out or repo / "site", _as_of(as_of), strict, tracker, cache, _LEFT_AT_EXIT
        )
    _notices(summary.notices)
    counts = f"{summary.errors} error(s), {summary.warnings} warning(s)"
    if not summary.written:
        from .validate import Outcome

        outcome = Outcome(summary.diagnostics, 0, _as_of(as_of))
        click.echo(REPORTERS["text"]().render(outcome), nl=False, err=True)
        click.echo(f"okrs: site not written: {counts} (--strict)", err=True)
        ctx.exit(1)
    click.echo(f"wrote {summary.files} files to {summary.out} ({counts}; see health.html)")
    click.echo(f"open {summary.out / 'index.html'} in a browser")


@main.command(
    epilog="\b\nExamples:\n  okrs history product/creatives-love\n"
    "  okrs history 2026-Q4/product/creatives-love#setup-time --format json"
)
@click.argument("ref")
@format_option(["text", "json"])
@root_option
def history(ref: str, output_format: str, root: Path | None) -> None:
    """Show the timeline of an objective or key result from git history.

    REF is team/objective[#key-result], with or without its period. For each commit that
    changed it: the date, short hash, author and subject, and what changed in words. Identity
    follows the IDs, so moving a file or reordering a list does not break the timeline. On a
    terminal, a first reading of a long history shows a progress bar on standard error.
    """
    from .history import RENDERERS
    from .history import history as timeline
    from .terminal import TerminalTracker

    repo = _root(root)
    with TerminalTracker() as tracker:
        full_ref, entries = timeline(repo, ref, _cache(repo), tracker)
    click.echo(RENDERERS[output_format](full_ref, entries), nl=False)


@main.command(
    epilog="\b\nExamples:\n  okrs diff HEAD~1\n"
    '  okrs diff origin/main HEAD --format markdown >> "$GITHUB_STEP_SUMMARY"'
)
@click.argument("rev1")
@click.argument("rev2", required=False)
@format_option(
    ["text", "markdown", "json"],
    "Output format (markdown suits a pull-request comment or job summary).",
)
@root_option
def diff(rev1: str, rev2: str | None, output_format: str, root: Path | None) -> None:
    """Show what changed in the OKRs between two revisions (REV2: the working tree).

    Objectives and key results added, removed or re-aligned, titles, targets (raised or
    lowered, easier or harder), baselines, check-ins and status changes, each named by its
    full reference and title.
    """
    from .diff import diff as compare

    click.echo(compare(_root(root), rev1, rev2, output_format), nl=False)
