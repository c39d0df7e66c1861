"""Pages against the truth, read by a minimal independent reader (lxml + regexes)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime

import lxml.html
import pytest

from knotcrawl.moscow import MOSCOW
from knotcrawl.replica import ARTICLE_MARKUPS, LISTING_MARKUPS, MARKUPS, Replica, ReplicaConfig

EN = "www.eng.kavkaz-uzel.eu"
RU = "www.kavkaz-uzel.eu"


@pytest.fixture(scope="module")
def replica() -> Replica:
    """One small replica shared by the module (no conftest: tests/crawl imports its own)."""
    return Replica(ReplicaConfig(seed=7, articles=300))


CANONICAL = {"en": EN, "ru": RU}
MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
MONTHS_RU = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
]
MONTH = {m: i + 1 for i, m in enumerate(MONTHS_EN)} | {m: i + 1 for i, m in enumerate(MONTHS_RU)}
_DATE_PATTERNS = [
    # (regex, group order: day, month, year, hour, minute)
    (re.compile(r"(\d{1,2}) (\w+) (\d{4}), (\d\d):(\d\d)"), (1, 2, 3, 4, 5)),
    (re.compile(r"(\d\d):(\d\d), (\d{1,2}) (\w+) (\d{4})"), (3, 4, 5, 1, 2)),
    (re.compile(r"(\d\d):(\d\d) / (\d\d)\.(\d\d)\.(\d{4})"), (3, 4, 5, 1, 2)),
]
NOTICE_WORDS = (
    "ИНОСТРАННЫМ АГЕНТОМ",
    "ИНОСТРАННОГО АГЕНТА",
    "Скачайте приложение",
    "Know more?",
    "LEGAL TEXTS",
    "All news",
    "News archive",
    "Author:",
    "Source:",
    "Автор:",
    "Источник:",
    "originally published",
    "Full text of the article",
)


def read_date(text: str) -> datetime:
    for regex, order in _DATE_PATTERNS:
        m = regex.search(text)
        if m:
            d, mo, y, hh, mm = (m.group(i) for i in order)
            month = int(mo) if mo.isdigit() else MONTH[mo]
            return datetime(int(y), month, int(d), int(hh), int(mm))
    raise AssertionError(f"no date in {text!r}")


def page_date_text(doc: lxml.html.HtmlElement) -> str:
    """The article's own date: the first date-looking text outside sidebars and related blocks."""
    for text in doc.xpath("//body//text()"):
        if _looks_like_date(text) and not _in_furniture(text):
            return str(text).strip()
    raise AssertionError("no date on the page")


def _in_furniture(text: object) -> bool:
    parent = getattr(text, "getparent", lambda: None)()
    while parent is not None:
        marks = f"{parent.get('class') or ''} {parent.get('id') or ''} {parent.tag}"
        if any(
            k in marks for k in ("sidebar", "m-related", "col-side", "promo", "aside", "left-news")
        ):
            return True
        parent = parent.getparent()
    return False


def _looks_like_date(text: str) -> bool:
    return any(regex.fullmatch(text.strip()) for regex, _ in _DATE_PATTERNS)


def collapse(text: str) -> str:
    return " ".join(text.split())


def test_markup_names() -> None:
    assert MARKUPS == ARTICLE_MARKUPS
    assert len(ARTICLE_MARKUPS) >= 7
    assert {"en-classic", "en-2025", "ru-desktop", "ru-mobile"} <= set(LISTING_MARKUPS)


@pytest.mark.parametrize("edition", ["en", "ru"])
def test_every_markup_reads_like_the_truth(replica: Replica, edition: str) -> None:
    records = list(replica.truth(edition))
    markups = replica.article_markups(edition)
    assert len(markups) >= 4
    seen_kinds: set[str] = set()
    for n, record in enumerate(records[::6]):
        for markup in markups:
            resp = replica.respond(
                "GET", CANONICAL[edition], f"/articles/{record.article_id}", markup=markup
            )
            assert resp.status == 200, markup
            doc = lxml.html.fromstring(resp.body)
            assert collapse(doc.xpath("//h1")[0].text_content()) == record.title, markup
            date_text = page_date_text(doc)
            local = datetime.fromisoformat(record.published_local).astimezone(MOSCOW)
            assert read_date(date_text) == local.replace(tzinfo=None), (markup, date_text)
            if markup == replica.markup_for(edition, record.article_id):
                assert date_text == record.published_raw
            text = collapse(doc.text_content())
            for paragraph in record.body.split("\n\n"):
                assert paragraph in text, (markup, paragraph)
            if n % 5 == 0:
                for word in NOTICE_WORDS:
                    assert word not in record.body
        seen_kinds.add(replica.markup_for(edition, record.article_id))
    assert len(seen_kinds) >= 3, seen_kinds


def test_mirrors_serve_same_bytes_as_canonical(replica: Replica) -> None:
    for article_id in replica.live_ids("en")[::25]:
        path = f"/articles/{article_id}"
        canonical = replica.respond("GET", EN, path).body
        for mirror in ("eng.kavkaz-uzel.media", "www.caucasianknot.info"):
            assert replica.respond("GET", mirror, path).body == canonical
    for article_id in replica.live_ids("ru")[::25]:
        path = f"/articles/{article_id}"
        canonical = replica.respond("GET", RU, path).body
        for mirror in ("kavkazuzel.com", "caucasianknot.net"):
            assert replica.respond("GET", mirror, path).body == canonical
    page = replica.respond("GET", EN, "/rubric/11?page=2").body
    assert replica.respond("GET", "eng.kavkaz-uzel.media", "/rubric/11?page=2").body == page


def test_redirect_hosts_and_unknown_host(replica: Replica) -> None:
    resp = replica.respond("GET", "eng.kavkaz-uzel.eu", "/rubric/11?page=3")
    assert resp.status == 301
    assert resp.header("Location") == "http://www.eng.kavkaz-uzel.eu/rubric/11?page=3"
    resp = replica.respond("GET", "kavkaz-uzel.eu", "/articles/5")
    assert resp.status == 301 and resp.header("Location") == "http://www.kavkaz-uzel.eu/articles/5"
    home = replica.respond("GET", "127.0.0.1:8765", "/")
    assert home.status == 200 and b"proxy" in home.body
    assert replica.respond("GET", "127.0.0.1:8765", "/articles/1").status == 404


def test_mobile_and_amp_hosts(replica: Replica) -> None:
    record = next(iter(replica.truth("ru")))
    mobile = replica.respond("GET", "m.kavkaz-uzel.eu", f"/articles/{record.article_id}")
    amp = replica.respond("GET", "amp.kavkaz-uzel.eu", f"/articles/{record.article_id}/")
    assert b'class="m-article_date"' in mobile.body
    assert b'rel="canonical" href="https://www.kavkaz-uzel.eu/articles/' in mobile.body
    assert b'"datePublished"' in amp.body and b"amp-article_date" in amp.body
    assert replica.article_markups("ru", "m.kavkaz-uzel.eu") == ["ru-mobile"]
    assert replica.article_markups("ru", "amp.kavkaz-uzel.eu") == ["ru-amp"]


def test_absolute_uri_target(replica: Replica) -> None:
    a = replica.respond("GET", "", "http://www.eng.kavkaz-uzel.eu/rubric/11")
    b = replica.respond("GET", EN, "/rubric/11")
    assert a.status == 200 and a.body == b.body


def test_links_in_pages_match_truth(replica: Replica) -> None:
    checked = 0
    for record in replica.truth("en"):
        body = replica.respond("GET", EN, f"/articles/{record.article_id}").body.decode()
        for link in record.links:
            if link.kind == "original":
                assert f'href="{link.url}">click here</a>' in body
                assert record.original is not None
                ru = replica.truth_of("ru", record.original.article_id or 0)
                assert ru is not None and ru.published_at == record.original.published_at
            checked += 1
    assert checked > 50
    kinds = {link.kind for e in ("en", "ru") for r in replica.truth(e) for link in r.links}
    assert kinds == {"article", "original", "external"}
    hrefs = " ".join(
        replica.respond("GET", RU, f"/articles/{i}").body.decode() for i in replica.live_ids("ru")
    )
    assert "/articles/" in hrefs and "https://amp.kavkaz-uzel.eu/articles/" in hrefs


def test_furniture_variants_present(replica: Replica) -> None:
    records = {e: list(replica.truth(e)) for e in ("en", "ru")}
    en = records["en"]
    assert any(r.original is None for r in en) and any(r.original for r in en)
    assert any(r.photo_caption for r in en) and any(r.photo_caption is None for r in en)
    assert any(r.authors == ["The Caucasian Knot"] for r in en)
    assert any(len(r.authors) == 3 for r in en) and any(not r.authors and r.source for r in en)
    assert any(not r.authors and r.source is None for r in en)
    pages = " ".join(
        replica.respond("GET", EN, f"/articles/{r.article_id}").body.decode() for r in en
    )
    for text in (
        "\u0421K correspondent",
        "Full text of the article is available",
        "Скачайте приложение",
        "Know more? Do not be silent!",
        "LEGAL TEXTS",
        "lt-feedback_banner",
        "News archive",
        "; Source: CK",
        "ООО “МЕМО”",
        "ООО «МЕМО»",
        'ООО "МЕМО"',
        "РАСПРОСТРАНЕННЫМ",
    ):
        assert text in pages, text
    ru_pages = " ".join(
        replica.respond("GET", h, f"/articles/{r.article_id}").body.decode()
        for r in records["ru"][:60]
        for h in (RU, "m.kavkaz-uzel.eu")
    )
    for text in (
        "ДАННОЕ СООБЩЕНИЕ",
        "m-related_date",
        "Источник: корреспондент",
        "Автор:",
        'class="agent-notice"',
    ):
        assert text in ru_pages, text


def test_listing_pages_match_listing_truth(replica: Replica) -> None:
    for edition in ("en", "ru"):
        for path in replica.listing_paths(edition):
            pages = replica.listing_pages(path)
            seen: list[int] = []
            for page in range(1, pages + 1):
                truth = replica.listing_truth(path, page)
                target = path if page == 1 else f"{path}?page={page}"
                resp = replica.respond("GET", CANONICAL[edition], target)
                assert resp.status == 200
                doc = lxml.html.fromstring(resp.body)
                hrefs = [
                    a.get("href")
                    for a in doc.xpath("//a[@href]")
                    if re.fullmatch(r"/articles/\d+", a.get("href"))
                    and collapse(a.text_content())
                    and not a.xpath(
                        "ancestor-or-self::*[contains(@class, 'promo-card') or "
                        "contains(@class, 'sidebar-featured')]"
                    )
                ]
                ids = [int(h.rsplit("/", 1)[1]) for h in hrefs]
                assert ids == [item.article_id for item in truth.items], (path, page)
                text = collapse(doc.text_content())
                for item in truth.items:
                    assert item.title in text
                    # The справки rubric shows no dates (SITE.md §4.3).
                    undated = (edition, path) == ("ru", "/rubric/41")
                    assert (item.published_raw is None) == undated
                    if item.published_raw is not None:
                        assert item.published_raw in text
                    if item.lead:
                        assert item.lead in text
                    if item.photo_caption:
                        assert item.photo_caption in text
                nexts = doc.xpath("//a[@rel='next']/@href")
                if page < pages:
                    assert f"{path}?page={page + 1}" in nexts
                    assert truth.next_page == f"https://{CANONICAL[edition]}{path}?page={page + 1}"
                else:
                    assert not nexts and truth.next_page is None
                seen += ids
            assert len(seen) == len(set(seen))
            assert seen == replica.listing_ids(path)
            section = path.strip("/")
            members = [r.article_id for r in replica.truth(edition) if section in r.sections]
            assert seen == members, path
            assert len(seen) == sum(1 for r in replica.truth(edition) if section in r.sections)
    all_en = list(replica.truth("en"))
    assert any(r.lead for r in all_en) and any(r.lead is None for r in all_en)


def test_spravki_listing_has_no_dates_and_counters_before_leads(replica: Replica) -> None:
    """SITE.md §4.3: RU rubric/41 (справки) pages show no dates, on the desktop host and its
    mirrors as on AMP, and stray counters sit right before some leads ("1Рамзан…")."""
    counted = 0
    pages = replica.listing_pages("/rubric/41")
    for host in (RU, "caucasianknot.net", "amp.kavkaz-uzel.eu"):
        for page in range(1, pages + 1):
            resp = replica.respond("GET", host, f"/rubric/41?page={page}")
            text = resp.body.decode()
            assert resp.status == 200 and "/articles/" in text
            assert not any(regex.search(text) for regex, _order in _DATE_PATTERNS), (host, page)
            assert not re.search(r"\d\d\.\d\d\.\d{4}", text)
            truth = replica.listing_truth("/rubric/41", page, host)
            assert truth.items and all(i.published_at is None for i in truth.items)
            for item in truth.items:
                if item.lead:
                    counted += bool(
                        re.search(rf">\d+</span>\s*<p[^>]*>{re.escape(item.lead)}", text)
                    )
    assert counted > 0
    # The news feed keeps its dates.
    assert all(i.published_raw for i in replica.listing_truth("/articles", 1).items)


def test_listing_markups_and_end(replica: Replica) -> None:
    for markup in LISTING_MARKUPS:
        resp = replica.respond("GET", EN, "/rubric/11?page=2", markup=markup)
        assert resp.status == 200 and resp.body.count(b"/articles/") >= 20
    pages = replica.listing_pages("/rubric/11")
    empty = replica.respond("GET", EN, f"/rubric/11?page={pages + 1}")
    assert empty.status == 200 and not re.search(
        rb'href="/articles/\d+"[^>]*>[^<]', empty.body.split(b"sidebar")[0].split(b"promo")[0]
    )
    strict = Replica(ReplicaConfig(seed=7, articles=300, listing_end="404"))
    assert strict.respond("GET", EN, f"/rubric/11?page={pages + 1}").status == 404
    assert strict.respond("GET", EN, "/rubric/11?page=0").status == 404
    for listing_end, first_page in (("redirect", ""), ("redirect-page1", "?page=1")):
        moved = Replica(ReplicaConfig(seed=7, articles=300, listing_end=listing_end))
        past = moved.respond("GET", EN, f"/rubric/11?page={pages + 1}")
        location = dict(past.headers)["Location"]
        assert (past.status, location) == (302, f"http://{EN}/rubric/11{first_page}")
    assert (
        replica.respond("GET", EN, "/rubric/11?page=1").body
        == replica.respond("GET", EN, "/rubric/11").body
    )


def test_rss_is_valid(replica: Replica) -> None:
    resp = replica.respond("GET", RU, "/articles.rss")
    assert resp.status == 200 and "rss" in (resp.header("Content-Type") or "")
    root = ET.fromstring(resp.body)
    items = root.findall("./channel/item")
    truth = replica.listing_truth("/articles.rss")
    assert len(items) == len(truth.items) == 50
    for node, item in zip(items, truth.items, strict=True):
        assert node.findtext("title") == item.title
        assert node.findtext("link") == item.url
        assert node.findtext("pubDate") == item.published_raw
        assert (node.findtext("description") or None) == item.lead
        assert item.photo_caption is None  # the feed shows no photo
        assert re.fullmatch(
            r"\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d \+0[34]00", item.published_raw or ""
        )


def test_robots_default(replica: Replica) -> None:
    resp = replica.respond("GET", EN, "/robots.txt")
    assert resp.status == 200 and b"User-agent: *" in resp.body and b"Disallow" not in resp.body


def test_listing_truth_on_mobile_host_and_mixed_en_markups(replica: Replica) -> None:
    truth = replica.listing_truth("/articles", 2, host="m.kavkaz-uzel.eu", scheme="http")
    assert truth.url == "http://m.kavkaz-uzel.eu/articles?page=2"
    assert truth.next_page == "http://m.kavkaz-uzel.eu/articles?page=3"
    body = replica.respond("GET", "m.kavkaz-uzel.eu", "/articles?page=2").body.decode()
    for item in truth.items:
        assert re.fullmatch(r"\d\d:\d\d / \d\d\.\d\d\.\d{4}", item.published_raw or "")
        assert f">{item.published_raw}<" in body
    kinds = set()
    for page in range(1, replica.listing_pages("/rubric/10") + 1):
        body = replica.respond("GET", EN, f"/rubric/10?page={page}").body
        kinds.add("2025" if b"news-card" in body else "classic")
    assert kinds == {"2025", "classic"}


def test_long_read_and_weekly_review_rubrics(replica: Replica) -> None:
    """SITE.md §2, §2.1: EN rubric/20 (long reads) and rubric/23 (interviews, fewer) and the RU
    weekly review rubric/1104 («Кавказ за неделю», seen on AMP) are listings of their own."""
    assert {"/rubric/20", "/rubric/23"} <= set(replica.listing_paths("en"))
    assert "/rubric/1104" in replica.listing_paths("ru")
    members = {
        path: replica.listing_ids(path) for path in ("/rubric/20", "/rubric/23", "/rubric/1104")
    }
    assert all(members.values())
    assert set(members["/rubric/23"]) < set(members["/rubric/20"])
    en_count = len(replica.live_ids("en"))
    assert len(members["/rubric/20"]) < en_count // 5
    for host, path in (
        (EN, "/rubric/20"),
        (EN, "/rubric/23"),
        ("amp.kavkaz-uzel.eu", "/rubric/1104"),
    ):
        resp = replica.respond("GET", host, f"{path}?page=1")
        assert resp.status == 200
        shown = {int(i) for i in re.findall(rb'href="/articles/(\d+)"[^>]*>[^<]', resp.body)}
        assert set(members[path][:20]) <= shown, path
    for edition, section in (("en", "rubric/20"), ("en", "rubric/23"), ("ru", "rubric/1104")):
        listed = {r.article_id for r in replica.truth(edition) if section in r.sections}
        assert listed == set(members["/" + section])
