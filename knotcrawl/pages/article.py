"""The article page object: one property per field, each with a cascade of levels.

Levels, tried in this order for every field (``ArticlePage.sources`` tells which one gave it):

``selector``    class names of the known markups (SITE.md §5 and the samples);
``structured``  JSON-LD, OpenGraph, ``<time datetime>``, ``itemprop``, ``rel=canonical``;
``semantic``    ``h1``, ``time``, ``figure``/``figcaption``, the element holding most paragraph
                text, ``p``, ``a``;
``text``        the site's text conventions: date formats, ``Author:``/``Source:`` lines, the
                cross-reference line, furniture phrases, ``<title>``.

Edition rule: the host of the URL passed in (``knotcrawl.hosts``; level ``url``); for a host
that is not the site's (a replica on loopback), the host of ``rel=canonical``/``og:url``
(``structured``); then ``<html lang>`` (``semantic``); then the script (Cyrillic or Latin) of the
title (``text``). The article id: the URL's path (``url``), else ``rel=canonical``
(``structured``).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree

from knotcrawl.hosts import Edition, article_ref, canonical_url, edition_of_url
from knotcrawl.moscow import local_iso, utc_iso
from knotcrawl.pages.common import (
    PARSER_VERSION,
    MissingFields,
    NotAnArticle,
    cached_property,
    edition_from_lang,
    is_error_title,
    original_address,
    resolve_link,
)
from knotcrawl.pages.conventions import (
    better_source,
    crossref,
    crossref_continuation,
    is_bare_credit_label,
    is_comments_heading,
    is_credit_label,
    is_crossref_tail,
    is_furniture_text,
    is_read_also,
    is_stop_marker,
    is_update_label,
    parse_credits,
    repair_homoglyphs,
    trailing_credits,
)
from knotcrawl.pages.dates import (
    ParsedDate,
    find_dates,
    is_relative_date,
    read_date,
    read_shown_date,
    read_time,
    without_leading_date,
)
from knotcrawl.pages.html import (
    BLOCK_TAGS,
    CELL_SEPARATOR,
    FURNITURE,
    HEADING,
    IN_ASIDE,
    IN_FIGURE,
    IN_TITLE,
    SKIP_TAGS,
    ClassIndex,
    HtmlElement,
    Para,
    Selector,
    collapse,
    document_base,
    hint_flags,
    json_ld_of,
    json_ld_scripts,
    line_text,
    meta_content,
    open_page,
    paragraphs,
    strip_noise,
    text_of,
)
from knotcrawl.record import ArticleRecord, Link, Original

__all__ = ["ArticlePage"]

# Known markups (fast path). Only the first four class names were seen on the real site.
TITLE_SEL = Selector(
    ".articles-body h1, h1.article__title, h1.m-article_title, h1.amp-article_title"
)
DATE_SEL = Selector(
    ".articles-body p.time, .article__date, .m-article_date, .amp-article_date, .articles-body_date"
)
BODY_SEL = Selector(".articles-body_contents, .article__body, .m-article_text, .amp-article_text")
CAPTION_SEL = Selector(
    ".articles-body_image-caption, .article__caption, .article__figure figcaption, "
    ".m-article_caption, .amp-article_figure figcaption"
)
CREDITS_SEL = Selector(
    ".articles-body_author, .article__credits, .m-article_author, .amp-article_author"
)
_KNOWN_CLASSES = frozenset().union(
    *(sel.classes for sel in (TITLE_SEL, DATE_SEL, BODY_SEL, CAPTION_SEL, CREDITS_SEL))
)

_SITE_SUFFIX = re.compile(
    r"\s*(?:[|—–-]|::)\s*(?:Caucasian Knot|Кавказский узел|Kavkazsky Uzel)[^|—–]*$", re.IGNORECASE
)
# Or the site's name first ("Caucasian Knot | <title>", "Кавказский узел: <title>", as old
# table layouts had it), perhaps in the old English site's tagline ("Handpicked news from
# «Caucasian Knot» :: <title>", SITE.md §3.7): a few words, then the name, in quotes or not.
_SITE_PREFIX = re.compile(
    r"^(?:[\w'’]+\s+){0,4}[«\"“]?(?:Caucasian Knot|Кавказский узел|Kavkazsky Uzel)[»\"”]?"
    r"\s*(?:::|[|—–:-])\s*(?=\S)",
    re.IGNORECASE,
)
# ":" also finds "::".
_SEPARATORS = ("|", "—", "–", "-", ":")
# A print version's <title> names the version before the headline ("Print: <title>",
# "Версия для печати: <title>"); the label is no part of the headline.
_PRINT_PREFIX = re.compile(
    r"^(?:Print(?:able)?(?:\s+version)?|Версия\s+для\s+печати|Печать)\s*(?:[:|—–-]|::)\s*(?=\S)",
    re.IGNORECASE,
)
# The old English site printed the source after the article's date ("Apr 19 2014, 20:44; CK
# correspondent", SITE.md §3.7, §6).
_DATE_LINE_SOURCE = re.compile(r"\s*;\s*(\S.{0,38}?)\s*$")
_DATE_LINE_CREDITS = re.compile(r"\s*[·•|;,]\s*")
# Where a headline known from structured data or <title> is looked for, without an h1 (old
# table layouts set it in <font><b>).
_TITLE_TAGS = ("h2", "h3", "div", "p", "span", "td", "font", "b", "strong")
_SERVICE_WORD = re.compile(r"forum|blogs|users|search|feedback|login")
_URLSPLIT_SPECIAL = re.compile(r"[\t\n\r\[\]]")
_NON_ARTICLE_PATH = re.compile(r"^/(?:forum|blogs|users|search|feedback|login)(?:/|$)")
_ARTICLE_HREF = re.compile(r"(?:^|/)articles/(\d+)/?(?:[?#]|$)")


def _is_within(el: HtmlElement, root: HtmlElement) -> bool:
    """``el`` is ``root`` or one of its descendants."""
    return el is root or any(anc is root for anc in el.iterancestors())


def _credit_candidate(el: HtmlElement) -> str | None:
    """``text_of(el)``, or ``None`` when its first 20 characters (whitespace collapsed) hold
    no colon, so it cannot be a credit line: long blocks are read only that far."""
    head = ""
    for piece in el.itertext():
        head += piece
        if len(head) >= 40:
            # The first 20 words, joined, give the collapsed text's first 20 characters.
            words = head.replace("\u200b", "").split(None, 20)
            prefix = " ".join(words[:20])[:20]
            if len(prefix) == 20:
                return text_of(el) if ":" in prefix else None
    return head


# The labels of a credit line (conventions.parse_credits), matched the same way (same
# letters, re.IGNORECASE), ending where the colon's whitespace run starts.
_CREDIT_LABEL_END = re.compile(r"(?:Authors?|Авторы?|Sources?|Источник(?:и)?)\Z", re.IGNORECASE)


# Quote marks and the full stop a pull quote adds or drops around the sentence it repeats.
_PULL_QUOTE_MARKS = " \"'“”«»„‘’‚.…"
_PULL_QUOTE_MIN = 30  # shorter repeats (a name, a phrase) may well occur twice in a text


def _without_pull_quotes(body: list[Para]) -> list[Para]:
    """``body`` without its pull quotes: a design's large-type copy of a sentence of the text
    (``wp-block-pullquote``, ``Quote_pull__…``, ``«…»`` in a box), no text of its own:
    RECORD.md's body holds the text once. A paragraph is one when it repeats words of a longer
    paragraph and is set as such: a class naming a pull quote, or quote marks around the whole.
    A repeat in neither stays: a summary may restate a sentence, and a ``blockquote`` that
    sets a speaker's words apart (the replica's) is the article's."""
    quotes = [
        p
        for p in body
        if len(p.text) >= _PULL_QUOTE_MIN and not p.flags & HEADING and _is_pull_quote(p)
    ]
    if not quotes or len(body) < 2:
        return body
    lowered = [p.text.lower() for p in body]
    repeats = set()
    for p in quotes:
        own = p.text.lower()
        core = own.strip(_PULL_QUOTE_MARKS)
        if len(core) >= _PULL_QUOTE_MIN and any(
            core in other for other in lowered if len(other) > len(own)
        ):
            repeats.add(id(p))
    return [p for p in body if id(p) not in repeats] if repeats else body


def _is_pull_quote(p: Para) -> bool:
    """Whether a paragraph is set as a pull quote: quote marks around the whole, or a class
    naming one (``pullquote``, ``pull-quote``, ``Quote_pull__…``) on its block or the two
    blocks around it."""
    text = p.text
    if text[:1] in '"“«„' and text.rstrip(".")[-1:] in '"”»“':
        return True
    for el in (p.el, *itertools.islice(p.el.iterancestors(), 2)):
        if "pull" in (el.get("class") or "").lower():
            return True
    return False


# Elements with a tooltip that may hold a date (XPath: one scan in C).
_WITH_TITLE = etree.XPath("//*[@title and contains(@title, ':')]")


def _is_subheading(paras: list[Para], i: int, last: Para) -> bool:
    """Whether the heading ``paras[i]`` heads a part of the text (``Comments``, ``Обсуждение``
    over officials' and experts' comments) rather than the readers' comments: it stands
    in the block that holds the body's ``last`` paragraph (perhaps in a list), and the next
    paragraph, in that block too, is text with no date (a reader's comment shows its author
    and date, and the comments sit in a section of their own)."""
    parent = paras[i].el.getparent()
    if parent is None or i + 1 >= len(paras) or parent not in last.el.iterancestors():
        return False
    following = paras[i + 1]
    return (
        following.el.getparent() is parent
        and len(following.text) >= 40
        and not following.flags & FURNITURE
        and not following.link_only
        and not find_dates(following.text)
    )


def _may_hold_credits(text: str) -> bool:
    """Whether some element's text (a slice of ``text``, the whole page's) can be a credit
    line: one starts, once collapsed, with a label, optional whitespace and a colon, so the
    page's text then holds a label, whitespace (``collapse`` keeps it as spaces) and a colon,
    once zero-width spaces (which ``collapse`` drops) are dropped. Pages without a credit line
    skip reading every block for one (about 0.2 ms)."""
    if "\u200b" in text:
        text = text.replace("\u200b", "")
    colon = text.find(":")
    while colon >= 0:
        end = colon
        while end > 0 and text[end - 1].isspace():
            end -= 1
        # Every label is at most 9 characters (IGNORECASE matches character for character).
        if _CREDIT_LABEL_END.search(text, max(0, end - 9), end) is not None:
            return True
        colon = text.find(":", colon + 1)
    return False


def _strip_site(title: str) -> str:
    text = _PRINT_PREFIX.sub("", collapse(title))
    # The suffix starts with a separator: | — – - or ::.
    for sep in _SEPARATORS:
        if sep in text:
            # The name stands at one end: a headline that quotes it before a dash keeps it.
            stripped = _SITE_SUFFIX.sub("", text)
            return stripped if stripped != text else _SITE_PREFIX.sub("", text)
    return text


class ArticlePage:
    """An article page from its HTML alone. Fields are computed lazily; ``sources`` tells
    which cascade level gave each field that was found."""

    def __init__(
        self,
        html: str | bytes,
        url: str,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.fetched_url = url
        self.url = original_address(url, html)  # an archive's copy stands for the original page
        self.text, self.encoding, self.root = open_page(html, url, headers)
        self._ld_scripts = json_ld_scripts(self.root)
        strip_noise(self.root)
        self._sources: dict[str, str] = {}
        self._body_score = 0  # the text length that made the body block the body
        self._recorded = False
        self._resolved: dict[tuple[str, str], Link | None] = {}

    @cached_property
    def ld(self) -> dict[str, Any] | None:
        """The page's JSON-LD article object (parsed on first use)."""
        return json_ld_of(self._ld_scripts) if self._ld_scripts else None

    @cached_property
    def _elements(self) -> list[HtmlElement]:
        """Every node of the tree in document order (``root.iter()``; the tree is never
        changed after parsing). Held for the page's life: lxml then keeps one proxy object
        per element, and every later pass (the class index, ``itemprop``, the body-block
        scoring, document order, ``getparent``) reuses it instead of creating and freeing
        one per element per pass."""
        return list(self.root.iter())

    @cached_property
    def classes(self) -> ClassIndex:
        return ClassIndex(self._elements, _KNOWN_CLASSES)

    @cached_property
    def _itemprops(self) -> dict[str, list[HtmlElement]]:
        """Elements by ``itemprop`` value, in document order (what ``[itemprop=value]``
        selects): one pass over the held elements costs less than half of one compiled
        selector call (17-20 µs on these pages); read only when no known selector answered."""
        found: dict[str, list[HtmlElement]] = {}
        for el in self._elements:
            value = el.get("itemprop")
            if value is not None:
                found.setdefault(value, []).append(el)
        return found

    # -- identity -------------------------------------------------------------------------

    @cached_property
    def base_url(self) -> str:
        return document_base(self.root, self.url)

    @cached_property
    def canonical_link(self) -> str | None:
        for el in self.root.iter("link"):
            if "canonical" in (el.get("rel") or "").lower().split():
                href = (el.get("href") or "").strip()
                if href:
                    return urljoin(self.base_url, href)
        og = meta_content(self.root, "og:url")
        if og:
            return urljoin(self.base_url, og)
        if self.ld:
            main = self.ld.get("mainEntityOfPage") or self.ld.get("url")
            if isinstance(main, dict):
                main = main.get("@id") or main.get("url")
            if isinstance(main, str) and main.strip():
                return urljoin(self.base_url, main.strip())
        return None

    @cached_property
    def edition(self) -> Edition | None:
        edition = edition_of_url(self.url)
        level = "url"
        if edition is None and self.canonical_link:
            edition = edition_of_url(self.canonical_link)
            level = "structured"
        if edition is None:
            html_el = self.root if self.root.tag == "html" else None
            edition = edition_from_lang(html_el.get("lang") if html_el is not None else None)
            level = "semantic"
        if edition is None:
            edition = edition_from_lang(None, self.title or "")
            level = "text"
        if edition is not None:
            self._sources["edition"] = level
        return edition

    @cached_property
    def article_id(self) -> int | None:
        for i in range(2):
            # rel=canonical is read only when the URL gives no article
            candidate = self.url if i == 0 else self.canonical_link
            if not candidate:
                continue
            ref = article_ref(candidate, default_edition=self.edition or "en")
            if ref is not None:
                if ref.article_id is None:
                    raise NotAnArticle(
                        f"{self.url}: /articles/{ref.slug} is a service page, not a news article"
                    )
                self._sources["article_id"] = "url" if i == 0 else "structured"
                return ref.article_id
        return None

    @cached_property
    def canonical(self) -> str | None:
        if self.edition is None or self.article_id is None:
            return None
        return canonical_url(self.edition, self.article_id)

    # -- title ----------------------------------------------------------------------------

    @cached_property
    def _heads(self) -> tuple[HtmlElement | None, list[HtmlElement]]:
        """The first ``<title>`` and every ``<h1>``, in one pass."""
        title = None
        h1s = []
        for el in self.root.iter("title", "h1"):
            if el.tag == "h1":
                h1s.append(el)
            elif title is None:
                title = el
        return title, h1s

    @cached_property
    def _head_title(self) -> str | None:
        """The first ``<title>`` without the site's name (``None`` without one)."""
        title = self._heads[0]
        return None if title is None else _strip_site(text_of(title))

    @cached_property
    def _title(self) -> tuple[str | None, HtmlElement | None, str | None]:
        for el in self.classes.select(TITLE_SEL):
            text = _title_text(el)
            if text:
                return text, el, "selector"
        head_title = self._head_title
        structured = None
        if self.ld and isinstance(self.ld.get("headline"), str):
            structured = collapse(self.ld["headline"])
        structured = structured or _strip_site(meta_content(self.root, "og:title") or "") or None
        # A site logo set in an h1 ("Caucasian Knot") is not the headline.
        h1s = [
            el
            for el in self._heads[1]
            if (t := _title_text(el)) and not (len(t) < 40 and is_furniture_text(t))
        ]
        if structured:
            for el in h1s:
                if _same_title(el, structured):
                    return structured, el, "structured"
            for tag in _TITLE_TAGS:
                for el in self.root.iter(tag):
                    if _same_title(el, structured):
                        return structured, el, "structured"
            return structured, None, "structured"
        if h1s:
            chosen = h1s[0]
            if head_title and len(h1s) > 1:
                for el in h1s:
                    if _title_text(el) in head_title:
                        chosen = el
                        break
            return _title_text(chosen), chosen, "semantic"
        if head_title:
            for tag in _TITLE_TAGS:
                for el in self.root.iter(tag):
                    if _same_title(el, head_title):
                        return head_title, el, "text"
            return head_title, None, "text"
        return None, None, None

    @property
    def title(self) -> str | None:
        text, _el, level = self._title
        if text and level:
            self._sources["title"] = level
        return text or None

    @property
    def title_el(self) -> HtmlElement | None:
        return self._title[1]

    # -- structure ------------------------------------------------------------------------

    @cached_property
    def _order(self) -> dict[HtmlElement, int]:
        return {el: i for i, el in enumerate(self._elements)}

    @cached_property
    def _date_anchor(self) -> HtmlElement | None:
        """What the article's own date is nearest to: the title, else (a page whose headline
        is only in ``<title>``/``og:title``) the body block, so a sidebar's dated links beside
        it still belong to another block."""
        return self.title_el if self.title_el is not None else self._body_block[0]

    @cached_property
    def _title_ancestors(self) -> set[HtmlElement]:
        el = self._date_anchor
        if el is None:
            return set()
        return {el, *el.iterancestors()}

    @cached_property
    def _other_link_ancestors(self) -> set[HtmlElement]:
        """Ancestors of links to other articles: the blocks a foreign date belongs to."""
        own = self.article_id
        result: set[HtmlElement] = set()
        prose: dict[HtmlElement, bool] = {}  # a sentence's block, judged once for its links
        for a in self.root.iter("a"):
            href = a.get("href")
            if not href or "articles/" not in href:
                continue
            m = _ARTICLE_HREF.search(href)
            if m is None or int(m.group(1)) == own or a.getparent() in result:
                continue  # (a marked parent has every ancestor marked)
            if _in_prose(a, prose):
                continue
            for anc in a.iterancestors():
                if anc in result:
                    break
                result.add(anc)
        return result

    def _date_distance(self, el: HtmlElement) -> int | None:
        """Steps up from ``el`` to the title's block; ``None`` if a foreign block comes first."""
        title_anc = self._title_ancestors
        others = self._other_link_ancestors
        steps = 0
        for anc in (el, *el.iterancestors()):
            if anc in title_anc:
                return steps
            if anc in others:
                return None
            tag = anc.tag if isinstance(anc.tag, str) else ""
            if tag in ("aside", "nav", "footer", "header") and not self._own_footer(anc):
                return None
            steps += 1
        return steps if not title_anc else None

    def _own_footer(self, el: HtmlElement) -> bool:
        """Whether ``el`` (a ``<footer>`` or ``<header>``) is the article's own, inside its
        container (the AMP page prints the date at the bottom, under the credits: HTML's
        ``<footer>`` of an ``<article>`` holds its byline and date), not the page's."""
        container = self.container
        return (
            el.tag in ("footer", "header")
            and container.tag not in ("body", "html")
            and el is not container
            and any(anc is container for anc in el.iterancestors())
        )

    def _closest(self, found: list[tuple[HtmlElement, ParsedDate]]) -> ParsedDate | None:
        accepted = []
        for el, parsed in found:
            dist = self._date_distance(el)
            if dist is not None:
                accepted.append((dist, el, parsed))
        if len(accepted) <= 1:
            return accepted[0][2] if accepted else None
        best: tuple[int, int] | None = None
        result = None
        anchor = self._date_anchor
        title_pos = self._order.get(anchor, 0) if anchor is not None else 0
        for dist, el, parsed in accepted:
            key = (dist, abs(self._order.get(el, 0) - title_pos))
            if best is None or key < best:
                best, result = key, parsed
        return result

    @cached_property
    def _published(self) -> tuple[ParsedDate | None, str | None]:
        found = []
        for el in self.classes.select(DATE_SEL):
            parsed = read_shown_date(line_text(el), el.get("datetime")) or read_date(
                el.get("datetime")
            )
            if parsed is not None:
                found.append((el, parsed))
        if len(found) == 1:
            return found[0][1], "selector"
        chosen = self._closest(found) if found else None
        if chosen is not None:
            return chosen, "selector"
        structured = self._structured_date()
        if structured is not None:
            return structured, "structured"
        found = []
        for el in self.root.iter("time"):
            if _is_update_time(el):
                continue
            parsed = read_shown_date(line_text(el), el.get("datetime"))
            if parsed is not None:
                found.append((el, parsed))
        chosen = self._closest(found) if found else None
        if chosen is not None:
            return chosen, "semantic"
        chosen = self._closest(self._dates_in(self.container.iter()))
        if chosen is None:
            chosen = self._closest(self._text_dates)
        if chosen is None:
            chosen = self._closest(self._split_dates())
        if chosen is not None:
            return chosen, "text"
        chosen = self._closest(self._tooltip_dates())
        if chosen is not None:
            return chosen, "structured"
        return None, None

    def _tooltip_dates(self) -> list[tuple[HtmlElement, ParsedDate]]:
        """Dates only in a tooltip: an element that shows a relative date (``2 часа назад``),
        its ``title`` the date (``12.02.2026 14:20``). As for a ``<time datetime>`` with
        relative text, the attribute's text is ``published_raw``: the shown text names no
        date. Only when the page prints none. (An icon's or an empty link's tooltip, a
        Wayback toolbar's capture times, shows no date at all.)"""
        found: list[tuple[HtmlElement, ParsedDate]] = []
        for el in _WITH_TITLE(self.root):
            if not is_relative_date(collapse(line_text(el))):
                continue
            parsed = read_date(collapse(el.get("title")))
            if parsed is not None:
                found.append((el, parsed))
        return found

    def _split_dates(self) -> list[tuple[HtmlElement, ParsedDate]]:
        """Dates whose parts are in separate elements (``<span>18:09</span>, <span>27 April
        2023</span>``): read from the whole text of each short element with children. Only
        when no date was found in one piece."""
        found: list[tuple[HtmlElement, ParsedDate]] = []
        for el in self._elements:
            if not len(el) or not isinstance(el.tag, str) or el.tag in ("title", "head"):
                continue
            text = line_text(el)
            if ":" in text and len(text) < 120:
                for parsed in find_dates(collapse(text)):
                    found.append((el, parsed))
        return found

    @cached_property
    def _text_dates(self) -> list[tuple[HtmlElement, ParsedDate]]:
        return self._dates_in(self._elements)

    @staticmethod
    def _dates_in(elements: Iterable[HtmlElement]) -> list[tuple[HtmlElement, ParsedDate]]:
        """Every date written in the text of ``elements`` (a subtree's ``iter()``), with the
        element that holds it."""
        found: list[tuple[HtmlElement, ParsedDate]] = []
        for el in elements:
            text = el.text
            if text and ":" in text and el.tag != "title":
                for parsed in find_dates(text):
                    if _is_crossref_text(text):
                        break
                    if not _after_update_label(text, parsed.raw, el, None):
                        found.append((el, parsed))
            text = el.tail
            if text and ":" in text:
                owner = el.getparent()
                if owner is not None and owner.tag != "title":
                    for parsed in find_dates(text):
                        if _is_crossref_text(text):
                            break
                        if not _after_update_label(text, parsed.raw, owner, el):
                            found.append((owner, parsed))
        return found

    def _structured_date(self) -> ParsedDate | None:
        candidates: list[tuple[HtmlElement | None, str]] = []
        if self.ld and isinstance(self.ld.get("datePublished"), str):
            candidates.append((None, self.ld["datePublished"]))
        meta = meta_content(self.root, "article:published_time", "datepublished")
        if meta:
            candidates.append((None, meta))
        for el in self._itemprops.get("datePublished", ()):
            value = el.get("datetime") or el.get("content")
            if value:
                candidates.append((el, value))
        times = [
            el for el in self.root.iter("time") if el.get("datetime") and not _is_update_time(el)
        ]
        best_time = None
        if times:
            scored = [(self._date_distance(el), el) for el in times]
            near = [(d, self._order.get(el, 0), el) for d, el in scored if d is not None]
            if near:
                best_time = min(near, key=lambda item: (item[0], item[1]))[2]
                candidates.append((best_time, best_time.get("datetime") or ""))
        for el, value in candidates:
            parsed = read_date(value)
            if parsed is None:
                continue
            # published_raw is the text the page shows: the element's own text when it says
            # the same instant, else the visible date nearest the title with that instant.
            if el is not None:
                shown = read_date(line_text(el))
                if shown is not None and shown.moment.timestamp() == parsed.moment.timestamp():
                    return shown
            for _el, visible in self._visible_same(parsed):
                return visible
            return parsed
        return None

    def _visible_same(self, parsed: ParsedDate) -> list[tuple[HtmlElement, ParsedDate]]:
        # Instants compare by timestamp: aware datetimes in a repeated (autumn) hour never
        # compare equal across zones (PEP 495).
        stamp = parsed.moment.timestamp()
        best = None
        for dates in (self._dates_in(self.container.iter()), self._text_dates):
            same = [(el, p) for el, p in dates if p.moment.timestamp() == stamp]
            best = self._closest(same)
            if best is not None:
                break
        anchor = self.title_el if self.title_el is not None else self.root
        return [(anchor, best)] if best is not None else []

    @property
    def published(self) -> ParsedDate | None:
        parsed, level = self._published
        if parsed is not None and level:
            self._sources["published_at"] = level
        return parsed

    # -- body container -------------------------------------------------------------------

    @cached_property
    def _body_block(self) -> tuple[HtmlElement | None, str | None]:
        for el in self.classes.select(BODY_SEL):
            return el, "selector"
        for el in self._itemprops.get("articleBody", ()):
            return el, "structured"
        scores: dict[HtmlElement, int] = {}
        excluded: set[HtmlElement] = set()
        for tag in ("nav", "aside", "footer", "head"):
            for outer in self.root.iter(tag):
                excluded.update(outer.iter())

        def score(raw: str, owner: HtmlElement, minimum: int) -> None:
            block: HtmlElement | None = owner
            while block is not None and block.tag in _INLINE:
                if block.tag == "a" and _standalone(block):
                    return  # a headline on a line of its own: a column of them is no body
                block = block.getparent()
            if block is None or block.tag == "h1" or block in excluded:
                return
            text = collapse(raw)
            if len(text) < minimum or is_furniture_text(text):
                return
            if "Russian page" in text and crossref(text)[0]:
                return
            target = block.getparent() if block.tag in _PARA_TAGS else block
            if target is not None:
                scores[target] = scores.get(target, 0) + len(text)

        # Texts of 20 characters or more; on a page with none (a one-line article whose
        # sentence a link cuts into short pieces), of 5 or more.
        for minimum in (20, 5):
            for el in self._elements:
                raw = el.text
                if raw and len(raw) >= minimum:
                    score(raw, el, minimum)
                raw = el.tail
                if raw and len(raw) >= minimum:
                    owner = el.getparent()
                    if owner is not None:
                        score(raw, owner, minimum)
            if scores:
                break
        if not scores:
            return None, None
        best, self._body_score = max(scores.items(), key=lambda item: item[1])
        return best, "semantic"

    @cached_property
    def container(self) -> HtmlElement:
        body, _level = self._body_block
        title = self.title_el
        if body is None:
            return (
                title.getparent()
                if title is not None and title.getparent() is not None
                else self.root
            )
        if title is None:
            return body
        body_line = {body, *body.iterancestors()}
        for anc in (title, *title.iterancestors()):
            if anc in body_line:
                return anc
        return self.root

    # -- paragraphs -----------------------------------------------------------------------

    @cached_property
    def _analysis(self) -> dict[str, Any]:
        analysis = self._read_paragraphs(None)
        body_el, level = self._body_block
        if body_el is None or level != "semantic":
            return analysis
        found = sum(len(p.text) for p in analysis["body"])
        if found * 2 < self._body_score and self._line_has_furniture_hint(body_el):
            # Most of the body block's text is missing, and its class names hold a furniture
            # word (print-text, widget, commentary): read again with its line kept.
            again = self._read_paragraphs({body_el, *body_el.iterancestors()})
            if sum(len(p.text) for p in again["body"]) > found:
                analysis = again
        return analysis

    @staticmethod
    def _line_has_furniture_hint(el: HtmlElement) -> bool:
        for anc in (el, *el.iterancestors()):
            cls, ident = anc.get("class"), anc.get("id")
            if (cls or ident) and hint_flags((cls or "") + " " + (ident or "")) & FURNITURE:
                return True
        return False

    def _read_paragraphs(self, keep: set[HtmlElement] | None) -> dict[str, Any]:
        body_el, body_level = self._body_block
        restrict = body_level in ("selector", "structured")
        title_el = self.title_el
        paras = _split_trailing_credits(
            _split_set_apart(
                paragraphs(self.container, title_el, body_el if restrict else None, keep)
            )
        )
        title = self.title or ""
        published = self.published
        own_raw = published.raw if published else None
        caption = self._selector_caption
        started = title_el is None or not _is_within(title_el, self.container)
        state = "before"
        body: list[Para] = []
        authors: list[str] | None = None
        source: str | None = None
        source_from_role = False  # the source is a role after a name: a Source: line wins
        credit_level = "text"
        dated_source: str | None = None  # "Apr 19 2014, 20:44; CK correspondent"
        crossref_para: Para | None = None
        crossref_date: ParsedDate | None = None
        semantic_caption: str | None = None
        caption_level = "semantic"
        alts = {collapse(img.get("alt")) for img in self.container.iter("img")}
        alts.discard("")
        skip: set[int] = set()
        credit_elements = {*self.classes.select(CREDITS_SEL)}
        own_date_blocks = self._own_time_blocks(published)
        for i, p in enumerate(paras):
            text = p.text
            if own_raw and text.startswith(own_raw) and len(text) < 300:
                # The date line with the credits after it: "11:25, 26 марта 2026 · Автор: … ·
                # Источник: …", "18:09, 27 March 2026 | Author: …".
                if (m := _DATE_LINE_CREDITS.match(text, len(own_raw))) is not None and (
                    dated_credits := parse_credits(text[m.end() :])
                ) is not None:
                    if dated_credits.authors is not None and authors is None:
                        authors = dated_credits.authors
                    source, source_from_role = better_source(
                        source, source_from_role, dated_credits
                    )
                    continue
                if (
                    dated_source is None
                    and (m := _DATE_LINE_SOURCE.match(text, len(own_raw))) is not None
                ):
                    dated_source = repair_homoglyphs(m.group(1))
            if p.flags & IN_TITLE:
                started = True
                continue
            if p.flags & IN_FIGURE:
                if (
                    semantic_caption is None
                    and state != "tail"
                    # (on a page whose body's own classes hold furniture words, a caption's
                    # wrapper may too: elementor-widget)
                    and (not p.flags & FURNITURE or keep is not None)
                    and (p.el.tag == "figcaption" or "caption" in (p.el.get("class") or "").lower())
                    and not p.link_only
                ):
                    semantic_caption = text
                continue
            if text in alts and len(text) >= 15:
                # A photo's caption printed beside it (the image's alt text says the same).
                if semantic_caption is None and state != "tail":
                    semantic_caption, caption_level = text, "text"
                continue
            if not started:
                continue
            if (
                state == "before"
                and not p.flags & FURNITURE  # (an author's card: a photo and the name)
                and p.el is not body_el
                and text != own_raw  # the date line printed above the photo
                and self._beside_image(p)
            ):
                # Text printed with the lead photo before the body starts: its caption.
                if semantic_caption is None:
                    semantic_caption, caption_level = text, "text"
                continue
            credits = parse_credits(text)
            credit_label = text if credits is not None and is_credit_label(text) else None
            if credits is None and p.el.tag in ("dt", "th") and is_bare_credit_label(text):
                credit_label = f"{text}:"  # the colon is the style sheet's
            if credits is None and CELL_SEPARATOR in text[:14] and p.el.tag == "tr":
                # A table's row "label | value" (<th>Author</th><td>Name</td>): one paragraph.
                key, _sep, value = text.partition(CELL_SEPARATOR)
                key = key.rstrip(": ")
                if is_bare_credit_label(key):
                    credits = parse_credits(f"{key}: {value}")
            if credit_label is not None and i + 1 < len(paras):
                # "Author:" alone, the name in the next element (a <dt>/<dd> pair).
                joined = parse_credits(f"{credit_label} {paras[i + 1].text}")
                if joined is not None and (joined[0] or joined[1]):
                    credits = joined
                    skip.add(i + 1)
            if credits is not None:
                if credits.authors is not None and authors is None:
                    authors = credits.authors
                source, source_from_role = better_source(source, source_from_role, credits)
                if any(anc in credit_elements for anc in (p.el, *p.el.iterancestors())):
                    credit_level = "selector"
                # Credits end the body; printed before it (under the title), they do not.
                if body:
                    state = "tail"
                continue
            is_ref, ref_date = crossref(text)
            if is_ref:
                if crossref_para is None:
                    crossref_para, crossref_date = p, ref_date
                    following = paras[i + 1].text if i + 1 < len(paras) else ""
                    if not p.links and ref_date is None and following:
                        # Broken before its date: the rest, date and link, in the next paragraph.
                        crossref_date = crossref_continuation(following)
                    if not p.links and (
                        (crossref_date is not None and ref_date is None)
                        or (following and is_crossref_tail(following))
                    ):
                        # Its second sentence (or its rest), with the "click here" link, set apart.
                        tail = paras[i + 1]
                        crossref_para = Para(
                            f"{text} {tail.text}",
                            p.el,
                            p.flags,
                            p.index,
                            tail.links,
                            tail.link_chars,
                            p.in_body,
                        )
                        skip.add(i + 1)
                if body:
                    state = "tail"
                continue
            if state == "tail" or i in skip:
                continue
            if body and p.el.tag == "h1" and _dated_below(paras, i):
                # Another headline with its date below the text: the next article an endless
                # page appends. (Without a date it is a sub-heading an editor set as <h1>.)
                state = "tail"
                continue
            if restrict and not p.in_body:
                continue
            label = is_read_also(text)
            if label and p.links and p.link_chars >= 0.8 * (len(text) - label) > 0:
                continue  # "Read also: <a>other article</a>" in one line: a related card
            if is_stop_marker(text) and not (
                body and is_comments_heading(text) and _is_subheading(paras, i, body[-1])
            ):
                if not body:
                    continue  # before the body: a share bar's heading, a block of links
                resume = self._body_resumes(paras, i, body[-1]) if label else None
                if resume is not None:
                    # A "Read also" block inside the body: the article goes on after it.
                    skip.update(range(i + 1, resume))
                    continue
                state = "tail"
                continue
            if p.flags & (FURNITURE | IN_ASIDE) or is_furniture_text(text):
                continue
            if p.el in own_date_blocks and len(text) < 200 and own_date_blocks[p.el] in text:
                # The article's own date line (a <time> of its instant) with what a theme
                # prints beside it: "Опубликовано <time>10.02.2026</time> Автор: …".
                if state == "body" and not restrict:
                    state = "tail"
                continue
            whole_date = read_date(text) if len(text) < 60 and ":" in text else None
            if (
                whole_date is None
                and own_raw
                and len(text) < len(own_raw) + 40
                and (text.startswith(own_raw) or text.endswith(own_raw))
            ):
                whole_date = published
            if whole_date is not None:
                if own_raw is not None and (
                    whole_date.raw == own_raw
                    or (
                        published is not None
                        and whole_date.moment.timestamp() == published.moment.timestamp()
                    )
                ):
                    if state == "body" and not restrict:
                        state = "tail"
                    continue
                skip.update(self._related_block(paras, i))
                continue
            if text == title or (caption is not None and text == caption):
                continue
            if p.link_only and self._self_link(p):
                continue
            if p.flags & HEADING and not body and text == title:
                continue
            body.append(p)
            state = "body"
        body = _without_pull_quotes(body)
        if authors is None and source is None:
            authors, source, credit_level = self._credits_anywhere()
        if source is None and dated_source:
            source, credit_level = dated_source, "text"
        return {
            "body": body,
            "body_level": body_level or "semantic",
            "authors": authors,
            "source": source,
            "credit_level": credit_level,
            "crossref_para": crossref_para,
            "crossref_date": crossref_date,
            "semantic_caption": semantic_caption,
            "caption_level": caption_level,
        }

    def _own_time_blocks(self, published: ParsedDate | None) -> dict[HtmlElement, str]:
        """The blocks that hold a ``<time>`` of the article's own instant (by its
        ``datetime`` or its text), with the text it shows: the paragraph showing it is the
        date line, however the text around it reads."""
        blocks: dict[HtmlElement, str] = {}
        if published is None:
            return blocks
        stamp = published.moment.timestamp()
        for el in self.container.iter("time"):
            shown = collapse(line_text(el))
            if not shown or read_time(shown) is not None:
                # A time alone names no day: a live blog's entry that opened at the
                # article's minute is text, not the date line.
                continue
            parsed = read_date(el.get("datetime")) or read_shown_date(shown, el.get("datetime"))
            if parsed is None or parsed.moment.timestamp() != stamp:
                continue
            block = next((a for a in el.iterancestors() if a.tag in BLOCK_TAGS), None)
            if block is not None:
                blocks[block] = shown
        return blocks

    @staticmethod
    def _body_resumes(paras: list[Para], i: int, last: Para) -> int | None:
        """Where the body goes on after the "Read also" heading ``paras[i]``, or ``None`` when
        the heading ends it. The heading must sit in a box of its own that holds its links too
        (a ``div`` around the heading and a list), beside the body's ``last`` paragraph under
        one parent; the body goes on at the next paragraph under that parent, outside the box,
        that is text (not only a link, not furniture). A bare heading followed by paragraphs
        is the end of the article (related items with their leads)."""
        heading = paras[i].el
        on_last_line = {last.el, *last.el.iterancestors()}
        box = heading
        for anc in heading.iterancestors():
            if anc in on_last_line:
                shared = anc
                break
            box = anc
        else:
            return None
        if box is heading or box in on_last_line:
            return None
        for j in range(i + 1, min(len(paras), i + 12)):
            q = paras[j]
            inside = q.el is box or any(anc is box for anc in q.el.iterancestors())
            if inside or q.link_only:
                continue
            if q.flags & FURNITURE or not any(anc is shared for anc in q.el.iterancestors()):
                return None
            return j
        return None

    @staticmethod
    def _beside_image(p: Para) -> bool:
        """A short text whose own block, or the block around it, holds an image."""
        if len(p.text) > 400 or p.links:
            return False
        el = p.el
        if next(el.iter("img", "amp-img", "picture"), None) is not None:
            return True
        parent = el.getparent()
        if parent is None:
            return False
        siblings = [c for c in parent if isinstance(c.tag, str)]
        if len(siblings) <= 3 and any(c.tag in ("img", "amp-img", "picture") for c in siblings):
            return True
        # The image in the block (or table row) just before: a caption row under a photo. The
        # block around the text counts when the text is all it holds: the first paragraph of a
        # text block set under the photo is no caption.
        for box in (el, parent) if len(siblings) == 1 else (el,):
            before = box.getprevious()
            while before is not None and not isinstance(before.tag, str):
                before = before.getprevious()
            if (
                before is not None
                and len(before) <= 3
                and next(before.iter("img", "amp-img", "picture"), None) is not None
            ):
                return not collapse(text_of(before))
        return False

    def _related_block(self, paras: list[Para], i: int) -> set[int]:
        """A date line followed by a linked title (and a lead): a related-article block."""
        if i + 1 >= len(paras):
            return set()
        title_p = paras[i + 1]
        if not title_p.link_only:
            return set()
        date_el = paras[i].el
        ancestors = {date_el, *date_el.iterancestors()}
        wrapper = next(
            (a for a in (title_p.el, *title_p.el.iterancestors()) if a in ancestors), None
        )
        skip = {i + 1}
        if wrapper is not None and wrapper is not self.container:
            inside = {p.index for p in paras if p.el is wrapper or wrapper in p.el.iterancestors()}
            if len(inside) <= 4:
                return skip | inside
        if i + 2 < len(paras) and not paras[i + 2].link_only:
            nxt = paras[i + 2]
            if read_date(nxt.text) is None and parse_credits(nxt.text) is None:
                skip.add(i + 2)
        return skip

    def _self_link(self, p: Para) -> bool:
        for href, _text in p.links:
            ref = article_ref(urljoin(self.base_url, href.strip()), default_edition=self.edition)
            if ref is not None and ref.article_id == self.article_id:
                return True
        return False

    def _credits_anywhere(self) -> tuple[list[str] | None, str | None, str]:
        authors: list[str] | None = None
        source: str | None = None
        source_from_role = False
        if not _may_hold_credits(text_of(self.root)):
            return authors, source, "text"
        for el in self.root.iter("p", "div", "span", "li", "footer", "section"):
            raw = _credit_candidate(el)
            if raw is None:
                continue
            text = collapse(raw)
            if not text or len(text) > 300 or ":" not in text[:20]:
                continue
            credits = parse_credits(text)
            if credits is None:
                continue
            if credits.authors is not None and authors is None:
                authors = credits.authors
            source, source_from_role = better_source(source, source_from_role, credits)
        return authors, source, "text"

    # -- fields ---------------------------------------------------------------------------

    @property
    def body(self) -> str:
        analysis = self._analysis
        body = "\n\n".join(p.text for p in analysis["body"])
        if body:
            self._sources["body"] = analysis["body_level"]
        return body

    @property
    def authors(self) -> list[str]:
        analysis = self._analysis
        authors = analysis["authors"] or []
        if not authors and self.ld:
            authors = _ld_people(self.ld.get("author"))
            if authors:
                self._sources["authors"] = "structured"
                return authors
        if not authors:
            authors = self._itemprop_people()
            if authors:
                self._sources["authors"] = "structured"
                return authors
        if authors:
            self._sources["authors"] = analysis["credit_level"]
        return list(authors)

    def _itemprop_people(self) -> list[str]:
        """Microdata authors: each ``itemprop="author"`` that is a person (its ``name``, else
        its text or ``content``); an organisation (the site itself) is no author."""
        names: list[str] = []
        for el in self._itemprops.get("author", ()):
            kind = (el.get("itemtype") or "").rsplit("/", 1)[-1].lower()
            if kind and kind != "person":
                continue
            named = next((d for d in el.iterdescendants() if d.get("itemprop") == "name"), None)
            source = named if named is not None else el
            name = collapse(source.get("content") or line_text(source))
            if name and name not in names:
                names.append(name)
        return names

    @property
    def source(self) -> str | None:
        analysis = self._analysis
        if analysis["source"]:
            self._sources["source"] = analysis["credit_level"]
        return analysis["source"]

    @cached_property
    def _selector_caption(self) -> str | None:
        return self._caption_from_selector()

    def _caption_from_selector(self) -> str | None:
        container = self.container
        for el in self.classes.select(CAPTION_SEL):
            if container not in el.iterancestors():
                continue
            text = collapse(line_text(el))
            if text:
                return text
        return None

    @property
    def photo_caption(self) -> str | None:
        caption = self._selector_caption
        level = "selector"
        if caption is None and self.ld:
            image = self.ld.get("image")
            if isinstance(image, list) and image:
                image = image[0]
            if isinstance(image, dict) and isinstance(image.get("caption"), str):
                caption, level = collapse(image["caption"]) or None, "structured"
        if caption is None:
            caption = self._analysis["semantic_caption"]
            level = self._analysis["caption_level"]
        if caption is None:
            caption, level = self._caption_above_container(), "semantic"
        if caption is None:
            caption, level = self._caption_from_text(), "text"
        if caption:
            self._sources["photo_caption"] = level
        return caption or None

    def _caption_above_container(self) -> str | None:
        """The lead photo set above the article's container (a full-width hero above the
        columns, a card's top image above its body): the nearest block holding an image before
        the container, or before one of its three nearest ancestors. Its ``figcaption``, else
        its own text, else the one short text block printed between it and the container. A
        block of the page's furniture (header, navigation, a linked image: a logo, another
        article) or a second text block on the way ends the search."""
        el = self.container
        for _level in range(4):
            parent = el.getparent()
            if parent is None or el.tag == "body":
                return None
            between: list[str] = []
            before = el.getprevious()
            while before is not None:
                if not isinstance(before.tag, str):
                    before = before.getprevious()
                    continue
                if before.tag in ("header", "nav", "aside", "footer") or before.tag in SKIP_TAGS:
                    return None
                hint = (before.get("class") or "") + " " + (before.get("id") or "")
                if hint_flags(hint) & FURNITURE:
                    return None
                image = next(before.iter("img", "amp-img", "picture"), None)
                if image is not None:
                    figcaption = next(before.iter("figcaption"), None)
                    linked = any(anc.tag == "a" for anc in image.iterancestors())
                    if linked or (figcaption is None and next(before.iter("a"), None) is not None):
                        return None
                    own = collapse(line_text(figcaption if figcaption is not None else before))
                    text = own or (between[0] if between else "")
                    if not text or len(text) > 400 or is_furniture_text(text):
                        return None
                    return text
                text = collapse(line_text(before))
                if text:
                    if between or len(text) > 400 or read_date(text) is not None:
                        return None
                    between.append(text)
                before = before.getprevious()
            el = parent
        return None

    def _caption_from_text(self) -> str | None:
        """An element whose class says caption, or the alt text of the lead image."""
        body = self._analysis["body"]
        stop = body[-1].el if body else None
        past_stop = False
        for el in self.container.iter():
            tag = el.tag
            if not isinstance(tag, str):
                continue
            if el is stop:
                past_stop = True
            elif past_stop and stop not in el.iterancestors():
                break  # only images and captions up to the end of the body
            if tag == "img":
                alt = collapse(el.get("alt"))
                # An alt text that repeats the headline describes nothing.
                if len(alt) >= 20 and alt != self.title and not self._in_furniture(el):
                    return alt
            else:
                cls = el.get("class")
                if cls and "caption" in cls.lower() and not self._in_furniture(el):
                    text = collapse(line_text(el))
                    if text:
                        return text
        return None

    def _in_furniture(self, el: HtmlElement) -> bool:
        for anc in el.iterancestors():
            if anc is self.container:
                return False
            if anc.tag in ("a", "aside", "nav", "footer"):
                return True
            hint = (anc.get("class") or "") + " " + (anc.get("id") or "")
            if hint_flags(hint) & FURNITURE:
                return True
        return False

    @property
    def original(self) -> Original | None:
        analysis = self._analysis
        para: Para | None = analysis["crossref_para"]
        date: ParsedDate | None = analysis["crossref_date"]
        if para is None or date is None:
            return None
        link = self._original_link(para)
        if link is None:
            return None
        self._sources["original"] = "text"
        return Original(
            url=link.url,
            article_id=link.article_id,
            published_at=utc_iso(date.moment),
            published_local=local_iso(date.moment),
            published_raw=date.raw,
        )

    def _resolve(self, href: str, text: str) -> Link | None:
        """``resolve_link`` for this page (a body link is resolved once per page)."""
        key = (href, text)
        if key in self._resolved:
            link = self._resolved[key]
        else:
            link = self._resolved[key] = resolve_link(href, text, self.base_url, self.edition)
        # A fresh Link each time: callers may change its kind. (The constructor, not
        # dataclasses.replace, which costs several times as much.)
        if link is None:
            return None
        return Link(link.url, link.text, link.kind, link.edition, link.article_id)

    def _original_link(self, para: Para) -> Link | None:
        chosen = None
        for href, text in para.links:
            link = self._resolve(href, text)
            if link is None:
                continue
            if link.edition == "ru" or chosen is None:
                chosen = link
            if link.edition == "ru":
                break
        if chosen is not None:
            chosen.kind = "original"
        return chosen

    @property
    def links(self) -> list[Link]:
        analysis = self._analysis
        seen: set[str] = set()
        result: list[Link] = []
        para = analysis["crossref_para"]
        original = self._original_link(para) if para is not None else None
        for p in analysis["body"]:
            for href, text in p.links:
                link = self._resolve(href, text)
                if link is not None and link.url not in seen:
                    seen.add(link.url)
                    # The Russian original linked from the text too: listed once, where it
                    # comes first, and still the original.
                    if original is not None and link.url == original.url:
                        link.kind = "original"
                    result.append(link)
        if para is not None:
            for href, text in para.links:
                link = self._resolve(href, text)
                if link is None:
                    continue
                if original is not None and link.url == original.url:
                    link = original
                if link.url not in seen:
                    seen.add(link.url)
                    result.append(link)
        if result:
            self._sources["links"] = "semantic"
        return result

    @property
    def sources(self) -> dict[str, str]:
        """Field -> the cascade level that produced it (fields not found are absent).
        ``edition`` and ``article_id`` come from the page's address (``url``) before any
        level of the cascade."""
        if self._recorded:  # to_record read every field already
            return dict(self._sources)
        for name in (
            "edition",
            "article_id",
            "title",
            "published",
            "authors",
            "source",
            "photo_caption",
            "body",
            "original",
            "links",
        ):
            getattr(self, name)
        return dict(self._sources)

    # -- the record -----------------------------------------------------------------------

    def check_not_an_article(self) -> None:
        url = self.url
        # The path can name a service section only if the URL holds one of their words (or
        # characters urlsplit removes); brackets can make urlsplit raise, as before.
        if _SERVICE_WORD.search(url) or _URLSPLIT_SPECIAL.search(url):
            path = urlsplit(url).path
            if _NON_ARTICLE_PATH.match(path):
                kind = path.strip("/").split("/", 1)[0]
                raise NotAnArticle(f"{self.url}: a {kind} page, not a news article")
        h1s = self._heads[1]
        h1 = collapse(line_text(h1s[0])) if h1s else ""
        for text in (h1, self._head_title or ""):
            if text and is_error_title(text):
                raise NotAnArticle(f"{self.url}: an error page ({text!r}), not an article")

    def to_record(self) -> ArticleRecord:
        self.check_not_an_article()
        article_id = self.article_id
        if article_id is None:
            raise NotAnArticle(f"{self.url}: no article id in the URL or rel=canonical")
        if self.edition is None:
            raise NotAnArticle(f"{self.url}: cannot tell the edition (unknown host, no language)")
        title = self.title
        published = self.published
        body = self.body
        missing = [
            name
            for name, value in (("title", title), ("published_at", published), ("body", body))
            if not value
        ]
        if missing:
            raise MissingFields(missing, self.url)
        assert title is not None and published is not None
        record = ArticleRecord(
            edition=self.edition,
            article_id=article_id,
            url=self.canonical or self.url,
            fetched_url=self.fetched_url,
            title=title,
            published_at=utc_iso(published.moment),
            published_local=local_iso(published.moment),
            published_raw=collapse(published.raw),
            authors=self.authors,
            source=self.source,
            photo_caption=self.photo_caption,
            body=body,
            original=self.original,
            links=self.links,
            lead=None,
            sections=[],
            parser_version=PARSER_VERSION,
        )
        self._recorded = True
        return record


_INLINE = frozenset(
    [
        "a",
        "span",
        "b",
        "i",
        "em",
        "strong",
        "u",
        "s",
        "small",
        "big",
        "sup",
        "sub",
        "font",
        "code",
        "mark",
        "abbr",
        "cite",
        "q",
        "time",
        "label",
    ]
)
_PARA_TAGS = frozenset(["p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "dd", "dt", "pre"])


def _title_text(el: HtmlElement) -> str:
    """An element's text as a title: a date and time glued before it are not the title's."""
    return without_leading_date(collapse(line_text(el)))


def _same_title(el: HtmlElement, title: str) -> bool:
    """Whether ``el`` shows ``title`` (:func:`_title_text`, stripping only when it could
    matter: these loops read every block of the page)."""
    text = collapse(line_text(el))
    return text == title or (text.endswith(title) and without_leading_date(text) == title)


def _ld_people(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        if isinstance(item, dict) and str(item.get("@type", "")).lower() == "person":
            name = collapse(str(item.get("name") or ""))
            if name:
                names.append(name)
    return names


def _sets_apart(line: str) -> bool:
    """A line that is never part of the paragraph a single ``<br>`` glues it to: the
    cross-reference line (or its second sentence) and the credit lines."""
    return crossref(line)[0] or is_crossref_tail(line) or parse_credits(line) is not None


def _split_set_apart(paras: list[Para]) -> list[Para]:
    """Each paragraph with a cross-reference or credit line after a single ``<br>``
    ("…last sentence.<br>This article was originally published…<br>Author: …") split into
    one paragraph per such line, the text before it staying a paragraph of its own."""
    if not any(p.lines for p in paras):
        return paras
    result: list[Para] = []
    for p in paras:
        lines = p.lines
        starts = [k for k, (line, _n) in enumerate(lines or ()) if k and _sets_apart(line)]
        if lines is None or not starts:
            p.index = len(result)
            result.append(p)
            continue
        for begin, end in zip([0, *starts], [*starts, len(lines)], strict=True):
            first, last = lines[begin][1], lines[end][1] if end < len(lines) else len(p.links)
            links = p.links[first:last]
            text = " ".join(line for line, _n in lines[begin:end])
            link_chars = sum(len(anchor) + 1 for _href, anchor in links)
            result.append(Para(text, p.el, p.flags, len(result), links, link_chars, p.in_body))
    return result


def _split_trailing_credits(paras: list[Para]) -> list[Para]:
    """Each paragraph closed by credits in brackets ("…the main pipeline. (Author: …;
    Source: …)") split in two: the text, and the credits as a paragraph of their own (with
    the links inside them, an author's page)."""
    if not any(p.text.endswith((")", "]")) and trailing_credits(p.text) >= 0 for p in paras):
        return paras  # (the common case: no list to build)
    result: list[Para] = []
    for p in paras:
        start = trailing_credits(p.text)
        if start < 0:
            p.index = len(result)
            result.append(p)
            continue
        text, credits = p.text[:start].rstrip(), p.text[start:]
        first = len(p.links)
        while first and p.links[first - 1][1] and p.links[first - 1][1] in credits:
            first -= 1
        for part, links in ((text, p.links[:first]), (credits, p.links[first:])):
            link_chars = sum(len(anchor) + 1 for _href, anchor in links)
            result.append(Para(part, p.el, p.flags, len(result), links, link_chars, p.in_body))
    return result


def _is_crossref_text(text: str) -> bool:
    """Whether a text holding a date is the cross-reference line: its date is the Russian
    original's, never the article's own (asked only of texts with a date in them)."""
    return crossref(collapse(text))[0]


def _after_update_label(text: str, raw: str, owner: HtmlElement, child: HtmlElement | None) -> bool:
    """Whether the date ``raw`` in ``text`` follows an update label ("Updated:",
    "Обновлено:"): in the same text, else in the element just before it. ``text`` is
    ``owner.text`` (``child`` ``None``) or the tail of ``owner``'s ``child``."""
    prefix = text[: text.find(raw)]
    if prefix.strip():
        return is_update_label(prefix)
    if child is not None:
        return is_update_label(collapse(text_of(child)))
    before = owner.getprevious()
    while before is not None and not isinstance(before.tag, str):
        before = before.getprevious()
    if before is not None:
        return is_update_label(collapse(text_of(before)))
    parent = owner.getparent()
    return parent is not None and is_update_label(collapse(parent.text))


def _is_update_time(el: HtmlElement) -> bool:
    """A ``<time>`` of the last update, not of the publication: marked so (``dateModified``,
    a class ``updated``/``modified`` without ``published``: WordPress marks a post never
    changed ``published updated``) or labelled so before it."""
    if el.get("itemprop") == "dateModified":
        return True
    cls = (el.get("class") or "").lower()
    if ("updated" in cls or "modified" in cls) and "published" not in cls:
        return True
    text = el.text or ""
    return _after_update_label(text, text.strip(), el, None)


def _dated_below(paras: list[Para], i: int) -> bool:
    """Whether one of the three paragraphs after ``paras[i]`` holds a date (an article's date
    line under its headline)."""
    return any(find_dates(p.text) for p in paras[i + 1 : i + 4])


def _in_prose(link: HtmlElement, dateless: dict[HtmlElement, bool]) -> bool:
    """Whether a link sits inside a sentence (the body's text, the cross-reference line), not
    beside a date as another article's headline: text around it in its block, and no date
    there. Such a link makes no block another article's (Drupal prints the title outside the
    node that holds the date, the body and its links). ``dateless`` keeps each block's
    verdict on its date for the block's other links."""
    if _standalone(link):
        return False
    block = link.getparent()
    while block is not None and block.tag in _INLINE:
        block = block.getparent()
    if block is None:
        return False
    text = text_of(block)
    if len(text) < 2 * len(text_of(link)) + 20:
        return False
    verdict = dateless.get(block)
    if verdict is None:
        text = collapse(text)
        # (the cross-reference line holds the Russian original's date)
        verdict = dateless[block] = not find_dates(text) or crossref(text)[0]
    return verdict


def _standalone(link: HtmlElement) -> bool:
    """Whether a link stands on a line of its own (no text beside it in its parent): a
    headline in a list or a column of links, not a link inside a sentence."""
    if link.tail and not link.tail.isspace():
        return False
    before = link.getprevious()
    while before is not None and not isinstance(before.tag, str):
        before = before.getprevious()  # a comment between
    if before is not None:
        text = before.tail
    else:
        parent = link.getparent()
        text = parent.text if parent is not None else None
    return not text or text.isspace()
