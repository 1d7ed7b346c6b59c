"""A structure and the structures under it (Services Publics+ codes): the library, the command
line (``--parent``) and the network page."""

import csv
import io

import pandas as pd

from contacts_lib import Autodiagnostic, write_csv
from contacts_lib.network import Network, descendants, join_services_publics, lever_distribution
from contacts_lib.network.analyses import parents
from contacts_lib.network.page import NetworkPage, Source
from tests.samples import run_cli


def _structure(name, code, parent, yes=0, reseau="CAF"):
    return Autodiagnostic(structure=name, answers=tuple(n < yes for n in range(36)), reseau=reseau,
                          extra={"code_sp_de_la_structure": code, "code_sp_structure_parent": parent})


#: National head N; regional directions R1 (in the network) and R2 (only in the listing); local
#: structures under them; X elsewhere; a loop between L4 and L5.
NETWORK = [
    _structure("Caisse nationale", "N", "", 36), _structure("Direction Est", "R1", "n", 20),
    _structure("Agence A", "L1", "R1", 10), _structure("Agence B", " l2 ", "R1", 5),
    _structure("Agence C", "L3", "R2", 3), _structure("Autre", "X", "", 1, reseau="MSA"),
    _structure("Boucle 4", "L4", "L5", 2), _structure("Boucle 5", "L5", "L4", 2),
]
LISTING = pd.DataFrame({
    "code_sp_de_la_structure": ["R2"], "reseau": ["Caf"], "intitule_de_la_typologie": ["Direction régionale"],
    "intitule_de_la_structure": ["Direction Ouest"], "code_sp_structure_parent": ["N"],
})


def _names(network, identifiers):
    return sorted(network.diagnostic(i).structure for i in identifiers)


def test_descendants_follow_the_tree_down_whatever_the_case_and_through_levels_only_the_listing_knows():
    network = Network(tuple(NETWORK), ("f.csv",) * len(NETWORK))
    structures = network.structures
    assert _names(network, descendants(structures, "r1")) == ["Agence A", "Agence B", "Direction Est"]
    assert _names(network, descendants(structures, "N")) == ["Agence A", "Agence B", "Caisse nationale", "Direction Est"]
    assert _names(network, descendants(structures, "N", listing=LISTING)) == [
        "Agence A", "Agence B", "Agence C", "Caisse nationale", "Direction Est"]
    assert _names(network, descendants(structures, "L4")) == ["Boucle 4", "Boucle 5"]  # a loop ends
    assert descendants(structures, "inconnu").empty
    # A structure whose file does not say its parent: the export's listing does.
    orphan = Network(tuple(NETWORK) + (_structure("Agence D", "L9", ""),), ("f.csv",) * (len(NETWORK) + 1))
    listing = pd.concat([LISTING, pd.DataFrame({"code_sp_de_la_structure": ["L9"], "reseau": ["Caf"],
                         "intitule_de_la_typologie": ["Agence"], "intitule_de_la_structure": ["Agence D"],
                         "code_sp_structure_parent": ["R1"]})])
    assert "Agence D" not in _names(orphan, descendants(orphan.structures, "R1"))
    joined = join_services_publics(orphan.structures, listing)
    assert "Agence D" in _names(orphan, descendants(joined, "R1"))
    assert parents(structures).set_index("code").loc["N", "structures"] == 4


def test_reseau_and_pratiques_with_parent_are_the_analyses_of_the_subtree(tmp_path):
    write_csv(NETWORK, tmp_path / "reseau.csv")
    result = run_cli("reseau", "--csv", "--parent", "R1", str(tmp_path / "reseau.csv"))
    assert result.returncode == 0, result.stderr
    rows = {r["levier"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    subset = Network(tuple(NETWORK[1:4]), ("f",) * 3)
    expected = lever_distribution(subset.scores).set_index("levier")
    assert rows["moyenne"]["structures"] == "3"
    assert float(rows["moyenne"]["mediane"]) == expected.loc["moyenne", "mediane"]
    base = tmp_path / "base.sqlite"
    assert run_cli("enregistrer", "--base", str(base), str(tmp_path / "reseau.csv")).returncode == 0
    assert run_cli("reseau", "--csv", "--parent", "R1", "--base", str(base)).stdout == result.stdout
    shown = run_cli("pratiques", "--parent", "r1", str(tmp_path / "reseau.csv"))
    assert shown.stdout.startswith("Sous r1 (Direction Est) : 3 structures.\n")
    missing = run_cli("reseau", "--parent", "Z9", str(tmp_path / "reseau.csv"))
    assert missing.returncode == 2 and missing.stderr == (
        "contacts-efficaces : --parent « Z9 » : aucune structure de ce code ni sous lui (les fichiers ou la base "
        "doivent avoir les colonnes code_sp_de_la_structure et code_sp_structure_parent).\n")


def test_the_network_page_shows_a_parent_with_the_structures_under_it():
    page = NetworkPage(Source(Network(tuple(NETWORK), ("f",) * len(NETWORK)), "test", False))
    labels = dict((value, label) for label, value in page.parent.options)
    assert labels["R1"] == "Direction Est (R1) et les 2 structures sous elle"
    page.parent.value = "R1"
    assert sorted(page.view().structures["structure"]) == ["Agence A", "Agence B", "Direction Est"]
    assert "3 structures" in page.headline.value.replace("\u202f", " ").replace("\u00a0", " ")
    page.parent.value = "__tous__"
    assert len(page.view()) == len(NETWORK)
    plain = NetworkPage(Source(Network((Autodiagnostic(structure="S", answers=(True,) * 36),), ("f",)), "test", False))
    assert plain.parent.layout.display == "none"  # no codes: no such filter


def test_under_a_parent_a_campaign_keeps_the_structures_whose_direction_did_not_answer_it():
    import dataclasses

    both = [dataclasses.replace(d, campagne="2024") for d in NETWORK[:4]]
    later = [dataclasses.replace(d, campagne="2025") for d in (NETWORK[0], NETWORK[2], NETWORK[3])]  # R1 skipped 2025
    page = NetworkPage(Source(Network(tuple(both + later), ("f",) * 7), "test", False))
    page.campagne.value = "2025"
    page.parent.value = "N"
    assert sorted(page.view().structures["structure"]) == ["Agence A", "Agence B", "Caisse nationale"]
