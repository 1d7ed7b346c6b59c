"""The réitération page's widgets driven from pytest (no kernel needed): a named log, the window
and the breakdown changed, the download, and no usager anywhere in the page."""

from __future__ import annotations

import base64
import csv
import io
import re
from html import unescape

from contacts_lib.logs.page import LOG_VARIABLE, ReiterationPage, log_source
from contacts_lib.logs.reiteration import reiteration_by
from tests.test_reiteration import HAND_LOG, SECRETS, _write_csv


def _plain(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html)).replace("\u202f", " ").replace("\u00a0", " ")


def _everything(page: ReiterationPage) -> str:
    return "".join(w.value for w in (page.headline, page.bars, page.table, page.download, page.paths, page.practices))


def test_the_page_on_a_named_log(tmp_path, monkeypatch):
    monkeypatch.setenv("CONTACTS_EFFICACES_CLE", "clé")
    monkeypatch.setenv(LOG_VARIABLE, str(_write_csv(tmp_path / "journal.csv", HAND_LOG)))
    source = log_source()
    assert not source.synthetic and source.description.startswith(f"{tmp_path / 'journal.csv'} (12 contacts)")
    page = ReiterationPage(source)
    assert "41,7 %" in _plain(page.headline.value) and "fenêtre de 15 jours" in _plain(page.headline.value)  # 5 of 12
    page.presets.value = 30
    assert page.window.value == 30 and "50,0 %" in _plain(page.headline.value)  # 6 of 12 (worked out in test_reiteration)
    page.window.value = 20
    assert page.presets.value is None and "fenêtre de 20 jours" in _plain(page.headline.value)
    page.by.value = "motif"
    link = re.search(r'href="data:text/csv;base64,([^"]+)"', page.download.value).group(1)
    rows = list(csv.DictReader(io.StringIO(base64.b64decode(link).decode("utf-8"))))
    expected = reiteration_by(source.log, "motif", 20)
    assert [r["motif"] for r in rows] == list(expected["motif"])
    assert [int(r["reiterations"]) for r in rows] == list(expected["reiterations"])
    assert "Ensemble" in _plain(page.table.value)
    assert not any(secret in _everything(page) for secret in SECRETS)


def test_the_synthetic_log_is_said_and_many_structures_are_cut_to_the_highest(monkeypatch):
    monkeypatch.delenv(LOG_VARIABLE, raising=False)
    monkeypatch.delenv("CONTACTS_EFFICACES_RESEAU", raising=False)
    monkeypatch.delenv("CONTACTS_EFFICACES_BASE", raising=False)
    source = log_source()
    assert source.synthetic and "usagers fictifs" in source.description
    page = ReiterationPage(source)
    page.by.value = "structure"
    assert "Les 25 plus forts taux sur 300" in _plain(page.bars.value)
    assert "une association observée, pas la preuve d'un effet" in _plain(page.practices.value)
    assert "usager-fictif" not in _everything(page)


def test_an_unreadable_network_or_log_is_said_on_the_page(tmp_path, monkeypatch):
    from contacts_lib.logs.page import practices_network, read_log_or_error, reiteration_page

    monkeypatch.setenv("CONTACTS_EFFICACES_RESEAU", str(tmp_path / "absent"))
    monkeypatch.setenv(LOG_VARIABLE, str(tmp_path / "absent.csv"))
    network = practices_network()
    assert network is None  # the page goes on without the practices
    failed = read_log_or_error(network)
    shown = reiteration_page(failed).widget.value.replace("\xa0", " ")
    assert "Le journal de contacts n&#x27;a pas pu être lu" in shown and "absent.csv : fichier introuvable" in shown
