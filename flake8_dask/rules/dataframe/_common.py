"""What several DataFrame rules share: how far they follow a name back to its value, how a
message names an applied function, which reads in the driver are small, and which groupbys
come from ``.groupby(...)``."""

from __future__ import annotations

import ast
import re

from ...model import single_assignment
from ...model import vocabulary as V
from ...syntax import keyword_value, short

MAX_FOLLOW = 4  # how many simple assignments a helper follows back from a name


def function_text(model, expr: ast.AST) -> str:
    """How a message names a function argument: ``lambda``, ``score`` or the expression."""
    fn = model.function_of(expr)
    if fn is not None:
        return "lambda" if type(fn) is ast.Lambda else fn.name
    return short(expr, 32)


def _resolved(model, expr: ast.AST, depth: int = 0) -> ast.AST:
    """``expr``, or the value assigned to it when it is a name assigned exactly once."""
    while type(expr) is ast.Name and depth < MAX_FOLLOW:
        value = single_assignment(model, expr)
        if value is None:
            break
        expr = value
        depth += 1
    return expr


_LIMIT = re.compile(r"\blimit\b|\btop\s+\d", re.I)


def small_read(model, read: ast.Call) -> bool:
    """A driver-side read that is small by construction: a few rows (``nrows=``, a SQL
    ``LIMIT``), a chunked iterator, or text held in the code (``io.StringIO("...")``)."""
    if any(keyword_value(read, k) is not None for k in ("nrows", "chunksize", "iterator")):
        return True
    if not read.args:
        return False
    source = _resolved(model, read.args[0])
    if type(source) is ast.Call:
        if model.qualname(source.func) in V.IN_MEMORY_BUFFERS:
            return True
        if type(source.func) is ast.Attribute and source.func.attr == "limit":
            return True
    if type(source) is ast.Constant and isinstance(source.value, str):
        return "\n" in source.value or (
            model.qualname(read.func) in V.SQL_READERS and bool(_LIMIT.search(source.value)))
    return False


def is_groupby(v) -> bool:
    """A groupby made by ``.groupby(...)`` (not a rolling/resample window or an accessor)."""
    origin = v.origin
    return type(origin) is ast.Call and type(origin.func) is ast.Attribute and \
        origin.func.attr == "groupby"
