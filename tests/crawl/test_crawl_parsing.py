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
from crawlkit import ROOT, assert_matches_truth, replica, replica_truth, summary_line
from scrapy.settings import Settings

from knotcrawl.crawling.options import FAST_SETTINGS
from knotcrawl.crawling.parsing import (
    ArticleParser,
    ParsedArticle,
    WorkerError,
    parse_article_response,
    workers_from_settings,
)
from knotcrawl.errors import UsageError
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
    """All pages at once, as a crawl hands them over; the parser closed in the loop, as the
    spider closes it."""

    async def run() -> list[ParsedArticle]:
        try:
            return list(await asyncio.gather(*(parser.parse(*page) for page in pages)))
        finally:
            parser.close()

    return asyncio.run(run())


def test_a_worker_gives_exactly_what_the_crawl_process_gives():
    pages = replica_pages() + FAILURES
    parser = ArticleParser(2)
    in_workers = parse_all(parser, pages)
    inline = [parse_article_response(*page) for page in pages]
    assert in_workers == inline
    assert parser.workers_lost is False
    assert sum(p.record is not None for p in inline) == len(pages) - len(FAILURES)
    assert [p.failure for p in inline[-2:]] == ["missing_fields", "not_an_article"]
    assert inline[-2].message.startswith("missing fields: ")
    assert inline[-1].message.startswith("not an article: ")


def test_no_worker_starts_before_the_first_page():
    """A run that parses no article (nothing new, listings only) starts no process."""
    parser = ArticleParser(2)
    assert parser.worker_pids == []
    parser.close()

    async def first_page() -> list[int]:
        try:
            await parser.parse(*replica_pages(1)[0])
            return parser.worker_pids
        finally:
            parser.close()

    parser = ArticleParser(2)
    assert len(asyncio.run(first_page())) == 2


def test_a_dead_worker_hands_the_rest_of_the_run_to_the_crawl_process(caplog):
    pages = replica_pages(2)
    parser = ArticleParser(1)

    async def run() -> list[ParsedArticle]:
        first = await parser.parse(*pages[0])
        (pid,) = parser.worker_pids
        os.kill(pid, signal.SIGKILL)
        # Pages handed to the worker as it dies, and pages after it died.
        held = [asyncio.ensure_future(parser.parse(*page)) for page in pages[1:4]]
        await asyncio.sleep(0.5)
        rest = [await parser.parse(*page) for page in pages[4:]]
        return [first, *[await f for f in held], *rest]

    try:
        # A page the dead worker held and nobody parsed again would wait for ever.
        parsed = asyncio.run(asyncio.wait_for(run(), 60))
    finally:
        parser.close()  # after the loop: the pipes close without it
    assert parser.workers_lost is True
    assert parser.worker_pids == []
    assert "parse worker" in caplog.text and "died" in caplog.text
    assert parsed == [parse_article_response(*page) for page in pages]


def test_an_error_of_the_page_objects_in_a_worker_is_raised_in_the_crawl():
    # No URL (None): a bug of the caller's kind, which the page objects do not catch.
    page = (b"<html><body><h1>x</h1><p>2 May 2020</p></body></html>", None, {})
    with pytest.raises(AttributeError):
        parse_article_response(*page)  # type: ignore[arg-type]
    parser = ArticleParser(1)

    async def run() -> ParsedArticle:
        try:
            with pytest.raises(WorkerError, match="AttributeError"):
                await parser.parse(*page)  # type: ignore[arg-type]
            # The worker lives on.
            return await parser.parse(*replica_pages(1)[0])
        finally:
            parser.close()

    assert asyncio.run(run()).record is not None
    assert parser.workers_lost is False


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
        "    async def main():\n"
        "        await parser.parse(b'', 'https://www.eng.kavkaz-uzel.eu/articles/1', {})\n"
        "        print(*parser.worker_pids, flush=True)\n"
        "        time.sleep(60)\n"
        "    asyncio.run(main())\n"
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


def test_a_worker_whose_crawl_died_while_it_parsed_exits_without_a_word(monkeypatch):
    # The crawl is killed (SIGKILL) while its worker parses a page: the worker's answer
    # meets a pipe nobody reads. It stops as it does when its task pipe ends, without a
    # traceback of the broken pipe on the terminal or in cron's mail.
    import multiprocessing
    import pickle

    from knotcrawl.crawling.parsing import _serve

    monkeypatch.setattr(signal, "signal", lambda *args: None)  # this process's Ctrl-C stays
    task_read, task_write = multiprocessing.Pipe(duplex=False)
    result_read, result_write = multiprocessing.Pipe(duplex=False)
    task_write.send_bytes(pickle.dumps((1, *replica_pages(1)[0])))
    task_write.close()
    result_read.close()  # the crawl is gone
    _serve(task_read, result_write)


@pytest.mark.parametrize("workers", [0, 2])
def test_a_crawl_with_or_without_parse_workers_equals_the_truth(workspace, workers):
    config = {"seed": 5, "articles": 60, "now": NOW}
    truth = replica_truth(**config)
    with replica(**config) as server:
        run = workspace.run(
            "update",
            "--replica",
            server.proxy_url,
            "--sections",
            "--now",
            NOW.isoformat(),
            "-s",
            f"KNOTCRAWL_PARSE_WORKERS={workers}",
        )
    assert run.status == 0, run.stderr
    assert f"new={len(truth)} " in summary_line(run)
    assert run.stats["knotcrawl/parse/workers"] == workers
    assert "knotcrawl/parse/workers_lost" not in run.stats
    assert run.stats["knotcrawl/stored/new"] == len(truth)
    with workspace.archive() as archive:
        assert_matches_truth(archive, truth)


def settings(**values: object) -> Settings:
    out = Settings()
    out.setmodule("knotcrawl.settings")
    out.setdict(values)
    return out


@pytest.mark.parametrize(
    ("values", "cores", "workers"),
    [
        ({}, 8, 0),  # the polite defaults for the real sites
        (FAST_SETTINGS, 8, 1),  # the replica: no delay, no AutoThrottle
        (FAST_SETTINGS, 1, 0),  # ... but one core only
        ({"DOWNLOAD_DELAY": 0}, 8, 0),  # AutoThrottle still on
        ({"KNOTCRAWL_PARSE_WORKERS": "3"}, 8, 3),
        ({"KNOTCRAWL_PARSE_WORKERS": 0, **FAST_SETTINGS}, 8, 0),
        ({"KNOTCRAWL_PARSE_WORKERS": "AUTO", **FAST_SETTINGS}, 8, 1),
    ],
)
def test_parse_workers_from_settings(monkeypatch, values, cores, workers):
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    assert workers_from_settings(settings(**values)) == workers


@pytest.mark.parametrize("value", ["-1", "two", "1.5", ""])
def test_a_bad_parse_workers_value_is_a_usage_error(value, workspace):
    with pytest.raises(UsageError, match="KNOTCRAWL_PARSE_WORKERS"):
        workers_from_settings(settings(KNOTCRAWL_PARSE_WORKERS=value))
    run = workspace.run(
        "update", "--replica", "http://127.0.0.1:9", "-s", f"KNOTCRAWL_PARSE_WORKERS={value}"
    )
    assert run.status == 2
    assert "KNOTCRAWL_PARSE_WORKERS" in run.stderr
