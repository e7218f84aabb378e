"""Packaging (#14, point 10): project URLs from one constant, classifiers, the changelog's
release section, the README's pre-commit snippet, and the GitHub Action, whose steps'
commands are run here."""
import os
import re
import shutil
import subprocess

import pytest

from fix_helpers import BLOCKING, ROOT
from flake8_dask import HOMEPAGE, RULES_URL, docs

tomllib = pytest.importorskip("tomllib", reason="Python 3.11+ (3.10 reads TOML with tomli)")

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
README = (ROOT / "README.md").read_text(encoding="utf-8")
yaml = pytest.importorskip("yaml", reason="PyYAML (a pre-commit dependency) is missing")


def test_project_urls_derive_from_the_homepage():
    urls = PYPROJECT["project"]["urls"]
    assert urls == {"Homepage": HOMEPAGE, "Documentation": RULES_URL,
                    "Changelog": f"{HOMEPAGE}/blob/main/CHANGELOG.md",
                    "Issues": f"{HOMEPAGE}/issues"}


def test_classifiers_name_every_supported_python():
    classifiers = PYPROJECT["project"]["classifiers"]
    assert PYPROJECT["project"]["requires-python"] == ">=3.10"
    for minor in (10, 11, 12, 13):
        assert f"Programming Language :: Python :: 3.{minor}" in classifiers
    assert PYPROJECT["project"]["scripts"] == {"flake8-dask": "flake8_dask.console:main"}


def test_readme_rule_links_are_absolute():
    table = README[README.index(docs.TABLE_START):README.index(docs.TABLE_END)]
    links = re.findall(r"\]\(([^)]+)\)", table)
    assert links and all(link.startswith(f"{RULES_URL}#dsk") for link in links)


def test_changelog_has_the_release_and_unreleased_sections():
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", text, flags=re.M)
    assert headings[:2] == ["[Unreleased]", "[0.1.0] - 2026-12-02"]
    version = PYPROJECT["project"]["version"]
    assert f"## [{version}]" in text


def _yaml_blocks(section):
    part = README.split(f"## {section}", 1)[1].split("\n## ", 1)[0]
    return [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", part, flags=re.S)]


def test_readme_pre_commit_snippets_work_from_the_repository():
    hooks = {h["id"] for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    ours, via_flake8 = _yaml_blocks("pre-commit")[:2]
    repo = ours["repos"][0]
    assert repo["repo"] == HOMEPAGE and {h["id"] for h in repo["hooks"]} <= hooks
    assert not str(repo["rev"]).startswith("v")  # no release is tagged yet: a commit
    flake8_repo = via_flake8["repos"][0] if "repos" in via_flake8 else via_flake8[0]
    (dependency,) = flake8_repo["hooks"][0]["additional_dependencies"]
    assert dependency.startswith(f"flake8-dask @ git+{HOMEPAGE}@")


@pytest.mark.runtime  # builds a virtualenv and pip-installs the project into it
def test_the_github_action_steps(tmp_path):
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    assert steps[0]["uses"].startswith("actions/setup-python@")
    # GitHub's setup-python is stood in for by a virtualenv of this interpreter (its
    # site-packages visible, and virtualenv's own recent setuptools: nothing is downloaded,
    # as in tests/test_precommit.py)
    virtualenv = pytest.importorskip("virtualenv", reason="virtualenv (a pre-commit "
                                                          "dependency) is missing")
    venv = tmp_path / "venv"
    virtualenv.cli_run(["--system-site-packages", "--quiet", str(venv)])
    python = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
    action_path = tmp_path / "action"
    _copy_tracked_files(action_path)
    project = tmp_path / "project"
    (project / "src").mkdir(parents=True)
    (project / "src" / "job.py").write_text(BLOCKING)
    (project / "src" / "clean.py").write_text("import dask\n")
    (project / "other").mkdir()
    (project / "other" / "job.py").write_text(BLOCKING)
    inputs = {name: spec.get("default", "") for name, spec in action["inputs"].items()}
    inputs["paths"] = "src"
    outputs = {"steps.python.outputs.python-path": str(python)}
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(GITHUB_ACTION_PATH=str(action_path), RUNNER_TEMP=str(tmp_path),
               PIP_NO_BUILD_ISOLATION="0", PIP_NO_INDEX="1")
    results = []
    for step in steps[1:]:
        step_env = dict(env)
        for name, value in step.get("env", {}).items():
            step_env[name] = re.sub(
                r"\$\{\{\s*([\w.-]+)\s*\}\}",
                lambda m: inputs[m.group(1)[len("inputs."):]] if m.group(1).startswith(
                    "inputs.") else outputs[m.group(1)], value)
        assert "${{" not in step["run"]  # inputs never pasted into the script
        results.append(subprocess.run([shutil.which("bash"), "-e", "-c", step["run"]],
                                      cwd=project, env=step_env, capture_output=True,
                                      text=True, timeout=600))
    install, check = results
    assert install.returncode == 0, install.stderr
    assert check.returncode == 1, check.stderr
    assert check.stdout.startswith(
        "::error title=flake8-dask (DSK101),file=src/job.py,line=6,col=12,")
    assert "other/job.py" not in check.stdout and "clean.py" not in check.stdout
    # the installed package is the one in the venv, not this checkout
    where = subprocess.run([str(python), "-c", "import flake8_dask; print(flake8_dask.__file__)"],
                           cwd=tmp_path, env=env, capture_output=True, text=True)
    assert str(ROOT) not in where.stdout


def _copy_tracked_files(dest):
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                            capture_output=True)
    if listed.returncode == 0:
        names = [n for n in listed.stdout.decode().split("\0") if n]
    else:
        names = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*")
                 if p.is_file() and "__pycache__" not in p.parts and ".git" not in p.parts]
    for name in names:
        if (ROOT / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, dest / name)
