"""The date reader: every format of SITE.md §6, Moscow time by the zone rules of the date."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knotcrawl.moscow import MOSCOW, local_iso, utc_iso
from knotcrawl.pages.dates import (
    at_time,
    find_date,
    find_dates,
    read_date,
    read_day,
    read_shown_date,
    read_time,
)

EN = "January February March April May June July August September October November December"
EN_MONTHS = EN.split()
RU_GENITIVE = [
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


@pytest.mark.parametrize(
    ("text", "utc", "local", "fmt"),
    [
        (
            "19 September 2018, 19:05",
            "2018-09-19T16:05:00Z",
            "2018-09-19T19:05:00+03:00",
            "day_month_year",
        ),
        (
            "05 June 2017, 09:05",
            "2017-06-05T06:05:00Z",
            "2017-06-05T09:05:00+03:00",
            "day_month_year",
        ),
        (
            "18:09, 27 April 2023",
            "2023-04-27T15:09:00Z",
            "2023-04-27T18:09:00+03:00",
            "time_day_month",
        ),
        (
            "21:00, 5 February 2010",
            "2010-02-05T18:00:00Z",
            "2010-02-05T21:00:00+03:00",
            "time_day_month",
        ),
        (
            "September 21, 2018 21:48",
            "2018-09-21T18:48:00Z",
            "2018-09-21T21:48:00+03:00",
            "month_day_year",
        ),
        (
            "March 09, 2019 09:28",
            "2019-03-09T06:28:00Z",
            "2019-03-09T09:28:00+03:00",
            "month_day_year",
        ),
        (
            "00:59, 9 January 2026",
            "2026-01-08T21:59:00Z",
            "2026-01-09T00:59:00+03:00",
            "time_day_month",
        ),
        (
            "November 23, 2018 at 08:56 pm MSK",
            "2018-11-23T17:56:00Z",
            "2018-11-23T20:56:00+03:00",
            "month_day_year",
        ),
        (
            "on December 16, 2021 at 11:46 am MSK",
            "2021-12-16T08:46:00Z",
            "2021-12-16T11:46:00+03:00",
            "month_day_year",
        ),
        (
            "May 17, 2019 at 12:05 am MSK",
            "2019-05-16T21:05:00Z",
            "2019-05-17T00:05:00+03:00",
            "month_day_year",
        ),
        (
            "May 17, 2019 at 12:05 pm MSK",
            "2019-05-17T09:05:00Z",
            "2019-05-17T12:05:00+03:00",
            "month_day_year",
        ),
        (
            "Apr 19 2014, 20:44",
            "2014-04-19T16:44:00Z",
            "2014-04-19T20:44:00+04:00",
            "month_day_year",
        ),
        (
            "09:00, 6 февраля 2023",
            "2023-02-06T06:00:00Z",
            "2023-02-06T09:00:00+03:00",
            "time_day_month",
        ),
        (
            "01:59, 18 мая 2002",
            "2002-05-17T21:59:00Z",
            "2002-05-18T01:59:00+04:00",
            "time_day_month",
        ),
        (
            "16:12, 16 июня 2011",
            "2011-06-16T12:12:00Z",
            "2011-06-16T16:12:00+04:00",
            "time_day_month",
        ),
        (
            "16 марта 2015, 18:17",
            "2015-03-16T15:17:00Z",
            "2015-03-16T18:17:00+03:00",
            "day_month_year",
        ),
        (
            "10:00 / 04.10.2018",
            "2018-10-04T07:00:00Z",
            "2018-10-04T10:00:00+03:00",
            "time_slash_numeric",
        ),
        (
            "10:57 / 10.01.2026",
            "2026-01-10T07:57:00Z",
            "2026-01-10T10:57:00+03:00",
            "time_slash_numeric",
        ),
        ("22:58 30.08.2025", "2025-08-30T19:58:00Z", "2025-08-30T22:58:00+03:00", "time_numeric"),
        (
            "Fri, 30 Jan 2026 18:42:00 +0300",
            "2026-01-30T15:42:00Z",
            "2026-01-30T18:42:00+03:00",
            "rfc822",
        ),
        (
            "2023-04-27T18:09:00+03:00",
            "2023-04-27T15:09:00Z",
            "2023-04-27T18:09:00+03:00",
            "iso8601",
        ),
        ("2010-07-01T12:00:00", "2010-07-01T08:00:00Z", "2010-07-01T12:00:00+04:00", "iso8601"),
        (
            "12:00, 1 January 2010",
            "2010-01-01T09:00:00Z",
            "2010-01-01T12:00:00+03:00",
            "time_day_month",
        ),
        # 02:30 never happened in Moscow on 28 March 2010 (02:00 became 03:00): the offset
        # before the change gives the instant, and the Moscow time is that instant's.
        (
            "28 March 2010, 02:30",
            "2010-03-27T23:30:00Z",
            "2010-03-28T03:30:00+04:00",
            "day_month_year",
        ),
        # 02:30 happened twice on 31 October 2010: the first (summer time) is taken.
        (
            "02:30, 31 октября 2010",
            "2010-10-30T22:30:00Z",
            "2010-10-31T02:30:00+04:00",
            "time_day_month",
        ),
    ],
)
def test_known_format(text: str, utc: str, local: str, fmt: str) -> None:
    parsed = read_date(text)
    assert parsed is not None
    assert (utc_iso(parsed.moment), local_iso(parsed.moment), parsed.format) == (utc, local, fmt)


def test_raw_is_kept_verbatim() -> None:
    parsed = read_date("  17 May 2019, 18:17 ")
    assert parsed is not None and parsed.raw == "17 May 2019, 18:17"
    crossref = read_date("on May 17, 2019 at 05:00 pm MSK")
    assert crossref is not None and crossref.raw == "May 17, 2019 at 05:00 pm MSK"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello",
        "32 May 2019, 18:17",
        "25:00, 1 May 2019",
        "May 2019",
        "17 May 2019",
        "13:61, 1 May 2019",
        "10:57 / 10.13.2026",
        "00:00 am",
        "Author: Oleg Krasnov",
    ],
)
def test_unreadable_is_none(text: str) -> None:
    assert read_date(text) is None


def test_dateparser_fallback_reads_other_formats() -> None:
    parsed = read_date("17-05-2019 18:17")
    assert parsed is not None
    assert utc_iso(parsed.moment) == "2019-05-17T15:17:00Z"
    assert parsed.format == "dateparser"


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        # a 12-hour clock prints the United States' order, month first (ICU's en-US)
        ("2/12/2026, 2:20\u202fPM", "2026-02-12T11:20:00Z"),
        # a 24-hour clock: day first, as the site's dotted dates
        ("12/02/2026 14:20", "2026-02-12T11:20:00Z"),
        # a first number that cannot be the month is the day, whatever the clock
        ("13/02/2026 2:20 PM", "2026-02-13T11:20:00Z"),
    ],
)
def test_dates_with_slashes_take_their_order_from_the_clock(text: str, utc: str) -> None:
    parsed = find_date(f"Published {text} by the desk")
    assert parsed is not None and (parsed.raw, utc_iso(parsed.moment)) == (text, utc)


def test_a_month_only_datetime_tells_which_number_is_the_month() -> None:
    parsed = read_shown_date("2/12/2026 14:20", "2026-02")
    assert parsed is not None and utc_iso(parsed.moment) == "2026-02-12T11:20:00Z"


@pytest.mark.parametrize(
    ("text", "raw"),
    [
        ("Friday 17 May 2019 18:17", "Friday 17 May 2019 18:17"),
        ("среда, 4 марта 2026, 11:05", "среда, 4 марта 2026, 11:05"),
        ("Published: Wednesday, 04 March 2026 14:20", "Wednesday, 04 March 2026 14:20"),
    ],
)
def test_a_weekday_before_the_date_is_part_of_its_text(text: str, raw: str) -> None:
    """A weekday printed before the date (Joomla's and Drupal's formats) is read by the known
    formats, not dateparser, and belongs to the text as shown."""
    assert [d.raw for d in find_dates(text)] == [raw]
    parsed = read_date(raw)
    assert parsed is not None and parsed.raw == raw and parsed.format == "day_month_year"


def test_find_date_in_glued_text() -> None:
    parsed = find_date("10:57 / 10.01.2026Снегопад закрыл движение")
    assert parsed is not None and parsed.raw == "10:57 / 10.01.2026"
    assert [d.raw for d in find_dates("a 17 May 2019, 18:17 b March 09, 2019 09:28")] == [
        "17 May 2019, 18:17",
        "March 09, 2019 09:28",
    ]


def _h12(t: datetime) -> str:
    return f"{(t.hour % 12) or 12:02d}:{t.minute:02d} {'am' if t.hour < 12 else 'pm'}"


RENDERERS: dict[str, Callable[[datetime], str]] = {
    "en_classic": lambda t: f"{t.day:02d} {EN_MONTHS[t.month - 1]} {t.year}, {t:%H:%M}",
    "en_new": lambda t: f"{t:%H:%M}, {t.day} {EN_MONTHS[t.month - 1]} {t.year}",
    "en_listing": lambda t: f"{EN_MONTHS[t.month - 1]} {t.day:02d}, {t.year} {t:%H:%M}",
    "en_crossref": lambda t: f"{EN_MONTHS[t.month - 1]} {t.day}, {t.year} at {_h12(t)} MSK",
    "en_old": lambda t: f"{EN_MONTHS[t.month - 1][:3]} {t.day:02d} {t.year}, {t:%H:%M}",
    "ru_desktop": lambda t: f"{t:%H:%M}, {t.day} {RU_GENITIVE[t.month - 1]} {t.year}",
    "ru_2015": lambda t: f"{t.day} {RU_GENITIVE[t.month - 1]} {t.year}, {t:%H:%M}",
    "ru_mobile": lambda t: f"{t:%H:%M} / {t:%d.%m.%Y}",
    "ru_related": lambda t: f"{t:%H:%M} {t:%d.%m.%Y}",
    "rfc822": lambda t: format_datetime(t),
    "iso8601": lambda t: t.isoformat(),
}
EXPLICIT_OFFSET = {"rfc822", "iso8601"}

instants = st.datetimes(
    min_value=datetime(2002, 1, 1), max_value=datetime(2030, 12, 31, 23, 59)
).map(lambda t: t.replace(second=0, microsecond=0, tzinfo=UTC))


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
@settings(max_examples=300, deadline=None)
@given(instant=instants)
def test_round_trip(fmt: str, instant: datetime) -> None:
    local = instant.astimezone(MOSCOW)
    text = RENDERERS[fmt](local)
    parsed = read_date(text)
    assert parsed is not None, text
    got = parsed.moment.astimezone(UTC)
    if local.fold == 1 and fmt not in EXPLICIT_OFFSET:
        # The second pass of an autumn hour: the page's wall-clock time reads as the first.
        assert got == instant - timedelta(hours=1), text
    else:
        assert got == instant, text
    assert parsed.raw == text.strip()


@pytest.mark.parametrize(
    ("text", "raw"),
    [
        ("Feb 12, 2026 · 14:05", "Feb 12, 2026 · 14:05"),
        ("12 февраля 2026 · 14:05", "12 февраля 2026 · 14:05"),
        ("News · 12 February 2026 | 14:05", "12 February 2026 | 14:05"),
        ("14:05 | 12.02.2026", "14:05 | 12.02.2026"),
        ("12.02.2026 — 14:05", "12.02.2026 — 14:05"),
        ("14:05 — 12 февраля 2026", "14:05 — 12 февраля 2026"),
    ],
)
def test_a_redesigns_separator_between_date_and_time_is_found_in_text(text: str, raw: str) -> None:
    # A 2026 redesign may print a middle dot, a bar or a dash between the date and the time;
    # text-level search (find_dates, no dateparser) must still see the date.
    assert [d.raw for d in find_dates(text)] == [raw]


@pytest.mark.parametrize(
    "text",
    ["вчера, 10:30 2044", "вчера, 10:302044", "сегодня 2025 10:00", "2 hours ago, 2024 10:00"],
)
def test_a_relative_date_is_never_read_as_today_or_yesterday(text: str) -> None:
    # dateparser reads "вчера" relative to the clock of the parsing machine: a guess, and a
    # view counter glued to the time passes for the year.
    assert read_date(text) is None


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("12 February 2026", "2026-02-12"),
        ("12 февраля 2026", "2026-02-12"),
        ("12 февраля 2026 г.", "2026-02-12"),
        ("12.02.2026", "2026-02-12"),
        ("2026-02-12", "2026-02-12"),
        ("February 12, 2026", "2026-02-12"),
        ("Wednesday, 11 February 2026", "2026-02-11"),
        ("11 февраля 2026, среда", "2026-02-11"),
    ],
)
def test_a_day_heading_is_read_as_its_day(text: str, day: str) -> None:
    heading = read_day(text)
    assert heading is not None and heading.day is not None and heading.day.isoformat() == day


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("12 February 2026 (14)", "12 February 2026"),
        ("Среда, 4 марта 2026 [2]", "Среда, 4 марта 2026"),
    ],
)
def test_a_day_headings_count_of_items_is_no_part_of_its_day(text: str, shown: str) -> None:
    heading = read_day(text)
    assert heading is not None and heading.raw == shown


@pytest.mark.parametrize("text", ["Today", "Сегодня", "вчера", "12 February", "12 апреля"])
def test_a_day_heading_without_its_date_names_no_day(text: str) -> None:
    heading = read_day(text)
    assert heading is not None and heading.day is None


@pytest.mark.parametrize(
    "text",
    ["All news", "13 detained", "May 2026", "12 February 2026, 18:40", "2 hours ago", "31.02.2026"],
)
def test_a_text_that_is_not_a_day_is_no_day_heading(text: str) -> None:
    assert read_day(text) is None


@pytest.mark.parametrize(("text", "shown"), [("18:40", "18:40"), (" 9:05,", "9:05")])
def test_a_time_alone_is_read_as_shown(text: str, shown: str) -> None:
    assert read_time(text) == shown


@pytest.mark.parametrize("text", ["25:00", "18:40 MSK", "12.02.2026 18:40", "18:4"])
def test_a_time_with_more_or_impossible_is_no_time_alone(text: str) -> None:
    assert read_time(text) is None


def test_a_grouped_items_time_is_moscow_wall_clock_on_the_headings_day() -> None:
    heading = read_day("12 February 2026")
    assert heading is not None
    date = at_time(heading, "01:30")
    assert date is not None and (utc_iso(date.moment), date.raw) == (
        "2026-02-11T22:30:00Z",
        "12 February 2026 01:30",
    )


def test_a_grouped_item_under_a_heading_without_its_date_has_no_date() -> None:
    heading = read_day("Сегодня")
    assert heading is not None and at_time(heading, "12:30") is None
