"""Contact logs: one row per contact, read into an embedded DuckDB database.

The format (CSV in UTF-8 or cp1252, ``,`` or ``;``, or Parquet) has the columns ``structure,
usager, horodatage, canal, motif``; other columns are kept. Channels are read in a small
vocabulary (« Téléphone », « tél. », « e-mail »… are the usual spellings of ``telephone`` and
``courriel``); any other channel is kept as written. Timestamps are texts — ISO
(``2026-01-08 14:30``, ``2026-01-08T14:30:00``, a date alone, with or without an offset such as
``+02:00`` or ``Z``) or French (``08/01/2026 14:30``, ``08/01/2026``) — or typed columns
(TIMESTAMP, TIMESTAMPTZ, DATE); every one becomes the legal time of one time zone
(:mod:`pipeline`, which holds every step of the reading).

The personal identifier ``usager`` is pseudonymised as it is read: it becomes a keyed hash
(SHA-256 of a secret key and the identifier, 64 bits kept), the key being kept outside the data
(``CONTACTS_EFFICACES_CLE``, else a key file created once in the user's data folder). The raw
value never reaches the table, a page, a message or a file the tool writes.

A row that cannot be read (a missing value, a timestamp that is not one, a CSV row with too
many fields) is named with its file, line and column (a value only when it cannot be an
identifier); a contact without an identifier is kept, and never a réitération; the caller chooses to stop at it or to skip such rows (and is told how
many were skipped).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import os
import re
import secrets
import shutil
import tempfile
import threading
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from contacts_lib.formats.files import shown_path
from contacts_lib.logs import pipeline
from contacts_lib.logs.pipeline import COLUMNS, GROUPED, identifier, quoted
from contacts_lib.messages import InputError, plural, show_value, thousands, visible

#: The channels of the recueil, and the spellings read as each (compared without case, accents,
#: spaces, dots, hyphens or underscores).
CANALS = {
    "guichet": ("guichet", "accueil", "accueil physique", "physique", "visite", "face à face", "rendez-vous", "rdv"),
    "telephone": ("telephone", "téléphone", "tel", "tél", "tél.", "phone", "appel", "appel téléphonique"),
    "courrier": ("courrier", "courrier postal", "lettre", "poste", "postal"),
    "courriel": ("courriel", "e-mail", "email", "mail", "mél", "mel", "messagerie"),
    "web": ("web", "internet", "site", "site internet", "en ligne", "formulaire en ligne", "espace personnel"),
}
#: How the page shows a channel of the vocabulary (the tables and CSV keep the key).
CANAL_LABELS = {"guichet": "guichet", "telephone": "téléphone", "courrier": "courrier", "courriel": "courriel", "web": "web"}


def shown_canal(canal: str) -> str:
    return CANAL_LABELS.get(canal, canal)


KEY_VARIABLE = "CONTACTS_EFFICACES_CLE"
#: How many bad rows a message lists before « et N autres ».
SHOWN_PROBLEMS = 5
#: How often (seconds) the progress of a long read is reported.
PROGRESS_EVERY = 0.5
#: How many rows of the wrong length a CSV's reading notes (beyond, they are counted once more).
NOTED_REJECTS = 1000
#: The engines that run the pipeline.
ENGINES = ("duckdb", "spark")


def spelling_key(text: str) -> str:
    """How channel spellings are compared: « Téléphone » = « telephone » = « TÉL. » → « tel »."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return re.sub(r"[\s.\-_']+", "", "".join(c for c in decomposed if not unicodedata.combining(c)))


def canal_of(text: str) -> str:
    """The vocabulary's channel for a spelling, else the text as written (trimmed).

    >>> from contacts_lib.logs import canal_of
    >>> canal_of("Tél."), canal_of("e-mail"), canal_of("Accueil physique"), canal_of(" Fax ")
    ('telephone', 'courriel', 'guichet', 'Fax')
    """
    key = spelling_key(text)
    for canal, spellings in CANALS.items():
        if key in {spelling_key(s) for s in spellings}:
            return canal
    return text.strip()


def pseudonymisation_key() -> str:
    """The secret key of the pseudonyms: ``CONTACTS_EFFICACES_CLE``, else a key file in the
    user's data folder, created once (readable by its owner only). Keep it: the same key gives
    the same pseudonyms, so that logs read on different days can be joined."""
    named = os.environ.get(KEY_VARIABLE, "").strip()
    if named:
        return named
    import platformdirs

    path = Path(platformdirs.user_data_dir("contacts-efficaces", appauthor=False)) / "cle-pseudonymisation"
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(32)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as file:
            file.write(key + "\n")
        return key


@dataclass
class ContactLog:
    """Contacts read from logs: the DuckDB connection holds table ``contacts`` (``structure``,
    ``usager`` — the pseudonym, an integer; NULL for a contact without an identifier —,
    ``horodatage`` TIMESTAMP (legal time of :attr:`zone`), ``canal``, ``motif`` —
    structure, canal and motif as enums —, ``fichier`` and the other columns as text): the logs'
    tidy input, which every analysis of :mod:`contacts_lib.logs` and :mod:`contacts_lib.costs`
    takes; :meth:`frame` gives any query's result as a pandas frame.

    >>> from contacts_lib.logs import load_log
    >>> log = load_log("data/journal-synthetique/journal.csv")
    >>> log.rows, log.skipped
    (2006, 0)
    >>> log.frame("SELECT canal, count(*) AS contacts FROM contacts GROUP BY canal ORDER BY canal")
           canal  contacts
    0   courriel       262
    1   courrier       405
    2    guichet       238
    3  telephone      1021
    4        web        80
    """

    connection: object
    rows: int
    #: Messages about the rows left aside (when asked to skip them), and how many there were.
    problems: list[str] = field(default_factory=list)
    skipped: int = 0
    #: The rule whose réitération flags are kept (see :func:`reiteration.flagged`).
    flagged_rule: object = None
    #: The time zone of the legal time the timestamps were read in.
    zone: str = pipeline.ZONE
    #: The contacts without an identifier (kept, never réitérations).
    unidentified: int = 0

    def frame(self, query: str):
        """A query's result as a pandas frame."""
        return self.connection.sql(query).df()


def _utf8_copy(path: Path, folder: Path, keep: list) -> Path:
    """The file itself if it is UTF-8, else a UTF-8 copy of it read as cp1252 (the other
    encoding of files from the field); a BOM is left to DuckDB. The copy holds identifiers: on
    Linux it is a file already removed, read through its descriptor (kept open in ``keep``), so
    that nothing is left of it even when the process is killed."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with open(path, "rb") as file:
            while chunk := file.read(1 << 24):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        return path
    except UnicodeDecodeError:
        pass
    copy = folder / (path.stem + ".utf8.csv")
    target = open(copy, "w+", encoding="utf-8", newline="")  # noqa: SIM115 - kept open while DuckDB reads it
    keep.append(target)
    readable = copy
    if Path("/proc/self/fd").is_dir():
        os.unlink(copy)
        readable = Path(f"/proc/self/fd/{target.fileno()}")
    with open(path, encoding="cp1252", errors="strict", newline="") as source:
        try:
            while chunk := source.read(1 << 22):
                target.write(chunk)
        except UnicodeDecodeError:
            raise InputError(f"{shown_path(path)} : encodage non reconnu (ni UTF-8 ni Windows-1252).") from None
    target.flush()
    return readable


def _separator(path: Path) -> str:
    with open(path, "rb") as file:
        first = file.readline(1 << 20).decode("utf-8", errors="replace")
    return ";" if first.count(";") > first.count(",") else ","


def _csv_options(path: Path) -> str:
    return f"header = true, all_varchar = true, delim = {quoted(_separator(path))}, quote = '\"', escape = '\"'"


def _relation(path: Path, folder: Path, index: int, keep: list) -> tuple[str, str]:
    """The DuckDB relation that reads a log file: Parquet with its own types; CSV as texts, a row
    with too many or too few fields noted aside (table ``rejets_<index>``) rather than misread."""
    suffix = path.suffix.casefold()
    if suffix == ".parquet":
        return f"read_parquet({quoted(str(path))})", ""
    if suffix not in (".csv", ".txt"):
        raise InputError(f"{shown_path(path)} : format non reconnu ; un journal de contacts est un fichier .csv ou .parquet.")
    with open(path, "rb") as file:
        if file.read(2) in (b"\xff\xfe", b"\xfe\xff"):
            raise InputError(f"{shown_path(path)} : encodage UTF-16 non pris en charge ; enregistrez le fichier en UTF-8.")
    readable = _utf8_copy(path, folder, keep)
    return (f"read_csv({quoted(str(readable))}, {_csv_options(path)}, strict_mode = true, store_rejects = true, "
            f"rejects_table = 'rejets_{index}', rejects_scan = 'lectures_{index}', rejects_limit = {NOTED_REJECTS})",
            "utf-8" if readable == path else "windows-1252")


#: DuckDB's types as the pipeline's kinds (any other type is refused for the five columns).
_KINDS = {"VARCHAR": pipeline.TEXT, "TIMESTAMP": pipeline.TIMESTAMP, "TIMESTAMP_S": pipeline.TIMESTAMP,
          "TIMESTAMP_MS": pipeline.TIMESTAMP, "TIMESTAMP_NS": pipeline.TIMESTAMP_NS,
          "TIMESTAMP WITH TIME ZONE": pipeline.TIMESTAMPTZ, "DATE": pipeline.DATE,
          **{t: pipeline.INTEGER for t in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT")}}


def _source(connection, path: Path, relation: str, encoding: str) -> pipeline.Source:
    try:
        types = {row[0]: str(row[1]) for row in connection.sql(f"DESCRIBE SELECT * FROM {relation}").fetchall()}
    except Exception:  # DuckDB's words are English and may quote a row: ours instead
        kind = ("fichier Parquet tronqué ou endommagé" if path.suffix.casefold() == ".parquet"
                else "CSV illisible : lignes de longueurs différentes, guillemet non fermé ou ligne trop longue")
        raise InputError(f"{shown_path(path)} : {kind}.") from None
    separator = _separator(path) if encoding else ","
    if encoding:  # the header as written (DuckDB renames a second « usager » to « usager_1 »)
        with open(path, encoding=encoding.replace("windows-", "cp"), errors="replace", newline="") as file:
            header = next(csv.reader([file.readline(1 << 20).lstrip("\ufeff")], delimiter=separator), [])
        pipeline.columns_of(shown_path(path), [(name, pipeline.TEXT) for name in header])
    described = [(name, _KINDS.get(kind.upper())) for name, kind in types.items()]
    names, kinds, extra = pipeline.columns_of(shown_path(path), described, types)
    return pipeline.Source(path, relation, names, kinds, extra, shown_path(path), [name for name, _ in described],
                           separator, encoding or "utf-8")


def _engine_message(error: Exception, paths: list[Path]) -> str:
    """A failure of DuckDB while reading, in French: the usual ones said, the others with the
    engine's first line (never the rest, which may quote a row)."""
    names = ", ".join(shown_path(p) for p in paths)
    text = str(error)
    line = re.search(r"CSV Error on Line: (\d+)", text)
    if line:
        return (f"{names} : CSV illisible à la ligne {line.group(1)} : ligne trop longue, guillemet non fermé ou "
                "colonnes décalées.")
    if "Out of Memory" in text or "could not allocate" in text.casefold():
        return f"{names} : mémoire insuffisante pour lire ce journal sur cette machine."
    return f"{names} : lecture impossible ({_first_line(error)})."


def _first_line(error: Exception) -> str:
    """DuckDB's first line about an error: never the rest, which may quote a row (and a usager)."""
    text = str(error).strip()
    first = text.splitlines()[0] if text else type(error).__name__
    return visible(first.split("Original Line")[0])[:200]


def _checked(paths: Iterable[Path | str] | Path | str) -> list[Path]:
    if isinstance(paths, (str, Path)):
        paths = [paths]
    paths = [Path(p) for p in paths]
    for path in paths:
        if path.is_dir():
            raise InputError(f"{shown_path(path)} : c'est un dossier ; donnez les fichiers du journal (.csv ou .parquet).")
        if not path.is_file():
            raise InputError(f"{shown_path(path)} : fichier introuvable.")
        if path.stat().st_size == 0:
            raise InputError(f"{shown_path(path)} : le fichier est vide.")
    return paths


def checked_zone(zone: str | None) -> str:
    """A time zone's IANA name (« Europe/Paris »), or :class:`InputError` in French."""
    import zoneinfo

    zone = (zone or pipeline.ZONE).strip()
    try:
        zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise InputError(f"fuseau horaire {show_value(zone)} inconnu (par exemple Europe/Paris, America/Cayenne, "
                         "Indian/Reunion, UTC).") from None
    return zone


@contextlib.contextmanager
def private_folder():
    """A temporary folder readable by its owner only, for the engines' spills; removed at the end,
    and, when a process was killed before removing its own, by the next one."""
    base = Path(tempfile.gettempdir())
    for stale in base.glob("contacts-efficaces-*-*"):
        pid = stale.name.split("-")[2]
        if pid.isdigit() and int(pid) != os.getpid() and stale.owner() == _me() and not _alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix=f"contacts-efficaces-{os.getpid()}-") as folder:
        yield Path(folder)


def _me() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class _Reading:
    """The log files as DuckDB reads them (files already :func:`_checked`): their
    :class:`pipeline.Source`, a glance at them, and the names of their bad rows."""

    def __init__(self, connection, paths: list[Path], folder: Path, zone: str = pipeline.ZONE) -> None:
        connection.execute(f"SET temp_directory = {quoted(str(folder / 'duckdb'))}").fetchall()
        connection.execute(f"SET TimeZone = {quoted(zone)}").fetchall()
        # The progress of long statements, for :func:`_run` to report: never DuckDB's own bar.
        connection.execute("SET enable_progress_bar = true").fetchall()
        connection.execute("SET enable_progress_bar_print = false").fetchall()
        self.connection, self.paths, self.keep = connection, paths, []
        try:
            self.sources = [_source(connection, path, *_relation(path, folder, index, self.keep)) for index, path in enumerate(paths)]
        except BaseException:  # a later file refused: the copies already made are closed (and so gone)
            self.close()
            raise
        self.extra_columns: list[str] = []
        for source in self.sources:
            self.extra_columns += [name for name in source.extra if name not in self.extra_columns]

    def glance(self, progress=None) -> Glance:
        """The number of rows, the columns without spaces to trim, and the channels' spellings."""
        _, rows = _run(self.connection, pipeline.glance_sql(self.sources), progress, self.paths)
        lines, *needs = rows[0]
        untrimmed = frozenset(c for c, need in zip(pipeline.GROUPED, needs, strict=True) if not need)
        _, canals = _run(self.connection, pipeline.canals_sql(self.sources, untrimmed), None, self.paths)
        return Glance.of(int(lines or 0) + self.rejected(), untrimmed, [row[0] for row in canals], self.paths)

    def rejected(self) -> int:
        """The rows of a wrong length in the CSV files (each noted once, whatever the scans)."""
        total = 0
        for index, source in enumerate(self.sources):
            if not source.relation.startswith("read_csv"):
                continue
            noted = self.connection.execute(f"SELECT count(DISTINCT line) FROM rejets_{index}").fetchall()[0][0]
            if noted >= NOTED_REJECTS:  # more than noted: the file's rows counted, less those read
                permissive = source.relation.split(", strict_mode")[0] + ", strict_mode = false, null_padding = true, parallel = false)"
                every = self.connection.execute(f"SELECT count(*) FROM {permissive}").fetchall()[0][0]
                accepted = self.connection.execute(f"SELECT count(*) FROM {source.relation}").fetchall()[0][0]
                noted = max(noted, every - accepted)
            total += noted
        return total

    def problems(self, bad: int) -> list[str]:
        return _problems(self, bad)

    def close(self) -> None:
        for file in self.keep:
            file.close()


@dataclass
class Glance:
    """What a first look at the files gives: their rows, the grouped columns without spaces to
    trim, and how each channel's spelling is read."""

    lines: int
    untrimmed: frozenset
    spellings: dict[str, str]

    @classmethod
    def of(cls, lines: int, untrimmed: frozenset, canals: list, paths: list[Path]) -> Glance:
        if len(canals) > pipeline.MAX_CANALS:
            names = ", ".join(shown_path(p) for p in paths)
            raise InputError(f"{names} : plus de {thousands(pipeline.MAX_CANALS)} canaux différents ; la colonne canal "
                             "ne contient pas des canaux (guichet, téléphone, courrier, courriel, web…).")
        return cls(lines, untrimmed, {raw: canal_of(raw) for raw in canals if raw is not None})

    def canal(self) -> str:
        return pipeline.canal_case(self.spellings)


def load_log(
    paths: Iterable[Path | str] | Path | str,
    skip_bad_rows: bool = False,
    progress: Callable[[float], None] | None = None,
    zone: str | None = None,
) -> ContactLog:
    """Read contact logs (CSV or Parquet) into one table of contacts, pseudonymised.

    A bad row stops the reading with :class:`InputError` naming file, line, column and value
    (the first few, and how many in all; never an identifier), unless ``skip_bad_rows``: then
    they are left aside and counted. A contact without an identifier is kept (``usager`` NULL):
    it counts as a contact and is never a réitération. ``zone``: the time zone of the legal time
    timestamps are read in (:data:`pipeline.ZONE` by default). ``progress`` is called now and
    then with the share done (0–1) of a long read.

    The files are read by :mod:`pipeline`'s statements: a glance (rows, spaces, channels'
    spellings), then the tidy contacts, pseudonymised as they are read (so that no copy of an
    identifier is ever made), then table ``contacts`` with structure, canal and motif as enums.
    Line numbers are only worked out when there are bad rows to name.

    >>> from contacts_lib.logs import load_log
    >>> journal = load_log("data/journal-synthetique/journal.csv")   # or a list: ["a.csv", "b.parquet"]
    >>> journal.rows
    2006
    >>> journal.frame("SELECT typeof(usager) AS usager, typeof(horodatage) AS horodatage FROM contacts LIMIT 1")
        usager horodatage
    0  UBIGINT  TIMESTAMP
    """
    import duckdb

    paths = _checked(paths)
    zone = checked_zone(zone)
    key = pseudonymisation_key()
    connection = duckdb.connect()
    try:
        return _loaded(connection, paths, key, skip_bad_rows, progress, zone)
    except BaseException:
        _close(connection)
        raise


def _close(connection) -> None:
    """Close a connection; one whose statement Ctrl-C cut stays busy and cannot be: left to the
    process's end."""
    try:
        connection.close()
    except Exception:  # noqa: BLE001 - nothing the caller could do about it
        pass


def _loaded(connection, paths: list[Path], key: str, skip_bad_rows: bool, progress, zone: str) -> ContactLog:
    with private_folder() as folder:
        reading = _Reading(connection, paths, folder, zone)
        try:
            glance = reading.glance(_part(progress, 0, 0.3))
            usager = lambda text: f"CAST('0x' || {pipeline.pseudonym(key, text)} AS UBIGINT)"  # noqa: E731
            tidy = pipeline.contacts_sql(reading.sources, glance.canal(), glance.untrimmed, usager, reading.extra_columns)
            _run(connection, "CREATE TABLE lu AS " + tidy, _part(progress, 0.3, 0.9), paths)
            bad = glance.lines - connection.execute("SELECT count(*) FROM lu").fetchall()[0][0]
            problems: list[str] = []
            if bad:
                problems = reading.problems(bad)
                if not skip_bad_rows:
                    raise InputError("\n".join(problems))
        finally:
            reading.close()
        groups = connection.execute("SELECT structure, canal, motif FROM lu GROUP BY ALL").fetchall()
        for name, index in (("structure_t", 0), ("canal_t", 1), ("motif_t", 2)):
            _enum(connection, name, (row[index] for row in groups))
        others = "".join(f", {identifier(name)}" for name in reading.extra_columns)
        _run(connection, "CREATE TABLE contacts AS SELECT CAST(structure AS structure_t) AS structure, usager, horodatage, "
             f"CAST(canal AS canal_t) AS canal, CAST(motif AS motif_t) AS motif, fichier{others} FROM lu",
             _part(progress, 0.9, 1), paths)
        connection.execute("DROP TABLE lu").fetchall()
    rows, unidentified = connection.execute("SELECT count(*), count(*) FILTER (WHERE usager IS NULL) FROM contacts").fetchall()[0]
    return ContactLog(connection, rows, problems, bad, zone=zone, unidentified=unidentified)


@dataclass
class Scan:
    """What :func:`scan_log` found: the breakdown's rows, the contacts counted, those without an
    identifier among them, and the rows left aside (when asked to skip them)."""

    rows: list[tuple]
    contacts: int
    problems: list[str] = field(default_factory=list)
    skipped: int = 0
    unidentified: int = 0


def scan_log(
    paths: Iterable[Path | str] | Path | str,
    breakdown: Callable[[str], str],
    skip_bad_rows: bool = False,
    progress: Callable[[float], None] | None = None,
    engine: str = "duckdb",
    zone: str | None = None,
    spark_master: str | None = None,
) -> Scan:
    """One breakdown of contact logs computed by one statement, the log kept nowhere: what the
    command does.

    ``breakdown`` gets the SQL of a relation of the contacts (``structure``, ``usager``,
    ``horodatage``, ``canal``, ``motif``, ``fichier``) and gives the statement of a breakdown
    (DuckDB's dialect, see :mod:`pipeline`) that counts **every** contact once — one row per
    group with the columns ``contacts`` and ``sans_identifiant``, no filter: the bad rows are the
    rows of the files it does not count. They stop the scan with the same message as
    :func:`load_log`, unless ``skip_bad_rows``.

    ``engine``: ``duckdb`` (embedded) or ``spark`` (pyspark; local mode on this machine's cores,
    or the cluster at ``spark_master``); both run the same statements and give the same rows.
    The files are read by that statement, after a glance at them (their rows, spaces, channels'
    spellings). No table is built, and no pseudonym either, since nothing is kept: ``usager`` is
    only compared, through a 64-bit hash computed inside the statement (DuckDB's own, or on Spark
    the keyed pseudonym), and only the breakdown's counts come out. What an engine spills goes to
    a private temporary folder, removed at the end."""
    import duckdb

    if engine not in ENGINES:
        raise InputError(f"--moteur : {visible(str(engine))} inconnu (au choix : {', '.join(ENGINES)}).")
    paths = _checked(paths)
    zone = checked_zone(zone)
    connection = duckdb.connect()
    try:
        with private_folder() as folder:
            reading = _Reading(connection, paths, folder, zone)
            try:
                if engine == "spark":
                    from contacts_lib.logs import spark

                    glance, columns, rows = spark.scanned(reading, breakdown, zone, spark_master, pseudonymisation_key(), progress)
                else:
                    glance = reading.glance()
                    relation = pipeline.contacts_sql(reading.sources, glance.canal(), glance.untrimmed, lambda text: f"hash({text})")
                    columns, rows = _run(connection, breakdown(f"({relation}) AS contacts"), progress, paths)
                contacts = sum(row[columns.index("contacts")] for row in rows)
                bad = glance.lines - contacts
                problems: list[str] = []
                if bad:
                    if engine == "spark":
                        reading.glance()  # DuckDB notes the CSV rows of the wrong length, to name them
                    problems = reading.problems(bad)
                    if not skip_bad_rows:
                        raise InputError("\n".join(problems))
            finally:
                reading.close()
    finally:
        _close(connection)
    unidentified = sum(row[columns.index("sans_identifiant")] or 0 for row in rows) if "sans_identifiant" in columns else 0
    return Scan(rows, contacts, problems, bad, unidentified)


def _enum(connection, name: str, values: Iterable[str | None]) -> None:
    listed = ", ".join(quoted(v) for v in sorted({v for v in values if v is not None})) or "''"
    connection.execute(f"CREATE TYPE {name} AS ENUM ({listed})").fetchall()


#: What a row of the wrong length in a CSV is said to be (DuckDB's kinds of rejected rows).
_REJECTED = {
    "TOO MANY COLUMNS": "{found} champs au lieu de {expected} (un séparateur dans une valeur sans guillemets ?)",
    "MISSING COLUMNS": "{found} champs au lieu de {expected}",
    "LINE SIZE OVER MAXIMUM": "ligne trop longue",
    "UNQUOTED VALUE": "guillemet mal placé",
    "INVALID ENCODING": "caractères illisibles",
}


def _problems(reading: _Reading, bad: int) -> list[str]:
    """Messages for the first bad rows (file, line, column — and a value only when it is known
    not to be an identifier: never a row of the wrong length's, never the usager column's). A
    CSV's lines are numbered as an editor numbers them (:func:`_csv_records`)."""
    found: list[tuple[str, int, str]] = []
    for source in reading.sources:
        bad_rows = _bad_rows(reading, source)
        if source.relation.startswith("read_csv"):
            rejected, lines = _csv_records(source, {position for position, _ in bad_rows})
            found += [(source.shown, line, reason) for line, reason in rejected]
            found += [(source.shown, lines.get(position, position + 1), reason) for position, reason in bad_rows]
        else:
            found += [(source.shown, position, reason) for position, reason in bad_rows]
    found.sort(key=lambda problem: (problem[0], problem[1]))
    messages = [f"{file}, ligne {line} : {reason}." for file, line, reason in found[:SHOWN_PROBLEMS]]
    if bad > len(messages):
        others = bad - len(messages)
        messages.append(f"… et {plural(others, 'autre ligne illisible', 'autres lignes illisibles')} ({thousands(bad)} en tout).")
    return messages


#: The longest line DuckDB's CSV reader reads (its ``max_line_size``).
_MAX_LINE = 2_097_152


def _csv_records(source: pipeline.Source, positions: set[int]) -> tuple[list[tuple[int, str]], dict[int, int]]:
    """A CSV read again by Python's reader, to name lines as an editor numbers them (a quoted
    line break and a blank line are lines): the first rows of the wrong length, with why, and the
    line where each of the ``positions``-th rows of the right length (1 first) begins."""
    rejected: list[tuple[int, str]] = []
    lines: dict[int, int] = {}
    wanted = max(positions, default=0)
    expected = len(source.columns)
    csv.field_size_limit(1 << 31)
    encoding = "utf-8-sig" if source.encoding == "utf-8" else "cp1252"
    with open(source.path, encoding=encoding, errors="replace", newline="") as file:
        reader = csv.reader(file, delimiter=source.separator, quotechar='"', doublequote=True, strict=False)
        next(reader, None)  # the header
        ended, position = reader.line_num, 0
        for record in reader:
            start, ended = ended + 1, reader.line_num
            if not record:
                continue
            if sum(len(field) for field in record) > _MAX_LINE:
                rejected.append((start, "ligne trop longue"))
            elif len(record) != expected:
                reason = _REJECTED["TOO MANY COLUMNS" if len(record) > expected else "MISSING COLUMNS"]
                rejected.append((start, reason.format(expected=expected, found=len(record))))
            else:
                position += 1
                if position in positions:
                    lines[position] = start
            if position >= wanted and len(rejected) >= SHOWN_PROBLEMS:
                break
    return rejected[:SHOWN_PROBLEMS], lines


#: What a date someone tried to write looks like: digits with a date's or a time's separator, or
#: a month's name; anything else (« jean.dupont », « P00012345 ») may be an identifier in the wrong
#: column, and is never shown.
_MONTHS = ("janv", "fevr", "févr", "mars", "avr", "mai", "juin", "juil", "aout", "août", "sept", "oct", "nov", "dec", "déc")


def _date_attempt(text: str) -> bool:
    if "@" in text or len(text) > 40:
        return False
    lowered = text.casefold()
    return bool(re.search(r"[0-9][/:\-][0-9]", text)) or any(month in lowered for month in _MONTHS) or lowered in (
        "infinity", "-infinity", "epoch", "now", "today")


def _bad_rows(reading: _Reading, source: pipeline.Source) -> list[tuple[int, str]]:
    """The first rows of a file the pipeline does not read, with why (their position among the
    rows read)."""
    texts = {c: pipeline.trimmed(pipeline.text_of(source, c)) for c in pipeline.COLUMNS}
    blank = " OR ".join(f"coalesce({texts[c]}, '') = ''" for c in ("structure", "horodatage", "canal", "motif"))
    rows = reading.connection.execute(
        f"SELECT position, structure, horodatage, canal, motif, usager, lue FROM (SELECT row_number() OVER () AS position, "
        + ", ".join(f"{texts[c]} AS {c}" for c in pipeline.COLUMNS)
        + f", {pipeline.timestamp_of(source)} AS lue, ({blank}) AS vide FROM {source.relation}) AS lu "
        f"WHERE vide OR lue IS NULL ORDER BY position LIMIT {SHOWN_PROBLEMS}"
    ).fetchall()
    found = []
    kind = source.kinds["horodatage"]
    for position, structure, horodatage, canal, motif, usager, _ in rows:
        values = {"structure": structure, "horodatage": horodatage, "canal": canal, "motif": motif}
        missing = [c for c in pipeline.COLUMNS if c in values and not (values[c] or "")]
        if missing:
            reason = f"colonne {missing[0]} vide"
        elif kind == pipeline.TIMESTAMP_NS:
            reason = f"colonne horodatage : {visible(horodatage)[:40]} est plus précis que la microseconde"
        elif kind != pipeline.TEXT:
            reason = f"colonne horodatage : {visible(horodatage)[:40]} hors des années {pipeline.YEARS[0]} à {pipeline.YEARS[1]}"
        elif not _date_attempt(horodatage) or (usager and usager.casefold() in horodatage.casefold()):
            reason = f"colonne horodatage : la valeur n'est pas une date ({pipeline.FORMS_SAID})"  # never show an identifier
        else:
            reason = (f"colonne horodatage : « {visible(horodatage)[:80]} » n'est pas une date "
                      f"({pipeline.FORMS_SAID} ; années {pipeline.YEARS[0]} à {pipeline.YEARS[1]})")
        found.append((int(position), reason))
    return found


def _part(progress: Callable[[float], None] | None, start: float, end: float) -> Callable[[float], None] | None:
    """A statement's progress as its part of a longer read (from ``start`` to ``end``)."""
    if progress is None:
        return None
    return lambda share: progress(min(end, start + (end - start) * share))  # never past its end (floats)


def _run(connection, statement: str, progress: Callable[[float], None] | None, paths: list[Path]) -> tuple[list[str], list[tuple]]:
    """Run a long statement, reporting its progress from DuckDB while it runs; its columns and rows."""
    failure: list[BaseException] = []
    result: list = [[], []]

    def work() -> None:
        try:
            cursor = connection.execute(statement)
            result[1] = cursor.fetchall()
            result[0] = [column[0] for column in cursor.description or ()]
        except BaseException as error:  # noqa: BLE001 - handed to the caller's thread
            failure.append(error)

    worker = threading.Thread(target=work, name="lecture-journal")
    worker.start()
    try:
        while worker.is_alive():
            worker.join(PROGRESS_EVERY)
            if progress is not None and worker.is_alive():
                try:
                    share = connection.query_progress()
                except Exception:  # noqa: BLE001 - progress is a courtesy
                    share = -1
                if share is not None and share >= 0:
                    progress(min(float(share) / 100, 1.0))
    except KeyboardInterrupt:  # Ctrl-C: DuckDB stops the statement itself (interrupting it again aborts Python)
        worker.join()
        raise
    except BaseException:  # the caller's progress failing: the statement is stopped first
        connection.interrupt()
        worker.join()
        raise
    if failure:
        error = failure[0]
        if isinstance(error, InputError):
            raise error
        raise InputError(_engine_message(error, paths)) from None
    if progress is not None:
        progress(1.0)
    return result[0], result[1]
