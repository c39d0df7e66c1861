# ruff: noqa: E501  (markup fixtures read best unwrapped)
"""Generated listing pages rendered into random markups: every item field must come out right."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from knotcrawl.moscow import MOSCOW, utc_iso
from knotcrawl.pages import parse_listing

WORDS = ["court", "village", "road", "police", "river", "school", "protest", "water", "snow"]
EN_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def _text(draw: st.DrawFn, lo: int, hi: int) -> str:
    words = draw(st.lists(st.sampled_from(WORDS), min_size=lo, max_size=hi))
    text = " ".join(words)
    return text[:1].upper() + text[1:]


@st.composite
def listings(draw: st.DrawFn) -> dict:
    count = draw(st.integers(1, 12))
    start = draw(st.datetimes(min_value=datetime(2005, 1, 1), max_value=datetime(2030, 1, 1)))
    items = []
    moment = start.replace(second=0, microsecond=0, tzinfo=UTC)
    for i in range(count):
        moment -= timedelta(minutes=draw(st.integers(5, 600)))
        local = moment.astimezone(MOSCOW)
        if local.fold:
            local = (moment - timedelta(hours=2)).astimezone(MOSCOW)
        fmt = draw(st.integers(0, 1))
        raw = (
            f"{EN_MONTHS[local.month - 1]} {local.day:02d}, {local.year} {local:%H:%M}"
            if fmt == 0
            else f"{local:%H:%M}, {local.day} {EN_MONTHS[local.month - 1]} {local.year}"
        )
        lead = draw(st.one_of(st.none(), st.just(_text(draw, 4, 12) + ".")))
        caption = draw(st.one_of(st.none(), st.just(_text(draw, 2, 6) + ". Photo: press service")))
        items.append(
            {
                "article_id": 60000 - i * 3,
                "title": _text(draw, 2, 8) + f" {i}",
                "raw": raw,
                "utc": utc_iso(local),
                "lead": lead,
                "caption": caption,
            }
        )
    return {
        "items": items,
        "style": draw(st.sampled_from(["cards", "flat", "list", "table"])),
        "wrappers": draw(st.integers(0, 3)),
        "sidebar": draw(st.sampled_from(["none", "before", "after"])),
        "pager": draw(st.sampled_from(["rel", "arrow", "none"])),
        "page": draw(st.integers(1, 900)),
    }


def _render(data: dict) -> str:
    parts = []
    for it in data["items"]:
        href = f"/articles/{it['article_id']}"
        title = html.escape(it["title"])
        lead = f"<p>{html.escape(it['lead'])}</p>" if it["lead"] else ""
        fig = (
            f"<figure><img src='/i.jpg' alt=''><figcaption>{html.escape(it['caption'])}</figcaption></figure>"
            if it["caption"]
            else ""
        )
        if data["style"] == "cards":
            parts.append(
                f"<article>{fig}<time>{it['raw']}</time><h2><a href='{href}'>{title}</a></h2>{lead}</article>"
            )
        elif data["style"] == "flat":
            parts.append(
                f"{fig}<p class='d'>{it['raw']}</p><h3><a href='{href}'>{title}</a></h3>{lead}"
            )
        elif data["style"] == "list":
            parts.append(
                f"<li>{fig}<span>{it['raw']}</span> <a href='{href}'>{title}</a>{lead}</li>"
            )
        else:
            parts.append(
                f"<tr><td>{it['raw']}</td><td>{fig}<a href='{href}'>{title}</a>{lead}</td></tr>"
            )
    body = "".join(parts)
    if data["style"] == "list":
        body = f"<ul>{body}</ul>"
    elif data["style"] == "table":
        body = f"<table>{body}</table>"
    main = f"<div>{body}</div>"
    page = data["page"]
    if data["pager"] == "rel":
        main += f"<div><a href='/rubric/11?page={page + 1}' rel='next'>{page + 1}</a></div>"
    elif data["pager"] == "arrow":
        main += f"<div><a href='/rubric/11?page={page + 1}'>»</a></div>"
    for i in range(data["wrappers"]):
        main = f"<div class='w{i}'>{main}</div>"
    sidebar = (
        "<aside><a href='/articles/45502'>Featured story</a><p>March 01, 2019 10:00</p></aside>"
    )
    if data["sidebar"] == "before":
        main = sidebar + main
    elif data["sidebar"] == "after":
        main = main + sidebar
    return f"<html lang='en'><body><nav><a href='/rubric/11'>News</a></nav>{main}</body></html>"


@settings(max_examples=150, deadline=None)
@given(data=listings())
def test_generated_listing_in_random_markup(data: dict) -> None:
    url = f"https://www.eng.kavkaz-uzel.eu/rubric/11?page={data['page']}"
    listing = parse_listing(_render(data).encode(), url)
    got = [
        (i.article_id, i.title, i.published_raw, i.published_at, i.lead, i.photo_caption)
        for i in listing.items
    ]
    want = [
        (it["article_id"], it["title"], it["raw"], it["utc"], it["lead"], it["caption"])
        for it in data["items"]
    ]
    assert got == want
    expected_next = (
        None
        if data["pager"] == "none"
        else f"https://www.eng.kavkaz-uzel.eu/rubric/11?page={data['page'] + 1}"
    )
    assert listing.next_page == expected_next
    assert listing.page == data["page"]
