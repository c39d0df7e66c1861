"""The page search over a date-ordered listing (``crawl --since/--until``, ``--by-id``).

The listing is ordered by date, newest first, and its page numbers drift as news arrives, so
the first page holding items older than a moment is found by a search over page numbers (each
probe is one listing page): interpolation on the dates seen so far, guarded by bisection, so
that a skewed publication rate costs at most about twice ``log2(pages)`` probes and an even
rate a handful.
"""

from __future__ import annotations

import math
from typing import Any

from knotcrawl.moscow import parse_utc_iso


def iso_timestamp(text: str) -> float:
    return parse_utc_iso(text).timestamp()


def choose_probe(lo: int, hi: int | None, points: list[list[Any]], until: float, guard: int) -> int:
    """The next page to probe.

    ``lo``: the largest page known to hold only items newer than ``until`` (0: none yet);
    ``hi``: the smallest page known to hold older items or to be past the end (None: unknown);
    ``points``: ``[page, newest_ts, oldest_ts, count]`` of every probe with dated items;
    ``guard``: probes in a row that did not halve the interval (then bisect / double).
    """
    dated = [p for p in points if p[1] is not None]
    estimate: int | None = None
    if dated:
        first = min(dated, key=lambda p: p[0])
        per_page = max(int(first[3]), 1)
        below = [p for p in dated if p[0] <= lo] or [first]
        anchor = max(below, key=lambda p: p[0])
        # Seconds per item from the widest span of positions seen.
        last = max(dated, key=lambda p: (p[0], -p[2]))
        start_pos = (first[0] - 1) * per_page
        end_pos = (last[0] - 1) * per_page + max(int(last[3]) - 1, 0)
        span = first[1] - last[2]
        if end_pos > start_pos and span > 0:
            per_item = span / (end_pos - start_pos)
            anchor_pos = (anchor[0] - 1) * per_page + max(int(anchor[3]) - 1, 0)
            steps = (anchor[2] - until) / per_item
            target_pos = anchor_pos + max(steps, 0.0) + 1
            estimate = math.floor(target_pos / per_page) + 1
    if hi is None:
        candidate = estimate if estimate is not None else max(2 * lo, lo + 1)
        candidate = max(candidate, lo + 1)
        if guard >= 1:
            candidate = max(candidate, 2 * lo)
        return candidate
    if estimate is None or guard >= 2:
        return (lo + hi) // 2
    return min(max(estimate, lo + 1), hi - 1)


def probe_step(
    state: dict[str, Any], page: int, dates: list[float], count: int, until: float
) -> tuple[dict[str, Any], int | None, int | None]:
    """One probe's answer folded into the search state (``lo``, ``hi``, ``guard``,
    ``points``). Returns the new state and either the first page holding items older than
    ``until`` (found) or the next page to probe."""
    lo, hi = int(state.get("lo", 0)), state.get("hi")
    points: list[list[Any]] = [list(p) for p in state.get("points", [])]
    if dates:
        points.append([page, max(dates), min(dates), count])
        older = min(dates) < until
    else:
        older = True  # past the end (or an undated page: treat it as the boundary)
    width = (hi - lo) if hi is not None else None
    if older:
        hi = page if hi is None else min(hi, page)
    else:
        lo = max(lo, page)
    new_width = (hi - lo) if hi is not None else None
    halved = width is not None and new_width is not None and new_width * 2 <= width
    guard = 0 if halved or (width is None and older) else int(state.get("guard", 0)) + 1
    new_state = {"lo": lo, "hi": hi, "guard": guard, "points": points}
    if hi is not None and hi - lo <= 1:
        return new_state, hi, None
    return new_state, None, choose_probe(lo, hi, points, until, guard)
