"""``knotcrawl crawl URL|ID ...``: single articles (always fetched, even when archived)."""

from __future__ import annotations

from collections.abc import Iterator

from knotcrawl.crawling.frontier import Spec
from knotcrawl.crawling.options import resolve_target
from knotcrawl.spiders.base import KnotSpider


class ArticlesSpider(KnotSpider):
    """Fetches the given articles (URLs on any mirror, ``en:123``, or ids with one edition)
    from this run's base host or mirrors; records keep canonical URLs."""

    name = "articles"
    mode = "articles"

    def seeds(self) -> Iterator[Spec]:
        for target in self.options.targets:
            edition, article_id = resolve_target(target, self.options.editions)
            yield self.article_spec(edition, article_id, single=True)
