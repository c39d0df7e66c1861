"""Redesigns a news site of 2026 might ship, written by hand (tests/pages/redesigns/): each
page must give exactly the record its JSON file states, field by field.

Every ``NAME.json`` holds ``_url`` (the address the page was fetched from) and the expected
fields; an article's ``body`` is listed paragraph by paragraph. The pages are not copies of
the real site (its HTML is unknown, SITE.md §10): they follow its text conventions (date
formats, credit and cross-reference lines, furniture phrases) in markups it may adopt:
Next.js with hashed classes, WordPress, Bootstrap cards, microdata, AMP carousels, Vue, a hero
photo above the columns, Atom and RSS extensions; RU desktop, mobile and AMP redesigns,
windows-1251 and KOI8-R pages, tables and tweets in the body, day headings with counts,
Media RSS captions; 1C-Bitrix, Drupal, Tilda, Joomla, Ghost and Hugo pages, an interview, a
chronicle, a live blog, a photo report, a video with a transcript, a column with the author's
card, "Load more" listings and an RSS feed whose items name their page only in guid or
comments; listings and feeds of round 5 (cards with relative times and a pinned older story,
flat grids with the title before or after its lead, a "Most read" box before the list, a
table with the lead in the row below, Atom with only ``<updated>``, RSS 1.0 and 0.91), a
toolbar of share words in one paragraph, a US date beside a date-only ``datetime``, and a
search page, which ``_rejected`` names as no listing (``NotAnArticle`` saying why); round 6's
article pages with a news page's extras: reader comments (native lists, Disqus, VK and
HyperComments widgets), an endless page appending the next article, print versions, no
``h1``, an inline "Read also:" line, a photo credit in the caption; round 7's credit and
cross-reference lines in every variant: credits on the date line after a middle dot or bar, in
brackets closing the last paragraph, authors as links with a role after a comma, several
sources, the cross-reference line at 12:05 am or 12:30 pm MSK, in 2012 and 2014 (UTC+4),
linking a mirror, `m.` or `amp.` host, broken over two paragraphs or italic in a quote; round
8's old layouts (2004–2013) as Wayback snapshots keep them: nested tables, ``<font>`` headlines,
windows-1251 declared in ``<meta http-equiv>`` or not at all, dates in summer and winter time,
and an old ``/newstext/`` address, which ``_rejected`` names as no ``/articles/`` id; an article
and a listing as archive.today serves its copies, under their short addresses (``archive.ph/<id>``:
the header names the original; classes gone, CSS inline, links through ``archive.ph/o/``), whose
records are those of the originals; round 9's Next.js and Nuxt pages (hashed classes, React's
comment splits, stale ``__NEXT_DATA__``), WordPress Gutenberg blocks (pull quotes, lists, embeds,
share and related-posts plugins), lazy photos with the caption only in ``alt``, ICU and US dates,
a date only in a tooltip, roles after an author's name, a "Comments" sub-heading of the text,
links to the old ``/newstext/`` news, a leads-first listing and a WordPress feed's footer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from knotcrawl.pages import NotAnArticle, parse_page

PAGES = Path(__file__).with_name("redesigns")


def _expected(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((PAGES / f"{name}.json").read_text(encoding="utf-8"))
    if isinstance(data.get("body"), list):
        data["body"] = "\n\n".join(data["body"])
    return data


def _cases() -> list[Any]:
    """One case per field; a listing's ``items`` give one per item and field (and one for
    their count), so a failure names the item and the field that differ."""
    cases = []
    for path in sorted(PAGES.glob("*.json")):
        expected = _expected(path.stem)
        if "_rejected" in expected:
            cases.append(pytest.param(path.stem, "_rejected", None, id=f"{path.stem}:rejected"))
        for field in expected:
            if field == "items":
                cases.append(pytest.param(path.stem, "items", None, id=f"{path.stem}:items"))
                for index, item in enumerate(expected["items"]):
                    for key in item:
                        case_id = f"{path.stem}:items[{index}].{key}"
                        cases.append(pytest.param(path.stem, f"items[{index}]", key, id=case_id))
            elif not field.startswith("_"):
                cases.append(pytest.param(path.stem, field, None, id=f"{path.stem}:{field}"))
    return cases


_PARSED: dict[str, dict[str, Any]] = {}


def _parsed(name: str) -> dict[str, Any]:
    if name not in _PARSED:
        page = next(p for p in PAGES.iterdir() if p.stem == name and p.suffix != ".json")
        _PARSED[name] = parse_page(page.read_bytes(), _expected(name)["_url"]).to_dict()
    return _PARSED[name]


@pytest.mark.parametrize(("name", "field", "key"), _cases())
def test_redesign_field(name: str, field: str, key: str | None) -> None:
    if field == "_rejected":
        page = next(p for p in PAGES.iterdir() if p.stem == name and p.suffix != ".json")
        expected_reason = _expected(name)["_rejected"]
        with pytest.raises(NotAnArticle, match=expected_reason):
            parse_page(page.read_bytes(), _expected(name)["_url"])
        return
    parsed, expected = _parsed(name), _expected(name)
    if key is None and field == "items":
        assert len(parsed["items"]) == len(expected["items"])
    elif key is None:
        assert parsed[field] == expected[field]
    else:
        index = int(field[len("items[") : -1])
        parsed_items = parsed["items"]
        got = parsed_items[index][key] if index < len(parsed_items) else "<no such item>"
        assert got == expected["items"][index][key]
