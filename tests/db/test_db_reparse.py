"""Re-parsing the stored pages after a parser change (an injected "parser v2")."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from db_factory import FURNITURE, T0, fake_parser, make_raw, make_record
from sqlalchemy import select

from knotcrawl.cli import main
from knotcrawl.db import Archive
from knotcrawl.db import models as m
from knotcrawl.errors import KnotcrawlError

V1, V2 = fake_parser("test-1"), fake_parser("test-2")


def crawl_with_v1(archive: Archive, n: int = 12) -> None:
    """Crawl as a crawler with parser v1 would: the furniture paragraph ends up in the body."""
    items = []
    for i in range(1, n + 1):
        edition = "en" if i % 2 else "ru"
        raw = make_raw(make_record(i, edition))
        record = V1(raw.body, raw.url, raw.headers)
        record.sections, record.lead = [f"rubric/{i}"], f"Lead {i}"
        items.append((record, raw))
    archive.store_many(items, T0, batch=5)
    archive.store_many(items, T0 + timedelta(days=1), batch=5)


def raw_versions(archive: Archive) -> set[str | None]:
    with archive.engine.connect() as conn:
        return set(conn.execute(select(m.raw_pages.c.parser_version)).scalars())


def test_reparse_after_a_parser_change_updates_records_without_revisions(archive: Archive) -> None:
    crawl_with_v1(archive)
    before = {(r.edition, r.article_id): r for r in archive.iter_records()}
    assert all(r.body.endswith(FURNITURE) for r in before.values())

    report = archive.reparse(V2, "test-2", batch=5)
    assert (report.pages, report.changed, report.unchanged, report.failed) == (12, 12, 0, 0)
    assert archive.counts()["revisions"] == 0
    for key, old in before.items():
        new = archive.get(*key)
        assert new is not None
        assert FURNITURE not in new.body and new.body == old.body.removesuffix("\n\n" + FURNITURE)
        assert new.parser_version == "test-2"
        assert new.content_hash != old.content_hash
        # What only the crawl knows is kept.
        assert (new.lead, new.sections, new.first_seen_at, new.last_seen_at) == (
            old.lead,
            old.sections,
            old.first_seen_at,
            old.last_seen_at,
        )
        assert (new.title, new.authors, new.links) == (old.title, old.authors, old.links)
    assert raw_versions(archive) == {"test-2"}
    assert {h.article_id for h in archive.search("subscribe")} == set()

    # Idempotent; and a crawl with parser v2 now finds every article unchanged.
    again = archive.reparse(V2, "test-2", redo=True)
    assert (again.changed, again.unchanged) == (0, 12)
    recrawl = [
        (V2(raw.body, raw.url, raw.headers), raw)
        for raw in (archive.raw_page(r.edition, r.article_id) for r in archive.iter_records())
        if raw is not None
    ]
    assert archive.store_many(recrawl, T0 + timedelta(days=2)) == {"unchanged": 12}


def test_reparse_selects_by_edition_and_date(archive: Archive) -> None:
    crawl_with_v1(archive)
    report = archive.reparse(V2, "test-2", edition="ru")
    assert report.changed == 6
    # Record i was published i hours before T0.
    report = archive.reparse(
        V2, "test-2", edition="en", since=T0 - timedelta(hours=5), until=T0 - timedelta(hours=1)
    )
    assert report.changed == 2  # ids 3 and 5 (id 1 was published exactly at the bound)
    changed = {r.article_id for r in archive.iter_records() if r.parser_version == "test-2"}
    assert changed == {2, 4, 6, 8, 10, 12, 3, 5}


def test_reparse_also_renews_earlier_revisions(archive: Archive) -> None:
    crawl_with_v1(archive, 2)
    raw = make_raw(make_record(1, paragraphs=["Edited by the site."]), T0 + timedelta(days=3))
    assert (
        archive.store(V1(raw.body, raw.url, raw.headers), seen_at=T0 + timedelta(days=3), raw=raw)
        == "updated"
    )
    report = archive.reparse(V2, "test-2")
    assert report.revision_pages == 1 and report.revisions_changed == 1
    assert archive.counts()["revisions"] == 1
    (revision,) = archive.revisions("en", 1)
    assert FURNITURE not in revision.record.body and revision.record.parser_version == "test-2"
    current = archive.get("en", 1)
    assert current is not None and current.body == "Edited by the site."


def test_a_page_the_parser_rejects_is_counted_and_kept(archive: Archive) -> None:
    crawl_with_v1(archive, 4)

    def picky(body: bytes, url: str, headers: Any) -> Any:
        if url.endswith("/articles/3"):
            raise KnotcrawlError("missing fields: body", status=4)
        return V2(body, url, headers)

    report = archive.reparse(picky, "test-2", revisions=False)
    assert (report.changed, report.failed) == (3, 1)
    assert report.failures == [("en", 3, "KnotcrawlError: missing fields: body")]
    kept = archive.get("en", 3)
    assert kept is not None and kept.body.endswith(FURNITURE) and kept.parser_version == "test-1"


def test_reparse_command(
    db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import knotcrawl.pages

    with Archive.open(db_url) as archive:
        crawl_with_v1(archive, 6)
    monkeypatch.setattr(knotcrawl.pages, "parse_article", V2, raising=False)
    monkeypatch.setattr(knotcrawl.pages, "PARSER_VERSION", "test-2", raising=False)
    # One process: the injected parser lives in this one only.
    assert (
        main(["reparse", "--db", db_url, "--edition", "en", "--batch", "2", "--workers", "1"]) == 0
    )
    assert "reparsed 3 pages with parser test-2: 3 changed, 0 unchanged, 0 failed" in (
        capsys.readouterr().out
    )
    assert main(["reparse", "--db", db_url, "--since", "not a date"]) == 2
    assert "--since: not a date 'not a date'" in capsys.readouterr().err


def test_reparse_reads_in_keyset_batches(archive: Archive) -> None:
    from sqlalchemy import event

    crawl_with_v1(archive, 12)
    pages_reads: list[str] = []

    def spy(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "FROM raw_pages" in statement and "LIMIT" in statement.upper():
            pages_reads.append(statement)

    event.listen(archive.engine, "before_cursor_execute", spy)
    try:
        report = archive.reparse(V2, "test-2", batch=5, revisions=False)
    finally:
        event.remove(archive.engine, "before_cursor_execute", spy)
    assert report.changed == 12
    # 12 pages in batches of 5: three reads with rows and a last empty one, each starting
    # after the last id seen (keyset pagination, not a growing OFFSET).
    assert len(pages_reads) == 4
    assert all("raw_pages.id >" in s for s in pages_reads)


def test_reparse_command_exits_1_when_a_page_fails(
    db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import knotcrawl.pages

    def picky(body: bytes, url: str, headers: Any) -> Any:
        if url.endswith("/articles/3"):
            raise KnotcrawlError("missing fields: body", status=4)
        return V2(body, url, headers)

    with Archive.open(db_url) as archive:
        crawl_with_v1(archive, 4)
    monkeypatch.setattr(knotcrawl.pages, "parse_article", picky, raising=False)
    monkeypatch.setattr(knotcrawl.pages, "PARSER_VERSION", "test-2", raising=False)
    assert main(["reparse", "--db", db_url, "--workers", "1", "--no-revisions"]) == 1
    captured = capsys.readouterr()
    assert captured.err == "reparse: en/3: KnotcrawlError: missing fields: body\n"
    assert "3 changed, 0 unchanged, 1 failed" in captured.out


def test_an_edit_stored_while_reparse_parses_the_page_is_kept_and_its_revision_renewed(
    archive: Archive,
) -> None:
    """Cron's `update` runs beside `reparse` (they hold different locks): the crawler stores
    an edit of en:1 after reparse read its page and before it writes. The edit is kept, and
    the page it moved to the revision is still re-parsed by this reparse."""
    crawl_with_v1(archive, 2)
    edit = make_raw(make_record(1, paragraphs=["Edited by the site."]), T0 + timedelta(days=3))

    def v2_while_the_site_is_crawled(body: bytes, url: str, headers: Any) -> Any:
        if url.endswith("/articles/1") and not archive.revisions("en", 1):
            crawled = V2(edit.body, edit.url, edit.headers)  # cron runs the upgraded knotcrawl
            assert archive.store(crawled, seen_at=T0 + timedelta(days=3), raw=edit) == "updated"
        return V2(body, url, headers)

    report = archive.reparse(v2_while_the_site_is_crawled, "test-2")
    assert report.skipped == 1
    current = archive.get("en", 1)
    assert current is not None and current.body == "Edited by the site."
    (revision,) = archive.revisions("en", 1)
    assert FURNITURE not in revision.record.body and revision.record.parser_version == "test-2"
