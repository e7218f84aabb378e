"""One file through the fix command: read, analyze, fix, write, and a plain report of it.

Runs in a worker process (``-j``), so everything it returns is plain, picklable data: no ast
node, no rule instance.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace

from ..checker import releasing
from ..findings import Finding
from ..options import Options
from .engine import applicable, apply_fixes, fix_source
from .notebook import NotebookError, fix_notebook, parse_notebook
from .selection import Decider, Selection
from .sourcefile import (SourceError, check_writable, decode_source, decode_utf8,
                         read_bytes, split_lines, write_atomic)

FIX = "fix"  # apply fixes and write the files
CHECK = "check"  # report only
DIFF = "diff"  # report the diff the fixes would make


@dataclass(frozen=True)
class Settings:
    selection: Selection
    options: Options
    mode: str = FIX
    unsafe: bool = False
    want_edits: bool = False  # JSON output carries each fix's edits


@dataclass
class Diagnostic:
    code: str
    message: str
    line: int  # 1-based
    col: int  # 0-based characters
    end_line: int
    end_col: int
    cell: int | None = None
    fix_safety: str | None = None  # "safe" / "unsafe" / "display-only"
    fix_title: str | None = None
    fixable: bool = False  # applicable at the chosen level
    edits: list[dict] | None = None


@dataclass
class FixedEntry:
    code: str
    title: str


@dataclass
class FileReport:
    display: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    fixed: list[FixedEntry] = field(default_factory=list)  # applied (or would be)
    error: str | None = None  # could not read / decode / write: exit status 2
    syntax_error: str | None = None  # does not parse: reported, exit status 1
    warnings: list[str] = field(default_factory=list)
    diff: str | None = None
    stdout: bytes | None = None  # stdin in fix mode: the fixed source
    changed: bool = False  # fixes were applied (or would be)


def _diagnostic(f: Finding, unsafe: bool, cell: int | None = None) -> Diagnostic:
    fix = f.fix
    return Diagnostic(f.code, f.message, f.line, f.col, f.end_line, f.end_col, cell,
                      fix.safety.value if fix else None, fix.title if fix else None,
                      applicable(f, unsafe))


def _edits(source: str, finding: Finding) -> list[dict] | None:
    """Ruff-style edits for one finding's fix: line-range replacements (1-based rows,
    column 1), computed by applying that fix alone."""
    try:
        new, done, _ = apply_fixes(source, [finding])
    except Exception:  # an edit preview must never fail the run
        return None
    if not done:
        return None
    old_lines, new_lines = split_lines(source), split_lines(new)
    edits = []
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            edits.append({"content": "".join(new_lines[j1:j2]),
                          "location": {"row": i1 + 1, "column": 1},
                          "end_location": {"row": i2 + 1, "column": 1}})
    return edits


def _unified(old: str, new: str, name: str) -> str:
    return "".join(difflib.unified_diff(split_lines(old), split_lines(new), name, name))


def process(target_display: str, target_path: str, settings: Settings,
            stdin_data: bytes | None = None) -> FileReport:
    """One file, start to end. The report is plain data: the analyses' trees and models are
    released when it is made (memory stays flat however many files a process handles)."""
    with releasing():
        return _process(target_display, target_path, settings, stdin_data)


def _process(target_display: str, target_path: str, settings: Settings,
             stdin_data: bytes | None) -> FileReport:
    report = FileReport(target_display)
    try:
        if stdin_data is None:
            data = read_bytes(target_path)
        else:
            data = stdin_data
        rules, decider = settings.selection.rules_for(
            None if target_display == "-" else target_display)
        read_only = None
        if settings.mode == FIX and stdin_data is None:
            read_only = _cannot_write(target_path)
            if read_only:  # report as --check would, and say why nothing was fixed
                settings = replace(settings, mode=CHECK)
        handle = _process_notebook if target_display.endswith(".ipynb") else _process_python
        handle(report, data, target_path, rules, decider, settings, stdin_data is not None)
        fixable = sum(d.fixable for d in report.diagnostics)
        if read_only and fixable:
            report.error = f"{read_only}; {fixable} fix(es) not applied"
    except SourceError as exc:
        report.error = str(exc)
    except Exception as exc:  # never lose the whole run to one file
        report.error = f"internal error: {type(exc).__name__}: {exc}"
    return report


def _keep(decider: Decider, findings: list[Finding]) -> list[Finding]:
    # DSK000 (an internal error) is not a rule: the selection still decides on it.
    return [f for f in findings if decider.allows(f.code)]


def _process_python(report: FileReport, data: bytes, path: str, rules, decider, settings,
                    from_stdin: bool) -> None:
    text, encoding = decode_source(data)
    mode = settings.mode
    try:
        result = fix_source(text, options=settings.options, rules=rules,
                            unsafe=settings.unsafe, apply=mode != CHECK)
    except SyntaxError as exc:
        report.syntax_error = f"{exc.lineno or 1}:{(exc.offset or 1)}: cannot parse: {exc.msg}"
        if from_stdin and mode == FIX:
            report.stdout = data
        return
    except ValueError as exc:  # source code string cannot contain null bytes
        report.syntax_error = f"1:1: cannot parse: {exc}"
        if from_stdin and mode == FIX:
            report.stdout = data
        return
    report.warnings.extend(result.warnings)
    if result.error:
        report.warnings.append(f"fixes not applied: {result.error}")
    new_data = data
    if result.changed:
        try:
            new_data = encoding.encode(result.source)
        except UnicodeEncodeError:
            report.warnings.append("fixes not applied: the fixed text cannot be encoded as "
                                   f"{encoding.codec}")
            result = fix_source(text, options=settings.options, rules=rules,
                                unsafe=settings.unsafe, apply=False)
    report.diagnostics = [_diagnostic(f, settings.unsafe)
                          for f in _keep(decider, result.remaining)]
    if settings.want_edits:
        by_key = {(f.code, f.line, f.col): f for f in result.remaining}
        for d in report.diagnostics:
            if d.fixable:
                d.edits = _edits(result.source, by_key[(d.code, d.line, d.col)])
    report.fixed = [FixedEntry(a.code, a.title) for a in result.applied]
    report.changed = result.changed
    if mode == DIFF and report.changed:
        report.diff = _unified(result.original, result.source, report.display)
    if from_stdin:
        if mode == FIX:
            report.stdout = new_data
        return
    if mode == FIX and report.changed:
        _write(report, path, new_data)


def _process_notebook(report: FileReport, data: bytes, path: str, rules, decider, settings,
                      from_stdin: bool) -> None:
    text, encoding = decode_utf8(data)
    mode = settings.mode
    try:
        result = fix_notebook(text, options=settings.options, rules=rules,
                              unsafe=settings.unsafe, apply=mode != CHECK)
    except NotebookError as exc:
        raise SourceError(str(exc)) from None
    report.warnings.extend(result.messages)
    if result.fix is not None:
        report.warnings.extend(result.fix.warnings)
    if result.error:
        report.warnings.append(f"fixes not applied: {result.error}")
    report.diagnostics = [_diagnostic(cf.finding, settings.unsafe, cf.cell)
                          for cf in result.findings if decider.allows(cf.finding.code)]
    for d in report.diagnostics:
        if d.fixable and settings.want_edits:
            d.edits = []  # edits are not mapped into cells
    if result.fix is not None and result.changed:
        report.fixed = [FixedEntry(a.code, a.title) for a in result.fix.applied]
    report.changed = result.changed
    new_data = encoding.encode(result.text) if result.changed else data
    if mode == DIFF and result.changed:
        report.diff = _notebook_diff(text, result.text, report.display)
    if from_stdin:
        if mode == FIX:
            report.stdout = new_data
        return
    if mode == FIX and result.changed:
        _write(report, path, new_data)


def _notebook_diff(old_text: str, new_text: str, name: str) -> str:
    """One diff per changed cell, labelled ``nb.ipynb:cell N``."""
    old_nb, new_nb = parse_notebook(old_text), parse_notebook(new_text)
    out = []
    for old, new in zip(old_nb.cells, new_nb.cells):
        if old.text != new.text:
            out.append(_unified(old.text if old.text.endswith("\n") else old.text + "\n",
                                new.text if new.text.endswith("\n") else new.text + "\n",
                                f"{name}:cell {old.index + 1}"))
    return "".join(out)


def _write(report: FileReport, path: str, data: bytes) -> None:
    try:
        write_atomic(path, data)
    except SourceError:
        report.changed, report.fixed = False, []
        raise


def _cannot_write(path: str) -> str | None:
    try:
        check_writable(path)
    except SourceError as exc:
        return str(exc)
    return None
