"""Benchmark of the analyst side: export, search and stats on a large generated archive.

    .venv/bin/python bench/query.py --articles 500000 --db /tmp/kc-bench.sqlite

Generates the archive once (reused when it already holds the wanted number of articles, which
must be at the current schema: `knotcrawl db upgrade --db FILE` first), then measures, each in
a fresh subprocess so peak memory (ru_maxrss) belongs to that job alone:

* ``knotcrawl export`` to Parquet and CSV (streamed, every RECORD field with authors, links,
  sections, original) against the baseline ``pandas.read_sql("SELECT * FROM articles")`` +
  ``DataFrame.to_parquet`` of the same rows (flat article columns only: less work, whole
  table in memory);
* search latency (median, p95) of 100 queries through ``knotcrawl.db.queries.search`` (top 20
  with snippets): the varied mix of ``bench/store.py`` with the default ranking window and
  ranking every match, and a worst case of the most common words (:data:`SEARCH_RUNS`);
* ``stats`` (all aggregates) and ``list`` of the newest 50.

Before the jobs the database file is read once, so that no job pays for bringing it from disk
into the page cache; each job's output file is removed before it runs (no job pays for
deleting an earlier run's output). ``--jobs`` picks jobs (``search`` is the latency run):

    .venv/bin/python bench/query.py --articles 500000 --db /tmp/kc-bench.sqlite \\
        --jobs export_parquet,export_csv,export_jsonl,baseline_read_sql

Prints a Markdown table (the format of docs/performance.md). No test asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from knotcrawl.record import ArticleRecord

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

EN_WORDS = [
    "protest",
    "court",
    "village",
    "police",
    "residents",
    "republic",
    "election",
    "rights",
    "activist",
    "mountain",
    "river",
    "border",
    "refugee",
    "detention",
    "trial",
    "lawyer",
    "mosque",
    "festival",
    "pipeline",
    "road",
    "hearing",
    "sentence",
    "prosecutor",
    "appeal",
    "defender",
    "journalist",
    "investigation",
    "committee",
    "ministry",
    "authorities",
    "hospital",
    "school",
    "water",
    "gas",
    "electricity",
    "repair",
    "bridge",
    "flood",
    "landslide",
    "earthquake",
    "custody",
    "torture",
    "release",
    "hunger",
    "strike",
    "picket",
    "rally",
    "petition",
    "complaint",
    "governor",
    "mayor",
    "deputy",
    "parliament",
    "opposition",
    "candidate",
    "vote",
    "ballot",
    "fraud",
    "observer",
    "commission",
    "soldier",
    "army",
    "mobilization",
    "veteran",
    "memorial",
    "museum",
    "theatre",
    "wrestling",
    "football",
    "champion",
    "tournament",
]
RU_WORDS = [
    "протест",
    "суд",
    "село",
    "полиция",
    "жители",
    "республика",
    "выборы",
    "права",
    "активист",
    "гора",
    "река",
    "граница",
    "беженец",
    "задержание",
    "процесс",
    "адвокат",
    "мечеть",
    "фестиваль",
    "трубопровод",
    "дорога",
    "заседание",
    "приговор",
    "прокурор",
    "апелляция",
    "правозащитник",
    "журналист",
    "расследование",
    "комитет",
    "министерство",
    "власти",
    "больница",
    "школа",
    "вода",
    "газ",
    "электричество",
    "ремонт",
    "мост",
    "паводок",
    "оползень",
    "землетрясение",
    "арест",
    "пытки",
    "освобождение",
    "голодовка",
    "пикет",
    "митинг",
    "петиция",
    "жалоба",
    "губернатор",
    "мэр",
    "депутат",
    "парламент",
    "оппозиция",
    "кандидат",
    "голосование",
    "бюллетень",
    "фальсификации",
    "наблюдатель",
    "комиссия",
    "солдат",
    "армия",
    "мобилизация",
    "ветеран",
    "мемориал",
    "музей",
    "театр",
    "борьба",
    "футбол",
    "чемпион",
    "турнир",
]
PLACES_EN = [
    "Grozny",
    "Makhachkala",
    "Nalchik",
    "Vladikavkaz",
    "Magas",
    "Elista",
    "Sukhum",
    "Tskhinvali",
    "Baku",
]
PLACES_RU = [
    "Грозный",
    "Махачкала",
    "Нальчик",
    "Владикавказ",
    "Магас",
    "Элиста",
    "Сухум",
    "Цхинвал",
    "Баку",
]
SUFFIXES_EN = ("", "s", "ed", "ing", "ers")
SUFFIXES_RU = ("", "а", "ов", "ах", "ом", "ы")
SYLLABLES_EN = [
    "ka",
    "ri",
    "to",
    "man",
    "der",
    "vel",
    "os",
    "tan",
    "gor",
    "bel",
    "li",
    "sha",
    "nov",
    "mir",
    "zal",
    "et",
    "in",
    "ap",
    "ur",
    "gen",
]
SYLLABLES_RU = [
    "ка",
    "ри",
    "то",
    "ман",
    "дер",
    "вел",
    "ос",
    "тан",
    "гор",
    "бел",
    "ли",
    "ша",
    "нов",
    "мир",
    "зал",
    "ет",
    "ин",
    "ап",
    "ур",
    "ген",
]
VOCABULARY = 20_000  # words per edition, used with Zipf frequencies like real text


class Vocabulary:
    """Words of one edition with Zipf weights: the real words most frequent, then invented
    ones, so a query word matches anything from most articles to a handful."""

    def __init__(self, edition: str, seed: int) -> None:
        rng = random.Random(seed)
        real = EN_WORDS if edition == "en" else RU_WORDS
        syllables = SYLLABLES_EN if edition == "en" else SYLLABLES_RU
        suffixes = SUFFIXES_EN if edition == "en" else SUFFIXES_RU
        words = [w + suffix for w in real for suffix in suffixes]
        seen = set(words)
        while len(words) < VOCABULARY:
            word = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
            if word not in seen:
                seen.add(word)
                words.append(word)
        self.words = words
        weights = [1.0 / (rank + 10) for rank in range(len(words))]
        total = 0.0
        self.cumulative = []
        for weight in weights:
            total += weight
            self.cumulative.append(total)
        self.places = PLACES_EN if edition == "en" else PLACES_RU

    def sentence(self, rng: random.Random) -> str:
        words = rng.choices(self.words, cum_weights=self.cumulative, k=rng.randint(8, 18))
        words.insert(rng.randrange(len(words)), rng.choice(self.places))
        return " ".join(words).capitalize() + "."


VOCABULARIES = {"en": Vocabulary("en", 1), "ru": Vocabulary("ru", 2)}


def _word(rng: random.Random, edition: str) -> str:
    vocabulary = VOCABULARIES[edition]
    return rng.choices(vocabulary.words, cum_weights=vocabulary.cumulative)[0]


def _sentence(rng: random.Random, edition: str) -> str:
    return VOCABULARIES[edition].sentence(rng)


def make_records(count: int, seed: int = 7) -> Iterator[ArticleRecord]:
    from knotcrawl.hosts import Edition, canonical_url
    from knotcrawl.moscow import local_iso, utc_iso
    from knotcrawl.record import ArticleRecord, Link, Original

    rng = random.Random(seed)
    authors_en = [
        f"{f} {s}"
        for f in ["Anna", "Oleg", "Zarina", "Timur", "Elena", "Ruslan"]
        for s in ["Gasanov", "Petrova", "Aliev", "Krasnov", "Bekov", "Ismailov"]
    ]
    authors_ru = [
        f"{f} {s}"
        for f in ["Анна", "Олег", "Зарина", "Тимур", "Елена", "Руслан"]
        for s in ["Гасанов", "Петрова", "Алиев", "Краснов", "Беков", "Исмаилов"]
    ]
    sections = [f"rubric/{i}" for i in range(1, 25)] + ["abhazia", "chechnya", "dagestan"]
    start = datetime(2002, 1, 1, tzinfo=UTC)
    span = (datetime(2026, 1, 1, tzinfo=UTC) - start).total_seconds()
    for i in range(count):
        edition: Edition = "en" if i % 3 == 0 else "ru"
        article_id = 10_000 + i
        published = start + timedelta(seconds=int(span * i / count))
        published = published.replace(second=0)
        url = canonical_url(edition, article_id)
        body = "\n\n".join(
            " ".join(_sentence(rng, edition) for _ in range(rng.randint(1, 3)))
            for _ in range(rng.randint(4, 12))
        )
        pool = authors_en if edition == "en" else authors_ru
        original = None
        links = [
            Link(
                canonical_url(edition, 10_000 + rng.randrange(count)),
                _word(rng, edition),
                "article",
                edition,
                10_000 + rng.randrange(count),
            )
            for _ in range(rng.randint(0, 2))
        ]
        if edition == "en" and rng.random() < 0.6:
            ru_id = 10_000 + rng.randrange(count)
            moment = published - timedelta(hours=5)
            original = Original(
                canonical_url("ru", ru_id), ru_id, utc_iso(moment), local_iso(moment),
                moment.strftime("%B %d, %Y at %I:%M %p MSK"),
            )  # fmt: skip
            links.append(Link(original.url, "click here", "original", "ru", ru_id))
        yield ArticleRecord(
            edition=edition,
            article_id=article_id,
            url=url,
            fetched_url=url,
            title=_sentence(rng, edition)[:-1],
            published_at=utc_iso(published),
            published_local=local_iso(published),
            published_raw=published.strftime("%d %B %Y, %H:%M"),
            authors=rng.sample(pool, rng.randint(1, 2)),
            source="CK correspondent" if rng.random() < 0.5 else None,
            photo_caption=None,
            body=body,
            original=original,
            links=links,
            lead=None,
            sections=sorted(rng.sample(sections, rng.randint(1, 3))),
            parser_version="bench",
        )


def generate(db: str, articles: int) -> float:
    from knotcrawl.db import Archive

    started = time.perf_counter()
    with Archive.open(db) as archive:
        have = archive.counts()["articles"]
        if have == articles:
            return 0.0
        if have:
            raise SystemExit(f"{db} holds {have} articles, not {articles}: remove it first")
        seen = datetime(2026, 1, 2, tzinfo=UTC)
        done = 0
        chunk: list[Any] = []
        for record in make_records(articles):
            chunk.append((record, None))
            if len(chunk) == 5000:
                archive.store_many(chunk, seen, batch=5000)
                done += len(chunk)
                chunk = []
                rate = done / (time.perf_counter() - started)
                print(f"  generated {done}/{articles} ({rate:.0f}/s)", file=sys.stderr)
        if chunk:
            archive.store_many(chunk, seen, batch=5000)
    return time.perf_counter() - started


# ----------------------------------------------------------------------------- jobs

JOB_PRELUDE = """
import resource, sys, time, json
sys.path.insert(0, {root!r})
started = time.perf_counter()
"""
JOB_EPILOGUE = """
elapsed = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": elapsed, "peak_mib": peak}))
"""

JOBS = {
    "export_parquet": """
from knotcrawl.cli import main
assert main(["export", "--db", {db!r}, "-o", {out!r} + ".parquet"]) == 0
""",
    "export_csv": """
from knotcrawl.cli import main
assert main(["export", "--db", {db!r}, "-o", {out!r} + ".csv"]) == 0
""",
    "export_jsonl": """
from knotcrawl.cli import main
assert main(["export", "--db", {db!r}, "-o", {out!r} + ".jsonl"]) == 0
""",
    "baseline_read_sql": """
import pandas as pd, sqlalchemy
engine = sqlalchemy.create_engine("sqlite:///" + {db!r})
frame = pd.read_sql("SELECT * FROM articles", engine)
frame.to_parquet({out!r} + ".baseline.parquet")
""",
    "stats": """
from knotcrawl.cli import main
import io, contextlib
with contextlib.redirect_stdout(io.StringIO()):
    assert main(["stats", "--db", {db!r}, "--json"]) == 0
""",
    "list_newest_50": """
from knotcrawl.cli import main
import io, contextlib
with contextlib.redirect_stdout(io.StringIO()):
    assert main(["list", "--db", {db!r}, "--json"]) == 0
""",
}


OUTPUTS = {
    "export_parquet": ".parquet",
    "export_csv": ".csv",
    "export_jsonl": ".jsonl",
    "baseline_read_sql": ".baseline.parquet",
}


def warm_cache(db: str) -> float:
    """Read the database file once (into the page cache); the seconds it took."""
    started = time.perf_counter()
    with open(db, "rb") as handle:
        while handle.read(16 * 2**20):
            pass
    return time.perf_counter() - started


def run_job(name: str, db: str, out: str) -> dict[str, float]:
    if name in OUTPUTS:
        Path(out + OUTPUTS[name]).unlink(missing_ok=True)
    code = JOB_PRELUDE.format(root=str(ROOT)) + JOBS[name].format(db=db, out=out) + JOB_EPILOGUE
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"{name} failed:\n{done.stderr}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def varied_queries(count: int = 100) -> list[tuple[str, Any]]:
    """The mix of ``bench/store.py``: words of middling frequency (ranks 30-800), rare ones
    (800-5,000) and common ones (0-30) only beside others; a phrase that occurs (two
    consecutive words of a generated sentence); prefixes; OR with a three-year date filter;
    AND NOT; a prefix with an edition filter. Half English, half Russian."""
    from knotcrawl.db.queries import Filters

    rng = random.Random(99)
    out: list[tuple[str, Any]] = []
    for k in range(count):
        edition = "en" if k % 2 else "ru"
        vocabulary = VOCABULARIES[edition]
        words = vocabulary.words
        common, mid = words[rng.randint(0, 30)], words[rng.randint(30, 800)]
        rare = words[rng.randint(800, 5000)]
        kind = k % 6
        if kind == 0:
            out.append((mid, Filters()))
        elif kind == 1:
            out.append((f"{rare[:3]}*", Filters()))
        elif kind == 2:
            sentence = vocabulary.sentence(rng).rstrip(".").lower().split()
            j = rng.randrange(len(sentence) - 1)
            out.append((f'"{sentence[j]} {sentence[j + 1]}"', Filters()))
        elif kind == 3:
            out.append((f"{mid} OR {rare}", Filters.make(since="2015", until="2018")))
        elif kind == 4:
            out.append((f"{common} {mid} NOT {rare}", Filters()))
        else:
            out.append((f"{common} AND {mid[:4]}*", Filters(edition=edition)))
    return out


def common_word_queries(count: int = 100) -> list[tuple[str, Any]]:
    """The worst case: words drawn with a Pareto weight from ranks 0-3,000, three in four of
    them among the ten most common (the stopwords of this vocabulary, in most articles)."""
    from knotcrawl.db.queries import Filters

    rng = random.Random(3)
    out: list[tuple[str, Any]] = []
    for i in range(count):
        words = VOCABULARIES["en" if i % 2 else "ru"].words
        a, b = (words[int(rng.paretovariate(0.6)) % 3000] for _ in range(2))
        kind = i % 5
        if kind == 0:
            out.append((a, Filters()))
        elif kind == 1:
            out.append((f'"{a} {b}"', Filters()))
        elif kind == 2:
            out.append((f"{a[:4]}*", Filters(edition="en" if i % 2 else "ru")))
        elif kind == 3:
            out.append((f"{a} OR {b}", Filters.make(since="2015", until="2018")))
        else:
            out.append((f"{a} NOT {b}", Filters()))
    return out


SEARCH_RUNS = (
    # (label, queries, ranking window: None ranks every match)
    ("varied queries, newest-2,000 window (default)", varied_queries, 2000),
    ("varied queries, every match ranked", varied_queries, None),
    ("common-word queries, newest-2,000 window", common_word_queries, 2000),
)


def search_latency(db: str) -> list[tuple[str, dict[str, float]]]:
    """Median, p95 and max ms of ``queries.search`` (top 20 with snippets), per run of
    :data:`SEARCH_RUNS`, in this process after a warm-up pass over each mix."""
    from knotcrawl.db import queries

    archive = queries.open_for_reading(db)
    results = []
    for label, make, window in SEARCH_RUNS:
        forms = make()
        for query, filters in forms:  # warm the page cache for these doclists
            queries.search(archive.engine, query, filters, limit=20, window=window)
        times = []
        slowest = ("", 0.0)
        for query, filters in forms:
            started = time.perf_counter()
            queries.search(archive.engine, query, filters, limit=20, window=window)
            elapsed = time.perf_counter() - started
            times.append(elapsed)
            slowest = max(slowest, (query, elapsed), key=lambda item: item[1])
        print(f"  {label}: slowest {slowest[0]!r} {slowest[1] * 1000:.0f} ms", file=sys.stderr)
        times.sort()
        results.append(
            (
                label,
                {
                    "median_ms": statistics.median(times) * 1000,
                    "p95_ms": times[int(len(times) * 0.95) - 1] * 1000,
                    "max_ms": times[-1] * 1000,
                },
            )
        )
    archive.close()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=500_000)
    parser.add_argument("--db", default="/tmp/knotcrawl-bench-query.sqlite")
    parser.add_argument("--out", default="/tmp/knotcrawl-bench-export")
    parser.add_argument(
        "--jobs",
        default=",".join([*JOBS, "search"]),
        help="which jobs to run, comma-separated (default: all; search = the latency run)",
    )
    args = parser.parse_args()
    jobs = [name for name in args.jobs.split(",") if name]
    unknown = sorted(set(jobs) - {*JOBS, "search"})
    if unknown:
        parser.error(f"unknown job {', '.join(unknown)} (known: {', '.join(JOBS)}, search)")
    print(f"archive: {args.db}, {args.articles} articles", file=sys.stderr)
    seconds = generate(args.db, args.articles)
    if seconds:
        print(f"generated in {seconds:.0f} s", file=sys.stderr)
    size = Path(args.db).stat().st_size / 2**20
    print(f"  read the database once in {warm_cache(args.db):.1f} s", file=sys.stderr)
    results: dict[str, dict[str, float]] = {}
    for name in jobs:
        if name in JOBS:
            results[name] = run_job(name, args.db, args.out)
            print(f"  {name}: {results[name]}", file=sys.stderr)
    latency = search_latency(args.db) if "search" in jobs else None
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    print(f"\narchive: {args.articles} articles, {size:.0f} MiB SQLite file; load average {load}\n")
    print("| job | seconds | articles/s | peak RSS (MiB) | output (MiB) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, r in results.items():
        out = Path(args.out + OUTPUTS[name]) if name in OUTPUTS else None
        size_text = f"{out.stat().st_size / 2**20:,.0f}" if out and out.exists() else "-"
        rate = args.articles / r["seconds"] if name in OUTPUTS else 0
        rate_text = f"{rate:,.0f}" if rate else "-"
        print(f"| {name} | {r['seconds']:.1f} | {rate_text} | {r['peak_mib']:,.0f} | {size_text} |")
    if latency is not None:
        print("\n| search, 100 queries (top 20 with snippets) | median | p95 | max |")
        print("| --- | ---: | ---: | ---: |")
        for label, r in latency:
            print(
                f"| {label} | {r['median_ms']:.1f} ms | {r['p95_ms']:.1f} ms "
                f"| {r['max_ms']:.1f} ms |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
