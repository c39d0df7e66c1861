"""list, search, show and stats against what the stored truth says, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
import struct
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from analysis_fixtures import ADDED_PARAGRAPH, Filled
from clikit import Outcome

from knotcrawl.moscow import parse_utc_iso
from knotcrawl.record import ArticleRecord

Cli = Callable[..., Outcome]
_WORD = re.compile(r"[^\W_]+")


def tokens(text: str) -> list[str]:
    return [w.lower().replace("ё", "е") for w in _WORD.findall(text)]


def fields_tokens(record: ArticleRecord) -> list[list[str]]:
    return [tokens(record.title), tokens("; ".join(record.authors)), tokens(record.body)]


def listed(cli: Cli, filled: Filled, *args: str) -> list[tuple[str, int]]:
    result = cli("list", "--db", filled.url, "--json", "--limit", "0", *args)
    assert result.status == 0, result.err
    return [(row["edition"], row["article_id"]) for row in json.loads(result.out)]


def searched(cli: Cli, filled: Filled, query: str, *args: str) -> dict[str, Any]:
    result = cli("search", query, "--db", filled.url, "--json", "--limit", "1000", *args)
    assert result.status == 0, result.err
    data: dict[str, Any] = json.loads(result.out)
    return data


def hit_keys(data: dict[str, Any]) -> set[tuple[str, int]]:
    return {(h["edition"], h["article_id"]) for h in data["hits"]}


# ----------------------------------------------------------------------------- list


def test_list_every_article_newest_first(cli: Cli, filled: Filled) -> None:
    keys = listed(cli, filled)
    assert set(keys) == {filled.key(r) for r in filled.records}
    assert len(keys) == len(filled.records)
    when = {filled.key(r): r.published_at for r in filled.records}
    published = [when[k] for k in keys]
    assert published == sorted(published, reverse=True)


def test_list_filters_match_the_truth(cli: Cli, filled: Filled) -> None:
    records = filled.records
    assert set(listed(cli, filled, "--edition", "ru")) == filled.select(lambda r: r.edition == "ru")
    years = sorted({r.published_at[:4] for r in records})
    year = years[len(years) // 2]
    assert set(listed(cli, filled, "--since", year, "--until", year)) == filled.select(
        lambda r: r.published_at.startswith(year)
    )
    # a date-time bound in another zone is converted to UTC
    moment = sorted(r.published_at for r in records)[len(records) // 3]
    local = parse_utc_iso(moment).astimezone().isoformat()
    assert set(listed(cli, filled, "--since", local)) == filled.select(
        lambda r: r.published_at >= moment
    )
    assert set(listed(cli, filled, "--until", moment.replace("Z", "+00:00"))) == filled.select(
        lambda r: r.published_at < moment
    )
    author = Counter(a for r in records for a in r.authors).most_common(3)[-1][0]
    part = author.split()[-1][1:].upper()  # a case-insensitive substring
    assert set(listed(cli, filled, "--author", part)) == filled.select(
        lambda r: any(part.casefold() in a.casefold() for a in r.authors)
    )
    cyrillic = next(a for r in records if r.edition == "ru" for a in r.authors)
    part = cyrillic.split()[0][1:].upper()  # Cyrillic, upper case: folded like Latin
    assert set(listed(cli, filled, "--author", part)) == filled.select(
        lambda r: any(part.casefold() in a.casefold() for a in r.authors)
    )
    section = Counter(s for r in records for s in r.sections).most_common()[-1][0]
    assert set(listed(cli, filled, "--section", section)) == filled.select(
        lambda r: section in r.sections
    )
    source = next(r.source for r in records if r.source)
    assert set(listed(cli, filled, "--source", source[2:8])) == filled.select(
        lambda r: r.source is not None and source[2:8].casefold() in r.source.casefold()
    )
    assert set(listed(cli, filled, "--has-original")) == filled.select(
        lambda r: r.original is not None
    )
    assert set(listed(cli, filled, "--no-has-original", "--edition", "en")) == filled.select(
        lambda r: r.original is None and r.edition == "en"
    )
    assert listed(cli, filled, "--changed") == [filled.edited]
    assert listed(cli, filled, "--gone") == [filled.gone]
    assert len(listed(cli, filled, "--no-gone")) == len(records) - 1


def test_list_sort_and_limit(cli: Cli, filled: Filled) -> None:
    keys = listed(cli, filled, "--sort", "id", "--edition", "en")
    assert keys == sorted(filled.select(lambda r: r.edition == "en"))
    titles = {filled.key(r): r.title for r in filled.records}
    by_title = listed(cli, filled, "--sort", "-title", "--edition", "en")
    assert [titles[k] for k in by_title] == sorted((titles[k] for k in by_title), reverse=True) or (
        filled.backend == "postgresql"  # collation may differ; the set is what matters there
    )
    result = cli("list", "--db", filled.url, "--limit", "3", "--sort", "published")
    assert result.status == 0
    lines = result.out.splitlines()
    assert lines[0].split()[:2] == ["ID", "PUBLISHED"]
    assert len(lines) == 2 + 3
    oldest = min(filled.records, key=lambda r: r.published_at)
    assert lines[2].startswith(f"{oldest.edition}:{oldest.article_id} ")
    assert f"3 of {len(filled.records)} articles" in result.err


# ----------------------------------------------------------------------------- search


def _rare_words(filled: Filled, edition: str, n: int) -> list[str]:
    df: Counter[str] = Counter()
    for r in filled.records:
        if r.edition == edition:
            df.update({t for f in fields_tokens(r) for t in f})
    rare = sorted(
        (w for w, c in df.items() if 2 <= c <= 6 and len(w) >= 6 and w.isalpha()),
        key=lambda w: (df[w], w),
    )
    return rare[:n]


def _expected(filled: Filled, predicate: Callable[[list[list[str]]], bool]) -> set[tuple[str, int]]:
    return filled.select(lambda r: predicate(fields_tokens(r)))


def _has(word: str) -> Callable[[list[list[str]]], bool]:
    return lambda fs: any(word in f for f in fs)


def test_search_words_match_the_truth(cli: Cli, filled: Filled) -> None:
    for edition in ("en", "ru"):
        for word in _rare_words(filled, edition, 4):
            data = searched(cli, filled, word)
            assert hit_keys(data) == _expected(filled, _has(word)), word
            assert data["total"] == len(data["hits"])
            for hit in data["hits"]:
                assert "[" in hit["snippet"] and "]" in hit["snippet"]
                assert re.search(r"\[[^\]]+\]", hit["snippet"])
                assert hit["url"].endswith(f"/articles/{hit['article_id']}")
                assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", hit["published_at"])
            scores = [h["score"] for h in data["hits"]]
            assert scores == sorted(scores, reverse=True)


def test_search_operators_match_the_truth(cli: Cli, filled: Filled) -> None:
    a, b = _rare_words(filled, "en", 2)
    r1, r2 = _rare_words(filled, "ru", 2)
    assert hit_keys(searched(cli, filled, f"{a} OR {r1}")) == _expected(
        filled, lambda fs: _has(a)(fs) or _has(r1)(fs)
    )
    common = Counter(t for r in filled.records if r.edition == "en" for t in set(tokens(r.body)))
    frequent = next(w for w, _ in common.most_common() if len(w) > 4 and w.isalpha())
    assert hit_keys(searched(cli, filled, f"{frequent} NOT {a}")) == _expected(
        filled, lambda fs: _has(frequent)(fs) and not _has(a)(fs)
    )
    assert hit_keys(searched(cli, filled, f"{frequent} -{a} -{b}")) == _expected(
        filled, lambda fs: _has(frequent)(fs) and not _has(a)(fs) and not _has(b)(fs)
    )
    prefix = r2[:5]
    assert hit_keys(searched(cli, filled, f"{prefix}*")) == _expected(
        filled, lambda fs: any(t.startswith(prefix) for f in fs for t in f)
    )
    # a phrase: two consecutive words of one article's title
    record = next(r for r in filled.records if len(tokens(r.title)) >= 4)
    w1, w2 = tokens(record.title)[1:3]

    def bigram(fs: list[list[str]]) -> bool:
        return any(f[i] == w1 and f[i + 1] == w2 for f in fs for i in range(len(f) - 1))

    hits = hit_keys(searched(cli, filled, f'"{w1} {w2}"'))
    assert filled.key(record) in hits
    assert hits == _expected(filled, bigram)


def test_search_filters_and_sort(cli: Cli, filled: Filled) -> None:
    common = Counter(t for r in filled.records for t in set(tokens(r.body)))
    word = next(w for w, _ in common.most_common() if len(w) > 4 and w.isalpha())
    everything = _expected(filled, _has(word))
    en = hit_keys(searched(cli, filled, word, "--edition", "en"))
    assert en == {k for k in everything if k[0] == "en"}
    mid = sorted(r.published_at for r in filled.records)[len(filled.records) // 2][:10]
    since = hit_keys(searched(cli, filled, word, "--since", mid, "--has-original"))
    assert since == {
        filled.key(r)
        for r in filled.records
        if filled.key(r) in everything and r.published_at >= mid and r.original is not None
    }
    data = searched(cli, filled, word, "--sort", "-published", "--limit", "5")
    assert len(data["hits"]) == 5 and data["total"] == len(everything)
    dates = [h["published_at"] for h in data["hits"]]
    assert dates == sorted(dates, reverse=True)
    newest = sorted(r.published_at for r in filled.records if filled.key(r) in everything)
    assert dates[0] == newest[-1]
    page2 = searched(cli, filled, word, "--sort", "-published", "--limit", "5", "--offset", "5")
    assert not hit_keys(page2) & hit_keys(data)


def test_search_window_ranks_the_newest_matches(cli: Cli, filled: Filled) -> None:
    common = Counter(t for r in filled.records for t in set(tokens(r.body)))
    word = next(w for w, _ in common.most_common() if len(w) > 4 and w.isalpha())
    everything = _expected(filled, _has(word))
    dates = sorted(r.published_at for r in filled.records if filled.key(r) in everything)
    data = searched(cli, filled, word, "--window", "3")
    assert len(data["hits"]) == 3 and data["window"] == 3 and data["total"] == len(everything)
    assert all(h["published_at"] >= dates[-3] for h in data["hits"])
    assert hit_keys(searched(cli, filled, word, "--window", "0")) == everything
    text = cli("search", word, "--db", filled.url, "--window", "3", "--limit", "2")
    assert f"best of the newest 3 matches; --window 0 ranks all {len(everything):,}" in text.err
    bad = cli("search", word, "--db", filled.url, "--window", "-1")
    assert bad.status == 2 and "window: must not be negative" in bad.err


def test_search_word_forms(cli: Cli, filled: Filled) -> None:
    from knotcrawl.db.queries import stem

    counts = Counter(t for r in filled.records if r.edition == "ru" for t in tokens(r.body))
    word = next(w for w, _ in counts.most_common() if len(w) > 6 and stem(w) != w and w.isalpha())
    base = stem(word)
    exact = hit_keys(searched(cli, filled, word))
    forms = hit_keys(searched(cli, filled, word, "--forms"))
    assert exact <= forms
    assert forms == _expected(filled, lambda fs: any(t.startswith(base) for f in fs for t in f))


def test_search_terminal_output(cli: Cli, filled: Filled) -> None:
    word = _rare_words(filled, "en", 1)[0]
    result = cli("search", word, "--db", filled.url)
    assert result.status == 0
    first = next(iter(_expected(filled, _has(word))))
    assert any(f"{first[0]}:{first[1]}" in line for line in result.out.splitlines())
    assert "[" in result.out and "hits 1–" not in result.out
    # The count goes to stderr, as list's does: stdout holds only the hits.
    assert result.err.startswith("hits 1–")
    none = cli("search", "qqqzzzxxy", "--db", filled.url)
    assert none.status == 0 and none.out == "" and "no articles match" in none.err


# ----------------------------------------------------------------------------- show


def test_show_english_article_with_original_and_revision(cli: Cli, filled: Filled) -> None:
    edition, article_id = filled.edited
    result = cli("show", f"{edition}:{article_id}", "--db", filled.url, "--json")
    assert result.status == 0, result.err
    data = json.loads(result.out)
    record = next(r for r in filled.records if filled.key(r) == filled.edited)
    expected = record.to_dict()
    for name in ("title", "body", "authors", "links", "original", "sections", "published_at"):
        assert data["record"][name] == expected[name], name
    assert data["counterparts"][0]["relation"] == "original"
    assert data["counterparts"][0]["url"] == record.original.url  # type: ignore[union-attr]
    assert len(data["revisions"]) == 1
    revision = data["revisions"][0]
    assert revision["record"]["body"] == filled.before_edit.body
    assert f"+{ADDED_PARAGRAPH}" in revision["diff_to_next"].splitlines()
    text = cli("show", record.url, "--db", filled.url)
    assert text.status == 0
    assert record.title in text.out and f"+{ADDED_PARAGRAPH}" in text.out
    assert "Revisions (1 earlier version)" in text.out


def test_show_russian_article_lists_its_translations(cli: Cli, filled: Filled) -> None:
    translated = Counter(
        r.original.article_id for r in filled.records if r.original and r.original.article_id
    )
    stored_ru = {r.article_id for r in filled.records if r.edition == "ru"}
    ru_id = next((i for i in translated if i in stored_ru), None)
    if ru_id is None:
        pytest.skip("no stored Russian article has an English translation in this archive")
    mirror = f"https://amp.kavkaz-uzel.eu/articles/{ru_id}/"
    data = json.loads(cli("show", mirror, "--db", filled.url, "--json").out)
    assert data["record"]["edition"] == "ru" and data["record"]["article_id"] == ru_id
    translations = {c["article_id"] for c in data["counterparts"] if c["relation"] == "translation"}
    assert translations == {
        r.article_id
        for r in filled.records
        if r.original is not None and r.original.article_id == ru_id
    }


def test_show_bare_ids(cli: Cli, filled: Filled) -> None:
    en_ids = {r.article_id for r in filled.records if r.edition == "en"}
    ru_ids = {r.article_id for r in filled.records if r.edition == "ru"}
    only_en = min(en_ids - ru_ids)
    result = cli("show", str(only_en), "--db", filled.url, "--json")
    assert result.status == 0 and json.loads(result.out)["record"]["edition"] == "en"
    result = cli("show", str(min(ru_ids)), "--edition", "ru", "--db", filled.url, "--json")
    assert json.loads(result.out)["record"]["article_id"] == min(ru_ids)
    missing = cli("show", "en:1", "--db", filled.url)
    assert missing.status == 1 and missing.err.count("\n") == 1 and "en:1" in missing.err
    both = en_ids & ru_ids
    if both:
        ambiguous = cli("show", str(min(both)), "--db", filled.url)
        assert ambiguous.status == 2 and "--edition" in ambiguous.err


# ----------------------------------------------------------------------------- stats


def test_stats_match_the_truth(cli: Cli, filled: Filled) -> None:
    result = cli("stats", "--db", filled.url, "--json", "--top", "5")
    assert result.status == 0, result.err
    data = json.loads(result.out)
    per_month = Counter((r.published_at[:7], r.edition) for r in filled.records)
    counted = {(m["month"], m["edition"]): m["articles"] for m in data["per_month"]}
    assert {key: n for key, n in counted.items() if n} == per_month
    # Every month from the first to the last, each edition, empty ones as 0 (as in the table).
    months = _months_between(min(per_month)[0], max(per_month)[0])
    assert list(counted) == [(month, ed) for month in months for ed in ("en", "ru")]
    totals = data["totals"]
    assert totals["articles"] == len(filled.records)
    assert totals["by_edition"] == dict(Counter(r.edition for r in filled.records))
    assert totals["gone"] == 1 and totals["changed"] == 1 and totals["revisions"] == 1
    en = [r for r in filled.records if r.edition == "en"]
    with_original = sum(r.original is not None for r in en)
    assert totals["en_articles"] == len(en) and totals["en_with_original"] == with_original
    assert totals["en_original_share"] == pytest.approx(with_original / len(en))
    authors = Counter(a for r in filled.records for a in r.authors)
    top = data["top_authors"]
    assert len(top) == 5
    for item in top:
        assert authors[item["author"]] == item["articles"]
    assert top[0]["articles"] == authors.most_common(1)[0][1]
    sections = Counter(s for r in filled.records for s in r.sections)
    assert {i["section"]: i["articles"] for i in data["top_sections"]}.items() <= sections.items()
    sources = Counter(r.source for r in filled.records if r.source)
    assert data["top_sources"][0]["articles"] == sources.most_common(1)[0][1]
    crawl = data["crawl"]
    assert [r["status"] for r in crawl["runs"]] == ["failed", "finished"]
    assert crawl["runs"][1]["new"] == 3 and crawl["runs"][1]["requests"] == 12
    assert crawl["open_errors"] == 2


def test_stats_filters_and_text(cli: Cli, filled: Filled) -> None:
    data = json.loads(cli("stats", "--db", filled.url, "--json", "--edition", "ru").out)
    assert data["totals"]["articles"] == len(filled.select(lambda r: r.edition == "ru"))
    assert {m["edition"] for m in data["per_month"]} == {"ru"}
    text = cli("stats", "--db", filled.url, "--by", "year")
    assert text.status == 0
    years = Counter(r.published_at[:4] for r in filled.records)
    year, n = years.most_common(1)[0]
    row = next(line for line in text.out.splitlines() if line.startswith(year + " "))
    assert row.split()[-1] == str(n)
    for heading in ("Top authors", "Top sections", "Top sources", "Crawl health"):
        assert heading in text.out
    assert "English with a Russian original" in text.out
    ru_only = cli("stats", "--db", filled.url, "--edition", "ru")
    assert "English with a Russian original" not in ru_only.out  # not "0 of 0"
    assert "open crawl errors: 2" in text.out


def test_stats_with_child_table_filters(cli: Cli, filled: Filled) -> None:
    # The top lists select FROM article_authors/article_sections themselves; the --author,
    # --section and --changed filters must still be subqueries on the article.
    author = Counter(a for r in filled.records for a in r.authors).most_common(1)[0][0]
    section = Counter(s for r in filled.records for s in r.sections).most_common(1)[0][0]
    cases: list[tuple[list[str], Callable[[ArticleRecord], bool]]] = [
        (["--author", author], lambda r: author in r.authors),
        (["--section", section], lambda r: section in r.sections),
        (["--changed"], lambda r: filled.key(r) == filled.edited),
        (
            ["--no-changed", "--section", section],
            lambda r: section in r.sections and filled.key(r) != filled.edited,
        ),
    ]
    for args, predicate in cases:
        result = cli("stats", "--db", filled.url, "--json", *args)
        assert result.status == 0, (args, result.err)
        data = json.loads(result.out)
        matching = [r for r in filled.records if predicate(r)]
        assert data["totals"]["articles"] == len(matching), args
        authors = Counter(a for r in matching for a in r.authors)
        assert {i["author"]: i["articles"] for i in data["top_authors"]}.items() <= authors.items()
        sections = Counter(s for r in matching for s in r.sections)
        assert {i["section"]: i["articles"] for i in data["top_sections"]}.items() <= (
            sections.items()
        ), args


def _month_shift(month: str, by: int) -> str:
    year, mon = divmod(int(month[:4]) * 12 + int(month[5:]) - 1 + by, 12)
    return f"{year:04d}-{mon + 1:02d}"


def _table_months(text: str) -> list[str]:
    return [line.split()[0] for line in text.splitlines() if re.match(r"\d{4}-\d\d ", line)]


def test_stats_months_span_the_asked_period(cli: Cli, filled: Filled, tmp_path: Path) -> None:
    """``--since``/``--until`` name the period: its empty first and last months are rows of
    zeros in the table, the chart and the notebook's frame, not left out."""
    from knotcrawl.api import open_archive

    present = sorted({r.published_at[:7] for r in filled.records})
    since, until = _month_shift(present[0], -2), _month_shift(present[-1], 3)
    span = len(_months_between(since, until))
    result = cli("stats", "--db", filled.url, "--since", since, "--until", until)
    assert result.status == 0, result.err
    months = _table_months(result.out)
    assert (months[0], months[-1], len(months)) == (since, until, span)
    first_row = next(line for line in result.out.splitlines() if line.startswith(since))
    assert first_row.split()[1:] == ["0", "0", "0"]
    plot = cli(
        "stats",
        "--db",
        filled.url,
        "--since",
        since,
        "--until",
        until,
        "--json",
        "--plot",
        str(tmp_path / "p.png"),
    )
    assert json.loads(plot.out)["plot"]["months"] == span
    assert [m["month"] for m in json.loads(plot.out)["per_month"]][::2] == _months_between(
        since, until
    )
    with open_archive(filled.url) as kc:
        frame = kc.per_month(since=since, until=until)
    assert (frame.index[0], frame.index[-1], len(frame)) == (since, until, span)


def _months_between(first: str, last: str) -> list[str]:
    out = [first]
    while out[-1] != last:
        out.append(_month_shift(out[-1], 1))
    return out


def test_stats_period_stops_at_the_current_month(cli: Cli, filled: Filled) -> None:
    """Without ``--until``, or with one in the future, the table runs to the current month
    and no further."""
    from datetime import UTC, datetime

    present = sorted({r.published_at[:7] for r in filled.records})
    current = datetime.now(UTC).strftime("%Y-%m")
    assert present[-1] <= current
    for args in (["--since", present[0]], ["--since", present[0], "--until", "2999"]):
        result = cli("stats", "--db", filled.url, *args)
        assert result.status == 0, result.err
        months = _table_months(result.out)
        assert months == _months_between(present[0], current), args


def test_stats_json_months_are_the_tables_for_both_editions(cli: Cli, filled: Filled) -> None:
    """``per_month`` in ``--json`` holds the table's months for en and ru, also where the
    filters leave one edition or every article out (a period before the archive, English
    articles with an original): a script reading ``ru`` finds zeros, not a missing key."""
    for args in (["--since", "1990-01", "--until", "1990-03"], ["--has-original"]):
        table = _table_months(cli("stats", "--db", filled.url, *args).out)
        data = json.loads(cli("stats", "--db", filled.url, "--json", *args).out)
        listed = [(m["month"], m["edition"]) for m in data["per_month"]]
        assert listed == [(month, ed) for month in table for ed in ("en", "ru")], args


def test_asked_period() -> None:
    from datetime import UTC, datetime

    from knotcrawl.analysis.stats import asked_period, month_range
    from knotcrawl.db.queries import Filters

    now = datetime(2026, 11, 24, 12, tzinfo=UTC)
    assert asked_period(Filters.make(), now) == (None, None)
    assert asked_period(Filters.make(since="2019-05", until="2019-05"), now) == (
        "2019-05",
        "2019-05",
    )
    # an exclusive date-time bound at midnight of the 1st leaves that month out
    assert asked_period(Filters.make(until="2019-06-01T00:00"), now) == (None, "2019-05")
    # a zone: 2019-05-01T01:00+03:00 is still April in UTC
    assert asked_period(Filters.make(since="2019-05-01T01:00+03:00"), now) == (
        "2019-04",
        "2026-11",
    )
    assert asked_period(Filters.make(since="2100"), now) == ("2100-01", "2026-11")
    assert month_range([], ("2100-01", "2026-11")) == []
    assert month_range([], ("2019-11", "2020-02")) == ["2019-11", "2019-12", "2020-01", "2020-02"]
    assert month_range(["2020-03"], (None, "2020-01")) == ["2020-03"]
    assert month_range([], (None, "2020-01")) == []


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_stats_plot_is_a_png(cli: Cli, filled: Filled, tmp_path: Path) -> None:
    target = tmp_path / "months.png"
    result = cli("stats", "--db", filled.url, "--plot", str(target), "--json")
    assert result.status == 0, result.err
    width, height = png_size(target)
    assert 800 <= width <= 2400 and 400 <= height <= 1600
    assert target.stat().st_size > 10_000
    assert json.loads(result.out)["plot"]["months"] >= 12
    assert [p.name for p in tmp_path.iterdir()] == ["months.png"]


def _drawn(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """What ``stats --plot`` draws: titles and tick labels of each figure, read before the
    command closes it."""
    from knotcrawl.analysis import stats

    drawn: list[dict[str, Any]] = []
    draw = stats.draw_monthly

    def spy(*args: Any, **kwargs: Any) -> Any:
        fig = draw(*args, **kwargs)
        fig.canvas.draw()
        ax = fig.axes[0]
        drawn.append(
            {
                "suptitle": fig.get_suptitle(),
                "title": ax.get_title(),
                "xticks": list(ax.get_xticks()),
                "xlabels": [t.get_text() for t in ax.get_xticklabels()],
                "yticks": [t for t in ax.get_yticks() if ax.get_ylim()[0] <= t <= ax.get_ylim()[1]],
            }
        )
        return fig

    monkeypatch.setattr(stats, "draw_monthly", spy)
    return drawn


def test_stats_plot_names_its_filters(
    cli: Cli, filled: Filled, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn = _drawn(monkeypatch)
    target = tmp_path / "ru.png"
    args = ("--edition", "ru", "--since", "2010", "--no-gone", "--author", "а")
    result = cli("stats", "--db", filled.url, "--plot", str(target), *args)
    assert result.status == 0, result.err
    assert drawn[0]["suptitle"] == "Caucasian Knot: articles published per month"
    subtitle = "Russian edition, since 2010, author contains “а”, still on the site"
    assert drawn[0]["title"] == subtitle
    result = cli("stats", "--db", filled.url, "--plot", str(target))
    assert result.status == 0, result.err
    assert drawn[1]["suptitle"] == ""
    assert drawn[1]["title"] == "Caucasian Knot: articles published per month"


@pytest.mark.parametrize(
    ("months", "labels"),
    [
        (["2025-07", "2025-09"], ["Jul", "Aug", "Sep"]),
        (["2025-09"], ["Sep 2025"]),
        (["2023-06", "2025-12"], ["Jul", "Oct", "2024", "Apr", "Jul", "Oct", "2025", "Apr"]),
    ],
)
def test_stats_plot_ticks_are_months_and_whole_numbers(
    months: list[str], labels: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A short chart has a tick per month (or quarter, with January among them, so the year
    is named), never a day or an hour; the count axis has no fractions."""
    from matplotlib import dates as mdates

    from knotcrawl.analysis import stats

    drawn = _drawn(monkeypatch)
    per_month = [{"month": m, "edition": "ru", "articles": 3 * i + 1} for i, m in enumerate(months)]
    stats.plot_monthly(per_month, str(tmp_path / "chart.png"))
    (got,) = drawn
    assert got["xlabels"][: len(labels)] == labels
    assert all(mdates.num2date(t).day == 1 for t in got["xticks"])
    assert got["yticks"] and all(float(t).is_integer() for t in got["yticks"])


def test_stats_plot_lines_start_at_the_asked_period() -> None:
    """With --since the chart's lines start at the period's first month, as the table's rows
    do; without it each edition's line starts at its first article."""
    import matplotlib.pyplot as plt
    from matplotlib import dates as mdates

    from knotcrawl.analysis import stats

    per_month = [
        {"month": "2025-08", "edition": "ru", "articles": 4},
        {"month": "2025-09", "edition": "en", "articles": 2},
    ]
    firsts = {}
    for period in ((None, None), ("2025-06", "2025-10")):
        fig = stats.draw_monthly(per_month, period=period)
        try:
            firsts[period] = sorted(
                mdates.num2date(line.get_xdata()[0]).strftime("%Y-%m")
                for line in fig.axes[0].get_lines()
            )
        finally:
            plt.close(fig)
    assert firsts[(None, None)] == ["2025-08", "2025-09"]
    assert firsts[("2025-06", "2025-10")] == ["2025-06", "2025-06"]


def test_stats_plot_draws_only_the_editions_with_articles(cli: Cli, filled: Filled) -> None:
    """``per_month`` lists both editions with zeros; the chart of ``--has-original`` (English
    articles only) still has no Russian line."""
    import matplotlib.pyplot as plt

    from knotcrawl.analysis import stats

    data = json.loads(cli("stats", "--db", filled.url, "--json", "--has-original").out)
    fig = stats.draw_monthly(data["per_month"])
    try:
        labels = [line.get_label() for line in fig.axes[0].get_lines()]
    finally:
        plt.close(fig)
    assert labels == ["English (en)"]


def test_stats_of_no_articles_says_none_were_published(cli: Cli, filled: Filled) -> None:
    result = cli("stats", "--db", filled.url, "--since", "2100")
    assert result.status == 0, result.err
    published = next(line for line in result.out.splitlines() if line.startswith("published"))
    assert published.split(":", 1)[1].strip() == "none"
