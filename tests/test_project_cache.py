"""The on-disk cache of module summaries (#13, point 2): concurrent writers, truncated and
corrupt entries, stale entries, a read-only project, a forged cache committed in the linted
repository, the cache directory tag, and the switches that turn it off.

``summarize`` is replaced by a counting double (``flake8_dask.project.view.summarize``), so
these tests see exactly when a summary is computed rather than read, whatever the model's
real summaries hold."""

from __future__ import annotations

import json
import multiprocessing
import os
from pathlib import Path

import pytest

from project_helpers import make
from flake8_dask.model.summary import summarize as real_summarize
from flake8_dask.options import Options
from flake8_dask.project import cache as C
from flake8_dask.project import clear_memo, view
from flake8_dask.project.cache import SummaryCache, valid_summary

SUMMARY = {"returns": {"load": "dataframe", "Loader.read": "array"},
           "tasks": [{"module": "tasks", "level": 1, "name": "process",
                      "api": "client.submit", "line": 3, "lazy": False, "per_chunk": False,
                      "site": "client.submit at line 3"}]}


@pytest.fixture(autouse=True)
def fresh(monkeypatch, tmp_path):
    clear_memo()
    for var in ("FLAKE8_DASK_NO_CACHE", "FLAKE8_DASK_CACHE_DIR"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))  # the user's secret
    C._secrets.clear()
    yield
    clear_memo()
    C._secrets.clear()


class Counting:
    """A summarize double: the crafted summary, and how many times it was computed."""

    def __init__(self, summary=SUMMARY):
        self.summary, self.calls = summary, []

    def __call__(self, source, options=None):
        self.calls.append(source)
        return json.loads(json.dumps(self.summary))


@pytest.fixture
def fake(monkeypatch):
    double = Counting()
    monkeypatch.setattr(view, "summarize", double)
    return double


@pytest.fixture
def proj(tmp_path):
    return make(tmp_path / "proj", {
        "pyproject.toml": "", "pkg/__init__.py": "",
        "pkg/io.py": "import dask.dataframe as dd\n\n\ndef load():\n"
                     "    return dd.read_parquet('x')\n"})


def summary_of(proj: Path, options=None):
    path = os.path.realpath(proj / "pkg/io.py")
    return view.module_summary(path, os.path.realpath(proj), options or Options())


def entries(proj: Path) -> list[Path]:
    return sorted((proj / ".flake8_dask_cache/summaries").glob("*"))


def keys_of(proj: Path, options=None) -> tuple[str, str, str]:
    data = (proj / "pkg/io.py").read_bytes()
    return (C.digest(data), C.tool_fingerprint(),
            C.options_fingerprint(options or Options()))


def test_an_entry_is_written_once_and_read_by_the_next_process(proj, fake):
    assert summary_of(proj) == SUMMARY and len(fake.calls) == 1
    assert summary_of(proj) == SUMMARY and len(fake.calls) == 1  # this process's memo
    clear_memo()  # another process: the disk
    assert summary_of(proj) == SUMMARY and len(fake.calls) == 1
    [entry] = entries(proj)
    stored = json.loads(entry.read_text())
    source, tool, options = keys_of(proj)
    assert entry.name == SummaryCache.key(source, tool, options) + ".json"
    mac = stored.pop("mac")
    assert stored == {"format": C.SUMMARY_FORMAT, "source": source, "tool": tool,
                      "options": options, "summary": SUMMARY}
    assert len(mac) == 64 and os.stat(C.secret_path()).st_mode & 0o777 == 0o600


def test_the_directory_is_tagged_and_ignored_by_git(proj, fake):
    summary_of(proj)
    cache = proj / ".flake8_dask_cache"
    tag = (cache / "CACHEDIR.TAG").read_text()
    assert tag.startswith("Signature: 8a477f597d28d172789f06886806bc55\n")
    assert (cache / ".gitignore").read_text() == "*\n"
    assert not [p for p in cache.rglob(".tmp-*")]  # no temporary file left


@pytest.mark.parametrize("damage", [
    lambda b: b[: len(b) // 2],  # truncated (a process killed mid-write, before rename)
    lambda b: b"",
    lambda b: b"\x00\xff garbage",
    lambda b: b"[" * 100_000 + b"]" * 100_000,  # nested past the parser's recursion limit
    lambda b: b"null",
    lambda b: json.dumps([1, 2]).encode(),
    lambda b: b.replace(b'"dataframe"', b'"not-a-kind"'),
    lambda b: b.replace(b'"level":1', b'"level":true'),
    lambda b: b.replace(b'"level":1', b'"level":1e999'),
    lambda b: b.replace(b'"process"', b'"os.system(\'rm -rf /\')"'),
    lambda b: b" " * (C.MAX_ENTRY_BYTES + 1),
], ids=["truncated", "empty", "binary", "deep", "null", "list", "kind", "bool-level",
        "inf-level", "name", "oversized"])
def test_a_damaged_entry_is_ignored_and_recomputed(proj, fake, damage):
    summary_of(proj)
    [entry] = entries(proj)
    entry.write_bytes(damage(entry.read_bytes()))
    clear_memo()
    assert summary_of(proj) == SUMMARY and len(fake.calls) == 2
    assert json.loads(entry.read_text())["summary"] == SUMMARY  # rewritten whole


def test_a_stale_entry_is_never_used(proj, fake):
    summary_of(proj)
    (proj / "pkg/io.py").write_text("import dask\n\n\ndef load():\n    return 1\n")
    fake.summary = {"returns": {}, "tasks": []}
    clear_memo()
    assert summary_of(proj) == {"returns": {}, "tasks": []} and len(fake.calls) == 2
    assert len(entries(proj)) == 2


def test_the_source_s_other_keys_change_the_entry(proj, fake):
    summary_of(proj)
    clear_memo()
    summary_of(proj, Options(tiny_task_count=7))
    assert len(fake.calls) == 2 and len(entries(proj)) == 2
    # what does not change a summary does not change the key
    same = Options(notebook=True, cell_marker="# In", no_cache=False)
    assert C.options_fingerprint(same) == C.options_fingerprint(Options())


def test_forged_entries_committed_in_the_repository_are_ignored(proj, fake):
    """The linted repository ships ``.flake8_dask_cache/`` with entries under the right
    file names: other keys, a lying summary with an invalid shape, code-like payloads.
    None is used; each is only data."""
    source, tool, options = keys_of(proj)
    lie = {"returns": {"load": "client"}, "tasks": []}
    forged = [
        {"format": C.SUMMARY_FORMAT, "source": "0" * 64, "tool": tool, "options": options,
         "summary": lie},  # another source's hash
        {"format": C.SUMMARY_FORMAT, "source": source, "tool": "0.0.1", "options": options,
         "summary": lie},  # another version
        {"format": C.SUMMARY_FORMAT + 1, "source": source, "tool": tool,
         "options": options, "summary": lie},
        {"format": C.SUMMARY_FORMAT, "source": source, "tool": tool, "options": "x",
         "summary": lie},
        {"source": source, "tool": tool, "options": options, "format": C.SUMMARY_FORMAT,
         "summary": {**lie, "py/object": "os.system", "__reduce__": ["os.system", ["id"]]}},
        {"format": C.SUMMARY_FORMAT, "source": source, "tool": tool, "options": options,
         "summary": {"returns": {"load": {"py/reduce": [{"py/function": "os.system"}]}},
                     "tasks": []}},
        {"format": C.SUMMARY_FORMAT, "source": source, "tool": tool, "options": options,
         "summary": {"returns": {}, "tasks": [{"module": "x", "level": 1, "name": "f",
                                               "site": "s", "extra": "__import__('os')"}]}},
        # the perfect forgery: every key right, a valid lying summary, a code made with
        # another secret (or none): not this user's entry
        {"format": C.SUMMARY_FORMAT, "source": source, "tool": tool, "options": options,
         "summary": lie, "mac": "0" * 64},
        {"format": C.SUMMARY_FORMAT, "source": source, "tool": tool, "options": options,
         "summary": lie},
    ]
    entry = proj / ".flake8_dask_cache/summaries" / (SummaryCache.key(
        source, tool, options) + ".json")
    entry.parent.mkdir(parents=True)
    for payload in forged:
        entry.write_text(json.dumps(payload))
        clear_memo()
        calls = len(fake.calls)
        assert summary_of(proj) == SUMMARY, payload
        assert len(fake.calls) == calls + 1, payload


def test_links_and_pipes_planted_in_the_cache_are_not_followed(proj, fake, tmp_path):
    source, tool, options = keys_of(proj)
    name = SummaryCache.key(source, tool, options) + ".json"
    entries_dir = proj / ".flake8_dask_cache/summaries"
    entries_dir.mkdir(parents=True)
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text(json.dumps({"format": C.SUMMARY_FORMAT, "source": source,
                                     "tool": tool, "options": options, "summary": SUMMARY}))
    (entries_dir / name).symlink_to(elsewhere)
    assert SummaryCache(str(proj / ".flake8_dask_cache")).read(source, tool, options) is None
    (entries_dir / name).unlink()
    os.mkfifo(entries_dir / name)  # a read would block the host forever
    assert SummaryCache(str(proj / ".flake8_dask_cache")).read(source, tool, options) is None


def test_a_cache_directory_linked_out_of_the_project_is_neither_read_nor_written(
        proj, fake, tmp_path):
    outside = tmp_path / "victim"
    outside.mkdir()
    (proj / ".flake8_dask_cache").symlink_to(outside)
    assert summary_of(proj) == SUMMARY
    assert list(outside.iterdir()) == []


def test_a_read_only_project_falls_back_to_no_cache(proj, fake, caplog):
    if os.geteuid() == 0:
        pytest.skip("root writes through chmod 0o555: see the next test")
    os.chmod(proj, 0o555)
    try:
        with caplog.at_level("DEBUG", logger="flake8_dask"):
            assert summary_of(proj) == SUMMARY
            clear_memo()
            assert summary_of(proj) == SUMMARY
        assert not (proj / ".flake8_dask_cache").exists() and len(fake.calls) == 2
    finally:
        os.chmod(proj, 0o755)


@pytest.mark.parametrize("where", ["file-in-the-way", "under-a-file"])
def test_an_unwritable_cache_location_falls_back_to_no_cache(proj, fake, caplog,
                                                             monkeypatch, where):
    """What a read-only directory does to a writer, shown even as root: the cache's place
    cannot be made a directory. One debug line, no exception, the summary computed."""
    if where == "file-in-the-way":
        (proj / ".flake8_dask_cache").write_text("not a directory")
    else:
        monkeypatch.setenv("FLAKE8_DASK_CACHE_DIR", str(proj / "pyproject.toml" / "cache"))
    with caplog.at_level("DEBUG", logger="flake8_dask"):
        assert summary_of(proj) == SUMMARY
        (proj / "pkg/io.py").write_text("import dask\n# changed\n")
        assert summary_of(proj) == SUMMARY
    assert len(fake.calls) == 2
    assert len([r for r in caplog.records if "not caching" in r.getMessage()]) == 1


@pytest.mark.parametrize("switch", ["option", "env"])
def test_no_cache_reads_and_writes_nothing(proj, fake, monkeypatch, switch):
    summary_of(proj)  # a valid entry exists
    before = {p: p.read_bytes() for p in entries(proj)}
    fake.summary = {"returns": {}, "tasks": []}
    options = Options(no_cache=True) if switch == "option" else Options()
    if switch == "env":
        monkeypatch.setenv("FLAKE8_DASK_NO_CACHE", "1")
    (proj / "pkg/io.py").write_text("import dask\n")  # a new source: a new entry, unless...
    clear_memo()
    assert summary_of(proj, options) == {"returns": {}, "tasks": []}
    assert {p: p.read_bytes() for p in entries(proj)} == before


def test_no_cache_leaves_a_fresh_project_without_a_cache_directory(proj, fake, monkeypatch):
    monkeypatch.setenv("FLAKE8_DASK_NO_CACHE", "true")
    summary_of(proj)
    assert not (proj / ".flake8_dask_cache").exists()


def test_the_cache_dir_variable_moves_it(proj, fake, monkeypatch, tmp_path):
    monkeypatch.setenv("FLAKE8_DASK_CACHE_DIR", str(tmp_path / "shared"))
    summary_of(proj)
    assert not (proj / ".flake8_dask_cache").exists()
    assert len(list((tmp_path / "shared/summaries").glob("*.json"))) == 1
    assert (tmp_path / "shared/CACHEDIR.TAG").exists()


#: What the model's summaries are made of: returns of functions and methods, tasks imported
#: relatively and absolutely (the cache stores only what passes the schema).
REALISTIC = """\
import dask.dataframe as dd
from dask.distributed import Client
from .tasks import process
import pkg.jobs as jobs


def load(path):
    return dd.read_parquet(path)


class Loader:
    def read(self, path):
        return dd.read_csv(path)


def main(client: Client):
    futures = client.map(process, range(3))
    client.submit(jobs.clean, load("x"))
    return client.gather(futures)
"""


def test_the_model_s_summaries_pass_the_schema():
    """A tripwire for the summary's contract: when ``summarize`` grows a key or a shape the
    schema does not know, every entry would be refused (and recomputed) without a word."""
    for source in ("", "import dask.dataframe as dd\n", "def f(:\n", REALISTIC):
        assert valid_summary(real_summarize(source, Options())), source
    assert valid_summary(SUMMARY)
    assert not valid_summary({"returns": {"f": "dataframe"}})
    assert not valid_summary({"returns": {"1f": "dataframe"}, "tasks": []})


# ---------------------------------------------------------------- concurrent writers
def _hammer(directory: str, worker: int, rounds: int, queue) -> None:
    """Write the same entries as every other worker, and one of its own, while reading."""
    cache = SummaryCache(directory)
    bad = 0
    for i in range(rounds):
        for key in ("shared-a", "shared-b", f"own-{worker}"):
            summary = {"returns": {f"f{j}": "dataframe" for j in range(50)},
                       "tasks": [{"module": key.replace("-", "_"), "level": 0, "name": "f",
                                  "api": "client.map", "line": 1, "lazy": False,
                                  "per_chunk": False, "site": "x" * 200}]}
            cache.write(key, "tool", "opts", summary)
            got = cache.read(key, "tool", "opts")
            if got != summary:  # never a partial or another key's entry
                bad += 1
    queue.put(bad)


@pytest.mark.runtime
def test_concurrent_writers_never_leave_a_partial_entry(tmp_path):
    directory = str(tmp_path / "cache")
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    workers = [ctx.Process(target=_hammer, args=(directory, w, 60, queue)) for w in range(6)]
    for p in workers:
        p.start()
    results = [queue.get(timeout=120) for _ in workers]
    for p in workers:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert results == [0] * len(workers)
    names = sorted(p.name for p in (tmp_path / "cache/summaries").iterdir())
    assert len(names) == 2 + len(workers) and not [n for n in names if n.startswith(".tmp")]
    cache = SummaryCache(directory)
    assert all(cache.read(k, "tool", "opts") for k in ("shared-a", "shared-b", "own-3"))


def test_without_a_secret_of_its_own_nothing_is_cached(proj, fake, tmp_path, monkeypatch):
    """A home where the secret cannot be made (here: a file where its directory goes):
    every summary is computed, none written, none read."""
    blocked = tmp_path / "blocked"
    blocked.write_text("not a directory")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    C._secrets.clear()
    assert summary_of(proj) == SUMMARY and len(fake.calls) == 1
    clear_memo()
    assert summary_of(proj) == SUMMARY and len(fake.calls) == 2
    assert entries(proj) == []
