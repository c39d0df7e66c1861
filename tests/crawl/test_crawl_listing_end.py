"""The end of a listing (SITE.md §2.2: unknown whether past the last page the site answers an
empty page, a 404 or a redirect to the listing's first page): every walk reads each listing to
its last page either way, and takes none of these answers for a failure."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import pytest
from crawlkit import AlteredReplica, replica, summary_line

from knotcrawl.replica import Replica, ReplicaConfig

NOW = datetime(2026, 2, 1, tzinfo=UTC)
CONFIG = {"seed": 4, "articles": 120, "now": NOW}


ENDS = ["empty", "404", "redirect", "redirect-page1"]


@pytest.mark.parametrize("listing_end", [*ENDS, "soft-404"])
def test_a_sections_crawl_reads_every_listing_to_its_end(workspace, listing_end):
    config = {**CONFIG, "listing_end": listing_end.removeprefix("soft-")}
    rep = Replica(ReplicaConfig(**config))
    with replica(**config) as server:
        if listing_end == "soft-404":
            server.replica = SoftNotFound(server.replica)
        run = workspace.run("crawl", "--sections", "--edition", "en", "--replica", server.proxy_url)
    assert run.status == 0, run.stderr
    assert "failed=0" in summary_line(run)
    with workspace.archive() as archive:
        sections = {aid: archive.get("en", aid).sections for aid in rep.live_ids("en")}
    assert sections == {r.article_id: r.sections for r in rep.truth("en")}


# The depth of the real EN deep archive (SITE.md §2.2: about 2,500 pages in late 2023).
DEEP = {"seed": 4, "articles": 49000, "now": NOW}


@pytest.mark.parametrize("listing_end", ENDS)
def test_a_date_range_at_the_start_of_the_deep_archive_is_searched_and_walked_to_the_end(
    workspace, listing_end
):
    """The oldest items are on the last of about 2,500 pages: the page search probes past the
    end, in O(log pages) probes, and the walk reads the page after the last one."""
    config = {**DEEP, "listing_end": listing_end}
    rep = Replica(ReplicaConfig(**config))
    pages = rep.listing_pages("/rubric/10", "en")
    assert pages > 2400
    oldest = [
        item.article_id
        for page in range(pages - 20, pages + 1)
        for item in rep.listing_truth("/rubric/10", page).items
        if item.published_at and item.published_at < "2009-08-01"
    ]
    assert oldest
    with replica(**config) as server:
        run = workspace.run(
            "crawl",
            "--since",
            "2000",
            "--until",
            "2009-07",
            "--edition",
            "en",
            "--replica",
            server.proxy_url,
        )
    assert run.status == 0, run.stderr
    assert f"new={len(oldest)} " in summary_line(run)
    assert run.stats["knotcrawl/range/probes"] <= math.ceil(math.log2(pages)) + 2


@pytest.mark.parametrize("listing_end", ["redirect", "redirect-page1"])
def test_an_update_that_walks_past_the_end_into_a_redirect_to_page_1_ends_its_walk(
    workspace, listing_end
):
    """A site may say "no such page" by redirecting a page past the last one to the
    listing's first page: that ends the walk, counted, and is no failure for cron to mail
    about every hour (an update on an empty archive walks "All news" to its end)."""
    config = {**CONFIG, "listing_end": listing_end}
    args = ("update", "--edition", "en", "--now", NOW.isoformat())
    with replica(**config) as server:
        run = workspace.run(*args, "--replica", server.proxy_url)
    assert (run.status, run.stats.get("knotcrawl/listing/redirected_to_first_page")) == (0, 1), (
        run.stderr
    )


def test_a_listing_page_redirected_to_its_first_page_is_the_end_of_the_walk(workspace):
    """Counted in the stats: one per listing the sections crawl walked to its end."""
    config = {**CONFIG, "listing_end": "redirect"}
    rep = Replica(ReplicaConfig(**config))
    with replica(**config) as server:
        run = workspace.run("crawl", "--sections", "--edition", "en", "--replica", server.proxy_url)
    ended = run.stats.get("knotcrawl/listing/redirected_to_first_page")
    assert ended == len(rep.listing_paths("en")), run.stderr


@dataclass
class SoftNotFound(AlteredReplica):
    """The replica, except that its "page not found" pages answer with status 200 (a soft
    404), and that the paths in ``missing`` are not found."""

    missing: frozenset[str] = frozenset()

    def respond(self, method: str, host: str, target: str, *args: Any, **kwargs: Any) -> Any:
        if urlsplit(target).path in self.missing:
            target = "/no-such-page"
        response = self.replica.respond(method, host, target, *args, **kwargs)
        if response.status == 404:
            response.status = 200
        return response


def test_a_listing_whose_first_page_is_a_soft_404_is_a_failure(workspace):
    """The RU all-news listing `/articles` is the crawler's guess (SITE.md §4.3). A site that
    lacks it may answer its "page not found" page with status 200: that is no empty listing,
    or every update would store the feed's items only and say nothing."""
    with replica(**CONFIG) as server:
        server.replica = SoftNotFound(server.replica, frozenset({"/articles"}))
        run = workspace.run(
            "update", "--edition", "ru", "--now", NOW.isoformat(), "--replica", server.proxy_url
        )
    assert run.status == 1, run.stderr
    assert run.stats["knotcrawl/listing/missing"] == 1


CHALLENGE = (
    b"<html><head><title>Just a moment...</title></head>"
    b"<body><p>Checking your browser before accessing the site.</p></body></html>"
)


@dataclass
class Challenged(AlteredReplica):
    """The replica, except that the paths in ``challenged`` answer an anti-bot challenge
    page with status 200 (SITE.md §10.13): no error title, no items."""

    challenged: frozenset[str]

    def respond(self, method: str, host: str, target: str, *args: Any, **kwargs: Any) -> Any:
        response = self.replica.respond(method, host, target, *args, **kwargs)
        if urlsplit(target).path in self.challenged:
            response.body = CHALLENGE
        return response


def test_an_all_news_listing_whose_first_page_shows_no_articles_is_a_failure(workspace):
    """The all-news listing is never empty: a first page without items is a page the crawler
    cannot read (a challenge page), and an update that took it for an empty listing would end
    0 having stored nothing."""
    with replica(**CONFIG) as server:
        server.replica = Challenged(server.replica, frozenset({"/rubric/11"}))
        run = workspace.run(
            "update", "--edition", "en", "--now", NOW.isoformat(), "--replica", server.proxy_url
        )
    assert run.status == 1, run.stderr
    assert run.stats["knotcrawl/listing/empty_first_page"] == 1


def test_a_category_whose_first_page_shows_no_articles_is_a_warning(workspace):
    """A category or region may really be empty: the crawl says so and goes on."""
    with replica(**CONFIG) as server:
        server.replica = Challenged(server.replica, frozenset({"/category/5"}))
        run = workspace.run("crawl", "--sections", "--edition", "en", "--replica", server.proxy_url)
    assert (run.status, run.stats["knotcrawl/listing/empty_first_page"]) == (0, 1), run.stderr


@dataclass
class NoPagination(AlteredReplica):
    """The replica, except that ``paths`` ignore ``?page=``: every page is the first."""

    paths: frozenset[str]

    def respond(self, method: str, host: str, target: str, *args: Any, **kwargs: Any) -> Any:
        path = urlsplit(target).path
        return self.replica.respond(
            method, host, path if path in self.paths else target, *args, **kwargs
        )


def test_a_category_or_region_that_does_not_paginate_ends_its_walk_at_page_2(workspace):
    """SITE.md §10.4-5: whether category and region pages take `?page=` is unknown. If they
    ignore it, page 2 repeats page 1 and the walk ends there, with no failure."""
    paths = frozenset({"/category/5", "/abhazia"})
    rep = Replica(ReplicaConfig(**CONFIG))
    first_pages = {p: {i.article_id for i in rep.listing_truth(p, 1).items} for p in paths}
    with replica(**CONFIG) as server:
        server.replica = NoPagination(server.replica, paths)
        run = workspace.run("crawl", "--sections", "--edition", "en", "--replica", server.proxy_url)
    assert run.status == 0, run.stderr
    listings = sum(
        rep.listing_pages(p, "en") + 1 for p in rep.listing_paths("en") if p not in paths
    )
    assert run.counts["listings"] == listings + 2 * len(paths)
    with workspace.archive() as archive:
        for path, ids in first_pages.items():
            assert all(path.strip("/") in archive.get("en", aid).sections for aid in ids)
