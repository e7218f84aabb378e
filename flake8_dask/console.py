"""The ``flake8-dask`` command (also ``python -m flake8_dask``), with Ruff's verbs.

- ``flake8-dask check [PATHS]``: report only; ``--fix`` applies the fixes, ``--diff`` shows
  them; every option of ``python -m flake8_dask.fix`` (``--unsafe-fixes``,
  ``--output-format``, ``--select``, ...).
- ``flake8-dask fix [PATHS]``: apply the fixes and report what remains (what
  ``python -m flake8_dask.fix`` does bare, which keeps working as it always did).
- ``flake8-dask rule DSKnnn`` (or a rule's name): its documentation; ``flake8-dask rule
  --all``: the list (code, name, fix, default), ``--output-format json`` for tools.
- ``flake8-dask server``: the language server, from the ``server`` extra.
- ``flake8-dask`` alone prints this help on stderr and exits with status 2, as ``ruff`` does.

Exit status: see :mod:`flake8_dask.fix.cli`.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Sequence

from . import __version__
from .docs import CODES, Code, explain, find, fix_label, rule_url
from .fix import cli
from .fix.runner import CHECK, FIX
from .rules import ALL_RULES

PROG = "flake8-dask"
SERVER_HINT = "the language server needs: pip install 'flake8-dask[server]'"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=PROG,
        description="Find Dask anti-patterns (DSK codes) in Python files and Jupyter "
                    "notebooks, and fix them.",
        epilog=cli.EXIT_STATUS)
    p.add_argument("--version", action="version", version=f"flake8-dask {__version__}")
    sub = p.add_subparsers(dest="subcommand", metavar="COMMAND")
    check = sub.add_parser(
        "check", help="report findings (--fix applies the fixes, --diff shows them)",
        description="Report flake8-dask findings; write nothing unless --fix.")
    cli.build_parser(f"{PROG} check", CHECK, parser=check)
    fix = sub.add_parser(
        "fix", help="apply the fixes (safe ones; --unsafe-fixes for all), report the rest",
        description="Apply flake8-dask's fixes and report the findings that remain.")
    cli.build_parser(f"{PROG} fix", FIX, parser=fix)
    rule = sub.add_parser("rule", help="show a rule's documentation, or list the rules",
                          description="Show a rule's documentation (by code or name), or "
                                      "list every rule with --all.")
    rule.add_argument("rule", nargs="?", metavar="CODE", help="DSKnnn or the rule's name")
    rule.add_argument("--all", action="store_true", help="list every code")
    rule.add_argument("--output-format", choices=("text", "json"), default="text")
    sub.add_parser("server", help="run the language server over stdio (the server extra)",
                   add_help=False)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["server"]:  # its options are the server's own
        return _server(argv[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.subcommand is None:
        parser.print_help(sys.stderr)
        return 2
    if args.subcommand == "rule":
        return _rule(args, parser)
    fix_hint = f"{PROG} check --fix"
    return cli.execute(args, f"{PROG} {args.subcommand}", fix_hint=fix_hint)


def _rule(args, parser) -> int:
    if args.all == bool(args.rule):
        sys.stderr.write(f"{PROG} rule: error: give a rule's code or name, or --all\n")
        return 2
    if args.rule:
        rule = find(args.rule)
        if rule is None:
            sys.stderr.write(f"{PROG} rule: error: unknown rule {args.rule!r} "
                             f"(`{PROG} rule --all` lists them)\n")
            return 2
        if args.output_format == "json":
            sys.stdout.write(json.dumps(_entry(rule), indent=2) + "\n")
        else:
            sys.stdout.write(explain(rule))
        return 0
    everything = [*CODES, *ALL_RULES]
    if args.output_format == "json":
        sys.stdout.write(json.dumps([_entry(r) for r in everything], indent=2) + "\n")
        return 0
    width = max(len(r.name) for r in everything)
    lines = [f"{'code':<7} {'name':<{width}} {'fix':<14} default"]
    for r in everything:
        lines.append(f"{r.code:<7} {r.name:<{width}} {fix_label(r):<14} {_default(r)}")
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


def _default(rule) -> str:
    if isinstance(rule, Code):
        return "always"
    return "on" if rule.default_enabled else "off"


def _entry(rule) -> dict:
    return {"code": rule.code, "name": rule.name, "summary": rule.summary(),
            "fix": fix_label(rule), "default": _default(rule), "url": rule_url(rule),
            "explanation": explain(rule)}


def _server(argv: list[str]) -> int:
    """``flake8_dask.server`` is imported only here: its libraries are an extra."""
    try:
        from . import server  # type: ignore[attr-defined]
        server_main = server.main
    except (ImportError, AttributeError) as exc:
        missing = getattr(exc, "name", None)
        if missing and not missing.startswith("flake8_dask"):
            sys.stderr.write(f"{PROG} server: {SERVER_HINT} ({missing} is not installed)\n")
        else:
            sys.stderr.write(f"{PROG} server: {SERVER_HINT}\n")
        return 2
    result = server_main(argv)
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
