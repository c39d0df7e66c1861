"""What every refused command line must look like, shared by the CLI tests of all packages."""

from __future__ import annotations

from typing import Any


def refused(result: Any, *words: str) -> None:
    """``result`` (``.status``, ``.err``) is a usage error: status 2, one line on stderr that
    holds every one of ``words``, no traceback."""
    assert result.status == 2, (result.status, result.err)
    assert result.err.count("\n") == 1, result.err
    assert "Traceback" not in result.err
    for word in words:
        assert word in result.err, (word, result.err)
