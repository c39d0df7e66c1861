"""Layout drift (more than 5% of the article pages without a required field exits with 3) and
listing pages past the end that keep showing a promoted article."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from crawlkit import AlteredReplica, replica, summary_line

from knotcrawl.replica import Replica, ReplicaConfig

NOW = datetime(2026, 2, 1, tzinfo=UTC)
CONFIG = {"seed": 9, "articles": 60, "now": NOW}
BLANK = (
    b"<!DOCTYPE html><html><head><title>Caucasian Knot</title></head><body><div>"
    b"<p>Loading...</p></div></body></html>"
)


@dataclass
class RedesignedSite(AlteredReplica):
    """The replica, except that some article pages lost their title, date and text."""

    broken: set[str]

    def respond(self, method: str, host: str, target: str, *args: Any, **kwargs: Any) -> Any:
        response = self.replica.respond(method, host, target, *args, **kwargs)
        if urlsplit(target).path.rstrip("/") in self.broken and response.status == 200:
            response.body = BLANK
            response.headers = [
                (k, v) for k, v in response.headers if k.lower() != "content-length"
            ]
        return response


def test_layout_drift_exits_3(workspace):
    rep = Replica(ReplicaConfig(**CONFIG))
    ids = rep.live_ids("en")
    broken = {f"/articles/{i}" for i in ids[::8]}  # 12.5%
    with replica(**CONFIG) as server:
        server.replica = RedesignedSite(server.replica, broken)
        run = workspace.run("crawl", "--sections", "--edition", "en", "--replica", server.proxy_url)
    assert run.status == 3, run.stderr
    line = summary_line(run)
    assert "layout-drift=" in line
    assert run.stats["knotcrawl/drift/missing_fields"] == len(broken)
    with workspace.archive() as archive:
        assert archive.counts()["articles"] == len(ids) - len(broken)
        errors = archive.open_errors()
        assert len(errors) == len(broken)
        assert all("missing fields" in e.error for e in errors)


@dataclass
class EndlessPromo(AlteredReplica):
    """Pages past the end of /abhazia show no items, only a promoted article, for ever."""

    pages: int

    def respond(self, method: str, host: str, target: str, *args: Any, **kwargs: Any) -> Any:
        parts = urlsplit(target)
        if parts.path == "/abhazia" and parts.query.startswith("page="):
            page = int(parts.query.split("=", 1)[1])
            if page > self.pages:
                target = f"{parts.scheme}://{parts.netloc}/abhazia?page={self.pages + 1}"
        return self.replica.respond(method, host, target, *args, **kwargs)


def test_a_walk_past_the_end_stops_on_repeated_promos(workspace):
    rep = Replica(ReplicaConfig(**CONFIG))
    pages = rep.listing_pages("/abhazia", "en")
    with replica(**CONFIG) as server:
        server.replica = EndlessPromo(server.replica, pages)
        run = workspace.run("crawl", "--sections", "--edition", "en", "--replica", server.proxy_url)
    assert run.status == 0, run.stderr
    # At most two pages past the end (the promo page once, its repeat stops the walk).
    listings = sum(rep.listing_pages(p, "en") for p in rep.listing_paths("en"))
    assert run.counts["listings"] <= listings + len(rep.listing_paths("en")) + 2
