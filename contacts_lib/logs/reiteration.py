"""Réitération: contacts of the same person, for the same motif, that repeat an earlier one.

The rule (:class:`pipeline.Rule`): the key is (structure, usager, motif) — with
``same_channel``, the channel too. A contact is a réitération when the previous contact with the
same key happened at most N days earlier: N × 24 hours (exactly N days counts, N days and one
minute does not), or with ``calendar_days`` on the same calendar day or one of the N calendar
days before. Contacts with the same key and the same timestamp: all but one count (they are
taken in the order of their channel's name, so that the result never depends on the order of
the file). A contact without an identifier counts as a contact and is never a réitération.
Rate = réitérations ÷ contacts. The channel of a réitération is that of the repeat; its path
goes from the channel of the contact it repeats to its own.

A **request** is a chain of contacts of the same key, each within the window of the one before;
contacts per request and the share of requests settled at the first contact follow
(:func:`requests_by`).

Every statement is :mod:`pipeline`'s (written once, in SQL, run by DuckDB or by Spark);
this module sorts their rows and computes the rates.
"""

from __future__ import annotations

from contacts_lib.logs import pipeline
from contacts_lib.logs.log_format import scan_log
from contacts_lib.logs.pipeline import BREAKDOWNS, Rule
from contacts_lib.messages import InputError, plural, show_value

#: The usual windows (days); any whole number from 1 to MAX_WINDOW is accepted.
WINDOWS = (7, 15, 30)
MAX_WINDOW = 3650
TOTAL = "TOTAL"
#: First-contact resolution as the contact-centre industry's benchmarks publish it (SQM Group, a
#: vendor's figures from private contact centres, not a public service's): how the CLI and the
#: page say them beside the share of requests settled at the first contact.
FIRST_CONTACT_BENCHMARKS = ("repères publiés par SQM Group, prestataire des centres de contacts (chiffres du secteur privé, "
                            "pas des services publics) : 70 à 79 % de demandes réglées au premier contact est « bon », "
                            "80 % et plus « de classe mondiale »")


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


def rule(days: object, same_channel: bool = False, calendar_days: bool = False) -> Rule:
    """The rule for a window (checked, :func:`check_window`) and its options."""
    return Rule(check_window(days), bool(same_channel), bool(calendar_days))


def flags_sql(days: int, contacts: str = "contacts", same_channel: bool = False, calendar_days: bool = False) -> str:
    """The réitération query for a window of ``days`` days on the table ``contacts`` (columns
    structure, usager, horodatage, canal, motif): each contact with ``reiteration`` (1 or 0) and
    ``canal_precedent``. Standard SQL, in DuckDB's words; :func:`pipeline.for_engine` gives
    Spark SQL's and Trino's.

    >>> from contacts_lib.logs import flags_sql
    >>> print(flags_sql(15))
    <BLANKLINE>
    SELECT
        structure, usager, motif, canal, horodatage,
        CASE WHEN usager IS NOT NULL THEN LAG(canal) OVER par_cle END AS canal_precedent,
        CASE WHEN usager IS NOT NULL AND LAG(horodatage) OVER par_cle >= horodatage - INTERVAL '15' DAY THEN 1 ELSE 0 END AS reiteration
    FROM contacts
    WINDOW par_cle AS (PARTITION BY structure, usager, motif ORDER BY horodatage, canal)
    """
    return pipeline.flags_sql(rule(days, same_channel, calendar_days), contacts)


def keep_flags(log, days: int, same_channel: bool = False, calendar_days: bool = False) -> None:
    """Compute the flags of a rule once and keep them, for the several breakdowns of one window
    that a page shows (a single breakdown is faster straight from the contacts)."""
    chosen = rule(days, same_channel, calendar_days)
    if getattr(log, "flagged_rule", None) != chosen:
        log.connection.execute(
            "CREATE OR REPLACE TEMP TABLE reiterations AS SELECT structure, usager, motif, canal, horodatage, canal_precedent, "
            f"reiteration FROM ({pipeline.flags_sql(chosen)})"
        ).fetchall()
        log.flagged_rule = chosen


def flagged(log, days: int, same_channel: bool = False, calendar_days: bool = False) -> str:
    """Where the flags of a rule are read: the kept table (:func:`keep_flags`), else the query."""
    chosen = rule(days, same_channel, calendar_days)
    return "reiterations" if getattr(log, "flagged_rule", None) == chosen else f"({pipeline.flags_sql(chosen)})"


def forget_flags(log) -> None:
    """Drop the kept table (the next breakdown computes the flags again)."""
    log.connection.execute("DROP TABLE IF EXISTS reiterations").fetchall()
    log.flagged_rule = None


def _sorted(rows) -> list[tuple]:
    """A breakdown's rows in the order of their values (Python's: code points, the same for
    every engine)."""
    return sorted(((value, int(contacts), int(repeats or 0)) for value, contacts, repeats, *_ in rows), key=lambda row: row[0])


def reiteration_by(log, by: str, days: int, structures=None, same_channel: bool = False, calendar_days: bool = False):
    """One row per value of ``by`` (sorted) with ``contacts``, ``reiterations`` and ``taux``
    (percent, unrounded), then a last row ``TOTAL``: a pandas frame. ``structures``: only the
    contacts of these structures (names as in the log; a réitération never crosses structures,
    so this is exact). ``same_channel``, ``calendar_days``: see :class:`pipeline.Rule`.
    ``log``: a :class:`log_format.ContactLog` (:func:`load_log`).

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
    statement = pipeline.breakdown_sql(by, flagged(log, days, same_channel, calendar_days), structures)
    return _frame(_with_total(_sorted(log.connection.execute(statement).fetchall())), by)


def reiteration_of_files(paths, by: str, days: int, skip_bad_rows: bool = False, progress=None, **options):
    """:func:`reiteration_by` of log files scanned by one statement and kept nowhere (2 ×
    faster than loading the log first, see :func:`log_format.scan_log`). The frame, and the
    :class:`log_format.Scan` that says which rows were left aside. ``options``: those of
    :func:`reiteration_rows_of_files`.

    >>> from contacts_lib.logs import reiteration_of_files
    >>> table, scan = reiteration_of_files("data/journal-synthetique/journal.csv", "canal", 15)
    >>> scan.contacts, scan.skipped
    (2006, 0)
    >>> table.tail(1)
       canal  contacts  reiterations       taux
    5  TOTAL      2006           466  23.230309
    """
    rows, scan = reiteration_rows_of_files(paths, by, days, skip_bad_rows, progress, **options)
    return _frame(rows, by), scan


def reiteration_rows_of_files(paths, by: str, days: int, skip_bad_rows: bool = False, progress=None,
                              same_channel: bool = False, calendar_days: bool = False,
                              engine: str = "duckdb", zone: str | None = None, spark_master: str | None = None):
    """:func:`reiteration_of_files` as plain rows (value, contacts, reiterations, taux), TOTAL
    last: what the command writes, without waiting for pandas. ``engine``, ``zone``,
    ``spark_master``: see :func:`log_format.scan_log` (both engines give the same rows)."""
    chosen = rule(days, same_channel, calendar_days)
    pipeline.breakdown_sql(by, "contacts")  # an unknown breakdown is said before the files are read
    scan = scan_log(paths, lambda contacts: pipeline.breakdown_sql(by, f"({pipeline.flags_sql(chosen, contacts)}) AS reperes"),
                    skip_bad_rows, progress, engine, zone, spark_master)
    return _with_total(_sorted(scan.rows)), scan


def _unconfused(rows: list[tuple]) -> list[tuple]:
    """The rows of a breakdown, none of whose values could be taken for the total row."""
    for row in rows:
        if isinstance(row[0], str) and row[0].strip().casefold() == TOTAL.casefold():
            raise InputError(f"une valeur du journal s'écrit « {row[0].strip()} », comme la ligne du total : "
                             "renommez-la (c'est peut-être une ligne de total copiée d'un tableur).")
    return rows


def _with_total(rows: list[tuple]) -> list[tuple]:
    """Rows (value, contacts, réitérations) with their rate, then the ``TOTAL`` row."""
    rows = _unconfused(list(rows))
    rows.append((TOTAL, sum(row[1] for row in rows), sum(row[2] for row in rows)))
    return [(value, contacts, repeats, 100 * repeats / contacts if contacts > 0 else float("nan"))
            for value, contacts, repeats in rows]


def _frame(rows: list[tuple], by: str):
    import pandas as pd

    return pd.DataFrame(rows, columns=[by, "contacts", "reiterations", "taux"]).astype(
        {"contacts": "int64", "reiterations": "int64", "taux": "float64"})


def reiteration_paths(log, days: int, same_channel: bool = False, calendar_days: bool = False):
    """Where people come back: one row per (channel of the first contact, channel of the
    repeat) with the number of réitérations.

    >>> from contacts_lib.logs import load_log, reiteration_paths
    >>> reiteration_paths(load_log("data/journal-synthetique/journal.csv"), 15).head(3)
         depuis      vers  reiterations
    0  courriel  courriel            37
    1  courriel  courrier             7
    2  courriel   guichet             3
    """
    import pandas as pd

    _expect_log(log, "reiteration_paths")
    rows = sorted(log.connection.execute(pipeline.paths_sql(flagged(log, days, same_channel, calendar_days))).fetchall())
    return pd.DataFrame(rows, columns=["depuis", "vers", "reiterations"]).astype({"reiterations": "int64"})


#: The columns of :func:`requests_by`'s rows.
REQUEST_COLUMNS = ("canal", "demandes", "contacts", "contacts_par_demande", "reglees_au_premier_contact", "taux_premier_contact")


def _requests_with_total(rows) -> list[tuple]:
    """Rows (channel of the first contact, requests, contacts, settled at the first contact),
    sorted, with contacts per request and the share settled (percent), then ``TOTAL``."""
    rows = _unconfused(sorted((value, int(requests), int(contacts), int(settled)) for value, requests, contacts, settled in rows))
    rows.append((TOTAL, *(sum(row[i] for row in rows) for i in (1, 2, 3))))
    return [(value, requests, contacts, contacts / requests if requests else float("nan"), settled,
             100 * settled / requests if requests else float("nan")) for value, requests, contacts, settled in rows]


def requests_by(log, days: int, same_channel: bool = False, calendar_days: bool = False):
    """Per channel of a request's first contact: the requests, their contacts, contacts per
    request, the requests settled at the first contact (no réitération followed) and their
    share (percent, unrounded), then ``TOTAL``: a pandas frame. A request is a chain of contacts
    of the same key each within the window of the one before; a contact without an identifier
    is a request of its own.

    >>> from contacts_lib.logs import load_log, requests_by
    >>> table = requests_by(load_log("data/journal-synthetique/journal.csv"), 15)
    >>> table[["canal", "demandes", "contacts", "taux_premier_contact"]].tail(2)
       canal  demandes  contacts  taux_premier_contact
    4    web        59        84             67.796610
    5  TOTAL      1540      2006             77.792208
    """
    import pandas as pd

    _expect_log(log, "requests_by")
    rows = [row[:4] for row in log.connection.execute(pipeline.requests_sql(rule(days, same_channel, calendar_days))).fetchall()]
    return pd.DataFrame(_requests_with_total(rows), columns=list(REQUEST_COLUMNS))


def requests_rows_of_files(paths, days: int, skip_bad_rows: bool = False, progress=None, same_channel: bool = False,
                           calendar_days: bool = False, engine: str = "duckdb", zone: str | None = None,
                           spark_master: str | None = None):
    """:func:`requests_by` of log files scanned by one statement and kept nowhere: plain rows
    (:data:`REQUEST_COLUMNS`), TOTAL last, and the :class:`log_format.Scan`."""
    chosen = rule(days, same_channel, calendar_days)

    def statement(contacts: str) -> str:  # every contact counted once, with those without an identifier
        requests = pipeline.requests_sql(chosen, contacts)
        return (f"SELECT canal, demandes, contacts, reglees_au_premier_contact, sans_identifiant FROM ({requests}) AS d")

    scan = scan_log(paths, statement, skip_bad_rows, progress, engine, zone, spark_master)
    return _requests_with_total([row[:4] for row in scan.rows]), scan


def _expect_log(log, function: str) -> None:
    from contacts_lib.frames import expect_kind
    from contacts_lib.logs.log_format import ContactLog

    expect_kind(log, ContactLog, "un journal de contacts (load_log)", function, "log")
