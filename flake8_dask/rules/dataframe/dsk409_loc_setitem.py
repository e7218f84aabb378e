from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Iterator

from ...findings import Finding, Safety
from ...model import FRAMES, K
from ...model import vocabulary as V
from ...syntax import is_constant, short
from .. import _edits as E
from .._dask import expects_failure
from ..base import Rule


def _is_full_slice(node: ast.AST, model) -> bool:
    if type(node) is ast.Slice:
        return node.lower is None and node.upper is None and node.step is None
    if type(node) is not ast.Call or model.qualname(node.func) != "builtins.slice":
        return False
    return len(node.args) == 1 and is_constant(node.args[0], None)


#: Dask values that a row mask or a stored value must not read besides the frame itself:
#: their rows need not line up with the frame's (a Scalar is one value, and is fine).
_OTHER_DATA_KINDS = frozenset({K.DATAFRAME, K.SERIES, K.FRAME, K.ARRAY, K.BAG, K.DELAYED})


@dataclass(frozen=True)
class MaskShape:
    """The fix's facts: ``"column"`` (``ddf.loc[<mask>, "c"] = v``) or ``"series"``
    (``s.loc[<mask>] = v``)."""

    shape: str


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
    fixes = frozenset({Safety.UNSAFE})
    fix_title = "Replace the column with its `mask()`"

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
                if expects_failure(self.model, node):
                    return  # under ``pytest.raises(...)``: the error is wanted
                error = "LocIndexer" if indexer[0] == "loc" else "ILocIndexer"
                kind, made = ("Series", "series") if indexer[1] == K.SERIES else \
                    ("DataFrame", "column")
                advice = f"build a new {made} with .mask() or .where()"
                shape = self._fix_shape(node, sub, indexer)
                yield self.report(
                    node,
                    f"{short(sub, 40)} {self._operator(node)} ... raises TypeError: '{error}' "
                    f"of a Dask {kind} does not support item assignment; {advice}",
                    fix=Safety.UNSAFE if shape is not None else None,
                    data=MaskShape(shape) if shape is not None else None)
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
        if finding.fix.data.shape == "column":
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
        if indexer is None or indexer[0] != "iloc" or expects_failure(self.model, node):
            return  # under ``pytest.raises(...)`` the error is what the code is there for
        frame = short(node.value.value, 24)
        if indexer[1] == K.SERIES:
            yield self.report(
                node,
                f"{short(node, 40)} fails: a Dask Series has no .iloc (row positions are "
                f"unknown); use {frame}.head(n), {frame}.partitions[i] or .loc with index labels")
            return
        key = node.slice
        if type(key) is ast.Tuple and len(key.elts) >= 2 and \
                _is_full_slice(key.elts[0], self.model):
            return
        yield self.report(
            node,
            f"{short(node, 40)} selects rows by position, which Dask does not support: .iloc "
            "only selects columns; use .head(n), .partitions[i] or .loc with index labels")
