"""The site's text conventions (SITE.md §3, §8): credit lines, the cross-reference line,
furniture phrases that are never article text, and phrases that mark where the body ends."""

from __future__ import annotations

import re
from typing import NamedTuple

from knotcrawl.pages.dates import ParsedDate, read_date, read_day, read_time

__all__ = [
    "Credits",
    "better_source",
    "crossref",
    "crossref_continuation",
    "is_bare_credit_label",
    "is_comments_heading",
    "is_credit_label",
    "is_crossref_tail",
    "is_furniture_text",
    "is_read_also",
    "is_stop_marker",
    "is_update_label",
    "parse_credits",
    "repair_homoglyphs",
    "split_authors",
    "trailing_credits",
    "without_feed_footer",
]

# --- credits -------------------------------------------------------------------------------

_AUTHOR = r"(?:Authors?|Авторы?)\s*:"
_SOURCE = r"(?:Sources?|Источник(?:и)?)\s*:"
# Between the author and the source parts: a semicolon, a comma, a bar, a middle dot or bullet
# ("Автор: Анна Петрова · Источник: корреспондент «Кавказского узла»").
_CREDIT_SEP = r"(?:[;,.|/·•]\s*)?"
_CREDIT_LINE = re.compile(
    rf"^{_AUTHOR}\s*(?P<authors>.*?)\s*{_CREDIT_SEP}(?:{_SOURCE}\s*(?P<source>.*?))?\s*$",
    re.IGNORECASE,
)
# The source may come first ("Source: CK correspondent; Author: <name>").
_SOURCE_LINE = re.compile(
    rf"^{_SOURCE}\s*(?P<source>.*?)\s*{_CREDIT_SEP}(?:{_AUTHOR}\s*(?P<authors>.*?))?\s*$",
    re.IGNORECASE,
)
_AUTHOR_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b|\bи\b)\s*", re.IGNORECASE)
# A role printed after a name ("Ivan Petrov, CK correspondent", "Анна Петрова, корреспондент
# «Кавказского узла»"): what the person is, not a name (lower case, so a substring test).
_ROLE_WORDS = (
    "correspondent",
    "корреспондент",
    "journalist",
    "журналист",
    "reporter",
    "editor",
    "редактор",
    "photographer",
    "фотограф",
    "columnist",
    "обозреватель",
    "writer",
)
# A part opening with a lower-case word of four letters or more is a common noun, no name
# ("staff writer", "political analyst", "собственный корреспондент"): the particles a name
# may open with are shorter ("de", "van", "von", "ibn", "аль").
_COMMON_WORD = re.compile(r"^[^\W\d_A-ZА-ЯЁ]{4}")
_BRACKETS = {"(": ")", "[": "]"}
# "And others" names nobody, neither an author nor a role: "Ivan Petrov and others", "Anna Lee
# et al.", "Иван Петров и др.", "… и коллеги" (after a space, so "Brothers" is no "others").
_OTHERS = re.compile(
    r"(?:^|\s)(?:et\s+al|others|colleagues|др|другие|коллеги|соавторы)\.?$", re.IGNORECASE
)


def _is_role(part: str) -> bool:
    return _COMMON_WORD.match(part) is not None or any(w in part.lower() for w in _ROLE_WORDS)


def _names_and_role(text: str) -> tuple[list[str], str | None]:
    """The names in an author part and the role printed after them, if any: a part after the
    first that holds a role word or opens with a common noun is no name."""
    names: list[str] = []
    role = None
    for part in _AUTHOR_SPLIT.split(text):
        name = _OTHERS.sub("", part.strip(" ;,")).strip(" .;,")
        if not name:
            continue
        if names and role is None and _is_role(name):
            role = name
            continue
        names.append(name)
    return names, role


def split_authors(text: str) -> list[str]:
    return _names_and_role(text)[0]


class Credits(NamedTuple):
    """What a credit line names: ``authors`` is ``None`` when it has no author part
    (``Source:`` alone); ``source`` is its ``Source:`` part, else the role printed after a
    name (``from_role``), which a ``Source:`` line elsewhere replaces (``better_source``)."""

    authors: list[str] | None
    source: str | None
    from_role: bool = False


def parse_credits(text: str) -> Credits | None:
    """The credits of an ``Author:``/``Source:`` line, also in brackets (``(Author: …; Source:
    …)``); ``None`` if it is not one. A role after a name (``Ivan Petrov, CK correspondent``)
    is no author: it is the source when no ``Source:`` part names one."""
    if ":" not in text[:20]:
        return None
    if text[:1] in _BRACKETS and text[-1:] == _BRACKETS[text[:1]]:
        text = text[1:-1].strip()
    m = _CREDIT_LINE.match(text)
    if m is not None:
        names, role = _names_and_role(m.group("authors") or "")
        source = repair_homoglyphs(m.group("source")) or None
        if source is None and role is not None:
            return Credits(names, repair_homoglyphs(role) or None, True)
        return Credits(names, source)
    m = _SOURCE_LINE.match(text)
    if m is not None:
        authors = m.group("authors")
        return Credits(
            split_authors(authors) if authors is not None else None,
            repair_homoglyphs(m.group("source")) or None,
        )
    return None


def better_source(source: str | None, from_role: bool, credits: Credits) -> tuple[str | None, bool]:
    """The source once ``credits`` is read after lines that gave ``source``: the first one
    named, but a ``Source:`` part wins over a role printed after an author's name (``Author:
    Ivan Petrov, staff writer`` | ``Source: CK correspondent``)."""
    if credits.source and (source is None or (from_role and not credits.from_role)):
        return credits.source, credits.from_role
    return source, from_role


_CYR_TO_LAT = str.maketrans("АВСЕНКМОРТХаеорсухі", "ABCEHKMOPTXaeopcyxi")
_LAT_TO_CYR = str.maketrans("ABCEHKMOPTXaeopcyx", "АВСЕНКМОРТХаеорсух")
_WORD = re.compile(r"\w+")
_LATIN = re.compile(r"[A-Za-z]")
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")


_CYR_LOOKALIKES = frozenset("АВСЕНКМОРТХаеорсухі")


def repair_homoglyphs(text: str | None) -> str:
    """A word mixing Latin and Cyrillic letters gets its majority script (``СK`` → ``CK``);
    in a Latin line, a Cyrillic word whose every letter looks Latin is Latin (``СК
    correspondent``, both letters Cyrillic, → ``CK correspondent``)."""
    if not text:
        return ""
    text = text.strip()
    if _LATIN.search(text) is None or _CYRILLIC.search(text) is None:
        return text  # one script only: no word mixes them
    latin_line = len(_LATIN.findall(text)) > 2 * len(_CYRILLIC.findall(text))

    def fix(m: re.Match[str]) -> str:
        word = m.group(0)
        lat = len(_LATIN.findall(word))
        cyr = len(_CYRILLIC.findall(word))
        if not lat:
            if latin_line and cyr and _CYR_LOOKALIKES.issuperset(word):
                return word.translate(_CYR_TO_LAT)
            return word
        if not cyr:
            return word
        if lat >= cyr:
            return word.translate(_CYR_TO_LAT)
        return word.translate(_LAT_TO_CYR)

    return _WORD.sub(fix, text)


# --- the cross-reference line ----------------------------------------------------------------

_CROSSREF = re.compile(
    r"^(?:This article was originally published on the Russian page"
    r"|Full text of the article is available on the Russian page"
    r"|The original (?:article|text) (?:is|was) published on the Russian page)",
    re.IGNORECASE,
)
_CROSSREF_FIRST = frozenset("TtFf")
_CROSSREF_DATE = re.compile(
    r"\bon\s+(?P<raw>[A-Z][a-z]+\.?\s+\d{1,2},?\s+\d{4},?\s+(?:at\s+)?\d{1,2}:\d{2}"
    # "pm" or "p.m.": the period after a bare "pm" ends the sentence, not the date.
    r"(?:\s*(?:[ap]\.\s?m\.|[ap]m\b))?(?:\s+MSK)?)",
    re.IGNORECASE,
)


# The cross-reference line's second sentence, when a markup sets it as a paragraph of its own:
# it holds the "click here" link to the original.
_CROSSREF_TAIL = re.compile(r"^To access the full text of the article\b", re.IGNORECASE)


def is_crossref_tail(text: str) -> bool:
    return len(text) < 120 and _CROSSREF_TAIL.match(text) is not None


def crossref_continuation(text: str) -> ParsedDate | None:
    """The RU publication time in a paragraph that goes on with the cross-reference line when
    a markup breaks it before its date (``…Internet agency ‘Caucasian Knot’`` | ``on March 27,
    2026 at 11:48 am MSK. To access the full text of the article, click here.``)."""
    if len(text) > 160 or text[:3].lower() != "on ":
        return None
    m = _CROSSREF_DATE.match(text)
    return read_date(m.group("raw")) if m is not None else None


# Credits in brackets closing the last paragraph ("…the main pipeline. (Author: Ivan Petrov;
# Source: CK correspondent)", "[Авторы: …]"): an author label opens them. A bracketed source
# alone ("(Source: Rosstat)") cites a figure in the text and stays text.
_TRAILING_CREDITS = re.compile(rf"[(\[]\s*{_AUTHOR}", re.IGNORECASE)


def trailing_credits(text: str) -> int:
    """Where credits in brackets that close ``text`` start; -1 when there are none."""
    closing = text[-1:]
    if closing not in (")", "]") or ":" not in text[-300:]:
        return -1
    for m in _TRAILING_CREDITS.finditer(text, max(0, len(text) - 300)):
        start = m.start()
        if start and _BRACKETS[text[start]] == closing and parse_credits(text[start:]):
            return start
    return -1


def crossref(text: str) -> tuple[bool, ParsedDate | None]:
    """Whether ``text`` is the cross-reference line, and the RU publication time it gives."""
    # Every variant starts with T or F (no other character matches them case-insensitively).
    if text[:1] not in _CROSSREF_FIRST or not _CROSSREF.match(text):
        return False, None
    m = _CROSSREF_DATE.search(text)
    if m is None:
        return True, None
    return True, read_date(m.group("raw"))


# --- furniture -------------------------------------------------------------------------------

# The buttons of a share or print toolbar; a toolbar prints several in one line ("Print Email
# Copy link", "Печать · Отправить · Копировать ссылку").
_TOOL_BUTTON = (
    r"(?:Share|Поделиться|Telegram|WhatsApp|VK|Facebook|Twitter|Subscribe|Подписаться"
    r"|E-?mail|Send|Отправить|Copy\s+link|Копировать\s+ссылку|Donate|Поддержать|Пожертвовать"
    r"|Print(?:\s+version|\s+this\s+article)?|Версия\s+для\s+печати|Распечатать|Печать)"
)
_FURNITURE = re.compile(
    r"^(?:"
    r"Скачать(?:\s+Скачать)*"
    r"|[×✕✖x]"
    r"|Кавказский\s+узел|Caucasian\s+Knot"
    r"|Полная\s+версия(?:\s+сайта)?|Full\s+version(?:\s+of\s+the\s+site)?"
    rf"|{_TOOL_BUTTON}(?:\s*[|·•/]?\s*{_TOOL_BUTTON})*"
    r"|(?:©|\(c\)|Copyright)\s*(?:\d{4}|Caucasian|Кавказ).*"
    r")\s*[.!]?\s*$",
    re.IGNORECASE | re.DOTALL,
)
# Furniture sentences recognised by how they start, whatever follows.
_FURNITURE_STARTS = (
    "send a message, photo or video to the",
    "photos and videos for publication must be sent",
    "witnessed an event?",
    "стали очевидцем события?",
)
# A call to follow the site in a messenger or by mail, boxed inside the body by a redesign
# ("Subscribe to the "Caucasian Knot" channel in Telegram…", "Подписывайтесь на
# Telegram-канал «Кавказского узла»…"): the call, then the channel within a few words.
_SUBSCRIBE_CALL = re.compile(
    r"^(?:subscribe|follow|join|подпишитесь|подписывайтесь|присоединяйтесь|следите)\b"
    r".{0,60}?(?:telegram|whatsapp|youtube|\bvk\b|newsletter|channel|канал|рассылк"
    r"|caucasian knot|кавказск\w* узл)",
    re.IGNORECASE,
)
# An embedded tweet's byline under the quoted text (Twitter's blockquote.twitter-tweet markup):
# "— Name (@handle) March 1, 2026", "— Имя (@handle) 5 марта 2026 г.". The quote is the
# article's text; the byline (and its link to the status) is the embed's furniture.
_TWEET_BYLINE = re.compile(
    r"^[—–-]\s*[^()]{1,80}\(@\w{1,30}\)"
    r"(?:\s+(?:\w+\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+\w+\.?\s+\d{4}(?:\s*г\.)?))?$"
)
# Other embeds' bylines and calls to open the post (Facebook's blockquote.fb-xfbml-parse-ignore,
# Instagram's blockquote.instagram-media): "Posted by <page> on Saturday, March 7, 2026", "A
# post shared by Name (@handle)", "Публикация от Name (@handle)", "View this post on
# Instagram", "Посмотреть эту публикацию в Instagram".
_EMBED_BYLINE_STARTS = (
    "posted by ",
    "a post shared by ",
    "публикация от ",
    "view this post on ",
    "посмотреть эту публикацию в ",
)
# A column's disclaimer, a legal text: "The views expressed by the author may not coincide with
# the position of the editorial board", "Мнение автора может не совпадать с позицией редакции".
_DISCLAIMER_STARTS = (
    "the views expressed",
    "views expressed",
    "the opinions expressed",
    "opinions expressed",
    "мнение автора",
    "мнения авторов",
    "точка зрения автора",
    "позиция автора",
)
_POSTED_BY = re.compile(r"^Posted by .{1,80}? on (?P<day>.{6,40})$", re.IGNORECASE)
# A page's line of its last update: "Last updated: 07.03.2026 - 16:30", "Обновлено в 20:45".
_UPDATE_LINE = re.compile(
    r"^(?:last\s+)?(?:updated|modified|обновлено|изменено)\s*:?\s*(?:on\s+|at\s+|в\s+)?",
    re.IGNORECASE,
)
# The foreign-agent notice translated on an English page ("THIS MATERIAL (INFORMATION) WAS
# PRODUCED, DISTRIBUTED AND (OR) SENT BY A FOREIGN AGENT MEMO LLC…"), in any case.
_NOTICE_EN = re.compile(
    r"^(?:\d{1,2}\s*\+\s*)?TH(?:IS|E)\s+(?:MATERIAL|MESSAGE|REPORT|INFORMATION)\b.{0,80}?"
    r"(?:PRODUCED|CREATED|DISTRIBUTED)\b.{0,120}?FOREIGN\s+(?:AGENT|MASS\s+MEDIA)",
    re.IGNORECASE | re.DOTALL,
)
# A call to donate to the site, boxed inside the body: "Support the "Caucasian Knot"!",
# "Поддержите «Кавказский узел»", "Support us".
_SUPPORT_CALL = re.compile(
    r"^(?:support|поддержите|помогите)\s+(?:us\b|нас\b|(?:the\s+)?[«\"“„']?"
    r"(?:caucasian\s+knot|кавказск\w*\s+узел))",
    re.IGNORECASE,
)
_SUPPORT_STARTS = ("support", "поддержите", "помогите")
# Every opening a furniture text below is known by, lower case: one test rules most texts out.
_OPENINGS = (*_SUPPORT_STARTS, *_DISCLAIMER_STARTS, *_FURNITURE_STARTS, *_EMBED_BYLINE_STARTS)
_NOTICE_CAPS = re.compile(r"ИНОСТРАНН\w*\s+(?:АГЕНТ|СРЕДСТВ)")
_NOTICE_OPENING = re.compile(
    r"(?:\d{1,2}\s*\+\s*)?(?:НАСТОЯЩИЙ\s+МАТЕРИАЛ|ДАННОЕ\s+СООБЩЕНИЕ)\s*(?:\([^)]{0,40}\)\s*)?"
    # "произведен и распространен", "произведен, распространен и (или) направлен" (the
    # wording of the law since 2022)
    r"(?:ПРОИЗВЕДЕН|СОЗДАН)\w*(?:\s*,|\s+И)\s+(?:\(ИЛИ\)\s+)?РАСПРОСТРАН"
)

# "Read also" and its kin head a block of links to other articles: at the end of the page, or
# inside the body (where the article's text goes on after the block).
_READ_ALSO = (
    r"(?:Read also|See also|Related news|Related articles|Читайте также|Смотрите также"
    r"|См\. также|Читайте по теме)"
)
_READ_ALSO_START = re.compile(rf"^{_READ_ALSO}\s*:?\s*", re.IGNORECASE)
# The heading of the readers' comments under an article (with their count, or not).
_COMMENTS = (
    r"(?:(?:Reader[s’']*\s+)?Comments|Комментарии(?:\s+читателей)?|Обсуждение|Discussion"
    r"|(?:Leave|Add|Post)\s+a\s+comment|(?:Оставить|Добавить|Написать)\s+комментарий)"
)
_STOP = re.compile(
    r"^(?:All news|News archive|All articles|Know more\? Do not be silent!?"
    r"|LEGAL TEXTS|Find Caucasian Knot partners:?|More news:?|Other news:?"
    rf"|{_READ_ALSO}:?"
    r"|Лента новостей|Все новости|Архив новостей|Другие новости:?|Ещё новости:?"
    r"|Еще новости:?|Знаете больше\?.*"
    r"|Юридические тексты|Share this article:?|©.*"
    # the divider an endless page prints before the next article it appends
    r"|Next (?:article|story)|Следующая (?:статья|новость)|Следующий материал"
    # the heading of the readers' comments under the article, with their count
    rf"|{_COMMENTS}"
    r")(?:\s*[(\[]?\d+[)\]]?)?\s*:?\s*$",
    re.IGNORECASE,
)
_COMMENTS_HEADING = re.compile(rf"^{_COMMENTS}(?:\s*[(\[]?\d+[)\]]?)?\s*:?\s*$", re.IGNORECASE)
# Labels of page furniture that can stand before any text: tags, rubrics, a print page's
# address line, and its "Printed from <address> on <date>" line (no colon after the label).
_FURNITURE_LABEL = re.compile(
    r"^(?:(?:Tags?|Теги|Тэги|Метки|Рубрик[аи]|Page address|Адрес страницы|Permalink)\s*:"
    r"|(?:Printed\s+(?:from|on|at)|Распечатано|Напечатано\s+с)\s)",
    re.IGNORECASE,
)
# The old English site's labels under an article (SITE.md §3.7): regions, then topics, each a
# list of capitalised names ("Kabardino-Balkaria, North-Caucasian Federal District > Crime,
# Human rights").
_NAMES = r"[A-ZА-ЯЁ][\w'’-]*(?:\s+[\w'’-]+){0,4}(?:\s*,\s*[A-ZА-ЯЁ][\w'’-]*(?:\s+[\w'’-]+){0,4})*"
_REGION_TOPIC_LABELS = re.compile(rf"^{_NAMES}\s+>\s+{_NAMES}$")
# Headings of the boxes beside a listing (most read, editors' picks): their links are not the
# listing's items.
_SIDE_BOX_HEADING = re.compile(
    r"^(?:Popular(?:\s+news)?|Most\s+(?:popular|read|viewed|discussed|commented)"
    r"|Top\s+(?:news|stories)|Editors?[’']?s?\s+(?:choice|picks?)|Trending"
    r"|Популярное|Популярные\s+(?:новости|материалы)|Самое\s+(?:популярное|читаемое|обсуждаемое)"
    r"|Читаемое|Обсуждаемое|Выбор\s+редакции|Главное|Главные\s+новости)"
    # the period a box counts over: "Most read this week", "Самое читаемое за неделю"
    r"(?:\s+(?:today|this\s+(?:week|month|year)|(?:of|in|for)\s+(?:the\s+)?(?:day|week|month|year)"
    r"|(?:in|for)\s+(?:the\s+)?(?:last\s+)?(?:24|48)\s+hours|за\s+(?:сутки|день|неделю|месяц|год)"
    r"|за\s+(?:последние\s+)?(?:24|48)\s+часа|сегодня|недели|месяца))?\s*:?$",
    re.IGNORECASE,
)
_CREDIT_LABEL = re.compile(rf"^(?:{_AUTHOR}|{_SOURCE})$", re.IGNORECASE)
_BARE_CREDIT_LABEL = re.compile(r"^(?:Authors?|Авторы?|Sources?|Источник(?:и)?)$", re.IGNORECASE)
# What a page prints before a date that is not the publication's: the last update.
_UPDATE_LABEL = re.compile(
    r"(?:updated|modified|edited|last\s+update|обновлен[оа]?|изменен[оа]?|отредактирован[оа]?)"
    r"\s*:?\s*(?:on|at|в)?\s*$",
    re.IGNORECASE,
)


def is_furniture_text(text: str) -> bool:
    """Page furniture whatever its markup: foreign-agent notices (every variant and quote
    style, and translated on English pages), the app banner, the "Know more?" block's sentences,
    share, print and subscribe buttons, calls to follow the site's channels or to donate to it,
    embeds' bylines, a column's disclaimer, a line of the last update, copyright, the old site's
    region and topic labels."""
    if len(text) < 80 and _FURNITURE.match(text):
        return True
    if "ИНОСТРАН" in text or "иностран" in text:
        head = text[:40]
        if head.upper() == head and head.startswith(("НАСТОЯЩИЙ МАТЕРИАЛ", "ДАННОЕ СООБЩЕНИЕ")):
            return True
        upper = text.upper()
        # Upper-case notices whatever their opening words or quotes.
        if upper == text and _NOTICE_CAPS.search(text):
            return True
        # The notices in sentence case (a restyled page): their legal opening ("Настоящий
        # материал (информация) произведен и распространен…", "Данное сообщение (материал)
        # создано и (или) распространено…") and the foreign-agent phrase; an age mark before.
        if _NOTICE_OPENING.match(upper) and _NOTICE_CAPS.search(upper):
            return True
    if ("OREIGN" in text or "oreign" in text) and len(text) < 400 and _NOTICE_EN.match(text):
        return True
    if ("VPN" in text or "приложение" in text) and (
        "Скачайте приложение" in text or "работает без VPN" in text
    ):
        return True
    if len(text) < 200 and (
        _FURNITURE_LABEL.match(text)
        or ("(@" in text and _TWEET_BYLINE.match(text))
        or _SUBSCRIBE_CALL.match(text)
        or (" > " in text and _REGION_TOPIC_LABELS.match(text))
    ):
        return True
    if len(text) < 60 and ":" in text and (m := _UPDATE_LINE.match(text)) is not None:
        rest = text[m.end() :]
        if read_time(rest) is not None or read_date(rest) is not None:
            return True
    head = text[:50].lower()
    if not head.startswith(_OPENINGS):  # (the common case: one test instead of four)
        return False
    if len(text) < 250:
        if head.startswith(_SUPPORT_STARTS) and _SUPPORT_CALL.match(text):
            return True
        if head.startswith(_DISCLAIMER_STARTS) and (
            "editor" in (lower := text.lower()) or "редакц" in lower
        ):
            return True
    return head.startswith(_FURNITURE_STARTS) or (
        head.startswith(_EMBED_BYLINE_STARTS) and _is_embed_byline(text, head)
    )


def _is_embed_byline(text: str, head: str) -> bool:
    if head.startswith("posted by "):
        m = _POSTED_BY.match(text)
        return m is not None and read_day(m.group("day")) is not None
    if head.startswith(("view this post", "посмотреть")):
        return len(text) < 60
    return len(text) < 120 and "(@" in text and text.endswith(")")


# The line a feed generator appends to every item's description (Yoast SEO's default RSS
# footer, and its Russian translations): "The post <title> appeared first on <site>.".
_FEED_FOOTER = re.compile(
    r"\s*(?:The post .{1,400}? appeared first on|Сообщение .{1,400}? появил\w* сначала на"
    r"|Запись .{1,400}? впервые появилась на) [^.]{1,100}\.?$",
    re.IGNORECASE | re.DOTALL,
)


def without_feed_footer(text: str) -> str:
    """A feed item's description without the footer its generator appends to every one."""
    if "first on" not in text and "сначала на" not in text and "впервые появилась" not in text:
        return text
    m = _FEED_FOOTER.search(text, max(0, len(text) - 600))
    return text[: m.start()] if m is not None else text


def is_stop_marker(text: str) -> bool:
    return len(text) < 60 and bool(_STOP.match(text))


def is_comments_heading(text: str) -> bool:
    """The heading of the readers' comments (``Comments (3)``, ``Обсуждение``), which
    ``is_stop_marker`` holds too."""
    return len(text) < 60 and bool(_COMMENTS_HEADING.match(text))


def is_read_also(text: str) -> int:
    """The length of a leading "Read also:" (or kin) in ``text``; 0 when there is none."""
    if len(text) > 300:
        return 0
    m = _READ_ALSO_START.match(text)
    return m.end() if m is not None else 0


def is_credit_label(text: str) -> bool:
    """A credit label standing alone (``Author:``), its value in the next element (a
    ``<dt>``/``<dd>`` pair)."""
    return len(text) < 20 and bool(_CREDIT_LABEL.match(text))


def is_bare_credit_label(text: str) -> bool:
    """A credit label without its colon (``<dt>Author</dt><dd>Name</dd>``: a style sheet
    prints the colon)."""
    return len(text) < 12 and _BARE_CREDIT_LABEL.match(text) is not None


def is_update_label(text: str) -> bool:
    """Whether ``text`` (what precedes a date) ends in an update label ("Updated:",
    "Обновлено:"): that date is the last change's, never the publication's."""
    return _UPDATE_LABEL.search(text[-40:]) is not None


def is_side_box_heading(text: str) -> bool:
    """A heading of a box beside a listing ("Popular", "Most read", "Самое читаемое")."""
    return _SIDE_BOX_HEADING.match(text) is not None
