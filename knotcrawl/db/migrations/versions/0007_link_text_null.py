"""A link without anchor text has ``text`` NULL: ``article_links.text`` becomes nullable and
every ``''`` in it NULL.

RECORD.md: "Where a field is unknown it is ``null`` (lists: ``[]``), never ``""``". The parser
gave an image-only or empty link ``"text": ""``, which the archive stored as ``''``; it now
gives ``null``, and the archive stores NULL (the repository writes NULL for ``""`` too), so an
empty CSV cell, a JSON ``null`` and a pandas ``None`` all mean "no anchor text" and knotcrawl
never stores ``""``.

``revisions.links`` (JSON) holds the links of earlier versions with the same ``"text": ""``:
they are converted as well (``"text": null``, the other keys and their order untouched), since
``show``, ``revisions()`` and the diffs between versions read them next to the current links,
where an unconverted revision would show a change from ``""`` to ``null`` that the site never
made, and a reparse of a revision's page would count every such revision as changed. Only
revisions whose JSON text holds ``""`` are read, in chunks; their links are rewritten in Python
(one way for both backends, JSON written as the repository writes it).

SQLite: the column change rebuilds ``article_links`` in Alembic's batch mode (its index and its
foreign key to ``articles`` are re-created); ``articles`` and its FTS triggers are untouched.
PostgreSQL: ``ALTER COLUMN ... DROP NOT NULL``. The downgrade writes ``''`` back for NULL in
both places.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_LINKS = sa.table("article_links", sa.column("text", sa.Text))
_REVISIONS = sa.table("revisions", sa.column("id", sa.Integer), sa.column("links", sa.JSON))
_CHUNK = 500


def _convert_revisions(old: str | None, new: str | None) -> None:
    """``"text": old`` becomes ``"text": new`` in every link of ``revisions.links``."""
    rv = _REVISIONS
    conn = op.get_bind()
    # A cheap pre-filter on the JSON text ("" or null somewhere); the links decide.
    mark = '%""%' if old == "" else "%null%"
    ids = list(conn.execute(sa.select(rv.c.id).where(sa.cast(rv.c.links, sa.Text).like(mark))))
    update = (
        sa.update(rv)
        .where(rv.c.id == sa.bindparam("rid"))
        .values(links=sa.bindparam("new_links", type_=sa.JSON))
    )
    for start in range(0, len(ids), _CHUNK):
        chunk = [row.id for row in ids[start : start + _CHUNK]]
        changed: list[dict[str, Any]] = []
        for rid, links in conn.execute(sa.select(rv.c.id, rv.c.links).where(rv.c.id.in_(chunk))):
            hits = [link for link in links or [] if "text" in link and link["text"] == old]
            for link in hits:
                link["text"] = new
            if hits:
                changed.append({"rid": rid, "new_links": links})
        if changed:
            conn.execute(update, changed)


def _batch() -> Any:
    """Alembic's batch mode for ``article_links``; ``articles`` is not reflected with it (its
    foreign key only needs the name, and SQLite's ``articles`` has an expression index that
    reflection warns about)."""
    return op.batch_alter_table("article_links", reflect_kwargs={"resolve_fks": False})


def upgrade() -> None:
    with _batch() as batch:
        batch.alter_column("text", existing_type=sa.Text, nullable=True)
    op.execute(sa.update(_LINKS).where(_LINKS.c.text == "").values(text=None))
    _convert_revisions("", None)


def downgrade() -> None:
    _convert_revisions(None, "")
    op.execute(sa.update(_LINKS).where(_LINKS.c.text.is_(None)).values(text=""))
    with _batch() as batch:
        batch.alter_column("text", existing_type=sa.Text, nullable=False)
