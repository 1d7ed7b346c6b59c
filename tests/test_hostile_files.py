"""Hostile and messy files: one clear French message each, exit status 2, nothing half-written."""

import io
import json
import os
import zipfile

import pytest

from contacts_lib import InputError, parse_file, write_workbook
from contacts_lib.answers import QUESTION_KEYS
from contacts_lib.reference import example_path
from tests.samples import run_cli

HEADER = ",".join(["structure", *QUESTION_KEYS])


def _valid_xlsx(tmp_path) -> bytes:
    from contacts_lib import read_autodiagnostics

    write_workbook(read_autodiagnostics(example_path())[0], tmp_path / "ok.xlsx")
    return (tmp_path / "ok.xlsx").read_bytes()


CASES = {
    "wrong value": ("f.csv", (HEADER + "\nCAF," + ",".join(["OUI"] * 6 + ["peut-être"] + ["NON"] * 29)).encode(),
                    "f.csv, ligne 2, colonne q07 : réponse « peut-être » non reconnue"),
    "missing columns": ("f.csv", ("structure,q01,q02\nCAF,OUI,NON\n").encode(),
                        "colonne(s) obligatoire(s) manquante(s) : q03, q04"),
    "missing structure column": ("f.csv", (",".join(QUESTION_KEYS) + "\n" + ",".join(["OUI"] * 36)).encode(),
                                 "manquante(s) : structure"),
    "empty csv": ("f.csv", b"", "f.csv : le fichier est vide."),
    "blank csv": ("f.csv", b"\n\n  \r\n", "f.csv : le fichier est vide."),
    "header only": ("f.csv", (HEADER + "\n").encode(), "aucune structure"),
    "empty structure": ("f.csv", (HEADER + "\n," + ",".join(["OUI"] * 36)).encode(),
                        "f.csv, ligne 2, colonne structure : le nom de la structure est vide"),
    "short row": ("f.csv", (HEADER + "\nCAF,OUI\n").encode(), "f.csv, ligne 2 : 2 valeurs pour 37 colonnes"),
    "binary named csv": ("f.csv", bytes(range(256)) * 40, "f.csv : ce n'est pas un fichier texte CSV"),
    "undecodable csv": ("f.csv", (HEADER + "\nCAF\x81\x8d," + ",".join(["OUI"] * 36)).encode("latin-1"),
                        "f.csv : encodage non reconnu"),
    "huge csv cell": ("f.csv", (HEADER + "\n" + "A" * 300_000 + "," + ",".join(["OUI"] * 36)).encode(),
                      "f.csv, ligne 2 : CSV illisible (une cellule dépasse"),
    "huge answer": ("f.csv", (HEADER + "\nCAF," + "OUI" * 20_000 + "," + ",".join(["OUI"] * 35)).encode(),
                    "colonne q01 : réponse « OUIOUI"),
    "huge name": ("f.csv", (HEADER + "\n" + "N" * 5000 + "," + ",".join(["OUI"] * 36)).encode(),
                  "« Nom de la structure » est trop long (5000 caractères"),
    "duplicate column": ("f.csv", (HEADER + ",q07\nCAF," + ",".join(["OUI"] * 37)).encode(), "colonne en double : q07"),
    "invalid json": ("f.json", b'{"structure": "CAF", ', "f.json : JSON invalide ligne 1"),
    "json list": ("f.json", b"[1, 2]", "un seul objet"),
    "json without answers": ("f.json", b'{"structure": "CAF"}', "la clé « reponses » manque"),
    "json unknown question": ("f.json", b'{"structure": "CAF", "reponses": {"q37": "OUI"}}', "clé « q37 » inconnue"),
    "json bad answer": ("f.json", b'{"structure": "CAF", "reponses": {"q05": "bof"}}',
                        "f.json, clé « reponses.q05 » : réponse « bof » non reconnue"),
    "json latin-1": ("f.json", '{"structure": "Préfecture", "reponses": {}}'.encode("latin-1"), "pas encodé en UTF-8"),
    "empty json": ("f.json", b"", "f.json : le fichier est vide."),
    "empty xlsx": ("f.xlsx", b"", "f.xlsx : le fichier est vide."),
    "text named xlsx": ("f.xlsx", b"structure,q01\nCAF,OUI\n", "f.xlsx : classeur illisible"),
    "xlsx named csv": ("f.csv", b"PK\x03\x04" + b"\x00" * 100, "classeur Excel (XLSX), pas un CSV"),
    "old excel": ("f.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "format .xls non pris en charge"),
    "unknown extension": ("f.txt", b"hello", "extension « .txt » non reconnue"),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_hostile_file_gives_one_french_message_and_exit_2(case, tmp_path):
    name, content, expected = CASES[case]
    (tmp_path / name).write_bytes(content)
    # A good file first: its results must not be printed when a later file is bad.
    result = run_cli("score", "--csv", str(example_path()), name, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("contacts-efficaces : f.")
    assert expected in lines[0], lines[0]


def test_truncated_xlsx(tmp_path):
    content = _valid_xlsx(tmp_path)
    (tmp_path / "coupe.xlsx").write_bytes(content[: len(content) // 2])
    result = run_cli("score", "coupe.xlsx", cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip() == (
        "contacts-efficaces : coupe.xlsx : classeur illisible (fichier tronqué ou qui n'est pas au format XLSX)."
    )


def test_xlsx_without_the_answer_sheet(tmp_path):
    content = _valid_xlsx(tmp_path)
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/workbook.xml":
                data = data.replace(b'name="Autodiagnostic"', b'name="Feuil1"')
            target.writestr(item, data)
    (tmp_path / "autre.xlsx").write_bytes(buffer.getvalue())
    result = run_cli("score", "autre.xlsx", cwd=tmp_path)
    assert result.returncode == 2
    assert "feuille « Autodiagnostic » introuvable (feuilles présentes : Feuil1" in result.stderr


@pytest.mark.parametrize("name", ["absent.csv", "absent.json", "absent.xlsx"])
def test_missing_file(name, tmp_path):
    result = run_cli("score", name, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == f"contacts-efficaces : {name} : fichier introuvable."


def test_directory_given_as_a_file(tmp_path):
    (tmp_path / "dossier.csv").mkdir()
    result = run_cli("score", "dossier.csv", cwd=tmp_path)
    assert result.returncode == 2 and "c'est un dossier" in result.stderr


def test_template_is_never_half_written(tmp_path, monkeypatch):
    """A failure while saving leaves no partial file behind and keeps an existing one intact."""
    from contacts_lib.formats import xlsx_format

    target = tmp_path / "modele.xlsx"
    target.write_bytes(b"previous content")

    def broken_save(self, filename):
        with open(filename, "wb") as handle:
            handle.write(b"PK partial")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(xlsx_format.Workbook, "save", broken_save)
    with pytest.raises(InputError, match="écriture impossible \\(disque plein\\) ; rien n'a été modifié"):
        xlsx_format.write_workbook(None, target)
    assert target.read_bytes() == b"previous content"
    assert os.listdir(tmp_path) == ["modele.xlsx"]


def test_json_with_nested_header_value(tmp_path):
    (tmp_path / "f.json").write_text(json.dumps({"structure": {"nom": "CAF"}, "reponses": {}}), encoding="utf-8")
    result = run_cli("score", "f.json", cwd=tmp_path)
    assert result.returncode == 2 and "clé « structure » : valeur" in result.stderr


def test_template_onto_a_folder_is_a_french_error(tmp_path):
    (tmp_path / "dossier.xlsx").mkdir()
    result = run_cli("template", "--force", "dossier.xlsx", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "dossier.xlsx : c'est un dossier" in result.stderr


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_hostile_content_is_refused_by_the_parsers_too(case):
    """The app parses uploads without the file checks of the CLI: same French messages."""
    name, content, expected = CASES[case]
    with pytest.raises(InputError) as caught:
        parse_file(content, name)
    assert expected in str(caught.value)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'{"structure": "CAF", "usagers": ' + b"9" * 5000 + b', "reponses": {}}', "JSON illisible"),
        (b"[" * 100_000 + b"]" * 100_000, "JSON illisible"),
        (b'{"structure": "CAF", "usagers": ' + b"9" * 400 + b', "reponses": {}}', "n'est pas un nombre entier positif ou nul plausible"),
    ],
    ids=["long number", "deep nesting", "huge count"],
)
def test_json_numbers_and_nesting_that_python_cannot_take(content, expected):
    with pytest.raises(InputError, match=expected):
        parse_file(content, "f.json")
