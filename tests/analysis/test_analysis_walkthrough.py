"""What a new user met walking through the docs: outputs that said less than they showed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from clikit import run_cli

from knotcrawl.db import Archive


def test_stats_says_when_it_lists_only_the_newest_crawl_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "archive.sqlite")
    with Archive.open(db) as archive:
        for i in range(7):
            url = f"https://www.eng.kavkaz-uzel.eu/articles/{1000 + i}"
            archive.record_error(url, "HTTP 500", "en", 1000 + i)
    result = run_cli(capsys, "stats", "--db", db)
    assert result.status == 0, result.err
    listed = [line for line in result.out.splitlines() if "/articles/10" in line]
    assert len(listed) == 5
    # "open crawl errors: 7" above five rows must say that two are not shown, and how
    assert "open crawl errors: 7 (the 5 newest below; --errors 0 lists all)" in result.out
    every = run_cli(capsys, "stats", "--db", db, "--errors", "0")
    assert len([line for line in every.out.splitlines() if "/articles/10" in line]) == 7
    assert "open crawl errors: 7\n" in every.out
    two = run_cli(capsys, "stats", "--db", db, "--errors", "2", "--json")
    assert [e["url"][-4:] for e in json.loads(two.out)["crawl"]["recent_errors"]] == [
        "1006",
        "1005",
    ]
    refused = run_cli(capsys, "stats", "--db", db, "--errors", "-1")
    assert refused.status == 2 and "--errors" in refused.err


def test_stats_lists_every_error_without_a_note_when_few(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "archive.sqlite")
    with Archive.open(db) as archive:
        archive.record_error("https://www.eng.kavkaz-uzel.eu/articles/1", "HTTP 500", "en", 1)
    result = run_cli(capsys, "stats", "--db", db)
    assert "open crawl errors: 1\n" in result.out


def test_stats_says_which_errors_robots_txt_refuses_and_since_when(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A refusal fails only the run that met it first: the crawl health says why later runs
    did not fail for the URL, and how long robots.txt has refused it."""
    db = str(tmp_path / "archive.sqlite")
    url = "https://www.eng.kavkaz-uzel.eu/articles/1"
    with Archive.open(db) as archive:
        archive.record_error(url, "forbidden by robots.txt", "en", 1, refused=True)
        archive.record_error("https://www.eng.kavkaz-uzel.eu/articles/2", "HTTP 500", "en", 2)
        [since] = [e.refused_since for e in archive.open_errors() if e.url == url]
    assert since is not None
    result = run_cli(capsys, "stats", "--db", db)
    assert (
        "open crawl errors: 2; robots.txt refuses 1, every run asks again and fails no more "
        "for it\n"
    ) in result.out
    row = next(line for line in result.out.splitlines() if line.startswith(url))
    assert f"forbidden by robots.txt since {since:%Y-%m-%d %H:%M}" in row


def test_export_help_says_what_json_does(capsys: pytest.CaptureFixture[str]) -> None:
    # export prints no table: --json turns its "exported N articles" line into a JSON summary
    text = " ".join(run_cli(capsys, "export", "--help").out.split())
    assert "instead of a table" not in text
    assert "--json print the export's summary" in text


@pytest.mark.parametrize(
    ("query", "word"),
    [("protest or rally", "or"), ("court not appeal", "not"), ("Court And appeal", "And")],
)
def test_search_warns_that_a_lower_case_operator_is_a_word(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], query: str, word: str
) -> None:
    # `protest or rally` finds the articles holding all three words, `court not appeal` the
    # ones with "not" and "appeal": the opposite of what was meant, with no word said
    db = str(tmp_path / "archive.sqlite")
    Archive.open(db).close()
    result = run_cli(capsys, "search", "--db", db, query)
    assert result.status == 0, result.err
    assert f"'{word}' is searched as a word" in result.err
    assert f"operators are upper case: {word.upper()}" in result.err


@pytest.mark.parametrize("query", ["protest OR rally", '"for or against"', "oregon notary"])
def test_search_says_nothing_of_operators_when_none_is_lower_case(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], query: str
) -> None:
    db = str(tmp_path / "archive.sqlite")
    Archive.open(db).close()
    result = run_cli(capsys, "search", "--db", db, query)
    assert result.status == 0, result.err
    assert "upper case" not in result.err


@pytest.mark.parametrize("word", ["суд", "city"])
def test_search_forms_says_which_words_it_matches_as_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], word: str
) -> None:
    # `суд` is too short for a stem prefix and `city` stems to `citi`: --forms left both as
    # written, so `суд --forms` missed суда, судом… while `суды --forms` found them, unsaid
    db = str(tmp_path / "archive.sqlite")
    Archive.open(db).close()
    result = run_cli(capsys, "search", "--db", db, "--forms", f"court {word}")
    assert f"--forms matches {word!r} as written" in result.err


@pytest.mark.parametrize("query", ["protests", "выборы", '"суд назначил"', "суд*", "суд"])
def test_search_forms_says_nothing_of_words_it_widens(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], query: str
) -> None:
    # the last: without --forms every word is matched as written, as the help says
    db = str(tmp_path / "archive.sqlite")
    Archive.open(db).close()
    forms = [] if query == "суд" else ["--forms"]
    result = run_cli(capsys, "search", "--db", db, *forms, query)
    assert "as written" not in result.err
