"""Article pages parsed in worker processes (KNOTCRAWL_PARSE_WORKERS) give what the crawl's own
process gives, survive a dead worker, and leave no worker behind a killed crawl."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from crawlkit import ROOT, assert_matches_truth, replica, summary_line

from knotcrawl.crawling.parsing import ArticleParser, ParsedArticle, parse_article_response
from knotcrawl.replica import Replica, ReplicaConfig

NOW = datetime(2026, 2, 1, tzinfo=UTC)
HOSTS = {"en": "www.eng.kavkaz-uzel.eu", "ru": "www.kavkaz-uzel.eu"}


def replica_pages(count: int = 6) -> list[tuple[bytes, str, dict[str, str]]]:
    """Article pages of both editions in every markup the replica serves for them."""
    rep = Replica(ReplicaConfig(seed=4, articles=20, now=NOW))
    pages = []
    for edition, host in HOSTS.items():
        for truth in list(rep.truth(edition))[:count]:
            for markup in rep.article_markups(edition):
                if markup in ("ru-mobile", "ru-amp"):
                    continue  # served on their own hosts; the desktop page covers the edition
                path = f"/articles/{truth.article_id}"
                response = rep.respond("GET", host, path, markup=markup)
                pages.append((response.body, f"https://{host}{path}", dict(response.headers)))
    return pages


FAILURES = [
    # A page whose text has no date: required fields missing.
    (
        b"<html><head><title>A title</title></head><body><h1>A title</h1>"
        b"<p>Some words without any date at all.</p></body></html>",
        "https://www.eng.kavkaz-uzel.eu/articles/70001",
        {"Content-Type": "text/html; charset=utf-8"},
    ),
    # Nothing at all: not an article.
    (b"", "https://www.eng.kavkaz-uzel.eu/articles/70002", {}),
]


def parse_all(parser: ArticleParser, pages: list[tuple[bytes, str, dict[str, str]]]) -> list:
    async def run() -> list[ParsedArticle]:
        return list(await asyncio.gather(*(parser.parse(*page) for page in pages)))

    return asyncio.run(run())


def test_a_worker_gives_exactly_what_the_crawl_process_gives():
    pages = replica_pages() + FAILURES
    parser = ArticleParser(2)
    try:
        in_workers = parse_all(parser, pages)
    finally:
        parser.close()
    inline = [parse_article_response(*page) for page in pages]
    assert in_workers == inline
    assert parser.workers_lost is False
    assert sum(p.record is not None for p in inline) == len(pages) - len(FAILURES)
    assert [p.failure for p in inline[-2:]] == ["missing_fields", "not_an_article"]
    assert inline[-2].message.startswith("missing fields: ")
    assert inline[-1].message.startswith("not an article: ")


def test_a_dead_worker_hands_the_rest_of_the_run_to_the_crawl_process(caplog):
    pages = replica_pages(2)
    parser = ArticleParser(1)
    try:
        first = parse_all(parser, pages[:1])
        assert parser._pool is not None
        for pid in list(parser._pool._processes):  # type: ignore[union-attr]
            os.kill(pid, signal.SIGKILL)
        time.sleep(0.5)
        rest = parse_all(parser, pages[1:])
    finally:
        parser.close()
    assert parser.workers_lost is True
    assert "a parse worker died" in caplog.text
    assert first + rest == [parse_article_response(*page) for page in pages]


def _state(pid: int) -> str | None:
    """The process's state letter, None once it is gone (a zombie counts as gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("State:"):
                state = line.split()[1]
                return None if state in ("Z", "X") else state
    except FileNotFoundError:
        return None
    return None


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")
def test_workers_stop_when_the_crawl_process_is_killed(tmp_path):
    script = tmp_path / "crawl.py"
    script.write_text(
        "import asyncio, time\n"
        "from knotcrawl.crawling.parsing import ArticleParser\n"
        "if __name__ == '__main__':\n"
        "    parser = ArticleParser(1)\n"
        "    asyncio.run(parser.parse(b'', 'https://www.eng.kavkaz-uzel.eu/articles/1', {}))\n"
        "    print(*parser._pool._processes, flush=True)\n"
        "    time.sleep(60)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, str(script)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    worker = int(proc.stdout.readline())
    assert _state(worker) is not None
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 10
    while _state(worker) is not None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _state(worker) is None


def test_a_crawl_with_parse_workers_equals_the_truth(workspace):
    config = {"seed": 5, "articles": 60, "now": NOW}
    truth = {
        (r.edition, r.article_id): r
        for ed in ("en", "ru")
        for r in Replica(ReplicaConfig(**config)).truth(ed)
    }
    with replica(**config) as server:
        run = workspace.run(
            "update",
            "--replica",
            server.proxy_url,
            "--sections",
            "--now",
            NOW.isoformat(),
            "-s",
            "KNOTCRAWL_PARSE_WORKERS=2",
        )
    assert run.status == 0, run.stderr
    assert f"new={len(truth)} " in summary_line(run)
    assert run.stats["knotcrawl/parse/workers"] == 2
    assert "knotcrawl/parse/workers_lost" not in run.stats
    assert run.stats["knotcrawl/stored/new"] == len(truth)
    with workspace.archive() as archive:
        assert_matches_truth(archive, truth)
