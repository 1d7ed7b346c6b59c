"""Réitération: contacts of the same person, for the same motif, that repeat an earlier one.

The rule: the key is (structure, usager, motif). A contact is a réitération when the previous
contact with the same key happened at most N days earlier (N × 24 hours: exactly N days counts,
N days and one minute does not). Contacts with the same key and the same timestamp: all but one
count (they are taken in the order of their channel's name, so that the result never depends on
the order of the file). Rate = réitérations ÷ contacts. The channel of a réitération is that of the repeat; its
path goes from the channel of the contact it repeats to its own.

:data:`FLAGS_SQL` is the one place where the rule is written: standard SQL with a window
function (``LAG … OVER``), run here by DuckDB, and runnable as it is by a cluster engine (Spark
SQL, Trino) on a national log with a table ``contacts(structure, usager, horodatage, canal,
motif)``: see :func:`flags_sql`. Breakdowns and paths are plain ``GROUP BY`` queries on it.
"""

from __future__ import annotations

from contacts_lib.logs.log_format import scan_log
from contacts_lib.messages import InputError, plural, show_value, visible

#: The columns a breakdown may be « par ».
BREAKDOWNS = ("canal", "motif", "structure", "mois")
#: The usual windows (days); any whole number from 1 to MAX_WINDOW is accepted.
WINDOWS = (7, 15, 30)
MAX_WINDOW = 3650
TOTAL = "TOTAL"

#: Each contact with ``reiteration`` (1 or 0) and the channel of the contact it repeats.
#: ``{fenetre}`` is a whole number of days, ``{contacts}`` the table or view of contacts.
FLAGS_SQL = """
SELECT
    structure, usager, motif, canal, horodatage,
    LAG(canal) OVER par_cle AS canal_precedent,
    CASE WHEN LAG(horodatage) OVER par_cle >= horodatage - INTERVAL '{fenetre}' DAY THEN 1 ELSE 0 END AS reiteration
FROM {contacts}
WINDOW par_cle AS (PARTITION BY structure, usager, motif ORDER BY horodatage, canal)
"""


def check_window(days: object) -> int:
    """A window in whole days (1 to 3,650), or :class:`InputError` in French."""
    if isinstance(days, bool) or not isinstance(days, int):
        try:
            days = int(str(days).strip())
        except ValueError:
            raise InputError(f"fenêtre {show_value(str(days))} : un nombre entier de jours est attendu (7, 15, 30…).") from None
    if not 1 <= days <= MAX_WINDOW:
        raise InputError(f"fenêtre de {plural(days, 'jour')} : entre 1 et {plural(MAX_WINDOW, 'jour')}.")
    return days


def flags_sql(days: int, contacts: str = "contacts") -> str:
    """The réitération query for a window of ``days`` days, on the table ``contacts`` (standard
    SQL: the same text runs on Spark SQL or Trino).

    >>> from contacts_lib.logs import flags_sql
    >>> print(flags_sql(15))
    <BLANKLINE>
    SELECT
        structure, usager, motif, canal, horodatage,
        LAG(canal) OVER par_cle AS canal_precedent,
        CASE WHEN LAG(horodatage) OVER par_cle >= horodatage - INTERVAL '15' DAY THEN 1 ELSE 0 END AS reiteration
    FROM contacts
    WINDOW par_cle AS (PARTITION BY structure, usager, motif ORDER BY horodatage, canal)
    """
    return FLAGS_SQL.format(fenetre=check_window(days), contacts=contacts)


def keep_flags(log, days: int) -> None:
    """Compute :data:`FLAGS_SQL` for a window once and keep it, for the several breakdowns of one
    window that a page shows (a single breakdown is faster straight from the contacts)."""
    days = check_window(days)
    if getattr(log, "flagged_days", None) != days:
        log.connection.execute(
            "CREATE OR REPLACE TEMP TABLE reiterations AS SELECT structure, motif, canal, horodatage, canal_precedent, "
            f"reiteration FROM ({flags_sql(days)})"
        ).fetchall()
        log.flagged_days = days


def flagged(log, days: int) -> str:
    """Where the flags of a window are read: the kept table (:func:`keep_flags`), else the query."""
    days = check_window(days)
    return "reiterations" if getattr(log, "flagged_days", None) == days else f"({flags_sql(days)})"


def forget_flags(log) -> None:
    """Drop the kept table (the next breakdown computes the flags again)."""
    log.connection.execute("DROP TABLE IF EXISTS reiterations").fetchall()
    log.flagged_days = None


def _group_sql(by: str, table: str, structures=None) -> str:
    if by not in BREAKDOWNS:
        raise InputError(f"--par : {visible(str(by))} inconnu (au choix : {', '.join(BREAKDOWNS)}).")
    value = "strftime(horodatage, '%Y-%m')" if by == "mois" else f"CAST({by} AS VARCHAR)"
    where = ""
    if structures is not None:
        listed = ", ".join("'" + str(name).replace("'", "''") + "'" for name in structures) or "NULL"
        where = f" WHERE CAST(structure AS VARCHAR) IN ({listed})"
    return (
        f"SELECT {value} AS {by}, count(*) AS contacts, sum(reiteration) AS reiterations "
        f"FROM {table}{where} GROUP BY 1 ORDER BY 1"
    )


def reiteration_by(log, by: str, days: int, structures=None):
    """One row per value of ``by`` (sorted) with ``contacts``, ``reiterations`` and ``taux``
    (percent, unrounded), then a last row ``TOTAL``: a pandas frame. ``structures``: only the
    contacts of these structures (names as in the log; a réitération never crosses structures,
    so this is exact). ``log``: a :class:`log_format.ContactLog` (:func:`load_log`).

    >>> from contacts_lib.logs import load_log, reiteration_by
    >>> journal = load_log("data/journal-synthetique/journal.csv")
    >>> reiteration_by(journal, "canal", 15)
           canal  contacts  reiterations       taux
    0   courriel       262            63  24.045802
    1   courrier       405            74  18.271605
    2    guichet       238            55  23.109244
    3  telephone      1021           253  24.779628
    4        web        80            21  26.250000
    5      TOTAL      2006           466  23.230309
    >>> reiteration_by(journal, "mois", 30).tail(2)
           mois  contacts  reiterations       taux
    12  2018-01        11            10  90.909091
    13    TOTAL      2006           503  25.074776
    """
    _expect_log(log, "reiteration_by")
    return _frame(_with_total(log.connection.execute(_group_sql(by, flagged(log, days), structures)).fetchall()), by)


def reiteration_of_files(paths, by: str, days: int, skip_bad_rows: bool = False, progress=None):
    """:func:`reiteration_by` of log files scanned by one statement and kept nowhere (2 ×
    faster than loading the log first, see :func:`log_format.scan_log`). The frame, and the
    :class:`log_format.Scan` that says which rows were left aside.

    >>> from contacts_lib.logs import reiteration_of_files
    >>> table, scan = reiteration_of_files("data/journal-synthetique/journal.csv", "canal", 15)
    >>> scan.contacts, scan.skipped
    (2006, 0)
    >>> table.tail(1)
       canal  contacts  reiterations       taux
    5  TOTAL      2006           466  23.230309
    """
    rows, scan = reiteration_rows_of_files(paths, by, days, skip_bad_rows, progress)
    return _frame(rows, by), scan


def reiteration_rows_of_files(paths, by: str, days: int, skip_bad_rows: bool = False, progress=None):
    """:func:`reiteration_of_files` as plain rows (value, contacts, reiterations, taux), TOTAL
    last: what the command writes, without waiting for pandas."""
    days = check_window(days)
    _group_sql(by, "contacts")  # an unknown breakdown is said before the files are read
    scan = scan_log(paths, lambda contacts: _group_sql(by, f"({flags_sql(days, contacts)})"), skip_bad_rows, progress)
    return _with_total(scan.rows), scan


def _with_total(rows: list[tuple]) -> list[tuple]:
    """Rows (value, contacts, réitérations) with their rate, then the ``TOTAL`` row."""
    rows = [(value, int(contacts), int(repeats or 0)) for value, contacts, repeats in rows]
    rows.append((TOTAL, sum(row[1] for row in rows), sum(row[2] for row in rows)))
    return [(value, contacts, repeats, 100 * repeats / contacts if contacts > 0 else float("nan"))
            for value, contacts, repeats in rows]


def _frame(rows: list[tuple], by: str):
    import pandas as pd

    return pd.DataFrame(rows, columns=[by, "contacts", "reiterations", "taux"]).astype(
        {"contacts": "int64", "reiterations": "int64", "taux": "float64"})


def reiteration_paths(log, days: int):
    """Where people come back: one row per (channel of the first contact, channel of the
    repeat) with the number of réitérations.

    >>> from contacts_lib.logs import load_log, reiteration_paths
    >>> reiteration_paths(load_log("data/journal-synthetique/journal.csv"), 15).head(3)
         depuis      vers  reiterations
    0  courriel  courriel            37
    1  courriel  courrier             7
    2  courriel   guichet             3
    """
    _expect_log(log, "reiteration_paths")
    return log.frame(
        f"SELECT CAST(canal_precedent AS VARCHAR) AS depuis, CAST(canal AS VARCHAR) AS vers, count(*) AS reiterations "
        f"FROM {flagged(log, days)} WHERE reiteration = 1 GROUP BY 1, 2 ORDER BY 1, 2"
    ).astype({"reiterations": "int64"})


def _expect_log(log, function: str) -> None:
    from contacts_lib.frames import expect_kind
    from contacts_lib.logs.log_format import ContactLog

    expect_kind(log, ContactLog, "un journal de contacts (load_log)", function, "log")
