"""``knotcrawl show ID|URL``: one article in full, its counterpart and its revisions."""

from __future__ import annotations

import argparse
import difflib
from typing import Any

from knotcrawl.analysis.cli import add_common, one_line_errors
from knotcrawl.commands import INT64_MAX
from knotcrawl.errors import KnotcrawlError, UsageError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "show",
        help="show one article: the full record, links, counterpart, revisions with diffs",
        description="Show an article given as en:123, ru:456, a URL of any mirror, or a bare "
        "id (with --edition when both editions have it): the whole record, its links, its "
        "English/Russian counterpart and its earlier versions with a unified diff.",
    )
    one_line_errors(parser, "show")
    parser.add_argument("ref", metavar="ID|URL", help="en:123, ru:456, a URL, or 123")
    parser.add_argument("--edition", choices=("en", "ru"), help="the edition of a bare id")
    parser.add_argument(
        "--no-body", action="store_true", help="leave the body out of the terminal view"
    )
    add_common(parser)
    parser.set_defaults(run=run)


def parse_ref(ref: str, edition: str | None) -> tuple[str | None, int]:
    """``(edition or None, article_id)`` of ``en:123``, a URL or a bare id."""
    found_edition, article_id = _parse_ref(ref, edition)
    if article_id > INT64_MAX:  # the database would refuse it (an integer out of range)
        raise UsageError(f"{ref!r}: no article has an id that large")
    return found_edition, article_id


def _parse_ref(ref: str, edition: str | None) -> tuple[str | None, int]:
    from knotcrawl.hosts import article_ref

    text = ref.strip()
    if "://" in text or text.startswith("/"):
        parsed = article_ref(text, default_edition=edition)  # type: ignore[arg-type]
        if parsed is None or parsed.typed_id is None:
            raise UsageError(f"{ref!r} is not an article URL of either edition")
        if "://" in text and edition is not None and edition != parsed.edition:
            raise UsageError(f"{ref!r} contradicts --edition {edition}")  # its host says
        return parsed.edition, parsed.typed_id  # parse_ref refuses one past 64 bits
    if ":" in text:
        prefix, _, number = text.partition(":")
        if prefix not in ("en", "ru") or not number.isdigit():
            raise UsageError(f"{ref!r}: expected en:ID or ru:ID")
        if edition is not None and edition != prefix:
            raise UsageError(f"{ref!r} contradicts --edition {edition}")
        return prefix, int(number)
    if text.isdigit():
        return edition, int(text)
    raise UsageError(f"{ref!r} is not an article id (en:123, ru:456, 123) or URL")


def record_text(record: dict[str, Any]) -> list[str]:
    """The record as lines for a diff: the fields a reader sees, the body one paragraph a
    line."""
    original = record.get("original") or {}
    lines = [
        f"title: {record['title']}",
        f"published: {record.get('published_local') or record.get('published_at')}",
        f"authors: {', '.join(record.get('authors') or [])}",
        f"source: {record.get('source') or ''}",
        f"photo_caption: {record.get('photo_caption') or ''}",
        f"original: {original.get('url') or ''}",
        "",
    ]
    lines.extend(record.get("body", "").split("\n\n"))
    lines.append("")
    lines.extend(
        f"link: {link['url']} [{link['kind']}] {link['text'] or ''}" for link in record["links"]
    )
    return lines


def unified(old: dict[str, Any], new: dict[str, Any], old_name: str, new_name: str) -> str:
    return "\n".join(
        difflib.unified_diff(
            record_text(old), record_text(new), old_name, new_name, n=1, lineterm=""
        )
    )


def gather(archive: Any, edition: str, article_id: int) -> dict[str, Any]:
    from knotcrawl.db import queries
    from knotcrawl.moscow import utc_iso

    engine = archive.engine
    record = queries.get(engine, edition, article_id)
    if record is None:
        raise KnotcrawlError(f"no article {edition}:{article_id} in the archive")
    counterparts: list[dict[str, Any]] = []
    if record["original"] is not None:
        original = record["original"]
        stored = (
            queries.get(engine, "ru", original["article_id"])
            if original.get("article_id") is not None
            else None
        )
        counterparts.append(
            {
                "relation": "original",
                "edition": "ru",
                "article_id": original.get("article_id"),
                "url": original["url"],
                "title": stored["title"] if stored else None,
                "published_at": original.get("published_at"),
                "stored": stored is not None,
            }
        )
    if edition == "ru":
        for item in queries.translations_of(engine, article_id, record["url"]):
            counterparts.append({"relation": "translation", **item, "stored": True})
    revisions = []
    versions = [(rev.record.to_dict(), rev) for rev in archive.revisions(edition, article_id)]
    state = queries.state(engine, edition, article_id)
    for i, (old, rev) in enumerate(versions):
        new = versions[i + 1][0] if i + 1 < len(versions) else record
        new_name = f"revision {i + 2}" if i + 1 < len(versions) else "current"
        revisions.append(
            {
                "revision": i + 1,
                "first_seen_at": utc_iso(rev.first_seen_at),
                "last_seen_at": utc_iso(rev.last_seen_at),
                "replaced_at": utc_iso(rev.replaced_at),
                "content_hash": old["content_hash"],
                "record": old,
                "diff_to_next": unified(old, new, f"revision {i + 1}", new_name),
            }
        )
    return {
        "record": record,
        "archive": state,
        "counterparts": counterparts,
        "revisions": revisions,
    }


def run(args: argparse.Namespace) -> int:
    from knotcrawl.analysis.cli import dump_json, open_archive, short_time, use_color
    from knotcrawl.analysis.tables import format_table, key_values, terminal_width
    from knotcrawl.db import queries

    edition, article_id = parse_ref(args.ref, args.edition)
    with open_archive(args) as archive:
        if edition is None:
            found = queries.editions_with_id(archive.engine, article_id)
            if not found:
                raise KnotcrawlError(f"no article with id {article_id} in the archive")
            if len(found) > 1:
                raise UsageError(
                    f"both editions have id {article_id}: write en:{article_id} or "
                    f"ru:{article_id} (or give --edition)"
                )
            edition = found[0]
        shown = gather(archive, edition, article_id)
    if args.json:
        dump_json(shown)
        return 0
    record = shown["record"]
    color = use_color()
    bold = (lambda s: f"\x1b[1m{s}\x1b[0m") if color else (lambda s: s)
    width = terminal_width()
    print(bold(f"{record['edition']}:{record['article_id']}  {record['title']}"))
    original = record["original"]
    pairs: list[tuple[str, Any]] = [
        ("url", record["url"]),
        ("fetched_url", record["fetched_url"]),
        ("published_at", record["published_at"]),
        ("published_local", record["published_local"]),
        ("published_raw", record["published_raw"]),
        ("authors", ", ".join(record["authors"]) or "-"),
        ("source", record["source"] or "-"),
        ("photo_caption", record["photo_caption"] or "-"),
        ("lead", record["lead"] or "-"),
        ("sections", ", ".join(record["sections"]) or "-"),
        ("original", f"{original['url']} ({original['published_raw']})" if original else "-"),
        ("content_hash", record["content_hash"]),
        ("parser_version", record["parser_version"] or "-"),
        ("first_seen_at", record["first_seen_at"]),
        ("last_seen_at", record["last_seen_at"]),
    ]
    gone = shown["archive"].get("gone_at")
    if gone:
        pairs.append(("gone_at", f"{gone} (HTTP {shown['archive'].get('gone_status')})"))
    print(key_values(pairs))
    if not args.no_body:
        print()
        print(record["body"])
    print()
    print(bold(f"Links ({len(record['links'])})"))
    if record["links"]:
        print(
            format_table(
                ["KIND", "TARGET", "TEXT", "URL"],
                [
                    (
                        link["kind"],
                        f"{link['edition']}:{link['article_id']}" if link["article_id"] else "-",
                        link["text"],
                        link["url"],
                    )
                    for link in record["links"]
                ],
                width=width,
                numeric=[False] * 4,
            )
        )
    print()
    print(bold("Counterpart"))
    if not shown["counterparts"]:
        print("none (no Russian original, no English translation in the archive)")
    for item in shown["counterparts"]:
        ref = f"{item['edition']}:{item['article_id']}" if item["article_id"] else item["url"]
        title = item["title"] or "(not in the archive)"
        print(f"{item['relation']}: {ref}  {short_time(item['published_at'])}  {title}")
        print(f"  {item['url']}")
    print()
    earlier = len(shown["revisions"])
    print(bold(f"Revisions ({earlier} earlier version{'' if earlier == 1 else 's'})"))
    for rev in shown["revisions"]:
        print(
            f"revision {rev['revision']}: seen {short_time(rev['first_seen_at'])} – "
            f"{short_time(rev['last_seen_at'])}, replaced {short_time(rev['replaced_at'])}"
        )
        for line in rev["diff_to_next"].splitlines():
            if color and line.startswith("+") and not line.startswith("+++"):
                line = f"\x1b[32m{line}\x1b[0m"
            elif color and line.startswith("-") and not line.startswith("---"):
                line = f"\x1b[31m{line}\x1b[0m"
            print(f"  {line}")
    return 0
