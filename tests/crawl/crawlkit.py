"""Helpers of the end-to-end crawl tests: the replica on loopback, the CLI in subprocesses."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from knotcrawl.record import CRAWL_ONLY_FIELDS, RECORD_FIELDS

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class CrawlRun:
    status: int
    stdout: str
    stderr: str
    stats: dict[str, Any]
    counts: dict[str, int]

    @property
    def requests(self) -> int:
        return int(self.stats.get("downloader/request_count", 0))


class Workspace:
    """A data directory (archive, jobs, logs) and a way to run ``knotcrawl`` in it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "data"
        self.data.mkdir(parents=True, exist_ok=True)
        self.db = str(self.data / "knotcrawl.sqlite")

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["KNOTCRAWL_DATA_DIR"] = str(self.data)
        env["KNOTCRAWL_PROGRESS"] = "off"
        env.pop("KNOTCRAWL_DATABASE_URL", None)
        return env

    def command(self, *args: str, stats: bool = True, entry: list[str] | None = None) -> list[str]:
        """``python -m knotcrawl.cli ARGS`` (or ``python ENTRY ARGS``, e.g. ``-c CODE``)."""
        cmd = [sys.executable, *(entry or ["-m", "knotcrawl.cli"]), *args]
        if stats and args and args[0] in ("update", "crawl"):
            cmd += ["-s", f"KNOTCRAWL_STATS_FILE={self.stats_file}", "-s", "KNOTCRAWL_PROGRESS=off"]
        return cmd

    @property
    def stats_file(self) -> Path:
        return self.root / "stats.jsonl"

    def start(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            self.command(*args),
            cwd=self.root,
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def run(self, *args: str, timeout: float = 180, entry: list[str] | None = None) -> CrawlRun:
        self.stats_file.unlink(missing_ok=True)
        proc = subprocess.run(
            self.command(*args, entry=entry),
            cwd=self.root,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        stats: dict[str, Any] = {}
        counts: dict[str, int] = {}
        if self.stats_file.exists():
            lines = self.stats_file.read_text().splitlines()
            if lines:
                last = json.loads(lines[-1])
                stats, counts = last["stats"], last["counts"]
        return CrawlRun(proc.returncode, proc.stdout, proc.stderr, stats, counts)

    def archive(self) -> Any:
        from knotcrawl.db import Archive

        return Archive.open(self.db)


def wait_for(proc: subprocess.Popen[str], ready: Callable[[], Any], timeout: float = 120) -> Any:
    """Poll ``ready()`` while the crawl ``proc`` runs; its first truthy answer. A crawl that
    ends first, or a wait past ``timeout`` seconds, fails the test."""
    deadline = time.monotonic() + timeout
    while not (answer := ready()):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, f"not ready after {timeout} s"
        time.sleep(0.05)
    return answer


def read_job(workspace: Workspace, query: str, params: tuple[Any, ...] = ()) -> list[Any] | None:
    """The rows ``query`` reads from the running job's frontier file (read-only), or ``None``
    while there is none yet, or while the job is still creating it or holds it locked."""
    for path in (workspace.data / "jobs").glob("*.sqlite"):
        try:
            with contextlib.closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as db:
                return db.execute(query, params).fetchall()
        except sqlite3.OperationalError:
            continue
    return None


@contextmanager
def replica(**config: Any) -> Iterator[Any]:
    from knotcrawl.replica import ReplicaConfig, serve_in_thread

    with serve_in_thread(ReplicaConfig(**config), host="127.0.0.1", port=0) as server:
        yield server


@dataclass
class AlteredReplica:
    """A served replica (``server.replica = Altered(server.replica, ...)``) whose answers a
    test changes: a subclass overrides ``respond``; everything else is the replica's."""

    replica: Any

    def respond(self, method: str, host: str, target: str, *args: Any, **kwargs: Any) -> Any:
        return self.replica.respond(method, host, target, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.replica, name)


def replica_truth(
    editions: tuple[str, ...] = ("en", "ru"), **config: Any
) -> dict[tuple[str, int], Any]:
    """The replica's records for ``config``, by (edition, article id)."""
    from knotcrawl.replica import Replica, ReplicaConfig

    rep = Replica(ReplicaConfig(**config))
    return {(r.edition, r.article_id): r for ed in editions for r in rep.truth(ed)}


def comparable(record: Any, skip: frozenset[str] = frozenset()) -> dict[str, Any]:
    data = record.to_dict()
    return {k: data[k] for k in RECORD_FIELDS if k not in CRAWL_ONLY_FIELDS and k not in skip}


def assert_matches_truth(
    archive: Any, truth: dict[tuple[str, int], Any], skip: frozenset[str] = frozenset()
) -> None:
    """Every truth record is in the archive with equal fields (except crawl-only ones)."""
    problems = []
    for (edition, article_id), expected in sorted(truth.items()):
        got = archive.get(edition, article_id)
        if got is None:
            problems.append(f"{edition}/{article_id}: missing")
            continue
        want, have = comparable(expected, skip), comparable(got, skip)
        for name in want:
            if want[name] != have[name]:
                problems.append(
                    f"{edition}/{article_id}.{name}: {want[name]!r:.120} != {have[name]!r:.120}"
                )
    assert not problems, f"{len(problems)} differences:\n" + "\n".join(problems[:20])


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def summary_line(run: CrawlRun) -> str:
    lines = [line for line in run.stdout.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one summary line on stdout, got {run.stdout!r}"
    return lines[0]
