"""What a person at a terminal sees (#14, points 7 and 9): colour, a progress line on long
runs, Ctrl-C, and the small ones (--show-fixes with --check and --diff)."""
import io
import os
import signal
import subprocess
import sys
import time

import pytest

from fix_helpers import BLOCKING, FIXABLE, INPLACE, ROOT, write
from flake8_dask.fix import terminal


ESC = "\033["


@pytest.mark.parametrize("args, env, colored", [
    (["--color", "always"], {}, True),
    (["--color", "never"], {"FORCE_COLOR": "1"}, False),
    ([], {"FORCE_COLOR": "1"}, True),
    ([], {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),  # NO_COLOR wins
    ([], {}, False),  # captured output is not a terminal
    (["--color", "always", "--output-format", "json"], {}, False),  # text format only
])
def test_color(tmp_path, cli, monkeypatch, args, env, colored):
    for name in ("NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    write(tmp_path / "a.py", BLOCKING)
    _, out, _ = cli("--isolated", "--check", *args, "a.py", cwd=tmp_path)
    assert (ESC in out) is colored
    if colored:  # flake8's colours: bold path, cyan separators, bold red code
        assert out.startswith("\033[1ma.py\033[m\033[36m:\033[m6\033[36m:\033[m12"
                              "\033[36m:\033[m \033[1m\033[31mDSK101\033[m ")


def test_color_auto_on_a_terminal():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    assert terminal.use_color("auto", Tty(), {}) is True
    assert terminal.use_color("auto", Tty(), {"NO_COLOR": "1"}) is False
    assert terminal.use_color("auto", Tty(), {"NO_COLOR": ""}) is True  # empty: not set
    assert terminal.use_color("auto", Tty(), {"TERM": "dumb"}) is False
    assert terminal.use_color("auto", io.StringIO(), {}) is False


def test_colored_notebook_location_keeps_the_cell():
    line = terminal.colored("nb.ipynb:cell 3:2:5", "DSK101", "[*] ", "msg")
    assert line.startswith("\033[1mnb.ipynb:cell 3\033[m\033[36m:\033[m2\033[36m:\033[m5")
    assert "\033[36m[*]\033[m msg" in line


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_line_on_a_terminal_rewrites_itself_and_is_erased(
        tmp_path, cli, monkeypatch):
    monkeypatch.setattr(terminal, "PROGRESS_AFTER", 0.0)
    monkeypatch.setattr(terminal, "PROGRESS_EVERY", 0.01)
    for i in range(3):
        write(tmp_path / f"m{i}.py", BLOCKING)
    seen = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", seen)
    from flake8_dask.fix import runner
    real = runner.process

    def slow(*args, **kwargs):  # long enough for the line to be drawn between files
        time.sleep(0.05)
        return real(*args, **kwargs)

    monkeypatch.setattr("flake8_dask.fix.cli.process", slow)
    from flake8_dask.fix.cli import main
    monkeypatch.chdir(tmp_path)
    assert main(["--isolated", "--check", "-j1", "."]) == 1
    text = seen.getvalue()
    assert "\rpython -m flake8_dask.fix: 0/3 files, ./m0.py" in text
    assert "/3 files, ./m2.py" in text
    assert text.endswith("\r")  # erased: blanks, then back to the start of the line
    assert text.rstrip("\r ").count("\n") == 0  # one line, never scrolling


def test_no_progress_line_when_stderr_is_not_a_terminal(tmp_path, cli, monkeypatch):
    monkeypatch.setattr(terminal, "PROGRESS_AFTER", 0.0)
    write(tmp_path / "a.py", BLOCKING)
    _, _, err = cli("--isolated", "--check", "a.py", cwd=tmp_path)
    assert err == ""


def test_progress_stays_silent_on_short_runs():
    seen = FakeTerminal()
    with terminal.Progress(10, seen) as progress:  # the default: 2 s before the first line
        for _ in range(10):
            progress.advance("x.py")
    assert seen.getvalue() == ""


def _big_project(root, files=200, copies=100):
    block = "\n".join(f"def f{k}():\n    ddf = dd.read_csv('x.csv')\n"
                      "    ddf.fillna(0, inplace=True)\n    return ddf\n"
                      for k in range(copies))
    for i in range(files):
        write(root / f"m{i:03}.py", "import dask.dataframe as dd\n\n" + block)


@pytest.mark.runtime  # signals a process
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_exits_130_with_one_line_and_no_half_written_file(tmp_path, jobs):
    _big_project(tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    process = subprocess.Popen(
        [sys.executable, "-m", "flake8_dask", "fix", "--isolated", "-j", jobs, "."],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env=dict(os.environ, PYTHONPATH=str(ROOT)), start_new_session=True)
    deadline = time.monotonic() + 60
    while not any(p.read_bytes() != before[p.name] for p in tmp_path.glob("m*.py")):
        assert process.poll() is None and time.monotonic() < deadline, "nothing was fixed"
        time.sleep(0.05)  # wait until the first file is written: fixing is under way
    assert process.poll() is None, "the run ended before it could be interrupted"
    os.killpg(process.pid, signal.SIGINT)  # as Ctrl-C: the whole process group
    out, err = process.communicate(timeout=120)
    err = err.decode()
    assert process.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert [line for line in err.splitlines() if line.strip()] == [
        "flake8-dask fix: interrupted; files already fixed were written whole, the others "
        "were left as they were"]
    fixed = 0
    for path in tmp_path.iterdir():
        assert not path.name.startswith(".flake8-dask"), path  # no temporary file left
        data = path.read_bytes()
        if data != before[path.name]:
            fixed += 1
            assert b"inplace=True" not in data  # completely fixed, or not touched
            compile(data, path.name, "exec")
    assert fixed < len(before)


def test_check_show_fixes_lists_what_would_be_fixed(tmp_path, cli, test_rules):
    write(tmp_path / "a.py", FIXABLE)
    code, out, _ = cli("--isolated", "--check", "--show-fixes", "a.py", cwd=tmp_path)
    assert code == 1 and (tmp_path / "a.py").read_text() == FIXABLE
    assert "Would fix 1 error:\n- a.py:\n    1 × DSK990 (Assign the result back)\n" in out
    code, out, _ = cli("--isolated", "--check", "--show-fixes", "--unsafe-fixes", "a.py",
                       cwd=tmp_path)
    assert "Would fix 2 errors:" in out and "1 × DSK991 (Wrap in fire_and_forget())" in out


def test_diff_show_fixes_says_would_fix_once(tmp_path, cli):
    write(tmp_path / "a.py", INPLACE)
    code, out, err = cli("--isolated", "--diff", "--show-fixes", "a.py", cwd=tmp_path)
    assert code == 1 and "+ddf = ddf.fillna(0)" in out
    assert err.count("Would fix 1 error") == 1, err
    assert "1 × DSK408" in err
    _, _, err = cli("--isolated", "--diff", "a.py", cwd=tmp_path)
    assert err == "Would fix 1 error.\n"


def test_an_interrupt_disguised_by_libcst_is_still_an_interrupt():
    """Ctrl-C inside libcst can surface as a KeyError raised while the interrupt unwinds
    (seen in CI: "a fix failed (KeyError: IndentedBlock())" and the run went on); the fix
    engine's catch-alls raise it again as KeyboardInterrupt."""
    from flake8_dask.fix.errors import reraise_interrupt

    def disguised():
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            raise KeyError("IndentedBlock()")

    with pytest.raises(KeyError) as caught:
        disguised()
    with pytest.raises(KeyboardInterrupt):
        reraise_interrupt(caught.value)
    reraise_interrupt(KeyError("a plain failure"))  # not an interrupt: nothing raised
