"""The pre-commit hooks (.pre-commit-hooks.yaml), run by pre-commit itself with ``try-repo``
against a temporary commit of this working tree.

pre-commit builds a virtualenv for the hooks and pip-installs the repository into it. To keep
this test fast, that virtualenv sees the interpreter's site-packages
(``VIRTUALENV_SYSTEM_SITE_PACKAGES``: flake8 and libcst, when installed there, are not
downloaded again) and pip builds without an isolated build environment (no setuptools
download); what is tested is the hooks' definitions and the installed command.
"""
import json
import os
import shutil
import subprocess
import sys

import pytest

from fix_helpers import BLOCKING, ROOT

# Runs pre-commit in processes: left out of the quick loop (CONTRIBUTING.md).
pytestmark = pytest.mark.runtime

pre_commit = pytest.importorskip("pre_commit", reason="pre-commit is not installed")
yaml = pytest.importorskip("yaml", reason="PyYAML (a pre-commit dependency) is missing")

GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
           "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}


def test_hooks_file():
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"flake8-dask", "flake8-dask-fix"}
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["types_or"] == ["python", "jupyter"]
    # the console script (the hook's environment installs this package)
    assert hooks["flake8-dask"]["entry"] == "flake8-dask check"  # reports, never writes
    assert hooks["flake8-dask-fix"]["entry"] == "flake8-dask fix"


def _git(*args, cwd, env):
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def _snapshot_of_worktree(dest, env):
    """The working tree as it is now (committed or not), committed in a new repository."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                            capture_output=True)
    if listed.returncode == 0:
        names = [n for n in listed.stdout.decode().split("\0") if n]
    else:  # not a git checkout: copy the package and the packaging files
        names = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*")
                 if p.is_file() and "__pycache__" not in p.parts and ".git" not in p.parts]
    for name in names:
        source = ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    _git("init", "-q", cwd=dest, env=env)
    _git("add", "-A", cwd=dest, env=env)
    _git("commit", "-q", "-m", "snapshot", cwd=dest, env=env)


def test_try_repo_runs_both_hooks(tmp_path):
    env = dict(os.environ, **GIT_ENV, VIRTUALENV_SYSTEM_SITE_PACKAGES="1",
               PIP_NO_BUILD_ISOLATION="0", PRE_COMMIT_COLOR="never")
    env.pop("PYTHONPATH", None)  # the hooks must run the installed package
    hook_repo, project = tmp_path / "hooks", tmp_path / "project"
    hook_repo.mkdir()
    project.mkdir()
    _snapshot_of_worktree(hook_repo, env)

    (project / "pipeline.py").write_bytes(BLOCKING.encode())
    (project / "clean.py").write_text("import dask\n\nx = dask.delayed(sum)([1, 2])\n")
    nb = {"cells": [{"cell_type": "code", "execution_count": None, "metadata": {},
                     "outputs": [], "source": BLOCKING.splitlines(keepends=True)}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (project / "explore.ipynb").write_text(json.dumps(nb, indent=1) + "\n")
    (project / "notes.txt").write_text("x.persist()\n")
    before = {p.name: p.read_bytes() for p in project.iterdir() if p.is_file()}
    _git("init", "-q", cwd=project, env=env)
    _git("add", "-A", cwd=project, env=env)

    run = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "--all-files"],
        cwd=project, env=env, capture_output=True, timeout=600)
    out = run.stdout.decode() + run.stderr.decode()
    assert run.returncode == 1, out
    check, fix = out.split("- hook id: flake8-dask-fix")[0], \
        out.split("- hook id: flake8-dask-fix")[1]
    assert "- hook id: flake8-dask\n" in check
    for hook_output in (check, fix):
        assert "pipeline.py:6:12: DSK101 " in hook_output
        assert "explore.ipynb:cell 1:6:12: DSK101 " in hook_output
        assert "clean.py" not in hook_output and "notes.txt" not in hook_output
    assert "Found 2 errors." in check
    assert "Found 2 errors (0 fixed, 2 remaining)." in fix
    # no safe fix applies to these findings: nothing may change
    assert {p.name: p.read_bytes() for p in project.iterdir() if p.is_file()} == before
