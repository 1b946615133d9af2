"""The performance benchmark: okrs and its peers on the same generated organisation, in one run.

    python -m benchmarks.run [--size S|M|L] [--repeat N] [--out docs/performance.md]

For each size it generates (once, into ``benchmarks/data/``) an organisation of 20, 200 or 2000
teams, then times every stage several times and reports the minimum, the median and the peak
memory: the floor (reading the bytes, and ``json.loads`` of the same data stored as JSON, each in a
fresh process as the okrs commands run),
``okrs validate`` cold, warm and on one changed file as pre-commit runs it, ``okrs check-in``,
and check-jsonschema validating the same files against the project's own schema. Results go to
standard output and, as a table per size, into ``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from benchmarks.generate import generate

SIZES = {"S": 20, "M": 200, "L": 2000}
SEED = 1
AS_OF = "2026-12-10"
DATA = Path(__file__).resolve().parent / "data"
REPO = Path(__file__).resolve().parent.parent


@dataclass
class Timing:
    stage: str
    tool: str
    seconds: list[float]
    peak_mb: float | None = None

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
    """Time a command in a child process; its peak memory comes from the kernel's accounting."""
    seconds, peak = [], 0.0
    for run in range(repeat):
        if before is not None:
            before(run)
        start = time.perf_counter()
        child = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(child.pid, 0)
        seconds.append(time.perf_counter() - start)
        code = os.waitstatus_to_exitcode(status)
        if code not in ok:
            error = child.stderr.read().decode() if child.stderr else ""
            raise RuntimeError(f"{' '.join(argv[:3])}... exited {code}: {error[-2000:]}")
        peak = max(peak, usage.ru_maxrss / 1024)
    return Timing(stage, tool, seconds, peak)


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


def measure(size: str, repeat: int) -> list[Timing]:
    root = organisation(size)
    yaml_files = sorted(root.glob("okrs/**/*.yaml"))
    cache = Path(tempfile.mkdtemp(prefix="okrs-bench-cache-"))
    env = {**os.environ, "OKRS_CACHE_DIR": str(cache), "OKRS_AS_OF": AS_OF}
    validate = _okrs("validate", "--root", str(root))
    team_file = yaml_files[len(yaml_files) // 2]
    original = team_file.read_bytes()
    timings: list[Timing | None] = [
        command("floor", "read the bytes", repeat, _floor(root, "okrs", "p.read_bytes()"), env),
        command("floor", "json.loads, same data", repeat,
                _floor(root, "json/okrs", "json.loads(p.read_bytes())"), env),
        command("validate", "okrs, no cache", repeat, validate, env,
                before=lambda run: shutil.rmtree(cache, ignore_errors=True)),
        command("validate", "okrs, nothing changed", repeat, validate, env),
        command(
            "validate", "okrs, one file changed (pre-commit)", repeat,
            [*validate, str(team_file)], env,
            before=lambda run: team_file.write_bytes(original + f"# run {run}\n".encode()),
        ),
    ]  # fmt: skip
    team_file.write_bytes(original)
    timings.append(_check_in(root, team_file, original, repeat, env))
    timings.append(_check_jsonschema(root, yaml_files, repeat, env, size))
    timings.extend(_history(size, repeat, {**env, "OKRS_CACHE_DIR": str(cache / "history")}))
    shutil.rmtree(cache, ignore_errors=True)
    return [t for t in timings if t is not None]


def _history(size: str, repeat: int, env: dict[str, str]) -> list[Timing | None]:
    """The same organisation with its git history: the history rules (OKR401) read every
    commit, measured against ``git log --raw`` over the same commits."""
    root = organisation(size, history=True)
    cache = Path(env["OKRS_CACHE_DIR"])
    validate = _okrs("validate", "--root", str(root))
    team_file = sorted(root.glob("okrs/*/*.yaml"))[SIZES[size] // 2]
    original = team_file.read_bytes()
    timings: list[Timing | None] = [
        command("history", "git log --raw, same commits", repeat,
                ["git", "-C", str(root), "log", "--raw", "--no-renames", "--", "okrs/"], env),
        command("history", "okrs validate with history, no cache", repeat, validate, env,
                before=lambda run: shutil.rmtree(cache, ignore_errors=True)),
        command("history", "okrs validate with history, nothing changed", repeat, validate, env),
        command(
            "history", "okrs validate with history, one file changed", repeat,
            [*validate, str(team_file)], env,
            before=lambda run: team_file.write_bytes(original + f"# run {run}\n".encode()),
        ),
    ]  # fmt: skip
    team_file.write_bytes(original)
    objective = next(line.split(":", 1)[1].strip() for line in original.decode().splitlines()
                     if line.strip().startswith("- id:"))  # fmt: skip
    history = _okrs("history", "--root", str(root), f"{team_file.stem}/{objective}")
    timings += [
        command("history", "okrs validate --base HEAD~1", repeat, [*validate, "--base", "HEAD~1"],
                env),
        command("history", "okrs history REF, no cache", repeat, history, env,
                before=lambda run: shutil.rmtree(cache, ignore_errors=True)),
        command("history", "okrs history REF, cache warm", repeat, history, env),
    ]  # fmt: skip
    return timings


def _check_in(
    root: Path, team_file: Path, original: bytes, repeat: int, env: dict[str, str]
) -> Timing:
    team = team_file.stem
    objective = next(line.split(":", 1)[1].strip() for line in original.decode().splitlines()
                     if line.strip().startswith("- id:"))  # fmt: skip
    key_result = [line.split(":", 1)[1].strip() for line in original.decode().splitlines()
                  if line.strip().startswith("- id:")][1]  # fmt: skip
    argv = _okrs("check-in", "--root", str(root), f"{team}/{objective}#{key_result}", "1")
    timing = command("check-in", "okrs check-in", repeat, argv, env,
                     before=lambda run: team_file.write_bytes(original))  # fmt: skip
    team_file.write_bytes(original)
    return timing


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
    return ", ".join(found)


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
    rows = [
        f"### {size}: {SIZES[size]} teams, {megabytes:.1f} MB of YAML",
        "",
        "| stage | tool | min | median | peak memory | vs json.loads | vs okrs cold |",
        "|---|---|---|---|---|---|---|",
    ]
    for t in timings:
        memory = f"{t.peak_mb:.0f} MB" if t.peak_mb else "-"
        rows.append(
            f"| {t.stage} | {t.tool} | {t.best:.3f} s | {t.median:.3f} s | {memory} "
            f"| {t.best / floor:.1f}x | {t.best / cold:.2f}x |"
        )
    return "\n".join(rows) + "\n"


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
        timings = measure(size, args.repeat)
        sections[size] = table(size, timings) + f"\n{machine()}; {versions()}.\n"
        sys.stdout.write(sections[size] + "\n")
    write_report(args.out, sections)
    return 0


if __name__ == "__main__":
    sys.exit(main())
