"""Errors, the parser version, and helpers every page object shares (edition, links)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar
from urllib.parse import urljoin, urlsplit

from knotcrawl.errors import KnotcrawlError
from knotcrawl.hosts import (
    ARCHIVE_TODAY,
    OLD_NEWS_PATH,
    Edition,
    archived_copy,
    article_ref,
    canonical_url,
    edition_of_host,
)
from knotcrawl.record import INT64_MAX, Link

__all__ = [
    "ARCHIVE_TODAY_HEADER",
    "LEVELS",
    "PARSER_VERSION",
    "MissingFields",
    "NotAnArticle",
    "archive_today_original",
    "edition_from_lang",
    "is_binary",
    "is_error_title",
    "original_address",
    "resolve_link",
]

_T = TypeVar("_T")


class _CachedProperty(Generic[_T]):
    """``functools.cached_property`` without its lock (Python 3.12 dropped it too): the first
    read computes the value and stores it in the instance's ``__dict__``, which every later
    read finds first (this is a non-data descriptor). A page reads 15-20 of them once each,
    and the lock's acquire and release were most of a first read's cost (3-4% of
    ``parse_article``). Page objects are never shared between threads while being read."""

    def __init__(self, func: Callable[[Any], _T]) -> None:
        self.func = func
        self.attrname = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.attrname = name

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        value = instance.__dict__[self.attrname] = self.func(instance)
        return value


if TYPE_CHECKING:  # mypy knows functools.cached_property's typing
    from functools import cached_property
else:
    cached_property = _CachedProperty


# Bump whenever any extracted field can change for the same page.
PARSER_VERSION = "1.3.15"

LEVELS = ("selector", "structured", "semantic", "text")


class NotAnArticle(KnotcrawlError):
    """The page is not an article, listing or feed (404, error, forum, service page...)."""

    status = 3


class MissingFields(KnotcrawlError):
    """An article page where required fields could not be found."""

    status = 4

    def __init__(self, fields: list[str], url: str = "") -> None:
        self.fields = list(fields)
        where = f" in {url}" if url else ""
        super().__init__(f"required fields missing{where}: {', '.join(self.fields)}", 4)


# Titles of 404/410 and error pages.
ERROR_TITLE = re.compile(
    r"^(?:404\b|410\b|500\b|error\b|ошибка\b)|\bnot found\b|не найден|does not exist"
    r"|не существует|page removed|страница удалена|page unavailable|страница недоступна",
    re.IGNORECASE,
)

# The phrases of ERROR_TITLE (keep the two in step): ``is_error_title`` runs the regex only on
# a title that holds one of them (ERROR_TITLE.search costs microseconds on every page).
_ERROR_STARTS = ("404", "410", "500", "error", "ошибка")
_ERROR_PHRASES = (
    "not found",
    "не найден",
    "does not exist",
    "не существует",
    "page removed",
    "страница удалена",
    "page unavailable",
    "страница недоступна",
)
# Characters re.IGNORECASE takes for a letter of those phrases that str.lower() does not give:
# dotted and dotless i, long s, the old forms of в д о с т.
_IGNORECASE_EXTRA = str.maketrans(
    "\u0130\u0131\u017f\u1c80\u1c81\u1c82\u1c83\u1c84\u1c85", "iisвдостт"
)

_IGNORECASE_EXTRA_CHARS = re.compile("[\u0130\u0131\u017f\u1c80-\u1c85]")


def is_error_title(text: str) -> bool:
    """``ERROR_TITLE.search(text)``, answered without the regex for an ordinary title."""
    folded = text
    if _IGNORECASE_EXTRA_CHARS.search(folded) is not None:
        folded = folded.translate(_IGNORECASE_EXTRA)
    folded = folded.lower()
    if not folded.startswith(_ERROR_STARTS):
        for phrase in _ERROR_PHRASES:
            if phrase in folded:
                break
        else:
            return False
    return ERROR_TITLE.search(text) is not None


# archive.today's header above a copy (id="HEADER"): its "Saved from" field, a text input named
# q, holds the original's address (what the short address archive.ph/<id> does not say).
ARCHIVE_TODAY_HEADER = 'id="HEADER"'
_SAVED_FROM_FIELD = re.compile(r"""<input\b[^>]*?\bname\s*=\s*["']?q\b[^>]*>""", re.IGNORECASE)
_FIELD_VALUE = re.compile(r"""\bvalue\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)


def archive_today_original(page: str | bytes) -> str | None:
    """The original's address that an archive.today copy's header names ("Saved from"), or
    ``None`` for a page without that header."""
    text = page.decode("latin-1") if isinstance(page, bytes) else page
    start = text.find(ARCHIVE_TODAY_HEADER)
    if start < 0:
        return None
    field = _SAVED_FROM_FIELD.search(text, start, start + 20000)
    value = _FIELD_VALUE.search(field.group(0)) if field else None
    if value is None:
        return None
    address = html.unescape(value.group(1) or value.group(2) or "").strip()
    if isinstance(page, bytes):  # the bytes of a UTF-8 address back to its characters
        address = address.encode("latin-1", "replace").decode("utf-8", "replace")
    if not address.startswith(("http://", "https://")) or archived_copy(address) is not None:
        return None
    return address


def original_address(url: str, page: str | bytes | None = None) -> str:
    """The address of the page that a page fetched from ``url`` is (``url`` itself, or the
    original of an archive's copy: ``hosts.archived_copy``; for archive.today's short address
    ``archive.ph/<id>``, the original that the copy's header in ``page`` names).
    ``NotAnArticle`` for a copy that gives no record: a machine translation (its text is not
    the article's), or a copy that names no original."""
    copy = archived_copy(url)
    if copy is None:
        return url
    if copy.translated:
        raise NotAnArticle(
            f"{url}: a machine translation by {copy.service} of {copy.original}; its text is not "
            "the article's: parse the original page"
        )
    if copy.original is not None:
        return copy.original
    named = archive_today_original(page) if page and copy.service == ARCHIVE_TODAY else None
    if named is None:
        raise NotAnArticle(
            f"{url}: a copy kept by {copy.service} whose address does not name the original "
            "page, nor does the page (no archive header naming it: a copy saved without it, "
            "or no copy at all); give the original's address with --url"
        )
    return named


_CYRILLIC = re.compile("[А-Яа-яЁё]")
_LATIN = re.compile("[A-Za-z]")


def edition_from_lang(lang: str | None, sample_text: str = "") -> Edition | None:
    lang = (lang or "").strip().lower()
    if lang.startswith("ru"):
        return "ru"
    if lang.startswith("en"):
        return "en"
    if sample_text:
        cyr = len(_CYRILLIC.findall(sample_text))
        lat = len(_LATIN.findall(sample_text))
        if cyr or lat:
            return "ru" if cyr > lat else "en"
    return None


_CONTROL_BYTES = bytes([*range(0, 9), *range(14, 32)])
_CONTROL_CHARS = re.compile("[\x00-\x08\x0e-\x1f]")


def is_binary(data: bytes | str) -> bool:
    """NUL bytes or many control characters in the first 2 kB: not a text page."""
    head = data[:2048]
    if isinstance(head, str):
        if "\x00" in head:
            return True
        controls = len(_CONTROL_CHARS.findall(head))
    else:
        if b"\x00" in head:
            return True
        controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls > max(8, len(head) // 50)


_SKIP_SCHEMES = ("#", "javascript:", "data:")
# Addresses that are not web pages but are links a reader can follow: external links.
_OTHER_SCHEMES = ("mailto:", "tel:")


_FAST_ARTICLE = re.compile(r"^(?:https?://(?P<host>[^/?#:]+)(?::\d+)?)?/articles/(?P<id>\d+)/?$")
_HOST = re.compile(r"^[a-z][a-z0-9+.-]*://(?P<host>[^/?#:]+)", re.IGNORECASE)


def resolve_link(
    href: str, text: str | None, page_url: str, page_edition: Edition | None
) -> Link | None:
    """A body link: articles of either edition on any mirror become canonical URLs. An
    empty anchor text (an image-only link) is ``None``."""
    href = href.strip()
    if not href or href.lower().startswith(_SKIP_SCHEMES):
        return None
    text = text or None
    if href.lower().startswith(_OTHER_SCHEMES):
        return Link(href, text, "external", None, None)
    fast = _FAST_ARTICLE.match(href)
    if fast is not None:
        # The common case, without urljoin: /articles/<id> on this host or a named one.
        host = fast.group("host")
        page_host = _HOST.match(page_url)
        page_host_name = page_host.group("host").lower() if page_host else None
        edition = None
        if host is None or host.lower() == page_host_name:
            edition = edition_of_host(page_host_name) or page_edition
        else:
            edition = edition_of_host(host)
        article_id = int(fast.group("id"))
        if edition is not None and article_id <= INT64_MAX:  # past it: a typo, no id (hosts)
            return Link(canonical_url(edition, article_id), text, "article", edition, article_id)
    url = urljoin(page_url, href)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return None
    same_host = parts.hostname == urlsplit(page_url).hostname
    default = page_edition if same_host and edition_of_host(parts.hostname) is None else None
    ref = article_ref(url, default_edition=default)
    if ref is not None and ref.article_id is not None:
        return Link(ref.canonical() or url, text, "article", ref.edition, ref.article_id)
    if OLD_NEWS_PATH.match(parts.path) and (old_site := edition_of_host(parts.hostname) or default):
        # An article of the old Russian site (/newstext/news/id/N.html): an article, whose
        # number is no /articles/ id (RECORD.md: ``article_id`` null), at the address given.
        return Link(url, text, "article", old_site, None)
    return Link(url, text, "external", None, None)
