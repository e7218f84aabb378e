"""Finding a checked file's project and the project file an import names (#13, point 2):
packages and relative levels, absolute imports, the src/ layout, a scripts directory,
notebooks, and what is never read (outside the root, installed code, large files)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from project_helpers import make
from flake8_dask.project import clear_memo
from flake8_dask.project import layout
from flake8_dask.project.layout import locate, project_root_of, resolve


@pytest.fixture
def proj(tmp_path):
    return make(tmp_path / "proj", {
        "pyproject.toml": "",
        "pkg/__init__.py": "",
        "pkg/io.py": "",
        "pkg/sub/__init__.py": "",
        "pkg/sub/mod.py": "",
        "pkg/both/__init__.py": "",  # a package and a module of one name: the package wins
        "pkg/both.py": "",
    })


def real(path: Path) -> str:
    return os.path.realpath(path)


def test_a_module_of_a_package(proj):
    loc = locate(str(proj / "pkg/sub/mod.py"))
    assert (loc.module, loc.package_depth) == ("pkg.sub.mod", 2)
    assert loc.import_root == real(proj) and loc.project_root == real(proj)
    init = locate(str(proj / "pkg/sub/__init__.py"))
    assert (init.module, init.package_depth) == ("pkg.sub", 2)


def test_relative_imports_by_level(proj):
    loc = locate(str(proj / "pkg/sub/mod.py"))
    assert resolve(loc, "io", 2) == real(proj / "pkg/io.py")
    assert resolve(loc, None, 1) == real(proj / "pkg/sub/__init__.py")
    assert resolve(loc, None, 2) == real(proj / "pkg/__init__.py")
    assert resolve(loc, "sub.mod", 2) == real(proj / "pkg/sub/mod.py")
    assert resolve(loc, "io", 1) is None  # pkg/sub/io.py does not exist
    assert resolve(loc, "io", 3) is None  # beyond the top package: ImportError at run time
    # from the package's own __init__, level 1 is the package itself
    init = locate(str(proj / "pkg/__init__.py"))
    assert resolve(init, "io", 1) == real(proj / "pkg/io.py")


def test_absolute_imports(proj):
    loc = locate(str(proj / "pkg/io.py"))
    assert resolve(loc, "pkg.io", 0) == real(proj / "pkg/io.py")
    assert resolve(loc, "pkg.sub", 0) == real(proj / "pkg/sub/__init__.py")
    assert resolve(loc, "pkg", 0) == real(proj / "pkg/__init__.py")
    assert resolve(loc, "pkg.both", 0) == real(proj / "pkg/both/__init__.py")
    for missing in ("pkg.nothere", "nothere", "os", "dask.dataframe", "", None):
        assert resolve(loc, missing, 0) is None, missing
    assert resolve(loc, "pkg..io", 0) is None and resolve(loc, "pkg.io", -1) is None


def test_src_layout(tmp_path):
    proj = make(tmp_path / "proj", {"setup.cfg": "", "src/mypkg/__init__.py": "",
                                    "src/mypkg/io.py": "", "tests/test_io.py": ""})
    loc = locate(str(proj / "src/mypkg/io.py"))
    assert loc.module == "mypkg.io"
    assert loc.import_root == real(proj / "src") and loc.project_root == real(proj)
    test = locate(str(proj / "tests/test_io.py"))
    assert (test.module, test.import_root) == ("test_io", real(proj / "tests"))
    assert resolve(test, "mypkg.io", 0) == real(proj / "src/mypkg/io.py")


def test_a_scripts_directory_is_its_own_import_root(tmp_path):
    proj = make(tmp_path / "proj", {".git/HEAD": "", "scripts/run.py": "",
                                    "scripts/utils.py": "", "scripts/lib/__init__.py": "",
                                    "scripts/lib/load.py": ""})
    loc = locate(str(proj / "scripts/run.py"))
    assert (loc.module, loc.package_depth) == ("run", 0)
    assert loc.import_root == real(proj / "scripts") and loc.project_root == real(proj)
    assert resolve(loc, "utils", 0) == real(proj / "scripts/utils.py")
    assert resolve(loc, "lib.load", 0) == real(proj / "scripts/lib/load.py")
    assert resolve(loc, "utils", 1) is None  # a script has no package


def test_a_notebook_is_imported_by_nobody_and_imports_from_its_directory(tmp_path):
    proj = make(tmp_path / "proj", {"pyproject.toml": "", "nb/analysis.ipynb": "{}",
                                    "nb/helpers.py": ""})
    loc = locate(str(proj / "nb/analysis.ipynb"))
    assert loc.module is None and loc.import_root == real(proj / "nb")
    assert resolve(loc, "helpers", 0) == real(proj / "nb/helpers.py")
    assert resolve(loc, "helpers", 1) is None


def test_an_unsaved_file_and_an_unusable_name(tmp_path):
    proj = make(tmp_path / "proj", {"pyproject.toml": "", "utils.py": ""})
    loc = locate(str(proj / "not-yet-saved.py"))  # an editor's buffer: no file on disk
    assert loc.module is None and resolve(loc, "utils", 0) == real(proj / "utils.py")
    assert locate(str(tmp_path / "no/such/dir/x.py")) is None


def test_the_project_root_stops_below_home(tmp_path, monkeypatch):
    home = make(tmp_path / "home", {".git/HEAD": "", "work/job/run.py": ""})
    monkeypatch.setenv("HOME", str(home))
    loc = locate(str(home / "work/job/run.py"))
    assert loc.project_root == real(home / "work/job")  # not the dotfiles repository
    assert project_root_of(real(home)) == real(home)
    make(home, {"work/tox.ini": ""})
    clear_memo()  # a process remembers the layout of the disk until told it changed
    assert locate(str(home / "work/job/run.py")).project_root == real(home / "work")


def test_no_file_outside_the_project_root(tmp_path):
    make(tmp_path / "elsewhere", {"secret.py": "", "extpkg/__init__.py": "",
                                  "extpkg/mod.py": ""})
    proj = make(tmp_path / "proj", {"pyproject.toml": "", "app/run.py": "",
                                    "app/inside.py": ""})
    (proj / "app/secret.py").symlink_to(tmp_path / "elsewhere/secret.py")
    (proj / "app/extpkg").symlink_to(tmp_path / "elsewhere/extpkg")
    (proj / "app/alias.py").symlink_to(proj / "app/inside.py")  # inside: followed
    loc = locate(str(proj / "app/run.py"))
    assert resolve(loc, "alias", 0) == real(proj / "app/inside.py")
    assert resolve(loc, "secret", 0) is None
    assert resolve(loc, "extpkg.mod", 0) is None
    assert layout.walk_sources(real(proj), 100, 10**6, 1000) == [
        real(proj / "app/inside.py"), real(proj / "app/run.py")]  # the link: once


def test_installed_code_is_never_read(tmp_path, monkeypatch):
    """Each refused file would be found without the rule that refuses it: the same link
    to a plain directory of the project resolves."""
    proj = make(tmp_path / "proj", {
        "pyproject.toml": "", "run.py": "",
        "plain/helpers.py": "",
        ".venv/pyvenv.cfg": "", ".venv/lib/python3.11/site-packages/helpers.py": "",
        "env/pyvenv.cfg": "", "env/lib/helpers.py": "",
        "vendor/dist-packages/helpers.py": "",
        "prefix/lib/helpers.py": "",
    })
    monkeypatch.setattr(layout, "PYTHON_PREFIXES", (real(proj / "prefix"),))
    layout.is_installed_dir.cache_clear()
    loc = locate(str(proj / "run.py"))
    link = proj / "helpers.py"
    for target, found in (("plain/helpers.py", True),
                          (".venv/lib/python3.11/site-packages/helpers.py", False),
                          ("env/lib/helpers.py", False),
                          ("vendor/dist-packages/helpers.py", False),
                          ("prefix/lib/helpers.py", False)):
        link.unlink(missing_ok=True)
        link.symlink_to(proj / target)
        got = resolve(loc, "helpers", 0)
        assert got == (real(proj / target) if found else None), target
    # a file checked inside installed code has no project at all
    assert locate(str(proj / "vendor/dist-packages/helpers.py")) is None
    assert locate(str(proj / "env/lib/helpers.py")) is None
    layout.is_installed_dir.cache_clear()


def test_python_s_own_site_packages_is_refused():
    import flake8
    assert locate(flake8.__file__) is None


def test_large_files_and_non_files_are_skipped(tmp_path):
    proj = make(tmp_path / "proj", {"pyproject.toml": "", "run.py": "",
                                    "fifo_dir/__init__.py": ""})
    (proj / "big.py").write_bytes(b"#" * (layout.MAX_SOURCE_BYTES + 1))
    os.mkfifo(proj / "pipe.py")
    loc = locate(str(proj / "run.py"))
    assert resolve(loc, "big", 0) is None
    assert resolve(loc, "pipe", 0) is None  # a read would block
    (proj / "big.py").write_bytes(b"#" * layout.MAX_SOURCE_BYTES)
    assert resolve(loc, "big", 0) == real(proj / "big.py")


def test_the_walk_skips_hidden_dirs_venvs_and_build_output_and_is_bounded(tmp_path):
    proj = make(tmp_path / "proj", {
        "pyproject.toml": "", "a.py": "", "pkg/__init__.py": "", "pkg/b.py": "",
        ".hidden/c.py": "", "build/d.py": "", "dist/e.py": "", "node_modules/f.py": "",
        "pkg/__pycache__/g.py": "", "myenv/pyvenv.cfg": "", "myenv/h.py": "",
        "notes.txt": ""})
    root = real(proj)
    assert layout.walk_sources(root, 100, 10**6, 1000) == [
        os.path.join(root, "a.py"), os.path.join(root, "pkg", "__init__.py"),
        os.path.join(root, "pkg", "b.py")]
    assert layout.walk_sources(root, 2, 10**6, 1000) is None  # too many files: unknown
    make(proj, {"pkg/big.py": "x" * 5000})
    assert layout.walk_sources(root, 100, 4000, 1000) is None  # too many bytes
    assert layout.walk_sources(root, 100, 10**6, 5) is None  # too many entries
