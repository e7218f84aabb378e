"""The project passes its own flake8 configuration (setup.cfg), plugin included."""
import os
import subprocess
import sys

import pytest

from conftest import ROOT


@pytest.mark.runtime
def test_project_passes_its_own_flake8():
    out = subprocess.run([sys.executable, "-m", "flake8", "flake8_dask", "tests", "benchmarks"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300,
                         env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert out.returncode == 0, out.stdout + out.stderr
