"""What the editor front ends compute on a buffer, with no LSP library: the diagnostics of a
text or of a notebook's cells, one finding's quick fix, fix-all, the ``# noqa`` edit and the
rule's documentation. The language server and the pylsp plugin both call this module.

Everything goes through the fix command's own pieces: the ``[flake8]`` section found from the
document's path (``fix.config``), flake8's selection and per-file-ignores (``fix.selection``),
``# noqa`` and the analysis (``fix.engine.fix_source``), a finding's edits
(``fix.runner.finding_edits``) and notebooks as one program (``fix.notebook.fix_notebook``).
Nothing is written to disk and nothing read is executed.

Positions are 0-based lines and columns counted in characters (code points); the front ends
convert them to the client's units. Texts are what the editor holds: line endings are made
``\\n`` for the engine and put back in the edits.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

from ..checker import INTERNAL_ERROR, checking_path, releasing
from ..findings import Finding
from ..options import Options
from ..rules import DEFAULT_OFF, RULES_BY_CODE
from ..fix.config import (ConfigError, FileConfig, comma_separated, find_config_file,
                          load_config, normalize_path, parse_per_file_ignores, validate_codes)
from ..fix.engine import FixResult, SourceTooLarge, applicable, apply_fixes, fix_source
from ..fix.engine import _parse_like as parses_like
from ..fix.noqa import NOQA_INLINE, NoqaMap
from ..fix.notebook import NotebookError, fix_notebook
from ..fix.runner import finding_edits, line_edits
from ..fix.selection import Decider, Selection
from ..fix.sourcefile import detect_newline, split_lines

SOURCE = "flake8-dask"
#: The kind of the fix-all code action (Ruff's is ``source.fixAll.ruff``).
FIX_ALL_KIND = "source.fixAll.flake8-dask"


class FixUnavailable(Exception):
    """The fix asked for cannot be computed on this text (it changed, or the fix failed)."""


@dataclass(frozen=True)
class Edit:
    """Replace the text from (line, col) to (end_line, end_col) with ``text``."""

    line: int
    col: int
    end_line: int
    end_col: int
    text: str


@dataclass(frozen=True)
class Problem:
    """One finding as plain data (what a diagnostic shows and a code action needs)."""

    code: str
    message: str
    line: int
    col: int
    end_line: int
    end_col: int
    #: Its place among the findings of the same code in the document: with the code, how a
    #: code action finds the finding again in the same text.
    ordinal: int
    fix_safety: str | None = None  # "safe" / "unsafe" / "display-only"
    fix_title: str | None = None
    cell: int | None = None  # notebooks: the position of its cell among all cells, from 1


@dataclass
class Lint:
    problems: list[Problem] = field(default_factory=list)
    #: Why the document (or some of its cells) was not checked: a syntax error, too large...
    messages: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Context:
    """The configuration that applies to one document."""

    selection: Selection = field(default_factory=Selection)
    options: Options = field(default_factory=Options)
    config_path: str | None = None
    error: str | None = None  # the configuration could not be used: defaults instead


def context_for(path: str | None) -> Context:
    """The ``[flake8]`` section flake8 would read for ``path`` (searched from its directory,
    or from the working directory for an unsaved buffer)."""
    start = os.path.dirname(os.path.abspath(path)) if path else os.getcwd()
    found = find_config_file(start)
    try:
        config = load_config(found) if found else FileConfig()
        return _context(config)
    except (ConfigError, ValueError) as exc:
        return Context(config_path=found, error=f"{found}: {exc}; using the defaults")


def kind_wanted(kind: str, only) -> bool:
    """LSP's ``context.only`` filter: a kind is wanted when it is, or is under, one of
    ``only`` (``source`` takes ``source.fixAll.flake8-dask``)."""
    if not only:
        return True
    names = [str(getattr(o, "value", o)) for o in only]
    return any(kind == name or kind.startswith(name + ".") for name in names)


def offered(p: "Problem", unsafe: bool) -> bool:
    """Whether ``p``'s fix is offered as a quick fix (unsafe ones only when enabled)."""
    return p.fix_safety == "safe" or (p.fix_safety == "unsafe" and unsafe)


def fix_title(p: "Problem") -> str:
    return (f"flake8-dask ({p.code}): {p.fix_title}"
            f"{' (unsafe)' if p.fix_safety == 'unsafe' else ''}")


def noqa_title(p: "Problem") -> str:
    return f"flake8-dask ({p.code}): Disable for this line"


FIX_ALL_TITLE = "flake8-dask: Fix all auto-fixable problems"


def _context(config: FileConfig) -> Context:
    values = config.values

    def codes(name: str) -> tuple[str, ...] | None:
        raw = values.get(name)
        if raw is None:
            return None
        return tuple(validate_codes(name.replace("_", "-"), comma_separated(raw)))

    decider = Decider(codes("select"), codes("extend_select") or (), codes("ignore"),
                      codes("extend_ignore") or (), DEFAULT_OFF)
    per_file = tuple(
        (normalize_path(pattern, config.directory),
         tuple(validate_codes("per-file-ignores", list(found))))
        for pattern, found in parse_per_file_ignores(values.get("per_file_ignores")))
    options = Options.from_mapping({k: v for k, v in values.items() if k.startswith("dask_")})
    return Context(Selection(decider, per_file), options, config.path)


def _normalized(text: str) -> tuple[str, str | None]:
    """The text with ``\\n`` line endings, and the document's own ending (``None``: mixed,
    the text is then left as it is)."""
    newline = detect_newline(text)
    if newline not in (None, "\n"):
        text = text.replace(newline, "\n")
    return text, newline


def _problems(findings: list[Finding], cells: list[int | None] | None = None
              ) -> list[Problem]:
    seen: dict[str, int] = {}
    out = []
    for i, f in enumerate(findings):
        ordinal = seen[f.code] = seen.get(f.code, -1) + 1
        fix = f.fix
        out.append(Problem(f.code, f.message, f.line - 1, f.col, f.end_line - 1, f.end_col,
                           ordinal, fix.safety.value if fix else None,
                           fix.title if fix else None, cells[i] if cells else None))
    return out


def _findings(text: str, path: str | None, ctx: Context) -> list[Finding]:
    """The findings flake8 would report (selection, per-file-ignores and noqa applied).
    Raises SyntaxError / ValueError (does not parse) and SourceTooLarge."""
    rules, decider = ctx.selection.rules_for(path)
    result = fix_source(text, options=ctx.options, rules=rules, apply=False)
    return [f for f in result.remaining if decider.allows(f.code)]


def lint(text: str, path: str | None, ctx: Context) -> Lint:
    """The diagnostics of a Python text. A text that does not parse has none (flake8's E999
    is another tool's business): the last good ones are cleared, not kept stale."""
    text, _ = _normalized(text)
    try:
        with releasing(), checking_path(path):
            return Lint(_problems(_findings(text, path, ctx)))
    except SyntaxError as exc:
        return Lint(messages=[f"not checked: syntax error at line {exc.lineno}: {exc.msg}"])
    except ValueError as exc:  # null bytes
        return Lint(messages=[f"not checked: {exc}"])
    except SourceTooLarge as exc:
        return Lint(messages=[str(exc)])


def quick_fix(text: str, path: str | None, ctx: Context, code: str, ordinal: int,
              unsafe: bool) -> list[Edit]:
    """The edits of one finding's fix (the fix applied alone, as the JSON output does)."""
    text, newline = _normalized(text)
    try:
        with releasing(), checking_path(path):
            finding = _pick(_findings(text, path, ctx), code, ordinal)
            if not applicable(finding, unsafe):
                raise FixUnavailable(f"{code} has no fix applicable here")
            edits = finding_edits(text, finding)
    except (SyntaxError, ValueError, SourceTooLarge) as exc:
        raise FixUnavailable(f"the document cannot be fixed now: {exc}") from None
    if not edits:
        raise FixUnavailable(f"the fix for {code} could not be applied")
    new = _apply_line_edits(text, edits)
    _check_parses(new, text, code)
    return _narrow_all(text, new, newline)


def fix_all(text: str, path: str | None, ctx: Context, unsafe: bool) -> list[Edit]:
    """The edits of the fix command on this text (every applicable fix, to a fixed point)."""
    text, newline = _normalized(text)
    rules, decider = ctx.selection.rules_for(path)
    rules = [r for r in rules if decider.allows(r.code)]
    try:
        with releasing(), checking_path(path):
            result = fix_source(text, options=ctx.options, rules=rules, unsafe=unsafe)
    except (SyntaxError, ValueError, SourceTooLarge) as exc:
        raise FixUnavailable(f"the document cannot be fixed now: {exc}") from None
    if result.error:
        raise FixUnavailable(result.error)
    return _narrow_all(text, result.source, newline)


def _pick(findings: list[Finding], code: str, ordinal: int) -> Finding:
    same = [f for f in findings if f.code == code]
    if not 0 <= ordinal < len(same):
        raise FixUnavailable(f"{code} is no longer reported here")
    return same[ordinal]


def _check_parses(new: str, old: str, code: str) -> None:
    """The fix command keeps a fix only if the result parses and compiles (unless the text
    before did not compile either): so does a quick fix."""
    try:
        parses_like(new, old)
    except (SyntaxError, ValueError):
        raise FixUnavailable(f"the fix for {code} would not parse; not offered") from None


def _apply_line_edits(text: str, edits: list[dict]) -> str:
    lines = split_lines(text)
    for edit in sorted(edits, key=lambda e: e["location"]["row"], reverse=True):
        start, end = edit["location"]["row"] - 1, edit["end_location"]["row"] - 1
        lines[start:end] = [edit["content"]]
    return "".join(lines)


def _narrow_all(old: str, new: str, newline: str | None) -> list[Edit]:
    """Minimal edits from ``old`` to ``new``: the changed line ranges, each trimmed of the
    characters it leaves as they were."""
    starts = [0]
    for line in split_lines(old):
        starts.append(starts[-1] + len(line))
    out = []
    for edit in line_edits(old, new):
        first, last = edit["location"]["row"] - 1, edit["end_location"]["row"] - 1
        begin, end = starts[min(first, len(starts) - 1)], starts[min(last, len(starts) - 1)]
        before, after = old[begin:end], edit["content"]
        prefix = len(os.path.commonprefix([before, after]))
        suffix = len(os.path.commonprefix([before[prefix:][::-1], after[prefix:][::-1]]))
        replacement = after[prefix:len(after) - suffix]
        if newline not in (None, "\n"):
            replacement = replacement.replace("\n", newline)
        out.append(Edit(*_position(old, starts, begin + prefix),
                        *_position(old, starts, end - suffix), replacement))
    return out


def _position(text: str, starts: list[int], offset: int) -> tuple[int, int]:
    """(line, column) of a character offset; ``starts`` are the lines' offsets."""
    import bisect

    line = bisect.bisect_right(starts, offset) - 1
    if line >= len(starts) - 1 and starts[-1] == offset and offset and text[-1] != "\n":
        line = len(starts) - 2  # the end of a last line without a line break
    return line, offset - starts[line]


def noqa_edit(text: str, line: int, code: str) -> Edit | None:
    """Add ``code`` to the ``# noqa`` of the line that silences a finding on ``line``
    (flake8 reads a noqa on any line of the tokens the line belongs to: a comment cannot go
    inside a multi-line string, so it goes at the end of its last line). ``None`` when
    the code is already silenced."""
    text, newline = _normalized(text)
    lines = split_lines(text)
    if not 0 <= line < len(lines):
        return None
    noqa = NoqaMap(text)
    if noqa.silences(code, line + 1):
        return None
    target = _last_line_of_logical_run(text, line)
    body = lines[target].rstrip("\r\n")
    match = NOQA_INLINE.search(body)
    if match is not None and match.group("codes"):
        codes = match.group("codes").rstrip(", \t")
        end = match.start("codes") + len(codes)
        edit = Edit(target, end, target, end, f", {code}")
    else:
        stripped = len(body.rstrip())
        edit = Edit(target, stripped, target, len(body), f"  # noqa: {code}")
    new_lines = list(lines)
    new_lines[target] = body[:edit.col] + edit.text + body[edit.end_col:] + \
        lines[target][len(body):]
    if not NoqaMap("".join(new_lines)).silences(code, line + 1):
        return None  # a comment there would not silence it (a backslash continuation...)
    return edit


def _last_line_of_logical_run(text: str, line: int) -> int:
    """The last line (0-based) of the run of tokens, up to a NEWLINE/NL token, that holds
    ``line``: the lines flake8's noqa mapping treats as one."""
    import io
    import tokenize

    try:
        tokens = tokenize.generate_tokens(io.StringIO(text).readline)
        lo = hi = None
        for tok in tokens:
            if tok.type in (tokenize.ENDMARKER, tokenize.DEDENT):
                continue
            lo = tok.start[0] if lo is None else min(lo, tok.start[0])
            hi = tok.end[0] if hi is None else max(hi, tok.end[0])
            if tok.type in (tokenize.NL, tokenize.NEWLINE):
                if lo <= line + 1 <= hi:
                    return hi - 1
                lo = hi = None
    except (tokenize.TokenError, SyntaxError, IndentationError):
        pass
    return line


def explain(code: str) -> str:
    """The rule's documentation, as ``--explain`` prints it."""
    from ..fix.output import explain as rule_documentation

    rule = RULES_BY_CODE.get(code)
    if rule is None:
        if code == INTERNAL_ERROR:
            return (f"# {INTERNAL_ERROR} internal-error\n\nflake8-dask failed on this file "
                    "(a bug in a rule); the file was not fully checked. Please report it.\n")
        return f"# {code}\n\nNo documentation.\n"
    return rule_documentation(rule)


def rule_href(code: str) -> str | None:
    """Where the rule's documentation lives online (``None`` until the project has one)."""
    from ..fix import output

    try:
        return output.rule_url(code)
    except Exception:  # noqa: BLE001 - a link is never worth a failed request
        return None


# ---------------------------------------------------------------- notebooks
@dataclass(frozen=True)
class Cell:
    text: str
    code: bool = True  # a markup cell is kept for the numbering, never checked


def _notebook_json(cells: list[Cell]) -> str:
    return json.dumps({
        "cells": [{"cell_type": "code" if c.code else "markdown", "metadata": {},
                   "source": _normalized(c.text)[0],
                   **({"outputs": [], "execution_count": None} if c.code else {})}
                  for c in cells],
        "metadata": {"language_info": {"name": "python"}},
        "nbformat": 4, "nbformat_minor": 5})


def lint_notebook(cells: list[Cell], path: str | None, ctx: Context) -> Lint:
    """The diagnostics of a notebook's cells, analysed together as one program (the fix
    command's notebook support); a cell that does not parse is skipped with a message."""
    rules, decider = ctx.selection.rules_for(path)
    try:
        with releasing(), checking_path(path):
            result = fix_notebook(_notebook_json(cells), options=ctx.options, rules=rules,
                                  apply=False)
            kept = [cf for cf in result.findings if decider.allows(cf.finding.code)]
            lint = Lint(_problems([cf.finding for cf in kept], [cf.cell for cf in kept]))
    except (NotebookError, SourceTooLarge) as exc:
        return Lint(messages=[str(exc)])
    lint.messages.extend(result.messages)
    lint.messages.extend(f"cell {cell} not checked: syntax error at line {exc.lineno}: "
                         f"{exc.msg}" for cell, exc in result.syntax_errors)
    if result.error:
        lint.messages.append(result.error)
    return lint


def notebook_quick_fix(cells: list[Cell], path: str | None, ctx: Context, code: str,
                       ordinal: int, unsafe: bool) -> dict[int, list[Edit]]:
    """One finding's fix in a notebook: the edits by cell (position from 1)."""
    rules, decider = ctx.selection.rules_for(path)

    def one_fix(combined: str, *, options, rules, unsafe, apply) -> FixResult:
        result = fix_source(combined, options=options, rules=rules, apply=False)
        finding = _pick([f for f in result.remaining if decider.allows(f.code)], code,
                        ordinal)
        if not applicable(finding, unsafe):
            raise FixUnavailable(f"{code} has no fix applicable here")
        new, done, _ = apply_fixes(combined, [finding])
        if not done:
            raise FixUnavailable(f"the fix for {code} could not be applied")
        _check_parses(new, combined, code)
        return FixResult(source=new, original=combined, remaining=result.remaining)

    return _notebook_edits(cells, path, ctx, rules, unsafe, one_fix)


def notebook_fix_all(cells: list[Cell], path: str | None, ctx: Context,
                     unsafe: bool) -> dict[int, list[Edit]]:
    rules, decider = ctx.selection.rules_for(path)
    rules = [r for r in rules if decider.allows(r.code)]
    return _notebook_edits(cells, path, ctx, rules, unsafe, fix_source)


def _notebook_edits(cells, path, ctx, rules, unsafe, fixer) -> dict[int, list[Edit]]:
    document = _notebook_json(cells)
    try:
        with releasing(), checking_path(path):
            result = fix_notebook(document, options=ctx.options, rules=rules, unsafe=unsafe,
                                  fixer=fixer)
    except (NotebookError, SourceTooLarge, SyntaxError, ValueError) as exc:
        raise FixUnavailable(f"the notebook cannot be fixed now: {exc}") from None
    if result.error:
        raise FixUnavailable(result.error)
    new_cells = json.loads(result.text)["cells"]
    edits = {}
    for i, (cell, new) in enumerate(zip(cells, new_cells)):
        old_text, newline = _normalized(cell.text)
        new_text = new["source"] if isinstance(new["source"], str) else "".join(new["source"])
        if cell.code and new_text != old_text:
            edits[i + 1] = _narrow_all(old_text, new_text, newline)
    return edits
