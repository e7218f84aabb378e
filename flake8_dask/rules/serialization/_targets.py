"""What an assignment or ``del`` writes to, tuples unpacked (DSK206, DSK207)."""

from __future__ import annotations

import ast


def target_parts(target):
    """The names, attributes and subscripts a target writes to: the elements of a tuple or
    list target (starred or not), recursively; any other target itself."""
    if type(target) in (ast.Tuple, ast.List):
        for elt in target.elts:
            yield from target_parts(elt.value if type(elt) is ast.Starred else elt)
    else:
        yield target
