"""Literal array layouts: the shape and chunks of a Dask array, when the code spells them out.

``da.ones((10_000, 10_000), chunks=(10, 10))`` has a known shape and known chunks; so has
``x.rechunk((1000, 10))`` when ``x`` has a known shape. Anything not written as a literal
(``chunks="auto"``, chunks read from storage, a shape computed at run time) is unknown, and
unknown means silent. Block counts are computed arithmetically, never by listing blocks, so a
billion one-element blocks costs nothing to describe.
"""

from __future__ import annotations

import ast
import math
from itertools import combinations
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..syntax import keyword_value
from . import vocabulary as V
from .kinds import K
from .literals import literal_int, single_assignment

if TYPE_CHECKING:
    from .semantic import SemanticModel

#: Explicit boundaries are compared as sets only below this many blocks per dimension.
_MAX_LISTED_BLOCKS = 1_000_000


@dataclass(frozen=True)
class Dim:
    """The blocks along one dimension: regular (``block`` elements each, the last one
    possibly smaller) or explicit (``blocks``)."""

    size: int
    block: int | None = None
    blocks: tuple[int, ...] | None = None

    @property
    def count(self) -> int:
        if self.blocks is not None:
            return len(self.blocks)
        return max(1, -(-self.size // self.block)) if self.size else 1

    @property
    def largest(self) -> int:
        if self.blocks is not None:
            return max(self.blocks, default=0)
        return min(self.block, self.size)

    @property
    def trivial(self) -> bool:
        """One block spanning the dimension: it never forces a rechunk of the other side."""
        return self.count == 1

    def boundaries(self) -> set[int] | None:
        """Inner block boundaries, or None when there are too many to list."""
        if self.count > _MAX_LISTED_BLOCKS:
            return None
        if self.blocks is not None:
            out, pos = set(), 0
            for b in self.blocks[:-1]:
                pos += b
                out.add(pos)
            return out
        return set(range(self.block, self.size, self.block))

    def describe(self) -> str:
        if self.blocks is not None:
            return str(self.blocks) if len(self.blocks) <= 4 else f"({self.blocks[0]}, ...)"
        return str(self.largest)


@dataclass(frozen=True)
class ArrayLayout:
    """The literal shape and chunks of a Dask array.

    ``chunks`` is None when only the shape is known. ``node`` is the call that set the chunks
    (the creator or the ``rechunk``) and ``spec`` the chunks expression as written there.
    """

    shape: tuple[int, ...]
    chunks: tuple[Dim, ...] | None
    node: ast.AST | None = None
    spec: ast.AST | None = None

    @property
    def blocks(self) -> int:
        return math.prod(d.count for d in self.chunks) if self.chunks is not None else 0

    @property
    def block_elements(self) -> int:
        return math.prod(d.largest for d in self.chunks) if self.chunks is not None else 0

    def block_shape(self) -> str:
        if self.chunks is None:
            return "?"
        parts = [d.describe() for d in self.chunks]
        return f"({parts[0]},)" if len(parts) == 1 else f"({', '.join(parts)})"


# ---------------------------------------------------------------------------------------------
# Literals
# ---------------------------------------------------------------------------------------------

def literal_shape(m: SemanticModel, node: ast.AST | None) -> tuple[int, ...] | None:
    """``(1000, 1000)`` or ``1000`` (a 1-d shape), spelled out."""
    if node is None:
        return None
    if type(node) is ast.Name:
        value = single_assignment(m, node)
        if value is not None and type(value) in (ast.Tuple, ast.List):
            node = value
    if type(node) in (ast.Tuple, ast.List):
        dims = tuple(literal_int(m, e) for e in node.elts)
        if any(d is None or d < 0 for d in dims):
            return None
        return dims
    n = literal_int(m, node)
    return (n,) if n is not None and n >= 0 else None


def _argument(call: ast.Call, position: int | None, keyword: str | None) -> ast.AST | None:
    if keyword is not None:
        value = keyword_value(call, keyword)
        if value is not None:
            return value
    if position is not None and position < len(call.args):
        arg = call.args[position]
        if type(arg) is not ast.Starred and not any(
                type(a) is ast.Starred for a in call.args[:position]):
            return arg
    return None


# ---------------------------------------------------------------------------------------------
# Chunk specifications
# ---------------------------------------------------------------------------------------------

def normalize_chunks(m: SemanticModel, spec: ast.AST | None, shape: tuple[int, ...],
                     previous: tuple[Dim, ...] | None = None) -> tuple[Dim, ...] | None:
    """The blocks a literal ``chunks=`` gives an array of ``shape`` (None: unknown).

    ``previous`` is the layout before a ``rechunk``: there ``None`` and the axes a dict leaves
    out keep their blocks.
    """
    if spec is None:
        return None
    if type(spec) is ast.Name:
        value = single_assignment(m, spec)
        if value is not None and type(value) in (ast.Tuple, ast.List, ast.Dict):
            spec = value
    t = type(spec)
    if t is ast.Dict:
        if previous is None or len(previous) != len(shape):
            return None
        out = list(previous)
        for k, v in zip(spec.keys, spec.values):
            axis = literal_int(m, k)
            if axis is None or not -len(shape) <= axis < len(shape):
                return None
            d = _dim(m, v, shape[axis], previous[axis])
            if d is None:
                return None
            out[axis] = d
        return tuple(out)
    if t in (ast.Tuple, ast.List):
        elts = spec.elts
        if len(elts) != len(shape):
            if len(shape) == 1:  # ``chunks=(3, 3, 4)`` on a 1-d array lists its blocks
                d = _explicit(m, spec, shape[0])
                return (d,) if d is not None else None
            return None
        out = []
        for i, e in enumerate(elts):
            d = _dim(m, e, shape[i], previous[i] if previous is not None else None)
            if d is None:
                return None
            out.append(d)
        return tuple(out)
    n = literal_int(m, spec)
    if n is None:
        return None  # "auto", "100 MiB", a variable: unknown
    dims = []
    for size in shape:
        d = _regular(n, size)
        if d is None:
            return None
        dims.append(d)
    return tuple(dims)


def _regular(n: int, size: int) -> Dim | None:
    if n == -1:
        return Dim(size, block=max(size, 1))
    if n <= 0:
        return None
    return Dim(size, block=n)


def _dim(m, node, size: int, previous: Dim | None) -> Dim | None:
    if type(node) is ast.Constant and node.value is None:
        return previous if previous is not None else Dim(size, block=max(size, 1))
    if type(node) in (ast.Tuple, ast.List):
        return _explicit(m, node, size)
    n = literal_int(m, node)
    return _regular(n, size) if n is not None else None


def _explicit(m, node, size: int) -> Dim | None:
    blocks = tuple(literal_int(m, e) for e in node.elts)
    if not blocks or any(b is None or b < 0 for b in blocks) or sum(blocks) != size:
        return None
    return Dim(size, blocks=blocks)


# ---------------------------------------------------------------------------------------------
# Layout inference
# ---------------------------------------------------------------------------------------------

def array_layout(m: SemanticModel, node: ast.AST) -> ArrayLayout | None:
    """The literal layout of the Dask array ``node`` evaluates to, if the code spells it."""
    t = type(node)
    if t is ast.Name:
        value = single_assignment(m, node)
        return m.array_layout(value) if value is not None else None
    if t is ast.Call:
        return _call_layout(m, node)
    if t is ast.UnaryOp and type(node.op) in (ast.USub, ast.UAdd, ast.Invert):
        return m.array_layout(node.operand)
    if t is ast.BinOp and type(node.op) is not ast.MatMult:
        for side, other in ((node.left, node.right), (node.right, node.left)):
            if type(other) is ast.Constant and type(other.value) in (int, float, complex):
                return m.array_layout(side)
        return None
    if t is ast.Attribute and node.attr == "T":
        return _transposed(m.array_layout(node.value))
    return None


def _transposed(layout: ArrayLayout | None) -> ArrayLayout | None:
    if layout is None:
        return None
    chunks = tuple(reversed(layout.chunks)) if layout.chunks is not None else None
    return ArrayLayout(tuple(reversed(layout.shape)), chunks, layout.node, layout.spec)


#: The last names of the calls whose layout can be their own (``layout.node is call``): the
#: Dask creators :func:`creator_shape` knows, ``da.rechunk`` and the ``.rechunk()`` method.
#: Every layout starts at one of them (the other cases of :func:`array_layout` derive one
#: from another), so a file without such a call has none. Keep in step with
#: :func:`_call_layout`: the model skips layouts in files without them, and DSK501 is
#: dispatched only these calls.
OWN_LAYOUT_CALL_NAMES = frozenset(
    q.rpartition(".")[2] for q in (*V.ARRAY_SHAPE_ARGUMENT, *V.ARRAY_DIMS_AS_ARGUMENTS,
                                   *V.ARANGE_FUNCTIONS, *V.LINSPACE_FUNCTIONS,
                                   *V.EYE_FUNCTIONS, *V.ARRAY_FROM_DATA_FUNCTIONS,
                                   *V.ARRAY_RECHUNK_FUNCTIONS)) | {"rechunk"}


def _call_layout(m: SemanticModel, call: ast.Call) -> ArrayLayout | None:
    func = call.func
    q = m.qualname(func)
    if q is not None:
        if q in V.ARRAY_RECHUNK_FUNCTIONS:
            base = m.array_layout(call.args[0]) if call.args else None
            return _rechunked(m, call, base, _argument(call, 1, "chunks"))
        if q.startswith("dask.array."):
            return _creator_layout(m, call, q)
        return None
    if type(func) is not ast.Attribute:
        return None
    if m.kind(func.value) != K.ARRAY:
        return None
    if func.attr == "rechunk":
        return _rechunked(m, call, m.array_layout(func.value), _argument(call, 0, "chunks"))
    if func.attr in V.ARRAY_LAYOUT_PRESERVING_METHODS:
        return m.array_layout(func.value)
    if func.attr == "transpose" and not call.args and not call.keywords:
        return _transposed(m.array_layout(func.value))
    return None


def _rechunked(m, call, base: ArrayLayout | None, spec) -> ArrayLayout | None:
    if base is None or spec is None:
        return None
    chunks = normalize_chunks(m, spec, base.shape, base.chunks)
    return ArrayLayout(base.shape, chunks, call, spec)


def _creator_layout(m: SemanticModel, call: ast.Call, q: str) -> ArrayLayout | None:
    shape = creator_shape(m, call, q)
    if shape is None:
        return None
    spec = _argument(call, V.DASK_ARRAY_CHUNKS_POSITION.get(q), "chunks")
    chunks = normalize_chunks(m, spec, shape) if spec is not None else None
    return ArrayLayout(shape, chunks, call, spec)


def creator_shape(m: SemanticModel, call: ast.Call, q: str) -> tuple[int, ...] | None:
    """The shape of a new Dask or NumPy array, from the creator's literal arguments."""
    where = V.ARRAY_SHAPE_ARGUMENT.get(q)
    if where is not None:
        return literal_shape(m, _argument(call, *where))
    if q in V.ARRAY_DIMS_AS_ARGUMENTS:  # np.random.rand(1000, 1000)
        dims = tuple(literal_int(m, a) for a in call.args)
        if not dims or call.keywords or any(d is None or d < 0 for d in dims):
            return None
        return dims
    if q in V.ARANGE_FUNCTIONS:
        return _arange_shape(m, call)
    if q in V.LINSPACE_FUNCTIONS:
        num = _argument(call, 2, "num")
        n = literal_int(m, num) if num is not None else 50
        return (n,) if n is not None and n >= 0 else None
    if q in V.EYE_FUNCTIONS:
        n = literal_int(m, _argument(call, 0, "N"))
        m_arg = _argument(call, 2 if q.startswith("dask.") else 1, "M")
        cols = literal_int(m, m_arg) if m_arg is not None else n
        return (n, cols) if n is not None and cols is not None else None
    if q in V.ARRAY_FROM_DATA_FUNCTIONS:
        data = _argument(call, 0, None)
        return data_shape(m, data) if data is not None else None
    return None


def _arange_shape(m, call: ast.Call) -> tuple[int, ...] | None:
    if any(type(a) is ast.Starred for a in call.args):
        return None
    args = [literal_int(m, a) for a in call.args]
    for kw in call.keywords:
        if kw.arg in ("start", "stop", "step"):
            return None
    if len(args) == 1 and args[0] is not None:
        return (max(0, args[0]),)
    if len(args) in (2, 3) and None not in args:
        start, stop, step = args[0], args[1], args[2] if len(args) == 3 else 1
        if step == 0:
            return None
        return (max(0, -(-(stop - start) // step)),)
    return None


def data_shape(m: SemanticModel, node: ast.AST, _depth: int = 0) -> tuple[int, ...] | None:
    """The shape of a NumPy array handed to ``da.from_array``, when its creation is literal."""
    if _depth > 4:
        return None
    if type(node) is ast.Name:
        value = single_assignment(m, node)
        return data_shape(m, value, _depth + 1) if value is not None else None
    if type(node) is ast.Call:
        q = m.qualname(node.func)
        if q is not None and q.startswith("numpy."):
            return creator_shape(m, node, q)
    return None


# ---------------------------------------------------------------------------------------------
# Chunk alignment (dask.array.core.unify_chunks / common_blockdim)
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Alignment:
    """What aligning arrays costs: the blocks after ``unify_chunks`` and before it."""

    blocks: int  # blocks of the aligned result
    most_input_blocks: int  # the most blocks any one input has

    @property
    def factor(self) -> float:
        return self.blocks / self.most_input_blocks if self.most_input_blocks else 0.0


def align(arrays: list[tuple[ArrayLayout, tuple]]) -> Alignment | None:
    """Simulate ``unify_chunks`` over ``(layout, index)`` pairs (one index label per
    dimension, as in ``blockwise``). None when a layout is unknown or the shapes do not
    broadcast (Dask would raise)."""
    by_index: dict[object, list[Dim]] = {}
    for layout, index in arrays:
        if layout.chunks is None or len(index) != len(layout.chunks):
            return None
        for label, d in zip(index, layout.chunks):
            by_index.setdefault(label, []).append(d)
    blocks = 1
    for dims in by_index.values():
        n = _common_count(dims)
        if n is None:
            return None
        blocks *= n
    return Alignment(blocks, max(layout.blocks for layout, _ in arrays))


def _common_count(dims: list[Dim]) -> int | None:
    """The number of blocks ``common_blockdim`` gives one dimension."""
    nontrivial = [d for d in dims if not d.trivial]
    if not nontrivial:
        return 1
    if len({d.size for d in nontrivial}) > 1:
        return None  # "Chunks do not add up to same value"
    size = nontrivial[0].size
    regular = {d.largest for d in nontrivial if d.blocks is None}
    explicit = [d for d in nontrivial if d.blocks is not None]
    if not explicit:
        # Inner boundaries are the multiples of each block size below ``size``: count their
        # union by inclusion-exclusion.
        steps = sorted(regular)
        if len(steps) > 8:
            return None
        total = 0
        for r in range(1, len(steps) + 1):
            for combo in combinations(steps, r):
                step = math.lcm(*combo)
                total += (-1) ** (r + 1) * ((size - 1) // step)
        return total + 1
    bounds: set[int] = set()
    for d in nontrivial:
        b = d.boundaries()
        if b is None:
            return None
        bounds |= b
    return len(bounds) + 1
