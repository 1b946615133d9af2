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
