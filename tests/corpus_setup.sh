#!/usr/bin/env bash
# Build the pinned real-world corpus that tests/test_corpus.py lints.
#
# Runs ../shared/corpus/corpus.sh (relative to the repository root) into $FLAKE8_DASK_CORPUS
# (default /tmp/corpus) when that script exists; without it, says so and exits 0 (the corpus
# test then skips with the same reason). A failing download fails this script, so that CI
# does not silently skip the corpus test.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SCRIPT="$ROOT/../shared/corpus/corpus.sh"
TARGET=${FLAKE8_DASK_CORPUS:-/tmp/corpus}

if [ ! -f "$SCRIPT" ]; then
    echo "corpus_setup: $SCRIPT not found; no corpus built (tests/test_corpus.py will skip)"
    exit 0
fi
echo "corpus_setup: building the pinned corpus in $TARGET with $SCRIPT"
PYTHON=${PYTHON:-python3} bash "$SCRIPT" "$TARGET"
echo "corpus_setup: done; $(find "$TARGET" -name '*.py' | wc -l) Python files in $TARGET"
