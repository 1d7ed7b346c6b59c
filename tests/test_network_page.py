"""The network page's widgets, driven from pytest as a person would (no kernel needed)."""

from __future__ import annotations

import base64
import csv
import io
import re
from html import unescape

import pytest
from openpyxl import load_workbook

from contacts_lib import Autodiagnostic, score
from contacts_lib.network import Network, sample_network
from contacts_lib.network.page import (
    ALL,
    NETWORK_VARIABLE,
    NetworkPage,
    Source,
    page_source,
    thousands,
)


def _plain(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html)).replace("\u202f", " ").replace("\u00a0", " ")


@pytest.fixture(scope="module")
def page():
    diagnostics = sample_network(300)
    return NetworkPage(Source(Network(tuple(diagnostics), ("x",) * len(diagnostics)), "réseau de test", True))


def test_headline_filters_and_heatmap_follow_the_view(page):
    assert "300 structures" in _plain(page.headline.value)
    latest = page.network.latest()
    caf = int((latest.structures["reseau"] == "CAF").sum())
    page.reseau.value = "CAF"
    assert f"{caf} structures" in _plain(page.headline.value)
    assert _plain(page.table.value).strip().startswith(f"{caf} structures")
    assert "<svg" in page.heatmap.value and ">CAF<" in page.heatmap.value and ">CPAM<" not in page.heatmap.value
    page.region.value = "Corse"
    shown = latest.structures[(latest.structures["reseau"] == "CAF") & (latest.structures["region"] == "Corse")]
    assert f"{len(shown)} structure" in _plain(page.headline.value)
    page.region.value = "Corse"
    page.reseau.value = "MSA"
    page.region.value = ALL
    page.reseau.value = ALL
    assert "300 structures" in _plain(page.headline.value)
    page.campagne.value = "2016"
    in_2016 = page.network.structures["campagne"].eq("2016").sum()
    assert f"{in_2016} structures" in _plain(page.headline.value)
    page.campagne.value = page.campagne.options[0][1]


def test_the_table_searches_sorts_and_pages(page):
    page.sort.value = ("moyenne", False)
    rows = page.rows()
    assert list(rows["moyenne"]) == sorted(rows["moyenne"], reverse=True)
    first = re.search(r"<tbody><tr><td>([^<]+)</td>", page.table.value).group(1)
    assert _plain(first).strip() == _plain(rows.iloc[0]["structure"])
    assert "Page 1 / 12" in _plain(page.position.value) and page.previous.disabled
    page.next.click()
    assert "Page 2 / 12" in _plain(page.position.value)
    page.search.value = "n° 0001"
    assert len(page.rows()) == 10 and "Page 1 / 1" in _plain(page.position.value)
    page.search.value = ""
    page.sort.value = ("structure", True)


def test_a_structure_in_detail(page):
    structures = page.network.structures
    both = structures.groupby("cle_structure")["campagne"].nunique()
    name = structures.set_index("cle_structure").loc[both[both == 2].index[0], "structure"].iloc[0]
    page.search.value = name
    [(label, value)] = page.pick.options[1:]
    assert label == name
    page.pick.value = value
    detail = _plain(page.detail.value)
    assert name in detail and "Évolution depuis la campagne 2016" in detail
    assert "rang centile" in detail and "de ses 299 pairs l'appliquent" in detail
    latest = [d for d in page.network.diagnostics if d.structure == name][-1]
    moyenne = score(latest).moyenne * 100
    assert f"Moyenne {int(moyenne + 0.5)} % :" in detail
    assert "<svg" in page.detail.value and 'fill-rule="evenodd"' in page.detail.value  # the quartile band
    page.search.value = ""


def test_downloads(page):
    page.download_choice.value = "structures"
    page.download_csv.click()
    link = re.search(r'href="data:text/csv;base64,([^"]+)" download="reseau-structures.csv"', page.download_link.value)
    rows = list(csv.DictReader(io.StringIO(base64.b64decode(link.group(1)).decode("utf-8"))))
    assert len(rows) == 300 and {"structure", "reseau", "orientation", "moyenne"} <= set(rows[0])
    page.download_xlsx.click()
    link = re.search(r'base64,([^"]+)" download="reseau-tableaux.xlsx"', page.download_link.value)
    workbook = load_workbook(io.BytesIO(base64.b64decode(link.group(1))))
    assert workbook.sheetnames == ["Structures", "Adoption", "Leviers", "Plans d'actions", "Suivi des pratiques", "Retards par réseau"]
    assert workbook["Adoption"].max_row == 1 + 36 * 8


def test_the_plans_view_counts_the_sample_s_plans_follows_the_filters_and_downloads(page):
    import datetime as dt

    from contacts_lib.network.plans import late_by_reseau, practice_followup

    today = dt.date.today()
    followup = practice_followup(page.network, today)
    shown = _plain(page.plans.value)
    applied, followed = int(followup["appliquees_ensuite"].sum()), int(followup["suivies"].sum())
    assert f"({applied} sur {followed})" in shown and 0 < applied < followed
    top = followup.sort_values(["planifiee", "pratique"], ascending=[False, True]).iloc[0]
    cells = [_plain(c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", re.search(r"<tbody><tr>(.*?)</tr>", page.plans.value).group(1))]
    assert cells[0].startswith(f"{int(top['pratique'])}. ") and cells[1:4] == [str(int(top[k])) for k in ("planifiee", "en_retard", "suivies")]
    late = late_by_reseau(page.network, today).set_index("reseau")
    assert re.search(rf"CAF\s+{late.loc['CAF', 'structures']}\s+{late.loc['CAF', 'avec_plan']}\s+{late.loc['CAF', 'actions']}\s+"
                     rf"{late.loc['CAF', 'en_retard']}\s", shown)
    page.reseau.value = "CAF"
    assert ">CPAM<" not in page.plans.value and "CAF" in _plain(page.plans.value)
    page.download_choice.value = "actions"
    page.download_csv.click()
    link = re.search(r'href="data:text/csv;base64,([^"]+)" download="reseau-actions.csv"', page.download_link.value)
    rows = list(csv.DictReader(io.StringIO(base64.b64decode(link.group(1)).decode("utf-8"))))
    caf_latest = [d for d in page.network.latest().diagnostics if d.reseau == "CAF"]
    assert len(rows) == sum(len(d.plan) for d in caf_latest) > 0
    assert {r["reseau"] for r in rows} == {"CAF"} and {r["en_retard"] for r in rows} <= {"OUI", "NON"}
    page.reseau.value = ALL


def test_without_plans_the_view_says_so():
    bare = [Autodiagnostic(structure=f"S{n}", answers=(n % 2 == 0,) * 36, campagne="2016") for n in range(3)]
    page = NetworkPage(Source(Network(tuple(bare), ("x",) * 3), "test", False))
    assert "Aucun plan d'actions dans cette vue" in _plain(page.plans.value)


def test_names_from_files_are_text_never_html():
    hostile = Autodiagnostic(structure="<img src=x onerror=alert(1)>", answers=(True,) * 36, reseau="<b>R</b>", campagne="2016")
    other = Autodiagnostic(structure="Autre", answers=(False,) * 36, reseau="<b>R</b>", campagne="2016")
    page = NetworkPage(Source(Network((hostile, other), ("x", "x")), "test", False))
    page.pick.value = page.pick.options[2][1] if page.pick.options[2][0].startswith("<img") else page.pick.options[1][1]
    for html in (page.table.value, page.heatmap.value, page.detail.value, page.headline.value):
        assert "<img" not in html and "<b>R" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in page.table.value


def test_the_page_reads_the_network_the_variable_names(tmp_path, monkeypatch):
    from contacts_lib.formats import write_csv

    write_csv(sample_network(20, seed=4), tmp_path / "reseau.csv")
    (tmp_path / "casse.json").write_text("{", encoding="utf-8")
    monkeypatch.setenv(NETWORK_VARIABLE, str(tmp_path))
    source = page_source()
    # Where the data come from, in words: the server's paths stay in its log.
    assert not source.synthetic and source.description == "dossier du réseau, 1 fichier (20 structures)"
    page = NetworkPage(source)
    shown = _plain(page.widget.children[1].value)
    assert "Fichier écarté : casse.json : JSON invalide" in shown and str(tmp_path) not in shown  # said, not silent
    monkeypatch.delenv(NETWORK_VARIABLE)
    assert page_source().synthetic


def test_thousands_the_french_way():
    assert thousands(15000) == "15\u202f000" and thousands(999) == "999"


def test_on_a_store_the_page_shows_each_structures_latest_version_and_is_read_again_when_visited(tmp_path, monkeypatch):
    from contacts_lib.network.page import network_page
    from contacts_lib.store import BASE_VARIABLE, Store

    base = tmp_path / "base.sqlite"
    monkeypatch.setenv(BASE_VARIABLE, str(base))
    monkeypatch.delenv(NETWORK_VARIABLE, raising=False)
    source = page_source()  # an empty store: said, and the sample shown
    assert source.synthetic and source.description.startswith("La base de l'application ne contient encore aucun autodiagnostic ; ")
    assert "CONTACTS_EFFICACES" not in source.description and str(base) not in source.description
    diagnostics = sample_network(30, seed=4)
    empty = network_page().widget  # prepared while the store is empty: read again once it is not
    with Store(base) as store:
        store.save(diagnostics, "campagne")
    empty.children[-1]._handle_custom_msg({"type": "shown"}, [])
    assert "30 structures" in _plain(empty.children[0].children[1].value)
    source = page_source()
    assert not source.synthetic and f"base de l'application (30 structures, {len(diagnostics)} versions enregistrées)" == source.description
    assert sorted(source.network.latest().diagnostics, key=lambda d: d.structure) == sorted(
        {d.structure: d for d in sorted(diagnostics, key=lambda d: d.date)}.values(), key=lambda d: d.structure)

    with Store(base) as store:
        store.save(diagnostics, "campagne again")  # the same structures saved again: still 30
    page = network_page()  # prepared in advance, as Voilà does
    box = page.widget
    arrival = box.children[-1]
    first = box.children[0]
    arrival._handle_custom_msg({"type": "shown"}, [])
    assert box.children[0] is first  # nothing saved since: the page stays
    with Store(base) as store:
        store.save([sample_network(40, seed=5)[-1]], "application")
    arrival._handle_custom_msg({"type": "shown"}, [])
    assert box.children[0] is not first and box.children[-1] is arrival
    assert "31 structures" in _plain(box.children[0].children[1].value)


def test_a_structure_in_detail_when_identifiers_are_not_positions():
    """A store's network names its autodiagnostics by version id: the page keeps them throughout."""
    diagnostics = sample_network(40)
    network = Network(tuple(diagnostics), ("x",) * len(diagnostics), identifiers=tuple(1000 + 7 * k for k in range(len(diagnostics))))
    page = NetworkPage(Source(network, "base de test", False))
    structures = network.structures
    both = structures.groupby("cle_structure")["campagne"].nunique()
    name = structures.set_index("cle_structure").loc[both[both == 2].index[0], "structure"].iloc[0]
    page.search.value = name
    [(label, value)] = page.pick.options[1:]
    assert label == name and value >= 1000 and (value - 1000) % 7 == 0
    page.pick.value = value
    detail = _plain(page.detail.value)
    assert name in detail and "Évolution depuis la campagne 2016" in detail
    page.reseau.value = page.reseau.options[1][1]  # a filtered view keeps the same identifiers
    assert set(page.view().structures["autodiagnostic"]) <= set(page.peers().structures["autodiagnostic"])
