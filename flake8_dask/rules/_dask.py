"""Dask policy that several rules share: which calls materialise a Dask value, and which code
runs where a failure is expected (a test of an error is not the error)."""

from __future__ import annotations

import ast

from ..model import COLLECTIONS, K
from ..model import vocabulary as V
from ..syntax import callee_name

#: The callee names :func:`compute_call` can match (for ``Rule.call_names``).
COMPUTE_CALL_NAMES = frozenset({"compute", "persist", *(
    q.rpartition(".")[2] for q in (*V.DASK_COMPUTE_FUNCTIONS, *V.DASK_PERSIST_FUNCTIONS,
                                   *V.IMPLICIT_COMPUTE_FUNCTIONS))})


def compute_call(m, node: ast.AST) -> str | None:
    """If ``node`` is a call that materialises a Dask value, say which (``.compute()``).

    Explicit: ``.compute()``/``.persist()`` on a known collection, ``dask.compute``,
    ``dask.persist``. Implicit: ``np.asarray``/``np.array``/``float``/``int``/``bool``/
    ``len``/``list`` of a known collection (not of a Delayed).
    """
    if type(node) is not ast.Call or callee_name(node) not in COMPUTE_CALL_NAMES:
        return None
    func = node.func
    if type(func) is ast.Attribute and func.attr in ("compute", "persist"):
        v = m.value(func.value)
        if v is not None and v.kind in COLLECTIONS:
            return f".{func.attr}()"
    q = m.qualname(func)
    if q in V.DASK_COMPUTE_FUNCTIONS:
        return "dask.compute()"
    if q in V.DASK_PERSIST_FUNCTIONS:
        return "dask.persist()"
    if q in V.IMPLICIT_COMPUTE_FUNCTIONS and len(node.args) == 1:
        v = m.value(node.args[0])
        if v is not None and v.kind in COLLECTIONS and v.kind != K.DELAYED:
            return f"{q.replace('builtins.', '').replace('numpy.', 'np.')}()"
    return None


def persisted(m, expr: ast.AST) -> bool:
    """``expr`` is a name every binding of which, where it is read, holds the result of a
    persist (``x = x.persist()``, ``x, = dask.persist(x)``, ``x = client.persist(x)``): its
    partitions are computed once and kept, so computing it again does not read its sources."""
    if type(expr) is not ast.Name:
        return False
    bindings = m.reaching_bindings(expr)
    if not bindings:
        return False
    for b in bindings:
        value = b.value
        if b.kind not in ("assign", "named") or type(value) is not ast.Call:
            return False
        func = value.func
        if not (type(func) is ast.Attribute and func.attr == "persist") and \
                m.qualname(func) not in V.DASK_PERSIST_FUNCTIONS:
            return False
    return True


#: Decorators whose function body is compiled, not run by Python: a fix that inserts Python
#: there may not compile (``copy.copy`` under ``numba.jit``).
_COMPILERS = ("numba.", "jax.jit", "jax.pmap", "cython.", "cupy.fuse", "cupyx.jit.",
              "taichi.", "pythran.")
#: Of those, the ones that make a (g)ufunc: its last parameters are output buffers that the
#: body fills on purpose.
_UFUNC_MAKERS = frozenset({"numba.vectorize", "numba.guvectorize", "numba.cuda.jit"})


def compiled_by(m, fn: ast.AST) -> str | None:
    """The qualified name of the compiler decorating ``fn`` (``numba.jit``), or None."""
    for decorator in getattr(fn, "decorator_list", ()):
        target = decorator.func if type(decorator) is ast.Call else decorator
        q = m.qualname(target)
        if q is not None and q.startswith(_COMPILERS):
            return q
    return None


def makes_ufunc(m, fn: ast.AST) -> bool:
    """``fn`` is compiled into a (generalized) ufunc or a kernel that writes its results
    into the buffers it is given (``@guvectorize``, ``@vectorize``, ``@cuda.jit``)."""
    for decorator in getattr(fn, "decorator_list", ()):
        target = decorator.func if type(decorator) is ast.Call else decorator
        if m.qualname(target) in _UFUNC_MAKERS:
            return True
    return False


def expects_failure(m, node: ast.AST) -> bool:
    """``node`` runs where an exception or a warning is expected (so it may be there for its
    exception, not its value): in the body of ``with pytest.raises(...)``, ``pytest.warns``,
    ``self.assertRaises(...)``, ``warnings.catch_warnings()`` ... in the same function, or in
    a lambda handed to ``pytest.raises(E, lambda: ...)``."""
    child = node
    for anc in m.ancestors(node):
        t = type(anc)
        if t in (ast.With, ast.AsyncWith) and m.field_of(child, anc) == "body":
            if any(_expects_failure_call(m, item.context_expr) for item in anc.items):
                return True
        elif t is ast.Lambda:
            return _expects_failure_call(m, m.parent(anc))
        elif isinstance(anc, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return False
        child = anc
    return False


def _expects_failure_call(m, expr: ast.AST | None) -> bool:
    if type(expr) is not ast.Call:
        return False
    if m.qualname(expr.func) in V.EXPECTED_FAILURE_CONTEXTS:
        return True
    func = expr.func
    return type(func) is ast.Attribute and func.attr in V.EXPECTED_FAILURE_METHODS
