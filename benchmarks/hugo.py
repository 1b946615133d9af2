"""The peer of ``okrs build``: a Hugo site with the pages okrs writes, from the same organisation.

    python -m benchmarks.hugo --root benchmarks/data/S-seed1 --out /tmp/okrs-hugo [--as-of DATE]

The content comes from ``okrs export`` (the resolved model: progress, cascade progress, flags),
so Hugo renders figures it does not compute; its work is what a static site generator does:
read the content, parse the Markdown, run the templates, write the pages. One Markdown page is
written per page ``okrs build`` writes (the cascade, the health and search pages, one per
period, team and objective) at the same paths, with the same text: titles, descriptions (the
same Markdown), progress, the key results' numbers and every check-in with its note, links
between the pages, and a search index (``index.json``, as okrs ships ``search-index.js``).
What Hugo's pages lack is the inline SVG chart okrs draws for every key result and the
progress bars; they show the numbers as text.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

CONFIG = """\
baseURL = "https://okrs.example/"
title = {title}
languageCode = "en"
# okrs writes objectives/P/T/O.html and links relatively, so the site works from file://.
uglyURLs = true
relativeURLs = true
disablePathToLower = true
# Only the pages okrs writes: no taxonomies, feeds, sitemap, robots.txt, 404 or section lists.
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404", "section"]

[outputs]
home = ["HTML", "JSON"]
page = ["HTML"]
"""

BASEOF = """\
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} · {{ site.Title }}</title>
<link rel="stylesheet" href="{{ "style.css" | relURL }}">
</head>
<body>
<a class="skip" href="#main">Skip to the content</a>
<header class="site-header">
<p class="site-title"><a href="{{ "index.html" | relURL }}">{{ site.Title }}</a></p>
<nav aria-label="Site">
<ul>
<li><a href="{{ "index.html" | relURL }}">Cascade</a></li>
<li><a href="{{ "index.html#teams" | relURL }}">Teams</a></li>
<li><a href="{{ "health.html" | relURL }}">Alignment health</a></li>
<li><a href="{{ "search.html" | relURL }}">Search</a></li>
<li><a href="{{ "index.json" | relURL }}">index.json</a></li>
</ul>
</nav>
</header>
<main id="main">
<h1>{{ .Title }}</h1>
{{ block "main" . }}{{ .Content }}{{ end }}
</main>
<footer class="site-footer">
<p>{{ site.Params.organization }} OKRs as of {{ site.Params.asOf }}.</p>
</footer>
{{ block "scripts" . }}{{ end }}
</body>
</html>
"""

SINGLE = '{{ define "main" }}{{ .Content }}{{ end }}\n'

SEARCH = """\
{{ define "main" }}
{{ .Content }}
<form id="search-form" class="search" role="search" action="search.html" hidden>
<label for="q">Search objectives and key results</label>
<input id="q" name="q" type="search" autocomplete="off" spellcheck="false">
</form>
<p id="search-status" aria-live="polite"></p>
<ul id="results" class="results"></ul>
{{ end }}
{{ define "scripts" }}<script src="{{ "search.js" | relURL }}"></script>{{ end }}
"""

# Every objective and key result, as okrs's search-index.js lists them, with relative URLs.
INDEX_JSON = """\
{{- $entries := slice -}}
{{- range site.RegularPages -}}
{{- if eq .Params.kind "objective" -}}
{{- $title := .Title -}}
{{- $url := strings.TrimPrefix "/" .RelPermalink -}}
{{- $where := printf "%s · %s" .Params.teamName .Params.period -}}
{{- $entry := dict "kind" "objective" "title" $title "url" $url "where" $where -}}
{{- $entries = $entries | append $entry -}}
{{- range .Params.keyResults -}}
{{- $at := printf "%s#kr-%s" $url .id -}}
{{- $in := printf "%s · %s" $where $title -}}
{{- $entries = $entries | append (dict "kind" "key result" "title" .title "url" $at "where" $in) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $entries | jsonify -}}
"""

STYLE = """\
body { font: 16px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 0 auto; padding: 1rem; }
nav ul { list-style: none; display: flex; gap: 1rem; padding: 0; }
table { border-collapse: collapse; }
td, th { border-bottom: 1px solid #ddd; padding: 0.2rem 0.5rem; text-align: left; }
"""

SEARCH_JS = """\
fetch("index.json").then(r => r.json()).then(entries => {
  const form = document.getElementById("search-form");
  form.hidden = false;
  form.addEventListener("input", () => {
    const q = document.getElementById("q").value.toLowerCase();
    const found = entries.filter(e => e.title.toLowerCase().includes(q));
    document.getElementById("results").replaceChildren(...found.map(e => {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = e.url; a.textContent = e.title; li.append(a); return li;
    }));
  });
});
"""

LAYOUTS = {
    "layouts/_default/baseof.html": BASEOF,
    "layouts/_default/single.html": SINGLE,
    "layouts/_default/list.html": SINGLE,
    "layouts/_default/search.html": SEARCH,
    "layouts/index.json": INDEX_JSON,
    "static/style.css": STYLE,
    "static/search.js": SEARCH_JS,
}

BREADCRUMB = " \u203a "  # as okrs separates the steps of a breadcrumb
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~&])")


def _text(value: object) -> str:
    """A value as Markdown text that reads literally (a title holding ``<b>`` shows as text)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(value))


def _percent(fraction: float | None) -> str:
    return "-" if fraction is None else f"{round(max(0.0, min(1.0, fraction)) * 100)}%"


def _objective_url(ref: str) -> str:
    return f"/objectives/{ref.split('#', 1)[0]}.html"


class Site:
    """The content tree of one exported model."""

    def __init__(self, model: dict[str, Any]) -> None:
        self.model = model
        self.teams = {t["id"]: t for t in model["teams"]}
        self.objectives = {o["ref"]: o for o in model["objectives"]}
        self.periods = {p["id"]: p for p in model["periods"]}
        self.aligned_to_kr: dict[str, list[str]] = {}
        for o in model["objectives"]:
            parent = self._full(o["period"], o["aligns_to"])
            if parent and "#" in parent:
                self.aligned_to_kr.setdefault(parent, []).append(o["ref"])

    def _full(self, period: str, ref: str | None) -> str | None:
        if ref is None:
            return None
        return ref if ref.count("/") >= 2 else f"{period}/{ref}"

    def link(self, ref: str) -> str:
        target = self.objectives.get(ref.split("#", 1)[0])
        if target is None:
            return _text(ref)
        return f"[{_text(target['title'])}]({_objective_url(ref)})"

    def team_link(self, team: str) -> str:
        name = self.teams[team]["name"] if team in self.teams else team
        return f"[{_text(name)}](/teams/{team}.html)"

    def summary(self, o: dict[str, Any]) -> str:
        """One objective in a list: title, progress, team, owners, flags."""
        if o["children"]:
            progress = f"cascade {_percent(o['cascade_progress'])}, own {_percent(o['progress'])}"
        else:
            progress = f"own {_percent(o['progress'])}"
        parts = [self.link(o["ref"]), progress, self.team_link(o["team"])]
        if o["owners"]:
            parts.append(", ".join(_text(x) for x in o["owners"]))
        if o["flags"]:
            parts.append(" ".join(f.replace("_", " ") for f in o["flags"]))
        return " · ".join(parts)

    def cascade(self, period: str) -> list[str]:
        """The period's objectives as a nested list under those with no parent in it."""
        inside = [o for o in self.model["objectives"] if o["period"] == period]
        tops = [o for o in inside if (o["parent"] or "").split("#")[0] not in self.objectives]
        lines: list[str] = []
        stack = [(o, 0) for o in reversed(tops)]
        while stack:
            o, depth = stack.pop()
            lines.append(f"{'  ' * depth}- {self.summary(o)}")
            children = [self.objectives[c] for c in o["children"] if c in self.objectives]
            stack.extend((c, depth + 1) for c in reversed(children) if c["period"] == period)
        return lines or [f"No objectives in {period}."]

    def pages(self) -> Iterator[tuple[str, dict[str, Any], list[str]]]:
        """(path under content/, front matter, lines of Markdown) of every page."""
        yield "_index.md", self._front("Cascade"), self.home()
        yield "health.md", self._front("Alignment health"), self.health()
        yield "search.md", {**self._front("Search"), "layout": "search"}, self.search()
        for period in self.periods:
            yield f"periods/{period}.md", self._front(period), self.period(period)
        for team in self.teams.values():
            yield f"teams/{team['id']}.md", self._front(team["name"]), self.team(team)
        for o in self.model["objectives"]:
            front = {
                **self._front(o["title"]),
                "kind": "objective",
                "period": o["period"],
                "teamName": self.teams[o["team"]]["name"],
                "keyResults": [{"id": k["id"], "title": k["title"]} for k in o["key_results"]],
            }
            yield f"objectives/{o['ref']}.md", front, self.objective(o)

    def _front(self, title: str) -> dict[str, Any]:
        return {"title": title}

    def home(self) -> list[str]:
        current = self.model["current_period"]
        lines = []
        if current in self.periods:
            p = self.periods[current]
            lines += [
                f"{p['start']} to {p['end']} · {_percent(p['expected'])} of the period elapsed "
                f"on {self.model['as_of']}. Each objective shows its progress (cascade: itself "
                "and every objective aligned beneath it), its team and owner, and its flags.",
                "",
                *self._switcher(current),
                "",
                *self.cascade(current),
            ]
        lines += ["", "## Teams {#teams}", ""]
        for t in self.model["teams"]:
            part = f" (part of {_text(self.teams[t['parent']]['name'])})" if t["parent"] else ""
            lines.append(f"- {self.team_link(t['id'])}{part}")
        return lines

    def _switcher(self, current: str) -> list[str]:
        # A paragraph, not a list: a list here would merge with the cascade's list below it.
        periods = [
            f"[{p}](/periods/{p}.html)" + (" (current)" if p == current else "")
            for p in self.periods
        ]
        return ["Periods: " + " · ".join(periods)]

    def period(self, period: str) -> list[str]:
        p = self.periods[period]
        elapsed = f"{_percent(p['expected'])} elapsed on {self.model['as_of']}"
        lines = [f"{p['start']} to {p['end']} · {elapsed}", "", *self._switcher(period)]
        return [*lines, "", "## Cascade", "", *self.cascade(period)]

    def team(self, team: dict[str, Any]) -> list[str]:
        lines = []
        if team["parent"]:
            lines.append(f"Part of {self.team_link(team['parent'])}.")
        if team["owners"]:
            lines.append(f"Owners: {', '.join(_text(x) for x in team['owners'])}.")
        lines += ["", team["description"] or ""]
        if team["children"]:
            lines += ["", f"## Teams within {_text(team['name'])}", ""]
            lines += [f"- {self.team_link(child)}" for child in team["children"]]
        lines += ["", "## Objectives", ""]
        mine = [o for o in self.model["objectives"] if o["team"] == team["id"]]
        for period in self.periods:
            inside = [o for o in mine if o["period"] == period]
            if inside:
                lines += [f"### [{period}](/periods/{period}.html)", ""]
                lines += [f"- {self.summary(o)}" for o in inside] + [""]
        if not mine:
            lines.append(f"{_text(team['name'])} has no objectives yet.")
        return lines

    def _breadcrumb(self, o: dict[str, Any]) -> str:
        chain: list[str] = []
        parent = o["parent"]
        while parent and parent.split("#")[0] in self.objectives and len(chain) < 50:
            chain.append(self.link(parent))
            parent = self.objectives[parent.split("#")[0]]["parent"]
        return BREADCRUMB.join([*reversed(chain), _text(o["title"])])

    def objective(self, o: dict[str, Any]) -> list[str]:
        owners = f" · owner {', '.join(_text(x) for x in o['owners'])}" if o["owners"] else ""
        flags = " · " + " ".join(f.replace("_", " ") for f in o["flags"]) if o["flags"] else ""
        lines = [
            self._breadcrumb(o),
            "",
            f"{self.team_link(o['team'])} · [{o['period']}](/periods/{o['period']}.html)"
            f"{owners} · {o['status']}{flags}",
            "",
            f"- Own progress: {_percent(o['progress'])}",
            f"- Cascade progress: {_percent(o['cascade_progress'])}",
        ]
        if o["score"] is not None:
            lines.append(f"- Score: {o['score']}")
        if o["values"]:
            lines.append(f"- Values: {', '.join(_text(v) for v in o['values'])}")
        if o["reason"]:
            lines += ["", f"**Dropped:** {_text(o['reason'])}"]
        lines += ["", o["description"] or ""]
        if o["retrospective"]:
            lines += ["", "## Retrospective", "", o["retrospective"]]
        lines += ["", "## Key results", ""]
        for kr in o["key_results"]:
            lines += self._key_result(kr)
        if not o["key_results"]:
            lines.append("No key results yet.")
        for title, refs, none in (
            ("Aligned beneath", o["children"], "No objective is aligned to this one."),
            ("Supports", o["contributes_to"], "It names no other team's objective."),
            ("Supported by", o["supporters"], "No other objective names it."),
        ):
            lines += ["", f"## {title}", ""]
            full = [self._full(o["period"], r) or r for r in refs]
            lines += [f"- {self.link(r)}" for r in full] or [none]
        lines += ["", f"Defined in `{o['path']}`."]
        return lines

    def _key_result(self, kr: dict[str, Any]) -> list[str]:
        flags = [name for name in ("stale", "behind", "at_risk") if kr.get(name)]
        goal = kr["target"]
        if kr["kind"] == "keep":
            keep = kr["keep"]
            if keep["at_least"] is not None:
                goal = f"at least {keep['at_least']}"
            else:
                goal = f"at most {keep['at_most']}"
        elif kr["kind"] == "milestone":
            goal = "done"
        lines = [
            f"### {_text(kr['title'])} {{#kr-{kr['id']}}}",
            "",
            f"Progress {_percent(kr['progress'])}"
            + (" · " + " ".join(f.replace("_", " ") for f in flags) if flags else ""),
            "",
            "| Baseline | Target | Current | Confidence | Last check-in | Owner |",
            "|---|---|---|---|---|---|",
            f"| {kr['baseline'] if kr['baseline'] is not None else '-'} | {goal} "
            f"| {kr['current'] if kr['current'] is not None else '-'} "
            f"| {kr['confidence'] or '-'} | {kr['last_check_in'] or 'none yet'} "
            f"| {', '.join(_text(x) for x in kr['owners'])} |",
            "",
        ]
        if kr["description"]:
            lines += [kr["description"], ""]
        if kr["check_ins"]:
            lines += [
                "#### Check-ins",
                "",
                "| date | value | confidence | note |",
                "|---|---|---|---|",
            ]
            for c in reversed(kr["check_ins"]):
                note = _text(c["note"]) if c["note"] else ""
                lines.append(f"| {c['date']} | {c['value']} | {c['confidence'] or ''} | {note} |")
            lines.append("")
        aligned = self.aligned_to_kr.get(kr["ref"], [])
        if aligned:
            lines += ["#### Aligned to this key result", ""]
            lines += [f"- {self.link(r)}" for r in aligned] + [""]
        return lines

    def health(self) -> list[str]:
        root = self.model["organization"]["root"]
        active = [
            o
            for o in self.model["objectives"]
            if self.periods.get(o["period"], {}).get("active") and o["status"] != "dropped"
        ]
        orphans = [o for o in active if o["team"] != root and not o["aligns_to"]]
        unsupported = [o for o in active if o["team"] == root and not o["supporters"]]
        krs = [(o, kr) for o in active for kr in o["key_results"]]
        stale = [(o, kr) for o, kr in krs if kr["stale"]]
        behind = [(o, kr) for o, kr in krs if kr["behind"]]
        with_okrs = {o["team"] for o in active}
        idle = [t for t in self.model["teams"] if t["id"] != root and t["id"] not in with_okrs]
        lines = [f"As of {self.model['as_of']}; the lists below cover the active periods.", ""]
        lines += ["## Orphans", ""]
        lines += [f"- {self.link(o['ref'])}" for o in orphans] or ["None: every objective aligns."]
        lines += ["", "## Root objectives nobody supports", ""]
        lines += [f"- {self.link(o['ref'])}" for o in unsupported] or ["None."]
        for title, found in (("Stale key results", stale), ("Behind key results", behind)):
            lines += ["", f"## {title}", ""]
            lines += [
                f"- [{_text(kr['title'])}]({_objective_url(kr['ref'])}#kr-{kr['id']}) "
                f"({_text(self.teams[o['team']]['name'])} · {o['period']}): "
                f"{_percent(kr['progress'])} of an expected "
                f"{_percent(self.periods[o['period']]['expected'])}"
                for o, kr in found
            ] or ["None."]
        lines += ["", "## Teams without OKRs", ""]
        lines += [f"- {self.team_link(t['id'])}" for t in idle] or ["None."]
        return lines

    def search(self) -> list[str]:
        return [
            "Search needs JavaScript, which is off or not available here. Every other page "
            "reads without it: start from the [cascade](/index.html)."
        ]

    def write(self, out: Path) -> int:
        """Write the Hugo project into ``out``; the number of content pages."""
        organisation = self.model["organization"]["name"]
        config = CONFIG.format(title=json.dumps(f"{organisation} OKRs"))
        config += f"\n[params]\norganization = {json.dumps(organisation)}\n"
        config += f"asOf = {json.dumps(self.model['as_of'])}\n"
        files = {"hugo.toml": config, **LAYOUTS}
        count = 0
        for path, front, body in self.pages():
            # JSON front matter: every title reads back exactly, whatever its characters.
            files[f"content/{path}"] = json.dumps(front, indent=1) + "\n\n" + "\n".join(body) + "\n"
            count += 1
        for relative, text in files.items():
            target = out / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        return count


def export(root: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    """The resolved model of the organisation at ``root``, as ``okrs export`` gives it."""
    argv = [sys.executable, "-m", "okrs_as_code", "export", "--root", str(root), "--format", "json"]
    done = subprocess.run(argv, env=env, capture_output=True, check=True)
    model: dict[str, Any] = json.loads(done.stdout)
    return model


def write_site(root: Path, out: Path, env: dict[str, str] | None = None) -> int:
    """A Hugo project in ``out`` for the organisation at ``root``; its number of pages."""
    return Site(export(root, env)).write(out)


def html_pages(folder: Path) -> int:
    """The HTML pages a site generator wrote into ``folder``."""
    return sum(1 for _ in folder.rglob("*.html"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.hugo", description=__doc__)
    parser.add_argument("--root", type=Path, required=True, help="the organisation")
    parser.add_argument("--out", type=Path, required=True, help="the Hugo project to write")
    parser.add_argument("--as-of", help="the as-of date (default: OKRS_AS_OF or today)")
    args = parser.parse_args(argv)
    env = {**os.environ, **({"OKRS_AS_OF": args.as_of} if args.as_of else {})}
    pages = write_site(args.root, args.out, env)
    sys.stdout.write(f"wrote {pages} pages; build them with: hugo --source {args.out}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
