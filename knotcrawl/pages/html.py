"""HTML plumbing shared by the page objects: parsing, text flattening, structured data.

``paragraphs(root)`` flattens a subtree into the paragraphs a reader sees: every block
element ends a paragraph, ``<br><br>`` splits one, inline markup is flattened, whitespace is
collapsed. Each paragraph keeps its links and where it sits (in a figure, in an element whose
class or id names furniture, in the title).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml.cssselect import CSSSelector
from lxml.etree import _Element as HtmlElement

from knotcrawl.hosts import ARCHIVE_TODAY, WAYBACK, ArchivedCopy, archived_copy
from knotcrawl.pages.common import ARCHIVE_TODAY_HEADER, NotAnArticle, is_binary
from knotcrawl.pages.encoding import decode_body

__all__ = [
    "BLOCK_TAGS",
    "Para",
    "collapse",
    "css",
    "document_base",
    "json_ld",
    "json_ld_of",
    "json_ld_scripts",
    "meta_content",
    "open_page",
    "paragraphs",
    "parse_html",
    "text_of",
]


BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "section",
        "article",
        "main",
        "header",
        "footer",
        "aside",
        "nav",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "blockquote",
        "figure",
        "figcaption",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "td",
        "th",
        "caption",
        "address",
        "pre",
        "hr",
        "center",
        "details",
        "summary",
        "body",
        "html",
        "dialog",
    ]
)
SKIP_TAGS = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "iframe",
        "button",
        "form",
        "select",
        "input",
        "textarea",
        "nav",
        "object",
        "embed",
        "canvas",
        "video",
        "audio",
        "map",
        "head",
        "title",
    ]
)
HEADING_TAGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])
STRIP_TAGS = ("script", "style", "noscript", "template", "iframe", "svg", "object", "embed")

# Class or id words that name page furniture (not article text).
FURNITURE_HINT = re.compile(
    r"(?i)(?:share|social|banner|promo(?!ted)|related|read-?also|more-?news|sidebar|feedback|advert|\bads?\b|subscribe|"
    r"breadcrumb|comment|pager|pagination|navbar|\bmenu|cookie|popup|modal|widget|\btags?\b|"
    r"recommend|partners|toolbar|lt-feedback|\bauthor|byline|newsletter|signup|donat)"
)

IN_FIGURE = 1
FURNITURE = 2
IN_TITLE = 4
HEADING = 8
IN_ASIDE = 16

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
# Plain lxml elements (no lxml.html class lookup): iterating them costs much less.
_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False)


def text_of(el: HtmlElement) -> str:
    """The text of ``el`` and its descendants (``lxml.html``'s ``text_content``)."""
    if not len(el):
        # No children: the text is ``el.text`` (itertext's generator costs more than that).
        return el.text or ""
    return "".join(el.itertext())


_LINE_BREAKS = ("br", *sorted(BLOCK_TAGS))


def line_text(el: HtmlElement) -> str:
    """The text of ``el`` as the page shows it on one line: :func:`text_of`, but a line break
    (``<br>``) or a block boundary inside ``el`` separates words instead of gluing them
    (``<h1>Snow<br>in Sochi</h1>``: ``Snow in Sochi``). For short texts read as one value: a
    title, a caption, a date."""
    if not len(el):
        return el.text or ""
    for _ in el.iterdescendants(*_LINE_BREAKS):
        break
    else:
        return "".join(el.itertext())
    parts: list[str] = []
    _spaced_text(el, parts)
    return "".join(parts)


def _spaced_text(el: HtmlElement, parts: list[str]) -> None:
    if el.text:
        parts.append(el.text)
    for child in el:
        tag = child.tag
        if isinstance(tag, str):  # not a comment or processing instruction
            if tag == "br":
                parts.append(" ")
            elif tag in BLOCK_TAGS:
                parts.append(" ")
                _spaced_text(child, parts)
                parts.append(" ")
            else:
                _spaced_text(child, parts)
        if child.tail:
            parts.append(child.tail)


def collapse(text: str | None) -> str:
    """Whitespace (including no-break spaces) collapsed to single spaces, trimmed; zero-width
    spaces and soft hyphens (invisible on the page) dropped."""
    if not text:
        return ""
    # Printable text holds no whitespace but the plain space (nor a zero-width space): with
    # no double space, only its ends can change.
    if text.isprintable() and "  " not in text:
        return text.strip()
    return " ".join(text.replace("\u200b", "").replace("\xad", "").split())


_PARSERS: dict[str, etree.HTMLParser] = {}
_LIBXML_NAMES = {"cp1251": "windows-1251", "koi8_r": "koi8-r", "utf_8": "utf-8"}


def open_page(
    html: str | bytes, url: str, headers: Mapping[str, str] | None = None
) -> tuple[str, str, HtmlElement]:
    """A page fetched from ``url``: its text, the encoding it was read in and its tree (of
    the page it copies, for an archive's copy); ``NotAnArticle`` for an empty page or binary
    data. (Article and listing pages both start here.)"""
    if not html or html.isspace():
        raise NotAnArticle(f"{url}: the page is empty")
    if is_binary(html):
        raise NotAnArticle(f"{url}: binary data, not an HTML page")
    text, encoding = decode_body(html, headers)
    data = html if isinstance(html, bytes) and encoding != "unicode" else None
    root = parse_html(text, data, encoding)
    _restore_archived_page(root, text, url)
    return text, encoding, root


def parse_html(text: str, data: bytes | None = None, encoding: str | None = None) -> HtmlElement:
    """Parse a page (comments and processing instructions dropped). With ``data`` and its
    ``encoding`` known, the bytes are parsed directly (no re-encoding of ``text``)."""
    if data is not None and encoding and "\x00" not in text:
        if not text or text.isspace():
            raise NotAnArticle("the page is empty")
        try:
            parser = _PARSERS.get(encoding)
            if parser is None:
                name = _LIBXML_NAMES.get(encoding, encoding.replace("_", "-"))
                parser = etree.HTMLParser(
                    remove_comments=True, remove_pis=True, collect_ids=False, encoding=name
                )
                _PARSERS[encoding] = parser
            root = etree.fromstring(data, parser=parser)
        except (etree.ParserError, etree.XMLSyntaxError, ValueError, LookupError):
            root = None
        if root is not None:
            return root
    text = _XML_DECL.sub("", text, count=1)
    if "\x00" in text:
        text = text.replace("\x00", "")
    if not text or text.isspace():
        raise NotAnArticle("the page is empty")
    try:
        root = etree.fromstring(text, parser=_PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise NotAnArticle(f"the page is not readable HTML ({exc})") from exc
    if root is None:
        raise NotAnArticle("the page is not readable HTML")
    return root


def _restore_archived_page(root: HtmlElement, text: str, url: str) -> None:
    """An archive's copy back to the page it copies (``_restore_wayback_links``,
    ``_restore_archive_today_page``). Done for a page fetched from the archive, and for a copy
    saved from a browser and parsed under the original's address: the Wayback Machine's
    toolbar (``wm-ipp``) and archive.today's header (``id="HEADER"``) mark it."""
    copy = archived_copy(url)
    service = copy.service if copy is not None else None
    if service == WAYBACK or "wm-ipp" in text:
        _restore_wayback_links(root, copy.timestamp if copy is not None else None)
    elif service == ARCHIVE_TODAY or ARCHIVE_TODAY_HEADER in text:
        _restore_archive_today_page(root)


def _restore_wayback_links(root: HtmlElement, timestamp: str | None) -> None:
    """The links a Wayback Machine snapshot rewrote into the archive lead to their original
    addresses again: ``/web/20190517151700/https://…`` and the same on ``web.archive.org``
    (``im_`` and other flags too). The archive writes every link with the capture time of the
    page (``timestamp``, else the one most of its links carry); a link on the archive's host to
    another capture is one the author made to an archived page (a dead site, an old version):
    it stays the archive's, as on the live page (``resolve_link`` reads it). The toolbar itself
    stays: its capture dates ("12 Jan 2019 - 5 Mar 2021", "15:17:00 May 17, 2019") sit far
    from the title and outside any list, and are never read as the page's
    (tests/pages/test_pages_archived.py)."""
    rewritten: list[tuple[HtmlElement, bool, ArchivedCopy]] = []
    for el in root.iter("a", "link", "area", "base"):
        href = (el.get("href") or "").strip()
        if "/web/" in href:
            relative = href.startswith("/web/")
            copy = archived_copy(f"https://web.archive.org{href}" if relative else href)
            if copy is not None and copy.service == WAYBACK and copy.original is not None:
                rewritten.append((el, relative, copy))
    if not rewritten:
        return
    if timestamp is None or len(timestamp) < 14:  # a partial time: the archive redirected it
        stamps = Counter(copy.timestamp for _el, _relative, copy in rewritten)
        timestamp = stamps.most_common(1)[0][0]
    for el, relative, copy in rewritten:
        if relative or copy.timestamp == timestamp:
            el.set("href", copy.original or "")


def _restore_archive_today_page(root: HtmlElement) -> None:
    """An archive.today copy back to the page it copies. Its header (``id="HEADER"``: the
    original's address, the capture time "5 Mar 2021 10:15:00 UTC", links to other captures)
    goes, and so does the metadata it writes into the ``<head>`` in place of the page's (its
    own address as ``og:url`` and ``rel=canonical``, the capture time as
    ``article:published_time``); the links it rewrote (``archive.ph/o/<id>/<address>``) lead
    to their addresses again, while a link the author made to an archived copy stays. The copy
    keeps the page's tags and text but not its classes, ids, scripts and metadata (JSON-LD
    included): it is read by its elements and its text."""
    header = next((el for el in root.iter("div") if el.get("id") == "HEADER"), None)
    if header is None or not any(
        (copy := archived_copy((a.get("href") or "").strip())) is not None
        and copy.service == ARCHIVE_TODAY
        for a in header.iter("a")
    ):
        return
    _remove(header)
    head = next(root.iterchildren("head"), None) if root.tag == "html" else None
    if head is not None:
        for el in list(head.iter("meta", "link")):
            if el.tag == "link" or el.get("property") or el.get("itemprop"):
                _remove(el)
    for name in ("itemscope", "itemtype"):
        root.attrib.pop(name, None)
    for el in root.iter("a", "area"):
        href = (el.get("href") or "").strip()
        if "/o/" in href and urlsplit(href).path.startswith("/o/"):
            copy = archived_copy(href)
            if copy is not None and copy.service == ARCHIVE_TODAY and copy.original is not None:
                el.set("href", copy.original)


def _remove(el: HtmlElement) -> None:
    """``el`` out of the tree; the text after it (its tail) stays where it was."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def strip_noise(root: HtmlElement) -> None:
    etree.strip_elements(root, *STRIP_TAGS, with_tail=False)


def css(selector: str) -> CSSSelector:
    return CSSSelector(selector, translator="html")


_KNOWN_TOKENS: dict[frozenset[str], dict[str, tuple[str, ...]]] = {}


class ClassIndex:
    """Elements by class token: the fast path for known class names. Only the tokens in
    ``known`` (the selectors' class names) are indexed, in one pass over ``elements`` (the
    tree's ``root.iter()``)."""

    __slots__ = ("by_class",)

    def __init__(self, elements: Iterable[HtmlElement], known: frozenset[str]) -> None:
        by_class: dict[str, list[HtmlElement]] = {}
        tokens = _KNOWN_TOKENS.get(known)
        if tokens is None:
            tokens = _KNOWN_TOKENS[known] = {}
        for el in elements:
            cls = el.get("class")
            if not cls:
                continue
            hits = tokens.get(cls)
            if hits is None:
                # The known tokens of a class attribute (markups repeat their class names).
                if cls in known:
                    hits = (cls,)
                elif " " in cls:
                    hits = tuple(token for token in cls.split() if token in known)
                else:
                    hits = ()
                if len(tokens) < 8192:
                    tokens[cls] = hits
            for token in hits:
                found = by_class.get(token)
                if found is None:
                    by_class[token] = [el]
                else:
                    found.append(el)
        self.by_class = by_class

    def select(self, selector: Selector) -> list[HtmlElement]:
        result: list[HtmlElement] = []
        by_class = self.by_class
        # An alternative whose (last) class is on no element selects nothing: most are
        # skipped here, without the call (a page matches one markup's names at most).
        for steps in selector.alternatives:
            tag, cls = steps[-1]
            if cls is None:
                if len(steps) > 1 and tag is not None and steps[-2][1] in by_class:
                    for outer in self._select_steps(steps[:-1]):
                        result.extend(el for el in outer.iter(tag) if el is not outer)
                continue
            if cls in by_class:
                result.extend(self._select_steps(steps))
        return result

    def _select_steps(self, steps: tuple[tuple[str | None, str | None], ...]) -> list[HtmlElement]:
        result: list[HtmlElement] = []
        tag, cls = steps[-1]
        if cls is not None:
            for el in self.by_class.get(cls, ()):
                if tag is not None and el.tag != tag:
                    continue
                if len(steps) > 1 and not self._has_ancestors(el, steps[:-1]):
                    continue
                result.append(el)
        return result

    def _has_ancestors(
        self, el: HtmlElement, steps: tuple[tuple[str | None, str | None], ...]
    ) -> bool:
        want = len(steps) - 1
        for anc in el.iterancestors():
            tag, cls = steps[want]
            if (tag is None or anc.tag == tag) and (
                cls is None or cls in (anc.get("class") or "").split()
            ):
                want -= 1
                if want < 0:
                    return True
        return False


class Selector:
    """A small CSS subset: ``tag.class`` steps joined by descendant combinators, comma lists.
    Every alternative's last step must name a class (the index is by class)."""

    __slots__ = ("alternatives",)

    def __init__(self, spec: str) -> None:
        alternatives = []
        for alternative in spec.split(","):
            steps = []
            for step in alternative.split():
                tag, _, cls = step.partition(".")
                steps.append((tag or None, cls or None))
            alternatives.append(tuple(steps))
        self.alternatives: list[tuple[tuple[str | None, str | None], ...]] = alternatives

    @property
    def classes(self) -> frozenset[str]:
        return frozenset(cls for steps in self.alternatives for _tag, cls in steps if cls)


def document_base(root: HtmlElement, url: str) -> str:
    """The address the page's relative links are resolved against: its ``<base href>``
    (itself resolved against ``url``), else ``url``."""
    # (iterchildren filters by tag in C: a find() path costs several times more)
    head = next(root.iterchildren("head"), None) if root.tag == "html" else None
    base = next(head.iterchildren("base"), None) if head is not None else None
    href = (base.get("href") or "").strip() if base is not None else ""
    if not href:
        return url
    resolved = urljoin(url, href)
    return resolved if resolved.startswith(("http://", "https://")) else url


def meta_content(root: HtmlElement, *names: str) -> str | None:
    for el in root.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").lower()
        if key in names:
            value = collapse(el.get("content"))
            if value:
                return value
    return None


def _walk_ld(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _walk_ld(item)
    elif isinstance(data, dict):
        yield data
        graph = data.get("@graph")
        if graph is not None:
            yield from _walk_ld(graph)


_ARTICLE_TYPES = frozenset(
    {
        "newsarticle",
        "article",
        "reportagenewsarticle",
        "blogposting",
        "analysisnewsarticle",
        # schema.org's other NewsArticle kinds: a column, a live blog, an explainer
        "opinionnewsarticle",
        "backgroundnewsarticle",
        "reviewnewsarticle",
        "askpublicnewsarticle",
        "liveblogposting",
    }
)


def json_ld(root: HtmlElement) -> dict[str, Any] | None:
    """The first JSON-LD object of an article type on the page."""
    return json_ld_of(json_ld_scripts(root))


def json_ld_scripts(root: HtmlElement) -> list[str]:
    """The text of every ``<script type="application/ld+json">`` (read before scripts are
    stripped; parsed by ``json_ld_of`` only if a field needs it)."""
    return [
        script.text or ""
        for script in root.iter("script")
        if (script.get("type") or "").lower() == "application/ld+json"
    ]


def json_ld_of(scripts: list[str]) -> dict[str, Any] | None:
    """The first JSON-LD object of an article type in ``scripts``."""
    for text in scripts:
        try:
            data = json.loads(text, strict=False)
        except ValueError:
            continue
        for obj in _walk_ld(data):
            kind = obj.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if any(isinstance(k, str) and k.lower() in _ARTICLE_TYPES for k in kinds):
                return obj
    return None


@dataclass(slots=True)
class Para:
    """One paragraph as a reader sees it."""

    text: str
    el: HtmlElement
    flags: int
    index: int
    links: list[tuple[str, str]] = field(default_factory=list)
    link_chars: int = 0
    in_body: bool = False
    # With a single ``<br>`` inside (read as a space): each line's text and how many of
    # ``links`` come before it, so a line the site's conventions set apart (the credit or
    # cross-reference line glued to the last paragraph) can be split off.
    lines: list[tuple[str, int]] | None = None

    @property
    def link_only(self) -> bool:
        return bool(self.links) and self.link_chars >= 0.8 * len(self.text)


# What the paragraph walk does with a tag: (kind, flags a block adds). Tags not listed are
# inline (their lower-case name is looked up first).
_SKIP, _BR, _IMG, _INLINE_TAG, _LINK, _BLOCK = range(6)
_INLINE_KIND = _PLAIN_INLINE = (_INLINE_TAG, 0)
_TAG_KIND: dict[str, tuple[int, int]] = {
    "br": (_BR, 0),
    "img": (_IMG, 0),
    "a": (_LINK, 0),
    **{tag: (_BLOCK, 0) for tag in BLOCK_TAGS},
    **{tag: (_BLOCK, IN_FIGURE) for tag in ("figure", "figcaption")},
    **{tag: (_BLOCK, HEADING) for tag in HEADING_TAGS},
    # A footer, even inside the article, holds tags, share buttons, rubrics: furniture (the
    # credit and cross-reference lines are recognised before this flag is looked at).
    **{tag: (_BLOCK, IN_ASIDE) for tag in ("aside", "footer")},
    **{tag: (_SKIP, 0) for tag in SKIP_TAGS},
    **{
        tag: _PLAIN_INLINE
        for tag in ("span", "b", "i", "em", "strong", "u", "s", "small", "sup", "sub", "font")
    },
}


_CELL_TAGS = frozenset(["td", "th"])
# What a data table's row never holds inside its cells (a layout table's row does: the page's
# columns hold paragraphs, line breaks, images, other tables).
_NOT_IN_DATA_ROW = ("br", "img", *sorted(BLOCK_TAGS - _CELL_TAGS))
# Between the cells of a data table's row, which is one paragraph.
CELL_SEPARATOR = " | "


def _is_data_row(row: HtmlElement) -> bool:
    """Whether a ``<tr>`` is a row of a data table (a table of figures in an article): two
    cells or more, each holding only inline text (no block, line break or image)."""
    cells = 0
    for child in row:
        if child.tag in _CELL_TAGS:
            cells += 1
    if cells < 2:
        return False
    for _ in row.iterdescendants(*_NOT_IN_DATA_ROW):
        return False
    return True


def _tag_kind(tag: str) -> tuple[int, int]:
    kind = _TAG_KIND.get(tag)
    if kind is None:
        kind = _TAG_KIND.get(tag.lower(), _INLINE_KIND)
    return kind


@lru_cache(maxsize=4096)
def hint_flags(hint: str) -> int:
    """``FURNITURE``/``IN_FIGURE`` for a block's ``class`` + ``id`` (a pure function of the
    string; markups repeat their class names, so it is memoised)."""
    flags = 0
    if hint.strip():
        if FURNITURE_HINT.search(hint):
            flags |= FURNITURE
        if "caption" in hint.lower():
            flags |= IN_FIGURE
    return flags


def _lines(buf: list[str], marks: list[tuple[int, int]]) -> list[tuple[str, int]] | None:
    """A paragraph's lines between its single ``<br>``s, each with the count of the
    paragraph's links before it; ``None`` when only one line has text."""
    lines: list[tuple[str, int]] = []
    start, links_before = 0, 0
    for end, links_at in (*marks, (len(buf), -1)):
        text = collapse("".join(buf[start:end]))
        if text:
            lines.append((text, links_before))
        start, links_before = end, links_at
    return lines if len(lines) > 1 else None


def paragraphs(
    root: HtmlElement,
    title_el: HtmlElement | None = None,
    body_el: HtmlElement | None = None,
    keep: set[HtmlElement] | None = None,
) -> list[Para]:
    """The paragraphs under ``root`` in page order. The blocks in ``keep`` are never
    furniture by their class or id (the body's own line, when its class names hold a furniture
    word: ``print-text``, ``elementor-widget-container``)."""
    paras: list[Para] = []
    buf: list[str] = []
    links: list[tuple[str, str]] = []
    link_chars = 0
    pending_br = False
    # Where each single <br> of the pending paragraph fell: (len(buf), len(links)).
    br_marks: list[tuple[int, int]] = []
    stack: list[tuple[HtmlElement, int, bool]] = [(root, 0, root is body_el)]
    append = buf.append

    def flush() -> None:
        nonlocal links, link_chars, pending_br
        pending_br = False
        if not buf:
            br_marks.clear()
            return
        raw = buf[0] if len(buf) == 1 else "".join(buf)
        text = "" if raw.isspace() else collapse(raw)
        if text:
            el, flags, in_body = stack[-1]
            para = Para(text, el, flags, len(paras), links, link_chars, in_body)
            # (a <br> with only space after it, the first of a <br><br>, makes no second line)
            if br_marks and (len(br_marks) > 1 or not "".join(buf[br_marks[0][0] :]).isspace()):
                para.lines = _lines(buf, br_marks)
            paras.append(para)
        buf.clear()
        br_marks.clear()
        links = []
        link_chars = 0

    def walk(
        el: HtmlElement,
        tag: str,
        known: tuple[int, int] | None,
        flags: int,
        in_body: bool,
        top: bool,
        depth: int,
    ) -> None:
        """``tag`` is ``el.tag``, ``known`` its ``_TAG_KIND`` entry: the caller has read
        both already (an lxml ``tag`` read builds a new string each time)."""
        nonlocal link_chars, pending_br
        kind, extra = known or _tag_kind(tag)
        if kind <= _IMG:
            if kind == _BR:
                if pending_br:
                    flush()
                else:
                    pending_br = True
                    br_marks.append((len(buf), len(links)))
                    append(" ")
            return
        block = kind == _BLOCK
        if el is title_el:
            flags |= IN_TITLE
            # A title in an inline element (<b>, <strong>) is a paragraph of its own, apart
            # from the date or the text beside it in the same block.
            block = True
        if el is body_el:
            in_body = True
        if block:
            flags |= extra
            if not top:
                cls = el.get("class")
                ident = el.get("id")
                if cls or ident:
                    hint = hint_flags((cls or "") + " " + (ident or ""))
                    if hint & FURNITURE and keep is not None and el in keep:
                        hint &= ~FURNITURE
                    flags |= hint
            flush()
            stack.append((el, flags, in_body))
        elif kind == _LINK:
            href = el.get("href")
            if href:
                anchor = collapse(text_of(el) if len(el) else el.text)
                links.append((href, anchor))
                link_chars += len(anchor) + 1
        text = el.text
        if text:
            if pending_br and not text.isspace():
                pending_br = False
            append(text)
        if depth > 150:
            for child in el:
                text = text_of(child) if isinstance(child.tag, str) else None
                if text:
                    if pending_br and not text.isspace():
                        pending_br = False
                    append(text)
                text = child.tail
                if text:
                    if pending_br and not text.isspace():
                        pending_br = False
                    append(text)
        else:
            depth += 1
            # A data table's row is one paragraph, its cells joined by " | ".
            # (A layout table's row holding the title is no data row: old pages set the
            # headline in a cell beside another.)
            cells = (
                tag == "tr"
                and _is_data_row(el)
                and (title_el is None or not any(a is el for a in title_el.iterancestors()))
            )
            first_cell = True
            for child in el:
                child_tag = child.tag
                known = _TAG_KIND.get(child_tag)
                if cells and child_tag in _CELL_TAGS:
                    if not first_cell:
                        append(CELL_SEPARATOR)
                    first_cell = False
                    known = _PLAIN_INLINE
                if known is _PLAIN_INLINE and not len(child) and child is not title_el:
                    # A plain inline element without children adds its text, nothing else.
                    text = child.text
                    if text:
                        if pending_br and not text.isspace():
                            pending_br = False
                        append(text)
                elif known is not None or isinstance(child_tag, str):  # not a comment or PI
                    # (ruff takes the ``del walk`` below for an unbound name)
                    walk(child, child_tag, known, flags, in_body, False, depth)  # noqa: F821
                text = child.tail
                if text:
                    if pending_br and not text.isspace():
                        pending_br = False
                    append(text)
        if block:
            flush()
            stack.pop()

    try:
        tag = root.tag
        if isinstance(tag, str):
            walk(root, tag, _TAG_KIND.get(tag), 0, root is body_el, True, 0)
        flush()
    finally:
        # ``walk`` calls itself through its closure cell, a reference cycle that would keep
        # the paragraphs and with them the page's whole tree alive until the cyclic garbage
        # collector ran (7% of the CPU of a page, and the tree's memory meanwhile).
        del walk
    return paras
