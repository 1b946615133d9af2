"""``okrs diff``: the semantic difference of the OKRs between two revisions, for review."""

from __future__ import annotations

import json
from itertools import groupby
from pathlib import Path

from . import markdown, revisions, snapshot
from .changes import Change, compare_models
from .model import Model
from .validate import load_focused

WORKING_TREE = "the working tree"


def model_at(root: Path, rev: str | None) -> Model:
    """The model at a revision, or in the working tree when ``rev`` is None."""
    snap = snapshot.take(root) if rev is None else revisions.snapshot_at(root, rev)
    return load_focused(snap, None, None).model


def diff(root: Path, rev1: str, rev2: str | None, output_format: str) -> str:
    """The changes from ``rev1`` to ``rev2`` (None: the working tree) in one format."""
    old = model_at(root, rev1)
    changes = compare_models(old, model_at(root, rev2))
    return RENDERERS[output_format](changes, rev1, rev2)


def _groups(changes: list[Change]) -> list[tuple[str, list[Change]]]:
    return [(ref, list(group)) for ref, group in groupby(changes, key=lambda c: c.ref)]


def render_text(changes: list[Change], rev1: str, rev2: str | None) -> str:
    span = f"from {rev1} to {rev2 or WORKING_TREE}"
    if not changes:
        return f"no changes to the OKRs {span}\n"
    lines = [f"OKR changes {span}:"]
    for ref, group in _groups(changes):
        lines.append(f"{ref}  {group[-1].title}")
        lines.extend(f"  {change.text}" for change in group)
    return "\n".join(lines) + "\n"


def render_markdown(changes: list[Change], rev1: str, rev2: str | None) -> str:
    after = markdown.code(rev2) if rev2 else WORKING_TREE
    lines = [f"### OKR changes from {markdown.code(rev1)} to {after}", ""]
    if not changes:
        return "\n".join([*lines, "No changes to the OKRs."]) + "\n"
    for ref, group in _groups(changes):
        lines.append(f"- **{markdown.code(ref)}** {markdown.text(group[-1].title)}")
        lines.extend(f"  - {_arrow(markdown.text(change.text))}" for change in group)
    return "\n".join(lines) + "\n"


def _arrow(escaped: str) -> str:
    return escaped.replace(" -&gt; ", " → ")


def render_json(changes: list[Change], rev1: str, rev2: str | None) -> str:
    document = {
        "from": rev1,
        "to": rev2,
        "changes": [
            {
                "ref": c.ref,
                "title": c.title,
                "kind": c.kind,
                "text": c.text,
                "before": c.before,
                "after": c.after,
            }
            for c in changes
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


RENDERERS = {"text": render_text, "markdown": render_markdown, "json": render_json}
