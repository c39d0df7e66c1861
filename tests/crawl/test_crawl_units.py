"""Small pieces of the crawl machinery: options, frontier, probe search, Retry-After."""

from __future__ import annotations

import math
import random
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from twisted.internet.error import ConnectionDone, DNSLookupError, TimeoutError
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed

from knotcrawl.crawling.frontier import Frontier, Spec, job_key
from knotcrawl.crawling.options import CrawlOptions, parse_id_ranges
from knotcrawl.errors import UsageError
from knotcrawl.middlewares import retry_after_seconds
from knotcrawl.spiders.base import describe_failure
from knotcrawl.spiders.search import probe_step


def test_options_mirror_spider_arguments():
    opts = CrawlOptions.from_arguments(
        "update",
        {
            "edition": "en",
            "replica": "http://127.0.0.1:8080",
            "overlap": "3",
            "recheck_days": "2.5",
            "mirror": "http://eng.kavkaz-uzel.media",
        },
    )
    assert opts.editions == ("en",)
    assert opts.proxy == "http://127.0.0.1:8080" and opts.replica
    assert opts.base["en"] == "http://www.eng.kavkaz-uzel.eu"
    assert opts.fetch_bases("en") == [
        "http://www.eng.kavkaz-uzel.eu",
        "http://eng.kavkaz-uzel.media",
    ]
    assert (opts.overlap, opts.recheck_days) == (3, 2.5)
    real = CrawlOptions.from_arguments("update", {"base_url": "ru=https://kavkazuzel.com"})
    assert real.base == {"en": "https://www.eng.kavkaz-uzel.eu", "ru": "https://kavkazuzel.com"}
    assert real.proxy is None


@pytest.mark.parametrize(
    ("mode", "args"),
    [
        ("update", {"edition": "de"}),
        ("update", {"overlap": "0"}),
        ("update", {"mirror": "http://example.org"}),
        ("range", {}),
        ("range", {"since": "2020-01-05", "until": "2020-01-01"}),
        ("ids", {"ids": "5-3"}),
        ("articles", {"targets": "123"}),
        ("update", {"surprise": "1"}),
    ],
)
def test_bad_options_are_usage_errors(mode, args):
    with pytest.raises(UsageError):
        CrawlOptions.from_arguments(mode, args)


def _utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("since", "until", "start", "end"),
    [
        ("2020-01-05", "2020-01-05", _utc(2020, 1, 5), _utc(2020, 1, 6)),
        ("2020", "2020", _utc(2020, 1, 1), _utc(2021, 1, 1)),
        ("2020-02", "2020-02", _utc(2020, 2, 1), _utc(2020, 3, 1)),
        ("2020-01-05T10:00+03:00", "2020-01-05T12:00", _utc(2020, 1, 5, 7), _utc(2020, 1, 5, 12)),
    ],
)
def test_crawl_dates_are_read_as_every_command_reads_them(since, until, start, end):
    """`crawl --since 2020` as `list --since 2020`: a year or month is the whole period."""
    options = CrawlOptions.from_arguments("range", {"since": since, "until": until})
    assert (options.since, options.until) == (start, end)


def test_bad_crawl_date_names_its_option():
    with pytest.raises(UsageError, match="--since: not a date '2020-13'"):
        CrawlOptions.from_arguments("range", {"since": "2020-13"})


def test_ids():
    assert parse_id_ranges("60000-60002, 61000") == [(60000, 60002), (61000, 61000)]


def test_job_key_depends_on_mode_arguments_and_database():
    a = job_key("update", {"editions": ["en"]}, "db1")
    assert a == job_key("update", {"editions": ["en"]}, "db1")
    assert a != job_key("update", {"editions": ["ru"]}, "db1")
    assert a != job_key("update", {"editions": ["en"]}, "db2")


def test_frontier_dedupes_persists_and_removes(tmp_path):
    path = tmp_path / "job.sqlite"
    frontier = Frontier(path)
    assert not frontier.resumed
    one = Spec("article", "http://h/articles/1", "en", 1, {"listed": True})
    two = Spec("listing", "http://h/rubric/11", "en", meta={"page": 1})
    assert frontier.add([one, two]) == [one, two]
    assert frontier.add([one]) == []
    frontier.mark(one.key)
    frontier.add_context([("en", 5, "abhazia", "Lead"), ("en", 5, "rubric/11", None)])
    frontier.add_context([("ru", 6, "rubric/2", None)])
    frontier.close()
    again = Frontier(path)
    assert again.resumed
    assert [s.key for s in again.pending()] == [two.key]
    assert again.article_ids("en") == {1}
    assert again.saved_context([("en", 5), ("en", 7)]) == {
        ("en", 5): (["abhazia", "rubric/11"], "Lead")
    }
    # Kept until the archive has the article: a failed write or a crash loses nothing.
    assert again.saved_context([("en", 5)]) == {("en", 5): (["abhazia", "rubric/11"], "Lead")}
    again.mark_stored([two.key], [("en", 5)])
    assert list(again.pending()) == []
    assert again.saved_context([("en", 5), ("ru", 6)]) == {("ru", 6): (["rubric/2"], None)}
    again.remove()
    assert not path.exists()


def test_an_article_robots_txt_still_refuses_keeps_its_listing_context_in_crawl_errors(tmp_path):
    """A standing refusal is no failure of the run (a resumed job does not count it), but its
    crawl-errors row gets the sections read after it, as a failed article's does."""
    frontier = Frontier(tmp_path / "job.sqlite")
    failed, refused = (Spec("article", f"http://h/articles/{n}", "en", n) for n in (1, 2))
    frontier.add([failed, refused])
    frontier.mark(failed.key, "failed")
    frontier.mark(refused.key, "refused")
    assert (frontier.count("failed"), sorted(key for key, _ in frontier.failed_articles())) == (
        1,
        sorted([failed.key, refused.key]),
    )
    frontier.close()


def test_a_full_job_disk_is_named_and_the_job_stays_whole(tmp_path):
    """On a full disk SQLite rolls the transaction back itself: the error is "database or
    disk is full" (what docs/crawling.md promises), not "cannot rollback - no transaction is
    active", and the job holds what it held before."""
    frontier = Frontier(tmp_path / "job.sqlite")
    first = Spec("article", "http://h/articles/1", "en", 1, {})
    frontier.add([first])
    frontier._db.execute("PRAGMA max_page_count = 12")  # a disk with room for a few pages
    many = [
        Spec("article", f"http://h/articles/{i}?{'x' * 400}", "en", i, {}) for i in range(2, 3000)
    ]
    with pytest.raises(sqlite3.OperationalError, match="database or disk is full"):
        frontier.add(many)
    with pytest.raises(sqlite3.OperationalError, match="database or disk is full"):
        frontier.add_context([("en", i, "rubric/11", "x" * 400) for i in range(3000)])
    assert not frontier._db.in_transaction
    assert [s.key for s in frontier.pending()] == [first.key]
    frontier.close()


def _simulate(pages: int, per_page: int, until_page: int, skew: float, seed: int) -> int:
    """Probes choose_probe needs on a listing of `pages` pages whose publication rate varies
    by `skew`; the answer is the first page holding items older than `until`."""
    rng = random.Random(seed)
    start = datetime(2026, 1, 1, tzinfo=UTC).timestamp()
    times, t = [], start
    for i in range(pages * per_page):
        rate = 1 + skew * math.sin(i / 50.0)
        t -= rng.expovariate(1 / 3600.0) * rate
        times.append(t)
    page_of = lambda p: times[(p - 1) * per_page : p * per_page]  # noqa: E731
    until = (page_of(until_page)[0] + page_of(until_page)[-1]) / 2
    state: dict = {}
    probes, page = 0, 1
    while True:
        probes += 1
        items = page_of(page) if page <= pages else []
        state, found, page = probe_step(state, page, items, len(items), until)
        if found is not None:
            assert found == until_page
            return probes


@pytest.mark.parametrize("skew", [0.0, 0.5, 0.9])
def test_probe_search_is_logarithmic(skew):
    for seed, (pages, target) in enumerate(
        [(40, 17), (500, 3), (2500, 1200), (2500, 2400), (1000, 999), (300, 1)]
    ):
        probes = _simulate(pages, 20, target, skew, seed)
        assert probes <= math.ceil(math.log2(pages)) + 3, (pages, target, probes)


def test_retry_after():
    assert retry_after_seconds(b"7") == 7.0
    now = datetime(2026, 2, 1, tzinfo=UTC)
    later = (now + timedelta(seconds=30)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert retry_after_seconds(later, now=now) == 30.0
    assert retry_after_seconds(b"soon") is None
    assert retry_after_seconds(None) is None


@pytest.mark.parametrize(
    ("setting", "env", "tty", "shown"),
    [
        (None, None, False, False),  # cron: nothing
        (None, None, True, True),  # a terminal
        (None, "off", True, False),
        (None, "on", False, True),
        ("off", "on", True, False),  # the crawl's -s setting wins over the environment
        ("on", "off", False, True),
        ("auto", "on", False, True),
    ],
)
def test_progress_line_is_for_terminals_unless_told(monkeypatch, setting, env, tty, shown):
    import io

    from knotcrawl.terminal import progress_stream

    stream = io.StringIO()
    stream.isatty = lambda: tty  # type: ignore[method-assign]
    monkeypatch.setattr("sys.stderr", stream)
    if env is None:
        monkeypatch.delenv("KNOTCRAWL_PROGRESS", raising=False)
    else:
        monkeypatch.setenv("KNOTCRAWL_PROGRESS", env)
    assert (progress_stream(setting) is stream) == shown


def test_live_line_rewrites_in_place_and_clears():
    import io

    from knotcrawl.terminal import LiveLine, eta

    stream = io.StringIO()
    line = LiveLine(stream)
    line.show("pages 10 | ETA 1:05")
    line.show("pages 12")  # shorter: padded over the old text
    line.clear()
    assert stream.getvalue() == (
        "\rpages 10 | ETA 1:05" + "\rpages 12" + " " * 11 + "\r" + " " * 19 + "\r"
    )
    assert (eta(65.9), eta(0), eta(3600)) == ("1:05", "0:00", "60:00")


def test_log_messages_and_the_summary_never_share_the_progress_line(tmp_path, monkeypatch):
    import io
    import logging

    from knotcrawl.crawling import runner
    from knotcrawl.crawling.context import CrawlContext
    from knotcrawl.crawling.options import CrawlOptions
    from knotcrawl.terminal import LiveLine

    terminal = io.StringIO()
    monkeypatch.setattr(runner.sys, "stderr", terminal)
    monkeypatch.setattr(terminal, "isatty", lambda: True, raising=False)
    runner.setup_logging({"LOG_LEVEL": "INFO"}, tmp_path / "logs")
    line = LiveLine(terminal)
    line.show("pages 10 | ETA 1:05")
    logging.getLogger("knotcrawl.test").error("Gave up retrying")
    assert terminal.getvalue().endswith("\r" + " " * 19 + "\rERROR: Gave up retrying\n")

    line.show("pages 12 | ETA 0:01")
    options = CrawlOptions.from_arguments(
        "articles",
        {"db": str(tmp_path / "a.sqlite"), "job_dir": str(tmp_path / "jobs"), "targets": "en:1"},
    )
    context = CrawlContext(options, summary_stream=terminal).open()
    context.close("finished", 0)
    context.archive.close()
    shown = terminal.getvalue()
    summary_at = shown.rindex("knotcrawl articles: new=0 ")
    assert shown[:summary_at].endswith("\r" + " " * 19 + "\r")
    for handler in list(logging.getLogger().handlers):
        if getattr(handler, "_knotcrawl", False):
            logging.getLogger().removeHandler(handler)
            handler.close()


def test_progress_eta_counts_the_ids_not_in_the_job_yet(tmp_path, monkeypatch):
    """An id range enters the job a batch at a time: the ETA covers the whole range."""
    import io
    from types import SimpleNamespace

    from knotcrawl.crawling import progress
    from knotcrawl.crawling.context import attach
    from knotcrawl.crawling.frontier import Frontier, Spec

    frontier = Frontier(tmp_path / "job.sqlite")
    frontier.add(Spec("article", f"https://x/articles/{n}", "en", n) for n in range(100))
    stats = {"downloader/request_count": 100, "response_received_count": 100}

    class Crawler:  # (contexts are kept by weak reference to their crawler)
        pass

    crawler = Crawler()
    crawler.stats = SimpleNamespace(get_value=lambda key, default=None: stats.get(key, default))
    crawler.spider = SimpleNamespace(seeds_left=5900)
    attach(crawler, SimpleNamespace(counts={"new": 90}, frontier=frontier))
    line = progress.ProgressLine(crawler, io.StringIO())
    monkeypatch.setattr(progress.time, "monotonic", lambda: line.started + 10)  # 10 req/s
    assert line.line().endswith("| 10.0 req/s | queued 6000 | ETA 10:00")
    frontier.close()


def test_ids_spider_counts_the_ids_it_has_not_enumerated_yet():
    from knotcrawl.crawling.options import CrawlOptions
    from knotcrawl.spiders.ids import IdsSpider

    spider = IdsSpider.__new__(IdsSpider)  # seeds() needs only the options and known ids
    spider.options = CrawlOptions.from_arguments(
        "ids", {"ids": "1-10,21-30", "edition": "all", "replica": "http://127.0.0.1:9"}
    )
    spider.known = {"en": {5}, "ru": set()}
    seeds = spider.seeds()
    first = [next(seeds) for _ in range(3)]
    assert [spec.article_id for spec in first] == [1, 2, 3]
    assert spider.seeds_left == 40 - 3
    rest = list(seeds)
    assert (len(first) + len(rest), spider.seeds_left) == (39, 0)  # en 5 is known


def _scrapy_download_failure(error: Exception) -> Failure:
    """``error`` as Scrapy 2.19's download handler hands it on (wrapped in its own types)."""
    from scrapy.utils._download_handlers import wrap_twisted_exceptions

    try:
        with wrap_twisted_exceptions():
            raise error
    except Exception:
        return Failure()
    raise AssertionError("not wrapped")


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (TimeoutError("getting http://x/ took longer than 60.0 seconds"), "timeout"),
        (DNSLookupError("no such host"), "dns"),
    ],
)
def test_download_failures_keep_their_reason_under_scrapys_wrappers(
    error: Exception, reason: str
) -> None:
    """Scrapy 2.19 wraps a timeout as DownloadTimeoutError and a DNS failure as
    CannotResolveHostError: still counted as ``knotcrawl/failed/timeout`` and ``…/dns``."""
    assert describe_failure(_scrapy_download_failure(error))[0] == reason


def test_a_dropped_connection_is_described_by_its_cause() -> None:
    """ResponseFailed wraps Twisted Failures: the crawl-errors table said
    "[<twisted.python.failure.Failure twisted.internet.error.ConnectionDone: …>]"."""
    failure = _scrapy_download_failure(ResponseFailed([Failure(ConnectionDone())]))
    assert describe_failure(failure)[1] == (
        "DownloadFailedError: ConnectionDone: Connection was closed cleanly."
    )
