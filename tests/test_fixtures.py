"""Every fixture's bad cases are reported with the right code on the right line, and every
look-alike is silent."""
import re

import pytest

from conftest import analyze_source, expected_findings, fixture_files
from flake8_dask.rules import ALL_RULES, RULES_BY_CODE


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: p.name)
def test_fixture(path):
    source = path.read_text(encoding="utf-8")
    code = re.match(r"dsk(\d{3})", path.name).group(0).upper()
    expected = expected_findings(source)
    assert any(c == code for _, c in expected), f"{path.name} has no {code} case"
    # A rule that is off by default is checked only in its own fixture: the other fixtures
    # show what a user sees with the default selection.
    rules = [r for r in ALL_RULES if r.default_enabled or r.code == code]
    found = {(f.line, f.code) for f in analyze_source(source, rules=rules)}
    # Each fixture is the spec of its own rule; other rules' codes may appear in it and are
    # then checked too (a fixture line may carry several codes).
    missing = sorted(expected - found)
    extra = sorted(found - expected)
    assert not missing and not extra, (
        f"\nmissing (expected, not reported): {missing}"
        f"\nunexpected (reported, not expected): {extra}")


def test_every_rule_has_a_fixture():
    names = {re.match(r"dsk(\d{3})", p.name).group(0).upper() for p in fixture_files()}
    assert set(RULES_BY_CODE) <= names, sorted(set(RULES_BY_CODE) - names)
