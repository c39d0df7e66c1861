"""The archive database: models, migrations and the repository (:class:`Archive`).

from knotcrawl.db import Archive, StoreOutcome, RawPage
"""

from knotcrawl.db.repository import Archive
from knotcrawl.db.types import CrawlError, RawPage, ReparseReport, Revision, SearchHit, StoreOutcome

__all__ = [
    "Archive",
    "CrawlError",
    "RawPage",
    "ReparseReport",
    "Revision",
    "SearchHit",
    "StoreOutcome",
]
