"""Python's own parser for the fix command: thread-safe, and quiet about what is not ours to
report (the engine and a pass of fixes both parse)."""

from __future__ import annotations

import ast
import threading
import warnings

#: Held while Python builds or compiles an ``ast`` tree. CPython keeps the AST converter's
#: recursion depth per interpreter, not per thread, so two threads doing it at once can fail
#: with "SystemError: AST constructor recursion depth mismatch" (gh-106905; seen on Dask
#: workers, which run tasks in threads); ``warnings.catch_warnings`` is not thread-safe
#: either. Uncontended (one thread, or processes) it costs nothing measurable.
AST_LOCK = threading.Lock()


def parse_quietly(source: str) -> ast.AST:
    """``ast.parse`` without the SyntaxWarnings (invalid escapes...) Python prints: they are
    not ours to report. Code nested too deeply for Python's parser (which Python could not
    run either) is a ``SyntaxError`` too."""
    with AST_LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ast.parse(source)
        except (RecursionError, MemoryError) as exc:
            raise SyntaxError(f"too deeply nested for Python's parser ({type(exc).__name__})") \
                from None
