"""``knotcrawl db``: the archive database's schema (upgrade, current) and counts."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from knotcrawl.analysis.cli import one_line_errors


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="URL",
        default=None,
        help="the archive: a SQLite file path or a postgresql:// URL "
        "(default: $KNOTCRAWL_DATABASE_URL or data/knotcrawl.sqlite; "
        "$KNOTCRAWL_DATA_DIR replaces data)",
    )


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "db",
        help="manage the archive database (schema upgrade, current revision, counts)",
        description="Manage the archive database. A new database is created at the newest "
        "schema by `db upgrade`, `update`, `crawl` and `demo` (never by `db current`, "
        "`db counts`, `reparse` or the read commands); an existing one is upgraded only by "
        "`knotcrawl db upgrade` (back it up first).",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    upgrade = actions.add_parser("upgrade", help="migrate the database to the newest schema")
    add_db_option(upgrade)
    upgrade.add_argument(
        "--revision", default="head", help="the schema revision to reach (default: head)"
    )
    current = actions.add_parser("current", help="print the schema revision of the database")
    add_db_option(current)
    counts = actions.add_parser("counts", help="print the number of articles, revisions, …")
    add_db_option(counts)
    for name, action in (("upgrade", upgrade), ("current", current), ("counts", counts)):
        one_line_errors(action, f"db {name}")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from knotcrawl.db import migrate
    from knotcrawl.db.engine import check_database, describe, make_engine, write_refusal
    from knotcrawl.errors import KnotcrawlError, UsageError

    # Alembic's own error for an unknown revision is a traceback-sized message.
    known = migrate.known_revisions()
    if args.action == "upgrade" and args.revision != "head" and args.revision not in known:
        choices = ", ".join(sorted(known))
        raise UsageError(f"unknown schema revision {args.revision!r} (one of {choices}, head)")
    # Only upgrade may create an archive; current and counts report on an existing one, and
    # current (like upgrade) must also work on an archive at an older schema.
    url = check_database(
        args.db,
        create=args.action == "upgrade",
        need_head=args.action == "counts",
        write=False,  # upgrade asks below, once it knows there is something to write
    )
    shown = describe(url)
    engine = make_engine(url)
    try:
        if args.action == "current":
            current = migrate.current_revision(engine)
            head = migrate.head_revision()
            state = "up to date" if current == head else f"needs `knotcrawl db upgrade` to {head}"
            if current is None:
                state = "empty"
            elif current not in migrate.known_revisions():
                state = f"newer than this knotcrawl, which knows up to {head}: upgrade knotcrawl"
            print(f"{shown}: {current or '-'} ({state})")
            return 0
        if args.action == "upgrade":
            before = migrate.current_revision(engine)
            target = migrate.head_revision() if args.revision == "head" else args.revision
            # Revisions are numbered 0001, 0002…: their order is the strings' order.
            if before is not None and target < before:
                raise UsageError(
                    f"{shown} is at {before}, past {target}: `db upgrade` only moves forward "
                    "(restore a backup to go back)"
                )
            if before != target:
                refusal = write_refusal(engine, empty=before is None)
                if refusal is not None:
                    raise UsageError(
                        f"cannot write the archive {shown} ({refusal}): it is read-only here"
                    )
            if before not in (None, target):
                # Some migrations rebuild a full-text index: minutes on a large archive.
                print(
                    f"{shown}: upgrading {before} -> {target} (a large archive takes minutes)…",
                    file=sys.stderr,
                    flush=True,
                )
            try:
                migrate.upgrade(engine, args.revision)
            except Exception as exc:  # alembic's errors are many; one line is what the user needs
                if isinstance(exc, KnotcrawlError):
                    raise
                raise KnotcrawlError(f"upgrade failed: {type(exc).__name__}: {exc}") from None
            after = migrate.current_revision(engine)
            if before == after:
                print(f"{shown}: already at {after}")
            else:
                print(f"{shown}: {before or 'empty'} -> {after}")
            return 0
    finally:
        engine.dispose()
    from knotcrawl.db import Archive

    with Archive.open(args.db) as archive:
        print(json.dumps(archive.counts(), indent=2, sort_keys=True))
    return 0
