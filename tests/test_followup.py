"""Comments, evidence and the plan d'actions: kept exactly by every format and the store, read
back everywhere, ignored by the scores."""

import csv
import dataclasses
import datetime as dt
import io
import json

import pytest
from openpyxl import load_workbook

from contacts_lib import dumps_csv, read_autodiagnostics, score, write_csv, write_json, write_workbook
from contacts_lib.autodiagnostic.followup import Action, default_steps, parse_plan
from contacts_lib.formats.json_format import to_json_document
from contacts_lib.formats.xlsx_format import PLAN_SHEET
from contacts_lib.messages import InputError
from contacts_lib.store import SAVED_BY_COLUMN, Store, read_files
from tests.samples import random_autodiagnostic, run_cli, with_followup

FOLLOWED = [with_followup(random_autodiagnostic(seed), seed) for seed in range(8)]


def _without_bookkeeping(diagnostic):
    extra = {k: v for k, v in diagnostic.extra.items() if k not in ("version_base", "enregistre_le", SAVED_BY_COLUMN)}
    return dataclasses.replace(diagnostic, extra=extra)


def test_json_then_workbook_then_json_keeps_every_comment_evidence_and_action(tmp_path):
    for index, diagnostic in enumerate(FOLLOWED):
        write_json(diagnostic, tmp_path / f"{index}.json")
        [from_json] = read_autodiagnostics(tmp_path / f"{index}.json")
        write_workbook(from_json, tmp_path / f"{index}.xlsx")
        [from_workbook] = read_autodiagnostics(tmp_path / f"{index}.xlsx")
        write_json(from_workbook, tmp_path / f"{index}-bis.json")
        [again] = read_autodiagnostics(tmp_path / f"{index}-bis.json")
        assert again == diagnostic
        assert (again.comments, again.evidence, again.plan) == (diagnostic.comments, diagnostic.evidence, diagnostic.plan)
        assert again.plan and again.comments and again.evidence


def test_the_json_document_writes_the_issue_s_keys():
    diagnostic = FOLLOWED[0]
    document = json.loads(json.dumps(to_json_document(diagnostic)))
    assert set(document["commentaires"]) == {f"q{n:02d}" for n in diagnostic.comments}
    assert set(document["preuves"]) == {f"q{n:02d}" for n in diagnostic.evidence}
    first = document["plan"][0]
    assert list(first) == ["pratique", "etapes", "qui", "quand", "statut", "gain", "effort"]
    assert first["pratique"] == diagnostic.plan[0].pratique and first["etapes"] == list(diagnostic.plan[0].etapes)
    assert list(document).index("plan") < list(document).index("resultats")
    plain = to_json_document(random_autodiagnostic(1))
    assert not {"commentaires", "preuves", "plan"} & set(plain)  # written only when there is something


def test_csv_of_several_structures_keeps_the_follow_up_and_writes_only_filled_columns(tmp_path):
    write_csv(FOLLOWED, tmp_path / "reseau.csv")
    assert read_autodiagnostics(tmp_path / "reseau.csv") == FOLLOWED
    header = next(csv.reader(io.StringIO((tmp_path / "reseau.csv").read_text(encoding="utf-8"))))
    comments = {n for d in FOLLOWED for n in d.comments}
    assert [c for c in header if c.endswith("_commentaire")] == [f"q{n:02d}_commentaire" for n in sorted(comments)]
    planned = sorted({a.pratique for d in FOLLOWED for a in d.plan})
    assert [c for c in header if c.endswith("_statut")] == [f"plan{n:02d}_statut" for n in planned]
    assert not any(c.startswith("plan") for c in next(csv.reader(io.StringIO(dumps_csv([random_autodiagnostic(2)])))))


def test_a_comment_that_looks_like_a_formula_is_neutralised_in_csv_and_text_in_the_workbook(tmp_path):
    diagnostic = dataclasses.replace(random_autodiagnostic(3), comments={4: "=HYPERLINK(\"http://x\")"},
                                     plan=(Action(4, ("+1 étape",), "@équipe"),))
    rows = list(csv.reader(io.StringIO(dumps_csv([diagnostic]))))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["q04_commentaire"] == "'=HYPERLINK(\"http://x\")" and row["plan04_etapes"] == "'+1 étape"
    assert row["plan04_qui"] == "'@équipe"
    write_workbook(diagnostic, tmp_path / "f.xlsx")
    workbook = load_workbook(tmp_path / "f.xlsx")
    cell = next(c for row in workbook["Autodiagnostic"].iter_rows() for c in row if c.value == "=HYPERLINK(\"http://x\")")
    assert cell.data_type == "s"
    assert read_autodiagnostics(tmp_path / "f.xlsx")[0].comments == {4: "=HYPERLINK(\"http://x\")"}


def test_the_scores_ignore_the_follow_up(tmp_path):
    for diagnostic in FOLLOWED:
        bare = dataclasses.replace(diagnostic, comments={}, evidence={}, plan=())
        assert score(diagnostic) == score(bare)
    write_csv(FOLLOWED, tmp_path / "suivi.csv")
    write_csv([dataclasses.replace(d, comments={}, evidence={}, plan=()) for d in FOLLOWED], tmp_path / "nu.csv")
    followed, bare = run_cli("score", "--csv", str(tmp_path / "suivi.csv")), run_cli("score", "--csv", str(tmp_path / "nu.csv"))
    assert followed.returncode == 0 and followed.stdout == bare.stdout


def test_enregistrer_then_exporter_keeps_the_follow_up_exactly(tmp_path):
    base = tmp_path / "base.sqlite"
    write_csv(FOLLOWED[:4], tmp_path / "a.csv")
    for index, diagnostic in enumerate(FOLLOWED[4:]):
        write_workbook(diagnostic, tmp_path / f"b{index}.xlsx")
    saved = run_cli("enregistrer", "--base", str(base), str(tmp_path / "a.csv"), *(str(tmp_path / f"b{i}.xlsx") for i in range(4)))
    assert saved.returncode == 0, saved.stderr
    for target in ("tout.csv", "dossier"):
        exported = run_cli("exporter", "--base", str(base), str(tmp_path / target))
        assert exported.returncode == 0, exported.stderr
        assert sorted(map(_without_bookkeeping, read_files([tmp_path / target])), key=lambda d: d.structure) == sorted(
            FOLLOWED, key=lambda d: d.structure)
    again = tmp_path / "autre.sqlite"
    assert run_cli("enregistrer", "--base", str(again), str(tmp_path / "tout.csv")).returncode == 0
    with Store(again, read_only=True) as store:
        assert sorted((v.autodiagnostic for v in store.versions()), key=lambda d: d.structure) == sorted(
            FOLLOWED, key=lambda d: d.structure)


def test_a_damaged_follow_up_in_the_store_is_said_not_shown_as_empty(tmp_path):
    import sqlite3

    base = tmp_path / "base.sqlite"
    with Store(base) as store:
        [version] = store.save([FOLLOWED[0]], "a.json")
    connection = sqlite3.connect(base)
    connection.execute("UPDATE versions SET followup = ? WHERE id = ?", ('{"plan": [{"pratique": 99}]}', version.id))
    connection.commit()
    connection.close()
    with Store(base, read_only=True) as store, pytest.raises(InputError) as raised:
        store.versions()
    assert str(raised.value) == (
        f"{base}, version {version.id}, plan[0].pratique : pratique « 99 » inconnue ; attendu un numéro de 1 à 36."
    )


def test_the_plan_sheet_has_the_recueil_s_columns_and_reads_rows_typed_by_hand(tmp_path):
    write_workbook(None, tmp_path / "modele.xlsx")
    workbook = load_workbook(tmp_path / "modele.xlsx")
    titles = [cell.value for cell in workbook[PLAN_SHEET][3]]
    assert titles[:6] == ["N° de la bonne pratique", "Bonne pratique", "Modalités pratiques (une étape par ligne)", "Qui", "Quand", "Statut"]
    sheet = workbook[PLAN_SHEET]
    sheet["A5"], sheet["C5"], sheet["D5"], sheet["E5"], sheet["F5"] = 20, "Former\nDéployer", "Chef de projet", dt.date(2027, 6, 30), "En cours"
    sheet["A4"], sheet["F4"], sheet["G4"], sheet["H4"] = 3, "Fait", 2, 2
    workbook["Autodiagnostic"]["D4"] = "CAF de l'Isère"
    workbook.save(tmp_path / "rempli.xlsx")
    [read] = read_autodiagnostics(tmp_path / "rempli.xlsx")
    assert read.plan == (
        Action(3, (), None, None, "fait", 2, 2),
        Action(20, ("Former", "Déployer"), "Chef de projet", dt.date(2027, 6, 30), "en_cours"),
    )


def test_practice_1_offers_the_recueil_s_three_steps_and_an_action_is_late_only_when_open():
    assert default_steps(1) == (
        "Recenser les supports de communication existants et les prioriser",
        "Sélectionner les supports sur lesquels communiquer en fonction des étapes du parcours usager",
        "Formaliser puis déployer la communication",
    )
    assert all(default_steps(n) == () for n in range(2, 37))
    day = dt.date(2026, 4, 1)
    assert [Action(1, quand=dt.date(2026, 3, 31), statut=s).late(day) for s in ("a_faire", "en_cours", "fait", "abandonne")] == [
        True, True, False, False]
    assert not Action(1, quand=day, statut="a_faire").late(day) and not Action(1).late(day)


def test_a_plan_is_in_practice_order_whatever_the_order_it_was_written_in():
    plan = parse_plan([{"pratique": 30}, {"pratique": "4", "statut": "En cours"}, {"pratique": 12.0}], lambda i, k: f"#{i}.{k}")
    assert [a.pratique for a in plan] == [4, 12, 30] and plan[0].statut == "en_cours"
