"""Shared fixtures: the source's worked example, and headless Chromium for the browser tests."""

from __future__ import annotations

import pytest

from contacts_lib import Autodiagnostic, read_autodiagnostics
from contacts_lib.autodiagnostic.reference import example_path


@pytest.fixture(scope="session")
def worked_example() -> Autodiagnostic:
    return read_autodiagnostics(example_path())[0]


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, driven by Playwright (one per test module)."""
    from playwright.sync_api import sync_playwright

    from tests.browser import launch

    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()
