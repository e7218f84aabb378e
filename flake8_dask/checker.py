"""The analysis core shared by the flake8 plugin and the fix command.

source -> prefilter -> ast tree -> semantic model (one walk) -> rules -> findings.
"""

from __future__ import annotations

import ast
import gc
import re
import threading
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import replace
from typing import Iterable, Iterator, Sequence

from .findings import Finding
from .model import SemanticModel
from .options import Options
from .rules import ALL_RULES, Rule

INTERNAL_ERROR = "DSK000"
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_IMPORTS_DISTRIBUTED = re.compile(r"^[ \t]*(?:from|import)[ \t]+distributed\b", re.M)
#: The cell markers of a notebook exported as a script (``jupyter nbconvert --to script``).
_NOTEBOOK_CELL = re.compile(r"^# In\[[ 0-9]*\]:[ \t]*$", re.M)


_local = threading.local()


@contextmanager
def releasing() -> Iterator[list]:
    """Analyses run in this block (in this thread) break their reference cycles when it
    ends: a model's scopes and bindings point at each other (and at the tree's nodes), which
    left alone is freed only by the cyclic garbage collector, at a cost that grows with
    everything else alive in the process. Use it around the whole life of the findings
    (fixes need the model): the findings then keep positions and messages only.

    The tree itself holds nothing of the model (parents and scopes are in the model's own
    tables), so flake8 frees it by reference counting, as without the plugin. When they
    were attributes of the nodes, every tree was cyclic garbage until a pass cut them
    (measured on the dask + distributed trees: the collector's full passes took 2.2 times
    as long).

    It yields the analyses it holds: :func:`release` and :func:`hand_over` let a caller end
    some sooner (the fix engine, whose passes supersede each other's analyses)."""
    stack = _local.__dict__.setdefault("models", [])
    stack.append([])
    try:
        yield stack[-1]
    finally:
        release(stack.pop())


def release(held: list) -> None:
    """Release now the analyses ``held`` (what :func:`releasing` yields, or a part of it)."""
    for model, rules in held:
        model.release()
        for rule in rules:  # a rule may keep its findings, which point back at it
            vars(rule).clear()
    held.clear()


def hand_over(held: list) -> None:
    """Give the analyses ``held`` to the innermost open :func:`releasing` block (left to the
    garbage collector when none is open)."""
    stack = getattr(_local, "models", None)
    if stack:
        stack[-1].extend(held)
    held.clear()


_gc_lock = threading.Lock()
_gc_pausers = 0
_gc_resume = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector paused for this block, for an analysis inside
    :func:`releasing`: it leaves no reference cycle (tests/test_dispatch.py), so a collection
    would find nothing, yet the objects it allocates would trigger collections of everything
    else alive in the process (in flake8, its whole state). Re-enabled (when it was) by the
    last block to end, whatever the threads."""
    global _gc_pausers, _gc_resume
    with _gc_lock:
        if _gc_pausers == 0:
            _gc_resume = gc.isenabled()
            gc.disable()
        _gc_pausers += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pausers -= 1
            if _gc_pausers == 0 and _gc_resume:
                gc.enable()


def mentions_dask(source: str) -> bool:
    """The prefilter: a file that never names Dask cannot produce a finding."""
    return "dask" in source or (
        "distributed" in source and _IMPORTS_DISTRIBUTED.search(source) is not None)


#: The path of the file the analyses in this context check, for a front end that cannot
#: hand it to :func:`analyze` itself (the fix command, through its engine): see
#: :func:`checking_path`.
_checked_path: ContextVar[str | None] = ContextVar("flake8_dask_checked_path", default=None)


@contextmanager
def checking_path(path: str | None) -> Iterator[None]:
    """Analyses in this block that are given no ``path`` check the file at ``path`` (None:
    no file, as standard input)."""
    token = _checked_path.set(path)
    try:
        yield
    finally:
        _checked_path.reset(token)


def analyze(tree: ast.AST, source: str, options: Options | None = None,
            rules: Sequence[type[Rule]] | None = None, *,
            path: str | None = None) -> list[Finding]:
    """All findings for one module, sorted. Never raises: an internal error is DSK000.

    ``path``: the checked file's path (also from :func:`checking_path`), from which the
    model sees the other modules of its project (read lazily, only when a rule's question
    needs them); None, or standard input, checks the file on its own."""
    if not mentions_dask(source):
        return []
    options = options or Options()
    path = path if path is not None else _checked_path.get()
    project = None
    if path is not None:
        # imported here, not with the plugin: a run over files without Dask never loads it
        from .project import project_view
        project = project_view(path, options)
    if not options.notebook:
        if "# In[" in source and _NOTEBOOK_CELL.search(source):
            options = replace(options, notebook=True, cell_marker=_NOTEBOOK_CELL.pattern)
        elif "get_ipython(" in source:  # runs only in IPython: a notebook exported bare
            options = replace(options, notebook=True)
    # The model allocates a few objects per node, and each allocation burst makes the cyclic
    # collector traverse the whole tree again: on a 2 MB file that was 45% of the time. The
    # analysis makes little cyclic garbage; collection resumes when it ends.
    collecting = gc.isenabled()
    gc.disable()
    try:
        findings = _run(tree, source, options, ALL_RULES if rules is None else rules, project)
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


def _run(tree: ast.AST, source: str, options: Options,
         rule_classes: Iterable[type[Rule]], project=None) -> list[Finding]:
    rule_classes = list(rule_classes)
    wanted = frozenset(t for r in rule_classes for t in r.node_types)
    model = SemanticModel(tree, options, source, project)
    instances: list[Rule] = []
    open_blocks = getattr(_local, "models", None)
    if open_blocks:
        open_blocks[-1].append((model, instances))
    model.build(wanted)
    by_type: dict[type, list[Rule]] = {}
    instances.extend(cls(model, options) for cls in rule_classes)
    for rule in instances:
        for t in rule.node_types:
            by_type.setdefault(t, []).append(rule)
    findings: list[Finding] = []
    extend = findings.extend
    for t, rules in by_type.items():
        nodes = model.nodes.get(t, ())
        if t is ast.Call and any(r.call_names is not None for r in rules):
            _dispatch_calls(model, nodes, rules, extend)
            continue
        if t is ast.Attribute:
            for rule in rules:  # by name: a third of all nodes, nearly all of no interest
                names = rule.attribute_names
                for node in (nodes if names is None else
                             [n for n in nodes if n.attr in names]):
                    extend(rule.check(node))
            continue
        for node in nodes:
            for rule in rules:
                extend(rule.check(node))
    for rule in instances:
        extend(rule.finish())
    unique = {(f.line, f.col, f.code): f for f in findings}
    return sorted(unique.values(), key=Finding.sort_key)


#: rule classes (with their filters) -> callee key -> the positions of the rules that take
#: the call, each with whether it takes it only if it is an entry point. Shared by all files.
_CALL_PLANS: dict[tuple, dict] = {}


def _dispatch_calls(model: SemanticModel, calls, rules: list[Rule], extend) -> None:
    """Hand each call to the rules that can match it, in the rules' order: by callee name
    (``Rule.call_names``; rules without it get every call), and entry points to the rules
    that want them (``Rule.entry_points``)."""
    classes = tuple(type(r) for r in rules)
    signature = tuple((cls, cls.call_names, cls.entry_points) for cls in classes)
    plans = _CALL_PLANS.get(signature)
    if plans is None or len(plans) > 100_000:
        plans = _CALL_PLANS[signature] = {}
    aliases = model.alias_names
    entry_point = model.entry_point
    for node in calls:
        func = node.func
        t = type(func)
        # the key: the callee's name, or all its names (model.callee_names) for an alias
        if t is ast.Attribute:
            key = func.attr
        elif t is ast.Name:
            key = func.id
            if key in aliases:
                key = model.callee_names(node)
                if len(key) == 1:
                    key = key[0]
        else:
            key = None
        plan = plans.get(key)
        if plan is None:
            plan = plans[key] = _plan(classes, key if type(key) is tuple else (key,))
        is_entry = None
        for i, if_entry in plan:
            if if_entry:
                if is_entry is None:
                    is_entry = entry_point(node) is not None
                if not is_entry:
                    continue
            extend(rules[i].check(node))


def _plan(classes, names) -> tuple[tuple[int, bool], ...]:
    plan = []
    for i, cls in enumerate(classes):
        wanted = cls.call_names
        if wanted is None or any(n in wanted for n in names):
            plan.append((i, False))
        elif cls.entry_points:
            plan.append((i, True))
    return tuple(plan)


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
