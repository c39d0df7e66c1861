"""A small API for notebooks: the archive as records, DataFrames and search hits.

```python
from knotcrawl.api import open_archive

kc = open_archive("data/knotcrawl.sqlite")        # or "postgresql://…"; None = the default
df = kc.dataframe(edition="en", since="2020", until="2020-12")
for record in kc.records(author="Gasanov", has_original=True):
    print(record.title)
hits = kc.search('"human rights" court', edition="en", limit=10)
kc.stats()["totals"]
```

Filters (every method): ``edition``, ``since``, ``until`` (``"2019"``, ``"2019-05"``,
``"2019-05-17"``, ISO date-times, ``date`` or ``datetime``; UTC unless a zone is given; a date
``until`` includes that whole day/month/year), ``author``, ``source`` (substrings),
``section`` (exact), ``has_original``, ``changed``, ``gone`` (True/False).
``dataframe`` needs pandas and pyarrow (``pip install 'knotcrawl[analysis]'``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from knotcrawl.db import queries
from knotcrawl.db.queries import Filters
from knotcrawl.db.types import SearchHit
from knotcrawl.record import ArticleRecord

__all__ = ["KnotArchive", "open_archive"]


class KnotArchive:
    """An archive opened for reading. Use as a context manager or call :meth:`close`."""

    def __init__(self, archive: Any) -> None:
        self.archive = archive
        self.engine = archive.engine

    def __enter__(self) -> KnotArchive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.archive.close()

    def __repr__(self) -> str:
        return f"<KnotArchive {self.archive.url}>"

    def records(
        self, *, sort: str | None = None, limit: int | None = None, **filters: Any
    ) -> Iterator[ArticleRecord]:
        """Stream the matching records (ordered by ``sort``, default edition then id)."""
        return queries.iter_records(self.engine, Filters.make(**filters), sort=sort, limit=limit)

    def count(self, **filters: Any) -> int:
        return queries.count(self.engine, Filters.make(**filters))

    def get(self, edition: str, article_id: int) -> ArticleRecord | None:
        data = queries.get(self.engine, edition, article_id)
        return ArticleRecord.from_dict(data) if data is not None else None

    def dataframe(
        self,
        *,
        fields: Sequence[str] | str | None = None,
        sort: str | None = None,
        limit: int | None = None,
        **filters: Any,
    ) -> Any:
        """The matching records as a pandas DataFrame, one row per article.

        Columns are the RECORD fields (or ``fields``) with the Parquet export's types:
        ``published_at``, ``first_seen_at``, ``last_seen_at`` are UTC datetimes; ``authors``,
        ``sections`` hold arrays of strings; ``original`` a dict or None; ``links`` an array
        of dicts. Built from Arrow batches, so even a large archive loads quickly.
        """
        import pyarrow as pa

        from knotcrawl.analysis.export import arrow_batches, arrow_schema

        chosen = queries.check_fields(fields)
        batches = queries.iter_batches(
            self.engine, Filters.make(**filters), sort=sort, limit=limit, batch=2000
        )
        table = pa.Table.from_batches(list(arrow_batches(batches, chosen)), arrow_schema(chosen))
        return table.to_pandas()

    def search(
        self,
        query: str,
        *,
        limit: int = 20,
        offset: int = 0,
        sort: str | None = None,
        forms: bool = False,
        window: int | None = queries.RANK_WINDOW,
        **filters: Any,
    ) -> list[SearchHit]:
        """Full-text search (syntax of ``knotcrawl search``): the best matches among the newest
        ``window`` ones (every match with ``window=None``), or in ``sort`` order. Snippets mark
        the matched words with ``[`` and ``]``."""
        hits = queries.search(
            self.engine,
            query,
            Filters.make(**filters),
            limit=limit,
            offset=offset,
            sort=sort,
            forms=forms,
            window=window,
        )
        for hit in hits:
            hit.snippet = hit.snippet.replace(queries.HIT_OPEN, "[").replace(queries.HIT_CLOSE, "]")
        return hits

    def stats(self, *, top: int = 10, **filters: Any) -> dict[str, Any]:
        """What ``knotcrawl stats --json`` prints."""
        from knotcrawl.analysis.stats import gather

        return gather(self.engine, Filters.make(**filters), top=top)

    def per_month(self, **filters: Any) -> Any:
        """Articles per month and edition as a DataFrame (months as rows, en/ru columns;
        every month from the first to the last, a month without articles as zeros; with
        ``since``/``until``, every month of that period up to the current one)."""
        import pandas as pd

        from knotcrawl.analysis.stats import asked_period, month_range

        chosen = Filters.make(**filters)
        rows = queries.monthly_counts(self.engine, chosen)
        frame = pd.DataFrame(rows, columns=["month", "edition", "articles"])
        table = frame.pivot_table(
            index="month", columns="edition", values="articles", fill_value=0, aggfunc="sum"
        )
        # Both editions' columns always, in order (an empty archive or one edition's filter
        # would otherwise drop them and break `frame["ru"]`).
        # The months without articles too: a time series with holes misleads a plot or a
        # rolling mean.
        months = month_range(list(table.index), asked_period(chosen))
        table = table.reindex(index=months, fill_value=0)
        table.index.name = "month"
        return table.reindex(columns=["en", "ru"], fill_value=0).astype("int64")


def open_archive(url_or_path: str | None = None) -> KnotArchive:
    """Open an existing archive for reading (a SQLite path or a ``postgresql://`` URL;
    ``None``: ``KNOTCRAWL_DATABASE_URL`` or ``data/knotcrawl.sqlite``). Never creates one."""
    return KnotArchive(queries.open_for_reading(url_or_path))
