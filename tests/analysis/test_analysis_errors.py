"""Bad input: one line on stderr, exit status 2, no traceback, no output file, no new database."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from analysis_fixtures import Filled
from clikit import Outcome

from knotcrawl.analysis.tables import cut, format_table
from knotcrawl.db.queries import Filters, parse_moment
from knotcrawl.errors import UsageError

Cli = Callable[..., Outcome]


def bad(result: Outcome, *words: str) -> None:
    assert result.status == 2, (result.status, result.err)
    assert result.err.count("\n") == 1, result.err  # one line
    assert "Traceback" not in result.err
    for word in words:
        assert word in result.err, (word, result.err)


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["export", "-o", "{out}", "--fields", "title,colour"], ["unknown field colour"]),
        (["export", "-o", "{out}", "--since", "2019-02-30"], ["not a date", "2019-02-30"]),
        (["export", "-o", "{out}", "--until", "yesterday"], ["not a date"]),
        (["export", "-o", "{out}", "--sort", "colour"], ["unknown key"]),
        (["export", "-o", "{out}", "--format", "xlsx"], ["invalid choice"]),
        (["export", "-o", "{out}", "--limit", "-3"], ["negative"]),
        (["export", "-o", "{tmp}/missing/dir/out.csv"], ["no such directory"]),
        (["export", "-o", "{tmp}"], ["is a directory"]),
        (["export", "-o", "/proc/knotcrawl-export.csv"], ["cannot write in /proc"]),
        (["export", "-o", "{tmp}/out.xyz"], ["give --format"]),
        # a reader goes by the name: CSV in a .parquet file would be misread or fail later
        (["export", "-o", "{tmp}/out.parquet", "--format", "csv"], ["says PARQUET"]),
        (["export", "-o", "{tmp}/out.csv", "--format", "jsonl"], ["writes JSONL", "says CSV"]),
        (["search", '"human rights'], ["bad search query", "quote"]),
        (["search", "NOT court"], ["bad search query"]),
        (["search", "court AND"], ["bad search query"]),
        (["search", "(court"], ["bad search query"]),
        (["list", "--since", "2020-13-01"], ["not a date"]),
        (["list", "--edition", "de"], ["invalid choice"]),
        (["list", "--limit", "many"], ["invalid int"]),
        (["show", "fr:12"], ["en:ID or ru:ID"]),
        (["show", "https://example.org/news/1"], ["not an article URL"]),
        (["show", "en:5", "--edition", "ru"], ["contradicts --edition ru"]),
        (
            ["show", "https://www.eng.kavkaz-uzel.eu/articles/5", "--edition", "ru"],
            ["contradicts --edition ru"],
        ),
        (["stats", "--plot", "{tmp}/nowhere/chart.png"], ["no such directory"]),
        (["stats", "--top", "0"], ["top"]),
        (["export", "-o", "{out}", "--batch", "0"], ["--batch", "out of range"]),
        (["export", "-o", "{out}", "--batch", "1000000000000"], ["--batch", "out of range"]),
        # Bytes that are not UTF-8 on the command line (a Latin-1 terminal): one line, no
        # UnicodeEncodeError from the database driver, no \udcff escapes in the message.
        (["list", "--author", "Caf\udce9"], ["author: not UTF-8 text"]),
        (["stats", "--section", "\udcff"], ["section: not UTF-8 text"]),
        (["export", "-o", "{out}", "--source", "x\udcfe"], ["source: not UTF-8 text"]),
        (["search", "co\udcffurt"], ["bad search query: not UTF-8 text"]),
        (["list", "--source", ""], ["source: empty"]),
        (["list", "--author", "  "], ["author: empty"]),
        (["search", "(" * 2000 + "court"], ["more than 40 nested"]),
        (["search", "court " + "NOT " * 50 + "x"], ["more than 40 nested"]),
        (["search", " ".join(f"w{i}" for i in range(201))], ["201 words or phrases"]),
    ],
)
def test_bad_input_exits_2_without_output(
    cli: Cli, filled: Filled, tmp_path: Path, argv: list[str], words: list[str]
) -> None:
    out = tmp_path / "out.csv"
    args = [a.format(out=out, tmp=tmp_path) for a in argv]
    bad(cli(*args, "--db", filled.url), *words)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["", "  "])
@pytest.mark.parametrize("option", [["export", "--format", "csv", "-o"], ["stats", "--plot"]])
def test_an_empty_output_name_is_refused(
    cli: Cli,
    filled: Filled,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    option: list[str],
    name: str,
) -> None:
    """``-o "$OUT"`` with OUT unset: one line saying the name is empty (it said "is a
    directory"; a blank name was written as a file of that name)."""
    monkeypatch.chdir(tmp_path)
    bad(cli(*option, name, "--db", filled.url), "empty", "standard output")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", [["list"], ["search", "court"], ["show", "en:1"], ["stats"],
                                     ["export", "-o", "OUT"]])  # fmt: skip
def test_a_missing_database_is_not_created(cli: Cli, tmp_path: Path, command: list[str]) -> None:
    missing = tmp_path / "missing.sqlite"
    argv = [str(tmp_path / "out.csv") if a == "OUT" else a for a in command]
    bad(cli(*argv, "--db", str(missing)), "no database", str(missing))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", [["list"], ["search", "court"], ["stats"]])
def test_a_directory_is_not_a_database(cli: Cli, tmp_path: Path, command: list[str]) -> None:
    bad(cli(*command, "--db", str(tmp_path)), "is a directory, not a database file")


def test_a_plot_on_a_full_disk_is_one_line(
    cli: Cli, filled: Filled, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from matplotlib.figure import Figure

    def full(self: Figure, out: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(Figure, "savefig", full)
    result = cli("stats", "--plot", str(tmp_path / "chart.png"), "--db", filled.url)
    assert result.status == 1, result.err
    chart = tmp_path / "chart.png"
    said = f"knotcrawl stats: --plot {chart}: cannot write it (No space left on device)"
    assert result.err.strip() == said
    assert list(tmp_path.iterdir()) == []  # no partial chart


def test_the_default_database_is_not_created(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KNOTCRAWL_DATABASE_URL", raising=False)
    monkeypatch.delenv("KNOTCRAWL_DATA_DIR", raising=False)
    bad(cli("list"), "no database", "knotcrawl.sqlite")
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_is_not_an_archive(cli: Cli, tmp_path: Path) -> None:
    text = tmp_path / "notes.sqlite"
    text.write_text("not a database at all\n" * 100)
    bad(cli("list", "--db", str(text)), "cannot read the database")
    import sqlite3

    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).close()
    bad(cli("stats", "--db", str(other)), "not a knotcrawl archive")


def test_an_unreachable_server(cli: Cli) -> None:
    bad(cli("list", "--db", "postgresql://nobody@127.0.0.1:9/none"), "cannot read the database")


def test_parse_moment() -> None:
    assert parse_moment("2019") == datetime(2019, 1, 1, tzinfo=UTC)
    assert parse_moment("2019", end=True) == datetime(2020, 1, 1, tzinfo=UTC)
    assert parse_moment("2019-12", end=True) == datetime(2020, 1, 1, tzinfo=UTC)
    assert parse_moment("2019-02-28", end=True) == datetime(2019, 3, 1, tzinfo=UTC)
    assert parse_moment("2019-05-17T18:17") == datetime(2019, 5, 17, 18, 17, tzinfo=UTC)
    assert parse_moment("2019-05-17T18:17", end=True) == datetime(2019, 5, 17, 18, 17, tzinfo=UTC)
    assert parse_moment("2019-05-17T18:17:00+03:00") == datetime(2019, 5, 17, 15, 17, tzinfo=UTC)
    assert parse_moment("2019-05-17 15:17:00Z") == datetime(2019, 5, 17, 15, 17, tzinfo=UTC)
    # A period with a zone is that period on that zone's clocks.
    assert parse_moment("2026-01-24+03:00") == datetime(2026, 1, 23, 21, tzinfo=UTC)
    assert parse_moment("2026-01-24+03:00", end=True) == datetime(2026, 1, 24, 21, tzinfo=UTC)
    assert parse_moment("2019-05-17t15:17z") == datetime(2019, 5, 17, 15, 17, tzinfo=UTC)
    # fromisoformat would read the compact form as a date-time and 2019-05-17T25 as an hour.
    for text in (
        "2019-13",
        "17.05.2019",
        "",
        "2019-02-29",
        "20260123",
        "2019-05-17T25:00",
        "2019-05-17+25:00",
        "2019-05-17T15",
        "9999-12-31T23:59+99:00",
    ):
        with pytest.raises(UsageError):
            parse_moment(text)
    with pytest.raises(UsageError, match="unknown filter"):
        Filters.make(colour="red")
    with pytest.raises(UsageError, match="edition"):
        Filters.make(edition="de")


def test_table_formatter() -> None:
    table = format_table(["NAME", "N"], [("Анна Петрова", 12), ("Bob", 3)])
    lines = table.splitlines()
    assert lines[0] == "NAME           N"
    assert lines[2] == "Анна Петрова  12"
    assert lines[3] == "Bob            3"
    narrow = format_table(["TITLE", "N"], [("x" * 80, 1)], width=30)
    assert max(len(line) for line in narrow.splitlines()) <= 30
    assert "…" in narrow
    assert cut("abcdef", 4) == "abc…"
