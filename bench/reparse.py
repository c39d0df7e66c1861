"""Reparse benchmark: memory stays flat however large the archive.

    .venv/bin/python bench/reparse.py [--sizes 2500,10000]

For each size: a SQLite archive of that many replica article pages (both editions, every
markup the canonical hosts serve) stored with their raw pages, then ``knotcrawl reparse`` run in
a fresh subprocess (``reparse --db``) whose peak resident memory is read from
``resource.getrusage(RUSAGE_CHILDREN)`` (with ``--workers`` above 1, the largest of its
processes). The baseline is the same subprocess doing nothing but
importing knotcrawl and opening the archive (``knotcrawl db counts``). Flat memory means the
reparse's peak minus the baseline does not grow with the archive.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from knotcrawl.db import Archive, RawPage
from knotcrawl.pages import PARSER_VERSION, parse_article
from knotcrawl.replica import Replica, ReplicaConfig

HOSTS = {"en": "www.eng.kavkaz-uzel.eu", "ru": "www.kavkaz-uzel.eu"}
SEEN = datetime(2026, 2, 1, tzinfo=UTC)


def build(path: Path, size: int) -> None:
    replica = Replica(ReplicaConfig(seed=11, articles=size // 2 + 50))
    pairs = []
    for edition, host in HOSTS.items():
        for article_id in replica.live_ids(edition)[: size // 2]:
            response = replica.respond("GET", host, f"/articles/{article_id}")
            url = f"http://{host}/articles/{article_id}"
            record = parse_article(response.body, url)
            raw = RawPage(url, 200, dict(response.headers), response.body, SEEN, PARSER_VERSION)
            pairs.append((record, raw))
    with Archive.open(f"sqlite:///{path}") as archive:
        archive.store_many(pairs, SEEN)


def peak_rss_mib(argv: list[str]) -> tuple[float, float]:
    """Run ``knotcrawl ARGV`` in a child; its peak RSS (MiB) and wall seconds."""
    code = (
        "import resource, subprocess, sys, time; t = time.perf_counter(); "
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, "
        "time.perf_counter() - t)"
    )
    knotcrawl = str(Path(sys.executable).with_name("knotcrawl"))
    out = subprocess.run(
        [sys.executable, "-c", code, knotcrawl, *argv], capture_output=True, text=True, check=True
    ).stdout.split()
    return float(out[0]), float(out[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="2500,10000")
    parser.add_argument(
        "--workers",
        default="1,2",
        help="`reparse --workers` values to run for each size (default 1,2); peak RSS is the "
        "largest process's",
    )
    args = parser.parse_args()
    print(
        f"{'articles':>9} {'workers':>8} {'build s':>8} {'baseline MiB':>13} "
        f"{'reparse MiB':>12} {'extra MiB':>10} {'reparse s':>10} {'pages/s':>8}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            path = Path(tmp) / f"reparse-{size}.sqlite"
            started = time.perf_counter()
            build(path, size)
            built = time.perf_counter() - started
            db = ["--db", str(path)]
            base, _ = peak_rss_mib(["db", "counts", *db])
            # Each run reads every page again (--all; the pages were stored by this parser
            # version, which a plain reparse skips): the same work each time.
            for workers in args.workers.split(","):
                peak, seconds = peak_rss_mib(["reparse", *db, "--all", "--workers", workers])
                print(
                    f"{size:>9} {workers:>8} {built:>8.1f} {base:>13.1f} {peak:>12.1f} "
                    f"{peak - base:>10.1f} {seconds:>10.1f} {size / seconds:>8.0f}"
                )


if __name__ == "__main__":
    main()
