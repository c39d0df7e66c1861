"""Date texts as each markup prints them (SITE.md §6). Input: Moscow wall-clock time (naive)."""

from __future__ import annotations

from datetime import datetime

from knotcrawl.moscow import MOSCOW

from .words import MONTHS_EN, MONTHS_RU_GEN

_DAYS_RFC = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS_RFC = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def moscow_naive(moment: datetime) -> datetime:
    return moment.astimezone(MOSCOW).replace(tzinfo=None, fold=0)


def en_classic(t: datetime) -> str:
    """``17 May 2019, 18:17`` (zero-padded day)."""
    return f"{t.day:02d} {MONTHS_EN[t.month - 1]} {t.year}, {t:%H:%M}"


def en_2025(t: datetime) -> str:
    """``18:09, 27 April 2023`` (day not padded)."""
    return f"{t:%H:%M}, {t.day} {MONTHS_EN[t.month - 1]} {t.year}"


def ru_desktop(t: datetime) -> str:
    """``09:00, 6 февраля 2023`` (genitive month)."""
    return f"{t:%H:%M}, {t.day} {MONTHS_RU_GEN[t.month - 1]} {t.year}"


def ru_day_first(t: datetime) -> str:
    """``16 марта 2015, 18:17`` (the ~2015 ``p.time`` order)."""
    return f"{t.day} {MONTHS_RU_GEN[t.month - 1]} {t.year}, {t:%H:%M}"


def mobile(t: datetime) -> str:
    """``10:57 / 10.01.2026``."""
    return f"{t:%H:%M} / {t:%d.%m.%Y}"


def related(t: datetime) -> str:
    """``22:58 30.08.2025`` (mobile related-article blocks)."""
    return f"{t:%H:%M} {t:%d.%m.%Y}"


def en_listing_classic(t: datetime) -> str:
    """``March 09, 2019 09:28``."""
    return f"{MONTHS_EN[t.month - 1]} {t.day:02d}, {t.year} {t:%H:%M}"


def cross_ref(t: datetime) -> str:
    """``May 17, 2019 at 05:00 pm MSK`` (the cross-reference line, without ``on``)."""
    hour = t.hour % 12 or 12
    half = "am" if t.hour < 12 else "pm"
    return f"{MONTHS_EN[t.month - 1]} {t.day}, {t.year} at {hour:02d}:{t:%M} {half} MSK"


def rfc822(t: datetime) -> str:
    """``Fri, 30 Jan 2026 18:42:00 +0300`` with the offset of that date in Moscow."""
    aware = t.replace(tzinfo=MOSCOW, fold=0)
    offset = aware.utcoffset()
    assert offset is not None
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return (
        f"{_DAYS_RFC[t.weekday()]}, {t.day:02d} {_MONTHS_RFC[t.month - 1]} {t.year} "
        f"{t:%H:%M:%S} {sign}{minutes // 60:02d}{minutes % 60:02d}"
    )


def iso_local(t: datetime) -> str:
    return t.replace(tzinfo=MOSCOW, fold=0).isoformat(timespec="seconds")


def http_date(t: datetime) -> str:
    """An HTTP ``Date`` header value for an aware UTC time."""
    from email.utils import format_datetime

    return format_datetime(t, usegmt=True)
