"""Exports read back with pandas and pyarrow, field by field against the stored records."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from analysis_fixtures import Filled
from clikit import Outcome

from knotcrawl.db import Archive
from knotcrawl.record import CRAWL_ONLY_FIELDS, RECORD_FIELDS

pd = pytest.importorskip("pandas")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

Cli = Callable[..., Outcome]


def stored(filled: Filled) -> dict[tuple[str, int], dict[str, Any]]:
    """The records as the repository gives them (independent of the export code)."""
    with Archive.open(filled.url) as archive:
        return {(r.edition, r.article_id): r.to_dict() for r in archive.iter_records()}


def check_against_truth(filled: Filled, rows: dict[tuple[str, int], dict[str, Any]]) -> None:
    for record in filled.records:
        expected = record.to_dict()
        got = rows[filled.key(record)]
        for name in RECORD_FIELDS:
            if name not in CRAWL_ONLY_FIELDS:
                assert got[name] == expected[name], (filled.key(record), name)


def export(cli: Cli, filled: Filled, path: Path, *args: str) -> Outcome:
    result = cli("export", "--db", filled.url, "-o", str(path), *args)
    assert result.status == 0, result.err
    return result


def test_jsonl_is_the_record_shape(cli: Cli, filled: Filled, tmp_path: Path) -> None:
    path = tmp_path / "all.jsonl"
    result = export(cli, filled, path)
    assert f"exported {len(filled.records)} articles" in result.err
    lines = path.read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    assert all(list(row) == list(RECORD_FIELDS) for row in rows)
    by_key = {(r["edition"], r["article_id"]): r for r in rows}
    assert by_key == stored(filled)
    check_against_truth(filled, by_key)
    assert [k for k in by_key] == sorted(by_key)  # default order: edition, id
    frame = pd.read_json(path, lines=True)
    assert list(frame.columns) == list(RECORD_FIELDS) and len(frame) == len(rows)


def _from_csv(row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in RECORD_FIELDS:
        value = row[name]
        if isinstance(value, float) and value != value:  # NaN: an empty cell
            value = None
        if name in ("authors", "sections", "links", "original") and value is not None:
            value = json.loads(value)
        if name == "article_id":
            value = int(value)
        out[name] = value
    return out


def test_csv_reads_back_with_pandas(cli: Cli, filled: Filled, tmp_path: Path) -> None:
    path = tmp_path / "all.csv"
    export(cli, filled, path, "--format", "csv")
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert raw.split(b"\n", 1)[0].decode() == ",".join(RECORD_FIELDS)
    frame = pd.read_csv(path, keep_default_na=True, dtype={"published_local": str})
    assert list(frame.columns) == list(RECORD_FIELDS)
    assert len(frame) == len(filled.records)
    assert str(frame["article_id"].dtype).startswith("int")
    rows = {}
    for row in frame.to_dict("records"):
        data = _from_csv(row)
        rows[(data["edition"], data["article_id"])] = data
    expected = stored(filled)
    for key, want in expected.items():
        got = rows[key]
        for name in RECORD_FIELDS:
            if name in ("authors", "sections", "links"):
                assert got[name] == want[name], (key, name)
            else:
                assert got[name] == want[name] or (want[name] == "" and got[name] is None), (
                    key,
                    name,
                )
    check_against_truth(filled, rows)


def _iso(value: Any) -> Any:
    if value is None:
        return None
    return pd.Timestamp(value).tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%SZ")


def test_parquet_reads_back_typed(cli: Cli, filled: Filled, tmp_path: Path) -> None:
    path = tmp_path / "all.parquet"
    export(cli, filled, path, "--batch", "37")  # the format from the suffix, small batches
    table = pq.read_table(path)
    schema = table.schema
    assert schema.names == list(RECORD_FIELDS)
    assert schema.field("article_id").type == pa.int64()
    assert schema.field("published_at").type == pa.timestamp("us", tz="UTC")
    assert schema.field("authors").type == pa.list_(pa.string())
    assert pa.types.is_struct(schema.field("original").type)
    assert pa.types.is_list(schema.field("links").type)
    expected = stored(filled)
    rows = {}
    for row in table.to_pylist():
        for name in ("published_at", "first_seen_at", "last_seen_at"):
            row[name] = _iso(row[name])
        if row["original"] is not None:
            row["original"]["published_at"] = _iso(row["original"]["published_at"])
        rows[(row["edition"], row["article_id"])] = row
    assert rows == expected
    check_against_truth(filled, rows)
    frame = pd.read_parquet(path)
    assert list(frame.columns) == list(RECORD_FIELDS)
    assert str(frame["published_at"].dtype).startswith("datetime64")
    assert str(frame["published_at"].dt.tz) == "UTC"
    assert len(frame) == len(filled.records)


def test_fields_filters_and_stdout(cli: Cli, filled: Filled, tmp_path: Path) -> None:
    path = tmp_path / "some.csv"
    export(cli, filled, path, "--fields", "title,edition,article_id", "--edition", "ru")
    frame = pd.read_csv(path)
    assert list(frame.columns) == ["title", "edition", "article_id"]
    assert set(frame["edition"]) == {"ru"}
    assert len(frame) == len(filled.select(lambda r: r.edition == "ru"))
    result = cli(
        "export", "--db", filled.url, "-o", "-", "--format", "jsonl", "--changed",
        "--fields", "edition,article_id,body",
    )  # fmt: skip
    assert result.status == 0
    rows = [json.loads(line) for line in result.out.splitlines()]
    assert [(r["edition"], r["article_id"]) for r in rows] == [filled.edited]
    assert list(rows[0]) == ["edition", "article_id", "body"]
    parquet = tmp_path / "page.parquet"
    export(cli, filled, parquet, "--sort", "-published", "--limit", "7", "--fields", "published_at")
    dates = pd.read_parquet(parquet)["published_at"].tolist()
    assert len(dates) == 7 and dates == sorted(dates, reverse=True)


def test_a_failed_export_leaves_no_file(
    cli: Cli, filled: Filled, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from knotcrawl.analysis import export as writers
    from knotcrawl.errors import KnotcrawlError

    calls = {"n": 0}
    real = writers.arrow_batch

    def failing(rows: Any, schema: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KnotcrawlError("disk on fire")
        return real(rows, schema)

    monkeypatch.setattr(writers, "arrow_batch", failing)
    target = tmp_path / "out.parquet"
    target.write_bytes(b"previous export")
    result = cli("export", "--db", filled.url, "-o", str(target), "--batch", "10")
    assert result.status == 1 and "disk on fire" in result.err
    assert target.read_bytes() == b"previous export"  # untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.parquet"]


def test_api_records_dataframe_search(filled: Filled) -> None:
    from knotcrawl.api import open_archive

    with open_archive(filled.url) as kc:
        en = list(kc.records(edition="en"))
        assert {(r.edition, r.article_id) for r in en} == filled.select(lambda r: r.edition == "en")
        assert kc.count(has_original=True) == len(filled.select(lambda r: r.original is not None))
        frame = kc.dataframe(since="2015", until="2016")
        assert len(frame) == len(filled.select(lambda r: r.published_at[:4] in ("2015", "2016")))
        assert list(frame.columns) == list(RECORD_FIELDS)
        small = kc.dataframe(fields=["edition", "title"], edition="ru", limit=5)
        assert list(small.columns) == ["edition", "title"] and len(small) == 5
        record = filled.records[0]
        word = record.title.split()[-1]
        hits = kc.search(word, edition=record.edition, limit=100)
        assert record.article_id in {h.article_id for h in hits}
        assert any("[" in h.snippet for h in hits)
        months = kc.per_month()
        assert int(months.to_numpy().sum()) == len(filled.records)
        assert list(months.columns) == ["en", "ru"]
        # Every month between the first and the last, the empty ones as zeros.
        present = sorted({r.published_at[:7] for r in filled.records})
        first, last = (
            (int(present[0][:4]), int(present[0][5:])),
            (int(present[-1][:4]), int(present[-1][5:])),
        )
        assert len(months) == (last[0] - first[0]) * 12 + last[1] - first[1] + 1
        assert list(months.index) == sorted(months.index)
        assert (months.loc[[m for m in months.index if m not in present]].to_numpy() == 0).all()
        for month in present:
            n = sum(r.published_at[:7] == month for r in filled.records)
            assert int(months.loc[month].sum()) == n
        # An edition filter, or nothing at all: still both columns (0 where none).
        only_en = kc.per_month(edition="en")
        assert list(only_en.columns) == ["en", "ru"] and int(only_en["ru"].sum()) == 0
        nothing = kc.per_month(since="2100")
        assert (list(nothing.columns), len(nothing)) == (["en", "ru"], 0)
        got = kc.get(*filled.edited)
        assert got is not None and got.body.endswith("postponed the hearing again.")
        with pytest.raises(Exception, match="unknown filter"):
            kc.count(colour="red")


@pytest.mark.parametrize(
    "call",
    [
        lambda kc: list(kc.records(limit=-1)),
        lambda kc: kc.dataframe(limit=-1),
        lambda kc: kc.search("court", limit=-1),
        lambda kc: kc.search("court", offset=-1),
    ],
    ids=["records-limit", "dataframe-limit", "search-limit", "search-offset"],
)
def test_api_refuses_a_negative_limit_or_offset(filled: Filled, call: Any) -> None:
    """A negative ``limit``/``offset`` is a usage error on both backends (SQLite read
    ``LIMIT -1`` as no limit and ignored a negative offset; PostgreSQL raised DataError)."""
    from knotcrawl.api import open_archive
    from knotcrawl.errors import UsageError

    with open_archive(filled.url) as kc, pytest.raises(UsageError, match="negative"):
        call(kc)


@pytest.mark.parametrize(
    ("call", "says"),
    [
        (lambda kc: list(kc.records(limit=2**70)), "limit: .* out of range"),
        (lambda kc: kc.dataframe(limit=2**70), "limit: .* out of range"),
        (lambda kc: kc.search("court", offset=2**70), "offset: .* out of range"),
        (lambda kc: kc.get("en", 2**70), "article id: .* out of range"),
        (lambda kc: kc.get("fr", 1), "edition: 'fr' is not en or ru"),
    ],
    ids=["records-limit", "dataframe-limit", "search-offset", "get-id", "get-edition"],
)
def test_api_refuses_numbers_past_the_database_and_unknown_editions(
    filled: Filled, call: Any, says: str
) -> None:
    """SQLite raised OverflowError and PostgreSQL DataError for a number past 64 bits, and
    ``get("fr", 1)`` answered None as if the article were only missing."""
    from knotcrawl.api import open_archive
    from knotcrawl.errors import UsageError

    with open_archive(filled.url) as kc, pytest.raises(UsageError, match=says):
        call(kc)


def test_duckdb_keeps_the_texts_that_look_like_times_with_the_documented_readers(
    cli: Cli, tmp_path: Path
) -> None:
    """DuckDB guesses ``published_local`` as an instant and a ``parser_version`` such as
    '1.3.13' as a DATE (2013-03-01) from the CSV; docs/analysts.md shows the readers that keep
    both as written, from the CSV and from the JSON Lines."""
    duckdb = pytest.importorskip("duckdb")
    from analysis_fixtures import SEEN, truth_records

    from knotcrawl.pages.common import PARSER_VERSION

    records = truth_records()[0][:50]
    for record in records:
        record.parser_version = PARSER_VERSION  # as a crawl stores them
    url = str(tmp_path / "archive.sqlite")
    with Archive.open(url) as archive:
        archive.store_many([(r, None) for r in records], SEEN)
    expected = sorted((r.edition, r.article_id, r.published_local, PARSER_VERSION) for r in records)
    csv_path, jsonl_path = tmp_path / "all.csv", tmp_path / "all.jsonl"
    for path in (csv_path, jsonl_path):
        assert cli("export", "--db", url, "-o", str(path)).status == 0
    con = duckdb.connect()
    from_csv = con.sql(
        "SELECT edition, article_id, published_local, parser_version FROM read_csv("
        f"'{csv_path}', types = {{'published_local': 'VARCHAR', 'parser_version': 'VARCHAR'}})"
        " ORDER BY edition, article_id"
    ).fetchall()
    from_jsonl = con.sql(
        "SELECT json_extract_string(json, '$.edition'), "
        "CAST(json_extract_string(json, '$.article_id') AS BIGINT), "
        "json_extract_string(json, '$.published_local'), "
        "json_extract_string(json, '$.parser_version') "
        f"FROM read_json_objects('{jsonl_path}') ORDER BY 1, 2"
    ).fetchall()
    assert (from_csv, from_jsonl) == (expected, expected)


def test_duckdb_reads_every_format_without_options(
    cli: Cli, filled: Filled, tmp_path: Path
) -> None:
    duckdb = pytest.importorskip("duckdb")
    expected = stored(filled)
    con = duckdb.connect()
    for fmt in ("csv", "jsonl", "parquet"):
        path = tmp_path / f"all.{fmt}"
        export(cli, filled, path)
        relation = con.sql(f"SELECT * FROM '{path}'")
        assert relation.columns == list(RECORD_FIELDS), fmt
        types = dict(zip(relation.columns, (str(t) for t in relation.types), strict=True))
        assert types["article_id"] == "BIGINT", fmt
        assert types["published_at"] == "TIMESTAMP WITH TIME ZONE", fmt
        rows = con.sql(
            f"SELECT edition, article_id, title, body FROM '{path}' ORDER BY edition, article_id"
        ).fetchall()
        assert [(e, i) for e, i, _, _ in rows] == sorted(expected), fmt
        for edition, article_id, title, body in rows:
            assert title == expected[(edition, article_id)]["title"]
            assert body == expected[(edition, article_id)]["body"]
        per_month = con.sql(
            f"SELECT strftime(published_at AT TIME ZONE 'UTC', '%Y-%m') AS m, count(*) "
            f"FROM '{path}' GROUP BY m"
        ).fetchall()
        assert sum(n for _, n in per_month) == len(expected)


def test_csv_without_pyarrow_reads_back_the_same(
    cli: Cli, filled: Filled, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from knotcrawl.analysis import export as writers

    fast, plain = tmp_path / "fast.csv", tmp_path / "plain.csv"
    export(cli, filled, fast)
    monkeypatch.setattr(writers, "ARROW_CSV", False)
    export(cli, filled, plain)
    a, b = pd.read_csv(fast), pd.read_csv(plain)
    pd.testing.assert_frame_equal(a, b)
    assert plain.read_bytes().split(b"\n", 1)[0] == ",".join(RECORD_FIELDS).encode()


# R reads the exports with its usual readers and no parsing options (only the quiet flags).
# Parquet needs R's arrow package, which Debian does not package: not tested here.
R_READERS = r"""
args <- commandArgs(trailingOnly = TRUE)
summary <- function(df) list(
  names = names(df),
  edition = df$edition,
  article_id = as.numeric(df$article_id),
  title = df$title,
  body = df$body,
  published_at = if (inherits(df$published_at, "POSIXct"))
    format(df$published_at, "%Y-%m-%dT%H:%M:%SZ", tz = "UTC") else as.character(df$published_at),
  published_class = class(df$published_at)[1]
)
out <- list(
  base_csv = summary(read.csv(args[1])),
  readr_csv = summary(readr::read_csv(args[1], show_col_types = FALSE, progress = FALSE)),
  jsonlite = summary(jsonlite::stream_in(file(args[2]), verbose = FALSE))
)
writeLines(jsonlite::toJSON(out, auto_unbox = TRUE, digits = NA), args[3], useBytes = TRUE)
"""


def test_r_reads_csv_and_jsonl_without_options(cli: Cli, filled: Filled, tmp_path: Path) -> None:
    import shutil
    import subprocess

    rscript = shutil.which("Rscript")
    if rscript is None:
        pytest.skip("R is not installed (.ci/run installs r-base-core, r-cran-readr, jsonlite)")
    csv_path, jsonl_path, out = tmp_path / "all.csv", tmp_path / "all.jsonl", tmp_path / "r.json"
    export(cli, filled, csv_path)
    export(cli, filled, jsonl_path)
    script = tmp_path / "read.R"
    script.write_text(R_READERS, encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8", "HOME": str(tmp_path)}
    done = subprocess.run(
        [rscript, str(script), str(csv_path), str(jsonl_path), str(out)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    expected = stored(filled)
    keys = sorted(expected)
    for reader, data in json.loads(out.read_text(encoding="utf-8")).items():
        assert data["names"] == list(RECORD_FIELDS), reader
        got_keys = list(zip(data["edition"], (int(i) for i in data["article_id"]), strict=True))
        assert got_keys == keys, reader
        assert data["title"] == [expected[k]["title"] for k in keys], reader
        assert data["body"] == [expected[k]["body"] for k in keys], reader
        assert data["published_at"] == [expected[k]["published_at"] for k in keys], reader
    assert json.loads(out.read_text(encoding="utf-8"))["readr_csv"]["published_class"] == "POSIXct"
