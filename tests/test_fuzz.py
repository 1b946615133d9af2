"""Property tests: validation never crashes and never hangs, whatever the files hold.

Hypothesis generates small organisations that are valid by construction, then breaks them:
random bytes in place of a file, a cut or a stray byte, one value of the data replaced by
anything YAML can hold or removed. ``okrs validate`` must always end with exit 0, 1 or 2 and
one of its reports, never a traceback or an "internal error"; an unbroken organisation must
validate without errors. The examples are the same on every run (see the profile in
tests/conftest.py).
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result
from hypothesis import given
from hypothesis import strategies as st

from okrs_as_code import yamlsafe
from okrs_as_code.cli import main

AS_OF = dt.date(2026, 11, 20)
PERIOD_START = dt.date(2026, 10, 1)
IDS = st.from_regex(r"\A[a-z0-9][a-z0-9-]{0,20}\Z")
TEXT = st.text(st.characters(codec="utf-8"), min_size=1, max_size=40).filter(
    lambda text: text.strip() != ""
)
HANDLES = ["@maya", "@sam", "@lee"]
Files = dict[str, Any]


@st.composite
def check_ins(draw: st.DrawFn, kind: str) -> list[dict[str, Any]]:
    """Oldest first on distinct dates, the last recent enough not to be stale (7d + 2d)."""
    days = draw(st.lists(st.integers(0, 50), min_size=0, max_size=4, unique=True))
    last = draw(st.integers(41, 50))  # 2026-11-11 to 2026-11-20
    dates = sorted({d for d in days if d < last} | {last})
    entries = []
    for offset in dates:
        value: Any = (
            draw(st.sampled_from([0, 0.5, 1, True, False]))
            if kind == "milestone"
            else draw(st.integers(-1000, 1000) | st.floats(-1e6, 1e6, allow_nan=False))
        )
        entry: dict[str, Any] = {"date": (PERIOD_START + dt.timedelta(offset)).isoformat()}
        entry["value"] = value
        if draw(st.booleans()):
            entry["confidence"] = draw(st.floats(0, 1))
        if draw(st.booleans()):
            entry["note"] = draw(TEXT)
        entries.append(entry)
    return entries


@st.composite
def key_result(draw: st.DrawFn, kr_id: str) -> dict[str, Any]:
    kind = draw(st.sampled_from(["metric", "milestone", "keep"]))
    kr: dict[str, Any] = {"id": kr_id, "title": draw(TEXT)}
    if kind == "metric":
        baseline = draw(st.integers(-100, 100))
        kr["baseline"] = baseline
        kr["target"] = baseline + draw(st.integers(1, 50)) * draw(st.sampled_from([1, -1]))
        if draw(st.booleans()):
            kr["unit"] = draw(TEXT)
    elif kind == "milestone":
        kr["milestone"] = True
    else:
        kr["keep"] = {draw(st.sampled_from(["at_least", "at_most"])): draw(st.integers(0, 100))}
    if draw(st.booleans()):
        kr["owner"] = draw(st.sampled_from(HANDLES))
    kr["check_ins"] = draw(check_ins(kind))
    return kr


@st.composite
def objective(draw: st.DrawFn, objective_id: str, parents: list[str]) -> dict[str, Any]:
    found: dict[str, Any] = {"id": objective_id, "title": draw(TEXT)}
    if parents:
        found["aligns_to"] = draw(st.sampled_from(parents))
    if draw(st.booleans()):
        found["description"] = draw(TEXT)
    if draw(st.booleans()):
        found["owner"] = draw(st.sampled_from(HANDLES))
    kr_ids = draw(st.lists(IDS, min_size=1, max_size=3, unique=True))
    found["key_results"] = [draw(key_result(kr_id)) for kr_id in kr_ids]
    return found


@st.composite
def organisations(draw: st.DrawFn) -> Files:
    """{path: data} of a valid organisation: a root team and up to three teams aligned to it."""
    team_ids = draw(st.lists(IDS.filter(lambda t: t != "company"), max_size=3, unique=True))
    teams: dict[str, Any] = {"company": {"name": draw(TEXT), "owners": ["@maya"]}}
    for team in team_ids:
        teams[team] = {"name": draw(TEXT), "parent": "company", "owners": ["@sam"]}
    org = {
        "organization": draw(TEXT),
        "teams": teams,
        "people": {handle: {"name": draw(TEXT)} for handle in HANDLES},
        "policy": {"cadence": {"check_in_every": "7d", "grace": "2d"}},
    }
    files: Files = {"okrs/org.yaml": org}
    root_ids = draw(st.lists(IDS, min_size=1, max_size=3, unique=True))
    objectives = [draw(objective(o, [])) for o in root_ids]
    files["okrs/2026-Q4/company.yaml"] = {"team": "company", "period": "2026-Q4",
                                          "objectives": objectives}  # fmt: skip
    parents = [f"company/{o}" for o in root_ids]
    parents += [f"company/{o['id']}#{kr['id']}" for o in objectives for kr in o["key_results"]]
    for team in team_ids:
        own = draw(st.lists(IDS, min_size=1, max_size=3, unique=True))
        files[f"okrs/2026-Q4/{team}.yaml"] = {
            "team": team,
            "period": "2026-Q4",
            "objectives": [draw(objective(o, parents)) for o in own],
        }
    return files


def _write(root: Path, files: dict[str, bytes]) -> None:
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def _validate(files: dict[str, bytes]) -> Result:
    with tempfile.TemporaryDirectory() as folder:
        _write(Path(folder), files)
        result = CliRunner().invoke(
            main,
            ["validate", "--no-cache", "--root", folder, "--as-of", AS_OF.isoformat(),
             "--format", "json"],
            env={"OKRS_DEBUG": None, "OKRS_AS_OF": None},
            catch_exceptions=False,
        )  # fmt: skip
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    if result.exit_code == 2:
        assert result.stderr.count("\n") == 1 and result.stderr.startswith("okrs: "), result.stderr
    else:
        report = json.loads(result.stdout)
        assert (report["summary"]["errors"] > 0) == (result.exit_code == 1)
    return result


def _dumped(files: Files) -> dict[str, bytes]:
    return {path: yamlsafe.dump(data).encode("utf-8") for path, data in files.items()}


@given(organisations())
def test_a_valid_organisation_validates_clean(files: Files) -> None:
    result = _validate(_dumped(files))
    errors = [d for d in json.loads(result.stdout)["diagnostics"] if d["severity"] == "error"]
    assert result.exit_code == 0 and errors == []


def _places(data: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside the data, the root excluded."""
    found: list[tuple[Any, ...]] = []
    items: Any = []
    if isinstance(data, dict):
        items = data.items()
    elif isinstance(data, list):
        items = enumerate(data)
    for key, value in items:
        found.append((*at, key))
        found.extend(_places(value, (*at, key)))
    return found


ANYTHING = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT | st.sampled_from(["", "2026-02-30", "2026-13-01", "../x", "company/", "#", "7x",
                              "0d", "2026-Q5", "x/y/z/w#v", "@", "true", "null"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT | IDS, inner, max_size=3),
    max_leaves=6,
)  # fmt: skip


@given(organisations(), st.data())
def test_a_changed_value_never_crashes_validation(files: Files, data: st.DataObject) -> None:
    """One value anywhere replaced by anything (a wrong type, a bad date, a broken reference)
    or removed: the schema and the rules report it, nothing crashes."""
    path = data.draw(st.sampled_from(sorted(files)))
    document = files[path]
    place = data.draw(st.sampled_from(_places(document)))
    container = document
    for part in place[:-1]:
        container = container[part]
    if data.draw(st.booleans()):
        container[place[-1]] = data.draw(ANYTHING)
    elif isinstance(container, dict):
        del container[place[-1]]
    else:
        container.pop(place[-1])
    dumped = {p: json.dumps(d, ensure_ascii=False).encode("utf-8") for p, d in files.items()}
    _validate(dumped)  # JSON is YAML: any data can be written, whatever dump would refuse


@given(organisations(), st.data())
def test_broken_bytes_never_crash_validation(files: Files, data: st.DataObject) -> None:
    """Random bytes in place of a file, a file cut short, or a stray byte in it."""
    dumped = _dumped(files)
    path = data.draw(st.sampled_from(sorted(dumped)))
    original = dumped[path]
    how = data.draw(st.sampled_from(["random", "cut", "insert", "swap"]))
    if how == "random":
        dumped[path] = data.draw(st.binary(max_size=200))
    elif how == "cut":
        dumped[path] = original[: data.draw(st.integers(0, len(original)))]
    elif how == "insert":
        at = data.draw(st.integers(0, len(original)))
        stray = data.draw(st.binary(min_size=1, max_size=3) | st.sampled_from(
            [b"\t", b"\n", b"&a ", b"*a", b"!!binary ", b"{", b"- ", b": ", b"'", b"\xef\xbb\xbf"]
        ))  # fmt: skip
        dumped[path] = original[:at] + stray + original[at:]
    else:
        other = data.draw(st.sampled_from(sorted(dumped)))
        dumped[path], dumped[other] = dumped[other], original
    _validate(dumped)
