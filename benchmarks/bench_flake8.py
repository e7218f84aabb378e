"""Benchmark: flake8's CPU with and without flake8-dask on the pinned corpus.

    python benchmarks/bench_flake8.py [--corpus /tmp/corpus] [--pairs 3]

Runs flake8 (-j1, default checks) as a subprocess on each file set, alternating runs with the
plugin and without it (the plugin is filtered out of flake8's plugin discovery by a shim, so
both runs use the same flake8 and the same files), measures the child's CPU time (user+sys),
and prints the median ratio per set, with per-file and per-1,000-line costs and the analyzer's
own time measured in-process. Build the corpus first: ../shared/corpus/corpus.sh /tmp/corpus.
"""

from __future__ import annotations

import argparse
import ast
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SHIM = """
import sys
import flake8.plugins.finder as finder
_orig = finder._find_importlib_plugins
def _without_dask():
    for plugin in _orig():
        if plugin.package != "flake8-dask":
            yield plugin
finder._find_importlib_plugins = _without_dask
from flake8.main.cli import main
sys.exit(main())
"""
WITH = "import sys\nfrom flake8.main.cli import main\nsys.exit(main())\n"


def file_sets(corpus: Path) -> dict[str, list[Path]]:
    heavy = sorted((corpus / "distributed-2026.8.0").rglob("*.py")) + \
        sorted((corpus / "dask-2026.8.0").rglob("*.py"))
    no_dask = []
    for p in sorted(corpus.rglob("*.py")):
        text = p.read_text(encoding="utf-8", errors="replace")
        if "dask" not in text and "distributed" not in text:
            no_dask.append(p)
    return {"dask-heavy (distributed + dask)": heavy, "no Dask": no_dask}


#: As installed: bytecode cached, whatever ``PYTHONDONTWRITEBYTECODE`` says here (without
#: a cache, each run would compile the plugin's 15,000 lines, 0.55 G instructions).
_CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
_CHILD_ENV["PYTHONPATH"] = str(ROOT)


def cpu_of(code: str, files: list[Path]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-c", code, "-j1", "--isolated", "--exit-zero",
                    *map(str, files)], stdout=subprocess.DEVNULL, check=True,
                   env=_CHILD_ENV)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def analyzer_time(files: list[Path]) -> float:
    from flake8_dask.checker import analyze

    total = 0.0
    for p in files:
        source = p.read_text(encoding="utf-8", errors="replace")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse(source)
        except SyntaxError:
            continue
        start = time.process_time()
        analyze(tree, source)
        total += time.process_time() - start
    return total


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default="/tmp/corpus")
    ap.add_argument("--pairs", type=int, default=3)
    args = ap.parse_args()
    corpus = Path(args.corpus)
    if not corpus.is_dir():
        print(f"no corpus at {corpus}; run ../shared/corpus/corpus.sh {corpus}")
        return 2
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}; load average {os.getloadavg()[0]:.1f}")
    for label, files in file_sets(corpus).items():
        lines = sum(len(p.read_bytes().splitlines()) for p in files)
        ratios, with_cpu, without_cpu = [], [], []
        for _ in range(args.pairs):
            w = cpu_of(WITH, files)
            wo = cpu_of(SHIM, files)
            with_cpu.append(w)
            without_cpu.append(wo)
            ratios.append(w / wo)
        own = analyzer_time(files)
        med_w, med_wo = statistics.median(with_cpu), statistics.median(without_cpu)
        print(f"\n{label}: {len(files)} files, {lines:,} lines, {args.pairs} paired runs")
        print(f"  flake8 without plugin: {med_wo:.2f} s CPU (median)")
        print(f"  flake8 with plugin:    {med_w:.2f} s CPU (median)")
        print(f"  overhead: {100 * (statistics.median(ratios) - 1):+.1f} % "
              f"(median of paired ratios; individual: "
              f"{', '.join(f'{100 * (r - 1):+.1f}%' for r in ratios)})")
        print(f"  analyzer alone (in-process): {own:.2f} s CPU = "
              f"{1000 * own / max(len(files), 1):.2f} ms/file, "
              f"{1000 * own / max(lines / 1000, 1):.2f} ms per 1,000 lines")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
