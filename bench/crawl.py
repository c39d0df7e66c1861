"""Crawl benchmark: knotcrawl against a bare Scrapy spider on the same URLs, update costs, memory.

    .venv/bin/python bench/crawl.py [--articles 20000] [--edition en]

1. Starts a replica (politeness off) with ``--articles`` articles per edition.
2. ``knotcrawl update`` on an empty SQLite archive: all listing pages and every article of the
   edition, parsed and stored. Pages/s and the peak RSS of the crawl process are measured.
3. A bare Scrapy spider fetches the same URLs through the same proxy with the same concurrency
   and does nothing with them: the ceiling that the replica, Scrapy and this machine allow.
4. ``knotcrawl update`` again after the replica's clock has moved so that n = 0, 10 and 100 new
   articles appeared (each from a copy of the archive from step 2): the requests it makes.

No number is asserted anywhere; paste the table into docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 2, 1, tzinfo=UTC)
CONCURRENCY = 32


def run_measured(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[int, float, int, str]:
    """Run ``cmd``; return (exit status, seconds, peak RSS in MiB, stdout)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    out = proc.stdout.read() if proc.stdout else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, elapsed, usage.ru_maxrss // 1024, out


def last_stats(path: Path) -> dict[str, Any]:
    lines = path.read_text().splitlines()
    return json.loads(lines[-1])["stats"]


def baseline_spider(urls_file: str, proxy: str) -> None:
    """A bare Scrapy spider: fetch the URLs through the proxy, do nothing with the pages."""
    import scrapy
    from scrapy.crawler import AsyncCrawlerProcess

    urls = Path(urls_file).read_text().split()

    class Bare(scrapy.Spider):
        name = "bare"

        async def start(self):
            for url in urls:
                yield scrapy.Request(
                    url, meta={"proxy": proxy}, dont_filter=True, callback=self.parse
                )

        def parse(self, response: Any) -> None:
            return None

    process = AsyncCrawlerProcess(
        {
            "ROBOTSTXT_OBEY": False,
            "CONCURRENT_REQUESTS": CONCURRENCY,
            "CONCURRENT_REQUESTS_PER_DOMAIN": CONCURRENCY,
            "DOWNLOAD_DELAY": 0,
            "AUTOTHROTTLE_ENABLED": False,
            "LOG_LEVEL": "WARNING",
            "TELNETCONSOLE_ENABLED": False,
        }
    )
    process.crawl(Bare)
    process.start()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--edition", choices=("en", "ru"), default="en")
    parser.add_argument(
        "--parse-workers",
        default="auto",
        help="KNOTCRAWL_PARSE_WORKERS for the knotcrawl crawls (default auto: one worker for "
        "this unthrottled crawl; 0 parses in the crawl's process)",
    )
    parser.add_argument("--baseline", nargs=2, metavar=("URLS", "PROXY"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.baseline:
        baseline_spider(*args.baseline)
        return

    from knotcrawl.replica import Replica, ReplicaConfig, serve_in_thread
    from knotcrawl.replica.catalog import from_epoch

    work = Path(tempfile.mkdtemp(prefix="knotcrawl-bench-"))
    env = dict(os.environ, KNOTCRAWL_DATA_DIR=str(work / "data"), KNOTCRAWL_PROGRESS="off")
    env.pop("KNOTCRAWL_DATABASE_URL", None)
    (work / "data").mkdir()
    db = work / "data" / "knotcrawl.sqlite"
    stats_file = work / "stats.jsonl"
    python = sys.executable
    fast = [
        "-s",
        f"CONCURRENT_REQUESTS={CONCURRENCY}",
        "-s",
        f"CONCURRENT_REQUESTS_PER_DOMAIN={CONCURRENCY}",
        "-s",
        f"KNOTCRAWL_STATS_FILE={stats_file}",
        "-s",
        f"KNOTCRAWL_PARSE_WORKERS={args.parse_workers}",
    ]
    config = ReplicaConfig(seed=1, articles=args.articles, now=NOW)
    rows: list[tuple[str, str]] = []
    with serve_in_thread(config) as server:
        cmd = [
            python,
            "-m",
            "knotcrawl.cli",
            "update",
            "--edition",
            args.edition,
            "--replica",
            server.proxy_url,
            "--now",
            NOW.isoformat(),
            "--db",
            str(db),
            *fast,
        ]
        status, seconds, rss, out = run_measured(cmd, env, ROOT)
        stats = last_stats(stats_file)
        requests = int(stats["downloader/request_count"])
        rows.append(("knotcrawl update, empty archive", out.strip()))
        rows.append(
            (
                "  requests / seconds / pages/s / peak RSS",
                f"{requests} / {seconds:.1f} s / {requests / seconds:.0f} / {rss} MiB",
            )
        )
        print(out.strip(), f"status={status}", file=sys.stderr)

        # The same URLs for the bare spider: every listing page walked and every article.
        rep = Replica(config)
        path = "/rubric/11" if args.edition == "en" else "/articles"
        host = (
            "http://www.eng.kavkaz-uzel.eu" if args.edition == "en" else "http://www.kavkaz-uzel.eu"
        )
        pages = rep.listing_pages(path, args.edition)
        urls = [f"{host}{path}" + (f"?page={p}" if p > 1 else "") for p in range(1, pages + 2)]
        urls += [f"{host}/articles/{i}" for i in rep.live_ids(args.edition)]
        if args.edition == "ru":
            urls.append(f"{host}/articles.rss")
        urls_file = work / "urls.txt"
        urls_file.write_text("\n".join(urls))
        cmd = [
            python,
            str(Path(__file__).resolve()),
            "--baseline",
            str(urls_file),
            server.proxy_url,
        ]
        _, bare_seconds, bare_rss, _ = run_measured(cmd, env, ROOT)
        rows.append(
            (
                "bare Scrapy spider, same URLs",
                f"{len(urls)} / {bare_seconds:.1f} s / {len(urls) / bare_seconds:.0f} / "
                f"{bare_rss} MiB",
            )
        )
        rows.append(
            (
                "  knotcrawl / bare (pages/s)",
                f"{(requests / seconds) / (len(urls) / bare_seconds):.2f}",
            )
        )

    # Update costs after n new articles.
    # The schedule after ``NOW`` (the same random stream, a later horizon).
    from knotcrawl.replica.catalog import Catalog

    later = Catalog(ReplicaConfig(seed=1, articles=args.articles, now=NOW + timedelta(days=900)))
    cat = later.edition(args.edition)
    base = cat.count_until(int(NOW.timestamp()))
    # Each n twice: the default run (which also re-fetches the last 7 days to catch edits) and
    # --recheck-days 0, whose requests must be exactly the new articles, the listing pages
    # holding them and the overlap (plus robots.txt).
    counts = (0, 10, 100)[: 0 if os.environ.get("BENCH_SKIP_UPDATES") else 3]
    for n, recheck in [(n, recheck) for n in counts for recheck in (None, 0)]:
        now = NOW if n == 0 else from_epoch(cat.published[base + n - 1]) + timedelta(seconds=30)
        copy = work / "data" / f"update-{n}-{recheck}.sqlite"
        shutil.copy(db, copy)
        with serve_in_thread(ReplicaConfig(seed=1, articles=args.articles, now=now)) as server:
            cmd = [
                python,
                "-m",
                "knotcrawl.cli",
                "update",
                "--edition",
                args.edition,
                "--replica",
                server.proxy_url,
                "--now",
                now.isoformat(),
                "--db",
                str(copy),
                *fast,
                *([] if recheck is None else ["--recheck-days", str(recheck)]),
            ]
            status, seconds, rss, out = run_measured(cmd, env, ROOT)
        stats = last_stats(stats_file)
        how = "default" if recheck is None else f"--recheck-days {recheck}"
        rows.append(
            (
                f"update after n={n} new ({how})",
                f"{out.strip()} (status {status}, "
                f"listing pages {stats.get('knotcrawl/update/listing_pages', 0)}, "
                f"robots.txt {stats.get('robotstxt/request_count', 0)}, "
                f"peak RSS {rss} MiB)",
            )
        )
    shutil.rmtree(work, ignore_errors=True)
    print(
        f"\n## Crawling ({args.articles} articles, edition {args.edition}, "
        f"concurrency {CONCURRENCY}, parse workers {args.parse_workers})\n"
    )
    for name, value in rows:
        print(f"- {name}: {value}")


if __name__ == "__main__":
    main()
