"""Channel costs: what each structure's contacts cost, what réitération costs, and what moving
contacts to a cheaper channel would save.

Unit costs are **the user's input**. The presets shipped in ``data/couts-unitaires.csv`` are
published British figures (local government, cost per contact), each with its source, year and
currency, shown next to the values and never presented as French figures; the user edits any
value. A channel without a unit cost is left out of the totals, and said.

Volumes come from a structure's autodiagnostic (visits, calls, letters, e-mails a year; the web
counts its monthly unique visitors × 12, an approximation) or from a contact log. Every function
takes and returns tidy pandas frames.
"""

from __future__ import annotations

import csv
import dataclasses
import math
from dataclasses import dataclass
from functools import lru_cache

from contacts_lib.autodiagnostic.reference import data_dir
from contacts_lib.messages import InputError

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


@dataclass(frozen=True)
class UnitCosts:
    """A unit cost per channel (None: not known), its currency and where the values come from."""

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
    """The shipped presets by name (``data/couts-unitaires.csv``)."""
    found = {}
    with open(data_dir() / PRESETS_FILE, encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            values = {canal: float(row[canal]) if row[canal].strip() else None for canal in CANALS}
            found[row["preset"]] = UnitCosts(values, row["devise"], row["source"], row["annee"], row["perimetre"])
    return found


def cost_changes(pairs: list[str]) -> dict[str, float | None]:
    """Unit costs typed by the user, « canal=valeur » each (« guichet=8,62 », « web=0.15 »; an
    empty value: not known)."""
    changes: dict[str, float | None] = {}
    for pair in pairs:
        if "=" not in pair:
            raise InputError(f"coût unitaire « {pair.strip()} » : écrivez canal=valeur (par exemple web=0.15).")
        canal, value = (part.strip() for part in pair.split("=", 1))
        canal = canal.casefold()
        if canal not in CANALS:
            raise InputError(f"coût unitaire : canal « {canal} » inconnu (au choix : {', '.join(CANALS)}).")
        changes[canal] = _cost_value(value, canal)
    return changes


def unit_costs(preset: str | None = None, changes: dict[str, float | None] | None = None, devise: str | None = None) -> UnitCosts:
    """A preset (by name) or no value at all, with the user's changes."""
    if preset is None:
        base = UnitCosts({canal: None for canal in CANALS})
    elif preset in presets():
        base = presets()[preset]
    else:
        raise InputError(f"préréglage de coûts « {preset} » inconnu (au choix : {', '.join(presets())}).")
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
        raise InputError(f"coût unitaire du canal {canal} : « {text} » n'est pas un nombre.") from None
    if not math.isfinite(value) or value < 0:
        raise InputError(f"coût unitaire du canal {canal} : {text} ; un coût est un nombre positif ou nul.")
    return value


def volumes_from_autodiagnostics(structures):
    """One row per structure × channel: ``structure, canal, contacts`` (a year; missing when
    the autodiagnostic does not give it) and ``usagers``, from :func:`network.tables.structures_frame`."""
    import pandas as pd

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
    """One row per structure × channel of a contact log: ``structure, canal, contacts`` and
    ``usagers`` (distinct pseudonyms of the structure)."""
    frame = log.frame(
        "SELECT CAST(structure AS VARCHAR) AS structure, CAST(canal AS VARCHAR) AS canal, count(*) AS contacts, "
        "any_value(usagers) AS usagers FROM contacts JOIN (SELECT structure, count(DISTINCT usager) AS usagers "
        "FROM contacts GROUP BY 1) USING (structure) GROUP BY 1, 2 ORDER BY 1, 2"
    )
    return frame.astype({"contacts": "Int64", "usagers": "Int64"})


def distinct_users(log, structures: list[str] | None = None) -> int:
    """People in a contact log (of some structures): one person met in two structures counts
    once — the users of a TOTAL row from a log."""
    if structures is None:
        return int(log.connection.execute("SELECT count(DISTINCT usager) FROM contacts").fetchall()[0][0])
    return int(log.connection.execute(
        "SELECT count(DISTINCT usager) FROM contacts WHERE list_contains(?, CAST(structure AS VARCHAR))", [structures]
    ).fetchall()[0][0])


def channel_costs(volumes, costs: UnitCosts):
    """``volumes`` with ``cout_unitaire`` and ``cout`` (= contacts × unit cost; missing when
    either is)."""
    frame = volumes.copy()
    frame["cout_unitaire"] = frame["canal"].map(lambda canal: costs.values.get(canal)).astype("Float64")
    frame["cout"] = (frame["contacts"].astype("Float64") * frame["cout_unitaire"]).astype("Float64")
    return frame


def costs_by_structure(volumes, costs: UnitCosts, total_users: int | None = None):
    """One row per structure: each channel's cost (``cout_guichet``…), ``cout_total`` (of the
    channels known), ``usagers`` and ``cout_par_usager``; then a ``TOTAL`` row, whose users are
    the structures' users added up unless ``total_users`` is given (from a log: the people
    counted once, :func:`distinct_users`)."""
    import pandas as pd

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
    cout``, then ``TOTAL``; ``structures``: only theirs (all the log's by default)."""
    import pandas as pd

    from contacts_lib.logs.reiteration import reiteration_by

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
    ``vers``); negative when ``vers`` costs more), then ``TOTAL``."""
    import pandas as pd

    for canal in (depuis, vers):
        if canal not in CANALS:
            raise InputError(f"canal « {canal} » inconnu (au choix : {', '.join(CANALS)}).")
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
