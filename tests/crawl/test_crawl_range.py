"""A date-range backfill matches the truth for the range with O(log pages) probes."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest
from crawlkit import assert_matches_truth, replica, summary_line

from knotcrawl.replica import Replica, ReplicaConfig

NOW = datetime(2026, 2, 1, tzinfo=UTC)
CONFIG = {"seed": 2, "articles": 600, "now": NOW}
DEEP = {"en": "/rubric/10", "ru": "/articles"}


@pytest.mark.parametrize(
    ("since", "until"), [("2016-03-01", "2016-09-30"), ("2025-06-01", "2026-01-31")]
)
def test_range_backfill(workspace, since, until):
    rep = Replica(ReplicaConfig(**CONFIG))
    lo = datetime.fromisoformat(since).replace(tzinfo=UTC)
    hi = datetime.fromisoformat(until).replace(tzinfo=UTC).timestamp() + 86400
    truth = {
        (r.edition, r.article_id): r
        for ed in ("en", "ru")
        for r in rep.truth(ed)
        if lo.timestamp() <= _ts(r.published_at) < hi
    }
    assert truth
    with replica(**CONFIG) as server:
        run = workspace.run(
            "crawl", "--replica", server.proxy_url, "--since", since, "--until", until
        )
    assert run.status == 0, run.stderr
    assert f"new={len(truth)} " in summary_line(run)
    # Sections: a range walk sees the deep-archive listing only.
    with workspace.archive() as archive:
        assert_matches_truth(archive, truth, frozenset({"sections"}))
        assert archive.counts()["articles"] == len(truth)
        for edition, article_id in truth:
            assert archive.get(edition, article_id).sections == [DEEP[edition].strip("/")]
    pages = sum(rep.listing_pages(DEEP[ed], ed) for ed in ("en", "ru"))
    bound = sum(math.ceil(math.log2(rep.listing_pages(DEEP[ed], ed))) + 2 for ed in ("en", "ru"))
    probes = run.stats["knotcrawl/range/probes"]
    assert probes <= bound, (probes, bound, pages)


def _ts(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


@pytest.mark.parametrize("failing", ["search", "walk"])
def test_a_failed_page_of_a_range_is_carried_on_by_a_later_run_of_another_mode(workspace, failing):
    """A page of the date search or of the walk fails for good: the next run, whatever its
    mode, carries the search or the walk on (the range is in the failed page's meta), instead
    of fetching the page alone and calling the error resolved."""
    rep = Replica(ReplicaConfig(**CONFIG))
    since, until = "2015-01-01", "2016-12-31"
    lo = datetime.fromisoformat(since).replace(tzinfo=UTC).timestamp()
    hi = datetime.fromisoformat(until).replace(tzinfo=UTC).timestamp() + 86400
    truth = {("en", r.article_id): r for r in rep.truth("en") if lo <= _ts(r.published_at) < hi}
    pages = [rep.listing_truth("/rubric/10", n).items for n in range(1, 60)]
    first = next(n for n, items in enumerate(pages, 1) if min(map(_item_ts, items)) < hi)
    # The search's first probe, or the walk's second page (the search never reads it here).
    failed = "/rubric/10" if failing == "search" else f"/rubric/10?page={first + 1}"
    assert min(map(_item_ts, pages[first])) >= lo  # the range goes on past that page
    with replica(**CONFIG, faults=[failed.replace("=", "?") + "=503"]) as server:
        args = ("crawl", "--edition", "en", "--replica", server.proxy_url)
        run = workspace.run(*args, "--since", since, "--until", until)
    assert run.status == 1, run.stderr
    with workspace.archive() as archive:
        (error,) = archive.open_errors()
    assert error.url.endswith(failed)
    assert error.retry["meta"]["until"] == "2017-01-01T00:00:00Z"
    assert (error.retry.get("kind"), error.retry["meta"].get("walk")) == (
        ("probe", None) if failing == "search" else (None, "range")
    )
    # A one-id crawl retries the crawl errors too: it carries the range on.
    some_id = min(rep.live_ids("en"))
    with replica(**CONFIG) as server:
        again = workspace.run(
            "crawl", "--edition", "en", "--replica", server.proxy_url, "--ids", str(some_id)
        )
    assert again.status == 0, again.stderr
    with workspace.archive() as archive:
        assert not archive.open_errors()
        assert_matches_truth(archive, truth, frozenset({"sections"}))
        assert archive.known_ids("en") == {aid for _, aid in truth} | {some_id}


def _item_ts(item) -> float:
    return _ts(item.published_at)
