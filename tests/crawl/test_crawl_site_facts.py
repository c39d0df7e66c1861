"""The site facts of SITE.md §1–§2 that the crawler and the replica must both know: every host
seen serves its edition, every article URL form names the canonical article, and every listing
SITE.md names is walked by ``crawl --sections`` and served by the replica."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from crawlkit import assert_matches_truth, replica, replica_truth

from knotcrawl.crawling.options import CrawlOptions
from knotcrawl.hosts import article_ref, edition_of_host
from knotcrawl.pages import page_kind
from knotcrawl.pages.common import resolve_link
from knotcrawl.replica import LISTINGS, Replica, ReplicaConfig
from knotcrawl.spiders.base import FEEDS, SECTION_LISTINGS

# SITE.md §1, the host table: every host seen, with the edition it served.
SITE_HOSTS = {
    "www.eng.kavkaz-uzel.eu": "en",
    "eng.kavkaz-uzel.eu": "en",
    "eng.kavkaz-uzel.media": "en",
    "www.eng.kavkaz-uzel.media": "en",
    "caucasianknot.org": "en",
    "caucasianknot.info": "en",
    "www.caucasianknot.info": "en",
    "www.eng.kutest.org": "en",
    "eng.kavkaz-uzel.ru": "en",
    "www.kavkaz-uzel.eu": "ru",
    "m.kavkaz-uzel.eu": "ru",
    "amp.kavkaz-uzel.eu": "ru",
    "kavkaz-uzel.media": "ru",
    "m.kavkaz-uzel.media": "ru",
    "kavkazuzel.com": "ru",
    "caucasianknot.net": "ru",  # RU despite the English name
    "api.kutest.org": "ru",
    "www.kavkaz-uzel.ru": "ru",
}
# SITE.md §2 and §2.1: the listings seen, per edition.
SITE_LISTINGS = {
    "en": {
        "/rubric/10",
        "/rubric/11",
        "/rubric/20",
        "/rubric/23",
        "/category/3",
        "/category/5",
        "/category/8",
        "/abhazia",
        "/karachaevo",
        "/northcaucdistr",
    },
    "ru": {"/rubric/41", "/rubric/1104"},
}


@pytest.mark.parametrize(("host", "edition"), sorted(SITE_HOSTS.items()))
def test_every_host_seen_serves_its_edition(host, edition):
    assert edition_of_host(host) == edition


@pytest.mark.parametrize(("host", "edition"), sorted(SITE_HOSTS.items()))
def test_every_host_seen_names_the_canonical_article(host, edition):
    """The two id spaces are separate: /articles/63476 is a RU item on a RU host and an EN
    item on an EN one (SITE.md §1), whatever the scheme, slash, query or letter case."""
    canonical = {
        "en": "https://www.eng.kavkaz-uzel.eu/articles/63476",
        "ru": "https://www.kavkaz-uzel.eu/articles/63476",
    }[edition]
    for url in (
        f"https://{host}/articles/63476",
        f"http://{host}/articles/63476/",
        f"https://{host.upper()}/articles/63476?page=2#top",
        f"https://{host}:443/articles/63476/",
    ):
        ref = article_ref(url)
        assert ref is not None, url
        assert ref.canonical() == canonical, url


@pytest.mark.parametrize("prefix", ["m.", "amp."])
@pytest.mark.parametrize("host", ["kavkaz-uzel.eu", "kavkaz-uzel.media", "kavkazuzel.com"])
def test_mobile_and_amp_variants_of_ru_hosts_are_ru(prefix, host):
    """SITE.md §2: the `m.` and `amp.` hosts serve the same paths as the RU desktop."""
    assert edition_of_host(prefix + host) == "ru"


def test_a_service_page_is_no_article():
    """`/articles/AboutCaucasianKnot` (SITE.md §2): an article URL with no id, skipped."""
    ref = article_ref("https://www.eng.kavkaz-uzel.eu/articles/AboutCaucasianKnot")
    assert ref is not None and ref.article_id is None and ref.canonical() is None


def test_an_id_past_the_archives_integers_is_no_id():
    """A body link to `/articles/<20 digits>` (a typo) gave an id no database integer holds:
    the article that carried it failed to store, on SQLite and PostgreSQL, on every run."""
    ref = article_ref(f"https://www.eng.kavkaz-uzel.eu/articles/{2**63}")
    assert ref is not None and ref.article_id is None and ref.canonical() is None
    largest = article_ref(f"https://www.eng.kavkaz-uzel.eu/articles/{2**63 - 1}")
    assert largest is not None and largest.article_id == 2**63 - 1
    for href in (f"/articles/{2**63}", f"https://www.kavkaz-uzel.eu/articles/{2**63}"):
        link = resolve_link(href, "x", "https://www.eng.kavkaz-uzel.eu/articles/1", "en")
        assert link is not None and (link.kind, link.article_id) == ("external", None)


@pytest.mark.parametrize(
    "url",
    [
        "https://www.kavkaz-uzel.eu/blogs/16/posts/8166",
        "https://m.kavkaz-uzel.media/forum/topics/9794?page=1",
        "https://www.kavkaz-uzel.eu/articles.rss",
        "https://www.kavkaz-uzel.eu/system/uploads/article_image/image/0013/139551/x.jpg",
        "https://www.kavkaz-uzel.eu/assets/ico/hr-63567a98ba59eebda09903edeec1ff93.gif",
    ],
)
def test_pages_that_are_not_articles_name_none(url):
    assert article_ref(url) is None


@pytest.mark.parametrize("edition", ["en", "ru"])
def test_the_sections_crawl_walks_every_listing_site_md_names(edition):
    assert SITE_LISTINGS[edition] <= set(SECTION_LISTINGS[edition])


@pytest.mark.parametrize("edition", ["en", "ru"])
def test_the_replica_serves_every_listing_site_md_names(edition):
    assert SITE_LISTINGS[edition] <= set(LISTINGS[edition])
    rep = Replica(ReplicaConfig(seed=1, articles=300))
    host = {"en": "www.eng.kavkaz-uzel.eu", "ru": "www.kavkaz-uzel.eu"}[edition]
    for path in sorted(SITE_LISTINGS[edition]):
        assert rep.respond("GET", host, f"{path}?page=1").status == 200, path


# SITE.md §9: the id spans seen, oldest to newest landmark, and a later EN id seen in code.
ID_SPANS = {"en": "12424-71211,79097", "ru": "20286-420265"}


@pytest.mark.parametrize(("edition", "ids"), sorted(ID_SPANS.items()))
def test_an_id_crawl_takes_the_whole_id_span_of_an_edition(edition, ids):
    options = CrawlOptions.from_arguments("ids", {"edition": edition, "ids": ids})
    assert options.ids[0][0] == int(ids.split("-")[0])


# SITE.md §7: the feed addresses client code uses (the last two are doubtful).
FEED_URLS = (
    "https://www.kavkaz-uzel.eu/articles.rss",
    "http://www.kavkaz-uzel.ru/articles.rss/",
    "https://kavkaz-uzel.eu/rss",
    "https://www.kavkaz-uzel.eu/rss/ingushetia",
    "https://www.kavkaz-uzel.eu/articles/rss.xml",
    "https://www.kavkaz-uzel.eu/feed.rss",
)


@pytest.mark.parametrize("url", FEED_URLS)
def test_every_feed_address_is_read_as_a_feed(url):
    assert page_kind(b"<html></html>", url) == "feed"


@pytest.mark.parametrize("path", [*FEEDS["ru"], "/articles.rss/"])
def test_the_replica_serves_the_ru_feed_at_every_address_the_crawler_knows(path):
    rep = Replica(ReplicaConfig(seed=1, articles=60))
    feed = rep.respond("GET", "www.kavkaz-uzel.eu", "/articles.rss").body
    assert rep.respond("GET", "www.kavkaz-uzel.eu", path).body == feed


@pytest.mark.parametrize(
    ("edition", "base"),
    [
        ("en", "http://www.caucasianknot.info"),  # a mirror: the canonical host's bytes
        ("en", "http://eng.kavkaz-uzel.eu"),  # redirects to www.
        ("ru", "http://m.kavkaz-uzel.eu"),  # mobile markup, listings included
        ("ru", "http://amp.kavkaz-uzel.eu"),  # AMP markup
    ],
)
def test_a_sections_crawl_through_a_mirror_stores_canonical_records(workspace, edition, base):
    """SITE.md §1-§2: the same paths and ids on every host. Walked and fetched from a mirror,
    a redirecting, an `m.` or an `amp.` host, the records are the canonical host's (but for
    the date text the mobile and AMP pages print otherwise) and keep the host fetched from."""
    config = {"seed": 4, "articles": 60, "now": datetime(2026, 2, 1, tzinfo=UTC)}
    truth = replica_truth((edition,), **config)
    with replica(**config) as server:
        run = workspace.run(
            "crawl", "--sections", "--edition", edition,
            "--replica", server.proxy_url, "--base-url", f"{edition}={base}",
        )  # fmt: skip
    assert run.status == 0, run.stderr
    other_markup = frozenset({"published_raw"}) if "//m." in base or "//amp." in base else None
    with workspace.archive() as archive:
        assert_matches_truth(archive, truth, other_markup or frozenset())
        hosts = {archive.get(*key).fetched_url.split("/articles/")[0] for key in truth}
    assert hosts == {base.replace("//eng.", "//www.eng.")}
