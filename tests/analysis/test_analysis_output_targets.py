"""export -o and stats --plot write through a symlink and into a named pipe, never over them."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from analysis_fixtures import Filled, Outcome

Cli = Callable[..., Outcome]
PNG = b"\x89PNG"


@pytest.mark.parametrize(
    ("command", "head"),
    [
        (["export", "--format", "csv", "-o"], b"edition,"),
        (["stats", "--plot"], PNG),  # the suffix (.png) gives the image format
    ],
)
def test_a_symlink_target_is_written_through(
    cli: Cli, filled: Filled, tmp_path: Path, command: list[str], head: bytes
) -> None:
    real = tmp_path / "real.png"
    real.write_bytes(b"old")
    link = tmp_path / "link.png"
    link.symlink_to(real)
    result = cli(*command, str(link), "--db", filled.url)
    assert result.status == 0, result.err
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_bytes().startswith(head)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.png", "real.png"]  # no temp left


@pytest.mark.parametrize(
    ("command", "head"),
    [
        (["export", "--format", "jsonl", "-o"], b"{"),
        (["stats", "--plot"], PNG),
    ],
)
def test_a_named_pipe_target_gets_the_data(
    cli: Cli, filled: Filled, tmp_path: Path, command: list[str], head: bytes
) -> None:
    pipe = tmp_path / "pipe.png"
    os.mkfifo(pipe)
    received: list[bytes] = []

    def read() -> None:
        with open(pipe, "rb") as handle:
            received.append(handle.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    result = cli(*command, str(pipe), "--db", filled.url)
    reader.join(timeout=30)
    assert result.status == 0, result.err
    assert not reader.is_alive() and received and received[0].startswith(head)
    assert pipe.is_fifo()
