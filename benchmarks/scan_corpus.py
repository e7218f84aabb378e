"""Run the analyzer over a directory and print findings per code (for reading them).

    python benchmarks/scan_corpus.py /tmp/corpus [--select DSK101,DSK102] [--show 30]

Prints a count per code, then up to --show findings per code as path:line:col: CODE message.
Uses the same analyze() as the flake8 plugin; files that do not parse are counted and skipped.
"""

from __future__ import annotations

import argparse
import ast
import random
import sys
import time
import warnings
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flake8_dask.checker import analyze  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("root")
    ap.add_argument("--select", default="")
    ap.add_argument("--show", type=int, default=30)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    select = tuple(s.strip() for s in args.select.split(",") if s.strip())
    by_code = defaultdict(list)
    files = sorted(Path(args.root).rglob("*.py"))
    unparsable = 0
    start = time.perf_counter()
    for path in files:
        try:
            source = path.read_text(encoding="utf-8")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse(source)
        except (SyntaxError, UnicodeDecodeError, ValueError):
            unparsable += 1
            continue
        for f in analyze(tree, source):
            if not select or f.code.startswith(select):
                by_code[f.code].append(f"{path}:{f.line}:{f.col + 1}: {f.code} {f.message}")
    elapsed = time.perf_counter() - start
    print(f"{len(files)} files ({unparsable} unparsable) in {elapsed:.1f}s")
    for code in sorted(by_code):
        print(f"{code}: {len(by_code[code])}")
    rng = random.Random(args.seed)
    for code in sorted(by_code):
        items = by_code[code]
        sample = items if len(items) <= args.show else rng.sample(items, args.show)
        print(f"\n== {code} ({len(items)}; showing {len(sample)})")
        for line in sorted(sample):
            print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
