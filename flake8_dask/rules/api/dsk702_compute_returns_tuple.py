"""DSK702 compute-returns-tuple: ``x = dask.compute(y)`` keeps the one-element tuple."""

from __future__ import annotations

import ast
from typing import Iterator

from ...findings import Finding, Safety
from ...model import COLLECTIONS
from ...model import vocabulary as V
from ...syntax import code, has_double_star, short
from .. import _edits as E
from .._dask import expects_failure
from ..base import Rule


class ComputeReturnsTuple(Rule):
    """`x = dask.compute(y)`: `dask.compute` always returns a tuple.

    ## What it does
    Finds `name = dask.compute(<one argument>)` (a single name target, one non-starred
    positional argument) when the name is read later and never used as a tuple (indexed
    with `[0]` or `[-1]`, unpacked, iterated, or compared with another `dask.compute(...)`
    result).

    ## Why is this bad?
    `dask.compute(x)` returns `(value,)`, not `value` (verified: `dask.compute(d)` gave
    `(2,)`). It has always returned a tuple (dask/dask#147); code that then treats `name` as
    the value breaks later, far from the cause (dask/dask#4420).

    ## Example
    ```python
    total = dask.compute(ddf.x.sum())
    print(f"total: {total:,.2f}")  # TypeError: unsupported format string passed to tuple
    ```

    ## Use instead
    ```python
    (total,) = dask.compute(ddf.x.sum())
    print(f"total: {total:,.2f}")
    ```

    ## Fix safety
    Unsafe: the fix unpacks the tuple (`(total,) = dask.compute(...)`), which changes the
    value of `total` from a one-element tuple to its element, as intended; code that relied on
    the tuple changes meaning.

    ## Options
    None.

    ## References
    - https://github.com/dask/dask/issues/4420
    - https://github.com/dask/dask/pull/147
    - Not flagged: `a, b = dask.compute(a, b)`, `(x,) = dask.compute(x)`,
      `res = dask.compute(*items)` (a tuple is expected), and a result later used as a
      tuple (indexed with `[0]`, unpacked, iterated, compared with `dask.compute(...)`), and
      a result that is never read.
      Known limitation: a result that is only returned or passed on is reported, though
      the caller may expect the tuple.
    """

    code = "DSK702"
    name = "compute-returns-tuple"
    node_types = (ast.Assign,)
    fixes = frozenset({Safety.UNSAFE})
    fix_title = "Unpack the one-element tuple"

    def check(self, stmt: ast.Assign) -> Iterator[Finding]:
        m = self.model
        if len(stmt.targets) != 1 or type(stmt.targets[0]) is not ast.Name:
            return
        call = stmt.value
        if type(call) is not ast.Call or len(call.args) != 1 or \
                type(call.args[0]) is ast.Starred:
            return
        if has_double_star(call):
            return
        if m.qualname(call.func) not in V.DASK_COMPUTE_FUNCTIONS or expects_failure(m, stmt):
            return
        name = stmt.targets[0]
        if not self._used_only_as_value(name):
            return
        whole, arg = code(call, 50), code(call.args[0], 30)
        unpack = f": `({name.id},) = {whole}`" if whole else f" with `({name.id},) =`"
        # ``x.compute()`` only of one collection: a list or tuple has no .compute().
        single = arg and m.kind(call.args[0]) in COLLECTIONS
        alternative = f", or use `{arg}.compute()`" if single else ""
        yield self.report(
            stmt,
            f"{short(call.func, 60)}() always returns a tuple: '{name.id}' is a one-element "
            f"tuple; unpack it{unpack}{alternative}",
            fix=Safety.UNSAFE)

    def _used_only_as_value(self, target: ast.Name) -> bool:
        """The name is read later and never used as a tuple (a name never read is left
        alone: nothing confirms the mistake)."""
        return self._uses(target) == "value"

    def _uses(self, target: ast.Name) -> str | None:
        """``"tuple"`` when a later use treats the name as a tuple, ``"value"`` when it is
        read only otherwise, ``None`` when it is never read."""
        m = self.model
        scope = m.scope_of(target)
        binding = next((b for b in scope.bindings.get(target.id, ()) if b.node is target), None)
        if binding is None:
            return None
        read = None
        for fn_scope_node in self._scope_roots(scope):
            for use in m.loaded_names(fn_scope_node):
                if use.id != target.id or binding not in m.reaching_bindings(use):
                    continue
                read = "value"
                parent = m.parent(use)
                field_name = m.field_of(use, parent)
                if type(parent) is ast.Subscript and field_name == "value":
                    key = parent.slice
                    sign = 1
                    if type(key) is ast.UnaryOp and type(key.op) is ast.USub:
                        key, sign = key.operand, -1
                    if type(key) is ast.Constant and type(key.value) is int and \
                            sign * key.value in (0, -1):
                        return "tuple"
                elif type(parent) is ast.Starred:
                    return "tuple"
                elif type(parent) is ast.Assign and field_name == "value" and \
                        any(type(t) in (ast.Tuple, ast.List) for t in parent.targets):
                    return "tuple"
                elif type(parent) in (ast.For, ast.AsyncFor, ast.comprehension) and \
                        field_name == "iter":
                    return "tuple"  # iterating the tuple on purpose
                elif type(parent) is ast.Compare and any(
                        type(side) is ast.Call and
                        m.qualname(side.func) in V.DASK_COMPUTE_FUNCTIONS
                        for side in (parent.left, *parent.comparators)):
                    return "tuple"  # compared with another dask.compute() tuple
        return read

    @staticmethod
    def _scope_roots(scope):
        node = scope.node
        if type(node) is ast.Lambda:
            return [node.body]
        return list(getattr(node, "body", ()))

    def fix(self, node, finding):
        import libcst as cst

        if not isinstance(node, cst.Assign) or len(node.targets) != 1:
            return node
        target = node.targets[0]
        name = E.strip_parentheses(target.target)
        unpacked = cst.Tuple(elements=[cst.Element(value=name, comma=cst.Comma())])
        return node.with_changes(targets=[target.with_changes(target=unpacked)])
