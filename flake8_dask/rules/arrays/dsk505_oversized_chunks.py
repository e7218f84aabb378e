"""DSK505 oversized-chunks: literal chunks, blocksizes or partition sizes over a worker's share
of memory."""

from __future__ import annotations

import ast
import re
from typing import Iterator

from ...findings import Finding, Safety
from ...model import FRAMES, OWN_LAYOUT_CALL_NAMES, literal_int, single_assignment
from ...model import vocabulary as V
from ...syntax import is_constant, keyword_value, short
from ..base import Rule, last_names
from ._chunks import auto_chunks, chunks_argument, may_set_chunks
from ._labels import call_label

#: Dask's byte units (``dask.utils.byte_sizes``), lower case, with their short forms.
_UNITS = {"": 1, "b": 1, "kb": 10 ** 3, "mb": 10 ** 6, "gb": 10 ** 9, "tb": 10 ** 12,
          "pb": 10 ** 15, "kib": 2 ** 10, "mib": 2 ** 20, "gib": 2 ** 30, "tib": 2 ** 40,
          "pib": 2 ** 50}
_UNITS.update({k[0]: v for k, v in list(_UNITS.items()) if k and "i" not in k and k != "b"})
_UNITS.update({k[:-1]: v for k, v in list(_UNITS.items()) if "i" in k})
_NUMBER = re.compile(r"[0-9.eE+-]*[0-9][0-9.eE+-]*|")
_MAX_DEPTH = 8


def parse_bytes(text: str) -> int | None:
    """``dask.utils.parse_bytes`` of a string ("8GB", "256 MiB", "1e9", "MB"), or None where
    Dask would raise."""
    s = text.replace(" ", "")
    if not any(c.isdigit() for c in s):
        s = "1" + s
    i = len(s)
    while i and s[i - 1].isalpha():
        i -= 1
    prefix, suffix = s[:i], s[i:].lower()
    if not _NUMBER.fullmatch(prefix) or suffix not in _UNITS:
        return None
    try:
        n = float(prefix)
    except ValueError:
        return None
    if not 0 <= n < 1e30:
        return None
    return int(n * _UNITS[suffix])


def byte_size(m, node, _depth: int = 0) -> int | None:
    """The bytes a literal size means to Dask: ``2 ** 30``, ``1e9``, ``"8GB"``, or a name
    bound once to one of these. None: not spelled out (a variable, ``None``, "default")."""
    if node is None or _depth > _MAX_DEPTH:
        return None
    if type(node) is ast.Constant:
        v = node.value
        if type(v) is str:
            return parse_bytes(v)
        if type(v) is float:
            return int(v) if 0 <= v < 1e30 else None
    if type(node) is ast.Name:
        value = single_assignment(m, node)
        if type(value) is ast.Constant and type(value.value) in (str, float):
            return byte_size(m, value, _depth + 1)
    n = literal_int(m, node)
    return n if n is not None and n >= 0 else None


def human(n: int) -> str:
    """``1073741824`` -> ``1 GiB``; ``16000000000`` -> ``14.9 GiB``."""
    for unit, factor in (("TiB", 2 ** 40), ("GiB", 2 ** 30), ("MiB", 2 ** 20), ("KiB", 2 ** 10)):
        if n >= factor:
            return f"{n / factor:.1f}".removesuffix(".0") + f" {unit}"
    return f"{n} bytes"


# ---------------------------------------------------------------------------------------------
# Element sizes (dtype)
# ---------------------------------------------------------------------------------------------

def dtype_itemsize(m, node, _depth: int = 0) -> int | None:
    """The bytes per element of a literal dtype: ``"float32"``, ``"<f4"``, ``np.float32``,
    ``float``, ``np.dtype("f4")``, or a name bound once to one of these."""
    if _depth > _MAX_DEPTH:
        return None
    t = type(node)
    if t is ast.Constant and type(node.value) is str:
        name = re.sub(r"\[[a-zA-Z]+\]$", "", node.value.strip().lstrip("<>=|"))
        return V.DTYPE_ITEMSIZES.get(name)
    q = m.qualname(node) if t in (ast.Name, ast.Attribute) else None
    if q is not None:
        module, _, name = q.rpartition(".")
        if module in ("numpy", "builtins"):
            return V.DTYPE_ITEMSIZES.get(name)
        return None
    if t is ast.Name:
        value = single_assignment(m, node)
        return dtype_itemsize(m, value, _depth + 1) if value is not None else None
    if t is ast.Call and len(node.args) == 1 and not node.keywords and \
            m.qualname(node.func) == "numpy.dtype":
        return dtype_itemsize(m, node.args[0], _depth + 1)
    return None


def _fill_itemsize(node) -> int | None:
    if type(node) is ast.UnaryOp and type(node.op) is ast.USub:
        node = node.operand
    if type(node) is not ast.Constant:
        return None
    return {bool: 1, int: 8, float: 8, complex: 16}.get(type(node.value))


def creator_itemsize(m, call: ast.Call, q: str, _depth: int = 0) -> int | None:
    """Bytes per element of the array a Dask or NumPy creator makes: its ``dtype``, else the
    creator's default (float64 or int64, 8 bytes; a ``full`` takes its fill value's)."""
    dtype = keyword_value(call, "dtype")
    if dtype is None and q in V.DTYPE_SECOND_FUNCTIONS and len(call.args) > 1:
        dtype = call.args[1]
    if dtype is not None and not is_constant(dtype, None):
        return dtype_itemsize(m, dtype)
    if any(type(a) is ast.Starred for a in call.args) or any(
            kw.arg is None for kw in call.keywords):
        return None
    if q in V.FILL_VALUE_DTYPE_FUNCTIONS:
        fill = keyword_value(call, "fill_value")
        if fill is None and len(call.args) > 1:
            fill = call.args[1]
        return _fill_itemsize(fill) if fill is not None else None
    if q in V.ARRAY_FROM_DATA_FUNCTIONS:
        return array_itemsize(m, call.args[0], _depth + 1) if call.args else None
    return 8


def array_itemsize(m, node, _depth: int = 0) -> int | None:
    """Bytes per element of the array ``node`` evaluates to, along the chain of calls the
    model's literal layouts follow (creators, ``rechunk``, ``astype``, arithmetic with a
    number...). None: unknown."""
    if _depth > _MAX_DEPTH:
        return None
    t = type(node)
    if t is ast.Name:
        value = single_assignment(m, node)
        return array_itemsize(m, value, _depth + 1) if value is not None else None
    if t is ast.UnaryOp:
        return array_itemsize(m, node.operand, _depth + 1)
    if t is ast.BinOp:
        for side, other in ((node.left, node.right), (node.right, node.left)):
            if type(other) is ast.Constant and type(other.value) in (int, float):
                return array_itemsize(m, side, _depth + 1)
        return None
    if t is ast.Attribute and node.attr == "T":
        return array_itemsize(m, node.value, _depth + 1)
    if t is not ast.Call:
        return None
    q = m.qualname(node.func)
    if q is not None:
        if q in V.ARRAY_RECHUNK_FUNCTIONS:
            return array_itemsize(m, node.args[0], _depth + 1) if node.args else None
        if q.startswith(("dask.array.", "numpy.")):
            return creator_itemsize(m, node, q, _depth)
        return None
    func = node.func
    if type(func) is not ast.Attribute:
        return None
    if func.attr == "astype":
        dtype = node.args[0] if node.args else keyword_value(node, "dtype")
        return dtype_itemsize(m, dtype) if dtype is not None else None
    if func.attr in V.ARRAY_LAYOUT_PRESERVING_METHODS or func.attr in ("rechunk", "transpose"):
        return array_itemsize(m, func.value, _depth + 1)
    return None


# ---------------------------------------------------------------------------------------------
# DataFrames: blocksize and partition_size
# ---------------------------------------------------------------------------------------------

def _compressed(call: ast.Call) -> bool:
    """Dask reads the files whole, whatever the blocksize: a ``compression`` other than
    None/"infer" (or unknown), or a path with a compressed suffix."""
    compression = keyword_value(call, "compression")
    if compression is not None and not is_constant(compression, None, "infer"):
        return True
    path = call.args[0] if call.args else (keyword_value(call, "urlpath")
                                           or keyword_value(call, "url_path"))
    paths = path.elts if type(path) in (ast.List, ast.Tuple) else [path]
    for p in paths:
        if type(p) is ast.Constant and type(p.value) is str and \
                p.value.rpartition(".")[2].lower() in V.COMPRESSED_SUFFIXES:
            return True
    return False


def _json_without_blocks(call: ast.Call) -> bool:
    """``read_json`` reads by blocks only line-delimited records: otherwise a blocksize
    raises ("Line-delimited JSON is required if specifying blocksize")."""
    orient = keyword_value(call, "orient")
    lines = keyword_value(call, "lines")
    return (orient is not None and not is_constant(orient, "records")) or (
        lines is not None and not is_constant(lines, None, True))


class OversizedChunks(Rule):
    """A Dask array, or a Dask DataFrame read or repartitioned, with literal blocks so large
    that one of them does not fit comfortably in a worker's memory.

    ## What it does
    Finds `chunks=` written as literals in `dask.array` creators (`da.ones`, `da.zeros`,
    `da.random.*`, `da.arange`, `da.from_array` of a NumPy array with a literal shape, ...)
    and in `x.rechunk(...)`/`da.rechunk(x, ...)` when the array's shape is also known and
    one block is larger than `dask-max-chunk-bytes` (1 GiB). The element size is the
    array's `dtype=` when written (`"float32"`, `np.uint8`, `bool`, `.astype(...)`), else the
    creator's default: float64 or int64, 8 bytes (a `da.full` takes its fill value's type).
    Also finds `dd.read_csv`/`dd.read_table`/`dd.read_json(..., blocksize=...)` and
    `ddf.repartition(partition_size=...)` above the same limit, sizes parsed as Dask parses
    them (`"8GB"`, `"256MiB"`, `2**31`).

    ## Why is this bad?
    A chunk or partition is loaded whole by one task, and a worker holds several of them at
    once (inputs, intermediates and the result of each running task), so a block must fit in
    its memory several times over. Verified with dask 2026.8:
    `da.random.random((200_000, 200_000), chunks=(200_000, 10_000))` makes 14.9 GiB chunks
    and nothing warns when the array is made; a worker with a typical 4-16 GB memory limit
    cannot compute one. The same at a smaller scale (0.75 GiB chunks, a worker limited to
    300 MB): the nanny logged "exceeded 95% memory budget. Restarting..." and the compute
    failed with `KilledWorker` ("all those workers died while running it"). Dask's own
    target (`array.chunk-size`) is 128 MiB, and `chunks="auto"` picks 4096 x 4096 blocks
    (0.125 GiB). A `blocksize` is the bytes of text in one partition, and parsed into
    pandas it takes about as much memory or more (1.1 times for a CSV of numbers and short
    strings read with pandas' defaults).

    ## Example
    ```python
    y = da.random.random((200_000, 200_000), chunks=(200_000, 10_000))
    df = dd.read_csv("data/*.csv", blocksize="8GB")
    ```

    ## Use instead
    ```python
    y = da.random.random((200_000, 200_000), chunks="auto")
    df = dd.read_csv("data/*.csv", blocksize="128MB")
    ```

    ## Fix safety
    Unsafe, and only for array chunks: the chunks written in the call become `"auto"`
    (`chunks=(200_000, 10_000)` -> `chunks="auto"`, also when passed by position); a
    per-axis dict keeps its axes (`x.rechunk({0: -1})` -> `x.rechunk({0: "auto"})`). The
    values are the same (except random arrays: `da.random` draws block by block, so a seeded
    program gets other numbers), but the blocks are now sized by Dask's `array.chunk-size` setting
    (128 MiB by default): that changes the block structure, and so any code that relies on
    block indices (`x.blocks[i]`, `map_blocks` with `block_info`), the number of output files
    (`to_zarr`), and the order of floating-point reductions, hence the last bits of results;
    an axis kept whole on purpose (`-1` before `da.fft.fft` or `apply_along_axis`) is split,
    and such a call then raises until you rechunk that axis alone.
    No fix when the chunks come from a variable (`chunks=CHUNKS`), nor for a `blocksize` or a
    `partition_size` (choose the size yourself).

    ## Options
    - `dask-max-chunk-bytes`: a chunk, block or partition of more bytes than this is
      oversized (1073741824, 1 GiB). A whole number of bytes: `--dask-max-chunk-bytes=2147483648`,
      or `dask-max-chunk-bytes = 2147483648` in the `[flake8]` section of the configuration.

    ## References
    - https://docs.dask.org/en/stable/array-chunks.html
    - https://docs.dask.org/en/stable/array-best-practices.html#select-a-good-chunk-size
    - https://docs.dask.org/en/stable/dataframe-best-practices.html#avoid-very-large-partitions
    - https://blog.dask.org/2021/11/02/choosing-dask-chunk-sizes
    - Not flagged: `chunks="auto"` or byte sizes, `-1` along an axis when the block stays
      under the limit, sizes from parameters or computed at run time, `blocksize=None`
      (needed for compressed files), a `blocksize` Dask ignores (a compressed path or
      `compression=`), `read_json` without line-delimited records (a blocksize raises
      there), pandas' `chunksize`, xarray's `.chunk(...)`, zarr and h5py chunks.
    - Known limitation: the shape must be spelled out in the same module (literals, or names
      bound once to literals, which count as literals); a `dtype=` the rule cannot read
      (a variable, a structured or string dtype) makes it silent.
    """

    code = "DSK505"
    name = "oversized-chunks"
    node_types = (ast.Call,)
    call_names = OWN_LAYOUT_CALL_NAMES | last_names(V.BLOCKSIZE_READERS) | {"repartition"}
    fixes = frozenset({Safety.UNSAFE})
    fix_title = 'Let Dask choose the chunks (`chunks="auto"`)'

    def check(self, node: ast.Call) -> Iterator[Finding]:
        func = node.func
        if type(func) is ast.Attribute and func.attr == "repartition":
            yield from self._repartition(node)
            return
        if any(kw.arg == "blocksize" for kw in node.keywords):
            yield from self._reader(node)
        if may_set_chunks(node):
            yield from self._array(node)

    def _array(self, node: ast.Call) -> Iterator[Finding]:
        m = self.model
        layout = m.array_layout(node)
        if layout is None or layout.chunks is None or layout.node is not node:
            return
        limit = self.options.max_chunk_bytes
        elements = layout.block_elements
        if elements * 16 <= limit:  # cheap exit: no dtype makes it oversized
            return
        itemsize = self._itemsize(node)
        if itemsize is None or elements * itemsize <= limit:
            return
        data = chunks_argument(node, layout.spec)
        yield self.report(
            node,
            f"{call_label(node)} with chunks={short(layout.spec)} makes "
            f"{human(elements * itemsize)} blocks, over the {human(limit)} limit: "
            f"{layout.block_shape()} x {itemsize} bytes, so workers can run out of memory; use "
            '`chunks="auto"` (about 128 MiB)',
            fix=Safety.UNSAFE if data is not None else None, data=data)

    def _itemsize(self, node: ast.Call) -> int | None:
        m = self.model
        q = m.qualname(node.func)
        if q is not None and q.startswith("dask.array.") and \
                q not in V.ARRAY_RECHUNK_FUNCTIONS:
            return creator_itemsize(m, node, q)
        return array_itemsize(m, node)  # a rechunk: the element size of the array it rechunks

    def _reader(self, node: ast.Call) -> Iterator[Finding]:
        m = self.model
        q = m.qualname(node.func)
        if q not in V.BLOCKSIZE_READERS:
            return
        value = keyword_value(node, "blocksize")
        size = byte_size(m, value)
        limit = self.options.max_chunk_bytes
        if size is None or size <= limit or _compressed(node):
            return
        if q.endswith("read_json") and _json_without_blocks(node):
            return
        yield self.report(
            node,
            f"{call_label(node)} with blocksize={short(value)} reads {human(size)} per "
            f"partition, over the {human(limit)} limit: workers can run out of memory; use "
            '`blocksize="128MB"` (64 to 256 MB)')

    def _repartition(self, node: ast.Call) -> Iterator[Finding]:
        m = self.model
        value = keyword_value(node, "partition_size")
        if value is None or m.kind(node.func.value) not in FRAMES:
            return
        size = byte_size(m, value)
        limit = self.options.max_chunk_bytes
        if size is None or size <= limit:
            return
        yield self.report(
            node,
            f"{call_label(node)} with partition_size={short(value)} makes {human(size)} "
            f"partitions, over the {human(limit)} limit: workers can run out of memory; "
            'use `partition_size="100MB"`')

    def fix(self, node, finding):
        return auto_chunks(node, finding.fix.data)
