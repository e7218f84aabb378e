"""The fix engine (flake8_dask.fix.engine) on source strings, with the test-only fixable rules
of tests/fixable_rules.py (the contract is Rule.fix's docstring)."""
import ast
import textwrap

import pytest

from fixable_rules import (GOOD_RULES, BrokenFix, DisplayOnly, FireAndForget, NoOpFix,
                           PersistAfterRechunk, PersistStatement, RaisingFix)
from flake8_dask.fix.engine import fix_source
from flake8_dask.fix.noqa import NoqaMap


def fix(source, rules=(PersistStatement,), **kw):
    return fix_source(textwrap.dedent(source), rules=list(rules), **kw)


def test_statement_fix_keeps_comments_and_indentation():
    r = fix("""\
        import dask

        def f(x):
            # above
            x.persist()  # trailing
            return x
        """)
    assert r.error is None
    assert r.source == textwrap.dedent("""\
        import dask

        def f(x):
            # above
            x = x.persist()  # trailing
            return x
        """)
    assert [(a.code, a.line) for a in r.applied] == [("DSK990", 5)]
    assert r.remaining == []


def test_no_applicable_fix_never_loads_libcst(monkeypatch):
    import flake8_dask.fix.engine as engine

    def boom(*a, **k):
        raise AssertionError("libcst used without a fix to apply")

    monkeypatch.setattr(engine, "apply_fixes", boom)
    r = fix("import dask\nx.show()\n", rules=[DisplayOnly])
    assert not r.changed and [f.code for f in r.remaining] == ["DSK996"]
    r = fix("import dask\nx.compute()\n")
    assert not r.changed and r.remaining == []


def test_dask_free_source_is_untouched():
    source = "x.persist()\n"  # no 'dask' anywhere: the prefilter stops everything
    r = fix(source)
    assert r.source == source and not r.applied


def test_expression_finding_gets_the_call_and_imports_are_added():
    r = fix("""\
        import dask

        def f(c):
            c.submit(g, 1)
        """, rules=[FireAndForget], unsafe=True)
    assert r.error is None
    assert r.source == textwrap.dedent("""\
        import dask
        from distributed import fire_and_forget

        def f(c):
            fire_and_forget(c.submit(g, 1))
        """)


def test_unsafe_fix_needs_unsafe():
    r = fix("import dask\nc.submit(g)\n", rules=[FireAndForget])
    assert not r.changed and [f.code for f in r.remaining] == ["DSK991"]


def test_existing_import_is_not_duplicated():
    r = fix("import dask\nfrom distributed import fire_and_forget\nc.submit(g)\n",
            rules=[FireAndForget], unsafe=True)
    assert r.source.count("fire_and_forget") == 2


def test_fix_target_and_statement_insertion():
    r = fix("""\
        import dask
        for i in range(3):
            # comment
            y = x.rechunk(5)  # rc
            print(y)
        """, rules=[PersistAfterRechunk], unsafe=True)
    assert r.error is None
    assert r.source == textwrap.dedent("""\
        import dask
        for i in range(3):
            # comment
            y = x.rechunk(5)  # rc
            y = y.persist()
            print(y)
        """)


def test_small_statements_sharing_a_line_are_joined():
    r = fix("import dask\na = 1; x.persist()\nif a: x.persist()\n")
    assert r.source == "import dask\na = 1; x = x.persist()\nif a: x = x.persist()\n"
    r = fix("import dask\na = 1; y = x.rechunk(2)\n", rules=[PersistAfterRechunk], unsafe=True)
    # Whole statements cannot go into a line of several statements: the fix is skipped.
    assert not r.changed and r.warnings and "DSK992" in r.warnings[0]


def test_noqa_stops_the_fix():
    source = ("import dask\n"
              "x.persist()  # noqa\n"
              "x.persist()  # noqa: DSK990\n"
              "x.persist()  # NOQA:DSK9\n"
              "x.persist()  # noqa: DSK101\n")
    r = fix(source)
    assert r.source.splitlines()[1:4] == source.splitlines()[1:4]
    assert r.source.splitlines()[4] == "x = x.persist()  # noqa: DSK101"
    # silenced findings are not reported either
    assert r.remaining == []


@pytest.mark.parametrize("comment, code, silenced", [
    ("# noqa", "DSK101", True),
    ("# NoQA", "DSK101", True),
    ("#noqa", "DSK101", False),  # flake8 needs "# noqa"
    ("# noqa:DSK101", "DSK101", True),
    ("# noqa: DSK101,DSK102", "DSK102", True),
    ("# noqa: DSK101 DSK102", "DSK102", True),
    ("# noqa: DSK1", "DSK102", True),
    ("# noqa: E501", "DSK102", False),
    ("# noqa : E501", "DSK102", True),  # not a code list: a blanket noqa
    ("# noqa:E501,DSK303 because", "DSK303", True),
])
def test_noqa_semantics_match_flake8(comment, code, silenced):
    assert NoqaMap(f"x = 1  {comment}\n").silences(code, 1) is silenced


def test_noqa_in_a_multiline_string_covers_its_lines():
    noqa = NoqaMap('x = f("""\nabc\n""")  # noqa\ny = 2\n')
    assert noqa.silences("DSK101", 1) and noqa.silences("DSK101", 2)
    assert not noqa.silences("DSK101", 4)


def test_flake8_noqa_file_silences_everything():
    r = fix("# flake8: noqa\nimport dask\nx.persist()\n")
    assert not r.changed and r.remaining == []


def test_fixed_point_over_several_passes():
    # the two findings overlap (one inside the other's statement): two passes
    r = fix("import dask\nx.persist()\nc.submit(x.persist())\n",
            rules=[PersistStatement, FireAndForget], unsafe=True)
    assert r.error is None and r.remaining == []
    assert "x = x.persist()" in r.source and "fire_and_forget(c.submit" in r.source


def test_idempotent():
    source = "import dask\nx.persist()\ny = x.rechunk(1)\nc.submit(f)\n"
    first = fix(source, rules=GOOD_RULES, unsafe=True)
    second = fix(first.source, rules=GOOD_RULES, unsafe=True)
    assert first.changed and not second.changed and not second.applied


@pytest.mark.parametrize("rule, message", [
    (BrokenFix, "produced invalid code"),
    (NoOpFix, "did not remove the finding"),
    (RaisingFix, "ValueError: codemod bug"),
])
def test_a_bad_fix_leaves_the_source_untouched(rule, message):
    source = "import dask\nx.persist()\nx.explode()\nx.stubborn()\nx.crash()\n"
    r = fix(source, rules=[PersistStatement, rule])
    assert r.source == source and message in r.error


def test_non_ascii_columns():
    r = fix("import dask\ns = 'é'; x.persist()\n")
    assert r.source == "import dask\ns = 'é'; x = x.persist()\n"


def test_result_parses_and_apply_false_reports_only():
    source = "import dask\nx.persist()\n"
    r = fix(source, apply=False)
    assert not r.changed and [f.code for f in r.remaining] == ["DSK990"]
    ast.parse(fix(source).source)


def test_syntax_error_raises():
    with pytest.raises(SyntaxError):
        fix("import dask\nx.persist(\n")
