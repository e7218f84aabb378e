"""DSK311: a loop that indexes a Dask collection one element or row at a time."""

from __future__ import annotations

import ast
from typing import Iterator

from ...findings import Finding
from ...model import FRAMES, K, literal_int, single_assignment
from ...model import vocabulary as V
from ...syntax import code, short
from ..base import Rule
from ._loops import loop_label, range_length

#: A literal ``range`` with fewer items is a handful of accesses, not an element-wise loop.
_FEW_ITEMS = 10
#: Indexers whose items are whole blocks or partitions (or points: ``vindex``).
_BLOCK_INDEXERS = ("blocks", "vindex", "partitions")
_SHIFTS = (ast.Add, ast.Sub)
#: Functions that compute an element handed to them (``float(x[i])``, ``dask.compute``).
_COMPUTING = (V.IMPLICIT_COMPUTE_FUNCTIONS - {"builtins.len"}) | V.DASK_COMPUTE_FUNCTIONS


class ElementwiseLoop(Rule):
    """A loop that indexes a Dask array, DataFrame or Series one element or row at a time.

    ## What it does
    Finds `for` loops and comprehensions over `range(len(c))`, `range(c.shape[k])` (or a
    name bound to one of these, or a literal `range` of 10 items or more) whose body indexes
    a Dask collection with the loop variable as one element or row: `x[i]`, `x[i, :]`,
    `x[:, j]`, `x[i - 1]` on a Dask Array, `ddf.loc[i]` on a Dask DataFrame, `s[i]` and
    `s.loc[i]` on a Dask Series. A loop is reported once, on its first such access.

    When the loop's length is unknown (`range(len(x))` on an array whose shape the code does
    not spell out), it is reported only when an element is reduced or computed right away
    (`x[i].sum()`, `float(x[i])`, `np.max(x[i])`, `x[i].compute()`, `dask.compute(x[i])`)
    or indexed by two loop variables (`x[i, j]`): `len(x)` may be a short leading axis
    (the coordinates of `da.indices`, the channels of an image) whose slabs are handed to
    functions, which is no element-wise loop.

    ## Why is this bad?
    Every iteration builds a small graph of its own (and, when computed, makes a round trip
    to the scheduler), and each one reads a whole chunk to keep one row of it. Verified with
    dask 2026.8: `[x[i].sum() for i in range(2_000)]` on a 20,000×100 array in 1,000-row
    chunks builds 6,020 tasks and computes in 1.8–3.5 s; `x[:2_000].sum(axis=1)` computes
    the same values in 0.005–0.009 s (about 350 times faster).

    ## Example
    ```python
    totals = [x[i].sum() for i in range(2_000)]
    ```

    ## Use instead
    ```python
    totals = x[:2_000].sum(axis=1)
    ```

    ## Fix safety
    No automatic fix: the vectorised expression (a reduction over an axis, `map_blocks`
    with a NumPy function, `map_partitions` for row logic) depends on the loop's body.

    ## Options
    None.

    ## References
    - https://docs.dask.org/en/stable/array-best-practices.html
    - https://docs.dask.org/en/stable/dataframe-best-practices.html
    - Not flagged: loops over blocks or partitions (`x.blocks[k]`, `ddf.partitions[k]`,
      `range(x.numblocks[0])`, `range(ddf.npartitions)`), slices (`x[s:s + step]`), an
      axis whose chunks are known to hold one element each (each access is one block),
      an axis the code spells out with fewer than 10 elements, `ddf[i]` (a column),
      `ddf.iloc`, `x.vindex`, assignments (`x[i] = v`), loops over `range(n)` with `n`
      unknown or under 10, loops over anything but a `range` (`enumerate(x)`, iteration
      over the array itself), and NumPy, pandas and xarray objects.
    """

    code = "DSK311"
    name = "elementwise-loop"
    node_types = (ast.Subscript,)

    def __init__(self, model, options):
        super().__init__(model, options)
        #: For each loop, its element accesses, each with whether it alone shows an
        #: element-wise loop (a counted loop, a known axis, a reduced or computed element).
        self._loops: dict[ast.AST, list[tuple[ast.Subscript, bool]]] = {}

    def check(self, node: ast.Subscript) -> Iterator[Finding]:
        if type(node.ctx) is not ast.Load:
            return iter(())
        key = node.slice
        parts = key.elts if type(key) is ast.Tuple else [key]
        indices = [(axis, name) for axis, part in enumerate(parts)
                   if (name := _index_name(part)) is not None]
        if not indices:  # cheap exit first: no name as an index
            return iter(())
        m = self.model
        loops = m.enclosing_loops(node)
        if not loops:
            return iter(())
        receiver = self._elementwise_receiver(node, len(parts))
        if receiver is None:
            return iter(())
        chosen, counted, matched = None, receiver != K.ARRAY, 0
        for axis, name in indices:
            size = self._axis_size(node, axis) if receiver == K.ARRAY else None
            if size is not None and size < _FEW_ITEMS:
                continue  # a handful of items, or one-element chunks: a loop over blocks
            for loop in loops:  # innermost first: the last one found is the outermost
                found = self._iterates(loop, name)
                if found is not None:
                    chosen = loop
                    counted = counted or found or size is not None
                    matched += 1
        if chosen is None:
            return iter(())
        # Reported in finish(), once per loop: several accesses are one problem. A loop of
        # unknown length over an array (``range(len(x))``) is reported only when an access
        # is reduced or computed: a loop over a short leading axis (``len(x)`` of a
        # (3, ...) array) that hands slabs to functions is no element-wise loop.
        accesses = self._loops.setdefault(chosen, [])
        accesses.append((node, counted or self._reduced(node, matched)))
        return iter(())

    def finish(self) -> Iterator[Finding]:
        m = self.model
        for loop, accesses in self._loops.items():
            if not any(strong for _, strong in accesses):
                continue
            node = min((n for n, _ in accesses), key=lambda n: (n.lineno, n.col_offset))
            yield self.report(node, self._message(node, loop_label(m, loop)))

    def _message(self, node: ast.Subscript, label: str) -> str:
        recv = node.value
        if self.model.kind(recv) == K.ARRAY:
            name = code(recv, 30) or "x"
            return (f"{short(node, 40)} in {label} builds a small graph per element: one "
                    f"scheduler round trip each; use one expression over an axis or "
                    f"`{name}.map_blocks(f)`")
        if type(recv) is ast.Attribute and recv.attr == "loc":
            recv = recv.value
        name = code(recv, 30) or "ddf"
        return (f"{short(node, 40)} in {label} builds a graph per row: one label lookup each; "
                f"select the rows at once (`{name}.loc[start:stop]`) or use "
                f"`{name}.map_partitions(f)`")

    # ------------------------------------------------------------------ receivers
    def _elementwise_receiver(self, node: ast.Subscript, nparts: int) -> K | None:
        """The kind of the collection when ``node`` takes one element or row of a Dask
        Array, of a Dask Series (by label), or of a Dask DataFrame through ``.loc``."""
        v = self.model.value(node.value)
        if v is None:
            return None
        if v.kind == K.ARRAY:
            return K.ARRAY if v.origin not in _BLOCK_INDEXERS else None
        if v.kind not in FRAMES:
            return None
        if v.origin == "loc":
            return v.kind  # ddf.loc[i], ddf.loc[i, "a"], s.loc[i]
        # s[i] is s.loc[i]; ddf[i] selects a column, and a FRAME may be a DataFrame
        if v.kind == K.SERIES and v.origin is None and nparts == 1 and \
                type(node.slice) is not ast.Tuple:
            return K.SERIES
        return None

    def _reduced(self, node: ast.Subscript, loop_indices: int) -> bool:
        """True when the element is reduced or computed right away (``x[i].sum()``,
        ``float(x[i])``, ``np.max(x[i])``, ``x[i].compute()``), or indexed by two loop
        variables (``x[i, j]``, one element of a matrix)."""
        if loop_indices > 1:
            return True
        m = self.model
        parent = m.parent(node)
        t = type(parent)
        if t is ast.Attribute:
            call = m.parent(parent)
            return (parent.attr in V.ARRAY_SCALAR_REDUCTIONS or
                    parent.attr in V.COMPUTE_METHODS) and \
                type(call) is ast.Call and call.func is parent
        if t is ast.Call and node in parent.args:
            q = m.qualname(parent.func) or ""
            if q in _COMPUTING:
                return True
            module, _, last = q.rpartition(".")
            return module in ("numpy", "dask.array") and last in V.ARRAY_SCALAR_REDUCTIONS
        return False

    def _axis_size(self, node: ast.Subscript, axis: int) -> int | None:
        """The length of the array's dimension ``axis`` when the code spells it out, or 1
        when its chunks are known to hold one element each (every access is one whole
        block: a loop over blocks)."""
        key = node.slice
        if type(key) is ast.Tuple and any(
                type(e) is ast.Constant and e.value is Ellipsis or
                type(e) is ast.Constant and e.value is None for e in key.elts[:axis]):
            return None
        layout = self.model.array_layout(node.value)
        if layout is None or axis >= len(layout.shape):
            return None
        if layout.chunks is not None and axis < len(layout.chunks) and \
                layout.chunks[axis].largest == 1:
            return 1
        return layout.shape[axis]

    # ------------------------------------------------------------------ loops
    def _iterates(self, loop: ast.AST, name: ast.Name) -> bool | None:
        """When ``name`` is the variable of ``loop`` (no other binding reaches it) and the
        loop runs over an element-wise ``range``: whether its length is spelled out (True)
        or a ``len()``/``.shape`` (False). None otherwise."""
        if type(loop) in (ast.For, ast.AsyncFor):
            targets = [(loop.target, loop.iter)]
        elif hasattr(loop, "generators"):
            targets = [(g.target, g.iter) for g in loop.generators]
        else:
            return None
        for target, iterable in targets:
            if type(target) is not ast.Name or target.id != name.id:
                continue
            bindings = self.model.reaching_bindings(name)
            if not bindings or any(b.kind not in ("for", "comprehension") or
                                   b.value is not iterable for b in bindings):
                return None
            return self._elementwise_range(iterable)
        return None

    def _elementwise_range(self, node: ast.AST) -> bool | None:
        """True for a literal ``range`` of 10 items or more, False for a ``range`` up to a
        length (``len(c)``, ``c.shape[k]``), None for anything else."""
        m = self.model
        if type(node) is not ast.Call or node.keywords or not 1 <= len(node.args) <= 3 or \
                any(type(a) is ast.Starred for a in node.args) or \
                m.qualname(node.func) != "builtins.range":
            return None
        n = range_length(m, node)
        if n is not None:
            return True if n >= _FEW_ITEMS else None
        if len(node.args) == 3:
            step = literal_int(m, node.args[2])
            if step is None or step <= 0:
                return None
        stop = node.args[0] if len(node.args) == 1 else node.args[1]
        return False if self._length(stop, 0) else None

    def _length(self, node: ast.AST, depth: int) -> bool:
        """True for ``len(c)``, ``c.shape[k]``, either plus or minus a literal, or a name
        bound once to one of these, where ``c`` is not a short literal list or tuple."""
        if depth > 4:
            return False
        m = self.model
        t = type(node)
        if t is ast.Name:
            value = single_assignment(m, node)
            return value is not None and self._length(value, depth + 1)
        if t is ast.BinOp and type(node.op) in _SHIFTS:
            if literal_int(m, node.right) is not None:
                return self._length(node.left, depth + 1)
            if type(node.op) is ast.Add and literal_int(m, node.left) is not None:
                return self._length(node.right, depth + 1)
            return False
        if t is ast.Call:
            return len(node.args) == 1 and not node.keywords and \
                m.qualname(node.func) == "builtins.len" and not self._short(node.args[0])
        if t is ast.Subscript:
            shape = node.value
            return type(shape) is ast.Attribute and shape.attr == "shape" and \
                literal_int(m, node.slice) is not None and not self._short(shape.value)
        return False

    def _short(self, node: ast.AST) -> bool:
        """A list or tuple spelled out with fewer than 10 items."""
        if type(node) is ast.Name:
            node = single_assignment(self.model, node) or node
        return type(node) in (ast.List, ast.Tuple, ast.Set, ast.Dict) and \
            len(getattr(node, "elts", None) or getattr(node, "keys", ())) < _FEW_ITEMS


def _index_name(part: ast.AST) -> ast.Name | None:
    """The name indexing one element in ``part`` of a subscript: ``i``, ``i + 1``, ``i - 1``."""
    t = type(part)
    if t is ast.Name:
        return part
    if t is ast.BinOp and type(part.op) in _SHIFTS:
        if type(part.left) is ast.Name and type(part.right) is ast.Constant and \
                type(part.right.value) is int:
            return part.left
        if type(part.op) is ast.Add and type(part.right) is ast.Name and \
                type(part.left) is ast.Constant and type(part.left.value) is int:
            return part.right
    return None
