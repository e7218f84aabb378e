from __future__ import annotations

import ast
from typing import Iterator

from ...findings import Finding
from ...model import FRAMES, K
from ...model import vocabulary as V
from ...syntax import has_double_star, keyword_value, short
from ..base import Rule, last_names
from ._common import function_text, is_groupby


class MissingMeta(Rule):
    """A function applied to a Dask DataFrame without `meta=`.

    ## What it does
    Finds `map_partitions`, `map_overlap`, `DataFrame.apply`, `Series.apply`,
    `Series.map(<function>)`, `DataFrame.map`, `groupby(...).apply/transform` on a Dask
    DataFrame or Series, and `dd.map_partitions`, `dd.map_overlap` and `dd.from_delayed`,
    called without `meta=`.

    ## Why is this bad?
    Dask must know the columns and dtypes of every result before anything runs. Without
    `meta`, it runs the function on a small fake dataset while the graph is built:
    `apply`, `Series.apply` and `map` warn "You did not provide metadata, so Dask is running
    your function on a small dataset to guess output types. It is possible that Dask will
    guess incorrectly", `groupby().apply` warns "`meta` is not specified, inferred from
    partial data", and `map_partitions` does it silently (verified with dask 2026.8). A
    function that fails on fake data raises at graph-build time, a guessed dtype can be
    wrong, and `dd.from_delayed` without `meta` computes the first partition in the driver.

    ## Example
    ```python
    out = ddf.map_partitions(add_features)
    ```

    ## Use instead
    ```python
    out = ddf.map_partitions(add_features, meta={"a": "i8", "score": "f8"})
    ```

    ## Fix safety
    No automatic fix: the output dtypes are not known statically.

    ## Options
    Off by default (opt in with `--extend-select=DSK402` or `select`): on real code most
    calls without `meta=` work as intended, because inference on a fake partition is cheap
    and right for ordinary functions; the rule suits code bases that want explicit schemas.

    ## References
    - https://docs.dask.org/en/stable/dataframe-design.html#metadata
    - https://docs.dask.org/en/stable/generated/dask.dataframe.DataFrame.map_partitions.html
    - Not flagged: calls with `meta=` (or `**kwargs` that may hold it);
      `Series.map(<dict or Series>)`; `rolling(...).apply` and other windows, which take no
      `meta`; receivers not known to be Dask objects.
    """

    code = "DSK402"
    name = "missing-meta"
    node_types = (ast.Call,)
    call_names = last_names(V.FRAME_META_METHODS, V.GROUPBY_META_METHODS,
                            V.MODULE_META_FUNCTIONS)
    default_enabled = False

    def check(self, node: ast.Call) -> Iterator[Finding]:
        m = self.model
        func = node.func
        q = m.qualname(func)
        if q is None and type(func) is ast.Attribute:
            meth = func.attr
            if meth not in V.FRAME_META_METHODS and meth not in V.GROUPBY_META_METHODS:
                return
            recv = m.value(func.value)
            if recv is None:
                return
            if recv.kind in FRAMES and meth in V.FRAME_META_METHODS:
                position = V.FRAME_META_METHODS[meth]
                warns = meth in ("apply", "map")
            elif recv.kind == K.GROUPBY and meth in V.GROUPBY_META_METHODS and \
                    is_groupby(recv):
                position = None
                warns = True
            else:
                return
            fn_expr = node.args[0] if node.args else keyword_value(node, "func") or \
                keyword_value(node, "arg")
            if fn_expr is None or self._has_meta(node, position):
                return
            if meth == "map" and not self._is_callable(fn_expr):
                return
            label = f"{short(func, 40)}({function_text(m, fn_expr)})"
        else:
            if q not in V.MODULE_META_FUNCTIONS:
                return
            if self._has_meta(node, V.MODULE_META_FUNCTIONS[q]):
                return
            if q == "dask.dataframe.from_delayed":
                if not node.args and keyword_value(node, "dfs") is None:
                    return
                yield self.report(
                    node,
                    f"{short(func, 24)}() without meta= computes the first partition in the "
                    "driver; pass meta= (an empty pandas DataFrame or a {column: dtype} dict)")
                return
            if not node.args:
                return
            label = f"{short(func, 24)}({function_text(m, node.args[0])})"
            warns = False
        how = ("guesses the output types on fake data and warns" if warns else
               "guesses the output by calling it on an empty partition, which can fail")
        yield self.report(
            node,
            f"{label} has no meta=: Dask {how}; pass meta=, e.g. `meta={{'x': 'f8'}}`")

    @staticmethod
    def _has_meta(call: ast.Call, position: int | None) -> bool:
        if has_double_star(call) or keyword_value(call, "meta") is not None:
            return True
        if any(type(a) is ast.Starred for a in call.args):
            return True
        return position is not None and len(call.args) > position

    def _is_callable(self, expr: ast.AST) -> bool:
        """True when ``expr`` is surely a function (``Series.map`` also takes dicts)."""
        m = self.model
        if type(expr) is ast.Lambda or m.function_of(expr) is not None:
            return True
        q = m.qualname(expr) if type(expr) in (ast.Name, ast.Attribute) else None
        return q is not None and q.partition(".")[0] in ("builtins", "numpy", "math",
                                                         "operator")
