"""URLs that robots.txt refuses: reported loudly by the run that first meets the refusal (exit
1), listed but failing no later run while it stands (cron would mail every hour about what
nobody can fix), and fetched by the first run after robots.txt allows them again."""

from __future__ import annotations

from datetime import UTC, datetime

from crawlkit import replica, summary_line

from knotcrawl.replica import Replica, ReplicaConfig

NOW = datetime(2026, 2, 1, tzinfo=UTC)
BASE = {"seed": 4, "articles": 120, "now": NOW}
EN = "http://www.eng.kavkaz-uzel.eu"


def test_a_standing_robots_refusal_fails_only_the_run_that_first_meets_it(workspace):
    second, first = Replica(ReplicaConfig(**BASE)).live_ids("en")[-2:]
    refused = {aid: f"{EN}/articles/{aid}" for aid in (first, second)}

    def update(*disallowed: int):
        paths = [f"/articles/{aid}" for aid in disallowed]
        with replica(**BASE, robots_disallow=paths) as server:
            # Every run rechecks every article: `second`, stored by the first run, is asked
            # for again by the third (the replica's articles are weeks apart).
            args = (
                "update",
                "--edition",
                "en",
                "--now",
                NOW.isoformat(),
                "--recheck-days",
                "36500",
            )
            return workspace.run(*args, "--replica", server.proxy_url)

    def refused_since() -> dict[str, datetime | None]:
        with workspace.archive() as archive:
            return {e.url: e.refused_since for e in archive.open_errors()}

    # The first refusal: a failure, said on stderr (cron's mail), exit 1.
    met = update(first)
    assert (met.status, met.stats.get("knotcrawl/robots/newly_refused")) == (1, 1), met.stderr
    assert "1 forbidden by robots.txt" in met.stderr
    since = refused_since()
    assert list(since) == [refused[first]] and since[refused[first]] is not None

    # Still refused: no failure, nothing on stderr, but counted, listed and in the summary.
    standing = update(first)
    assert (standing.status, standing.stderr) == (0, ""), standing.stderr
    assert standing.stats.get("knotcrawl/robots/still_refused") == 1
    assert refused_since() == since  # the same refusal, since the same moment
    assert " robots-refused=1 (since " in summary_line(standing)

    # A new refusal beside the standing one fails the run again, for the new URL alone.
    another = update(first, second)
    assert another.status == 1, another.stderr
    assert "knotcrawl update: 1 URL failed (1 forbidden by robots.txt)" in another.stderr
    assert " robots-refused=2 " in summary_line(another)

    # robots.txt allows them again: both are fetched and stored, and their entries go.
    allowed = update()
    assert allowed.status == 0, allowed.stderr
    assert "new=1 " in summary_line(allowed)  # `second` was stored by the first run
    assert refused_since() == {}


def test_a_refused_url_named_on_the_command_line_fails_every_run(workspace):
    # Asked for by name, the URL is what the user wants: a refusal is no standing state to
    # live with but the answer to the command, so no run of it ends 0 without the article.
    aid = Replica(ReplicaConfig(**BASE)).live_ids("en")[-1]
    url = f"{EN}/articles/{aid}"
    with replica(**BASE, robots_disallow=[f"/articles/{aid}"]) as server:
        runs = [workspace.run("crawl", url, "--replica", server.proxy_url) for _ in range(2)]
    assert [run.status for run in runs] == [1, 1], runs[1].stderr
    assert "1 forbidden by robots.txt" in runs[1].stderr
