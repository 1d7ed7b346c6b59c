"""HTML of the autodiagnostic app and of the action plan, built in Python.

The app's page is sent as HTML in the notebook's output, so that Voilà shows the questionnaire
and the radar at once, before the widget connects to the kernel; the scripts then bind to this
markup through the names of :mod:`contacts_lib.autodiagnostic.contract`. The action plan's HTML
also serves the printed reports. Every text goes through :func:`contacts_lib.web.html.text`: what
came from a file is shown as text.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from fractions import Fraction

from contacts_lib.autodiagnostic.action_plan import LeverPlan, fiche
from contacts_lib.autodiagnostic.answers import (
    HEADER_FIELDS,
    NO,
    YES,
    Autodiagnostic,
    answer_text,
)
from contacts_lib.autodiagnostic.contract import (
    ATTRIBUTES,
    PARTS,
    STATIC,
    TEXTS,
    UPLOAD_LIMIT_BYTES,
    megabytes,
    page_contract,
)
from contacts_lib.autodiagnostic.figures import radar_geometry
from contacts_lib.autodiagnostic.followup import (
    MARKS,
    MAX_NOTE_LENGTH,
    MAX_STEP_LENGTH,
    MAX_STEPS,
    MAX_WHO_LENGTH,
    NOTE_SUFFIXES,
    STATUSES,
    Action,
    by_priority,
    form_action,
    form_notes,
    LATE_RULE,
    is_applied,
    is_late,
)
from contacts_lib.autodiagnostic.reference import QUESTION_COUNT, load_catalogue
from contacts_lib.autodiagnostic.scoring import (
    UNANSWERED_RULE,
    format_percent,
    scoring_table,
)
from contacts_lib.formats import EXTENSIONS
from contacts_lib.messages import thousands
from contacts_lib.web.html import STATIC as WEB_STATIC
from contacts_lib.web.html import french_text, inline_json, page_styles, tag, text, void
from contacts_lib.web.html import text_plain

CHOICES = ((YES, "Oui"), (NO, "Non"), ("", "Sans réponse"))
#: How the form writes a date, and what it says to type (French order, whatever the browser's
#: language: a browser's own date control would say « mm/dd/yyyy » in an English browser).
DATE_SHOWN = "%d/%m/%Y"
DATE_HINT = "jj/mm/aaaa"
PLAN_INTRO = "Bonnes pratiques pas encore en place, levier le plus faible d'abord."

#: The app's downloads: kind → (button label, MIME type, end of the file name).
EXPORTS = {
    "xlsx": ("Classeur Excel (.xlsx)", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    "json": ("Fichier JSON", "application/json", ".json"),
    "html": ("Rapport complet (HTML, à imprimer)", "text/html", ".html"),
    "synthese": ("Synthèse d'une page (HTML, A4)", "text/html", "-synthese.html"),
}

def progress_text(answered: int) -> str:
    """« 12 / 36 réponses »."""
    return french_text(f"{answered} / {QUESTION_COUNT} réponses")


def unanswered_text(unanswered: int) -> str:
    """What the results say of the questions left without an answer, and how they count."""
    return french_text(
        "Toutes les questions ont une réponse."
        if unanswered == 0
        else f"Questions sans réponse : {unanswered} / {QUESTION_COUNT} "
        f"({format_percent(Fraction(unanswered, QUESTION_COUNT))}) ; {UNANSWERED_RULE}."
    )


def first_scores() -> dict[str, object]:
    """What the page needs to show the scores of answers it puts back itself (kept in the
    browser, the recueil's example) before its kernel answers: the scoring rule as data
    (:func:`scoring.scoring_table`), every text already written by Python, and where the SVG
    radar's points go (:func:`figures.radar_geometry`)."""
    table = scoring_table()
    for lever in table["levers"]:
        lever["percents"] = [french_text(percent) for percent in lever["percents"]]
    return {
        **table,
        "yes": YES,
        "percent": french_text("{n} %"),
        "progress": [progress_text(count) for count in range(QUESTION_COUNT + 1)],
        "unanswered": [unanswered_text(count) for count in range(QUESTION_COUNT + 1)],
        "radar": radar_geometry(),
    }


def contract_for_page() -> dict[str, object]:
    """The page contract as the scripts receive it, its texts with French spacing."""
    contract = page_contract()
    contract["texts"] = {name: french_text(value) for name, value in contract["texts"].items()}
    contract["firstScores"] = first_scores()
    return contract


def data(name: str, value: object = True) -> dict[str, object]:
    """A data attribute of the page contract, as keyword arguments of :func:`tag`."""
    return {ATTRIBUTES[name].replace("-", "_"): value}


def practice_label(question_number: int, practice_number: int, title: str) -> str:
    """« Question 11 · bonne pratique n° 12 : … »: the question as numbered in the form, the
    practice as numbered in the recueil (they differ from question 11 on, see data/README.md)."""
    return f"Question {question_number} · bonne pratique n° {practice_number} : {title}"


def plan_markup(plans: Sequence[LeverPlan], heading: str = "h3", limit: int | None = None, add: bool = False) -> str:
    """The practices still to put in place, by lever, weakest first, with the fiche where known.

    With ``limit``, only the first ``limit`` practices (for the one-page summary); with ``add``, a
    button « Ajouter au plan d'actions » beside each (the app).
    """
    if not plans:
        return tag("p", "Toutes les bonnes pratiques sont en place.")
    parts = []
    left = limit
    for plan in plans:
        items = []
        for question in plan.questions:
            if left is not None and left <= 0:
                break
            if left is not None:
                left -= 1
            practice = question.practice
            sections = fiche(practice.number) if limit is None else ()
            fiche_html = ""
            if sections:
                fiche_html = tag(
                    "details",
                    tag("summary", "Lire la fiche de la bonne pratique")
                    + "".join(
                        tag("h4", text(section.title)) + tag("ul", "".join(tag("li", text(i)) for i in section.items))
                        for section in sections
                    ),
                    class_="ce-fiche",
                )
            retours = " ; ".join(practice.retours_experience) or "aucun"
            items.append(
                tag(
                    "li",
                    tag("span", text(practice_label(question.number, practice.number, practice.title)), class_="ce-practice-title")
                    + tag("span", text(f"Retours d'expérience : {retours} — recueil, page {practice.page}"), class_="ce-meta")
                    + fiche_html
                    + (tag("button", "Ajouter au plan d'actions", type="button", class_="ce-button ce-secondary",
                           aria_label=f"Ajouter la bonne pratique n° {practice.number} au plan d'actions",
                           **data("planAdd", practice.number)) if add else ""),
                    class_="ce-practice",
                )
            )
        if not items:
            break
        parts.append(
            tag(
                "div",
                tag(heading, text(f"{plan.lever.number}. {plan.lever.short_name} — {format_percent(plan.coverage)}"))
                + tag("p", text(plan.lever.title), class_="ce-meta")
                + tag("ul", "".join(items)),
                class_="ce-plan-lever",
            )
        )
    return "".join(parts)


def _action_template() -> str:
    """One action of the plan d'actions as the app edits it, in a ``<template>``: the page's
    script makes a copy per action and fills it (its title, values and errors)."""
    def select(key: str, options: Sequence[tuple[str, str]]) -> str:
        return tag("select", "".join(tag("option", text(label), value=value) for value, label in options), **data("actionKey", key))

    marks = [("", "–"), *((str(m), f"{m}{' (faible)' if m == MARKS[0] else ' (fort)' if m == MARKS[-1] else ''}") for m in MARKS)]
    fields = (
        tag("label", text("Modalités pratiques (une étape par ligne)")
            + tag("textarea", "", rows="3", maxlength=str(MAX_STEPS * (MAX_STEP_LENGTH + 1)), **data("actionKey", "etapes")),
            class_="ce-action-steps")
        + tag("label", "Qui" + void("input", type="text", maxlength=str(MAX_WHO_LENGTH), autocomplete="off", **data("actionKey", "qui")))
        + tag("label", text(f"Quand ({DATE_HINT})")
              + void("input", type="text", placeholder=DATE_HINT, autocomplete="off", inputmode="numeric", **data("actionKey", "quand")))
        + tag("label", "Statut" + select("statut", list(STATUSES.items())))
        + tag("label", "Gain attendu" + select("gain", marks))
        + tag("label", "Effort" + select("effort", marks))
    )
    action = tag(
        "fieldset",
        tag("legend", tag("span", "", class_=PARTS["actionTitle"]))
        + tag("div", fields, class_="ce-action-fields")
        + tag("p", "", class_=f"ce-field-error {PARTS['actionError']}", role="alert")
        + tag("button", "Retirer du plan", type="button", class_="ce-button ce-secondary", **data("planRemove", "1")),
        class_=PARTS["action"], **data("action", ""),
    )
    return tag("template", action, class_=PARTS["actionTemplate"])


def plan_section(uid: str, followup_html: str) -> str:
    """The plan d'actions: the actions being edited (made by the page's script from the form's
    state), a button to sort them by gain ÷ effort, and the follow-up Python computes."""
    return tag(
        "section",
        tag("h2", "Plan d'actions", id=f"{uid}-actions-title")
        + tag("p", text("Ajoutez des bonnes pratiques depuis les axes d'amélioration ci-dessus, puis dites qui s'en charge, "
                        "pour quand, où en est chaque action, et le gain attendu et l'effort de 1 (faible) à 3 (fort)."),
              class_="ce-meta")
        + tag("p", text("Aucune action au plan pour l'instant."), class_=PARTS["planEmpty"])
        + tag("div", "", class_=PARTS["planEditor"])
        + tag("button", "Trier par gain ÷ effort", type="button", class_=f"ce-button ce-secondary {PARTS['planSort']}")
        + _notices("plan")
        + tag("div", followup_html, class_=PARTS["planFollowup"], aria_live="polite")
        + _action_template(),
        class_="ce-actions",
        aria_labelledby=f"{uid}-actions-title",
    )


def followup_markup(
    plan: Sequence[Action], answers: Sequence[bool | None], today: dt.date,
    previous: Autodiagnostic | None = None, previous_name: str = "",
) -> str:
    """What the app says of the plan: the actions by gain ÷ effort with those now applied and
    those late, and, against the version saved before, what changed (practices now applied,
    actions added, removed or whose status moved)."""
    if not plan:
        return ""
    catalogue = load_catalogue()

    def name(number: int) -> str:
        return f"n° {number} ({catalogue.question_of_practice(number).practice.title})"

    applied = [a.pratique for a in plan if is_applied(a.pratique, answers)]
    late = [a.pratique for a in plan if is_late(a, answers, today)]
    lines = [f"{len(plan)} {'action' if len(plan) == 1 else 'actions'} au plan."]
    if applied:
        lines.append(f"{'Désormais appliquée' if len(applied) == 1 else 'Désormais appliquées'} (réponse OUI) : "
                     f"{', '.join(map(name, applied))}.")
    if late:
        lines.append(f"En retard ({LATE_RULE}) : {', '.join(map(name, late))}.")
    if previous is not None:
        before = {a.pratique: a for a in previous.plan}
        now = {a.pratique: a for a in plan}
        changes = []
        achieved = [n for n in now if n in before and is_applied(n, answers) and not is_applied(n, previous.answers)]
        if achieved:
            changes.append(f"pratiques planifiées devenues OUI : {', '.join(map(name, achieved))}")
        added = [n for n in now if n not in before]
        if added:
            changes.append(f"actions ajoutées : {', '.join(f'n° {n}' for n in added)}")
        removed = [n for n in before if n not in now]
        if removed:
            changes.append(f"actions retirées : {', '.join(f'n° {n}' for n in removed)}")
        moved = [f"n° {n} {STATUSES[before[n].statut]} → {STATUSES[now[n].statut]}"
                 for n in now if n in before and before[n].statut != now[n].statut]
        if moved:
            changes.append(f"statuts : {', '.join(moved)}")
        lines.append(f"Depuis la {previous_name} : {' ; '.join(changes) if changes else 'plan inchangé'}.")
    shown = Autodiagnostic(structure="plan", answers=tuple(answers), plan=tuple(plan))
    return "".join(tag("p", text(line)) for line in lines) + action_plan_table(shown, today, steps=False)


#: In the compact table (the one-page summary), « qui » is cut to this many characters.
SHORT_WHO = 40


def _shortened(value: str, limit: int | None) -> str:
    return value if limit is None or len(value) <= limit else value[: limit - 1] + "…"


def action_plan_table(autodiagnostic: Autodiagnostic, today: dt.date, limit: int | None = None, steps: bool = True) -> str:
    """The plan d'actions as a table, by gain ÷ effort: practice, its steps (unless ``steps`` is
    False: the compact table, « qui » cut to ``SHORT_WHO``), qui, quand, status (late ones and
    those now applied said in words, not only by a colour)."""
    catalogue = load_catalogue()
    rows = []
    actions = by_priority(autodiagnostic.plan)
    for action in actions[:limit]:
        question = catalogue.question_of_practice(action.pratique)
        status = STATUSES[action.statut]
        if is_applied(action.pratique, autodiagnostic.answers):
            status += " — appliquée (réponse OUI)"
        elif is_late(action, autodiagnostic.answers, today):
            status += " — en retard"
        listed = tag("ul", "".join(tag("li", text(step)) for step in action.etapes)) if steps and action.etapes else ""
        marks = (f"{action.gain or '–'} / {action.effort or '–'}")
        rows.append(
            "<tr"
            + (' class="ce-late"' if is_late(action, autodiagnostic.answers, today) else "")
            + ">"
            + tag("td", text(practice_label(question.number, action.pratique, question.practice.title)) + listed)
            + tag("td", text(_shortened(action.qui, None if steps else SHORT_WHO) if action.qui else "–"))
            + tag("td", action.quand.strftime(DATE_SHOWN) if action.quand else "–", class_="num")
            + tag("td", text(status))
            + tag("td", text(marks), class_="num")
            + "</tr>"
        )
    head = "".join(
        tag("th", text(title), scope="col")
        for title in ("Bonne pratique et modalités pratiques" if steps else "Bonne pratique", "Qui", "Quand", "Statut", "Gain / effort")
    )
    return tag("table", tag("thead", tag("tr", head)) + tag("tbody", "".join(rows)), class_="ce-plan-table")


def form_values(autodiagnostic: Autodiagnostic) -> dict[str, object]:
    """An autodiagnostic as the form holds it: header fields and answers as texts."""

    def as_text(value: object) -> str:
        if value is None:
            return ""
        return value.strftime(DATE_SHOWN) if isinstance(value, dt.date) else str(value)

    return {
        "header": {key: as_text(value) for key, value in autodiagnostic.header().items()},
        "answers": [answer_text(answer) for answer in autodiagnostic.answers],
        "notes": form_notes(autodiagnostic.comments, autodiagnostic.evidence),
        "plan": [form_action(action) for action in autodiagnostic.plan],
    }


def _header_fields(uid: str, header: Mapping[str, str], errors: Mapping[str, str]) -> str:
    fields = []
    for spec in HEADER_FIELDS:
        field_id = f"{uid}-{spec.key}"
        error = errors.get(spec.key, "")
        fields.append(
            tag(
                "div",
                tag("label", text(spec.label + {"structure": " (obligatoire)"}.get(spec.key, "")
                                  + (f" ({DATE_HINT})" if spec.kind == "date" else "")), for_=field_id)
                + void(
                    "input",
                    id=field_id,
                    name=spec.key,
                    **data("field", spec.key),
                    type="text",
                    inputmode="numeric" if spec.kind == "count" else None,
                    placeholder=DATE_HINT if spec.kind == "date" else None,
                    autocomplete="off",
                    required=spec.key == "structure",
                    aria_describedby=f"{field_id}-error",
                    aria_invalid="true" if error else None,
                    value=header.get(spec.key, ""),
                )
                + tag("span", text(error), id=f"{field_id}-error", class_="ce-field-error"),
                class_="ce-field",
            )
        )
    return "".join(fields)


NOTE_LABELS = {"comments": "Commentaire", "evidence": "Preuve (document, lien https://…)"}
#: Said beside each note: the field stops there (the same limit is checked when a file is read).
NOTE_LIMIT = f"{thousands(MAX_NOTE_LENGTH)} caractères au plus"


def _note(uid: str, number: int, notes: Mapping[str, Mapping[str, str]]) -> str:
    """A question's comment and evidence, folded away until opened (open when filled)."""
    fields = []
    for kind, label in NOTE_LABELS.items():
        value = notes.get(kind, {}).get(str(number), "")
        field_id = f"{uid}-q{number:02d}-{NOTE_SUFFIXES[kind]}"
        fields.append(
            tag("label", text(label) + " " + tag("span", text(f"({NOTE_LIMIT})"), class_="ce-meta"), for_=field_id)
            + tag("textarea", escape_textarea(value), id=field_id, rows="2", maxlength=str(MAX_NOTE_LENGTH),
                  **data("note", kind), **data("noteQuestion", number))
        )
    filled = any(notes.get(kind, {}).get(str(number)) for kind in NOTE_LABELS)
    return tag(
        "details",
        tag("summary", "Commentaire et preuve") + "".join(fields) + tag("p", "", class_=PARTS["noteLinks"]),
        class_=PARTS["note"], open=filled,
    )


def escape_textarea(value: str) -> str:
    """A textarea's content: escaped text (a leading line break would be eaten by the parser)."""
    return ("\n" if value.startswith("\n") else "") + text_plain(value)


def _questions(uid: str, answers: Sequence[str], notes: Mapping[str, Mapping[str, str]] | None = None) -> str:
    catalogue = load_catalogue()
    sections = []
    for lever in catalogue.levers:
        fieldsets = []
        for question in catalogue.questions_of(lever):
            radios = []
            for value, label in CHOICES:
                radio_id = f"{uid}-{question.key}-{value or 'vide'}"
                radio = void(
                    "input",
                    type="radio",
                    id=radio_id,
                    name=f"{uid}-{question.key}",
                    value=value,
                    **data("question", question.number),
                    checked=answers[question.number - 1] == value,
                )
                radios.append(tag("label", radio + tag("span", text(label)), for_=radio_id, class_="ce-choice"))
            fieldsets.append(
                tag(
                    "fieldset",
                    tag("legend", tag("span", f"{question.number}.", class_="ce-qnum") + " " + text(question.text))
                    + tag("div", "".join(radios), class_="ce-choices")
                    + _note(uid, question.number, notes or {}),
                    class_="ce-question",
                )
            )
        title_id = f"{uid}-lever-{lever.number}"
        sections.append(
            tag(
                "section",
                tag("h3", text(f"Levier {lever.number} — {lever.short_name} : {lever.title}"), id=title_id)
                + "".join(fieldsets),
                class_="ce-lever",
                aria_labelledby=title_id,
            )
        )
    return "".join(sections)


def _notices(place: str) -> str:
    """The two message boxes of a control (errors read at once, information politely)."""
    return tag("div", "", class_=f"ce-notice ce-error {PARTS[place + 'Error']}", role="alert") + tag(
        "div", "", class_=f"ce-notice ce-info {PARTS[place + 'Info']}", role="status"
    )


def _file_picker(input_id: str) -> str:
    """A file chooser that speaks French whatever the browser's language: the browser's own input
    (« Choose File / No file chosen » in an English browser) is hidden behind a button of the page,
    and the chosen file's name is shown beside it."""
    return tag(
        "div",
        void("input", type="file", id=input_id, class_=f"ce-hidden-input {PARTS['file']}", accept=",".join(EXTENSIONS))
        + tag("label", "Choisir un fichier…", for_=input_id, class_="ce-button", aria_hidden="true")
        + tag("span", text(TEXTS["noFile"]), class_=PARTS["fileName"], aria_live="polite"),
        class_="ce-file-picker",
    )


def _score_bar(results: Mapping[str, object]) -> str:
    """The four levers and the moyenne in one line, kept in view on a phone while answering."""
    cells = "".join(
        tag("span", tag("abbr", text(lever["name"][0]), title=lever["name"]) + " " + tag("b", text(lever["percent"]), **data("lever", lever["key"])))
        for lever in results["levers"]
    )
    cells += tag("span", "Moy. " + tag("b", text(results["moyenne"]), **data("result", "moyenne")), class_="ce-scorebar-total")
    return tag("div", cells, class_=PARTS["scoreBar"], aria_hidden="true")


def _signed_in(uid: str) -> str:
    """Who is signed in and a way to sign out (a server with sign-in; filled once connected)."""
    from contacts_lib.access import signed_in_mode
    from contacts_lib.web.server import sign_out_url

    if not signed_in_mode():
        return ""
    return tag(
        "p",
        tag("span", "", class_=PARTS["signedInText"]) + " " + tag("a", "Se déconnecter", href=sign_out_url()),
        class_=f"ce-meta {PARTS['signedIn']}",
    ) + tag("datalist", "", id=f"{uid}-offered")


def _store_section(uid: str, versions: Sequence[Mapping[str, object]]) -> str:
    """« Enregistrer » and the structure's saved versions (only when a store is configured)."""
    options = "".join(tag("option", text(str(v["label"])), value=str(v["id"])) for v in versions)
    return (
        tag("h2", "Base des autodiagnostics", id=f"{uid}-store-title")
        + _signed_in(uid)
        + tag("p", "Chaque enregistrement ajoute une version de la structure à la base ; rien n'est remplacé.", class_="ce-meta")
        + tag("button", "Enregistrer cette version", type="button", class_=f"ce-button ce-primary {PARTS['save']}")
        + _notices("save")
        + tag(
            "div",
            tag("label", "Versions enregistrées de cette structure", for_=f"{uid}-versions")
            + tag("select", options, id=f"{uid}-versions")
            + tag("button", "Charger cette version", type="button", class_=f"ce-button {PARTS['versionButton']}"),
            class_=PARTS["versions"],
            hidden=not versions,
        )
    )


def _results(uid: str, results: Mapping[str, object], radar: str, versions: Sequence[Mapping[str, object]] | None = None) -> str:
    """The results column; ``versions``: the structure's saved versions when a store is
    configured (None: no store, no « Enregistrer »)."""
    rows = "".join(
        tag(
            "tr",
            tag("th", text(f"{n}. {lever['name']}"), scope="row")
            + tag("td", text(lever["percent"]), class_="ce-num", **data("lever", lever["key"])),
        )
        for n, lever in enumerate(results["levers"], start=1)
    )
    rows += tag(
        "tr",
        tag("th", "Moyenne", scope="row") + tag("td", text(results["moyenne"]), class_="ce-num", **data("result", "moyenne")),
        class_="ce-total",
    )
    exports = "".join(
        tag("button", text(label), type="button", class_="ce-button", **data("export", kind))
        for kind, (label, _, _) in EXPORTS.items()
    )
    return tag(
        "aside",
        tag("h2", "Résultats", id=f"{uid}-results-title")
        + tag("p", text(results["progress"]), class_="ce-progress", **data("result", "progress"), aria_live="polite")
        + tag(
            "table",
            tag("caption", "Pourcentage de bonnes pratiques appliquées, par levier")
            + tag("thead", tag("tr", tag("th", "Levier", scope="col") + tag("th", "Couverture", scope="col")))
            + tag("tbody", rows),
            class_="ce-scores",
        )
        + tag("p", text(results["unanswered"]), class_="ce-unanswered", **data("result", "unanswered"))
        + tag("div", radar, class_=PARTS["radar"], role="img", aria_label=results["radar_label"], **data("revision", results["revision"]))
        + tag("p", text(results.get("standing", "")), class_="ce-standing", **data("result", "standing"), aria_live="polite")
        + tag("p", text(results.get("since", "")), class_="ce-since", **data("result", "since"), aria_live="polite")
        + tag("h2", "Exporter", id=f"{uid}-export-title")
        + tag("div", exports, class_="ce-exports", role="group", aria_labelledby=f"{uid}-export-title")
        + _notices("export")
        + (_store_section(uid, versions) if versions is not None else ""),
        class_="ce-results",
        aria_labelledby=f"{uid}-results-title",
    )


def app_markup(
    uid: str,
    header: Mapping[str, str],
    answers: Sequence[str],
    results: Mapping[str, object],
    plan_html: str,
    field_errors: Mapping[str, str],
    radar: str,
    example: Autodiagnostic | None = None,
    versions: Sequence[Mapping[str, object]] | None = None,
    notes: Mapping[str, Mapping[str, str]] | None = None,
    plan: Sequence[Mapping[str, str]] = (),
    followup_html: str = "",
) -> str:
    """The whole app as HTML, with its styles and the script that binds to it at once.

    ``radar`` is the radar as SVG (figures.radar_svg), shown until plotly.js draws it; ``example``
    is the form that the landing page's « exemple du recueil » link opens; ``versions``: the
    structure's saved versions when a store is configured (else no « Enregistrer »); ``notes``
    and ``plan``: the comments, evidence and plan d'actions as the form holds them
    (:func:`form_values`); ``followup_html``: :func:`followup_markup`.
    """
    status = tag("div", tag("p", ""), class_=f"ce-status {PARTS['connection']}", role="status", hidden=True) + tag(
        "div", tag("p", "", class_=PARTS["restoredText"]), class_=f"ce-status {PARTS['restored']}", role="status", hidden=True,
    )
    blank = not any(answers) and not any(str(value).strip() for value in header.values()) and not plan and not any(
        (notes or {}).values())
    import_section = tag(
        "section",
        tag("h2", "Importer un autodiagnostic", id=f"{uid}-import-title")
        + tag(
            "label",
            text(f"Fichier JSON, CSV ou XLSX (par exemple le classeur modèle rempli), {megabytes(UPLOAD_LIMIT_BYTES)} au plus :"),
            for_=f"{uid}-file",
        )
        + _file_picker(f"{uid}-file")
        + tag(
            "div",
            tag("label", "Structure à charger", for_=f"{uid}-pick")
            + tag("select", "", id=f"{uid}-pick")
            + tag("button", "Remplir le formulaire avec cette structure", type="button", class_=f"ce-button {PARTS['pickButton']}"),
            class_=PARTS["pick"],
            hidden=True,
        )
        + _notices("import"),
        class_="ce-import",
        aria_labelledby=f"{uid}-import-title",
    )
    progress = tag("p", text(str(results["progress"])), class_="ce-progress", **data("result", "progress"))
    form = tag(
        "form",
        tag("div",
            tag("h2", "Questionnaire", id=f"{uid}-form-title")
            + tag("button", "Recommencer à zéro", type="button", class_=f"ce-button ce-secondary {PARTS['reset']}",
                  hidden=blank, title="Effacer toutes les réponses et tous les champs du formulaire"),
            class_="ce-form-title")
        + tag("fieldset", tag("legend", "La structure") + _header_fields(uid, header, field_errors), class_="ce-header")
        + progress
        + _questions(uid, answers, notes),
        class_="ce-form",
        aria_labelledby=f"{uid}-form-title",
    )
    axes = tag(
        "section",
        tag("h2", "Axes d'amélioration", id=f"{uid}-plan-title")
        + tag("p", text(PLAN_INTRO), class_="ce-meta")
        + tag("div", plan_html, class_=PARTS["planBody"]),
        class_="ce-plan",
        aria_labelledby=f"{uid}-plan-title",
    )
    app = tag(
        "div",
        status + _score_bar(results) + import_section + tag("div", form + _results(uid, results, radar, versions), class_="ce-columns")
        + axes + plan_section(uid, followup_html),
        id=uid,
        class_=PARTS["app"],
        lang="fr",
    )
    style = f"<style>{page_styles('autodiagnostic.css', STATIC)}</style>"
    page_script = "\n".join(path.read_text(encoding="utf-8") for path in (WEB_STATIC / "kernel.js", STATIC / "page.js"))
    options = {"example": form_values(example) if example is not None else None, "plan": list(plan)}
    start = f"ceAutodiagnostic.start({json.dumps(uid)}, {inline_json(contract_for_page())}, {inline_json(options)});"
    return f"{style}{app}<script>{page_script}\n{start}</script>"
