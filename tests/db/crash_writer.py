"""A writer process for the crash-safety test: stores batches until it is killed.

    python crash_writer.py URL BATCH_SIZE PAUSE_BATCH

Prints ``COMMITTED n`` after each batch. In batch ``PAUSE_BATCH`` (if >= 0) it prints ``MID``
half-way through the batch's statements (articles inserted, links not yet) and stalls there,
inside the open transaction, for the parent to kill it.
"""

from __future__ import annotations

import sys
import time
from datetime import timedelta
from typing import Any

from db_factory import T0, make_raw, make_record
from sqlalchemy import event

from knotcrawl.db import Archive


def main() -> None:
    url, size, pause = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    archive = Archive.open(url)
    state = {"batch": -1}

    @event.listens_for(archive.engine, "after_cursor_execute")
    def _stall(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if state["batch"] == pause and statement.lstrip().upper().startswith(
            "INSERT INTO ARTICLE_LINKS"
        ):
            print("MID", flush=True)
            time.sleep(600)

    for batch in range(10_000):
        state["batch"] = batch
        items = []
        for k in range(size):
            i = batch * size + k + 1
            record = make_record(i, "en" if i % 2 else "ru", sections=[f"rubric/{i % 3}"])
            items.append((record, make_raw(record)))
        archive.store_many(items, T0 + timedelta(seconds=batch), batch=size)
        print(f"COMMITTED {batch}", flush=True)


if __name__ == "__main__":
    main()
