"""The fix command's output formats (#14, points 2 and 6): a file that could not be checked
is a finding (DSK001) in every format; SARIF as code scanning reads it; notebooks in the
github and SARIF formats point at the lines of the .ipynb JSON that hold the code."""
import json

import pytest

from fix_helpers import BLOCKING, FIXABLE, write


UNCHECKABLE = {
    "syntax.py": (b"import dask\nx = (1,\n", "2:5", "SyntaxError: '(' was never closed"),
    "latin.py": (b"import dask\nx = '\xff'\n", "1:1", "cannot decode as utf-8"),
    "nul.py": (b"import dask\nx = 1\x00\n", "1:1", "SyntaxError: source code"),
    "broken.ipynb": (b'{"cells": [', "1:1", "invalid notebook JSON"),
}


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif"])
def test_a_file_that_could_not_be_checked_is_a_finding_in_every_format(tmp_path, cli, fmt):
    for name, (data, _, _) in UNCHECKABLE.items():
        write(tmp_path / name, data)
    code, out, err = cli("--isolated", "--check", "--output-format", fmt,
                         *sorted(UNCHECKABLE), cwd=tmp_path)
    assert code == 1, err  # findings, as Ruff's invalid-syntax and E902: not 2
    for name, (data, where, says) in UNCHECKABLE.items():
        line, col = map(int, where.split(":"))
        if fmt == "text":
            assert f"{name}:{where}: DSK001 {says}" in out
        elif fmt == "json":
            item = next(i for i in json.loads(out) if i["filename"].endswith(name))
            assert item["code"] == "DSK001" and item["message"].startswith(says)
            assert item["location"] == {"row": line, "column": col}
        elif fmt == "github":
            assert f"::error title=flake8-dask (DSK001),file={name},line={line},col={col}," \
                   in out
        else:
            results = json.loads(out)["runs"][0]["results"]
            result = next(r for r in results if r["locations"][0]["physicalLocation"]
                          ["artifactLocation"]["uri"].endswith(name))
            assert result["ruleId"] == "DSK001" and says in result["message"]["text"]
            assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == line
        if fmt != "text":  # and a line on stderr, for the person reading the CI log
            assert f"{name}:{where}: DSK001 {says}" in err
    for name, (data, _, _) in UNCHECKABLE.items():
        assert (tmp_path / name).read_bytes() == data


def test_a_file_that_could_not_be_checked_fails_a_run_of_any_mode(tmp_path, cli):
    write(tmp_path / "bad.py", "def f(:\n")
    assert cli("--isolated", "bad.py", cwd=tmp_path)[0] == 1  # fix mode
    code, out, err = cli("--isolated", "--diff", "bad.py", cwd=tmp_path)
    assert code == 1 and out == "" and "bad.py:1:7: DSK001 SyntaxError" in err
    assert cli("--isolated", "--exit-zero", "bad.py", cwd=tmp_path)[0] == 0
    # --select does not hide it: a file that was not checked is always said
    code, out, _ = cli("--isolated", "--check", "--select", "DSK101", "bad.py", cwd=tmp_path)
    assert code == 1 and "DSK001" in out


def test_the_read_error_of_a_named_file_is_a_finding(tmp_path, cli):
    (tmp_path / "dir.py").mkdir()  # a directory named like a file is walked, so use a FIFO
    import os
    fifo = tmp_path / "unreadable.py"
    write(fifo, "import dask\n")
    os.chmod(fifo, 0)
    if os.access(fifo, os.R_OK):  # root reads anything: make the read itself fail
        fifo.unlink()
        os.symlink(tmp_path / "missing-target", fifo)
        expected = "broken symlink"
        code, _, err = cli("--isolated", "--check", "unreadable.py", cwd=tmp_path)
        assert code == 2 and expected in err  # a named path that does not exist: usage
        return
    code, out, _ = cli("--isolated", "--check", "unreadable.py", cwd=tmp_path)
    assert code == 1 and "unreadable.py:1:1: DSK001 cannot read" in out


def test_sarif_rules_and_fixes(tmp_path, cli, test_rules):
    write(tmp_path / "a.py", FIXABLE)
    write(tmp_path / "b.py", BLOCKING)
    _, out, _ = cli("--isolated", "--check", "--output-format", "sarif", "a.py", "b.py",
                    cwd=tmp_path)
    run = json.loads(out)["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    dsk101 = rules["DSK101"]
    assert dsk101["helpUri"].endswith("/docs/rules.md#dsk101-blocking-wait-in-task")
    short = dsk101["shortDescription"]["text"]
    assert short == "Waiting on futures inside a task without seceding."  # its first line
    assert "\n## What it does\n" in dsk101["fullDescription"]["text"]
    results = {r["ruleId"]: r for r in run["results"]}
    safe = results["DSK990"]
    change = safe["fixes"][0]["artifactChanges"][0]
    assert change["artifactLocation"]["uri"] == (tmp_path / "a.py").as_uri()
    assert change["replacements"] == [{
        "deletedRegion": {"startLine": 3, "startColumn": 1, "endLine": 4, "endColumn": 1},
        "insertedContent": {"text": "x = x.persist()\n"}}]
    assert safe["fixes"][0]["description"]["text"] == "Assign the result back (safe fix)"
    assert results["DSK991"]["fixes"][0]["description"]["text"].endswith("(unsafe fix)")
    # an unsafe fix is described even though --unsafe-fixes was not given (Ruff's edits)
    assert results["DSK101"]["fixes"][0]["description"]["text"] == (
        "Secede before the first wait and rejoin after the last (unsafe fix)")


NOTEBOOK = {"cells": [
    {"cell_type": "markdown", "metadata": {}, "source": ["# Title\n"]},
    {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
     "source": BLOCKING.splitlines(keepends=True)},
], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def _json_line_of(text, needle):
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_notebook_findings_point_at_the_json_lines_in_github_and_sarif(tmp_path, cli):
    text = json.dumps(NOTEBOOK, indent=1)
    write(tmp_path / "nb.ipynb", text)
    line = _json_line_of(text, "get_client().gather(x)")  # cell 2, line 6
    _, out, _ = cli("--isolated", "--check", "--output-format", "github", "nb.ipynb",
                    cwd=tmp_path)
    assert out.startswith(f"::error title=flake8-dask (DSK101) cell 2%2C line 6,"
                          f"file=nb.ipynb,line={line},endLine={line}::"
                          f"nb.ipynb:cell 2:6:12: DSK101 ")
    _, out, _ = cli("--isolated", "--check", "--output-format", "sarif", "nb.ipynb",
                    cwd=tmp_path)
    result = json.loads(out)["runs"][0]["results"][0]
    assert result["locations"][0]["physicalLocation"]["region"] == {
        "startLine": line, "endLine": line}
    assert result["properties"] == {"cell": 2, "cellLine": 6, "cellColumn": 12,
                                    "cellEndLine": 6, "cellEndColumn": 34}
    assert result["message"]["text"].startswith("DSK101 cell 2, line 6: ")


def test_notebook_with_one_string_sources_points_at_that_string(tmp_path, cli):
    nb = json.loads(json.dumps(NOTEBOOK))
    nb["cells"][1]["source"] = BLOCKING
    text = json.dumps(nb, indent=2)
    write(tmp_path / "nb.ipynb", text)
    line = _json_line_of(text, "get_client().gather(x)")
    _, out, _ = cli("--isolated", "--check", "--output-format", "github", "nb.ipynb",
                    cwd=tmp_path)
    assert f"file=nb.ipynb,line={line},endLine={line}::" in out


def test_nbjson_maps_every_cell_line():
    from flake8_dask.fix.nbjson import json_line, json_lines

    text = json.dumps({"cells": [{"cell_type": "code", "source": ["a\n", "b\n", "c"]},
                                 {"cell_type": "code", "source": "d\ne"}]}, indent=1)
    lines = json_lines(text)
    assert [json_line(lines, 1, k) for k in (1, 2, 3)] == [
        _json_line_of(text, '"a\\n"'), _json_line_of(text, '"b\\n"'), _json_line_of(text, '"c"')]
    assert lines[2] == [_json_line_of(text, '"d\\ne"')] * 2
    assert json_lines("{not json") == {} and json_line({}, 3, 1) == 1
