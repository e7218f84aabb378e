"""What a rule reports: a finding, and the fix it may carry."""

from __future__ import annotations

import ast
import enum
from dataclasses import dataclass, field
from typing import Any


class Safety(enum.Enum):
    """How far a fix can be trusted (Ruff's applicability levels)."""

    SAFE = "safe"  # same values and side effects, or the original always raised
    UNSAFE = "unsafe"  # mechanical, but can change values, memory or timing
    DISPLAY_ONLY = "display-only"  # shown, never applied


#: An import a fix needs: ``(module, name, asname)``. ``("distributed", "wait", None)`` is
#: ``from distributed import wait``; ``("dask", None, None)`` is ``import dask``.
ImportSpec = tuple[str, "str | None", "str | None"]


class StatementRun:
    """A fix target made of consecutive statements of one block: ``first`` to ``last``, both
    in ``block`` (the list of statements of a module or of a compound statement's body),
    each starting and ending a line of its own. The codemod receives the libcst statements
    of the run as a list and returns the list of statements to put in their place (to wrap
    them in a new compound statement, for instance). While it runs, no other fix touches
    the block: its range, for overlaps, is the whole block's."""

    __slots__ = ("first", "last", "block", "lineno", "col_offset", "end_lineno",
                 "end_col_offset")

    def __init__(self, first: ast.stmt, last: ast.stmt, block: list[ast.stmt]):
        self.first, self.last, self.block = first, last, block
        self.lineno, self.col_offset = first.lineno, first.col_offset
        self.end_lineno, self.end_col_offset = last.end_lineno, last.end_col_offset


@dataclass
class Fix:
    safety: Safety
    title: str
    #: The facts the rule's codemod needs (names, positions), computed at detection time: a
    #: typed object of the rule's own (a frozen dataclass), or None.
    data: Any = None
    #: The ast node the codemod rewrites when it is not the reported one (e.g. the statement
    #: that holds the reported call, to insert a statement before or after it), or a
    #: :class:`StatementRun`. ``None``: the reported node.
    target: ast.AST | StatementRun | None = field(default=None, repr=False, compare=False)
    #: Imports the rewritten code needs; the fix engine adds the missing ones (libcst's
    #: ``AddImportsVisitor``). A codemod may append to this list while it runs.
    imports: list[ImportSpec] = field(default_factory=list)


@dataclass
class Finding:
    code: str
    message: str
    line: int  # 1-based
    col: int  # 0-based, in characters
    end_line: int
    end_col: int  # 0-based, in characters, exclusive
    node: ast.AST | None = field(default=None, repr=False, compare=False)
    rule: Any = field(default=None, repr=False, compare=False)
    fix: Fix | None = None

    @property
    def text(self) -> str:
        return f"{self.code} {self.message}"

    def sort_key(self):
        return (self.line, self.col, self.code)
