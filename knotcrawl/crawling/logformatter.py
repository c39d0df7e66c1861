"""Scrapy log formatting: no dumps of whole items (a page body per line) in the log."""

from __future__ import annotations

from typing import Any

from scrapy import logformatter


class QuietLogFormatter(logformatter.LogFormatter):
    def scraped(self, item: Any, response: Any, spider: Any) -> Any:
        return None

    def dropped(self, item: Any, exception: BaseException, response: Any, spider: Any) -> Any:
        entry = super().dropped(item, exception, response, spider)
        if entry is not None:
            entry["msg"] = "Dropped: %(exception)s"
            entry["args"] = {"exception": exception}
        return entry
