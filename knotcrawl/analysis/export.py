"""Export writers: CSV, JSON Lines and Parquet, streamed in batches, written atomically.

Every format holds the RECORD.md fields in RECORD order (or the chosen ``fields`` in the
order given):

* **CSV**: UTF-8 (no BOM), a header row, ``\\n`` line ends, RFC 4180 quoting (bodies keep
  their newlines inside quotes). ``null`` is an empty cell; lists and objects (``authors``,
  ``sections``, ``links``, ``original``) are JSON text.
* **JSON Lines**: one RECORD object per line, exactly as ``knotcrawl parse`` prints it.
* **Parquet**: typed columns. ``article_id`` int64; the UTC times ``published_at``,
  ``first_seen_at``, ``last_seen_at`` (and ``original.published_at``) are
  ``timestamp[us, UTC]``; ``published_local`` stays the Moscow ISO text (its offset changes
  over the years); ``authors`` and ``sections`` are ``list<string>``; ``original`` is a
  struct; ``links`` a ``list<struct>``. Snappy compression. pandas, DuckDB, Polars and R
  (arrow) read it without options.

The output goes to a temporary file beside the target, renamed over it at the end: a failure
never leaves a partial file. A symlink is written through (the file it points to is
replaced); a device or a named pipe is written to directly. ``-`` writes to standard output.

The writers take batches of RECORD dicts or, faster, the column batches of
:func:`knotcrawl.db.queries.iter_record_columns` (what ``knotcrawl export`` reads). For Parquet
and CSV those become Arrow arrays column by column, with no Python object per record: text
straight from SQLite's UTF-8 bytes, times parsed in bulk, lists from offsets, and CSV's JSON
text built with Arrow string kernels, byte for byte what ``json.dumps(..., ensure_ascii=False)``
writes. pyarrow encodes and writes in a background thread while the next batch is read. JSON
Lines, and CSV without pyarrow, go through the RECORD dicts.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import queue
import socket
import stat
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeAlias, cast

from knotcrawl.db.queries import CHILD_TABLES, STORED_TIME, RecordColumns, optional_utc_iso
from knotcrawl.errors import KnotcrawlError, UsageError
from knotcrawl.files import file_write_error, folder_write_error, reason
from knotcrawl.record import RECORD_FIELDS

FORMATS = ("csv", "jsonl", "parquet")
TIME_FIELDS = frozenset({"published_at", "first_seen_at", "last_seen_at"})
LIST_FIELDS = frozenset({"authors", "sections"})
JSON_FIELDS = frozenset({"authors", "sections", "links", "original"})
INT_FIELDS = frozenset({"article_id"})
ROW_GROUP_ROWS = 10_000
# A batch: RECORD dicts, or the columns of :func:`knotcrawl.db.queries.iter_record_columns`.
Batch: TypeAlias = list[dict[str, Any]] | RecordColumns


@dataclass(slots=True)
class ExportResult:
    rows: int
    path: str
    format: str
    fields: tuple[str, ...]


# ----------------------------------------------------------------------------- atomic output


def check_target(target: str) -> Path | None:
    """Refuse an output path that cannot be written, before any query runs.

    Returns the path to write: a symlink's final target, so that the rename replaces the file
    it points to and the link stays a link."""
    if target == "-":
        return None
    if not target.strip():
        # `-o "$OUT"` with OUT unset: "" resolves to the current directory, "  " is a name
        # nobody means
        raise UsageError(
            f"output {target!r}: the name is empty; give a file name, or - for standard output"
        )
    path = Path(os.path.realpath(Path(target).expanduser()))
    if path.is_dir():
        raise UsageError(f"output {target}: is a directory")
    if _is_stream(path):
        # A device or a named pipe is written to as it is (see atomic_output): no temporary
        # file, so its directory need not be writable.
        if not os.access(path, os.W_OK):
            raise UsageError(f"output {target}: not writable")
        return path
    parent = path.parent
    if not parent.is_dir():
        raise UsageError(f"output {target}: no such directory {parent}")
    if path.exists() and file_write_error(path) is not None:
        raise UsageError(f"output {target}: the file is not writable")
    error = folder_write_error(parent)
    if error is not None:
        raise UsageError(f"output {target}: cannot write in {parent} ({reason(error)})")
    return path


def refuse_archive_file(target: str, db: str | None) -> None:
    """Refuse an output that is the SQLite archive ``db`` (the ``--db`` value), its journal or
    its lock: the export or plot would destroy what it reads (the rename replaces the file)."""
    from knotcrawl.db.engine import resolve_url

    if target == "-":
        return
    path = Path(os.path.realpath(Path(target).expanduser()))
    url = resolve_url(db)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return
    archive = Path(os.path.realpath(url.database))
    name = archive.name
    own = path == archive or (
        path.parent == archive.parent
        and (
            path.name in {f"{name}-wal", f"{name}-shm", f"{name}-journal"}
            or (path.name.startswith(f"{name}.") and path.name.endswith(".lock"))
        )
    )
    if not own and path.exists() and archive.exists():
        own = os.path.samefile(path, archive)  # a hard link to the archive
    if own:
        raise UsageError(
            f"output {target}: that is the archive's own file {archive}; choose another"
        )


def _is_stream(path: Path) -> bool:
    """An existing target that is not a regular file: a FIFO, /dev/stdout, /dev/full…"""
    return path.exists() and not path.is_file()


@contextmanager
def atomic_output(target: str) -> Iterator[IO[bytes]]:
    """A binary file that becomes ``target`` only if the block finishes without error."""
    path = check_target(target)
    if path is None:
        stdout: IO[bytes] = sys.stdout.buffer
        if isinstance(stdout, io.RawIOBase):
            # PYTHONUNBUFFERED=1 or -u: a raw write may stop short (the reader went away, a
            # signal), and nothing says so unless every write is carried on to the end.
            stdout = cast(IO[bytes], _WriteAll(stdout))
        yield stdout
        stdout.flush()
        return
    if _is_stream(path):
        # Renaming a file over a device or a pipe would replace it (the reader of a FIFO would
        # never get the data; /dev/full became a regular file): write to it directly. A stream
        # cannot be taken back anyway, so atomicity has no meaning here.
        with open(path, "wb") as stream:
            yield stream
        return
    _remove_killed_parts(path)
    try:
        fd, temp = tempfile.mkstemp(
            prefix=f"{_part_stem(path)}{os.getpid()}.", suffix=".part", dir=path.parent
        )
    except OSError as exc:
        raise UsageError(f"output {target}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, _mode_for(path))
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def _part_stem(path: Path) -> str:
    """The temporary file's name up to its writer's pid (``.NAME.HOST-``; then ``PID.``, a
    random part and ``.part``), so that the next export to ``NAME`` can tell the file of a
    killed one from a running one's."""
    return f".{path.name}.{socket.gethostname().replace('.', '_')}-"


def _remove_killed_parts(path: Path) -> None:
    """Remove the temporary files that exports to ``path`` from this machine left when they
    were killed (SIGKILL, the OOM killer, a power cut: no cleanup ran), as their process is
    gone; a running export's file stays. Each removal is said on stderr."""
    try:
        names = [entry.name for entry in os.scandir(path.parent)]
    except OSError:
        return
    stem = _part_stem(path)
    for name in names:
        if not (name.startswith(stem) and name.endswith(".part")):
            continue
        pid_text = name[len(stem) :].partition(".")[0]
        if not pid_text.isdigit() or _running(int(pid_text)):
            continue
        with contextlib.suppress(OSError):
            os.unlink(path.parent / name)
            print(
                f"removed {path.parent / name}, left by an export that was killed", file=sys.stderr
            )


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _mode_for(path: Path) -> int:
    """The permissions the output gets: those of the file it replaces (a file kept private,
    or read-only, stays so), else what a new file gets under the umask."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


class _WriteAll:
    """A raw binary stream whose ``write`` writes everything or raises (``BrokenPipeError``
    once the reader is gone), as a buffered stream's does."""

    def __init__(self, raw: io.RawIOBase) -> None:
        self.raw = raw

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        total = len(view)
        while view:
            written = self.raw.write(view)
            if not written:
                raise BlockingIOError(f"{self.raw!r} took no bytes")
            view = view[written:]
        return total

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


# ----------------------------------------------------------------------------- CSV, JSONL


def _dicts(chunk: Batch) -> list[dict[str, Any]]:
    return chunk.records() if isinstance(chunk, RecordColumns) else chunk


def _has_arrow() -> bool:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def _csv_value(name: str, value: Any) -> Any:
    if value is None:
        return ""
    if name in JSON_FIELDS:
        return _JSON.encode(value)
    return value


# What json.dumps(value, ensure_ascii=False) uses, made once.
_JSON = json.JSONEncoder(ensure_ascii=False)


def write_csv(out: IO[bytes], batches: Iterable[Batch], fields: Sequence[str]) -> int:
    """CSV through pyarrow's writer when installed (several times faster), else the csv
    module. Both write RFC 4180 CSV that reads back the same (pyarrow quotes every text)."""
    if ARROW_CSV and _has_arrow():
        return _write_csv_arrow(out, batches, fields)
    return _write_csv_plain(out, batches, fields)


ARROW_CSV = True


def _write_csv_plain(out: IO[bytes], batches: Iterable[Batch], fields: Sequence[str]) -> int:
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=False)
    try:
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(fields)
        rows = 0
        for batch in batches:
            chunk = _dicts(batch)
            writer.writerows([[_csv_value(f, row[f]) for f in fields] for row in chunk])
            rows += len(chunk)
        text.flush()
    finally:
        text.detach()
    return rows


def _write_csv_arrow(out: IO[bytes], batches: Iterable[Batch], fields: Sequence[str]) -> int:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    types = {name: pa.int64() if name in INT_FIELDS else pa.string() for name in fields}
    schema = pa.schema([(name, types[name]) for name in fields])
    rows = 0
    out.write((",".join(fields) + "\n").encode())  # the header plain, like the csv module's
    sink = pa.PythonFile(out, mode="w")
    options = pacsv.WriteOptions(include_header=False, batch_size=ROW_GROUP_ROWS)
    with (
        pacsv.CSVWriter(sink, schema, write_options=options) as writer,
        in_background(writer.write_batch) as write,
    ):
        for chunk in batches:
            if not len(chunk):
                continue
            if isinstance(chunk, RecordColumns):
                columns = [_csv_column(chunk, name) for name in fields]
            else:
                columns = []
                for name in fields:
                    values = [row[name] for row in chunk]
                    if name in JSON_FIELDS:
                        values = [None if v is None else _JSON.encode(v) for v in values]
                    columns.append(pa.array(values, type=types[name]))
            rows += len(chunk)
            del chunk  # hold no batch while the next is read
            write(pa.RecordBatch.from_arrays(columns, schema=schema))
            del columns
    return rows


def write_jsonl(out: IO[bytes], batches: Iterable[Batch], fields: Sequence[str]) -> int:
    """One RECORD object per line, exactly as ``json.dumps(record, ensure_ascii=False)``.

    Through dicts and the json module's C encoder: building the lines with Arrow string
    kernels was slower (each escaped character is one more pass over the bodies)."""
    rows = 0
    whole = tuple(fields) == RECORD_FIELDS
    for batch in batches:
        chunk = _dicts(batch)
        lines = [_JSON.encode(row if whole else {f: row[f] for f in fields}) for row in chunk]
        out.write(("\n".join(lines) + "\n").encode() if lines else b"")
        rows += len(chunk)
    return rows


def reads_bytes(fmt: str) -> bool:
    """Whether the writer of ``fmt`` takes text as UTF-8 bytes (Arrow) rather than ``str``:
    the ``text_bytes`` of :func:`knotcrawl.db.queries.iter_record_columns`."""
    if fmt == "parquet":
        return True
    return fmt == "csv" and ARROW_CSV and _has_arrow()


# ----------------------------------------------------------------------------- Arrow, Parquet


def arrow_schema(fields: Sequence[str] = RECORD_FIELDS) -> Any:
    """The Arrow schema of records (the Parquet export's and the notebook DataFrame's)."""
    import pyarrow as pa

    timestamp = pa.timestamp("us", tz="UTC")
    link = pa.struct(
        [
            ("url", pa.string()),
            ("text", pa.string()),
            ("kind", pa.string()),
            ("edition", pa.string()),
            ("article_id", pa.int64()),
        ]
    )
    original = pa.struct(
        [
            ("url", pa.string()),
            ("article_id", pa.int64()),
            ("published_at", timestamp),
            ("published_local", pa.string()),
            ("published_raw", pa.string()),
        ]
    )
    types = {name: pa.string() for name in RECORD_FIELDS}
    types.update(
        article_id=pa.int64(),
        published_at=timestamp,
        first_seen_at=timestamp,
        last_seen_at=timestamp,
        authors=pa.list_(pa.string()),
        sections=pa.list_(pa.string()),
        original=original,
        links=pa.list_(link),
    )
    not_null = {"edition", "article_id", "url", "title", "authors", "sections", "links", "body"}
    return pa.schema(
        [pa.field(name, types[name], nullable=name not in not_null) for name in fields],
        metadata={
            "knotcrawl": json.dumps({"record": "RECORD.md", "times": "UTC", "fields": list(fields)})
        },
    )


def _timestamps(values: list[str | None]) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    strings = pa.array(values, type=pa.string())
    parsed = pc.strptime(strings, format="%Y-%m-%dT%H:%M:%SZ", unit="us", error_is_null=False)
    return parsed.cast(pa.timestamp("us", tz="UTC"))


def arrow_batch(rows: Batch, schema: Any) -> Any:
    """A ``pyarrow.RecordBatch`` of RECORD dicts or of a :class:`RecordColumns` batch
    (``schema`` from :func:`arrow_schema`)."""
    import pyarrow as pa

    if isinstance(rows, RecordColumns):
        return pa.RecordBatch.from_arrays(
            [_arrow_column(rows, field) for field in schema], schema=schema
        )
    columns = []
    for field in schema:
        name = field.name
        values = [row[name] for row in rows]
        if name in TIME_FIELDS:
            columns.append(_timestamps(values))
        elif name == "original":
            struct_type = field.type
            present = [v or {} for v in values]
            children = [
                _timestamps([o.get("published_at") for o in present])
                if child.name == "published_at"
                else pa.array([o.get(child.name) for o in present], type=child.type)
                for child in struct_type
            ]
            mask = pa.array([v is None for v in values], type=pa.bool_())
            columns.append(
                pa.StructArray.from_arrays(children, fields=list(struct_type), mask=mask)
            )
        else:
            columns.append(pa.array(values, type=field.type))
    return pa.RecordBatch.from_arrays(columns, schema=schema)


def arrow_batches(batches: Iterable[Batch], fields: Sequence[str] = RECORD_FIELDS) -> Iterator[Any]:
    schema = arrow_schema(fields)
    for chunk in batches:
        if len(chunk):
            yield arrow_batch(chunk, schema)


def write_parquet(out: IO[bytes], batches: Iterable[Batch], fields: Sequence[str]) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = arrow_schema(fields)
    rows = 0
    pending: list[Any] = []
    pending_rows = 0
    sink = pa.PythonFile(out, mode="w")
    with (
        pq.ParquetWriter(sink, schema, compression="snappy") as writer,
        in_background(writer.write_table) as write,
    ):
        for chunk in batches:
            if not len(chunk):
                continue
            pending.append(arrow_batch(chunk, schema))
            pending_rows += len(chunk)
            rows += len(chunk)
            del chunk  # hold no batch while the next is read
            if pending_rows >= ROW_GROUP_ROWS:
                write(pa.Table.from_batches(pending, schema))
                pending, pending_rows = [], 0
        if pending:
            write(pa.Table.from_batches(pending, schema))
    return rows


_DONE = object()


@contextmanager
def in_background(work: Callable[[Any], object], depth: int = 1) -> Iterator[Callable[[Any], None]]:
    """``work(item)`` for every item given to the yielded function, in order, in one
    background thread: pyarrow encodes, compresses and writes without holding the GIL, so a
    batch is written while the next is read. At most ``depth`` items wait (memory stays
    flat). The block ends when every item is done; an error of ``work`` is raised in the
    caller (at the next item or at the end), and an error in the block stops the work."""
    items: queue.Queue[Any] = queue.Queue(maxsize=depth)
    failed: list[BaseException] = []
    cancelled = threading.Event()

    def run() -> None:
        while (item := items.get()) is not _DONE:
            if failed or cancelled.is_set():
                continue
            try:
                work(item)
            except BaseException as exc:  # handed to the caller
                failed.append(exc)

    def give(item: Any) -> None:
        if failed:
            raise failed[0]
        items.put(item)

    thread = threading.Thread(target=run, name="knotcrawl-export-writer", daemon=True)
    thread.start()
    try:
        yield give
    except BaseException:
        cancelled.set()
        raise
    finally:
        items.put(_DONE)
        thread.join()
    if failed:
        raise failed[0]


# ----------------------------------------------------------------------------- column batches
#
# RecordColumns to Arrow arrays: the Parquet columns and the CSV cells. Times keep whole
# seconds, like the RECORD text (``2019-05-17T15:17:00Z``).

# The usual text of a time in SQLite: parsed in bulk; a batch with any other text is converted
# value by value through the ORM's own conversion.
_STORED_TIME = f"^{STORED_TIME}$"
# JSON string escapes, as json.dumps writes them (the backslash first).
_JSON_ESCAPES = (
    ("\\", "\\\\"),
    ('"', '\\"'),
    ("\n", "\\n"),
    ("\r", "\\r"),
    ("\t", "\\t"),
    ("\b", "\\b"),
    ("\f", "\\f"),
)
_NEEDS_ESCAPE = '[\\x00-\\x1f"\\\\]'
_OTHER_CONTROLS = (*range(0x00, 0x08), 0x0B, *range(0x0E, 0x20))
_CONTROLS = "[\\x00-\\x07\\x0b\\x0e-\\x1f]"
# Seconds since 1970 of 1000-01-01 and 10000-01-01 (the years Arrow and strftime print alike).
_YEAR_1000 = -30_610_224_000
_YEAR_10000 = 253_402_300_800


def _text(values: Sequence[Any]) -> Any:
    """A string array of ``str`` or UTF-8 ``bytes`` values. Bytes are copied as they are and
    then checked in one pass (several times faster than decoding them, or than pyarrow's
    conversion of bytes to strings value by value); text that is not UTF-8 raises."""
    import pyarrow as pa

    if not isinstance(next((v for v in values if v is not None), ""), bytes):
        return pa.array(values, type=pa.string())
    strings = pa.array(values, type=pa.binary()).view(pa.string())
    strings.validate(full=True)
    return strings


def _time_column(batch: RecordColumns, name: str) -> Any:
    """A time column as ``timestamp[us, UTC]``, whole seconds."""
    import pyarrow as pa
    import pyarrow.compute as pc

    timestamp = pa.timestamp("us", tz="UTC")
    values: Sequence[Any] = batch.columns[name]
    if batch.raw_times:
        text = _text(values)
        if pc.all(pc.match_substring_regex(text, _STORED_TIME)).as_py() is not False:
            seconds = pc.utf8_slice_codeunits(text, 0, 19)
            parsed = pc.strptime(seconds, format="%Y-%m-%d %H:%M:%S", unit="us")
            return parsed.cast(timestamp)
        values = batch.times(name)
    return pc.floor_temporal(pa.array(values, type=timestamp), unit="second")


def _iso_text(times: Any) -> Any:
    """``timestamp[us, UTC]`` (whole seconds) as RECORD text: ``2019-05-17T15:17:00Z``.

    Arrow's cast to text (``2019-05-17 15:17:00``, many times faster than its strftime) with
    the ``T`` and ``Z`` put in; years outside 1000-9999 (where the texts could differ) go
    through :func:`knotcrawl.db.queries.optional_utc_iso` one by one."""
    import pyarrow as pa
    import pyarrow.compute as pc

    naive = times.cast(pa.timestamp("s", tz="UTC")).cast(pa.timestamp("s"))
    bounds = pc.min_max(naive.cast(pa.int64()))
    low, high = bounds["min"].as_py(), bounds["max"].as_py()
    if low is not None and (low < _YEAR_1000 or high >= _YEAR_10000):
        return pa.array([optional_utc_iso(v) for v in times.to_pylist()], type=pa.string())
    text = pc.cast(naive, pa.string())
    day, clock = pc.utf8_slice_codeunits(text, 0, 10), pc.utf8_slice_codeunits(text, 11, 19)
    return _concat(day, "T", clock, "Z")


def _list_column(child: Any, values: Any, list_type: Any) -> Any:
    import pyarrow as pa

    offsets = pa.array(child.offsets, type=pa.int32())
    return pa.ListArray.from_arrays(offsets, values, type=list_type)


def _links_values(child: Any, struct_type: Any) -> Any:
    import pyarrow as pa

    arrays = [
        pa.array(child.columns[f.name], type=f.type)
        if f.name == "article_id"
        else _text(child.columns[f.name])
        for f in struct_type
    ]
    return pa.StructArray.from_arrays(arrays, fields=list(struct_type))


def _original_parts(batch: RecordColumns) -> tuple[Any, list[Any]]:
    """The ``original`` struct's presence (``original_url`` not null) and its children, null
    where it is absent."""
    import pyarrow as pa
    import pyarrow.compute as pc

    c = batch.columns
    url = _text(c["original_url"])
    absent = pc.is_null(url)
    children = [
        url,
        pa.array(c["original_article_id"], type=pa.int64()),
        _time_column(batch, "original_published_at"),
        _text(c["original_published_local"]),
        _text(c["original_published_raw"]),
    ]
    if url.null_count:
        children = [pc.if_else(absent, pa.scalar(None, a.type), a) for a in children]
    return absent, children


def _arrow_column(batch: RecordColumns, field: Any) -> Any:
    import pyarrow as pa

    name = field.name
    if name in TIME_FIELDS:
        return _time_column(batch, name)
    if name == "original":
        absent, children = _original_parts(batch)
        return pa.StructArray.from_arrays(children, fields=list(field.type), mask=absent)
    if name == "links":
        child = batch.children[name]
        return _list_column(child, _links_values(child, field.type.value_type), field.type)
    if name in CHILD_TABLES:
        child = batch.children[name]
        (key,) = CHILD_TABLES[name][1]
        return _list_column(child, _text(child.columns[key]), field.type)
    if name in INT_FIELDS:
        return pa.array(batch.columns[name], type=field.type)
    return _text(batch.columns[name])


# JSON text with Arrow kernels (CSV's lists and objects): every function returns a string
# array, ``_json_*`` a JSON value per row, null where the value is null.


def _concat(*parts: Any) -> Any:
    import pyarrow.compute as pc

    return pc.binary_join_element_wise(*parts, "")


def _or_null(values: Any) -> Any:
    """JSON values with ``null`` for the missing ones."""
    import pyarrow.compute as pc

    return pc.coalesce(values, "null") if values.null_count else values


def _json_string(values: Any) -> Any:
    """A string array as JSON string literals (``"…"``, escaped like json.dumps)."""
    import pyarrow.compute as pc

    if pc.any(pc.match_substring_regex(values, _NEEDS_ESCAPE)).as_py():
        # One pass per character that occurs (a search is cheaper than a copy).
        for old, new in _JSON_ESCAPES:
            if pc.any(pc.match_substring(values, old)).as_py():
                values = pc.replace_substring(values, old, new)
        if pc.any(pc.match_substring_regex(values, _CONTROLS)).as_py():
            for code in _OTHER_CONTROLS:
                values = pc.replace_substring(values, chr(code), f"\\u{code:04x}")
    return _concat('"', values, '"')


def _json_int(values: Any) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    return _or_null(pc.cast(values, pa.string()))


def _json_list(child: Any, items: Any) -> Any:
    """``[item, item]`` per record from the JSON text of every child item."""
    import pyarrow as pa
    import pyarrow.compute as pc

    lists = _list_column(child, items, pa.list_(pa.string()))
    return _concat("[", pc.binary_join(lists, ", "), "]")


def _json_links(child: Any) -> Any:
    import pyarrow as pa

    c = child.columns
    items = _concat(
        '{"url": ',
        _json_string(_text(c["url"])),
        ', "text": ',
        _or_null(_json_string(_text(c["text"]))),
        ', "kind": ',
        _json_string(_text(c["kind"])),
        ', "edition": ',
        _or_null(_json_string(_text(c["edition"]))),
        ', "article_id": ',
        _json_int(pa.array(c["article_id"], type=pa.int64())),
        "}",
    )
    return _json_list(child, items)


def _json_original(batch: RecordColumns) -> Any:
    """The ``original`` object's JSON, null where there is none."""
    _, (url, article_id, published_at, local, raw) = _original_parts(batch)
    return _concat(
        '{"url": ',
        _json_string(url),
        ', "article_id": ',
        _json_int(article_id),
        ', "published_at": ',
        _or_null(_json_string(_iso_text(published_at))),
        ', "published_local": ',
        _or_null(_json_string(local)),
        ', "published_raw": ',
        _or_null(_json_string(raw)),
        "}",
    )


def _csv_column(batch: RecordColumns, name: str) -> Any:
    """A CSV column: text, ``article_id`` as int64, times as RECORD text, lists and objects
    as their JSON text (``original`` null, an empty cell, when absent)."""
    import pyarrow as pa

    if name in TIME_FIELDS:
        return _iso_text(_time_column(batch, name))
    if name == "original":
        return _json_original(batch)
    if name == "links":
        return _json_links(batch.children[name])
    if name in CHILD_TABLES:
        child = batch.children[name]
        (key,) = CHILD_TABLES[name][1]
        return _json_list(child, _json_string(_text(child.columns[key])))
    if name in INT_FIELDS:
        return pa.array(batch.columns[name], type=pa.int64())
    return _text(batch.columns[name])


WRITERS: dict[str, Callable[[IO[bytes], Iterable[Batch], Sequence[str]], int]] = {
    "csv": write_csv,
    "jsonl": write_jsonl,
    "parquet": write_parquet,
}


_SUFFIX_FORMATS = {"csv": "csv", "jsonl": "jsonl", "ndjson": "jsonl", "parquet": "parquet"}


def format_of(fmt: str | None, target: str) -> str:
    """The format asked for, or the one the output's suffix names. Both, disagreeing
    (``-o x.parquet --format csv``), are refused: a reader goes by the name and would
    misread the file, or fail on it long after."""
    suffix = Path(target).suffix.lower().lstrip(".") if target != "-" else ""
    guessed = _SUFFIX_FORMATS.get(suffix)
    if fmt:
        fmt = fmt.lower()
        if fmt == "json":
            fmt = "jsonl"
        if fmt not in FORMATS:
            raise UsageError(f"format: unknown {fmt!r} (one of {', '.join(FORMATS)})")
        if guessed is not None and guessed != fmt:
            raise UsageError(
                f"--format {fmt} writes {fmt.upper()}, but the output's name {target} says "
                f"{guessed.upper()}: rename the output or leave --format out"
            )
        return fmt
    if guessed is None:
        raise UsageError(f"give --format ({', '.join(FORMATS)}): the output name does not say")
    return guessed


def export(
    batches: Iterable[Batch],
    target: str,
    fmt: str,
    fields: Sequence[str] = RECORD_FIELDS,
) -> ExportResult:
    """Write ``batches`` (RECORD dicts or :class:`RecordColumns`) to ``target`` (``-`` =
    stdout) in ``fmt``."""
    writer = WRITERS[fmt]
    if target == "-" and fmt == "parquet" and sys.stdout.isatty():
        raise UsageError("refusing to write Parquet to a terminal: give -o FILE")
    try:
        with atomic_output(target) as out:
            rows = writer(out, batches, fields)
    except BrokenPipeError:
        raise  # `knotcrawl export -o - | head`: the command treats it as the end
    except OSError as exc:  # a full disk, a lost mount: one line, not a traceback
        where = "standard output" if target == "-" else target
        raise KnotcrawlError(f"writing {where}: {exc.strerror or exc}") from exc
    return ExportResult(rows, target, fmt, tuple(fields))
