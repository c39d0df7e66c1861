"""FieldLevelsPipeline: per-field cascade-level stats and the layout-drift counters."""

from __future__ import annotations

from pipekit import make_item, make_record

from knotcrawl.crawling.items import ListingSeen
from knotcrawl.pipelines.fields import FieldLevelsPipeline


def test_levels_are_counted(crawler, context):
    pipeline = FieldLevelsPipeline.from_crawler(crawler)
    levels = {
        "title": "selector",
        "published_at": "structured",
        "body": "semantic",
        "authors": "text",
    }
    pipeline.process_item(make_item(make_record(100), context, levels))
    pipeline.process_item(make_item(make_record(101), context, levels))
    stats = crawler.stats.get_stats()
    assert stats["knotcrawl/field/title/selector"] == 2
    assert stats["knotcrawl/field/published_at/structured"] == 2
    assert stats["knotcrawl/field/body/semantic"] == 2
    assert stats["knotcrawl/field/authors/text"] == 2
    assert stats["knotcrawl/articles/parsed"] == 2
    assert "knotcrawl/drift/text_only" not in stats
    assert context.counts["parsed"] == 2 and context.counts["text_only"] == 0


def test_pages_read_only_by_the_text_fallback_count_as_drift(crawler, context):
    pipeline = FieldLevelsPipeline.from_crawler(crawler)
    text_only = {"title": "text", "published": "text", "body": "text"}
    pipeline.process_item(make_item(make_record(100), context, text_only))
    assert crawler.stats.get_value("knotcrawl/field/published_at/text") == 1
    assert crawler.stats.get_value("knotcrawl/drift/text_only") == 1
    assert context.counts["text_only"] == 1
    assert context.drift_ratio() == 1.0


def test_drift_above_five_percent_exits_3(crawler, context):
    context.count("parsed", 94)
    context.count("missing_fields", 6)
    assert context.close("finished", 10).status == 3


def test_other_items_pass_untouched(crawler, context):
    pipeline = FieldLevelsPipeline.from_crawler(crawler)
    item = ListingSeen("en", None, "http://x/rubric/11", "listing http://x/rubric/11")
    assert pipeline.process_item(item) is item
    assert not crawler.stats.get_stats().get("knotcrawl/articles/parsed")
