from __future__ import annotations

import ast
from typing import Iterator

from ...findings import Finding, Safety
from ...model import FRAMES
from ...model import vocabulary as V
from ...syntax import code, is_constant, keyword_value, short
from .. import _edits as E
from .._dask import expects_failure
from ..base import Rule


class UnsupportedInplace(Rule):
    """`inplace=True` on a Dask DataFrame or Series method.

    ## What it does
    Finds `inplace=True` passed to a method of a Dask DataFrame or Series
    (`ddf.fillna(0, inplace=True)`, `ddf.drop(columns=["b"], inplace=True)`, ...).

    ## Why is this bad?
    Dask collections are immutable, and their methods do not take `inplace`. Verified with
    dask 2026.8: `fillna`, `dropna`, `drop`, `rename`, `reset_index`, `replace`,
    `drop_duplicates`, `where`, `mask`, `astype` and others raise `TypeError: ... got an
    unexpected keyword argument 'inplace'` (`eval` raises `NotImplementedError`), so code
    ported from pandas breaks. `set_index`, `sort_values`, `clip` and `query` accept the
    keyword through `**kwargs` and ignore it: the statement silently does nothing.

    ## Example
    ```python
    ddf.fillna(0, inplace=True)
    ```

    ## Use instead
    ```python
    ddf = ddf.fillna(0)
    ```

    ## Fix safety
    When the call is a statement on a name, an attribute (`self.frame`) or a column
    (`ddf["a"]`), the fix removes `inplace=True` and assigns the result back
    (`ddf = ddf.fillna(0)`). Safe for the methods that raise: the original always failed,
    so no working behaviour changes. Unsafe for `set_index`, `sort_values`, `clip` and
    `query`, which ignored the keyword: the statement now takes effect, which is what was
    meant but changes what later code sees. No fix for other shapes (`x = ddf.fillna(0,
    inplace=True)`) or for methods not verified either way.

    ## Options
    None.

    ## References
    - https://docs.dask.org/en/stable/dataframe-api.html
    - Not flagged: pandas objects (`ddf.compute().fillna(0, inplace=True)`), `inplace=False`,
      and frames the model cannot identify as Dask (a known limitation).
    """

    code = "DSK408"
    name = "unsupported-inplace"
    node_types = (ast.Call,)
    fixes = frozenset({Safety.SAFE, Safety.UNSAFE})
    fix_title = "Assign the result instead of `inplace=True`"

    def check(self, call: ast.Call) -> Iterator[Finding]:
        m = self.model
        func = call.func
        if type(func) is not ast.Attribute:
            return
        if not is_constant(keyword_value(call, "inplace"), True):
            return
        if m.kind(func.value) not in FRAMES or expects_failure(m, call):
            return
        meth = func.attr
        receiver = short(func.value, 30)
        whole = code(func.value, 30)
        if meth in V.INPLACE_IGNORING_METHODS:
            effect = "does nothing: Dask ignores inplace=True"
            safety = Safety.UNSAFE
        elif meth in V.INPLACE_REJECTING_METHODS:
            error = "NotImplementedError" if meth == "eval" else "TypeError"
            effect = f"raises {error}: Dask collections are immutable"
            safety = Safety.SAFE
        else:
            effect = "has no inplace= in Dask: Dask collections are immutable"
            safety = None
        stmt = E.bare_statement(self.model, call)
        fixable = safety is not None and stmt is not None and E.assignable(m, func.value, stmt)
        yield self.report(
            call,
            f"{receiver}.{meth}(..., inplace=True) on {V.KIND_NAMES[m.kind(func.value)]} "
            f"{effect}; assign the result instead"
            + (f": `{whole} = {whole}.{meth}(...)`" if whole else ""),
            fix=safety if fixable else None, target=stmt)

    def fix(self, node, finding):
        import libcst as cst

        if not isinstance(node, cst.Expr) or not isinstance(node.value, cst.Call) or \
                not isinstance(node.value.func, cst.Attribute):
            return node
        call = E.without_keyword(node.value, "inplace")
        receiver = E.strip_parentheses(call.func.value)
        return cst.Assign(targets=[cst.AssignTarget(target=receiver)], value=call,
                          semicolon=node.semicolon)
