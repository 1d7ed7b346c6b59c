"""Signing in as people do, in headless Chromium through the real OpenID Connect provider's pages:
a manager, a network head and an analyst, what each page shows them and what they can save.
Screenshots in tests/artifacts/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from contacts_lib.store import Store
from contacts_lib.web.server import APP_NOTEBOOK, LANDING_NOTEBOOK, NETWORK_NOTEBOOK, page_path
from tests.browser import PAGE_READY
from tests.oidc_provider import sign_in_browser
from tests.samples import ROOT, plain
from tests.test_app_browser import new_page
from tests.test_signin import ANALYST, HEAD, MANAGER, hosted  # noqa: F401 - the module's server

pytestmark = pytest.mark.browser
expect.set_options(timeout=30_000)
ARTIFACTS = ROOT / "tests" / "artifacts"


def signed_in_page(browser, hosted, email: str, notebook: str):  # noqa: F811
    page = new_page(browser)
    page.goto(hosted.url + page_path(notebook))  # not signed in: the sign-in page, in French
    expect(page.locator("h1")).to_contain_text("Connexion à l'outil")
    start = page.get_by_role("link", name="Se connecter")
    sign_in_browser(page, hosted.url + start.get_attribute("href"), email)  # as clicking it does
    assert page.url.endswith(page_path(notebook))
    return page


def test_a_manager_signs_in_sees_their_structure_offered_and_saves_under_their_name(browser, hosted):  # noqa: F811
    ARTIFACTS.mkdir(exist_ok=True)
    page = signed_in_page(browser, hosted, MANAGER, APP_NOTEBOOK)
    page.wait_for_selector(PAGE_READY[APP_NOTEBOOK], timeout=120_000)
    who = page.locator(".ce-signed-in-text")
    expect(who).to_contain_text(MANAGER)
    assert "gestionnaire de structure" in plain(who.inner_text()) and "CAF de l'Isère" in plain(who.inner_text())
    offered = page.locator("datalist option")
    expect(offered).to_have_count(1)
    assert offered.first.get_attribute("value") == "CAF de l'Isère"
    page.fill("input[data-field=structure]", "CAF de l'Isère")
    page.press("input[data-field=structure]", "Tab")
    expect(page.locator(".ce-versions select option")).to_have_count(1)  # saved by the CLI before
    page.get_by_role("button", name="Enregistrer cette version").click()
    expect(page.locator(".ce-save-info")).to_contain_text("« CAF de l'Isère » : version 2 du ")
    newest = page.locator(".ce-versions select option").first
    expect(newest).to_contain_text(f"par {MANAGER}")
    # another structure's name: nothing listed, the save refused and said
    page.fill("input[data-field=structure]", "CPAM du Rhône")
    page.press("input[data-field=structure]", "Tab")
    expect(page.locator(".ce-versions")).to_be_hidden()
    page.get_by_role("button", name="Enregistrer cette version").click()
    expect(page.locator(".ce-save-error")).to_contain_text("« CPAM du Rhône » n'est pas dans votre périmètre")
    page.locator(".ce-store-title, h2:has-text('Base des autodiagnostics')").first.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "connexion-gestionnaire.png"))
    with Store(hosted.base, read_only=True) as store:
        assert [v.saved_by for v in store.history("CAF de l'Isère")][-1] == MANAGER
        assert len(store.history("CPAM du Rhône")) == 1
    page.goto(hosted.url + page_path(NETWORK_NOTEBOOK))
    expect(page.locator("h1")).to_have_text("Page réservée")
    assert page.errors == []
    page.context.close()


def test_a_network_head_and_an_analyst_see_the_network_page_of_their_perimeter(browser, hosted):  # noqa: F811
    head = signed_in_page(browser, hosted, HEAD, NETWORK_NOTEBOOK)
    head.wait_for_selector(PAGE_READY[NETWORK_NOTEBOOK], timeout=120_000)
    source = plain(head.locator(".ce-source").inner_text())
    assert "votre périmètre : CAF (2 structures, " in source and "3 structures" not in source
    assert "CPAM du Rhône" not in plain(head.locator("body").inner_text())
    head.screenshot(path=str(ARTIFACTS / "connexion-tete-de-reseau.png"), full_page=False)
    head.context.close()

    analyst = signed_in_page(browser, hosted, ANALYST, NETWORK_NOTEBOOK)
    analyst.wait_for_selector(PAGE_READY[NETWORK_NOTEBOOK], timeout=120_000)
    source = plain(analyst.locator(".ce-source").inner_text())
    assert "3 structures" in source and "votre périmètre" not in source
    # the landing page says how this server lets people in, with a way out
    analyst.goto(hosted.url + page_path(LANDING_NOTEBOOK))
    expect(analyst.locator(".ce-access")).to_contain_text("Accès avec connexion")
    analyst.get_by_role("link", name="Se déconnecter").first.click()
    expect(analyst.locator("h1")).to_have_text("Se déconnecter")  # the server asks first
    analyst.get_by_role("button", name="Se déconnecter").click()
    analyst.wait_for_load_state()
    if analyst.locator("#op-sign-out").count():  # the provider asks to confirm its own sign-out
        analyst.click("#op-sign-out")
    expect(analyst.locator("body")).to_contain_text("Vous êtes déconnecté")
    analyst.goto(hosted.url + page_path(APP_NOTEBOOK))
    expect(analyst.get_by_role("link", name="Se connecter")).to_be_visible()
    analyst.screenshot(path=str(ARTIFACTS / "connexion-page.png"))
    analyst.context.close()
