"""Initial schema: articles and their child tables, revisions, raw pages, runs, errors, search.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)

# PostgreSQL: one generated tsvector over title (weight A), authors (B) and body (C), with the
# 'simple' configuration (no stemming, like SQLite's unicode61) and "ё" searched as "е".
_PG_VECTOR = """
    setweight(to_tsvector('simple'::regconfig, translate(coalesce(title, ''), 'Ёё', 'Ее')), 'A')
    || setweight(to_tsvector('simple'::regconfig,
                             translate(coalesce(authors_text, ''), 'Ёё', 'Ее')), 'B')
    || setweight(to_tsvector('simple'::regconfig, translate(coalesce(body, ''), 'Ёё', 'Ее')), 'C')
"""


# SQLite: an external-content FTS5 table kept in step by triggers. Its content is a view that
# folds "ё" to "е" (unicode61 does not treat it as a diacritic), so the index, snippets and
# 'integrity-check' all read the same folded text.
def _fold(column: str) -> str:
    return f"replace(replace({column}, 'ё', 'е'), 'Ё', 'Е')"


def _fts_values(prefix: str) -> str:
    return ", ".join(_fold(f"{prefix}.{c}") for c in ("title", "body", "authors_text"))


_SQLITE_FTS = [
    f"""CREATE VIEW articles_fts_source AS
        SELECT id, {_fold("title")} AS title, {_fold("body")} AS body,
               {_fold("authors_text")} AS authors_text
        FROM articles""",
    """CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, body, authors_text,
        content='articles_fts_source', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, body, authors_text)
        VALUES (new.id, {_fts_values("new")});
    END""",
    f"""CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, body, authors_text)
        VALUES ('delete', old.id, {_fts_values("old")});
    END""",
    f"""CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, body, authors_text ON articles
    BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, body, authors_text)
        VALUES ('delete', old.id, {_fts_values("old")});
        INSERT INTO articles_fts(rowid, title, body, authors_text)
        VALUES (new.id, {_fts_values("new")});
    END""",
]


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("edition", sa.String(2), nullable=False),
        sa.Column("article_id", sa.Integer, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("fetched_url", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("published_at", TS, nullable=True),
        sa.Column("published_local", sa.String(32), nullable=True),
        sa.Column("published_raw", sa.Text, nullable=True),
        sa.Column("source", sa.Text, nullable=True),
        sa.Column("photo_caption", sa.Text, nullable=True),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("authors_text", sa.Text, nullable=False, server_default=""),
        sa.Column("original_url", sa.Text, nullable=True),
        sa.Column("original_article_id", sa.Integer, nullable=True),
        sa.Column("original_published_at", TS, nullable=True),
        sa.Column("original_published_local", sa.String(32), nullable=True),
        sa.Column("original_published_raw", sa.Text, nullable=True),
        sa.Column("lead", sa.Text, nullable=True),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("parser_version", sa.String(64), nullable=True),
        sa.Column("first_seen_at", TS, nullable=False),
        sa.Column("last_seen_at", TS, nullable=False),
        sa.Column("version_seen_at", TS, nullable=False),
        sa.Column("gone_at", TS, nullable=True),
        sa.Column("gone_status", sa.Integer, nullable=True),
        sa.UniqueConstraint("edition", "article_id", name="uq_articles_edition_article_id"),
    )
    op.create_index("ix_articles_edition_published_at", "articles", ["edition", "published_at"])

    op.create_table(
        "article_authors",
        sa.Column(
            "article_pk",
            sa.Integer,
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
    )
    op.create_index("ix_article_authors_name", "article_authors", ["name"])

    op.create_table(
        "article_links",
        sa.Column(
            "article_pk",
            sa.Integer,
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("edition", sa.String(2), nullable=True),
        sa.Column("article_id", sa.Integer, nullable=True),
    )
    op.create_index("ix_article_links_target", "article_links", ["edition", "article_id"])

    op.create_table(
        "article_sections",
        sa.Column(
            "article_pk",
            sa.Integer,
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("section", sa.Text, nullable=False),
        sa.UniqueConstraint("article_pk", "section", name="uq_article_sections_section"),
    )
    op.create_index("ix_article_sections_section", "article_sections", ["section"])

    op.create_table(
        "revisions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "article_pk",
            sa.Integer,
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("edition", sa.String(2), nullable=False),
        sa.Column("article_id", sa.Integer, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("fetched_url", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("published_at", TS, nullable=True),
        sa.Column("published_local", sa.String(32), nullable=True),
        sa.Column("published_raw", sa.Text, nullable=True),
        sa.Column("authors", sa.JSON, nullable=False),
        sa.Column("source", sa.Text, nullable=True),
        sa.Column("photo_caption", sa.Text, nullable=True),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("original", sa.JSON, nullable=True),
        sa.Column("links", sa.JSON, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("parser_version", sa.String(64), nullable=True),
        sa.Column("first_seen_at", TS, nullable=False),
        sa.Column("last_seen_at", TS, nullable=False),
        sa.Column("replaced_at", TS, nullable=False),
    )
    op.create_index("ix_revisions_article_pk", "revisions", ["article_pk"])

    op.create_table(
        "raw_pages",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "article_pk",
            sa.Integer,
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "revision_id",
            sa.Integer,
            sa.ForeignKey("revisions.id", ondelete="CASCADE"),
            nullable=True,
        ),
        sa.Column("edition", sa.String(2), nullable=False),
        sa.Column("article_id", sa.Integer, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("status", sa.Integer, nullable=False),
        sa.Column("headers", sa.JSON, nullable=False),
        sa.Column("fetched_at", TS, nullable=False),
        sa.Column("codec", sa.String(8), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
        sa.Column("parser_version", sa.String(64), nullable=True),
    )
    op.create_index(
        "uq_raw_pages_current",
        "raw_pages",
        ["article_pk"],
        unique=True,
        sqlite_where=sa.text("revision_id IS NULL"),
        postgresql_where=sa.text("revision_id IS NULL"),
    )
    op.create_index("ix_raw_pages_revision_id", "raw_pages", ["revision_id"])

    op.create_table(
        "crawl_runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("mode", sa.String(32), nullable=False),
        sa.Column("arguments", sa.JSON, nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("finished_at", TS, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("new", sa.Integer, nullable=False, server_default="0"),
        sa.Column("updated", sa.Integer, nullable=False, server_default="0"),
        sa.Column("unchanged", sa.Integer, nullable=False, server_default="0"),
        sa.Column("gone", sa.Integer, nullable=False, server_default="0"),
        sa.Column("failed", sa.Integer, nullable=False, server_default="0"),
        sa.Column("requests", sa.Integer, nullable=False, server_default="0"),
    )

    op.create_table(
        "crawl_errors",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("url", sa.Text, nullable=False, unique=True),
        sa.Column("edition", sa.String(2), nullable=True),
        sa.Column("article_id", sa.Integer, nullable=True),
        sa.Column("error", sa.Text, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("first_seen_at", TS, nullable=False),
        sa.Column("last_seen_at", TS, nullable=False),
    )
    op.create_index("ix_crawl_errors_article", "crawl_errors", ["edition", "article_id"])

    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in _SQLITE_FTS:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute(
            f"ALTER TABLE articles ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS ({_PG_VECTOR}) STORED"
        )
        op.execute("CREATE INDEX ix_articles_search ON articles USING gin (search_vector)")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in ("articles_fts_insert", "articles_fts_delete", "articles_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS articles_fts")
        op.execute("DROP VIEW IF EXISTS articles_fts_source")
    for table in (
        "crawl_errors",
        "crawl_runs",
        "raw_pages",
        "revisions",
        "article_sections",
        "article_links",
        "article_authors",
        "articles",
    ):
        op.drop_table(table)
