"""The package's shape (#11): modules import each other without a circle, the model stands below
the rules and the fix command, and no file grows past a size one can read.

The import graph is read from the source, not from ``sys.modules``: every ``import`` and
``from ... import`` of a flake8_dask module, at module level or inside a function, except those
under ``if TYPE_CHECKING:`` (annotations only, never run). ``from package import name`` is an
edge to ``package.name`` when that is a module, else to ``package`` (its ``__init__``). The
implicit import of a parent package is not an edge (Python runs ``__init__`` first, but a
module may import its own package's submodules without a circle).
"""

from __future__ import annotations

import ast
import functools
import importlib
from pathlib import Path

from conftest import ROOT
from flake8_dask.model import vocabulary as V

PACKAGE = ROOT / "flake8_dask"
MAX_LINES = 600


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(test: ast.AST) -> bool:
    return (type(test) is ast.Name and test.id == "TYPE_CHECKING") or (
        type(test) is ast.Attribute and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST, *, type_checking: bool):
    """Every Import/ImportFrom node of ``tree``, at any depth; those in the body of an
    ``if TYPE_CHECKING:`` only when ``type_checking``."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if type(node) in (ast.Import, ast.ImportFrom):
            yield node
            continue
        if type(node) is ast.If and _is_type_checking(node.test) and not type_checking:
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))


def _targets(module: str, node: ast.AST) -> set[str]:
    """The flake8_dask modules an import statement of ``module`` imports."""
    if type(node) is ast.Import:
        return {a.name for a in node.names if a.name in MODULES}
    base = node.module or ""
    if node.level:
        package = module if MODULES[module].name == "__init__.py" else \
            module.rpartition(".")[0]
        for _ in range(node.level - 1):
            package = package.rpartition(".")[0]
        base = f"{package}.{base}" if base else package
    found = set()
    for alias in node.names:
        sub = f"{base}.{alias.name}"
        if sub in MODULES:
            found.add(sub)
        elif base in MODULES:
            found.add(base)
    return found


@functools.lru_cache(maxsize=None)  # the package does not change during a test run
def import_graph(*, type_checking: bool = False) -> dict[str, set[str]]:
    graph = {}
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        graph[module] = set()
        for node in _imports(tree, type_checking=type_checking):
            graph[module] |= _targets(module, node)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module, or of one module that
    imports itself (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph[node]:
                    found.append(sorted(component))
    return found


def test_the_graph_sees_function_level_imports_and_skips_type_checking():
    tree = ast.parse("from typing import TYPE_CHECKING\n"
                     "if TYPE_CHECKING:\n    from .b import X\n"
                     "def f():\n    from .c import Y\n")
    assert sorted(n.module for n in _imports(tree, type_checking=False)) == ["c", "typing"]
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"d"}, "e": {"a"}}
    assert sorted(cycles(graph)) == [["a", "b", "c"], ["d"]]


def test_the_graph_sees_the_model():
    graph = import_graph()
    assert "flake8_dask.model.values" in graph["flake8_dask.model.semantic"]
    assert "flake8_dask.model.vocabulary" in graph["flake8_dask.model.values"]
    assert "flake8_dask.options" in graph["flake8_dask.model.semantic"]


def test_no_import_cycle():
    assert cycles(import_graph()) == []


def test_options_import_nothing_of_the_package():
    """The model and every front end import the options: they stand below all of them."""
    assert import_graph(type_checking=True)["flake8_dask.options"] == set()


#: What the model stands below (the analysis and its front ends), annotations included.
ABOVE_THE_MODEL = ("flake8_dask.rules", "flake8_dask.fix", "flake8_dask.checker",
                   "flake8_dask.plugin", "flake8_dask.docs", "flake8_dask.project")


def test_the_model_imports_neither_the_rules_nor_the_fix_command():
    graph = import_graph(type_checking=True)
    for module, targets in graph.items():
        if module.startswith("flake8_dask.model"):
            bad = {t for t in targets if t.startswith(ABOVE_THE_MODEL)}
            assert not bad, f"{module} imports {sorted(bad)}"


def _too_long(paths):
    lengths = {p: len(p.read_text(encoding="utf-8").splitlines()) for p in paths}
    return {str(p.relative_to(ROOT)): n for p, n in lengths.items() if n > MAX_LINES}


def test_no_model_file_over_600_lines():
    assert _too_long(MODULES[m] for m in MODULES if m.startswith("flake8_dask.model")) == {}


def test_no_file_over_600_lines():
    assert _too_long(MODULES.values()) == {}


def test_the_vocabulary_package_exports_every_name_of_its_modules():
    """``V.X`` works for every table, whichever module of the package defines it."""
    for module, path in MODULES.items():
        if module.startswith("flake8_dask.model.vocabulary."):
            defined = _defined_names(ast.parse(path.read_text(encoding="utf-8")))
            namespace = vars(importlib.import_module(module))
            missing = [n for n in defined if getattr(V, n, None) is not namespace[n]]
            assert defined and not missing, f"{module}: {missing}"


def _defined_names(tree: ast.Module) -> list[str]:
    names = []
    for node in tree.body:
        if type(node) is ast.Assign:
            names += [t.id for t in node.targets if type(t) is ast.Name]
        elif type(node) is ast.AnnAssign and type(node.target) is ast.Name:
            names.append(node.target.id)
        elif type(node) in (ast.FunctionDef, ast.ClassDef):
            names.append(node.name)
    return names


def _rule_module(module: str) -> bool:
    """``flake8_dask.rules.<family>.dskNNN_<name>``: a module that holds one rule."""
    parts = module.split(".")
    return len(parts) == 4 and parts[1] == "rules" and parts[3].startswith("dsk")


def test_no_rule_module_imports_another():
    """What two rules share lives in a family's private module, the rules' shared modules
    or the model, never in one of the two rules."""
    graph = import_graph(type_checking=True)
    bad = {m: sorted(t for t in targets if _rule_module(t))
           for m, targets in graph.items() if m.startswith("flake8_dask.rules")}
    assert {m: t for m, t in bad.items() if t} == {}


def test_rules_use_the_public_model():
    """Rules import the model's package (its ``__all__``) and its vocabulary, never one of
    its other submodules, and no name that starts with an underscore."""
    allowed = {"flake8_dask.model", "flake8_dask.model.vocabulary"}
    bad = []
    for module, path in MODULES.items():
        if not module.startswith("flake8_dask.rules"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in _imports(tree, type_checking=True):
            for target in _targets(module, node):
                if target.startswith("flake8_dask.model") and target not in allowed:
                    bad.append(f"{module}: {target}")
            if type(node) is ast.ImportFrom:
                bad += [f"{module}: {a.name}" for a in node.names
                        if a.name.startswith("_") and a.name != "_edits" and
                        not (node.level and a.name.startswith("_") and node.module is None)]
    assert not bad, bad


#: What the project layer (the other modules' summaries, #13) stands below.
ABOVE_THE_PROJECT = ("flake8_dask.rules", "flake8_dask.fix", "flake8_dask.checker",
                     "flake8_dask.plugin", "flake8_dask.docs")


def test_the_project_layer_stands_between_the_model_and_the_checker():
    graph = import_graph(type_checking=True)
    project = {m: t for m, t in graph.items() if m.startswith("flake8_dask.project")}
    assert project, "flake8_dask.project not found"
    for module, targets in project.items():
        bad = {t for t in targets if t.startswith(ABOVE_THE_PROJECT)}
        assert not bad, f"{module} imports {sorted(bad)}"
    assert "flake8_dask.project" in graph["flake8_dask.checker"]
