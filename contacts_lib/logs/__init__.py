"""Contact logs: réitération and the measures of the field, on DuckDB (embedded) or Spark.

- :mod:`pipeline`: everything done to a log, written once in SQL (typing and checking the
  timestamps, the channels' vocabulary, trimming, the pseudonym, the rule, breakdowns, paths,
  requests), run by DuckDB as written and by Spark SQL as SQLGlot translates it;
- :mod:`log_format`: the contact log format, read into DuckDB with the ``usager`` pseudonymised
  (:func:`load_log`), or scanned by one statement for one breakdown and kept nowhere
  (:func:`log_format.scan_log`, on DuckDB or on Spark: :mod:`spark`);
- :mod:`reiteration`: the réitération's breakdowns, paths and requests (rows sorted, rates);
- :mod:`practices`: what the practices go with (:func:`practice_association`: structures that
  apply a practice against the others — an association, not a cause);
- :mod:`sample`: synthetic logs of the synthetic network; :mod:`figures` and :mod:`page`: the
  réitération page.

The logs' tidy input is a :class:`ContactLog` (what :func:`load_log` returns: table
``contacts`` in DuckDB); every analysis returns pandas frames.
"""

from contacts_lib.logs.log_format import CANALS, COLUMNS, ContactLog, canal_of, load_log
from contacts_lib.logs.pipeline import Rule
from contacts_lib.logs.practices import DEFAULT_QUESTIONS, practice_association
from contacts_lib.logs.reiteration import (
    BREAKDOWNS,
    flags_sql,
    reiteration_by,
    reiteration_of_files,
    reiteration_paths,
    requests_by,
)

__all__ = [
    "BREAKDOWNS",
    "CANALS",
    "COLUMNS",
    "DEFAULT_QUESTIONS",
    "ContactLog",
    "Rule",
    "canal_of",
    "flags_sql",
    "load_log",
    "practice_association",
    "reiteration_by",
    "reiteration_of_files",
    "reiteration_paths",
    "requests_by",
]
