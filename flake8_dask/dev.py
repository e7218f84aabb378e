"""Tools for contributors. ``python -m flake8_dask.dev new-rule DSK311 elementwise-loop``
creates a rule from the template: its module, its fixture and its CHANGELOG line;
``python -m flake8_dask.dev vocabulary`` checks the vocabulary's producers against the
installed Dask's public API (flake8_dask/dev_vocabulary.py).

The rule starts failing its tests on purpose: the fixture's bad case expects a finding the
empty check does not make yet. Write the bad cases and the look-alikes first, watch them
fail, then write the check (CONTRIBUTING.md, "Adding a rule").
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

#: A rule's family is the hundreds of its code: ``rules/<family>/``.
FAMILIES = {"1": "tasks", "2": "serialization", "3": "graph", "4": "dataframe",
            "5": "arrays", "6": "lifecycle", "7": "api"}
_CODE = re.compile(r"DSK([1-9])\d\d")
_NAME = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")

RULE_TEMPLATE = '''\
"""{code} {name}."""

from __future__ import annotations

import ast
from typing import Iterator

from ...findings import Finding
from ..base import Rule


class {cls}(Rule):
    """TODO: one sentence: what the rule finds.

    ## What it does
    TODO: exactly what is matched, and what is not (the look-alikes that stay silent).

    ## Why is this bad?
    TODO: the failure, verified with Dask (quote its error or warning), with sources.

    ## Example
    ```python
    TODO: code that triggers the rule (tests/test_doc_examples.py runs it)
    ```

    ## Use instead
    ```python
    TODO: the same code, fixed; it must stay silent
    ```

    ## Fix safety
    There is no automatic fix.

    ## Options
    None.

    ## References
    - TODO: links to Dask's documentation or issues
    """

    code = "{code}"
    name = "{name}"
    node_types = (ast.Call,)

    def check(self, node: ast.Call) -> Iterator[Finding]:
        return iter(())  # TODO: yield self.report(node, "what is wrong here; what to do")
'''

FIXTURE_TEMPLATE = '''\
"""{code} {name}: TODO one line."""
import dask.dataframe as dd
import pandas as pd

ddf = dd.read_parquet("data/")

# --- reported
TODO_bad_case  # {code}

# --- look-alikes that must stay silent (pandas, NumPy, xarray, the standard library, dicts)
pdf = pd.DataFrame({{"x": [1, 2]}})
'''

CHANGELOG_LINE = "- {code} `{name}`: TODO what it finds, in one line.\n"


def class_name(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("-"))


def new_rule(root: Path, code: str, name: str) -> list[Path]:
    """Create the rule's module and fixture and add its CHANGELOG line under
    ``## [Unreleased]`` / ``### Added``. Returns the files written, or raises ValueError."""
    match = _CODE.fullmatch(code)
    if not match:
        raise ValueError(f"{code!r} is not a rule code (DSK followed by three digits, 101-799)")
    if match.group(1) not in FAMILIES:
        raise ValueError(f"{code}: no family for codes {match.group(1)}xx")
    if not _NAME.fullmatch(name):
        raise ValueError(f"{name!r} is not a rule name (lowercase words joined by '-')")
    stem = f"{code.lower()}_{name.replace('-', '_')}"
    rules_dir = root / "flake8_dask" / "rules" / FAMILIES[match.group(1)]
    module = rules_dir / f"{stem}.py"
    fixture = root / "fixtures" / f"{stem}.py"
    changelog = root / "CHANGELOG.md"
    taken = sorted(p.name for p in (root / "flake8_dask" / "rules").rglob(f"{code.lower()}_*.py"))
    if taken:
        raise ValueError(f"{code} exists already: {', '.join(taken)}")
    if not rules_dir.is_dir() or not changelog.is_file():
        raise ValueError(f"{root} is not a flake8-dask checkout (no {rules_dir} or CHANGELOG.md)")
    fields = {"code": code, "name": name, "cls": class_name(name)}
    text = changelog.read_text(encoding="utf-8")
    at = text.find("## [Unreleased]")
    if at < 0:
        raise ValueError("CHANGELOG.md has no '## [Unreleased]' section")
    added = text.find("### Added\n", at)
    next_release = text.find("\n## [", at + 1)
    line = CHANGELOG_LINE.format(**fields)
    if added < 0 or (0 <= next_release < added):
        head = text.index("\n", at) + 1
        text = text[:head] + "\n### Added\n" + line + text[head:]
    else:
        head = added + len("### Added\n")
        text = text[:head] + line + text[head:]
    module.write_text(RULE_TEMPLATE.format(**fields), encoding="utf-8")
    fixture.write_text(FIXTURE_TEMPLATE.format(**fields), encoding="utf-8")
    changelog.write_text(text, encoding="utf-8")
    return [module, fixture, changelog]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m flake8_dask.dev",
                                     description="Tools for flake8-dask contributors.")
    sub = parser.add_subparsers(dest="command", required=True)
    new = sub.add_parser("new-rule", help="create a rule, its fixture and its CHANGELOG line")
    new.add_argument("code", help="the rule's code, e.g. DSK311")
    new.add_argument("name", help="the rule's name, e.g. elementwise-loop")
    new.add_argument("--root", type=Path, default=Path.cwd(),
                     help="the repository's root (default: the current directory)")
    vocab = sub.add_parser("vocabulary", help="check the vocabulary's producers against the "
                           "installed Dask's public API (imports Dask)")
    vocab.add_argument("--all", action="store_true",
                       help="list every public callable, not only the producers")
    vocab.add_argument("--no-probe", action="store_true",
                       help="decide from annotations and docstrings only (call nothing)")
    args = parser.parse_args(argv)
    if args.command == "vocabulary":
        from .dev_vocabulary import report  # imports Dask: only for this command
        return report(sys.stdout, show_all=args.all, probing=not args.no_probe)
    try:
        written = new_rule(args.root, args.code, args.name)
    except ValueError as e:
        print(f"new-rule: {e}", file=sys.stderr)
        return 2
    for path in written:
        print(f"wrote {path}")
    print("next: write the fixture's bad cases and look-alikes, run "
          "`python -m pytest -q tests/test_fixtures.py -k " + args.code.lower() + "`, "
          "then the check; see CONTRIBUTING.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
