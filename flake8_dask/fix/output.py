"""How the fix command prints findings: flake8's text format, and Ruff's JSON, GitHub and
SARIF formats; statistics, the list of fixes, the summary, and ``--explain``.

- JSON has Ruff's fields and meaning (tests/data/ruff-output.json is a recorded Ruff output
  the test compares against, field by field): ``name``, ``severity`` (always ``error``, as
  Ruff), ``url`` (the rule's section of the reference), and a fix's ``edits`` whatever its
  applicability (``unsafe`` edits are listed even without ``--unsafe-fixes``: the
  applicability says whether they were applied). Edits replace whole lines (1-based rows,
  column 1). In a notebook, ``cell`` is the cell number and rows are cell-relative, as in
  Ruff; the edits of a notebook's fixes are not mapped into cells (an empty list).
- SARIF 2.1.0: each rule with its one-line ``shortDescription``, its whole documentation as
  ``fullDescription``, ``helpUri``; each result with its ``fixes`` (``artifactChanges``
  with the replacements of the JSON edits). A notebook result's region is the lines of the
  ``.ipynb`` JSON that hold the code (what a SARIF viewer shows on the stored file), and the
  cell and cell-relative position are in the result's ``properties``.
- github: see :func:`render_github` for notebooks.
"""

from __future__ import annotations

import inspect
import json
import os
from collections import Counter
from pathlib import Path
from typing import Iterable

from .. import HOMEPAGE, __version__
from ..docs import find, fix_label
from ..docs import rule_url as documentation_url
from ..rules import Rule
from . import terminal
from .runner import Diagnostic, FileReport

TOOL = "flake8-dask"
FORMATS = ("text", "json", "github", "sarif")


def location(report: FileReport, d: Diagnostic) -> str:
    """``path:line:col`` (1-based column), ``nb.ipynb:cell N:line:col`` in a notebook."""
    cell = f"cell {d.cell}:" if d.cell is not None else ""
    return f"{report.display}:{cell}{d.line}:{d.col + 1}"


def text_line(report: FileReport, d: Diagnostic, color: bool = False) -> str:
    marker = "[*] " if d.fixable else ""
    if color:
        return terminal.colored(location(report, d), d.code, marker, d.message)
    return f"{location(report, d)}: {d.code} {marker}{d.message}"


def rule_url(code: str) -> str | None:
    """The rule's (or code's) section of the rules reference."""
    rule = find(code)
    return documentation_url(rule) if rule is not None and rule.code == code else None


def rule_name(code: str) -> str | None:
    rule = find(code)
    return rule.name if rule is not None and rule.code == code else None


def _ordered(reports: Iterable[FileReport]):
    for report in reports:
        for d in sorted(report.diagnostics, key=lambda d: (d.cell or 0, d.line, d.col, d.code)):
            yield report, d


def render_text(reports: list[FileReport], color: bool = False) -> str:
    return "".join(text_line(r, d, color) + "\n" for r, d in _ordered(reports))


def _filename(r: FileReport) -> str:
    return r.display if r.display == "-" else os.path.abspath(r.display)


def render_json(reports: list[FileReport]) -> str:
    items = []
    for r, d in _ordered(reports):
        fix = None
        if d.fix_safety is not None:  # Ruff: "safe", "unsafe" or "display-only"
            fix = {"applicability": d.fix_safety,
                   "edits": d.edits if d.edits is not None else [],
                   "message": d.fix_title}
        items.append({
            "cell": d.cell,
            "code": d.code,
            "end_location": {"column": d.end_col + 1, "row": d.end_line},
            "filename": _filename(r),
            "fix": fix,
            "location": {"column": d.col + 1, "row": d.line},
            "message": d.message,
            "name": rule_name(d.code),
            # the line where `# noqa` silences it (none for a file that was not checked)
            "noqa_row": None if d.code in _NOT_RULES else d.line,
            "severity": "error",
            "url": rule_url(d.code),
        })
    return json.dumps(items, indent=2) + "\n"


_NOT_RULES = ("DSK000", "DSK001")


def _github_escape(value: str, *, property_value: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def render_github(reports: list[FileReport]) -> str:
    """GitHub workflow commands (``::error file=...,line=...::message``).

    A notebook: GitHub places an annotation on a line of the file as it is stored (the
    Files changed tab and the file view show the ``.ipynb`` JSON), and has no notion of
    cells, so a cell-relative line would land on the wrong line of the JSON. The annotation
    is put on the JSON lines that hold the code (``line``/``endLine``, without columns,
    which are the cell's), and the cell and its line go into the title and the message."""
    lines = []
    for r, d in _ordered(reports):
        title = f"{TOOL} ({d.code})"
        if d.cell is not None:
            title += f" cell {d.cell}, line {d.line}"
            where = [f"line={d.json_line or 1}", f"endLine={d.json_end_line or 1}"]
        else:
            where = [f"line={d.line}", f"col={d.col + 1}",
                     f"endLine={d.end_line}", f"endColumn={d.end_col + 1}"]
        props = ",".join([f"title={_github_escape(title, property_value=True)}",
                          f"file={_github_escape(r.display, property_value=True)}", *where])
        lines.append(f"::error {props}::{_github_escape(text_line(r, d))}\n")
    return "".join(lines)


def one_line(rule) -> str:
    """The first line of a rule's docstring (``Waiting on futures inside a task without
    seceding.``), else the first sentence of its "What it does"."""
    first = inspect.cleandoc(rule.__doc__ or "").partition("\n")[0].strip()
    if first and not first.startswith("#"):
        return first
    text = " ".join((rule.summary() or rule.name).split())
    end = text.find(". ")
    return text[:end + 1] if 0 < end else text


def _sarif_fix(uri: str, d: Diagnostic) -> dict | None:
    if d.fix_safety is None or d.edits is None or d.cell is not None:
        return None
    replacements = []
    for edit in d.edits:
        start, end = edit["location"], edit["end_location"]
        replacements.append({
            "deletedRegion": {"startLine": start["row"], "startColumn": start["column"],
                              "endLine": end["row"], "endColumn": end["column"]},
            "insertedContent": {"text": edit["content"]}})
    if not replacements:
        return None
    return {"description": {"text": f"{d.fix_title} ({d.fix_safety} fix)"},
            "artifactChanges": [{"artifactLocation": {"uri": uri},
                                 "replacements": replacements}]}


def render_sarif(reports: list[FileReport]) -> str:
    used = sorted({d.code for _, d in _ordered(reports)})
    rules = []
    for code in used:
        rule = find(code)
        entry = {"id": code}
        if rule is not None and rule.code == code:
            entry.update({
                "name": rule.name,
                "shortDescription": {"text": one_line(rule)},
                "fullDescription": {"text": inspect.cleandoc(rule.__doc__ or ""),
                                    "markdown": inspect.cleandoc(rule.__doc__ or "")},
                "helpUri": documentation_url(rule),
                "defaultConfiguration": {"level": "error",
                                         "enabled": bool(rule.default_enabled)},
                "properties": {"fix": fix_label(rule) if rule.fixes else None},
            })
        rules.append(entry)
    results = []
    for r, d in _ordered(reports):
        uri = r.display if r.display == "-" else Path(os.path.abspath(r.display)).as_uri()
        if d.cell is None:
            region = {"startLine": d.line, "startColumn": d.col + 1,
                      "endLine": d.end_line, "endColumn": d.end_col + 1}
            message = d.message
        else:  # the lines of the .ipynb JSON; the cell's own position in the properties
            region = {"startLine": d.json_line or 1, "endLine": d.json_end_line or 1}
            message = f"cell {d.cell}, line {d.line}: {d.message}"
        result = {
            "ruleId": d.code,
            "ruleIndex": used.index(d.code),
            "level": "error",
            "message": {"text": f"{d.code} {message}"},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri},
                                                "region": region}}],
        }
        if d.cell is not None:
            result["properties"] = {"cell": d.cell, "cellLine": d.line,
                                    "cellColumn": d.col + 1, "cellEndLine": d.end_line,
                                    "cellEndColumn": d.end_col + 1}
        fix = _sarif_fix(uri, d)
        if fix is not None:
            result["fixes"] = [fix]
        results.append(result)
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": TOOL, "version": __version__,
                                      "informationUri": HOMEPAGE, "rules": rules}},
                  "results": results}],
    }
    return json.dumps(sarif, indent=2) + "\n"


RENDERERS = {"text": render_text, "json": render_json, "github": render_github,
             "sarif": render_sarif}


def render_statistics(reports: list[FileReport]) -> str:
    """``count  CODE  [*] rule-name``, most frequent first."""
    counts = Counter(d.code for _, d in _ordered(reports))
    fixable = {d.code for _, d in _ordered(reports) if d.fixable}
    lines = []
    for code, n in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        name = rule_name(code) or "unknown"
        lines.append(f"{n:>5}\t{code}\t{'[*] ' if code in fixable else ''}{name}\n")
    return "".join(lines)


def render_fixes(reports: list[FileReport], *, applied: bool, check: bool = False) -> str:
    """The fixes made (or that would be made), by file. With ``check`` (report only,
    nothing applied), the fixes of the findings fixable at the chosen level."""
    def fixes(r: FileReport):
        if check:
            return [(d.code, d.fix_title) for d in r.diagnostics if d.fixable]
        return [(f.code, f.title) for f in r.fixed]

    changed = [(r, fixes(r)) for r in reports if fixes(r)]
    if not changed:
        return ""
    total = sum(len(f) for _, f in changed)
    verb = "Fixed" if applied else "Would fix"
    out = [f"{verb} {total} error{'s' if total != 1 else ''}:\n"]
    for r, entries in changed:
        out.append(f"- {r.display}:\n")
        for (code, title), n in sorted(Counter(entries).items()):
            out.append(f"    {n} × {code} ({title})\n")
    return "".join(out)


def render_summary(reports: list[FileReport], *, mode: str, unsafe: bool,
                   command: str = "python -m flake8_dask.fix") -> str:
    remaining = sum(len(r.diagnostics) for r in reports)
    fixed = sum(len(r.fixed) for r in reports)
    fixable = sum(d.fixable for r in reports for d in r.diagnostics)
    hidden = sum(1 for r in reports for d in r.diagnostics
                 if d.fix_safety == "unsafe" and not d.fixable)
    lines = []
    if mode == "fix":
        if remaining or fixed:
            found = remaining + fixed
            lines.append(f"Found {found} error{'s' if found != 1 else ''} "
                         f"({fixed} fixed, {remaining} remaining).")
    elif remaining:
        lines.append(f"Found {remaining} error{'s' if remaining != 1 else ''}.")
        if fixable:
            lines.append(f"[*] {fixable} fixable with `{command}`"
                         f"{' --unsafe-fixes' if unsafe else ''}.")
    if hidden:
        lines.append(f"({hidden} hidden fix{'es' if hidden != 1 else ''} can be enabled "
                     "with the `--unsafe-fixes` option.)")
    return "".join(line + "\n" for line in lines)


def explain(rule: type[Rule]) -> str:
    """The rule's documentation, the same text docs/rules.md is generated from."""
    from ..docs import explain as rule_documentation

    return rule_documentation(rule)
