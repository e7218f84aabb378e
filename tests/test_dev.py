"""The contributor scaffold: ``python -m flake8_dask.dev new-rule`` creates a rule that the
registry discovers, whose docs have every section, and whose fixture fails until the check
is written (fixture first)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from flake8_dask.dev import new_rule
from flake8_dask.rules import RULES_BY_CODE

ROOT = Path(__file__).resolve().parent.parent
#: Two free codes of the api family (7xx) for the scaffold to create.
FREE = [f"DSK7{n:02d}" for n in range(99, 0, -1) if f"DSK7{n:02d}" not in RULES_BY_CODE][:2]


@pytest.fixture
def checkout(tmp_path):
    """A copy of the package, the fixtures and the CHANGELOG."""
    shutil.copytree(ROOT / "flake8_dask", tmp_path / "flake8_dask",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "fixtures").mkdir()
    shutil.copy(ROOT / "CHANGELOG.md", tmp_path / "CHANGELOG.md")
    return tmp_path


def test_new_rule_creates_module_fixture_and_changelog_line(checkout):
    before = (checkout / "CHANGELOG.md").read_text()
    code = FREE[0]
    written = new_rule(checkout, code, "scaffold-example")
    module = checkout / f"flake8_dask/rules/api/{code.lower()}_scaffold_example.py"
    fixture = checkout / f"fixtures/{code.lower()}_scaffold_example.py"
    assert written == [module, fixture, checkout / "CHANGELOG.md"]
    after = (checkout / "CHANGELOG.md").read_text()
    assert after.count(f"{code} `scaffold-example`") == 1
    unreleased = after.index("## [Unreleased]")
    assert unreleased < after.index(code) < after.find("\n## [", unreleased + 1) or \
        after.find("\n## [", unreleased + 1) < 0
    assert len(after.splitlines()) == len(before.splitlines()) + 1
    # The new rule is discovered, documented in every section, and its fixture fails: the
    # bad case expects a finding that the empty check does not make yet.
    probe = f"""
import ast, re, sys
sys.path.insert(0, {str(ROOT / 'tests')!r})
from flake8_dask.rules import RULES_BY_CODE, DOC_SECTIONS
from flake8_dask.checker import analyze
from conftest import expected_findings
rule = RULES_BY_CODE[{code!r}]
assert rule.__name__ == "ScaffoldExample" and rule.name == "scaffold-example"
assert list(rule.doc_sections()) == list(DOC_SECTIONS), list(rule.doc_sections())
source = open({str(fixture)!r}).read()
expected = expected_findings(source)
found = {{(f.line, f.code) for f in analyze(ast.parse(source), source, rules=[rule])}}
assert expected and not found, (expected, found)
print("ok")
"""
    result = subprocess.run([sys.executable, "-c", probe], cwd=checkout, capture_output=True,
                            text=True, env={"PYTHONPATH": str(checkout), "PATH": ""})
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr


@pytest.mark.parametrize("code, name, error", [
    ("DSK79", "x", "is not a rule code"),
    ("dsk701", "x", "is not a rule code"),
    ("DSK899", "x", "no family"),
    (FREE[0], "Bad_Name", "is not a rule name"),
    ("DSK701", "again", "exists already"),
])
def test_new_rule_refuses(checkout, code, name, error):
    with pytest.raises(ValueError, match=error):
        new_rule(checkout, code, name)


def test_command_line(checkout):
    result = subprocess.run([sys.executable, "-m", "flake8_dask.dev", "new-rule", FREE[1],
                             "cli-example", "--root", str(checkout)],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert (checkout / f"fixtures/{FREE[1].lower()}_cli_example.py").is_file()
    bad = subprocess.run([sys.executable, "-m", "flake8_dask.dev", "new-rule", "DSK7", "x",
                          "--root", str(checkout)], capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 2 and "is not a rule code" in bad.stderr
