"""Packaging kept in step: pyproject.toml, environment.yml, the Binder configuration, voila.json."""

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from tests.samples import ROOT

# PyPI name → conda-forge name, where they differ.
#: PyPI name → conda-forge name, where they differ.
CONDA_NAMES: dict[str, str] = {"duckdb": "python-duckdb"}


def _requirement(text: str) -> tuple[str, str]:
    match = re.fullmatch(r"([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?\s*(.*)", text.strip())  # pip's extras: not conda's
    assert match, text
    return match.group(1).lower().replace("_", "-"), match.group(2).replace(" ", "")


def _pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    pyproject = dict(_requirement(r) for r in _pyproject()["project"]["dependencies"])
    environment = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert environment["channels"] == ["conda-forge"]
    conda = [d for d in environment["dependencies"] if isinstance(d, str)]
    pins = dict(_requirement(d.replace("=", "==", 1) if re.fullmatch(r"python=[\d.]+", d) else d) for d in conda)
    assert pins.pop("python") == "==3.11", "Python is pinned to the version the project is tested on"
    pins.pop("pip")
    assert pins == {CONDA_NAMES.get(name, name): spec for name, spec in pyproject.items()}
    assert "anywidget" in pins, "plotly's FigureWidget needs anywidget, which plotly does not install"
    assert _pyproject()["project"]["requires-python"] == ">=3.11"


def test_binder_uses_the_same_environment_and_installs_the_package():
    assert (ROOT / "binder" / "environment.yml").read_text() == (ROOT / "environment.yml").read_text()
    post_build = ROOT / "binder" / "postBuild"
    assert os.access(post_build, os.X_OK)
    lines = [line.strip() for line in post_build.read_text().splitlines() if line.strip() and not line.startswith("#")]
    assert lines[0].startswith("set -e")
    assert "python -m pip install --no-deps -e ." in lines


def test_binder_jupyter_server_gets_the_culling_and_language_of_voila_json(tmp_path):
    """On Binder, Voilà runs inside a Jupyter server: postBuild gives it voila.json's settings."""
    script = (ROOT / "binder" / "postBuild").read_text().replace("python -m pip install --no-deps -e .", "")
    environment = {**os.environ, "HOME": str(tmp_path), "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    subprocess.run(["bash", "-c", script], cwd=ROOT, env=environment, check=True, timeout=60)
    written = json.loads((tmp_path / ".jupyter" / "jupyter_server_config.json").read_text())
    settings = json.loads((ROOT / "voila.json").read_text())
    assert written == {"MappingKernelManager": settings["MappingKernelManager"], "VoilaExporter": {"language_code": "fr"}}
    assert written["MappingKernelManager"]["cull_idle_timeout"] > 0 and written["MappingKernelManager"]["cull_connected"] is False
    from traitlets.config import PyFileConfigLoader

    from contacts_lib.web.server import local_assets_only

    hook = PyFileConfigLoader("jupyter_server_config.py", path=str(tmp_path / ".jupyter")).load_config()
    assert hook.VoilaConfiguration.page_config_hook is local_assets_only


def test_voila_settings_strip_sources_and_hide_tracebacks():
    settings = json.loads((ROOT / "voila.json").read_text())["VoilaConfiguration"]
    assert settings["strip_sources"] is True and settings["show_tracebacks"] is False
    assert any(re.fullmatch(pattern, "autodiagnostic.ipynb") for pattern in settings["file_denylist"])


@pytest.mark.slow
def test_repo2docker_builds_from_binder_folder(tmp_path):
    """repo2docker's Dockerfile (no build) installs binder/environment.yml then runs postBuild."""
    repo2docker = Path(sys.executable).with_name("repo2docker")
    checkout = tmp_path / "repo"
    shutil.copytree(ROOT, checkout, ignore=shutil.ignore_patterns(".venv", ".git", "__pycache__", ".pytest_cache"))
    result = subprocess.run(
        [str(repo2docker), "--no-build", "--debug", str(checkout)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    dockerfile = result.stdout + result.stderr
    assert "Building conda environment for python=3.11" in dockerfile  # pinned in environment.yml
    assert 'env update -p ${NB_PYTHON_PREFIX} --file "binder/environment.yml"' in dockerfile
    assert "RUN ./binder/postBuild" in dockerfile
    assert "pyproject.toml" not in dockerfile and "requirements.txt" not in dockerfile


def test_voila_finds_the_app_template():
    """voila.json names the "contacts" template; the package installs it where Voilà looks."""
    from voila.paths import collect_template_paths

    template = json.loads((ROOT / "voila.json").read_text())["VoilaConfiguration"]["template"]
    paths = collect_template_paths(["voila", "nbconvert"], template)
    installed = [Path(p) for p in paths if Path(p).name == template and (Path(p) / "index.html.j2").is_file()]
    assert installed, paths
    source = ROOT / "share" / "jupyter" / "voila" / "templates" / template / "index.html.j2"
    assert installed[0].joinpath("index.html.j2").read_text() == source.read_text(), "reinstall: make install"
