"""The fix command on the pinned real-world corpus (1,800 files from dask, distributed,
xarray, dask-ml, satpy...; ``tests/corpus_setup.sh`` unpacks it), with unsafe fixes, on a
copy: no internal error, every changed file still parses (notebooks stay valid JSON with only
their cells' sources changed), and a second pass over the changed files changes nothing.

The corpus is read from ``$FLAKE8_DASK_CORPUS``; without that variable the
test is skipped.
"""
import ast
import hashlib
import json
import os
import shutil
import subprocess
import sys
import warnings

import pytest

from fix_helpers import ROOT

pytestmark = [pytest.mark.corpus, pytest.mark.slow]


def fix(*args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "flake8_dask.fix", "--isolated", "--unsafe-fixes", "-j2",
         *map(str, args)],
        cwd=cwd, capture_output=True, text=True, timeout=1200,
        env=dict(os.environ, PYTHONPATH=str(ROOT)))


def hashes(root):
    return {p.relative_to(root): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in root.rglob("*") if p.suffix in (".py", ".ipynb") and p.is_file()
            and not p.is_symlink()}


def test_fix_the_corpus(tmp_path, corpus):
    copy = tmp_path / "corpus"
    shutil.copytree(corpus, copy, symlinks=True)
    before = hashes(copy)
    first = fix(".", cwd=copy)
    report = first.stdout + first.stderr
    assert first.returncode in (0, 1), report
    assert "DSK000" not in report and "internal error" not in report
    assert "Traceback" not in first.stderr
    assert ": error: " not in first.stderr, first.stderr  # nothing unreadable or unwritable

    after = hashes(copy)
    changed = sorted(p for p in after if after[p] != before[p])
    assert changed, "no fix applied to the corpus: the test checks nothing"
    for relative in changed:
        new, old = copy / relative, corpus / relative
        if relative.suffix == ".ipynb":
            new_nb, old_nb = json.loads(new.read_text("utf-8")), json.loads(old.read_text("utf-8"))
            assert len(new_nb["cells"]) == len(old_nb["cells"]), relative
            for new_cell, old_cell in zip(new_nb["cells"], old_nb["cells"]):
                assert {k: v for k, v in new_cell.items() if k != "source"} == \
                    {k: v for k, v in old_cell.items() if k != "source"}, relative
            assert {k: v for k, v in new_nb.items() if k != "cells"} == \
                {k: v for k, v in old_nb.items() if k != "cells"}, relative
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                compile(ast.parse(new.read_bytes()), str(relative), "exec")

    # Fixing is idempotent: a second pass over the changed files changes nothing (the
    # others read the same bytes as the first time).
    second = fix(*changed, cwd=copy)
    assert second.returncode in (0, 1), second.stdout + second.stderr
    assert "DSK000" not in second.stdout + second.stderr
    assert {p: h for p, h in hashes(copy).items() if p in changed} == \
        {p: after[p] for p in changed}
