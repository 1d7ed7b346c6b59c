"""A PostgreSQL server of the tests' own: Debian's PostgreSQL, started once per test session in a
temporary folder (as the ``postgres`` system user when the tests run as root: initdb and postgres
refuse root), listening on 127.0.0.1 on a free port, stopped at the end of the session — and
killed with the tests if they die (the server gets SIGQUIT, an immediate shutdown, when the
process that started it ends). Each test gets a fresh database.

Roles: ``postgres`` (superuser, no password over TCP), ``redacteur`` (password
:data:`PASSWORD`, asked over TCP: scram-sha-256) and ``lecteur`` (no right to create tables).

Use: ``postgres_server, postgres_database = postgres.postgres_server, postgres.postgres_database``
in a test module (its fixtures then), and ask for ``postgres_database`` (a :class:`Database`) or
``postgres_server`` (the :class:`Server`). A machine without
PostgreSQL fails the tests, saying how to install it (``make system-deps``); nothing is skipped.
"""

from __future__ import annotations

import atexit
import ctypes
import glob
import itertools
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

SUPERUSER = "postgres"
WRITER, PASSWORD = "redacteur", "Mot-de-passe_tres-secret-42"
READER = "lecteur"
#: The system user that runs the server when the tests run as root (made by Debian's package).
SYSTEM_USER = "postgres"


def bin_folder() -> Path:
    """The newest PostgreSQL of /usr/lib/postgresql/*/bin (Debian's layout)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: [int(n) for n in re.findall(r"\d+", p)])
    if not found:
        pytest.fail(
            "PostgreSQL is needed for these tests and was not found in /usr/lib/postgresql/*/bin: "
            "run `make system-deps` (as root it installs Debian's postgresql package) or `apt-get install postgresql`.",
            pytrace=False,
        )
    return Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the server's process, before exec: SIGQUIT (immediate shutdown) when the tests' process
    ends, however it ends. Called after the switch to the server's user (which would clear it)."""
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGQUIT)


@dataclass(frozen=True)
class Database:
    """A fresh database of the server: ``url`` connects as the superuser."""

    server: Server
    name: str

    @property
    def url(self) -> str:
        return self.server.url(self.name)

    def url_as(self, user: str, password: str | None = None) -> str:
        return self.server.url(self.name, user, password)

    def sql(self, query: str, parameters: tuple = ()) -> list[tuple]:
        """``query`` run as the superuser in this database (autocommit); its rows, if any."""
        return self.server.sql(query, parameters, self.name)


class Server:
    def __init__(self) -> None:
        self.bin = bin_folder()
        self.folder = Path(tempfile.mkdtemp(prefix="contacts-pg-"))
        self.data, self.sockets, self.log = self.folder / "data", self.folder / "sockets", self.folder / "server.log"
        self.process: subprocess.Popen | None = None
        self.port = 0
        self._names = itertools.count(1)
        self.user = None
        if os.geteuid() == 0:
            try:
                account = pwd.getpwnam(SYSTEM_USER)
            except KeyError:
                pytest.fail(f"the tests run as root and PostgreSQL refuses root: the system user {SYSTEM_USER!r} "
                            "(made by Debian's postgresql package) is missing; run `make system-deps`.", pytrace=False)
            self.user = SYSTEM_USER
            os.chown(self.folder, account.pw_uid, account.pw_gid)

    def _run(self, *command: str) -> None:
        result = subprocess.run(command, user=self.user, cwd=self.folder, capture_output=True, text=True, timeout=120, check=False)
        if result.returncode:
            pytest.fail(f"{command[0]} failed ({result.returncode}): {result.stderr or result.stdout}", pytrace=False)

    def start(self) -> Server:
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", SUPERUSER, "--auth=trust", "--no-sync",
                  "--encoding=UTF8", "--locale=C.UTF-8")
        (self.data / "pg_hba.conf").write_text(
            "local all all trust\n"
            f"host all {WRITER} 127.0.0.1/32 scram-sha-256\n"
            "host all all 127.0.0.1/32 trust\n",
            encoding="utf-8",
        )
        self._run("mkdir", "-p", str(self.sockets))
        for _attempt in range(3):  # a free port may be taken between the probe and the server's start
            self.port = _free_port()
            with open(self.log, "ab") as log:
                self.process = subprocess.Popen(
                    [str(self.bin / "postgres"), "-D", str(self.data), "-c", "listen_addresses=127.0.0.1",
                     "-c", f"port={self.port}", "-k", str(self.sockets), "-c", "fsync=off", "-c", "full_page_writes=off",
                     "-c", "synchronous_commit=off", "-c", "max_connections=80", "-c", "shared_buffers=32MB"],
                    user=self.user, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                    start_new_session=True, preexec_fn=_die_with_parent,  # noqa: PLW1509 - only prctl, before exec
                )
            if self._wait_ready():
                break
            self._kill()
        else:
            pytest.fail(f"PostgreSQL did not start: {self.log.read_text(errors='replace')[-3000:]}", pytrace=False)
        atexit.register(self.stop)
        self.sql(f"CREATE ROLE {WRITER} LOGIN PASSWORD '{PASSWORD}'")
        self.sql(f"CREATE ROLE {READER} LOGIN")
        return self

    def _wait_ready(self) -> bool:
        import psycopg

        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                psycopg.connect(self.url("postgres"), connect_timeout=2).close()
                return True
            except psycopg.OperationalError:
                time.sleep(0.05)
        return False

    def url(self, database: str, user: str = SUPERUSER, password: str | None = None) -> str:
        secret = f":{password}" if password is not None else ""
        return f"postgresql://{user}{secret}@127.0.0.1:{self.port}/{database}"

    def sql(self, query: str, parameters: tuple = (), database: str = "postgres") -> list[tuple]:
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as connection:
            cursor = connection.execute(query, parameters or None)
            return cursor.fetchall() if cursor.description else []

    def database(self, owner: str = SUPERUSER) -> Database:
        name = f"essai_{next(self._names)}"
        self.sql(f'CREATE DATABASE {name} OWNER "{owner}"')
        return Database(self, name)

    def _kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def stop(self) -> None:
        """A fast shutdown (SIGINT: sessions ended, then the server), killed if it lingers."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self._kill()
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server():
    server = Server().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_database(postgres_server) -> Database:
    """A new, empty database (owned by the superuser) for each test."""
    return postgres_server.database()
