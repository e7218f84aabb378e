"""Test-only fixable rules (codes DSK99x), to test the fix engine and the fix command before
and independently of the real rules' codemods. Not Dask semantics: each one exercises one
part of the ``Rule.fix`` contract.

Importing this module defines the rules; :func:`register` also adds them to the rule table
the fix command reads, for end-to-end runs (see ``run_fix_with_test_rules.py``).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from flake8_dask.findings import Safety
from flake8_dask.rules import ALL_RULES, RULES_BY_CODE, Rule


@dataclass(frozen=True)
class Name:
    """Fix data: the name the codemod writes."""

    name: str


_DOC = """{summary}

    ## What it does
    Test only.

    ## Why is this bad?
    Test only.

    ## Example
    ```python
    x.persist()
    ```

    ## Use instead
    ```python
    x = x.persist()
    ```

    ## Fix safety
    Test only.

    ## Options
    None.

    ## References
    None.
    """


def _method_call(node: ast.AST, attr: str) -> ast.Call | None:
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == attr and isinstance(node.func.value, ast.Name)):
        return node
    return None


class PersistStatement(Rule):
    __doc__ = _DOC.format(summary="`x.persist()` as a statement becomes `x = x.persist()`.")
    code = "DSK990"
    name = "test-persist-statement"
    node_types = (ast.Expr,)
    fixes = frozenset({Safety.SAFE})
    fix_title = "Assign the result back"

    def check(self, node):
        call = _method_call(node.value, "persist")
        if call is not None:
            yield self.report(node, f"{call.func.value.id}.persist() result discarded",
                              fix=Safety.SAFE, data=Name(call.func.value.id))

    def fix(self, node, finding):
        import libcst as cst

        assert isinstance(node, cst.Expr), type(node)
        return cst.Assign(targets=[cst.AssignTarget(cst.Name(finding.fix.data.name))],
                          value=node.value)


class FireAndForget(Rule):
    __doc__ = _DOC.format(summary="`c.submit(...)` as a statement is wrapped in "
                                  "`fire_and_forget` (needs an import).")
    code = "DSK991"
    name = "test-fire-and-forget"
    node_types = (ast.Expr,)
    fixes = frozenset({Safety.UNSAFE})
    fix_title = "Wrap in fire_and_forget()"

    def check(self, node):
        call = _method_call(node.value, "submit")
        if call is not None:
            # Reported on the call (an ast.expr): the codemod receives the cst.Call.
            yield self.report(call, "future discarded", fix=Safety.UNSAFE,
                              imports=[("distributed", "fire_and_forget", None)])

    def fix(self, node, finding):
        import libcst as cst

        assert isinstance(node, cst.Call), type(node)
        return cst.Call(func=cst.Name("fire_and_forget"), args=[cst.Arg(node)])


class PersistAfterRechunk(Rule):
    __doc__ = _DOC.format(summary="`y = x.rechunk(...)` gets `y = y.persist()` after it.")
    code = "DSK992"
    name = "test-persist-after-rechunk"
    node_types = (ast.Assign,)
    fixes = frozenset({Safety.UNSAFE})
    fix_title = "Persist after rechunking"

    def check(self, node):
        if (len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                and _method_call(node.value, "rechunk")):
            name = node.targets[0].id
            body = getattr(self.model.parent(node), self.model.field_of(node))
            following = body[body.index(node) + 1:]
            if following and ast.unparse(following[0]) == f"{name} = {name}.persist()":
                return
            # Reported on the call, fixed on the statement (target).
            yield self.report(node.value, "rechunk without persist", fix=Safety.UNSAFE,
                              target=node, data=Name(name))

    def fix(self, node, finding):
        import libcst as cst

        assert isinstance(node, cst.Assign), type(node)
        name = finding.fix.data.name
        return cst.FlattenSentinel([node, cst.parse_statement(f"{name} = {name}.persist()")])


class BrokenFix(Rule):
    __doc__ = _DOC.format(summary="`x.explode()`: the fix writes code that does not compile.")
    code = "DSK993"
    name = "test-broken-fix"
    node_types = (ast.Call,)
    fixes = frozenset({Safety.SAFE})
    fix_title = "Break the code"

    def check(self, node):
        if _method_call(node, "explode"):
            yield self.report(node, "explode", fix=Safety.SAFE)

    def fix(self, node, finding):
        import libcst as cst

        return cst.Name("yield")  # parses, but does not compile outside a function


class NoOpFix(Rule):
    __doc__ = _DOC.format(summary="`x.stubborn()`: the fix changes nothing.")
    code = "DSK994"
    name = "test-no-op-fix"
    node_types = (ast.Call,)
    fixes = frozenset({Safety.SAFE})
    fix_title = "Do nothing"

    def check(self, node):
        if _method_call(node, "stubborn"):
            yield self.report(node, "stubborn", fix=Safety.SAFE)

    def fix(self, node, finding):
        return node


class RaisingFix(Rule):
    __doc__ = _DOC.format(summary="`x.crash()`: the fix raises.")
    code = "DSK995"
    name = "test-raising-fix"
    node_types = (ast.Call,)
    fixes = frozenset({Safety.SAFE})
    fix_title = "Crash"

    def check(self, node):
        if _method_call(node, "crash"):
            yield self.report(node, "crash", fix=Safety.SAFE)

    def fix(self, node, finding):
        raise ValueError("codemod bug")


class DisplayOnly(Rule):
    __doc__ = _DOC.format(summary="`x.show()`: a fix that is never applied.")
    code = "DSK996"
    name = "test-display-only"
    node_types = (ast.Call,)
    fixes = frozenset({Safety.DISPLAY_ONLY})
    fix_title = "Show only"

    def check(self, node):
        if _method_call(node, "show"):
            yield self.report(node, "show", fix=Safety.DISPLAY_ONLY)

    def fix(self, node, finding):  # pragma: no cover - never called
        raise AssertionError("display-only fixes are never applied")


TEST_RULES = [PersistStatement, FireAndForget, PersistAfterRechunk, BrokenFix, NoOpFix,
              RaisingFix, DisplayOnly]
#: The well-behaved ones.
GOOD_RULES = [PersistStatement, FireAndForget, PersistAfterRechunk, DisplayOnly]


def register(rules=GOOD_RULES) -> None:
    """Add test rules to the rule table the fix command reads."""
    for rule in rules:
        if rule.code not in RULES_BY_CODE:
            ALL_RULES.append(rule)
            RULES_BY_CODE[rule.code] = rule
