"""Full-text search: one query syntax, the same answers on SQLite FTS5 and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from db_factory import T0, make_record

from knotcrawl.db import Archive, queries
from knotcrawl.db.search import And, Not, Or, Phrase, parse_query, to_fts5, to_tsquery
from knotcrawl.errors import UsageError

DOCS = [
    # (edition, id, title, body, authors)
    (
        "en",
        1,
        "Protest in Grozny",
        "Residents of Grozny held a protest against the court ruling.",
        ["Anna Petrova"],
    ),
    (
        "en",
        2,
        "Human rights defenders detained",
        "Police detained two human rights defenders in Makhachkala.",
        ["John Smith"],
    ),
    (
        "en",
        3,
        "Court upholds sentence",
        "The appeal court upheld the sentence; rights groups object.",
        ["Anna Petrova", "John Smith"],
    ),
    (
        "en",
        4,
        "Floods in Dagestan",
        "Rivers flooded villages in Dagestan. Rights of residents...",
        [],
    ),
    (
        "ru",
        5,
        "Протест в Грозном",
        "Жители Грозного вышли на протест против решения суда.",
        ["Иван Ёжиков"],
    ),
    (
        "ru",
        6,
        "Правозащитники задержаны",
        "Полиция задержала двух правозащитников в Махачкале.",
        ["Мария Иванова"],
    ),
    (
        "ru",
        7,
        "Суд оставил приговор в силе",
        "Апелляционный суд оставил приговор без изменения. Её адвокат обжалует.",
        [],
    ),
]


@pytest.fixture
def filled(archive: Archive) -> Archive:
    archive.store_many(
        [
            (
                make_record(
                    i, e, title=t, paragraphs=[b], authors=a, published=T0 - timedelta(days=i)
                ),
                None,
            )
            for e, i, t, b, a in DOCS
        ],
        T0,
    )
    return archive


def ids(archive: Archive, query: str, **kwargs: object) -> set[int]:
    return {hit.article_id for hit in archive.search(query, limit=50, **kwargs)}  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("grozny", {1}),
        ("Grozny protest", {1}),
        ("protest AND grozny", {1}),
        ('"human rights"', {2}),
        ('"rights human"', set()),
        ("rights", {2, 3, 4}),
        ("rights NOT court", {2, 4}),
        ("rights -court -police", {4}),
        ("detain*", {2}),
        ("dagestan OR makhachkala", {2, 4}),
        ("(dagestan OR makhachkala) police", {2}),
        ("petrova", {1, 3}),  # authors are indexed
        ('"anna petrova" smith', {3}),
        ("sentence NOT (appeal OR court)", set()),
        ("протест", {5}),
        ("грозн*", {5}),
        ('"оставил приговор"', {7}),
        ("суд* NOT апелляционный", {5}),
        ("суд", {7}),
        ("правозащитник*", {6}),
        ("ежиков", {5}),  # ё is searched as е
        ("её", {7}),
        ("ее", {7}),
        ("protest OR протест", {1, 5}),
        ("Дагестан", set()),
        ("en OR ru", set()),  # the edition is indexed too, but only for the edition filter
    ],
)
def test_queries_give_the_same_hits_on_both_backends(
    filled: Archive, query: str, expected: set[int]
) -> None:
    assert ids(filled, query) == expected


def test_hits_are_ranked_with_a_snippet(filled: Archive) -> None:
    hits = filled.search("court")
    assert {h.article_id for h in hits} == {1, 3}
    assert hits[0].article_id == 3  # in the title and the body
    assert all(h.score > 0 for h in hits)
    assert "[court]" in hits[0].snippet.lower() or "[Court]" in hits[0].snippet
    assert hits[0].title == "Court upholds sentence"
    assert hits[0].url.endswith("/articles/3")


def test_filters_limit_and_offset(filled: Archive) -> None:
    assert ids(filled, "protest OR протест", edition="ru") == {5}
    assert ids(filled, "rights", since=T0 - timedelta(days=3, hours=1)) == {2, 3}
    assert ids(filled, "rights", until=T0 - timedelta(days=3)) == {4}
    page1 = filled.search("rights", limit=2)
    page2 = filled.search("rights", limit=2, offset=2)
    assert len(page1) == 2 and len(page2) == 1
    assert {h.article_id for h in page1 + page2} == {2, 3, 4}


def test_search_follows_edits(filled: Archive) -> None:
    filled.store(
        make_record(4, title="Floods", paragraphs=["Water everywhere."], authors=[]),
        seen_at=T0 + timedelta(days=1),
    )
    assert ids(filled, "dagestan") == set()
    assert ids(filled, "water") == {4}


def search_ids(
    archive: Archive, query: str, filters: queries.Filters | None = None, **kwargs: object
) -> list[int]:
    hits = queries.search(archive.engine, query, filters, limit=50, **kwargs)  # type: ignore[arg-type]
    return [hit.article_id for hit in hits]


def test_hits_are_the_best_of_the_newest_matches(filled: Archive) -> None:
    # "rights" matches 2, 3 and 4, published 2, 3 and 4 days before T0 (stored in id order).
    assert set(search_ids(filled, "rights", window=None)) == {2, 3, 4}
    assert set(search_ids(filled, "rights", window=2)) == {2, 3}
    assert search_ids(filled, "rights", window=1) == [2]
    # The window counts the matches that pass the filters.
    only_ru = queries.Filters(edition="ru")
    assert search_ids(filled, "protest OR протест", only_ru, window=1) == [5]
    old = queries.Filters(until=T0 - timedelta(days=3))
    assert search_ids(filled, "rights", old, window=1) == [4]
    with pytest.raises(UsageError, match="window"):
        search_ids(filled, "rights", window=0)


def test_newest_first_is_publication_order_not_storage_order(filled: Archive) -> None:
    late_but_old = make_record(
        8, "en", title="Rights archive", paragraphs=["Old rights."], published=T0 - timedelta(30)
    )
    filled.store(late_but_old, seen_at=T0 + timedelta(days=1))
    assert search_ids(filled, "rights", sort="-published") == [2, 3, 4, 8]
    assert search_ids(filled, "rights", sort="published") == [8, 4, 3, 2]
    assert search_ids(filled, "rights", window=1) == [2]
    assert queries.search_count(filled.engine, "rights") == 4


def test_a_new_publication_time_moves_the_article_in_the_index(filled: Archive) -> None:
    moved = make_record(
        4, title="Floods in Dagestan", paragraphs=["Rights of residents..."], published=T0
    )
    filled.store(moved, seen_at=T0 + timedelta(days=1))
    assert search_ids(filled, "rights", window=1) == [4]
    assert search_ids(filled, "rights", queries.Filters(since=T0 - timedelta(hours=1))) == [4]
    hits = queries.search(filled.engine, "residents", queries.Filters(edition="en"))
    assert {h.article_id for h in hits} == {1, 4}
    assert all(queries.HIT_OPEN in h.snippet for h in hits)


@pytest.mark.parametrize(
    "query",
    [
        '"unclosed',
        "(grozny",
        "grozny)",
        "OR grozny",
        "grozny AND",
        "NOT grozny",
        "-grozny",
        "a OR NOT b",
        "",
        "   ",
        "***",
        '""',
    ],
)
def test_bad_queries_raise_a_usage_error(archive: Archive, query: str) -> None:
    with pytest.raises(UsageError, match="bad search query"):
        archive.search(query)


def test_parser_and_translations() -> None:
    node = parse_query('rights "human rights"* -(court OR police) protest*')
    assert node == And(
        (
            Phrase(("rights",)),
            Phrase(("human", "rights"), prefix=True),
            Not(Or((Phrase(("court",)), Phrase(("police",))))),
            Phrase(("protest",), prefix=True),
        )
    )
    assert to_fts5(node) == (
        '(("rights" AND "human rights"* AND "protest"*) NOT ("court" OR "police"))'
    )
    assert to_tsquery(node) == (
        "(('rights') & ('human' <-> 'rights':*) & !(('court') | ('police')) & ('protest':*))"
    )
    # Hyphenated words are phrases; lower-case operators are words; ё is е.
    assert parse_query("north-caucasus") == Phrase(("north", "caucasus"))
    assert parse_query("war and peace") == And(
        (Phrase(("war",)), Phrase(("and",)), Phrase(("peace",)))
    )
    assert parse_query("Ёлка") == Phrase(("елка",))


# PostgreSQL only: SQLite finds the window in the full-text index's key order (migration 0003).
@pytest.mark.parametrize("backend", [pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_the_window_order_is_an_index_on_postgresql(filled: Archive) -> None:
    """The newest-matches window walks ``ix_articles_search_window`` on PostgreSQL (migration
    0005) instead of sorting every match: the index's order must be the query's exactly. With
    sorts and the other scans priced out, the planner uses the index only if it can."""
    from sqlalchemy import literal_column, select, text

    a = queries._a
    vector = literal_column("articles.search_vector")
    words = literal_column("to_tsquery('simple', 'rights')")
    window = select(a.c.published_at, a.c.id).where(vector.op("@@")(words))
    window = window.order_by(*queries.newest_first()).limit(2000)
    sql = str(window.compile(filled.engine, compile_kwargs={"literal_binds": True}))
    with filled.engine.connect() as conn:
        for setting in ("enable_sort", "enable_seqscan", "enable_bitmapscan"):
            conn.execute(text(f"SET {setting} = off"))
        plan = "\n".join(row[0] for row in conn.execute(text(f"EXPLAIN {sql}")))
        rows = [tuple(row) for row in conn.execute(text(sql))]
    assert "Index Scan using ix_articles_search_window on articles" in plan, plan
    assert "Sort" not in plan, plan
    assert len(rows) == 3  # the three articles with "rights"
    assert rows == sorted(rows, reverse=True)  # newest first


@pytest.mark.parametrize("backend", [pytest.param("postgresql", marks=pytest.mark.postgres)])
@pytest.mark.parametrize(
    ("slices", "window", "all_articles"),
    [
        ((2,), 1, False),  # newest 2 articles: 1 and 2; 2 is the newest match
        ((2,), 2, True),  # one match there: every article is searched
        ((2, 4), 2, False),  # newest 4: matches 2, 3, 4
        ((1, 3), 3, True),
    ],
)
def test_the_window_is_looked_for_in_slices_of_the_newest_articles(
    filled: Archive,
    monkeypatch: pytest.MonkeyPatch,
    slices: tuple[int, ...],
    window: int,
    all_articles: bool,
) -> None:
    """PostgreSQL finds the newest matches among the newest articles first; a slice that
    holds the window gives it, otherwise every article is searched (queries._newest_matches_pg).
    Article i is published i days before T0; "rights" matches 2, 3 and 4."""
    from sqlalchemy import event

    statements: list[str] = []
    event.listen(filled.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    monkeypatch.setattr(queries, "PG_WINDOW_SLICES", slices)
    assert search_ids(filled, "rights", window=window) == [2, 3, 4][:window]
    assert any("coalesce" in sql for sql in statements) == all_articles
    # With the filters, on the slices as well.
    only_ru = queries.Filters(edition="ru")
    assert search_ids(filled, "protest OR протест", only_ru, window=1) == [5]


@pytest.mark.parametrize("query", ['"human rights"', "human rights", '"оставил приговор"'])
def test_adjacent_matched_words_are_marked_as_one(filled: Archive, query: str) -> None:
    """FTS5 marks a phrase as one match and ts_headline every word apart: the snippet marks a
    run of matched words once on both backends (the words between stay unmarked)."""
    (hit,) = filled.search(query)
    words = query.strip('"')
    assert f"[{words}]" in hit.snippet.lower()
    assert hit.snippet.count("[") == hit.snippet.count("]")
