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
