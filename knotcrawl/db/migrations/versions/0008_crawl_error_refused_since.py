"""Since when robots.txt refuses a failed URL: ``crawl_errors.refused_since``.

A URL that robots.txt disallows fails the run that first meets the refusal (exit 1); while the
refusal stands, later runs still ask for it (robots.txt may allow it again) but do not fail
for it, or cron would mail every hour about what nobody can fix. The column tells a standing
refusal from a new one, and how long it has stood: set at the first refusal, kept while the
URL is refused again, NULL for any other error (docs/crawling.md).

Rows recorded before this revision with the error "forbidden by robots.txt" (the only text
knotcrawl wrote for a refusal) are standing refusals already reported: their
``refused_since`` becomes their ``first_seen_at``, the earliest the refusal can have begun
(a URL that failed otherwise before it was refused shows a longer refusal than it had).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_ERRORS = sa.table(
    "crawl_errors",
    sa.column("error", sa.Text),
    sa.column("first_seen_at", sa.DateTime(timezone=True)),
    sa.column("refused_since", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    with op.batch_alter_table("crawl_errors") as batch:
        batch.add_column(sa.Column("refused_since", sa.DateTime(timezone=True), nullable=True))
    op.execute(
        sa.update(_ERRORS)
        .where(_ERRORS.c.error == "forbidden by robots.txt")
        .values(refused_since=_ERRORS.c.first_seen_at)
    )


def downgrade() -> None:
    with op.batch_alter_table("crawl_errors") as batch:
        batch.drop_column("refused_since")
