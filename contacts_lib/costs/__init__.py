"""Channel costs: the user's unit costs (presets with their source, every value editable), the
volumes of contacts (from autodiagnostics or a contact log), costs by structure and channel, what
moving contacts from one channel to another would save, and the cost of réitération.

- :mod:`analyses`: the tables (frames in, frames out);
- :mod:`page`: the « Coûts des canaux » page (``notebooks/couts.ipynb``).
"""

from contacts_lib.costs.analyses import (
    CANALS,
    TOTAL,
    UnitCosts,
    channel_costs,
    cost_changes,
    costs_by_structure,
    distinct_users,
    presets,
    reiteration_costs,
    unit_costs,
    volumes_from_autodiagnostics,
    volumes_from_log,
    what_if,
)

__all__ = [
    "CANALS",
    "TOTAL",
    "UnitCosts",
    "channel_costs",
    "cost_changes",
    "costs_by_structure",
    "distinct_users",
    "presets",
    "reiteration_costs",
    "unit_costs",
    "volumes_from_autodiagnostics",
    "volumes_from_log",
    "what_if",
]
