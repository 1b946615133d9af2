"""Helpers shared by the site's tests: an organisation full of hostile text, and link parsing."""

from __future__ import annotations

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


def pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))
