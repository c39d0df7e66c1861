"""Copies of the site's pages not fetched from the site: Wayback Machine snapshots (with and
without the toolbar), archive.today, the Google AMP cache and Translate proxy, a browser's
"Save Page As", SingleFile and MHTML files. The records of such copies that the redesign
harness checks field by field are ``tests/pages/redesigns/*-wayback*``, ``*-archivetoday*``
and ``ru-ampcache``; here, what that harness cannot state: errors, a copy parsed under another
of its addresses, an author's links to archived pages, the command line without ``--url``,
and the host logic the crawler shares."""

from __future__ import annotations

import base64
import json
import quopri
from pathlib import Path

import pytest
from clikit import refused, run_cli

from knotcrawl.hosts import ArticleRef, article_ref, original_url
from knotcrawl.pages import MissingFields, NotAnArticle, parse_article, parse_page
from knotcrawl.record import ArticleRecord, Link

PAGES = Path(__file__).with_name("redesigns")
WAYBACK_PAGE = (PAGES / "en-wayback.html").read_bytes()
WAYBACK_URL = json.loads((PAGES / "en-wayback.json").read_text(encoding="utf-8"))["_url"]
ORIGINAL_URL = "https://www.eng.kavkaz-uzel.eu/articles/46512"
SAVED = (
    "<!DOCTYPE html>\n<!-- saved from url=(0045)https://www.kavkaz-uzel.eu/articles/335214/ -->\n"
    "<html lang='ru'><head><meta charset='utf-8'>"
    "<link rel='stylesheet' href='./Article_files/application.css'></head><body><div>"
    "<h1>Заголовок статьи</h1><p>15:05, 17 мая 2019</p>"
    "<div><img src='./Article_files/photo.jpg' alt=''></div>"
    "<p>Силовики задержали в Москве двух уроженцев Ингушетии, сообщили их родственники.</p>"
    "<p>Задержанных доставили в Следственный комитет, рассказал правозащитник.</p>"
    "<p>Автор: Олег Краснов</p></div></body></html>"
)


def test_a_wayback_copy_under_its_original_address_gives_the_same_record() -> None:
    # A snapshot saved from the browser, parsed with the original's URL: the toolbar and the
    # rewritten links are read as they are under the archive's address.
    from_archive = parse_article(WAYBACK_PAGE, WAYBACK_URL).to_dict()
    from_original = parse_article(WAYBACK_PAGE, ORIGINAL_URL).to_dict()
    assert from_original == {**from_archive, "fetched_url": ORIGINAL_URL}


def test_the_wayback_toolbar_dates_are_never_the_article_date() -> None:
    undated = WAYBACK_PAGE.replace(b'<p class="date">17 May 2019, 18:17</p>', b"")
    with pytest.raises(MissingFields) as caught:
        parse_article(undated, WAYBACK_URL)
    assert caught.value.fields == ["published_at"]


@pytest.mark.parametrize(
    ("archived", "original"),
    [
        (
            "https://web.archive.org/web/20190517151700/http://m.kavkaz-uzel.eu/articles/335210/",
            "http://m.kavkaz-uzel.eu/articles/335210/",
        ),
        (
            "http://web.archive.org/web/2019id_/https://www.eng.kavkaz-uzel.eu/rubric/11?page=4",
            "https://www.eng.kavkaz-uzel.eu/rubric/11?page=4",
        ),
        (
            "https://web.archive.org/web/20190517151700/www.kavkaz-uzel.eu/articles/1",
            "http://www.kavkaz-uzel.eu/articles/1",
        ),
        (
            "https://amp-kavkaz--uzel-eu.cdn.ampproject.org/c/s/amp.kavkaz-uzel.eu/articles/123/",
            "https://amp.kavkaz-uzel.eu/articles/123/",
        ),
        (
            "https://www-kavkaz--uzel-eu.translate.goog/articles/123?_x_tr_sl=ru&_x_tr_tl=en",
            "https://www.kavkaz-uzel.eu/articles/123",
        ),
        (
            "https://archive.ph/20190517151700/https://www.kavkaz-uzel.eu/articles/123",
            "https://www.kavkaz-uzel.eu/articles/123",
        ),
        (
            "https://archive.ph/2019.05.17-151700/https://www.kavkaz-uzel.eu/articles/123",
            "https://www.kavkaz-uzel.eu/articles/123",
        ),
        (
            "https://archive.is/2019/https%3A/www.kavkaz-uzel.eu/articles/123",
            "https://www.kavkaz-uzel.eu/articles/123",
        ),
        ("https://archive.ph/AbC12", "https://archive.ph/AbC12"),
        ("https://www.kavkaz-uzel.eu/web/1/x", "https://www.kavkaz-uzel.eu/web/1/x"),
    ],
)
def test_original_url(archived: str, original: str) -> None:
    assert original_url(archived) == original


def test_a_link_to_an_archived_article_names_the_article() -> None:
    # What the crawler's link resolution reads (pages.common.resolve_link, the spiders).
    url = "https://web.archive.org/web/20190517151700/http://m.kavkaz-uzel.eu/articles/335210/"
    assert article_ref(url) == ArticleRef("ru", 335210, "335210")


def test_a_translated_copy_is_no_record_of_the_article() -> None:
    url = "https://www-kavkaz--uzel-eu.translate.goog/articles/335214?_x_tr_sl=ru&_x_tr_tl=en"
    with pytest.raises(NotAnArticle, match="machine translation"):
        parse_page(SAVED.encode(), url)


def test_an_archive_today_short_address_without_its_header_asks_for_the_original_address() -> None:
    # (a copy saved without archive.today's header: its .zip download, or not a copy at all)
    with pytest.raises(NotAnArticle, match="--url"):
        parse_page(SAVED.encode(), "https://archive.ph/AbC12")


ARCHIVE_TODAY_PAGE = (PAGES / "en-archivetoday.html").read_bytes()
ARCHIVE_TODAY_SHORT = json.loads((PAGES / "en-archivetoday.json").read_bytes())["_url"]


@pytest.mark.parametrize(
    "address",
    [
        # what the record says under the short address (tests/pages/redesigns), under the long
        # one and, for a copy saved from the browser, under the original's: the header's
        # capture time (5 Mar 2021) is never the article's date
        "https://archive.ph/2021.03.05-101500/https://www.eng.kavkaz-uzel.eu/articles/46512",
        ORIGINAL_URL,
    ],
)
def test_an_archive_today_copy_under_any_address_gives_the_same_record(address: str) -> None:
    from_short = parse_article(ARCHIVE_TODAY_PAGE, ARCHIVE_TODAY_SHORT).to_dict()
    assert parse_article(ARCHIVE_TODAY_PAGE, address).to_dict() == {
        **from_short,
        "fetched_url": address,
    }


# Links an author made to archived pages: another site's page (gone since), a listing of the
# site, and one of its articles. Each is the link that the live page gives (RECORD.md's
# ``links``: the archive's address, external; an archived article is that article).
AUTHOR_LINKS = (
    ' See <a href="https://web.archive.org/web/20100612000000/http://www.memo.ru/hr/n-caucas/">'
    'a 2010 report</a>, <a href="https://web.archive.org/web/2012/'
    'https://www.eng.kavkaz-uzel.eu/rubric/11">the news of 2012</a> and <a href="'
    'https://web.archive.org/web/20120101000000/http://eng.kavkaz-uzel.ru/articles/20000">'
    "an old story</a>."
)
AUTHOR_RECORDS = [
    Link(
        "https://web.archive.org/web/20100612000000/http://www.memo.ru/hr/n-caucas/",
        "a 2010 report",
        "external",
    ),
    Link(
        "https://web.archive.org/web/2012/https://www.eng.kavkaz-uzel.eu/rubric/11",
        "the news of 2012",
        "external",
    ),
    Link("https://www.eng.kavkaz-uzel.eu/articles/20000", "an old story", "article", "en", 20000),
]
LIVE_PAGE = (
    "<html lang='en'><head><meta charset='utf-8'></head><body><div class='article'>"
    "<h1>Two residents of Ingushetia detained in Moscow</h1><p class='date'>17 May 2019, 18:17</p>"
    "<div class='text'><p>Law enforcers have detained two natives of Ingushetia in Moscow.</p>"
    f"<p>The relatives insist that the detainees are innocent.{AUTHOR_LINKS}</p>"
    "<p>Author: Magomed Aliev; Source: CK correspondent</p></div></div></body></html>"
)


def _author_links(record: ArticleRecord) -> list[Link]:
    return [link for link in record.links if link.text in {a.text for a in AUTHOR_RECORDS}]


def test_an_authors_links_to_archived_pages_on_the_live_page() -> None:
    assert _author_links(parse_article(LIVE_PAGE, ORIGINAL_URL)) == AUTHOR_RECORDS


@pytest.mark.parametrize(
    "address",
    [
        WAYBACK_URL,
        # a saved snapshot (its toolbar marks it), and an address with a partial time
        ORIGINAL_URL,
        "https://web.archive.org/web/2019/https://www.eng.kavkaz-uzel.eu/articles/46512",
    ],
)
def test_an_authors_links_to_archived_pages_in_a_snapshot_are_the_live_pages(address: str) -> None:
    # The archive rewrote its own links with the capture time (20190517151700) and left the
    # author's alone; the ones it did rewrite too (/web/<capture time>/https://web.archive.org/…)
    # lead to the author's again.
    snapshot = WAYBACK_PAGE.replace(
        b"lists their names.</p>", b"lists their names." + AUTHOR_LINKS.encode() + b"</p>"
    ).replace(
        b'href="https://web.archive.org/web/20120101000000/',
        b'href="/web/20190517151700/https://web.archive.org/web/20120101000000/',
    )
    assert _author_links(parse_article(snapshot, address)) == AUTHOR_RECORDS


def test_a_saved_page_names_its_address(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "Article.html"
    page.write_text(SAVED, encoding="utf-8")
    result = run_cli(capsys, "parse", str(page))
    assert json.loads(result.out)["fetched_url"] == "https://www.kavkaz-uzel.eu/articles/335214/"


def test_a_page_saved_from_a_file_falls_back_to_its_canonical_link(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "Article.html"
    resaved = SAVED.replace(
        "url=(0045)https://www.kavkaz-uzel.eu/articles/335214/",
        "url=(0032)file:///C:/Users/me/Article.html",
    ).replace("<head>", "<head><link rel='canonical' href='https://www.kavkaz-uzel.eu/articles/7'>")
    page.write_text(resaved, encoding="utf-8")
    result = run_cli(capsys, "parse", str(page))
    assert json.loads(result.out)["fetched_url"] == "https://www.kavkaz-uzel.eu/articles/7"


def test_a_page_that_names_no_address_asks_for_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "Article.html"
    page.write_text(SAVED.replace("saved from url", "saved"), encoding="utf-8")
    refused(run_cli(capsys, "parse", str(page)), "saved from", "--url")


# Single-file saves: the SingleFile extension's page (its comment first in <html>, images
# inlined as data: URIs), and MHTML (a MIME multipart message) as Chrome and Edge save it
# ("Webpage, Single File": quoted-printable UTF-8) and as Internet Explorer did ("Web
# Archive": base64 in the page's own charset, no Snapshot-Content-Location).
ADDRESS = "https://www.kavkaz-uzel.eu/articles/335214"
PAGE = SAVED.replace(
    "<!-- saved from url=(0045)https://www.kavkaz-uzel.eu/articles/335214/ -->\n", ""
)
SINGLEFILE = PAGE.replace(
    "<html lang='ru'>",
    "<html lang='ru'><!--\n Page saved with SingleFile \n url: https://www.kavkaz-uzel.eu/articles/"
    "335214 \n saved date: Sat Mar 14 2026 10:02:11 GMT+0300 (Moscow Standard Time)\n-->",
).replace(
    "<link rel='stylesheet' href='./Article_files/application.css'>",
    "<style>.logo{background:url(data:image/png;base64," + "iVBORw0KGgo" * 20000 + ")}</style>",
)


def _mhtml(part_headers: str, payload: bytes, snapshot: str = "") -> bytes:
    boundary = "----MultipartBoundary--sQx2BhmWf1JdVyTpEeXAvD9JgjNuPKRBgTiGDGmSTk----"
    head = (
        "From: <Saved by Blink>\r\n"
        f"{snapshot}"
        "Subject: =?utf-8?Q?=D0=97=D0=B0=D0=B3=D0=BE=D0=BB=D0=BE=D0=B2=D0=BE=D0=BA?=\r\n"
        "Date: Sat, 14 Mar 2026 07:02:11 -0000\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/related;\r\n\ttype="text/html";\r\n'
        f'\tboundary="{boundary}"\r\n\r\n\r\n'
        f"--{boundary}\r\n{part_headers}\r\n"
    )
    image = (
        f"\r\n--{boundary}\r\nContent-Type: image/jpeg\r\nContent-Transfer-Encoding: base64\r\n"
        "Content-Location: https://www.kavkaz-uzel.eu/Article_files/photo.jpg\r\n\r\n"
        f"/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAA==\r\n--{boundary}--\r\n"
    )
    return head.encode("ascii") + payload + image.encode("ascii")


CHROME_MHTML = _mhtml(
    "Content-Type: text/html\r\nContent-ID: <frame-4F2A9C@mhtml.blink>\r\n"
    f"Content-Transfer-Encoding: quoted-printable\r\nContent-Location: {ADDRESS}\r\n",
    quopri.encodestring(PAGE.encode("utf-8")).replace(b"\n", b"\r\n"),
    snapshot=f"Snapshot-Content-Location: {ADDRESS}\r\n",
)


def _ie_mhtml(page: bytes, charset: str) -> bytes:
    return _mhtml(
        f'Content-Type: text/html;\r\n\tcharset="{charset}"\r\n'
        f"Content-Transfer-Encoding: base64\r\nContent-Location: {ADDRESS}\r\n",
        base64.encodebytes(page).replace(b"\n", b"\r\n"),
    )


PAGE_1251 = PAGE.replace("<meta charset='utf-8'>", "").encode("windows-1251")
# (a charset no guess reads: only the part's header tells it)
PAGE_8859_5 = PAGE.replace("<meta charset='utf-8'>", "").encode("iso-8859-5")


def test_a_singlefile_page_names_its_address(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "Article (14.03.2026 10_02_11).html"
    page.write_text(SINGLEFILE, encoding="utf-8")
    result = run_cli(capsys, "parse", str(page))
    assert json.loads(result.out)["fetched_url"] == ADDRESS


@pytest.mark.parametrize(
    ("mhtml", "page", "charset"),
    [
        (CHROME_MHTML, PAGE.encode("utf-8"), None),
        (_ie_mhtml(PAGE_1251, "windows-1251"), PAGE_1251, "windows-1251"),
        (_ie_mhtml(PAGE_8859_5, "iso-8859-5"), PAGE_8859_5, "iso-8859-5"),
    ],
    ids=["chrome", "internet-explorer", "declared-charset"],
)
def test_an_mhtml_file_gives_its_pages_record_at_the_address_it_names(
    mhtml: bytes,
    page: bytes,
    charset: str | None,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "Article.mhtml"
    path.write_bytes(mhtml)
    headers = {"Content-Type": f"text/html; charset={charset}"} if charset else None
    result = run_cli(capsys, "parse", str(path))
    assert json.loads(result.out) == parse_article(page, ADDRESS, headers).to_dict()


def test_an_mhtml_file_without_a_page_is_no_article(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "Article.mhtml"
    path.write_bytes(
        CHROME_MHTML.replace(b"Content-Type: text/html\r\n", b"Content-Type: text/css\r\n")
    )
    result = run_cli(capsys, "parse", str(path), "--url", ADDRESS)
    assert (result.status, "no text/html part" in result.err) == (3, True)
