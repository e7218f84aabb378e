"""The pinned real-world corpus (tests/corpus_setup.sh builds it): the analyzer lints every
file without an exception and without DSK000.

The corpus lives outside the repository, in $FLAKE8_DASK_CORPUS; without that variable the
test skips, saying so (conftest.corpus_dir). Files that do not parse (Python 2 code,
templates) are flake8's E999 and are counted, not analysed.
"""

from __future__ import annotations

import ast
import io
import time
import tokenize
import warnings
from pathlib import Path

import pytest

from flake8_dask.checker import INTERNAL_ERROR, analyze

pytestmark = [pytest.mark.corpus, pytest.mark.slow]


def read_source(path: Path) -> str:
    """Decode as flake8 does: the coding cookie or UTF-8, else latin-1."""
    data = path.read_bytes()
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError):
        return data.decode("latin-1")


def test_corpus_lints_without_internal_error(corpus):
    files = sorted(corpus.rglob("*.py"))
    assert files, f"{corpus} holds no Python file"
    failures = []
    unparsable = 0
    findings = 0
    start = time.perf_counter()
    for path in files:
        source = read_source(path)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            unparsable += 1
            continue
        try:
            result = analyze(tree, source)
        except BaseException as exc:  # analyze must never raise: report, do not stop
            failures.append(f"{path}: raised {type(exc).__name__}: {exc}")
            continue
        findings += len(result)
        failures += [f"{path}:{f.line}:{f.col + 1}: {f.text}" for f in result
                     if f.code == INTERNAL_ERROR]
    elapsed = time.perf_counter() - start
    print(f"\ncorpus: {len(files)} files ({unparsable} unparsable), {findings} findings, "
          f"{elapsed:.1f} s")
    assert not failures, "\n".join(failures[:50])
