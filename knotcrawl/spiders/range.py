"""``knotcrawl crawl --since DATE --until DATE``: backfill a date range from the deep archive.

The first page of the deep archive holding items older than ``--until`` is found by the page
search of :mod:`knotcrawl.spiders.search`; from that page the walk goes on until the items are
older than ``--since``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from knotcrawl.crawling.frontier import Spec
from knotcrawl.moscow import utc_iso
from knotcrawl.spiders.base import DEEP_ARCHIVE, KnotSpider, section_of


class RangeSpider(KnotSpider):
    """The date-range backfill: its page search (``probe``) and walk (``range``) are the
    base class's, with the range in their meta, so any later run carries on a failed page."""

    name = "range"
    mode = "range"

    def seeds(self) -> Iterator[Spec]:
        bounds: dict[str, Any] = {
            "since": utc_iso(self.options.since) if self.options.since else None,
            "until": utc_iso(self.options.until) if self.options.until else None,
        }
        for edition in self.options.editions:
            path = DEEP_ARCHIVE[edition]
            if self.options.until is None:
                yield self.walk_spec(edition, path, "range", **bounds)
            else:
                yield Spec(
                    "probe",
                    self.listing_url(edition, path, 1),
                    edition,
                    meta={
                        "path": path,
                        "page": 1,
                        "lo": 0,
                        "hi": None,
                        "points": [],
                        "guard": 0,
                        "section": section_of(path),
                        **bounds,
                    },
                )
