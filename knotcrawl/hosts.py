"""Hosts, editions and canonical article URLs.

The site runs two applications (English and Russian) behind many mirror host names with identical
paths and ids (SITE.md §1). An article's identity is ``(edition, article_id)``; its canonical URL
is the edition's canonical host plus ``/articles/<id>``, whatever host it was fetched from.
Copies kept by archives and proxies (the Wayback Machine, archive.today, the Google AMP cache
and Translate proxy) stand for the page they copy: ``archived_copy``, ``original_url``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urljoin, urlsplit

from knotcrawl.record import INT64_MAX

Edition = Literal["en", "ru"]
EDITIONS: tuple[Edition, ...] = ("en", "ru")

# Where the editions live: the crawl's default address and the replica's.
SITE_BASE: dict[Edition, str] = {
    "en": "https://www.eng.kavkaz-uzel.eu",
    "ru": "https://www.kavkaz-uzel.eu",
}
# RECORD.md: records carry canonical URLs on these hosts by default, "configurable".
CANONICAL_ENV: dict[Edition, str] = {"en": "KNOTCRAWL_CANONICAL_EN", "ru": "KNOTCRAWL_CANONICAL_RU"}


def canonical_bases(environ: Mapping[str, str]) -> dict[Edition, str]:
    """The canonical base of each edition: ``SITE_BASE`` unless ``KNOTCRAWL_CANONICAL_EN``/
    ``_RU`` name another ``scheme://host[:port]``. ``ValueError`` says what is wrong."""
    bases = dict(SITE_BASE)
    for edition, name in CANONICAL_ENV.items():
        value = environ.get(name)
        if value is None:
            continue
        text = value.strip().rstrip("/")
        try:
            parts = urlsplit(text)
            port_ok = parts.port is None or parts.port > 0
        except ValueError:
            port_ok = False
        if (
            parts.scheme not in ("http", "https")
            or not parts.hostname
            or not port_ok
            or parts.path
            or parts.query
            or parts.fragment
            or "@" in parts.netloc
        ):
            raise ValueError(
                f"{name}={value!r}: expected a scheme and a host only, such as {SITE_BASE[edition]}"
            )
        bases[edition] = text
    return bases


CANONICAL_ERROR: str | None = None
try:
    CANONICAL_BASE: dict[Edition, str] = canonical_bases(os.environ)
except ValueError as exc:  # the command line refuses to run with it (cli.main)
    CANONICAL_BASE = dict(SITE_BASE)
    CANONICAL_ERROR = str(exc)

# Every host seen serving one of the two applications (SITE.md §1), plus the old domains.
KNOWN_HOSTS: dict[str, Edition] = {
    "www.eng.kavkaz-uzel.eu": "en",
    "eng.kavkaz-uzel.eu": "en",
    "eng.kavkaz-uzel.media": "en",
    "www.eng.kavkaz-uzel.media": "en",
    "caucasianknot.org": "en",
    "www.caucasianknot.org": "en",
    "caucasianknot.info": "en",
    "www.caucasianknot.info": "en",
    "www.eng.kutest.org": "en",
    "eng.kutest.org": "en",
    "eng.kavkaz-uzel.ru": "en",
    "www.eng.kavkaz-uzel.ru": "en",
    "www.kavkaz-uzel.eu": "ru",
    "kavkaz-uzel.eu": "ru",
    "m.kavkaz-uzel.eu": "ru",
    "amp.kavkaz-uzel.eu": "ru",
    "kavkaz-uzel.media": "ru",
    "www.kavkaz-uzel.media": "ru",
    "m.kavkaz-uzel.media": "ru",
    "amp.kavkaz-uzel.media": "ru",
    "kavkazuzel.com": "ru",
    "www.kavkazuzel.com": "ru",
    "caucasianknot.net": "ru",
    "www.caucasianknot.net": "ru",
    "api.kutest.org": "ru",
    "www.kavkaz-uzel.ru": "ru",
    "kavkaz-uzel.ru": "ru",
}

# An article's path; its print version (``/print/articles/<id>``) names the same article.
ARTICLE_PATH = re.compile(r"^(?:/print)?/articles/(?P<slug>[A-Za-z0-9]+)/?$")
# The old Russian site's news addresses (www.kavkaz-uzel.ru/newstext/news/id/1234567.html):
# articles, but their number is another series than /articles/<id>, and no mapping between
# the two is known (SITE.md §1, §9).
OLD_NEWS_PATH = re.compile(r"^/newstext/")


def edition_of_host(host: str | None) -> Edition | None:
    """The edition a host serves, or ``None`` for a host that is not the site's."""
    if not host:
        return None
    host = host.lower().split(":", 1)[0].rstrip(".")
    known = KNOWN_HOSTS.get(host)
    if known is not None:
        return known
    # Mirrors appear and vanish; these name patterns cover every mirror family seen so far.
    labels = host.split(".")
    if "caucasianknot" in host and not host.endswith(".net"):
        return "en"
    if any(label in ("kavkaz-uzel", "kavkazuzel", "caucasianknot", "kutest") for label in labels):
        return "en" if "eng" in labels else "ru"
    return None


def edition_of_url(url: str) -> Edition | None:
    return edition_of_host(urlsplit(url).hostname)


@dataclass(frozen=True, slots=True)
class ArchivedCopy:
    """What an archive's or a proxy's address says of the page it serves a copy of."""

    service: str
    original: str | None  # the copied page's URL; None when the address does not name it
    translated: bool = False  # a machine translation: its text is not the page's
    # The Wayback Machine's capture time as the address gives it (14 digits, or fewer: the
    # archive redirects a partial one to the nearest capture)
    timestamp: str | None = None


WAYBACK = "the Wayback Machine"
ARCHIVE_TODAY = "archive.today"
# web.archive.org/web/<timestamp>[<flag>_]/<original>: id_ gives the original bytes, im_/cs_/js_
# its images, styles and scripts; the original may lack its scheme or one of its slashes.
_WAYBACK_URL = re.compile(
    r"^(?:https?:)?//(?:web|wayback)\.archive\.org/web/(?P<timestamp>\d{1,14})(?:[a-z]{2}_)?/"
    r"(?P<original>.+)$",
    re.IGNORECASE,
)
# archive.today's long forms (/<timestamp>/<url> with the time as 20190517151700, 2019.05.17-151700
# or a part of either, /newest/<url>, and /o/<id>/<url>, its links out of a copy); the short
# form archive.ph/<id> names no original (the copy's header does: pages.common).
_ARCHIVE_TODAY_URL = re.compile(
    r"^https?://archive\.(?:today|ph|is|li|vn|fo|md)/"
    r"(?:(?:\d{4}[\d.-]{0,13}|newest|oldest|o/[A-Za-z0-9]+)/(?P<original>.+))?",
    re.IGNORECASE,
)
# <host>.cdn.ampproject.org/<c|v|…>/[s/]<host>/<path>: "s/" marks an https original.
_AMP_CACHE_PATH = re.compile(r"^/[a-z]{1,2}/(?:(?P<secure>s)/)?(?P<rest>[^/].*)$")
# (archive.today keeps an original's colon percent-encoded as it was asked for: https%3A/host)
_SCHEME = re.compile(r"^(?P<scheme>https?)(?::|%3A)/*", re.IGNORECASE)


def _with_scheme(address: str) -> str:
    """An archived address as a URL: ``https:/host`` and a bare ``host/path`` made whole."""
    match = _SCHEME.match(address)
    if match is None:
        return "http://" + address
    return f"{match.group('scheme').lower()}://{address[match.end() :]}"


def archived_copy(url: str) -> ArchivedCopy | None:
    """The archive or proxy whose copy of a page ``url`` addresses, and that page's URL;
    ``None`` for any other URL."""
    # A quick test that the URL may be a copy's (most are not: a body link, a crawl's
    # request): substring tests, faster than a case-blind regex.
    lower = url.lower()
    if "archive." not in lower and "ampproject.org" not in lower and ".translate.goog" not in lower:
        return None
    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".")
    if host in ("web.archive.org", "wayback.archive.org"):
        wayback = _WAYBACK_URL.match(url)
        if wayback is None:
            return ArchivedCopy(WAYBACK, None)
        original = _with_scheme(wayback.group("original"))
        return ArchivedCopy(WAYBACK, original, timestamp=wayback.group("timestamp"))
    today = _ARCHIVE_TODAY_URL.match(url)
    if today is not None:
        original = today.group("original")
        return ArchivedCopy(ARCHIVE_TODAY, _with_scheme(original) if original else None)
    if host == "cdn.ampproject.org" or host.endswith(".cdn.ampproject.org"):
        amp = _AMP_CACHE_PATH.match(parts.path)
        if amp is None:
            return ArchivedCopy("the Google AMP cache", None)
        scheme = "https" if amp.group("secure") else "http"
        query = f"?{parts.query}" if parts.query else ""
        return ArchivedCopy("the Google AMP cache", f"{scheme}://{amp.group('rest')}{query}")
    if host.endswith(".translate.goog"):
        # The proxy's host spells the original's: "-" for ".", "--" for "-".
        label = host[: -len(".translate.goog")]
        original_host = label.replace("--", "\0").replace("-", ".").replace("\0", "-")
        query = "&".join(p for p in parts.query.split("&") if p and not p.startswith("_x_tr_"))
        original = f"https://{original_host}{parts.path}" + (f"?{query}" if query else "")
        return ArchivedCopy("Google Translate", original, translated=True)
    return None


def original_url(url: str) -> str:
    """The URL of the page that ``url`` serves a copy of (``archived_copy``), else ``url``."""
    copy = archived_copy(url)
    return copy.original if copy is not None and copy.original else url


def canonical_url(edition: Edition, article_id: int, base: dict[Edition, str] | None = None) -> str:
    return f"{(base or CANONICAL_BASE)[edition].rstrip('/')}/articles/{article_id}"


@dataclass(frozen=True, slots=True)
class ArticleRef:
    """What a URL says about an article: its edition and id (``None`` for a service page)."""

    edition: Edition
    article_id: int | None
    slug: str

    @property
    def typed_id(self) -> int | None:
        """The number the URL names, past 64 bits too (``article_id`` is ``None`` there): what
        a command line refuses as "too large" rather than as no article URL."""
        return int(self.slug) if self.slug.isdigit() else None

    def canonical(self, base: dict[Edition, str] | None = None) -> str | None:
        if self.article_id is None:
            return None
        return canonical_url(self.edition, self.article_id, base)


def article_ref(url: str, default_edition: Edition | None = None) -> ArticleRef | None:
    """Parse ``url`` as an article URL of either edition on any mirror.

    ``default_edition`` applies to hosts that are not the site's (a replica on loopback, a
    relative URL already joined against such a host). An archive's copy of an article
    (``original_url``) names that article.
    """
    parts = urlsplit(original_url(url))
    match = ARTICLE_PATH.match(parts.path)
    if match is None:
        return None
    edition = edition_of_host(parts.hostname) if parts.hostname else None
    if edition is None:
        if parts.hostname and default_edition is None:
            return None
        if default_edition is None:
            return None
        edition = default_edition
    slug = match.group("slug")
    article_id = int(slug) if slug.isdigit() else None
    if article_id is not None and article_id > INT64_MAX:
        article_id = None  # a typo no archive integer holds, not an article's id
    return ArticleRef(edition, article_id, slug)


def absolute(href: str, base_url: str) -> str:
    return urljoin(base_url, href.strip())
