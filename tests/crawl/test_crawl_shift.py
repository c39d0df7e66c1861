"""`update` stays correct when articles published during the walk shift the pagination."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

from crawlkit import assert_matches_truth, replica, summary_line

from knotcrawl.replica import Replica, ReplicaConfig

SEED, ARTICLES = 2, 400
T0 = datetime(2025, 10, 1, tzinfo=UTC)
T1 = datetime(2025, 12, 1, tzinfo=UTC)
T2 = datetime(2026, 2, 1, tzinfo=UTC)


class ShiftingSite:
    """Answers as the replica at T1 until page 1 of /rubric/11 was served, then as at T2."""

    def __init__(self, before: Replica, after: Replica) -> None:
        self.before, self.after = before, after
        self.switched = threading.Event()
        self.now = before.now

    def respond(self, method: str, host: str, target: str, *args: Any, **kwargs: Any) -> Any:
        current = self.after if self.switched.is_set() else self.before
        response = current.respond(method, host, target, *args, **kwargs)
        if target.endswith("/rubric/11"):
            self.switched.set()
        return response

    def __getattr__(self, name: str) -> Any:
        return getattr(self.before, name)


def config(now: datetime) -> dict[str, Any]:
    return {"seed": SEED, "articles": ARTICLES, "now": now}


def test_update_while_new_articles_shift_pages(workspace):
    skip = frozenset({"sections"})
    with replica(**config(T0)) as server:
        first = workspace.run(
            "update", "--edition", "en", "--replica", server.proxy_url, "--now", T0.isoformat()
        )
        assert first.status == 0, first.stderr
    at1 = Replica(ReplicaConfig(**config(T1)))
    at2 = Replica(ReplicaConfig(**config(T2)))
    new1 = set(at1.live_ids("en")) - set(Replica(ReplicaConfig(**config(T0))).live_ids("en"))
    new2 = set(at2.live_ids("en")) - set(at1.live_ids("en"))
    assert len(new1) >= 3 and len(new2) >= 3
    with replica(**config(T1)) as server:
        site = ShiftingSite(at1, at2)
        server.replica = site
        run = workspace.run(
            "update",
            "--edition",
            "en",
            "--replica",
            server.proxy_url,
            "--now",
            T1.isoformat(),
            "--recheck-days",
            "0",
        )
    assert run.status == 0, run.stderr
    assert site.switched.is_set()
    with workspace.archive() as archive:
        # Every article new at the start of the walk was found although the pages moved
        # under it, and the walk stopped `overlap` pages after the last new one.
        assert new1 <= archive.known_ids("en")
        assert run.stats["knotcrawl/update/listing_pages"] <= -(-len(new1 | new2) // 20) + 2
    # The next run picks up what was published during the walk.
    with replica(**config(T2)) as server:
        again = workspace.run(
            "update",
            "--edition",
            "en",
            "--replica",
            server.proxy_url,
            "--now",
            T2.isoformat(),
            "--recheck-days",
            "0",
        )
    assert again.status == 0, again.stderr
    line = summary_line(again)
    assert "failed=0" in line
    with workspace.archive() as archive:
        truth = {("en", r.article_id): r for r in at2.truth("en")}
        assert_matches_truth(archive, truth, skip)
