"""Property tests of the fix engine (``flake8_dask.fix.engine.fix_source``) on generated
programs, with safe fixes and with unsafe ones:

- it never raises (a text that parses never gives an exception);
- what it returns parses and compiles;
- fixing is idempotent: fixing the fixed text changes nothing and applies nothing;
- a text without Dask comes back byte for byte;
- a fix changes only the code it owns: every changed line is, or neighbours, a line of a
  fixed finding (imports aside);
- on realistic Dask code, no fix fails (``error`` is None).

Three sources of programs: hypothesmith's grammar-generated programs (odd syntax, no Dask);
the same with realistic Dask statements spliced in at top level; and realistic Dask programs
built here from the statements the 40 rules fix (the shapes of ``fixtures/*.fixed.py``) in
functions, loops, ``with``/``if``/``try`` blocks, classes, with comments, blank lines, noqa
and non-ASCII names. Each test checks every property on each example, so each property sees
the test's number of examples.

Examples per test: the Hypothesis profile of tests/_profiles.py (``HYPOTHESIS_PROFILE=ci``,
the default: 2,000; ``long``: 20,000; ``dev``: 50).
"""
from __future__ import annotations

import ast
import difflib
import itertools
import re
import warnings

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from flake8_dask.fix.engine import applicable, fix_source
from flake8_dask.fix.sourcefile import split_lines

hypothesmith = pytest.importorskip("hypothesmith")

#: The number of examples comes from the Hypothesis profile loaded by tests/_profiles.py
#: (HYPOTHESIS_PROFILE: ci, the default, 2,000 per property; long, 20,000; dev, 50).
FUZZ = settings()


# ============================================================================ the checks
def compiles(source: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        compile(source, "<fixed>", "exec", dont_inherit=True)


def check_fix(source: str, unsafe: bool, *, realistic: bool = False):
    """Every property of one fix run (on realistic code, no fix may fail); returns the
    result."""
    result = fix_source(source, unsafe=unsafe)
    if result.changed:
        compiles(result.source)
    again = fix_source(result.source, unsafe=unsafe)
    assert again.source == result.source and not again.applied, (
        f"not idempotent (unsafe={unsafe}):\n--- first fix\n{result.source}\n"
        f"--- second fix\n{again.source}")
    if realistic:
        assert result.error is None, f"{result.error}\n{source}"
    assert_changes_are_owned(source, result, unsafe)
    return result


def _is_import(line: str) -> bool:
    return line.lstrip().startswith(("import ", "from ")) or not line.strip()


def assert_changes_are_owned(source: str, result, unsafe: bool) -> None:
    """Every line the fixes changed is a line of a fixable finding (or of its fix's target
    node), or next to one; the imports a fix adds are the only other change allowed."""
    if not result.changed:
        return
    owned: set[int] = set()
    for f in fix_source(source, unsafe=unsafe, apply=False).remaining:
        if not applicable(f, unsafe):
            continue
        owned.update(range(f.line - 1, f.end_line + 2))
        target = f.fix.target
        if target is not None:
            owned.update(range(target.lineno - 1, (target.end_lineno or target.lineno) + 2))
    old = [line.rstrip("\r\n") for line in split_lines(source)]
    new = [line.rstrip("\r\n") for line in split_lines(result.source)]
    # Two ways to line the texts up; the changes must be owned in at least one. (difflib's
    # alignment alone can pair a block with its twin when a program repeats itself.)
    assert _owned_by_diff(old, new, owned) or _owned_by_runs(old, new, owned), (
        f"lines changed outside the fixed findings (lines {sorted(owned)}):\n"
        + "\n".join(difflib.unified_diff(old, new, lineterm="")))


def _owned_by_diff(old, new, owned) -> bool:
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal" or all(_is_import(line) for line in old[i1:i2] + new[j1:j2]):
            continue
        changed = set(range(i1 + 1, i2 + 1)) or {i1, i1 + 1}  # an insertion: its neighbours
        if not (changed & owned if tag == "insert" else changed <= owned):
            return False
    return True


def _owned_by_runs(old, new, owned) -> bool:
    """The runs of lines no fix owns come back verbatim and in order, each found at its
    first place after the previous one; between two of them the new text differs only
    where an owned line stood (or by imports: a fix may extend an import line)."""
    pos, after_owned = 0, False
    for is_owned, run in itertools.groupby(
            enumerate(old, 1), key=lambda x: x[0] in owned or _is_import(x[1])):
        if is_owned:
            after_owned = True
            continue
        lines = [line for _, line in run]
        at = next((j for j in range(pos, len(new) - len(lines) + 1)
                   if new[j:j + len(lines)] == lines), None)
        if at is None:
            return False
        if not after_owned and not all(_is_import(line) for line in new[pos:at]):
            return False
        pos, after_owned = at + len(lines), False
    return after_owned or all(_is_import(line) for line in new[pos:])


# ============================================================================ Dask programs
#: Names a snippet binds and uses (never one of the module names the header imports);
#: some non-ASCII ones, whose columns differ in bytes and characters.
NAMES = st.sampled_from(["ddf", "df", "frame", "x", "arr", "data", "bag", "d", "client", "c",
                         "futs", "total", "result", "values", "out", "i", "k", "n", "f",
                         "process", "inc", "items", "xs", "ys", "tol", "données", "ñame",
                         "数据", "self_", "_"])
STRINGS = st.sampled_from(['"x.csv"', "'data/*.parquet'", '"é.csv"', 'f"{1}.csv"',
                           '"""x"""', "r'\\d'"])

#: Realistic statements the rules fix (the shapes of fixtures/*.fixed.py, every fixable
#: rule), as (relative depth, text) lines. {a} {b}: collections; {c}: a client; {f}: a function;
#: {v}: a result name; {i}: a loop variable; {xs} {ys}: iterables; {s}: a string.
SNIPPETS = [
    [(0, "{a} = dd.read_csv({s})"), (0, "{a}.persist()")],  # DSK304
    [(0, "{a} = da.ones(10, chunks=5)"), (0, "{b} = dd.read_csv({s})"),
     (0, "dask.persist({a}, {b})")],
    [(0, "{c} = Client()"), (0, "{a} = da.ones(10, chunks=5)"), (0, "{c}.persist({a})")],
    [(0, "{a} = dd.read_csv({s})"), (0, "{a}.persist(  # keep"), (1, "scheduler='sync',"),
     (0, ")")],
    [(0, "{c} = Client()"), (0, "{c}.submit({f}, 1)")],  # DSK306
    [(0, "{c} = Client()"), (0, "{c}.map({f}, {xs})")],
    [(0, "{c} = Client()"), (0, "{a} = da.ones(10, chunks=5)"), (0, "{c}.compute({a}.sum())")],
    [(0, "{c} = Client()"), (0, "{c}.submit("), (1, "{f},"), (1, "2,  # two"), (0, ")")],
    [(0, "{a} = dd.read_csv({s})"), (0, "if {a}.x.sum() > 0:"), (1, "pass")],  # DSK701
    [(0, "{d} = delayed({f})(1)"), (0, "{v} = bool({d})")],
    [(0, "{a} = da.ones(10, chunks=5)"), (0, "assert {a}.sum() > 0, 'empty'")],
    [(0, "{a} = da.ones(10, chunks=5)"), (0, "{v} = 'big' if {a}.max() > 100 else 'small'")],
    [(0, "{a} = da.ones(10, chunks=5)"), (0, "while abs({a}).max() > 1:"), (1, "{a} = {a} / 2")],
    [(0, "{a} = dd.read_csv({s})"), (0, "if {a}.x.min() < 0 or {a}.x.max() > 10:"),
     (1, "pass")],
    [(0, "{d} = delayed({f})(1)"), (0, "{v} = [{i} for {i} in range(3) if {d}]")],
    [(0, "{c} = Client()"), (0, "{v} = {c}.map({f}, zip({xs}, {ys}))")],  # DSK703
    [(0, "{c} = Client()"), (0, "{v} = {c}.map({f}, ({i} for {i} in {xs}))")],
    [(0, "{c} = Client()"), (0, "{v} = {c}.map({f}, map(int, {xs}))")],
    [(0, "{c} = Client()"), (0, "{v} = {c}.map({f}, {xs}, enumerate({ys}))")],
    [(0, "{a} = dd.read_csv({s})"), (0, "{v} = dask.compute({a}.x.sum())"),  # DSK702
     (0, "print({v} + 1)")],
    [(0, "{v} = dask.compute(delayed(inc)(1), scheduler='sync')"), (0, "print({v})")],
    [(0, "{a} = dd.read_csv({s})"), (0, "{a}.fillna(0, inplace=True)")],  # DSK408
    [(0, "{a} = dd.read_csv({s})"), (0, "{a}.drop(columns=['b'], inplace=True)")],
    [(0, "{a} = dd.read_csv({s})"), (0, "{a}['z'].fillna(0, inplace=True)")],
    [(0, "{a} = dd.read_csv({s})"), (0, "{a}.sort_values("), (1, "'a',"),
     (1, "inplace=True,  # in place"), (0, ")")],
    [(0, "{v} = delayed(inc({xs}))")],  # DSK301
    [(0, "{v} = [dask.delayed(inc({i})) for {i} in {xs}]")],
    [(0, "{v} = delayed(np.sum({xs}), pure=True)")],
    [(0, "{v} = delayed(  # wrap"), (1, "inc("), (2, "{xs},  # keep"), (1, ")"), (0, ")")],
    [(0, "{a} = dd.read_csv({s})"), (0, "{v} = []"), (0, "for {i} in range(3):"),  # DSK204
     (1, "{v}.append({a}.map_partitions(lambda p: p * {i}))")],
    [(0, "{v} = [delayed(lambda: {i})() for {i} in range(3)]")],
    [(0, "{b} = db.from_sequence(range(10))"),
     (0, "{v} = [{b}.map(lambda x: x + {i}) for {i} in range(3)]")],
    [(0, "{a} = da.ones((10, 10), chunks=5)"), (0, "for _ in range(5):"),  # DSK303
     (1, "{a} = {a} * 0.5 + 1"), (1, "print({a}.sum().compute())")],
    [(0, "{a} = dd.read_csv({s})"), (0, "for _ in range(3):"),
     (1, "{a} = {a}.assign(y={a}.x + 1)")],
    [(0, "{a} = dd.read_csv({s})"), (0, "{a}.fillna(0)")],  # DSK305
    [(0, "{a} = dd.read_csv({s})"), (0, "{a}.to_parquet('out/', compute=False)")],
    [(0, "{a} = da.ones(10, chunks=5)"), (0, "{a}.rechunk((10, 2))")],
    [(0, "{a} = dd.read_csv({s})"), (0, "{a}.to_csv("), (1, "'out-*.csv',"),
     (1, "compute=False,  # lazy"), (0, ")")],
    [(0, "{c} = Client()"), (0, "{b} = {c}.map({f}, {xs})"),  # DSK704
     (0, "{v} = [{i}.result() for {i} in {b}]")],
    [(0, "{c} = Client()"), (0, "{v} = [{i}.result() for {i} in {c}.map({f}, {xs})]")],
    [(0, "{c} = Client()"), (0, "{v} = {c}.submit(random.random)")],  # DSK705
    [(0, "{c} = Client()"), (0, "{v} = {c}.map(lambda _: random.random(), [0] * 5)")],
    [(0, "{v} = delayed(random.random, pure=True)()")],
    [(0, "{c} = Client()"), (0, "{a} = dd.read_csv({s})"),  # several rules on one line
     (0, "{c}.submit({f}, {a}.persist()); {a}.fillna(0, inplace=True)")],
    [(0, "@delayed"), (0, "def {f}({xs}):"),  # DSK103
     (1, "return [delayed(abs)({i}) for {i} in {xs}]")],
    [(0, "@delayed"), (0, "def {f}({d}):"), (1, "{c} = Client('tcp://scheduler:8786')"),  # DSK104
     (1, "return {c}.submit(inc, {d})")],
    [(0, "@delayed(pure=True)"), (0, "def {f}({v}):"), (1, "{v}['n'] += 1"),  # DSK207
     (1, "return {v}['n']")],
    [(0, "{c} = Client()"), (0, "{b} = pd.read_parquet('lookup.parquet')"),  # DSK203
     (0, "{v} = {c}.map(lambda {i}: {b}.loc[{i}], {xs})")],
    [(0, "{b} = pd.read_parquet('lookup.parquet')"),  # DSK308
     (0, "{v} = [delayed(inc)({i}, {b}) for {i} in {xs}]")],
    [(0, "{v} = dd.from_pandas(pd.read_csv({s}, sep=';'), npartitions=4)")],  # DSK401
    [(0, "{a} = dd.read_csv({s})"),  # DSK404
     (0, "{v} = {a}.groupby('user').apply(lambda g: g.amount.sum())")],
    [(0, "{v} = da.ones((10_000, 10_000), chunks=(10, 10))")],  # DSK501
    [(0, "{a} = da.random.random((200_000, 200_000), chunks=(200_000, 10_000))"),  # DSK505
     (0, "{v} = {a}.rechunk({{0: -1}})")],
    [(0, "{a} = dd.read_csv({s})"), (0, "{v} = {a}.values[:10]")],  # DSK503
    [(0, "{a} = da.ones(10, chunks=5)"), (0, "{v} = float({a}.sum())"),  # DSK504
     (0, "{b} = np.asarray({a})")],
    [(0, "{a} = da.ones((100, 100), chunks=(1, 100))"),  # DSK502
     (0, "{b} = da.ones((100, 100), chunks=(100, 1))"), (0, "{v} = {a} + {b}")],
    [(0, "{c} = Client()"), (0, "{v} = {c}.submit({f}, 1).result()")],  # DSK601, DSK602
    [(0, "def {f}({v}):"), (1, "{c} = get_client()"),  # DSK101
     (1, "return {c}.submit(inc, {v}).result()"), (0, "{b} = Client()"),
     (0, "{d} = {b}.submit({f}, 1)")],
    [(0, "def {f}({xs}):"), (1, "{v} = []"), (1, "for {i} in {xs}:"),  # DSK302
     (2, "{v}.append(delayed(inc)({i}).compute())"), (1, "return {v}")],
    [(0, "{a} = dd.read_csv({s})"), (0, "{v} = {a}.x.mean().compute()"),  # DSK310
     (0, "{d} = {a}[{a}.x > 0].y.std().compute()  # spread")],
    [(0, "{a} = dd.read_csv({s})"), (0, "{a}.loc[{a}.x < 0, 'x'] = 0")],  # DSK409
    [(0, "def {f}({xs}):"), (1, "{c} = LocalCluster(n_workers=2)"),  # DSK602
     (1, "{b} = Client({c})"), (1, "return {b}.gather({b}.map(inc, {xs}))"),
     (0, "for {i} in range(3):"), (1, "{f}([{i}])")],
    [(0, "{a} = dd.read_csv({s})"), (0, "print(f'mean: {{{a}.x.mean():.2f}}')")],  # DSK706
    [(0, "{a} = da.ones(10, chunks=5)"), (0, "logging.info('total %s', {a}.sum() + 1)")],
    [(0, "{c} = Client()"), (0, "{v} = {c}.submit(inc, 1)"),
     (0, "{d} = 'got ' + str({v}) + '; %s' % (delayed(inc)(2),)")],
]
HEADER = ["import dask", "import dask.array as da", "import dask.bag as db",
          "import dask.dataframe as dd", "from dask import delayed",
          "from dask.distributed import Client", "from dask.distributed import get_client",
          "from dask.distributed import LocalCluster",
          "import random", "import numpy as np", "import logging",
          "import pandas as pd"]
#: A module-level function the snippets call (DSK301 needs a known function).
FUNCTION = [(0, ""), (0, "def inc(x):"), (1, "return x + 1"), (0, "")]


def needed_imports(lines) -> list[str]:
    """The header lines whose name the snippets use (small programs are cheap to fix)."""
    text = "\n".join(line for _, line in lines)
    return [h for h in HEADER if re.search(rf"(?<![\w.]){h.split()[-1]}\b", text)]


NOISE = [[(0, "pass")], [(0, "print({v})")], [(0, "# a comment")], [(0, "")],
         [(0, "{v} = [1, 2]  # trailing")], [(0, "{v} = {{'a': 1}}")],
         [(0, "{v} = ("), (1, "1,"), (0, ")")], [(0, "{v} = 1; print({v})")]]
#: Block openers: (header lines at relative depth, depth of the body).
CONTEXTS = {
    "module": ([], 0),
    "def": ([(0, "def {f}({xs}, {ys}=None):")], 1),
    "async": ([(0, "async def {f}():")], 1),
    "for": ([(0, "for {i} in range(3):")], 1),
    "with": ([(0, "with open({s}) as fh:")], 1),
    "if": ([(0, "if {xs}:"), (1, "pass"), (0, "else:")], 1),
    "try": ([(0, "try:")], 1),
    "class": ([(0, "class Model:"), (1, "def run(self, {xs}):")], 2),
    "while": ([(0, "while True:")], 1),
    "nested": ([(0, "def {f}({xs}):"), (1, "for {i} in {xs}:")], 2),
}
#: Lines that close a block after its body, by context.
CLOSERS = {"try": [(0, "except Exception:"), (1, "pass")], "while": [(1, "break")]}
INDENTS = st.sampled_from(["    ", "  ", "\t"])


@st.composite
def names_for(draw):
    return {key: draw(NAMES) for key in ("a", "b", "c", "d", "f", "v", "i", "xs", "ys")} | {
        "s": draw(STRINGS)}


@st.composite
def snippet_lines(draw):
    """One snippet, with its names, and maybe a comment, a noqa or noise around it."""
    lines = list(draw(st.sampled_from(SNIPPETS)))
    names = draw(names_for())
    out = []
    for depth, text in lines:
        line = text.format(**names)
        suffix = draw(st.sampled_from(["", "", "", "", "", "", "", "  # why", "  # noqa",
                                       "  # noqa: DSK304", "  # noqa: E501"]))
        out.append((depth, line if "#" in line else line + suffix))
    if draw(st.booleans()):
        noise = [(d, text.format(**names)) for d, text in draw(st.sampled_from(NOISE))]
        at = draw(st.sampled_from([0, len(out)]))  # never inside a statement
        out[at:at] = noise
    return out


@st.composite
def block(draw):
    """Snippets in a context (a function, a loop, a with/if/try block, a method...)."""
    context = draw(st.sampled_from(sorted(CONTEXTS)))
    names = draw(names_for())
    head, depth = CONTEXTS[context]
    body = [line for _ in range(draw(st.integers(1, 2))) for line in draw(snippet_lines())]
    lines = [(d, text.format(**names)) for d, text in head]
    lines += [(depth + d, text) for d, text in body]
    lines += CLOSERS.get(context, [])
    return lines


def render(lines, indent: str) -> str:
    out = []
    for depth, text in lines:
        out.append(indent * depth + text if text else "")
    return "\n".join(out) + "\n"


@st.composite
def dask_programs(draw):
    blocks = [line for _ in range(draw(st.integers(1, 2))) for line in draw(block())]
    extra = draw(st.lists(st.sampled_from(HEADER), max_size=2))
    header = draw(st.permutations(sorted(set(needed_imports(blocks) + extra))))
    if draw(st.booleans()):
        header = ['"""A module."""', "from __future__ import annotations", *header]
    blank = [(0, "")] * draw(st.integers(0, 2))
    function = FUNCTION if any("inc" in line for _, line in blocks) else []
    return render([(0, h) for h in header] + function + blank + blocks, draw(INDENTS))


def _parses(source: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(source, "<generated>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


# ============================================================================ the tests
@FUZZ
@given(dask_programs())
def test_dask_programs(source):
    assume(_parses(source))
    check_fix(source, unsafe=False, realistic=True)
    check_fix(source, unsafe=True, realistic=True)
    # The same program with every mention of Dask renamed has nothing to fix: byte for byte.
    renamed = source.replace("dask", "dusk")
    for unsafe in (False, True):
        result = fix_source(renamed, unsafe=unsafe)
        assert result.source == renamed and not result.applied and not result.remaining


def _splice(program: str, snippet: str, where: int) -> str:
    """``snippet`` inserted before the top-level statement number ``where`` of ``program``
    (at the end when there is none), when that statement starts a line."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            body = ast.parse(program).body
    except (SyntaxError, ValueError, RecursionError):
        return program + "\n" + snippet
    starts = [s.lineno for k, s in enumerate(body)
              if s.col_offset == 0 and (k == 0 or body[k - 1].end_lineno < s.lineno)]
    lines = program.splitlines(keepends=True)
    if not starts or where >= len(starts):
        if lines and not lines[-1].endswith(("\n", "\r")):
            lines[-1] += "\n"
        return "".join(lines) + snippet
    at = starts[where] - 1
    return "".join(lines[:at]) + snippet + "".join(lines[at:])


@pytest.mark.filterwarnings("ignore::SyntaxWarning")
@FUZZ
@given(hypothesmith.from_grammar(), st.lists(snippet_lines(), min_size=1, max_size=3),
       st.integers(0, 5))
def test_generated_programs(program, snippets, where):
    # Without Dask: nothing changes, byte for byte, at either level.
    assume("dask" not in program and "distributed" not in program)
    for unsafe in (False, True):
        try:
            result = fix_source(program, unsafe=unsafe)
        except SyntaxError:
            assert not _parses(program)
            break
        assert result.source == program and not result.applied
    # With Dask statements spliced in at top level: the engine's properties hold.
    body = [line for s in snippets for line in s]
    lines = [(0, h) for h in needed_imports(body)] + FUNCTION + body
    spliced = _splice(program, render(lines, "    "), where)
    assume(_parses(spliced))
    check_fix(spliced, unsafe=False)
    check_fix(spliced, unsafe=True)


# ============================================================================ imports
#: Top-level statements around which imports are added.
MODULE_LINES = ['"""doc"""', "__strict__ = True", "# comment", "", "from __future__ import annotations",
                "from distributed import Client", "from dask.distributed import wait, Client",
                "import dask", "import dask as dk", "import copy", "from x import *",
                "from distributed import *", "from . import y", "from .x import y",
                "import dask.dataframe as dd", "from distributed import Client as C",
                "from distributed import fire_and_forget", "import os, sys", "x = 1",
                "def f():\n    return 1", "if x:\n    import copy", "a = 1; import os",
                "from distributed import (\n    Client,  # c\n)", "# trailing\n\n"]
IMPORTS = [("distributed", "fire_and_forget", None), ("dask.distributed", "fire_and_forget", None),
           ("copy", None, None), ("dask", None, None), ("distributed", "get_client", None),
           ("dask", "delayed", None), ("__future__", "annotations", None),
           ("dask", None, "dk"), ("distributed", "wait", "w"), ("distributed", None, None)]


@settings(FUZZ, max_examples=max(FUZZ.max_examples // 10, 100))
@given(st.lists(st.sampled_from(MODULE_LINES), max_size=8),
       st.lists(st.sampled_from(IMPORTS), min_size=1, max_size=3),
       st.sampled_from(["", "# header\n", "#!/usr/bin/env python\n\n"]))
@pytest.mark.slow
def test_imports_are_added_as_libcst_adds_them(lines, imports, header):
    """The engine adds imports itself (AddImportsVisitor is slow): same output."""
    import libcst as cst
    from libcst.codemod import CodemodContext
    from libcst.codemod.visitors import AddImportsVisitor

    from flake8_dask.fix.engine import _add_imports

    module = cst.parse_module(header + "\n".join(lines) + "\n")
    context = CodemodContext()
    for spec in imports:
        AddImportsVisitor.add_needed_import(context, *spec)
    expected = AddImportsVisitor(context).transform_module(module).code
    assert _add_imports(module, imports).code == expected


def test_every_fixable_rule_has_a_snippet():
    """The realistic programs exercise every rule that has a fix: each snippet, alone at
    module level, and the rules whose fixes they apply between them cover them all."""
    from flake8_dask.rules import ALL_RULES

    names = {key: f"{key}_name" for key in ("a", "b", "c", "d", "f", "v", "i", "xs", "ys")}
    names["s"] = "'data.csv'"
    fixed = set()
    for snippet in SNIPPETS:
        lines = [(depth, text.format(**names)) for depth, text in snippet]
        function = FUNCTION if any("inc" in line for _, line in lines) else []
        source = render([(0, h) for h in needed_imports(lines)] + function + lines, "    ")
        result = fix_source(source, unsafe=True)
        assert result.error is None, (source, result.error)
        fixed |= {a.code for a in result.applied}
    fixable = {r.code for r in ALL_RULES if r.fixes}
    assert fixable - fixed == set()


def test_changes_owned_in_a_program_that_repeats_itself():
    # Found by test_dask_programs in CI: difflib paired the fixed block with its unfixed
    # twin, so correct fixes read as changes outside the findings.
    block = ("if ddf:\n    pass\nelse:\n    ddf = dd.read_csv('x.csv')\n"
             "    ddf.sort_values(\n        'a',\n        inplace=True,  # in place\n    )\n"
             "    ddf = [1, 2]  # trailing\n    ddf = pd.read_parquet('lookup.parquet')\n"
             "    df = [delayed(inc)(df, ddf) for df in frame]\n")
    source = ("from dask import delayed\nimport dask.dataframe as dd\nimport pandas as pd\n\n"
              "def inc(x):\n    return x + 1\n\n" + block + block)
    result = check_fix(source, unsafe=True, realistic=True)
    assert [a.code for a in result.applied] == ["DSK408", "DSK308", "DSK408"]


def test_an_import_extended_beside_a_removed_line_is_owned():
    # Found by test_dask_programs: DSK306's fix extends the import line just above the
    # @delayed that DSK103's fix removes, and difflib reports them as one change.
    source = ("from dask import delayed\nfrom dask.distributed import Client\n@delayed\n"
              "def ddf(ddf):\n    return [delayed(abs)(ddf) for ddf in ddf]\n"
              "async def ddf():\n    ddf = Client()\n    ddf.submit(ddf, 1)\n")
    result = check_fix(source, unsafe=True, realistic=True)
    assert sorted(a.code for a in result.applied) == ["DSK103", "DSK306"]


def test_an_unowned_change_is_caught():
    """The ownership check itself can fail: a change two lines away from every finding is
    reported, whichever alignment is tried."""
    source = ("import dask.dataframe as dd\n\nddf = dd.read_csv('x.csv')\nflag = 1\n\n\n"
              "ddf.fillna(0, inplace=True)\n")
    result = fix_source(source, unsafe=False)
    assert result.applied
    result.source = result.source.replace("flag = 1", "flag = 2")
    with pytest.raises(AssertionError, match="changed outside the fixed findings"):
        assert_changes_are_owned(source, result, unsafe=False)
