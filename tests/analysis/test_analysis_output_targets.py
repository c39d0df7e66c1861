"""export -o and stats --plot write through a symlink and into a named pipe, never over them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from analysis_fixtures import Filled
from clikit import Outcome

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


def _export_to_a_pipe(db: str, unbuffered: str, read: int | None) -> tuple[int, bytes, str]:
    """``knotcrawl export -o - --format jsonl`` into a pipe read up to ``read`` bytes (all
    when None) and then closed; ``unbuffered`` is PYTHONUNBUFFERED (a raw stdout when "1")."""
    env = {**os.environ, "PYTHONUNBUFFERED": unbuffered}
    cmd = [sys.executable, "-m", "knotcrawl.cli", "export", "-o", "-", "--format", "jsonl"]
    proc = subprocess.Popen(
        [*cmd, "--db", db], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    assert proc.stdout is not None and proc.stderr is not None
    if read is None:
        data = proc.stdout.read()
    else:
        data = proc.stdout.read(read)
        time.sleep(0.5)  # the writer blocks on the full pipe before the reader goes
        proc.stdout.close()
    err = proc.stderr.read().decode()
    return proc.wait(timeout=60), data, err


@pytest.mark.parametrize("unbuffered", ["", "1"])
def test_export_to_a_pipe_closed_early_does_not_claim_a_full_export(
    filled: Filled, unbuffered: str
) -> None:
    status, whole, err = _export_to_a_pipe(filled.url, unbuffered, None)
    assert status == 0 and err.startswith("exported ")
    assert whole.count(b"\n") == len(filled.records)
    status, _part, err = _export_to_a_pipe(filled.url, unbuffered, 10)
    # `| head` ends the export quietly, and the summary does not pretend all was written.
    assert (status, err) == (0, "")


# An export whose writer stops after the first line until it is killed.
STALLED_EXPORT = """
import sys, time
from knotcrawl.analysis import export
from knotcrawl.cli import main

def stalled(out, batches, fields):
    out.write(b"{}\\n")
    out.flush()
    print("writing", file=sys.stderr, flush=True)
    time.sleep(60)

export.WRITERS["jsonl"] = stalled
sys.exit(main(sys.argv[1:]))
"""


def test_export_stopped_by_sigterm_leaves_no_temporary_file(filled: Filled, tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-c", STALLED_EXPORT, "export", "-o", str(target), "--db", filled.url],
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    assert proc.stderr.readline() == "writing\n"
    (temporary,) = tmp_path.iterdir()  # the export's own file, not yet the target
    assert temporary.name.endswith(".part")
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 130
    assert proc.stderr.read() == "knotcrawl export: interrupted (SIGTERM)\n"
    assert list(tmp_path.iterdir()) == []


def test_the_next_export_removes_the_file_a_killed_one_left(
    cli: Cli, filled: Filled, tmp_path: Path
) -> None:
    target = tmp_path / "out.jsonl"
    command = ["export", "-o", str(target), "--db", filled.url]
    killed, running = (
        subprocess.Popen(
            [sys.executable, "-c", STALLED_EXPORT, *command], stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    )
    for proc in (killed, running):
        assert proc.stderr is not None and proc.stderr.readline() == "writing\n"
    left = {p.name for p in tmp_path.iterdir()}
    assert len(left) == 2 and all(name.endswith(".part") for name in left)
    killed.kill()  # SIGKILL: no cleanup runs
    killed.wait(timeout=30)
    try:
        result = cli(*command)
        assert result.status == 0, result.err
        (killed_part,) = (name for name in left if f"-{killed.pid}." in name)
        assert f"removed {tmp_path / killed_part}, left by an export that was killed" in result.err
        # A running export's file stays; the killed one's is gone.
        assert {p.name for p in tmp_path.iterdir()} == (left - {killed_part}) | {"out.jsonl"}
    finally:
        running.kill()
        running.wait(timeout=30)


@pytest.mark.parametrize(
    ("command", "suffix"),
    [(["export", "--format", "csv", "-o"], ""), (["stats", "--plot"], ".png")],
)
def test_the_archive_own_files_are_refused_as_output(
    cli: Cli, filled: Filled, tmp_path: Path, command: list[str], suffix: str
) -> None:
    if filled.backend != "sqlite":
        pytest.skip("only a SQLite archive is a file an output could replace")
    archive = tmp_path / f"copy{suffix}"
    archive.write_bytes(Path(filled.url).read_bytes())
    before = archive.read_bytes()
    hard = tmp_path / f"hard{suffix}"
    os.link(archive, hard)
    soft = tmp_path / f"soft{suffix}"
    soft.symlink_to(archive)
    targets = [archive, hard, soft]
    if command[0] == "export":  # --plot refuses these already by their suffix
        targets += [Path(f"{archive}-wal"), Path(f"{archive}.crawl.lock")]
    for target in targets:
        result = cli(*command, str(target), "--db", str(archive))
        assert result.status == 2, (target, result.err)
        assert "the archive's own file" in result.err
    assert archive.read_bytes() == before
    other = tmp_path / f"other{suffix}"
    assert cli(*command, str(other), "--db", str(archive)).status == 0
    assert other.stat().st_size > 0


@pytest.mark.parametrize(
    ("command", "name"),
    [(["export", "-o"], "out.csv"), (["stats", "--plot"], "chart.png")],
)
def test_a_replaced_output_keeps_its_permissions(
    cli: Cli, filled: Filled, tmp_path: Path, command: list[str], name: str
) -> None:
    """The output replaces the old file by a rename: it takes the old file's permissions (a
    file kept private stays private), and a new file gets the umask's."""
    kept = tmp_path / name
    kept.write_bytes(b"old")
    kept.chmod(0o640)
    result = cli(*command, str(kept), "--db", filled.url)
    assert result.status == 0, result.err
    assert kept.read_bytes() != b"old"
    assert kept.stat().st_mode & 0o777 == 0o640
    fresh = tmp_path / f"new-{name}"
    umask = os.umask(0o022)
    try:
        result = cli(*command, str(fresh), "--db", filled.url)
    finally:
        os.umask(umask)
    assert result.status == 0, result.err
    assert fresh.stat().st_mode & 0o777 == 0o644
