"""Helpers of the analyst tests: the filled archive per backend, and what went into it.

The archive holds the replica's truth (both editions) when ``knotcrawl.replica`` is
available, else the storage tests' record factory; plus one edited article (a revision), one
gone article, two crawl runs and two open crawl errors. PostgreSQL comes from
``KNOTCRAWL_TEST_POSTGRES_URL`` through the storage tests' fixtures (``tests/db/conftest.py``);
when it is unset the PostgreSQL variants are skipped with the reason.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

from knotcrawl.db import Archive
from knotcrawl.record import ArticleRecord, content_hash

HERE = Path(__file__).resolve().parent


def _load(name: str, path: Path) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


_db = _load("knotcrawl_tests_db_conftest", HERE.parent / "db" / "conftest.py")
BACKENDS = _db.BACKENDS
NO_PG = _db.NO_PG
# The storage tests' session fixtures, reused here (a migrated template per backend).
pg_server = _db.pg_server
sqlite_template = _db.sqlite_template

SEEN = datetime(2026, 2, 1, 6, 0, tzinfo=UTC)
EDITED_AT = SEEN + timedelta(days=1)
GONE_AT = SEEN + timedelta(days=2)
ADDED_PARAGRAPH = "Zyxwvut update: the court postponed the hearing again."


def truth_records() -> tuple[list[ArticleRecord], str]:
    """The records to store, and where they came from."""
    try:
        from knotcrawl.replica import Replica, ReplicaConfig
    except ImportError:
        factory = _load("knotcrawl_tests_db_factory", HERE.parent / "db" / "db_factory.py")
        base = datetime(2025, 12, 31, tzinfo=UTC)
        records = [
            factory.make_record(
                i,
                edition,
                published=base - timedelta(days=11 * i),
                sections=[f"rubric/{i % 4}"],
            )
            for edition in ("en", "ru")
            for i in range(1, 151)
        ]
        return records, "factory"
    replica = Replica(ReplicaConfig(seed=1, articles=200))
    return [*replica.truth("en"), *replica.truth("ru")], "replica"


@dataclass
class Filled:
    """A filled archive and what was put into it."""

    backend: str
    url: str
    origin: str
    records: list[ArticleRecord]  # as stored (the edited one in its new version)
    edited: tuple[str, int]
    gone: tuple[str, int]
    before_edit: ArticleRecord
    extra: dict[str, Any] = field(default_factory=dict)

    def key(self, record: ArticleRecord) -> tuple[str, int]:
        return (record.edition, record.article_id)

    def select(self, predicate: Callable[[ArticleRecord], bool]) -> set[tuple[str, int]]:
        return {self.key(r) for r in self.records if predicate(r)}


def fill(url: str, backend: str) -> Filled:
    records, origin = truth_records()
    with Archive.open(url) as archive:
        archive.store_many([(r, None) for r in records], SEEN)
        # One edited article: its old version becomes a revision.
        target = next(r for r in records if r.edition == "en" and r.original is not None)
        before = ArticleRecord.from_dict(target.to_dict())
        target.body = f"{target.body}\n\n{ADDED_PARAGRAPH}"
        target.content_hash = content_hash(target.title, target.body)
        archive.store(target, seen_at=EDITED_AT)
        # One gone article.
        gone = next(r for r in records if r.edition == "ru" and r is not target)
        archive.mark_gone(gone.edition, gone.article_id, GONE_AT, 404)
        # The crawl ledger: a finished and a failed run, two open errors.
        run = archive.start_run("update", {"edition": "en"})
        archive.finish_run(run, "finished", {"new": 3, "updated": 1, "unchanged": 7}, 12)
        run = archive.start_run("crawl", {"edition": "ru"})
        archive.finish_run(run, "failed", {"failed": 2}, 5)
        archive.record_error("https://www.kavkaz-uzel.eu/articles/999999", "HTTP 503", "ru", 999999)
        archive.record_error("https://www.kavkaz-uzel.eu/rubric/77", "timeout")
    return Filled(
        backend=backend,
        url=url,
        origin=origin,
        records=records,
        edited=(target.edition, target.article_id),
        gone=(gone.edition, gone.article_id),
        before_edit=before,
    )
