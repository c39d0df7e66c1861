"""``knotcrawl replica serve|truth``."""

from __future__ import annotations

import http.client
import json
import re
import signal
import subprocess
import sys

import pytest

from knotcrawl.cli import main
from knotcrawl.record import CRAWL_ONLY_FIELDS, RECORD_FIELDS
from knotcrawl.replica import Replica, ReplicaConfig


def test_truth_prints_json_lines(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["replica", "truth", "--articles", "40", "--seed", "2", "--edition", "en"])
    assert status == 0
    lines = capsys.readouterr().out.splitlines()
    expected = [f for f in RECORD_FIELDS if f not in CRAWL_ONLY_FIELDS]
    records = [json.loads(line) for line in lines]
    assert records and all(list(r) == expected for r in records)
    truth = list(Replica(ReplicaConfig(seed=2, articles=40)).truth("en"))
    assert [r["article_id"] for r in records] == [t.article_id for t in truth]
    assert records[0]["content_hash"] == truth[0].content_hash


def test_truth_now_and_markup(capsys: pytest.CaptureFixture[str]) -> None:
    main(
        [
            "replica",
            "truth",
            "--articles",
            "40",
            "--edition",
            "ru",
            "--markup",
            "ru-mobile",
            "--now",
            "2020-01-01T00:00:00",
        ]
    )
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert records and all(r["published_at"] < "2020-01-01" for r in records)
    assert all(re.fullmatch(r"\d\d:\d\d / \d\d\.\d\d\.\d{4}", r["published_raw"]) for r in records)


def test_bad_fault_rule_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["replica", "serve", "--port", "0", "--fault", "/x=explode"])
    assert status == 2
    err = capsys.readouterr().err
    assert "unknown kind" in err and "Traceback" not in err


def test_help_texts(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (
        ["replica", "--help"],
        ["replica", "serve", "--help"],
        ["replica", "truth", "--help"],
    ):
        with pytest.raises(SystemExit) as exit_info:
            main(argv)
        assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "--fault-rate" in out and "--listing-end" in out and "PATH_GLOB=KIND" in out


def test_serve_prints_address_and_stops_on_sigterm() -> None:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "knotcrawl.cli",
            "replica",
            "serve",
            "--port",
            "0",
            "--articles",
            "30",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)", first)
        assert match, first
        port = int(match.group(1))
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "http://www.eng.kavkaz-uzel.eu/rubric/11")
        assert conn.getresponse().status == 200
        conn.close()
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
        assert proc.returncode == 0, err
        assert "stopped" in out and "Traceback" not in err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.parametrize("articles", ["0", "-5", "1000001"])
@pytest.mark.parametrize("command", [["replica", "truth"], ["demo"]])
def test_articles_out_of_range_is_a_usage_error(
    command: list[str], articles: str, tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 99999999999 articles ran for minutes, 0 gave a traceback (and demo an empty archive).
    db = tmp_path / "demo.sqlite"
    extra = ["--db", str(db)] if command == ["demo"] else []
    assert main([*command, *extra, f"--articles={articles}"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"knotcrawl {command[0]}: ") and "from 1 to 1,000,000" in err
    assert err.count("\n") == 1 and not db.exists()
