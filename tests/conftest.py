"""Test-wide setup: no internet, shared paths."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
SHARED = ROOT.parent / "shared"
SAMPLES = SHARED / "site" / "samples"

# The guard, in this process and in every Python subprocess the tests start.
_NETGUARD = str(TESTS / "netguard")
sys.path.insert(0, _NETGUARD)
import sitecustomize as _netguard  # noqa: E402

_netguard.install()
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (_NETGUARD, str(ROOT), os.environ.get("PYTHONPATH")) if p
)
# No test may read or write the user's archive or the real sites' settings by accident.
os.environ.pop("KNOTCRAWL_DATABASE_URL", None)


@pytest.fixture
def samples_dir() -> Path:
    if not SAMPLES.is_dir():
        pytest.skip(f"the shared samples are not beside the project ({SAMPLES})")
    return SAMPLES
