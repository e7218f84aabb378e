"""DSK310: two computes in one body of code that read the same (not persisted) source."""

from __future__ import annotations

import ast
import bisect
from dataclasses import dataclass
from typing import Iterator

from ...findings import Finding, Safety, StatementRun
from ...model import COMPREHENSION_NODES, FUNCTION_NODES, PARTITIONED, K
from ...model import vocabulary as V
from ...syntax import code
from .. import _edits as E
from .._dask import compute_call, expects_failure, persisted
from ..base import Rule, last_names

#: Expressions in which a part runs only sometimes (a compute there may not run at all).
_CONDITIONAL = (ast.IfExp, ast.BoolOp, *FUNCTION_NODES, *COMPREHENSION_NODES)
#: Implicit computes that only a Dask Array supports (on a DataFrame's Scalar they raise:
#: DSK701).
_ARRAY_ONLY = frozenset({"builtins.float", "builtins.int"})
#: Of the kinds ``list()`` is handed, those it computes (a DataFrame lists its columns, an
#: Array its lazy slices).
_LISTED = frozenset({K.SERIES, K.BAG})
#: How many earlier computes of a block a compute is compared with (bounds the work on a
#: generated script with thousands of computes in one body).
_WINDOW = 32
#: How deep a chain of names is followed back to its source.
_MAX_DEPTH = 12


@dataclass(frozen=True)
class Merge:
    """The fix's facts: the two assigned names and how ``dask.compute`` is spelled."""

    compute: str


@dataclass
class _Compute:
    call: ast.Call
    stmt: ast.stmt
    block: tuple
    position: tuple
    sources: frozenset  # the ids of the source bindings it reads
    names: frozenset  # the names of the chain of bindings from the computed expression
    source_name: str
    exprs: tuple  # the computed expressions
    #: "explicit" (``.compute()``, ``dask.compute``), "len", or "conversion" (``float(x)``,
    #: ``np.asarray(x)``, ``list(s)``: DSK504 and DSK406 report those)
    how: str
    keywords: tuple  # the compute's keyword arguments (``scheduler=...``), dumped


class UnmergedComputes(Rule):
    """Two computes of the same Dask collection's source, one after the other.

    ## What it does
    Finds a compute (`.compute()`, `dask.compute(...)`, `len(ddf)`) when an earlier compute
    in the same block of straight-line code (same function or script body, same notebook
    cell, not in a loop) computed an expression that derives from the same collection: the
    same name bound once to a Dask reader (`dd.read_parquet(...)`, `dd.from_map(...)`,
    `da.from_zarr(...)`, `db.read_text(...)`...), reached through columns, filters,
    reductions or names bound to those. The first compute may also be an implicit one
    (`np.asarray(x)`, `float(x)` of a Dask Array, `list(series)`). The finding is on the
    second and later computes and names the first.

    It stays silent when the collection is persisted (`p = df.persist()`, `dask.persist`,
    `client.persist`); when the two derive from different sources, or from a function
    parameter, an attribute or a source call written inline (unknown); when the second
    depends on the first (it sits under an `if`, reads the first's result, or follows a
    statement other than a plain call that reads it); when a name of the first's chain is
    rebound or assigned into between them; when the two computes pass different keyword
    arguments (`scheduler=`); in loops and comprehensions (DSK302), in different blocks
    (`if`, `try`) or cells, where a failure is expected, in `assert` statements and test
    functions (`def test_...`, each check computed on its own on purpose); for in-memory
    sources (`from_pandas`, `from_array`, `from_sequence`, `da.ones`), where a recompute
    reads no file; and on a second compute that another rule reports (`np.asarray(x)`,
    `float(x)`, `len(ddf)` twice: DSK504; `list(series)`: DSK406). `len()` of a parquet
    read is left out: dask-expr answers it from the files' metadata without reading data.

    ## Why is this bad?
    Dask keeps nothing between two computes: each one runs the whole graph again, from
    reading the source on. Verified with dask 2026.8 and a `dd.from_map` source of 4
    partitions that counts its reads
    (`benchmarks/verification/unmerged_computes_same_source.py`): two separate computes of
    the same expression, of two columns, of the source and a filter of it, of `len(df)` and a
    reduction, read 8 partitions; one `dask.compute` of the same two expressions read 4
    (also on a distributed Client); after `p = df.persist()`, two computes read 4; two
    different sources read 8 either way.

    ## Example
    ```python
    df = dd.read_parquet("s3://bucket/events/")
    mean = df.amount.mean().compute()
    std = df.amount.std().compute()
    ```

    ## Use instead
    ```python
    df = dd.read_parquet("s3://bucket/events/")
    mean, std = dask.compute(df.amount.mean(), df.amount.std())
    ```

    ## Fix safety
    Unsafe. When the two computes are adjacent assignments `a = <x>.compute()` and
    `b = <y>.compute()` (one name each, no arguments to `compute`), the fix merges them into
    `a, b = dask.compute(<x>, <y>)` (importing `dask` if needed). The values are the same,
    but both results are in memory at once and the intermediates they share are held until
    both are done (peak memory can grow), and a failure of either loses both.

    ## Options
    None.

    ## References
    - https://docs.dask.org/en/stable/best-practices.html#avoid-calling-compute-repeatedly
    - https://docs.dask.org/en/stable/api.html#dask.compute
    - In a notebook, each cell is on its own: interactive exploration computes one thing
      per cell on purpose, so only two computes in one cell are reported.
    - Not flagged: two names bound to identical source calls (`a = dd.read_parquet(p)`,
      `b = dd.read_parquet(p)`), which dask-expr would merge but the rule cannot tell from
      different arguments; computes of `Delayed` values; arrays Dask makes itself
      (`da.random.random(...)`), recomputed but read from nowhere; a collection rebound to a
      derivative of itself between the computes (`len(df)`, `df = df.dropna()`, `len(df)`),
      which still reads the source twice.
    """

    code = "DSK310"
    name = "unmerged-computes"
    node_types = (ast.Call,)
    fixes = frozenset({Safety.UNSAFE})
    fix_title = "Compute the two values in one `dask.compute` call"
    call_names = frozenset({"compute"}) | \
        last_names(V.DASK_COMPUTE_FUNCTIONS, V.IMPLICIT_COMPUTE_FUNCTIONS)

    def __init__(self, model, options):
        super().__init__(model, options)
        self._computes: list[_Compute] = []
        self._positions: dict[int, dict[int, int]] = {}
        self._statement_facts: dict[int, tuple] = {}

    def check(self, node: ast.Call) -> Iterator[Finding]:
        found = self._compute(node)
        if found is not None:
            self._computes.append(found)
        return iter(())

    def finish(self) -> Iterator[Finding]:
        by_block: dict[tuple, list[_Compute]] = {}
        for c in self._computes:
            by_block.setdefault(c.block, []).append(c)
        for computes in by_block.values():
            if len(computes) < 2:
                continue
            computes.sort(key=lambda c: c.position)
            for i, second in enumerate(computes):
                if second.how == "conversion":
                    continue  # DSK504 / DSK406 report it; once it is a .compute(), we do
                window = [c for c in computes[max(0, i - _WINDOW):i]
                          if c.sources & second.sources and c.keywords == second.keywords]
                first = next((c for c in window if self._independent(c, second)), None)
                if first is None:
                    continue
                previous = next(c for c in reversed(window) if self._independent(c, second))
                if second.how == "len" and any(
                        c.how == "len" and self._independent(c, second) for c in window):
                    continue  # DSK504 reports len() of the same collection twice
                yield self._finding(first, previous, second)

    # ------------------------------------------------------------------ one compute
    def _compute(self, node: ast.Call) -> _Compute | None:
        m = self.model
        label = compute_call(m, node)
        if label is None or label in (".persist()", "dask.persist()"):
            return None
        func = node.func
        if label == ".compute()":
            exprs = [func.value]
        elif label == "dask.compute()":
            exprs = []
            for a in node.args:
                if type(a) is ast.Starred:
                    return None
                exprs.extend(a.elts if type(a) in (ast.Tuple, ast.List) else [a])
        else:
            q = m.qualname(func)
            kind = m.kind(node.args[0])
            if q == "builtins.bool" or q in _ARRAY_ONLY and kind is not K.ARRAY or \
                    q == "builtins.list" and kind not in _LISTED:
                return None
            exprs = [node.args[0]]
        if m.enclosing_loops(node) or m.task_sites_of(node)[1] or expects_failure(m, node):
            return None
        stmt = m.statement_of(node)
        if stmt is None or type(stmt) is ast.Assert or self._in_test_function(node):
            return None
        for anc in m.ancestors(node):
            if anc is stmt:
                break
            if isinstance(anc, _CONDITIONAL):
                return None
        parent = m.parent(stmt)
        block = (id(parent), m.field_of(stmt, parent), self._cell(stmt.lineno))
        sources: set[int] = set()
        bindings: list = []
        names: set[str] = set()
        first_name = ""
        for e in exprs:
            found = self._sources(e, names)
            if found is None:
                return None
            for name, binding in found:
                sources.add(id(binding))
                bindings.append(binding)
                first_name = first_name or name
        if not sources:
            return None
        if label == "len()" and any(m.qualname(b.value.func) in V.METADATA_LENGTH_READERS
                                    for b in bindings):
            return None  # read from the parquet footers: no data read
        how = "explicit" if label in (".compute()", "dask.compute()") else \
            "len" if label == "len()" else "conversion"
        return _Compute(node, stmt, block, (node.lineno, node.col_offset), frozenset(sources),
                        frozenset(names), first_name, tuple(exprs), how,
                        tuple(ast.dump(k) for k in node.keywords))

    def _in_test_function(self, node: ast.AST) -> bool:
        """A test (``def test_...``, a method of a ``Test...`` class): each compute there
        checks one behaviour on purpose."""
        fn = self.model.enclosing_function(node)
        if fn is None or type(fn) is ast.Lambda:
            return False
        if fn.name.startswith("test"):
            return True
        owner = self.model.parent(fn)
        return type(owner) is ast.ClassDef and owner.name.startswith("Test")

    def _cell(self, line: int) -> int:
        starts = self.model.cell_starts()
        return bisect.bisect_right(starts, line) if starts else 0

    def _sources(self, expr: ast.AST, names: set[str], depth: int = 0):
        """The source bindings ``expr`` derives from, as ``[(name, binding)]``; the names of
        the chain go to ``names``. None: something on the way is unknown (silent)."""
        m = self.model
        out = []
        for n in ast.walk(expr):
            if type(n) is not ast.Name or type(n.ctx) is not ast.Load:
                continue
            v = m.value(n)
            if v is None or not v.is_collection:
                continue
            if v.kind not in PARTITIONED or persisted(m, n):
                continue  # a Scalar/Delayed operand, or a persisted collection: no re-read
            bindings = m.reaching_bindings(n)
            if len(bindings) != 1:
                return None
            b = bindings[0]
            names.add(n.id)
            if b.kind not in ("assign", "named") or b.value is None:
                return None
            inner = [x for x in ast.walk(b.value) if type(x) is ast.Name and
                     type(x.ctx) is ast.Load and m.is_collection(x)]
            if inner:
                if depth >= _MAX_DEPTH:
                    return None
                found = self._sources(b.value, names, depth + 1)
                if found is None:
                    return None
                out.extend(found)
                continue
            if b.index is not None or not self._read_from_storage(b.value):
                return None
            out.append((n.id, b))
        return out

    def _read_from_storage(self, value: ast.AST) -> bool:
        """``value`` makes a Dask collection from a source that is not already in memory:
        a reader (``dd.read_parquet``, ``da.from_zarr``, ``dd.from_map``...), not
        ``from_pandas``/``from_array``/``from_sequence`` of in-memory data."""
        m = self.model
        if type(value) is not ast.Call:
            return False
        return m.qualname(value.func) in V.COLLECTION_READERS

    # ------------------------------------------------------------------ the pair
    def _independent(self, first: _Compute, second: _Compute) -> bool:
        """The second compute does not depend on the first: it is not inside it, nothing
        between them (nor the second's statement) reads the first's result except a plain
        call statement, and no name of the first's chain is stored between them."""
        m = self.model
        if any(anc is first.call for anc in m.ancestors(second.call)) or \
                any(anc is second.call for anc in m.ancestors(first.call)):
            return False
        result = self._result_names(first)
        block = self._block(first.stmt)
        if block is None:
            return False
        i, j = self._index(block, first.stmt), self._index(block, second.stmt)
        watched = first.names
        for k in range(i + 1, j + 1):
            loads, stores, stored_into = self._facts(block[k])
            if loads & result and (k == j or type(block[k]) is not ast.Expr):
                return False
            if stores & watched or k < j and stored_into & watched:
                return False
        return True

    def _facts(self, stmt: ast.stmt) -> tuple[frozenset, frozenset, frozenset]:
        """The names ``stmt`` loads, the names it binds, and the names whose items or
        attributes it assigns or deletes (``df["x"] = ...``): walked once per statement."""
        facts = self._statement_facts.get(id(stmt))
        if facts is None:
            loads, stores, into = set(), set(), set()
            for n in ast.walk(stmt):
                t = type(n)
                if t is ast.Name:
                    (loads if type(n.ctx) is ast.Load else stores).add(n.id)
                elif t in (ast.Subscript, ast.Attribute) and type(n.ctx) in (ast.Store, ast.Del):
                    root = n.value
                    while type(root) in (ast.Subscript, ast.Attribute):
                        root = root.value
                    if type(root) is ast.Name:
                        into.add(root.id)
            facts = self._statement_facts[id(stmt)] = (
                frozenset(loads), frozenset(stores), frozenset(into))
        return facts

    def _index(self, block: list, stmt: ast.stmt) -> int:
        """The position of ``stmt`` in ``block`` (memoised: a long body is indexed once)."""
        positions = self._positions.get(id(block))
        if positions is None:
            positions = self._positions[id(block)] = {id(s): k for k, s in enumerate(block)}
        return positions[id(stmt)]

    def _result_names(self, c: _Compute) -> frozenset:
        """The names the first compute's statement binds (its result, among others)."""
        return self._facts(c.stmt)[1]

    def _block(self, stmt: ast.stmt):
        parent = self.model.parent(stmt)
        block = getattr(parent, self.model.field_of(stmt, parent) or "", None)
        return block if isinstance(block, list) else None

    # ------------------------------------------------------------------ the finding
    def _finding(self, first: _Compute, previous: _Compute, second: _Compute) -> Finding:
        """Reported on ``second``, naming ``first``; the fix merges ``second`` into
        ``previous``, the latest earlier compute of the same source, when adjacent."""
        m = self.model
        run, data, imports = self._fix_facts(previous, second)
        name = second.source_name
        return self.report(
            second.call,
            f"this compute reads the source of `{name}` again, after the compute at "
            f"{m.cite(first.call.lineno)}: compute both at once, `{self._suggestion(first, second)}`"
            f", or persist `{name}` first",
            fix=Safety.UNSAFE if run is not None else None, data=data, target=run,
            imports=imports)

    @staticmethod
    def _suggestion(first: _Compute, second: _Compute) -> str:
        """``mean, std = dask.compute(df.x.mean(), df.x.std())`` when it fits, else a
        generic ``a, b = dask.compute(x, y)``."""
        targets, values = [], []
        for c in (first, second):
            stmt = c.stmt
            func = c.call.func
            if type(func) is not ast.Attribute or func.attr != "compute" or \
                    type(stmt) is not ast.Assign or len(stmt.targets) != 1 or \
                    type(stmt.targets[0]) is not ast.Name or stmt.value is not c.call:
                return "a, b = dask.compute(x, y)"
            text = code(c.exprs[0], 40)
            if text is None:
                return "a, b = dask.compute(x, y)"
            targets.append(stmt.targets[0].id)
            values.append(text)
        both = f"{targets[0]}, {targets[1]} = dask.compute({values[0]}, {values[1]})"
        if targets[0] == targets[1] or len(both) > 70:  # a message is at most 200 characters
            return "a, b = dask.compute(x, y)"
        return both

    def _fix_facts(self, first: _Compute, second: _Compute):
        """Two adjacent ``name = <lazy>.compute()`` statements: merge them."""
        m = self.model
        block = self._block(first.stmt)
        if block is None:
            return None, None, ()
        i = self._index(block, first.stmt)
        if i + 1 >= len(block) or block[i + 1] is not second.stmt:
            return None, None, ()
        for c in (first, second):
            stmt, call = c.stmt, c.call
            if type(stmt) is not ast.Assign or len(stmt.targets) != 1 or \
                    type(stmt.targets[0]) is not ast.Name or stmt.value is not call or \
                    type(call.func) is not ast.Attribute or call.func.attr != "compute" or \
                    call.args or call.keywords:
                return None, None, ()
        if first.stmt.end_lineno >= second.stmt.lineno or \
                first.stmt.targets[0].id == second.stmt.targets[0].id or \
                self._comments_lost(first.stmt, second.stmt):
            return None, None, ()
        compute = E.bound_name(m, "dask.compute", first.stmt)
        imports: list = []
        if not compute:
            if m.lookup("dask", m.scope_of(first.stmt))[0] is not None:
                return None, None, ()
            compute, imports = "dask.compute", [("dask", None, None)]
        return StatementRun(first.stmt, second.stmt, block), Merge(compute), imports

    def _comments_lost(self, first: ast.stmt, second: ast.stmt) -> bool:
        """Merging would drop a comment: a comment line between the two statements, or an
        end-of-line comment on each (one merged line keeps one)."""
        source = self.model.source
        if source is None:
            return True
        lines = source.splitlines()
        between = lines[first.end_lineno:second.lineno - 1]
        if any(line.lstrip().startswith("#") for line in between):
            return True
        return all(b"#" in lines[s.end_lineno - 1].encode("utf-8", "surrogatepass")[
            s.end_col_offset:] for s in (first, second))  # ast columns count bytes

    def fix(self, node, finding):
        import libcst as cst

        first, second = node
        targets, values = [], []
        for line in (first, second):
            if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1 or \
                    not isinstance(line.body[0], cst.Assign):
                raise ValueError("DSK310: the assignments moved")
            assign = line.body[0]
            call = assign.value
            if not isinstance(call, cst.Call) or not isinstance(call.func, cst.Attribute) or \
                    call.func.attr.value != "compute" or call.args:
                raise ValueError("DSK310: the compute call moved")
            targets.append(assign.targets[0].target)
            values.append(E.strip_parentheses(call.func.value))
        if any(line.comment is not None for line in second.leading_lines):
            raise ValueError("DSK310: a comment line would be lost")
        trailing = first.trailing_whitespace
        if second.trailing_whitespace.comment is not None:
            if trailing.comment is not None:
                raise ValueError("DSK310: two end-of-line comments")
            trailing = second.trailing_whitespace
        merged = cst.Assign(
            targets=[cst.AssignTarget(cst.Tuple([cst.Element(t) for t in targets],
                                                lpar=[], rpar=[]))],
            value=cst.parse_expression(
                f"{finding.fix.data.compute}(a, b)").with_changes(
                    args=[cst.Arg(v, comma=cst.MaybeSentinel.DEFAULT) for v in values]))
        return [first.with_changes(body=[merged], trailing_whitespace=trailing)]
