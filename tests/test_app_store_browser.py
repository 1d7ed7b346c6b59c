"""« Enregistrer » as a manager uses it, in headless Chromium: save, reload, the saved version is
there; change answers, the progress since it is on the radar; the network page reads the same
store. Screenshots in tests/artifacts/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from contacts_lib import score
from contacts_lib.autodiagnostic.contract import STORAGE_PREFIX
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


def test_a_plan_d_actions_is_kept_saved_and_followed_up_at_the_next_campaign(browser, tmp_path):
    """Two actions added from the axes d'amélioration, typed, kept over a reload, saved; the next
    campaign starts from that plan, one planned practice is now OUI: the page says it was
    achieved and names the late action."""
    from contacts_lib.autodiagnostic.reference import load_catalogue

    ARTIFACTS.mkdir(exist_ok=True)
    catalogue = load_catalogue()
    base = tmp_path / "base.sqlite"
    name = "CAF fictive de Corrèze"
    with running_app(tmp_path / "voila.log", environment={BASE_VARIABLE: str(base)}) as server:
        page = new_page(browser)
        open_app(page, server)
        page.fill("input[data-field=structure]", name)
        page.press("input[data-field=structure]", "Tab")
        for question in range(1, 37):
            _answer(page, question, "NON")
        wait_for_scores(page, ["0 %", "0 %", "0 %", "0 %", "0 %"])

        # Practice 1 (question 1) has the recueil's three steps; practice 5 (question 5) has none.
        page.locator('[data-plan-add="1"]').click()
        first = page.locator('.ce-action[data-action="1"]')
        expect(first.locator("legend")).to_have_text(f"Question 1 · bonne pratique n° 1 : {catalogue.question_of_practice(1).practice.title}")
        assert first.locator('[data-action-key="etapes"]').input_value().split("\n") == [
            "Recenser les supports de communication existants et les prioriser",
            "Sélectionner les supports sur lesquels communiquer en fonction des étapes du parcours usager",
            "Formaliser puis déployer la communication",
        ]
        first.get_by_label("Qui").fill("Responsable de l'accueil")
        first.get_by_label("Quand (jj/mm/aaaa)").fill("31/12/2099")
        first.get_by_label("Statut").select_option(label="En cours")
        first.get_by_label("Gain attendu").select_option("2")
        first.get_by_label("Effort").select_option("2")
        page.locator('[data-plan-add="5"]').click()
        late = page.locator('.ce-action[data-action="5"]')
        late.get_by_label("Modalités pratiques (une étape par ligne)").fill("Choisir l'outil de rappel\nLe tester au SVI")
        late.get_by_label("Quand (jj/mm/aaaa)").fill("31/01/2020")
        late.get_by_label("Gain attendu").select_option("3")
        late.get_by_label("Effort").select_option("1")
        late.get_by_label("Effort").press("Tab")
        note = page.locator(".ce-question").nth(2).locator(".ce-note")
        note.locator("summary").click()
        note.get_by_label("Commentaire").fill("Affiches <b>à refaire</b>")
        note.get_by_label("Preuve (document, lien https://…)").fill("Voir https://intranet.example.fr/affiches et javascript:alert(1)")
        link = note.locator(".ce-note-links a")
        expect(link).to_have_attribute("rel", "noopener noreferrer")
        assert link.get_attribute("href") == "https://intranet.example.fr/affiches" and link.count() == 1
        page.locator(".ce-question").nth(2).screenshot(path=str(ARTIFACTS / "app-commentaire-preuve.png"))
        page.locator(".ce-plan .ce-plan-lever").first.screenshot(path=str(ARTIFACTS / "app-axes-ajouter.png"))
        followup = page.locator(".ce-plan-followup")
        expect(followup).to_contain_text("En retard (date passée, ni faite ni abandonnée, pratique pas encore OUI) : n° 5")
        # Sorted by gain ÷ effort: 3 ÷ 1 before 2 ÷ 2.
        page.get_by_role("button", name="Trier par gain ÷ effort").click()
        expect(page.locator(".ce-action[data-action]").first).to_have_attribute("data-action", "5")

        # What the browser keeps, damaged by hand: the action that does not read is left out, nothing else.
        page.wait_for_timeout(600)  # the page keeps the form a moment after the last change
        page.evaluate("""prefix => {
            const key = Object.keys(localStorage).find(k => k.startsWith(prefix));
            const kept = JSON.parse(localStorage.getItem(key));
            kept.plan.push({pratique: "99", qui: "?"}, {pratique: "3", gain: 2});
            localStorage.setItem(key, JSON.stringify(kept));
        }""", STORAGE_PREFIX)
        page.reload()  # nothing saved yet: the browser kept the plan with the answers
        page.wait_for_selector(".ce-app[data-live]", timeout=120_000)
        expect(page.locator(".ce-action[data-action]")).to_have_count(2)
        assert page.locator('.ce-action[data-action="1"] [data-action-key="qui"]').input_value() == "Responsable de l'accueil"
        assert page.locator('.ce-action[data-action="5"] [data-action-key="quand"]').input_value() == "31/01/2020"
        assert page.locator(".ce-question").nth(2).locator("textarea").first.input_value() == "Affiches <b>à refaire</b>"
        expect(followup).to_contain_text("2 actions au plan.")
        page.get_by_role("button", name="Enregistrer cette version").click()
        expect(page.locator(".ce-save-info")).to_contain_text(f"« {name} » : version 1 du ")

        # The next campaign: a new form for the same structure starts from the plan.
        page.get_by_role("button", name="Recommencer à zéro").click()
        expect(page.locator(".ce-action[data-action]")).to_have_count(0)
        page.fill("input[data-field=structure]", name)
        page.press("input[data-field=structure]", "Tab")
        expect(page.locator(".ce-action[data-action]")).to_have_count(2)
        expect(page.locator(".ce-save-info")).to_contain_text("Plan d'actions repris de la version 1 du ")
        for question in range(1, 37):
            _answer(page, question, "OUI" if question == 1 else "NON")
        page.locator('.ce-action[data-action="1"]').get_by_label("Statut").select_option(label="Fait")
        expect(followup).to_contain_text("Désormais appliquée (réponse OUI) : n° 1 (")
        expect(followup).to_contain_text("Depuis la version 1 du ")
        expect(followup).to_contain_text("pratiques planifiées devenues OUI : n° 1")
        expect(followup).to_contain_text("En retard (date passée, ni faite ni abandonnée, pratique pas encore OUI) : n° 5")
        page.get_by_role("button", name="Enregistrer cette version").click()
        expect(page.locator(".ce-save-info")).to_contain_text("version 2 du ")
        expect(followup).to_contain_text("statuts : n° 1 En cours → Fait")
        page.locator(".ce-actions").scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "app-plan-suivi.png"))
        page.locator(".ce-question").nth(2).scroll_into_view_if_needed()
        assert page.errors == []
        page.context.close()

    with Store(base) as store:
        first, second = [v.autodiagnostic for v in store.history(name)]
    assert [a.pratique for a in first.plan] == [1, 5] and first.comments == {3: "Affiches <b>à refaire</b>"}
    assert first.evidence == {3: "Voir https://intranet.example.fr/affiches et javascript:alert(1)"}
    assert [(a.pratique, a.statut) for a in second.plan] == [(1, "fait"), (5, "a_faire")] and second.answers[0] is True
