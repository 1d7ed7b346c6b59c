"""The package is laid out by feature, and the shared plumbing uses no feature.

A reader who wants « the costs » opens ``contacts_lib/costs/`` and finds its computations and its
page; the web plumbing every page shares (``contacts_lib/web/``) depends on no feature, so that a
feature can be read, moved or left out without the others.
"""

import ast
import json

import pytest

import contacts_lib
from tests.samples import ROOT

PACKAGE = ROOT / "contacts_lib"
FEATURES = ("autodiagnostic", "formats", "network", "logs", "costs", "workshop")
#: Modules at the package's root: what every feature shares, the store and the command.
ROOT_MODULES = {"__init__.py", "messages.py", "frames.py", "style.py", "store.py", "access.py", "cli.py"}


def _imported_modules(path):
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
        elif isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
    return {module for module in modules if module.startswith("contacts_lib")}


def test_the_package_root_holds_only_what_every_feature_shares():
    assert {path.name for path in PACKAGE.glob("*.py")} == ROOT_MODULES
    folders = {path.name for path in PACKAGE.iterdir() if path.is_dir() and path.name != "__pycache__"}
    assert folders == {*FEATURES, "web"}


@pytest.mark.parametrize("module", sorted(p.name for p in (PACKAGE / "web").glob("*.py") if p.name != "landing.py"))
def test_the_web_plumbing_uses_no_feature(module):
    """The landing page is the one page of ``web/``: it presents the features (their scoring rules
    and the worked example), so it may use them; the rest of the plumbing may not."""
    imported = _imported_modules(PACKAGE / "web" / module)
    features = {m for m in imported if m.split(".")[1] in FEATURES}
    assert features == set(), f"web/{module} imports {sorted(features)}"


@pytest.mark.parametrize("notebook", sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb")))
def test_every_page_shows_a_features_page(notebook):
    cells = json.loads((ROOT / "notebooks" / notebook).read_text(encoding="utf-8"))["cells"]
    code = ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"]
    imported = set().union(*(_imported_modules_of_source(source) for source in code))
    assert len(imported) == 1, imported
    (module,) = imported
    assert module == "contacts_lib.web.landing" or (module.split(".")[1] in FEATURES and module.endswith(".page")), module


def _imported_modules_of_source(source):
    """Modules a notebook's cell imports (``from contacts_lib.logs import page`` imports the page)."""
    modules = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [alias.name for alias in node.names]
            modules.add(f"{node.module}.page" if names == ["page"] else node.module)
    return modules


def test_the_public_names_are_importable_from_the_package():
    assert sorted(contacts_lib.__all__) == sorted(set(contacts_lib.__all__))
    for name in contacts_lib.__all__:
        assert getattr(contacts_lib, name) is not None, name


@pytest.mark.parametrize("notebook", sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb")))
def test_every_pages_words_keep_french_spacing(notebook):
    """« 100 % Contacts efficaces » never breaks as « 100 / % Contacts… » or leaves a lone « » »:
    the pages' own words have the non-breaking spaces the app's texts have (web.html.french_text)."""
    from contacts_lib.web.html import french_text

    cells = json.loads((ROOT / "notebooks" / notebook).read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        if cell["cell_type"] == "markdown":
            source = "".join(cell["source"])
            assert french_text(source) == source


def test_the_apps_kernel_loads_neither_pandas_nor_numpy():
    """Every visitor of the app gets a kernel of its own: importing the app's page must not load
    the network's analyses (pandas, numpy: some 40 MB and a slower start per kernel). They load
    when the app compares with a network, or writes a workbook."""
    import subprocess
    import sys

    code = ("import sys, contacts_lib.autodiagnostic.page; "
            "print(sorted(m for m in ('pandas', 'numpy', 'openpyxl', 'duckdb') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert loaded.strip() == "[]"
