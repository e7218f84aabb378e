"""Hostile inputs to the fix command: each has a clear outcome, a message that says what
happened, and no file is changed unless it was fixed correctly.

Already covered elsewhere (test_fix_cli.py, test_notebooks.py): syntax errors, undecodable
bytes, a latin-1 coding cookie, a UTF-8 BOM, CRLF / lone CR / mixed line endings, read-only
files, symlinks met in a walk or named, invalid notebook JSON and notebooks without cells or
sources. Here: NUL bytes, a 10 MB file, 1,000-deep nesting, very long lines, tabs and form
feeds, newer syntax, empty files, a directory named like a file, a named pipe, unreadable
files, a directory that cannot take a temporary file, the owner of a file fixed by root,
more broken notebooks, and two fixer processes on one file at once.
"""
import json
import os
import stat
import subprocess
import sys

import pytest

from fix_helpers import INPLACE as FIXABLE, INPLACE_FIXED as FIXED, ROOT, run_fix, text
from flake8_dask.fix import engine, sourcefile
from flake8_dask.fix.sourcefile import SourceError, write_atomic


def write(path, content):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def no_temporary_files(directory):
    return not [p for p in directory.rglob(".flake8-dask-*")]


# ======================================================================== bytes and sizes
def test_nul_bytes_are_reported_and_the_file_untouched(tmp_path, cli):
    source = FIXABLE.encode() + b"x = 1\x00\n"
    path = write(tmp_path / "nul.py", source)
    code, out, err = cli("--isolated", "nul.py", cwd=tmp_path)
    assert code == 1 and path.read_bytes() == source
    assert "nul.py:1:1: DSK001 SyntaxError: source code string cannot contain null bytes" \
        in out


def test_a_10_mb_file_is_not_checked_and_says_so(tmp_path, cli):
    source = FIXABLE.encode() + b"x = 1\n" * 1_700_000  # 10.2 MB
    path = write(tmp_path / "big.py", source)
    dask_free = write(tmp_path / "data.py", b"x = 1\n" * 1_700_000)
    code, out, err = cli("--isolated", "big.py", "data.py", cwd=tmp_path)
    assert code == 0 and out == ""
    assert ("warning: big.py: not checked: 10.2 million characters is over the fix command's "
            "limit of 5 million") in err
    assert "data.py" not in err  # without Dask nothing can be found: no need to say anything
    assert path.read_bytes() == source and dask_free.read_bytes() == b"x = 1\n" * 1_700_000


def test_a_notebook_with_too_much_code_says_so(tmp_path, cli, monkeypatch):
    monkeypatch.setattr(engine, "MAX_SOURCE_CHARS", 60)
    nb = json.dumps({"cells": [{"cell_type": "code", "metadata": {}, "source": FIXABLE}]})
    path = write(tmp_path / "nb.ipynb", nb)
    code, _, err = cli("--isolated", "nb.ipynb", cwd=tmp_path)
    assert code == 0 and "nb.ipynb: not checked: " in err and path.read_text() == nb


@pytest.mark.parametrize("name, nesting, message", [
    ("attributes", "x = a" + ".b" * 1000 + "\n", "nested too deeply for libcst"),
    ("elifs", "if a:\n    pass\n" + "elif a:\n    pass\n" * 1000, "nested too deeply for libcst"),
    ("sums", "x = " + " + ".join(["a"] * 1000) + "\n", "nested too deeply for libcst"),
    ("parentheses", "x = " + "(" * 1000 + "a" + ")" * 1000 + "\n",
     "DSK001 SyntaxError: too many nested parentheses"),
    ("blocks", "".join(" " * i + "if a:\n" for i in range(1000)) + " " * 1000 + "pass\n",
     "DSK001 SyntaxError: too many levels of indentation"),
    ("attributes-5000", "x = a" + ".b" * 5000 + "\n",
     "DSK001 SyntaxError: too deeply nested for Python's parser (RecursionError)"),
])
def test_1000_deep_nesting_has_a_clear_outcome(tmp_path, cli, name, nesting, message):
    # Just before the fixed statement, the nested code is parsed by libcst with it.
    head, fixed_line = FIXABLE.rsplit("\n", 2)[0] + "\n", "ddf.fillna(0, inplace=True)\n"
    source = head + nesting + fixed_line
    path = write(tmp_path / f"{name}.py", source)
    code, out, err = cli("--isolated", f"{name}.py", cwd=tmp_path)
    assert message in out + err, out + err
    assert code == 1 and path.read_text() == source
    assert "Traceback" not in err and "internal error" not in out + err
    if "libcst" in message:  # the findings are still reported
        assert f"{name}.py:{source.count(chr(10))}:1: DSK408 [*]" in out


@pytest.mark.parametrize("nesting", [
    "x = a" + ".b" * 1000 + "\n",
    "if a:\n    pass\n" + "elif a:\n    pass\n" * 1000,
    "x = " + " + ".join(["a"] * 1000) + "\n",
], ids=["attributes", "elifs", "sums"])
def test_1000_deep_nesting_away_from_the_fix_is_left_as_it_is(tmp_path, cli, nesting):
    # libcst parses only the statements around a fix: code it could not handle elsewhere in
    # the file no longer stops the fix, and is not touched.
    path = write(tmp_path / "deep.py", FIXABLE + "\n" + nesting)
    code, out, err = cli("--isolated", "deep.py", cwd=tmp_path)
    assert code == 0 and err == "", out + err
    assert path.read_text() == FIXED + "\n" + nesting


def test_very_long_lines(tmp_path, cli):
    long_string = "s = '" + "é" * 1_000_000 + "'  # " + "c" * 100_000 + "\n"
    many_items = "y = [" + "1, " * 2_000 + "]; ddf.fillna(1, inplace=True)\n"
    source = FIXABLE + long_string + many_items
    path = write(tmp_path / "long.py", source)
    code, out, err = cli("--isolated", "long.py", cwd=tmp_path)
    assert code == 0, out + err
    assert path.read_text(encoding="utf-8") == (
        FIXED + long_string + many_items.replace("ddf.fillna(1, inplace=True)", "ddf = ddf.fillna(1)"))


def test_tabs_and_form_feeds(tmp_path, cli):
    tabs = ("import dask.dataframe as dd\n\x0c\ndef f():\n\tddf = dd.read_csv('x')\n"
            "\tif ddf.x.sum() >\t0:\t# tab\n\t\tddf.fillna(0,\tinplace=True)\n\x0c\n")
    path = write(tmp_path / "tabs.py", tabs)
    assert cli("--isolated", "tabs.py", cwd=tmp_path)[0] == 0
    assert path.read_text() == tabs.replace("sum() >", "sum().compute() >").replace(
        "ddf.fillna(0,\tinplace=True)", "ddf = ddf.fillna(0)")
    # A form feed before code resets the indentation for Python; libcst drops it (and the
    # spaces before it), so such a file is left alone, and the command says why.
    feeds = FIXABLE + "def f():\n    pass\n    \x0cddf.fillna(1, inplace=True)\n"
    path = write(tmp_path / "feeds.py", feeds)
    code, out, err = cli("--isolated", "feeds.py", cwd=tmp_path)
    assert path.read_text() == feeds and code == 1
    assert "does not reproduce this file byte for byte" in err


def test_whitespace_lines_before_a_last_comment_without_newline(tmp_path, cli):
    source = FIXABLE + "\n\t\t \n# the end"  # libcst's round trip loses the blank line
    path = write(tmp_path / "tail.py", source)
    code, _, err = cli("--isolated", "tail.py", cwd=tmp_path)
    assert path.read_text() == source and "does not reproduce this file" in err and code == 1


def test_newer_syntax(tmp_path, cli):
    source = (
        "import dask.dataframe as dd\n\n\n"
        "async def main(cmd, stream):\n"
        "    ddf = dd.read_csv('x')\n"
        "    rows = [row async for row in stream]\n"
        "    match cmd:\n"
        "        case {'fill': value} if value:\n"
        "            ddf.fillna(value, inplace=True)\n"
        "        case [first, *rest]:\n"
        "            pass\n"
        "    if (total := ddf.x.sum()) > 0:\n"
        "        pass\n"
        "    try:\n"
        "        pass\n"
        "    except* ValueError:\n"
        "        ddf.dropna(inplace=True)\n"
        "    return rows, total\n")
    path = write(tmp_path / "new.py", source)
    code, out, err = cli("--isolated", "new.py", cwd=tmp_path)
    assert code == 0, out + err
    assert path.read_text() == (
        source.replace("ddf.fillna(value, inplace=True)", "ddf = ddf.fillna(value)")
        .replace("(total := ddf.x.sum()) > 0", "(total := ddf.x.sum()).compute() > 0")
        .replace("ddf.dropna(inplace=True)", "ddf = ddf.dropna()"))


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\n\n\n", b"# dask\n", b"   ",
                                     b"\r\n", b"import dask"])
def test_empty_and_almost_empty_files(tmp_path, cli, content):
    path = write(tmp_path / "empty.py", content)
    assert cli("--isolated", "empty.py", cwd=tmp_path) == (0, "", "")
    assert path.read_bytes() == content


# ======================================================================== the file system
def test_a_directory_named_like_a_file_is_walked(tmp_path, cli):
    write(tmp_path / "x.py" / "inner.py", FIXABLE)
    write(tmp_path / "nb.ipynb" / "inner.py", FIXABLE)
    code, out, err = cli("--isolated", "x.py", ".", cwd=tmp_path)
    assert code == 0 and err == "", err
    assert (tmp_path / "x.py" / "inner.py").read_text() == FIXED
    assert (tmp_path / "nb.ipynb" / "inner.py").read_text() == FIXED


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_in_a_walk_is_skipped(tmp_path):
    os.mkfifo(tmp_path / "pipe.py")  # reading it would block for ever
    write(tmp_path / "a.py", FIXABLE)
    r = run_fix("--isolated", ".", cwd=tmp_path)
    assert r.returncode == 0, text(r, "stderr")
    assert (tmp_path / "a.py").read_text() == FIXED
    assert stat.S_ISFIFO((tmp_path / "pipe.py").lstat().st_mode)


def test_unreadable_file(tmp_path, cli, monkeypatch):
    """chmod 000. Root reads every file whatever its mode, so as root the refusal of the
    operating system is simulated at the open() the fix command calls."""
    path = write(tmp_path / "secret.py", FIXABLE)
    other = write(tmp_path / "other.py", FIXABLE)
    os.chmod(path, 0)
    if getattr(os, "geteuid", lambda: -1)() == 0:
        real_open = open

        def refusing_open(file, *args, **kwargs):
            if os.path.realpath(file) == str(path.resolve()):
                raise PermissionError(13, "Permission denied", str(file))
            return real_open(file, *args, **kwargs)

        monkeypatch.setattr(sourcefile, "open", refusing_open, raising=False)
    try:
        code, out, err = cli("--isolated", ".", cwd=tmp_path)
    finally:
        os.chmod(path, 0o644)
    assert code == 1  # a finding (DSK001), as Ruff's E902
    assert "./secret.py:1:1: DSK001 cannot read: Permission denied" in out
    assert path.read_text() == FIXABLE and other.read_text() == FIXED  # the others go on


def test_no_temporary_file_possible_in_the_directory(tmp_path, cli, monkeypatch):
    """A directory without write permission (simulated: root may write anywhere)."""
    path = write(tmp_path / "a.py", FIXABLE)

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(sourcefile.tempfile, "mkstemp", refuse)
    code, out, err = cli("--isolated", "a.py", cwd=tmp_path)
    assert code == 2 and path.read_text() == FIXABLE
    assert f"a.py: cannot write (temporary file in {tmp_path}): Permission denied" in err
    assert "a.py:3:1: DSK408 [*]" not in out  # reported as not fixed, not as fixable
    assert no_temporary_files(tmp_path)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="only root can give a file to another user")
def test_root_fixing_a_users_file_keeps_its_owner(tmp_path, cli):
    path = write(tmp_path / "a.py", FIXABLE)
    os.chown(path, 65534, 65534)
    os.chmod(path, 0o640)
    assert cli("--isolated", "a.py", cwd=tmp_path)[0] == 0
    st = path.stat()
    assert path.read_text() == FIXED
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (65534, 65534, 0o640)


def test_a_file_changed_while_being_fixed_is_not_overwritten(tmp_path):
    path = write(tmp_path / "a.py", "edited by someone else\n")
    with pytest.raises(SourceError, match="the file changed while it was being fixed"):
        write_atomic(str(path), FIXED.encode(), expected=FIXABLE.encode())
    assert path.read_text() == "edited by someone else\n" and no_temporary_files(tmp_path)


# ======================================================================== notebooks
def _code(source):
    return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
            "source": source}


@pytest.mark.parametrize("name, content, message", [
    ("empty.ipynb", "", "invalid notebook JSON: Expecting value"),
    ("deep.ipynb", '{"cells": [], "metadata": ' + "[" * 100_000 + "]" * 100_000 + "}",
     "invalid notebook JSON: nested too deeply to be read"),
    ("list.ipynb", "[]", "not a notebook: no top-level \"cells\" list"),
    ("notdict.ipynb", '{"cells": [1]}', "cell 1 has no \"cell_type\""),
    ("notype.ipynb", '{"cells": [{"source": "import dask"}]}', "cell 1 has no \"cell_type\""),
    ("badsource.ipynb", '{"cells": [{"cell_type": "code", "source": 1}]}',
     "cell 1 has no valid \"source\""),
    ("latin1.ipynb", b'{"cells": [{"cell_type": "markdown", "source": "caf\xe9"}]}',
     "cannot decode as UTF-8"),
    ("garbage.ipynb", json.dumps({"cells": []}) + "}", "invalid notebook JSON: Extra data"),
])
def test_broken_notebooks(tmp_path, cli, name, content, message):
    path = write(tmp_path / name, content)
    before = path.read_bytes()
    code, out, err = cli("--isolated", name, cwd=tmp_path)
    assert code == 1 and f"{name}:1:1: DSK001 {message}" in out, out + err
    assert path.read_bytes() == before and "Traceback" not in err


def test_notebook_cells_with_only_magics(tmp_path, cli):
    nb = json.dumps({"cells": [
        _code("%matplotlib inline"), _code(["!pip install dask\n", "%time 1"]),
        _code(["%%bash\n", "python -c 'import dask; x.persist()'\n"]), _code("?dask.compute"),
        _code(""), {"cell_type": "markdown", "metadata": {}, "source": "# dask"}],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1)
    path = write(tmp_path / "magic.ipynb", nb)
    assert cli("--isolated", "magic.ipynb", cwd=tmp_path) == (0, "", "")
    assert path.read_text() == nb


def test_notebook_cell_with_nul_bytes_is_skipped_and_the_others_fixed(tmp_path, cli):
    nb = {"cells": [_code("x = 1\x00"), _code(FIXABLE)], "metadata": {}, "nbformat": 4,
          "nbformat_minor": 5}
    path = write(tmp_path / "nul.ipynb", json.dumps(nb))
    code, out, err = cli("--isolated", "nul.ipynb", cwd=tmp_path)
    assert "nul.ipynb:cell 1:1:1: DSK001 SyntaxError: source code string cannot contain null " \
        "bytes" in out
    assert code == 1 and json.loads(path.read_text())["cells"][1]["source"] == FIXED


# ======================================================================== concurrency
@pytest.mark.slow
def test_two_fixer_processes_on_one_file(tmp_path):
    """Each run reads the file, fixes it and renames a complete temporary file over it, and
    does not overwrite a file that changed since it read it: whatever the interleaving, the
    file is always the original or the fixed text, never a mix or a truncation."""
    body = "".join(f"\ndef f{i}(path):\n    frame = dd.read_csv(path)\n"
                   f"    frame.fillna({i}, inplace=True)\n    return frame\n"
                   for i in range(150))
    original = "import dask.dataframe as dd\n" + body
    fixed = "import dask.dataframe as dd\n" + "".join(
        f"\ndef f{i}(path):\n    frame = dd.read_csv(path)\n"
        f"    frame = frame.fillna({i})\n    return frame\n" for i in range(150))
    path = tmp_path / "shared.py"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    command = [sys.executable, "-m", "flake8_dask.fix", "--isolated", "shared.py"]
    for _ in range(3):
        path.write_text(original)
        runs = [subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE) for _ in range(2)]
        seen = set()
        while any(run.poll() is None for run in runs):
            seen.add(path.read_text())
        outputs = [run.communicate(timeout=120) for run in runs]
        seen.add(path.read_text())
        assert seen <= {original, fixed}
        assert path.read_text() == fixed
        for run, (out, err) in zip(runs, outputs):
            err = err.decode()
            assert run.returncode == 0 or (
                run.returncode == 2 and "the file changed while it was being fixed" in err), err
        assert no_temporary_files(tmp_path)
