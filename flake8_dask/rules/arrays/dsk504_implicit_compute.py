"""DSK504 implicit-compute: a Dask collection computed silently by a conversion."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Iterator

from ...findings import Finding, Safety
from ...model import K
from ...model import vocabulary as V
from ...syntax import callee_name, is_constant, is_number, receiver, short
from .. import _edits as E
from ..base import Rule
from ._elementwise import ELEMENTWISE_OPS

_CONVERSION_NAMES = frozenset(
    q.rpartition(".")[2] for q in (*V.IMPLICIT_COMPUTE_CONVERSIONS, *V.IMPLICIT_COMPUTE_QUERIES))


@dataclass(frozen=True)
class Conversion:
    """The conversion the fix rewrites: ``float``, ``int``, ``np.asarray`` or ``np.array``."""
    function: str


class ImplicitCompute(Rule):
    """A Dask collection computed silently by a conversion: `np.asarray(x)`, `float(x)`,
    or `len(ddf)` again and again.

    ## What it does
    Finds `np.asarray(...)`, `np.array(...)` and `np.asanyarray(...)` of a Dask Array,
    DataFrame or Series; `float(...)` and `int(...)` of a Dask
    Array expression (`float(x.sum())`); and `len(ddf)` of a Dask DataFrame or Series when
    it runs inside a loop on a collection defined outside the loop, or when the same
    collection was already measured with `len()` earlier in the same scope.

    ## Why is this bad?
    Each of these computes the whole collection, with no `.compute()` in sight, so the cost
    is invisible in review and is paid again at every repetition. Verified with dask 2026.8:
    `np.asarray(darr)` returned an ndarray with no warning, `np.asarray(ddf.a)` computed,
    `float(darr.sum())` returned `1000.0`, and two `len(ddf)` calls ran the partitions 8
    times instead of 4. Maintainers considered removing these
    implicit computes (dask/dask#9387).

    ## Example
    ```python
    total = float(x.sum())
    for col in columns:
        print(col, len(ddf))
    ```

    ## Use instead
    ```python
    total = float(x.sum().compute())
    n_rows = len(ddf)  # once, kept
    for col in columns:
        print(col, n_rows)
    ```

    ## Fix safety
    `float(x)`/`int(x)` becomes `float(x.compute())`. Safe when `x` is certainly 0-d (a
    reduction without an axis, `x.sum()` or `np.max(x)`, or arithmetic on such reductions
    and numbers): Dask's `Array.__float__` is `float(x.compute().item())`, the same value.
    Unsafe otherwise: for an array of one element but one or more dimensions, `float(x)`
    works while `float(x.compute())` raises `TypeError` with NumPy 2.4 ("only 0-dimensional
    arrays can be converted to Python scalars").

    `np.asarray(x)`/`np.array(x)` of a Dask Array (one argument, no `dtype=` or `copy=`)
    becomes `x.compute()`: unsafe, since they differ when the blocks are not NumPy arrays
    (CuPy, sparse, masked), a 0-d array computes to a NumPy scalar rather than a 0-d
    ndarray, and `np.array` always copied while `compute()` may return an array that shares
    memory with the graph's data. No fix for DataFrames and Series (`compute()` gives a
    pandas object), or for `len(ddf)`: hoisting it out of a loop needs a human.

    ## Options
    None.

    ## References
    - https://github.com/dask/dask/pull/9387
    - https://github.com/dask/dask/issues/2948
    - Not flagged: conversions of NumPy, pandas and xarray objects; a single `len(ddf)`;
      `len(ddf)` in a loop that rebinds `ddf`; `float()`/`int()` of a DataFrame Scalar or a
      Delayed (they raise: DSK701); `list(ddf)` (the column names) and `list(darr)` (lazy
      slices). `list(series)` iterates the Series partition by partition: iterate-rows
      (DSK406) reports it, so that one problem gets one finding.
    - Known limitation: repeated `len()` is recognised on the same expression in one scope
      only; `len()` of the same collection in two different functions is not.
    """

    code = "DSK504"
    name = "implicit-compute"
    node_types = (ast.Call,)
    call_names = _CONVERSION_NAMES
    fixes = frozenset({Safety.SAFE, Safety.UNSAFE})
    fix_title = "Call `.compute()` explicitly"

    def __init__(self, model, options):
        super().__init__(model, options)
        self._lengths: dict[tuple, list[ast.Call]] = {}
        self._reported: set[int] = set()

    def check(self, node: ast.Call) -> Iterator[Finding]:
        func = node.func
        if not node.args or type(node.args[0]) is ast.Starred or \
                callee_name(node) not in _CONVERSION_NAMES:
            return
        m = self.model
        q = m.qualname(func)
        kinds = V.IMPLICIT_COMPUTE_CONVERSIONS.get(q)
        if kinds is not None:
            if q.startswith("builtins.") and (len(node.args) != 1 or node.keywords):
                return
            v = m.value(node.args[0])
            if v is None or v.kind not in kinds:
                return
            yield self._report_conversion(node, q, v)
            return
        kinds = V.IMPLICIT_COMPUTE_QUERIES.get(q)
        if kinds is None or len(node.args) != 1 or node.keywords:
            return
        arg = node.args[0]
        v = m.value(arg)
        if v is None or v.kind not in kinds or v.origin == "partitions":
            return  # ``len(ddf.partitions)`` is the partition count
        loop = self._loop_over_same_collection(node, arg)
        if loop is not None:
            self._reported.add(id(node))
            yield self.report(
                node,
                f"len({short(arg, 30)}) in the loop at {self.model.cite(loop.lineno)} computes "
                f"every partition of {short(arg, 30)} each time; compute the length once, before "
                "the loop")
        key = self._collection_key(node, arg)
        if key is not None:
            self._lengths.setdefault(key, []).append(node)

    def _report_conversion(self, node: ast.Call, q: str, v) -> Finding:
        arg = node.args[0]
        shown = short(arg, 30)
        function = q.replace("builtins.", "").replace("numpy.", "np.")
        what = V.KIND_NAMES.get(v.kind, "a Dask collection")
        if function in ("float", "int"):
            advice = f"write {function}({receiver(arg)}.compute())"
            safety = Safety.SAFE if self._zero_dimensional(arg) else Safety.UNSAFE
        else:
            advice = f"call {receiver(arg)}.compute() once and keep the result"
            # ``np.asarray(x)`` -> ``x.compute()``: an Array only (a frame computes to a
            # pandas object), and no dtype/copy/order arguments to keep.
            safety = Safety.UNSAFE if (function in ("np.asarray", "np.array") and
                                       v.kind == K.ARRAY and len(node.args) == 1 and
                                       not node.keywords) else None
        return self.report(
            node,
            f"{function}({shown}) silently computes {what}: an implicit compute, easy to "
            f"repeat; {advice}",
            fix=safety, data=Conversion(function))

    def _zero_dimensional(self, expr) -> bool:
        """``expr`` is certainly a 0-d Dask Array: a reduction without an axis
        (``x.sum()``, ``np.max(x)``), or arithmetic on such reductions and numbers."""
        m = self.model
        t = type(expr)
        if t is ast.BinOp:
            if type(expr.op) not in ELEMENTWISE_OPS:
                return False
            sides = (expr.left, expr.right)
            return any(self._zero_dimensional(s) for s in sides) and all(
                self._zero_dimensional(s) or _number(s) for s in sides)
        if t is ast.UnaryOp:
            return type(expr.op) in (ast.USub, ast.UAdd) and self._zero_dimensional(expr.operand)
        if t is not ast.Call or any(type(a) is ast.Starred for a in expr.args):
            return False
        for kw in expr.keywords:
            if kw.arg not in V.ARRAY_SCALAR_REDUCTION_KEYWORDS and not (
                    kw.arg == "axis" and is_constant(kw.value, None)):
                return False
        func = expr.func
        if type(func) is ast.Attribute and func.attr in V.ARRAY_SCALAR_REDUCTIONS and \
                not expr.args and m.kind(func.value) == K.ARRAY:
            return True
        module, _, name = (m.qualname(func) or "").rpartition(".")
        return module in ("numpy", "dask.array") and name in V.ARRAY_SCALAR_REDUCTIONS and \
            len(expr.args) == 1 and m.kind(expr.args[0]) == K.ARRAY

    def fix(self, node, finding):
        if finding.fix.data.function in ("float", "int"):
            arg = node.args[0]
            return node.with_changes(
                args=[arg.with_changes(value=E.method_call(arg.value, "compute"))])
        return E.method_call(node.args[0].value, "compute")

    def _loop_over_same_collection(self, node, arg):
        """The innermost loop around ``node`` when ``arg`` is the same in every iteration."""
        m = self.model
        loops = m.enclosing_loops(node)
        if not loops:
            return None
        loop = loops[0]
        start = (loop.lineno, loop.col_offset)
        end = (loop.end_lineno, loop.end_col_offset)
        for name in m.loaded_names(arg):
            bindings = m.reaching_bindings(name)
            if not bindings:
                return None
            for b in bindings:
                if b.kind in ("param", "import", "def", "class"):
                    continue
                if start <= b.pos <= end:
                    return None
        return loop

    def _collection_key(self, node, arg):
        m = self.model
        ids = []
        for name in m.loaded_names(arg):
            bindings = m.reaching_bindings(name)
            if not bindings:
                return None
            ids.append((name.id, tuple(sorted(id(b) for b in bindings))))
        scope = m.scope_of(node)
        while scope.kind == "comprehension":
            scope = scope.parent
        return (id(scope), ast.dump(arg), tuple(sorted(ids)))

    def finish(self) -> Iterator[Finding]:
        for calls in self._lengths.values():
            if len(calls) < 2:
                continue
            calls = sorted(calls, key=lambda c: (c.lineno, c.col_offset))
            first = calls[0]
            for later in calls[1:]:
                if id(later) in self._reported or _exclusive(self.model, first, later):
                    continue
                arg = short(later.args[0], 30)
                yield self.report(
                    later,
                    f"len({arg}) computes every partition of {arg} again: len() did at "
                    f"{self.model.cite(first.lineno)}; keep the first length, or persist the "
                    "collection")


def _number(expr) -> bool:
    """A literal int or float (``2``, ``-1.5``)."""
    if type(expr) is ast.UnaryOp and type(expr.op) in (ast.USub, ast.UAdd):
        expr = expr.operand
    return is_number(expr)


def _exclusive(m, a: ast.AST, b: ast.AST) -> bool:
    """``a`` and ``b`` are in different branches of one ``if``/``try``/``match`` (or of a
    conditional expression), so at most one of them runs."""
    path_a = {}
    child = a
    node = m.parent(a)
    while node is not None:
        path_a[id(node)] = m.field_of(child, node), child
        child, node = node, m.parent(node)
    child = b
    node = m.parent(b)
    while node is not None:
        if id(node) in path_a:
            field_a, child_a = path_a[id(node)]
            field_b = m.field_of(child, node)
            if type(node) in (ast.If, ast.IfExp):
                return {field_a, field_b} == {"body", "orelse"}
            if type(node) in (ast.Try, getattr(ast, "TryStar", ast.Try)):
                # a handler runs instead of the rest of the body, or of the else block
                fields = {field_a, field_b}
                return "handlers" in fields and "finalbody" not in fields and (
                    field_a != field_b or child_a is not child)
            if type(node).__name__ == "Match":
                return field_a == field_b == "cases" and child_a is not child
            return False
        child, node = node, m.parent(node)
    return False
