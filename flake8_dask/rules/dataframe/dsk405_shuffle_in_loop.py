from __future__ import annotations

import ast
from typing import Iterator

from ...findings import Finding
from ...model import COMPREHENSION_NODES, FRAMES, single_assignment
from ...model import vocabulary as V
from ...syntax import has_double_star, inside, is_constant, keyword_value, short
from ..base import Rule, last_names
from ._common import MAX_FOLLOW


def _call_text(call: ast.Call, limit: int = 48) -> str:
    """``ddf.merge(...)``: the callee, and the arguments when they are short."""
    callee = short(call.func, limit)
    args = ", ".join([ast.unparse(a) for a in call.args] + [
        f"{k.arg}={ast.unparse(k.value)}" if k.arg else f"**{ast.unparse(k.value)}"
        for k in call.keywords])
    text = f"{callee}({args})"
    return text if len(text) <= limit else f"{callee}(...)"


def _single_partition_call(model, expr: ast.AST, depth: int = 0) -> ast.Call | None:
    """``x.repartition(npartitions=1)`` or ``dd.from_pandas(..., npartitions=1)``, directly or
    through a name assigned once."""
    if type(expr) is ast.Name and depth < MAX_FOLLOW:
        value = single_assignment(model, expr)
        return _single_partition_call(model, value, depth + 1) if value is not None else None
    if type(expr) is not ast.Call or not is_constant(keyword_value(expr, "npartitions"), 1):
        return None
    func = expr.func
    if type(func) is ast.Attribute and func.attr == "repartition":
        return expr
    if model.qualname(func) in V.FROM_PANDAS_FUNCTIONS:
        return expr
    return None


class ShuffleInLoop(Rule):
    """A full shuffle (`set_index`, `sort_values`, `shuffle`, `merge`) repeated in a loop.

    ## What it does
    Finds `set_index`, `sort_values`, `shuffle`, `merge` and `join(on=...)` of Dask
    DataFrames (and `dd.merge` of two) inside a `for`/`while` loop or a comprehension, when
    one of the frames comes from outside the loop: the loop shuffles the same data again in
    every iteration (directly, or a selection of it, or a result carried from the previous
    iteration).

    ## Why is this bad?
    Each of these calls is an all-to-all shuffle: every partition sends rows to every other
    one, the most expensive operation on a Dask DataFrame. The best-practices page says to
    "set the index but try doing so infrequently" and to persist afterwards. Repeating it per
    key or per iteration multiplies the cost by the number of iterations.

    ## Example
    ```python
    for key in keys:
        part = ddf[ddf.kind == key].set_index("timestamp")
        part.to_parquet(f"out/{key}")
    ```

    ## Use instead
    ```python
    indexed = ddf.set_index("timestamp").persist()
    for key in keys:
        indexed[indexed.kind == key].to_parquet(f"out/{key}")
    ```

    ## Fix safety
    No automatic fix: moving the shuffle out of the loop is a restructuring.

    ## Options
    None.

    ## References
    - https://docs.dask.org/en/stable/dataframe-best-practices.html#avoid-full-data-shuffling
    - https://docs.dask.org/en/stable/dataframe-groupby.html
    - Not flagged: `set_index(..., sorted=True)` or with `divisions=`; merges with pandas
      frames, with a frame of one partition (`repartition(npartitions=1)`, a broadcast join),
      with `broadcast=True` or on both indexes; `join` without `on=` (index to index);
      frames created in the loop from new data (one file per iteration).
    """

    code = "DSK405"
    name = "shuffle-in-loop"
    node_types = (ast.Call,)
    call_names = last_names(V.SHUFFLE_METHODS, V.JOIN_METHODS, V.JOIN_FUNCTIONS)

    def check(self, node: ast.Call) -> Iterator[Finding]:
        m = self.model
        func = node.func
        q = m.qualname(func)
        if q is None and type(func) is ast.Attribute and (
                func.attr in V.SHUFFLE_METHODS or func.attr in V.JOIN_METHODS):
            meth = func.attr
            if not self._frame(func.value):
                return
            if meth in V.SHUFFLE_METHODS:
                if meth == "set_index" and self._presorted(node):
                    return
                frames = [func.value]
            else:
                other = node.args[0] if node.args else keyword_value(node, "right") or \
                    keyword_value(node, "other")
                if other is None or not self._frame(other) or \
                        not self._shuffling_join(node, meth, func.value, other):
                    return
                frames = [func.value, other]
            label = _call_text(node)
        elif q in V.JOIN_FUNCTIONS:
            left = node.args[0] if node.args else keyword_value(node, "left")
            right = node.args[1] if len(node.args) > 1 else keyword_value(node, "right")
            if left is None or right is None or not self._frame(left) or \
                    not self._frame(right) or \
                    not self._shuffling_join(node, "merge", left, right):
                return
            frames = [left, right]
            label = _call_text(node)
        else:
            return
        loops = m.enclosing_loops(node)
        if not loops:
            return
        loop = loops[0]
        source = next((s for s in (self._outer_source(f, loop) for f in frames) if s), None)
        if source is None:
            return
        kind = "loop" if not isinstance(loop, COMPREHENSION_NODES) else "comprehension"
        yield self.report(
            node,
            f"{label} in a {kind} ({self.model.cite(loop.lineno)}) reshuffles '{source}' each "
            "time; shuffle it once before the loop and persist() it, or group once and select")

    def _frame(self, expr: ast.AST) -> bool:
        v = self.model.value(expr)
        return v is not None and v.kind in FRAMES

    @staticmethod
    def _presorted(call: ast.Call) -> bool:
        flag = keyword_value(call, "sorted")
        if flag is not None and not is_constant(flag, False):
            return True
        divisions = keyword_value(call, "divisions")
        return divisions is not None and not is_constant(divisions, None)

    def _shuffling_join(self, call: ast.Call, meth: str, left, right) -> bool:
        m = self.model
        if has_double_star(call):
            return False
        broadcast = keyword_value(call, "broadcast")
        if broadcast is not None and not is_constant(broadcast, False, None):
            return False
        if meth == "join":
            on = keyword_value(call, "on")
            if on is None or is_constant(on, None):
                return False
        else:
            li, ri = keyword_value(call, "left_index"), keyword_value(call, "right_index")
            if li is not None and ri is not None and not is_constant(li, False) and \
                    not is_constant(ri, False):
                return False
        return _single_partition_call(m, left) is None and \
            _single_partition_call(m, right) is None

    def _outer_source(self, expr: ast.AST, loop: ast.AST, depth: int = 0) -> str | None:
        """The name of a Dask frame bound outside ``loop`` that ``expr`` is derived from."""
        m = self.model
        for name in m.loaded_names(expr):
            v = m.value(name)
            if v is None or v.kind not in FRAMES:
                continue
            for b in m.reaching_bindings(name):
                if b.kind in ("import", "def", "class"):
                    continue
                if not inside(b.node, loop):
                    return name.id
                if depth < MAX_FOLLOW and b.kind in ("assign", "named") and \
                        b.value is not None:
                    found = self._outer_source(b.value, loop, depth + 1)
                    if found:
                        return found
        return None
