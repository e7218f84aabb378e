"""Where each fix of a pass goes: a finding's range in characters, the kind of libcst node
that may stand for it, and the fixes of one pass (in source order, none overlapping another).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from ..findings import Finding, StatementRun

Range = tuple[int, int, int, int]


def character_range(node: ast.AST, lines: list[str]) -> Range:
    """An ast node's range with character (not UTF-8 byte) columns."""
    def col(line: int, offset: int) -> int:
        if 0 < line <= len(lines) and not lines[line - 1].isascii():
            return len(lines[line - 1].encode("utf-8")[:offset].decode("utf-8", "replace"))
        return offset

    end_line = getattr(node, "end_lineno", None) or node.lineno
    end_col = getattr(node, "end_col_offset", None)
    if end_col is None:
        end_col = node.col_offset
    return (node.lineno, col(node.lineno, node.col_offset), end_line, col(end_line, end_col))


@dataclass
class Target:
    finding: Finding
    range: Range
    category: str  # "expr", "stmt", "statements" (a StatementRun) or "any"
    #: For ast nodes whose range includes parentheses that libcst leaves out.
    inner_type: str | None = None
    node: object = None  # the libcst node found
    #: The range no other fix of the same pass may overlap, when it is not ``range`` (a
    #: StatementRun's whole block).
    span: Range | None = None


_PARENTHESIZED = {ast.Tuple: "Tuple", ast.GeneratorExp: "GeneratorExp"}


def _target_for(f: Finding, lines: list[str]) -> Target:
    target_node = f.fix.target if f.fix is not None else None
    if isinstance(target_node, StatementRun):
        block = target_node.block
        span = character_range(block[0], lines)[:2] + character_range(block[-1], lines)[2:]
        return Target(f, character_range(target_node, lines), "statements", span=span)
    ast_node = target_node if target_node is not None else f.node
    if target_node is not None:
        rng = character_range(target_node, lines)
    else:
        rng = (f.line, f.col, f.end_line, f.end_col)
    category = ("stmt" if isinstance(ast_node, ast.stmt)
                else "expr" if isinstance(ast_node, ast.expr) else "any")
    return Target(f, rng, category, _PARENTHESIZED.get(type(ast_node)))


def disjoint_targets(findings: list[Finding], lines: list[str]) -> list[Target]:
    """The targets of one pass: in source order, skipping any that overlaps one already
    taken (it is applied in a later pass, on the rewritten code)."""
    targets = sorted((_target_for(f, lines) for f in findings),
                     key=lambda t: (_span(t)[0], _span(t)[1], -_span(t)[2], -_span(t)[3]))
    taken: list[Target] = []
    # In start order, a target overlaps a taken one exactly when it starts before the
    # furthest end taken so far, or has the same range (empty ranges): no pairwise scan,
    # which was quadratic in the number of fixes (minutes for a file with 10,000).
    furthest: tuple[int, int] | None = None
    ranges: set[Range] = set()
    for t in targets:
        span = _span(t)
        start, end = (span[0], span[1]), (span[2], span[3])
        if (furthest is not None and start < furthest) or span in ranges:
            continue
        taken.append(t)
        ranges.add(span)
        furthest = end if furthest is None else max(furthest, end)
    return taken


def _span(t: Target) -> Range:
    return t.span if t.span is not None else t.range


def inside(inner: Range, outer: Range) -> bool:
    return (outer[0], outer[1]) <= (inner[0], inner[1]) and \
        (inner[2], inner[3]) <= (outer[2], outer[3])
