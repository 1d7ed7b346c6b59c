"""Shared fixtures: the source's worked example."""

from __future__ import annotations

import pytest

from contacts_lib import Autodiagnostic, read_autodiagnostics
from contacts_lib.reference import example_path


@pytest.fixture(scope="session")
def worked_example() -> Autodiagnostic:
    return read_autodiagnostics(example_path())[0]
