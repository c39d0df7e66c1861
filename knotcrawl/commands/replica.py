"""``knotcrawl replica``: serve the local replica of both sites, or print its ground truth."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import Any

from knotcrawl.analysis.cli import one_line_errors
from knotcrawl.commands import whole_number
from knotcrawl.errors import UsageError

MARKUP_NAMES = (
    "auto",
    "en-classic",
    "en-2025",
    "ru-desktop",
    "ru-mobile",
    "ru-amp",
    "divsoup",
    "brtext",
)


def _now(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO time: {text!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _add_state_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("state (the same values give the same bytes)")
    group.add_argument("--seed", type=int, default=1, help="generator seed (default: 1)")
    group.add_argument(
        "--articles",
        type=int,
        default=300,
        metavar="N",
        help="articles per edition up to 2026-02-01; the schedule continues at "
        "the same rate after it (default: 300; 100000 works)",
    )
    group.add_argument(
        "--now",
        type=_now,
        default=None,
        metavar="ISO-TIME",
        help="the replica's present: articles dated up to it are published, and "
        "edits and deletions scheduled up to it are applied "
        "(default: 2026-02-01T00:00:00Z; a time without zone is UTC)",
    )
    group.add_argument(
        "--markup",
        choices=MARKUP_NAMES,
        default="auto",
        help="article markup for every page (default: auto, by host and article)",
    )


def _add_serving_options(parser: argparse.ArgumentParser, title: str = "serving") -> None:
    group = parser.add_argument_group(title)
    group.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)"
    )
    group.add_argument(
        "--port", type=whole_number(0, 65535), default=8765, help="port (default: 8765; 0: any)"
    )
    group.add_argument(
        "--listing-end",
        choices=("empty", "404", "redirect", "redirect-page1"),
        default="empty",
        help="what a listing page past the last one answers: an empty page (the default), "
        "404, or a 302 to the listing's first page at its bare address (redirect) or at "
        "?page=1 (redirect-page1)",
    )
    group.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="RULE",
        help="a fault rule PATH_GLOB=KIND[:ARG][xCOUNT] (examples in `replica serve --help`); "
        "repeatable",
    )
    group.add_argument(
        "--fault-rate",
        type=float,
        default=0.0,
        metavar="P",
        help="probability of a random transient fault per request, "
        "deterministic by seed (default: 0)",
    )
    group.add_argument(
        "--robots-disallow",
        action="append",
        default=[],
        metavar="PATH",
        help="add a Disallow line to robots.txt; repeatable",
    )


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "replica",
        help="a local replica of both sites for tests, demos and benchmarks",
        description="A local HTTP server that serves generated English and Russian editions of "
        "the site on every host name (dispatched by the Host header, or used as an "
        "HTTP proxy), and the exact records a crawl of it should produce.",
    )
    sub = parser.add_subparsers(dest="replica_command", metavar="SUBCOMMAND", required=True)

    serve = sub.add_parser(
        "serve",
        help="serve the replica over HTTP until Ctrl-C",
        description="Serve both editions on one port. Point a crawl at it as an HTTP proxy "
        "(Scrapy: meta['proxy'] or http_proxy=http://HOST:PORT) and keep the real "
        "URLs (http://www.eng.kavkaz-uzel.eu/rubric/11).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="fault rules (--fault, repeatable), PATH_GLOB=KIND[:ARG][xCOUNT]:\n"
        "  '/articles/1*=503x2'        the first 2 requests of each URL get 503\n"
        "  '/rubric/11*=429:5'         429 with Retry-After: 5\n"
        "  '/articles/*=slow:0.5'      answer after 0.5 s\n"
        "  '/articles/2*=truncate:0.3' send 30% of the body, then close\n"
        "  '/category/*=dropx1'        close without answering, once per URL\n"
        "  '/articles/3*=malformed'    unclosed tags and garbage, same text\n"
        "  '/articles/4*=cp1251'       windows-1251, declared only in Content-Type\n"
        "  '/abhazia*=loop'            a redirect loop\n"
        "  '/abhazia?page?2=redirect:/abhazia?page=3'  a 302 to that address\n"
        "  '/robots.txt=robots:/rubric/10,/category'  robots.txt disallows these\n"
        "kinds: error[:CODE] (or 500/502/503/504), 429, slow, truncate, drop, "
        "malformed, cp1251, loop, redirect, robots",
    )
    # A bad value (--port 99999) is one line, as in the other commands, not a usage dump.
    one_line_errors(serve, "replica serve")
    _add_state_options(serve)
    _add_serving_options(serve)
    serve.set_defaults(run=run)

    truth = sub.add_parser(
        "truth",
        help="print the exact record of every live article as JSON lines",
        description="Print, newest first, the record (RECORD.md fields without the crawl-only "
        "ones) of every article live at --now, as a crawl of the replica with the "
        "same options should store it. published_raw is the date text of the page "
        "on the edition's canonical host.",
    )
    one_line_errors(truth, "replica truth")
    _add_state_options(truth)
    _add_serving_options(truth, "accepted for symmetry with serve (they do not change the truth)")
    truth.add_argument(
        "--edition",
        choices=("en", "ru", "both"),
        default="both",
        help="which edition (default: both, English first)",
    )
    truth.set_defaults(run=run)


def _config(args: argparse.Namespace) -> Any:
    from knotcrawl.replica import DEFAULT_NOW, ReplicaConfig

    try:
        return ReplicaConfig(
            seed=args.seed,
            articles=args.articles,
            now=args.now or DEFAULT_NOW,
            markup=args.markup,
            listing_end=getattr(args, "listing_end", "empty"),
            faults=[f.replace(" ", "") for f in getattr(args, "fault", [])],
            fault_rate=getattr(args, "fault_rate", 0.0),
            robots_disallow=getattr(args, "robots_disallow", []),
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def run(args: argparse.Namespace) -> int:
    from knotcrawl.record import CRAWL_ONLY_FIELDS
    from knotcrawl.replica import Replica

    config = _config(args)
    replica = Replica(config)
    if args.replica_command == "truth":
        editions = ("en", "ru") if args.edition == "both" else (args.edition,)
        out = sys.stdout
        for edition in editions:
            for record in replica.truth(edition):
                data = {k: v for k, v in record.to_dict().items() if k not in CRAWL_ONLY_FIELDS}
                out.write(json.dumps(data, ensure_ascii=False) + "\n")
        return 0
    from knotcrawl.replica.server import ReplicaServer, run_forever

    def ready(server: ReplicaServer) -> None:
        proxy = server.proxy_url
        en, ru = len(replica.live_ids("en")), len(replica.live_ids("ru"))
        print(
            f"knotcrawl replica listening on {proxy} (seed {config.seed}, {en} EN and {ru} RU "
            f"articles live at {replica.now:%Y-%m-%dT%H:%M:%SZ})",
            flush=True,
        )
        print(f"  as a proxy:  curl -x {proxy} http://www.eng.kavkaz-uzel.eu/rubric/11", flush=True)
        print(f"  by Host:     curl -H 'Host: www.kavkaz-uzel.eu' {proxy}/articles", flush=True)
        print(
            f"  Scrapy:      request.meta['proxy'] = '{proxy}' (or http_proxy={proxy})", flush=True
        )
        print("Stop with Ctrl-C.", flush=True)

    try:
        run_forever(replica, args.host, args.port, ready)
    except OSError as exc:
        raise UsageError(f"cannot listen on {args.host}:{args.port}: {exc}") from None
    print("knotcrawl replica stopped", flush=True)
    return 0
