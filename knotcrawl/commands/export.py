"""``knotcrawl export``: the archive (or part of it) to CSV, JSON Lines or Parquet."""

from __future__ import annotations

import argparse
from typing import Any

from knotcrawl.analysis.cli import add_common, add_filters, one_line_errors
from knotcrawl.commands import batch_size, count
from knotcrawl.crawling.options import check_range

# Articles per read: 10,000 (one Parquet row group) keeps the per-batch costs small; peak
# memory was about 490 MiB on a 500,000-article archive (docs/performance.md).
EXPORT_BATCH = 10_000


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "export",
        help="export articles to CSV, JSON Lines or Parquet (streamed, any size)",
        description="Write the matching articles with every RECORD.md field (or --fields) to "
        "FILE, or to standard output with -o -. Streamed in batches: memory stays flat for "
        "any archive size. The file appears only when complete (written beside the target "
        "and renamed). CSV: UTF-8, header row, lists and objects as JSON text, an empty cell "
        "for null (never an empty text). Parquet: "
        "typed columns (UTC timestamps, lists, structs).",
    )
    one_line_errors(parser, "export")
    parser.add_argument(
        "--format",
        "-f",
        choices=("csv", "jsonl", "parquet"),
        help="the format (default: from the output name's suffix)",
    )
    parser.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="the output file, or - for stdout"
    )
    parser.add_argument(
        "--fields",
        metavar="A,B,…",
        help="only these RECORD fields, in this order (e.g. edition,article_id,title)",
    )
    add_common(
        parser,
        json_help="print the export's summary (rows, output, format, fields) as JSON on stdout "
        "instead of the 'exported N articles' line on stderr (not with -o -)",
    )
    add_filters(parser, sort="id")
    parser.add_argument("--limit", type=count, default=None, help="at most this many articles")
    parser.add_argument(
        "--batch",
        type=batch_size,
        default=EXPORT_BATCH,
        help=f"articles read per batch (default {EXPORT_BATCH:,}; memory grows with it, not "
        "with the archive)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import sys

    from knotcrawl.analysis import export
    from knotcrawl.analysis.cli import check_limit, dump_json, filters_from, open_archive
    from knotcrawl.db import queries

    fields = queries.check_fields(args.fields)
    export.check_target(args.output)
    export.refuse_archive_file(args.output, args.db)
    fmt = export.format_of(args.format, args.output)
    filters = filters_from(args)
    check_range(filters.since, filters.until)
    queries.sort_spec(args.sort)
    limit = check_limit(args.limit)
    with open_archive(args) as archive:
        batches = queries.iter_record_columns(
            archive.engine,
            filters,
            sort=args.sort,
            limit=limit,
            batch=args.batch,
            fields=fields,
            text_bytes=export.reads_bytes(fmt),
        )
        result = export.export(batches, args.output, fmt, fields)
    summary = {
        "rows": result.rows,
        "output": result.path,
        "format": result.format,
        "fields": list(result.fields),
    }
    if args.json and args.output != "-":
        dump_json(summary)
    else:
        where = "standard output" if args.output == "-" else args.output
        noun = "article" if result.rows == 1 else "articles"
        print(f"exported {result.rows} {noun} to {where} ({fmt})", file=sys.stderr)
    return 0
