"""Replica configuration and fault rules."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

# The default "now": the state of the replica is a pure function of (seed, articles, now).
DEFAULT_NOW = datetime(2026, 2, 1, 0, 0, tzinfo=UTC)
# Articles per edition scheduled between the edition's start and this anchor; the schedule
# continues at the same rate after it (a later --now publishes more).
ANCHOR = datetime(2026, 2, 1, 0, 0, tzinfo=UTC)

# What a listing page past the last one answers: an empty page, a 404, or a 302 to the
# listing's first page, at its bare address or at ``?page=1`` (a common "no such page").
LISTING_ENDS = ("empty", "404", "redirect", "redirect-page1")

# Fault kinds. The first group is applied by Replica.respond (pure); the second by the server.
PURE_FAULTS = ("error", "429", "malformed", "cp1251", "loop", "redirect", "robots")
SOCKET_FAULTS = ("slow", "truncate", "drop")
FAULT_KINDS = PURE_FAULTS + SOCKET_FAULTS

_COUNT = re.compile(r"x(\d+)$")
# The '=' before the kind: the last one followed by a kind (a glob's query and a redirect's
# target may hold '=' too).
_KIND_START = re.compile(rf"=(?=(?:{'|'.join(FAULT_KINDS)}|\d{{3}})(?::|x\d+$|$))")


@dataclass(frozen=True, slots=True)
class FaultRule:
    """``PATH_GLOB=KIND[:ARG][xCOUNT]``: requests whose path (with query) matches the glob get
    the fault; with ``xCOUNT`` only the first COUNT requests of each URL do, then it answers
    normally.

    Kinds: ``error[:CODE]`` (default 503), ``429[:SECONDS]`` (Retry-After, default 1),
    ``slow[:SECONDS]`` (default 1), ``truncate[:FRACTION]`` (Content-Length of the full body,
    FRACTION of it sent, then close; default 0.5), ``drop`` (close without a response),
    ``malformed`` (unclosed tags and garbage, same text), ``cp1251`` (windows-1251 declared
    only in the Content-Type header), ``loop`` (a redirect loop), ``redirect[:TARGET]`` (a 302
    to TARGET, a path with its query on the same host; default ``/``), ``robots[:PATH,PATH]``
    (robots.txt disallows these paths; default ``/``).
    """

    glob: str
    kind: str
    arg: str | None = None
    count: int | None = None

    @classmethod
    def parse(cls, text: str) -> FaultRule:
        text = text.strip()
        starts = [match.start() for match in _KIND_START.finditer(text)]
        cut = starts[-1] if starts else text.rfind("=")
        glob, spec = (text[:cut], text[cut + 1 :]) if cut >= 0 else ("", "")
        if not glob or not spec:
            raise ValueError(f"bad fault rule {text!r}: expected PATH_GLOB=KIND[:ARG][xCOUNT]")
        count = None
        match = _COUNT.search(spec)
        if match is not None:
            count = int(match.group(1))
            spec = spec[: match.start()]
        kind, _, arg_text = spec.partition(":")
        arg = arg_text or None
        if kind.isdigit() and len(kind) == 3 and kind.startswith("5"):
            return cls(glob, "error", kind, count)
        if kind not in FAULT_KINDS:
            raise ValueError(
                f"bad fault rule {text!r}: unknown kind {kind!r} (one of {', '.join(FAULT_KINDS)})"
            )
        rule = cls(glob, kind, arg, count)
        rule.number()  # validate the argument
        return rule

    def number(self, default: float = 0.0) -> float:
        if self.arg is None or self.kind in ("redirect", "robots"):
            return default
        try:
            return float(self.arg)
        except ValueError:
            raise ValueError(f"bad fault argument {self.arg!r} for {self.kind}") from None

    def __str__(self) -> str:
        text = f"{self.glob}={self.kind}"
        if self.arg is not None:
            text += f":{self.arg}"
        if self.count is not None:
            text += f"x{self.count}"
        return text


# The replica keeps every article's id and times in memory: 100,000 per edition take about
# 2 s and 40 MB to set up; ten times that is the most a machine is asked for.
MAX_ARTICLES = 1_000_000


@dataclass(slots=True)
class ReplicaConfig:
    seed: int = 1
    articles: int = 300
    now: datetime = DEFAULT_NOW
    markup: str = "auto"
    listing_end: str = "empty"
    faults: list[FaultRule | str] = field(default_factory=list)
    fault_rate: float = 0.0
    robots_disallow: list[str] = field(default_factory=list)
    cache_pages: int = 4096

    def __post_init__(self) -> None:
        if self.now.tzinfo is None:
            raise ValueError("ReplicaConfig.now must be timezone-aware")
        if not 1 <= self.articles <= MAX_ARTICLES:
            raise ValueError(f"articles must be from 1 to {MAX_ARTICLES:,} (per edition)")
        if self.listing_end not in LISTING_ENDS:
            raise ValueError(f"listing_end must be one of {LISTING_ENDS}")
        if not 0.0 <= self.fault_rate <= 1.0:
            raise ValueError("fault_rate must be between 0 and 1")
        self.faults = [f if isinstance(f, FaultRule) else FaultRule.parse(f) for f in self.faults]

    @property
    def rules(self) -> list[FaultRule]:
        return [f for f in self.faults if isinstance(f, FaultRule)]
