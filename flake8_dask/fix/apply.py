"""One pass of fixes: parse the code with libcst, hand each rule the node at its finding's
range (the contract is :meth:`flake8_dask.rules.base.Rule.fix`), put its result in place, add
the imports, and print the code again. Only the top-level statements that hold a fix are
parsed and printed (:mod:`.segments`), or the whole module when they cannot be on their own.
libcst is imported on first use only."""

from __future__ import annotations

import ast
from dataclasses import replace

from ..findings import Finding
from .errors import TOO_DEEP, FixError, describe, from_recursion, reraise_interrupt
from .imports import add_imports
from .pyparse import parse_quietly
from .segments import Fallback, parse_chunks, plan, splice
from .sourcefile import split_lines
from .targets import Range, Target, disjoint_targets, inside

Skipped = list[tuple[Finding, str]]


def apply_fixes(source: str, findings: list[Finding], *, tree: ast.Module | None = None,
                rewritten: list[tuple[int, int]] | None = None
                ) -> tuple[str, list[Finding], Skipped]:
    """One pass: apply the fixes of ``findings`` whose ranges do not overlap. Returns the new
    text, the findings fixed, and the findings whose fix could not be placed, with the
    reason. Raises :class:`FixError` when a codemod fails. ``tree`` is the ``ast`` tree of
    ``source`` when the caller has it (it is parsed otherwise); ``rewritten``, when given,
    receives the (start, end) character offsets of the parts of the new text that libcst
    printed (everything else is the original text)."""
    lines = split_lines(source)
    targets = disjoint_targets(findings, lines)
    if not targets:
        return source, [], []
    try:
        return _in_chunks(source, lines, targets, tree, rewritten)
    except Fallback:
        if rewritten is not None:
            rewritten.clear()
    return _whole(source, targets, rewritten)


def _whole(source: str, targets: list[Target], rewritten: list | None
           ) -> tuple[str, list[Finding], Skipped]:
    """The pass on the whole module, parsed at once."""
    import libcst as cst

    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError as exc:
        raise FixError(f"libcst cannot parse this file ({exc.message})") from None
    except Exception as exc:  # the native parser has limits of its own
        reraise_interrupt(exc)
        if from_recursion(exc):
            raise FixError(TOO_DEEP) from None
        raise FixError(f"libcst cannot parse this file ({describe(exc)})") from None
    try:
        exact = module.code == source
    except Exception as exc:
        reraise_interrupt(exc)
        if from_recursion(exc):
            raise FixError(TOO_DEEP) from None
        raise
    if not exact:  # its round trip drops form feeds before code, blank lines before a
        # final comment with no newline, a final lone CR...: every other byte would change
        raise FixError("libcst, which rewrites the code, does not reproduce this file byte "
                       "for byte (a form feed before code? whitespace lines before a last "
                       "comment with no final newline?)")
    new_module, transformer = _visit(module, targets, module.default_indent)
    done = [t.finding for t in transformer.applied]
    skipped = [(t.finding, reason) for t, reason in transformer.skipped] + _unplaced(targets)
    if not done:
        return source, [], skipped
    imports = [spec for t in transformer.applied for spec in t.finding.fix.imports]
    if imports:
        new_module = add_imports(new_module, imports)
    code = _print(new_module)
    if rewritten is not None:
        rewritten.append((0, len(code)))
    return code, done, skipped


def _in_chunks(source: str, lines: list[str], targets: list[Target], tree, rewritten
               ) -> tuple[str, list[Finding], Skipped]:
    """The pass on the top-level statements that hold the targets (:mod:`.segments`).
    Raises :class:`Fallback` when it must be made on the whole module."""
    if tree is None:
        try:
            tree = parse_quietly(source)
        except SyntaxError:
            raise Fallback from None
    chunks, indent = plan(source, lines, tree, targets)
    newline = lines[0][len(lines[0].rstrip("\r\n")):] or "\n"
    parse_chunks(chunks, indent, newline)
    copies: dict[int, Target] = {}  # id(target) -> its copy, in its chunk's lines
    applied: list[Target] = []
    skipped: Skipped = []
    new_modules = []
    for chunk in chunks:
        shift = chunk.start - 1
        mine = []
        for t in targets:
            if chunk.start <= t.range[0] and t.range[2] <= chunk.end:
                copy = replace(t, range=_shifted(t.range, shift), node=None,
                               span=_shifted(t.span, shift) if t.span else None)
                copies[id(t)] = copy
                mine.append(copy)
        new_module, transformer = _visit(chunk.module, mine, indent)
        applied += transformer.applied
        skipped += [(t.finding, reason) for t, reason in transformer.skipped]
        new_modules.append(new_module)
    skipped += _unplaced([copies.get(id(t), t) for t in targets])
    done = [t.finding for t in applied]
    if not done:
        return source, [], skipped
    imports = [spec for t in applied for spec in t.finding.fix.imports]
    if imports:  # the first chunk starts at line 1 then (segments.plan)
        new_modules[0] = add_imports(new_modules[0], imports)
    printed = [_print(m) for m in new_modules]
    return splice(source, lines, chunks, printed, rewritten), done, skipped


def _shifted(r: Range, lines: int) -> Range:
    return r[0] - lines, r[1], r[2] - lines, r[3]


def _unplaced(targets: list[Target]) -> Skipped:
    return [(t.finding, "no syntax node spans exactly its range")
            for t in targets if t.node is None]


def _visit(module, targets: list[Target], indent: str):
    """Run the fixes of ``targets`` on ``module``: the new module, and the transformer (what
    it applied and skipped)."""
    from libcst.metadata import MetadataWrapper

    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    transformer = _FixTransformer(targets)
    transformer.default_indent = indent
    try:
        return wrapper.visit(transformer), transformer
    except FixError:
        raise
    except Exception as exc:  # a codemod bug must never corrupt the file
        reraise_interrupt(exc)
        if from_recursion(exc):
            raise FixError(TOO_DEEP) from None
        raise FixError(f"a fix failed ({describe(exc)})") from None


def _print(module) -> str:
    try:
        return module.code
    except Exception as exc:
        reraise_interrupt(exc)
        if from_recursion(exc):
            raise FixError(TOO_DEEP) from None
        raise FixError(f"writing the fixed code failed ({describe(exc)})") from None


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

        def __init__(self, targets: list[Target]):
            super().__init__()
            self.targets = targets
            self.by_range: dict[Range, list[Target]] = {}
            self.fuzzy = [t for t in targets if t.inner_type]
            self.runs = [t for t in targets if t.category == "statements"]
            for t in targets:
                if not t.inner_type and t.category != "statements":
                    self.by_range.setdefault(t.range, []).append(t)
            self.chosen: dict[int, Target] = {}  # id(original node) -> target
            self.applied: list[Target] = []
            self.skipped: list[tuple[Target, str]] = []
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
                        and inside(rng, t.range):
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
