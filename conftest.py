"""Root conftest: notebooks executed by nbval start a kernel each, so they run in the slow stage."""

import pytest


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.slow)
