"""DataFrame partitioning, metadata and shuffling rules (catalog section 4).

Every rule here acts only on values the semantic model knows to be Dask DataFrames, Series or
groupbys: the same method names on pandas objects (and on anything unknown) stay silent.
"""

from __future__ import annotations

import ast
import re
from typing import Iterator

from ..findings import Finding, Safety
from ..model import FRAMES, K, single_assignment
from ..model import vocabulary as V
from ..model.scopes import COMPREHENSION_NODES, FUNCTION_NODES
from . import _edits as E
from .base import Rule, last_names

_MAX_FOLLOW = 4  # how many simple assignments a helper follows back from a name


def _keyword(call: ast.Call, name: str) -> ast.AST | None:
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    return None


def _has_star_kwargs(call: ast.Call) -> bool:
    return any(kw.arg is None for kw in call.keywords)


def _is_const(node: ast.AST | None, *values) -> bool:
    return type(node) is ast.Constant and any(
        node.value == v and type(node.value) is type(v) for v in values)


def _short(node: ast.AST, limit: int = 48) -> str:
    text = ast.unparse(node).replace("\n", " ")
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _call_text(call: ast.Call, limit: int = 48) -> str:
    """``ddf.merge(...)``: the callee, and the arguments when they are short."""
    callee = _short(call.func, limit)
    args = ", ".join([ast.unparse(a) for a in call.args]
                     + [f"{k.arg}={ast.unparse(k.value)}" if k.arg else f"**{ast.unparse(k.value)}"
                        for k in call.keywords])
    text = f"{callee}({args})"
    return text if len(text) <= limit else f"{callee}(...)"


def _function_text(model, expr: ast.AST) -> str:
    """How a message names a function argument: ``lambda``, ``score`` or the expression."""
    fn = model.function_of(expr)
    if fn is not None:
        return "lambda" if type(fn) is ast.Lambda else fn.name
    return _short(expr, 32)


def _resolved(model, expr: ast.AST, depth: int = 0) -> ast.AST:
    """``expr``, or the value assigned to it when it is a name assigned exactly once."""
    while type(expr) is ast.Name and depth < _MAX_FOLLOW:
        value = single_assignment(model, expr)
        if value is None:
            break
        expr = value
        depth += 1
    return expr


_LIMIT = re.compile(r"\blimit\b|\btop\s+\d", re.I)


def _small_read(model, read: ast.Call) -> bool:
    """A driver-side read that is small by construction: a few rows (``nrows=``, a SQL
    ``LIMIT``), a chunked iterator, or text held in the code (``io.StringIO("...")``)."""
    if any(_keyword(read, k) is not None for k in ("nrows", "chunksize", "iterator")):
        return True
    if not read.args:
        return False
    source = _resolved(model, read.args[0])
    if type(source) is ast.Call:
        if model.qualname(source.func) in V.IN_MEMORY_BUFFERS:
            return True
        if type(source.func) is ast.Attribute and source.func.attr == "limit":
            return True
    if type(source) is ast.Constant and isinstance(source.value, str):
        return "\n" in source.value or (
            model.qualname(read.func) in V.SQL_READERS and bool(_LIMIT.search(source.value)))
    return False


def _spelled_path(model, expr: ast.AST, depth: int = 0) -> bool:
    """A file path written in the code: a string, an f-string, a concatenation with one,
    ``os.path.join(...)`` or ``Path(...)``, or a name bound once to one of these."""
    t = type(expr)
    if t is ast.Constant:
        return type(expr.value) is str and "\n" not in expr.value
    if t is ast.JoinedStr:
        return True
    if t is ast.BinOp:
        return type(expr.op) is ast.Add and any(
            type(side) in (ast.Constant, ast.JoinedStr) and _spelled_path(model, side, depth)
            for side in (expr.left, expr.right))
    if t is ast.Call:
        return model.qualname(expr.func) in V.PATH_BUILDERS
    if t is ast.Name and depth < 2:
        value = single_assignment(model, expr)
        return value is not None and _spelled_path(model, value, depth + 1)
    return False


def _inside(node: ast.AST, container: ast.AST) -> bool:
    start = (node.lineno, node.col_offset)
    return (container.lineno, container.col_offset) <= start <= (
        container.end_lineno, container.end_col_offset)


def _is_number(node: ast.AST) -> bool:
    return type(node) is ast.Constant and type(node.value) in (int, float)


def _is_full_slice(node: ast.AST, model) -> bool:
    if type(node) is ast.Slice:
        return node.lower is None and node.upper is None and node.step is None
    return (type(node) is ast.Call and model.qualname(node.func) == "builtins.slice"
            and len(node.args) == 1 and _is_const(node.args[0], None))


def _single_partition_call(model, expr: ast.AST, depth: int = 0) -> ast.Call | None:
    """``x.repartition(npartitions=1)`` or ``dd.from_pandas(..., npartitions=1)``, directly or
    through a name assigned once."""
    if type(expr) is ast.Name and depth < _MAX_FOLLOW:
        value = single_assignment(model, expr)
        return _single_partition_call(model, value, depth + 1) if value is not None else None
    if type(expr) is not ast.Call or not _is_const(_keyword(expr, "npartitions"), 1):
        return None
    func = expr.func
    if type(func) is ast.Attribute and func.attr == "repartition":
        return expr
    if model.qualname(func) in V.FROM_PANDAS_FUNCTIONS:
        return expr
    return None


# =============================================================================================
# DSK401
# =============================================================================================

class LoadWithPandasThenDask(Rule):
    """Data read in the driver with pandas or NumPy, then handed to Dask.

    ## What it does
    Finds `dd.from_pandas(...)` (and `dask_geopandas.from_geopandas(...)`) whose data is a
    `pd.read_*(...)` call (possibly followed by methods such as `.set_index(...)`, or
    concatenated with `pd.concat`), or a name bound from one; `dd.concat([...])` whose list
    holds such reads; and `da.from_array(...)` of an array loaded in the driver
    (`np.load(...)` without `mmap_mode`, `np.loadtxt(...)`, ...) or of a whole h5py/zarr
    dataset read into memory (`np.asarray(f["x"])`, `f["x"][:]`).

    ## Why is this bad?
    The whole file is read by one process, the client, and the data is then embedded in the
    task graph and shipped to the scheduler and the workers. The Dask best-practices page
    calls it "a common anti-pattern"; distributed warns `Sending large graph of size ...`
    above 10 MB, and since 2023.4 the scheduler deserializes the graph too, so it must hold
    the data as well (dask/dask#10644, answered with "load data with Dask"). Reading with
    Dask lets every worker read its own partition in parallel.

    ## Example
    ```python
    pdf = pd.read_csv("s3://bucket/2024-*.csv")
    ddf = dd.from_pandas(pdf, npartitions=32)

    with h5py.File("data.h5") as f:
        x = da.from_array(np.asarray(f["x"]), chunks=1000)
    ```

    ## Use instead
    ```python
    ddf = dd.read_csv("s3://bucket/2024-*.csv")

    f = h5py.File("data.h5")
    x = da.from_array(f["x"], chunks=1000)  # read lazily, chunk by chunk
    ```

    ## Fix safety
    Unsafe: `dd.from_pandas(pd.read_csv(path, ...), npartitions=n)` becomes
    `dd.read_csv(path, ...)` (also `read_table`, `read_fwf`, `read_parquet`, `read_orc`),
    keeping the reader's arguments. The partitioning changes (by file blocks instead of
    `npartitions`), the index is no longer sorted with known divisions, and Dask infers
    dtypes from a sample of the file, which can fail on columns of mixed types that pandas
    read whole. Only for that exact inline shape, with `from_pandas` spelled through the
    module alias of `dask.dataframe` (`dd.`), a path spelled in the code (a string, an
    f-string, `os.path.join(...)`, or a name bound once to one of these), and keywords that
    Dask's reader accepts and applies the same way (not `index_col`, `skiprows`, ...).

    ## Options
    None.

    ## References
    - https://docs.dask.org/en/stable/best-practices.html#load-data-with-dask
    - https://github.com/dask/dask/issues/10644
    - Not flagged: `from_pandas` of frames built in code (tests, examples) or of frames whose
      origin is unknown (function parameters); reads with `nrows=`, `chunksize=` or
      `iterator=`; `da.from_array(dataset)` of the lazy dataset itself;
      `da.from_array(np.load(path, mmap_mode="r"))`, which is read lazily.
    - Known limitation: a frame read in another function and returned is not followed.
    """

    code = "DSK401"
    name = "load-with-pandas-then-dask"
    node_types = (ast.Call,)
    call_names = last_names(V.FROM_PANDAS_FUNCTIONS, V.DATAFRAME_CONCAT_FUNCTIONS,
                            V.ARRAY_FROM_MEMORY_FUNCTIONS)
    fix_safety = Safety.UNSAFE
    fix_title = "Read it with Dask: dd.read_*(...)"

    def check(self, node: ast.Call) -> Iterator[Finding]:
        m = self.model
        q = m.qualname(node.func)
        if q is None:
            return
        if q in V.FROM_PANDAS_FUNCTIONS:
            data = node.args[0] if node.args else _keyword(node, "data")
            read = self._table_read(data) if data is not None else None
            if read is not None:
                yield self._report_read(node, read)
        elif q in V.DATAFRAME_CONCAT_FUNCTIONS:
            dfs = node.args[0] if node.args else _keyword(node, "dfs")
            for element in self._elements(dfs):
                read = self._table_read(element)
                if read is not None:
                    yield self._report_read(node, read)
                    return
        elif q in V.ARRAY_FROM_MEMORY_FUNCTIONS:
            x = node.args[0] if node.args else _keyword(node, "x") or _keyword(node, "a")
            if x is None:
                return
            load = self._array_load(x)
            if load is not None:
                what, advice = load
                yield self.report(
                    node,
                    f"{_short(node.func, 40)}() of {what} loads the whole array into the "
                    f"driver and ships it inside the task graph; let Dask read it chunk by "
                    f"chunk: {advice}", fixable=False)

    def _report_read(self, node: ast.Call, read: ast.Call) -> Finding:
        m = self.model
        reader_q = m.qualname(read.func)
        reader = _short(read.func, 24)
        dask_reader = V.DASK_READER_FOR.get(reader_q)
        advice = (f"read it with {dask_reader}() so that each worker reads its own partition"
                  if dask_reader else
                  "read it with a Dask reader, or build partitions with dd.from_map()")
        return self.report(
            node,
            f"{_short(node.func, 40)}() of a frame read in the driver by {reader}() (line "
            f"{read.lineno}) loads all the data in one process and ships it inside the task "
            f"graph; {advice}",
            **self._fix_facts(node, read))

    def _fix_facts(self, node: ast.Call, read: ast.Call) -> dict:
        """``dd.from_pandas(pd.read_csv(<path>, ...), npartitions=n)``, exactly: the Dask
        reader that replaces it, through the module alias of ``dd.from_pandas``."""
        m = self.model
        same = V.DASK_READER_SAME_ARGUMENTS.get(m.qualname(read.func))
        func = node.func
        if same is None or m.qualname(func) not in V.FROM_PANDAS_FUNCTIONS or \
                type(func) is not ast.Attribute or type(func.value) is not ast.Name or \
                m.qualname(func.value) != "dask.dataframe":
            return {"fixable": False}
        reader, keywords = same
        if node.args[:1] != [read] or len(node.args) > 1 or any(
                kw.arg not in V.FROM_PANDAS_PARTITIONING for kw in node.keywords):
            return {"fixable": False}
        if len(read.args) != 1 or not _spelled_path(m, read.args[0]) or any(
                kw.arg not in keywords for kw in read.keywords):
            return {"fixable": False}
        return {"fix_data": {"reader": reader}}

    def fix(self, node, finding):
        import libcst as cst

        read = node.args[0].value
        return read.with_changes(func=cst.Attribute(value=node.func.value,
                                                    attr=cst.Name(finding.fix.data["reader"])),
                                 lpar=node.lpar, rpar=node.rpar)

    @staticmethod
    def _elements(expr: ast.AST | None) -> list[ast.AST]:
        if type(expr) in (ast.List, ast.Tuple):
            return [e for e in expr.elts if type(e) is not ast.Starred]
        if type(expr) in (ast.ListComp, ast.GeneratorExp):
            return [expr.elt]
        return []

    def _table_read(self, expr: ast.AST, depth: int = 0) -> ast.Call | None:
        """The ``pd.read_*`` call whose whole result ``expr`` is, if any."""
        m = self.model
        v = m.value(expr)
        if v is not None and v.kind == K.LARGE and type(v.origin) is ast.Call and \
                m.qualname(v.origin.func) in V.TABLE_READERS:
            return None if _small_read(m, v.origin) else v.origin
        if depth >= _MAX_FOLLOW:
            return None
        if type(expr) is ast.Name:
            value = single_assignment(m, expr)
            return self._table_read(value, depth + 1) if value is not None else None
        if type(expr) is ast.Call and m.qualname(expr.func) in V.PANDAS_CONCAT_FUNCTIONS:
            objs = expr.args[0] if expr.args else _keyword(expr, "objs")
            for element in self._elements(objs):
                read = self._table_read(element, depth + 1)
                if read is not None:
                    return read
        return None

    def _array_load(self, expr: ast.AST, depth: int = 0) -> tuple[str, str] | None:
        """How ``expr`` was loaded into driver memory, if it was, and what to do instead."""
        m = self.model
        v = m.value(expr)
        if v is not None and v.kind == K.LARGE and type(v.origin) is ast.Call:
            loader = v.origin
            q = m.qualname(loader.func)
            if q in V.LARGE_OBJECT_LOADERS:
                mmap = _keyword(loader, "mmap_mode")
                if q in V.MMAP_LOADERS and mmap is not None and not _is_const(mmap, None):
                    return None
                if q in V.TABLE_READERS and _small_read(m, loader):
                    return None
                advice = ("np.load(..., mmap_mode='r') reads it lazily"
                          if q in V.MMAP_LOADERS else
                          "store it in a chunked format (Zarr, HDF5) and pass the dataset "
                          "to da.from_array(), or use da.from_zarr()")
                return f"{v.what} (line {loader.lineno})", advice
            return None
        dataset = None
        if type(expr) is ast.Call and m.qualname(expr.func) in V.ARRAY_MATERIALIZERS and \
                expr.args and self._store_dataset(expr.args[0]):
            dataset = expr.args[0]
        elif type(expr) is ast.Subscript and self._reads_whole(expr.slice) and \
                self._store_dataset(expr.value):
            dataset = expr.value
        if dataset is not None:
            return (f"{_short(expr, 32)} (the whole dataset read into memory)",
                    f"pass the dataset itself: da.from_array({_short(dataset, 32)}, "
                    "chunks=...)")
        if type(expr) is ast.Name and depth < _MAX_FOLLOW:
            value = single_assignment(m, expr)
            if value is not None and type(value) is not ast.Name:
                return self._array_load(value, depth + 1)
        return None

    @staticmethod
    def _reads_whole(key: ast.AST) -> bool:
        if type(key) is ast.Slice:
            return key.lower is None and key.upper is None and key.step is None
        if type(key) is ast.Constant and key.value is Ellipsis:
            return True
        return type(key) is ast.Tuple and not key.elts

    def _store_dataset(self, expr: ast.AST, depth: int = 0) -> bool:
        """``expr`` is an h5py/zarr/netCDF4 file, group or dataset (lazy on-disk data)."""
        m = self.model
        if depth > _MAX_FOLLOW:
            return False
        t = type(expr)
        if t is ast.Call:
            return m.qualname(expr.func) in V.LAZY_ARRAY_STORES
        if t is ast.Subscript:
            key = expr.slice
            if type(key) in (ast.Slice, ast.Tuple) or (
                    type(key) is ast.Constant and not isinstance(key.value, str)):
                return False
            return self._store_dataset(expr.value, depth + 1)
        if t is ast.Attribute and expr.attr == "variables":
            return self._store_dataset(expr.value, depth + 1)
        if t is ast.Name:
            value = single_assignment(m, expr)
            return value is not None and self._store_dataset(value, depth + 1)
        return False


# =============================================================================================
# DSK402
# =============================================================================================

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
                    _is_groupby(recv):
                position = None
                warns = True
            else:
                return
            fn_expr = node.args[0] if node.args else _keyword(node, "func") or \
                _keyword(node, "arg")
            if fn_expr is None or self._has_meta(node, position):
                return
            if meth == "map" and not self._is_callable(fn_expr):
                return
            label = f"{_short(func, 40)}({_function_text(m, fn_expr)})"
        else:
            if q not in V.MODULE_META_FUNCTIONS:
                return
            if self._has_meta(node, V.MODULE_META_FUNCTIONS[q]):
                return
            if q == "dask.dataframe.from_delayed":
                if not node.args and _keyword(node, "dfs") is None:
                    return
                yield self.report(
                    node,
                    f"{_short(func, 24)}() without meta= computes the first partition in the "
                    "driver, while the graph is built, to learn the columns and dtypes; pass "
                    "meta= (an empty pandas DataFrame or a {column: dtype} dict)")
                return
            if not node.args:
                return
            label = f"{_short(func, 24)}({_function_text(m, node.args[0])})"
            warns = False
        how = ("runs the function on a small fake dataset to guess the output types and "
               "warns that the guess may be wrong" if warns else
               "silently calls the function on an empty stand-in partition while building the "
               "graph to guess the output columns and dtypes, which can raise or guess wrong")
        yield self.report(
            node,
            f"{label} has no meta=: Dask {how}; pass meta= (e.g. meta={{'x': 'f8'}}, "
            "meta=('name', 'i8') or an empty pandas object)")

    @staticmethod
    def _has_meta(call: ast.Call, position: int | None) -> bool:
        if _has_star_kwargs(call) or _keyword(call, "meta") is not None:
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


def _is_groupby(v) -> bool:
    """A groupby made by ``.groupby(...)`` (not a rolling/resample window or an accessor)."""
    origin = v.origin
    return type(origin) is ast.Call and type(origin.func) is ast.Attribute and \
        origin.func.attr == "groupby"


# =============================================================================================
# DSK403
# =============================================================================================

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
        axis = _keyword(node, "axis")
        if not _is_const(axis, 1, "columns"):
            return
        recv = self.model.value(func.value)
        if recv is None or recv.kind not in (K.DATAFRAME, K.FRAME):
            return
        fn_expr = node.args[0] if node.args else _keyword(node, "func")
        fn_text = _function_text(self.model, fn_expr) if fn_expr is not None else "function"
        yield self.report(
            node,
            f"{_short(func, 32)}({fn_text}, axis={ast.unparse(axis)}) calls the function once "
            "per row in Python; Dask only splits that loop by partition. Use vectorized column "
            "expressions, or map_partitions with a vectorized function")


# =============================================================================================
# DSK404
# =============================================================================================

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
    fix_safety = Safety.UNSAFE
    fix_title = "Use the groupby reduction: groupby(k).col.sum()"

    def check(self, node: ast.Call) -> Iterator[Finding]:
        m = self.model
        func = node.func
        if type(func) is not ast.Attribute or func.attr not in ("apply", "transform"):
            return
        recv = m.value(func.value)
        if recv is None or recv.kind != K.GROUPBY or not _is_groupby(recv):
            return
        if self._groups_on_index(recv.origin):
            return
        fn_expr = node.args[0] if node.args else _keyword(node, "func")
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
                      if suggestion else "compute the reduction with .agg(...) and merge it "
                                         "back onto the rows")
        yield self.report(
            node,
            f"{receiver}.{func.attr}({_function_text(m, fn_expr)}) only reduces each group "
            f"({_short(reduction, 32)}), yet {func.attr} shuffles every row so that each "
            f"group sits in one partition; a groupby reduction is a cheap tree reduction: "
            f"{advice}",
            fixable=self._fixable(node, fn_expr, recv.origin))

    def _fixable(self, node: ast.Call, fn_expr: ast.AST, groupby: ast.Call) -> bool:
        """``<groupby>.apply(lambda g: g.col.<reduction>())`` exactly, on a groupby of
        columns written inline or bound once to a name."""
        if node.func.attr != "apply" or node.args != [fn_expr] or any(
                kw.arg != "meta" for kw in node.keywords):
            return False
        receiver = node.func.value
        if receiver is not groupby and not (
                type(receiver) is ast.Name and
                single_assignment(self.model, receiver) is groupby):
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
        if _keyword(groupby, "level") is not None:
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
                if n.value is None or _is_number(n.value):
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
            if (left or right) and (left or _is_number(expr.left)) and \
                    (right or _is_number(expr.right)):
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
                        type(key) is ast.List and all(type(e) is ast.Constant and
                                                      isinstance(e.value, str)
                                                      for e in key.elts)):
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


# =============================================================================================
# DSK405
# =============================================================================================

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
        if q is None and type(func) is ast.Attribute and (func.attr in V.SHUFFLE_METHODS or
                                                          func.attr in V.JOIN_METHODS):
            meth = func.attr
            if not self._frame(func.value):
                return
            if meth in V.SHUFFLE_METHODS:
                if meth == "set_index" and self._presorted(node):
                    return
                frames = [func.value]
            else:
                other = node.args[0] if node.args else _keyword(node, "right") or \
                    _keyword(node, "other")
                if other is None or not self._frame(other) or \
                        not self._shuffling_join(node, meth, func.value, other):
                    return
                frames = [func.value, other]
            label = _call_text(node)
        elif q in V.JOIN_FUNCTIONS:
            left = node.args[0] if node.args else _keyword(node, "left")
            right = node.args[1] if len(node.args) > 1 else _keyword(node, "right")
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
            f"{label} inside a {kind} (line {loop.lineno}) shuffles '{source}', defined "
            "outside it, all over again in every iteration; shuffle (or set the index, or "
            "merge) once before the loop and persist() the result, or group once and select")

    def _frame(self, expr: ast.AST) -> bool:
        v = self.model.value(expr)
        return v is not None and v.kind in FRAMES

    @staticmethod
    def _presorted(call: ast.Call) -> bool:
        flag = _keyword(call, "sorted")
        if flag is not None and not _is_const(flag, False):
            return True
        divisions = _keyword(call, "divisions")
        return divisions is not None and not _is_const(divisions, None)

    def _shuffling_join(self, call: ast.Call, meth: str, left, right) -> bool:
        m = self.model
        if _has_star_kwargs(call):
            return False
        broadcast = _keyword(call, "broadcast")
        if broadcast is not None and not _is_const(broadcast, False, None):
            return False
        if meth == "join":
            on = _keyword(call, "on")
            if on is None or _is_const(on, None):
                return False
        else:
            li, ri = _keyword(call, "left_index"), _keyword(call, "right_index")
            if li is not None and ri is not None and not _is_const(li, False) and \
                    not _is_const(ri, False):
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
                if not _inside(b.node, loop):
                    return name.id
                if depth < _MAX_FOLLOW and b.kind in ("assign", "named") and \
                        b.value is not None:
                    found = self._outer_source(b.value, loop, depth + 1)
                    if found:
                        return found
        return None


# =============================================================================================
# DSK406
# =============================================================================================

class IterateRows(Rule):
    """Iterating over the rows or values of a Dask DataFrame or Series in the driver.

    ## What it does
    Finds `ddf.iterrows()` and `ddf.itertuples()` on a Dask DataFrame, and iteration over a
    Dask Series: `for v in ddf.col:`, comprehensions over one, `zip(...)`/`enumerate(...)`
    of one in a `for`, and `list()`, `tuple()`, `set()` or `sorted()` of one.

    ## Why is this bad?
    Iteration computes the collection one partition after another in the driver and then
    loops in Python, with no parallelism (verified with dask 2026.8: `iterrows` ran the
    partition tasks and yielded the rows locally). It is both the slowest way to process a
    Dask DataFrame and an implicit compute.

    ## Example
    ```python
    for _, row in ddf.iterrows():
        total += row.price * row.qty
    for user in ddf.user.unique():
        notify(user)
    ```

    ## Use instead
    ```python
    total = (ddf.price * ddf.qty).sum().compute()
    for user in ddf.user.unique().compute():
        notify(user)
    ```

    ## Fix safety
    No automatic fix: vectorizing (or choosing where to compute) needs a human.

    ## Options
    None.

    ## References
    - https://docs.dask.org/en/stable/dataframe-best-practices.html
    - https://github.com/dask/dask/issues/1122
    - Not flagged: iteration over `ddf.columns`, `ddf.dtypes`, `ddf.partitions` or a Dask
      DataFrame itself (it yields column names, without computing); iteration over computed
      (pandas) results.
    - `list(<dask Series>)` is also an implicit compute (DSK504).
    """

    code = "DSK406"
    name = "iterate-rows"
    node_types = (ast.Call, ast.For, ast.AsyncFor, *COMPREHENSION_NODES)
    call_names = last_names(V.ROW_ITERATORS, V.ITERATING_BUILTINS)  # calls only

    def check(self, node) -> Iterator[Finding]:
        m = self.model
        t = type(node)
        if t is ast.Call:
            func = node.func
            if type(func) is ast.Attribute and func.attr in V.ROW_ITERATORS:
                recv = m.value(func.value)
                if recv is not None and recv.kind in (K.DATAFRAME, K.FRAME):
                    yield self.report(
                        node,
                        f"{_short(func, 32)}() computes the Dask DataFrame partition by "
                        "partition in the driver and loops over its rows in Python, without "
                        "parallelism; use vectorized column operations, map_partitions, or "
                        "reduce first and .compute() the small result")
                return
            if m.qualname(func) in V.ITERATING_BUILTINS and len(node.args) == 1 and \
                    self._series(node.args[0]):
                yield self.report(
                    node,
                    f"{_short(func, 16)}({_short(node.args[0], 32)}) iterates a Dask Series: "
                    "it computes it partition by partition in the driver; call "
                    f"{_short(node.args[0], 32)}.compute() once (or reduce it first)")
            return
        if t in (ast.For, ast.AsyncFor):
            iters = [node.iter]
        else:
            iters = [g.iter for g in node.generators]
        for it in iters:
            series = self._iterated_series(it)
            if series is not None:
                yield self.report(
                    node,
                    f"iterating over the Dask Series {_short(series, 32)} computes it "
                    "partition by partition in the driver and loops in Python; vectorize, or "
                    f"iterate over {_short(series, 32)}.compute() after reducing it")
                return

    def _series(self, expr: ast.AST) -> bool:
        v = self.model.value(expr)
        return v is not None and v.kind == K.SERIES

    def _iterated_series(self, expr: ast.AST) -> ast.AST | None:
        if self._series(expr):
            return expr
        if type(expr) is ast.Call and self.model.qualname(expr.func) in V.ITERATION_WRAPPERS:
            return next((a for a in expr.args if self._series(a)), None)
        return None


# =============================================================================================
# DSK407
# =============================================================================================

class SinglePartition(Rule):
    """A Dask DataFrame squeezed into a single partition and then processed.

    ## What it does
    Finds `dd.from_pandas(..., npartitions=1)` (and `dask_geopandas.from_geopandas`) of data
    read or computed in the driver, and `dd.from_pandas(..., npartitions=1)` or
    `ddf.repartition(npartitions=1)` whose result is then processed partition-wise
    (`map_partitions`, `apply`, `map`, `groupby`, `rolling`, `agg`, ...), directly or through
    a variable.

    ## Why is this bad?
    One partition is one task: there is no parallelism, and the whole frame must fit in one
    worker's memory (users reported nanny memory kills, dask/dask#4391). The docs ask for
    partitions of about 100 MB, many of which fit in a worker's memory.

    ## Example
    ```python
    ddf = dd.from_pandas(pdf, npartitions=1)
    scored = ddf.map_partitions(score, meta=meta)
    ```

    ## Use instead
    ```python
    ddf = dd.from_pandas(pdf, npartitions=os.cpu_count() * 2)
    # or, from an existing frame:
    ddf = ddf.repartition(partition_size="100MB")
    ```

    ## Fix safety
    No automatic fix: the right number of partitions depends on the data and the cluster.

    ## Options
    None.

    ## References
    - https://docs.dask.org/en/stable/best-practices.html#avoid-very-large-partitions
    - https://docs.dask.org/en/stable/dataframe-best-practices.html#repartition-to-reduce-overhead
    - https://github.com/dask/dask/issues/4391
    - Not flagged: `repartition(npartitions=1)` before a write (`to_csv`, `to_parquet`, ...)
      or a compute; a single-partition frame used as the small side of a merge or join or
      as an `isin` argument (a broadcast join, which the Dask docs recommend); reduced
      results (after `groupby(...).agg`, `value_counts`, ...); `from_pandas` of small frames
      built in code (tests, examples).
    - Known limitation: `dd.read_csv(path, blocksize=None)` of a single file is not
      reported (it is required for compressed files).
    """

    code = "DSK407"
    name = "single-partition"
    node_types = (ast.Call,)
    call_names = frozenset({"repartition"}) | last_names(V.FROM_PANDAS_FUNCTIONS)

    def check(self, node: ast.Call) -> Iterator[Finding]:
        m = self.model
        if not _is_const(_keyword(node, "npartitions"), 1):
            return
        func = node.func
        if type(func) is ast.Attribute and func.attr == "repartition":
            recv = m.value(func.value)
            if recv is None or recv.kind not in FRAMES or self._reduced(func.value):
                return
            use = self._parallel_use(node)
            if use is None:
                return
            yield self.report(
                node,
                f"{_short(func, 32)}(npartitions=1) puts all the data in one partition, and "
                f"the {use.func.attr}() at line {use.lineno} then runs as a single task with "
                "no parallelism (the partition must also fit in one worker's memory); keep "
                "several partitions (partition_size='100MB')")
            return
        if m.qualname(func) not in V.FROM_PANDAS_FUNCTIONS:
            return
        data = node.args[0] if node.args else _keyword(node, "data")
        if data is None or self._built_in_code(data):
            return
        v = m.value(data)
        if v is not None and v.kind == K.LARGE and not (
                type(v.origin) is ast.Call and _small_read(m, v.origin)):
            reason = f"of {v.what}"
        else:
            use = self._parallel_use(node)
            if use is None:
                return
            reason = f"processed by {use.func.attr}() at line {use.lineno}"
        yield self.report(
            node,
            f"{_short(func, 40)}(..., npartitions=1) makes one partition {reason}: a single "
            "task with no parallelism, whose data must fit in one worker's memory; use "
            "npartitions=<cores x k> or chunksize=")

    def _built_in_code(self, expr: ast.AST, depth: int = 0) -> bool:
        """A pandas object constructed in the code (``pd.DataFrame({...})``), not loaded."""
        m = self.model
        if type(expr) is ast.Call:
            q = m.qualname(expr.func) or ""
            module, _, rest = q.partition(".")
            if module in ("pandas", "geopandas"):
                return any(part[:1].isupper() for part in rest.split("."))
            # ``pd = _backend_library()`` (unresolved): judge by the constructor's name
            func = expr.func
            return type(func) is ast.Attribute and func.attr in V.FRAME_CONSTRUCTOR_NAMES
        if type(expr) is ast.Name and depth < _MAX_FOLLOW:
            value = single_assignment(m, expr)
            return value is not None and self._built_in_code(value, depth + 1)
        return False

    def _reduced(self, expr: ast.AST, depth: int = 0) -> bool:
        """``expr`` is a reduced (small) result: an aggregation or a groupby result."""
        m = self.model
        while True:
            t = type(expr)
            if t is ast.Call:
                func = expr.func
                if type(func) is ast.Attribute:
                    recv = m.value(func.value)
                    if recv is not None and recv.kind == K.GROUPBY:
                        return True
                    if func.attr in ("agg", "aggregate", "value_counts", "describe", "head",
                                     "tail", "nlargest", "nsmallest", "unique",
                                     "drop_duplicates", "sample"):
                        return True
                    expr = func.value
                    continue
                return False
            if t in (ast.Attribute, ast.Subscript):
                expr = expr.value
                continue
            if t is ast.Name and depth < _MAX_FOLLOW:
                value = single_assignment(m, expr)
                return value is not None and self._reduced(value, depth + 1)
            return False

    def _parallel_use(self, call: ast.Call) -> ast.Call | None:
        """The partition-wise method call applied to the result of ``call``, if any."""
        use = self._method_on(call)
        if use is not None:
            return use
        parent = self.model.parent(call)
        if type(parent) is not ast.Assign or len(parent.targets) != 1 or \
                type(parent.targets[0]) is not ast.Name:
            return None
        target = parent.targets[0]
        for name in self._uses(target, parent):
            use = self._method_on(name)
            if use is not None:
                return use
        return None

    def _method_on(self, expr: ast.AST) -> ast.Call | None:
        """``expr.<parallel method>(...)``, also through a column selection."""
        node = expr
        while True:
            parent = self.model.parent(node)
            field = self.model.field_of(node, parent)
            if type(parent) is ast.Attribute and field == "value":
                grand = self.model.parent(parent)
                if type(grand) is ast.Call and self.model.field_of(parent, grand) == "func":
                    return grand if parent.attr in V.PARALLEL_FRAME_METHODS else None
                node = parent  # a column: ``x.col.map(...)``
                continue
            if type(parent) is ast.Subscript and field == "value":
                node = parent
                continue
            return None

    def _uses(self, target: ast.Name, stmt: ast.stmt):
        """Loads of ``target``'s name that this assignment reaches, in its scope."""
        m = self.model
        scope = m.scope_of(target)
        root = scope.node
        body = [root.body] if type(root) is ast.Lambda else list(getattr(root, "body", []))
        stack = body
        while stack:
            n = stack.pop()
            if type(n) is ast.Name:
                if n.id == target.id and type(n.ctx) is ast.Load and \
                        (n.lineno, n.col_offset) > (stmt.lineno, stmt.col_offset) and \
                        any(b.node is target for b in m.reaching_bindings(n)):
                    yield n
                continue
            if isinstance(n, (*FUNCTION_NODES, ast.ClassDef)):
                continue
            stack.extend(ast.iter_child_nodes(n))


# =============================================================================================
# DSK409
# =============================================================================================

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
    fix_safety = Safety.SAFE
    fix_title = "Assign the result instead of inplace=True"

    def check(self, call: ast.Call) -> Iterator[Finding]:
        m = self.model
        func = call.func
        if type(func) is not ast.Attribute:
            return
        flag = E.keyword(call, "inplace")
        if flag is None or not E.is_constant(flag.value, True):
            return
        if m.kind(func.value) not in FRAMES or m.expects_failure(call):
            return
        meth = func.attr
        receiver = ast.unparse(func.value)
        if len(receiver) > 30:
            receiver = receiver[:27] + "..."
        if meth in V.INPLACE_IGNORING_METHODS:
            effect = ("accepts inplace=True and ignores it: Dask collections are immutable, "
                      "so this does nothing")
            safety = Safety.UNSAFE
        elif meth in V.INPLACE_REJECTING_METHODS:
            error = "NotImplementedError" if meth == "eval" else "TypeError"
            effect = f"raises {error}: Dask collections are immutable and take no inplace="
            safety = Safety.SAFE
        else:
            effect = "has no inplace= in Dask: Dask collections are immutable"
            safety = None
        stmt = E.bare_statement(self.model, call)
        fixable = safety is not None and stmt is not None and E.assignable(m, func.value, stmt)
        finding = self.report(
            call,
            f"{receiver}.{meth}(..., inplace=True) on {V.KIND_NAMES[m.kind(func.value)]} "
            f"{effect}; assign the result instead: {receiver} = {receiver}.{meth}(...)",
            fixable=fixable, fix_target=stmt)
        if finding.fix is not None:
            finding.fix.safety = safety
        yield finding

    def fix(self, node, finding):
        import libcst as cst

        if not isinstance(node, cst.Expr) or not isinstance(node.value, cst.Call) or \
                not isinstance(node.value.func, cst.Attribute):
            return node
        call = E.without_keyword(node.value, "inplace")
        receiver = E.strip_parentheses(call.func.value)
        return cst.Assign(targets=[cst.AssignTarget(target=receiver)], value=call,
                          semicolon=node.semicolon)


#: Dask values that a row mask or a stored value must not read besides the frame itself:
#: their rows need not line up with the frame's (a Scalar is one value, and is fine).
_OTHER_DATA_KINDS = frozenset({K.DATAFRAME, K.SERIES, K.FRAME, K.ARRAY, K.BAG, K.DELAYED})


class LocSetitem(Rule):
    """Assignment through `.loc`/`.iloc`, or row selection by `.iloc`, on a Dask DataFrame.

    ## What it does
    Finds `ddf.loc[...] = v`, `ddf.iloc[...] = v` (and augmented assignments such as
    `ddf.loc[mask, "a"] += 1`) on a Dask DataFrame or Series, `ddf.iloc[<rows>]` (anything
    but `ddf.iloc[:, <columns>]`), and `.iloc` on a Dask Series.

    ## Why is this bad?
    Dask DataFrames are immutable and their row positions are unknown without computing
    every partition. Verified with dask 2026.8: `ddf.loc[ddf.a > 5, "b"] = 0` raises
    `TypeError: 'LocIndexer' object does not support item assignment`, `ddf.iloc[0:5]`
    raises `NotImplementedError: 'DataFrame.iloc' only supports selecting columns`, and a
    Dask Series has no `.iloc` at all. Code ported from pandas breaks at this line.

    ## Example
    ```python
    ddf.loc[ddf.price < 0, "price"] = 0
    first = ddf.iloc[:100]
    ```

    ## Use instead
    ```python
    ddf["price"] = ddf.price.mask(ddf.price < 0, 0)
    first = ddf.head(100)
    ```

    ## Fix safety
    Unsafe: `ddf.loc[<mask>, "c"] = v` becomes `ddf["c"] = ddf["c"].mask(<mask>, v)`, and
    `s.loc[<mask>] = v` on a Dask Series held in a name becomes `s = s.mask(<mask>, v)`.
    Only when the frame is a name, the subscript is on one line, the mask is certainly a
    boolean Series (a comparison, `~`, `&`, `|`, `isna()`, `isin()`, `between()`,
    `.str.contains()`, ...) computed from that frame and no other Dask collection, and the
    value is a number, a string, a bool, None, NaN or a Series computed from the frame
    alone: then the mask and the value have the frame's index and partitions, and `mask()`
    stores the value in exactly the rows `.loc` selects (verified with dask 2026.8 against
    pandas). The original always raised, but the new code can still differ from what pandas
    would do: where pandas 3 refuses a value of another dtype (`TypeError: Invalid value
    '1.5' for dtype 'int64'`), `mask()` upcasts the column; a column that does not exist
    yet, which pandas would create, makes `ddf["c"]` raise `KeyError`; and rebinding a
    Series name does not change the frame it came from. No fix for `.iloc`, augmented
    assignments, several columns, row labels or a mask or value of unknown origin (an array
    or a list would be stored differently: `.loc` takes one item per selected row).

    ## Options
    None.

    ## References
    - https://docs.dask.org/en/stable/dataframe-api.html
    - https://docs.dask.org/en/stable/dataframe-indexing.html
    - Not flagged: `ddf.loc[...]` reads; `ddf.iloc[:, cols]`; pandas frames, including
      computed results such as `ddf.compute().loc[...] = v`; code under
      `with pytest.raises(...)` (a test that wants the error).
    """

    code = "DSK409"
    name = "loc-setitem"
    node_types = (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Attribute)
    attribute_names = frozenset({"iloc"})  # reads: ``<frame>.iloc[...]``
    fix_safety = Safety.UNSAFE
    fix_title = "Replace the column with its mask(): ddf['c'] = ddf['c'].mask(cond, value)"

    def check(self, node) -> Iterator[Finding]:
        t = type(node)
        if t is ast.Attribute:
            sub = self.model.parent(node)
            if type(sub) is ast.Subscript and sub.value is node and type(sub.ctx) is ast.Load:
                yield from self._iloc_read(sub)
            return
        targets = node.targets if t is ast.Assign else [node.target]
        for target in targets:
            if type(target) is ast.Name:
                continue  # the common case, with no subscript to look at
            for sub in ast.walk(target):
                if type(sub) is not ast.Subscript or type(sub.ctx) is not ast.Store:
                    continue
                indexer = self._indexer(sub.value)
                if indexer is None:
                    continue
                if self.model.expects_failure(node):
                    return  # under ``pytest.raises(...)``: the error is wanted
                frame = _short(sub.value.value, 24)
                error = "LocIndexer" if indexer[0] == "loc" else "ILocIndexer"
                if indexer[1] == K.SERIES:
                    kind, advice = "Series", (f"build a new series: {frame}.mask(cond, value) "
                                              f"or {frame}.where(...)")
                else:
                    kind, advice = "DataFrame", (
                        f"build a new column: {frame}['c'] = {frame}['c'].mask(cond, value), "
                        f"or {frame}.assign(...)/.where(...)")
                shape = self._fix_shape(node, sub, indexer)
                yield self.report(
                    node,
                    f"{_short(sub, 40)} {self._operator(node)} ... assigns into a Dask {kind}, "
                    f"which Dask does not support (TypeError: '{error}' object does not "
                    f"support item assignment); {advice}",
                    fixable=shape is not None, fix_data={"shape": shape})
                return

    @staticmethod
    def _operator(stmt: ast.stmt) -> str:
        if type(stmt) is ast.AugAssign:
            return {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}.get(
                type(stmt.op), "") + "="
        return "="

    # ------------------------------------------------------------------ the fix
    def _fix_shape(self, stmt: ast.stmt, sub: ast.Subscript, indexer) -> str | None:
        """``"column"`` for ``ddf.loc[<mask>, "c"] = <value>`` on a Dask DataFrame,
        ``"series"`` for ``s.loc[<mask>] = <value>`` on a Dask Series: the shapes that
        ``mask()`` certainly translates. None for anything else."""
        m = self.model
        if type(stmt) is not ast.Assign or len(stmt.targets) != 1 or \
                stmt.targets[0] is not sub or indexer[0] != "loc":
            return None  # ``.iloc`` selects by position, which a mask cannot say
        if sub.lineno != sub.end_lineno:
            return None  # a subscript over several lines can hold comments the fix would drop
        frame = sub.value.value
        if type(frame) is not ast.Name:
            return None  # the fix repeats the frame: only a name is certainly the same object
        key = sub.slice
        if indexer[1] == K.DATAFRAME:
            if type(key) is not ast.Tuple or len(key.elts) != 2 or \
                    (key.end_lineno, key.end_col_offset) != (key.elts[1].end_lineno,
                                                             key.elts[1].end_col_offset):
                return None  # not ``[rows, col]`` (or a parenthesized tuple)
            mask, column = key.elts
            if type(column) is not ast.Constant or type(column.value) is not str:
                return None  # several columns, or a label the fix would not quote the same
            shape = "column"
        elif indexer[1] == K.SERIES:
            if type(key) in (ast.Tuple, ast.Slice) or not E.assignable(m, frame, stmt):
                return None
            mask, shape = key, "series"
        else:
            return None
        if not self._row_mask(mask) or not self._from_frame(mask, frame.id) or \
                not self._plain_value(stmt.value, frame.id):
            return None
        return shape

    def _row_mask(self, expr: ast.AST) -> bool:
        """``expr`` is certainly a boolean Dask Series: ``.loc`` selects rows by it as
        ``mask()`` does (a Series of labels would select by label instead)."""
        m = self.model
        t = type(expr)
        if t is ast.Compare:
            return len(expr.ops) == 1 and m.kind(expr) == K.SERIES
        if t is ast.UnaryOp:
            return type(expr.op) is ast.Invert and self._row_mask(expr.operand)
        if t is ast.BinOp:
            return type(expr.op) in (ast.BitAnd, ast.BitOr, ast.BitXor) and \
                self._row_mask(expr.left) and self._row_mask(expr.right)
        if t is ast.Call and type(expr.func) is ast.Attribute:
            func = expr.func
            if func.attr in V.BOOLEAN_SERIES_METHODS:
                return m.kind(func.value) == K.SERIES
            if func.attr in V.BOOLEAN_STRING_METHODS:
                accessor = func.value
                return type(accessor) is ast.Attribute and accessor.attr == "str" and \
                    m.kind(accessor.value) == K.SERIES
        return False

    def _from_frame(self, expr: ast.AST, frame: str) -> bool:
        """``expr`` reads the Dask collection ``frame`` and no other Dask DataFrame, Series
        or Array: it has ``frame``'s index and partitions, so ``mask()`` lines it up row by
        row as ``.loc`` does."""
        m = self.model
        found = False
        for n in ast.walk(expr):
            t = type(n)
            if t in (ast.Lambda, ast.NamedExpr, ast.Await, ast.Yield, ast.YieldFrom):
                return False
            if t is ast.Name and n.id == frame:
                found = True
            elif t in (ast.Name, ast.Attribute, ast.Subscript, ast.Call) and \
                    E.root_name(n) != frame and m.kind(n) in _OTHER_DATA_KINDS:
                return False
        return found

    def _plain_value(self, value: ast.AST, frame: str) -> bool:
        """A value that ``.loc[...] = v`` and ``mask(..., v)`` store alike: a number, a
        string, a bool, None, NaN, or a Series computed from ``frame`` alone (aligned on the
        index by both). Not a list or an array: ``.loc`` takes one item per selected row,
        ``mask()`` one per row."""
        m = self.model
        t = type(value)
        if t is ast.UnaryOp and type(value.op) in (ast.USub, ast.UAdd):
            value, t = value.operand, type(value.operand)
            if t is ast.Constant and type(value.value) in (int, float):
                return True
            return False
        if t is ast.Constant:
            return value.value is None or type(value.value) in (int, float, str, bool)
        if t in (ast.Name, ast.Attribute) and m.qualname(value) in V.NAN_CONSTANTS:
            return True
        return m.kind(value) == K.SERIES and self._from_frame(value, frame)

    def fix(self, node, finding):
        import libcst as cst

        target = node.targets[0]
        sub = target.target
        frame = sub.value.value
        mask = sub.slice[0].slice.value
        if finding.fix.data["shape"] == "column":
            column = sub.slice[1].slice.value
            stored = cst.Subscript(value=frame, slice=[
                cst.SubscriptElement(slice=cst.Index(value=column))])
        else:
            stored = frame
        call = cst.Call(
            func=cst.Attribute(value=stored.deep_clone(), attr=cst.Name("mask")),
            args=[cst.Arg(value=mask, comma=cst.Comma(
                whitespace_after=cst.SimpleWhitespace(" "))), cst.Arg(value=node.value)])
        return node.with_changes(targets=[target.with_changes(target=stored)], value=call)

    def _indexer(self, expr: ast.AST) -> tuple[str, K] | None:
        """(``loc``/``iloc``, receiver kind) when ``expr`` is ``<dask frame>.loc``."""
        if type(expr) is not ast.Attribute or expr.attr not in ("loc", "iloc"):
            return None
        v = self.model.value(expr.value)
        if v is None or v.kind not in FRAMES:
            return None
        return expr.attr, v.kind

    def _iloc_read(self, node: ast.Subscript) -> Iterator[Finding]:
        indexer = self._indexer(node.value)
        if indexer is None or indexer[0] != "iloc" or self.model.expects_failure(node):
            return  # under ``pytest.raises(...)`` the error is what the code is there for
        frame = _short(node.value.value, 24)
        if indexer[1] == K.SERIES:
            yield self.report(
                node,
                f"{_short(node, 40)}: a Dask Series has no .iloc (row positions are unknown "
                f"without computing every partition); use {frame}.head(n), "
                f"{frame}.partitions[i] or .loc with index labels", fixable=False)
            return
        key = node.slice
        if type(key) is ast.Tuple and len(key.elts) >= 2 and \
                _is_full_slice(key.elts[0], self.model):
            return
        yield self.report(
            node,
            f"{_short(node, 40)} selects rows by position, which a Dask DataFrame does not "
            "support (NotImplementedError: 'DataFrame.iloc' only supports selecting columns); "
            f"use {frame}.head(n), {frame}.partitions[i] or .loc with index labels; "
            f".iloc only takes {frame}.iloc[:, columns]", fixable=False)
