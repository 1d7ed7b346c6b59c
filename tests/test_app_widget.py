"""The app's widget driven from pytest, as the browser drives it: set values, read what it shows."""

import json
import re

import pytest
import traitlets

from contacts_lib import InputError, dumps_csv, dumps_json, parse_file, score
from contacts_lib.autodiagnostic.answers import HEADER_FIELDS
from contacts_lib.autodiagnostic.contract import MESSAGES_TO_KERNEL, UPLOAD_LIMIT_BYTES
from contacts_lib.autodiagnostic.page import AutodiagnosticApp, file_name_for
from contacts_lib.autodiagnostic.reference import example_path
from contacts_lib.formats import build_workbook
from tests.samples import plain, random_autodiagnostic


@pytest.fixture
def app():
    return AutodiagnosticApp()


def _percents(app):
    return [plain(lever["percent"]) for lever in app.results["levers"]] + [plain(app.results["moyenne"])]


def _notice(app):
    """The last message, as (place, kind, text with plain spaces)."""
    return app.notice["place"], app.notice["kind"], plain(app.notice["text"])


def _example_answers(worked_example):
    return ["OUI" if a else "NON" for a in worked_example.answers]


def test_a_new_app_is_empty_and_says_so(app):
    assert app.answers == [""] * 36
    assert app.results["progress"] == "0 / 36 réponses"
    assert _percents(app) == ["0 %"] * 5
    assert plain(app.results["unanswered"]).startswith("Questions sans réponse : 36 / 36 (100 %)")
    assert app.field_errors == {}


def test_answers_update_scores_progress_and_radar(app, worked_example):
    answers = _example_answers(worked_example)
    answers[35] = ""  # one question not answered yet
    app.answers = answers
    assert app.results["progress"] == "35 / 36 réponses"
    assert _percents(app) == ["40 %", "27 %", "88 %", "86 %", "60 %"]
    assert "1 / 36 (3 %)" in plain(app.results["unanswered"])
    trace = app.figure.data[0]
    assert list(trace.theta) == ["Orientation", "Excellence", "Pilotage", "Innovation", "Orientation"]
    assert list(trace.r) == pytest.approx([40, 300 / 11, 87.5, 600 / 7, 40])
    assert app.figure.layout.polar.radialaxis.range == (0, 100)
    assert app.results["figure"]["data"][0]["r"] == pytest.approx(list(trace.r))


def test_worked_example_gives_the_source_numbers(worked_example):
    app = AutodiagnosticApp(worked_example)
    assert _percents(app) == ["40 %", "27 %", "88 %", "100 %", "64 %"]
    assert plain(app.results["radar_label"]) == (
        "Radar de couverture : Orientation 40 %, Excellence 27 %, Pilotage 88 %, Innovation 100 % ; moyenne 64 %"
    )
    assert f'aria-label="{app.results["radar_label"]}"' in app.page_html()  # the same words before and after connecting


def test_action_plan_lists_missing_practices_weakest_lever_first(app, worked_example):
    app.answers = _example_answers(worked_example)
    plan = plain(app.plan_html)
    titles = re.findall(r"<h3>([^<]*)</h3>", plan)
    assert titles == ["2. Excellence — 27 %", "1. Orientation — 40 %", "3. Pilotage — 88 %"]
    # Question 25 (libre service) is practice 11; it is answered OUI in the example: not listed.
    assert "bonne pratique n° 11 :" not in plan
    assert "Question 2 · bonne pratique n° 2 : Communiquer aux usagers les horaires" in plan
    # From question 11 on, the practice's number in the recueil is not the question's.
    assert "Question 11 · bonne pratique n° 12 : " in plan
    assert "Retours d&#x27;expérience : Préfecture de Police de Paris — recueil, page 16" in plan
    assert "Lire la fiche de la bonne pratique" not in app.plan_html  # practice 1 is in place here
    app.answers = [""] * 36
    assert app.plan_html.count("Lire la fiche de la bonne pratique") == 1
    assert "Pourquoi ?" in app.plan_html
    app.answers = ["OUI"] * 36
    assert app.plan_html == "<p>Toutes les bonnes pratiques sont en place.</p>"


def test_header_fields_are_checked_and_kept_as_typed(app):
    app.header = {**app.header, "structure": "CAF", "usagers": "beaucoup", "date": "2026-02-30"}
    assert set(app.field_errors) == {"usagers", "date"}
    assert plain(app.field_errors["usagers"]) == (
        "« Nombre d'usagers (si connu) » « beaucoup » n'est pas un nombre entier positif ou nul."
    )
    assert app.header["usagers"] == "beaucoup"
    with pytest.raises(InputError, match="^le champ « Date de réalisation » est à corriger : .* n'est pas une date"):
        app.export("json")
    app.header = {**app.header, "usagers": "12 000", "date": "2026-02-28"}
    assert app.field_errors == {}
    assert app.current().usagers == 12000


def test_invalid_answer_values_are_refused_by_the_widget(app):
    with pytest.raises(traitlets.TraitError):
        app.answers = ["peut-être"] * 36
    with pytest.raises(traitlets.TraitError):
        app.answers = ["OUI"] * 35
    assert app.answers == [""] * 36


def test_import_fills_the_form(app, worked_example):
    app.import_file(example_path().read_bytes(), "exemple.json")
    assert app.header["structure"] == "Exemple du recueil (SGMAP, 2015)"
    assert _percents(app) == ["40 %", "27 %", "88 %", "100 %", "64 %"]
    assert _notice(app) == ("import", "info", "Formulaire rempli avec « Exemple du recueil (SGMAP, 2015) » (exemple.json).")


def test_bad_import_says_why_and_keeps_the_form(app):
    app.header = {**app.header, "structure": "Ma CAF"}
    app.answers = ["OUI"] * 10 + [""] * 26
    before = (dict(app.header), list(app.answers))
    content = ("structure," + ",".join(f"q{n:02d}" for n in range(1, 37)) + "\nCAF," + ",".join(["bof"] * 36)).encode()
    app.import_file(content, "reseau.csv")
    assert _notice(app) == ("import", "error", (
        "Import impossible : reseau.csv, ligne 2, colonne q01 : réponse « bof » non reconnue ; "
        "attendu OUI ou NON (ou vide si la question n'a pas encore de réponse)."
    ))
    assert (app.header, app.answers) == before


def test_csv_with_several_structures_lets_the_user_pick(app):
    samples = [random_autodiagnostic(seed) for seed in range(3)]
    app.import_file(dumps_csv(samples).encode(), "reseau.csv")
    assert app.choices == [s.structure for s in samples]
    assert app.answers == [""] * 36  # nothing loaded before a choice
    app.pick(2)
    assert app.current().answers == samples[2].answers
    assert app.current().structure == samples[2].structure
    app.pick(7)
    assert app.notice["kind"] == "error"


@pytest.mark.parametrize(
    ("kind", "ending"), [("xlsx", ".xlsx"), ("json", ".json"), ("html", ".html"), ("synthese", "-synthese.html")]
)
def test_exports_read_back(kind, ending, worked_example):
    app = AutodiagnosticApp(worked_example)
    name, mime, content = app.export(kind)
    assert name == f"autodiagnostic-exemple-du-recueil-sgmap-2015{ending}"
    if mime == "text/html":
        text = plain(content.decode("utf-8"))
        assert "Exemple du recueil (SGMAP, 2015)" in text
        assert all(shown in text for shown in ("40 %", "27 %", "88 %", "100 %", "64 %"))
        return
    [read_back] = parse_file(content, name)
    assert read_back == worked_example
    assert score(read_back) == score(worked_example)


def test_export_needs_a_structure_name(app):
    with pytest.raises(InputError, match="^le nom de la structure est obligatoire pour exporter"):
        app.export("xlsx")


def test_an_export_refused_says_so_beside_the_exports_and_points_at_the_field(app):
    app.send = lambda content, buffers=None: pytest.fail("nothing is downloaded")
    app._on_message(app, {"type": "export", "format": "json"}, [])
    assert app.notice["place"] == "export" and app.notice["field"] == "structure"
    assert plain(app.notice["text"]).startswith("Export impossible : le nom de la structure est obligatoire")
    assert app.field_errors["structure"] == "obligatoire pour exporter"
    first = app.notice["n"]
    app._on_message(app, {"type": "export", "format": "json"}, [])
    assert app.notice["n"] > first  # the same message again is shown (and read out) again
    app.header = {**app.header, "structure": "CAF", "usagers": "beaucoup"}
    assert "structure" not in app.field_errors
    app._on_message(app, {"type": "export", "format": "xlsx"}, [])
    assert app.notice["field"] == "usagers"


def test_messages_from_the_browser(app, worked_example):
    sent = []
    app.send = lambda content, buffers=None: sent.append((content, buffers))
    app._on_message(app, {"type": "import", "name": "e.json"}, [memoryview(dumps_json(worked_example).encode())])
    assert plain(app.results["moyenne"]) == "64 %"
    app._on_message(app, {"type": "export", "format": "json"}, [])
    content, buffers = sent[-1]
    assert content == {"type": "download", "name": "autodiagnostic-exemple-du-recueil-sgmap-2015.json", "mime": "application/json"}
    assert json.loads(bytes(buffers[0]))["resultats"]["moyenne"] == 64
    app._on_message(app, {"type": "export", "format": "exe"}, [])
    assert _notice(app)[:2] == ("export", "error")
    app._on_message(app, {"type": "pick", "index": None}, [])
    assert _notice(app) == ("import", "error", "Choix de structure invalide ; importez le fichier à nouveau.")
    app._on_message(app, {"type": "import", "name": "vide.csv"}, [memoryview(b"")])
    assert _notice(app) == ("import", "error", "Import impossible : vide.csv : le fichier est vide.")
    too_big = memoryview(b"x" * (UPLOAD_LIMIT_BYTES + 1))
    app._on_message(app, {"type": "import", "name": "gros.csv"}, [too_big])
    assert _notice(app) == ("import", "error", "Import impossible : gros.csv fait 5 Mo ; un fichier importé fait 5 Mo au plus.")
    assert plain(app.results["moyenne"]) == "64 %"  # the form is unchanged
    app._on_message(app, {"type": "markup"}, [])
    assert sent[-1][0] == {"type": "markup"} and app._dom_id.encode() in bytes(sent[-1][1][0])
    app._on_message(app, {"type": "ping"}, [])
    assert sent[-1] == ({"type": "pong"}, None)
    app._on_message(app, {"type": "reset"}, [])
    assert app.answers == [""] * 36 and set(app.header.values()) == {""} and plain(app.results["moyenne"]) == "0 %"


def test_the_kernel_answers_every_message_the_page_may_send(app):
    assert set(app.message_handlers()) == set(MESSAGES_TO_KERNEL)


def test_page_shows_file_text_as_text(app):
    hostile = '<img src=x onerror="alert(1)"> & </script><script>alert(2)</script>'
    app.header = {**app.header, "structure": hostile}
    page = app.page_html()
    assert hostile not in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &lt;/script&gt;" in page
    name, _, content = app.export("html")
    assert hostile not in content.decode() and name.startswith("autodiagnostic-img-src-x")


def test_page_has_labels_for_every_control(app):
    page = app.page_html()
    ids = re.findall(r'<input[^>]* id="([^"]+)"', page)
    assert len(ids) == len(HEADER_FIELDS) + 36 * 3 + 1  # header fields, three choices per question, file
    notes = re.findall(r'<textarea[^>]* id="([^"]+)"', page)
    assert len(notes) == 36 * 2  # a comment and an evidence per question
    for control_id in ids + notes:
        assert f'for="{control_id}"' in page, control_id
    # The header, the questions, and the template of an action of the plan (its controls inside their labels).
    assert page.count("<fieldset") == 1 + 36 + 1 and page.count("<legend>") == 1 + 36 + 1
    template = re.search(r"<template[^>]*>(.*?)</template>", page, re.S).group(1)
    assert len(re.findall(r"<label[^>]*>[^<]*(?:<[^>]+>[^<]*)*?<(input|select|textarea)", template)) == 6


def test_download_names_are_safe():
    assert file_name_for("CAF de l'Isère / Grenoble", ".xlsx") == "autodiagnostic-caf-de-l-isere-grenoble.xlsx"
    assert file_name_for("«»", "-synthese.html") == "autodiagnostic-structure-synthese.html"


def test_workbook_export_is_the_template_filled(worked_example):
    _, _, content = AutodiagnosticApp(worked_example).export("xlsx")
    import io

    from openpyxl import load_workbook

    exported = load_workbook(io.BytesIO(content))
    template = build_workbook(None)
    assert exported.sheetnames == template.sheetnames
    assert exported["Résultats"]["F11"].value == template["Résultats"]["F11"].value == "=AVERAGE(F7:F10)"


# ---------------------------------------------------------------------- the store (« Enregistrer »)


@pytest.fixture
def stored_app(tmp_path, monkeypatch):
    monkeypatch.setenv("CONTACTS_EFFICACES_BASE", str(tmp_path / "base.sqlite"))
    return AutodiagnosticApp()


def test_no_store_no_save_button(app, monkeypatch):
    assert app.store_path is None
    assert "Enregistrer cette version" not in app.page_html()
    assert not app.versions


def test_save_adds_versions_and_the_radar_shows_the_progress_since_the_last_one(stored_app, worked_example, tmp_path):
    from contacts_lib.store import Store

    app = stored_app
    assert "Enregistrer cette version" in app.page_html()
    app._on_message(app, {"type": "save"}, [])
    assert _notice(app)[:2] == ("save", "error") and "nom de la structure est obligatoire pour enregistrer" in _notice(app)[2]
    assert app.notice["field"] == "structure" and not (tmp_path / "base.sqlite").exists()

    app.load(worked_example)
    app._on_message(app, {"type": "save"}, [])
    place, kind, message = _notice(app)
    assert (place, kind) == ("save", "info") and message.startswith("« Exemple du recueil (SGMAP, 2015) » : version 1 du ")
    assert [v["label"].split(" · ")[0] for v in app.versions] == ["Version 1"]
    assert app.results["since"] == ""  # the form is version 1: nothing before it

    # Two practices of the first lever dropped (10 questions): −20 points shown, then saved as version 2.
    answers = _example_answers(worked_example)
    dropped = [i for i in range(10) if answers[i] == "OUI"][:2]
    for i in dropped:
        answers[i] = "NON"
    app.answers = answers
    since = plain(app.results["since"])
    assert since.startswith("Depuis la version 1 du ") and "Orientation : −20 points (40 % → 20 %)" in since
    assert "Excellence : sans changement (27 %)" in since and "Moyenne : −5 points (64 % → 59 %)" in since
    assert [trace.name.split(" du ")[0] for trace in app.figure.data] == ["version 1", "Couverture"]
    assert list(app.figure.data[0].r[:4]) == pytest.approx([40, 300 / 11, 87.5, 100])  # version 1: the recueil's example
    app._on_message(app, {"type": "save"}, [])
    assert "version 2 du" in _notice(app)[2]
    assert plain(app.results["since"]).startswith("Depuis la version 1 du ")  # still what changed since the one before

    with Store(tmp_path / "base.sqlite") as store:
        history = store.history(worked_example.structure)
        assert [score(v.autodiagnostic).percent("orientation") for v in history] == [40, 20]
        assert history[1].source == "application"

    # Loading version 1 back: over unsaved changes, only when asked twice.
    answers[20] = "OUI" if answers[20] == "NON" else "NON"
    app.answers = answers
    first = app.versions[-1]["id"]
    app._on_message(app, {"type": "version", "id": first}, [])
    assert _notice(app)[:2] == ("save", "error") and "ne sont pas enregistrées" in _notice(app)[2]
    assert app.answers == answers
    app._on_message(app, {"type": "version", "id": first}, [])
    assert app.answers == _example_answers(worked_example) and plain(app.results["moyenne"]) == "64 %"
    assert _notice(app)[2].startswith("Formulaire rempli avec la version 1 du ")
    app._on_message(app, {"type": "version", "id": "x"}, [])
    assert _notice(app) == ("save", "error", "Version introuvable ; choisissez-en une dans la liste.")


def test_versions_follow_the_structure_typed_and_others_saves(stored_app, worked_example, tmp_path):
    from contacts_lib.store import Store

    with Store(tmp_path / "base.sqlite") as store:
        store.save([worked_example, random_autodiagnostic(3)], "autre poste")
    stored_app.header = {**stored_app.header, "structure": f"  {worked_example.structure.upper()} "}
    assert len(stored_app.versions) == 1  # the name compared without case or spaces
    assert plain(stored_app.results["since"]).startswith("Depuis la version 1 du ")
    stored_app.header = {**stored_app.header, "structure": "Structure inconnue"}
    assert stored_app.versions == [] and stored_app.results["since"] == ""


def test_a_store_that_cannot_be_written_keeps_the_form(stored_app, worked_example, tmp_path):
    (tmp_path / "base.sqlite").write_bytes(b"pas une base " * 500)
    stored_app.load(worked_example)
    assert _notice(stored_app)[:2] == ("save", "error") and "Versions enregistrées illisibles" in _notice(stored_app)[2]
    stored_app.save_version()
    place, kind, message = _notice(stored_app)
    assert (place, kind) == ("save", "error") and "fichier endommagé" in message and "restent dans le formulaire" in message
    assert stored_app.answers == _example_answers(worked_example)


# ---------------------------------------------------------------------- comments, evidence, plan d'actions


def _action(practice, **values):
    return {"pratique": str(practice), "etapes": "", "qui": "", "quand": "", "statut": "a_faire", "gain": "", "effort": "",
            **values}


def test_comments_evidence_and_plan_go_into_every_export_and_never_into_the_scores(app, worked_example):
    app.load(worked_example)
    before = dict(app.results)
    app.notes = {"comments": {"3": "Charte « accueil »\nsignée"}, "evidence": {"3": "https://intranet.example.fr/charte"}}
    app.plan = [_action(12, etapes="Former\nDéployer", qui="Accueil", quand="31/03/2027", statut="en_cours", gain="3", effort="1")]
    assert {k: v for k, v in app.results.items() if k != "revision"} == {k: v for k, v in before.items() if k != "revision"}
    _, _, content = app.export("json")
    [read] = parse_file(content, "a.json")
    assert read.comments == {3: "Charte « accueil »\nsignée"} and read.evidence == {3: "https://intranet.example.fr/charte"}
    assert [(a.pratique, a.etapes, a.qui, a.statut, a.gain, a.effort) for a in read.plan] == [
        (12, ("Former", "Déployer"), "Accueil", "en_cours", 3, 1)]
    _, _, workbook = app.export("xlsx")
    assert parse_file(workbook, "a.xlsx")[0].plan == read.plan
    assert "Plan d'actions" in app.export("html")[2].decode() and "Former" in app.export("html")[2].decode()


def test_an_action_typed_wrong_is_said_beside_it_and_stops_exports_until_corrected(app, worked_example):
    app.load(worked_example)
    app.plan = [_action(12, quand="31/02/2027"), _action(5, gain="2")]
    assert list(app.plan_errors) == ["12"] and "« 31/02/2027 » n'est pas une date plausible" in plain(app.plan_errors["12"])
    app._on_message(app, {"type": "export", "format": "json"}, [])
    place, kind, message = _notice(app)
    assert (place, kind) == ("export", "error")
    assert message.startswith("Export impossible : Plan d'actions, bonne pratique n° 12, « quand » : « quand » « 31/02/2027 »")
    assert "n° 5" in plain(app.followup_html)  # the action that reads well is followed meanwhile
    app.plan = [_action(12, quand="28/02/2027"), _action(5, gain="2")]
    assert app.plan_errors == {}
    assert app.export("json")[0].endswith(".json")


def test_a_form_sent_with_an_action_carries_the_plan_and_a_plan_of_another_shape_is_ignored(app, worked_example):
    app.load(worked_example)
    form = {"header": dict(app.header), "answers": list(app.answers), "notes": {"comments": {"9": "vu"}, "evidence": {}},
            "plan": [_action(7)]}
    assert app.take_form(form)
    assert app.plan == [_action(7)] and app.current().comments == {9: "vu"}
    for wrong in ({"comments": {"99": "x"}}, {"comments": {"9": 3}}):
        assert not app.take_form({**form, "notes": wrong})
    for wrong in ([{"pratique": 7, "qui": "x"}], [{"responsable": "x"}], "plan"):
        assert not app.take_form({**form, "plan": wrong})
    assert app.plan == [_action(7)]


def test_the_next_campaign_starts_from_the_plan_and_says_what_was_achieved_and_what_is_late(stored_app, worked_example):
    import dataclasses
    import datetime as dt

    from contacts_lib.autodiagnostic.reference import load_catalogue

    app = stored_app
    q12 = load_catalogue().question_of_practice(12).number  # NON in the example
    q20 = load_catalogue().question_of_practice(20).number
    assert worked_example.answers[q12 - 1] is False and worked_example.answers[q20 - 1] is False
    app.load(worked_example)
    app.plan = [_action(12, quand="31/03/2030", statut="en_cours"), _action(20, quand="31/01/2020")]
    app.save_version()
    assert "version 1 du" in _notice(app)[2]

    # The next campaign: a new form for the same structure takes the plan back.
    app.reset()
    app.header = {**app.header, "structure": worked_example.structure}
    assert [a["pratique"] for a in app.plan] == ["12", "20"]
    assert _notice(app)[:2] == ("save", "info") and _notice(app)[2].startswith("Plan d'actions repris de la version 1 du ")
    app.answers = ["OUI" if n == q12 else a for n, a in enumerate(_example_answers(worked_example), start=1)]
    app.plan = [_action(12, quand="31/03/2030", statut="fait"), _action(20, quand="31/01/2020")]
    shown = plain(app.followup_html)
    title12 = load_catalogue().question_of_practice(12).practice.title
    assert f"Désormais appliquée (réponse OUI) : n° 12 ({title12})." in shown
    assert "En retard (date passée, ni faite ni abandonnée, pratique pas encore OUI) : n° 20 (" in shown
    assert "Depuis la version 1 du " in shown and "pratiques planifiées devenues OUI : n° 12" in shown
    assert "statuts : n° 12 En cours → Fait" in shown
    saved = app.save_version()
    assert saved.autodiagnostic.plan[0] == dataclasses.replace(saved.autodiagnostic.plan[0], statut="fait")
    assert saved.autodiagnostic.answers[q20 - 1] is False
    assert saved.autodiagnostic.plan[1].late(dt.date.today())


def test_a_plan_taken_from_one_structure_goes_when_the_name_changes_and_comes_with_a_quick_save(stored_app, worked_example):
    app = stored_app
    app.load(worked_example)
    app.plan = [_action(12, quand="31/03/2030")]
    app.save_version()
    app.reset()
    app.header = {**app.header, "structure": worked_example.structure}
    assert [a["pratique"] for a in app.plan] == ["12"]  # taken from its last version
    app.header = {**app.header, "structure": "Une autre structure"}
    assert app.plan == []  # it was the other structure's, unchanged: it goes
    app.header = {**app.header, "structure": worked_example.structure}
    app.plan = [*app.plan, _action(5)]
    app.header = {**app.header, "structure": "Une autre structure"}
    assert [a["pratique"] for a in app.plan] == ["12", "5"]  # changed by the person: kept
    # A name typed and « Enregistrer » clicked at once: the form comes with the click, the plan follows.
    app.reset()
    form = {"header": {**app.header, "structure": worked_example.structure}, "answers": _example_answers(worked_example),
            "notes": {"comments": {}, "evidence": {}}, "plan": []}
    app._on_message(app, {"type": "save", "form": form}, [])
    assert "version 2 du" in _notice(app)[2]
    from contacts_lib.store import Store

    with Store(app.store_path) as store:
        assert [a.pratique for a in store.history(worked_example.structure)[-1].autodiagnostic.plan] == [12]
