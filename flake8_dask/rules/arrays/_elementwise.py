"""The elementwise operators of Dask arrays, shared by the array rules."""

from __future__ import annotations

import ast

#: Binary operators that Dask applies block by block.
ELEMENTWISE_OPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow,
                   ast.BitAnd, ast.BitOr, ast.BitXor, ast.LShift, ast.RShift)
