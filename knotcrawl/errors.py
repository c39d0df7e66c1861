"""Errors the command line turns into one clear line on stderr and an exit status."""

from __future__ import annotations


class KnotcrawlError(Exception):
    """An error a user can act on. ``status`` is the process exit status."""

    status = 1

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        if status is not None:
            self.status = status


class UsageError(KnotcrawlError):
    """Bad input on the command line (an unknown field, a malformed date...)."""

    status = 2


class LockLost(KnotcrawlError):
    """The archive's lock was lost while it was held (its database session ended): another
    process may be writing, so the holder stops."""


class Terminated(BaseException):
    """SIGTERM, raised where the command is (the command line installs the handler), so that
    its cleanup runs (an export's temporary file is removed, a reparse's pool stopped) as it
    does for Ctrl-C."""
