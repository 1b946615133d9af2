"""The validation pipeline: files -> loader -> schema -> model -> rules -> diagnostics."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import assemble, halves, schema, snapshot
from .cache import Cache, Parsed, Skeletons, chunk, skeleton
from .diagnostics import Diagnostic, Finding, Severity, Where
from .errors import OkrsError
from .graph import Graph, build_graph
from .loader import SourceFile, parse_bytes
from .model import CheckIn, Model, TeamFile
from .nogc import without_gc
from .parallel import Packed, beside, pack, parse_many
from .positions import PositionIndex
from .repository import ORG_FILE
from .rules import RULES, Context, Rule
from .snapshot import RawFile, Snapshot
from .tracker import SILENT, Tracker

if TYPE_CHECKING:
    from .timeline import Timeline

HISTORY_RULES = ("OKR401", "OKR402")


@dataclass
class Outcome:
    """The result of a run: sorted diagnostics and what was checked."""

    diagnostics: list[Diagnostic]
    files: int
    as_of: dt.date
    notices: list[str] = field(default_factory=list)  # one-line notes for standard error

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
    # Files assembled from their outline (see load_outline), by path: not schema-checked, and
    # their bytes (for check-ins, for positions) read when first asked for.
    outlined: Mapping[str, RawFile] = field(default_factory=dict)

    @functools.cached_property
    def positions(self) -> PositionIndex:
        """Lines and columns in the files read in full, each file's tree composed once even
        when several steps (the report, ``--base``'s comparison) look things up."""
        texts = {s.path: s.text for s in self.sources if s.text is not None}
        return PositionIndex(_Texts(texts, self.outlined))


class _Texts(Mapping[str, str]):
    """The files' texts, those of the files assembled from their outlines read when first
    asked for."""

    def __init__(self, texts: dict[str, str], unread: Mapping[str, RawFile]) -> None:
        self.texts = texts
        self.unread = unread

    def __getitem__(self, path: str) -> str:
        if path not in self.texts:
            content = self.unread[path].content
            if not isinstance(content, bytes):
                raise KeyError(path)
            self.texts[path] = content.decode("utf-8-sig")
        return self.texts[path]

    def __iter__(self) -> Iterator[str]:
        return iter({**self.unread, **self.texts})

    def __len__(self) -> int:
        return len(self.texts.keys() | self.unread.keys())


def load_repository(
    root: Path, overrides: dict[str, str] | None = None, cache: Cache | None = None
) -> Loaded:
    """Read, schema-check and assemble every file; unreadable files become findings.

    ``overrides`` gives the text of some files as they would be after an edit, so an edit can
    be validated before anything is written. With a ``cache``, files parsed before are read
    back from it (see :func:`load_whole`).
    """
    if cache is not None:
        return load_whole(snapshot.take(root, overrides, cache=cache), cache)
    return _load(snapshot.take(root, overrides))


def _load(
    snap: Snapshot,
    skeletons: dict[str, Any] | None = None,
    parsed: dict[str, SourceFile] | None = None,
    outlines: dict[str, Any] | None = None,
    packed: list[Packed] | None = None,
) -> Loaded:
    """Parse and assemble every file; a file in ``skeletons`` is assembled from its skeleton,
    one in ``outlines`` from its outline, and one in ``parsed`` is not parsed again; with
    ``packed``, the files parsed on both cores are also packed into it for a cache (see
    :func:`parallel.parse_many`). What loading builds lives for the rest of the run, so it is
    kept out of the collector's sight afterwards too."""
    with without_gc(keep=True):
        return _load_all(snap, skeletons or {}, parsed or {}, outlines or {}, packed)


def _load_all(
    snap: Snapshot,
    skeletons: dict[str, Any],
    known: dict[str, SourceFile],
    outlines: dict[str, Any],
    packed: list[Packed] | None,
) -> Loaded:
    sources = [snap.org_source]
    findings = schema.check("org", ORG_FILE, snap.org_source.data) if snap.org_source.ok else []
    files = []
    given = skeletons.keys() | known.keys() | outlines.keys()
    readable = [
        (raw.path, raw.content)
        for raw in snap.team_files
        if raw.path not in given and isinstance(raw.content, bytes)
    ]
    # Each file is checked and assembled as soon as it is parsed; the files come out of order.
    checked: list[Checked | None] = [None] * len(readable)
    parsed = parse_many(readable, packed)
    for index, source in parsed:
        checked[index] = _checked(source)
    fresh = iter(checked)
    for raw in snap.team_files:
        if raw.path in skeletons:
            files.append(assemble.team_file(SourceFile(raw.path, data=skeletons[raw.path])))
            continue
        if raw.path in outlines and not raw.unreadable:
            sources.append(SourceFile(raw.path, None, outlines[raw.path]))
            files.append(assemble.team_file(sources[-1], later=_check_ins_later(raw)))
            continue
        if raw.path in known:
            source, found, assembled = _checked(known[raw.path])
        elif isinstance(raw.content, bytes):
            done = next(fresh)
            assert done is not None  # parse_many gives every index once
            source, found, assembled = done
        else:
            source, found, assembled = _checked(raw.parse())
        sources.append(source)
        findings.extend(found)
        if assembled is not None:
            files.append(assembled)
    parsed.close()  # ends the worker process now rather than when the generator is freed
    org = snap.org
    model = Model(org, files, dict(org.periods) if org else {})
    outlined = {raw.path: raw for raw in snap.team_files if raw.path in outlines}
    return Loaded(snap.root, sources, model, build_graph(model), findings, outlined)


def _check_ins_later(raw: RawFile) -> assemble.Later:
    """A file's check-ins, from its bytes read and parsed once when a key result's are first
    asked for."""
    parsed: list[Any] = []

    def later(objective: int, key_result: int) -> list[CheckIn]:
        if not parsed:
            content = raw.content
            assert isinstance(content, bytes)  # a file left out unreadable has no outline
            parsed.append(parse_bytes(raw.path, content).data)
        return assemble.check_ins_at(parsed[0], objective, key_result)

    return later


# A file, its schema findings and its model.
Checked = tuple[SourceFile, list[Finding], TeamFile | None]


def _checked(source: SourceFile) -> Checked:
    if not source.ok:
        return source, [], None
    return source, schema.check("okrs", source.path, source.data), assemble.team_file(source)


def with_file(loaded: Loaded, path: str, text: str) -> Loaded:
    """The repository as it would be with one team file's text replaced (or read in full)."""
    source = parse_bytes(path, text.encode("utf-8"))
    sources = [s for s in loaded.sources if s.path != path] + [source]
    findings = [f for f in loaded.schema_findings if f.where.file != path]
    files = [f for f in loaded.model.files if f.path != path]
    if source.ok:
        findings.extend(schema.check("okrs", path, source.data))
        files.append(assemble.team_file(source))
    files.sort(key=lambda f: f.path)
    model = Model(loaded.model.org, files, loaded.model.periods)
    return Loaded(loaded.root, sources, model, build_graph(model), findings)


def validate(
    root: Path,
    as_of: dt.date,
    only: Iterable[str] | None = None,
    overrides: dict[str, str] | None = None,
    cache: Cache | None = None,
    tracker: Tracker = SILENT,
    keep: list[object] | None = None,
) -> Outcome:
    """Run every rule over the repository at ``root``.

    ``only`` (repository-relative paths) limits the report to diagnostics in those files, except
    when org.yaml is among them: an organisation change can break every team's file. ``keep``
    receives what the run loaded, for a caller about to exit, which need not spend the time
    freeing it object by object.
    """
    snap = snapshot.take(root, overrides, cache=cache)
    return check(snap, as_of, only, cache, tracker, keep)


def check(
    snap: Snapshot,
    as_of: dt.date,
    only: Iterable[str] | None,
    cache: Cache | None,
    tracker: Tracker = SILENT,
    keep: list[object] | None = None,
) -> Outcome:
    """:func:`validate` over files already read; ``tracker`` hears how far a first reading of
    the git history has got."""
    wanted = None if only is None or ORG_FILE in set(only) else set(only)
    if cache is None:
        return _run(snap, as_of, wanted, None, tracker, keep)
    context = _context(snap, as_of, wanted)
    cached = cache.outcome(snap.digest(*context))
    if cached is not None:
        return _from_json(cached, as_of)
    result = _after_edits(snap, as_of, context, cache, tracker) if wanted is None else None
    if result is None:
        result = _run(snap, as_of, wanted, cache, tracker, keep)
    _remember(snap, context, wanted, result, cache)
    return result


def check_loaded(
    snap: Snapshot,
    loaded: Loaded,
    as_of: dt.date,
    cache: Cache | None,
    history: Timeline | str | None,
) -> Outcome:
    """:func:`check` of every file, over the files the caller has loaded whole and the history
    it has read (the site's build): a run with the same inputs, or the last full run with the
    files edited since, answers as it does for ``okrs validate``."""
    if cache is None:
        return outcome(loaded, as_of, None, len(snap.files), history)
    context = _context(snap, as_of, None)
    cached = cache.outcome(snap.digest(*context))
    if cached is not None:
        return _from_json(cached, as_of)
    result = _after_edits(snap, as_of, context, cache, SILENT, loaded, history)
    if result is None:
        if loaded.outlined:  # every rule over every file needs every file whole
            loaded = load_whole(snap, cache)
        result = outcome(loaded, as_of, None, len(snap.files), history)
        _store_skeletons(snap, loaded, cache)
    _remember(snap, context, None, result, cache)
    return result


def _context(snap: Snapshot, as_of: dt.date, wanted: set[str] | None) -> list[str]:
    """What a run's outcome depends on besides the files' bytes and the toolkit."""
    context = [as_of.isoformat(), repr(sorted(wanted or []))]
    if _history_wanted(_severities(snap.org_source)):
        from .gitutil import head

        context.append("HEAD " + head(snap.root))  # the history rules read the commits too
    return context


def _remember(
    snap: Snapshot, context: list[str], wanted: set[str] | None, result: Outcome, cache: Cache
) -> None:
    stored = _to_json(result)
    cache.store_outcome(snap.digest(*context), stored)
    if wanted is None:
        digests = {raw.path: raw.digest for raw in snap.files}
        cache.store_last_run({"context": context, "digests": digests, "outcome": stored})


def _run(
    snap: Snapshot,
    as_of: dt.date,
    wanted: set[str] | None,
    cache: Cache | None,
    tracker: Tracker,
    keep: list[object] | None = None,
) -> Outcome:
    kept = keep if keep is not None else []
    if wanted is None and halves.worth_it(snap):
        # The history is read first, for both processes to inherit.
        history = _history(snap.root, snap.org_source, cache, "HEAD", None, tracker)
        kept.append(history)
        result = _in_halves(snap, as_of, cache, history, kept)
        if result is not None:
            return result
        loaded = load_focused(snap, wanted, cache)
    else:
        loaded = load_focused(snap, wanted, cache)
        # A run on some files (pre-commit) reads only those files' history: objectives are
        # judged by the commits that changed their own file; a full run also follows moves
        # between files.
        paths = sorted(wanted) if wanted is not None else None
        history = history_for(loaded, cache, paths=paths, tracker=tracker)
        kept.append(history)
    kept.append(loaded)
    return outcome(loaded, as_of, wanted, len(snap.files), history)


def _in_halves(
    snap: Snapshot,
    as_of: dt.date,
    cache: Cache | None,
    history: Timeline | str | None,
    kept: list[object],
) -> Outcome | None:
    """A full run checked in two halves (see ``halves``), or None when the other process
    failed; the cache learns every file's skeleton, as :func:`load_focused` has it learn."""
    checked = halves.check(snap, as_of, history)
    if checked is None:
        return None
    result, loaded, known = checked
    kept.append(loaded)
    if cache is not None:
        cache.store_skeletons({f.path: (f.digest, known[f.path][1]) for f in snap.team_files})
    return result


def _after_edits(
    snap: Snapshot,
    as_of: dt.date,
    context: list[str],
    cache: Cache,
    tracker: Tracker,
    whole: Loaded | None = None,
    history: Timeline | str | None = None,
) -> Outcome | None:
    """A full run's outcome from the last full run's and the edited files', or None when that
    cannot be told apart from running every rule again.

    What the rules say about one file depends on that file and on the others' skeletons (a
    run on some files, as pre-commit makes, relies on the same). So when org.yaml, the as-of
    date, the commit checked out and the set of files are those of the last full run, and the
    edited files keep their skeletons, every other file's diagnostics are the last run's, and
    only the edited files are checked, with the whole history (a full run follows objectives
    moved between files). ``whole`` is the repository already loaded whole, and ``history``
    its timeline, when the caller has them.
    """
    since = _since_last_run(snap, context, cache)
    if since is None:
        return None
    last, edited, kept = since
    now = {raw.path: raw.digest for raw in snap.files}
    loaded = whole if whole is not None else load_focused(snap, edited, cache)
    if any(s.path in edited and (not s.ok or skeleton(s.data) != kept[s.path][1])
           for s in loaded.sources):  # fmt: skip
        return None
    try:
        before = _from_json(last["outcome"], as_of)
    except (KeyError, TypeError, ValueError):
        return None
    if history is None:
        history = history_for(loaded, cache, tracker=tracker)
    fresh = outcome(loaded, as_of, edited, len(snap.files), history)
    others = [d for d in before.diagnostics if d.path not in edited]
    diagnostics = sorted({*others, *fresh.diagnostics}, key=Diagnostic.sort_key)
    cache.store_skeletons({**kept, **{p: (now[p], kept[p][1]) for p in edited}})
    return Outcome(diagnostics, len(snap.files), as_of, fresh.notices)


def _since_last_run(
    snap: Snapshot, context: list[str], cache: Cache
) -> tuple[dict[str, Any], set[str], Skeletons] | None:
    """The last full run, the files edited since and the skeletons it left, when it had this
    context and these files, and no more than a quarter of them (nor org.yaml) were edited;
    otherwise None."""
    last = cache.last_run()
    digests = last.get("digests")
    if last.get("context") != context or not isinstance(digests, dict):
        return None
    now = {raw.path: raw.digest for raw in snap.files}
    edited = {path for path, digest in now.items() if digests.get(path) != digest}
    if now.keys() != digests.keys() or not edited or ORG_FILE in edited:
        return None
    if len(edited) > len(now) // 4:  # a long way from the last run: as fast to run it all
        return None
    kept = cache.skeletons()  # as the last full run left them, unless another run since
    if any(kept.get(raw.path, ("",))[0] != digests[raw.path] for raw in snap.team_files):
        return None
    return last, edited, kept


def answered(snap: Snapshot, as_of: dt.date, cache: Cache) -> bool:
    """Whether :func:`check_loaded` can answer without every file's data whole (most often):
    a run with these inputs is in the cache, or the last full run's context and files are
    these, with a few files edited since (whose skeletons it then compares)."""
    context = _context(snap, as_of, None)
    found = cache.outcome(snap.digest(*context)) is not None
    return found or _since_last_run(snap, context, cache) is not None


def load_focused(snap: Snapshot, wanted: set[str] | None, cache: Cache | None) -> Loaded:
    """The repository with ``wanted`` files in full and the others from their skeletons.

    Skeletons are used only when the cache holds one for every other file, at its current
    content; otherwise every file is read in full, and the cache learns their skeletons.
    """
    known = cache.skeletons() if cache and wanted is not None else {}
    others = [raw for raw in snap.team_files if raw.path not in (wanted or ())]
    reusable = {
        raw.path: known[raw.path][1]
        for raw in others
        if known.get(raw.path, ("",))[0] == raw.digest
    }
    if wanted is not None and len(reusable) == len(others):
        return _load(snap, reusable)
    loaded = _load(snap)
    if cache is not None:
        _store_skeletons(snap, loaded, cache)
    return loaded


def _store_skeletons(snap: Snapshot, loaded: Loaded, cache: Cache) -> None:
    data = {source.path: source.data for source in loaded.sources}
    cache.store_skeletons(
        {raw.path: (raw.digest, skeleton(data[raw.path])) for raw in snap.team_files}
    )


def load_whole(snap: Snapshot, cache: Cache | None) -> Loaded:
    """Every file in full, for the site; a file whose bytes the cache has seen is not parsed
    again (its data is read back from the cache), and the cache learns the others. The
    skeletons are left as they are: :func:`check_loaded` compares the edited files' with
    those of the last run."""
    with without_gc(keep=True):  # reading the cache back builds millions of objects, too
        known = cache.parsed() if cache is not None else {}
    reused = {
        raw.path: SourceFile(raw.path, raw.content.decode("utf-8-sig"), known[raw.path][1])
        for raw in snap.team_files
        if isinstance(raw.content, bytes) and known.get(raw.path, ("",))[0] == raw.digest
    }
    packed: list[Packed] = []
    loaded = _load(snap, parsed=reused, packed=packed)
    if cache is not None and len(reused) < len(snap.team_files):
        _store_parsed(snap, loaded, cache, packed)
    return loaded


def _store_parsed(snap: Snapshot, loaded: Loaded, cache: Cache, packed: list[Packed]) -> None:
    """Each file's data and outline, for later runs: the chunks packed as they were parsed,
    and the other files (read from the cache, or parsed by this process alone) packed here."""
    done = {path for c in packed for path in c.paths}
    rest = [s for s in loaded.sources[1:] if s.ok and s.path not in done]
    if rest:
        with contextlib.suppress(ValueError):  # data nested too deeply to marshal: not kept
            packed = [*packed, pack(rest)]
    digests = {raw.path: raw.digest for raw in snap.team_files}
    cache.store_parsed([(c.paths, [digests[p] for p in c.paths], c.data) for c in packed])
    cache.store_outlines([(c.paths, [digests[p] for p in c.paths], c.outlines) for c in packed])


def load_outline(snap: Snapshot, cache: Cache) -> Loaded | None:
    """Every file for the site, most from their *outline* (their data without check-ins, kept
    by digest), whose check-ins are then read from their bytes only when asked for; the files
    it has no outline of are parsed. None when it has outlines of fewer than three in four
    files: then :func:`load_whole`.

    Only the parsed files are schema-checked: the rules' outcome comes from an earlier run
    (:func:`answered`), and figures from the cache (``site.parts``).
    """
    with without_gc(keep=True):
        kept = cache.outlines()
    outlines = {
        raw.path: kept[raw.path][1]
        for raw in snap.team_files
        if not raw.unreadable and kept.get(raw.path, ("",))[0] == raw.digest
    }
    if len(outlines) * 4 < len(snap.team_files) * 3:
        return None
    loaded = _load(snap, outlines=outlines)
    if len(outlines) < len(snap.team_files):
        _store_outlines(snap, loaded, cache, kept)
    return loaded


def _store_outlines(snap: Snapshot, loaded: Loaded, cache: Cache, kept: Parsed) -> None:
    # Imported here: its expressions take 10 ms to compile, which every validation would pay.
    from .versions import without_check_ins

    digests = {raw.path: raw.digest for raw in snap.team_files}
    entries = [(path, *kept[path]) for path in loaded.outlined]
    entries += [
        (s.path, digests[s.path], without_check_ins(s.data))
        for s in loaded.sources[1:]
        if s.ok and s.path not in loaded.outlined
    ]
    if (packed := chunk(entries)) is not None:
        cache.store_outlines([packed])


def _history_wanted(severities: dict[str, Severity]) -> bool:
    return any(severities[code] is not Severity.OFF for code in HISTORY_RULES)


def history_for(
    loaded: Loaded,
    cache: Cache | None,
    rev: str = "HEAD",
    paths: list[str] | None = None,
    tracker: Tracker = SILENT,
) -> Timeline | str | None:
    """The timeline up to ``rev`` when a history rule is enabled (or why there is none), else
    None: other runs pay nothing for git."""
    return _history(loaded.root, loaded.sources[0], cache, rev, paths, tracker)


def _history(
    root: Path,
    org_source: SourceFile,
    cache: Cache | None,
    rev: str,
    paths: list[str] | None,
    tracker: Tracker,
) -> Timeline | str | None:
    if not _history_wanted(_severities(org_source)):
        return None
    from .timeline import read

    return read(root, cache, rev, check_ins=False, paths=paths, tracker=tracker)


def history_notice(severities: dict[str, Severity], reason: str) -> str:
    """The one line said on standard error when history rules are enabled but cannot run."""
    codes = " and ".join(c for c in HISTORY_RULES if severities[c] is not Severity.OFF)
    return f"okrs: note: {codes} skipped: {reason} (they read the git history)"


def outcome(
    loaded: Loaded,
    as_of: dt.date,
    wanted: set[str] | None,
    files: int,
    history: Timeline | str | None = None,
    keep: Callable[[Finding], bool] | None = None,
) -> Outcome:
    """Every rule over a loaded repository, reporting the ``wanted`` files (None: all).

    ``history`` is the repository's timeline (or why there is none) when the caller read it
    already; otherwise it is read here, and only when a history rule is enabled. ``keep``
    drops findings before they are located (a comparison that needs only some of them).
    """
    if history is None:
        history = history_for(loaded, None)
    severities = _severities(loaded.sources[0])
    skipped = isinstance(history, str) and _history_wanted(severities)
    notices = [history_notice(severities, str(history))] if skipped else []
    context = Context(
        loaded.model,
        loaded.graph,
        as_of,
        loaded.sources,
        loaded.schema_findings,
        None if wanted is None else frozenset(wanted),
        None if history is None or isinstance(history, str) else history,
    )
    enabled = [
        rule
        for code, rule in RULES.items()
        if severities[code] is not Severity.OFF and (loaded.model.org or not rule.needs_org)
    ]
    findings = _findings(context, enabled)
    if wanted is not None:
        findings = [f for f in findings if f.where.file in wanted]
    if keep is not None:
        findings = [f for f in findings if keep(f)]
    places = _places(findings, loaded.positions)
    located = {
        Diagnostic(f.where.file, line, column, f.code, severities[f.code], f.message, f.hint)
        for f, (line, column) in zip(findings, places, strict=True)
    }
    diagnostics = sorted(located, key=Diagnostic.sort_key)
    return Outcome(diagnostics, files, as_of, notices)


# From this many commits in a timeline not made yet, the other rules run beside the history's.
PARALLEL_FROM_COMMITS = 2000


def _findings(context: Context, rules: list[Rule]) -> list[Finding]:
    """What ``rules`` find, in their order. Making the timeline's versions is most of the
    history rules' time (0.45 s of one core on a large organisation), so then the other rules
    run in a forked process beside them."""
    history = context.history
    if history is None or history.to_make < PARALLEL_FROM_COMMITS:
        return [finding for rule in rules for finding in rule.check(context)]
    mine = [rule for rule in rules if rule.code in HISTORY_RULES]
    theirs = [rule for rule in rules if rule.code not in HISTORY_RULES]
    with beside(functools.partial(_found, context, theirs), worth_it=bool(mine)) as found:
        by_code = _found(context, mine)
        by_code.update(found())
    return [finding for rule in rules for finding in by_code[rule.code]]


def _found(context: Context, rules: list[Rule]) -> dict[str, list[Finding]]:
    return {rule.code: list(rule.check(context)) for rule in rules}


# From this many files to look up places in, the other core takes half of them.
PARALLEL_FROM_LOCATED_FILES = 100


def _places(findings: list[Finding], positions: PositionIndex) -> list[tuple[int, int]]:
    """Each finding's line and column, its own or looked up; ``findings`` are put in file
    order, since only the last few files' positions are kept (see PositionIndex)."""
    findings.sort(key=_file_of)
    files = list(dict.fromkeys(f.where.file for f in findings if f.line is None))
    if len(files) < PARALLEL_FROM_LOCATED_FILES:
        return _located(findings, positions)
    # Looking places up reads each file again: with a finding in every file of a large
    # organisation (a week nobody checked in), that is most of the run, so both cores share it.
    cut = next(i for i, f in enumerate(findings) if f.where.file == files[len(files) // 2])
    with beside(functools.partial(_located, findings[cut:], positions)) as theirs:
        mine = _located(findings[:cut], positions)
        return mine + theirs()


def _located(findings: list[Finding], positions: PositionIndex) -> list[tuple[int, int]]:
    with without_gc():  # reading a file's positions builds many objects and no cycles
        return [
            (f.line, f.column or 1) if f.line is not None else positions.locate(f.where)
            for f in findings
        ]


def _to_json(outcome: Outcome) -> dict[str, Any]:
    return {
        "files": outcome.files,
        "notices": outcome.notices,
        "diagnostics": [
            [d.path, d.line, d.column, d.code, d.severity.value, d.message, d.hint]
            for d in outcome.diagnostics
        ],
    }


def _from_json(stored: dict[str, Any], as_of: dt.date) -> Outcome:
    diagnostics = [
        Diagnostic(path, line, column, code, Severity(severity), message, hint)
        for path, line, column, code, severity, message, hint in stored["diagnostics"]
    ]
    notices = stored.get("notices")
    kept = [n for n in notices if isinstance(n, str)] if isinstance(notices, list) else []
    return Outcome(diagnostics, stored["files"], as_of, kept)


def _file_of(finding: Finding) -> str:
    return finding.where.file


def _severities(org_source: SourceFile) -> dict[str, Severity]:
    """Default severities with ``policy.rules`` applied; an unknown code stops the run."""
    chosen = {code: rule.severity for code, rule in RULES.items()}
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
