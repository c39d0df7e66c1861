"""Faults: retries with backoff, Retry-After, timeouts, truncation, dropped connections,
redirect loops, windows-1251, robots.txt. Failures go to crawl-errors with exit status 1 and are
fetched by the next run; nothing is stored twice and nothing is lost."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

from crawlkit import assert_matches_truth, replica, summary_line

from knotcrawl.replica import Replica, ReplicaConfig

NOW = datetime(2026, 2, 1, tzinfo=UTC)
BASE = {"seed": 4, "articles": 120, "now": NOW}


def test_faults_then_recovery(workspace):
    rep = Replica(ReplicaConfig(**BASE))
    ids = rep.live_ids("en")[-12:]
    a, b, c, d, e, f, g, h, i, j, k = ids[:11]
    faults = [
        f"/articles/{a}=503x2",  # a 5xx burst shorter than the retries
        f"/articles/{b}=429:1x1",  # Retry-After: 1
        f"/articles/{c}=truncatex1",  # a truncated body (Content-Length longer than sent)
        f"/articles/{d}=dropx1",  # the connection dropped without an answer
        f"/articles/{e}=slow:0.3",  # slow but within the timeout
        f"/articles/{f}*=loop",  # a redirect loop: a failure
        f"/articles/{g}=cp1251",  # windows-1251 declared only in the header
        f"/articles/{h}=503x20",  # a 5xx burst longer than the retries: a failure
        f"/articles/{j}=slow:3x1",  # a timeout (DOWNLOAD_TIMEOUT=1), then fine
        "/rubric/11?page?2=502x1",  # a listing page error, retried
    ]
    truth = {(r.edition, r.article_id): r for ed in ("en", "ru") for r in rep.truth(ed)}
    skip = frozenset({"sections"})
    with replica(**BASE, faults=faults, robots_disallow=[f"/articles/{i}"]) as server:
        run = workspace.run(
            "update",
            "--replica",
            server.proxy_url,
            "--now",
            NOW.isoformat(),
            "-s",
            "DOWNLOAD_TIMEOUT=1",
        )
    assert run.status == 1, run.stderr
    line = summary_line(run)
    assert "failed=3 " in line
    failed = {f"http://www.eng.kavkaz-uzel.eu/articles/{x}" for x in (f, h, i)}
    with workspace.archive() as archive:
        errors = {err.url: err.error for err in archive.open_errors()}
        assert set(errors) == failed, errors
        assert "robots" in errors[f"http://www.eng.kavkaz-uzel.eu/articles/{i}"]
        assert_matches_truth(
            archive,
            {key: r for key, r in truth.items() if key not in {("en", f), ("en", h), ("en", i)}},
            skip,
        )
        runs = archive.runs()
        assert runs[0]["status"] == "failures" and runs[0]["failed"] == 3
    assert run.stats.get("retry/count", 0) >= 6
    # Retry-After honoured: the 429 (1 s) and every 503 (Retry-After: 1) waited at least 1 s.
    assert run.stats["retry/backoff_seconds"] >= 1 + 2 + 3
    assert k  # (one spare id keeps the unpacking honest)

    # The next run (the site healthy again) fetches exactly the failed URLs besides its walk.
    with replica(**BASE) as server:
        again = workspace.run("update", "--replica", server.proxy_url, "--now", NOW.isoformat())
    assert again.status == 0, again.stderr
    assert "new=3 updated=0 " in summary_line(again)
    with workspace.archive() as archive:
        assert not archive.open_errors()
        assert_matches_truth(archive, truth, skip)
        counts = archive.counts()
        assert counts["articles"] == len(truth)
        assert counts["revisions"] == 0  # nothing stored twice
        assert counts["raw_pages"] == len(truth)


def test_robots_txt_holds_for_the_first_requests_of_a_crawl(workspace):
    """A sections crawl starts with many listing requests at once, all sent while robots.txt
    is still loading: none of the disallowed ones may reach the site."""
    fetched: list[str] = []
    with replica(**BASE, robots_disallow=["/category"]) as server:
        respond = server.replica.respond

        def logged(method: str, host: str, target: str, **kwargs: object) -> object:
            fetched.append(urlsplit(target).path)
            return respond(method, host, target, **kwargs)

        server.replica.respond = logged
        run = workspace.run(
            "crawl", "--sections", "--edition", "en", "--replica", server.proxy_url,
            "--now", NOW.isoformat(),
        )  # fmt: skip
    assert "/robots.txt" in fetched and "/rubric/11" in fetched
    assert [path for path in fetched if path.startswith("/category")] == []
    assert run.stats["robotstxt/forbidden"] >= 3  # every category the crawl wanted
    with workspace.archive() as archive:
        errors = archive.open_errors()
    assert errors and all("robots" in err.error for err in errors)


def test_a_listing_page_redirected_to_another_page_is_a_failure(workspace):
    """Redirects that end on another page than the one asked for (page 2 answered with page
    3): taken as page 2, the walk would go on from the wrong page or stop, and the section's
    later pages would never be read. (A redirect to the listing's first page is its end:
    test_crawl_listing_end.py.)"""
    rep = Replica(ReplicaConfig(**BASE))
    path = "/category/5"
    assert rep.listing_pages(path, "en") >= 2
    listed = {r.article_id for r in rep.truth("en") if path.strip("/") in r.sections}
    faults = [f"{path}?page?2=redirect:{path}?page=3x1"]  # page 2 -> page 3, once
    args = ("crawl", "--sections", "--edition", "en", "--now", NOW.isoformat())
    with replica(**BASE, faults=faults) as server:
        run = workspace.run(*args, "--replica", server.proxy_url)
    assert run.status == 1, run.stderr
    assert run.stats["knotcrawl/listing/redirected_elsewhere"] == 1
    with workspace.archive() as archive:
        errors = {
            urlsplit(e.url).path + "?" + urlsplit(e.url).query: e.error
            for e in archive.open_errors()
        }
    assert list(errors) == [f"{path}?page=2"]
    assert errors[f"{path}?page=2"].startswith("redirected to another page: ")
    # The next run, of another mode, carries the section's walk on from page 2.
    with replica(**BASE) as server:
        again = workspace.run(
            "update", "--edition", "en", "--now", NOW.isoformat(), "--replica", server.proxy_url
        )
    assert again.status == 0, again.stderr
    with workspace.archive() as archive:
        assert not archive.open_errors()
        sectioned = {aid for aid in listed if path.strip("/") in archive.get("en", aid).sections}
    assert sectioned == listed


def test_a_listing_whose_first_page_is_missing_is_a_failure(workspace):
    """SITE.md §2, §4.3: the RU all-news listing is not known on the real site, and past its
    end a listing may answer 404. A 404 for page 1 is no end of a walk: the listing is not
    there, and a run that took it for an empty one stored nothing from it and said nothing
    (an update kept only the RSS items; a date range found no page to start from)."""
    rep = Replica(ReplicaConfig(**BASE))
    in_feed = {item.article_id for item in rep.listing_truth("/articles.rss").items}
    faults = ["/articles=error:404"]  # page 1 only: "/articles?page=2" answers
    with replica(**BASE, faults=faults) as server:
        run = workspace.run(
            "update", "--edition", "ru", "--now", NOW.isoformat(), "--replica", server.proxy_url
        )
        ranged = workspace.run(
            "crawl", "--edition", "ru", "--since", "2025-06", "--until", "2025-12",
            "--now", NOW.isoformat(), "--replica", server.proxy_url,
        )  # fmt: skip
    assert run.status == 1, run.stderr
    assert run.stats["knotcrawl/listing/missing"] == 1
    assert ranged.status == 1, ranged.stderr
    # Its own page search's first page, and its retry of the update's failed walk page.
    assert ranged.stats["knotcrawl/listing/missing"] == 2
    with workspace.archive() as archive:
        errors = {
            urlsplit(e.url).path + urlsplit(e.url).query: e.error for e in archive.open_errors()
        }
        stored = set(archive.known_ids("ru"))
    assert list(errors) == ["/articles"]
    assert errors["/articles"].startswith("HTTP 404")
    assert in_feed <= stored  # the feed was read all the same
    # The next run, the listing back, retries both: the update's walk and the range's search,
    # which then walks the range.
    with replica(**BASE) as server:
        again = workspace.run(
            "update", "--edition", "ru", "--now", NOW.isoformat(), "--replica", server.proxy_url
        )
    assert again.status == 0, again.stderr
    in_range = {
        r.article_id for r in rep.truth("ru") if "2025-06-01" <= r.published_at < "2026-01-01"
    }
    with workspace.archive() as archive:
        assert not archive.open_errors()
        assert in_range and in_range <= set(archive.known_ids("ru"))


def test_the_feed_is_read_at_its_other_address(workspace):
    """SITE.md §7 knows the RU feed at /articles.rss and at /rss. When the first answers 404
    the run reads the second; with neither it goes on without a feed, a warning and no
    failure. The all-news listing answers 404 here, so the feed alone finds the articles."""
    rep = Replica(ReplicaConfig(**BASE))
    in_feed = {item.article_id for item in rep.listing_truth("/articles.rss").items}
    assert len(in_feed) == 50
    faults = ["/articles=error:404", "/articles.rss=error:404"]
    with replica(**BASE, faults=faults) as server:
        run = workspace.run(
            "update", "--edition", "ru", "--now", NOW.isoformat(), "--replica", server.proxy_url
        )
    assert run.status == 1, run.stderr  # the missing listing, not the feed
    assert "knotcrawl/feed/missing" not in run.stats
    with workspace.archive() as archive:
        assert in_feed <= set(archive.known_ids("ru"))
        assert [urlsplit(e.url).path for e in archive.open_errors()] == ["/articles"]


def test_a_site_without_a_feed_is_no_failure(workspace):
    faults = ["/articles.rss=error:404", "/rss=error:404"]
    with replica(**BASE, faults=faults) as server:
        run = workspace.run(
            "update", "--edition", "ru", "--now", NOW.isoformat(), "--replica", server.proxy_url
        )
    assert run.status == 0, run.stderr
    assert run.stats["knotcrawl/feed/missing"] == 1
    with workspace.archive() as archive:
        assert not archive.open_errors()
        newest = {
            i.article_id
            for i in Replica(ReplicaConfig(**BASE)).listing_truth("/articles.rss").items
        }
        assert newest <= set(archive.known_ids("ru"))  # the walk found them all the same
