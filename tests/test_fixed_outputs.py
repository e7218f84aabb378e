"""The fixer's output on every fixture, committed beside it as ``<fixture>.fixed.py``.

Each ``.fixed.py`` is the expected result of ``python -m flake8_dask.fix --unsafe-fixes`` on
its fixture (safe and unsafe fixes applied): reviewed as a diff, compared byte for byte here.
"""
import ast

import pytest

from conftest import FIXTURES, fixture_files
from flake8_dask.fix.engine import fix_source
from flake8_dask.rules import RULES_BY_CODE


def fixed_pairs():
    return [(p, p.with_name(p.name[:-3] + ".fixed.py")) for p in fixture_files()
            if p.with_name(p.name[:-3] + ".fixed.py").exists()]


def _fix(source: str):
    result = fix_source(source, unsafe=True)
    assert result.error is None, result.error
    assert not result.warnings, result.warnings
    return result


@pytest.mark.parametrize("path,expected_path", fixed_pairs(), ids=lambda p: p.name)
def test_fixed_output(path, expected_path):
    source = path.read_text(encoding="utf-8")
    expected = expected_path.read_text(encoding="utf-8")
    result = _fix(source)
    assert result.source == expected, (
        f"the fixer's output differs from {expected_path.name}; if the change is intended, "
        "review the diff and regenerate the file")
    ast.parse(result.source)
    again = _fix(result.source)
    assert again.source == result.source, "a second fixing pass changed the output"
    assert not [f for f in again.remaining if f.fix is not None
                and f.code == path.name[:6].upper()], "fixable findings remain"


def test_every_fixable_rule_has_a_fixed_fixture():
    fixable = {code for code, rule in RULES_BY_CODE.items() if rule.fixes}
    with_output = {p.name[:6].upper() for p, _ in fixed_pairs()}
    assert fixable <= with_output, sorted(fixable - with_output)


def test_fixed_files_belong_to_fixtures():
    fixtures = {p.name[:-3] for p in fixture_files()}
    orphans = [p.name for p in FIXTURES.glob("*.fixed.py") if p.name[:-9] not in fixtures]
    assert not orphans, orphans
