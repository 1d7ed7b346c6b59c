"""The landing page (``notebooks/index.ipynb``): what the tool is, for whom, and the way in.

Its texts about the scores are made from the catalogue and the scoring rules, and the worked
example's numbers are computed, so the page cannot drift from what the tool does. The blank
workbook is in the page itself (a ``data:`` link), so it downloads without a server route. Once
shown, the page needs nothing more from its kernel and gives it back (see :func:`landing_page`).
"""

from __future__ import annotations

import base64
import json
from html import escape

from contacts_lib.autodiagnostic.contract import EXAMPLE_QUERY
from contacts_lib.autodiagnostic.reference import QUESTION_COUNT, load_catalogue
from contacts_lib.autodiagnostic.scoring import UNANSWERED_RULE, format_percent, score
from contacts_lib.formats import workbook_bytes, worked_example
from contacts_lib.web.html import (
    PAGE_CLASS,
    STATIC,
    display_first_paint,
    page_styles,
    tag,
    text,
)
from contacts_lib.web.server import (
    APP_NOTEBOOK,
    COSTS_NOTEBOOK,
    LANDING_NOTEBOOK,
    NETWORK_NOTEBOOK,
    REITERATION_NOTEBOOK,
    WORKSHOP_NOTEBOOK,
)

WORKBOOK_NAME = "modele-autodiagnostic-100-contacts-efficaces.xlsx"
WORKBOOK_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BINDER_PATTERN = "https://mybinder.org/v2/gh/ORGANISATION/DEPOT/HEAD?urlpath=voila%2Frender%2Fnotebooks%2F"


def blank_workbook_link() -> str:
    """A link that downloads the blank workbook, its bytes in the link itself."""
    content = base64.b64encode(workbook_bytes(None)).decode("ascii")
    return tag(
        "a", "Télécharger le classeur Excel vierge", href=f"data:{WORKBOOK_MIME};base64,{content}",
        download=WORKBOOK_NAME, class_="ce-button",
    )


def _scoring_section() -> str:
    catalogue = load_catalogue()
    rows = []
    for lever in catalogue.levers:
        numbers = [question.number for question in catalogue.questions_of(lever)]
        rows.append(
            tag("tr", tag("td", text(f"{lever.number}. {lever.short_name}")) + tag("td", text(lever.title))
                + tag("td", f"{numbers[0]} à {numbers[-1]}") + tag("td", str(len(numbers)), class_="ce-num"))
        )
    moved = [q for q in catalogue.questions if q.number != q.practice.number]
    libre_service = next(q for q in moved if q.practice.number < q.number)
    return tag(
        "section",
        tag("h2", "Comment sont calculés les scores", id="calcul")
        + tag("p", text(
            f"Les {QUESTION_COUNT} questions se répondent par OUI ou NON. Chaque question compte dans le levier "
            "de sa place dans le questionnaire, comme dans l'outil d'origine :"))
        + tag("table", tag("thead", tag("tr", "".join(tag("th", t, scope="col") for t in ("Levier", "Intitulé", "Questions", "Nombre"))))
              + tag("tbody", "".join(rows)), class_="ce-table")
        + tag("ul",
              tag("li", text("Couverture d'un levier = nombre de OUI du levier ÷ nombre de questions du levier."))
              + tag("li", text("Moyenne = moyenne simple des quatre couvertures (et non la part de OUI sur "
                               f"les {QUESTION_COUNT} questions)."))
              + tag("li", text("Les pourcentages sont arrondis à l'entier le plus proche, les demis vers le haut "
                               "(87,5 % → 88 %), comme le tableur."))
              + tag("li", text(f"{UNANSWERED_RULE[0].upper()}{UNANSWERED_RULE[1:]} ; le nombre de réponses "
                               "est toujours affiché.")))
        + tag("p", text(
            f"Numéros : la question {libre_service.number} porte sur la bonne pratique n° "
            f"{libre_service.practice.number} du recueil (libre service) ; les questions {moved[0].number} à "
            f"{moved[-2].number} portent donc sur les pratiques {moved[0].practice.number} à {moved[-2].practice.number}. "
            "Les axes d'amélioration donnent les deux numéros.")),
    )


def _example_section() -> str:
    scores = score(worked_example())
    shown = ", ".join(
        f"{lever.short_name} {format_percent(scores.coverage[lever.key])}" for lever in load_catalogue().levers
    )
    return tag(
        "section",
        tag("h2", "L'exemple du recueil", id="exemple")
        + tag("p", text(
            "Le recueil des bonnes pratiques (SGMAP, 2015) donne un exemple de résultats. Avec ses réponses, "
            f"l'outil trouve : {shown}, moyenne {format_percent(scores.moyenne)}."))
        + tag("p", tag("a", "Ouvrir l'application remplie avec l'exemple", href=f"{APP_NOTEBOOK}?{EXAMPLE_QUERY}")
              + text(" (vos propres réponses en cours ne sont pas modifiées).")),
    )


def _facilitators_section() -> str:
    steps = (
        "Avant l'atelier : vérifiez que le lien Binder du dépôt s'ouvre (le premier lancement prend quelques minutes).",
        "Chaque participant ouvre le lien Binder dans son navigateur : il obtient sa propre copie de l'outil.",
        "Chacun remplit l'autodiagnostic ; ses réponses sont gardées dans son navigateur même si la page se recharge.",
        "Chacun télécharge son fichier (JSON ou classeur Excel) avec les boutons « Exporter » et vous l'envoie.",
        "Vous rassemblez les fichiers et les déposez tous ensemble dans la page « Animer un atelier » : le décompte "
        "des réponses à chaque question, qui n'est pas d'accord, et un consensus proposé que le groupe ajuste.",
        "Binder ne garde rien : au bout d'une dizaine de minutes d'inactivité, la copie d'un participant disparaît. "
        "Seuls les fichiers téléchargés restent.",
    )
    return tag(
        "section",
        tag("h2", "Pour les animateurs d'atelier", id="animateurs")
        + tag("p", tag("a", "Animer un atelier : consensus du groupe", href=WORKSHOP_NOTEBOOK, class_="ce-button ce-primary")
              + " " + text("déposez les fichiers des participants (JSON, CSV ou XLSX) : réponses de chacun, désaccords, "
                           "consensus à ajuster, radar du groupe, et le consensus à télécharger."))
        + tag("ol", "".join(tag("li", text(step)) for step in steps))
        + tag("p", text("Adresse de lancement Binder, où ORGANISATION/DEPOT est le dépôt GitHub du projet :"))
        + tag("pre", escape(BINDER_PATTERN + LANDING_NOTEBOOK))
        + tag("p", text("Sur le réseau d'une salle, sans Binder, une seule machine peut servir tous les postes : "
                        "contacts-efficaces app --ip 0.0.0.0 (sans authentification : réseau de confiance seulement).")),
    )


def _analysts_section() -> str:
    return tag(
        "section",
        tag("h2", "Pour les analystes", id="analystes")
        + tag("p", tag("a", "Analyser un réseau", href=NETWORK_NOTEBOOK, class_="ce-button ce-primary")
              + " " + text("le dernier autodiagnostic de chaque structure d'un réseau : adoption des 36 bonnes pratiques par "
                           "réseau, distribution des scores, chaque structure face à ses pairs et son évolution entre deux "
                           "campagnes. Sans données, la page montre un réseau synthétique de structures fictives."))
        + tag("p", tag("a", "Réitération des contacts", href=REITERATION_NOTEBOOK, class_="ce-button")
              + " " + text("d'un journal de contacts : les usagers qui reviennent pour la même demande, par canal, "
                           "par motif, par structure et par mois."))
        + tag("p", tag("a", "Coûts des canaux", href=COSTS_NOTEBOOK, class_="ce-button")
              + " " + text("ce que coûtent les contacts de chaque structure selon vos coûts unitaires, et l'économie "
                           "si une part des contacts d'un canal passait par un autre."))
        + tag("p", text("Dans un terminal, depuis le dossier du dépôt (après make app ou make test, qui installent tout) :"))
        + tag("pre", escape(
            ".venv/bin/jupyter lab                                  # les notebooks, dont cette page\n"
            ".venv/bin/contacts-efficaces score data/exemples/*.json  # scores de fichiers JSON, CSV ou XLSX\n"
            ".venv/bin/contacts-efficaces score --csv FICHIER…        # les mêmes, en CSV\n"
            ".venv/bin/contacts-efficaces template modele.xlsx       # le classeur vierge\n"
            ".venv/bin/contacts-efficaces pratiques DOSSIER --par reseau  # adoption des pratiques d'un réseau\n"
            ".venv/bin/contacts-efficaces reseau DOSSIER             # distribution des scores par levier"))
        + tag("p", text("Dans un notebook : from contacts_lib.network import load_network, adoption ; "
                        "adoption(load_network(\"DOSSIER\").latest().answers, by=\"reseau\") — "
                        "le README du dépôt décrit les fonctions, les tables et les formats de fichiers.")),
    )


def access_mode_html() -> str:
    """How this server lets people in, said plainly: open to whoever reaches it, or with sign-in."""
    from contacts_lib.access import signed_in_mode
    from contacts_lib.web.server import sign_out_url

    if signed_in_mode():
        return tag("p", text(
            "Accès avec connexion : chaque personne ne voit et n'enregistre que les structures de son périmètre "
            "(structures, ou réseaux pour une tête de réseau), selon le fichier des droits du serveur. ")
            + tag("a", "Se déconnecter", href=sign_out_url()), class_="ce-meta ce-access")
    return tag("p", text(
        "Accès libre : cette application n'a pas de connexion ; quiconque atteint son adresse peut l'utiliser, et voir "
        "ou enregistrer les autodiagnostics de la base du serveur s'il en a une. À réserver à une salle de confiance, "
        "à Binder ou à un seul poste ; pour un réseau, le serveur se lance avec un fichier des droits (--acces)."),
        class_="ce-meta ce-access")


def landing_html() -> str:
    """The landing page's content, as HTML."""
    style = f"<style>{page_styles('landing.css')}</style>"
    start = tag(
        "section",
        access_mode_html()
        + tag("h2", "Remplir l'autodiagnostic", id="remplir")
        + tag("p", text(
            f"{QUESTION_COUNT} questions OUI/NON, la couverture des quatre leviers (Orientation, Excellence, Pilotage, "
            "Innovation), le radar et les axes d'amélioration, mis à jour à chaque réponse. Vos réponses en cours "
            "restent dans votre navigateur ; exportez-les en classeur Excel, en JSON, en rapport ou en synthèse d'une page."))
        + tag("p", tag("a", "Remplir l'autodiagnostic", href=APP_NOTEBOOK, class_="ce-button ce-primary")
              + " " + blank_workbook_link())
        + tag("p", text("Le classeur vierge se remplit aussi sans l'application, dans Excel ou LibreOffice : ses formules "
                        "calculent les mêmes scores, et il se relit ensuite dans l'application (« Importer »)."),
              class_="ce-meta"),
    )
    nav = tag("nav", tag("ul", "".join(
        tag("li", tag("a", label, href=f"#{anchor}"))
        for anchor, label in (("calcul", "Comment sont calculés les scores"), ("exemple", "L'exemple du recueil"),
                              ("animateurs", "Pour les animateurs"), ("analystes", "Pour les analystes"))
    )), aria_label="Sur cette page")
    body = start + nav + _scoring_section() + _example_section() + _facilitators_section() + _analysts_section()
    return style + tag("div", body, class_="ce-landing", lang="fr")


class LandingPage:
    """The landing page in a notebook: its HTML, and a script that gives the kernel back.

    The page has no widget: once Voilà has shown it, its kernel has nothing left to do, so the
    page asks Voilà to shut it down (the request Voilà itself sends when a page is closed).
    Like the app, it is written into the page by the server (first paint): its links are plain
    links, not rewritten by Voilà's front end.
    """

    def _ipython_display_(self) -> None:
        display_first_paint(self.html())

    def html(self) -> str:
        release = (STATIC / "kernel.js").read_text(encoding="utf-8")
        start = f"if (window.ceInVoila()) document.body.classList.add({json.dumps(PAGE_CLASS)});"
        return f"{landing_html()}<script>{release}\n{start}\nwindow.addEventListener('load', window.ceReleaseKernel);</script>"


def landing_page() -> LandingPage:
    """What ``notebooks/index.ipynb`` displays."""
    return LandingPage()
