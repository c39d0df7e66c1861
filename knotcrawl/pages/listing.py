"""Listing pages (rubric, category, region, RU ``/articles``, any ``?page=N``) and the RSS feed.

Items are found without class names: every link to an article of the page's edition marks
an item; the item is the largest element around the link that holds no other article; the
list is the parent holding most items (same-shaped groups elsewhere in the main content are
merged in page order). When the items hold no date, the date, figure and lead siblings around
each link are gathered into it (flat markups). Known classes of the samples are a fast path.

A listing grouped by day prints the day once, in a heading (``12 February 2026``, ``Сегодня``),
and only a time in each item below it: the heading belongs to no item, and each item's date is
the day of the nearest heading before it with the item's own time.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Mapping
from html import unescape
from itertools import chain
from urllib.parse import parse_qs, urljoin, urlsplit, urlunsplit

from lxml import etree

from knotcrawl.hosts import Edition, edition_of_url
from knotcrawl.moscow import utc_iso
from knotcrawl.pages.common import (
    NotAnArticle,
    cached_property,
    edition_from_lang,
    original_address,
    resolve_link,
)
from knotcrawl.pages.conventions import is_side_box_heading, without_feed_footer
from knotcrawl.pages.dates import (
    Day,
    ParsedDate,
    at_time,
    find_dates,
    has_time,
    is_relative_date,
    read_date,
    read_day,
    read_shown_date,
    read_time,
)
from knotcrawl.pages.html import (
    BLOCK_TAGS,
    HEADING_TAGS,
    IN_FIGURE,
    HtmlElement,
    collapse,
    css,
    document_base,
    line_text,
    open_page,
    paragraphs,
    strip_noise,
    text_of,
)
from knotcrawl.record import Link, ListingItem, ListingPage

__all__ = ["FeedPage", "ListingHtmlPage"]

ITEM_SEL = css(".articles-list_items > .articles-list_item, .news-feed > .news-card")
_EXCLUDED = frozenset({"nav", "footer", "aside", "header", "form"})
_NEXT_TEXT = re.compile(
    r"^(?:»|›|→|>|>>|next|next\s*(?:page|»|›|→)|следующая|далее|вперед|вперёд)\s*(?:»|›|→)?$",
    re.IGNORECASE,
)
# Blocks of a listing page that are not the list: sidebars, promo cards, partner links.
_FURNITURE_BLOCK = re.compile(r"(?i)sidebar|promo(?!ted)|partners|banner|related|popular")
_CURRENT_CLASS = re.compile(r"(?i)\b(?:active|current|selected)\b|--current|_current")


# The values of data-* attributes that hold a page number in a query (a "Load more" button's
# next page), in document order; XPath scans the tree in C.
_LOAD_MORE_ADDRESSES = etree.XPath("//@*[starts-with(name(), 'data-') and contains(., 'page=')]")


def _is_label(text: str) -> bool:
    """Whether an item's text printed before its headline is a label ("Pinned",
    "Exclusive", "Интервью"): a word or three, no sentence. A lead before the title is one."""
    return len(text) <= 30 and len(text.split()) <= 3 and text[-1] not in ".!?…"


def _shape(el: HtmlElement) -> tuple[str, str]:
    """An element's tag and classes (no modifiers such as ``card--wide``): the shape the
    items of one list share."""
    classes = sorted(c for c in (el.get("class") or "").split() if "--" not in c)
    return el.tag, " ".join(classes)[:40]


def _page_of(url: str) -> int | None:
    values = parse_qs(urlsplit(url).query).get("page")
    if values:
        try:
            return int(values[0])
        except ValueError:
            return None
    return None


def _same_host(href: str, page_url: str) -> str:
    """``href`` made absolute, on the host the page was fetched from."""
    absolute = urlsplit(urljoin(page_url, href.strip()))
    base = urlsplit(page_url)
    return urlunsplit((base.scheme, base.netloc, absolute.path, absolute.query, ""))


class ListingHtmlPage:
    """A listing page from its HTML alone."""

    def __init__(
        self, html: str | bytes, url: str, headers: Mapping[str, str] | None = None
    ) -> None:
        self.url = original_address(url, html)  # an archive's copy stands for the original page
        self.text, self.encoding, self.root = open_page(html, url, headers)
        strip_noise(self.root)
        self._sources: dict[str, str] = {}
        self._items_level = "semantic"
        self.base_url = document_base(self.root, self.url)

    @cached_property
    def edition(self) -> Edition | None:
        edition = edition_of_url(self.url)
        level = "url"
        if edition is None:
            level = "structured"
            for el in self.root.iter("link"):
                if (el.get("rel") or "").lower() == "canonical" and el.get("href"):
                    edition = edition_of_url(urljoin(self.base_url, el.get("href") or ""))
                    break
        if edition is None:
            level = "semantic"
            edition = edition_from_lang(self.root.get("lang"))
        if edition is None:
            level = "text"
            title = ""
            for el in self.root.iter("title", "h1"):
                title += " " + text_of(el)
            edition = edition_from_lang(None, title)
        if edition is not None:
            self._sources["edition"] = level
        return edition

    @property
    def sources(self) -> dict[str, str]:
        """How the page was read: ``edition`` (url, structured: rel=canonical, semantic:
        ``<html lang>``, text: the title's script) and ``items`` (selector: the known item
        classes, semantic: the links to articles)."""
        if self._zones:
            self._sources["items"] = self._items_level
        return dict(self._sources)

    @cached_property
    def page(self) -> int:
        page = _page_of(self.url)
        if page is not None:
            return page
        for el in self.root.iter("li", "span", "a", "em", "strong", "b"):
            marked = el.get("aria-current") == "page" or _CURRENT_CLASS.search(
                el.get("class") or ""
            )
            text = collapse(text_of(el))
            if marked and text.isdigit():
                return int(text)
        return 1

    @cached_property
    def next_page(self) -> str | None:
        candidates: list[str] = []
        for a in self.root.iter("a"):
            href = a.get("href")
            if not href or href.strip().startswith(("#", "javascript:")):
                continue
            rel = (a.get("rel") or "").lower().split()
            if "next" in rel and self._leads_on(href) and a.get("aria-disabled") != "true":
                return _same_host(urljoin(self.base_url, href), self.url)
            text = collapse(text_of(a))
            cls = (a.get("class") or "").lower()
            if _NEXT_TEXT.match(text) or re.search(r"(?:^|[-_\s])next\b", cls):
                candidates.append(href)
        for el in self.root.iter("link"):
            href = el.get("href")
            if "next" in (el.get("rel") or "").lower().split() and href and self._leads_on(href):
                return _same_host(urljoin(self.base_url, href), self.url)
        for href in candidates:
            if _page_of(urljoin(self.base_url, href)) == self.page + 1:
                return _same_host(urljoin(self.base_url, href), self.url)
        path = urlsplit(self.url).path
        hrefs = (href for a in self.root.iter("a") if (href := a.get("href")))
        # Then a "Load more" button that fetches the next page by script: its address only in
        # a data attribute (<button data-url="/articles?page=2">, <a href="#" data-href=…>);
        # the tree is searched for one only when no link leads there.
        scripted = (str(v).strip() for v in _LOAD_MORE_ADDRESSES(self.root))
        for href in chain(hrefs, scripted):
            target = urljoin(self.base_url, href)
            if _page_of(target) == self.page + 1 and urlsplit(target).path == path:
                return _same_host(target, self.url)
        return None

    def _leads_on(self, href: str) -> bool:
        """Whether a link marked as the next page leads past this one: a last page's pager
        may keep its "Next" link, disabled, pointing at the page itself."""
        page = _page_of(urljoin(self.base_url, href))
        return page is None or page > self.page

    # -- items ----------------------------------------------------------------------------

    @cached_property
    def _article_links(self) -> list[tuple[HtmlElement, int, str]]:
        links = []
        for a in self.root.iter("a"):
            href = a.get("href")
            if not href or "articles/" not in href:
                continue
            link = resolve_link(href, "", self.base_url, self.edition)
            if link is None or link.kind != "article" or link.article_id is None:
                continue
            if self.edition is not None and link.edition != self.edition:
                continue
            links.append((a, link.article_id, link.url))
        return links

    @cached_property
    def _zones(self) -> list[tuple[int, str, list[HtmlElement]]]:
        links = self._article_links
        if not links:
            return []
        known = ITEM_SEL(self.root)
        if known:
            known_set = set(known)
            zones = []
            for item in known:
                for a, aid, url in links:
                    if item in a.iterancestors():
                        zones.append((aid, url, [item]))
                        break
            if zones and len(zones) == len(known_set):
                self._items_level = "selector"
                return zones
        self._items_level = "semantic"
        ids_under: dict[HtmlElement, set[int]] = {}
        for a, aid, _url in links:
            for anc in (a, *a.iterancestors()):
                ids = ids_under.setdefault(anc, set())
                if aid in ids and len(ids) > 1:
                    break
                ids.add(aid)
        # An item never holds the page heading, the pager or the page itself (this matters
        # when a page lists a single article: every ancestor then holds only its links).
        walls: set[HtmlElement] = set()
        for el in self.root.iter("h1", "body", "main"):
            walls.add(el)
            walls.update(el.iterancestors())
        for a in self.root.iter("a"):
            if "page=" in (a.get("href") or ""):
                walls.update(a.iterancestors())
        # On a page grouped by day no item holds a day heading: it belongs to every item below
        # it, not to the first (which would otherwise grow around it when its group holds one).
        grouped = self._grouped_by_day
        if grouped:
            for heading, _day in self._day_headings:
                walls.add(heading)
                walls.update(heading.iterancestors())
        # Every place that links an article is a candidate item (a table layout can list the
        # same articles twice: in a menu column and in the listing itself).
        item_ids: dict[HtmlElement, tuple[int, str]] = {}
        item_links: dict[HtmlElement, HtmlElement] = {}
        furniture: set[HtmlElement] = set()
        listed: set[HtmlElement] = set()
        for a, aid, url in links:
            top = a
            for anc in a.iterancestors():
                if anc not in walls and ids_under.get(anc) == {aid}:
                    top = anc
                else:
                    break
            item_ids.setdefault(top, (aid, url))
            item_links.setdefault(top, a)
            # A link inside a sidebar or promo block is furniture even when its item climbed
            # out of that block: on a page past the end of a one-page listing (no pager link
            # with ?page=, no items) the featured widget's link reaches the page's wrapper.
            # (An item the list also links outside such a block stays.)
            (furniture if self._excluded(a) else listed).add(top)
        groups: dict[HtmlElement, list[HtmlElement]] = {}
        for top, (aid, _url) in item_ids.items():
            parent = top.getparent()
            if parent is None or (top in furniture and top not in listed):
                continue
            group = groups.setdefault(parent, [])
            if all(item_ids[other][0] != aid for other in group):
                group.append(top)
        groups = self._beside_pager(groups)
        groups = {p: items for p, items in groups.items() if not self._under_box_heading(p, walls)}
        if not groups:
            return []

        def signature(parent: HtmlElement) -> tuple[str, str]:
            return _shape(groups[parent][0])

        # The listing is the group whose items carry dates (the site's listings date their
        # items, but for the RU справки rubric, SITE.md §4.3); a column of bare links to
        # articles (a sidebar, a table layout's menu) has none, however many links it holds.
        # Grouped by day, an item's date is its time: the day is in the heading.
        if grouped:
            dates = {
                parent: sum(1 for el in items if has_time(text_of(el)))
                for parent, items in groups.items()
            }
        else:
            dates = {
                parent: min(len(find_dates(text_of(parent))), len(items))
                for parent, items in groups.items()
            }
        # Among dated groups, one in the page's main region (<main>, role=main) before one
        # beside it (a "Popular" box of a sidebar with no telling markup).
        main = set(self._main_regions)
        in_main = {
            p: any(anc in main for anc in (p, *p.iterancestors())) if main else False
            for p in groups
        }
        primary = max(groups, key=lambda p: (dates[p] > 0, in_main[p], dates[p], len(groups[p])))
        sig = signature(primary)
        chosen = [
            p
            for p in groups
            if p is primary
            or (len(groups[p]) > 1 and signature(p) == sig and (dates[p] or not dates[primary]))
        ]
        if grouped:
            # A day of one item: its item grew to its list (the list held nothing else) and
            # stopped at the day's box. It is the element of the list's item shape around its
            # link, in a list of the list's shape.
            for parent in list(groups):
                if parent in chosen or len(groups[parent]) != 1 or not dates[parent]:
                    continue
                top = groups[parent][0]
                lone: HtmlElement | None = top if _shape(top) == sig else None
                if lone is None:
                    link = item_links[top]
                    for anc in (link, *link.iterancestors()):
                        if anc is top:
                            break
                        if _shape(anc) == sig:
                            lone = anc
                list_el = lone.getparent() if lone is not None else None
                if lone is None or list_el is None or _shape(list_el) != _shape(primary):
                    continue
                item_ids[lone] = item_ids[top]
                groups[list_el] = [lone]
                chosen.append(list_el)
        zones = []
        for parent in chosen:
            items = groups[parent]
            item_els = {el: item_ids[el] for el in items}
            if len(items) > 1 and not any(self._has_date(el) for el in items):
                zones.extend(self._segments(parent, item_els, walls))
            elif len(items) > 1 and (parts := self._recurring_parts(parent, item_els, walls)):
                zones.extend(self._segments(parent, item_els, walls, parts))
            else:
                zones.extend((*item_ids[el], [el]) for el in items)
        position = self._position
        zones.sort(key=lambda z: position.get(z[2][0], 0))
        return zones

    @cached_property
    def _position(self) -> dict[HtmlElement, int]:
        return {el: i for i, el in enumerate(self.root.iter())}

    @cached_property
    def _day_headings(self) -> list[tuple[HtmlElement, Day]]:
        """The elements whose whole text names a day and no time (``12 February 2026``,
        ``12.02.2026``, ``Сегодня``), in page order: the outermost element holding only that
        text. Not in furniture, nor above the page's ``h1`` (a site header's "today's date")."""
        position = self._position
        h1 = next(self.root.iter("h1"), None)
        start = position[h1] if h1 is not None else -1
        found: list[tuple[HtmlElement, Day]] = []
        for el in self.root.iter():
            text = el.text
            # Only elements with a short text of their own: read_day's regex runs on few.
            if not text or len(text) > 60 or not isinstance(el.tag, str):
                continue
            day = read_day(text)
            if day is None or position[el] < start:
                continue
            # As shown, with the count of its items if the page prints one ("12 February 2026
            # (14)"); in a child ("12 февраля 2026 <span>(14)</span>"), the whole text must
            # still read as a day, else the day is an item's own.
            shown = collapse(text_of(el))
            if len(el) and (len(shown) > 60 or read_day(shown) is None):
                continue
            heading = el
            parent = el.getparent()
            while parent is not None and parent.tag not in ("body", "html"):
                if collapse(text_of(parent)) not in (day.raw, shown):
                    break
                heading, parent = parent, parent.getparent()
            if not self._excluded(heading):
                found.append((heading, day))
        return found

    @cached_property
    def _day_heading_positions(self) -> list[int]:
        return [self._position[heading] for heading, _day in self._day_headings]

    @cached_property
    def _grouped_by_day(self) -> bool:
        """Whether the page groups its items under day headings: some heading has two
        articles or more below it, under its own parent, before the next heading. (A listing
        whose items each print their day apart from their time has one article after each;
        the links after the last such item, a list of older stories, are not under its day.)"""
        headings = self._day_headings
        if not headings:
            return False
        marks = sorted(
            [(pos, index, None) for index, pos in enumerate(self._day_heading_positions)]
            + [(self._position[a], -1, (a, aid)) for a, aid, _url in self._article_links],
            key=lambda mark: (mark[0], mark[1]),
        )
        box: HtmlElement | None = None
        below: set[int] = set()
        for _pos, index, link in marks:
            if link is None:
                box, below = headings[index][0].getparent(), set()
                continue
            a, aid = link
            if box is not None and box in a.iterancestors():
                below.add(aid)
                if len(below) > 1:
                    return True
        return False

    def _day_of(self, zone: list[HtmlElement], node: HtmlElement) -> Day | None:
        """The day of an item's time shown in ``node``: on a page grouped by day, the nearest
        heading before it; otherwise a day printed in the item itself before its time."""
        positions = self._day_heading_positions
        if not positions:
            return None
        at = self._position.get(node, 0)
        index = bisect_left(positions, at + 1) - 1  # the last heading at or before the node
        if index < 0:
            return None
        heading, day = self._day_headings[index]
        if self._grouped_by_day:
            return day
        inside = any(heading is el or el in heading.iterancestors() for el in zone)
        return day if inside else None

    @cached_property
    def _main_regions(self) -> list[HtmlElement]:
        return [
            el
            for el in self.root.iter()
            if el.tag == "main" or (isinstance(el.tag, str) and el.get("role") == "main")
        ]

    def _beside_pager(
        self, groups: dict[HtmlElement, list[HtmlElement]]
    ) -> dict[HtmlElement, list[HtmlElement]]:
        """The groups that can be the list, judged by where the page's pager is.

        A page past the end of a listing (or a listing emptied since its pager was read) shows
        only its furniture: a "Popular" box, a menu column of articles. Those are not items:
        when the pager sits in the page's main region, groups outside every main region go; and
        a group in another cell of the pager's table row (a 2000s layout's side column) goes.
        """
        path = urlsplit(self.url).path
        pager = [
            a
            for a in self.root.iter("a")
            if "page=" in (a.get("href") or "")
            and urlsplit(urljoin(self.base_url, a.get("href") or "")).path == path
        ]
        if not pager:
            return groups
        mains = self._main_regions
        pager_mains = [m for m in mains if any(m in a.iterancestors() for a in pager)]
        kept = {}
        for parent, items in groups.items():
            lineage = [parent, *parent.iterancestors()]
            if pager_mains and not any(m in lineage for m in mains):
                continue
            if any(self._other_cell(lineage, a) for a in pager):
                continue
            kept[parent] = items
        return kept

    @staticmethod
    def _under_box_heading(parent: HtmlElement, walls: set[HtmlElement]) -> bool:
        """Whether a group sits under a side box's heading ("Popular", "Most read",
        "Читаемое"): the nearest element before it, or before one of its ancestors below the
        page's heading and pager, reads as one. Such a box is beside the list, whatever its
        markup, and it is all a page past the end still shows."""
        el: HtmlElement | None = parent
        for _level in range(4):
            if el is None or el in walls:
                return False
            before = el.getprevious()
            while before is not None and not isinstance(before.tag, str):
                before = before.getprevious()
            if before is not None:
                text = collapse(text_of(before))
                if text:
                    return len(text) < 40 and is_side_box_heading(text)
            el = el.getparent()
        return False

    @staticmethod
    def _other_cell(lineage: list[HtmlElement], pager_link: HtmlElement) -> bool:
        """Whether a group (its ``lineage``: itself and its ancestors) and a pager link sit in
        two different cells of one table row."""
        pager_side = pager_link
        for anc in pager_link.iterancestors():
            if anc in lineage:
                index = lineage.index(anc)
                group_side = lineage[index - 1] if index else None
                return (
                    group_side is not None
                    and group_side is not pager_side
                    and group_side.tag in ("td", "th")
                    and pager_side.tag in ("td", "th")
                )
            pager_side = anc
        return False

    def _excluded(self, el: HtmlElement) -> bool:
        for anc in (el, *el.iterancestors()):
            tag = anc.tag if isinstance(anc.tag, str) else ""
            if tag == "body":
                # The page's own classes name its layout ("one-sidebar sidebar-second",
                # Drupal's), not a block of it.
                return False
            if tag in ("nav", "aside", "footer"):
                return True
            if tag == "header" and anc.getparent() is not None and anc.getparent().tag == "body":
                return True
            hint = (anc.get("class") or "") + " " + (anc.get("id") or "")
            if hint.strip() and _FURNITURE_BLOCK.search(hint):
                return True
        return False

    @staticmethod
    def _has_date(el: HtmlElement) -> bool:
        if el.tag == "time" or next(el.iter("time"), None) is not None:
            return True
        return bool(find_dates(text_of(el)))

    @staticmethod
    def _recurring_parts(
        parent: HtmlElement, item_els: dict[HtmlElement, tuple[int, str]], walls: set[HtmlElement]
    ) -> set[HtmlElement]:
        """Siblings of dated items that are parts of them: one of a shape for each item (a
        table's lead in the row below its dated headline row), holding text and no link to
        an article. A block printed once (a banner, a "Load more" button) is none."""
        by_shape: dict[tuple[str, str], list[HtmlElement]] = {}
        for child in parent:
            if isinstance(child.tag, str) and child not in item_els and child not in walls:
                by_shape.setdefault(_shape(child), []).append(child)
        return {
            child
            for children in by_shape.values()
            if len(children) == len(item_els)
            for child in children
            if text_of(child).strip()
            and not any("articles/" in (a.get("href") or "") for a in child.iter("a"))
        }

    def _segments(
        self,
        parent: HtmlElement,
        item_els: dict[HtmlElement, tuple[int, str]],
        walls: set[HtmlElement],
        parts: set[HtmlElement] | None = None,
    ) -> list[tuple[int, str, list[HtmlElement]]]:
        """Flat markups: date/figure siblings before a title belong to it, text after it too.
        The page heading and the pager (``walls``) belong to no item: beside undated items
        (the RU справки rubric, SITE.md §4.3) nothing else tells them from a lead. With
        ``parts``, only those siblings are gathered."""
        segments: list[tuple[int, str, list[HtmlElement]]] = []
        pending: list[HtmlElement] = []
        # A list that opens with a headline prints each item's date after it (title, date,
        # lead): there a date opens no item. A photo still leads the headline it shows.
        first = next(
            (c for c in parent if isinstance(c.tag, str) and c not in walls and text_of(c).strip()),
            None,
        )
        dates_lead = first not in item_els
        for child in parent:
            if not isinstance(child.tag, str):
                continue
            if child in item_els:
                aid, url = item_els[child]
                segments.append((aid, url, [*pending, child]))
                pending = []
                continue
            if child in walls or (parts is not None and child not in parts):
                continue
            leading = (
                child.tag in ("figure", "img")
                or next(child.iter("img"), None) is not None
                or (
                    dates_lead
                    and (
                        child.tag == "time"
                        or self._has_date(child)
                        or (not len(child) and read_time(child.text) is not None)
                    )
                )
            )
            if leading or pending or not segments:
                pending.append(child)
            else:
                segments[-1][2].append(child)
        return segments

    @cached_property
    def items(self) -> list[ListingItem]:
        built: list[tuple[ListingItem, str | None, bool]] = []
        seen: set[int] = set()
        for aid, url, zone in self._zones:
            if aid in seen:
                continue
            seen.add(aid)
            built.append(self._item(aid, url, zone))
        # A short text before the headline is a label ("Pinned") where the list prints its
        # leads after the headlines; where no item does, the leads come first, and a short
        # one ("No injuries reported") is a lead like the others.
        if any(lead_after for _item, _with_short, lead_after in built):
            return [item for item, _with_short, _lead_after in built]
        result = []
        for item, with_short, _lead_after in built:
            if with_short is not None:
                item.lead = with_short
            result.append(item)
        return result

    def _item(
        self, aid: int, url: str, zone: list[HtmlElement]
    ) -> tuple[ListingItem, str | None, bool]:
        """The item, the short texts before its headline as its lead when it has no other
        lead text (else ``None``: ``_is_label``), and whether it prints lead text after its
        headline."""
        title = None
        title_block: HtmlElement | None = None  # the headline's block inside a card link
        # The longest text of the item's links, a link in a heading first (a "Read more" link
        # may hold the headline after its own words, hidden: "Подробнее о <title>").
        best: tuple[bool, int] | None = None
        for el in zone:
            for a in el.iter("a"):
                link = resolve_link(a.get("href") or "", "", self.base_url, self.edition)
                if link is None or link.article_id != aid:
                    continue
                text, block = self._link_title(a)
                text = text or collapse(a.get("title"))
                if not text:
                    continue
                in_heading = block is not None and block.tag in HEADING_TAGS
                if not in_heading:
                    in_heading = any(anc.tag in HEADING_TAGS for anc in a.iterancestors())
                key = (in_heading, len(text))
                if best is None or key > best:
                    best, title, title_block = key, text, block
        date: ParsedDate | None = None
        # A time shown alone (a listing grouped by day prints the day in a heading): its text,
        # never lead text, and the day it is read with.
        time_raw: str | None = None
        for el in zone:
            for t in el.iter("time"):
                shown = line_text(t)
                date = read_shown_date(shown, t.get("datetime"))
                if date is None:
                    stated = read_date(t.get("datetime"))
                    time_raw = time_raw or read_time(shown)
                    day = self._day_of(zone, t) if time_raw else None
                    if day is not None and time_raw is not None:
                        date = at_time(day, time_raw, stated.moment if stated else None)
                    date = date or stated
                if date is not None:
                    break
            if date is not None:
                break
        if date is None:
            time_node: HtmlElement | None = None
            for el in zone:
                for node in el.iter():
                    for chunk in (node.text, node.tail if node is not el else None):
                        if chunk and ":" in chunk:
                            found = find_dates(chunk)
                            if found:
                                date = found[0]
                                break
                            if time_node is None and (shown_time := read_time(chunk)):
                                time_raw, time_node = shown_time, node
                    if date is not None:
                        break
                if date is not None:
                    break
            if date is None and time_raw is not None and time_node is not None:
                day = self._day_of(zone, time_node)
                date = at_time(day, time_raw) if day is not None else None
        caption = None
        for el in zone:
            for fc in el.iter("figcaption"):
                caption = collapse(line_text(fc)) or None
                if caption:
                    break
            if caption:
                break
            for node in el.iter():
                if "caption" in (node.get("class") or "").lower():
                    caption = collapse(line_text(node)) or None
                    if caption:
                        break
            if caption:
                break
        if caption is None:
            caption = self._image_caption(zone, aid, title)
        lead_parts: list[str] = []
        with_short: list[str] = []  # the lead texts and the short texts before the headline
        lead_after = False
        title_seen = False
        for el in zone:
            for p in paragraphs(el):
                text = p.text
                if p.flags & IN_FIGURE or text == caption:
                    continue
                if p.el is title_block:
                    title_seen = True
                    continue
                if date is not None and (text == date.raw or read_date(text) is not None):
                    continue
                if text == time_raw or read_day(text) is not None:
                    continue
                title_links = [
                    t
                    for h, t in p.links
                    if (lk := resolve_link(h, "", self.base_url, self.edition)) is not None
                    and lk.article_id == aid
                ]
                # (an image-only link to the article, the photo, is no headline)
                title_seen = title_seen or any(title_links)
                if title_links and p.link_only:
                    continue
                if date is not None and date.raw in text:
                    text = text.replace(date.raw, " ", 1)
                elif time_raw is not None and time_raw in text:
                    text = text.replace(time_raw, " ", 1)
                if caption and text.startswith(caption):
                    text = text[len(caption) :]
                for anchor in title_links:
                    if anchor:
                        text = text.replace(anchor, " ", 1)
                text = collapse(text).strip(" ,|•-—")
                # A number alone is a comment or view counter printed before the lead
                # ("1Рамзан…" in the text of RU listings, SITE.md §4.3), never lead text; nor
                # is a relative date ("2 часа назад", with the counter beside it), nor a label
                # above the headline ("Pinned").
                if text and not text.isdigit() and not is_relative_date(text):
                    with_short.append(text)
                    if title_seen or not _is_label(text):
                        lead_parts.append(text)
                        lead_after = lead_after or title_seen
        lead = " ".join(lead_parts) or None
        item = ListingItem(
            article_id=aid,
            url=url,
            title=title,
            published_at=utc_iso(date.moment) if date else None,
            published_raw=collapse(date.raw) if date else None,
            lead=lead,
            photo_caption=caption,
        )
        # (an item with a lead of its own beside the short text: the short text is a label)
        short_lead = " ".join(with_short) if with_short and not lead_parts else None
        return item, short_lead, lead_after

    @staticmethod
    def _link_title(a: HtmlElement) -> tuple[str, HtmlElement | None]:
        """The text of an item's link; for a card that is one link (date, headline and lead
        in blocks inside the ``<a>``), its headline: a heading inside it, else its first block
        that is not a date, a caption or the photo's block."""
        if not any(isinstance(child.tag, str) and child.tag in BLOCK_TAGS for child in a):
            return collapse(line_text(a)), None
        for heading in a.iter(*HEADING_TAGS):
            text = collapse(line_text(heading))
            if text:
                return text, heading
        for para in paragraphs(a):
            if para.flags & IN_FIGURE or read_date(para.text) or read_time(para.text):
                continue
            if para.el is not a and next(para.el.iter("img"), None) is not None:
                continue  # the card's media block: the photo and its caption
            return para.text, para.el
        return "", None

    def _image_caption(self, zone: list[HtmlElement], aid: int, title: str | None) -> str | None:
        """The text printed beside an item's image (its wrapper's text), else its alt text
        unless it repeats the item's title (a CMS fills it with the headline: no caption)."""
        for el in zone:
            for img in el.iter("img"):
                parent = img.getparent()
                if parent is not None and parent is not el and parent.tag != "a":
                    has_link = any(
                        (lk := resolve_link(a.get("href") or "", "", self.base_url, self.edition))
                        is not None
                        and lk.article_id == aid
                        for a in parent.iter("a")
                    )
                    text = collapse(line_text(parent))
                    if text and not has_link:
                        return text
                alt = collapse(img.get("alt"))
                if alt and alt != title:
                    return alt
        return None

    def to_listing(self) -> ListingPage:
        if self.edition is None:
            raise NotAnArticle(f"{self.url}: cannot tell the edition (unknown host, no language)")
        return ListingPage(
            kind="listing",
            edition=self.edition,
            url=self.url,
            page=self.page,
            items=self.items,
            next_page=self.next_page,
        )


_XML_PARSER = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=True)


# Media RSS (http://search.yahoo.com/mrss/), with or without its closing slash.
_MEDIA_NS = "{http://search.yahoo.com/mrss"


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


class FeedPage:
    """The RSS 2.0 (or Atom) feed."""

    def __init__(
        self, body: str | bytes, url: str, headers: Mapping[str, str] | None = None
    ) -> None:
        if not body or not body.strip():
            raise NotAnArticle(f"{url}: the feed is empty")
        self.url = original_address(url)
        data = body if isinstance(body, bytes) else body.encode("utf-8")
        if isinstance(body, str):
            data = re.sub(rb"^\s*<\?xml[^>]*\?>", b"", data)
        try:
            root = etree.fromstring(data.strip(), parser=_XML_PARSER)
        except etree.XMLSyntaxError as exc:
            raise NotAnArticle(f"{url}: not a readable RSS feed ({exc})") from exc
        if root is None or _local(root.tag) not in ("rss", "feed", "rdf"):
            raise NotAnArticle(f"{url}: not an RSS or Atom feed")
        self.root = root

    @cached_property
    def edition(self) -> Edition | None:
        edition = edition_of_url(self.url)
        if edition is not None:
            return edition
        for el in self.root.iter():
            if _local(el.tag) == "language":
                return edition_from_lang(el.text)
        return None

    def _child(self, item: etree._Element, *names: str) -> etree._Element | None:
        for name in names:
            for child in item:
                if _local(child.tag) == name:
                    return child
        return None

    def _page_link(self, item: etree._Element) -> etree._Element | None:
        """The item's link to its page: RSS ``<link>``, Atom's ``rel="alternate"`` (or no
        ``rel``), not an enclosure (the photo) or another relation listed before it."""
        links = [child for child in item if _local(child.tag) == "link"]
        for link in links:
            if (link.get("rel") or "alternate").lower() == "alternate":
                return link
        return links[0] if links else None

    def _article_of(self, item: etree._Element) -> Link | None:
        """The article an item is about: its page link, else its ``guid`` (or Atom ``id``),
        else its ``comments`` page (``…/articles/420879#comments``), whichever first names an
        article: a ``guid`` that is no permalink may be a bare tag (``ku-article-420879``)."""
        link_el = self._page_link(item)
        candidates: list[str | None] = []
        if link_el is not None:
            candidates.append((link_el.text or "").strip() or link_el.get("href"))
        for names in (("guid", "id"), ("comments",)):
            el = self._child(item, *names)
            if el is not None:
                candidates.append((el.text or "").strip())
        for href in candidates:
            if href:
                link = resolve_link(href, "", self.url, self.edition)
                if link is not None and link.article_id is not None:
                    return link
        return None

    @cached_property
    def items(self) -> list[ListingItem]:
        result = []
        seen: set[int] = set()
        for item in self.root.iter():
            if _local(item.tag) not in ("item", "entry"):
                continue
            link = self._article_of(item)
            if link is None or link.article_id is None or link.article_id in seen:
                continue
            seen.add(link.article_id)
            title_el = self._child(item, "title")
            title = collapse(_as_text(title_el.text)) if title_el is not None else ""
            # Atom's <updated> is the entry's last change, not its publication (as an
            # article's update line or dateModified is never its date): no date then.
            date_el = self._child(item, "pubdate", "published", "date")
            raw = (date_el.text or "").strip() if date_el is not None else ""
            parsed = read_date(raw) if raw else None
            desc_el = self._child(item, "description", "summary", "content")
            lead = ""
            if desc_el is not None:
                # Atom's type="xhtml" content is markup, not text: its words, block by block.
                xhtml = len(desc_el) > 0 and desc_el.get("type") == "xhtml"
                lead = collapse(" ".join(desc_el.itertext()) if xhtml else _as_text(desc_el.text))
                lead = without_feed_footer(lead)
            result.append(
                ListingItem(
                    article_id=link.article_id,
                    url=link.url,
                    title=title or None,
                    published_at=utc_iso(parsed.moment) if parsed else None,
                    published_raw=raw or None,
                    lead=lead or None,
                    photo_caption=self._media_caption(item),
                )
            )
        return result

    @staticmethod
    def _media_caption(item: etree._Element) -> str | None:
        """The photo's caption: Media RSS's ``media:description`` of the item's picture (in
        its ``media:content`` or ``media:group``; one beside them describes the item, not the
        photo), as text (``type="html"`` gives markup)."""
        for child in item:
            tag = child.tag
            if not (isinstance(tag, str) and tag.startswith(_MEDIA_NS)) or not len(child):
                continue
            if _local(tag) not in ("content", "group"):
                continue
            for el in child.iter():
                if _local(el.tag) == "description":
                    caption = collapse(_as_text(el.text))
                    if caption:
                        return caption
        return None

    def to_listing(self) -> ListingPage:
        edition = self.edition
        if edition is None:
            editions = {item.url for item in self.items}
            edition = next((edition_of_url(u) for u in editions if edition_of_url(u)), None)
        if edition is None:
            raise NotAnArticle(f"{self.url}: cannot tell the edition of the feed")
        return ListingPage(
            kind="feed", edition=edition, url=self.url, page=None, items=self.items, next_page=None
        )


# An HTML character reference left in feed text that was escaped twice ("&amp;laquo;" in the
# XML: "&laquo;" once read).
_CHAR_REF = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")


def _as_text(text: str | None) -> str:
    """Feed text that may carry (escaped) HTML, as plain text."""
    if not text:
        return ""
    if "&" in text and _CHAR_REF.search(text) and not ("<" in text and ">" in text):
        return unescape(text)
    if "<" in text and ">" in text:
        import lxml.html

        try:
            # Its paragraphs and line breaks separate words, as a reader sees them.
            return line_text(lxml.html.fragment_fromstring(text, create_parent="div"))
        except (etree.ParserError, ValueError):
            return text
    return text
