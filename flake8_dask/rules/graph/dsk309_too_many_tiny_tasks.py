"""DSK309: one task per item of a huge ``range``."""

from __future__ import annotations

import ast
from typing import Iterator

from ...findings import Finding
from ...model import LOOP_NODES, literal_int
from ...model import vocabulary as V
from ..base import Rule, last_names
from ._labels import api_label
from ._loops import SCOPE_NODES, loop_label, range_length

_BAG_SEQUENCE_NAMES = last_names(V.BAG_SEQUENCE_FUNCTIONS)


class TooManyTinyTasks(Rule):
    """One task per item of a huge `range`.

    ## What it does
    Finds `delayed(f)(...)`, calls of `@delayed` functions and `client.submit(...)` inside
    loops or comprehensions over `range(N)` with literal bounds, where the loops together
    run at least `dask-tiny-task-count` times (100,000 by default); `client.map(f, range(N))`
    with such an N; and `db.from_sequence(...)` with at least that many partitions
    (`npartitions=N`, or `partition_size=` over a literal `range`). A loop with several task
    calls is reported once, on the first, with the tasks of all of them.

    ## Why is this bad?
    Every task costs the scheduler roughly 200 µs to 1 ms of overhead (Dask docs), whatever
    the work inside it. A million one-item tasks spend minutes to hours in bookkeeping, and
    the graph itself can overwhelm the scheduler's memory long before any real work is done.

    ## Example
    ```python
    results = [dask.delayed(score)(i) for i in range(1_000_000)]
    ```

    ## Use instead
    ```python
    def score_batch(items):
        return [score(i) for i in items]

    batches = [range(start, start + 10_000) for start in range(0, 1_000_000, 10_000)]
    results = [dask.delayed(score_batch)(batch) for batch in batches]
    # or: db.from_sequence(range(1_000_000), npartitions=100).map(score)
    ```

    ## Fix safety
    No automatic fix: choosing the batch size and reshaping the results is a design decision.

    ## Options
    `dask-tiny-task-count`: the number of tasks from which a loop, a map or a Bag is
    reported (default 100,000).

    ## References
    - https://docs.dask.org/en/stable/delayed-best-practices.html#avoid-too-many-tasks
    - https://distributed.dask.org/en/stable/efficiency.html#use-larger-tasks
    - https://docs.dask.org/en/stable/best-practices.html#avoid-very-large-graphs
    - Not flagged: loops over inputs of unknown length (files, partitions, a variable `n`),
      loops that may `break` or `return` early, calls under an `if` in the loop and
      comprehensions with an `if` filter, and already batched code.
    """

    code = "DSK309"
    name = "too-many-tiny-tasks"
    node_types = (ast.Call,)
    call_names = _BAG_SEQUENCE_NAMES  # db.from_sequence(), and
    entry_points = True  # client.submit/map and delayed calls

    def __init__(self, model, options):
        super().__init__(model, options)
        #: Loops with task calls enough to report: (call, tasks, label) for each.
        self._in_loops: dict[ast.AST, list[tuple[ast.Call, int, str]]] = {}

    def check(self, node: ast.Call) -> Iterator[Finding]:
        m = self.model
        threshold = self.options.tiny_task_count
        func = node.func
        t = type(func)
        if t is ast.Attribute and func.attr not in ("submit", "map", "from_sequence") or \
                t not in (ast.Attribute, ast.Name, ast.Call):
            return  # cheap exits first
        if t is not ast.Call and not _BAG_SEQUENCE_NAMES.isdisjoint(m.callee_names(node)) \
                and m.is_call_to(node, V.BAG_SEQUENCE_FUNCTIONS):
            n = self._bag_partitions(node)
            if n is not None and n >= threshold:
                yield self.report(
                    node,
                    f"db.from_sequence() with {n:,} partitions makes {n:,} tasks per step: "
                    "each costs 200 µs–1 ms of scheduler time; use far fewer partitions "
                    "(100 to 1000)")
            return
        ep = m.entry_point(node)
        if ep is None or ep.family not in ("client", "delayed") or ep.api == "delayed":
            return
        if ep.family == "client":
            if type(func) is not ast.Attribute:
                return
            if func.attr == "map":
                n = max((range_length(m, a) or 0 for a in ep.iterables), default=0)
                if n >= threshold:
                    yield self.report(
                        node,
                        f"{ep.api}() over {n:,} items submits {n:,} tasks: each costs "
                        "200 µs–1 ms of scheduler time; map a function over chunks of the items")
                return
            if func.attr != "submit":
                return
        n, loop = self._iterations(node)
        if n >= threshold:
            # Reported once per loop, in finish(): four task calls in one loop are one
            # problem, and their tasks add up.
            self._in_loops.setdefault(loop, []).append((node, n, api_label(ep, node)))

    def finish(self) -> Iterator[Finding]:
        for loop, calls in self._in_loops.items():
            calls.sort(key=lambda c: (c[0].lineno, c[0].col_offset))
            node, _, label = calls[0]
            total = sum(n for _, n, _ in calls)
            what = label if len(calls) == 1 else \
                f"{label} and {len(calls) - 1} other call{'s' if len(calls) > 2 else ''}"
            verb = "makes" if len(calls) == 1 else "make"
            yield self.report(
                node,
                f"{what} in {loop_label(self.model, loop)} {verb} about {total:,} tasks: each "
                "costs 200 µs–1 ms of scheduler time; batch the work into fewer, larger tasks")

    def _iterations(self, node: ast.Call) -> tuple[int, ast.AST | None]:
        """How many times the enclosing literal-``range`` loops run ``node`` (a lower bound:
        loops of unknown length count once), and the outermost such loop."""
        m = self.model
        total, outermost = 1, None
        for loop in m.enclosing_loops(node):
            if type(loop) in (ast.For, ast.AsyncFor):
                n = range_length(m, loop.iter)
                if n is None:
                    continue
                if self._may_break(loop):
                    return 0, None
                total *= n
                outermost = loop
            elif type(loop) is not ast.While:
                generators = loop.generators
                if any(g.ifs for g in generators):
                    return 0, None
                for g in generators:
                    n = range_length(m, g.iter)
                    if n is not None:
                        total *= n
                        outermost = loop
        if outermost is None:
            return 0, None
        for anc in m.ancestors(node):
            if anc is outermost:
                break
            if type(anc) in (ast.If, ast.IfExp):
                return 0, None  # a filter: fewer calls than iterations
        return total, outermost

    @staticmethod
    def _may_break(loop) -> bool:
        stack = list(loop.body)
        while stack:
            n = stack.pop()
            if type(n) in (ast.Break, ast.Return):
                return True
            if isinstance(n, (*SCOPE_NODES, *LOOP_NODES)):
                if type(n) in LOOP_NODES:
                    stack.extend(n.orelse)  # a break in a nested loop ends only that loop
                    stack.extend(s for s in ast.walk(n) if type(s) is ast.Return)
                continue
            stack.extend(ast.iter_child_nodes(n))
        return False

    def _bag_partitions(self, node: ast.Call) -> int | None:
        m = self.model
        size = node.args[1] if len(node.args) > 1 else None
        for kw in node.keywords:
            if kw.arg == "npartitions":
                return literal_int(m, kw.value)
            if kw.arg == "partition_size":
                size = kw.value
        if size is not None and node.args:
            step = literal_int(m, size)
            length = range_length(m, node.args[0])
            if step and step > 0 and length is not None:
                return -(-length // step)
        return None
