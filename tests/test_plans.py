"""Plans d'actions across a network: every action as a row (``contacts-efficaces plan``), what
became of planned practices at the next campaign, late actions per réseau."""

import csv
import dataclasses
import datetime as dt
import io

from contacts_lib import Autodiagnostic, write_csv, write_json
from contacts_lib.autodiagnostic.followup import Action
from contacts_lib.autodiagnostic.reference import load_catalogue
from contacts_lib.network import Network, load_network
from contacts_lib.network.plans import late_by_reseau, practice_followup
from tests.samples import ROOT, run_cli

TODAY = dt.date(2026, 6, 1)
Q_OF_12 = load_catalogue().question_of_practice(12).number  # practice 12 is asked by question 11


def _answers(yes: set[int] = frozenset()) -> tuple[bool, ...]:
    return tuple(n in yes for n in range(1, 37))


def _campaigns() -> list[Autodiagnostic]:
    """A plans practice 12 in 2024 and applies it in 2025; B plans it and does not; C plans 12
    and 30 in 2025 only (its latest: due dates before and after TODAY); D has no plan."""
    def version(name, reseau, year, yes=frozenset(), plan=()):
        return Autodiagnostic(structure=name, answers=_answers(yes), date=dt.date(year, 3, 1), campagne=str(year),
                              reseau=reseau, plan=tuple(plan))

    twelve = Action(12, ("Former",), "Accueil", dt.date(2024, 12, 31), "en_cours", 3, 1)
    return [
        version("A", "CAF", 2024, plan=[twelve]),
        version("A", "CAF", 2025, yes={Q_OF_12}, plan=[dataclasses.replace(twelve, statut="fait")]),
        version("B", "CAF", 2024, plan=[twelve]),
        version("B", "CAF", 2025, plan=[dataclasses.replace(twelve, quand=dt.date(2025, 12, 31))]),
        version("C", "MSA", 2025, plan=[Action(12, quand=dt.date(2026, 5, 31)), Action(30, quand=dt.date(2026, 6, 1))]),
        version("D", "MSA", 2025),
    ]


def test_each_planned_practice_is_followed_to_the_next_campaign():
    network = Network(tuple(_campaigns()), ("f.csv",) * 6)
    table = practice_followup(network, TODAY).set_index("pratique")
    assert table.loc[12, ["planifiee", "en_retard", "suivies", "appliquees_ensuite"]].tolist() == [3, 2, 2, 1]
    assert table.loc[12, "taux"] == 50
    assert table.loc[30, ["planifiee", "en_retard", "suivies"]].tolist() == [1, 0, 0]  # due today: not late yet
    assert table["taux"].isna().sum() == 35


def test_late_actions_per_reseau_count_each_structure_s_latest_plan():
    network = Network(tuple(_campaigns()), ("f.csv",) * 6)
    late = late_by_reseau(network, TODAY).set_index("reseau")
    assert late.loc["CAF"].tolist() == [2, 2, 1, 1, 1]  # A's action is done; B's is open and late
    assert late.loc["MSA"].tolist() == [2, 1, 2, 1, 1]


def test_the_plan_command_lists_every_action_of_the_latest_versions_from_files_or_the_base(tmp_path):
    write_csv(_campaigns(), tmp_path / "reseau.csv")
    from_files = run_cli("plan", "--csv", "--date", "01/06/2026", str(tmp_path / "reseau.csv"))
    assert from_files.returncode == 0, from_files.stderr
    rows = list(csv.DictReader(io.StringIO(from_files.stdout)))
    assert [(r["structure"], r["pratique"], r["statut"], r["en_retard"], r["appliquee"]) for r in rows] == [
        ("A", "12", "fait", "NON", "OUI"), ("B", "12", "en_cours", "OUI", "NON"),
        ("C", "12", "a_faire", "OUI", "NON"), ("C", "30", "a_faire", "NON", "NON"),
    ]
    assert rows[0]["priorite"] == "3.0" and rows[0]["quand"] == "2024-12-31" and rows[0]["campagne"] == "2025"
    assert rows[0]["titre"] == load_catalogue().question_of_practice(12).practice.title
    base = tmp_path / "base.sqlite"
    assert run_cli("enregistrer", "--base", str(base), str(tmp_path / "reseau.csv")).returncode == 0
    from_base = run_cli("plan", "--csv", "--date", "01/06/2026", "--base", str(base))
    assert from_base.stdout == from_files.stdout
    shown = run_cli("plan", "--date", "01/06/2026", str(tmp_path / "reseau.csv"))
    assert shown.returncode == 0 and shown.stdout.endswith("4 actions au plan, 2 en retard au 01/06/2026.\n")
    assert "En cours — en retard" in shown.stdout and "Fait — appliquée" in shown.stdout


def test_the_plan_command_sorts_a_structure_s_actions_by_gain_over_effort(tmp_path):
    plan = (Action(3, gain=1, effort=3), Action(7, gain=3, effort=1), Action(9), Action(20, gain=2, effort=2))
    write_json(Autodiagnostic(structure="E", answers=_answers(), plan=plan), tmp_path / "e.json")
    result = run_cli("plan", "--csv", str(tmp_path / "e.json"))
    assert [r["pratique"] for r in csv.DictReader(io.StringIO(result.stdout))] == ["7", "20", "3", "9"]


def test_the_plan_command_says_when_there_is_nothing_and_refuses_a_bad_date(tmp_path):
    write_json(Autodiagnostic(structure="E", answers=_answers()), tmp_path / "e.json")
    assert run_cli("plan", str(tmp_path / "e.json")).stdout == "Aucune action au plan.\n"
    bad = run_cli("plan", "--date", "31/02/2026", str(tmp_path / "e.json"))
    assert bad.returncode == 2 and bad.stderr.endswith(
        "contacts-efficaces plan : erreur : --date : date « 31/02/2026 » illisible ; écrire par exemple 31/03/2026\n")


def test_the_sample_network_has_plans_some_achieved_at_the_next_campaign_and_some_late():
    network = load_network(ROOT / "data" / "reseau-synthetique")
    table = practice_followup(network, TODAY)
    assert 0 < table["appliquees_ensuite"].sum() < table["suivies"].sum()
    assert table["en_retard"].sum() > 0 and (table["planifiee"] > 0).sum() >= 30
    latest = network.latest()
    with_plans = [d for d in latest.diagnostics if d.plan]
    assert 0.5 < len(with_plans) / len(latest) < 0.9
    assert any(a.statut == "fait" for d in with_plans for a in d.plan)
