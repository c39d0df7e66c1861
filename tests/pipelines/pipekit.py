"""Pipelines under test with a real crawler's stats, a crawl context and a SQLite archive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from scrapy.utils.test import get_crawler

from knotcrawl.crawling.context import CrawlContext, attach
from knotcrawl.crawling.frontier import Spec
from knotcrawl.crawling.items import FetchedArticle
from knotcrawl.crawling.options import CrawlOptions
from knotcrawl.record import ArticleRecord


@pytest.fixture
def crawler() -> Any:
    crawler = get_crawler()
    crawler.stats.open_spider()
    return crawler


@pytest.fixture
def context(tmp_path: Path, crawler: Any) -> Any:
    options = CrawlOptions.from_arguments(
        "articles",
        {
            "db": str(tmp_path / "archive.sqlite"),
            "job_dir": str(tmp_path / "jobs"),
            "targets": "en:100",
        },
    )
    ctx = CrawlContext(options, summary_stream=open(tmp_path / "summary.txt", "w"))  # noqa: SIM115
    ctx.open()
    attach(crawler, ctx)
    yield ctx
    if ctx.result is None:
        ctx.close("finished", 0)
    ctx.archive.close()


def make_record(article_id: int = 100, **changes: Any) -> ArticleRecord:
    values: dict[str, Any] = {
        "edition": "en",
        "article_id": article_id,
        "url": f"https://www.eng.kavkaz-uzel.eu/articles/{article_id}",
        "fetched_url": f"http://www.eng.kavkaz-uzel.eu/articles/{article_id}",
        "title": "Court in Nalchik postpones hearing",
        "published_at": "2025-05-17T15:17:00Z",
        "published_local": "2025-05-17T18:17:00+03:00",
        "published_raw": "17 May 2025, 18:17",
        "authors": ["Oleg Krasnov"],
        "source": "CK correspondent",
        "body": "First paragraph.\n\nSecond paragraph.",
        "parser_version": "test",
    }
    values.update(changes)
    return ArticleRecord(**values)


def make_item(
    record: ArticleRecord, context: Any, sources: dict[str, str] | None = None
) -> FetchedArticle:
    spec = Spec("article", record.fetched_url, record.edition, record.article_id)
    context.frontier.add([spec])
    return FetchedArticle(
        record=record,
        key=spec.key,
        status=200,
        headers={"Content-Type": "text/html; charset=utf-8"},
        body=b"<html>...</html>",
        fetched_at="2026-02-01T00:00:00.000000Z",
        sources=sources or {"title": "selector", "published_at": "selector", "body": "selector"},
    )
