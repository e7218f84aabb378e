"""Generate the rules reference (docs/rules.md) and the README's rule table from the rule
classes. ``python -m flake8_dask.docs --write`` rewrites both; without --write it prints."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from .findings import Safety
from .rules import ALL_RULES, DOC_SECTIONS

TABLE_START = "<!-- rules-table:start -->"
TABLE_END = "<!-- rules-table:end -->"
DOCS_URL = "docs/rules.md"


def anchor(rule) -> str:
    return f"{rule.code.lower()}-{rule.name}"


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
    lines += [f"{fix} {default}", ""]
    for title, body in rule.doc_sections().items():
        lines += [f"## {title}", body, ""]
    return "\n".join(lines).rstrip() + "\n"


def rules_markdown() -> str:
    out = ["# flake8-dask rules", "",
           "Generated from the rule classes by `python -m flake8_dask.docs --write`; "
           "do not edit by hand.", ""]
    for rule in ALL_RULES:
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
    for rule in ALL_RULES:
        default = "on" if rule.default_enabled else "off (opt-in)"
        rows.append(f"| [{rule.code}]({DOCS_URL}#{anchor(rule)}) | `{rule.name}` | "
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
