"""One file through the fix command: read, analyze, fix, write, and a plain report of it.

:func:`process` runs in a worker process (``-j``); with ``--scheduler`` the command reads and
writes the files itself and only :func:`run_job` runs on the cluster. Everything crossing
those boundaries is plain, picklable data: no ast node, no rule instance.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace

from ..checker import checking_path, gc_paused, releasing
from ..findings import Finding
from ..options import Options
from ..rules import RULES_BY_CODE
from .engine import SourceTooLarge, applicable, apply_fixes, describe, fix_source
from .errors import reraise_interrupt
from .nbjson import json_line, json_lines
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
    want_edits: bool = False  # JSON and SARIF output carry each fix's edits
    want_json_lines: bool = False  # github and SARIF: a notebook finding's .ipynb lines


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
    json_line: int | None = None  # a notebook's: the lines of the .ipynb JSON
    json_end_line: int | None = None


@dataclass
class FixedEntry:
    code: str
    title: str


@dataclass
class FileReport:
    display: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    fixed: list[FixedEntry] = field(default_factory=list)  # applied (or would be)
    error: str | None = None  # could not write (or an internal error): exit status 2
    warnings: list[str] = field(default_factory=list)
    diff: str | None = None
    stdout: bytes | None = None  # stdin in fix mode: the fixed source
    changed: bool = False  # fixes were applied (or would be)


#: The code of a file that could not be checked (docs.FILE_NOT_CHECKED): a finding, exit 1.
FILE_NOT_CHECKED = "DSK001"


def not_checked(report: FileReport, message: str, line: int = 1, col: int = 0,
                end: tuple[int, int] | None = None, cell: int | None = None) -> None:
    """Report that the file (or a notebook cell) could not be checked, where it failed."""
    end_line, end_col = end if end is not None else (line, col)
    report.diagnostics.append(Diagnostic(FILE_NOT_CHECKED, message, line, col, end_line,
                                         end_col, cell))


def _syntax_error(report: FileReport, exc: SyntaxError, cell: int | None = None) -> None:
    line, col = exc.lineno or 1, max((exc.offset or 1) - 1, 0)
    end = None
    if getattr(exc, "end_lineno", None) and getattr(exc, "end_offset", None):
        end = (exc.end_lineno, max(exc.end_offset - 1, col))
        if end < (line, col):
            end = None
    not_checked(report, f"SyntaxError: {exc.msg}", line, col, end, cell)


def _diagnostic(f: Finding, unsafe: bool, cell: int | None = None) -> Diagnostic:
    fix = f.fix
    return Diagnostic(f.code, f.message, f.line, f.col, f.end_line, f.end_col, cell,
                      fix.safety.value if fix else None, fix.title if fix else None,
                      applicable(f, unsafe))


def finding_edits(source: str, finding: Finding) -> list[dict] | None:
    """Ruff-style edits for one finding's fix: line-range replacements (1-based rows,
    column 1), computed by applying that fix alone (the JSON output and the language
    server use them)."""
    try:
        new, done, _ = apply_fixes(source, [finding])
    except Exception as exc:  # an edit preview must never fail the run
        reraise_interrupt(exc)
        return None
    if not done:
        return None
    return line_edits(source, new)


def line_edits(old: str, new: str) -> list[dict]:
    """The line-range replacements that turn ``old`` into ``new`` (difflib on lines)."""
    old_lines, new_lines = split_lines(old), split_lines(new)
    edits = []
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            edits.append({"content": "".join(new_lines[j1:j2]),
                          "location": {"row": i1 + 1, "column": 1},
                          "end_location": {"row": i2 + 1, "column": 1}})
    return edits


_NO_NEWLINE = "\\ No newline at end of file\n"


def _unified(old: str, new: str, name: str) -> str:
    """A unified diff that ``patch`` and ``git apply`` accept: a last line without a line
    break is followed by the ``\\ No newline at end of file`` marker (difflib leaves the
    next header glued to it)."""
    out = []
    for line in difflib.unified_diff(split_lines(old), split_lines(new), name, name):
        if line.endswith("\n") or line.endswith("\r"):
            out.append(line)
        else:
            out.append(line + "\n" + _NO_NEWLINE)
    return "".join(out)


@dataclass
class Job:
    """One file's work, read and decided where the command runs: :func:`run_job` needs
    nothing else (no file system, no working directory), so it can run in a worker process
    or on a Dask cluster (``--scheduler``)."""

    display: str
    path: str
    data: bytes
    settings: Settings
    codes: tuple[str, ...]  # the rules that run on this file (selection, per-file ignores)
    decider: Decider
    from_stdin: bool = False
    #: Fix mode on a file that cannot be written: why (then it is only checked).
    read_only: str | None = None


def process(target_display: str, target_path: str, settings: Settings,
            stdin_data: bytes | None = None) -> FileReport:
    """One file, start to end: read it, run it, write the fixes."""
    job = prepare(target_display, target_path, settings, stdin_data)
    if isinstance(job, FileReport):
        return job
    # in this command's own process (not on a Dask worker's threads); the file's path shows
    # the model its project (not with --scheduler: the cluster may not see the files)
    with gc_paused(), checking_path(None if job.from_stdin else job.path):
        report, new_data = run_job(job)
    return complete(job, report, new_data)


def prepare(target_display: str, target_path: str, settings: Settings,
            stdin_data: bytes | None = None) -> Job | FileReport:
    """Read the file and decide what runs on it; a report when it cannot be read."""
    try:
        data = read_bytes(target_path) if stdin_data is None else stdin_data
    except SourceError as exc:  # could not be read: a finding (DSK001), as Ruff's E902
        report = FileReport(target_display)
        not_checked(report, str(exc))
        return report
    try:
        rules, decider = settings.selection.rules_for(
            None if target_display == "-" else target_display)
        read_only = None
        if settings.mode == FIX and stdin_data is None:
            read_only = _cannot_write(target_path)
    except SourceError as exc:
        return FileReport(target_display, error=str(exc))
    except Exception as exc:  # never lose the whole run to one file
        reraise_interrupt(exc)
        return FileReport(target_display, error=f"internal error: {describe(exc)}")
    return Job(target_display, target_path, data, settings, tuple(r.code for r in rules),
               decider, stdin_data is not None, read_only)


def run_job(job: Job) -> tuple[FileReport, bytes | None]:
    """Analyze and fix one file's text: its report (plain data), and the bytes to write when
    fixes changed it. The analyses' trees and models are released when the report is made
    (memory stays flat however many files a process handles)."""
    report = FileReport(job.display)
    settings = job.settings
    if job.read_only:  # report as --check would, and say why nothing was fixed
        settings = replace(settings, mode=CHECK)
    rules = [RULES_BY_CODE[code] for code in job.codes]
    handle = _process_notebook if job.display.endswith(".ipynb") else _process_python
    new_data = None
    with releasing():
        try:
            new_data = handle(report, job.data, rules, job.decider, settings, job.from_stdin)
            fixable = sum(d.fixable for d in report.diagnostics)
            if job.read_only and fixable:
                report.error = f"{job.read_only}; {fixable} fix(es) not applied"
        except SourceError as exc:  # cannot be decoded, not a notebook: not checked
            report.diagnostics = []
            not_checked(report, str(exc))
            new_data = None
        except Exception as exc:  # never lose the whole run to one file
            reraise_interrupt(exc)
            report.error = f"internal error: {describe(exc)}"
            new_data = None
    return report, new_data


def complete(job: Job, report: FileReport, new_data: bytes | None) -> FileReport:
    """Write the fixed file (atomically), where the command runs."""
    if new_data is not None:
        try:
            _write(report, job.path, new_data, job.data)
        except SourceError as exc:
            report.error = str(exc)
        except Exception as exc:
            reraise_interrupt(exc)
            report.error = f"internal error: {describe(exc)}"
    return report


def _keep(decider: Decider, findings: list[Finding]) -> list[Finding]:
    # DSK000 (an internal error) is not a rule: the selection still decides on it.
    return [f for f in findings if decider.allows(f.code)]


def _process_python(report: FileReport, data: bytes, rules, decider, settings,
                    from_stdin: bool) -> bytes | None:
    text, encoding = decode_source(data)
    mode = settings.mode
    try:
        result = fix_source(text, options=settings.options, rules=rules,
                            unsafe=settings.unsafe, apply=mode != CHECK)
    except SyntaxError as exc:
        _syntax_error(report, exc)
        if from_stdin and mode == FIX:
            report.stdout = data
        return None
    except ValueError as exc:  # source code string cannot contain null bytes
        not_checked(report, f"SyntaxError: {exc}")
        if from_stdin and mode == FIX:
            report.stdout = data
        return None
    except SourceTooLarge as exc:
        report.warnings.append(str(exc))
        if from_stdin and mode == FIX:
            report.stdout = data
        return None
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
        for d in report.diagnostics:  # Ruff: the edits of unsafe fixes too
            if d.fix_safety in ("safe", "unsafe"):
                d.edits = finding_edits(result.source, by_key[(d.code, d.line, d.col)])
    report.fixed = [FixedEntry(a.code, a.title) for a in result.applied]
    report.changed = result.changed
    if mode == DIFF and report.changed:
        # The file's own line endings (the engine works on "\n"): a diff that applies.
        newline = encoding.newline if encoding.newline not in (None, "\n") else None
        report.diff = _unified(*(t.replace("\n", newline) if newline else t
                                 for t in (result.original, result.source)), report.display)
    if from_stdin:
        if mode == FIX:
            report.stdout = new_data
        return None
    return new_data if mode == FIX and report.changed else None


def _process_notebook(report: FileReport, data: bytes, rules, decider, settings,
                      from_stdin: bool) -> bytes | None:
    text, encoding = decode_utf8(data)
    mode = settings.mode
    try:
        result = fix_notebook(text, options=settings.options, rules=rules,
                              unsafe=settings.unsafe, apply=mode != CHECK)
    except NotebookError as exc:
        raise SourceError(str(exc)) from None
    except SourceTooLarge as exc:
        report.warnings.append(str(exc))
        if from_stdin and mode == FIX:
            report.stdout = data
        return
    report.warnings.extend(result.messages)
    if result.fix is not None:
        report.warnings.extend(result.fix.warnings)
    if result.error:
        report.warnings.append(f"fixes not applied: {result.error}")
    report.diagnostics = [_diagnostic(cf.finding, settings.unsafe, cf.cell)
                          for cf in result.findings if decider.allows(cf.finding.code)]
    for cell, exc in result.syntax_errors:  # the cell was skipped, the others checked
        _syntax_error(report, exc, cell)
    if result.not_checked:
        not_checked(report, result.not_checked)
    if settings.want_json_lines and report.diagnostics:
        lines = json_lines(result.text)  # the document as written (or as it was)
        for d in report.diagnostics:
            if d.cell is not None:
                d.json_line = json_line(lines, d.cell, d.line)
                d.json_end_line = json_line(lines, d.cell, d.end_line)
    for d in report.diagnostics:
        if d.fix_safety is not None and settings.want_edits:
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
        return None
    return new_data if mode == FIX and result.changed else None


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


def _write(report: FileReport, path: str, data: bytes, original: bytes) -> None:
    try:
        write_atomic(path, data, expected=original)
    except SourceError:
        report.changed, report.fixed = False, []
        raise


def _cannot_write(path: str) -> str | None:
    try:
        check_writable(path)
    except SourceError as exc:
        return str(exc)
    return None
