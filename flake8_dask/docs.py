"""Generate the rules reference (docs/rules.md) and the README's rule table from the rule
classes. ``python -m flake8_dask.docs --write`` rewrites both; without --write it prints."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from . import RULES_URL
from .findings import Safety
from .rules import ALL_RULES, DOC_SECTIONS, Rule

TABLE_START = "<!-- rules-table:start -->"
TABLE_END = "<!-- rules-table:end -->"


def anchor(rule) -> str:
    return f"{rule.code.lower()}-{rule.name}"


def rule_url(rule) -> str:
    """The absolute link to a rule's section of the reference (also on a package index
    page, where a relative link breaks)."""
    return f"{RULES_URL}#{anchor(rule)}"


class Code:
    """A code of ours that is not a rule (no check, no fix, no selection of its own),
    documented like one: ``--explain``, ``flake8-dask rule`` and docs/rules.md show it."""

    fixes: frozenset = frozenset()
    default_enabled = True

    def __init__(self, code: str, name: str, doc: str) -> None:
        self.code, self.name, self.__doc__ = code, name, doc

    doc_sections = Rule.doc_sections.__func__
    summary = Rule.summary.__func__


INTERNAL_ERROR = Code("DSK000", "internal-error", """
    An internal error of flake8-dask: the file was not fully checked.

    ## What it does
    Reports an internal error of flake8-dask on a file: an exception in the analysis of that
    file. Both the flake8 plugin and the fix command report it, on line 1, with the
    exception's type and message.

    ## Why is this bad?
    It is a bug in flake8-dask, not in your code: the file was not fully checked. The run
    goes on with the other files (an exception in a flake8 plugin would otherwise abort
    flake8's whole run). Please report it with the file, or the smallest snippet that
    reproduces it.

    ## Fix safety
    There is nothing to fix in your code.
    """)

FILE_NOT_CHECKED = Code("DSK001", "file-not-checked", """
    A file that could not be checked: it does not parse, or cannot be read or decoded.

    ## What it does
    Reports a file the fix command (`flake8-dask check`, `python -m flake8_dask.fix`) could
    not check: it does not parse (`SyntaxError: invalid syntax`, at the line and column of
    the error), it cannot be decoded (`cannot decode as utf-8: ...`), it cannot be read
    (`cannot read: Permission denied`), or a notebook is not valid notebook JSON. A
    notebook cell that does not parse is reported on that cell, and the other cells are
    checked. It appears in every output format (text, json, github, sarif), so a CI job
    that fails says why.

    ## Why is this bad?
    A file that was not checked can hide every problem the rules look for. The file is
    never changed. Like Ruff's `invalid-syntax` and `E902`, it is a finding: the command
    exits with status 1 (with `--exit-zero`, 0). Status 2 is kept for what stops the
    command from doing what was asked: a usage or configuration error, a path named on the
    command line that does not exist, a fixed file that cannot be written.

    The flake8 plugin never reports it: flake8 parses each file before any plugin runs and
    reports a syntax error itself, as `E999`, and an unreadable file as `E902`.

    ## Fix safety
    There is no fix; the file is left as it is. `--select` and `--ignore` do not hide it
    (as in Ruff, a file that cannot be read or parsed is always reported).
    """)

#: The codes that are not rules, in the order of the documentation.
CODES = (INTERNAL_ERROR, FILE_NOT_CHECKED)


def fix_label(rule) -> str:
    """``safe``, ``unsafe``, ``safe or unsafe`` (the finding decides) or ``none``."""
    levels = [s.value for s in (Safety.SAFE, Safety.UNSAFE, Safety.DISPLAY_ONLY)
              if s in rule.fixes]
    return " or ".join(levels) if levels else "none"


_FIX_SENTENCES = {
    "none": "There is no automatic fix.",
    "safe": "A safe fix is available (applied by default by `python -m flake8_dask.fix`).",
    "unsafe": "An unsafe fix is available (applied with `--unsafe-fixes`).",
    "safe or unsafe": "A fix is available: safe for some findings (applied by default), "
                      "unsafe for others (applied with `--unsafe-fixes`); see Fix safety.",
}


def explain(rule) -> str:
    """The text ``--explain`` prints: the rule's full documentation."""
    lines = [f"# {rule.code} {rule.name}", ""]
    fix = _FIX_SENTENCES.get(fix_label(rule), "A fix is suggested, never applied.")
    default = "On by default." if rule.default_enabled else \
        "Off by default: enable it with `--extend-select`."
    if isinstance(rule, Code):
        fix, default = "Not a rule:", "no check of its own, and no fix."
    lines += [f"{fix} {default}", ""]
    for title, body in rule.doc_sections().items():
        lines += [f"## {title}", body, ""]
    return "\n".join(lines).rstrip() + "\n"


def rules_markdown() -> str:
    out = ["# flake8-dask rules", "",
           "Generated from the rule classes by `python -m flake8_dask.docs --write`; "
           "do not edit by hand. `DSK000` and `DSK001` are not rules: they say that a file "
           "could not be (fully) checked.", ""]
    for rule in (*CODES, *ALL_RULES):
        out.append(f'<a id="{anchor(rule)}"></a>')
        out.append("")
        text = explain(rule).replace(f"# {rule.code} {rule.name}",
                                     f"## {rule.code} `{rule.name}`", 1)
        text = re.sub(r"^## (?=[A-Z])(?!DSK)", "### ", text, flags=re.M)
        out.append(text)
    return "\n".join(out).rstrip() + "\n"


def rules_table() -> str:
    rows = ["| code | name | what it finds | fix | default |",
            "|---|---|---|---|---|"]
    for rule in (*CODES, *ALL_RULES):
        default = ("always" if isinstance(rule, Code) else
                   "on" if rule.default_enabled else "off (opt-in)")
        rows.append(f"| [{rule.code}]({rule_url(rule)}) | `{rule.name}` | "
                    f"{rule.summary()} | {fix_label(rule)} | {default} |")
    return "\n".join(rows)


def readme_with_table(readme: str) -> str:
    start, end = readme.index(TABLE_START), readme.index(TABLE_END)
    return readme[:start + len(TABLE_START)] + "\n" + rules_table() + "\n" + readme[end:]


def missing_sections(rule) -> list[str]:
    sections = rule.doc_sections()
    missing = [s for s in DOC_SECTIONS if not sections.get(s)]
    if not missing and list(sections)[:len(DOC_SECTIONS)] != list(DOC_SECTIONS):
        missing.append("(sections out of order)")
    return missing


def find(text: str):
    """A rule, or a code that is not a rule, by code (any case) or name; None if unknown."""
    from .rules import RULES_BY_CODE

    wanted = text.strip()
    rule = RULES_BY_CODE.get(wanted.upper())
    if rule is None:
        rule = next((r for r in (*CODES, *ALL_RULES)
                     if r.name == wanted.lower() or r.code == wanted.upper()), None)
    return rule


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m flake8_dask.docs")
    ap.add_argument("--write", action="store_true", help="rewrite docs/rules.md and README")
    ap.add_argument("--root", default=str(Path(__file__).resolve().parent.parent))
    args = ap.parse_args(argv)
    root = Path(args.root)
    if not args.write:
        sys.stdout.write(rules_markdown())
        return 0
    (root / "docs").mkdir(exist_ok=True)
    (root / "docs" / "rules.md").write_text(rules_markdown(), encoding="utf-8")
    readme = root / "README.md"
    readme.write_text(readme_with_table(readme.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
