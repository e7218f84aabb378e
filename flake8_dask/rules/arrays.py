"""Array and chunk rules (catalog section 5)."""

from __future__ import annotations

import ast
from typing import Iterator

from ..findings import Finding, Safety
from ..model import FRAMES, K, dotted
from ..model import vocabulary as V
from ..model.arrays import OWN_LAYOUT_CALL_NAMES, align
from . import _edits as E
from .base import Rule

_ELEMENTWISE_OPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow,
                    ast.BitAnd, ast.BitOr, ast.BitXor, ast.LShift, ast.RShift)
_ELEMENTWISE_COMPARISONS = (ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Eq, ast.NotEq)
#: Dask's PerformanceWarning threshold in ``unify_chunks``.
_WARNING_FACTOR = 10
#: Callee names that may take ``chunks`` positionally.
_POSITIONAL_CHUNKS = frozenset(q.rpartition(".")[2] for q in V.DASK_ARRAY_CHUNKS_POSITION) | \
    frozenset(q.rpartition(".")[2] for q in V.ARRAY_RECHUNK_FUNCTIONS)
_CONVERSION_NAMES = frozenset(
    q.rpartition(".")[2] for q in (*V.IMPLICIT_COMPUTE_CONVERSIONS, *V.IMPLICIT_COMPUTE_QUERIES))


def text(node: ast.AST, limit: int = 40) -> str:
    """Source text of an expression, shortened for messages."""
    s = ast.unparse(node)
    return s if len(s) <= limit else s[:limit - 3] + "..."


def receiver(node: ast.AST, limit: int = 30) -> str:
    """Source text of an expression as the receiver of a method call."""
    shown = text(node, limit)
    if type(node) in (ast.Name, ast.Attribute, ast.Call, ast.Subscript):
        return shown
    return f"({shown})"


def callee_name(call: ast.Call) -> str | None:
    """The last name of the callee (``asarray`` for ``np.asarray``): a cheap prefilter
    before resolving it."""
    func = call.func
    t = type(func)
    return func.attr if t is ast.Attribute else func.id if t is ast.Name else None


def call_label(call: ast.Call) -> str:
    name = dotted(call.func)
    if name is None and type(call.func) is ast.Attribute:
        name = f"....{call.func.attr}"
    return f"{name or text(call.func)}()"


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
    fix_safety = Safety.UNSAFE
    fix_title = 'Let Dask choose the chunks: chunks="auto"'

    def check(self, node: ast.Call) -> Iterator[Finding]:
        if not (any(kw.arg == "chunks" for kw in node.keywords) or (
                len(node.args) >= 2 and callee_name(node) in _POSITIONAL_CHUNKS) or (
                node.args and callee_name(node) == "rechunk")):
            return
        layout = self.model.array_layout(node)
        if layout is None or layout.chunks is None or layout.node is not node:
            return
        blocks, elements = layout.blocks, layout.block_elements
        if blocks <= self.options.tiny_chunk_blocks or \
                elements >= self.options.tiny_chunk_elements:
            return
        plural = "s" if elements != 1 else ""
        yield self.report(
            node,
            f"{call_label(node)} with chunks={text(layout.spec)} splits the {layout.shape} "
            f"array into {blocks:,} blocks of at most {elements:,} element{plural}: every "
            "block is a task, "
            "so scheduling overhead swamps the work (`chunks` is the size of one block, not "
            'the number of blocks); use chunks="auto" or blocks of about 100 MB',
            **self._fix_facts(node, layout.spec))

    @staticmethod
    def _fix_facts(call: ast.Call, spec) -> dict:
        """Where the literal chunks are in ``call``: ``keyword`` or positional ``index``, and
        whether they are a per-axis dict."""
        t = type(spec)
        literal = (t is ast.Constant and type(spec.value) is int) or t in (ast.Tuple, ast.List) \
            or (t is ast.Dict and None not in spec.keys)
        data = {"dict": t is ast.Dict}
        if any(kw.value is spec for kw in call.keywords):
            data["keyword"] = True
        elif any(a is spec for a in call.args):
            data["index"] = call.args.index(spec)
        else:
            literal = False
        return {"fix_data": data, "fixable": literal}

    def fix(self, node, finding):
        import libcst as cst

        data = finding.fix.data
        auto = cst.SimpleString('"auto"')
        if data.get("keyword"):
            old = next(a.value for a in node.args
                       if a.keyword is not None and a.keyword.value == "chunks")
        else:
            old = node.args[data["index"]].value
        new = auto
        if data["dict"]:
            new = old.with_changes(elements=[e.with_changes(value=auto) for e in old.elements])
        if data.get("keyword"):
            return E.with_keyword(node, "chunks", new)
        args = list(node.args)
        args[data["index"]] = args[data["index"]].with_changes(value=new)
        return node.with_changes(args=args)


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
    fix_safety = Safety.UNSAFE
    fix_title = "Rechunk one side to the other's chunks: .rechunk(x.chunks)"

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
        if m.expects_failure(node):
            return  # ``with pytest.warns(PerformanceWarning):``: the test wants the warning
        described = ", ".join(
            f"{text(expr, 20)} with chunks {layout.block_shape()}"
            + (f" (line {layout.node.lineno})" if layout.node is not None else "")
            for expr, layout, _ in pairs)
        label = call_label(node) if type(node) is ast.Call else text(node, 30)
        facts = self._fix_facts(node, operands, pairs)
        yield self.report(
            node,
            f"{label} combines arrays whose chunks cross ({described}): Dask rechunks them "
            f"to {alignment.blocks:,} blocks, {int(alignment.factor)} times more than "
            "either input; create them with the same chunks or rechunk one side to match "
            "the other", fix_data=facts, fixable=facts is not None)

    # ------------------------------------------------------------------ fix
    def _fix_facts(self, node, operands, pairs) -> dict | None:
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
        return {"reference": ref_expr.id, "operands": where}

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
        chunks = cst.Arg(value=cst.Attribute(value=cst.Name(data["reference"]),
                                             attr=cst.Name("chunks")))

        def rechunked(operand):
            return E.method_call(operand, "rechunk").with_changes(args=[chunks])

        for where in data["operands"]:
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
            if type(node.op) in _ELEMENTWISE_OPS:
                return [(node.left, None), (node.right, None)]
            return []
        if t is ast.Compare:
            if len(node.ops) == 1 and type(node.ops[0]) in _ELEMENTWISE_COMPARISONS:
                return [(node.left, None), (node.comparators[0], None)]
            return []
        if any(type(a) is ast.Starred for a in node.args) or \
                any(kw.arg is None for kw in node.keywords):
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
            if kw.arg == "align_arrays" and not (type(kw.value) is ast.Constant and
                                                 kw.value.value is True):
                return []
        args = call.args[2:]
        if len(args) % 2:
            return []
        out = []
        for array, index in zip(args[::2], args[1::2]):
            if type(index) is ast.Constant and index.value is None:
                continue  # not an array
            if type(index) is ast.Constant and type(index.value) is str:
                labels = tuple(index.value)
            elif type(index) is ast.Tuple and all(type(e) is ast.Constant for e in index.elts):
                labels = tuple(e.value for e in index.elts)
            else:
                return []
            out.append((array, labels))
        return out


class UnknownChunks(Rule):
    """`ddf.values` or `ddf.to_dask_array()` (unknown chunk sizes) sliced, reshaped or
    measured.

    ## What it does
    Finds `<dask frame>.values` and `<dask frame>.to_dask_array()` without `lengths=True`
    whose result is then indexed by position along the rows (`[:10]`, `[0]`, `[::2]`,
    `[[1, 2]]`), reshaped (`.reshape`, `.ravel`, `.flatten`), passed to `len()` or asked for
    `.shape[0]`, directly or through a variable. The finding is on the `.values` /
    `.to_dask_array()` expression, and names the line of the failing use.

    ## Why is this bad?
    Dask does not know how many rows each partition has, so the array's row chunks are
    `nan`. Verified with dask 2026.8: `ddf.values.chunks` is `((nan, nan, nan, nan), (2,))`;
    `v[:10]`, `v[0]` and `v[[1, 2]]` raise `ValueError: Arrays chunk sizes are unknown`,
    `v.reshape(...)`, `v.ravel()` and `len(v)` raise too, and `v.shape[0]` is `nan`.

    ## Example
    ```python
    X = ddf.values
    head = X[:1000]
    ```

    ## Use instead
    ```python
    X = ddf.to_dask_array(lengths=True)
    head = X[:1000]
    ```

    ## Fix safety
    Unsafe: `ddf.values` and `ddf.to_dask_array()` (or `lengths=None`) become
    `ddf.to_dask_array(lengths=True)`, keeping any other argument. The array is the same
    (Dask's `to_dask_array` builds it from `.values`) with known row chunks, but
    `lengths=True` computes every partition's length eagerly, where the line runs: an extra
    pass over the data when the graph is built, and the exceptions of loading it surface
    there.

    ## Options
    None.

    ## References
    - https://docs.dask.org/en/stable/array-chunks.html#unknown-chunks
    - Not flagged: `.values` used in elementwise operations or reductions, column selection
      (`v[:, 0]`), boolean masks, `to_dask_array(lengths=True)` or `lengths=[...]`, arrays
      on which `compute_chunk_sizes()` is called, pandas and xarray `.values`.
    - Known limitation: a use through a second variable, an attribute or another function
      is not followed.
    """

    code = "DSK503"
    name = "unknown-chunks"
    node_types = (ast.Attribute, ast.Call)
    call_names = frozenset({"to_dask_array"})  # calls only
    attribute_names = frozenset({"values"})
    fix_safety = Safety.UNSAFE
    fix_title = "Compute the row chunks: to_dask_array(lengths=True)"

    def check(self, node) -> Iterator[Finding]:
        m = self.model
        if type(node) is ast.Attribute:
            if node.attr != "values" or type(node.ctx) is not ast.Load:
                return
            frame, label = node.value, ".values"
        else:
            func = node.func
            if type(func) is not ast.Attribute or func.attr != "to_dask_array":
                return
            for kw in node.keywords:
                if kw.arg is None or (kw.arg == "lengths" and not (
                        type(kw.value) is ast.Constant and kw.value.value is None)):
                    return
            if node.args:
                return
            frame, label = func.value, ".to_dask_array()"
        if m.kind(frame) not in FRAMES:
            return
        use = self._failing_use(node)
        if use is None:
            return
        what, line = use
        yield self.report(
            node,
            f"{text(frame, 30)}{label} has unknown chunk sizes (nan rows per partition), and "
            f"{what} at line {line} fails on it ('Arrays chunk sizes are unknown'); use "
            f"{text(frame, 30)}.to_dask_array(lengths=True), or call compute_chunk_sizes() "
            "first")

    def fix(self, node, finding):
        import libcst as cst

        lengths = cst.Name("True")
        if isinstance(node, cst.Call):
            return E.with_keyword(node, "lengths", lengths)
        call = cst.Call(func=node.with_changes(attr=cst.Name("to_dask_array"), lpar=[],
                                               rpar=[]))
        return E.with_keyword(call, "lengths", lengths).with_changes(lpar=node.lpar,
                                                                     rpar=node.rpar)

    def _failing_use(self, expr) -> tuple[str, int] | None:
        direct = self._use(expr)
        if direct is not None:
            return direct
        parent = self.model.parent(expr)
        target = None
        if type(parent) is ast.Assign and len(parent.targets) == 1 and \
                type(parent.targets[0]) is ast.Name:
            target = parent.targets[0]
        elif type(parent) in (ast.AnnAssign, ast.NamedExpr) and type(parent.target) is ast.Name:
            target = parent.target
        if target is None:
            return None
        m = self.model
        scope = m.scope_of(target)
        while scope.kind == "comprehension":
            scope = scope.parent
        found = None
        for name in m.loaded_names(scope.node):
            if name.id != target.id:
                continue
            bindings = m.reaching_bindings(name)
            if not any(b.node is target for b in bindings):
                continue
            after = m.parent(name)
            if type(after) is ast.Attribute and after.value is name and \
                    after.attr == "compute_chunk_sizes":
                return None
            if len(bindings) != 1:
                continue
            use = self._use(name)
            if use is not None and (found is None or use[1] < found[1]):
                found = use
        return found

    def _use(self, expr) -> tuple[str, int] | None:
        """How ``expr`` (an array with unknown row chunks) is used, when that use fails."""
        parent = self.model.parent(expr)
        t = type(parent)
        if t is ast.Subscript and parent.value is expr and type(parent.ctx) is ast.Load:
            index = parent.slice
            first = index.elts[0] if type(index) is ast.Tuple and index.elts else index
            if _positional(first):
                return f"indexing it with [{text(index, 20)}]", parent.lineno
        elif t is ast.Attribute and parent.value is expr:
            grand = self.model.parent(parent)
            if parent.attr in ("reshape", "ravel", "flatten") and type(grand) is ast.Call \
                    and grand.func is parent:
                return f".{parent.attr}()", grand.lineno
            if parent.attr == "shape" and type(grand) is ast.Subscript and \
                    grand.value is parent and type(grand.slice) is ast.Constant and \
                    grand.slice.value == 0:
                return ".shape[0] (nan)", grand.lineno
        elif t is ast.Call and expr in parent.args and len(parent.args) == 1 and \
                self.model.qualname(parent.func) == "builtins.len":
            return "len()", parent.lineno
        return None


def _positional(index) -> bool:
    """An index along the first axis that needs its chunk sizes (not ``:`` nor a mask)."""
    t = type(index)
    if t is ast.Constant:
        return type(index.value) is int
    if t is ast.UnaryOp and type(index.op) is ast.USub:
        return type(index.operand) is ast.Constant and type(index.operand.value) is int
    if t is ast.Slice:
        return any(part is not None and not (type(part) is ast.Constant and part.value is None)
                   for part in (index.lower, index.upper, index.step))
    if t is ast.List:
        return bool(index.elts) and all(type(e) is ast.Constant and type(e.value) is int
                                        for e in index.elts)
    return False


class ImplicitCompute(Rule):
    """A Dask collection computed silently by a conversion: `np.asarray(x)`, `float(x)`,
    or `len(ddf)` again and again.

    ## What it does
    Finds `np.asarray(...)`, `np.array(...)` and `np.asanyarray(...)` of a Dask Array,
    DataFrame or Series; `float(...)` and `int(...)` of a Dask
    Array expression (`float(x.sum())`); and `len(ddf)` of a Dask DataFrame or Series when
    it runs inside a loop on a collection defined outside the loop, or when the same
    collection was already measured with `len()` earlier in the same scope.

    ## Why is this bad?
    Each of these computes the whole collection, with no `.compute()` in sight, so the cost
    is invisible in review and is paid again at every repetition. Verified with dask 2026.8:
    `np.asarray(darr)` returned an ndarray with no warning, `np.asarray(ddf.a)` computed,
    `float(darr.sum())` returned `1000.0`, and two `len(ddf)` calls ran the partitions 8
    times instead of 4. Maintainers considered removing these
    implicit computes (dask/dask#9387).

    ## Example
    ```python
    total = float(x.sum())
    for col in columns:
        print(col, len(ddf))
    ```

    ## Use instead
    ```python
    total = float(x.sum().compute())
    n_rows = len(ddf)  # once, kept
    for col in columns:
        print(col, n_rows)
    ```

    ## Fix safety
    `float(x)`/`int(x)` becomes `float(x.compute())`. Safe when `x` is certainly 0-d (a
    reduction without an axis, `x.sum()` or `np.max(x)`, or arithmetic on such reductions
    and numbers): Dask's `Array.__float__` is `float(x.compute().item())`, the same value.
    Unsafe otherwise: for an array of one element but one or more dimensions, `float(x)`
    works while `float(x.compute())` raises `TypeError` with NumPy 2.4 ("only 0-dimensional
    arrays can be converted to Python scalars").

    `np.asarray(x)`/`np.array(x)` of a Dask Array (one argument, no `dtype=` or `copy=`)
    becomes `x.compute()`: unsafe, since they differ when the blocks are not NumPy arrays
    (CuPy, sparse, masked), a 0-d array computes to a NumPy scalar rather than a 0-d
    ndarray, and `np.array` always copied while `compute()` may return an array that shares
    memory with the graph's data. No fix for DataFrames and Series (`compute()` gives a
    pandas object), or for `len(ddf)`: hoisting it out of a loop needs a human.

    ## Options
    None.

    ## References
    - https://github.com/dask/dask/pull/9387
    - https://github.com/dask/dask/issues/2948
    - Not flagged: conversions of NumPy, pandas and xarray objects; a single `len(ddf)`;
      `len(ddf)` in a loop that rebinds `ddf`; `float()`/`int()` of a DataFrame Scalar or a
      Delayed (they raise: DSK701); `list(ddf)` (the column names) and `list(darr)` (lazy
      slices). `list(series)` iterates the Series partition by partition: iterate-rows
      (DSK406) reports it, so that one problem gets one finding.
    - Known limitation: repeated `len()` is recognised on the same expression in one scope
      only; `len()` of the same collection in two different functions is not.
    """

    code = "DSK504"
    name = "implicit-compute"
    node_types = (ast.Call,)
    call_names = _CONVERSION_NAMES
    fix_safety = Safety.SAFE
    fix_title = "Compute explicitly: .compute()"

    def __init__(self, model, options):
        super().__init__(model, options)
        self._lengths: dict[tuple, list[ast.Call]] = {}
        self._reported: set[int] = set()

    def check(self, node: ast.Call) -> Iterator[Finding]:
        func = node.func
        if not node.args or type(node.args[0]) is ast.Starred or \
                callee_name(node) not in _CONVERSION_NAMES:
            return
        m = self.model
        q = m.qualname(func)
        kinds = V.IMPLICIT_COMPUTE_CONVERSIONS.get(q)
        if kinds is not None:
            if q.startswith("builtins.") and (len(node.args) != 1 or node.keywords):
                return
            v = m.value(node.args[0])
            if v is None or v.kind not in kinds:
                return
            yield self._report_conversion(node, q, v)
            return
        kinds = V.IMPLICIT_COMPUTE_QUERIES.get(q)
        if kinds is None or len(node.args) != 1 or node.keywords:
            return
        arg = node.args[0]
        v = m.value(arg)
        if v is None or v.kind not in kinds or v.origin == "partitions":
            return  # ``len(ddf.partitions)`` is the partition count
        loop = self._loop_over_same_collection(node, arg)
        if loop is not None:
            self._reported.add(id(node))
            yield self.report(
                node,
                f"len({text(arg, 30)}) inside the loop at line {loop.lineno} computes every "
                f"partition of {text(arg, 30)} on each iteration; compute the length once "
                "before the loop and keep it", fixable=False)
        key = self._collection_key(node, arg)
        if key is not None:
            self._lengths.setdefault(key, []).append(node)

    def _report_conversion(self, node: ast.Call, q: str, v) -> Finding:
        arg = node.args[0]
        shown = text(arg, 30)
        short = q.replace("builtins.", "").replace("numpy.", "np.")
        what = V.KIND_NAMES.get(v.kind, "a Dask collection")
        if short in ("float", "int"):
            advice = f"write {short}({receiver(arg)}.compute())"
            safety = Safety.SAFE if self._zero_dimensional(arg) else Safety.UNSAFE
        else:
            advice = f"call {receiver(arg)}.compute() explicitly, once, and keep the result"
            # ``np.asarray(x)`` -> ``x.compute()``: an Array only (a frame computes to a
            # pandas object), and no dtype/copy/order arguments to keep.
            safety = Safety.UNSAFE if (short in ("np.asarray", "np.array") and
                                       v.kind == K.ARRAY and len(node.args) == 1 and
                                       not node.keywords) else None
        finding = self.report(
            node,
            f"{short}({shown}) silently computes {what} (an implicit compute that is "
            f"easy to repeat by accident); {advice}",
            fix_data={"function": short}, fixable=safety is not None)
        if finding.fix is not None:
            finding.fix.safety = safety
        return finding

    def _zero_dimensional(self, expr) -> bool:
        """``expr`` is certainly a 0-d Dask Array: a reduction without an axis
        (``x.sum()``, ``np.max(x)``), or arithmetic on such reductions and numbers."""
        m = self.model
        t = type(expr)
        if t is ast.BinOp:
            if type(expr.op) not in _ELEMENTWISE_OPS:
                return False
            sides = (expr.left, expr.right)
            return any(self._zero_dimensional(s) for s in sides) and all(
                self._zero_dimensional(s) or _number(s) for s in sides)
        if t is ast.UnaryOp:
            return type(expr.op) in (ast.USub, ast.UAdd) and self._zero_dimensional(expr.operand)
        if t is not ast.Call or any(type(a) is ast.Starred for a in expr.args):
            return False
        for kw in expr.keywords:
            if kw.arg not in V.ARRAY_SCALAR_REDUCTION_KEYWORDS and not (
                    kw.arg == "axis" and E.is_constant(kw.value, None)):
                return False
        func = expr.func
        if type(func) is ast.Attribute and func.attr in V.ARRAY_SCALAR_REDUCTIONS and \
                not expr.args and m.kind(func.value) == K.ARRAY:
            return True
        module, _, short = (m.qualname(func) or "").rpartition(".")
        return module in ("numpy", "dask.array") and short in V.ARRAY_SCALAR_REDUCTIONS and \
            len(expr.args) == 1 and m.kind(expr.args[0]) == K.ARRAY

    def fix(self, node, finding):
        if finding.fix.data["function"] in ("float", "int"):
            arg = node.args[0]
            return node.with_changes(
                args=[arg.with_changes(value=E.method_call(arg.value, "compute"))])
        return E.method_call(node.args[0].value, "compute")

    def _loop_over_same_collection(self, node, arg):
        """The innermost loop around ``node`` when ``arg`` is the same in every iteration."""
        m = self.model
        loops = m.enclosing_loops(node)
        if not loops:
            return None
        loop = loops[0]
        start = (loop.lineno, loop.col_offset)
        end = (loop.end_lineno, loop.end_col_offset)
        for name in m.loaded_names(arg):
            bindings = m.reaching_bindings(name)
            if not bindings:
                return None
            for b in bindings:
                if b.kind in ("param", "import", "def", "class"):
                    continue
                if start <= b.pos <= end:
                    return None
        return loop

    def _collection_key(self, node, arg):
        m = self.model
        ids = []
        for name in m.loaded_names(arg):
            bindings = m.reaching_bindings(name)
            if not bindings:
                return None
            ids.append((name.id, tuple(sorted(id(b) for b in bindings))))
        scope = m.scope_of(node)
        while scope.kind == "comprehension":
            scope = scope.parent
        return (id(scope), ast.dump(arg), tuple(sorted(ids)))

    def finish(self) -> Iterator[Finding]:
        for calls in self._lengths.values():
            if len(calls) < 2:
                continue
            calls = sorted(calls, key=lambda c: (c.lineno, c.col_offset))
            first = calls[0]
            for later in calls[1:]:
                if id(later) in self._reported or _exclusive(self.model, first, later):
                    continue
                arg = text(later.args[0], 30)
                yield self.report(
                    later,
                    f"len({arg}) computes every partition of {arg} again (len() already "
                    f"computed it at line {first.lineno}); compute the length once and keep "
                    "it, or persist the collection", fixable=False)


def _number(expr) -> bool:
    """A literal int or float (``2``, ``-1.5``)."""
    if type(expr) is ast.UnaryOp and type(expr.op) in (ast.USub, ast.UAdd):
        expr = expr.operand
    return type(expr) is ast.Constant and type(expr.value) in (int, float)


def _exclusive(m, a: ast.AST, b: ast.AST) -> bool:
    """``a`` and ``b`` are in different branches of one ``if``/``try``/``match`` (or of a
    conditional expression), so at most one of them runs."""
    path_a = {}
    child = a
    node = m.parent(a)
    while node is not None:
        path_a[id(node)] = m.field_of(child, node), child
        child, node = node, m.parent(node)
    child = b
    node = m.parent(b)
    while node is not None:
        if id(node) in path_a:
            field_a, child_a = path_a[id(node)]
            field_b = m.field_of(child, node)
            if type(node) in (ast.If, ast.IfExp):
                return {field_a, field_b} == {"body", "orelse"}
            if type(node) in (ast.Try, getattr(ast, "TryStar", ast.Try)):
                # a handler runs instead of the rest of the body, or of the else block
                fields = {field_a, field_b}
                return "handlers" in fields and "finalbody" not in fields and (
                    field_a != field_b or child_a is not child)
            if type(node).__name__ == "Match":
                return field_a == field_b == "cases" and child_a is not child
            return False
        child, node = node, m.parent(node)
    return False
