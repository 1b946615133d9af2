"""Helpers shared by the site's tests: an organisation full of hostile text, and link parsing."""

from __future__ import annotations

import filecmp
from html.parser import HTMLParser
from pathlib import Path

from . import busy

EVIL = "<script>window.injected = 1; alert(1)</script>"

EVIL_ORG = busy.ORG.replace("organization: Brightwork", f'organization: "Bright {EVIL}"').replace(
    "{name: Sam Okafor}", '{name: "Sam </script><script>window.injected = 2</script>"}'
) + (
    "site:\n"
    '  title: "OKRs </title><script>window.injected = 3</script>"\n'
    '  repo_url: "javascript:alert(1)"\n'
)

EVIL_PRODUCT = f"""
team: product
period: 2026-Q4
objectives:
  - id: creatives-love
    title: "Love {EVIL}"
    aligns_to: company/number-one-rated
    description: |
      [click me](javascript:window.injected=4) and <img src=x onerror="window.injected=5">
      and [fine](https://example.com/ok) and </script><script>window.injected=6</script>
    key_results:
      - id: setup-time
        title: "Setup </script><script>window.injected = 7</script> time"
        baseline: 50
        target: 30
        check_ins:
          - date: 2026-11-18
            value: 40
            note: "<b onmouseover=alert(1)>note</b> {EVIL}"
"""


def evil_files() -> dict[str, str]:
    files = dict(busy.FILES)
    files["okrs/org.yaml"] = EVIL_ORG
    files["okrs/2026-Q4/product.yaml"] = EVIL_PRODUCT
    return files


class Links(HTMLParser):
    """Every (tag, attribute, value, class) of href and src attributes in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str, str, str]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if "id" in values:
            self.ids.add(values["id"])
        for name in ("href", "src"):
            if name in values:
                self.found.append((tag, name, values[name], values.get("class", "")))


def links_of(page: Path) -> Links:
    parser = Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def same_tree(first: Path, second: Path) -> bool:
    """Whether two folders hold the same files with the same bytes."""
    names = sorted(p.relative_to(first) for p in first.rglob("*"))
    if names != sorted(p.relative_to(second) for p in second.rglob("*")):
        return False
    files = [str(p) for p in names if (first / p).is_file()]
    match, _, _ = filecmp.cmpfiles(first, second, files, shallow=False)
    return len(match) == len(files)


def pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


# Every kind of payload, for every field that reaches a page: script, HTML with a handler, a
# closing script tag, template syntax (which must show as written, not as 49), and links whose
# scheme must never become a link.
PAYLOAD = (
    '<script>window.injected = 11</script> <img src=x onerror="window.injected=12"> '
    "</script><script>window.injected = 13</script> {{ 7*7 }} {% raw %}{# #} ${7*7} "
    "[js](javascript:window.injected=14) [data](data:text/html,<script>alert(1)</script>) "
    '<a href="javascript:window.injected=15">a</a> javascript:alert(1) '
    '<iframe src="https://example.com/"></iframe> <link rel=stylesheet href=//example.com/x.css>'
)


def _q(text: str) -> str:
    """A YAML double-quoted scalar holding ``text`` (JSON strings are valid YAML)."""
    import json

    return json.dumps(text)


PAYLOAD_ORG = f"""
organization: {_q("Org " + PAYLOAD)}
teams:
  company: {{name: {_q("Company " + PAYLOAD)}, owners: ["@maya"]}}
  product: {{name: {_q("Product " + PAYLOAD)}, parent: company, owners: [{_q("@x" + PAYLOAD)}]}}
people:
  "@maya": {{name: {_q("Maya " + PAYLOAD)}}}
values:
  craft: {_q("Craft " + PAYLOAD)}
metrics:
  setup-minutes: {{name: {_q("Setup " + PAYLOAD)}, unit: {_q("min" + PAYLOAD)}, owner: product,
                  definition: {_q("Defined " + PAYLOAD)}}}
policy:
  cadence: {{check_in_every: 7d, grace: 2d}}
site:
  title: {_q("Site " + PAYLOAD)}
  repo_url: "javascript:alert(1)"
"""

PAYLOAD_COMPANY = f"""
team: company
period: 2026-Q4
objectives:
  - id: rated
    title: {_q("Rated " + PAYLOAD)}
    owner: {_q("@maya" + PAYLOAD)}
    values: [craft]
    description: {_q("Described " + PAYLOAD)}
    score: 0.7
    retrospective: {_q("Learned " + PAYLOAD)}
    key_results:
      - id: rating
        title: {_q("Rating " + PAYLOAD)}
        unit: {_q("stars" + PAYLOAD)}
        baseline: 4.6
        target: 4.8
        check_ins:
          - {{date: 2026-11-18, value: 4.7, confidence: 0.3, note: {_q("Noted " + PAYLOAD)}}}
  - id: gone
    title: {_q("Gone " + PAYLOAD)}
    status: dropped
    reason: {_q("Because " + PAYLOAD)}
    key_results:
      - {{id: k, title: {_q("K " + PAYLOAD)}, milestone: true}}
"""

PAYLOAD_PRODUCT = f"""
team: product
period: 2026-Q4
objectives:
  - id: love
    title: {_q("Love " + PAYLOAD)}
    aligns_to: company/rated#rating
    contributes_to: [{_q("company/" + PAYLOAD)}]
    description: {_q("Product " + PAYLOAD)}
    key_results:
      - id: setup
        title: {_q("Setup " + PAYLOAD)}
        metric: setup-minutes
        owner: {_q("@owner" + PAYLOAD)}
        unit: {_q("min" + PAYLOAD)}
        baseline: 50
        target: 30
        check_ins:
          - {{date: 2026-11-18, value: 40, note: {_q("Note " + PAYLOAD)}}}
"""


def payload_files() -> dict[str, str]:
    return {
        "okrs/org.yaml": PAYLOAD_ORG,
        "okrs/2026-Q4/company.yaml": PAYLOAD_COMPANY,
        "okrs/2026-Q4/product.yaml": PAYLOAD_PRODUCT,
    }
