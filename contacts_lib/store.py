"""The shared store: every saved autodiagnostic, kept in SQLite with its versions.

A save is a new version, never an overwrite: the app and the CLI only add rows. One command or
one click is one transaction (all of it or nothing); WAL mode lets several kernels and processes
read while one writes, and writers wait their turn (``busy_timeout``). The schema carries its
version (``PRAGMA user_version``) and is created or migrated on first use.

A structure is identified by its name compared as :func:`network.tables.structure_key` says
(Unicode compatibility form, case folded, spaces collapsed): « CAF  de l'Isère » and « caf de
l'isère » are one structure, whose versions are listed together.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sqlite3
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from contacts_lib.answers import HEADER_KEYS, Autodiagnostic, InputError, answer_text, build_autodiagnostic
from contacts_lib.reference import QUESTION_COUNT

#: Where the store is when no --base is given.
BASE_VARIABLE = "CONTACTS_EFFICACES_BASE"
SCHEMA_VERSION = 1
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


def structure_key(name: str) -> str:
    """How names are compared (the same rule as the network tables)."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", name)).strip().casefold()


def default_path() -> Path:
    """``CONTACTS_EFFICACES_BASE``, else a per-user data folder outside the repository."""
    named = os.environ.get(BASE_VARIABLE, "").strip()
    if named:
        return Path(named)
    import platformdirs

    return Path(platformdirs.user_data_dir("contacts-efficaces", appauthor=False)) / "autodiagnostics.sqlite"


@dataclass(frozen=True)
class Version:
    """One saved version of a structure's autodiagnostic."""

    id: int
    saved_at: str
    autodiagnostic: Autodiagnostic
    source: str


class Store:
    """A store file: :meth:`save` adds versions, :meth:`latest` and :meth:`versions` read them."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self._connection.execute("PRAGMA busy_timeout = 30000")
            self._connection.execute("PRAGMA journal_mode = WAL")
            self._connection.execute("PRAGMA foreign_keys = ON")
            self._migrate()
        except sqlite3.DatabaseError as error:
            raise InputError(f"{self.path} : base illisible ou verrouillée ({_reason(error)}) ; rien n'a été modifié.") from None
        except OSError as error:
            raise InputError(f"{self.path} : base inaccessible ({error.strerror or error}).") from None

    def close(self) -> None:
        self._connection.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def _migrate(self) -> None:
        version = self._connection.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise InputError(f"{self.path} : base d'une version plus récente de l'outil ({version}) ; mettez l'outil à jour.")
        if version < SCHEMA_VERSION:
            with self._transaction():
                for statement in filter(str.strip, _SCHEMA.split(";")):
                    self._connection.execute(statement)
                self._connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _transaction(self):
        connection = self._connection

        class _Transaction:
            def __enter__(self_inner):
                connection.execute("BEGIN IMMEDIATE")

            def __exit__(self_inner, kind, value, traceback):
                connection.execute("COMMIT" if kind is None else "ROLLBACK")
                return False

        return _Transaction()

    def save(self, diagnostics: Sequence[Autodiagnostic], source: str) -> list[int]:
        """Add each autodiagnostic as a new version, all in one transaction; their version ids."""
        saved_at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")
        ids = []
        try:
            with self._transaction():
                for diagnostic in diagnostics:
                    key = structure_key(diagnostic.structure)
                    self._connection.execute(
                        "INSERT INTO structures (key, name) VALUES (?, ?) ON CONFLICT (key) DO NOTHING", (key, diagnostic.structure)
                    )
                    structure_id = self._connection.execute("SELECT id FROM structures WHERE key = ?", (key,)).fetchone()[0]
                    header = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in diagnostic.header().items()}
                    cursor = self._connection.execute(
                        "INSERT INTO versions (structure_id, saved_at, date, campagne, header, answers, extra, source) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (structure_id, saved_at, header["date"], diagnostic.campaign, json.dumps(header, ensure_ascii=False),
                         json.dumps([answer_text(a) for a in diagnostic.answers]), json.dumps(diagnostic.extra, ensure_ascii=False), source),
                    )
                    ids.append(cursor.lastrowid)
        except sqlite3.DatabaseError as error:
            raise InputError(f"{self.path} : enregistrement impossible ({_reason(error)}) ; rien n'a été enregistré.") from None
        return ids

    def versions(self, name: str | None = None) -> list[Version]:
        """Every version (of one structure, if named), oldest first."""
        query = "SELECT v.id, v.saved_at, v.header, v.answers, v.extra, v.source FROM versions v JOIN structures s ON s.id = v.structure_id"
        parameters: tuple = ()
        if name is not None:
            query += " WHERE s.key = ?"
            parameters = (structure_key(name),)
        rows = self._connection.execute(query + " ORDER BY v.date IS NOT NULL, v.date, v.saved_at, v.id", parameters).fetchall()
        return [Version(row[0], row[1], _diagnostic(row), row[5]) for row in rows]

    def latest(self, campagne: str | None = None) -> list[Autodiagnostic]:
        """Each structure once: its latest version by date, then save time (of ``campagne`` if given)."""
        latest: dict[str, Version] = {}
        for version in self.versions():
            if campagne is not None and version.autodiagnostic.campaign != campagne:
                continue
            latest[structure_key(version.autodiagnostic.structure)] = version
        return [version.autodiagnostic for version in sorted(latest.values(), key=lambda v: v.id)]


def _diagnostic(row) -> Autodiagnostic:
    header = json.loads(row[2])
    answers = json.loads(row[3])
    if len(answers) != QUESTION_COUNT:
        raise InputError(f"version {row[0]} : {len(answers)} réponses enregistrées au lieu de {QUESTION_COUNT}.")
    return build_autodiagnostic(
        {key: header.get(key) for key in HEADER_KEYS}, list(answers), lambda key: f"version {row[0]}, {key}", json.loads(row[4])
    )


def _reason(error: sqlite3.DatabaseError) -> str:
    text = str(error)
    if "locked" in text or "busy" in text:
        return "base occupée par un autre enregistrement trop longtemps"
    if "not a database" in text or "malformed" in text:
        return "fichier endommagé ou qui n'est pas une base"
    if "readonly" in text:
        return "base en lecture seule"
    if "disk" in text and "full" in text:
        return "disque plein"
    return "erreur de la base"


def save_files(paths: Iterable[Path], store: Store) -> list[int]:
    """Read every file first (all or nothing), then save all their autodiagnostics at once."""
    from contacts_lib.formats import read_autodiagnostics

    batches = [(path, read_autodiagnostics(path)) for path in paths]
    return store.save([d for _, found in batches for d in found], source=", ".join(str(p) for p, _ in batches))
