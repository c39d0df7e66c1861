"""`update` after the replica's clock moved forward: exactly the new articles, the listing pages
needed and the recheck window are fetched; edits become revisions, deletions are marked gone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import takewhile

from crawlkit import assert_matches_truth, replica, summary_line

from knotcrawl.replica import Replica, ReplicaConfig

SEED, ARTICLES = 1, 300
T0 = datetime(2024, 4, 17, tzinfo=UTC)  # EN 67391 published (deleted 2024-04-18)
T1 = datetime(2024, 7, 17, tzinfo=UTC)  # EN 68094 published 07-16 (edited 07-19)
T2 = datetime(2024, 7, 20, tzinfo=UTC)
ALL_NEWS = {"en": "/rubric/11", "ru": "/articles"}


def plan(
    rep: Replica,
    archive,
    now: datetime,
    recheck_days: float,
    overlap: int = 2,
    previous: datetime | None = None,
):
    """What an update must fetch: (requests, new ids, recheck ids) by the documented rules;
    ``previous``: the time of the last finished update."""
    requests = 2 + 1  # robots.txt of both hosts, the RU feed
    new: set[tuple[str, int]] = set()
    recheck: set[tuple[str, int]] = set()
    for edition, path in ALL_NEWS.items():
        known = archive.known_ids(edition)
        seen: set[int] = set()
        stale, page = 0, 1
        while True:
            requests += 1
            items = rep.listing_truth(path, page).items
            if not items:
                break
            fresh = [
                i.article_id
                for i in items
                if i.article_id not in known and i.article_id not in seen
            ]
            seen.update(fresh)
            stale = 0 if fresh else stale + 1
            if stale >= overlap:
                break
            page += 1
        if edition == "ru":
            seen.update(
                i.article_id
                for i in rep.listing_truth("/articles.rss").items
                if i.article_id not in known
            )
        new.update((edition, i) for i in seen)
        since = min(now, previous or now) - timedelta(days=recheck_days)
        recheck.update((edition, i) for i in archive.ids_published_since(edition, since))
    return requests + len(new) + len(recheck), new, recheck


def config(now: datetime) -> dict:
    return {"seed": SEED, "articles": ARTICLES, "now": now}


def truth_of(now: datetime) -> dict:
    rep = Replica(ReplicaConfig(**config(now)))
    return {(r.edition, r.article_id): r for ed in ("en", "ru") for r in rep.truth(ed)}


def test_update_after_time_moves_forward(workspace):
    skip = frozenset({"sections"})  # update walks only the all-news listings
    with replica(**config(T0)) as server:
        run = workspace.run("update", "--replica", server.proxy_url, "--now", T0.isoformat())
        assert run.status == 0, run.stderr
    with workspace.archive() as archive:
        assert_matches_truth(archive, truth_of(T0), skip)
        assert archive.has("en", 67391)

    # Three months later: new articles; EN 67391 was deleted in between.
    rep1 = Replica(ReplicaConfig(**config(T1)))
    with workspace.archive() as archive:
        expected, new, recheck = plan(rep1, archive, T1, 100, previous=T0)
    assert new and ("en", 67391) in recheck
    with replica(**config(T1)) as server:
        run = workspace.run(
            "update",
            "--replica",
            server.proxy_url,
            "--now",
            T1.isoformat(),
            "--recheck-days",
            "100",
        )
    assert run.status == 0, run.stderr
    assert run.requests == expected
    assert f"new={len(new)} " in summary_line(run)
    assert "gone=1 " in summary_line(run)
    truth1 = truth_of(T1)
    with workspace.archive() as archive:
        assert archive.is_gone("en", 67391)
        assert_matches_truth(archive, {k: v for k, v in truth1.items() if k in new | recheck}, skip)
        assert archive.has("en", 68094) and not archive.revisions("en", 68094)

    # The same update again: the gone article is rechecked again but counted by no run but the
    # one that saw it go.
    with replica(**config(T1)) as server:
        again = workspace.run(
            "update", "--replica", server.proxy_url, "--now", T1.isoformat(),
            "--recheck-days", "100",
        )  # fmt: skip
    assert again.status == 0, again.stderr
    assert "new=0 updated=0 " in summary_line(again) and " gone=0 " in summary_line(again)
    assert again.stats["knotcrawl/gone/already"] == 1

    # Three days later: EN 68094 was edited.
    rep2 = Replica(ReplicaConfig(**config(T2)))
    with workspace.archive() as archive:
        expected, new, recheck = plan(rep2, archive, T2, 7, previous=T1)
    assert ("en", 68094) in recheck
    with replica(**config(T2)) as server:
        run = workspace.run("update", "--replica", server.proxy_url, "--now", T2.isoformat())
    assert run.status == 0, run.stderr
    assert run.requests == expected
    assert "updated=1 " in summary_line(run)
    with workspace.archive() as archive:
        revisions = archive.revisions("en", 68094)
        assert len(revisions) == 1
        assert revisions[0].record.content_hash != archive.get("en", 68094).content_hash
        assert_matches_truth(
            archive, {k: v for k, v in truth_of(T2).items() if k in new | recheck}, skip
        )


def test_update_after_a_month_without_runs_rechecks_from_the_last_run(workspace):
    """Cron stopped for a month: the articles of the week before the last update were never
    fetched at seven days of age, so edits made since are caught only if the recheck window
    runs from the last finished update, not from now."""
    dense = {"seed": SEED, "articles": 20000}
    start, stop = datetime(2024, 2, 10, tzinfo=UTC), datetime(2024, 3, 11, tzinfo=UTC)
    before = Replica(ReplicaConfig(**dense, now=start))
    after = Replica(ReplicaConfig(**dense, now=stop))
    week = {
        (r.edition, r.article_id): r
        for ed in ("en", "ru")
        for r in takewhile(lambda r: r.published_at >= "2024-02-03T00:00:00Z", before.truth(ed))
    }
    edited = {
        key
        for key in week
        if (later := after.truth_of(*key)) and later.content_hash != week[key].content_hash
    }
    assert edited == {("en", 63659), ("en", 63647)}  # the case this test is about
    with replica(**dense, now=start) as server:
        args = ("--replica", server.proxy_url, "--now", start.isoformat())
        # A month: more than the two listing pages of known articles that end an update's walk.
        assert workspace.run("crawl", "--since", "2024-01-10", *args).status == 0
    # The last update's ledger row, as an update at `start` leaves it (a real one would walk
    # the whole all-news listing here: the archive holds only the last month).
    with workspace.archive() as archive:
        run = archive.start_run("update", {"editions": ["en", "ru"], "now": start.isoformat()})
        archive.finish_run(run, "ok", {}, 0)
    with replica(**dense, now=stop) as server:
        run = workspace.run("update", "--replica", server.proxy_url, "--now", stop.isoformat())
    assert run.status == 0, run.stderr
    with workspace.archive() as archive:
        for key in edited:
            assert len(archive.revisions(*key)) == 1
            assert archive.get(*key).content_hash == after.truth_of(*key).content_hash
        assert_matches_truth(
            archive,
            {key: after.truth_of(*key) for key in week},
            frozenset({"sections", "lead"}),
        )


def test_update_after_a_short_crawl_does_not_backfill_the_site(workspace):
    """`crawl --since` of one day, then `update`: the update fetches what is newer than the
    archive's edge (its newest article less the recheck window), not the whole site because
    the archive lacks the older articles."""
    since = T1 - timedelta(days=2)
    with replica(**config(T1)) as server:
        crawl = workspace.run(
            "crawl", "--replica", server.proxy_url, "--now", T1.isoformat(),
            "--since", since.date().isoformat(),
        )  # fmt: skip
        assert crawl.status == 0, crawl.stderr
        with workspace.archive() as archive:
            before = {ed: archive.known_ids(ed) for ed in ALL_NEWS}
            newest = {ed: archive.newest_published(ed) for ed in ALL_NEWS}
            anywhere = archive.newest_published()
        assert anywhere is not None and sum(map(len, before.values())) >= 1
        run = workspace.run("update", "--replica", server.proxy_url, "--now", T1.isoformat())
    assert run.status == 0, run.stderr
    truth = truth_of(T1)
    expected = set()
    for (edition, article_id), record in truth.items():
        edge = (newest[edition] or anywhere) - timedelta(days=7)
        published = datetime.fromisoformat(record.published_at.replace("Z", "+00:00"))
        if published >= edge or article_id in before[edition]:
            expected.add((edition, article_id))
    assert len(expected) < len(truth) // 4  # the window is a small part of the site
    with workspace.archive() as archive:
        stored = {(ed, aid) for ed in ALL_NEWS for aid in archive.known_ids(ed)}
        assert stored == expected
        assert_matches_truth(archive, {k: truth[k] for k in expected}, frozenset({"sections"}))
    older = run.stats["knotcrawl/update/older_than_archive"]
    assert older > 0
    # ...and says so: an archive filled in part would otherwise miss them unseen.
    assert f"{older} listing or feed items missing from the archive but older" in run.stderr
    assert "knotcrawl crawl --since DATE" in run.stderr


def test_the_first_update_after_a_crawl_rechecks_what_the_crawl_fetched_fresh(workspace):
    """A crawl fetches EN 68094 the day after its publication; the first update comes two
    weeks later. The article was edited in between (07-19): the update's window runs from the
    crawl, the first run, not from now, or the edit is never seen."""
    later = T1 + timedelta(days=14)
    with replica(**config(T1)) as server:
        crawl = workspace.run(
            "crawl", "--replica", server.proxy_url, "--now", T1.isoformat(),
            "--since", (T1 - timedelta(days=3)).date().isoformat(),
        )  # fmt: skip
        assert crawl.status == 0, crawl.stderr
    with workspace.archive() as archive:
        fetched = archive.get("en", 68094)
    assert fetched is not None
    published = datetime.fromisoformat(fetched.published_at.replace("Z", "+00:00"))
    assert published < later - timedelta(days=7)  # outside the window counted from now
    edited = Replica(ReplicaConfig(**config(later))).truth_of("en", 68094)
    assert edited is not None and edited.content_hash != fetched.content_hash
    with replica(**config(later)) as server:
        run = workspace.run("update", "--replica", server.proxy_url, "--now", later.isoformat())
    assert run.status == 0, run.stderr
    with workspace.archive() as archive:
        assert len(archive.revisions("en", 68094)) == 1
        assert archive.get("en", 68094).content_hash == edited.content_hash
