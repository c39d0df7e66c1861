"""`update` after the replica's clock moved forward: exactly the new articles, the listing pages
needed and the recheck window are fetched; edits become revisions, deletions are marked gone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from crawlkit import assert_matches_truth, replica, summary_line

from knotcrawl.replica import Replica, ReplicaConfig

SEED, ARTICLES = 1, 300
T0 = datetime(2024, 4, 17, tzinfo=UTC)  # EN 67391 published (deleted 2024-04-18)
T1 = datetime(2024, 7, 17, tzinfo=UTC)  # EN 68094 published 07-16 (edited 07-19)
T2 = datetime(2024, 7, 20, tzinfo=UTC)
ALL_NEWS = {"en": "/rubric/11", "ru": "/articles"}


def plan(rep: Replica, archive, now: datetime, recheck_days: float, overlap: int = 2):
    """What an update must fetch: (requests, new ids, recheck ids) by the documented rules."""
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
        since = now - timedelta(days=recheck_days)
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
        expected, new, recheck = plan(rep1, archive, T1, 100)
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
        expected, new, recheck = plan(rep2, archive, T2, 7)
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
