"""Hosts, editions and canonical article URLs.

The site runs two applications (English and Russian) behind many mirror host names with identical
paths and ids (SITE.md §1). An article's identity is ``(edition, article_id)``; its canonical URL
is the edition's canonical host plus ``/articles/<id>``, whatever host it was fetched from.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urljoin, urlsplit

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

_ARTICLE_PATH = re.compile(r"^/articles/(?P<slug>[A-Za-z0-9]+)/?$")


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


def canonical_url(edition: Edition, article_id: int, base: dict[Edition, str] | None = None) -> str:
    return f"{(base or CANONICAL_BASE)[edition].rstrip('/')}/articles/{article_id}"


@dataclass(frozen=True, slots=True)
class ArticleRef:
    """What a URL says about an article: its edition and id (``None`` for a service page)."""

    edition: Edition
    article_id: int | None
    slug: str

    def canonical(self, base: dict[Edition, str] | None = None) -> str | None:
        if self.article_id is None:
            return None
        return canonical_url(self.edition, self.article_id, base)


def article_ref(url: str, default_edition: Edition | None = None) -> ArticleRef | None:
    """Parse ``url`` as an article URL of either edition on any mirror.

    ``default_edition`` applies to hosts that are not the site's (a replica on loopback, a
    relative URL already joined against such a host).
    """
    parts = urlsplit(url)
    match = _ARTICLE_PATH.match(parts.path)
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
    return ArticleRef(edition, int(slug) if slug.isdigit() else None, slug)


def absolute(href: str, base_url: str) -> str:
    return urljoin(base_url, href.strip())
