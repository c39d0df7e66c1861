"""Moscow time: the site prints every timestamp in Moscow local time.

The offset changed over the years (summer time until 2011, UTC+4 from 2011-03-27 to
2014-10-26, UTC+3 since), so conversion always goes through the ``Europe/Moscow`` zone rules
of the date, never a fixed offset.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

MOSCOW = ZoneInfo("Europe/Moscow")


def localize(naive: datetime) -> datetime:
    """Attach Moscow time to a naive wall-clock time (the earlier instant when ambiguous)."""
    return naive.replace(tzinfo=MOSCOW, fold=0)


def utc_iso(moment: datetime) -> str:
    """``2019-05-17T15:17:00Z``: UTC, seconds, ``Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def local_iso(moment: datetime) -> str:
    """``2019-05-17T18:17:00+03:00``: Moscow time with its offset. Through UTC, so that a
    wall time that never existed (the spring-forward gap) is printed as the instant it stands
    for: ``astimezone`` to the zone a time already has returns it unchanged."""
    return moment.astimezone(UTC).astimezone(MOSCOW).isoformat(timespec="seconds")


def parse_utc_iso(text: str) -> datetime:
    """Inverse of :func:`utc_iso` (accepts any ISO 8601 with an offset or ``Z``)."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"time without a zone: {text!r}")
    return moment.astimezone(UTC)
