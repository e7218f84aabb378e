"""Directory walks respect .gitignore and .ignore (#14, point 5), as Ruff does."""
import pytest

from fix_helpers import BLOCKING


def write(path, content=BLOCKING):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content)
    return path


def reported(out):
    return sorted({line.split(":")[0] for line in out.splitlines() if ": DSK" in line})


@pytest.fixture
def repo(tmp_path):
    """A git work tree (``.git`` is all it takes: git is never run) with ignore files."""
    (tmp_path / ".git" / "info").mkdir(parents=True)
    write(tmp_path / ".git" / "info" / "exclude", "local_*.py\n")
    write(tmp_path / ".gitignore", "generated/\n*_pb2.py\n/top_only.py\n!keep_pb2.py\n")
    for name in ("app.py", "msg_pb2.py", "keep_pb2.py", "top_only.py", "local_x.py",
                 "generated/a.py", "pkg/top_only.py", "pkg/b.py", "pkg/vendored/c.py",
                 "pkg/notes.ipynb.py", "pkg/scratch.py", "pkg/sub/scratch.py"):
        write(tmp_path / name)
    write(tmp_path / "pkg" / ".gitignore", "vendored/\nscratch.py\n")
    write(tmp_path / "pkg" / ".ignore", "!scratch.py\n")  # .ignore wins over .gitignore
    write(tmp_path / "pkg" / "sub" / ".gitignore", "!scratch.py\n")
    return tmp_path


EXPECTED = ["./app.py", "./keep_pb2.py", "./pkg/b.py", "./pkg/notes.ipynb.py",
            "./pkg/scratch.py", "./pkg/sub/scratch.py", "./pkg/top_only.py"]


def test_ignored_files_are_not_walked(repo, cli):
    code, out, _ = cli("--isolated", "--check", ".", cwd=repo)
    assert code == 1 and reported(out) == EXPECTED


def test_no_respect_gitignore_walks_everything(repo, cli):
    _, out, _ = cli("--isolated", "--check", "--no-respect-gitignore", ".", cwd=repo)
    assert len(reported(out)) == 12


def test_a_named_path_is_always_checked(repo, cli):
    _, out, _ = cli("--isolated", "--check", "msg_pb2.py", "generated/a.py", "local_x.py",
                    cwd=repo)
    assert reported(out) == ["generated/a.py", "local_x.py", "msg_pb2.py"]
    # a named directory that is ignored is checked whole (the rules above it that ignore it
    # would ignore all it holds); its own ignore files still apply
    write(repo / "generated" / "x_pb2.py")
    write(repo / "generated" / "tmp" / "t.py")
    write(repo / "generated" / ".gitignore", "tmp/\n")
    _, out, _ = cli("--isolated", "--check", "generated", cwd=repo)
    assert reported(out) == ["generated/a.py", "generated/x_pb2.py"]


def test_a_walk_from_a_subdirectory_reads_the_ignore_files_above_it(repo, cli):
    _, out, _ = cli("--isolated", "--check", ".", cwd=repo / "pkg")
    assert reported(out) == ["./b.py", "./notes.ipynb.py", "./scratch.py",
                             "./sub/scratch.py", "./top_only.py"]
    write(repo / "pkg" / "x_pb2.py")  # *_pb2.py from the root's .gitignore
    _, out, _ = cli("--isolated", "--check", "pkg", cwd=repo)
    assert "pkg/x_pb2.py" not in reported(out) and "pkg/b.py" in reported(out)


def test_outside_a_work_tree_gitignore_files_still_apply(tmp_path, cli):
    write(tmp_path / "proj" / ".gitignore", "out/\n")
    write(tmp_path / "proj" / "a.py")
    write(tmp_path / "proj" / "out" / "b.py")
    write(tmp_path / ".gitignore", "*.py\n")  # above the walk, not in a work tree: unread
    _, out, _ = cli("--isolated", "--check", "proj", cwd=tmp_path)
    assert reported(out) == ["proj/a.py"]


def test_a_worktree_git_file_points_at_the_shared_exclude(tmp_path, cli):
    main = tmp_path / "main" / ".git"
    (main / "info").mkdir(parents=True)
    write(main / "info" / "exclude", "secret.py\n")
    (main / "worktrees" / "wt").mkdir(parents=True)
    write(main / "worktrees" / "wt" / "commondir", "../..\n")
    write(tmp_path / "wt" / ".git", f"gitdir: {main / 'worktrees' / 'wt'}\n")
    write(tmp_path / "wt" / "secret.py")
    write(tmp_path / "wt" / "a.py")
    _, out, _ = cli("--isolated", "--check", ".", cwd=tmp_path / "wt")
    assert reported(out) == ["./a.py"]
