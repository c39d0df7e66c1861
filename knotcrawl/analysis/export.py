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
never leaves a partial file. ``-`` writes to standard output.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from knotcrawl.errors import UsageError
from knotcrawl.record import RECORD_FIELDS

FORMATS = ("csv", "jsonl", "parquet")
TIME_FIELDS = frozenset({"published_at", "first_seen_at", "last_seen_at"})
LIST_FIELDS = frozenset({"authors", "sections"})
JSON_FIELDS = frozenset({"authors", "sections", "links", "original"})
INT_FIELDS = frozenset({"article_id"})
ROW_GROUP_ROWS = 10_000


@dataclass(slots=True)
class ExportResult:
    rows: int
    path: str
    format: str
    fields: tuple[str, ...]


# ----------------------------------------------------------------------------- atomic output


def check_target(target: str) -> Path | None:
    """Refuse an output path that cannot be written, before any query runs."""
    if target == "-":
        return None
    path = Path(target).expanduser()
    if path.is_dir():
        raise UsageError(f"output {target}: is a directory")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(f"output {target}: no such directory {parent}")
    if path.exists() and not os.access(path, os.W_OK):
        raise UsageError(f"output {target}: the file is not writable")
    try:  # the real test (permissions, a read-only file system, root or not)
        fd, probe = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".probe", dir=parent)
    except OSError as exc:
        raise UsageError(
            f"output {target}: cannot write in {parent} ({exc.strerror or exc})"
        ) from None
    os.close(fd)
    os.unlink(probe)
    return path


@contextmanager
def atomic_output(target: str) -> Iterator[IO[bytes]]:
    """A binary file that becomes ``target`` only if the block finishes without error."""
    path = check_target(target)
    if path is None:
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise UsageError(f"output {target}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


# ----------------------------------------------------------------------------- CSV, JSONL


def _csv_value(name: str, value: Any) -> Any:
    if value is None:
        return ""
    if name in JSON_FIELDS:
        return json.dumps(value, ensure_ascii=False)
    return value


def write_csv(
    out: IO[bytes], batches: Iterable[list[dict[str, Any]]], fields: Sequence[str]
) -> int:
    """CSV through pyarrow's writer when installed (several times faster), else the csv
    module. Both write RFC 4180 CSV that reads back the same (pyarrow quotes every text)."""
    if ARROW_CSV:
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            pass
        else:
            return _write_csv_arrow(out, batches, fields)
    return _write_csv_plain(out, batches, fields)


ARROW_CSV = True


def _write_csv_plain(
    out: IO[bytes], batches: Iterable[list[dict[str, Any]]], fields: Sequence[str]
) -> int:
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=False)
    try:
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(fields)
        rows = 0
        for chunk in batches:
            writer.writerows([[_csv_value(f, row[f]) for f in fields] for row in chunk])
            rows += len(chunk)
        text.flush()
    finally:
        text.detach()
    return rows


def _write_csv_arrow(
    out: IO[bytes], batches: Iterable[list[dict[str, Any]]], fields: Sequence[str]
) -> int:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    types = {name: pa.int64() if name in INT_FIELDS else pa.string() for name in fields}
    schema = pa.schema([(name, types[name]) for name in fields])
    rows = 0
    out.write((",".join(fields) + "\n").encode())  # the header plain, like the csv module's
    sink = pa.PythonFile(out, mode="w")
    options = pacsv.WriteOptions(include_header=False)
    with pacsv.CSVWriter(sink, schema, write_options=options) as writer:
        for chunk in batches:
            if not chunk:
                continue
            columns = []
            for name in fields:
                values = [row[name] for row in chunk]
                if name in JSON_FIELDS:
                    values = [
                        None if v is None else json.dumps(v, ensure_ascii=False) for v in values
                    ]
                columns.append(pa.array(values, type=types[name]))
            writer.write_batch(pa.RecordBatch.from_arrays(columns, schema=schema))
            rows += len(chunk)
    return rows


def write_jsonl(
    out: IO[bytes], batches: Iterable[list[dict[str, Any]]], fields: Sequence[str]
) -> int:
    rows = 0
    whole = tuple(fields) == RECORD_FIELDS
    for chunk in batches:
        lines = [
            json.dumps(row if whole else {f: row[f] for f in fields}, ensure_ascii=False)
            for row in chunk
        ]
        out.write(("\n".join(lines) + "\n").encode() if lines else b"")
        rows += len(chunk)
    return rows


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


def arrow_batch(rows: list[dict[str, Any]], schema: Any) -> Any:
    """A ``pyarrow.RecordBatch`` of RECORD dicts (``schema`` from :func:`arrow_schema`)."""
    import pyarrow as pa

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


def arrow_batches(
    batches: Iterable[list[dict[str, Any]]], fields: Sequence[str] = RECORD_FIELDS
) -> Iterator[Any]:
    schema = arrow_schema(fields)
    for chunk in batches:
        if chunk:
            yield arrow_batch(chunk, schema)


def write_parquet(
    out: IO[bytes], batches: Iterable[list[dict[str, Any]]], fields: Sequence[str]
) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = arrow_schema(fields)
    rows = 0
    pending: list[Any] = []
    pending_rows = 0
    sink = pa.PythonFile(out, mode="w")
    with pq.ParquetWriter(sink, schema, compression="snappy") as writer:
        for chunk in batches:
            if not chunk:
                continue
            pending.append(arrow_batch(chunk, schema))
            pending_rows += len(chunk)
            rows += len(chunk)
            if pending_rows >= ROW_GROUP_ROWS:
                writer.write_table(pa.Table.from_batches(pending, schema))
                pending, pending_rows = [], 0
        if pending:
            writer.write_table(pa.Table.from_batches(pending, schema))
    return rows


WRITERS: dict[str, Callable[[IO[bytes], Iterable[list[dict[str, Any]]], Sequence[str]], int]] = {
    "csv": write_csv,
    "jsonl": write_jsonl,
    "parquet": write_parquet,
}


def format_of(fmt: str | None, target: str) -> str:
    """The format asked for, or the one the output's suffix names."""
    if fmt:
        fmt = fmt.lower()
        if fmt == "json":
            fmt = "jsonl"
        if fmt not in FORMATS:
            raise UsageError(f"format: unknown {fmt!r} (one of {', '.join(FORMATS)})")
        return fmt
    suffix = Path(target).suffix.lower().lstrip(".")
    guessed = {"csv": "csv", "jsonl": "jsonl", "ndjson": "jsonl", "parquet": "parquet"}.get(suffix)
    if guessed is None:
        raise UsageError(f"give --format ({', '.join(FORMATS)}): the output name does not say")
    return guessed


def export(
    batches: Iterable[list[dict[str, Any]]],
    target: str,
    fmt: str,
    fields: Sequence[str] = RECORD_FIELDS,
) -> ExportResult:
    """Write ``batches`` of RECORD dicts to ``target`` (``-`` = stdout) in ``fmt``."""
    writer = WRITERS[fmt]
    if target == "-" and fmt == "parquet" and sys.stdout.isatty():
        raise UsageError("refusing to write Parquet to a terminal: give -o FILE")
    with atomic_output(target) as out:
        rows = writer(out, batches, fields)
    return ExportResult(rows, target, fmt, tuple(fields))
