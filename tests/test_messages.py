"""What messages tell users to write is code that works: every span in backticks in the
messages on the fixtures parses as Python, and is never cut short (``short()`` cuts names
for reading; a suggestion is complete or not given). ``(...)`` and ``[...]`` stand for "the
arguments you had" and are allowed; ``...`` anywhere else is a truncation.

A message never names a line that its reader cannot find: in a notebook, lines are cited as
``cell N, line L`` (tests/test_notebooks.py).
"""

from __future__ import annotations

import ast
import re

import pytest

from conftest import analyze_source, fixture_files
from flake8_dask.rules import ALL_RULES

_BACKTICKS = re.compile(r"`([^`]+)`")
_PLACEHOLDER = re.compile(r"\((\.\.\.)\)|\[(\.\.\.)\]")


def parses(code: str) -> bool:
    """A statement, an expression, or a compound statement's header (``with x as y:``)."""
    for text in (code, code + "\n    pass"):
        try:
            ast.parse(text)
            return True
        except SyntaxError:
            continue
    return False


def suggestions(message: str) -> list[str]:
    """The code spans of a message that look like code to write (not one bare word)."""
    return [span for span in _BACKTICKS.findall(message)
            if not re.fullmatch(r"[A-Za-z_][A-Za-z_0-9]*", span)]


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: p.name)
def test_suggested_code_parses_and_is_whole(path):
    source = path.read_text(encoding="utf-8")
    bad = []
    for f in analyze_source(source, rules=ALL_RULES):
        for span in suggestions(f.message):
            if not parses(span) or "..." in _PLACEHOLDER.sub("", span):
                bad.append(f"{f.line}: {f.code}: `{span}`")
    assert not bad, "\n".join(bad)


def test_the_check_can_fail():
    assert suggestions("assign it: `x = x.persist()` or `with`") == ["x = x.persist()"]
    assert parses("with worker_client() as client:")
    assert not parses("(value,) = compute(delayed(inc)(1), scheduler='s...")
    assert "..." in _PLACEHOLDER.sub("", "(value,) = compute(x, scheduler='s...)")
    assert "..." not in _PLACEHOLDER.sub("", "ddf = ddf.fillna(...)")


def test_messages_name_what_dask_returns():
    """Verified with dask 2026.8: a DataFrame's reductions give a Series, a Series' apply a
    Series, Bag.foldby a Bag; ``x.blocks.ravel()`` a list (nothing to report)."""
    source = (
        "import dask.array as da\nimport dask.bag as db\nimport dask.dataframe as dd\n"
        "ddf = dd.read_parquet('p')\nb = db.from_sequence([1])\nx = da.ones(4, chunks=2)\n"
        "ddf.sum()\nddf.a.sum()\nddf.a.apply(len, meta=('a', 'f8'))\n"
        "b.foldby(len, max)\nx.blocks.ravel()\n")
    messages = {f.line: f.message for f in analyze_source(source, rules=ALL_RULES)
                if f.code == "DSK305"}
    assert "lazy Dask Series" in messages[7]
    assert "lazy Dask Scalar" in messages[8]
    assert "lazy Dask Series" in messages[9]
    assert "lazy Dask Bag" in messages[10]
    assert 11 not in messages
