"""« Enregistrer » as a manager uses it, in headless Chromium: save, reload, the saved version is
there; change answers, the progress since it is on the radar; the network page reads the same
store. Screenshots in tests/artifacts/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from contacts_lib import score
from contacts_lib.network import sample_network
from contacts_lib.store import BASE_VARIABLE, Store
from contacts_lib.web.server import page_path
from tests.app_server import running_app
from tests.samples import ROOT, plain
from tests.test_app_browser import new_page, open_app, wait_for_scores

pytestmark = pytest.mark.browser
expect.set_options(timeout=30_000)

ARTIFACTS = ROOT / "tests" / "artifacts"
NAME = "Maison France services de Tulle"


def _answer(page, question: int, value: str) -> None:
    page.locator(".ce-question").nth(question - 1).get_by_text(value.capitalize(), exact=True).click()


def test_save_reload_shows_the_version_and_the_progress_since_it(browser, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    base = tmp_path / "base.sqlite"
    with Store(base) as store:  # others have saved already: the network page shows them with ours
        store.save(sample_network(40, seed=11), "campagne")
    with running_app(tmp_path / "voila.log", environment={BASE_VARIABLE: str(base)}) as server:
        page = new_page(browser)
        open_app(page, server)
        page.fill("input[data-field=structure]", NAME)
        page.press("input[data-field=structure]", "Tab")
        for question in range(1, 11):  # Orientation: 6 of 10
            _answer(page, question, "OUI" if question <= 6 else "NON")
        wait_for_scores(page, ["60 %", "0 %", "0 %", "0 %", "15 %"])
        page.get_by_role("button", name="Enregistrer cette version").click()
        info = page.locator(".ce-save-info")
        expect(info).to_contain_text(f"« {NAME} » : version 1 du ")
        expect(page.locator(".ce-versions select option")).to_have_count(1)

        page.reload()  # saved in the store: leaving asks nothing
        assert "beforeunload" not in page.dialogs
        page.wait_for_selector(".ce-app[data-live]", timeout=120_000)
        options = page.locator(".ce-versions select option")
        expect(options).to_have_count(1)
        assert plain(options.first.inner_text()).startswith("Version 1 · ") and plain(options.first.inner_text()).endswith(" · moyenne 15 %")
        wait_for_scores(page, ["60 %", "0 %", "0 %", "0 %", "15 %"])
        assert page.inner_text('[data-result="since"]') == ""  # the form is version 1

        _answer(page, 7, "OUI")
        _answer(page, 8, "OUI")
        wait_for_scores(page, ["80 %", "0 %", "0 %", "0 %", "20 %"])
        since = page.locator('[data-result="since"]')
        expect(since).to_contain_text("Depuis la version 1 du ")
        assert "Orientation : +20 points (60 % → 80 %)" in plain(since.inner_text())
        page.wait_for_selector(".ce-radar .scatterlayer .trace:nth-child(2)", state="attached")  # version 1, dotted
        page.locator(".ce-radar").scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "app-enregistrer.png"))

        page.get_by_role("button", name="Enregistrer cette version").click()
        expect(info).to_contain_text("version 2 du ")
        expect(options).to_have_count(2)
        page.locator(".ce-versions").scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "app-versions.png"))
        # Back to version 1 in one click (the form holds version 2, saved): nothing is lost.
        page.locator(".ce-versions select").select_option(index=1)
        page.get_by_role("button", name="Charger cette version").click()
        wait_for_scores(page, ["60 %", "0 %", "0 %", "0 %", "15 %"])
        expect(info).to_contain_text("Formulaire rempli avec la version 1 du ")
        assert page.errors == []
        page.context.close()

        with Store(base) as store:
            history = store.history(NAME)
        assert [plain(f"{round(score(v.autodiagnostic).percent('orientation'))} %") for v in history] == ["60 %", "80 %"]
        assert [v.source for v in history] == ["application", "application"]

        network = new_page(browser)
        network.goto(server.url + page_path("reseau.ipynb"), timeout=180_000)
        expect(network.locator(".ce-source")).to_contain_text("base de l'application (41 structures", timeout=180_000)
        expect(network.locator(".ce-figures")).to_contain_text("41 structures")
        network.context.close()
