"""One structure's scores placed among a network's: the quartile band its radar is drawn over,
and where it stands on each lever, in words.

The peers are each structure of the network once (its latest autodiagnostic); a structure of
a réseau the network knows is compared with that réseau, otherwise with the whole network.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from contacts_lib.messages import thousands
from contacts_lib.network.analyses import lever_distribution
from contacts_lib.network.loading import NETWORK_VARIABLE, Network, load_network
from contacts_lib.network.tables import lever_order, structure_key


@dataclass(frozen=True)
class Peers:
    """The quartiles of each lever among some structures: ``name`` says which (« du réseau CAF »)."""

    name: str
    structures: int
    quartiles: pd.DataFrame  # index: levier; columns: q1, mediane, q3
    against: str = ""  # « au réseau CAF (45 structures) »: after « comparée »

    def band(self) -> tuple[list[float], list[float], list[float]]:
        """First quartile, median and third quartile of the four levers, for the radar."""
        levers = lever_order()[:-1]
        return tuple(list(self.quartiles.loc[levers, column]) for column in ("q1", "mediane", "q3"))

    def standing(self, percents: dict[str, float], names: dict[str, str]) -> list[str]:
        """Where each lever (and the moyenne) stands against these peers' median: « Orientation :
        au-dessus de la médiane (35 %) » (the peers are named by :attr:`name`)."""
        from contacts_lib.network.figures import percent_text

        lines = []
        for lever in lever_order():
            median = self.quartiles.loc[lever, "mediane"]
            value = percents[lever]
            place = "au-dessus de" if value > median else ("au niveau de" if value == median else "en dessous de")
            lines.append(f"{names[lever]} : {place} la médiane ({percent_text(median)})")
        return lines


class NetworkComparison:
    """A network's quartiles, overall and by réseau, ready for any structure's comparison."""

    def __init__(self, network: Network) -> None:
        latest = network.latest()
        self.size = len(latest)
        overall = lever_distribution(latest.scores).set_index("levier")
        count = f"{thousands(self.size)} structures"
        self._overall = Peers(f"de l'ensemble du réseau ({count})", self.size, overall, f"à l'ensemble du réseau ({count})")
        by_reseau = lever_distribution(latest.scores, by="reseau")
        self._reseaux = {}
        for reseau, table in by_reseau.groupby("reseau"):
            count = int(table["structures"].max())
            self._reseaux[structure_key(str(reseau))] = Peers(
                f"du réseau {reseau} ({thousands(count)} structures)", count, table.set_index("levier"),
                f"au réseau {reseau} ({thousands(count)} structures)",
            )

    def peers(self, reseau: str | None) -> Peers:
        """The réseau's structures if the network knows it (and has at least 3 of them), else all."""
        own = self._reseaux.get(structure_key(reseau)) if reseau else None
        return own if own is not None and own.structures >= 3 else self._overall


def comparison_from_environment() -> NetworkComparison | None:
    """The comparison with the network named by ``CONTACTS_EFFICACES_RESEAU``, or None if the
    variable is unset or nothing in it can be read (the app then simply shows no band)."""
    path = os.environ.get(NETWORK_VARIABLE, "").strip()
    if not path:
        return None
    try:
        return NetworkComparison(load_network(Path(path), ignore_errors=True))
    except Exception:  # an unreadable network must never break the autodiagnostic itself
        return None
