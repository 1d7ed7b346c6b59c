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
    # Where the data come from, in words: the server's paths stay in its log.
    assert not source.synthetic and source.description.startswith("journal de contacts du serveur (12 contacts)")
    assert str(tmp_path) not in source.description
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
    from contacts_lib.logs.page import (
        practices_network,
        read_log_or_error,
        reiteration_page,
    )

    monkeypatch.setenv("CONTACTS_EFFICACES_RESEAU", str(tmp_path / "absent"))
    monkeypatch.setenv(LOG_VARIABLE, str(tmp_path / "absent.csv"))
    network = practices_network()
    assert network is None  # the page goes on without the practices
    failed = read_log_or_error(network)
    shown = reiteration_page(failed).widget.value.replace("\xa0", " ")
    assert "Le journal de contacts n&#x27;a pas pu être lu" in shown and "absent.csv : fichier introuvable" in shown
    assert str(tmp_path) not in shown  # the server's paths stay in its log


def _large_log(path, rows: int):
    import duckdb

    duckdb.sql(
        "COPY (SELECT 'S' || (i % 50) AS structure, 'SECRET-' || (i % 30000) AS usager, "
        "strftime(TIMESTAMP '2026-01-01' + INTERVAL (i) MINUTE, '%Y-%m-%d %H:%M') AS horodatage, "
        f"'Téléphone' AS canal, 'm' || (i % 3) AS motif FROM range({rows}) t(i)) TO '{path}' (HEADER, DELIMITER ';')"
    )
    return path


def test_the_page_shows_at_once_with_the_reading_s_progress_then_the_log(tmp_path, monkeypatch):
    """What the notebook displays: the progress of the reading (in words and a bar, updated by
    the kernel's thread), then the page of the log in its place."""
    import asyncio

    from contacts_lib.logs import log_format
    from contacts_lib.logs.page import ReadingPage, practices_network

    monkeypatch.setenv("CONTACTS_EFFICACES_CLE", "clé")
    monkeypatch.setenv(LOG_VARIABLE, str(_large_log(tmp_path / "journal.csv", 600_000)))
    monkeypatch.setattr(log_format, "PROGRESS_EVERY", 0.02)
    monkeypatch.setattr(ReadingPage, "REFRESH", 0.02)
    reading = ReadingPage(practices_network())
    said: list[str] = []
    reading.status.observe(lambda change: said.append(_plain(change["new"]).strip()), names="value")
    bars: list[float] = []
    reading.bar.observe(lambda change: bars.append(change["new"]), names="value")
    assert "Préparation du journal de contacts" in _plain(reading.status.value) and len(reading.widget.children) == 3
    asyncio.run(reading.read())
    shown = [s for s in said if s.startswith("Lecture et pseudonymisation du journal de contacts : ")]
    assert any(0 < bar < 1 for bar in bars) and bars == sorted(bars) and bars[-1] == 1, bars
    assert shown and all(re.fullmatch(r".* : \d{1,3} %", s) for s in shown) and said[-1] == "Calcul de la réitération…"
    page = reading.widget.children[-1]
    assert len(reading.widget.children) == 2 and "600 000" in _plain("".join(getattr(w, "value", "") for w in page.children[:2]))
    assert "SECRET-" not in str(said)


def test_the_reading_page_says_what_went_wrong_never_a_traceback(tmp_path, monkeypatch):
    import asyncio

    from contacts_lib.logs import page as log_page

    monkeypatch.setenv(LOG_VARIABLE, str(tmp_path / "absent.csv"))
    reading = log_page.ReadingPage(None)
    asyncio.run(reading.read())
    assert "absent.csv : fichier introuvable" in _plain(reading.widget.children[-1].value)

    def broken(network, progress=None):
        raise RuntimeError("Traceback (most recent call last): boom")

    monkeypatch.setattr(log_page, "read_log", broken)
    reading = log_page.ReadingPage(None)
    asyncio.run(reading.read())
    shown = _plain(reading.widget.children[-1].value)
    assert "erreur inattendue pendant la lecture" in shown and "Traceback" not in shown and "boom" not in shown
