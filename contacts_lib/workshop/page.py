"""The workshop page (``notebooks/atelier.ipynb``): the facilitator's view of a group's answers.

The facilitator uploads every participant's file (several at once, and more later); the page
counts the answers to each question, names who disagrees, proposes a consensus (the majority of
the answers given, a tie left for the group to settle) that the facilitator can change question
by question, draws the consensus radar over the band of the participants' scores, and offers the
consensus in every format and a one-page summary. A file that cannot be read is said, with its
name, and the others are kept; adding files never loses a choice the facilitator made.

Built with ipywidgets; the figure is SVG made in Python; every text from a file is escaped. The
counting is that of :mod:`contacts_lib.workshop`: this module only lays it out.
"""

from __future__ import annotations

import base64
import binascii
import hashlib

import ipywidgets as widgets
import traitlets

from contacts_lib.autodiagnostic.answers import NO, YES, Autodiagnostic
from contacts_lib.autodiagnostic.reference import QUESTION_COUNT, load_catalogue
from contacts_lib.autodiagnostic.scoring import format_percent, lever_names, score
from contacts_lib.messages import InputError, agreed, plural, visible
from contacts_lib.web.browser_memory import BrowserMemory
from contacts_lib.web.file_picker import FilePicker
from contacts_lib.web.html import PageWithKernel, download_link, page_styles, tag, text
from contacts_lib.workshop.consensus import (
    RADAR_LEGEND,
    Answer,
    Participant,
    answer_counts,
    consensus_autodiagnostic,
    consensus_bytes,
    consensus_file_name,
    consensus_radar_svg,
    disagreement_text,
    file_participants,
    label_participants,
    participant_scores,
    participants_text,
    structure_names,
    summary_html,
)

ACCEPT = ".json,.csv,.xlsx"
#: The consensus dropdown's choices: what it shows, and its value (not None: a Dropdown whose
#: value is None shows no choice at all).
CHOICES = (("OUI", YES), ("NON", NO), ("Sans réponse", ""))
_ANSWER_OF_CHOICE: dict[str, Answer] = {YES: True, NO: False, "": None}
#: The downloads: kind → (button, file end, MIME type).
DOWNLOADS = {
    "json": ("JSON", ".json", "application/json"),
    "csv": ("CSV", ".csv", "text/csv"),
    "xlsx": ("Classeur Excel (.xlsx)", ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "synthese": ("Synthèse de l'atelier (HTML, A4)", "-atelier.html", "text/html"),
}

_PICK = "— choisir —"  # the participant dropdown's first choice (not None: it would show nothing)

_STYLE = """
.ce-workshop .widget-html-content { line-height: 1.45; }
.ce-workshop .ce-intro { max-width: 60em; }
.ce-workshop .ce-warning { border-left: 4px solid #a4161a; padding: 0.3em 0.6em; background: #fdecea; }
.ce-workshop table.ce-structures td.ce-wrap { max-width: 22em; overflow-wrap: anywhere; }
.ce-workshop .ce-question-row { border-bottom: 1px solid #c9d3de; padding: 0.3em 0; align-items: center; }
.ce-workshop .ce-question-row.ce-divided { background: #fff8e6; }
.ce-workshop .ce-question-info { flex: 1 1 30em; min-width: 18em; }
.ce-workshop .ce-question-info p { margin: 0.1em 0; }
.ce-workshop .ce-question-row select { min-width: 10em; }  /* « Sans réponse » whole */
.ce-workshop .ce-qnum { font-weight: 700; color: #1f4e79; }
.ce-workshop .ce-counts { font-variant-numeric: tabular-nums; }
.ce-workshop .ce-tag { display: inline-block; font-size: 0.85em; padding: 0 0.4em; border-radius: 3px; margin-left: 0.4em; }
.ce-workshop .ce-tag-unanimous { background: #e3f1e6; color: #1d5e2c; }
.ce-workshop .ce-tag-divided { background: #ffe3a3; color: #5c3d00; }
.ce-workshop .ce-tag-chosen { background: #dbe7f3; color: #1f4e79; }
.ce-workshop .ce-results-row { display: flex; flex-wrap: wrap; gap: 2em; align-items: flex-start; }
.ce-workshop .ce-results-row > div:first-child { max-width: 34em; }
.ce-workshop table.ce-scores th { white-space: nowrap; }
.ce-workshop table.ce-scores caption { text-align: left; color: #4a4a4a; padding-bottom: 0.3em; }
.ce-workshop table.ce-scores { border-collapse: collapse; }
.ce-workshop table.ce-scores th, .ce-workshop table.ce-scores td { border-bottom: 1px solid #c9d3de; padding: 0.2em 0.6em; text-align: left; }
.ce-workshop table.ce-scores .ce-num { text-align: right; white-space: nowrap; }
.ce-workshop table.ce-scores tr.ce-total td, .ce-workshop table.ce-scores tr.ce-total th { font-weight: 700; }
"""


#: Where the browser keeps the workshop (files and choices), so that a reload or a lost kernel
#: loses nothing.
MEMORY_KEY = "contacts-efficaces/atelier/v1"


class WorkshopMemory(BrowserMemory):
    """The workshop kept in the browser: the files (name, base64 content, rows taken) and the
    facilitator's choices, two parts so that a choice does not send the files again."""

    key = traitlets.Unicode(MEMORY_KEY).tag(sync=True)
    parts = traitlets.List(traitlets.Unicode(), default_value=["files", "choices"]).tag(sync=True)
    files = traitlets.List(traitlets.Dict()).tag(sync=True)
    choices = traitlets.Dict().tag(sync=True)


class WorkshopPage:
    """The page's widgets and what they do; ``widget`` is what the notebook displays."""

    def __init__(self) -> None:
        self._files: list[tuple[str, str, list[tuple[str, Autodiagnostic]]]] = []  # name, digest, its participants
        #: Each file's bytes and the rows of it still taken (by digest): what the browser keeps.
        self._kept: dict[str, tuple[bytes, list[int]]] = {}
        self.memory = WorkshopMemory()
        self.memory.on_msg(self._on_memory)
        self.restart = widgets.Button(description="Recommencer l'atelier (tout effacer)", layout={"width": "auto", "display": "none"})
        self.restart.on_click(self._on_restart)
        self._clearing = False  # « Recommencer » asked once: a second click clears
        self.overrides: dict[int, Answer] = {}
        self.participants: list[Participant] = []
        self._updating = False
        self.upload = FilePicker(self.add_files, label="Ajouter des fichiers", accept=ACCEPT, multiple=True,
                                 status="Aucun fichier ajouté")
        self.file_messages = widgets.HTML()
        self.participants_html = widgets.HTML()
        self.remove_choice = widgets.Dropdown(description="Participant", options=[(_PICK, "")], layout={"width": "auto"})
        self.remove_button = widgets.Button(description="Retirer ce participant", layout={"width": "auto"})
        self.remove_button.on_click(self._on_remove)
        self.results = widgets.HTML()
        self.only_divided = widgets.Checkbox(description="Seulement les questions sans unanimité", value=False, indent=False)
        self.only_divided.observe(lambda _: self._show_rows(), names="value")
        self.revert_all = widgets.Button(description="Revenir à la proposition pour toutes les questions", layout={"width": "auto"})
        self.revert_all.on_click(self._on_revert_all)
        self.questions_summary = widgets.HTML()
        self._rows = [self._question_row(question.number) for question in load_catalogue().questions]
        self.download_buttons = {}
        for kind, (label, _, _) in DOWNLOADS.items():
            button = widgets.Button(description=f"Préparer : {label}", layout={"width": "auto"})
            button.on_click(lambda _, kind=kind: self._prepare(kind))
            self.download_buttons[kind] = button
        self.download_link = widgets.HTML()
        self.body = widgets.VBox()
        self.widget = self._layout()
        self._refresh()

    # ------------------------------------------------------------------ layout

    def _question_row(self, number: int) -> dict[str, widgets.Widget]:
        info = widgets.HTML(layout={"flex": "1 1 30em"})
        info.add_class("ce-question-info")
        choice = widgets.Dropdown(
            description=f"Consensus {number}", options=list(CHOICES), value="",
            style={"description_width": "initial"}, layout={"width": "auto"},
        )
        choice.observe(lambda change, number=number: self._on_choice(number, change), names="value")
        revert = widgets.Button(description="Revenir à la proposition", layout={"width": "auto", "display": "none"})
        revert.on_click(lambda _, number=number: self._on_revert(number))
        box = widgets.HBox([info, widgets.VBox([choice, revert])], layout={"flex_flow": "row wrap"})
        box.add_class("ce-question-row")
        box.add_class(f"ce-q-{number}")
        return {"box": box, "info": info, "choice": choice, "revert": revert}

    def _layout(self) -> widgets.Widget:
        style = widgets.HTML(f"<style>{page_styles('widget-page.css')}{_STYLE}</style>")
        intro = widgets.HTML(tag("div", tag("p", text(
            "Chaque participant a rempli l'autodiagnostic de la même structure et téléchargé son fichier (JSON, CSV ou "
            "classeur XLSX ; un CSV peut réunir plusieurs participants). Déposez ici tous les fichiers, en une ou plusieurs "
            "fois : la page compte les réponses à chaque question, nomme qui n'est pas d'accord et propose un consensus, "
            "la majorité des réponses données (une égalité reste « sans réponse », à trancher par le groupe). Vous pouvez "
            "changer chaque réponse du consensus ; ajouter des fichiers ne défait pas vos choix. Les fichiers et vos choix "
            "sont gardés dans ce navigateur : si la page se recharge, l'atelier reprend où il en était.")), class_="ce-intro"))
        self.body.children = self._sections()
        upload = widgets.VBox([
            widgets.HTML(tag("h2", "Fichiers des participants")),
            widgets.HBox([self.upload, widgets.HTML(tag("span", text("JSON, CSV ou XLSX, plusieurs à la fois"), class_="ce-meta"))],
                         layout={"align_items": "center", "flex_flow": "row wrap"}),
            self.file_messages,
            widgets.HBox([self.restart, self.memory]),
        ])
        page = widgets.VBox([style, intro, upload, self.body], layout={"max_width": "1100px"})
        page.add_class("ce-workshop")
        return page

    def _sections(self) -> list[widgets.Widget]:
        downloads = widgets.VBox([
            widgets.HTML(tag("h2", "Télécharger")),
            widgets.HTML(tag("p", text("Le consensus se relit dans l'application comme tout autodiagnostic ; la synthèse "
                                       "tient sur une page A4."), class_="ce-meta")),
            widgets.HBox(list(self.download_buttons.values()), layout={"flex_flow": "row wrap"}),
            self.download_link,
        ])
        return [
            self.participants_html,
            widgets.HBox([self.remove_choice, self.remove_button], layout={"flex_flow": "row wrap"}),
            widgets.HTML(tag("h2", "Consensus du groupe")), self.results,
            widgets.HTML(tag("h2", "Les 36 questions")), self.questions_summary,
            widgets.HBox([self.only_divided, self.revert_all], layout={"flex_flow": "row wrap", "align_items": "center"}),
            widgets.VBox([row["box"] for row in self._rows]),
            downloads,
        ]

    # ------------------------------------------------------------------ files

    def add_files(self, files: list[tuple[str, bytes]]) -> None:
        """Add uploaded files (name, bytes): each readable one's participants join the list; a
        file that cannot be read, or that was already added, is said; nothing else changes."""
        messages = []
        added = 0
        for name, content in files:
            digest = hashlib.sha256(content).hexdigest()
            if any(digest == seen for _, seen, _ in self._files):
                messages.append(tag("p", text(f"{visible(name)} : déjà ajouté (même contenu) ; ignoré."), class_="ce-meta"))
                continue
            try:
                found = file_participants(name, content)
            except InputError as error:
                messages.append(tag("p", text(f"Fichier refusé — {error}"), class_="ce-problem"))
                continue
            self._files.append((name, digest, found))
            self._kept[digest] = (content, list(range(len(found))))
            added += len(found)
        if added:
            messages.insert(0, tag("p", text(f"{plural(added, 'participant')} {agreed(added, 'ajouté')}."), class_="ce-meta"))
        self.file_messages.value = tag("div", "".join(messages), role="status", aria_live="polite")
        self._refresh()

    def _on_remove(self, _button) -> None:
        chosen = self.remove_choice.value
        if not chosen:
            return
        file_index, row_index = chosen
        name, digest, found = self._files[file_index]
        rest = found[:row_index] + found[row_index + 1:]
        del self._kept[digest][1][row_index]
        if rest:
            self._files[file_index] = (name, digest, rest)
        else:
            del self._files[file_index]
            del self._kept[digest]
        self._refresh()

    # ------------------------------------------------------------------ the consensus

    def _on_choice(self, number: int, change) -> None:
        if self._updating:
            return
        self.overrides[number] = _ANSWER_OF_CHOICE[change["new"]]
        self._refresh()

    def _on_revert(self, number: int) -> None:
        self.overrides.pop(number, None)
        self._refresh()

    def _on_revert_all(self, _button) -> None:
        self.overrides.clear()
        self._refresh()

    def consensus(self) -> Autodiagnostic:
        return consensus_autodiagnostic(self.participants, self.overrides)

    # ------------------------------------------------------------------ kept in the browser

    def snapshot(self) -> dict[str, object]:
        """The workshop as the browser keeps it (JSON): files, rows taken, choices."""
        return {
            "files": [
                {"name": name, "content": base64.b64encode(self._kept[digest][0]).decode("ascii"), "rows": self._kept[digest][1]}
                for name, digest, _ in self._files
            ],
            "choices": {str(number): ("" if answer is None else (YES if answer else NO)) for number, answer in self.overrides.items()},
        }

    def restore(self, state: object) -> None:
        """Take back a workshop the browser kept (when this page has nothing yet): its files,
        the participants that had not been removed, the facilitator's choices."""
        if self._files or self.overrides or not isinstance(state, dict) or not state.get("files"):
            return
        try:
            files = [(str(f["name"]), base64.b64decode(f["content"], validate=True), [int(r) for r in f["rows"]]) for f in state["files"]]
            choices = {int(n): _ANSWER_OF_CHOICE[c] for n, c in dict(state.get("choices", {})).items() if 1 <= int(n) <= QUESTION_COUNT}
        except (KeyError, TypeError, ValueError, AttributeError, binascii.Error):
            self.file_messages.value = tag("p", text("L'atelier gardé dans ce navigateur n'a pas pu être repris."), class_="ce-problem")
            return
        self.add_files([(name, content) for name, content, _ in files])
        for name, content, rows in files:
            digest = hashlib.sha256(content).hexdigest()
            if digest not in self._kept:
                continue
            index = next(i for i, (_, seen, _) in enumerate(self._files) if seen == digest)
            found = self._files[index][2]
            keep = [r for r in rows if 0 <= r < len(found)]
            self._files[index] = (name, digest, [found[r] for r in keep])
            self._kept[digest] = (content, keep)
        self._files = [entry for entry in self._files if entry[2]]
        self._kept = {digest: self._kept[digest] for _, digest, _ in self._files}
        self.overrides = choices
        self._refresh()
        chosen = len(choices)
        self.file_messages.value = tag("p", text(
            f"Atelier retrouvé dans ce navigateur : {participants_text(len(self.participants))}"
            + (f", {chosen} choix de l'animateur." if chosen else ".")
        ), class_="ce-meta", role="status")

    def clear(self) -> None:
        """Start the workshop again: no file, no choice (in the browser too)."""
        self._files, self._kept, self.overrides = [], {}, {}
        self.file_messages.value = tag("p", text("Atelier effacé : ajoutez les fichiers des participants."), class_="ce-meta", role="status")
        self._refresh()

    def _on_restart(self, _button) -> None:
        if not self._clearing:
            self._clearing = True
            self.restart.description = "Confirmer : effacer les fichiers et les choix de cet atelier"
            return
        self.clear()

    def _on_memory(self, _widget, message, _buffers) -> None:
        kind = message.get("type") if isinstance(message, dict) else None
        if kind == "restore":
            self.restore(message.get("state"))
        elif kind == "full":
            self.file_messages.value = tag("p", text(
                "Ce navigateur ne peut pas garder l'atelier (place insuffisante) : téléchargez le consensus avant de "
                "fermer ou de recharger la page."), class_="ce-problem", role="alert")

    def _refresh(self) -> None:
        self.participants = label_participants(
            (label, diagnostic, name) for name, _, found in self._files for label, diagnostic in found
        )
        self.upload.status = (f"{plural(len(self._files), 'fichier')} {agreed(len(self._files), 'ajouté')} "
                              f"({plural(len(self.participants), 'participant')})" if self._files else "Aucun fichier ajouté")
        self.download_link.value = ""
        self._clearing = False
        self.restart.description = "Recommencer l'atelier (tout effacer)"
        snapshot = self.snapshot()
        with self.memory.hold_sync():
            self.memory.files, self.memory.choices = snapshot["files"], snapshot["choices"]
            self.memory.empty = not snapshot["files"]
        self.restart.layout.display = None if self._files else "none"
        if not self.participants:
            self.body.layout.display = "none"
            return
        self.body.layout.display = None
        self.counts = answer_counts(self.participants, self.overrides)
        self.participants_html.value = self._participants_html()
        places = [(file_index, row_index) for file_index, (_, _, found) in enumerate(self._files) for row_index in range(len(found))]
        self.remove_choice.options = [(_PICK, "")] + [
            (p.label, place) for p, place in zip(self.participants, places, strict=True)
        ]
        self.results.value = self._results_html()
        divided = int((~self.counts["unanime"]).sum())
        chosen = len(self.overrides)
        self.questions_summary.value = tag("p", text(
            f"{plural(divided, 'question')} sans unanimité sur {QUESTION_COUNT}"
            + (f" ; {plural(chosen, 'réponse')} du consensus {agreed(chosen, 'choisie')} par l'animateur." if chosen else ".")
        ), role="status")
        self._updating = True
        try:
            for row, counts in zip(self._rows, self.counts.itertuples(), strict=True):
                self._update_row(row, counts)
        finally:
            self._updating = False
        self._show_rows()

    def _update_row(self, row: dict[str, widgets.Widget], counts) -> None:
        number = counts.question
        if counts.unanime:
            status = tag("span", "unanimité", class_="ce-tag ce-tag-unanimous")
        else:
            status = tag("span", "sans unanimité", class_="ce-tag ce-tag-divided")
        if counts.modifiee:
            proposed = counts.proposition or "sans réponse"
            status += tag("span", text(f"choix de l'animateur (proposition : {proposed})"), class_="ce-tag ce-tag-chosen")
        if counts.consensus is None and not counts.modifiee:
            dissent = ""
            if counts.oui or counts.non:
                lines_by_word = " ; ".join(
                    f"{word} : {', '.join(labels)}" for word, labels in self._labels_by_answer(number).items() if labels
                )
                dissent = f"Égalité, à trancher par le groupe — {lines_by_word}"
            else:
                dissent = "Personne n'a répondu : à trancher par le groupe."
        else:
            dissent = disagreement_text(self.participants, number, counts.desaccord)
            dissent = f"En désaccord avec le consensus : {dissent}" if dissent else ""
        lines = [
            tag("p", tag("span", f"{number}.", class_="ce-qnum") + " " + text(counts.intitule) + status),
            tag("p", text(f"OUI {counts.oui} · NON {counts.non} · sans réponse {counts.sans_reponse}"), class_="ce-counts"),
        ]
        if dissent:
            lines.append(tag("p", text(dissent), class_="ce-meta"))
        row["info"].value = "".join(lines)
        row["choice"].value = counts.consensus or ""
        row["revert"].layout.display = None if counts.modifiee else "none"
        row["unanime"] = counts.unanime
        if counts.unanime:
            row["box"].remove_class("ce-divided")
        else:
            row["box"].add_class("ce-divided")

    def _labels_by_answer(self, number: int) -> dict[str, list[str]]:
        labels: dict[str, list[str]] = {"OUI": [], "NON": [], "sans réponse": []}
        for participant in self.participants:
            answer = participant.autodiagnostic.answers[number - 1]
            labels["sans réponse" if answer is None else (YES if answer else NO)].append(participant.label)
        return labels

    def _show_rows(self) -> None:
        for row in self._rows:
            hidden = self.only_divided.value and row.get("unanime", False)
            row["box"].layout.display = "none" if hidden else None

    # ------------------------------------------------------------------ what is shown

    def _participants_html(self) -> str:
        names = lever_names()
        scores = participant_scores(self.participants)
        wide = scores.pivot(index="participant", columns="levier", values="arrondi")
        head = tag("tr", "".join(tag("th", text(h), scope="col") for h in ("Participant", "Fichier", "Structure", "Réponses", *names.values())))
        body = "".join(
            tag("tr", tag("td", text(p.label), class_="ce-wrap") + tag("td", text(p.file), class_="ce-wrap")
                + tag("td", text(p.autodiagnostic.structure), class_="ce-wrap")
                + tag("td", text(f"{p.autodiagnostic.answered}/{QUESTION_COUNT}"), class_="ce-num")
                + "".join(tag("td", text(f"{int(wide.loc[p.label, key])} %"), class_="ce-num") for key in names))
            for p in self.participants
        )
        structures = structure_names(self.participants)
        warning = ""
        if len(structures) > 1:
            warning = tag("p", text(
                f"Attention : les fichiers nomment {len(structures)} structures différentes ({' ; '.join(structures)}). "
                "Un atelier porte sur une seule structure : vérifiez les fichiers, ou retirez ceux qui n'en sont pas."
            ), class_="ce-warning", role="alert")
        return (tag("h2", text(f"Participants : {len(self.participants)}")) + warning
                + tag("table", tag("caption", text(f"{participants_text(len(self.participants))}, dans l'ordre des fichiers"))
                      + tag("thead", head) + tag("tbody", body), class_="ce-structures"))

    def _results_html(self) -> str:
        consensus = self.consensus()
        scores = score(consensus)
        spread = participant_scores(self.participants).groupby("levier", sort=False)["arrondi"].agg(["min", "max"])
        rows = "".join(
            tag("tr", tag("th", text(f"{lever.number}. {lever.short_name}"), scope="row")
                + tag("td", text(format_percent(scores.coverage[lever.key])), class_="ce-num", data_lever=lever.key)
                + tag("td", text(f"{spread.loc[lever.key, 'min']} % – {spread.loc[lever.key, 'max']} %"), class_="ce-num"))
            for lever in load_catalogue().levers
        )
        rows += tag("tr", tag("th", "Moyenne", scope="row")
                    + tag("td", text(format_percent(scores.moyenne)), class_="ce-num", data_lever="moyenne")
                    + tag("td", text(f"{spread.loc['moyenne', 'min']} % – {spread.loc['moyenne', 'max']} %"), class_="ce-num"),
                    class_="ce-total")
        table = tag("table", tag("caption", text(f"Consensus de {consensus.structure}"))
                    + tag("thead", tag("tr", "".join(tag("th", h, scope="col") for h in ("Levier", "Consensus", "Participants (min. – max.)"))))
                    + tag("tbody", rows), class_="ce-scores")
        answered = tag("p", text(f"Consensus : {scores.answered} / {QUESTION_COUNT} réponses ; une question sans réponse "
                                 "compte comme une pratique non mise en œuvre."), class_="ce-meta")
        radar = tag("div", consensus_radar_svg(self.participants, self.overrides), class_="ce-radar", role="img",
                    aria_label=text(RADAR_LEGEND))
        legend = tag("p", text(RADAR_LEGEND), class_="ce-meta")
        return tag("div", tag("div", table + answered + legend) + radar, class_="ce-results-row")

    # ------------------------------------------------------------------ downloads

    def download(self, kind: str) -> tuple[str, str, bytes]:
        """(file name, MIME type, bytes) of a download of the current consensus."""
        _, suffix, mime = DOWNLOADS[kind]
        consensus = self.consensus()
        if kind == "synthese":
            content = summary_html(self.participants, self.overrides).encode("utf-8")
        else:
            content = consensus_bytes(consensus, suffix)
        return consensus_file_name(consensus, suffix), mime, content

    def _prepare(self, kind: str) -> None:
        try:
            file_name, mime, content = self.download(kind)
        except (InputError, OSError, ValueError) as error:
            self.download_link.value = tag("p", text(f"Téléchargement impossible : {error}"), class_="ce-problem", role="alert")
            return
        self.download_link.value = tag("p", download_link(f"Enregistrer {file_name}", content, file_name, mime), role="status")


def workshop_page() -> PageWithKernel:
    """What ``notebooks/atelier.ipynb`` displays."""
    return PageWithKernel(WorkshopPage().widget)


__all__ = ["WorkshopPage", "workshop_page"]
