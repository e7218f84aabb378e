"""Mutation (DSK206, DSK207)."""

from __future__ import annotations

#: Constructors of plain mutable containers: a module-level name bound only to one of these
#: (or to a list, dict or set display) is shared state when a task mutates it.
MUTABLE_CONTAINER_CONSTRUCTORS = frozenset({
    "builtins.list", "builtins.dict", "builtins.set", "builtins.bytearray",
    "collections.defaultdict", "collections.OrderedDict", "collections.Counter",
    "collections.deque",
})
#: Methods that change a builtin container in place.
CONTAINER_MUTATORS = frozenset({
    "append", "extend", "insert", "update", "add", "pop", "popitem", "setdefault", "clear",
    "remove", "discard", "appendleft", "extendleft", "popleft", "sort", "reverse",
})
#: Methods that change their receiver in place whatever it is (list, dict, DataFrame,
#: ndarray), and whose result is often used.
INPUT_MUTATORS_ALWAYS = frozenset({"pop", "popitem", "setdefault"})
#: Methods that change their receiver in place when called for their effect (a bare
#: statement). Used for a value (``df = df.append(x)`` in old pandas) they may return a copy.
INPUT_MUTATORS_STATEMENT = frozenset({
    "append", "extend", "insert", "update", "clear", "remove", "discard", "sort", "reverse",
    "fill", "resize",
})
#: Indexers through which a subscript assignment writes into a pandas object.
PANDAS_INDEXERS = frozenset({"loc", "iloc", "at", "iat"})
#: Functions that change an argument in place: qualified name -> argument position.
IN_PLACE_FUNCTIONS = {
    "random.shuffle": 0,
    "numpy.random.shuffle": 0,
    "numpy.copyto": 0,
    "numpy.put": 0,
    "numpy.place": 0,
    "numpy.putmask": 0,
    "numpy.fill_diagonal": 0,
}
#: Annotations of parameters that are mutable, so ``p += x`` changes the caller's object.
MUTABLE_ANNOTATIONS = frozenset({
    "builtins.list", "builtins.dict", "builtins.set", "builtins.bytearray",
    "typing.List", "typing.Dict", "typing.Set", "typing.DefaultDict", "typing.OrderedDict",
    "typing.Counter", "typing.Deque", "typing.MutableMapping", "typing.MutableSequence",
    "typing.MutableSet", "collections.abc.MutableMapping", "collections.abc.MutableSequence",
    "collections.abc.MutableSet", "collections.defaultdict", "collections.OrderedDict",
    "collections.Counter", "collections.deque", "numpy.ndarray", "pandas.DataFrame",
    "pandas.Series",
})
#: Special methods that customise pickling: an instance that defines one may drop its
#: unpicklable or heavy attributes when a bound method is shipped.
PICKLE_HOOKS = frozenset({"__getstate__", "__reduce__", "__reduce_ex__", "__getnewargs__",
                          "__getnewargs_ex__"})
