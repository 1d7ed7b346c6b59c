"""Contact logs: réitération (and, later, channel costs) on an embedded analytical engine (DuckDB).

- :mod:`log_format`: the contact log format, read into DuckDB with the ``usager`` pseudonymised
  (:func:`load_log`), or scanned by one statement for one breakdown and kept nowhere (:func:`log_format.scan_log`);
- :mod:`reiteration`: the réitération rule (one SQL text) and its breakdowns and paths.
"""

from contacts_lib.logs.log_format import CANALS, COLUMNS, ContactLog, canal_of, load_log
from contacts_lib.logs.reiteration import (
    BREAKDOWNS,
    FLAGS_SQL,
    flags_sql,
    reiteration_by,
    reiteration_of_files,
    reiteration_paths,
)

__all__ = [
    "BREAKDOWNS",
    "CANALS",
    "COLUMNS",
    "FLAGS_SQL",
    "ContactLog",
    "canal_of",
    "flags_sql",
    "load_log",
    "reiteration_by",
    "reiteration_of_files",
    "reiteration_paths",
]
