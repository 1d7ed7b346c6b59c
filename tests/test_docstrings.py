"""Every public name of the analysts' API has a short example in its docstring, and every example
runs, from the repository's folder, with the output it shows (``doctest``)."""

from __future__ import annotations

import doctest
import importlib
import inspect

import pandas as pd
import pytest

from tests.samples import ROOT

#: The public modules of the analysts' API (their ``__all__`` is the API, README « Pour les analystes »).
PUBLIC_MODULES = ("contacts_lib", "contacts_lib.network", "contacts_lib.logs", "contacts_lib.costs", "contacts_lib.workshop")
#: Modules whose own docstring carries examples too.
MODULES_WITH_EXAMPLES = ("contacts_lib.frames",)
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _public_names():
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            yield module_name, name, getattr(module, name)


def _documented():
    """Each public function or class once (a name exported twice is one object)."""
    seen = {}
    for module_name, name, value in _public_names():
        if inspect.isclass(value) or callable(value):
            seen.setdefault(id(value), (f"{module_name}.{name}", value))
    return list(seen.values())


@pytest.fixture
def in_the_repository(monkeypatch):
    """Examples run as an analyst runs them: from the repository's folder, a key for the logs'
    pseudonyms (never shown), pandas' display wide enough for a table on one line."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("CONTACTS_EFFICACES_CLE", "clé des exemples")
    with pd.option_context("display.width", 120, "display.max_columns", 20):
        yield


@pytest.mark.parametrize(("name", "value"), _documented(), ids=[name for name, _ in _documented()])
def test_every_public_name_has_an_example(name, value):
    assert ">>> " in (inspect.getdoc(value) or ""), f"{name}: add a short >>> example to its docstring"


def _tests(value, name):
    if inspect.ismodule(value):
        return [t for t in doctest.DocTestFinder(recurse=False).find(value, name, globs={}) if t.examples]
    # The object, its methods and properties (a class's), each with fresh globals: examples import what they use.
    return [t for t in doctest.DocTestFinder().find(value, name, module=False, globs={}) if t.examples]


_ALL = [(name, value) for name, value in _documented()] + [(m, importlib.import_module(m)) for m in MODULES_WITH_EXAMPLES]


@pytest.mark.parametrize(("name", "value"), _ALL, ids=[name for name, _ in _ALL])
def test_the_examples_run_and_show_what_they_say(name, value, in_the_repository):
    tests = _tests(value, name)
    assert tests, name
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    report = []
    for test in tests:
        runner.run(test, out=report.append)
    failed, attempted = runner.summarize(verbose=False)
    assert failed == 0, "".join(report)
    assert attempted > 0
