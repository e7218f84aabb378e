"""Where a notebook cell's lines are in the ``.ipynb`` file itself.

Findings in a notebook are cell-relative (``cell 3, line 2``). Tools that put an annotation
on the file as stored (GitHub's workflow annotations, SARIF viewers such as code scanning)
need the line of the JSON document instead: :func:`json_lines` maps each code cell's source
line to the line of the JSON string that holds it. With the usual layout (``"source"`` a
list of one string per line) that is exact; a ``"source"`` written as one string puts every
line of the cell on that string's line.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\],:]|[^\s{}\[\],:"]+', re.S)


class _Text:
    __slots__ = ("value", "line")

    def __init__(self, value: str, line: int) -> None:
        self.value, self.line = value, line


def _parse(text: str):
    breaks = [m.start() for m in re.finditer("\n", text)]
    tokens = [(m.group(), bisect_right(breaks, m.start()) + 1) for m in _TOKEN.finditer(text)]
    position = 0

    def value():
        nonlocal position
        token, line = tokens[position]
        position += 1
        if token == "{":
            found = {}
            while tokens[position][0] != "}":
                key = value()
                position += 1  # ":"
                found[key.value if isinstance(key, _Text) else key] = value()
                if tokens[position][0] == ",":
                    position += 1
            position += 1
            return found
        if token == "[":
            items = []
            while tokens[position][0] != "]":
                items.append(value())
                if tokens[position][0] == ",":
                    position += 1
            position += 1
            return items
        if token.startswith('"'):
            return _Text(json.loads(token), line)
        return token

    return value()


def json_lines(text: str) -> dict[int, list[int]]:
    """{cell number (1-based, among all cells): [JSON line of the cell's line 1, 2, ...]};
    empty when the document cannot be read this way (the caller falls back to line 1)."""
    try:
        document = _parse(text)
    except (IndexError, ValueError, RecursionError):
        return {}
    cells = document.get("cells") if isinstance(document, dict) else None
    if not isinstance(cells, list):
        return {}
    found = {}
    for number, cell in enumerate(cells, 1):
        source = cell.get("source") if isinstance(cell, dict) else None
        pieces = [source] if isinstance(source, _Text) else source
        if not isinstance(pieces, list):
            continue
        lines = []
        for piece in pieces:
            if isinstance(piece, _Text):
                lines += [piece.line] * max(len(piece.value.splitlines()), 1)
        found[number] = lines
    return found


def json_line(lines: dict[int, list[int]], cell: int, line: int) -> int:
    """The JSON line of ``cell``'s line ``line`` (1 when unknown)."""
    rows = lines.get(cell)
    if not rows:
        return 1
    return rows[min(max(line, 1), len(rows)) - 1]
