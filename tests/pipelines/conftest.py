"""Fixtures of the pipeline tests (helpers live in pipekit.py)."""

from __future__ import annotations

from pipekit import context, crawler

__all__ = ["context", "crawler"]
