"""Crawl options: one parser for the command line and for ``scrapy crawl <spider> -a NAME=VALUE``.

The CLI turns its options into the same string arguments a ``scrapy crawl`` user passes with
``-a``, so both paths build identical :class:`CrawlOptions`.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from knotcrawl.errors import UsageError
from knotcrawl.files import folder_write_error, reason
from knotcrawl.hosts import EDITIONS, SITE_BASE, Edition, edition_of_host
from knotcrawl.record import INT64_MAX

MODES = ("update", "range", "ids", "sections", "articles")

# Settings for the bundled replica and the tests: no politeness, more concurrency.
FAST_SETTINGS: dict[str, Any] = {
    "ROBOTSTXT_OBEY": True,
    "DOWNLOAD_DELAY": 0,
    "DOWNLOAD_DELAY_JITTER": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS": 32,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "DOWNLOAD_TIMEOUT": 10,
    "RETRY_TIMES": 3,
    "KNOTCRAWL_RETRY_BACKOFF_BASE": 0.05,
    "KNOTCRAWL_RETRY_BACKOFF_MAX": 2.0,
    "KNOTCRAWL_RETRY_AFTER_MAX": 5.0,
}

_REPLICA_BASE: dict[Edition, str] = {
    "en": "http://www.eng.kavkaz-uzel.eu",
    "ru": "http://www.kavkaz-uzel.eu",
}


# More ids than an --ids crawl may name: the Russian edition's ids are under a million after
# 25 years; a range far beyond is a typo (a crawl of it would run for years).
MAX_IDS = 10_000_000


def _checked_id(article_id: int, text: str) -> int:
    if article_id > INT64_MAX:  # the archive's integer columns (and the job file's) stop there
        raise UsageError(f"article id {text!r} is too large (ids go up to {INT64_MAX})")
    return article_id


def parse_id_ranges(text: str) -> list[tuple[int, int]]:
    """``60000-60500,60600`` -> ``[(60000, 60500), (60600, 60600)]``."""
    ranges: list[tuple[int, int]] = []
    for part in re.split(r"[,\s]+", text.strip()):
        if not part:
            continue
        match = re.fullmatch(r"(\d+)(?:-(\d+))?", part)
        if match is None:
            raise UsageError(f"bad id range {part!r}: expected N or N-M")
        lo = int(match.group(1))
        hi = _checked_id(int(match.group(2) or lo), part)
        if hi < lo:
            raise UsageError(f"bad id range {part!r}: the end is before the start")
        ranges.append((lo, hi))
    if not ranges:
        raise UsageError("empty id range")
    total = sum(hi - lo + 1 for lo, hi in ranges)
    if total > MAX_IDS:
        raise UsageError(
            f"--ids {text.strip()!r} names {total:,} ids; the editions have well under "
            f"{MAX_IDS:,} (check for a typo, or crawl it in parts)"
        )
    return ranges


def resolve_target(target: str, editions: tuple[str, ...]) -> tuple[Edition, int]:
    """``https://…/articles/123`` (any mirror), ``en:123``, or ``123`` with one edition."""
    from knotcrawl.hosts import article_ref

    edition, sep, rest = target.partition(":")
    if sep and edition in EDITIONS and rest.isdigit():
        return edition, _checked_id(int(rest), target)
    if target.isdigit():
        if len(editions) != 1:
            raise UsageError(
                f"article id {target}: say which edition (--edition en|ru, or en:{target})"
            )
        return editions[0], _checked_id(int(target), target)  # type: ignore[return-value]
    ref = article_ref(target)
    if ref is None or ref.typed_id is None:
        raise UsageError(f"{target!r} is not an article URL or id of either edition")
    return ref.edition, _checked_id(ref.typed_id, target)


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def _base_url(text: str, option: str) -> str:
    """``scheme://host[:port]`` of an http(s) URL given to ``option``.

    A word that is not a host name (``--base-url en=notaurl``) is refused: the crawl would
    otherwise ask a proxy or replica for ``https://notaurl/…``, get 404s and record live
    articles as gone. A host is ``localhost``, an IP address or a dotted name."""
    parts = urlsplit(text if "://" in text else f"https://{text}")
    try:
        host = parts.hostname or ""
        parts.port  # noqa: B018 -- raises ValueError for a port out of range or not a number
    except ValueError:
        host = ""
    if parts.scheme not in ("http", "https") or not _is_host(host):
        raise UsageError(
            f"bad {option} {text!r}: expected http(s)://HOST[:PORT], a HOST being localhost, an "
            "IP address or a dotted name"
        )
    if parts.path.strip("/") or parts.query or parts.fragment:
        # Only the scheme and host are used: a path would be dropped without a word.
        raise UsageError(f"bad {option} {text!r}: give the host only, without a path")
    return f"{parts.scheme}://{parts.netloc}"


def _is_host(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return True
    labels = host.rstrip(".").split(".")
    return len(labels) >= 2 and all(re.fullmatch(r"[\w-]{1,63}", label) for label in labels)


@dataclass(slots=True)
class CrawlOptions:
    mode: str
    editions: tuple[Edition, ...] = EDITIONS
    db: str | None = None
    proxy: str | None = None
    replica: bool = False
    base: dict[Edition, str] = field(default_factory=lambda: dict(SITE_BASE))
    mirrors: dict[Edition, list[str]] = field(default_factory=dict)
    overlap: int = 2
    recheck_days: float = 7.0
    now: datetime | None = None
    since: datetime | None = None
    until: datetime | None = None
    ids: list[tuple[int, int]] = field(default_factory=list)
    by_id: bool = False
    targets: list[str] = field(default_factory=list)
    sections: bool = False
    refresh: bool = False
    retry_errors: bool = True
    resume: str = "auto"  # auto | yes | no
    job_dir: Path | None = None
    lock: bool = True

    # -- construction ---------------------------------------------------------------------

    @classmethod
    def from_arguments(cls, mode: str, args: Mapping[str, Any]) -> CrawlOptions:
        """Build from ``-a NAME=VALUE`` style arguments (strings) or CLI values."""
        if mode not in MODES:
            raise UsageError(f"unknown crawl mode {mode!r} (one of {', '.join(MODES)})")
        opts = cls(mode=mode)
        unknown = set(args) - set(_ARGUMENTS)
        if unknown:
            raise UsageError(f"unknown argument(s): {', '.join(sorted(unknown))}")
        edition = str(args.get("edition") or "all")
        if edition == "all":
            opts.editions = EDITIONS
        elif edition in EDITIONS:
            opts.editions = (edition,)
        else:
            raise UsageError(f"bad edition {edition!r}: en, ru or all")
        opts.db = args.get("db") or None
        replica = args.get("replica") or None
        if replica:
            opts.proxy = _base_url(str(replica), "--replica")
            opts.replica = True
            opts.base = dict(_REPLICA_BASE)
        if args.get("proxy"):
            opts.proxy = _base_url(str(args["proxy"]), "--proxy")
        for item in _split(args.get("base_url")):
            name, sep, url = item.partition("=")
            if not sep or name not in EDITIONS:
                raise UsageError(f"bad --base-url {item!r}: expected en=URL or ru=URL")
            opts.base[name] = _base_url(url, "--base-url")
        for item in _split(args.get("mirror")):
            url = _base_url(item, "--mirror")
            host_edition = edition_of_host(urlsplit(url).hostname)
            if host_edition is None:
                raise UsageError(f"--mirror {item!r}: not a host of either edition")
            opts.mirrors.setdefault(host_edition, []).append(url)
        opts.overlap = _int(args.get("overlap"), 2, "overlap", minimum=1)
        opts.recheck_days = _float(args.get("recheck_days"), 7.0, "recheck-days")
        # The dates every command takes (2019, 2019-05, 2019-05-17, a time): one reader.
        from knotcrawl.db.queries import parse_moment

        if args.get("now"):
            opts.now = parse_moment(str(args["now"]), option="--now")
        if args.get("since"):
            opts.since = parse_moment(str(args["since"]), option="--since")
        if args.get("until"):
            opts.until = parse_moment(str(args["until"]), end=True, option="--until")
        if args.get("ids"):
            opts.ids = parse_id_ranges(str(args["ids"]))
        opts.by_id = _bool(args.get("by_id", False))
        opts.targets = _split(args.get("targets"))
        # The flag adds the section walk to another mode; the sections mode is that walk, so
        # `scrapy crawl sections -a sections=yes` is the same job as `knotcrawl crawl --sections`.
        opts.sections = _bool(args.get("sections", False)) and mode != "sections"
        opts.refresh = _bool(args.get("refresh", False))
        opts.retry_errors = _bool(args.get("retry_errors", True))
        opts.lock = _bool(args.get("lock", True))
        resume = str(args.get("resume") or "auto").lower()
        if resume in ("1", "true", "yes"):
            resume = "yes"
        elif resume in ("0", "false", "no", "fresh"):
            resume = "no"
        if resume not in ("auto", "yes", "no"):
            raise UsageError(f"bad resume value {resume!r}")
        opts.resume = resume
        if args.get("job_dir"):
            opts.job_dir = Path(str(args["job_dir"]))
        opts.validate()
        return opts

    def validate(self) -> None:
        check_range(self.since, self.until)
        self._check_one_mode()
        if self.mode == "range" and not (self.since or self.until):
            raise UsageError("a date-range crawl needs --since and/or --until")
        if self.mode == "ids" and not self.ids and not (self.by_id and self.since):
            raise UsageError("an id crawl needs --ids N-M, or --by-id with --since [--until]")
        if self.mode == "articles" and not self.targets:
            raise UsageError("give article URLs or ids to crawl")
        for target in self.targets:
            resolve_target(target, self.editions)

    def _check_one_mode(self) -> None:
        """Refuse options of two modes together: the mode's spider would silently ignore the
        others (``--ids 1-9 en:12000`` never fetched en:12000)."""
        given = [
            name
            for name, present in (
                ("--sections", self.mode == "sections"),
                ("--ids", bool(self.ids)),
                ("--by-id", self.by_id),
                ("--since/--until", bool(self.since or self.until)),
                ("article URLs or ids", bool(self.targets)),
            )
            if present
        ]
        if not any(set(given) <= allowed for allowed in _MODE_OPTIONS[self.mode]):
            raise UsageError(f"{' and '.join(given)} cannot be combined (run separate crawls)")

    # -- views ----------------------------------------------------------------------------

    def arguments(self) -> dict[str, Any]:
        """What defines the job (hashed into the job key; stored in the runs ledger)."""
        return {
            "mode": self.mode,
            "editions": list(self.editions),
            "base": {k: self.base[k] for k in self.editions},
            "mirrors": {k: v for k, v in self.mirrors.items() if k in self.editions},
            "overlap": self.overlap,
            "recheck_days": self.recheck_days,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "ids": self.ids,
            "by_id": self.by_id,
            "targets": self.targets,
            "sections": self.sections,
            "refresh": self.refresh,
        }

    def database_label(self) -> str:
        return self.db or os.environ.get("KNOTCRAWL_DATABASE_URL") or "default"

    def current_time(self) -> datetime:
        return self.now or datetime.now(UTC)

    def fetch_bases(self, edition: Edition) -> list[str]:
        """Where to fetch from: the edition's base URL, then its mirrors (round robin)."""
        return [self.base[edition], *self.mirrors.get(edition, [])]


# What each mode takes of the options that say what to crawl (update's --sections only adds
# the section walk to it, so it is not one of them).
_MODE_OPTIONS: dict[str, tuple[set[str], ...]] = {
    "update": (set(),),
    "range": ({"--since/--until"},),
    "ids": ({"--ids"}, {"--by-id", "--since/--until"}),
    "sections": ({"--sections"},),
    "articles": ({"article URLs or ids"},),
}


def check_range(since: datetime | None, until: datetime | None) -> None:
    """The one message for a reversed range, in every command that takes --since/--until."""
    if since is not None and until is not None and until <= since:
        # The moments, since a date's --until is the end of that day, month or year:
        # --since 2020 --until 2019 meet at 2020-01-01, which the bare dates do not show.
        def utc(moment: datetime) -> str:
            return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

        bounds = f"--since from {utc(since)}, --until to {utc(until)}"
        if until == since:
            raise UsageError(
                f"--until is the same moment as --since ({bounds}; a date's --until runs to "
                "the end of that day, month or year): the range is empty"
            )
        raise UsageError(f"--until is before --since ({bounds})")


def check_directory(text: str | None, option: str, default: Path) -> None:
    """Create a crawl's --job-dir or --log-dir now (``default`` when it is not given), so that
    a path that cannot be a directory (a regular file, somewhere under /proc) or cannot be
    written (a read-only mount) is one line rather than a traceback mid-start. An empty value
    (``--log-dir "$UNSET"``) is refused, not taken for the default, as ``--db ""`` is."""
    if text is None:
        text, option = str(default), f"the default {option}"
    if not text.strip():
        raise UsageError(f"{option} is empty: give a folder, or leave the option out")
    path = Path(text).expanduser()
    if path.exists() and not path.is_dir():
        raise UsageError(f"{option} {text}: not a directory")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"{option} {text}: cannot create it ({reason(exc)})") from None
    error = folder_write_error(path)
    if error is not None:
        raise UsageError(f"{option} {text}: cannot write in it ({reason(error)})")


def preflight(args: argparse.Namespace) -> None:
    """Check what ``knotcrawl crawl|update|demo`` will write to before Scrapy starts: the
    archive (created when missing, refused when it cannot be one: status 2) and the
    directories (the demo's are always the defaults, in the data folder)."""
    from knotcrawl.crawling.context import default_job_dir
    from knotcrawl.db.engine import check_database

    check_database(args.db, create=True)
    jobs = default_job_dir()
    check_directory(getattr(args, "job_dir", None), "--job-dir", jobs)
    check_directory(getattr(args, "log_dir", None), "--log-dir", jobs.parent / "logs")


_ARGUMENTS = (
    "edition",
    "db",
    "proxy",
    "replica",
    "base_url",
    "mirror",
    "overlap",
    "recheck_days",
    "now",
    "since",
    "until",
    "ids",
    "by_id",
    "targets",
    "sections",
    "refresh",
    "retry_errors",
    "resume",
    "job_dir",
    "lock",
    "context",
)


def _split(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, list | tuple):
        out: list[str] = []
        for item in value:
            out.extend(_split(item))
        return out
    return [part for part in re.split(r"[,\s]+", str(value).strip()) if part]


def _int(value: Any, default: int, name: str, minimum: int = 0) -> int:
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise UsageError(f"bad --{name} {value!r}: expected a whole number") from None
    if number < minimum:
        raise UsageError(f"bad --{name} {value!r}: at least {minimum}")
    return number


def _float(value: Any, default: float, name: str) -> float:
    if value is None or value == "":
        return default
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise UsageError(f"bad --{name} {value!r}: expected a number") from None
    if number < 0:
        raise UsageError(f"bad --{name} {value!r}: not negative")
    return number
