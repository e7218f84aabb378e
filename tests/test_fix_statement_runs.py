"""The fix engine's statement-run targets (``target=StatementRun(...)``, see Rule.fix's
docstring), with a test-only rule: ``x = opened()`` and the statements after it in its block
become ``with opened() as x:`` around them."""
import ast
import textwrap

from fixable_rules import _DOC, Name, PersistStatement
from flake8_dask.findings import Safety, StatementRun
from flake8_dask.fix.engine import fix_source
from flake8_dask.rules import Rule


class WrapRest(Rule):
    __doc__ = _DOC.format(summary="`x = opened()` and the rest of its block go under `with`.")
    code = "DSK997"
    name = "test-wrap-rest"
    node_types = (ast.Assign,)
    fixes = frozenset({Safety.UNSAFE})
    fix_title = "Wrap in with"

    def check(self, node):
        value = node.value
        if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Name)
                and value.func.id == "opened" and isinstance(node.targets[0], ast.Name)):
            return
        block = getattr(self.model.parent(node), self.model.field_of(node))
        yield self.report(value, "opened() not closed", fix=Safety.UNSAFE,
                          data=Name(node.targets[0].id),
                          target=StatementRun(node, block[-1], block))

    def fix(self, node, finding):
        import libcst as cst

        first, *rest = node
        assert isinstance(first, cst.SimpleStatementLine), type(first)
        item = cst.WithItem(first.body[0].value,
                            asname=cst.AsName(cst.Name(finding.fix.data.name)))
        return [cst.With(items=[item], leading_lines=first.leading_lines,
                         body=cst.IndentedBlock(rest, header=first.trailing_whitespace))]


def fix(source, rules=(WrapRest,)):
    return fix_source(textwrap.dedent(source), rules=list(rules), unsafe=True)


def test_run_is_replaced_with_comments_and_the_file_indentation():
    r = fix("""\
        import dask

        def f():
        \tpre = 1
        \t# above
        \tx = opened()  # trailing
        \tuse(x,
        \t    pre)
        \t# between
        \treturn x.read()
        """)
    assert r.error is None and not r.warnings
    assert r.source == textwrap.dedent("""\
        import dask

        def f():
        \tpre = 1
        \t# above
        \twith opened() as x:  # trailing
        \t\tuse(x,
        \t\t    pre)
        \t\t# between
        \t\treturn x.read()
        """)


def test_module_level_run():
    r = fix("import dask\nx = opened()\nprint(x)\n")
    assert r.source == "import dask\nwith opened() as x:\n    print(x)\n"


def test_other_fixes_in_the_block_wait_for_the_next_pass():
    r = fix("""\
        import dask

        def f(d):
            d.persist()
            x = opened()
            d.persist()
            return x
        """, rules=(WrapRest, PersistStatement))
    assert r.error is None and not r.warnings and r.passes == 2
    assert r.source == textwrap.dedent("""\
        import dask

        def f(d):
            d = d.persist()
            with opened() as x:
                d = d.persist()
                return x
        """)


def test_a_run_that_shares_a_line_is_skipped():
    source = "import dask\ndef f():\n    a = 1; x = opened()\n    return x\n"
    r = fix(source)
    assert r.source == source and r.error is None
    assert r.warnings and "DSK997" in r.warnings[0]
