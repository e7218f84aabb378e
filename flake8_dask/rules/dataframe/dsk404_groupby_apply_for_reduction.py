from __future__ import annotations

import ast
from typing import Iterator

from ...findings import Finding, Safety
from ...model import K, single_assignment
from ...model import vocabulary as V
from ...syntax import is_number, keyword_value, short
from .. import _edits as E
from ..base import Rule
from ._common import function_text, is_groupby


class GroupbyApplyForReduction(Rule):
    """`groupby(...).apply(f)` or `.transform(f)` where `f` only reduces each group.

    ## What it does
    Finds `ddf.groupby(keys).apply(f)` and `.transform(f)` on a Dask DataFrame where `f` (a
    lambda, or a `def` in the same module whose every `return` does so) returns a reduction
    of the group that a Dask groupby computes directly: `g.col.sum()`, `g["col"].mean()`,
    `g.max()`, `len(g)`, or arithmetic on such reductions (`g.x.max() - g.x.min()`).

    ## Why is this bad?
    `groupby().apply` and `transform` need every group in one partition, so Dask shuffles
    all rows across the cluster first (the groupby docs: `ddf.groupby(columns_no_index).apply(
    user_fn)  # Requires shuffle`). Built-in groupby reductions and `.agg` run as a tree
    reduction: each partition is reduced first and only the small partial results move.
    Verified with dask 2026.8: the graph of `ddf.groupby("k").apply(lambda g: g.a.sum())`
    holds shuffle tasks (`shuffle`, `barrier`, disk-shuffle) and emits the "`meta` is not
    specified" warning, while `ddf.groupby("k").a.sum()` has only chunk and aggregate
    tasks, with the same values.

    ## Example
    ```python
    totals = ddf.groupby("user").apply(lambda g: g.amount.sum())
    spread = ddf.groupby("user").apply(lambda g: g.t.max() - g.t.min())
    ```

    ## Use instead
    ```python
    totals = ddf.groupby("user").amount.sum()
    agg = ddf.groupby("user").t.agg(["max", "min"])
    spread = agg["max"] - agg["min"]
    ```

    ## Fix safety
    Unsafe: `ddf.groupby(k).apply(lambda g: g.col.sum())` becomes `ddf.groupby(k).col.sum()`
    (also `g["col"]`, and `sum`, `mean`, `max`, `min`, `count`, `nunique`, `std`, `var`,
    `prod`, `median`), dropping `meta=`. The values are the same (verified with dask
    2026.8), but the result is named after the column where `apply` returned an unnamed
    Series, which changes column names after a `to_frame()` or a merge. Only for that exact
    lambda shape, on a groupby of columns written inline or bound to a name once; no fix for
    `def` functions, arithmetic on reductions, `len(g)`, or `transform` (which must become
    a reduction merged back onto the rows).

    ## Options
    None.

    ## References
    - https://docs.dask.org/en/stable/dataframe-groupby.html
    - https://github.com/dask/dask/pull/4800
    - https://github.com/dask/dask/issues/8503
    - Not flagged: group functions that do more than reduce (sorting, filtering, several
      outputs), reductions Dask groupby lacks (`any`, `all`, `quantile`), grouping on the
      index (`level=`, `ddf.index`), `rolling(...).apply`.
    - Known limitation: a grouping on a column that is also the index (known divisions) by
      its name cannot be told apart and is reported.
    """

    code = "DSK404"
    name = "groupby-apply-for-reduction"
    node_types = (ast.Call,)
    call_names = frozenset({"apply", "transform"})
    fixes = frozenset({Safety.UNSAFE})
    fix_title = "Replace with the groupby reduction"

    def check(self, node: ast.Call) -> Iterator[Finding]:
        m = self.model
        func = node.func
        if type(func) is not ast.Attribute or func.attr not in ("apply", "transform"):
            return
        recv = m.value(func.value)
        if recv is None or recv.kind != K.GROUPBY or not is_groupby(recv):
            return
        if self._groups_on_index(recv.origin):
            return
        fn_expr = node.args[0] if node.args else keyword_value(node, "func")
        fn = m.function_of(fn_expr) if fn_expr is not None else None
        if fn is None:
            return
        params = [*fn.args.posonlyargs, *fn.args.args]
        if not params:
            return
        group = params[0].arg
        reduction = self._returned_reduction(fn, group)
        if reduction is None:
            return
        receiver = self._receiver_text(func.value, recv.origin)
        suggestion = self._suggestion(reduction, group, receiver)
        if func.attr == "apply":
            advice = f"use {suggestion}" if suggestion else "use .agg(...)"
        else:
            advice = (f"compute {suggestion} once and merge it back onto the rows"
                      if suggestion else "use .agg(...) and merge it back onto the rows")
        yield self.report(
            node,
            f"{receiver}.{func.attr}({function_text(m, fn_expr)}) shuffles every row just to "
            f"reduce each group: {short(reduction, 32)} is a cheap groupby reduction; {advice}",
            fix=Safety.UNSAFE if self._fixable(node, fn_expr, recv.origin) else None)

    def _fixable(self, node: ast.Call, fn_expr: ast.AST, groupby: ast.Call) -> bool:
        """``<groupby>.apply(lambda g: g.col.<reduction>())`` exactly, on a groupby of
        columns written inline or bound once to a name."""
        if node.func.attr != "apply" or node.args != [fn_expr] or any(
                kw.arg != "meta" for kw in node.keywords):
            return False
        receiver = node.func.value
        if receiver is not groupby and not (type(receiver) is ast.Name and single_assignment(
                self.model, receiver) is groupby):
            return False
        if any(kw.arg not in V.GROUPBY_PLAIN_KEYWORDS for kw in groupby.keywords):
            return False
        if type(fn_expr) is not ast.Lambda:
            return False
        args = fn_expr.args
        if args.posonlyargs or len(args.args) != 1 or args.vararg or args.kwonlyargs or \
                args.kwarg or args.defaults:
            return False
        group = args.args[0].arg
        body = fn_expr.body
        if type(body) is not ast.Call or body.args or body.keywords or \
                type(body.func) is not ast.Attribute or \
                body.func.attr not in V.GROUPBY_APPLY_FIXABLE_REDUCTIONS:
            return False
        column = body.func.value
        if type(column) is ast.Attribute:
            root = column.value
        elif type(column) is ast.Subscript and type(column.slice) is ast.Constant and \
                type(column.slice.value) is str:
            root = column.value
        else:
            return False
        return type(root) is ast.Name and root.id == group

    def fix(self, node, finding):
        import libcst as cst

        receiver = node.func.value
        if E.needs_parentheses(receiver):
            receiver = receiver.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        reduction = node.args[0].value.body  # g.col.sum()
        column = reduction.func.value
        return reduction.with_changes(
            func=reduction.func.with_changes(value=column.with_changes(value=receiver)),
            lpar=node.lpar, rpar=node.rpar)

    @staticmethod
    def _receiver_text(receiver: ast.AST, groupby: ast.Call) -> str:
        """``ddf.groupby('k')['b']``, shortened to ``groupby('k')['b']`` when long."""
        text = ast.unparse(receiver)
        if len(text) <= 40:
            return text
        head = ast.unparse(groupby)
        tail = text[len(head):] if text.startswith(head) else ""
        keys = ", ".join(ast.unparse(a) for a in groupby.args)
        short = f"groupby({keys}){tail}"
        return short if len(short) <= 40 else "groupby(...)"

    @staticmethod
    def _groups_on_index(groupby: ast.Call) -> bool:
        if keyword_value(groupby, "level") is not None:
            return True
        keys = groupby.args[:1] or [k.value for k in groupby.keywords if k.arg == "by"]
        if not keys:
            return True  # nothing to go on
        for key in keys:
            for n in ast.walk(key):
                if type(n) is ast.Attribute and n.attr == "index":
                    return True
        return False

    def _returned_reduction(self, fn: ast.AST, group: str) -> ast.AST | None:
        if type(fn) is ast.Lambda:
            return self._reduction(fn.body, group)
        found = None
        for n in self.model.body_nodes(fn):
            if type(n) in (ast.Yield, ast.YieldFrom):
                return None
            if type(n) is ast.Return:
                if n.value is None or is_number(n.value):
                    continue  # ``if g.empty: return 0``
                red = self._reduction(n.value, group)
                if red is None:
                    return None
                found = found or red
        return found

    def _reduction(self, expr: ast.AST, group: str) -> ast.AST | None:
        """A reduction of the group ``group`` that ``expr`` is (or is arithmetic on)."""
        t = type(expr)
        if t is ast.Call:
            f = expr.func
            if type(f) is ast.Attribute and f.attr in V.GROUPBY_TREE_REDUCTIONS and \
                    self._rooted(f.value, group):
                return expr
            if self.model.qualname(f) == "builtins.len" and len(expr.args) == 1 and \
                    type(expr.args[0]) is ast.Name and expr.args[0].id == group:
                return expr
            return None
        if t is ast.BinOp:
            left = self._reduction(expr.left, group)
            right = self._reduction(expr.right, group)
            if (left or right) and (left or is_number(expr.left)) and \
                    (right or is_number(expr.right)):
                return expr
            return None
        if t is ast.UnaryOp and type(expr.op) is ast.USub:
            return expr if self._reduction(expr.operand, group) is not None else None
        return None

    @staticmethod
    def _rooted(expr: ast.AST, group: str) -> bool:
        """``g``, ``g.col`` or ``g["col"]`` (a column selection of the group)."""
        while True:
            t = type(expr)
            if t is ast.Name:
                return expr.id == group
            if t is ast.Attribute:
                expr = expr.value
            elif t is ast.Subscript:
                key = expr.slice
                if not (type(key) is ast.Constant and isinstance(key.value, str)) and not (
                        type(key) is ast.List and all(type(e) is ast.Constant and isinstance(
                            e.value, str) for e in key.elts)):
                    return False
                expr = expr.value
            else:
                return False

    @staticmethod
    def _suggestion(reduction: ast.AST, group: str, receiver: str) -> str | None:
        if type(reduction) is not ast.Call:
            return None
        if type(reduction.func) is ast.Name:  # len(g)
            return f"{receiver}.size()"
        text = ast.unparse(reduction)
        if not text.startswith(group):
            return None
        suggestion = receiver + text[len(group):]
        return suggestion if len(suggestion) <= 72 else None
