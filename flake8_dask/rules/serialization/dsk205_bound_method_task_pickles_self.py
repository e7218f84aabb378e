"""DSK205 bound-method-task-pickles-self: a bound method task that pickles a heavy instance."""

from __future__ import annotations

import ast
from typing import Iterator

from ...findings import Finding
from ...model import K, Value
from ...model import vocabulary as V
from ..base import Rule
from ._partial import unwrap_partial


def _is_plain_method(m, fn) -> bool:
    """A def called with the instance as its first argument (not static, not class)."""
    for dec in getattr(fn, "decorator_list", ()):
        if m.qualname(dec) in ("builtins.staticmethod", "builtins.classmethod"):
            return False
    return True


class BoundMethodTaskPicklesSelf(Rule):
    """A bound method passed as a task, on an object that holds a Client, a resource or a
    large object.

    ## What it does
    Finds `self.method` (or `obj.method`, where `obj` is an instance of a class defined in
    the module) passed as a task function to `client.submit`, `client.map`, `delayed`,
    `map_partitions` and the other task entry points (also through `functools.partial`), when
    the class stores on `self` a distributed `Client` or `LocalCluster`, an unpicklable
    resource (file handle, lock, connection, ...) or a large local object (a pandas frame
    from `pd.read_*`, an array from `np.load`, a computed collection, ...).

    ## Why is this bad?
    Pickling a bound method pickles the whole instance it is bound to, with every attribute.
    Verified with distributed 2026.8: `self.client.submit(self.work, 2)` on an object that
    holds `self.client` failed with `cannot pickle 'socket' object`. With a large attribute,
    every task ships a copy of it ("Sending large graph of size ...").

    ## Example
    ```python
    class Job:
        def __init__(self, client):
            self.client = client
            self.factor = 3

        def work(self, x):
            return x * self.factor

        def run(self):
            return self.client.submit(self.work, 2).result()
    ```

    ## Use instead
    ```python
    def work(x, factor):
        return x * factor

    class Job:
        ...
        def run(self):
            return self.client.submit(work, 2, self.factor).result()
    ```

    ## Fix safety
    No automatic fix: the method must be turned into a function that takes only the fields
    it needs, which is a human decision.

    ## Options
    `dask-client-names`: an attribute assigned from a name matching these patterns (such as
    a `client` parameter) is taken as a Client.

    ## References
    - https://github.com/dask/distributed/issues/725
    - https://github.com/dask/distributed/issues/4464
    - https://distributed.dask.org/en/stable/limitations.html
    - Not flagged: classes whose attributes are plain data; `@staticmethod` and
      `@classmethod` functions; classes that customise pickling (`__getstate__`,
      `__reduce__`, ...).
    - Known limitation: attributes assigned in base classes, and instances other than `self`
      and names bound to a call of a class of this module, are not followed; class-level
      annotations count as fields only in decorated classes (dataclasses, attrs), so
      `NamedTuple` and pydantic models are missed.
    """

    code = "DSK205"
    name = "bound-method-task-pickles-self"
    node_types = (ast.Call,)
    call_names = frozenset()  # check() starts with model.entry_point(node):
    entry_points = True  # entry points only

    def check(self, node: ast.Call) -> Iterator[Finding]:
        m = self.model
        ep = m.entry_point(node)
        if ep is None or not ep.functions:
            return
        for expr in ep.functions:
            method, _ = unwrap_partial(m, expr)
            if type(method) is not ast.Attribute or type(method.value) is not ast.Name:
                continue
            cls = m.class_of_instance(method.value)
            if cls is None:
                continue
            fn = m.method_of(method)
            if fn is None or type(fn) is ast.Lambda or not _is_plain_method(m, fn):
                continue
            if any(hook in cls.bindings for hook in V.PICKLE_HOOKS):
                continue
            heavy = self._heavy_attribute(cls)
            if heavy is None:
                continue
            attr, v, line = heavy
            consequence = ("copied into every task" if v.kind == K.LARGE
                           else "which cannot be pickled")
            yield self.report(
                expr,
                f"bound method '{ast.unparse(method)}' passed to {ep.api} at "
                f"{self.model.cite(node.lineno)} pickles '{method.value.id}.{attr}': {v.what} (set "
                f"at {self.model.cite(line)}), {consequence}; use a @staticmethod instead")

    def _heavy_attribute(self, cls) -> tuple[str, Value, int] | None:
        m = self.model
        names = list(cls.attributes)
        if cls.node.decorator_list:
            # annotation-only fields are instance attributes in a dataclass or attrs class;
            # in a plain class they only document (or type) something set elsewhere
            names += [n for n, bs in cls.bindings.items() if n not in cls.attributes
                      if bs and all(b.kind == "annotation" for b in bs)]

        def first_line(attr):
            bindings = cls.attributes.get(attr) or cls.bindings.get(attr)
            return min(b.node.lineno for b in bindings)

        for attr in sorted(names, key=first_line):
            v = m.self_attribute_value(cls, attr)
            if v is None or v.kind not in (K.CLIENT, K.CLUSTER, K.RESOURCE, K.LARGE):
                continue
            line = first_line(attr)
            return attr, v, line
        return None
