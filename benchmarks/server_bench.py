"""The language server's latency and memory, measured over stdio with the tests' LSP client.

    python benchmarks/server_bench.py [--runs 21] [--edits 1000] [--delay 0]

Prints (Markdown):

1. the time from sending ``textDocument/didChange`` to receiving the
   ``textDocument/publishDiagnostics`` of that version, median (and min/max) of ``--runs``
   changes, for a 300-line and a 3,000-line Dask file. The files are built deterministically
   from ``fixtures/`` (whole fixture files in name order, then top-level statements of the
   next one, up to the line count), so they hold real findings of every family. The server
   runs with ``lint.delay`` = ``--delay`` ms (the debounce; the default setting is 150 ms,
   which adds to every figure);
2. the server's resident memory (VmRSS, Linux) after opening the 300-line file and after
   ``--edits`` edits to it, each waited for (every version analysed and published), then
   after the same number of edits sent at once (most superseded).

The results for this repository are in benchmarks/SERVER.md.
"""

from __future__ import annotations

import argparse
import ast
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from lsp_client import Client, server_command  # noqa: E402


def dask_file(lines: int) -> str:
    """About ``lines`` lines of Dask code from the fixtures (never more)."""
    out: list[str] = []
    for path in sorted((ROOT / "fixtures").glob("dsk*.py")):
        if path.name.endswith(".fixed.py"):
            continue
        text = path.read_text(encoding="utf-8")
        file_lines = text.splitlines(keepends=True)
        if len(out) + len(file_lines) <= lines:
            out.extend(file_lines)
            continue
        for node in ast.parse(text).body:  # top-level statements that still fit
            chunk = file_lines[node.lineno - 1 - _decorators(node):node.end_lineno]
            if len(out) + len(chunk) > lines:
                break
            out.extend(chunk)
        break
    return "".join(out)


def _decorators(node: ast.AST) -> int:
    decorators = getattr(node, "decorator_list", [])
    return node.lineno - min(d.lineno for d in decorators) if decorators else 0


def rss_kib(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def latency(client: Client, uri: str, text: str, runs: int, first_version: int) -> list[float]:
    times = []
    for i in range(runs):
        version = first_version + i
        changed = text + f"# edit {i}\n"
        began = time.perf_counter()
        client.change(uri, version, changed)
        client.diagnostics(uri, version, timeout=120, start=len(client.notifications))
        times.append((time.perf_counter() - began) * 1000)
        client.notifications.clear()
    return times


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python benchmarks/server_bench.py")
    ap.add_argument("--runs", type=int, default=21)
    ap.add_argument("--edits", type=int, default=1000)
    ap.add_argument("--delay", type=int, default=0, help="the server's lint.delay (ms)")
    args = ap.parse_args(argv)
    print("# Language server benchmark\n")
    print(f"- machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, load average {os.getloadavg()[0]:.2f}")
    print(f"- `lint.delay` = {args.delay} ms; {args.runs} changes per file; "
          f"{args.edits} edits for memory\n")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "setup.cfg").write_text("[flake8]\n")
        client = Client(server_command(), cwd=tmp)
        try:
            client.initialize(root, {"settings": {"lint": {"delay": args.delay}}})
            print("| file | lines | findings | didChange -> publishDiagnostics, median | "
                  "min | max |")
            print("|---|---|---|---|---|---|")
            for lines in (300, 3000):
                text = dask_file(lines)
                uri = (root / f"bench_{lines}.py").as_uri()
                client.open(uri, text)
                found = len(client.diagnostics(uri, 1, timeout=120).diagnostics)
                times = latency(client, uri, text, args.runs, 2)
                print(f"| bench_{lines}.py | {text.count(chr(10))} | {found} | "
                      f"{statistics.median(times):.0f} ms | {min(times):.0f} ms | "
                      f"{max(times):.0f} ms |")
            text = dask_file(300)
            uri = (root / "memory.py").as_uri()
            client.open(uri, text)
            client.diagnostics(uri, 1, timeout=120)
            rows = [("after opening the files", rss_kib(client.proc.pid))]
            began = time.perf_counter()
            latency(client, uri, text, args.edits, 2)
            waited = time.perf_counter() - began
            rows.append((f"after {args.edits} edits, each analysed", rss_kib(client.proc.pid)))
            last = 2 + args.edits + args.edits - 1
            for i in range(args.edits):
                client.change(uri, 2 + args.edits + i, text + f"# burst {i}\n")
            client.diagnostics(uri, last, timeout=120)
            rows.append((f"after {args.edits} more edits sent at once",
                         rss_kib(client.proc.pid)))
            print("\n| server memory | VmRSS |\n|---|---|")
            for label, kib in rows:
                print(f"| {label} | {kib / 1024:.1f} MiB |" if kib else f"| {label} | n/a |")
            print(f"\n{args.edits} analysed edits took {waited:.1f} s "
                  f"({waited / args.edits * 1000:.0f} ms each).")
            client.shutdown()
        finally:
            client.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
