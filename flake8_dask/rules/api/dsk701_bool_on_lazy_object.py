"""DSK701 bool-on-lazy-object: the truth value, float() or int() of a lazy Dask value."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Iterator

from ...findings import Finding, Safety
from ...model import COLLECTIONS, K
from ...model import vocabulary as V
from ...syntax import short
from .. import _edits as E
from .._dask import expects_failure
from ..base import Rule

#: Kinds whose truth value raises (Scalar, Delayed) or computes silently (Array).
_TRUTH_KINDS = frozenset({K.SCALAR, K.DELAYED, K.ARRAY})
#: Kinds for which float()/int() raise.
_NUMBER_KINDS = frozenset({K.SCALAR, K.DELAYED})
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_IDENTITY_AND_MEMBERSHIP = (ast.Is, ast.IsNot, ast.In, ast.NotIn)


@dataclass(frozen=True)
class ComputeOperands:
    """Which sides of a comparison get ``.compute()`` (indexes into ``[left, *comparators]``);
    None: the whole expression."""
    operands: tuple[int, ...] | None


class BoolOnLazyObject(Rule):
    """Taking the truth value (or `float()`/`int()`) of a lazy Dask Scalar, Delayed or Array.

    ## What it does
    Finds Dask Scalars, Delayed objects and Dask Arrays used where Python takes a truth
    value: the test of `if`, `while`, `assert`, a conditional expression or a comprehension
    filter, an operand of `not`/`and`/`or`, and `bool(...)`; and `float()`/`int()` of a Dask
    Scalar or a Delayed object.

    ## Why is this bad?
    Verified with dask 2026.8: a Delayed raises `TypeError: Truth of Delayed objects is not
    supported`; a DataFrame Scalar raises `TypeError: Trying to convert ... to a boolean
    value. Because Dask objects are lazily evaluated ...`, and `float()`/`int()` of either
    raise `TypeError`. A Dask Array computes silently (`bool(x.sum() > 0)` is `True`), a
    hidden full computation that is easy to repeat by accident.

    ## Example
    ```python
    if ddf.x.sum() > 0:
        ...
    ```

    ## Use instead
    ```python
    if ddf.x.sum().compute() > 0:
        ...
    ```

    ## Fix safety
    Safe: the fix appends `.compute()` to the lazy operand (`ddf.x.sum().compute() > 0`,
    `bool(d.compute())`, `float(total.compute())`). The Scalar and Delayed cases always
    raised before; the Array case computes the same value, now explicitly. Compute the value
    once and reuse it when it is tested several times.

    ## Options
    None.

    ## References
    - https://docs.dask.org/en/stable/delayed-api.html
    - https://github.com/dask/dask/pull/9387
    - Not flagged: tests on computed values, `if ddf is None`, `if ddf.npartitions > 1`,
      `if ddf.columns...` (plain values), and `float()`/`int()` of a Dask Array, which
      computes silently (DSK504).
    """

    code = "DSK701"
    name = "bool-on-lazy-object"
    node_types = (ast.If, ast.While, ast.Assert, ast.IfExp, ast.BoolOp, ast.UnaryOp,
                  ast.Call, *_COMPREHENSIONS)
    call_names = frozenset({"bool", "float", "int"})  # the calls _conversion() takes
    fixes = frozenset({Safety.SAFE})
    fix_title = "Append `.compute()`"

    def check(self, node) -> Iterator[Finding]:
        t = type(node)
        if t in (ast.If, ast.While, ast.Assert, ast.IfExp):
            yield from self._tested(node.test, whole=True)
        elif t in _COMPREHENSIONS:
            for gen in node.generators:
                for cond in gen.ifs:
                    yield from self._tested(cond, whole=True)
        elif t is ast.BoolOp or (t is ast.UnaryOp and type(node.op) is ast.Not):
            if not self._in_test(node):
                yield from self._tested(node, whole=False)
        elif t is ast.Call:
            yield from self._conversion(node)

    # ------------------------------------------------------------------ truth tests
    def _in_test(self, node) -> bool:
        """``node`` is reached by the decomposition of an enclosing test (reported there)."""
        parent = self.model.parent(node)
        field_name = self.model.field_of(node, parent)
        if type(parent) is ast.BoolOp or (type(parent) is ast.UnaryOp and
                                          type(parent.op) is ast.Not):
            return True
        if type(parent) in (ast.If, ast.While, ast.Assert, ast.IfExp) and field_name == "test":
            return True
        return type(parent) is ast.comprehension and field_name == "ifs"

    def _tested(self, expr, whole: bool) -> Iterator[Finding]:
        """Every sub-expression whose truth ``expr`` takes (``whole``: ``expr`` itself too)."""
        t = type(expr)
        if t is ast.BoolOp:
            # Every operand but the last is tested; the last is the value unless the whole
            # is tested (it may still hold a ``not``).
            for v in expr.values[:-1]:
                yield from self._tested(v, whole=True)
            yield from self._tested(expr.values[-1], whole)
            return
        if t is ast.UnaryOp and type(expr.op) is ast.Not:
            yield from self._tested(expr.operand, whole=True)
            return
        if whole:
            finding = self._lazy_truth(expr, "its truth value is taken")
            if finding is not None:
                yield finding

    def _lazy_truth(self, expr, how: str) -> Finding | None:
        m = self.model
        operands = None  # None: .compute() on the whole expression
        if type(expr) is ast.Compare:
            if any(type(op) in _IDENTITY_AND_MEMBERSHIP for op in expr.ops):
                return None  # a plain bool (the model gives such a comparison no value)
            sides = [expr.left, *expr.comparators]
            kinds = [m.kind(side) for side in sides]
            lazy = [i for i, k in enumerate(kinds) if k in COLLECTIONS]
            if not lazy:
                return None
            if len(expr.ops) == 1:
                v = m.value(expr)
                kind = v.kind if v is not None else None
                if len(lazy) == 1:
                    operands = tuple(lazy)
            else:
                # ``0 < s < 1`` takes the truth of each comparison: compute each operand.
                if any(kinds[i] not in _TRUTH_KINDS for i in lazy):
                    return None
                kind, operands = kinds[lazy[0]], tuple(lazy)
        else:
            kind = m.kind(expr)
        if kind not in _TRUTH_KINDS or expects_failure(m, expr):
            return None
        return self.report(expr, self._message(expr, kind, how), fix=Safety.SAFE,
                           data=ComputeOperands(operands))

    @staticmethod
    def _message(expr, kind: K, how: str) -> str:
        text = short(expr, 50)
        if kind == K.ARRAY:
            effect = "computes the whole array silently, every time"
        elif kind == K.DELAYED:
            effect = "raises TypeError (a Delayed has no truth value)"
        else:
            effect = "raises TypeError (a lazy Scalar has no value yet)"
        what = V.KIND_NAMES[kind]
        return f"'{text}' is {what}: {how}, which {effect}; call .compute() explicitly"

    def _conversion(self, call: ast.Call) -> Iterator[Finding]:
        m = self.model
        if len(call.args) != 1 or call.keywords or type(call.args[0]) is ast.Starred:
            return
        q = m.qualname(call.func)
        arg = call.args[0]
        if q == "builtins.bool":
            finding = self._lazy_truth(arg, "bool() takes its truth value")
            if finding is not None:
                yield finding
        elif q in ("builtins.float", "builtins.int"):
            v = m.value(arg)
            # A Bag's Item (``b.count()``) converts: int()/float() compute it (verified,
            # dask 2026.8), on the Bag's default scheduler; not this rule's failure.
            if v is not None and v.kind in _NUMBER_KINDS and v.origin != "bag" and \
                    not expects_failure(m, call):
                name = q.partition(".")[2]
                yield self.report(
                    arg,
                    f"{name}() of '{short(arg, 50)}', {V.KIND_NAMES[v.kind]}, raises "
                    f"TypeError: Dask values are lazy; call .compute() first "
                    f"({name}({short(arg, 30)}.compute()))",
                    fix=Safety.SAFE, data=ComputeOperands(None))

    def fix(self, node, finding):
        import libcst as cst

        operands = finding.fix.data.operands
        if operands is None:
            return E.method_call(node, "compute")
        if not isinstance(node, cst.Comparison):
            return node
        comparisons = list(node.comparisons)
        left = node.left
        for i in operands:
            if i == 0:
                left = E.method_call(left, "compute")
            else:
                target = comparisons[i - 1]
                comparisons[i - 1] = target.with_changes(
                    comparator=E.method_call(target.comparator, "compute"))
        return node.with_changes(left=left, comparisons=comparisons)
