"""The SQLite phrase index ``articles_phrases``: words and word pairs as tokens, for fast
phrase search.

``articles_fts`` answers a phrase of common words slowly: bm25 counts the phrase's articles
over the whole index by checking the positions of its words in every article holding them
all (150–400 ms at 500,000 articles, also inside ``"a b" AND c``). ``articles_phrases``
indexes, for each text column, its words, every pair of consecutive words as one token, and
one padding token (see :mod:`knotcrawl.db.phrase_index`), so a phrase is a phrase of pairs,
usually one short doclist, with the same matches and the same bm25 scores as in
``articles_fts``; every query without a word prefix is answered there. It is contentless
(nothing to show from it) and keyed like ``articles_fts``; the edition column holds the same
token plus a padding token. Its triggers call the SQL function ``knotcrawl_phrase_text``, which
every knotcrawl connection has; filling it reads every article once.

PostgreSQL is unchanged: its tsvector phrase search is another mechanism.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Kept in step with knotcrawl.db.queries.SEARCH_KEY_BITS and the names in
# knotcrawl.db.phrase_index (a migration does not import the package's query code).
_KEY_UNIT = 2**36
_TEXT = "knotcrawl_phrase_text"
_COLUMNS = "title, body, authors_text, edition"
_TRIGGERS = ("articles_phrases_insert", "articles_phrases_delete", "articles_phrases_update")


def _key(prefix: str) -> str:
    minutes = f"coalesce(CAST(strftime('%s', {prefix}published_at) AS INTEGER), 0) / 60"
    return f"(({minutes}) * {_KEY_UNIT} + {prefix}id)"


def _values(prefix: str) -> str:
    """The indexed values of a row: each text as articles_fts sees it ("ё" folded) with its
    word pairs; the edition token as in articles_fts, then a padding token (U+E002)."""
    texts = [
        f"{_TEXT}(replace(replace({prefix}{c}, 'ё', 'е'), 'Ё', 'Е'))"
        for c in ("title", "body", "authors_text")
    ]
    edition = f"char(57344) || {prefix}edition || ' ' || char(57346)"
    return ", ".join([_key(prefix), *texts, edition])


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        f"""CREATE VIRTUAL TABLE articles_phrases USING fts5(
            {_COLUMNS}, content='', tokenize='unicode61 remove_diacritics 2')"""
    )
    op.execute(
        f"""CREATE TRIGGER articles_phrases_insert AFTER INSERT ON articles BEGIN
            INSERT INTO articles_phrases(rowid, {_COLUMNS}) VALUES ({_values("new.")});
        END"""
    )
    op.execute(
        f"""CREATE TRIGGER articles_phrases_delete AFTER DELETE ON articles BEGIN
            INSERT INTO articles_phrases(articles_phrases, rowid, {_COLUMNS})
            VALUES ('delete', {_values("old.")});
        END"""
    )
    op.execute(
        f"""CREATE TRIGGER articles_phrases_update
        AFTER UPDATE OF title, body, authors_text, published_at, edition ON articles BEGIN
            INSERT INTO articles_phrases(articles_phrases, rowid, {_COLUMNS})
            VALUES ('delete', {_values("old.")});
            INSERT INTO articles_phrases(rowid, {_COLUMNS}) VALUES ({_values("new.")});
        END"""
    )
    op.execute(
        f"INSERT INTO articles_phrases(rowid, {_COLUMNS}) SELECT {_values('')} FROM articles"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in _TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS articles_phrases")
