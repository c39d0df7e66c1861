"""Id enumeration (gaps recorded as gaps) and single articles through mirrors."""

from __future__ import annotations

import itertools
import json
import math
import signal
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
from crawlkit import assert_matches_truth, read_job, replica, summary_line, wait_for

from knotcrawl.replica import Replica, ReplicaConfig
from knotcrawl.spiders.base import SEED_BATCH

NOW = datetime(2026, 2, 1, tzinfo=UTC)
CONFIG = {"seed": 1, "articles": 200, "now": NOW}


def test_id_range(workspace):
    rep = Replica(ReplicaConfig(**CONFIG))
    live = rep.live_ids("en")
    # The two closest neighbours (ids have gaps), with a margin of gaps on both sides.
    a, b = min(itertools.pairwise(live), key=lambda pair: pair[1] - pair[0])
    lo, hi = a - 5, b + 5
    ids = set(range(lo, hi + 1))
    truth = {("en", r.article_id): r for r in rep.truth("en") if r.article_id in ids}
    with replica(**CONFIG) as server:
        run = workspace.run(
            "crawl", "--replica", server.proxy_url, "--edition", "en", "--ids", f"{lo}-{hi}"
        )
    assert run.status == 0, run.stderr
    assert f"new={len(truth)} " in summary_line(run)
    with workspace.archive() as archive:
        assert_matches_truth(archive, truth, frozenset({"sections", "lead"}))
        gaps = archive.gap_ids("en")
        assert gaps == ids - {aid for _, aid in truth}
        assert not archive.open_errors()
    assert run.requests == len(ids) + 1  # + robots.txt


def test_single_articles_through_mirrors_keep_canonical_urls(workspace):
    rep = Replica(ReplicaConfig(**CONFIG))
    en = rep.live_ids("en")[-3:]
    ru = rep.live_ids("ru")[-2]
    targets = [
        f"https://caucasianknot.info/articles/{en[0]}/",
        f"en:{en[1]}",
        f"http://m.kavkaz-uzel.eu/articles/{ru}",
    ]
    with replica(**CONFIG) as server:
        run = workspace.run(
            "crawl",
            "--replica",
            server.proxy_url,
            *targets,
            "--mirror",
            "http://eng.kavkaz-uzel.media",
            "--mirror",
            "http://kavkazuzel.com",
        )
        assert run.status == 0, run.stderr
        assert "new=3 " in summary_line(run)
        # Fetched again: unchanged, never stored twice.
        again = workspace.run("crawl", "--replica", server.proxy_url, *targets)
        assert again.status == 0, again.stderr
        assert "new=0 updated=0 unchanged=3" in summary_line(again)
    with workspace.archive() as archive:
        for edition, article_id in (("en", en[0]), ("en", en[1]), ("ru", ru)):
            record = archive.get(edition, article_id)
            assert record.url == rep.truth_of(edition, article_id).url
            assert record.url.startswith("https://www.")
            assert not archive.revisions(edition, article_id)


def test_usage_errors_exit_2(workspace):
    run = workspace.run("crawl")
    assert run.status == 2
    run = workspace.run("crawl", "123")  # an id without an edition
    assert run.status == 2
    assert "edition" in run.stderr


def test_listing_whose_last_page_holds_one_item(workspace):
    config = {"seed": 5, "articles": 150, "now": NOW}
    rep = Replica(ReplicaConfig(**config))
    last = rep.listing_truth("/articles", rep.listing_pages("/articles", "ru")).items
    assert len(last) == 1
    with replica(**config) as server:
        run = workspace.run("crawl", "--replica", server.proxy_url, "--edition", "ru", "--sections")
    assert run.status == 0, run.stderr
    with workspace.archive() as archive:
        assert archive.has("ru", last[0].article_id)


def test_date_range_by_id(workspace):
    config = {"seed": 1, "articles": 2000, "now": NOW}
    rep = Replica(ReplicaConfig(**config))
    since, until = "2021-03-01", "2021-03-10"
    lo = datetime(2021, 3, 1, tzinfo=UTC)
    hi = datetime(2021, 3, 11, tzinfo=UTC)
    truth = {
        ("en", r.article_id): r
        for r in rep.truth("en")
        if lo <= datetime.fromisoformat(r.published_at.replace("Z", "+00:00")) < hi
    }
    assert len(truth) >= 2
    ids = sorted(aid for _, aid in truth)
    with replica(**config) as server:
        run = workspace.run(
            "crawl",
            "--replica",
            server.proxy_url,
            "--edition",
            "en",
            "--by-id",
            "--since",
            since,
            "--until",
            until,
        )
    assert run.status == 0, run.stderr
    assert f"new={len(truth)} " in summary_line(run)
    with workspace.archive() as archive:
        assert_matches_truth(archive, truth, frozenset({"sections", "lead"}))
        assert archive.gap_ids("en") == set(range(ids[0], ids[-1] + 1)) - set(ids)
    pages = rep.listing_pages("/rubric/10", "en")
    assert run.stats["knotcrawl/ids/probes"] <= 2 * (math.ceil(math.log2(pages)) + 2)


def _job_counts(workspace) -> tuple[int, int]:
    """(requests done, requests in the job) of the running job, (0, 0) before it has one."""
    query = "SELECT COUNT(*) FILTER (WHERE state='done'), COUNT(*) FROM requests"
    rows = read_job(workspace, query)
    return (int(rows[0][0]), int(rows[0][1])) if rows else (0, 0)


def _long_range(rep: Replica, mode: str) -> tuple[tuple[str, ...], set[int]]:
    """The crawl arguments and the ids they enumerate: 6,000 ids by ``--ids``, or a date
    range of ``--by-id`` spanning about as many."""
    if mode == "ids":
        lo = min(rep.live_ids("en")) - 10
        return ("--ids", f"{lo}-{lo + 5999}"), set(range(lo, lo + 6000))
    since, until = datetime(2016, 3, 19, tzinfo=UTC), datetime(2018, 3, 1, tzinfo=UTC)
    inside = [
        r.article_id
        for r in rep.truth("en")
        if since <= datetime.fromisoformat(r.published_at.replace("Z", "+00:00")) < until
    ]
    args = ("--by-id", "--since", since.date().isoformat(), "--until", "2018-02-28")
    return args, set(range(min(inside), max(inside) + 1))


@pytest.mark.parametrize("mode", ["ids", "by-id"])
def test_a_long_id_range_is_enumerated_as_it_is_fetched_and_resumes(workspace, mode):
    """The ids enter the job a batch at a time (a typo such as 1-2000000, or a --by-id range
    over the whole site, must not fill the memory and the disk before the first fetch), and an
    interrupted range goes on where it stopped: every id is fetched once over both runs."""
    rep = Replica(ReplicaConfig(**CONFIG))
    range_args, ids = _long_range(rep, mode)
    assert len(ids) > 4 * SEED_BATCH
    truth = {("en", r.article_id): r for r in rep.truth("en") if r.article_id in ids}
    with replica(**CONFIG) as server:
        args = ("crawl", "--replica", server.proxy_url, "--edition", "en")
        args += (*range_args, "-s", "CONCURRENT_REQUESTS=4")
        proc = workspace.start(*args)
        counts = wait_for(proc, lambda: (c := _job_counts(workspace))[0] >= 1000 and c)
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=60)
        assert proc.returncode == 130
        done, total = counts
        assert total <= done + 2 * SEED_BATCH, counts  # not all the ids at once
        first = json.loads(workspace.stats_file.read_text().splitlines()[-1])["stats"]
        resumed = workspace.run(*args)
    assert resumed.status == 0, resumed.stderr
    with workspace.archive() as archive:
        assert_matches_truth(archive, truth, frozenset({"sections", "lead"}))
        assert archive.gap_ids("en") == ids - {aid for _, aid in truth}
    fetched = first["downloader/request_count"] + resumed.requests
    probes = first.get("knotcrawl/ids/probes", 0) + resumed.stats.get("knotcrawl/ids/probes", 0)
    # Each id once, the probes for --by-id's bounds, robots.txt twice, and at most the few in
    # flight at the interruption again.
    assert len(ids) + probes + 2 <= fetched <= len(ids) + probes + 2 + 4


def test_by_id_whose_bounds_cannot_be_found_ends(workspace):
    """When the deep archive cannot be read, the probes fail: the run ends with the failure
    recorded (exit 1) instead of waiting for bounds that never come, and enumerates nothing."""
    config = {**CONFIG, "faults": ["/rubric/10*=503"]}
    with replica(**config) as server:
        run = workspace.run(
            "crawl",
            "--replica",
            server.proxy_url,
            "--edition",
            "en",
            "--by-id",
            "--since",
            "2021-03-01",
            timeout=120,
        )
    assert run.status == 1, run.stderr
    assert "new=0 " in summary_line(run)
    assert run.stats.get("knotcrawl/ids/probes", 0) == 0
    with workspace.archive() as archive:
        failed = {urlsplit(row.url).path for row in archive.open_errors()}
    assert failed == {"/rubric/10"}
    # Another mode's run does not fetch a bound search's page alone (that would clear the error
    # with no id enumerated); the same crawl, run again, searches anew and resolves it.
    some_id = min(Replica(ReplicaConfig(**CONFIG)).live_ids("en"))
    with replica(**CONFIG) as server:
        other = workspace.run(
            "crawl", "--replica", server.proxy_url, "--edition", "en", "--ids", str(some_id)
        )
        assert (other.status, other.requests) == (0, 2), other.stderr  # robots.txt, the id
        with workspace.archive() as archive:
            assert {urlsplit(row.url).path for row in archive.open_errors()} == {"/rubric/10"}
        again = workspace.run(
            "crawl", "--replica", server.proxy_url, "--edition", "en", "--by-id",
            "--since", "2021-03-01", "--until", "2021-03-10",
        )  # fmt: skip
    assert again.status == 0, again.stderr
    with workspace.archive() as archive:
        assert not archive.open_errors()


def test_a_single_id_that_is_no_article_is_reported_as_a_gap(workspace):
    rep = Replica(ReplicaConfig(**CONFIG))
    live = set(rep.live_ids("en"))
    missing = next(n for n in range(min(live), max(live)) if n not in live)
    with replica(**CONFIG) as server:
        run = workspace.run("crawl", "--replica", server.proxy_url, f"en:{missing}")
    assert run.status == 0, run.stderr
    assert ": new=0 updated=0 unchanged=0 gone=0 gaps=1 failed=0 " in summary_line(run)
    with workspace.archive() as archive:
        assert archive.gap_ids("en") == {missing}
