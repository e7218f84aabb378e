"""How messages of the family name a task entry point."""

from __future__ import annotations

import ast

from ...syntax import short


def api_label(ep, call: ast.Call) -> str:
    """How a message names an entry point: ``dask.delayed(f)(...)``, ``client.submit``."""
    if ep.api == "delayed call":
        return f"{short(call.func)}(...)"
    return ep.api
