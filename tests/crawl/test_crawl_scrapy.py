"""`scrapy crawl <spider> -a ...` behaves like the command line; `knotcrawl demo` works."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime

from crawlkit import ROOT, assert_matches_truth, replica

from knotcrawl.replica import Replica, ReplicaConfig

NOW = datetime(2026, 2, 1, tzinfo=UTC)
CONFIG = {"seed": 8, "articles": 40, "now": NOW}


def _scrapy_crawl(workspace, *args: str) -> subprocess.CompletedProcess[str]:
    """``scrapy crawl ARGS…`` from the project directory, in the test's workspace."""
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", *args],
        cwd=ROOT,
        env=workspace.env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_scrapy_crawl_update(workspace):
    rep = Replica(ReplicaConfig(**CONFIG))
    truth = {("en", r.article_id): r for r in rep.truth("en")}
    with replica(**CONFIG) as server:
        proc = _scrapy_crawl(
            workspace,
            *("update", "-a", "edition=en", "-a", f"replica={server.proxy_url}"),
            *("-a", f"now={NOW.isoformat()}", "-a", f"db={workspace.db}", "-a", "sections=1"),
            *("-s", "LOG_LEVEL=WARNING"),
        )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().startswith(f"knotcrawl update: new={len(truth)} ")
    with workspace.archive() as archive:
        assert_matches_truth(archive, truth)
        assert archive.runs()[0]["status"] == "ok"


def test_scrapy_crawl_feed_export_writes_the_stored_records(workspace):
    """`scrapy crawl … -o items.jsonl` exports the article records the crawl stored, in the
    record contract's shape, as `knotcrawl export --format jsonl` would."""
    rep = Replica(ReplicaConfig(**CONFIG))
    newest = list(rep.truth("en"))[:3]
    feed = workspace.root / "items.jsonl"
    with replica(**CONFIG) as server:
        proc = _scrapy_crawl(
            workspace,
            *("articles", "-a", "targets=" + ",".join(f"en:{r.article_id}" for r in newest)),
            *("-a", f"replica={server.proxy_url}", "-a", f"db={workspace.db}", "-o", str(feed)),
        )
    assert proc.returncode == 0, proc.stderr
    exported = [json.loads(line) for line in feed.read_text(encoding="utf-8").splitlines()]
    with workspace.archive() as archive:
        stored = [archive.get("en", r.article_id) for r in newest]
    assert sorted(exported, key=lambda r: r["article_id"]) == sorted(
        (r.to_dict() for r in stored if r is not None), key=lambda r: r["article_id"]
    )


def test_demo(workspace):
    proc = subprocess.run(
        [sys.executable, "-m", "knotcrawl.cli", "demo", "--articles", "40"],
        cwd=workspace.root,
        env=workspace.env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("knotcrawl update: new=")
    assert lines[1].split() == ["edition", "articles", "with", "revisions", "gone"]
    assert lines[2].split()[0] == "en" and lines[3].split()[0] == "ru"
    assert lines[4] == "newest:" and len(lines) == 10
    assert (workspace.data / "knotcrawl.sqlite").exists()
    # Running it again is an incremental update: nothing new.
    again = subprocess.run(
        [sys.executable, "-m", "knotcrawl.cli", "demo", "--articles", "40"],
        cwd=workspace.root,
        env=workspace.env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("knotcrawl update: new=0 ")
