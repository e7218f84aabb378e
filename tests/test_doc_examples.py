"""Each rule's documentation is its spec (as Fixit's VALID/INVALID examples): the code of its
**Example** section triggers the rule, and the code of its **Use instead** section does not.

The examples are short, as in Ruff's docs: they may use the names of :data:`PREAMBLE`
(the usual imports; ``ddf``, ``x``, ``b`` and ``client`` bound to Dask objects; ``paths``
and a ``load`` function)
without defining them. Only findings of the rule itself on the example's own lines count.
"""

from __future__ import annotations

import ast
import re

import pytest

from flake8_dask.checker import analyze
from flake8_dask.rules import ALL_RULES

PREAMBLE = '''\
import random
import sqlite3
import threading
import time

import numpy as np
import pandas as pd
import dask
import dask.array as da
import dask.bag as db
import dask.dataframe as dd
from dask import delayed
from dask.distributed import (Client, LocalCluster, as_completed, get_client, rejoin,
                              secede, wait, worker_client)

ddf = dd.read_parquet("data/")
x = da.ones((10_000, 10_000), chunks=(1_000, 1_000))
b = db.from_sequence(range(1_000))
client = Client("tcp://scheduler:8786")
paths = ["a.csv", "b.csv"]


def load(path):
    return pd.read_csv(path)
'''
_CODE_BLOCK = re.compile(r"```python\n(.*?)```", re.S)


def _blocks(rule, section: str) -> list[str]:
    return _CODE_BLOCK.findall(rule.doc_sections().get(section, ""))


def _findings(rule, code: str) -> list[str]:
    source = PREAMBLE + code
    first = PREAMBLE.count("\n") + 1
    return [f"{f.line - first + 1}:{f.col + 1} {f.code} {f.message}"
            for f in analyze(ast.parse(source), source, rules=[rule])
            if f.code == rule.code and f.line >= first]


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_example_triggers_the_rule(rule):
    blocks = _blocks(rule, "Example")
    assert blocks, f"{rule.code}: no ```python block in its Example section"
    code = "\n".join(blocks)
    assert _findings(rule, code), f"{rule.code}: its documented Example reports nothing:\n{code}"


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_use_instead_is_silent(rule):
    blocks = _blocks(rule, "Use instead")
    assert blocks, f"{rule.code}: no ```python block in its Use instead section"
    code = "\n".join(blocks)
    found = _findings(rule, code)
    assert not found, f"{rule.code}: its documented 'Use instead' is reported: {found}\n{code}"
