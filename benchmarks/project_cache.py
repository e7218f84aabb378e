"""What the project's summaries cost the fix command, and whether to warm them before
fanning out to ``-j`` workers or to rely on the disk cache the workers share (#13, point 2).

    python benchmarks/project_cache.py [--jobs 2] [--targets dataframe]

The corpus: the installed ``dask`` package's ``.py`` files copied into a temporary project
(a copy: site-packages itself is never read). The fix command runs ``--check`` on one of
its subpackages (``--targets``); the import root, and so the reverse task index, is all of
``dask``. Until the model asks the project itself (the lead's part of #13), each analysis
asks what it will ask: the summary of every ``from ... import`` and the file's task sites.
``summarize`` is stood in for by what the real one does at least (``ast.parse`` and the
semantic model's walk): the stub returns at once and would measure nothing. Each mode runs
in a fresh process; a printed report gives wall time and summaries computed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BOOTSTRAP = textwrap.dedent("""\
    import ast, os, sys
    from flake8_dask.model import semantic
    from flake8_dask.options import Options
    from flake8_dask.project import view

    LOG = os.environ["BENCH_LOG"]

    def summarize(source, options=None):  # the stand-in: parse and one walk of the model
        with open(LOG, "a") as f:
            f.write("s\\n")
        try:
            semantic.SemanticModel(ast.parse(source), options or Options(), source).build()
        except SyntaxError:
            pass
        return {"returns": {}, "tasks": []}

    view.summarize = summarize
    build = semantic.SemanticModel.build

    def asking(self, wanted=frozenset()):
        model = build(self, wanted)
        imports = [n for n in ast.walk(self.tree) if isinstance(n, ast.ImportFrom)]
        if self.project is not None and os.environ.get("BENCH_ASK") == "1":
            for n in imports:
                self.project.imported(n.module, n.level)
            self.project.task_sites()
        return model

    semantic.SemanticModel.build = asking  # the same walk in every mode: only answers differ
    if os.environ.get("BENCH_WARM") == "1":  # the parent builds the index, then forks
        from flake8_dask.project.layout import locate
        loc = locate(os.environ["BENCH_FIRST"])
        view.task_index(loc.import_root, loc.project_root, Options())
    from flake8_dask.fix.cli import main
    sys.exit(main())
""")

MODES = [  # name, ask the project, cache, warm in the parent
    ("no project (today's analysis)", False, False, False),
    ("no cache (each worker's memo only)", True, False, False),
    ("cold disk cache, shared by the workers", True, True, False),
    ("warm disk cache (a second run)", True, True, False),
    ("cold cache, index warmed in the parent", True, True, True),
]


def run(proj: Path, targets: Path, jobs: int, ask: bool, cache: bool, warm: bool,
        first: Path, cold: bool) -> tuple[float, int]:
    """One fix command run: (wall seconds, summaries computed)."""
    if cold:
        shutil.rmtree(proj / ".flake8_dask_cache", ignore_errors=True)
    log = proj.parent / "log"
    log.write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLAKE8_DASK_")}
    env.update(PYTHONPATH=str(ROOT), BENCH_LOG=str(log), BENCH_ASK=str(int(ask)),
               BENCH_WARM=str(int(warm)), BENCH_FIRST=str(first))
    if not cache:
        env["FLAKE8_DASK_NO_CACHE"] = "1"
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", BOOTSTRAP, "--check", "--isolated",
                          "-j", str(jobs), str(targets)], cwd=proj, env=env,
                         capture_output=True, text=True)
    wall = time.perf_counter() - start
    if out.returncode not in (0, 1):
        sys.exit(f"exit {out.returncode}\n{out.stderr}")
    return wall, len(log.read_text().splitlines())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=2,
                        help="runs per mode; the report gives the fastest (a shared machine)")
    parser.add_argument("--targets", default="dataframe",
                        help="the dask subpackage the fix command checks")
    args = parser.parse_args()
    import dask
    source = Path(dask.__file__).parent
    with tempfile.TemporaryDirectory() as tmp:
        proj = Path(tmp) / "proj"
        shutil.copytree(source, proj / "dask", ignore=shutil.ignore_patterns(
            "__pycache__", "*.pyc", "*.so"))
        (proj / "pyproject.toml").write_text("")
        files = sorted((proj / "dask").rglob("*.py"))
        size = sum(p.stat().st_size for p in files)
        targets = proj / "dask" / args.targets
        n_targets = len(list(targets.rglob("*.py")))
        print(f"corpus: dask {dask.__version__}, {len(files)} files, {size / 1e6:.1f} MB; "
              f"fix --check -j {args.jobs} on dask/{args.targets} ({n_targets} files)\n")
        print(f"{'mode':44} {'wall s':>7} {'summaries':>10}")
        for name, ask, cache, warm in MODES:
            runs = [run(proj, targets, args.jobs, ask, cache, warm, files[0],
                        cold=not cache or name.startswith("cold"))
                    for _ in range(args.repeat)]
            print(f"{name:44} {min(w for w, _ in runs):7.1f} {runs[-1][1]:10d}")
        entries = list((proj / ".flake8_dask_cache/summaries").glob("*.json"))
        print(f"\ncache: {len(entries)} entries, "
              f"{sum(p.stat().st_size for p in entries) / 1e3:.0f} kB")
        print(json.dumps({"python": sys.version.split()[0], "cpus": os.cpu_count()}))


if __name__ == "__main__":
    main()
