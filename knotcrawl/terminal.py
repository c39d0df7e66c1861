"""What the long commands show on a terminal: one live progress line on stderr, never under
cron (the crawl's :class:`knotcrawl.crawling.progress.ProgressLine`, ``knotcrawl reparse``)."""

from __future__ import annotations

import os
import sys
from typing import TextIO


def progress_stream(setting: str | None = None) -> TextIO | None:
    """stderr if a progress line is wanted, else None. ``setting`` (the crawl's
    ``-s KNOTCRAWL_PROGRESS``), else the ``KNOTCRAWL_PROGRESS`` environment variable: ``on``,
    ``off``, or ``auto`` (the default: only when stderr is a terminal, never under cron)."""
    mode = str(setting or "auto").lower()
    if mode == "auto":
        mode = os.environ.get("KNOTCRAWL_PROGRESS", "auto").lower()
    stream = sys.stderr
    if mode == "off" or (mode != "on" and not stream.isatty()):
        return None
    return stream


class LiveLine:
    """One line on a terminal, rewritten in place; cleared at the end, and before anything
    else is printed (:func:`clear_live_line`), so no message lands on the same line."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self._width = 0

    def show(self, text: str) -> None:
        global _SHOWN
        self._width = max(self._width, len(text))
        self.stream.write("\r" + text.ljust(self._width))
        self.stream.flush()
        _SHOWN = self

    def clear(self) -> None:
        if self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0


_SHOWN: LiveLine | None = None


def clear_live_line() -> None:
    """Clear the progress line, if one is shown, before printing something else (a log
    message, the summary); the next update draws it again."""
    if _SHOWN is not None:
        _SHOWN.clear()


def eta(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"
