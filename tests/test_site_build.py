"""`okrs build`: the example's site, reproducible, overridable, published even when broken."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from okrs_as_code.site import escaping

from . import busy
from .conftest import AS_OF, REPO_ROOT, MakeRepo, RunLine
from .site_support import evil_files, links_of, pages, payload_files, same_tree

EXPECTED = [
    "index.html",
    "health.html",
    "search.html",
    "okrs.json",
    "search-index.js",
    "static/style.css",
    "static/search.js",
    "periods/2026.html",
    "periods/2026-Q3.html",
    "periods/2026-Q4.html",
    "teams/company.html",
    "teams/product.html",
    "teams/integrations.html",
    "teams/marketing.html",
    "teams/customer-success.html",
    "objectives/2026/company/uk-agency-leader.html",
    "objectives/2026-Q4/company/number-one-rated.html",
    "objectives/2026-Q4/product/creatives-love.html",
]


def _build(run_line: RunLine, root: Path, out: Path, *more: str, expect: int = 0) -> str:
    args = ["build", "--root", str(root), "--as-of", AS_OF, "--out", str(out), *more]
    return str(run_line(args, expect=expect).output)


def test_the_example_site_has_every_page(run_line: RunLine, tmp_path: Path) -> None:
    output = _build(run_line, REPO_ROOT, tmp_path / "site")
    assert output.startswith("wrote ") and "see health.html" in output
    for relative in EXPECTED:
        assert (tmp_path / "site" / relative).is_file(), relative
    home = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "the cascade for 2026-Q4" in home and "Launch features that creatives love" in home
    assert json.loads((tmp_path / "site" / "okrs.json").read_bytes())["schema_version"] == 1


def test_the_sites_okrs_json_is_the_export_written_compactly(
    run_line: RunLine, make_repo: MakeRepo, tmp_path: Path
) -> None:
    """okrs.json is joined from each objective's own text and what the graph adds; it is the
    very text the JSON encoder writes of ``okrs export``'s data without indentation."""
    root = make_repo(busy.FILES)
    _build(run_line, root, tmp_path / "site")
    exported = run_line(["export", "--root", str(root), "--as-of", AS_OF, "--format", "json"])
    data = json.loads(exported.output)
    compact = json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
    assert (tmp_path / "site/okrs.json").read_text(encoding="utf-8") == compact


def test_two_builds_are_byte_identical(run_line: RunLine, tmp_path: Path) -> None:
    _build(run_line, REPO_ROOT, tmp_path / "a", "--no-cache")
    _build(run_line, REPO_ROOT, tmp_path / "b", "--no-cache")
    assert same_tree(tmp_path / "a", tmp_path / "b")


def test_links_are_relative_and_nothing_is_fetched_from_elsewhere(
    run_line: RunLine, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    _build(run_line, REPO_ROOT, out)
    for page in pages(out):
        for tag, attribute, value, css in links_of(page).found:
            parts = urlsplit(value)
            if tag == "a" and css == "edit":
                assert value.startswith("https://github.com/brightwork/okrs/edit/main/okrs/")
                continue
            where = f"{page.relative_to(out)}: <{tag} {attribute}={value!r}>"
            assert not parts.scheme and not parts.netloc and not value.startswith("/"), where
            target = (page.parent / parts.path).resolve() if parts.path else page
            assert target.is_file(), where


def test_a_template_of_the_repository_overrides_the_packaged_one(
    run_line: RunLine, make_repo: MakeRepo
) -> None:
    root = make_repo(
        {
            **busy.FILES,
            "site_templates/index.html": """
                {% extends "base.html" %}
                {% block main %}<h1>Our own home for {{ site.organization }}</h1>{% endblock %}
            """,
            "site_templates/static/style.css": "body { color: black; }\n",
        }
    )
    _build(run_line, root, root / "public")
    home = (root / "public" / "index.html").read_text(encoding="utf-8")
    assert "<h1>Our own home for Brightwork</h1>" in home
    assert (root / "public/static/style.css").read_text(
        encoding="utf-8"
    ) == "body { color: black; }\n"
    assert "Alignment health" in (root / "public/health.html").read_text(encoding="utf-8")
    assert "window.OKRS_SEARCH_INDEX" in (root / "public/static/search.js").read_text(
        encoding="utf-8"
    )


# The check-in list as a template lays it out from each key result's check-ins.
CHECK_IN_LOOP = """{% for c in kr.check_ins | reverse %}
<li><span class="date">{{ c.date }}</span>: {{ c.value }}{% if c.confidence %} \
· confidence {{ c.confidence }}{% endif %}{% if c.note %} · <span class="note">{{ c.note }}\
</span>{% endif %}</li>
{% endfor %}
"""


@pytest.mark.parametrize("files", [busy.FILES, payload_files()], ids=["busy", "payloads"])
def test_a_template_laying_out_the_check_ins_itself_writes_the_same_pages(
    run_line: RunLine, make_repo: MakeRepo, tmp_path: Path, files: dict[str, str]
) -> None:
    """The packaged objective page takes its check-in list written out (``kr.check_in_items``);
    a template of the repository's own can loop over ``kr.check_ins`` instead, with the same
    bytes, notes and units with markup in them included."""
    packaged = (REPO_ROOT / "site_templates/objective.html").read_text(encoding="utf-8")
    assert packaged.count("{{ kr.check_in_items }}") == 1
    looping = packaged.replace("{{ kr.check_in_items }}", CHECK_IN_LOOP)
    root = make_repo(files)
    _build(run_line, root, tmp_path / "packaged")
    (root / "site_templates").mkdir()
    (root / "site_templates/objective.html").write_text(looping, encoding="utf-8")
    _build(run_line, root, tmp_path / "own")
    assert same_tree(tmp_path / "packaged", tmp_path / "own")
    page = next((tmp_path / "own/objectives").rglob("*.html")).read_text(encoding="utf-8")
    assert '<ol class="check-ins" reversed>\n<li><span class="date">2026-' in page


def test_the_site_is_the_same_with_markupsafes_own_escaping(
    run_line: RunLine, make_repo: MakeRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The templates escape with a faster equivalent of markupsafe's ``escape``: every page is
    the same bytes as with markupsafe's own, text full of markup included."""
    root = make_repo(payload_files())
    _build(run_line, root, tmp_path / "faster", "--no-cache")
    monkeypatch.setattr(escaping, "_INNER", None)  # as with a markupsafe without it
    _build(run_line, root, tmp_path / "own", "--no-cache")
    assert same_tree(tmp_path / "faster", tmp_path / "own")
    page = (tmp_path / "own/objectives/2026-Q4/company/rated.html").read_text(encoding="utf-8")
    assert "Noted &lt;script&gt;window.injected = 11&lt;/script&gt;" in page


def test_a_broken_file_still_publishes_and_shows_on_the_health_page(
    run_line: RunLine, make_repo: MakeRepo
) -> None:
    root = make_repo({**busy.FILES, "okrs/2026-Q4/broken.yaml": "team: [unclosed\n"})
    output = _build(run_line, root, root / "site")
    assert "error(s)" in output and not output.startswith("0 error")
    health = (root / "site" / "health.html").read_text(encoding="utf-8")
    assert "Files left out" in health and "<code>okrs/2026-Q4/broken.yaml</code>" in health
    assert "OKR001" in health and "OKR111" in health
    assert (root / "site/objectives/2026-Q4/product/creatives-love.html").is_file()


def test_strict_fails_on_errors_and_writes_nothing(run_line: RunLine, make_repo: MakeRepo) -> None:
    root = make_repo(busy.FILES)  # Marketing's brand objective aligns to nothing: OKR111
    result = run_line(["build", "--root", str(root), "--as-of", AS_OF, "--strict"], expect=1)
    assert "OKR111" in result.stderr and "site not written" in result.stderr
    assert not (root / "site").exists()


def test_the_default_output_is_site_in_the_repository(run_line: RunLine, small_repo: Path) -> None:
    run_line(["build", "--root", str(small_repo), "--as-of", AS_OF, "--strict"], expect=0)
    assert (small_repo / "site" / "index.html").is_file()


def test_a_later_build_removes_pages_that_are_gone(run_line: RunLine, make_repo: MakeRepo) -> None:
    root = make_repo(busy.FILES)
    _build(run_line, root, root / "site")
    old = root / "site/objectives/2026-Q4/marketing/brand.html"
    assert old.is_file()
    (root / "okrs/2026-Q4/marketing.yaml").write_text(
        busy.MARKETING.split("  - id: brand")[0].lstrip("\n"), encoding="utf-8"
    )
    _build(run_line, root, root / "site")
    assert not old.exists()


def test_user_text_is_escaped_and_unsafe_links_stay_text(
    run_line: RunLine, make_repo: MakeRepo
) -> None:
    root = make_repo(evil_files())
    _build(run_line, root, root / "site")
    for page in pages(root / "site"):
        text = page.read_text(encoding="utf-8")
        assert "<script>window" not in text and "<img" not in text, page
        hrefs = [value for _, _, value, _ in links_of(page).found]
        assert not [h for h in hrefs if "javascript" in h.lower()], page
    page = root / "site/objectives/2026-Q4/product/creatives-love.html"
    text = page.read_text(encoding="utf-8")
    assert "[click me](javascript:window.injected=4)" in text
    assert '<a href="https://example.com/ok">fine</a>' in text
    assert "&lt;script&gt;" in text and 'class="edit"' not in text
