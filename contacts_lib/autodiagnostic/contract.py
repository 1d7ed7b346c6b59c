"""What the autodiagnostic app's Python and its page's JavaScript share, declared once.

The app's page is HTML made in Python (:mod:`contacts_lib.autodiagnostic.markup`). Two scripts bind to it:
``static/page.js`` from the first paint on (radar, answers kept in the browser, connection state,
leaving the page) and ``static/autodiagnostic.js``, the widget, once it is connected to the kernel.
Both find the page's parts, talk to the kernel and keep the answers under the names below, which
they receive as data (:func:`page_contract`): no class name, attribute or message type is written
as a matching string in several files (``tests/test_page_contract.py`` checks it). What every
page shares (the first paint, the page's class) is in :mod:`contacts_lib.web.html`.
"""

from __future__ import annotations

from pathlib import Path

from contacts_lib.autodiagnostic.figures import RADAR_POINT, RADAR_SHAPE
from contacts_lib.autodiagnostic.reference import QUESTION_COUNT
from contacts_lib.web.html import PAGE_CLASS
from contacts_lib.web.server import static_url

#: The app page's own static files (its scripts, its styles, plotly.js reduced to the radar).
STATIC = Path(__file__).parent / "static"

#: Classes of the page's parts that the scripts look for (key: the name the scripts use).
PARTS = {
    "app": "ce-app",
    "connection": "ce-connection",
    "restored": "ce-restored",
    "restoredText": "ce-restored-text",
    "reset": "ce-reset",
    "scoreBar": "ce-scorebar",
    "file": "ce-file",
    "fileName": "ce-file-name",
    "pick": "ce-pick",
    "pickButton": "ce-pick-button",
    "importError": "ce-import-error",
    "importInfo": "ce-import-info",
    "exportError": "ce-export-error",
    "exportInfo": "ce-export-info",
    "save": "ce-save",
    "saveError": "ce-save-error",
    "saveInfo": "ce-save-info",
    "versions": "ce-versions",
    "versionButton": "ce-version-button",
    "signedIn": "ce-signed-in",
    "signedInText": "ce-signed-in-text",
    "radar": "ce-radar",
    "radarShape": RADAR_SHAPE,
    "radarPoint": RADAR_POINT,
    "planBody": "ce-plan-body",
    "note": "ce-note",
    "noteLinks": "ce-note-links",
    "planEditor": "ce-plan-editor",
    "planEmpty": "ce-plan-empty",
    "planSort": "ce-plan-sort",
    "planFollowup": "ce-plan-followup",
    "planError": "ce-plan-error",
    "planInfo": "ce-plan-info",
    "actionTemplate": "ce-action-template",
    "action": "ce-action",
    "actionTitle": "ce-action-title",
    "actionError": "ce-action-error",
}

#: Where the page finds plotly.js, relative to the page (Voilà serves the package's static files);
#: the page shows an SVG radar until it is loaded (see figures.radar_svg).
PLOTLY_BUNDLE = STATIC / "plotly-radar.min.js"
PLOTLY_URL = static_url(PLOTLY_BUNDLE)

#: Class of the page's buttons, for the ones the scripts create.
BUTTON_CLASS = "ce-button"

#: Data attributes of the page that the scripts read or set.
ATTRIBUTES = {
    "question": "data-question",
    "field": "data-field",
    "lever": "data-lever",
    "result": "data-result",
    "export": "data-export",
    "revision": "data-revision",
    "live": "data-live",
    "note": "data-note",
    "noteQuestion": "data-note-question",
    "planAdd": "data-plan-add",
    "planRemove": "data-plan-remove",
    "action": "data-action",
    "actionKey": "data-action-key",
}

#: Custom messages between the widget and the kernel, by direction.
MESSAGES_TO_KERNEL = ("import", "pick", "export", "save", "version", "reset", "ping", "markup", "plotly", "visitor")
MESSAGES_TO_PAGE = ("download", "saved", "pong", "markup", "plotly")

#: Largest file the page sends to the kernel (checked in the browser before sending, and again
#: in Python): far above any autodiagnostic, well below what the kernel's websocket accepts.
UPLOAD_LIMIT_BYTES = 5 * 1024 * 1024

#: The widget asks the kernel for a « pong » every this many milliseconds; a kernel that has left
#: ``CONNECTION_LOST_MS / PING_INTERVAL_MS`` pings unanswered is lost (while it reads a file or
#: builds an export, silence is allowed for ``BUSY_ALLOWANCE_MS``).
PING_INTERVAL_MS = 4_000
CONNECTION_LOST_MS = 14_000
BUSY_ALLOWANCE_MS = 60_000
#: A page whose widget has not connected after this long says so and offers to reload.
CONNECT_TIMEOUT_MS = 45_000

#: Where the page keeps the answers in progress, in the browser (one entry per page path).
STORAGE_PREFIX = "contacts-efficaces/autodiagnostic/v1:"

#: Query string that opens the app filled with the source's worked example.
EXAMPLE_QUERY = "exemple=recueil"

#: What the page says by itself, when the kernel cannot (``{…}``: filled in by the script).
TEXTS = {
    "connecting": "Connexion au serveur… Vous pouvez déjà répondre : vos réponses seront prises en compte.",
    "connectSlow": (
        "La connexion au serveur n'aboutit pas. Vos réponses sont gardées dans ce navigateur ; "
        "rechargez la page pour réessayer."
    ),
    "lost": (
        "La connexion avec le serveur a été perdue. Vos réponses sont gardées dans ce navigateur : "
        "la page se recharge pour reprendre."
    ),
    "lostStay": (
        "La connexion avec le serveur a été perdue. Vos réponses sont gardées dans ce navigateur ; "
        "rechargez la page pour reprendre."
    ),
    "reload": "Recharger la page",
    "restored": "Vos réponses en cours ont été retrouvées dans ce navigateur (dernière modification le {date} à {time}).",
    "example": (
        "Exemple du recueil (SGMAP, 2015) : le formulaire est rempli avec ses réponses. Vos propres "
        "réponses en cours, gardées dans ce navigateur, ne sont pas modifiées."
    ),
    "exampleLeave": "Revenir à mon autodiagnostic",
    "resetConfirm": "Effacer toutes les réponses et tous les champs du formulaire ? Cette action ne peut pas être annulée.",
    "resetDone": "Le formulaire a été remis à zéro.",
    "noFile": "Aucun fichier choisi",
    "uploadTooBig": "Import impossible : {name} fait {size} ; un fichier importé fait {limit} au plus.",
    "alreadyShown": "Cette application est déjà affichée plus haut dans la page.",
    "radarUnavailable": "Radar indisponible : {reason}",
    "noKernel": "Action impossible pour l'instant : la connexion au serveur n'est pas encore établie. Réessayez dans un instant.",
    "planAdded": "Bonne pratique n° {n} ajoutée au plan d'actions, plus bas : précisez qui, quand et son statut.",
    "planAlready": "La bonne pratique n° {n} est déjà dans le plan d'actions.",
    "planSorted": "Plan trié par gain attendu ÷ effort, le plus favorable d'abord.",
}


def megabytes(size: int) -> str:
    """A size as the page states it: « 12,3 Mo »."""
    value = size / (1024 * 1024)
    return f"{value:.1f} Mo".replace(".", ",").replace(",0 Mo", " Mo")


def page_contract() -> dict[str, object]:
    """The contract as the scripts receive it (JSON)."""
    from contacts_lib.autodiagnostic.followup import default_steps
    from contacts_lib.autodiagnostic.markup import practice_label
    from contacts_lib.autodiagnostic.reference import load_catalogue

    practices = {
        str(q.practice.number): {"label": practice_label(q.number, q.practice.number, q.practice.title),
                                 "steps": list(default_steps(q.practice.number))}
        for q in load_catalogue().questions
    }
    return {
        "practices": practices,
        "pageClass": PAGE_CLASS,
        "buttonClass": BUTTON_CLASS,
        "plotlyUrl": PLOTLY_URL,
        "parts": {name: f".{css_class}" for name, css_class in PARTS.items()},
        "attributes": ATTRIBUTES,
        "messages": {name: name for name in (*MESSAGES_TO_KERNEL, *MESSAGES_TO_PAGE)},
        "questionCount": QUESTION_COUNT,
        "uploadLimitBytes": UPLOAD_LIMIT_BYTES,
        "pingIntervalMs": PING_INTERVAL_MS,
        "connectionLostMs": CONNECTION_LOST_MS,
        "busyAllowanceMs": BUSY_ALLOWANCE_MS,
        "connectTimeoutMs": CONNECT_TIMEOUT_MS,
        "storagePrefix": STORAGE_PREFIX,
        "exampleQuery": EXAMPLE_QUERY,
        "uploadLimitText": megabytes(UPLOAD_LIMIT_BYTES),
        "texts": TEXTS,
    }
