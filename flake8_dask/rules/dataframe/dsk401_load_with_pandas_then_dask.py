from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Iterator

from ...findings import Finding, Safety
from ...model import K, single_assignment
from ...model import vocabulary as V
from ...syntax import is_constant, keyword_value, short
from ..base import Rule, last_names
from ._common import MAX_FOLLOW, small_read


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


@dataclass(frozen=True)
class ReadWithDask:
    """The fix's facts: the Dask reader (``read_csv``) that replaces the pandas one."""

    reader: str


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
    fixes = frozenset({Safety.UNSAFE})
    fix_title = "Read it with the Dask reader"

    def check(self, node: ast.Call) -> Iterator[Finding]:
        m = self.model
        q = m.qualname(node.func)
        if q is None:
            return
        if q in V.FROM_PANDAS_FUNCTIONS:
            data = node.args[0] if node.args else keyword_value(node, "data")
            read = self._table_read(data) if data is not None else None
            if read is not None:
                yield self._report_read(node, read)
        elif q in V.DATAFRAME_CONCAT_FUNCTIONS:
            dfs = node.args[0] if node.args else keyword_value(node, "dfs")
            for element in self._elements(dfs):
                read = self._table_read(element)
                if read is not None:
                    yield self._report_read(node, read)
                    return
        elif q in V.ARRAY_FROM_MEMORY_FUNCTIONS:
            x = node.args[0] if node.args else keyword_value(node, "x") or keyword_value(node, "a")
            if x is None:
                return
            load = self._array_load(x)
            if load is not None:
                what, advice = load
                yield self.report(
                    node,
                    f"{short(node.func, 40)}() of {what} loads it all in the driver: it is "
                    f"shipped inside the graph; {advice}")

    def _report_read(self, node: ast.Call, read: ast.Call) -> Finding:
        m = self.model
        reader_q = m.qualname(read.func)
        reader = short(read.func, 24)
        facts = self._fix_facts(node, read)
        dask_reader = V.DASK_READER_FOR.get(reader_q)
        advice = (f"read it with {dask_reader}()" if dask_reader else
                  "read it with a Dask reader or dd.from_map()")
        return self.report(
            node,
            f"{short(node.func, 40)}() of a frame read by {reader}() in the driver "
            f"({self.model.cite(read.lineno)}): all the data goes through one process and the "
            f"graph; {advice}",
            fix=Safety.UNSAFE if facts is not None else None, data=facts)

    def _fix_facts(self, node: ast.Call, read: ast.Call) -> ReadWithDask | None:
        """``dd.from_pandas(pd.read_csv(<path>, ...), npartitions=n)``, exactly: the Dask
        reader that replaces it, through the module alias of ``dd.from_pandas``."""
        m = self.model
        same = V.DASK_READER_SAME_ARGUMENTS.get(m.qualname(read.func))
        func = node.func
        if same is None or m.qualname(func) not in V.FROM_PANDAS_FUNCTIONS or \
                type(func) is not ast.Attribute or type(func.value) is not ast.Name or \
                m.qualname(func.value) != "dask.dataframe":
            return None
        reader, keywords = same
        if node.args[:1] != [read] or len(node.args) > 1 or any(
                kw.arg not in V.FROM_PANDAS_PARTITIONING for kw in node.keywords):
            return None
        if len(read.args) != 1 or not _spelled_path(m, read.args[0]) or any(
                kw.arg not in keywords for kw in read.keywords):
            return None
        return ReadWithDask(reader)

    def fix(self, node, finding):
        import libcst as cst

        read = node.args[0].value
        return read.with_changes(func=cst.Attribute(value=node.func.value,
                                                    attr=cst.Name(finding.fix.data.reader)),
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
            return None if small_read(m, v.origin) else v.origin
        if depth >= MAX_FOLLOW:
            return None
        if type(expr) is ast.Name:
            value = single_assignment(m, expr)
            return self._table_read(value, depth + 1) if value is not None else None
        if type(expr) is ast.Call and m.qualname(expr.func) in V.PANDAS_CONCAT_FUNCTIONS:
            objs = expr.args[0] if expr.args else keyword_value(expr, "objs")
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
                mmap = keyword_value(loader, "mmap_mode")
                if q in V.MMAP_LOADERS and mmap is not None and not is_constant(mmap, None):
                    return None
                if q in V.TABLE_READERS and small_read(m, loader):
                    return None
                advice = ("np.load(..., mmap_mode='r') reads it lazily"
                          if q in V.MMAP_LOADERS else
                          "store it as Zarr or HDF5 and pass the dataset to da.from_array()")
                return f"{v.what} ({self.model.cite(loader.lineno)})", advice
            return None
        dataset = None
        if type(expr) is ast.Call and m.qualname(expr.func) in V.ARRAY_MATERIALIZERS and \
                expr.args and self._store_dataset(expr.args[0]):
            dataset = expr.args[0]
        elif type(expr) is ast.Subscript and self._reads_whole(expr.slice) and \
                self._store_dataset(expr.value):
            dataset = expr.value
        if dataset is not None:
            return (f"{short(expr, 32)} (the whole dataset)",
                    f"pass the dataset itself: da.from_array({short(dataset, 32)}, "
                    "chunks=...)")
        if type(expr) is ast.Name and depth < MAX_FOLLOW:
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
        if depth > MAX_FOLLOW:
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
