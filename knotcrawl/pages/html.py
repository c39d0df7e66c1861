"""HTML plumbing shared by the page objects: parsing, text flattening, structured data.

``paragraphs(root)`` flattens a subtree into the paragraphs a reader sees: every block
element ends a paragraph, ``<br><br>`` splits one, inline markup is flattened, whitespace is
collapsed. Each paragraph keeps its links and where it sits (in a figure, in an element whose
class or id names furniture, in the title).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from lxml.cssselect import CSSSelector
from lxml.etree import _Element as HtmlElement

from knotcrawl.pages.common import NotAnArticle

__all__ = [
    "BLOCK_TAGS",
    "Para",
    "collapse",
    "css",
    "json_ld",
    "meta_content",
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
    r"(?i)(?:share|social|banner|promo|related|sidebar|feedback|advert|\bads?\b|subscribe|"
    r"breadcrumb|comment|pager|pagination|navbar|\bmenu|cookie|popup|modal|widget|\btags?\b|"
    r"recommend|partners|toolbar|\bprint\b|lt-feedback)"
)

IN_FIGURE = 1
FURNITURE = 2
IN_TITLE = 4
HEADING = 8
IN_ASIDE = 16

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
# Plain lxml elements (no lxml.html class lookup): iterating them costs much less.
_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True)


def text_of(el: HtmlElement) -> str:
    """The text of ``el`` and its descendants (``lxml.html``'s ``text_content``)."""
    return "".join(el.itertext())


def collapse(text: str | None) -> str:
    """Whitespace (including no-break spaces) collapsed to single spaces, trimmed."""
    if not text:
        return ""
    return " ".join(text.replace("\u200b", "").split())


_PARSERS: dict[str, etree.HTMLParser] = {}
_LIBXML_NAMES = {"cp1251": "windows-1251", "koi8_r": "koi8-r", "utf_8": "utf-8"}


def parse_html(text: str, data: bytes | None = None, encoding: str | None = None) -> HtmlElement:
    """Parse a page (comments and processing instructions dropped). With ``data`` and its
    ``encoding`` known, the bytes are parsed directly (no re-encoding of ``text``)."""
    if data is not None and encoding and "\x00" not in text:
        if not text.strip():
            raise NotAnArticle("the page is empty")
        try:
            parser = _PARSERS.get(encoding)
            if parser is None:
                name = _LIBXML_NAMES.get(encoding, encoding.replace("_", "-"))
                parser = etree.HTMLParser(remove_comments=True, remove_pis=True, encoding=name)
                _PARSERS[encoding] = parser
            root = etree.fromstring(data, parser=parser)
        except (etree.ParserError, etree.XMLSyntaxError, ValueError, LookupError):
            root = None
        if root is not None:
            return root
    text = _XML_DECL.sub("", text, count=1)
    if "\x00" in text:
        text = text.replace("\x00", "")
    if not text.strip():
        raise NotAnArticle("the page is empty")
    try:
        root = etree.fromstring(text, parser=_PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise NotAnArticle(f"the page is not readable HTML ({exc})") from exc
    if root is None:
        raise NotAnArticle("the page is not readable HTML")
    return root


def strip_noise(root: HtmlElement) -> None:
    etree.strip_elements(root, *STRIP_TAGS, with_tail=False)


def css(selector: str) -> CSSSelector:
    return CSSSelector(selector, translator="html")


class ClassIndex:
    """Elements by class token: the fast path for known class names. Only the tokens in
    ``known`` (the selectors' class names) are indexed, in one pass over the tree."""

    __slots__ = ("by_class",)

    def __init__(self, root: HtmlElement, known: frozenset[str]) -> None:
        by_class: dict[str, list[HtmlElement]] = {}
        for el in root.iter():
            cls = el.get("class")
            if not cls:
                continue
            if cls in known:
                by_class.setdefault(cls, []).append(el)
            elif " " in cls:
                for token in cls.split():
                    if token in known:
                        by_class.setdefault(token, []).append(el)
        self.by_class = by_class

    def select(self, selector: Selector) -> list[HtmlElement]:
        result: list[HtmlElement] = []
        for steps in selector.alternatives:
            tag, cls = steps[-1]
            if cls is None:
                if len(steps) > 1 and tag is not None:
                    for outer in self._select_steps(steps[:-1]):
                        result.extend(el for el in outer.iter(tag) if el is not outer)
                continue
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
    {"newsarticle", "article", "reportagenewsarticle", "blogposting", "analysisnewsarticle"}
)


def json_ld(root: HtmlElement) -> dict[str, Any] | None:
    """The first JSON-LD object of an article type on the page."""
    for script in root.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "", strict=False)
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

    @property
    def link_only(self) -> bool:
        return bool(self.links) and self.link_chars >= 0.8 * len(self.text)


class _Walker:
    __slots__ = (
        "body_el",
        "buf",
        "link_chars",
        "links",
        "paras",
        "pending_br",
        "stack",
        "title_el",
    )

    def __init__(self, title_el: HtmlElement | None, body_el: HtmlElement | None) -> None:
        self.title_el = title_el
        self.body_el = body_el
        self.paras: list[Para] = []
        self.buf: list[str] = []
        self.links: list[tuple[str, str]] = []
        self.link_chars = 0
        self.pending_br = False
        self.stack: list[tuple[HtmlElement, int, bool]] = []

    def add(self, text: str | None) -> None:
        if text:
            if self.pending_br and not text.isspace():
                self.pending_br = False
            self.buf.append(text)

    def flush(self) -> None:
        self.pending_br = False
        if not self.buf:
            return
        text = collapse("".join(self.buf))
        self.buf = []
        if text:
            el, flags, in_body = self.stack[-1]
            self.paras.append(
                Para(text, el, flags, len(self.paras), self.links, self.link_chars, in_body)
            )
        self.links = []
        self.link_chars = 0

    def walk(self, el: HtmlElement, flags: int, in_body: bool, top: bool, depth: int) -> None:
        tag = el.tag
        if not isinstance(tag, str):
            return
        tag = tag.lower()
        if tag in SKIP_TAGS:
            return
        if tag == "br":
            if self.pending_br:
                self.flush()
            else:
                self.pending_br = True
                self.buf.append(" ")
            return
        if tag == "img":
            return
        block = tag in BLOCK_TAGS
        if el is self.title_el:
            flags |= IN_TITLE
        if el is self.body_el:
            in_body = True
        if block:
            if tag in ("figure", "figcaption"):
                flags |= IN_FIGURE
            elif tag in HEADING_TAGS:
                flags |= HEADING
            elif tag == "aside":
                flags |= IN_ASIDE
            if not top:
                hint = (el.get("class") or "") + " " + (el.get("id") or "")
                if hint.strip():
                    if FURNITURE_HINT.search(hint):
                        flags |= FURNITURE
                    if "caption" in hint.lower():
                        flags |= IN_FIGURE
            self.flush()
            self.stack.append((el, flags, in_body))
        if tag == "a":
            href = el.get("href")
            if href:
                anchor = collapse(text_of(el))
                self.links.append((href, anchor))
                self.link_chars += len(anchor) + 1
        self.add(el.text)
        if depth > 150:
            for child in el:
                self.add(text_of(child) if isinstance(child.tag, str) else None)
                self.add(child.tail)
        else:
            for child in el:
                self.walk(child, flags, in_body, False, depth + 1)
                self.add(child.tail)
        if block:
            self.flush()
            self.stack.pop()


def paragraphs(
    root: HtmlElement,
    title_el: HtmlElement | None = None,
    body_el: HtmlElement | None = None,
) -> list[Para]:
    """The paragraphs under ``root`` in page order."""
    walker = _Walker(title_el, body_el)
    walker.stack.append((root, 0, root is body_el))
    walker.walk(root, 0, root is body_el, True, 0)
    walker.flush()
    return walker.paras
