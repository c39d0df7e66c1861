"""The per-job frontier: a small SQLite file that makes every crawl resumable.

Every request a spider decides to make is inserted here (``pending``) before it is handed to
Scrapy, and marked ``done`` (or ``failed``, or ``refused`` for a URL robots.txt still refuses)
by the pipeline in the same step as the archive write. A crawl killed at any point (Ctrl-C,
SIGTERM, SIGKILL, power cut) leaves the file behind; the next run of the same job loads the
pending requests and carries on. A job that finishes removes its file.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS requests (
    key   TEXT PRIMARY KEY,
    seq   INTEGER NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    spec  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS requests_state ON requests (state, seq);
CREATE TABLE IF NOT EXISTS job (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS context (
    edition    TEXT NOT NULL,
    article_id INTEGER NOT NULL,
    section    TEXT NOT NULL,
    lead       TEXT,
    PRIMARY KEY (edition, article_id, section)
);
"""


@dataclass(slots=True)
class Spec:
    """One request of a job: what to fetch and what the spider needs to handle the answer."""

    kind: str  # "article", "listing", "feed", "probe", "idprobe"
    url: str
    edition: str
    article_id: int | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """Unique per request of a job: the kind (and the search or the round of a walk it
        serves) and the URL."""
        tag = self.meta.get("bound") or self.meta.get("round")
        return f"{self.kind}:{tag} {self.url}" if tag else f"{self.kind} {self.url}"

    def dumps(self) -> str:
        return json.dumps(
            {
                "kind": self.kind,
                "url": self.url,
                "edition": self.edition,
                "article_id": self.article_id,
                "meta": self.meta,
            },
            sort_keys=True,
        )

    @classmethod
    def loads(cls, text: str) -> Spec:
        data = json.loads(text)
        return cls(
            data["kind"],
            data["url"],
            data["edition"],
            data.get("article_id"),
            data.get("meta") or {},
        )


def job_key(mode: str, arguments: dict[str, Any], database: str) -> str:
    """A short stable hash of what defines a job: the mode, its arguments and the database."""
    text = json.dumps(
        {"mode": mode, "arguments": arguments, "db": database}, sort_keys=True, default=str
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class Frontier:
    """The SQLite frontier of one job (``data/jobs/<job-key>.sqlite``)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.resumed = self.path.exists()
        self._db = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        # WAL + NORMAL: a commit survives a killed process; a power cut may lose the last
        # commits, but only a suffix in order (a listing's "done" never outlives its children),
        # so a resumed job at worst fetches a few pages again.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        row = self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM requests").fetchone()
        self._seq = int(row[0])
        if self.resumed and not self.count():
            self.resumed = False

    # -- writing --------------------------------------------------------------------------

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One transaction, rolled back on any error, unless SQLite rolled it back itself:
        it does on a full disk or an I/O error, and a ROLLBACK then fails with "no
        transaction is active", which hid the real error ("database or disk is full")."""
        self._db.execute("BEGIN")
        try:
            yield
            self._db.execute("COMMIT")
        except BaseException:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise

    def add(self, specs: Iterable[Spec]) -> list[Spec]:
        """Insert the specs not seen before by this job (one transaction); return those."""
        added: list[Spec] = []
        with self._transaction():
            for spec in specs:
                self._seq += 1
                cur = self._db.execute(
                    "INSERT OR IGNORE INTO requests (key, seq, state, spec) VALUES (?, ?, ?, ?)",
                    (spec.key, self._seq, "pending", spec.dumps()),
                )
                if cur.rowcount:
                    added.append(spec)
        return added

    def mark(self, key: str, state: str = "done") -> None:
        self._db.execute("UPDATE requests SET state=? WHERE key=?", (state, key))

    def add_context(self, rows: Iterable[tuple[str, int, str, str | None]]) -> None:
        """Listing context ``(edition, article_id, section, lead)`` seen for articles not
        stored yet (applied when they are), in one transaction."""
        with self._transaction():
            self._db.executemany(
                "INSERT INTO context (edition, article_id, section, lead) VALUES (?, ?, ?, ?) "
                "ON CONFLICT DO UPDATE SET lead=COALESCE(excluded.lead, context.lead)",
                list(rows),
            )

    def saved_context(
        self, keys: Iterable[tuple[str, int]]
    ) -> dict[tuple[str, int], tuple[list[str], str | None]]:
        """The sections and lead saved for these articles; articles with nothing saved are
        absent. They stay saved until :meth:`mark_stored`, so a write that fails or a crash
        before it loses nothing."""
        found: dict[tuple[str, int], tuple[set[str], str | None]] = {}
        for edition, article_id in keys:
            rows = self._db.execute(
                "SELECT section, lead FROM context WHERE edition=? AND article_id=?",
                (edition, article_id),
            ).fetchall()
            if rows:
                lead = next((str(row[1]) for row in rows if row[1]), None)
                found[(edition, article_id)] = ({str(row[0]) for row in rows}, lead)
        return {key: (sorted(sections), lead) for key, (sections, lead) in found.items()}

    def mark_stored(self, requests: Iterable[str], articles: Iterable[tuple[str, int]]) -> None:
        """After the archive committed these articles: their requests done and their saved
        context forgotten, in one transaction."""
        with self._transaction():
            self._db.executemany(
                "UPDATE requests SET state='done' WHERE key=?", [(key,) for key in requests]
            )
            self._db.executemany(
                "DELETE FROM context WHERE edition=? AND article_id=?", list(articles)
            )

    # -- reading --------------------------------------------------------------------------

    def has(self, key: str) -> bool:
        return self._db.execute("SELECT 1 FROM requests WHERE key=?", (key,)).fetchone() is not None

    def spec(self, key: str) -> Spec | None:
        row = self._db.execute("SELECT spec FROM requests WHERE key=?", (key,)).fetchone()
        return None if row is None else Spec.loads(row[0])

    def retry_of(self, key: str) -> dict[str, Any]:
        """What a later run's retry of this request needs once the job is gone: a listing's
        or feed's walk (its meta), a date search's state (a probe's kind and meta), an
        article's listing context (sections and lead from its
        request and from the listings saved for it)."""
        spec = self.spec(key)
        if spec is None:
            return {}
        if spec.kind in ("listing", "feed"):
            meta = {k: v for k, v in spec.meta.items() if k != "retry"}
            return {"meta": meta} if meta else {}
        if spec.kind == "probe":  # a page of a date search: the search goes on from it
            return {"kind": "probe", "meta": {k: v for k, v in spec.meta.items() if k != "retry"}}
        if spec.kind != "article" or spec.article_id is None:
            return {}
        sections = set(spec.meta.get("sections") or ())
        lead = spec.meta.get("lead")
        saved = self.saved_context([(spec.edition, spec.article_id)])
        if saved:
            saved_sections, saved_lead = saved[(spec.edition, spec.article_id)]
            sections.update(saved_sections)
            lead = lead or saved_lead
        retry: dict[str, Any] = {}
        if sections:
            retry["sections"] = sorted(sections)
        if lead:
            retry["lead"] = lead
        return retry

    def state(self, key: str) -> str | None:
        row = self._db.execute("SELECT state FROM requests WHERE key=?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def pending(self) -> Iterator[Spec]:
        rows = self._db.execute(
            "SELECT spec FROM requests WHERE state='pending' ORDER BY seq"
        ).fetchall()
        for (text,) in rows:
            yield Spec.loads(text)

    def has_pending(self, key_prefix: str) -> bool:
        """Whether a request whose key starts with ``key_prefix`` is still pending."""
        row = self._db.execute(
            "SELECT 1 FROM requests WHERE state='pending' AND substr(key, 1, ?) = ? LIMIT 1",
            (len(key_prefix), key_prefix),
        ).fetchone()
        return row is not None

    def article_ids(self, edition: str) -> set[int]:
        """Ids of the articles this job queued from listings (not rechecks of known ones)."""
        out: set[int] = set()
        for (text,) in self._db.execute(
            "SELECT spec FROM requests WHERE key LIKE 'article %'"
        ).fetchall():
            spec = Spec.loads(text)
            if spec.edition == edition and spec.article_id is not None and spec.meta.get("listed"):
                out.add(spec.article_id)
        return out

    def failed_articles(self) -> Iterator[tuple[str, Spec]]:
        """The key and spec of every article request of this job that failed (or that
        robots.txt still refused: no failure of the run, but in crawl-errors all the same)."""
        rows = self._db.execute(
            "SELECT key, spec FROM requests WHERE state IN ('failed', 'refused') "
            "AND key LIKE 'article%'"
        ).fetchall()
        for key, text in rows:
            yield str(key), Spec.loads(text)

    def count(self, state: str | None = None) -> int:
        if state is None:
            row = self._db.execute("SELECT COUNT(*) FROM requests").fetchone()
        else:
            row = self._db.execute(
                "SELECT COUNT(*) FROM requests WHERE state=?", (state,)
            ).fetchone()
        return int(row[0])

    def get_value(self, name: str) -> Any:
        row = self._db.execute("SELECT value FROM job WHERE name=?", (name,)).fetchone()
        return None if row is None else json.loads(row[0])

    def set_value(self, name: str, value: Any) -> None:
        self._db.execute(
            "INSERT INTO job (name, value) VALUES (?, ?) "
            "ON CONFLICT(name) DO UPDATE SET value=excluded.value",
            (name, json.dumps(value, default=str)),
        )

    # -- lifetime -------------------------------------------------------------------------

    def close(self) -> None:
        self._db.close()

    def remove(self) -> None:
        """The job finished: close and delete the file (and its WAL side files)."""
        self.close()
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
