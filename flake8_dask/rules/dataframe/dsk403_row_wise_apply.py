from __future__ import annotations

import ast
from typing import Iterator

from ...findings import Finding
from ...model import K
from ...syntax import is_constant, keyword_value, short
from ..base import Rule
from ._common import function_text


class RowWiseApply(Rule):
    """`DataFrame.apply(f, axis=1)` on a Dask DataFrame.

    ## What it does
    Finds `ddf.apply(f, axis=1)` (or `axis="columns"`) on a value known to be a Dask
    DataFrame.

    ## Why is this bad?
    The function is called once per row, in Python. Dask only splits that loop by partition;
    the usual pandas advice ("avoid apply") holds per partition, and users report Dask being
    slower than pandas for it (dask/dask#5994, #3948). Vectorized column expressions, or
    `map_partitions` with a vectorized function, run orders of magnitude faster.

    ## Example
    ```python
    ddf["total"] = ddf.apply(lambda row: row.price * row.qty, axis=1, meta=("total", "f8"))
    ```

    ## Use instead
    ```python
    ddf["total"] = ddf.price * ddf.qty
    # or, for logic that needs a whole frame:
    ddf = ddf.map_partitions(add_total, meta=meta)
    ```

    ## Fix safety
    No automatic fix: vectorizing needs a human.

    ## Options
    None.

    ## References
    - https://docs.dask.org/en/stable/dataframe-best-practices.html (pandas performance tips)
    - https://github.com/dask/dask/issues/5994
    - https://github.com/dask/dask/issues/3948
    - https://github.com/dask/dask/issues/5160
    - Not flagged: `apply` on a Dask Series, `axis=0`, a positional second argument (in Dask
      it is passed to the function, not taken as `axis`), pandas frames.
    """

    code = "DSK403"
    name = "row-wise-apply"
    node_types = (ast.Call,)
    call_names = frozenset({"apply"})

    def check(self, node: ast.Call) -> Iterator[Finding]:
        func = node.func
        if type(func) is not ast.Attribute or func.attr != "apply":
            return
        axis = keyword_value(node, "axis")
        if not is_constant(axis, 1, "columns"):
            return
        recv = self.model.value(func.value)
        if recv is None or recv.kind not in (K.DATAFRAME, K.FRAME):
            return
        fn_expr = node.args[0] if node.args else keyword_value(node, "func")
        fn_text = function_text(self.model, fn_expr) if fn_expr is not None else "function"
        yield self.report(
            node,
            f"{short(func, 32)}({fn_text}, axis={ast.unparse(axis)}) calls the function once "
            "per row, in Python; use column expressions, or map_partitions with a vectorized "
            "function")
