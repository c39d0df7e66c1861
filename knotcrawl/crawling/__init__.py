"""Shared crawl machinery: job frontier, crawl context (archive, ledger, lock), options, runner."""
