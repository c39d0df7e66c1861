"""`scrapy crawl <spider> -a ...` behaves like the command line; `knotcrawl demo` works."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

from crawlkit import ROOT, assert_matches_truth, replica

from knotcrawl.replica import Replica, ReplicaConfig

NOW = datetime(2026, 2, 1, tzinfo=UTC)
CONFIG = {"seed": 8, "articles": 40, "now": NOW}


def test_scrapy_crawl_update(workspace):
    rep = Replica(ReplicaConfig(**CONFIG))
    truth = {("en", r.article_id): r for r in rep.truth("en")}
    with replica(**CONFIG) as server:
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "scrapy",
                "crawl",
                "update",
                "-a",
                "edition=en",
                "-a",
                f"replica={server.proxy_url}",
                "-a",
                f"now={NOW.isoformat()}",
                "-a",
                f"db={workspace.db}",
                "-a",
                "sections=1",
                "-s",
                "LOG_LEVEL=WARNING",
            ],
            cwd=ROOT,
            env=workspace.env(),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().startswith(f"knotcrawl update: new={len(truth)} ")
    with workspace.archive() as archive:
        assert_matches_truth(archive, truth)
        assert archive.runs()[0]["status"] == "ok"


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
