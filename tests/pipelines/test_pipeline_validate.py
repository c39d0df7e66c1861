"""ValidatePipeline: repairs counted as fixes, contract violations dropped and recorded."""

from __future__ import annotations

import pytest
from pipekit import make_item, make_record
from scrapy.exceptions import DropItem

from knotcrawl.crawling.items import ListingSeen
from knotcrawl.pipelines.validate import ValidatePipeline


def test_valid_record_passes_with_fixes_counted(crawler, context):
    pipeline = ValidatePipeline.from_crawler(crawler)
    record = make_record(title="  Court in   Nalchik ", lead="", sections=["rubric/11", "abhazia"])
    item = make_item(record, context)
    assert pipeline.process_item(item) is item
    assert record.title == "Court in Nalchik"
    assert record.lead is None
    assert record.sections == ["abhazia", "rubric/11"]
    stats = crawler.stats.get_stats()
    assert stats["knotcrawl/fixed/title_whitespace"] == 1
    assert stats["knotcrawl/fixed/empty_lead"] == 1
    assert stats["knotcrawl/fixed/sections_order"] == 1
    assert not any(k.startswith("knotcrawl/dropped/") for k in stats)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"body": ""}, "missing_body"),
        ({"title": ""}, "missing_title"),
        ({"published_at": "17 May 2025"}, "published_at"),
        ({"url": "https://www.eng.kavkaz-uzel.eu/articles/999"}, "id_mismatch"),
        ({"url": "https://www.eng.kavkaz-uzel.eu/rubric/11"}, "url"),
        ({"edition": "de"}, "edition"),
    ],
)
def test_contract_violations_are_dropped_and_recorded(crawler, context, changes, reason):
    pipeline = ValidatePipeline.from_crawler(crawler)
    item = make_item(make_record(**changes), context)
    with pytest.raises(DropItem):
        pipeline.process_item(item)
    assert crawler.stats.get_value(f"knotcrawl/dropped/{reason}") == 1
    assert context.counts["failed"] == 1
    errors = context.archive.open_errors()
    assert [e.url for e in errors] == [item.record.fetched_url]
    assert reason in errors[0].error
    assert context.frontier.state(item.key) == "failed"


def test_other_items_pass_untouched(crawler, context):
    pipeline = ValidatePipeline.from_crawler(crawler)
    item = ListingSeen("en", "rubric/11", "http://x/rubric/11", "listing http://x/rubric/11")
    assert pipeline.process_item(item) is item
