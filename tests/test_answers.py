"""Answers and header values accepted as a person means them, rejected with a French message."""

import datetime as dt

import pytest

from contacts_lib.autodiagnostic.answers import build_autodiagnostic, parse_answer
from contacts_lib.messages import InputError


@pytest.mark.parametrize("value", ["OUI", "Oui", "oui", " oui ", "O", "o", "yes", "Y", "1", "vrai", "TRUE", 1, 1.0, True])
def test_yes_forms(value):
    assert parse_answer(value, "ici") is True


@pytest.mark.parametrize("value", ["NON", "Non", " non ", "N", "no", "0", "faux", "False", 0, 0.0, False])
def test_no_forms(value):
    assert parse_answer(value, "ici") is False


@pytest.mark.parametrize("value", [None, "", "   ", "\u00a0"])
def test_blank_is_unanswered(value):
    assert parse_answer(value, "ici") is None


@pytest.mark.parametrize("value", ["peut-être", "OUI NON", "2", 2, -1, "ouii", "x" * 5000])
def test_other_values_are_rejected_naming_place_and_value(value):
    with pytest.raises(InputError) as caught:
        parse_answer(value, "fichier.csv, ligne 3, colonne q07")
    message = str(caught.value)
    assert message.startswith("fichier.csv, ligne 3, colonne q07 : réponse « ")
    assert "attendu OUI ou NON" in message
    assert len(message) < 300  # a huge cell is quoted shortly


def _build(**header):
    return build_autodiagnostic(header, {}, lambda key: f"où:{key}")


def test_header_values_are_read_as_a_person_writes_them():
    diagnostic = _build(structure="  CAF  ", date="15/06/2015", usagers="125 000", appels="310000.0", courriels=9000.0)
    assert diagnostic.structure == "CAF"
    assert diagnostic.date == dt.date(2015, 6, 15)
    assert (diagnostic.usagers, diagnostic.appels, diagnostic.courriels) == (125000, 310000, 9000)
    assert diagnostic.answers == (None,) * 36 and diagnostic.answered == 0


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ({"structure": ""}, "où:structure : le nom de la structure est vide"),
        ({"structure": "A", "date": "32/13/2015"}, "où:date : « Date de réalisation » « 32/13/2015 » n'est pas une date"),
        ({"structure": "A", "usagers": "-5"}, "où:usagers : « Nombre d'usagers (si connu) » « -5 » n'est pas un nombre entier"),
        ({"structure": "A", "appels": "beaucoup"}, "où:appels :"),
        ({"structure": "A", "appels": 12.5}, "où:appels :"),
        ({"structure": "S" * 300}, "où:structure : « Nom de la structure » est trop long (300 caractères"),
    ],
)
def test_bad_header_values_are_rejected(header, expected):
    with pytest.raises(InputError, match="^" + expected.replace("(", r"\(").replace(")", r"\)")):
        _build(**header)
