#!/usr/bin/env bash
# Build the pinned real-world corpus that tests/test_corpus.py lints.
#
# Runs benchmarks/corpus.sh (pinned, sha256-checked source distributions from PyPI) into
# $FLAKE8_DASK_CORPUS (default /tmp/corpus). A failing download fails this script, so that CI
# does not silently skip the corpus tests. The corpus tests run only when FLAKE8_DASK_CORPUS
# is set (.ci/run sets it).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SCRIPT="$ROOT/benchmarks/corpus.sh"
TARGET=${FLAKE8_DASK_CORPUS:-/tmp/corpus}

echo "corpus_setup: building the pinned corpus in $TARGET with $SCRIPT"
PYTHON=${PYTHON:-python3} bash "$SCRIPT" "$TARGET"
echo "corpus_setup: done; $(find "$TARGET" -name '*.py' | wc -l) Python files in $TARGET"
