"""The built site in a real browser (Debian's Chromium, headless), opened from file://."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from playwright.sync_api import Browser, Dialog, Page, sync_playwright

from okrs_as_code.site.build import build

from .conftest import REPO_ROOT
from .site_support import EVIL, PAYLOAD, evil_files, payload_files

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AS_OF = dt.date(2026, 11, 20)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the module; a missing Chromium fails the tests, never skips."""
    assert Path(CHROMIUM).is_file(), f"{CHROMIUM} is missing: apt-get install chromium"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("example") / "site"
    build(REPO_ROOT, out, AS_OF)
    return out


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    for relative, text in evil_files().items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.lstrip("\n"), encoding="utf-8")
    build(root, root / "site", AS_OF)
    return root / "site"


@pytest.fixture(scope="module")
def payloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("payloads")
    for relative, text in payload_files().items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.lstrip("\n"), encoding="utf-8")
    build(root, root / "site", AS_OF)
    return root / "site"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    yield opened
    context.close()


def url(out: Path, relative: str) -> str:
    return (out / relative).as_uri()


def test_the_home_page_shows_the_cascade(page: Page, example: Path) -> None:
    page.goto(url(example, "index.html"))
    assert "the cascade for 2026-Q4" in page.locator("h1").inner_text()
    top = page.locator("ul.cascade > li").first
    assert "Become the #1 rated project management tool" in top.inner_text()
    nested = top.locator("ul li .title")
    assert "Make Brightwork fit the tools agencies already use" in nested.all_inner_texts()
    bar = top.locator("progress").first
    assert bar.get_attribute("value") == "52" and "52%" in top.inner_text()
    assert "behind" in top.locator(".flags").first.inner_text()


def test_a_reader_clicks_from_the_root_to_a_team_key_result(page: Page, example: Path) -> None:
    page.goto(url(example, "index.html"))
    page.get_by_role("link", name="Become the #1 rated project management tool").first.click()
    assert page.locator("h1").inner_text().startswith("Become the #1 rated")
    page.get_by_role("link", name="Launch features that creatives love").first.click()
    page.get_by_role("link", name="Make Brightwork fit the tools agencies already use").click()
    assert page.url.endswith("objectives/2026-Q4/integrations/fit-agency-stack.html")
    crumbs = page.locator("nav.breadcrumb li").all_inner_texts()
    assert "Launch features that creatives love" in " ".join(crumbs)
    key_results = page.locator("section.kr h3").all_inner_texts()
    assert key_results and all(title.strip() for title in key_results)
    assert page.locator("section.kr svg.chart").count() == len(key_results)


def test_search_finds_a_key_result_by_a_word_of_its_title(page: Page, example: Path) -> None:
    page.goto(url(example, "search.html"))
    assert not page.locator("#needs-js").is_visible()
    page.get_by_label("Search objectives and key results").fill("setup")
    result = page.locator("#results a", has_text="Reduce project setup time")
    assert result.count() == 1
    result.click()
    assert page.url.endswith("objectives/2026-Q4/product/creatives-love.html#kr-setup-time")


def test_search_says_it_needs_javascript_without_it(browser: Browser, example: Path) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(url(example, "search.html"))
        assert "Search needs JavaScript" in page.locator("#needs-js").inner_text()
        assert page.locator("#needs-js").is_visible()
    finally:
        context.close()


def test_every_page_and_link_resolves_and_nothing_leaves_the_site(
    page: Page, example: Path
) -> None:
    inside = example.as_uri() + "/"
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    queue, seen = ["index.html"], {"index.html"}
    while queue:
        current = queue.pop()
        page.goto(url(example, current))
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            if href.startswith("https://github.com/brightwork/okrs/edit/main/okrs/"):
                continue  # "edit this file" is a link to follow, never a request on load
            assert href.startswith(inside), f"{current} links outside the site: {href}"
            relative = unquote(urlsplit(href).path)[len(urlsplit(inside).path) :]
            assert (example / relative).is_file(), f"{current} links to a missing {relative}"
            if relative.endswith(".html") and relative not in seen:
                seen.add(relative)
                queue.append(relative)
    assert seen == {p.relative_to(example).as_posix() for p in example.rglob("*.html")}
    outside = [r for r in requested if not r.startswith(inside)]
    assert outside == []


def test_hostile_text_runs_no_script_and_shows_literally(page: Page, hostile: Path) -> None:
    dialogs: list[str] = []

    def record(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    for path in sorted(hostile.rglob("*.html")):
        page.goto(path.as_uri())
        assert page.evaluate("typeof window.injected") == "undefined", path
    page.goto(url(hostile, "objectives/2026-Q4/product/creatives-love.html"))
    assert page.locator("h1").inner_text() == f"Love {EVIL}"
    assert "[click me](javascript:window.injected=4)" in page.locator("main").inner_text()
    assert page.locator("main a[href^='javascript']").count() == 0
    page.goto(url(hostile, "search.html"))
    page.get_by_label("Search objectives and key results").fill("love")
    assert EVIL in page.locator("#results").inner_text()
    page.locator("#results a").first.click()
    assert page.evaluate("typeof window.injected") == "undefined"
    assert dialogs == []


def test_payloads_in_every_field_run_nothing_request_nothing_and_show_as_written(
    page: Page, payloads: Path
) -> None:
    """Names, titles, descriptions, notes, units, metric definitions, retrospectives, owners,
    reasons and the site title all carry script, HTML, javascript: and data: links, a closing
    script tag and template syntax: on every page nothing runs, opens or is fetched."""
    inside = payloads.as_uri() + "/"
    dialogs: list[str] = []
    requested: list[str] = []

    def record(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    page.on("request", lambda request: requested.append(request.url))
    shown = ""
    for path in sorted(payloads.rglob("*.html")):
        page.goto(path.as_uri())
        assert page.evaluate("typeof window.injected") == "undefined", path
        assert page.locator("script:not([src]), iframe, img, object, embed").count() == 0, path
        bad = "a[href^='javascript' i], a[href^='data' i], [href^='//'], link[href*='example']"
        assert page.locator(bad).count() == 0, path
        shown += page.locator("body").inner_text()
    plain = ["Site ", "Org ", "Company ", "Product ", "Maya ", "Craft ", "Rated ", "Rating ",
             "Noted ", "Gone ", "Because ", "Love ", "Setup ", "Note ", "stars", "min", "@maya",
             "@owner", "@x"]  # fmt: skip
    for field in plain:  # plain text: shown exactly as written
        assert field + PAYLOAD in shown, field
    for field in ("Described ", "Learned "):  # Markdown: its text, raw HTML and links as text
        assert field + "<script>window.injected = 11</script> <img src=x" in shown, field
    page.goto(url(payloads, "objectives/2026-Q4/company/rated.html"))
    text = page.locator("main").inner_text()
    for field in ("Rated", "Learned", "Noted", "Rating"):
        assert f"{field} <script>window.injected = 11</script>" in text, field
    assert "{{ 7*7 }}" in text and "{% raw %}{# #}" in text and " 49 " not in text
    assert "[js](javascript:window.injected=14)" in text
    page.goto(url(payloads, "objectives/2026-Q4/company/gone.html"))
    assert f"Because {PAYLOAD}" in page.locator("main").inner_text()
    page.goto(url(payloads, "search.html"))
    page.get_by_label("Search objectives and key results").fill("love")
    assert f"Love {PAYLOAD}" in page.locator("#results").inner_text()
    page.locator("#results a").first.click()
    assert page.evaluate("typeof window.injected") == "undefined"
    assert dialogs == []
    assert [r for r in requested if not r.startswith(inside)] == []


@pytest.mark.parametrize(
    "relative", ["index.html", "objectives/2026-Q4/product/creatives-love.html", "health.html"]
)
def test_a_phone_wide_page_does_not_scroll_sideways(
    browser: Browser, example: Path, relative: str
) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 800})
    try:
        page = context.new_page()
        page.goto(url(example, relative))
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
    finally:
        context.close()
