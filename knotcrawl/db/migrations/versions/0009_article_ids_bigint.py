"""Article ids as 64-bit integers on PostgreSQL, as they always were on SQLite.

The crawl takes ids up to 9,223,372,036,854,775,807 (``crawl --ids``, a URL) and an article
may link to any ``/articles/<digits>``, but PostgreSQL's ``integer`` columns stop at
2,147,483,647: a body link with a mistyped eleven-digit id made the article's store fail with
"integer out of range" on PostgreSQL alone, on every run that fetched it. SQLite's INTEGER is
64 bits already, so this revision changes nothing there.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# (table, column, nullable): every column that holds an article id.
ID_COLUMNS = (
    ("articles", "article_id", False),
    ("articles", "original_article_id", True),
    ("article_links", "article_id", True),
    ("revisions", "article_id", False),
    ("raw_pages", "article_id", False),
    ("crawl_errors", "article_id", True),
    ("gaps", "article_id", False),
)


def _retype(old: sa.types.TypeEngine[int], new: sa.types.TypeEngine[int]) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, name, nullable in ID_COLUMNS:
        op.alter_column(table, name, type_=new, existing_type=old, existing_nullable=nullable)


def upgrade() -> None:
    _retype(sa.Integer(), sa.BigInteger())


def downgrade() -> None:
    # Fails with "integer out of range" if an id above 2,147,483,647 was stored since.
    _retype(sa.BigInteger(), sa.Integer())
