# ruff: noqa: E501  (HTML fixtures read best unwrapped)
"""Markups the parser has never seen: renamed classes, extra wrappers, sidebar first,
paragraphs as divs or ``<br><br>``, comments, scripts, entities, CRLF, tables."""

from __future__ import annotations

from typing import Any

import pytest

from knotcrawl.pages import ArticlePage, MissingFields, parse_article, parse_feed, parse_listing

EN_URL = "https://www.eng.kavkaz-uzel.eu/articles/50001"
TITLE = "Residents of Nalchik protest against new landfill"
P1 = "About 200 residents of Nalchik gathered near the city hall on March 5 to protest."
P2 = (
    'The "Caucasian Knot" has reported that the landfill was planned in 2019 & residents '
    "objected then."
)
P3 = "The city administration promised to hold public hearings, the activists said."
CROSSREF = (
    "This article was originally published on the Russian page of 24/7 Internet agency "
    "‘Caucasian Knot’ on March 5, 2020 at 11:05 am MSK. To access the full text of the "
    'article, <a href="https://www.kavkaz-uzel.eu/articles/346000">click here</a>.'
)
EXPECTED: dict[str, Any] = {
    "edition": "en",
    "article_id": 50001,
    "url": EN_URL,
    "title": TITLE,
    "published_at": "2020-03-05T09:30:00Z",
    "published_local": "2020-03-05T12:30:00+03:00",
    "authors": ["Emil Gasanov", "Anna Grigorieva"],
    "source": "CK correspondent",
    "body": f"{P1}\n\n{P2}\n\n{P3}",
    "original": {
        "url": "https://www.kavkaz-uzel.eu/articles/346000",
        "article_id": 346000,
        "published_at": "2020-03-05T08:05:00Z",
        "published_local": "2020-03-05T11:05:00+03:00",
        "published_raw": "March 5, 2020 at 11:05 am MSK",
    },
    "links": [
        {
            "url": "https://www.eng.kavkaz-uzel.eu/articles/49900",
            "text": "has reported",
            "kind": "article",
            "edition": "en",
            "article_id": 49900,
        },
        {
            "url": "https://www.kavkaz-uzel.eu/articles/346000",
            "text": "click here",
            "kind": "original",
            "edition": "ru",
            "article_id": 346000,
        },
    ],
}
CAPTION = 'Protest in Nalchik. Photo by Emil Gasanov for the "Caucasian Knot"'
P2_HTML = (
    P2.replace("has reported", '<a href="/articles/49900/">has reported</a>')
    .replace("&", "&amp;")
    .replace('"Caucasian Knot"', "&quot;Caucasian&nbsp;Knot&quot;")
)

SIDEBAR = """
<aside class="column-b"><h3>All news</h3>
 <div><span>March 06, 2020 10:00</span><a href="/articles/50010">Another story</a>
 <p>Lead of another story that is not the article.</p></div>
 <div><span>March 04, 2020 09:00</span><a href="/articles/49990">Older story</a></div>
</aside>"""

VARIANTS: dict[str, str] = {
    # Renamed classes, extra wrappers, the sidebar before the content, comments, scripts.
    "renamed_sidebar_first": f"""<!doctype html><html lang="en"><head><title>{TITLE} | Caucasian Knot</title>
<script>var x = "<p>not text</p>";</script></head><body>
<div class="wrap"><div class="grid">{SIDEBAR}
<div class="column-a"><div class="story"><div class="story-head">
<div class="when">12:30, 5 March 2020</div><h1 class="headline">{TITLE}</h1></div>
<div class="story-text"><!-- a comment --><p>{P1}</p><script>document.write("x")</script>
<p>{P2_HTML}</p><p>{P3}</p><p>{CROSSREF}</p></div>
<div class="story-foot">Author: Emil Gasanov, Anna Grigorieva Source: CK correspondent</div>
</div></div></div></div>
<footer><p>НАСТОЯЩИЙ МАТЕРИАЛ (ИНФОРМАЦИЯ) ПРОИЗВЕДЕН И РАСПРОСТРАНЕН ИНОСТРАННЫМ АГЕНТОМ ООО «МЕМО», ЛИБО КАСАЕТСЯ ДЕЯТЕЛЬНОСТИ ИНОСТРАННОГО АГЕНТА ООО «МЕМО».</p></footer>
</body></html>""",
    # Paragraphs as divs, CRLF line ends, entities, a photo credit in a figure after the h1.
    "div_paragraphs_crlf": (
        f"""<html><head><meta charset="utf-8"><title>{TITLE}</title></head><body>
<div id="page"><div id="content"><h1>{TITLE}</h1>
<div class="meta">12:30,&nbsp;5 March 2020</div>
<div class="text"><div>{P1}</div>
<div>{P2_HTML}</div>
<div>{P3}</div>
<div>{CROSSREF}</div></div>
<div>Author: Emil Gasanov and Anna Grigorieva</div>
<div>Source: СK correspondent</div>
<div><h4>Know more? Do not be silent!</h4><p>Send a message, photo or video to the "Caucasian Knot" via messengers</p></div>
</div></div></body></html>"""
    ).replace("\n", "\r\n"),
    # Text separated by <br><br> inside one block, credits with a semicolon.
    "br_separated": f"""<html lang="en"><body><div class="l"><div class="r">
<h1>{TITLE}</h1><p><b>12:30, 5 March 2020</b></p>
<div class="txt">{P1}<br><br>{P2_HTML}<br/>
<br/>{P3}<br><br>{CROSSREF}</div>
<p>Author: Emil Gasanov; Anna Grigorieva; Source: CK correspondent</p>
<h3>All news</h3><ul><li>March 06, 2020 10:00 <a href="/articles/50010">Another story</a></li></ul>
</div></div></body></html>""",
    # An old table layout, the date in the classic day-first format.
    "table_layout": f"""<html><body><table><tr><td class="left">
<a href="/rubric/11">All news</a></td><td class="main">
<p class="date">05 March 2020, 12:30</p><h1>{TITLE}</h1>
<p>{P1}</p><p>{P2_HTML}</p><p>{P3}</p><p>{CROSSREF}</p>
<p>Author: Emil Gasanov, Anna Grigorieva</p><p>Source: CK correspondent</p>
</td></tr></table></body></html>""",
    # Structured data only for the date: <time datetime> with the visible text.
    "time_element": f"""<html lang="en"><body><main><article>
<header><h1 itemprop="headline">{TITLE}</h1>
<time datetime="2020-03-05T12:30:00+03:00">12:30, 5 March 2020</time></header>
<section><p>{P1}</p><p>{P2_HTML}</p><p>{P3}</p><p>{CROSSREF}</p></section>
<footer><p>Author: Emil Gasanov and Anna Grigorieva</p><p>Source: CK correspondent</p>
<p><a href="https://t.me/share">Telegram</a></p></footer>
</article>
<section><h2>LEGAL TEXTS</h2><figure><figcaption>Not the caption</figcaption></figure>
<a href="/articles/67190">A legal text</a></section></main></body></html>""",
    # A WordPress-like theme: the date split across elements, the credits and a share bar
    # between the title and the body, a "Read also" box inside the body (no telling class),
    # tags in the article's own footer, related posts after it.
    "wordpress_credits_first": f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{TITLE} &#8211; Caucasian Knot</title></head><body class="single">
<header id="masthead"><nav><ul><li><a href="/">Home</a></li><li><a href="/rubric/11">News</a></li></ul></nav></header>
<div class="crumbs"><a href="/">Home</a> &raquo; <a href="/rubric/11">News</a></div>
<main><article class="post"><h1 class="entry-title">{TITLE}</h1>
<div class="entry-meta"><span class="t">12:30</span>, <span class="d">5 March 2020</span></div>
<p class="byline">Author: Emil Gasanov, Anna Grigorieva; Source: CK correspondent</p>
<div class="sd"><h3>Share this article:</h3><ul><li><a href="https://t.me/share/url?u=x">Telegram</a></li></ul></div>
<div class="entry"><p>{P1}</p>
<div class="box"><h4>Read also:</h4><ul><li><a href="/articles/50020">Another story</a></li></ul></div>
<p>{P2_HTML}</p><p>{P3}</p><p><em>{CROSSREF}</em></p></div>
<footer class="entry-foot"><p>Tags: <a href="/tag/nalchik">Nalchik</a></p></footer></article>
<section><h3>Related news</h3><p><a href="/articles/50010">Another story</a></p><p>Lead of another story that is not the article.</p></section>
</main></body></html>""",
    # A server-rendered app: every paragraph in two wrappers, the cross-reference line first,
    # a one-line "Read also" card, a capitalised caption class beside an image whose alt text
    # is the headline, credits as a definition list, a "More news" column after the article.
    "app_wrappers_crossref_first": f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{TITLE} | Caucasian Knot</title></head><body><div id="__next"><div class="Layout__a1">
<div class="Article__b2"><div class="Date__c3">12:30, 5 March 2020</div><h1 class="Title__d4">{TITLE}</h1>
<div class="Photo__e5"><img src="/x.jpg" alt="{TITLE}"><div class="Caption__zc6j7">{CAPTION}</div></div>
<div class="Body__f6"><div class="P__g7"><div><i>{CROSSREF}</i></div></div>
<div class="P__g7"><div>{P1}</div></div>
<div class="Card__h8"><span>Read also</span> <a href="/articles/50020"><span>Another story</span></a></div>
<div class="P__g7"><div>{P2_HTML}</div></div><div class="P__g7"><div>{P3}</div></div></div>
<dl class="Credits__i9"><dt>Author:</dt><dd>Emil Gasanov, Anna Grigorieva</dd><dt>Source:</dt><dd>CK correspondent</dd></dl></div>
<div class="Column__j0"><div><h3>More news</h3></div>
<div class="Item__k1"><div><div>Lead of another story that is not the article, and a rather long one at that, longer than any paragraph of the article itself so that length alone would pick it.</div></div></div></div>
</div></div></body></html>""",
    # An old table layout with the site's name first in <title>, the headline in <font><b>
    # (no h1), article links in a left column, a caption row under the photo, and a print
    # page's address line at the end.
    "table_print_no_h1": f"""<html><head><title>Caucasian Knot | {TITLE}</title></head><body>
<table><tr><td><a href="/articles/50010">Another story</a><br><a href="/articles/49990">Older story</a></td><td>
<table><tr><td><font size="-1">05 March 2020, 12:30</font></td></tr>
<tr><td><font size="+1"><b>{TITLE}</b></font></td></tr>
<tr><td><table align="left"><tr><td><img src="/x.jpg"></td></tr><tr><td><font size="-2">{CAPTION}</font></td></tr></table>
<p>{P1}</p><p>{P2_HTML}</p><p>{P3}</p><p>{CROSSREF}</p>
<p>Author: Emil Gasanov, Anna Grigorieva</p><p>Source: CK correspondent</p>
<hr><p><small>Page address: https://www.eng.kavkaz-uzel.eu/articles/50001</small></p></td></tr></table>
</td></tr></table></body></html>""",
    # The date beside the title in a header block, the body as bare <br><br> text in the
    # block around it: the cross-reference line's date (closer to the title's block) is the
    # original's, not the article's.
    "br_body_beside_dated_head": f"""<html lang="en"><body><div class="news">
<div class="head"><div class="date">12:30, 5 March 2020</div><h1>{TITLE}</h1></div>
{P1}<br><br>{P2_HTML}<br><br>{P3}<br><br>{CROSSREF}<br><br>
Author: Emil Gasanov, Anna Grigorieva<br>Source: CK correspondent
</div></body></html>""",
    # The cross-reference line under the title, nearer to it than the date line.
    "crossref_under_title": f"""<html lang="en"><body><div class="news">
<div class="head"><h1>{TITLE}</h1><p><i>{CROSSREF}</i></p></div>
<div class="meta"><span>12:30, 5 March 2020</span></div>
<div class="text"><p>{P1}</p><p>{P2_HTML}</p><p>{P3}</p></div>
<p>Author: Emil Gasanov, Anna Grigorieva</p><p>Source: CK correspondent</p></div></body></html>""",
    # The title in an inline element, in one block with the date.
    "inline_title_beside_date": f"""<html lang="en"><head><title>{TITLE} | Caucasian Knot</title></head>
<body><div class="page">
<div class="head"><span class="date">12:30, 5 March 2020</span> <strong class="title">{TITLE}</strong></div>
<p>{P1}</p><p>{P2_HTML}</p><p>{P3}</p><p>{CROSSREF}</p>
<p>Author: Emil Gasanov, Anna Grigorieva</p><p>Source: CK correspondent</p></div></body></html>""",
    # The date, a line break and the title in bold, in one block.
    "bold_title_after_date_line": f"""<html><head><title>{TITLE}</title></head><body><table><tr><td>
<div>05 March 2020, 12:30<br><b>{TITLE}</b></div>
<p>{P1}</p><p>{P2_HTML}</p><p>{P3}</p><p>{CROSSREF}</p>
<p>Author: Emil Gasanov, Anna Grigorieva</p><p>Source: CK correspondent</p>
</td></tr></table></body></html>""",
    # Class names holding furniture words (print, widget, comment, share) around the body and
    # the caption; soft hyphens in the title and the text.
    "furniture_words_in_content_classes": f"""<html lang="en"><body><div class="print-version">
<h1>Residents of Nal&shy;chik protest against new landfill</h1><time>12:30, 5 March 2020</time>
<div class="print-photo"><img src="/x.jpg"><div class="print-caption">{CAPTION}</div></div>
<div class="elementor-widget-container commentary-text shared-content"><p>{P1}</p><p>{P2_HTML}</p>
<p>{P3.replace("administration", "adminis&shy;tration")}</p><p>{CROSSREF}</p>
<p>Author: Emil Gasanov, Anna Grigorieva</p><p>Source: CK correspondent</p></div>
<div class="share-buttons"><a href="https://t.me/share">Telegram</a></div></div></body></html>""",
    # A page builder's widgets: every block, the body and the photo among them, in a
    # "widget" wrapper; the share buttons and a column of other posts in widgets too.
    "page_builder_widgets": f"""<html lang="en"><head><title>{TITLE} - Caucasian Knot</title></head><body>
<div class="elementor"><div class="elementor-column">
<div class="elementor-widget elementor-widget-title"><div class="elementor-widget-container"><h1>{TITLE}</h1></div></div>
<div class="elementor-widget elementor-widget-post-info"><div class="elementor-widget-container"><span>12:30, 5 March 2020</span></div></div>
<div class="elementor-widget elementor-widget-image"><div class="elementor-widget-container"><figure><img src="/x.jpg" alt=""><figcaption class="widget-image-caption">{CAPTION}</figcaption></figure></div></div>
<div class="elementor-widget elementor-widget-post-content"><div class="elementor-widget-container"><p>{P1}</p><p>{P2_HTML}</p><p>{P3}</p><p>{CROSSREF}</p>
<p>Author: Emil Gasanov, Anna Grigorieva</p><p>Source: CK correspondent</p></div></div>
<div class="elementor-widget elementor-widget-share-buttons"><div class="elementor-widget-container"><a href="https://t.me/share">Telegram</a></div></div>
</div><div class="elementor-column"><div class="elementor-widget elementor-widget-posts"><div class="elementor-widget-container">
<article><h3><a href="/articles/50010">Another story</a></h3><span>March 06, 2020 10:00</span></article></div></div></div></div></body></html>""",
    # An archive-era table: a left column of dated links with more text than the short
    # article, the photo in a right-aligned table, the body as <br><br> text, a "Print
    # version" link at the end.
    "table_short_article_long_sidebar": f"""<html><head><title>{TITLE}</title></head><body>
<table><tr><td width="180"><b>News archive</b><br>
"""
    + "".join(
        f"March {n:02}, 2020 10:05<br><a href='/articles/500{n:02}0'>Story number {n} of the "
        f"news archive column, with a long headline about something else</a><br><br>\n"
        for n in range(6, 16)
    )
    + f"""</td><td>
<table><tr><td>05 March 2020, 12:30</td></tr><tr><td><b>{TITLE}</b></td></tr></table>
<table align="right"><tr><td><img src="/x.jpg"></td></tr><tr><td><i>{CAPTION}</i></td></tr></table>
{P1}<br><br>{P2_HTML}<br><br>{P3}<br><br>{CROSSREF}<br><br>
<i>Author: Emil Gasanov, Anna Grigorieva<br>Source: CK correspondent</i>
<br><br><hr><font size="1"><a href="javascript:window.print()">Print version</a></font>
</td></tr></table></body></html>""",
}


def _record(name: str) -> dict[str, Any]:
    return parse_article(VARIANTS[name].encode("utf-8"), EN_URL).to_dict()


@pytest.mark.parametrize("field", sorted(EXPECTED))
@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_variant_field(name: str, field: str) -> None:
    assert _record(name)[field] == EXPECTED[field]


def test_variant_photo_caption_and_levels() -> None:
    html = VARIANTS["time_element"].replace(
        "</header>",
        "</header><figure><img src='a.jpg' alt=''><figcaption>Protest in Nalchik. "
        'Photo by Emil Gasanov for the "Caucasian Knot"</figcaption></figure>',
    )
    page = ArticlePage(html, EN_URL)
    record = page.to_record()
    assert (
        record.photo_caption == 'Protest in Nalchik. Photo by Emil Gasanov for the "Caucasian Knot"'
    )
    assert record.body == EXPECTED["body"]
    assert page.sources["published_at"] == "structured"
    assert page.sources["photo_caption"] == "semantic"
    assert page.sources["title"] == "semantic"


def test_text_block_under_a_lazy_photo_starts_the_body() -> None:
    # A lazy-loading theme: the photo alone in its block (a placeholder src, the caption only in
    # its alt text), the text block right after it. That block's first paragraph is body, not
    # a caption row under the photo.
    html = VARIANTS["time_element"].replace(
        "</header>",
        "</header><div class='pic'><img class='lazyload' src='data:image/gif;base64,R0lGOD' "
        "data-src='a.jpg' alt='Protest in Nalchik. Photo by Emil Gasanov'></div>",
    )
    assert ArticlePage(html, EN_URL).to_record().body == EXPECTED["body"]


@pytest.mark.parametrize(
    ("name", "caption"),
    [
        ("wordpress_credits_first", None),
        ("app_wrappers_crossref_first", CAPTION),  # not the image's alt text (the headline)
        ("table_print_no_h1", CAPTION),  # the row under the photo, not the body's first line
        ("furniture_words_in_content_classes", CAPTION),
        ("table_short_article_long_sidebar", CAPTION),
        ("page_builder_widgets", CAPTION),
    ],
)
def test_variant_photo_caption(name: str, caption: str | None) -> None:
    assert _record(name)["photo_caption"] == caption


RU_URL = "https://m.kavkaz-uzel.eu/articles/419900/"
RU_BODY = [
    "Первый абзац новости о событиях в Махачкале.",
    "Второй абзац новости.",
    "Третий абзац новости после блока.",
]


@pytest.mark.parametrize("wrapped", [True, False])
def test_related_block_inside_body_is_dropped(wrapped: bool) -> None:
    related = (
        '<p>22:58 30.08.2025</p><p><a href="/articles/415470">Связанная новость</a></p>'
        "<p>Лид связанной новости, который не относится к тексту.</p>"
    )
    if wrapped:
        related = f"<div>{related}</div>"
    html = f"""<html lang="ru"><body><div><div><span>10:57 / 10.01.2026</span><h1>Заголовок новости</h1></div>
<div><p>ДАННОЕ СООБЩЕНИЕ (МАТЕРИАЛ) СОЗДАНО И (ИЛИ) РАСПРОСТРАНЕНО ИНОСТРАННЫМ СРЕДСТВОМ МАССОВОЙ ИНФОРМАЦИИ, ВЫПОЛНЯЮЩИМ ФУНКЦИИ ИНОСТРАННОГО АГЕНТА.</p>
<p>{RU_BODY[0]}</p><p>{RU_BODY[1]} <a href="https://kavkazuzel.com/articles/419700/">ссылка</a></p>{related}<p>{RU_BODY[2]}</p>
<p>Скачайте приложение — работает без VPN!</p></div><p>Автор: Заур Гагиев и Ирина Ахметова</p></div></body></html>"""
    record = parse_article(html, RU_URL)
    assert record.url == "https://www.kavkaz-uzel.eu/articles/419900"
    assert record.body == "\n\n".join([RU_BODY[0], RU_BODY[1] + " ссылка", RU_BODY[2]])
    assert record.published_raw == "10:57 / 10.01.2026"
    assert record.authors == ["Заур Гагиев", "Ирина Ахметова"]
    assert record.source is None
    assert [link.url for link in record.links] == ["https://www.kavkaz-uzel.eu/articles/419700"]


def test_two_dates_pick_the_articles_own() -> None:
    html = f"""<html><body><div class="side"><p>September 21, 2019 15:21</p>
<a href="/articles/48215">Sidebar story</a></div>
<div class="main"><h1>{TITLE}</h1><p>17 May 2019, 18:17</p><p>{P1}</p><p>{P3}</p></div></body></html>"""
    record = parse_article(html, EN_URL)
    assert record.published_raw == "17 May 2019, 18:17"


def test_the_cross_reference_date_is_never_the_articles_own() -> None:
    # A print copy: the cross-reference line under the title has lost its link, and sits
    # nearer to the title than the date line.
    crossref = CROSSREF.replace('<a href="https://www.kavkaz-uzel.eu/articles/346000">', "")
    html = f"""<html lang="en"><body><div class="news"><div class="head"><h1>{TITLE}</h1>
<p>{crossref.replace("</a>", "")}</p></div><div class="meta"><span>12:30, 5 March 2020</span></div>
<div class="text"><p>{P1}</p><p>{P3}</p></div></div></body></html>"""
    record = parse_article(html, EN_URL)
    assert record.published_raw == "12:30, 5 March 2020"


def test_loopback_host_uses_canonical_and_lang() -> None:
    html = VARIANTS["table_layout"].replace(
        "<html>", '<html lang="en"><head><link rel="canonical" href="/articles/50001"></head>'
    )
    record = parse_article(html, "http://127.0.0.1:8080/articles/50001")
    assert record.edition == "en"
    assert record.url == EN_URL
    assert record.fetched_url == "http://127.0.0.1:8080/articles/50001"
    assert record.links[0].url == "https://www.eng.kavkaz-uzel.eu/articles/49900"


@pytest.mark.parametrize(
    ("line", "authors", "source"),
    [
        (
            "Author: Lyudmila Maratova Source: CK correspondent",
            ["Lyudmila Maratova"],
            "CK correspondent",
        ),
        ("Author: Oleg Krasnov; Source: CK correspondent", ["Oleg Krasnov"], "CK correspondent"),
        ("Author: The Caucasian Knot", ["The Caucasian Knot"], None),
        ("Source: СK correspondent", [], "CK correspondent"),
        ("Source: СК correspondent", [], "CK correspondent"),  # both letters Cyrillic
        ("Source: Пресс-служба СК РФ", [], "Пресс-служба СК РФ"),  # Russian: left as it is
        (
            "Автор: Заур Гагиев, Ирина Ахметова; Источник: корреспондент «Кавказского узла»",
            ["Заур Гагиев", "Ирина Ахметова"],
            "корреспондент «Кавказского узла»",
        ),
        # "and others" names nobody: neither an author nor the source (a role)
        ("Author: Ivan Petrov and others", ["Ivan Petrov"], None),
        ("Author: Ivan Petrov, Anna Lee et al.", ["Ivan Petrov", "Anna Lee"], None),
        ("Author: Ivan Petrov, et al.", ["Ivan Petrov"], None),
        ("Author: Ivan Petrov and colleagues", ["Ivan Petrov"], None),
        ("Автор: Иван Петров и др.", ["Иван Петров"], None),
        ("Автор: Иван Петров и другие", ["Иван Петров"], None),
        ("Автор: Иван Петров и коллеги; Источник: «Мемориал»", ["Иван Петров"], "«Мемориал»"),
        ("Author: Ivan Petrov, staff writer", ["Ivan Petrov"], "staff writer"),
    ],
)
def test_credit_line_variants(line: str, authors: list[str], source: str | None) -> None:
    html = f"<html><body><h1>{TITLE}</h1><p>17 May 2019, 18:17</p><p>{P1}</p><p>{line}</p></body></html>"
    record = parse_article(html, EN_URL)
    assert (record.authors, record.source, record.body) == (authors, source, P1)


def test_full_text_crossref_variant_is_not_body() -> None:
    html = (
        f"<html><body><h1>{TITLE}</h1><p>21:00, 5 February 2010</p><p>{P1}</p>"
        "<p>Full text of the article is available on the Russian page of 24/7 Internet agency "
        "‘Caucasian Knot’.</p></body></html>"
    )
    record = parse_article(html, EN_URL)
    assert (record.body, record.original, record.links) == (P1, None, [])


# --- listings ---------------------------------------------------------------------------------

LISTING_URL = "https://www.caucasianknot.info/rubric/10?page=7"
ITEMS = [
    (60010, "First story", "March 09, 2019 09:28", "2019-03-09T06:28:00Z", "Lead one."),
    (60009, "Second story", "March 08, 2019 22:10", "2019-03-08T19:10:00Z", None),
    (60007, "Third story", "March 08, 2019 19:37", "2019-03-08T16:37:00Z", "Lead three."),
]


def _cards(style: str, items: list[tuple[int, str, str, str, str | None]] = ITEMS) -> str:
    out = []
    for aid, title, raw, _utc, lead in items:
        lead_html = f"<p>{lead}</p>" if lead else ""
        if style == "cards":
            out.append(
                f'<div class="x-card"><span class="d">{raw}</span><h3><a href="/articles/{aid}">{title}</a></h3>{lead_html}</div>'
            )
        elif style == "flat":
            out.append(
                f'<p class="d">{raw}</p><h3><a href="/articles/{aid}">{title}</a></h3>{lead_html}'
            )
        elif style == "table":
            out.append(
                f'<tr><td>{raw}</td><td><a href="https://eng.kavkaz-uzel.media/articles/{aid}/">{title}</a>{lead_html}</td></tr>'
            )
        elif style == "card_link":
            lead_div = f"<div>{lead}</div>" if lead else ""
            out.append(
                f'<a class="c" href="/articles/{aid}"><div>{raw}</div><div>{title}</div>{lead_div}</a>'
            )
        elif style == "popular_first":
            out.append(
                f'<div class="col"><div class="card-body"><p><small>{raw}</small></p><h5><a href="/articles/{aid}">{title}</a></h5>{lead_html}</div></div>'
            )
        elif style in ("menu_column", "dated_box"):
            out.append(
                f'<tr><td><font size="-2">{raw}</font></td><td><a href="/articles/{aid}"><b>{title}</b></a>{lead_html}</td></tr>'
            )
    body = "".join(out)
    if style in ("table", "menu_column", "dated_box"):
        body = f"<table>{body}</table>"
    pages = """<div class="pages"><a href="/rubric/10?page=6">6</a><b class="current">7</b><a href="/rubric/10?page=8">8</a></div>"""
    if style == "menu_column":
        # An old table layout: a left column links more articles, the listed ones among
        # them, with no dates, before the listing.
        menu = "".join(
            f'<tr><td><a href="/articles/{aid}">Story {aid}</a></td></tr>'
            for aid in (60007, 60009, 60010, 59990, 59980)
        )
        return f"""<html lang="en"><body><table><tr><td><table>{menu}</table></td>
<td>{pages}<div>{body}</div></td></tr></table></body></html>"""
    if style == "card_link":
        # Each item one link around its date, headline and lead blocks.
        return f"""<html lang="en"><body><main><h1>All news</h1><div class="feed">{body}</div>{pages}</main></body></html>"""
    if style == "popular_first":
        # A grid with a "Popular" card first in the source (no <main>, no telling class),
        # holding more dated items than the list.
        box = "".join(
            f'<a class="list-group-item" href="/articles/{aid}"><small>March 0{n}, 2019 10:00</small><div>Story {aid}</div></a>'
            for n, aid in enumerate((59990, 59980, 59970, 59960, 59950), start=1)
        )
        return f"""<html lang="en"><body><div class="container"><div class="row">
<div class="col-lg-3"><div class="card"><div class="card-header">Popular</div><div class="list-group">{box}</div></div></div>
<div class="col-lg-9"><h1>All news</h1><div class="row">{body}</div>{pages}</div></div></div></body></html>"""
    if style == "dated_box":
        # A "Popular" box beside the main region, with more (dated) items than the listing.
        box = "".join(
            f'<li><a href="/articles/{aid}">Story {aid}</a> <span>March 0{n}, 2019 10:00</span></li>'
            for n, aid in enumerate((59990, 59980, 59970, 59960, 59950), start=1)
        )
        return f"""<html lang="en"><body><div class="row"><main><h1>All news</h1><div>{body}</div>{pages}</main>
<div class="col"><div><h2>Popular</h2><ul>{box}</ul></div></div></div></body></html>"""
    return f"""<html lang="en"><body><div class="sidebar"><a href="/articles/45502">Featured</a></div>
<div class="feed">{body}</div>
{pages}
</body></html>"""


@pytest.mark.parametrize(
    "style", ["cards", "flat", "table", "menu_column", "dated_box", "card_link", "popular_first"]
)
def test_listing_variants(style: str) -> None:
    listing = parse_listing(_cards(style), LISTING_URL)
    assert listing.page == 7
    assert listing.next_page == "https://www.caucasianknot.info/rubric/10?page=8"
    got = [(i.article_id, i.title, i.published_raw, i.published_at, i.lead) for i in listing.items]
    expected = [(aid, title, raw, utc, lead) for aid, title, raw, utc, lead in ITEMS]
    assert got == expected
    assert listing.items[0].url == "https://www.eng.kavkaz-uzel.eu/articles/60010"


def test_listing_card_link_with_photo_and_a_lead_like_its_title() -> None:
    review = "Week in the Caucasus: review of main events of March 2-8, 2019"
    html = f"""<html lang="en"><body><main><h1>All news</h1><div class="feed">
<a class="c" href="/articles/60010"><div class="media"><img src="/a.jpg" alt=""><span class="cap">The square. Photo by Emil Gasanov</span></div>
<div>March 09, 2019 09:28</div><div>First story</div><div>Lead one.</div></a>
<a class="c" href="/articles/60009"><div>March 08, 2019 22:10</div><div>{review}</div><div>{review}</div></a>
</div></main></body></html>"""
    listing = parse_listing(html, LISTING_URL)
    assert [(i.article_id, i.title, i.lead) for i in listing.items] == [
        (60010, "First story", "Lead one."),
        (60009, review, review),
    ]


def test_listing_with_no_items() -> None:
    listing = parse_listing(
        "<html lang='en'><body><h1>All news</h1></body></html>",
        "https://www.eng.kavkaz-uzel.eu/rubric/11?page=99999",
    )
    assert (listing.items, listing.next_page, listing.page) == ([], None, 99999)


@pytest.mark.parametrize("style", ["menu_column", "dated_box", "popular_first"])
def test_listing_past_its_end_shows_only_furniture(style: str) -> None:
    # A page past the last one (or a listing that shrank since its pager was read) keeps the
    # menu column or the "Popular" box: those links are not the listing's items.
    listing = parse_listing(_cards(style, items=[]), LISTING_URL)
    assert listing.items == []


def test_atom_and_escaped_html_feed() -> None:
    feed = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><language>ru</language>
<item><title>Заголовок</title><link>https://kavkaz-uzel.media/articles/420001/</link>
<pubDate>Mon, 05 Jan 2026 10:00:00 +0300</pubDate>
<description>&lt;p&gt;Лид &lt;b&gt;новости&lt;/b&gt;&lt;/p&gt;</description></item></channel></rss>"""
    parsed = parse_feed(feed.encode(), "http://127.0.0.1:9/articles.rss")
    assert parsed.edition == "ru"
    item = parsed.items[0]
    assert (item.article_id, item.url, item.lead, item.published_at) == (
        420001,
        "https://www.kavkaz-uzel.eu/articles/420001",
        "Лид новости",
        "2026-01-05T07:00:00Z",
    )


def test_logo_in_h1_is_not_the_title() -> None:
    html = f"""<html lang="en"><head><title>{TITLE} | Caucasian Knot</title></head><body>
<div class="top"><h1 class="logo"><a href="/">Caucasian Knot</a></h1></div>
<div class="content"><h2 class="headline">{TITLE}</h2><p>17 May 2019, 18:17</p><p>{P1}</p><p>{P3}</p></div>
</body></html>"""
    page = ArticlePage(html, EN_URL)
    record = page.to_record()
    assert (record.title, record.body) == (TITLE, f"{P1}\n\n{P3}")
    assert page.sources["title"] == "text"


def test_listing_with_a_single_item_and_a_sidebar() -> None:
    html = """<html lang="ru"><body><div class="row"><div class="main"><h1>Лента новостей</h1>
<div class="it"><h3><a href="/articles/20000">Единственная новость</a></h3><p>01:59, 18 мая 2002</p>
<p>Лид единственной новости.</p></div>
<ul><li><a href="/articles?page=8" rel="prev">← Предыдущая</a></li></ul></div>
<div class="side sidebar"><a href="/articles/45502">Не элемент списка</a></div></div></body></html>"""
    listing = parse_listing(html, "https://www.kavkaz-uzel.eu/articles?page=9")
    assert [(i.article_id, i.title, i.published_at, i.lead) for i in listing.items] == [
        (20000, "Единственная новость", "2002-05-17T21:59:00Z", "Лид единственной новости.")
    ]
    assert listing.next_page is None


def test_dates_outside_the_article_are_never_taken() -> None:
    html = f"""<html lang="en"><body><header><p>Today: 20:14, 23 November 2026</p></header>
<aside><p>September 21, 2019 15:21</p><a href="/articles/48215">Sidebar story</a></aside>
<div class="main"><h1>{TITLE}</h1><p>{P1}</p><p>{P3}</p></div>
<footer><p>Updated 10:00, 1 May 2020</p></footer></body></html>"""
    with pytest.raises(MissingFields) as info:
        parse_article(html, EN_URL)
    assert info.value.fields == ["published_at"]


@pytest.mark.parametrize("label", ["Версия для печати", "Print version", "Распечатать"])
def test_print_link_after_the_body_is_furniture(label: str) -> None:
    html = f"""<html><head><title>Заголовок новости</title></head><body><div class="news">
<h1>Заголовок новости</h1><div class="date">26 ноября 2021, 06:58</div>
<p>{RU_BODY[0]}</p><p>{RU_BODY[1]}</p>
<hr><p><a href="/articles/337883/print">{label}</a></p></div></body></html>"""
    record = parse_article(html, "https://www.kavkaz-uzel.eu/articles/337883")
    assert (record.body, record.links) == (f"{RU_BODY[0]}\n\n{RU_BODY[1]}", [])


# RECORD.md details found by a contract audit (parser 1.3.0): each test fails on 1.2.0.


def _with(name: str, old: str, new: str) -> dict[str, Any]:
    html = VARIANTS[name]
    assert old in html
    return parse_article(html.replace(old, new, 1).encode("utf-8"), EN_URL).to_dict()


def test_a_link_without_anchor_text_has_null_text() -> None:
    # "Where a field is unknown it is null, never ''": an image-only link has no text.
    got = _with(
        "table_layout",
        f"<p>{P1}</p>",
        f'<p>{P1} <a href="https://example.com/photo"><img src="/x.jpg" alt=""></a></p>',
    )
    assert got["links"][0] == {
        "url": "https://example.com/photo",
        "text": None,
        "kind": "external",
        "edition": None,
        "article_id": None,
    }


def test_a_mail_link_in_the_body_is_an_external_link() -> None:
    got = _with(
        "table_layout",
        f"<p>{P3}</p>",
        f'<p>{P3} <a href="mailto:info@example.org">Write to us</a></p>',
    )
    assert got["links"][1] == {
        "url": "mailto:info@example.org",
        "text": "Write to us",
        "kind": "external",
        "edition": None,
        "article_id": None,
    }
    assert got["body"] == EXPECTED["body"].replace(P3, f"{P3} Write to us")


def test_a_line_break_in_the_title_separates_its_words() -> None:
    got = _with(
        "table_layout",
        f"<h1>{TITLE}</h1>",
        f"<h1>{TITLE.replace(' protest ', '<br>protest ')}</h1>",
    )
    assert got["title"] == TITLE


def test_a_line_break_in_the_date_separates_its_parts() -> None:
    got = _with("table_layout", "05 March 2020, 12:30", "05 March 2020,<br>12:30")
    assert (got["published_at"], got["published_raw"]) == (
        "2020-03-05T09:30:00Z",
        "05 March 2020, 12:30",
    )


def test_the_original_linked_from_the_text_is_still_the_original() -> None:
    got = _with(
        "table_layout",
        f"<p>{P1}</p>",
        f'<p>{P1} <a href="https://www.kavkaz-uzel.eu/articles/346000/">the Russian report</a></p>',
    )
    # Listed once, where it first comes, with the kind that says what it is.
    assert got["links"] == [
        {
            "url": "https://www.kavkaz-uzel.eu/articles/346000",
            "text": "the Russian report",
            "kind": "original",
            "edition": "ru",
            "article_id": 346000,
        },
        EXPECTED["links"][0],
    ]
    assert got["original"] == EXPECTED["original"]


NOTICE_URL = "https://www.kavkaz-uzel.eu/articles/400001"
NOTICE_BODY = ["Жители Нальчика вышли на акцию протеста.", "Власти обещали провести слушания."]


def _ru_article(notice: str) -> dict[str, Any]:
    html = f"""<html lang="ru"><body><main><h1>Жители Нальчика протестуют против свалки</h1>
<p>09:00, 6 февраля 2023</p><p>{notice}</p><p>{NOTICE_BODY[0]}</p><p>{NOTICE_BODY[1]}</p>
<p>Автор: Олег Краснов; Источник: корреспондент «Кавказского узла»</p></main></body></html>"""
    return parse_article(html.encode("utf-8"), NOTICE_URL).to_dict()


@pytest.mark.parametrize(
    "notice",
    [
        "Настоящий материал (информация) произведен и распространен иностранным агентом ООО «МЕМО», либо касается деятельности иностранного агента ООО «МЕМО».",
        "18+ Настоящий материал (информация) произведен и распространен иностранным агентом ООО «МЕМО».",
        "Данное сообщение (материал) создано и (или) распространено иностранным средством массовой информации, выполняющим функции иностранного агента, и (или) российским юридическим лицом, выполняющим функции иностранного агента.",
        "Настоящий материал (информация) произведен, распространен и (или) направлен иностранным агентом ООО «Мемо» либо касается деятельности иностранного агента ООО «Мемо». 18+",
    ],
    ids=["memo", "memo_18_plus", "mass_media", "memo_2022_wording"],
)
def test_foreign_agent_notices_in_sentence_case_are_furniture(notice: str) -> None:
    assert _ru_article(notice)["body"] == "\n\n".join(NOTICE_BODY)


def test_news_about_foreign_agents_stays_in_the_body() -> None:
    news = (
        "Настоящий материал подготовлен после того, как суд признал журналиста иностранным агентом."
    )
    assert _ru_article(news)["body"] == "\n\n".join([news, *NOTICE_BODY])


def test_a_line_break_in_a_listing_title_separates_its_words() -> None:
    html = _cards("cards").replace("Second story", "Second<br>story")
    assert "Second<br>story" in html
    titles = [i.title for i in parse_listing(html, LISTING_URL).items]
    assert titles == [title for _aid, title, *_ in ITEMS]


def test_a_feed_description_in_paragraphs_keeps_its_words_apart() -> None:
    feed = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><language>ru</language>
<item><title>Заголовок</title><link>https://www.kavkaz-uzel.eu/articles/420001</link>
<pubDate>Mon, 05 Jan 2026 10:00:00 +0300</pubDate>
<description><![CDATA[<p>Первый &laquo;абзац&raquo;</p><p>второй&nbsp;абзац<br>и строка</p>]]></description>
</item></channel></rss>"""
    item = parse_feed(feed.encode(), "https://www.kavkaz-uzel.eu/articles.rss").items[0]
    assert item.lead == "Первый «абзац» второй абзац и строка"


# RU mobile pages show the date glued to the title ("10:57 / 10.01.2026Акция протеста …",
# SITE.md §3.4): markups that give that text, with and without the known classes.
GLUED_HEADS = {
    "date_span_in_h1": '<h1 class="m-article_title"><span class="m-article_date">{date}</span>{title}</h1>',
    "date_span_in_plain_h1": "<h1><span>{date}</span>{title}</h1>",
    "text_in_h1": "<h1>{date}{title}</h1>",
    "time_in_h1": "<h1><time>{date}</time>{title}</h1>",
    "text_in_a_div": '<div class="hd">{date}{title}</div>',
    "spans_in_a_div": "<div><span>{date}</span><span>{title}</span></div>",
}


@pytest.mark.parametrize("head", sorted(GLUED_HEADS))
def test_a_date_glued_to_the_title_is_the_date_not_the_title(head: str) -> None:
    import re

    from knotcrawl import replica

    rep = replica.Replica(replica.ReplicaConfig(seed=3, articles=30))
    checked = 0
    for truth in list(rep.truth("ru"))[:10]:
        path = f"/articles/{truth.article_id}"
        page = rep.respond("GET", "m.kavkaz-uzel.eu", path).body.decode("utf-8")
        known = re.search(
            r'<div class="m-article_head"><span class="m-article_date">(.*?)</span>.*?</h1>',
            page,
            re.S,
        )
        assert known is not None
        shown = known.group(1)  # the mobile format, HH:MM / DD.MM.YYYY
        glued = GLUED_HEADS[head].format(date=shown, title=truth.title.replace("&", "&amp;"))
        html = page.replace(known.group(0), f'<div class="m-article_head">{glued}')
        got = parse_article(html.encode("utf-8"), f"https://m.kavkaz-uzel.eu{path}").to_dict()
        want = {**truth.to_dict(), "published_raw": shown}
        for field in ("title", "published_at", "published_raw", "body"):
            assert got[field] == want[field], (truth.article_id, field)
        checked += 1
    assert checked == 10


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("10 detained in Nalchik after the protest", True),
        ("2019: the year of protests in Ingushetia", True),
        ("10:57 / 10.01.2026", True),
        ("10:57 / 10.01.2026Снегопад закрыл движение", False),
        ("22:58 30.08.2025 — Юристы указали на противоречия", False),
    ],
)
def test_only_a_date_and_time_before_more_text_leaves_a_title(text: str, kept: bool) -> None:
    from knotcrawl.pages.dates import without_leading_date

    assert (without_leading_date(text) == text) is kept


def test_listing_items_that_print_their_day_apart_from_their_time() -> None:
    # Not grouped: each item prints its own day, then its time, in two elements.
    html = """<html lang="en"><body><main><h1>All news</h1><div class="feed">
<div class="it"><span class="d">12 February 2026</span> <span class="t">18:40</span>
<h3><a href="/articles/71830">First story</a></h3><p>Lead one.</p></div>
<div class="it"><span class="d">11 February 2026</span> <span class="t">23:50</span>
<h3><a href="/articles/71819">Second story</a></h3><p>Lead two.</p></div>
</div><div class="older"><a href="/articles/71700">Older story</a> <a href="/articles/71690">Another</a></div>
</main></body></html>"""
    items = parse_listing(html, LISTING_URL).items
    # The links after the last item's day are not below it: that day does not head a group.
    assert [(i.published_at, i.published_raw, i.lead) for i in items] == [
        ("2026-02-12T15:40:00Z", "12 February 2026 18:40", "Lead one."),
        ("2026-02-11T20:50:00Z", "11 February 2026 23:50", "Lead two."),
    ]


def test_listing_of_one_item_under_a_day_heading() -> None:
    # The last page of a listing grouped by day: one day, one item, which holds the heading.
    html = """<html lang="en"><body><main><h1>All news</h1>
<section class="day"><h3>11 February 2026</h3><ul>
<li><span>23:50</span> <a href="/articles/71819">Residents of Derbent complain</a></li>
</ul></section></main></body></html>"""
    items = parse_listing(html, LISTING_URL).items
    assert [(i.title, i.published_at, i.published_raw, i.lead) for i in items] == [
        ("Residents of Derbent complain", "2026-02-11T20:50:00Z", "11 February 2026 23:50", None)
    ]


TABLE_URL = "https://www.eng.kavkaz-uzel.eu/articles/71990"


def _table_article(table: str) -> dict[str, Any]:
    html = f"""<html lang="en"><body><main><p>10:00, 2 March 2026</p>
<h1>Fines for protesters in three districts</h1>
<div class="text"><p>Courts in three districts fined the participants of the rally.</p>{table}
<p>The defence will appeal against every fine.</p></div></main></body></html>"""
    return parse_article(html.encode("utf-8"), TABLE_URL).to_dict()


def test_a_data_tables_row_is_one_paragraph_its_cells_joined() -> None:
    table = """<table><tr><th>District</th><th>Fined</th></tr>
<tr><td>Rustavi</td><td>12</td></tr><tr><td>Telavi</td><td></td></tr></table>"""
    assert _table_article(table)["body"].split("\n\n")[1:4] == [
        "District | Fined",
        "Rustavi | 12",
        "Telavi |",
    ]


def test_a_layout_tables_cells_with_paragraphs_stay_apart() -> None:
    table = """<table><tr><td><p>The first court sat on Monday.</p></td>
<td><p>The second one on Tuesday.</p></td></tr></table>"""
    assert _table_article(table)["body"].split("\n\n")[1:3] == [
        "The first court sat on Monday.",
        "The second one on Tuesday.",
    ]


def test_a_tables_author_row_is_the_credit_line() -> None:
    table = "<table><tr><th>Author</th><td>Tamara Beridze</td></tr></table>"
    assert _table_article(table)["authors"] == ["Tamara Beridze"]


@pytest.mark.parametrize(
    "byline",
    [
        "&mdash; Nino K. (@nino_observes) <a href='https://twitter.com/n/status/1'>March 1, 2026</a>",
        "&mdash; Совет матерей (@sovet01) <a href='https://twitter.com/s/status/2'>5 марта 2026 г.</a>",
    ],
    ids=["en", "ru"],
)
def test_an_embedded_tweets_byline_is_dropped_and_its_text_kept(byline: str) -> None:
    tweet = (
        f"""<blockquote class="twitter-tweet"><p>The box came sealed.</p>{byline}</blockquote>"""
    )
    record = _table_article(tweet)
    assert (record["body"].split("\n\n")[1:], record["links"]) == (
        ["The box came sealed.", "The defence will appeal against every fine."],
        [],
    )


def test_the_date_in_the_articles_own_footer_is_its_date() -> None:
    html = """<html lang="ru"><body><header><a href="/">Кавказский узел</a></header>
<article><h1>Матери мобилизованных обратились к главе республики</h1>
<div><p>Матери и жены мобилизованных записали видеообращение к главе республики.</p>
<p>В пресс-службе сообщили, что обращение будет рассмотрено.</p></div>
<footer><p>Автор: Анна Лебедева</p><p>16:30, 5 марта 2026</p></footer></article>
<footer>© 2002–2026 Кавказский узел</footer></body></html>"""
    record = parse_article(
        html.encode("utf-8"), "https://www.kavkaz-uzel.eu/articles/420758"
    ).to_dict()
    assert record["published_raw"] == "16:30, 5 марта 2026"


def test_a_disabled_next_link_on_the_last_page_is_no_next_page() -> None:
    html = """<html lang="en"><body><main><h1>All news</h1><ul>
<li><span>15:00, 23 June 2009</span> <a href="/articles/10043">Memorial opens office</a></li>
<li><span>12:00, 22 June 2009</span> <a href="/articles/10041">Refugees ask for housing</a></li></ul>
<a href="/rubric/10?page=2511">2511</a> <span>2512</span>
<a rel="next" aria-disabled="true" href="/rubric/10?page=2512">Next</a></main></body></html>"""
    listing = parse_listing(html.encode(), "https://www.eng.kavkaz-uzel.eu/rubric/10?page=2512")
    assert listing.next_page is None


def test_a_day_headings_count_in_a_child_names_the_day() -> None:
    html = """<html lang="ru"><body><main><h1>Лента новостей</h1>
<h3>5 марта 2026 <span class="count">(2)</span></h3><ul>
<li><time>20:05</time> <a href="/articles/420771">В Черкесске осудили жителя</a></li>
<li><time>18:25</time> <a href="/articles/420744">Жители Дербента против застройки</a></li></ul>
</main></body></html>"""
    listing = parse_listing(html.encode(), "https://www.kavkaz-uzel.eu/articles")
    assert [item.published_raw for item in listing.items] == [
        "5 марта 2026 20:05",
        "5 марта 2026 18:25",
    ]


def test_a_feeds_media_description_is_the_photo_caption_and_entities_are_read() -> None:
    feed = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"
xmlns:media="http://search.yahoo.com/mrss/"><channel><language>ru</language>
<item><title>Заголовок</title><link>https://www.kavkaz-uzel.eu/articles/420744</link>
<media:content url="https://www.kavkaz-uzel.eu/x.jpg" medium="image">
<media:description>Набережная. Фото: соцсети</media:description></media:content>
<description>Жители &amp;laquo;Дербента&amp;raquo; против</description></item></channel></rss>"""
    item = parse_feed(feed.encode(), "https://www.kavkaz-uzel.eu/articles.rss").items[0]
    assert (item.photo_caption, item.lead) == (
        "Набережная. Фото: соцсети",
        "Жители «Дербента» против",
    )


def test_a_layout_tables_row_holding_the_title_keeps_its_cells_apart() -> None:
    html = """<html><head><title>Жители протестуют против свалки - Кавказский узел</title></head>
<body><table><tr><td>14:25, 13 февраля 2026</td></tr>
<tr><td><b>Жители протестуют против свалки</b></td><td>Жители Нальчика вышли на акцию у мэрии.</td></tr>
<tr><td><p>Власти обещали провести слушания по проекту полигона.</p></td></tr></table></body></html>"""
    record = parse_article(html.encode(), "https://www.kavkaz-uzel.eu/articles/420001").to_dict()
    assert record["body"].split("\n\n")[0] == "Жители Нальчика вышли на акцию у мэрии."


# Round 4 of the hand-written redesigns (parser 1.3.8): each rule alone, beside the pages of
# tests/pages/redesigns/ that needed it.


@pytest.mark.parametrize(
    "line",
    [
        "THIS MATERIAL (INFORMATION) WAS PRODUCED, DISTRIBUTED AND (OR) SENT BY A FOREIGN AGENT MEMO LLC OR CONCERNS THE ACTIVITIES OF A FOREIGN AGENT MEMO LLC. 18+",
        "This material (information) was produced and distributed by a foreign agent, Memo LLC.",
        'Support the "Caucasian Knot"! Independent reporting from the Caucasus depends on its readers.',
        "Поддержите «Кавказский узел»!",
        "Donate",
        "Email",
        "Copy link",
        "Posted by Emergencies Ministry of Dagestan on Saturday, March 7, 2026",
        "A post shared by Nalchik Today (@nalchik_today)",
        "Публикация от Нальчик сегодня (@nalchik_today)",
        "View this post on Instagram",
        "Посмотреть эту публикацию в Instagram",
        "The views expressed by the author may not coincide with the position of the editorial board.",
        "Мнение автора может не совпадать с позицией редакции.",
        "Last updated: 07.03.2026 - 16:30",
        "Обновлено в 20:45",
    ],
    ids=[
        "agent_en_caps",
        "agent_en",
        "support_en",
        "support_ru",
        "donate",
        "email",
        "copy_link",
        "facebook_byline",
        "instagram_byline",
        "instagram_byline_ru",
        "instagram_view",
        "instagram_view_ru",
        "disclaimer_en",
        "disclaimer_ru",
        "updated_en",
        "updated_ru",
    ],
)
def test_more_furniture_lines_are_not_body(line: str) -> None:
    assert _ru_article(line)["body"] == "\n\n".join(NOTICE_BODY)


@pytest.mark.parametrize(
    "line",
    [
        "Support the families of the victims was promised by the governor on Friday.",
        "Posted by the ministry on its website, the statement names no victims.",
        "Updated figures show that fourteen houses were damaged.",
        "The views of the residents were not asked, the activists said.",
    ],
)
def test_sentences_that_open_like_furniture_stay_in_the_body(line: str) -> None:
    assert _ru_article(line)["body"] == "\n\n".join([line, *NOTICE_BODY])


@pytest.mark.parametrize(
    "box", ["author-box", "article-byline", "kg-signup-card", "newsletter", "donate-box"]
)
def test_author_cards_signup_and_donation_boxes_are_furniture(box: str) -> None:
    html = f"""<html lang="en"><body><main><article><h1>{TITLE}</h1><p>05 March 2020, 14:20</p>
<div class="{box}"><img src="/a.jpg" alt=""><p>Anna Petrosyan</p><p>Anna Petrosyan is a journalist based in Yerevan and writes about borders.</p></div>
<div class="text"><p>{P1}</p><p>{P3}</p></div></article></main></body></html>"""
    record = parse_article(html.encode(), EN_URL).to_dict()
    assert (record["body"], record["photo_caption"]) == (f"{P1}\n\n{P3}", None)


def test_a_drupal_node_promoted_to_the_front_page_is_no_promo_block() -> None:
    html = f"""<html lang="en"><body><h1>{TITLE}</h1><div class="node node-promoted">
<p>05 March 2020, 14:20</p><div class="field-image-caption"><div class="field-item">Protest in Nalchik</div></div>
<div class="field-body"><p>{P1}</p><p>{P3}</p></div></div></body></html>"""
    assert parse_article(html.encode(), EN_URL).photo_caption == "Protest in Nalchik"


def test_a_link_in_the_text_makes_no_block_another_articles() -> None:
    """Drupal prints the title outside the node that holds the date and the body: a link to
    another article inside a sentence of the body is no sidebar item's link."""
    html = f"""<html lang="en"><body><h1>{TITLE}</h1><div class="node">
<div class="submitted">05 March 2020, 14:20</div>
<div class="body"><p>{P1} Earlier, <a href="/articles/49000">residents complained</a> about the smell.</p><p>{P3}</p></div>
</div></body></html>"""
    assert parse_article(html.encode(), EN_URL).to_dict()["published_raw"] == "05 March 2020, 14:20"


def test_a_live_entry_at_the_articles_minute_does_not_end_the_body() -> None:
    html = f"""<html lang="en"><body><article><h1>{TITLE}</h1>
<p><time datetime="2020-03-05T11:20:00Z">05.03.2020, 14:20</time></p>
<div class="entry"><div><time datetime="2020-03-05T11:40:00Z">14:40</time></div><p>{P3}</p></div>
<div class="entry"><div><time datetime="2020-03-05T11:20:00Z">14:20</time></div><p>{P1}</p></div>
</article></body></html>"""
    assert parse_article(html.encode(), EN_URL).body == f"14:40\n\n{P3}\n\n14:20\n\n{P1}"


def test_an_opinion_articles_json_ld_gives_its_authors() -> None:
    ld = '{"@context": "https://schema.org", "@graph": [{"@type": "OpinionNewsArticle", "author": [{"@type": "Person", "name": "Anna Petrosyan"}]}]}'
    html = f"""<html lang="en"><head><script type="application/ld+json">{ld}</script></head>
<body><article><h1>{TITLE}</h1><p>05 March 2020, 14:20</p><p>{P1}</p><p>{P3}</p></article></body></html>"""
    assert parse_article(html.encode(), EN_URL).authors == ["Anna Petrosyan"]


@pytest.mark.parametrize(
    "more",
    [
        '<button type="button" data-url="/rubric/10?page=8">Load more</button>',
        '<a href="#" data-href="https://www.caucasianknot.info/rubric/10?page=8">Показать ещё</a>',
        '<div class="more" data-next-page-url="/rubric/10?page=8&amp;ajax=1"></div>',
    ],
    ids=["button_data_url", "link_data_href", "div_data_next"],
)
def test_a_load_more_buttons_address_is_the_next_page(more: str) -> None:
    html = _without_pager(_cards("cards")).replace("</body>", f"{more}</body>")
    assert more in html
    assert parse_listing(html, LISTING_URL).next_page == (
        "https://www.caucasianknot.info/rubric/10?page=8" + ("&ajax=1" if "ajax" in more else "")
    )


def _without_pager(html: str) -> str:
    """A listing whose next page only a script fetches (no pager links)."""
    start = html.index('<div class="pages">')
    return html[:start] + html[html.index("</div>", start) + len("</div>") :]


def test_a_load_more_address_of_another_path_is_no_next_page() -> None:
    html = _without_pager(_cards("cards")).replace(
        "</body>", '<button data-url="/api/feed?page=8">Load more</button></body>'
    )
    assert parse_listing(html, LISTING_URL).next_page is None


def test_a_listing_images_alt_repeating_its_title_is_no_caption() -> None:
    html = """<html lang="ru"><body><h1>Лента новостей</h1><div class="news-list">
<p class="news-item"><a href="/articles/420875/"><img src="/a.jpg" alt="В Грозном прошла акция"></a>
<span>6 марта 2026 г. в 14:20</span> <a href="/articles/420875/"><b>В Грозном прошла акция</b></a></p>
<p class="news-item"><a href="/articles/420874/"><img src="/b.jpg" alt="Улица в Каспийске"></a>
<span>6 марта 2026 г. в 13:55</span> <a href="/articles/420874/"><b>Жители Каспийска без воды</b></a></p>
</div></body></html>"""
    items = parse_listing(html.encode(), "https://www.kavkaz-uzel.eu/articles").items
    assert [item.photo_caption for item in items] == [None, "Улица в Каспийске"]


def test_a_listing_on_a_page_whose_body_names_a_sidebar_keeps_its_items() -> None:
    """Drupal's <body class="one-sidebar sidebar-second">, and its teasers' node-promoted."""
    html = _cards("cards").replace("<body>", '<body class="one-sidebar sidebar-second">')
    html = html.replace('class="x-card"', 'class="x-card node-promoted"')
    assert 'class="x-card node-promoted"' in html and "sidebar-second" in html
    assert len(parse_listing(html, LISTING_URL).items) == len(ITEMS)


def test_a_listing_items_title_is_its_headline_link_not_a_longer_read_more() -> None:
    html = """<html lang="ru"><body><h1>Справки</h1><div class="list">
<div class="node"><h2><a href="/articles/420833">Паводки в Дагестане</a></h2><span>4 марта 2026, 09:15</span>
<a href="/articles/420833">Подробнее<span class="hidden"> о Паводки в Дагестане</span></a></div>
<div class="node"><h2><a href="/articles/420790">Выборы в Грузии</a></h2><span>1 марта 2026, 12:00</span>
<a href="/articles/420790">Подробнее<span class="hidden"> о Выборы в Грузии</span></a></div>
</div></body></html>"""
    items = parse_listing(html.encode(), "https://www.kavkaz-uzel.eu/rubric/41").items
    assert [item.title for item in items] == ["Паводки в Дагестане", "Выборы в Грузии"]


def test_a_feed_items_article_from_its_comments_link_when_its_guid_is_a_tag() -> None:
    feed = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><language>ru</language>
<item><title>Заголовок</title><link/><guid isPermaLink="false">ku-article-420879</guid>
<comments>https://www.kavkaz-uzel.eu/articles/420879#comments</comments>
<pubDate>Fri, 06 Mar 2026 14:31:00 GMT</pubDate></item></channel></rss>"""
    items = parse_feed(feed.encode(), "https://www.kavkaz-uzel.eu/articles.rss").items
    assert [item.url for item in items] == ["https://www.kavkaz-uzel.eu/articles/420879"]


def test_a_headline_misused_as_a_sub_heading_inside_the_text_stays_in_the_body() -> None:
    """Only a headline with a date under it is the next article an endless page appends; an
    editor's <h1> between paragraphs is a sub-heading (RECORD.md: sub-headings are paragraphs),
    and ending the body there would lose the rest of the text."""
    html = f"""<html lang="en"><body><article><h1>{TITLE}</h1>
<p class="date">05 March 2020, 14:20</p>
<p>{P1}</p><h1>What the residents say</h1><p>{P3}</p>
</article></body></html>"""
    assert parse_article(html.encode(), EN_URL).body == f"{P1}\n\nWhat the residents say\n\n{P3}"
