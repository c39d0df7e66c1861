"""The text of one article, generated deterministically from (seed, edition, id, version)."""

from __future__ import annotations

import random
from collections.abc import MutableSequence, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from knotcrawl.hosts import SITE_BASE, canonical_url

from . import words as w
from .catalog import PLACES, Catalog, from_epoch
from .dates import moscow_naive


@dataclass(frozen=True, slots=True)
class Anchor:
    href: str  # as printed in the page
    text: str
    url: str  # canonical absolute URL (the truth)
    kind: str  # "article" | "original" | "external"
    edition: str | None
    article_id: int | None


Part = str | Anchor
T = TypeVar("T")


@dataclass(slots=True)
class Block:
    kind: str  # "p" | "h" (sub-heading) | "li" (list item) | "quote"
    parts: list[Part]

    @property
    def text(self) -> str:
        return "".join(p if isinstance(p, str) else p.text for p in self.parts)


@dataclass(slots=True)
class Credits:
    style: str  # "oneline" | "semicolon" | "twolines" | "ck" | "source" | "none"
    authors: list[str]
    authors_text: str | None  # the printed names ("A, B and C")
    source_printed: str | None  # as printed (maybe with a Cyrillic С)
    source: str | None  # the truth


@dataclass(slots=True)
class Content:
    edition: str
    article_id: int
    title: str
    published: datetime  # Moscow wall clock (naive)
    blocks: list[Block]
    lead: str | None
    caption: str | None
    photo: str | None  # image path
    credits: Credits
    xref: str  # "link" | "nolink" | "absent" (RU: "absent")
    original_id: int | None = None
    original_time: datetime | None = None  # Moscow wall clock of the RU original
    notice_quotes: str = "straight"
    kind: str = "news"  # "news" | "review" | "spravka"
    related: list[int] = field(default_factory=list)  # indexes for mobile related blocks

    @property
    def body(self) -> str:
        return "\n\n".join(" ".join(b.text.split()) for b in self.blocks)


class FastRandom(random.Random):
    """``random.Random`` whose choice/randrange/shuffle/sample draw with ``random()`` (C code)
    instead of the pure-Python bit-rejection loop: about twice as fast for text generation.
    Deterministic like the base class (same seed, same sequence)."""

    def choice(self, seq: Sequence[T]) -> T:  # type: ignore[override]
        return seq[int(self.random() * len(seq))]

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:
        if stop is None:
            return int(self.random() * start)
        return start + int(self.random() * (stop - start))

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def shuffle(self, x: MutableSequence[Any]) -> None:
        rand = self.random
        for i in range(len(x) - 1, 0, -1):
            j = int(rand() * (i + 1))
            x[i], x[j] = x[j], x[i]

    def sample(self, population: Sequence[T], k: int, *, counts: Any = None) -> list[T]:
        pool = list(population)
        self.shuffle(pool)
        return pool[:k]


class _Slots(dict[str, str]):
    def __missing__(self, key: str) -> str:  # pragma: no cover - a template bug
        raise KeyError(key)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def build_content(catalog: Catalog, edition: str, index: int, version: int) -> Content:
    cat = catalog.edition(edition)
    article_id = cat.ids[index]
    rng = FastRandom(f"article/{catalog.seed}/{edition}/{article_id}")
    published = moscow_naive(from_epoch(cat.published[index]))
    place_key = PLACES[cat.place(index)][0]
    en_place, en_region, ru_nom, ru_loc, ru_gen, ru_region_loc = w.PLACE_NAMES[place_key]
    group = rng.choice(w.GROUPS)
    issue = rng.choice(w.ISSUES)
    auth = rng.choice(w.AUTHORITIES)
    day_dt = published
    slots = _Slots(
        place=en_place,
        region=en_region,
        group=group[0],
        group_l=group[0].lower(),
        issue=issue[0],
        auth=auth[0],
        auth_cap=_cap(auth[0]),
        key=place_key,
        place_nom=ru_nom,
        place_loc=ru_loc,
        place_gen=ru_gen,
        region_loc=ru_region_loc,
        region_gen=w.REGION_GEN_RU.get(ru_region_loc, ru_gen),
        group_gen=group[2],
        issue_gen=issue[1],
        auth_dat=auth[2],
        auth_ru=auth[1],
        day=f"{w.MONTHS_EN[day_dt.month - 1]} {day_dt.day}",
        day_ru=f"{day_dt.day} {w.MONTHS_RU_GEN[day_dt.month - 1]}",
        day_ru_cap=f"{day_dt.day} {w.MONTHS_RU_GEN[day_dt.month - 1]}",
    )
    slots["n"] = str(rng.choice((12, 15, 20, 30, 40, 50, 70, 100, 150, 200, 300, 500)))
    slots["m"] = str(rng.randint(2, 9))
    slots["months_ru"] = "месяца" if int(slots["m"]) < 5 else "месяцев"
    slots["place_loc_cap"] = _cap(ru_loc)
    if edition == "ru":
        slots["group"] = group[1]
        slots["group_l"] = group[1].lower()
        slots["auth"] = auth[1]
        slots["auth_cap"] = _cap(auth[1])
    en = edition == "en"
    name_en = f"{rng.choice(w.FIRST_EN)} {rng.choice(w.LAST_EN)}"
    first_ru = rng.choice(w.FIRST_RU)
    last_ru = rng.choice(w.LAST_RU_F if first_ru in w.FEMALE_RU else w.LAST_RU_M)
    slots["name"] = name_en if en else f"{first_ru} {last_ru}"
    slots["said_ru"] = "сказала" if first_ru in w.FEMALE_RU else "сказал"
    topic = cat.topic(index)

    kind = "news"
    if cat.is_spravka(index):
        kind = "spravka"
    elif rng.random() < 0.015:
        kind = "review"

    if kind == "spravka":
        title = rng.choice(w.SPRAVKA_TITLES).format_map(slots)
    elif kind == "review":
        start = day_dt.day
        if en:
            title = (
                f"Week in the Caucasus: review of main events of "
                f"{w.MONTHS_EN[day_dt.month - 1]} {max(1, start - 6)}-{start}, "
                f"{day_dt.year}"
            )
        else:
            title = (
                f"Кавказ за неделю: обзор главных событий с {max(1, start - 6)} по "
                f"{start} {w.MONTHS_RU_GEN[day_dt.month - 1]}"
            )
    else:
        titles = (w.TITLES_EN if en else w.TITLES_RU)[topic]
        title = titles[rng.randrange(len(titles))].format_map(slots)

    gen = _Generator(rng, slots, catalog, edition, index)
    if kind == "review":
        blocks = gen.review()
    elif kind == "spravka":
        blocks = gen.spravka()
    else:
        blocks = gen.news()
    for v in range(version):
        upd = FastRandom(f"update/{catalog.seed}/{edition}/{article_id}/{v}")
        text = upd.choice(w.UPDATES_EN if en else w.UPDATES_RU).format_map(slots)
        blocks.append(Block("p", [text]))
        if v == 1 and len(blocks) > 2:
            first = blocks[0]
            blocks[0] = Block(first.kind, [*first.parts, " (updated)" if en else " (обновлено)"])

    lead = None
    if cat.has_lead(index):
        lead_text = blocks[0].text if blocks and blocks[0].kind == "p" else title
        lead = " ".join(lead_text.split())
        if version:  # leads are written once, at publication; re-derive from version 0
            lead = _original_lead(catalog, edition, index)
    caption = None
    photo = None
    if cat.has_photo(index):
        templates = w.CAPTIONS_EN if en else w.CAPTIONS_RU
        caption = rng.choice(templates).format_map(slots)
        photo = (
            f"/system/uploads/article_image/image/{article_id // 10000:04d}/"
            f"{article_id}/{place_key}_{article_id % 97}.jpg"
        )
    credits = _credits(rng, en, first_ru)
    content = Content(
        edition=edition,
        article_id=article_id,
        title=title,
        published=published,
        blocks=blocks,
        lead=lead,
        caption=caption,
        photo=photo,
        credits=credits,
        xref="absent",
        notice_quotes=rng.choice(("straight", "curly", "guillemets")),
        kind=kind,
    )
    if en:
        content.xref = catalog.xref_kind.get(index, "absent")
        ru_index = catalog.original.get(index)
        if content.xref == "link" and ru_index is not None:
            content.original_id = catalog.ru.ids[ru_index]
            content.original_time = moscow_naive(from_epoch(catalog.ru.published[ru_index]))
        elif content.xref == "link":
            content.xref = "nolink"
    if index > 3:
        content.related = [index - 1 - rng.randrange(min(index - 1, 30))]
    return content


def _original_lead(catalog: Catalog, edition: str, index: int) -> str | None:
    return build_content(catalog, edition, index, 0).lead


def _credits(rng: random.Random, en: bool, first_ru: str) -> Credits:
    if en:
        names = [f"{rng.choice(w.FIRST_EN)} {rng.choice(w.LAST_EN)}" for _ in range(3)]
    else:
        names = []
        for _ in range(3):
            first = rng.choice(w.FIRST_RU)
            last = rng.choice(w.LAST_RU_F if first in w.FEMALE_RU else w.LAST_RU_M)
            names.append(f"{first} {last}")
    names = list(dict.fromkeys(names))
    r = rng.random()
    count = 1 if r < 0.72 else 2 if r < 0.92 else 3
    authors = names[:count]
    conj = " and " if en else " и "
    authors_text = authors[0] if count == 1 else ", ".join(authors[:-1]) + conj + authors[-1]
    source = "CK correspondent" if en else "корреспондент «Кавказского узла»"
    printed = source
    if en and rng.random() < 0.12:
        printed = "\u0421K correspondent"  # Cyrillic С, repaired in the truth
    s = rng.random()
    if en:
        style = (
            "oneline"
            if s < 0.3
            else "semicolon"
            if s < 0.5
            else "twolines"
            if s < 0.75
            else "ck"
            if s < 0.84
            else "source"
            if s < 0.93
            else "none"
        )
    else:
        style = (
            "twolines" if s < 0.75 else "oneline" if s < 0.82 else "source" if s < 0.9 else "none"
        )
    if style == "ck":
        return Credits(style, ["The Caucasian Knot"], "The Caucasian Knot", None, None)
    if style == "source":
        return Credits(style, [], None, printed, source)
    if style == "none":
        return Credits(style, [], None, None, None)
    return Credits(style, authors, authors_text, printed, source)


class _Generator:
    def __init__(
        self, rng: random.Random, slots: _Slots, catalog: Catalog, edition: str, index: int
    ) -> None:
        self.rng = rng
        self.slots = slots
        self.catalog = catalog
        self.edition = edition
        self.index = index
        self.en = edition == "en"
        self.used: set[str] = set()
        self.topic = catalog.edition(edition).topic(index)
        self.pool: list[str] = []

    def fill(self, template: str) -> str:
        return template.format_map(self.slots)

    def sentences(self, count: int) -> str:
        """``count`` sentences, drawn without repetition until the article's pool runs out."""
        out = []
        for _ in range(count):
            if not self.pool:
                general = w.SENTENCES_EN if self.en else w.SENTENCES_RU
                topical = (w.TOPIC_SENTENCES_EN if self.en else w.TOPIC_SENTENCES_RU).get(
                    self.topic, ()
                )
                first, second = list(general), list(topical)
                self.rng.shuffle(first)
                self.rng.shuffle(second)
                mixed = first[: len(first) // 2] + second  # topical ones come out first
                self.rng.shuffle(mixed)
                self.pool = first[len(first) // 2 :] + mixed
            out.append(self.fill(self.pool.pop()))
        return " ".join(dict.fromkeys(out))

    def _same_edition_link(self, text: str) -> Anchor | None:
        cat = self.catalog.edition(self.edition)
        if self.index < 2:
            return None
        target = self.index - 1 - self.rng.randrange(min(self.index - 1, 120))
        tid = cat.ids[target]
        url = canonical_url(self.edition, tid, SITE_BASE)  # type: ignore[arg-type]
        if url in self.used:
            return None
        self.used.add(url)
        r = self.rng.random()
        if self.en:
            hosts = (
                "https://eng.kavkaz-uzel.media",
                "https://www.caucasianknot.info",
                "http://www.eng.kavkaz-uzel.eu",
                "https://eng.kavkaz-uzel.eu",
            )
        else:
            hosts = (
                "https://m.kavkaz-uzel.eu",
                "https://kavkazuzel.com",
                "https://caucasianknot.net",
                "https://www.kavkaz-uzel.eu",
            )
        if r < 0.6:
            href = f"/articles/{tid}"
        elif r < 0.7:
            href = f"/articles/{tid}/"
        elif r < 0.75 and not self.en:
            href = f"https://amp.kavkaz-uzel.eu/articles/{tid}/"
        else:
            href = f"{self.rng.choice(hosts)}/articles/{tid}"
        return Anchor(href, text, url, "article", self.edition, tid)

    def _cross_link(self, text: str) -> Anchor | None:
        other = "ru" if self.en else "en"
        cat = self.catalog.edition(other)
        mine = self.catalog.edition(self.edition)
        limit = cat.count_until(mine.published[self.index]) - 1
        if limit < 1:
            return None
        target = limit - self.rng.randrange(min(limit, 400))
        if other == "ru" and target in self.catalog.ru.protected:
            return None
        tid = cat.ids[target]
        url = canonical_url(other, tid, SITE_BASE)  # type: ignore[arg-type]
        if url in self.used:
            return None
        self.used.add(url)
        return Anchor(url, text, url, "article", other, tid)

    def _external(self) -> Anchor:
        href, text_en, text_ru = self.rng.choice(w.EXTERNAL)
        return Anchor(href, text_en if self.en else text_ru, href, "external", None, None)

    def link_paragraph(self) -> Block:
        bg = self.fill(self.rng.choice(w.BACKGROUND_EN if self.en else w.BACKGROUND_RU))
        anchor = self._same_edition_link(bg)
        lead_in = (
            'The "Caucasian Knot" has reported that '
            if self.en
            else 'Как писал "Кавказский узел", '
        )
        tail = ". " + self.sentences(1)
        if anchor is None:
            return Block("p", [lead_in + bg + tail])
        return Block("p", [lead_in, anchor, tail])

    def external_paragraph(self) -> Block:
        ext = self._external()
        if ext.url in self.used:
            return Block("p", [self.sentences(2)])
        self.used.add(ext.url)
        first = self.sentences(1)
        if self.en:
            return Block("p", [first + " This is reported by ", ext, "."])
        return Block("p", [first + " Об этом сообщается на ", ext, "."])

    def cross_paragraph(self) -> Block | None:
        if self.en:
            text = 'a reference note of the "Caucasian Knot"'
            anchor = self._cross_link(text)
            if anchor is None:
                return None
            return Block(
                "p", ["More details on the background can be found in ", anchor, " (in Russian)."]
            )
        anchor = self._cross_link("англоязычной версии")
        if anchor is None:
            return None
        return Block("p", ["Материал также опубликован в ", anchor, ' "Кавказского узла".'])

    def quote_paragraph(self) -> Block:
        quote = self.rng.choice(w.QUOTES_EN if self.en else w.QUOTES_RU)
        roles = w.ROLES_EN if self.en else w.ROLES_RU
        name = self.slots["name"]
        role = self.rng.choice(roles)
        if self.en:
            return Block("p", [f'"{quote}," said {name}, {role}.'])
        if self.slots["said_ru"] == "сказал" and role == "местная жительница":
            role = "местный житель"
        return Block("p", [f'"{quote}", — {self.slots["said_ru"]} {name}, {role}.'])

    def news(self) -> list[Block]:
        rng = self.rng
        topical = (w.TOPIC_OPENERS_EN if self.en else w.TOPIC_OPENERS_RU)[self.topic]
        openers = topical if rng.random() < 0.75 else (w.OPENERS_EN if self.en else w.OPENERS_RU)
        first = self.fill(rng.choice(openers))
        more = self.sentences(rng.randint(0, 2))
        blocks = [Block("p", [f"{first} {more}" if more else first])]
        count = max(1, int(rng.lognormvariate(1.4, 0.55)))
        extras: list[Block] = []
        if rng.random() < 0.7:
            extras.append(self.link_paragraph())
        if rng.random() < 0.4:
            extras.append(self.external_paragraph())
        if rng.random() < (0.15 if self.en else 0.05):
            cross = self.cross_paragraph()
            if cross is not None:
                extras.append(cross)
        if rng.random() < 0.5:
            extras.append(self.quote_paragraph())
        body: list[Block] = [Block("p", [self.sentences(rng.randint(1, 3))]) for _ in range(count)]
        for extra in extras:
            body.insert(rng.randint(0, len(body)), extra)
        if rng.random() < 0.12:
            body.insert(
                rng.randint(0, len(body)),
                Block("quote", [rng.choice(w.QUOTES_EN if self.en else w.QUOTES_RU) + "."]),
            )
        if rng.random() < 0.15:
            at = rng.randint(0, len(body))
            items = rng.sample(w.LIST_ITEMS_EN if self.en else w.LIST_ITEMS_RU, k=rng.randint(2, 4))
            intro = rng.choice(w.LIST_INTRO_EN if self.en else w.LIST_INTRO_RU)
            body[at:at] = [Block("p", [intro]), *(Block("li", [i]) for i in items)]
        if len(body) > 4 and rng.random() < 0.3:
            heading = rng.choice(w.HEADINGS_EN if self.en else w.HEADINGS_RU)
            body.insert(rng.randint(2, len(body) - 1), Block("h", [heading]))
        return blocks + body

    def review(self) -> list[Block]:
        rng = self.rng
        blocks: list[Block] = []
        headings = list(w.HEADINGS_EN if self.en else w.HEADINGS_RU)
        for section in range(rng.randint(6, 10)):
            blocks.append(Block("h", [f"{section + 1}. {headings[section % len(headings)]}"]))
            for _ in range(rng.randint(3, 7)):
                blocks.append(Block("p", [self.sentences(rng.randint(2, 4))]))
            if rng.random() < 0.5:
                blocks.append(self.link_paragraph())
        return blocks

    def spravka(self) -> list[Block]:
        rng = self.rng
        blocks = [Block("p", [self.sentences(3)])]
        headings = list(w.HEADINGS_RU)
        rng.shuffle(headings)
        for heading in headings[: rng.randint(2, 4)]:
            blocks.append(Block("h", [heading]))
            for _ in range(rng.randint(2, 5)):
                blocks.append(Block("p", [self.sentences(rng.randint(1, 3))]))
            if rng.random() < 0.5:
                blocks.append(self.link_paragraph())
        items = rng.sample(w.LIST_ITEMS_RU, k=3)
        blocks.append(Block("p", [rng.choice(w.LIST_INTRO_RU)]))
        blocks.extend(Block("li", [i]) for i in items)
        return blocks
