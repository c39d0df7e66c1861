"""Ties in every order: articles with equal sort keys (or equal search scores) come in the order
of their row id (docs/analysts.md), the same on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from clikit import run_cli
from db_factory import T0, make_record

from knotcrawl.commands.demo import print_report
from knotcrawl.db import Archive
from knotcrawl.record import ArticleRecord

# Stored in this order, so row ids 1-4 follow neither the article ids nor the publication
# times. Title, body and authors are the same everywhere: every sort on them ties, and so
# does every search score; the times tie in pairs.
STORED = [("en", 3, T0 - timedelta(hours=1)), ("en", 1, T0), ("en", 2, T0 - timedelta(hours=1))]
STORED.append(("ru", 1, T0))
LINE_KEY = re.compile(r"^ .* (en|ru) +(\d+)  Court hearing", re.MULTILINE)
BY_ROW_ID = ["en:3", "en:1", "en:2", "ru:1"]
OLDEST_FIRST = ["en:3", "en:2", "en:1", "ru:1"]  # the hour before T0, then T0; row ids up


def _twin(edition: str, article_id: int, published: datetime) -> ArticleRecord:
    return make_record(
        article_id,
        edition,
        title="Court hearing in Grozny",
        paragraphs=["The court adjourned the hearing."],
        authors=["Anna Petrova"],
        published=published,
    )


@pytest.fixture
def twins(archive: Archive) -> Archive:
    for edition, article_id, published in STORED:
        archive.store(_twin(edition, article_id, published), seen_at=T0)
    # Seen again: its row is rewritten (PostgreSQL puts the new row version at the end of the
    # table), which must not move it in any order.
    archive.store(_twin(*STORED[0]), seen_at=T0 + timedelta(days=1))
    return archive


def _listed(capsys: pytest.CaptureFixture[str], url: str, *args: str) -> list[str]:
    result = run_cli(capsys, "list", "--db", url, "--json", *args)
    assert result.status == 0, result.err
    return [f"{row['edition']}:{row['article_id']}" for row in json.loads(result.out)]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("title", BY_ROW_ID),
        ("-title", BY_ROW_ID[::-1]),
        ("published", OLDEST_FIRST),
        ("-published", OLDEST_FIRST[::-1]),
    ],
)
def test_list_breaks_ties_by_row_id_in_the_sort_direction(
    twins: Archive,
    db_url: str,
    capsys: pytest.CaptureFixture[str],
    sort: str,
    expected: list[str],
) -> None:
    assert _listed(capsys, db_url, "--sort", sort) == expected


@pytest.mark.parametrize("sort", ["title", "-published"])
def test_export_breaks_ties_as_list_does(
    twins: Archive,
    db_url: str,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    sort: str,
) -> None:
    out = tmp_path / "out.jsonl"
    result = run_cli(capsys, "export", "--db", db_url, "-o", str(out), "--sort", sort)
    assert result.status == 0, result.err
    exported = [json.loads(line) for line in out.read_text().splitlines()]
    keys = [f"{record['edition']}:{record['article_id']}" for record in exported]
    assert keys == _listed(capsys, db_url, "--sort", sort)


def _searched(capsys: pytest.CaptureFixture[str], url: str, *args: str) -> list[str]:
    result = run_cli(capsys, "search", "--db", url, "--json", "court", *args)
    assert result.status == 0, result.err
    return [f"{hit['edition']}:{hit['article_id']}" for hit in json.loads(result.out)["hits"]]


# A filter the full-text index cannot answer alone (the author) ranks another way on SQLite.
@pytest.mark.parametrize("filters", [[], ["--author", "petrova"]])
def test_search_hits_of_equal_score_come_by_row_id(
    twins: Archive, db_url: str, capsys: pytest.CaptureFixture[str], filters: list[str]
) -> None:
    assert _searched(capsys, db_url, *filters) == BY_ROW_ID


@pytest.mark.parametrize("window", ["2000", "0"])
def test_search_pages_of_equal_scores_neither_repeat_nor_skip(
    twins: Archive, db_url: str, capsys: pytest.CaptureFixture[str], window: str
) -> None:
    pages = [
        _searched(capsys, db_url, "--window", window, "--limit", "1", "--offset", str(n))
        for n in range(4)
    ]
    assert [key for page in pages for key in page] == BY_ROW_ID


@pytest.mark.parametrize("sort", ["published", "-title"])
def test_sorted_search_breaks_ties_as_list_does(
    twins: Archive, db_url: str, capsys: pytest.CaptureFixture[str], sort: str
) -> None:
    assert _searched(capsys, db_url, "--sort", sort) == _listed(capsys, db_url, "--sort", sort)


def test_the_demo_report_lists_the_newest_by_time_then_row_id(
    twins: Archive, capsys: pytest.CaptureFixture[str]
) -> None:
    undated = _twin("en", 9, T0)
    undated.published_at = None
    twins.store(undated, seen_at=T0)
    capsys.readouterr()
    print_report(twins)
    newest = capsys.readouterr().out.split("newest:\n", 1)[1]
    keys = [f"{edition}:{article_id}" for edition, article_id in LINE_KEY.findall(newest)]
    # An undated article is the oldest, as `list --sort -published` has it (NULLs last).
    assert keys == [*OLDEST_FIRST[::-1], "en:9"]
