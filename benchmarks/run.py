"""The performance benchmark: okrs and its peers on the same generated organisation, in one run.

    python -m benchmarks.run [--size S|M|L] [--repeat N] [--out docs/performance.md]

For each size it generates (once, into ``benchmarks/data/``) an organisation of 20, 200 or 2000
teams, plain and as a git repository with a commit per team per week, then times every stage
several times, each run a fresh process, and reports the minimum, the median, the CPU time and
the peak memory:

- the floor: reading the bytes, and ``json.loads`` of the same data stored as JSON;
- ``okrs validate`` cold, warm and on one changed file as pre-commit runs it, against
  check-jsonschema validating the same files with the project's own schema;
- ``okrs check-in``;
- ``okrs build`` cold, warm, after one team's file changed and with the cache off, and on the
  git repository (the site then shows history), against Hugo rendering the same pages from
  equivalent Markdown (``benchmarks/hugo.py``; left out, with a line saying so, when ``hugo`` is
  not installed);
- on the git repository, against ``git log --raw`` over the same commits: the history rules
  (``okrs validate``) cold, warm and on one changed file, ``okrs validate --base`` a week of
  commits back, and ``okrs history REF`` cold and warm.

A run that starts from nothing (no cache, a new output folder) finds the folders of the run
before moved aside, not deleted (see :func:`set_aside`). Results go to standard output and, as
a table per size, into ``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from benchmarks import hugo
from benchmarks.generate import PERIOD, generate

SIZES = {"S": 20, "M": 200, "L": 2000}
SEED = 1
AS_OF = "2026-12-10"
# Three weeks after the last check-ins: every key result is stale, a diagnostic in every file.
LATE_AS_OF = "2026-12-30"
NEXT_PERIOD = "2027-Q1"  # the quarter after the generated one
DATA = Path(__file__).resolve().parent / "data"
REPO = Path(__file__).resolve().parent.parent
# The order of the table's sections, and the tool each stage's "vs peer" column divides by.
STAGES = ("floor", "validate", "check-in", "views", "build", "history")
PEERS = {
    "validate": "check-jsonschema (schema only)",
    "build": "Hugo, same pages",
    "history": "git log --raw, same commits",
}


@dataclass
class Timing:
    stage: str
    tool: str
    seconds: list[float]
    peak_mb: float | None = None
    # User plus system time of the process and its children: how many cores a stage keeps busy.
    cpu: list[float] = field(default_factory=list)
    pages: int | None = None  # HTML pages a site generator wrote

    @property
    def best(self) -> float:
        return min(self.seconds)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def organisation(size: str, history: bool = False) -> Path:
    """The generated organisation of a size, made once and reused (same seed, same bytes);
    with ``history``, a git repository holding one commit per team per week."""
    folder = DATA / f"{size}-seed{SEED}{'-history' if history else ''}"
    if not (folder / "okrs" / "org.yaml").exists():
        shutil.rmtree(folder, ignore_errors=True)
        generate(SIZES[size], SEED, folder, git_history=history, with_json=not history)
    return folder


def command(
    stage: str,
    tool: str,
    repeat: int,
    argv: list[str],
    env: dict[str, str],
    before: Callable[[int], object] | None = None,
    ok: tuple[int, ...] = (0,),
) -> Timing:
    """Time a command in a child process; its peak memory and CPU time come from the kernel's
    accounting."""
    seconds, cpu, peak = [], [], 0.0
    for run in range(repeat):
        if before is not None:
            before(run)
        start = time.perf_counter()
        child = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(child.pid, 0)
        seconds.append(time.perf_counter() - start)
        cpu.append(usage.ru_utime + usage.ru_stime)
        code = os.waitstatus_to_exitcode(status)
        if code not in ok:
            error = child.stderr.read().decode() if child.stderr else ""
            # Timed runs discard standard output; run once more to show what it said.
            said = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
            raise RuntimeError(
                f"{' '.join(argv[:3])}... {' '.join(argv[3:])[:200]} exited {code}: "
                f"{error[-2000:]}{said.stdout[-2000:]}"
            )
        peak = max(peak, usage.ru_maxrss / 1024)
    return Timing(stage, tool, seconds, peak, cpu)


_SET_ASIDE = itertools.count()


def set_aside(folder: Path) -> None:
    """Move ``folder`` out of the way (renamed, beside it), to be deleted with the run's work
    folder once every stage is timed. A run that starts from nothing starts without it, and
    without its deletion: deleting a site's 10,000 files costs the runs after it seconds of
    system time on some disks (the blocks discarded meanwhile), which would fall on whichever
    tool ran next."""
    if folder.exists():
        aside = folder.parent / "set-aside"
        aside.mkdir(exist_ok=True)
        folder.rename(aside / f"{folder.name}-{next(_SET_ASIDE)}")


def _floor(root: Path, folder: str, work: str) -> list[str]:
    """A child process doing only ``work`` on every file: the floor, startup included, as the
    okrs commands it is compared with include theirs."""
    script = (
        "import json, pathlib, sys\n"
        f"for p in sorted(pathlib.Path(sys.argv[1]).rglob('*.*')):\n    {work}\n"
    )
    return [sys.executable, "-c", script, str(root / folder)]


def _okrs(*args: str) -> list[str]:
    return [sys.executable, "-m", "okrs_as_code", *args]


def private_copy(folder: Path, work: Path) -> Path:
    """A copy of a generated organisation that this run alone changes: ``benchmarks/data`` may
    be shared with other runs at the same time. A git repository's files are reset to its last
    commit, in case the copy caught another run's change."""
    copy = work / folder.name
    shutil.copytree(folder, copy, symlinks=True)
    if (copy / ".git").exists():
        subprocess.run(["git", "-C", str(copy), "checkout", "--quiet", "--", "."], check=True)
    return copy


def measure(size: str, repeat: int) -> list[Timing]:
    work = Path(tempfile.mkdtemp(prefix="okrs-bench-"))
    cache = work / "cache"
    env = {**os.environ, "OKRS_CACHE_DIR": str(cache), "OKRS_AS_OF": AS_OF}
    try:
        root = private_copy(organisation(size), work)
        yaml_files = sorted(root.glob("okrs/**/*.yaml"))
        team_file = yaml_files[len(yaml_files) // 2]
        original = team_file.read_bytes()
        timings: list[Timing | None] = [
            command("floor", "read the bytes", repeat,
                    _floor(root, "okrs", "p.read_bytes()"), env),
            command("floor", "json.loads, same data", repeat,
                    _floor(root, "json/okrs", "json.loads(p.read_bytes())"), env),
        ]  # fmt: skip
        labels = ("okrs, no cache", "okrs, nothing changed", "okrs, one file changed (pre-commit)",
                  "okrs, one file edited, every file checked")  # fmt: skip
        timings += _validate_runs("validate", labels, root, team_file, (repeat, repeat), env)
        timings.append(_everything_stale(root, repeat, env))
        timings.append(_next_quarter(root, repeat, env, work))
        timings.append(_check_in(root, team_file, original, repeat, env))
        timings.extend(_views(root, repeat, env))
        timings.append(_check_jsonschema(root, yaml_files, repeat, env, size))
        timings.extend(_build(root, team_file, original, repeat, env, work))
        timings.append(_hugo(root, repeat, env, work))
        history_env = {**env, "OKRS_CACHE_DIR": str(cache / "history")}
        timings.extend(_history(size, repeat, history_env, work))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    found = [t for t in timings if t is not None]
    return sorted(found, key=lambda t: STAGES.index(t.stage))  # stable: measured order within


def _validate_runs(
    stage: str,
    labels: tuple[str, ...],
    root: Path,
    team_file: Path,
    runs: tuple[int, int],
    env: dict[str, str],
) -> list[Timing | None]:
    """``okrs validate`` with no cache (``runs[0]`` times), with nothing changed, on one file
    as pre-commit runs it (a comment appended changes the file's digest, not its meaning), and
    on every file after an edit to one (a new title)."""
    validate = _okrs("validate", "--root", str(root))
    cache = Path(env["OKRS_CACHE_DIR"])
    original = team_file.read_bytes()
    cold, repeat = runs
    try:
        return [
            command(stage, labels[0], cold, validate, env,
                    before=lambda run: set_aside(cache)),
            command(stage, labels[1], repeat, validate, env),
            command(
                stage, labels[2], repeat, [*validate, str(team_file)], env,
                before=lambda run: team_file.write_bytes(original + f"# run {run}\n".encode()),
            ),
            command(stage, labels[3], repeat, validate, env,
                    before=lambda run: team_file.write_bytes(_retitled(original, run))),
        ]  # fmt: skip
    finally:
        team_file.write_bytes(original)


def _everything_stale(root: Path, repeat: int, env: dict[str, str]) -> Timing:
    """``okrs validate`` with no cache on a day nobody has checked in for weeks: a diagnostic
    for every key result, each located in its file."""
    cache = Path(env["OKRS_CACHE_DIR"])
    return command(
        "validate", "okrs, no cache, every key result stale", repeat,
        _okrs("validate", "--root", str(root)), {**env, "OKRS_AS_OF": LATE_AS_OF},
        before=lambda run: set_aside(cache), ok=(1,),
    )  # fmt: skip


def _next_quarter(root: Path, repeat: int, env: dict[str, str], work: Path) -> Timing:
    """``okrs validate`` with no cache once the next quarter's files are written with
    ``okrs new-period --from`` (not timed): twice the files, and a reference that does not
    resolve for each objective carried over whose parent was not (each with a hint)."""
    both = work / "next-quarter"
    shutil.copytree(root, both)
    carry = _okrs("new-period", NEXT_PERIOD, "--from", PERIOD, "--root", str(both))
    subprocess.run(carry, env=env, check=True, stdout=subprocess.DEVNULL)
    cache = Path(env["OKRS_CACHE_DIR"])
    return command(
        "validate", "okrs, no cache, the next quarter carried over", repeat,
        _okrs("validate", "--root", str(both)), env,
        before=lambda run: set_aside(cache), ok=(0, 1),
    )  # fmt: skip


def _retitled(original: bytes, run: int) -> bytes:
    """The team file with its first objective's title changed: pages, not just a digest, change."""
    lines = original.decode().splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("    title: "))
    text = lines[at].rstrip("\n")
    quote = text[-1] if text[-1] in "\"'" else ""
    lines[at] = f"{text[: len(text) - len(quote)]} (revision {run}){quote}\n"
    return "".join(lines).encode()


def _build(
    root: Path, team_file: Path, original: bytes, repeat: int, env: dict[str, str], work: Path
) -> list[Timing]:
    site, cache = work / "site", Path(env["OKRS_CACHE_DIR"])

    def cold(run: int) -> None:
        set_aside(cache)
        set_aside(site)

    build = _okrs("build", "--root", str(root), "--out", str(site))
    try:
        return [
            _paged(command("build", "okrs build, no cache", repeat, build, env, before=cold), site),
            _paged(command("build", "okrs build, nothing changed", repeat, build, env), site),
            _paged(command("build", "okrs build, one team's file changed", repeat, build, env,
                           before=lambda run: team_file.write_bytes(_retitled(original, run))),
                   site),
            # The first build's work with nothing kept for later builds, as Hugo builds.
            _paged(command("build", "okrs build, cache off (--no-cache)", repeat,
                           [*build, "--no-cache"], env,
                           before=lambda run: set_aside(site)),
                   site),
        ]  # fmt: skip
    finally:
        team_file.write_bytes(original)


def _paged(timing: Timing, site: Path) -> Timing:
    timing.pages = hugo.html_pages(site)
    return timing


def _hugo(root: Path, repeat: int, env: dict[str, str], work: Path) -> Timing | None:
    """Hugo rendering the pages okrs writes, from the Markdown ``benchmarks/hugo.py`` writes
    (not timed). Hugo keeps no cache between plain builds, so every run starts cold."""
    tool = shutil.which("hugo")
    if tool is None:
        sys.stdout.write("hugo is not installed: the Hugo row is left out.\n")
        return None
    project = work / "hugo"
    hugo.write_site(root, project, env)
    public = project / "public"
    argv = [tool, "--quiet", "--source", str(project), "--destination", str(public),
            "--cacheDir", str(work / "hugo-cache")]  # fmt: skip
    timing = command("build", PEERS["build"], repeat, argv, env,
                     before=lambda run: set_aside(public))  # fmt: skip
    return _paged(timing, public)


def _ids(original: bytes) -> list[str]:
    """The ids of a team file in order: an objective's, then its key results', and so on."""
    return [line.split(":", 1)[1].strip() for line in original.decode().splitlines()
            if line.strip().startswith("- id:")]  # fmt: skip


def _history(size: str, repeat: int, env: dict[str, str], work: Path) -> list[Timing | None]:
    """The same organisation with its git history: the history rules (OKR401), ``--base``,
    ``okrs history`` and the site with history, measured against ``git log --raw`` over the
    same commits."""
    root = private_copy(organisation(size, history=True), work)
    cache = Path(env["OKRS_CACHE_DIR"])

    def cold(run: int) -> None:
        set_aside(cache)

    # On L the cold stages take minutes each; one run says enough there.
    slow = 1 if size == "L" else repeat
    team_file = sorted(root.glob("okrs/*/*.yaml"))[SIZES[size] // 2]
    git_log = ["git", "-C", str(root), "log", "--raw", "--no-renames", "--", "okrs/"]
    timings: list[Timing | None] = [command("history", PEERS["history"], repeat, git_log, env)]
    labels = tuple(f"okrs validate with history, {when}"
                   for when in ("no cache", "nothing changed", "one file changed",
                                "one file edited, every file checked"))  # fmt: skip
    timings += _validate_runs("history", labels, root, team_file, (slow, repeat), env)
    based = [*_okrs("validate", "--root", str(root)), "--base", base_revision(size)]
    timings += [
        command("history", "okrs validate --base a week back, no cache", slow, based, env,
                before=cold),
        command("history", "okrs validate --base a week back, cache warm", repeat, based, env),
    ]  # fmt: skip
    history = _okrs("history", "--root", str(root), history_ref(size))
    timings += [
        command("history", "okrs history REF, no cache", slow, history, env, before=cold),
        command("history", "okrs history REF, cache warm", repeat, history, env),
    ]
    site = work / "site-history"
    build = _okrs("build", "--root", str(root), "--out", str(site))

    def fresh(run: int) -> None:
        cold(run)
        set_aside(site)

    first = command("build", "okrs build with history, no cache", slow, build, env, before=fresh)
    built = command("build", "okrs build with history, nothing changed", repeat, build, env)
    original = team_file.read_bytes()

    def merged(run: int) -> None:
        # As the publish workflow builds after a merge: a new commit, a new output folder and
        # the cache of the build before.
        team_file.write_bytes(_retitled(original, run))
        author = ["-c", "user.name=Bench", "-c", "user.email=bench@example.com"]
        commit = ["git", "-C", str(root), *author, "commit", "-q", "-a", "-m", f"Retitle {run}"]
        dated = {**env, "GIT_AUTHOR_DATE": f"{AS_OF}T12:00:00+00:00"}
        subprocess.run(commit, env={**dated, "GIT_COMMITTER_DATE": dated["GIT_AUTHOR_DATE"]},
                       check=True, stdout=subprocess.DEVNULL)  # fmt: skip
        set_aside(site)

    merged(repeat)  # one merge untimed: later merges find the history rules' cache filled too
    subprocess.run(build, env=env, check=True, stdout=subprocess.DEVNULL)
    after = command("build", "okrs build with history, after a merge (as CI publishes)", repeat,
                    build, env, before=merged)  # fmt: skip
    return [*timings, _paged(first, site), _paged(built, site), _paged(after, site)]


def history_ref(size: str) -> str:
    """The reference ``okrs history`` is timed on: the middle team's first objective."""
    team_file = sorted(organisation(size, history=True).glob("okrs/*/*.yaml"))[SIZES[size] // 2]
    return f"{team_file.stem}/{_ids(team_file.read_bytes())[0]}"


def base_revision(size: str) -> str:
    """A week of commits back: the generated history commits once per team per week."""
    return f"HEAD~{SIZES[size]}"


def _check_in(
    root: Path, team_file: Path, original: bytes, repeat: int, env: dict[str, str]
) -> Timing:
    team = team_file.stem
    objective, key_result = _ids(original)[:2]
    argv = _okrs("check-in", "--root", str(root), f"{team}/{objective}#{key_result}", "1")
    timing = command("check-in", "okrs check-in", repeat, argv, env,
                     before=lambda run: team_file.write_bytes(original))  # fmt: skip
    team_file.write_bytes(original)
    return timing


def _views(root: Path, repeat: int, env: dict[str, str]) -> list[Timing]:
    """``okrs tree`` and ``okrs report`` as people run them day to day: with the cache of an
    earlier run (one untimed run fills it)."""
    tree, report = (_okrs(name, "--root", str(root)) for name in ("tree", "report"))
    subprocess.run(tree, env=env, check=True, stdout=subprocess.DEVNULL)
    return [
        command("views", "okrs tree, cache warm", repeat, tree, env),
        command("views", "okrs report, cache warm", repeat, report, env),
    ]


def _check_jsonschema(
    root: Path, files: list[Path], repeat: int, env: dict[str, str], size: str
) -> Timing | None:
    tool = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent))
    if tool is None:
        return None
    schema_file = REPO / "schema" / "okrs.schema.json"
    team_files = [str(p) for p in files if p.name != "org.yaml"]
    runs = 1 if size == "L" else repeat
    return command("validate", "check-jsonschema (schema only)", runs,
                   [tool, "--schemafile", str(schema_file), *team_files], env)  # fmt: skip


def versions() -> str:
    names = ["okrs-as-code", "PyYAML", "jsonschema", "jsonschema-rs", "check-jsonschema"]
    found = []
    for name in names:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    for argv in (["hugo", "version"], ["git", "--version"]):
        version = _tool_version(argv)
        if version:
            found.append(version)
    return ", ".join(found)


def _tool_version(argv: list[str]) -> str | None:
    """``hugo v0.111.3+extended linux/amd64 ...`` or ``git version 2.39.5`` as "name version"."""
    if shutil.which(argv[0]) is None:
        return None
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    words = done.stdout.split()
    if done.returncode != 0 or not words:
        return None
    version = words[2] if words[1] == "version" and len(words) > 2 else words[1]
    return f"{argv[0]} {version.removeprefix('v').split('+')[0]}"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
        cpu = next(line.split(":", 1)[1].strip() for line in lines if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def table(size: str, timings: list[Timing]) -> str:
    root = organisation(size)
    megabytes = sum(p.stat().st_size for p in root.glob("okrs/**/*.yaml")) / 1e6
    floor = next(t.best for t in timings if t.tool.startswith("json.loads"))
    cold = next(t.best for t in timings if t.tool == "okrs, no cache")
    peers = {t.stage: t.best for t in timings if PEERS.get(t.stage) == t.tool}
    rows = [
        f"### {size}: {SIZES[size]} teams, {megabytes:.1f} MB of YAML",
        "",
        "| stage | tool | min | median | CPU | peak memory | pages "
        "| vs json.loads | vs okrs cold | vs peer |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for t in timings:
        memory = f"{t.peak_mb:.0f} MB" if t.peak_mb else "-"
        cpu = f"{statistics.median(t.cpu):.2f} s" if t.cpu else "-"
        pages = str(t.pages) if t.pages is not None else "-"
        peer = f"{t.best / peers[t.stage]:.2f}x" if t.stage in peers else "-"
        rows.append(
            f"| {t.stage} | {t.tool} | {t.best:.3f} s | {t.median:.3f} s | {cpu} | {memory} "
            f"| {pages} | {t.best / floor:.1f}x | {t.best / cold:.2f}x | {peer} |"
        )
    return "\n".join(rows) + "\n\n" + notes(size, timings) + "\n"


def notes(size: str, timings: list[Timing]) -> str:
    """What the table's peers, references and columns are, for this size."""
    measured = {t.tool for t in timings}
    peers = "; ".join(f"{stage}: {tool}" for stage, tool in PEERS.items() if tool in measured)
    lines = [
        f"vs peer divides by the stage's peer ({peers or 'none measured'}). CPU is the median "
        "user and system time of the process and its children; Hugo uses every core by default, "
        "okrs parses on two processes above 4 MB of YAML. pages: the HTML pages written.",
        f"REF is `{history_ref(size)}`; `--base` is `{base_revision(size)}`, a week of commits "
        "back.",
    ]
    okrs_pages = {t.pages or 0 for t in timings if t.stage == "build" and t.tool.startswith("okrs")}
    hugo_pages = {t.pages or 0 for t in timings if t.tool == PEERS["build"]}
    if hugo_pages and okrs_pages != hugo_pages:
        lines.append(f"Hugo wrote {sorted(hugo_pages)} pages, okrs build {sorted(okrs_pages)}.")
    return "\n".join(lines)


def write_report(out: Path, sections: dict[str, str]) -> None:
    """Replace the sections of the sizes measured, keep the others."""
    text = out.read_text(encoding="utf-8") if out.exists() else ""
    for size, section in sections.items():
        start, end = f"<!-- size {size} -->", f"<!-- /size {size} -->"
        block = f"{start}\n{section}{end}"
        if start in text and end in text:
            text = text[: text.index(start)] + block + text[text.index(end) + len(end) :]
        else:
            text = text.rstrip("\n") + ("\n\n" if text else "") + block + "\n"
    out.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--size", choices=list(SIZES), action="append", help="S, M or L (repeatable)"
    )
    parser.add_argument("--repeat", type=int, default=5, help="runs per stage (default 5)")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "performance.md")
    args = parser.parse_args(argv)
    sections = {}
    for size in args.size or ["S", "M"]:
        before = os.getloadavg()[0]
        timings = measure(size, args.repeat)
        # Other work on the machine slows the wall-clock figures (not the CPU column); say so.
        load = f"load average {before:.1f} before, {os.getloadavg()[0]:.1f} after"
        sections[size] = table(size, timings) + f"\n{machine()}, {load}; {versions()}.\n"
        sys.stdout.write(sections[size] + "\n")
    write_report(args.out, sections)
    return 0


if __name__ == "__main__":
    sys.exit(main())
