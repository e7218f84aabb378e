"""How the fix command prints findings: flake8's text format, and Ruff's JSON, GitHub and
SARIF formats; statistics, the list of fixes, the summary, and ``--explain``."""

from __future__ import annotations

import inspect
import json
import os
from collections import Counter
from pathlib import Path
from typing import Iterable

from .. import __version__
from ..docs import fix_label
from ..rules import RULES_BY_CODE, Rule
from .runner import Diagnostic, FileReport

TOOL = "flake8-dask"
#: Where a rule's documentation lives, ``{code}`` / ``{name}`` filled in. ``None`` until the
#: project publishes its rules reference: the JSON ``url`` field is then null.
RULE_URL: str | None = None
FORMATS = ("text", "json", "github", "sarif")


def location(report: FileReport, d: Diagnostic) -> str:
    """``path:line:col`` (1-based column), ``nb.ipynb:cell N:line:col`` in a notebook."""
    cell = f"cell {d.cell}:" if d.cell is not None else ""
    return f"{report.display}:{cell}{d.line}:{d.col + 1}"


def text_line(report: FileReport, d: Diagnostic) -> str:
    marker = "[*] " if d.fixable else ""
    return f"{location(report, d)}: {d.code} {marker}{d.message}"


def rule_url(code: str) -> str | None:
    rule = RULES_BY_CODE.get(code)
    if RULE_URL is None or rule is None:
        return None
    return RULE_URL.format(code=code, name=rule.name)


def _ordered(reports: Iterable[FileReport]):
    for report in reports:
        for d in sorted(report.diagnostics, key=lambda d: (d.cell or 0, d.line, d.col, d.code)):
            yield report, d


def render_text(reports: list[FileReport]) -> str:
    return "".join(text_line(r, d) + "\n" for r, d in _ordered(reports))


def render_json(reports: list[FileReport]) -> str:
    items = []
    for r, d in _ordered(reports):
        fix = None
        if d.fix_safety is not None and d.fix_safety != "display-only":
            fix = {"applicability": d.fix_safety, "message": d.fix_title,
                   "edits": d.edits if d.edits is not None else []}
        items.append({
            "cell": d.cell,
            "code": d.code,
            "end_location": {"column": d.end_col + 1, "row": d.end_line},
            "filename": r.display if r.display == "-" else os.path.abspath(r.display),
            "fix": fix,
            "location": {"column": d.col + 1, "row": d.line},
            "message": d.message,
            "noqa_row": d.line,
            "url": rule_url(d.code),
        })
    return json.dumps(items, indent=2) + "\n"


def _github_escape(value: str, *, property_value: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def render_github(reports: list[FileReport]) -> str:
    lines = []
    for r, d in _ordered(reports):
        props = ",".join([
            f"title={_github_escape(f'{TOOL} ({d.code})', property_value=True)}",
            f"file={_github_escape(r.display, property_value=True)}",
            f"line={d.line}", f"col={d.col + 1}",
            f"endLine={d.end_line}", f"endColumn={d.end_col + 1}",
        ])
        lines.append(f"::error {props}::{_github_escape(text_line(r, d))}\n")
    return "".join(lines)


def render_sarif(reports: list[FileReport]) -> str:
    used = sorted({d.code for _, d in _ordered(reports)})
    rules = []
    for code in used:
        rule = RULES_BY_CODE.get(code)
        entry = {"id": code}
        if rule is not None:
            entry.update({
                "name": rule.name,
                "shortDescription": {"text": rule.summary() or rule.name},
                "fullDescription": {"text": inspect.cleandoc(rule.__doc__ or "")},
                "properties": {"fix": fix_label(rule) if rule.fixes else None},
            })
            if rule_url(code):
                entry["helpUri"] = rule_url(code)
        rules.append(entry)
    results = []
    for r, d in _ordered(reports):
        uri = r.display if r.display == "-" else Path(os.path.abspath(r.display)).as_uri()
        message = d.message if d.cell is None else f"cell {d.cell}: {d.message}"
        results.append({
            "ruleId": d.code,
            "ruleIndex": used.index(d.code),
            "level": "error",
            "message": {"text": f"{d.code} {message}"},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": uri},
                "region": {"startLine": d.line, "startColumn": d.col + 1,
                           "endLine": d.end_line, "endColumn": d.end_col + 1},
            }}],
        })
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": TOOL, "version": __version__,
                                      "rules": rules}},
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
        rule = RULES_BY_CODE.get(code)
        name = rule.name if rule is not None else "internal-error"
        lines.append(f"{n:>5}\t{code}\t{'[*] ' if code in fixable else ''}{name}\n")
    return "".join(lines)


def render_fixes(reports: list[FileReport], *, applied: bool) -> str:
    """The fixes made (or that would be made), by file."""
    changed = [r for r in reports if r.fixed]
    if not changed:
        return ""
    total = sum(len(r.fixed) for r in changed)
    verb = "Fixed" if applied else "Would fix"
    out = [f"{verb} {total} error{'s' if total != 1 else ''}:\n"]
    for r in changed:
        out.append(f"- {r.display}:\n")
        for (code, title), n in sorted(Counter((f.code, f.title) for f in r.fixed).items()):
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
