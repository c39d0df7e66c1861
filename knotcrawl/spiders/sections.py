"""``knotcrawl crawl --sections``: walk every rubric, category and region listing."""

from __future__ import annotations

from collections.abc import Iterator

from knotcrawl.crawling.frontier import Spec
from knotcrawl.spiders.base import SECTION_LISTINGS, KnotSpider


class SectionsSpider(KnotSpider):
    """Walks the category, rubric and region listings of each edition to the end, recording
    the section and lead of every item seen (and fetching articles the archive lacks)."""

    name = "sections"
    mode = "sections"

    def seeds(self) -> Iterator[Spec]:
        for edition in self.options.editions:
            for path in SECTION_LISTINGS[edition]:
                yield self.walk_spec(edition, path, "full")
