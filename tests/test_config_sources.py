"""Where the configuration comes from (#14, points 3 and 9): ``[tool.flake8]`` in
pyproject.toml read as Flake8-pyproject reads it, a warning when flake8 cannot see it, and a
bad ``dask-*`` value reported with the option's name and the file's."""
import os
import subprocess
import sys

import pytest

from fix_helpers import BLOCKING, ROOT
from flake8_dask import configfiles


def write(path, content):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content)
    return path


@pytest.fixture
def flake8_reads_pyproject(monkeypatch):
    """Pretend Flake8-pyproject is installed (True) or not (False)."""
    def pretend(value):
        monkeypatch.setattr(configfiles, "flake8_reads_pyproject", lambda: value)
        configfiles._warned.clear()
    pretend(True)
    return pretend


def test_pyproject_replaces_the_other_files(tmp_path, cli, flake8_reads_pyproject):
    write(tmp_path / "a.py", BLOCKING)
    write(tmp_path / "setup.cfg", "[flake8]\nextend-ignore = DSK101\n")
    assert cli("--check", "a.py", cwd=tmp_path)[0] == 0  # setup.cfg alone: ignored
    # a [tool.flake8] table wins, and the files are not merged (Flake8-pyproject)
    write(tmp_path / "pyproject.toml", "[tool.flake8]\nmax-line-length = 100\n")
    code, out, _ = cli("--check", "a.py", cwd=tmp_path)
    assert code == 1 and "DSK101" in out
    # a pyproject.toml without the table changes nothing
    write(tmp_path / "pyproject.toml", "[project]\nname = 'x'\n")
    assert cli("--check", "a.py", cwd=tmp_path)[0] == 0


@pytest.mark.parametrize("table, reported", [
    ('extend-ignore = ["DSK101"]', False),  # a TOML list
    ('extend-ignore = "DSK101, DSK102"', False),  # flake8's comma-separated text
    ('extend_ignore = ["DSK1"]', False),
    ('per-file-ignores = ["a.py: DSK101", "b.py: DSK1"]', False),  # one mapping per item
    ('per-file-ignores = """\n  a.py: DSK101\n"""', False),
    ('select = ["E", "W", "DSK2"]', False),
    # the task's client is the parameter named `client`: known through the name fallback
    # only, which an empty list turns off, and a list without that name too
    ('dask-client-names = []', False),
    ('dask-client-names = ["nobody", "other_*"]', False),
    ('dask-client-names = ["nobody", "client"]', True),
    ('dask-tiny-task-count = 5\ndask-report-partition-mutation = true', True),
])
def test_tool_flake8_values_as_flake8_pyproject_reads_them(
        tmp_path, cli, table, reported, flake8_reads_pyproject):
    write(tmp_path / "a.py", BLOCKING)
    write(tmp_path / "pyproject.toml", "[tool.flake8]\n" + table + "\n")
    code, out, err = cli("--check", "a.py", cwd=tmp_path)
    assert ("DSK101" in out) is reported, out + err
    assert code == (1 if reported else 0)


def test_toml_list_text_conversion():
    values = {}
    path = None
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "pyproject.toml")
        with open(path, "w") as f:
            f.write('[tool.flake8]\nextend-ignore = ["E1", "DSK101"]\nmax-line-length = 100\n'
                    'dask-report-partition-mutation = true\n'
                    'per-file-ignores = ["a/*: E1", "b.py: F401"]\n')
        values = configfiles.read_tool_flake8(path)
    assert values == {"extend_ignore": "E1,DSK101", "max_line_length": "100",
                      "dask_report_partition_mutation": "True",
                      "per_file_ignores": "a/*: E1\nb.py: F401"}


def test_pyproject_is_read_from_the_current_directory_only(tmp_path, cli,
                                                           flake8_reads_pyproject):
    write(tmp_path / "pyproject.toml", '[tool.flake8]\nextend-ignore = ["DSK101"]\n')
    write(tmp_path / "src" / "a.py", BLOCKING)
    assert cli("--check", "a.py", cwd=tmp_path / "src")[0] == 1  # not searched upward
    assert cli("--check", "src/a.py", cwd=tmp_path)[0] == 0
    # setup.cfg is searched upward, as flake8 does
    write(tmp_path / "src" / "pkg" / "b.py", BLOCKING)
    write(tmp_path / "src" / "setup.cfg", "[flake8]\nextend-ignore = DSK101\n")
    assert cli("--check", "b.py", cwd=tmp_path / "src" / "pkg")[0] == 0


def test_toml_config_isolated_and_config(tmp_path, cli, flake8_reads_pyproject):
    write(tmp_path / "a.py", BLOCKING)
    write(tmp_path / "conf" / "lint.toml", '[tool.flake8]\nextend-ignore = ["DSK101"]\n')
    assert cli("--check", "--toml-config", "conf/lint.toml", "a.py", cwd=tmp_path)[0] == 0
    code, _, err = cli("--check", "--toml-config", "nope.toml", "a.py", cwd=tmp_path)
    assert code == 2 and "nope.toml" in err
    write(tmp_path / "pyproject.toml", '[tool.flake8]\nextend-ignore = ["DSK101"]\n')
    assert cli("--check", "--isolated", "a.py", cwd=tmp_path)[0] == 1
    write(tmp_path / "other.cfg", "[flake8]\n")
    assert cli("--check", "--config", "other.cfg", "a.py", cwd=tmp_path)[0] == 1


def test_invalid_pyproject_is_a_configuration_error(tmp_path, cli, flake8_reads_pyproject):
    write(tmp_path / "a.py", BLOCKING)
    write(tmp_path / "pyproject.toml", "[tool.flake8\nselect = \n")
    code, out, err = cli("--check", "a.py", cwd=tmp_path)
    assert code == 2 and out == "" and "pyproject.toml is not valid TOML" in err


def test_the_fix_command_warns_once_when_flake8_cannot_see_the_table(
        tmp_path, cli, flake8_reads_pyproject):
    write(tmp_path / "a.py", BLOCKING)
    write(tmp_path / "pyproject.toml", '[tool.flake8]\nextend-ignore = ["DSK102"]\n')
    _, _, err = cli("--check", "a.py", cwd=tmp_path)
    assert "warning" not in err  # Flake8-pyproject is there: flake8 reads the same
    flake8_reads_pyproject(False)
    code, _, err = cli("--check", "a.py", "a.py", cwd=tmp_path)
    assert code == 1 and err.count("warning:") == 1
    assert "has a [tool.flake8] table, but flake8 does not read pyproject.toml without " \
           "the Flake8-pyproject plugin" in err
    _, _, err = cli("--check", "a.py", cwd=tmp_path)
    assert err == ""  # once per process
    configfiles._warned.clear()
    write(tmp_path / "pyproject.toml", "[tool.black]\nline-length = 100\n")
    assert cli("--check", "a.py", cwd=tmp_path)[2] == ""  # no [tool.flake8]: nothing to say


@pytest.mark.runtime  # flake8 in a process
def test_the_flake8_plugin_warns_once_when_flake8_cannot_see_the_table(tmp_path):
    if configfiles.flake8_reads_pyproject():
        pytest.skip("Flake8-pyproject is installed here: flake8 reads the table")
    for name in ("a.py", "b.py", "c.py"):
        write(tmp_path / name, BLOCKING)
    write(tmp_path / "pyproject.toml", '[tool.flake8]\nextend-ignore = ["DSK101"]\n')
    r = subprocess.run([sys.executable, "-m", "flake8", "--select", "DSK", "-j2", "."],
                       cwd=tmp_path, capture_output=True, text=True, timeout=120,
                       env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert r.returncode == 1 and r.stdout.count("DSK101") == 3  # flake8 ignored the table
    assert r.stderr.count("flake8-dask: warning: ") == 1, r.stderr
    assert "pyproject.toml has a [tool.flake8] table" in r.stderr
    r = subprocess.run([sys.executable, "-m", "flake8", "--isolated", "--select", "DSK", "."],
                       cwd=tmp_path, capture_output=True, text=True, timeout=120,
                       env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert "warning" not in r.stderr


@pytest.mark.parametrize("where, says", [
    ("setup.cfg", "invalid value 'many' for dask-tiny-task-count in [flake8] of {dir}/setup.cfg"),
    ("tox.ini", "invalid value 'many' for dask-tiny-task-count in [flake8] of {dir}/tox.ini"),
    ("pyproject.toml", "invalid value 'many' for dask-tiny-task-count in [tool.flake8] of "
                       "{dir}/pyproject.toml"),
    ("cli", "invalid value 'many' for --dask-tiny-task-count on the command line"),
])
def test_a_bad_option_value_names_the_option_and_the_file(tmp_path, cli, where, says,
                                                          flake8_reads_pyproject):
    write(tmp_path / "a.py", BLOCKING)
    args = []
    if where == "cli":
        args = ["--dask-tiny-task-count", "many"]
    elif where == "pyproject.toml":
        write(tmp_path / where, '[tool.flake8]\ndask-tiny-task-count = "many"\n')
    else:
        write(tmp_path / where, "[flake8]\ndask-tiny-task-count = many\n")
    code, out, err = cli("--check", *args, "a.py", cwd=tmp_path)
    assert code == 2 and out == ""
    assert says.format(dir=tmp_path) in err
    assert "expected a whole number, got 'many'" in err


@pytest.mark.runtime  # flake8 in a process
def test_the_flake8_plugin_names_the_file_of_a_bad_value(tmp_path):
    write(tmp_path / "a.py", BLOCKING)
    write(tmp_path / "tox.ini", "[flake8]\ndask-large-array-elements = lots\n")
    r = subprocess.run([sys.executable, "-m", "flake8", "--select", "DSK", "a.py"],
                       cwd=tmp_path, capture_output=True, text=True, timeout=120,
                       env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert ("argument --dask-large-array-elements: expected a whole number, got 'lots' "
            f"(in [flake8] of {tmp_path}/tox.ini)") in r.stderr
