"""Search in publication order: the SQLite full-text index keyed by publication time, a prefix
index, and an index on ``published_at`` alone.

SQLite: FTS5 can only narrow a search cheaply by its own rowid. 0001 used ``articles.id``
(storage order: a first crawl walks the listings newest first, so ids run backwards in time).
The index is now keyed by :data:`knotcrawl.db.queries.SEARCH_KEY`, the minute of publication
in the high bits and ``articles.id`` in the low 36 bits: a date filter becomes a rowid range,
"newest first" a reverse walk of the index, and the ranked search can rank the newest matches
without scoring every older one. The key is an expression (in the content view, the triggers
and an expression index that the snippets' content lookups use), so no column has to be kept
in step by the repository. A prefix index for 3 and 4 letters makes ``prot*`` one doclist
read instead of a merge of every word that starts so. The edition is indexed as a fourth
column, so ``--edition`` narrows the search inside the index instead of looking up every
match's row. Its one token is the edition behind U+E000 (private use: a token character for
unicode61, never a word character of the query parser), so no search word can match it and
searches need no column filter, which would cost a position check per match. Rebuilding the index
reads every article once (about 6 minutes per 500,000 articles).

Both backends: ``ix_articles_published_at`` for listings and searches sorted by date across
editions.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Kept in step with knotcrawl.db.queries.SEARCH_KEY_BITS (a migration does not import the
# package's query code, which may change after this revision).
_KEY_UNIT = 2**36


def _key(prefix: str = "") -> str:
    minutes = f"coalesce(CAST(strftime('%s', {prefix}published_at) AS INTEGER), 0) / 60"
    return f"(({minutes}) * {_KEY_UNIT} + {prefix}id)"


def _fold(column: str) -> str:
    return f"replace(replace({column}, 'ё', 'е'), 'Ё', 'Е')"


# Kept in step with knotcrawl.db.queries.EDITION_MARK.
_EDITION_MARK = "char(57344)"  # U+E000


def _edition(prefix: str) -> str:
    return f"{_EDITION_MARK} || {prefix}edition"


def _values(prefix: str, *, keyed: bool) -> str:
    texts = [_fold(f"{prefix}.{c}") for c in ("title", "body", "authors_text")]
    return ", ".join([*texts, _edition(f"{prefix}.")] if keyed else texts)


_TRIGGERS = ("articles_fts_insert", "articles_fts_delete", "articles_fts_update")
_TOKENIZE = "tokenize='unicode61 remove_diacritics 2'"


def _create_fts(*, keyed: bool) -> list[str]:
    """The FTS5 objects keyed by publication (0003) or by ``articles.id`` (0001)."""
    rowid = "search_key" if keyed else "id"
    new_key, old_key = (_key("new."), _key("old.")) if keyed else ("new.id", "old.id")
    source_key = f"{_key()} AS search_key" if keyed else "id"
    columns = "title, body, authors_text" + (", edition" if keyed else "")
    options = ", prefix='3 4'" if keyed else ""
    watched = "title, body, authors_text" + (", published_at, edition" if keyed else "")
    new_values, old_values = _values("new", keyed=keyed), _values("old", keyed=keyed)
    edition = f", {_edition('')} AS edition" if keyed else ""
    statements = [
        f"""CREATE VIEW articles_fts_source AS
            SELECT {source_key}, {_fold("title")} AS title, {_fold("body")} AS body,
                   {_fold("authors_text")} AS authors_text{edition}
            FROM articles""",
        f"""CREATE VIRTUAL TABLE articles_fts USING fts5(
            {columns},
            content='articles_fts_source', content_rowid='{rowid}', {_TOKENIZE}{options})""",
        f"""CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
            INSERT INTO articles_fts(rowid, {columns}) VALUES ({new_key}, {new_values});
        END""",
        f"""CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, {columns})
            VALUES ('delete', {old_key}, {old_values});
        END""",
        f"""CREATE TRIGGER articles_fts_update AFTER UPDATE OF {watched} ON articles
        BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, {columns})
            VALUES ('delete', {old_key}, {old_values});
            INSERT INTO articles_fts(rowid, {columns}) VALUES ({new_key}, {new_values});
        END""",
        "INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')",
    ]
    if keyed:
        # The content lookups of snippet() ("WHERE search_key = ?") go through this index.
        statements.insert(0, f"CREATE INDEX articles_fts_key ON articles({_key()})")
    return statements


def _drop_fts() -> None:
    for name in _TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS articles_fts")
    op.execute("DROP VIEW IF EXISTS articles_fts_source")
    op.execute("DROP INDEX IF EXISTS articles_fts_key")


def upgrade() -> None:
    op.create_index("ix_articles_published_at", "articles", ["published_at"])
    if op.get_bind().dialect.name == "sqlite":
        _drop_fts()
        for statement in _create_fts(keyed=True):
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _drop_fts()
        for statement in _create_fts(keyed=False):
            op.execute(statement)
    op.drop_index("ix_articles_published_at", table_name="articles")
