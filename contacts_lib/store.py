"""The shared store: every saved autodiagnostic with its versions, in SQLite (one file, the
default) or in PostgreSQL (a server that several app servers share).

A save is a new version, never an overwrite: the app and the CLI only add rows. One command or
one click is one transaction (all of it or nothing). Writers take turns — SQLite's write lock
(``BEGIN IMMEDIATE``, waiting ``busy_timeout``), PostgreSQL's transaction-level advisory lock —
so that ids and version numbers follow the order of the saves, however many processes save at
once; readers never wait (SQLite's WAL mode, PostgreSQL's snapshots). The schema is the same in
both (:data:`_SCHEMA`) and carries its version (SQLite: ``PRAGMA user_version``; PostgreSQL: the
table ``contacts_efficaces_schema``): it is created or migrated, in one transaction, on the first
writable open; a newer one is refused, untouched.

A structure is identified by its name compared as :func:`answers.structure_key` says (Unicode
compatibility form, case folded, spaces collapsed): « CAF  de l'Isère » and « caf de l'isère » are
one structure, whose versions are listed together. Its latest version is the latest by date (an
undated one counts as the oldest), then by save time — the rule of the network views
(:data:`_ORDER`).

Nothing is locked in: :func:`export` writes every version back out in the project's formats,
with its bookkeeping (id, save time, author), and ``Store.save(…, from_export=True)`` reads such
files back keeping it: export then save moves a base, history included, between SQLite and
PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Self

from contacts_lib.autodiagnostic.answers import (
    HEADER_KEYS,
    Autodiagnostic,
    answer_text,
    build_autodiagnostic,
    structure_key,
)
from contacts_lib.autodiagnostic.followup import followup_document, read_followup
from contacts_lib.autodiagnostic.reference import QUESTION_COUNT
from contacts_lib.messages import InputError, show_value, visible

#: Where the store is when no --base is given (else a per-user data folder): a file's path, or a
#: PostgreSQL URL.
BASE_VARIABLE = "CONTACTS_EFFICACES_BASE"
SCHEMA_VERSION = 3
#: Columns that an export adds to each version (CSV columns, JSON extra fields): the store's own
#: bookkeeping. A file saved again leaves them aside (the store numbers its versions and dates its
#: saves), unless it is saved as an export (``from_export``): then the save time and the author
#: are kept.
VERSION_COLUMN, SAVED_AT_COLUMN, SAVED_BY_COLUMN = "version_base", "enregistre_le", "enregistre_par"
_BOOKKEEPING = (VERSION_COLUMN, SAVED_AT_COLUMN, SAVED_BY_COLUMN)
#: How long a writer waits for another one before giving up (seconds).
WAIT_SECONDS = 30
#: How long a PostgreSQL server has to answer a connection (seconds; ``PGCONNECT_TIMEOUT`` or the
#: URL's ``connect_timeout`` say otherwise).
CONNECT_SECONDS = 5
#: The schema of today, for both engines: ``{id}`` is SQLite's INTEGER (its rowid) or PostgreSQL's
#: BIGINT; ``{sorted}`` a text compared code point by code point (SQLite's way; PostgreSQL's "C"
#: collation), so that ISO dates and times sort alike everywhere.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS structures (
    id {id} PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS versions (
    id {id} PRIMARY KEY,
    structure_id {id} NOT NULL REFERENCES structures(id),
    saved_at {sorted} NOT NULL,
    date {sorted},
    campagne TEXT,
    header TEXT NOT NULL,
    answers TEXT NOT NULL,
    extra TEXT NOT NULL,
    source TEXT NOT NULL,
    saved_by TEXT,
    followup TEXT
);
CREATE INDEX IF NOT EXISTS versions_by_structure ON versions (structure_id, date, saved_at);
"""
#: What each schema version adds to the one before (version 1: :data:`_SCHEMA` without saved_by
#: and followup; version 2: without followup, the comments, evidence and plan as JSON).
_MIGRATIONS: dict[int, tuple[str, ...]] = {
    2: ("ALTER TABLE versions ADD COLUMN saved_by TEXT",),
    3: ("ALTER TABLE versions ADD COLUMN followup TEXT",),
}
#: The versions' order: by date (undated first), then save time, then id. A structure's latest
#: version is its last one in this order.
_ORDER = "ORDER BY v.date IS NOT NULL, v.date, v.saved_at, v.id"
#: PostgreSQL: the table that holds the schema's version, and the advisory lock that writers take.
_PG_SCHEMA_TABLE = "contacts_efficaces_schema"
_PG_LOCK = int.from_bytes(b"contacts", "big")

#: How pages name the store to their visitors (its path stays in the server's log).
STORE_NAME = "base de l'application"


def is_url(text: object) -> bool:
    """Whether ``text`` names a PostgreSQL base (``postgresql://…`` or ``postgres://…``) rather
    than a file.

    >>> is_url("postgresql://contacts@db.example:5432/autodiagnostics"), is_url("base.sqlite")
    (True, False)
    """
    return isinstance(text, str) and re.match(r"postgres(ql)?://", text, re.IGNORECASE) is not None


def shown_base(base: Path | str) -> str:
    """A base as messages show it: a file's path, or a PostgreSQL URL without its password.

    >>> shown_base("postgresql://contacts:secret@db.example/autodiagnostics")
    'postgresql://contacts:***@db.example/autodiagnostics'
    """
    if is_url(base):
        return _masked(base)
    from contacts_lib.formats.files import shown_path

    return shown_path(base)


def _masked(url: str) -> str:
    """The URL with every password replaced by ``***``: the one of its user part (everything
    between « user: » and the last @ before the query, whatever characters it holds) and those
    of its parameters (``password=``, ``sslpassword=``)."""
    scheme, _, rest = url.partition("://")
    head, mark, query = rest.partition("?")
    at = head.rfind("@")
    if at >= 0 and ":" in head[:at]:
        head = head[: head.index(":")] + ":***" + head[at:]
    query = re.sub(r"(?i)((?:^|&)[a-z_]*password=)[^&#]*", r"\1***", query)
    return visible(f"{scheme}://{head}{mark}{query}")


def _variable() -> Path | str | None:
    named = os.environ.get(BASE_VARIABLE, "").strip()
    if not named:
        return None
    return named if is_url(named) else Path(named).expanduser()


def default_base() -> Path | str:
    """``CONTACTS_EFFICACES_BASE`` (a path or a URL), else a per-user data folder outside the
    repository."""
    named = _variable()
    if named is not None:
        return named
    import platformdirs

    return Path(platformdirs.user_data_dir("contacts-efficaces", appauthor=False)) / "autodiagnostics.sqlite"


def configured_base() -> Path | str | None:
    """The store the pages use: only the one named by ``CONTACTS_EFFICACES_BASE`` (the app's
    command names it; on Binder nothing does, and the pages keep to files) — a path, or a
    PostgreSQL URL (a ``str``, password included: show it with :func:`shown_base`)."""
    return _variable()


def base_exists(base: Path | str) -> bool:
    """Whether there is a base to read: a file base exists once saved into (its first save
    creates it); a PostgreSQL base is the server's, always there to ask."""
    return is_url(base) or Path(base).exists()


def configured_path() -> Path | None:
    """:func:`configured_base` when it is a file (None for a PostgreSQL base: use
    :func:`configured_base`)."""
    named = _variable()
    return named if isinstance(named, Path) else None


class SaveRefused(InputError):
    """A save that its ``allowed`` check refused (the structure is not the saver's); nothing was
    saved. Its message is the structure's name."""


@dataclass(frozen=True)
class Version:
    """One saved version of a structure's autodiagnostic: ``number`` counts the structure's
    versions from 1 in save order; ``id`` is the store's; ``saved_by`` who saved it (None when
    unknown: the command line, the app without sign-in)."""

    id: int
    number: int
    saved_at: str
    autodiagnostic: Autodiagnostic
    source: str
    saved_by: str | None = None

    def saved_at_text(self) -> str:
        """« 27/11/2026 à 15:40 » (local time)."""
        moment = dt.datetime.fromisoformat(self.saved_at).astimezone()
        return f"{moment:%d/%m/%Y} à {moment:%H:%M}"

    def exported(self) -> Autodiagnostic:
        """The autodiagnostic with the version's bookkeeping as extra fields (for exports):
        ``version_base``, ``enregistre_le``, ``enregistre_par`` (empty when unknown)."""
        extra = {k: v for k, v in self.autodiagnostic.extra.items() if k not in _BOOKKEEPING}
        extra |= {VERSION_COLUMN: str(self.id), SAVED_AT_COLUMN: self.saved_at, SAVED_BY_COLUMN: self.saved_by or ""}
        return dataclasses.replace(self.autodiagnostic, extra=extra)


def exported_bookkeeping(diagnostic: Autodiagnostic) -> tuple[str, str | None] | None:
    """The save time (UTC, ISO) and author an exported version carries (``enregistre_le``,
    ``enregistre_par``), None when it carries no save time. :class:`ValueError` (in French) when
    the save time is not one.

    >>> from contacts_lib import read_autodiagnostics
    >>> diagnostic = read_autodiagnostics("data/exemples/exemple-recueil.json")[0]
    >>> exported = dataclasses.replace(diagnostic, extra={"enregistre_le": "2026-11-27T16:40:00+01:00", "enregistre_par": "a.morel"})
    >>> exported_bookkeeping(exported)
    ('2026-11-27T15:40:00.000000+00:00', 'a.morel')
    """
    text = (diagnostic.extra.get(SAVED_AT_COLUMN) or "").strip()
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ValueError(
            f"{SAVED_AT_COLUMN} {show_value(text)} n'est pas une heure d'enregistrement avec son fuseau "
            "(par exemple 2026-11-27T15:40:00+00:00, comme l'écrit exporter)"
        )
    author = (diagnostic.extra.get(SAVED_BY_COLUMN) or "").strip() or None
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds"), author



class Store:
    """A base — a SQLite file, or a PostgreSQL database named by a ``postgresql://`` URL —:
    :meth:`save` adds versions; :meth:`versions`, :meth:`history`, :meth:`latest` and
    :meth:`network` read them. Errors are :class:`InputError` in French, naming the base as
    :attr:`location` shows it (a URL without its password).

    ``path`` is the file (None for PostgreSQL), ``url`` the PostgreSQL URL as given (password
    included: never show it; None for a file). A read-only store never creates nor changes
    anything: a file that does not exist is said, a PostgreSQL database without the tool's tables
    reads as empty.
    """

    def __init__(self, path: Path | str | None = None, wait_seconds: float = WAIT_SECONDS, read_only: bool = False) -> None:
        base = default_base() if path is None else path
        _refuse_what_keeps_nothing(base)
        self.read_only = read_only
        self.url: str | None = base if is_url(base) else None
        self.path: Path | None = None if self.url is not None else Path(base)
        self.location = shown_base(base)
        self._schema = 0
        self._engine: _Sqlite | _Postgres = (_Postgres if self.url is not None else _Sqlite)(self, wait_seconds)
        try:
            self._engine.open()
            version = self._engine.schema_version()
            if version > SCHEMA_VERSION:
                raise self._newer(version)
            if not read_only:
                if version < SCHEMA_VERSION:
                    self._upgrade()
                    version = SCHEMA_VERSION
                self._engine.ready()
            self._check(version)
        except InputError:
            self.close()
            raise
        except self._engine.errors() as error:
            self.close()
            raise InputError(self._engine.open_message(error)) from None

    def _newer(self, version: int) -> InputError:
        return InputError(f"{self.location} : base d'une version plus récente de l'outil (schéma {version}) ; mettez l'outil à jour.")

    def _upgrade(self) -> None:
        """Create the schema, or migrate an older one, in one transaction (all of it or nothing)."""
        with self._engine.write():
            version = self._engine.schema_version()  # again, in turn: another process may have done it
            if version > SCHEMA_VERSION:
                raise self._newer(version)
            if version == 0:
                self._engine.refuse_foreign()
                for statement in filter(str.strip, _SCHEMA.format(**self._engine.types).split(";")):
                    self._engine.run(statement)
            else:
                for step in range(version + 1, SCHEMA_VERSION + 1):
                    for statement in _MIGRATIONS[step]:
                        self._engine.run(statement)
            if version < SCHEMA_VERSION:
                self._engine.set_schema_version(SCHEMA_VERSION)

    def _check(self, version: int) -> None:
        """A file that is not a base of this tool, or a damaged one, is said at once."""
        if version == 0:
            if self.url is None:
                raise InputError(f"{self.location} : ce fichier n'est pas une base de l'outil ; rien n'a été modifié.")
            self._engine.refuse_foreign()  # read only, and no table of the tool yet: an empty base
        else:
            self._engine.rows("SELECT count(*) FROM versions")
        self._schema = version

    def close(self) -> None:
        self._engine.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def save(
        self, diagnostics: Sequence[Autodiagnostic], source: str, saved_by: str | None = None, *, from_export: bool = False,
        allowed: Callable[[Autodiagnostic, list[Autodiagnostic]], bool] | None = None,
    ) -> list[Version]:
        """Add each autodiagnostic as a new version, all in one transaction: all saved or none.
        ``saved_by``: who saves (None: unknown). With ``from_export``, autodiagnostics written by
        :func:`export` (they carry ``enregistre_le``) keep their save time and author
        (``enregistre_par``) and are saved in the order of their ids in the exported base, so that
        numbers, history and latest versions are the same as there; the others are saved now.
        ``allowed(diagnostic, history)`` is asked inside the transaction, writers in turn, with the
        structure's saved versions as they are then: :class:`SaveRefused` if it says no."""
        now = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
        saver = (saved_by or "").strip() or None
        batch: list[tuple[Autodiagnostic, str, str | None]] = []
        order: list[tuple] = []
        for index, diagnostic in enumerate(diagnostics):
            kept = None
            if from_export:
                try:
                    kept = exported_bookkeeping(diagnostic)
                except ValueError as error:
                    raise InputError(f"structure {show_value(diagnostic.structure)} : {error} ; rien n'a été enregistré.") from None
            extra = {k: v for k, v in diagnostic.extra.items() if k not in _BOOKKEEPING}
            if kept is not None:
                original = (diagnostic.extra.get(VERSION_COLUMN) or "").strip()
                order.append((0, int(original) if original.isdigit() else float("inf"), index))
            else:
                order.append((1, 0, index))
            batch.append((dataclasses.replace(diagnostic, extra=extra), *(kept or (now, saver))))
        batch = [batch[o[2]] for o in sorted(order)]
        try:
            with self._engine.write():
                for diagnostic, _, _ in batch if allowed is not None else ():
                    if not allowed(diagnostic, [v.autodiagnostic for v in self.history(diagnostic.structure)]):
                        raise SaveRefused(diagnostic.structure)
                return self._insert(batch, source)
        except self._engine.errors() as error:
            raise InputError(
                f"{self.location} : enregistrement impossible ({self._engine.reason(error)}) ; rien n'a été enregistré."
            ) from None

    def _insert(self, batch: list[tuple[Autodiagnostic, str, str | None]], source: str) -> list[Version]:
        """The rows of a save, in its transaction (writers in turn: ids and numbers are known)."""
        engine = self._engine
        keys = {structure_key(d.structure): d.structure for d, _, _ in batch}
        known = dict(_in_chunks(engine, "SELECT key, id FROM structures WHERE key IN ({})", list(keys)))
        next_id = engine.rows("SELECT coalesce(max(id), 0) FROM structures")[0][0]
        new = []
        for key, name in keys.items():
            if key not in known:
                next_id += 1
                known[key] = next_id
                new.append((next_id, key, name))
        counts = dict(_in_chunks(
            engine, "SELECT structure_id, count(*) FROM versions WHERE structure_id IN ({}) GROUP BY structure_id",
            [known[k] for k in keys],
        ))
        if new:
            engine.run_many("INSERT INTO structures (id, key, name) VALUES (?, ?, ?)", new)
        next_id = engine.rows("SELECT coalesce(max(id), 0) FROM versions")[0][0]
        rows, saved = [], []
        for diagnostic, saved_at, saved_by in batch:
            next_id += 1
            structure_id = known[structure_key(diagnostic.structure)]
            counts[structure_id] = counts.get(structure_id, 0) + 1
            header = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in diagnostic.header().items()}
            followup = followup_document(diagnostic.comments, diagnostic.evidence, diagnostic.plan)
            rows.append((
                next_id, structure_id, saved_at, header["date"], diagnostic.campaign, json.dumps(header, ensure_ascii=False),
                json.dumps([answer_text(a) for a in diagnostic.answers]), json.dumps(diagnostic.extra, ensure_ascii=False),
                source, saved_by, json.dumps(followup, ensure_ascii=False) if followup else None,
            ))
            saved.append(Version(next_id, counts[structure_id], saved_at, diagnostic, source, saved_by))
        if rows:
            engine.run_many(
                "INSERT INTO versions (id, structure_id, saved_at, date, campagne, header, answers, extra, source, saved_by, "
                "followup) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows,
            )
        return saved

    def _read(self, query: str, parameters: tuple = ()) -> list:
        try:
            return self._engine.rows(query, parameters)
        except self._engine.errors() as error:
            raise InputError(f"{self.location} : lecture impossible ({self._engine.reason(error)}).") from None

    def versions(self, name: str | None = None) -> list[Version]:
        """Every version (of one structure, if named), oldest first: by date, then save time."""
        if not self._schema:
            return []
        saved_by = "v.saved_by" if self._schema >= 2 else "NULL"
        followup = "v.followup" if self._schema >= 3 else "NULL"
        query = (
            "SELECT v.id, row_number() OVER (PARTITION BY v.structure_id ORDER BY v.id), v.saved_at, v.header, v.answers, "
            f"v.extra, v.source, {saved_by}, {followup} FROM versions v JOIN structures s ON s.id = v.structure_id"
        )
        parameters: tuple = ()
        if name is not None:
            query += " WHERE s.key = ?"
            parameters = (structure_key(name),)
        return [
            Version(row[0], row[1], row[2], _diagnostic(row, self.location), row[6], row[7])
            for row in self._read(f"{query} {_ORDER}", parameters)
        ]

    def history(self, name: str) -> list[Version]:
        """One structure's versions in save order (what the app lists: « version 3 du … »)."""
        return sorted(self.versions(name), key=lambda v: v.id)

    def count(self) -> int:
        return self._read("SELECT count(*) FROM versions")[0][0] if self._schema else 0

    def stamp(self) -> tuple[int, int]:
        """(versions, last version id): changes with every save, cheap to read."""
        if not self._schema:
            return 0, 0
        count, last = self._read("SELECT count(*), coalesce(max(id), 0) FROM versions")[0]
        return count, last

    def network(self):
        """Every version as a :class:`network.Network` (oldest first, so that its ``latest()``
        is each structure's latest version by date, then save time), each autodiagnostic
        identified by its version id (column ``autodiagnostic`` of the tables): the same
        identifier in every view and every session."""
        from contacts_lib.network.loading import Network

        versions = self.versions()
        return Network(tuple(v.autodiagnostic for v in versions), tuple(f"base, version {v.id}" for v in versions),
                       identifiers=tuple(v.id for v in versions))

    def latest(self, campagne: str | None = None) -> list[Autodiagnostic]:
        """Each structure once: its latest version by date, then save time (of ``campagne`` if
        given), in the order of their first save."""
        latest: dict[str, Version] = {}
        first_saved: dict[str, int] = {}
        for version in self.versions():
            key = structure_key(version.autodiagnostic.structure)
            first_saved[key] = min(first_saved.get(key, version.id), version.id)
            if campagne is None or version.autodiagnostic.campaign == campagne:
                latest[key] = version
        return [latest[k].autodiagnostic for k in sorted(latest, key=first_saved.__getitem__)]


def _in_chunks(engine, query: str, values: list) -> Iterator[tuple]:
    """``query``'s rows for ``values`` put in its ``IN ({})``, a few hundred at a time."""
    for start in range(0, len(values), 500):
        chunk = values[start:start + 500]
        yield from engine.rows(query.format(", ".join("?" * len(chunk))), tuple(chunk))


class _Sqlite:
    """A SQLite file: examined before SQLite opens it (see :func:`_inspect`), then WAL mode."""

    types: ClassVar[dict[str, str]] = {"id": "INTEGER", "sorted": "TEXT"}

    @staticmethod
    def errors() -> tuple[type[Exception], ...]:
        return sqlite3.DatabaseError, OSError

    def __init__(self, store: Store, wait_seconds: float) -> None:
        self.store, self.wait_seconds = store, wait_seconds
        self.connection: sqlite3.Connection | None = None

    def open(self) -> None:
        store = self.store
        exists = _inspect(store.path, store.location)
        if store.read_only and not exists:
            raise InputError(f"{store.location} : base introuvable (elle est créée au premier enregistrement).")
        if store.read_only:
            self.connection = _read_only_connection(store.path, self.wait_seconds)
        else:
            store.path.parent.mkdir(parents=True, exist_ok=True)
            self.connection = _connect(str(store.path), self.wait_seconds)

    def open_message(self, error: Exception) -> str:
        store = self.store
        if isinstance(error, OSError):
            from contacts_lib.formats.files import os_reason

            return f"{store.location} : base inaccessible ({os_reason(error)})."
        if not store.read_only and not _writable(store.path):
            return f"{store.location} : base en lecture seule (disque, dossier ou fichier sans droit d'écriture) ; rien n'a été enregistré."
        return f"{store.location} : base illisible ({_reason(error)}) ; rien n'a été modifié."

    def ready(self) -> None:
        if self.connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            self.connection.execute("PRAGMA journal_mode = WAL")

    def rows(self, query: str, parameters: tuple = ()) -> list[tuple]:
        return self.connection.execute(query, parameters).fetchall()

    def run(self, query: str, parameters: tuple = ()) -> None:
        self.connection.execute(query, parameters)

    def run_many(self, query: str, rows: list[tuple]) -> None:
        self.connection.executemany(query, rows)

    @contextmanager
    def write(self) -> Iterator[None]:
        """One transaction, holding SQLite's write lock from its start (writers wait their turn)."""
        connection = self.connection
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise

    def schema_version(self) -> int:
        return self.connection.execute("PRAGMA user_version").fetchone()[0]

    def set_schema_version(self, version: int) -> None:
        self.connection.execute(f"PRAGMA user_version = {int(version)}")

    def refuse_foreign(self) -> None:
        tables = {row[0] for row in self.connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if tables - {"structures", "versions"}:
            raise InputError(f"{self.store.location} : ce fichier est une base SQLite d'un autre outil ; rien n'a été modifié.")

    @staticmethod
    def reason(error: Exception) -> str:
        return _reason(error)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


class _Postgres:
    """A PostgreSQL database: the tool's tables in it (other tables may live beside them), the
    schema's version in ``contacts_efficaces_schema``, writers in turn behind an advisory lock
    held until their transaction ends."""

    types: ClassVar[dict[str, str]] = {"id": "BIGINT", "sorted": 'TEXT COLLATE "C"'}

    @staticmethod
    def errors() -> tuple[type[Exception], ...]:
        import psycopg

        return (psycopg.Error,)

    def __init__(self, store: Store, wait_seconds: float) -> None:
        self.store = store
        self.connection = None
        self.wait_ms = max(1, int(wait_seconds * 1000))
        self.foreign = False
        try:
            from psycopg import ProgrammingError
            from psycopg.conninfo import conninfo_to_dict
        except ImportError:
            raise InputError(
                f"{store.location} : le module psycopg, qui parle à PostgreSQL, n'est pas installé "
                "(pip install 'psycopg[binary]')."
            ) from None
        try:
            self.parameters = conninfo_to_dict(store.url)
        except ProgrammingError:
            raise InputError(
                f"{store.location} : adresse PostgreSQL invalide ; elle s'écrit postgresql://utilisateur@serveur:port/base."
            ) from None
        if "PGCONNECT_TIMEOUT" not in os.environ:
            self.parameters.setdefault("connect_timeout", str(CONNECT_SECONDS))
        self.connect_seconds = self.parameters.get("connect_timeout") or os.environ["PGCONNECT_TIMEOUT"]
        # A server that vanishes without closing the connection is noticed within a minute.
        for key, value in (("application_name", "contacts-efficaces"), ("keepalives_idle", "30"),
                           ("keepalives_interval", "10"), ("keepalives_count", "3")):
            self.parameters.setdefault(key, value)

    def open(self) -> None:
        import psycopg

        self.connection = psycopg.connect(**self.parameters, autocommit=True, prepare_threshold=None)
        if self.store.read_only:
            self.connection.execute("SET default_transaction_read_only = on")

    def open_message(self, error: Exception) -> str:
        return f"{self.store.location} : {self.reason(error)}."

    def ready(self) -> None:
        pass

    def rows(self, query: str, parameters: tuple = ()) -> list[tuple]:
        return self.connection.execute(query.replace("?", "%s"), parameters).fetchall()

    def run(self, query: str, parameters: tuple = ()) -> None:
        self.connection.execute(query.replace("?", "%s"), parameters)

    def run_many(self, query: str, rows: list[tuple]) -> None:
        with self.connection.cursor() as cursor:
            cursor.executemany(query.replace("?", "%s"), rows)

    @contextmanager
    def write(self) -> Iterator[None]:
        """One transaction, in turn with every other writer of the database (an advisory lock,
        waited for ``wait_seconds`` at most, released when the transaction ends)."""
        import psycopg

        connection = self.connection
        connection.execute("BEGIN")
        try:
            connection.execute(f"SET LOCAL lock_timeout = {self.wait_ms}")
            connection.execute("SELECT pg_advisory_xact_lock(%s)", (_PG_LOCK,))
            yield
        except BaseException:
            self._roll_back()
            raise
        try:
            connection.execute("COMMIT")
        except psycopg.OperationalError:
            raise InputError(
                f"{self.store.location} : connexion au serveur PostgreSQL perdue au moment de valider ; l'enregistrement "
                "a pu aboutir ou non : vérifiez la base (contacts-efficaces score --base …) avant de recommencer."
            ) from None

    def _roll_back(self) -> None:
        import psycopg
        from psycopg.pq import TransactionStatus

        try:
            if not self.connection.closed and self.connection.info.transaction_status != TransactionStatus.IDLE:
                self.connection.execute("ROLLBACK")
        except psycopg.Error:
            pass  # the connection is gone: the server rolls the transaction back

    def schema_version(self) -> int:
        # Read from pg_class with the statement's snapshot, not through to_regclass: name look-ups go
        # through the backend's catalog cache, which may still say « no such table » after another
        # process committed the schema, or see it between two look-ups of one statement.
        schema, structures, versions = self.rows(
            "SELECT coalesce(bool_or(relname = ?), false), coalesce(bool_or(relname = 'structures'), false), "
            "coalesce(bool_or(relname = 'versions'), false) FROM pg_catalog.pg_class "
            "WHERE relnamespace = (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = current_schema()) "
            "AND relname IN (?, 'structures', 'versions')",
            (_PG_SCHEMA_TABLE, _PG_SCHEMA_TABLE),
        )[0]
        self.foreign = not schema and (structures or versions)
        if not schema:
            return 0
        return self.rows(f"SELECT coalesce(max(version), 0) FROM {_PG_SCHEMA_TABLE}")[0][0]

    def set_schema_version(self, version: int) -> None:
        self.run(f"CREATE TABLE IF NOT EXISTS {_PG_SCHEMA_TABLE} (version INTEGER NOT NULL)")
        self.run(f"DELETE FROM {_PG_SCHEMA_TABLE}")
        self.run(f"INSERT INTO {_PG_SCHEMA_TABLE} (version) VALUES (?)", (int(version),))

    def refuse_foreign(self) -> None:
        if self.foreign:
            raise InputError(
                f"{self.store.location} : cette base PostgreSQL a déjà une table structures ou versions qui n'est pas "
                "celle de l'outil (une autre application ?) ; rien n'a été modifié."
            )

    def reason(self, error: Exception) -> str:
        return _pg_reason(error, self.connect_seconds)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def _pg_reason(error: Exception, connect_seconds: str | None = None) -> str:
    """What went wrong, in French, from PostgreSQL's error code or libpq's message (a failed
    connection has no code). Never the server's own text, which may quote the data."""
    state = getattr(error, "sqlstate", None) or ""
    text = str(error).casefold()
    if "0x00" in text:
        return "un texte contient le caractère nul (\\x00), que PostgreSQL ne garde pas"
    if state == "55P03" or "lock timeout" in text:
        return "base occupée par un autre enregistrement depuis trop longtemps ; réessayez"
    if "no password supplied" in text:
        return "le serveur PostgreSQL demande un mot de passe (variable PGPASSWORD, fichier ~/.pgpass ou l'adresse)"
    if state.startswith("28") or "authentication failed" in text or "pg_hba.conf" in text or re.search(r'role ".*" does not exist', text):
        return "authentification refusée par le serveur PostgreSQL (utilisateur ou mot de passe)"
    if state == "3D000" or re.search(r'database ".*" does not exist', text):
        return "base absente du serveur PostgreSQL (elle se crée d'abord, par exemple avec createdb)"
    if state == "42501" or "permission denied" in text:
        return "droits insuffisants sur la base PostgreSQL (créer les tables, lire ou écrire)"
    if state == "25006" or "read-only transaction" in text:
        return "base PostgreSQL en lecture seule (serveur de secours ou réglage du serveur)"
    if state in ("53100", "53200") or "no space left" in text:
        return "disque ou mémoire du serveur PostgreSQL plein"
    if state == "53300" or "too many clients" in text or "too many connections" in text:
        return "serveur PostgreSQL saturé (trop de connexions) ; réessayez"
    if state == "57P03" or "starting up" in text or "shutting down" in text:
        return "serveur PostgreSQL en cours de démarrage ou d'arrêt ; réessayez"
    if "timeout expired" in text or "timed out" in text:
        return f"serveur PostgreSQL sans réponse après {connect_seconds or CONNECT_SECONDS} s (adresse, port ou pare-feu ?)"
    if "connection refused" in text:
        return "serveur PostgreSQL injoignable : connexion refusée (est-il démarré, à cette adresse et ce port ?)"
    if "could not translate host name" in text or "name or service not known" in text or "nodename nor servname" in text:
        return "serveur PostgreSQL introuvable : nom d'hôte inconnu"
    if "connection failed" in text or "could not connect" in text:
        return "serveur PostgreSQL injoignable"
    import psycopg

    if state.startswith(("57P", "08")) or isinstance(error, (psycopg.OperationalError, psycopg.InterfaceError)):
        return "connexion au serveur PostgreSQL perdue"
    return f"erreur du serveur PostgreSQL (code {state})" if state else "erreur du serveur PostgreSQL"


#: The first bytes of every SQLite database file.
SQLITE_MAGIC = b"SQLite format 3\x00"
#: What a SQLite base of this tool holds (tables and index), besides SQLite's own objects (the
#: same in every schema version: version 2 added a column).
_OWN_OBJECTS = {("table", "structures"), ("table", "versions"), ("index", "versions_by_structure")}


def _connect(target: str, wait_seconds: float, uri: bool = False) -> sqlite3.Connection:
    connection = sqlite3.connect(target, timeout=wait_seconds, isolation_level=None, check_same_thread=False, uri=uri)
    connection.execute(f"PRAGMA busy_timeout = {int(wait_seconds * 1000)}")
    connection.execute("PRAGMA foreign_keys = ON")
    return connection


def _read_only_connection(path: Path, wait_seconds: float) -> sqlite3.Connection:
    """Reading never writes; a base on a read-only disk (a backup, say) is read as it is."""
    from urllib.parse import quote

    address = "file:" + quote(str(path.resolve()))
    try:
        connection = _connect(f"{address}?mode=ro", wait_seconds, uri=True)
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return connection
    except sqlite3.DatabaseError:
        if _writable(path):
            raise
    return _connect(f"{address}?mode=ro&immutable=1", wait_seconds, uri=True)


def _refuse_what_keeps_nothing(base: Path | str) -> None:
    """SQLite's in-memory names and URIs (``:memory:``, ``file:…?mode=memory``) would answer
    « saved » and keep nothing, and another kind of address would become a strange file's name
    (a PostgreSQL URL made a path loses a slash): a base is a file's path or a PostgreSQL URL."""
    if is_url(base):
        return
    text = os.fspath(base).strip()
    shown = f"« {visible(os.fspath(base))} »"
    if text == ":memory:" or text[:5].casefold() == "file:":
        raise InputError(
            f"{shown} : une base en mémoire ou une adresse SQLite ne garde rien ; "
            "donnez le chemin d'un fichier (par exemple base.sqlite)."
        )
    if re.match(r"postgres(ql)?:/", text, re.IGNORECASE):
        raise InputError(f"{_masked(text.replace(':/', '://', 1))} : une adresse PostgreSQL s'écrit postgresql://utilisateur@serveur:port/base.")
    if re.match(r"[a-z][a-z0-9+.-]+:/", text, re.IGNORECASE):  # a path keeps one slash of « scheme:// »
        raise InputError(
            f"« {visible(text.split(':/', 1)[0])}://… » : adresse non prise en charge ; une base est un fichier SQLite "
            "(par exemple base.sqlite) ou une adresse postgresql://utilisateur@serveur:port/base."
        )


def _inspect(path: Path, shown: str) -> bool:
    """Whether the base exists, once it is known to be a base of this tool that SQLite may open:
    anything else (a folder, a named pipe or a device, a file of another kind, another tool's
    SQLite file, a base of a newer schema) is refused before SQLite touches it, leaving it byte
    for byte as it was, and without waiting (a pipe is never opened)."""
    import stat

    try:
        info = path.stat()
    except FileNotFoundError:
        return False
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{shown} : c'est un dossier ; la base est un fichier (par exemple base.sqlite).")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{shown} : ce n'est pas un fichier ordinaire (tube nommé, périphérique…) ; rien n'a été lu ni modifié.")
    if info.st_size == 0:
        return True  # an empty file: SQLite makes it a base
    with open(path, "rb") as file:
        header = file.read(100)
    if not header.startswith(SQLITE_MAGIC):
        raise InputError(
            f"{shown} : fichier endommagé ou qui n'est pas une base de l'outil ; rien n'a été modifié "
            "(si c'était la base, restaurez sa dernière sauvegarde)."
        )
    connection = _read_only_connection(path, WAIT_SECONDS)
    try:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        objects = set(connection.execute("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").fetchall())
    finally:
        connection.close()
    if version > SCHEMA_VERSION:
        raise InputError(f"{shown} : base d'une version plus récente de l'outil (schéma {version}) ; mettez l'outil à jour.")
    if objects - _OWN_OBJECTS:
        raise InputError(f"{shown} : ce fichier est une base SQLite d'un autre outil ; rien n'a été modifié.")
    return True


def _diagnostic(row, location: str) -> Autodiagnostic:
    where = f"{location}, version {row[0]}"
    try:
        header, answers, extra = json.loads(row[3]), json.loads(row[4]), json.loads(row[5])
        followup = json.loads(row[8]) if row[8] is not None else {}
    except (TypeError, ValueError):
        raise InputError(f"{where} : contenu endommagé.") from None
    if not isinstance(answers, list) or len(answers) != QUESTION_COUNT or not isinstance(followup, dict):
        raise InputError(f"{where} : réponses enregistrées endommagées.")
    return build_autodiagnostic(
        {key: header.get(key) for key in HEADER_KEYS}, list(answers), lambda key: f"{where}, {key}", extra,
        read_followup(followup, lambda key: f"{where}, {key}"),
    )


def _writable(path: Path) -> bool:
    """Whether the base and its folder can be written (its journal files live beside it)."""
    folder = path.parent if path.parent.exists() else path.parent.parent
    return os.access(folder, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))


def _reason(error: Exception) -> str:
    text = str(error).casefold()
    if "locked" in text or "busy" in text:
        return "base occupée par un autre enregistrement depuis trop longtemps ; réessayez"
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return "fichier endommagé ou qui n'est pas une base ; restaurez la dernière sauvegarde"
    if "readonly" in text or "read-only" in text:
        return "base en lecture seule : droits d'écriture manquants sur le fichier ou son dossier"
    if "full" in text:
        return "disque plein"
    if "unable to open" in text:
        return "fichier impossible à ouvrir : dossier absent ou droits manquants"
    if "disk i/o" in text:
        return "erreur d'écriture sur le disque"
    return "erreur de la base"


def read_files(paths: Iterable[Path | str]) -> list[Autodiagnostic]:
    """Every autodiagnostic of the files and folders, all read and checked before anything is
    saved: one bad row anywhere, and :class:`InputError` says where. The save times that files
    exported from a base carry (``enregistre_le``) are checked too."""
    from contacts_lib.network.loading import NetworkError, load_network

    network = load_network(list(paths))
    problems = []
    for diagnostic, source in zip(network.diagnostics, network.sources, strict=True):
        try:
            exported_bookkeeping(diagnostic)
        except ValueError as error:
            problems.append(f"{visible(source)}, structure {show_value(diagnostic.structure)} : {error}.")
    if problems:
        raise NetworkError(problems)
    return list(network.diagnostics)


def export(store: Store, target: Path, force: bool = False) -> int:
    """Every version out again: ``target`` ending in ``.csv`` is one CSV (a row per version);
    otherwise a folder with one JSON file per version. Existing files are kept unless ``force``.
    The exported columns ``version_base``, ``enregistre_le`` and ``enregistre_par`` say which
    version each is, when and by whom it was saved (``Store.save(…, from_export=True)`` keeps
    them). Returns how many versions were written."""
    from contacts_lib.formats import dumps_csv, dumps_json
    from contacts_lib.formats.files import (
        file_name_for,
        os_reason,
        shown_path,
        write_atomically,
    )

    versions = sorted(store.versions(), key=lambda v: (structure_key(v.autodiagnostic.structure), v.id))
    if target.suffix.casefold() == ".csv":
        files = {target: dumps_csv(v.exported() for v in versions)}
    else:
        if target.exists() and not target.is_dir():
            raise InputError(f"{shown_path(target)} : ce n'est pas un dossier (pour un seul fichier, donnez un nom en .csv).")
        files = {
            target / file_name_for(v.autodiagnostic.structure, f"-version-{v.id}.json"): dumps_json(v.exported())
            for v in versions
        }
    existing = next((path for path in files if os.path.lexists(path)), None)
    if existing is not None and not force:
        raise InputError(f"{shown_path(existing)} : le fichier existe déjà ; ajoutez --force pour le remplacer.")
    try:
        if target.suffix.casefold() != ".csv":
            target.mkdir(parents=True, exist_ok=True)
        for path, content in files.items():
            write_atomically(path, content.encode("utf-8"))
    except OSError as error:
        raise InputError(f"{shown_path(target)} : écriture impossible ({os_reason(error)}).") from None
    return len(versions)
