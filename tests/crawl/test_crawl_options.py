"""Crawl settings and options the command line refuses before any crawl starts (status 2, one
line), and the --db checks of every command that writes the archive."""

from __future__ import annotations

import errno
import functools
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from clikit import Outcome, refused, run_cli

from knotcrawl.crawling.options import CrawlOptions
from knotcrawl.crawling.runner import build_settings
from knotcrawl.db import migrate
from knotcrawl.db.engine import make_engine
from knotcrawl.errors import UsageError

UNREACHABLE = "postgresql://nobody@127.0.0.1:1/x"
DEAD_REPLICA = "http://127.0.0.1:1"  # never reached: every case is refused before a request


Cli = Callable[..., Outcome]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    # The default data directory (logs, jobs) of a crawl that got further than it should.
    monkeypatch.setenv("KNOTCRAWL_DATA_DIR", str(tmp_path / "data"))
    return functools.partial(run_cli, capsys)


def test_scrapy_remote_control_is_off() -> None:
    for replica in (None, DEAD_REPLICA):
        settings = build_settings(CrawlOptions.from_arguments("update", {"replica": replica}))
        assert settings.getbool("REMOTE_CONTROL_ENABLED") is False
        assert settings.getbool("TELNETCONSOLE_ENABLED") is False


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ({"base_url": "en=notaurl"}, ["--base-url", "notaurl"]),
        ({"base_url": "en=ftp://caucasianknot.info"}, ["--base-url"]),
        ({"base_url": "en=https://caucasianknot.info/news"}, ["without a path"]),
        ({"proxy": "notaurl"}, ["--proxy"]),
        ({"proxy": "http://proxy.example.org:99999"}, ["--proxy"]),
        ({"replica": "notaurl"}, ["--replica"]),
        ({"replica": "http://"}, ["--replica"]),
        ({"mirror": "notaurl"}, ["--mirror"]),
    ],
)
def test_url_options_must_be_http_urls_with_a_host(args: dict[str, str], words: list[str]) -> None:
    with pytest.raises(UsageError) as caught:
        CrawlOptions.from_arguments("update", args)
    for word in words:
        assert word in str(caught.value)


def test_good_url_options_still_work() -> None:
    opts = CrawlOptions.from_arguments(
        "update",
        {
            "proxy": "http://user:secret@proxy.example.org:3128/",
            "base_url": ["en=https://caucasianknot.info", "ru=kavkazuzel.com"],
        },
    )
    assert opts.proxy == "http://user:secret@proxy.example.org:3128"
    assert opts.base == {"en": "https://caucasianknot.info", "ru": "https://kavkazuzel.com"}
    for replica in ("http://127.0.0.1:8765", "http://localhost:8765", "http://[::1]:8765"):
        assert CrawlOptions.from_arguments("update", {"replica": replica}).proxy == replica


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (
            ["--ids", "75700-75706", "--edition", "en", "en:12000"],
            ["--ids", "article URLs", "cannot be combined"],
        ),
        (
            ["--since", "2025-12-01", "--until", "2025-12-08", "en:12000"],
            ["--since/--until", "cannot be combined"],
        ),
        (["--sections", "--ids", "1-3"], ["--sections", "--ids", "cannot be combined"]),
        (
            ["--sections", "--since", "2025-12-01"],
            ["--sections", "--since/--until", "cannot be combined"],
        ),
        (["--sections", "en:1"], ["--sections", "article URLs", "cannot be combined"]),
        (
            ["--ids", "1-3", "--since", "2025-12-01"],
            ["--ids", "--since/--until", "cannot be combined"],
        ),
        (
            ["--ids", "1-3", "--by-id", "--since", "2025-12-01"],
            ["--ids", "--by-id", "cannot be combined"],
        ),
        (["--since", "2025-12-08", "--until", "2025-12-01"], ["--until is before --since"]),
        (["--sections", "--resume", "--fresh"], ["--fresh", "not allowed with", "--resume"]),
        # A typo that names more ids than the site has: refused, not enumerated for years.
        (["--ids", "1-20000000"], ["--ids", "20,000,000 ids"]),
        (["--ids", "1-6000000,6000001-12000000"], ["12,000,000 ids", "typo"]),
    ],
)
def test_crawl_refuses_what_it_would_ignore(
    cli: Cli, tmp_path: Path, argv: list[str], words: list[str]
) -> None:
    db = tmp_path / "a.sqlite"
    result = cli("crawl", "--db", str(db), "--replica", DEAD_REPLICA, *argv)
    refused(result, *words)
    assert not db.exists()


@pytest.mark.parametrize(
    ("mode", "args"),
    [
        ("range", {"since": "2025-12-01", "until": "2025-12-08"}),
        ("range", {"until": "2025-12-08"}),
        ("ids", {"ids": "1-3,7"}),
        ("ids", {"by_id": "1", "since": "2025-12-01"}),
        ("ids", {"by_id": "1", "since": "2025-12-01", "until": "2025-12-08"}),
        ("sections", {}),
        ("articles", {"targets": ["en:1", "ru:2"]}),
        ("update", {"sections": "1"}),
    ],
)
def test_single_modes_are_still_accepted(mode: str, args: dict[str, object]) -> None:
    assert CrawlOptions.from_arguments(mode, args).mode == mode


@pytest.mark.parametrize("option", ["--job-dir", "--log-dir"])
@pytest.mark.parametrize(
    ("where", "says"),
    [
        ("proc", "cannot create it"),
        ("file", "not a directory"),
        ("unwritable", "cannot write in it"),
        ("empty", "is empty"),
    ],
)
def test_directories_that_cannot_be_made_are_refused(
    cli: Cli, tmp_path: Path, option: str, where: str, says: str
) -> None:
    path = "/proc/knotcrawl-nope/jobs"
    if where == "file":
        (tmp_path / "afile").write_text("x")
        path = str(tmp_path / "afile")
    elif where == "unwritable":
        path = "/proc"  # exists, and no file can be made in it, even by root
    elif where == "empty":
        path = ""  # "$UNSET_VARIABLE": never the default folder unnoticed
    for command in (["update"], ["crawl", "en:1"]):
        result = cli(
            *command, "--db", str(tmp_path / "a.sqlite"), "--replica", DEAD_REPLICA, option, path
        )
        refused(result, option, path, says)


def test_a_new_archive_in_a_folder_that_cannot_be_written_is_refused(cli: Cli) -> None:
    for command in (["update"], ["crawl", "en:1"]):
        result = cli(*command, "--db", "/proc/knotcrawl.sqlite", "--replica", DEAD_REPLICA)
        refused(result, "cannot create the database /proc/knotcrawl.sqlite")


def test_an_archive_file_that_cannot_be_written_stops_a_crawl_at_once(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A writable folder and an archive that is not (chattr +i, a file bind-mounted read-only):
    os.access says yes to root, so the lock asks by opening the file."""
    db = tmp_path / "a.sqlite"
    assert cli("db", "upgrade", "--db", str(db)).status == 0
    from knotcrawl.db import repository

    real = repository.file_write_error

    def immutable(path: Path) -> OSError | None:
        if path == db:
            return PermissionError(errno.EPERM, os.strerror(errno.EPERM), str(path))
        return real(path)

    monkeypatch.setattr(repository, "file_write_error", immutable)
    for command in (["update"], ["crawl", "en:1"]):
        result = cli(*command, "--db", str(db), "--replica", DEAD_REPLICA)
        refused(result, "it is read-only here", "Operation not permitted")


def _not_a_database(tmp_path: Path) -> str:
    path = tmp_path / "notdb.bin"
    path.write_bytes(os.urandom(4096))
    return str(path)


def _directory(tmp_path: Path) -> str:
    return str(tmp_path)


def _old_schema(tmp_path: Path) -> str:
    path = tmp_path / "old.sqlite"
    engine = make_engine(str(path))
    migrate.upgrade(engine, "0002")
    engine.dispose()
    return str(path)


WRITERS = [
    ["db", "current"],
    ["db", "upgrade"],
    ["db", "counts"],
    ["reparse"],
    ["update", "--replica", DEAD_REPLICA],
    ["crawl", "--replica", DEAD_REPLICA, "en:75706"],
    ["demo"],
]


@pytest.mark.parametrize("command", WRITERS, ids=lambda c: " ".join(c[:2]))
@pytest.mark.parametrize(
    ("make_db", "words"),
    [
        (_directory, ["is a directory"]),
        (_not_a_database, ["cannot read the database", "not a database"]),
        (lambda _tmp: UNREACHABLE, ["cannot read the database", "127.0.0.1"]),
    ],
    ids=["directory", "not-a-database", "unreachable"],
)
def test_a_bad_db_is_one_line_and_status_2(
    cli: Cli,
    tmp_path: Path,
    command: list[str],
    make_db: Callable[[Path], str],
    words: list[str],
) -> None:
    refused(cli(*command, "--db", make_db(tmp_path)), *words)


@pytest.mark.parametrize("command", [c for c in WRITERS if c[-1] not in ("current", "upgrade")])
def test_an_old_schema_is_status_2(cli: Cli, tmp_path: Path, command: list[str]) -> None:
    refused(cli(*command, "--db", _old_schema(tmp_path)), "db upgrade")


@pytest.mark.parametrize("command", [["reparse"], ["db", "current"], ["db", "counts"]])
@pytest.mark.parametrize("empty", [False, True], ids=["missing", "empty"])
def test_commands_that_only_read_an_archive_never_create_one(
    cli: Cli, tmp_path: Path, command: list[str], empty: bool
) -> None:
    db = tmp_path / "typo.sqlite"
    if empty:
        db.touch()
    refused(cli(*command, "--db", str(db)), "no database at")
    assert sorted(p.name for p in tmp_path.iterdir()) == (["typo.sqlite"] if empty else [])
    assert not empty or db.stat().st_size == 0


def test_db_upgrade_still_creates_an_archive(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "new.sqlite"
    assert cli("db", "upgrade", "--db", str(db)).status == 0
    result = cli("db", "current", "--db", str(db))
    assert result.status == 0 and "up to date" in result.out
    refused(cli("db", "upgrade", "--db", str(db), "--revision", "bogus"), "bogus")
    # An older revision than the archive's is refused, not reported as "already at".
    refused(
        cli("db", "upgrade", "--db", str(db), "--revision", "0001"),
        "past 0001",
        "only moves forward",
    )


@pytest.mark.parametrize(
    ("mode", "args"),
    [
        ("articles", {"targets": "en:99999999999999999999"}),
        ("articles", {"targets": "99999999999999999999", "edition": "en"}),
        ("articles", {"targets": "https://www.kavkaz-uzel.eu/articles/99999999999999999999"}),
        ("ids", {"ids": "9223372036854775800-9223372036854775808"}),
    ],
)
def test_an_id_beyond_what_the_archive_holds_is_a_usage_error(
    mode: str, args: dict[str, str]
) -> None:
    # It used to be fetched, then lost to an OverflowError in the log with exit 0.
    with pytest.raises(UsageError, match="too large"):
        CrawlOptions.from_arguments(mode, args).validate()


def test_a_job_that_cannot_be_written_is_one_line(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--job-dir on a full disk: creating the job's tables fails. One line and status 1, as
    for an export that meets a full disk."""
    import sqlite3

    from knotcrawl.crawling import frontier

    real_connect = sqlite3.connect

    class FullDisk:
        def __init__(self, conn: sqlite3.Connection) -> None:
            self.conn = conn

        def execute(self, sql: str, *args: object) -> object:
            if sql.startswith("PRAGMA"):
                return self.conn.execute(sql, *args)  # type: ignore[arg-type]
            raise sqlite3.OperationalError("database or disk is full")

        def executescript(self, sql: str) -> object:
            raise sqlite3.OperationalError("database or disk is full")

        def close(self) -> None:
            self.conn.close()

    monkeypatch.setattr(
        frontier.sqlite3, "connect", lambda *a, **k: FullDisk(real_connect(*a, **k))
    )
    db = str(tmp_path / "a.sqlite")
    result = cli("update", "--db", db, "--replica", DEAD_REPLICA, "--job-dir", str(tmp_path))
    assert result.status == 1, result.err
    assert result.err.count("\n") == 1 and "Traceback" not in result.err
    assert "cannot write the crawl job" in result.err and "disk is full" in result.err


def test_the_sections_flag_on_the_sections_mode_is_the_same_job() -> None:
    """`scrapy crawl sections -a sections=yes` resumes the job of `knotcrawl crawl --sections`
    (and the other way round): the flag names the walk the mode already is."""
    flagged = CrawlOptions.from_arguments("sections", {"sections": "yes"})
    plain = CrawlOptions.from_arguments("sections", {})
    assert flagged.arguments() == plain.arguments()
    assert CrawlOptions.from_arguments("update", {"sections": "yes"}).sections


@pytest.mark.parametrize(
    "command", [["update"], ["crawl", "en:1"], ["demo"], ["update", "--db", "{tmp}/a.sqlite"]]
)
def test_a_data_directory_that_cannot_be_made_is_one_line(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    """$KNOTCRAWL_DATA_DIR (or ./data in a folder that cannot be written) holds the default
    archive, jobs and logs: a folder that cannot be made there was a traceback and status 1,
    which cron takes for failures, even with an archive given by --db."""
    monkeypatch.setenv("KNOTCRAWL_DATA_DIR", "/proc/knotcrawl-nope/data")
    args = [part.replace("{tmp}", str(tmp_path)) for part in command]
    replica = [] if args[0] == "demo" else ["--replica", DEAD_REPLICA]
    refused(cli(*args, *replica), "/proc/knotcrawl-nope/data", "cannot create")


@pytest.mark.parametrize(
    "setting",
    ["DOWNLOAD_DELAY=abc", "AUTOTHROTTLE_ENABLED=maybe", "RETRY_TIMES=x", "DOWNLOAD_TIMEOUT=z"],
)
def test_a_setting_that_is_no_number_or_yes_no_is_a_usage_error(
    cli: Cli, tmp_path: Path, setting: str
) -> None:
    """Scrapy reads settings only as the crawl starts: a typo there was a traceback, or a run
    that stopped with status 1 and nothing on stderr (a silent failure to cron)."""
    result = cli(
        "update", "--db", str(tmp_path / "a.sqlite"), "--replica", DEAD_REPLICA, "-s", setting
    )
    refused(result, f"-s {setting.partition('=')[0]}")


def test_a_stats_file_that_cannot_be_written_is_a_usage_error(cli: Cli, tmp_path: Path) -> None:
    """It was written at the end: the crawl did its work, then said "stopped: failed" with
    status 1 and nothing on stderr, and kept a job that the next run "resumed" with nothing
    to do."""
    result = cli(
        "update",
        "--db",
        str(tmp_path / "a.sqlite"),
        "--replica",
        DEAD_REPLICA,
        "-s",
        "KNOTCRAWL_STATS_FILE=/proc/knotcrawl-nope/stats.jsonl",
    )
    refused(result, "KNOTCRAWL_STATS_FILE", "/proc/knotcrawl-nope/stats.jsonl")
