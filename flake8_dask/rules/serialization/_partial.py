"""The function inside ``functools.partial(...)`` (DSK205, DSK207)."""

from __future__ import annotations

import ast

from ...model import vocabulary as V


def unwrap_partial(m, expr) -> tuple[ast.AST, int]:
    """The function inside ``functools.partial(f, ...)`` and how many positional arguments
    the partials bind."""
    bound = 0
    for _ in range(8):
        if type(expr) is ast.Call and m.qualname(expr.func) in V.PARTIAL_FUNCTIONS and \
                expr.args:
            bound += len(expr.args) - 1
            expr = expr.args[0]
        else:
            break
    return expr, bound
