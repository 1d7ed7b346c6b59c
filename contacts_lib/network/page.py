"""The network page (``notebooks/reseau.ipynb``): a network head's view, with no Python to write.

Filters (réseau, région, campagne), headline figures, the distribution of each lever, the
practices × réseaux adoption heatmap, the plans d'actions (per practice, how many structures
plan it and how many of those applied it by their next campaign; late actions per réseau), a
searchable, sortable table of structures, a drill-down on one structure (its radar over the
network's quartile band, where it stands, its progress since its previous campaign, the
practices it lacks and how many peers apply them) and downloads. Built with ipywidgets; every figure is SVG made in Python (no script, no network
connection); every text from a file is escaped. The analyses are those of
:mod:`contacts_lib.network.analyses`: this module only lays their frames out.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
from dataclasses import dataclass
from pathlib import Path

import anywidget
import ipywidgets as widgets
import pandas as pd

from contacts_lib.autodiagnostic.figures import radar_svg
from contacts_lib.autodiagnostic.followup import LATE_RULE
from contacts_lib.autodiagnostic.reference import load_catalogue
from contacts_lib.autodiagnostic.scoring import lever_names, score
from contacts_lib.messages import (
    InputError,
    agreed,
    plural,
    server_log,
    thousands,
    without_path,
)
from contacts_lib.network.analyses import (
    adoption,
    campaigns_of,
    descendants,
    parents,
    lever_distribution,
    peer_standing,
    progress,
    weakest_practices,
)
from contacts_lib.network.figures import (
    adoption_heatmap_svg,
    lever_boxes_svg,
    percent_text,
)
from contacts_lib.network.loading import NETWORK_VARIABLE, Network, load_network
from contacts_lib.network.plans import late_by_reseau, plan_listing, practice_followup
from contacts_lib.network.sample import DEFAULT_STRUCTURES, sample_network
from contacts_lib.network.tables import lever_order
from contacts_lib.web.html import PageWithKernel, download_link, page_styles, tag, text

ROWS_PER_PAGE = 25
#: The tables the page downloads, and their sheets' names in the workbook.
DOWNLOADS = {"structures": "Structures", "adoption": "Adoption", "leviers": "Leviers", "actions": "Plans d'actions",
             "suivi": "Suivi des pratiques", "retards": "Retards par réseau"}
ALL = "__tous__"
LATEST = "__dernier__"


def structures_text(number: int) -> str:
    return plural(number, "structure")


@dataclass(frozen=True)
class Source:
    """Where the page's data come from, as the page says it."""

    network: Network
    description: str
    synthetic: bool
    #: For a store: what it held when read (see :meth:`store.Store.stamp`); None for files.
    stamp: tuple[int, int] | None = None


def page_source() -> Source:
    """The store named by ``CONTACTS_EFFICACES_BASE`` (each structure's versions), else the files
    named by ``CONTACTS_EFFICACES_RESEAU``, else the synthetic sample. A store that is empty or
    cannot be read is said, and the files or the sample are shown instead. On a server with
    sign-in, only what the signed-in person's perimeter covers (:mod:`contacts_lib.access`)."""
    return _within_perimeter(_every_structure())


def _within_perimeter(source: Source) -> Source:
    from contacts_lib.access import visitor

    person = visitor()
    if person is not None and person.sees_everything:
        return source
    network = source.network
    keep = [i for i, d in enumerate(network.diagnostics) if person is not None and person.covers(d)]
    if person is None:
        raise InputError("votre connexion n'est pas reconnue ; rechargez la page pour vous reconnecter.")
    if not keep:
        raise InputError(f"aucun autodiagnostic de votre périmètre ({person.perimeter_text()}) dans les données du réseau.")
    restricted = Network(tuple(network.diagnostics[i] for i in keep), tuple(network.sources[i] for i in keep),
                         problems=network.problems, identifiers=tuple(network.identifiers[i] for i in keep))
    # what the whole source holds is not this person's to count: only their perimeter is said
    from contacts_lib.store import STORE_NAME

    kind = STORE_NAME if source.stamp is not None else "réseau synthétique" if source.synthetic else "autodiagnostics du réseau"
    structures = restricted.structures["cle_structure"].nunique()
    return dataclasses.replace(source, network=restricted,
                               description=f"{kind}, votre périmètre : {person.perimeter_text()} "
                               f"({structures_text(structures)}, {plural(len(restricted), 'autodiagnostic')})")


def _every_structure() -> Source:
    from contacts_lib.store import STORE_NAME, Store, base_exists, configured_base, shown_base

    note, stamp = "", None
    base = configured_base()
    if base is not None:
        network = None
        try:
            if base_exists(base):
                with Store(base, read_only=True) as store:
                    network, stamp = store.network(), store.stamp()
            else:
                stamp = (0, 0)
        except InputError as error:
            server_log(f"page Réseau : {error}")
            note = f"{without_path(str(error), base if isinstance(base, Path) else shown_base(base), 'la ' + STORE_NAME)} "
        if network is not None and len(network):
            structures = network.structures["cle_structure"].nunique()
            return Source(network, f"{STORE_NAME} ({structures_text(structures)}, "
                          f"{plural(len(network), 'version')} {agreed(len(network), 'enregistrée')})", False, stamp)
        if stamp is not None:
            note = f"La {STORE_NAME} ne contient encore aucun autodiagnostic ; "
    path = os.environ.get(NETWORK_VARIABLE, "").strip()
    if not path:
        diagnostics = sample_network(DEFAULT_STRUCTURES)
        network = Network(tuple(diagnostics), ("réseau synthétique",) * len(diagnostics))
        return Source(network, f"{note}réseau synthétique de {DEFAULT_STRUCTURES} structures fictives (données de démonstration, "
                      "aucune ne décrit une structure réelle) ; les autodiagnostics d'un réseau s'y ajoutent quand "
                      "l'application est lancée avec eux (voir le guide d'installation)", True, stamp)
    try:
        network = load_network(Path(path), ignore_errors=True)
    except InputError as error:  # said on the page without the server's paths, whole in its log
        server_log(f"page Réseau : {error}")
        raise InputError(without_path(str(error), path, "le dossier du réseau" if Path(path).is_dir() else Path(path).name)) from None
    files = len(set(network.sources))
    where = f"dossier du réseau, {plural(files, 'fichier')}" if Path(path).is_dir() else "fichier du réseau"
    words = "le dossier du réseau" if Path(path).is_dir() else Path(path).name
    problems = tuple(without_path(problem, path, words) for problem in network.problems)
    for problem in network.problems:
        server_log(f"page Réseau, fichier écarté : {problem}")
    network = dataclasses.replace(network, problems=problems)
    return Source(network, f"{note}{where} ({structures_text(network.structures['cle_structure'].nunique())})", False, stamp)


class NetworkPage:
    """The page's widgets and what they do; ``widget`` is what the notebook displays."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.network = source.network
        self._views: dict[str | None, Network] = {}
        structures = self.network.structures
        self.reseau = widgets.Dropdown(description="Réseau", options=self._options(structures["reseau"], "Tous les réseaux"))
        self.region = widgets.Dropdown(description="Région", options=self._options(structures["region"], "Toutes les régions"))
        campaigns = sorted(structures["campagne"].dropna().unique())
        self.campagne = widgets.Dropdown(
            description="Campagne", options=[("La plus récente de chaque structure", LATEST)] + [(c, c) for c in campaigns],
            layout={"width": "auto"},
        )
        # A structure and those under it (Services Publics+ codes, when the structures carry them).
        heads = parents(self.network.latest().structures)
        self.parent = widgets.Dropdown(
            description="Sous", options=[("Toutes les structures", ALL)] + [
                (f"{row.nom} ({row.code}) et {'la structure' if row.structures == 2 else f'les {row.structures - 1} structures'} "
                 "sous elle" if row.nom != row.code else f"{row.code} : {structures_text(row.structures)}", row.code)
                for row in heads.itertuples()],
            layout={"width": "auto", "display": None if len(heads) else "none"},
        )
        self.headline = widgets.HTML()
        self.boxes = widgets.HTML()
        self.heatmap = widgets.HTML()
        self.plans = widgets.HTML()
        self.search = widgets.Text(description="Rechercher", placeholder="nom de structure", continuous_update=False)
        self.sort = widgets.Dropdown(description="Trier par", options=[
            ("Nom (A → Z)", ("structure", True)), ("Moyenne (décroissante)", ("moyenne", False)),
            ("Moyenne (croissante)", ("moyenne", True)),
            *((f"{name} (décroissant)", (key, False)) for key, name in lever_names().items() if key != "moyenne"),
        ])
        self.previous = widgets.Button(description="← Précédents", layout={"width": "auto"})
        self.next = widgets.Button(description="Suivants →", layout={"width": "auto"})
        self.position = widgets.HTML()
        self.table = widgets.HTML()
        self.pick = widgets.Dropdown(description="Structure", options=[("— choisir dans le tableau —", None)], layout={"width": "auto"})
        self.detail = widgets.HTML()
        self.download_choice = widgets.Dropdown(description="Tableau", options=[
            ("Structures et scores", "structures"), ("Adoption des pratiques par réseau", "adoption"),
            ("Distribution des leviers", "leviers"), ("Plans d'actions : une ligne par action", "actions"),
            ("Suivi des pratiques planifiées", "suivi"), ("Actions en retard par réseau", "retards"),
        ])
        self.download_csv = widgets.Button(description="Préparer le CSV", icon="")
        self.download_xlsx = widgets.Button(description=f"Préparer le classeur XLSX ({len(DOWNLOADS)} feuilles)")
        self.download_link = widgets.HTML()
        self.message = widgets.HTML()
        self._page = 0
        for control in (self.reseau, self.region, self.campagne, self.parent):
            control.observe(self._on_filter, names="value")
        self.search.observe(self._on_table, names="value")
        self.sort.observe(self._on_table, names="value")
        self.previous.on_click(lambda _: self._turn(-1))
        self.next.on_click(lambda _: self._turn(1))
        self.pick.observe(self._on_pick, names="value")
        self.download_csv.on_click(lambda _: self._prepare("csv"))
        self.download_xlsx.on_click(lambda _: self._prepare("xlsx"))
        self.widget = self._layout()
        self._refresh()

    # ------------------------------------------------------------------ layout

    @staticmethod
    def _options(column: pd.Series, everything: str) -> list[tuple[str, str]]:
        values = sorted(column.dropna().astype(str).unique())
        return [(everything, ALL)] + [(value, value) for value in values]

    def _layout(self) -> widgets.Widget:
        style = widgets.HTML(f"<style>{page_styles('widget-page.css')}</style>")
        intro = widgets.HTML(
            tag("p", text(f"Données : {self.source.description}."), class_="ce-source" + (" ce-synthetic" if self.source.synthetic else ""))
            + "".join(tag("p", text(f"Fichier écarté : {problem}"), class_="ce-problem") for problem in self.network.problems)
        )
        filters = widgets.HBox([self.reseau, self.region, self.campagne, self.parent], layout={"flex_flow": "row wrap"})
        table_controls = widgets.HBox([self.search, self.sort], layout={"flex_flow": "row wrap"})
        pages = widgets.HBox([self.previous, self.position, self.next])
        downloads = widgets.VBox([
            widgets.HTML(tag("h2", "Télécharger")),
            widgets.HBox([self.download_choice, self.download_csv, self.download_xlsx], layout={"flex_flow": "row wrap"}),
            self.download_link,
        ])
        sections = [
            style, intro, filters, self.message, self.headline,
            widgets.HTML(tag("h2", "Distribution des scores par levier")), self.boxes,
            widgets.HTML(tag("h2", "Adoption des 36 bonnes pratiques par réseau")), self.heatmap,
            widgets.HTML(tag("h2", "Plans d'actions")), self.plans,
            widgets.HTML(tag("h2", "Structures")), table_controls, self.table, pages,
            widgets.HTML(tag("h2", "Une structure en détail")), self.pick, self.detail,
            downloads,
        ]
        return widgets.VBox(sections, layout={"max_width": "1100px"})

    # ------------------------------------------------------------------ the view

    def peers(self) -> Network:
        """Each structure once (its latest autodiagnostic, or its latest of the chosen campaign),
        whatever its réseau and région: the network a structure is compared with."""
        campagne = None if self.campagne.value == LATEST else self.campagne.value
        if campagne not in self._views:
            self._views[campagne] = self.network.latest(campagne)
        return self._views[campagne]

    def view(self) -> Network:
        """The autodiagnostics the filters select: :meth:`peers` of the chosen réseau and région,
        and at or under the chosen structure."""
        base = self.peers()
        structures = base.structures
        chosen = pd.Series(True, index=structures.index)
        if self.parent.value != ALL:  # the tree of every version: a level absent from a campaign still links the others
            under = set(self.network.structures.loc[
                self.network.structures["autodiagnostic"].isin(descendants(self.network.structures, self.parent.value)),
                "cle_structure"])
            chosen &= structures["cle_structure"].isin(under)
        if self.reseau.value != ALL:
            chosen &= structures["reseau"].astype(str) == self.reseau.value
        if self.region.value != ALL:
            chosen &= structures["region"].astype(str) == self.region.value
        if chosen.all():
            return base
        return base.select(structures.loc[chosen, "autodiagnostic"])

    def _on_filter(self, _change=None) -> None:
        self._page = 0
        self._refresh()

    def _refresh(self) -> None:
        view = self.view()
        self._current = view
        if len(view) == 0:
            self.message.value = tag("p", text("Aucune structure ne correspond à ces filtres."), class_="ce-problem", role="status")
            for output in (self.headline, self.boxes, self.heatmap, self.plans, self.table, self.detail):
                output.value = ""
            self.pick.options = [("— choisir dans le tableau —", None)]
            return
        self.message.value = ""
        self._wide = self._wide_scores(view)
        distribution = lever_distribution(view.scores)
        by_reseau = adoption(view.answers, by="reseau")
        self._distribution, self._adoption = distribution, by_reseau
        self.headline.value = self._headline(view, distribution)
        self.boxes.value = self._figure(lever_boxes_svg(distribution), "distribution-leviers.svg")
        self.heatmap.value = self._figure(adoption_heatmap_svg(by_reseau), "adoption-pratiques-reseaux.svg", wide=True)
        self._plans_of(view)
        self._on_table()

    # ------------------------------------------------------------------ plans d'actions

    def _plans_of(self, view: Network) -> None:
        """The plans of the structures in view: their latest plans (of the chosen campaign), and
        every campaign of theirs to follow planned practices to the next one."""
        today = dt.date.today()
        keys = set(view.structures["cle_structure"])
        history = self.network.structures
        theirs = self.network.select(history.loc[history["cle_structure"].isin(keys), "autodiagnostic"])
        self._actions = plan_listing(view, today)
        self._followup = practice_followup(theirs, today)
        self._late = late_by_reseau(view, today)
        self.plans.value = self._plans_html(today)

    def _plans_html(self, today: dt.date) -> str:
        actions, followup, late = self._actions, self._followup, self._late
        if actions.empty and not followup["suivies"].any():
            return tag("p", text("Aucun plan d'actions dans cette vue : les structures n'en ont pas encore enregistré."))
        open_actions = int((~actions["statut"].isin(["fait", "abandonne"])).sum())
        followed, applied = int(followup["suivies"].sum()), int(followup["appliquees_ensuite"].sum())
        figures = [
            (structures_text(int(late["avec_plan"].sum())), f"avec un plan, sur {thousands(int(late['structures'].sum()))}"),
            (plural(open_actions, "action"), "en cours ou à faire"),
            (thousands(int((actions["en_retard"] == "OUI").sum())), f"en retard au {today:%d/%m/%Y} ({LATE_RULE})"),
            (percent_text(100 * applied / followed) if followed else "–",
             f"des pratiques planifiées appliquées à la campagne suivante ({applied} sur {followed})"),
        ]
        cards = "".join(tag("div", tag("strong", text(value)) + tag("span", text(label)), class_="ce-figure") for value, label in figures)
        planned = followup[(followup["planifiee"] > 0) | (followup["suivies"] > 0)].sort_values(
            ["planifiee", "pratique"], ascending=[False, True])
        head = "".join(tag("th", text(t), scope="col") for t in (
            "Bonne pratique", "Structures qui la planifient", "dont en retard", "Plans suivis d'une campagne",
            "Appliquée à la campagne suivante"))
        rows = "".join(
            tag("tr", tag("td", text(f"{int(r.pratique)}. {r.titre}")) + tag("td", thousands(int(r.planifiee)), class_="ce-num")
                + tag("td", thousands(int(r.en_retard)), class_="ce-num") + tag("td", thousands(int(r.suivies)), class_="ce-num")
                + tag("td", text(f"{int(r.appliquees_ensuite)} ({percent_text(r.taux)})" if r.suivies else "–"), class_="ce-num"))
            for r in planned.itertuples()
        )
        by_practice = tag("table", tag("caption", text(
            "Par bonne pratique : les plans en vigueur (dernier autodiagnostic de chaque structure), et ce que sont "
            "devenues les pratiques planifiées à la campagne suivante de la structure.")) + tag("thead", tag("tr", head))
            + tag("tbody", rows), class_="ce-plans")
        head = "".join(tag("th", text(t), scope="col") for t in (
            "Réseau", "Structures", "avec un plan", "Actions ouvertes", "en retard", "Structures en retard"))
        rows = "".join(
            tag("tr", tag("td", text(str(r.reseau))) + "".join(
                tag("td", thousands(int(v)), class_="ce-num")
                for v in (r.structures, r.avec_plan, r.actions, r.en_retard, r.structures_en_retard)))
            for r in late.itertuples()
        )
        by_reseau = tag("table", tag("caption", text("Actions en retard par réseau")) + tag("thead", tag("tr", head))
                        + tag("tbody", rows), class_="ce-plans")
        return tag("div", cards, class_="ce-plan-figures") + by_practice + by_reseau

    @staticmethod
    def _wide_scores(view: Network) -> pd.DataFrame:
        wide = view.scores.pivot(index="autodiagnostic", columns="levier", values="pourcentage")[lever_order()]
        return view.structures.set_index("autodiagnostic")[["structure", "reseau", "region", "campagne"]].join(wide).reset_index()

    def _headline(self, view: Network, distribution: pd.DataFrame) -> str:
        overall = adoption(view.answers).sort_values(["taux", "pratique"])
        titles = {p.number: p.title for p in load_catalogue().practices}
        least, most = overall.iloc[0], overall.iloc[-1]
        moyenne = distribution.set_index("levier").loc["moyenne"]
        figures = [
            (structures_text(len(view)), "dans cette vue"),
            (percent_text(moyenne["mediane"]), "moyenne médiane (la moitié des structures au-dessus)"),
            (f"{percent_text(moyenne['q1'])} – {percent_text(moyenne['q3'])}", "moyenne : du 1er au 3e quartile (la moitié des structures)"),
            (thousands(view.structures["reseau"].nunique()), "réseaux"),
        ]
        cards = "".join(tag("div", tag("strong", text(value)) + tag("span", text(label)), class_="ce-figure") for value, label in figures)
        practices = tag("p", text(
            f"Pratique la plus répandue : n° {int(most['pratique'])}, {titles[int(most['pratique'])]} ({percent_text(most['taux'])} "
            f"des structures). La moins répandue : n° {int(least['pratique'])}, {titles[int(least['pratique'])]} "
            f"({percent_text(least['taux'])})."
        ))
        return tag("div", cards, class_="ce-figures", role="status", aria_live="polite") + practices

    @staticmethod
    def _figure(svg: str, file_name: str, wide: bool = False) -> str:
        """A figure and its download; ``wide``: too wide to scale down on a phone, it scrolls in its box."""
        link = download_link("Télécharger la figure (SVG)", svg.encode(), file_name, "image/svg+xml", class_="ce-download")
        return tag("div", svg, class_="ce-svg ce-wide" if wide else "ce-svg") + tag("p", link)

    # ------------------------------------------------------------------ the table

    def rows(self) -> pd.DataFrame:
        """The table's rows: searched, sorted (all pages)."""
        table = self._wide
        wanted = self.search.value.strip().casefold()
        if wanted:
            table = table[table["structure"].str.casefold().str.contains(wanted, regex=False)]
        column, ascending = self.sort.value
        key = table["structure"].str.casefold() if column == "structure" else table[column]
        return table.assign(_key=key).sort_values(["_key", "structure"], ascending=[ascending, True]).drop(columns="_key")

    def _on_table(self, _change=None) -> None:
        if _change is not None:
            self._page = 0
        rows = self.rows()
        pages = max(1, -(-len(rows) // ROWS_PER_PAGE))
        self._page = min(self._page, pages - 1)
        shown = rows.iloc[self._page * ROWS_PER_PAGE:(self._page + 1) * ROWS_PER_PAGE]
        names = lever_names()
        head = tag("tr", "".join(tag("th", text(h), scope="col") for h in ("Structure", "Réseau", "Région", "Campagne", *names.values())))
        body = "".join(
            tag("tr", "".join(tag("td", text("" if pd.isna(row[c]) else str(row[c]))) for c in ("structure", "reseau", "region", "campagne"))
                + "".join(tag("td", text(percent_text(row[k])), class_="ce-num") for k in names))
            for _, row in shown.iterrows()
        )
        caption = tag("caption", text(f"{structures_text(len(rows))}" + (f" correspondant à « {self.search.value.strip()} »" if self.search.value.strip() else "")))
        self.table.value = tag("table", caption + tag("thead", head) + tag("tbody", body), class_="ce-structures")
        self.position.value = tag("span", text(f"Page {self._page + 1} / {pages}"), class_="ce-position")
        self.previous.disabled = self._page == 0
        self.next.disabled = self._page >= pages - 1
        self._shown = shown
        options = [("— choisir dans le tableau —", None)] + [(row["structure"], int(row["autodiagnostic"])) for _, row in shown.iterrows()]
        if self.pick.value not in {value for _, value in options}:
            self.detail.value = ""
        self.pick.options = options

    def _turn(self, step: int) -> None:
        self._page += step
        self._on_table()

    # ------------------------------------------------------------------ one structure

    def _on_pick(self, change) -> None:
        if change["new"] is None:
            self.detail.value = ""
            return
        self.detail.value = self.structure_detail(int(change["new"]))

    def structure_detail(self, autodiagnostic: int) -> str:
        """One structure of the current view against its peers: the whole network (each
        structure once, the chosen campaign) and its own réseau in it."""
        view = self.peers()  # the current view is a part of it: the same identifiers
        mine = view.structures.set_index("autodiagnostic").loc[autodiagnostic]
        diagnostic = view.diagnostic(autodiagnostic)
        distribution = lever_distribution(view.scores).set_index("levier")
        levers = [lever.key for lever in load_catalogue().levers]
        band = tuple(list(distribution.loc[levers, column]) for column in ("q1", "mediane", "q3"))
        radar = tag("div", radar_svg(score(diagnostic), band=band), class_="ce-radar", role="img", aria_label=text(
            f"Radar de {diagnostic.structure} sur la bande des quartiles du réseau entier (médiane en pointillés)"))
        standing = peer_standing(view.scores, autodiagnostic)
        names = lever_names()
        reseau = mine["reseau"] if pd.notna(mine["reseau"]) else None
        lines = []
        for row in standing.itertuples():
            place = "au-dessus de" if row.pourcentage > row.mediane_ensemble else ("au niveau de" if row.pourcentage == row.mediane_ensemble else "en dessous de")
            where = (f"{names[row.levier]} {percent_text(row.pourcentage)} : {place} la médiane de l'ensemble "
                     f"({percent_text(row.mediane_ensemble)}, rang centile {int(row.percentile_ensemble + 0.5)})")
            if reseau and row.structures_reseau > 1:
                own = "au-dessus de" if row.pourcentage > row.mediane_reseau else ("au niveau de" if row.pourcentage == row.mediane_reseau else "en dessous de")
                where += f", {own} celle du réseau {reseau} ({percent_text(row.mediane_reseau)}, rang centile {int(row.percentile_reseau + 0.5)})"
            lines.append(tag("li", text(where)))
        standing_html = tag("ul", "".join(lines))
        weakest = weakest_practices(view.answers, autodiagnostic, view.answers).head(8)
        titles = {p.number: p.title for p in load_catalogue().practices}
        weak_html = tag("ol", "".join(
            tag("li", text(f"Bonne pratique n° {int(r.pratique)} (question {int(r.question)}) : {titles[int(r.pratique)]} — "
                           f"{thousands(int(r.pairs_appliquant))} de ses {thousands(int(r.pairs))} pairs l'appliquent ({percent_text(r.taux_pairs)})."))
            for r in weakest.itertuples()
        ))
        situation = [str(mine[key]) for key in ("reseau", "region") if pd.notna(mine[key])]
        situation += [f"campagne {mine['campagne']}"] if pd.notna(mine["campagne"]) else []
        return tag("section",
                   tag("h3", text(diagnostic.structure))
                   + tag("p", text(" · ".join(situation)), class_="ce-meta")
                   + tag("div", radar + tag("div", standing_html), class_="ce-detail")
                   + self._progress_html(diagnostic.structure)
                   + tag("h4", "Pratiques qu'elle n'applique pas encore, les plus répandues chez ses pairs d'abord")
                   + weak_html,
                   class_="ce-structure")

    def _progress_html(self, name: str) -> str:
        history = campaigns_of(self.network.structures, name)
        if len(history) < 2:
            return tag("p", text("Un seul autodiagnostic de cette structure : pas encore d'évolution à montrer."), class_="ce-meta")
        before, after = (int(v) for v in history["autodiagnostic"].iloc[-2:])
        levers, practices = progress(self.network.scores, self.network.answers, before, after)
        names = lever_names()
        campaigns = [str(history["campagne"].iloc[i]) for i in (-2, -1)]
        rows = "".join(
            tag("tr", tag("td", text(names[r.levier])) + tag("td", text(percent_text(r.avant)), class_="ce-num")
                + tag("td", text(percent_text(r.apres)), class_="ce-num")
                + tag("td", text(f"{'+' if r.evolution > 0 else ''}{int(round(r.evolution))} points"), class_="ce-num"))
            for r in levers.itertuples()
        )
        head = tag("tr", "".join(tag("th", text(h), scope="col") for h in ("Levier", campaigns[0], campaigns[1], "Évolution")))
        adopted = [int(p) for p in practices.loc[practices["changement"] == "adoptée", "pratique"]]
        dropped = [int(p) for p in practices.loc[practices["changement"] == "abandonnée", "pratique"]]
        changes = text(
            f"Pratiques adoptées : {', '.join(f'n° {p}' for p in adopted) or 'aucune'} ; "
            f"abandonnées : {', '.join(f'n° {p}' for p in dropped) or 'aucune'}."
        )
        return (tag("h4", text(f"Évolution depuis la campagne {campaigns[0]}"))
                + tag("table", tag("thead", head) + tag("tbody", rows), class_="ce-progress") + tag("p", changes))

    # ------------------------------------------------------------------ downloads

    def table_for_download(self, name: str) -> pd.DataFrame:
        tables = {"structures": self.rows, "adoption": lambda: self._adoption, "leviers": lambda: self._distribution,
                  "actions": lambda: self._actions, "suivi": lambda: self._followup, "retards": lambda: self._late}
        return tables[name]()

    def _prepare(self, kind: str) -> None:
        try:
            if kind == "csv":
                from contacts_lib.formats.csv_format import frame_csv_bytes

                content = frame_csv_bytes(self.table_for_download(self.download_choice.value))
                file_name, mime = f"reseau-{self.download_choice.value}.csv", "text/csv"
            else:
                content = self._workbook()
                file_name, mime = "reseau-tableaux.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        except (InputError, OSError, ValueError) as error:
            self.download_link.value = tag("p", text(f"Téléchargement impossible : {error}"), class_="ce-problem", role="alert")
            return
        self.download_link.value = tag("p", download_link(f"Enregistrer {file_name}", content, file_name, mime), role="status")

    def _workbook(self) -> bytes:
        from openpyxl import Workbook

        workbook = Workbook()
        workbook.remove(workbook.active)
        for name, title in DOWNLOADS.items():
            sheet = workbook.create_sheet(title)
            frame = self.table_for_download(name)
            sheet.append(list(frame.columns))
            for row in frame.itertuples(index=False):
                cells = [None if v is None or (not isinstance(v, (str, dt.date)) and pd.isna(v))
                         else (v.item() if hasattr(v, "item") else v) for v in row]
                sheet.append(cells)
                for cell in sheet[sheet.max_row]:
                    if isinstance(cell.value, str):
                        cell.data_type = "s"  # text stays text, never a formula
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


class _Arrival(anywidget.AnyWidget):
    """Says when a visitor's browser shows the page: Voilà runs the page in advance, in a
    kernel kept ready, and a store may have received versions meanwhile."""

    _esm = "export default { render({ model }) { model.send({ type: 'shown' }); } };"


def _store_stamp() -> tuple[int, int] | None:
    from contacts_lib.store import Store, base_exists, configured_base

    base = configured_base()
    try:
        if base is not None and not base_exists(base):
            return 0, 0
        with Store(base, read_only=True) as store:
            return store.stamp()
    except InputError:
        return None


def network_page() -> PageWithKernel:
    """What ``notebooks/reseau.ipynb`` displays. On a store, the page is read again when its
    visitor arrives if versions were saved since it was prepared."""
    try:
        source = page_source()
    except InputError as error:
        return PageWithKernel(widgets.HTML(
            tag("p", text(f"Les données du réseau n'ont pas pu être lues : {error}"), class_="ce-problem", role="alert")
        ))
    page = widgets.VBox([NetworkPage(source).widget])
    if source.stamp is not None:
        arrival = _Arrival()

        def on_shown(_widget, message, _buffers) -> None:
            nonlocal source
            if message.get("type") != "shown" or _store_stamp() in (None, source.stamp):
                return
            try:
                source = page_source()
            except InputError:
                return  # the page already shown stays
            page.children = (NetworkPage(source).widget, arrival)

        arrival.on_msg(on_shown)
        page.children = (*page.children, arrival)
    return PageWithKernel(page)


__all__ = ["NETWORK_VARIABLE", "NetworkPage", "network_page", "page_source", "thousands"]
