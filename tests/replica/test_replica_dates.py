"""Date texts of the replica's pages (SITE.md §6) and determinism across processes."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime

from knotcrawl.replica import Replica, ReplicaConfig, dates


def test_formats() -> None:
    t = datetime(2019, 5, 7, 8, 5)
    assert dates.en_classic(t) == "07 May 2019, 08:05"
    assert dates.en_2025(t) == "08:05, 7 May 2019"
    assert dates.ru_desktop(datetime(2023, 2, 6, 9, 0)) == "09:00, 6 февраля 2023"
    assert dates.mobile(datetime(2026, 1, 10, 10, 57)) == "10:57 / 10.01.2026"
    assert dates.related(datetime(2025, 8, 30, 22, 58)) == "22:58 30.08.2025"
    assert dates.en_listing_classic(datetime(2019, 3, 9, 9, 28)) == "March 09, 2019 09:28"


def test_cross_ref_twelve_hour_clock() -> None:
    assert dates.cross_ref(datetime(2019, 5, 17, 17, 0)) == "May 17, 2019 at 05:00 pm MSK"
    assert dates.cross_ref(datetime(2018, 11, 3, 0, 7)) == "November 3, 2018 at 12:07 am MSK"
    assert dates.cross_ref(datetime(2018, 11, 3, 12, 30)) == "November 3, 2018 at 12:30 pm MSK"


def test_rfc822_offset_of_the_date() -> None:
    assert dates.rfc822(datetime(2026, 1, 30, 18, 42)) == "Fri, 30 Jan 2026 18:42:00 +0300"
    assert dates.rfc822(datetime(2012, 6, 1, 12, 0)).endswith("+0400")
    assert dates.rfc822(datetime(2009, 7, 1, 12, 0)).endswith("+0400")  # summer time
    assert dates.rfc822(datetime(2009, 12, 1, 12, 0)).endswith("+0300")


def test_long_articles_lists_and_headings() -> None:
    rep = Replica(ReplicaConfig(seed=7, articles=300))
    bodies = [r.body.split("\n\n") for e in ("en", "ru") for r in rep.truth(e)]
    assert max(len(b) for b in bodies) >= 30, "a few very long articles"
    assert min(len(b) for b in bodies) <= 3
    assert any(p.endswith(";") for b in bodies for p in b), "list items are paragraphs"


def test_same_output_in_another_process() -> None:
    argv = [sys.executable, "-m", "knotcrawl.cli", "replica", "truth", "--articles", "25"]
    outs = []
    for hashseed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=hashseed)
        outs.append(subprocess.run(argv, capture_output=True, check=True, env=env).stdout)
    assert outs[0] == outs[1] and outs[0].count(b"\n") > 20
