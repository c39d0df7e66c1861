"""What a failure leaves for the next run: a listing page that failed inside a walk carries
the walk on when retried, an article that failed gets the sections and lead the failed run saw,
and a resumed job still counts the failures from before its interruption (without fetching
them again)."""

from __future__ import annotations

import io
import signal
import time
from collections import Counter
from datetime import UTC, datetime
from urllib.parse import urlsplit

from crawlkit import (
    assert_matches_truth,
    read_job,
    replica,
    replica_truth,
    summary_line,
    wait_for,
)

from knotcrawl.crawling.context import CrawlContext
from knotcrawl.crawling.frontier import Spec
from knotcrawl.crawling.options import CrawlOptions
from knotcrawl.replica import Replica, ReplicaConfig

NOW = datetime(2026, 2, 1, tzinfo=UTC)
CONFIG = {"seed": 12, "articles": 80, "now": NOW}


def _newest_en(truth: dict[tuple[str, int], object]) -> int:
    return max(article_id for edition, article_id in truth if edition == "en")


def test_a_retry_carries_the_walk_on_and_gives_the_failed_article_its_sections(workspace):
    truth = replica_truth(**CONFIG)
    failing = _newest_en(truth)
    faults = ["/rubric/11?page?2=500", f"/articles/{failing}=500"]
    args = ("--now", NOW.isoformat(), "-s", "RETRY_TIMES=0")
    with replica(**CONFIG, faults=faults) as server:
        first = workspace.run("crawl", "--sections", "--replica", server.proxy_url, *args)
    assert first.status == 1, first.stderr
    with workspace.archive() as archive:
        errors = archive.open_errors()
    retry = {err.url.split("/", 3)[3]: err.retry for err in errors}
    assert f"failed={len(errors)} " in summary_line(first)
    # One stderr line says why, so that a cron mail explains the exit status.
    assert f"{len(errors)} URLs failed ({len(errors)} HTTP 500); they are in the" in first.stderr
    # "All news" page 2 of each edition, and the article.
    assert sorted(retry) == [f"articles/{failing}", "rubric/11?page=2"], retry
    listed = truth[("en", failing)]
    want = {"sections": sorted(listed.sections)}
    if listed.lead:
        want["lead"] = listed.lead
    assert retry[f"articles/{failing}"] == want
    assert retry["rubric/11?page=2"]["meta"]["walk"] == "full"

    # The next run is an update: it walks "All news" only until known articles, and reads no
    # category or region listing. Only what the failures left can complete the archive.
    with replica(**CONFIG) as server:
        again = workspace.run("update", "--replica", server.proxy_url, *args)
    assert again.status == 0, again.stderr
    with workspace.archive() as archive:
        assert not archive.open_errors()
        assert_matches_truth(archive, truth)  # sections and leads included


def test_a_resumed_job_counts_the_failures_from_before_it_was_interrupted(tmp_path):
    options = CrawlOptions.from_arguments(
        "articles",
        {"db": str(tmp_path / "a.sqlite"), "job_dir": str(tmp_path / "jobs"), "targets": "en:1"},
    )
    first = CrawlContext(options, summary_stream=io.StringIO()).open()
    assert first.frontier is not None
    specs = [
        Spec("article", f"http://www.eng.kavkaz-uzel.eu/articles/{n}", "en", n) for n in (1, 2)
    ]
    first.frontier.add(specs)
    first.fail(specs[0].key, specs[0].url, "HTTP 500", "en", 1)
    assert first.close("shutdown", 2).status == 130  # interrupted: the job is kept

    summary = io.StringIO()
    resumed = CrawlContext(options, summary_stream=summary).open()
    assert resumed.resumed
    result = resumed.close("finished", 1)  # this run failed nothing itself
    resumed.archive.close()
    assert result.status == 1
    assert result.counts["failed"] == 1
    assert " failed=1 " in summary.getvalue()


def test_a_second_ctrl_c_is_an_interruption_not_a_failure(workspace):
    truth = replica_truth(**CONFIG)
    args = ("crawl", "--sections", "--now", NOW.isoformat(), "-s", "CONCURRENT_REQUESTS=2")
    with replica(**CONFIG, faults=["/articles/*=slow:0.05"]) as server:
        proc = workspace.start(args[0], "--replica", server.proxy_url, *args[1:])
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline
            try:
                with workspace.archive() as archive:
                    if archive.counts()["articles"] >= 10:
                        break
            except Exception:
                pass
            time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
        time.sleep(0.1)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 130, (out, err)
        assert out.strip().endswith("interrupted (run again to resume)"), out
        with workspace.archive() as archive:
            assert archive.runs()[0]["status"] == "interrupted"
        resumed = workspace.run(args[0], "--replica", server.proxy_url, *args[1:])
    assert resumed.status == 0, resumed.stderr
    with workspace.archive() as archive:
        assert_matches_truth(archive, truth)


def _frontier_state(workspace, key: str) -> str | None:
    """The state of ``key`` in the job's frontier file, if the job has one yet."""
    rows = read_job(workspace, "SELECT state FROM requests WHERE key=?", (key,))
    return str(rows[0][0]) if rows else None


def test_a_job_interrupted_after_a_failure_resumes_without_refetching_it(workspace):
    ids = sorted(article_id for edition, article_id in replica_truth(**CONFIG) if edition == "en")
    chosen, failing = ids[:40], ids[2]
    requests: Counter[str] = Counter()
    config = {**CONFIG, "faults": [f"/articles/{failing}=500", "/articles/*=slow:0.05"]}
    with replica(**config) as server:
        respond = server.replica.respond

        def counted(method: str, host: str, target: str, **kwargs: object) -> object:
            requests[urlsplit(target).path] += 1
            return respond(method, host, target, **kwargs)

        server.replica.respond = counted
        args = ("crawl", "--edition", "en", "--ids", ",".join(map(str, chosen)))
        args += ("--replica", server.proxy_url, "--now", NOW.isoformat())
        args += ("-s", "RETRY_TIMES=0", "-s", "CONCURRENT_REQUESTS=1")
        proc = workspace.start(*args)
        # Through the replica's proxy the crawl fetches the canonical http:// URLs.
        key = f"article http://www.eng.kavkaz-uzel.eu/articles/{failing}"
        # Interrupted once the job has the failure (the crawl-errors row comes first).
        wait_for(proc, lambda: _frontier_state(workspace, key) == "failed")
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 130, (out, err)
        assert requests[f"/articles/{failing}"] == 1
        resumed = workspace.run(*args)
    assert resumed.status == 1, resumed.stderr  # the failure from before still counts
    assert " failed=1 " in summary_line(resumed)
    assert requests[f"/articles/{failing}"] == 1  # not fetched again by the resumed job
    with workspace.archive() as archive:
        assert [err.url.rsplit("/", 1)[1] for err in archive.open_errors()] == [str(failing)]
        assert archive.counts()["articles"] == len(chosen) - 1


# The crawl's downloader holds back one listing page (argv[1], its path and query) until the
# article argv[2] has failed for good: that listing shows the article only after its failure,
# whatever the order the pages would have come in.
LISTING_AFTER_THE_FAILURE = """
import sys
from twisted.internet import defer
from scrapy.utils.defer import maybe_deferred_to_future
from knotcrawl.crawling.context import CrawlContext

held, failing = sys.argv.pop(1), sys.argv.pop(1)
failed = defer.Deferred()
fail = CrawlContext.fail

def fail_then_release(self, key, url, *args):
    fail(self, key, url, *args)
    if url.endswith(failing) and not failed.called:
        failed.callback(None)

CrawlContext.fail = fail_then_release


class HoldUntilTheFailure:
    async def process_request(self, request, spider=None):
        if request.url.endswith(held):
            await maybe_deferred_to_future(failed)
        return None


from knotcrawl.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_listing_read_after_an_article_failed_still_gives_it_its_section(workspace):
    # The failed article's crawl-errors row says which sections to store it with. A listing
    # that shows it after the failure (another section, read later in the same job) adds
    # its section to the job, which is deleted when the job ends: that section must reach
    # the row, or the retry stores the article without it for good (an update does not walk
    # the deep pages of the listings again).
    truth = replica_truth(**CONFIG)
    oldest = min(article_id for edition, article_id in truth if edition == "en")
    assert "rubric/10" in truth[("en", oldest)].sections
    page = Replica(ReplicaConfig(**CONFIG)).listing_ids("/rubric/10").index(oldest) // 20 + 1
    hold = ("-c", LISTING_AFTER_THE_FAILURE, f"/rubric/10?page={page}", f"/articles/{oldest}")
    middleware = ("-s", 'DOWNLOADER_MIDDLEWARES={"__main__.HoldUntilTheFailure": 1}')
    args = ("--now", NOW.isoformat(), "-s", "RETRY_TIMES=0")
    with replica(**CONFIG, faults=[f"/articles/{oldest}=500"]) as server:
        first = workspace.run(
            "crawl",
            "--sections",
            "--replica",
            server.proxy_url,
            *args,
            *middleware,
            entry=list(hold),
        )
    assert first.status == 1, first.stderr
    with replica(**CONFIG) as server:
        again = workspace.run("update", "--replica", server.proxy_url, *args)
    assert again.status == 0, again.stderr
    with workspace.archive() as archive:
        assert_matches_truth(archive, {("en", oldest): truth[("en", oldest)]})
