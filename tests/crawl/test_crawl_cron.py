"""The crontab line of docs/crawling.md, run as cron runs it: `/bin/sh -c`, a minimal
environment, no terminal, in the deployment's directory. Cron mails whatever the line prints,
so it must print nothing when all is well and the one line that says what failed otherwise."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from crawlkit import ROOT, CrawlRun, replica

NOW = datetime(2026, 2, 1, tzinfo=UTC)
LATER = NOW + timedelta(hours=1)
CONFIG = {"seed": 7, "articles": 20}


def documented_cron_command() -> str:
    """The command of the crontab line in docs/crawling.md (after the five time fields)."""
    text = (ROOT / "docs" / "crawling.md").read_text()
    (block,) = re.findall(r"```cron\n(.*?)\n```", text, re.S)
    return block.split(None, 5)[5]


def run_from_cron(deployment: Path, command: str) -> CrawlRun:
    """``command`` in ``deployment`` (its ``.venv`` is this one) as cron runs it: what the
    shell prints is what cron mails."""
    (deployment / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    line = command.replace("/srv/knotcrawl", str(deployment))
    env = {"PATH": "/usr/bin:/bin", "HOME": str(deployment), "SHELL": "/bin/sh", "LOGNAME": "kc"}
    proc = subprocess.run(
        ["/bin/sh", "-c", line],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=180,
        start_new_session=True,  # no controlling terminal
        check=False,
    )
    (deployment / ".venv").unlink()
    return CrawlRun(proc.returncode, proc.stdout, proc.stderr, {}, {})


def test_the_documented_cron_line_mails_nothing_when_all_is_well_and_the_failure_otherwise(
    workspace,
):
    command = documented_cron_command()
    assert "knotcrawl update" in command
    # The researcher's first run (it makes data/logs, where the line keeps its summaries).
    with replica(**CONFIG, now=NOW) as server:
        first = workspace.run("update", "--replica", server.proxy_url, "--now", NOW.isoformat())
    assert first.status == 0, first.stderr

    def cron_command(proxy_url: str) -> str:
        arguments = f"--replica {proxy_url} --now {LATER.isoformat()} -s RETRY_TIMES=0"
        return command.replace("knotcrawl update", f"knotcrawl update {arguments}")

    with replica(**CONFIG, now=LATER) as server:
        quiet = run_from_cron(workspace.root, cron_command(server.proxy_url))
    assert (quiet.status, quiet.stdout, quiet.stderr) == (0, "", "")
    summaries = workspace.data / "logs" / "update-summary.log"
    assert summaries.read_text().startswith("knotcrawl update: new=")

    with replica(**CONFIG, now=LATER, faults=["/rubric/11*=500"]) as server:
        failed = run_from_cron(workspace.root, cron_command(server.proxy_url))
    assert failed.status == 1
    # The mail: one line that says what failed and that the next run fetches it again.
    assert failed.stderr.count("\n") == 1
    assert "1 URL failed (1 HTTP 500)" in failed.stderr
