"""The ``contacts-efficaces`` command as a user runs it."""

import csv
import io

import pytest

from contacts_lib import write_csv, write_json, write_workbook
from contacts_lib.autodiagnostic.reference import example_path
from tests.samples import random_autodiagnostic, run_cli


def test_score_prints_the_worked_example_as_the_original_shows_it():
    result = run_cli("score", str(example_path()))
    assert result.returncode == 0, result.stderr
    header, row = result.stdout.splitlines()
    assert header.split() == ["Structure", "Orientation", "Excellence", "Pilotage", "Innovation", "Moyenne", "Réponses"]
    assert row.split()[-11:] == ["40", "%", "27", "%", "88", "%", "100", "%", "64", "%", "36/36"]


def test_score_csv_has_exact_columns_unrounded_values_in_input_order(tmp_path):
    samples = [random_autodiagnostic(seed) for seed in range(3)]
    write_csv(samples, tmp_path / "reseau.csv")
    write_workbook(samples[1], tmp_path / "une.xlsx")
    write_json(samples[2], tmp_path / "une.json")
    result = run_cli("score", "--csv", str(example_path()), str(tmp_path / "reseau.csv"),
                     str(tmp_path / "une.xlsx"), str(tmp_path / "une.json"))
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["structure", "orientation", "excellence", "pilotage", "innovation", "moyenne", "reponses"]
    assert [r[0] for r in rows[1:]] == ["Exemple du recueil (SGMAP, 2015)"] + [s.structure for s in samples] + [samples[1].structure, samples[2].structure]
    example = [float(v) for v in rows[1][1:6]]
    assert example == pytest.approx([40, 300 / 11, 87.5, 100, (40 + 300 / 11 + 87.5 + 100) / 4])
    assert rows[1][6] == "36"
    # The same answers give the same line, whatever the format they came in.
    assert rows[3] == rows[5] and rows[4] == rows[6]
    assert int(rows[2][6]) == samples[0].answered


def test_template_writes_a_workbook_and_refuses_to_overwrite(tmp_path):
    target = tmp_path / "modele.xlsx"
    assert run_cli("template", str(target)).returncode == 0
    first = target.read_bytes()
    again = run_cli("template", str(target))
    assert again.returncode == 2
    assert "existe déjà" in again.stderr and "--force" in again.stderr
    assert target.read_bytes() == first
    assert run_cli("template", "--force", str(target)).returncode == 0


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ((), "argument obligatoire manquant : COMMANDE"),
        (("noter",), "commande inconnue"),
        (("score",), "donnez au moins un fichier (ou dossier), ou une base avec --base."),
        (("enregistrer",), "argument obligatoire manquant : FICHIER"),
        (("app", "--port", "abc"), "--port attend un nombre entier"),
        (("template", "modele.ods"), "donnez un nom en .xlsx"),
        (("template", "/dossier/inexistant/modele.xlsx"), "le dossier /dossier/inexistant n'existe pas"),
        (("app", "--no-browser", "--ip", "300.1.2.3"), "adresse 300.1.2.3 invalide"),
        (("app", "--no-browser", "--ip", "192.0.2.1"), "l'adresse 192.0.2.1 n'est pas une adresse de cette machine"),
    ],
)
def test_usage_errors_are_french_and_exit_2(arguments, expected, tmp_path):
    result = run_cli(*arguments, cwd=tmp_path)
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_help_is_in_french():
    result = run_cli("score", "--help")
    assert result.returncode == 0
    assert "fichiers .json, .csv ou .xlsx" in result.stdout
    app = run_cli("app", "--help")
    assert "--ip ADRESSE" in app.stdout and "sans authentification" in " ".join(app.stdout.split())


def test_score_reads_folders_as_pratiques_and_reseau_do(tmp_path, capsys):
    """``score DOSSIER``: the folder's JSON, CSV and XLSX files, subfolders included, sorted (hidden
    files and other extensions left aside), in the readable table and with --csv alike; a bad
    file in a folder gets the message it gets when named."""
    from contacts_lib import cli

    folder = tmp_path / "reseau"
    (folder / "sous-dossier").mkdir(parents=True)
    samples = [random_autodiagnostic(seed) for seed in range(4)]
    write_csv(samples[:2], folder / "b.csv")
    write_json(samples[2], folder / "sous-dossier" / "a.json")
    write_workbook(samples[3], folder / "c.xlsx")
    write_json(samples[0], folder / ".cachee.json")
    (folder / "notes.txt").write_text("pas un autodiagnostic", encoding="utf-8")
    expected = [samples[0].structure, samples[1].structure, samples[3].structure, samples[2].structure]

    def run(*arguments):
        status = cli.main(list(arguments))
        return status, capsys.readouterr()

    status, output = run("score", "--csv", str(folder))
    assert status == 0 and output.err == ""
    rows = list(csv.reader(io.StringIO(output.out)))
    assert [row[0] for row in rows[1:]] == expected
    named = run("score", "--csv", str(folder / "b.csv"), str(folder / "c.xlsx"), str(folder / "sous-dossier" / "a.json"))
    assert named == (0, output)  # the same as the files named one by one
    status, table = run("score", str(folder), str(example_path()))
    assert status == 0 and table.err == ""
    assert [line[:15] for line in table.out.splitlines()[1:]] == [name[:15] for name in [*expected, "Exemple du recueil (SGMAP, 2015)"]]

    (folder / "d.json").write_text('{"structure": "CAF", ', encoding="utf-8")
    for csv_option in ([], ["--csv"]):
        status, output = run("score", *csv_option, str(folder))
        assert (status, output.out) == (2, "")
        assert output.err == f"contacts-efficaces : {folder}/d.json : JSON invalide ligne 1, colonne 22.\n"
    (tmp_path / "vide").mkdir()
    status, output = run("score", str(tmp_path / "vide"), str(tmp_path / "absent"))
    assert status == 2 and output.err.splitlines() == [
        f"contacts-efficaces : {tmp_path}/vide : aucun fichier .json, .csv, .xlsx dans ce dossier.",
        f"contacts-efficaces : {tmp_path}/absent : fichier ou dossier introuvable.",
    ]


@pytest.mark.parametrize(
    ("rights", "options", "secret", "expected"),
    [
        ("identifiant;role;perimetre\nx@y.fr;chef;A\n", ("--oidc-emetteur", "https://a.example", "--oidc-client", "c"), "s",
         "acces.csv, ligne 2, colonne role : « chef » inconnu"),
        (None, ("--oidc-emetteur", "https://a.example", "--oidc-client", "c"), None,
         "secret de client absent : mettez-le dans la variable d'environnement CONTACTS_EFFICACES_OIDC_SECRET."),
        (None, ("--oidc-emetteur", "http://a.example", "--oidc-client", "c"), "s",
         "l'adresse du service de connexion doit commencer par https://"),
        (None, (), "s", "--acces demande aussi --oidc-emetteur URL et --oidc-client ID"),
        (None, ("--oidc-emetteur", "https://a.example", "--oidc-client", "c", "--session-heures", "inf"), "s",
         "--session-heures inf : donnez un nombre d'heures entre 0 et 744"),
    ],
)
def test_the_app_with_sign_in_refuses_incomplete_settings_in_french_before_starting(tmp_path, rights, options, secret, expected):
    import os
    import subprocess
    import sys
    from pathlib import Path

    (tmp_path / "acces.csv").write_text(rights or "identifiant;role;perimetre\nx@y.fr;analyste;\n", encoding="utf-8")
    environment = {k: v for k, v in os.environ.items() if k != "CONTACTS_EFFICACES_OIDC_SECRET"}
    if secret:
        environment["CONTACTS_EFFICACES_OIDC_SECRET"] = secret
    script = Path(sys.executable).with_name("contacts-efficaces")
    result = subprocess.run([str(script), "app", "--no-browser", "--acces", "acces.csv", *options], cwd=tmp_path,
                            env=environment, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2 and expected in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""  # nothing started


def test_the_sign_in_options_mean_nothing_without_a_rights_file():
    result = run_cli("app", "--no-browser", "--oidc-client", "c")
    assert result.returncode == 2 and "--oidc-client n'a de sens qu'avec --acces ACCES.csv" in result.stderr
