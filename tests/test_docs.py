"""The rules reference, the README's table and --explain come from the rule classes, and
every rule is documented, fixtured and in the changelog."""
import re

import pytest

from conftest import FIXTURES, ROOT
from flake8_dask import docs
from flake8_dask.dev import FAMILIES
from flake8_dask.rules import ALL_RULES


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_docstring_has_every_section_in_order(rule):
    assert docs.missing_sections(rule) == []


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_rule_identity(rule):
    assert re.fullmatch(r"DSK\d{3}", rule.code)
    assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.name)
    assert rule.summary()


def test_codes_and_names_are_unique():
    assert len({r.code for r in ALL_RULES}) == len({r.name for r in ALL_RULES}) == len(ALL_RULES)


def test_docs_rules_md_is_current():
    current = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert current == docs.rules_markdown(), "run: python -m flake8_dask.docs --write"


def test_readme_table_is_current():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme == docs.readme_with_table(readme), "run: python -m flake8_dask.docs --write"


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_rule_has_fixture_and_changelog_entry(rule):
    stem = f"{rule.code.lower()}_{rule.name.replace('-', '_')}"
    assert (FIXTURES / f"{stem}.py").exists(), f"fixtures/{stem}.py"
    # One rule per module, named like its fixture, in the family of its code's hundreds.
    family = FAMILIES[rule.code[3]]
    assert rule.__module__ == f"flake8_dask.rules.{family}.{stem}", rule.__module__
    if rule.fixes:
        assert (FIXTURES / f"{stem}.fixed.py").exists(), f"fixtures/{stem}.fixed.py"
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert rule.code in changelog


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_docs_anchor_and_explain_agree(rule):
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert f'<a id="{docs.anchor(rule)}"></a>' in text
    assert docs.explain(rule).splitlines()[0] == f"# {rule.code} {rule.name}"


def test_cli_explain_prints_the_documented_text():
    import os
    import subprocess
    import sys

    rule = ALL_RULES[0]
    out = subprocess.run([sys.executable, "-m", "flake8_dask.fix", "--explain", rule.code],
                         capture_output=True, text=True, cwd=ROOT, check=True,
                         env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert out.stdout == docs.explain(rule)
    body = docs.explain(rule).split("\n", 2)[2]  # after the title line
    rendered = re.sub(r"^## (?=[A-Z])(?!DSK)", "### ", body, flags=re.M)
    assert rendered.strip() in (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
