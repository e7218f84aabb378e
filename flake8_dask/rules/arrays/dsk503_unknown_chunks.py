"""DSK503 unknown-chunks: an array of unknown row chunks sliced, reshaped or measured."""

from __future__ import annotations

import ast
from typing import Iterator

from ...findings import Finding, Safety
from ...model import FRAMES
from ...syntax import is_constant, short
from .. import _edits as E
from ..base import Rule


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
    fixes = frozenset({Safety.UNSAFE})
    fix_title = "Compute the row chunks with `to_dask_array(lengths=True)`"

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
                if kw.arg is None or (kw.arg == "lengths" and not is_constant(kw.value, None)):
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
            f"{short(frame, 30)}{label} has unknown chunk sizes: {what} at "
            f"{self.model.cite(line)} fails; use {short(frame, 30)}.to_dask_array(lengths=True), "
            "or compute_chunk_sizes() first", fix=Safety.UNSAFE)

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
                return f"indexing it with [{short(index, 20)}]", parent.lineno
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
        return any(part is not None and not is_constant(part, None)
                   for part in (index.lower, index.upper, index.step))
    if t is ast.List:
        return bool(index.elts) and all(type(e) is ast.Constant and type(e.value) is int
                                        for e in index.elts)
    return False
