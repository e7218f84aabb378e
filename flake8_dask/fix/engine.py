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
"""

from __future__ import annotations

import ast
import threading
import warnings
from collections import Counter
from dataclasses import dataclass, field
from typing import Sequence

from ..checker import analyze, mentions_dask
from ..findings import Finding, Safety, StatementRun
from ..options import Options
from ..rules import Rule
from .noqa import NoqaMap
from .sourcefile import split_lines

MAX_PASSES = 10
#: The largest text the engine reads (characters). Real modules stay under 1 MB (pandas'
#: frame.py is 0.7 MB); past this, parsing, analysis and libcst would take minutes.
MAX_SOURCE_CHARS = 5_000_000

Range = tuple[int, int, int, int]


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


class FixError(Exception):
    """A fix could not be applied safely; the text must stay as it was."""


class SourceTooLarge(Exception):
    """The text is over ``MAX_SOURCE_CHARS``: it is neither checked nor fixed."""


def describe(exc: BaseException) -> str:
    """An exception in one short line. ``str()`` of a libcst error can embed the repr of a
    whole syntax tree (and itself recurse too deeply), so it is never trusted."""
    if isinstance(exc, RecursionError):
        return "RecursionError: the code is nested too deeply"
    try:
        text = str(exc).splitlines()[0] if str(exc) else ""
    except Exception:  # noqa: BLE001 - a broken __str__, or a RecursionError inside it
        text = ""
    if len(text) > 200:
        text = text[:200] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def findings_for(source: str, tree: ast.AST | None = None, options: Options | None = None,
                 rules: Sequence[type[Rule]] | None = None) -> list[Finding]:
    if tree is None:
        tree = parse_quietly(source)
    return analyze(tree, source, options, rules)


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
    findings = _visible(findings_for(source, tree, options, rules), noqa)
    result = FixResult(source=source, original=source, remaining=findings)
    if not apply or noqa.whole_file:
        return result
    current = source
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
        try:
            new_source, done, skipped = apply_fixes(current, todo)
        except FixError as exc:
            result.error = f"{exc}; nothing was changed"
            return result
        for f, reason in skipped:
            unplaceable.add(_identity(f, lines))
            result.warnings.append(f"{f.code} at line {f.line}: {reason}; fix not applied")
        if not done:
            continue  # only skipped fixes: the next round sees an empty todo list
        try:
            new_tree = _parse_like(new_source, current)
        except SyntaxError as exc:
            codes = ", ".join(f"{f.code} (line {f.line})" for f in done)
            result.error = (f"the fix for {codes} produced invalid code "
                            f"({exc.msg}, line {exc.lineno}); nothing was changed")
            return result
        new_findings = _visible(findings_for(new_source, new_tree, options, rules),
                                NoqaMap(new_source))
        still = _not_removed(done, current, findings, new_source, new_findings)
        if still:
            result.error = ("the fix for " + ", ".join(f"{f.code} (line {f.line})" for f in still)
                            + " did not remove the finding; nothing was changed")
            return result
        applied.extend(_applied(f) for f in done)
        current, findings = new_source, new_findings
        result.passes = pass_number
    result.source = current
    result.remaining = findings
    result.applied = applied
    return result


def _parse_like(new_source: str, old_source: str) -> ast.AST:
    """Parse the fixed text, and compile it too (``yield``/``return`` outside a function
    parse but do not compile), unless the text before the fix did not compile either (a
    notebook cell may ``await`` at top level)."""
    tree = parse_quietly(new_source)
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


# ---------------------------------------------------------------------------- one pass
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
class _Target:
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


def _target_for(f: Finding, lines: list[str]) -> _Target:
    target_node = f.fix.target if f.fix is not None else None
    if isinstance(target_node, StatementRun):
        block = target_node.block
        span = character_range(block[0], lines)[:2] + character_range(block[-1], lines)[2:]
        return _Target(f, character_range(target_node, lines), "statements", span=span)
    ast_node = target_node if target_node is not None else f.node
    if target_node is not None:
        rng = character_range(target_node, lines)
    else:
        rng = (f.line, f.col, f.end_line, f.end_col)
    category = ("stmt" if isinstance(ast_node, ast.stmt)
                else "expr" if isinstance(ast_node, ast.expr) else "any")
    return _Target(f, rng, category, _PARENTHESIZED.get(type(ast_node)))


def _disjoint_targets(findings: list[Finding], lines: list[str]) -> list[_Target]:
    """The targets of one pass: in source order, skipping any that overlaps one already
    taken (it is applied in a later pass, on the rewritten code)."""
    targets = sorted((_target_for(f, lines) for f in findings),
                     key=lambda t: (_span(t)[0], _span(t)[1], -_span(t)[2], -_span(t)[3]))
    taken: list[_Target] = []
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


def _span(t: _Target) -> Range:
    return t.span if t.span is not None else t.range


def apply_fixes(source: str, findings: list[Finding]
                ) -> tuple[str, list[Finding], list[tuple[Finding, str]]]:
    """One pass: apply the fixes of ``findings`` whose ranges do not overlap. Returns the new
    text, the findings fixed, and the findings whose fix could not be placed, with the
    reason. Raises :class:`FixError` when a codemod fails."""
    import libcst as cst
    from libcst.metadata import MetadataWrapper

    lines = split_lines(source)
    targets = _disjoint_targets(findings, lines)
    if not targets:
        return source, [], []
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError as exc:
        raise FixError(f"libcst cannot parse this file ({exc.message})") from None
    except Exception as exc:  # the native parser has limits of its own
        if _from_recursion(exc):
            raise FixError(_TOO_DEEP) from None
        raise FixError(f"libcst cannot parse this file ({describe(exc)})") from None
    try:
        exact = module.code == source
    except Exception as exc:
        if _from_recursion(exc):
            raise FixError(_TOO_DEEP) from None
        raise
    if not exact:  # its round trip drops form feeds before code, blank lines before a
        # final comment with no newline, a final lone CR...: every other byte would change
        raise FixError("libcst, which rewrites the code, does not reproduce this file byte "
                       "for byte (a form feed before code? whitespace lines before a last "
                       "comment with no final newline?)")
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    transformer = _FixTransformer(targets)
    transformer.default_indent = module.default_indent
    try:
        new_module = wrapper.visit(transformer)
    except FixError:
        raise
    except Exception as exc:  # a codemod bug must never corrupt the file
        if _from_recursion(exc):
            raise FixError(_TOO_DEEP) from None
        raise FixError(f"a fix failed ({describe(exc)})") from None
    done = [t.finding for t in transformer.applied]
    skipped = transformer.skipped + [(t, "no syntax node spans exactly its range")
                                     for t in targets if t.node is None]
    skipped = [(t.finding, reason) for t, reason in skipped]
    if not done:
        return source, [], skipped
    imports = [spec for t in transformer.applied for spec in t.finding.fix.imports]
    if imports:
        new_module = _add_imports(new_module, imports)
    try:
        return new_module.code, done, skipped
    except Exception as exc:
        if _from_recursion(exc):
            raise FixError(_TOO_DEEP) from None
        raise FixError(f"writing the fixed code failed ({describe(exc)})") from None


_TOO_DEEP = ("the code is nested too deeply for libcst, which rewrites it (Python's "
             "recursion limit)")


def _from_recursion(exc: BaseException) -> bool:
    """Whether ``exc`` comes from a RecursionError: libcst's position provider turns one
    into a chain of KeyErrors."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, RecursionError):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def _add_imports(module, imports):
    """Add the imports the fixes need, where and as libcst's ``AddImportsVisitor`` puts them
    (tests compare the two on generated modules), without its cost: it walks the whole tree
    and builds two matcher-decorated visitors for every call (0.1 s, plus 2.5 ms a line),
    though it reads and changes only the module's leading imports and the blank lines before
    the statement after them."""
    import libcst as cst
    from libcst.helpers import get_absolute_module_from_package_for_import

    try:
        body = list(module.body)
        start = 1 if _docstring_or_strict_first(body) else 0
        end = start
        while end < len(body) and _is_import_line(body[end]):
            end += 1
        # What is wanted, as AddImportsVisitor groups it.
        modules = {m for m, name, alias in imports if name is None and alias is None}
        names = {m: {name for mm, name, alias in imports if mm == m and name is not None
                     and alias is None}
                 for m in sorted({m for m, name, alias in imports
                                  if name is not None and alias is None})}
        module_aliases = {m: alias for m, name, alias in imports
                          if name is None and alias is not None}
        name_aliases = {m: [(name, alias) for mm, name, alias in imports
                            if mm == m and name is not None and alias is not None]
                        for m in sorted({m for m, name, alias in imports
                                         if name is not None and alias is not None})}
        # Minus what the leading imports already give.
        top = [line.body[0] for line in body[start:end]]
        have_modules, have_module_aliases = set(), {}
        have_names: dict[str, set[str]] = {}
        have_name_aliases: dict[str, list[tuple[str, str]]] = {}
        for imp in top:
            if isinstance(imp, cst.Import):
                for item in imp.names:
                    if item.evaluated_alias is None:
                        have_modules.add(item.evaluated_name)
                    else:
                        have_module_aliases[item.evaluated_name] = item.evaluated_alias
                continue
            source = get_absolute_module_from_package_for_import(None, imp)
            if source is None:
                continue
            if isinstance(imp.names, cst.ImportStar):
                have_names[source] = {"*"}
                continue
            have_name_aliases.setdefault(source, []).extend(
                (item.evaluated_name, item.evaluated_alias) for item in imp.names
                if item.asname is not None)
            plain = {item.evaluated_name for item in imp.names if item.asname is None}
            if plain and "*" not in have_names.setdefault(source, set()):
                have_names[source] |= plain
        modules -= have_modules
        for m, alias in have_module_aliases.items():
            if module_aliases.get(m) == alias:
                del module_aliases[m]
        for m, pairs in have_name_aliases.items():
            for pair in pairs:
                if pair in name_aliases.get(m, ()):
                    name_aliases[m].remove(pair)
                    if not name_aliases[m]:
                        del name_aliases[m]
        for m, objs in have_names.items():
            if m in names:
                names[m] = set() if "*" in objs else names[m] - objs
                if not names[m]:
                    del names[m]
        # Names go into the first leading ``from`` import of their module.
        for k, imp in enumerate(top, start):
            if not isinstance(imp, cst.ImportFrom) or isinstance(imp.names, cst.ImportStar):
                continue
            source = get_absolute_module_from_package_for_import(None, imp)
            if source is None or source not in names and source not in name_aliases:
                continue
            added = [cst.ImportAlias(name=cst.Name(n)) for n in sorted(names.pop(source, ()))]
            added += [cst.ImportAlias(name=cst.Name(n), asname=cst.AsName(name=cst.Name(a)))
                      for n, a in sorted(name_aliases.pop(source, ()))]
            body[k] = body[k].with_changes(body=[imp.with_changes(
                names=[*added, *imp.names])])
        if not (modules or names or module_aliases or name_aliases):
            return module.with_changes(body=body)
        # The others are new lines after the leading imports (``__future__`` ones first).
        after = body[end:]
        if after:
            leading = after[0].leading_lines
            if not leading:
                after[0] = after[0].with_changes(leading_lines=(cst.EmptyLine(),))
            elif leading[0].comment is not None:
                after[0] = after[0].with_changes(leading_lines=(cst.EmptyLine(), *leading))
        grouped: dict[str, list] = {}
        for m, pairs in name_aliases.items():
            grouped.setdefault(m, []).extend(pairs)
        for m, objs in names.items():
            grouped.setdefault(m, []).extend((obj, None) for obj in objs)
        grouped = {m: sorted(pairs) for m, pairs in grouped.items()}

        def statement(text):
            return cst.parse_statement(text, config=module.config_for_parsing)

        def from_import(m, pairs):
            return statement(f"from {m} import " + ", ".join(
                obj if alias is None else f"{obj} as {alias}" for obj, alias in pairs))

        return module.with_changes(body=(
            *body[:start],
            *[from_import(m, pairs) for m, pairs in grouped.items() if m == "__future__"],
            *body[start:end],
            *[statement(f"import {m}") for m in sorted(modules)],
            *[statement(f"import {m} as {alias}") for m, alias in module_aliases.items()],
            *[from_import(m, pairs) for m, pairs in grouped.items() if m != "__future__"],
            *after))
    except Exception as exc:
        if _from_recursion(exc):
            raise FixError(_TOO_DEEP) from None
        raise FixError(f"adding the imports {imports} failed ({describe(exc)})") from None


def _is_import_line(statement) -> bool:
    import libcst as cst

    return (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1
            and isinstance(statement.body[0], (cst.Import, cst.ImportFrom)))


def _docstring_or_strict_first(body: list) -> bool:
    """Whether the module starts with a docstring or a ``__strict__`` flag (imports are
    never put before it)."""
    import libcst as cst

    if not body or not isinstance(body[0], cst.SimpleStatementLine) or len(body[0].body) != 1:
        return False
    first = body[0].body[0]
    if isinstance(first, cst.Expr):
        return isinstance(first.value, cst.SimpleString)
    return (isinstance(first, cst.Assign) and len(first.targets) == 1
            and isinstance(first.targets[0].target, cst.Name)
            and first.targets[0].target.value == "__strict__")


_TRANSFORMER_CLASS = None


def _FixTransformer(targets):  # noqa: N802 - the class is defined on first use: libcst is
    global _TRANSFORMER_CLASS  # imported only when there is something to fix
    if _TRANSFORMER_CLASS is None:
        _TRANSFORMER_CLASS = _define_transformer()
    return _TRANSFORMER_CLASS(targets)


def _define_transformer():
    import libcst as cst
    from libcst.metadata import PositionProvider

    wrappers = (cst.SimpleStatementLine, cst.SimpleStatementSuite, cst.IndentedBlock,
                cst.Module)
    statements = (cst.BaseSmallStatement, cst.BaseCompoundStatement)

    def fits(node, category: str) -> bool:
        if isinstance(node, wrappers):
            return False
        if category == "expr":
            return isinstance(node, cst.BaseExpression)
        if category == "stmt":
            return isinstance(node, statements)
        return True

    class FixTransformer(cst.CSTTransformer):
        METADATA_DEPENDENCIES = (PositionProvider,)

        def __init__(self, targets: list[_Target]):
            super().__init__()
            self.targets = targets
            self.by_range: dict[Range, list[_Target]] = {}
            self.fuzzy = [t for t in targets if t.inner_type]
            self.runs = [t for t in targets if t.category == "statements"]
            for t in targets:
                if not t.inner_type and t.category != "statements":
                    self.by_range.setdefault(t.range, []).append(t)
            self.chosen: dict[int, _Target] = {}  # id(original node) -> target
            self.applied: list[_Target] = []
            self.skipped: list[tuple[_Target, str]] = []
            #: id(original SimpleStatementLine) -> (original small statement, items)
            self.splits: dict[int, tuple[object, list]] = {}
            self.lines: list = []  # the SimpleStatementLines being visited
            self.default_indent = "    "  # the module's (set by apply_fixes)

        def on_visit(self, node) -> bool:
            if isinstance(node, cst.SimpleStatementLine):
                self.lines.append(node)
            pos = self.get_metadata(PositionProvider, node, None)
            if pos is None:
                return True
            rng = (pos.start.line, pos.start.column, pos.end.line, pos.end.column)
            # Pre-order: the first node seen with a range is the outermost one.
            for t in self.by_range.get(rng, ()):
                if t.node is None and fits(node, t.category):
                    t.node = node
                    self.chosen[id(node)] = t
            for t in self.fuzzy:
                if t.node is None and type(node).__name__ == t.inner_type \
                        and _inside(rng, t.range):
                    t.node = node
                    self.chosen[id(node)] = t
            return True

        def on_leave(self, original_node, updated_node):
            if self.runs and isinstance(original_node, (cst.Module, cst.IndentedBlock)):
                return self.replace_runs(original_node, updated_node)
            if isinstance(original_node, cst.SimpleStatementLine):
                self.lines.pop()
                split = self.splits.pop(id(original_node), None)
                if split is not None:
                    return split_line(updated_node, *split)
            target = self.chosen.get(id(original_node))
            if target is None:
                return updated_node
            replacement = target.finding.rule.fix(updated_node, target.finding)
            if replacement is None:
                raise FixError(f"the fix for {target.finding.code} (line "
                               f"{target.finding.line}) returned nothing")
            if isinstance(original_node, cst.BaseSmallStatement) and isinstance(
                    replacement, (cst.FlattenSentinel, cst.BaseStatement)):
                items = (list(replacement.nodes) if isinstance(replacement, cst.FlattenSentinel)
                         else [replacement])
                line = self.lines[-1] if self.lines else None
                if line is not None and len(line.body) == 1:
                    self.splits[id(line)] = (original_node, items)
                    self.applied.append(target)
                    return updated_node
                if all(isinstance(i, cst.BaseSmallStatement) for i in items):
                    self.applied.append(target)
                    return cst.FlattenSentinel(items)
                self.skipped.append((target, "whole statements cannot be inserted into a "
                                             "line that holds several statements"))
                return updated_node
            self.applied.append(target)
            return replacement

        def replace_runs(self, original_node, updated_node):
            """The runs of statements (StatementRun targets) of this block, rewritten."""
            body = original_node.body
            if not body:
                return updated_node
            first_pos = self.get_metadata(PositionProvider, body[0], None)
            last_pos = self.get_metadata(PositionProvider, body[-1], None)
            if first_pos is None or last_pos is None:
                return updated_node
            for t in self.runs:
                start, end = (t.range[0], t.range[1]), (t.range[2], t.range[3])
                if t.node is not None or start < (first_pos.start.line, first_pos.start.column) \
                        or end > (last_pos.end.line, last_pos.end.column):
                    continue
                first = last = None
                for i, child in enumerate(body):
                    pos = self.get_metadata(PositionProvider, child, None)
                    if pos is None:
                        continue
                    if (pos.start.line, pos.start.column) == start:
                        first = i
                    if (pos.end.line, pos.end.column) == end:
                        last = i
                if first is None or last is None or last < first:
                    continue  # not this block's statements (a nested block's, maybe)
                t.node = original_node
                if len(updated_node.body) != len(body):  # no other fix may touch the block
                    self.skipped.append((t, "its block was changed by another fix"))
                    continue
                indent = getattr(original_node, "indent", None) or self.default_indent
                items = t.finding.rule.fix(Statements(updated_node.body[first:last + 1], indent),
                                           t.finding)
                if items is None:
                    raise FixError(f"the fix for {t.finding.code} (line {t.finding.line}) "
                                   "returned nothing")
                if isinstance(items, cst.FlattenSentinel):
                    items = items.nodes
                updated_node = updated_node.with_changes(body=[
                    *updated_node.body[:first], *items, *updated_node.body[last + 1:]])
                self.applied.append(t)
            return updated_node

    def split_line(line, original_small, items):
        """One line per item, for a small statement alone on ``line`` (see ``Rule.fix``)."""
        if not items:
            return cst.RemovalSentinel.REMOVE

        def small_of(item):
            if isinstance(item, cst.SimpleStatementLine) and len(item.body) == 1:
                return item.body[0]
            return item

        def is_original(item) -> bool:
            item = small_of(item)
            return isinstance(item, cst.BaseSmallStatement) and item.deep_equals(original_small)

        keeper = next((i for i, item in enumerate(items) if is_original(item)), None)
        if keeper is None:  # rewritten: the last item of its type (after inserted lines)
            keeper = max((i for i, item in enumerate(items)
                          if type(small_of(item)) is type(original_small)), default=0)
        out = []
        for i, item in enumerate(items):
            if isinstance(item, cst.BaseSmallStatement):
                new = line.with_changes(
                    body=[item.with_changes(semicolon=cst.MaybeSentinel.DEFAULT)],
                    leading_lines=line.leading_lines if i == 0 else (),
                    trailing_whitespace=(line.trailing_whitespace if i == keeper
                                         else cst.TrailingWhitespace()))
            else:
                new = item
                if i == 0:
                    new = new.with_changes(leading_lines=[*line.leading_lines,
                                                          *new.leading_lines])
                if i == keeper and isinstance(new, cst.SimpleStatementLine):
                    new = new.with_changes(trailing_whitespace=line.trailing_whitespace)
            out.append(new)
        return cst.FlattenSentinel(out)

    return FixTransformer


class Statements(list):
    """What the codemod of a StatementRun target receives: the libcst statements of the run,
    and ``indent``, one level of indentation of their block (a tab, four spaces...), for the
    blocks the codemod creates."""

    def __init__(self, statements, indent: str):
        super().__init__(statements)
        self.indent = indent


def _inside(inner: Range, outer: Range) -> bool:
    return (outer[0], outer[1]) <= (inner[0], inner[1]) and \
        (inner[2], inner[3]) <= (outer[2], outer[3])
