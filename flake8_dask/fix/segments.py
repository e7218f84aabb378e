"""Where one pass of fixes parses with libcst: only the top-level statements that hold a fix.

libcst parses and prints a whole module at 7-10 times the cost of ``ast.parse`` (and holds
about 20 KB a line): one fix in a 50,000-line file took 17 s and 1 GB when the whole module
was parsed. So a pass parses *chunks*: the top-level statements a fix touches (with the
module's leading imports when a fix adds one), each chunk as a module of its own, and splices
the printed chunks back into the text. What libcst makes of a statement depends on its
neighbours only through three things, which a chunk reproduces:

- the comment and blank lines between two top-level statements: the block of the statement
  before keeps those indented at least as deep as its body (its ``footer``), the next
  statement the others (its ``leading_lines``). A chunk therefore starts with the statement
  before its first one (the *context*, printed back unchanged and cut off) and runs to the
  line before the next statement;
- the module's default indentation (the first indented block's) and newline (the first line
  ending), which decide how new blocks are printed and which parsed blocks record their own
  indentation: a chunk must detect the same ones, or be given them when it has no block;
- the leading imports, where the imports a fix needs go: the chunk then starts at line 1.

Anything else (a chunk libcst does not parse or print back byte for byte, indentation or
line endings that differ, a form feed anywhere: libcst drops some) raises :class:`Fallback`,
and the pass parses the whole module as before, with the same result or the same error. The
text between chunks is never parsed by libcst, nor changed.
"""

from __future__ import annotations

import ast
import tokenize
from bisect import bisect_right
from dataclasses import dataclass

from .errors import reraise_interrupt

_DEFAULT_INDENT = "    "  # libcst's when a module has no indented block


class Fallback(Exception):
    """This pass must parse the whole module."""


@dataclass
class Unit:
    """Top-level statements sharing lines (``a = 1; b = 2``): one libcst statement."""

    first: int  # 1-based, its first line (its first decorator's)
    last: int  # 1-based, inclusive
    statements: list


@dataclass
class Chunk:
    """Lines ``start``..``end`` (1-based, inclusive) of the text, parsed as one module: the
    units ``first``..``last`` (indices), after the context unit ``first - 1`` when
    ``first > 0`` (the chunk then starts at the context's first line)."""

    first: int
    last: int
    start: int
    end: int
    text: str
    has_block: bool  # an indented block in the chunk (it then detects its own indent)
    module: object = None  # the parsed chunk
    context_chars: int = 0  # the context's printed length: the part not replaced


def units_of(tree: ast.Module) -> list[Unit]:
    units: list[Unit] = []
    for stmt in tree.body:
        decorators = getattr(stmt, "decorator_list", None)
        first = min([stmt.lineno, *(d.lineno for d in decorators or ())])
        last = stmt.end_lineno or stmt.lineno
        if units and first <= units[-1].last:
            units[-1].last = max(units[-1].last, last)
            units[-1].statements.append(stmt)
        else:
            units.append(Unit(first, last, [stmt]))
    return units


_COMPOUND = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.If, ast.For,
             ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try, ast.Match,
             *((ast.TryStar,) if hasattr(ast, "TryStar") else ()))


def first_indent(lines: list[str], units: list[Unit]) -> str | None:
    """The first INDENT token of ``units`` (libcst's default indentation when they start a
    module), or None when they have no indented block. Only compound statements can open
    one, and a top-level statement starts the tokenizer afresh, so each is tokenized alone
    until the first INDENT. Raises :class:`Fallback` when the tokenizer disagrees."""
    for unit in units:
        if not any(isinstance(s, _COMPOUND) for s in unit.statements):
            continue
        chunk = iter(lines[unit.first - 1:unit.last])
        try:
            for tok in tokenize.generate_tokens(lambda: next(chunk, "")):
                if tok.type == tokenize.INDENT:
                    return tok.string
        except (tokenize.TokenError, SyntaxError):
            raise Fallback from None
    return None


def _header_end(units: list[Unit]) -> int:
    """The index of the first unit after the leading imports (past a first statement that may
    be a docstring or ``__strict__``): the units the imports of a fix can touch. Generous on
    purpose: libcst's own reading (in :func:`.imports.add_imports`) never goes further."""
    i = 0
    first = units[0].statements
    if len(first) == 1 and isinstance(first[0], (ast.Expr, ast.Assign)):
        i = 1
    while i < len(units) and len(units[i].statements) == 1 \
            and isinstance(units[i].statements[0], (ast.Import, ast.ImportFrom)):
        i += 1
    return min(i, len(units) - 1)


def plan(source: str, lines: list[str], tree: ast.Module, targets) -> tuple[list[Chunk], str]:
    """The chunks that hold ``targets`` (ranges of whole-text lines), and the module's
    default indentation. Raises :class:`Fallback` when the whole module must be parsed."""
    if "\x0c" in source or not isinstance(tree, ast.Module):
        raise Fallback
    units = units_of(tree)
    if not units:
        raise Fallback
    firsts = [u.first for u in units]
    wanted: list[tuple[int, int]] = []
    for t in targets:
        a = max(bisect_right(firsts, t.range[0]) - 1, 0)
        b = max(bisect_right(firsts, t.range[2]) - 1, a)
        wanted.append((a, b))
    if any(t.finding.fix.imports for t in targets):
        wanted.append((0, _header_end(units)))
    if not source.endswith("\n"):  # libcst's round trip can fail at the very end: check it
        wanted.append((len(units) - 1, len(units) - 1))
    merged: list[list[int]] = []
    for a, b in sorted(wanted):
        if merged and a <= merged[-1][1] + 1:  # overlapping or adjacent: one chunk (a
            merged[-1][1] = max(merged[-1][1], b)  # context must be left unchanged)
        else:
            merged.append([a, b])
    indent = first_indent(lines, units) or _DEFAULT_INDENT
    chunks = []
    for a, b in merged:
        start = units[a - 1].first if a > 0 else 1
        end = units[b + 1].first - 1 if b + 1 < len(units) else len(lines)
        has_block = first_indent(lines, units[max(a - 1, 0):b + 1]) is not None
        chunks.append(Chunk(a, b, start, end, "".join(lines[start - 1:end]), has_block))
    return chunks, indent


def parse_chunks(chunks: list[Chunk], indent: str, newline: str) -> None:
    """Parse every chunk (before any fix runs, so that a fallback has changed nothing)."""
    import libcst as cst

    for chunk in chunks:
        try:
            module = cst.parse_module(chunk.text)
            exact = module.code == chunk.text
        except Exception as exc:  # noqa: BLE001 - the whole module is parsed, and tells
            reraise_interrupt(exc)
            raise Fallback from None
        expected = (chunk.last - chunk.first + 1) + (chunk.first > 0)
        if not exact or len(module.body) != expected or module.default_newline != newline:
            raise Fallback
        if module.default_indent != indent:
            if chunk.has_block:  # its blocks' indentation is recorded against another one
                raise Fallback
            module = module.with_changes(default_indent=indent)
        if chunk.first > 0:
            context = module.with_changes(body=module.body[:1], footer=(),
                                          has_trailing_newline=True).code
            if not chunk.text.startswith(context):
                raise Fallback
            chunk.context_chars = len(context)
        chunk.module = module


def splice(source: str, lines: list[str], chunks: list[Chunk], printed: list[str],
           rewritten: list | None) -> str:
    """The text with each chunk's part after its context replaced by its printed form;
    ``rewritten`` receives the (start, end) character offsets of those parts in the new
    text."""
    starts: dict[int, int] = {}
    position, line_no = 0, 1
    for wanted in sorted({c.start for c in chunks} | {c.end + 1 for c in chunks}):
        while line_no < wanted and line_no <= len(lines):  # one walk over the lines
            position += len(lines[line_no - 1])
            line_no += 1
        starts[wanted] = position
    out: list[str] = []
    done = length = 0
    for chunk, new in zip(chunks, printed):
        if new[:chunk.context_chars] != chunk.text[:chunk.context_chars]:
            raise Fallback  # a fix changed the context: it cannot, but never splice then
        cut = starts[chunk.start] + chunk.context_chars
        kept = source[done:cut]
        new_part = new[chunk.context_chars:]
        length += len(kept)
        if rewritten is not None:
            rewritten.append((length, length + len(new_part)))
        length += len(new_part)
        out += (kept, new_part)
        done = starts[chunk.end + 1]
    out.append(source[done:])
    return "".join(out)
