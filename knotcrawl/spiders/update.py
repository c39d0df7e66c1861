"""``knotcrawl update``: the incremental run for cron."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from knotcrawl.crawling.frontier import Spec
from knotcrawl.moscow import parse_utc_iso, utc_iso
from knotcrawl.record import ListingItem
from knotcrawl.spiders.base import ALL_NEWS, SECTION_LISTINGS, KnotSpider


class UpdateSpider(KnotSpider):
    """Walks the all-news listings from page 1 and follows every article the archive lacks
    that is not older than the archive's edge (its newest article, less the recheck window),
    stopping after ``overlap`` consecutive pages with nothing new; reads the RU RSS feed;
    re-fetches the articles published in the ``recheck_days`` days before now, before the
    last finished update or, when none finished, before the first run, whichever is earliest
    (edits become revisions, 404/410 marks them gone); retries the URLs in the crawl-errors table.

    Arguments (``-a``): edition, overlap, recheck_days, now, sections, db, proxy, replica,
    base_url, mirror, resume, job_dir.
    """

    name = "update"
    mode = "update"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._edges: dict[str, datetime | None] = {}

    def seeds(self) -> Iterator[Spec]:
        options = self.options
        now = options.current_time()
        for edition in options.editions:
            yield self.walk_spec(edition, ALL_NEWS[edition], "update", stale=0)
            feed = self.feed_spec(edition)
            if feed is not None:
                yield feed
            if options.sections:
                for path in SECTION_LISTINGS[edition]:
                    if path != ALL_NEWS[edition]:
                        yield self.walk_spec(edition, path, "full")
            if options.recheck_days > 0:
                for article_id in self.recheck_ids(edition, now):
                    yield self.article_spec(edition, article_id, recheck=True)

    def recheck_ids(self, edition: str, now: datetime) -> list[int]:
        """The articles published in the ``recheck_days`` before now, or before the last
        finished update when that is earlier (cron stopped for a while, a run that took
        long), or before the first run of the edition when no update has finished (a crawl
        fetched fresh articles before the first update): an article leaves the window only
        after a run has fetched it at least ``recheck_days`` after its publication."""
        archive = self.context.archive
        last = archive.last_update_time(edition) or archive.first_run_time(edition) or now
        since = min(now, last) - timedelta(days=self.options.recheck_days)
        return sorted(archive.ids_published_since(edition, since))

    def resumed_seeds(self) -> Iterator[Spec]:
        """A resumed update finishes its job and also does this run's work: a new round of
        the all-news walk and the feed (their pages are tagged with the round, so they are
        fetched again), the recheck at this run's time and the crawl errors (what the job
        holds already is not fetched twice). Without it a resumed run would end one run
        behind, the articles published since the interruption left for the next run."""
        round_tag = f"r{self.options.current_time().isoformat()}"
        for spec in self.seeds():
            if spec.kind == "listing" and spec.meta.get("walk") != "update":
                continue  # the job's own section walks, still under way, read every page
            if spec.kind in ("listing", "feed") or spec.meta.get("recheck"):
                # A new request of this round, not the interrupted run's (done already): the
                # recheck is at this run's time, or an edit made since that run is missed.
                spec.meta["round"] = round_tag
            yield spec
        if self.options.retry_errors:
            yield from self.error_seeds()

    def on_listing(self, spec: Spec, items: list[ListingItem]) -> list[Spec]:
        if spec.meta.get("walk") != "update":
            return super().on_listing(spec, items)  # --sections: every page, every item
        fresh = self.not_older_than_archive(spec, items)
        # New = not in the archive when the run started, not older than its edge, and not on
        # the previous page of this walk (items pushed down a page by articles published during
        # the walk are not new again). Articles queued by the feed or the recheck still count
        # as new here.
        follow = self.follow_items(spec, fresh)
        previous = set(spec.meta.get("previous", []))
        new = [s for s in follow if s.article_id not in previous]
        stale = 0 if new else int(spec.meta.get("stale", 0)) + 1
        if items and stale < self.options.overlap:
            follow.append(self.next_page(spec, stale=stale, previous=[i.article_id for i in items]))
        self.crawler.stats.inc_value("knotcrawl/update/listing_pages")
        return self.add(follow)

    def on_feed(self, spec: Spec, items: list[ListingItem]) -> list[Spec]:
        return super().on_feed(spec, self.not_older_than_archive(spec, items))

    def not_older_than_archive(self, spec: Spec, items: list[ListingItem]) -> list[ListingItem]:
        """The items of an all-news or feed page that are not older than the archive's edge
        (items without a date are kept: they cannot be told)."""
        edge = self.walk_edge(spec.edition)
        if edge is None:
            return items
        fresh = [i for i in items if not i.published_at or parse_utc_iso(i.published_at) >= edge]
        # Missing from the archive but older than it: backfilling them is crawl's work.
        skipped = [
            i for i in items if i not in fresh and not self.is_known(spec.edition, i.article_id)
        ]
        if skipped:
            self.crawler.stats.inc_value("knotcrawl/update/older_than_archive", len(skipped))
            self.context.count("older_than_archive", len(skipped))
        return fresh

    def walk_edge(self, edition: str) -> datetime | None:
        """Listing items published before this are not new to the walk: the archive's newest
        article when the job started, less the recheck window (at least a day, for articles
        that appear late in the listing). An archive filled by a short ``crawl --since`` is not
        backfilled by the next update (that is ``crawl``'s work); after weeks without runs the
        walk still goes back to the newest article the archive had. An edition without
        articles takes the newest of the other (a crawl that found none in its window); an
        empty archive has no edge: every item is new (a first update fills it). Kept in the
        job, so a resumed update keeps the edge it started with (the articles it stored
        meanwhile are newer)."""
        if edition in self._edges:
            return self._edges[edition]
        frontier = self.context.frontier
        assert frontier is not None
        name = f"edge/{edition}"
        saved = frontier.get_value(name)
        if saved is None:
            archive = self.context.archive
            newest = archive.newest_published(edition) or archive.newest_published()
            margin = timedelta(days=max(self.options.recheck_days, 1))
            saved = utc_iso(newest - margin) if newest is not None else ""
            frontier.set_value(name, saved)
        edge = parse_utc_iso(saved) if saved else None
        self._edges[edition] = edge
        return edge
