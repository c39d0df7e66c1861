"""A command whose standard output cannot be written (`> file` on a full disk, a lost mount):
one line on stderr and status 1, as `export -o -` says it, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from analysis_fixtures import Filled

pytestmark = pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")


@pytest.mark.parametrize(
    "command",
    [["list"], ["search", "court"], ["stats"], ["show", "--edition", "en", "{id}"]],
    ids=["list", "search", "stats", "show"],
)
def test_a_full_standard_output_is_one_line_and_status_1(
    filled: Filled, command: list[str]
) -> None:
    english = next(r for r in filled.records if r.edition == "en")
    argv = [part.replace("{id}", str(english.article_id)) for part in command]
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "knotcrawl.cli", *argv, "--db", filled.url],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    assert (done.returncode, done.stderr) == (
        1,
        f"knotcrawl {argv[0]}: writing standard output: No space left on device\n",
    )


def test_a_chart_to_a_full_standard_output_says_so_as_every_command(filled: Filled) -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "knotcrawl.cli", "stats", "--plot", "-", "--db", filled.url],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    assert (done.returncode, done.stderr) == (
        1,
        "knotcrawl stats: writing standard output: No space left on device\n",
    )


def test_a_chart_to_a_reader_that_stopped_ends_quietly(filled: Filled) -> None:
    """`knotcrawl stats --plot - | head -c 8`: the reader is gone, which is not an error."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "knotcrawl.cli", "stats", "--plot", "-", "--db", filled.url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    proc.stdout.close()  # gone before the chart is drawn
    _, err = proc.communicate(timeout=120)
    assert (proc.returncode, err) == (0, "")
