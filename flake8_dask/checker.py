"""The analysis core shared by the flake8 plugin and the fix command.

source -> prefilter -> ast tree -> semantic model (one walk) -> rules -> findings.
"""

from __future__ import annotations

import ast
import gc
import re
from dataclasses import replace
from typing import Iterable, Sequence

from .findings import Finding
from .model import SemanticModel
from .options import Options
from .rules import ALL_RULES, Rule

INTERNAL_ERROR = "DSK000"
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_IMPORTS_DISTRIBUTED = re.compile(r"^[ \t]*(?:from|import)[ \t]+distributed\b", re.M)
#: The cell markers of a notebook exported as a script (``jupyter nbconvert --to script``).
_NOTEBOOK_CELL = re.compile(r"^# In\[[ 0-9]*\]:[ \t]*$", re.M)


def mentions_dask(source: str) -> bool:
    """The prefilter: a file that never names Dask cannot produce a finding."""
    return "dask" in source or _IMPORTS_DISTRIBUTED.search(source) is not None


def analyze(tree: ast.AST, source: str, options: Options | None = None,
            rules: Sequence[type[Rule]] | None = None) -> list[Finding]:
    """All findings for one module, sorted. Never raises: an internal error is DSK000."""
    if not mentions_dask(source):
        return []
    options = options or Options()
    if not options.notebook and _NOTEBOOK_CELL.search(source):
        options = replace(options, notebook=True)
    # The model allocates a few objects per node, and each allocation burst makes the cyclic
    # collector traverse the whole tree again: on a 2 MB file that was 45% of the time. The
    # analysis makes little cyclic garbage; collection resumes when it ends.
    collecting = gc.isenabled()
    gc.disable()
    try:
        findings = _run(tree, options, ALL_RULES if rules is None else rules)
        _to_character_columns(findings, source)
        return findings
    except (Exception, RecursionError) as exc:  # never crash the host
        return [internal_error(exc)]
    finally:
        if collecting:
            gc.enable()


def internal_error(exc: BaseException) -> Finding:
    detail = str(exc).splitlines()[0][:200] if str(exc) else ""
    message = (f"flake8-dask internal error: {type(exc).__name__}"
               f"{': ' + detail if detail else ''}; this file was not fully checked "
               "(please report it)")
    return Finding(INTERNAL_ERROR, message, 1, 0, 1, 0)


def _run(tree: ast.AST, options: Options, rule_classes: Iterable[type[Rule]]) -> list[Finding]:
    rule_classes = list(rule_classes)
    wanted = frozenset(t for r in rule_classes for t in r.node_types)
    model = SemanticModel(tree, options.model).build(wanted)
    by_type: dict[type, list[Rule]] = {}
    instances = [cls(model, options) for cls in rule_classes]
    for rule in instances:
        for t in rule.node_types:
            by_type.setdefault(t, []).append(rule)
    findings: list[Finding] = []
    for t, rules in by_type.items():
        for node in model.nodes.get(t, ()):
            for rule in rules:
                findings.extend(rule.check(node))
    for rule in instances:
        findings.extend(rule.finish())
    unique = {(f.line, f.col, f.code): f for f in findings}
    return sorted(unique.values(), key=Finding.sort_key)


def _to_character_columns(findings: list[Finding], source: str) -> None:
    """ast columns count UTF-8 bytes; users (and libcst) count characters."""
    if source.isascii():
        return
    # Python's own line breaks only: str.splitlines() also breaks at \f, \v, \x1c-\x1e,
    # \x85, \u2028 and \u2029, which would shift every later line.
    lines = _LINE_BREAK.split(source)

    def convert(line: int, col: int) -> int:
        if 0 < line <= len(lines):
            text = lines[line - 1]
            if not text.isascii():
                return len(text.encode("utf-8")[:col].decode("utf-8", "replace"))
        return col

    for f in findings:
        f.col = convert(f.line, f.col)
        f.end_col = convert(f.end_line, f.end_col)
