"""Where the archive is: URLs, paths and environment variables."""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from knotcrawl.db import Archive
from knotcrawl.db.engine import _connect_read_only, describe, resolve_url
from knotcrawl.db.queries import open_for_reading
from knotcrawl.errors import UsageError


def test_default_is_data_knotcrawl_sqlite_below_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KNOTCRAWL_DATABASE_URL", raising=False)
    monkeypatch.delenv("KNOTCRAWL_DATA_DIR", raising=False)
    url = resolve_url(None)
    assert url.drivername == "sqlite"
    assert url.database == str(tmp_path / "data" / "knotcrawl.sqlite")
    assert (tmp_path / "data").is_dir()
    monkeypatch.setenv("KNOTCRAWL_DATA_DIR", str(tmp_path / "elsewhere"))
    assert resolve_url(None).database == str(tmp_path / "elsewhere" / "knotcrawl.sqlite")
    monkeypatch.setenv("KNOTCRAWL_DATABASE_URL", "postgresql://u@h/db")
    assert resolve_url(None).drivername == "postgresql+psycopg"


@pytest.mark.parametrize(
    ("given", "driver", "database"),
    [
        ("postgresql://user:pw@db.example:5433/archive", "postgresql+psycopg", "archive"),
        ("postgres://user@localhost/archive", "postgresql+psycopg", "archive"),
        ("postgresql+psycopg://user@localhost/archive", "postgresql+psycopg", "archive"),
        ("sqlite:////tmp/x.sqlite", "sqlite", "/tmp/x.sqlite"),
        (":memory:", "sqlite", ":memory:"),
    ],
)
def test_urls(given: str, driver: str, database: str) -> None:
    url = resolve_url(given)
    assert (url.drivername, url.database) == (driver, database)


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("sqlite:////tmp/x.sqlite", "/tmp/x.sqlite"),
        (
            "postgresql://user:secret@db.example:5433/archive",
            "postgresql+psycopg://user:***@db.example:5433/archive",
        ),
        (":memory:", ":memory:"),
    ],
)
def test_messages_name_a_sqlite_archive_by_its_path_and_hide_passwords(
    given: str, shown: str
) -> None:
    assert describe(resolve_url(given)) == shown


def test_a_plain_path_is_a_sqlite_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert resolve_url("archive.db").database == str(tmp_path / "archive.db")
    with pytest.raises(UsageError, match="no such directory"):
        resolve_url("missing/dir/archive.db")
    with pytest.raises(UsageError, match="unsupported database"):
        resolve_url("mysql://u@h/db")


def test_a_new_sqlite_archive_has_16k_pages_and_an_old_one_keeps_its_own(tmp_path: Path) -> None:
    import sqlite3

    from knotcrawl.db import Archive
    from knotcrawl.db.engine import PAGE_SIZE

    new = tmp_path / "new.sqlite"
    Archive.open(str(new)).close()
    with sqlite3.connect(new) as conn:
        assert conn.execute("PRAGMA page_size").fetchone()[0] == PAGE_SIZE == 16_384
    old = tmp_path / "old.sqlite"
    with sqlite3.connect(old) as conn:  # a database made before, empty: 4 KiB pages
        conn.execute("CREATE TABLE t (x)")
        conn.execute("DROP TABLE t")
    Archive.open(str(old)).close()  # migrated to the newest schema, pages untouched
    with sqlite3.connect(old) as conn:
        assert conn.execute("PRAGMA page_size").fetchone()[0] == 4_096
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 0


def read_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file and folder answers as on a read-only mount (root included)."""

    def refuse(path: Path) -> OSError:
        return OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))

    monkeypatch.setattr("knotcrawl.db.engine.file_write_error", refuse)
    monkeypatch.setattr("knotcrawl.db.engine.folder_write_error", refuse)


def test_an_archive_this_process_cannot_write_is_read_read_only(
    sqlite_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read-only storage or another user's archive: the read commands work, and the
    connection is read-only (nothing can be written by accident)."""
    path = tmp_path / "archive.sqlite"
    shutil.copyfile(sqlite_template, path)
    read_only(monkeypatch)
    archive = open_for_reading(str(path))
    try:
        assert archive.counts()["articles"] == 0
        with (
            pytest.raises(OperationalError, match="readonly database"),
            archive.engine.begin() as conn,
        ):
            conn.exec_driver_sql("CREATE TABLE x (a)")
    finally:
        archive.close()


def test_a_read_only_wal_archive_without_shm_is_refused_not_read_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A copy with its -wal file but no -shm in a folder nobody may write: SQLite could open it
    only with immutable=1, which ignores the -wal file and would show the archive without its
    last writes. Without a -wal file (or an empty one) it is read."""
    source = tmp_path / "source.sqlite"
    writer = sqlite3.connect(source)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("CREATE TABLE t (x)")
    writer.commit()
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copyfile(source, copy / "a.sqlite")
    shutil.copyfile(f"{source}-wal", copy / "a.sqlite-wal")  # the table is in here only
    writer.close()
    real_connect = sqlite3.connect

    class NoShm:
        """What SQLite answers, at the first read, for mode=ro when the -shm file cannot be
        created."""

        def execute(self, *args: object) -> None:
            raise sqlite3.OperationalError("unable to open database file")

        def close(self) -> None:
            pass

    def no_shm(database: str, *args: object, **kwargs: object) -> object:
        if "mode=ro" in database and "immutable" not in database:
            return NoShm()
        return real_connect(database, *args, **kwargs)  # type: ignore[arg-type]

    read_only(monkeypatch)
    monkeypatch.setattr(sqlite3, "connect", no_shm)
    with pytest.raises(UsageError, match=r"a\.sqlite-wal file holds writes not yet in the archive"):
        _connect_read_only(copy / "a.sqlite", {})
    (copy / "a.sqlite-wal").write_bytes(b"")
    conn = _connect_read_only(copy / "a.sqlite", {})
    try:
        assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone() == (0,)
    finally:
        conn.close()


def test_a_writing_command_on_a_read_only_archive_says_so(
    sqlite_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "archive.sqlite"
    shutil.copyfile(sqlite_template, path)
    real_open = os.open

    def read_only_fs(file: str | os.PathLike[str], flags: int, *args: int) -> int:
        if str(file).endswith(".lock"):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(file))
        return real_open(file, flags, *args)

    monkeypatch.setattr("knotcrawl.db.repository.os.open", read_only_fs)
    with (
        Archive.open(str(path)) as archive,
        pytest.raises(UsageError, match="read-only here, so only the read commands"),
        archive.lock("crawl"),
    ):
        pass
