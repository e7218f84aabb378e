"""What messages tell users to write is code that works: every span in backticks in the
messages on the fixtures parses as Python, and is never cut short (``short()`` cuts names
for reading; a suggestion is complete or not given). ``(...)`` and ``[...]`` stand for "the
arguments you had" and are allowed; ``...`` anywhere else is a truncation.

A message never names a line that its reader cannot find: in a notebook, lines are cited as
``cell N, line L`` (tests/test_notebooks.py).

A message is short enough for a problem list (CONTRIBUTING.md, "Messages"): at most
``MAX_MESSAGE`` characters, and its first sentence, which states the problem, at most
``MAX_FIRST_SENTENCE``. The first sentence ends at the first ``": "``, ``"; "`` or ``". "``
outside a code span in backticks (a span may hold ``{'a': 1}`` or ``with x as y:``), or at the
end of the message. What the fix does is the fix title, not the message.
"""

from __future__ import annotations

import ast
import random
import re
import warnings

import pytest

from conftest import FIXTURES, analyze_source, corpus_dir, fixture_files
from flake8_dask.fix.notebook import fix_notebook
from flake8_dask.rules import ALL_RULES

MAX_MESSAGE = 200
MAX_FIRST_SENTENCE = 100

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


# ---------------------------------------------------------------------------- lengths
def first_sentence(message: str) -> str:
    """The message up to its first ``": "``, ``"; "`` or ``". "`` outside backticks."""
    in_code = False
    for i, char in enumerate(message):
        if char == "`":
            in_code = not in_code
        elif not in_code and char in ":;." and message[i + 1:i + 2] == " ":
            return message[:i]
    return message


def too_long(messages) -> list[str]:
    """``(where, code, message)`` triples whose message breaks a length limit, described."""
    bad = []
    for where, code, message in messages:
        head = first_sentence(message)
        if len(message) > MAX_MESSAGE or len(head) > MAX_FIRST_SENTENCE:
            bad.append(f"{where}: {code} ({len(message)} chars, first sentence {len(head)}): "
                       f"{message}")
    return bad


def fixture_messages():
    for path in fixture_files():
        source = path.read_text(encoding="utf-8")
        for f in analyze_source(source, rules=ALL_RULES):
            yield f"{path.name}:{f.line}", f.code, f.message
    for path in sorted(FIXTURES.glob("*.ipynb")):
        result = fix_notebook(path.read_text(encoding="utf-8"), rules=ALL_RULES, apply=False)
        for found in result.findings:
            yield (f"{path.name}: cell {found.cell}, line {found.finding.line}",
                   found.finding.code, found.finding.message)


def test_first_sentence():
    assert first_sentence("x.persist() is discarded: assign it") == "x.persist() is discarded"
    assert first_sentence("a; b. c") == "a"
    assert first_sentence("a.b() is slow. Use c") == "a.b() is slow"
    assert first_sentence("`{'a': 1}` is built; d") == "`{'a': 1}` is built"
    assert first_sentence("no stop at all") == "no stop at all"


def test_the_length_check_can_fail():
    fine = ("x.py:1", "DSK304", "x.persist() is discarded: assign it")
    long_head = ("x.py:2", "DSK304", "a" * (MAX_FIRST_SENTENCE + 1) + ": b")
    long_all = ("x.py:3", "DSK304", "a: " + "b" * MAX_MESSAGE)
    assert [line.split(":")[1] for line in too_long([fine, long_head, long_all])] == ["2", "3"]


def test_messages_on_the_fixtures_are_short():
    messages = list(fixture_messages())
    assert len({code for _, code, _ in messages}) == len(ALL_RULES)  # every rule was seen
    bad = too_long(messages)
    assert not bad, f"{len(bad)} of {len(messages)} messages too long:\n" + "\n".join(bad)


@pytest.mark.corpus
@pytest.mark.slow
def test_messages_on_the_corpus_are_short():
    """A fixed sample of the corpus files that name Dask (the only ones with findings),
    analysed as flake8 does: the names of real code (long functions, long variables) are
    what a fixture does not have."""
    root = corpus_dir()
    files = sorted(p for p in root.rglob("*.py") if "dask" in p.read_text("utf-8", "replace"))
    sample = random.Random(0).sample(files, min(len(files), 800))
    messages = []
    for path in sorted(sample):
        source = path.read_text("utf-8", "replace")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse(source)
        except (SyntaxError, ValueError):
            continue
        from flake8_dask.checker import analyze
        messages += [(f"{path}:{f.line}", f.code, f.message) for f in analyze(tree, source)]
    assert messages, "the sample gave no finding: is it the pinned corpus?"
    bad = too_long(messages)
    assert not bad, f"{len(bad)} of {len(messages)} messages too long:\n" + "\n".join(bad)


# ----------------------------------------------------------------------------- fix titles
MAX_FIX_TITLE = 60


def title_problems(title: str) -> list[str]:
    """What makes a fix title other than one short imperative (Ruff's "Assign the result
    back"): empty, long, lower-case, a sentence with a stop, or a title and its code."""
    if not title:
        return ["no fix title"]
    problems = []
    if len(title) > MAX_FIX_TITLE:
        problems.append(f"{len(title)} characters")
    if not title[0].isupper():
        problems.append("does not start with a capital (an imperative verb)")
    if title.endswith(".") or first_sentence(title) != title:
        problems.append("more than one clause")
    return problems


def test_the_title_check_can_fail():
    assert title_problems("Assign the result back") == []
    assert title_problems('Use `chunks="auto"`') == []
    assert title_problems("") == ["no fix title"]
    assert len(title_problems("compute it: append .compute()." + "x" * 60)) == 3


@pytest.mark.parametrize("rule", [r for r in ALL_RULES if r.fixes], ids=lambda r: r.code)
def test_fix_titles_are_short_imperatives(rule):
    assert not title_problems(rule.fix_title), (rule.fix_title, title_problems(rule.fix_title))


def test_messages_do_not_repeat_the_fix_title():
    repeated = []
    for path in fixture_files():
        for f in analyze_source(path.read_text(encoding="utf-8"), rules=ALL_RULES):
            if f.fix is not None and f.fix.title.lower() in f.message.lower():
                repeated.append(f"{path.name}:{f.line}: {f.code}: {f.message}")
    assert not repeated, "\n".join(repeated)
