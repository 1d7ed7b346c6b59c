"""The channel-costs page's widgets, driven from pytest as a person would (no kernel needed).
Every expected figure is worked out here from the structures' own autodiagnostic columns."""

from __future__ import annotations

import base64
import csv
import io
import re
from html import unescape

import pytest

from contacts_lib.costs.analyses import presets
from contacts_lib.costs.page import ALL, NO_PRESET, CostsPage, money
from contacts_lib.network import Network, sample_network
from contacts_lib.network.page import Source
from contacts_lib.web.server import COSTS_NOTEBOOK, REITERATION_NOTEBOOK
from tests.samples import kernel_pools, page_notebook


def _plain(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).replace("\u202f", " ").replace("\u00a0", " ").split())


def _amount(value: float, decimals: int = 0) -> str:
    """A figure as the page writes it, once made plain (« 1 234 567 »)."""
    return f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",")


@pytest.fixture(scope="module")
def page():
    diagnostics = sample_network(300)
    return CostsPage(Source(Network(tuple(diagnostics), ("x",) * len(diagnostics)), "réseau de test", True))


@pytest.fixture(autouse=True)
def reset(page):
    yield
    page.preset.value = NO_PRESET
    page.reseau.value = ALL
    page.depuis.value, page.vers.value, page.part.value = "guichet", "web", 20


def _yearly(structures, canal: str) -> float:
    column, factor = {"guichet": ("visites_guichet", 1), "telephone": ("appels", 1), "courrier": ("courriers", 1),
                      "courriel": ("courriels", 1), "web": ("visiteurs_web_mensuels", 12)}[canal]
    return float(structures[column].astype("Float64").sum()) * factor


def test_without_costs_the_page_asks_for_them(page):
    assert all(field.value == "" for field in page.fields.values())
    assert "Aucun coût unitaire n'est donné" in _plain(page.headline.value)
    assert "n'est pas renseigné" in _plain(page.saving.value)
    assert all("sans coût : hors des totaux" in _plain(note.value) for note in page.notes.values())


def test_a_preset_fills_the_fields_and_says_where_it_comes_from(page):
    page.preset.value = "pwc-londres"
    assert {canal: field.value for canal, field in page.fields.items()} == {
        "guichet": "10,53", "telephone": "3,39", "courrier": "12,1", "courriel": "", "web": "0,08"}
    assert page.currency.value == "GBP"
    label = _plain(page.label.value)
    assert "GBP — PwC, 19 conseils de Londres et du Sud-Est (Royaume-Uni)" in label and "modifiées" not in label
    page_text = _plain(page.widget.children[3].children[1].value)  # the unit costs, after the volumes
    assert "Royaume-Uni" in page_text and "pas des coûts français" in page_text
    assert "Sans coût unitaire, hors des totaux : Courriel." in _plain(page.headline.value)
    structures = page.structures
    expected = sum(_yearly(structures, canal) * cost for canal, cost in presets()["pwc-londres"].known().items())
    assert f"{_amount(expected)} GBP" in _plain(page.headline.value)
    page.preset.value = NO_PRESET
    assert all(field.value == "" for field in page.fields.values()) and page.currency.value == "EUR"


def test_editing_a_cost_changes_the_totals(page):
    page.preset.value = "socitm-2010"
    page.fields["guichet"].value = "12,5"
    page.fields["courriel"].value = "1.25"
    structures = page.structures
    costs = {"guichet": 12.5, "telephone": 2.9, "courriel": 1.25, "web": 0.32}
    expected = sum(_yearly(structures, canal) * cost for canal, cost in costs.items())
    users = float(structures["usagers"].astype("Float64").sum())
    headline = _plain(page.headline.value)
    assert f"{_amount(expected)} GBP coût total" in headline
    assert f"{_amount(expected / users, 2)} GBP coût par usager" in headline
    assert "Sans coût unitaire, hors des totaux : Courrier." in headline
    assert "valeurs modifiées par l'utilisateur" in _plain(page.label.value)
    svg = page.mix.value
    assert "<svg" in svg and f"{_amount(_yearly(structures, 'guichet') * 12.5)} GBP" in _plain(svg)
    assert "sans coût unitaire : hors du total" in _plain(svg)  # the courrier
    # The table: the structure with the highest total first, its figures worked out here.
    totals = {row["structure"]: sum((0 if row[c] is None or row[c] != row[c] else row[c] * f) * costs.get(canal, 0)
                                    for canal, (c, f) in {"guichet": ("visites_guichet", 1), "telephone": ("appels", 1),
                                                          "courriel": ("courriels", 1), "web": ("visiteurs_web_mensuels", 12)}.items())
              for row in structures.astype(object).where(structures.notna(), None).to_dict("records")}
    first = max(totals, key=totals.get)
    row = re.search(r"<tbody><tr>(.*?)</tr>", page.table.value).group(1)
    assert _plain(row).startswith(_plain(first)) and _amount(totals[first]) in _plain(row)
    assert "Les 25 structures au coût total le plus élevé, sur 300 structures" in _plain(page.table.value)


def test_what_if_saving_is_volumes_times_share_times_cost_gap(page):
    page.preset.value = "socitm-welwyn"
    structures = page.structures
    for depuis, vers, part in (("guichet", "web", 20), ("guichet", "web", 55), ("telephone", "guichet", 30), ("web", "telephone", 100)):
        page.depuis.value, page.vers.value, page.part.value = depuis, vers, part
        costs = presets()["socitm-welwyn"].values
        saving = _yearly(structures, depuis) * part / 100 * (costs[depuis] - costs[vers])
        text = _plain(page.saving.value)
        if saving >= 0:
            assert f"Économie pour l'ensemble du réseau : {_amount(saving)} GBP par an" in text
            assert "structures à la plus grosse économie" in text
        else:
            assert f"Pas d'économie : un surcoût de {_amount(-saving)} GBP par an" in text
            assert "coûte plus cher par contact que" in text and "au plus gros surcoût" in text
    # The biggest saving first, and ten structures.
    page.depuis.value, page.vers.value, page.part.value = "guichet", "telephone", 40
    gap = costs["guichet"] - costs["telephone"]
    biggest = structures.sort_values("visites_guichet", ascending=False).iloc[0]
    body = re.search(r"<tbody>(.*)</tbody>", page.saving.value).group(1)
    assert body.count("<tr>") == 10
    assert _plain(body).startswith(f"{_plain(biggest['structure'])} {biggest['reseau']} {_amount(biggest['visites_guichet'] * 0.4)} "
                                   f"{_amount(biggest['visites_guichet'] * 0.4 * gap)}")


def test_what_if_by_reseau_and_impossible_moves(page):
    page.preset.value = "socitm-welwyn"
    page.reseau.value = "CAF"
    caf = page.structures[page.structures["reseau"] == "CAF"]
    saving = _yearly(caf, "guichet") * 0.2 * (8.62 - 0.15)
    assert f"Économie pour le réseau CAF : {_amount(saving)} GBP par an" in _plain(page.saving.value)
    assert f"{len(caf)} structures dans cette vue" in _plain(page.headline.value)
    page.vers.value = "courrier"
    assert "Le coût unitaire du canal courrier n'est pas renseigné" in _plain(page.saving.value)
    page.vers.value = "guichet"
    assert "vers le même canal ne change rien" in _plain(page.saving.value)


@pytest.mark.parametrize("typed, message", [
    ("abc", "« abc » n'est pas un nombre"),
    ("-3", "un coût est un nombre positif ou nul"),
    ("<b>1</b>", "« <b>1</b> » n'est pas un nombre"),
])
def test_a_bad_cost_is_said_beside_its_field_and_nothing_is_lost(page, typed, message):
    page.preset.value = "socitm-2010"
    before = page.headline.value
    page.fields["telephone"].value = typed
    note = page.notes["telephone"].value
    assert message in _plain(note) and "le coût précédent (2,9 GBP) reste utilisé" in _plain(note)
    assert _plain(note).startswith("Coût unitaire du canal téléphone :")
    assert "<b>" not in note  # file or typed text is shown as text
    assert page.fields["telephone"].value == typed  # what was typed stays, to be corrected
    assert page.costs().values["telephone"] == 2.9 and page.headline.value == before
    page.fields["telephone"].value = "3"
    assert _plain(page.notes["telephone"].value) == "GBP par contact" and page.costs().values["telephone"] == 3.0


def test_an_empty_field_leaves_the_channel_out(page):
    page.preset.value = "socitm-2010"
    page.fields["web"].value = ""
    assert _plain(page.notes["web"].value) == "sans coût : hors des totaux"
    assert "Sans coût unitaire, hors des totaux : Courrier, Courriel, Web." in _plain(page.headline.value)
    expected = _yearly(page.structures, "guichet") * 7.4 + _yearly(page.structures, "telephone") * 2.9
    assert f"{_amount(expected)} GBP coût total" in _plain(page.headline.value)


def test_changing_the_currency_of_a_preset_is_said(page):
    page.preset.value = "socitm-2010"
    page.currency.value = "EUR"
    label = _plain(page.label.value)
    assert label.startswith("Coûts utilisés : EUR — Socitm Insight") and "ne les convertit pas" in label
    page.currency.value = ""
    assert "Indiquez une devise" in _plain(page.currency_note.value) and page.costs().devise == "EUR"


def test_the_practices_and_the_cost_per_user(page):
    """Each structure's cost per user (the page's own table) grouped by its answer: the means
    worked out here, the figure and the words of an association, in the currency; a réseau."""
    assert "Aucun coût unitaire n'est donné" in _plain(page.practices.value)
    page.preset.value = "socitm-2010"
    table = page._table.iloc[:-1].set_index("structure")["cout_par_usager"].dropna()
    answers = {d.structure: d.answers[13] for d in page.source.network.latest().diagnostics}
    frame = page.practices_frame()
    for group, answer in (("applique", True), ("n'applique pas", False)):
        members = [float(cost) for name, cost in table.items() if answers.get(name) is answer]
        row = frame[(frame["question"] == 14) & (frame["groupe"] == group)].iloc[0]
        assert row["structures"] == len(members) > 10 and row["moyenne"] == pytest.approx(sum(members) / len(members))
    shown = _plain(page.practices.value)
    assert "Question 14 — Accuser réception" in shown and shown.count("une association observée, pas la preuve d'un effet") == 4
    assert "GBP en moyenne" in shown and "son coût par usager sur un an, usagers déclarés" in shown
    assert "Coût par usager moyen des structures qui appliquent chaque pratique" in page.practices.value  # the figure
    everywhere = int(frame["structures"].iloc[0])
    page.reseau.value = "CAF"
    assert 0 < int(page.practices_frame()["structures"].iloc[0]) < everywhere


def test_the_csv_download_is_the_costs_by_structure(page):
    page.preset.value = "pwc-londres"
    page.reseau.value = "CPAM"
    page.download.click()
    link = re.search(r'href="data:text/csv;base64,([^"]+)" download="couts-structures-reseau.csv"', page.download_link.value)
    rows = list(csv.DictReader(io.StringIO(base64.b64decode(link.group(1)).decode("utf-8"))))
    cpam = page.structures[page.structures["reseau"] == "CPAM"]
    assert len(rows) == len(cpam) + 1 and rows[-1]["structure"] == "TOTAL"
    assert {row["reseau"] for row in rows[:-1]} == {"CPAM"} and {row["devise"] for row in rows} == {"GBP"}
    expected = _yearly(cpam, "guichet") * 10.53
    assert float(rows[-1]["cout_guichet"]) == pytest.approx(expected)
    one = cpam.iloc[0]
    mine = next(row for row in rows if row["structure"] == one["structure"])
    assert mine["usagers"] == str(one["usagers"]) if one["usagers"] == one["usagers"] else mine["usagers"] == ""
    assert list(rows[0]) == ["structure", "reseau", "cout_guichet", "cout_telephone", "cout_courrier", "cout_courriel", "cout_web",
                             "cout_total", "usagers", "cout_par_usager", "devise"]
    page.fields["guichet"].value = "1"
    assert page.download_link.value == ""  # a link never outlives the figures it was made from


def test_money():
    assert money(1234567.4, "GBP") == "1\u202f234\u202f567\u00a0GBP"
    assert money(2.834, "EUR", 2) == "2,83\u00a0EUR"
    assert money(-5, "EUR") == "−5\u00a0EUR" and money(None, "EUR") == "—"


def test_the_notebook_the_landing_link_and_the_pool():
    from contacts_lib.web.landing import landing_html

    assert COSTS_NOTEBOOK == "couts.ipynb" and REITERATION_NOTEBOOK == "reiteration.ipynb"
    landing = landing_html()
    assert re.search(r'<a href="couts\.ipynb"[^>]*>Coûts des canaux</a>', landing)
    assert re.search(r'<a href="reiteration\.ipynb"[^>]*>Réitération des contacts</a>', landing)
    title, markdown, code = page_notebook(COSTS_NOTEBOOK)
    assert title == "Coûts des canaux — 100 % Contacts efficaces"
    assert markdown.startswith("[← Accueil](index.ipynb)")
    assert code == "from contacts_lib.costs.page import costs_page\n\ncosts_page()"
    pools = kernel_pools()
    assert pools[f"notebooks/{COSTS_NOTEBOOK}"] == {"pool_size": 1} and pools[f"notebooks/{REITERATION_NOTEBOOK}"] == {"pool_size": 1}


# ---------------------------------------------------------------------------- volumes from a contact log


@pytest.fixture(scope="module")
def log_page(tmp_path_factory):
    """A page on the 300-structure test network, whose log is a synthetic log of the same
    structures (read only when the user chooses it: the loader counts its calls)."""
    from contacts_lib.logs.log_format import load_log
    from contacts_lib.logs.page import LogSource
    from contacts_lib.logs.sample import write_sample_log

    diagnostics = sample_network(300)
    calls, notes = [], []

    def loader(progress):
        calls.append(1)
        progress(0.42)  # what the page says while the log is read
        notes.append(_plain(page.volume_note.value))
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("CONTACTS_EFFICACES_CLE", "clé de test")
            path = write_sample_log(tmp_path_factory.mktemp("journal") / "journal.parquet", list(diagnostics), 30_000)
            log = load_log(path, progress=progress)
        return LogSource(log, "journal synthétique de test (usagers fictifs)", True, tuple(diagnostics))

    page = CostsPage(Source(Network(tuple(diagnostics), ("x",) * len(diagnostics)), "réseau de test", True), loader)
    page.calls, page.reading_notes = calls, notes
    return page


@pytest.fixture(autouse=False)
def on_log(log_page):
    log_page.volume_choice.value = "journal"
    yield log_page
    log_page.preset.value = NO_PRESET
    log_page.reseau.value = ALL
    log_page.window.value = 15
    log_page.volume_choice.value = "autodiagnostics"


def test_the_log_is_read_only_when_chosen_and_once(log_page):
    assert log_page.calls == [] and log_page.log_source is None
    assert "dernier autodiagnostic" in _plain(log_page.volume_note.value)
    assert log_page.reiteration_box.layout.display == "none"
    for _ in range(2):
        log_page.volume_choice.value = "journal"
        log_page.volume_choice.value = "autodiagnostics"
    assert log_page.calls == [1] and log_page.reading_notes == ["Lecture du journal : 42 %"]


def test_volumes_and_costs_from_the_log(on_log):
    from contacts_lib.costs.analyses import costs_by_structure, volumes_from_log

    page = on_log
    expected = volumes_from_log(page.log_source.log)
    assert page.volumes.equals(expected) and page.view_volumes().equals(expected)
    note = _plain(page.volume_note.value)
    assert note.startswith("Journal : journal synthétique de test (usagers fictifs) ; contacts du ")
    assert "ce-synthetic" in page.volume_note.value and page.reiteration_box.layout.display is None
    page.preset.value = "socitm-2010"
    table = costs_by_structure(expected, presets()["socitm-2010"])
    users = page.log_source.log.frame("SELECT count(DISTINCT usager) AS n FROM contacts")["n"].iloc[0]
    total = float(table.iloc[-1]["cout_total"])
    headline = _plain(page.headline.value)
    assert f"{_amount(total)} GBP coût total des contacts du journal (du " in headline
    assert f"{_amount(total / users, 2)} GBP coût par usager (usagers distincts du journal)" in headline
    # The what-if and the CSV follow the log.
    moved = float(expected[expected["canal"] == "guichet"]["contacts"].sum()) * 0.2
    assert f"{_amount(moved * (7.4 - 0.32))} GBP sur la période du journal" in _plain(page.saving.value)
    page.download.click()
    assert 'download="couts-structures-journal.csv"' in page.download_link.value
    assert page.table_for_download()["cout_guichet"].iloc[-1] == pytest.approx(float(table["cout_guichet"].iloc[-1]))


def test_the_reiteration_cost_follows_the_window_and_the_unit_costs(on_log):
    from contacts_lib.costs.analyses import reiteration_costs, unit_costs

    page = on_log
    assert "Aucun coût unitaire n'est donné" in _plain(page.reiteration.value)
    page.preset.value = "socitm-2010"
    log = page.log_source.log
    shown = {}
    for days in (15, 7, 30, 42):
        page.window.value = days
        expected = reiteration_costs(log, days, presets()["socitm-2010"])
        assert page.reiteration_frame().equals(expected)
        cost = float(expected.iloc[-1]["cout"])
        shown[days] = cost
        text = _plain(page.reiteration.value)
        assert f"{_amount(cost)} GBP coût des réitérations (fenêtre de {days} jours)" in text
        everything = float((page.volumes.assign(c=page.volumes["canal"].map(presets()["socitm-2010"].values))
                            .pipe(lambda f: f["contacts"].astype(float) * f["c"].astype(float))).sum())
        assert f"{_amount(cost / everything * 100, 1)} % du coût total des contacts du journal" in text
        assert "Sans coût unitaire, hors du total : Courrier (" in text
        assert page.windows.value == (days if days in (7, 15, 30) else None)
    assert shown[7] < shown[15] < shown[30] < shown[42]
    page.windows.value = 15  # one click
    assert page.window.value == 15
    page.fields["telephone"].value = "5"
    changed = reiteration_costs(log, 15, unit_costs("socitm-2010", {"telephone": 5.0}))
    assert page.reiteration_frame().equals(changed) and float(changed.iloc[-1]["cout"]) > shown[15]
    assert f"{_amount(float(changed.iloc[-1]['cout']))} GBP" in _plain(page.reiteration.value)
    html = "".join(w.value for w in (page.volume_note, page.headline, page.mix, page.table, page.saving, page.reiteration))
    assert "usager-fictif" not in html


def test_the_reiteration_cost_is_that_of_the_chosen_reseau(on_log):
    from contacts_lib.logs.reiteration import reiteration_by

    page = on_log
    page.preset.value = "socitm-2010"
    whole = page.reiteration_frame()
    by_structure = reiteration_by(page.log_source.log, "structure", 15).iloc[:-1]
    reseau = sorted(set(page.view_volumes()["structure"].map(page._reseau_of).dropna()))[0]
    page.reseau.value = reseau
    theirs = set(page.view_volumes()["structure"])
    expected = int(by_structure[by_structure["structure"].isin(theirs)]["reiterations"].sum())
    frame = page.reiteration_frame()
    assert 0 < int(frame.iloc[-1]["reiterations"]) == expected < int(whole.iloc[-1]["reiterations"])
    text = _plain(page.reiteration.value)
    assert f"réseau {reseau}" in text and f"du coût total des contacts du réseau {reseau} dans le journal" in text
    page.reseau.value = ALL
    assert page.reiteration_frame().equals(whole) and "ensemble du journal" in _plain(page.reiteration.value)


def test_switching_the_source_keeps_edited_unit_costs(log_page):
    page = log_page
    page.preset.value = "socitm-welwyn"
    page.fields["guichet"].value = "9,5"
    page.currency.value = "EUR"
    page.volume_choice.value = "journal"
    assert page.fields["guichet"].value == "9,5" and page.costs().values["guichet"] == 9.5 and page.costs().devise == "EUR"
    assert re.search(r"Guichet [\d ]+ 9,50 [\d ]+", _plain(page.reiteration.value))
    page.volume_choice.value = "autodiagnostics"
    assert page.fields["guichet"].value == "9,5" and page.costs().values["guichet"] == 9.5
    expected = _yearly(page.structures, "guichet") * 0.2 * (9.5 - 0.15)
    assert f"Économie pour l'ensemble du réseau : {_amount(expected)} EUR par an" in _plain(page.saving.value)
    assert page.reiteration_frame() is None
    page.preset.value = NO_PRESET


def test_a_named_log_counts_people_once_and_never_shows_them(tmp_path, monkeypatch):
    from contacts_lib.logs.page import LOG_VARIABLE
    from tests.test_reiteration import HAND_LOG, SECRETS, _write_csv

    monkeypatch.setenv("CONTACTS_EFFICACES_CLE", "clé")
    monkeypatch.setenv(LOG_VARIABLE, str(_write_csv(tmp_path / "journal.csv", HAND_LOG)))
    diagnostics = sample_network(20)
    page = CostsPage(Source(Network(tuple(diagnostics), ("x",) * len(diagnostics)), "réseau de test", True))
    page.preset.value = "pwc-londres"
    page.volume_choice.value = "journal"
    assert _plain(page.volume_note.value).startswith("Journal : journal de contacts du serveur (12 contacts)")
    assert "ce-synthetic" not in page.volume_note.value
    # SECRET-A wrote to both structures: 2 + 3 usagers by structure, 4 people.
    assert list(page.table_for_download()["usagers"]) == [2, 3, 4]
    assert "2 structures dans cette vue" in _plain(page.headline.value)
    assert "Canaux hors du vocabulaire (guichet, téléphone, courrier, courriel, web), sans coût unitaire et hors des totaux : Fax (2 contacts)" in _plain(page.headline.value)
    page.window.value = 30
    assert "Sans coût unitaire, hors du total : Courriel (1 réitération), Fax (1 réitération)." in _plain(page.reiteration.value)
    html = "".join(w.value for w in (page.volume_note, page.headline, page.mix, page.table, page.saving, page.reiteration))
    assert not any(secret in html for secret in SECRETS)


def test_an_unreadable_log_is_said_and_the_autodiagnostics_stay(tmp_path, monkeypatch):
    from contacts_lib.logs.page import LOG_VARIABLE

    bad = tmp_path / "journal.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    monkeypatch.setenv(LOG_VARIABLE, str(bad))
    diagnostics = sample_network(20)
    page = CostsPage(Source(Network(tuple(diagnostics), ("x",) * len(diagnostics)), "réseau de test", True))
    page.preset.value = "socitm-2010"
    before = page.headline.value
    page.volume_choice.value = "journal"
    assert page.volume_choice.value == "autodiagnostics" and not page.volume_choice.disabled
    note = _plain(page.volume_note.value)
    assert "Le journal de contacts n'a pas pu être lu" in note and "colonnes manquantes" in note
    assert "Les volumes restent ceux des autodiagnostics." in note and 'role="alert"' in page.volume_note.value
    assert str(tmp_path) not in note  # the server's paths stay in its log
    assert page.headline.value == before and page.reiteration_box.layout.display == "none"
    page.part.value = 30
    assert "GBP par an" in _plain(page.saving.value)


def test_the_unit_costs_typed_are_kept_in_the_browser_and_taken_back():
    import json

    from contacts_lib.costs.page import CostsPage
    from contacts_lib.network.page import page_source

    source = page_source()
    page = CostsPage(source)
    assert page.memory.empty  # nothing typed: nothing kept
    page.preset.value = "socitm-2010"
    page.fields["courriel"].value = "1,25"
    page.currency.value = "GBP"
    kept = json.loads(json.dumps({"costs": page.memory.costs}))  # as the browser keeps it
    assert not page.memory.empty and kept["costs"]["fields"]["courriel"] == "1,25"

    again = CostsPage(source)  # a reload: a new kernel, the browser sends what it kept
    again.memory._handle_custom_msg({"type": "restore", "state": kept}, [])
    assert again.typed() == page.typed() and again.costs() == page.costs()
    assert "retrouvés dans ce navigateur" in again.memory_note.value
    again.fields["web"].value = "0,5"
    before = again.typed()
    again.memory._handle_custom_msg({"type": "restore", "state": kept}, [])  # typed here since: left alone
    assert again.typed() == before
    odd = CostsPage(source)
    odd.memory._handle_custom_msg({"type": "restore", "state": {"costs": {"preset": "<script>", "fields": 3}}}, [])
    assert odd.typed() == CostsPage(source).typed()


def test_clearing_the_unit_costs_clears_the_page_and_the_browser():
    from contacts_lib.costs.page import CostsPage
    from contacts_lib.network.page import page_source

    source = page_source()
    page = CostsPage(source)
    opened = page.typed()
    assert page.clear.layout.display == "none"  # nothing typed: nothing to clear
    page.preset.value = "socitm-2010"
    page.fields["courriel"].value = "1,25"
    page.currency.value = "GBP"
    assert page.clear.layout.display is None and not page.memory.empty
    page.clear.click()
    assert page.typed() == opened and page.memory.empty  # the browser forgets what it kept
    assert page.costs() == CostsPage(source).costs() and page.clear.layout.display == "none"
    assert "Coûts saisis effacés, ici et dans ce navigateur." in page.memory_note.value
    page.fields["web"].value = "0,5"
    assert page.memory_note.value == "" and page.clear.layout.display is None
