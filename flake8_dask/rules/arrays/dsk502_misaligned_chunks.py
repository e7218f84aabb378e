"""DSK502 misaligned-chunks: arrays with crossing literal chunks combined block by block."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Iterator

from ...findings import Finding, Safety
from ...model import K, align
from ...model import vocabulary as V
from ...syntax import callee_name, has_double_star, is_constant, short
from .. import _edits as E
from .._dask import expects_failure
from ..base import Rule
from ._elementwise import ELEMENTWISE_OPS
from ._labels import call_label

_ELEMENTWISE_COMPARISONS = (ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Eq, ast.NotEq)
#: Dask's PerformanceWarning threshold in ``unify_chunks``.
_WARNING_FACTOR = 10


@dataclass(frozen=True)
class Rechunk:
    """Rechunk the ``operands`` (their positions in the node: ``"left"``, ``"right"``,
    ``"receiver"`` or an argument index) to the chunks of the array named ``reference``."""
    reference: str
    operands: tuple


class MisalignedChunks(Rule):
    """Two Dask arrays with crossing literal chunks combined elementwise or block by block.

    ## What it does
    Finds elementwise operators (`a + b`, `a * b`, `a < b`, ...), `da.map_blocks(f, a, b)`,
    `a.map_blocks(f, b)` and `da.blockwise(...)` on arrays whose shapes and chunks are both
    written as literals, when aligning their blocks multiplies the number of blocks by 10 or
    more: the condition under which Dask's `unify_chunks` emits its `PerformanceWarning` for
    operators and `blockwise` (`map_blocks` does the same rechunk silently). Typically one
    array is chunked by rows and the other by columns.

    ## Why is this bad?
    Dask must rechunk both arrays to the common refinement of their block boundaries before
    it can combine them block by block. Verified with dask 2026.8: adding two
    (1000, 1000) arrays chunked (1000, 10) and (10, 1000) warns "PerformanceWarning:
    Increasing number of chunks by factor of 100", and the result has 100 × 100 blocks;
    `da.map_blocks(np.add, a, b)` declares the same 100 × 100 blocks without a warning, and
    its compute then fails with "ValueError: operands could not be broadcast together with
    shapes (1000,10) (10,1000)": it hands the function the blocks as they are.
    Chunks "should align with the computation" (Dask docs).

    ## Example
    ```python
    a = da.ones((1000, 1000), chunks=(1000, 10))
    b = da.ones((1000, 1000), chunks=(10, 1000))
    c = a + b
    ```

    ## Use instead
    ```python
    a = da.ones((1000, 1000), chunks=(100, 100))
    b = da.ones((1000, 1000), chunks=(100, 100))
    c = a + b  # or: a + b.rechunk(a.chunks)
    ```

    ## Fix safety
    Unsafe: the other array is rechunked to the chunks of the first one written as a plain
    name (`a + b` -> `a + b.rechunk(a.chunks)`, `da.map_blocks(np.add, a, b)` ->
    `da.map_blocks(np.add, a, b.rechunk(a.chunks))`). The values are the same, but the
    result now has `a`'s blocks instead of the common refinement of both layouts, and the
    rechunk of `b` is an all-to-all transfer: which side to rechunk, and to what, is a
    trade-off between memory and communication that depends on the rest of the program,
    and it changes the blocks later steps (and files written) see. (For `map_blocks`, the
    original failed at compute time, see above, and the fixed code works.) No fix when
    neither side is a plain name (reading `.chunks` would evaluate an expression twice),
    when the shapes differ (broadcasting), when a side is a `rechunk()` already (chosen on
    purpose), for a `blockwise` whose arrays have different indices, and for a
    `map_blocks`/`blockwise` that does not hand exactly the two arrays to an elementwise
    binary function (`np.add`, `np.multiply`, ..., `operator.add`, ...) or that sets the
    output's layout (`chunks=`, `drop_axis=`, ...): a function that depends on its blocks
    would compute other values. No fix either where a warning or an exception is expected
    (`with pytest.warns(PerformanceWarning):`): a test wants the misalignment there.

    ## Options
    None.

    ## References
    - https://docs.dask.org/en/stable/array-chunks.html
    - `unify_chunks` in `dask/array/core.py` (the warning).
    - Not flagged: unknown chunks (`"auto"`, storage chunks, parameters), equal chunks,
      broadcasting against a single-block array, `blockwise(..., align_arrays=False)`, and
      code under `with pytest.warns(...)` (a test that wants the warning).
    - Known limitation: NumPy ufuncs (`np.add(a, b)`) and `da.*` functions other than
      `map_blocks`/`blockwise` are not checked.
    """

    code = "DSK502"
    name = "misaligned-chunks"
    node_types = (ast.BinOp, ast.Compare, ast.Call)
    call_names = frozenset({"map_blocks", "blockwise"})  # calls only
    fixes = frozenset({Safety.UNSAFE})
    fix_title = "Rechunk one side to the other's chunks"

    def check(self, node) -> Iterator[Finding]:
        operands = self._operands(node)
        if not operands:
            return
        m = self.model
        pairs = []
        for expr, index in operands:
            layout = m.array_layout(expr)
            if layout is None or layout.chunks is None:
                return
            pairs.append((expr, layout, index if index is not None
                          else tuple(range(len(layout.shape)))[::-1]))
        if len(pairs) < 2:
            return
        alignment = align([(layout, index) for _, layout, index in pairs])
        if alignment is None or alignment.blocks < _WARNING_FACTOR * \
                alignment.most_input_blocks:
            return
        if expects_failure(m, node):
            return  # ``with pytest.warns(PerformanceWarning):``: the test wants the warning
        described = ", ".join(
            f"{short(expr, 20)} {layout.block_shape()}"
            + (f" at {self.model.cite(layout.node.lineno)}" if layout.node is not None else "")
            for expr, layout, _ in pairs)
        label = call_label(node) if type(node) is ast.Call else short(node, 30)
        facts = self._fix_facts(node, operands, pairs)
        yield self.report(
            node,
            f"{label} mixes crossing chunks: {described}; Dask rechunks to "
            f"{alignment.blocks:,} blocks ({int(alignment.factor)}x more); rechunk one side to "
            "match", fix=Safety.UNSAFE if facts is not None else None, data=facts)

    # ------------------------------------------------------------------ fix
    def _fix_facts(self, node, operands, pairs) -> Rechunk | None:
        """Which operands to rechunk to the chunks of which name, when that is certainly
        valid: every array has the same shape (no broadcasting) and the same index, one of
        them is a plain name (``x.chunks`` can be read again), and a ``map_blocks`` or
        ``blockwise`` applies an elementwise NumPy function and sets no output layout.
        None: no fix."""
        m = self.model
        if len(pairs) != len(operands):
            return None  # a scalar argument: the positions below would not match
        shapes = {layout.shape for _, layout, _ in pairs}
        indexes = {index for _, _, index in pairs}
        if len(shapes) != 1 or len(indexes) != 1:
            return None
        if type(node) is ast.Call:
            function = node.args[0] if node.args else None
            # The binary function gets exactly the two arrays: ``map_blocks(f, a, b)``,
            # ``a.map_blocks(f, b)``, ``blockwise(f, out_index, a, index, b, index)``.
            if m.qualname(node.func) in V.ARRAY_BLOCKWISE_FUNCTIONS:
                arguments = 2 + 2 * len(pairs)
            else:
                arguments = 1 + len(pairs)
            if type(node.func) is ast.Attribute and node.func.attr == "map_blocks" and \
                    m.qualname(node.func) is None:
                arguments -= 1  # the receiver is the first array
            if m.qualname(function) not in V.ELEMENTWISE_BINARY_FUNCTIONS or len(pairs) != 2 \
                    or len(node.args) != arguments or any(
                        kw.arg in V.ARRAY_BLOCK_LAYOUT_KEYWORDS for kw in node.keywords):
                return None
        if any(type(n) is ast.NamedExpr for n in ast.walk(node)):
            return None  # ``x.chunks`` must name the array it named in the expression
        reference = next((i for i, (expr, _, _) in enumerate(pairs) if type(expr) is ast.Name),
                         None)
        if reference is None:
            return None
        ref_expr, ref_layout, _ = pairs[reference]
        where = []
        for i, (expr, layout, _) in enumerate(pairs):
            if i == reference or layout.chunks == ref_layout.chunks:
                continue
            if self._is_rechunk(expr):
                return None  # chunks chosen on purpose: which ones win is for a human
            where.append(self._position(node, expr))
        if not where or None in where:
            return None
        return Rechunk(reference=ref_expr.id, operands=tuple(where))

    def _is_rechunk(self, expr) -> bool:
        if type(expr) is not ast.Call:
            return False
        func = expr.func
        return self.model.qualname(func) in V.ARRAY_RECHUNK_FUNCTIONS or (
            type(func) is ast.Attribute and func.attr == "rechunk")

    @staticmethod
    def _position(node, expr):
        """Where ``expr`` is in ``node``, in terms the libcst node shares."""
        t = type(node)
        if t is ast.BinOp:
            return "left" if expr is node.left else "right" if expr is node.right else None
        if t is ast.Compare:
            return "left" if expr is node.left else "right" if expr is node.comparators[0] \
                else None
        if type(node.func) is ast.Attribute and expr is node.func.value:
            return "receiver"
        for k, arg in enumerate(node.args):
            if arg is expr:
                return k
        return None

    def fix(self, node, finding):
        import libcst as cst

        data = finding.fix.data
        chunks = cst.Arg(value=cst.Attribute(value=cst.Name(data.reference),
                                             attr=cst.Name("chunks")))

        def rechunked(operand):
            return E.method_call(operand, "rechunk").with_changes(args=[chunks])

        for where in data.operands:
            if where == "left":
                node = node.with_changes(left=rechunked(node.left))
            elif where == "right" and isinstance(node, cst.Comparison):
                target = node.comparisons[0]
                node = node.with_changes(comparisons=[
                    target.with_changes(comparator=rechunked(target.comparator)),
                    *node.comparisons[1:]])
            elif where == "right":
                node = node.with_changes(right=rechunked(node.right))
            elif where == "receiver":
                node = node.with_changes(func=node.func.with_changes(
                    value=rechunked(node.func.value)))
            else:
                args = list(node.args)
                args[where] = args[where].with_changes(value=rechunked(args[where].value))
                node = node.with_changes(args=args)
        return node

    def _operands(self, node) -> list[tuple[ast.AST, tuple | None]]:
        m = self.model
        t = type(node)
        if t is ast.BinOp:
            if type(node.op) in ELEMENTWISE_OPS:
                return [(node.left, None), (node.right, None)]
            return []
        if t is ast.Compare:
            if len(node.ops) == 1 and type(node.ops[0]) in _ELEMENTWISE_COMPARISONS:
                return [(node.left, None), (node.comparators[0], None)]
            return []
        if any(type(a) is ast.Starred for a in node.args) or has_double_star(node):
            return []
        func = node.func
        if callee_name(node) not in ("map_blocks", "blockwise"):
            return []
        q = m.qualname(func)
        if q in V.ARRAY_ALIGNING_FUNCTIONS:
            return self._positional_arrays(node.args[1:])
        if q in V.ARRAY_BLOCKWISE_FUNCTIONS:
            return self._blockwise_arrays(node)
        if q is None and type(func) is ast.Attribute and func.attr == "map_blocks" and \
                m.kind(func.value) == K.ARRAY:
            return self._positional_arrays([func.value, *node.args[1:]])
        return []

    def _positional_arrays(self, args) -> list:
        out = []
        for a in args:
            if type(a) is ast.Constant:
                continue  # a scalar is not aligned
            out.append((a, None))  # an unknown argument makes the whole call unknown
        return out

    def _blockwise_arrays(self, call: ast.Call) -> list:
        for kw in call.keywords:
            if kw.arg == "align_arrays" and not is_constant(kw.value, True):
                return []
        args = call.args[2:]
        if len(args) % 2:
            return []
        out = []
        for array, index in zip(args[::2], args[1::2]):
            if is_constant(index, None):
                continue  # not an array
            if type(index) is ast.Constant and type(index.value) is str:
                labels = tuple(index.value)
            elif type(index) is ast.Tuple and all(type(e) is ast.Constant for e in index.elts):
                labels = tuple(e.value for e in index.elts)
            else:
                return []
            out.append((array, labels))
        return out
