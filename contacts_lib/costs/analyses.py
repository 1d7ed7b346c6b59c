"""Channel costs: what each structure's contacts cost, what réitération costs, and what moving
contacts to a cheaper channel would save.

Unit costs are **the user's input**. The presets shipped in ``data/couts-unitaires.csv`` are
published British figures (local government, cost per contact), each with its source, year and
currency, shown next to the values and never presented as French figures; the user edits any
value. A channel without a unit cost is left out of the totals, and said.

Volumes come from a structure's autodiagnostic (visits, calls, letters, e-mails a year; the web
counts its monthly unique visitors × 12, an approximation) or from a contact log. Every function
takes and returns tidy pandas frames — the structures of a network (:attr:`network.Network.structures`),
the volumes built here (:data:`VOLUMES`) — or a contact log (:class:`logs.ContactLog`, the logs'
tidy input), and checks it was given the table it expects (:func:`frames.expect`).
"""

from __future__ import annotations

import csv
import dataclasses
import math
from dataclasses import dataclass
from functools import lru_cache

from contacts_lib.autodiagnostic.reference import data_dir
from contacts_lib.frames import expect, expect_kind, table
from contacts_lib.messages import InputError, show_value

#: The channels, in the order every table shows them (the contact logs' vocabulary).
CANALS = ("guichet", "telephone", "courrier", "courriel", "web")
#: The autodiagnostic field that gives each channel's yearly volume, and its factor.
VOLUME_FIELDS = {
    "guichet": ("visites_guichet", 1),
    "telephone": ("appels", 1),
    "courrier": ("courriers", 1),
    "courriel": ("courriels", 1),
    "web": ("visiteurs_web_mensuels", 12),
}
PRESETS_FILE = "couts-unitaires.csv"
TOTAL = "TOTAL"
#: The volumes of contacts, one row per structure × channel (built by the two functions below).
VOLUMES = table("la table des volumes (volumes_from_autodiagnostics ou volumes_from_log)",
                ["structure", "canal", "contacts", "usagers"])


@dataclass(frozen=True)
class UnitCosts:
    """A unit cost per channel (None: not known), its currency and where the values come from.

    >>> from contacts_lib.costs import UnitCosts
    >>> costs = UnitCosts({"guichet": 12.0, "telephone": 4.0, "web": None}, "EUR", "coûts de la structure", "2026")
    >>> costs.known()
    {'guichet': 12.0, 'telephone': 4.0}
    >>> print(costs.with_values({"web": 0.5}).label())
    EUR — coûts de la structure, 2026 ; valeurs modifiées par l'utilisateur
    """

    values: dict[str, float | None]
    devise: str = "EUR"
    source: str = "coûts saisis par l'utilisateur"
    annee: str = ""
    perimetre: str = ""
    modified: bool = False

    def label(self) -> str:
        """« GBP — Socitm Insight (Royaume-Uni), 2010 (coût par contact, …) » — shown next to
        the values, with « modifiés par l'utilisateur » once the user changed one."""
        year = f", {self.annee}" if self.annee else (", année non précisée" if self.perimetre else "")
        scope = f" ({self.perimetre})" if self.perimetre else ""
        changed = " ; valeurs modifiées par l'utilisateur" if self.modified else ""
        return f"{self.devise} — {self.source}{year}{scope}{changed}"

    def known(self) -> dict[str, float]:
        return {canal: value for canal, value in self.values.items() if value is not None}

    def with_values(self, changes: dict[str, float | None]) -> UnitCosts:
        """The same costs with some values changed by the user (said by :meth:`label`)."""
        if not changes:
            return self
        return dataclasses.replace(self, values={**self.values, **changes}, modified=True)


@lru_cache(maxsize=1)
def presets() -> dict[str, UnitCosts]:
    """The shipped presets by name (``data/couts-unitaires.csv``): British figures, each with its
    source, year and currency — never French costs.

    >>> from contacts_lib.costs import presets
    >>> sorted(presets())
    ['pwc-londres', 'socitm-2010', 'socitm-welwyn']
    >>> print(presets()["socitm-2010"].label())
    GBP — Socitm Insight (Royaume-Uni), 2010 (coût par contact, administrations locales britanniques)
    """
    found = {}
    with open(data_dir() / PRESETS_FILE, encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            values = {canal: float(row[canal]) if row[canal].strip() else None for canal in CANALS}
            found[row["preset"]] = UnitCosts(values, row["devise"], row["source"], row["annee"], row["perimetre"])
    return found


def cost_changes(pairs: list[str]) -> dict[str, float | None]:
    """Unit costs typed by the user, « canal=valeur » each (« guichet=8,62 », « web=0.15 »; an
    empty value: not known).

    >>> from contacts_lib.costs import cost_changes
    >>> cost_changes(["guichet=8,62", "Web=0.15", "courrier="])
    {'guichet': 8.62, 'web': 0.15, 'courrier': None}
    """
    changes: dict[str, float | None] = {}
    for pair in pairs:
        if "=" not in pair:
            raise InputError(f"coût unitaire {show_value(pair.strip())} : écrivez canal=valeur (par exemple web=0.15).")
        canal, value = (part.strip() for part in pair.split("=", 1))
        canal = canal.casefold()
        if canal not in CANALS:
            raise InputError(f"coût unitaire : canal {show_value(canal)} inconnu (au choix : {', '.join(CANALS)}).")
        changes[canal] = _cost_value(value, canal)
    return changes


def unit_costs(preset: str | None = None, changes: dict[str, float | None] | None = None, devise: str | None = None) -> UnitCosts:
    """A preset (by name) or no value at all, with the user's changes (:func:`cost_changes`) and
    currency.

    >>> from contacts_lib.costs import unit_costs
    >>> unit_costs("socitm-2010", {"web": 0.2}).values
    {'guichet': 7.4, 'telephone': 2.9, 'courrier': None, 'courriel': None, 'web': 0.2}
    >>> unit_costs(None, {"guichet": 12.0}).label()
    "EUR — coûts saisis par l'utilisateur ; valeurs modifiées par l'utilisateur"
    """
    if preset is None:
        base = UnitCosts({canal: None for canal in CANALS})
    elif preset in presets():
        base = presets()[preset]
    else:
        raise InputError(f"préréglage de coûts {show_value(preset)} inconnu (au choix : {', '.join(presets())}).")
    costs = base.with_values(changes or {})
    if devise:
        costs = dataclasses.replace(costs, devise=devise)
    return costs


def _cost_value(text: str, canal: str) -> float | None:
    if not text:
        return None
    try:
        value = float(text.replace(",", ".").replace("\u202f", "").replace(" ", ""))
    except ValueError:
        raise InputError(f"coût unitaire du canal {canal} : {show_value(text)} n'est pas un nombre.") from None
    if not math.isfinite(value) or value < 0:
        raise InputError(f"coût unitaire du canal {canal} : {show_value(text)} ; un coût est un nombre positif ou nul.")
    return value


def volumes_from_autodiagnostics(structures):
    """One row per structure × channel: ``structure, canal, contacts`` (a year; missing when
    the autodiagnostic does not give it) and ``usagers``, from the structures of a network
    (:attr:`network.Network.structures`, usually of its latest view).

    >>> from contacts_lib.costs import volumes_from_autodiagnostics
    >>> from contacts_lib.network import load_network
    >>> network = load_network("data/exemples/reseau-exemple.csv")
    >>> volumes_from_autodiagnostics(network.structures).iloc[5:10]
                            structure      canal  contacts  usagers
    5  CAF de Ville-Exemple (fictive)    guichet     64000   185000
    6  CAF de Ville-Exemple (fictive)  telephone    410000   185000
    7  CAF de Ville-Exemple (fictive)   courrier    120000   185000
    8  CAF de Ville-Exemple (fictive)   courriel     52000   185000
    9  CAF de Ville-Exemple (fictive)        web   2760000   185000
    """
    import pandas as pd

    from contacts_lib.network.tables import STRUCTURES

    expect(structures, STRUCTURES, "volumes_from_autodiagnostics", "structures")

    rows = []
    for record in structures.to_dict("records"):
        for canal in CANALS:
            column, factor = VOLUME_FIELDS[canal]
            volume = record.get(column)
            rows.append({"structure": record["structure"], "canal": canal,
                         "contacts": None if volume is None or pd.isna(volume) else int(volume) * factor,
                         "usagers": None if pd.isna(record.get("usagers")) else int(record["usagers"])})
    frame = pd.DataFrame(rows, columns=["structure", "canal", "contacts", "usagers"])
    return frame.astype({"contacts": "Int64", "usagers": "Int64"})


def volumes_from_log(log):
    """One row per structure × channel of a contact log (:func:`logs.load_log`): ``structure,
    canal, contacts`` and ``usagers`` (distinct pseudonyms of the structure).

    >>> from contacts_lib.costs import volumes_from_log
    >>> from contacts_lib.logs import load_log
    >>> volumes_from_log(load_log("data/journal-synthetique/journal.csv")).head(3)
                                       structure     canal  contacts  usagers
    0  CAF fictive n° 00004 — Nouvelle-Aquitaine  courrier         2        1
    1  CAF fictive n° 00014 — Nouvelle-Aquitaine  courriel         3        5
    2  CAF fictive n° 00014 — Nouvelle-Aquitaine  courrier         7        5
    """
    _expect_log(log, "volumes_from_log")
    frame = log.frame(
        "SELECT CAST(structure AS VARCHAR) AS structure, CAST(canal AS VARCHAR) AS canal, count(*) AS contacts, "
        "any_value(usagers) AS usagers FROM contacts JOIN (SELECT structure, count(DISTINCT usager) AS usagers "
        "FROM contacts GROUP BY 1) USING (structure) GROUP BY 1, 2 ORDER BY 1, 2"
    )
    return frame.astype({"contacts": "Int64", "usagers": "Int64"})


def distinct_users(log, structures: list[str] | None = None) -> int:
    """People in a contact log (of some structures): one person met in two structures counts
    once — the users of a TOTAL row from a log.

    >>> from contacts_lib.costs import distinct_users
    >>> from contacts_lib.logs import load_log
    >>> log = load_log("data/journal-synthetique/journal.csv")
    >>> distinct_users(log), distinct_users(log, ["CAF fictive n° 00004 — Nouvelle-Aquitaine"])
    (744, 1)
    """
    _expect_log(log, "distinct_users")
    if structures is None:
        return int(log.connection.execute("SELECT count(DISTINCT usager) FROM contacts").fetchall()[0][0])
    return int(log.connection.execute(
        "SELECT count(DISTINCT usager) FROM contacts WHERE list_contains(?, CAST(structure AS VARCHAR))", [structures]
    ).fetchall()[0][0])


def channel_costs(volumes, costs: UnitCosts):
    """``volumes`` (:data:`VOLUMES`) with ``cout_unitaire`` and ``cout`` (= contacts × unit cost;
    missing when either is).

    >>> from contacts_lib.costs import channel_costs, unit_costs, volumes_from_autodiagnostics
    >>> from contacts_lib.network import load_network
    >>> volumes = volumes_from_autodiagnostics(load_network("data/exemples/reseau-exemple.csv").structures)
    >>> channel_costs(volumes, unit_costs("socitm-2010")).iloc[5:10]
                            structure      canal  contacts  usagers  cout_unitaire       cout
    5  CAF de Ville-Exemple (fictive)    guichet     64000   185000            7.4   473600.0
    6  CAF de Ville-Exemple (fictive)  telephone    410000   185000            2.9  1189000.0
    7  CAF de Ville-Exemple (fictive)   courrier    120000   185000           <NA>       <NA>
    8  CAF de Ville-Exemple (fictive)   courriel     52000   185000           <NA>       <NA>
    9  CAF de Ville-Exemple (fictive)        web   2760000   185000           0.32   883200.0
    """
    _expect_volumes(volumes, costs, "channel_costs")
    frame = volumes.copy()
    frame["cout_unitaire"] = frame["canal"].map(lambda canal: costs.values.get(canal)).astype("Float64")
    frame["cout"] = (frame["contacts"].astype("Float64") * frame["cout_unitaire"]).astype("Float64")
    return frame


def costs_by_structure(volumes, costs: UnitCosts, total_users: int | None = None):
    """One row per structure: each channel's cost (``cout_guichet``…), ``cout_total`` (of the
    channels known), ``usagers`` and ``cout_par_usager``; then a ``TOTAL`` row, whose users are
    the structures' users added up unless ``total_users`` is given (from a log: the people
    counted once, :func:`distinct_users`).

    >>> from contacts_lib.costs import costs_by_structure, unit_costs, volumes_from_autodiagnostics
    >>> from contacts_lib.network import load_network
    >>> volumes = volumes_from_autodiagnostics(load_network("data/exemples/reseau-exemple.csv").structures)
    >>> table = costs_by_structure(volumes, unit_costs("socitm-2010"))
    >>> table[["structure", "cout_guichet", "cout_total", "usagers", "cout_par_usager"]].round(2)
                                         structure  cout_guichet  cout_total  usagers  cout_par_usager
    0             Exemple du recueil (SGMAP, 2015)          <NA>         0.0     <NA>             <NA>
    1               CAF de Ville-Exemple (fictive)      473600.0   2545800.0   185000            13.76
    2  Préfecture de Département-Exemple (fictive)      725200.0   1160200.0     <NA>             <NA>
    3                                        TOTAL     1198800.0   3706000.0   185000            20.03
    """
    import pandas as pd

    _expect_volumes(volumes, costs, "costs_by_structure")

    detailed = channel_costs(volumes, costs)
    wide = detailed.pivot_table(index="structure", columns="canal", values="cout", aggfunc="sum", sort=False, dropna=False)
    wide = wide.reindex(columns=list(CANALS)).add_prefix("cout_")
    known = detailed.dropna(subset=["cout"]).groupby("structure", sort=False)["cout"].sum()
    usagers = detailed.groupby("structure", sort=False)["usagers"].first()
    table = pd.DataFrame({"structure": wide.index}).set_index("structure", drop=False)
    for canal in CANALS:
        column = f"cout_{canal}"
        has = detailed[detailed["canal"] == canal].set_index("structure")["cout"]
        table[column] = has.reindex(table.index).astype("Float64")
    table["cout_total"] = known.reindex(table.index).fillna(0).astype("Float64")
    table["usagers"] = usagers.reindex(table.index).astype("Int64")
    table["cout_par_usager"] = (table["cout_total"] / table["usagers"].astype("Float64")).where(table["usagers"] > 0)
    total = {"structure": TOTAL, **{f"cout_{c}": table[f"cout_{c}"].sum(min_count=1) for c in CANALS},
             "cout_total": table["cout_total"].sum(),
             "usagers": total_users if total_users is not None else table["usagers"].sum(min_count=1)}
    total["cout_par_usager"] = total["cout_total"] / total["usagers"] if total["usagers"] and total["usagers"] > 0 else None
    table = pd.concat([table.reset_index(drop=True), pd.DataFrame([total])], ignore_index=True)
    return table.astype({**{f"cout_{c}": "Float64" for c in CANALS}, "cout_total": "Float64", "usagers": "Int64",
                         "cout_par_usager": "Float64"})


def reiteration_costs(log, days: int, costs: UnitCosts, structures=None):
    """What réitération costs, by channel of the repeat: ``canal, reiterations, cout_unitaire,
    cout``, then ``TOTAL``; ``structures``: only theirs (all the log's by default).

    >>> from contacts_lib.costs import reiteration_costs, unit_costs
    >>> from contacts_lib.logs import load_log
    >>> reiteration_costs(load_log("data/journal-synthetique/journal.csv"), 15, unit_costs("socitm-2010")).round(2)
           canal  reiterations  cout_unitaire     cout
    0   courriel            63           <NA>     <NA>
    1   courrier            74           <NA>     <NA>
    2    guichet            55            7.4    407.0
    3  telephone           253            2.9    733.7
    4        web            21           0.32     6.72
    5      TOTAL           466           <NA>  1147.42
    """
    import pandas as pd

    from contacts_lib.logs.reiteration import reiteration_by

    _expect_log(log, "reiteration_costs")
    expect_kind(costs, UnitCosts, "des coûts unitaires (unit_costs ou presets)", "reiteration_costs", "costs")
    by_canal = reiteration_by(log, "canal", days, structures).iloc[:-1]
    frame = pd.DataFrame({"canal": by_canal["canal"], "reiterations": by_canal["reiterations"].astype("Int64")})
    frame["cout_unitaire"] = frame["canal"].map(lambda canal: costs.values.get(canal)).astype("Float64")
    frame["cout"] = frame["reiterations"].astype("Float64") * frame["cout_unitaire"]
    total = pd.DataFrame([{"canal": TOTAL, "reiterations": frame["reiterations"].sum(), "cout_unitaire": None,
                           "cout": frame["cout"].sum(min_count=1)}])
    return pd.concat([frame, total], ignore_index=True).astype({"reiterations": "Int64", "cout_unitaire": "Float64", "cout": "Float64"})


def what_if(volumes, costs: UnitCosts, depuis: str, vers: str, part: float):
    """Moving ``part`` percent of each structure's ``depuis`` contacts to ``vers``: one row per
    structure with ``deplaces`` and ``economie`` (= deplaces × (cost of ``depuis`` − cost of
    ``vers``); negative when ``vers`` costs more), then ``TOTAL``.

    >>> from contacts_lib.costs import unit_costs, volumes_from_autodiagnostics, what_if
    >>> from contacts_lib.network import load_network
    >>> volumes = volumes_from_autodiagnostics(load_network("data/exemples/reseau-exemple.csv").structures)
    >>> what_if(volumes, unit_costs("socitm-2010"), "guichet", "web", 20).round(2)
                                         structure  deplaces  economie
    0             Exemple du recueil (SGMAP, 2015)      <NA>      <NA>
    1               CAF de Ville-Exemple (fictive)   12800.0   90624.0
    2  Préfecture de Département-Exemple (fictive)   19600.0  138768.0
    3                                        TOTAL   32400.0  229392.0
    """
    import pandas as pd

    _expect_volumes(volumes, costs, "what_if")

    for canal in (depuis, vers):
        if canal not in CANALS:
            raise InputError(f"canal {show_value(canal)} inconnu (au choix : {', '.join(CANALS)}).")
        if costs.values.get(canal) is None:
            raise InputError(f"le coût unitaire du canal {canal} n'est pas renseigné : donnez-le pour simuler ce déplacement.")
    if depuis == vers:
        raise InputError("déplacer des contacts vers le même canal ne change rien : choisissez deux canaux différents.")
    if not 0 <= part <= 100:
        raise InputError(f"part déplacée : {part} ; entre 0 et 100 %.")
    moved = volumes[volumes["canal"] == depuis][["structure", "contacts"]].copy()
    moved["deplaces"] = moved["contacts"].astype("Float64") * part / 100
    moved["economie"] = moved["deplaces"] * (costs.values[depuis] - costs.values[vers])
    moved = moved[["structure", "deplaces", "economie"]].reset_index(drop=True)
    total = pd.DataFrame([{"structure": TOTAL, "deplaces": moved["deplaces"].sum(min_count=1),
                           "economie": moved["economie"].sum(min_count=1)}])
    return pd.concat([moved, total], ignore_index=True).astype({"deplaces": "Float64", "economie": "Float64"})


def _expect_volumes(volumes, costs, function: str) -> None:
    expect(volumes, VOLUMES, function, "volumes")
    expect_kind(costs, UnitCosts, "des coûts unitaires (unit_costs ou presets)", function, "costs")


def _expect_log(log, function: str) -> None:
    from contacts_lib.logs.log_format import ContactLog

    expect_kind(log, ContactLog, "un journal de contacts (logs.load_log)", function, "log")
