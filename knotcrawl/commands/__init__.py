"""One module per ``knotcrawl`` command; see :mod:`knotcrawl.cli`.

Also the argparse value types the commands share."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from knotcrawl.record import INT64_MAX, INT64_MIN


def whole_number(minimum: int = INT64_MIN, maximum: int = INT64_MAX) -> Callable[[str], int]:
    """An argparse ``type``: a whole number from ``minimum`` to ``maximum``.

    The default range is the database's, so that commands keep their own, clearer messages
    for a negative value (``limit: -3 is negative``)."""

    def parse(text: str) -> int:
        value = int(text)  # a ValueError: argparse says "invalid int value: 'many'", as before
        if not minimum <= value <= maximum:
            raise argparse.ArgumentTypeError(
                f"{text} is out of range ({minimum} to {maximum})"
                if minimum != INT64_MIN
                else f"{text} is out of range (at most {maximum})"
            )
        return value

    parse.__name__ = "int"  # the name in argparse's message
    return parse


# Database-bound counts: --limit, --offset, --window…
count = whole_number()
# Rows held in memory at once (--batch): a batch is read with fetchmany, which takes a C int,
# and a million articles already take gigabytes.
batch_size = whole_number(1, 1_000_000)
