"""Page objects with no I/O: the article, listing pages and the RSS feed.

```python
record = parse_article(body, url, headers=None)   # ArticleRecord; NotAnArticle / MissingFields
listing = parse_listing(body, url, headers=None)  # ListingPage(kind="listing")
feed = parse_feed(body, url, headers=None)        # ListingPage(kind="feed")
page = parse_page(body, url, headers=None)        # decides which from the URL and the content
ArticlePage(html, url).sources                    # field -> cascade level
```

Every field has a cascade (``knotcrawl.pages.article``): known selectors of the sample markups,
then structured data (JSON-LD, OpenGraph, ``<time datetime>``, ``rel=canonical``), then semantic
elements (``h1``, ``time``, ``figure``/``figcaption``, the element holding most paragraph text),
then the site's text conventions (date formats, ``Author:``/``Source:`` lines, the
cross-reference line, furniture phrases). ``ArticlePage.sources`` names the level each field came
from (fields not found are absent); the crawler counts them as
``knotcrawl/field/<field>/<level>``.

Edition: the URL's host (``knotcrawl.hosts``); for a host that is not the site's (a replica on
loopback) the host of ``rel=canonical``/``og:url``, then ``<html lang>``, then the script of the
title. Dates: ``knotcrawl.pages.dates.read_date``. Bytes: ``knotcrawl.pages.encoding``.
Errors: ``NotAnArticle`` (status 3: empty or binary data, 404/error pages, forum/blog/service
pages), ``MissingFields`` (status 4, ``.fields``: title, published_at or body not found).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from knotcrawl.hosts import ARTICLE_PATH, OLD_NEWS_PATH
from knotcrawl.pages.article import ArticlePage
from knotcrawl.pages.common import (
    ERROR_TITLE,
    PARSER_VERSION,
    MissingFields,
    NotAnArticle,
    original_address,
)
from knotcrawl.pages.dates import ParsedDate, read_date
from knotcrawl.pages.html import text_of
from knotcrawl.pages.listing import FeedPage, ListingHtmlPage
from knotcrawl.record import ArticleRecord, ListingPage

__all__ = [
    "PARSER_VERSION",
    "ArticlePage",
    "FeedPage",
    "ListingHtmlPage",
    "MissingFields",
    "NotAnArticle",
    "ParsedDate",
    "page_kind",
    "parse_article",
    "parse_feed",
    "parse_listing",
    "parse_page",
    "read_date",
    "reject_error_page",
]

Headers = Mapping[str, str] | None


def parse_article(body: bytes | str, url: str, headers: Headers = None) -> ArticleRecord:
    """The article record of an article page (``lead=None``, ``sections=[]``)."""
    return ArticlePage(body, url, headers).to_record()


def parse_listing(body: bytes | str, url: str, headers: Headers = None) -> ListingPage:
    """A rubric/category/region/all-news listing page (an empty ``items`` past the end);
    ``NotAnArticle`` for an error page ("page not found" with status 200 is no listing)."""
    page = ListingHtmlPage(body, url, headers)
    reject_error_page(page, url)
    return page.to_listing()


def parse_feed(body: bytes | str, url: str, headers: Headers = None) -> ListingPage:
    """The RSS feed (``/articles.rss``)."""
    return FeedPage(body, url, headers).to_listing()


_FEED = re.compile(r"(?:\.rss|\.xml|/rss(?:/[\w-]+)?|/feed)/?$")
_NOT_SUPPORTED = re.compile(r"^/(?:forum|blogs|users|search|feedback|login|assets|system)(?:/|$)")
_LISTING = re.compile(r"^/(?:rubric/\d+|category/\d+|articles|[a-z][a-z0-9_-]*)/?$")


def page_kind(body: bytes | str, url: str) -> str:
    """``article``, ``listing`` or ``feed`` from the URL path, then the content."""
    path = urlsplit(original_address(url, body)).path or "/"
    head = body[:512] if body else b""
    head_text = head.decode("latin-1") if isinstance(head, bytes) else head
    stripped = head_text.lstrip().lower()
    if (
        _FEED.search(path)
        or stripped.startswith("<rss")
        or (stripped.startswith("<?xml") and ("<rss" in stripped or "<feed" in stripped))
    ):
        return "feed"
    match = ARTICLE_PATH.match(path)
    if match:
        if not match.group("slug").isdigit():
            raise NotAnArticle(
                f"{url}: /articles/{match.group('slug')} is a service page, not a news article"
            )
        return "article"
    if _NOT_SUPPORTED.match(path):
        kind = path.strip("/").split("/", 1)[0]
        raise NotAnArticle(f"{url}: a {kind} page, not an article or listing (not supported)")
    if OLD_NEWS_PATH.match(path):
        # (kept by Wayback snapshots: no record can carry the article's identity)
        raise NotAnArticle(
            f"{url}: an address of the old Russian site (/newstext/): its number is not an "
            "/articles/ id and cannot be mapped to one; give the article's /articles/ID "
            "address with --url"
        )
    if _LISTING.match(path):
        return "listing"
    if path == "/":
        # Its news blocks are a selection, not a listing a walk can page through.
        raise NotAnArticle(f"{url}: the home page, not an article or listing")
    raise NotAnArticle(f"{url}: the path {path!r} is not an article, listing or feed")


def parse_page(body: bytes | str, url: str, headers: Headers = None) -> ArticleRecord | ListingPage:
    """Article record, listing or feed, whichever the page is; ``NotAnArticle`` otherwise."""
    kind = page_kind(body, url)
    if kind == "feed":
        return parse_feed(body, url, headers)
    if kind == "article":
        return parse_article(body, url, headers)
    return parse_listing(body, url, headers)


def reject_error_page(page: ListingHtmlPage, url: str) -> None:
    for tag in ("h1", "title"):
        for el in page.root.iter(tag):
            text = " ".join(text_of(el).split())
            if text and ERROR_TITLE.search(text):
                raise NotAnArticle(f"{url}: an error page ({text!r}), not a listing")
            break
