"""Jupyter notebooks: cells linted and fixed, IPython syntax untouched, JSON kept byte for
byte except the sources that changed."""
import ast
import json

import pytest

from fix_helpers import BLOCKING, InProcess, register_test_rules, run_fix, text
from fixable_rules import GOOD_RULES
from flake8_dask.fix.notebook import (NotebookError, fix_notebook, mask_magics,
                                      parse_notebook, unmask_magics)


def notebook(cells, *, language="python", **dump):
    nb = {"cells": cells,
          "metadata": {"kernelspec": {"display_name": "Python 3", "language": language,
                                      "name": "python3"},
                       "language_info": {"name": language, "version": "3.11.7"}},
          "nbformat": 4, "nbformat_minor": 5}
    return nb


def code(source, outputs=(), execution_count=None):
    return {"cell_type": "code", "execution_count": execution_count, "id": "c0ffee",
            "metadata": {"tags": ["x"]}, "outputs": list(outputs), "source": source}


def markdown(source):
    return {"cell_type": "markdown", "id": "d0c", "metadata": {}, "source": source}


def dumps(nb, indent=1, ensure_ascii=False, newline=True):
    return json.dumps(nb, indent=indent, ensure_ascii=ensure_ascii) + ("\n" if newline else "")


OUTPUT = {"name": "stdout", "output_type": "stream", "text": ["1.5\n", "é\n"]}


@pytest.fixture
def test_rules():
    undo = register_test_rules(GOOD_RULES)
    yield
    undo()


def fix(text_, **kw):
    return fix_notebook(text_, rules=GOOD_RULES, **kw)


# ------------------------------------------------------------------ end to end
@pytest.mark.runtime  # runs the fix command in a process
def test_end_to_end_notebook(tmp_path):
    nb = notebook([
        markdown(["# Title é\n", "text"]),
        code(["import dask\n", "%matplotlib inline\n", "files = !ls\n", "x = 1"],
             [OUTPUT], 1),
        code(["for f in files:\n", "    !wc -l {f}\n", "    x.persist()\n", "x?\n",
              "%time x.persist()"], [], 2),
        code("def broken(:\n    pass"),
        code(["%%bash\n", "echo x.persist()\n"]),
        code(["%%time\n", "x.persist()  # noqa\n", "x.persist()\n"]),
    ])
    original = dumps(nb)
    path = tmp_path / "analysis.ipynb"
    path.write_text(original, encoding="utf-8")

    r = run_fix("--isolated", "--check", "analysis.ipynb", cwd=tmp_path, test_rules=True)
    assert r.returncode == 1
    # the cell that does not parse is a finding on that cell (DSK001); the others are checked
    assert text(r).splitlines()[:3] == [
        "analysis.ipynb:cell 3:3:5: DSK990 [*] x.persist() result discarded",
        "analysis.ipynb:cell 4:1:12: DSK001 SyntaxError: invalid syntax",
        "analysis.ipynb:cell 6:3:1: DSK990 [*] x.persist() result discarded"]
    assert path.read_text(encoding="utf-8") == original

    r = run_fix("--isolated", "--diff", "analysis.ipynb", cwd=tmp_path, test_rules=True)
    assert "--- analysis.ipynb:cell 3\n+++ analysis.ipynb:cell 3\n" in text(r)

    r = run_fix("--isolated", "analysis.ipynb", cwd=tmp_path, test_rules=True)
    assert r.returncode == 1, text(r) + text(r, "stderr")  # cell 4 is still not checked
    assert [line for line in text(r).splitlines() if ": DSK" in line] == [
        "analysis.ipynb:cell 4:1:12: DSK001 SyntaxError: invalid syntax"]
    nb["cells"][2]["source"][2] = "    x = x.persist()\n"
    nb["cells"][5]["source"][2] = "x = x.persist()\n"
    assert path.read_text(encoding="utf-8") == dumps(nb)  # every other byte kept
    again = run_fix("--isolated", "analysis.ipynb", cwd=tmp_path, test_rules=True)
    assert again.returncode == 1 and path.read_text(encoding="utf-8") == dumps(nb)


def test_broken_notebooks_are_reported_and_untouched(tmp_path, monkeypatch, capsys):
    cli = InProcess(monkeypatch, capsys)
    files = {"invalid.ipynb": '{"cells": [', "nocells.ipynb": '{"metadata": {}}',
             "nosource.ipynb": json.dumps({"cells": [{"cell_type": "code"}]})}
    for name, content in files.items():
        (tmp_path / name).write_text(content)
    (tmp_path / "good.ipynb").write_text(dumps(notebook([code(BLOCKING)])))
    status, out, err = cli("--isolated", ".", cwd=tmp_path)
    assert status == 1  # files that could not be checked are findings (DSK001)
    assert "./invalid.ipynb:1:1: DSK001 invalid notebook JSON" in out
    assert "./nocells.ipynb:1:1: DSK001 not a notebook" in out
    assert "./nosource.ipynb:1:1: DSK001 cell 1 has no valid \"source\"" in out
    assert "./good.ipynb:cell 1:6:12: DSK101 " in out
    for name, content in files.items():
        assert (tmp_path / name).read_text() == content


# ------------------------------------------------------------------ JSON layout
@pytest.mark.parametrize("indent", [1, 2, 4, None])
@pytest.mark.parametrize("ensure_ascii", [False, True])
@pytest.mark.parametrize("newline", [True, False])
def test_json_layout_is_kept(indent, ensure_ascii, newline):
    nb = notebook([markdown("é"), code(["import dask\n", "x.persist()\n", "y = 'é'"],
                                       [OUTPUT], 3),
                   code("import dask\nx.persist()")])
    before = dumps(nb, indent, ensure_ascii, newline)
    result = fix(before)
    nb["cells"][1]["source"][1] = "x = x.persist()\n"
    nb["cells"][2]["source"] = "import dask\nx = x.persist()"
    assert result.text == dumps(nb, indent, ensure_ascii, newline)


def test_only_changed_sources_are_rewritten_even_with_odd_formatting():
    before = ('{"nbformat": 4, "cells": [ {"cell_type":"code","source":["import dask\\n",'
              '"x.persist()\\n"],  "outputs": [{"data": {"text/plain": ["1.50"]}}],'
              '"metadata":{}},\n{"cell_type": "code", "source": ["a = 1.50"], "metadata": {}}'
              '], "metadata": {"x": 1.50}}')
    result = fix(before)
    assert result.text == before.replace('"x.persist()\\n"', '"x = x.persist()\\n"')


def test_cells_share_one_module():
    # the import is in cell 1, the task in cell 2, the submit in cell 3
    cells = BLOCKING.split("\n\n\n")
    nb = notebook([code(c) for c in cells])
    result = fix_notebook(dumps(nb))
    assert [(f.cell, f.finding.line, f.finding.code) for f in result.findings] == \
        [(2, 2, "DSK101")]


def test_non_python_kernel_is_skipped():
    nb = notebook([code("import dask\nx.persist()")], language="R")
    result = fix(dumps(nb))
    assert not result.changed and not result.findings
    assert "not Python" in result.messages[0]


def test_imports_added_by_a_fix_go_to_the_first_code_cell(test_rules):
    nb = notebook([markdown("m"), code("import dask"), code("c.submit(f)")])
    result = fix(dumps(nb), unsafe=True)
    new = json.loads(result.text)
    assert new["cells"][1]["source"] == "import dask\nfrom distributed import fire_and_forget"
    assert new["cells"][2]["source"] == "fire_and_forget(c.submit(f))"


@pytest.mark.parametrize("bad", ["[1, 2]", '{"cells": {}}', '{"cells": [{"source": "x"}]}',
                                 '{"cells": [{"cell_type": "code", "source": [1]}]}'])
def test_invalid_notebooks_raise(bad):
    with pytest.raises(NotebookError):
        parse_notebook(bad)


# ------------------------------------------------------------------ IPython syntax
@pytest.mark.parametrize("source, masked_lines", [
    ("%time f()\nx = 1\n", [1]),
    ("!pip install dask\n", [1]),
    ("files = !ls\nout = %sx ls\n", [1, 2]),
    ("?dask.compute\ndask.compute??\n", [1, 2]),
    ("/print 1 2\n", [1]),
    ("for f in files:\n    !wc -l {f}\n    %time g(f)\n", [2, 3]),
    ("%%time\nx = 1\n", [1]),
    ("!echo a \\\n  b\nx = 1\n", [1, 2]),
    ("x = a % b\ny = (1\n     % 2)\n", []),  # Python modulo, continuation line
    ('s = """\n%not a magic\n!nor this\n"""\n', []),  # inside a string
    ("x = 1  # what?\nif x != 2: pass\n", []),
])
def test_magics_are_masked_and_restored(source, masked_lines):
    masked = mask_magics(source, "abc123")
    ast.parse(masked.text)
    changed = [i for i, (a, b) in enumerate(zip(source.splitlines(), masked.text.splitlines()),
                                            1) if a != b]
    assert changed == masked_lines
    assert len(masked.text.splitlines()) == len(source.splitlines())
    assert unmask_magics(masked.text, masked.placeholders) == source


def test_non_python_cell_magic_is_left_alone():
    assert mask_magics("%%bash\nls -l\n", "abc") is None
    assert mask_magics("\n%%writefile a.py\nx = (\n", "abc") is None


def test_a_fix_that_drops_a_placeholder_is_refused():
    masked = mask_magics("%time f()\n", "abc")
    assert unmask_magics("", masked.placeholders) is None


# ------------------------------------------------------------------ imports a fix adds
def test_an_import_a_fix_needs_goes_to_the_fixed_cell_not_the_first():
    """libcst adds imports after the module's first imports: in a notebook whose first cell
    is ``!pip install``, that put ``import copy`` there. It belongs with the fixed code, and
    the findings left in that cell keep their lines."""
    nb = notebook([
        code("!pip install dask"),
        code("import dask\nfrom dask import delayed\n"),
        code('@delayed\ndef bump(counts):\n    counts["n"] += 1\n    return counts\n\n'
             "bump({})\nprint(1)\n"),
    ])
    result = fix_notebook(dumps(nb), unsafe=True)
    cells = parse_notebook(result.text).cells
    assert cells[0].text == "!pip install dask"
    assert cells[1].text == "import dask\nfrom dask import delayed\n"
    lines = cells[2].text.splitlines()
    assert lines[:2] == ["import copy", "@delayed"], lines
    assert "    counts = copy.copy(counts)" in lines
    (left,) = [f for f in result.findings if f.finding.code == "DSK305"]
    assert left.cell == 3 and lines[left.finding.line - 1] == "bump({})", left
