"""Numbers too large for the database, a bad port and reversed date ranges: one line on
stderr, exit status 2, no traceback, no output file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from analysis_fixtures import Filled
from clikit import Outcome, refused

Cli = Callable[..., Outcome]
HUGE = "99999999999999999999999"
INT64_MAX = str(2**63 - 1)


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["show", f"en:{HUGE}"], ["id that large"]),
        (["show", HUGE, "--edition", "en"], ["id that large"]),
        (["show", f"https://www.eng.kavkaz-uzel.eu/articles/{HUGE}"], ["id that large"]),
        (["list", "--limit", HUGE], ["--limit", "out of range"]),
        (["search", "court", "--offset", HUGE], ["--offset", "out of range"]),
        (["search", "court", "--window", HUGE], ["--window", "out of range"]),
        (["search", "court", "--limit", HUGE], ["--limit", "out of range"]),
        (["export", "-o", "{out}", "--limit", HUGE], ["--limit", "out of range"]),
        (["stats", "--top", HUGE], ["--top", "out of range"]),
    ],
)
def test_numbers_beyond_the_database_range(
    cli: Cli, filled: Filled, tmp_path: Path, argv: list[str], words: list[str]
) -> None:
    out = tmp_path / "out.csv"
    argv = [a.replace("{out}", str(out)) for a in argv]
    refused(cli(*argv, "--db", filled.url), *words)
    assert not out.exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["show", f"en:{INT64_MAX}"],  # the largest article id the schema holds
        ["list", "--limit", INT64_MAX],
        ["search", "court", "--offset", INT64_MAX, "--window", INT64_MAX, "--limit", INT64_MAX],
    ],
)
def test_the_largest_database_integer_still_works(
    cli: Cli, filled: Filled, argv: list[str]
) -> None:
    result = cli(*argv, "--db", filled.url)
    assert result.status in (0, 1), result.err  # show: no such article (status 1)
    assert "Traceback" not in result.err


@pytest.mark.parametrize("port", ["99999", "-1", "65536"])
def test_replica_serve_refuses_a_port_out_of_range(cli: Cli, port: str) -> None:
    refused(cli("replica", "serve", "--port", port), "--port", "out of range")


_RANGES = [
    ("2025", "2020", "before"),
    ("2025-01-01", "2020-01-01", "before"),
    ("2025-01-01T12:00", "2025-01-01T11:00", "before"),
    ("2025-01-01T12:00", "2025-01-01T15:00+03:00", "the same moment"),
    # a date's --until is the end of that year: 2019 ends where 2020 begins, which the
    # message shows
    (
        "2020",
        "2019",
        "the same moment as --since (--since from 2020-01-01T00:00:00Z, --until to "
        "2020-01-01T00:00:00Z",
    ),
]


@pytest.mark.parametrize(
    ("argv", "since", "until", "says"),
    [
        (argv, since, until, says)
        for argv in (
            ["list"],
            ["search", "court"],
            ["export", "-o", "{out}"],
            ["stats"],
            ["reparse"],
        )
        for since, until, says in _RANGES
    ],
)
def test_a_reversed_or_empty_range_is_refused_everywhere(
    cli: Cli, filled: Filled, tmp_path: Path, argv: list[str], since: str, until: str, says: str
) -> None:
    out = tmp_path / "out.csv"
    argv = [a.replace("{out}", str(out)) for a in argv]
    result = cli(*argv, "--since", since, "--until", until, "--db", filled.url)
    refused(result, f"--until is {says}")
    assert not out.exists()


def test_search_past_the_ranked_hits_says_how_many_match(cli: Cli, filled: Filled) -> None:
    everything = cli("search", "court", "--window", "0", "--limit", "1", "--db", filled.url)
    total = int(everything.err.strip().splitlines()[-1].rsplit(" of ", 1)[1].replace(",", ""))
    assert total >= 2
    past = cli("search", "court", "--window", "1", "--offset", "5", "--db", filled.url)
    assert past.status == 0, past.err
    assert past.out == ""
    assert past.err.strip() == (
        f"no hits past 5: {total:,} articles match 'court' and the newest 1 are ranked "
        "(--window 0 ranks all)"
    )


@pytest.mark.parametrize("argv", [["list"], ["search", "court"], ["stats"], ["show", "en:1"]])
def test_read_commands_leave_an_empty_file_alone(cli: Cli, tmp_path: Path, argv: list[str]) -> None:
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    refused(cli(*argv, "--db", str(empty)), "empty file", "not a knotcrawl archive")
    assert empty.stat().st_size == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.sqlite"]


def test_stats_plot_format_follows_the_name(cli: Cli, filled: Filled, tmp_path: Path) -> None:
    jpg = tmp_path / "m.jpg"
    refused(cli("stats", "--plot", str(jpg), "--db", filled.url), "cannot draw .jpg")
    assert not jpg.exists()
    svg = tmp_path / "m.svg"
    assert cli("stats", "--plot", str(svg), "--db", filled.url).status == 0
    assert svg.read_bytes().startswith(b"<?xml") and b"<svg" in svg.read_bytes()[:500]
    png = tmp_path / "empty.png"  # no article in 2030: a plot without dates, not a traceback
    assert cli("stats", "--since", "2030", "--plot", str(png), "--db", filled.url).status == 0
    assert png.read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize(
    "command", [["list"], ["search", "court"], ["export", "-o", "-", "--format", "jsonl"]]
)
@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--sort", "--title"], "--sort: expected one argument"),
        (["--sort=--title"], "unknown key '--title'"),
    ],
)
def test_a_sort_key_takes_one_sign(
    cli: Cli, filled: Filled, command: list[str], argv: list[str], says: str
) -> None:
    """`-title` is descending; `--title` is a typo (or a missing value), never `-title`."""
    refused(cli(*command, *argv, "--db", filled.url), says)


@pytest.mark.parametrize("command", [["list"], ["search", "court"], ["stats"], ["show", "en:1"]])
def test_an_unknown_option_is_the_commands_one_line(
    cli: Cli, filled: Filled, command: list[str]
) -> None:
    """Said by the command (`knotcrawl list: …`), not by the top level's usage dump."""
    result = cli(*command, "--format", "json", "--db", filled.url)
    refused(result, f"knotcrawl {command[0]}: unrecognized arguments: --format json")


@pytest.mark.parametrize("limit", ["0", "-1"])
def test_search_refuses_limit_zero(cli: Cli, filled: Filled, limit: str) -> None:
    """`list --limit 0` lists everything; search would have shown 20 and said nothing (and
    "0 means no limit" is list's rule, not search's)."""
    refused(cli("search", "court", "--limit", limit, "--db", filled.url), "positive --limit")


@pytest.mark.parametrize(
    "argv",
    [
        ["list"],
        ["search", "court"],
        ["stats"],
        ["show", "en:1"],
        ["export", "-f", "jsonl", "-o", "-"],
        ["reparse"],
        ["db", "counts"],
        ["db", "upgrade"],
        ["crawl", "en:1", "--replica", "http://127.0.0.1:9"],
    ],
)
def test_an_empty_db_option_is_refused_not_the_default(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> None:
    """`--db "$UNSET"`: not silently the default archive (here: an empty data directory)."""
    monkeypatch.setenv("KNOTCRAWL_DATA_DIR", str(tmp_path / "data"))
    refused(cli(*argv, "--db", ""), "--db is empty")
    assert not (tmp_path / "data").exists() or not any((tmp_path / "data").iterdir())
