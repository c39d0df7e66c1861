"""The replica: routing by host and path, pages, listings, RSS, faults and the ground truth.

``Replica.respond`` is pure (no sockets) apart from the per-URL fault counters. Faults that need
a socket (slow, truncated, dropped) are returned as ``Response.action`` for the server layer.
"""

from __future__ import annotations

import fnmatch
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from typing import Any
from urllib.parse import parse_qs, urlsplit

from knotcrawl.hosts import KNOWN_HOSTS, SITE_BASE, canonical_url
from knotcrawl.moscow import local_iso, localize, utc_iso
from knotcrawl.record import ArticleRecord, Link, ListingItem, ListingPage, Original

from . import dates
from .catalog import (
    EN_SECTIONS,
    RU_SECTIONS,
    Catalog,
    EditionCatalog,
    from_epoch,
    to_epoch,
    unit,
)
from .config import FaultRule, ReplicaConfig
from .content import Anchor, Content, build_content
from .markups import (
    ARTICLE_MARKUPS,
    ARTICLE_RENDERERS,
    LISTING_MARKUPS,
    LISTING_RENDERERS,
    ArticlePage,
    Item,
    article_date,
    listing_date,
)
from .markups import ListingPage as ListingView

PER_PAGE = 20
RSS_ITEMS = 50
# The RU feed's addresses in client code (SITE.md §7), the old one with its trailing slash too;
# all serve the one feed.
RU_FEEDS = ("/articles.rss", "/rss")
SIDEBAR_ITEMS = 4

# host → (edition, role); role: canonical | mirror | redirect | mobile | amp
HOSTS: dict[str, tuple[str, str]] = {
    "www.eng.kavkaz-uzel.eu": ("en", "canonical"),
    "eng.kavkaz-uzel.media": ("en", "mirror"),
    "www.caucasianknot.info": ("en", "mirror"),
    "eng.kavkaz-uzel.eu": ("en", "redirect"),
    "www.kavkaz-uzel.eu": ("ru", "canonical"),
    "m.kavkaz-uzel.eu": ("ru", "mobile"),
    "amp.kavkaz-uzel.eu": ("ru", "amp"),
    "kavkazuzel.com": ("ru", "mirror"),
    "caucasianknot.net": ("ru", "mirror"),
    "kavkaz-uzel.eu": ("ru", "redirect"),
}
CANONICAL_HOST = {"en": "www.eng.kavkaz-uzel.eu", "ru": "www.kavkaz-uzel.eu"}

LISTINGS: dict[str, dict[str, tuple[str, str | None, str | None]]] = {
    # path → (section, heading, footer link)
    "en": {
        "/rubric/11": ("rubric/11", "All news", None),
        "/rubric/10": ("rubric/10", None, None),
        # Long reads and interviews (SITE.md §2.1): no heading was captured.
        "/rubric/20": ("rubric/20", None, None),
        "/rubric/23": ("rubric/23", None, None),
        "/category/3": ("category/3", "Interethnic relations", "All news"),
        "/category/5": ("category/5", "Society", "All news"),
        "/category/8": ("category/8", "Social and labour issues", "All news"),
        "/abhazia": ("abhazia", None, "All articles"),
        "/karachaevo": ("karachaevo", "Karachay-Cherkessia", "All articles"),
        "/northcaucdistr": ("northcaucdistr", "North-Caucasian Federal District", "All articles"),
    },
    "ru": {
        "/articles": ("articles", "Лента новостей", None),
        "/rubric/41": ("rubric/41", "Справки", None),
        "/rubric/1104": ("rubric/1104", "Кавказ за неделю", None),
    },
}
# Listings whose items show no date, and a counter glued before some leads (SITE.md §4.3:
# the справки rubric on both RU mirrors seen).
UNDATED_LISTINGS = {("ru", "/rubric/41")}
SERVICE_PAGES = {
    "en": {"AboutCaucasianKnot": "About us", "Contacts": "Contacts"},
    "ru": {"AboutProject": "О проекте", "Contacts": "Контакты"},
}


@dataclass(slots=True)
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    action: str | None = None  # "slow" | "truncate" | "drop": applied by the server
    action_arg: float = 0.0

    def header(self, name: str) -> str | None:
        name = name.lower()
        for key, value in self.headers:
            if key.lower() == name:
                return value
        return None

    @property
    def text(self) -> str:
        ctype = self.header("Content-Type") or ""
        charset = ctype.split("charset=")[-1] if "charset=" in ctype else "utf-8"
        return self.body.decode(charset)


REASONS = {
    200: "OK",
    301: "Moved Permanently",
    302: "Found",
    404: "Not Found",
    405: "Method Not Allowed",
    410: "Gone",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
    400: "Bad Request",
}


def host_info(host: str) -> tuple[str, str] | None:
    """(edition, role) of a host name the replica serves, ``None`` for any other host."""
    host = host.lower().split(":", 1)[0].rstrip(".")
    known = HOSTS.get(host)
    if known is not None:
        return known
    edition = KNOWN_HOSTS.get(host)
    if edition is None:
        return None
    if host.startswith("m."):
        return edition, "mobile"
    if host.startswith("amp."):
        return edition, "amp"
    return edition, "mirror"


class Replica:
    """Both sites, generated from ``(seed, articles, now)``."""

    def __init__(self, config: ReplicaConfig | None = None) -> None:
        self.config = config or ReplicaConfig()
        if self.config.markup != "auto" and self.config.markup not in ARTICLE_MARKUPS:
            raise ValueError(
                f"unknown markup {self.config.markup!r}; one of auto, {', '.join(ARTICLE_MARKUPS)}"
            )
        self.now = self.config.now.astimezone(UTC)
        self.epoch = to_epoch(self.now)
        self.catalog = Catalog(self.config)
        self._lock = threading.Lock()
        self._counters: dict[Any, int] = {}
        self._content_cache: OrderedDict[tuple[str, int], Content] = OrderedDict()
        self._page_cache: OrderedDict[tuple[Any, ...], bytes] = OrderedDict()
        self._live: dict[str, list[int]] = {}
        self._sidebar: dict[str, list[Item]] = {}
        self._promo_item: dict[str, Item | None] = {}
        self._sections: dict[tuple[str, str], list[int]] = {}
        for edition in ("en", "ru"):
            cat = self.catalog.edition(edition)
            count = cat.count_until(self.epoch)
            live = [i for i in range(count) if cat.is_live(i, self.epoch)]
            self._live[edition] = live
            names = EN_SECTIONS if edition == "en" else RU_SECTIONS
            buckets: dict[str, list[int]] = {name: [] for name in names}
            for i in live:
                for name in cat.sections(i):
                    buckets[name].append(i)
            for name, indexes in buckets.items():
                self._sections[(edition, name)] = indexes

    # ---- public API ---------------------------------------------------------------------
    def live_ids(self, edition: str) -> list[int]:
        cat = self.catalog.edition(edition)
        return [cat.ids[i] for i in self._live[edition]]

    def article_markups(self, edition: str, host: str | None = None) -> list[str]:
        """Markups article pages of ``edition`` (on ``host``, if given) are served in."""
        if host is not None:
            info = host_info(host)
            if info is not None and info[1] == "mobile":
                return ["ru-mobile"]
            if info is not None and info[1] == "amp":
                return ["ru-amp"]
        if edition == "en":
            return ["en-classic", "en-2025", "divsoup", "brtext"]
        if host is None:
            return ["ru-desktop", "ru-mobile", "ru-amp", "divsoup", "brtext"]
        return ["ru-desktop", "divsoup", "brtext"]

    def markup_for(self, edition: str, article_id: int, host: str | None = None) -> str:
        """The markup an article page gets on ``host`` (default: the canonical host)."""
        if self.config.markup != "auto":
            return self.config.markup
        role = "canonical"
        if host is not None:
            info = host_info(host)
            role = info[1] if info else "canonical"
        if role == "mobile":
            return "ru-mobile"
        if role == "amp":
            return "ru-amp"
        cat = self.catalog.edition(edition)
        index = cat.index_of(article_id)
        u = unit(self.config.seed, edition, article_id, 77)
        if edition == "en":
            if index is not None and from_epoch(cat.published[index]).year >= 2025:
                return "en-2025"
            return (
                "en-classic"
                if u < 0.55
                else "en-2025"
                if u < 0.75
                else "divsoup"
                if u < 0.87
                else "brtext"
            )
        return "ru-desktop" if u < 0.75 else "divsoup" if u < 0.87 else "brtext"

    def truth(self, edition: str) -> Iterator[ArticleRecord]:
        """Records of every article live at ``now``, newest first."""
        for index in reversed(self._live[edition]):
            yield self.record(edition, index)

    def truth_of(self, edition: str, article_id: int) -> ArticleRecord | None:
        cat = self.catalog.edition(edition)
        index = cat.index_of(article_id)
        if index is None or not cat.is_live(index, self.epoch):
            return None
        return self.record(edition, index)

    def listing_paths(self, edition: str) -> list[str]:
        return list(LISTINGS[edition])

    def listing_pages(self, path: str, edition: str | None = None) -> int:
        edition = edition or ("en" if path in LISTINGS["en"] else "ru")
        section = LISTINGS[edition][path][0]
        n = len(self._sections[(edition, section)])
        return max(1, -(-n // PER_PAGE))

    def listing_ids(self, path: str) -> list[int]:
        """Ids of every article a listing shows, over all its pages, newest first."""
        edition = "en" if path in LISTINGS["en"] else "ru"
        section = LISTINGS[edition][path][0]
        cat = self.catalog.edition(edition)
        return [cat.ids[i] for i in reversed(self._sections[(edition, section)])]

    def listing_truth(
        self, path: str, page: int | None = 1, host: str | None = None, scheme: str = "https"
    ) -> ListingPage:
        """What a listing page (or ``/articles.rss``) shows: its items in page order."""
        if path == "/articles.rss":
            host = host or CANONICAL_HOST["ru"]
            items = [
                self._listing_item("ru", i, None) for i in reversed(self._live["ru"][-RSS_ITEMS:])
            ]
            return ListingPage("feed", "ru", f"{scheme}://{host}/articles.rss", None, items, None)
        edition = "en" if path in LISTINGS["en"] else "ru"
        if path not in LISTINGS[edition]:
            raise KeyError(path)
        host = host or CANONICAL_HOST[edition]
        page = page or 1
        markup = self._listing_markup(edition, host, path, page)
        indexes, pages = self._listing_slice(edition, path, page)
        base = f"{scheme}://{host}{path}"
        url = base if page == 1 and host else f"{base}?page={page}"
        items = [self._listing_item(edition, i, markup) for i in indexes]
        if (edition, path) in UNDATED_LISTINGS:
            for item in items:
                item.published_at = item.published_raw = None
        next_page = f"{base}?page={page + 1}" if page < pages else None
        return ListingPage("listing", edition, url, page, items, next_page)

    # ---- HTTP ---------------------------------------------------------------------------
    def respond(
        self,
        method: str,
        host: str,
        target: str,
        markup: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        """Answer one request. ``target`` is the path with the query; an absolute URI is
        accepted too (its host wins over ``host``)."""
        if target.startswith(("http://", "https://")):
            parts = urlsplit(target)
            host = parts.netloc
            target = parts.path + (f"?{parts.query}" if parts.query else "")
        if not target.startswith("/"):
            target = "/" + target
        host = (host or "").lower().split(":", 1)[0].rstrip(".")
        method = method.upper()
        # HEAD: the body stays (the server sends only the head, with its Content-Length)
        return self._apply_faults(method, host, target, markup)

    # ---- internals: faults ----------------------------------------------------------------
    def _count(self, key: Any) -> int:
        with self._lock:
            n = self._counters.get(key, 0) + 1
            self._counters[key] = n
            return n

    def _apply_faults(self, method: str, host: str, target: str, markup: str | None) -> Response:
        fired: list[FaultRule] = []
        if not self.config.faults and not self.config.fault_rate:
            return self._route(method, host, target, markup)
        nth = self._count(("url", host, target))
        for number, rule in enumerate(self.config.rules):
            if rule.kind == "robots":
                continue
            if not fnmatch.fnmatchcase(target, rule.glob):
                continue
            seen = self._count(("rule", number, host, target))
            if rule.count is not None and seen > rule.count:
                continue
            fired.append(rule)
        if not fired and self.config.fault_rate > 0 and target != "/robots.txt":
            key = _mix_text(f"{host}{target}")
            u = unit(self.config.seed, "en", key, 1000 + nth)
            if u < self.config.fault_rate:
                kinds = ("error", "429", "drop", "truncate", "slow")
                kind = kinds[int(unit(self.config.seed, "ru", key, 2000 + nth) * len(kinds))]
                fired.append(FaultRule("*", kind, "0.2" if kind == "slow" else None))
        for rule in fired:
            if rule.kind == "error":
                code = int(rule.arg or 503)
                return self._plain(
                    code,
                    f"{code} {REASONS.get(code, 'Error')}\n",
                    [("Retry-After", "1")] if code == 503 else [],
                )
            if rule.kind == "429":
                seconds = rule.arg or "1"
                return self._plain(429, "Too many requests\n", [("Retry-After", seconds)])
            if rule.kind == "drop":
                return Response(0, [], b"", action="drop")
            if rule.kind == "loop":
                parts = urlsplit(target)
                query = parse_qs(parts.query)
                if "loop" in query:
                    location = parts.path
                else:
                    location = target + ("&" if parts.query else "?") + "loop=1"
                return self._redirect(host, location)
            if rule.kind == "redirect":
                return self._redirect(host, rule.arg or "/")
        response = self._route(method, host, target, markup)
        for rule in fired:
            if rule.kind == "malformed" and response.status == 200:
                response.body = _malform(response.body)
            elif rule.kind == "cp1251" and response.status == 200:
                response = _to_cp1251(response)
            elif rule.kind == "slow":
                response.action, response.action_arg = "slow", rule.number(1.0)
            elif rule.kind == "truncate":
                response.action, response.action_arg = "truncate", rule.number(0.5)
        return response

    # ---- internals: routing -----------------------------------------------------------------
    def _plain(
        self,
        status: int,
        text: str,
        extra: list[tuple[str, str]] | None = None,
        ctype: str = "text/plain; charset=utf-8",
    ) -> Response:
        return Response(status, [("Content-Type", ctype), *(extra or [])], text.encode())

    def _redirect(self, host: str, location: str) -> Response:
        """A 302 to ``location`` (a path with its query) on ``host``."""
        return Response(
            302,
            [
                ("Location", f"http://{host}{location}"),
                ("Content-Type", "text/html; charset=utf-8"),
            ],
            b"<html><body>Redirecting</body></html>\n",
        )

    def _html(self, status: int, html: str | bytes) -> Response:
        body = html if isinstance(html, bytes) else html.encode()
        return Response(status, [("Content-Type", "text/html; charset=utf-8")], body)

    def _route(self, method: str, host: str, target: str, markup: str | None) -> Response:
        if method not in ("GET", "HEAD"):
            return self._plain(405, "Method not allowed\n", [("Allow", "GET, HEAD")])
        parts = urlsplit(target)
        path = parts.path
        info = host_info(host)
        if info is None:
            if path == "/":
                return self._plain(200, self._help_text(host))
            return self._plain(404, "Not found. " + self._help_text(host))
        edition, role = info
        if role == "redirect":
            location = f"http://{CANONICAL_HOST[edition]}{target}"
            return Response(
                301,
                [("Location", location), ("Content-Type", "text/html; charset=utf-8")],
                f'<html><body>Moved <a href="{escape(location)}">here</a></body></html>\n'.encode(),
            )
        if path == "/robots.txt":
            return self._robots()
        if path.startswith("/articles/"):
            slug = path[len("/articles/") :].rstrip("/")
            if slug.isdigit():
                return self._article(edition, int(slug), host, markup)
            if slug in SERVICE_PAGES[edition]:
                return self._service(edition, slug, host)
            return self._not_found(edition)
        if edition == "ru" and path.rstrip("/") in RU_FEEDS:
            return self._rss(host)
        listing = LISTINGS[edition].get(path.rstrip("/") or "/")
        if listing is not None:
            page_values = parse_qs(parts.query).get("page", ["1"])
            text = page_values[-1]
            if not text.isdigit() or int(text) < 1:
                return self._not_found(edition)
            return self._listing(edition, path.rstrip("/"), int(text), host, markup)
        if path == "/":
            return self._home(edition)
        return self._not_found(edition)

    def _help_text(self, host: str) -> str:
        lines = [
            "knotcrawl replica of the Caucasian Knot sites.",
            f"This host name ({host or 'none'}) is not one of the sites. Send requests with one",
            "of the site host names in the Host header, or use this server as an HTTP proxy",
            "(absolute-URI requests, e.g. Scrapy meta['proxy'] or http_proxy=http://<this>).",
            "",
            "Hosts:",
        ]
        for name, (edition, role) in HOSTS.items():
            lines.append(f"  {name:26} {edition}  {role}")
        lines += [
            "",
            "Try: curl -x http://<this-server> http://www.eng.kavkaz-uzel.eu/rubric/11",
            "",
        ]
        return "\n".join(lines)

    def _robots(self) -> Response:
        disallow = list(self.config.robots_disallow)
        for rule in self.config.rules:
            if rule.kind == "robots":
                disallow += (rule.arg or "/").split(",")
        lines = ["User-agent: *"]
        lines += [f"Disallow: {d}" for d in disallow] if disallow else ["Allow: /"]
        return self._plain(200, "\n".join(lines) + "\n")

    def _not_found(self, edition: str, status: int = 404) -> Response:
        title = (
            ("Page not found" if edition == "en" else "Страница не найдена")
            if status == 404
            else ("Page removed" if edition == "en" else "Страница удалена")
        )
        return self._html(
            status,
            f'<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
            f"<title>{title}</title></head><body><h2>{title}</h2>"
            f'<p><a href="/">Home</a></p></body></html>\n',
        )

    def _cached(self, key: tuple[Any, ...]) -> bytes | None:
        with self._lock:
            body = self._page_cache.get(key)
            if body is not None:
                self._page_cache.move_to_end(key)
            return body

    def _store(self, key: tuple[Any, ...], body: bytes) -> None:
        with self._lock:
            self._page_cache[key] = body
            if len(self._page_cache) > self.config.cache_pages:
                self._page_cache.popitem(last=False)

    def content(self, edition: str, index: int) -> Content:
        key = (edition, index)
        with self._lock:
            hit = self._content_cache.get(key)
            if hit is not None:
                self._content_cache.move_to_end(key)
                return hit
        cat = self.catalog.edition(edition)
        content = build_content(self.catalog, edition, index, cat.version_at(index, self.epoch))
        with self._lock:
            self._content_cache[key] = content
            if len(self._content_cache) > self.config.cache_pages:
                self._content_cache.popitem(last=False)
        return content

    def _item(self, edition: str, index: int) -> Item:
        c = self.content(edition, index)
        cat = self.catalog.edition(edition)
        listing_photo = cat.listing_photo(index)
        return Item(
            c.article_id,
            c.title,
            c.published,
            c.lead,
            c.caption if listing_photo else None,
            c.photo if listing_photo else None,
        )

    def _article(self, edition: str, article_id: int, host: str, markup: str | None) -> Response:
        cat = self.catalog.edition(edition)
        index = cat.index_of(article_id)
        if index is None or cat.published[index] > self.epoch:
            return self._not_found(edition)
        if not cat.is_live(index, self.epoch):
            return self._not_found(edition, cat.gone_status(index))
        name = markup or self.markup_for(edition, article_id, host)
        if name not in ARTICLE_RENDERERS:
            raise ValueError(f"unknown markup {name!r}")
        key = ("article", edition, index, name)
        body = self._cached(key)
        if body is None:
            body = ARTICLE_RENDERERS[name](self._article_page(edition, index, name)).encode()
            self._store(key, body)
        return self._html(200, body)

    def _article_page(self, edition: str, index: int, markup: str) -> ArticlePage:
        content = self.content(edition, index)
        live = self._live[edition]
        sidebar = self._sidebar.get(edition)
        if sidebar is None:  # the same newest items on every page
            sidebar = [self._item(edition, i) for i in reversed(live[-SIDEBAR_ITEMS:])]
            self._sidebar[edition] = sidebar
        related = []
        if markup == "ru-mobile":  # only the mobile markup shows related-article blocks
            cat = self.catalog.edition(edition)
            related = [
                self._item(edition, i) for i in content.related if cat.is_live(i, self.epoch)
            ]
        promo = self._promo(edition)
        variant = 2 if unit(self.config.seed, edition, content.article_id, 78) < 0.1 else 1
        return ArticlePage(
            content,
            sidebar,
            related,
            promo,
            self.now.year,
            canonical_url(edition, content.article_id, SITE_BASE),  # type: ignore[arg-type]
            variant,
        )

    def _promo(self, edition: str) -> Item | None:
        if edition not in self._promo_item:
            live = self._live[edition]
            self._promo_item[edition] = self._item(edition, live[-8]) if len(live) >= 8 else None
        return self._promo_item[edition]

    def _service(self, edition: str, slug: str, host: str) -> Response:
        from .content import Block, Credits

        title = SERVICE_PAGES[edition][slug]
        en = edition == "en"
        text = (
            "The Caucasian Knot is an online media outlet covering events in the Caucasus "
            "around the clock."
            if en
            else "«Кавказский узел» — интернет-СМИ, освещающее события на Кавказе."
        )
        content = Content(
            edition,
            0,
            title,
            datetime(2009, 6, 22, 0, 0),
            [Block("p", [text])],
            None,
            None,
            None,
            Credits("none", [], None, None, None),
            "absent",
        )
        base = SITE_BASE["en" if en else "ru"]
        page = ArticlePage(content, [], [], None, self.now.year, f"{base}/articles/{slug}")
        return self._html(200, ARTICLE_RENDERERS["en-classic" if en else "ru-desktop"](page))

    def _listing_markup(self, edition: str, host: str, path: str, page: int) -> str:
        forced = self.config.markup
        if forced in LISTING_MARKUPS:
            return forced
        info = host_info(host)
        if edition == "ru":
            return "ru-mobile" if info and info[1] in ("mobile", "amp") else "ru-desktop"
        u = unit(self.config.seed, "en", _mix_text(path), 3000 + page)
        return "en-classic" if u < 0.5 else "en-2025"

    def _listing_slice(self, edition: str, path: str, page: int) -> tuple[list[int], int]:
        section = LISTINGS[edition][path][0]
        members = self._sections[(edition, section)]
        pages = max(1, -(-len(members) // PER_PAGE))
        end = len(members) - (page - 1) * PER_PAGE
        start = max(0, end - PER_PAGE)
        indexes = list(reversed(members[start:end])) if end > 0 else []
        return indexes, pages

    def _listing(
        self, edition: str, path: str, page: int, host: str, markup: str | None
    ) -> Response:
        indexes, pages = self._listing_slice(edition, path, page)
        if page > pages and self.config.listing_end == "404":
            return self._not_found(edition)
        if page > pages and self.config.listing_end.startswith("redirect"):
            first = "?page=1" if self.config.listing_end == "redirect-page1" else ""
            return self._redirect(host, f"{path}{first}")
        name = (
            markup if markup in LISTING_MARKUPS else self._listing_markup(edition, host, path, page)
        )
        key = ("listing", edition, path, page, name)
        body = self._cached(key)
        if body is None:
            _section, heading, footer = LISTINGS[edition][path]
            items = [self._item(edition, i) for i in indexes]
            undated = (edition, path) in UNDATED_LISTINGS
            view = ListingView(
                edition,
                path,
                heading,
                page,
                pages,
                items,
                self.now.year,
                footer,
                self._promo(edition),
                dated=not undated,
                counters=self._counters_of(edition, items) if undated else {},
            )
            body = LISTING_RENDERERS[name](view).encode()
            self._store(key, body)
        return self._html(200, body)

    def _counters_of(self, edition: str, items: list[Item]) -> dict[int, int]:
        """The counter shown before an item's lead (comments or views; 0 shows none)."""
        counts = {}
        for item in items:
            u = unit(self.config.seed, edition, item.article_id, 79)
            if u < 0.4:
                counts[item.article_id] = 1 + int(u * 30)
        return counts

    def _listing_item(self, edition: str, index: int, markup: str | None) -> ListingItem:
        item = self._item(edition, index)
        moment = localize(item.published)
        raw = (
            dates.rfc822(item.published)
            if markup is None
            else listing_date(markup, edition, item.published)
        )
        return ListingItem(
            item.article_id,
            canonical_url(edition, item.article_id, SITE_BASE),  # type: ignore[arg-type]
            item.title,
            utc_iso(moment),
            raw,
            item.lead,
            # The feed carries no photo (RECORD.md: null where the item does not show one).
            item.caption if markup is not None else None,
        )

    def _rss(self, host: str) -> Response:
        key = ("rss",)
        body = self._cached(key)
        if body is None:
            out = [
                '<?xml version="1.0" encoding="UTF-8"?>',
                '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">',
                "  <channel>",
                "    <title>Кавказский узел</title>",
                "    <link>https://www.kavkaz-uzel.eu/</link>",
                "    <description>Интернет-СМИ «Кавказский узел»: новости Кавказа</description>",
                "    <language>ru</language>",
                '    <atom:link href="https://www.kavkaz-uzel.eu/articles.rss" rel="self" '
                'type="application/rss+xml"/>',
            ]
            newest = list(reversed(self._live["ru"][-RSS_ITEMS:]))
            if newest:
                first = self._item("ru", newest[0])
                out.append(f"    <lastBuildDate>{dates.rfc822(first.published)}</lastBuildDate>")
            for i in newest:
                item = self._item("ru", i)
                url = canonical_url("ru", item.article_id, SITE_BASE)
                out += [
                    "    <item>",
                    f"      <title>{escape(item.title, False)}</title>",
                    f"      <link>{url}</link>",
                    f'      <guid isPermaLink="true">{url}</guid>',
                    f"      <pubDate>{dates.rfc822(item.published)}</pubDate>",
                ]
                if item.lead:
                    out.append(f"      <description>{escape(item.lead, False)}</description>")
                out.append("    </item>")
            out += ["  </channel>", "</rss>", ""]
            body = "\n".join(out).encode()
            self._store(key, body)
        return Response(200, [("Content-Type", "application/rss+xml; charset=utf-8")], body)

    def _home(self, edition: str) -> Response:
        live = self._live[edition]
        links = "".join(
            f'<li><a href="{p}">{escape(LISTINGS[edition][p][1] or p)}</a></li>'
            for p in LISTINGS[edition]
        )
        news = "".join(
            f'<li><a href="/articles/{it.article_id}">{escape(it.title)}</a></li>'
            for it in (self._item(edition, i) for i in reversed(live[-10:]))
        )
        site = "Caucasian Knot" if edition == "en" else "Кавказский узел"
        rss = '<li><a href="/articles.rss">RSS</a></li>' if edition == "ru" else ""
        return self._html(
            200,
            f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>'
            f"{site}</title></head><body><h1>{site}</h1><ul>{links}{rss}"
            f"</ul><ul>{news}</ul></body></html>\n",
        )

    # ---- truth ------------------------------------------------------------------------------
    def record(self, edition: str, index: int) -> ArticleRecord:
        cat: EditionCatalog = self.catalog.edition(edition)
        c = self.content(edition, index)
        url = canonical_url(edition, c.article_id, SITE_BASE)  # type: ignore[arg-type]
        markup = self.markup_for(edition, c.article_id)
        moment = localize(c.published)
        links: list[Link] = []
        seen: set[str] = set()
        for block in c.blocks:
            for part in block.parts:
                if isinstance(part, Anchor) and part.url not in seen:
                    seen.add(part.url)
                    links.append(
                        Link(
                            part.url,
                            part.text,
                            part.kind,  # type: ignore[arg-type]
                            part.edition,
                            part.article_id,
                        )
                    )
        original = None
        if c.xref == "link" and c.original_id is not None and c.original_time is not None:
            ru_url = canonical_url("ru", c.original_id, SITE_BASE)
            ru_moment = localize(c.original_time)
            original = Original(
                ru_url,
                c.original_id,
                utc_iso(ru_moment),
                local_iso(ru_moment),
                dates.cross_ref(c.original_time),
            )
            if ru_url not in seen:
                links.append(Link(ru_url, "click here", "original", "ru", c.original_id))
        sections = sorted(cat.sections(index)) if cat.is_live(index, self.epoch) else []
        return ArticleRecord(
            edition=edition,
            article_id=c.article_id,
            url=url,
            fetched_url=url,
            title=" ".join(c.title.split()),
            published_at=utc_iso(moment),
            published_local=local_iso(moment),
            published_raw=article_date(markup, edition, c.published),
            authors=list(c.credits.authors),
            source=c.credits.source,
            photo_caption=c.caption,
            body=c.body,
            original=original,
            links=links,
            lead=c.lead,
            sections=sections,
        )


def _mix_text(text: str) -> int:
    value = 1469598103934665603
    for byte in text.encode():
        value = ((value ^ byte) * 1099511628211) & ((1 << 64) - 1)
    return value


def _malform(body: bytes) -> bytes:
    """Unclosed tags, upper-case tags and stray closers; the visible text stays the same."""
    text = body.decode("utf-8")
    text = text.replace("</p>", "").replace("</li>", "").replace("</body>", "")
    text = text.replace("</html>", "").replace("<h1", "<H1 ").replace("</h1>", "</H1 >")
    text = text.replace("</div>", "</div></span></b>", 3)
    at = text.find(">", text.find("<body")) + 1
    if at > 0:
        text = text[:at] + '<font face="x"><center><table><tr><td>' + text[at:]
    return text.encode("utf-8")


def _to_cp1251(response: Response) -> Response:
    text = response.body.decode("utf-8")
    for meta in (
        '<meta charset="utf-8">',
        '<meta charset="UTF-8">',
        '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">',
    ):
        text = text.replace(meta, "")
    body = text.encode("windows-1251", errors="xmlcharrefreplace")
    headers = [(k, v) for k, v in response.headers if k.lower() != "content-type"]
    headers.append(("Content-Type", "text/html; charset=windows-1251"))
    return Response(response.status, headers, body, response.action, response.action_arg)


__all__ = ["CANONICAL_HOST", "HOSTS", "LISTINGS", "Replica", "Response", "host_info"]
