"""The autodiagnostic app placed among a network's structures (CONTACTS_EFFICACES_RESEAU)."""

from __future__ import annotations

import threading
import time

from contacts_lib.formats import write_csv
from contacts_lib.network import Network, lever_distribution, sample_network
from contacts_lib.network.loading import NETWORK_VARIABLE


def _wait_for_network(app, timeout=60):
    deadline = time.monotonic() + timeout
    while app._comparison is None:
        assert time.monotonic() < deadline, "the network never arrived"
        time.sleep(0.05)
    for thread in threading.enumerate():
        if thread.name == "network":
            thread.join(timeout)


def test_the_app_draws_the_network_band_and_says_where_the_structure_stands(tmp_path, monkeypatch, worked_example):
    from contacts_lib.autodiagnostic.page import AutodiagnosticApp

    diagnostics = sample_network(120, seed=9)
    write_csv(diagnostics, tmp_path / "reseau.csv")
    monkeypatch.setenv(NETWORK_VARIABLE, str(tmp_path))
    app = AutodiagnosticApp(worked_example)
    first_paint = app.page_html()  # ready before the network: the page never waits for it
    assert "ce-standing" in first_paint
    _wait_for_network(app)
    latest = Network(tuple(diagnostics), ("x",) * len(diagnostics)).latest()
    overall = lever_distribution(latest.scores).set_index("levier")
    traces = app.results["figure"]["data"]
    assert [trace["name"] for trace in traces] == ["3e quartile", "1er quartile", "Médiane", "Couverture"]
    assert list(traces[2]["r"][:4]) == list(overall.loc[["orientation", "excellence", "pilotage", "innovation"], "mediane"])
    standing = app.results["standing"].replace("\u202f", " ").replace("\u00a0", " ")
    assert f"Comparée à l'ensemble du réseau ({len(latest)} structures) :" in standing
    median = overall.loc["orientation", "mediane"]
    place = "au-dessus de" if 40 > median else "en dessous de"  # the worked example: Orientation 40 %
    assert f"Orientation : {place} la médiane ({int(median + 0.5)} %)" in standing
    # The réseau typed in the form chooses the peers.
    app.header = {**app.header, "reseau": "caf"}
    caf = lever_distribution(latest.scores, by="reseau").query("reseau == 'CAF'").set_index("levier")
    standing = app.results["standing"].replace("\u202f", " ").replace("\u00a0", " ")
    assert f"Comparée au réseau CAF ({int(caf['structures'].max())} structures) :" in standing
    assert list(app.results["figure"]["data"][2]["r"][:4]) == list(caf.loc[["orientation", "excellence", "pilotage", "innovation"], "mediane"])


def test_without_a_network_the_app_shows_no_band(monkeypatch, worked_example):
    from contacts_lib.autodiagnostic.page import AutodiagnosticApp

    monkeypatch.delenv(NETWORK_VARIABLE, raising=False)
    app = AutodiagnosticApp(worked_example)
    assert [trace["name"] for trace in app.results["figure"]["data"]] == ["Couverture"]
    assert app.results["standing"] == ""
