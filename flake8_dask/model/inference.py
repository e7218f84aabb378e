"""Value inference, one handler per expression type: what :meth:`SemanticModel.value` computes
for a node it has not cached (each handler asks the model about the node's parts).
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..syntax import keyword_value
from . import vocabulary as V
from .kinds import COLLECTIONS, FRAMES, PARTITIONED, K, Value

if TYPE_CHECKING:
    from .semantic import SemanticModel

#: NumPy functions that compute or load, not functions that dispatch to Dask arrays (NEP 18).
_NOT_DISPATCHED = V.IMPLICIT_COMPUTE_FUNCTIONS | frozenset(V.LARGE_OBJECT_LOADERS)


def element(v: Value | None, index) -> Value | None:
    """The value of one element of a container (``index`` None: any element)."""
    if v is None:
        return None
    if index is None:
        if v.kind == K.CONTAINER:
            return v.element
        return None
    if isinstance(index, tuple):
        for i in index:
            v = element(v, i)
            if v is None:
                return None
        return v
    if v.kind == K.CONTAINER:
        if isinstance(v.origin, tuple):
            return v.origin[index] if 0 <= index < len(v.origin) else None
        return v.element
    return None


def _v(kind: K, node: ast.AST, what: str | None = None, **kw) -> Value:
    return Value(kind, what or V.KIND_NAMES.get(kind, ""), node=node, **kw)


def _value_name(m: SemanticModel, node: ast.Name) -> Value | None:
    return m._name_value(node)


def _literal_shape_size(node: ast.AST) -> int | None:
    if type(node) is ast.Constant and type(node.value) is int:
        return node.value
    if type(node) in (ast.Tuple, ast.List):
        total = 1
        for e in node.elts:
            if type(e) is not ast.Constant or type(e.value) is not int:
                return None
            total *= e.value
        return total
    return None


def _value_call(m: SemanticModel, node: ast.Call) -> Value | None:
    func = node.func
    q = m.qualname(func)
    if q is not None:
        v = _value_of_qualified_call(m, node, q)
        if v is not None:
            return v
        if not q.startswith("builtins.") and m.project is not None:
            return m.imported_value(func)
    if type(func) is ast.Call and m.qualname(func.func) in V.DELAYED_FUNCTIONS:
        return _v(K.DELAYED, node)
    if type(func) is ast.Attribute:
        v = _value_method_call(m, node, func)
        if v is not None:
            return v
        fn = m.method_of(func)  # ``self.load()``, ``loader.load()`` of a local class
        return m.return_value(fn) if fn is not None else None
    fn = m.function_of(func) if type(func) in (ast.Name, ast.Lambda) else None
    if fn is not None:
        if m.is_delayed_decorated(fn):
            return _v(K.DELAYED, node)
        if m.is_generator_function(fn):
            return _v(K.RESOURCE, node, f"a generator from {fn.name}()")
        return m.return_value(fn)
    if q is None and type(func) is ast.Name and m.project is not None:
        return m.imported_value(func)  # ``from .io import load``
    return None


def _value_of_qualified_call(m: SemanticModel, node: ast.Call, q: str) -> Value | None:
    if q in V.CLIENT_FACTORIES:
        origin = V.CLIENT_FACTORIES[q]
        if q == "distributed.Client" and (node.args or keyword_value(node, "address") is not None):
            origin = "Client(address)"
        return _v(K.CLIENT, node, origin=origin)
    if q in V.WORKER_CLIENT_FUNCTIONS:
        return _v(K.CLIENT, node, origin="worker_client()")
    if q in V.CLUSTER_FACTORIES:
        return _v(K.CLUSTER, node)
    kind = V.DASK_DATAFRAME_FUNCTIONS_RETURNING.get(q)
    if kind is not None:
        return _v(kind, node)
    module, _, rest = q.partition(".")
    if module == "dask":
        sub, _, name = rest.partition(".")
        if sub == "array" and name in V.DASK_ARRAY_CREATORS:
            return _v(K.ARRAY, node)
        if sub == "bag" and name in V.DASK_BAG_CREATORS:
            return _v(K.BAG, node)
    if q in V.DELAYED_FUNCTIONS:
        return _v(K.DELAYED, node)
    what = V.UNPICKLABLE_CONSTRUCTORS.get(q)
    if what is not None:
        return _v(K.RESOURCE, node, what)
    what = V.LARGE_OBJECT_LOADERS.get(q)
    if what is not None:
        return _v(K.LARGE, node, what, origin=node)
    if q in V.SIZED_ARRAY_CONSTRUCTORS:
        shape = node.args[0] if node.args else \
            keyword_value(node, "shape") or keyword_value(node, "size")
        if shape is None and len(node.args) > 0:
            shape = node.args[-1]
        size = _literal_shape_size(shape) if shape is not None else None
        if size is not None and size > m.options.large_array_elements:
            return _v(K.LARGE, node, f"a NumPy array of {size:,} elements", origin=node)
        return None
    if q in V.DASK_PERSIST_FUNCTIONS:
        return _v(K.CONTAINER, node, "a tuple", origin=tuple(m.value(a) for a in node.args))
    if q in V.DASK_COMPUTE_FUNCTIONS:
        items = []
        for a in node.args:
            av = m.value(a)
            items.append(_v(K.LARGE, a, "the computed result of a Dask collection")
                         if av is not None and av.kind in PARTITIONED and not m.reduced(a)
                         else None)
        return _v(K.CONTAINER, node, "a tuple", origin=tuple(items))
    if node.args and (q in ("builtins.abs", "builtins.round") or (
            q.startswith("numpy.") and q not in _NOT_DISPATCHED)):
        # NumPy functions dispatch to Dask arrays (NEP 18); abs() and round() to any collection
        first = m.value(node.args[0])
        if first is not None and (first.kind == K.ARRAY or (
                q.startswith("builtins.") and first.kind in COLLECTIONS)):
            return _v(first.kind, node)
        return None
    if q in V.AS_COMPLETED_FUNCTIONS and node.args:
        futures = m.value(node.args[0])
        element = futures.element if futures is not None and futures.kind == K.CONTAINER \
            else None
        return _v(K.CONTAINER, node, "an iterator of Futures", element=element)
    return None


def _value_method_call(m: SemanticModel, node: ast.Call, func: ast.Attribute) -> Value | None:
    recv = m.value(func.value)
    if recv is None:
        return None
    meth = func.attr
    kind = recv.kind
    if kind == K.CLIENT:
        # client.compute(x) gives one Future; of a list (``client.compute(lazy)`` where
        # ``lazy = [...]``) a list of Futures.
        single_compute = meth == "compute" and node.args and \
            type(node.args[0]) not in (ast.List, ast.Tuple) and \
            getattr(m.value(node.args[0]), "kind", None) != K.CONTAINER
        if meth in ("submit", "scatter") or single_compute:
            if meth == "scatter" and node.args and type(node.args[0]) in (ast.List, ast.Tuple,
                                                                          ast.ListComp):
                return _v(K.CONTAINER, node, "a list of Futures",
                          element=_v(K.FUTURE, node, origin=recv))
            return _v(K.FUTURE, node, origin=recv)
        if meth in ("map", "compute"):
            return _v(K.CONTAINER, node, "a list of Futures",
                      element=_v(K.FUTURE, node, origin=recv))
        if meth == "persist" and node.args:
            return m.value(node.args[0])
        return None
    if kind == K.CLUSTER:
        return _v(K.CLIENT, node, origin="cluster.get_client()") if meth == "get_client" \
            else None
    if kind in FRAMES:
        if meth == "compute":
            return None if m.reduced(func.value) else \
                _v(K.LARGE, node, "the computed result of a Dask collection")
        if meth in V.FRAME_REDUCTIONS:
            # Verified (dask 2026.8): a DataFrame's reductions give a Series (one value per
            # column; mode() a DataFrame), a Series' a Scalar (mode() a Series).
            if meth == "mode":
                return _v(K.DATAFRAME if kind == K.DATAFRAME else K.SERIES, node)
            return _v(K.SERIES if kind == K.DATAFRAME else K.SCALAR, node)
        if meth in ("groupby", "rolling", "resample", "expanding", "ewm"):
            return _v(K.GROUPBY, node, origin=node)
        if meth == "to_delayed":
            return _v(K.CONTAINER, node, "a list of Delayed", element=_v(K.DELAYED, node))
        if meth in ("to_dask_array", "to_records"):
            return _v(K.ARRAY, node)
        if meth in V.LAZY_WRITERS:
            flag = keyword_value(node, "compute")
            if type(flag) is ast.Constant and flag.value is False:
                return _v(K.DELAYED, node, "a lazy write")
            return None
        if meth in ("apply", "transform", "map") and kind == K.SERIES:
            return _v(K.SERIES, node)
        if meth in ("apply", "agg", "aggregate", "transform", "describe", "map"):
            return _v(K.FRAME, node)
        if meth in ("value_counts", "unique", "isin", "between", "dot"):
            return _v(K.SERIES, node)
        if meth in V.FRAME_METHODS_RETURNING_FRAME:
            return _v(kind, node)
        return None
    if kind == K.ARRAY:
        if recv.origin in ("blocks", "vindex", "partitions"):
            return None  # a method of the indexer (``x.blocks.ravel()`` gives a list)
        if meth == "compute":
            return None if m.reduced(func.value) else \
                _v(K.LARGE, node, "the computed result of a Dask array")
        if meth in V.ARRAY_METHODS_RETURNING_ARRAY:
            return _v(K.ARRAY, node)
        if meth == "to_delayed":
            return _v(K.CONTAINER, node, "an array of Delayed", element=_v(K.DELAYED, node))
        if meth == "to_dask_dataframe":
            return _v(K.DATAFRAME, node)
        return None
    if kind == K.BAG:
        if meth == "compute":
            return None if m.reduced(func.value) else \
                _v(K.LARGE, node, "the computed result of a Dask bag")
        if meth in V.BAG_METHODS_RETURNING_BAG:
            return _v(K.BAG, node)
        if meth in V.BAG_REDUCTIONS:
            return _v(K.SCALAR, node, origin="bag")  # computes on Bag's default scheduler
        if meth == "to_dataframe":
            return _v(K.DATAFRAME, node)
        if meth == "to_delayed":
            return _v(K.CONTAINER, node, "a list of Delayed", element=_v(K.DELAYED, node))
        return None
    if kind == K.SCALAR:
        return _v(K.SCALAR, node) if meth == "persist" else None
    if kind == K.DELAYED:
        if meth in V.DELAYED_PLAIN_METHODS or meth.startswith("_"):
            return None
        return _v(K.DELAYED, node)
    if kind == K.GROUPBY:
        if recv.what == "an accessor":  # ``s.str.lower()``, ``s.dt.strftime(...)``
            return _v(K.FRAME if meth in V.ACCESSOR_METHODS_RETURNING_FRAME else K.SERIES,
                      node)
        if meth in ("get_group", "apply", "transform", "agg", "aggregate", "first", "last",
                    "head", "tail", "cumsum", "cumcount", "shift", "size", "nunique",
                    "value_counts") or meth in V.FRAME_REDUCTIONS:
            return _v(K.FRAME, node)
        return None
    if kind == K.LARGE:
        return _v(K.LARGE, node, recv.what, origin=recv.origin) \
            if meth in V.LARGE_PRESERVING_METHODS else None
    if kind == K.RESOURCE:
        if meth in V.RESOURCE_METHODS:
            return _v(K.RESOURCE, node, f"a connection from {recv.what}")
        return None
    return None


def _value_attribute(m: SemanticModel, node: ast.Attribute) -> Value | None:
    attr = node.attr
    cls = m.class_of_instance(node.value) if type(node.value) is ast.Name else None
    if cls is not None:
        v = m.self_attribute_value(cls, attr)
        if v is not None:
            return v
        if attr in cls.attributes or attr in cls.bindings:
            return None
        return m._client_by_name(attr)
    recv = m.value(node.value)
    if recv is None:
        return None
    kind = recv.kind
    if kind in FRAMES:
        if attr == "values":
            return _v(K.ARRAY, node)
        if attr in ("index",):
            return _v(K.SERIES, node)
        if attr in ("loc", "iloc", "partitions", "T"):
            return _v(K.FRAME if kind != K.SERIES else K.SERIES, node, origin=attr)
        if attr in ("str", "dt", "cat"):
            return _v(K.GROUPBY, node, "an accessor")
        if attr == "shape" and kind != K.SERIES:
            return _v(K.CONTAINER, node, "a shape", origin=(_v(K.SCALAR, node), None))
        if attr == "size":
            return _v(K.SCALAR, node)
        if attr in V.FRAME_PLAIN_ATTRIBUTES or attr.startswith("_"):
            return None
        if kind == K.SERIES or attr in V.FRAME_METHODS_RETURNING_FRAME or \
                attr in V.FRAME_REDUCTIONS:
            return None
        return _v(K.SERIES, node)  # a column
    if kind == K.ARRAY:
        if attr in ("T", "real", "imag"):
            return _v(K.ARRAY, node)
        if attr in ("blocks", "vindex", "partitions"):
            return _v(K.ARRAY, node, origin=attr)  # an indexer: its items are arrays
        return None
    if kind == K.DELAYED:
        # Delayed.__getattr__ makes other attributes lazy; these are real ones.
        if attr in V.DELAYED_PLAIN_ATTRIBUTES or attr.startswith("_"):
            return None
        return _v(K.DELAYED, node)
    if kind == K.LARGE:
        if attr in ("values", "T", "loc", "iloc"):
            return _v(K.LARGE, node, recv.what, origin=recv.origin)
        return None
    if kind == K.GROUPBY:
        return _v(K.GROUPBY, node, origin=recv.origin) if recv.what != "an accessor" \
            else None
    return None


def _value_subscript(m: SemanticModel, node: ast.Subscript) -> Value | None:
    recv = m.value(node.value)
    if recv is None:
        return None
    kind = recv.kind
    key = node.slice
    if kind in FRAMES:
        if kind == K.SERIES:
            return _v(K.SERIES, node)
        if recv.origin == "partitions" or recv.origin in ("loc", "iloc"):
            return _v(K.FRAME, node)
        if type(key) is ast.Constant and isinstance(key.value, str):
            return _v(K.SERIES, node)
        if type(key) is ast.List:
            return _v(K.DATAFRAME, node)
        return _v(K.FRAME, node)
    if kind == K.GROUPBY:
        return _v(kind, node, recv.what, origin=recv.origin)
    if kind in (K.ARRAY, K.DELAYED):
        return _v(kind, node)
    if kind == K.CONTAINER:
        if isinstance(recv.origin, tuple):
            if type(key) is ast.Constant and type(key.value) is int:
                return element(recv, key.value)
            return None
        return recv.element if type(key) is not ast.Slice else recv
    if kind == K.LARGE:
        return _v(K.LARGE, node, recv.what, origin=recv.origin)
    return None


def _combine(values, node) -> Value | None:
    kinds = {v.kind for v in values if v is not None}
    for kind in (K.ARRAY, K.DELAYED):
        if kind in kinds:
            return _v(kind, node)
    frames = kinds & FRAMES
    if frames:
        return _v(frames.pop() if len(frames) == 1 else K.FRAME, node)
    if K.SCALAR in kinds:
        return _v(K.SCALAR, node)
    return None


def _value_binop(m: SemanticModel, node: ast.BinOp) -> Value | None:
    return _combine((m.value(node.left), m.value(node.right)), node)


def _value_unaryop(m: SemanticModel, node: ast.UnaryOp) -> Value | None:
    if type(node.op) is ast.Not:
        return None
    return _combine((m.value(node.operand),), node)


def _value_compare(m: SemanticModel, node: ast.Compare) -> Value | None:
    if len(node.ops) != 1 or type(node.ops[0]) in (ast.Is, ast.IsNot, ast.In, ast.NotIn):
        return None
    sides = (m.value(node.left), m.value(node.comparators[0]))
    if any(v is not None and v.origin in _INDEXERS for v in sides):
        return None  # ``x.blocks == view`` compares indexer objects, not data
    return _combine(sides, node)


_INDEXERS = frozenset({"blocks", "vindex", "partitions", "loc", "iloc"})


def _value_ifexp(m: SemanticModel, node: ast.IfExp) -> Value | None:
    a, b = m.value(node.body), m.value(node.orelse)
    if a is not None and b is not None and a.kind == b.kind:
        return a
    return None


def _value_sequence(m: SemanticModel, node) -> Value | None:
    elements = [m.value(e) for e in node.elts]
    origin = tuple(elements)
    kinds = {e.kind for e in elements if e is not None}
    element = next((e for e in elements if e is not None), None) \
        if len(kinds) == 1 and all(e is not None for e in elements) else None
    return _v(K.CONTAINER, node, "a list", origin=origin if type(node) is ast.Tuple else None,
              element=element)


def _value_listcomp(m: SemanticModel, node) -> Value | None:
    element = m.value(node.elt)
    if element is None:
        return None
    return _v(K.CONTAINER, node, "a list", element=element)


def _value_generator(m: SemanticModel, node) -> Value | None:
    return _v(K.RESOURCE, node, "a generator")


def _value_named(m: SemanticModel, node: ast.NamedExpr) -> Value | None:
    return m.value(node.value)


def _value_await(m: SemanticModel, node: ast.Await) -> Value | None:
    v = m.value(node.value)
    if v is not None and v.kind == K.CLIENT:
        return v  # ``await Client(asynchronous=True)``
    return None


VALUE_HANDLERS = {
    ast.Name: _value_name,
    ast.Call: _value_call,
    ast.Attribute: _value_attribute,
    ast.Subscript: _value_subscript,
    ast.BinOp: _value_binop,
    ast.UnaryOp: _value_unaryop,
    ast.Compare: _value_compare,
    ast.IfExp: _value_ifexp,
    ast.List: _value_sequence,
    ast.Tuple: _value_sequence,
    ast.ListComp: _value_listcomp,
    ast.GeneratorExp: _value_generator,
    ast.NamedExpr: _value_named,
    ast.Await: _value_await,
}
