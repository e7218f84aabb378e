"""The dispatcher's shortcuts lose nothing, and analysed trees are freed without the cyclic
garbage collector (what keeps the fix command's memory flat over many files)."""
import ast
import gc

import pytest

from conftest import analyze_source, fixture_files
from flake8_dask.checker import analyze, releasing
from flake8_dask.model import SemanticModel
from flake8_dask.plugin import DaskChecker
from flake8_dask.rules import ALL_RULES


def _all(findings):
    return [(f.line, f.col, f.end_line, f.end_col, f.code, f.message) for f in findings]


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: p.name)
def test_call_filters_change_no_finding(path, monkeypatch):
    """Every rule sees every call and every attribute when the filters are off: same
    findings, same order."""
    source = path.read_text(encoding="utf-8")
    filtered = _all(analyze_source(source))
    for rule in ALL_RULES:
        monkeypatch.setattr(rule, "call_names", None)
        monkeypatch.setattr(rule, "entry_points", False)
        monkeypatch.setattr(rule, "attribute_names", None)
    assert _all(analyze_source(source)) == filtered


def test_attribute_names_only_on_attribute_rules():
    for rule in ALL_RULES:
        if rule.attribute_names is not None:
            assert ast.Attribute in rule.node_types, rule.code
            assert isinstance(rule.attribute_names, frozenset) and rule.attribute_names, \
                rule.code


@pytest.mark.parametrize("path", fixture_files()[:1] + fixture_files()[-1:],
                         ids=lambda p: p.name)
def test_the_tree_is_left_as_it_was(path):
    """The model keeps parents and scopes in its own tables: every node of flake8's tree has
    the same attributes after the analysis as before it (other plugins share the tree)."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    before = [(type(n), sorted(vars(n))) for n in ast.walk(tree)]
    with releasing():
        findings = analyze(tree, source)
    assert findings
    assert [(type(n), sorted(vars(n))) for n in ast.walk(tree)] == before


def test_call_names_are_names():
    for rule in ALL_RULES:
        if rule.call_names is not None:
            assert isinstance(rule.call_names, frozenset), rule.code
            assert all(isinstance(n, str) and "." not in n for n in rule.call_names), rule.code
        if rule.entry_points:
            assert rule.call_names is not None, rule.code
        if rule.call_names is not None:
            assert ast.Call in rule.node_types, rule.code


@pytest.mark.parametrize("source, call, names", [
    ("x.submit(f)", "x.submit(f)", ("submit",)),
    ("f(1)", "f(1)", ("f",)),
    ("from distributed import Client as C\nC()", "C()", ("C", "Client")),
    ("import dask\nd = dask.delayed\nd(f)", "d(f)", ("d", "delayed")),
    ("from distributed import Client\nClient()", "Client()", ("Client",)),
    ("delayed(f)(1)", "delayed(f)(1)", (None,)),
    ("fs[0](1)", "fs[0](1)", (None,)),
])
def test_callee_names(source, call, names):
    tree = ast.parse(source)
    model = SemanticModel(tree).build()
    node = next(c for c in model.calls if ast.unparse(c) == call)
    assert model.callee_names(node) == names


def _analyze_released(source):
    with releasing():
        return analyze(ast.parse(source), source)


def _plugin_run(source):
    # flake8's way: the tree is parsed by flake8 and outlives the plugin's run
    return list(DaskChecker(ast.parse(source), source.splitlines(True), "x.py").run())


@pytest.mark.parametrize("run", [_analyze_released, _plugin_run], ids=["releasing", "plugin"])
def test_released_trees_leave_no_garbage(run):
    """Without the plugin, flake8 frees each tree by reference counting; the plugin must not
    turn it into cyclic garbage (parent links left on the nodes made the collector's full
    passes 2.2 times as long on the corpus)."""
    sources = [p.read_text(encoding="utf-8") for p in fixture_files()]
    found = 0
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        for source in sources:
            findings = run(source)
            found += len(findings)
            del findings
        gc.collect()
        left = [o for o in gc.garbage if isinstance(o, ast.AST) or
                type(o).__module__.startswith("flake8_dask")]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if enabled:
            gc.enable()
    assert found > 100  # the fixtures were analysed
    assert not left, f"{len(left)} objects in reference cycles, e.g. {left[:5]}"


def test_findings_keep_their_text_after_release():
    source = ("import dask\nimport dask.dataframe as dd\n\nddf = dd.read_csv('x.csv')\n\n\n"
              "@dask.delayed\ndef f(i):\n    return ddf.x.sum().compute() + i\n")
    with releasing():
        findings = analyze(ast.parse(source), source)
    assert [(f.line, f.code) for f in findings] == [(9, "DSK102")]
    assert "'ddf'" in findings[0].message


def test_gc_paused_restores_the_collector():
    from flake8_dask.checker import gc_paused

    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # it was off: it stays off
    finally:
        gc.enable()
