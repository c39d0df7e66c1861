"""``knotcrawl crawl --ids 60000-60500``: enumerate article ids (gaps are recorded as gaps).

With ``--by-id --since DATE [--until DATE]`` the id bounds of the date range are found first:
the deep-archive listing pairs ids with dates, and the same page search as the date-range crawl
(:func:`knotcrawl.spiders.search.probe_step`) finds the listing pages at both ends in
O(log pages) probes. Every id between the bounds is then enumerated, so articles missing from
the listings are found too: a batch at a time, like ``--ids`` (a full site's ids are millions of
requests).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from knotcrawl.crawling.frontier import Spec
from knotcrawl.crawling.items import FetchFailed
from knotcrawl.moscow import parse_utc_iso
from knotcrawl.spiders.base import DEEP_ARCHIVE, KnotSpider, section_of
from knotcrawl.spiders.search import probe_step


class IdsSpider(KnotSpider):
    """Fetches every id in the ranges for each selected edition (ids the archive holds are
    skipped unless ``refresh``). A 404 for an id the archive does not know is a gap, not an
    error; for one it knows, the article is marked gone."""

    name = "ids"
    mode = "ids"

    def seeds(self) -> Iterator[Spec | None]:
        if self.options.ids:
            ranges = sum(hi - lo + 1 for lo, hi in self.options.ids)
            self.seeds_left = ranges * len(self.options.editions)
            for edition in self.options.editions:
                for lo, hi in self.options.ids:
                    yield from self.enumerate(edition, lo, hi)
            return
        for edition in self.options.editions:
            until = self.options.until or (self.options.current_time() + timedelta(days=1))
            path = DEEP_ARCHIVE[edition]
            for bound, moment in (("hi", until), ("lo", self.options.since)):
                assert moment is not None
                yield Spec(
                    "probe",
                    self.listing_url(edition, path, 1),
                    edition,
                    meta={
                        "path": path,
                        "page": 1,
                        "bound": bound,
                        "at": moment.isoformat(),
                        "section": section_of(path),
                    },
                )
        yield from self.ids_between_bounds()

    def resumed_seeds(self) -> Iterator[Spec | None]:
        """The ids of the ranges not enumerated before the interruption (seeds are added to
        the job in batches; those added already are not added again)."""
        if self.options.ids:
            yield from self.seeds()
        else:
            yield from self.ids_between_bounds()

    def ids_between_bounds(self) -> Iterator[Spec | None]:
        """``--by-id``: each edition's ids between its bounds, once the probes found them
        (``None`` while they search; an edition whose probes failed has none)."""
        frontier = self.context.frontier
        assert frontier is not None
        for edition in self.options.editions:
            bounds = [f"bound/{edition}/lo", f"bound/{edition}/hi"]
            while any(frontier.get_value(b) is None for b in bounds):
                yield None  # (the first time, this also gets the probes into the job)
                unknown = any(frontier.get_value(b) is None for b in bounds)
                if unknown and not frontier.has_pending("probe:"):
                    self.logger.warning("%s: the id bounds were not found", edition)
                    break
            else:
                self.clear_bound_search_errors(edition)
                lo, hi = (frontier.get_value(b) for b in bounds)
                if lo and hi and lo <= hi:
                    self.logger.info("%s: ids %s to %s are in the date range", edition, lo, hi)
                    self.seeds_left += int(hi) - int(lo) + 1
                    yield from self.enumerate(edition, int(lo), int(hi))

    def clear_bound_search_errors(self, edition: str) -> None:
        """This run found the edition's bounds: the failed bound searches of earlier runs
        (which no other run retries) are resolved."""
        for row in self.context.archive.open_errors():
            retry = row.retry or {}
            meta = retry.get("meta") or {}
            if retry.get("kind") == "probe" and "bound" in meta and row.edition == edition:
                self.context.clear_error(row.url)

    def enumerate(self, edition: str, lo: int, hi: int) -> Iterator[Spec]:
        for article_id in range(lo, hi + 1):
            self.seeds_left -= 1
            if self.options.refresh or not self.is_known(edition, article_id):
                yield self.article_spec(edition, article_id, enumerate=True)

    def parse_probe_page(self, response: Any) -> Iterator[Any]:
        spec: Spec = response.meta["spec"]
        if "bound" not in spec.meta:  # a date range's search, retried by this run
            yield from super().parse_probe_page(response)
            return
        items = self.probe_items(spec, response, "knotcrawl/ids/probes")
        if isinstance(items, FetchFailed):
            yield items
            return
        meta = dict(spec.meta)
        at = parse_utc_iso(meta["at"])
        dated = [(parse_utc_iso(i.published_at), i.article_id) for i in items if i.published_at]
        # The id nearest the bound seen on any probed page: the newest id older than --until,
        # or the oldest id not older than --since.
        if meta["bound"] == "hi":
            ids = [aid for when, aid in dated if when < at]
            best = max(ids + ([meta["best"]] if meta.get("best") is not None else []), default=None)
        else:
            ids = [aid for when, aid in dated if when >= at]
            best = min(ids + ([meta["best"]] if meta.get("best") is not None else []), default=None)
        state, found, nxt = probe_step(
            meta, int(meta["page"]), [w.timestamp() for w, _ in dated], len(items), at.timestamp()
        )
        children: list[Spec] = []
        if found is None:
            assert nxt is not None
            children.append(
                Spec(
                    "probe",
                    self.listing_url(spec.edition, meta["path"], nxt),
                    spec.edition,
                    meta={**meta, **state, "page": nxt, "best": best},
                )
            )
        else:
            # ids_between_bounds enumerates the range once both bounds are known.
            frontier = self.context.frontier
            assert frontier is not None
            frontier.set_value(f"bound/{spec.edition}/{meta['bound']}", best or 0)
        added = self.add(children)
        yield self.listing_seen(spec, items)
        for child in added:
            yield self.request(child)
