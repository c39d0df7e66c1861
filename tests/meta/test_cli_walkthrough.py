"""Help texts a new user reads before the docs: the defaults they state are the real ones."""

from __future__ import annotations

import re

import pytest
from clikit import run_cli


@pytest.mark.parametrize("command", ["update", "crawl", "demo"])
def test_crawl_helps_say_that_the_data_dir_moves_the_archive_jobs_and_logs(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # KNOTCRAWL_DATA_DIR replaces data/ in the archive's, the jobs' and the logs' defaults
    # (crawling/context.py, runner.py), as the read commands' --db help already said
    text = " ".join(run_cli(capsys, command, "--help").out.split())
    for option in ("--db URL", "--job-dir DIR", "--log-dir DIR"):
        if command == "demo" and option != "--db URL":
            continue
        start = text.index(f" {option} ", text.index("options:")) + len(option) + 2
        line = re.split(r" --?[a-z]", text[start:], maxsplit=1)[0]  # up to the next option
        assert "$KNOTCRAWL_DATA_DIR replaces data" in line, (option, line)


def test_demo_help_warns_that_its_articles_are_generated(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # the demo stores generated text under the real sites' URLs, into the default archive (or
    # $KNOTCRAWL_DATABASE_URL): the help says so and what is refused (tests/crawl/
    # test_crawl_origin.py checks the refusals)
    text = " ".join(run_cli(capsys, "demo", "--help").out.split())
    assert "generated" in text
    assert "an archive of the real sites is refused" in text


@pytest.mark.parametrize("option", ["--replica", "--proxy", "--mirror"])
def test_a_one_word_host_is_refused_with_what_a_host_may_be(
    option: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # `http://nope` has a host name, and "expected an http(s) URL with a host name" said no
    # more; crawling.md: a host is localhost, an IP address or a dotted name
    result = run_cli(capsys, "update", option, "http://nope", "--db", "unused.sqlite")
    assert result.status == 2, result.err
    assert "localhost, an IP address or a dotted name" in result.err
