"""What the editor front ends compute, in process (flake8_dask/server/analysis.py, which
imports no LSP library): minimal edits, line endings, the noqa edit, configuration errors.
The protocol itself is tested end to end in tests/test_server*.py."""

from __future__ import annotations

import textwrap

from flake8_dask.fix.engine import fix_source
from flake8_dask.fix.noqa import NoqaMap
from flake8_dask.server import analysis as A
from flake8_dask.server.settings import Settings, update

SOURCE = textwrap.dedent("""\
    import dask.dataframe as dd

    ddf = dd.read_csv("x.csv")
    ddf.fillna(0, inplace=True)
    ddf.rename(columns={"a": "b"}, inplace=True)
    """)


def apply(text: str, edits: list[A.Edit]) -> str:
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    for e in sorted(edits, key=lambda e: (e.line, e.col), reverse=True):
        begin, end = starts[e.line] + e.col, starts[e.end_line] + e.end_col
        text = text[:begin] + e.text + text[end:]
    return text


def test_quick_fix_is_one_minimal_edit():
    edits = A.quick_fix(SOURCE, None, A.Context(), "DSK408", 0, unsafe=False)
    assert edits == [A.Edit(3, 3, 3, 26, " = ddf.fillna(0")]
    assert apply(SOURCE, edits) == SOURCE.replace("ddf.fillna(0, inplace=True)",
                                                  "ddf = ddf.fillna(0)")


def test_fix_all_equals_the_engine_with_crlf_endings():
    crlf = SOURCE.replace("\n", "\r\n")
    edits = A.fix_all(crlf, None, A.Context(), unsafe=False)
    assert all("\n" not in e.text.replace("\r\n", "") for e in edits)
    expected = fix_source(SOURCE).source.replace("\n", "\r\n")
    assert apply(crlf, edits) == expected != crlf


def test_a_changed_text_has_no_stale_fix():
    try:
        A.quick_fix(SOURCE, None, A.Context(), "DSK408", 5, unsafe=False)
    except A.FixUnavailable as exc:
        assert "no longer reported" in str(exc)
    else:
        raise AssertionError("a fix for a finding that is not there")


def test_noqa_edit_adds_extends_and_silences():
    for text, line in [(SOURCE, 3),
                       (SOURCE.replace("inplace=True)\n", "inplace=True)  # noqa: E501\n", 1), 3),
                       ('x = f("""a\nb""", ddf.fillna(0, inplace=True))\n', 0),
                       ("y = 1 + \\\n    2\n", 0)]:
        edit = A.noqa_edit(text, line, "DSK408")
        assert edit is not None
        assert NoqaMap(apply(text, [edit])).silences("DSK408", line + 1), text
    assert A.noqa_edit("x = 1  # noqa\n", 0, "DSK408") is None  # already silenced
    extended = A.noqa_edit("x = 1  # noqa: DSK101\n", 0, "DSK408")
    assert apply("x = 1  # noqa: DSK101\n", [extended]) == "x = 1  # noqa: DSK101, DSK408\n"


def test_syntax_error_and_bad_configuration(tmp_path):
    assert A.lint("import dask\nx = (\n", None, A.Context()).problems == []
    (tmp_path / "setup.cfg").write_text("[flake8]\nselect = dsk4\n")
    ctx = A.context_for(str(tmp_path / "m.py"))
    assert ctx.error and "upper case" in ctx.error  # reported, and the defaults used
    assert [p.code for p in A.lint(SOURCE, None, ctx).problems] == ["DSK408", "DSK408"]


def test_settings_from_the_client():
    s = update(Settings(), {"settings": {"unsafeFixes": True, "lint": {"delay": 0},
                                         "codeAction": {"disableRuleComment": {
                                             "enable": False}}, "fixAll": "yes"}})
    assert s.unsafe_fixes and s.lint_delay == 0 and not s.disable_rule_comment
    assert s.fix_all  # a value of the wrong type keeps the default
    assert update(s, None) == s and update(Settings(), {"flake8-dask": {"fixAll": False}}) \
        == Settings(fix_all=False)
