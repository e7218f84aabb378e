"""``python -m flake8_dask.fix``: report flake8-dask findings and apply their fixes.

Exit status: 0 nothing left to report; 1 findings remain (with ``--check``: any finding; with
``--diff``: a fix would change a file; with ``--exit-non-zero-on-fix``: also when a fix was
applied), or a file does not parse; 2 usage, configuration or I/O error (a file that cannot be
read, decoded or written, an invalid notebook). ``--exit-zero`` turns 1 into 0.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import sys
from typing import Sequence

from .. import __version__, rules
from ..options import OPTION_HELP, Options
from ..rules import ALL_RULES, RULES_BY_CODE
from . import output
from .config import (DEFAULT_EXCLUDE, ConfigError, comma_separated, load_config,
                     normalize_path, parse_per_file_ignores, validate_codes)
from .discovery import MissingPath, Target, expand
from .runner import CHECK, DIFF, FIX, FileReport, Settings, process
from .scheduler import SchedulerError, run_on_cluster
from .selection import Decider, Selection

PROG = "python -m flake8_dask.fix"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=PROG,
        description="Find Dask anti-patterns (flake8-dask's DSK codes) and fix them: safe "
                    "fixes by default, unsafe ones with --unsafe-fixes. Reads the [flake8] "
                    "section of setup.cfg, tox.ini or .flake8.",
        epilog="Exit status: 0 clean, 1 findings remain, 2 usage or I/O error.")
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="files or directories (default: .); - reads standard input")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true",
                      help="report only, write nothing (exit 1 when anything is found)")
    mode.add_argument("--diff", action="store_true",
                      help="print the diff the fixes would make, write nothing "
                           "(exit 1 when a file would change)")
    p.add_argument("--unsafe-fixes", action="store_true",
                   help="also apply fixes marked unsafe (they can change behaviour)")
    p.add_argument("--show-fixes", action="store_true",
                   help="list the fixes applied (or that would be), by file")
    p.add_argument("--statistics", action="store_true", help="count the findings by code")
    p.add_argument("--exit-zero", action="store_true",
                   help="exit 0 even when findings remain (errors still exit 2)")
    p.add_argument("--exit-non-zero-on-fix", action="store_true",
                   help="exit 1 when a fix was applied, even if nothing remains")
    p.add_argument("-j", "--jobs", type=_positive_int, default=None, metavar="N",
                   help="files processed in parallel (default: all cores; 1: in process)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="analyze and fix the files on the Dask cluster whose scheduler is at "
                        "ADDRESS (tcp://host:port, or a scheduler file) instead of -j "
                        "processes; the files are read and written here, the cluster needs "
                        "flake8-dask (the same version) installed, and this command needs "
                        "distributed: pip install 'flake8-dask[scheduler]'")
    p.add_argument("--no-cache", action="store_true",
                   help="neither read nor write the cache of module summaries "
                        "(.flake8_dask_cache/); as --dask-no-cache=true")
    p.add_argument("--stdin-filename", metavar="NAME",
                   help="the name of the file read from standard input (for per-file "
                        "ignores, excludes and messages; .ipynb reads a notebook)")
    p.add_argument("--output-format", choices=output.FORMATS, default="text",
                   help="text (flake8's path:line:col: CODE message), json (Ruff's "
                        "fields), github (workflow annotations) or sarif")
    sel = p.add_argument_group("selection (flake8's options and semantics)")
    for flag, what in (("select", "report only these codes (prefixes), instead of all"),
                       ("extend-select", "also report these codes"),
                       ("ignore", "do not report these codes (replaces the default list)"),
                       ("extend-ignore", "also ignore these codes"),
                       ("exclude", "skip files and directories matching these patterns "
                                   "(replaces the default list)"),
                       ("extend-exclude", "also skip these patterns"),
                       ("per-file-ignores", "'pattern: CODES' pairs")):
        sel.add_argument(f"--{flag}", metavar="LIST", default=None, help=what)
    cfg = p.add_argument_group("configuration")
    cfg.add_argument("--config", metavar="PATH",
                     help="read [flake8] from this file only (no search)")
    cfg.add_argument("--isolated", action="store_true", help="read no configuration file")
    for name, help_text in OPTION_HELP.items():
        cfg.add_argument(f"--dask-{name.replace('_', '-')}", dest=f"dask_{name}",
                         metavar="VALUE", default=None, help=help_text)
    p.add_argument("--explain", metavar="CODE",
                   help="print the documentation of a rule (code or name) and exit")
    p.add_argument("--version", action="version", version=f"flake8-dask {__version__}")
    return p


def _positive_int(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {value!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return n


class UsageError(Exception):
    pass


def _check_selector(code: str, option: str, from_cli: bool) -> None:
    """A selector must select something, as Ruff's do: a ``DSK`` prefix that no rule has
    (a code past the last rule), or, on this command's own command line, a code that selects no
    flake8-dask rule (``DKS``, a typo), is an error. In a config file, other plugins' codes
    (``E``, ``B950``) are flake8's business and pass."""
    known = (*rules.RULES_BY_CODE, "DSK000")
    if any(k.startswith(code) for k in known):
        return
    if code.startswith("DSK") or from_cli:
        raise ConfigError(f"unknown rule selector {code!r} in {option}: no flake8-dask rule "
                          f"code starts with it (codes run from {min(rules.RULES_BY_CODE)} "
                          f"to {max(rules.RULES_BY_CODE)}; `--explain CODE` shows one)")


def _settings_from(args, config) -> tuple[Settings, list[str]]:
    """Selection, plugin options and exclude patterns: config file, then command line."""
    values = dict(config.values)
    cwd = os.getcwd()

    def pick(name: str):
        """(value, directory its relative paths are relative to)."""
        cli = getattr(args, name, None)
        if cli is not None:
            return cli, cwd
        return values.get(name), config.directory

    def codes(name: str) -> tuple[str, ...] | None:
        raw, _ = pick(name)
        if raw is None:
            return None
        option = name.replace("_", "-")
        found = tuple(validate_codes(option, comma_separated(raw)))
        if name in ("select", "extend_select"):
            from_cli = getattr(args, name, None) is not None
            for code in found:
                _check_selector(code, option, from_cli)
        return found

    decider = Decider(select=codes("select"), extend_select=codes("extend_select") or (),
                      ignore=codes("ignore"), extend_ignore=codes("extend_ignore") or (),
                      default_off=rules.DEFAULT_OFF)
    per_file_raw, _ = pick("per_file_ignores")
    per_file = tuple(
        (normalize_path(pattern, cwd), tuple(validate_codes("per-file-ignores", list(c))))
        for pattern, c in parse_per_file_ignores(per_file_raw))
    exclude_raw, exclude_dir = pick("exclude")
    if exclude_raw is None:
        exclude = list(DEFAULT_EXCLUDE)
    else:
        exclude = [normalize_path(p, exclude_dir) for p in comma_separated(exclude_raw)]
    extend_raw, extend_dir = pick("extend_exclude")
    exclude += [normalize_path(p, extend_dir) for p in comma_separated(extend_raw)]
    plugin_values = {k: v for k, v in values.items() if k.startswith("dask_")}
    plugin_values.update({k: v for k, v in vars(args).items()
                          if k.startswith("dask_") and v is not None})
    if args.no_cache:
        plugin_values["dask_no_cache"] = True
    try:
        options = Options.from_mapping(plugin_values)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"invalid dask-* option: {exc}") from None
    mode = CHECK if args.check else DIFF if args.diff else FIX
    settings = Settings(Selection(decider, per_file), options, mode, args.unsafe_fixes,
                        want_edits=args.output_format == "json")
    return settings, exclude


def _find_rule(text: str):
    rule = RULES_BY_CODE.get(text.upper())
    if rule is None:
        rule = next((r for r in ALL_RULES if r.name == text.lower()), None)
    return rule


def _run(tasks: list[tuple[Target, bytes | None]], settings: Settings,
         jobs: int) -> list[FileReport]:
    files = [(t, data) for t, data in tasks if data is None]
    parallel = jobs > 1 and len(files) > 1
    reports: dict[int, FileReport] = {}
    if parallel:
        try:
            with concurrent.futures.ProcessPoolExecutor(max_workers=min(jobs, len(files))) \
                    as pool:
                futures = {i: pool.submit(process, t.display, t.path, settings)
                           for i, (t, data) in enumerate(tasks) if data is None}
                for i, future in futures.items():
                    reports[i] = future.result()
        except (OSError, ImportError, NotImplementedError,
                concurrent.futures.process.BrokenProcessPool):
            reports = {}  # no process pool here (sandbox, no /dev/shm): run in process
    for i, (t, data) in enumerate(tasks):
        if i not in reports:
            reports[i] = process(t.display, t.path, settings, data)
    return [reports[i] for i in range(len(tasks))]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    out, err = sys.stdout, sys.stderr
    if args.explain:
        rule = _find_rule(args.explain)
        if rule is None:
            err.write(f"{PROG}: error: unknown rule {args.explain!r}\n")
            return 2
        out.write(output.explain(rule))
        return 0
    try:
        config = load_config(args.config, isolated=args.isolated)
        settings, exclude = _settings_from(args, config)
    except ConfigError as exc:
        err.write(f"{PROG}: error: {exc}\n")
        return 2
    paths = args.paths or ["."]
    if paths.count("-") > 1:
        err.write(f"{PROG}: error: standard input (-) can be read only once\n")
        return 2
    status_io = False
    tasks: list[tuple[Target, bytes | None]] = []
    for item in expand(paths, exclude):
        if isinstance(item, MissingPath):
            err.write(f"{PROG}: error: {item}\n")
            status_io = True
            continue
        if item.path == "-":
            name = args.stdin_filename or "-"
            if args.stdin_filename and _excluded(name, exclude):
                continue
            tasks.append((Target(name, "-"), sys.stdin.buffer.read()))
        else:
            tasks.append((item, None))
    if args.scheduler:
        try:
            reports = run_on_cluster(tasks, settings, args.scheduler)
        except SchedulerError as exc:
            err.write(f"{PROG}: error: {exc}\n")
            return 2
    else:
        reports = _run(tasks, settings, args.jobs or os.cpu_count() or 1)

    # stdin in fix mode: the (fixed) source goes to stdout, everything else to stderr
    stdin_fix = settings.mode == FIX and any(data is not None for _, data in tasks)
    report_stream = err if stdin_fix else out
    for report in reports:
        if report.error:
            err.write(f"{PROG}: error: {report.display}: {report.error}\n")
            status_io = True
        if report.syntax_error:
            err.write(f"{report.display}:{report.syntax_error}; file not checked\n")
        for warning in report.warnings:
            err.write(f"{PROG}: warning: {report.display}: {warning}\n")
    if settings.mode == DIFF:
        for report in reports:
            if report.diff:
                out.write(report.diff)
        would = sum(len(r.fixed) for r in reports)
        if would:
            err.write(f"Would fix {would} error{'s' if would != 1 else ''}.\n")
    else:
        report_stream.write(output.RENDERERS[args.output_format](reports))
        if args.output_format == "text":
            if args.statistics:
                report_stream.write(output.render_statistics(reports))
            report_stream.write(output.render_summary(reports, mode=settings.mode,
                                                      unsafe=settings.unsafe))
    if args.show_fixes:
        (err if stdin_fix or settings.mode == DIFF else out).write(
            output.render_fixes(reports, applied=settings.mode == FIX))
    if stdin_fix:  # the fixed source, or the input as it came when it could not be fixed
        for report, (_, data) in zip(reports, tasks):
            if data is not None:
                out.flush()
                sys.stdout.buffer.write(report.stdout if report.stdout is not None else data)
                sys.stdout.buffer.flush()
    if status_io:
        return 2
    if args.exit_zero:
        return 0
    if settings.mode == DIFF:
        return 1 if any(r.diff for r in reports) else 0
    if any(r.diagnostics or r.syntax_error for r in reports):
        return 1
    if args.exit_non_zero_on_fix and any(r.fixed for r in reports):
        return 1
    return 0


def _excluded(name: str, exclude: list[str]) -> bool:
    from .selection import matches_filename

    return matches_filename(name, exclude)
