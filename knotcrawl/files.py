"""Whether this process can write a file or a folder.

A folder is asked by trying (a file is made in it and removed): ``os.access`` says yes to
``/proc`` and knows nothing of a full inode table. A file is asked with ``access(2)``, which
the kernel answers for read-only mounts and immutable files (``chattr +i``) even for root,
and never by opening it: closing any descriptor of a SQLite database drops the POSIX locks
every connection of this process holds on it, and the next write may corrupt the archive.
"""

from __future__ import annotations

import errno
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
    """Why the existing file ``path`` cannot be written, or ``None`` when it can. The file is
    not opened (see the module's note)."""
    if os.access(path, os.W_OK):
        return None
    if os.statvfs(path).f_flag & os.ST_RDONLY:
        return OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
    return PermissionError(errno.EACCES, "not writable (its permissions, or chattr +i)", str(path))


def reason(exc: OSError) -> str:
    return exc.strerror or str(exc)
