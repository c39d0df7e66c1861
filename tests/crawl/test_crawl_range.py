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
