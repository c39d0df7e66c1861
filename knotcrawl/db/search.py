"""knotcrawl's full-text query syntax, translated for SQLite FTS5 and PostgreSQL tsquery.

One syntax on both backends::

    chechnya grozny          both words (AND is implied; ``AND`` may be written)
    "human rights"           a phrase
    protest*                 a prefix
    ingushetia OR dagestan   either
    court NOT appeal         the first without the second (also ``court -appeal``)
    (a OR b) "c d"           parentheses group

Operators are upper case; lower-case ``and``/``or``/``not`` are ordinary words. Words are
the letters and digits between other characters (as both backends' tokenizers see them), so
``foo-bar`` is the phrase ``"foo bar"``. A query that only excludes (``NOT x``) is refused:
there is nothing to subtract from.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from knotcrawl.errors import UsageError

_WORD = re.compile(r"[^\W_]+")
# Russian "ё" is searched as "е" on both backends (FTS5 folds it as a diacritic; the
# PostgreSQL index and queries translate it).
_YO = str.maketrans("Ёё", "Ее")
_OPERATORS = {"AND", "OR", "NOT"}


@dataclass(frozen=True, slots=True)
class Phrase:
    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    child: Node


Node = Phrase | And | Or | Not


# Bounds on a query: past them it is a mistake (a file pasted as the query), and the
# recursive parser and the per-phrase SQL would grow without limit.
MAX_QUERY_PHRASES = 200
MAX_QUERY_DEPTH = 40


class QuerySyntaxError(UsageError):
    def __init__(self, query: str, why: str) -> None:
        shown = query if len(query) <= 80 else f"{query[:77]}..."
        super().__init__(f"bad search query {shown!r}: {why}")


def undecodable(text: str) -> bool:
    """Command-line text with bytes that were not UTF-8 (Python keeps them as lone
    surrogates, which no database can store or match)."""
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def _tokens(query: str) -> list[tuple[str, str]]:
    """(kind, text) pairs: ``(``, ``)``, ``op``, ``phrase``, ``phrase*``, ``word``, ``-``."""
    out: list[tuple[str, str]] = []
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            out.append((ch, ch))
            i += 1
        elif ch == '"':
            end = query.find('"', i + 1)
            if end < 0:
                raise QuerySyntaxError(query, "a quote is not closed")
            text = query[i + 1 : end]
            i = end + 1
            if i < n and query[i] == "*":
                out.append(("phrase*", text))
                i += 1
            else:
                out.append(("phrase", text))
        elif ch == "-" and i + 1 < n and not query[i + 1].isspace():
            out.append(("-", "-"))
            i += 1
        else:
            j = i
            while j < n and not query[j].isspace() and query[j] not in '()"':
                j += 1
            text = query[i:j]
            i = j
            out.append(("op", text) if text in _OPERATORS else ("word", text))
    return out


def lowercase_operators(query: str) -> list[str]:
    """The words of ``query`` outside quotes that would be operators in upper case (``or``,
    ``Not``): they are searched as words, which the user rarely means."""
    return [
        text
        for kind, text in _tokens(query)
        if kind == "word" and text.upper() in _OPERATORS and text != text.upper()
    ]


class _Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        if undecodable(query):  # not shown: it would print as \udcff escapes
            raise UsageError("bad search query: not UTF-8 text (is the terminal's encoding UTF-8?)")
        self.tokens = _tokens(query)
        phrases = sum(kind.startswith(("phrase", "word")) for kind, _ in self.tokens)
        if phrases > MAX_QUERY_PHRASES:
            raise self.error(f"{phrases} words or phrases, more than {MAX_QUERY_PHRASES}")
        self.pos = 0
        self.depth = 0

    def error(self, why: str) -> QuerySyntaxError:
        return QuerySyntaxError(self.query, why)

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def parse(self) -> Node:
        if not self.tokens:
            raise self.error("it is empty")
        node = self.parse_or()
        if self.peek() is not None:
            raise self.error(f"unexpected {self.peek()[1]!r}")  # type: ignore[index]
        return node

    def parse_or(self) -> Node:
        children = [self.parse_and()]
        while self.peek() == ("op", "OR"):
            self.pos += 1
            children.append(self.parse_and())
        return children[0] if len(children) == 1 else Or(tuple(children))

    def parse_and(self) -> Node:
        children = [self.parse_unary()]
        while True:
            token = self.peek()
            if token is None or token[0] == ")" or token == ("op", "OR"):
                break
            if token == ("op", "AND"):
                self.pos += 1
            children.append(self.parse_unary())
        return children[0] if len(children) == 1 else And(tuple(children))

    def nested(self) -> None:
        self.depth += 1
        if self.depth > MAX_QUERY_DEPTH:
            raise self.error(f"more than {MAX_QUERY_DEPTH} nested parentheses or NOTs")

    def parse_unary(self) -> Node:
        token = self.peek()
        if token == ("op", "NOT") or (token is not None and token[0] == "-"):
            self.pos += 1
            self.nested()
            node = Not(self.parse_unary())
            self.depth -= 1
            return node
        return self.parse_atom()

    def parse_atom(self) -> Node:
        token = self.peek()
        if token is None:
            raise self.error("it ends where a word was expected")
        kind, text = token
        self.pos += 1
        if kind == "(":
            self.nested()
            node = self.parse_or()
            if self.peek() != (")", ")"):
                raise self.error("a parenthesis is not closed")
            self.pos += 1
            self.depth -= 1
            return node
        if kind == ")":
            raise self.error("unexpected ')'")
        if kind == "op":
            raise self.error(f"{text} needs a word on both sides")
        prefix = kind == "phrase*"
        if kind == "word" and text.endswith("*"):
            text, prefix = text.rstrip("*"), True
        words = tuple(w.lower().translate(_YO) for w in _WORD.findall(text))
        if not words:
            raise self.error(f"{text!r} has no letters or digits to search for")
        return Phrase(words, prefix)


def parse_query(query: str) -> Node:
    node = _Parser(query).parse()
    _check_negations(node, query, top=True)
    return node


def _check_negations(node: Node, query: str, *, top: bool = False) -> None:
    """A NOT must subtract from something: it may only stand beside positives in an AND."""
    if isinstance(node, Not):
        raise QuerySyntaxError(query, "NOT needs something to subtract from (write 'a NOT b')")
    if isinstance(node, Or):
        for child in node.children:
            _check_negations(child, query)
    elif isinstance(node, And):
        positives = [c for c in node.children if not isinstance(c, Not)]
        if not positives:
            raise QuerySyntaxError(query, "NOT needs something to subtract from (write 'a NOT b')")
        for child in node.children:
            _check_negations(child.child if isinstance(child, Not) else child, query)


def fts5_phrase(phrase: Phrase) -> str:
    return '"' + " ".join(phrase.words) + '"' + ("*" if phrase.prefix else "")


def phrases(node: Node) -> Iterator[Phrase]:
    """Every phrase (word, prefix) of a query, left to right."""
    if isinstance(node, Phrase):
        yield node
    elif isinstance(node, Not):
        yield from phrases(node.child)
    else:
        for child in node.children:
            yield from phrases(child)


def to_fts5(node: Node, phrase: Callable[[Phrase], str] = fts5_phrase) -> str:
    """An FTS5 MATCH expression, each phrase written by ``phrase``. Words are quoted, so no
    word can be read as syntax."""
    if isinstance(node, Phrase):
        return phrase(node)
    if isinstance(node, Or):
        return "(" + " OR ".join(to_fts5(c, phrase) for c in node.children) + ")"
    if isinstance(node, And):
        positives = [to_fts5(c, phrase) for c in node.children if not isinstance(c, Not)]
        expr = "(" + " AND ".join(positives) + ")"
        for child in node.children:
            if isinstance(child, Not):
                expr = f"({expr} NOT {to_fts5(child.child, phrase)})"
        return expr
    raise AssertionError(f"unchecked query node {node!r}")


def to_tsquery(node: Node) -> str:
    """A PostgreSQL ``to_tsquery('simple', …)`` expression."""
    if isinstance(node, Phrase):
        lexemes = [f"'{w}'" for w in node.words]
        if node.prefix:
            lexemes[-1] += ":*"
        return "(" + " <-> ".join(lexemes) + ")"
    if isinstance(node, Or):
        return "(" + " | ".join(to_tsquery(c) for c in node.children) + ")"
    if isinstance(node, And):
        parts = [
            f"!{to_tsquery(c.child)}" if isinstance(c, Not) else to_tsquery(c)
            for c in node.children
        ]
        return "(" + " & ".join(parts) + ")"
    raise AssertionError(f"unchecked query node {node!r}")
