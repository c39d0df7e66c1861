"""Storage benchmark: the repository against bare ``executemany``, FTS latency, size.

    .venv/bin/python bench/store.py [--n 100000] [--fts-n 500000] [--backends sqlite,postgresql]
                                    [--pg-url postgresql://postgres@127.0.0.1:54329/postgres]

For each backend, in one run on the same machine:

1. store ``--n`` generated records through ``Archive.store_many`` (batches of 500, one
   transaction each) into a fresh migrated database, and the same rows (articles, authors,
   links, sections) with the DB-API's bare ``executemany`` (same batches, ids assigned by the
   client) into another; both pay for the full-text index. Reports records/s and the ratio.
2. 100 varied full-text queries (words, prefixes, phrases, OR, NOT; English and Russian)
   through ``Archive.search`` on the repository's database (best of the newest 2,000
   matches, the default), and the same ranking every match: median and p95 latency of each of
   three passes over the queries (the first reads from disk what the bulk write left
   uncached); again at ``--fts-n`` articles when given.
3. database size per 1,000 articles with and without raw pages (5,000 articles each way).

PostgreSQL uses ``--pg-url`` (default ``$KNOTCRAWL_TEST_POSTGRES_URL``); its databases are
created with unique names and dropped at the end. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knotcrawl.db import Archive, RawPage  # noqa: E402
from knotcrawl.moscow import local_iso, utc_iso  # noqa: E402
from knotcrawl.record import ArticleRecord, Link  # noqa: E402

BATCH = 500
T0 = datetime(2026, 1, 1, tzinfo=UTC)


# ---------------------------------------------------------------------- generated archive


def _vocabulary(rng: random.Random) -> tuple[list[str], list[str]]:
    en_letters, ru_letters = "abcdefghiklmnoprstuvwy", "абвгдежзиклмнопрстуфхцчшэюя"

    def words(letters: str, count: int) -> list[str]:
        seen: set[str] = set()
        while len(seen) < count:
            seen.add("".join(rng.choice(letters) for _ in range(rng.randint(3, 10))))
        return sorted(seen)

    return words(en_letters, 6000), words(ru_letters, 6000)


@dataclass
class Generator:
    seed: int = 7

    def __post_init__(self) -> None:
        rng = random.Random(self.seed)
        self.en, self.ru = _vocabulary(rng)
        # Zipf-like weights: a few very common words, a long tail.
        weights = [1.0 / (rank + 1) for rank in range(len(self.en))]
        self.cum_weights = list(itertools.accumulate(weights))
        self.boilerplate = " ".join(
            f'<div class="menu-item"><a href="/rubric/{k}">Section {k}</a></div>'
            for k in range(400)
        )

    def text(self, rng: random.Random, edition: str, words: int) -> str:
        vocab = self.en if edition == "en" else self.ru
        return " ".join(rng.choices(vocab, cum_weights=self.cum_weights, k=words))

    def record(self, i: int) -> ArticleRecord:
        rng = random.Random(i * 7919 + self.seed)
        edition = "en" if i % 3 else "ru"
        published = T0 - timedelta(minutes=37 * i)
        paragraphs = [
            self.text(rng, edition, rng.randint(40, 90)).capitalize() + "."
            for _ in range(rng.randint(3, 7))
        ]
        url = f"https://www.kavkaz-uzel.eu/articles/{i}"
        return ArticleRecord(
            edition=edition,
            article_id=i,
            url=url,
            fetched_url=url,
            title=self.text(rng, edition, rng.randint(5, 12)).capitalize(),
            published_at=utc_iso(published),
            published_local=local_iso(published),
            published_raw=published.strftime("%d %B %Y, %H:%M"),
            authors=[self.text(rng, edition, 2).title() for _ in range(rng.randint(0, 2))],
            source="CK correspondent" if i % 4 == 0 else None,
            body="\n\n".join(paragraphs),
            links=[
                Link(
                    f"https://www.kavkaz-uzel.eu/articles/{i - k - 1}",
                    "link",
                    "article",
                    "ru",
                    i - k - 1,
                )
                for k in range(rng.randint(0, 3))
            ],
            sections=sorted({f"rubric/{rng.randint(1, 30)}" for _ in range(rng.randint(1, 3))}),
            lead=paragraphs[0][:200],
            parser_version="bench",
        )

    def raw(self, record: ArticleRecord) -> RawPage:
        body = "".join(f"<p>{p}</p>" for p in record.body.split("\n\n"))
        html = (
            f"<html><head><title>{record.title}</title></head><body>{self.boilerplate}"
            f"<h1>{record.title}</h1>{body}{self.boilerplate}</body></html>"
        )
        return RawPage(
            record.fetched_url,
            200,
            {"Content-Type": "text/html; charset=utf-8"},
            html.encode(),
            T0,
            "bench",
        )

    def queries(self, count: int = 100) -> list[str]:
        rng = random.Random(99)
        out: list[str] = []
        for k in range(count):
            vocab = self.en if k % 2 else self.ru
            common = vocab[rng.randint(0, 30)]
            mid = vocab[rng.randint(30, 800)]
            rare = vocab[rng.randint(800, len(vocab) - 1)]
            kind = k % 6
            if kind == 0:
                out.append(mid)
            elif kind == 1:
                out.append(f"{rare[:3]}*")
            elif kind == 2:
                # A phrase that occurs: two consecutive words of a generated article.
                words = self.record(rng.randint(1, 1000)).body.split()
                j = rng.randint(0, len(words) - 2)
                out.append('"' + " ".join(w.strip(".").lower() for w in words[j : j + 2]) + '"')
            elif kind == 3:
                out.append(f"{mid} OR {rare}")
            elif kind == 4:
                out.append(f"{common} {mid} NOT {rare}")
            else:
                out.append(f"{common} AND {mid[:4]}*")
        return out


def records(gen: Generator, start: int, n: int) -> Iterator[ArticleRecord]:
    for i in range(start, start + n):
        yield gen.record(i)


# ---------------------------------------------------------------------- databases


class Databases:
    """Fresh databases of one backend; removed by ``close``."""

    def __init__(self, backend: str, pg_url: str | None, workdir: Path) -> None:
        self.backend, self.pg_url, self.workdir = backend, pg_url, workdir
        self.created: list[str] = []
        self.admin: Any = None
        if backend == "postgresql":
            import psycopg

            assert pg_url, "PostgreSQL needs --pg-url or KNOTCRAWL_TEST_POSTGRES_URL"
            self.admin = psycopg.connect(pg_url, autocommit=True)

    def new(self, name: str) -> str:
        if self.backend == "sqlite":
            return str(self.workdir / f"{name}.sqlite")
        from sqlalchemy.engine import make_url

        db = f"kc_bench_{name}_{uuid.uuid4().hex[:8]}"
        self.admin.execute(f'CREATE DATABASE "{db}"')
        self.created.append(db)
        return make_url(str(self.pg_url)).set(database=db).render_as_string(False)

    def size(self, url: str) -> int:
        if self.backend == "sqlite":
            import sqlite3

            path = Path(url)
            with sqlite3.connect(path) as conn:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return sum(
                p.stat().st_size
                for p in path.parent.glob(path.name + "*")
                if p.is_file() and not p.name.endswith(".lock")
            )
        from sqlalchemy.engine import make_url

        name = make_url(url).database
        self.admin.execute("CHECKPOINT")
        return int(self.admin.execute("SELECT pg_database_size(%s)", (name,)).fetchone()[0])

    def close(self) -> None:
        for db in self.created:
            self.admin.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        if self.admin is not None:
            self.admin.close()


# ---------------------------------------------------------------------- measurements


def store_through_repository(
    url: str, gen: Generator, recs: list[ArticleRecord], raw: bool = False
) -> float:
    n = len(recs)
    with Archive.open(url) as archive:
        items = [(r, gen.raw(r) if raw else None) for r in recs]
        start = time.perf_counter()
        counts = archive.store_many(items, T0, batch=BATCH)
        elapsed = time.perf_counter() - start
        assert counts == {"new": n}, counts
    return elapsed


def _bare_rows(
    records_: list[ArticleRecord], first_id: int, sqlite: bool
) -> tuple[list[tuple[Any, ...]], ...]:
    def moment(text: str) -> Any:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return value.replace(tzinfo=None).isoformat(sep=" ") + ".000000" if sqlite else value

    seen = T0.replace(tzinfo=None).isoformat(sep=" ") + ".000000" if sqlite else T0
    articles: list[tuple[Any, ...]] = []
    authors: list[tuple[Any, ...]] = []
    links: list[tuple[Any, ...]] = []
    sections: list[tuple[Any, ...]] = []
    for k, r in enumerate(records_):
        pk = first_id + k
        articles.append(
            (
                pk,
                r.edition,
                r.article_id,
                r.url,
                r.fetched_url,
                r.title,
                moment(r.published_at),
                r.published_local,
                r.published_raw,
                r.source,
                r.photo_caption,
                r.body,
                "; ".join(r.authors),
                r.lead,
                r.content_hash,
                r.parser_version,
                seen,
                seen,
                seen,
            )
        )
        authors.extend((pk, i, name) for i, name in enumerate(r.authors))
        links.extend(
            (pk, i, li.url, li.text, li.kind, li.edition, li.article_id)
            for i, li in enumerate(r.links)
        )
        sections.extend((pk, i, s) for i, s in enumerate(r.sections))
    return articles, authors, links, sections


def store_bare(url: str, recs: list[ArticleRecord], sqlite: bool) -> float:
    n = len(recs)
    Archive.open(url).close()  # the same schema, triggers and indexes
    p = "?" if sqlite else "%s"
    sql = [
        "INSERT INTO articles (id, edition, article_id, url, fetched_url, title, published_at, "
        "published_local, published_raw, source, photo_caption, body, authors_text, lead, "
        "content_hash, parser_version, first_seen_at, last_seen_at, version_seen_at) VALUES "
        f"({', '.join([p] * 19)})",
        f"INSERT INTO article_authors (article_pk, position, name) VALUES ({p}, {p}, {p})",
        "INSERT INTO article_links (article_pk, position, url, text, kind, edition, article_id) "
        f"VALUES ({', '.join([p] * 7)})",
        f"INSERT INTO article_sections (article_pk, position, section) VALUES ({p}, {p}, {p})",
    ]
    if sqlite:
        import sqlite3

        from knotcrawl.db import phrase_index

        conn: Any = sqlite3.connect(url, isolation_level=None)
        phrase_index.register(conn)  # the phrase index's triggers call it
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
    else:
        import psycopg

        conn = psycopg.connect(url)
    start = time.perf_counter()
    done = 0
    while done < n:
        chunk = recs[done : done + BATCH]
        rows = _bare_rows(chunk, done + 1, sqlite)
        cur = conn.cursor()
        if sqlite:
            cur.execute("BEGIN IMMEDIATE")
        for statement, batch_rows in zip(sql, rows, strict=True):
            if batch_rows:
                cur.executemany(statement, batch_rows)
        conn.commit()
        done += len(chunk)
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def query_latency(
    url: str, queries: list[str], *, rank_all: bool = False, passes: int = 3
) -> list[tuple[float, float, float]]:
    """Median and p95 ms of ``Archive.search`` (top 20 of the default ranking window), or with
    ``rank_all`` of the same search ranking every match (``window=None``), and the mean number
    of hits, for each of ``passes`` runs of the query set: the first pass after a bulk write
    reads much of the index from disk, later ones from the operating system's cache."""
    from knotcrawl.db import queries as q

    out = []
    with Archive.open(url) as archive:

        def run(text: str) -> int:
            if rank_all:
                return len(q.search(archive.engine, text, limit=20, window=None))
            return len(archive.search(text, limit=20))

        for text in queries[:5]:  # warm the connection and the statement cache
            run(text)
        for _ in range(passes):
            times, hits = [], []
            for text in queries:
                start = time.perf_counter()
                hits.append(run(text))
                times.append(time.perf_counter() - start)
            times.sort()
            p95 = times[round(0.95 * (len(times) - 1))]
            out.append((statistics.median(times) * 1000, p95 * 1000, statistics.mean(hits)))
    return out


def report_latency(url: str, queries: list[str], n: int) -> None:
    if url.endswith(".sqlite"):
        import sqlite3

        with sqlite3.connect(url) as conn:  # what a finished crawl leaves: an empty WAL
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for rank_all in (False, True):
        how = "every match ranked" if rank_all else "newest-2,000 window"
        for k, (med, p95, hits) in enumerate(query_latency(url, queries, rank_all=rank_all), 1):
            print(
                f"FTS at {n} ({how}), pass {k}: median {med:.1f} ms, p95 {p95:.1f} ms "
                f"(mean {hits:.1f} hits of 20)",
                flush=True,
            )


def grow(url: str, gen: Generator, start: int, n: int) -> None:
    with Archive.open(url) as archive:
        archive.store_many(((r, None) for r in records(gen, start, n)), T0, batch=BATCH)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--fts-n", type=int, default=0, help="also time queries at this size")
    parser.add_argument("--size-n", type=int, default=5_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default=os.environ.get("KNOTCRAWL_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    gen = Generator()
    queries = gen.queries(100)
    print(f"generating {args.n} records", flush=True)
    recs = list(records(gen, 1, args.n))
    with tempfile.TemporaryDirectory(prefix="knotcrawl-bench-") as tmp:
        for backend in args.backends.split(","):
            dbs = Databases(backend, args.pg_url, Path(tmp))
            try:
                print(f"## {backend}", flush=True)
                repo_url = dbs.new("repo")
                repo = store_through_repository(repo_url, gen, recs)
                bare = store_bare(dbs.new("bare"), recs, backend == "sqlite")
                print(
                    f"store {args.n} records: repository {args.n / repo:,.0f}/s ({repo:.1f} s), "
                    f"bare executemany {args.n / bare:,.0f}/s ({bare:.1f} s), "
                    f"ratio {bare / repo:.2f}",
                    flush=True,
                )
                report_latency(repo_url, queries, args.n)
                if args.fts_n > args.n:
                    grow(repo_url, gen, args.n + 1, args.fts_n - args.n)
                    report_latency(repo_url, queries, args.fts_n)
                for raw in (False, True):
                    url = dbs.new("size_raw" if raw else "size")
                    Archive.open(url).close()
                    empty = dbs.size(url)
                    store_through_repository(url, gen, recs[: args.size_n], raw=raw)
                    per_k = (dbs.size(url) - empty) / args.size_n * 1000 / 1e6
                    raw_rate = ""
                    if raw:
                        raw_rate = (
                            f" (raw page {len(gen.raw(gen.record(1)).body) / 1e3:.0f} kB each)"
                        )
                    print(
                        f"size per 1,000 articles {'with' if raw else 'without'} raw pages: "
                        f"{per_k:.2f} MB{raw_rate}",
                        flush=True,
                    )
            finally:
                dbs.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
