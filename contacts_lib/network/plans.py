"""The plans d'actions of a network: every action as a row, what became of the planned practices
at the next campaign, and the late actions per réseau.

An action is **late** when its « quand » has passed (before ``today``), it is neither done nor
abandoned, and its practice is not applied yet (:func:`followup.is_late`). A planned practice is **applied by the next
campaign** when the structure's autodiagnostic of its next campaign answers its question OUI
(each structure's latest autodiagnostic of each campaign, campaigns in date order).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from contacts_lib.autodiagnostic.followup import is_applied, is_late
from contacts_lib.autodiagnostic.reference import load_catalogue

#: The columns of :func:`actions_frame` (and of ``contacts-efficaces plan --csv``).
ACTION_COLUMNS = (
    "autodiagnostic", "structure", "reseau", "campagne", "date", "pratique", "titre", "etapes", "qui", "quand",
    "statut", "gain", "effort", "priorite", "en_retard", "appliquee",
)


def actions_frame(network, today: dt.date) -> pd.DataFrame:
    """One row per action of each autodiagnostic of ``network`` (give its ``latest()`` view for
    the plans in force): the structure, the practice and its title, the steps (one per line),
    qui, quand, statut, gain, effort, ``priorite`` (gain ÷ effort, empty without both),
    ``en_retard`` and ``appliquee`` (the same autodiagnostic answers the practice OUI).

    >>> import datetime as dt
    >>> from contacts_lib.network import load_network
    >>> from contacts_lib.network.plans import actions_frame
    >>> plans = actions_frame(load_network("data/reseau-synthetique/").latest(), dt.date(2026, 12, 1))
    >>> plans[["pratique", "statut", "en_retard", "appliquee"]].head(3)
       pratique    statut  en_retard  appliquee
    0         9   a_faire      False      False
    1        24   a_faire       True      False
    2        35  en_cours       True      False
    """
    titles = {p.number: p.title for p in load_catalogue().practices}
    rows = []
    for identifier, diagnostic in zip(network.identifiers, network.diagnostics, strict=True):
        for action in diagnostic.plan:
            rows.append((
                identifier, diagnostic.structure, diagnostic.reseau, diagnostic.campaign, diagnostic.date, action.pratique,
                titles[action.pratique], "\n".join(action.etapes), action.qui, action.quand, action.statut, action.gain,
                action.effort, float(action.priority) if action.priority is not None else None,
                is_late(action, diagnostic.answers, today),
                is_applied(action.pratique, diagnostic.answers),
            ))
    frame = pd.DataFrame(rows, columns=list(ACTION_COLUMNS))
    for column in ("gain", "effort"):
        frame[column] = frame[column].astype("Int64")
    frame["priorite"] = frame["priorite"].astype("Float64")
    frame["autodiagnostic"] = frame["autodiagnostic"].astype("int64")
    frame["pratique"] = frame["pratique"].astype("int64")
    return frame


def plan_listing(network, today: dt.date) -> pd.DataFrame:
    """What ``contacts-efficaces plan`` and the network page's download list: the actions of
    :func:`actions_frame` by structure, then gain ÷ effort (highest first, unmarked last), then
    practice; ``en_retard`` and ``appliquee`` as OUI / NON, without the internal identifier."""
    actions = actions_frame(network, today)
    actions = actions.assign(_order=actions["priorite"].fillna(-1)).sort_values(
        ["structure", "_order", "pratique"], ascending=[True, False, True], kind="stable")
    for column in ("en_retard", "appliquee"):
        actions[column] = actions[column].map({True: "OUI", False: "NON"})
    return actions.drop(columns=["_order", "autodiagnostic"]).reset_index(drop=True)


def _campaign_pairs(network):
    """(autodiagnostic, the same structure's autodiagnostic of its next campaign or None), over
    each structure's latest autodiagnostic of each campaign, in date order."""
    by_campaign = network.latest_by_campaign()
    structures = by_campaign.structures.assign(_position=range(len(by_campaign)))
    ordered = structures.sort_values(["cle_structure", "date", "_position"], na_position="first")
    for _, group in ordered.groupby("cle_structure", sort=False):
        positions = list(group["_position"])
        for here, after in zip(positions, [*positions[1:], None], strict=True):
            yield by_campaign.diagnostics[here], by_campaign.diagnostics[after] if after is not None else None


def practice_followup(network, today: dt.date) -> pd.DataFrame:
    """Per practice (1–36): ``planifiee`` structures whose latest autodiagnostic plans it,
    ``en_retard`` of those whose action is late; ``suivies`` plans followed by a next campaign,
    ``appliquees_ensuite`` of those, the practice applied at that next campaign, ``taux`` their
    share (empty when none was followed).

    >>> import datetime as dt
    >>> from contacts_lib.network import load_network
    >>> from contacts_lib.network.plans import practice_followup
    >>> table = practice_followup(load_network("data/reseau-synthetique/"), dt.date(2026, 12, 1))
    >>> int(table["suivies"].sum()) >= int(table["appliquees_ensuite"].sum()) > 0
    True
    """
    titles = {p.number: p.title for p in load_catalogue().practices}
    counts = {n: {"planifiee": 0, "en_retard": 0, "suivies": 0, "appliquees_ensuite": 0} for n in titles}
    for diagnostic, following in _campaign_pairs(network):
        for action in diagnostic.plan:
            row = counts[action.pratique]
            if following is None:
                row["planifiee"] += 1
                row["en_retard"] += is_late(action, diagnostic.answers, today)
            else:  # abandoned ones too: planned, and applied or not by the next campaign
                row["suivies"] += 1
                row["appliquees_ensuite"] += is_applied(action.pratique, following.answers)
    frame = pd.DataFrame([{"pratique": n, "titre": titles[n], **counts[n]} for n in sorted(titles)])
    followed = frame["suivies"].astype("Float64")
    frame["taux"] = (100 * frame["appliquees_ensuite"] / followed).where(followed > 0)
    return frame


def late_by_reseau(network, today: dt.date) -> pd.DataFrame:
    """Per réseau (each structure's latest autodiagnostic): ``structures``, ``avec_plan`` (those
    with a plan), ``actions`` (not done nor abandoned), ``en_retard`` (late actions) and
    ``structures_en_retard`` (structures with at least one late action). A structure without
    réseau counts under « (sans réseau) »."""
    latest = network.latest()
    rows: dict[str, dict[str, int]] = {}
    for diagnostic in latest.diagnostics:
        row = rows.setdefault(diagnostic.reseau or "(sans réseau)", dict.fromkeys(
            ("structures", "avec_plan", "actions", "en_retard", "structures_en_retard"), 0))
        late = sum(is_late(action, diagnostic.answers, today) for action in diagnostic.plan)
        row["structures"] += 1
        row["avec_plan"] += bool(diagnostic.plan)
        row["actions"] += sum(action.statut not in ("fait", "abandonne") for action in diagnostic.plan)
        row["en_retard"] += late
        row["structures_en_retard"] += late > 0
    return pd.DataFrame([{"reseau": name, **rows[name]} for name in sorted(rows)])

