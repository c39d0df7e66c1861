"""The archive's statistics (``knotcrawl stats``) and the articles-per-month chart."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from knotcrawl.db import queries
from knotcrawl.db.queries import Filters
from knotcrawl.errors import KnotcrawlError, OutputFailed, UsageError
from knotcrawl.files import reason
from knotcrawl.hosts import EDITIONS

EDITION_NAMES = {"en": "English", "ru": "Russian"}
EDITION_COLORS = {"en": "#1f77b4", "ru": "#d62728"}


def gather(
    engine: Engine,
    filters: Filters | None = None,
    *,
    top: int = 10,
    runs: int = 5,
    errors: int | None = 5,
) -> dict[str, Any]:
    """Everything ``knotcrawl stats`` shows, as plain JSON-ready values (``errors``: how many
    open crawl errors to list, newest first; ``None``: all)."""
    filters = filters or Filters()
    return {
        "totals": queries.totals(engine, filters),
        "per_month": _dense_months(queries.monthly_counts(engine, filters), filters),
        "top_authors": [
            {"author": v, "articles": n}
            for v, n in queries.top_values(engine, "author", filters, limit=top)
        ],
        "top_sections": [
            {"section": v, "articles": n}
            for v, n in queries.top_values(engine, "section", filters, limit=top)
        ],
        "top_sources": [
            {"source": v, "articles": n}
            for v, n in queries.top_values(engine, "source", filters, limit=top)
        ],
        "crawl": queries.crawl_health(engine, runs=runs, errors=errors),
    }


Period = tuple[str | None, str | None]


def _dense_months(monthly: list[tuple[str, str, int]], filters: Filters) -> list[dict[str, Any]]:
    """``{"month", "edition", "articles"}`` for every month of :func:`month_table` and both
    editions (or ``--edition``'s): a month or an edition without articles is there with 0, as
    in the table and ``kc.per_month()`` (a series with gaps would read as months never
    counted, and a filter that leaves no English article would drop the ``en`` key)."""
    editions = {filters.edition} if filters.edition else set(EDITIONS)
    sparse = [{"month": mo, "edition": ed, "articles": n} for mo, ed, n in monthly]
    return [
        {"month": month, "edition": edition, "articles": count}
        for month, en, ru, _ in month_table(sparse, asked_period(filters))
        for edition, count in (("en", en), ("ru", ru))
        if edition in editions
    ]


def month_table(
    per_month: list[dict[str, Any]], period: Period = (None, None)
) -> list[tuple[str, int, int, int]]:
    """``(month, en, ru, total)`` rows, every month of ``period`` (:func:`asked_period`)
    and every month from the first to the last present."""
    by_month: dict[str, dict[str, int]] = defaultdict(dict)
    for item in per_month:
        by_month[item["month"]][item["edition"]] = item["articles"]
    rows = []
    for month in month_range(sorted(by_month), period):
        counts = by_month.get(month, {})
        en, ru = counts.get("en", 0), counts.get("ru", 0)
        rows.append((month, en, ru, en + ru))
    return rows


def asked_period(filters: Filters, now: datetime | None = None) -> Period:
    """The months (``YYYY-MM``, UTC) that ``--since``/``--until`` ask about: a table of
    "since 2024-01" starts in January 2024 even if the first article came in March, so an
    empty month at the edge shows as 0 rather than not at all. Without ``--until`` the period
    runs to the current month, and never past it (``--until 2030`` draws no future months);
    with neither bound there is no asked period, only the archive's own span."""
    if filters.since is None and filters.until is None:
        return (None, None)
    current = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m")
    first = filters.since.astimezone(UTC).strftime("%Y-%m") if filters.since else None
    # until is an exclusive bound: --until 2019-05 is 2019-06-01T00:00Z, whose month is out
    last = (
        (filters.until.astimezone(UTC) - timedelta(microseconds=1)).strftime("%Y-%m")
        if filters.until
        else current
    )
    return (first, min(last, current))


def month_range(months: list[str], period: Period = (None, None)) -> list[str]:
    """Every month (``YYYY-MM``) from the first to the last of the sorted ``months``,
    widened to ``period``'s first and last months where given."""
    lo, hi = period
    firsts = [m for m in (lo, months[0] if months else None) if m]
    lasts = [m for m in (hi, months[-1] if months else None) if m]
    if not firsts or not lasts:
        return []
    first, last = min(firsts), max(lasts)
    year, month = (int(p) for p in first.split("-"))
    end = tuple(int(p) for p in last.split("-"))
    out = []
    while (year, month) <= end:
        out.append(f"{year:04d}-{month:02d}")
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return out


PLOT_FORMATS = ("png", "svg", "pdf")


def plot_format(target: str) -> str:
    """The image format of ``--plot TARGET``: its suffix (``-`` and no suffix: PNG)."""
    suffix = Path(target).suffix.lower().lstrip(".")
    if target == "-" or not suffix:
        return "png"
    if suffix not in PLOT_FORMATS:
        raise UsageError(f"--plot {target}: cannot draw .{suffix} (use a .png, .svg or .pdf name)")
    return suffix


def plot_monthly(
    per_month: list[dict[str, Any]],
    target: str,
    *,
    subtitle: str | None = None,
    period: Period = (None, None),
) -> int:
    """Draw articles per month per edition to ``target`` (written atomically), as PNG, SVG
    or PDF by its suffix (:func:`plot_format`); ``subtitle`` says which articles (the filters),
    ``period`` which months at least (:func:`asked_period`).

    Returns the number of months drawn."""
    fmt = plot_format(target)
    import matplotlib.pyplot as plt

    from knotcrawl.analysis.export import atomic_output

    fig = draw_monthly(per_month, subtitle=subtitle, period=period)
    try:
        try:
            with atomic_output(target) as out:
                fig.savefig(out, format=fmt)
        except BrokenPipeError:
            raise  # `--plot - | head -c 8`: the reader left, the quiet end of every command
        except OSError as exc:  # a full disk, a quota: one line, and no partial file is left
            if target == "-":  # said as every command says it of its standard output
                raise OutputFailed(f"writing standard output: {reason(exc)}") from None
            raise KnotcrawlError(f"--plot {target}: cannot write it ({reason(exc)})") from None
    finally:
        plt.close(fig)
    return len(month_table(per_month, period))


# Up to this many months the x axis has a tick per month (or per quarter...) and never a day
# tick: the points are months, and a tick on the 8th or the 15th would mean nothing.
MONTH_TICKS_UP_TO = 36


def draw_monthly(
    per_month: list[dict[str, Any]], *, subtitle: str | None = None, period: Period = (None, None)
) -> Any:
    """The matplotlib figure of :func:`plot_monthly` (the caller closes it)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    rows = month_table(per_month, period)
    months = mdates.date2num([datetime.strptime(r[0], "%Y-%m") for r in rows])
    fig, ax = plt.subplots(figsize=(11, 5.5), dpi=100, layout="constrained")
    # The editions with articles: per_month lists both with zeros, but a line for an edition
    # the filters left out (--has-original: no Russian article) would only crowd the legend.
    editions = sorted({item["edition"] for item in per_month if item["articles"]}) or ["en", "ru"]
    for edition in editions:
        index = 1 if edition == "en" else 2
        values = [r[index] for r in rows]
        # An edition's line starts at its first article (no zeros before it existed), or at
        # the first month asked for (--since): that period's empty months are data too.
        first = next((i for i, v in enumerate(values) if v), len(values))
        start = 0 if period[0] is not None else first
        ax.plot(
            months[start:],
            values[start:],
            label=f"{EDITION_NAMES.get(edition, edition)} ({edition})",
            color=EDITION_COLORS.get(edition),
            linewidth=1.6,
            marker="o" if len(rows) <= 36 else None,
            markersize=3,
        )
    title = "Caucasian Knot: articles published per month"
    if subtitle:
        fig.suptitle(title, fontsize=14)
        ax.set_title(subtitle, fontsize=10)
    else:
        ax.set_title(title, fontsize=14)
    ax.set_xlabel("Month of publication (UTC)")
    ax.set_ylabel("Articles per month")
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts: no 0.5 articles
    if len(rows) <= MONTH_TICKS_UP_TO:
        # Every month, every other or every quarter, always with January among them: the
        # concise labels name the year at January (and once below the axis).
        step = max(1, -(-len(rows) // 12))
        locator: Any = mdates.MonthLocator(bymonth=range(1, 13, step))
    else:
        locator = mdates.AutoDateLocator(minticks=4, maxticks=12)
    ax.xaxis.set_major_locator(locator)
    if len(rows) == 1:  # one month: the concise labels would read its day and hour
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    else:
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.grid(True, alpha=0.3)
    if not rows:
        ax.text(0.5, 0.5, "no articles", transform=ax.transAxes, ha="center", va="center")
        # No dates to show: matplotlib would label the empty axis with 1970.
        ax.tick_params(axis="x", bottom=False, labelbottom=False)
    else:
        if len(rows) == 1:  # one point: half a month either side, not matplotlib's ±2 days
            ax.set_xlim(months[0] - 15, months[0] + 15)
        ax.legend(title="Edition", loc="upper left")
    return fig
