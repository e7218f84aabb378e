"""The performance report: what flake8-dask costs, side by side, in one run.

    python benchmarks/bench.py [--corpus /tmp/corpus] [--pairs 3] [--quick]

Prints (Markdown) the machine and its load average, then, on the pinned corpus (build it with
``../shared/corpus/corpus.sh /tmp/corpus``):

1. flake8 ``-j1`` with and without the plugin (the shim of ``bench_flake8.py`` filters the
   plugin out of flake8's plugin discovery), on the dask + distributed trees and on the files
   that never name Dask: CPU (user+sys) of paired, alternating runs, the median of the paired
   ratios, and, measured inside the same runs, the plugin's own CPU (its ``run()`` and its
   import) and the garbage collector's, which do not depend on what else loads the machine;
2. the fix command's ``--check`` wall time (``-j`` default: all cores) against
   ``ruff check --select ALL`` on the same files (ruff is only a benchmark dependency),
   paired; and ``--check`` with ``-j1`` against ``-j2``;
3. the fix command's peak memory (max RSS of the process, and of its workers) for 100, 400
   and 1,600 files, both corpus files and one set of 100 files repeated, which shows whether
   memory grows with the number of files (it must not);
4. the analyzer alone, in process: per file and per 1,000 lines, model build and rules;
5. when valgrind is installed: flake8 ``-j1`` with and without the plugin under callgrind, on
   a fixed sample of the Dask-heavy files (every 10th), counting instructions: a measure of
   the same overhead that load cannot disturb (CPU time on a shared machine varies by 10 %
   between identical runs), with the garbage collector's share;
6. one fix in a generated 1,000, 10,000 and 50,000-line file: the fix command's wall time
   and peak memory against ``--check`` on the same file (both ``-j1``), paired;
7. ``--scheduler`` on a local Dask cluster of N one-thread workers (N = the cores) against
   ``-j N`` on the whole corpus, paired, with the outputs compared byte for byte (needs
   distributed).

``--only 6,7`` runs only those sections (``--skip`` leaves some out).

The children run with bytecode caching on (in a temporary ``PYTHONPYCACHEPREFIX``), as an
installed package does, whatever ``PYTHONDONTWRITEBYTECODE`` says here.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from bench_flake8 import SHIM, WITH, file_sets  # noqa: E402

#: Run before either shim: counts the garbage collector's CPU, and with the plugin, the CPU
#: spent in its import and in ``DaskChecker.run``; written as JSON at exit.
INSTRUMENT = """
import atexit, gc, json, os, time
_gc = [0.0, 0.0]
def _on_gc(phase, info):
    if phase == "start":
        _gc[1] = time.process_time()
    else:
        _gc[0] += time.process_time() - _gc[1]
gc.callbacks.append(_on_gc)
_plugin = {"run": 0.0, "files": 0, "import": 0.0}
if os.environ.get("BENCH_PLUGIN") == "1":
    _t = time.process_time()
    import flake8_dask.plugin as _p
    _plugin["import"] = time.process_time() - _t
    _run = _p.DaskChecker.run
    def _timed_run(self):
        t = time.process_time()
        out = list(_run(self))
        _plugin["run"] += time.process_time() - t
        _plugin["files"] += 1
        return iter(out)
    _p.DaskChecker.run = _timed_run
def _dump():
    t = os.times()
    with open(os.environ["BENCH_STATS"], "w") as f:
        json.dump(dict(_plugin, gc=_gc[0], cpu=t.user + t.system), f)
atexit.register(_dump)
"""


class Bench:
    def __init__(self, args):
        self.args = args
        self.tmp = Path(tempfile.mkdtemp(prefix="flake8-dask-bench-"))
        env = dict(os.environ, PYTHONPATH=str(ROOT),
                   PYTHONPYCACHEPREFIX=str(self.tmp / "pycache"))
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        self.env = env

    # ------------------------------------------------------------------ helpers
    def run(self, cmd, **kw) -> subprocess.CompletedProcess:
        return subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              env=self.env, check=False, **kw)

    def flake8(self, files, plugin: bool) -> dict:
        """One flake8 -j1 run: the child's CPU (rusage) and what it measured itself."""
        stats = self.tmp / "stats.json"
        code = INSTRUMENT + (WITH if plugin else SHIM)
        env = dict(self.env, BENCH_STATS=str(stats), BENCH_PLUGIN="1" if plugin else "0")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        proc = subprocess.run([sys.executable, "-c", code, "-j1", "--isolated", "--exit-zero",
                               *map(str, files)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, env=env, check=False)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if proc.returncode != 0:
            raise SystemExit(f"flake8 failed: {proc.stderr.decode()[-2000:]}")
        result = json.loads(stats.read_text())
        result["rusage"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return result

    def wall(self, cmd) -> float:
        start = time.perf_counter()
        proc = self.run(cmd)
        elapsed = time.perf_counter() - start
        if proc.returncode not in (0, 1):
            raise SystemExit(f"{cmd[:4]} failed ({proc.returncode}): "
                             f"{proc.stderr.decode()[-2000:]}")
        return elapsed

    def fix_check(self, files, jobs: int | None = None) -> list[str]:
        cmd = [sys.executable, "-m", "flake8_dask.fix", "--check", "--isolated", "--exit-zero"]
        if jobs:
            cmd += ["-j", str(jobs)]
        return cmd + [str(f) for f in files]

    @staticmethod
    def ruff(files) -> list[str]:
        cmd = ["ruff", "check", "--select", "ALL", "--isolated", "--exit-zero", "-q",
               "--no-cache"]  # like for like: the fix command keeps no cache either
        return cmd + [str(f) for f in files]

    def max_rss(self, cmd) -> int:
        """Peak RSS in MB of ``cmd`` and of its children (its -j workers), measured by a
        fresh parent so that no earlier child counts."""
        probe = ("import resource, subprocess, sys\n"
                 "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=False)\n"
                 "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")
        out = subprocess.run([sys.executable, "-c", probe, *cmd], capture_output=True,
                             env=self.env, check=True, text=True)
        return int(out.stdout.strip()) // 1024

    # ------------------------------------------------------------------ sections
    def machine(self) -> None:
        cpu = "unknown CPU"
        try:
            for line in Path("/proc/cpuinfo").read_text().splitlines():
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        except OSError:
            pass
        mem = ""
        try:
            kb = int(Path("/proc/meminfo").read_text().split()[1])
            mem = f", {kb / 1024 ** 2:.0f} GB RAM"
        except (OSError, ValueError, IndexError):
            pass
        import flake8

        ruff = subprocess.run(["ruff", "--version"], capture_output=True, text=True)
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True).stdout.strip()
        print("# flake8-dask performance report\n")
        print(f"- machine: {platform.platform()}; {cpu}, {os.cpu_count()} cores{mem}")
        print(f"- Python {platform.python_version()}, flake8 {flake8.__version__}, "
              f"{ruff.stdout.strip() or 'ruff not found'}; flake8-dask at {commit or '?'}")
        print(f"- corpus: {self.args.corpus}; {self.args.pairs} paired runs per measurement")
        print(f"- load average at start: {self.load()}")

    @staticmethod
    def load() -> str:
        one, five, fifteen = os.getloadavg()
        return f"{one:.1f} / {five:.1f} / {fifteen:.1f} (1 / 5 / 15 min)"

    def flake8_section(self, sets) -> None:
        print("\n## 1. flake8 -j1 with and without the plugin (CPU, paired runs)\n")
        print("| files | lines | without plugin | with plugin | overhead: median paired ratio "
              "(each pair) | plugin's own CPU (run + import) | GC CPU without / with |")
        print("|---|---|---|---|---|---|---|")
        notes = []
        for label, files in sets.items():
            lines = count_lines(files)
            pairs = []
            for i in range(self.args.pairs):
                order = (True, False) if i % 2 == 0 else (False, True)
                got = {plugin: self.flake8(files, plugin) for plugin in order}
                pairs.append((got[True], got[False]))
            ratios = [w["rusage"] / wo["rusage"] for w, wo in pairs]
            med_w = statistics.median(w["rusage"] for w, _ in pairs)
            med_wo = statistics.median(wo["rusage"] for _, wo in pairs)
            own = [(w["run"] + w["import"]) / max(w["rusage"] - w["run"] - w["import"], 1e-9)
                   for w, _ in pairs]
            own_s = statistics.median(w["run"] + w["import"] for w, _ in pairs)
            gc_w = statistics.median(w["gc"] for w, _ in pairs)
            gc_wo = statistics.median(wo["gc"] for _, wo in pairs)
            each = ", ".join(f"{100 * (r - 1):+.1f}%" for r in ratios)
            print(f"| {label}: {len(files)} | {lines:,} | {med_wo:.2f} s | {med_w:.2f} s | "
                  f"**{100 * (statistics.median(ratios) - 1):+.1f} %** ({each}) | "
                  f"**{100 * statistics.median(own):.2f} %** ({own_s:.2f} s = "
                  f"{1000 * own_s / len(files):.2f} ms/file, "
                  f"{1000 * own_s / (lines / 1000):.2f} ms/1,000 lines) | "
                  f"{gc_wo:.2f} s / {gc_w:.2f} s |")
            imports = statistics.median(w["import"] for w, _ in pairs)
            notes.append(f"{label}: plugin import {1000 * imports:.0f} ms of it")
        print("\nThe paired ratio compares whole flake8 processes: it is the target's "
              "definition, but on a shared machine the run-to-run noise of each process is "
              "several per cent. The plugin's own CPU is measured inside the with-plugin "
              "runs (process time in its import and in `DaskChecker.run`, as a share of the "
              "rest of that run), so load inflates both sides alike; the GC column shows "
              "what the plugin adds to flake8's garbage collection. "
              + "; ".join(notes) + ".")
        print(f"\nload average after: {self.load()}")

    def standalone_section(self, heavy, everything) -> None:
        print("\n## 2. The fix command's --check against ruff (wall time, paired runs)\n")
        print("| files | lines | `--check` (-j default: all cores) | "
              "`ruff check --select ALL --no-cache` | ratio: median paired (each pair) |")
        print("|---|---|---|---|---|")
        for label, files in (("dask + distributed", heavy), ("whole corpus", everything)):
            ours, theirs, ratios = [], [], []
            for i in range(self.args.pairs):
                if i % 2 == 0:
                    a = self.wall(self.fix_check(files))
                    b = self.wall(self.ruff(files))
                else:
                    b = self.wall(self.ruff(files))
                    a = self.wall(self.fix_check(files))
                ours.append(a)
                theirs.append(b)
                ratios.append(a / b)
            each = ", ".join(f"{r:.2f}" for r in ratios)
            print(f"| {label}: {len(files)} | {count_lines(files):,} | "
                  f"{statistics.median(ours):.2f} s | {statistics.median(theirs):.2f} s | "
                  f"**{statistics.median(ratios):.2f}x** ({each}) |")
        print("\n-j scaling of `--check` on the dask + distributed trees (wall time):\n")
        one, two = [], []
        for i in range(self.args.pairs):
            if i % 2 == 0:
                one.append(self.wall(self.fix_check(heavy, 1)))
                two.append(self.wall(self.fix_check(heavy, 2)))
            else:
                two.append(self.wall(self.fix_check(heavy, 2)))
                one.append(self.wall(self.fix_check(heavy, 1)))
        t1, t2 = statistics.median(one), statistics.median(two)
        print(f"- -j1: {t1:.2f} s; -j2: {t2:.2f} s; speed-up {t1 / t2:.2f}x on 2 workers "
              f"(efficiency {100 * t1 / t2 / 2:.0f} %; each run: -j1 "
              f"{', '.join(f'{t:.2f}' for t in one)}; -j2 {', '.join(f'{t:.2f}' for t in two)})")
        print(f"\nload average after: {self.load()}")

    def memory_section(self, everything) -> None:
        print("\n## 3. Peak memory of the fix command (`--check`, max RSS)\n")
        base = everything[:100]
        repeated = self.tmp / "repeated"
        copies: list[Path] = []
        for k in range(16):
            folder = repeated / f"copy{k:02d}"
            folder.mkdir(parents=True)
            for i, src in enumerate(base):
                dst = folder / f"f{i:03d}_{src.name}"
                shutil.copyfile(src, dst)
                copies.append(dst)
        print("| files | corpus files: -j1 | corpus files: -j2 (largest process) | "
              "the same 100 files repeated: -j1 |")
        print("|---|---|---|---|")
        for n in (100, 400, 1600):
            corpus = everything[:n]
            reps = copies[:n]
            print(f"| {n:,} | {self.max_rss(self.fix_check(corpus, 1))} MB | "
                  f"{self.max_rss(self.fix_check(corpus, 2))} MB | "
                  f"{self.max_rss(self.fix_check(reps, 1))} MB |")
        print("\nCorpus prefixes grow with the largest file they contain; the repeated "
              "set has the same largest file at every size, so its column shows what the "
              "number of files alone does.")

    def analyzer_section(self, sets) -> None:
        import gc

        from flake8_dask.checker import analyze, mentions_dask, releasing
        from flake8_dask.model.scopes import ScopeBuilder
        from flake8_dask.rules import ALL_RULES

        print("\n## 4. The analyzer alone (in process, CPU, best of 3)\n")
        print("| files | lines | files past the prefilter | analyze | per file | "
              "per 1,000 lines | model walk | rules and queries |")
        print("|---|---|---|---|---|---|---|---|")
        wanted = frozenset(t for r in ALL_RULES for t in r.node_types)
        for label, files in sets.items():
            sources = []
            for p in files:
                source = p.read_text(encoding="utf-8", errors="replace")
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        ast.parse(source)
                except (SyntaxError, ValueError):
                    continue
                sources.append(source)
            past = sum(mentions_dask(s) for s in sources)
            best_total = best_walk = float("inf")
            for _ in range(3):
                parsed = [(ast.parse(s), s) for s in sources]
                gc.collect()
                start = time.process_time()
                for tree, source in parsed:
                    with releasing():
                        analyze(tree, source)
                total = time.process_time() - start
                parsed = [(ast.parse(s), s) for s in sources]
                gc.collect()
                start = time.process_time()
                for tree, source in parsed:
                    if mentions_dask(source):
                        builder = ScopeBuilder(wanted)
                        builder.build(tree)
                        builder.release()
                walk = time.process_time() - start
                best_total, best_walk = min(best_total, total), min(best_walk, walk)
            lines = count_lines(files)
            print(f"| {label}: {len(files)} | {lines:,} | {past} | {best_total:.2f} s | "
                  f"{1000 * best_total / len(files):.2f} ms | "
                  f"{1000 * best_total / (lines / 1000):.2f} ms | {best_walk:.2f} s | "
                  f"{best_total - best_walk:.2f} s |")

    def instructions_section(self, heavy) -> None:
        print("\n## 5. flake8 -j1 with and without the plugin: instructions (callgrind)\n")
        valgrind = shutil.which("valgrind")
        if valgrind is None:
            print("valgrind is not installed: section skipped")
            return
        sample = heavy[::10]
        lines = count_lines(sample)
        procs = {}
        for plugin in (True, False):  # in parallel: instruction counts ignore the load
            out = self.tmp / f"callgrind.{int(plugin)}"
            cmd = [valgrind, "--tool=callgrind", f"--callgrind-out-file={out}",
                   sys.executable, "-c", WITH if plugin else SHIM, "-j1", "--isolated",
                   "--exit-zero", *map(str, sample)]
            procs[plugin] = (subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                                              stderr=subprocess.DEVNULL, env=self.env), out)
        counts = {}
        for plugin, (proc, out) in procs.items():
            if proc.wait() != 0:
                raise SystemExit("flake8 under callgrind failed")
            counts[plugin] = _callgrind_counts(out)
        (w, w_gc), (wo, wo_gc) = counts[True], counts[False]
        print("| files | lines | without plugin | with plugin | overhead | of which GC |")
        print("|---|---|---|---|---|---|")
        gc_part = f"{100 * (w_gc - wo_gc) / wo:+.2f} %" if w_gc and wo_gc else "?"
        print(f"| every 10th Dask-heavy file: {len(sample)} | {lines:,} | {wo / 1e9:.2f} G | "
              f"{w / 1e9:.2f} G | **{100 * (w / wo - 1):+.2f} %** | {gc_part} |")
        print("\nInstructions of the whole process (start-up included), with bytecode cached "
              "as installed. They miss what cache misses cost, so CPU time (section 1) may "
              "show more; they do not vary between runs.")

    def fix_cost_section(self) -> None:
        print("\n## 6. One fix in a long file: the fix command against --check (-j1, paired)\n")
        print("| file | lines | `--check`: wall | fix: wall | ratio: median paired (each) | "
              "`--check`: peak RSS | fix: peak RSS |")
        print("|---|---|---|---|---|---|---|")
        folder = self.tmp / "fixcost"
        folder.mkdir()
        for lines in (1_000, 10_000, 50_000):
            source = generated_module(lines)
            path = folder / f"generated_{lines}.py"
            check_cmd = self.fix_check([path], 1)
            fix_cmd = [sys.executable, "-m", "flake8_dask.fix", "--isolated", "--exit-zero",
                       "-j1", str(path)]
            checks, fixes = [], []

            def fix_once() -> None:
                path.write_text(source)
                fixes.append(self.wall(fix_cmd))
                changed = [(a, b) for a, b in zip(source.splitlines(),
                                                  path.read_text().splitlines()) if a != b]
                if changed != [("    ddf.fillna(0, inplace=True)", "    ddf = ddf.fillna(0)")]:
                    raise SystemExit(f"the fix of {path.name} changed {changed[:3]}")
                path.write_text(source)

            for i in range(self.args.pairs):
                path.write_text(source)
                if i % 2 == 0:
                    checks.append(self.wall(check_cmd))
                    fix_once()
                else:
                    fix_once()
                    checks.append(self.wall(check_cmd))
            path.write_text(source)
            check_rss = self.max_rss(check_cmd)
            fix_rss = self.max_rss(fix_cmd)
            ratios = [f / c for f, c in zip(fixes, checks)]
            print(f"| generated, one DSK408 fix in the middle | {source.count(chr(10)):,} | "
                  f"{statistics.median(checks):.2f} s | {statistics.median(fixes):.2f} s | "
                  f"**{statistics.median(ratios):.2f}x** "
                  f"({', '.join(f'{r:.2f}' for r in ratios)}) | {check_rss} MB | "
                  f"**{fix_rss} MB** |")
        print("\nThe files repeat a realistic block (a loader function and a class over Dask "
              "DataFrames, no finding) around one `ddf.fillna(0, inplace=True)`; wall times "
              "include the interpreter's start-up. Each fix is checked to change that one "
              "line only.")
        print(f"\nload average after: {self.load()}")

    def scheduler_section(self, everything) -> None:
        print("\n## 7. --scheduler on N one-thread workers against -j N (wall time, paired)\n")
        try:
            import distributed  # noqa: F401
        except ImportError:
            print("distributed is not installed (pip install 'flake8-dask[scheduler]'): "
                  "section skipped")
            return
        n = os.cpu_count() or 1
        corpus = Path(self.args.corpus)
        cluster = LocalCluster(self.tmp / "cluster", n, self.env)
        try:
            address = cluster.start()
            base = [sys.executable, "-m", "flake8_dask.fix", "--check", "--isolated",
                    "--exit-zero", str(corpus)]
            remote, local = base + ["--scheduler", address], base + ["-j", str(n)]
            self.run(remote)  # warm: each worker imports flake8-dask on its first task
            outputs, times = {}, {"scheduler": [], "local": []}
            for i in range(self.args.pairs):
                order = ("scheduler", "local") if i % 2 == 0 else ("local", "scheduler")
                for which in order:
                    cmd = remote if which == "scheduler" else local
                    start = time.perf_counter()
                    proc = subprocess.run(cmd, capture_output=True, env=self.env, check=False)
                    times[which].append(time.perf_counter() - start)
                    if proc.returncode != 0:
                        raise SystemExit(f"{which} run failed: {proc.stderr.decode()[-2000:]}")
                    outputs.setdefault(which, set()).add(proc.stdout + b"\0" + proc.stderr)
        finally:
            cluster.stop()
        same = len(outputs["scheduler"] | outputs["local"]) == 1
        if not same:
            raise SystemExit("--scheduler and -j gave different outputs")
        sched, loc = statistics.median(times["scheduler"]), statistics.median(times["local"])
        ratios = [a / b for a, b in zip(times["scheduler"], times["local"])]
        print("| files | lines | `-j {n}` | `--scheduler`, {n} one-thread workers | ratio: "
              "median paired (each) | output |".format(n=n))
        print("|---|---|---|---|---|---|")
        print(f"| whole corpus: {len(everything)} | {count_lines(everything):,} | {loc:.2f} s | "
              f"{sched:.2f} s | **{statistics.median(ratios):.2f}x** "
              f"({', '.join(f'{r:.2f}' for r in ratios)}) | identical |")
        print("\nA scheduler and N worker processes (`--nthreads 1 --no-nanny`) on this "
              "machine, started once and warmed by one run (a cluster outlives one command); "
              "`-j N` starts its N processes in each run. `--check` on the whole corpus, "
              "notebooks included.")
        print(f"\nload average after: {self.load()}")

    def close(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)


def _callgrind_counts(out: Path) -> tuple[int, int | None]:
    """Total instructions of a callgrind profile, and those of the garbage collector
    (inclusive, when ``callgrind_annotate`` is there to tell)."""
    total = gc_ir = None
    for line in out.read_text(errors="replace").splitlines():
        if line.startswith("totals:") or line.startswith("summary:"):
            total = int(line.split()[1])
    annotate = shutil.which("callgrind_annotate")
    if annotate:
        report = subprocess.run([annotate, "--inclusive=yes", str(out)], capture_output=True,
                                text=True).stdout
        for line in report.splitlines():
            if "gc_collect_main" in line:
                gc_ir = int(line.split()[0].replace(",", ""))
                break
    if total is None:
        raise SystemExit(f"no totals in {out}")
    return total, gc_ir


class LocalCluster:
    """A Dask scheduler and ``n`` one-thread workers, as processes of their own."""

    def __init__(self, folder: Path, n: int, env: dict):
        self.folder, self.n, self.env, self.procs = folder, n, env, []

    def start(self) -> str:
        self.folder.mkdir(parents=True)
        scheduler_file = self.folder / "scheduler.json"
        log = open(self.folder / "cluster.log", "wb")
        self.procs.append(subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
             "--port", "0", "--no-dashboard", "--scheduler-file", str(scheduler_file)],
            env=self.env, stdout=log, stderr=subprocess.STDOUT))
        for k in range(self.n):
            self.procs.append(subprocess.Popen(
                [sys.executable, "-m", "distributed.cli.dask_worker", "--scheduler-file",
                 str(scheduler_file), "--host", "127.0.0.1", "--nthreads", "1", "--no-nanny",
                 "--no-dashboard", "--local-directory", str(self.folder / f"worker{k}")],
                env=self.env, stdout=log, stderr=subprocess.STDOUT))
        from distributed import Client

        deadline = time.monotonic() + 60
        while not scheduler_file.exists():
            if time.monotonic() > deadline:
                raise SystemExit("the Dask scheduler did not start")
            time.sleep(0.2)
        time.sleep(0.5)
        with Client(scheduler_file=str(scheduler_file), timeout="60s") as client:
            client.wait_for_workers(self.n, timeout=60)
        return str(scheduler_file)

    def stop(self) -> None:
        for proc in reversed(self.procs):
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


#: The block the generated files of section 6 repeat: Dask code with no finding.
BLOCK = '''

def load_{i}(path, column="value"):
    """Read one table and summarise column {i}."""
    ddf = dd.read_parquet(path)  # a Dask DataFrame
    ddf = ddf[ddf[column] > {i}]
    totals = ddf.groupby("key")[column].sum()
    # keep the lazy result: the caller computes it
    return totals


class Stage{i}:
    def __init__(self, frame):
        self.frame = frame

    def run(self, scale={i}):
        out = self.frame.map_partitions(lambda part: part * scale)
        return out.persist()
'''
FIXED_FUNCTION = ("\n\ndef clean(path):\n    ddf = dd.read_csv(path)\n"
                  "    ddf.fillna(0, inplace=True)\n    return ddf\n")


def generated_module(lines: int) -> str:
    """About ``lines`` lines of Dask code, with one fixable finding in the middle."""
    parts = ['"""Generated module for the fix benchmark."""\nimport dask\n'
             "import dask.dataframe as dd\n"]
    count, i, placed = parts[0].count("\n"), 0, False
    size = BLOCK.count("\n")
    while count + size <= lines - 4:
        if not placed and count >= lines // 2:
            parts.append(FIXED_FUNCTION)
            count += FIXED_FUNCTION.count("\n")
            placed = True
        parts.append(BLOCK.format(i=i))
        count += size
        i += 1
    return "".join(parts)


def count_lines(files) -> int:
    return sum(len(p.read_bytes().splitlines()) for p in files)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default="/tmp/corpus")
    ap.add_argument("--pairs", type=int, default=3, help="paired runs per measurement")
    ap.add_argument("--skip", default="", help="sections to skip, e.g. 1,3")
    ap.add_argument("--only", default="", help="the sections to run, e.g. 6,7")
    args = ap.parse_args()
    corpus = Path(args.corpus)
    if not corpus.is_dir():
        print(f"no corpus at {corpus}; run ../shared/corpus/corpus.sh {corpus}")
        return 2
    if shutil.which("ruff") is None:
        print("ruff is not installed (pip install ruff): it is the reference of section 2")
        return 2
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    if args.only:
        only = {s.strip() for s in args.only.split(",") if s.strip()}
        skip |= {str(k) for k in range(1, 8)} - only
    bench = Bench(args)
    try:
        sets = file_sets(corpus)
        heavy = sets["dask-heavy (distributed + dask)"]
        everything = sorted(corpus.rglob("*.py"))
        bench.machine()
        # warm the bytecode caches of both commands before anything is timed
        bench.run(bench.fix_check(heavy[:20], 1))
        bench.flake8(heavy[:5], True)
        bench.flake8(heavy[:5], False)
        if "1" not in skip:
            bench.flake8_section(sets)
        if "2" not in skip:
            bench.standalone_section(heavy, everything)
        if "3" not in skip:
            bench.memory_section(everything)
        if "4" not in skip:
            bench.analyzer_section(sets)
        if "5" not in skip:
            bench.instructions_section(heavy)
        if "6" not in skip:
            bench.fix_cost_section()
        if "7" not in skip:
            bench.scheduler_section(everything)
        print(f"\nload average at the end: {bench.load()}")
    finally:
        bench.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
