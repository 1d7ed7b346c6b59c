"""Contact logs: réitération (and, later, channel costs) on an embedded analytical engine (DuckDB).

- :mod:`log_format`: the contact log format, read into DuckDB with the ``usager`` pseudonymised
  (:func:`load_log`), or scanned by one statement for one breakdown and kept nowhere (:func:`log_format.scan_log`);
- :mod:`reiteration`: the réitération rule (one SQL text) and its breakdowns and paths;
- :mod:`practices`: what the practices go with (:func:`practice_association`: structures that
  apply a practice against the others — an association, not a cause);
- :mod:`sample`: synthetic logs of the synthetic network; :mod:`figures` and :mod:`page`: the
  réitération page.

The logs' tidy input is a :class:`ContactLog` (what :func:`load_log` returns: table
``contacts`` in DuckDB); every analysis returns pandas frames.
"""

from contacts_lib.logs.log_format import CANALS, COLUMNS, ContactLog, canal_of, load_log
from contacts_lib.logs.practices import DEFAULT_QUESTIONS, practice_association
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
    "DEFAULT_QUESTIONS",
    "FLAGS_SQL",
    "ContactLog",
    "canal_of",
    "flags_sql",
    "load_log",
    "practice_association",
    "reiteration_by",
    "reiteration_of_files",
    "reiteration_paths",
]
