# ruff: noqa: E501, SIM905  (markup fixtures read best unwrapped)
"""Generated articles rendered into random markups: every field must still come out right."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from knotcrawl.moscow import MOSCOW, local_iso, utc_iso
from knotcrawl.pages import parse_article

EN_WORDS = (
    "residents court village road police mountain river school protest authorities "
    "activists hearing district water heating city detained released farmers border "
    "election journalist lawyer family appeal market bridge snow hospital"
).split()
RU_WORDS = (
    "жители суд село дорога полиция гора река школа акция власти активисты заседание "
    "район вода отопление город задержан освобожден фермеры граница выборы журналист "
    "адвокат семья жалоба рынок мост снег больница"
).split()
EN_NAMES = "Oleg Anna Emil Zarina Tamaz Karen Lyudmila Ruslan".split()
EN_SURNAMES = "Krasnov Grigorieva Gasanov Tsakhoeva Lakoba Avetisyan Tsoraev".split()
RU_NAMES = "Олег Анна Заур Ирина Тамаз Людмила".split()
RU_SURNAMES = "Краснов Гагиев Ахметова Лакоба Цораев".split()
EN_MONTHS = (
    "January February March April May June July August September October November December"
).split()
RU_MONTHS = (
    "января февраля марта апреля мая июня июля августа сентября октября ноября декабря"
).split()


@dataclass
class Article:
    edition: str
    article_id: int
    title: str
    moment: datetime
    date_format: int
    paragraphs: list[tuple[str, str, list[tuple[str, str, str]]]]  # text, html, links
    authors: list[str]
    source: str | None
    caption: str | None
    original: tuple[int, datetime] | None
    extras: dict[str, int] = field(default_factory=dict)


def _sentence(draw: st.DrawFn, words: list[str], n_min: int = 4, n_max: int = 14) -> str:
    chosen = draw(st.lists(st.sampled_from(words), min_size=n_min, max_size=n_max))
    text = " ".join(chosen)
    return text[0].upper() + text[1:] + "."


@st.composite
def articles(draw: st.DrawFn) -> Article:
    edition = draw(st.sampled_from(["en", "ru"]))
    words = EN_WORDS if edition == "en" else RU_WORDS
    article_id = draw(st.integers(10_000, 420_000))
    title = _sentence(draw, words, 3, 9).rstrip(".")
    instant = draw(
        st.datetimes(min_value=datetime(2002, 1, 1), max_value=datetime(2030, 12, 31))
    ).replace(second=0, microsecond=0, tzinfo=UTC)
    moment = instant.astimezone(MOSCOW)
    if moment.fold:  # the repeated autumn hour reads as its first pass; keep clear of it
        moment = (instant - timedelta(hours=2)).astimezone(MOSCOW)
    paragraphs = []
    used_ids: set[int] = {article_id}
    for _ in range(draw(st.integers(1, 6))):
        text = _sentence(draw, words, 6, 30)
        links: list[tuple[str, str, str]] = []
        if draw(st.booleans()) and len(text.split()) > 4:
            tokens = text.split(" ")
            start = draw(st.integers(1, len(tokens) - 2))
            end = draw(st.integers(start + 1, min(len(tokens) - 1, start + 4)))
            anchor = " ".join(tokens[start:end])
            kind = draw(st.sampled_from(["rel", "mirror", "ru", "external"]))
            target = draw(st.integers(10_000, 420_000).filter(lambda i: i not in used_ids))
            used_ids.add(target)
            if kind == "external":
                href = f"https://example.org/news/{target}"
                canonical = href
            elif kind == "ru":
                href = f"https://kavkazuzel.com/articles/{target}/"
                canonical = f"https://www.kavkaz-uzel.eu/articles/{target}"
            else:
                base = (
                    "https://eng.kavkaz-uzel.media"
                    if edition == "en"
                    else "https://m.kavkaz-uzel.eu"
                )
                href = f"/articles/{target}" if kind == "rel" else f"{base}/articles/{target}/"
                canonical = (
                    f"https://www.eng.kavkaz-uzel.eu/articles/{target}"
                    if edition == "en"
                    else f"https://www.kavkaz-uzel.eu/articles/{target}"
                )
            links.append((canonical, anchor, href))
            markup = (
                html.escape(" ".join(tokens[:start]))
                + f' <a href="{href}">{html.escape(anchor)}</a> '
                + html.escape(" ".join(tokens[end:]))
            )
        else:
            markup = html.escape(text)
        paragraphs.append((text, markup, links))
    names, surnames = (EN_NAMES, EN_SURNAMES) if edition == "en" else (RU_NAMES, RU_SURNAMES)
    authors = [
        f"{draw(st.sampled_from(names))} {draw(st.sampled_from(surnames))}"
        for _ in range(draw(st.integers(0, 3)))
    ]
    source = draw(
        st.sampled_from(
            [None, "CK correspondent"]
            if edition == "en"
            else [None, "корреспондент «Кавказского узла»"]
        )
    )
    caption = draw(
        st.one_of(st.none(), st.just(_sentence(draw, words, 3, 8) + " Photo: press service"))
    )
    original = None
    if edition == "en" and draw(st.booleans()):
        ru_instant = instant - timedelta(minutes=draw(st.integers(30, 600)))
        ru_moment = ru_instant.astimezone(MOSCOW)
        if not ru_moment.fold:
            original = (draw(st.integers(20_000, 420_000)), ru_moment)
    extras = {
        name: draw(st.integers(0, high))
        for name, high in (
            ("wrappers", 3),
            ("date_place", 3),
            ("para_tag", 2),
            ("sidebar", 2),
            ("credits", 2),
            ("noise", 1),
            ("crlf", 1),
            ("caption_tag", 1),
            ("title_tag", 1),
        )
    }
    return Article(
        edition,
        article_id,
        title,
        moment,
        draw(st.integers(0, 1)),
        paragraphs,
        authors,
        source,
        caption,
        original,
        extras,
    )


def _date_text(a: Article) -> str:
    t = a.moment
    if a.edition == "en":
        if a.date_format == 0:
            return f"{t.day:02d} {EN_MONTHS[t.month - 1]} {t.year}, {t:%H:%M}"
        return f"{t:%H:%M}, {t.day} {EN_MONTHS[t.month - 1]} {t.year}"
    if a.date_format == 0:
        return f"{t:%H:%M}, {t.day} {RU_MONTHS[t.month - 1]} {t.year}"
    return f"{t:%H:%M} / {t:%d.%m.%Y}"


def _render(a: Article) -> str:
    x = a.extras
    date = _date_text(a)
    date_html = (
        f'<time datetime="{a.moment.isoformat()}">{date}</time>'
        if x["date_place"] == 2
        else f'<div class="k{x["wrappers"]}">{date}</div>'
    )
    # date_place 3: the date glued before the title in its h1, as the RU mobile page shows
    # them ("10:57 / 10.01.2026Title", SITE.md §3.4), in an element of its own or not.
    glued = (
        ("<span>" + date + "</span>" if x["title_tag"] == 0 else date)
        if x["date_place"] == 3
        else ""
    )
    title_html = (
        f"<h1 class='zz'>{glued}{html.escape(a.title)}</h1>"
        if x["title_tag"] == 0
        else f"<header><h1>{glued}{html.escape(a.title)}</h1></header>"
    )
    noise = "<!-- comment --><script>var a='<p>x</p>';</script>" if x["noise"] else ""
    paras = [p[1] for p in a.paragraphs]
    if a.original is not None:
        ru_id, t = a.original
        paras.append(
            "This article was originally published on the Russian page of 24/7 Internet agency "
            f"‘Caucasian Knot’ on {EN_MONTHS[t.month - 1]} {t.day}, {t.year} at "
            f"{(t.hour % 12) or 12:02d}:{t.minute:02d} {'am' if t.hour < 12 else 'pm'} MSK. "
            f'To access the full text of the article, <a href="https://www.kavkaz-uzel.eu/articles/{ru_id}">click here</a>.'
        )
    if x["para_tag"] == 0:
        body = noise.join(f"<p>{p}</p>" for p in paras)
    elif x["para_tag"] == 1:
        body = noise.join(f"<div>{p}</div>" for p in paras)
    else:
        body = "<br><br>\n".join(paras)
    body = f"<div class='b{x['sidebar']}'>{body}</div>"
    a_label, s_label = ("Author:", "Source:") if a.edition == "en" else ("Автор:", "Источник:")
    joiner = " и " if a.edition == "ru" else " and "
    credits = ""
    author_line = (
        f"{a_label} {', '.join(a.authors[:-1])}{joiner if len(a.authors) > 1 else ''}{a.authors[-1]}"
        if a.authors
        else ""
    )
    if x["credits"] == 0 and a.authors and a.source:
        credits = f"<p>{author_line} {s_label} {a.source}</p>"
    elif x["credits"] == 1 and a.authors and a.source:
        credits = f"<p>{author_line}; {s_label} {a.source}</p>"
    else:
        if a.authors:
            credits += f"<p>{author_line}</p>"
        if a.source:
            credits += f"<p>{s_label} {a.source}</p>"
    caption = ""
    if a.caption:
        caption = (
            f"<figure><img src='/i.jpg' alt=''><figcaption>{html.escape(a.caption)}</figcaption></figure>"
            if x["caption_tag"] == 0
            else f"<div class='photo-caption'>{html.escape(a.caption)}</div>"
        )
    if x["date_place"] == 0:
        head = caption + date_html + title_html
        tail = ""
    elif x["date_place"] == 1:
        head = title_html + date_html + caption
        tail = ""
    elif x["date_place"] == 2:
        head = title_html + caption
        tail = date_html
    else:
        head = title_html + caption
        tail = ""
    article = f"<div class='story'>{head}{body}{credits}{tail}</div>"
    other_date = "12:00, 1 January 2001" if a.edition == "en" else "12:00, 1 января 2001"
    heading = "All news" if a.edition == "en" else "Лента новостей"
    sidebar = (
        f"<aside><h3>{heading}</h3><ul><li><p>{other_date}</p>"
        f"<a href='/articles/9'>Other</a><p>Lead of the other.</p></li></ul></aside>"
    )
    if x["sidebar"] == 0:
        main = sidebar + article
    elif x["sidebar"] == 1:
        main = article + sidebar
    else:
        main = article
    for i in range(x["wrappers"]):
        main = f"<div class='w{i}'>{main}</div>"
    notice = (
        "<p>НАСТОЯЩИЙ МАТЕРИАЛ (ИНФОРМАЦИЯ) ПРОИЗВЕДЕН И РАСПРОСТРАНЕН ИНОСТРАННЫМ АГЕНТОМ "
        "ООО “МЕМО”, ЛИБО КАСАЕТСЯ ДЕЯТЕЛЬНОСТИ ИНОСТРАННОГО АГЕНТА ООО “МЕМО”.</p>"
    )
    page = (
        f"<!DOCTYPE html><html lang='{a.edition}'><head><meta charset='utf-8'>"
        f"<title>{html.escape(a.title)} | Caucasian Knot</title></head><body>"
        f"<nav><a href='/rubric/11'>News</a></nav>{main}<footer>{notice}</footer></body></html>"
    )
    return page.replace("\n", "\r\n") if x["crlf"] else page


def _host(a: Article) -> str:
    return "https://www.caucasianknot.info" if a.edition == "en" else "https://caucasianknot.net"


# A one-paragraph article whose sentence a link cuts into pieces under 20 characters, the
# title in a <header> (found by hypothesis: the body block was not found).
SHORT_PIECES = Article(
    edition="ru",
    article_id=10001,
    title="Жители жители жители",
    moment=datetime(2002, 1, 1, 3, 0, tzinfo=MOSCOW),
    date_format=1,
    paragraphs=[
        (
            "Жители жители жители жители жители суд.",
            'Жители <a href="/articles/10000">жители жители</a> жители жители суд.',
            [("https://www.kavkaz-uzel.eu/articles/10000", "жители жители", "/articles/10000")],
        )
    ],
    authors=[],
    source=None,
    caption=None,
    original=None,
    extras={
        "wrappers": 0,
        "date_place": 0,
        "para_tag": 0,
        "sidebar": 0,
        "credits": 0,
        "noise": 0,
        "crlf": 0,
        "caption_tag": 0,
        "title_tag": 1,
    },
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(a=articles())
@example(a=SHORT_PIECES)
def test_generated_article_in_random_markup(a: Article) -> None:
    url = f"{_host(a)}/articles/{a.article_id}"
    record = parse_article(_render(a).encode("utf-8"), url)
    expected_links = []
    seen = set()
    for _text, _markup, links in a.paragraphs:
        for canonical, anchor, _href in links:
            if canonical not in seen:
                seen.add(canonical)
                expected_links.append((canonical, anchor))
    original_url = f"https://www.kavkaz-uzel.eu/articles/{a.original[0]}" if a.original else None
    if original_url is not None and original_url not in seen:  # links are unique by url
        expected_links.append((original_url, "click here"))
    got = {
        "edition": record.edition,
        "article_id": record.article_id,
        "title": record.title,
        "published_at": record.published_at,
        "published_local": record.published_local,
        "published_raw": record.published_raw,
        "authors": record.authors,
        "source": record.source,
        "photo_caption": record.photo_caption,
        "body": record.body,
        "links": [(link.url, link.text) for link in record.links],
        "original_at": record.original.published_at if record.original else None,
    }
    expected = {
        "edition": a.edition,
        "article_id": a.article_id,
        "title": a.title,
        "published_at": utc_iso(a.moment),
        "published_local": local_iso(a.moment),
        "published_raw": _date_text(a),
        "authors": a.authors,
        "source": a.source,
        "photo_caption": a.caption,
        "body": "\n\n".join(p[0] for p in a.paragraphs),
        "links": expected_links,
        "original_at": utc_iso(a.original[1]) if a.original else None,
    }
    assert got == expected
