"""# TRANSITIONAL: delete this module once the rule split (#11) has merged.

The rules' own helpers replace these: ``compute_call``, ``expects_failure`` and
``COMPUTE_CALL_NAMES`` in ``flake8_dask/rules/_dask.py``, ``function_label`` and
``callee_name`` (``call_name`` here) in ``flake8_dask/syntax.py``. They stay in the model only
while rules still call them. To delete: this file, ``Transitional`` among the bases of
:class:`~.semantic.SemanticModel`, and the import marked TRANSITIONAL in ``semantic.py``
(``tests/test_architecture.py`` tells when no rule uses them any more).
"""

from __future__ import annotations

import ast

from ..syntax import callee_name, function_label
from . import vocabulary as V
from .kinds import COLLECTIONS, K

#: The last name of a call's callee (now :func:`flake8_dask.syntax.callee_name`).
call_name = callee_name

#: The callee names :meth:`Transitional.compute_call` can match (for ``Rule.call_names``).
COMPUTE_CALL_NAMES = frozenset({"compute", "persist", "asarray", "array", "float", "int", "bool",
                                "len", "list"})


class Transitional:
    """The model's copies of rule helpers (a mixin of :class:`~.semantic.SemanticModel`)."""

    def compute_call(self, node: ast.AST) -> str | None:
        """If ``node`` is a call that materialises a Dask value, say which ("x.compute()").

        Explicit: ``.compute()``/``.persist()`` on a known collection, ``dask.compute``,
        ``dask.persist``. Implicit: ``np.asarray``/``np.array``/``float``/``int``/``bool``/
        ``len``/``list`` of a known collection.
        """
        if type(node) is not ast.Call or callee_name(node) not in COMPUTE_CALL_NAMES:
            return None
        func = node.func
        if type(func) is ast.Attribute and func.attr in ("compute", "persist"):
            v = self.value(func.value)
            if v is not None and v.kind in COLLECTIONS:
                return f".{func.attr}()"
        q = self.qualname(func)
        if q in V.DASK_COMPUTE_FUNCTIONS:
            return "dask.compute()"
        if q in V.DASK_PERSIST_FUNCTIONS:
            return "dask.persist()"
        if q in V.IMPLICIT_COMPUTE_FUNCTIONS and len(node.args) == 1:
            v = self.value(node.args[0])
            if v is not None and v.kind in COLLECTIONS and v.kind != K.DELAYED:
                return f"{q.replace('builtins.', '').replace('numpy.', 'np.')}()"
        return None

    def expects_failure(self, node: ast.AST) -> bool:
        """``node`` runs where an exception or a warning is expected (so it may be there for
        its exception, not its value): in the body of ``with pytest.raises(...)``,
        ``pytest.warns``, ``self.assertRaises(...)``, ``warnings.catch_warnings()`` ... in the
        same function, or in a lambda handed to ``pytest.raises(E, lambda: ...)``."""
        child = node
        for anc in self.ancestors(node):
            t = type(anc)
            if t in (ast.With, ast.AsyncWith) and self.field_of(child, anc) == "body":
                if any(self._expects_failure_call(item.context_expr) for item in anc.items):
                    return True
            elif t is ast.Lambda:
                return self._expects_failure_call(self._parents.get(anc))
            elif isinstance(anc, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                return False
            child = anc
        return False

    def _expects_failure_call(self, expr: ast.AST | None) -> bool:
        if type(expr) is not ast.Call:
            return False
        if self.qualname(expr.func) in V.EXPECTED_FAILURE_CONTEXTS:
            return True
        func = expr.func
        return type(func) is ast.Attribute and func.attr in V.EXPECTED_FAILURE_METHODS

    function_label = staticmethod(function_label)
