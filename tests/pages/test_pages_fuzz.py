"""Arbitrary input never escapes as anything but NotAnArticle or MissingFields."""

from __future__ import annotations

import contextlib

from hypothesis import given, settings
from hypothesis import strategies as st

from knotcrawl.pages import MissingFields, NotAnArticle, parse_page

TAGS = ["p", "div", "h1", "a", "br", "time", "figure", "figcaption", "aside", "span", "ul", "li"]
PIECES = st.one_of(
    st.sampled_from(TAGS).map(lambda t: f"<{t}>"),
    st.sampled_from(TAGS).map(lambda t: f"</{t}>"),
    st.just('<a href="/articles/123">'),
    st.just("17 May 2019, 18:17"),
    st.just("Author: A B; Source: CK correspondent"),
    st.just("<!-- c -->"),
    st.text(max_size=30),
)
URLS = st.sampled_from(
    [
        "https://www.eng.kavkaz-uzel.eu/articles/1",
        "https://m.kavkaz-uzel.eu/articles/2/",
        "https://www.eng.kavkaz-uzel.eu/rubric/11?page=2",
        "https://www.kavkaz-uzel.eu/articles.rss",
        "http://127.0.0.1:8080/articles/3",
    ]
)


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(PIECES, max_size=40), url=URLS, as_bytes=st.booleans())
def test_markup_soup(pieces: list[str], url: str, as_bytes: bool) -> None:
    text = "".join(pieces)
    with contextlib.suppress(NotAnArticle, MissingFields):
        parse_page(text.encode("utf-8", "surrogatepass") if as_bytes else text, url)


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=3000), url=URLS)
def test_random_bytes(data: bytes, url: str) -> None:
    with contextlib.suppress(NotAnArticle, MissingFields):
        parse_page(data, url)
