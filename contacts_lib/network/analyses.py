"""Network analyses: frames in, frames out (see :mod:`contacts_lib.network.tables`).

Every function takes the tidy tables and returns a new frame; the CLI, the pages and the
reports only format what comes out.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from contacts_lib.autodiagnostic.answers import YES
from contacts_lib.network.tables import MOYENNE, lever_order, structure_key

#: The groupings an analyst may ask for (``--par``).
GROUPINGS = ("reseau", "region", "campagne")
#: Shown when a grouping value is missing (a structure without réseau, say).
MISSING_GROUP = "(non renseigné)"


def latest(structures: pd.DataFrame) -> pd.Series:
    """The ``autodiagnostic`` numbers to show in a network view: each structure once, its latest
    autodiagnostic by date (an undated one counts as the oldest), then by position in the input."""
    ordered = structures.sort_values(["cle_structure", "date", "autodiagnostic"], na_position="first")
    return ordered.groupby("cle_structure", sort=False)["autodiagnostic"].last().sort_values().reset_index(drop=True)


def keep(frame: pd.DataFrame, autodiagnostics: Iterable[int]) -> pd.DataFrame:
    """The rows of ``frame`` that belong to the given autodiagnostics."""
    return frame[frame["autodiagnostic"].isin(list(autodiagnostics))].reset_index(drop=True)


def _groups(frame: pd.DataFrame, by: str | None) -> list[str]:
    if by is None:
        return []
    if by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}; one of {GROUPINGS}")
    frame[by] = frame[by].fillna(MISSING_GROUP).astype(str)
    return [by]


def adoption(answers: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Adoption of each practice: ``[by,] pratique, structures, appliquee, taux``.

    ``structures`` counts the autodiagnostics in the group, ``appliquee`` those answering OUI
    (no answer counts as not applied, as in the scores), ``taux`` = 100 × appliquee ÷ structures."""
    frame = answers.copy()
    groups = _groups(frame, by)
    frame["appliquee"] = (frame["reponse"] == YES).astype(np.int64)
    table = (
        frame.groupby([*groups, "pratique"], observed=True, sort=True)
        .agg(structures=("autodiagnostic", "nunique"), appliquee=("appliquee", "sum"))
        .reset_index()
    )
    table["taux"] = 100 * table["appliquee"] / table["structures"]
    return table


def lever_distribution(scores: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Distribution of each lever's coverage and of the moyenne: ``[by,] levier, structures,
    minimum, q1, mediane, q3, maximum`` (percentages; quartiles as pandas' default quantile)."""
    frame = scores.copy()
    groups = _groups(frame, by)
    frame["levier"] = pd.Categorical(frame["levier"], categories=lever_order(), ordered=True)
    grouped = frame.groupby([*groups, "levier"], observed=True, sort=True)["pourcentage"]
    table = grouped.agg(
        structures="count", minimum="min", q1=lambda s: s.quantile(0.25), mediane="median",
        q3=lambda s: s.quantile(0.75), maximum="max",
    ).reset_index()
    table["levier"] = table["levier"].astype(str)
    return table


def percentile_rank(values: pd.Series, value: float) -> float:
    """Share of ``values`` below ``value``, ties counting half (0–100): 50 is the middle."""
    below = (values < value).sum()
    equal = (values == value).sum()
    return float(100 * (below + equal / 2) / len(values))


def peer_standing(scores: pd.DataFrame, autodiagnostic: int) -> pd.DataFrame:
    """One structure against its peers, per lever: ``levier, pourcentage, mediane_reseau,
    percentile_reseau, structures_reseau, mediane_ensemble, percentile_ensemble,
    structures_ensemble`` (``scores`` holds the peers, one autodiagnostic each, the structure
    included)."""
    own = scores[scores["autodiagnostic"] == autodiagnostic].set_index("levier")
    if own.empty:
        raise KeyError(autodiagnostic)
    reseau = own["reseau"].iloc[0]
    rows = []
    for lever in lever_order():
        value = own.loc[lever, "pourcentage"]
        everyone = scores.loc[scores["levier"] == lever, ["reseau", "pourcentage"]]
        same = everyone.loc[everyone["reseau"] == reseau, "pourcentage"] if pd.notna(reseau) else everyone["pourcentage"].iloc[0:0]
        rows.append({
            "levier": lever,
            "pourcentage": value,
            "mediane_reseau": same.median() if len(same) else np.nan,
            "percentile_reseau": percentile_rank(same, value) if len(same) else np.nan,
            "structures_reseau": len(same),
            "mediane_ensemble": everyone["pourcentage"].median(),
            "percentile_ensemble": percentile_rank(everyone["pourcentage"], value),
            "structures_ensemble": len(everyone),
        })
    return pd.DataFrame(rows)


def progress(scores: pd.DataFrame, answers: pd.DataFrame, before: int, after: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What changed between two autodiagnostics of one structure (``before`` and ``after`` are
    autodiagnostic numbers, e.g. its 2016 and 2017 campaigns).

    Returns the lever table ``levier, avant, apres, evolution`` (percentages, ``evolution`` in
    points) and the practice table ``pratique, question, avant, apres, changement`` for the
    practices whose answer changed (``changement``: « adoptée » or « abandonnée »)."""
    def levers_of(number: int) -> pd.Series:
        return scores[scores["autodiagnostic"] == number].set_index("levier")["pourcentage"]

    levers = pd.DataFrame({"avant": levers_of(before), "apres": levers_of(after)}).reindex(lever_order())
    levers["evolution"] = levers["apres"] - levers["avant"]
    levers = levers.rename_axis("levier").reset_index()

    def answers_of(number: int) -> pd.DataFrame:
        return answers[answers["autodiagnostic"] == number].set_index("question")[["pratique", "reponse"]]

    old, new = answers_of(before), answers_of(after)
    practices = pd.DataFrame({
        "pratique": new["pratique"],
        "avant": old["reponse"].astype(object),
        "apres": new["reponse"].astype(object),
    }).rename_axis("question").reset_index()
    was, now = practices["avant"] == YES, practices["apres"] == YES
    practices["changement"] = np.select([now & ~was, was & ~now], ["adoptée", "abandonnée"], default="")
    changed = practices[practices["changement"] != ""][["pratique", "question", "avant", "apres", "changement"]]
    return levers, changed.sort_values("pratique").reset_index(drop=True)


def campaigns_of(structures: pd.DataFrame, name: str) -> pd.DataFrame:
    """The autodiagnostics of one structure (by name, compared as :func:`structure_key` says),
    oldest first: ``autodiagnostic, campagne, date``."""
    mine = structures[structures["cle_structure"] == structure_key(name)]
    return mine.sort_values(["date", "autodiagnostic"], na_position="first")[["autodiagnostic", "campagne", "date"]].reset_index(drop=True)


#: The columns of the Services Publics+ structure export (open data).
SERVICES_PUBLICS_COLUMNS = (
    "code_sp_de_la_structure", "reseau", "intitule_de_la_typologie", "intitule_de_la_structure",
    "description_de_la_structure", "identifiant_de_la_structure", "code_sp_structure_parent",
)


def join_services_publics(structures: pd.DataFrame, listing: pd.DataFrame) -> pd.DataFrame:
    """``structures`` with the réseau and typologie of a Services Publics+ structure list: joined
    by ``code_sp_de_la_structure`` where the autodiagnostic carries that column, else by name
    (:func:`structure_key` of ``intitule_de_la_structure``). Adds ``typologie``,
    ``code_sp_de_la_structure`` and ``reseau_services_publics``; fills a missing ``reseau``."""
    listing = listing.copy()
    listing["code"] = listing["code_sp_de_la_structure"].astype("string").str.strip()
    listing["cle_structure"] = listing["intitule_de_la_structure"].astype(str).map(structure_key)
    code_of_name = listing.drop_duplicates("cle_structure").set_index("cle_structure")["code"]
    info = listing.drop_duplicates("code").set_index("code")
    frame = structures.copy()
    if "code_sp_de_la_structure" in frame:
        own = frame["code_sp_de_la_structure"].astype("string").str.strip()
    else:
        own = pd.Series(pd.NA, index=frame.index, dtype="string")
    code = own.where(own.isin(info.index), frame["cle_structure"].map(code_of_name))
    frame["code_sp_de_la_structure"] = code
    frame["typologie"] = code.map(info["intitule_de_la_typologie"])
    frame["reseau_services_publics"] = code.map(info["reseau"])
    frame["reseau"] = frame["reseau"].fillna(frame["reseau_services_publics"])
    return frame


def weakest_practices(answers: pd.DataFrame, autodiagnostic: int, peers: pd.DataFrame) -> pd.DataFrame:
    """The practices one structure has not applied, with how many of its peers apply each:
    ``pratique, question, levier, pairs, pairs_appliquant, taux_pairs`` (most adopted first —
    « who has already done it » is the recueil's retours d'expérience)."""
    mine = answers[(answers["autodiagnostic"] == autodiagnostic) & (answers["reponse"] != YES)]
    others = adoption(peers[peers["autodiagnostic"] != autodiagnostic])
    table = mine[["pratique", "question", "levier"]].merge(others, on="pratique", how="left")
    table = table.rename(columns={"structures": "pairs", "appliquee": "pairs_appliquant", "taux": "taux_pairs"})
    return table.sort_values(["taux_pairs", "pratique"], ascending=[False, True]).reset_index(drop=True)


__all__ = [
    "GROUPINGS", "MISSING_GROUP", "MOYENNE", "SERVICES_PUBLICS_COLUMNS", "adoption", "campaigns_of", "join_services_publics",
    "keep", "latest", "lever_distribution", "peer_standing", "percentile_rank", "progress", "weakest_practices",
]
