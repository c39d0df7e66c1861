"""An unknown option is reported by the innermost command given, whatever the command."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from knotcrawl import __version__
from knotcrawl.cli import build_parser, main


def _commands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Every innermost (sub)command, with "x" for each argument it requires."""
    commands = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                commands += _commands(sub, (*path, name))
    if path and not commands:
        required: tuple[str, ...] = ()
        for action in parser._actions:
            if not action.option_strings and action.nargs not in ("?", "*"):
                required += ("x",)
            elif action.option_strings and action.required:
                required += (action.option_strings[-1], "x")
        commands.append((path, required))
    return commands


COMMANDS = _commands(build_parser())


def test_python_dash_m_knotcrawl_is_the_command_line() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "knotcrawl", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stdout.strip()) == (0, f"knotcrawl {__version__}"), done.stderr


def test_every_command_is_covered() -> None:
    paths = {path for path, _ in COMMANDS}
    assert {("update",), ("export",), ("db", "current"), ("replica", "serve")} <= paths


@pytest.mark.parametrize(("path", "required"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_an_unknown_option_names_the_innermost_command(
    path: tuple[str, ...], required: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    command = " ".join(path)
    with pytest.raises(SystemExit) as exit_:
        main([*path, *required, "--bogus"])
    err = capsys.readouterr().err
    assert exit_.value.code == 2, err
    last = err.strip().splitlines()[-1]
    assert last.startswith(f"knotcrawl {command}: "), err
    assert "unrecognized arguments: --bogus" in last, err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["search"], "the following arguments are required: QUERY"),
        (["search", "-court"], "goes after --: knotcrawl search -- '-b a'"),
    ],
)
def test_a_search_query_that_starts_with_a_dash_is_explained(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err.strip().splitlines()[-1]


@pytest.mark.parametrize(("path", "required"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_a_bad_option_is_one_line_in_every_command(
    path: tuple[str, ...], required: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    """`demo --seed x` and `replica truth --seed x` dumped the usage, where `update` and
    `replica serve` say one line: every command reports its bad options alike."""
    with pytest.raises(SystemExit):
        main([*path, *required, "--bogus"])
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
