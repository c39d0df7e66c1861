"""``knotcrawl parse PATH [--url URL] [--charset NAME] [--explain]``: a saved page as JSON.

PATH is an HTML page (a browser's or SingleFile's save too) or an MHTML file (``unpack_mhtml``).

Prints the article record, listing or feed exactly as RECORD.md shows it. Exit status 3 when
the page is not an article, listing or feed; 4 when required article fields are missing (the
message names them); 2 for usage errors. ``--explain`` writes to stderr, for each field, the
cascade level that produced it (stdout stays the JSON).
"""

from __future__ import annotations

import argparse
import codecs
import email
import json
import re
import sys
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from knotcrawl.analysis.cli import one_line_errors
from knotcrawl.errors import KnotcrawlError, UsageError

# A browser's "Save Page As" notes the address it saved the page from ("mark of the web");
# the SingleFile extension writes a comment of its own as the first thing in <html>
# ("Page saved with SingleFile"; older versions wrote "Archive processed by SingleFile").
_SAVED_FROM = re.compile(rb"<!--\s*saved from url=\(\d+\)\s*(\S+?)\s*-->", re.IGNORECASE)
_SINGLEFILE = re.compile(
    rb"<!--\s*(?:Page saved|Archive processed) (?:with|by) SingleFile\b[^>]*?\burl:\s*(\S+)",
    re.IGNORECASE,
)
_CANONICAL = re.compile(rb"""<link\b[^>]*?\brel\s*=\s*["']?canonical["']?[^>]*>""", re.IGNORECASE)
_OG_URL = re.compile(rb"""<meta\b[^>]*?\bproperty\s*=\s*["']og:url["'][^>]*>""", re.IGNORECASE)
_ATOM_SELF = re.compile(rb"""<atom:link\b[^>]*?\brel\s*=\s*["']self["'][^>]*>""", re.IGNORECASE)
_HREF = re.compile(rb"""\b(?:href|content)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_MAX_BYTES = 50 * 1024 * 1024


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "parse",
        help="parse one saved page (article, listing or RSS feed) and print its record as JSON",
        description="Parse one saved page and print its record (RECORD.md) as JSON. Exit status "
        "3: not an article, listing or feed; 4: required article fields missing.",
    )
    one_line_errors(parser, "parse")
    parser.add_argument(
        "path",
        metavar="PATH",
        help="the saved page (HTML, or MHTML: .mhtml/.mht); '-' reads standard input",
    )
    parser.add_argument(
        "--url",
        help="the URL the page was fetched from, an archive's copy too (web.archive.org/web/…, "
        "archive.ph/…, the AMP cache) (default: the address a browser, SingleFile or an MHTML "
        "file saved it from, else its rel=canonical or og:url)",
    )
    parser.add_argument(
        "--charset",
        metavar="NAME",
        help="the charset the page was served with (its HTTP Content-Type header), for a page "
        "saved without its headers, e.g. windows-1251 or koi8-r; read as a crawl reads the "
        "header: bytes that are valid UTF-8 stay UTF-8 (default: the page's <meta> "
        "declaration, else a guess between UTF-8, windows-1251 and KOI8-R)",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="also write to stderr which cascade level (selector, structured, semantic, text) "
        "produced each field",
    )
    parser.set_defaults(run=run)


def _read(path: str) -> bytes:
    try:
        if path == "-":
            return sys.stdin.buffer.read(_MAX_BYTES + 1)
        with open(path, "rb") as fh:
            data = fh.read(_MAX_BYTES + 1)
    except FileNotFoundError:
        raise UsageError(f"no such file: {path}") from None
    except IsADirectoryError:
        raise UsageError(f"{path} is a directory, not a saved page") from None
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > _MAX_BYTES:
        raise KnotcrawlError(f"{path} is larger than {_MAX_BYTES // (1024 * 1024)} MB", 3)
    return data


def infer_url(data: bytes) -> str | None:
    """The address a saved page names: the one a browser or SingleFile saved it from (not a
    ``file://`` path: a page saved again from disk), else its ``rel=canonical``, ``og:url`` or
    a feed's ``atom:link rel="self"``."""
    head = data[:131072]
    candidates = [
        saved.group(1)
        for pattern in (_SAVED_FROM, _SINGLEFILE)
        if (saved := pattern.search(head[:4096])) is not None
    ]
    for pattern in (_CANONICAL, _OG_URL, _ATOM_SELF):
        tag = pattern.search(head)
        href = _HREF.search(tag.group(0)) if tag else None
        if href:
            candidates.append(href.group(1))
    for candidate in candidates:
        url = candidate.decode("utf-8", "replace").strip()
        if url.startswith(("http://", "https://")):
            return url
    return None


@dataclass(frozen=True, slots=True)
class MhtmlPage:
    """The page inside an MHTML file."""

    html: bytes  # its bytes, quoted-printable or base64 undone
    charset: str | None  # its part's declared charset
    url: str | None  # the address the file names


def unpack_mhtml(data: bytes) -> MhtmlPage | None:
    """The page of an MHTML file (``.mhtml``/``.mht``: Chrome's and Edge's "Save as… Webpage,
    Single File", Internet Explorer's "Web Archive"), a MIME ``multipart/related`` message whose
    first ``text/html`` part is the page; its address is the file's
    ``Snapshot-Content-Location`` header (Chrome), else the part's ``Content-Location`` (an
    ``http(s)`` one). ``None`` for data that is not MHTML; exit 3 for MHTML without a page."""
    head = data[:4096].lstrip()
    if head.startswith(b"<") or b"multipart/related" not in head.lower():
        return None
    message = email.message_from_bytes(data)
    if not message.is_multipart():
        return None
    for part in message.walk():
        if part.get_content_type() != "text/html":
            continue
        html = part.get_payload(decode=True)
        if not isinstance(html, bytes):
            break
        charset = part.get_content_charset()
        if charset is not None:
            try:
                codecs.lookup(charset)
            except LookupError:
                charset = None
        url = None
        for address in (message["Snapshot-Content-Location"], part["Content-Location"]):
            if address is not None and str(address).strip().startswith(("http://", "https://")):
                url = str(address).strip()
                break
        return MhtmlPage(html, charset, url)
    raise KnotcrawlError("an MHTML file without an HTML page (no text/html part)", 3)


def run(args: argparse.Namespace) -> int:
    if args.url is not None:
        parts = urlsplit(args.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UsageError(
                f"--url {args.url!r}: expected the page's http(s) address, "
                "e.g. https://www.eng.kavkaz-uzel.eu/articles/12000"
            )
    headers = _charset_header(args.charset)
    data = _read(args.path)
    mhtml = unpack_mhtml(data)
    if mhtml is not None:
        data = mhtml.html
        if headers is None:  # the part's charset is the header it was served with
            headers = _charset_header(mhtml.charset)
    url = args.url or (mhtml.url if mhtml is not None else None) or infer_url(data)
    if not url:
        raise UsageError(
            "--url is required: the page names no address of its own (no 'saved from' or "
            "SingleFile comment, rel=canonical link or og:url)"
        )
    if args.url is None:  # fetched_url is then the page's own claim, not a fetch
        print(
            f"knotcrawl parse: note: no --url; the page's own address is used: {url}",
            file=sys.stderr,
        )
    from knotcrawl.pages import ArticlePage, MissingFields, page_kind, parse_feed

    try:
        kind = page_kind(data, url)
        explain: dict[str, str] | None = None
        result: Any
        if kind == "article":
            page = ArticlePage(data, url, headers)
            try:
                result = page.to_record()
            except MissingFields as exc:
                raise KnotcrawlError(
                    str(exc) + _listing_hint(data, url, headers), exc.status
                ) from None
            explain = page.sources
        elif kind == "feed":
            result = parse_feed(data, url, headers)
        else:
            from knotcrawl.pages import ListingHtmlPage, reject_error_page

            listing = ListingHtmlPage(data, url, headers)
            reject_error_page(listing, url)
            result = listing.to_listing()
            explain = listing.sources
            _refuse_article_as_listing(data, url, len(result.items), headers)
            if not result.items:
                print(
                    f"knotcrawl parse: warning: {url}: the listing has no article items",
                    file=sys.stderr,
                )
    except KnotcrawlError:
        raise
    except RecursionError:
        raise KnotcrawlError(f"{url}: the page is nested too deeply to parse", 3) from None
    except Exception as exc:  # never a traceback for a bad page
        raise KnotcrawlError(
            f"{url}: could not parse the page ({type(exc).__name__}: {exc})", 1
        ) from None
    sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")
    if args.explain:
        _explain(result, explain)
    return 0


def _charset_header(charset: str | None) -> dict[str, str] | None:
    """The ``Content-Type`` header a server would have sent with ``--charset``."""
    if charset is None:
        return None
    try:
        codecs.lookup(charset)
    except LookupError:
        raise UsageError(
            f"--charset {charset!r}: not a known charset (e.g. utf-8, windows-1251, koi8-r)"
        ) from None
    return {"Content-Type": f"text/html; charset={charset}"}


def _refuse_article_as_listing(
    data: bytes, url: str, items: int, headers: dict[str, str] | None
) -> None:
    """An article given a listing's URL (``/rubric/11``, or any ``/foo``, since region pages
    sit at the site root) shows as a listing of the one or two article links in its text; when
    the page also reads as a whole article (title, date, a body of several paragraphs), the
    URL is wrong, not the page. A real listing of one or two items (a last page, a small
    region) reads as no article: its items' dates and leads make no titled, dated body."""
    from knotcrawl.pages import ArticlePage

    if items >= 3:
        return
    page = ArticlePage(data, url, headers)
    if page.title and page.published and page.body.count("\n\n") >= 2:
        raise KnotcrawlError(
            f"{url}: the page is an article, but this is not an article address "
            "(/articles/ID); give the article's URL with --url",
            3,
        )


def _listing_hint(data: bytes, url: str, headers: dict[str, str] | None) -> str:
    """For an article page with missing fields that also reads as a listing of several
    articles: a listing saved under an article's URL lacks the article's fields, so say it may
    be one. Only a hint: an article's sidebar is a short listing too."""
    from knotcrawl.pages import ListingHtmlPage

    try:
        items = ListingHtmlPage(data, url, headers).to_listing().items
    except Exception:  # not a listing either: the missing fields say it all
        return ""
    if len(items) < 3:
        return ""
    return (
        f" (the page also reads as a listing of {len(items)} articles: if it is one, give its "
        "listing URL with --url, such as /rubric/11, /articles or a region)"
    )


def _explain(result: Any, sources: dict[str, str] | None) -> None:
    """Each field and the cascade level that gave it (``-``: not on the page); for a listing
    or feed, how the page and its items were read and how many items hold each field."""
    out = sys.stderr
    if getattr(result, "kind", None) in ("listing", "feed"):
        sources = sources if sources is not None else {"edition": "url", "items": "structured"}
        print(f"{'kind':16} {result.kind}", file=out)
        print(f"{'edition':16} {sources.get('edition', '-')}", file=out)
        print(f"{'items':16} {len(result.items)} ({sources.get('items', '-')})", file=out)
        if result.kind == "listing":
            print(f"{'page':16} {result.page}, next {result.next_page or '-'}", file=out)
        for name in ("title", "published_at", "lead", "photo_caption"):
            have = sum(1 for item in result.items if getattr(item, name) is not None)
            print(f"{'  ' + name:16} {have} of {len(result.items)} items", file=out)
        return
    names = {"published_at": ("published_at", "published_local", "published_raw")}
    record = result.to_dict()
    sources = sources or {}
    for field in (
        "edition",
        "article_id",
        "title",
        "published_at",
        "authors",
        "source",
        "photo_caption",
        "body",
        "original",
        "links",
    ):
        level = sources.get(field, "-" if record.get(field) in (None, [], "") else "default")
        for name in names.get(field, (field,)):
            print(f"{name:16} {level}", file=out)
