"""What expressions hold: ``value()`` and ``kind()``, the values of bindings (assignments,
loops, ``with``, annotated parameters), attributes of ``self``, reductions, array layouts.

A mixin of :class:`~.semantic.SemanticModel`. ``value()`` is the hottest query: it inlines the
common case of the depth guard (:class:`~.guard.DepthGuard`), and one handler per expression
type (:mod:`.inference`) computes what is not cached.
"""

from __future__ import annotations

import ast
import fnmatch

from ..syntax import dotted, returns_of
from . import vocabulary as V
from .arrays import OWN_LAYOUT_CALL_NAMES
from .arrays import array_layout as _array_layout
from .guard import IN_PROGRESS, MAX_DEPTH, MISSING, TooDeep
from .inference import VALUE_HANDLERS, element
from .kinds import COLLECTIONS, FRAMES, K, Value
from .scopes import Binding, Scope

_ANNOTATION_KINDS = {
    "distributed.Client": K.CLIENT,
    "distributed.Future": K.FUTURE,
    "dask.dataframe.DataFrame": K.DATAFRAME,
    "dask.dataframe.Series": K.SERIES,
    "dask.array.Array": K.ARRAY,
    "dask.bag.Bag": K.BAG,
    "dask.Delayed": K.DELAYED,
    "dask.dataframe.Scalar": K.SCALAR,
    "distributed.LocalCluster": K.CLUSTER,
}


class Values:
    """The value queries of :class:`~.semantic.SemanticModel` (a mixin)."""

    _values: dict[int, object]
    _binding_values: dict[int, object]
    #: How many times a value still being computed was read (a cycle through bindings).
    _cycle_hits: int
    _layouts: dict[int, object]
    _layouts_possible: bool | None
    imports_distributed: bool

    # ------------------------------------------------------------------ values
    def value(self, node: ast.AST) -> Value | None:
        """What the model knows about the value of an expression (``None``: unknown)."""
        key = id(node)
        cached = self._values.get(key, MISSING)
        if cached is not MISSING:
            if cached is IN_PROGRESS:
                self._cycle_hits += 1  # a cycle reads as "no information"
                return None
            return cached
        depth = self._depth
        if 0 < depth < MAX_DEPTH:  # nested: the common case, inlined from _guarded
            self._depth = depth + 1
            try:
                return self._compute_value(node)
            finally:
                self._depth = depth
        return self._guarded(self.value, self._values, self._compute_value, node, IN_PROGRESS)

    def _compute_value(self, node: ast.AST) -> Value | None:
        key = id(node)
        self._values[key] = IN_PROGRESS  # a cycle reads as "no information"
        hits = self._cycle_hits
        handler = VALUE_HANDLERS.get(type(node))
        try:
            result = handler(self, node) if handler is not None else None
        except TooDeep:
            del self._values[key]
            raise
        if result is None and self._cycle_hits != hits:
            # Unknown only because a value still being computed was read: do not remember
            # it, or the answer would depend on which expression a rule asked about first.
            del self._values[key]
        else:
            self._values[key] = result
        return result

    def kind(self, node: ast.AST) -> K | None:
        v = self.value(node)
        return v.kind if v is not None else None

    def is_collection(self, node: ast.AST) -> bool:
        v = self.value(node)
        return v is not None and v.kind in COLLECTIONS

    def reduced(self, expr: ast.AST, _depth: int = 0) -> bool:
        """``expr`` derives from a collection through a reduction (``ddf.groupby(k).x.sum()``,
        ``x.mean(axis=0)``, ``ddf.describe()``, ``da.max(x)``), following single
        assignments: its result is smaller than its input, usually small."""
        if _depth > 12:
            return False
        t = type(expr)
        if t is ast.Name:
            # every value the name can hold is reduced, or not a collection at all
            # (``total = 0`` then ``total += x.sum()``)
            bindings = self.reaching_bindings(expr)
            reduced = False
            for b in bindings:
                if b.kind == "augassign":
                    value = b.value.value
                elif b.kind == "assign" and b.index is None and b.value is not None:
                    value = b.value
                else:
                    return False
                if self.reduced(value, _depth + 1):
                    reduced = True
                elif self.is_collection(value):
                    return False
            return reduced
        if t is ast.Call:
            func = expr.func
            q = self.qualname(func)
            if q is None:
                if type(func) is ast.Name:  # a function of this module that reduces
                    fn = self.function_of(func)
                    if fn is None:
                        return False
                    if type(fn) is ast.Lambda:
                        return self.reduced(fn.body, _depth + 1)
                    results = [r.value for r in returns_of(fn) if r.value is not None]
                    return bool(results) and all(self.reduced(r, _depth + 1)
                                                 for r in results)
                # a method: ``x.sum()``, ``ddf.x.describe()``, or one after a reduction
                return type(func) is ast.Attribute and (
                    func.attr in V.REDUCTION_METHODS or self.reduced(func.value, _depth + 1))
            # a function: ``da.sum(x)``, ``np.max(x)`` (not ``sum([x, y])``, elementwise)
            return not q.startswith("builtins.") and \
                q.rpartition(".")[2] in V.REDUCTION_METHODS
        if t in (ast.Attribute, ast.Subscript):
            return self.reduced(expr.value, _depth + 1)
        if t is ast.BinOp:
            sides = [s for s in (expr.left, expr.right) if self.is_collection(s)]
            return bool(sides) and all(self.reduced(s, _depth + 1) for s in sides)
        if t is ast.UnaryOp:
            return self.reduced(expr.operand, _depth + 1)
        return False

    # ------------------------------------------------------------------ the values of bindings
    def binding_value(self, b: Binding) -> Value | None | object:
        key = id(b)
        cached = self._binding_values.get(key, MISSING)
        if cached is not MISSING:
            if cached is IN_PROGRESS:
                self._cycle_hits += 1
            return cached
        self._binding_values[key] = IN_PROGRESS
        hits = self._cycle_hits
        try:
            result = self._binding_value(b)
        except TooDeep:
            del self._binding_values[key]
            raise
        if result is None and self._cycle_hits != hits:
            result = IN_PROGRESS  # unknown only through a cycle: skipped, like one
        if result is IN_PROGRESS:
            # Part of a cycle still being evaluated: no information yet, and not cached.
            del self._binding_values[key]
        else:
            self._binding_values[key] = result
        return result

    def _binding_value(self, b: Binding) -> Value | None:
        kind = b.kind
        if b.value is not None and self._values.get(id(b.value)) is IN_PROGRESS:
            self._cycle_hits += 1
            return IN_PROGRESS
        if kind == "assign" or kind == "named":
            if b.value is None:
                return None
            v = self.value(b.value)
            return element(v, b.index) if b.index is not None else v
        if kind == "augassign":
            stmt = b.value
            before = self.value(stmt.target)
            after = self.value(stmt.value)
            for v in (before, after):
                if v is not None and v.kind in COLLECTIONS:
                    return Value(v.kind, v.what, node=stmt)
            return None
        if kind in ("for", "comprehension"):
            v = element(self.value(b.value), None)
            return element(v, b.index) if b.index is not None else v
        if kind == "with":
            return self._with_value(b)
        if kind == "param":
            return self.parameter_value(b)
        if kind == "annotation":
            return self._annotation_value(b.value, b.node)
        return None

    def _with_value(self, b: Binding) -> Value | None:
        ctx = b.value
        v = self.value(ctx)
        if v is None:
            return None
        if v.kind == K.CLIENT and type(ctx) is ast.Call and \
                self.qualname(ctx.func) in V.WORKER_CLIENT_FUNCTIONS:
            v = Value(K.CLIENT, v.what, origin="worker_client()", node=ctx)
        if b.index is not None:
            return None
        if v.kind in (K.CLIENT, K.RESOURCE, K.CLUSTER):
            return v
        return None

    def _annotation_value(self, ann: ast.AST | None, node: ast.AST) -> Value | None:
        # ``X | None``, ``Optional[X]``, ``Union[X, None]``: the first member that is not
        # None. A loop, not recursion: a union can be thousands of members deep. A string
        # (``"dd.DataFrame"``, a forward reference) is parsed once, and its names resolved
        # through the module's imports (the parsed text is not part of the tree).
        resolve, parsed = self.qualname, False
        while ann is not None:
            if type(ann) is ast.Constant and isinstance(ann.value, str):
                if parsed or len(ann.value) > 200:
                    return None
                try:
                    ann = ast.parse(ann.value.strip(), mode="eval").body
                except (SyntaxError, ValueError):
                    return None
                resolve, parsed = self._module_qualname, True
            elif type(ann) is ast.BinOp and type(ann.op) is ast.BitOr:
                ann = next((side for side in (ann.left, ann.right)
                            if not (type(side) is ast.Constant and side.value is None)), None)
            elif type(ann) is ast.Subscript and resolve(ann.value) in (
                    "typing.Optional", "typing.Union"):
                ann = ann.slice
                if type(ann) is ast.Tuple:
                    ann = next((e for e in ann.elts
                                if not (type(e) is ast.Constant and e.value is None)), None)
            else:
                break
        q = resolve(ann) if ann is not None else None
        kind = _ANNOTATION_KINDS.get(q) if q else None
        if kind is None:
            return None
        origin = "parameter" if kind == K.CLIENT else None
        return Value(kind, V.KIND_NAMES[kind], origin=origin, node=node)

    def _module_qualname(self, node: ast.AST) -> str | None:
        """The qualified name of a dotted expression that is not in the tree, through the
        imports of the module scope."""
        name = dotted(node)
        if name is None:
            return None
        first, _, rest = name.partition(".")
        bindings = self.module_scope.bindings.get(first, ())
        if len(bindings) != 1 or bindings[0].kind != "import" or not bindings[0].qualname:
            return None
        return V.canonical(f"{bindings[0].qualname}.{rest}" if rest else bindings[0].qualname)

    def _name_value(self, node: ast.Name) -> Value | None:
        bindings = self.reaching_bindings(node)
        if not bindings:
            return None
        result: Value | None = None
        for b in bindings:
            if b.kind == "assign" and type(b.value) is ast.Constant and b.value.value is None:
                continue
            v = self.binding_value(b)
            if v is IN_PROGRESS:
                continue
            if v is None:
                return self._client_by_name(node.id, bindings)
            if result is None:
                result = v
            elif v.kind != result.kind:
                if v.kind in FRAMES and result.kind in FRAMES:
                    result = Value(K.FRAME, V.KIND_NAMES[K.FRAME], node=result.node)
                else:
                    return None
        if result is None:
            return self._client_by_name(node.id, bindings)
        return result

    def _client_by_name(self, name: str, bindings=()) -> Value | None:
        """The configurable fallback: a receiver named like a client, in a distributed file."""
        if not self.imports_distributed or not self.options.client_names:
            return None
        if not any(fnmatch.fnmatchcase(name, p) for p in self.options.client_names):
            return None  # first: the bindings of a name rebound thousands of times are many
        if any(b.kind in ("import", "def", "class") for b in bindings):
            return None
        return Value(K.CLIENT, "a distributed Client", origin="name")

    def self_attribute_value(self, cls: Scope, attr: str) -> Value | None:
        bindings = cls.attributes.get(attr)
        if not bindings:
            class_level = cls.bindings.get(attr)
            if class_level and all(b.kind == "annotation" for b in class_level):
                return self.binding_value(class_level[0]) or None
            return None
        result = None
        for b in bindings:
            if type(b.value) is ast.Constant and b.value.value is None:
                continue
            if b.value is not None and type(b.node) is ast.Attribute and \
                    type(self._parents.get(b.node)) is ast.AnnAssign and \
                    self._parents[b.node].value is None:
                v = self._annotation_value(b.value, b.node)
            else:
                hits = self._cycle_hits
                v = self.value(b.value) if b.value is not None else None
                if v is None and self._cycle_hits != hits:
                    # ``self.data = self.data.persist()``: a rebinding from the attribute
                    # itself says nothing new about its kind (as for plain names)
                    continue
            if v is None:
                return None
            if result is not None and v.kind != result.kind:
                return None
            result = v
        return result

    # ------------------------------------------------------------------ array layouts
    def array_layout(self, node: ast.AST):
        """The literal shape and chunks of a Dask array expression (an
        :class:`~.arrays.ArrayLayout`), or None when the code does not spell them out."""
        cache = self._layouts
        key = id(node)
        found = cache.get(key, MISSING)
        if found is not MISSING:
            return found
        if self._layouts_possible is None:
            # Every layout starts at a creator or rechunk call (arrays.OWN_LAYOUT_CALL_NAMES):
            # in a file without one, no expression has a layout.
            self._layouts_possible = any(
                n in OWN_LAYOUT_CALL_NAMES for c in self.calls for n in self.callee_names(c))
        if not self._layouts_possible:
            return None
        cache[key] = None  # a cycle reads as unknown
        cache[key] = result = _array_layout(self, node)
        return result
