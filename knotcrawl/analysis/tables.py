"""Aligned text tables for the terminal, with no dependency.

``format_table(headers, rows)`` pads every column to its widest cell; numbers are aligned
right. With ``width`` (the terminal's), the widest text columns are cut with "…" to fit.
"""

from __future__ import annotations

import shutil
import sys
import unicodedata
from collections.abc import Sequence
from typing import Any, TextIO

ELLIPSIS = "…"


def cell_width(text: str) -> int:
    """Columns a string takes on a terminal (wide East Asian characters take two)."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def cut(text: str, width: int) -> str:
    if cell_width(text) <= width:
        return text
    if width <= 1:
        return ELLIPSIS[:width]
    out, used = [], 0
    for ch in text:
        w = cell_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + ELLIPSIS


def _text(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1 else f"{value:,.1f}"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(_text(v) for v in value)
    return " ".join(str(value).split())


def format_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    width: int | None = None,
    numeric: Sequence[bool] | None = None,
) -> str:
    """The table as lines of text (header, a rule, the rows); ``width`` caps each line."""
    cells = [[_text(v) for v in row] for row in rows]
    if numeric is None:
        numeric = [
            bool(rows)
            and all(
                isinstance(row[i], (int, float)) and not isinstance(row[i], bool)
                for row in rows
                if row[i] is not None
            )
            for i in range(len(headers))
        ]
    widths = [
        max([cell_width(h)] + [cell_width(row[i]) for row in cells]) for i, h in enumerate(headers)
    ]
    if width is not None:
        _fit(widths, [max(8, cell_width(h)) for h in headers], numeric, width)

    def line(values: Sequence[str]) -> str:
        parts = []
        for i, value in enumerate(values):
            value = cut(value, widths[i])
            pad = " " * (widths[i] - cell_width(value))
            parts.append(pad + value if numeric[i] else value + pad)
        return "  ".join(parts).rstrip()

    out = [line(list(headers)), "  ".join("-" * w for w in widths)]
    out.extend(line(row) for row in cells)
    return "\n".join(out)


def _fit(widths: list[int], floors: list[int], numeric: Sequence[bool], width: int) -> None:
    """Narrow the widest text columns, evenly, until the line fits ``width``."""
    gap = 2 * (len(widths) - 1)
    while (excess := sum(widths) + gap - width) > 0:
        candidates = [i for i in range(len(widths)) if not numeric[i] and widths[i] > floors[i]]
        if not candidates:
            return
        widest = max(candidates, key=lambda i: widths[i])
        others = [widths[i] for i in candidates if i != widest]
        target = max([*others, floors[widest]])
        widths[widest] -= max(1, min(excess, widths[widest] - target))


def terminal_width(stream: TextIO | None = None) -> int | None:
    """The width to fit tables to: the terminal's when ``stream`` is one, else no limit."""
    stream = stream or sys.stdout
    try:
        if not stream.isatty():
            return None
    except (AttributeError, ValueError):
        return None
    return shutil.get_terminal_size((100, 24)).columns


def print_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    stream: TextIO | None = None,
    numeric: Sequence[bool] | None = None,
) -> None:
    stream = stream or sys.stdout
    stream.write(format_table(headers, rows, width=terminal_width(stream), numeric=numeric))
    stream.write("\n")


def key_values(pairs: Sequence[tuple[str, Any]]) -> str:
    """``name: value`` lines with the names padded to one width."""
    width = max((cell_width(k) for k, _ in pairs), default=0)
    lines = []
    for key, value in pairs:
        text = _text(value) if not isinstance(value, str) else value
        lines.append(f"{key}:{' ' * (width - cell_width(key) + 1)}{text}")
    return "\n".join(lines)
