"""``knotcrawl parse``: JSON on stdout, one clear stderr line and a status for bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from knotcrawl.cli import main
from knotcrawl.errors import KnotcrawlError

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "site" / "samples"
URL = "https://www.eng.kavkaz-uzel.eu/articles/50001"
ARTICLE = (
    "<html lang='en'><body><div><h1>A title</h1><p>17 May 2019, 18:17</p>"
    "<p>The first paragraph of the article text.</p><p>Author: Oleg Krasnov</p></div></body></html>"
)


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["parse", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_prints_record_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "a.html"
    page.write_text(ARTICLE, encoding="utf-8")
    status, out, err = _run(capsys, str(page), "--url", URL)
    assert status == 0 and err == ""
    record = json.loads(out)
    assert list(record)[:3] == ["edition", "article_id", "url"]
    assert record["first_seen_at"] is None and record["parser_version"]
    assert out == json.dumps(record, ensure_ascii=False, indent=2) + "\n"


def test_explain_names_levels(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "a.html"
    page.write_text(ARTICLE, encoding="utf-8")
    status, out, err = _run(capsys, str(page), "--url", URL, "--explain")
    assert status == 0 and json.loads(out)["title"] == "A title"
    levels = dict(line.split(None, 1) for line in err.splitlines())
    assert levels["title"] == "semantic"
    assert levels["published_at"] == "text"
    assert levels["authors"] == "text"


def test_explain_names_where_the_identity_came_from(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "a.html"
    page.write_text(ARTICLE, encoding="utf-8")
    _status, _out, err = _run(capsys, str(page), "--url", URL, "--explain")
    levels = dict(line.split(None, 1) for line in err.splitlines())
    assert levels["edition"] == "url" and levels["article_id"] == "url"
    # A mirror on loopback: the canonical link names the edition.
    canonical = ARTICLE.replace(
        "<body>",
        '<head><link rel="canonical" href="https://www.kavkaz-uzel.eu/articles/7"></head><body>',
    )
    page.write_text(canonical, encoding="utf-8")
    _status, out, err = _run(
        capsys, str(page), "--url", "http://127.0.0.1:8000/articles/7", "--explain"
    )
    levels = dict(line.split(None, 1) for line in err.splitlines())
    assert json.loads(out)["edition"] == "ru"
    assert levels["edition"] == "structured" and levels["article_id"] == "url"
    # An address without the id: the canonical link gives it too.
    from knotcrawl.pages import ArticlePage

    mirrored = ArticlePage(canonical, "http://127.0.0.1:8000/mirror?page=a")
    assert mirrored.to_record().article_id == 7
    assert mirrored.sources["article_id"] == "structured"
    # Nothing but the language of the page.
    page.write_text(ARTICLE, encoding="utf-8")
    _status, out, err = _run(
        capsys, str(page), "--url", "http://127.0.0.1:8000/articles/5", "--explain"
    )
    levels = dict(line.split(None, 1) for line in err.splitlines())
    assert json.loads(out)["edition"] == "en" and levels["edition"] == "semantic"


def test_explain_a_listing(capsys: pytest.CaptureFixture[str]) -> None:
    if not SAMPLES.is_dir():
        pytest.skip(f"the shared samples are not beside the project ({SAMPLES})")
    sample = SAMPLES / "en-listing-classic.html"
    expected = json.loads((SAMPLES / "expected" / "en-listing-classic.json").read_text())
    status, out, err = _run(capsys, str(sample), "--url", expected["url"], "--explain")
    assert status == 0 and json.loads(out) == expected
    lines = dict(line.strip().split(None, 1) for line in err.splitlines())
    count = len(expected["items"])
    assert lines["kind"] == "listing" and lines["edition"] == "url"
    assert lines["items"] in (f"{count} (selector)", f"{count} (semantic)")
    dated = sum(1 for item in expected["items"] if item["published_at"])
    assert lines["published_at"] == f"{dated} of {count} items"


def test_url_from_canonical(capsys: pytest.CaptureFixture[str]) -> None:
    if not SAMPLES.is_dir():
        pytest.skip(f"the shared samples are not beside the project ({SAMPLES})")
    status, out, err = _run(capsys, str(SAMPLES / "ru-article-mobile.html"))
    assert status == 0
    record = json.loads(out)
    assert record["article_id"] == 419812
    # The page's claim stands in for the address it was fetched from, and parse says so.
    assert err == (
        f"knotcrawl parse: note: no --url; the page's own address is used: "
        f"{record['fetched_url']}\n"
    )


def _bad(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


TRUNCATED = ARTICLE.encode()[:60]
NO_TITLE = (
    b"<html><body><p>17 May 2019, 18:17</p><p>Some text of the article here.</p></body></html>"
)
NO_DATE = b"<html><body><h1>Title</h1><p>Some text of the article here.</p></body></html>"
PAGE_404 = (
    b"<html><head><title>Page not found | Caucasian Knot</title></head><body>"
    b"<h1>404</h1><p>The page does not exist.</p></body></html>"
)


@pytest.mark.parametrize(
    ("name", "data", "url", "status", "needle"),
    [
        ("empty.html", b"", URL, 3, "empty"),
        ("binary.bin", bytes(range(256)) * 40, URL, 3, "binary"),
        ("truncated.html", TRUNCATED, URL, 4, "published_at"),
        ("notitle.html", NO_TITLE, URL, 4, "title"),
        ("nodate.html", NO_DATE, URL, 4, "published_at"),
        ("404.html", PAGE_404, URL, 3, "error page"),
        (
            "forum.html",
            ARTICLE.encode(),
            "https://m.kavkaz-uzel.media/forum/topics/9794?page=1",
            3,
            "forum",
        ),
        (
            "about.html",
            ARTICLE.encode(),
            "https://www.eng.kavkaz-uzel.eu/articles/AboutCaucasianKnot",
            3,
            "service page",
        ),
    ],
)
def test_bad_input(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    data: bytes,
    url: str,
    status: int,
    needle: str,
) -> None:
    got, out, err = _run(capsys, str(_bad(tmp_path, name, data)), "--url", url)
    assert (got, out) == (status, "")
    assert err.count("\n") == 1 and needle in err and "Traceback" not in err


def test_missing_url_is_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    got, _out, err = _run(capsys, str(_bad(tmp_path, "a.html", ARTICLE.encode())))
    assert got == 2 and "--url" in err


@pytest.mark.parametrize("url", ["notaurl", "ftp://www.kavkaz-uzel.eu/articles/1", "https://"])
def test_a_url_that_is_no_web_address_is_a_usage_error(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    got, out, err = _run(capsys, str(_bad(tmp_path, "a.html", ARTICLE.encode())), "--url", url)
    assert (got, out) == (2, "")
    assert err.startswith(f"knotcrawl parse: --url {url!r}: expected") and err.count("\n") == 1


LATIN_1 = ARTICLE.replace("A title", "Café owner detained").encode("latin-1")
LISTING_LATIN_1 = (
    "<html lang='en'><body><main><h1>All news</h1><ul>"
    + "".join(
        f"<li><a href='/articles/{n}'>Café story {n}</a> 17 May 2019, 18:17</li>"
        for n in (50001, 50002, 50003)
    )
    + "</ul></main></body></html>"
).encode("latin-1")


@pytest.mark.parametrize(
    ("data", "url", "title"),
    [
        (LATIN_1, URL, lambda out: out["title"]),
        (
            LISTING_LATIN_1,
            "https://www.eng.kavkaz-uzel.eu/rubric/11",
            lambda out: out["items"][0]["title"],
        ),
    ],
    ids=["article", "listing"],
)
def test_charset_reads_a_page_saved_without_its_header(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    data: bytes,
    url: str,
    title: Any,
) -> None:
    path = _bad(tmp_path, "page.html", data)
    got, out, _err = _run(capsys, str(path), "--url", url)
    # Without a charset a single-byte page is taken for Russian (é reads as a Cyrillic letter).
    read = title(json.loads(out))
    assert got == 0 and read.startswith("Caf") and "Café" not in read
    got, out, err = _run(capsys, str(path), "--url", url, "--charset", "iso-8859-1")
    assert (got, err) == (0, "")
    assert "Café" in title(json.loads(out))


def test_unknown_charset_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _bad(tmp_path, "page.html", LATIN_1)
    got, out, err = _run(capsys, str(path), "--url", URL, "--charset", "klingon")
    assert (got, out) == (2, "")
    assert err == (
        "knotcrawl parse: --charset 'klingon': not a known charset "
        "(e.g. utf-8, windows-1251, koi8-r)\n"
    )


def test_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    got, _out, err = _run(capsys, "/nonexistent/page.html", "--url", URL)
    assert got == 2 and "no such file" in err


def test_five_megabyte_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    filler = "<p>" + "Filler sentence for a very large page. " * 20 + "</p>\n"
    sidebar = "<div class='sidebar'>" + filler * (5_000_000 // len(filler)) + "</div>"
    html = ARTICLE.replace("</body>", sidebar + "</body>")
    path = _bad(tmp_path, "big.html", html.encode())
    assert path.stat().st_size > 5_000_000
    got, out, _err = _run(capsys, str(path), "--url", URL)
    assert got == 0
    assert json.loads(out)["body"] == "The first paragraph of the article text."


def test_listing_with_no_items_warns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _bad(tmp_path, "l.html", b"<html lang='en'><body><h1>All news</h1></body></html>")
    got, out, err = _run(
        capsys, str(path), "--url", "https://www.eng.kavkaz-uzel.eu/rubric/11?page=5000"
    )
    assert got == 0 and json.loads(out)["items"] == []
    assert "no article items" in err


ARTICLE_SAMPLES = sorted(p.name for p in SAMPLES.glob("*-article*.html"))


@pytest.mark.parametrize("name", ARTICLE_SAMPLES)
def test_article_under_a_region_path_is_refused(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Region pages sit at the site root, so ``/foo`` reads as a listing; an article saved
    under it is a wrong URL (status 3), not a listing of the links in its text."""
    got, out, err = _run(capsys, str(SAMPLES / name), "--url", "https://example.com/foo")
    assert (got, out) == (3, "")
    assert "not an article address" in err


@pytest.mark.parametrize(
    "listing_url",
    [
        "https://www.eng.kavkaz-uzel.eu/rubric/11",
        "https://www.eng.kavkaz-uzel.eu/rubric/10?page=40",
        "https://www.kavkaz-uzel.eu/category/3",
        "https://www.kavkaz-uzel.eu/articles",
    ],
)
def test_article_under_a_listing_path_is_refused(
    listing_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The rubric and category paths too: an article given ``--url …/rubric/11`` is not a
    listing of the links in its text."""
    from knotcrawl import replica

    rep = replica.Replica(replica.ReplicaConfig(seed=1, articles=20))
    edition = "en" if "eng." in listing_url else "ru"
    host = urlsplit(listing_url).hostname
    article = next(iter(rep.truth(edition)))
    page = tmp_path / "article.html"
    page.write_bytes(rep.respond("GET", host, f"/articles/{article.article_id}").body)
    got, out, err = _run(capsys, str(page), "--url", listing_url)
    assert (got, out) == (3, "")
    assert "not an article address" in err


def _short_listing_pages() -> Iterator[Any]:
    """Every replica listing page (all paths, pages and listing markups, both editions) with
    fewer than three items: the pages the article-as-listing check reads as a whole article."""
    from knotcrawl import replica

    rep = replica.Replica(replica.ReplicaConfig(seed=1, articles=20))
    for edition, host in (("en", "www.eng.kavkaz-uzel.eu"), ("ru", "www.kavkaz-uzel.eu")):
        for path in rep.listing_paths(edition):
            for page in range(1, rep.listing_pages(path, edition) + 2):
                truth = rep.listing_truth(path, page, host)
                if len(truth.items) >= 3:
                    continue
                target = path if page == 1 else f"{path}?page={page}"
                for markup in (None, *replica.LISTING_MARKUPS):
                    response = rep.respond("GET", host, target, markup=markup)
                    yield truth.url, response.body, len(truth.items), markup


def test_listings_of_fewer_than_three_items_are_listings() -> None:
    from knotcrawl.commands.parse import _refuse_article_as_listing

    pages = list(_short_listing_pages())
    refused = []
    for url, body, items, markup in pages:
        try:
            _refuse_article_as_listing(body, url, items, None)
        except KnotcrawlError:
            refused.append((url, markup))
    assert {items for _url, _body, items, _markup in pages} == {0, 1, 2}
    assert refused == []


@pytest.mark.parametrize("path", ["/abhazia", "/karachaevo"])
def test_region_listing_of_two_items_is_a_listing(
    path: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from knotcrawl import replica

    rep = replica.Replica(replica.ReplicaConfig(seed=1, articles=20))
    response = rep.respond("GET", "www.eng.kavkaz-uzel.eu", path)
    page = tmp_path / "region.html"
    page.write_bytes(response.body)
    got, out, _err = _run(capsys, str(page), "--url", f"https://www.eng.kavkaz-uzel.eu{path}")
    assert got == 0
    assert len(json.loads(out)["items"]) == len(rep.listing_ids(path)) == 2


def test_stdin_subprocess() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "knotcrawl.cli", "parse", "-", "--url", URL],
        input=ARTICLE.encode(),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["authors"] == ["Oleg Krasnov"]
    proc = subprocess.run(
        [sys.executable, "-m", "knotcrawl.cli", "parse", "-", "--url", URL],
        input=NO_TITLE,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 4 and b"Traceback" not in proc.stderr
    assert proc.stderr.decode().strip().startswith("knotcrawl parse:")


def _parse_with_env(env: dict[str, str], page: Path, url: str) -> subprocess.CompletedProcess[str]:
    """``knotcrawl parse`` in a new process: the canonical hosts are read when it starts."""
    import os

    return subprocess.run(
        [sys.executable, "-m", "knotcrawl", "parse", str(page), "--url", url],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_canonical_hosts_are_configurable(tmp_path: Path) -> None:
    page = tmp_path / "a.html"
    page.write_text(
        ARTICLE.replace(
            "<p>Author:",
            '<p>See <a href="/articles/49000">an earlier report</a> and <a '
            'href="https://m.kavkaz-uzel.eu/articles/400000/">the Russian one</a>.</p><p>Author:',
        ),
        encoding="utf-8",
    )
    env = {
        "KNOTCRAWL_CANONICAL_EN": "http://kavkaz.example:8080/",
        "KNOTCRAWL_CANONICAL_RU": "https://ru.kavkaz.example",
    }
    done = _parse_with_env(env, page, "https://caucasianknot.info/articles/50001/")
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    assert record["url"] == "http://kavkaz.example:8080/articles/50001"
    assert record["fetched_url"] == "https://caucasianknot.info/articles/50001/"
    assert [link["url"] for link in record["links"]] == [
        "http://kavkaz.example:8080/articles/49000",
        "https://ru.kavkaz.example/articles/400000",
    ]


@pytest.mark.parametrize(
    "value", ["kavkaz.example", "https://kavkaz.example/news", "ftp://kavkaz.example", "http://h:0"]
)
def test_a_bad_canonical_host_is_refused(tmp_path: Path, value: str) -> None:
    page = tmp_path / "a.html"
    page.write_text(ARTICLE, encoding="utf-8")
    done = _parse_with_env({"KNOTCRAWL_CANONICAL_RU": value}, page, URL)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        f"knotcrawl parse: KNOTCRAWL_CANONICAL_RU={value!r}: expected a scheme and a host "
        "only, such as https://www.kavkaz-uzel.eu\n"
    )


def test_a_listing_under_an_article_url_is_hinted_at(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A listing saved under /articles/ID lacks an article's date: the message says which
    field is missing (status 4) and that the page reads as a listing."""
    from knotcrawl import replica

    rep = replica.Replica(replica.ReplicaConfig(seed=1, articles=60))
    page = tmp_path / "listing.html"
    page.write_bytes(rep.respond("GET", "www.eng.kavkaz-uzel.eu", "/rubric/11").body)
    got, out, err = _run(capsys, str(page), "--url", "https://www.eng.kavkaz-uzel.eu/articles/1")
    assert (got, out) == (4, "")
    assert "required fields missing" in err
    assert "reads as a listing of 20 articles" in err


def test_an_article_without_its_date_gets_no_listing_hint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "a.html"
    page.write_text(ARTICLE.replace("<p>17 May 2019, 18:17</p>", ""), encoding="utf-8")
    got, _out, err = _run(capsys, str(page), "--url", URL)
    assert got == 4
    assert err.strip().endswith("required fields missing in " + URL + ": published_at")
