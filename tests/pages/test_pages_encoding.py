# ruff: noqa: E501  (HTML fixtures read best unwrapped)
"""Encodings: UTF-8, windows-1251 and KOI8-R, declared in a header, a meta tag, or not at all."""

from __future__ import annotations

import pytest

from knotcrawl.pages import parse_article
from knotcrawl.pages.encoding import decode_body

URL = "https://www.kavkaz-uzel.eu/articles/360812"
TITLE = "Жители Нальчика пожаловались на перебои с отоплением"
BODY = "Жители нескольких многоквартирных домов на окраине Нальчика третий день остаются без отопления."


def _page(meta: str = "") -> str:
    return (
        f"<html><head>{meta}<title>{TITLE}</title></head><body><h1>{TITLE}</h1>"
        f"<p>14:25, 3 марта 2021</p><p>{BODY}</p></body></html>"
    )


@pytest.mark.parametrize("encoding", ["utf-8", "cp1251", "koi8_r"])
@pytest.mark.parametrize("declared", ["header", "meta", "none"])
def test_encodings(encoding: str, declared: str) -> None:
    headers = None
    meta = ""
    if declared == "header":
        headers = {"Content-Type": f"text/html; charset={encoding.replace('_', '-')}"}
    elif declared == "meta":
        meta = f'<meta http-equiv="Content-Type" content="text/html; charset={encoding.replace("_", "-")}">'
    record = parse_article(_page(meta).encode(encoding), URL, headers)
    assert (record.title, record.body, record.published_raw) == (TITLE, BODY, "14:25, 3 марта 2021")


def test_wrong_declaration_falls_back() -> None:
    data = _page('<meta charset="utf-8">').encode("cp1251")
    text, encoding = decode_body(data)
    assert encoding == "cp1251" and TITLE in text


def test_bom() -> None:
    text, _encoding = decode_body(b"\xef\xbb\xbf" + _page().encode("utf-8"))
    assert text.startswith("<html>")


def test_utf8_body_under_a_wrong_header() -> None:
    headers = {"Content-Type": "text/html; charset=windows-1251"}
    record = parse_article(_page().encode("utf-8"), URL, headers)
    assert record.title == TITLE


@pytest.mark.parametrize("encoding", ["cp1251", "koi8_r"])
def test_english_page_whose_only_russian_is_in_capitals(encoding: str) -> None:
    """An English page without a declared charset whose only Cyrillic is the all-capitals
    foreign-agent notice: read in the wrong charset, capitals become lower-case letters."""
    notice = "НАСТОЯЩИЙ МАТЕРИАЛ (ИНФОРМАЦИЯ) ПРОИЗВЕДЕН И РАСПРОСТРАНЕН ИНОСТРАННЫМ АГЕНТОМ"
    page = (
        "<html><head><title>Court in Nalchik postpones hearing</title></head><body>"
        "<h1>Court in Nalchik postpones hearing</h1><p>17 May 2019, 18:17</p>"
        f"<p>{notice}</p><p>Doctors of Sukhum complain about unpaid wages.</p></body></html>"
    )
    text, decoded_as = decode_body(page.encode(encoding))
    assert (decoded_as, notice in text) == (encoding, True)
    record = parse_article(page.encode(encoding), "https://www.eng.kavkaz-uzel.eu/articles/12000")
    assert record.body == "Doctors of Sukhum complain about unpaid wages."
