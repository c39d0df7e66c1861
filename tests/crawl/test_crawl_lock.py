"""Two concurrent updates on one archive: the second exits at once with status 75."""

from __future__ import annotations

from datetime import UTC, datetime

from crawlkit import replica, wait_for

NOW = datetime(2026, 2, 1, tzinfo=UTC)
CONFIG = {"seed": 7, "articles": 20, "now": NOW, "faults": ["/articles/*=slow:0.1"]}


def test_second_update_exits_75(workspace):
    with replica(**CONFIG) as server:
        first = workspace.start(
            "update",
            "--replica",
            server.proxy_url,
            "--now",
            NOW.isoformat(),
            "-s",
            "CONCURRENT_REQUESTS=1",
        )
        lock = workspace.data / "knotcrawl.sqlite.crawl.lock"
        wait_for(first, lambda: lock.exists() and lock.read_text().strip(), timeout=60)
        second = workspace.run("update", "--replica", server.proxy_url, "--now", NOW.isoformat())
        assert second.status == 75
        assert "lock" in second.stderr and second.stderr.count("\n") == 1
        assert second.stdout == ""
        out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert out.startswith("knotcrawl update: new=")
    with workspace.archive() as archive:
        assert [r["status"] for r in archive.runs()] == ["ok"]


def test_demo_says_the_lock_is_held_before_it_serves_anything(workspace):
    with workspace.archive() as archive, archive.lock("crawl"):
        demo = workspace.run("demo")
    assert demo.status == 75
    assert "holds the crawl lock" in demo.stderr
    # One line: the replica never started, so nothing says where it was served.
    assert demo.stderr.count("\n") == 1 and "replica" not in demo.stderr
    assert demo.stdout == ""
