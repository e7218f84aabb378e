"""The fix command, ``python -m flake8_dask.fix``.

The end-to-end tests run the real command as a subprocess (a directory holding every kind of
file at once, standard input, parallel jobs, the comparison with flake8); the option
semantics are tested by calling ``cli.main`` in this process, which is much faster.
"""
import json
import os
import stat
import subprocess
import sys

import pytest

from fix_helpers import (BLOCKING, FIXABLE, FIXED_SAFE, ROOT, register_test_rules, run_fix,
                         text, write)
from fixable_rules import TEST_RULES


# ====================================================================== end to end
#: name -> (bytes before, bytes expected after the fix run)
FILES = {
    "crlf.py": (b"import dask\r\nx.persist()\r\n", b"import dask\r\nx = x.persist()\r\n"),
    "cr.py": (b"import dask\rx.persist()\r", b"import dask\rx = x.persist()\r"),
    "bom.py": (b"\xef\xbb\xbfimport dask\nx.persist()\n",
               b"\xef\xbb\xbfimport dask\nx = x.persist()\n"),
    "latin1.py": (b"# -*- coding: latin-1 -*-\nimport dask\ns = '\xe9'; x.persist()\n",
                  b"# -*- coding: latin-1 -*-\nimport dask\ns = '\xe9'; x = x.persist()\n"),
    "no_final_newline.py": (b"import dask\nx.persist()", b"import dask\nx = x.persist()"),
    "mixed_endings.py": (b"import dask\r\nx.persist()\ny = 1\r\n",
                         b"import dask\r\nx = x.persist()\ny = 1\r\n"),
    "noqa.py": (b"import dask\nx.persist()  # noqa: DSK990\ny.persist()  # noqa\nz.persist()\n",
                b"import dask\nx.persist()  # noqa: DSK990\ny.persist()  # noqa\n"
                b"z = z.persist()\n"),
    "dask_free.py": (b"# -*- coding: utf-8 -*-\r\nx.persist()  \r\n\r\nif 1:\n\tprint( 1 )\n"
                     b"\x0c\ny=2", None),
    "syntax_error.py": (b"import dask\ndef f(:\n    x.persist()\n", None),
    "undecodable.py": (b"import dask\nx = '\xff\xfe'\nx.persist()\n", None),
    "read_only.py": (b"import dask\nx.persist()\n", None),
    "unsafe_only.py": (b"import dask\nc.submit(f)\n", None),
    "blocking.py": (BLOCKING.encode(), None),
}


@pytest.mark.runtime
def test_end_to_end_directory(tmp_path):
    for name, (before, _) in FILES.items():
        path = write(tmp_path / "src" / name, before)
        os.chmod(path, 0o444 if name == "read_only.py" else 0o750)
    write(tmp_path / "src" / ".git" / "x.py", FIXABLE)
    write(tmp_path / "src" / "build" / "x.py", FIXABLE)
    write(tmp_path / "src" / "venv" / "pyvenv.cfg", "")
    write(tmp_path / "src" / "venv" / "x.py", FIXABLE)
    os.symlink(tmp_path / "src" / "crlf.py", tmp_path / "src" / "zz_link.py")

    r = run_fix("--isolated", "src", cwd=tmp_path, test_rules=True)
    out, err = text(r), text(r, "stderr")
    assert r.returncode == 2, out + err  # the read-only and undecodable files
    for name, (before, after) in FILES.items():
        path = tmp_path / "src" / name
        assert path.read_bytes() == (after if after is not None else before), name
        mode = 0o444 if name == "read_only.py" else 0o750
        assert stat.S_IMODE(path.stat().st_mode) == mode, name
    for skipped in (".git", "build", "venv"):
        assert (tmp_path / "src" / skipped / "x.py").read_text() == FIXABLE
    assert (tmp_path / "src" / "zz_link.py").is_symlink()
    assert not [p for p in (tmp_path / "src").iterdir() if p.name.startswith(".flake8-dask")]
    assert "src/read_only.py: cannot write: the file is read-only; 1 fix(es) not applied" in err
    # files that could not be checked are findings (DSK001), in the output (#14, point 2)
    assert "src/undecodable.py:1:1: DSK001 cannot decode as utf-8" in out
    assert "src/syntax_error.py:2:7: DSK001 SyntaxError: invalid syntax" in out
    assert "src/read_only.py:2:1: DSK990 [*] x.persist() result discarded" in out
    assert "src/unsafe_only.py:2:1: DSK991 future discarded" in out
    assert "src/blocking.py:6:12: DSK101 " in out
    assert "zz_link" not in out + err and "dask_free" not in out + err

    # idempotence: a second run changes nothing and reports the same findings
    snapshot = {p: p.read_bytes() for p in (tmp_path / "src").rglob("*.py") if p.is_file()}
    r2 = run_fix("--isolated", "src", cwd=tmp_path, test_rules=True)
    assert {p: p.read_bytes() for p in snapshot} == snapshot
    findings = sorted(line for line in out.splitlines() if ": DSK" in line)
    assert sorted(line for line in text(r2).splitlines() if ": DSK" in line) == findings


@pytest.mark.runtime
def test_end_to_end_stdin(tmp_path):
    r = run_fix("--isolated", "-", "--stdin-filename", "pkg/a.py", cwd=tmp_path,
                stdin=FIXABLE.encode(), test_rules=True)
    assert r.stdout == FIXED_SAFE.encode()
    assert "pkg/a.py:4:1: DSK991 future discarded" in text(r, "stderr")
    assert r.returncode == 1
    r = run_fix("--isolated", "--check", "-", cwd=tmp_path, stdin=BLOCKING.encode())
    assert r.returncode == 1 and text(r).startswith("-:6:12: DSK101 ")


@pytest.mark.runtime
def test_end_to_end_parallel_equals_serial(tmp_path, cli):
    for i in range(5):
        write(tmp_path / f"m{i}.py", BLOCKING)
    code, serial, _ = cli("--isolated", "--check", ".", cwd=tmp_path)
    parallel = run_fix("--isolated", "--check", "-j2", ".", cwd=tmp_path)
    assert text(parallel) == serial and parallel.returncode == code == 1
    assert serial.count("DSK101") == 5


@pytest.mark.runtime
def test_output_matches_flake8(tmp_path):
    write(tmp_path / "a.py", BLOCKING)
    ours = run_fix("--isolated", "--check", "a.py", cwd=tmp_path)
    flake8 = subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", "--select", "DSK", "a.py"],
        cwd=tmp_path, capture_output=True, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    ours_lines = [line for line in text(ours).splitlines() if ": DSK" in line]
    assert ours_lines and ours_lines == text(flake8).splitlines()


# ====================================================================== in process
def test_clean_tree_exits_zero_and_prints_nothing(tmp_path, cli):
    write(tmp_path / "a.py", "import dask\nx = dask.delayed(sum)([1, 2])\n")
    assert cli("--isolated", ".", cwd=tmp_path) == (0, "", "")


def test_missing_path_is_an_error_but_the_rest_runs(tmp_path, cli):
    write(tmp_path / "a.py", BLOCKING)
    code, out, err = cli("--isolated", "--check", "nope.py", "a.py", cwd=tmp_path)
    assert code == 2 and "nope.py: no such file or directory" in err
    assert "a.py:6:12: DSK101" in out


def test_config_found_upward_with_excludes_and_per_file_ignores(tmp_path, cli):
    write(tmp_path / "setup.cfg", "[flake8]\nmax-line-length = 100\n"
                                  "extend-exclude = generated\n"
                                  "per-file-ignores =\n    tests/*: DSK1\n")
    write(tmp_path / "src" / "a.py", BLOCKING)
    write(tmp_path / "src" / "generated" / "b.py", BLOCKING)
    write(tmp_path / "tests" / "test_a.py", BLOCKING)
    _, out, _ = cli("--check", ".", cwd=tmp_path)
    assert [line.split(":")[0] for line in out.splitlines() if "DSK" in line] == ["./src/a.py"]
    _, out, _ = cli("--check", ".", cwd=tmp_path / "src")  # found from a subdirectory
    assert "./a.py:6:12: DSK101" in out and "generated" not in out
    _, out, _ = cli("--isolated", "--check", ".", cwd=tmp_path)
    assert out.count("DSK101") == 3
    # per-file-ignores apply to a file read from stdin under its --stdin-filename
    code, _, _ = cli("--check", "-", "--stdin-filename", "tests/t.py", cwd=tmp_path,
                     stdin=BLOCKING.encode())
    assert code == 0


def test_exclude_replaces_the_defaults_and_applies_to_named_files(tmp_path, cli):
    write(tmp_path / ".flake8", "[flake8]\nexclude = old,*_pb2.py\n")
    write(tmp_path / "build" / "a.py", BLOCKING)  # no longer excluded
    write(tmp_path / "old" / "a.py", BLOCKING)
    write(tmp_path / "msg_pb2.py", BLOCKING)
    _, out, _ = cli("--check", ".", cwd=tmp_path)
    assert "./build/a.py" in out and "old" not in out and "pb2" not in out
    # as in flake8, a named file is skipped when it matches, not when its directory does
    assert cli("--check", "msg_pb2.py", cwd=tmp_path)[0] == 0
    assert cli("--check", "old/a.py", cwd=tmp_path)[0] == 1


@pytest.mark.parametrize("config, args, reported", [
    ("", [], True),
    ("select = E,W,F\n", [], False),  # DSK not selected: flake8 would not report it either
    ("select = E,W,F\n", ["--extend-select", "DSK1"], True),
    ("extend-ignore = DSK101\n", [], False),
    ("extend_ignore = DSK1\n", [], False),  # underscores work, like flake8
    ("extend-ignore = DSK1\n", ["--extend-select", "DSK101"], True),  # explicit, longer
    ("ignore = DSK\n", ["--select", "DSK101"], True),
    ("", ["--ignore", "DSK10"], False),
    ("", ["--ignore", "DSK1", "--select", "DSK10"], True),  # longer prefix wins
])
def test_selection(tmp_path, cli, config, args, reported):
    write(tmp_path / "tox.ini", "[flake8]\n" + config)
    write(tmp_path / "a.py", BLOCKING)
    code, out, err = cli("--check", *args, "a.py", cwd=tmp_path)
    assert ("DSK101" in out) is reported, out + err
    assert code == (1 if reported else 0)


def test_default_off_codes_need_selecting(tmp_path, cli, monkeypatch):
    monkeypatch.setattr("flake8_dask.rules.DEFAULT_OFF", ("DSK101",))
    write(tmp_path / "a.py", BLOCKING)
    assert cli("--isolated", "--check", "a.py", cwd=tmp_path)[0] == 0
    assert cli("--isolated", "--check", "--extend-select", "DSK101", "a.py",
               cwd=tmp_path)[0] == 1


def test_explicit_config_and_plugin_options(tmp_path, cli):
    source = BLOCKING.replace("main(client)", "main(my_client)").replace(
        "return client.submit", "return my_client.submit")
    write(tmp_path / "a.py", source)
    write(tmp_path / "conf" / "lint.cfg", "[flake8]\ndask-client-names =\n")
    assert "DSK101" in cli("--isolated", "--check", "a.py", cwd=tmp_path)[1]
    # with the name fallback off (config, or command line), my_client is unknown: silent
    assert cli("--config", "conf/lint.cfg", "--check", "a.py", cwd=tmp_path)[0] == 0
    assert cli("--isolated", "--dask-client-names=", "--check", "a.py", cwd=tmp_path)[0] == 0


@pytest.mark.parametrize("args", [["--select", "dsk1"], ["--config", "missing.cfg"],
                                  ["--check", "--diff"], ["--dask-tiny-task-count", "many"],
                                  ["--explain", "DSK999"], ["-", "-"]])
def test_usage_errors_exit_2(tmp_path, cli, args):
    write(tmp_path / "a.py", BLOCKING)
    try:
        code = cli(*args, "a.py", cwd=tmp_path)[0]
    except SystemExit as exc:  # argparse
        code = exc.code
    assert code == 2


#: A recorded ``ruff check --output-format json`` (ruff 0.17.6; F401, PD002 and E711 on a
#: script, a file that does not parse, a notebook): the reference of our JSON format.
RUFF_JSON = ROOT / "tests" / "data" / "ruff-0.17.6-output.json"


def _shape(value):
    """The structure of a JSON value: keys and the types of the leaves."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shape(value[0])] if value else []
    return type(value).__name__


def test_json_output_has_ruffs_fields_and_meaning(tmp_path, cli, test_rules):
    ruff = json.loads(RUFF_JSON.read_text())
    ruff_fixable = next(i for i in ruff if i["fix"] and i["fix"]["applicability"] == "safe")
    ruff_unsafe = next(i for i in ruff if i["fix"] and i["fix"]["applicability"] == "unsafe")
    ruff_syntax = next(i for i in ruff if i["code"] == "invalid-syntax")
    write(tmp_path / "a.py", FIXABLE)
    write(tmp_path / "bad.py", "import dask\ndef f(:\n")
    _, out, _ = cli("--isolated", "--check", "--output-format", "json", "a.py", "bad.py",
                    cwd=tmp_path)
    items = json.loads(out)
    safe, unsafe, syntax = items
    # the same fields, with the same structure, as Ruff's
    assert _shape(safe) == _shape(ruff_fixable)
    assert set(unsafe) == set(ruff_unsafe) and set(unsafe["fix"]) == set(ruff_unsafe["fix"])
    # (Ruff's invalid-syntax has no page, so its url is null; DSK001 is documented)
    assert _shape({**syntax, "url": None}) == _shape(ruff_syntax)
    assert safe["code"] == "DSK990" and safe["location"] == {"row": 3, "column": 1}
    assert safe["end_location"] == {"row": 3, "column": 12}
    assert safe["filename"] == str(tmp_path / "a.py") and safe["cell"] is None
    assert safe["name"] == "test-persist-statement" and safe["severity"] == "error"
    assert safe["fix"] == {"applicability": "safe", "message": "Assign the result back",
                           "edits": [{"content": "x = x.persist()\n",
                                      "location": {"row": 3, "column": 1},
                                      "end_location": {"row": 4, "column": 1}}]}
    # Ruff lists an unsafe fix's edits even when unsafe fixes are not enabled
    assert unsafe["fix"]["applicability"] == "unsafe"
    assert unsafe["fix"]["edits"] == [{"content": "from distributed import fire_and_forget\n",
                                       "location": {"row": 2, "column": 1},
                                       "end_location": {"row": 2, "column": 1}},
                                      {"content": "fire_and_forget(c.submit(f))\n",
                                       "location": {"row": 4, "column": 1},
                                       "end_location": {"row": 5, "column": 1}}]
    # a file that could not be checked: a finding with no noqa line, like Ruff's
    assert syntax["code"] == "DSK001" and syntax["name"] == "file-not-checked"
    assert syntax["message"] == "SyntaxError: invalid syntax" and syntax["noqa_row"] is None
    assert syntax["location"] == {"row": 2, "column": 7}
    assert syntax["url"].endswith("/docs/rules.md#dsk001-file-not-checked")


def test_json_url_is_the_rules_reference(tmp_path, cli):
    from flake8_dask import HOMEPAGE

    write(tmp_path / "a.py", BLOCKING)
    _, out, _ = cli("--isolated", "--check", "--output-format", "json", "a.py", cwd=tmp_path)
    item = json.loads(out)[0]
    assert item["url"] == (f"{HOMEPAGE}/blob/main/docs/rules.md"
                           "#dsk101-blocking-wait-in-task")
    assert item["name"] == "blocking-wait-in-task"
    anchor = item["url"].rpartition("#")[2]
    assert f'<a id="{anchor}"></a>' in (ROOT / "docs" / "rules.md").read_text()


def test_github_and_sarif_output(tmp_path, cli):
    write(tmp_path / "a.py", BLOCKING)
    _, out, _ = cli("--isolated", "--check", "--output-format", "github", "a.py", cwd=tmp_path)
    assert out.startswith("::error title=flake8-dask (DSK101),file=a.py,line=6,col=12,"
                          "endLine=6,endColumn=34::a.py:6:12: DSK101 ")
    _, out, _ = cli("--isolated", "--check", "--output-format", "sarif", "a.py", cwd=tmp_path)
    sarif = json.loads(out)
    result = sarif["runs"][0]["results"][0]
    assert sarif["version"] == "2.1.0" and result["ruleId"] == "DSK101"
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 6
    assert sarif["runs"][0]["tool"]["driver"]["rules"][0]["name"] == "blocking-wait-in-task"


def test_statistics_explain_version(tmp_path, cli):
    write(tmp_path / "a.py", BLOCKING)
    _, out, _ = cli("--isolated", "--check", "--statistics", "a.py", cwd=tmp_path)
    assert "    1\tDSK101\tblocking-wait-in-task" in out
    code, out, _ = cli("--explain", "dsk101", cwd=tmp_path)
    assert code == 0 and out.startswith("# DSK101 blocking-wait-in-task")
    assert "## Why is this bad?" in out
    assert cli("--explain", "blocking-wait-in-task", cwd=tmp_path)[1] == out
    with pytest.raises(SystemExit):
        cli("--version", cwd=tmp_path)


def test_fix_check_and_diff_modes(tmp_path, cli, test_rules):
    a = write(tmp_path / "a.py", FIXABLE)
    code, out, _ = cli("--isolated", "--check", "a.py", cwd=tmp_path)
    assert code == 1 and a.read_text() == FIXABLE
    assert "a.py:3:1: DSK990 [*] x.persist() result discarded" in out
    assert "a.py:4:1: DSK991 future discarded" in out  # unsafe: no [*]
    assert "(1 hidden fix can be enabled with the `--unsafe-fixes` option.)" in out
    code, out, err = cli("--isolated", "--diff", "a.py", cwd=tmp_path)
    assert code == 1 and a.read_text() == FIXABLE
    assert "-x.persist()\n+x = x.persist()\n" in out and "Would fix 1 error." in err
    code, out, _ = cli("--isolated", "--show-fixes", "a.py", cwd=tmp_path)
    assert a.read_text() == FIXED_SAFE and code == 1  # the unsafe finding remains
    assert "1 × DSK990 (Assign the result back)" in out
    assert "Found 2 errors (1 fixed, 1 remaining)." in out
    code, out, _ = cli("--isolated", "--unsafe-fixes", "a.py", cwd=tmp_path)
    assert code == 0, out
    assert a.read_text() == ("import dask\nfrom distributed import fire_and_forget\n\n"
                             "x = x.persist()\nfire_and_forget(c.submit(f))\n")
    assert cli("--isolated", "--diff", "a.py", cwd=tmp_path)[:2] == (0, "")


def test_exit_code_options(tmp_path, cli, test_rules):
    a = write(tmp_path / "a.py", "import dask\nx.persist()\n")
    assert cli("--isolated", "--exit-zero", "--check", "a.py", cwd=tmp_path)[0] == 0
    assert cli("--isolated", "--exit-non-zero-on-fix", "a.py", cwd=tmp_path)[0] == 1
    assert a.read_text() == "import dask\nx = x.persist()\n"
    assert cli("--isolated", "--exit-non-zero-on-fix", "a.py", cwd=tmp_path)[0] == 0


def test_failed_fix_leaves_file_untouched(tmp_path, cli):
    undo = register_test_rules(TEST_RULES)
    try:
        source = "import dask\nx.persist()\nx.stubborn()\n"
        a = write(tmp_path / "a.py", source)
        code, out, err = cli("--isolated", "a.py", cwd=tmp_path)
    finally:
        undo()
    assert a.read_text() == source
    assert "did not remove the finding; nothing was changed" in err
    assert code == 1 and "DSK990 [*]" in out


def test_named_symlink_is_followed_and_stays_a_link(tmp_path, cli, test_rules):
    target = write(tmp_path / "real" / "a.py", FIXABLE)
    os.symlink(target, tmp_path / "link.py")
    os.symlink(target, tmp_path / "link2.py")
    code, out, _ = cli("--isolated", "link.py", "link2.py", "real/a.py", cwd=tmp_path)
    assert (tmp_path / "link.py").is_symlink() and target.read_text() == FIXED_SAFE
    assert out.count("DSK991") == 1  # the same file once


def test_unencodable_fix_is_not_written(tmp_path, cli, monkeypatch, test_rules):
    from fixable_rules import PersistStatement

    source = b"# coding: ascii\nimport dask\nx.persist()\n"
    a = write(tmp_path / "a.py", source)

    def fix(self, node, finding):
        import libcst as cst
        return cst.Assign([cst.AssignTarget(cst.Name("\u00e9"))], node.value)

    monkeypatch.setattr(PersistStatement, "fix", fix)
    code, out, err = cli("--isolated", "a.py", cwd=tmp_path)
    assert a.read_bytes() == source and "cannot be encoded as ascii" in err and code == 1


@pytest.mark.parametrize("args, says", [
    (["--select", "DSK999"], "unknown rule selector 'DSK999' in select"),
    (["--select", "DKS"], "unknown rule selector 'DKS' in select"),  # a typo selects nothing
    (["--extend-select", "DSK8"], "unknown rule selector 'DSK8' in extend-select"),
    (["--select", "dsk101"], "codes are upper case: DSK101"),
])
def test_a_selector_that_selects_nothing_is_an_error(tmp_path, cli, args, says):
    """A CI gate must not pass by checking nothing (Ruff: "Unknown rule selector")."""
    write(tmp_path / "a.py", BLOCKING)
    code, out, err = cli(*args, "a.py", cwd=tmp_path)
    assert code == 2 and says in err and out == "", err


def test_selectors_that_select_rules_and_other_plugins_codes_in_config(tmp_path, cli):
    write(tmp_path / "a.py", BLOCKING)
    for ok in ("DSK", "DSK1", "DSK101", "D", "DSK1,DSK7"):
        assert cli("--isolated", "--select", ok, "a.py", cwd=tmp_path)[0] == 1, ok
    # flake8 reads the same section: other plugins' codes there are not ours to refuse
    write(tmp_path / "setup.cfg", "[flake8]\nselect = E,W,F,B950,DSK1\n")
    assert cli("a.py", cwd=tmp_path)[0] == 1
    write(tmp_path / "setup.cfg", "[flake8]\nextend-select = DSK999\n")
    code, _, err = cli("a.py", cwd=tmp_path)
    assert code == 2 and "unknown rule selector 'DSK999' in extend-select" in err
