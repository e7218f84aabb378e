"""DSK501 tiny-chunks: literal chunks that split an array into a huge number of blocks."""

from __future__ import annotations

import ast
from typing import Iterator

from ...findings import Finding, Safety
from ...model import OWN_LAYOUT_CALL_NAMES
from ...syntax import short
from ..base import Rule
from ._chunks import auto_chunks, chunks_argument, may_set_chunks
from ._labels import call_label


class TinyChunks(Rule):
    """A Dask array created or rechunked with literal chunks so small that it has a huge number
    of blocks.

    ## What it does
    Finds `chunks=` written as literals in `dask.array` creators (`da.ones`, `da.zeros`,
    `da.random.*`, `da.arange`, `da.from_array` of a NumPy array with a literal shape, ...) and
    in `x.rechunk(...)`/`da.rechunk(x, ...)`, when the array's shape is also known and the
    chunks split it into more than `dask-tiny-chunk-blocks` blocks (default 100 000) of fewer
    than `dask-tiny-chunk-elements` elements each (default 10 000). `chunks=1` is the extreme
    case: one element per block.

    ## Why is this bad?
    `chunks` is the shape of one block, not the number of blocks: "specifying `chunks=1`
    means that you will have many chunks, each with exactly one element" (Dask docs). Every
    block becomes at least one task, and the scheduler spends about a millisecond per task,
    so the overhead dwarfs the work. Verified with dask 2026.8: a (10000, 10000) array with
    (10, 10) chunks has 1 000 000 blocks, and its `.sum()` built a 2 333 459-task graph.

    ## Example
    ```python
    x = da.random.random((10_000, 10_000), chunks=(10, 10))
    ```

    ## Use instead
    ```python
    x = da.random.random((10_000, 10_000), chunks="auto")  # or blocks of ~100 MB
    ```

    ## Fix safety
    Unsafe: the chunks written in the call become `"auto"` (`chunks=(10, 10)` ->
    `chunks="auto"`, also when passed by position); a per-axis dict keeps its axes
    (`x.rechunk({0: 1})` -> `x.rechunk({0: "auto"})`), so the other axes stay as they were.
    The values are the same, but the blocks are now sized by Dask's `array.chunk-size`
    setting (128 MiB by default): that changes the memory each task needs, the number of
    output blocks (and files, for `to_zarr`), and the order of floating-point reductions,
    hence the last bits of results. No fix when the chunks come from a variable
    (`chunks=CHUNKS`): the variable may be used elsewhere.

    ## Options
    - `dask-tiny-chunk-elements`: blocks with fewer elements than this are tiny (10000).
    - `dask-tiny-chunk-blocks`: report only when the array has more blocks than this (100000).

    ## References
    - https://docs.dask.org/en/stable/array-chunks.html
    - https://docs.dask.org/en/stable/array-best-practices.html#select-a-good-chunk-size
    - https://blog.dask.org/2021/11/02/choosing-dask-chunk-sizes
    - https://github.com/dask/dask/issues/417
    - Not flagged: small arrays, `chunks=-1`, `"auto"` or byte sizes, chunks read from
      storage metadata or computed at run time, xarray's `.chunk(...)`, zarr and h5py chunks.
    - Known limitation: the shape must be spelled out in the same module (literals, or names
      bound once to literals); an array whose shape comes from a file or a parameter is not
      checked, nor is the dtype used to compute block sizes in bytes.
    """

    code = "DSK501"
    name = "tiny-chunks"
    node_types = (ast.Call,)
    call_names = OWN_LAYOUT_CALL_NAMES  # reports only a call whose layout is its own
    fixes = frozenset({Safety.UNSAFE})
    fix_title = 'Let Dask choose the chunks (`chunks="auto"`)'

    def check(self, node: ast.Call) -> Iterator[Finding]:
        if not may_set_chunks(node):
            return
        layout = self.model.array_layout(node)
        if layout is None or layout.chunks is None or layout.node is not node:
            return
        blocks, elements = layout.blocks, layout.block_elements
        if blocks <= self.options.tiny_chunk_blocks or \
                elements >= self.options.tiny_chunk_elements:
            return
        plural = "s" if elements != 1 else ""
        data = chunks_argument(node, layout.spec)
        yield self.report(
            node,
            f"{call_label(node)} with chunks={short(layout.spec)} makes {blocks:,} blocks of at "
            f"most {elements:,} element{plural}: one task per block; use chunks=\"auto\" "
            "(`chunks` is one block's size)",
            fix=Safety.UNSAFE if data is not None else None, data=data)

    def fix(self, node, finding):
        return auto_chunks(node, finding.fix.data)
