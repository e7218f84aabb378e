"""flake8 itself, run as a subprocess: the entry point, selection, noqa, stdin, options."""
import os
import subprocess
import sys
import textwrap

import pytest

from conftest import ROOT

# Runs flake8 in processes: left out of the quick loop (CONTRIBUTING.md).
pytestmark = pytest.mark.runtime

BAD = textwrap.dedent("""\
    from dask.distributed import get_client


    def outer(n):
        client = get_client()
        return client.gather(client.map(abs, range(n)))


    def main(client):
        return client.submit(outer, 3)
""")


def run_flake8(*args, cwd, stdin=None):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "flake8", *args], cwd=cwd, env=env,
                          input=stdin, capture_output=True, text=True, timeout=120)


@pytest.fixture
def project(tmp_path):
    (tmp_path / "bad.py").write_text(BAD)
    return tmp_path


def test_version_lists_the_plugin(project):
    out = run_flake8("--version", cwd=project)
    assert "flake8-dask" in out.stdout, out.stdout + out.stderr


def test_reports_dsk_codes(project):
    out = run_flake8("--isolated", "bad.py", cwd=project)
    assert out.returncode == 1, out.stderr
    assert "bad.py:6:12: DSK101 client.gather() in task 'outer'" in out.stdout
    assert "(task passed to client.submit at line 10)" in out.stdout


def test_select_only_dsk(project):
    (project / "bad.py").write_text(BAD + "x=1\n")  # E225 would be reported too
    out = run_flake8("--isolated", "--select=DSK", "bad.py", cwd=project)
    lines = out.stdout.splitlines()
    assert lines and all(": DSK" in line for line in lines), out.stdout


def test_select_other_code_hides_dsk(project):
    out = run_flake8("--isolated", "--select=E", "bad.py", cwd=project)
    assert "DSK" not in out.stdout


def test_extend_select_keeps_defaults(project):
    (project / "bad.py").write_text(BAD + "x=1\n")
    out = run_flake8("--isolated", "--extend-select=DSK", "bad.py", cwd=project)
    assert "DSK101" in out.stdout and "E225" in out.stdout, out.stdout


def test_ignore_code(project):
    out = run_flake8("--isolated", "--extend-ignore=DSK101", "bad.py", cwd=project)
    assert "DSK101" not in out.stdout


def test_noqa_with_code(project):
    source = BAD.replace("range(n)))", "range(n)))  # noqa: DSK101")
    (project / "bad.py").write_text(source)
    out = run_flake8("--isolated", "--select=DSK", "bad.py", cwd=project)
    assert out.returncode == 0 and "DSK101" not in out.stdout, out.stdout


def test_noqa_other_code_does_not_silence(project):
    source = BAD.replace("range(n)))", "range(n)))  # noqa: DSK102")
    (project / "bad.py").write_text(source)
    out = run_flake8("--isolated", "--select=DSK", "bad.py", cwd=project)
    assert "DSK101" in out.stdout


def test_stdin(project):
    out = run_flake8("--isolated", "--select=DSK", "-", cwd=project, stdin=BAD)
    assert "stdin:6:12: DSK101" in out.stdout, out.stdout + out.stderr


def test_stdin_display_name(project):
    out = run_flake8("--isolated", "--select=DSK", "--stdin-display-name=pkg/job.py", "-",
                     cwd=project, stdin=BAD)
    assert "pkg/job.py:6:12: DSK101" in out.stdout


def test_option_from_config_file(project):
    """The client-name fallback is configurable in [flake8]: turning it off silences a
    finding that depends on it."""
    source = textwrap.dedent("""\
        import distributed


        def task(x):
            ctx = distributed.get_client()
            return ctx.gather(x)


        def main(pool):
            pool.submit(task, 1)
    """)
    (project / "job.py").write_text(source)
    out = run_flake8("--select=DSK", "job.py", cwd=project)
    assert "DSK101" not in out.stdout  # 'pool' is not a client name by default
    (project / "setup.cfg").write_text("[flake8]\ndask-client-names = client,pool\n")
    out = run_flake8("--select=DSK", "job.py", cwd=project)
    assert "job.py:6:12: DSK101" in out.stdout, out.stdout + out.stderr


def test_file_without_dask_is_clean(project):
    (project / "plain.py").write_text("import concurrent.futures\n\n\n"
                                      "def f(pool):\n    return pool.submit(abs, 1).result()\n")
    out = run_flake8("--isolated", "--select=DSK", "plain.py", cwd=project)
    assert out.returncode == 0 and out.stdout == ""


def test_importing_the_plugin_does_not_import_dask():
    code = ("import sys, flake8_dask.plugin, flake8_dask.checker, flake8_dask.rules; "
            "bad = [m for m in sys.modules if m.split('.')[0] in "
            "('dask', 'distributed', 'pandas', 'numpy', 'libcst')]; print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=str(ROOT)), check=True)
    assert out.stdout.strip() == "[]"


def test_fixtures_through_flake8_match_the_analyzer():
    """The plugin reports on fixtures exactly what the analyzer does (entry point wiring,
    column conversion, one vocabulary)."""
    from conftest import expected_findings, fixture_files

    paths = fixture_files()
    out = run_flake8("--isolated", "--select=DSK", *map(str, paths), cwd=ROOT)
    from flake8_dask.rules import DEFAULT_OFF

    def counted(name, code):
        # --select=DSK turns on the opt-in rules too; they are specified by their own fixture
        return code not in DEFAULT_OFF or name.startswith(code.lower())

    got = set()
    for line in out.stdout.splitlines():
        path, lineno, _col, rest = line.split(":", 3)
        name, code = os.path.basename(path), rest.split()[0]
        if counted(name, code):
            got.add((name, int(lineno), code))
    want = {(p.name, line, code) for p in paths
            for line, code in expected_findings(p.read_text()) if counted(p.name, code)}
    assert got == want, (sorted(want - got)[:10], sorted(got - want)[:10])
