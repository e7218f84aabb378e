"""Hostile inputs through the real flake8: the plugin never aborts the user's flake8 run.

Each file has a stated outcome: the finding of the planted Dask anti-pattern at its exact
line and column (whatever the encoding, BOM, line endings or whitespace), or flake8's own
E999/E902 saying what is wrong with the file, or nothing. Always: exit code 0 or 1, no
traceback, no failure of the flake8-dask plugin, no DSK000, no finding on the wrong file,
and every file left byte for byte as it was.

flake8 runs as a subprocess with PYTHONPATH at this worktree, so its ``DSK`` entry point
(installed once, ``pip install -e .``) imports the code under test.
"""

from __future__ import annotations

import ast
import gc
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flake8_dask.checker import INTERNAL_ERROR, analyze
from flake8_dask.plugin import DaskChecker
from flake8_dask.rules import DEFAULT_OFF

# Runs flake8 in processes: left out of the quick loop (CONTRIBUTING.md).
pytestmark = pytest.mark.runtime

# --select=DSK turns the opt-in rules on too (flake8's semantics); these tests are about the
# plugin surviving hostile input, so they keep the default set.
OPT_IN_OFF = "--extend-ignore=" + ",".join(DEFAULT_OFF)

ROOT = Path(__file__).resolve().parent.parent

#: A file with one finding: DSK102 at line 7, column 19 (flake8's 1-based column).
GOOD = b'''\
import dask.dataframe as dd

base = dd.read_parquet("data/")


def normalize(part):
    return part / base.a.max().compute()


out = base.map_partitions(normalize)
'''
FINDING = ("DSK102", 7, 19)

_REPORT = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]+\d+) ",
                     re.M)


def _deep(n: int = 1000) -> dict[str, bytes]:
    """1,000-deep nesting of each kind the parser has."""
    return {
        "deep_parens.py": b"import dask\nx = " + b"(" * n + b"1" + b")" * n + b"\n",
        "deep_lists.py": b"import dask\nx = " + b"[" * n + b"]" * n + b"\n",
        "deep_calls.py": b"import dask\nx = " + b"f(" * n + b")" * n + b"\n",
        "deep_blocks.py": b"import dask\n" + b"".join(b" " * i + b"if x:\n" for i in range(n))
        + b" " * n + b"pass\n",
        "deep_lambdas.py": b"import dask\nx = " + b"lambda: " * n + b"dask.compute()\n",
        "deep_ifexp.py": b"import dask\nx = " + b"dask if y else " * n + b"dask\n",
        "deep_attributes.py": b"import dask\nx = dask" + b".b" * n + b"\nx.compute()\n",
        "deep_binops.py": b"import dask.array as da\nx = da.ones(3)\ny = "
        + b" + ".join([b"x"] * n) + b"\ny.compute()\n",
        "deep_call_chain.py": b"import dask.dataframe as dd\ndf = dd.read_csv('a')\nx = df"
        + b".head()" * n + b"\nx.compute()\n",
        "long_reassignment_chain.py": b"import dask.dataframe as dd\ndf = dd.read_csv('a')\n"
        + b"df = df.assign(a=1)\n" * n + GOOD.replace(b"import dask.dataframe as dd\n", b""),
    }


#: name -> (content, expected): "finding" (FINDING, shifted by the given number of lines),
#: "E999", "E902" (flake8 itself says what is wrong) or "nothing".
CASES: dict[str, tuple[bytes, object]] = {
    "plain.py": (GOOD, ("finding", 0)),
    "syntax_error.py": (GOOD + b"def (:\n", "E999"),
    "unterminated_string.py": (GOOD + b"s = '''never closed\n", "E999"),
    # flake8 falls back to latin-1 for bytes that are not UTF-8
    "undecodable_bytes.py": (GOOD + b"s = '\xff\xfe\x80'\n", ("finding", 0)),
    "latin1_cookie.py": (b"# -*- coding: latin-1 -*-\n" + GOOD.replace(
        b"return part", "return 'é' and part".encode("latin-1")), ("finding", 1, 8)),
    "utf8_non_ascii.py": (GOOD.replace(b"return part", "return 'éé€' and part".encode()),
                          ("finding", 0, 10)),
    # str.splitlines() breaks lines at these too, Python does not: columns must not shift
    "unusual_line_breaks.py": ("# \x0c \x0b \x1c \x85 \u2028 \u2029 é\n".encode() + GOOD.replace(
        b"return part", "return 'é' and part".encode()), ("finding", 1, 8)),
    "bom.py": (b"\xef\xbb\xbf" + GOOD, ("finding", 0)),
    "crlf.py": (GOOD.replace(b"\n", b"\r\n"), ("finding", 0)),
    "lone_cr.py": (GOOD.replace(b"\n", b"\r"), ("finding", 0)),
    "mixed_endings.py": (GOOD.replace(b"\n\n\ndef", b"\r\n\r\rdef"), ("finding", 0)),
    "tabs_and_form_feeds.py": (GOOD.replace(b"\n\n\ndef", b"\n\x0c\n\ndef").replace(
        b"    return", b"\treturn"), ("finding", 0, -3)),
    "nul_byte.py": (GOOD + b"x = 1\x00\n", "E999"),
    "empty.py": (b"", "nothing"),
    "blank.py": (b"\n\n   \n", "nothing"),
    "only_comment.py": (b"# import dask\n", "nothing"),
    "no_trailing_newline.py": (GOOD.rstrip(b"\n"), ("finding", 0)),
    # (90 kB and 70 kB: flake8's own checks take 40 s on a 600 kB line; see also
    # test_analyzer_on_a_very_long_line)
    "very_long_line.py": (GOOD + b"x = [" + b"1, " * 30_000 + b"]\n", ("finding", 0)),
    "very_long_dask_line.py": (GOOD + b"y = [" + b"base.a.sum(), " * 5_000 + b"]\n",
                               ("finding", 0)),
    "newer_syntax.py": (GOOD + b'''
async def agen(client, xs):
    return [await client.submit(f, x) async for x in xs if (y := x)]


match base:
    case {"a": [first, *rest]} if first:
        pass
    case dd.DataFrame() as frame:
        frame.compute()
    case _:
        pass
''', ("finding", 0)),
    # flake8 reads a .ipynb passed by name as Python source
    "broken_notebook.ipynb": (b'{"cells": [{"cell_type": "code", "source": ["import dask\\n"',
                              "E999"),
    "json_notebook.ipynb": (b'{"cells": [{"cell_type": "code", "source": ["import dask\\n", '
                            b'"x = dask.delayed(f)(1)\\n"]}], "nbformat": 4}\n', "nothing"),
}
if sys.version_info >= (3, 12):
    CASES["py312_syntax.py"] = (GOOD + b'''
type Frame = dd.DataFrame


def first[T](xs: list[T]) -> T:
    return xs[0]


class Box[T]:
    def get(self) -> T: ...


label = f"{f"{base.npartitions!r:>{10}}"}"
''', ("finding", 0))


def run_flake8(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", "--select=DSK,E999,E902", OPT_IN_OFF, *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    out = proc.stdout + proc.stderr
    assert proc.returncode in (0, 1), out
    assert "Traceback" not in out, out
    assert "flake8-dask" not in out and "DSK]" not in out, out  # our plugin never fails
    assert INTERNAL_ERROR not in out, out
    return proc


def reports(proc) -> dict[str, list[tuple[str, int, int]]]:
    by_file: dict[str, list[tuple[str, int, int]]] = {}
    for m in _REPORT.finditer(proc.stdout):
        path = m["path"].removeprefix("./")
        by_file.setdefault(path, []).append((m["code"], int(m["line"]), int(m["col"])))
    return by_file


def _snapshot(directory: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(directory)): (p.read_bytes(), p.stat().st_mode)
            for p in sorted(directory.rglob("*")) if p.is_file() and not p.is_symlink()}


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    """One flake8 run (several jobs) over every hostile file, plus symlinks, a directory
    named like a file and a read-only file: (reports by file, the directory)."""
    d = tmp_path_factory.mktemp("hostile")
    for name, (content, _) in CASES.items():
        (d / name).write_bytes(content)
    (d / "read_only.py").write_bytes(GOOD)
    (d / "read_only.py").chmod(0o444)
    (d / "symlink.py").symlink_to("plain.py")
    (d / "broken_symlink.py").symlink_to("does_not_exist.py")
    (d / "loop_a.py").symlink_to("loop_b.py")
    (d / "loop_b.py").symlink_to("loop_a.py")
    (d / "package.py").mkdir()  # a directory named like a file
    (d / "package.py" / "inside.py").write_bytes(GOOD)
    before = _snapshot(d)
    names = [*CASES, "read_only.py", "symlink.py", "broken_symlink.py", "loop_a.py",
             "package.py"]
    proc = run_flake8("--jobs=2", *names, cwd=d)
    assert _snapshot(d) == before, "flake8-dask changed a file it only had to read"
    return reports(proc), d


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_file(hostile_run, name):
    by_file, _ = hostile_run
    got = by_file.get(name, [])
    expected = CASES[name][1]
    if expected == "nothing":
        assert got == []
    elif expected in ("E999", "E902"):
        assert [code for code, _, _ in got] == [expected], got
    else:
        _, line_shift, *col_shift = expected
        code, line, col = FINDING
        assert got == [(code, line + line_shift, col + (col_shift[0] if col_shift else 0))]


def test_read_only_file_and_symlink(hostile_run):
    by_file, d = hostile_run
    assert by_file.get("read_only.py") == [FINDING]
    assert by_file.get("symlink.py") == [FINDING]
    assert (d / "read_only.py").stat().st_mode & 0o777 == 0o444


def test_broken_and_looping_symlinks_are_flake8_errors(hostile_run):
    by_file, _ = hostile_run
    assert [c for c, _, _ in by_file.get("broken_symlink.py", [])] == ["E902"]
    assert [c for c, _, _ in by_file.get("loop_a.py", [])] == ["E902"]


def test_directory_named_like_a_file(hostile_run):
    by_file, _ = hostile_run
    assert by_file.get("package.py/inside.py") == [FINDING]
    assert "package.py" not in by_file


def test_no_report_on_the_wrong_file(hostile_run):
    by_file, _ = hostile_run
    expected_files = {name for name, (_, exp) in CASES.items() if exp != "nothing"}
    expected_files |= {"read_only.py", "symlink.py", "broken_symlink.py", "loop_a.py",
                       "package.py/inside.py"}
    assert set(by_file) <= expected_files, sorted(set(by_file) - expected_files)


def test_unreadable_file(tmp_path):
    path = tmp_path / "unreadable.py"
    path.write_bytes(GOOD)
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as root: a file without permissions is still readable")
        by_file = reports(run_flake8("unreadable.py", cwd=tmp_path))
        assert [c for c, _, _ in by_file.get("unreadable.py", [])] == ["E902"]
    finally:
        path.chmod(0o644)
    assert path.read_bytes() == GOOD


@pytest.mark.parametrize("name", sorted(_deep()))
def test_deep_nesting(tmp_path, name):
    """1,000-deep nesting: E999 (the parser's own limits), nothing, or a finding; never a
    traceback. A RecursionError in pyflakes is flake8's limit, not ours (run_flake8 still
    checks that our plugin did not fail), so the plugin is also run directly."""
    content = _deep()[name]
    (tmp_path / name).write_bytes(content)
    proc = run_flake8(name, cwd=tmp_path)
    got = reports(proc).get(name, [])
    assert {code for code, _, _ in got} <= {"E999", "DSK102"}, got
    try:
        tree = ast.parse(content)
    except (SyntaxError, RecursionError, MemoryError):
        return  # E999: flake8 never calls the plugin
    source = content.decode()
    results = list(DaskChecker(tree, source.splitlines(True), name).run())
    assert not [r for r in results if r[2].startswith(INTERNAL_ERROR)], results
    assert (tmp_path / name).read_bytes() == content


def test_long_reassignment_chain_keeps_its_finding(tmp_path):
    """A name rebound 1,000 times before its use: the model's queries go deeper than its
    stack bound and are answered from the far end first, so the finding is still found."""
    content = _deep()["long_reassignment_chain.py"]
    source = content.decode()
    codes = [(f.code, f.line) for f in analyze(ast.parse(source), source)
             if f.code not in DEFAULT_OFF]
    assert codes == [("DSK102", 2 + 1000 + 6)]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("odd_break", ["\x0c", "\x0b", "\x1c", "\x1d", "\x1e", "\x85",
                                       "\u2028", "\u2029"])
def test_character_columns_after_unusual_line_breaks(odd_break, newline):
    """Columns count characters, on Python's lines (not str.splitlines()'s)."""
    source = (f"# a comment with {odd_break} é\n" + GOOD.decode().replace(
        "return part", "return 'é' and part")).replace("\n", newline)
    found = [(f.code, f.line, f.col, f.end_col) for f in analyze(ast.parse(source), source)
             if f.code not in DEFAULT_OFF]
    start = len("    return 'é' and part / ")
    assert found == [("DSK102", 8, start, start + len("base.a.max().compute()"))]


def test_analyzer_on_a_very_long_line():
    source = (GOOD + b"x = [" + b"base.a.sum(), 1, " * 25_000 + b"]\n").decode()
    assert len(source) > 400_000
    assert [(f.code, f.line) for f in analyze(ast.parse(source), source)
            if f.code not in DEFAULT_OFF] == [("DSK102", 7)]


def _ten_megabytes_of_dask() -> str:
    chunk = GOOD.decode().split("\n", 1)[1]  # without the import
    parts = ["import dask\nimport dask.dataframe as dd\nfrom dask.distributed import Client\n"
             "client = Client()\n"]
    size = 0
    i = 0
    while size < 10_000_000:
        part = (chunk.replace("normalize", f"normalize_{i}").replace("base", f"base_{i}")
                + f"futs_{i} = client.map(lambda x: x + {i}, range(10))\n"
                + f"for k in range(3):\n    base_{i} = base_{i}.assign(k=k)\n"
                + f"    total_{i} = base_{i}.a.sum().compute()\n"
                + f"x = client.submit(normalize_{i}, base_{i}).result()\n")
        parts.append(part)
        size += len(part)
        i += 1
    return "".join(parts)


@pytest.mark.slow
def test_ten_megabyte_file():
    """The analyzer on 10 MB of Dask code completes, without DSK000."""
    source = _ten_megabytes_of_dask()
    assert len(source) >= 10_000_000
    tree = ast.parse(source)
    start = time.perf_counter()
    findings = analyze(tree, source)
    elapsed = time.perf_counter() - start
    assert findings and not [f for f in findings if f.code == INTERNAL_ERROR]
    print(f"\n10 MB file ({source.count(chr(10)):,} lines): {len(findings):,} findings "
          f"in {elapsed:.1f} s")
    del tree, findings
    gc.collect()  # analysed outside releasing(): the model's scopes are cyclic garbage


@pytest.mark.parametrize("where", ["command line", "config file"])
@pytest.mark.parametrize("value", ["lots", "-5", "1e400", ""])
def test_bad_option_value_is_a_clear_error(tmp_path, where, value):
    """A bad number for a --dask-... option: flake8's usage error naming the option (exit
    status 2), not a traceback from the plugin."""
    (tmp_path / "plain.py").write_bytes(GOOD)
    args = ["--select=DSK", OPT_IN_OFF, "plain.py"]
    if where == "command line":
        args = ["--isolated", f"--dask-tiny-task-count={value}", *args]
    else:
        (tmp_path / "setup.cfg").write_text(f"[flake8]\ndask-tiny-task-count = {value}\n")
    proc = subprocess.run([sys.executable, "-m", "flake8", *args], cwd=tmp_path,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)), capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert "argument --dask-tiny-task-count: expected a whole number" in proc.stderr


def test_option_values_from_a_config_file(tmp_path):
    (tmp_path / "plain.py").write_bytes(GOOD)
    (tmp_path / "setup.cfg").write_text("[flake8]\ndask-tiny-task-count = 1_000\n"
                                        "dask-large-array-elements = 1e6\n"
                                        "dask-client-names = client, *_client,\n")
    proc = subprocess.run([sys.executable, "-m", "flake8", "--select=DSK", OPT_IN_OFF, "plain.py"],
                          cwd=tmp_path, env=dict(os.environ, PYTHONPATH=str(ROOT)),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1 and proc.stderr == "", proc.stderr
    assert reports(proc) == {"plain.py": [FINDING]}


def test_options_from_mapping_rejects_bad_numbers():
    from flake8_dask.options import Options, OptionValueError

    assert Options.from_mapping({"dask_tiny_task_count": "2e3"}).tiny_task_count == 2000
    with pytest.raises(OptionValueError, match="expected a whole number, got 'many'"):
        Options.from_mapping({"dask_tiny_task_count": "many"})
    with pytest.raises(ValueError):  # a ValueError for callers outside argparse
        Options.from_mapping({"dask_large_array_elements": "-1"})


def test_stdin(tmp_path):
    """Source on standard input is reported under its display name."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "flake8", "--isolated", "--select=DSK,E999", OPT_IN_OFF,
                           "--stdin-display-name=piped.py", "-"], input=GOOD.decode(),
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert reports(proc) == {"piped.py": [FINDING]}
