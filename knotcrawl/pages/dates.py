"""Reading the site's dates (SITE.md §6), English and Russian, into aware datetimes.

The site prints Moscow wall-clock time. Known formats go through precompiled regexes and
month tables (the fast path); ``dateparser`` is only the fallback for text that looks like a
date with a time but matches none of them. A date that cannot be read gives ``None``: the
caller reports the field missing, it never guesses.

Formats (``ParsedDate.format``):

======================  ====================================================
``day_month_year``      ``17 May 2019, 18:17`` / ``16 марта 2015, 18:17``
``time_day_month``      ``18:09, 27 April 2023`` / ``09:00, 6 февраля 2023``
``month_day_year``      ``March 09, 2019 09:28`` / ``Apr 19 2014, 20:44`` /
                        ``May 17, 2019 at 05:00 pm MSK`` (12-hour, cross-reference)
``time_slash_numeric``  ``10:57 / 10.01.2026`` (RU mobile)
``time_numeric``        ``22:58 30.08.2025`` (RU related-article blocks)
``numeric_time``        ``30.08.2025, 22:58``
``numeric_slash``       ``2/12/2026, 2:20 PM`` (month first beside a 12-hour clock),
                        ``12/02/2026 14:20`` (day first)
``rfc822``              ``Fri, 30 Jan 2026 18:42:00 +0300`` (RSS; explicit offset)
``iso8601``             ``2023-04-27T18:09:00+03:00`` (``<time datetime>``, JSON-LD)
``dateparser``          anything else dateparser reads with day, month, year and a time
``day_heading``         a listing grouped by day: the day heading's text and the item's
                        time, joined by a space (``12 February 2026 18:40``,
                        ``12.02.2026 07:05``; :func:`read_day`, :func:`read_time`, :func:`at_time`)
======================  ====================================================
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from knotcrawl.moscow import MOSCOW, localize

__all__ = [
    "MONTHS",
    "Day",
    "ParsedDate",
    "at_time",
    "find_date",
    "find_dates",
    "has_time",
    "is_relative_date",
    "read_date",
    "read_day",
    "read_time",
    "without_leading_date",
]

_EN_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_RU_GENITIVE = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
]
_RU_NOMINATIVE = [
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
]

MONTHS: dict[str, int] = {}
for _i, _names in enumerate(zip(_EN_MONTHS, _RU_GENITIVE, _RU_NOMINATIVE, strict=True), 1):
    for _name in _names:
        MONTHS[_name] = _i
        MONTHS[_name[:3]] = _i
MONTHS.update({"sept": 9, "сент": 9, "июн": 6, "июл": 7, "мая": 5, "май": 5})

_MONTH = "(?P<mon>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_TIME = r"(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?"
_AMPM = r"(?:\s*(?P<ampm>[ap])\.?\s?m\b\.?)?"
_YEAR = r"(?P<y>(?:19|20)\d{2})"
_DAY = r"(?P<d>\d{1,2})"
# What a page prints between a date and its time: a comma, or a redesign's middle dot, bullet,
# bar or dash ("Feb 12, 2026 · 14:05", "27.04.2023 | 18:09").
_SEP = r"[,·•|—–-]"

# Lookaheads for the two formats that start with a word (a month, a weekday): a class of the
# characters such a match can start with (re.IGNORECASE applies to it as to the words), so a
# scan rejects every other position in one step instead of trying each of the ~50 month or 7
# weekday names there. They change no match (checked over every code point); month_day_year
# took 34 µs over the 100 characters around a time in a cross-reference line, now 13.
_MONTH_START = "(?=[" + "".join(sorted({name[0] for name in MONTHS})) + "])"
_RFC822_START = r"(?=[mtwfs\d])"

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        (
            "rfc822",
            _RFC822_START
            + r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s*)?"
            + _DAY
            + r"\s+"
            + _MONTH
            + r"\s+"
            + _YEAR
            + r"\s+"
            + r"(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?\s*"
            + r"(?P<tz>[+-]\d{2}:?\d{2}|GMT|UTC|UT|Z|MSK|MSD)",
        ),
        (
            "iso8601",
            r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})[T ]"
            r"(?P<H>\d{2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?"
            r"(?P<tz>Z|[+-]\d{2}:?\d{2})?",
        ),
        (
            "time_day_month",
            _TIME
            + _AMPM
            + r"\s*"
            + _SEP
            + r"?\s+"
            + _DAY
            + r"\s+"
            + _MONTH
            + r",?\s+"
            + _YEAR
            + r"(?:\s*(?:г\.|года?))?",
        ),
        (
            "day_month_year",
            _DAY + r"\s+" + _MONTH + r",?\s+" + _YEAR + r"(?:\s*(?:г\.|года?))?"
            r"\s*(?:"
            + _SEP
            + r"|;)?\s*(?:(?:в|at)\s+)?"
            + _TIME
            + _AMPM
            + r"(?:\s+(?P<msk>MSK|МСК))?",
        ),
        (
            "month_day_year",
            _MONTH_START
            + _MONTH
            + r"\s+"
            + _DAY
            + r",?\s+"
            + _YEAR
            + r"\s*"
            + _SEP
            + r"?\s*(?:at\s+)?"
            + _TIME
            + _AMPM
            + r"(?:\s+(?P<msk>MSK|МСК))?",
        ),
        (
            "time_slash_numeric",
            _TIME + r"\s*/\s*" + _DAY + r"\.(?P<m>\d{1,2})\.(?P<y>\d{4})",
        ),
        (
            "time_numeric",
            _TIME + r"\s*" + _SEP + r"?\s+" + _DAY + r"\.(?P<m>\d{1,2})\.(?P<y>\d{4})",
        ),
        (
            "numeric_time",
            _DAY + r"\.(?P<m>\d{1,2})\.(?P<y>\d{4})\s*(?:" + _SEP + r"|/)?\s*(?:в\s+)?" + _TIME,
        ),
        (
            # "2/12/2026, 2:20 PM" (ICU's en-US), "12/02/2026 14:20" (en-GB): which number is
            # the month is told by the clock (_build).
            "numeric_slash",
            r"(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4})\s*"
            + _SEP
            + r"?\s*(?:at\s+|в\s+)?"
            + _TIME
            + _AMPM,
        ),
    )
)
# The formats a whole text may be in, by whether it ends in a zone (rfc822 is first: only
# such a text can be one) and whether it holds a slash (numeric_slash is last: only such).
_FULL_PATTERNS = {
    (zone, slash): _PATTERNS[0 if zone else 1 : None if slash else -1]
    for zone in (False, True)
    for slash in (False, True)
}
_STRIP = " \t\r\n\xa0|•·-—–,;"
_LEADING_ON = re.compile(r"^(?:on|published|опубликовано)\s*:?\s+", re.IGNORECASE)
_TZ_NAMES = {"GMT": 0, "UTC": 0, "UT": 0, "Z": 0}
_HAS_YEAR = re.compile(r"(?:19|20)\d{2}")
_HAS_TIME = re.compile(r"\d{1,2}:\d{2}")
_ZONE_LAST = frozenset("TtCcZzKkDd\u212a")  # \u212a: the Kelvin sign, which IGNORECASE takes for k
_WINDOW = 48  # characters around a time that a date in any known format can span


@dataclass(frozen=True, slots=True)
class ParsedDate:
    """A date read from the page: the instant, the text as shown, the format's name."""

    moment: datetime
    raw: str
    format: str


def _build(name: str, m: re.Match[str]) -> datetime | None:
    g = m.groupdict()
    try:
        year = int(g["y"])
        if name == "numeric_slash":
            month, day = _slash_order(int(g["a"]), int(g["b"]), bool(g["ampm"]))
        else:
            month = MONTHS[g["mon"].lower()] if g.get("mon") else int(g["m"])
            day = int(g["d"])
        hour = int(g["H"])
        minute = int(g["M"])
        second = int(g["S"]) if g.get("S") else 0
        ampm = g.get("ampm")
        if ampm:
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if ampm.lower() == "p" else 0)
        if not 1990 <= year <= 2100:
            return None
        naive = datetime(year, month, day, hour, minute, second)
    except (ValueError, KeyError, TypeError):
        return None
    tz = g.get("tz")
    if tz:
        tz_up = tz.upper()
        if tz_up in ("MSK", "MSD"):
            return localize(naive)
        if tz_up in _TZ_NAMES:
            return naive.replace(tzinfo=UTC)
        sign = -1 if tz[0] == "-" else 1
        digits = tz[1:].replace(":", "")
        try:
            offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:4]))
        except ValueError:
            return None
        return naive.replace(tzinfo=timezone(sign * offset))
    return localize(naive)


def _slash_order(first: int, second: int, twelve_hour: bool) -> tuple[int, int]:
    """``(month, day)`` of a date printed with slashes: month first beside a 12-hour clock
    (the United States' order, ICU's ``2/12/2026, 2:20 PM``), day first beside a 24-hour one
    (``12/02/2026 14:20``, as the site's dotted dates), unless that month cannot be."""
    month, day = (first, second) if twelve_hour else (second, first)
    return (day, month) if month > 12 else (month, day)


def read_date(text: str | None) -> ParsedDate | None:
    """Read ``text`` as one date (the whole text, give or take punctuation), else ``None``."""
    if not text:
        return None
    raw = text.strip(_STRIP)
    if not raw or len(raw) > 80 or ":" not in raw:
        return None
    body = _LEADING_ON.sub("", raw)
    parsed, shaped = _fullmatch(body)
    if parsed is not None:
        return parsed
    # A known format with impossible values (month 13, 25:00) is unreadable, not a guess.
    return None if shaped else _dateparser_fallback(body)


def _fullmatch(body: str) -> tuple[ParsedDate | None, bool]:
    """The whole of ``body`` in a known format: ``(date, False)``; ``(None, True)`` when a
    format matched but its values are impossible; ``(None, False)`` otherwise."""
    shaped = False
    if body[:1].isalpha() and (m := _LEADING_WEEKDAY.match(body)) is not None:
        # A weekday before the date ("среда, 4 марта 2026, 11:05"): part of the date's text.
        parsed, shaped = _fullmatch(body[m.end() :])
        if parsed is not None:
            return ParsedDate(parsed.moment, body, parsed.format), False
        return None, shaped
    # rfc822 ends in a zone: a letter of GMT/UTC/Z/MSK/MSD or an offset's digits (its sign
    # five or six characters from the end). Without one it cannot match: skip it.
    last = body[-1:]
    rfc822 = last in _ZONE_LAST or (last.isdigit() and ("+" in body[-6:] or "-" in body[-6:]))
    for name, pattern in _FULL_PATTERNS[rfc822, "/" in body]:
        m = pattern.fullmatch(body)
        if m is not None:
            moment = _build(name, m)
            if moment is not None:
                return ParsedDate(moment, body, name), False
            shaped = True
    return None, shaped


def find_dates(text: str | None) -> list[ParsedDate]:
    """Every known-format date inside a longer text, in order (no dateparser here)."""
    if not text or ":" not in text or _HAS_TIME.search(text) is None:
        return []
    stripped = text.strip(_STRIP)
    if len(stripped) < 60:
        whole, _shaped = _fullmatch(stripped)
        if whole is not None:  # the common case: a text node that is just the date
            return [whole]
    found: list[tuple[int, int, ParsedDate]] = []
    seen: set[tuple[int, int]] = set()
    # Every format holds a time: look only around each "HH:MM" (long texts stay cheap).
    patterns = _PATTERNS if "/" in text else _PATTERNS[:-1]
    for anchor in _HAS_TIME.finditer(text):
        lo = max(0, anchor.start() - _WINDOW)
        hi = min(len(text), anchor.end() + _WINDOW)
        for name, pattern in patterns:
            for m in pattern.finditer(text, lo, hi):
                if not m.start() <= anchor.start() < m.end() or (m.start(), m.end()) in seen:
                    continue
                moment = _build(name, m)
                if moment is not None:
                    seen.add((m.start(), m.end()))
                    start = m.start()
                    if start and name != "rfc822":
                        # A weekday printed before the date is part of its text.
                        before = _WEEKDAY_BEFORE.search(text, max(0, start - 16), start)
                        if before is not None:
                            start = before.start()
                    found.append(
                        (start, -(m.end() - start), ParsedDate(moment, text[start : m.end()], name))
                    )
    found.sort(key=lambda item: (item[0], item[1]))
    result: list[ParsedDate] = []
    end = -1
    for start, neg_len, parsed in found:
        if start >= end:
            result.append(parsed)
            end = start - neg_len
    return result


def has_time(text: str | None) -> bool:
    """Whether ``text`` shows a time of day (``18:40``) anywhere: a date in any known format
    holds one, and so does an item of a listing grouped by day."""
    if not text or ":" not in text:
        return False
    return _HAS_TIME.search(text) is not None


def find_date(text: str | None) -> ParsedDate | None:
    """The first known-format date inside ``text``."""
    dates = find_dates(text)
    return dates[0] if dates else None


_AFTER_DATE = " \t\xa0|•·-—–,;:"


def without_leading_date(text: str) -> str:
    """``text`` without the date and time it starts with, if what follows is more text: the
    RU mobile page sets the date and the title in one line with nothing between them
    (``10:57 / 10.01.2026Акция протеста …``, SITE.md §3.4), so a markup that puts both in
    one element gives the date as the title's first words. A title never starts with a date
    and a time; one that starts with a number (``10 detained``) has no date there and stays."""
    if not text[:1].isdigit():
        return text
    first = find_date(text[: _WINDOW * 2])
    if first is None or not text.startswith(first.raw):
        return text
    return text[len(first.raw) :].lstrip(_AFTER_DATE) or text


# A date told relative to the reader's clock ("15 минут назад", "вчера, 10:30", "2 hours ago"),
# which no page object can turn into an instant, and a view or comment counter printed after it.
_RELATIVE_DATE = re.compile(
    r"(?:(?:\d+|одну|один|две|пару)\s+(?:секунд|минут|час|дн|день|недел)\w*\s+назад"
    r"|(?:\d+|an?|one)\s+(?:second|minute|min|hour|hr|day|week)s?\s+ago"
    r"|только\s+что|just\s+now|позавчера|вчера|сегодня|yesterday|today)"
    r"(?:\s*,?\s*(?:в|at)?\s*\d{1,2}:\d{2})?\s*\d*",
    re.IGNORECASE,
)


def is_relative_date(text: str) -> bool:
    """Whether ``text`` is only a relative date (and a counter glued after it)."""
    return len(text) < 60 and _RELATIVE_DATE.fullmatch(text) is not None


_DATEPARSER: Any = None


def _dateparser_fallback(text: str) -> ParsedDate | None:
    """dateparser for a format not in the table; only text with a year and a time."""
    if not (_HAS_YEAR.search(text) and _HAS_TIME.search(text)):
        return None
    global _DATEPARSER
    if _DATEPARSER is None:
        import dateparser

        _DATEPARSER = dateparser
    try:
        parsed = _DATEPARSER.parse(
            text,
            languages=["en", "ru"],
            settings={
                "REQUIRE_PARTS": ["day", "month", "year"],
                "RETURN_AS_TIMEZONE_AWARE": False,
                "PREFER_DATES_FROM": "past",
                "STRICT_PARSING": True,
                "DATE_ORDER": "DMY",
                # Absolute dates only: its relative-time parser reads "вчера", "2 hours
                # ago" from the clock of the machine that parses (a guess), and a counter
                # glued to the time ("10:302044") then passes for the year.
                "PARSERS": ["custom-formats", "absolute-time"],
            },
        )
    except Exception:  # dateparser raises assorted errors on odd input
        return None
    if parsed is None or not 1990 <= parsed.year <= 2100:
        return None
    if parsed.tzinfo is not None:
        return ParsedDate(parsed, text, "dateparser")
    return ParsedDate(localize(parsed), text, "dateparser")


# Listings grouped by day: a heading names the day ("12 February 2026", "12 февраля 2026",
# "12.02.2026", "Wednesday, 11 February 2026", "Сегодня") and its items show only a time.
_WEEKDAY = (
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun"
    r"|понедельник|вторник|среда|четверг|пятница|суббота|воскресенье|пн|вт|ср|чт|пт|сб|вс)\.?"
)
# A weekday before a date and its time ("Wednesday, 04 March 2026 14:20", "среда, 4 марта 2026,
# 11:05"): the whole is the date's text.
_LEADING_WEEKDAY = re.compile(_WEEKDAY + r"\s*,?\s+(?=\d)", re.IGNORECASE)
_WEEKDAY_BEFORE = re.compile(r"(?<!\w)" + _WEEKDAY + r"\s*,?\s+\Z", re.IGNORECASE)
_DAY_YEAR = r"(?:\s*(?:г\.|года?))?"
_DAY_PATTERN = re.compile(
    r"(?:"
    + _WEEKDAY
    + r"\s*,?\s+)?(?:"
    + _DAY
    + r"\s+"
    + _MONTH
    + r"(?:,?\s+"
    + _YEAR
    + _DAY_YEAR
    + r")?"
    + r"|"
    + _MONTH.replace("<mon>", "<mon2>")
    + r"\s+(?P<d2>\d{1,2})(?:,?\s+(?P<y2>(?:19|20)\d{2}))?"
    + r"|(?P<d3>\d{1,2})\.(?P<m3>\d{1,2})\.(?P<y3>(?:19|20)\d{2})"
    + r"|(?P<y4>(?:19|20)\d{2})-(?P<m4>\d{2})-(?P<d4>\d{2})"
    + r")(?:\s*,?\s+"
    + _WEEKDAY
    + r")?",
    re.IGNORECASE,
)
# A day the heading names without its date: today, yesterday (the parsing machine's clock is
# no source for it, as for relative dates).
# The count of the day's items printed after a day heading ("12 February 2026 (14)"): no part
# of the day.
_DAY_COUNT = re.compile(r"\s*[(\[]\d{1,4}[)\]]$")
_RELATIVE_DAY = frozenset({"today", "yesterday", "сегодня", "вчера", "позавчера"})
_BARE_TIME = re.compile(r"(?P<H>\d{1,2}):(?P<M>\d{2})")


@dataclass(frozen=True, slots=True)
class Day:
    """A listing's day heading: the day it names (``None`` when it names none that can be
    read without a clock: "Today", or "12 February" without its year) and its text as shown."""

    day: date | None
    raw: str


def read_day(text: str | None) -> Day | None:
    """Read ``text`` as a day heading (the whole text a date without a time, or a relative
    day, perhaps with the count of its items after it: ``12 February 2026 (14)``), else
    ``None``. The count is no part of the day's text (``Day.raw``)."""
    if not text or len(text) > 48 or ":" in text:
        return None
    raw = " ".join(text.split()).strip(_STRIP)
    if raw[-1:] in ")]":
        raw = _DAY_COUNT.sub("", raw).strip(_STRIP)
    if not raw:
        return None
    if raw.lower() in _RELATIVE_DAY:
        return Day(None, raw)
    if not any(ch.isdigit() for ch in raw):
        return None
    m = _DAY_PATTERN.fullmatch(raw)
    if m is None:
        return None
    g = m.groupdict()
    try:
        if g["y4"]:
            year, month, day = int(g["y4"]), int(g["m4"]), int(g["d4"])
        elif g["y3"]:
            year, month, day = int(g["y3"]), int(g["m3"]), int(g["d3"])
        elif g["y"]:
            year, month, day = int(g["y"]), MONTHS[g["mon"].lower()], int(g["d"])
        elif g["y2"]:
            year, month, day = int(g["y2"]), MONTHS[g["mon2"].lower()], int(g["d2"])
        else:
            return Day(None, raw)  # a day and a month: which year is not printed
        return Day(date(year, month, day), raw) if 1990 <= year <= 2100 else None
    except (ValueError, KeyError):
        return None


def read_time(text: str | None) -> str | None:
    """The time of day that ``text`` is, alone (``18:40``), as shown; else ``None``."""
    if not text or len(text) > 12:
        return None
    raw = text.strip(_STRIP)
    m = _BARE_TIME.fullmatch(raw)
    if m is None or int(m["H"]) > 23 or int(m["M"]) > 59:
        return None
    return raw


def at_time(day: Day, time_raw: str, moment: datetime | None = None) -> ParsedDate | None:
    """An item of a listing grouped by day: its day from the heading, its time as shown
    (Moscow wall clock, as every time the site prints). ``moment``: the instant the item's
    markup states (``<time datetime>``), which wins over the wall clock; its text is still
    the heading's and the time's."""
    raw = f"{day.raw} {time_raw}"
    if moment is not None:
        return ParsedDate(moment, raw, "day_heading")
    m = _BARE_TIME.fullmatch(time_raw)
    if day.day is None or m is None:
        return None
    naive = datetime(day.day.year, day.day.month, day.day.day, int(m["H"]), int(m["M"]))
    return ParsedDate(localize(naive), raw, "day_heading")


_ISO_DAY = re.compile(r"\s*(?P<y>\d{4})-(?P<m>\d{2})(?:-(?P<d>\d{2}))?\s*")


def read_shown_date(shown: str | None, stated: str | None) -> ParsedDate | None:
    """The date a ``<time>`` element shows (``shown``, its text), read with its ``datetime``
    (``stated``) when that names only a day (``2026-03-05``): the day is the attribute's,
    the time of day the text's, and the text stays ``raw``. A US theme prints ``3/5/2026 2:20
    PM``, which the site's day-first reading takes for 3 May; the attribute is unambiguous.
    An attribute naming only a month (``2026-02``) tells which number of a date printed
    with slashes is the month (``2/12/2026 14:20``: 12 February, not 2 December)."""
    parsed = read_date(shown)
    if parsed is None or not stated or (m := _ISO_DAY.fullmatch(stated)) is None:
        return parsed
    wall = parsed.moment.astimezone(MOSCOW)
    try:
        if m["d"] is not None:
            day = date(int(m["y"]), int(m["m"]), int(m["d"]))
        elif parsed.format == "numeric_slash" and wall.month != int(m["m"]) == wall.day:
            day = date(wall.year, wall.day, wall.month)  # the other order
        else:
            return parsed
    except ValueError:
        return parsed
    if wall.date() == day:
        return parsed
    return ParsedDate(localize(datetime.combine(day, wall.time())), parsed.raw, parsed.format)
