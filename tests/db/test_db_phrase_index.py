"""The SQLite phrase index (``articles_phrases``): the same matches and bm25 scores as
``articles_fts`` for every query without a word prefix, kept in step by its triggers through
edits."""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from db_factory import T0, make_record
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from knotcrawl.db import Archive, phrase_index, queries
from knotcrawl.db.search import parse_query, to_fts5

# Words chosen where a tokenizer can go wrong: case, "ё", precomposed and combining accents,
# digits, an apostrophe and an underscore inside a word, letters outside the Basic
# Multilingual Plane (mathematical bold), a private-use character, Arabic digits, a letter
# that unicode61 reads as a separator (U+19B0).
WORDS = [
    "human",
    "Rights",
    "rights",
    "права",
    "Человека",
    "ёлка",
    "елка",
    "café",
    "cafe\u0301",
    "x\u0301y",
    "don't",
    "foo_bar",
    "𝐀bc",
    "a😀b",
    "2026",
    "١٢٣",
    "n\ue005m",
    "foo\u19b0bar",
    "\u19b0",
]
SEPARATORS = [" ", " ", " ", ", ", ". ", "-", "\n\n", " — ", "«", "» ", "\u00a0", "·", "/"]

texts = st.lists(
    st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)), min_size=1, max_size=25
).map(lambda pairs: "".join(word + sep for word, sep in pairs).strip())
articles = st.lists(
    st.tuples(
        st.sampled_from(["en", "ru"]),
        texts,  # title
        st.lists(texts, min_size=1, max_size=3),  # paragraphs
        st.lists(texts, max_size=2),  # authors
        st.integers(0, 500),  # hours before T0
    ),
    min_size=1,
    max_size=6,
)


@contextlib.contextmanager
def archive_copy(template: Path) -> Iterator[Archive]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "archive.sqlite"
        shutil.copyfile(template, path)
        with Archive.open(str(path)) as archive:
            yield archive


def store(archive: Archive, docs: list[tuple[str, str, list[str], list[str], int]]) -> None:
    records = [
        make_record(
            article_id,
            edition,
            title=title,
            paragraphs=paragraphs,
            authors=authors,
            published=T0 - timedelta(hours=hours),
        )
        for article_id, (edition, title, paragraphs, authors, hours) in enumerate(docs, 1)
    ]
    archive.store_many(((r, None) for r in records), T0)


def scored(archive: Archive, table: str, match: str) -> list[tuple[int, float]]:
    with archive.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            f"SELECT rowid, bm25({table}, 10.0, 1.0, 5.0, 0.0) FROM {table} "
            f"WHERE {table} MATCH ? ORDER BY rowid",
            (match,),
        ).all()
    return [(int(rowid), float(score)) for rowid, score in rows]


def phrase_queries(
    docs: list[tuple[str, str, list[str], list[str], int]], data: st.DataObject
) -> list[str]:
    """Phrases that occur (consecutive words of a stored text, the last one sometimes as a
    prefix), across a paragraph break too, pairs of words that may not, single words, and
    phrases and words combined with AND, OR and NOT."""
    out: list[str] = []
    for _ in range(4):
        _, title, paragraphs, authors, _ = data.draw(st.sampled_from(docs))
        text = data.draw(st.sampled_from([title, "\n\n".join(paragraphs), *authors]))
        words = phrase_index.tokens(text)
        if len(words) < 2:
            continue
        start = data.draw(st.integers(0, len(words) - 2))
        length = data.draw(st.integers(2, min(4, len(words) - start)))
        phrase = " ".join(words[start : start + length])
        out.append(f'"{phrase}"' + data.draw(st.sampled_from(["", "*"])))
    first, second = data.draw(st.sampled_from(WORDS)), data.draw(st.sampled_from(WORDS))
    out.append(f'"{first} {second}"')
    word = data.draw(st.sampled_from(WORDS))
    out.append(f'"{word}"')
    if out[0] != f'"{word}"':
        phrase = out[0]
        operator = data.draw(st.sampled_from([" ", " OR ", " NOT "]))
        out.append(
            f'{phrase}{operator}"{word}"'
            if data.draw(st.booleans())
            else f'"{word}"{operator}{phrase}'
        )
    return out


@given(docs=articles, data=st.data())
@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_queries_match_and_score_as_in_the_word_index(
    sqlite_template: Path,
    docs: list[tuple[str, str, list[str], list[str], int]],
    data: st.DataObject,
) -> None:
    with archive_copy(sqlite_template) as archive:
        store(archive, docs)
        for query in phrase_queries(docs, data):
            node = parse_query(query)
            pairs = phrase_index.to_fts5(node)
            if pairs is None:  # a word prefix
                assert query.endswith("*"), query
                continue
            for edition in (None, "en"):
                words = queries._with_edition(to_fts5(node), edition)
                expected = scored(archive, "articles_fts", words)
                got = scored(archive, "articles_phrases", queries._with_edition(pairs, edition))
                assert [k for k, _ in got] == [k for k, _ in expected], query
                assert [s for _, s in got] == pytest.approx([s for _, s in expected], rel=1e-9)


def test_an_occurring_phrase_is_found(sqlite_template: Path) -> None:
    """The property test's comparison cannot pass on two empty answers alone."""
    docs = [("en", "Human rights defenders", ["Defenders of human rights met."], [], 1)]
    with archive_copy(sqlite_template) as archive:
        store(archive, docs)
        pairs = phrase_index.to_fts5(parse_query('"human rights"'))
        assert pairs == '"human\ue001rights"'
        assert len(scored(archive, "articles_phrases", pairs)) == 1


def test_search_answers_the_same_with_and_without_the_phrase_index(
    sqlite_template: Path,
) -> None:
    docs = [
        (
            "en",
            f"Human rights report {k}",
            [
                f"The human rights {'group' if k % 2 else 'court'} "
                f"said rights of humans matter. Rights human {k}."
            ],
            ["Human Rights Watch"] if k % 3 == 0 else [],
            k,
        )
        for k in range(40)
    ]
    searches = [
        '"human rights"',
        '"human rights" OR "rights group"',
        '"rights human"*',
        '"human rights" NOT "rights court"',
        '"human rights" court',
        "rights",
        "court OR group NOT humans",
        "rights hum*",
    ]
    with archive_copy(sqlite_template) as archive:
        store(archive, docs)
        engine = archive.engine
        answers = {}
        for routed in (True, False):
            unrouted = mock.patch.object(phrase_index, "to_fts5", return_value=None)
            with contextlib.nullcontext() if routed else unrouted:
                answers[routed] = [
                    (
                        queries.search(engine, q, window=window, limit=50),
                        queries.search_count(engine, q),
                        queries.search(
                            engine, q, queries.Filters(edition="en"), sort="-published_at"
                        ),
                    )
                    for q in searches
                    for window in (None, 5)
                ]
        assert answers[True] == answers[False]
        assert all(len(hits) > 0 for hits, _, _ in answers[True])


def test_edits_and_new_publication_times_move_the_pairs(sqlite_template: Path) -> None:
    with archive_copy(sqlite_template) as archive:
        store(archive, [("en", "Old title", ["Mountain road closed."], [], 1)])
        edited = make_record(
            1,
            "en",
            title="Old title",
            paragraphs=["River bank flooded."],
            published=T0 - timedelta(days=30),
        )
        archive.store_many([(edited, None)], T0 + timedelta(hours=1))
        for query, found in (('"mountain road"', 0), ('"river bank"', 1), ('"old title"', 1)):
            pairs = phrase_index.to_fts5(parse_query(query))
            assert pairs is not None
            hits = scored(archive, "articles_phrases", pairs)
            assert len(hits) == found, query
            assert hits == scored(archive, "articles_fts", to_fts5(parse_query(query)))
        hits = archive.search('"river bank"')
        assert [h.published_at for h in hits] == [edited.published_at]


def test_the_indexed_text_is_twice_as_long() -> None:
    text = "Human rights, «Memorial»."
    assert phrase_index.phrase_text(text) == f"{text} Human\ue001rights rights\ue001Memorial \ue002"
    assert phrase_index.phrase_text("Memorial") == "Memorial \ue002"
    assert phrase_index.phrase_text(" — ") == " — "
    assert phrase_index.phrase_text(None) is None
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='unicode61 remove_diacritics 2')")
    db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
    text = "a😀b Ёлка-палка x\u0301y 𝐀bc foo_bar don't"
    db.execute(
        "INSERT INTO t(rowid, x) VALUES (1, ?), (2, ?)", (text, phrase_index.phrase_text(text))
    )
    counts = dict(db.execute("SELECT doc, count(*) FROM v GROUP BY doc"))
    assert 2 * counts[1] == counts[2] == 2 * len(phrase_index.tokens(text))


def test_only_queries_with_a_word_prefix_use_the_word_index() -> None:
    assert phrase_index.to_fts5(parse_query('"human rights" court')) == (
        '("human\ue001rights" AND "court")'
    )
    assert phrase_index.to_fts5(parse_query('"human rights" OR cour*')) is None
    assert phrase_index.to_fts5(parse_query('"human rig"*')) == '"human\ue001rig"*'
    # U+19B0 is a letter to Python and a separator to unicode61: one word of the query
    # parser can be two for the index, and a word of the parser can be none.
    assert phrase_index.to_fts5(parse_query("foo\u19b0bar")) == '"foo\ue001bar"'
    assert phrase_index.to_fts5(parse_query('"\u19b0 court"')) == '"\u19b0 court"'
    assert (
        phrase_index.to_fts5(parse_query('"a b c" NOT "d e"*'))
        == '(("a\ue001b b\ue001c") NOT "d\ue001e"*)'
    )


def test_writing_needs_the_connection_function(sqlite_template: Path, tmp_path: Path) -> None:
    path = tmp_path / "archive.sqlite"
    shutil.copyfile(sqlite_template, path)
    with Archive.open(str(path)) as archive:
        store(archive, [("en", "Title", ["Body text."], [], 1)])
    db = sqlite3.connect(path)
    with pytest.raises(sqlite3.OperationalError, match="no such function: knotcrawl_phrase_text"):
        db.execute("UPDATE articles SET body = 'Another body.'")
    assert db.execute("SELECT body FROM articles").fetchall() == [("Body text.",)]
    db.close()


def test_the_separator_table_is_the_running_sqlites() -> None:
    running = phrase_index.unicode61_separators()
    # On a failure the message is the table to paste into phrase_index.SEPARATORS.
    table = "".join(f"(0x{start:X}, 0x{end:X}), " for start, end in running)
    assert running == list(phrase_index.SEPARATORS), f"SQLite {sqlite3.sqlite_version}: {table}"
