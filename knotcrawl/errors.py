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


class OutputFailed(KnotcrawlError):
    """Standard output could not be written (``> file`` on a full disk, a lost mount)."""


class LockLost(KnotcrawlError):
    """The archive's lock was lost while it was held (its database session ended): another
    process may be writing, so the holder stops."""


class Terminated(BaseException):
    """SIGTERM, raised where the command is (the command line installs the handler), so that
    its cleanup runs (an export's temporary file is removed, a reparse's workers stopped) as it
    does for Ctrl-C."""


# SQLSTATEs of a write the database refuses to this user: insufficient_privilege and
# read_only_sql_transaction (a read-only role or session, a hot standby).
READ_ONLY_SQLSTATES = frozenset({"42501", "25006"})


def database_failure(exc: BaseException) -> KnotcrawlError | None:
    """The one-line error for a database error no command caught (a server that stopped or
    went away mid-command, a write this user may not make), or None if ``exc`` is none.

    A write refused to this user is status 2, as a read-only archive is refused up front; any
    other database failure during work is status 1. The drivers are looked up, not imported:
    a command that never opened a database has none of them loaded."""
    import sys

    sa_exc = sys.modules.get("sqlalchemy.exc")
    cause: BaseException = exc
    if sa_exc is not None and isinstance(exc, sa_exc.DBAPIError) and exc.orig is not None:
        cause = exc.orig
    elif sa_exc is not None and isinstance(exc, sa_exc.SQLAlchemyError):
        pass
    elif not _is_driver_error(exc):
        return None
    first = next((line.strip() for line in str(cause).splitlines() if line.strip()), "")
    detail = first or type(cause).__name__
    sqlstate = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    if sqlstate in READ_ONLY_SQLSTATES or "readonly database" in detail:
        return UsageError(f"cannot write the archive ({detail}): it is read-only here")
    return KnotcrawlError(f"database error: {detail}")


def _is_driver_error(exc: BaseException) -> bool:
    import sys

    bases = []
    sqlite3 = sys.modules.get("sqlite3")
    if sqlite3 is not None:
        bases.append(sqlite3.Error)
    psycopg = sys.modules.get("psycopg")
    if psycopg is not None:
        bases.append(psycopg.Error)
    return bool(bases) and isinstance(exc, tuple(bases))
