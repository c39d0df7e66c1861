"""Reparse with the real extraction over real (replica) pages, on both databases."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from knotcrawl.db import Archive, RawPage
from knotcrawl.pages import PARSER_VERSION, parse_article
from knotcrawl.replica import Replica, ReplicaConfig

SEEN = datetime(2026, 2, 1, tzinfo=UTC)


def _pages(count: int = 15) -> list[tuple[str, bytes]]:
    replica = Replica(ReplicaConfig(seed=3, articles=60))
    pages = []
    for article_id in replica.live_ids("en")[:count]:
        url = f"http://www.eng.kavkaz-uzel.eu/articles/{article_id}"
        response = replica.respond("GET", "www.eng.kavkaz-uzel.eu", f"/articles/{article_id}")
        assert response.status == 200
        pages.append((url, response.body))
    return pages


def _raw(url: str, body: bytes, version: str) -> RawPage:
    return RawPage(url, 200, {"Content-Type": "text/html; charset=utf-8"}, body, SEEN, version)


def test_reparse_with_the_current_parser_changes_nothing(archive: Archive) -> None:
    for url, body in _pages():
        record = parse_article(body, url)
        archive.store(record, seen_at=SEEN, raw=_raw(url, body, PARSER_VERSION))

    report = archive.reparse(parse_article, PARSER_VERSION)

    assert (report.pages, report.changed, report.failed) == (15, 0, 0)


def test_reparse_repairs_what_an_older_parser_got_wrong(archive: Archive) -> None:
    pages = _pages()
    # An "older parser" that kept only the first paragraph of every body.
    for url, body in pages:
        good = parse_article(body, url)
        old = replace(good, body=good.body.split("\n\n")[0], content_hash="", parser_version="0.1")
        old.__post_init__()
        archive.store(old, seen_at=SEEN, raw=_raw(url, body, "0.1"))

    report = archive.reparse(parse_article, PARSER_VERSION)

    multi_paragraph = sum("\n\n" in parse_article(body, url).body for url, body in pages)
    assert report.changed == multi_paragraph > 0
    for url, body in pages:
        expected = parse_article(body, url)
        stored = archive.get(expected.edition, expected.article_id)
        assert stored is not None
        assert (stored.body, stored.parser_version) == (expected.body, PARSER_VERSION)
        assert archive.revisions(expected.edition, expected.article_id) == []
