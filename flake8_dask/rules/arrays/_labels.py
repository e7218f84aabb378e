"""How the array rules name a call in a message."""

from __future__ import annotations

import ast

from ...syntax import dotted, short


def call_label(call: ast.Call) -> str:
    name = dotted(call.func)
    if name is None and type(call.func) is ast.Attribute:
        name = f"....{call.func.attr}"
    return f"{name or short(call.func)}()"
