"""``python -m flake8_dask.dev vocabulary``: the producers of the vocabulary checked against the
public API of the installed Dask (issue #13).

Lists every public function (and class) of dask.dataframe, dask.array (with its random,
linalg, fft, ma, stats, image and overlap namespaces), dask.bag, dask.delayed, dask.datasets
and distributed (module functions and Client methods), decides what each returns, and compares
that with what the semantic model says a call of it gives. How a kind is decided, in order:

1. **annotation**: the function's own return annotation names a Dask class;
2. **docstring**: its numpydoc ``Returns`` section names one Dask type, or its summary line
   says it creates or reads one ("Read CSV files into a Dask.DataFrame");
3. **probe**: when the docs are silent or ambiguous (a NumPy docstring copied by
   ``derived_from`` says "ndarray or scalar"), the function is called on tiny in-memory inputs
   in a child process whose audit hook refuses writes, sockets and subprocesses; the call is
   then repeated with the NumPy/pandas/list counterpart of each Dask input, and a function that
   returns a local object for local inputs is *input-dependent* (a ufunc: ``da.sin(np_x)`` is
   NumPy's). Readers, writers and anything that names I/O are never called.

A developer tool: it imports Dask; nothing in the plugin's path imports this module.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

#: Kinds a producer may have, as the table spells them, and the model's kind for each.
PRODUCER_KINDS = ("DataFrame", "Series", "DataFrame or Series", "Array", "Bag", "Scalar",
                  "Delayed", "Future", "list of Futures", "Client")
#: Outcomes that are not one kind: reported, never required of the vocabulary.
INPUT_DEPENDENT = "input-dependent"
SEVERAL_ARRAYS = "tuple of Arrays"
NOT_A_COLLECTION = "not a collection"
UNKNOWN = "unknown"

ALL = "__all__"  # the namespace's __all__ (or dir()), whatever module defines each object
DEFINED = "defined"  # the public names the namespace defines itself

#: The namespaces listed, and which of their names are public API.
NAMESPACES = (
    ("dask", DEFINED),
    ("dask.dataframe", ALL),
    ("dask.array", ALL),
    ("dask.array.random", DEFINED),
    ("dask.array.linalg", DEFINED),
    ("dask.array.fft", DEFINED),
    ("dask.array.ma", DEFINED),
    ("dask.array.stats", ALL),
    ("dask.array.image", DEFINED),
    # the documented names of the overlap module (its other functions are helpers)
    ("dask.array.overlap", ("overlap", "map_overlap", "trim_internal", "trim_overlap",
                            "sliding_window_view")),
    ("dask.array.lib.stride_tricks", ALL),
    ("dask.bag", ALL),
    ("dask.bag.random", DEFINED),
    ("dask.datasets", DEFINED),
    ("distributed", ALL),
)

#: Producers the vocabulary leaves out on purpose, each with its reason. The test fails on a
#: producer that is neither in the vocabulary nor here.
EXCLUSIONS = {
    "dask.dataframe.Index": "an Index: the model has no kind for it (a Series would be wrong "
                            "for set operations)",
    "dask.dataframe.from_graph": "internal: rebuilds a collection from a graph and meta",
    "dask.array.atop": "deprecated alias of blockwise, raises a FutureWarning",
    "dask.array.stats.chisquare": "returns a Delayed result object, not an array; rare",
    "dask.array.stats.power_divergence": "returns a Delayed result object, not an array; rare",
    "distributed.futures_of": "a list of Futures: the model spells it a container of Futures, "
                              "which a table of qualified names cannot give (needs a handler)",
}

#: Names of earlier Dask versions the vocabulary keeps for code written against them (the
#: plugin supports dask >= 2024.1): not reported as missing from the installed Dask.
FORMER_NAMES = {
    "dask.dataframe.multi.concat": "the legacy dask.dataframe (before dask-expr)",
    "dask.dataframe.from_legacy_dataframe": "dask-expr 1.x (dask 2024.x)",
    "dask.dataframe.from_dask_dataframe": "dask-expr 1.x (dask 2024.x)",
}

#: Names that would call outside the process (files, network, a cluster) if probed.
_IO_NAME = re.compile(r"^(read_|to_(csv|parquet|hdf|hdf5|sql|json|orc|textfiles|zarr|"
                      r"npy_stack|tiledb)$|from_(url|zarr|tiledb|npy_stack)$|store$|imread$|"
                      r"compute$|persist$|visualize$|optimize$|get$|register|wait|annotate$|"
                      r"progress$|connect$|print$|warn$|sync$|fire_and_forget$|secede$|"
                      r"rejoin$|make_people$|assert_eq$)")


@dataclass(frozen=True)
class Entry:
    """One public name and what it returns."""

    name: str  # qualified, as the namespace exports it
    kind: str  # one of PRODUCER_KINDS, or an outcome above
    how: str  # "annotation", "docstring Returns", "docstring summary", "probe f(x)", ...


# ------------------------------------------------------------------------------ listing
def public_names(module_name: str, which) -> list[tuple[str, object]]:
    """(qualified name, object) of the namespace's public callables."""
    module = importlib.import_module(module_name)
    if isinstance(which, tuple):
        names = which
    elif which == ALL:
        names = getattr(module, "__all__", None) or dir(module)
    else:
        names = dir(module)
    found = []
    for n in sorted(names):
        obj = getattr(module, n, None)
        if n.startswith("_") or obj is None or inspect.ismodule(obj) or not callable(obj):
            continue
        defined_in = getattr(obj, "__module__", "") or ""
        if which == DEFINED and not _defined_in(obj, module):
            continue
        if inspect.isclass(obj) and not defined_in.startswith(("dask", "distributed")):
            continue  # NumPy's dtypes re-exported by dask.array
        found.append((f"{module_name}.{n}", obj))
    return found


def _defined_in(obj: object, module) -> bool:
    """Whether ``module`` (or a submodule of its package) defines ``obj``: by the file of the
    object's own code, since ``derived_from`` gives Dask's wrappers NumPy's ``__module__``."""
    if getattr(obj, "__module__", None) == module.__name__:
        return True
    code = getattr(getattr(obj, "func", obj), "__code__", None)
    where = getattr(module, "__file__", None)
    if code is None or where is None:
        return False
    if where.endswith("__init__.py"):
        return code.co_filename.startswith(os.path.dirname(where))
    return code.co_filename == where


def _client_methods() -> list[tuple[str, object]]:
    from distributed import Client
    out = []
    for n in sorted(dir(Client)):
        if n.startswith("_"):
            continue
        static = inspect.getattr_static(Client, n)
        if isinstance(static, (property, type)) or not callable(getattr(Client, n)):
            continue
        out.append((f"distributed.Client.{n}", getattr(Client, n)))
    return out


# ------------------------------------------------------------------------------ static evidence
def kind_classes() -> list[tuple[type, str]]:
    """The Dask classes of each kind, most specific first."""
    import dask.array as da
    import dask.bag as db
    import dask.dataframe as dd
    from dask.delayed import Delayed
    out = [(dd.Series, "Series"), (dd.DataFrame, "DataFrame"), (dd.Scalar, "Scalar"),
           (da.Array, "Array"), (db.Bag, "Bag"), (db.Item, "Scalar"), (Delayed, "Delayed")]
    try:
        import distributed
        out += [(distributed.Future, "Future"), (distributed.Client, "Client")]
    except ImportError:  # pragma: no cover - distributed is in the test extra
        pass
    return out


_DASK_TYPE_WORDS = (  # (regex over a Returns type or a summary, kind); first match wins
    (r"dataframe\s*/\s*series|dataframe or (dask\.)?series", "DataFrame or Series"),
    (r"\bdask[ ._]?series\b|\bdask\.dataframe\.series\b|^series\b", "Series"),
    (r"\bdask[ ._]?dataframe\b|\bdataframe collection\b|^dataframe\b", "DataFrame"),
    (r"\bdask[ ._]?array(\.array)?\b|\bdask arrays?\b|^array\b|^\(.*\) array\b", "Array"),
    (r"\bdask[ ._]?bag(\.bag)?\b|^bag\b", "Bag"),
    (r"^list\[future|^list of futures|list\[future\]", "list of Futures"),
    (r"^future\b", "Future"),
    (r"^delayed\b", "Delayed"),
    (r"^client\b", "Client"),
)
#: Words of a Returns type that make it something else too ("ndarray or scalar").
_OTHER_WORDS = re.compile(r"\b(or|scalar|float|int|bool|list|tuple|dict|none|iterator|queue|"
                          r"\[|,)", re.I)
_SUMMARY_VERB = re.compile(r"^(create|read|load|construct|make|generate|build|convert)\b", re.I)


def _returns_text(doc: str) -> list[str]:
    """The lines of a numpydoc ``Returns`` section, as written."""
    lines = inspect.cleandoc(doc).splitlines()
    for i, line in enumerate(lines[:-1]):
        if line.strip() == "Returns" and set(lines[i + 1].strip()) == {"-"}:
            out = []
            for entry in lines[i + 2:]:
                if not entry.strip():
                    break
                out.append(entry)
            return out
    return []


def _returns_types(doc: str) -> list[str]:
    """The type of each entry of a numpydoc ``Returns`` section (its unindented lines)."""
    types = []
    for entry in _returns_text(doc):
        if not entry.startswith((" ", "\t")):
            name, sep, typ = entry.partition(":")
            types.append((typ if sep else name).strip())
    return types


def _word_kind(text: str) -> str | None:
    """The Dask kind the text names first ("Create Dask Bag from a Dask DataFrame": Bag)."""
    low = text.strip().lower()
    found = [(m.start(), -len(m.group()), kind) for pattern, kind in _DASK_TYPE_WORDS
             for m in [re.search(pattern, low)] if m]
    return min(found)[2] if found else None


def static_kind(name: str, obj: object) -> Entry | None:
    """What the annotation or the docstring says, when it says one kind."""
    for cls, kind in kind_classes():
        if inspect.isclass(obj) and issubclass(obj, cls):
            return Entry(name, kind, "class")
    if inspect.isclass(obj):
        return Entry(name, NOT_A_COLLECTION, "class")
    if type(obj).__name__ in ("ufunc", "frompyfunc") and \
            type(obj).__module__ == "dask.array.ufunc":
        return Entry(name, INPUT_DEPENDENT, "a dask.array ufunc: NumPy's result unless an "
                                            "argument is a Dask collection")
    try:
        ann = inspect.signature(obj, follow_wrapped=False).return_annotation
    except (TypeError, ValueError):
        ann = inspect.Signature.empty
    if ann is not inspect.Signature.empty:
        text = ann if isinstance(ann, str) else getattr(ann, "__name__", str(ann))
        kind = _annotation_kind(ann, text)
        if kind is not None:
            return Entry(name, kind, "annotation")
    doc = inspect.getdoc(obj) or ""
    if "docstring was copied from" in doc:
        return None  # NumPy's or pandas' types, not Dask's: the probe decides
    types = _returns_types(doc)
    if re.search(r"depending on|matching the type of|if input is", " ".join(
            _returns_text(doc)), re.I):
        return Entry(name, INPUT_DEPENDENT, "docstring Returns")
    if len(types) == 1:
        kind = _word_kind(types[0])
        if kind is not None and not _OTHER_WORDS.search(types[0]):
            return Entry(name, kind, "docstring Returns")
    elif len(types) > 1 and all(_word_kind(t) == "Array" for t in types):
        return Entry(name, SEVERAL_ARRAYS, "docstring Returns")
    summary = doc.split("\n\n")[0].replace("\n", " ")
    if _SUMMARY_VERB.match(summary):
        kind = _word_kind(summary)
        if kind is not None:
            return Entry(name, kind, "docstring summary")
    return None


def _annotation_kind(ann, text: str) -> str | None:
    if inspect.isclass(ann):
        for cls, kind in kind_classes():
            if issubclass(ann, cls):
                return kind
        return None
    text = text.replace("distributed.client.", "")
    if re.fullmatch(r"(Array|DataFrame|Series|Bag|Delayed|Client)", text):
        return "DataFrame" if text == "DataFrame" else text
    if re.fullmatch(r"Future(\[.*\])?", text):
        return "Future"
    if re.fullmatch(r"list\[Future(\[.*\])?\]", text):
        return "list of Futures"
    return None


# ------------------------------------------------------------------------------ probing
def probe(names: list[str], timeout: float = 300.0) -> dict[str, tuple[str, str]]:
    """Call each function on tiny inputs in a sandboxed child process: {name: (kind, how)}."""
    if not names:
        return {}
    root = str(Path(__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": root, "PYTHONDONTWRITEBYTECODE": "1",
           "DASK_SCHEDULER": "synchronous"}
    code = "from flake8_dask.dev_probe import probe_main; probe_main()"
    done = subprocess.run([sys.executable, "-c", code], input=json.dumps(names), env=env,
                          capture_output=True, text=True, timeout=timeout,
                          cwd=tempfile.gettempdir())
    if done.returncode != 0:
        raise RuntimeError(f"the probe process failed:\n{done.stderr[-2000:]}")
    return {k: tuple(v) for k, v in json.loads(done.stdout.splitlines()[-1]).items()}


# ------------------------------------------------------------------------------ the table
def api_table(*, probing: bool = True) -> list[Entry]:
    """Every public callable of the namespaces and Client's methods, with what it returns."""
    listed: dict[str, object] = {}
    for module, which in NAMESPACES:
        try:
            listed.update(public_names(module, which))
        except ImportError:
            continue  # an optional namespace whose dependencies are missing
    try:
        listed.update(_client_methods())
    except ImportError:  # pragma: no cover - distributed is in the test extra
        pass
    entries, to_probe = [], []
    for name, obj in listed.items():
        found = static_kind(name, obj)
        if found is not None:
            entries.append(found)
        elif name.startswith("distributed.") or _IO_NAME.match(name.rpartition(".")[2]):
            entries.append(Entry(name, UNKNOWN, "docs silent; not probed (I/O or a cluster)"))
        elif probing:
            to_probe.append(name)
        else:
            entries.append(Entry(name, UNKNOWN, "docs silent; probing off"))
    entries += [Entry(n, kind, how) for n, (kind, how) in probe(to_probe).items()]
    return sorted(entries, key=lambda e: e.name)


_MODEL_NAMES = {"DATAFRAME": "DataFrame", "SERIES": "Series", "FRAME": "DataFrame or Series",
                "ARRAY": "Array", "BAG": "Bag", "SCALAR": "Scalar", "DELAYED": "Delayed",
                "FUTURE": "Future", "CLIENT": "Client"}
_FRAME_KINDS = frozenset({"DataFrame", "Series", "DataFrame or Series"})


def model_kind(name: str) -> str | None:
    """What the semantic model says a call of ``name`` gives (None: unknown)."""
    from .model import K, SemanticModel
    if name.startswith("distributed.Client."):
        method = name.rpartition(".")[2]  # on an instance, or on the class (Client.current())
        sources = (f"from distributed import Client\nclient = Client()\nclient.{method}(f, x)\n",
                   f"from distributed import Client\nClient.{method}()\n")
    else:
        module, _, attr = name.rpartition(".")
        sources = (f"from {module} import {attr} as target\ntarget(x)\n",)
    value = None
    for source in sources:
        tree = ast.parse(source)
        value = value or SemanticModel(tree).build().value(tree.body[-1].value)
    if value is None:
        return None
    if value.kind == K.CONTAINER and value.element is not None and \
            value.element.kind == K.FUTURE:
        return "list of Futures"
    return _MODEL_NAMES.get(value.kind.name)


def compatible(api: str, model: str | None) -> bool:
    """The model's kind agrees with the API's (a frame for a frame, a Future for one of a
    list/Future input-dependent method is checked elsewhere)."""
    if model is None:
        return False
    return api == model or (api in _FRAME_KINDS and model in _FRAME_KINDS)


def vocabulary_names() -> set[str]:
    """The qualified names the vocabulary's producer tables hold."""
    from .model import vocabulary as V
    return (set(V.DASK_DATAFRAME_FUNCTIONS_RETURNING) | set(V.DELAYED_FUNCTIONS) |
            set(V.CLIENT_FACTORIES) | {f"dask.array.{n}" for n in V.DASK_ARRAY_CREATORS} |
            {f"dask.bag.{n}" for n in V.DASK_BAG_CREATORS} |
            {f"distributed.Client.{n}" for n in V.CLIENT_METHODS_RETURNING})


def _resolves(name: str) -> bool | None:
    """Whether the installed packages have ``name`` (None: its package is not installed)."""
    parts = name.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for attr in parts[i:]:
            obj = getattr(obj, attr, None)
            if obj is None:
                return False
        return True
    return None


@dataclass(frozen=True)
class Comparison:
    missing: list[Entry]  # producers the model does not know
    different: list[tuple[Entry, str]]  # producers the model gives another kind
    stale: list[str]  # vocabulary names the installed Dask does not have
    not_producers: list[tuple[str, Entry]]  # vocabulary names whose API says otherwise
    unchecked: list[str]  # vocabulary names of packages that are not installed


def compare(entries: list[Entry]) -> Comparison:
    from .model.vocabulary import canonical
    missing, different = [], []
    for e in entries:
        if e.kind not in PRODUCER_KINDS or e.name in EXCLUSIONS:
            continue
        got = model_kind(e.name)
        if got is None:
            missing.append(e)
        elif not compatible(e.kind, got):
            different.append((e, got))
    by_canonical: dict[str, Entry] = {}
    for e in entries:
        by_canonical.setdefault(canonical(e.name), e)
    stale, not_producers, unchecked = [], [], []
    for name in sorted(vocabulary_names()):
        entry = by_canonical.get(name)
        if entry is None:
            found = _resolves(name)
            if found is None:
                unchecked.append(name)
            elif not found and name not in FORMER_NAMES:
                stale.append(name)
        elif entry.kind not in PRODUCER_KINDS:
            not_producers.append((name, entry))
    return Comparison(missing, different, stale, not_producers, unchecked)


def report(out, *, show_all: bool = False, probing: bool = True) -> int:
    """Print the table and the differences; 1 when a producer is missing or a name stale."""
    import dask
    entries = api_table(probing=probing)
    result = compare(entries)
    versions = f"dask {dask.__version__}"
    try:
        import distributed
        versions += f", distributed {distributed.__version__}"
    except ImportError:  # pragma: no cover
        pass
    print(f"# Public API of {versions}: {len(entries)} callables", file=out)
    shown = [e for e in entries if show_all or e.kind not in (NOT_A_COLLECTION, UNKNOWN)]
    width = max((len(e.name) for e in shown), default=10)
    for e in shown:
        note = f"  (excluded: {EXCLUSIONS[e.name]})" if e.name in EXCLUSIONS else ""
        print(f"{e.name:<{width}}  {e.kind:<20}  {e.how}{note}", file=out)
    counts: dict[str, int] = {}
    for e in entries:
        counts[e.kind] = counts.get(e.kind, 0) + 1
    print("\n# Kinds: " + ", ".join(f"{k}: {n}" for k, n in sorted(counts.items())), file=out)
    sections = (
        ("Producers the vocabulary lacks", [f"{e.name}  ({e.kind}; {e.how})"
                                            for e in result.missing]),
        ("Producers the model gives another kind", [f"{e.name}  (API: {e.kind}; model: {m})"
                                                    for e, m in result.different]),
        ("Vocabulary names the installed Dask does not have", result.stale),
        ("Vocabulary names that are not producers per the API (input-dependent, a tuple, "
         "something else)", [f"{n}  ({e.kind}; {e.how})" for n, e in result.not_producers
                             if e.kind != UNKNOWN]),
        ("Vocabulary names the API table could not decide (docs silent, I/O not probed)",
         [f"{n}  ({e.how})" for n, e in result.not_producers if e.kind == UNKNOWN]),
        ("Vocabulary names of packages not installed (not checked)", result.unchecked),
    )
    for title, lines in sections:
        print(f"\n# {title}: {len(lines)}", file=out)
        for line in lines:
            print(f"  {line}", file=out)
    return 1 if result.missing or result.stale else 0
