"""What a retry of a failed URL needs: ``crawl_errors.retry`` (JSON text).

For a listing or feed page, the request's walk (``{"walk": "full", "section": ...}``), so the
retry carries the walk on past the page that failed; for an article, the listing context the
failed run saw (``{"sections": [...], "lead": ...}``), so the article stored by the retry gets
its sections and lead although the failed run's job is gone.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("crawl_errors") as batch:
        batch.add_column(sa.Column("retry", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("crawl_errors") as batch:
        batch.drop_column("retry")
