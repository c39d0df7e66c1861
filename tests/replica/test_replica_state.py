"""State: determinism, publication by --now, edits, deletions, gaps, pagination."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime, timedelta

import pytest

from knotcrawl.moscow import MOSCOW, parse_utc_iso
from knotcrawl.record import CRAWL_ONLY_FIELDS, RECORD_FIELDS
from knotcrawl.replica import Replica, ReplicaConfig

EN = "www.eng.kavkaz-uzel.eu"
RU = "www.kavkaz-uzel.eu"


@pytest.fixture(scope="module")
def replica() -> Replica:
    """One small replica shared by the module (no conftest: tests/crawl imports its own)."""
    return Replica(ReplicaConfig(seed=7, articles=300))


def test_same_arguments_same_bytes() -> None:
    a = Replica(ReplicaConfig(seed=3, articles=120))
    b = Replica(ReplicaConfig(seed=3, articles=120))
    for host, edition in ((EN, "en"), (RU, "ru")):
        for article_id in a.live_ids(edition)[::9]:
            path = f"/articles/{article_id}"
            assert a.respond("GET", host, path).body == b.respond("GET", host, path).body
    for path in ("/rubric/11", "/rubric/10?page=2", "/category/3", "/abhazia"):
        assert a.respond("GET", EN, path).body == b.respond("GET", EN, path).body
    assert a.respond("GET", RU, "/articles.rss").body == b.respond("GET", RU, "/articles.rss").body
    assert [r.to_dict() for r in a.truth("en")] == [r.to_dict() for r in b.truth("en")]


def test_other_seed_other_site() -> None:
    a = Replica(ReplicaConfig(seed=3, articles=120))
    b = Replica(ReplicaConfig(seed=4, articles=120))
    assert a.live_ids("en") != b.live_ids("en")


def test_truth_shape(replica: Replica) -> None:
    for edition in ("en", "ru"):
        records = list(replica.truth(edition))
        assert [r.article_id for r in records] == sorted(replica.live_ids(edition), reverse=True)
        for record in records[:40]:
            data = record.to_dict()
            assert tuple(data) == RECORD_FIELDS
            assert record.url == record.fetched_url
            assert record.url.endswith(f"/articles/{record.article_id}")
            assert record.body and record.title
            assert all(p == " ".join(p.split()) for p in record.body.split("\n\n"))
            assert record.sections and record.sections == sorted(record.sections)
            assert record.source is None or "\u0421" not in record.source
            assert len({link.url for link in record.links}) == len(record.links)
            assert not (set(data) & CRAWL_ONLY_FIELDS) or all(
                data[k] is None or k == "fetched_url" for k in CRAWL_ONLY_FIELDS
            )


def test_ids_ascend_with_time_and_ranges(replica: Replica) -> None:
    for edition, (lo, hi) in (("en", (11000, 80000)), ("ru", (19000, 430000))):
        records = list(replica.truth(edition))[::-1]
        times = [r.published_at for r in records]
        assert times == sorted(times)
        assert lo <= records[0].article_id and records[-1].article_id <= hi
    first_en = list(replica.truth("en"))[-1]
    first_ru = list(replica.truth("ru"))[-1]
    assert first_en.published_at.startswith("2009")
    assert first_ru.published_at.startswith("2002")


def test_every_moscow_era_and_dst_edges(replica: Replica) -> None:
    for edition in ("en", "ru"):
        offsets = {r.published_local[-6:] for r in replica.truth(edition)}
        assert {"+03:00", "+04:00"} <= offsets
        records = list(replica.truth(edition))
        summer = [
            r
            for r in records
            if r.published_at < "2011-03-27" and r.published_local.endswith("+04:00")
        ]
        permanent4 = [r for r in records if "2011-03-27" < r.published_at < "2014-10-26"]
        assert summer and permanent4
        near = [
            r
            for r in records
            if r.published_local[5:10] in ("03-27", "03-28", "03-29", "10-25", "10-26", "10-31")
            and r.published_local[11:13] in ("01", "02", "03")
        ]
        assert near, "articles pinned near DST transitions"
        for r in records:  # the printed wall clock maps back to the instant (fold=0)
            local = datetime.fromisoformat(r.published_local)
            naive = local.replace(tzinfo=None)
            assert naive.replace(tzinfo=MOSCOW).astimezone(UTC) == parse_utc_iso(r.published_at)


def test_gaps_answer_404(replica: Replica) -> None:
    ids = replica.live_ids("en")
    gaps = [i + 1 for i, j in itertools.pairwise(ids) if j - i > 1][:5]
    assert gaps
    for gap in gaps:
        assert replica.respond("GET", EN, f"/articles/{gap}").status == 404
    assert replica.respond("GET", EN, "/articles/99999999").status == 404
    assert replica.respond("GET", EN, "/articles/1").status == 404


def test_service_pages(replica: Replica) -> None:
    resp = replica.respond("GET", EN, "/articles/AboutCaucasianKnot")
    assert resp.status == 200 and b"<h1>About us</h1>" in resp.body
    assert b"22 June 2009, 00:00" in resp.body
    assert replica.respond("GET", EN, "/articles/NoSuchPage").status == 404
    assert replica.respond("GET", RU, "/articles/AboutProject").status == 200


def _ids_in(body: bytes) -> list[int]:
    return [
        int(x)
        for x in re.findall(
            rb'class="(?:articles-list_title|news-card__link)" '
            rb'href="/articles/(\d+)"',
            body,
        )
    ]


def test_later_now_publishes_and_shifts_pages() -> None:
    now = datetime(2026, 2, 1, tzinfo=UTC)
    early = Replica(ReplicaConfig(seed=5, articles=300, now=now))
    late = Replica(ReplicaConfig(seed=5, articles=300, now=now + timedelta(days=60)))
    new = set(late.live_ids("en")) - set(early.live_ids("en"))
    assert new, "a later now publishes more articles"
    assert min(new) > max(early.live_ids("en"))
    for article_id in sorted(new)[:3]:
        assert early.respond("GET", EN, f"/articles/{article_id}").status == 404
        assert late.respond("GET", EN, f"/articles/{article_id}").status == 200
    page2_early = [i.article_id for i in early.listing_truth("/rubric/11", 2).items]
    page2_late = [i.article_id for i in late.listing_truth("/rubric/11", 2).items]
    assert page2_early != page2_late
    # earlier articles keep their ids and times
    old = {r.article_id: r.published_at for r in early.truth("en")}
    for r in late.truth("en"):
        if r.article_id in old:
            assert old[r.article_id] == r.published_at


def test_edit_and_deletion_schedules() -> None:
    rep = Replica(ReplicaConfig(seed=11, articles=3000))
    cat = rep.catalog.en
    edited = [i for i in range(len(cat)) if cat.edit_times(i)]
    deleted = [i for i in range(len(cat)) if cat.deleted_at(i) is not None]
    assert 0.02 * len(cat) < len(edited) < 0.09 * len(cat)
    assert 0.004 * len(cat) < len(deleted) < 0.025 * len(cat)
    soon = sum(cat.edit_times(i)[0] - cat.published[i] < 4 * 86400 for i in edited)
    assert soon >= 0.6 * len(edited), "edits mostly within days: a recheck window catches them"
    for i in edited + deleted:
        assert min([*cat.edit_times(i), cat.deleted_at(i) or 2**62]) > cat.published[i]


def _at(epoch: int, **cfg: int) -> Replica:
    return Replica(ReplicaConfig(now=datetime.fromtimestamp(epoch, UTC), **cfg))


def test_edit_changes_body_and_hash() -> None:
    cfg = {"seed": 11, "articles": 3000}
    cat = Replica(ReplicaConfig(**cfg)).catalog.en
    index = next(
        i for i in range(len(cat) - 1, 0, -1) if cat.edit_times(i) and cat.deleted_at(i) is None
    )
    article_id = cat.ids[index]
    edit = cat.edit_times(index)[0]
    before, after = _at(edit - 60, **cfg), _at(edit + 60, **cfg)
    a, b = before.truth_of("en", article_id), after.truth_of("en", article_id)
    assert a is not None and b is not None
    assert a.title == b.title and a.body != b.body and a.content_hash != b.content_hash
    path = f"/articles/{article_id}"
    assert before.respond("GET", EN, path).body != after.respond("GET", EN, path).body


def test_deletion_answers_404_or_410_and_leaves_listings() -> None:
    cfg = {"seed": 11, "articles": 3000}
    cat = Replica(ReplicaConfig(**cfg)).catalog.en
    deleted = [i for i in range(len(cat)) if cat.deleted_at(i) is not None]
    statuses = set()
    for index in deleted[-6:]:
        article_id = cat.ids[index]
        gone_at = cat.deleted_at(index)
        assert gone_at is not None
        before, after = _at(gone_at - 60, **cfg), _at(gone_at + 60, **cfg)
        path = f"/articles/{article_id}"
        assert before.respond("GET", EN, path).status == 200
        status = after.respond("GET", EN, path).status
        assert status == cat.gone_status(index)
        statuses.add(status)
        assert article_id in before.live_ids("en") and article_id not in after.live_ids("en")
        for rep, present in ((before, True), (after, False)):
            assert (article_id in rep.listing_ids("/rubric/10")) is present
            assert (article_id in rep.listing_ids("/rubric/11")) is present
    assert statuses <= {404, 410}


def test_big_replica_is_lazy() -> None:
    rep = Replica(ReplicaConfig(seed=1, articles=100_000))
    ids = rep.live_ids("en")
    assert len(ids) > 95_000
    assert not rep._content_cache  # nothing rendered up front
    resp = rep.respond("GET", EN, f"/articles/{ids[-1]}")
    assert resp.status == 200
    assert rep.respond("GET", EN, "/rubric/10?page=4000").status == 200
    assert len(rep._content_cache) < 100
