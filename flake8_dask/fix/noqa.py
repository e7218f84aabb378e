"""``# noqa`` exactly as flake8 reads it, so that a silenced finding is neither reported nor
fixed by the fix command.

flake8's semantics (``flake8/defaults.py``, ``violation.py``, ``processor.py``):

- ``# noqa`` anywhere in the line silences every code; ``# noqa: DSK101,DSK102`` (or
  ``#noqa:DSK101 DSK102``) silences those codes and any code they are a prefix of
  (``# noqa: DSK1``). The word ``noqa`` is case-insensitive; the codes are compared as
  written, and a colon not directly after ``noqa`` makes it a blanket ``# noqa``.
- "The line" is the finding's physical line, or, when that line is part of a token that
  spans several lines (a triple-quoted string, a backslash continuation), all of them.
- A line that starts with ``# flake8: noqa`` silences the whole file.
"""

from __future__ import annotations

import io
import re
import tokenize

from .sourcefile import split_lines

#: flake8's ``NOQA_INLINE_REGEXP``.
NOQA_INLINE = re.compile(r"# noqa(?::[\s]?(?P<codes>([A-Z]+[0-9]+(?:[,\s]+)?)+))?",
                         re.IGNORECASE)
#: flake8's ``NOQA_FILE`` (matched at the start of a line).
NOQA_FILE = re.compile(r"\s*# flake8[:=]\s*noqa", re.I)
_SEPARATOR = re.compile(r"[,\s]")


def file_is_silenced(lines: list[str]) -> bool:
    return any(NOQA_FILE.match(line) for line in lines)


class NoqaMap:
    """Answers "is ``code`` silenced on ``line``?" for one source text."""

    def __init__(self, source: str):
        self.lines = split_lines(source)
        self.whole_file = file_is_silenced(self.lines)
        self._mapping: dict[int, str] | None = None
        # Cheap exit: most files have no noqa at all.
        self._any = "noqa" in source.lower()

    def _line_for(self, line: int) -> str:
        if self._mapping is None:
            self._mapping = self._logical_ranges()
        text = self._mapping.get(line)
        if text is None and 0 < line <= len(self.lines):
            text = self.lines[line - 1]
        return text or ""

    def _logical_ranges(self) -> dict[int, str]:
        """flake8's ``_noqa_line_mapping``: each run of tokens up to a NEWLINE/NL token maps
        every line it covers to the text of all those lines."""
        mapping: dict[int, str] = {}
        try:
            tokens = list(tokenize.generate_tokens(io.StringIO("".join(self.lines)).readline))
        except (tokenize.TokenError, SyntaxError, IndentationError):
            return mapping
        lo, hi = len(self.lines) + 2, -1
        for tok in tokens:
            if tok.type in (tokenize.ENDMARKER, tokenize.DEDENT):
                continue
            lo, hi = min(lo, tok.start[0]), max(hi, tok.end[0])
            if tok.type in (tokenize.NL, tokenize.NEWLINE):
                if hi - lo >= 1:  # single lines are read directly
                    joined = "".join(self.lines[lo - 1:hi])
                    mapping.update(dict.fromkeys(range(lo, hi + 1), joined))
                lo, hi = len(self.lines) + 2, -1
        return mapping

    def silences(self, code: str, line: int) -> bool:
        if self.whole_file:
            return True
        if not self._any:
            return False
        match = NOQA_INLINE.search(self._line_for(line))
        if match is None:
            return False
        codes_text = match.group("codes")
        if codes_text is None:
            return True
        codes = {c.strip() for c in _SEPARATOR.split(codes_text) if c.strip()}
        return code in codes or code.startswith(tuple(codes))
