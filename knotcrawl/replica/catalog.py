"""The compact per-article metadata of both editions.

Only arrays of ids and times and a few derived index lists live in memory; everything else about
an article (topic, place, flags, text) is a deterministic function of ``(seed, edition, id)``
computed on demand. The publication schedule is a stream generated from the edition's start at
a rate set by ``articles`` (articles per edition up to :data:`~.config.ANCHOR`); it continues at
the same rate after the anchor, so a later ``now`` publishes more articles and never changes
earlier ones.
"""

from __future__ import annotations

import random
from array import array
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from knotcrawl.moscow import MOSCOW, localize

from .config import ANCHOR, ReplicaConfig

M64 = (1 << 64) - 1
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _mix(a: int, b: int) -> int:
    z = (a * 0x9E3779B97F4A7C15 + b + 0x632BE59BD9B4E019) & M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def unit(seed: int, edition: str, key: int, salt: int) -> float:
    """A deterministic number in [0, 1) for (seed, edition, key, salt)."""
    return _mix(_mix(_mix(seed, 1 if edition == "en" else 2), key), salt) / 2.0**64


# salts for unit()
S_DELETE, S_DELAY, S_EDIT, S_EDIT2, S_GONE, S_TOPIC, S_PLACE, S_PHOTO, S_LEAD = range(1, 10)
S_LPHOTO, S_XREF, S_SPRAVKA, S_MARKUP, S_EDITDELAY, S_EDIT2DELAY = range(10, 16)
S_LONGREAD, S_INTERVIEW, S_WEEKLY = range(16, 19)


@dataclass(frozen=True, slots=True)
class EditionPlan:
    edition: str
    start: datetime  # Moscow wall clock of the first article
    first_id: int
    anchor_id: int  # roughly the id reached at ANCHOR with the default density


PLANS = {
    "en": EditionPlan("en", datetime(2009, 6, 25, 12, 0), 12000, 71000),
    "ru": EditionPlan("ru", datetime(2002, 5, 18, 1, 59), 20000, 420000),
}

# Topics (index → name) and the EN category each belongs to (None: no category page).
TOPICS = (
    "protest",
    "court",
    "utilities",
    "disaster",
    "interethnic",
    "labour",
    "society",
    "security",
    "elections",
    "roads",
)
TOPIC_CATEGORY = {"interethnic": 3, "society": 5, "protest": 5, "labour": 8, "utilities": 8}
# Places: (key, region page slugs it belongs to)
PLACES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("nalchik", ("northcaucdistr",)),
    ("makhachkala", ("northcaucdistr",)),
    ("grozny", ("northcaucdistr",)),
    ("vladikavkaz", ("northcaucdistr",)),
    ("magas", ("northcaucdistr",)),
    ("cherkessk", ("northcaucdistr", "karachaevo")),
    ("karachaevsk", ("northcaucdistr", "karachaevo")),
    ("stavropol", ("northcaucdistr",)),
    ("sukhum", ("abhazia",)),
    ("gagra", ("abhazia",)),
    ("tbilisi", ()),
    ("yerevan", ()),
    ("baku", ()),
    ("sochi", ()),
    ("rostov", ()),
    ("kaspiysk", ("northcaucdistr",)),
    ("derbent", ("northcaucdistr",)),
    ("tskhinval", ()),
    ("elista", ()),
    ("astrakhan", ()),
)
REGION_PAGES = ("abhazia", "karachaevo", "northcaucdistr")
EN_CATEGORIES = (3, 5, 8)
# SITE.md §2.1: rubric/20 holds long reads and interviews, rubric/23 fewer of them (its items
# are in rubric/20 too); RU rubric/1104 is the weekly review «Кавказ за неделю».
EN_SECTIONS = (
    "rubric/11",
    "rubric/10",
    "rubric/20",
    "rubric/23",
    "category/3",
    "category/5",
    "category/8",
    *REGION_PAGES,
)
RU_SECTIONS = ("articles", "rubric/41", "rubric/1104")


def to_epoch(moment: datetime) -> int:
    return int((moment - EPOCH).total_seconds())


def from_epoch(seconds: int) -> datetime:
    return EPOCH + timedelta(seconds=seconds)


def _dst_moments(start: datetime, end: datetime) -> list[datetime]:
    """Moscow wall-clock times (naive) right around every offset change in [start, end)."""
    out: list[datetime] = []
    year = start.year
    while year <= end.year:
        for month in (3, 10):
            day = datetime(year, month, 31, 12, tzinfo=UTC)
            while day.weekday() != 6:
                day -= timedelta(days=1)
            lo, hi = day - timedelta(days=1), day + timedelta(days=1)
            if lo.astimezone(MOSCOW).utcoffset() == hi.astimezone(MOSCOW).utcoffset():
                continue
            while hi - lo > timedelta(minutes=1):  # bisect the change instant
                mid = lo + (hi - lo) / 2
                mid = mid.replace(second=0, microsecond=0)
                if mid.astimezone(MOSCOW).utcoffset() == lo.astimezone(MOSCOW).utcoffset():
                    lo = mid
                else:
                    hi = mid
            change = hi
            before = (change - timedelta(minutes=7)).astimezone(MOSCOW).replace(tzinfo=None)
            after = (change + timedelta(minutes=9)).astimezone(MOSCOW).replace(tzinfo=None)
            out += [before, after]
            old_offset = (hi - timedelta(minutes=1)).astimezone(MOSCOW).utcoffset()
            new_offset = hi.astimezone(MOSCOW).utcoffset()
            if old_offset is not None and new_offset is not None and old_offset > new_offset:
                # autumn: the repeated hour; localize() takes its first instance
                out.append(after + timedelta(minutes=23))
        year += 1
    return [m for m in out if start <= m < end]


def _repeated_hours(first_year: int, last_year: int) -> list[tuple[int, int]]:
    """UTC epoch ranges of the second run of each repeated autumn hour in Moscow."""
    out = []
    for moment in _dst_moments(datetime(first_year, 1, 1), datetime(last_year, 1, 1)):
        if moment.month == 10 and moment.minute == 9:  # the minute just after the change
            change = localize(moment).astimezone(UTC) + timedelta(hours=1) - timedelta(minutes=9)
            out.append((to_epoch(change), to_epoch(change) + 3600))
    return out


class EditionCatalog:
    """Ids and publication times of one edition, plus the schedule of edits and deletions."""

    def __init__(self, seed: int, articles: int, edition: str, horizon: datetime) -> None:
        plan = PLANS[edition]
        self.seed = seed
        self.edition = edition
        start_utc = localize(plan.start).astimezone(UTC)
        anchor_local = ANCHOR.astimezone(MOSCOW).replace(tzinfo=None)
        pinned = _dst_moments(plan.start, anchor_local) if articles >= 60 else []
        if edition == "en":  # EN starts mid-2009: pin the old-site RU era transitions too
            pinned = [m for m in pinned if m.year >= 2009]
        random_count = max(1, articles - len(pinned))
        mean_gap = (ANCHOR - start_utc).total_seconds() / random_count
        rng = random.Random(f"catalog/{seed}/{edition}/{articles}")
        stream: list[int] = [to_epoch(localize(plan.start))]
        stop = to_epoch(horizon)
        t = float(stream[0])
        while True:
            t += rng.expovariate(1.0 / mean_gap)
            if t > stop:
                break
            stream.append(int(t))
        # Whole minutes; an instant in the second run of a repeated autumn hour moves to the
        # first run, so that the printed wall-clock time maps back to it (moscow.localize).
        repeated = _repeated_hours(plan.start.year, horizon.year + 1)
        published_set = set()
        for seconds in stream:
            seconds -= seconds % 60
            for lo, hi in repeated:
                if lo <= seconds < hi:
                    seconds -= 3600
            published_set.add(seconds)
        published_set.update(to_epoch(localize(m.replace(fold=0))) for m in pinned)
        published = sorted(published_set)
        # ids ascend with time; spacing scaled to the number of articles
        spacing = max((plan.anchor_id - plan.first_id) / articles, 1.0)
        id_rng = random.Random(f"ids/{seed}/{edition}/{articles}")
        ids = array("q")
        current = plan.first_id
        for _ in published:
            ids.append(current)
            if spacing > 1.5:
                step = 1 + int(id_rng.expovariate(1.0 / (spacing - 1.0)) + 0.5)
            else:
                step = 2 if id_rng.random() < spacing - 1.0 + 0.1 else 1
            current += step
        self.ids = ids
        self.published = array("q", published)  # UTC epoch seconds
        self.mean_gap = mean_gap
        self.protected: set[int] = set()  # indexes never deleted (RU originals of EN articles)
        self._spravka: bytearray | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def index_of(self, article_id: int) -> int | None:
        i = bisect_left(self.ids, article_id)
        if i < len(self.ids) and self.ids[i] == article_id:
            return i
        return None

    def count_until(self, epoch: int) -> int:
        """Number of articles published at or before ``epoch``."""
        return bisect_right(self.published, epoch)

    def u(self, index: int, salt: int) -> float:
        return unit(self.seed, self.edition, self.ids[index], salt)

    # ---- schedule of changes -------------------------------------------------------------
    def deleted_at(self, index: int) -> int | None:
        if index in self.protected or self.u(index, S_DELETE) >= 0.012:
            return None
        d = self.u(index, S_DELAY)
        # mostly within a week
        delay = 3600 + d / 0.8 * 7 * 86400 if d < 0.8 else 8 * 86400 + (d - 0.8) / 0.2 * 80 * 86400
        return self.published[index] + int(delay)

    def gone_status(self, index: int) -> int:
        return 410 if self.u(index, S_GONE) < 0.5 else 404

    def edit_times(self, index: int) -> list[int]:
        if self.u(index, S_EDIT) >= 0.05:
            return []
        d = self.u(index, S_EDITDELAY)
        first = self.published[index] + int(
            1800 + (d / 0.85 * 3 * 86400 if d < 0.85 else 3 * 86400 + (d - 0.85) * 200 * 86400)
        )
        times = [first]
        if self.u(index, S_EDIT2) < 0.3:
            times.append(first + int(3600 + self.u(index, S_EDIT2DELAY) * 5 * 86400))
        return times

    def version_at(self, index: int, epoch: int) -> int:
        return sum(1 for t in self.edit_times(index) if t <= epoch)

    def is_live(self, index: int, epoch: int) -> bool:
        if self.published[index] > epoch:
            return False
        gone = self.deleted_at(index)
        return gone is None or gone > epoch

    # ---- cheap per-article attributes ------------------------------------------------------
    def topic(self, index: int) -> str:
        return TOPICS[int(self.u(index, S_TOPIC) * len(TOPICS))]

    def place(self, index: int) -> int:
        return int(self.u(index, S_PLACE) * len(PLACES))

    def has_photo(self, index: int) -> bool:
        return self.u(index, S_PHOTO) < 0.4

    def has_lead(self, index: int) -> bool:
        return self.u(index, S_LEAD) < 0.5

    def listing_photo(self, index: int) -> bool:
        return self.has_photo(index) and self.has_lead(index) and self.u(index, S_LPHOTO) < 0.8

    def is_spravka(self, index: int) -> bool:
        if self.edition != "ru":
            return False
        if self._spravka is None:
            self._spravka = bytearray(
                1 if unit(self.seed, "ru", i, S_SPRAVKA) < 0.06 else 0 for i in self.ids
            )
        return bool(self._spravka[index])

    def is_long_read(self, index: int) -> bool:
        """EN long reads and interviews (rubric/20), a few per cent of the articles."""
        return self.edition == "en" and self.u(index, S_LONGREAD) < 0.04

    def is_interview(self, index: int) -> bool:
        """The long reads also in rubric/23."""
        return self.is_long_read(index) and self.u(index, S_INTERVIEW) < 0.4

    def is_weekly(self, index: int) -> bool:
        """RU articles in the weekly review rubric/1104."""
        return self.edition == "ru" and self.u(index, S_WEEKLY) < 0.03

    def sections(self, index: int) -> tuple[str, ...]:
        """Every listing the article appears in (sorted), while it is live."""
        if self.edition == "ru":
            out = ["articles"]
            if self.is_spravka(index):
                out.append("rubric/41")
            elif self.is_weekly(index):
                out.append("rubric/1104")
            return tuple(sorted(out))
        out = ["rubric/10", "rubric/11"]
        if self.is_long_read(index):
            out.append("rubric/20")
            if self.is_interview(index):
                out.append("rubric/23")
        category = TOPIC_CATEGORY.get(self.topic(index))
        if category is not None:
            out.append(f"category/{category}")
        out.extend(PLACES[self.place(index)][1])
        return tuple(sorted(out))


@dataclass(frozen=True, slots=True)
class OriginalRef:
    index: int  # index in the RU catalog


class Catalog:
    """Both editions plus the EN → RU original mapping."""

    def __init__(self, config: ReplicaConfig) -> None:
        horizon = max(config.now, ANCHOR) + timedelta(days=3)
        self.seed = config.seed
        self.ru = EditionCatalog(config.seed, config.articles, "ru", horizon)
        self.en = EditionCatalog(config.seed, config.articles, "en", horizon)
        self.original: dict[int, int] = {}  # EN index → RU index (cross-reference with a link)
        self.xref_kind: dict[int, str] = {}  # EN index → "link" | "nolink" | "absent"
        self._link_originals()

    def edition(self, edition: str) -> EditionCatalog:
        return self.en if edition == "en" else self.ru

    def _link_originals(self) -> None:
        en, ru = self.en, self.ru
        window = max(2 * 86400, int(4 * ru.mean_gap))
        used: set[int] = set()
        for i in range(len(en)):
            u = en.u(i, S_XREF)
            kind = "link" if u < 0.62 else "nolink" if u < 0.8 else "absent"
            if kind == "link":
                t = en.published[i]
                hi = bisect_right(ru.published, t - 600) - 1
                lo = bisect_left(ru.published, t - window)
                chosen = None
                for j in range(hi, max(lo, hi - 40) - 1, -1):
                    if j < 0 or ru.is_spravka(j):
                        continue
                    if j not in used:
                        chosen = j
                        break
                    if chosen is None:
                        chosen = j
                if chosen is None or chosen < lo:
                    kind = "nolink"
                else:
                    used.add(chosen)
                    self.original[i] = chosen
            self.xref_kind[i] = kind
        ru.protected = used
