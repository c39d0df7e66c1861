"""``knotcrawl crawl --ids 60000-60500``: enumerate article ids (gaps are recorded as gaps)."""

from __future__ import annotations

from collections.abc import Iterator

from knotcrawl.crawling.frontier import Spec
from knotcrawl.spiders.base import KnotSpider


class IdsSpider(KnotSpider):
    """Fetches every id in the ranges for each selected edition (ids the archive holds are
    skipped unless ``refresh``). A 404 for an id the archive does not know is a gap, not an
    error; for one it knows, the article is marked gone."""

    name = "ids"
    mode = "ids"

    def seeds(self) -> Iterator[Spec]:
        for edition in self.options.editions:
            for lo, hi in self.options.ids:
                for article_id in range(lo, hi + 1):
                    if self.options.refresh or not self.is_known(edition, article_id):
                        yield self.article_spec(edition, article_id, enumerate=True)
