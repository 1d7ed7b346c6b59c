"""Network analyses: frames in, frames out (see :mod:`contacts_lib.network.tables`).

Every function takes the tidy tables of a :class:`network.Network` (``structures``, ``answers``,
``scores``) and returns a new frame; the CLI, the pages and the reports only format what comes
out. Each checks first that it was given the table it expects (:func:`frames.expect`): a wrong
frame, a missing column or an unknown ``autodiagnostic`` identifier gets a French message that
names what was expected. One autodiagnostic is named by its identifier, the ``autodiagnostic``
column of the tables, the same in every view of a network.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from contacts_lib.access import CODE_COLUMN
from contacts_lib.autodiagnostic.answers import YES
from contacts_lib.frames import FrameError, expect, expect_identifier, table
from contacts_lib.network.tables import (
    ANSWERS,
    MOYENNE,
    SCORES,
    STRUCTURES,
    lever_order,
    structure_key,
)

#: The groupings an analyst may ask for (``--par``).
GROUPINGS = ("reseau", "region", "campagne")
#: Shown when a grouping value is missing (a structure without réseau, say).
MISSING_GROUP = "(non renseigné)"

#: Any table of a network: what :func:`keep` filters.
NETWORK_TABLE = table("une table du réseau (Network.structures, Network.answers ou Network.scores)", ["autodiagnostic"])
#: The tables built here, as the figures expect them.
ADOPTION = table("la table d'adoption des pratiques (adoption)", ["pratique", "structures", "appliquee", "taux"])
DISTRIBUTION = table("la distribution des leviers (lever_distribution)",
                     ["levier", "structures", "minimum", "q1", "mediane", "q3", "maximum"])


def latest(structures: pd.DataFrame) -> pd.Series:
    """The ``autodiagnostic`` identifiers to show in a network view: each structure once, its
    latest autodiagnostic by date (an undated one counts as the oldest), then by position in the
    table (the input order); sorted.

    >>> from contacts_lib.network import latest, load_network
    >>> network = load_network("data/reseau-synthetique/")
    >>> chosen = latest(network.structures)
    >>> len(network), len(chosen), list(chosen[:3])
    (550, 300, [10, 19, 20])
    """
    expect(structures, STRUCTURES, "latest", "structures")
    ordered = structures.assign(_position=np.arange(len(structures)))
    ordered = ordered.sort_values(["cle_structure", "date", "_position"], na_position="first")
    return ordered.groupby("cle_structure", sort=False)["autodiagnostic"].last().sort_values().reset_index(drop=True)


def keep(frame: pd.DataFrame, autodiagnostics: Iterable[int]) -> pd.DataFrame:
    """The rows of ``frame`` (any table of a network) that belong to the given autodiagnostics.

    >>> from contacts_lib.network import keep, load_network
    >>> network = load_network("data/exemples/reseau-exemple.csv")
    >>> keep(network.scores, [1])[["autodiagnostic", "levier", "arrondi"]].head(2)
       autodiagnostic       levier  arrondi
    0               1  orientation       60
    1               1   excellence       55
    """
    expect(frame, NETWORK_TABLE, "keep", "frame")
    return frame[frame["autodiagnostic"].isin(list(autodiagnostics))].reset_index(drop=True)


def _groups(frame: pd.DataFrame, by: str | None, function: str) -> list[str]:
    if by is None:
        return []
    if by not in GROUPINGS:
        raise FrameError(f"{function}, argument « by » : {by!r} inconnu (au choix : {', '.join(GROUPINGS)} ou None).")
    frame[by] = frame[by].fillna(MISSING_GROUP).astype(str)
    return [by]


def adoption(answers: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Adoption of each practice: ``[by,] pratique, structures, appliquee, taux``.

    ``structures`` counts the autodiagnostics in the group, ``appliquee`` those answering OUI
    (no answer counts as not applied, as in the scores), ``taux`` = 100 × appliquee ÷ structures.
    ``answers``: :attr:`Network.answers`, usually of :meth:`Network.latest` (each structure once).

    >>> from contacts_lib.network import adoption, load_network
    >>> network = load_network("data/reseau-synthetique/").latest()
    >>> adoption(network.answers).head(3)
       pratique  structures  appliquee       taux
    0         1         300        203  67.666667
    1         2         300        167  55.666667
    2         3         300        233  77.666667
    >>> adoption(network.answers, by="reseau").head(2)
      reseau  pratique  structures  appliquee       taux
    0    CAF         1          45         29  64.444444
    1    CAF         2          45         23  51.111111
    """
    expect(answers, ANSWERS, "adoption", "answers")
    frame = answers.copy()
    groups = _groups(frame, by, "adoption")
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
    minimum, q1, mediane, q3, maximum`` (percentages; quartiles as pandas' default quantile).
    ``scores``: :attr:`Network.scores`, usually of :meth:`Network.latest`.

    >>> from contacts_lib.network import lever_distribution, load_network
    >>> network = load_network("data/reseau-synthetique/").latest()
    >>> lever_distribution(network.scores).round(1)
            levier  structures  minimum    q1  mediane    q3  maximum
    0  orientation         300     10.0  50.0     60.0  72.5    100.0
    1   excellence         300      0.0  27.3     45.5  63.6     90.9
    2     pilotage         300      0.0  37.5     50.0  75.0    100.0
    3   innovation         300      0.0  28.6     57.1  71.4    100.0
    4      moyenne         300     10.4  42.4     52.1  65.9     93.0
    """
    expect(scores, SCORES, "lever_distribution", "scores")
    frame = scores.copy()
    groups = _groups(frame, by, "lever_distribution")
    frame["levier"] = pd.Categorical(frame["levier"], categories=lever_order(), ordered=True)
    grouped = frame.groupby([*groups, "levier"], observed=True, sort=True)["pourcentage"]
    table = grouped.agg(
        structures="count", minimum="min", q1=lambda s: s.quantile(0.25), mediane="median",
        q3=lambda s: s.quantile(0.75), maximum="max",
    ).reset_index()
    table["levier"] = table["levier"].astype(str)
    return table


def percentile_rank(values: pd.Series, value: float) -> float:
    """Share of ``values`` below ``value``, ties counting half (0–100): 50 is the middle.

    >>> import pandas as pd
    >>> from contacts_lib.network import percentile_rank
    >>> percentile_rank(pd.Series([10, 20, 30, 40]), 30)
    62.5
    """
    below = (values < value).sum()
    equal = (values == value).sum()
    return float(100 * (below + equal / 2) / len(values))


def peer_standing(scores: pd.DataFrame, autodiagnostic: int) -> pd.DataFrame:
    """One structure against its peers, per lever: ``levier, pourcentage, mediane_reseau,
    percentile_reseau, structures_reseau, mediane_ensemble, percentile_ensemble,
    structures_ensemble``. ``scores`` holds the peers, one autodiagnostic each, the structure
    included (:attr:`Network.scores` of :meth:`Network.latest`); ``autodiagnostic`` is the
    structure's identifier (the ``autodiagnostic`` column, the same in every view).

    >>> from contacts_lib.network import load_network, peer_standing
    >>> network = load_network("data/reseau-synthetique/").latest()
    >>> standing = peer_standing(network.scores, 278)    # CAF fictive n° 00004, 2017
    >>> standing[["levier", "pourcentage", "mediane_reseau", "percentile_reseau", "percentile_ensemble"]].round(1)
            levier  pourcentage  mediane_reseau  percentile_reseau  percentile_ensemble
    0  orientation         90.0            60.0               92.2                 93.8
    1   excellence         63.6            45.5               80.0                 78.7
    2     pilotage         75.0            62.5               75.6                 79.0
    3   innovation         57.1            42.9               70.0                 58.7
    4      moyenne         71.4            50.1               83.3                 85.2
    """
    expect(scores, SCORES, "peer_standing", "scores")
    own = expect_identifier(scores, autodiagnostic, "peer_standing", "autodiagnostic").set_index("levier")
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
    their identifiers, e.g. its 2016 and 2017 campaigns: see :func:`campaigns_of`); ``scores``
    and ``answers``: tables holding both (:attr:`Network.scores` and :attr:`Network.answers` of
    the whole network, not of its latest view).

    Returns the lever table ``levier, avant, apres, evolution`` (percentages, ``evolution`` in
    points) and the practice table ``pratique, question, avant, apres, changement`` for the
    practices whose answer changed (``changement``: « adoptée » or « abandonnée »).

    >>> from contacts_lib.network import campaigns_of, load_network, progress
    >>> network = load_network("data/reseau-synthetique/")
    >>> campaigns_of(network.structures, "CAF fictive n° 00004 — Nouvelle-Aquitaine")["autodiagnostic"].tolist()
    [3, 278]
    >>> levers, practices = progress(network.scores, network.answers, 3, 278)
    >>> levers.round(1)
            levier  avant  apres  evolution
    0  orientation   70.0   90.0       20.0
    1   excellence   45.5   63.6       18.2
    2     pilotage   75.0   75.0        0.0
    3   innovation   42.9   57.1       14.3
    4      moyenne   58.3   71.4       13.1
    >>> practices.head(3)
       pratique  question avant apres changement
    0         2         2   NON   OUI    adoptée
    1         5         5   NON   OUI    adoptée
    2        16        15   NON   OUI    adoptée
    """
    expect(scores, SCORES, "progress", "scores")
    expect(answers, ANSWERS, "progress", "answers")
    for argument, number in (("before", before), ("after", after)):
        expect_identifier(scores, number, "progress", argument)
        expect_identifier(answers, number, "progress", argument)

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
    oldest first (by date, then position in the table): ``autodiagnostic, campagne, date``.

    >>> from contacts_lib.network import campaigns_of, load_network
    >>> network = load_network("data/reseau-synthetique/")
    >>> campaigns_of(network.structures, "caf fictive n° 00004 — nouvelle-aquitaine")
       autodiagnostic campagne       date
    0               3     2016 2016-04-16
    1             278     2017 2017-03-30
    """
    expect(structures, STRUCTURES, "campaigns_of", "structures")
    mine = structures[structures["cle_structure"] == structure_key(name)]
    ordered = mine.assign(_position=np.arange(len(mine))).sort_values(["date", "_position"], na_position="first")
    return ordered[["autodiagnostic", "campagne", "date"]].reset_index(drop=True)


#: The columns of the Services Publics+ structure export (open data).
SERVICES_PUBLICS_COLUMNS = (
    "code_sp_de_la_structure", "reseau", "intitule_de_la_typologie", "intitule_de_la_structure",
    "description_de_la_structure", "identifiant_de_la_structure", "code_sp_structure_parent",
)
#: What :func:`join_services_publics` reads of such a list.
SERVICES_PUBLICS = table("une liste de structures au format de l'export Services Publics+",
                         ["code_sp_de_la_structure", "reseau", "intitule_de_la_typologie", "intitule_de_la_structure"])


def join_services_publics(structures: pd.DataFrame, listing: pd.DataFrame) -> pd.DataFrame:
    """``structures`` with the réseau and typologie of a Services Publics+ structure list: joined
    by ``code_sp_de_la_structure`` where the autodiagnostic carries that column, else by name
    (:func:`structure_key` of ``intitule_de_la_structure``). Adds ``typologie``,
    ``code_sp_de_la_structure`` and ``reseau_services_publics``; fills a missing ``reseau``.

    >>> import pandas as pd
    >>> from contacts_lib.network import join_services_publics, load_network
    >>> network = load_network("data/exemples/reseau-exemple.csv")
    >>> listing = pd.DataFrame({"code_sp_de_la_structure": ["SP-7"], "reseau": ["Caf"],
    ...     "intitule_de_la_typologie": ["Caisse d'allocations familiales"],
    ...     "intitule_de_la_structure": ["CAF DE VILLE-EXEMPLE (FICTIVE)"]})
    >>> joined = join_services_publics(network.structures, listing)
    >>> joined[["code_sp_de_la_structure", "typologie"]]
      code_sp_de_la_structure                        typologie
    0                    <NA>                              NaN
    1                    SP-7  Caisse d'allocations familiales
    2                    <NA>                              NaN
    """
    expect(structures, STRUCTURES, "join_services_publics", "structures")
    expect(listing, SERVICES_PUBLICS, "join_services_publics", "listing")
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
    if PARENT_COLUMN in listing:  # the structure above each one (the export's own column)
        listed = info[PARENT_COLUMN].astype("string").str.strip().replace("", pd.NA)
        own_parent = frame[PARENT_COLUMN].astype("string").str.strip().replace("", pd.NA) if PARENT_COLUMN in frame else None
        frame[PARENT_COLUMN] = code.map(listed) if own_parent is None else own_parent.fillna(code.map(listed))
    return frame


#: The Services Publics+ column of the structure above a structure (beside its own code,
#: ``access.CODE_COLUMN``), as the autodiagnostics carry it (an extra column of a CSV, a key of a
#: JSON) or as :func:`join_services_publics` adds it.
PARENT_COLUMN = "code_sp_structure_parent"


def _code(value: object) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip()
    return text.casefold() or None


def descendants(structures: pd.DataFrame, code: str, listing: pd.DataFrame | None = None) -> pd.Series:
    """The identifiers (``autodiagnostic``) of the structures at or under the Services Publics+
    code ``code``: the structure of that code, the structures whose parent it is, theirs, and so
    on. The tree is read from the structures' own ``code_sp_de_la_structure`` and
    ``code_sp_structure_parent``, and from ``listing`` (an export's rows, where levels without an
    autodiagnostic — a regional direction — link the others); codes are compared without case
    or surrounding spaces; a loop in the tree is harmless.

    >>> import pandas as pd
    >>> from contacts_lib.network import descendants
    >>> structures = pd.DataFrame({"autodiagnostic": [0, 1, 2, 3], "code_sp_de_la_structure": ["N", "R1", "L1", "X"],
    ...                            "code_sp_structure_parent": [None, "N", "r1", None]})
    >>> descendants(structures, "n").tolist()
    [0, 1, 2]
    """
    expect(structures, table("la table des structures", ["autodiagnostic"]), "descendants", "structures")
    children: dict[str, set[str]] = {}
    pairs = []
    for frame in (structures, listing if listing is not None else pd.DataFrame()):
        if CODE_COLUMN in frame and PARENT_COLUMN in frame:
            pairs += list(zip(frame[CODE_COLUMN], frame[PARENT_COLUMN], strict=True))
    for own, parent in pairs:
        if _code(own) and _code(parent):
            children.setdefault(_code(parent), set()).add(_code(own))
    wanted, todo = set(), [_code(code)]
    while todo:
        current = todo.pop()
        if current is None or current in wanted:
            continue
        wanted.add(current)
        todo += children.get(current, ())
    if CODE_COLUMN not in structures:
        return structures["autodiagnostic"].iloc[0:0]
    mine = structures[CODE_COLUMN].map(_code).isin(wanted)
    return structures.loc[mine, "autodiagnostic"]


def parents(structures: pd.DataFrame) -> pd.DataFrame:
    """The codes that have structures under them: ``code``, ``nom`` (the name of the structure
    of that code when it is in the network, else the code), ``structures`` (how many at or
    under it), largest first."""
    if CODE_COLUMN not in structures or PARENT_COLUMN not in structures:
        return pd.DataFrame({"code": [], "nom": [], "structures": []})
    named = {_code(c): (str(c).strip(), n) for c, n in zip(structures[CODE_COLUMN], structures["structure"], strict=True) if _code(c)}
    codes = sorted({_code(p) for p in structures[PARENT_COLUMN] if _code(p)})
    rows = []
    for code in codes:
        shown, name = named.get(code, (code.upper(), None))
        rows.append({"code": shown, "nom": name or shown, "structures": len(descendants(structures, code))})
    frame = pd.DataFrame(rows, columns=["code", "nom", "structures"])
    return frame.sort_values(["structures", "nom"], ascending=[False, True], kind="stable").reset_index(drop=True)


def weakest_practices(answers: pd.DataFrame, autodiagnostic: int, peers: pd.DataFrame) -> pd.DataFrame:
    """The practices one structure has not applied, with how many of its peers apply each:
    ``pratique, question, levier, pairs, pairs_appliquant, taux_pairs`` (most adopted first —
    « who has already done it » is the recueil's retours d'expérience).

    ``answers``: a table of answers holding the structure's autodiagnostic, named by its
    identifier ``autodiagnostic``; ``peers``: the answers of the peers it is compared with (the
    structure itself is left out), e.g. the same :attr:`Network.answers` of :meth:`Network.latest`,
    or those of its réseau only.

    >>> from contacts_lib.network import load_network, weakest_practices
    >>> network = load_network("data/reseau-synthetique/").latest()
    >>> weakest_practices(network.answers, 278, network.answers).head(3).round(1)
       pratique  question       levier  pairs  pairs_appliquant  taux_pairs
    0         7         7  orientation    299               238        79.6
    1        32        32   innovation    299               213        71.2
    2        12        11   excellence    299               180        60.2
    """
    expect(answers, ANSWERS, "weakest_practices", "answers")
    expect(peers, ANSWERS, "weakest_practices", "peers")
    own = expect_identifier(answers, autodiagnostic, "weakest_practices", "autodiagnostic")
    mine = own[own["reponse"] != YES]
    others = adoption(peers[peers["autodiagnostic"] != autodiagnostic])
    table = mine[["pratique", "question", "levier"]].merge(others, on="pratique", how="left")
    table = table.rename(columns={"structures": "pairs", "appliquee": "pairs_appliquant", "taux": "taux_pairs"})
    return table.sort_values(["taux_pairs", "pratique"], ascending=[False, True]).reset_index(drop=True)


__all__ = [
    "ADOPTION", "DISTRIBUTION", "GROUPINGS", "MISSING_GROUP", "MOYENNE", "SERVICES_PUBLICS", "SERVICES_PUBLICS_COLUMNS", "adoption", "campaigns_of", "join_services_publics",
    "keep", "latest", "lever_distribution", "peer_standing", "percentile_rank", "progress", "weakest_practices",
]
