"""Whether this process can write a file or a folder, asked by trying.

``os.access`` answers from the permission bits, so for root it says yes to a read-only mount
or an immutable file (``chattr +i``); a command then fails halfway with a traceback instead
of refusing at once with one line.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def folder_write_error(folder: Path) -> OSError | None:
    """The error creating a file in ``folder`` meets, or ``None`` when it can."""
    try:
        fd, probe = tempfile.mkstemp(prefix=".knotcrawl-", suffix=".probe", dir=folder)
    except OSError as exc:
        return exc
    os.close(fd)
    os.unlink(probe)
    return None


def file_write_error(path: Path) -> OSError | None:
    """The error opening the existing file ``path`` for writing meets (nothing is written),
    or ``None`` when it can."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    except OSError as exc:
        return exc
    os.close(fd)
    return None


def reason(exc: OSError) -> str:
    return exc.strerror or str(exc)
