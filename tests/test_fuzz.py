"""Property tests: the analyzer and the flake8 plugin never crash the host.

On generated programs (hypothesmith), on generated programs with Dask statements spliced into
their blocks, and on realistic generated Dask programs: ``analyze`` never raises and never
reports DSK000 (an internal error); the plugin yields well-formed results; and a file without
Dask gives no finding at all, even past the prefilter.

The number of examples comes from the Hypothesis profile (tests/_profiles.py): 2,000 per
property by default (``ci``), 20,000 with HYPOTHESIS_PROFILE=long, 50 with
HYPOTHESIS_PROFILE=dev.
"""

from __future__ import annotations

import hypothesmith
import pytest
from _profiles import PROFILE
from _strategies import block, dask_programs, parse, splice, without_dask
from hypothesis import given, reject
from hypothesis import strategies as st

from flake8_dask.checker import INTERNAL_ERROR, _run, analyze
from flake8_dask.options import Options
from flake8_dask.plugin import DaskChecker
from flake8_dask.rules import ALL_RULES

#: Put ahead of a generated program so that the prefilter lets it through and the names the
#: Dask statements use resolve.
DASK_HEADER = """\
import dask
import dask.dataframe as dd
import dask.array as da
import dask.bag as db
from dask import delayed
from dask.distributed import Client, LocalCluster, wait, as_completed, worker_client
import numpy as np
import pandas as pd
import threading
import functools
client = Client()
"""


def plugin_results(source: str, filename: str = "generated.py") -> list[tuple]:
    """What flake8 receives from the plugin, through flake8's own interface."""
    lines = source.splitlines(keepends=True)
    return list(DaskChecker(parse(source), lines, filename).run())


def assert_analyzes_cleanly(source: str) -> None:
    findings = analyze(parse(source), source)
    internal = [f.text for f in findings if f.code == INTERNAL_ERROR]
    assert not internal, internal
    n_lines = max(source.count("\n") + 1, 1)
    for f in findings:
        assert 1 <= f.line <= f.end_line <= n_lines and f.col >= 0, f
    for line, col, text, checker in plugin_results(source):
        assert checker is DaskChecker
        assert 1 <= line <= n_lines and col >= 0
        assert text.startswith("DSK") and not text.startswith(INTERNAL_ERROR), text


def assert_no_findings(source: str) -> None:
    assert analyze(parse(source), source) == []
    assert plugin_results(source) == []
    # Past the prefilter too: nothing in a file without Dask may resolve to Dask.
    assert _run(parse(source), source, Options(), ALL_RULES) == []


def _prefixed(program: str) -> str:
    return DASK_HEADER + program


@given(program=hypothesmith.from_grammar(auto_target=False), snippet=block(),
       seed=st.integers(0, 2**32 - 1))
def test_generated_programs(program, snippet, seed):
    """A hypothesmith program: as it is, behind Dask imports, and with Dask statements
    spliced into its blocks (module level, function bodies, loops, with, try...)."""
    if "dask" not in program and "distributed" not in program:
        assert_no_findings(program)
    assert_analyzes_cleanly(_prefixed(program))
    try:
        spliced = splice(_prefixed(program), "\n".join(snippet) + "\n", seed)
        parse(spliced)
    except (SyntaxError, ValueError, RecursionError):
        reject()  # ast.unparse cannot round-trip this program (a CPython limitation)
    assert_analyzes_cleanly(spliced)


@given(dask_programs())
def test_dask_programs(source):
    """Realistic Dask modules: aliases, clients, lambdas, delayed, loops, with, classes."""
    assert_analyzes_cleanly(source)


@given(dask_programs().map(without_dask))
def test_no_dask_no_findings(source):
    """The same programs with every Dask name spelled as another library: no finding."""
    assert "dask" not in source
    assert_no_findings(source)


@pytest.mark.skipif(PROFILE != "long", reason="hypothesmith.from_node draws take about a "
                    "second each: run with HYPOTHESIS_PROFILE=long")
@given(program=hypothesmith.from_node(auto_target=False), snippet=block(),
       seed=st.integers(0, 2**32 - 1))
def test_generated_programs_from_node(program, snippet, seed):
    """As test_generated_programs, with libcst-generated programs (more varied layout)."""
    test_generated_programs.hypothesis.inner_test(program, snippet, seed)
