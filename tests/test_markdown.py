"""Descriptions: the short way for a plain sentence gives exactly what markdown-it gives."""

from __future__ import annotations

import string

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from okrs_as_code.site import render

# Plain words and sentences, and every character that means something in Markdown.
SPECIAL = '\n\t"&<>*_`[]#~|\\{}'
TEXT = st.text(
    alphabet=st.sampled_from(
        [*string.ascii_letters[:6], *"09 .,;:'?%/()+=!-", *SPECIAL, "é", "٣", "\xa0"]
    ),
    max_size=24,
)
# Mostly what the short way takes, with now and then a character it must not.
PLAINISH = st.text(
    alphabet=st.sampled_from(list(string.ascii_letters + "019 ,.;:'?%/()+=!-" * 3 + "\n_*é")),
    max_size=40,
)


@given(st.one_of(TEXT, PLAINISH))
@settings(max_examples=3000, deadline=None)
@example("Measured weekly from the support desk.")
@example("Grow adoption (40% of agencies) - then: more!\n")
@example("a_b")
@example("1. first")
@example("Trailing ")
def test_the_short_way_renders_as_markdown_it(text: str) -> None:
    assert render.to_html(text) == render._MD.render(text)


# Paragraphs and bullet lists of such lines, with the blank lines, markers and indents that
# change what they mean (a list after a list, a list item going on, a lazy line, a hard break).
LINE = st.one_of(PLAINISH.filter(lambda t: "\n" not in t), st.sampled_from(["", " ", "  ", "1."]))
ITEM = st.builds(
    lambda marker, line: marker + line, st.sampled_from(["- ", "-", "* ", "  - "]), LINE
)
BLOCK = st.lists(st.one_of(LINE, ITEM), min_size=1, max_size=4).map("\n".join)
BLOCKS = st.builds(
    lambda blocks, gaps, end: "".join(b + g for b, g in zip(blocks, gaps, strict=False)) + end,
    st.lists(BLOCK, min_size=1, max_size=4),
    st.lists(st.sampled_from(["\n\n", "\n\n\n", "\n", "\n \n"]), min_size=4, max_size=4),
    st.sampled_from(["", "\n"]),
)


@given(BLOCKS)
@settings(max_examples=3000, deadline=None)
@example("This quarter we focus.\nMore on it.\n\nHow we get there:\n\n- Ship it\n- Roll out\n")
@example("- a\n\n- b")
@example("- a\nb")
@example("a\n\n- b\n\nc\n\n- d")
@example("Line one  \nline two")
def test_the_short_way_for_paragraphs_and_lists_renders_as_markdown_it(text: str) -> None:
    assert render.to_html(text) == render._MD.render(text)


def test_paragraphs_and_a_list_take_the_short_way(monkeypatch: pytest.MonkeyPatch) -> None:
    render.to_html.cache_clear()
    monkeypatch.setattr(render, "_MD", None)  # markdown-it is not asked
    text = "We focus on agencies.\nThen on studios.\n\nHow:\n\n- Ship it\n- Roll it out\n"
    assert render.to_html(text) == (
        "<p>We focus on agencies.\nThen on studios.</p>\n<p>How:</p>\n"
        "<ul>\n<li>Ship it</li>\n<li>Roll it out</li>\n</ul>\n"
    )


@pytest.mark.parametrize(
    "text",
    ["Plain words.", "It's 50% (of 2026) / 4: done; next? 1+1=2 - yes!", "Café crème\n"],
)
def test_plain_sentences_take_the_short_way(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    render.to_html.cache_clear()
    monkeypatch.setattr(render, "_MD", None)  # markdown-it is not asked
    assert render.to_html(text) == f"<p>{text.strip()}</p>\n"


@pytest.mark.parametrize("text", ["*bold*", "a_b_", "# title", "- item", "[x](y)", "a & b", "x\ny"])
def test_anything_else_goes_to_markdown_it(text: str) -> None:
    render.to_html.cache_clear()
    assert render.to_html(text) == render._MD.render(text)
    assert not render._PLAIN.fullmatch(text)
