"""An analysis given the wrong table, a missing column or an unknown identifier says so in French,
naming the function, the argument and what was expected (never a bare KeyError or AttributeError)."""

from __future__ import annotations

import pytest

from contacts_lib import costs
from contacts_lib.frames import FrameError, UnknownAutodiagnostic
from contacts_lib.logs import (
    load_log,
    practice_association,
    reiteration_by,
    reiteration_paths,
)
from contacts_lib.network import (
    adoption,
    adoption_heatmap_svg,
    campaigns_of,
    join_services_publics,
    keep,
    latest,
    lever_boxes_svg,
    lever_distribution,
    load_network,
    peer_standing,
    progress,
    weakest_practices,
)
from tests.samples import ROOT

STRUCTURES = "la table des structures (Network.structures)"
ANSWERS = "la table des réponses (Network.answers)"
SCORES = "la table des scores (Network.scores)"


@pytest.fixture(scope="module")
def network():
    return load_network(ROOT / "data" / "exemples" / "reseau-exemple.csv").latest()


def test_the_issues_cases_are_said_in_french(network):
    """``weakest_practices(…, peers)`` given the structures, ``practice_association`` given
    ``Autodiagnostic`` objects: what the issue reported, now one clear message each."""
    with pytest.raises(FrameError) as caught:
        weakest_practices(network.answers, 1, network.structures)
    assert str(caught.value) == (
        f"weakest_practices, argument « peers » : attendu {ANSWERS} ; colonnes manquantes : question, pratique, levier, "
        f"reponse ; c'est {STRUCTURES}.")
    rates = network.structures[["structure"]].assign(taux=10.0)
    with pytest.raises(FrameError) as caught:
        practice_association(rates, network.diagnostics)
    assert str(caught.value).startswith(f"practice_association, argument « answers » : attendu {ANSWERS}, pas « (Autodiagnostic(")
    assert str(caught.value).endswith(" (de type tuple).")


@pytest.mark.parametrize(("call", "message"), [
    (lambda n: adoption(n.scores), f"adoption, argument « answers » : attendu {ANSWERS} ; colonnes manquantes : question, "
                                   f"pratique, reponse ; c'est {SCORES}."),
    (lambda n: adoption(n.answers, by="departement"),
     "adoption, argument « by » : 'departement' inconnu (au choix : reseau, region, campagne ou None)."),
    (lambda n: lever_distribution(n.answers), f"lever_distribution, argument « scores » : attendu {SCORES} ; colonnes "
                                              "manquantes : questions, appliquees, repondues, pourcentage, arrondi ; "
                                              f"c'est {ANSWERS}."),
    (lambda n: peer_standing(n.structures, 1), f"peer_standing, argument « scores » : attendu {SCORES} ; "),
    (lambda n: progress(n.scores, n.structures, 0, 1), f"progress, argument « answers » : attendu {ANSWERS} ; "),
    (lambda n: campaigns_of(n.answers, "CAF"), f"campaigns_of, argument « structures » : attendu {STRUCTURES} ; "),
    (lambda n: latest(n.scores), f"latest, argument « structures » : attendu {STRUCTURES} ; "),
    (lambda n: keep([1, 2], [0]), "keep, argument « frame » : attendu une table du réseau (Network.structures, "
                                  "Network.answers ou Network.scores), pas « [1, 2] » (de type list)."),
    (lambda n: join_services_publics(n.structures, n.structures),
     "join_services_publics, argument « listing » : attendu une liste de structures au format de l'export Services "
     "Publics+ ; colonnes manquantes : code_sp_de_la_structure, intitule_de_la_typologie, intitule_de_la_structure ; "),
    (lambda n: lever_boxes_svg(adoption(n.answers)), "lever_boxes_svg, argument « distribution » : attendu la distribution "
                                                     "des leviers (lever_distribution) ; colonnes manquantes : levier, "
                                                     "minimum, q1, mediane, q3, maximum ; c'est la table d'adoption des "
                                                     "pratiques (adoption)."),
    (lambda n: adoption_heatmap_svg(adoption(n.answers)), "adoption_heatmap_svg, argument « table » : attendu la table "
                                                          "d'adoption des pratiques (adoption) ; colonne manquante : reseau ; "),
    (lambda n: practice_association(n.structures.rename(columns={"structure": "nom"}), n.answers),
     "practice_association, argument « per_structure » : attendu une table par structure (reiteration_by(journal, "
     "\"structure\", N) ou costs_by_structure) ; colonnes manquantes : structure, taux ; colonnes présentes : autodiagnostic, "
     "nom, date, "),
    (lambda n: practice_association(n.structures[["structure"]].assign(taux=1.0), n.answers, questions=[37]),
     "practice_association, argument « questions » : 37 n'est pas un numéro de question (1 à 36)."),
    (lambda n: costs.volumes_from_autodiagnostics(n.answers),
     f"volumes_from_autodiagnostics, argument « structures » : attendu {STRUCTURES} ; "),
    (lambda n: costs.costs_by_structure(n.structures, costs.unit_costs("socitm-2010")),
     "costs_by_structure, argument « volumes » : attendu la table des volumes (volumes_from_autodiagnostics ou "
     f"volumes_from_log) ; colonnes manquantes : canal, contacts ; c'est {STRUCTURES}."),
    (lambda n: costs.what_if(costs.volumes_from_autodiagnostics(n.structures), {"web": 1}, "guichet", "web", 10),
     "what_if, argument « costs » : attendu des coûts unitaires (unit_costs ou presets), pas « {'web': 1} » (de type dict)."),
    (lambda n: costs.channel_costs(n.scores, costs.unit_costs("socitm-2010")), "channel_costs, argument « volumes » : "),
    (lambda n: reiteration_by(n.answers, "canal", 15), "reiteration_by, argument « log » : attendu un journal de contacts "
                                                       "(load_log), pas une table de colonnes autodiagnostic, structure, "),
    (lambda n: reiteration_paths("journal.csv", 15), "reiteration_paths, argument « log » : attendu un journal de contacts "
                                                     "(load_log), pas « journal.csv » (de type str)."),
    (lambda n: costs.distinct_users(n.structures), "distinct_users, argument « log » : attendu un journal de contacts "),
    (lambda n: costs.volumes_from_log("journal.csv"), "volumes_from_log, argument « log » : "),
    (lambda n: costs.reiteration_costs(None, 15, costs.unit_costs("socitm-2010")), "reiteration_costs, argument « log » : "),
])
def test_a_wrong_table_names_what_was_expected(network, call, message):
    with pytest.raises(FrameError) as caught:
        call(network)
    assert str(caught.value).startswith(message), str(caught.value)
    assert "\n" not in str(caught.value)


def test_an_unknown_identifier_is_said_with_those_the_table_holds(network):
    held = "identifiants présents : 0, 1, 2"
    for call, where in [
        (lambda: peer_standing(network.scores, 7), "peer_standing, argument « autodiagnostic »"),
        (lambda: weakest_practices(network.answers, 7, network.answers), "weakest_practices, argument « autodiagnostic »"),
        (lambda: progress(network.scores, network.answers, 0, 7), "progress, argument « after »"),
        (lambda: progress(network.scores, network.answers, "0", 1), "progress, argument « before »"),
        (lambda: network.select([0, 7]), "Network.select, argument « autodiagnostics »"),
        (lambda: network.diagnostic(7), "Network.diagnostic, argument « identifier »"),
    ]:
        with pytest.raises(UnknownAutodiagnostic) as caught:
            call()
        assert str(caught.value).startswith(f"{where} : aucun autodiagnostic d'identifiant "), str(caught.value)
        assert f"({held}) ; l'identifiant est la colonne « autodiagnostic » des tables du réseau." in str(caught.value)


def test_a_log_is_what_the_logs_analyses_take(monkeypatch):
    monkeypatch.setenv("CONTACTS_EFFICACES_CLE", "clé")
    log = load_log(ROOT / "data" / "journal-synthetique" / "journal.csv")
    assert reiteration_by(log, "canal", 15).iloc[-1]["contacts"] == log.rows
    assert costs.distinct_users(log) > 0
