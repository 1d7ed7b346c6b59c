"""Hostile and messy files, as a table: what each one holds and the exact French message it must get.

Each case is a file name, a way to make the file in a folder, and the message (what follows
« contacts-efficaces : » on stderr). ``upload`` says whether the app can be handed the same bytes
(files that are not regular files, or that only exist as names, cannot be uploaded).
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from contacts_lib.autodiagnostic.answers import QUESTION_KEYS
from contacts_lib.formats.xlsx_format import header_row, question_row

EXPECTED_ANSWER = "attendu OUI ou NON (ou vide si la question n'a pas encore de réponse)."


@dataclass(frozen=True)
class Case:
    id: str
    name: str
    make: Callable[[Path], None]  # writes the file ``name`` in the given folder
    message: str
    upload: bool = True
    #: The command that reads it (score --csv reads a CSV by columns; the network commands, the
    #: app and every other format read it row by row, with their own limit).
    command: tuple[str, ...] = ("score", "--csv")

    def content(self, folder: Path) -> bytes:
        self.make(folder)
        return (folder / self.name).read_bytes()


def _bytes(content: bytes | Callable[[], bytes]):
    def make(folder: Path, name: str) -> None:
        (folder / name).write_bytes(content() if callable(content) else content)

    return make


CASES: list[Case] = []


def case(id: str, name: str, content, message: str, upload: bool = True, command: tuple[str, ...] = ("score", "--csv")) -> None:
    if callable(content) and content.__code__.co_argcount == 1:
        make = lambda folder, content=content: content(folder / name)  # noqa: E731
    else:
        writer = _bytes(content)
        make = lambda folder, writer=writer: writer(folder, name)  # noqa: E731
    assert id not in {c.id for c in CASES}, id
    CASES.append(Case(id, name, make, message, upload, command))


# --------------------------------------------------------------------------- values refused everywhere

#: Texts the library refuses as an answer (the workbook's formulas do not count them either).
REFUSED_SPELLINGS = [
    "ＯＵＩ", "ｏｕｉ", "ouı", "OUİ", "OUI\u200b", "\u200bNON", "N\u2060ON", "O UI", "OUI.", "«OUI»", "'OUI",
    "\u2003OUI", "OUI\u2009", "NON\u00ad", "Oui\u0301", "2", "-1", "OUI NON", "yeſ", "ＴＲＵＥ", "oui!", "nOn?",
]
#: The same as they appear in a message (invisible characters written as escapes).
SHOWN = {
    "OUI\u200b": "OUI\\u200b", "\u200bNON": "\\u200bNON", "N\u2060ON": "N\\u2060ON",
}

FORBIDDEN_NAMES = {  # name → (what the message calls the character, its position)
    "\x1b[31mCAF": ("caractère de contrôle U+001B", 1),
    "CAF\tIsère": ("tabulation", 4),
    "CAF\nIsère": ("saut de ligne", 4),
    "CAF\rIsère": ("retour chariot", 4),
    "C\x7fAF": ("caractère de contrôle U+007F", 2),
    "C\x85AF": ("caractère de contrôle U+0085", 2),
    "CAF\u202eerèsI": ("U+202E, changement de sens d'écriture", 4),
    "\u2066CAF": ("U+2066, changement de sens d'écriture", 1),
}
BAD_DATES = ["31/02/2015", "2015-13-01", "hier", "15/06/2015 10:00", "2015/06/15", "15 juin 2015"]
BAD_COUNTS = ["-5", "1,5", "douze", "1e3", "12 000,5", "0x10"]


def _shown(text: str) -> str:
    from contacts_lib.messages import visible

    return visible(text)


# --------------------------------------------------------------------------- CSV

HEADER = ["structure", "date", "usagers", *QUESTION_KEYS]


def csv_bytes(structure="CAF", date="", usagers="", answers=None, encoding="utf-8", separator=",") -> bytes:
    answers = answers or ["OUI"] * 36

    def cell(value: str) -> str:
        return '"' + value.replace('"', '""') + '"' if any(c in value for c in f'"\n\r{separator}') else value

    rows = [HEADER, [structure, date, usagers, *answers]]
    return "\n".join(separator.join(cell(v) for v in row) for row in rows).encode(encoding) + b"\n"


def _answer_at(position: int, value: str) -> list[str]:
    answers = ["OUI"] * 36
    answers[position - 1] = value
    return answers


for number, spelling in enumerate(REFUSED_SPELLINGS):
    case(f"csv answer {number}", "f.csv", csv_bytes(answers=_answer_at(7, spelling)),
         f"f.csv, ligne 2, colonne q07 : réponse « {SHOWN.get(spelling, _shown(spelling))} » non reconnue ; {EXPECTED_ANSWER}")
for number, (name, (what, position)) in enumerate(FORBIDDEN_NAMES.items()):
    case(f"csv name {number}", "f.csv", csv_bytes(structure=name),
         f"f.csv, ligne {2} , colonne structure : « Nom de la structure » contient un caractère interdit "
         f"({what}, position {position}) : « {_shown(name.strip())} ».".replace("ligne 2 ,", "ligne 2,"))
for number, date in enumerate(BAD_DATES):
    case(f"csv date {number}", "f.csv", csv_bytes(date=date),
         f"f.csv, ligne 2, colonne date : « Date de réalisation » « {date} » n'est pas une date ; "
         "écrire par exemple 15/06/2015 ou 2015-06-15.")
for number, count in enumerate(BAD_COUNTS):
    case(f"csv count {number}", "f.csv", csv_bytes(usagers=count),
         f"f.csv, ligne 2, colonne usagers : « Nombre d'usagers (si connu) » « {count} » n'est pas un nombre "
         "entier positif ou nul.")
case("csv count implausible", "f.csv", csv_bytes(usagers="99999999999999"),
     "f.csv, ligne 2, colonne usagers : « Nombre d'usagers (si connu) » « 99999999999999 » n'est pas un "
     "nombre entier positif ou nul plausible.")
case("csv name too long", "f.csv", csv_bytes(structure="N" * 5000),
     "f.csv, ligne 2, colonne structure : « Nom de la structure » est trop long (5000 caractères, 200 au plus) : "
     "« " + "N" * 60 + "… (5000 caractères) ».")
case("csv empty name", "f.csv", csv_bytes(structure=""),
     "f.csv, ligne 2, colonne structure : le nom de la structure est vide ; il est obligatoire.")
case("csv blank name", "f.csv", csv_bytes(structure=" \u00a0 "),
     "f.csv, ligne 2, colonne structure : le nom de la structure est vide ; il est obligatoire.")

_GOOD_ROW = ",".join(["CAF", "", "", *["OUI"] * 36])
_HEADER_LINE = ",".join(HEADER)
case("csv empty", "f.csv", b"", "f.csv : le fichier est vide.")
case("csv blank", "f.csv", b"\n\n  \r\n\t\n", "f.csv : le fichier est vide.")
case("csv header only", "f.csv", (_HEADER_LINE + "\n").encode(),
     "f.csv : aucune structure (l'en-tête est là, mais aucune ligne de réponses).")
case("csv header and blank rows", "f.csv", (_HEADER_LINE + "\n,,,\n\n").encode(),
     "f.csv : aucune structure (l'en-tête est là, mais aucune ligne de réponses).")
case("csv missing questions", "f.csv", b"structure,q01,q02\nCAF,OUI,NON\n",
     "f.csv : colonnes obligatoires manquantes : q03, q04, q05, q06, q07, q08, q09, q10 … (séparateur lu : « , »).")
case("csv missing structure", "f.csv", (",".join(QUESTION_KEYS) + "\n" + ",".join(["OUI"] * 36) + "\n").encode(),
     "f.csv : colonne obligatoire manquante : structure (séparateur lu : « , »).")
case("csv one question missing", "f.csv", (",".join(["structure", *QUESTION_KEYS[:-1]]) + "\nCAF" + ",OUI" * 35 + "\n").encode(),
     "f.csv : colonne obligatoire manquante : q36 (séparateur lu : « , »).")
case("csv wrong declared separator", "f.csv", b"sep=|\n" + csv_bytes(),
     "f.csv : colonnes obligatoires manquantes : structure, q01, q02, q03, q04, q05, q06, q07 … (séparateur lu : « | »).")
case("csv duplicate column", "f.csv", (_HEADER_LINE + ",q07\n" + _GOOD_ROW + ",OUI\n").encode(),
     "f.csv, ligne 1 : colonne en double : q07.")
case("csv duplicate column spelled differently", "f.csv", (_HEADER_LINE + ", Q7 \n" + _GOOD_ROW + ",OUI\n").encode(),
     "f.csv, ligne 1 : colonne en double : q07.")
case("csv duplicate structure column", "f.csv", (_HEADER_LINE + ",Structure\n" + _GOOD_ROW + ",CAF\n").encode(),
     "f.csv, ligne 1 : colonne en double : structure.")
case("csv too many columns", "f.csv", (",".join(f"c{i}" for i in range(60_000)) + "\n").encode(),
     "f.csv, ligne 1 : trop de colonnes (60\u202f000 ; 1\u202f000 au plus).")
case("csv line too long", "f.csv", (_HEADER_LINE + "\n" + "x" * 1_000_001 + "\n").encode(),
     "f.csv, ligne 2 : ligne trop longue (plus de 1\u202f000\u202f000 caractères).")
case("csv too many structures", "f.csv", lambda: (_HEADER_LINE + "\n" + (_GOOD_ROW + "\n") * 100_001).encode(),
     "f.csv, ligne 100002 : trop de structures (plus de 100\u202f000) ; découpez le fichier.", command=("pratiques",))
case("csv too many lines", "f.csv", lambda: (_HEADER_LINE + "\n" + _GOOD_ROW + "\n" + "\n" * 3_000_000).encode(),
     "f.csv : trop de lignes (plus de 3\u202f000\u202f000).")
case("csv short row", "f.csv", (_HEADER_LINE + "\nCAF,OUI\n").encode(), "f.csv, ligne 2 : 2 valeurs pour 39 colonnes d'en-tête.")
case("csv long row", "f.csv", (_HEADER_LINE + "\n" + _GOOD_ROW + ",NON\n").encode(),
     "f.csv, ligne 2 : 40 valeurs pour 39 colonnes d'en-tête.")
case("csv long row after many blanks", "f.csv", (_HEADER_LINE + "\n" + _GOOD_ROW + "," * 300_000 + "x\n").encode(),
     "f.csv, ligne 2 : 300\u202f039 valeurs pour 39 colonnes d'en-tête.")
case("csv 99 MB of separators", "f.csv", lambda: (_HEADER_LINE + "\n" + ("," * 999_990 + "\n") * 99).encode(),
     "f.csv : aucune structure (l'en-tête est là, mais aucune ligne de réponses).")
case("csv unclosed quote", "f.csv", (_HEADER_LINE + '\n"CAF,' + ",".join(["OUI"] * 38) + "\n" + _GOOD_ROW + "\n").encode(),
     "f.csv, ligne 2 : 1 valeur pour 39 colonnes d'en-tête (un guillemet « \" » n'est peut-être pas refermé).")
case("csv huge cell", "f.csv", (_HEADER_LINE + "\n" + "A" * 300_000 + ",,," + ",".join(["OUI"] * 36) + "\n").encode(),
     "f.csv, ligne 2 : CSV illisible (une cellule dépasse 131\u202f072 caractères).")
case("csv binary", "f.csv", bytes(range(256)) * 40, "f.csv, ligne 1 : ce n'est pas un fichier texte CSV (octet nul : contenu binaire).")
case("csv NUL late", "f.csv", (_HEADER_LINE + "\n" + (_GOOD_ROW + "\n") * 2000).encode() + b"CAF\x00," + b"OUI," * 35 + b"OUI\n",
     "f.csv, ligne 2002 : ce n'est pas un fichier texte CSV (octet nul : contenu binaire).")
case("csv mixed encodings", "f.csv", csv_bytes(structure="Préfecture") + ("Mairie de Sète," * 3).encode("cp1252") + b"\n",
     "f.csv : encodages mélangés : la ligne 2 est en UTF-8 (« é ») mais la ligne 3 contient l'octet 0xE8, qui n'est "
     "pas de l'UTF-8 ; enregistrez le fichier à nouveau en CSV UTF-8.")
case("csv undefined cp1252 byte", "f.csv", csv_bytes(structure="CAF\x81".encode("latin-1").decode("latin-1"), encoding="latin-1"),
     "f.csv, ligne 2 : encodage non reconnu (octet 0x81) ; enregistrez le fichier en CSV UTF-8 ou Windows (cp1252).")
case("csv BOM then cp1252", "f.csv", b"\xef\xbb\xbf" + csv_bytes(structure="Préfecture", encoding="cp1252"),
     "f.csv, ligne 2 : octet 0xE9 invalide dans un fichier marqué UTF-8 ; enregistrez-le à nouveau en CSV UTF-8.")
case("csv UTF-16 cut", "f.csv", "\ufeffstructure".encode("utf-16-le") + b"\x00",
     "f.csv : fichier UTF-16 illisible (tronqué ou endommagé).")
case("csv that is a workbook", "f.csv", b"PK\x03\x04" + b"\x00" * 100,
     "f.csv : ce fichier est un classeur Excel (XLSX), pas un CSV ; donnez-lui l'extension .xlsx.")
case("csv answers shifted", "f.csv", (_HEADER_LINE + "\nCAF,,,," + ",".join(["OUI"] * 36) + "\n").encode(),
     "f.csv, ligne 2 : 40 valeurs pour 39 colonnes d'en-tête.")


# --------------------------------------------------------------------------- JSON


def json_bytes(text: str | None = None, **document) -> bytes:
    if text is not None:
        return text.encode("utf-8")
    base = {"structure": "CAF", "reponses": {"q01": "OUI"}}
    base.update(document)
    return json.dumps(base, ensure_ascii=False).encode("utf-8")


for number, spelling in enumerate(REFUSED_SPELLINGS):
    case(f"json answer {number}", "f.json", json_bytes(reponses={"q05": spelling}),
         f"f.json, clé « reponses.q05 » : réponse « {SHOWN.get(spelling, _shown(spelling))} » non reconnue ; {EXPECTED_ANSWER}")
for number, value in enumerate([2, -1, 0.5, [], {}]):
    case(f"json answer value {number}", "f.json", json_bytes(reponses={"q05": value}),
         f"f.json, clé « reponses.q05 » : réponse « {value!r} » non reconnue ; {EXPECTED_ANSWER}")
for number, (name, (what, position)) in enumerate(FORBIDDEN_NAMES.items()):
    case(f"json name {number}", "f.json", json_bytes(structure=name),
         f"f.json, clé « structure » : « Nom de la structure » contient un caractère interdit "
         f"({what}, position {position}) : « {_shown(name.strip())} ».")
case("json lone surrogate name", "f.json", b'{"structure": "CAF \\ud800", "reponses": {}}',
     "f.json, clé « structure » : « Nom de la structure » contient un caractère interdit "
     "(U+D800, demi-caractère isolé, position 5) : « CAF \\ud800 ».")
case("json lone surrogate kept column", "f.json", b'{"structure": "CAF", "note": "\\udfff", "reponses": {}}',
     "f.json, clé « note » : « \\udfff » n'est pas du texte (caractère nul ou demi-caractère isolé).")
for number, (value, shown) in enumerate([("true", "true"), ("false", "false"), ("12", "12"), ("1.5", "1.5")]):
    case(f"json name not text {number}", "f.json", f'{{"structure": {value}, "reponses": {{}}}}'.encode(),
         f"f.json, clé « structure » : « Nom de la structure » doit être un texte entre guillemets, pas « {shown} ».")
case("json region not text", "f.json", b'{"structure": "CAF", "region": 84, "reponses": {}}',
     "f.json, clé « region » : « Région » doit être un texte entre guillemets, pas « 84 ».")
case("json date not text", "f.json", b'{"structure": "CAF", "date": 20150615, "reponses": {}}',
     "f.json, clé « date » : « Date de réalisation » doit être un texte entre guillemets, pas « 20150615 ».")
case("json name null", "f.json", b'{"structure": null, "reponses": {}}',
     "f.json, clé « structure » : le nom de la structure est vide ; il est obligatoire.")
case("json name list", "f.json", b'{"structure": ["CAF"], "reponses": {}}',
     "f.json, clé « structure » : valeur « ['CAF'] » invalide.")
case("json duplicate key", "f.json", b'{"structure": "CAF", "structure": "CPAM", "reponses": {}}',
     "f.json : clé « structure » en double ; on ne peut pas savoir laquelle des deux valeurs retenir.")
case("json duplicate answer", "f.json", b'{"structure": "CAF", "reponses": {"q01": "OUI", "q01": "NON"}}',
     "f.json : clé « q01 » en double ; on ne peut pas savoir laquelle des deux valeurs retenir.")
case("json duplicate nested", "f.json", b'{"structure": "CAF", "note": {"a": 1, "a": 2}, "reponses": {}}',
     "f.json : clé « a » en double ; on ne peut pas savoir laquelle des deux valeurs retenir.")
for constant in ("NaN", "Infinity", "-Infinity"):  # not JSON numbers: refused, and the key they stand under named
    case(f"json {constant}", "f.json", f'{{"structure": "CAF", "usagers": {constant}, "reponses": {{}}}}'.encode(),
         f"f.json, clé « usagers » : nombre non fini « {constant} » refusé (ce n'est pas un nombre JSON).")
case("json NaN answer", "f.json", b'{"structure": "CAF", "reponses": {"q01": "OUI", "q02": NaN}}',
     "f.json, clé « reponses.q02 » : nombre non fini « NaN » refusé (ce n'est pas un nombre JSON).")
case("json Infinity in a list", "f.json", b'{"structure": "CAF", "note": [1, {"a": -Infinity}], "reponses": {}}',
     "f.json, clé « note[1].a » : nombre non fini « -Infinity » refusé (ce n'est pas un nombre JSON).")
case("json NaN under a key with a line break", "f.json", b'{"structure": "CAF", "a\\nb": NaN, "reponses": {}}',
     "f.json, clé « a\\nb » : nombre non fini « NaN » refusé (ce n'est pas un nombre JSON).")
case("json NaN alone", "f.json", b"NaN", "f.json : nombre non fini « NaN » refusé (ce n'est pas un nombre JSON).")
case("json invalid", "f.json", b'{"structure": "CAF", ', "f.json : JSON invalide ligne 1, colonne 22.")
case("json trailing comma", "f.json", b'{"structure": "CAF", "reponses": {},}', "f.json : JSON invalide ligne 1, colonne 37.")
case("json single quotes", "f.json", b"{'structure': 'CAF'}", "f.json : JSON invalide ligne 1, colonne 2.")
case("json two documents", "f.json", b'{"structure": "CAF", "reponses": {}}\n{}', "f.json : JSON invalide ligne 2, colonne 1.")
for number, top in enumerate([b"[1, 2]", b'"CAF"', b"12", b"null", b"true"]):
    case(f"json top level {number}", "f.json", top,
         "f.json : un fichier JSON d'autodiagnostic contient un seul objet {…} décrivant une structure.")
case("json without answers", "f.json", b'{"structure": "CAF"}',
     'f.json : la clé « reponses » manque ou n\'est pas un objet {"q01": "OUI", …}.')
case("json answers list", "f.json", b'{"structure": "CAF", "reponses": ["OUI"]}',
     'f.json : la clé « reponses » manque ou n\'est pas un objet {"q01": "OUI", …}.')
for key in ("q37", "q00", "Q01", "1", "q1"):
    case(f"json unknown question {key}", "f.json", json_bytes(reponses={key: "OUI"}),
         f"f.json : dans « reponses », clé « {key} » inconnue ; les questions sont q01 … q36.")
case("json latin-1", "f.json", '{"structure": "Préfecture", "reponses": {}}'.encode("latin-1"),
     "f.json : le fichier JSON n'est pas encodé en UTF-8 (octet 17).")
case("json UTF-16", "f.json", '{"structure": "CAF", "reponses": {}}'.encode("utf-16"),
     "f.json : le fichier JSON n'est pas encodé en UTF-8 (octet 0).")
case("json too big", "f.json", lambda: b'{"structure": "CAF", "reponses": {}, "x": "' + b"a" * (1024 * 1024) + b'"}',
     "f.json : fichier trop volumineux (1 Mo ; 1 Mo au plus).")
case("json deep", "f.json", b"[" * 100_000 + b"]" * 100_000,
     "f.json : JSON illisible (nombre trop long ou imbrication trop profonde).")
case("json long number", "f.json", b'{"structure": "CAF", "usagers": ' + b"9" * 5000 + b', "reponses": {}}',
     "f.json : JSON illisible (nombre trop long ou imbrication trop profonde).")
case("json empty", "f.json", b"", "f.json : le fichier est vide.")
case("json blank", "f.json", b" \n\t ", "f.json : le fichier est vide.")
for number, date in enumerate(BAD_DATES[:4]):
    case(f"json date {number}", "f.json", json_bytes(date=date),
         f"f.json, clé « date » : « Date de réalisation » « {date} » n'est pas une date ; "
         "écrire par exemple 15/06/2015 ou 2015-06-15.")
for number, (value, shown) in enumerate([(-1, "-1"), (1.5, "1.5"), (True, "True"), ("beaucoup", "beaucoup")]):
    case(f"json count {number}", "f.json", json_bytes(appels=value),
         f"f.json, clé « appels » : « Volume d'appels téléphoniques par an (si connu) » « {shown} » n'est pas un "
         "nombre entier positif ou nul.")


# --------------------------------------------------------------------------- the follow-up (comments, evidence, plan)


def followup_csv(**columns: str) -> bytes:
    """A one-structure CSV with follow-up columns (``plan12_statut="fait"``…)."""
    header = ["structure", *QUESTION_KEYS, *columns]

    def cell(value: str) -> str:
        return '"' + value.replace('"', '""') + '"' if any(c in value for c in '",\n\r') else value

    rows = [header, ["CAF", *["OUI"] * 36, *columns.values()]]
    return ("\n".join(",".join(cell(v) for v in row) for row in rows) + "\n").encode()


_STATUSES = "attendu a_faire, en_cours, fait, abandonne (À faire, En cours, Fait, Abandonné)."
_DATE_HINT = "n'est pas une date plausible ; écrire par exemple 2026-03-31 ou 31/03/2026."
case("csv plan status", "f.csv", followup_csv(plan12_statut="terminé"),
     f"f.csv, ligne 2, colonne plan12_statut : statut « terminé » inconnu ; {_STATUSES}")
case("csv plan date", "f.csv", followup_csv(plan12_statut="en_cours", plan12_quand="31/02/2026"),
     f"f.csv, ligne 2, colonne plan12_quand : « quand » « 31/02/2026 » {_DATE_HINT}")
case("csv plan date 1900", "f.csv", followup_csv(plan12_quand="1900-01-01"),
     f"f.csv, ligne 2, colonne plan12_quand : « quand » « 1900-01-01 » {_DATE_HINT}")
case("csv plan gain", "f.csv", followup_csv(plan03_gain="4"),
     "f.csv, ligne 2, colonne plan03_gain : « gain attendu » « 4 » invalide ; attendu 1, 2 ou 3 (vide si non évalué).")
case("csv comment too long", "f.csv", followup_csv(q07_commentaire="x" * 2500),
     "f.csv, ligne 2, colonne q07_commentaire : « commentaire » est trop long (2500 caractères, 2000 au plus) : "
     "« " + "x" * 60 + "… (2500 caractères) ».")
case("csv evidence escape", "f.csv", followup_csv(q07_preuve="voir \x1b[31m"),
     "f.csv, ligne 2, colonne q07_preuve : « preuve » contient un caractère interdit (caractère de contrôle U+001B, "
     "position 6) : « voir \\x1b[31m ».")
case("csv plan practice 37", "f.csv", followup_csv(plan37_statut="fait"),
     "f.csv, ligne 1, colonne plan37_statut : pratique 37 inconnue ; attendu un numéro de 1 à 36.")
case("csv comment question 0", "f.csv", followup_csv(q00_commentaire="x"),
     "f.csv, ligne 1, colonne q00_commentaire : question 0 inconnue ; attendu un numéro de 1 à 36.")
case("csv comment twice", "f.csv", followup_csv(q07_commentaire="x", Q7_Commentaire="y"),
     "f.csv, ligne 1 : colonne en double : q07_commentaire, q7_commentaire.")
case("csv plan step too long", "f.csv", followup_csv(plan05_etapes="a\n" + "b" * 600),
     "f.csv, ligne 2, colonne plan05_etapes, étape 2 : « étape » est trop long (600 caractères, 500 au plus) : "
     "« " + "b" * 60 + "… (600 caractères) ».")
for number, (plan, message) in enumerate([
    ([{"pratique": 37}], "clé « plan[0].pratique » : pratique « 37 » inconnue ; attendu un numéro de 1 à 36."),
    ([{"pratique": "douze"}], "clé « plan[0].pratique » : pratique « douze » inconnue ; attendu un numéro de 1 à 36."),
    ([{"qui": "Accueil"}], "clé « plan[0].pratique » : numéro de la bonne pratique manquant ; attendu un numéro de 1 à 36."),
    ({"pratique": 1}, "clé « plan » : attendu une liste d'actions [{\"pratique\": 12, …}, …]."),
    ([{"pratique": 1, "responsable": "x"}],
     "clé « plan[0] » : clé « responsable » inconnue ; une action a les clés pratique, etapes, qui, quand, statut, gain, effort."),
    ([{"pratique": 1}, {"pratique": 1}],
     "clé « plan[1].pratique » : la pratique 1 est déjà dans le plan ; écrivez ses étapes dans une seule action."),
    ([{"pratique": 1, "quand": "2026-02-30"}], f"clé « plan[0].quand » : « quand » « 2026-02-30 » {_DATE_HINT}"),
    ([{"pratique": 1, "quand": 20260230}], f"clé « plan[0].quand » : « quand » « 20260230 » {_DATE_HINT}"),
    ([{"pratique": 1, "statut": "fini"}], f"clé « plan[0].statut » : statut « fini » inconnu ; {_STATUSES}"),
    ([{"pratique": 1, "etapes": 12}], "clé « plan[0].etapes » : les étapes s'écrivent comme une liste de textes, pas « 12 »."),
    ([{"pratique": 1, "etapes": ["a"] * 21}], "clé « plan[0].etapes » : 21 étapes ; 20 au plus par action."),
    ([{"pratique": 2, "etapes": ["a\nb"]}],
     "clé « plan[0].etapes », étape 1 : « étape » contient un caractère interdit (saut de ligne, position 2) : « a\\nb »."),
    ([{"pratique": 2, "qui": "Q" * 300}],
     "clé « plan[0].qui » : « qui » est trop long (300 caractères, 200 au plus) : « " + "Q" * 60 + "… (300 caractères) »."),
    ([{"pratique": 1, "effort": 0}], "clé « plan[0].effort » : « effort » « 0 » invalide ; attendu 1, 2 ou 3 (vide si non évalué)."),
    ([{"pratique": n} for n in range(1, 38)], "clé « plan » : 37 actions ; une par pratique, 36 au plus."),
]):
    case(f"json plan {number}", "f.json", json_bytes(plan=plan), f"f.json, {message}")
for key in ("q07_commentaire", "plan40_qui", "Q7"):
    case(f"json follow-up as a top key {key}", "f.json", json_bytes(**{key: "x"}),
         f"f.json, clé « {key} » : les réponses s'écrivent dans « reponses », le suivi dans « commentaires », « preuves » et « plan ».")
case("json plan gain in other digits", "f.json", json_bytes(plan=[{"pratique": "1", "gain": "²"}]),
     "f.json, clé « plan[0].gain » : « gain attendu » « ² » invalide ; attendu 1, 2 ou 3 (vide si non évalué).")
case("csv plan gain in other digits", "f.csv", followup_csv(plan01_gain="①"),
     "f.csv, ligne 2, colonne plan01_gain : « gain attendu » « ① » invalide ; attendu 1, 2 ou 3 (vide si non évalué).")
case("json comment question 37", "f.json", json_bytes(commentaires={"q37": "x"}),
     "f.json, clé « commentaires » : clé « q37 » inconnue ; les questions sont q01 … q36.")
case("json comments as a list", "f.json", json_bytes(commentaires=["x"]),
     "f.json, clé « commentaires » : attendu un objet {\"q01\": \"…\", …}, pas « ['x'] ».")
case("json evidence NUL", "f.json", json_bytes(preuves={"q02": "a\x00b"}),
     "f.json, clé « preuves.q02 » : « preuve » contient un caractère interdit (caractère de contrôle U+0000, position 2) : « a\\x00b ».")
case("json evidence list", "f.json", json_bytes(preuves={"q02": ["a", "b"]}),
     "f.json, clé « preuves.q02 » : « preuve » doit être un texte, pas « ['a', 'b'] ».")


# --------------------------------------------------------------------------- XLSX


@lru_cache(maxsize=1)
def _example_workbook() -> bytes:
    from contacts_lib.formats import workbook_bytes, worked_example

    return workbook_bytes(worked_example())


def _edited(change: Callable) -> Callable[[], bytes]:
    """The worked example's workbook, changed by ``change(sheet)`` through openpyxl."""

    def build() -> bytes:
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(_example_workbook()))
        change(workbook["Autodiagnostic"])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    return build


def _rezipped(change: Callable[[dict[str, bytes]], None], base: Callable[[], bytes] = _example_workbook) -> Callable[[], bytes]:
    """A workbook whose parts (name → bytes) were changed by ``change``, zipped again."""

    def build() -> bytes:
        with zipfile.ZipFile(io.BytesIO(base())) as source:
            parts = {item.filename: source.read(item) for item in source.infolist()}
        change(parts)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
            for name, data in parts.items():
                target.writestr(name, data)
        return buffer.getvalue()

    return build


def _set(coordinate: str, value):
    def change(sheet):
        sheet[coordinate] = value

    return change


def _sheet_replace(old: bytes, new: bytes, count: int = 1):
    def change(parts):
        sheet = parts["xl/worksheets/sheet1.xml"]
        assert old in sheet, old
        parts["xl/worksheets/sheet1.xml"] = sheet.replace(old, new, count)

    return change


SHEET = "f.xlsx, feuille Autodiagnostic"
NAME, DATE, USAGERS, GUICHET = (f"D{header_row(key)}" for key in ("structure", "date", "usagers", "visites_guichet"))
Q7, Q9, Q14 = (question_row(n) for n in (7, 9, 14))

for number, spelling in enumerate(REFUSED_SPELLINGS):
    case(f"xlsx answer {number}", "f.xlsx", _edited(_set(f"D{Q7}", spelling)),
         f"{SHEET}, cellule D{Q7} : réponse « {SHOWN.get(spelling, _shown(spelling))} » non reconnue ; {EXPECTED_ANSWER}")
for number, value in enumerate([2, -1, 0.5]):
    case(f"xlsx answer number {number}", "f.xlsx", _edited(_set(f"D{Q7}", value)),
         f"{SHEET}, cellule D{Q7} : réponse « {value!r} » non reconnue ; {EXPECTED_ANSWER}")
case("xlsx answer date", "f.xlsx", _edited(_set(f"D{Q7}", __import__("datetime").date(2015, 6, 15))),
     f"{SHEET}, cellule D{Q7} : réponse « datetime.date(2015, 6, 15) » non reconnue ; {EXPECTED_ANSWER}")
case("xlsx formula answer", "f.xlsx", _edited(_set(f"D{Q7}", '=IF(1=1,"OUI","NON")')),
     f"{SHEET}, cellule D{Q7} : formule sans valeur calculée (« =IF(1=1,\"OUI\",\"NON\") ») ; ouvrez le classeur dans "
     "Excel ou LibreOffice et enregistrez-le, pour que sa valeur soit calculée, ou tapez la valeur.")
case("xlsx formula name", "f.xlsx", _edited(_set(NAME, '=CONCATENATE("CAF ","Isère")')),
     f"{SHEET}, cellule D4 : formule sans valeur calculée (« =CONCATENATE(\"CAF \",\"Isère\") ») ; ouvrez le classeur "
     "dans Excel ou LibreOffice et enregistrez-le, pour que sa valeur soit calculée, ou tapez la valeur.")
case("xlsx formula count", "f.xlsx", _edited(_set(USAGERS, "=1000*12")),
     f"{SHEET}, cellule {USAGERS} : formule sans valeur calculée (« =1000*12 ») ; ouvrez le classeur dans Excel ou "
     "LibreOffice et enregistrez-le, pour que sa valeur soit calculée, ou tapez la valeur.")
for code in ("#N/A", "#DIV/0!", "#REF!"):
    case(f"xlsx error {code}", "f.xlsx", _edited(_set(f"D{Q14}", code)),
         f"{SHEET}, cellule D{Q14} : la cellule affiche l'erreur « {code} » ; corrigez-la.")
for column in ("E", "F", "B", "Z"):
    case(f"xlsx answer in {column}", "f.xlsx", _edited(lambda sheet, column=column: (sheet.__setitem__(f"D{Q9}", None), sheet.__setitem__(f"{column}{Q9}", "OUI"))),
         f"{SHEET}, cellule {column}{Q9} : réponse « OUI » hors de la colonne D ; déplacez-la en D{Q9} (la cellule D{Q9} est vide).")
case("xlsx answer over the question text", "f.xlsx", _edited(lambda sheet: (sheet.__setitem__(f"D{Q9}", None), sheet.__setitem__(f"C{Q9}", "non"))),
     f"{SHEET}, cellule C{Q9} : réponse « non » hors de la colonne D ; déplacez-la en D{Q9} (la cellule D{Q9} est vide).")
case("xlsx name in E", "f.xlsx", _edited(lambda sheet: (sheet.__setitem__("D4", None), sheet.__setitem__("E4", "CAF"))),
     f"{SHEET}, cellule E4 : valeur « CAF » hors de la colonne D ; déplacez-la en D4 (la cellule D4 est vide).")
case("xlsx name boolean", "f.xlsx", _edited(_set(NAME, True)),
     f"{SHEET}, cellule D4 : « Nom de la structure » doit être un texte, pas « True ».")
case("xlsx name decimal", "f.xlsx", _edited(_set(NAME, 1.5)),
     f"{SHEET}, cellule D4 : « Nom de la structure » doit être un texte, pas le nombre 1.5.")
case("xlsx name date", "f.xlsx", _edited(_set(NAME, __import__("datetime").datetime(2015, 6, 15))),
     f"{SHEET}, cellule D4 : « Nom de la structure » doit être un texte, pas « datetime.date(2015, 6, 15) ».")
case("xlsx name empty", "f.xlsx", _edited(_set(NAME, None)),
     f"{SHEET}, cellule D4 : le nom de la structure est vide ; il est obligatoire.")
for number, (name, (what, position)) in enumerate(list(FORBIDDEN_NAMES.items())[1:3]):
    case(f"xlsx name {number}", "f.xlsx", _edited(_set(NAME, name)),
         f"{SHEET}, cellule D4 : « Nom de la structure » contient un caractère interdit "
         f"({what}, position {position}) : « {_shown(name.strip())} ».")
case("xlsx name escape code", "f.xlsx", _rezipped(_sheet_replace(b"Exemple du recueil", b"_x001B_[31mCAF")),
     f"{SHEET}, cellule D4 : « Nom de la structure » contient un caractère interdit "
     "(caractère de contrôle U+001B, position 1) : « \\x1b[31mCAF (SGMAP, 2015) ».")
case("xlsx name too long", "f.xlsx", _edited(_set(NAME, "N" * 300)),
     f"{SHEET}, cellule D4 : « Nom de la structure » est trop long (300 caractères, 200 au plus) : "
     "« " + "N" * 60 + "… (300 caractères) ».")
case("xlsx text too long", "f.xlsx", _rezipped(_sheet_replace(b"Exemple du recueil", b"N" * 40_000)),
     f"{SHEET}, cellule D4 : texte trop long (plus de 32\u202f767 caractères, la limite d'Excel).")
case("xlsx bad date text", "f.xlsx", _edited(_set(DATE, "hier")),
     f"{SHEET}, cellule D5 : « Date de réalisation » « hier » n'est pas une date ; écrire par exemple 15/06/2015 ou 2015-06-15.")
case("xlsx date number without date format", "f.xlsx", _edited(lambda sheet: (sheet.__setitem__("D5", 42170), setattr(sheet["D5"], "number_format", "0"))),
     f"{SHEET}, cellule D5 : « Date de réalisation » « 42170 » n'est pas une date ; écrire par exemple 15/06/2015 ou 2015-06-15.")
case("xlsx date out of range", "f.xlsx", _rezipped(_sheet_replace(b'<c r="D5" s="3" t="n" />', b'<c r="D5" s="3"><v>-5</v></c>')),
     f"{SHEET}, cellule D5 : date « -5.0 » hors des dates possibles.")
case("xlsx negative count", "f.xlsx", _edited(_set(USAGERS, -5)),
     f"{SHEET}, cellule {USAGERS} : « Nombre d'usagers (si connu) » « -5 » n'est pas un nombre entier positif ou nul.")
case("xlsx decimal count", "f.xlsx", _edited(_set(USAGERS, 12.5)),
     f"{SHEET}, cellule {USAGERS} : « Nombre d'usagers (si connu) » « 12.5 » n'est pas un nombre entier positif ou nul.")
case("xlsx text count", "f.xlsx", _edited(_set(GUICHET, "beaucoup")),
     f"{SHEET}, cellule {GUICHET} : « Volume de visites au guichet par an (si connu) » « beaucoup » n'est pas un nombre "
     "entier positif ou nul.")
case("xlsx duplicate question", "f.xlsx", _edited(_set(f"A{Q14}", 5)),
     f"{SHEET}, cellule A{Q14} : la question 5 apparaît deux fois.")
case("xlsx question missing", "f.xlsx", _edited(lambda sheet: sheet.delete_rows(Q14)),
     "f.xlsx, feuille Autodiagnostic : question 14 introuvable dans les 2000 premières lignes "
     "(numéro en colonne A, réponse en colonne D).")
case("xlsx questions pushed down", "f.xlsx", _edited(lambda sheet: sheet.insert_rows(10, 2000)),
     "f.xlsx, feuille Autodiagnostic : questions 1, 2, 3, 4, 5, 6, 7, 8 … introuvables dans les 2000 premières "
     "lignes (numéro en colonne A, réponse en colonne D).")
case("xlsx name line missing", "f.xlsx", _edited(_set("C4", "Nom")),
     "f.xlsx, feuille Autodiagnostic : la ligne « Nom de la structure » est introuvable.")
case("xlsx empty", "f.xlsx", b"", "f.xlsx : le fichier est vide.")
case("xlsx text", "f.xlsx", b"structure,q01\nCAF,OUI\n",
     "f.xlsx : classeur illisible (fichier tronqué ou qui n'est pas au format XLSX) ; enregistrez-le à nouveau au format Excel .xlsx.")
case("xlsx truncated", "f.xlsx", lambda: _example_workbook()[: len(_example_workbook()) // 2],
     "f.xlsx : classeur illisible (fichier tronqué ou qui n'est pas au format XLSX) ; enregistrez-le à nouveau au format Excel .xlsx.")
case("xlsx old excel", "f.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
     "f.xlsx : classeur illisible (fichier tronqué ou qui n'est pas au format XLSX) ; enregistrez-le à nouveau au format Excel .xlsx.")
case("xlsx empty zip", "f.xlsx", _rezipped(lambda parts: parts.clear()),
     "f.xlsx : classeur illisible (partie « xl/workbook.xml » absente) ; enregistrez-le à nouveau au format Excel .xlsx.")
case("xlsx other sheet", "f.xlsx", _rezipped(lambda parts: parts.update({"xl/workbook.xml": parts["xl/workbook.xml"].replace(b'name="Autodiagnostic"', b'name="Feuil1"')})),
     "f.xlsx : feuille « Autodiagnostic » introuvable (feuilles présentes : Feuil1, Résultats, Plan d'actions) ; partez du modèle "
     "« contacts-efficaces template ».")
case("xlsx sheet part missing", "f.xlsx", _rezipped(lambda parts: parts.pop("xl/worksheets/sheet1.xml")),
     "f.xlsx : classeur illisible (partie « xl/worksheets/sheet1.xml » absente) ; enregistrez-le à nouveau au format Excel .xlsx.")
case("xlsx invalid XML", "f.xlsx", _rezipped(_sheet_replace(b"<sheetData>", b"<sheetData><row>")),
     "f.xlsx : classeur illisible (XML invalide dans « xl/worksheets/sheet1.xml », ligne 1) ; enregistrez-le à nouveau au format Excel .xlsx.")
case("xlsx entity bomb", "f.xlsx", _rezipped(lambda parts: parts.update({"xl/worksheets/sheet1.xml": b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n<worksheet>&lol2;</worksheet>'})),
     "f.xlsx : classeur illisible (partie « xl/worksheets/sheet1.xml » avec une déclaration DOCTYPE, refusée) ; enregistrez-le à nouveau au format Excel .xlsx.")
case("xlsx shared string out of range", "f.xlsx", _rezipped(_sheet_replace(b'<c r="D4" s="2" t="inlineStr">', b'<c r="D4" t="s"><v>999</v></c><c r="X4" s="2" t="inlineStr">')),
     "f.xlsx : classeur illisible (textes partagés absents) ; enregistrez-le à nouveau au format Excel .xlsx.")


def _bomb(parts):
    """A part that declares 300 MB once decompressed (it compresses to 300 KB)."""
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(b"</sheetData>", b"<row r=\"1999\">" + b"<c/>" * 75_000_000 + b"</row></sheetData>")


case("xlsx one row of 75 M cells", "f.xlsx", _rezipped(_bomb),
     "f.xlsx : classeur trop volumineux une fois décompressé (partie « xl/worksheets/sheet1.xml » : 286 Mo ; 20 Mo au plus).")
case("xlsx too many cells", "f.xlsx", _rezipped(_sheet_replace(b"</sheetData>", b"<row r=\"1999\">" + b"<c/>" * 150_000 + b"</row></sheetData>")),
     "f.xlsx : classeur trop complexe (plus de 100\u202f000 cellules dans les 2\u202f000 premières lignes de la feuille « Autodiagnostic »).")


def _many_strings(parts):
    strings = b"".join(b"<si><t>t</t></si>" for _ in range(250_000))
    parts["xl/sharedStrings.xml"] = b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + strings + b"</sst>"
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(b'<c r="D4" s="2" t="inlineStr">', b'<c r="D4" t="s"><v>240000</v></c><c r="X4" s="2" t="inlineStr">', 1)


case("xlsx too many shared strings", "f.xlsx", _rezipped(_many_strings),
     "f.xlsx : classeur trop complexe (plus de 200\u202f000 textes partagés).")


def _many_styles(parts):
    styles = parts["xl/styles.xml"]
    start, end = styles.index(b"<cellXfs"), styles.index(b"</cellXfs>")
    parts["xl/styles.xml"] = styles[:start] + b"<cellXfs>" + b'<xf numFmtId="14"/>' * 70_000 + styles[end:]


case("xlsx too many styles", "f.xlsx", _rezipped(_many_styles),
     "f.xlsx : classeur trop complexe (plus de 65\u202f000 styles de cellule).")
case("xlsx too many XML elements", "f.xlsx", _rezipped(_sheet_replace(b"<sheetData>", b"<x/>" * 5_000_000 + b"<sheetData>")),
     "f.xlsx : classeur trop complexe (plus de 3\u202f000\u202f000 éléments XML lus).")
case("xlsx too many parts", "f.xlsx", _rezipped(lambda parts: parts.update({f"x/{i}": b"" for i in range(10_001)})),
     "f.xlsx : classeur trop complexe (10016 parties ; 10000 au plus).")


def _plan_edited(**cells) -> Callable[[], bytes]:
    """The worked example's workbook with cells of its « Plan d'actions » sheet set."""

    def build() -> bytes:
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(_example_workbook()))
        for coordinate, value in cells.items():
            workbook["Plan d'actions"][coordinate] = value
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    return build


_PLAN = "f.xlsx, feuille Plan d'actions"
case("xlsx plan date as text", "f.xlsx", _plan_edited(A4=12, E4="demain"), f"{_PLAN}, cellule E4 : « quand » « demain » {_DATE_HINT}")
case("xlsx plan status", "f.xlsx", _plan_edited(A4=12, F4="Terminé"), f"{_PLAN}, cellule F4 : statut « Terminé » inconnu ; {_STATUSES}")
case("xlsx plan practice 40", "f.xlsx", _plan_edited(A4=40),
     f"{_PLAN}, cellule A4 : pratique « 40 » inconnue ; attendu un numéro de 1 à 36.")
case("xlsx plan without a number", "f.xlsx", _plan_edited(C5="Recenser", D5="Accueil"),
     f"{_PLAN}, cellule A5 : numéro de la bonne pratique manquant ; attendu un numéro de 1 à 36.")
case("xlsx plan without its number column", "f.xlsx", _plan_edited(A3="Numéro", A4=3),
     f"{_PLAN} : colonne « N° de la bonne pratique » introuvable en ligne 3 (le numéro de la bonne pratique de chaque action).")
case("xlsx comment too long", "f.xlsx", _edited(_set("E20", "x" * 2100)),
     "f.xlsx, feuille Autodiagnostic, cellule E20 : « commentaire » est trop long (2100 caractères, 2000 au plus) : "
     "« " + "x" * 60 + "… (2100 caractères) ».")


#: Files that are good, however odd: they are read, in bounded time and memory, and scored.
ACCEPTED: list[Case] = []


def accepted(id: str, name: str, content) -> None:
    case(id, name, content, "")
    ACCEPTED.append(CASES.pop())


accepted("xlsx 4 M cells after row 2000", "f.xlsx", _rezipped(_sheet_replace(b"</sheetData>", b"<row r=\"2001\">" + b"<c/>" * 4_000_000 + b"</row></sheetData>")))
accepted("csv 300 000 trailing separators", "f.csv", (_HEADER_LINE + "\n" + _GOOD_ROW + "," * 300_000 + "\n").encode())
accepted("csv 100 000 structures", "f.csv", lambda: (_HEADER_LINE + "\n" + "".join(f"CAF {i},,," + ",".join(["OUI", "NON", ""][(i + k) % 3] for k in range(36)) + "\n" for i in range(100_000))).encode())
accepted("csv sep= line", "f.csv", b"sep=;\n" + csv_bytes(separator=";"))
accepted("csv cp1252 with sep= line", "f.csv", b"sep=;\r\n" + csv_bytes(structure="Préfecture de l'Hérault", separator=";", encoding="cp1252"))
accepted("csv UTF-8 BOM", "f.csv", b"\xef\xbb\xbf" + csv_bytes(structure="Préfecture"))
accepted("csv UTF-16 with BOM", "f.csv", csv_bytes(structure="Préfecture", separator="\t").decode().encode("utf-16"))
accepted("csv formula-looking name", "f.csv", csv_bytes(structure="=HYPERLINK(\"http://x\")"))
accepted("json BOM", "f.json", b"\xef\xbb\xbf" + json_bytes())
accepted("csv follow-up in odd spellings", "f.csv", followup_csv(**{
    "Q7_Commentaire": "=1+1\r\nsur deux lignes", "plan 12_Statut": "En cours", "PLAN12_quand": "31/03/2026",
    "plan12_etapes": "Recenser\n\nDéployer", "plan12_gain": "3", "plan12_effort": "1",
}))
accepted("json plan with statuses in words", "f.json", json_bytes(
    plan=[{"pratique": "5", "statut": "À faire", "quand": "31/03/2026", "gain": 2.0}, {"pratique": 1, "statut": "Abandonné"}],
    preuves={"q02": "https://example.fr/a?b=1&c=<script>"},
))
accepted("xlsx plan typed by hand", "f.xlsx", _plan_edited(A6="7", C6="Étape une\nÉtape deux", E6="31/03/2027", F6="fait", G6=3))
accepted("xlsx answers with spaces", "f.xlsx", _edited(lambda sheet: [sheet.__setitem__(f"D{17 + k}", value) for k, value in enumerate(["\u00a0OUI", "non\u3000", "\tO\n", 1, True, "Non\u202f"])]))


# --------------------------------------------------------------------------- not files, not readable, not ours


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _link(target: str):
    def make(path: Path) -> None:
        os.symlink(target, path)

    return make


def _sparse(size: int):
    def make(path: Path) -> None:
        with open(path, "wb") as handle:
            handle.truncate(size)

    return make


case("named pipe", "f.csv", _fifo,
     "f.csv : ce n'est pas un fichier ordinaire (tube nommé) ; donnez un fichier .json, .csv ou .xlsx.", upload=False)
case("link to /dev/zero", "f.csv", _link("/dev/zero"),
     "f.csv : ce n'est pas un fichier ordinaire (périphérique) ; donnez un fichier .json, .csv ou .xlsx.", upload=False)
case("link to /dev/null", "f.json", _link("/dev/null"),
     "f.json : ce n'est pas un fichier ordinaire (périphérique) ; donnez un fichier .json, .csv ou .xlsx.", upload=False)
case("dangling link", "f.csv", _link("ailleurs.csv"), "f.csv : lien vers un fichier introuvable.", upload=False)
case("link loop", "f.csv", _link("f.csv"), "f.csv : lien symbolique qui boucle sur lui-même.", upload=False)
case("folder", "f.csv", lambda path: path.mkdir(), "f.csv : c'est un dossier, pas un fichier.", upload=False,
     command=("consensus", "--sortie", "consensus.json"))  # the workshop reads files only
case("empty folder", "f.csv", lambda path: path.mkdir(), "f.csv : aucun fichier .json, .csv, .xlsx dans ce dossier.",
     upload=False)  # score, like pratiques and reseau, reads a folder's files
case("missing", "f.csv", lambda path: None, "f.csv : fichier introuvable.", upload=False)
case("missing json", "f.json", lambda path: None, "f.json : fichier introuvable.", upload=False)
case("missing xlsx", "f.xlsx", lambda path: None, "f.xlsx : fichier introuvable.", upload=False)
case("missing folder", "f/dans.csv", lambda path: None, "f/dans.csv : fichier introuvable.", upload=False)
case("path through a file", "f.csv/dans.csv", lambda path: path.parent.write_text("x"),
     "f.csv/dans.csv : fichier introuvable (une partie du chemin n'est pas un dossier).", upload=False)
case("name too long", "f" * 300 + ".csv", lambda path: None, "f" * 300 + ".csv : nom de fichier trop long pour le système.", upload=False)
case("name too long for pratiques", "f" * 300 + ".csv", lambda path: None, "f" * 300 + ".csv : nom de fichier trop long pour le système.",
     upload=False, command=("pratiques", "--csv"))  # folders are looked for first: a name the system refuses is no folder
case("escape codes in name", "f\x1b[2J\x1b[31m.csv", lambda path: None, "f\\x1b[2J\\x1b[31m.csv : fichier introuvable.", upload=False)
case("bidi in name", "f\u202egpj.csv", lambda path: None, "f\\u202egpj.csv : fichier introuvable.", upload=False)
# A file name holding a line break or a tab stays on the message's one line, escaped as a reader writes it.
case("line break in name", "f\nx.json", b'{"structure": "CAF", ', "f\\nx.json : JSON invalide ligne 1, colonne 22.")
for command in (("pratiques", "--csv"), ("reseau",), ("consensus", "--sortie", "consensus.json"), ("enregistrer", "--base", "base.sqlite")):
    case(f"line break in name for {command[0]}", "f\nx.json", b'{"structure": "CAF", ', "f\\nx.json : JSON invalide ligne 1, colonne 22.",
         upload=False, command=command)
case("line break in a missing name", "f\r\n.csv", lambda path: None, "f\\r\\n.csv : fichier introuvable.", upload=False)
case("tab in name", "f\tx.csv", (_HEADER_LINE + "\nCAF,OUI\n").encode(), "f\\tx.csv, ligne 2 : 2 valeurs pour 39 colonnes d'en-tête.")
case("tab in name row by row", "f\tx.csv", (_HEADER_LINE + "\nCAF,OUI\n").encode(), "f\\tx.csv, ligne 2 : 2 valeurs pour 39 colonnes d'en-tête.",
     command=("score",))
case("line separator in name", "f\u2028x.xlsx", b"PK\x03\x04",
     "f\\u2028x.xlsx : classeur illisible (fichier tronqué ou qui n'est pas au format XLSX) ; enregistrez-le à nouveau au format Excel .xlsx.")
case("line break in an unknown extension", "f.t\nxt", b"hello", "f.t\\nxt : extension « .t\\nxt » non reconnue ; formats acceptés : .json, .csv, .xlsx.")
case("too big csv", "f.csv", _sparse(101 * 1024 * 1024), "f.csv : fichier trop volumineux (101 Mo ; 100 Mo au plus).", upload=False)
case("too big json", "f.json", _sparse(3 * 1024 * 1024), "f.json : fichier trop volumineux (3 Mo ; 1 Mo au plus).", upload=False)
case("too big xlsx", "f.xlsx", _sparse(25 * 1024 * 1024), "f.xlsx : fichier trop volumineux (25 Mo ; 20 Mo au plus).", upload=False)
case("unknown extension", "f.txt", b"hello", "f.txt : extension « .txt » non reconnue ; formats acceptés : .json, .csv, .xlsx.")
case("no extension", "f", b"hello", "f : extension « (aucune) » non reconnue ; formats acceptés : .json, .csv, .xlsx.")
case("old excel", "f.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "f.xls : format .xls non pris en charge ; enregistrez le classeur au format .xlsx.")
case("opendocument", "f.ods", b"PK\x03\x04", "f.ods : format .ods non pris en charge ; enregistrez le classeur au format .xlsx.")
