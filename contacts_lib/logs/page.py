"""The réitération page (``notebooks/reiteration.ipynb``): a contact log's repeats, with no
Python to write.

A window slider (7, 15, 30 days or any number), the rate over the whole log against the
recueil's 40 %, the breakdown by canal, motif, structure or month (bars and a table, CSV to
download), the paths between channels, and what the practices go with across the network
(an association, not a cause). Data: the log named by ``CONTACTS_EFFICACES_JOURNAL`` (a file
or a folder of .csv/.parquet), else a synthetic log of the synthetic network, said on the
page. The analyses are those of :mod:`contacts_lib.logs.reiteration`; this module lays them out.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import ipywidgets as widgets
import pandas as pd

from contacts_lib.formats.files import shown_path
from contacts_lib.logs.figures import (
    RECUEIL_REFERENCE,
    association_svg,
    paths_svg,
    rate_bars_svg,
    rate_text,
)
from contacts_lib.logs.log_format import ContactLog, load_log, shown_canal
from contacts_lib.logs.practices import association_text, practice_association
from contacts_lib.logs.reiteration import keep_flags, reiteration_by, reiteration_paths
from contacts_lib.messages import (
    InputError,
    agreed,
    plural,
    server_log,
    thousands,
    without_path,
)
from contacts_lib.web.html import PageWithKernel, download_link, page_styles, tag, text

LOG_VARIABLE = "CONTACTS_EFFICACES_JOURNAL"
#: Contacts of the synthetic log shown when no log is named.
SAMPLE_CONTACTS = 200_000
#: Bars shown at most (structures: the highest rates).
MAX_BARS = 25
BREAKDOWN_LABELS = {"canal": "Canal", "motif": "Motif", "structure": "Structure", "mois": "Mois"}


@dataclass
class LogSource:
    """The log the page shows, the network whose practices it is compared with, and what the
    page says about them."""

    log: ContactLog
    description: str
    synthetic: bool
    #: Each structure's latest autodiagnostic.
    diagnostics: tuple

    @cached_property
    def answers(self) -> pd.DataFrame:
        """The tidy answers of :attr:`diagnostics` (what :func:`practice_association` reads)."""
        from contacts_lib.network.tables import answers_frame

        return answers_frame(self.diagnostics)


def practices_network():
    """The autodiagnostics the practices are read from: the network page's source (store,
    ``CONTACTS_EFFICACES_RESEAU`` or the synthetic network); None when they cannot be read (the
    page then shows the log without the practices)."""
    from contacts_lib.network.page import page_source

    try:
        return page_source()
    except InputError:
        return None


def within_perimeter(log: ContactLog, network) -> ContactLog:
    """The log's contacts with the structures of ``network`` (the page's source, already within
    the signed-in person's perimeter) when that person does not see everything."""
    from contacts_lib.access import visitor
    from contacts_lib.autodiagnostic.answers import structure_key

    person = visitor()
    if person is not None and person.sees_everything:
        return log
    keys = {structure_key(d.structure) for d in network.network.diagnostics} if network is not None and person else set()
    present = [row[0] for row in log.connection.execute("SELECT DISTINCT structure::VARCHAR FROM contacts").fetchall()]
    kept = [name for name in present if name is not None and structure_key(name) in keys]
    log.connection.execute("DELETE FROM contacts WHERE structure::VARCHAR NOT IN (SELECT unnest(?::VARCHAR[]))", [kept])
    rows = log.connection.execute("SELECT count(*) FROM contacts").fetchone()[0]
    # the lines left aside are the whole log's: not this person's to count
    return dataclasses.replace(log, rows=rows, skipped=0, problems=[])


def read_log(network, progress: Callable[[float], None] | None = None) -> LogSource:
    """The log of ``CONTACTS_EFFICACES_JOURNAL``, else the synthetic log of the synthetic
    network; ``network``: what :func:`practices_network` gave; ``progress``: see :func:`load_log`.
    On a server with sign-in, only the contacts of the structures of the visitor's perimeter."""
    diagnostics = network.network.latest().diagnostics if network is not None else ()
    practices = network.description if network is not None else "autodiagnostics du réseau illisibles"
    named = os.environ.get(LOG_VARIABLE, "").strip()
    if named:
        path = Path(named)
        files = sorted(p for p in path.rglob("*") if p.suffix.casefold() in (".csv", ".parquet")) if path.is_dir() else [path]
        words = "le dossier du journal" if path.is_dir() else path.name
        try:
            if not files:
                raise InputError(f"{shown_path(named)} : aucun fichier .csv ou .parquet dans ce dossier.")
            log = within_perimeter(load_log(files, skip_bad_rows=True, progress=progress), network)
        except InputError as error:  # said on the page without the server's paths, whole in its log
            server_log(f"journal de contacts : {error}")
            raise InputError(without_path(str(error), path, words)) from None
        skipped = f" ; {plural(log.skipped, 'ligne illisible', 'lignes illisibles')} {agreed(log.skipped, 'écartée')}" if log.skipped else ""
        where = f"dossier du journal, {plural(len(files), 'fichier')}" if path.is_dir() else "journal de contacts du serveur"
        return LogSource(log, f"{where} ({plural(log.rows, 'contact')}{skipped}) ; pratiques : {practices}",
                         False, diagnostics)
    from contacts_lib.logs.sample import write_sample_log

    if network is None or not network.synthetic:  # the synthetic log is the synthetic network's
        from contacts_lib.network import Network, sample_network

        sample = sample_network()
        diagnostics = Network(tuple(sample), ("",) * len(sample)).latest().diagnostics
    with tempfile.TemporaryDirectory(prefix="contacts-efficaces-") as folder:
        path = write_sample_log(Path(folder) / "journal.parquet", list(diagnostics), SAMPLE_CONTACTS)
        log = within_perimeter(load_log(path, progress=progress), network)
    return LogSource(log, f"journal synthétique de {thousands(log.rows)} contacts (usagers fictifs) des structures fictives "
                     "du réseau synthétique ; le journal d'un réseau s'y substitue quand l'application est lancée avec lui "
                     "(voir le guide d'installation)", True, diagnostics)


def log_source(progress: Callable[[float], None] | None = None) -> LogSource:
    """:func:`read_log` of :func:`practices_network`: the page's data in one call."""
    return read_log(practices_network(), progress)


class ReiterationPage:
    """The page's widgets and what they do; ``widget`` is what the notebook displays."""

    def __init__(self, source: LogSource) -> None:
        self.source = source
        self.window = widgets.IntSlider(value=15, min=1, max=60, description="Fenêtre (jours)", continuous_update=False,
                                        style={"description_width": "initial"}, layout={"width": "420px"})
        self.presets = widgets.ToggleButtons(options=[("7 jours", 7), ("15 jours", 15), ("30 jours", 30)], value=15,
                                             style={"button_width": "6em"})
        self.by = widgets.Dropdown(description="Répartir par", options=[(label, key) for key, label in BREAKDOWN_LABELS.items()],
                                   style={"description_width": "initial"})
        self.headline = widgets.HTML()
        self.bars = widgets.HTML()
        self.table = widgets.HTML()
        self.download = widgets.HTML()
        self.paths = widgets.HTML()
        self.practices = widgets.HTML()
        self.window.observe(self._on_window, names="value")
        self.presets.observe(lambda change: setattr(self.window, "value", change["new"]) if change["new"] else None, names="value")
        self.by.observe(lambda _: self._refresh_breakdown(), names="value")
        self.widget = self._layout()
        self._refresh()

    def _layout(self) -> widgets.Widget:
        style = widgets.HTML(f"<style>{page_styles('widget-page.css')}</style>")
        intro = widgets.HTML(tag("p", text(f"Données : {self.source.description}."),
                                 class_="ce-source" + (" ce-synthetic" if self.source.synthetic else "")))
        rule = widgets.HTML(tag("p", text(
            "Un contact est une réitération quand la même personne a déjà contacté la même structure pour le même motif "
            "au plus N jours plus tôt (exactement N jours compte). Taux = réitérations ÷ contacts. Les identifiants des "
            "usagers sont pseudonymisés à la lecture et ne sont jamais affichés."), class_="ce-meta"))
        return widgets.VBox([
            style, intro, rule, widgets.HBox([self.window, self.presets], layout={"flex_flow": "row wrap", "align_items": "center"}),
            self.headline,
            widgets.HTML(tag("h2", "Répartition")), self.by, self.bars, self.table, self.download,
            widgets.HTML(tag("h2", "Par quel canal les usagers reviennent-ils ?")), self.paths,
            widgets.HTML(tag("h2", "Les pratiques et la réitération")), self.practices,
        ], layout={"max_width": "1100px"})

    # ------------------------------------------------------------------ updates

    def _on_window(self, change) -> None:
        if self.presets.value != change["new"]:
            self.presets.value = change["new"] if change["new"] in (7, 15, 30) else None
        self._refresh()

    def _refresh(self) -> None:
        days = self.window.value
        keep_flags(self.source.log, days)  # one window computation for everything below
        total = reiteration_by(self.source.log, "mois", days).iloc[-1]
        figures = [
            (rate_text(total["taux"]), f"des contacts sont des réitérations (fenêtre de {plural(days, 'jour')})"),
            (thousands(int(total["reiterations"])), "réitérations"),
            (thousands(int(total["contacts"])), "contacts"),
        ]
        cards = "".join(tag("div", tag("strong", text(value)) + tag("span", text(label)), class_="ce-figure") for value, label in figures)
        compared = ("au-dessus" if total["taux"] > RECUEIL_REFERENCE else "en dessous")
        self.headline.value = tag("div", cards, class_="ce-figures", role="status", aria_live="polite") + tag("p", text(
            f"Le recueil cite jusqu'à {int(RECUEIL_REFERENCE)} % de réitération dans certains services : ce journal est {compared}."))
        self._refresh_breakdown()
        self.paths.value = tag("div", paths_svg(reiteration_paths(self.source.log, days)), class_="ce-svg")
        self.practices.value = self._practices_html(days)

    def breakdown(self):
        return reiteration_by(self.source.log, self.by.value, self.window.value)

    def _refresh_breakdown(self) -> None:
        by = self.by.value
        frame = self.breakdown()
        shown = frame
        note = ""
        if len(frame) - 1 > MAX_BARS:
            highest = frame.iloc[:-1].sort_values(["taux", by], ascending=[False, True]).head(MAX_BARS)
            shown = pd.concat([highest, frame.iloc[-1:]])
            note = tag("p", text(f"Les {MAX_BARS} plus forts taux sur {thousands(len(frame) - 1)} ; tous sont dans le tableau."), class_="ce-meta")
        self.bars.value = tag("div", rate_bars_svg(shown, by), class_="ce-svg") + note
        head = tag("tr", "".join(tag("th", text(h), scope="col") for h in (BREAKDOWN_LABELS[by], "Contacts", "Réitérations", "Taux")))
        def line(row, total: bool = False) -> str:
            name = "Ensemble" if total else (shown_canal(str(row[by])) if by == "canal" else str(row[by]))
            return tag("tr", tag("th" if total else "td", text(name), scope="row" if total else None)
                       + tag("td", text(thousands(int(row["contacts"]))), class_="ce-num")
                       + tag("td", text(thousands(int(row["reiterations"]))), class_="ce-num")
                       + tag("td", text(rate_text(row["taux"])), class_="ce-num"), class_="ce-total" if total else None)

        rows = frame.to_dict("records")
        # The total first, in the table's head: in view whatever the table's length, never in a scroll box.
        self.table.value = tag("table", tag("thead", head + line(rows[-1], total=True))
                               + tag("tbody", "".join(line(row) for row in rows[:-1])), class_="ce-structures ce-breakdown")
        from contacts_lib.formats.csv_format import frame_csv_bytes

        name = f"reiteration-{self.window.value}-jours-par-{by}.csv"
        self.download.value = tag("p", download_link(f"Télécharger le tableau (CSV) : {name}", frame_csv_bytes(frame), name,
                                                     "text/csv", class_="ce-download"))

    def _practices_html(self, days: int) -> str:
        frame = practice_association(reiteration_by(self.source.log, "structure", days), self.source.answers)
        return association_html(frame, "son taux sur ses contacts du journal",
                                "Aucune structure du journal n'a d'autodiagnostic connu : comparaison impossible.")


def association_html(frame, measured: str, empty: str, unit: str = "%", gap_unit: str | None = None, decimals: int = 1,
                     title: str | None = None) -> str:
    """A comparison of :func:`practices.practice_association` as a page shows it: how each
    structure counts (``measured``), the figure, and each practice in words, as an association;
    ``empty`` when no structure can be compared."""
    rows = frame.to_dict("records")
    if not any(r["structures"] for r in rows):
        return tag("p", text(empty), class_="ce-meta")
    texts = "".join(
        tag("li", tag("strong", text(f"Question {applies['question']} — {applies['intitule']} : "))
            + text(association_text(applies, lacks, unit, gap_unit, decimals)))
        for applies, lacks in zip(rows[::2], rows[1::2], strict=True)
    )
    warning = tag("p", text(
        f"Chaque structure compte une fois ({measured}, son dernier autodiagnostic). Une différence entre les groupes est "
        "une association : les structures qui appliquent une pratique peuvent différer des autres de bien d'autres façons."),
        class_="ce-meta")
    figure = association_svg(frame, unit=unit, decimals=decimals, **({"title": title} if title else {}))
    return warning + tag("div", figure, class_="ce-svg") + tag("ul", texts)


def _problem(error: InputError) -> widgets.Widget:
    return widgets.HTML(tag("p", text(f"Le journal de contacts n'a pas pu être lu : {error}"), class_="ce-problem", role="alert"))


def reiteration_page(source: LogSource | InputError | None = None) -> PageWithKernel:
    """The page of a log already read (``source``: what :func:`read_log` gave, or the error it
    raised; read here if not given)."""
    if source is None:
        source = read_log_or_error(practices_network())
    if isinstance(source, InputError):
        return PageWithKernel(_problem(source))
    return PageWithKernel(ReiterationPage(source).widget)


def read_log_or_error(network, progress: Callable[[float], None] | None = None) -> LogSource | InputError:
    """:func:`read_log`, its error kept for the page to say (a notebook cell never fails)."""
    try:
        return read_log(network, progress)
    except InputError as error:
        return error


class ReadingPage:
    """What ``notebooks/reiteration.ipynb`` displays: the page shows at once with the reading's
    progress (« Lecture et pseudonymisation du journal de contacts : 42 % », a bar), the log is
    read in a thread meanwhile, and the page of the log then takes the progress' place (or what
    went wrong, in French). The widgets are only touched by the kernel's own thread: the reading
    thread leaves its share in ``share``, read every :data:`REFRESH` seconds."""

    REFRESH = 0.25

    def __init__(self, network) -> None:
        self.network = network
        self.share: float | None = None
        self.status = widgets.HTML(self._status_html("Préparation du journal de contacts…"))
        self.bar = widgets.FloatProgress(value=0, min=0, max=1, layout={"width": "420px"})
        self.widget = widgets.VBox([widgets.HTML(f"<style>{page_styles('widget-page.css')}</style>"), self.status, self.bar],
                                   layout={"max_width": "1100px"})
        self.task = None

    @staticmethod
    def _status_html(words: str) -> str:
        return tag("p", text(words), class_="ce-meta ce-loading", role="status", aria_live="polite")

    def start(self) -> PageWithKernel:
        """Start reading on the kernel's event loop (the notebook's cell then ends, and the page shows)."""
        import asyncio

        self.task = asyncio.ensure_future(self.read())
        return PageWithKernel(self.widget)

    def _report(self, share: float) -> None:  # called by the reading thread
        self.share = share

    async def read(self) -> None:
        import asyncio
        import functools

        loop = asyncio.get_running_loop()
        reading = loop.run_in_executor(None, functools.partial(read_log_or_error, self.network, self._report))
        while not reading.done():
            share = self.share
            if share is not None:
                self.bar.value = share
                self.status.value = self._status_html(
                    f"Lecture et pseudonymisation du journal de contacts : {share:.0%}".replace("%", "\u00a0%"))
            await asyncio.wait([reading], timeout=self.REFRESH)
        try:
            source = reading.result()
            self.bar.value = 1
            self.status.value = self._status_html("Calcul de la réitération…")
            await asyncio.sleep(0)
            content = _problem(source) if isinstance(source, InputError) else ReiterationPage(source).widget
        except Exception:  # noqa: BLE001 - the visitor gets a sentence, the server's log the details
            import sys
            import traceback

            traceback.print_exc(file=sys.__stderr__)
            content = _problem(InputError("erreur inattendue pendant la lecture ; réessayez, ou signalez-la."))
        self.widget.children = (self.widget.children[0], content)


def reading_page(network) -> PageWithKernel:
    """:class:`ReadingPage` started: what the notebook's last cell displays."""
    return ReadingPage(network).start()
