"""Turning the bytes of a page into text: UTF-8, windows-1251 or KOI8-R.

Order: a byte-order mark; strict UTF-8 when the bytes hold non-ASCII and are valid UTF-8
(Russian text in a single-byte charset never is, so a wrong declaration cannot garble it); the
charset of the HTTP ``Content-Type`` header, then the ``<meta>`` (or XML) declaration, each used
only if the bytes decode with it strictly; then whichever of windows-1251 and KOI8-R reads as
Russian: the one whose Cyrillic letters are more often Russian's commonest (о е а и н т с р в л,
in either case; the wrong one of the two swaps them for rare letters), lower case breaking near
ties (ordinary Russian text is mostly lower case; the wrong charset also swaps the cases, but an
all-capitals text such as the foreign-agent notice of an English page must not fool it).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping

from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom

__all__ = ["decode_body", "guess_cyrillic"]

_CYR_LOWER = re.compile("[а-яё]")
_CYR_UPPER = re.compile("[А-ЯЁ]")
_COMMON = frozenset("оеаинтсрвлОЕАИНТСРВЛ")


def _header(headers: Mapping[str, str] | None, name: str) -> str | None:
    if not headers:
        return None
    for key, value in headers.items():
        k = key.decode("latin-1") if isinstance(key, bytes) else str(key)
        if k.lower() == name:
            if isinstance(value, list | tuple):
                value = value[0] if value else ""
            return value.decode("latin-1") if isinstance(value, bytes) else str(value)
    return None


def _usable(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def guess_cyrillic(body: bytes) -> str:
    """``cp1251`` or ``koi8_r``, whichever decodes ``body`` into more Russian-looking text."""
    best, best_score = "cp1251", -1.0
    for enc in ("cp1251", "koi8_r"):
        text = body.decode(enc, errors="replace")
        lower = len(_CYR_LOWER.findall(text))
        upper = len(_CYR_UPPER.findall(text))
        common = sum(1 for ch in text if ch in _COMMON)
        score = common + (lower - upper) * 0.1
        if score > best_score:
            best, best_score = enc, score
    return best


def decode_body(body: bytes | str, headers: Mapping[str, str] | None = None) -> tuple[str, str]:
    """``(text, encoding)`` for a page body."""
    if isinstance(body, str):
        return body, "unicode"
    content_type = _header(headers, "content-type")
    bom_enc, bom = read_bom(body)
    if bom_enc and bom:
        enc = _usable(bom_enc)
        if enc:
            return body[len(bom) :].decode(enc, errors="replace"), enc
    # Bytes that are valid UTF-8 with non-ASCII characters are UTF-8 whatever a header says:
    # Russian text in a single-byte charset is practically never valid UTF-8 by chance.
    if not body.isascii():
        try:
            return body.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    # Then the header's charset, then the declared one (looked for only when needed).
    for i in range(2):
        if i == 0:
            enc = _usable(http_content_type_encoding(content_type)) if content_type else None
        else:
            enc = _usable(html_body_declared_encoding(body[:4096]))
        if not enc:
            continue
        try:
            return body.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            continue
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    enc = guess_cyrillic(body)
    return body.decode(enc, errors="replace"), enc
