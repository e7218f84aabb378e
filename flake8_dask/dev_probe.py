"""The child process of ``python -m flake8_dask.dev vocabulary``: calls Dask's functions on
tiny in-memory inputs, under an audit hook that refuses writes, sockets and subprocesses, and
says what each returns (see flake8_dask/dev_vocabulary.py). A developer tool: it imports Dask.
"""

from __future__ import annotations

import importlib
import json
import os
import sys

from .dev_vocabulary import INPUT_DEPENDENT, NOT_A_COLLECTION, SEVERAL_ARRAYS, UNKNOWN, \
    kind_classes


def _sandbox() -> None:
    """Refuse what a probe must never do: write or create files, open sockets, start
    processes. (A PermissionError, which import machinery shrugs off for .pyc files.)"""
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC

    def hook(event: str, args: tuple) -> None:
        if event == "open" and len(args) >= 3:
            mode, flags = args[1], args[2]
            if (isinstance(mode, str) and set(mode) & set("wax+")) or \
                    (isinstance(flags, int) and flags & write_flags):
                raise PermissionError(f"probe sandbox: no writing ({args[0]})")
        elif event.startswith(("socket.", "subprocess.", "os.system", "os.exec", "os.spawn",
                               "os.posix_spawn", "os.fork", "os.remove", "os.rename",
                               "os.rmdir", "os.mkdir", "os.unlink", "shutil.", "urllib.")):
            if event != "socket.__new__" and event != "socket.getaddrinfo":
                raise PermissionError(f"probe sandbox: {event} refused")
            if event == "socket.getaddrinfo":
                raise PermissionError("probe sandbox: no network")
    sys.addaudithook(hook)


def _inputs():
    """The tiny inputs, Dask and local: (name, dask value, local counterpart or None)."""
    import dask
    import dask.array as da
    import dask.bag as db
    import dask.dataframe as dd
    import numpy as np
    import pandas as pd
    pdf = pd.DataFrame({"a": [1, 2, 3, 4], "b": [1.0, 2.0, 3.0, 4.0]})
    ddf = dd.from_pandas(pdf, npartitions=2)
    nx = np.arange(1.0, 5.0)
    n2 = np.array([[2.0, 1.0], [1.0, 3.0]])
    return {"x": (da.from_array(nx, chunks=2), nx), "x2": (da.from_array(n2, chunks=2), n2),
            "ddf": (ddf, pdf), "s": (ddf.a, pdf.a), "b": (db.from_sequence([1, 2, 3, 4],
                                                                           npartitions=2),
                                                          [1, 2, 3, 4]),
            "d": (dask.delayed(pdf), pdf)}


#: Argument patterns tried in order; a name is an input of _inputs(), anything else literal.
_PATTERNS = (
    (), ("x",), ("x2",), ("x", "x"), (["x", "x"],), ("x", 1), ("x", 0), ("x", 1, 0),
    ("x", 0, 0), ("x2", 0, 1), ("x2", "x2"), ("x", (4,)), ("x", {0: 1}), ("ddf",), ("s",),
    (["ddf", "ddf"],), ("ddf", "ddf"), ("ddf", [0, 3]), ("b",), (["b", "b"],), ("b", "b"),
    ("b", 2), ("<identity>", "x"), ("<identity>", "ddf"), ("<identity>", "ddf", 0, 0),
    ("<identity>", "b"), ("<identity>", 0, "x"), ("<identity>", "i", "x", "i"),
    ("<identity>", "()->()", "x"), ("<sum>", "x", {0: 2}), ("<sum>", "x", 0), ("i->i", "x"),
    ("<frame-of>", [1, 2]), ("<dict>",), ("<numpy>",), ("<pandas>",), ("<list>",), ("d",),
    (["d"],), (4,), ((4,),), (0, 1, 4), (2, 2, 1), (4, [0.5, 0.5]), ("<identity>",),
)
#: Inputs tried first in each namespace (dd.to_numeric is asked about a Series first).
_PREFERRED_INPUTS = (("dask.dataframe", ("ddf", "s", "<pandas>", "<dict>", "<frame-of>")),
                     ("dask.bag", ("b", "<list>")), ("dask.array", ("x", "x2")))
_KEYWORDS = ({}, {"chunks": 2}, {"npartitions": 2}, {"size": 4, "chunks": 2}, {"axis": 0},
             {"dtype": float}, {"depth": 1, "boundary": "none"},
             {"shape": (4,), "chunks": 2, "dtype": float})


def probe_main() -> None:
    """Read names (JSON) on stdin, print {name: [kind, how]} (JSON) on stdout."""
    import signal
    import warnings

    import numpy as np
    import pandas as pd
    warnings.simplefilter("ignore")
    inputs = _inputs()
    classes = kind_classes()
    locals_ = {"<dict>": {"a": [1, 2]}, "<numpy>": np.arange(4.0),
               "<pandas>": pd.DataFrame({"a": [1, 2]}), "<list>": [1, 2, 3],
               "<identity>": lambda *a, **k: a[0] if a else None, "<sum>": np.sum,
               "<frame-of>": lambda i: pd.DataFrame({"a": [i]})}
    names = json.loads(sys.stdin.read())
    _sandbox()
    signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(TimeoutError()))

    def build(pattern, local):
        def one(a):
            if isinstance(a, list):
                return [one(e) for e in a]
            if isinstance(a, str) and a in inputs:
                return inputs[a][1 if local else 0]
            return locals_.get(a, a) if isinstance(a, str) else a
        return [one(a) for a in pattern]

    def kind_of(value) -> str | None:
        for cls, kind in classes:
            if isinstance(value, cls):
                return kind
        if isinstance(value, (tuple, list)) and value and \
                all(kind_of(v) == "Array" for v in value):
            return SEVERAL_ARRAYS
        return None

    def call(fn, args, kw):
        signal.alarm(5)
        try:
            return fn(*args, **kw)
        finally:
            signal.alarm(0)

    def frames_differ(fn, pattern, kw, kind) -> bool:
        """The same call on a Series gives the other frame kind (frame in, frame out)."""
        try:
            other = kind_of(call(fn, build([a if a != "ddf" else "s" for a in pattern],
                                           False), kw))
        except BaseException:  # noqa: B036
            return False
        return other in ("DataFrame", "Series") and other != kind

    def probe_one(fn, attr: str, preferred) -> tuple[str, str]:
        tentative = None  # a collection whose local counterpart could not be tried

        def unpreferred(pattern) -> bool:
            return not any(a in preferred for a in pattern if isinstance(a, str))

        for pattern in sorted(_PATTERNS, key=unpreferred):
            if tentative and unpreferred(pattern):
                break  # dd.to_numeric(series) decides, not dd.to_numeric(dask_array)
            for kw in _KEYWORDS:
                try:
                    value = call(fn, build(pattern, False), kw)
                except BaseException:  # noqa: B036 - any failure: try the next pattern
                    continue
                kind, shown = kind_of(value), _shown(attr, pattern, kw)
                if kind is None:
                    if not pattern:
                        continue  # delayed() is a curry: ask again with an argument
                    return NOT_A_COLLECTION, f"probe {shown} -> {type(value).__name__}"
                if any(isinstance(a, str) and a in inputs or isinstance(a, list) and
                       any(e in inputs for e in a) for a in pattern):
                    try:
                        local = call(fn, build(pattern, True), kw)
                    except BaseException:  # noqa: B036 - inconclusive: look further
                        tentative = tentative or (kind, f"probe {shown} (raises on local "
                                                        "inputs)")
                        continue
                    if kind_of(local) is None:
                        return INPUT_DEPENDENT, (f"probe {shown} -> {kind}; with local "
                                                 f"inputs -> {type(local).__name__}")
                if kind in ("DataFrame", "Series") and "ddf" in pattern and \
                        frames_differ(fn, pattern, kw, kind):
                    return "DataFrame or Series", f"probe {shown} and on a Series"
                return kind, f"probe {shown}"
        return tentative or (UNKNOWN, "probe: no pattern of arguments was accepted")

    results = {}
    for name in names:
        module, _, attr = name.rpartition(".")
        preferred = next((inputs_ for prefix, inputs_ in _PREFERRED_INPUTS
                          if module.startswith(prefix)), ())
        results[name] = probe_one(getattr(importlib.import_module(module), attr), attr,
                                  preferred)
    print(json.dumps(results))


def _shown(attr: str, pattern, kw) -> str:
    args = [repr(a) if not isinstance(a, str) else a.strip("<>") for a in pattern]
    args += [f"{k}={v!r}" for k, v in kw.items()]
    return f"{attr}({', '.join(args)})"
