# ruff: noqa: E501  (HTML templates keep their lines whole)
"""HTML of article and listing pages in every markup the replica serves.

Article markups: the five of the shared samples (``en-classic``, ``en-2025``, ``ru-desktop``,
``ru-mobile``, ``ru-amp``) and two of the replica's own that read the same to a person but differ
in classes, nesting and order: ``divsoup`` (nested divs, paragraphs as ``div``s, the date after
the title) and ``brtext`` (sidebar before the content, body text separated by ``<br><br>``).
Every markup renders both editions (furniture in the edition's language).

Listing markups: ``en-classic``, ``en-2025``, ``ru-desktop`` and ``ru-mobile`` (the replica's own).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from html import escape

from . import dates
from .content import Anchor, Block, Content, Credits

ARTICLE_MARKUPS = (
    "en-classic",
    "en-2025",
    "ru-desktop",
    "ru-mobile",
    "ru-amp",
    "divsoup",
    "brtext",
)
LISTING_MARKUPS = ("en-classic", "en-2025", "ru-desktop", "ru-mobile")
MARKUPS = ARTICLE_MARKUPS

CROSSREF_PREFIX = (
    "This article was originally published on the Russian page of 24/7 Internet "
    "agency ‘Caucasian Knot’ on "
)
CROSSREF_NOLINK = (
    "Full text of the article is available on the Russian page of 24/7 Internet "
    "agency ‘Caucasian Knot’."
)
QUOTES = {"straight": ('"', '"'), "curly": ("“", "”"), "guillemets": ("«", "»")}
MOBILE_NOTICE = (
    "ДАННОЕ СООБЩЕНИЕ (МАТЕРИАЛ) СОЗДАНО И (ИЛИ) РАСПРОСТРАНЕНО ИНОСТРАННЫМ "
    "СРЕДСТВОМ МАССОВОЙ ИНФОРМАЦИИ, ВЫПОЛНЯЮЩИМ ФУНКЦИИ ИНОСТРАННОГО АГЕНТА, И (ИЛИ) "
    "РОССИЙСКИМ ЮРИДИЧЕСКИМ ЛИЦОМ, ВЫПОЛНЯЮЩИМ ФУНКЦИИ ИНОСТРАННОГО АГЕНТА."
)
APP_BANNER = """  <div class="app-banner" id="app-banner" role="dialog" aria-label="Download the app">
    <button class="app-banner__close" type="button" aria-label="Close">×</button>
    <div class="app-banner__logo">Кавказский узел</div>
    <div class="app-banner__text">Скачайте приложение — работает без VPN!</div>
    <div class="app-banner__buttons">
      <a class="app-banner__button app-banner__button--google" href="https://play.google.com/store/apps/details?id=eu.kavkazuzel.app">Скачать</a>
      <a class="app-banner__button app-banner__button--apple" href="https://apps.apple.com/app/id0000000000">Скачать</a>
    </div>
  </div>
"""
KNOW_MORE = """      <section class="feedback-cta">
        <h2 class="feedback-cta__title">Know more? Do not be silent!</h2>
        <p class="feedback-cta__lead">Send a message, photo or video to the "Caucasian Knot" via messengers</p>
        <p class="feedback-cta__text">Photos and videos for publication must be sent via Telegram, using the «File» option, or via WhatsApp - using the «Document» option. The buttons work if Telegram and WhatsApp are installed. The contact number for Telegram and WhatsApp is +49 1577 2317856.</p>
        <div class="feedback-cta__buttons">
          <a class="btn btn--telegram" href="https://t.me/Caucasian_Knot">Telegram</a>
          <a class="btn btn--whatsapp" href="https://wa.me/4915772317856">WhatsApp</a>
        </div>
      </section>
"""
LEGAL_TEXTS = """      <section class="promo promo--legal">
        <h2 class="promo__title">LEGAL TEXTS</h2>
        <div class="promo-card">
          <figure class="promo-card__figure">
            <img src="/system/uploads/article_image/image/0021/214377/agreement.jpg" alt="" loading="lazy">
            <figcaption class="promo-card__caption">The illustration was created by the Caucasian Knot using AI</figcaption>
          </figure>
          <a class="promo-card__title" href="/articles/{promo_id}">{promo_title}</a>
          <p class="promo-card__lead">The “Caucasian Knot" publishes the documents and the court decisions it refers to</p>
        </div>
      </section>
"""
FEEDBACK_BANNER = {
    "en": """            <div class="lt-feedback_banner pull-right hidden-phone">
              <a href="/feedback/new"><img alt="Report news" src="/assets/feedback-banner-eng-7d5b3f1e9c8a6b4d2f0e1c3a5b7d9f1e.png"></a>
              <p>Witnessed an event? Send your news to the "Caucasian Knot"</p>
            </div>
""",
    "ru": """            <div class="lt-feedback_banner pull-right hidden-phone">
              <a href="/feedback/new"><img alt="Сообщить новость" src="/assets/feedback-banner-ru-3c5e7a9b1d2f4e6a8c0b2d4f6e8a0c1d.png"></a>
              <p>Стали очевидцем события? Сообщите "Кавказскому узлу"</p>
            </div>
""",
}


def notice(quotes: str, variant: int = 1) -> str:
    """The foreign-agent notice: variant 1 (quote styles vary), 2 (the forum's wording)."""
    q1, q2 = QUOTES[quotes]
    verb = "ПРОИЗВЕДЕН И РАСПРОСТРАНЕН" if variant == 1 else "ПРОИЗВЕДЕН И РАСПРОСТРАНЕННЫМ"
    return (
        f"НАСТОЯЩИЙ МАТЕРИАЛ (ИНФОРМАЦИЯ) {verb} ИНОСТРАННЫМ АГЕНТОМ ООО {q1}МЕМО{q2}, ЛИБО "
        f"КАСАЕТСЯ ДЕЯТЕЛЬНОСТИ ИНОСТРАННОГО АГЕНТА ООО {q1}МЕМО{q2}."
    )


@dataclass(slots=True)
class Item:
    """An article as listings, sidebars and related blocks show it."""

    article_id: int
    title: str
    published: datetime  # Moscow wall clock
    lead: str | None
    caption: str | None
    photo: str | None


@dataclass(slots=True)
class ArticlePage:
    content: Content
    sidebar: list[Item]
    related: list[Item]
    promo: Item | None
    year: int
    canonical: str
    notice_variant: int = 1


@dataclass(slots=True)
class ListingPage:
    edition: str
    path: str
    heading: str | None
    page: int
    pages: int
    items: list[Item]
    year: int
    footer_link: str | None = None
    promo: Item | None = None
    extra: dict[str, str] = field(default_factory=dict)
    # SITE.md §4.3: the RU справки rubric (and the AMP rubric pages) show no item dates.
    dated: bool = True
    # SITE.md §4.3: counters (comments or views) printed right before some leads of RU
    # listings ("1Рамзан…", "11Неравная…"): article id -> the number shown.
    counters: dict[int, int] = field(default_factory=dict)


def article_date(markup: str, edition: str, t: datetime) -> str:
    en = edition == "en"
    if markup in ("en-classic", "divsoup"):
        return dates.en_classic(t) if en else dates.ru_day_first(t)
    if markup == "ru-mobile":
        return dates.mobile(t)
    return dates.en_2025(t) if en else dates.ru_desktop(t)


def listing_date(markup: str, edition: str, t: datetime) -> str:
    if markup == "en-classic":
        return dates.en_listing_classic(t) if edition == "en" else dates.ru_desktop(t)
    if markup == "ru-mobile":
        return dates.mobile(t)
    return dates.en_2025(t) if edition == "en" else dates.ru_desktop(t)


def e(text: str) -> str:
    return escape(text, quote=False)


def a(text: str) -> str:
    return escape(text, quote=True)


def parts_html(block: Block) -> str:
    out = []
    for part in block.parts:
        if isinstance(part, Anchor):
            extra = ' target="_blank"' if part.kind == "external" else ""
            out.append(f'<a href="{a(part.href)}"{extra}>{e(part.text)}</a>')
        else:
            out.append(e(part))
    return "".join(out)


def blocks_html(blocks: list[Block], indent: str, tags: dict[str, str]) -> list[str]:
    """Blocks as elements; consecutive list items grouped in ``<ul>``.

    ``tags`` maps block kinds to an opening tag (``"<p>"``, ``'<div class="x">'``).
    """
    lines: list[str] = []
    in_list = False
    for block in blocks:
        if block.kind == "li":
            if not in_list:
                lines.append(f"{indent}{tags.get('ul', '<ul>')}")
                in_list = True
            lines.append(f"{indent}  <li>{parts_html(block)}</li>")
            continue
        if in_list:
            lines.append(f"{indent}</ul>")
            in_list = False
        open_tag = tags[block.kind]
        name = open_tag[1:].split(">")[0].split(" ")[0]
        inner = parts_html(block)
        if block.kind == "quote" and name == "blockquote":
            inner = f"<p>{inner}</p>"
        lines.append(f"{indent}{open_tag}{inner}</{name}>")
    if in_list:
        lines.append(f"{indent}</ul>")
    return lines


def _cut(lines: list[str], at: int) -> int:
    """The first line index >= ``at`` that is not inside a ``<ul>`` of :func:`blocks_html`."""
    at = min(at, len(lines))
    while at < len(lines):
        depth = sum(line.lstrip().startswith("<ul") for line in lines[:at]) - sum(
            line.lstrip().startswith("</ul>") for line in lines[:at]
        )
        if depth <= 0:
            break
        at += 1
    return at


def crossref_html(content: Content) -> str | None:
    if content.xref == "link" and content.original_time is not None:
        return (
            f"{e(CROSSREF_PREFIX)}{e(dates.cross_ref(content.original_time))}. To access "
            f'the full text of the article, <a href="https://www.kavkaz-uzel.eu/articles/'
            f'{content.original_id}">click here</a>.'
        )
    if content.xref == "nolink":
        return e(CROSSREF_NOLINK)
    return None


def credit_lines(credits: Credits, edition: str) -> list[str]:
    author, source = ("Author", "Source") if edition == "en" else ("Автор", "Источник")
    style = credits.style
    if style in ("oneline", "semicolon", "twolines"):
        a_line = f"{author}: {credits.authors_text}"
        s_line = f"{source}: {credits.source_printed}"
        if style == "oneline":
            return [f"{a_line} {s_line}"]
        if style == "semicolon":
            return [f"{a_line}; {s_line}"]
        return [a_line, s_line]
    if style == "ck":
        return [f"{author}: The Caucasian Knot"]
    if style == "source":
        return [f"{source}: {credits.source_printed}"]
    return []


def _lang(edition: str) -> str:
    return "en" if edition == "en" else "ru"


def _site(edition: str) -> str:
    return "Caucasian Knot" if edition == "en" else "Кавказский узел"


def _other_home(edition: str) -> tuple[str, str]:
    if edition == "en":
        return "https://www.kavkaz-uzel.eu/", "Русская версия"
    return "https://www.eng.kavkaz-uzel.eu/", "English"


def _photo(item: Item, cls: str) -> str:
    if not item.caption or not item.photo:
        return ""
    return f'<div class="{cls}"><img alt="{a(item.caption)}" src="{a(item.photo)}"></div>'


# ------------------------------------------------------------------------------------------
# article markups


def render_en_classic(p: ArticlePage) -> str:
    c = p.content
    ed = c.edition
    t = article_date("en-classic", ed, c.published)
    head = _classic_head(c.title, ed)
    out = [
        head,
        '  <div class="container main-container" id="main">',
        '    <div class="row">',
        '      <div class="span8">',
        '        <div class="articles-body">',
    ]
    if c.caption and c.photo:
        out.append('          <div class="articles-body_image">')
        out.append(f'            <img alt="{a(c.caption)}" src="{a(c.photo)}">')
        out.append(f'            <div class="articles-body_image-caption">{e(c.caption)}</div>')
        out.append("          </div>")
    out.append(f'          <p class="time">{e(t)}</p>')
    out.append(f"          <h1>{e(c.title)}</h1>")
    out.append('          <div class="articles-body_contents">')
    body = blocks_html(c.blocks, "            ", {"p": "<p>", "h": "<h3>", "quote": "<blockquote>"})
    at = _cut(body, 3)
    out += body[:at]
    out.append(FEEDBACK_BANNER[ed].rstrip("\n"))
    out += body[at:]
    xref = crossref_html(c)
    if xref:
        out.append(f"            <p>{xref}</p>")
    out.append("          </div>")
    lines = credit_lines(c.credits, ed)
    if len(lines) == 1:
        out.append(f'          <p class="articles-body_author">{e(lines[0])}</p>')
    elif lines:
        out.append('          <div class="articles-body_author">')
        out += [f"            <p>{e(line)}</p>" for line in lines]
        out.append("          </div>")
    out += ["        </div>", "      </div>", ""]
    out.append(_classic_sidebar(p))
    out += ["    </div>", "  </div>", ""]
    out.append(_classic_footer(ed, p.year, c.notice_quotes, p.notice_variant))
    return "\n".join(out)


def _classic_head(title: str, edition: str) -> str:
    site = _site(edition)
    href, label = _other_home(edition)
    nav = (
        (
            '<li><a href="/rubric/11">News</a></li><li><a href="/category/3">Interethnic relations'
            '</a></li><li><a href="/abhazia">Abkhazia</a></li><li><a href="/articles/'
            'AboutCaucasianKnot">About us</a></li>'
        )
        if edition == "en"
        else (
            '<li><a href="/articles">Новости</a></li><li><a href="/rubric/41">Справки</a></li>'
            '<li><a href="/blogs">Блоги</a></li>'
        )
    )
    return f"""<!DOCTYPE html>
<html lang="{_lang(edition)}">
<head>
  <meta charset="utf-8">
  <title>{e(title)} | {site}</title>
  <meta content="width=device-width, initial-scale=1.0" name="viewport">
  <link href="/assets/application-5f3c1e0a9b7d2c4e8f6a1b3d5c7e9f02.css" media="all" rel="stylesheet" type="text/css">
  <link href="https://www.kavkaz-uzel.eu/articles.rss" rel="alternate" title="Кавказский узел" type="application/rss+xml">
  <script src="/assets/application-9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b.js" type="text/javascript"></script>
</head>
<body class="articles articles-show">
  <div class="navbar navbar-inverse navbar-static-top" id="top-navbar">
    <div class="navbar-inner">
      <div class="container">
        <a class="brand" href="/"><img alt="{site}" src="/assets/logo-2c4e6a8b0d1f3e5a7c9b1d3f5e7a9c0b.png"></a>
        <ul class="nav">{nav}</ul>
        <ul class="nav pull-right"><li><a href="{href}">{label}</a></li></ul>
      </div>
    </div>
  </div>
"""


def _classic_sidebar(p: ArticlePage) -> str:
    ed = p.content.edition
    header = (
        '<a href="/rubric/11">All news</a>'
        if ed == "en"
        else '<a href="/articles">Лента новостей</a>'
    )
    out = [
        '      <div class="span4 sidebar">',
        '        <div class="sidebar-news">',
        f'          <h3 class="sidebar-news_header">{header}</h3>',
        '          <ul class="sidebar-news_list unstyled">',
    ]
    for item in p.sidebar:
        out.append('            <li class="sidebar-news_item">')
        out.append(
            f'              <p class="sidebar-news_date">'
            f"{e(listing_date('en-classic', ed, item.published))}</p>"
        )
        photo = _photo(item, "sidebar-news_photo")
        if photo:
            out.append(f"              {photo}")
        out.append(
            f'              <a class="sidebar-news_title" href="/articles/'
            f'{item.article_id}">{e(item.title)}</a>'
        )
        if item.lead:
            out.append(f'              <p class="sidebar-news_lead">{e(item.lead)}</p>')
        out.append("            </li>")
    out.append("          </ul>")
    if ed == "en":
        out.append('          <a class="sidebar-news_archive" href="/rubric/10">News archive</a>')
    out.append("        </div>")
    if ed == "en":
        out.append("""        <div class="sidebar-featured">
          <a class="sidebar-featured_title" href="/articles/45502">Relatives of Chechen young men shocked by secret verdict</a>
        </div>
        <div class="sidebar-partners">
          <p class="sidebar-partners_header">Find Caucasian Knot partners:</p>
          <ul class="unstyled"><li><a href="https://t.me/Caucasian_Knot" rel="nofollow" target="_blank">Telegram @Caucasian_Knot</a></li></ul>
        </div>""")
    out.append("      </div>")
    return "\n".join(out)


def _classic_footer(edition: str, year: int, quotes: str, variant: int) -> str:
    copy = (
        f"© 2001–{year} Caucasian Knot. Use of the materials is allowed only with a "
        f'hyperlink to the "Caucasian Knot".'
        if edition == "en"
        else f"© 2001–{year} Кавказский узел. Использование материалов разрешено только при "
        f"наличии гиперссылки на «Кавказский узел»."
    )
    return f"""  <footer class="footer">
    <div class="container">
      <p class="footer_foreign-agent">{e(notice(quotes, variant))}</p>
      <p class="footer_copyright">{e(copy)}</p>
    </div>
  </footer>
</body>
</html>
"""


def _modern_head(title: str, edition: str, body_class: str) -> str:
    href, _label = _other_home(edition)
    lang = "RU" if edition == "en" else "EN"
    home = "/rubric/11" if edition == "en" else "/articles"
    return f"""<!DOCTYPE html>
<html lang="{_lang(edition)}" class="no-js">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{e(title)} — {_site(edition)}</title>
  <link rel="stylesheet" href="/build/assets/app-3f9c2b1e.css">
  <script type="module" src="/build/assets/app-8d1e4a77.js"></script>
</head>
<body class="page {body_class}">
{APP_BANNER}
  <header class="site-header">
    <div class="site-header__inner">
      <a class="site-header__logo" href="/"><img src="/build/assets/logo-1a2b3c4d.svg" alt="{_site(edition)}" width="180" height="40"></a>
      <nav class="main-nav" aria-label="Main"><ul class="main-nav__list"><li class="main-nav__item"><a class="main-nav__link" href="{home}">News</a></li></ul></nav>
      <a class="site-header__lang" href="{href}">{lang}</a>
    </div>
  </header>
"""


def _modern_footer(edition: str, year: int, quotes: str, variant: int) -> str:
    return f"""  <footer class="site-footer">
    <div class="site-footer__inner">
      <p class="site-footer__agent">{e(notice(quotes, variant))}</p>
      <p class="site-footer__copy">© 2001–{year} {_site(edition)}</p>
    </div>
  </footer>
  <script>
    document.documentElement.classList.remove('no-js');
  </script>
</body>
</html>
"""


def _legal(p: ArticlePage | ListingPage) -> str:
    promo = p.promo
    if promo is None:
        return ""
    return LEGAL_TEXTS.format(promo_id=promo.article_id, promo_title=e(promo.title))


def render_en_2025(p: ArticlePage) -> str:
    c = p.content
    ed = c.edition
    t = article_date("en-2025", ed, c.published)
    out = [
        _modern_head(c.title, ed, "page--article"),
        '  <main class="layout" id="content">',
        '    <div class="layout__main">',
        '      <article class="article">',
        '        <header class="article__header">',
    ]
    if c.caption and c.photo:
        out.append('          <figure class="article__figure">')
        out.append(f'            <img class="article__image" src="{a(c.photo)}" alt="">')
        out.append(f'            <figcaption class="article__caption">{e(c.caption)}</figcaption>')
        out.append("          </figure>")
    out.append(
        f'          <time class="article__date" datetime="{dates.iso_local(c.published)}">'
        f"{e(t)}</time>"
    )
    out.append(f'          <h1 class="article__title">{e(c.title)}</h1>')
    out.append("        </header>")
    out.append('        <div class="article__body">')
    out += blocks_html(c.blocks, "          ", {"p": "<p>", "h": "<h2>", "quote": "<blockquote>"})
    xref = crossref_html(c)
    if xref:
        out.append(f"          <p>{xref}</p>")
    out.append("        </div>")
    lines = credit_lines(c.credits, ed)
    if lines:
        out.append('        <div class="article__credits">')
        out += [f'          <p class="article__credit">{e(line)}</p>' for line in lines]
        out.append("        </div>")
    out.append(f"""        <div class="share" aria-label="Share">
          <a class="share__link share__link--telegram" href="https://t.me/share/url?url={a(p.canonical)}">Telegram</a>
        </div>
      </article>
""")
    if ed == "en":
        out.append(KNOW_MORE)
    out.append(_legal(p))
    out += ["    </div>", "  </main>", ""]
    out.append(_modern_footer(ed, p.year, c.notice_quotes, p.notice_variant))
    return "\n".join(out)


def render_ru_desktop(p: ArticlePage) -> str:
    c = p.content
    ed = c.edition
    t = article_date("ru-desktop", ed, c.published)
    out = [
        _classic_head(c.title, ed).replace("navbar-inverse ", ""),
        '  <div class="container main-container" id="main">',
        '    <div class="row">',
        '      <div class="span8">',
        '        <div class="articles-body">',
        f'          <p class="time">{e(t)}</p>',
        f"          <h1>{e(c.title)}</h1>",
    ]
    if c.caption and c.photo:
        out.append(
            f'          <div class="articles-body_image"><img alt="" src="{a(c.photo)}">'
            f'<p class="articles-body_image-caption">{e(c.caption)}</p></div>'
        )
    out.append('          <div class="articles-body_contents">')
    out.append(
        f'            <p class="agent-notice"><strong>'
        f"{e(notice(c.notice_quotes, p.notice_variant))}</strong></p>"
    )
    body = blocks_html(c.blocks, "            ", {"p": "<p>", "h": "<h3>", "quote": "<blockquote>"})
    at = _cut(body, 2)
    out += body[:at]
    out.append(FEEDBACK_BANNER[ed].rstrip("\n"))
    out += body[at:]
    xref = crossref_html(c)
    if xref:
        out.append(f"            <p>{xref}</p>")
    out.append("          </div>")
    lines = credit_lines(c.credits, ed)
    if lines:
        out.append('          <div class="articles-body_author">')
        out += [f"            <p>{e(line)}</p>" for line in lines]
        out.append("          </div>")
    out += ["        </div>", "      </div>", ""]
    out.append(_classic_sidebar(p))
    out += ["    </div>", "  </div>", ""]
    copy = "Caucasian Knot" if ed == "en" else "Кавказский узел"
    out.append(f"""  <footer class="footer">
    <div class="container">
      <p class="footer_copyright">© 2001–{p.year} {copy}</p>
      <ul class="inline footer_links"><li><a href="https://t.me/kavkaz_uzel" rel="nofollow">Telegram</a></li><li><a href="https://www.kavkaz-uzel.eu/articles.rss">RSS</a></li></ul>
    </div>
  </footer>
</body>
</html>
""")
    return "\n".join(out)


def render_ru_mobile(p: ArticlePage) -> str:
    c = p.content
    ed = c.edition
    t = article_date("ru-mobile", ed, c.published)
    out = [
        f"""<!DOCTYPE html>
<html lang="{_lang(ed)}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1, maximum-scale=1">
  <title>{e(c.title)} | {_site(ed)}</title>
  <link rel="canonical" href="{a(p.canonical)}">
  <link href="/assets/mobile-6a4c2e0b8d9f1a3c5e7b9d1f3a5c7e9b.css" media="all" rel="stylesheet">
</head>
<body class="mobile">
  <header class="m-header">
    <a class="m-header_menu" href="#menu" aria-label="Меню">☰</a>
    <a class="m-header_logo" href="/">{_site(ed)}</a>
  </header>
  <div class="m-content">
    <div class="m-article">
      <div class="m-article_head"><span class="m-article_date">{e(t)}</span><h1 class="m-article_title">{e(c.title)}</h1></div>"""
    ]
    if c.caption and c.photo:
        out.append(
            f'      <div class="m-article_photo"><img src="{a(c.photo)}" alt="">'
            f'<span class="m-article_caption">{e(c.caption)}</span></div>'
        )
    out.append('      <div class="m-article_text">')
    if c.published.year < 2026:
        out.append(f'        <p class="m-article_notice">{e(MOBILE_NOTICE)}</p>')
    body = blocks_html(c.blocks, "        ", {"p": "<p>", "h": "<h3>", "quote": "<blockquote>"})
    at = _cut(body, 3)
    out += body[:at]
    for item in p.related:
        out.append('        <div class="m-related">')
        out.append(
            f'          <div class="m-related_date">{e(dates.related(item.published))}</div>'
        )
        out.append(
            f'          <a class="m-related_title" href="/articles/{item.article_id}">'
            f"{e(item.title)}</a>"
        )
        if item.lead:
            out.append(f'          <p class="m-related_lead">{e(item.lead)}</p>')
        out.append("        </div>")
    out += body[at:]
    xref = crossref_html(c)
    if xref:
        out.append(f"        <p>{xref}</p>")
    out.append("      </div>")
    lines = credit_lines(c.credits, ed)
    if lines:
        out.append('      <div class="m-article_author">')
        out += [f"        <p>{e(line)}</p>" for line in lines]
        out.append("      </div>")
    home = "/articles" if ed == "ru" else "/rubric/11"
    out.append(f"""    </div>
  </div>
  <nav class="m-menu" id="menu"><ul><li><a href="{home}">Лента новостей</a></li><li><a href="/rubric/41">Справки</a></li></ul></nav>
  <footer class="m-footer">
    <a href="{a(p.canonical)}?nomobile=1">Полная версия сайта</a>
    <p>© 2001–{p.year} {_site(ed)}</p>
  </footer>
</body>
</html>
""")
    return "\n".join(out)


def render_ru_amp(p: ArticlePage) -> str:
    c = p.content
    ed = c.edition
    t = article_date("ru-amp", ed, c.published)
    ld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": c.title,
            "datePublished": dates.iso_local(c.published),
            "mainEntityOfPage": p.canonical,
            "publisher": {"@type": "Organization", "name": _site(ed)},
        },
        ensure_ascii=False,
        indent=2,
    ).replace("</", "<\\/")
    out = [
        f"""<!doctype html>
<html ⚡ lang="{_lang(ed)}">
<head>
  <meta charset="utf-8">
  <script async src="https://cdn.ampproject.org/v0.js"></script>
  <title>{e(c.title)} | {_site(ed)}</title>
  <link rel="canonical" href="{a(p.canonical)}">
  <meta name="viewport" content="width=device-width,minimum-scale=1,initial-scale=1">
  <script type="application/ld+json">
{ld}
  </script>
  <style amp-boilerplate>body{{-webkit-animation:-amp-start 8s steps(1,end) 0s 1 normal both;animation:-amp-start 8s steps(1,end) 0s 1 normal both}}@keyframes -amp-start{{from{{visibility:hidden}}to{{visibility:visible}}}}</style><noscript><style amp-boilerplate>body{{-webkit-animation:none;animation:none}}</style></noscript>
  <style amp-custom>body {{ font-family: Georgia, serif; margin: 0 12px; }}</style>
</head>
<body>
  <header class="amp-header"><a class="amp-header_logo" href="https://www.kavkaz-uzel.eu/">{_site(ed)}</a></header>
  <article class="amp-article">
    <h1 class="amp-article_title">{e(c.title)}</h1>
    <p class="amp-article_notice">{e(notice(c.notice_quotes, p.notice_variant))}</p>"""
    ]
    if c.caption and c.photo:
        out.append(
            f'    <figure class="amp-article_figure"><amp-img src="{a(c.photo)}" '
            f'width="640" height="400" layout="responsive"></amp-img>'
            f"<figcaption>{e(c.caption)}</figcaption></figure>"
        )
    out.append('    <div class="amp-article_text">')
    out += blocks_html(c.blocks, "      ", {"p": "<p>", "h": "<h3>", "quote": "<blockquote>"})
    xref = crossref_html(c)
    if xref:
        out.append(f"      <p>{xref}</p>")
    out.append("    </div>")
    lines = credit_lines(c.credits, ed)
    if lines:
        out.append(
            '    <div class="amp-article_author">'
            + "".join(f"<p>{e(line)}</p>" for line in lines)
            + "</div>"
        )
    out.append(f"""    <div class="amp-article_footer">
      <span class="amp-article_date">{e(t)}</span>
      <a class="amp-article_full" href="{a(p.canonical)}">{"Full version" if ed == "en" else "Полная версия"}</a>
    </div>
  </article>
  <footer class="amp-footer">© 2001–{p.year} {_site(ed)}</footer>
</body>
</html>
""")
    return "\n".join(out)


def render_divsoup(p: ArticlePage) -> str:
    """Nested divs with short class names; the date and the photo come after the title; body
    paragraphs are ``div``s; the notice is the first div of the body; credits in one div."""
    c = p.content
    ed = c.edition
    t = article_date("divsoup", ed, c.published)
    out = [
        f"""<!DOCTYPE html>
<html lang="{_lang(ed)}">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{e(c.title)} :: {_site(ed)}</title>
<link rel="stylesheet" href="/css/site.css?v=41">
</head>
<body>
<div id="wrap"><div class="hdr"><div class="hdr-in"><a href="/" class="logo">{_site(ed)}</a></div></div>
<div class="cols"><div class="col-main"><div class="box"><div class="box-in">
<div class="ni"><div class="ni-top"><div class="ni-head"><h1 class="ni-ttl">{e(c.title)}</h1></div>
<div class="ni-meta"><span class="ni-dt">{e(t)}</span></div></div>"""
    ]
    if c.caption and c.photo:
        out.append(
            f'<div class="ni-pic"><img src="{a(c.photo)}" alt="{a(c.caption)}">'
            f'<div class="ni-pic-sign">{e(c.caption)}</div></div>'
        )
    out.append('<div class="ni-txt">')
    out.append(f'<div class="ni-agent">{e(notice(c.notice_quotes, p.notice_variant))}</div>')
    out += blocks_html(
        c.blocks,
        "",
        {
            "p": '<div class="ni-p">',
            "h": '<div class="ni-sub">',
            "quote": '<div class="ni-q">',
            "ul": '<ul class="ni-ul">',
        },
    )
    xref = crossref_html(c)
    if xref:
        out.append(f'<div class="ni-p ni-p--x">{xref}</div>')
    out.append("</div>")
    lines = credit_lines(c.credits, ed)
    if lines:
        out.append('<div class="ni-by">' + "<br>".join(e(line) for line in lines) + "</div>")
    out.append("</div></div></div></div>")
    out.append(
        '<div class="col-side"><div class="box"><div class="box-ttl">'
        + (
            '<a href="/rubric/11">All news</a>'
            if ed == "en"
            else '<a href="/articles">Лента новостей</a>'
        )
        + "</div>"
    )
    for item in p.sidebar:
        out.append(
            f'<div class="sn"><div class="sn-d">'
            f"{e(listing_date('en-2025', ed, item.published))}</div>"
            f'<div class="sn-t"><a href="/articles/{item.article_id}">{e(item.title)}</a>'
            "</div></div>"
        )
    if ed == "en":
        out.append('<div class="box-more"><a href="/rubric/10">News archive</a></div>')
    out.append(f"""</div></div></div>
<div class="ftr">© 2001–{p.year} {_site(ed)}</div>
</div>
</body>
</html>
""")
    return "\n".join(out)


def render_brtext(p: ArticlePage) -> str:
    """A table-less "legacy" layout: the sidebar comes BEFORE the content, the whole body is
    one ``div`` whose paragraphs are separated by ``<br><br>`` (sub-headings in ``<b>``, quotes
    in ``<i>``, list items as their own chunks), the notice is in the footer."""
    c = p.content
    ed = c.edition
    t = article_date("brtext", ed, c.published)
    out = [
        f"""<!DOCTYPE html>
<html lang="{_lang(ed)}">
<head>
  <meta charset="UTF-8">
  <title>{e(c.title)} - {_site(ed)}</title>
</head>
<body id="pg-article">
<aside id="left-news">
  <h4>{"All news" if ed == "en" else "Лента новостей"}</h4>"""
    ]
    for item in p.sidebar:
        out.append(
            f'  <p class="ln"><small>{e(listing_date("en-2025", ed, item.published))}'
            f'</small><br><a href="/articles/{item.article_id}">{e(item.title)}</a></p>'
        )
    if ed == "en":
        out.append('  <p class="ln-archive"><a href="/rubric/10">News archive</a></p>')
    out.append("</aside>")
    out.append('<section id="story">')
    if c.caption and c.photo:
        out.append(
            f'  <figure class="story-photo"><img src="{a(c.photo)}" alt="">'
            f"<figcaption>{e(c.caption)}</figcaption></figure>"
        )
    out.append(f'  <div class="story-date">{e(t)}</div>')
    out.append(f'  <h1 class="story-title">{e(c.title)}</h1>')
    chunks = []
    for block in c.blocks:
        html = parts_html(block)
        if block.kind == "h":
            html = f"<b>{html}</b>"
        elif block.kind == "quote":
            html = f"<i>{html}</i>"
        chunks.append(html)
    xref = crossref_html(c)
    if xref:
        chunks.append(xref)
    out.append('  <div class="story-text">\n' + "<br><br>\n".join(chunks) + "\n  </div>")
    lines = credit_lines(c.credits, ed)
    if lines:
        out.append(
            '  <div class="story-credits">' + "<br>".join(e(line) for line in lines) + "</div>"
        )
    out.append("</section>")
    out.append(f"""<div id="bottom">
  <p>{e(notice(c.notice_quotes, p.notice_variant))}</p>
  <p>© 2001–{p.year} {_site(ed)}</p>
</div>
</body>
</html>
""")
    return "\n".join(out)


ARTICLE_RENDERERS: dict[str, Callable[[ArticlePage], str]] = {
    "en-classic": render_en_classic,
    "en-2025": render_en_2025,
    "ru-desktop": render_ru_desktop,
    "ru-mobile": render_ru_mobile,
    "ru-amp": render_ru_amp,
    "divsoup": render_divsoup,
    "brtext": render_brtext,
}


# ------------------------------------------------------------------------------------------
# listing markups


def _page_href(path: str, page: int) -> str:
    return path if page == 1 else f"{path}?page={page}"


def _pager_numbers(page: int, pages: int) -> list[int]:
    return sorted(
        {n for n in (1, page - 2, page - 1, page, page + 1, page + 2, pages) if 1 <= n <= pages}
    )


def render_listing_en_classic(p: ListingPage) -> str:
    ed = p.edition
    title = p.heading or _site(ed)
    out = [
        _classic_head(title, ed).replace("articles articles-show", "rubrics rubrics-show"),
        '  <div class="container main-container" id="main">',
        '    <div class="row">',
        '      <div class="span8">',
        '        <div class="articles-list">',
    ]
    if p.heading:
        out.append(f'          <h1 class="articles-list_header">{e(p.heading)}</h1>')
    out.append('          <ul class="articles-list_items unstyled">')
    for item in p.items:
        date = e(listing_date("en-classic", ed, item.published))
        link = (
            f'<a class="articles-list_title" href="/articles/{item.article_id}">{e(item.title)}</a>'
        )
        if item.lead:
            out.append('          <li class="articles-list_item articles-list_item--featured">')
            if p.dated:
                out.append(f'            <p class="time">{date}</p>')
            out.append('            <ul class="articles-list_teaser">')
            out.append("              <li>")
            if item.caption and item.photo:
                out.append(
                    f'                <div class="articles-list_photo"><img alt="'
                    f'{a(item.caption)}" src="{a(item.photo)}"><span class="'
                    f'articles-list_caption">{e(item.caption)}</span></div>'
                )
            out.append(f"                {link}")
            out.append(f'                <p class="articles-list_lead">{e(item.lead)}</p>')
            out.append("              </li>")
            out.append("            </ul>")
        else:
            out.append('          <li class="articles-list_item">')
            if p.dated:
                out.append(f'            <p class="time">{date}</p>')
            out.append(f"            {link}")
        out.append("          </li>")
    out.append("          </ul>")
    if p.pages > 1 or p.page > 1:
        out.append('          <div class="pagination pagination-centered">')
        out.append("            <ul>")
        if p.page > 1:
            out.append(
                f'              <li class="prev"><a href="{_page_href(p.path, p.page - 1)}"'
                ' rel="prev">&laquo;</a></li>'
            )
        for n in _pager_numbers(p.page, p.pages):
            if n == p.page:
                out.append(f'              <li class="active"><a href="#">{n}</a></li>')
            else:
                rel = ' rel="next"' if n == p.page + 1 else ' rel="prev"' if n == p.page - 1 else ""
                out.append(f'              <li><a href="{_page_href(p.path, n)}"{rel}>{n}</a></li>')
        if p.page < p.pages:
            out.append(
                f'              <li class="next"><a href="{_page_href(p.path, p.page + 1)}"'
                ' rel="next">&raquo;</a></li>'
            )
        out.append("            </ul>")
        out.append("          </div>")
    if p.footer_link:
        target = "/rubric/11" if p.footer_link == "All news" else "/rubric/10"
        out.append(
            f'          <p class="articles-list_more"><a href="{target}">{e(p.footer_link)}</a></p>'
        )
    out += ["        </div>", "      </div>", ""]
    out.append("""      <div class="span4 sidebar">
        <div class="sidebar-featured">
          <a class="sidebar-featured_title" href="/articles/45502">Relatives of Chechen young men shocked by secret verdict</a>
        </div>
        <div class="sidebar-partners"><p class="sidebar-partners_header">Find Caucasian Knot partners:</p></div>
      </div>""")
    out += ["    </div>", "  </div>", ""]
    out.append(_classic_footer(ed, p.year, "curly", 1))
    return "\n".join(out)


def render_listing_en_2025(p: ListingPage) -> str:
    ed = p.edition
    out = [
        _modern_head(p.heading or _site(ed), ed, "page--rubric"),
        '  <main class="layout" id="content">',
        '    <div class="layout__main">',
    ]
    if p.heading:
        out.append(f'      <h1 class="layout__title">{e(p.heading)}</h1>')
    out.append('      <div class="news-feed">')
    for item in p.items:
        out.append('        <article class="news-card">')
        if item.caption and item.photo:
            out.append('          <figure class="news-card__figure">')
            out.append(
                f'            <img class="news-card__image" src="{a(item.photo)}" alt="" '
                'loading="lazy">'
            )
            out.append(
                f'            <figcaption class="news-card__caption">{e(item.caption)}</figcaption>'
            )
            out.append("          </figure>")
        if p.dated:
            out.append(
                f'          <time class="news-card__date" datetime="'
                f'{dates.iso_local(item.published)}">'
                f"{e(listing_date('en-2025', ed, item.published))}</time>"
            )
        out.append(
            f'          <h2 class="news-card__title"><a class="news-card__link" '
            f'href="/articles/{item.article_id}">{e(item.title)}</a></h2>'
        )
        if item.lead:
            out.append(f'          <p class="news-card__lead">{e(item.lead)}</p>')
        out.append("        </article>")
    out.append("      </div>")
    if p.pages > 1 or p.page > 1:
        out.append('      <nav class="pager" aria-label="Pagination">')
        if p.page > 1:
            out.append(
                f'        <a class="pager__link pager__link--prev" href="'
                f'{_page_href(p.path, p.page - 1)}" rel="prev">←</a>'
            )
        last = 0
        for n in _pager_numbers(p.page, p.pages):
            if last and n > last + 1:
                out.append('        <span class="pager__gap">…</span>')
            last = n
            if n == p.page:
                out.append(
                    f'        <span class="pager__link pager__link--current" '
                    f'aria-current="page">{n}</span>'
                )
            else:
                out.append(f'        <a class="pager__link" href="{_page_href(p.path, n)}">{n}</a>')
        if p.page < p.pages:
            out.append(
                f'        <a class="pager__link pager__link--next" href="'
                f'{_page_href(p.path, p.page + 1)}" rel="next">→</a>'
            )
        out.append("      </nav>")
    out += [
        "    </div>",
        '    <aside class="layout__aside">',
        _legal(p),
        "    </aside>",
        "  </main>",
        "",
    ]
    out.append(_modern_footer(ed, p.year, "straight", 1))
    return "\n".join(out)


def render_listing_ru_desktop(p: ListingPage) -> str:
    ed = p.edition
    out = [
        _classic_head(p.heading or _site(ed), ed).replace(
            "articles articles-show", "articles articles-index"
        ),
        '  <div class="container main-container" id="main">',
        '    <div class="row">',
        '      <div class="span8">',
        '        <div class="news-list">',
    ]
    if p.heading:
        out.append(f'          <h1 class="news-list_header">{e(p.heading)}</h1>')
    for item in p.items:
        out.append('          <div class="news-list_item">')
        if item.caption and item.photo:
            out.append(
                f'            <div class="news-list_photo"><img src="{a(item.photo)}" '
                f'alt=""><p class="news-list_caption">{e(item.caption)}</p></div>'
            )
        out.append(
            f'            <h3 class="news-list_title"><a href="/articles/{item.article_id}">'
            f"{e(item.title)}</a></h3>"
        )
        if p.dated:
            out.append(
                f'            <p class="time">{e(listing_date("ru-desktop", ed, item.published))}</p>'
            )
        count = p.counters.get(item.article_id)
        if count:
            out.append(f'            <span class="news-list_count">{count}</span>')
        if item.lead:
            out.append(f'            <p class="news-list_lead">{e(item.lead)}</p>')
        out.append("          </div>")
    if p.page < p.pages or p.page > 1:
        out.append('          <div class="pagination"><ul>')
        if p.page > 1:
            out.append(
                f'            <li><a href="{_page_href(p.path, p.page - 1)}" rel="prev">'
                "← Предыдущая</a></li>"
            )
        out.append(f'            <li class="active"><span>{p.page}</span></li>')
        if p.page < p.pages:
            out.append(
                f'            <li><a href="{_page_href(p.path, p.page + 1)}" rel="next">'
                "Следующая →</a></li>"
            )
        out.append("          </ul></div>")
    out += ["        </div>", "      </div>", "    </div>", "  </div>"]
    out.append(_classic_footer(ed, p.year, "guillemets", 1))
    return "\n".join(out)


def render_listing_ru_mobile(p: ListingPage) -> str:
    ed = p.edition
    out = [
        f"""<!DOCTYPE html>
<html lang="{_lang(ed)}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{e(p.heading or _site(ed))} | {_site(ed)}</title>
</head>
<body class="mobile">
  <header class="m-header"><a class="m-header_logo" href="/">{_site(ed)}</a></header>
  <div class="m-content">"""
    ]
    if p.heading:
        out.append(f'    <div class="m-list_head">{e(p.heading)}</div>')
    out.append('    <ol class="m-list">')
    for item in p.items:
        parts = [
            f'<a class="m-list_title" href="/articles/{item.article_id}">{e(item.title)}</a>',
        ]
        if p.dated:
            parts.insert(0, f'<span class="m-list_date">{e(dates.mobile(item.published))}</span>')
        if item.caption and item.photo:
            parts.insert(
                0,
                f'<div class="m-list_pic"><img src="{a(item.photo)}" alt="">'
                f"<em>{e(item.caption)}</em></div>",
            )
        if item.lead:
            parts.append(f'<div class="m-list_lead">{e(item.lead)}</div>')
        out.append(f'      <li class="m-list_item">{"".join(parts)}</li>')
    out.append("    </ol>")
    if p.page < p.pages:
        out.append(
            f'    <a class="m-more" href="{_page_href(p.path, p.page + 1)}" rel="next">'
            "Ещё новости</a>"
        )
    out.append(f"""  </div>
  <footer class="m-footer"><p>© 2001–{p.year} {_site(ed)}</p></footer>
</body>
</html>
""")
    return "\n".join(out)


LISTING_RENDERERS: dict[str, Callable[[ListingPage], str]] = {
    "en-classic": render_listing_en_classic,
    "en-2025": render_listing_en_2025,
    "ru-desktop": render_listing_ru_desktop,
    "ru-mobile": render_listing_ru_mobile,
}
