"""The fix engine parses with libcst only the top-level statements that hold a fix
(``flake8_dask.fix.segments``): its results must be those of parsing the whole module, byte
for byte, whatever surrounds the fixed statements (comments owned by the block before,
indentation, imports to add, line endings), and it must really parse only those statements.
"""
from __future__ import annotations

import contextlib
import textwrap
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from fix_helpers import register_test_rules
from fixable_rules import GOOD_RULES
from flake8_dask.fix import apply, segments
from flake8_dask.fix.engine import fix_source
from test_fix_fuzz import FUZZ, INDENTS, _parses, block, needed_imports, render

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted(p for p in (ROOT / "fixtures").glob("dsk*.py") if ".fixed" not in p.name)


@contextlib.contextmanager
def whole_module_only():
    def refuse(*args, **kwargs):
        raise segments.Fallback

    with mock.patch.object(apply, "_in_chunks", refuse):
        yield


@contextlib.contextmanager
def counting_whole_module_passes():
    calls = []
    real = apply._whole

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    with mock.patch.object(apply, "_whole", counted):
        yield calls


def outcome(result):
    return (result.source, [(a.code, a.line, a.col) for a in result.applied], result.warnings,
            result.error, [(f.code, f.line, f.col) for f in result.remaining])


def same_as_whole_module(source: str, **kw):
    """Fix ``source`` both ways; the chunked result (which must not have fallen back when
    ``kw`` says ``chunked=True``)."""
    chunked_only = kw.pop("chunked", False)
    with counting_whole_module_passes() as calls:
        chunked = fix_source(source, **kw)
    with whole_module_only():
        whole = fix_source(source, **kw)
    assert outcome(chunked) == outcome(whole)
    if chunked_only:
        assert calls == [], "the pass fell back to the whole module"
    return chunked


@pytest.fixture
def test_rules():
    undo = register_test_rules(GOOD_RULES)
    yield
    undo()


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_fixtures_fixed_as_with_the_whole_module(path):
    same_as_whole_module(path.read_text(encoding="utf-8"), unsafe=True, chunked=True)


# ==================================================================== what surrounds a fix
AROUND = [
    # comments after a block: indented ones are the block's, the others the next statement's
    "def g():\n    return 1\n        # deeper\n    # the block's\n\n    # still\n# col 0\n\n  # two\n",
    "class A:\n    def m(self):\n        pass\n        # inner\n    # outer\n\n\n",
    "if x:\n    pass\nelse:\n  y = 1\n  # else's\n",
    "try:\n    pass\nexcept E:\n    pass\n\n\n# next\n",
    "@decorator\n@other(\n    1,\n)\ndef h():\n    pass\n",
    "a = 1; b = 2\n",
    "x = [\n    1,\n]  # trailing\n",
    "s = '''\nnot code: ddf.fillna(0, inplace=True)\n'''\n",
    "if x: pass\n",
    "",
]


@pytest.mark.parametrize("before", AROUND, ids=range(len(AROUND)))
@pytest.mark.parametrize("after", AROUND, ids=range(len(AROUND)))
@pytest.mark.parametrize("indent", ["    ", "  ", "\t"], ids=["4", "2", "tab"])
def test_a_fix_between_any_statements(before, after, indent):
    fixed = ("def clean(path):\n    ddf = dd.read_csv(path)\n    # above\n"
             "    ddf.fillna(0, inplace=True)  # trailing\n    return ddf\n")
    text = "import dask.dataframe as dd\n\n" + before + fixed + after
    source = text.replace("    ", indent)
    result = same_as_whole_module(source, chunked=True)
    assert [a.code for a in result.applied] == ["DSK408"]


def test_statements_inserted_before_a_statement_keep_its_comments_above_them():
    # DSK101 puts secede() before the blocking statement, with the comments above it.
    source = textwrap.dedent("""\
        from distributed import get_client


        def task(x):
            return 1
            # the block's footer, not the next statement's
        # the next statement's
        def work(x):
            # above
            return get_client().gather(x)


        def main(client):
            return client.submit(work, 1)
        """)
    result = same_as_whole_module(source, unsafe=True, chunked=True)
    assert [a.code for a in result.applied] == ["DSK101"]


def test_a_run_of_top_level_statements_wrapped_after_comments_of_a_block():
    source = textwrap.dedent("""\
        from dask.distributed import Client, LocalCluster


        def helper():
            return 1
            # helper's
        # the run's
        cluster = LocalCluster()
        client = Client(cluster)
        print(client.submit(helper).result())
        """)
    result = same_as_whole_module(source, unsafe=True, chunked=True)
    assert result.applied


@pytest.mark.parametrize("indent", ["  ", "\t", "        "])
def test_new_blocks_take_the_indentation_of_the_module_not_of_the_chunk(indent):
    # The fixed statement's chunk has no block of its own: the module's first one decides.
    source = ("from dask.distributed import Client, LocalCluster\n\n\ndef f():\n"
              f"{indent}return 1\n\n\ncluster = LocalCluster()\nclient = Client(cluster)\n"
              "print(client.submit(f).result())\n")
    result = same_as_whole_module(source, unsafe=True, chunked=True)
    assert result.applied and f"\n{indent}cluster = LocalCluster()" in result.source


def test_imports_are_added_at_the_top_for_a_fix_far_below(test_rules):
    body = "".join(f"def f{i}():\n    return {i}\n\n\n" for i in range(50))
    source = ('"""doc"""\n# comment\nfrom distributed import Client\nimport dask\n\n'
              + body + "c.submit(f)\n")
    result = same_as_whole_module(source, unsafe=True, chunked=True)
    assert result.source.startswith('"""doc"""\n# comment\nfrom distributed import '
                                    "fire_and_forget, Client\nimport dask\n")
    assert result.source.endswith("fire_and_forget(c.submit(f))\n")


@pytest.mark.parametrize("source", [
    "import dask\n\nx.persist()\ny = 1",  # no final newline
    "import dask\r\n\nx.persist()\ny = 1\n",  # mixed line endings
    "import dask\n\nx.persist()\n\n\t\t \n# the end",  # libcst loses the blank line
    "import dask\n\ndef f():\n  pass\n\nx.persist()\nif y:\n    z = 1\n",  # two indents
    "import dask\n\x0c\nx.persist()\n",  # a form feed
    "import dask\nx = 1 + \\\n  2; x.persist()\n",  # a backslash continuation
], ids=["no-final-newline", "mixed-newlines", "lost-blank-line", "two-indents", "form-feed",
        "continuation"])
def test_odd_texts_give_the_same_result(source, test_rules):
    same_as_whole_module(source, unsafe=True)


def test_only_the_statements_around_the_fix_are_parsed_by_libcst():
    import libcst

    body = "".join(f"def load_{i}(path):\n    ddf = dd.read_parquet(path)\n    return ddf\n\n\n"
                   for i in range(400))
    source = ("import dask.dataframe as dd\n\n\n" + body + "def clean(path):\n"
              "    ddf = dd.read_csv(path)\n    ddf.fillna(0, inplace=True)\n    return ddf\n\n\n"
              + body.replace("load_", "more_"))
    parsed = []
    real = libcst.parse_module

    def recording(text, *args, **kwargs):
        parsed.append(len(text))
        return real(text, *args, **kwargs)

    with mock.patch.object(libcst, "parse_module", recording):
        result = fix_source(source)
    assert [a.code for a in result.applied] == ["DSK408"]
    assert parsed and max(parsed) < 300, parsed  # the fixed function and the one before it
    assert len(source) > 50_000


# ================================================================== generated programs
GAPS = ["", "# a comment", "{i}# indented", "{i}{i}# deeper", "  # two spaces", "\t# a tab",
        "{i}", "x = 1; y = 2", "@decorator\ndef decorated():\n{i}pass"]


@st.composite
def programs_with_gaps(draw):
    """Realistic Dask blocks (test_fix_fuzz's) at top level, with comments, blank lines and
    small statements of any indentation between them."""
    indent = draw(INDENTS)
    blocks = [draw(block()) for _ in range(draw(st.integers(1, 4)))]
    lines = [line for b in blocks for line in b]
    header = sorted(set(needed_imports(lines)))
    if draw(st.booleans()):
        header = ['"""A module."""', *header]
    parts = [render([(0, h) for h in header], indent)]
    if any("inc" in line for _, line in lines):
        parts.append(render([(0, "def inc(x):"), (1, "return x + 1")], indent))
    for b in blocks:
        gap = draw(st.lists(st.sampled_from(GAPS), max_size=4))
        parts += [g.replace("{i}", indent) + "\n" for g in gap]
        parts.append(render(b, indent))
    return "".join(parts)


@settings(FUZZ, max_examples=max(FUZZ.max_examples // 4, 25))
@given(programs_with_gaps(), st.booleans())
def test_generated_programs_fixed_as_with_the_whole_module(source, unsafe):
    assume(_parses(source))
    same_as_whole_module(source, unsafe=unsafe)


# ============================================================ Python's parser, in pieces
PIECES = [
    "x = 1\n" * 50,
    'def f():\n    """\nclass NotCode:\n    pass\n"""\n    return 1\n' * 20,
    "@decorator\ndef f():\n    pass\n" * 30,
    "if x:\n    pass\nelse:\n    pass\n" * 30 + "try:\n    pass\nexcept E:\n    pass\n" * 30,
    "x = foo(\nbar)\n" * 40 + "y = [\n1]\n",
    "s = 'é' \\\n  'à'\n" * 40,
    "class A:\n    x = 1\n# comment\n\n    y = 2\n" * 30,
]


@pytest.mark.parametrize("source", PIECES + [p.read_text(encoding="utf-8") for p in FIXTURES[:8]],
                         ids=lambda s: str(len(s)))
def test_a_long_text_parsed_in_pieces_gives_python_s_tree(source, monkeypatch):
    import ast

    from flake8_dask.fix import pyparse

    monkeypatch.setattr(pyparse, "PIECE_CHARS", 40)  # a cut every few lines
    assert ast.dump(pyparse.parse_quietly(source), include_attributes=True) == \
        ast.dump(ast.parse(source), include_attributes=True)


@pytest.mark.parametrize("error", ["x = (\n", "def f(:\n", "    x = 1\n", "else:\n    pass\n"])
def test_a_long_text_that_does_not_parse_gives_python_s_error(error, monkeypatch):
    import ast

    from flake8_dask.fix import pyparse

    monkeypatch.setattr(pyparse, "PIECE_CHARS", 40)
    source = "x = 1\n" * 30 + error + "y = 2\n" * 30
    with pytest.raises(SyntaxError) as whole:
        ast.parse(source)
    with pytest.raises(SyntaxError) as pieces:
        pyparse.parse_quietly(source)
    assert (pieces.value.msg, pieces.value.lineno, pieces.value.offset) == \
        (whole.value.msg, whole.value.lineno, whole.value.offset)
