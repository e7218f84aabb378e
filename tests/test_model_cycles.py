"""The model's answers do not depend on the order in which rules ask their questions."""
import ast

from flake8_dask.model import K, SemanticModel

SOURCE = '''
import dask.dataframe as dd

def label_propagation(edges):
    labels = dd.read_parquet("labels/")
    for _ in range(10):
        merged = labels.merge(edges, on="node")
        labels = merged.assign(label=merged.label_min)
    return labels
'''


def _nodes(tree):
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    merge = next(c for c in calls if getattr(c.func, "attr", "") == "merge")
    assign = next(c for c in calls if getattr(c.func, "attr", "") == "assign")
    return merge.func.value, assign  # ``labels`` in ``labels.merge``, ``merged.assign(...)``


def test_cycle_through_a_loop_is_order_independent():
    for first in (0, 1):
        tree = ast.parse(SOURCE)
        model = SemanticModel(tree).build()
        nodes = _nodes(tree)
        model.value(nodes[first])  # the question asked first changes nothing
        assert model.kind(nodes[0]) == K.DATAFRAME
        assert model.kind(nodes[1]) == K.DATAFRAME
