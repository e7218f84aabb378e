"""Running the fix command as a subprocess in tests."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEST_RULES_RUNNER = Path(__file__).resolve().parent / "run_fix_with_test_rules.py"

#: A real finding (DSK101) with no fix applied by default (its fix is unsafe).
BLOCKING = """\
import dask
from distributed import get_client


def task(x):
    return get_client().gather(x)


def main(client):
    return client.submit(task, 1)
"""
#: Test-only fixable findings: DSK990 (safe), DSK991 (unsafe, adds an import).
FIXABLE = "import dask\n\nx.persist()\nc.submit(f)\n"
FIXED_SAFE = "import dask\n\nx = x.persist()\nc.submit(f)\n"
#: A DSK408 finding with a safe fix, on a real Dask DataFrame, and its fixed text.
INPLACE = "import dask.dataframe as dd\nddf = dd.read_csv('x.csv')\nddf.fillna(0, inplace=True)\n"
INPLACE_FIXED = "import dask.dataframe as dd\nddf = dd.read_csv('x.csv')\nddf = ddf.fillna(0)\n"


def write(path, content):
    """Write ``content`` (text or bytes) to ``path``, making its directories."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return path


def run_fix(*args, cwd, stdin=None, test_rules=False, env=None):
    """``python -m flake8_dask.fix ARGS`` (or the same with the test-only fixable rules)."""
    command = [sys.executable]
    command += [str(TEST_RULES_RUNNER)] if test_rules else ["-m", "flake8_dask.fix"]
    full_env = dict(os.environ, PYTHONPATH=str(ROOT))
    full_env.update(env or {})
    return subprocess.run(command + [str(a) for a in args], cwd=cwd, input=stdin,
                          capture_output=True, env=full_env, timeout=120)


def text(completed, stream="stdout"):
    return getattr(completed, stream).decode("utf-8", "replace")


def register_test_rules(rules):
    """Add test-only rules to the rule table for an in-process run; returns an undo."""
    from flake8_dask.rules import ALL_RULES, RULES_BY_CODE

    added = [r for r in rules if r.code not in RULES_BY_CODE]
    for rule in added:
        ALL_RULES.append(rule)
        RULES_BY_CODE[rule.code] = rule

    def undo():
        for rule in added:
            ALL_RULES.remove(rule)
            del RULES_BY_CODE[rule.code]
    return undo


class InProcess:
    """``flake8_dask.fix.cli.main`` in this process (fast), with its output captured."""

    def __init__(self, monkeypatch, capsys):
        self.monkeypatch, self.capsys = monkeypatch, capsys

    def __call__(self, *args, cwd, stdin=None):
        import io
        import sys

        from flake8_dask.fix.cli import main

        self.monkeypatch.chdir(cwd)
        if stdin is not None:
            self.monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
        self.capsys.readouterr()
        code = main(["-j1", *[str(a) for a in args]])
        out, err = self.capsys.readouterr()
        return code, out, err
