"""Alembic migrations of the archive (configured in :mod:`knotcrawl.db.migrate`, no alembic.ini)."""
