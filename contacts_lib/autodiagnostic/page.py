"""The autodiagnostic app: one widget holding the questionnaire, live results, radar, action plan,
import and export.

Displaying the app puts two outputs in the notebook: the page as HTML (``contacts_lib.autodiagnostic.markup``), which
Voilà shows at once with its radar, and the widget (``static/autodiagnostic.js``), which binds to
that page when it connects to the kernel. All the rules stay here in Python: the browser only
sends what the person typed or clicked, and shows what this class computes. pytest drives it by
setting ``header`` and ``answers`` and by calling :meth:`import_file`, :meth:`pick` and
:meth:`export`, as the browser does.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import threading
from pathlib import Path

import anywidget
import plotly.graph_objects as go
import traitlets

from contacts_lib.access import CODE_COLUMN, EVERYONE, ROLES, signed_in_mode, visitor
from contacts_lib.autodiagnostic.action_plan import action_plan
from contacts_lib.autodiagnostic.answers import (
    HEADER_FIELDS,
    NO,
    YES,
    Autodiagnostic,
    build_autodiagnostic,
    parse_header_value,
    structure_key,
)
from contacts_lib.autodiagnostic.contract import (
    PLOTLY_BUNDLE,
    STATIC,
    TEXTS,
    UPLOAD_LIMIT_BYTES,
    megabytes,
)
from contacts_lib.autodiagnostic.figures import radar_figure, radar_summary, radar_svg
from contacts_lib.autodiagnostic.followup import (
    NOTE_SUFFIXES,
    Action,
    form_action,
    is_form_notes,
    is_form_plan,
    parse_action,
    parse_notes,
    parse_plan,
)
from contacts_lib.autodiagnostic.markup import (
    EXPORTS,
    app_markup,
    contract_for_page,
    followup_markup,
    form_values,
    plan_markup,
    progress_text,
    unanswered_text,
)
from contacts_lib.autodiagnostic.reference import QUESTION_COUNT, load_catalogue
from contacts_lib.autodiagnostic.report import report_html, summary_html
from contacts_lib.autodiagnostic.scoring import (
    Scores,
    format_percent,
    lever_names,
    rounded_percent,
    score,
    score_answers,
)
from contacts_lib.formats import dumps_json, parse_file, workbook_bytes, worked_example
from contacts_lib.formats.files import file_name_for
from contacts_lib.messages import InputError, agreed, server_log, without_path
from contacts_lib.store import (
    STORE_NAME,
    SaveRefused,
    Store,
    Version,
    base_exists,
    configured_base,
    shown_base,
)
from contacts_lib.web.html import display_first_paint, french_text
from contacts_lib.web.server import NETWORK_VARIABLE


#: How the page names an action's fields in its messages.
_ACTION_LABELS = {"etapes": "modalités pratiques", "qui": "qui", "quand": "quand", "statut": "statut",
                  "gain": "gain attendu", "effort": "effort"}


def _place_in_form(key: str) -> str:
    """Where a value sits in the form, for messages: « Champ Nom de la structure »."""
    labels = {spec.key: spec.label for spec in HEADER_FIELDS}
    return f"Champ « {labels[key]} »" if key in labels else f"Question {int(key[1:])}"


class AutodiagnosticApp(anywidget.AnyWidget):
    """The questionnaire and its results, kept in step with every answer."""

    _esm = STATIC / "autodiagnostic.js"
    _dom_id = traitlets.Unicode().tag(sync=True)
    _contract = traitlets.Dict().tag(sync=True)

    header = traitlets.Dict().tag(sync=True)
    answers = traitlets.List(traitlets.Unicode(), default_value=[""] * QUESTION_COUNT).tag(sync=True)

    #: The comments and evidence per question: ``{"comments": {"7": "…"}, "evidence": {…}}`` (texts as typed).
    notes = traitlets.Dict(default_value={"comments": {}, "evidence": {}}).tag(sync=True)
    #: The plan d'actions as typed: one ``{"pratique": "12", "etapes": "…", "qui", "quand", "statut", "gain", "effort"}`` per action.
    plan = traitlets.List(traitlets.Dict()).tag(sync=True)

    results = traitlets.Dict().tag(sync=True)
    plan_html = traitlets.Unicode().tag(sync=True)
    #: What the page says of the plan (applied, late, changes since the previous version), and each action's error.
    followup_html = traitlets.Unicode().tag(sync=True)
    plan_errors = traitlets.Dict().tag(sync=True)
    field_errors = traitlets.Dict().tag(sync=True)
    notice = traitlets.Dict().tag(sync=True)
    choices = traitlets.List(traitlets.Unicode()).tag(sync=True)
    #: The structure's saved versions, newest first: ``{"id", "label"}`` (a store is configured).
    versions = traitlets.List(traitlets.Dict()).tag(sync=True)
    #: On a server with sign-in: who is signed in (``text``) and the structures offered (``offered``).
    visitor = traitlets.Dict().tag(sync=True)

    def __init__(self, autodiagnostic: Autodiagnostic | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self._dom_id = f"ce-{secrets.token_hex(4)}"
        self._contract = contract_for_page()
        self._notices = 0
        self._extra: dict[str, str] = {}
        self._imported: list[Autodiagnostic] = []
        self.figure = go.Figure()
        self._revision = 0
        self._comparison = None
        self._refreshing = threading.Lock()
        #: The store « Enregistrer » adds to (``CONTACTS_EFFICACES_BASE``), None: no store.
        self.store_path = configured_base()
        self._history: list[Version] = []  # the structure's versions, oldest first
        self._history_key: str | None = None
        self._pending_version: int | None = None
        self._carried: list[dict[str, str]] | None = None  # the plan taken from the structure's last version
        if autodiagnostic is not None:
            self.load(autodiagnostic)
        else:
            self.header = {spec.key: "" for spec in HEADER_FIELDS}
        self._refresh()
        self.on_msg(self._on_message)
        if os.environ.get(NETWORK_VARIABLE, "").strip():
            # The network is read beside the page, never before it: the first paint does not wait
            # (in Voilà's preheated kernels it is read before the visitor even arrives).
            threading.Thread(target=self._compare_with_network, name="network", daemon=True).start()

    def _compare_with_network(self) -> None:
        from contacts_lib.network.comparison import comparison_from_environment

        comparison = comparison_from_environment()
        if comparison is not None:
            self._comparison = comparison
            self._refresh()

    def page_html(self) -> str:
        """The app's page as it stands, to show before the widget connects.

        Its radar is an SVG image; plotly.js draws the live radar once the widget is connected (the
        page loads it from the server's static files in Voilà, elsewhere the kernel sends it).
        """
        radar = radar_svg(score_answers(self._parsed_answers()))
        return app_markup(
            self._dom_id, self.header, self.answers, self.results, self.plan_html, self.field_errors,
            radar, example=worked_example(), versions=self.versions if self.store_path is not None else None,
            notes=self.notes, plan=self.plan, followup_html=self.followup_html,
        )

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display_first_paint(self.page_html())
        bundle = self._repr_mimebundle_()
        data, metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
        display(data, metadata=metadata, raw=True)

    # ------------------------------------------------------------------ state

    def load(self, autodiagnostic: Autodiagnostic) -> None:
        """Fill the form with an autodiagnostic (replaces what it held)."""
        self._extra = dict(autodiagnostic.extra)
        self._carried = None
        values = form_values(autodiagnostic)
        with self.hold_sync():
            self.header = values["header"]
            self.answers = values["answers"]
            self.notes = values["notes"]
            self.plan = values["plan"]

    def reset(self) -> None:
        """Empty the form (« Recommencer à zéro »)."""
        self._extra = {}
        self._carried = None
        self._imported, self.choices = [], []
        with self.hold_sync():
            self.header = {spec.key: "" for spec in HEADER_FIELDS}
            self.answers = [""] * QUESTION_COUNT
            self.notes = {"comments": {}, "evidence": {}}
            self.plan = []

    def say(self, place: str, kind: str, message: str, field: str | None = None) -> None:
        """Show a message beside the control that caused it (``place``: "import" or "export");
        ``field`` is a header field to mark and focus."""
        self._notices += 1  # the same message twice is shown (and read out) twice
        self.notice = {"place": place, "kind": kind, "text": french_text(message), "field": field, "n": self._notices}

    def _parsed_answers(self) -> tuple[bool | None, ...]:
        return tuple({YES: True, NO: False}.get(a) for a in self.answers)

    def current(self) -> Autodiagnostic:
        """The autodiagnostic in the form; :class:`InputError` if a field is invalid or the name empty."""
        answers = {n: value for n, value in enumerate(self.answers, start=1)}
        return build_autodiagnostic(self.header, answers, _place_in_form, self._extra, self._followup())

    def _followup(self) -> dict[str, object]:
        """The comments, evidence and plan of the form, checked (:class:`InputError` naming the
        question or the action and the value)."""
        notes = {
            kind: parse_notes({int(n): v for n, v in self.notes.get(kind, {}).items()},
                              lambda n, kind=kind: f"Question {n}, {NOTE_SUFFIXES[kind]}", NOTE_SUFFIXES[kind])
            for kind in NOTE_SUFFIXES
        }
        plan = parse_plan(self.plan, lambda index, key: self._action_place(index, key))
        return {**notes, "plan": plan}

    def _action_place(self, index: int, key: str) -> str:
        number = self.plan[index].get("pratique", "?") if index < len(self.plan) else "?"
        return f"Plan d'actions, bonne pratique n° {number}" + ("" if key == "pratique" else f", « {_ACTION_LABELS.get(key, key)} »")

    def _plan_errors(self) -> dict[str, str]:
        """Each action's first error, by practice number (shown in the action's box)."""
        errors = {}
        for index, action in enumerate(self.plan):
            try:
                parse_action(action, lambda key, index=index: self._action_place(index, key))
            except InputError as error:
                errors[str(action.get("pratique", ""))] = french_text(str(error).split(" : ", 1)[-1])
        return errors

    def _valid_plan(self) -> tuple[Action, ...]:
        """The actions of the form that read well (the follow-up shows them while others are being typed)."""
        actions = []
        for action in self.plan:
            try:
                actions.append(parse_action(action, lambda key: key))
            except InputError:
                continue
        return tuple(sorted({a.pratique: a for a in actions}.values(), key=lambda a: a.pratique))

    @traitlets.validate("answers")
    def _valid_answers(self, proposal):
        value = list(proposal["value"])
        if len(value) != QUESTION_COUNT or any(a not in (YES, NO, "") for a in value):
            raise traitlets.TraitError(f"answers must be {QUESTION_COUNT} of 'OUI', 'NON' or ''")
        return value

    @traitlets.validate("notes")
    def _valid_notes(self, proposal):
        if not is_form_notes(proposal["value"]):
            raise traitlets.TraitError("notes must be {'comments': {'7': text}, 'evidence': {...}}")
        return proposal["value"]

    @traitlets.validate("plan")
    def _valid_form_plan(self, proposal):
        if not is_form_plan(proposal["value"]):
            raise traitlets.TraitError("plan must be a list of actions of texts")
        return proposal["value"]

    @traitlets.observe("notes", "plan")
    def _on_followup(self, change) -> None:
        self._pending_version = None
        self._refresh()

    @traitlets.observe("answers")
    def _on_answers(self, change) -> None:
        self._pending_version = None  # a version is replaced over changes only when asked right after
        self._refresh()

    @traitlets.observe("header")
    def _on_header(self, change) -> None:
        if self.store_path is not None and change["old"].get("structure") != change["new"].get("structure"):
            self._read_history()
            self._refresh()  # the previous version drawn is the structure's
        elif self._comparison is not None and change["old"].get("reseau") != change["new"].get("reseau"):
            self._refresh()  # the peers follow the réseau typed
        else:
            self.field_errors = self._field_errors()

    def _refresh(self) -> None:
        with self._refreshing:  # the network may arrive from its thread while a click is handled
            answers = self._parsed_answers()
            scores = score_answers(answers)
            self._revision += 1
            person = visitor() if self._comparison else None
            reseau = person.peers_reseau(self.header.get("reseau", "").strip() or None) if person is not None else None
            peers = self._comparison.peers(reseau) if self._comparison else None
            before = self._previous_version()
            previous = (score(before.autodiagnostic), self._version_name(before)) if before else None
            self.figure = radar_figure(scores, band=peers.band() if peers else None, band_name=peers.name if peers else "",
                                       previous=previous)
            with self.hold_sync():
                self.results = self._results(scores, peers, previous)
                self.plan_html = plan_markup(action_plan(answers), add=True)
                self.field_errors = self._field_errors()
                self.plan_errors = self._plan_errors()
                self.followup_html = followup_markup(
                    self._valid_plan(), answers, dt.date.today(), before.autodiagnostic if before else None,
                    self._version_name(before) if before else "")

    def _results(self, scores: Scores, peers=None, previous: tuple[Scores, str] | None = None) -> dict[str, object]:
        levers = load_catalogue().levers
        unanswered = scores.unanswered
        since = ""
        if previous is not None:
            names = lever_names()
            changes = []
            for key in [lever.key for lever in levers] + ["moyenne"]:
                now, then = scores.share(key), previous[0].share(key)
                difference = rounded_percent(now) - rounded_percent(then)  # as the percentages read
                if difference == 0:
                    changes.append(f"{names[key]} : sans changement ({format_percent(now)})")
                else:
                    change = f"{difference:+d}".replace("-", "−") + f" {agreed(difference, 'point')}"
                    changes.append(f"{names[key]} : {change} ({format_percent(then)} → {format_percent(now)})")
            since = (f"Depuis la {previous[1]} : " + " ; ".join(changes)
                     + ". Sur le radar, cette version est en pointillés orange.")
        standing = ""
        if peers is not None:
            names = lever_names()
            percents = {lever.key: scores.percent(lever.key) for lever in levers} | {"moyenne": scores.percent("moyenne")}
            standing = (f"Comparée {peers.against} : " + " ; ".join(peers.standing(percents, names))
                        + ". Sur le radar, la bande grise va du 1er au 3e quartile, la médiane est en pointillés.")
        return {
            "revision": self._revision,
            "levers": [
                {"key": lever.key, "name": lever.short_name, "percent": french_text(format_percent(scores.coverage[lever.key]))}
                for lever in levers
            ],
            "moyenne": french_text(format_percent(scores.moyenne)),
            "progress": progress_text(scores.answered),
            "unanswered": unanswered_text(unanswered),
            "radar_label": french_text(f"Radar de couverture : {radar_summary(scores)}"),
            "standing": french_text(standing),
            "since": french_text(since),
            "figure": self.figure.to_plotly_json(),
        }

    def _field_errors(self) -> dict[str, str]:
        errors = {}
        for spec in HEADER_FIELDS:
            where = _place_in_form(spec.key)
            try:
                parse_header_value(spec, self.header.get(spec.key, ""), where)
            except InputError as error:
                errors[spec.key] = french_text(str(error).removeprefix(f"{where} : "))
        return errors

    # ------------------------------------------------------------------ import / export

    def import_file(self, content: bytes, name: str) -> None:
        """Fill the form from a JSON, CSV or XLSX file; on error, say why and change nothing."""
        if len(content) > UPLOAD_LIMIT_BYTES:
            self.say("import", "error", TEXTS["uploadTooBig"].format(
                name=name, size=megabytes(len(content)), limit=megabytes(UPLOAD_LIMIT_BYTES)))
            return
        try:
            diagnostics = parse_file(content, name)
        except InputError as error:
            self.say("import", "error", f"Import impossible : {error}")
            return
        except Exception:  # a case the parsers did not foresee: say so, keep the form
            self.say("import", "error", f"Import impossible : {name} n'a pas pu être lu.")
            return
        if len(diagnostics) == 1:
            self._imported, self.choices = [], []
            self.load(diagnostics[0])
            self.say("import", "info", f"Formulaire rempli avec « {diagnostics[0].structure} » ({name}).")
            return
        self._imported = diagnostics
        self.choices = [d.structure for d in diagnostics]
        self.say("import", "info", f"{name} contient {len(diagnostics)} structures : choisissez celle à charger.")

    def pick(self, index: int) -> None:
        """Load one structure of the multi-structure file imported last."""
        if not 0 <= index < len(self._imported):
            self.say("import", "error", "Choix de structure invalide ; importez le fichier à nouveau.")
            return
        chosen = self._imported[index]
        self.load(chosen)
        self.say("import", "info", f"Formulaire rempli avec « {chosen.structure} ».")

    # ------------------------------------------------------------------ the store

    def _read_history(self) -> None:
        """The versions of the structure named in the form (none when no store or no name, or
        when the signed-in person may not reach that structure)."""
        name = str(self.header.get("structure", "")).strip()
        key = structure_key(name) if name else None
        self._pending_version = None
        if self.store_path is None or key is None:
            self._history, self._history_key = [], key
        elif key != self._history_key or not self._history:
            try:
                history = self._stored_history(name)
            except InputError as error:
                history = []
                self.say("save", "error", f"Versions enregistrées illisibles : {self._store_message(error)}")
            person = visitor()
            self._history = history if person is not None and person.may_reach(name, [v.autodiagnostic for v in history]) else []
            self._history_key = key
            self._carry_plan()
        self.versions = [
            {"id": v.id, "label": f"Version {v.number} · {v.saved_at_text().replace(' à ', ' ')} · moyenne "
                                  f"{format_percent(score(v.autodiagnostic).moyenne)}"
                                  + (f" · par {v.saved_by}" if v.saved_by else "")}
            for v in reversed(self._history)
        ]

    def _carry_plan(self) -> None:
        """A new version starts from the structure's plan: its actions are followed up. A plan
        taken so and not changed since goes when the name changes (it was the other structure's)."""
        if self._carried is not None and self.plan == self._carried:
            self.plan = []
        self._carried = None
        if self._history and not self.plan and self._history[-1].autodiagnostic.plan:
            latest = self._history[-1]
            self.plan = self._carried = [form_action(action) for action in latest.autodiagnostic.plan]
            self.say("save", "info", f"Plan d'actions repris de la {self._version_name(latest)} : mettez à jour "
                     "le statut de chaque action.")

    def _stored_history(self, name: str) -> list[Version]:
        """Every saved version of the structure ``name``, whoever may see them (checked by the
        caller); :class:`InputError` when they cannot be read."""
        if not base_exists(self.store_path):
            return []
        with Store(self.store_path, read_only=True) as store:
            return store.history(name)

    def _refused(self, what: str, name: str) -> None:
        """A store action outside the signed-in person's perimeter: said to them, and written to
        the server's log with who and when (never the answers)."""
        person = visitor()
        who = f"{person.identifiant} ({person.role})" if person is not None else "aucune personne connectée"
        server_log(f"{dt.datetime.now().astimezone():%Y-%m-%d %H:%M:%S%z} refus : {who} : {what} « {name} » "
                   "hors de son périmètre")
        self.say("save", "error", f"« {name} » n'est pas dans votre périmètre : {what} refusé. "
                 "Vos réponses restent dans le formulaire.")

    def learn_visitor(self) -> None:
        """On a server with sign-in, say who is signed in and offer the names of their structures."""
        person = visitor()
        if person is EVERYONE:
            return
        if person is None:
            self.visitor = {"text": "Connexion non reconnue : rechargez la page pour vous reconnecter.", "offered": []}
            return
        offered, codes = set(), set()
        try:
            if self.store_path is not None and base_exists(self.store_path):
                with Store(self.store_path, read_only=True) as store:
                    latest = store.latest()
                offered = {d.structure for d in latest if person.covers(d)}
                codes = {structure_key(d.extra[CODE_COLUMN]) for d in latest if d.extra.get(CODE_COLUMN)}
        except InputError as error:
            server_log(f"application : {error}")
        if person.role == "gestionnaire":  # their structures by name (a code is not a name to type)
            offered |= {name for name in person.spellings if structure_key(name) not in codes}
        perimeter = "toutes les structures" if person.sees_everything else person.perimeter_text()
        self.visitor = {"text": f"Connecté : {person.identifiant} ({ROLES[person.role]}) ; périmètre : {perimeter}.",
                        "offered": sorted(offered, key=structure_key)}

    def _store_message(self, error: InputError) -> str:
        """A store's message as the visitor reads it: the store named in words, its path in the
        server's log only."""
        server_log(f"application : {error}")
        where = self.store_path if isinstance(self.store_path, Path) else shown_base(self.store_path)
        return without_path(str(error), where, f"la {STORE_NAME}")

    @staticmethod
    def _version_name(version: Version) -> str:
        """« version 3 du 27/11/2026 à 15:40 »."""
        return f"version {version.number} du {version.saved_at_text()}"

    def _shown_version(self) -> int | None:
        """The position in the history of the latest version equal to the form, if any."""
        try:
            current = self.current()
        except InputError:
            return None
        for index in range(len(self._history) - 1, -1, -1):
            saved = self._history[index].autodiagnostic
            if saved.header() == current.header() and saved.answers == current.answers and (
                    saved.comments, saved.evidence, saved.plan) == (current.comments, current.evidence, current.plan):
                return index
        return None

    def _previous_version(self) -> Version | None:
        """The version the form is compared with: the one saved before the version shown, or
        the latest one when the form holds changes not saved yet."""
        if not self._history:
            return None
        shown = self._shown_version()
        if shown is None:
            return self._history[-1]
        return self._history[shown - 1] if shown > 0 else None

    def save_version(self) -> Version | None:
        """Add the form to the store as a new version of its structure; say which, or why not."""
        if self.store_path is None:
            self.say("save", "error", "Enregistrement impossible : aucune base n'est configurée pour cette application.")
            return None
        problem = self._export_problem()
        if problem is not None:
            field, message = problem
            if field == "structure" and "structure" not in self.field_errors:
                self.field_errors = {**self.field_errors, "structure": "obligatoire pour enregistrer"}
            message = message.replace("pour exporter", "pour enregistrer").replace("avant d'exporter", "avant d'enregistrer")
            self.say("save", "error", f"Enregistrement impossible : {message}",
                     field=field)
            return None
        autodiagnostic = self.current()
        person = visitor()
        if person is None:
            self._refused("enregistrement", autodiagnostic.structure)
            return None
        try:  # whose the structure is, checked in the save's transaction (writers in turn)
            with Store(self.store_path, wait_seconds=10) as store:
                saved = store.save([autodiagnostic], source="application", saved_by=person.identifiant or None,
                                   allowed=None if person.sees_everything else person.may_save)[0]
        except SaveRefused:
            self._refused("enregistrement", autodiagnostic.structure)
            return None
        except InputError as error:
            self.say("save", "error", f"Enregistrement impossible : {self._store_message(error)} Vos réponses restent dans le formulaire.")
            return None
        self._history_key = None  # read again: other people may have saved versions meanwhile
        self._carried = None  # the plan is this version's own now
        self._read_history()
        self._refresh()
        self.say("save", "info", f"« {saved.autodiagnostic.structure} » : {self._version_name(saved)} enregistrée dans la base.")
        self.send({"type": "saved"})
        return saved

    def load_version(self, version_id: int) -> None:
        """Fill the form with a saved version; the form's unsaved changes are replaced only when
        asked twice (the first time, the page says what would be lost)."""
        chosen = next((v for v in self._history if v.id == version_id), None)
        if chosen is None:  # only the versions listed to this person can be loaded
            self.say("save", "error", "Version introuvable ; choisissez-en une dans la liste.")
            if signed_in_mode():
                person = visitor()
                server_log(f"{dt.datetime.now().astimezone():%Y-%m-%d %H:%M:%S%z} refus : "
                           f"{person.identifiant if person else 'aucune personne connectée'} : version {version_id} "
                           "demandée hors des versions qui lui sont listées")
            return
        blank = not any(self.answers) and not any(str(v).strip() for k, v in self.header.items() if k != "structure")
        if self._shown_version() is None and not blank and self._pending_version != version_id:
            self._pending_version = version_id
            self.say("save", "error", "Les réponses affichées ne sont pas enregistrées : enregistrez-les d'abord, ou cliquez "
                     "à nouveau sur « Charger cette version » pour les remplacer.")
            return
        self._pending_version = None
        self.load(chosen.autodiagnostic)
        self._refresh()
        self.say("save", "info", f"Formulaire rempli avec la {self._version_name(chosen)}.")

    def _export_problem(self) -> tuple[str, str] | None:
        """(field, message) of what prevents an export, or None: the first invalid field, else a
        missing name."""
        errors = self._field_errors()
        for spec in HEADER_FIELDS:
            if spec.key in errors:
                return spec.key, f"le champ « {spec.label} » est à corriger : {errors[spec.key]}"
        if not str(self.header.get("structure", "")).strip():
            return "structure", "le nom de la structure est obligatoire pour exporter ; saisissez-le en haut du questionnaire."
        try:
            self._followup()
        except InputError as error:
            return "plan", f"{error} (à corriger avant d'exporter)"
        return None

    def export(self, kind: str) -> tuple[str, str, bytes]:
        """(file name, MIME type, content) of an export; :class:`InputError` if the form is invalid."""
        if kind not in EXPORTS:
            raise ValueError(f"unknown export {kind!r}")
        problem = self._export_problem()
        if problem is not None:
            raise InputError(problem[1])
        autodiagnostic = self.current()
        _, mime, suffix = EXPORTS[kind]
        if kind == "xlsx":
            content = workbook_bytes(autodiagnostic)
        elif kind == "json":
            content = dumps_json(autodiagnostic).encode("utf-8")
        elif kind == "synthese":
            content = summary_html(autodiagnostic).encode("utf-8")
        else:
            content = report_html(autodiagnostic).encode("utf-8")
        return file_name_for(autodiagnostic.structure, suffix, autodiagnostic.participant), mime, content

    def _export_message(self, kind: str) -> None:
        try:
            name, mime, content = self.export(kind)
        except InputError as error:
            problem = self._export_problem()
            field = problem[0] if problem else None
            if field == "structure" and "structure" not in self.field_errors:
                self.field_errors = {**self.field_errors, "structure": "obligatoire pour exporter"}
            self.say("export", "error", f"Export impossible : {error}", field=field)
            return
        except Exception:
            self.say("export", "error", "Export impossible : le fichier n'a pas pu être produit.")
            return
        self.send({"type": "download", "name": name, "mime": mime}, buffers=[content])
        self.say("export", "info", f"Fichier {name} prêt.")

    def _on_import(self, message: dict, buffers: list) -> None:
        if not buffers:
            self.say("import", "error", "Import impossible : fichier vide.")
            return
        self.import_file(bytes(buffers[0]), str(message.get("name") or "fichier"))

    def _on_pick(self, message: dict, buffers: list) -> None:
        index = message.get("index")
        self.pick(index if isinstance(index, int) else -1)

    def _on_markup(self, message: dict, buffers: list) -> None:
        # The page was not in the notebook's output (a notebook reopened, say): send it.
        self.send({"type": "markup"}, buffers=[self.page_html().encode("utf-8")])

    def _on_plotly(self, message: dict, buffers: list) -> None:
        self.send({"type": "plotly"}, buffers=[PLOTLY_BUNDLE.read_bytes()])

    def message_handlers(self) -> dict:
        """What the kernel does for each message of the page (contacts_lib.autodiagnostic.contract)."""
        return {
            "ping": lambda message, buffers: self.send({"type": "pong"}),
            "import": self._on_import,
            "pick": self._on_pick,
            "export": lambda message, buffers: self._export_message(str(message.get("format"))),
            "save": lambda message, buffers: self.save_version(),
            "version": lambda message, buffers: self.load_version(
                message.get("id") if isinstance(message.get("id"), int) else -1),
            "reset": lambda message, buffers: self.reset(),
            "visitor": lambda message, buffers: self.learn_visitor(),
            "markup": self._on_markup,
            "plotly": self._on_plotly,
        }

    def take_form(self, form: object) -> bool:
        """Make the form what the page showed when the person acted (an action's message carries
        it: changes held back by the widget library would arrive after the action). A form that is
        not the page's shape is ignored; returns whether it was taken."""
        if not isinstance(form, dict):
            return False
        header, answers = form.get("header"), form.get("answers")
        notes, plan = form.get("notes", self.notes), form.get("plan", self.plan)
        keys = {spec.key for spec in HEADER_FIELDS}
        if (
            not isinstance(header, dict) or not set(header) <= keys or not all(isinstance(v, str) for v in header.values())
            or not isinstance(answers, list) or len(answers) != QUESTION_COUNT or any(a not in (YES, NO, "") for a in answers)
            or not is_form_notes(notes) or not is_form_plan(plan)
        ):
            return False
        header = {spec.key: header.get(spec.key, "") for spec in HEADER_FIELDS}
        with self.hold_sync():
            # The plan first: a name typed just before the click may then bring the structure's plan.
            if notes != self.notes:
                self.notes = notes
            if plan != self.plan:
                self.plan = plan
            if header != self.header:
                self.header = header
            if answers != self.answers:
                self.answers = answers
        return True

    def _on_message(self, _widget, message, buffers) -> None:
        kind = message.get("type") if isinstance(message, dict) else None
        handler = self.message_handlers().get(kind)
        if handler is None:
            return
        if "form" in message:
            self.take_form(message["form"])
        handler(message, buffers)
