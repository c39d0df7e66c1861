"""Copies of the site's pages not fetched from the site: Wayback Machine snapshots (with and
without the toolbar), archive.today, the Google AMP cache and Translate proxy, a browser's
"Save Page As". The records of such copies that the redesign harness checks field by field
are ``tests/pages/redesigns/*-wayback*``, ``*-archivetoday*`` and ``ru-ampcache``; here, what
that harness cannot state: errors, a copy parsed under another of its addresses, an author's
links to archived pages, the command line without ``--url``, and the host logic the crawler
shares."""

from __future__ import annotations

import json
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
