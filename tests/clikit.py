"""Running ``knotcrawl`` in the test's process, and what every refused command line must look
like: shared by the CLI tests of all packages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class Outcome:
    status: int
    out: str
    err: str


def run_cli(capsys: Any, *argv: str) -> Outcome:
    """Run ``knotcrawl ARGV…`` in this process (``capsys``: pytest's fixture); the exit
    status, stdout and stderr."""
    from knotcrawl.cli import main

    capsys.readouterr()
    try:
        status = main(list(argv))
    except SystemExit as exc:  # argparse's own exits
        status = int(exc.code or 0)
    captured = capsys.readouterr()
    return Outcome(status, captured.out, captured.err)


def refused(result: Any, *words: str) -> None:
    """``result`` (``.status``, ``.err``) is a usage error: status 2, one line on stderr that
    holds every one of ``words``, no traceback."""
    assert result.status == 2, (result.status, result.err)
    assert result.err.count("\n") == 1, result.err
    assert "Traceback" not in result.err
    for word in words:
        assert word in result.err, (word, result.err)
