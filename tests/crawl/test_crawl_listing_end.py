"""The end of a listing (SITE.md §2.2: unknown whether past the last page the site answers an
empty page or a 404): every walk reads each listing to its last page either way, and takes
neither answer for a failure."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest
from crawlkit import replica, summary_line

from knotcrawl.replica import Replica, ReplicaConfig

NOW = datetime(2026, 2, 1, tzinfo=UTC)
CONFIG = {"seed": 4, "articles": 120, "now": NOW}


@pytest.mark.parametrize("listing_end", ["empty", "404"])
def test_a_sections_crawl_reads_every_listing_to_its_end(workspace, listing_end):
    config = {**CONFIG, "listing_end": listing_end}
    rep = Replica(ReplicaConfig(**config))
    with replica(**config) as server:
        run = workspace.run("crawl", "--sections", "--edition", "en", "--replica", server.proxy_url)
    assert run.status == 0, run.stderr
    assert "failed=0" in summary_line(run)
    with workspace.archive() as archive:
        sections = {aid: archive.get("en", aid).sections for aid in rep.live_ids("en")}
    assert sections == {r.article_id: r.sections for r in rep.truth("en")}


# The depth of the real EN deep archive (SITE.md §2.2: about 2,500 pages in late 2023).
DEEP = {"seed": 4, "articles": 49000, "now": NOW}


@pytest.mark.parametrize("listing_end", ["empty", "404"])
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
