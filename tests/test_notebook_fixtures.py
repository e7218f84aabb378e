"""Notebook fixtures: real ``.ipynb`` files under ``fixtures/``, checked like the ``.py``
fixtures (the expected codes are comments on the reported lines of each cell), and the
lines their messages cite are lines of the notebook's cells (``cell N, line L``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import FIXTURES, expected_findings
from flake8_dask.fix.notebook import fix_notebook, parse_notebook
from flake8_dask.rules import ALL_RULES

NOTEBOOKS = sorted(FIXTURES.glob("*.ipynb"))
_CITED = re.compile(r"\b(?:cell (\d+), )?line (\d+)\b")


def run(path: Path):
    text = path.read_text(encoding="utf-8")
    rules = [r for r in ALL_RULES if r.default_enabled]
    return parse_notebook(text), fix_notebook(text, rules=rules, apply=False)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_fixture(path):
    nb, result = run(path)
    expected = {(cell.index + 1, line, code) for cell in nb.cells
                for line, code in expected_findings(cell.text)}
    found = {(f.cell, f.finding.line, f.finding.code) for f in result.findings}
    assert expected, f"{path.name} expects nothing"
    assert found == expected, (f"\nmissing: {sorted(expected - found)}"
                               f"\nunexpected: {sorted(found - expected)}")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_messages_cite_cells_not_lines_of_the_whole_notebook(path):
    nb, result = run(path)
    lengths = {cell.index + 1: len(cell.text.splitlines()) for cell in nb.cells}
    cited = 0
    for f in result.findings:
        for cell, line in _CITED.findall(f.finding.message):
            assert cell, f"cell {f.cell}: {f.finding.code} cites a bare line: {f.finding.message}"
            assert 1 <= int(line) <= lengths[int(cell)], f.finding.message
            cited += 1
    assert cited, "no message cites a line: the test checks nothing"


def test_the_task_is_found_across_cells_and_cited_by_cell():
    _, result = run(FIXTURES / "notebook_displayed_values.ipynb")
    (blocking,) = [f.finding for f in result.findings if f.finding.code == "DSK101"]
    assert "passed to client.submit at cell 13, line 1" in blocking.message
