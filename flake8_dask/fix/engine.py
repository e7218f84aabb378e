"""The fix engine: apply the rules' libcst codemods to one source text.

``fix_source`` analyzes the text, and when a finding has a fix applicable at the chosen level
(and no ``# noqa`` silences it), parses the text with libcst, hands each rule the node at its
finding's range (the contract is :meth:`flake8_dask.rules.base.Rule.fix`), and repeats
analyze+fix until nothing applicable is left (at most ``max_passes`` times). The result is
kept only if it parses and every fixed finding is gone; otherwise the original text is
returned with an error. Nothing here knows about files, notebooks or individual rules.

Hostile input never escapes as an unexpected exception: a text Python's parser cannot build a
tree for (nested too deeply) is a ``SyntaxError``, code libcst cannot handle (its visitors
recurse, about 1,000 levels deep at most) is an error in the result with the text unchanged,
and a text over ``MAX_SOURCE_CHARS`` that mentions Dask raises :class:`SourceTooLarge`.

The pass loop and its checks are here; one pass is :func:`.apply.apply_fixes` (with
:mod:`.targets`, where each fix goes, and :mod:`.imports`, the imports fixes need), and its
failures are :mod:`.errors`.
"""

from __future__ import annotations

import __future__
import ast
import warnings
from collections import Counter
from dataclasses import dataclass, field
from typing import Sequence

from ..checker import analyze, hand_over, mentions_dask, release, releasing
from ..findings import Finding, Safety
from ..options import Options
from ..rules import Rule
from .apply import Statements, apply_fixes
from .errors import FixError, describe
from .imports import add_imports as _add_imports
from .noqa import NoqaMap
from .pyparse import AST_LOCK, parse_quietly
from .sourcefile import split_lines
from .targets import Range, character_range

#: Importable from here, as before the engine was split in modules (tests import
#: ``_add_imports``, the runner ``apply_fixes`` and ``describe``).
__all__ = ["AST_LOCK", "MAX_PASSES", "MAX_SOURCE_CHARS", "AppliedFix", "FixError", "FixResult",
           "Range", "SourceTooLarge", "Statements", "_add_imports", "applicable", "apply_fixes",
           "character_range", "describe", "findings_for", "fix_source", "parse_quietly"]

MAX_PASSES = 10
#: The largest text the engine reads (characters). Real modules stay under 1 MB (pandas'
#: frame.py is 0.7 MB); past this, parsing, analysis and libcst would take minutes.
MAX_SOURCE_CHARS = 5_000_000


def applicable(finding: Finding, unsafe: bool) -> bool:
    """Whether ``finding`` carries a fix that runs at this level (noqa not considered)."""
    fix = finding.fix
    if fix is None or finding.rule is None:
        return False
    return fix.safety is Safety.SAFE or (unsafe and fix.safety is Safety.UNSAFE)


@dataclass
class AppliedFix:
    """One fix the engine made (positions are those of the finding before the fix)."""

    code: str
    message: str
    title: str
    safety: Safety
    line: int
    col: int
    end_line: int
    end_col: int


@dataclass
class FixResult:
    source: str  # the fixed text, or the original one when nothing was (or could be) fixed
    original: str
    #: Findings left after fixing, noqa already applied (what a linter should report).
    remaining: list[Finding] = field(default_factory=list)
    applied: list[AppliedFix] = field(default_factory=list)
    #: Why the fixes were abandoned (the text is then the original one).
    error: str | None = None
    #: Fixes that were skipped (no node at the range, an overlap that never resolved...).
    warnings: list[str] = field(default_factory=list)
    passes: int = 0

    @property
    def changed(self) -> bool:
        return self.source != self.original


class SourceTooLarge(Exception):
    """The text is over ``MAX_SOURCE_CHARS``: it is neither checked nor fixed."""


def findings_for(source: str, tree: ast.AST | None = None, options: Options | None = None,
                 rules: Sequence[type[Rule]] | None = None) -> list[Finding]:
    if tree is None:
        tree = parse_quietly(source)
    return analyze(tree, source, options, rules)


def fix_source(source: str, *, options: Options | None = None,
               rules: Sequence[type[Rule]] | None = None, unsafe: bool = False,
               apply: bool = True, max_passes: int = MAX_PASSES,
               tree: ast.AST | None = None) -> FixResult:
    """Fix ``source`` (``\\n`` line endings). ``apply=False`` only analyzes (and honours
    noqa). Raises ``SyntaxError`` when the original text does not parse, and
    :class:`SourceTooLarge` when it is over ``MAX_SOURCE_CHARS`` and mentions Dask (one that
    does not cannot have a finding: it is returned as it is, unparsed)."""
    if len(source) > MAX_SOURCE_CHARS:
        if not mentions_dask(source):
            return FixResult(source=source, original=source)
        raise SourceTooLarge(f"not checked: {len(source) / 1e6:.1f} million characters is over "
                             f"the fix command's limit of {MAX_SOURCE_CHARS / 1e6:g} million")
    noqa = NoqaMap(source)
    if tree is None:
        tree = parse_quietly(source)
    held: list = []  # the analysis behind ``findings``: released when a pass supersedes it
    findings = _visible(_analyzed(source, tree, options, rules, held), noqa)
    result = FixResult(source=source, original=source, remaining=findings)
    if not apply or noqa.whole_file:
        hand_over(held)
        return result
    trees = [tree]  # handed over, not kept here: the first pass frees it
    del tree
    try:
        return _fix_passes(result, trees, held, options, rules, unsafe, max_passes)
    finally:
        hand_over(held)  # the caller's releasing() block ends the last one


def _analyzed(source: str, tree: ast.AST, options, rules, held: list) -> list[Finding]:
    """``findings_for``, its analysis (model and rules) added to ``held`` rather than to the
    caller's ``releasing()`` block."""
    with releasing() as block:
        findings = findings_for(source, tree, options, rules)
        held.extend(block)
        block.clear()
    return findings


def _fix_passes(result: FixResult, trees: list[ast.AST], held: list, options, rules,
                unsafe: bool, max_passes: int) -> FixResult:
    """Analyze and fix until nothing applicable is left. Each analysis is released as soon as
    its pass is made (with its tree, it is most of the memory: a new one is built on the
    fixed text)."""
    current, findings, tree = result.source, result.remaining, trees.pop()
    applied: list[AppliedFix] = []
    unplaceable: set[tuple[str, str]] = set()  # fixes skipped once are not retried
    for pass_number in range(1, max_passes + 2):
        lines = split_lines(current)
        todo = [f for f in findings
                if applicable(f, unsafe) and _identity(f, lines) not in unplaceable]
        if not todo:
            break
        if pass_number > max_passes:
            result.error = (f"the fixes did not converge after {max_passes} passes "
                            f"({', '.join(sorted({f.code for f in todo}))} still fixable); "
                            "nothing was changed")
            return result
        rewritten: list[tuple[int, int]] = []
        try:
            new_source, done, skipped = apply_fixes(current, todo, tree=tree,
                                                    rewritten=rewritten)
        except FixError as exc:
            result.error = f"{exc}; nothing was changed"
            return result
        for f, reason in skipped:
            unplaceable.add(_identity(f, lines))
            result.warnings.append(f"{f.code} at line {f.line}: {reason}; fix not applied")
        if not done:
            continue  # only skipped fixes: the next round sees an empty todo list
        tree = None  # what follows needs the findings' positions only: free the memory of
        release(held)  # this analysis before the fixed text is parsed and analyzed
        try:
            new_tree = _parse_like(new_source, current, rewritten)
        except SyntaxError as exc:
            codes = ", ".join(f"{f.code} (line {f.line})" for f in done)
            result.error = (f"the fix for {codes} produced invalid code "
                            f"({exc.msg}, line {exc.lineno}); nothing was changed")
            return result
        new_findings = _visible(_analyzed(new_source, new_tree, options, rules, held),
                                NoqaMap(new_source))
        still = _not_removed(done, current, findings, new_source, new_findings)
        if still:
            result.error = ("the fix for " + ", ".join(f"{f.code} (line {f.line})" for f in still)
                            + " did not remove the finding; nothing was changed")
            return result
        applied.extend(_applied(f) for f in done)
        current, findings, tree = new_source, new_findings, new_tree
        result.passes = pass_number
    result.source = current
    result.remaining = findings
    result.applied = applied
    return result


def _parse_like(new_source: str, old_source: str,
                rewritten: list[tuple[int, int]] | None = None) -> ast.AST:
    """Parse the fixed text, and compile it too (``yield``/``return`` outside a function
    parse but do not compile), unless the text before the fix did not compile either (a
    notebook cell may ``await`` at top level). When the parts the fixes ``rewritten`` compile
    on their own (as top-level code, with the module's ``__future__`` imports), the rest is
    the text as it was: compiling the whole text again would cost more than checking it."""
    tree = parse_quietly(new_source)
    if rewritten and _parts_compile(new_source, rewritten, tree):
        return tree
    with AST_LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            compile(tree, "<fixed>", "exec", dont_inherit=True)
        except (SyntaxError, RecursionError, MemoryError) as exc:
            try:
                compile(old_source, "<original>", "exec", dont_inherit=True)
            except (SyntaxError, RecursionError, MemoryError):
                return tree
            if isinstance(exc, SyntaxError):
                raise
            raise SyntaxError(f"too deeply nested to compile ({type(exc).__name__})") \
                from None
    return tree


def _parts_compile(source: str, parts: list[tuple[int, int]], tree: ast.AST) -> bool:
    """Whether each part of ``source`` compiles as top-level code. A part that does not start
    the text follows a ``pass``: a ``__future__`` import there is out of place."""
    flags = 0
    for i, stmt in enumerate(getattr(tree, "body", ())):
        if isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__":
            for alias in stmt.names:
                feature = getattr(__future__, alias.name, None)
                flags |= getattr(feature, "compiler_flag", 0)
        elif not (i == 0 and isinstance(stmt, ast.Expr)
                  and isinstance(stmt.value, ast.Constant)):
            break
    with AST_LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for start, end in parts:
            code = source[start:end] if start == 0 else "pass\n" + source[start:end]
            try:
                compile(code, "<fixed>", "exec", flags=flags, dont_inherit=True)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                return False
    return True


def _visible(findings: list[Finding], noqa: NoqaMap) -> list[Finding]:
    if noqa.whole_file:
        return []
    return [f for f in findings if not noqa.silences(f.code, f.line)]


def _applied(f: Finding) -> AppliedFix:
    return AppliedFix(f.code, f.message, f.fix.title, f.fix.safety, f.line, f.col, f.end_line,
                      f.end_col)


def _text_of(lines: list[str], r: Range) -> str:
    sl, sc, el, ec = r
    if sl == el:
        return lines[sl - 1][sc:ec] if 0 < sl <= len(lines) else ""
    chunk = lines[sl - 1:el]
    if not chunk:
        return ""
    chunk[0] = chunk[0][sc:]
    chunk[-1] = chunk[-1][:ec] if len(chunk) > 1 else chunk[-1]
    return "".join(chunk)


def _range(f: Finding) -> Range:
    return f.line, f.col, f.end_line, f.end_col


def _identity(f: Finding, lines: list[str]) -> tuple[str, str]:
    """What stays the same for a finding when other code moves: its code and its text."""
    return f.code, _text_of(lines, _range(f))


def _not_removed(done: list[Finding], old_source: str, old_findings: list[Finding],
                 new_source: str, new_findings: list[Finding]) -> list[Finding]:
    """The fixed findings still reported after the fix. Findings move when code is added
    above them, so they are compared by (code, source text), as multisets: a fixed finding
    is gone when the new text has fewer such findings than the old one had left unfixed."""
    old_lines = split_lines(old_source)
    new_lines = split_lines(new_source)
    before = Counter(_identity(f, old_lines) for f in old_findings)
    fixed = Counter(_identity(f, old_lines) for f in done)
    after = Counter(_identity(f, new_lines) for f in new_findings)
    bad = {key for key, n in fixed.items() if after[key] > before[key] - n}
    return [f for f in done if _identity(f, old_lines) in bad]
