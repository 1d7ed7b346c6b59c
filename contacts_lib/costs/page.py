"""The channel-costs page (``notebooks/couts.ipynb``): what a network's contacts cost, by channel,
with the user's unit costs, and what moving a share of one channel to another would save.

Unit costs are the user's: a preset (published British figures, shown with their source, year
and currency, never as French costs) fills the fields, and every value can be changed; a channel
left empty has no cost and stays out of the totals. Volumes are those of each structure's latest
autodiagnostic, from the same source as the network page (:func:`network.page.page_source`), or,
when the user chooses so, those counted in a contact log (:func:`logs.page.log_source`, read only
then): contacts per structure and channel, usagers distinct; with a log, the page also prices the
réitération (:func:`costs.reiteration_costs`) for a window of 1 to 60 days.
Built with ipywidgets; the figure is SVG made in Python; every text from a file is escaped. The
computations are those of :mod:`contacts_lib.costs`: this module only lays their frames out.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

import ipywidgets as widgets
import pandas as pd
import traitlets

from contacts_lib.costs.analyses import (
    CANALS,
    TOTAL,
    UnitCosts,
    channel_costs,
    cost_changes,
    costs_by_structure,
    distinct_users,
    presets,
    reiteration_costs,
    volumes_from_autodiagnostics,
    volumes_from_log,
    what_if,
)
from contacts_lib.logs.reiteration import keep_flags
from contacts_lib.messages import InputError, plural, thousands
from contacts_lib.network.page import Source, page_source, structures_text
from contacts_lib.style import AXIS_TEXT, FONT, RADAR_COLOR, SVG
from contacts_lib.web.browser_memory import BrowserMemory
from contacts_lib.web.html import PageWithKernel, download_link, page_styles, tag, text

ALL = "__tous__"
NO_PRESET = "__aucun__"
TABLE_ROWS = 25
WHAT_IF_ROWS = 10
DEFAULT_CURRENCY = "EUR"
#: Where the volumes come from.
AUTODIAGNOSTICS = "autodiagnostics"
JOURNAL = "journal"
VOLUME_SOURCES = [("Autodiagnostics (volumes déclarés)", AUTODIAGNOSTICS), ("Journal de contacts", JOURNAL)]
#: The réitération window: its default and the values one click away.
DEFAULT_WINDOW = 15
WINDOW_PRESETS = (7, 15, 30)
#: How the page names each channel (the contact logs' vocabulary in :data:`costs.CANALS`).
CANAL_NAMES = {"guichet": "Guichet", "telephone": "Téléphone", "courrier": "Courrier", "courriel": "Courriel", "web": "Web"}
#: « du guichet », « vers le web »: the channels inside a sentence.
CANAL_OF = {"guichet": "du guichet", "telephone": "du téléphone", "courrier": "du courrier", "courriel": "du courriel", "web": "du web"}
CANAL_TO = {"guichet": "le guichet", "telephone": "le téléphone", "courrier": "le courrier", "courriel": "le courriel", "web": "le web"}
PRESETS_NOTE = (
    "Les préréglages sont des chiffres publiés au Royaume-Uni (administrations locales, coût par contact, en livres "
    "sterling) : des ordres de grandeur, pas des coûts français. Remplacez-les par les vôtres dès que vous les connaissez."
)
EMPTY_NOTE = "Un canal laissé vide est « sans coût » : ses contacts restent hors des totaux, et la page le dit."
VOLUMES_NOTE = (
    "Volumes : ceux du dernier autodiagnostic de chaque structure, pour une année (visites au guichet, appels, courriers, "
    "courriels ; le web compte ses visiteurs uniques mensuels × 12, une approximation)."
)
LOG_VOLUMES_NOTE = (
    "Volumes : les contacts du journal, par structure et par canal, sur toute la période qu'il couvre ; usagers : les "
    "personnes distinctes du journal (identifiants pseudonymisés, jamais affichés). Coût par usager = coût ÷ usagers distincts."
)
REITERATION_NOTE = (
    "Une réitération : la même personne recontacte la même structure pour le même motif au plus N jours après son contact "
    "précédent (la règle de la page Réitération). Son coût : les réitérations de chaque canal × le coût unitaire de ce canal, "
    "pour les structures du réseau choisi."
)
STYLES = """
.ce-costs .ce-field-note { display: block; color: #4a4a4a; padding: 5px 0 0 0.6em; line-height: 1.45; max-width: 48em; }
.ce-costs .ce-field-note.ce-problem { color: #a4161a; font-weight: 600; }
.ce-costs .ce-label { border-left: 4px solid #1f4e79; padding: 0.3em 0.6em; background: #eef3f8; }
.ce-costs .ce-saving strong { color: #1f4e79; }
.ce-costs .ce-saving.ce-negative strong { color: #a4161a; }
.ce-costs p { max-width: 60em; line-height: 1.45; }
.ce-costs table.ce-structures th { vertical-align: bottom; }
"""


def money(value: float | None, currency: str, decimals: int = 0) -> str:
    """« 1 234 567 GBP », « 2,83 GBP » (French digits; « — » when unknown)."""
    if value is None or pd.isna(value):
        return "—"
    digits = f"{abs(float(value)):,.{decimals}f}".replace(",", "\u202f").replace(".", ",")
    return f"{'−' if round(float(value), decimals) < 0 else ''}{digits}\u00a0{currency}"


def cost_text(value: float) -> str:
    """A unit cost as the fields show it: « 8,62 », « 0,15 », « 12 »."""
    return f"{value:.4f}".rstrip("0").rstrip(".").replace(".", ",")


def french_message(error: InputError) -> str:
    """A message of :mod:`contacts_lib.costs` as a sentence, its channels named as the page names them."""
    message = str(error).replace("canal telephone", "canal téléphone").replace("canal « telephone »", "canal « téléphone »")
    return message[:1].upper() + message[1:]


def percent(value: float) -> str:
    """« 12,3 % »."""
    return f"{value:.1f}".replace(".", ",") + "\u202f%"


def sentence(message: str) -> str:
    """A message ended by a full stop."""
    message = message.strip()
    return message if message.endswith((".", "!", "?", "…")) else message + "."


def preset_name(costs: UnitCosts) -> str:
    year = f", {costs.annee}" if costs.annee else ""
    return f"{costs.source}{year} — {costs.devise}"


def cost_mix_svg(totals: dict[str, float | None], volumes: dict[str, int], currency: str, width: int = 720) -> SVG:
    """One horizontal bar per channel: its cost and its share of the total; a channel without
    unit cost is written « sans coût unitaire » and has no bar."""
    known = {canal: value for canal, value in totals.items() if value is not None and not pd.isna(value)}
    total = sum(known.values())
    top = max(known.values(), default=0) or 1
    contacts = {canal: f"{thousands(volumes[canal])} contacts" if volumes.get(canal) else "aucun volume" for canal in CANALS}
    labels = {canal: f"{money(value, currency)} ({value / total * 100 if total else 0:.0f}\u202f%) · {contacts[canal]}"
              for canal, value in known.items()}
    left, step = 110, 34
    right = 12 + 7 * max((len(label) for label in labels.values()), default=0)  # room for the longest label
    width = max(width, left + right + 200)
    height = step * len(CANALS) + 10
    parts = []
    for index, canal in enumerate(CANALS):
        y = 6 + step * index
        parts.append(f'<text x="{left - 10}" y="{y + 17}" text-anchor="end" font-size="13">{escape(CANAL_NAMES[canal])}</text>')
        if canal not in known:
            parts.append(f'<text x="{left}" y="{y + 17}" font-size="12" font-style="italic">sans coût unitaire : hors du total '
                         f'({escape(contacts[canal])})</text>')
            continue
        value, label = known[canal], labels[canal]
        length = round((width - left - right) * value / top, 2)
        parts.append(f'<rect x="{left}" y="{y + 3}" width="{max(length, 1)}" height="20" fill="{RADAR_COLOR}">'
                     f"<title>{escape(CANAL_NAMES[canal])} : {escape(label)}</title></rect>")
        parts.append(f'<text x="{left + max(length, 1) + 6}" y="{y + 17}" font-size="12">{escape(label)}</text>')
    summary = " ; ".join(f"{CANAL_NAMES[c]} : {money(known[c], currency) if c in known else 'sans coût'}" for c in CANALS)
    return SVG(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape("Coût des contacts par canal. " + summary)}" font-family="{FONT}" fill="{AXIS_TEXT}">'
        + "".join(parts) + "</svg>"
    )


#: Where the browser keeps the unit costs typed on this page.
MEMORY_KEY = "contacts-efficaces/couts/v1"


#: What the page says once the unit costs typed are cleared.
CLEARED_NOTE = tag("p", text("Coûts saisis effacés, ici et dans ce navigateur."), class_="ce-meta", role="status")


class CostsMemory(BrowserMemory):
    """The unit costs typed, kept in the browser: ``costs`` = {preset, fields (text typed per
    channel), devise}."""

    key = traitlets.Unicode(MEMORY_KEY).tag(sync=True)
    parts = traitlets.List(traitlets.Unicode(), default_value=["costs"]).tag(sync=True)
    costs = traitlets.Dict().tag(sync=True)


class CostsPage:
    """The page's widgets and what they do; ``widget`` is what the notebook displays."""

    def __init__(self, source: Source, load_log: Callable[[Callable[[float], None]], object] | None = None) -> None:
        """``load_log(progress)`` gives the contact log's :class:`logs.page.LogSource` when the
        user first chooses the log, telling ``progress`` the share read now and then (default:
        :func:`logs.page.log_source`)."""
        self.source = source
        self.latest = source.network.latest()  # each structure once
        self.structures = self.latest.structures
        self._volumes = {AUTODIAGNOSTICS: volumes_from_autodiagnostics(self.structures)}
        self.volumes = self._volumes[AUTODIAGNOSTICS]
        self._reseau_of = self.structures.drop_duplicates("structure").set_index("structure")["reseau"].astype("string")
        self._views: dict[tuple[str, str], pd.DataFrame] = {}
        self._load_log = load_log
        self.log_source = None
        self._log_error = ""
        self._period = ""
        self._users: dict[str, int] = {}
        self._reiteration = None
        self._costs = UnitCosts({canal: None for canal in CANALS}, DEFAULT_CURRENCY)
        self._filling = False

        self.volume_choice = widgets.RadioButtons(description="Volumes", options=VOLUME_SOURCES, value=AUTODIAGNOSTICS,
                                                  layout={"width": "auto"}, style={"description_width": "9em"})
        self.volume_note = widgets.HTML()
        self.preset = widgets.Dropdown(
            description="Préréglage", options=[("Aucun (saisir les coûts)", NO_PRESET)]
            + [(preset_name(costs), name) for name, costs in presets().items()],
            layout={"width": "44em"}, style={"description_width": "9em"},
        )
        self.fields = {canal: widgets.Text(description=CANAL_NAMES[canal], placeholder="sans coût", continuous_update=False,
                                           layout={"width": "18em"}, style={"description_width": "9em"}) for canal in CANALS}
        self.notes = {canal: widgets.HTML() for canal in CANALS}
        self.currency = widgets.Text(description="Devise", value=DEFAULT_CURRENCY, continuous_update=False,
                                     layout={"width": "18em"}, style={"description_width": "9em"})
        self.currency_note = widgets.HTML()
        self.label = widgets.HTML()
        reseaux = sorted(self.structures["reseau"].dropna().astype(str).unique())
        self.reseau = widgets.Dropdown(description="Réseau", options=[("Tous les réseaux", ALL)] + [(r, r) for r in reseaux])
        self.headline = widgets.HTML()
        self.mix = widgets.HTML()
        canals = [(CANAL_NAMES[canal], canal) for canal in CANALS]
        self.depuis = widgets.Dropdown(description="Depuis", options=canals, value="guichet")
        self.vers = widgets.Dropdown(description="Vers", options=canals, value="web")
        self.part = widgets.IntSlider(description="Part déplacée (%)", min=0, max=100, step=1, value=20,
                                      style={"description_width": "9em"}, layout={"width": "34em"})
        self.saving = widgets.HTML()
        self.table = widgets.HTML()
        self.practices = widgets.HTML()
        self.download = widgets.Button(description="Préparer le CSV")
        self.download_link = widgets.HTML()
        self.window = widgets.IntSlider(value=DEFAULT_WINDOW, min=1, max=60, description="Fenêtre (jours)", continuous_update=False,
                                        style={"description_width": "initial"}, layout={"width": "420px"})
        self.windows = widgets.ToggleButtons(options=[(plural(days, "jour"), days) for days in WINDOW_PRESETS], value=DEFAULT_WINDOW,
                                             style={"button_width": "6em"})
        self.reiteration = widgets.HTML()
        self.memory = CostsMemory()
        self.memory.on_msg(self._on_memory)
        self.memory_note = widgets.HTML()
        #: Offered whenever some unit cost is typed or chosen: back to the page as it opened,
        #: here and in the browser.
        self.clear = widgets.Button(description="Effacer les coûts saisis", layout={"width": "auto", "display": "none"})

        self.volume_choice.observe(self._on_volume_source, names="value")
        self.window.observe(self._on_window, names="value")
        self.windows.observe(lambda change: setattr(self.window, "value", change["new"]) if change["new"] else None, names="value")
        self.preset.observe(self._on_preset, names="value")
        for field in (*self.fields.values(), self.currency):
            field.observe(self._on_costs, names="value")
        self.reseau.observe(self._on_reseau, names="value")
        for control in (self.depuis, self.vers, self.part):
            control.observe(self._on_what_if, names="value")
        self.download.on_click(lambda _: self._prepare())
        self.clear.on_click(lambda _: self.clear_costs())
        self.widget = self._layout()
        self._show_volume_note()
        self._on_costs()

    # ------------------------------------------------------------------ layout

    def _layout(self) -> widgets.Widget:
        style = widgets.HTML(f"<style>{page_styles('widget-page.css')}{STYLES}</style>")
        problems = "".join(tag("p", text(f"Fichier écarté : {problem}"), class_="ce-problem") for problem in self.source.network.problems)
        intro = widgets.HTML(
            tag("p", text(f"Données : {self.source.description}."), class_="ce-source" + (" ce-synthetic" if self.source.synthetic else ""))
            + problems
        )
        volumes = widgets.VBox([self.volume_choice, self.volume_note])
        rows = [widgets.HBox([self.fields[canal], self.notes[canal]]) for canal in CANALS]
        costs = widgets.VBox([
            widgets.HTML(tag("h2", "Coûts unitaires (par contact)")),
            widgets.HTML(tag("p", text(PRESETS_NOTE)) + tag("p", text(EMPTY_NOTE), class_="ce-meta")),
            self.preset, *rows, widgets.HBox([self.currency, self.currency_note]), self.label, self.clear, self.memory_note, self.memory,
        ])
        what_if_box = widgets.VBox([
            widgets.HTML(tag("h2", "Et si une part des contacts changeait de canal ?")),
            widgets.HTML(tag("p", text("Choisissez le canal que des usagers quitteraient, celui qu'ils prendraient à la place, "
                                       "et la part des contacts déplacée : l'économie se calcule aussitôt, pour le réseau "
                                       "choisi et pour chaque structure."), class_="ce-meta")),
            widgets.HBox([self.depuis, self.vers], layout={"flex_flow": "row wrap"}), self.part, self.saving,
        ])
        self.reiteration_box = widgets.VBox([
            widgets.HTML(tag("h2", "Coût de la réitération")),
            widgets.HTML(tag("p", text(REITERATION_NOTE), class_="ce-meta")),
            widgets.HBox([self.window, self.windows], layout={"flex_flow": "row wrap", "align_items": "center"}),
            self.reiteration,
        ], layout={"display": "none"})
        sections = [
            style, intro, volumes, costs,
            widgets.HTML(tag("h2", "Coût des contacts par canal")), self.reseau, self.headline, self.mix,
            self.reiteration_box, what_if_box,
            widgets.HTML(tag("h2", "Structures")), self.table,
            widgets.HTML(tag("h2", "Les pratiques et le coût par usager")), self.practices,
            widgets.HTML(tag("h2", "Télécharger")),
            widgets.HTML(tag("p", text("Le coût de chaque canal pour chaque structure du réseau choisi, son total et son coût "
                                       "par usager, puis une ligne TOTAL (CSV, UTF-8)."), class_="ce-meta")),
            self.download, self.download_link,
        ]
        return widgets.VBox(sections, layout={"max_width": "1100px"}).add_class("ce-costs")

    # ------------------------------------------------------------------ where the volumes come from

    def from_log(self) -> bool:
        return self.volume_choice.value == JOURNAL and self.log_source is not None

    def _on_volume_source(self, change) -> None:
        if change["new"] == JOURNAL and self.log_source is None and not self._read_log():
            self.volume_choice.value = AUTODIAGNOSTICS  # the autodiagnostics' view stays, with the message
            return
        self.volumes = self._volumes[JOURNAL if self.from_log() else AUTODIAGNOSTICS]
        self.download_link.value = ""
        self.reiteration_box.layout.display = None if self.from_log() else "none"
        self._show_volume_note()
        self._refresh()
        self._refresh_reiteration()

    def _read_log(self) -> bool:
        """Read the log (once): its volumes, its period; False, and a message, when it cannot be read."""
        self.volume_choice.disabled = True

        def reading(words: str) -> None:
            self.volume_note.value = tag("p", text(words), class_="ce-meta ce-loading", role="status", aria_live="polite")

        reading("Lecture du journal…")
        try:
            if self._load_log is None:
                from contacts_lib.logs.page import log_source

                self._load_log = log_source
            source = self._load_log(lambda share: reading(f"Lecture du journal : {share:.0%}".replace("%", "\u00a0%")))
            volumes = volumes_from_log(source.log)
            start, end = source.log.connection.execute("SELECT min(horodatage), max(horodatage) FROM contacts").fetchall()[0]
        except InputError as error:
            self._log_error = (f"Le journal de contacts n'a pas pu être lu : {sentence(str(error))} Les volumes restent ceux "
                               "des autodiagnostics.")
            return False
        finally:
            self.volume_choice.disabled = False
        self.log_source, self._log_error = source, ""
        self._volumes[JOURNAL] = volumes
        self._period = f"du {start:%d/%m/%Y} au {end:%d/%m/%Y}" if start is not None else ""
        return True

    def _show_volume_note(self) -> None:
        error = tag("p", text(self._log_error), class_="ce-problem", role="alert") if self._log_error else ""
        if not self.from_log():
            self.volume_note.value = tag("p", text(VOLUMES_NOTE), class_="ce-meta") + error
            return
        source = self.log_source
        period = f" ; contacts {self._period}" if self._period else ""
        self.volume_note.value = (
            tag("p", text(f"Journal : {source.description}{period}."),
                class_="ce-source ce-log-source" + (" ce-synthetic" if source.synthetic else ""))
            + tag("p", text(LOG_VOLUMES_NOTE), class_="ce-meta")
        )

    def per_period(self) -> str:
        """What the amounts cover: « par an » (autodiagnostics) or the log's period."""
        return "sur la période du journal" if self.from_log() else "par an"

    # ------------------------------------------------------------------ unit costs

    def _on_preset(self, change) -> None:
        name = change["new"]
        chosen = presets().get(name)
        self._filling = True
        try:
            for canal in CANALS:
                value = chosen.values.get(canal) if chosen else None
                self.fields[canal].value = "" if value is None else cost_text(value)
            self.currency.value = chosen.devise if chosen else DEFAULT_CURRENCY
        finally:
            self._filling = False
        self._on_costs()

    def costs(self) -> UnitCosts:
        """The unit costs in use: the fields' last valid values, over the chosen preset."""
        return self._costs

    def _read_costs(self) -> UnitCosts:
        """The fields as unit costs; a bad field keeps its last valid value, and says so beside it."""
        values: dict[str, float | None] = {}
        previous = self._costs
        currency = self.currency.value.strip()
        if not currency:
            currency = previous.devise
            self.currency_note.value = tag("span", text(f"Indiquez une devise (EUR, GBP…) ; {currency} reste utilisée."),
                                           class_="ce-field-note ce-problem", role="alert")
        else:
            self.currency_note.value = ""
        for canal in CANALS:
            typed = self.fields[canal].value
            try:
                values[canal] = cost_changes([f"{canal}={typed}"])[canal]
            except InputError as error:
                kept = previous.values.get(canal)
                keep = f"le coût précédent ({cost_text(kept)} {previous.devise}) reste utilisé." if kept is not None else "le canal reste sans coût."
                self.notes[canal].value = tag("span", text(f"{french_message(error)} Corrigez la valeur ; {keep}"),
                                              class_="ce-field-note ce-problem", role="alert")
                values[canal] = kept
                continue
            note = f"{currency} par contact" if values[canal] is not None else "sans coût : hors des totaux"
            self.notes[canal].value = tag("span", text(note), class_="ce-field-note")
        chosen = presets().get(self.preset.value)
        if chosen is None:
            return UnitCosts(values, currency)
        changes = {canal: value for canal, value in values.items() if value != chosen.values.get(canal)}
        costs = chosen.with_values(changes)
        if currency != chosen.devise:
            costs = UnitCosts(costs.values, currency, costs.source, costs.annee, costs.perimetre, modified=True)
        return costs

    def typed(self) -> dict[str, object]:
        """The unit costs as typed (what the browser keeps)."""
        return {"preset": self.preset.value, "fields": {canal: self.fields[canal].value for canal in CANALS},
                "devise": self.currency.value}

    def restore(self, state: object) -> None:
        """Take back the unit costs the browser kept, unless some were typed here already."""
        if self.typed() != self._untouched or not isinstance(state, dict) or not isinstance(state.get("costs"), dict):
            return
        kept = state["costs"]
        fields = kept.get("fields") if isinstance(kept.get("fields"), dict) else {}
        if kept.get("preset") not in {value for _, value in self.preset.options}:
            return
        self.preset.value = kept["preset"]
        self._filling = True
        try:
            for canal in CANALS:
                if isinstance(fields.get(canal), str):
                    self.fields[canal].value = fields[canal]
            if isinstance(kept.get("devise"), str):
                self.currency.value = kept["devise"]
        finally:
            self._filling = False
        self._on_costs()
        self.memory_note.value = tag("p", text("Coûts unitaires retrouvés dans ce navigateur (saisis lors d'une visite précédente)."),
                                     class_="ce-meta", role="status")

    def clear_costs(self) -> None:
        """Back to the unit costs of the page as it opened (no preset, no cost), and nothing
        kept in the browser any more."""
        untouched = self._untouched
        self.preset.value = untouched["preset"]
        self._filling = True
        try:
            for canal in CANALS:
                self.fields[canal].value = untouched["fields"][canal]
            self.currency.value = untouched["devise"]
        finally:
            self._filling = False
        self._on_costs()
        self.memory_note.value = CLEARED_NOTE

    def _on_memory(self, _widget, message, _buffers) -> None:
        kind = message.get("type") if isinstance(message, dict) else None
        if kind == "restore":
            self.restore(message.get("state"))
        elif kind == "full":
            self.memory_note.value = tag("p", text("Ce navigateur ne peut pas garder les coûts saisis (place insuffisante)."),
                                         class_="ce-problem", role="alert")

    def _on_costs(self, _change=None) -> None:
        if self._filling:
            return
        typed = self.typed()
        if not hasattr(self, "_untouched"):
            self._untouched = typed  # the page as it opened: nothing typed
        with self.memory.hold_sync():
            self.memory.costs, self.memory.empty = typed, typed == self._untouched
        self.clear.layout.display = "none" if typed == self._untouched else None
        if typed != self._untouched and self.memory_note.value == CLEARED_NOTE:
            self.memory_note.value = ""
        self._costs = self._read_costs()
        label = f"Coûts utilisés : {self._costs.label()}"
        chosen = presets().get(self.preset.value)
        if chosen is not None and self._costs.devise != chosen.devise:
            label += f". Attention : les valeurs du préréglage sont en {chosen.devise}, changer la devise ne les convertit pas"
        self.label.value = tag("p", text(label + "."), class_="ce-label ce-costs-used", role="status", aria_live="polite")
        self._refresh()
        self._refresh_reiteration()

    # ------------------------------------------------------------------ the view

    def view_volumes(self) -> pd.DataFrame:
        """The volumes of the structures of the chosen réseau (all of them: every réseau)."""
        key = (JOURNAL if self.from_log() else AUTODIAGNOSTICS, self.reseau.value)
        if key not in self._views:
            if self.reseau.value == ALL:
                self._views[key] = self.volumes
            else:
                chosen = self.volumes["structure"].map(self._reseau_of) == self.reseau.value
                self._views[key] = self.volumes[chosen.fillna(False).astype(bool)].reset_index(drop=True)
        return self._views[key]

    def _distinct_users(self, structures: list[str]) -> int:
        """The people of the log's contacts with these structures, counted once (cached by réseau)."""
        reseau = self.reseau.value
        if reseau not in self._users:
            self._users[reseau] = distinct_users(self.log_source.log, None if reseau == ALL else structures)
        return self._users[reseau]

    def scope(self) -> str:
        return "l'ensemble du réseau" if self.reseau.value == ALL else f"le réseau {self.reseau.value}"

    def _on_reseau(self, _change=None) -> None:
        self.download_link.value = ""
        self._refresh()
        self._refresh_reiteration()

    def _refresh(self) -> None:
        volumes = self.view_volumes()
        structures = list(dict.fromkeys(volumes["structure"]))
        total_users = self._distinct_users(structures) if self.from_log() else None
        self._table = costs_by_structure(volumes, self._costs, total_users)
        self.download_link.value = ""
        self._show_mix(volumes)
        self._show_table()
        self._show_practices()
        self._on_what_if()

    def practices_frame(self) -> pd.DataFrame:
        """:func:`logs.practices.practice_association` of the cost per user of the structures shown."""
        from contacts_lib.logs.practices import practice_association

        return practice_association(self._table.iloc[:-1], self.latest.answers, value="cout_par_usager")

    def _show_practices(self) -> None:
        from contacts_lib.logs.page import association_html

        if not self._costs.known():
            self.practices.value = tag("p", text("Aucun coût unitaire n'est donné : choisissez un préréglage ou saisissez vos "
                                                 "coûts pour comparer les coûts par usager."), class_="ce-meta")
            return
        currency = self._costs.devise
        measured = ("son coût par usager sur la période du journal, usagers distincts" if self.from_log()
                    else "son coût par usager sur un an, usagers déclarés")
        self.practices.value = association_html(
            self.practices_frame(), measured,
            "Aucune structure de cette vue n'a à la fois un coût par usager et un autodiagnostic : comparaison impossible.",
            unit=currency, gap_unit=currency, decimals=2,
            title="Coût par usager moyen des structures qui appliquent chaque pratique et des autres")

    def _show_mix(self, volumes: pd.DataFrame) -> None:
        currency = self._costs.devise
        total_row = self._table[self._table["structure"] == TOTAL].iloc[0]
        structures = len(self._table) - 1
        known = self._costs.known()
        by_canal = volumes.groupby("canal", sort=False)["contacts"].sum(min_count=1)
        counted = {canal: int(by_canal.get(canal)) if pd.notna(by_canal.get(canal)) else 0 for canal in CANALS}
        if not known:
            self.headline.value = tag("p", text(f"{structures_text(structures)} dans cette vue. Aucun coût unitaire n'est donné : "
                                                "choisissez un préréglage ou saisissez vos coûts pour voir les totaux."),
                                      class_="ce-label", role="status")
            self.mix.value = ""
            return
        per_user = total_row["cout_par_usager"]
        log = self.from_log()
        figures = [
            (money(total_row["cout_total"], currency),
             f"coût total des contacts du journal ({self._period})" if log and self._period else
             "coût total des contacts du journal" if log else "coût total des contacts sur un an"),
            (money(per_user, currency, 2), "coût par usager (usagers distincts du journal)" if log else "coût par usager (usagers déclarés)"),
            (structures_text(structures), "dans cette vue"),
        ]
        cards = "".join(tag("div", tag("strong", text(value)) + tag("span", text(label)), class_="ce-figure") for value, label in figures)
        without = [CANAL_NAMES[c] for c in CANALS if c not in known]
        missing = volumes[volumes["contacts"].isna()].groupby("canal", sort=False)["structure"].count()
        notes = []
        if without:
            notes.append(f"Sans coût unitaire, hors des totaux : {', '.join(without)}.")
        gaps = [f"{CANAL_NAMES[c].lower()} pour {structures_text(int(missing[c]))}" for c in CANALS if c in known and missing.get(c, 0)]
        if gaps:
            notes.append(f"Volume non renseigné dans l'autodiagnostic, hors des totaux : {' ; '.join(gaps)}.")
        others = volumes[~volumes["canal"].isin(CANALS)].groupby("canal")["contacts"].sum()
        if len(others):
            listed = ", ".join(f"{canal} ({plural(int(count), 'contact')})" for canal, count in others.items())
            notes.append(f"Canaux hors du vocabulaire (guichet, téléphone, courrier, courriel, web), sans coût unitaire et hors "
                         f"des totaux : {listed}.")
        self.headline.value = (tag("div", cards, class_="ce-figures", role="status", aria_live="polite")
                               + "".join(tag("p", text(note), class_="ce-meta") for note in notes))
        totals = {canal: total_row[f"cout_{canal}"] if canal in known else None for canal in CANALS}
        svg = cost_mix_svg(totals, counted, currency)
        link = download_link("Télécharger la figure (SVG)", svg.encode(), "couts-par-canal.svg", "image/svg+xml", class_="ce-download")
        self.mix.value = tag("div", svg, class_="ce-svg") + tag("p", link)

    def _show_table(self) -> None:
        currency = self._costs.devise
        rows = self._table[self._table["structure"] != TOTAL].sort_values(["cout_total", "structure"], ascending=[False, True])
        shown = rows.head(TABLE_ROWS)
        headers = ["Structure", "Réseau", *(CANAL_NAMES[c] for c in CANALS), f"Total ({currency})", "Usagers", f"Par usager ({currency})"]
        head = tag("tr", "".join(tag("th", text(h), scope="col") for h in headers))

        def number(value, decimals=0):
            return tag("td", text(money(value, currency, decimals).removesuffix(f"\u00a0{currency}")), class_="ce-num")

        body = "".join(
            tag("tr", tag("td", text(row.structure)) + tag("td", text(str(self._reseau_of.get(row.structure) or "")))
                + "".join(number(getattr(row, f"cout_{c}")) for c in CANALS) + number(row.cout_total)
                + tag("td", text(thousands(int(row.usagers)) if pd.notna(row.usagers) else "—"), class_="ce-num")
                + number(row.cout_par_usager, 2))
            for row in shown.itertuples()
        )
        which = (f"Les {len(shown)} structures au coût total le plus élevé, sur {structures_text(len(rows))}" if len(rows) > len(shown)
                 else f"{structures_text(len(rows))}, du coût total le plus élevé au plus faible")
        dash = ("sans coût unitaire, ou aucun contact de ce canal dans le journal" if self.from_log()
                else "sans coût unitaire, volume ou nombre d'usagers non renseigné")
        caption = tag("caption", text(f"{which} ({self.scope()}) ; « — » : {dash}."))
        self.table.value = tag("table", caption + tag("thead", head) + tag("tbody", body), class_="ce-structures")

    # ------------------------------------------------------------------ what if

    def _on_what_if(self, _change=None) -> None:
        depuis, vers, part = self.depuis.value, self.vers.value, self.part.value
        try:
            frame = what_if(self.view_volumes(), self._costs, depuis, vers, part)
        except InputError as error:
            self.saving.value = tag("p", text(french_message(error)), class_="ce-problem", role="status")
            self._what_if = None
            return
        self._what_if = frame
        currency = self._costs.devise
        total = frame.iloc[-1]
        saving = 0.0 if pd.isna(total["economie"]) else float(total["economie"])
        moved = 0.0 if pd.isna(total["deplaces"]) else float(total["deplaces"])
        cost_from, cost_to = self._costs.values[depuis], self._costs.values[vers]
        per = self.per_period()
        how = (f"en déplaçant {part} % des contacts {CANAL_OF[depuis]} ({thousands(round(moved))} contacts{'' if self.from_log() else ' par an'}) vers "
               f"{CANAL_TO[vers]}, à {money(cost_to, currency, 2)} le contact au lieu de {money(cost_from, currency, 2)}")
        if saving < 0:
            headline = (f"Pas d'économie : un surcoût de {money(-saving, currency)} {per} pour {self.scope()}, "
                        f"{how} — {CANAL_TO[vers]} coûte plus cher par contact que {CANAL_TO[depuis]}.")
        else:
            headline = f"Économie pour {self.scope()} : {money(saving, currency)} {per}, {how}."
        structures = frame.iloc[:-1].dropna(subset=["economie"])
        skipped = len(frame) - 1 - len(structures)
        where = "le journal" if self.from_log() else "l'autodiagnostic"
        note = (f" {structures_text(skipped)} sans volume {CANAL_OF[depuis]} dans {where} ne "
                f"{'comptent' if skipped > 1 else 'compte'} pas.") if skipped else ""
        top = structures.assign(_size=structures["economie"].abs()).sort_values(["_size", "structure"], ascending=[False, True]).head(WHAT_IF_ROWS)
        amount = "Surcoût" if saving < 0 else "Économie"
        head = tag("tr", "".join(tag("th", text(h), scope="col") for h in ("Structure", "Réseau", f"Contacts déplacés {per}",
                                                                          f"{amount} {per} ({currency})")))
        body = "".join(
            tag("tr", tag("td", text(row.structure)) + tag("td", text(str(self._reseau_of.get(row.structure) or "")))
                + tag("td", text(thousands(round(row.deplaces))), class_="ce-num")
                + tag("td", text(money(abs(row.economie) if saving < 0 else row.economie, currency).removesuffix(f"\u00a0{currency}")), class_="ce-num"))
            for row in top.itertuples()
        )
        title = "au plus gros surcoût" if saving < 0 else "à la plus grosse économie"
        caption = tag("caption", text(f"Les {len(top)} structures {title}"))
        self.saving.value = (
            tag("p", tag("strong", text(headline)) + text(note), class_="ce-saving" + (" ce-negative" if saving < 0 else ""),
                role="status", aria_live="polite")
            + (tag("table", caption + tag("thead", head) + tag("tbody", body), class_="ce-structures") if len(top) and part else "")
        )

    # ------------------------------------------------------------------ réitération

    def _on_window(self, change) -> None:
        if self.windows.value != change["new"]:
            self.windows.value = change["new"] if change["new"] in WINDOW_PRESETS else None
        self._refresh_reiteration()

    def reiteration_frame(self):
        """:func:`costs.reiteration_costs` of the log for the window and unit costs shown (None
        without a log)."""
        return self._reiteration

    def _refresh_reiteration(self) -> None:
        if not self.from_log():
            self._reiteration = None
            self.reiteration.value = ""
            return
        days = self.window.value
        everywhere = self.reseau.value == ALL
        volumes = self.view_volumes()
        keep_flags(self.log_source.log, days)  # once per window: the réseaux and costs chosen next only group them
        frame = reiteration_costs(self.log_source.log, days, self._costs, None if everywhere else list(volumes["structure"].unique()))
        self._reiteration = frame
        currency = self._costs.devise
        by_canal, total = frame.iloc[:-1], frame.iloc[-1]
        order = {canal: index for index, canal in enumerate(CANALS)}
        by_canal = by_canal.assign(_order=by_canal["canal"].map(lambda canal: order.get(canal, len(CANALS)))).sort_values(["_order", "canal"])
        repeats = int(total["reiterations"])
        if not self._costs.known():
            self.reiteration.value = tag("p", text(
                f"{thousands(repeats)} réitérations (fenêtre de {plural(days, 'jour')}). Aucun coût unitaire n'est donné : choisissez un "
                "préréglage ou saisissez vos coûts pour voir ce qu'elles coûtent."), class_="ce-label", role="status", aria_live="polite")
            return
        cost = 0.0 if pd.isna(total["cout"]) else float(total["cout"])
        all_contacts = channel_costs(volumes, self._costs)["cout"].sum()
        share = cost / float(all_contacts) * 100 if all_contacts else None
        contacts = int(volumes["contacts"].sum())
        where = "du journal" if everywhere else f"du réseau {self.reseau.value} dans le journal"
        figures = [
            (money(cost, currency), f"coût des réitérations (fenêtre de {plural(days, 'jour')}), sur la période du journal"),
            (percent(share) if share is not None else "—", f"du coût total des contacts {where}"),
            (thousands(repeats), f"réitérations sur {thousands(contacts)} contacts"),
        ]
        cards = "".join(tag("div", tag("strong", text(value)) + tag("span", text(label)), class_="ce-figure") for value, label in figures)
        without = by_canal[by_canal["cout_unitaire"].isna()]
        note = ""
        if len(without):
            listed = ", ".join(f"{CANAL_NAMES.get(row.canal, row.canal)} ({plural(int(row.reiterations), 'réitération')})"
                               for row in without.itertuples())
            note = tag("p", text(f"Sans coût unitaire, hors du total : {listed}."), class_="ce-meta")
        head = tag("tr", "".join(tag("th", text(h), scope="col") for h in
                                 ("Canal de la réitération", "Réitérations", f"Coût unitaire ({currency})", f"Coût ({currency})")))

        def row_html(name: str, repeats: int, unit, cost) -> str:
            unit_text = "sans coût unitaire" if unit is None or pd.isna(unit) else money(unit, currency, 2).removesuffix(f"\u00a0{currency}")
            cost_text_ = "hors du total" if cost is None or pd.isna(cost) else money(cost, currency).removesuffix(f"\u00a0{currency}")
            return tag("tr", tag("td", text(name)) + tag("td", text(thousands(repeats)), class_="ce-num")
                       + tag("td", text(unit_text), class_="ce-num") + tag("td", text(cost_text_), class_="ce-num"))

        body = "".join(row_html(CANAL_NAMES.get(row.canal, row.canal), int(row.reiterations), row.cout_unitaire, row.cout)
                       for row in by_canal.itertuples())
        body += tag("tr", tag("th", text("Ensemble"), scope="row") + tag("td", text(thousands(repeats)), class_="ce-num")
                    + tag("td", "") + tag("td", text(money(cost, currency).removesuffix(f"\u00a0{currency}")), class_="ce-num"))
        caption = tag("caption", text(f"Coût des réitérations par canal, fenêtre de {plural(days, 'jour')}, "
                                      + ("ensemble du journal" if everywhere else f"réseau {self.reseau.value}")))
        self.reiteration.value = (tag("div", cards, class_="ce-figures ce-reiteration-figures", role="status", aria_live="polite") + note
                                  + tag("table", caption + tag("thead", head) + tag("tbody", body), class_="ce-structures ce-reiteration"))

    # ------------------------------------------------------------------ download

    def table_for_download(self) -> pd.DataFrame:
        """:func:`costs.costs_by_structure` of the view, with each structure's réseau and the currency."""
        frame = self._table.copy()
        frame.insert(1, "reseau", frame["structure"].map(self._reseau_of).where(frame["structure"] != TOTAL))
        frame["devise"] = self._costs.devise
        return frame

    def _prepare(self) -> None:
        from contacts_lib.formats.csv_format import frame_csv_bytes

        content = frame_csv_bytes(self.table_for_download())
        file_name = "couts-structures" + ("-journal" if self.from_log() else "") + ("" if self.reseau.value == ALL else "-reseau") + ".csv"
        self.download_link.value = tag("p", download_link(f"Enregistrer {file_name}", content, file_name, "text/csv"), role="status")


def costs_page() -> PageWithKernel:
    """What ``notebooks/couts.ipynb`` displays."""
    try:
        source = page_source()
    except InputError as error:
        return PageWithKernel(widgets.HTML(
            tag("p", text(f"Les données du réseau n'ont pas pu être lues : {error}"), class_="ce-problem", role="alert")
        ))
    return PageWithKernel(CostsPage(source).widget)
