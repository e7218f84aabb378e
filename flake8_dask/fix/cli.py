"""``python -m flake8_dask.fix`` (and ``flake8-dask check`` / ``flake8-dask fix``): report
flake8-dask findings and apply their fixes.

Exit status, as Ruff's:

- 0: nothing left to report.
- 1: findings remain (with ``--check`` / ``flake8-dask check``: any finding; with ``--diff``:
  a fix would change a file; with ``--exit-non-zero-on-fix``: also when a fix was applied).
  A file that could not be checked (it does not parse, cannot be read or decoded, is not a
  valid notebook) is a finding, ``DSK001``, reported in every output format: Ruff reports
  ``invalid-syntax`` and ``E902`` the same way. ``--exit-zero`` turns 1 into 0.
- 2: the command could not do what it was asked: a usage or configuration error, a path
  named on the command line that does not exist, a fixed file that cannot be written (a
  read-only file with fixes to apply), an internal error.
- 130: interrupted (Ctrl-C); files are written atomically, so each is either as it was or
  completely fixed.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import signal
import sys
from dataclasses import replace
from typing import Sequence

from .. import __version__, rules
from ..configfiles import warn_unseen_pyproject
from ..docs import find
from ..options import OPTION_HELP, Options
from . import output
from .config import (DEFAULT_EXCLUDE, ConfigError, comma_separated, load_config,
                     normalize_path, parse_per_file_ignores, validate_codes)
from .discovery import MissingPath, Target, expand
from .runner import CHECK, DIFF, FILE_NOT_CHECKED, FIX, FileReport, Settings, process
from .scheduler import SchedulerError, run_on_cluster
from .selection import Decider, Selection
from .terminal import COLOR_CHOICES, Progress, use_color

PROG = "python -m flake8_dask.fix"
LEGACY = "legacy"  # python -m flake8_dask.fix: fixes unless --check or --diff
EXIT_STATUS = ("exit status: 0 clean; 1 findings remain (a file that could not be checked is "
               "a finding, DSK001); 2 usage, configuration or write error; 130 interrupted")


def build_parser(prog: str = PROG, command: str = LEGACY, parser=None) -> argparse.ArgumentParser:
    """The options of ``python -m flake8_dask.fix`` (``command`` LEGACY: fixes by default,
    ``--check`` / ``--diff``), of ``flake8-dask check`` (CHECK: reports only, ``--fix`` /
    ``--diff``) and of ``flake8-dask fix`` (FIX: fixes, ``--diff``)."""
    p = parser or argparse.ArgumentParser(
        prog=prog,
        description="Find Dask anti-patterns (flake8-dask's DSK codes) and fix them: safe "
                    "fixes by default, unsafe ones with --unsafe-fixes. Reads the [flake8] "
                    "section of setup.cfg, tox.ini or .flake8, or [tool.flake8] in "
                    "pyproject.toml.")
    p.epilog = EXIT_STATUS
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.set_defaults(command=command, check=False, diff=False, fix=False)
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="files or directories (default: .); - reads standard input")
    mode = p.add_mutually_exclusive_group()
    if command == LEGACY:
        mode.add_argument("--check", action="store_true",
                          help="report only, write nothing (exit 1 when anything is found)")
    if command == CHECK:
        mode.add_argument("--fix", action="store_true",
                          help="apply the fixes (safe ones; unsafe ones too with "
                               "--unsafe-fixes) and report what remains")
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
    p.add_argument("--color", choices=COLOR_CHOICES, default="auto",
                   help="colour the text output: auto (on a terminal, unless NO_COLOR is "
                        "set; FORCE_COLOR forces it), always or never")
    p.add_argument("--no-respect-gitignore", dest="respect_gitignore", action="store_false",
                   help="also walk into what .gitignore, .ignore and .git/info/exclude "
                        "ignore (a path named on the command line is always read)")
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
    cfg.add_argument("--toml-config", metavar="PATH",
                     help="read [tool.flake8] from this TOML file instead of ./pyproject.toml "
                          "(as Flake8-pyproject's option)")
    cfg.add_argument("--isolated", action="store_true", help="read no configuration file")
    for name, help_text in OPTION_HELP.items():
        cfg.add_argument(f"--dask-{name.replace('_', '-')}", dest=f"dask_{name}",
                         metavar="VALUE", default=None, help=help_text)
    if command == LEGACY:
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


def _check_selector(code: str, option: str, from_cli: bool) -> None:
    """A selector must select something, as Ruff's do: a ``DSK`` prefix that no rule has
    (a code past the last rule), or, on this command's own command line, a code that selects no
    flake8-dask rule (``DKS``, a typo), is an error. In a config file, other plugins' codes
    (``E``, ``B950``) are flake8's business and pass."""
    known = (*rules.RULES_BY_CODE, "DSK000", FILE_NOT_CHECKED)
    if any(k.startswith(code) for k in known):
        return
    if code.startswith("DSK") or from_cli:
        raise ConfigError(f"unknown rule selector {code!r} in {option}: no flake8-dask rule "
                          f"code starts with it (codes run from {min(rules.RULES_BY_CODE)} "
                          f"to {max(rules.RULES_BY_CODE)}; `--explain CODE` shows one)")


def _where(config) -> str:
    """Where a config value comes from, for an error message."""
    section = "[tool.flake8]" if config.path.endswith(".toml") else "[flake8]"
    return f"{section} of {config.path}"


def _plugin_options(args, config) -> Options:
    """The ``dask-*`` options, config file then command line; a bad value names the option
    and where it was set."""
    values = {k: v for k, v in config.values.items() if k.startswith("dask_")}
    cli = {k: v for k, v in vars(args).items() if k.startswith("dask_") and v is not None}
    for key, value in {**values, **cli}.items():
        if key[len("dask_"):] not in OPTION_HELP:
            continue  # another plugin's option, or a misspelling flake8 ignores too
        try:
            Options.from_mapping({key: value})
        except (TypeError, ValueError) as exc:
            option = key.replace("_", "-")
            where = (f"--{option} on the command line" if key in cli
                     else f"{option} in {_where(config)}")
            raise ConfigError(f"invalid value {value!r} for {where}: {exc}") from None
    return Options.from_mapping({**values, **cli})


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
    options = _plugin_options(args, config)
    if args.no_cache:
        options = replace(options, no_cache=True)
    settings = Settings(Selection(decider, per_file), options, _mode(args), args.unsafe_fixes,
                        want_edits=args.output_format in ("json", "sarif"),
                        want_json_lines=args.output_format in ("github", "sarif"))
    return settings, exclude


def _mode(args) -> str:
    if args.diff:
        return DIFF
    if args.command == CHECK:
        return FIX if args.fix else CHECK
    return CHECK if args.check else FIX


def _ignore_interrupts() -> None:
    """In a worker process: Ctrl-C reaches the whole process group; the command handles
    it, and each worker finishes (and writes, atomically) the file it is on."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run(tasks: list[tuple[Target, bytes | None]], settings: Settings,
         jobs: int, progress: Progress) -> list[FileReport]:
    files = [(t, data) for t, data in tasks if data is None]
    parallel = jobs > 1 and len(files) > 1
    reports: dict[int, FileReport] = {}
    if parallel:
        pool = None
        try:
            pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=min(jobs, len(files)), initializer=_ignore_interrupts)
            futures = {pool.submit(process, t.display, t.path, settings): i
                       for i, (t, data) in enumerate(tasks) if data is None}
            for future in concurrent.futures.as_completed(futures):
                reports[futures[future]] = future.result()
                progress.advance(tasks[futures[future]][0].display)
        except (OSError, ImportError, NotImplementedError,
                concurrent.futures.process.BrokenProcessPool):
            reports = {}  # no process pool here (sandbox, no /dev/shm): run in process
        finally:
            if pool is not None:  # on Ctrl-C: the files in progress finish, no new one starts
                pool.shutdown(wait=True, cancel_futures=True)
    for i, (t, data) in enumerate(tasks):
        if i not in reports:
            progress.starting(t.display)
            reports[i] = process(t.display, t.path, settings, data)
            progress.advance()
    return [reports[i] for i in range(len(tasks))]


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m flake8_dask.fix``: fixes by default, ``--check`` reports only."""
    args = build_parser().parse_args(argv)
    if args.explain:
        rule = find(args.explain)
        if rule is None:
            sys.stderr.write(f"{PROG}: error: unknown rule {args.explain!r}\n")
            return 2
        sys.stdout.write(output.explain(rule))
        return 0
    return execute(args, PROG, fix_hint=PROG)


def execute(args, prog: str, fix_hint: str) -> int:
    """Run the parsed command; Ctrl-C ends it with status 130 and one line, no traceback."""
    try:
        return _execute(args, prog, fix_hint)
    except KeyboardInterrupt:
        try:
            sys.stderr.write(f"\n{prog}: interrupted; files already fixed were written "
                             "whole, the others were left as they were\n")
            sys.stderr.flush()
        except (OSError, ValueError):
            pass
        return 130


def _execute(args, prog: str, fix_hint: str) -> int:
    out, err = sys.stdout, sys.stderr
    try:
        config = load_config(args.config, isolated=args.isolated,
                             toml_config=args.toml_config)
        settings, exclude = _settings_from(args, config)
    except ConfigError as exc:
        err.write(f"{prog}: error: {exc}\n")
        return 2
    if not args.isolated:
        warn_unseen_pyproject(os.getcwd(), prog, err)
    paths = args.paths or ["."]
    if paths.count("-") > 1:
        err.write(f"{prog}: error: standard input (-) can be read only once\n")
        return 2
    status_io = False
    tasks: list[tuple[Target, bytes | None]] = []
    for item in expand(paths, exclude, respect_gitignore=args.respect_gitignore):
        if isinstance(item, MissingPath):
            err.write(f"{prog}: error: {item}\n")
            status_io = True
            continue
        if item.path == "-":
            name = args.stdin_filename or "-"
            if args.stdin_filename and _excluded(name, exclude):
                continue
            tasks.append((Target(name, "-"), sys.stdin.buffer.read()))
        else:
            tasks.append((item, None))
    with Progress(len(tasks), err, prefix=prog) as progress:
        if args.scheduler:
            try:
                reports = run_on_cluster(tasks, settings, args.scheduler)
            except SchedulerError as exc:
                err.write(f"{prog}: error: {exc}\n")
                return 2
        else:
            reports = _run(tasks, settings, args.jobs or os.cpu_count() or 1, progress)

    # stdin in fix mode: the (fixed) source goes to stdout, everything else to stderr
    stdin_fix = settings.mode == FIX and any(data is not None for _, data in tasks)
    report_stream = err if stdin_fix else out
    # Files that could not be checked: in the output, and for a person on stderr when the
    # output is for a machine (or a diff)
    told = args.output_format != "text" or settings.mode == DIFF
    for report in reports:
        if report.error:
            err.write(f"{prog}: error: {report.display}: {report.error}\n")
            status_io = True
        for d in report.diagnostics:
            if told and d.code == FILE_NOT_CHECKED:
                err.write(f"{prog}: warning: {output.text_line(report, d)}; file not "
                          "checked\n")
        for warning in report.warnings:
            err.write(f"{prog}: warning: {report.display}: {warning}\n")
    if settings.mode == DIFF:
        for report in reports:
            if report.diff:
                out.write(report.diff)
        would = sum(len(r.fixed) for r in reports)
        if would and not args.show_fixes:  # --show-fixes prints the same count, with the list
            err.write(f"Would fix {would} error{'s' if would != 1 else ''}.\n")
    else:
        color = args.output_format == "text" and use_color(args.color, report_stream)
        if args.output_format == "text":
            report_stream.write(output.render_text(reports, color))
        else:
            report_stream.write(output.RENDERERS[args.output_format](reports))
        if args.output_format == "text":
            if args.statistics:
                report_stream.write(output.render_statistics(reports))
            report_stream.write(output.render_summary(reports, mode=settings.mode,
                                                      unsafe=settings.unsafe,
                                                      command=fix_hint))
    if args.show_fixes:
        (err if stdin_fix or settings.mode == DIFF else out).write(
            output.render_fixes(reports, applied=settings.mode == FIX,
                                check=settings.mode == CHECK))
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
        not_checked = any(d.code == FILE_NOT_CHECKED for r in reports for d in r.diagnostics)
        return 1 if not_checked or any(r.diff for r in reports) else 0
    if any(r.diagnostics for r in reports):
        return 1
    if args.exit_non_zero_on_fix and any(r.fixed for r in reports):
        return 1
    return 0


def _excluded(name: str, exclude: list[str]) -> bool:
    from .selection import matches_filename

    return matches_filename(name, exclude)
