"""Network analyses: the tidy tables agree with the one-structure scoring, and every analysis
with an independent computation written here with plain loops."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from fractions import Fraction

import pandas as pd
import pytest

from contacts_lib import Autodiagnostic, score
from contacts_lib.autodiagnostic.reference import load_catalogue
from contacts_lib.formats import write_csv, write_json, write_workbook
from contacts_lib.frames import FrameError, UnknownAutodiagnostic
from contacts_lib.network import (
    Network,
    NetworkError,
    adoption,
    campaigns_of,
    join_services_publics,
    load_network,
    peer_standing,
    progress,
    sample_network,
    scores_frame,
    weakest_practices,
)
from tests.samples import random_autodiagnostic, run_cli

LEVERS = ["orientation", "excellence", "pilotage", "innovation", "moyenne"]


def _diagnostic(name, answers, reseau=None, date=None, campagne=None, region=None):
    return Autodiagnostic(structure=name, answers=tuple(answers), reseau=reseau, date=date, campagne=campagne, region=region)


@pytest.fixture
def small_network(tmp_path):
    """Blanks, several réseaux, a structure in two campaigns (and a name written two ways)."""
    rng = random.Random(5)

    def answers(blank=0.2):
        return [None if rng.random() < blank else rng.random() < 0.5 for _ in range(36)]

    diagnostics = [
        _diagnostic("CAF de l'Isère", answers(), "CAF", dt.date(2016, 5, 1)),
        _diagnostic("CPAM du Rhône", answers(), "CPAM", dt.date(2016, 6, 1), region="Auvergne-Rhône-Alpes"),
        _diagnostic("Préfecture sans réseau", answers(0.5)),
        _diagnostic("caf  de l'isère", answers(), "CAF", dt.date(2017, 5, 1)),  # the same structure, a year later
        _diagnostic("CAF de la Drôme", [None] * 36, "CAF", dt.date(2017, 1, 1)),
        _diagnostic("CPAM de l'Ain", answers(0), "CPAM", dt.date(2017, 2, 1), campagne="2017-bis"),
    ]
    folder = tmp_path / "reseau"
    (folder / "sous-dossier").mkdir(parents=True)
    write_csv(diagnostics[:3], folder / "a.csv")
    write_json(diagnostics[3], folder / "sous-dossier" / "b.json")
    write_workbook(diagnostics[4], folder / "sous-dossier" / "c.xlsx")
    write_json(diagnostics[5], folder / "d.json")
    return folder, diagnostics


def test_vectorised_scores_agree_with_the_one_structure_scoring():
    diagnostics = sample_network(200, seed=3) + [random_autodiagnostic(seed, unanswered=u) for seed in range(40) for u in (0, 0.3, 1)]
    frame = scores_frame(diagnostics)
    assert len(frame) == 5 * len(diagnostics)
    for number, diagnostic in enumerate(diagnostics):
        expected = score(diagnostic)
        rows = frame[frame["autodiagnostic"] == number].set_index("levier")
        assert list(rows.index) == LEVERS
        for lever in LEVERS:
            share = expected.moyenne if lever == "moyenne" else expected.coverage[lever]
            assert rows.loc[lever, "pourcentage"] == expected.percent(lever)
            assert rows.loc[lever, "arrondi"] == int((share * 100 + Fraction(1, 2)) // 1)
        assert rows.loc["moyenne", "repondues"] == expected.answered


def test_answers_in_long_form(small_network):
    folder, diagnostics = small_network
    network = load_network(folder)
    answers = network.answers
    assert len(answers) == 36 * len(diagnostics)
    assert list(answers.columns) == ["autodiagnostic", "structure", "date", "campagne", "reseau", "region", "question", "pratique", "levier", "reponse"]
    q25 = answers[(answers["question"] == 25)]
    assert set(q25["pratique"]) == {11} and set(q25["levier"]) == {"pilotage"}
    first = answers[answers["autodiagnostic"] == 0].set_index("question")["reponse"]
    source = load_network(folder / "a.csv").diagnostics[0]
    assert [None if pd.isna(v) else v == "OUI" for v in first] == list(source.answers)


def test_a_structure_counts_once_its_latest_autodiagnostic(small_network):
    folder, _ = small_network
    network = load_network(folder)
    latest = network.latest()
    assert sorted(latest.structures["structure"]) == sorted(["CPAM du Rhône", "Préfecture sans réseau", "caf  de l'isère", "CAF de la Drôme", "CPAM de l'Ain"])
    assert set(latest.structures["campagne"].dropna()) == {"2016", "2017", "2017-bis"}
    # Comparing campaigns: each structure once per campaign.
    assert len(network.latest_by_campaign()) == 6


def test_every_view_keeps_the_identifiers_of_its_autodiagnostics(small_network):
    """``latest()`` does not number again: an identifier read in one view is good in any other."""
    folder, _ = small_network
    network = load_network(folder)
    assert list(network.structures["autodiagnostic"]) == list(range(6))  # positions in the input
    latest = network.latest()
    ids = list(latest.structures["autodiagnostic"])
    assert ids == sorted(ids) and len(ids) == 5 and set(ids) < set(range(6))
    full = network.structures.set_index("autodiagnostic")
    for row in latest.structures.itertuples():
        assert full.loc[row.autodiagnostic, "structure"] == row.structure
        assert latest.diagnostic(row.autodiagnostic) is network.diagnostic(row.autodiagnostic)
    assert set(latest.answers["autodiagnostic"]) == set(ids) == set(latest.scores["autodiagnostic"])
    assert set(network.latest_by_campaign().structures["autodiagnostic"]) == set(range(6))
    part = latest.select([ids[-1], ids[0]])  # identifiers, not positions; kept in input order
    assert list(part.structures["autodiagnostic"]) == [ids[0], ids[-1]] and part.latest().identifiers == part.identifiers
    isere = int(campaigns_of(network.structures, "CAF de l'Isère")["autodiagnostic"].iloc[-1])  # read in the full network
    assert isere in ids
    assert peer_standing(latest.scores, isere)["structures_ensemble"].iloc[0] == 5
    assert len(weakest_practices(latest.answers, isere, latest.answers)) == 36 - latest.diagnostic(isere).answers.count(True)
    earlier = int(campaigns_of(network.structures, "CAF de l'Isère")["autodiagnostic"].iloc[0])
    with pytest.raises(UnknownAutodiagnostic) as caught:  # not in the latest view
        peer_standing(latest.scores, earlier)
    assert str(caught.value) == (
        f"peer_standing, argument « autodiagnostic » : aucun autodiagnostic d'identifiant « {earlier} » (identifiants "
        f"présents : {', '.join(map(str, ids))}) ; l'identifiant est la colonne « autodiagnostic » des tables du réseau.")
    assert isinstance(caught.value, KeyError) and isinstance(caught.value, FrameError)
    with pytest.raises(UnknownAutodiagnostic, match="Network.select, argument « autodiagnostics » : aucun autodiagnostic d'identifiant « 99 »"):
        latest.select([99])
    with pytest.raises(UnknownAutodiagnostic, match="Network.diagnostic"):
        latest.diagnostic(earlier)
    given = Network(network.diagnostics, network.sources, identifiers=(10, 20, 30, 40, 50, 60))
    assert list(given.latest().structures["autodiagnostic"]) == [10 * (i + 1) for i in ids]  # same rule, own identifiers
    with pytest.raises(ValueError):
        Network(network.diagnostics, network.sources, identifiers=(1, 1, 2, 3, 4, 5))


def _independent_adoption(diagnostics, by):
    counts = {}
    for diagnostic in diagnostics:
        group = (diagnostic.campaign if by == "campagne" else getattr(diagnostic, by)) if by else None
        group = "(non renseigné)" if by and group is None else group
        for question in load_catalogue().questions:
            key = (group, question.practice.number)
            total, applied = counts.get(key, (0, 0))
            counts[key] = (total + 1, applied + (diagnostic.answers[question.number - 1] is True))
    return counts


@pytest.mark.parametrize("by", [None, "reseau", "region", "campagne"])
def test_practice_adoption_by_the_cli_agrees_with_a_count_by_hand(small_network, by, tmp_path):
    folder, diagnostics = small_network
    current = [d for d in diagnostics if d.structure != "CAF de l'Isère"]  # its 2017 autodiagnostic replaces it
    if by == "campagne":
        current = diagnostics  # campaigns compared: each once per campaign
    arguments = ["pratiques", "--csv", str(folder)] + (["--par", by] if by else [])
    result = run_cli(*arguments)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ([by] if by else []) + ["pratique", "structures", "appliquee", "taux"]
    expected = _independent_adoption(current, by)
    got = {(row[by] if by else None, int(row["pratique"])): (int(row["structures"]), int(row["appliquee"])) for row in rows}
    assert got == expected
    for row in rows:
        assert float(row["taux"]) == 100 * int(row["appliquee"]) / int(row["structures"])


def _linear_quantile(values, q):
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def test_lever_distribution_by_the_cli_agrees_with_quantiles_by_hand(small_network):
    folder, diagnostics = small_network
    current = [d for d in diagnostics if d.structure != "CAF de l'Isère"]
    result = run_cli("reseau", "--csv", "--par", "reseau", str(folder))
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["reseau", "levier", "structures", "minimum", "q1", "mediane", "q3", "maximum"]
    assert [row["levier"] for row in rows[:5]] == LEVERS
    for row in rows:
        members = [d for d in current if (d.reseau or "(non renseigné)") == row["reseau"]]
        values = [score(d).percent(row["levier"]) for d in members]
        assert int(row["structures"]) == len(values)
        expected = [min(values), _linear_quantile(values, 0.25), _linear_quantile(values, 0.5), _linear_quantile(values, 0.75), max(values)]
        got = [float(row[c]) for c in ("minimum", "q1", "mediane", "q3", "maximum")]
        assert got == pytest.approx(expected, abs=1e-12)


def test_bad_files_are_reported_together_and_left_aside_only_when_asked(small_network):
    folder, _ = small_network
    (folder / "casse.json").write_text("{", encoding="utf-8")
    (folder / "sous-dossier" / "faux.csv").write_text("structure,q01\nX,OUI\n", encoding="utf-8")
    with pytest.raises(NetworkError) as caught:
        load_network(folder)
    assert len(caught.value.problems) == 2
    result = run_cli("pratiques", str(folder))
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and all(line.startswith("contacts-efficaces : ") for line in lines)
    assert any("casse.json : JSON invalide" in line for line in lines)
    assert any("faux.csv : colonnes obligatoires manquantes" in line for line in lines)
    result = run_cli("pratiques", "--csv", "--ignorer-erreurs", str(folder))
    assert result.returncode == 0
    assert sorted(line.split(" : ")[1] for line in result.stderr.splitlines()) == ["fichier ignoré", "fichier ignoré"]
    assert result.stdout.splitlines()[1].startswith("1,5,")  # five structures still analysed


def test_peer_standing_and_progress(small_network):
    folder, _ = small_network
    network = load_network(folder)
    latest = network.latest()
    caf = int(latest.structures.loc[latest.structures["structure"] == "caf  de l'isère", "autodiagnostic"].iloc[0])
    standing = peer_standing(latest.scores, caf).set_index("levier")
    for lever in LEVERS:
        values = latest.scores.loc[latest.scores["levier"] == lever, ["reseau", "pourcentage"]]
        mine = standing.loc[lever, "pourcentage"]
        same = values.loc[values["reseau"] == "CAF", "pourcentage"].tolist()
        assert standing.loc[lever, "structures_reseau"] == len(same) == 2
        assert standing.loc[lever, "percentile_reseau"] == 100 * (sum(v < mine for v in same) + sum(v == mine for v in same) / 2) / len(same)
        assert standing.loc[lever, "structures_ensemble"] == 5
    before, after = campaigns_of(network.structures, "CAF de l'Isère")["autodiagnostic"]  # 2016 then 2017
    levers, practices = progress(network.scores, network.answers, before, after)
    first, second = network.diagnostics[before], network.diagnostics[after]
    for row in levers.itertuples():
        assert row.evolution == pytest.approx(score(second).percent(row.levier) - score(first).percent(row.levier))
    questions = {q.number: q for q in load_catalogue().questions}
    adopted = {q for q in range(1, 37) if second.answers[q - 1] is True and first.answers[q - 1] is not True}
    dropped = {q for q in range(1, 37) if first.answers[q - 1] is True and second.answers[q - 1] is not True}
    assert set(practices.loc[practices["changement"] == "adoptée", "question"]) == adopted
    assert set(practices.loc[practices["changement"] == "abandonnée", "question"]) == dropped
    assert all(questions[q].practice.number == p for q, p in zip(practices["question"], practices["pratique"], strict=True))
    weakest = weakest_practices(latest.answers, caf, latest.answers)
    assert set(weakest["question"]) == {q for q in range(1, 37) if second.answers[q - 1] is not True}
    assert weakest["taux_pairs"].is_monotonic_decreasing


def test_a_services_publics_listing_brings_reseau_and_typologie(small_network):
    folder, _ = small_network
    network = load_network(folder)
    listing = pd.DataFrame({
        "code_sp_de_la_structure": ["SP-1", "SP-2"], "reseau": ["Préfectures", "CAF"],
        "intitule_de_la_typologie": ["Préfecture", "Caisse d'allocations familiales"],
        "intitule_de_la_structure": ["PRÉFECTURE  sans réseau", "CAF de la Drôme"],
        "description_de_la_structure": ["", ""], "identifiant_de_la_structure": ["1", "2"], "code_sp_structure_parent": ["", ""],
    })
    joined = join_services_publics(network.structures, listing).set_index("structure")
    assert joined.loc["Préfecture sans réseau", "reseau"] == "Préfectures"  # filled from the listing
    assert joined.loc["Préfecture sans réseau", "typologie"] == "Préfecture"
    assert joined.loc["CAF de la Drôme", "code_sp_de_la_structure"] == "SP-2"
    assert joined.loc["CAF de la Drôme", "reseau"] == "CAF"
    assert pd.isna(joined.loc["CPAM du Rhône", "typologie"])


def test_the_sample_network_is_synthetic_deterministic_and_has_something_to_show(tmp_path):
    first, second = sample_network(400, seed=7), sample_network(400, seed=7)
    assert first == second
    assert sample_network(400, seed=8) != first
    assert all("fictive" in d.structure for d in first)
    network = Network(tuple(first), ("x",) * len(first))
    assert set(network.structures["campagne"]) == {"2016", "2017"}
    assert network.structures["reseau"].nunique() >= 6 and network.structures["region"].nunique() >= 10
    rates = adoption(network.latest().answers)["taux"]
    assert rates.max() - rates.min() > 40  # practices spread unevenly
    by_reseau = adoption(network.latest().answers, by="reseau").pivot(index="pratique", columns="reseau", values="taux")
    assert (by_reseau.max(axis=1) - by_reseau.min(axis=1)).mean() > 15  # réseaux differ
    both = network.structures.groupby("cle_structure")["campagne"].nunique()
    assert (both == 2).mean() > 0.7
    moyenne = network.scores[network.scores["levier"] == "moyenne"].groupby("campagne")["pourcentage"].median()
    assert moyenne["2017"] > moyenne["2016"]  # plausible progress
    users = network.structures["usagers"].dropna()
    assert 1_000 < users.median() < 1_000_000
    result = run_cli("exemple", str(tmp_path / "ex"), "--structures", "50", "--graine", "7")
    assert result.returncode == 0, result.stderr
    files = sorted(p.name for p in (tmp_path / "ex").iterdir())
    assert files == ["reseau-synthetique-2016.csv", "reseau-synthetique-2017.csv"]
    assert run_cli("exemple", str(tmp_path / "ex")).returncode == 2  # never overwritten without --force
    assert len(load_network(tmp_path / "ex").latest()) == 50


def test_network_command_errors_are_french(tmp_path):
    result = run_cli("pratiques", str(tmp_path / "absent"))
    assert result.returncode == 2 and "absent : fichier ou dossier introuvable." in result.stderr
    (tmp_path / "vide").mkdir()
    result = run_cli("reseau", str(tmp_path / "vide"))
    assert result.returncode == 2 and "vide : aucun fichier .json, .csv, .xlsx dans ce dossier." in result.stderr
    result = run_cli("pratiques", "--par", "departement", str(tmp_path))
    assert result.returncode == 2 and "--par : valeur 'departement' inconnue (au choix : 'reseau', 'region', 'campagne')" in result.stderr
    result = run_cli("exemple", str(tmp_path / "x"), "--structures", "0")
    assert result.returncode == 2 and "--structures : entre 1 et 20000, pas 0." in result.stderr


def test_the_committed_sample_is_what_the_generator_makes(tmp_path):
    from contacts_lib.network.sample import write_sample_network
    from tests.samples import ROOT

    for path in write_sample_network(tmp_path):
        assert path.read_bytes() == (ROOT / "data" / "reseau-synthetique" / path.name).read_bytes()
