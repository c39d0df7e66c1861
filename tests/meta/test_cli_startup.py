"""`knotcrawl --help` and argument errors come before any heavy import: the commands import the
database, Scrapy and the parser inside `run`, so Ctrl-C or a typo never waits for them."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("sqlalchemy", "scrapy", "twisted", "lxml", "pyarrow", "dateparser")

PROBE = f"""
import sys
from knotcrawl.cli import build_parser
build_parser()
print(sorted(name for name in {HEAVY!r} if name in sys.modules))
"""


def test_building_the_command_line_imports_nothing_heavy() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, check=False
    )
    assert (done.returncode, done.stdout.strip()) == (0, "[]"), done.stderr


def test_ctrl_c_while_the_command_line_is_built_is_an_interruption(monkeypatch, capsys) -> None:
    from knotcrawl import cli

    def interrupted() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "build_parser", interrupted)
    assert cli.main(["list"]) == 130
    assert capsys.readouterr().err == "knotcrawl: interrupted\n"
