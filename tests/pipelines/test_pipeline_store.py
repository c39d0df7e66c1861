"""StorePipeline: archive writes and frontier marks in one step."""

from __future__ import annotations

from pipekit import make_item, make_record
from sqlalchemy.exc import OperationalError
from twisted.internet.defer import Deferred, succeed

from knotcrawl.crawling.frontier import Spec
from knotcrawl.crawling.items import ArticleGone, FetchFailed, IdGap, ListingEntry, ListingSeen
from knotcrawl.pipelines.store import StorePipeline


def _listing(context, section, entries):
    spec = Spec("listing", f"http://www.eng.kavkaz-uzel.eu/{section}", "en")
    context.frontier.add([spec])
    return ListingSeen("en", section, spec.url, spec.key, entries)


def test_articles_are_written_in_batches_then_marked_done(crawler, context):
    pipeline = StorePipeline.from_crawler(crawler)
    items = [make_item(make_record(100 + i), context) for i in range(3)]
    for item in items:
        pipeline.process_item(item)
    # Waiting in the batch: not stored, not done (a crash now loses nothing: still pending).
    assert not context.archive.has("en", 100)
    assert {context.frontier.state(i.key) for i in items} == {"pending"}
    pipeline.close_spider()
    assert all(context.archive.has("en", 100 + i) for i in range(3))
    assert {context.frontier.state(i.key) for i in items} == {"done"}
    assert crawler.stats.get_value("knotcrawl/stored/new") == 3


def test_a_full_batch_is_written_at_once(crawler, context):
    pipeline = StorePipeline.from_crawler(crawler)
    pipeline.batch = 2
    pipeline.process_item(make_item(make_record(100), context))
    assert not context.archive.has("en", 100)
    pipeline.process_item(make_item(make_record(101), context))
    assert context.archive.has("en", 100) and context.archive.has("en", 101)


def test_new_unchanged_updated(crawler, context):
    pipeline = StorePipeline.from_crawler(crawler)
    item = make_item(make_record(100), context)
    pipeline.process_item(item)
    pipeline.flush()
    assert context.frontier.state(item.key) == "done"
    # The same article twice in a batch: the first is written before the second waits.
    pipeline.process_item(make_item(make_record(100), context))
    pipeline.process_item(make_item(make_record(100, body="Edited."), context))
    pipeline.flush()
    stats = crawler.stats.get_stats()
    assert stats["knotcrawl/stored/new"] == 1
    assert stats["knotcrawl/stored/unchanged"] == 1
    assert stats["knotcrawl/stored/updated"] == 1
    assert context.counts["new"] == context.counts["updated"] == 1
    assert len(context.archive.revisions("en", 100)) == 1
    assert context.archive.raw_page("en", 100).body == b"<html>...</html>"


def test_listing_context_before_and_after_the_article_is_stored(crawler, context):
    pipeline = StorePipeline.from_crawler(crawler)
    # Seen on a listing before the article was stored: kept in the frontier, applied on store.
    pipeline.process_item(_listing(context, "category/3", [ListingEntry(100, "A lead.")]))
    pipeline.process_item(make_item(make_record(100, sections=["rubric/11"]), context))
    # Seen while the article waits in the batch: kept in the frontier too, applied on store.
    pipeline.process_item(_listing(context, "rubric/10", [ListingEntry(100, None)]))
    pipeline.flush()
    record = context.archive.get("en", 100)
    assert record.sections == ["category/3", "rubric/10", "rubric/11"]
    assert record.lead == "A lead."
    # Seen after: straight into the archive.
    pipeline.process_item(_listing(context, "abhazia", [ListingEntry(100, None)]))
    assert context.archive.get("en", 100).sections == [
        "abhazia",
        "category/3",
        "rubric/10",
        "rubric/11",
    ]
    assert crawler.stats.get_value("knotcrawl/listing_context") == 3
    assert context.counts["listings"] == 3


def test_gone_gap_and_failure(crawler, context):
    pipeline = StorePipeline.from_crawler(crawler)
    pipeline.process_item(make_item(make_record(100), context))
    pipeline.process_item(ArticleGone("en", 100, 410, "article x/100"))  # flushes 100 first
    pipeline.process_item(ArticleGone("en", 101, 404, "article x/101"))  # never archived
    pipeline.process_item(IdGap("en", 102, 404, "article x/102"))
    pipeline.process_item(
        FetchFailed(
            "http://www.eng.kavkaz-uzel.eu/articles/103",
            "HTTP 503",
            "en",
            103,
            "article x/103",
            "http_503",
        )
    )
    archive = context.archive
    assert archive.is_gone("en", 100)
    assert archive.gap_ids("en") == {101, 102}
    assert [e.url for e in archive.open_errors()] == ["http://www.eng.kavkaz-uzel.eu/articles/103"]
    stats = crawler.stats.get_stats()
    assert stats["knotcrawl/gone"] == 1
    assert stats["knotcrawl/gaps"] == 2
    assert stats["knotcrawl/failed/http_503"] == 1
    assert context.counts["failed"] == 1 and context.counts["gone"] == 1


def test_a_stored_article_clears_its_error(crawler, context):
    pipeline = StorePipeline.from_crawler(crawler)
    item = make_item(make_record(100), context)
    context.record_error(item.record.fetched_url, "HTTP 503", "en", 100)
    pipeline.process_item(item)
    pipeline.flush()
    assert not context.archive.open_errors()


class _Engine:
    """What ``stop_crawl`` needs of Scrapy's engine: the spider and a way to close it (here
    a Deferred already fired: these tests run without a reactor)."""

    spider = object()

    def __init__(self) -> None:
        self.reasons: list[str] = []

    def close_spider_async(self, *, reason: str = "cancelled") -> Deferred[None]:
        self.reasons.append(reason)
        return succeed(None)


def _full(*args, **kwargs):
    raise OperationalError("INSERT ...", {}, Exception("database or disk is full"))


def test_a_failed_write_stops_the_crawl_and_loses_nothing(crawler, context, monkeypatch):
    crawler.engine = _Engine()
    pipeline = StorePipeline.from_crawler(crawler)
    first = make_item(make_record(100), context)
    pipeline.process_item(first)
    # A listing seen while the article waits in the batch.
    listing = _listing(context, "rubric/10", [ListingEntry(100, "A lead.")])
    pipeline.process_item(listing)

    monkeypatch.setattr(context.archive, "store_many", _full)
    pipeline.flush()  # as the timer calls it: nothing escapes
    assert context.fatal == "cannot store the crawl: database or disk is full"
    assert crawler.engine.reasons == ["storage_error"]
    assert crawler.stats.get_value("knotcrawl/storage_error") == 1
    # The article is still pending, and the listing's section and lead wait for it.
    assert context.frontier.state(first.key) == "pending"
    assert context.frontier.saved_context([("en", 100)]) == {
        ("en", 100): (["rubric/10"], "A lead.")
    }
    # Nothing more is written or marked, and the crawl does not count as finished.
    later = make_item(make_record(101), context)
    pipeline.process_item(later)
    pipeline.close_spider()
    assert crawler.engine.reasons == ["storage_error"]
    assert context.frontier.state(later.key) == "pending"
    result = context.close("finished", 3)
    assert result.status == 1
    assert result.summary.endswith(
        "stopped: cannot store the crawl: database or disk is full (run again to resume)"
    )
    assert context.frontier.path.exists()  # kept for the next run


def test_the_next_run_applies_the_kept_listing_context(crawler, context, monkeypatch):
    crawler.engine = _Engine()
    pipeline = StorePipeline.from_crawler(crawler)
    pipeline.process_item(make_item(make_record(100), context))
    pipeline.process_item(_listing(context, "rubric/10", [ListingEntry(100, "A lead.")]))
    with monkeypatch.context() as patch:
        patch.setattr(context.archive, "store_many", _full)
        pipeline.flush()
    # The resumed run fetches the article again; the section and lead are applied then.
    context.fatal = None
    again = make_item(make_record(100), context)
    pipeline.process_item(again)
    pipeline.flush()
    record = context.archive.get("en", 100)
    assert record.sections == ["rubric/10"] and record.lead == "A lead."
    assert context.frontier.state(again.key) == "done"
    assert context.frontier.saved_context([("en", 100)]) == {}


def test_a_failed_listing_write_stops_the_crawl(crawler, context, monkeypatch):
    crawler.engine = _Engine()
    pipeline = StorePipeline.from_crawler(crawler)

    def broken(*args, **kwargs):
        raise OperationalError("UPDATE ...", {}, Exception("disk I/O error"))

    monkeypatch.setattr(context.archive, "add_listing_contexts", broken)
    listing = _listing(context, "rubric/10", [ListingEntry(100, None)])
    assert pipeline.process_item(listing) is listing
    assert context.fatal == "cannot store the crawl: disk I/O error"
    assert context.frontier.state(listing.key) == "pending"
    assert crawler.engine.reasons == ["storage_error"]


def test_a_page_stored_by_an_older_parser_is_reextracted_not_edited(crawler, context):
    """After a parser upgrade, a refetched page that did not change is no edit: the record
    is rewritten in place, the run counts it unchanged and the stats count it reextracted."""
    from dataclasses import replace

    from knotcrawl.crawling.items import FetchedArticle
    from knotcrawl.pages import PARSER_VERSION, parse_article
    from knotcrawl.record import content_hash
    from knotcrawl.replica import Replica, ReplicaConfig

    rep = Replica(ReplicaConfig(seed=1, articles=50))
    truth = next(iter(rep.truth("en")))
    page = rep.respond("GET", "www.eng.kavkaz-uzel.eu", f"/articles/{truth.article_id}").body
    current = parse_article(page, truth.url)
    body = current.body + "\n\nKnow more? Do not be silent!"  # what an older parser kept
    older = replace(
        current, body=body, content_hash=content_hash(current.title, body), parser_version="0.9"
    )
    pipeline = StorePipeline.from_crawler(crawler)
    for record in (older, current):
        spec = Spec("article", f"{truth.url}?{record.parser_version}", "en", truth.article_id)
        context.frontier.add([spec])
        item = FetchedArticle(record, spec.key, 200, {}, page, "2026-02-01T00:00:00.000000Z", {})
        pipeline.process_item(item)
        pipeline.flush()
    stats = crawler.stats.get_stats()
    assert (stats["knotcrawl/stored/new"], stats["knotcrawl/stored/reextracted"]) == (1, 1)
    assert "knotcrawl/stored/updated" not in stats
    assert (context.counts["unchanged"], context.counts["updated"]) == (1, 0)
    assert context.archive.revisions("en", truth.article_id) == []
    stored = context.archive.get("en", truth.article_id)
    assert (stored.body, stored.parser_version) == (current.body, PARSER_VERSION)
