"""HTML of the autodiagnostic app and of the action plan, built in Python.

The app's page is sent as HTML in the notebook's output, so that Voilà shows the questionnaire
and the radar at once, before the widget connects to the kernel; the widget then binds to this
markup (see ``static/autodiagnostic.js``). The action plan's HTML also serves the printed report.
Every text goes through :func:`html.escape`: what came from a file is shown as text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path

from contacts_lib.action_plan import LeverPlan, fiche
from contacts_lib.answers import HEADER_FIELDS, NO, YES
from contacts_lib.formats import EXTENSIONS
from contacts_lib.reference import load_catalogue
from contacts_lib.scoring import format_percent

STATIC = Path(__file__).parent / "static"
PLOTLY_BUNDLE = STATIC / "plotly-radar.min.js"
CHOICES = ((YES, "Oui"), (NO, "Non"), ("", "Sans réponse"))
PLAN_INTRO = "Bonnes pratiques pas encore en place, levier le plus faible d'abord."

#: The app's downloads: kind → (button label, MIME type); the kind is also the file extension.
EXPORTS = {
    "xlsx": ("Classeur Excel (.xlsx)", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "json": ("Fichier JSON", "application/json"),
    "html": ("Rapport HTML (à imprimer)", "text/html"),
}


def _attributes(attributes: Mapping[str, object]) -> str:
    parts = []
    for name, value in attributes.items():
        if value is None or value is False:
            continue
        parts.append(name if value is True else f'{name}="{escape(str(value), quote=True)}"')
    return (" " + " ".join(parts)) if parts else ""


def _names(attributes: Mapping[str, object]) -> dict[str, object]:
    return {key.rstrip("_").replace("_", "-"): value for key, value in attributes.items()}


def void(name: str, /, **attributes: object) -> str:
    """An element without content (``<input>``), attributes named as for :func:`tag`."""
    return f"<{name}{_attributes(_names(attributes))}>"


def inline_json(value: object) -> str:
    """JSON safe to put inside a ``<script>`` element (no ``</script>``, no ``<!--``)."""
    return json.dumps(value).replace("</", "<\\/").replace("<!--", "<\\!--")


def tag(name: str, content: str = "", /, **attributes: object) -> str:
    """An element; ``content`` is HTML already escaped, attribute values are escaped here.

    Attribute names are given with ``_`` for ``-`` and a trailing ``_`` for Python keywords:
    ``tag("label", "Nom", for_="id", aria_live="polite")``.
    """
    return f"<{name}{_attributes(_names(attributes))}>{content}</{name}>"


def plan_markup(plans: Sequence[LeverPlan], heading: str = "h3") -> str:
    """The practices still to put in place, by lever, weakest first, with the fiche where known."""
    if not plans:
        return tag("p", "Toutes les bonnes pratiques sont en place.")
    parts = []
    for plan in plans:
        items = []
        for practice in plan.practices:
            sections = fiche(practice.number)
            fiche_html = ""
            if sections:
                fiche_html = tag(
                    "details",
                    tag("summary", "Lire la fiche de la bonne pratique")
                    + "".join(
                        tag("h4", escape(section.title)) + tag("ul", "".join(tag("li", escape(i)) for i in section.items))
                        for section in sections
                    ),
                    class_="ce-fiche",
                )
            items.append(
                tag(
                    "li",
                    tag("span", escape(f"Bonne pratique n° {practice.number} : {practice.title}"), class_="ce-practice-title")
                    + tag(
                        "span",
                        escape(f"Retours d'expérience : {' ; '.join(practice.retours_experience)} — recueil, page {practice.page}"),
                        class_="ce-meta",
                    )
                    + fiche_html,
                    class_="ce-practice",
                )
            )
        parts.append(
            tag(
                "div",
                tag(heading, escape(f"{plan.lever.number}. {plan.lever.short_name} — {format_percent(plan.coverage)}"))
                + tag("p", escape(plan.lever.title), class_="ce-meta")
                + tag("ul", "".join(items)),
                class_="ce-plan-lever",
            )
        )
    return "".join(parts)


def _header_fields(uid: str, header: Mapping[str, str], errors: Mapping[str, str]) -> str:
    fields = []
    for spec in HEADER_FIELDS:
        field_id = f"{uid}-{spec.key}"
        error = errors.get(spec.key, "")
        fields.append(
            tag(
                "div",
                tag("label", escape(spec.label + (" (obligatoire)" if spec.key == "structure" else "")), for_=field_id)
                + void(
                    "input",
                    id=field_id,
                    name=spec.key,
                    data_field=spec.key,
                    type="date" if spec.kind == "date" else "text",
                    inputmode="numeric" if spec.kind == "count" else None,
                    autocomplete="off",
                    required=spec.key == "structure",
                    aria_describedby=f"{field_id}-error",
                    aria_invalid="true" if error else None,
                    value=header.get(spec.key, ""),
                )
                + tag("span", escape(error), id=f"{field_id}-error", class_="ce-field-error"),
                class_="ce-field",
            )
        )
    return "".join(fields)


def _questions(uid: str, answers: Sequence[str]) -> str:
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
                    data_question=question.number,
                    checked=answers[question.number - 1] == value,
                )
                radios.append(tag("label", radio + escape(label), for_=radio_id, class_="ce-choice"))
            fieldsets.append(
                tag(
                    "fieldset",
                    tag("legend", tag("span", f"{question.number}.", class_="ce-qnum") + " " + escape(question.text))
                    + tag("div", "".join(radios), class_="ce-choices"),
                    class_="ce-question",
                )
            )
        title_id = f"{uid}-lever-{lever.number}"
        sections.append(
            tag(
                "section",
                tag("h3", escape(f"Levier {lever.number} — {lever.short_name} : {lever.title}"), id=title_id)
                + "".join(fieldsets),
                class_="ce-lever",
                aria_labelledby=title_id,
            )
        )
    return "".join(sections)


def _results(uid: str, results: Mapping[str, object]) -> str:
    rows = "".join(
        tag("tr", tag("th", escape(f"{n}. {lever['name']}"), scope="row") + tag("td", escape(lever["percent"]), class_="ce-num", data_lever=lever["key"]))
        for n, lever in enumerate(results["levers"], start=1)
    )
    rows += tag(
        "tr",
        tag("th", "Moyenne", scope="row") + tag("td", escape(results["moyenne"]), class_="ce-num", data_result="moyenne"),
        class_="ce-total",
    )
    exports = "".join(
        tag("button", escape(label), type="button", class_="ce-button", data_export=kind)
        for kind, (label, _) in EXPORTS.items()
    )
    figure = inline_json(results["figure"])
    return tag(
        "aside",
        tag("h2", "Résultats", id=f"{uid}-results-title")
        + tag("p", escape(results["progress"]), class_="ce-progress", data_result="progress", aria_live="polite")
        + tag(
            "table",
            tag("caption", "Pourcentage de bonnes pratiques appliquées, par levier")
            + tag("thead", tag("tr", tag("th", "Levier", scope="col") + tag("th", "Couverture", scope="col")))
            + tag("tbody", rows),
            class_="ce-scores",
        )
        + tag("p", escape(results["unanswered"]), class_="ce-unanswered", data_result="unanswered")
        + tag("div", "", class_="ce-radar", role="img", aria_label=f"Radar de couverture : {results['summary']}")
        + f'<script type="application/json" class="ce-figure" data-revision="{results["revision"]}">{figure}</script>'
        + tag("h2", "Exporter")
        + tag("div", exports, class_="ce-exports"),
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
) -> str:
    """The whole app as HTML, with its styles and the script that draws the radar at once."""
    import_section = tag(
        "section",
        tag("h2", "Importer un autodiagnostic", id=f"{uid}-import-title")
        + tag("label", "Fichier JSON, CSV ou XLSX (par exemple le classeur modèle rempli) :", for_=f"{uid}-file")
        + void("input", type="file", id=f"{uid}-file", class_="ce-file", accept=",".join(EXTENSIONS))
        + tag(
            "div",
            tag("label", "Structure à charger", for_=f"{uid}-pick")
            + tag("select", "", id=f"{uid}-pick")
            + tag("button", "Remplir le formulaire avec cette structure", type="button", class_="ce-button ce-pick-button"),
            class_="ce-pick",
            hidden=True,
        )
        + tag("div", "", class_="ce-notice ce-error", role="alert")
        + tag("div", "", class_="ce-notice ce-info", role="status"),
        class_="ce-import",
        aria_labelledby=f"{uid}-import-title",
    )
    progress = tag("p", escape(str(results["progress"])), class_="ce-progress", data_result="progress")
    form = tag(
        "form",
        tag("h2", "Questionnaire", id=f"{uid}-form-title")
        + tag("fieldset", tag("legend", "La structure") + _header_fields(uid, header, field_errors), class_="ce-header")
        + progress
        + _questions(uid, answers),
        class_="ce-form",
        aria_labelledby=f"{uid}-form-title",
    )
    plan = tag(
        "section",
        tag("h2", "Axes d'amélioration", id=f"{uid}-plan-title")
        + tag("p", PLAN_INTRO, class_="ce-meta")
        + tag("div", plan_html, class_="ce-plan-body"),
        class_="ce-plan",
        aria_labelledby=f"{uid}-plan-title",
    )
    app = tag(
        "div",
        import_section + tag("div", form + _results(uid, results), class_="ce-columns") + plan,
        id=uid,
        class_="ce-app",
        lang="fr",
    )
    style = f"<style>{(STATIC / 'autodiagnostic.css').read_text(encoding='utf-8')}</style>"
    first_paint = (STATIC / "first_paint.js").read_text(encoding="utf-8")
    return f"{style}{app}<script>{first_paint}\nceFirstPaint({json.dumps(uid)});</script>"

