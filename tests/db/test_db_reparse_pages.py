"""Reparse with the real extraction over real (replica) pages, on both databases."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from clikit import run_cli
from db_factory import end_lock_sessions

from knotcrawl.cli import main
from knotcrawl.db import Archive, RawPage
from knotcrawl.errors import UsageError
from knotcrawl.pages import PARSER_VERSION, parse_article
from knotcrawl.replica import Replica, ReplicaConfig

SEEN = datetime(2026, 2, 1, tzinfo=UTC)


def _pages(count: int = 15) -> list[tuple[str, bytes]]:
    replica = Replica(ReplicaConfig(seed=3, articles=60))
    pages = []
    for article_id in replica.live_ids("en")[:count]:
        url = f"http://www.eng.kavkaz-uzel.eu/articles/{article_id}"
        response = replica.respond("GET", "www.eng.kavkaz-uzel.eu", f"/articles/{article_id}")
        assert response.status == 200
        pages.append((url, response.body))
    return pages


def _raw(url: str, body: bytes, version: str) -> RawPage:
    return RawPage(url, 200, {"Content-Type": "text/html; charset=utf-8"}, body, SEEN, version)


def test_reparse_with_the_current_parser_changes_nothing(archive: Archive) -> None:
    for url, body in _pages():
        record = parse_article(body, url)
        archive.store(record, seen_at=SEEN, raw=_raw(url, body, PARSER_VERSION))

    report = archive.reparse(parse_article, PARSER_VERSION, redo=True)

    assert (report.pages, report.changed, report.failed) == (15, 0, 0)
    # Without redo, pages this parser version has read already are not read again.
    assert archive.reparse(parse_article, PARSER_VERSION).pages == 0


def test_reparse_repairs_what_an_older_parser_got_wrong(archive: Archive) -> None:
    pages = _pages()
    # An "older parser" that kept only the first paragraph of every body.
    for url, body in pages:
        good = parse_article(body, url)
        old = replace(good, body=good.body.split("\n\n")[0], content_hash="", parser_version="0.1")
        old.__post_init__()
        archive.store(old, seen_at=SEEN, raw=_raw(url, body, "0.1"))

    report = archive.reparse(parse_article, PARSER_VERSION)

    multi_paragraph = sum("\n\n" in parse_article(body, url).body for url, body in pages)
    assert report.changed == multi_paragraph > 0
    for url, body in pages:
        expected = parse_article(body, url)
        stored = archive.get(expected.edition, expected.article_id)
        assert stored is not None
        assert (stored.body, stored.parser_version) == (expected.body, PARSER_VERSION)
        assert archive.revisions(expected.edition, expected.article_id) == []


def _store_with_an_older_parser(archive: Archive, pages: list[tuple[str, bytes]]) -> None:
    """As a parser that kept only the first paragraph of every body would have stored them."""
    for url, body in pages:
        good = parse_article(body, url)
        old = replace(good, body=good.body.split("\n\n")[0], content_hash="", parser_version="0.1")
        old.__post_init__()
        archive.store(old, seen_at=SEEN, raw=_raw(url, body, "0.1"))


def _assert_repaired(archive: Archive, pages: list[tuple[str, bytes]]) -> None:
    for url, body in pages:
        expected = parse_article(body, url)
        stored = archive.get(expected.edition, expected.article_id)
        assert stored is not None
        assert (stored.body, stored.parser_version) == (expected.body, PARSER_VERSION)


def test_reparse_in_shards_reads_every_page_once(archive: Archive) -> None:
    pages = _pages()
    _store_with_an_older_parser(archive, pages)
    reports = [archive.reparse(parse_article, PARSER_VERSION, shard=(k, 3)) for k in range(3)]
    multi_paragraph = sum("\n\n" in parse_article(body, url).body for url, body in pages)
    assert [r.pages for r in reports] == [5, 5, 5]  # raw page ids 1..15, by id modulo 3
    total = reports[0]
    for report in reports[1:]:
        total.add(report)
    assert (total.pages, total.changed, total.failed) == (15, multi_paragraph, 0)
    _assert_repaired(archive, pages)


def test_an_interrupted_reparse_resumes_where_it_stopped(archive: Archive) -> None:
    pages = _pages()
    _store_with_an_older_parser(archive, pages)
    read: list[str] = []

    def parse_then_stop(body: bytes, url: str, headers: object = None) -> object:
        if len(read) == 4:  # Ctrl-C in the third batch of two
            raise KeyboardInterrupt
        read.append(url)
        return parse_article(body, url)

    with pytest.raises(KeyboardInterrupt):
        archive.reparse(parse_then_stop, PARSER_VERSION, batch=2)  # type: ignore[arg-type]

    # The two batches written before the interruption are not read again.
    report = archive.reparse(parse_article, PARSER_VERSION, batch=2)
    assert (report.pages, report.failed) == (11, 0)
    _assert_repaired(archive, pages)
    assert archive.reparse(parse_article, PARSER_VERSION).pages == 0


@pytest.mark.parametrize("shard", [(3, 3), (-1, 2)])
def test_a_shard_outside_its_count_is_refused(archive: Archive, shard: tuple[int, int]) -> None:
    with pytest.raises(UsageError, match="shard"):
        archive.reparse(parse_article, PARSER_VERSION, shard=shard)


def test_reparse_command_with_worker_processes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "k.sqlite")
    pages = _pages()
    with Archive.open(db) as archive:
        _store_with_an_older_parser(archive, pages)
    multi_paragraph = sum("\n\n" in parse_article(body, url).body for url, body in pages)
    assert main(["reparse", "--db", db, "--workers", "3", "--batch", "2"]) == 0
    assert (
        f"reparsed 15 pages with parser {PARSER_VERSION}: {multi_paragraph} changed, "
        f"{15 - multi_paragraph} unchanged, 0 failed"
    ) in capsys.readouterr().out
    with Archive.open(db) as archive:
        _assert_repaired(archive, pages)
    assert main(["reparse", "--db", db, "--workers", "3"]) == 0
    assert capsys.readouterr().out == (
        f"reparsed 0 pages with parser {PARSER_VERSION}: 0 changed, 0 unchanged, 0 failed; "
        "15 pages this parser had read already were left alone (--all reads them again)\n"
    )
    assert main(["reparse", "--db", db, "--workers", "3", "--all"]) == 0
    assert capsys.readouterr().out == (
        f"reparsed 15 pages with parser {PARSER_VERSION}: 0 changed, 15 unchanged, 0 failed\n"
    )
    assert main(["reparse", "--db", db, "--workers", "0"]) == 2
    assert "--workers must be at least 1" in capsys.readouterr().err
    # A thousand processes on a few cores would only thrash the machine: at most 4x the cores
    # (one core here, so that a regression starts five processes, not a thousand).
    monkeypatch.setattr("knotcrawl.commands.reparse.os.cpu_count", lambda: 1)
    assert main(["reparse", "--db", db, "--workers", "5"]) == 2
    assert "--workers 5: at most 4 on this machine" in capsys.readouterr().err


@pytest.mark.parametrize("workers", [1, 3])
def test_reparse_shows_its_progress_on_a_terminal(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    workers: int,
) -> None:
    db = str(tmp_path / "k.sqlite")
    with Archive.open(db) as archive:
        _store_with_an_older_parser(archive, _pages())
    monkeypatch.setenv("KNOTCRAWL_PROGRESS", "on")  # as on a terminal
    assert main(["reparse", "--db", db, "--workers", str(workers), "--batch", "2"]) == 0
    err = capsys.readouterr().err
    # In one process the first batch is drawn at once; worker processes report through
    # shared memory, drawn once a second and when they are done.
    first = (
        "\rreparse: 2 of 15 pages (13%) | "
        if workers == 1
        else "\rreparse: 15 of 15 pages (100%) | "
    )
    assert first in err
    assert err.endswith("\r")  # the line is cleared before the summary on stdout
    monkeypatch.setenv("KNOTCRAWL_PROGRESS", "off")
    assert main(["reparse", "--db", db, "--workers", str(workers)]) == 0
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("backend", [pytest.param("postgresql", marks=pytest.mark.postgres)])
@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_reparse_that_loses_its_lock_stops_with_one_line_and_writes_nothing(
    archive: Archive,
    db_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    workers: str,
) -> None:
    pages = _pages()
    _store_with_an_older_parser(archive, pages)
    count = Archive.reparse_pages

    def count_and_lose_the_lock(self: Archive, **filters: Any) -> int:
        # Counted under the lock, before any page is parsed: the server ends the lock's
        # session (idle_session_timeout, pg_terminate_backend, a restart).
        end_lock_sessions(self.engine)
        return count(self, **filters)

    monkeypatch.setattr(Archive, "reparse_pages", count_and_lose_the_lock)
    result = run_cli(capsys, "reparse", "--db", db_url, "--workers", workers, "--batch", "2")
    assert (result.status, result.err.count("\n")) == (1, 1), result.err
    assert result.err.startswith(f"knotcrawl reparse: lost the reparse lock on {archive.url}: ")
    assert {record.parser_version for record in archive.iter_records()} == {"0.1"}


def test_reparse_summary_groups_thousands_as_its_progress_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """One style of number in one command: the progress line says 2,627 pages, so the
    summary does not say 3036 (the counts come from the reparse itself, not formatted)."""
    from knotcrawl.commands import reparse
    from knotcrawl.db.types import ReparseReport

    db = str(tmp_path / "k.sqlite")
    with Archive.open(db) as archive:
        _store_with_an_older_parser(archive, _pages())
    big = ReparseReport(PARSER_VERSION, 3036, 1204, 1832, 0, 0, 1500, 1001)
    monkeypatch.setattr(reparse, "_reparse_shard", lambda *args, **kwargs: big)
    assert main(["reparse", "--db", db, "--workers", "1"]) == 0
    assert capsys.readouterr().out.startswith(
        f"reparsed 3,036 pages with parser {PARSER_VERSION}: 1,204 changed, 1,832 unchanged, "
        "0 failed; 1,500 pages of earlier revisions, 1,001 changed"
    )


def test_a_worker_whose_command_was_killed_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A command killed by SIGKILL (or the OOM killer) cannot stop its pool: its worker
    # processes live on, reparented. On SQLite their lock is a file lock that died with the
    # command, so they would write on, lockless, beside the next reparse. A worker checks
    # before each write that the process that started it is still its parent.
    from knotcrawl.commands import reparse as command
    from knotcrawl.errors import LockLost

    db = str(tmp_path / "k.sqlite")
    with Archive.open(db) as archive:
        _store_with_an_older_parser(archive, _pages())
    # What a worker process records when it starts (its SIGINT handler stays as it was):
    # the command's pid, given by the command (this process plays it).
    monkeypatch.setattr(command.signal, "signal", lambda *args: None)
    monkeypatch.setattr(command, "_PARENT", None, raising=False)  # restored afterwards
    monkeypatch.setattr(command, "_COUNTS", None)
    command._start_worker(None, os.getpid())
    monkeypatch.setattr(command.os, "getppid", lambda: 1)  # the command is gone
    options = {"edition": None, "since": None, "until": None, "batch": 5, "revisions": True}
    with pytest.raises(LockLost, match="gone"):
        command._reparse_shard(db, (0, 1), {**options, "redo": False}, None)
    with Archive.open(db) as archive:
        assert archive.reparse_pages(pending_for=PARSER_VERSION) == 15


def _workers_at_work(command: subprocess.Popen[str], db: str, count: int) -> list[int]:
    """The pids of the command's ``count`` worker processes, once each has opened the
    archive: it is in its share of the work."""
    deadline = time.monotonic() + 60
    while True:
        assert command.poll() is None, command.communicate()
        workers = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
                if parent != command.pid:
                    continue
                files = {os.readlink(fd) for fd in (stat.parent / "fd").iterdir()}
            except OSError:  # gone meanwhile
                continue
            if db in files:
                workers.append(int(stat.parent.name))
        if len(workers) == count:
            return workers
        assert time.monotonic() < deadline, f"{len(workers)} of {count} workers after 60 s"
        time.sleep(0.05)


def _start_reparse(db: str, workers: int) -> subprocess.Popen[str]:
    env = {**os.environ, "KNOTCRAWL_PROGRESS": "off"}
    return subprocess.Popen(
        [sys.executable, "-m", "knotcrawl.cli", "reparse", "--db", db, "--workers",
         str(workers), "--batch", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        start_new_session=True,
    )  # fmt: skip


@contextmanager
def _writes_held(db: str) -> Iterator[None]:
    """No process but this one may write the SQLite archive meanwhile: a reparse's workers
    read and parse, then wait at their first write (its busy timeout is 30 s)."""
    holder = sqlite3.connect(db, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def _end(command: subprocess.Popen[str]) -> tuple[str, str]:
    """The command's stdout and stderr, read to their end: once every process that holds
    them, the workers included, has exited (their whole process group killed after 60 s)."""
    try:
        return command.communicate(timeout=60)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(command.pid, signal.SIGKILL)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_the_workers_of_a_killed_reparse_exit_without_a_word(tmp_path: Path) -> None:
    # SIGKILL (or the OOM killer) on the command: its workers, each in its shard, find it gone
    # at their next write and stop. Nobody is left to hear from them: a traceback of the
    # pipe to the dead command ("BrokenPipeError") on the terminal or in cron's mail would
    # only alarm.
    db = str(tmp_path / "k.sqlite")
    with Archive.open(db) as archive:
        _store_with_an_older_parser(archive, _pages())
    with _writes_held(db):
        command = _start_reparse(db, 2)
        _workers_at_work(command, db, 2)
        command.kill()
        command.wait()
    _, err = _end(command)
    assert err == ""


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_a_reparse_whose_worker_dies_stops_with_one_line_and_resumes(tmp_path: Path) -> None:
    # A worker killed (the OOM killer) never reports: the command must not wait for it for
    # ever, holding the reparse lock, so that every later reparse exits 75.
    db = str(tmp_path / "k.sqlite")
    pages = _pages()
    with Archive.open(db) as archive:
        _store_with_an_older_parser(archive, pages)
    with _writes_held(db):
        command = _start_reparse(db, 2)
        os.kill(_workers_at_work(command, db, 2)[0], signal.SIGKILL)
    _, err = _end(command)
    assert (command.returncode, err.count("\n")) == (1, 1), err
    assert err.startswith("knotcrawl reparse: a reparse worker process died (SIGKILL)")
    assert main(["reparse", "--db", db, "--workers", "2"]) == 0
    with Archive.open(db) as archive:
        _assert_repaired(archive, pages)
