"""Python's own parser for the fix command: thread-safe, and quiet about what is not ours to
report (the engine and a pass of fixes both parse)."""

from __future__ import annotations

import ast
import re
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
            if len(source) > PIECE_CHARS:
                return _parse_in_pieces(source)
            return ast.parse(source)
        except (RecursionError, MemoryError) as exc:
            raise SyntaxError(f"too deeply nested for Python's parser ({type(exc).__name__})") \
                from None


#: Texts longer than this are parsed in pieces (see :func:`_parse_in_pieces`).
PIECE_CHARS = 256 * 1024
#: A line that may start a top-level statement: at column 0, not a clause of the statement
#: before (``else``, ``except``...), not a comment, a bracket or a decorator's ``def``.
_STATEMENT_START = re.compile(r"(?m)^(?!(?:else|elif|except|finally|case)\b)[A-Za-z_@]")


def _parse_in_pieces(source: str) -> ast.Module:
    """``ast.parse(source)`` for a long text, with a fraction of the memory: Python's parser
    holds every token and its memo for the whole text (a 50,000-line file peaked at 165 MB
    over a 93 MB tree), so the text is parsed in pieces of about ``PIECE_CHARS``, each cut
    before a line that starts a top-level statement, and padded with blank lines so that its
    positions are the whole text's. A piece that parses ends with no bracket, string or
    statement left open, so the tokenizer starts the next line afresh as it would in the
    whole text; a piece that does not parse (the cut was inside a string, or after a
    decorator) is joined to the next one. When the last piece fails, or the text can change
    how Python parses it (``barry_as_FLUFL``), or has CR line ends, the whole text is parsed:
    its error is the one reported."""
    if "barry_as_FLUFL" in source or "\r" in source:  # lines counted by "\n" below
        return ast.parse(source)
    body: list[ast.stmt] = []
    start = line = 0  # the piece's first character, and the number of lines before it
    while start < len(source):
        cut = start + PIECE_CHARS
        while True:
            m = _STATEMENT_START.search(source, cut) if cut < len(source) else None
            end = m.start() if m else len(source)
            try:
                piece = ast.parse("\n" * line + source[start:end])
                break
            except SyntaxError:
                if end == len(source):
                    return ast.parse(source)  # the error of the whole text
                cut = start + 2 * (end - start)  # a longer piece
        body.extend(piece.body)
        line += source.count("\n", start, end)
        start = end
    return ast.Module(body=body, type_ignores=[])
