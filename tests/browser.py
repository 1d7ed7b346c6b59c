"""Headless Chromium (Debian's package) driven by Playwright, for the browser tests."""

from __future__ import annotations

import shutil

import pytest

from contacts_lib.web.server import (
    APP_NOTEBOOK,
    COSTS_NOTEBOOK,
    LANDING_NOTEBOOK,
    NETWORK_NOTEBOOK,
    REITERATION_NOTEBOOK,
    WORKSHOP_NOTEBOOK,
)

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.fail("Chromium manque pour les tests navigateur : sudo apt-get install -y chromium (make system-deps)")
    return path


def launch(playwright):
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)


#: What shows that each page is there and usable: the landing page's way in; the app connected
#: to its kernel; the other pages' widgets drawn (they are drawn once connected).
PAGE_READY = {
    LANDING_NOTEBOOK: "a.ce-primary",
    APP_NOTEBOOK: ".ce-app[data-live]",
    NETWORK_NOTEBOOK: ".ce-figures",
    REITERATION_NOTEBOOK: ".ce-breakdown",
    COSTS_NOTEBOOK: ".widget-dropdown select",
    WORKSHOP_NOTEBOOK: ".ce-file-button",
}
