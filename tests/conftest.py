"""Shared fixtures: the source's worked example; slow marker for notebooks run by nbval."""

from __future__ import annotations

import pytest

from contacts_lib import Autodiagnostic, read_autodiagnostics
from contacts_lib.reference import example_path


def pytest_collection_modifyitems(items):
    # Notebooks executed by nbval start a kernel each: they belong to the slow stage.
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def worked_example() -> Autodiagnostic:
    return read_autodiagnostics(example_path())[0]
