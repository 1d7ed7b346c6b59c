"""Everything the tool does to a contact log, written once, in SQL: typing and checking the
timestamps, the channels' vocabulary, trimming, empty values, the pseudonym, the rule of the
réitération, the breakdowns, the paths and the requests.

The text is written in DuckDB's dialect and run as it is by DuckDB (the default engine); for
Spark SQL it is translated by SQLGlot (:func:`for_engine`), and the same translation gives the
Trino text the README shows. Why SQL text and not a query builder: the text is what a data team
reads and runs on its cluster, and one translator keeps a single source for every engine; the
tests run both engines on the same logs and compare their outputs byte for byte.

The engines only read files (into relations whose columns keep their names and types, see
:class:`Source`) and run statements. Every statement here gives unordered rows of counts; the
caller sorts them and computes the rates in Python, so that neither collations nor floating
arithmetic of an engine reach the output.

Time: every timestamp becomes the legal time of one time zone (``Europe/Paris`` unless said
otherwise), which is the engine session's time zone: texts and columns without an offset are
already that time; a text with an offset (``+02:00``, ``Z``) and a ``TIMESTAMPTZ`` column are
instants, converted to it. Windows are compared on that time.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from contacts_lib.messages import InputError, visible

#: The columns a contact log must have.
COLUMNS = ("structure", "usager", "horodatage", "canal", "motif")
#: The columns with few values (a contact's groups).
GROUPED = ("structure", "canal", "motif")
#: The time zone of the legal time windows are compared in, unless another is given.
ZONE = "Europe/Paris"
#: The years a contact's timestamp may have; anything else is not read as a date.
YEARS = (1900, 2199)
#: The characters trimmed around every value: Unicode's space separators and line ends (a
#: value's own tabs or line breaks inside it are kept).
TRIMMED = "".join(chr(c) for c in range(0x3001) if unicodedata.category(chr(c)) == "Zs") + "\t\n\r\x0b\x0c\x85\u2028\u2029"
#: More distinct channels than this: the column does not hold channels.
MAX_CANALS = 1000

#: Kinds of the columns, whatever the engine calls their types.
TEXT, INTEGER, TIMESTAMP, TIMESTAMP_NS, TIMESTAMPTZ, DATE = "texte", "entier", "timestamp", "timestamp_ns", "timestamptz", "date"
#: The kinds each column may have.
KINDS = {
    "horodatage": (TEXT, TIMESTAMP, TIMESTAMP_NS, TIMESTAMPTZ, DATE),
    "structure": (TEXT, INTEGER), "usager": (TEXT, INTEGER), "canal": (TEXT,), "motif": (TEXT, INTEGER),
}

_DIGITS2 = "[0-9]{2}"
_YEAR = "(19|20|21)[0-9]{2}"
_TIME = "([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]{1,6})?)?"
#: The text forms of a timestamp: ISO (a date alone, or with its time), ISO with an offset
#: (« Z », « +02:00 »), French (« 08/01/2026 », « 8/1/2026 14:30 »). Four-digit years only:
#: « 08/01/26 » is refused, not read as the year 26.
ISO_FORM = f"^{_YEAR}-{_DIGITS2}-{_DIGITS2}([ T]{_TIME})?$"
ISO_OFFSET_FORM = f"^{_YEAR}-{_DIGITS2}-{_DIGITS2}[ T]{_TIME}(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"
FRENCH_FORM = f"^[0-9]{{1,2}}/[0-9]{{1,2}}/{_YEAR}( ([01]?[0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?)?$"
#: How the forms are said to a person.
FORMS_SAID = "AAAA-MM-JJ HH:MM, avec ou sans décalage horaire (+02:00, Z), ou JJ/MM/AAAA HH:MM"


def quoted(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def identifier(name: str) -> str:
    """A SQL identifier, whatever its characters."""
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class Rule:
    """The rule of the réitération (the README's words): a contact is a réitération when the
    previous contact of the same person, for the same motif, in the same structure (and, with
    ``same_channel``, on the same channel) happened at most ``days`` days earlier — ``days`` × 24
    hours, or with ``calendar_days`` on the same calendar day or one of the ``days`` calendar days
    before. A contact without an identifier is counted and never a réitération, nor repeated.

    >>> from contacts_lib.logs import Rule
    >>> Rule(7).within("LAG(horodatage) OVER par_cle", "horodatage")
    "LAG(horodatage) OVER par_cle >= horodatage - INTERVAL '7' DAY"
    >>> Rule(1, same_channel=True, calendar_days=True).key()
    'structure, usager, motif, canal'
    """

    days: int
    same_channel: bool = False
    calendar_days: bool = False

    def key(self) -> str:
        return "structure, usager, motif" + (", canal" if self.same_channel else "")

    def within(self, earlier: str, later: str) -> str:
        """SQL: ``earlier`` (a timestamp) is within the window before ``later``."""
        if self.calendar_days:
            return f"CAST({earlier} AS DATE) >= CAST({later} AS DATE) - INTERVAL '{self.days}' DAY"
        return f"{earlier} >= {later} - INTERVAL '{self.days}' DAY"


@dataclass
class Source:
    """One log file as an engine reads it: the relation's SQL text, the actual names of the five
    columns (and of the others), and the kind of each of the five."""

    path: Path
    relation: str
    names: dict[str, str]
    kinds: dict[str, str]
    extra: list[str] = field(default_factory=list)
    shown: str = ""
    #: Every column's name, in the file's order; and for a CSV its separator and encoding.
    columns: list[str] = field(default_factory=list)
    separator: str = ","
    encoding: str = "utf-8"


def columns_of(path_shown: str, described: list[tuple[str, str | None]],
               types: dict[str, str] | None = None) -> tuple[dict[str, str], dict[str, str], list[str]]:
    """The five columns found among ``described`` (name, kind or None when the kind is none of
    :data:`KINDS`' — a list, a struct…; ``types``: the engine's names of the types, for the
    message): their names and kinds, and the other columns. Names are
    compared without case and surrounding spaces; two columns read as one are refused."""
    from contacts_lib.messages import agreed

    seen: dict[str, list[str]] = {}
    for name, _ in described:
        seen.setdefault(name.strip().casefold(), []).append(name)
    for column in COLUMNS:
        if len(seen.get(column, ())) > 1:
            listed = ", ".join(f"« {visible(name)} »" for name in seen[column])
            raise InputError(f"{path_shown} : plusieurs colonnes se lisent {column} ({listed}) ; gardez-en une seule.")
    missing = [column for column in COLUMNS if column not in seen]
    if missing:
        raise InputError(
            f"{path_shown} : {agreed(len(missing), 'colonne')} {agreed(len(missing), 'manquante')} : "
            f"{', '.join(missing)} (colonnes attendues : {', '.join(COLUMNS)})."
        )
    kinds_of = dict(described)
    names = {column: seen[column][0] for column in COLUMNS}
    kinds = {}
    for column in COLUMNS:
        kind = kinds_of[names[column]]
        if kind not in KINDS[column]:
            expected = {"horodatage": "du texte, un TIMESTAMP (avec ou sans fuseau) ou une DATE",
                        "canal": "du texte"}.get(column, "du texte ou des nombres entiers")
            raise InputError(f"{path_shown} : la colonne {column} doit contenir {expected}, pas des valeurs de type {visible((types or {}).get(names[column], 'composé'))[:60]}.")
        kinds[column] = kind
    extra = [name for name, _ in described if name.strip().casefold() not in COLUMNS]
    return names, kinds, extra


def trimmed(expression: str, needed: bool = True) -> str:
    """A text without the spaces around it (:data:`TRIMMED`); ``needed`` False when the column is
    known to have none (:func:`glance_sql`). ``trim`` copies every value, so it is only called on
    values that begin or end with one of those characters (5 million identifiers: 0.2 s, not 2)."""
    if not needed:
        return expression
    characters = quoted(TRIMMED)
    return (f"CASE WHEN instr({characters}, left({expression}, 1)) > 0 OR instr({characters}, right({expression}, 1)) > 0 "
            f"THEN trim({expression}, {characters}) ELSE {expression} END")


def text_of(source: Source, column: str) -> str:
    return f"CAST({identifier(source.names[column])} AS VARCHAR)"


def _in_years(expression: str) -> str:
    low, high = YEARS
    return (f"CASE WHEN {expression} >= CAST('{low}-01-01' AS TIMESTAMP) AND {expression} < CAST('{high + 1}-01-01' AS TIMESTAMP) "
            f"THEN {expression} END")


def timestamp_of(source: Source) -> str:
    """SQL: the contact's legal time (a TIMESTAMP without zone), NULL when the value is not one
    of the forms (:data:`ISO_FORM`…), is not a real date (« 30/02/2026 »), is outside
    :data:`YEARS`, or is more precise than the microsecond."""
    name, kind = identifier(source.names["horodatage"]), source.kinds["horodatage"]
    if kind == TIMESTAMP_NS:  # nanoseconds would be lost: only whole microseconds are read
        return _in_years(f"CASE WHEN epoch_ns({name}) % 1000 = 0 THEN CAST({name} AS TIMESTAMP) END")
    if kind != TEXT:  # a TIMESTAMPTZ becomes the session's legal time; a DATE, its midnight
        return _in_years(f"CAST({name} AS TIMESTAMP)")
    text = trimmed(f"CAST({name} AS VARCHAR)")
    day = f"lpad(regexp_extract({text}, '^([0-9]{{1,2}})/', 1), 2, '0')"
    month = f"lpad(regexp_extract({text}, '^[0-9]{{1,2}}/([0-9]{{1,2}})/', 1), 2, '0')"
    year = f"regexp_extract({text}, '/([0-9]{{4}})', 1)"
    hour = f"regexp_extract({text}, ' ([0-9]{{1,2}}):', 1)"
    rest = f"regexp_extract({text}, ' [0-9]{{1,2}}(:[0-9]{{2}}(:[0-9]{{2}})?)$', 1)"
    french = f"{year} || '-' || {month} || '-' || {day} || CASE WHEN {hour} = '' THEN '' ELSE ' ' || lpad({hour}, 2, '0') || {rest} END"
    # With an offset, always with seconds and « +00:00 » for « Z » (Spark reads no other way).
    seconds = f"regexp_extract({text}, '^.{{16}}(:[0-9]{{2}}([.][0-9]{{1,6}})?)?', 1)"
    offset = f"regexp_extract({text}, '([+-][0-9]{{2}}:[0-9]{{2}})$', 1)"
    with_offset = (f"substr({text}, 1, 10) || ' ' || substr({text}, 12, 5) || CASE WHEN {seconds} = '' THEN ':00' ELSE {seconds} END "
                   f"|| CASE WHEN {offset} = '' THEN '+00:00' ELSE {offset} END")
    return _in_years(
        f"CASE WHEN regexp_matches({text}, {quoted(ISO_FORM)}) THEN try_cast({text} AS TIMESTAMP) "
        f"WHEN regexp_matches({text}, {quoted(ISO_OFFSET_FORM)}) THEN CAST(try_cast({with_offset} AS TIMESTAMPTZ) AS TIMESTAMP) "
        f"WHEN regexp_matches({text}, {quoted(FRENCH_FORM)}) THEN try_cast({french} AS TIMESTAMP) END"
    )


def canal_case(spellings: dict[str, str], expression: str = "canal") -> str:
    """SQL: a channel as the vocabulary writes it, from its trimmed spellings found in the log
    (``spellings``: spelling → channel, see :func:`log_format.canal_of`)."""
    read_as = " ".join(f"WHEN {quoted(raw)} THEN {quoted(canal)}" for raw, canal in sorted(spellings.items()) if raw != canal)
    return f"CASE {expression} {read_as} ELSE {expression} END" if read_as else expression


def pseudonym(key: str, usager: str = "usager") -> str:
    """SQL: the pseudonym of an identifier — the first 16 hexadecimal digits (64 bits) of the
    SHA-256 of the secret key, a separator and the identifier; the same text on every engine."""
    return f"substr(sha256({quoted(key + chr(31))} || {usager}), 1, 16)"


def rows_sql(source: Source, untrimmed: frozenset = frozenset(), usager=None, extra_columns=()) -> str:
    """SQL: a file's rows, tidy: ``fichier``, the five columns (texts trimmed, empty as NULL,
    ``horodatage`` typed by :func:`timestamp_of`), ``usager`` through ``usager`` (a function of
    the trimmed identifier's SQL; by default the trimmed text) — NULL when empty: a contact
    without an identifier —, and ``extra_columns`` (NULL where the file has not that column)."""
    values = {}
    for column in ("structure", "usager", "canal", "motif"):
        values[column] = f"NULLIF({trimmed(text_of(source, column), column not in untrimmed)}, '')"
    # A contact without an identifier stays without one (a hash of NULL is not NULL).
    usager_sql = values["usager"] if usager is None else f"CASE WHEN {values['usager']} IS NOT NULL THEN {usager(values['usager'])} END"
    others = "".join(
        f", {'CAST(' + identifier(name) + ' AS VARCHAR)' if name in source.extra else 'CAST(NULL AS VARCHAR)'} AS {identifier(name)}"
        for name in extra_columns
    )
    return (
        f"SELECT {quoted(source.shown)} AS fichier, {values['structure']} AS structure, {usager_sql} AS usager, "
        f"{timestamp_of(source)} AS horodatage, {values['canal']} AS canal, {values['motif']} AS motif{others} "
        f"FROM {source.relation}"
    )


def contacts_sql(sources: list[Source], canal: str = "canal", untrimmed: frozenset = frozenset(), usager=None,
                 extra_columns=()) -> str:
    """SQL: the contacts of every file (:func:`rows_sql`) that can be read — structure, motif,
    canal and horodatage all there; ``usager`` may be NULL — with channels read by ``canal``
    (:func:`canal_case`)."""
    rows = " UNION ALL ".join(rows_sql(s, untrimmed, usager, extra_columns) for s in sources)
    others = "".join(f", {identifier(name)}" for name in extra_columns)
    return (
        f"SELECT structure, usager, horodatage, {canal} AS canal, motif, fichier{others} FROM ({rows}) AS lu "
        "WHERE structure IS NOT NULL AND horodatage IS NOT NULL AND canal IS NOT NULL AND motif IS NOT NULL"
    )


def glance_sql(sources: list[Source]) -> str:
    """SQL: one row — the number of rows of the files, and for structure, canal and motif whether
    any value has spaces to trim (looked for among their distinct values: few, and cheap to find
    in a Parquet file's dictionaries)."""
    raw = " UNION ALL ".join(
        "SELECT " + ", ".join(f"{text_of(s, c)} AS {c}" for c in GROUPED) + f" FROM {s.relation}" for s in sources)
    needs = ", ".join(f"max(CASE WHEN {trimmed(c)} <> {c} THEN 1 ELSE 0 END) AS {c}" for c in GROUPED)
    return (f"SELECT sum(lignes) AS lignes, {needs} FROM (SELECT {', '.join(GROUPED)}, count(*) AS lignes FROM ({raw}) AS brut "
            f"GROUP BY {', '.join(GROUPED)}) AS distincts")


def canals_sql(sources: list[Source], untrimmed: frozenset = frozenset()) -> str:
    """SQL: the distinct channels as written (trimmed), at most :data:`MAX_CANALS` + 1."""
    raw = " UNION ALL ".join(
        f"SELECT NULLIF({trimmed(text_of(s, 'canal'), 'canal' not in untrimmed)}, '') AS canal FROM {s.relation}" for s in sources)
    return f"SELECT DISTINCT canal FROM ({raw}) AS brut WHERE canal IS NOT NULL LIMIT {MAX_CANALS + 1}"


def flags_sql(rule: Rule, contacts: str = "contacts") -> str:
    """SQL: each contact with ``reiteration`` (1 or 0) and ``canal_precedent``, the channel of the
    contact it follows (NULL for a contact without an identifier); ``contacts``: a table or a
    relation with the columns structure, usager, horodatage, canal, motif."""
    return f"""
SELECT
    structure, usager, motif, canal, horodatage,
    CASE WHEN usager IS NOT NULL THEN LAG(canal) OVER par_cle END AS canal_precedent,
    CASE WHEN usager IS NOT NULL AND {rule.within('LAG(horodatage) OVER par_cle', 'horodatage')} THEN 1 ELSE 0 END AS reiteration
FROM {contacts}
WINDOW par_cle AS (PARTITION BY {rule.key()} ORDER BY horodatage, canal)
"""


#: The columns a breakdown may be « par ».
BREAKDOWNS = ("canal", "motif", "structure", "mois")


def breakdown_sql(by: str, flags: str, structures=None) -> str:
    """SQL: per value of ``by``, the contacts, the réitérations and the contacts without an
    identifier (unordered); ``flags``: a relation of :func:`flags_sql`."""
    if by not in BREAKDOWNS:
        raise InputError(f"--par : {visible(str(by))} inconnu (au choix : {', '.join(BREAKDOWNS)}).")
    value = "strftime(horodatage, '%Y-%m')" if by == "mois" else f"CAST({by} AS VARCHAR)"
    where = ""
    if structures is not None:
        listed = ", ".join(quoted(str(name)) for name in structures) or "NULL"
        where = f" WHERE CAST(structure AS VARCHAR) IN ({listed})"
    return (f"SELECT {value} AS {by}, count(*) AS contacts, sum(reiteration) AS reiterations, "
            f"sum(CASE WHEN usager IS NULL THEN 1 ELSE 0 END) AS sans_identifiant FROM {flags}{where} GROUP BY 1")


def paths_sql(flags: str) -> str:
    """SQL: per (channel of the previous contact, channel of the réitération), the réitérations."""
    return (f"SELECT CAST(canal_precedent AS VARCHAR) AS depuis, CAST(canal AS VARCHAR) AS vers, count(*) AS reiterations "
            f"FROM {flags} WHERE reiteration = 1 GROUP BY 1, 2")


def requests_sql(rule: Rule, contacts: str = "contacts") -> str:
    """SQL: per channel of a request's first contact, the requests, their contacts and the
    requests settled at the first contact. A request is a chain of contacts of the same key
    (:class:`Rule`) each within the window of the one before: a contact that is not a
    réitération starts one. A contact without an identifier is a request of its own."""
    return f"""
SELECT premier_canal AS canal, count(*) AS demandes, sum(contacts) AS contacts,
    sum(CASE WHEN contacts = 1 THEN 1 ELSE 0 END) AS reglees_au_premier_contact,
    sum(CASE WHEN usager IS NULL THEN 1 ELSE 0 END) AS sans_identifiant
FROM (
    SELECT usager, max(CASE WHEN reiteration = 0 THEN canal END) AS premier_canal, count(*) AS contacts
    FROM (
        SELECT *, sum(1 - reiteration) OVER (PARTITION BY {rule.key()} ORDER BY horodatage, canal
            ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS demande
        FROM ({flags_sql(rule, contacts)}) AS reperes
    ) AS numerotes
    GROUP BY {rule.key()}, demande
) AS demandes
GROUP BY 1
"""


def for_engine(sql: str, engine: str) -> str:
    """The text of a statement for an engine: DuckDB's as written; Spark SQL's and Trino's
    translated by SQLGlot."""
    if engine == "duckdb":
        return sql
    import sqlglot

    return sqlglot.transpile(sql, read="duckdb", write=engine)[0]

