"""Notebook cells: which cell a line is in, how a message cites a line there, and which
expression statement a notebook displays.

A notebook is analysed as one program, its code cells in order, each cell after a marker
comment line (:attr:`Options.cell_marker`, a regular expression matched at the start of a
line: the fix command's own marker, or ``# In[ ]:`` in a notebook exported as a script). The
cells are found from the markers in the text, so they stay right when a fix adds lines.

A mixin of :class:`~.semantic.SemanticModel`.
"""

from __future__ import annotations

import ast
import bisect
import re

from ..options import Options


class Cells:
    """The notebook queries of :class:`~.semantic.SemanticModel` (a mixin)."""

    tree: ast.AST
    options: Options
    source: str | None

    def cell_starts(self) -> list[int]:
        """The first line of each cell (1-based), in order; empty outside a notebook. Text
        before the first marker is a cell of its own (the first cell of the fix command's
        notebooks, the header of an exported script)."""
        starts = self.__dict__.get("_cell_starts")
        if starts is None:
            starts = []
            pattern = self.options.cell_marker
            if pattern and self.source:
                starts = [1] + [self.source.count("\n", 0, m.start()) + 2
                                for m in re.finditer(pattern, self.source, re.M)]
            self.__dict__["_cell_starts"] = starts
        return starts

    def cite(self, line: int) -> str:
        """How a message names ``line``: ``line 12``, or in a notebook whose cells are
        numbered (:attr:`Options.cell_numbers`) ``cell 3, line 2``, the cell's own line, which
        is what a user can find."""
        numbers = self.options.cell_numbers
        starts = self.cell_starts() if numbers else ()
        k = bisect.bisect_right(starts, line) - 1
        if k < 0 or k >= len(numbers):
            return f"line {line}"
        return f"cell {numbers[k]}, line {line - starts[k] + 1}"

    def displayed(self, stmt: ast.AST) -> bool:
        """``stmt`` is an expression statement that a notebook displays, so its value is
        kept (IPython's ``Out`` history), not thrown away: the last statement of its cell,
        at module level, not ended by ``;``."""
        if type(stmt) is not ast.Expr:
            return False
        starts = self.cell_starts()
        body = getattr(self.tree, "body", None)
        if not starts or not body or self.parent(stmt) is not self.tree:
            return False
        k = bisect.bisect_right(starts, stmt.lineno) - 1
        end_of_cell = starts[k + 1] if k + 1 < len(starts) else float("inf")
        i = bisect.bisect_right([(s.lineno, s.col_offset) for s in body],
                                (stmt.lineno, stmt.col_offset)) - 1
        if i + 1 < len(body) and body[i + 1].lineno < end_of_cell:
            return False  # another statement follows it in the cell
        line = self.source.splitlines()[stmt.end_lineno - 1] if self.source else ""
        rest = line.encode("utf-8", "surrogatepass")[stmt.end_col_offset:]
        return not rest.lstrip().startswith(b";")  # `x;` hides the value
