"""The ``contacts-efficaces`` command: score files, write the blank workbook, serve the app.

User errors (missing or bad file, bad value) print one French message on stderr and exit with
status 2; nothing is printed or written before every input has been read and checked.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import re
import sys
import time
import warnings
from pathlib import Path

from contacts_lib.autodiagnostic.answers import structure_key
from contacts_lib.autodiagnostic.reference import QUESTION_COUNT, load_catalogue
from contacts_lib.logs.practices import DEFAULT_QUESTIONS
from contacts_lib.logs.reiteration import BREAKDOWNS as REITERATION_BREAKDOWNS
from contacts_lib.messages import (
    InputError,
    agreed,
    plural,
    show_value,
    visible,
)

USER_ERROR = 2

_ARGPARSE_FR = (
    (r"the following arguments are required: (.*)",
     lambda found: f"{agreed(_count(found[1]), 'argument obligatoire manquant', 'arguments obligatoires manquants')} : {found[1]}"),
    (r"unrecognized arguments: (.*)",
     lambda found: f"{agreed(_count(found[1], ' '), 'argument non reconnu', 'arguments non reconnus')} : {found[1]}"),
    (r"argument (-\S+): invalid choice: (.*?) \(choose from (.*)\)", r"\1 : valeur \2 inconnue (au choix : \3)"),
    (r"argument (\S+): invalid choice: (.*?) \(choose from (.*)\)", r"commande inconnue \2 (au choix : \3)"),
    (r"argument (\S+): invalid int value: (.*)", r"\1 attend un nombre entier, pas \2"),
    (r"argument (\S+): expected one argument", r"\1 attend une valeur"),
    (r"argument (-\S+): (date .*)", r"\1 : \2"),
)


def _base(text: str) -> Path | str:
    """--base: a PostgreSQL URL as it is (a path would lose one of its slashes), else a path."""
    from contacts_lib.store import is_url

    return text if is_url(text) else Path(text)


def _day(text: str) -> dt.date:
    """A date given on the command line: JJ/MM/AAAA or AAAA-MM-JJ."""
    from contacts_lib.autodiagnostic.answers import date_of
    from contacts_lib.autodiagnostic.followup import DATE_FORMS

    day = date_of(text, DATE_FORMS)
    if day is not None:
        return day
    raise argparse.ArgumentTypeError(f"date « {visible(text)[:40]} » illisible ; écrire par exemple 31/03/2026")


def _count(listed: str, separator: str = ", ") -> int:
    """How many arguments argparse lists in a message."""
    return len(listed.split(separator))


# argparse's own words, in French (it looks them up through gettext each time it prints).
_ARGPARSE_WORDS = {"usage: ": "usage : ", "positional arguments": "arguments", "options": "options"}
argparse._ = lambda text: _ARGPARSE_WORDS.get(text, text)  # type: ignore[attr-defined]


class _FrenchParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        for pattern, replacement in _ARGPARSE_FR:
            if re.fullmatch(pattern, message):
                message = re.sub(pattern, replacement, message)
                break
        self.print_usage(sys.stderr)
        self.exit(USER_ERROR, f"{self.prog} : erreur : {message}\n")


_HELP = "afficher cette aide et quitter"


def _command(commands, name: str, **settings) -> argparse.ArgumentParser:
    """A subcommand whose « -h » says its help in French, as the command's own."""
    command = commands.add_parser(name, add_help=False, **settings)
    command.add_argument("-h", "--help", action="help", help=_HELP)
    return command


def _network_sources(command: argparse.ArgumentParser, csv_help: str) -> None:
    """What the network commands read (files or --base, --parent) and how they answer (--csv)."""
    command.add_argument("files", nargs="*", metavar="FICHIER", type=Path, help="fichiers ou dossiers")
    command.add_argument("--base", type=_base, metavar="BASE", help="les autodiagnostics enregistrés dans la base, au lieu de fichiers")
    command.add_argument(
        "--parent", metavar="CODE",
        help="seulement la structure de ce code Services Publics+ et celles qui sont sous elle "
        "(colonnes code_sp_de_la_structure et code_sp_structure_parent des fichiers ou de la base)",
    )
    command.add_argument("--csv", action="store_true", help=csv_help)
    command.add_argument(
        "--ignorer-erreurs", action="store_true",
        help="analyser les fichiers lisibles et signaler les autres, au lieu de s'arrêter",
    )


def _parser() -> argparse.ArgumentParser:
    parser = _FrenchParser(
        prog="contacts-efficaces",
        description="Autodiagnostic « 100 % Contacts efficaces » : scores, modèle Excel, application.",
        add_help=False,
    )
    parser.add_argument("-h", "--help", action="help", help=_HELP)
    commands = parser.add_subparsers(dest="command", metavar="COMMANDE", parser_class=_FrenchParser)
    commands.required = True

    score = _command(
        commands, "score", help="calculer les scores de fichiers JSON, CSV ou XLSX (ou de dossiers)",
        description="Calcule la couverture des quatre leviers et la moyenne, comme l'outil d'origine.",
    )
    score.add_argument("files", nargs="*", metavar="FICHIER", type=Path,
                       help="fichiers .json, .csv ou .xlsx, ou dossiers (tous leurs fichiers de ces formats)")
    score.add_argument("--base", type=_base, metavar="BASE", help="la dernière version de chaque structure de la base, au lieu de fichiers")
    score.add_argument(
        "--csv", action="store_true",
        help="écrire un CSV (pourcentages de 0 à 100 non arrondis) au lieu d'un tableau",
    )

    template = _command(
        commands, "template", help="écrire le classeur vierge d'autodiagnostic (.xlsx)",
        description="Écrit un classeur d'autodiagnostic vierge, utilisable seul dans Excel ou LibreOffice.",
    )
    template.add_argument("file", metavar="FICHIER.xlsx", type=Path)
    template.add_argument("--force", action="store_true", help="remplacer le fichier s'il existe déjà")

    groupings = ("reseau", "region", "campagne")
    pratiques = _command(
        commands, "pratiques", help="adoption des 36 bonnes pratiques dans un réseau",
        description="Pour chaque bonne pratique, la part des structures qui l'appliquent (dernier "
        "autodiagnostic de chaque structure). FICHIER : fichiers .json, .csv, .xlsx ou dossiers.",
    )
    reseau = _command(
        commands, "reseau", help="distribution des scores de chaque levier dans un réseau",
        description="Pour chaque levier et la moyenne : nombre de structures, minimum, quartiles, médiane, "
        "maximum (dernier autodiagnostic de chaque structure). FICHIER : fichiers .json, .csv, .xlsx ou dossiers.",
    )
    for command in (pratiques, reseau):
        _network_sources(command, "écrire un CSV (pourcentages de 0 à 100 non arrondis) au lieu d'un tableau")
        command.add_argument("--par", choices=groupings, help="regrouper par réseau, région ou campagne")

    plan = _command(
        commands, "plan", help="plans d'actions : une ligne par action (qui, quand, statut, en retard)",
        description="Les actions du plan de chaque structure (dernier autodiagnostic de chaque structure), "
        "par gain attendu ÷ effort : pratique, modalités pratiques, qui, quand, statut ; « en retard » : date "
        "passée, action ni faite ni abandonnée, pratique pas encore OUI ; « appliquée » : la pratique a la réponse OUI. "
        "FICHIER : fichiers .json, .csv, .xlsx ou dossiers.",
    )
    _network_sources(plan, "écrire un CSV (une ligne par action) au lieu d'un tableau")
    plan.add_argument("--date", type=_day, metavar="JJ/MM/AAAA", help="date du jour pour « en retard » (par défaut : aujourd'hui)")

    base_help = (
        "fichier SQLite de la base, ou adresse PostgreSQL postgresql://utilisateur@serveur:port/base "
        "(mot de passe : PGPASSWORD ou ~/.pgpass) ; par défaut : la variable d'environnement "
        "CONTACTS_EFFICACES_BASE, sinon autodiagnostics.sqlite dans le dossier de données de l'utilisateur"
    )
    enregistrer = _command(
        commands, "enregistrer", help="enregistrer des autodiagnostics dans la base (nouvelles versions)",
        description="Ajoute chaque autodiagnostic des fichiers à la base comme une nouvelle version de sa structure "
        "(rien n'est remplacé). Tout ou rien : un fichier illisible ou une ligne fausse, et rien n'est enregistré. "
        "Les fichiers d'exporter (colonnes enregistre_le, enregistre_par) gardent leurs dates et auteurs "
        "d'enregistrement : exporter puis enregistrer déplace une base (SQLite, PostgreSQL) avec son historique.",
    )
    enregistrer.add_argument("files", nargs="+", metavar="FICHIER", type=Path, help="fichiers .json, .csv, .xlsx ou dossiers")
    enregistrer.add_argument("--base", type=_base, metavar="BASE", help=base_help)

    exporter = _command(
        commands, "exporter", help="exporter toute la base (toutes les versions) en fichiers",
        description="Écrit toutes les versions de la base : un CSV (une ligne par version) si la cible finit par .csv, "
        "sinon un dossier avec un fichier JSON par version. Les colonnes version_base, enregistre_le et "
        "enregistre_par disent de quelle version il s'agit, quand et par qui elle a été enregistrée.",
    )
    exporter.add_argument("target", metavar="DOSSIER|FICHIER.csv", type=Path)
    exporter.add_argument("--base", type=_base, metavar="BASE", help=base_help)
    exporter.add_argument("--force", action="store_true", help="remplacer les fichiers s'ils existent déjà")

    consensus = _command(
        commands, "consensus", help="consensus d'un atelier : les fichiers des participants d'une même structure",
        description="Lit les autodiagnostics des participants d'un atelier (une même structure), écrit le consensus "
        "proposé (la majorité des réponses données ; une égalité reste sans réponse, à trancher par le groupe) et "
        "affiche les questions sans unanimité (réponses, qui n'est pas d'accord) et les scores du consensus.",
    )
    consensus.add_argument("files", nargs="+", metavar="FICHIER", type=Path, help="fichiers .json, .csv ou .xlsx des participants")
    consensus.add_argument(
        "--sortie", required=True, type=Path, metavar="FICHIER.json|.csv|.xlsx",
        help="le fichier du consensus, au format de son extension",
    )
    consensus.add_argument("--force", action="store_true", help="remplacer le fichier de sortie s'il existe déjà")

    reiteration = _command(
        commands, "reiteration", help="taux de réitération d'un journal de contacts",
        description="Part des contacts qui répètent, dans la fenêtre donnée, un contact de la même personne pour le "
        "même motif dans la même structure. JOURNAL : fichiers .csv ou .parquet (colonnes structure, usager, "
        "horodatage, canal, motif). L'identifiant usager est pseudonymisé à la lecture et n'est jamais affiché.",
    )
    reiteration.add_argument("files", nargs="+", metavar="JOURNAL", type=Path, help="journaux de contacts (.csv, .parquet)")
    reiteration.add_argument("--fenetre", required=True, metavar="N", help="fenêtre en jours (7, 15, 30 ou tout nombre entier)")
    reiteration.add_argument("--par", choices=REITERATION_BREAKDOWNS, help="regrouper par canal, motif, structure ou mois")
    reiteration.add_argument("--csv", action="store_true", help="écrire un CSV (taux en pourcentage non arrondi)")
    reiteration.add_argument(
        "--ignorer-erreurs", action="store_true",
        help="écarter les lignes illisibles (leur nombre est dit) au lieu de s'arrêter à la première",
    )
    reiteration.add_argument("--meme-canal", action="store_true",
                             help="ne compter que les contacts répétés sur le même canal (sinon : sur tout canal)")
    reiteration.add_argument("--jours-calendaires", action="store_true",
                             help="fenêtre en jours de calendrier (le même jour ou l'un des N jours avant) au lieu de N × 24 heures")
    reiteration.add_argument("--demandes", action="store_true",
                             help="contacts par demande et part des demandes réglées au premier contact, par canal du premier "
                             "contact (au lieu des réitérations ; --par est alors canal)")
    reiteration.add_argument("--fuseau", metavar="ZONE", default=None,
                             help="fuseau horaire de l'heure légale des horodatages (Europe/Paris par défaut ; "
                             "les horodatages avec décalage y sont ramenés)")
    reiteration.add_argument("--moteur", choices=("duckdb", "spark"), default="duckdb",
                             help="moteur de calcul : duckdb (intégré, par défaut) ou spark (pyspark ; mode local, "
                             "ou le cluster de --spark-master) ; les deux donnent les mêmes chiffres")
    reiteration.add_argument("--spark-master", metavar="URL", default=None,
                             help="avec --moteur spark : l'adresse du cluster (spark://hôte:7077, yarn…) ; sinon le mode local")
    reiteration.add_argument("--sortie", type=Path, metavar="FICHIER", default=None,
                             help="écrire le résultat dans ce fichier plutôt que sur la sortie standard (sous spark-submit, "
                             "où messages et résultat se mêlent)")
    reiteration.add_argument("--force", action="store_true", help="avec --sortie : remplacer le fichier s'il existe déjà")

    couts = _command(
        commands, "couts", help="coûts des canaux : par structure, de la réitération, d'un déplacement de contacts",
        description="Coût des contacts de chaque structure (volumes de ses autodiagnostics, d'une base ou d'un journal "
        "de contacts) au coût unitaire de chaque canal, que vous donnez (--cout) ou qui vient d'un préréglage "
        "publié (--preset : chiffres britanniques, avec leur source et leur année ; jamais des chiffres français).",
    )
    couts.add_argument("files", nargs="*", metavar="FICHIER", type=Path, help="autodiagnostics (fichiers ou dossiers)")
    couts.add_argument("--base", type=_base, metavar="BASE", help="les autodiagnostics de la base")
    couts.add_argument("--journal", type=Path, nargs="+", metavar="JOURNAL", help="volumes d'un journal de contacts")
    couts.add_argument("--preset", metavar="NOM", help="coûts unitaires publiés : socitm-welwyn, socitm-2010, pwc-londres")
    couts.add_argument("--cout", action="append", default=[], metavar="CANAL=VALEUR",
                       help="coût unitaire d'un canal (guichet, telephone, courrier, courriel, web) ; répétable")
    couts.add_argument("--devise", metavar="DEVISE", help="devise des coûts (EUR par défaut, celle du préréglage sinon)")
    couts.add_argument("--deplacer", metavar="DEPUIS:VERS:POURCENT",
                       help="simuler le déplacement d'une part des contacts d'un canal vers un autre (ex. guichet:web:20)")
    couts.add_argument("--fenetre", metavar="N", help="avec --journal : coût de la réitération à N jours, par canal")
    default_questions = ",".join(str(question) for question in DEFAULT_QUESTIONS)
    couts.add_argument("--pratiques", nargs="?", const=default_questions, metavar="QUESTIONS",
                       help=f"comparer le coût par usager des structures qui appliquent ces pratiques (numéros de questions, "
                            f"{default_questions} par défaut) et des autres : une association, pas un effet")
    couts.add_argument("--csv", action="store_true", help="écrire un CSV (valeurs non arrondies)")

    exemple = _command(
        commands, "exemple", help="écrire un réseau synthétique (fictif) pour les démonstrations",
        description="Écrit un réseau de structures fictives (deux campagnes, un CSV par campagne) : "
        "données synthétiques, pour démonstrations, ateliers et tests.",
    )
    exemple.add_argument("folder", metavar="DOSSIER", type=Path)
    exemple.add_argument("--structures", type=int, default=300, metavar="N", help="nombre de structures (300 par défaut)")
    exemple.add_argument("--graine", type=int, default=2016, metavar="S", help="graine du générateur (2016 par défaut)")
    exemple.add_argument("--force", action="store_true", help="remplacer les fichiers s'ils existent déjà")
    exemple.add_argument(
        "--contacts", type=int, metavar="N",
        help="écrire aussi un journal de contacts synthétique d'environ N contacts pour ces structures",
    )
    exemple.add_argument(
        "--journal", type=Path, metavar="FICHIER",
        help="où écrire le journal (.parquet ou .csv ; par défaut DOSSIER/journal-contacts-synthetique.parquet, "
        "qu'une analyse du réseau sur DOSSIER laisse de côté)",
    )

    app = _command(
        commands, "app", help="lancer l'application (Voilà) dans le navigateur",
        description="Sert l'application d'autodiagnostic avec Voilà sur http://127.0.0.1:PORT (ou --ip ADRESSE).",
    )
    app.add_argument("--port", type=int, default=8866, help="port du serveur (8866 par défaut)")
    app.add_argument("--no-browser", action="store_true", help="ne pas ouvrir le navigateur")
    app.add_argument("--base", type=_base, metavar="BASE", help=base_help + " ; le bouton « Enregistrer » y ajoute des versions")
    app.add_argument(
        "--ip", default="127.0.0.1", metavar="ADRESSE",
        help="adresse d'écoute (127.0.0.1 par défaut : cette machine seulement ; 0.0.0.0 : tout le réseau local, "
        "sans authentification si --acces n'est pas donné, à réserver alors à un réseau de confiance)",
    )
    app.add_argument(
        "--acces", type=Path, metavar="ACCES.csv",
        help="fichier des droits (identifiant, role, perimetre) : chacun se connecte (OpenID Connect) et ne voit "
        "que son périmètre ; le secret de client est lu dans la variable CONTACTS_EFFICACES_OIDC_SECRET",
    )
    app.add_argument("--oidc-emetteur", metavar="URL", help="adresse du service de connexion OpenID Connect (émetteur), "
                     "par exemple https://auth.agentconnect.gouv.fr/api/v2")
    app.add_argument("--oidc-client", metavar="ID", help="identifiant de client de l'application auprès de ce service")
    app.add_argument("--adresse-publique", metavar="URL", default="",
                     help="adresse tapée par les utilisateurs (https://… derrière un proxy) : le retour de connexion y arrive "
                     "et les cookies y sont réservés au https")
    app.add_argument("--session-heures", type=float, default=8.0, metavar="H",
                     help="durée d'une session avant de se reconnecter (8 heures par défaut)")
    return parser


def _terminal_text(text: str, width: int) -> str:
    text = re.sub(r"[\x00-\x1f\x7f-\x9f]", "?", text)
    return text if len(text) <= width else text[: width - 1] + "…"


def _sign_in(arguments):
    """The app's sign-in settings, or None (no --acces: the app is open to whoever reaches it)."""
    from contacts_lib.web.server import SignIn

    if arguments.acces is None:
        for option, value in (("--oidc-emetteur", arguments.oidc_emetteur), ("--oidc-client", arguments.oidc_client)):
            if value:
                raise InputError(f"{option} n'a de sens qu'avec --acces ACCES.csv (le fichier des droits).")
        return None
    if not arguments.oidc_emetteur or not arguments.oidc_client:
        raise InputError("--acces demande aussi --oidc-emetteur URL et --oidc-client ID (le service de connexion).")
    return SignIn(arguments.acces, arguments.oidc_emetteur, arguments.oidc_client, arguments.adresse_publique,
                  arguments.session_heures)


def read_all(paths: list[Path]) -> list:
    """Every autodiagnostic of the files, in input order: all read and checked before any output."""
    from contacts_lib.formats import read_autodiagnostics

    return [d for path in paths for d in read_autodiagnostics(path)]


def _table(diagnostics) -> str:
    from contacts_lib.autodiagnostic.scoring import format_percent, score

    rows = [(d.structure, score(d)) for d in diagnostics]

    levers = load_catalogue().levers
    name_width = min(40, max([len("Structure")] + [len(name) for name, _ in rows]))
    columns = [lever.short_name for lever in levers] + ["Moyenne", "Réponses"]
    widths = [max(len(c), 7) for c in columns]
    lines = ["  ".join(["Structure".ljust(name_width)] + [c.rjust(w) for c, w in zip(columns, widths, strict=True)])]
    for name, scores in rows:
        cells = [format_percent(scores.coverage[lever.key]) for lever in levers]
        cells += [format_percent(scores.moyenne), f"{scores.answered}/{QUESTION_COUNT}"]
        lines.append("  ".join([_terminal_text(name, name_width).ljust(name_width)]
                               + [c.rjust(w) for c, w in zip(cells, widths, strict=True)]))
    return "\n".join(lines) + "\n"


def _csv(paths: list[Path], stored: list | None = None) -> str:
    """Scores as CSV for scripts and spreadsheets, names neutralised against formula injection.
    A CSV file is scored by columns (``formats.csv_scores``: a million rows in seconds), the
    other formats one autodiagnostic at a time; every file is read before anything is written."""
    from contacts_lib.autodiagnostic.scoring import lever_percentages
    from contacts_lib.formats import SIZE_LIMITS, read_autodiagnostics, read_user_file
    from contacts_lib.formats.csv_format import neutralised
    from contacts_lib.formats.csv_scores import score_lines
    from contacts_lib.formats.files import shown_path

    levers = load_catalogue().levers
    lines = [",".join(["structure", *(lever.key for lever in levers), "moyenne", "reponses"])]
    writer_buffer = io.StringIO()
    for diagnostic in stored or ():
        percents, answered = lever_percentages(diagnostic.answers)
        csv.writer(writer_buffer, lineterminator="\n").writerow([neutralised(diagnostic.structure), *map(repr, percents), answered])
    lines += writer_buffer.getvalue().splitlines()
    for path in paths:
        if path.suffix.casefold() == ".csv":
            content = read_user_file(path, SIZE_LIMITS[".csv"])
            if not content or content.isspace():
                raise InputError(f"{shown_path(path)} : le fichier est vide.")
            lines += score_lines(content, shown_path(path))
            continue
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        for diagnostic in read_autodiagnostics(path):
            percents, answered = lever_percentages(diagnostic.answers)
            writer.writerow([neutralised(diagnostic.structure), *map(repr, percents), answered])
        lines += buffer.getvalue().splitlines()
    return "\n".join(lines) + "\n"


class _OutputClosed(Exception):
    """Whoever read the output stopped reading (``… | head -1``): nothing more to say."""


def _emit(text: str) -> None:
    """Write the command's output in one go, once every input was read and checked."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        raise _OutputClosed from None
    except OSError as error:
        _silence_stdout()
        from contacts_lib.formats.files import os_reason

        raise InputError(f"écriture impossible sur la sortie standard ({os_reason(error)}).") from None


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that the interpreter's last flush at exit cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def _template(path: Path, force: bool) -> None:
    from contacts_lib.formats import write_workbook
    from contacts_lib.formats.files import shown_path

    if path.suffix.casefold() != ".xlsx":
        raise InputError(f"{shown_path(path)} : le modèle est un classeur Excel ; donnez un nom en .xlsx.")
    if os.path.lexists(path) and not force:
        raise InputError(f"{shown_path(path)} : le fichier existe déjà ; ajoutez --force pour le remplacer.")
    write_workbook(None, path)
    _emit(f"Modèle d'autodiagnostic écrit : {shown_path(path)}\n")


def _sources(arguments) -> None:
    """Files or a base, one of them: said plainly when both or neither are given."""
    if arguments.base is not None and arguments.files:
        raise InputError("donnez des fichiers ou --base, pas les deux.")
    if arguments.base is None and not arguments.files:
        raise InputError("donnez au moins un fichier (ou dossier), ou une base avec --base.")


def _stored(arguments):
    """The network of every version in the base given with --base (read only: never created)."""
    from contacts_lib.store import Store

    with Store(arguments.base, read_only=True) as store:
        network = store.network()
    if not len(network):
        raise InputError(f"{store.location} : la base ne contient encore aucun autodiagnostic.")
    return network


def _network(arguments):
    from contacts_lib.network import load_network

    _sources(arguments)
    if arguments.base is not None:
        network = _stored(arguments)
    else:
        network = load_network(arguments.files, ignore_errors=arguments.ignorer_erreurs)
        for problem in network.problems:  # only when asked to go on: said, never silent
            print(f"contacts-efficaces : fichier ignoré : {visible(problem)}", file=sys.stderr)
    view = network.latest_by_campaign() if getattr(arguments, "par", None) == "campagne" else network.latest()
    return _under_parent(view, arguments.parent) if getattr(arguments, "parent", None) else view


def _under_parent(network, code: str):
    """The structures at or under a Services Publics+ code; said when there are none."""
    from contacts_lib.network import descendants

    chosen = descendants(network.structures, code)
    if chosen.empty:
        raise InputError(
            f"--parent {show_value(code)} : aucune structure de ce code ni sous lui (les fichiers ou la base doivent avoir "
            "les colonnes code_sp_de_la_structure et code_sp_structure_parent)."
        )
    return network.select(chosen)


def _number(value: object) -> str:
    """A value in a CSV for machines: floats unrounded (``repr``), integers as they are, a
    missing value empty."""
    if value is None or type(value).__name__ == "NAType" or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _frame_csv(frame) -> str:
    return _rows_csv(frame.columns, frame.itertuples(index=False))


def _rows_csv(columns, rows) -> str:
    """A CSV for machines: texts neutralised (no formula), numbers as :func:`_number` writes them."""
    from contacts_lib.formats.csv_format import neutralised

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([neutralised(v) if isinstance(v, str) else _number(v.item() if hasattr(v, "item") else v) for v in row])
    return buffer.getvalue()


def _frame_table(frame, headings: dict[str, str], percents: tuple[str, ...], right: tuple[str, ...] = ()) -> str:
    """A frame as a readable table: French headings, percentages as « 64 % », text columns left."""
    from contacts_lib.autodiagnostic.scoring import format_percentage

    cells = [[headings[c] for c in frame.columns]]
    for row in frame.itertuples(index=False):
        cells.append([
            format_percentage(value) if column in percents else _terminal_text(str(value), 50)
            for column, value in zip(frame.columns, row, strict=True)
        ])
    widths = [max(len(line[i]) for line in cells) for i in range(len(frame.columns))]
    numeric = [column in percents or column in right or frame[column].dtype.kind in "iu" for column in frame.columns]
    return "".join(
        "  ".join(cell.rjust(width) if right else cell.ljust(width) for cell, width, right in zip(line, widths, numeric, strict=True)).rstrip() + "\n"
        for line in cells
    )


_HEADINGS = {
    "reseau": "Réseau", "region": "Région", "campagne": "Campagne", "pratique": "Pratique", "structures": "Structures",
    "appliquee": "Appliquée", "taux": "Taux", "levier": "Levier", "minimum": "Min.", "q1": "1er quart.",
    "mediane": "Médiane", "q3": "3e quart.", "maximum": "Max.",
}


def _parent_line(arguments, network) -> str:
    """Above a readable table: which structure the --parent view is made of."""
    if not getattr(arguments, "parent", None):
        return ""
    from contacts_lib.access import CODE_COLUMN
    from contacts_lib.autodiagnostic.answers import structure_key as key

    own = network.structures[network.structures[CODE_COLUMN].astype(str).map(key) == key(arguments.parent)]
    name = f" ({_terminal_text(own['structure'].iloc[0], 80)})" if len(own) else ""
    return f"Sous {_terminal_text(arguments.parent.strip(), 40)}{name} : {plural(len(network), 'structure')}.\n"


def _pratiques(arguments) -> str:
    from contacts_lib.network import adoption

    network = _network(arguments)
    table = adoption(network.answers, by=arguments.par)
    if arguments.csv:
        return _frame_csv(table)
    titles = {p.number: p.title for p in load_catalogue().practices}
    table = table.assign(pratique=[f"{n:2d}. {titles[n]}" for n in table["pratique"]])
    return _parent_line(arguments, network) + _frame_table(table, _HEADINGS, percents=("taux",))


def _plan(arguments) -> str:
    import pandas as pd

    from contacts_lib.autodiagnostic.followup import STATUSES
    from contacts_lib.network.plans import plan_listing

    today = arguments.date or dt.date.today()
    actions = plan_listing(_network(arguments), today)
    if arguments.csv:
        rows = [[value.isoformat() if isinstance(value, dt.date) else value for value in row]
                for row in actions.astype(object).where(actions.notna(), None).itertuples(index=False)]
        return _rows_csv(list(actions.columns), rows)
    if actions.empty:
        return "Aucune action au plan.\n"
    table = pd.DataFrame({
        "structure": actions["structure"],
        "pratique": [f"{n:2d}. {t}" for n, t in zip(actions["pratique"], actions["titre"], strict=True)],
        "qui": actions["qui"].fillna("–"),
        "quand": [d.strftime("%d/%m/%Y") if isinstance(d, dt.date) else "–" for d in actions["quand"]],
        "statut": [STATUSES[s] + (" — en retard" if late == "OUI" else " — appliquée" if done == "OUI" else "")
                   for s, late, done in zip(actions["statut"], actions["en_retard"], actions["appliquee"], strict=True)],
        "gain_effort": [f"{'–' if pd.isna(g) else g} / {'–' if pd.isna(e) else e}"
                        for g, e in zip(actions["gain"], actions["effort"], strict=True)],
    })
    late = int((actions["en_retard"] == "OUI").sum())
    summary = f"{plural(len(actions), 'action')} au plan, {late} en retard au {today:%d/%m/%Y}.\n"
    return _frame_table(table, _HEADINGS | {"structure": "Structure", "qui": "Qui", "quand": "Quand", "statut": "Statut", "gain_effort": "Gain / effort"},
                        percents=()) + summary


def _reseau(arguments) -> str:
    from contacts_lib.autodiagnostic.scoring import lever_names
    from contacts_lib.network import lever_distribution

    network = _network(arguments)
    table = lever_distribution(network.scores, by=arguments.par)
    if arguments.csv:
        return _frame_csv(table)
    names = lever_names()
    table = table.assign(levier=table["levier"].map(names))
    return _parent_line(arguments, network) + _frame_table(table, _HEADINGS, percents=("minimum", "q1", "mediane", "q3", "maximum"))


def _score(arguments) -> str:
    _sources(arguments)
    if arguments.base is not None:
        latest = list(_stored(arguments).latest().diagnostics)
        return _csv([], latest) if arguments.csv else _table(latest)
    files = _files_of(arguments.files)
    return _csv(files) if arguments.csv else _table(read_all(files))


def _files_of(paths: list[Path]) -> list[Path]:
    """The files that files and folders stand for, as ``pratiques`` and ``reseau`` read them (a
    folder: its JSON, CSV and XLSX files, subfolders included, sorted); a folder without any, or
    a missing path, is said — all of them, one line each."""
    from contacts_lib.network.loading import NetworkError, network_files

    files, problems = network_files(paths)
    if problems:
        raise NetworkError(problems)
    return files


def _enregistrer(arguments) -> str:
    from contacts_lib.store import Store, exported_bookkeeping, read_files

    diagnostics = read_files(arguments.files)  # all read and checked: a bad row, and the base is not even opened
    with Store(arguments.base) as store:
        # Files written by exporter keep their save times and authors: a base moves with its history.
        saved = store.save(diagnostics, source=", ".join(map(str, arguments.files))[:2000], from_export=True)
        total = store.count()
    structures = len({structure_key(s.autodiagnostic.structure) for s in saved})
    kept = sum(exported_bookkeeping(d) is not None for d in diagnostics)
    history = ""
    if kept and kept == len(saved):
        history = ", avec sa date d'enregistrement d'origine" if kept == 1 else ", avec leurs dates d'enregistrement d'origine"
    elif kept:
        history = f", dont {kept} avec leur date d'enregistrement d'origine"
    return (
        f"{plural(len(saved), 'version')} {agreed(len(saved), 'enregistrée')} "
        f"({plural(structures, 'structure')}{history}) dans {store.location} ; "
        f"la base en compte {total}.\n"
    )


def _exporter(arguments) -> str:
    from contacts_lib.formats.files import shown_path
    from contacts_lib.store import Store, export

    with Store(arguments.base, read_only=True) as store:
        written = export(store, arguments.target, force=arguments.force)
    where = shown_path(arguments.target)
    if arguments.target.suffix.casefold() == ".csv":
        return f"{plural(written, 'version')} {agreed(written, 'exportée')} : {where}\n"
    return f"{plural(written, 'version')} {agreed(written, 'exportée')} dans {where} (un fichier JSON par version)\n"


_CONSENSUS_FORMATS = (".json", ".csv", ".xlsx")


def _consensus(arguments) -> str:
    """A workshop's consensus written to --sortie (every participant's file read first), and what
    the group has to talk about: the questions without unanimity, then the consensus scores."""
    from contacts_lib.formats.files import os_reason, shown_path, write_atomically
    from contacts_lib.workshop.consensus import (
        answer_counts,
        consensus_autodiagnostic,
        consensus_bytes,
        disagreement_text,
        participants,
        participants_text,
        structure_names,
    )

    output = arguments.sortie
    if output.suffix.casefold() not in _CONSENSUS_FORMATS:
        raise InputError(f"{shown_path(output)} : donnez un nom en {', '.join(_CONSENSUS_FORMATS[:-1])} ou {_CONSENSUS_FORMATS[-1]}.")
    if os.path.lexists(output) and not arguments.force:
        raise InputError(f"{shown_path(output)} : le fichier existe déjà ; ajoutez --force pour le remplacer.")
    group = participants(arguments.files)  # every file read and checked (all errors said) before writing
    consensus = consensus_autodiagnostic(group)
    names = structure_names(group)
    if len(names) > 1:
        print(f"contacts-efficaces : attention : les fichiers nomment {len(names)} structures différentes "
              f"({visible(' ; '.join(names))}) ; le consensus porte le nom le plus fréquent : {visible(consensus.structure)}.",
              file=sys.stderr)
    try:
        content = consensus_bytes(consensus, output.suffix)
    except OSError as error:  # openpyxl writes each sheet through a temporary file first
        raise InputError(f"{shown_path(output)} : écriture impossible ({os_reason(error)}) ; rien n'a été modifié.") from None
    write_atomically(output, content)

    counts = answer_counts(group)
    divided = counts[~counts["unanime"]]
    lines = [f"Atelier : {participants_text(len(group))} — {_terminal_text(consensus.structure, 80)}",
             f"Questions sans unanimité : {len(divided)} sur {QUESTION_COUNT}"]
    if len(divided):
        headings = ["N°", "Bonne pratique", "OUI", "NON", "Sans rép.", "Consensus", "En désaccord"]
        cells = [[str(row.question), _terminal_text(row.intitule, 48), str(row.oui), str(row.non), str(row.sans_reponse),
                  row.consensus or "sans réponse", _terminal_text(disagreement_text(group, row.question, row.desaccord), 10_000)]
                 for row in divided.itertuples()]
        widths = [max(len(line[i]) for line in [headings, *cells]) for i in range(len(headings))]
        right = (True, False, True, True, True, False, False)
        lines += ["  ".join(c.rjust(w) if r else c.ljust(w) for c, w, r in zip(line, widths, right, strict=True)).rstrip()
                  for line in [headings, *cells]]
    lines += ["", "Scores du consensus :"]
    return "\n".join(lines) + "\n" + _table([consensus]) + f"Consensus écrit : {shown_path(output)}\n"


def _reiteration(arguments) -> str:
    from contacts_lib.formats.files import shown_path, write_atomically

    if arguments.sortie is not None:
        if os.path.lexists(arguments.sortie) and not arguments.force:
            raise InputError(f"{shown_path(arguments.sortie)} : le fichier existe déjà ; ajoutez --force pour le remplacer.")
        text = _reiteration_text(arguments)
        write_atomically(arguments.sortie, text.encode("utf-8"))
        print(f"contacts-efficaces : résultat écrit : {shown_path(arguments.sortie)}", file=sys.stderr)
        return ""
    return _reiteration_text(arguments)


def _reiteration_text(arguments) -> str:
    from contacts_lib.logs.log_format import checked_zone, shown_canal
    from contacts_lib.logs.reiteration import REQUEST_COLUMNS, requests_rows_of_files, reiteration_rows_of_files, rule

    chosen = rule(arguments.fenetre, arguments.meme_canal, arguments.jours_calendaires)  # said before a long read
    checked_zone(arguments.fuseau)
    if arguments.spark_master and arguments.moteur != "spark":
        raise InputError("--spark-master va avec --moteur spark.")
    if arguments.demandes and arguments.par not in (None, "canal"):
        raise InputError("--demandes se lit par canal du premier contact : ôtez --par ou donnez --par canal.")
    if not arguments.demandes and arguments.par is None:
        raise InputError(f"--par est demandé (au choix : {', '.join(REITERATION_BREAKDOWNS)}).")
    options = {"same_channel": chosen.same_channel, "calendar_days": chosen.calendar_days, "engine": arguments.moteur,
               "zone": arguments.fuseau, "spark_master": arguments.spark_master}
    if arguments.demandes:
        rows, scan = requests_rows_of_files(arguments.files, chosen.days, arguments.ignorer_erreurs, _progress_reporter(), **options)
        columns = list(REQUEST_COLUMNS)
    else:
        rows, scan = reiteration_rows_of_files(arguments.files, arguments.par, chosen.days, arguments.ignorer_erreurs,
                                               _progress_reporter(), **options)
        columns = [arguments.par, "contacts", "reiterations", "taux"]
    if scan.skipped:
        print(f"contacts-efficaces : {plural(scan.skipped, 'ligne illisible', 'lignes illisibles')} "
              f"{agreed(scan.skipped, 'écartée')} ; la première : {visible(scan.problems[0])}", file=sys.stderr)
    if not scan.contacts:
        raise InputError("aucun contact à analyser.")
    rows = [tuple(_clean_cell(value) for value in row) for row in rows]
    if scan.unidentified:
        print(f"contacts-efficaces : dont {plural(scan.unidentified, 'contact sans identifiant usager', 'contacts sans identifiant usager')} : "
              f"{agreed(scan.unidentified, 'compté')} parmi les contacts, jamais comme réitérations.", file=sys.stderr)
    if arguments.csv:  # plain rows: the CSV needs no pandas (a sixth of the command's time, to import)
        return _rows_csv(columns, rows)
    import pandas as pd

    table = pd.DataFrame(rows, columns=columns)
    if columns[0] == "canal":  # the vocabulary's keys in the CSV, their French names in the table
        table["canal"] = [shown_canal(canal) for canal in table["canal"]]
    title = f"à {plural(chosen.days, 'jour calendaire', 'jours calendaires') if chosen.calendar_days else plural(chosen.days, 'jour')}"
    title += ", même canal" if chosen.same_channel else ""
    if arguments.demandes:
        from contacts_lib.logs.reiteration import FIRST_CONTACT_BENCHMARKS

        headings = {"canal": "Canal du premier contact", "demandes": "Demandes", "contacts": "Contacts",
                    "contacts_par_demande": "Contacts par demande", "reglees_au_premier_contact": "Réglées au 1er contact",
                    "taux_premier_contact": "Part réglée au 1er contact"}
        table = table.assign(taux_premier_contact=[_rate_text(v) for v in table["taux_premier_contact"]],
                             contacts_par_demande=[f"{v:.2f}".replace(".", ",") for v in table["contacts_par_demande"]])
        return (f"Demandes et résolution au premier contact, fenêtre {title}\n"
                + _frame_table(table, headings, percents=(), right=("contacts_par_demande",))
                + f"Pour comparer : {FIRST_CONTACT_BENCHMARKS}.\n")
    headings = {arguments.par: _HEADINGS.get(arguments.par, arguments.par.capitalize()), "contacts": "Contacts",
                "reiterations": "Réitérations", "taux": "Taux"}
    table = table.assign(taux=[_rate_text(v) for v in table["taux"]])
    return f"Réitération {title}\n" + _frame_table(table, headings, percents=())


def _clean_cell(value):
    """A value from a log as an output cell: control characters (a NUL, an escape…) written as
    escapes (:func:`messages.visible`); line breaks and tabs, which a CSV quotes, kept."""
    if isinstance(value, str) and re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", value):
        return visible(value)
    return value


def _rate_text(percent: float) -> str:
    """« 12,3 % » (a rate shown to one decimal; the CSV keeps every digit)."""
    if percent != percent:  # no contact
        return "–"
    return f"{percent:.1f} %".replace(".", ",")


def _progress_reporter():
    """A long read's progress on the terminal (« Lecture : 42 % »), only when it is one."""
    if not sys.stderr.isatty():
        return None
    started = time.monotonic()

    def report(share: float) -> None:
        if time.monotonic() - started > 1:
            end = "\n" if share >= 1 else ""
            print(f"\rLecture du journal : {share:.0%}".replace("%", " %"), end=end, file=sys.stderr, flush=True)

    return report


def _couts(arguments) -> str:
    from contacts_lib import costs
    from contacts_lib.logs.log_format import shown_canal

    chosen = costs.unit_costs(arguments.preset, costs.cost_changes(arguments.cout), arguments.devise)
    if not chosen.known():
        raise InputError("aucun coût unitaire : donnez --preset ou --cout canal=valeur (par exemple --cout guichet=12).")
    questions = _questions(arguments.pratiques) if arguments.pratiques is not None else None
    sources = sum(bool(x) for x in (arguments.files, arguments.base, arguments.journal))
    if sources != 1:
        raise InputError("donnez des autodiagnostics (fichiers ou --base) ou un journal (--journal), un seul des trois.")
    if questions is not None and (arguments.journal or arguments.fenetre is not None or arguments.deplacer):
        raise InputError("--pratiques compare les structures de leurs autodiagnostics (fichiers ou --base), "
                         "sans --journal, --fenetre ni --deplacer.")
    log = network = None
    if arguments.journal:
        from contacts_lib.logs import load_log

        log = load_log(arguments.journal, progress=_progress_reporter())
        volumes = costs.volumes_from_log(log)
    else:
        arguments.par, arguments.ignorer_erreurs = None, False
        network = _network(arguments)
        volumes = costs.volumes_from_autodiagnostics(network.structures)
    if arguments.fenetre is not None:
        if log is None:
            raise InputError("--fenetre demande un journal de contacts (--journal).")
        from contacts_lib.logs.reiteration import check_window

        table, title = costs.reiteration_costs(log, check_window(arguments.fenetre), chosen), "Coût de la réitération"
    elif arguments.deplacer:
        parts = arguments.deplacer.split(":")
        if len(parts) != 3:
            raise InputError(f"--deplacer {show_value(arguments.deplacer)} : écrivez DEPUIS:VERS:POURCENT (par exemple guichet:web:20).")
        try:
            share = float(parts[2].replace(",", ".").rstrip("% "))
        except ValueError:
            raise InputError(f"--deplacer : {show_value(parts[2])} n'est pas un pourcentage.") from None
        table = costs.what_if(volumes, chosen, parts[0].strip().casefold(), parts[1].strip().casefold(), share)
        title = (f"Économie si {share:g} % des contacts {shown_canal(parts[0].strip().casefold())} passaient par "
                 f"{shown_canal(parts[1].strip().casefold())}").replace(".", ",")
    else:
        total_users = costs.distinct_users(log) if log is not None else None
        table, title = costs.costs_by_structure(volumes, chosen, total_users), "Coût des contacts par structure"
    if questions is not None:
        from contacts_lib.logs.practices import association_text, practice_association

        table = practice_association(table.iloc[:-1], network.answers, questions, value="cout_par_usager")
        if arguments.csv:
            return _frame_csv(table)
        rows = table.to_dict("records")
        lines = [f"Coût par usager ({chosen.devise}, sur un an, usagers déclarés) des structures qui appliquent chaque "
                 f"pratique et des autres. Coûts unitaires : {chosen.label()}.",
                 "Chaque structure compte une fois (son dernier autodiagnostic). Une association observée : les structures qui "
                 "appliquent une pratique peuvent différer des autres de bien d'autres façons.", ""]
        lines += [f"Question {applies['question']} — {applies['intitule']} : "
                  + association_text(applies, lacks, chosen.devise, chosen.devise, 2)
                  for applies, lacks in zip(rows[::2], rows[1::2], strict=True)]
        return "\n".join(lines) + "\n"
    if arguments.csv:
        return _frame_csv(table)
    missing = [canal for canal in costs.CANALS if chosen.values.get(canal) is None]
    notes = f"Coûts unitaires : {chosen.label()}.\n"
    if arguments.preset:
        notes += "Chiffres publiés au Royaume-Uni, en livres : des ordres de grandeur, pas des coûts français.\n"
    if missing:
        notes += f"Sans coût unitaire (laissés hors des totaux) : {', '.join(map(shown_canal, missing))}.\n"
    shown = table.copy()
    if "canal" in shown:  # the vocabulary's keys in the CSV, their French names in the table
        shown["canal"] = [shown_canal(canal) for canal in shown["canal"]]
    for column in shown.columns:
        if column.startswith(("cout", "economie", "deplaces")):
            shown[column] = [_money(v) for v in shown[column]]
    words = {"structure": "Structure", "canal": "Canal", "reiterations": "Réitérations", "cout_unitaire": "Coût unitaire",
             "cout": "Coût", "deplaces": "Contacts déplacés", "economie": "Économie", "cout_total": "Total",
             "usagers": "Usagers", "cout_par_usager": "Par usager", **{f"cout_{c}": shown_canal(c).capitalize() for c in costs.CANALS}}
    money = tuple(c for c in shown.columns if c.startswith(("cout", "economie", "deplaces")))
    return f"{title}\n{notes}" + _frame_table(shown, words, percents=(), right=money)


def _questions(text: str) -> tuple[int, ...]:
    """« 14,16 » → (14, 16): question numbers of the autodiagnostic, checked."""
    numbers = []
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not (part.isascii() and part.isdigit()) or not 1 <= int(part) <= QUESTION_COUNT:
            if Path(text).exists():  # « --pratiques DOSSIER »: the folder was taken for the questions
                raise InputError(f"--pratiques « {visible(text)} » : donnez les autodiagnostics avant --pratiques, ou écrivez "
                                 "--pratiques=14,16 (numéros de questions).")
            raise InputError(f"--pratiques : « {visible(part)} » n'est pas un numéro de question (1 à {QUESTION_COUNT}).")
        numbers.append(int(part))
    if not numbers:
        raise InputError(f"--pratiques : donnez des numéros de questions, par exemple {','.join(map(str, DEFAULT_QUESTIONS))}.")
    return tuple(dict.fromkeys(numbers))


def _money(value) -> str:
    """« 12 345,68 » (two decimals, French), « – » when unknown."""
    if value is None or type(value).__name__ == "NAType" or value != value:
        return "–"
    return f"{float(value):,.2f}".replace(",", "\u202f").replace(".", ",")


def _exemple(arguments) -> str:
    from contacts_lib.formats.files import shown_path
    from contacts_lib.network.sample import (
        FILE_PREFIX,
        FIRST_CAMPAIGN,
        MAX_STRUCTURES,
        write_sample_network,
    )

    if not 1 <= arguments.structures <= MAX_STRUCTURES:
        raise InputError(f"--structures : entre 1 et {MAX_STRUCTURES}, pas {arguments.structures}.")
    folder = arguments.folder
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{shown_path(folder)} : ce n'est pas un dossier.")
    existing = [p for p in (folder / f"{FILE_PREFIX}-{FIRST_CAMPAIGN + k}.csv" for k in (0, 1)) if p.exists()]
    if existing and not arguments.force:
        raise InputError(f"{shown_path(existing[0])} : le fichier existe déjà ; ajoutez --force pour le remplacer.")
    log_path = None
    if arguments.contacts is not None:
        from contacts_lib.logs.sample import FILE_NAME, MAX_CONTACTS

        if not 1 <= arguments.contacts <= MAX_CONTACTS:
            raise InputError(f"--contacts : entre 1 et {MAX_CONTACTS}, pas {arguments.contacts}.")
        log_path = arguments.journal or folder / f"{FILE_NAME}.parquet"
        if log_path.suffix.casefold() not in (".csv", ".parquet"):
            raise InputError(f"{shown_path(log_path)} : un journal de contacts est un fichier .csv ou .parquet.")
        if log_path.exists() and not arguments.force:
            raise InputError(f"{shown_path(log_path)} : le fichier existe déjà ; ajoutez --force pour le remplacer.")
    try:
        paths = write_sample_network(folder, arguments.structures, arguments.graine)
        if log_path is not None:
            from contacts_lib.logs.sample import write_sample_log
            from contacts_lib.network import Network, sample_network

            diagnostics = sample_network(arguments.structures, arguments.graine)
            latest = Network(tuple(diagnostics), ("",) * len(diagnostics)).latest().diagnostics
            write_sample_log(log_path, list(latest), arguments.contacts, arguments.graine)
    except OSError as error:
        from contacts_lib.formats.files import os_reason

        raise InputError(f"{shown_path(folder)} : écriture impossible ({os_reason(error)}).") from None
    written = "".join(f"Réseau synthétique (structures fictives) écrit : {shown_path(p)}\n" for p in paths)
    if log_path is not None:
        written += f"Journal de contacts synthétique (usagers fictifs) écrit : {shown_path(log_path)}\n"
    return written


def main(argv: list[str] | None = None) -> int:
    # Third-party warnings (in English, about their own internals) are not for our users.
    warnings.simplefilter("ignore")
    arguments = _parser().parse_args(argv)
    try:
        if arguments.command == "score":
            _emit(_score(arguments))
        elif arguments.command == "template":
            _template(arguments.file, arguments.force)
        elif arguments.command == "consensus":
            _emit(_consensus(arguments))
        elif arguments.command in ("pratiques", "reseau", "plan", "exemple", "enregistrer", "exporter", "reiteration", "couts"):
            command = {
                "pratiques": _pratiques, "reseau": _reseau, "plan": _plan, "exemple": _exemple,
                "enregistrer": _enregistrer, "exporter": _exporter, "reiteration": _reiteration, "couts": _couts,
            }[arguments.command]
            _emit(command(arguments))
        elif arguments.command == "app":
            from contacts_lib.web.server import serve

            return serve(port=arguments.port, open_browser=not arguments.no_browser, ip=arguments.ip, base=arguments.base,
                         sign_in=_sign_in(arguments))
    except InputError as error:
        for line in str(error).splitlines():  # several files may be at fault: one line each
            print(f"contacts-efficaces : {visible(line)}", file=sys.stderr)
        return USER_ERROR
    except _OutputClosed:
        return 0
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
