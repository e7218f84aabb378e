import ast
import os
import re
from pathlib import Path

import pytest

import _profiles  # noqa: F401  (loads the Hypothesis profile: HYPOTHESIS_PROFILE)
from fix_helpers import InProcess

ROOT = Path(__file__).resolve().parent.parent
# The summary cache (``.flake8_dask_cache/``, #13) is off in the tests, and in the processes
# they start, unless a test turns it on: it has tests of its own (test_project_*.py), and the
# others compare trees and audit writes that are not about it.
os.environ.setdefault("FLAKE8_DASK_NO_CACHE", "1")
FIXTURES = ROOT / "fixtures"
#: An expectation is a comment that starts with codes: ``# DSK101`` or ``# DSK101 DSK102 why``.
_EXPECT = re.compile(r"#\s*((?:DSK\d{3}\b[ ,]*)+)")
_CODE = re.compile(r"DSK\d{3}")


def expected_findings(source: str) -> set[tuple[int, str]]:
    """The ``# DSKnnn`` comments of a fixture: {(line, code)}. Comments are read with
    tokenize-free parsing: the marker must follow a ``#`` on the line."""
    expected = set()
    for lineno, line in enumerate(source.splitlines(), 1):
        m = _EXPECT.search(line)
        if m and not line[m.end():].startswith("'"):
            expected.update((lineno, code) for code in _CODE.findall(m.group(1)))
    return expected


def corpus_dir() -> Path:
    """The pinned real-world corpus (tests/corpus_setup.sh builds it), for the tests marked
    ``corpus``: they run only when ``FLAKE8_DASK_CORPUS`` names it (``.ci/run`` sets it), and
    fail, rather than skip, when it names a directory that does not exist."""
    value = os.environ.get("FLAKE8_DASK_CORPUS")
    if not value:
        pytest.skip("the corpus tests run with FLAKE8_DASK_CORPUS=<dir> "
                    "(bash tests/corpus_setup.sh builds it in /tmp/corpus)")
    path = Path(value)
    if not path.is_dir() or not any(path.rglob("*.py")):
        pytest.fail(f"FLAKE8_DASK_CORPUS={value}: no Python file there; "
                    "run bash tests/corpus_setup.sh")
    return path


@pytest.fixture
def corpus() -> Path:
    return corpus_dir()


def fixture_files():
    return sorted(p for p in FIXTURES.glob("dsk*.py") if not p.name.endswith(".fixed.py"))


def analyze_source(source: str, **kwargs):
    from flake8_dask.checker import analyze
    return analyze(ast.parse(source), source, **kwargs)


@pytest.fixture
def analyze():
    return analyze_source


@pytest.fixture
def test_rules():
    """The test-only fixable rules (DSK990...) registered for an in-process run."""
    from fix_helpers import register_test_rules
    from fixable_rules import GOOD_RULES

    undo = register_test_rules(GOOD_RULES)
    yield
    undo()


@pytest.fixture
def cli(monkeypatch, capsys):
    """The fix command's ``main`` run in this process, its output captured."""
    return InProcess(monkeypatch, capsys)


@pytest.fixture(scope="module")
def client():
    """An in-process distributed cluster: one worker, two threads (the runtime tests of
    fixes that need a real Client)."""
    from distributed import Client

    with Client(processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None,
                set_as_default=False) as c:
        yield c
