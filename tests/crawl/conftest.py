"""Fixtures of the end-to-end crawl tests (helpers live in crawlkit.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from crawlkit import Workspace


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    return Workspace(tmp_path)
