"""DSK410 partition-local-statistics: a map_partitions / map_blocks function that combines its
partition with a reduction of that same partition."""

from __future__ import annotations

import ast
from typing import Iterator

from ...findings import Finding
from ...model import literal_int, single_assignment
from ...model import vocabulary as V
from ...syntax import callee_name, function_label, is_constant, keyword_value, short, site_text
from ..base import Rule

#: The entry points whose function receives one partition (or block) as first argument.
_APIS = frozenset({"map_partitions", "map_blocks"})
_DEPTH = 8  # how deep an expression (and the assignments of its names) is followed
_ARITHMETIC = (ast.Sub, ast.Div, ast.Add, ast.Mult, ast.FloorDiv, ast.Mod, ast.Pow)
_COMPARISONS = (ast.Gt, ast.GtE, ast.Lt, ast.LtE, ast.Eq, ast.NotEq)
#: Attributes of a partition that are not a column (or the values) of it.
_NOT_COLUMNS = (V.FRAME_PLAIN_ATTRIBUTES | V.ARRAY_PLAIN_ATTRIBUTES) - {"values", "T"}
#: Keywords of the reductions that do not change what is reduced.
_PLAIN_KEYWORDS = frozenset({"skipna", "ddof", "numeric_only", "dtype", "min_count",
                             "interpolation", "method", "q"})


class PartitionLocalStatistics(Rule):
    """A `map_partitions` / `map_blocks` function that normalises its partition by a
    statistic of that partition alone.

    ## What it does
    Finds, in a function passed to `map_partitions` (DataFrame, Series, `dd.map_partitions`)
    or `map_blocks` (Array, `da.map_blocks`), a lambda or a def of the module, an element-wise
    combination of its partition argument with a whole-partition reduction of the same
    argument: `(df.x - df.x.mean()) / df.x.std()`, `df / df.sum()`, `block - block.mean()`,
    `np.where(block > np.mean(block), 1, 0)`, `df.x.fillna(df.x.median())`,
    `df.x > df.x.quantile(0.99)`, `df.x.clip(upper=df.x.max())`, also through a local name
    (`mu = df.x.mean(); return df.x - mu`).

    ## Why is this bad?
    Each call of the function sees only its own partition, so `df.x.mean()` is the
    partition's mean and the result silently differs from the pandas or NumPy program as soon
    as there is more than one partition. Verified with dask 2026.8: standardising a 12-row
    frame in 3 partitions this way gave `[-1.162, -0.387, 0.387, 1.162, ...]` against pandas'
    `[-1.525, -1.248, -0.971, ...]`; the same expression with Dask's own reductions,
    `(ddf.x - ddf.x.mean()) / ddf.x.std()`, matched pandas.

    ## Example
    ```python
    def standardise(df):
        return (df.x - df.x.mean()) / df.x.std()

    z = ddf.map_partitions(standardise, meta=("x", "f8"))
    ```

    ## Use instead
    ```python
    def standardise(df, mean, std):
        return (df.x - mean) / std

    z = ddf.map_partitions(standardise, ddf.x.mean(), ddf.x.std(), meta=("x", "f8"))
    # or, as a whole-collection expression:
    z = (ddf.x - ddf.x.mean()) / ddf.x.std()
    ```
    Dask computes the statistics passed as arguments first, over the whole collection.
    When a per-partition statistic is what you want (each partition is one file, one
    sensor, one day), add `# noqa: DSK410` on the line.

    ## Fix safety
    There is no automatic fix.

    ## Options
    None.

    ## References
    - https://docs.dask.org/en/stable/generated/dask.dataframe.DataFrame.map_partitions.html
    - https://docs.dask.org/en/stable/generated/dask.array.map_blocks.html
    - Not flagged: reductions along rows (`df.sum(axis=1)`) or along a block's axis
      (`block.mean(axis=1)`: whether the block spans that axis is unknown), reductions
      returned as the partition's result (`lambda d: d.x.sum()`) and combinations that only
      feed one (`((d.x - d.x.mean()) ** 2).sum()`, `len(d[d.x > d.x.mean()])`: a
      per-partition summary, as in a parallel variance), `groupby(...)`, rolling
      and other windows inside the function, `len(df)`, `df.shape`, `df.empty`,
      `df.memory_usage()`, statistics passed in as arguments, a function whose first
      parameter is bound by `functools.partial`, and a collection repartitioned to one
      partition just before (`ddf.repartition(npartitions=1)`).
    - Known limitation: a function handed over through a helper's parameter, `map_overlap`,
      reductions written through another function (`statistics.mean(df.x)`,
      `sklearn.preprocessing.minmax_scale(df.x)`) and statistics of a parameter other than
      the first are not followed; a collection of one partition is recognised only from
      `npartitions=1` or `chunks=-1` spelled out in the chain that builds it.
    """

    code = "DSK410"
    name = "partition-local-statistics"
    node_types = ()

    def finish(self) -> Iterator[Finding]:
        m = self.model
        self._names: dict[tuple[int, int], bool] = {}
        for fn, sites in m.tasks.items():
            sites = [s for s in sites if s.api in _APIS and self._partition_site(fn, s)]
            if not sites:
                continue
            param = self._partition_param(fn)
            if param is None:
                continue
            arrays = all(s.api == "map_blocks" for s in sites)
            found: dict[ast.AST, list] = {}  # statement -> [(position, node, statistic)]
            for n in m.body_nodes(fn):
                stat = self._combination(n, param, arrays)
                if stat is not None and not self._summarised(n, fn):
                    stmt = fn if type(fn) is ast.Lambda else m.statement_of(n)
                    found.setdefault(stmt, []).append(((n.lineno, n.col_offset), n, stat))
            for hits in sorted(found.values(), key=lambda h: min(h, key=_first)[0]):
                hits.sort(key=_first)
                stats: list[str] = []
                for _, _, stat in sorted(hits, key=lambda h: (h[2].lineno, h[2].col_offset)):
                    text = f"'{short(stat, 40)}'"
                    if text not in stats:
                        stats.append(text)
                yield self.report(hits[0][1], self._message(fn, sites, stats))

    # ------------------------------------------------------------------ where it runs
    def _partition_site(self, fn, site) -> bool:
        """The function itself (not a ``partial`` of it) is the first function of the call,
        and the collection is not made of one partition just before."""
        m = self.model
        call = site.call
        if type(call) is not ast.Call:
            return False
        ep = m.entry_point(call)
        if ep is None or not ep.functions:
            return False
        first = ep.functions[0]
        if type(first) is ast.Call or m.function_of(first) is not fn:
            return False
        if type(call.func) is ast.Attribute and m.value(call.func.value) is not None:
            collection = call.func.value
        else:
            collection = next((a for a in call.args if a is not first), None)
        return collection is None or not self._one_partition(collection)

    def _one_partition(self, expr, depth: int = 0) -> bool:
        """``ddf.repartition(npartitions=1)``, ``dd.from_pandas(pdf, npartitions=1)``,
        ``x.rechunk(-1)``: one partition or block, where a partition's statistic is the
        collection's."""
        while depth < 12:
            t = type(expr)
            if t is ast.Name:
                value = single_assignment(self.model, expr)
                if value is None:
                    return False
                expr = value
            elif t is ast.Call:
                func = expr.func
                name = func.attr if type(func) is ast.Attribute else \
                    func.id if type(func) is ast.Name else None
                if name in ("repartition", "from_pandas", "from_array", "rechunk"):
                    parts = keyword_value(expr, "npartitions")
                    if literal_int(self.model, parts) == 1:
                        return True
                    chunks = keyword_value(expr, "chunks")
                    if chunks is None and name == "rechunk" and expr.args:
                        chunks = expr.args[0]
                    if chunks is not None and literal_int(self.model, chunks) == -1:
                        return True
                if type(func) is not ast.Attribute:
                    return False
                expr = func.value
            elif t in (ast.Attribute, ast.Subscript):
                expr = expr.value
            else:
                return False
            depth += 1
        return False

    def _partition_param(self, fn) -> ast.arg | None:
        """The parameter that receives the partition: the first positional one (after
        ``self`` for a method)."""
        args = fn.args
        positional = [*args.posonlyargs, *args.args]
        scope = self.model.inner_scope(fn)
        if positional and scope is not None and scope.self_name == positional[0].arg:
            positional = positional[1:]
        return positional[0] if positional else None

    # ------------------------------------------------------------------ what it computes
    def _combination(self, n, param, arrays) -> ast.AST | None:
        """The statistic ``n`` combines element-wise with the partition, if it does."""
        t = type(n)
        if t is ast.BinOp and isinstance(n.op, _ARITHMETIC):
            pairs = ((n.left, n.right), (n.right, n.left))
        elif t is ast.Compare and len(n.ops) == 1 and isinstance(n.ops[0], _COMPARISONS):
            pairs = ((n.left, n.comparators[0]), (n.comparators[0], n.left))
        elif t is ast.Call and type(n.func) is ast.Attribute and \
                n.func.attr in V.ELEMENTWISE_COMBINING_METHODS and \
                self._partition(n.func.value, param, 0):
            for arg in (*n.args, *(kw.value for kw in n.keywords if kw.arg != "axis")):
                stat = self._statistic_in(arg, param, arrays, 0)
                if stat is not None:
                    return stat
            return None
        else:
            return None
        for data, other in pairs:
            if self._elementwise(data, param, 0):
                stat = self._statistic_in(other, param, arrays, 0)
                if stat is not None:
                    return stat
        return None

    def _summarised(self, n, fn) -> bool:
        """The combination only feeds a reduction (``((d.x - d.x.mean()) ** 2).sum()``,
        also through a name: ``dev = d.x - d.x.mean(); return (dev ** 2).sum()``): a
        per-partition summary, made per partition on purpose."""
        m = self.model
        stmt = None
        for anc in m.ancestors(n):
            if self._reduces(anc):
                return True
            if isinstance(anc, ast.stmt) or anc is fn:
                stmt = anc
                break
        if type(stmt) is not ast.Assign or len(stmt.targets) != 1 or \
                type(stmt.targets[0]) is not ast.Name:
            return False
        name = stmt.targets[0].id
        uses = [u for u in m.body_nodes(fn) if type(u) is ast.Name and u.id == name and
                type(u.ctx) is ast.Load]
        return bool(uses) and all(any(self._reduces(a) for a in self._within(u, fn))
                                  for u in uses)

    def _within(self, node, fn):
        """The ancestors of ``node`` up to its statement."""
        for anc in self.model.ancestors(node):
            if anc is fn:
                return
            yield anc
            if isinstance(anc, ast.stmt):
                return

    def _reduces(self, node) -> bool:
        if type(node) is not ast.Call:
            return False
        func = node.func
        if type(func) is ast.Attribute and func.attr in V.REDUCTION_METHODS:
            return True
        q = self.model.qualname(func)
        return q in V.PARTITION_STATISTIC_FUNCTIONS or q == "builtins.len"

    def _partition(self, e, param, depth) -> bool:
        """``e`` is the partition, row for row: the parameter, a column or a selection of
        it, a copy or cast of it, or a name bound only to one of these."""
        if depth > _DEPTH:
            return False
        t = type(e)
        if t is ast.Name:
            key = (id(e), id(param))
            cache = self._names
            if key not in cache:
                cache[key] = False  # a name that reaches itself (in a loop) is not followed
                cache[key] = self._partition_name(e, param, depth)
            return cache[key]
        if t is ast.Attribute:
            attr = e.attr
            if attr.startswith("_") or attr in _NOT_COLUMNS or \
                    attr in V.PARTITION_STATISTIC_METHODS:
                return False
            return self._partition(e.value, param, depth + 1)
        if t is ast.Subscript:
            key = e.slice
            if type(key) is ast.Constant and type(key.value) is int:
                return False  # one row or one label: a scalar, not the partition
            return self._partition(e.value, param, depth + 1)
        if t is ast.Call:
            func = e.func
            return type(func) is ast.Attribute and func.attr in V.PARTITION_PRESERVING_METHODS \
                and self._partition(func.value, param, depth + 1)
        return False

    def _partition_name(self, e, param, depth) -> bool:
        bindings = self.model.reaching_bindings(e)
        if not bindings:
            return False
        for b in bindings:
            if b.kind == "param":
                if b.node is not param:
                    return False
            elif b.kind not in ("assign", "named") or b.index is not None or \
                    b.value is None or not self._partition(b.value, param, depth + 1):
                return False
        return True

    def _elementwise(self, e, param, depth) -> bool:
        """``e`` is the partition or an element-wise expression of it."""
        if depth > _DEPTH:
            return False
        t = type(e)
        if t is ast.BinOp:
            return self._elementwise(e.left, param, depth + 1) or \
                self._elementwise(e.right, param, depth + 1)
        if t is ast.UnaryOp:
            return self._elementwise(e.operand, param, depth + 1)
        return self._partition(e, param, 0)

    def _statistic_in(self, e, param, arrays, depth) -> ast.AST | None:
        """The reduction of the partition that ``e`` is or is computed from (``3 *
        df.x.std()``, ``blk.max() - blk.min()``, a name bound once to one), when ``e`` is not
        itself element-wise."""
        if depth > _DEPTH:
            return None
        t = type(e)
        if t is ast.Call:
            return e if self._statistic(e, param, arrays) else None
        if t is ast.Name:
            value = single_assignment(self.model, e)
            return None if value is None else self._statistic_in(value, param, arrays,
                                                                 depth + 1)
        if t is ast.BinOp:
            if self._elementwise(e, param, 0):
                return None
            return self._statistic_in(e.left, param, arrays, depth + 1) or \
                self._statistic_in(e.right, param, arrays, depth + 1)
        if t is ast.UnaryOp:
            return self._statistic_in(e.operand, param, arrays, depth + 1)
        return None

    def _statistic(self, call: ast.Call, param, arrays) -> bool:
        """``call`` reduces the whole partition (every row of a column, every element of a
        block): ``df.x.mean()``, ``df.sum(axis=0)``, ``np.mean(block)``."""
        func = call.func
        if call.args and self.model.qualname(func) in V.PARTITION_STATISTIC_FUNCTIONS:
            reduced = call.args[0]
            name = callee_name(call) or ""
            positional = call.args[2 if "quantile" in name or "percentile" in name else 1:]
        elif type(func) is ast.Attribute and func.attr in V.PARTITION_STATISTIC_METHODS:
            reduced = func.value
            positional = call.args[1:] if func.attr == "quantile" else call.args
        else:
            return False
        if positional or not self._partition(reduced, param, 0):
            return False
        for kw in call.keywords:
            if kw.arg == "axis":
                if not (is_constant(kw.value, None) or
                        not arrays and is_constant(kw.value, 0, "index")):
                    return False
            elif kw.arg not in _PLAIN_KEYWORDS:
                return False
        return True

    # ------------------------------------------------------------------ message
    def _message(self, fn, sites, stats: list[str]) -> str:
        what, verb, it = ((stats[0], "is", "it") if len(stats) == 1 else
                          (f"{stats[0]} and {stats[1]}", "are", "them"))
        return (f"{what} in {function_label(fn)} {verb} computed per partition: task "
                f"{site_text(sites, self.model.cite)}; pass {it} in, computed on the collection "
                "(or `# noqa: DSK410`)")


def _first(hit) -> tuple[int, int]:
    return hit[0]
