"""The rights file of a server with sign-in, and what each role may reach (contacts_lib.access)."""

from __future__ import annotations

import pytest

from contacts_lib.access import (
    ANALYST,
    MANAGER,
    NETWORK_HEAD,
    AccessList,
    current_access_list,
)
from contacts_lib.autodiagnostic.answers import Autodiagnostic
from contacts_lib.messages import InputError

RIGHTS = """identifiant;role;perimetre
Marie.Martin@caf-isere.fr ;gestionnaire;CAF de l'Isère
marie.martin@caf-isere.fr;gestionnaire;SP-38-001
paul.durand@cnaf.fr;tete_de_reseau;CAF
ana.lopez@dinum.gouv.fr;analyste;
"""


def diagnostic(name: str, reseau: str | None = None, code: str | None = None) -> Autodiagnostic:
    return Autodiagnostic(name, (None,) * 36, reseau=reseau, extra={"code_sp_de_la_structure": code} if code else {})


@pytest.fixture
def access(tmp_path) -> AccessList:
    path = tmp_path / "acces.csv"
    path.write_text(RIGHTS, encoding="utf-8")
    return AccessList.read(path)


def test_each_person_has_one_role_and_a_perimeter_compared_as_names_are(access):
    marie = access.person("  MARIE.martin@CAF-isere.fr")
    assert marie.role == MANAGER and marie.spellings == ("CAF de l'Isère", "SP-38-001")
    assert access.person("paul.durand@cnaf.fr").role == NETWORK_HEAD
    assert access.person("ana.lopez@dinum.gouv.fr").role == ANALYST
    assert access.person("inconnu@example.fr") is None


def test_a_manager_reaches_their_structures_by_name_or_code_and_nothing_else(access):
    marie = access.person("marie.martin@caf-isere.fr")
    assert marie.may_save(diagnostic("caf  de l'ISÈRE"), [])
    assert not marie.may_save(diagnostic("CAF du Rhône"), [])
    # a structure known by its Services Publics+ code: its saved versions carry it
    coded = [diagnostic("Maison France services de Voiron", code="SP-38-001")]
    assert marie.may_reach("Maison France services de Voiron", coded)
    assert marie.may_save(diagnostic("Maison France services de Voiron"), coded)
    assert not marie.may_reach("CAF du Rhône", [diagnostic("CAF du Rhône", code="SP-69-001")])
    assert not marie.may_open("reseau.ipynb") and marie.may_open("autodiagnostic.ipynb")


def test_a_network_head_reaches_the_structures_of_their_reseaux_only(access):
    paul = access.person("paul.durand@cnaf.fr")
    assert paul.may_save(diagnostic("CAF du Rhône", reseau="caf"), [])
    assert not paul.may_save(diagnostic("CPAM du Rhône", reseau="Assurance Maladie"), [])
    # typing their réseau on another network's structure does not make it theirs
    theirs_not = [diagnostic("CPAM du Rhône", reseau="Assurance Maladie")]
    assert not paul.may_save(diagnostic("CPAM du Rhône", reseau="CAF"), theirs_not)
    assert not paul.may_reach("CPAM du Rhône", theirs_not)
    assert paul.may_reach("CAF du Rhône", [diagnostic("CAF du Rhône", reseau="CAF")])
    assert paul.may_open("reseau.ipynb")


def test_an_analyst_reaches_everything(access):
    ana = access.person("ana.lopez@dinum.gouv.fr")
    assert ana.may_save(diagnostic("CPAM du Rhône", reseau="Assurance Maladie"), [diagnostic("CPAM du Rhône")])
    assert ana.sees_everything


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("identifiant;perimetre\nx@y.fr;A\n", "colonne manquante : role"),
        ("identifiant;role;perimetre\nx@y.fr;chef;A\n", "ligne 2, colonne role : « chef » inconnu"),
        ("identifiant;role;perimetre\nmarie;gestionnaire;A\n", "ligne 2, colonne identifiant : « marie » n'est pas une adresse"),
        ("identifiant;role;perimetre\nx@y.fr;gestionnaire;\n", "ligne 2, colonne perimetre : vide"),
        ("identifiant;role;perimetre\nx@y.fr;analyste;CAF\n", "ligne 2, colonne perimetre : un analyste voit tout"),
        ("identifiant;role;perimetre\nx@y.fr;analyste;\nX@y.fr;gestionnaire;A\n", "ligne 3 : x@y.fr a déjà le rôle analyste (ligne 2)"),
        ("identifiant;role;perimetre\n", "aucune personne"),
    ],
)
def test_a_bad_rights_file_is_refused_naming_its_row_and_value(tmp_path, content, expected):
    path = tmp_path / "acces.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as error:
        AccessList.read(path)
    assert expected in str(error.value) and "acces.csv" in str(error.value)


def test_the_rights_file_is_read_again_when_it_changes(tmp_path):
    path = tmp_path / "acces.csv"
    path.write_text("identifiant,role,perimetre\nx@y.fr,gestionnaire,A\n", encoding="utf-8")
    assert current_access_list(path).person("x@y.fr").role == MANAGER
    path.write_text("identifiant,role,perimetre\nx@y.fr,analyste,\nz@y.fr,analyste,\n", encoding="utf-8")
    assert current_access_list(path).person("x@y.fr").role == ANALYST


def test_a_manager_known_by_code_saves_the_first_version_the_code_names(tmp_path):
    path = tmp_path / "acces.csv"
    path.write_text("identifiant;role;perimetre\nx@y.fr;gestionnaire;SP-38-001\n", encoding="utf-8")
    person = AccessList.read(path).person("x@y.fr")
    assert person.may_save(diagnostic("Maison France services de Voiron", code="SP-38-001"), [])
    assert not person.may_save(diagnostic("Maison France services de Voiron"), [])


def test_the_app_compares_a_form_only_with_the_persons_own_reseaux(access):
    """A réseau of a few structures would give their scores away through the band's quartiles."""
    assert access.person("paul.durand@cnaf.fr").peers_reseau("CAF") == "CAF"
    assert access.person("paul.durand@cnaf.fr").peers_reseau("Assurance Maladie") is None
    assert access.person("marie.martin@caf-isere.fr").peers_reseau("CAF") is None
    assert access.person("ana.lopez@dinum.gouv.fr").peers_reseau("Assurance Maladie") == "Assurance Maladie"


def test_a_kernel_stops_acting_for_a_person_once_their_session_has_ended(tmp_path, monkeypatch):
    import time

    from contacts_lib.access import VISITORS_VARIABLE, visitor_identifiant

    monkeypatch.setenv(VISITORS_VARIABLE, str(tmp_path))
    (tmp_path / "k1").write_text(f"x@y.fr\n{time.time() + 3600:.0f}", encoding="utf-8")
    (tmp_path / "k2").write_text(f"x@y.fr\n{time.time() - 1:.0f}", encoding="utf-8")
    assert visitor_identifiant("k1") == "x@y.fr"
    assert visitor_identifiant("k2") is None
    assert visitor_identifiant("absent") is None
