"""The shared store: every saved autodiagnostic, kept in SQLite with its versions.

A save is a new version, never an overwrite: the app and the CLI only add rows. One command or
one click is one transaction (all of it or nothing); WAL mode lets several kernels and processes
read while one writes, and writers wait their turn (``busy_timeout``). The schema carries its
version (``PRAGMA user_version``) and is created or migrated on first use.

A structure is identified by its name compared as :func:`answers.structure_key` says (Unicode
compatibility form, case folded, spaces collapsed): « CAF  de l'Isère » and « caf de l'isère » are
one structure, whose versions are listed together. Its latest version is the latest by date (an
undated one counts as the oldest), then by save time — the rule of the network views.

Nothing is locked in: :func:`export` writes every version back out in the project's formats.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from contacts_lib.autodiagnostic.answers import (
    HEADER_KEYS,
    Autodiagnostic,
    answer_text,
    build_autodiagnostic,
    structure_key,
)
from contacts_lib.autodiagnostic.reference import QUESTION_COUNT
from contacts_lib.messages import InputError

#: Where the store is when no --base is given (else a per-user data folder).
BASE_VARIABLE = "CONTACTS_EFFICACES_BASE"
SCHEMA_VERSION = 1
#: Columns that an export adds to each version (CSV columns, JSON extra fields): the store's own
#: bookkeeping, left aside when such a file is saved again (the new store numbers its versions).
VERSION_COLUMN, SAVED_AT_COLUMN = "version_base", "enregistre_le"
#: How long a writer waits for another one before giving up (seconds).
WAIT_SECONDS = 30
_SCHEMA = """
CREATE TABLE IF NOT EXISTS structures (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS versions (
    id INTEGER PRIMARY KEY,
    structure_id INTEGER NOT NULL REFERENCES structures(id),
    saved_at TEXT NOT NULL,
    date TEXT,
    campagne TEXT,
    header TEXT NOT NULL,
    answers TEXT NOT NULL,
    extra TEXT NOT NULL,
    source TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS versions_by_structure ON versions (structure_id, date, saved_at);
"""
_ORDER = "ORDER BY v.date IS NOT NULL, v.date, v.saved_at, v.id"


#: How pages name the store to their visitors (its path stays in the server's log).
STORE_NAME = "base de l'application"


def default_path() -> Path:
    """``CONTACTS_EFFICACES_BASE``, else a per-user data folder outside the repository."""
    named = os.environ.get(BASE_VARIABLE, "").strip()
    if named:
        return Path(named).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("contacts-efficaces", appauthor=False)) / "autodiagnostics.sqlite"


def configured_path() -> Path | None:
    """The store the pages use: only the one named by ``CONTACTS_EFFICACES_BASE`` (the app's
    command names it; on Binder nothing does, and the pages keep to files)."""
    named = os.environ.get(BASE_VARIABLE, "").strip()
    return Path(named).expanduser() if named else None


@dataclass(frozen=True)
class Version:
    """One saved version of a structure's autodiagnostic: ``number`` counts the structure's
    versions from 1 in save order; ``id`` is the store's."""

    id: int
    number: int
    saved_at: str
    autodiagnostic: Autodiagnostic
    source: str

    def saved_at_text(self) -> str:
        """« 27/11/2026 à 15:40 » (local time)."""
        moment = dt.datetime.fromisoformat(self.saved_at).astimezone()
        return f"{moment:%d/%m/%Y} à {moment:%H:%M}"

    def exported(self) -> Autodiagnostic:
        """The autodiagnostic with the version's bookkeeping as extra fields (for exports)."""
        extra = {k: v for k, v in self.autodiagnostic.extra.items() if k not in (VERSION_COLUMN, SAVED_AT_COLUMN)}
        extra |= {VERSION_COLUMN: str(self.id), SAVED_AT_COLUMN: self.saved_at}
        return dataclasses.replace(self.autodiagnostic, extra=extra)


class Store:
    """A store file: :meth:`save` adds versions; :meth:`versions`, :meth:`latest` and
    :meth:`network` read them. Errors are :class:`InputError` in French, naming the file."""

    def __init__(self, path: Path | str | None = None, wait_seconds: float = WAIT_SECONDS, read_only: bool = False) -> None:
        _refuse_what_keeps_nothing(path)
        self.path = Path(path) if path is not None else default_path()
        self.read_only = read_only
        self._connection: sqlite3.Connection | None = None
        shown = _shown(self.path)
        try:
            exists = _inspect(self.path, shown)
            if read_only and not exists:
                raise InputError(f"{shown} : base introuvable (elle est créée au premier enregistrement).")
            if read_only:
                self._connection = self._open_read_only(wait_seconds)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._connection = self._connect(str(self.path), wait_seconds)
                self._migrate()
                if self._connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    self._connection.execute("PRAGMA journal_mode = WAL")
            self._check()
        except InputError:
            self.close()
            raise
        except sqlite3.DatabaseError as error:
            self.close()
            if not read_only and not _writable(self.path):
                raise InputError(
                    f"{shown} : base en lecture seule (disque, dossier ou fichier sans droit d'écriture) ; rien n'a été enregistré."
                ) from None
            raise InputError(f"{shown} : base illisible ({_reason(error)}) ; rien n'a été modifié.") from None
        except OSError as error:
            self.close()
            from contacts_lib.formats.files import os_reason

            raise InputError(f"{shown} : base inaccessible ({os_reason(error)}).") from None

    @staticmethod
    def _connect(target: str, wait_seconds: float, uri: bool = False) -> sqlite3.Connection:
        connection = sqlite3.connect(target, timeout=wait_seconds, isolation_level=None, check_same_thread=False, uri=uri)
        connection.execute(f"PRAGMA busy_timeout = {int(wait_seconds * 1000)}")
        connection.execute("PRAGMA foreign_keys = ON")
        return connection

    def _open_read_only(self, wait_seconds: float) -> sqlite3.Connection:
        return _read_only_connection(self.path, wait_seconds)

    def _check(self) -> None:
        """A file that is not a base of this tool, or a damaged one, is said at once."""
        version = self._connection.execute("PRAGMA user_version").fetchone()[0]
        if version != SCHEMA_VERSION:
            if version > SCHEMA_VERSION:
                raise InputError(
                    f"{_shown(self.path)} : base d'une version plus récente de l'outil (schéma {version}) ; mettez l'outil à jour."
                )
            raise InputError(f"{_shown(self.path)} : ce fichier n'est pas une base de l'outil ; rien n'a été modifié.")
        self._connection.execute("SELECT count(*) FROM versions").fetchone()

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def _migrate(self) -> None:
        version = self._connection.execute("PRAGMA user_version").fetchone()[0]
        if version == 0:
            tables = {row[0] for row in self._connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if tables - {"structures", "versions"}:
                raise InputError(f"{_shown(self.path)} : ce fichier est une base SQLite d'un autre outil ; rien n'a été modifié.")
        if version < SCHEMA_VERSION:
            with self._transaction():
                if self._connection.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
                    for statement in filter(str.strip, _SCHEMA.split(";")):
                        self._connection.execute(statement)
                    self._connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _transaction(self):
        connection = self._connection

        class _Transaction:
            def __enter__(self_inner):
                connection.execute("BEGIN IMMEDIATE")

            def __exit__(self_inner, kind, value, traceback):
                if kind is None:
                    connection.execute("COMMIT")
                elif connection.in_transaction:
                    connection.execute("ROLLBACK")
                return False

        return _Transaction()

    def save(self, diagnostics: Sequence[Autodiagnostic], source: str) -> list[Version]:
        """Add each autodiagnostic as a new version, all in one transaction: all saved or none."""
        saved_at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")
        saved: list[Version] = []
        try:
            with self._transaction():
                for diagnostic in diagnostics:
                    key = structure_key(diagnostic.structure)
                    self._connection.execute(
                        "INSERT INTO structures (key, name) VALUES (?, ?) ON CONFLICT (key) DO NOTHING", (key, diagnostic.structure)
                    )
                    structure_id = self._connection.execute("SELECT id FROM structures WHERE key = ?", (key,)).fetchone()[0]
                    header = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in diagnostic.header().items()}
                    extra = {k: v for k, v in diagnostic.extra.items() if k not in (VERSION_COLUMN, SAVED_AT_COLUMN)}
                    cursor = self._connection.execute(
                        "INSERT INTO versions (structure_id, saved_at, date, campagne, header, answers, extra, source) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (structure_id, saved_at, header["date"], diagnostic.campaign, json.dumps(header, ensure_ascii=False),
                         json.dumps([answer_text(a) for a in diagnostic.answers]), json.dumps(extra, ensure_ascii=False), source),
                    )
                    number = self._connection.execute(
                        "SELECT count(*) FROM versions WHERE structure_id = ?", (structure_id,)
                    ).fetchone()[0]
                    saved.append(Version(cursor.lastrowid, number, saved_at, dataclasses.replace(diagnostic, extra=extra), source))
        except sqlite3.DatabaseError as error:
            raise InputError(f"{_shown(self.path)} : enregistrement impossible ({_reason(error)}) ; rien n'a été enregistré.") from None
        return saved

    def _read(self, query: str, parameters: tuple = ()) -> list:
        try:
            return self._connection.execute(query, parameters).fetchall()
        except sqlite3.DatabaseError as error:
            raise InputError(f"{_shown(self.path)} : lecture impossible ({_reason(error)}).") from None

    def versions(self, name: str | None = None) -> list[Version]:
        """Every version (of one structure, if named), oldest first: by date, then save time."""
        query = (
            "SELECT v.id, (SELECT count(*) FROM versions w WHERE w.structure_id = v.structure_id AND w.id <= v.id), "
            "v.saved_at, v.header, v.answers, v.extra, v.source FROM versions v JOIN structures s ON s.id = v.structure_id"
        )
        parameters: tuple = ()
        if name is not None:
            query += " WHERE s.key = ?"
            parameters = (structure_key(name),)
        return [Version(row[0], row[1], row[2], _diagnostic(row, self.path), row[6]) for row in self._read(f"{query} {_ORDER}", parameters)]

    def history(self, name: str) -> list[Version]:
        """One structure's versions in save order (what the app lists: « version 3 du … »)."""
        return sorted(self.versions(name), key=lambda v: v.id)

    def count(self) -> int:
        return self._read("SELECT count(*) FROM versions")[0][0]

    def stamp(self) -> tuple[int, int]:
        """(versions, last version id): changes with every save, cheap to read."""
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


#: The first bytes of every SQLite database file.
SQLITE_MAGIC = b"SQLite format 3\x00"
#: What a base of this tool holds (tables and index), besides SQLite's own objects.
_OWN_OBJECTS = {("table", "structures"), ("table", "versions"), ("index", "versions_by_structure")}


def _read_only_connection(path: Path, wait_seconds: float) -> sqlite3.Connection:
    """Reading never writes; a base on a read-only disk (a backup, say) is read as it is."""
    from urllib.parse import quote

    address = "file:" + quote(str(path.resolve()))
    try:
        connection = Store._connect(f"{address}?mode=ro", wait_seconds, uri=True)
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return connection
    except sqlite3.DatabaseError:
        if _writable(path):
            raise
    return Store._connect(f"{address}?mode=ro&immutable=1", wait_seconds, uri=True)


def _refuse_what_keeps_nothing(path: Path | str | None) -> None:
    """SQLite's in-memory names and URIs (``:memory:``, ``file:…?mode=memory``) would answer
    « saved » and keep nothing: a base is a file's path, and nothing else."""
    text = os.fspath(path) if path is not None else ""
    if text.strip() == ":memory:" or text.strip()[:5].casefold() == "file:":
        from contacts_lib.messages import visible

        raise InputError(
            f"« {visible(text)} » : une base en mémoire ou une adresse SQLite ne garde rien ; "
            "donnez le chemin d'un fichier (par exemple base.sqlite)."
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


def _diagnostic(row, path: Path) -> Autodiagnostic:
    where = f"{_shown(path)}, version {row[0]}"
    try:
        header, answers, extra = json.loads(row[3]), json.loads(row[4]), json.loads(row[5])
    except (TypeError, ValueError):
        raise InputError(f"{where} : contenu endommagé.") from None
    if not isinstance(answers, list) or len(answers) != QUESTION_COUNT:
        raise InputError(f"{where} : réponses enregistrées endommagées.")
    return build_autodiagnostic(
        {key: header.get(key) for key in HEADER_KEYS}, list(answers), lambda key: f"{where}, {key}", extra
    )


def _writable(path: Path) -> bool:
    """Whether the base and its folder can be written (its journal files live beside it)."""
    folder = path.parent if path.parent.exists() else path.parent.parent
    return os.access(folder, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))


def _shown(path: Path) -> str:
    from contacts_lib.formats.files import shown_path

    return shown_path(path)


def _reason(error: sqlite3.DatabaseError) -> str:
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
    saved: one bad row anywhere, and :class:`InputError` says where."""
    from contacts_lib.network.loading import load_network

    return list(load_network(list(paths)).diagnostics)


def export(store: Store, target: Path, force: bool = False) -> int:
    """Every version out again: ``target`` ending in ``.csv`` is one CSV (a row per version);
    otherwise a folder with one JSON file per version. Existing files are kept unless ``force``.
    The exported columns ``version_base`` and ``enregistre_le`` say which version each is.
    Returns how many versions were written."""
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
