"""Channel costs and what the practices go with: figures worked out by hand on small inputs, the
presets with their source, the command and its refusals."""

from __future__ import annotations

import csv
import io
import math

import pandas as pd
import pytest

from contacts_lib import costs
from contacts_lib.autodiagnostic.answers import Autodiagnostic
from contacts_lib.formats import write_csv
from contacts_lib.logs.practices import practice_association
from contacts_lib.messages import InputError
from contacts_lib.network import answers_frame, load_network
from tests.samples import run_cli


def _structure(name, answers=(None,) * 36, **volumes):
    return Autodiagnostic(structure=name, answers=tuple(answers), **volumes)


@pytest.fixture
def network(tmp_path):
    write_csv([
        _structure("A", visites_guichet=1000, appels=2000, courriels=100, usagers=500),
        _structure("B", visites_guichet=10, visiteurs_web_mensuels=50),  # web: 50 a month → 600 a year
    ], tmp_path / "reseau.csv")
    return tmp_path / "reseau.csv"


def test_presets_carry_their_source_year_and_currency():
    shipped = costs.presets()
    assert set(shipped) == {"socitm-welwyn", "socitm-2010", "pwc-londres"}
    socitm = shipped["socitm-2010"]
    assert socitm.values == {"guichet": 7.40, "telephone": 2.90, "courrier": None, "courriel": None, "web": 0.32}
    assert socitm.label() == "GBP — Socitm Insight (Royaume-Uni), 2010 (coût par contact, administrations locales britanniques)"
    assert shipped["pwc-londres"].values["courrier"] == 12.10 and "année non précisée" in shipped["pwc-londres"].label()
    changed = costs.unit_costs("socitm-2010", costs.cost_changes(["courriel=1,5", "guichet="]))
    assert changed.values["courriel"] == 1.5 and changed.values["guichet"] is None
    assert changed.label().endswith("valeurs modifiées par l'utilisateur")
    for bad, message in ((["guichet=douze"], "n'est pas un nombre"), (["fax=1"], "canal « fax » inconnu"),
                         (["guichet=-1"], "positif ou nul"), (["guichet"], "écrivez canal=valeur")):
        with pytest.raises(InputError, match=message):
            costs.cost_changes(bad)


def test_costs_by_structure_and_what_if_as_worked_out_by_hand(network):
    structures = load_network(network).structures
    volumes = costs.volumes_from_autodiagnostics(structures)
    unit = costs.unit_costs(None, costs.cost_changes(["guichet=10", "telephone=3", "web=0.5"]))
    table = costs.costs_by_structure(volumes, unit).set_index("structure")
    # A: 1000 × 10 + 2000 × 3 = 16 000 (its 100 e-mails have no unit cost); 32 per user.
    assert table.loc["A", "cout_guichet"] == 10_000 and table.loc["A", "cout_telephone"] == 6_000
    assert pd.isna(table.loc["A", "cout_courriel"]) and table.loc["A", "cout_total"] == 16_000
    assert table.loc["A", "cout_par_usager"] == 32
    # B: 10 × 10 + 600 × 0.5 = 400; no number of users, no cost per user.
    assert table.loc["B", "cout_web"] == 300 and table.loc["B", "cout_total"] == 400 and pd.isna(table.loc["B", "cout_par_usager"])
    assert table.loc["TOTAL", "cout_total"] == 16_400
    moved = costs.what_if(volumes, unit, "guichet", "web", 20).set_index("structure")
    assert moved.loc["A", "deplaces"] == 200 and moved.loc["A", "economie"] == 200 * 9.5
    assert moved.loc["B", "economie"] == 2 * 9.5 and moved.loc["TOTAL", "economie"] == 202 * 9.5
    with pytest.raises(InputError, match="coût unitaire du canal courrier n'est pas renseigné"):
        costs.what_if(volumes, unit, "guichet", "courrier", 10)


def test_the_command_gives_the_same_figures(network):
    result = run_cli("couts", str(network), "--cout", "guichet=10", "--cout", "telephone=3", "--cout", "web=0.5", "--csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["structure"] for r in rows] == ["A", "B", "TOTAL"]
    assert float(rows[0]["cout_total"]) == 16_000 and rows[0]["cout_courriel"] == "" and float(rows[2]["cout_total"]) == 16_400
    table = run_cli("couts", str(network), "--preset", "socitm-2010")
    assert "Coûts unitaires : GBP — Socitm Insight (Royaume-Uni), 2010" in table.stdout
    assert "pas des coûts français" in table.stdout and "Sans coût unitaire (laissés hors des totaux) : courrier, courriel." in table.stdout
    what_if = run_cli("couts", str(network), "--preset", "socitm-2010", "--deplacer", "guichet:web:50", "--csv")
    rows = list(csv.DictReader(io.StringIO(what_if.stdout)))
    assert math.isclose(float(rows[-1]["economie"]), 505 * (7.40 - 0.32))
    for arguments, message in [
        ([str(network)], "aucun coût unitaire"),
        ([str(network), "--preset", "inconnu"], "préréglage de coûts « inconnu » inconnu"),
        ([str(network), "--preset", "socitm-2010", "--fenetre", "7"], "--fenetre demande un journal"),
        ([str(network), "--preset", "socitm-2010", "--deplacer", "guichet-web"], "écrivez DEPUIS:VERS:POURCENT"),
        (["--preset", "socitm-2010"], "un seul des trois"),
    ]:
        refused = run_cli("couts", *arguments)
        assert refused.returncode == 2 and message in refused.stderr and refused.stdout == ""


def test_the_command_compares_the_cost_per_user_of_the_structures_that_apply_a_practice(tmp_path):
    """``couts --pratiques``: each structure's cost per user (the command's own table) grouped by
    its answer to each question, worked out here with a plain loop."""
    answers = [[None] * 36 for _ in range(5)]
    for index, answer in enumerate([True, True, False, False, None]):
        answers[index][13] = answer  # question 14
    answers[0][0] = answers[2][0] = True  # question 1
    answers[1][0] = answers[3][0] = answers[4][0] = False
    write_csv([_structure(f"S{i}", answers[i], visites_guichet=100 * (i + 1), appels=50 * i, usagers=10 * (i + 1))
               for i in range(5)] + [_structure("S5", answers[0], visites_guichet=10)], tmp_path / "reseau.csv")
    money = ["--cout", "guichet=10", "--cout", "telephone=3"]
    per_user = {r["structure"]: float(r["cout_par_usager"]) for r in csv.DictReader(io.StringIO(
        run_cli("couts", str(tmp_path), *money, "--csv").stdout)) if r["cout_par_usager"]}
    assert set(per_user) == {"S0", "S1", "S2", "S3", "S4", "TOTAL"}  # S5 declares no users: left out
    result = run_cli("couts", str(tmp_path), *money, "--pratiques", "14,1", "--csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["question"], r["groupe"]) for r in rows] == [("14", "applique"), ("14", "n'applique pas"), ("1", "applique"),
                                                          ("1", "n'applique pas")]
    for row, members in zip(rows, (["S0", "S1"], ["S2", "S3"], ["S0", "S2"], ["S1", "S3", "S4"]), strict=True):
        assert int(row["structures"]) == len(members)
        assert float(row["moyenne"]) == pytest.approx(sum(per_user[m] for m in members) / len(members))
    assert float(rows[0]["ecart"]) == pytest.approx(float(rows[0]["moyenne"]) - float(rows[1]["moyenne"]))
    words = run_cli("couts", str(tmp_path), *money, "--pratiques")
    assert words.returncode == 0 and "Question 14 — Accuser réception" in words.stdout
    assert "2 structures qui appliquent la pratique" in words.stdout and "EUR" in words.stdout
    assert words.stdout.count("une association observée, pas la preuve d'un effet") == 4
    for arguments, message in [
        (["--pratiques", "14,37"], "« 37 » n'est pas un numéro de question (1 à 36)"),
        (["--pratiques", "14,²"], "« ² » n'est pas un numéro de question (1 à 36)"),
        (["--pratiques", ","], "donnez des numéros de questions"),
        (["--pratiques", "--deplacer", "guichet:web:10"], "--pratiques compare les structures de leurs autodiagnostics"),
    ]:
        refused = run_cli("couts", str(tmp_path), *money, *arguments)
        assert refused.returncode == 2 and message in refused.stderr and refused.stdout == ""
    taken = run_cli("couts", *money, "--pratiques", str(tmp_path))  # the folder after --pratiques
    assert taken.returncode == 2 and "donnez les autodiagnostics avant --pratiques, ou écrivez --pratiques=14,16" in taken.stderr


def test_practice_association_means_intervals_and_gap_by_hand():
    yes = [None] * 36
    yes[13] = True
    no = list(yes)
    no[13] = False
    diagnostics = [_structure(f"S{i}", yes if i < 3 else no) for i in range(6)] + [_structure("S6")]  # S6: blank
    rates = pd.DataFrame({"structure": [f"s{i}" for i in range(7)] + ["TOTAL"],  # names compared without case
                          "taux": [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 99.0, 0.0]})
    frame = practice_association(rates, answers_frame(diagnostics), questions=(14,))
    applies, lacks = frame.to_dict("records")
    assert (applies["groupe"], applies["structures"], applies["moyenne"]) == ("applique", 3, 20.0)
    assert (lacks["structures"], lacks["moyenne"]) == (3, 50.0)
    error = math.sqrt(100 / 3)  # standard deviation 10, three structures
    assert applies["ic_bas"] == pytest.approx(20 - 1.96 * error, abs=1e-3) and applies["ic_haut"] == pytest.approx(20 + 1.96 * error, abs=1e-3)
    assert applies["ecart"] == -30.0
    assert applies["ecart_ic_haut"] == pytest.approx(-30 + 1.96 * math.sqrt(2 * 100 / 3), abs=1e-3)
    assert applies["pratique"] == 15  # question 14 asks about practice 15


def test_costs_from_a_log_and_of_reiteration(tmp_path, monkeypatch):
    from contacts_lib.logs import load_log

    monkeypatch.setenv("CONTACTS_EFFICACES_CLE", "clé")
    log_path = tmp_path / "journal.csv"
    log_path.write_text(
        "structure;usager;horodatage;canal;motif\n"
        "A;u1;2026-01-01 10:00;guichet;m\nA;u1;2026-01-02 10:00;téléphone;m\nA;u2;2026-01-02 10:00;web;m\n"
        "B;u3;2026-01-01 10:00;guichet;m\n", encoding="utf-8")
    log = load_log(log_path)
    unit = costs.unit_costs(None, costs.cost_changes(["guichet=10", "telephone=3", "web=1"]))
    table = costs.costs_by_structure(costs.volumes_from_log(log), unit).set_index("structure")
    assert table.loc["A", "cout_total"] == 14 and table.loc["A", "usagers"] == 2 and table.loc["A", "cout_par_usager"] == 7
    repeats = costs.reiteration_costs(log, 7, unit).set_index("canal")
    assert repeats.loc["telephone", "reiterations"] == 1 and repeats.loc["TOTAL", "cout"] == 3


def test_a_logs_total_counts_each_person_once_in_the_command_as_on_the_page(tmp_path, monkeypatch):
    monkeypatch.setenv("CONTACTS_EFFICACES_CLE", "clé")
    log_path = tmp_path / "journal.csv"
    log_path.write_text(  # u1 is met in both structures: 3 people, not 4
        "structure;usager;horodatage;canal;motif\n"
        "A;u1;2026-01-01 10:00;guichet;m\nA;u2;2026-01-02 10:00;guichet;m\n"
        "B;u1;2026-01-01 10:00;guichet;m\nB;u3;2026-01-03 10:00;guichet;m\n", encoding="utf-8")
    result = run_cli("couts", "--journal", str(log_path), "--cout", "guichet=10", "--csv")
    assert result.returncode == 0, result.stderr
    rows = {r["structure"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert rows["A"]["usagers"] == "2" and rows["B"]["usagers"] == "2" and rows["TOTAL"]["usagers"] == "3"
    assert float(rows["TOTAL"]["cout_par_usager"]) == 40 / 3
