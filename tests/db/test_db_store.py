"""Upsert semantics: new / unchanged / updated, revisions, gone, gaps, errors, runs, reads."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from db_factory import T0, comparable, fake_parser, make_raw, make_record
from sqlalchemy import select

from knotcrawl.db import Archive, StoreOutcome
from knotcrawl.db import models as m
from knotcrawl.hosts import canonical_url
from knotcrawl.record import Link, Original, content_hash


def snapshot(archive: Archive) -> dict[str, list[Any]]:
    """Every row of every table, without the columns a re-crawl may move."""
    moving = {"last_seen_at", "fetched_at", "search_vector"}
    result = {}
    with archive.engine.connect() as conn:
        for table in m.Base.metadata.sorted_tables:
            columns = [c for c in table.c if c.name not in moving]
            rows = conn.execute(select(*columns).order_by(*table.primary_key.columns)).all()
            result[table.name] = [tuple(row) for row in rows]
    return result


def crawl(n: int = 30, parser_version: str = "test-1") -> list[tuple[Any, Any]]:
    items = []
    for i in range(1, n + 1):
        edition = "en" if i % 2 else "ru"
        record = make_record(
            i,
            edition,
            sections=[f"rubric/{i % 4}"],
            lead=f"Lead {i}",
            parser_version=parser_version,
        )
        items.append((record, make_raw(record)))
    return items


def test_store_new_then_get_round_trips_every_field(archive: Archive) -> None:
    for i in range(1, 9):
        record = make_record(i, "en" if i % 2 else "ru", sections=["b", "a"], lead="teaser")
        assert archive.store(record, seen_at=T0, raw=make_raw(record)) == StoreOutcome.NEW
        stored = archive.get(record.edition, i)
        assert stored is not None
        assert comparable(stored) == comparable(record)
        assert stored.first_seen_at == stored.last_seen_at == "2026-01-01T12:00:00Z"
    assert archive.get("en", 999) is None
    assert archive.has("en", 1) and not archive.has("ru", 1)


def test_article_ids_of_64_bits_are_stored_on_every_backend(archive: Archive) -> None:
    # The crawl takes ids up to 2**63 - 1 and a body may link to any /articles/<digits>; on
    # PostgreSQL an id past 2**31 - 1 made the whole article fail ("integer out of range").
    big = 2**63 - 1
    record = make_record(2**40, published=T0)
    record.links.append(Link(canonical_url("en", big), "typo", "article", "en", big))
    original = ("2026-01-01T09:00:00Z", "2026-01-01T12:00:00+03:00", "1 January 2026, 12:00")
    record.original = Original(canonical_url("ru", 2**33), 2**33, *original)
    assert archive.store(record, seen_at=T0, raw=make_raw(record)) == StoreOutcome.NEW
    stored = archive.get("en", 2**40)
    assert stored is not None and comparable(stored) == comparable(record)
    archive.record_gap("ru", big, 404)
    assert archive.gap_ids("ru") == {big}
    archive.record_error(canonical_url("ru", big - 1), "HTTP 503", "ru", big - 1)
    assert [e.article_id for e in archive.open_errors()] == [big - 1]


def test_storing_the_same_crawl_twice_changes_nothing(archive: Archive) -> None:
    items = crawl()
    first = archive.store_many(items, T0, batch=7)
    assert first == {"new": 30}
    before = snapshot(archive)
    second = archive.store_many(items, T0 + timedelta(days=1), batch=7)
    assert second == {"unchanged": 30}
    assert snapshot(archive) == before
    assert archive.counts()["revisions"] == 0
    record = archive.get("en", 1)
    assert record is not None
    assert record.first_seen_at == "2026-01-01T12:00:00Z"
    assert record.last_seen_at == "2026-01-02T12:00:00Z"


def test_an_edit_makes_exactly_one_revision_with_the_old_text(archive: Archive) -> None:
    old = make_record(5, "ru", sections=["rubric/1"], lead="teaser")
    archive.store(old, seen_at=T0, raw=make_raw(old))
    new = make_record(
        5,
        "ru",
        title="Исправленный заголовок",
        paragraphs=["Новый текст."],
        authors=["Новый автор"],
    )
    later = T0 + timedelta(hours=5)
    assert archive.store(new, seen_at=later, raw=make_raw(new, later)) == "updated"
    # The same edit seen again is not another revision.
    assert archive.store(new, seen_at=later + timedelta(hours=1)) == "unchanged"

    current = archive.get("ru", 5)
    assert current is not None
    assert current.title == "Исправленный заголовок"
    assert current.authors == ["Новый автор"]
    assert current.sections == ["rubric/1"] and current.lead == "teaser"  # listing context kept
    assert current.first_seen_at == "2026-01-01T12:00:00Z"

    revisions = archive.revisions("ru", 5)
    assert len(revisions) == 1
    revision = revisions[0]
    assert comparable(revision.record) | {"lead": None, "sections": []} == comparable(old) | {
        "lead": None,
        "sections": [],
    }
    assert revision.first_seen_at == T0 and revision.replaced_at == later
    assert revision.has_raw
    raw = archive.raw_page("ru", 5)
    assert raw is not None and b"\\u" not in raw.body and "Новый текст" in raw.body.decode()
    assert archive.counts()["raw_pages"] == 2


def test_several_edits_keep_every_version_in_order(backend: str, archive: Archive) -> None:
    bodies = ["One.", "Two.", "Three.", "Two."]
    for k, body in enumerate(bodies):
        record = make_record(1, paragraphs=[body])
        archive.store(record, seen_at=T0 + timedelta(days=k))
    assert [r.record.body for r in archive.revisions("en", 1)] == ["One.", "Two.", "Three."]
    current = archive.get("en", 1)
    assert current is not None and current.body == "Two."


def test_gone_articles_are_marked_never_deleted_and_come_back(archive: Archive) -> None:
    record = make_record(3)
    archive.store(record, seen_at=T0)
    assert archive.mark_gone("en", 3, T0 + timedelta(days=1), 404) == "gone"
    assert archive.is_gone("en", 3) is True
    assert archive.get("en", 3) is not None
    assert archive.counts()["gone"] == 1
    # Marking again keeps the first time.
    assert archive.mark_gone("en", 3, T0 + timedelta(days=2), 410) == "already_gone"
    with archive.engine.connect() as conn:
        row = conn.execute(select(m.articles.c.gone_at, m.articles.c.gone_status)).one()
    assert row.gone_at == T0 + timedelta(days=1) and row.gone_status == 404
    assert [r.article_id for r in archive.iter_records(include_gone=False)] == []
    assert archive.store(record, seen_at=T0 + timedelta(days=3)) == "unchanged"
    assert archive.is_gone("en", 3) is False
    assert archive.mark_gone("en", 77, T0, 404) == "unknown"  # a gap, not gone


def test_gaps_and_errors(archive: Archive) -> None:
    archive.record_gap("ru", 10, 404)
    archive.record_gap("ru", 10, 404)
    archive.record_gap("en", 11, 410)
    assert archive.gap_ids("ru") == {10}
    archive.record_error("https://x/articles/12", "timeout", "en", 12)
    archive.record_error("https://x/articles/12", "HTTP 503")
    archive.record_error("https://x/rubric/1", "HTTP 500")
    errors = {e.url: e for e in archive.open_errors()}
    assert errors["https://x/articles/12"].attempts == 2
    assert errors["https://x/articles/12"].error == "HTTP 503"
    assert errors["https://x/articles/12"].article_id == 12
    archive.clear_error("https://x/rubric/1")
    # Success clears the article's errors; an article is no gap.
    archive.store(make_record(12), seen_at=T0)
    archive.store(make_record(10, "ru"), seen_at=T0)
    assert archive.open_errors() == []
    assert archive.gap_ids("ru") == set()
    assert archive.counts()["gaps"] == 1


def test_a_robots_refusal_keeps_its_first_moment_until_another_error(archive: Archive) -> None:
    """``refused_since``: set by the first refusal, kept by the next (a standing refusal is
    told from a new one by it), cleared by any other error."""
    url = "https://x/articles/12"
    archive.record_error(url, "HTTP 503", "en", 12)
    assert archive.open_errors()[0].refused_since is None
    archive.record_error(url, "forbidden by robots.txt", "en", 12, refused=True)
    [first] = archive.open_errors()
    archive.record_error(url, "forbidden by robots.txt", "en", 12, refused=True)
    [again] = archive.open_errors()
    assert (again.refused_since, again.attempts) == (first.refused_since, 3)
    assert first.refused_since is not None and first.refused_since >= first.first_seen_at
    archive.record_error(url, "HTTP 503", "en", 12)
    assert archive.open_errors()[0].refused_since is None


def test_a_failed_urls_retry_is_replaced_and_its_attempts_kept(archive: Archive) -> None:
    url = "https://x/articles/12"
    archive.record_error(url, "HTTP 500", "en", 12, {"sections": ["abhazia"]})
    archive.set_error_retry(url, {"sections": ["abhazia", "rubric/10"], "lead": "Lead"})
    archive.set_error_retry("https://x/articles/13", {"sections": ["abhazia"]})  # no row
    [error] = archive.open_errors()
    assert (error.retry, error.attempts) == (
        {"sections": ["abhazia", "rubric/10"], "lead": "Lead"},
        1,
    )


def test_listing_context_of_a_whole_page_in_one_call(archive: Archive) -> None:
    archive.store(make_record(1, sections=["rubric/5"]), seen_at=T0)
    archive.store(make_record(3), seen_at=T0)
    stored = archive.add_listing_contexts(
        "en", [(1, ["abhazia"], "Lead one"), (2, ["abhazia"], "Lead two"), (3, ["abhazia"], None)]
    )
    assert stored == {1, 3}
    one, three = archive.get("en", 1), archive.get("en", 3)
    assert one is not None and three is not None
    assert one.sections == ["abhazia", "rubric/5"] and one.lead == "Lead one"
    assert "abhazia" in three.sections
    assert archive.get("en", 2) is None
    assert archive.add_listing_contexts("en", []) == set()


def test_an_unchanged_refetch_through_a_mirror_keeps_its_url_with_its_page(
    archive: Archive,
) -> None:
    """`fetched_url` and the kept raw page are the same fetch's, so a reparse finds nothing
    to change."""
    first = make_record(7, "en")
    archive.store(first, seen_at=T0, raw=make_raw(first))
    mirrored = make_record(7, "en")
    mirrored.fetched_url = "http://www.caucasianknot.info/articles/7"
    later = T0 + timedelta(days=1)
    assert archive.store(mirrored, seen_at=later, raw=make_raw(mirrored, later)) == "unchanged"
    stored = archive.get("en", 7)
    raw = archive.raw_page("en", 7)
    assert stored is not None and raw is not None
    assert stored.fetched_url == raw.url == "http://www.caucasianknot.info/articles/7"


def test_an_unchanged_refetch_in_another_markup_keeps_the_record_with_its_page(
    archive: Archive,
) -> None:
    """A recheck through the mobile host: same title and body, but the page shows the date
    as ``HH:MM / DD.MM.YYYY``. The record takes the fields of the page kept with it, so a
    reparse with the same parser finds nothing to change; no revision is made."""
    first = make_record(7, "ru", furniture=True)  # as parser test-1 reads make_raw's page
    archive.store(first, seen_at=T0, raw=make_raw(first))
    mobile = make_record(7, "ru", furniture=True)
    mobile.fetched_url = "http://m.kavkaz-uzel.eu/articles/7"
    mobile.published_raw = "11:00 / 01.01.2026"
    later = T0 + timedelta(days=1)
    assert archive.store(mobile, seen_at=later, raw=make_raw(mobile, later)) == "unchanged"
    stored = archive.get("ru", 7)
    assert stored is not None and archive.revisions("ru", 7) == []
    assert comparable(stored) == comparable(mobile)
    report = archive.reparse(fake_parser("test-1"), "test-1", redo=True)
    assert (report.pages, report.changed, report.failed) == (1, 0, 0)


def test_totals_count_every_edited_article(archive: Archive) -> None:
    """`stats`' "edited" count: the articles with a revision, with or without a filter."""
    from knotcrawl.db import queries

    for article_id in range(1, 7):
        archive.store(make_record(article_id, "en"), seen_at=T0)
    later = T0 + timedelta(hours=5)
    for article_id in (2, 3, 5):  # edited twice, once, once
        archive.store(make_record(article_id, "en", title=f"Edited {article_id}"), seen_at=later)
    archive.store(make_record(2, "en", title="Edited again"), seen_at=later + timedelta(hours=1))

    everything = queries.totals(archive.engine)
    assert (everything["changed"], everything["revisions"]) == (3, 4)
    filtered = queries.totals(archive.engine, queries.Filters(edition="en"))
    assert (filtered["changed"], filtered["revisions"]) == (3, 4)


def test_listing_context_merges_without_a_revision(archive: Archive) -> None:
    assert not archive.add_listing_context("en", 1, ["rubric/2"], "lead")
    archive.store(make_record(1, sections=["rubric/5"]), seen_at=T0)
    assert archive.add_listing_context("en", 1, ["abhazia", "rubric/5"], "A teaser")
    assert archive.add_listing_context("en", 1, [], None)
    record = archive.get("en", 1)
    assert record is not None
    assert record.sections == ["abhazia", "rubric/5"]
    assert record.lead == "A teaser"
    # A later crawl of the page (lead None, other sections) keeps and extends them.
    archive.store(make_record(1, sections=["category/3"]), seen_at=T0 + timedelta(days=1))
    record = archive.get("en", 1)
    assert record is not None
    assert record.sections == ["abhazia", "category/3", "rubric/5"]
    assert record.lead == "A teaser"
    assert archive.counts()["revisions"] == 0


def test_a_batch_with_the_same_article_twice(archive: Archive) -> None:
    a = make_record(1, paragraphs=["First."])
    b = make_record(1, paragraphs=["Second."])
    counts = archive.store_many([(a, None), (b, None), (b, None), (make_record(2), None)], T0)
    assert counts == {"new": 2, "updated": 1, "unchanged": 1}
    assert [r.record.body for r in archive.revisions("en", 1)] == ["First."]


def test_reads_ids_and_streaming(archive: Archive) -> None:
    archive.store_many(crawl(25), T0, batch=4)
    assert archive.known_ids("en") == {i for i in range(1, 26) if i % 2}
    # Record i was published i hours before T0.
    assert archive.ids_published_since("ru", T0 - timedelta(hours=6)) == [2, 4, 6]
    streamed = list(archive.iter_records(batch=3))
    assert [(r.edition, r.article_id) for r in streamed] == sorted(
        (r.edition, r.article_id) for r, _ in crawl(25)
    )
    window = list(
        archive.iter_records(
            "en", since=T0 - timedelta(hours=10), until=T0 - timedelta(hours=2), batch=2
        )
    )
    assert [r.article_id for r in window] == [3, 5, 7, 9]


def test_runs_ledger(archive: Archive) -> None:
    run = archive.start_run("update", {"edition": "en", "since": "2026-01-01"})
    archive.finish_run(
        run, "ok", {"new": 3, "updated": 1, "unchanged": 5, "gone": 1, "failed": 0}, 42
    )
    (row,) = archive.runs()
    assert row["id"] == run and row["status"] == "ok" and row["requests"] == 42
    assert row["arguments"] == {"edition": "en", "since": "2026-01-01"}
    assert (row["new"], row["updated"], row["unchanged"], row["gone"]) == (3, 1, 5, 1)
    assert row["finished_at"] >= row["started_at"]


def test_the_last_update_of_an_edition_is_found_behind_many_updates_of_the_other(
    archive: Archive,
) -> None:
    """An edition updated rarely (or not since hundreds of updates of the other) still has
    its last update found: without it the recheck window would start at the first crawl."""
    ru = archive.start_run("update", {"editions": ["ru"], "now": "2026-01-01T00:00:00+00:00"})
    archive.finish_run(ru, "ok", {}, 1)
    for hour in range(250):
        run = archive.start_run(
            "update", {"editions": ["en"], "now": f"2026-01-02T{hour % 24:02}:00:00+00:00"}
        )
        archive.finish_run(run, "ok", {}, 1)
    assert archive.last_update_time("ru") == datetime(2026, 1, 1, tzinfo=UTC)


def test_naive_datetimes_are_refused(archive: Archive) -> None:
    with pytest.raises(ValueError):
        archive.store(make_record(1), seen_at=T0.replace(tzinfo=None))


def test_a_stale_content_hash_is_recomputed(archive: Archive) -> None:
    record = make_record(1)
    record.body = "Changed after the hash was computed."
    archive.store(record, seen_at=T0)
    stored = archive.get("en", 1)
    assert stored is not None
    assert stored.content_hash == content_hash(stored.title, "Changed after the hash was computed.")


def test_a_parser_upgrade_is_not_an_edit(archive: Archive) -> None:
    """The page the archive holds, fetched again after a parser upgrade: the new parser reads
    it differently (parser test-1 kept a furniture paragraph, test-2 drops it). That is no
    edit of the site: the record is rewritten in place, without a revision."""
    old = make_record(7, "en", parser_version="test-1", furniture=True, lead="teaser")
    archive.store(old, seen_at=T0, raw=make_raw(old))
    new = fake_parser("test-2")(make_raw(old).body, old.url)
    assert new.body != old.body
    later = T0 + timedelta(days=3)
    outcome = archive.store(
        new, seen_at=later, raw=make_raw(new, later), parse=fake_parser("test-2")
    )
    assert outcome == StoreOutcome.REEXTRACTED
    assert archive.revisions("en", 7) == []
    current = archive.get("en", 7)
    assert current is not None
    assert comparable(current) == comparable(new) | {"lead": "teaser"}
    assert (current.first_seen_at, current.last_seen_at) == (
        "2026-01-01T12:00:00Z",
        "2026-01-04T12:00:00Z",
    )
    assert archive.counts()["raw_pages"] == 1


def test_an_edit_seen_with_a_new_parser_is_still_an_edit(archive: Archive) -> None:
    old = make_record(7, "en", parser_version="test-1", furniture=True)
    archive.store(old, seen_at=T0, raw=make_raw(old))
    edited = make_record(7, "en", title="Corrected headline", parser_version="test-2")
    later = T0 + timedelta(days=3)
    outcome = archive.store(
        edited, seen_at=later, raw=make_raw(edited, later), parse=fake_parser("test-2")
    )
    assert outcome == StoreOutcome.UPDATED
    assert [r.record.title for r in archive.revisions("en", 7)] == [old.title]


def test_a_link_without_text_is_null_everywhere(
    db_url: str,
    archive: Archive,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A link without anchor text is NULL in ``article_links`` (an older parser's ``""`` too),
    ``None`` read back, ``null`` in ``show --json``, JSON Lines, CSV (both writers) and Parquet,
    and in the revision that keeps the old version."""
    from knotcrawl.analysis import export as writers
    from knotcrawl.api import KnotArchive
    from knotcrawl.cli import main

    record = make_record(7)
    record.links = [
        Link("https://example.org/image", None, "external"),
        Link("https://example.org/old-parser", "", "external"),
        Link("https://example.org/named", "named", "external"),
    ]
    texts = [None, None, "named"]
    assert archive.store(record, seen_at=T0, raw=make_raw(record)) is StoreOutcome.NEW
    with archive.engine.connect() as conn:
        li = m.article_links
        stored = conn.execute(select(li.c.text).order_by(li.c.position)).scalars().all()
    assert stored == texts
    got = archive.get("en", 7)
    assert got is not None and [link.text for link in got.links] == texts
    # A recheck of the same page is unchanged: "" and None are the same stored text.
    again = archive.store(record, seen_at=T0 + timedelta(1), raw=make_raw(record))
    assert again is StoreOutcome.UNCHANGED
    edited = make_record(7, paragraphs=["An edited body."])
    archive.store(edited, seen_at=T0 + timedelta(2), raw=make_raw(edited))
    (revision,) = archive.revisions("en", 7)
    assert [link.text for link in revision.record.links] == texts

    # The first version again: the readers of the current record.
    archive.store(record, seen_at=T0 + timedelta(3), raw=make_raw(record))
    url = db_url
    with KnotArchive(Archive.open(url)) as api:
        (current,) = list(api.records())
        assert [link.text for link in current.links] == texts
        current_get = api.get("en", 7)
        assert current_get is not None and [link.text for link in current_get.links] == texts

    assert main(["show", "en:7", "--json", "--db", url]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert [link["text"] for link in shown["record"]["links"]] == texts

    def exported(fmt: str, name: str) -> Path:
        path = tmp_path / name
        assert main(["export", "--db", url, "--format", fmt, "-o", str(path)]) == 0
        return path

    (line,) = exported("jsonl", "a.jsonl").read_text(encoding="utf-8").splitlines()
    assert [link["text"] for link in json.loads(line)["links"]] == texts
    for writer in ("arrow", "plain"):
        monkeypatch.setattr(writers, "ARROW_CSV", writer == "arrow")
        with exported("csv", f"{writer}.csv").open(encoding="utf-8", newline="") as handle:
            (row,) = list(csv.DictReader(handle))
        assert [link["text"] for link in json.loads(row["links"])] == texts, writer
    pq = pytest.importorskip("pyarrow.parquet")
    (links,) = pq.read_table(exported("parquet", "a.parquet")).column("links").to_pylist()
    assert [link["text"] for link in links] == texts
