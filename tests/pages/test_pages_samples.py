"""Every shared sample page gives exactly its expected JSON (samples/expected/*.json)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from knotcrawl.pages import PARSER_VERSION, parse_page

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "site" / "samples"

# The URL each sample was fetched from (samples/README.md).
SAMPLE_URLS = {
    "en-article-classic.html": "https://www.eng.kavkaz-uzel.eu/articles/47034",
    "en-article-2025.html": "https://www.eng.kavkaz-uzel.eu/articles/62493",
    "ru-article.html": "https://www.kavkaz-uzel.eu/articles/360812",
    "ru-article-mobile.html": "https://m.kavkaz-uzel.eu/articles/419812",
    "ru-article-amp.html": "https://amp.kavkaz-uzel.eu/articles/360845/",
    "en-listing-classic.html": "https://www.eng.kavkaz-uzel.eu/rubric/11?page=3",
    "en-listing-2025.html": "https://www.eng.kavkaz-uzel.eu/rubric/11?page=28",
    "ru-articles.rss": "https://www.kavkaz-uzel.eu/articles.rss",
}


def _expected_path(name: str) -> Path:
    stem = name[: -len(".html")] if name.endswith(".html") else name
    return SAMPLES / "expected" / f"{stem}.json"


def _cases() -> list[Any]:
    if not SAMPLES.is_dir():
        return [
            pytest.param(
                None,
                None,
                marks=pytest.mark.skip(
                    reason=f"the shared samples are not beside the project ({SAMPLES})"
                ),
            )
        ]
    cases = []
    for name in sorted(SAMPLE_URLS):
        expected = json.loads(_expected_path(name).read_text(encoding="utf-8"))
        for key in expected:
            cases.append(pytest.param(name, key, id=f"{name}:{key}"))
    return cases


_CACHE: dict[str, dict[str, Any]] = {}


def _parsed(name: str) -> dict[str, Any]:
    if name not in _CACHE:
        body = (SAMPLES / name).read_bytes()
        _CACHE[name] = parse_page(body, SAMPLE_URLS[name]).to_dict()
    return _CACHE[name]


# Where a sample and RECORD.md disagree, RECORD.md wins: its feed shape is
# {"kind", "edition", "url", "items"}; the sample's proposal also had null page numbers.
NOT_IN_RECORD_MD = {"ru-articles.rss": {"page", "next_page"}}


@pytest.mark.parametrize(("name", "key"), _cases())
def test_sample_field(name: str, key: str) -> None:
    expected = json.loads(_expected_path(name).read_text(encoding="utf-8"))
    if key in NOT_IN_RECORD_MD.get(name, ()):
        assert expected[key] is None
        assert key not in _parsed(name)
    else:
        assert _parsed(name)[key] == expected[key]


def test_feed_has_record_md_keys_only() -> None:
    if not SAMPLES.is_dir():
        pytest.skip(f"the shared samples are not beside the project ({SAMPLES})")
    assert list(_parsed("ru-articles.rss")) == ["kind", "edition", "url", "items"]


@pytest.mark.parametrize("name", [n for n in SAMPLE_URLS if "article-" in n])
def test_sample_crawl_only_fields(name: str) -> None:
    if not SAMPLES.is_dir():
        pytest.skip(f"the shared samples are not beside the project ({SAMPLES})")
    record = _parsed(name)
    assert record["parser_version"] == PARSER_VERSION
    assert record["first_seen_at"] is None and record["last_seen_at"] is None
    assert record["fetched_url"] == SAMPLE_URLS[name]
    assert list(record)[-3:] == ["parser_version", "first_seen_at", "last_seen_at"]


@pytest.mark.parametrize("name", [n for n in SAMPLE_URLS if "article" in n and n.endswith(".html")])
def test_sources_are_the_same_before_and_after_the_record(name: str) -> None:
    if not SAMPLES.is_dir():
        pytest.skip(f"the shared samples are not beside the project ({SAMPLES})")
    from knotcrawl.pages import ArticlePage

    html = (SAMPLES / name).read_bytes()
    alone = ArticlePage(html, SAMPLE_URLS[name]).sources
    page = ArticlePage(html, SAMPLE_URLS[name])
    page.to_record()
    assert page.sources == alone
    assert {"edition", "article_id", "title", "published_at", "body"} <= set(alone)
